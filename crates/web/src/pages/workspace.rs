//! Organisations, their members and invitations, and their assessments.

use super::layout::{Choice, Crumb, Frame, choices, render, see_other};
use super::{PageError, PageResult, Signed, status_of};
use crate::AppState;
use crate::api;
use crate::audit::Origin;
use crate::auth::{Auth, FormAuth};
use crate::error::{ApiError, FormField, Problem};
use crate::policy;
use aimsgap_store::Role;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

const ROLES: [(&str, &str); 4] = [
    ("viewer", "Viewer: reads"),
    ("auditor", "Auditor: reads and downloads reports"),
    ("editor", "Editor: answers and imports"),
    ("owner", "Owner: also manages members"),
];

fn orgs_crumbs() -> Vec<Crumb> {
    vec![Crumb::new("/orgs", "Your organisations")]
}

/// The day of a stored RFC 3339 time.
fn day(timestamp: &str) -> String {
    timestamp.get(..10).unwrap_or(timestamp).to_string()
}

/// A row of a list of organisations or assessments.
#[derive(Debug)]
struct Listed {
    id: String,
    name: String,
    role: &'static str,
    created: String,
    updated: String,
}

#[derive(Template, Debug)]
#[template(path = "orgs.html")]
struct Orgs<'a> {
    frame: Frame,
    orgs: Vec<Listed>,
    problem: Option<&'a str>,
    /// The name typed, kept when the form comes back.
    typed: &'a str,
    csrf: &'a str,
}

async fn orgs_page(
    state: &AppState,
    auth: &Auth,
    status: StatusCode,
    problem: Option<&str>,
    typed: &str,
) -> PageResult<Response> {
    let orgs = state.store.organizations_of(&auth.user.id).await?;
    let view = Orgs {
        frame: Frame::new("Your organisations", Some(auth)),
        orgs: orgs
            .iter()
            .map(|(org, role)| Listed {
                id: org.id.clone(),
                name: org.name.clone(),
                role: role.as_str(),
                created: day(&org.created_at),
                updated: String::new(),
            })
            .collect(),
        problem,
        typed,
        csrf: auth.csrf(),
    };
    Ok(render(status, &view))
}

pub async fn orgs(State(state): State<AppState>, Signed(auth): Signed) -> PageResult<Response> {
    orgs_page(&state, &auth, StatusCode::OK, None, "").await
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
            Some("Organisation name: give a name of 1 to 200 characters."),
            name,
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
    /// What became of the new invitation's mail.
    invitation_mail: Option<crate::ops::invitation_mail::Mailed>,
    /// A member whose role change or removal was refused, and why.
    member_problem: Option<(String, String)>,
    import_problems: Vec<Problem>,
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

/// A member as the organisation page lists them.
#[derive(Debug)]
struct Member {
    id: String,
    name: String,
    email: String,
    role: &'static str,
    /// The roles to choose from, this member's chosen (for owners only).
    roles: Vec<Choice>,
    /// The organisation's only owner: cannot be demoted nor removed.
    last_owner: bool,
    /// Whether this member is the caller.
    you: bool,
    /// Why the last change of this member was refused, shown at its field.
    problem: Option<String>,
}

/// The import form, for those who may edit.
#[derive(Debug)]
struct Import<'a> {
    /// What the import refused, as sentences linked to the form's fields.
    problems: Vec<Problem>,
    name: &'a str,
    content: &'a str,
}

/// The invitation form, for owners, with the link just created and the invitations that can
/// still be accepted (each with a button that revokes it).
#[derive(Debug)]
struct Invite {
    link: Option<String>,
    /// The address the new invitation was mailed to.
    mailed_to: Option<String>,
    /// Why the new invitation was not mailed to the address given, as a sentence.
    mail_problem: Option<String>,
    /// Whether this server sends mail (else the form says links are passed on by hand).
    mail: bool,
    role: &'static str,
    roles: Vec<Choice>,
    pending: Vec<Pending>,
}

/// A pending invitation as the organisation page lists it: never its secret.
#[derive(Debug)]
struct Pending {
    id: String,
    role: &'static str,
    by: String,
    created: String,
    expires: String,
}

