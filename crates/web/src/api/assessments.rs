//! Assessments: listing, import and export, their parts with versions, history, the result and
//! reports.

use super::json::ApiJson;
use super::wire as convert;
use crate::audit::{Event, Origin};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::ops::assessments as ops;
use crate::ops::audit::downloaded;
use crate::{Access, AppState, policy};
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use std::collections::HashMap;

pub(crate) async fn list_assessments(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<wire::AssessmentList>> {
    policy::org_access(&state, &auth, &org, Access::OrgMember).await?;
    let limit = query
        .get("limit")
        .and_then(|l| l.parse::<i64>().ok())
        .unwrap_or(50)
        .clamp(1, 200);
    let page = state
        .store
        .assessments(&org, query.get("before").map(String::as_str), limit)
        .await?;
    let next = if page.len() as i64 == limit {
        page.last().map(|a| a.id.clone())
    } else {
        None
    };
    Ok(Json(wire::AssessmentList {
        assessments: page
            .into_iter()
            .map(|a| wire::AssessmentSummary {
                id: a.id,
                name: a.name,
                created_at: a.created_at,
                updated_at: a.updated_at,
            })
            .collect(),
        next,
    }))
}

pub(crate) async fn import_assessment(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<wire::ImportRequest>,
) -> ApiResult<(StatusCode, Json<wire::CreatedAssessment>)> {
    let (meta, renamed) = ops::import(
        &state,
        &auth,
        &org,
        &body.name,
        body.content.as_deref(),
        body.document.as_ref(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(wire::CreatedAssessment {
            id: meta.id,
            name: meta.name,
            created_at: meta.created_at,
            renamed,
        }),
    ))
}

async fn stored(state: &AppState, id: &str) -> ApiResult<aimsgap_store::StoredAssessment> {
    state.store.assessment(id).await?.ok_or(ApiError::NotFound)
}

pub(crate) async fn get_assessment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<wire::Assessment>> {
    let (org, revision) = policy::assessment_access(&state, &auth, &id, Access::Read).await?;
    let stored = stored(&state, &id).await?;
    Ok(Json(wire::Assessment {
        id: stored.meta.id,
        organization: org,
        name: stored.meta.name,
        revision,
        created_at: stored.meta.created_at,
        updated_at: stored.meta.updated_at,
        profile: convert::versioned(&stored.profile),
        ai_systems: stored.ai_systems.iter().map(convert::versioned).collect(),
        answers: stored.answers.iter().map(convert::versioned).collect(),
    }))
}

pub(crate) async fn export_assessment(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (org, _) = policy::assessment_access(&state, &auth, &id, Access::Export).await?;
    // The stored document goes out as it is: it is the assessment file (`AssessmentFile`).
    let document = ops::stored_document(&state, &id).await?;
    let subject = format!("{id}/assessment-file");
    let event = Event::ReportExported;
    downloaded(
        &state,
        Some(&auth.user),
        Some(&org),
        event,
        &subject,
        &origin,
    )
    .await?;
    Ok(Json(document))
}

pub(crate) async fn put_profile(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<wire::ProfileRequest>,
) -> ApiResult<Json<wire::Versioned>> {
    let version = convert::version(body.version)?;
    let saved = ops::save_profile(&state, &auth, &id, &body.profile, version).await?;
    Ok(Json(convert::versioned(&saved)))
}

pub(crate) async fn list_answers(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<wire::AnswerList>> {
    policy::assessment_access(&state, &auth, &id, Access::Read).await?;
    let stored = stored(&state, &id).await?;
    Ok(Json(wire::AnswerList {
        answers: stored.answers.iter().map(convert::versioned).collect(),
    }))
}

pub(crate) async fn put_answer(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, requirement)): Path<(String, String)>,
    ApiJson(body): ApiJson<wire::AnswerRequest>,
) -> ApiResult<Json<wire::Versioned>> {
    let version = convert::version(body.version)?;
    let answer = body.answer.as_ref().filter(|a| !a.is_null());
    let saved = ops::save_answer(&state, &auth, &id, &requirement, answer, version).await?;
    Ok(Json(convert::versioned(&saved)))
}

