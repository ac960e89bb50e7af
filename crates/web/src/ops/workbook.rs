//! The workbook import, shared by its page and its API route: the Answers sheet of an exported
//! XLSX read against the stored answers (a preview of every change, or every bad cell), and
//! the changes applied all or nothing at the answers' versions read with the preview.
//!
//! The page carries the new answers and their versions from the preview to "Apply" in the
//! form itself; nothing is kept on the server in between, and nothing carried is trusted:
//! each answer is read again as an answer of the assessment file for a known id, and the
//! assessment it would make must validate, before the store writes any of them.

use super::assessments::{Dated, stored, validate};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::{Access, AppState, policy};
use aimsgap_report::workbook::{self, CellError, Import};
use aimsgap_store::{AnswerWrite, Versioned};
use aimsgap_wire::assessment::Answer;
use axum::extract::Multipart;
use axum::http::StatusCode;
use serde_json::Value;
use std::collections::BTreeMap;

/// The largest workbook the import routes accept (the body limit of their routes).
pub(crate) const MAX_WORKBOOK_BYTES: usize = 16 * 1024 * 1024;

/// The multipart field that holds the workbook.
pub(crate) const FIELD: &str = "workbook";

/// A workbook read: the changes, and for each changed answer its new value and the version
/// of the stored answer it was compared with (0: none stored).
#[derive(Debug)]
pub(crate) struct Preview {
    pub(crate) import: Import,
    pub(crate) writes: Vec<AnswerWrite>,
}

/// Why a workbook is refused: its bad cells, or a general error.
#[derive(Debug)]
pub(crate) enum Refusal {
    Cells(Vec<CellError>),
    Error(ApiError),
}

impl From<ApiError> for Refusal {
    fn from(error: ApiError) -> Refusal {
        Refusal::Error(error)
    }
}

impl Refusal {
    /// 409 when every bad row changed since the export, 422 otherwise.
    pub(crate) fn conflict_only(cells: &[CellError]) -> bool {
        !cells.is_empty() && cells.iter().all(|c| c.conflict)
    }
}

/// Reads the workbook's Answers sheet against the assessment's answers as they are now. The
/// caller needs the edit right.
pub(crate) async fn preview(
    state: &AppState,
    auth: &Auth,
    id: &str,
    bytes: &[u8],
) -> Result<Preview, Refusal> {
    policy::assessment_access(state, auth, id, Access::Edit).await?;
    let stored_assessment = state
        .store
        .assessment(id)
        .await
        .map_err(ApiError::from)?
        .ok_or(ApiError::NotFound)?;
    let document = stored_assessment.document().map_err(ApiError::from)?;
    // The answers as the export shows them, so that an unedited row has the same fingerprint.
    let assessment = aimsgap_assess::from_document(id, &document, &state.catalog, super::today())
        .map_err(|errors| ApiError::Located(errors.clone()))?;
    let answers = aimsgap_report::xlsx::answers_of(&assessment);
    let requirements = workbook::requirements(&state.catalog);
    let import = workbook::read(bytes, &requirements, &answers).map_err(Refusal::Cells)?;
    let versions: BTreeMap<&str, i64> = stored_assessment
        .answers
        .iter()
        .map(|a| (a.key.as_str(), a.version))
        .collect();
    let mut writes = Vec::with_capacity(import.answers.len());
    for (requirement, answer) in &import.answers {
        writes.push(AnswerWrite {
            requirement: requirement.clone(),
            value: serde_json::to_value(answer).map_err(|e| ApiError::Internal(e.to_string()))?,
            expected: versions.get(requirement.as_str()).copied().unwrap_or(0),
        });
    }
    Ok(Preview { import, writes })
}

