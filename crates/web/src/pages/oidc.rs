//! Single sign-on pages: `GET /signin/oidc` sends the browser to the provider, and
//! `GET /signin/oidc/callback` is where the provider sends it back (see [`crate::oidc`]).

use super::layout::{Frame, render, see_other};
use super::{PageError, PageResult};
use crate::AppState;
use crate::audit::Origin;
use crate::error::ApiError;
use crate::oidc::{COOKIE, Outcome, Refusal};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

#[derive(Template, Debug)]
#[template(path = "oidc/refused.html")]
struct Refused {
    frame: Frame,
    reason: String,
}

/// The cookie of a sign-in on its way: only sent back to the sign-in paths, and only for as
/// long as the sign-in may take; `SameSite=Lax`, since the provider's redirect back is a
/// top-level navigation from another site.
fn pending_cookie(secret: &str, max_age: u64, secure: bool) -> PageResult<HeaderValue> {
    let name = cookie_name(secure);
    let path = if secure { "/" } else { "/signin/oidc" };
    HeaderValue::from_str(&format!(
        "{name}={secret}; Path={path}; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    ))
    .map_err(|e| PageError::from(ApiError::Internal(e.to_string())))
}

/// Over TLS the cookie takes the `__Host-` prefix (which wants `Path=/`), so that no sibling
/// subdomain can plant one.
fn cookie_name(secure: bool) -> String {
    if secure {
        format!("__Host-{COOKIE}")
    } else {
        COOKIE.to_string()
    }
}

fn refused(refusal: &Refusal, secure: bool) -> PageResult<Response> {
    let status = match refusal {
        Refusal::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Refusal::Expired => StatusCode::BAD_REQUEST,
        Refusal::Provider(_) | Refusal::Unverified => StatusCode::UNAUTHORIZED,
        Refusal::EmailNotVerified | Refusal::NoAccount => StatusCode::FORBIDDEN,
    };
    let view = Refused {
        frame: Frame::new("Not signed in", None),
        reason: refusal.to_string(),
    };
    let mut response = render(status, &view);
    response
        .headers_mut()
        .append(header::SET_COOKIE, pending_cookie("", 0, secure)?);
    Ok(response)
}

/// `GET /signin/oidc`: a new sign-in, kept for a few minutes, and off to the provider.
pub async fn start(
    State(state): State<AppState>,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let secure = state.config.secure_cookies;
    let next = super::account::next_of(&query);
    match crate::oidc::begin(&state, next.as_deref()).await? {
        Ok((secret, url)) => {
            let mut response = see_other(url.as_str());
            response.headers_mut().append(
                header::SET_COOKIE,
                pending_cookie(&secret, crate::oidc::PENDING_SECONDS, secure)?,
            );
            Ok(response)
        }
        Err(refusal) => refused(&refusal, secure),
    }
}

/// `GET /signin/oidc/callback`: the provider's answer; signed in and on to the page asked
/// for, or a page that says why not.
pub async fn callback(
    State(state): State<AppState>,
    origin: Origin,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let secure = state.config.secure_cookies;
    let secret = crate::security::cookie(&headers, &cookie_name(secure))
        .filter(|secret| secret.len() == 64 && secret.chars().all(|c| c.is_ascii_hexdigit()));
    match crate::oidc::complete(&state, &origin, secret.as_deref(), &query).await? {
        Outcome::SignedIn { user, next } => {
            let (_, cookie) = crate::sessions::new_session(&state, &user).await?;
            let next = next.filter(|n| super::account::local_path(n));
            let mut response = see_other(next.as_deref().unwrap_or("/orgs"));
            response.headers_mut().append(header::SET_COOKIE, cookie);
            response
                .headers_mut()
                .append(header::SET_COOKIE, pending_cookie("", 0, secure)?);
            Ok(response)
        }
        Outcome::Refused(refusal) => refused(&refusal, secure),
    }
}

/// The ways in a server offers, for the sign-in page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ways {
    pub single_sign_on: bool,
    pub password: bool,
}

impl Ways {
    pub(crate) fn of(state: &AppState) -> Ways {
        Ways {
            single_sign_on: state.oidc.is_some(),
            password: state.config.password_sign_in,
        }
    }
}

/// On a server whose passwords are switched off, the answer to a password sign-in or
/// sign-up page: the sign-in page, which offers single sign-on only, saying so (403).
pub(crate) fn password_off(
    state: &AppState,
    headers: &HeaderMap,
    next: Option<&str>,
) -> Option<Response> {
    if state.config.password_sign_in {
        return None;
    }
    let (token, cookie) = super::visitor_token(headers, state.config.secure_cookies);
    let problem = ApiError::PasswordSignInOff.sentence();
    let page = super::account::signin_page(
        state,
        StatusCode::FORBIDDEN,
        &token,
        next,
        "",
        Some(&problem),
    );
    Some(super::with_cookie(page, cookie))
}
