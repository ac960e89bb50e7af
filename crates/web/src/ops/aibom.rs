//! The AI-BOM import that the AI-systems page and the API share: a CycloneDX ML-BOM read into
//! draft AI systems (nothing stored), and the confirmed drafts added in one transaction.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::ops::assessments::{Dated, stored_document, validate};
use aimsgap_wire::assessment::AiSystem;
use serde_json::Value;
use std::collections::BTreeSet;

/// The ids of the assessment's AI systems.
async fn taken_ids(state: &AppState, id: &str) -> ApiResult<BTreeSet<String>> {
    let document = stored_document(state, id).await?;
    Ok(document
        .get("ai_systems")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.get("id").and_then(Value::as_str).map(str::to_string))
        .collect())
}

/// Reads a BOM into draft AI systems whose ids are free in the assessment. A bad BOM is
/// `Invalid` (422) with where it is wrong.
pub(crate) async fn drafts(
    state: &AppState,
    id: &str,
    bytes: &[u8],
) -> ApiResult<aimsgap_aibom::Import> {
    let mut import =
        aimsgap_aibom::read(bytes).map_err(|error| ApiError::Invalid(error.to_string()))?;
    let mut taken = taken_ids(state, id).await?;
    for draft in &mut import.drafts {
        let base = draft.system.id.value.clone();
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        taken.insert(candidate.clone());
        draft.system.id.value = candidate;
    }
    Ok(import)
}

/// Adds the confirmed systems at the end of the inventory: the assessment they make must
/// validate, then all are stored (each with its history entry) in one transaction, or none.
pub(crate) async fn add(
    state: &AppState,
    auth: &Auth,
    id: &str,
    systems: &[AiSystem],
) -> ApiResult<()> {
    let mut document = stored_document(state, id).await?;
    let values: Vec<(String, Value)> = systems
        .iter()
        .map(|s| {
            serde_json::to_value(s)
                .map(|v| (s.id.value.clone(), v))
                .map_err(|e| ApiError::Internal(e.to_string()))
        })
        .collect::<ApiResult<_>>()?;
    if let Some(list) = document.get_mut("ai_systems").and_then(Value::as_array_mut) {
        list.extend(values.iter().map(|(_, v)| v.clone()));
    }
    validate(state, "ai_systems", &document, Dated::Nothing)?;
    state
        .store
        .add_ai_systems(id, &values, &auth.user.id)
        .await?;
    Ok(())
}
