//! Password reset by a mailed single-use link (see [`crate::ops::resets`]).

use super::json::ApiJson;
use crate::AppState;
use crate::audit::Origin;
use crate::error::ApiResult;
use crate::ops::resets;
use crate::sessions::same_site;
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};

pub(crate) async fn forgot(
    State(state): State<AppState>,
    headers: HeaderMap,
    origin: Origin,
    ApiJson(body): ApiJson<wire::ForgotRequest>,
) -> ApiResult<(StatusCode, Json<wire::ForgotAccepted>)> {
    same_site(&headers)?;
    resets::request_reset(&state, &origin, &body.email).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(wire::ForgotAccepted {
            message: resets::FORGOT_ANSWER.into(),
        }),
    ))
}

pub(crate) async fn reset(
    State(state): State<AppState>,
    headers: HeaderMap,
    origin: Origin,
    ApiJson(body): ApiJson<wire::ResetRequest>,
) -> ApiResult<Json<wire::SessionsEnded>> {
    same_site(&headers)?;
    let sessions_ended =
        resets::reset_password(&state, &origin, &body.token, &body.password).await?;
    Ok(Json(wire::SessionsEnded { sessions_ended }))
}
