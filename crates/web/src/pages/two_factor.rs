//! Two-factor sign-in pages: enrolment and its settings (`/account/two-factor`), the sign-in's
//! second step (`/signin/two-factor`), and an organisation's requirement (a form on its page).
//! The rules are in `ops::two_factor`; these read forms and render.

use super::layout::{Frame, next_query, render, see_other};
use super::{PageError, PageResult, Signed, status_of, visitor_token, with_cookie};
use crate::audit::Origin;
use crate::auth::FormAuth;
use crate::error::ApiError;
use crate::ops::two_factor::{self as ops, Enrolment};
use crate::{AppState, api, security};
use aimsgap_store::User;
use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

/// Where a member is sent from the pages of an organisation that requires two factors.
pub(crate) const REQUIRED_LOCATION: &str = "/account/two-factor?required=yes#required";

#[derive(Template, Debug)]
#[template(path = "account/two_factor.html")]
struct SettingsPage<'a> {
    frame: Frame,
    csrf: &'a str,
    enabled: bool,
    /// Unused recovery codes.
    left: i64,
    enrolment: Option<Enrolment>,
    /// Recovery codes just made: shown this once.
    codes: Vec<String>,
    problem: Option<String>,
    notice: Option<&'static str>,
    /// The names of the caller's organisations that require two factors.
    required_by: Vec<String>,
    /// The caller came from an organisation that requires two factors.
    sent: bool,
}

struct Shown {
    codes: Vec<String>,
    problem: Option<String>,
    notice: Option<&'static str>,
    sent: bool,
}

async fn settings(
    state: &AppState,
    auth: &crate::auth::Auth,
    status: StatusCode,
    shown: Shown,
) -> PageResult<Response> {
    let enrolment = ops::enrolment(state, &auth.user).await?;
    let left = state.store.recovery_codes_left(&auth.user.id).await?;
    let view = SettingsPage {
        frame: Frame::new("Two-factor sign-in", Some(auth)),
        csrf: auth.csrf(),
        enabled: enrolment.is_none(),
        left,
        enrolment,
        codes: shown.codes,
        problem: shown.problem,
        notice: shown.notice,
        required_by: state.store.orgs_requiring_two_factor(&auth.user.id).await?,
        sent: shown.sent,
    };
    Ok(render(status, &view))
}

fn query_value<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

pub async fn page(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let notice = match query_value(&query, "done") {
        Some("off") => Some("Two-factor sign-in is off: your password alone signs you in."),
        _ => None,
    };
    let shown = Shown {
        codes: Vec::new(),
        problem: None,
        notice,
        sent: query_value(&query, "required") == Some("yes"),
    };
    settings(&state, &auth, StatusCode::OK, shown).await
}

/// A form field as typed (passwords are not trimmed).
fn raw<'a>(fields: &'a crate::auth::Fields, name: &str) -> &'a str {
    fields
        .0
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

/// The page again after a refused form: 400 with the sentence, or the error's own page.
async fn refused(
    state: &AppState,
    auth: &crate::auth::Auth,
    error: ApiError,
) -> PageResult<Response> {
    match error {
        ApiError::BadRequest(sentence) => {
            let shown = Shown {
                codes: Vec::new(),
                problem: Some(sentence),
                notice: None,
                sent: false,
            };
            settings(state, auth, StatusCode::BAD_REQUEST, shown).await
        }
        error @ ApiError::TooManyAttempts(_) => {
            let shown = Shown {
                codes: Vec::new(),
                problem: Some(error.sentence()),
                notice: None,
                sent: false,
            };
            let mut response = settings(state, auth, status_of(&error), shown).await?;
            error.add_retry_after(&mut response);
            Ok(response)
        }
        other => Err(other.into()),
    }
}

/// Turns two factors on with a code of the secret shown; shows the recovery codes once.
pub async fn turn_on(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let code = fields.get("code").unwrap_or("");
    match ops::turn_on(&state, &auth.user, code, &headers, &extensions).await {
        Ok(codes) => {
            let shown = Shown {
                codes,
                problem: None,
                notice: None,
                sent: false,
            };
            settings(&state, &auth, StatusCode::CREATED, shown).await
        }
        Err(error) => refused(&state, &auth, error).await,
    }
}

/// Turns two factors off with the password and a code.
pub async fn turn_off(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let password = raw(&fields, "password");
    let code = fields.get("code").unwrap_or("");
    match ops::turn_off(&state, &auth, password, code, &headers, &extensions).await {
        Ok(()) => Ok(see_other("/account/two-factor?done=off#done")),
        Err(error) => refused(&state, &auth, error).await,
    }
}

/// New recovery codes, after a code; shows them once.
pub async fn renew_codes(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let code = fields.get("code").unwrap_or("");
    match ops::renew_codes(&state, &auth, code, &headers, &extensions).await {
        Ok(codes) => {
            let shown = Shown {
                codes,
                problem: None,
                notice: None,
                sent: false,
            };
            settings(&state, &auth, StatusCode::CREATED, shown).await
        }
        Err(error) => refused(&state, &auth, error).await,
    }
}

// ---- the sign-in's second step ------------------------------------------------------------

