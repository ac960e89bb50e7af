//! The caller's own account: changing the password (the other sessions end), ending the other
//! sessions, and creating API tokens; shared by the account page and the API.

use crate::AppState;
use crate::audit::{Event, Origin};
use crate::auth::{Auth, Via};
use crate::error::{ApiError, ApiResult};
use crate::ops::accounts::check_login;
use crate::passwords::hash_password;
use aimsgap_store::{ApiToken, TOKEN_DAYS_DEFAULT, TOKEN_DAYS_MAX, new_token};
use axum::http::{Extensions, HeaderMap};

/// Why a password change was refused, with the form field it is about.
#[derive(Debug)]
pub(crate) enum PasswordRefusal {
    /// The current password is wrong.
    Current,
    /// The new one breaks the length rule.
    New,
    /// Something else (throttled, busy, the store): the error as it is.
    Other(ApiError),
}

impl PasswordRefusal {
    /// The API's error: a bad request naming the field, or the error as it is.
    pub(crate) fn into_api(self) -> ApiError {
        match self {
            PasswordRefusal::Current => {
                ApiError::BadRequest("field `current_password` is not your current password".into())
            }
            PasswordRefusal::New => {
                ApiError::BadRequest("field `new_password` must have at least 10 characters".into())
            }
            PasswordRefusal::Other(error) => error,
        }
    }
}

/// The session a request came with, which a change of password or "sign out everywhere else"
/// keeps (none for an API token: then every session ends).
fn this_session(auth: &Auth) -> Option<&str> {
    match &auth.via {
        Via::Session { secret, .. } => Some(secret),
        Via::Token => None,
    }
}

/// Changes the caller's password after checking the current one, which is throttled as a
/// sign-in to the same account is (a wrong current password counts as a failed sign-in, so
/// this form cannot be used to guess it faster). The new one is hashed on the hashing pool;
/// the caller's other sessions end in the same write. Returns how many sessions ended.
pub(crate) async fn change_password(
    state: &AppState,
    auth: &Auth,
    headers: &HeaderMap,
    extensions: &Extensions,
    current: &str,
    new: &str,
) -> Result<u64, PasswordRefusal> {
    if new.chars().count() < 10 || new.len() > 1024 {
        return Err(PasswordRefusal::New);
    }
    match check_login(state, headers, extensions, &auth.user.email, current).await {
        Ok(user) if user.id == auth.user.id => {}
        Ok(_) | Err(ApiError::Unauthenticated) => return Err(PasswordRefusal::Current),
        Err(other) => return Err(PasswordRefusal::Other(other)),
    }
    let hash = hash_password(&state.hashing, new.to_string())
        .await
        .map_err(PasswordRefusal::Other)?;
    let ended = state
        .store
        .set_password(&auth.user.id, &hash, this_session(auth))
        .await
        .map_err(|e| PasswordRefusal::Other(e.into()))?;
    let origin = crate::ops::audit::origin_of(state, headers, extensions);
    let record = Event::PasswordChanged
        .by(&auth.user)
        .detail(sessions_ended(ended));
    record
        .record(state, &origin)
        .await
        .map_err(PasswordRefusal::Other)?;
    Ok(ended)
}

/// How many other sessions a change ended, in words for the audit log.
fn sessions_ended(ended: u64) -> String {
    match ended {
        1 => "1 other session ended".to_string(),
        n => format!("{n} other sessions ended"),
    }
}

/// Ends the caller's sessions but the one the request came with; returns how many ended.
pub(crate) async fn end_other_sessions(
    state: &AppState,
    auth: &Auth,
    origin: &Origin,
) -> ApiResult<u64> {
    let ended = match this_session(auth) {
        Some(keep) => {
            state
                .store
                .delete_other_sessions(&auth.user.id, keep)
                .await?
        }
        None => state.store.delete_sessions_of(&auth.user.id).await?,
    };
    let record = Event::SessionsEnded
        .by(&auth.user)
        .detail(sessions_ended(ended));
    record.record(state, origin).await?;
    Ok(ended)
}

/// Creates an API token named `name` (1 to 100 characters once trimmed) that expires after
/// `days` (1 to [`TOKEN_DAYS_MAX`], [`TOKEN_DAYS_DEFAULT`] when not given); returns it with
/// its secret, which only this answer ever shows.
pub(crate) async fn create_token(
    state: &AppState,
    auth: &Auth,
    name: &str,
    days: Option<u64>,
    origin: &Origin,
) -> ApiResult<(ApiToken, String)> {
    let name = crate::ops::accounts::text("name", name, 100)?;
    let days = days.unwrap_or(TOKEN_DAYS_DEFAULT);
    if !(1..=TOKEN_DAYS_MAX).contains(&days) {
        return Err(ApiError::BadRequest(format!(
            "field `expires_in_days` must be 1 to {TOKEN_DAYS_MAX}"
        )));
    }
    let secret = new_token()?;
    let token = state
        .store
        .create_api_token_until(
            &auth.user.id,
            name,
            &secret,
            &aimsgap_store::in_seconds(days * 86_400),
        )
        .await?;
    let record = Event::TokenCreated.by(&auth.user).subject(&token.id);
    let detail = format!("{}, for {days} days", token.name);
    record.detail(detail).record(state, origin).await?;
    Ok((token, secret))
}

/// Revokes one of the caller's API tokens (another's does not exist for them).
pub(crate) async fn revoke_token(
    state: &AppState,
    auth: &Auth,
    token: &str,
    origin: &Origin,
) -> ApiResult<()> {
    state.store.delete_api_token(&auth.user.id, token).await?;
    let record = Event::TokenRevoked.by(&auth.user).subject(token);
    record.record(state, origin).await
}
