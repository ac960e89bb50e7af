//! Organisations, their members and invitations, and their assessments.

use super::layout::{Crumb, csrf_field, e, html, input, page, see_other, select, table};
use super::{PageError, PageResult, Signed, status_of};
use crate::AppState;
use crate::api;
use crate::auth::{Auth, FormAuth};
use crate::error::ApiError;
use aimsgap_store::Role;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use std::fmt::Write;

fn role_options() -> Vec<(String, String)> {
    [
        ("viewer", "Viewer: reads"),
        ("auditor", "Auditor: reads and downloads reports"),
        ("editor", "Editor: answers and imports"),
        ("owner", "Owner: also manages members"),
    ]
    .iter()
    .map(|(v, t)| ((*v).to_string(), (*t).to_string()))
    .collect()
}

fn orgs_crumbs() -> Vec<Crumb> {
    vec![("/orgs".to_string(), "Your organisations".to_string())]
}

async fn orgs_page(
    state: &AppState,
    auth: &Auth,
    status: StatusCode,
    problem: Option<&str>,
) -> PageResult<Response> {
    let orgs = state.store.organizations_of(&auth.user.id).await?;
    let mut content = String::from("<h1>Your organisations</h1>");
    if orgs.is_empty() {
        content.push_str("<p>You are not a member of any organisation yet. Create one below, accept an invitation link from a colleague, or <a href=\"/quick\">start with the quick assessment</a> and save it.</p>");
    } else {
        let mut rows = String::new();
        for (org, role) in &orgs {
            let _ = write!(
                rows,
                "<tr><td><a href=\"/orgs/{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
                e(&org.id),
                e(&org.name),
                role.as_str(),
                e(org.created_at.get(..10).unwrap_or(&org.created_at))
            );
        }
        content.push_str(&table(
            "Your organisations",
            &["Organisation", "Your role", "Created"],
            &rows,
        ));
    }
    content.push_str("<h2>Create an organisation</h2>");
    if let Some(problem) = problem {
        let _ = write!(
            content,
            "<div class=\"notice bad\" role=\"alert\"><p>{}</p></div>",
            e(problem)
        );
    }
    let _ = write!(
        content,
        "<form class=\"stack\" method=\"post\" action=\"/orgs\">{}{}<div class=\"actions\"><button type=\"submit\">Create</button></div></form>",
        csrf_field(auth),
        input(
            "text",
            "name",
            "Organisation name",
            "",
            " required maxlength=\"200\" autocomplete=\"organization\""
        )
    );
    Ok(html(
        status,
        page("Your organisations", Some(auth), &[], &content),
    ))
}

pub async fn orgs(State(state): State<AppState>, Signed(auth): Signed) -> PageResult<Response> {
    orgs_page(&state, &auth, StatusCode::OK, None).await
}

pub async fn create_org(
    State(state): State<AppState>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let name = fields.get("name").unwrap_or("");
    if name.is_empty() || name.chars().count() > 200 {
        return orgs_page(
            &state,
            &auth,
            StatusCode::BAD_REQUEST,
            Some("Give the organisation a name of 1 to 200 characters."),
        )
        .await;
    }
    let org = state.store.create_organization(name, &auth.user.id).await?;
    Ok(see_other(&format!("/orgs/{}", org.id)))
}

/// What a re-rendered organisation page carries after a post.
#[derive(Default)]
struct OrgFlash<'a> {
    invitation: Option<(String, Role)>,
    import_problem: Option<&'a str>,
    import_name: &'a str,
    import_content: &'a str,
}

fn origin(headers: &HeaderMap, secure: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("{}://{host}", if secure { "https" } else { "http" })
}

