//! Invitations sent to the invitee by mail, shared by the organisation page and the API.
//!
//! The invitation is made first and stands whatever the mail does: when the mail server
//! refuses or cannot be reached, the inviter is told and can still pass the link on by hand.

use crate::audit::{Event, Origin};
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::ops::resets::{email_field, mail_links};
use crate::{Access, AppState, policy};
use aimsgap_store::{Role, in_seconds};
use askama::Template;

/// What became of the mail of an invitation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mailed {
    /// No address was named.
    NotAsked,
    /// An address was named, but this server sends no mail.
    NoMail(String),
    /// Mailed to this address.
    Sent(String),
    /// The mail server refused it or could not be reached.
    Failed(String),
}

impl Mailed {
    /// Why it was not mailed although an address was named (the API's `mail_problem`).
    pub(crate) fn problem(&self) -> Option<String> {
        match self {
            Mailed::NotAsked | Mailed::Sent(_) => None,
            Mailed::NoMail(_) => Some(
                "this server sends no mail: pass the invitation's link on by hand".into(),
            ),
            Mailed::Failed(_) => Some(
                "the mail server refused the message or could not be reached: pass the invitation's link on by hand".into(),
            ),
        }
    }
}

/// A new invitation: its id, its secret and what became of its mail.
#[derive(Debug)]
pub(crate) struct Invited {
    pub id: String,
    pub secret: String,
    pub mailed: Mailed,
}

#[derive(Template)]
#[template(path = "mail/invitation.txt")]
struct InvitationText<'a> {
    org: &'a str,
    inviter: &'a str,
    role: &'a str,
    expires: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/invitation.html")]
struct InvitationHtml<'a> {
    org: &'a str,
    inviter: &'a str,
    role: &'a str,
    expires: &'a str,
    link: &'a str,
}

/// Creates a one-time invitation valid for `days` (1 to 30) to `org` with `role`; when `email`
/// names an address (a blank one names none), it is kept with the invitation and, when this
/// server sends mail, the invitation is mailed to it (recorded as `invitation.sent`).
pub(crate) async fn invite_by_mail(
    state: &AppState,
    auth: &Auth,
    origin: &Origin,
    org: &str,
    role: Role,
    days: u64,
    email: Option<&str>,
) -> ApiResult<Invited> {
    policy::org_access(state, auth, org, Access::OrgOwner).await?;
    let email = match email.map(str::trim).filter(|e| !e.is_empty()) {
        Some(email) => Some(email_field(email)?),
        None => None,
    };
    let days = days.clamp(1, 30);
    let (id, secret) = crate::ops::accounts::invite(state, auth, org, role, days, origin).await?;
    let expires_at = in_seconds(days * 86_400);
    if let Some(email) = &email {
        state.store.set_invitation_email(org, &id, email).await?;
    }
    let mailed = match email {
        None => Mailed::NotAsked,
        Some(to) => match mail_links(state) {
            None => Mailed::NoMail(to),
            Some((mailer, base)) => {
                let organisation = state
                    .store
                    .organization(org)
                    .await?
                    .ok_or(ApiError::NotFound)?;
                let link = format!("{base}invitations/{secret}");
                let expires = expires_at.get(..10).unwrap_or(&expires_at);
                let render = || -> Result<(String, String), askama::Error> {
                    let text = InvitationText {
                        org: &organisation.name,
                        inviter: &auth.user.name,
                        role: role.as_str(),
                        expires,
                        link: &link,
                    }
                    .render()?;
                    let html = InvitationHtml {
                        org: &organisation.name,
                        inviter: &auth.user.name,
                        role: role.as_str(),
                        expires,
                        link: &link,
                    }
                    .render()?;
                    Ok((text, html))
                };
                let (text, html) = render().map_err(|e| ApiError::Internal(e.to_string()))?;
                let mail = crate::mail::Mail {
                    to: to.clone(),
                    to_name: None,
                    subject: format!(
                        "{} invites you to {} on aimsgap",
                        auth.user.name, organisation.name
                    ),
                    text,
                    html: Some(html),
                };
                match mailer.send(&mail).await {
                    Ok(()) => {
                        Event::InvitationSent
                            .by(&auth.user)
                            .org(org)
                            .subject(&id)
                            .detail(format!("mailed to {to} as {}", role.as_str()))
                            .record(state, origin)
                            .await?;
                        Mailed::Sent(to)
                    }
                    Err(error) => {
                        tracing::warn!(%error, "an invitation could not be mailed");
                        Mailed::Failed(to)
                    }
                }
            }
        },
    };
    Ok(Invited { id, secret, mailed })
}
