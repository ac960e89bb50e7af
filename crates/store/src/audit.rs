//! The audit log: security-relevant events, appended and never changed (migration 0006).
//!
//! The store offers no way to change or delete an event: [`Store::record_audit`] appends, the
//! readers read. Events are ordered by their id (a UUIDv7, time-ordered).

use crate::ids::{new_id, now_rfc3339};
use crate::store::{Store, StoreError};

type Result<T> = std::result::Result<T, StoreError>;

/// An event to append. `event` is a stable dotted name (`sign_in.failed`, `token.created`);
/// the web crate's `audit::Event` lists them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewAuditEvent {
    pub event: String,
    /// The user who acted; `None` when nobody was signed in.
    pub actor: Option<String>,
    /// The actor's address then, or the address given (a failed sign-in).
    pub actor_email: Option<String>,
    /// The organisation the event belongs to, if any.
    pub org_id: Option<String>,
    /// What the event touched: a token id, a member's id, an evidence id, a report format.
    pub subject: Option<String>,
    /// A few words.
    pub detail: Option<String>,
    /// The client's address as the server saw it.
    pub address: Option<String>,
}

/// A recorded event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: String,
    /// RFC 3339 UTC.
    pub at: String,
    pub event: String,
    pub actor: Option<String>,
    pub actor_email: Option<String>,
    pub org_id: Option<String>,
    pub subject: Option<String>,
    pub detail: Option<String>,
    pub address: Option<String>,
}

impl Store {
    /// Appends an event to the audit log and returns its id.
    pub async fn record_audit(&self, event: &NewAuditEvent) -> Result<String> {
        let id = new_id()?;
        sqlx::query(
            "INSERT INTO audit_events (id, at, event, actor, actor_email, org_id, subject, detail, address) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&id)
        .bind(now_rfc3339())
        .bind(&event.event)
        .bind(event.actor.as_deref())
        .bind(event.actor_email.as_deref())
        .bind(event.org_id.as_deref())
        .bind(event.subject.as_deref())
        .bind(event.detail.as_deref())
        .bind(event.address.as_deref())
        .execute(self.pool())
        .await?;
        Ok(id)
    }
}
