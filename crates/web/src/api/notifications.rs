//! The caller's reminder preferences (`/api/v1/notifications`).

use super::json::ApiJson;
use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::ops::notifications as ops;
use aimsgap_store::Reminders;
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::State;

fn view(found: &ops::Notifications) -> wire::Notifications {
    wire::Notifications {
        work: found.reminders.work,
        evidence: found.reminders.evidence,
        obligations: found.reminders.obligations,
        mail: found.mail,
        digest_hour: found.digest_hour,
    }
}

pub(crate) async fn get_notifications(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<wire::Notifications>> {
    Ok(Json(view(&ops::notifications(&state, &auth).await?)))
}

pub(crate) async fn put_notifications(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<wire::NotificationsRequest>,
) -> ApiResult<Json<wire::Notifications>> {
    let reminders = Reminders {
        work: body.work,
        evidence: body.evidence,
        obligations: body.obligations,
    };
    ops::set_notifications(&state, &auth, &reminders).await?;
    Ok(Json(view(&ops::notifications(&state, &auth).await?)))
}
