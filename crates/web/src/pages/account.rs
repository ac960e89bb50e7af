//! The landing page, sign-up, sign-in and sign-out.

use super::layout::{Frame, next_query, render, see_other};
use super::{PageError, PageResult, status_of, visitor_token, with_cookie};
use crate::api;
use crate::auth::{FormAuth, MaybeAuth, Via};
use crate::error::ApiError;
use crate::{AppState, security};
use askama::Template;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

/// Whether `next` is a path on this site, safe to answer as a `Location` (never another site:
/// no open redirect).
///
/// Browsers forgive a lot in a `Location`: they drop tabs and newlines, read `\\` as `/`, and
/// take `//host` or `https:host` to another site. So the target must start with `/` and hold
/// no control character, whitespace or backslash; its path must not begin with `//` nor hold
/// such a character once percent-decoded either (up to three times, for double encoding);
/// and resolved as a URL against this site's origin it must stay on that origin.
pub fn local_path(next: &str) -> bool {
    const ORIGIN: &str = "http://aimsgap.invalid/";
    let unsafe_char = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    if !next.starts_with('/') || next.len() > 4096 || next.contains(unsafe_char) {
        return false;
    }
    // The path, decoded: a query or fragment may hold encoded spaces, but cannot move the
    // target to another host.
    let end = next.find(['?', '#']).unwrap_or(next.len());
    let mut path = next.get(..end).unwrap_or_default().to_string();
    for round in 0..4 {
        if path.starts_with("//") || path.contains(unsafe_char) {
            return false;
        }
        let Ok(decoded) = percent_encoding::percent_decode_str(&path).decode_utf8() else {
            return false;
        };
        if decoded == path {
            break;
        }
        if round == 3 {
            // Encoded deeper than any honest link.
            return false;
        }
        path = decoded.into_owned();
    }
    let Ok(base) = url::Url::parse(ORIGIN) else {
        return false;
    };
    base.join(next)
        .is_ok_and(|target| target.origin() == base.origin() && target.username().is_empty())
}

pub(crate) fn next_of(pairs: &[(String, String)]) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.clone())
        .filter(|n| local_path(n))
}

#[derive(Template, Debug)]
#[template(path = "landing.html")]
struct Landing {
    frame: Frame,
}

pub async fn landing(MaybeAuth(auth): MaybeAuth) -> Response {
    let view = Landing {
        frame: Frame::new("ISO/IEC 42001 readiness", auth.as_ref()),
    };
    render(StatusCode::OK, &view)
}

/// The fields that create an account, as typed so far (`partials/new_account.html`).
#[derive(Debug, Default)]
pub struct NewAccount {
    pub name: String,
    pub email: String,
}

#[derive(Template, Debug)]
#[template(path = "signup.html")]
struct Signup<'a> {
    frame: Frame,
    form_field: &'a str,
    token: &'a str,
    next: Option<&'a str>,
    next_query: String,
    new_account: NewAccount,
    problem: Option<&'a str>,
}

fn signup_page(
    status: StatusCode,
    token: &str,
    next: Option<&str>,
    new_account: NewAccount,
    problem: Option<&str>,
) -> Response {
    let view = Signup {
        frame: Frame::new("Create an account", None),
        form_field: security::FORM_FIELD,
        token,
        next,
        next_query: next_query(next),
        new_account,
        problem,
    };
    render(status, &view)
}

pub async fn signup_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let (token, cookie) = visitor_token(&headers, state.config.secure_cookies);
    let next = next_of(&query);
    if let Some(refused) = super::oidc::password_off(&state, &headers, next.as_deref()) {
        return refused;
    }
    with_cookie(
        signup_page(
            StatusCode::OK,
            &token,
            next.as_deref(),
            NewAccount::default(),
            None,
        ),
        cookie,
    )
}