async fn org_page(
    state: &AppState,
    auth: &Auth,
    org_id: &str,
    status: StatusCode,
    flash: OrgFlash<'_>,
    headers: &HeaderMap,
) -> PageResult<Response> {
    let role = api::org_role(state, auth, org_id).await?;
    let org = state
        .store
        .organization(org_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let members = state.store.members(org_id).await?;
    let assessments = state.store.assessments(org_id, None, 200).await?;
    let mut content = format!(
        "<h1>{}</h1><p class=\"muted\">Your role: {}.</p>",
        e(&org.name),
        role.as_str()
    );

    content.push_str("<h2 id=\"assessments\">Assessments</h2>");
    if assessments.is_empty() {
        content.push_str("<p>No assessment yet.</p>");
    } else {
        let mut rows = String::new();
        for a in &assessments {
            let _ = write!(
                rows,
                "<tr><td><a href=\"/assessments/{}\">{}</a></td><td>{}</td><td>{}</td></tr>",
                e(&a.id),
                e(&a.name),
                e(a.created_at.get(..10).unwrap_or(&a.created_at)),
                e(a.updated_at.get(..10).unwrap_or(&a.updated_at))
            );
        }
        content.push_str(&table(
            "Assessments",
            &["Assessment", "Created", "Last change"],
            &rows,
        ));
    }
    if role.can_edit() {
        content.push_str("<h3>Import an assessment file</h3><p>Paste an assessment file (YAML or JSON, as <code>aimsgap init</code> writes it), or <a href=\"/quick\">start from the quick assessment</a>.</p>");
        if let Some(problem) = flash.import_problem {
            let _ = write!(
                content,
                "<div class=\"notice bad\" role=\"alert\"><p>The file was not imported:</p><pre class=\"explain\">{}</pre></div>",
                e(problem)
            );
        }
        let _ = write!(
            content,
            "<form class=\"stack\" method=\"post\" action=\"/orgs/{}/assessments\">{}{}\
             <div class=\"field\"><label for=\"f-content\">Assessment file</label><textarea id=\"f-content\" name=\"content\" required spellcheck=\"false\">{}</textarea></div>\
             <div class=\"actions\"><button type=\"submit\">Import</button></div></form>",
            e(org_id),
            csrf_field(auth),
            input(
                "text",
                "name",
                "Name of the assessment",
                flash.import_name,
                " required maxlength=\"200\""
            ),
            e(flash.import_content)
        );
    }

    content.push_str("<h2 id=\"members\">Members</h2>");
    let mut rows = String::new();
    for m in &members {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            e(&m.user.name),
            e(&m.user.email),
            m.role.as_str()
        );
    }
    content.push_str(&table("Members", &["Name", "E-mail", "Role"], &rows));

    if role.can_manage() {
        content.push_str("<h3 id=\"invite\">Invite someone</h3>");
        if let Some((secret, invited)) = &flash.invitation {
            let link = format!(
                "{}/invitations/{secret}",
                origin(headers, state.config.secure_cookies)
            );
            let _ = write!(
                content,
                "<div class=\"notice good\" role=\"status\"><p>Send this one-time link to the person you invite as <strong>{}</strong>. It works once, for seven days, and is shown only now:</p><p><code>{}</code></p></div>",
                invited.as_str(),
                e(&link)
            );
        }
        let _ = write!(
            content,
            "<form class=\"stack\" method=\"post\" action=\"/orgs/{}/invitations\">{}{}<div class=\"actions\"><button type=\"submit\">Create an invitation link</button></div></form>",
            e(org_id),
            csrf_field(auth),
            select("role", "Role", &role_options(), "viewer")
        );
    }
    Ok(html(
        status,
        page(&org.name, Some(auth), &orgs_crumbs(), &content),
    ))
}

pub async fn org(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(org): Path<String>,
    headers: HeaderMap,
) -> PageResult<Response> {
    org_page(
        &state,
        &auth,
        &org,
        StatusCode::OK,
        OrgFlash::default(),
        &headers,
    )
    .await
}

pub async fn invite(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let role = fields
        .get("role")
        .and_then(Role::parse)
        .ok_or_else(|| ApiError::BadRequest("choose a role".into()))?;
    let secret = api::invite(&state, &auth, &org, role, 7).await?;
    org_page(
        &state,
        &auth,
        &org,
        StatusCode::CREATED,
        OrgFlash {
            invitation: Some((secret, role)),
            ..OrgFlash::default()
        },
        &headers,
    )
    .await
}

pub async fn import(
    State(state): State<AppState>,
    Path(org): Path<String>,
    headers: HeaderMap,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let role = api::org_role(&state, &auth, &org).await?;
    if !role.can_edit() {
        return Err(ApiError::Forbidden.into());
    }
    let name = fields.get("name").unwrap_or("");
    let content = fields
        .0
        .iter()
        .find(|(k, _)| k == "content")
        .map_or("", |(_, v)| v.as_str());
    let problem = if name.is_empty() || name.chars().count() > 200 {
        Err(ApiError::BadRequest(
            "Give the assessment a name of 1 to 200 characters.".into(),
        ))
    } else {
        api::parse_file(&state, name, content)
    };
    match problem {
        Ok(document) => {
            let meta = state
                .store
                .create_assessment(&org, name, &document, &auth.user.id)
                .await?;
            Ok(see_other(&format!("/assessments/{}", meta.id)))
        }
        Err(error @ (ApiError::Invalid(_) | ApiError::BadRequest(_))) => {
            let message = error.to_string();
            org_page(
                &state,
                &auth,
                &org,
                status_of(&error),
                OrgFlash {
                    import_problem: Some(&message),
                    import_name: name,
                    import_content: content,
                    ..OrgFlash::default()
                },
                &headers,
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn invitation(Signed(auth): Signed, Path(token): Path<String>) -> PageResult<Response> {
    let content = format!(
        "<h1>Join an organisation</h1><p>You were invited to an organisation on aimsgap. Accept to join it as {} with the role the invitation names. The link works once.</p>\
         <form method=\"post\" action=\"/invitations/{}\">{}<div class=\"actions\"><button type=\"submit\">Accept the invitation</button><a href=\"/orgs\">Not now</a></div></form>",
        e(&auth.user.name),
        e(&token),
        csrf_field(&auth)
    );
    Ok(html(
        StatusCode::OK,
        page("Join an organisation", Some(&auth), &[], &content),
    ))
}

pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    match state.store.accept_invitation(&token, &auth.user.id).await {
        Ok((org, _)) => Ok(see_other(&format!("/orgs/{org}"))),
        Err(aimsgap_store::StoreError::NotFound) => {
            let content = "<h1>This invitation cannot be used</h1><p>It was already used, it has expired, or the link is incomplete. Ask the owner of the organisation for a new one.</p><p><a href=\"/orgs\">Your organisations</a></p>";
            Ok(html(
                StatusCode::NOT_FOUND,
                page("Invitation not valid", Some(&auth), &[], content),
            ))
        }
        Err(other) => Err(PageError::from(other)),
    }
}
