//! The landing page, sign-up, sign-in and sign-out.

use super::layout::{e, hidden, html, input, page, see_other};
use super::{PageError, PageResult, status_of, visitor_token, with_cookie};
use crate::api;
use crate::auth::{FormAuth, MaybeAuth, Via, read_form};
use crate::error::ApiError;
use crate::{AppState, security};
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;

/// Whether `next` is a path on this site (never another site: no open redirect).
pub fn local_path(next: &str) -> bool {
    next.starts_with('/') && !next.starts_with("//") && !next.contains(['\\', '\r', '\n'])
}

fn next_of(pairs: &[(String, String)]) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == "next")
        .map(|(_, v)| v.clone())
        .filter(|n| local_path(n))
}

pub async fn landing(MaybeAuth(auth): MaybeAuth) -> Response {
    let workspace = match &auth {
        Some(auth) => format!(
            "<p>Signed in as {}. <a href=\"/orgs\">Go to your organisations</a>.</p>",
            e(&auth.user.name)
        ),
        None => "<p><a href=\"/signin\">Sign in</a> to your workspace, or <a href=\"/signup\">create an account</a> to keep assessments, answer them with your team and track progress.</p>".to_string(),
    };
    let content = format!(
        "<h1>How far are you from ISO/IEC 42001 certification?</h1>\
         <p class=\"lead\">aimsgap measures the distance between your organisation and an ISO/IEC 42001 certificate for its AI management system, and tells you which AI laws bind your AI systems and from when.</p>\
         <ul><li>It credits what your ISO/IEC 27001 certificate or SOC 2 report already proves, as a range to verify, never as conformity.</li>\
         <li>It names the certification blockers a Stage 1 auditor checks first, ranks every gap and plans the work.</li>\
         <li>It classifies each AI system under the EU AI Act and Colorado's AI law and dates its obligations.</li></ul>\
         <div class=\"actions\"><a class=\"button\" href=\"/quick\">Start the quick assessment</a><span class=\"muted\">About 20 questions, no account needed, nothing stored.</span></div>\
         <h2>Work on it with your team</h2>{workspace}"
    );
    html(
        StatusCode::OK,
        page("ISO/IEC 42001 readiness", auth.as_ref(), &[], &content),
    )
}

fn signup_page(
    token: &str,
    next: Option<&str>,
    name: &str,
    email: &str,
    problem: Option<&str>,
) -> String {
    let mut content = String::from("<h1>Create an account</h1>");
    if let Some(problem) = problem {
        content.push_str(&format!(
            "<div class=\"notice bad\" role=\"alert\"><p>{}</p></div>",
            e(problem)
        ));
    }
    content.push_str("<form class=\"stack\" method=\"post\" action=\"/signup\">");
    content.push_str(&hidden(security::FORM_FIELD, token));
    if let Some(next) = next {
        content.push_str(&hidden("next", next));
    }
    content.push_str(&input(
        "text",
        "name",
        "Your name",
        name,
        " autocomplete=\"name\" required maxlength=\"200\"",
    ));
    content.push_str(&input(
        "email",
        "email",
        "E-mail address",
        email,
        " autocomplete=\"email\" required maxlength=\"254\"",
    ));
    content.push_str(&input(
        "password",
        "password",
        "Password (at least 10 characters)",
        "",
        " autocomplete=\"new-password\" required minlength=\"10\"",
    ));
    content.push_str(
        "<div class=\"actions\"><button type=\"submit\">Create the account</button></div></form>",
    );
    let next_query = next
        .map(|n| format!("?next={}", super::layout::url_encode(n)))
        .unwrap_or_default();
    content.push_str(&format!(
        "<p>Already have an account? <a href=\"/signin{next_query}\">Sign in</a>.</p>"
    ));
    page("Create an account", None, &[], &content)
}

