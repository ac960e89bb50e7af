//! The workbook import page (`/assessments/{assessment}/import`), reached from the Overview
//! tab by editors: upload the exported XLSX after editing its Answers sheet, read a preview of
//! every change (requirement, field, old, new) or every bad cell, then apply the changes.
//!
//! The upload is a plain `multipart/form-data` form; the preview's "Apply" form carries the
//! new answers and the versions of the stored answers read for the preview as JSON in one
//! hidden field, which [`crate::ops::workbook::apply`] checks again in full before writing all
//! of them, or none when any answer moved meanwhile (409).

use super::PageResult;
use super::assessment::{Context, Tab, TabLink, context};
use super::layout::{render, see_other};
use super::{Frame, PageError};
use crate::auth::{FormAuth, Via, identify};
use crate::error::ApiError;
use crate::ops::workbook::{self as ops, FIELD, Refusal};
use crate::{Access, AppState, security};
use aimsgap_report::workbook::CellError;
use aimsgap_store::AnswerWrite;
use askama::Template;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The hidden field of the "Apply" form.
const CARRIED: &str = "answers";

/// One answer carried from the preview to "Apply".
#[derive(Debug, Serialize, Deserialize)]
struct Carried {
    requirement: String,
    /// The stored answer's version when the preview read it (0: none).
    version: i64,
    answer: Value,
}

/// One bad cell as the page lists it.
#[derive(Debug)]
struct BadCell {
    cell: String,
    message: String,
}

/// The upload form, alone or with why the last upload was refused.
#[derive(Template, Debug)]
#[template(path = "workbook/upload.html")]
struct UploadPage {
    frame: Frame,
    tabs: Vec<TabLink>,
    id: String,
    csrf: String,
    /// What went wrong, above the list of cells; empty when nothing did.
    problem: String,
    cells: Vec<BadCell>,
}

/// One change as the preview lists it.
#[derive(Debug)]
struct ChangeRow {
    id: String,
    cell: String,
    field: String,
    old: String,
    new: String,
}

#[derive(Template, Debug)]
#[template(path = "workbook/preview.html")]
struct PreviewPage {
    frame: Frame,
    tabs: Vec<TabLink>,
    id: String,
    csrf: String,
    rows: usize,
    answers: usize,
    changes: Vec<ChangeRow>,
    /// The JSON of the answers to apply, with their versions.
    carried: String,
}

fn upload_page(ctx: &Context, id: &str, problem: String, cells: &[CellError]) -> UploadPage {
    let (frame, tabs) = ctx.chrome(Tab::Overview, "Import a workbook");
    UploadPage {
        frame,
        tabs,
        id: id.to_string(),
        csrf: ctx.auth.csrf().to_string(),
        problem,
        cells: cells
            .iter()
            .map(|c| BadCell {
                cell: c.location.clone(),
                message: c.message.clone(),
            })
            .collect(),
    }
}

/// `GET /assessments/{assessment}/import`: the upload form.
pub async fn form(
    State(state): State<AppState>,
    super::Signed(auth): super::Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    Ok(render(
        StatusCode::OK,
        &upload_page(&ctx, &id, String::new(), &[]),
    ))
}

/// A refused workbook as the upload page again: 409 when only rows changed since the export,
/// 422 otherwise, each bad cell listed.
fn refused_page(ctx: &Context, id: &str, cells: &[CellError]) -> Response {
    let (status, problem) = if Refusal::conflict_only(cells) {
        (
            StatusCode::CONFLICT,
            "Nothing was imported: these rows changed in aimsgap since the workbook was exported. Export the workbook again and redo their edits.",
        )
    } else {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Nothing was imported: correct these cells of the workbook and upload it again.",
        )
    };
    render(status, &upload_page(ctx, id, problem.to_string(), cells))
}

