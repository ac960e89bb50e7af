//! A member's reminder preferences: which kinds of reminder the daily digest brings them.
//! Pages and the API read and write them through here.

use crate::AppState;
use crate::auth::Auth;
use crate::error::ApiResult;
use aimsgap_store::Reminders;

/// The member's preferences, and whether this server sends mail at all.
pub(crate) struct Notifications {
    pub reminders: Reminders,
    pub mail: bool,
    pub digest_hour: u8,
}

pub(crate) async fn notifications(state: &AppState, auth: &Auth) -> ApiResult<Notifications> {
    Ok(Notifications {
        reminders: state.store.reminders(&auth.user.id).await?,
        mail: state.mailer.is_some(),
        digest_hour: state.config.digest_hour,
    })
}

/// Records the member's choice for every kind of reminder.
pub(crate) async fn set_notifications(
    state: &AppState,
    auth: &Auth,
    reminders: &Reminders,
) -> ApiResult<()> {
    Ok(state.store.set_reminders(&auth.user.id, reminders).await?)
}
