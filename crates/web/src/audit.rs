//! Recording security-relevant events in the audit log (the store's `audit_events`).
//!
//! A handler takes an [`Origin`] (the client's address, as the throttle reads it: the socket's
//! peer, or behind a trusted proxy the client it names) and records an [`Event`]:
//!
//! ```ignore
//! Event::TokenCreated.by(&auth.user).subject(&token.id).record(&state, &origin).await?;
//! ```
//!
//! Recording is part of the action: if the event cannot be written the request fails, so
//! nothing security-relevant happens unrecorded. Nothing here changes or deletes an event.

use crate::AppState;
use crate::error::ApiResult;
use aimsgap_store::{NewAuditEvent, User};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::IpAddr;

/// Where a request came from (see [`crate::throttle::client_address`]); `None` when unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Origin(pub Option<IpAddr>);

impl FromRequestParts<AppState> for Origin {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Origin, Infallible> {
        Ok(Origin(crate::throttle::client_address(
            &parts.headers,
            &parts.extensions,
            &state.config.trusted_proxies,
        )))
    }
}

/// The kinds of event. The stable name ([`Event::as_str`]) is what is stored and exported;
/// [`Event::label`] is how the page says it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Event {
    AccountCreated,
    SignInSucceeded,
    SignInFailed,
    SignedOut,
    SessionsEnded,
    PasswordChanged,
    PasswordResetRequested,
    PasswordReset,
    TwoFactorEnabled,
    TwoFactorDisabled,
    TwoFactorFailed,
    RecoveryCodeUsed,
    RecoveryCodesRenewed,
    TwoFactorRequired,
    OidcLinked,
    TokenCreated,
    TokenRevoked,
    RoleChanged,
    MemberRemoved,
    InvitationCreated,
    InvitationSent,
    InvitationAccepted,
    InvitationRevoked,
    ReportExported,
    EvidenceDownloaded,
    AuditExported,
}

impl Event {
    pub const ALL: [Event; 26] = [
        Event::AccountCreated,
        Event::SignInSucceeded,
        Event::SignInFailed,
        Event::SignedOut,
        Event::SessionsEnded,
        Event::PasswordChanged,
        Event::PasswordResetRequested,
        Event::PasswordReset,
        Event::TwoFactorEnabled,
        Event::TwoFactorDisabled,
        Event::TwoFactorFailed,
        Event::RecoveryCodeUsed,
        Event::RecoveryCodesRenewed,
        Event::TwoFactorRequired,
        Event::OidcLinked,
        Event::TokenCreated,
        Event::TokenRevoked,
        Event::RoleChanged,
        Event::MemberRemoved,
        Event::InvitationCreated,
        Event::InvitationSent,
        Event::InvitationAccepted,
        Event::InvitationRevoked,
        Event::ReportExported,
        Event::EvidenceDownloaded,
        Event::AuditExported,
    ];

    /// The stored name: stable, never renamed.
    pub fn as_str(self) -> &'static str {
        match self {
            Event::AccountCreated => "account.created",
            Event::SignInSucceeded => "sign_in.succeeded",
            Event::SignInFailed => "sign_in.failed",
            Event::SignedOut => "sign_in.signed_out",
            Event::SessionsEnded => "sign_in.sessions_ended",
            Event::PasswordChanged => "password.changed",
            Event::PasswordResetRequested => "password.reset_requested",
            Event::PasswordReset => "password.reset",
            Event::TwoFactorEnabled => "two_factor.enabled",
            Event::TwoFactorDisabled => "two_factor.disabled",
            Event::TwoFactorFailed => "two_factor.failed",
            Event::RecoveryCodeUsed => "two_factor.recovery_code_used",
            Event::RecoveryCodesRenewed => "two_factor.recovery_codes_renewed",
            Event::TwoFactorRequired => "two_factor.requirement_changed",
            Event::OidcLinked => "account.oidc_linked",
            Event::TokenCreated => "token.created",
            Event::TokenRevoked => "token.revoked",
            Event::RoleChanged => "member.role_changed",
            Event::MemberRemoved => "member.removed",
            Event::InvitationCreated => "invitation.created",
            Event::InvitationSent => "invitation.sent",
            Event::InvitationAccepted => "invitation.accepted",
            Event::InvitationRevoked => "invitation.revoked",
            Event::ReportExported => "report.exported",
            Event::EvidenceDownloaded => "evidence.downloaded",
            Event::AuditExported => "audit.exported",
        }
    }

    pub fn parse(name: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == name)
    }

    /// How the audit page says it.
    pub fn label(self) -> &'static str {
        match self {
            Event::AccountCreated => "account created",
            Event::SignInSucceeded => "signed in",
            Event::SignInFailed => "sign-in failed",
            Event::SignedOut => "signed out",
            Event::SessionsEnded => "other sessions ended",
            Event::PasswordChanged => "password changed",
            Event::PasswordResetRequested => "password reset asked for",
            Event::PasswordReset => "password reset",
            Event::TwoFactorEnabled => "two-factor sign-in turned on",
            Event::TwoFactorDisabled => "two-factor sign-in turned off",
            Event::TwoFactorFailed => "two-factor code refused",
            Event::RecoveryCodeUsed => "recovery code used",
            Event::RecoveryCodesRenewed => "recovery codes renewed",
            Event::TwoFactorRequired => "two-factor requirement changed",
            Event::OidcLinked => "single sign-on linked",
            Event::TokenCreated => "API token created",
            Event::TokenRevoked => "API token revoked",
            Event::RoleChanged => "role changed",
            Event::MemberRemoved => "member removed",
            Event::InvitationCreated => "invitation created",
            Event::InvitationSent => "invitation mailed",
            Event::InvitationAccepted => "invitation accepted",
            Event::InvitationRevoked => "invitation revoked",
            Event::ReportExported => "report exported",
            Event::EvidenceDownloaded => "evidence downloaded",
            Event::AuditExported => "audit log exported",
        }
    }

    /// An event by `user`.
    pub fn by(self, user: &User) -> Record {
        Record(NewAuditEvent {
            event: self.as_str().to_string(),
            actor: Some(user.id.clone()),
            actor_email: Some(user.email.clone()),
            ..NewAuditEvent::default()
        })
    }

    /// An event with nobody signed in; `email` is the address given, if any.
    pub fn anonymous(self, email: Option<&str>) -> Record {
        Record(NewAuditEvent {
            event: self.as_str().to_string(),
            actor_email: email.map(str::to_string),
            ..NewAuditEvent::default()
        })
    }
}

/// An event being put together; [`Record::record`] appends it.
#[derive(Clone, Debug)]
#[must_use = "an event is only written by `record`"]
pub struct Record(pub NewAuditEvent);

impl Record {
    pub fn org(mut self, org: &str) -> Record {
        self.0.org_id = Some(org.to_string());
        self
    }

    pub fn subject(mut self, subject: &str) -> Record {
        self.0.subject = Some(subject.to_string());
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Record {
        self.0.detail = Some(detail.into());
        self
    }

    /// Appends the event, with the request's origin.
    pub async fn record(mut self, state: &AppState, origin: &Origin) -> ApiResult<()> {
        self.0.address = origin.0.map(|ip| ip.to_string());
        state.store.record_audit(&self.0).await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Event;

    #[test]
    fn event_names_are_unique_and_read_back() {
        let mut names: Vec<&str> = Event::ALL.iter().map(|e| e.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Event::ALL.len());
        for event in Event::ALL {
            assert_eq!(Event::parse(event.as_str()), Some(event));
        }
    }
}
