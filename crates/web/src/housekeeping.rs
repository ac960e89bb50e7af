//! Housekeeping: deletes expired sessions and API tokens and old invitations, at start and
//! every hour. Expired ones are already refused when presented; this keeps the tables from
//! growing without bound.

use crate::AppState;
use std::time::Duration;

/// How often housekeeping runs.
pub const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60 * 60);

/// Runs forever: one pass now, then one every [`HOUSEKEEPING_EVERY`]. A failed pass is logged
/// and the next one tries again. Spawn it beside the server.
pub async fn housekeeping(state: AppState) {
    let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match state.store.purge_expired_now().await {
            Ok(purged) => tracing::info!(
                sessions = purged.sessions,
                tokens = purged.tokens,
                invitations = purged.invitations,
                "housekeeping: expired rows deleted"
            ),
            Err(error) => tracing::warn!(%error, "housekeeping failed; retrying within the hour"),
        }
    }
}
