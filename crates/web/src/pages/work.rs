//! Work management in the pages: the owner, due date and state of a requirement or work
//! package with its comments (a panel on the requirement page and on the work package page),
//! the work package page, "my work" across organisations, and the "overdue / due this week"
//! lists of one assessment (`templates/partials/work_due.html`, a partial any page of the
//! assessment can include with a [`WorkDue`] named `work_due`).
//!
//! Every change is a plain form post answered by a redirect back to the page it came from; a
//! refused change answers a page that says why and leads back. "Done" changes no answer: the
//! panel of a done requirement or package points at the answer form(s) where the answer and
//! its evidence are recorded.

use super::layout::{Badge, Choice, Crumb, Frame, choices, render, see_other, when};
use super::{PageResult, Signed};
use crate::api;
use crate::auth::{Auth, FormAuth};
use crate::error::ApiError;
use crate::ops::work::{self as ops, Due, Target};
use crate::{Access, AppState};
use aimsgap_catalog::{Date, SmolStr};
use aimsgap_store::{AssessmentMeta, Comment, Role, WorkFields, WorkItem, WorkState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::Value;
use std::collections::HashMap;

/// The states as the form offers them.
const STATES: [(&str, &str); 4] = [
    ("not_started", "Not started"),
    ("in_progress", "In progress"),
    ("in_review", "In review"),
    ("done", "Done"),
];

/// The owner select's value for someone outside the organisation (named in `owner_name`).
const OUTSIDER: &str = "outsider";

/// One comment as the thread shows it.
#[derive(Debug)]
pub(crate) struct CommentRow {
    pub(crate) id: String,
    pub(crate) author: String,
    pub(crate) at: String,
    pub(crate) body: String,
    pub(crate) edited: Option<String>,
    pub(crate) deleted: bool,
    pub(crate) can_edit: bool,
    pub(crate) can_delete: bool,
}

/// The work panel of a requirement or work package: what is set, the form to change it (for
/// editors), and the comments. Included as `work` by `templates/tasks/panel.html`.
#[derive(Debug)]
pub(crate) struct WorkPanel {
    pub(crate) base: String,
    pub(crate) target: String,
    pub(crate) csrf: String,
    pub(crate) can_edit: bool,
    pub(crate) version: i64,
    pub(crate) owner: String,
    pub(crate) due: String,
    pub(crate) overdue: bool,
    pub(crate) state: String,
    pub(crate) done: bool,
    pub(crate) changed: String,
    pub(crate) owners: Vec<Choice>,
    pub(crate) outsider: String,
    pub(crate) states: Vec<Choice>,
    pub(crate) comments: Vec<CommentRow>,
    /// Where "done" sends the reader to record the answer: the answer form on a
    /// requirement's page, or the package's requirements.
    pub(crate) answer_hint: &'static str,
}

/// Names of an organisation's members by user id.
async fn member_names(
    state: &AppState,
    org: &str,
) -> PageResult<(Vec<aimsgap_store::Member>, HashMap<String, String>)> {
    let members = state.store.members(org).await?;
    let names = members
        .iter()
        .map(|m| (m.user.id.clone(), m.user.name.clone()))
        .collect();
    Ok((members, names))
}

fn comment_row(
    comment: Comment,
    auth: &Auth,
    role: Role,
    names: &HashMap<String, String>,
) -> CommentRow {
    let mine = comment.author == auth.user.id;
    let author = if comment.author_name.is_empty() {
        names
            .get(&comment.author)
            .cloned()
            .unwrap_or_else(|| "a former member".to_string())
    } else {
        comment.author_name.clone()
    };
    CommentRow {
        author,
        at: when(&comment.created_at),
        edited: comment.edited_at.as_deref().map(when),
        can_edit: role.can_edit() && mine && !comment.deleted,
        can_delete: role.can_edit() && (mine || role == Role::Owner) && !comment.deleted,
        deleted: comment.deleted,
        body: comment.body,
        id: comment.id,
    }
}

/// The panel for `target` of an assessment, as `auth` with `role` sees it.
pub(crate) async fn panel(
    state: &AppState,
    auth: &Auth,
    role: Role,
    meta: &AssessmentMeta,
    target: &Target,
) -> PageResult<WorkPanel> {
    let key = target.key();
    let item = state.store.work_item(&meta.id, &key).await?;
    let comments = state.store.comments(&meta.id, Some(&key)).await?;
    let (members, names) = member_names(state, &meta.org_id).await?;
    let today = crate::ops::today();
    let chosen_owner = match &item {
        Some(WorkItem {
            owner_user: Some(user),
            ..
        }) => format!("member:{user}"),
        Some(WorkItem {
            owner_name: Some(_),
            ..
        }) => OUTSIDER.to_string(),
        _ => String::new(),
    };
    let mut owner_options: Vec<(String, String)> = vec![(String::new(), "Nobody yet".into())];
    owner_options.extend(members.iter().map(|m| {
        (
            format!("member:{}", m.user.id),
            format!("{} ({})", m.user.name, m.role.as_str()),
        )
    }));
    // A member who left keeps the work until someone reassigns it: still offered.
    if let Some(WorkItem {
        owner_user: Some(user),
        owner_name,
        ..
    }) = &item
        && !members.iter().any(|m| &m.user.id == user)
    {
        owner_options.push((
            format!("member:{user}"),
            format!(
                "{} (no longer a member)",
                owner_name.as_deref().unwrap_or("a former member")
            ),
        ));
    }
    owner_options.push((
        OUTSIDER.to_string(),
        "Someone outside the organisation (name below)".into(),
    ));
    let state_now = item.as_ref().map_or(WorkState::NotStarted, |i| i.state);
    Ok(WorkPanel {
        base: format!("/assessments/{}", meta.id),
        target: key,
        csrf: auth.csrf().to_string(),
        can_edit: role.can_edit(),
        version: item.as_ref().map_or(0, |i| i.version),
        owner: item
            .as_ref()
            .and_then(|i| i.owner_name.clone())
            .unwrap_or_default(),
        due: item
            .as_ref()
            .and_then(|i| i.due.clone())
            .unwrap_or_default(),
        overdue: item.as_ref().is_some_and(|i| i.is_overdue(today)),
        state: state_now.label().to_string(),
        done: state_now == WorkState::Done,
        changed: item
            .as_ref()
            .map(|i| {
                format!(
                    "{} by {}",
                    when(&i.updated_at),
                    names
                        .get(&i.updated_by)
                        .cloned()
                        .unwrap_or_else(|| "a former member".into())
                )
            })
            .unwrap_or_default(),
        owners: choices(&owner_options, &[chosen_owner.as_str()]),
        outsider: item
            .as_ref()
            .filter(|i| i.owner_user.is_none())
            .and_then(|i| i.owner_name.clone())
            .unwrap_or_default(),
        states: choices(&STATES, &[state_now.as_str()]),
        comments: comments
            .into_iter()
            .map(|c| comment_row(c, auth, role, &names))
            .collect(),
        answer_hint: match target {
            Target::Requirement(_) => "requirement",
            Target::Package(_) => "package",
        },
    })
}

/// Where a target's panel lives: the requirement's page or the work package's.
fn page_of(assessment: &str, target: &Target) -> String {
    match target {
        Target::Requirement(id) => format!("/assessments/{assessment}/requirements/{id}"),
        Target::Package(id) => format!("/assessments/{assessment}/packages/{id}"),
    }
}

/// A change refused: why, and the way back to the page it came from.
#[derive(Template, Debug)]
#[template(path = "tasks/refused.html")]
struct Refused {
    frame: Frame,
    heading: &'static str,
    sentence: String,
    back: String,
}

fn refused(
    auth: &Auth,
    status: StatusCode,
    heading: &'static str,
    sentence: String,
    back: String,
) -> Response {
    let view = Refused {
        frame: Frame::new(heading, Some(auth)),
        heading,
        sentence,
        back,
    };
    render(status, &view)
}

/// A refused change as a page for the errors a person can fix; other errors as usual.
async fn refusal(
    state: &AppState,
    auth: &Auth,
    error: ApiError,
    back: String,
) -> PageResult<Response> {
    match error {
        ApiError::Conflict(current) => {
            let value = current.get("value").cloned().unwrap_or(Value::Null);
            let text = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
            let stage = text("state")
                .as_deref()
                .and_then(WorkState::parse)
                .unwrap_or_default();
            let owner = match (text("owner_user"), text("owner_name")) {
                (Some(user), _) => state
                    .store
                    .user(&user)
                    .await?
                    .map_or_else(|| "a former member".to_string(), |u| u.name),
                (None, Some(name)) => name,
                (None, None) => "nobody".to_string(),
            };
            Ok(refused(
                auth,
                StatusCode::CONFLICT,
                "Someone changed this first",
                format!(
                    "Someone saved this work while you were editing: it is now {}, due {}, owner {owner}. Your changes were not saved; open the page again to start from theirs.",
                    stage.label(),
                    text("due").unwrap_or_else(|| "no date".into()),
                ),
                back,
            ))
        }
        ApiError::Invalid(message) => Ok(refused(
            auth,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Not saved",
            field_sentence(&message),
            back,
        )),
        ApiError::Forbidden => Ok(refused(
            auth,
            StatusCode::FORBIDDEN,
            "Not allowed",
            "Only its author edits a comment; its author or an owner deletes it.".into(),
            back,
        )),
        other => Err(other.into()),
    }
}

/// A store's refusal (`field: what`) as a sentence that names the form's field.
fn field_sentence(message: &str) -> String {
    let (field, what) = message.split_once(": ").unwrap_or(("", message));
    let label = match field {
        "owner_user" => "Owner",
        "owner_name" => "Name of the owner from outside",
        "due" => "Due date",
        "body" => "Comment",
        "target" => "Requirement or work package",
        _ => "The form",
    };
    format!("{label}: {what}.")
}

/// The work a form sets: owner (a member or someone outside by name), due date, state.
fn fields_of(form: &crate::auth::Fields) -> Result<WorkFields, String> {
    let state = match form.get("work_state") {
        None => WorkState::NotStarted,
        Some(text) => WorkState::parse(text)
            .ok_or_else(|| format!("State: {text:?} is not one of the states offered."))?,
    };
    let name = ops::given(form.get("work_owner_name"));
    let (owner_user, owner_name) = match form.get("work_owner") {
        None => match name {
            // A name typed without choosing "someone outside" still names the owner.
            Some(name) => (None, Some(name)),
            None => (None, None),
        },
        Some(OUTSIDER) => match name {
            Some(name) => (None, Some(name)),
            None => {
                return Err(
                    "Name of the owner from outside: give the name of the person outside the organisation (for example \"Jane Doe (consultant)\").".into(),
                );
            }
        },
        Some(member) => match member.strip_prefix("member:") {
            Some(user) => (Some(user.to_string()), None),
            None => return Err("Owner: choose one of the owners offered.".into()),
        },
    };
    Ok(WorkFields {
        owner_user,
        owner_name,
        due: ops::given(form.get("work_due")),
        state,
    })
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    api::assessment_access(&state, &auth, &id, Access::Edit).await?;
    let target = ops::target(&state, fields.get("target").unwrap_or(""))?;
    let back = page_of(&id, &target);
    let version = fields
        .get("version")
        .and_then(|v| v.parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::BadRequest(
                "The form lacks the version it was opened with: reload the page and try again."
                    .into(),
            )
        })?;
    let work = match fields_of(&fields) {
        Ok(work) => work,
        Err(sentence) => {
            return Ok(refused(
                &auth,
                StatusCode::UNPROCESSABLE_ENTITY,
                "Not saved",
                sentence,
                back,
            ));
        }
    };
    match ops::save(&state, &auth, &id, &target, version, &work).await {
        Ok(_) => Ok(see_other(&format!("{back}#work"))),
        Err(error) => refusal(&state, &auth, error, back).await,
    }
}

