//! The quick assessment as JSON: the questions to ask (`GET /api/v1/quick`) and the result of
//! the answers (`POST /api/v1/quick`), with no account and nothing stored, so that another site
//! can embed the quick assessment with one call. The answers are read into the same
//! `QuickInput` as the pages' (`pages/quick.rs`), and the result is computed on the rendering
//! pool like the quick result page: a crowd of them waits there or gets 503, and the request
//! threads stay free.

use super::json::ApiJson;
use crate::AppState;
use crate::error::{ApiError, ApiResult};
use crate::pages::quick::{self, Problem, QuickInput};
use aimsgap_wire::api as w;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Every problem of a request as one answer: each on its own line, naming its field.
fn refused(problems: &[Problem]) -> ApiError {
    ApiError::BadRequest(
        problems
            .iter()
            .map(|p| format!("field `{}`: {}", p.path, p.message))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// The questions, each marked asked or covered given the certifications in the query.
pub(crate) async fn questions(
    State(state): State<AppState>,
    Query(query): Query<Vec<(String, String)>>,
) -> ApiResult<Json<w::QuickQuestions>> {
    let input = quick::certifications_query(&query, &state.catalog).map_err(|p| refused(&p))?;
    Ok(Json(quick::questions_for(&state.catalog, &input)))
}

/// The result of a quick assessment: the same JSON as a stored assessment's result.
pub(crate) async fn assess(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<w::QuickRequest>,
) -> ApiResult<Response> {
    let input = QuickInput::from_request(&request, &state.catalog).map_err(|p| refused(&p))?;
    let (result, _) = quick::compute(&state, &input).await?;
    let mut response =
        (StatusCode::OK, aimsgap_report::json::render_bytes(&result)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}
