//! The audit log: security-relevant events, appended and never changed (migration 0006).
//!
//! The store offers no way to change or delete an event: [`Store::record_audit`] appends, the
//! readers read. Events are ordered by their id (a UUIDv7, time-ordered).

use crate::ids::{new_id, now_rfc3339};
use crate::store::{Backend, Store, StoreError};

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

/// Which events of an organisation to read: those that belong to it (`org_id`) and the account
/// events (no organisation: sign-ins, passwords, tokens, two-factor) of its current members.
/// Every other field narrows the selection; `before` is the cursor of the previous page (the
/// last id it held), since pages go newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub org_id: String,
    /// A stable event name (`sign_in.failed`).
    pub event: Option<String>,
    /// A user's id: the events they did.
    pub actor: Option<String>,
    /// The first day (YYYY-MM-DD, UTC) to include.
    pub from: Option<String>,
    /// The last day (YYYY-MM-DD, UTC) to include.
    pub to: Option<String>,
    /// Only events older than this id.
    pub before: Option<String>,
}

const COLUMNS: &str = "id, at, event, actor, actor_email, org_id, subject, detail, address";

fn event_from(row: &sqlx::any::AnyRow) -> Result<AuditEvent> {
    use sqlx::Row;
    Ok(AuditEvent {
        id: row.try_get("id")?,
        at: row.try_get("at")?,
        event: row.try_get("event")?,
        actor: row.try_get("actor")?,
        actor_email: row.try_get("actor_email")?,
        org_id: row.try_get("org_id")?,
        subject: row.try_get("subject")?,
        detail: row.try_get("detail")?,
        address: row.try_get("address")?,
    })
}

impl Store {
    /// One page of an organisation's events, newest first: at most `limit` (1 to 1,000).
    pub async fn audit_events(&self, filter: &AuditFilter, limit: i64) -> Result<Vec<AuditEvent>> {
        // The conditions a filter sets, each with its own numbered parameter; the SQL is
        // built from fixed pieces only, and every value is bound.
        let mut sql = format!(
            "SELECT {COLUMNS} FROM audit_events WHERE (org_id = $1 OR (org_id IS NULL AND actor IN \
             (SELECT user_id FROM memberships WHERE org_id = $1)))"
        );
        let mut values: Vec<&str> = vec![&filter.org_id];
        let conditions = [
            ("event = ", filter.event.as_deref()),
            ("actor = ", filter.actor.as_deref()),
            ("substr(at, 1, 10) >= ", filter.from.as_deref()),
            ("substr(at, 1, 10) <= ", filter.to.as_deref()),
            ("id < ", filter.before.as_deref()),
        ];
        for (condition, value) in conditions {
            if let Some(value) = value {
                values.push(value);
                sql.push_str(&format!(" AND {condition}${}", values.len()));
            }
        }
        sql.push_str(&format!(
            " ORDER BY id DESC LIMIT {}",
            limit.clamp(1, 1_000)
        ));
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for value in values {
            query = query.bind(value);
        }
        let rows = query.fetch_all(self.pool()).await?;
        rows.iter().map(event_from).collect()
    }

    /// Every event after the id `after` (all from the first with `None`), oldest first, at
    /// most `limit` (1 to 1,000): the whole log, page by page.
    pub async fn audit_log(&self, after: Option<&str>, limit: i64) -> Result<Vec<AuditEvent>> {
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_events WHERE id > $1 ORDER BY id LIMIT {}",
            limit.clamp(1, 1_000)
        );
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(after.unwrap_or(""))
            .fetch_all(self.pool())
            .await?;
        rows.iter().map(event_from).collect()
    }

    /// Makes the database itself refuse to change or delete an event, whatever the SQL: a
    /// trigger per backend, created at connect if missing. On PostgreSQL the function and its
    /// triggers are made under a transaction-scoped advisory lock, so that instances starting
    /// together do not trip over each other's `CREATE`.
    pub(crate) async fn protect_audit_log(&self) -> Result<()> {
        let statements: &[&'static str] = match self.backend() {
            Backend::Sqlite => &[
                "CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events \
                 BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an event cannot be changed'); END",
                "CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events \
                 BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: an event cannot be deleted'); END",
            ],
            Backend::Postgres => &[r#"DO $audit$
BEGIN
    PERFORM pg_advisory_xact_lock(4200106);
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only: % of an event refused', TG_OP;
    END
    $fn$;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_events_append_only'
                   AND tgrelid = 'audit_events'::regclass) THEN
        CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
            FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'audit_events_no_truncate'
                   AND tgrelid = 'audit_events'::regclass) THEN
        CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
            FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
    END IF;
END
$audit$"#],
        };
        for statement in statements {
            sqlx::query(*statement).execute(self.pool()).await?;
        }
        Ok(())
    }
}
