//! aimsgap's storage: accounts, sessions, API tokens, organisations and roles, invitations,
//! stored assessments with an append-only history, and saved runs.
//!
//! One [`Store`] serves SQLite (the default, one file, no set-up) and PostgreSQL (several
//! server instances sharing one database) through sqlx's `Any` driver, with one set of embedded
//! migrations and the same SQL for both. The contract test suite runs on both. Every query is
//! a static string with bound parameters; no SQL is built from user input.
//!
//! Design decisions: ids are UUIDv7 text made here, times RFC 3339 text, JSON bodies text
//! (the `Any` driver decodes neither UUID nor TIMESTAMPTZ nor JSONB portably). Concurrency is
//! optimistic: every answer, AI system and profile carries a version, and a write names the
//! version it read; a stale write changes nothing and returns the current value.

mod audit;
pub mod backup;
mod batch;
mod digest;
mod documents;
mod evidence;
mod ids;
mod oidc;
mod resets;
mod store;
mod two_factor;
mod work;

pub use audit::{AuditEvent, AuditFilter, NewAuditEvent};
pub use backup::{BACKUP_FORMAT, Backup};
pub use batch::AnswerWrite;
pub use digest::{DIGEST_ATTEMPTS, DigestOutcome, DigestSend, ReminderKind, Reminders};
pub use evidence::*;
pub use ids::random_bytes;
pub use ids::{hash_token, in_seconds, new_id, new_token, now_rfc3339, rfc3339, today};
pub use oidc::OidcIdentity;
pub use resets::RESET_SECONDS;
pub use store::*;
pub use two_factor::*;
pub use work::*;