#[derive(Template, Debug)]
#[template(path = "org.html")]
struct Org<'a> {
    frame: Frame,
    id: &'a str,
    name: String,
    role: &'static str,
    /// Whether the caller may change roles and remove members.
    manage: bool,
    csrf: &'a str,
    assessments: Vec<Listed>,
    members: Vec<Member>,
    import: Option<Import<'a>>,
    invite: Option<Invite>,
    /// Whether the caller reads the audit log (owners and auditors).
    audit: bool,
    /// Whether the organisation requires two-factor sign-in (shown to owners).
    two_factor_required: bool,
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
    let owners = members.iter().filter(|m| m.role == Role::Owner).count();
    let assessments = state.store.assessments(org_id, None, 200).await?;
    let import = role.can_edit().then_some(Import {
        problems: flash.import_problems,
        name: flash.import_name,
        content: flash.import_content,
    });
    let pending = if role.can_manage() {
        state.store.pending_invitations(org_id).await?
    } else {
        Vec::new()
    };
    let mailed = flash.invitation_mail.clone();
    let invite = role.can_manage().then(|| Invite {
        mailed_to: match &mailed {
            Some(crate::ops::invitation_mail::Mailed::Sent(to)) => Some(to.clone()),
            _ => None,
        },
        mail_problem: match &mailed {
            Some(crate::ops::invitation_mail::Mailed::NoMail(_)) => Some(
                "Mail is not set up on this server, so nothing was mailed: copy the link below and send it yourself.".to_string(),
            ),
            Some(crate::ops::invitation_mail::Mailed::Failed(to)) => Some(format!(
                "The invitation could not be mailed to {to}: the mail server refused it or could not be reached. The invitation stands: copy the link below and send it yourself."
            )),
            _ => None,
        },
        mail: crate::ops::resets::mail_links(state).is_some(),
        link: flash.invitation.as_ref().map(|(secret, _)| {
            format!(
                "{}/invitations/{secret}",
                origin(headers, state.config.secure_cookies)
            )
        }),
        role: flash
            .invitation
            .as_ref()
            .map_or("viewer", |(_, invited)| invited.as_str()),
        roles: choices(&ROLES, &["viewer"]),
        pending: pending
            .iter()
            .map(|invitation| Pending {
                id: invitation.id.clone(),
                role: invitation.role.as_str(),
                by: invitation
                    .created_by
                    .as_ref()
                    .map_or_else(String::new, |user| user.name.clone()),
                created: day(&invitation.created_at),
                expires: day(&invitation.expires_at),
            })
            .collect(),
    });
    let two_factor_required = state.store.two_factor_required(org_id).await?;
    let view = Org {
        two_factor_required,
        frame: Frame::new(org.name.clone(), Some(auth)).with_crumbs(orgs_crumbs()),
        id: org_id,
        name: org.name,
        role: role.as_str(),
        csrf: auth.csrf(),
        assessments: assessments
            .iter()
            .map(|a| Listed {
                id: a.id.clone(),
                name: a.name.clone(),
                role: "",
                created: day(&a.created_at),
                updated: day(&a.updated_at),
            })
            .collect(),
        manage: role.can_manage(),
        members: members
            .iter()
            .map(|m| Member {
                id: m.user.id.clone(),
                name: m.user.name.clone(),
                email: m.user.email.clone(),
                role: m.role.as_str(),
                roles: if role.can_manage() {
                    choices(&ROLES, &[m.role.as_str()])
                } else {
                    Vec::new()
                },
                last_owner: m.role == Role::Owner && owners == 1,
                you: m.user.id == auth.user.id,
                problem: flash
                    .member_problem
                    .as_ref()
                    .filter(|(user, _)| *user == m.user.id)
                    .map(|(_, sentence)| sentence.clone()),
            })
            .collect(),
        import,
        invite,
        audit: policy::allowed(role, crate::Access::OrgAudit),
    };
    Ok(render(status, &view))
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
    origin: Origin,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let role = fields
        .get("role")
        .and_then(Role::parse)
        .ok_or_else(|| ApiError::BadRequest("Choose the role of the person you invite.".into()))?;
    let invited = crate::ops::invitation_mail::invite_by_mail(
        &state,
        &auth,
        &origin,
        &org,
        role,
        7,
        fields.get("email"),
    )
    .await?;
    org_page(
        &state,
        &auth,
        &org,
        StatusCode::CREATED,
        OrgFlash {
            invitation: Some((invited.secret, role)),
            invitation_mail: Some(invited.mailed),
            ..OrgFlash::default()
        },
        &headers,
    )
    .await
}

/// Revokes a pending invitation, then shows the organisation page again.
pub async fn revoke_invitation(
    State(state): State<AppState>,
    Path((org, invitation)): Path<(String, String)>,
    origin: Origin,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    crate::ops::accounts::revoke_invitation(&state, &auth, &org, &invitation, &origin).await?;
    Ok(see_other(&format!("/orgs/{org}#invite")))
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
    let (status, problems) = if name.is_empty() || name.chars().count() > 200 {
        (
            StatusCode::BAD_REQUEST,
            vec![Problem {
                sentence: "Name of the assessment: give it a name of 1 to 200 characters.".into(),
                field: Some(FormField::new("Name of the assessment", "name")),
            }],
        )
    } else {
        match api::parse_file(&state, name, content) {
            Ok((document, _renamed)) => {
                let meta = state
                    .store
                    .create_assessment(&org, name, &document, &auth.user.id)
                    .await?;
                return Ok(see_other(&format!("/assessments/{}", meta.id)));
            }
            Err(
                error @ (ApiError::Invalid(_)
                | ApiError::Located(_)
                | ApiError::BadRequest(_)
                | ApiError::OverLimit(_)),
            ) => (
                status_of(&error),
                // Every error is in the pasted file: each says where, and links to it.
                error
                    .problems(&|_| None)
                    .into_iter()
                    .map(|problem| Problem {
                        field: Some(FormField::new("Assessment file", "content")),
                        ..problem
                    })
                    .collect(),
            ),
            Err(other) => return Err(other.into()),
        }
    };
    org_page(
        &state,
        &auth,
        &org,
        status,
        OrgFlash {
            import_problems: problems,
            import_name: name,
            import_content: content,
            ..OrgFlash::default()
        },
        &headers,
    )
    .await
}