pub async fn add_comment(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    api::assessment_access(&state, &auth, &id, Access::Edit).await?;
    let target = ops::target(&state, fields.get("target").unwrap_or(""))?;
    let back = page_of(&id, &target);
    let body = fields.get("body").unwrap_or("");
    match ops::add_comment(&state, &auth, &id, &target, body).await {
        Ok(_) => Ok(see_other(&format!("{back}#comments"))),
        Err(error) => refusal(&state, &auth, error, back).await,
    }
}

/// The page a comment's thread is on, from the comment itself.
async fn comment_page(state: &AppState, id: &str, comment: &str) -> PageResult<String> {
    let found = state
        .store
        .comment(id, comment)
        .await?
        .ok_or(ApiError::NotFound)?;
    let target = ops::target(state, &found.target)?;
    Ok(page_of(id, &target))
}

pub async fn edit_comment(
    State(state): State<AppState>,
    Path((id, comment)): Path<(String, String)>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    api::assessment_access(&state, &auth, &id, Access::Edit).await?;
    let back = comment_page(&state, &id, &comment).await?;
    let body = fields.get("body").unwrap_or("");
    match ops::edit_comment(&state, &auth, &id, &comment, body).await {
        Ok(_) => Ok(see_other(&format!("{back}#comments"))),
        Err(error) => refusal(&state, &auth, error, back).await,
    }
}

