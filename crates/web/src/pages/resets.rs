//! The pages of password reset: asking for a link (linked from the sign-in page), choosing a
//! new password through it, and the page that says it is done. Siblings of the API's
//! `/api/v1/password/*` over [`crate::ops::resets`].

use super::layout::{Frame, render, see_other};
use super::{PageResult, status_of, visitor_token, with_cookie};
use crate::audit::Origin;
use crate::auth::{Auth, MaybeAuth};
use crate::error::ApiError;
use crate::ops::resets;
use crate::{AppState, security};
use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

#[derive(Template, Debug)]
#[template(path = "password/forgot.html")]
struct Forgot<'a> {
    frame: Frame,
    form_field: &'a str,
    token: &'a str,
    /// Whether this server sends mail; without it the page says who resets passwords.
    mail: bool,
    /// The answer to a request just taken (the same for every address).
    sent: Option<&'a str>,
    email: &'a str,
    problem: Option<String>,
}

fn forgot_page(
    state: &AppState,
    auth: Option<&Auth>,
    headers: &HeaderMap,
    status: StatusCode,
    sent: bool,
    email: &str,
    problem: Option<String>,
) -> Response {
    let (token, cookie) = visitor_token(headers, state.config.secure_cookies);
    let view = Forgot {
        frame: Frame::new("Forgot your password?", auth),
        form_field: security::FORM_FIELD,
        token: &token,
        mail: resets::mail_links(state).is_some(),
        sent: sent.then_some(resets::FORGOT_ANSWER),
        email,
        problem,
    };
    with_cookie(render(status, &view), cookie)
}

pub async fn forgot_form(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let sent = query.iter().any(|(k, v)| k == "sent" && v == "1");
    forgot_page(
        &state,
        auth.as_ref(),
        &headers,
        StatusCode::OK,
        sent,
        "",
        None,
    )
}

pub async fn forgot(State(state): State<AppState>, request: Request) -> PageResult<Response> {
    let (headers, extensions, fields) = super::visitor_form(&state, request).await?;
    let origin = Origin(crate::throttle::client_address(
        &headers,
        &extensions,
        &state.config.trusted_proxies,
    ));
    let email = fields.get("email").unwrap_or("");
    match resets::request_reset(&state, &origin, email).await {
        Ok(()) => Ok(see_other("/password/forgot?sent=1")),
        // The page says that this server sends no mail and who resets passwords.
        Err(ApiError::MailNotSetUp) => Ok(see_other("/password/forgot")),
        Err(ApiError::BadRequest(_)) => Ok(forgot_page(
            &state,
            None,
            &headers,
            StatusCode::BAD_REQUEST,
            false,
            email,
            Some("E-mail address: give an e-mail address, such as name@example.org.".into()),
        )),
        Err(error @ ApiError::TooManyAttempts(_)) => {
            let mut response = forgot_page(
                &state,
                None,
                &headers,
                status_of(&error),
                false,
                email,
                Some(error.sentence()),
            );
            error.add_retry_after(&mut response);
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, Debug)]
#[template(path = "password/reset.html")]
struct Reset<'a> {
    frame: Frame,
    form_field: &'a str,
    token: &'a str,
    /// The link's secret, in the form's address.
    secret: &'a str,
    problem: Option<String>,
}

#[derive(Template, Debug)]
#[template(path = "password/invalid.html")]
struct Invalid {
    frame: Frame,
}

fn invalid_page(auth: Option<&Auth>) -> Response {
    let view = Invalid {
        frame: Frame::new("Link not valid", auth),
    };
    render(StatusCode::NOT_FOUND, &view)
}

fn reset_page(
    state: &AppState,
    auth: Option<&Auth>,
    headers: &HeaderMap,
    status: StatusCode,
    secret: &str,
    problem: Option<String>,
) -> Response {
    let (token, cookie) = visitor_token(headers, state.config.secure_cookies);
    let view = Reset {
        frame: Frame::new("Choose a new password", auth),
        form_field: security::FORM_FIELD,
        token: &token,
        secret,
        problem,
    };
    with_cookie(render(status, &view), cookie)
}

/// Only the characters of a link's secret (hex), so that the secret can go into the form's
/// address as it is.
fn plausible(secret: &str) -> bool {
    !secret.is_empty() && secret.len() <= 128 && secret.chars().all(|c| c.is_ascii_hexdigit())
}

pub async fn reset_form(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    headers: HeaderMap,
    Path(secret): Path<String>,
) -> PageResult<Response> {
    if !plausible(&secret) || !resets::link_works(&state, &secret).await? {
        return Ok(invalid_page(auth.as_ref()));
    }
    Ok(reset_page(
        &state,
        auth.as_ref(),
        &headers,
        StatusCode::OK,
        &secret,
        None,
    ))
}

pub async fn reset(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    request: Request,
) -> PageResult<Response> {
    let (headers, extensions, fields) = super::visitor_form(&state, request).await?;
    let origin = Origin(crate::throttle::client_address(
        &headers,
        &extensions,
        &state.config.trusted_proxies,
    ));
    if !plausible(&secret) {
        return Ok(invalid_page(None));
    }
    let password = fields
        .0
        .iter()
        .find(|(k, _)| k == "password")
        .map_or("", |(_, v)| v.as_str());
    let again = fields
        .0
        .iter()
        .find(|(k, _)| k == "password_again")
        .map_or("", |(_, v)| v.as_str());
    if password != again {
        return Ok(reset_page(
            &state,
            None,
            &headers,
            StatusCode::BAD_REQUEST,
            &secret,
            Some("New password, again: type the same password twice.".into()),
        ));
    }
    match resets::reset_password(&state, &origin, &secret, password).await {
        Ok(_) => Ok(see_other("/password/changed")),
        Err(ApiError::NotFound) => Ok(invalid_page(None)),
        Err(ApiError::BadRequest(_)) => Ok(reset_page(
            &state,
            None,
            &headers,
            StatusCode::BAD_REQUEST,
            &secret,
            Some("New password: choose one of at least 10 characters.".into()),
        )),
        Err(other) => Err(other.into()),
    }
}

#[derive(Template, Debug)]
#[template(path = "password/changed.html")]
struct Changed {
    frame: Frame,
}

pub async fn changed(MaybeAuth(auth): MaybeAuth) -> Response {
    let view = Changed {
        frame: Frame::new("Password changed", auth.as_ref()),
    };
    render(StatusCode::OK, &view)
}
