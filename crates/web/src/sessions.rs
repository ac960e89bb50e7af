//! Sessions: a random secret in an HttpOnly cookie, and a CSRF token the client echoes in a
//! header, both stored server-side so that signing out (or out everywhere) ends them at once.

use crate::error::{ApiError, ApiResult};
use crate::{AppState, security};
use aimsgap_store::new_token;
use axum::http::{HeaderMap, HeaderValue};

/// Starts a session for a user: its CSRF token and the `Set-Cookie` header value.
pub(crate) async fn new_session(
    state: &AppState,
    user: &aimsgap_store::User,
) -> ApiResult<(String, HeaderValue)> {
    let secret = new_token()?;
    let csrf = new_token()?;
    let ttl = state.config.session_ttl;
    state
        .store
        .create_session(
            &user.id,
            &secret,
            &csrf,
            &crate::ops::in_seconds(ttl.as_secs()),
        )
        .await?;
    let cookie = security::session_cookie(&secret, ttl, state.config.secure_cookies);
    let cookie = HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((csrf, cookie))
}

/// The `Set-Cookie` value that ends the session in the browser.
pub(crate) fn cleared_cookie(state: &AppState) -> Option<HeaderValue> {
    HeaderValue::from_str(&security::clear_cookie(state.config.secure_cookies)).ok()
}

/// Refuses a cross-site sign-in or sign-up: those have no session yet, so no CSRF token, and a
/// hostile page must not sign a browser into an account of its choosing.
pub(crate) fn same_site(headers: &HeaderMap) -> ApiResult<()> {
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site")
    {
        return Err(ApiError::Csrf);
    }
    Ok(())
}
