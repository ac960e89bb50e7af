//! Report downloads: a result rendered in the format a caller asks for. The formats, their
//! content types, file names and renderers are [`aimsgap_report::format::Format`], the one
//! table the CLI uses too; this module only hands in the PDF renderer and answers HTTP.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use aimsgap_assess::Assessment;
use aimsgap_report::format::{Format, Options, RenderError};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The media types of the formats, for the OpenAPI document (a test keeps it equal to the
/// content types of [`Format::ALL`]).
pub(crate) const MEDIA_TYPES: &[&str] = &[
    "text/plain; charset=utf-8",
    "application/json",
    "text/html; charset=utf-8",
    "text/markdown; charset=utf-8",
    "text/csv; charset=utf-8",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/pdf",
];

/// The Markdown report lists this many gaps when downloaded.
const MARKDOWN_TOP: usize = 25;

pub(crate) fn download(bytes: Vec<u8>, content_type: &'static str, file: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(feature = "pdf")]
fn pdf(result: &aimsgap_assess::AssessmentResult) -> Result<Vec<u8>, String> {
    aimsgap_pdf::render(result).map_err(|e| e.to_string())
}

/// A report of a result in one of the formats, as a download. Rendering runs on the bounded
/// rendering pool ([`crate::work::Pool`]): a crowd of downloads waits there, or gets 503 when
/// its queue is full, and the request threads stay free.
pub(crate) async fn report_response(
    state: &AppState,
    result: aimsgap_assess::AssessmentResult,
    assessment: Assessment,
    format: &str,
) -> ApiResult<Response> {
    let format = Format::parse(format).map_err(|e| ApiError::BadRequest(e.to_string()))?;
    let catalog = std::sync::Arc::clone(&state.catalog);
    let bytes = state
        .rendering
        .run(move || {
            #[cfg(feature = "pdf")]
            let renderer: Option<aimsgap_report::format::PdfRenderer<'_>> = Some(&pdf);
            #[cfg(not(feature = "pdf"))]
            let renderer: Option<aimsgap_report::format::PdfRenderer<'_>> = None;
            let options = Options {
                top: MARKDOWN_TOP,
                pdf: renderer,
            };
            format.render(&catalog, &assessment, &result, &options)
        })
        .await?
        .map_err(|error| match error {
            RenderError::PdfUnavailable => ApiError::BadRequest(error.to_string()),
            RenderError::Pdf(_) | RenderError::Xlsx(_) => ApiError::Internal(error.to_string()),
        })?;
    Ok(download(bytes, format.content_type(), format.file_name()))
}

#[cfg(test)]
mod tests {
    use super::MEDIA_TYPES;
    use aimsgap_report::format::Format;

    #[test]
    fn every_format_s_media_type_is_documented_and_no_other() {
        let mut used: Vec<&str> = Format::ALL.iter().map(|f| f.content_type()).collect();
        used.sort_unstable();
        used.dedup();
        let mut documented = MEDIA_TYPES.to_vec();
        documented.sort_unstable();
        assert_eq!(used, documented);
    }
}
