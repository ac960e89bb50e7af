//! Two-factor sign-in for automation: the caller's state, and an organisation's requirement.
//! Enrolment needs a person with an authenticator app, so it is on the pages only.

use super::json::ApiJson;
use crate::AppState;
use crate::audit::Origin;
use crate::auth::Auth;
use crate::error::ApiResult;
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::{Path, State};

pub(crate) async fn status(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<wire::TwoFactorStatus>> {
    let enabled = state.store.two_factor_on(&auth.user.id).await?;
    let recovery_codes_left = if enabled {
        state.store.recovery_codes_left(&auth.user.id).await?
    } else {
        0
    };
    let mut required_by = Vec::new();
    for (org, _) in state.store.organizations_of(&auth.user.id).await? {
        if state.store.two_factor_required(&org.id).await? {
            required_by.push(org.id);
        }
    }
    Ok(Json(wire::TwoFactorStatus {
        enabled,
        recovery_codes_left,
        required_by,
    }))
}

pub(crate) async fn set_required(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<wire::TwoFactorRequirement>,
) -> ApiResult<Json<wire::TwoFactorRequirement>> {
    crate::ops::two_factor::set_required(&state, &auth, &org, body.required, &origin).await?;
    Ok(Json(wire::TwoFactorRequirement {
        required: body.required,
    }))
}
