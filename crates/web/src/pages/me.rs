//! The signed-in user's own account (`/account`): change the password, see the live sessions
//! and end the others, and create, list and revoke API tokens (a new token's secret is shown
//! once, on the answer to the form that created it, and never again).

use super::layout::{Choice, Frame, choices, render, see_other, when};
use super::{PageResult, Signed, status_of};
use crate::AppState;
use crate::audit::Origin;
use crate::auth::{Auth, FormAuth};
use crate::error::ApiError;
use crate::ops::people::{self, PasswordRefusal};
use aimsgap_store::{TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::Response;

/// The lifetimes offered for a new token, in days.
const DAYS: [(&str, &str); 5] = [
    ("7", "7 days"),
    ("30", "30 days"),
    ("90", "90 days"),
    ("180", "180 days"),
    ("366", "366 days"),
];

/// An API token as the page lists it: never its secret.
#[derive(Debug)]
struct TokenRow {
    id: String,
    name: String,
    created: String,
    expires: String,
}

/// A token just created: its secret, shown this once.
#[derive(Debug)]
struct Created {
    name: String,
    secret: String,
    expires: String,
}

/// What a re-shown page carries after a form: problems at their fields, what was typed.
#[derive(Debug, Default)]
struct Flash {
    /// A problem with the current password (wrong, or too many attempts).
    current_error: String,
    /// A problem with the new password.
    new_error: String,
    /// A problem with the new token's name or lifetime.
    token_error: String,
    token_name: String,
    days: String,
    created: Option<Created>,
}

#[derive(Template, Debug)]
#[template(path = "account/account.html")]
struct AccountPage<'a> {
    frame: Frame,
    csrf: &'a str,
    name: &'a str,
    email: &'a str,
    /// The sessions signed in now, this one included.
    sessions: i64,
    tokens: Vec<TokenRow>,
    /// What the form just done did, in words.
    notice: Option<String>,
    flash: Flash,
    days: Vec<Choice>,
    /// Whether two-factor sign-in is on.
    two_factor: bool,
    /// Whether this server sends mail (the reminders section says so).
    mail: bool,
}

async fn page(
    state: &AppState,
    auth: &Auth,
    status: StatusCode,
    notice: Option<String>,
    flash: Flash,
) -> PageResult<Response> {
    let sessions = state.store.live_sessions(&auth.user.id).await?;
    let tokens = state.store.api_tokens(&auth.user.id).await?;
    let default_days = TOKEN_DAYS_DEFAULT.to_string();
    let chosen = if flash.days.is_empty() {
        default_days.as_str()
    } else {
        flash.days.as_str()
    };
    let two_factor = state.store.two_factor_on(&auth.user.id).await?;
    let view = AccountPage {
        two_factor,
        frame: Frame::new("Your account", Some(auth)),
        csrf: auth.csrf(),
        name: &auth.user.name,
        email: &auth.user.email,
        sessions,
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                id: t.id,
                name: t.name,
                created: when(&t.created_at),
                expires: t.expires_at.as_deref().map_or_else(String::new, when),
            })
            .collect(),
        notice,
        days: choices(&DAYS, &[chosen]),
        flash,
        mail: state.mailer.is_some(),
    };
    Ok(render(status, &view))
}

/// What the form before the redirect did, from the query it left: `done` and `ended`.
fn notice(query: &[(String, String)]) -> Option<String> {
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let ended: u64 = get("ended").and_then(|n| n.parse().ok()).unwrap_or(0);
    let others = match ended {
        0 => "No other session was signed in.".to_string(),
        1 => "1 other session was signed out.".to_string(),
        n => format!("{n} other sessions were signed out."),
    };
    match get("done")? {
        "password" => Some(format!("Your password was changed. {others}")),
        "others" => Some(others),
        "revoked" => Some("The token was revoked: it no longer works.".to_string()),
        _ => None,
    }
}

pub async fn account(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Query(query): Query<Vec<(String, String)>>,
) -> PageResult<Response> {
    page(
        &state,
        &auth,
        StatusCode::OK,
        notice(&query),
        Flash::default(),
    )
    .await
}

/// A form field's value as typed (passwords are not trimmed).
fn raw<'a>(fields: &'a crate::auth::Fields, name: &str) -> &'a str {
    fields
        .0
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.as_str())
}

pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let current = raw(&fields, "current_password");
    let new = raw(&fields, "new_password");
    let refusal =
        match people::change_password(&state, &auth, &headers, &extensions, current, new).await {
            Ok(ended) => {
                return Ok(see_other(&format!(
                    "/account?done=password&ended={ended}#done"
                )));
            }
            Err(refusal) => refusal,
        };
    let (status, flash, retry) = match refusal {
        PasswordRefusal::Current => (
            StatusCode::BAD_REQUEST,
            Flash {
                current_error: "Current password: this is not your current password.".into(),
                ..Flash::default()
            },
            None,
        ),
        PasswordRefusal::New => (
            StatusCode::BAD_REQUEST,
            Flash {
                new_error: "New password: choose one of at least 10 characters.".into(),
                ..Flash::default()
            },
            None,
        ),
        PasswordRefusal::Other(error @ ApiError::TooManyAttempts(seconds)) => (
            status_of(&error),
            Flash {
                current_error: format!(
                    "Current password: too many failed attempts; wait {seconds} seconds and try again."
                ),
                ..Flash::default()
            },
            Some(error),
        ),
        PasswordRefusal::Other(other) => return Err(other.into()),
    };
    let mut response = page(&state, &auth, status, None, flash).await?;
    if let Some(error) = retry {
        error.add_retry_after(&mut response);
    }
    Ok(response)
}

pub async fn end_other_sessions(
    State(state): State<AppState>,
    origin: Origin,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    let ended = people::end_other_sessions(&state, &auth, &origin).await?;
    Ok(see_other(&format!(
        "/account?done=others&ended={ended}#done"
    )))
}

pub async fn create_token(
    State(state): State<AppState>,
    origin: Origin,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, fields } = form?;
    let name = fields.get("name").unwrap_or("");
    let days_text = fields.get("days").unwrap_or("");
    let days = days_text
        .parse::<u64>()
        .ok()
        .filter(|d| (1..=TOKEN_DAYS_MAX).contains(d));
    let problem = if name.is_empty() || name.chars().count() > 100 {
        Some("Token name: give a name of 1 to 100 characters.".to_string())
    } else if days.is_none() {
        Some(format!(
            "Expires after: choose a number of days from 1 to {TOKEN_DAYS_MAX}."
        ))
    } else {
        None
    };
    let flash = match problem {
        Some(problem) => Flash {
            token_error: problem,
            token_name: name.to_string(),
            days: days_text.to_string(),
            ..Flash::default()
        },
        None => {
            let (token, secret) = people::create_token(&state, &auth, name, days, &origin).await?;
            let flash = Flash {
                created: Some(Created {
                    name: token.name,
                    secret,
                    expires: token.expires_at.as_deref().map_or_else(String::new, when),
                }),
                ..Flash::default()
            };
            return page(&state, &auth, StatusCode::CREATED, None, flash).await;
        }
    };
    page(&state, &auth, StatusCode::BAD_REQUEST, None, flash).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Path(token): Path<String>,
    origin: Origin,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    people::revoke_token(&state, &auth, &token, &origin).await?;
    Ok(see_other("/account?done=revoked#done"))
}