/// Applies answers carried from a preview at the versions named, all or nothing: each must be
/// an answer of the assessment file for an ISO/IEC 42001 id, the assessment they make must
/// validate, and none may have moved since it was read (409 naming the one that did).
pub(crate) async fn apply(
    state: &AppState,
    auth: &Auth,
    id: &str,
    writes: &[AnswerWrite],
) -> ApiResult<Vec<Versioned>> {
    policy::assessment_access(state, auth, id, Access::Edit).await?;
    if writes.is_empty() {
        return Ok(Vec::new());
    }
    let known: Vec<String> = workbook::requirements(&state.catalog)
        .into_iter()
        .map(|r| r.id)
        .collect();
    let mut document = serde_json::to_value(stored(state, id).await?)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut seen = std::collections::BTreeSet::new();
    for write in writes {
        let field = format!("answers.{}", write.requirement);
        if !known.contains(&write.requirement) {
            return Err(ApiError::Invalid(format!(
                "{field}: `{}` is not an ISO/IEC 42001 requirement, control or group",
                write.requirement
            )));
        }
        if !seen.insert(write.requirement.as_str()) {
            return Err(ApiError::Invalid(format!(
                "{field}: given twice; expected each answer once"
            )));
        }
        if write.expected < 0 {
            return Err(ApiError::Invalid(format!(
                "{field}: version {} is not a version; expected 0 or more",
                write.expected
            )));
        }
        if let Err(e) = serde_json::from_value::<Answer>(write.value.clone()) {
            return Err(ApiError::Invalid(format!(
                "{field}: not an answer of the assessment file: {e}"
            )));
        }
        if let Some(answers) = document.get_mut("answers").and_then(Value::as_object_mut) {
            answers.insert(write.requirement.clone(), write.value.clone());
        }
    }
    validate(state, "workbook", &document, Dated::All)?;
    Ok(state.store.put_answers(id, writes, &auth.user.id).await?)
}

/// The changes as the API sends them.
pub(crate) fn wire_changes(import: &Import) -> Vec<aimsgap_wire::api::WorkbookChange> {
    import
        .changes
        .iter()
        .map(|c| aimsgap_wire::api::WorkbookChange {
            id: c.id.clone(),
            cell: c.cell.clone(),
            field: c.field.to_string(),
            old: c.old.clone(),
            new: c.new.clone(),
        })
        .collect()
}

/// The bad cells as the API sends them.
pub(crate) fn wire_cells(cells: &[CellError]) -> Vec<aimsgap_wire::api::WorkbookCellError> {
    cells
        .iter()
        .map(|c| aimsgap_wire::api::WorkbookCellError {
            cell: c.location.clone(),
            message: c.message.clone(),
            conflict: c.conflict,
        })
        .collect()
}

/// An error of [`apply`] that the import reports as cells: an answer that moved meanwhile (a
/// conflict, by requirement) or an assessment that would not validate; any other error as it is.
pub(crate) fn refused_cells(error: ApiError) -> Result<Vec<CellError>, ApiError> {
    match error {
        ApiError::Conflict(current) => {
            let key = current
                .get("key")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            Ok(vec![CellError {
                location: String::new(),
                message: format!(
                    "`{key}` changed while the import was applied (version conflict): read the workbook again"
                ),
                conflict: true,
            }])
        }
        ApiError::Located(errors) => Ok(errors
            .iter()
            .map(|e| CellError {
                location: String::new(),
                message: e.to_string(),
                conflict: false,
            })
            .collect()),
        ApiError::Invalid(message) => Ok(vec![CellError {
            location: String::new(),
            message,
            conflict: false,
        }]),
        other => Err(other),
    }
}

/// The one file of a multipart body named `field`, whatever else it holds; a body without it,
/// or one that cannot be read, is a bad request (413 when over the route's limit).
pub(crate) async fn file_field(multipart: &mut Multipart, field: &str) -> ApiResult<Vec<u8>> {
    let mut found = None;
    loop {
        let next = multipart.next_field().await.map_err(multipart_error)?;
        let Some(part) = next else { break };
        if part.name() == Some(field) {
            let bytes = part.bytes().await.map_err(multipart_error)?;
            found = Some(bytes.to_vec());
        }
    }
    found.ok_or_else(|| {
        ApiError::BadRequest(format!(
            "no `{field}` file in the form: send the workbook as multipart/form-data field `{field}`"
        ))
    })
}

/// A multipart body that cannot be read: too large (413) or malformed (400).
pub(crate) fn multipart_error(error: axum::extract::multipart::MultipartError) -> ApiError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge
    } else {
        ApiError::BadRequest(format!(
            "the multipart body cannot be read ({}): send multipart/form-data",
            error.body_text()
        ))
    }
}
