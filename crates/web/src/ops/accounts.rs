//! Accounts, sign-in and invitations.

use crate::AppState;
use crate::audit::{Event, Origin};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::ops::audit;
use crate::passwords::{DUMMY_HASH, hash_password, verify_password};
use crate::throttle::{address_key, client_address};
use crate::{Access, policy};
use aimsgap_store::{Role, StoreError, new_token};
use axum::http::{Extensions, HeaderMap};

/// Checks a text field's length once trimmed; errors name the field.
pub(crate) fn text<'a>(name: &str, value: &'a str, max: usize) -> ApiResult<&'a str> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(ApiError::BadRequest(format!(
            "field `{name}` must have 1 to {max} characters"
        )));
    }
    Ok(value)
}

/// A rule that a field of a request breaks: the API's message, which names the field as the
/// API spells it and stays as it is for clients, and the sentence a page shows, which names
/// the form's field as its label does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Broken {
    /// The field's name in the API and in the form.
    pub field: &'static str,
    pub message: String,
    pub sentence: String,
}

fn broken(field: &'static str, message: &str, sentence: &str) -> Broken {
    Broken {
        field,
        message: message.to_string(),
        sentence: sentence.to_string(),
    }
}

/// Checks the fields that create an account: the name, the e-mail address (trimmed and
/// lower-cased by the caller) and the password's length.
pub(crate) fn check_new_account(email: &str, name: &str, password: &str) -> Result<(), Broken> {
    let name = name.trim();
    if email.is_empty() || email.chars().count() > 254 {
        return Err(broken(
            "email",
            "`email` must have 1 to 254 characters",
            "E-mail address: give an address of 1 to 254 characters.",
        ));
    }
    if name.is_empty() || name.chars().count() > 200 {
        return Err(broken(
            "name",
            "`name` must have 1 to 200 characters",
            "Your name: give a name of 1 to 200 characters.",
        ));
    }
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return Err(broken(
            "email",
            "`email` must be an e-mail address",
            "E-mail address: give an e-mail address, such as name@example.org.",
        ));
    }
    if password.chars().count() < 10 || password.len() > 1024 {
        return Err(broken(
            "password",
            "`password` must have at least 10 characters",
            "Password: choose one of at least 10 characters.",
        ));
    }
    Ok(())
}

/// The throttle key of the caller's address, when it is known.
fn caller_key(state: &AppState, headers: &HeaderMap, extensions: &Extensions) -> Option<String> {
    client_address(headers, extensions, &state.config.trusted_proxies).map(address_key)
}

/// Creates an account after checking the address and the password's length; throttled per
/// address (see [`crate::throttle`]), and hashed on the bounded hashing pool.
pub(crate) async fn create_account(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &Extensions,
    email: &str,
    name: &str,
    password: &str,
) -> ApiResult<aimsgap_store::User> {
    crate::oidc::password_allowed(state)?;
    let email = email.trim().to_lowercase();
    check_new_account(&email, name, password)
        .map_err(|broken| ApiError::BadRequest(broken.message))?;
    let address = caller_key(state, headers, extensions);
    state
        .throttle
        .begin_signup(address.as_deref())
        .map_err(ApiError::TooManyAttempts)?;
    let hash = hash_password(&state.hashing, password.to_string()).await?;
    let user = state.store.create_user(&email, name, &hash).await?;
    let origin = crate::ops::audit::origin_of(state, headers, extensions);
    Event::AccountCreated
        .by(&user)
        .record(state, &origin)
        .await?;
    Ok(user)
}

/// Checks an e-mail and password, throttled per account and per address (the rules are in
/// [`crate::throttle`]); the attempt is counted before the password is checked, so parallel
/// guesses cannot overtake the limit. An unknown account costs the same time as a wrong
/// password.
pub(crate) async fn check_login(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &Extensions,
    email: &str,
    password: &str,
) -> ApiResult<aimsgap_store::User> {
    let email = email.trim().to_lowercase();
    let password = password.to_string();
    let address = caller_key(state, headers, extensions);
    let attempt = state
        .throttle
        .begin_login(&email, address.as_deref())
        .map_err(ApiError::TooManyAttempts)?;
    let found = state.store.user_by_email(&email).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, DUMMY_HASH.to_string()),
    };
    // Busy or failed: the attempt is released uncounted when dropped.
    let ok = verify_password(&state.hashing, password, hash).await?;
    match (user, ok) {
        (Some(user), true) => {
            attempt.succeeded();
            Ok(user)
        }
        (account, _) => {
            attempt.failed();
            let why = "wrong e-mail address or password";
            audit::sign_in_refused(state, headers, extensions, &email, account.as_ref(), why)
                .await?;
            Err(ApiError::Unauthenticated)
        }
    }
}

