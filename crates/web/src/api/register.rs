//! The gap register as JSON: the API's sibling of the register page.

use crate::auth::Auth;
use crate::error::ApiError;
use crate::ops::register::register_of;
use crate::{Access, AppState, policy};
use aimsgap_wire::api::Register;
use axum::Json;
use axum::extract::{Path, Query, State};

/// `GET /api/v1/assessments/{assessment}/register`: the rows as JSON.
pub(crate) async fn register(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> Result<Json<Register>, ApiError> {
    let (_, revision) = policy::assessment_access(&state, &auth, &id, Access::Read).await?;
    let (_, _, all, kept) = register_of(&state, &id, revision, &query).await?;
    Ok(Json(Register {
        rows: kept,
        total: all.len(),
    }))
}