pub async fn signup_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let (token, cookie) = visitor_token(&headers, state.config.secure_cookies);
    let next = next_of(&query);
    with_cookie(
        html(
            StatusCode::OK,
            signup_page(&token, next.as_deref(), "", "", None),
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
    let headers = request.headers().clone();
    let fields = read_form(request, &state).await?;
    let secure = state.config.secure_cookies;
    security::check_visitor_form(
        &headers,
        fields.get(security::FORM_FIELD).unwrap_or(""),
        secure,
    )?;
    let next = next_of(&fields.0);
    let name = fields.get("name").unwrap_or("");
    let email = fields.get("email").unwrap_or("");
    let password = fields
        .0
        .iter()
        .find(|(k, _)| k == "password")
        .map_or("", |(_, v)| v.as_str());
    match api::create_account(&state, email, name, password).await {
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
                other => other.to_string(),
            };
            Ok(with_cookie(
                html(
                    status_of(&error),
                    signup_page(&token, next.as_deref(), name, email, Some(&message)),
                ),
                cookie,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

fn signin_page(token: &str, next: Option<&str>, email: &str, problem: Option<&str>) -> String {
    let mut content = String::from("<h1>Sign in</h1>");
    if let Some(problem) = problem {
        content.push_str(&format!(
            "<div class=\"notice bad\" role=\"alert\"><p>{}</p></div>",
            e(problem)
        ));
    }
    content.push_str("<form class=\"stack\" method=\"post\" action=\"/signin\">");
    content.push_str(&hidden(security::FORM_FIELD, token));
    if let Some(next) = next {
        content.push_str(&hidden("next", next));
    }
    content.push_str(&input(
        "email",
        "email",
        "E-mail address",
        email,
        " autocomplete=\"username\" required",
    ));
    content.push_str(&input(
        "password",
        "password",
        "Password",
        "",
        " autocomplete=\"current-password\" required",
    ));
    content
        .push_str("<div class=\"actions\"><button type=\"submit\">Sign in</button></div></form>");
    let next_query = next
        .map(|n| format!("?next={}", super::layout::url_encode(n)))
        .unwrap_or_default();
    content.push_str(&format!(
        "<p>No account yet? <a href=\"/signup{next_query}\">Create one</a>.</p>"
    ));
    page("Sign in", None, &[], &content)
}

pub async fn signin_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<Vec<(String, String)>>,
) -> Response {
    let (token, cookie) = visitor_token(&headers, state.config.secure_cookies);
    let next = next_of(&query);
    with_cookie(
        html(
            StatusCode::OK,
            signin_page(&token, next.as_deref(), "", None),
        ),
        cookie,
    )
}

pub async fn signin(State(state): State<AppState>, request: Request) -> PageResult<Response> {
    let headers = request.headers().clone();
    let extensions = request.extensions().clone();
    let fields = read_form(request, &state).await?;
    let secure = state.config.secure_cookies;
    security::check_visitor_form(
        &headers,
        fields.get(security::FORM_FIELD).unwrap_or(""),
        secure,
    )?;
    let next = next_of(&fields.0);
    let email = fields.get("email").unwrap_or("");
    let password = fields
        .0
        .iter()
        .find(|(k, _)| k == "password")
        .map_or("", |(_, v)| v.as_str());
    match api::check_login(&state, &headers, &extensions, email, password).await {
        Ok(user) => {
            let (_, cookie) = api::new_session(&state, &user).await?;
            Ok(signed_in(cookie, next.as_deref()))
        }
        Err(error @ (ApiError::Unauthenticated | ApiError::TooManyAttempts)) => {
            let (token, cookie) = visitor_token(&headers, secure);
            let message = match error {
                ApiError::TooManyAttempts => {
                    "Too many failed attempts: wait a quarter of an hour and try again."
                }
                _ => "Wrong e-mail address or password.",
            };
            Ok(with_cookie(
                html(
                    status_of(&error),
                    signin_page(&token, next.as_deref(), email, Some(message)),
                ),
                cookie,
            ))
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn signout(
    State(state): State<AppState>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    if let Via::Session { secret, .. } = &auth.via {
        state.store.delete_session(secret).await?;
    }
    let mut response = see_other("/");
    let cookie = HeaderValue::from_str(&security::clear_cookie(state.config.secure_cookies))
        .map_err(|e| PageError::from(ApiError::Internal(e.to_string())))?;
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}
