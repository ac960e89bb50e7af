//! The artefact drafts of an assessment: the list, and one draft in one format. The pages
//! offer the same through [`crate::drafts`].

use crate::audit::{Event, Origin};
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::ops::assessments as ops;
use crate::ops::audit::downloaded;
use crate::{Access, AppState, policy};
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;

pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<wire::DraftList>> {
    let (_, revision) = policy::assessment_access(&state, &auth, &id, Access::Export).await?;
    let computed = ops::current_values(&state, &id, revision).await?;
    Ok(Json(crate::drafts::list(&state, computed).await?))
}

pub(crate) async fn download(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path((id, draft, format)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    let (org, revision) = policy::assessment_access(&state, &auth, &id, Access::Export).await?;
    let computed = ops::current_values(&state, &id, revision).await?;
    let response = crate::drafts::download(&state, computed, &draft, &format).await?;
    let subject = format!("{id}/drafts/{draft}.{format}");
    let event = Event::ReportExported;
    downloaded(
        &state,
        Some(&auth.user),
        Some(&org),
        event,
        &subject,
        &origin,
    )
    .await?;
    Ok(response)
}
