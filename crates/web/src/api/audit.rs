//! The organisation's audit log: a page of events as JSON, and the export as JSON lines.

use crate::AppState;
use crate::audit::Origin;
use crate::auth::Auth;
use crate::error::ApiResult;
use crate::ops::audit as ops;
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> ApiResult<Json<wire::AuditPage>> {
    let filter = ops::parse_filter(&org, &query).map_err(ops::Refused::into_api)?;
    let (events, next) = ops::page(&state, &auth, &filter).await?;
    Ok(Json(wire::AuditPage {
        events: events.into_iter().map(ops::to_wire).collect(),
        next,
    }))
}

pub(crate) async fn export(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path(org): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
) -> ApiResult<Response> {
    let filter = ops::parse_filter(&org, &query).map_err(ops::Refused::into_api)?;
    let (body, name) = ops::export(&state, &auth, filter, &origin).await?;
    Ok(jsonl(body, &name))
}

/// A JSON lines download: an attachment, never cached.
pub(crate) fn jsonl(body: axum::body::Body, name: &str) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(ops::JSON_LINES),
    );
    if let Ok(value) = HeaderValue::from_str(&crate::reports::disposition(name, None)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
