//! The daily digest's bookkeeping: each member's reminder preferences, and the claims that
//! make each member's digest for a day go out once however many server instances share the
//! database.
//!
//! A claim is a row keyed by (member, day): inserting it is the lease, so of several instances
//! that try at once exactly one proceeds ([`Store::claim_digest`]). What became of the send is
//! recorded on the same row ([`Store::finish_digest`]); a send the SMTP server refused is
//! claimed again by a later pass, a bounded number of times.

use crate::ids::now_rfc3339;
use crate::store::{Store, StoreError, User};
use sqlx::Row;

type Result<T> = std::result::Result<T, StoreError>;

/// A kind of reminder the digest carries, which a member may switch off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ReminderKind {
    /// Work the member owns that is due within 7 days or overdue.
    Work,
    /// Evidence whose review date comes within 30 days or has passed.
    Evidence,
    /// Law obligations that come into force for an AI system within 30 days.
    Obligations,
}

impl ReminderKind {
    pub const ALL: [ReminderKind; 3] = [
        ReminderKind::Work,
        ReminderKind::Evidence,
        ReminderKind::Obligations,
    ];

    /// The stable name stored and sent over the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::Work => "work",
            ReminderKind::Evidence => "evidence",
            ReminderKind::Obligations => "obligations",
        }
    }

    pub fn parse(text: &str) -> Option<ReminderKind> {
        ReminderKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Which kinds of reminder a member hears of. Every kind is on until switched off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reminders {
    pub work: bool,
    pub evidence: bool,
    pub obligations: bool,
}

impl Default for Reminders {
    fn default() -> Reminders {
        Reminders {
            work: true,
            evidence: true,
            obligations: true,
        }
    }
}

impl Reminders {
    pub fn enabled(&self, kind: ReminderKind) -> bool {
        match kind {
            ReminderKind::Work => self.work,
            ReminderKind::Evidence => self.evidence,
            ReminderKind::Obligations => self.obligations,
        }
    }

    fn set(&mut self, kind: ReminderKind, on: bool) {
        match kind {
            ReminderKind::Work => self.work = on,
            ReminderKind::Evidence => self.evidence = on,
            ReminderKind::Obligations => self.obligations = on,
        }
    }

    /// Whether the member hears of nothing at all.
    pub fn all_off(&self) -> bool {
        ReminderKind::ALL
            .into_iter()
            .all(|kind| !self.enabled(kind))
    }
}

/// What became of a claimed digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DigestOutcome {
    /// Sent, with this many lines.
    Sent { items: i64 },
    /// Nothing to tell the member: no mail.
    Empty,
    /// The SMTP server refused it or could not be reached; a later pass tries again.
    Failed { error: String },
}

/// A member's digest for a day, as recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DigestSend {
    pub user_id: String,
    /// YYYY-MM-DD.
    pub day: String,
    /// `claimed`, `sent`, `empty` or `failed`.
    pub state: String,
    /// How many times an instance claimed it.
    pub attempts: i64,
    /// The lines of the message sent.
    pub items: i64,
    pub claimed_at: String,
    pub sent_at: Option<String>,
    pub error: Option<String>,
}

/// How many times a digest whose send failed is claimed, the first time included.
pub const DIGEST_ATTEMPTS: i64 = 5;