/// Reads the multipart upload: the CSRF token (field `csrf` or the header) and the workbook.
async fn read_upload(
    state: &AppState,
    request: Request,
) -> Result<(crate::auth::Auth, Result<Vec<u8>, ApiError>), PageError> {
    let (parts, body) = request.into_parts();
    let auth = match identify(&parts, state).await {
        Ok(auth) => auth,
        Err(error) => return Err(error.into()),
    };
    let headers = parts.headers.clone();
    let mut multipart = Multipart::from_request(Request::from_parts(parts, body), state)
        .await
        .map_err(|_| {
            ApiError::BadRequest(
                "The form could not be read: choose the workbook on the import page and send it again."
                    .into(),
            )
        })?;
    let mut csrf = String::new();
    let mut file = None;
    loop {
        let next = match multipart.next_field().await {
            Ok(next) => next,
            Err(e) => return Err(ops::multipart_error(e).into()),
        };
        let Some(part) = next else { break };
        match part.name() {
            Some("csrf") => {
                csrf = part
                    .text()
                    .await
                    .map_err(ops::multipart_error)?
                    .trim()
                    .to_string();
            }
            Some(name) if name == FIELD => {
                file = Some(part.bytes().await.map_err(ops::multipart_error)?.to_vec());
            }
            _ => {}
        }
    }
    if let Via::Session { csrf: expected, .. } = &auth.via {
        let given = headers
            .get(security::CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .map_or(csrf.as_str(), |v| v);
        security::check_csrf_token(&headers, expected, given)?;
    }
    let file = file
        .filter(|bytes| !bytes.is_empty())
        .ok_or_else(|| ApiError::BadRequest("Choose the workbook file to import.".into()));
    Ok((auth, file))
}

/// `POST /assessments/{assessment}/import`: the preview of an uploaded workbook.
pub async fn preview(
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Request,
) -> PageResult<Response> {
    let (auth, file) = read_upload(&state, request).await?;
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    let bytes = match file {
        Ok(bytes) => bytes,
        Err(error) => {
            let view = upload_page(&ctx, &id, error.sentence(), &[]);
            return Ok(render(StatusCode::BAD_REQUEST, &view));
        }
    };
    let preview = match ops::preview(&state, &ctx.auth, &id, &bytes).await {
        Ok(preview) => preview,
        Err(Refusal::Cells(cells)) => return Ok(refused_page(&ctx, &id, &cells)),
        Err(Refusal::Error(error)) => return Err(error.into()),
    };
    let carried: Vec<Carried> = preview
        .writes
        .iter()
        .map(|w| Carried {
            requirement: w.requirement.clone(),
            version: w.expected,
            answer: w.value.clone(),
        })
        .collect();
    let carried = serde_json::to_string(&carried).map_err(|e| ApiError::Internal(e.to_string()))?;
    let (frame, tabs) = ctx.chrome(Tab::Overview, "Changes from the workbook");
    let view = PreviewPage {
        frame,
        tabs,
        id: id.clone(),
        csrf: ctx.auth.csrf().to_string(),
        rows: preview.import.rows,
        answers: preview.writes.len(),
        changes: preview
            .import
            .changes
            .iter()
            .map(|c| ChangeRow {
                id: c.id.clone(),
                cell: c.cell.clone(),
                field: c.field.replace('_', " "),
                old: c.old.clone(),
                new: c.new.clone(),
            })
            .collect(),
        carried,
    };
    Ok(render(StatusCode::OK, &view))
}

/// `POST /assessments/{assessment}/import/apply`: the carried answers written, all or nothing;
/// then the Overview with a notice.
pub async fn apply(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    let text = fields.get(CARRIED).unwrap_or("[]");
    let carried: Vec<Carried> = match serde_json::from_str(text) {
        Ok(carried) => carried,
        Err(_) => {
            let view = upload_page(
                &ctx,
                &id,
                "The changes to apply could not be read: upload the workbook again.".into(),
                &[],
            );
            return Ok(render(StatusCode::BAD_REQUEST, &view));
        }
    };
    let writes: Vec<AnswerWrite> = carried
        .into_iter()
        .map(|c| AnswerWrite {
            requirement: c.requirement,
            value: c.answer,
            expected: c.version,
        })
        .collect();
    match ops::apply(&state, &ctx.auth, &id, &writes).await {
        Ok(saved) => Ok(see_other(&format!(
            "/assessments/{id}?imported={}",
            saved.len()
        ))),
        Err(error) => match ops::refused_cells(error) {
            Ok(cells) => {
                let conflict = Refusal::conflict_only(&cells);
                let (status, problem) = if conflict {
                    (
                        StatusCode::CONFLICT,
                        "Nothing was imported: an answer changed in aimsgap after the preview. Upload the workbook again to see the changes against it.",
                    )
                } else {
                    (
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "Nothing was imported: the changes would not make a valid assessment.",
                    )
                };
                let view = upload_page(&ctx, &id, problem.to_string(), &cells);
                Ok(render(status, &view))
            }
            Err(error) => Err(error.into()),
        },
    }
}