pub async fn delete_comment(
    State(state): State<AppState>,
    Path((id, comment)): Path<(String, String)>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    api::assessment_access(&state, &auth, &id, Access::Edit).await?;
    let back = comment_page(&state, &id, &comment).await?;
    match ops::delete_comment(&state, &auth, &id, &comment).await {
        Ok(()) => Ok(see_other(&format!("{back}#comments"))),
        Err(error) => refusal(&state, &auth, error, back).await,
    }
}

/// A requirement of a work package as its page lists it.
#[derive(Debug)]
struct PackageRequirement {
    id: String,
    title: String,
    status: Badge,
}

#[derive(Template, Debug)]
#[template(path = "tasks/package.html")]
struct PackagePage {
    frame: Frame,
    base: String,
    id: String,
    title: String,
    /// Open in the current result (its gaps not all closed).
    open: bool,
    blocker: bool,
    effort_days: f64,
    next_action: String,
    requirements: Vec<PackageRequirement>,
    work: WorkPanel,
}

pub async fn package(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path((id, package)): Path<(String, String)>,
) -> PageResult<Response> {
    let (org, revision) = api::assessment_access(&state, &auth, &id, Access::Read).await?;
    let role = api::org_role(&state, &auth, &org).await?;
    let target = ops::target(&state, &format!("package:{package}"))?;
    let meta = state
        .store
        .assessment_meta(&id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let org_name = state
        .store
        .organization(&org)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let computed = crate::ops::assessments::current_values(&state, &id, revision).await?;
    let result = &computed.result;
    let node_title = state
        .catalog
        .framework(aimsgap_assess::TARGET)
        .and_then(|iso| iso.get(&package))
        .map(|node| node.title.clone())
        .unwrap_or_default();
    let open = result.work_packages.iter().find(|p| p.id == package);
    // An open package lists the requirements it closes; a closed one, the requirements
    // beneath its clause or control.
    let ids: Vec<SmolStr> = match open {
        Some(open) => open.requirements.clone(),
        None => result
            .requirements
            .iter()
            .filter(|r| r.id == package || aimsgap_assess::rules::is_beneath(&r.id, &package))
            .map(|r| r.id.clone())
            .collect(),
    };
    let requirements = ids
        .iter()
        .filter_map(|rid| result.requirements.iter().find(|r| &r.id == rid))
        .map(|r| PackageRequirement {
            id: r.id.to_string(),
            title: r.title.to_string(),
            status: Badge::judged(r),
        })
        .collect();
    let base = format!("/assessments/{id}");
    let work = panel(&state, &auth, role, &meta, &target).await?;
    let frame = Frame::new(
        format!("{package} {node_title} · {}", meta.name),
        Some(&auth),
    )
    .with_crumbs(vec![
        Crumb::new("/orgs", "Your organisations"),
        Crumb::new(format!("/orgs/{org}"), org_name),
        Crumb::new(base.clone(), meta.name.clone()),
        Crumb::new(format!("{base}/roadmap"), "Roadmap"),
    ]);
    let view = PackagePage {
        frame,
        base,
        title: open.map_or(node_title.to_string(), |p| p.title.clone()),
        open: open.is_some(),
        blocker: open.is_some_and(|p| p.blocker),
        effort_days: open.map_or(0.0, |p| p.effort_days),
        next_action: open.map(|p| p.next_action.clone()).unwrap_or_default(),
        requirements,
        work,
        id: package,
    };
    Ok(render(StatusCode::OK, &view))
}

/// One work item in a list: where it belongs, what it is, when it is due, where it stands.
#[derive(Debug)]
pub(crate) struct DueRow {
    pub(crate) href: String,
    pub(crate) assessment: String,
    pub(crate) organisation: String,
    pub(crate) target: String,
    pub(crate) due: String,
    pub(crate) owner: String,
    pub(crate) state: String,
}

fn target_words(target: &str) -> String {
    if let Some(id) = target.strip_prefix("requirement:") {
        format!("Requirement {id}")
    } else if let Some(id) = target.strip_prefix("package:") {
        format!("Work package {id}")
    } else {
        target.to_string()
    }
}

fn target_href(assessment: &str, target: &str) -> String {
    if let Some(id) = target.strip_prefix("requirement:") {
        format!("/assessments/{assessment}/requirements/{id}")
    } else if let Some(id) = target.strip_prefix("package:") {
        format!("/assessments/{assessment}/packages/{id}")
    } else {
        format!("/assessments/{assessment}")
    }
}

fn due_row(assessment: &str, assessment_name: &str, organisation: &str, item: &WorkItem) -> DueRow {
    DueRow {
        href: target_href(assessment, &item.target),
        assessment: assessment_name.to_string(),
        organisation: organisation.to_string(),
        target: target_words(&item.target),
        due: item.due.clone().unwrap_or_else(|| "no date".into()),
        owner: item.owner_name.clone().unwrap_or_else(|| "nobody".into()),
        state: item.state.label().to_string(),
    }
}

/// The work of one assessment that is overdue or due this week, for
/// `templates/partials/work_due.html` (included as `work_due`).
#[derive(Debug)]
pub(crate) struct WorkDue {
    pub today: Date,
    pub overdue: Vec<DueRow>,
    pub this_week: Vec<DueRow>,
}

/// The overdue and due-this-week work of an assessment, soonest first.
pub(crate) async fn work_due(state: &AppState, meta: &AssessmentMeta) -> PageResult<WorkDue> {
    let today = crate::ops::today();
    let mut items = state.store.work_items(&meta.id).await?;
    items.sort_by(|a, b| a.due.cmp(&b.due));
    let mut due = WorkDue {
        today,
        overdue: Vec::new(),
        this_week: Vec::new(),
    };
    for item in &items {
        let row = || due_row(&meta.id, &meta.name, "", item);
        match ops::due(item, today) {
            Due::Overdue => due.overdue.push(row()),
            Due::ThisWeek => due.this_week.push(row()),
            Due::Later | Due::Done => {}
        }
    }
    Ok(due)
}

#[derive(Template, Debug)]
#[template(path = "tasks/mine.html")]
struct MyWorkPage {
    frame: Frame,
    today: Date,
    overdue: Vec<DueRow>,
    this_week: Vec<DueRow>,
    later: Vec<DueRow>,
}

pub async fn mine(State(state): State<AppState>, Signed(auth): Signed) -> PageResult<Response> {
    let work = ops::my_work(&state, &auth).await?;
    let rows = |list: &[aimsgap_store::AssignedWork]| {
        list.iter()
            .map(|w| due_row(&w.assessment_id, &w.assessment_name, &w.org_name, &w.item))
            .collect::<Vec<_>>()
    };
    let view = MyWorkPage {
        frame: Frame::new("My work", Some(&auth))
            .with_crumbs(vec![Crumb::new("/orgs", "Your organisations")]),
        today: work.today,
        overdue: rows(&work.overdue),
        this_week: rows(&work.this_week),
        later: rows(&work.later),
    };
    Ok(render(StatusCode::OK, &view))
}
