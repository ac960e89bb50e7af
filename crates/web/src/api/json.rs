//! The one JSON body extractor of the API. It turns every way a body can be wrong into the
//! API's error body: not JSON, too large, or a field missing or of the wrong type, named by
//! its path (`field `profile.name`: invalid type ...`), so a client sees what to fix.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

/// A JSON request body of type `T`.
#[derive(Clone, Debug)]
pub(crate) struct ApiJson<T>(pub T);

fn is_json(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|media| media == "application/json" || media.ends_with("+json"))
}

/// Reads `T` from JSON text; a data error names the field's path.
pub(crate) fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        if inner.is_data() && path != "." {
            ApiError::BadRequest(format!("field `{path}`: {inner}"))
        } else if inner.is_data() {
            ApiError::BadRequest(inner.to_string())
        } else {
            ApiError::BadRequest(format!("the body is not valid JSON: {inner}"))
        }
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::BadRequest(format!("the body is not valid JSON: {e}")))?;
    Ok(value)
}

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<ApiJson<T>, ApiError> {
        if !is_json(&request) {
            return Err(ApiError::BadRequest(
                "send the body as JSON, with `Content-Type: application/json`".into(),
            ));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::TooLarge
                } else {
                    ApiError::BadRequest(rejection.body_text())
                }
            })?;
        from_slice(&bytes).map(ApiJson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aimsgap_wire::api::{InvitationRequest, ProfileRequest};

    fn message(error: ApiError) -> (&'static str, String) {
        (error.code(), error.to_string())
    }

    #[test]
    fn errors_name_the_field_and_keep_the_bad_request_code() {
        let missing = from_slice::<InvitationRequest>(b"{}").map(|_| ());
        let (code, text) = message(missing.err().unwrap_or(ApiError::NotFound));
        assert_eq!(code, "bad_request");
        assert!(text.contains("missing field `role`"), "{text}");
        let wrong = from_slice::<InvitationRequest>(br#"{"role": "king"}"#).map(|_| ());
        let (code, text) = message(wrong.err().unwrap_or(ApiError::NotFound));
        assert_eq!(code, "bad_request");
        assert!(
            text.starts_with("field `role`: unknown variant `king`"),
            "{text}"
        );
        let nested = from_slice::<ProfileRequest>(br#"{"version": -1, "profile": {}}"#);
        let (_, text) = message(nested.err().unwrap_or(ApiError::NotFound));
        assert!(text.starts_with("field `version`:"), "{text}");
        let broken = from_slice::<ProfileRequest>(b"{\"version\": ").map(|_| ());
        let (code, text) = message(broken.err().unwrap_or(ApiError::NotFound));
        assert_eq!(code, "bad_request");
        assert!(text.starts_with("the body is not valid JSON"), "{text}");
        let trailing = from_slice::<InvitationRequest>(br#"{"role": "viewer"} x"#).map(|_| ());
        assert!(trailing.is_err());
        let fine = from_slice::<InvitationRequest>(br#"{"role": "viewer", "days": 3}"#);
        assert_eq!(fine.ok().and_then(|i| i.days), Some(3));
    }
}
