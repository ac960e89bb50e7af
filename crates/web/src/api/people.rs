//! The caller's own account: the password and the other sessions.

use super::json::ApiJson;
use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::ops::people;
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::State;
use axum::http::{Extensions, HeaderMap};

pub(crate) async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    auth: Auth,
    ApiJson(body): ApiJson<wire::PasswordRequest>,
) -> ApiResult<Json<wire::SessionsEnded>> {
    let sessions_ended = people::change_password(
        &state,
        &auth,
        &headers,
        &extensions,
        &body.current_password,
        &body.new_password,
    )
    .await
    .map_err(people::PasswordRefusal::into_api)?;
    Ok(Json(wire::SessionsEnded { sessions_ended }))
}

pub(crate) async fn logout_others(
    State(state): State<AppState>,
    auth: Auth,
    origin: crate::audit::Origin,
) -> ApiResult<Json<wire::SessionsEnded>> {
    let sessions_ended = people::end_other_sessions(&state, &auth, &origin).await?;
    Ok(Json(wire::SessionsEnded { sessions_ended }))
}
