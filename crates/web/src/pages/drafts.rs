//! The Drafts tab of an assessment: each artefact draft with what it is for, what to decide
//! before approving it, and its downloads (Markdown, Word, and a spreadsheet for the risk
//! register). Downloads need the export right, as the reports do; a viewer sees the list.

use super::Frame;
use super::assessment::{Context, Tab, TabLink, context};
use super::{PageResult, Signed};
use crate::ops::assessments as ops;
use crate::{Access, AppState};
use aimsgap_store::Role;
use aimsgap_wire::api::Draft;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

#[derive(Template, Debug)]
#[template(path = "assessment/drafts.html")]
struct DraftsPage<'a> {
    frame: Frame,
    tabs: Vec<TabLink>,
    id: &'a str,
    organisation: String,
    as_of: String,
    /// Whether the reader may download (everyone but a viewer).
    downloads: bool,
    drafts: Vec<Draft>,
}

pub async fn list(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx: Context = context(&state, auth, &id, Access::Read).await?;
    let computed = ops::latest(&state, &ctx.auth, &id).await?;
    let organisation = computed.result.organization.clone();
    let as_of = computed.result.as_of.to_string();
    let drafts = crate::drafts::list(&state, computed).await?.drafts;
    let (frame, tabs) = ctx.chrome(Tab::Drafts, "Drafts");
    let view = DraftsPage {
        frame,
        tabs,
        id: &id,
        organisation,
        as_of,
        downloads: ctx.role != Role::Viewer,
        drafts,
    };
    Ok(super::render(StatusCode::OK, &view))
}

/// `/assessments/{assessment}/drafts/{file}`, the file being `<draft>.<md|docx|xlsx>`.
pub async fn download(
    State(state): State<AppState>,
    Signed(auth): Signed,
    origin: crate::audit::Origin,
    Path((id, file)): Path<(String, String)>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Export).await?;
    let (draft, format) = file.rsplit_once('.').unwrap_or((file.as_str(), ""));
    let computed = ops::latest(&state, &ctx.auth, &id).await?;
    let response = crate::drafts::download(&state, computed, draft, format).await?;
    let (user, org) = (&ctx.auth.user, &ctx.meta.org_id);
    let subject = format!("{id}/drafts/{file}");
    let event = crate::audit::Event::ReportExported;
    crate::ops::audit::downloaded(&state, Some(user), Some(org), event, &subject, &origin).await?;
    Ok(response)
}
