//! Security plumbing: response headers, the session cookie, CSRF checks.

use crate::error::ApiError;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use std::time::Duration;

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "aimsgap_session";
/// The header that carries the CSRF token on state-changing requests authenticated by cookie.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The headers every response carries. No page of ours runs script, so the policy forbids it;
/// the only resource a page loads is the stylesheet from this site (`pages::layout`), so styles
/// come from 'self' alone and no inline style or attribute is obeyed.
pub fn security_headers() -> Vec<(header::HeaderName, HeaderValue)> {
    vec![
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            ),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (
            header::HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::HeaderName::from_static("permissions-policy"),
            HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
        ),
    ]
}

/// `Strict-Transport-Security`, sent on every response when the server is served over TLS
/// (`Config::secure_cookies`, `serve --secure-cookies`): browsers then refuse plain HTTP to
/// this host for a year.
pub fn hsts() -> (header::HeaderName, HeaderValue) {
    (
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=31536000"),
    )
}

/// Whether the answer to a request may carry data of one user or session, so that no cache
/// may keep it: every `/api/` request, and any request that brings a session cookie or a
/// bearer token.
pub fn is_private(request: &axum::extract::Request) -> bool {
    request.uri().path().starts_with("/api/")
        || request.headers().contains_key(header::AUTHORIZATION)
        || cookie(request.headers(), SESSION_COOKIE).is_some()
}

/// Adds the headers every response carries (those it does not set itself), and
/// `Cache-Control: no-store` to a private answer or one that sets a cookie, unless it says
/// how it may be cached itself (the stylesheet, under a name that carries its hash, keeps its
/// year-long cache).
pub fn finish_headers(
    response: &mut axum::response::Response,
    always: &[(header::HeaderName, HeaderValue)],
    private: bool,
) {
    let headers = response.headers_mut();
    for (name, value) in always {
        headers.entry(name.clone()).or_insert_with(|| value.clone());
    }
    if private || headers.contains_key(header::SET_COOKIE) {
        headers
            .entry(header::CACHE_CONTROL)
            .or_insert_with(|| HeaderValue::from_static("no-store"));
    }
}

/// The value of a cookie in a request.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_string())
}

/// The `Set-Cookie` value of a session: HttpOnly, SameSite=Lax, Secure when served over TLS.
pub fn session_cookie(secret: &str, max_age: Duration, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        max_age.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

/// The cookie of the double-submit token that protects the forms a visitor without a session
/// posts (sign-up, sign-in, saving a quick assessment). Over TLS it takes the `__Host-` prefix,
/// so that no sibling subdomain can plant one.
pub fn form_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-aimsgap_form"
    } else {
        "aimsgap_form"
    }
}

/// The hidden field that carries the double-submit token of a visitor's form.
pub const FORM_FIELD: &str = "form_token";

/// The `Set-Cookie` value of a visitor's form token (a day; HttpOnly; SameSite=Lax).
pub fn form_cookie(value: &str, secure: bool) -> String {
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400{}",
        form_cookie_name(secure),
        if secure { "; Secure" } else { "" }
    )
}

/// Checks a form posted by a visitor who has no session yet, so no synchronizer token.
///
/// Why a double-submit cookie rather than a signed token: the server holds no secret to sign
/// with that all instances share (they share only the database), and a visitor has no session
/// row to keep a token in. The page that shows the form sets a random token in a cookie and
/// repeats it in a hidden field; the post must bring both, equal. Another site can neither read
/// the cookie (HttpOnly, and the same-origin policy) nor write it (SameSite=Lax keeps it off
/// cross-site posts entirely, and `__Host-` over TLS stops a sibling subdomain from planting
/// one), so it cannot forge the pair. The `Origin` / `Sec-Fetch-Site` check, which every current
/// browser supports, is a second, independent layer.
pub fn check_visitor_form(headers: &HeaderMap, given: &str, secure: bool) -> Result<(), ApiError> {
    check_same_origin(headers)?;
    let expected = cookie(headers, form_cookie_name(secure)).unwrap_or_default();
    if expected.len() >= 32 && constant_time_eq(given, &expected) {
        Ok(())
    } else {
        Err(ApiError::Csrf)
    }
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Whether a method changes state (and so needs CSRF protection).
pub fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses cross-site state-changing requests by their browser-set headers, and checks the
/// synchronizer token of a cookie session (sent in the `X-CSRF-Token` header).
pub fn check_csrf(headers: &HeaderMap, expected: &str) -> Result<(), ApiError> {
    let given = headers
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    check_csrf_token(headers, expected, given)
}

/// The same check with the token given by the caller: the header, or for an HTML form the
/// hidden field (see `auth::FormAuth`).
pub fn check_csrf_token(headers: &HeaderMap, expected: &str, given: &str) -> Result<(), ApiError> {
    check_same_origin(headers)?;
    if !expected.is_empty() && constant_time_eq(given, expected) {
        Ok(())
    } else {
        Err(ApiError::Csrf)
    }
}

/// Refuses a request that the browser says comes from another site: `Sec-Fetch-Site:
/// cross-site`, or an `Origin` whose host is not ours.
pub fn check_same_origin(headers: &HeaderMap) -> Result<(), ApiError> {
    let site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if site == Some("cross-site") {
        return Err(ApiError::Csrf);
    }
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    if origin == Some("null") {
        // Our pages send `Referrer-Policy: no-referrer`, under which browsers post forms with
        // `Origin: null` even to their own origin. An opaque origin proves nothing either way,
        // so the browser's own `Sec-Fetch-Site` must vouch that the post is same-origin.
        return if site == Some("same-origin") {
            Ok(())
        } else {
            Err(ApiError::Csrf)
        };
    }
    if let (Some(origin), Some(host)) = (
        origin,
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        let origin_host = origin.split("://").nth(1).unwrap_or(origin);
        if origin_host != host {
            return Err(ApiError::Csrf);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csrf_needs_the_token_and_a_same_site_request() {
        let mut headers = HeaderMap::new();
        assert!(check_csrf(&headers, "t").is_err());
        headers.insert(CSRF_HEADER, HeaderValue::from_static("t"));
        assert!(check_csrf(&headers, "t").is_ok());
        assert!(check_csrf(&headers, "u").is_err());
        headers.insert(header::HOST, HeaderValue::from_static("a.test"));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.test"),
        );
        assert!(check_csrf(&headers, "t").is_err());
        headers.insert(header::ORIGIN, HeaderValue::from_static("https://a.test"));
        assert!(check_csrf(&headers, "t").is_ok());
        headers.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(check_csrf(&headers, "t").is_err());
        // `Origin: null` (a form posted under `Referrer-Policy: no-referrer`) passes only when
        // the browser says the request is same-origin.
        headers.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(check_csrf(&headers, "t").is_err());
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(check_csrf(&headers, "t").is_ok());
        headers.remove("sec-fetch-site");
        assert!(check_csrf(&headers, "t").is_err());
        assert!(
            constant_time_eq("abc", "abc")
                && !constant_time_eq("abc", "abd")
                && !constant_time_eq("ab", "abc")
        );
        assert_eq!(
            cookie(
                &{
                    let mut h = HeaderMap::new();
                    h.insert(
                        header::COOKIE,
                        HeaderValue::from_static("x=1; aimsgap_session=s3cret; y=2"),
                    );
                    h
                },
                SESSION_COOKIE
            )
            .as_deref(),
            Some("s3cret")
        );
    }
}