/// The response that signs a user in: the session cookie, then the next page.
fn signed_in(cookie: HeaderValue, next: Option<&str>) -> Response {
    let mut response = see_other(next.unwrap_or("/orgs"));
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

pub async fn signup(State(state): State<AppState>, request: Request) -> PageResult<Response> {
    let (headers, extensions, fields) = super::visitor_form(&state, request).await?;
    let secure = state.config.secure_cookies;
    let next = next_of(&fields.0);
    if let Some(refused) = super::oidc::password_off(&state, &headers, next.as_deref()) {
        return Ok(refused);
    }
    let name = fields.get("name").unwrap_or("");
    let email = fields.get("email").unwrap_or("");
    let password = fields
        .0
        .iter()
        .find(|(k, _)| k == "password")
        .map_or("", |(_, v)| v.as_str());
    let checked =
        crate::ops::accounts::check_new_account(&email.trim().to_lowercase(), name, password);
    let created = match checked {
        Ok(()) => api::create_account(&state, &headers, &extensions, email, name, password).await,
        Err(broken) => Err(ApiError::BadRequest(broken.sentence)),
    };
    match created {
        Ok(user) => {
            let (_, cookie) = api::new_session(&state, &user).await?;
            Ok(signed_in(cookie, next.as_deref()))
        }
        Err(error @ (ApiError::BadRequest(_) | ApiError::Exists(_))) => {
            let (token, cookie) = visitor_token(&headers, secure);
            let message = match &error {
                ApiError::Exists(_) => {
                    "An account with this e-mail address already exists: sign in instead."
                        .to_string()
                }
                other => other.sentence(),
            };
            let typed = NewAccount {
                name: name.to_string(),
                email: email.to_string(),
            };
            Ok(with_cookie(
                signup_page(
                    status_of(&error),
                    &token,
                    next.as_deref(),
                    typed,
                    Some(&message),
                ),
                cookie,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, Debug)]
#[template(path = "signin.html")]
struct Signin<'a> {
    frame: Frame,
    form_field: &'a str,
    token: &'a str,
    next: Option<&'a str>,
    next_query: String,
    email: &'a str,
    problem: Option<&'a str>,
    /// The ways in this server offers: single sign-on, passwords, or both.
    ways: super::oidc::Ways,
}

pub(crate) fn signin_page(
    state: &AppState,
    status: StatusCode,
    token: &str,
    next: Option<&str>,
    email: &str,
    problem: Option<&str>,
) -> Response {
    let view = Signin {
        frame: Frame::new("Sign in", None),
        form_field: security::FORM_FIELD,
        token,
        next,
        next_query: next_query(next),
        email,
        problem,
        ways: super::oidc::Ways::of(state),
    };
    render(status, &view)
}

pub async fn signin_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let (token, cookie) = visitor_token(&headers, state.config.secure_cookies);
    let next = next_of(&query);
    with_cookie(
        signin_page(&state, StatusCode::OK, &token, next.as_deref(), "", None),
        cookie,
    )
}

pub async fn signin(State(state): State<AppState>, request: Request) -> PageResult<Response> {
    let (headers, extensions, fields) = super::visitor_form(&state, request).await?;
    let secure = state.config.secure_cookies;
    let next = next_of(&fields.0);
    if let Some(refused) = super::oidc::password_off(&state, &headers, next.as_deref()) {
        return Ok(refused);
    }
    let email = fields.get("email").unwrap_or("");
    let password = fields
        .0
        .iter()
        .find(|(k, _)| k == "password")
        .map_or("", |(_, v)| v.as_str());
    match api::check_login(&state, &headers, &extensions, email, password).await {
        Ok(user) => {
            if let Some(step) =
                super::two_factor::second_step(&state, &user, next.as_deref()).await?
            {
                return Ok(step);
            }
            crate::ops::audit::signed_in(&state, &headers, &extensions, &user).await?;
            let (_, cookie) = api::new_session(&state, &user).await?;
            Ok(signed_in(cookie, next.as_deref()))
        }
        Err(error @ (ApiError::Unauthenticated | ApiError::TooManyAttempts(_))) => {
            let (token, cookie) = visitor_token(&headers, secure);
            let message = match error {
                ApiError::TooManyAttempts(seconds) => {
                    format!("Too many failed attempts: wait {seconds} seconds and try again.")
                }
                _ => "Wrong e-mail address or password.".to_string(),
            };
            let mut response = with_cookie(
                signin_page(
                    &state,
                    status_of(&error),
                    &token,
                    next.as_deref(),
                    email,
                    Some(&message),
                ),
                cookie,
            );
            error.add_retry_after(&mut response);
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn signout(
    State(state): State<AppState>,
    origin: crate::audit::Origin,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    if let Via::Session { secret, .. } = &auth.via {
        state.store.delete_session(secret).await?;
    }
    let record = crate::audit::Event::SignedOut.by(&auth.user);
    record.record(&state, &origin).await?;
    let mut response = see_other("/");
    let cookie = HeaderValue::from_str(&security::clear_cookie(state.config.secure_cookies))
        .map_err(|e| PageError::from(ApiError::Internal(e.to_string())))?;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}