/// After a right password: for an account with two factors on, the answer that asks for the
/// code (a pending sign-in in a cookie, and the way to its page); `None` otherwise.
pub(crate) async fn second_step(
    state: &AppState,
    user: &User,
    next: Option<&str>,
) -> PageResult<Option<Response>> {
    let Some(secret) = ops::begin_pending(state, user).await? else {
        return Ok(None);
    };
    let cookie = ops::pending_cookie(&secret, ops::PENDING_SECONDS, state.config.secure_cookies);
    let cookie = HeaderValue::from_str(&cookie)
        .map_err(|e| PageError::from(ApiError::Internal(e.to_string())))?;
    let mut response = see_other(&format!("/signin/two-factor{}", next_query(next)));
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(Some(response))
}

#[derive(Template, Debug)]
#[template(path = "signin_two_factor.html")]
struct CodePage<'a> {
    frame: Frame,
    form_field: &'a str,
    token: &'a str,
    next: Option<&'a str>,
    next_query: String,
    /// Whether a sign-in waits for its second step in this browser.
    pending: bool,
    problem: Option<String>,
}

fn code_page(
    status: StatusCode,
    token: &str,
    next: Option<&str>,
    pending: bool,
    problem: Option<String>,
) -> Response {
    let view = CodePage {
        frame: Frame::new("Two-factor sign-in", None),
        form_field: security::FORM_FIELD,
        token,
        next,
        next_query: next_query(next),
        pending,
        problem,
    };
    render(status, &view)
}

fn next_of(pairs: &[(String, String)]) -> Option<String> {
    query_value(pairs, "next")
        .filter(|n| super::account::local_path(n))
        .map(str::to_string)
}

/// The user of the pending sign-in this browser holds, if it is live.
async fn pending_user(state: &AppState, headers: &HeaderMap) -> PageResult<Option<User>> {
    let name = ops::pending_cookie_name(state.config.secure_cookies);
    match security::cookie(headers, name).filter(|s| !s.is_empty()) {
        Some(secret) => Ok(state.store.pending_sign_in(&secret).await?),
        None => Ok(None),
    }
}

pub async fn code_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    let (token, cookie) = visitor_token(&headers, state.config.secure_cookies);
    let next = next_of(&query);
    let pending = pending_user(&state, &headers).await?.is_some();
    Ok(with_cookie(
        code_page(StatusCode::OK, &token, next.as_deref(), pending, None),
        cookie,
    ))
}

pub async fn check_code(State(state): State<AppState>, request: Request) -> PageResult<Response> {
    let (headers, extensions, fields) = super::visitor_form(&state, request).await?;
    let secure = state.config.secure_cookies;
    let next = next_of(&fields.0);
    let again = |status: StatusCode, pending: bool, problem: String| {
        let (token, cookie) = visitor_token(&headers, secure);
        with_cookie(
            code_page(status, &token, next.as_deref(), pending, Some(problem)),
            cookie,
        )
    };
    let name = ops::pending_cookie_name(secure);
    let secret = security::cookie(&headers, name).unwrap_or_default();
    let Some(user) = pending_user(&state, &headers).await? else {
        return Ok(again(
            StatusCode::UNAUTHORIZED,
            false,
            "This sign-in has expired or was never started: sign in with your password again."
                .into(),
        ));
    };
    let code = fields.get("code").unwrap_or("");
    match ops::check_factor(&state, &user, code, &headers, &extensions).await {
        Ok(Some(_)) => {
            state.store.delete_pending_sign_in(&secret).await?;
            crate::ops::audit::signed_in(&state, &headers, &extensions, &user).await?;
            let (_, session) = api::new_session(&state, &user).await?;
            let mut response = see_other(next.as_deref().unwrap_or("/orgs"));
            response.headers_mut().append(header::SET_COOKIE, session);
            if let Ok(cleared) = HeaderValue::from_str(&ops::pending_cookie("", 0, secure)) {
                response.headers_mut().append(header::SET_COOKIE, cleared);
            }
            Ok(response)
        }
        Ok(None) => Ok(again(
            StatusCode::UNAUTHORIZED,
            true,
            ops::WRONG_CODE.to_string(),
        )),
        Err(error @ ApiError::TooManyAttempts(seconds)) => {
            let mut response = again(
                status_of(&error),
                true,
                format!("Too many failed attempts: wait {seconds} seconds and try again."),
            );
            error.add_retry_after(&mut response);
            Ok(response)
        }
        Err(other) => Err(other.into()),
    }
}

// ---- an organisation's requirement --------------------------------------------------------

/// Sets whether the organisation requires two factors of its members (owners only).
pub async fn set_required(
    State(state): State<AppState>,
    Path(org): Path<String>,
    origin: Origin,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let required = match fields.get("required") {
        Some("yes") => true,
        Some("no") => false,
        _ => {
            return Err(ApiError::BadRequest(
                "Two-factor sign-in: choose whether it is required.".into(),
            )
            .into());
        }
    };
    ops::set_required(&state, &auth, &org, required, &origin).await?;
    Ok(see_other(&format!("/orgs/{org}#two-factor")))
}
