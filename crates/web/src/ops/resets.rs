//! Password reset by a single-use link that expires in an hour, shared by the pages and the
//! API.
//!
//! Asking for a link never tells whether an account has the address: the answer is the same
//! words and status, and the work before it is the same shape (the throttle, one look-up, a
//! secret made, the request recorded in the audit log); the link is stored and mailed by a
//! background task, so the answer never waits for the mail server. Links are throttled per
//! address given and per client, so nobody can fill an inbox with them.

use crate::AppState;
use crate::audit::{Event, Origin};
use crate::error::{ApiError, ApiResult};
use crate::mail::{Mail, Mailer};
use crate::passwords::hash_password;
use crate::throttle::address_key;
use aimsgap_store::{RESET_SECONDS, User, in_seconds, new_token};
use askama::Template;
use std::sync::Arc;

/// The answer to every reset request that was taken, whatever the address.
pub(crate) const FORGOT_ANSWER: &str = "If an account has this address, a link to choose a new password is on its way to it. The link works once, within an hour.";

/// The mailer and the server's public address, when both are set: links in mail need both.
pub(crate) fn mail_links(state: &AppState) -> Option<(Arc<Mailer>, String)> {
    let mailer = state.mailer.clone()?;
    let base = state.config.public_url.as_ref()?;
    let mut base = base.as_str().to_string();
    if !base.ends_with('/') {
        base.push('/');
    }
    Some((mailer, base))
}

/// Checks an e-mail address given in a form or a request, lower-cased.
pub(crate) fn email_field(email: &str) -> ApiResult<String> {
    let email = email.trim().to_lowercase();
    if email.is_empty()
        || email.chars().count() > 254
        || !email.contains('@')
        || email.contains(char::is_whitespace)
    {
        return Err(ApiError::BadRequest(
            "field `email` must be an e-mail address".into(),
        ));
    }
    Ok(email)
}

#[derive(Template)]
#[template(path = "mail/reset.txt")]
struct ResetText<'a> {
    name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/reset.html")]
struct ResetHtml<'a> {
    name: &'a str,
    link: &'a str,
}

/// The reset message to `user` with `link`.
fn reset_mail(user: &User, link: &str) -> Result<Mail, askama::Error> {
    let name = user.name.as_str();
    Ok(Mail {
        to: user.email.clone(),
        to_name: Some(user.name.clone()),
        subject: "Choose a new aimsgap password".into(),
        text: ResetText { name, link }.render()?,
        html: Some(ResetHtml { name, link }.render()?),
    })
}

/// Takes a request for a reset link to `email`. Without mail set up: [`ApiError::MailNotSetUp`]
/// (for any address). Over the throttle: [`ApiError::TooManyAttempts`] (for any address).
/// Otherwise `Ok` for any address; an account's link is stored and mailed in the background.
pub(crate) async fn request_reset(state: &AppState, origin: &Origin, email: &str) -> ApiResult<()> {
    let Some((mailer, base)) = mail_links(state) else {
        return Err(ApiError::MailNotSetUp);
    };
    let email = email_field(email)?;
    let client = origin.0.map(address_key);
    state
        .throttle
        .begin_reset(&email, client.as_deref())
        .map_err(ApiError::TooManyAttempts)?;
    let found = state
        .store
        .user_by_email(&email)
        .await?
        .map(|(user, _)| user);
    let secret = new_token()?;
    Event::PasswordResetRequested
        .anonymous(Some(&email))
        .record(state, origin)
        .await?;
    let store = state.store.clone();
    tokio::spawn(async move {
        // Past the answer. Without an account the database still takes a write by the fresh
        // secret's hash and the mail server a NOOP, so that the server's load after the
        // answer is alike for any address (the next requests would otherwise be answered
        // faster after an unknown one: measured by the `password_reset` bench).
        let Some(user) = found else {
            if let Err(error) = store.password_reset_decoy(&secret).await {
                tracing::error!(%error, "a password reset request could not be written");
            }
            if let Err(error) = mailer.probe().await {
                tracing::warn!(%error, "the mail server could not be reached");
            }
            return;
        };
        let stored = store
            .create_password_reset(&user.id, &secret, &in_seconds(RESET_SECONDS))
            .await;
        if let Err(error) = stored {
            tracing::error!(%error, "a password reset link could not be stored");
            return;
        }
        let link = format!("{base}password/reset/{secret}");
        let sent = match reset_mail(&user, &link) {
            Ok(mail) => mailer.send(&mail).await.map_err(|e| e.to_string()),
            Err(error) => Err(error.to_string()),
        };
        if let Err(error) = sent {
            tracing::warn!(%error, "a password reset link could not be mailed");
        }
    });
    Ok(())
}

/// Whether a reset link can still be used (for the page that asks for the new password).
pub(crate) async fn link_works(state: &AppState, secret: &str) -> ApiResult<bool> {
    if secret.len() > 128 {
        return Ok(false);
    }
    Ok(state.store.password_reset_user(secret).await?.is_some())
}

/// Sets a new password through a reset link: once, within its hour. The password is hashed
/// on the hashing pool; every session of the account ends and its other links die. A used,
/// expired or unknown link is [`ApiError::NotFound`]. Returns how many sessions ended.
pub(crate) async fn reset_password(
    state: &AppState,
    origin: &Origin,
    secret: &str,
    password: &str,
) -> ApiResult<u64> {
    if password.chars().count() < 10 || password.len() > 1024 {
        return Err(ApiError::BadRequest(
            "field `password` must have at least 10 characters".into(),
        ));
    }
    // A dead link costs no hashing.
    if !link_works(state, secret).await? {
        return Err(ApiError::NotFound);
    }
    let hash = hash_password(&state.hashing, password.to_string()).await?;
    // The one UPDATE inside decides: of two racing uses, one succeeds.
    let (user, ended) = state.store.use_password_reset(secret, &hash).await?;
    Event::PasswordReset.by(&user).record(state, origin).await?;
    Ok(ended)
}