#[derive(Template, Debug)]
#[template(path = "invitation.html")]
struct Invitation<'a> {
    frame: Frame,
    name: &'a str,
    token: &'a str,
    csrf: &'a str,
    org: String,
    role: &'static str,
    /// What the role may do, in words.
    role_text: &'static str,
    invited_by: Option<String>,
    expires: String,
}

/// Shows what an invitation opens (the organisation, the role, who invited) before it is
/// accepted; a used, revoked or expired one is the page that says so.
pub async fn invitation(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(token): Path<String>,
) -> PageResult<Response> {
    let Some(preview) = state.store.invitation_preview(&token).await? else {
        let view = InvitationInvalid {
            frame: Frame::new("Invitation not valid", Some(&auth)),
        };
        return Ok(render(StatusCode::NOT_FOUND, &view));
    };
    let role = preview.role.as_str();
    let view = Invitation {
        frame: Frame::new(format!("Join {}", preview.org_name), Some(&auth)),
        name: &auth.user.name,
        token: &token,
        csrf: auth.csrf(),
        org: preview.org_name,
        role,
        role_text: ROLES
            .iter()
            .find(|(value, _)| *value == role)
            .map_or("", |(_, text)| text),
        invited_by: preview.invited_by,
        expires: super::layout::when(&preview.expires_at),
    };
    Ok(render(StatusCode::OK, &view))
}

#[derive(Template, Debug)]
#[template(path = "invitation_invalid.html")]
struct InvitationInvalid {
    frame: Frame,
}

pub async fn accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    origin: Origin,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    match crate::ops::accounts::accept_invitation(&state, &auth, &token, &origin).await {
        Ok((org, _)) => Ok(see_other(&format!("/orgs/{org}"))),
        Err(ApiError::NotFound) => {
            let view = InvitationInvalid {
                frame: Frame::new("Invitation not valid", Some(&auth)),
            };
            Ok(render(StatusCode::NOT_FOUND, &view))
        }
        Err(other) => Err(PageError::from(other)),
    }
}

/// The sentence a page shows when a change would leave the organisation without an owner.
const LAST_OWNER: &str =
    "Role: this is the organisation's only owner. Make another member owner first.";

/// Shows the organisation page again with a refused member change at that member's field,
/// or passes any other error on.
async fn member_refused(
    state: &AppState,
    auth: &Auth,
    org: &str,
    user: &str,
    error: ApiError,
    headers: &HeaderMap,
) -> PageResult<Response> {
    match error {
        ApiError::BadRequest(_) => {
            org_page(
                state,
                auth,
                org,
                StatusCode::BAD_REQUEST,
                OrgFlash {
                    member_problem: Some((user.to_string(), LAST_OWNER.to_string())),
                    ..OrgFlash::default()
                },
                headers,
            )
            .await
        }
        other => Err(other.into()),
    }
}

/// Changes a member's role (owners only); the last owner keeps theirs, and the page says so
/// at the member's field.
pub async fn set_member_role(
    State(state): State<AppState>,
    Path((org, user)): Path<(String, String)>,
    headers: HeaderMap,
    origin: Origin,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let role = fields
        .get("role")
        .and_then(Role::parse)
        .ok_or_else(|| ApiError::BadRequest("Role: choose one of the roles listed.".into()))?;
    match crate::ops::accounts::set_role(&state, &auth, &org, &user, role, &origin).await {
        Ok(()) => Ok(see_other(&format!("/orgs/{org}#members"))),
        Err(error) => member_refused(&state, &auth, &org, &user, error, &headers).await,
    }
}

/// Removes a member (owners only); the last owner stays, and the page says so.
pub async fn remove_member(
    State(state): State<AppState>,
    Path((org, user)): Path<(String, String)>,
    headers: HeaderMap,
    origin: Origin,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    match crate::ops::accounts::remove_member(&state, &auth, &org, &user, &origin).await {
        // An owner who removed themselves can no longer see the organisation.
        Ok(()) if user == auth.user.id => Ok(see_other("/orgs")),
        Ok(()) => Ok(see_other(&format!("/orgs/{org}#members"))),
        Err(error) => member_refused(&state, &auth, &org, &user, error, &headers).await,
    }
}