/// Creates a one-time invitation valid for `days` (1 to 30) and returns its id and secret.
pub(crate) async fn invite(
    state: &AppState,
    auth: &Auth,
    org: &str,
    role: Role,
    days: u64,
    origin: &Origin,
) -> ApiResult<(String, String)> {
    policy::org_access(state, auth, org, Access::OrgOwner).await?;
    let days = days.clamp(1, 30);
    let secret = new_token()?;
    let id = state
        .store
        .create_invitation(
            org,
            role,
            &secret,
            &auth.user.id,
            &super::in_seconds(days * 86_400),
        )
        .await?;
    let detail = format!("as {}, for {days} days", role.as_str());
    let record = Event::InvitationCreated
        .by(&auth.user)
        .org(org)
        .subject(&id);
    record.detail(detail).record(state, origin).await?;
    Ok((id, secret))
}

/// An organisation's pending invitations, for its owners.
pub(crate) async fn pending_invitations(
    state: &AppState,
    auth: &Auth,
    org: &str,
) -> ApiResult<Vec<aimsgap_store::PendingInvitation>> {
    policy::org_access(state, auth, org, Access::OrgOwner).await?;
    Ok(state.store.pending_invitations(org).await?)
}

/// Revokes one of an organisation's pending invitations, for its owners.
pub(crate) async fn revoke_invitation(
    state: &AppState,
    auth: &Auth,
    org: &str,
    invitation: &str,
    origin: &Origin,
) -> ApiResult<()> {
    policy::org_access(state, auth, org, Access::OrgOwner).await?;
    state.store.revoke_invitation(org, invitation).await?;
    let record = Event::InvitationRevoked.by(&auth.user).org(org);
    record.subject(invitation).record(state, origin).await
}

/// Changes a member's role; an organisation keeps at least one owner.
pub(crate) async fn set_role(
    state: &AppState,
    auth: &Auth,
    org: &str,
    user: &str,
    role: Role,
    origin: &Origin,
) -> ApiResult<()> {
    policy::org_access(state, auth, org, Access::OrgOwner).await?;
    state
        .store
        .set_role(org, user, role)
        .await
        .map_err(owner_rule)?;
    let record = Event::RoleChanged.by(&auth.user).org(org).subject(user);
    record
        .detail(format!("to {}", role.as_str()))
        .record(state, origin)
        .await
}

/// The store checks the last-owner rule inside the write that would break it, so that two
/// owners removing or demoting each other at once cannot both succeed.
fn owner_rule(error: StoreError) -> ApiError {
    match error {
        StoreError::LastOwner => {
            ApiError::BadRequest("an organisation keeps at least one owner".into())
        }
        other => other.into(),
    }
}

/// Removes a member; an organisation keeps at least one owner.
pub(crate) async fn remove_member(
    state: &AppState,
    auth: &Auth,
    org: &str,
    user: &str,
    origin: &Origin,
) -> ApiResult<()> {
    policy::org_access(state, auth, org, Access::OrgOwner).await?;
    state
        .store
        .remove_member(org, user)
        .await
        .map_err(owner_rule)?;
    let record = Event::MemberRemoved.by(&auth.user).org(org).subject(user);
    record.record(state, origin).await
}

/// Accepts an invitation for the caller: they join its organisation in its role.
pub(crate) async fn accept_invitation(
    state: &AppState,
    auth: &Auth,
    token: &str,
    origin: &Origin,
) -> ApiResult<(String, Role)> {
    let (org, role) = state.store.accept_invitation(token, &auth.user.id).await?;
    let record = Event::InvitationAccepted.by(&auth.user).org(&org);
    let record = record
        .subject(&auth.user.id)
        .detail(format!("as {}", role.as_str()));
    record.record(state, origin).await?;
    Ok((org, role))
}
