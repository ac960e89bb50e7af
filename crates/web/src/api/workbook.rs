//! `POST /api/v1/assessments/{assessment}/workbook?dry_run=true|false`: an edited workbook's
//! Answers sheet, as a preview of its changes or applied all or nothing.

use crate::AppState;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::ops::workbook::{self as ops, FIELD, Refusal, file_field};
use aimsgap_wire::api as w;
use axum::Json;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::collections::BTreeMap;

/// A refused workbook: 422 with every bad cell, or 409 when the only trouble is rows changed
/// since the export.
fn refused(cells: &[aimsgap_report::workbook::CellError]) -> Response {
    let conflict = Refusal::conflict_only(cells);
    let (status, code, message) = if conflict {
        (
            StatusCode::CONFLICT,
            w::ErrorCode::Conflict,
            "rows of the workbook changed since it was exported; nothing was imported",
        )
    } else {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            w::ErrorCode::Invalid,
            "the workbook has bad cells; nothing was imported",
        )
    };
    let lines: Vec<String> = cells.iter().map(ToString::to_string).collect();
    let body = w::WorkbookRefused {
        error: w::ErrorDetail {
            code,
            message: format!("{message}:\n{}", lines.join("\n")),
            current: None,
        },
        cells: ops::wire_cells(cells),
    };
    (status, Json(body)).into_response()
}

pub(crate) async fn import(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<BTreeMap<String, String>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<Response> {
    let dry_run = match query.get("dry_run").map(String::as_str) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(ApiError::BadRequest(format!(
                "dry_run `{other}`: expected true or false"
            )));
        }
    };
    if let Some(unknown) = query.keys().find(|k| k.as_str() != "dry_run") {
        return Err(ApiError::BadRequest(format!(
            "unknown query parameter `{unknown}`: expected only dry_run"
        )));
    }
    // Who may import is settled before the body is read.
    crate::policy::assessment_access(&state, &auth, &id, crate::Access::Edit).await?;
    let mut multipart = multipart.map_err(|e| {
        ApiError::BadRequest(format!(
            "{}: send multipart/form-data with the file in field `{FIELD}`",
            e.body_text()
        ))
    })?;
    let bytes = file_field(&mut multipart, FIELD).await?;
    let preview = match ops::preview(&state, &auth, &id, &bytes).await {
        Ok(preview) => preview,
        Err(Refusal::Cells(cells)) => return Ok(refused(&cells)),
        Err(Refusal::Error(error)) => return Err(error),
    };
    let saved = if dry_run {
        Vec::new()
    } else {
        match ops::apply(&state, &auth, &id, &preview.writes).await {
            Ok(saved) => saved,
            Err(error) => match ops::refused_cells(error) {
                Ok(cells) => return Ok(refused(&cells)),
                Err(error) => return Err(error),
            },
        }
    };
    Ok(Json(w::WorkbookImport {
        dry_run,
        rows: preview.import.rows as u64,
        changes: ops::wire_changes(&preview.import),
        saved: saved.iter().map(super::wire::versioned).collect(),
    })
    .into_response())
}
