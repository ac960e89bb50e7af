//! The artefact drafts of an assessment as downloads, shared by the pages and the API: the list
//! with what each draft is for, and one draft as Markdown, as a Word document or, for the risk
//! register, as a spreadsheet. Rendering runs on the bounded rendering pool like the reports
//! ([`crate::reports`]), and a download is named for the organisation, the as-of date and the
//! draft: `acme-cloud-2026-11-29-aims-scope.docx`.

use crate::AppState;
use crate::cache::Computed;
use crate::error::{ApiError, ApiResult};
use aimsgap_report::artefacts::{self, Artefact, docx, sheet};
use aimsgap_wire::api as w;
use axum::response::Response;
use std::sync::Arc;

const MARKDOWN: &str = "text/markdown; charset=utf-8";
const WORD: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const SPREADSHEET: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The media types of the draft downloads, for the OpenAPI document.
pub(crate) const MEDIA_TYPES: &[&str] = &[MARKDOWN, WORD, SPREADSHEET];

/// The one draft that also downloads as a spreadsheet.
const REGISTER: &str = "ai-risk-register";

/// The id of a draft in the routes: its file name without `.md`.
fn id_of(artefact: &Artefact) -> &str {
    artefact
        .file_name
        .strip_suffix(".md")
        .unwrap_or(&artefact.file_name)
}

/// The formats a draft downloads in.
fn formats_of(id: &str) -> Vec<String> {
    let mut formats = vec!["md".to_string(), "docx".to_string()];
    if id == REGISTER {
        formats.push("xlsx".to_string());
    }
    formats
}

/// The drafts of a result, as the list page and the API show them.
pub(crate) async fn list(state: &AppState, computed: Arc<Computed>) -> ApiResult<w::DraftList> {
    let catalog = std::sync::Arc::clone(&state.catalog);
    let drafts = state
        .rendering
        .run(move || artefacts::artefacts(&catalog, &computed.assessment, &computed.result))
        .await?;
    Ok(w::DraftList {
        drafts: drafts
            .iter()
            .map(|artefact| {
                let guidance = artefacts::guidance(&artefact.file_name);
                let id = id_of(artefact);
                w::Draft {
                    draft: id.to_string(),
                    title: artefact.title.clone(),
                    purpose: guidance.purpose.to_string(),
                    approval: guidance.approval.to_string(),
                    decisions: artefact.markdown.matches("**[DECIDE: ").count(),
                    formats: formats_of(id),
                }
            })
            .collect(),
    })
}

/// One draft in one format (`md`, `docx`, `xlsx`) as a download: 404 for a draft the
/// assessment does not have, 400 for a format the draft does not come in.
pub(crate) async fn download(
    state: &AppState,
    computed: Arc<Computed>,
    draft: &str,
    format: &str,
) -> ApiResult<Response> {
    let content_type = match format {
        "md" => MARKDOWN,
        "docx" => WORD,
        "xlsx" if draft == REGISTER => SPREADSHEET,
        _ => {
            return Err(ApiError::BadRequest(format!(
                "the draft {draft} does not come as `{format}`; expected one of {}",
                formats_of(draft).join(", ")
            )));
        }
    };
    let (ascii, extended) = crate::reports::named_download(
        &computed.result.organization,
        computed.result.as_of,
        &format!("{draft}.{format}"),
    );
    let catalog = std::sync::Arc::clone(&state.catalog);
    let draft = draft.to_string();
    let format = format.to_string();
    let bytes = state
        .rendering
        .run(move || -> ApiResult<Option<Vec<u8>>> {
            let as_of = computed.assessment.as_of;
            let drafts = artefacts::artefacts(&catalog, &computed.assessment, &computed.result);
            let Some(artefact) = drafts.iter().find(|a| id_of(a) == draft) else {
                return Ok(None);
            };
            let bytes = match format.as_str() {
                "docx" => docx::to_docx(artefact, &as_of.to_string())
                    .map_err(|error| ApiError::Internal(error.to_string()))?,
                "xlsx" => sheet::risk_register_xlsx(artefact, as_of)
                    .map_err(|error| ApiError::Internal(error.to_string()))?,
                _ => artefact.markdown.clone().into_bytes(),
            };
            Ok(Some(bytes))
        })
        .await??
        .ok_or(ApiError::NotFound)?;
    Ok(crate::reports::download(
        bytes,
        content_type,
        &crate::reports::disposition(&ascii, extended.as_deref()),
    ))
}
