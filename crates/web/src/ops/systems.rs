//! AI systems: what one would be before it is saved. The AI-system form's "Preview" button and
//! `POST /api/v1/assessments/{assessment}/ai-systems/preview` both call [`preview`], which
//! places the system in the stored assessment (replacing the one with its id, or added at the
//! end), has the engine's reader validate the whole, and assesses it on the rendering pool, as
//! the quick assessment does. Nothing is written: no version moves, no history entry is made.

use super::assessments::{Dated, stored_document, validate};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::{Access, AppState, policy};
use aimsgap_assess::AssessmentResult;
use serde_json::Value;

/// The assessment as it would be with `system` in it, assessed; its obligations are only the
/// system's own. Read access is enough: a preview changes nothing, and it shows no more than
/// the result a reader already sees, for a system the caller describes.
pub(crate) async fn preview(
    state: &AppState,
    auth: &Auth,
    id: &str,
    system: &Value,
) -> ApiResult<AssessmentResult> {
    policy::assessment_access(state, auth, id, Access::Read).await?;
    let system_id = system
        .get("id")
        .and_then(Value::as_str)
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| ApiError::BadRequest("the AI system needs an `id`".into()))?
        .to_string();
    let mut document = stored_document(state, id).await?;
    if let Some(systems) = document.get_mut("ai_systems").and_then(Value::as_array_mut) {
        match systems
            .iter_mut()
            .find(|s| s.get("id").and_then(Value::as_str) == Some(system_id.as_str()))
        {
            Some(existing) => *existing = system.clone(),
            None => systems.push(system.clone()),
        }
    }
    let assessment = validate(
        state,
        &format!("ai_systems.{system_id}"),
        &document,
        Dated::Nothing,
    )?;
    let catalog = state.catalog.clone();
    let mut result = state
        .rendering
        .run(move || {
            aimsgap_assess::assess(&catalog, &assessment)
                .map_err(|e| ApiError::Internal(e.to_string()))
        })
        .await??;
    result.obligations.retain(|o| o.system == system_id);
    Ok(result)
}
