//! Housekeeping: deletes expired sessions and API tokens and old invitations, at start and
//! every hour. Expired ones are already refused when presented; this keeps the tables from
//! growing without bound. The same pass records the daily runs ([`record_daily_runs`]).

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
        if let Err(error) = state.store.purge_password_resets_now().await {
            tracing::warn!(%error, "expired reset links not deleted; retrying within the hour");
        }
        match record_daily_runs(&state, aimsgap_store::today()).await {
            Ok(recorded) => tracing::info!(recorded, "housekeeping: daily runs recorded"),
            Err(error) => {
                tracing::warn!(%error, "daily runs failed; retrying within the hour");
            }
        }
    }
}

/// Assessments read per page while looking for those a daily run should record.
const DAILY_RUN_PAGE: i64 = 100;

/// Records a run of every assessment that changed since its latest run and has none on `day`
/// yet, as [`aimsgap_store::DAILY_RUN_ACTOR`]; returns how many it recorded. The assessments
/// are read a page at a time, so the pass stays bounded however many there are. An assessment
/// that no longer computes (its stored content does not validate against this server's
/// catalog) is logged and skipped: it cannot have a run.
pub async fn record_daily_runs(
    state: &AppState,
    day: aimsgap_catalog::Date,
) -> Result<usize, aimsgap_store::StoreError> {
    let day = day.to_string();
    let mut after: Option<String> = None;
    let mut recorded = 0;
    loop {
        let page = state
            .store
            .assessments_changed_since_last_run(&day, after.as_deref(), DAILY_RUN_PAGE)
            .await?;
        let Some(last) = page.last().cloned() else {
            return Ok(recorded);
        };
        for id in &page {
            match crate::ops::assessments::compute(state, id).await {
                Ok((result, _)) => {
                    let value = aimsgap_report::json::to_value(&result);
                    state
                        .store
                        .save_run(
                            id,
                            aimsgap_store::DAILY_RUN_ACTOR,
                            result.readiness.point,
                            &value,
                        )
                        .await?;
                    recorded += 1;
                }
                Err(error) => {
                    tracing::warn!(assessment = %id, %error, "no daily run: the assessment does not compute");
                }
            }
        }
        after = Some(last);
    }
}
