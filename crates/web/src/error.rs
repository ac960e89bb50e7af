//! The one error type of the server: a stable machine code per variant, a human message, and
//! never an internal detail in the response (those go to the log).

use aimsgap_wire::api::{ErrorBody, ErrorCode, ErrorDetail};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("sign in first")]
    Unauthenticated,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("this path does not take this method")]
    MethodNotAllowed,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    Exists(String),
    #[error("someone else changed this; the current value is attached")]
    Conflict(Value),
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// Throttled: the number is the seconds to wait (`Retry-After`).
    #[error("too many attempts; try again in {0} seconds")]
    TooManyAttempts(u64),
    #[error("the request is too large")]
    TooLarge,
    /// The queue of a pool of slow work (password hashing, rendering) is full.
    #[error("the server is busy; try again in a few seconds")]
    Busy,
    /// An assessment with more entries than a limit allows: too large, with the located counts.
    #[error("{0}")]
    OverLimit(String),
    #[error("internal error")]
    Internal(String),
}

/// The seconds a client told the server is busy waits before trying again.
pub const BUSY_RETRY_SECS: u64 = 2;

impl ApiError {
    /// The stable machine code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Invalid(_) => "invalid",
            ApiError::Exists(_) => "exists",
            ApiError::Conflict(_) => "conflict",
            ApiError::Csrf => "csrf",
            ApiError::TooManyAttempts(_) => "too_many_attempts",
            ApiError::Busy => "busy",
            ApiError::TooLarge | ApiError::OverLimit(_) => "too_large",
            ApiError::Internal(_) => "internal",
        }
    }

    /// The code as the wire's type.
    fn wire_code(&self) -> ErrorCode {
        match self {
            ApiError::Unauthenticated => ErrorCode::Unauthenticated,
            ApiError::Forbidden => ErrorCode::Forbidden,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::BadRequest(_) => ErrorCode::BadRequest,
            ApiError::Invalid(_) => ErrorCode::Invalid,
            ApiError::Exists(_) => ErrorCode::Exists,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::Csrf => ErrorCode::Csrf,
            ApiError::TooManyAttempts(_) => ErrorCode::TooManyAttempts,
            ApiError::Busy => ErrorCode::Busy,
            ApiError::TooLarge | ApiError::OverLimit(_) => ErrorCode::TooLarge,
            ApiError::Internal(_) => ErrorCode::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::Csrf => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Exists(_) | ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooLarge | ApiError::OverLimit(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The seconds to wait before trying again, for the `Retry-After` header of a throttled
    /// or busy answer.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyAttempts(seconds) => Some((*seconds).max(1)),
            ApiError::Busy => Some(BUSY_RETRY_SECS),
            _ => None,
        }
    }

    /// Adds `Retry-After` to a response of this error, when it has one.
    pub(crate) fn add_retry_after(&self, response: &mut Response) {
        if let Some(seconds) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let current = match &self {
            ApiError::Conflict(current) => serde_json::from_value(current.clone()).ok(),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.wire_code(),
                message: self.to_string(),
                current,
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        self.add_retry_after(&mut response);
        response
    }
}

impl From<aimsgap_store::StoreError> for ApiError {
    fn from(error: aimsgap_store::StoreError) -> ApiError {
        use aimsgap_store::StoreError;
        match error {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Exists(what) => ApiError::Exists(format!("{what} already exists")),
            StoreError::Conflict(current) => {
                ApiError::Conflict(crate::api::versioned_json(&current))
            }
            other => ApiError::Internal(other.to_string()),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
