//! `POST /api/v1/assessments/{assessment}/ai-systems/import-aibom`: a CycloneDX ML-BOM (the
//! body, as JSON) read into draft AI systems; nothing is stored.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::{Access, AppState, policy};
use aimsgap_wire::api as wire;
use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;

/// The wire form of an import.
pub(crate) fn to_wire(import: aimsgap_aibom::Import) -> wire::AibomDrafts {
    wire::AibomDrafts {
        spec_version: import.spec_version,
        serial_number: import.serial_number,
        drafts: import
            .drafts
            .into_iter()
            .map(|draft| wire::AibomDraft {
                questions: draft
                    .questions
                    .iter()
                    .map(|q| wire::AibomQuestion {
                        field: q.field().to_string(),
                        text: q.text().to_string(),
                    })
                    .collect(),
                system: draft.system,
                sources: draft.sources,
            })
            .collect(),
    }
}

pub(crate) async fn import(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<Json<wire::AibomDrafts>> {
    policy::assessment_access(&state, &auth, &id, Access::Edit).await?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest("the body could not be read".into())
        }
    })?;
    let import = crate::ops::aibom::drafts(&state, &id, &body).await?;
    Ok(Json(to_wire(import)))
}
