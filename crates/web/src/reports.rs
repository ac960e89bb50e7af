//! Report dispatch: a result rendered in the format a caller asks for, as a download. Pages
//! and the API share it, so every format is offered the same way everywhere.

use crate::AppState;
use crate::error::{ApiError, ApiResult};
use aimsgap_assess::Assessment;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// The media types of the formats, for the OpenAPI document.
pub(crate) const MEDIA_TYPES: &[&str] = &[
    "text/html; charset=utf-8",
    "text/markdown; charset=utf-8",
    "text/csv; charset=utf-8",
    "application/json",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/pdf",
];

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
fn pdf(result: &aimsgap_assess::AssessmentResult) -> ApiResult<Vec<u8>> {
    aimsgap_pdf::render(result).map_err(|e| ApiError::Internal(e.to_string()))
}

#[cfg(not(feature = "pdf"))]
fn pdf(_result: &aimsgap_assess::AssessmentResult) -> ApiResult<Vec<u8>> {
    Err(ApiError::BadRequest(
        "this server was built without PDF support".into(),
    ))
}

/// A report of a result in one of the formats, as a download.
pub(crate) fn report_response(
    state: &AppState,
    result: &aimsgap_assess::AssessmentResult,
    assessment: &Assessment,
    format: &str,
) -> ApiResult<Response> {
    let catalog = &state.catalog;
    Ok(match format {
        "html" => download(
            aimsgap_report::html::render(result, catalog).into_bytes(),
            "text/html; charset=utf-8",
            "report.html",
        ),
        "md" => download(
            aimsgap_report::markdown::render(result, 25).into_bytes(),
            "text/markdown; charset=utf-8",
            "report.md",
        ),
        "csv" => download(
            aimsgap_report::csv::requirements(result).into_bytes(),
            "text/csv; charset=utf-8",
            "requirements.csv",
        ),
        "gaps-csv" => download(
            aimsgap_report::csv::gaps(result).into_bytes(),
            "text/csv; charset=utf-8",
            "gaps.csv",
        ),
        "json" => download(
            aimsgap_report::json::render(result).into_bytes(),
            "application/json",
            "report.json",
        ),
        "xlsx" => download(
            aimsgap_report::xlsx::render(result).map_err(|e| ApiError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "report.xlsx",
        ),
        "pdf" => download(pdf(result)?, "application/pdf", "report.pdf"),
        "oscal" => download(
            aimsgap_report::oscal::assessment_results(result, catalog).into_bytes(),
            "application/json",
            "assessment-results.oscal.json",
        ),
        "poam" => download(
            aimsgap_report::oscal::poam(result, catalog).into_bytes(),
            "application/json",
            "poam.oscal.json",
        ),
        "artefacts" => {
            let drafts = aimsgap_report::artefacts::artefacts(catalog, assessment, result);
            let joined = drafts
                .iter()
                .map(|a| a.markdown.as_str())
                .collect::<Vec<_>>()
                .join("\n\n---\n\n");
            download(
                joined.into_bytes(),
                "text/markdown; charset=utf-8",
                "artefacts.md",
            )
        }
        other => {
            return Err(ApiError::BadRequest(format!(
                "unknown format `{other}`: html, md, csv, gaps-csv, json, xlsx, pdf, oscal, poam, artefacts"
            )));
        }
    })
}