pub(crate) async fn list_systems(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<wire::SystemList>> {
    policy::assessment_access(&state, &auth, &id, Access::Read).await?;
    let stored = stored(&state, &id).await?;
    Ok(Json(wire::SystemList {
        ai_systems: stored.ai_systems.iter().map(convert::versioned).collect(),
    }))
}

pub(crate) async fn put_system(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, system)): Path<(String, String)>,
    ApiJson(body): ApiJson<wire::SystemRequest>,
) -> ApiResult<Json<wire::Versioned>> {
    let version = convert::version(body.version)?;
    let value = body.system.as_ref().filter(|s| !s.is_null());
    let saved = ops::save_system(&state, &auth, &id, &system, value, version).await?;
    Ok(Json(convert::versioned(&saved)))
}

pub(crate) async fn history(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<wire::History>> {
    policy::assessment_access(&state, &auth, &id, Access::Read).await?;
    let entries = state.store.history(&id).await?;
    Ok(Json(wire::History {
        history: entries
            .into_iter()
            .map(|h| wire::Change {
                id: h.id,
                at: h.at,
                actor: h.actor,
                changes: if h.entity == "assessment" {
                    Vec::new()
                } else {
                    crate::pages::changes::diff(h.old.as_ref(), h.new.as_ref())
                        .into_iter()
                        .map(|c| wire::FieldChange {
                            sentence: c.sentence(),
                            change: c.kind.as_str().to_string(),
                            field: c.field,
                            old: c.old,
                            new: c.new,
                        })
                        .collect()
                },
                entity: h.entity,
                key: h.key,
                old: h.old,
                new: h.new,
            })
            .collect(),
    }))
}

/// The result, from the cache's precomputed gzip bytes: sent as they are to clients that
/// accept gzip, inflated for the others, and never parsed here.
pub(crate) async fn result(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (_, revision) = policy::assessment_access(&state, &auth, &id, Access::Read).await?;
    let cached = ops::current_result(&state, &id, revision).await?;
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let mut response = if gzip {
        let mut response = (StatusCode::OK, cached.gzip.clone()).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        response
    } else {
        (StatusCode::OK, cached.json()).into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Ok(response)
}

pub(crate) async fn report(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path((id, format)): Path<(String, String)>,
) -> ApiResult<Response> {
    let (org, revision) = policy::assessment_access(&state, &auth, &id, Access::Export).await?;
    let computed = ops::current_values(&state, &id, revision).await?;
    // The workbook's Answers sheet shows the answers as stored: the register's items are on
    // its Evidence sheet, and an import compares each row with the stored answer.
    let stored = if aimsgap_report::format::Format::parse(&format)
        == Ok(aimsgap_report::format::Format::Xlsx)
    {
        Some(ops::stored_assessment(&state, &id).await?)
    } else {
        None
    };
    let response = crate::reports::report_response(&state, computed, stored, &format).await?;
    let subject = format!("{id}/report.{format}");
    let event = Event::ReportExported;
    downloaded(
        &state,
        Some(&auth.user),
        Some(&org),
        event,
        &subject,
        &origin,
    )
    .await?;
    Ok(response)
}

/// What an AI system would be, were it saved: its classification and obligations. Stores
/// nothing.
pub(crate) async fn preview_system(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(system): ApiJson<aimsgap_wire::assessment::AiSystem>,
) -> ApiResult<Json<wire::SystemPreview>> {
    let value = serde_json::to_value(&system).map_err(|e| ApiError::Internal(e.to_string()))?;
    let result = crate::ops::systems::preview(&state, &auth, &id, &value).await?;
    Ok(Json(wire::SystemPreview {
        system: system.id.value.clone(),
        as_of: result.as_of.to_string(),
        obligations: aimsgap_report::json::to_wire(&result).obligations,
    }))
}
