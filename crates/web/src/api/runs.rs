//! Saved runs: the result at a moment, kept to compare later.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::ops::assessments as ops;
use crate::{Access, AppState, policy};
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

pub(crate) async fn list_runs(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<wire::RunList>> {
    policy::assessment_access(&state, &auth, &id, Access::Read).await?;
    let runs = state.store.runs(&id).await?;
    Ok(Json(wire::RunList {
        runs: runs
            .into_iter()
            .map(|r| wire::RunSummary {
                id: r.id,
                at: r.at,
                created_by: r.created_by,
                readiness: r.readiness,
            })
            .collect(),
    }))
}

pub(crate) async fn create_run(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, Json<wire::CreatedRun>)> {
    let (_, revision) = policy::assessment_access(&state, &auth, &id, Access::Edit).await?;
    let computed = ops::current_values(&state, &id, revision).await?;
    let value = aimsgap_report::json::to_value(&computed.result);
    let run = state
        .store
        .save_run(&id, &auth.user.id, computed.result.readiness.point, &value)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(wire::CreatedRun {
            id: run.id,
            at: run.at,
            readiness: run.readiness,
        }),
    ))
}

pub(crate) async fn get_run(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, run)): Path<(String, String)>,
) -> ApiResult<Json<wire::Run>> {
    policy::assessment_access(&state, &auth, &id, Access::Read).await?;
    let run = state
        .store
        .run(&id, &run)
        .await?
        .ok_or(ApiError::NotFound)?;
    // The stored result is an object; anything else would be a damaged row, shown as none.
    let result = match run.result {
        Some(Value::Object(map)) => Some(wire::AssessmentResult(map)),
        _ => None,
    };
    Ok(Json(wire::Run {
        id: run.id,
        at: run.at,
        created_by: run.created_by,
        readiness: run.readiness,
        result,
    }))
}

pub(crate) async fn diff_runs(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, old, new)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    policy::assessment_access(&state, &auth, &id, Access::Read).await?;
    let old = state
        .store
        .run(&id, &old)
        .await?
        .ok_or(ApiError::NotFound)?;
    let new = state
        .store
        .run(&id, &new)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (Some(old), Some(new)) = (old.result, new.result) else {
        return Err(ApiError::NotFound);
    };
    let diff = aimsgap_report::diff::diff_values(&old, &new)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    // The diff is rendered as JSON text by the report crate (`RunDiff`); sent as it is.
    Ok((
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        aimsgap_report::diff::to_json(&diff),
    )
        .into_response())
}