impl Store {
    /// A member's reminder preferences (every kind on until switched off).
    pub async fn reminders(&self, user_id: &str) -> Result<Reminders> {
        let rows =
            sqlx::query("SELECT kind, enabled FROM notification_preferences WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(self.pool())
                .await?;
        let mut reminders = Reminders::default();
        for row in &rows {
            let kind: String = row.try_get("kind")?;
            let enabled: i64 = row.try_get("enabled")?;
            // A kind this build does not know is ignored, so that an older server reads a
            // newer one's rows.
            if let Some(kind) = ReminderKind::parse(&kind) {
                reminders.set(kind, enabled != 0);
            }
        }
        Ok(reminders)
    }

    /// Records a member's choice for every kind of reminder, in one write.
    pub async fn set_reminders(&self, user_id: &str, reminders: &Reminders) -> Result<()> {
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        for kind in ReminderKind::ALL {
            sqlx::query("INSERT INTO notification_preferences (user_id, kind, enabled, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, kind) DO UPDATE SET enabled = excluded.enabled, updated_at = excluded.updated_at")
                .bind(user_id)
                .bind(kind.as_str())
                .bind(i64::from(reminders.enabled(kind)))
                .bind(&now)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A page of every account, by id, after an id (keyset paging, so a pass over all of them
    /// stays bounded per page).
    pub async fn users_after(&self, after: Option<&str>, limit: i64) -> Result<Vec<User>> {
        let rows =
            sqlx::query("SELECT id, email, name FROM users WHERE id > $1 ORDER BY id LIMIT $2")
                .bind(after.unwrap_or(""))
                .bind(limit)
                .fetch_all(self.pool())
                .await?;
        rows.iter()
            .map(|row| {
                Ok(User {
                    id: row.try_get("id")?,
                    email: row.try_get("email")?,
                    name: row.try_get("name")?,
                })
            })
            .collect()
    }

    /// Claims a member's digest for `day` (YYYY-MM-DD) for this caller. True when the caller
    /// now holds it and should send: it inserted the claim, or took over one whose send
    /// failed and has attempts left. False when another caller holds it, or it was sent, or
    /// found empty, or its send was interrupted (it is then never sent again: a digest goes
    /// out at most once).
    pub async fn claim_digest(&self, user_id: &str, day: &str) -> Result<bool> {
        let now = now_rfc3339();
        let inserted = sqlx::query("INSERT INTO digest_sends (user_id, day, state, attempts, items, claimed_at) VALUES ($1, $2, 'claimed', 1, 0, $3) ON CONFLICT (user_id, day) DO NOTHING")
            .bind(user_id)
            .bind(day)
            .bind(&now)
            .execute(self.pool())
            .await?;
        if inserted.rows_affected() == 1 {
            return Ok(true);
        }
        // A failed send: whoever changes its state first holds it.
        let retaken = sqlx::query("UPDATE digest_sends SET state = 'claimed', attempts = attempts + 1, claimed_at = $3, error = NULL WHERE user_id = $1 AND day = $2 AND state = 'failed' AND attempts < $4")
            .bind(user_id)
            .bind(day)
            .bind(&now)
            .bind(DIGEST_ATTEMPTS)
            .execute(self.pool())
            .await?;
        Ok(retaken.rows_affected() == 1)
    }

    /// Records what became of a digest this caller claimed.
    pub async fn finish_digest(
        &self,
        user_id: &str,
        day: &str,
        outcome: &DigestOutcome,
    ) -> Result<()> {
        let (state, items, sent_at, error) = match outcome {
            DigestOutcome::Sent { items } => ("sent", *items, Some(now_rfc3339()), None),
            DigestOutcome::Empty => ("empty", 0, None, None),
            DigestOutcome::Failed { error } => ("failed", 0, None, Some(error.clone())),
        };
        sqlx::query("UPDATE digest_sends SET state = $3, items = $4, sent_at = $5, error = $6 WHERE user_id = $1 AND day = $2 AND state = 'claimed'")
            .bind(user_id)
            .bind(day)
            .bind(state)
            .bind(items)
            .bind(sent_at)
            .bind(error)
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// A member's digest for a day, as recorded (`None`: not claimed yet).
    pub async fn digest_send(&self, user_id: &str, day: &str) -> Result<Option<DigestSend>> {
        let row = sqlx::query("SELECT user_id, day, state, attempts, items, claimed_at, sent_at, error FROM digest_sends WHERE user_id = $1 AND day = $2")
            .bind(user_id)
            .bind(day)
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| {
            Ok(DigestSend {
                user_id: row.try_get("user_id")?,
                day: row.try_get("day")?,
                state: row.try_get("state")?,
                attempts: row.try_get("attempts")?,
                items: row.try_get("items")?,
                claimed_at: row.try_get("claimed_at")?,
                sent_at: row.try_get("sent_at")?,
                error: row.try_get("error")?,
            })
        })
        .transpose()
    }
}
