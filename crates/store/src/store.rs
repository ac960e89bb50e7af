//! The store: one type, two backends (SQLite, PostgreSQL), the same SQL.

use crate::ids::{hash_token, new_id, now_rfc3339, rfc3339, since_epoch};
use aimsgap_wire::assessment::{AiSystem, Answer, Document, Profile};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row};

/// Failures of the store. `Conflict` and `NotFound` are outcomes the caller handles; `Database`
/// is an operational failure whose text is logged, never shown to clients.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("already exists: {0}")]
    Exists(String),
    #[error("stale version: the current value is attached")]
    Conflict(Versioned),
    /// The change would leave an organisation without an owner; nothing was changed.
    #[error("an organisation keeps at least one owner")]
    LastOwner,
    #[error("invalid stored data: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The operating system's random source failed, so no id or secret could be made.
    #[error("the operating system's random source failed: {0}")]
    Random(String),
    /// A value the store refuses, with the field it came in (`owner_user`, `due`, `body`)
    /// and what was expected; nothing was changed.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// The actor may not make this change (another member's comment); nothing was changed.
    #[error("not allowed: {0}")]
    Forbidden(String),
    /// A file larger than the limit (in bytes) it was written with; nothing was stored.
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge { limit: u64 },
}

type Result<T> = std::result::Result<T, StoreError>;

/// Which database a store talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A role in an organisation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Reads and exports; cannot change anything (an external auditor).
    Auditor,
    Viewer,
    Editor,
    Owner,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Owner, Role::Editor, Role::Viewer, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Editor => "editor",
            Role::Viewer => "viewer",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// May change assessments (answers, AI systems, imports, runs).
    pub fn can_edit(self) -> bool {
        matches!(self, Role::Owner | Role::Editor)
    }

    /// May manage members, invitations and the organisation.
    pub fn can_manage(self) -> bool {
        self == Role::Owner
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub created_at: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub user: User,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub created_at: String,
    /// When the token stops working; `None` only for a token restored from a backup made
    /// before tokens expired, until the store next connects and gives it one.
    pub expires_at: Option<String>,
}

/// How long an API token lives when its creator names no other time.
pub const TOKEN_DAYS_DEFAULT: u64 = 90;
/// The longest life an API token may be given.
pub const TOKEN_DAYS_MAX: u64 = 366;
/// How long used and expired invitations are kept before housekeeping deletes them.
pub const INVITATION_GRACE_DAYS: u64 = 30;

/// A pending invitation as its organisation's owners see it: never its secret or the hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PendingInvitation {
    pub id: String,
    pub role: Role,
    /// The member who created it (`None` if that account no longer exists).
    pub created_by: Option<User>,
    pub created_at: String,
    pub expires_at: String,
}

/// What one housekeeping pass deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub tokens: u64,
    pub invitations: u64,
}

/// A stored value with its version (0 means "does not exist yet").
#[derive(Clone, Debug, PartialEq)]
pub struct Versioned {
    pub key: String,
    pub value: Option<Value>,
    pub version: i64,
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

/// An assessment's metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct AssessmentMeta {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

/// An assessment whole: its profile (format version, as_of, organization, certifications),
/// its AI systems and its answers, each with a version.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredAssessment {
    pub meta: AssessmentMeta,
    pub profile: Versioned,
    pub ai_systems: Vec<Versioned>,
    pub answers: Vec<Versioned>,
}

impl StoredAssessment {
    /// Reassembles the assessment file this stored assessment holds, from its profile, its
    /// AI systems in order and its answers.
    pub fn document(&self) -> Result<Document> {
        let profile = match &self.profile.value {
            Some(value) => Profile::deserialize(value).map_err(|e| corrupt("profile", &e))?,
            None => return Err(StoreError::Corrupt("the assessment has no profile".into())),
        };
        let mut systems = Vec::with_capacity(self.ai_systems.len());
        for system in &self.ai_systems {
            if let Some(value) = &system.value {
                systems.push(
                    AiSystem::deserialize(value)
                        .map_err(|e| corrupt(&format!("ai_systems.{}", system.key), &e))?,
                );
            }
        }
        let mut answers = Vec::with_capacity(self.answers.len());
        for answer in &self.answers {
            if let Some(value) = &answer.value {
                answers.push((
                    answer.key.clone(),
                    Answer::deserialize(value)
                        .map_err(|e| corrupt(&format!("answers.{}", answer.key), &e))?,
                ));
            }
        }
        Ok(Document::from_parts(profile, systems, answers))
    }
}

/// What a write of one item of an assessment is judged against (see
/// [`Store::item_access`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ItemContext {
    pub profile: Profile,
    /// The number of answers stored.
    pub answers: usize,
    /// The AI systems' ids in inventory order, when asked for.
    pub ai_systems: Vec<String>,
}

/// Who may write one item of an assessment, and what the write is judged against (see
/// [`Store::item_access`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ItemAccess {
    pub org_id: String,
    pub revision: i64,
    /// The caller's role in the organisation; `None` when not a member.
    pub role: Option<Role>,
    pub context: ItemContext,
}

/// One entry of an assessment's append-only history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEntry {
    pub id: String,
    pub at: String,
    pub actor: String,
    pub entity: String,
    pub key: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// A saved run: the result of an assessment at a moment.
#[derive(Clone, Debug, PartialEq)]
pub struct Run {
    pub id: String,
    pub assessment_id: String,
    pub at: String,
    pub created_by: String,
    pub readiness: f64,
    pub result: Option<Value>,
}

fn parse_json(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The newest history entry's id and new value from a row with `history_id` and
/// `history_value` columns; `None` when there is no row or its id is NULL (no entry).
fn newest_entry(row: Option<&AnyRow>) -> Result<Option<(String, Option<String>)>> {
    let Some(row) = row else { return Ok(None) };
    Ok(match row.try_get::<Option<String>, _>("history_id")? {
        Some(id) => Some((id, row.try_get::<Option<String>, _>("history_value")?)),
        None => None,
    })
}

/// One row's write (see [`Store::write_item`]): which part of which assessment, its key, the
/// new value (`None` deletes), the version it replaces (0: none), by whom and when.
#[derive(Clone, Copy)]
pub(crate) struct ItemWrite<'a> {
    pub(crate) part: &'a Part,
    pub(crate) assessment_id: &'a str,
    pub(crate) key: &'a str,
    pub(crate) value: Option<&'a Value>,
    pub(crate) expected: i64,
    pub(crate) actor: &'a str,
    pub(crate) now: &'a str,
}

impl ItemWrite<'_> {
    /// The row as this write left it when it succeeded, without reading it back.
    pub(crate) fn written(&self) -> Versioned {
        match self.value {
            Some(value) => Versioned {
                key: self.key.to_string(),
                value: Some(value.clone()),
                version: self.expected + 1,
                updated_at: Some(self.now.to_string()),
                updated_by: Some(self.actor.to_string()),
            },
            None => Versioned {
                key: self.key.to_string(),
                value: None,
                version: 0,
                updated_at: None,
                updated_by: None,
            },
        }
    }
}

fn json_text(value: &Value) -> String {
    value.to_string()
}

/// A piece of an assessment document as JSON text.
fn piece_text<T: Serialize>(piece: &T) -> Result<String> {
    serde_json::to_string(piece).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn corrupt(what: &str, error: &serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!(
        "stored {what} is not a valid piece of an assessment: {error}"
    ))
}

fn user_from(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        name: row.try_get("name")?,
    })
}

fn versioned_from(row: &AnyRow, key_column: &str) -> Result<Versioned> {
    let body: String = row.try_get("body")?;
    Ok(Versioned {
        key: row.try_get(key_column)?,
        value: Some(parse_json(&body)?),
        version: row.try_get("version")?,
        updated_at: Some(row.try_get("updated_at")?),
        updated_by: Some(row.try_get("updated_by")?),
    })
}

/// A versioned part of an assessment kept one row per key (answers, AI systems), with the
/// statements that read and write it. Parameters: select/delete ($1 assessment, $2 key,
/// [$3 version]); insert ($1 assessment, $2 key, $3 body, $4 time, $5 actor); update ($1 body,
/// $2 time, $3 actor, $4 assessment, $5 key, $6 version).
pub(crate) struct Part {
    entity: &'static str,
    key_column: &'static str,
    select: &'static str,
    /// The row's body and the newest history entry of the same entity and key, in one read:
    /// what a write needs before it writes (see `Store::record_after`).
    before_write: &'static str,
    insert: &'static str,
    update: &'static str,
    delete: &'static str,
    /// On PostgreSQL, the whole of a write in one statement (see [`one_statement`]): insert at
    /// version 0, update and delete at the expected version.
    pg_insert: &'static str,
    pg_update: &'static str,
    pg_delete: &'static str,
}

/// A write of one row of `$table` keyed by `$key` on PostgreSQL as one statement, so one round
/// trip instead of five (BEGIN, the read, the write, history and revision, COMMIT): the row's
/// change (`$change`, a statement that touches no row when the expected version is not the
/// stored one), then, only if it touched its row, the history entry and the assessment's new
/// revision. All parts see one snapshot and run as one transaction. The entry's old value
/// follows the rule of [`Store::record_after`]: left out (NULL) when the previous entry of the
/// same entity and key sorts before this one (ids compared byte by byte, as Rust compares
/// them) and holds the replaced body as its new value; the body itself otherwise, or `null`
/// for "did not exist" where that previous entry would say otherwise.
///
/// Parameters: $1 assessment, $2 key, $3 expected version, $4 new body (NULL to delete),
/// $5 time, $6 actor, $7 entity, $8 the history entry's id.
macro_rules! one_statement {
    ($table:literal, $key:literal, $change:literal) => {
        concat!(
            "WITH old AS (SELECT body FROM ", $table, " WHERE assessment_id = $1 AND ", $key,
            " = $2 AND version = $3), ",
            "prev AS (SELECT id, new_value FROM history WHERE assessment_id = $1 AND entity = $7 AND entity_key = $2 ORDER BY id DESC LIMIT 1), ",
            "changed AS (", $change, " RETURNING 1), ",
            "entry AS (INSERT INTO history (id, assessment_id, at, actor, entity, entity_key, old_value, new_value) ",
            "SELECT $8, $1, $5, $6, $7, $2, ",
            "CASE WHEN prev.id COLLATE \"C\" < $8 AND prev.new_value IS NOT DISTINCT FROM old.body THEN NULL ",
            "WHEN old.body IS NOT NULL THEN old.body WHEN prev.id COLLATE \"C\" < $8 THEN 'null' END, $4 ",
            "FROM changed LEFT JOIN old ON TRUE LEFT JOIN prev ON TRUE) ",
            "UPDATE assessments SET updated_at = $5, revision = revision + 1 WHERE id = $1 AND EXISTS (SELECT 1 FROM changed)"
        )
    };
}

pub(crate) const ANSWERS: Part = Part {
    entity: "answer",
    key_column: "requirement",
    select: "SELECT requirement, body, version, updated_at, updated_by FROM answers WHERE assessment_id = $1 AND requirement = $2",
    before_write: "SELECT (SELECT body FROM answers WHERE assessment_id = $1 AND requirement = $2) AS body, h.id AS history_id, h.new_value AS history_value FROM (SELECT 1 AS one) o LEFT JOIN (SELECT id, new_value FROM history WHERE assessment_id = $1 AND entity = $3 AND entity_key = $2 ORDER BY id DESC LIMIT 1) h ON 1 = 1",
    insert: "INSERT INTO answers (assessment_id, requirement, body, version, updated_at, updated_by) VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (assessment_id, requirement) DO NOTHING",
    update: "UPDATE answers SET body = $1, version = version + 1, updated_at = $2, updated_by = $3 WHERE assessment_id = $4 AND requirement = $5 AND version = $6",
    delete: "DELETE FROM answers WHERE assessment_id = $1 AND requirement = $2 AND version = $3",
    pg_insert: one_statement!(
        "answers",
        "requirement",
        "INSERT INTO answers (assessment_id, requirement, body, version, updated_at, updated_by) SELECT $1, $2, $4, 1, $5, $6 WHERE $3 = 0 ON CONFLICT (assessment_id, requirement) DO NOTHING"
    ),
    pg_update: one_statement!(
        "answers",
        "requirement",
        "UPDATE answers SET body = $4, version = version + 1, updated_at = $5, updated_by = $6 WHERE assessment_id = $1 AND requirement = $2 AND version = $3"
    ),
    pg_delete: one_statement!(
        "answers",
        "requirement",
        "DELETE FROM answers WHERE assessment_id = $1 AND requirement = $2 AND version = $3"
    ),
};

const AI_SYSTEMS: Part = Part {
    entity: "ai_system",
    key_column: "system_id",
    select: "SELECT system_id, body, version, updated_at, updated_by FROM ai_systems WHERE assessment_id = $1 AND system_id = $2",
    before_write: "SELECT (SELECT body FROM ai_systems WHERE assessment_id = $1 AND system_id = $2) AS body, h.id AS history_id, h.new_value AS history_value FROM (SELECT 1 AS one) o LEFT JOIN (SELECT id, new_value FROM history WHERE assessment_id = $1 AND entity = $3 AND entity_key = $2 ORDER BY id DESC LIMIT 1) h ON 1 = 1",
    insert: "INSERT INTO ai_systems (assessment_id, system_id, position, body, version, updated_at, updated_by) VALUES ($1, $2, (SELECT COUNT(*) FROM ai_systems WHERE assessment_id = $1), $3, 1, $4, $5) ON CONFLICT (assessment_id, system_id) DO NOTHING",
    update: "UPDATE ai_systems SET body = $1, version = version + 1, updated_at = $2, updated_by = $3 WHERE assessment_id = $4 AND system_id = $5 AND version = $6",
    delete: "DELETE FROM ai_systems WHERE assessment_id = $1 AND system_id = $2 AND version = $3",
    pg_insert: one_statement!(
        "ai_systems",
        "system_id",
        "INSERT INTO ai_systems (assessment_id, system_id, position, body, version, updated_at, updated_by) SELECT $1, $2, (SELECT COUNT(*) FROM ai_systems WHERE assessment_id = $1), $4, 1, $5, $6 WHERE $3 = 0 ON CONFLICT (assessment_id, system_id) DO NOTHING"
    ),
    pg_update: one_statement!(
        "ai_systems",
        "system_id",
        "UPDATE ai_systems SET body = $4, version = version + 1, updated_at = $5, updated_by = $6 WHERE assessment_id = $1 AND system_id = $2 AND version = $3"
    ),
    pg_delete: one_statement!(
        "ai_systems",
        "system_id",
        "DELETE FROM ai_systems WHERE assessment_id = $1 AND system_id = $2 AND version = $3"
    ),
};

/// The store.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    /// The pool write transactions take their connection from: on a SQLite file one
    /// connection, so that writers queue here, in order, instead of polling SQLite's lock
    /// (whose busy handler sleeps for milliseconds at a time); otherwise `pool` itself.
    writer: AnyPool,
    backend: Backend,
}

/// What every new connection is told: on SQLite, to wait for a lock rather than fail, to keep
/// foreign keys, and for a file, write-ahead logging with commits that do not wait for the disk.
async fn prepare(
    conn: &mut sqlx::AnyConnection,
    backend: Backend,
    memory: bool,
) -> std::result::Result<(), sqlx::Error> {
    if backend == Backend::Sqlite {
        sqlx::query("PRAGMA busy_timeout = 5000")
            .execute(&mut *conn)
            .await?;
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut *conn)
            .await?;
        if !memory {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&mut *conn)
                .await?;
            // In WAL mode a commit is durable against a crash of the process without waiting
            // for the disk; only a power loss may take back the last commits, and it never
            // corrupts the database.
            sqlx::query("PRAGMA synchronous = NORMAL")
                .execute(&mut *conn)
                .await?;
        }
    }
    Ok(())
}

impl Store {
    /// Connects and runs the embedded migrations. `sqlite://FILE?mode=rwc`, `sqlite::memory:`
    /// or `postgres://...`.
    pub async fn connect(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let memory = url.contains(":memory:");
        let pool = AnyPoolOptions::new()
            // Each in-memory SQLite connection would be its own database.
            .max_connections(if memory {
                1
            } else if backend == Backend::Sqlite {
                4
            } else {
                16
            })
            .after_connect(move |conn, _| Box::pin(prepare(conn, backend, memory)))
            .connect(url)
            .await?;
        sqlx::migrate!("../../migrations").run(&pool).await?;
        let writer = if backend == Backend::Sqlite && !memory {
            AnyPoolOptions::new()
                .max_connections(1)
                .after_connect(move |conn, _| Box::pin(prepare(conn, backend, memory)))
                .connect(url)
                .await?
        } else {
            pool.clone()
        };
        let store = Store {
            pool,
            writer,
            backend,
        };
        store.complete_old_rows().await?;
        store.protect_audit_log().await?;
        Ok(store)
    }

    /// Gives rows made before the second migration (or restored from a backup of that time)
    /// what the migration could not compute portably: an id for each invitation, and an expiry
    /// 90 days from now for each API token.
    async fn complete_old_rows(&self) -> Result<()> {
        sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE expires_at IS NULL")
            .bind(rfc3339(
                since_epoch()
                    .as_secs()
                    .saturating_add(TOKEN_DAYS_DEFAULT * 86_400),
            ))
            .execute(&self.pool)
            .await?;
        let rows = sqlx::query("SELECT token_hash FROM invitations WHERE id IS NULL")
            .fetch_all(&self.pool)
            .await?;
        for row in rows {
            let hash: String = row.try_get("token_hash")?;
            sqlx::query("UPDATE invitations SET id = $1 WHERE token_hash = $2 AND id IS NULL")
                .bind(new_id()?)
                .bind(&hash)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// A write transaction. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), so
    /// that concurrent writers wait for each other (busy timeout) instead of failing when a read
    /// transaction tries to upgrade; PostgreSQL's row locks need no such thing.
    pub(crate) async fn write(
        &self,
    ) -> std::result::Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    // ---- accounts ---------------------------------------------------------------------

    pub async fn create_user(&self, email: &str, name: &str, password_hash: &str) -> Result<User> {
        let id = new_id()?;
        let done = sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING",
        )
        .bind(&id)
        .bind(email)
        .bind(name)
        .bind(password_hash)
        .bind(now_rfc3339())
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Exists(format!("an account for {email}")));
        }
        Ok(User {
            id,
            email: email.to_string(),
            name: name.to_string(),
        })
    }

    /// The user and their password hash, by e-mail address.
    pub async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query("SELECT id, email, name, password_hash FROM users WHERE email = $1")
            .bind(email)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| Ok((user_from(&row)?, row.try_get("password_hash")?)))
            .transpose()
    }

    pub async fn user(&self, id: &str) -> Result<Option<User>> {
        let row = sqlx::query("SELECT id, email, name FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// Stores a session (by the hash of its secret) with its CSRF token.
    pub async fn create_session(
        &self,
        user_id: &str,
        secret: &str,
        csrf: &str,
        expires_at: &str,
    ) -> Result<()> {
        sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(hash_token(secret))
            .bind(user_id)
            .bind(csrf)
            .bind(now_rfc3339())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The user of a live session and its CSRF token.
    pub async fn session(&self, secret: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.expires_at > $2",
        )
        .bind(hash_token(secret))
        .bind(now_rfc3339())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok((user_from(&row)?, row.try_get("csrf")?)))
            .transpose()
    }

    pub async fn delete_session(&self, secret: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(hash_token(secret))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Logs a user out everywhere.
    pub async fn delete_sessions_of(&self, user_id: &str) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// Creates an API token that lives [`TOKEN_DAYS_DEFAULT`] days.
    pub async fn create_api_token(
        &self,
        user_id: &str,
        name: &str,
        secret: &str,
    ) -> Result<ApiToken> {
        let expires_at = rfc3339(
            since_epoch()
                .as_secs()
                .saturating_add(TOKEN_DAYS_DEFAULT * 86_400),
        );
        self.create_api_token_until(user_id, name, secret, &expires_at)
            .await
    }

    /// Creates an API token that stops working at `expires_at` (RFC 3339 UTC).
    pub async fn create_api_token_until(
        &self,
        user_id: &str,
        name: &str,
        secret: &str,
        expires_at: &str,
    ) -> Result<ApiToken> {
        let id = new_id()?;
        let created_at = now_rfc3339();
        sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(user_id)
            .bind(name)
            .bind(hash_token(secret))
            .bind(&created_at)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(ApiToken {
            id,
            name: name.to_string(),
            created_at,
            expires_at: Some(expires_at.to_string()),
        })
    }

    /// The user of a token that has not expired.
    pub async fn api_token_user(&self, secret: &str) -> Result<Option<User>> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND (t.expires_at IS NULL OR t.expires_at > $2)",
        )
        .bind(hash_token(secret))
        .bind(now_rfc3339())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(user_from).transpose()
    }

    /// A user's API tokens, expired ones included until housekeeping deletes them.
    pub async fn api_tokens(&self, user_id: &str) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT id, name, created_at, expires_at FROM api_tokens WHERE user_id = $1 ORDER BY id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ApiToken {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                })
            })
            .collect()
    }

    /// Deletes what can no longer be used: sessions and API tokens that expired at or before
    /// `now` (seconds since the Unix epoch), and invitations used or expired more than
    /// [`INVITATION_GRACE_DAYS`] before it. Expired sessions and tokens are refused before
    /// this runs; it only keeps the tables from growing.
    pub async fn purge_expired(&self, now: u64) -> Result<Purged> {
        let now_text = rfc3339(now);
        let grace = rfc3339(now.saturating_sub(INVITATION_GRACE_DAYS * 86_400));
        let mut tx = self.write().await?;
        let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(&now_text)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let tokens = sqlx::query("DELETE FROM api_tokens WHERE expires_at <= $1")
            .bind(&now_text)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        let invitations =
            sqlx::query("DELETE FROM invitations WHERE used_at <= $1 OR expires_at <= $1")
                .bind(&grace)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        tx.commit().await?;
        Ok(Purged {
            sessions,
            tokens,
            invitations,
        })
    }

    /// [`Store::purge_expired`] at the current time.
    pub async fn purge_expired_now(&self) -> Result<Purged> {
        self.purge_expired(since_epoch().as_secs()).await
    }

    pub async fn delete_api_token(&self, user_id: &str, id: &str) -> Result<()> {
        let done = sqlx::query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    // ---- organisations ----------------------------------------------------------------

    /// Creates an organisation with its creator as owner.
    pub async fn create_organization(&self, name: &str, owner: &str) -> Result<Organization> {
        let id = new_id()?;
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(&id)
            .bind(name)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(&id)
        .bind(owner)
        .bind(Role::Owner.as_str())
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Organization {
            id,
            name: name.to_string(),
            created_at: now,
        })
    }

    /// The organisations a user belongs to, with their role in each.
    pub async fn organizations_of(&self, user_id: &str) -> Result<Vec<(Organization, Role)>> {
        let rows = sqlx::query(
            "SELECT o.id, o.name, o.created_at, m.role FROM memberships m JOIN organizations o ON o.id = m.org_id WHERE m.user_id = $1 ORDER BY o.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role")?;
                Ok((
                    Organization {
                        id: row.try_get("id")?,
                        name: row.try_get("name")?,
                        created_at: row.try_get("created_at")?,
                    },
                    Role::parse(&role)
                        .ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
                ))
            })
            .collect()
    }

    pub async fn organization(&self, id: &str) -> Result<Option<Organization>> {
        let row = sqlx::query("SELECT id, name, created_at FROM organizations WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(Organization {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                created_at: row.try_get("created_at")?,
            })
        })
        .transpose()
    }

    /// A user's role in an organisation, if a member.
    pub async fn role(&self, org_id: &str, user_id: &str) -> Result<Option<Role>> {
        let row = sqlx::query("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            None => Ok(None),
            Some(row) => {
                let role: String = row.try_get("role")?;
                Ok(Role::parse(&role))
            }
        }
    }

    pub async fn members(&self, org_id: &str) -> Result<Vec<Member>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.email",
        )
        .bind(org_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role")?;
                Ok(Member {
                    user: user_from(row)?,
                    role: Role::parse(&role)
                        .ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
                })
            })
            .collect()
    }

    /// Changes a member's role. Demoting the organisation's last owner is
    /// [`StoreError::LastOwner`] and changes nothing.
    pub async fn set_role(&self, org_id: &str, user_id: &str, role: Role) -> Result<()> {
        let mut tx = self.write().await?;
        if role != Role::Owner {
            self.keep_an_owner(&mut tx, org_id, user_id).await?;
        }
        let done =
            sqlx::query("UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3")
                .bind(role.as_str())
                .bind(org_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes a member. Removing the organisation's last owner is [`StoreError::LastOwner`]
    /// and changes nothing.
    pub async fn remove_member(&self, org_id: &str, user_id: &str) -> Result<()> {
        let mut tx = self.write().await?;
        self.keep_an_owner(&mut tx, org_id, user_id).await?;
        let done = sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    /// Inside a write transaction that is about to take `user_id`'s ownership away: fails
    /// with [`StoreError::LastOwner`] unless another owner remains. Two owners demoting or
    /// removing each other at once must not both pass, so the check and the change are
    /// serialised per organisation: SQLite's `BEGIN IMMEDIATE` already lets one writer in at a
    /// time; on PostgreSQL the organisation's row is locked first (`FOR NO KEY UPDATE`, which
    /// serialises these checks without holding back inserts that only reference the
    /// organisation), and the count that follows (a new snapshot under READ COMMITTED) sees
    /// what the other transaction committed.
    async fn keep_an_owner(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        org_id: &str,
        user_id: &str,
    ) -> Result<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT id FROM organizations WHERE id = $1 FOR NO KEY UPDATE")
                .bind(org_id)
                .fetch_optional(&mut **tx)
                .await?;
        }
        let row = sqlx::query("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org_id)
            .bind(user_id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let role: String = row.try_get("role")?;
        if role != Role::Owner.as_str() {
            return Ok(());
        }
        let others: i64 = sqlx::query(
            "SELECT COUNT(*) AS n FROM memberships WHERE org_id = $1 AND role = $2 AND user_id <> $3",
        )
        .bind(org_id)
        .bind(Role::Owner.as_str())
        .bind(user_id)
        .fetch_one(&mut **tx)
        .await?
        .try_get("n")?;
        if others == 0 {
            return Err(StoreError::LastOwner);
        }
        Ok(())
    }

    /// Stores an invitation by the hash of its one-time secret; returns its id (by which
    /// owners list and revoke it).
    pub async fn create_invitation(
        &self,
        org_id: &str,
        role: Role,
        secret: &str,
        by: &str,
        expires_at: &str,
    ) -> Result<String> {
        let id = new_id()?;
        sqlx::query("INSERT INTO invitations (id, token_hash, org_id, role, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(&id)
            .bind(hash_token(secret))
            .bind(org_id)
            .bind(role.as_str())
            .bind(by)
            .bind(now_rfc3339())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(id)
    }

    /// An organisation's invitations that can still be accepted, oldest first.
    pub async fn pending_invitations(&self, org_id: &str) -> Result<Vec<PendingInvitation>> {
        let rows = sqlx::query(
            "SELECT i.id AS invitation, i.role, i.created_at, i.expires_at, u.id, u.email, u.name FROM invitations i LEFT JOIN users u ON u.id = i.created_by WHERE i.org_id = $1 AND i.used_at IS NULL AND i.expires_at > $2 AND i.id IS NOT NULL ORDER BY i.created_at, i.id",
        )
        .bind(org_id)
        .bind(now_rfc3339())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let role: String = row.try_get("role")?;
                let creator: Option<String> = row.try_get("id")?;
                Ok(PendingInvitation {
                    id: row.try_get("invitation")?,
                    role: Role::parse(&role)
                        .ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
                    created_by: creator.map(|_| user_from(row)).transpose()?,
                    created_at: row.try_get("created_at")?,
                    expires_at: row.try_get("expires_at")?,
                })
            })
            .collect()
    }

    /// Revokes (deletes) an organisation's invitation that has not been used. An unknown id,
    /// another organisation's, or a used one is `NotFound`.
    pub async fn revoke_invitation(&self, org_id: &str, id: &str) -> Result<()> {
        let done = sqlx::query(
            "DELETE FROM invitations WHERE org_id = $1 AND id = $2 AND used_at IS NULL",
        )
        .bind(org_id)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Uses an invitation once: the user joins with its role. A used or expired invitation
    /// is `NotFound`.
    pub async fn accept_invitation(&self, secret: &str, user_id: &str) -> Result<(String, Role)> {
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        let row = sqlx::query("SELECT org_id, role FROM invitations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
            .bind(hash_token(secret))
            .bind(&now)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let org_id: String = row.try_get("org_id")?;
        let role_text: String = row.try_get("role")?;
        let role = Role::parse(&role_text)
            .ok_or_else(|| StoreError::Corrupt(format!("role {role_text}")))?;
        let used = sqlx::query("UPDATE invitations SET used_at = $1, used_by = $2 WHERE token_hash = $3 AND used_at IS NULL")
            .bind(&now)
            .bind(user_id)
            .bind(hash_token(secret))
            .execute(&mut *tx)
            .await?;
        if used.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (org_id, user_id) DO NOTHING")
            .bind(&org_id)
            .bind(user_id)
            .bind(role.as_str())
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((org_id, role))
    }

    // ---- assessments ------------------------------------------------------------------

    /// Stores a validated assessment file under an organisation, split into its profile, AI
    /// systems and answers, recording its import in the history.
    pub async fn create_assessment(
        &self,
        org_id: &str,
        name: &str,
        document: &Document,
        actor: &str,
    ) -> Result<AssessmentMeta> {
        let id = new_id()?;
        let now = now_rfc3339();
        let whole = piece_text(document)?;
        let (profile, systems, answers) = document.clone().into_parts();
        let profile = piece_text(&profile)?;
        let systems: Vec<(String, String)> = systems
            .iter()
            .map(|s| Ok((s.id.value.clone(), piece_text(s)?)))
            .collect::<Result<_>>()?;
        let answers: Vec<(String, String)> = answers
            .iter()
            .map(|(requirement, a)| Ok((requirement.clone(), piece_text(a)?)))
            .collect::<Result<_>>()?;
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO assessments (id, org_id, name, profile, version, revision, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, 1, $5, $5)")
            .bind(&id)
            .bind(org_id)
            .bind(name)
            .bind(&profile)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        for (position, (key, system)) in systems.iter().enumerate() {
            sqlx::query("INSERT INTO ai_systems (assessment_id, system_id, position, body, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, 1, $5, $6)")
                .bind(&id)
                .bind(key)
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .bind(system)
                .bind(&now)
                .bind(actor)
                .execute(&mut *tx)
                .await?;
        }
        for (requirement, answer) in &answers {
            sqlx::query("INSERT INTO answers (assessment_id, requirement, body, version, updated_at, updated_by) VALUES ($1, $2, $3, 1, $4, $5)")
                .bind(&id)
                .bind(requirement)
                .bind(answer)
                .bind(&now)
                .bind(actor)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("INSERT INTO history (id, assessment_id, at, actor, entity, entity_key, old_value, new_value) VALUES ($1, $2, $3, $4, 'assessment', $5, NULL, $6)")
            .bind(new_id()?)
            .bind(&id)
            .bind(&now)
            .bind(actor)
            .bind(name)
            .bind(&whole)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(AssessmentMeta {
            id,
            org_id: org_id.to_string(),
            name: name.to_string(),
            created_at: now.clone(),
            updated_at: now,
        })
    }

    /// A page of an organisation's assessments, newest first, after an id (keyset paging:
    /// the cost does not grow with the number of assessments).
    pub async fn assessments(
        &self,
        org_id: &str,
        before: Option<&str>,
        limit: i64,
    ) -> Result<Vec<AssessmentMeta>> {
        let rows = sqlx::query(
            "SELECT id, org_id, name, created_at, updated_at FROM assessments WHERE org_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(org_id)
        .bind(before.unwrap_or("~"))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(meta_from).collect()
    }

    /// In one read: an assessment's organisation, its revision, and the caller's role in that
    /// organisation (`None` when not a member). The hot path of every assessment request.
    pub async fn assessment_access(
        &self,
        id: &str,
        user_id: &str,
    ) -> Result<Option<(String, i64, Option<Role>)>> {
        let row = sqlx::query(
            "SELECT a.org_id, a.revision, m.role FROM assessments a LEFT JOIN memberships m ON m.org_id = a.org_id AND m.user_id = $2 WHERE a.id = $1",
        )
        .bind(id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let role: Option<String> = row.try_get("role")?;
            Ok((
                row.try_get("org_id")?,
                row.try_get("revision")?,
                role.as_deref().and_then(Role::parse),
            ))
        })
        .transpose()
    }

    pub async fn assessment_meta(&self, id: &str) -> Result<Option<AssessmentMeta>> {
        let row = sqlx::query(
            "SELECT id, org_id, name, created_at, updated_at FROM assessments WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(meta_from).transpose()
    }

    /// An assessment whole, with the version of every part.
    pub async fn assessment(&self, id: &str) -> Result<Option<StoredAssessment>> {
        let Some(row) = sqlx::query("SELECT id, org_id, name, profile, version, created_at, updated_at FROM assessments WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let meta = meta_from(&row)?;
        let profile_text: String = row.try_get("profile")?;
        let profile = Versioned {
            key: "profile".into(),
            value: Some(parse_json(&profile_text)?),
            version: row.try_get("version")?,
            updated_at: Some(meta.updated_at.clone()),
            updated_by: None,
        };
        let systems = sqlx::query("SELECT system_id, body, version, updated_at, updated_by FROM ai_systems WHERE assessment_id = $1 ORDER BY position, system_id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        let answers = sqlx::query("SELECT requirement, body, version, updated_at, updated_by FROM answers WHERE assessment_id = $1 ORDER BY requirement")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        Ok(Some(StoredAssessment {
            meta,
            profile,
            ai_systems: systems
                .iter()
                .map(|r| versioned_from(r, "system_id"))
                .collect::<Result<_>>()?,
            answers: answers
                .iter()
                .map(|r| versioned_from(r, "requirement"))
                .collect::<Result<_>>()?,
        }))
    }

    /// Who may write one item of an assessment and what the write is judged against, in one
    /// read: the assessment's organisation, revision and `user_id`'s role there (as
    /// [`Store::assessment_access`]), its profile, how many answers it holds, and with `systems`
    /// the ids of its AI systems in inventory order (a second read). `None` when there is no
    /// such assessment.
    pub async fn item_access(
        &self,
        id: &str,
        user_id: &str,
        systems: bool,
    ) -> Result<Option<ItemAccess>> {
        let Some(row) = sqlx::query("SELECT a.org_id, a.revision, m.role, a.profile, (SELECT COUNT(*) FROM answers WHERE assessment_id = $1) AS answers FROM assessments a LEFT JOIN memberships m ON m.org_id = a.org_id AND m.user_id = $2 WHERE a.id = $1")
            .bind(id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Ok(None);
        };
        let role: Option<String> = row.try_get("role")?;
        let profile_text: String = row.try_get("profile")?;
        let profile =
            serde_json::from_str::<Profile>(&profile_text).map_err(|e| corrupt("profile", &e))?;
        let answers: i64 = row.try_get("answers")?;
        let ai_systems = if systems {
            sqlx::query("SELECT system_id FROM ai_systems WHERE assessment_id = $1 ORDER BY position, system_id")
                .bind(id)
                .fetch_all(&self.pool)
                .await?
                .iter()
                .map(|row| row.try_get("system_id"))
                .collect::<std::result::Result<_, _>>()?
        } else {
            Vec::new()
        };
        Ok(Some(ItemAccess {
            org_id: row.try_get("org_id")?,
            revision: row.try_get("revision")?,
            role: role.as_deref().and_then(Role::parse),
            context: ItemContext {
                profile,
                answers: usize::try_from(answers).unwrap_or(usize::MAX),
                ai_systems,
            },
        }))
    }

    /// The current version of one answer (version 0 when it does not exist).
    pub async fn answer(&self, assessment_id: &str, requirement: &str) -> Result<Versioned> {
        self.current(&ANSWERS, assessment_id, requirement).await
    }

    /// Writes one answer (or deletes it with `None`) if its version is still `expected`;
    /// otherwise changes nothing and returns `Conflict` with the current value. The change and
    /// the history entry commit together.
    pub async fn put_answer(
        &self,
        assessment_id: &str,
        requirement: &str,
        value: Option<&Value>,
        expected: i64,
        actor: &str,
    ) -> Result<Versioned> {
        self.put(&ANSWERS, assessment_id, requirement, value, expected, actor)
            .await
    }

    /// The current version of one AI system (version 0 when it does not exist).
    pub async fn ai_system(&self, assessment_id: &str, system_id: &str) -> Result<Versioned> {
        self.current(&AI_SYSTEMS, assessment_id, system_id).await
    }

    /// Writes (or deletes) one AI system under the same optimistic rule as answers; a new
    /// system goes to the end of the inventory.
    pub async fn put_ai_system(
        &self,
        assessment_id: &str,
        system_id: &str,
        value: Option<&Value>,
        expected: i64,
        actor: &str,
    ) -> Result<Versioned> {
        self.put(
            &AI_SYSTEMS,
            assessment_id,
            system_id,
            value,
            expected,
            actor,
        )
        .await
    }

    async fn current(&self, part: &Part, assessment_id: &str, key: &str) -> Result<Versioned> {
        let row = sqlx::query(part.select)
            .bind(assessment_id)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => versioned_from(&row, part.key_column),
            None => Ok(Versioned {
                key: key.to_string(),
                value: None,
                version: 0,
                updated_at: None,
                updated_by: None,
            }),
        }
    }

    /// The optimistic write shared by answers and AI systems: insert at version 0, update at
    /// the expected version, delete at the expected version; nothing changed is a conflict.
    async fn put(
        &self,
        part: &Part,
        assessment_id: &str,
        key: &str,
        value: Option<&Value>,
        expected: i64,
        actor: &str,
    ) -> Result<Versioned> {
        let now = now_rfc3339();
        let item = ItemWrite {
            part,
            assessment_id,
            key,
            value,
            expected,
            actor,
            now: &now,
        };
        let done = match self.backend {
            // One statement, its own transaction.
            Backend::Postgres => {
                let mut conn = self.pool.acquire().await?;
                self.write_item(&mut conn, &item).await?
            }
            Backend::Sqlite => {
                let mut tx = self.write().await?;
                let done = self.write_item(&mut tx, &item).await?;
                if done {
                    tx.commit().await?;
                } else {
                    tx.rollback().await?;
                }
                done
            }
        };
        if !done {
            return Err(StoreError::Conflict(
                self.current(part, assessment_id, key).await?,
            ));
        }
        Ok(item.written())
    }

    /// Writes one row (insert at version 0, update or delete at the expected version) with its
    /// history entry and the assessment's new revision, on `conn`: on PostgreSQL one statement
    /// (see [`one_statement`]), on SQLite four, inside the caller's write transaction. `false`
    /// when the stored version is not the expected one; then nothing was written.
    pub(crate) async fn write_item(
        &self,
        conn: &mut sqlx::AnyConnection,
        item: &ItemWrite<'_>,
    ) -> Result<bool> {
        let ItemWrite {
            part,
            assessment_id,
            key,
            value,
            expected,
            actor,
            now,
        } = *item;
        if self.backend == Backend::Postgres {
            let statement = match (value, expected) {
                (Some(_), 0) => part.pg_insert,
                (Some(_), _) => part.pg_update,
                (None, _) => part.pg_delete,
            };
            let changed = sqlx::query(statement)
                .bind(assessment_id)
                .bind(key)
                .bind(expected)
                .bind(value.map(json_text))
                .bind(now)
                .bind(actor)
                .bind(part.entity)
                .bind(new_id()?)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            return Ok(changed > 0);
        }
        // The row and the newest history entry of it in one read: a round trip fewer.
        let row = sqlx::query(part.before_write)
            .bind(assessment_id)
            .bind(key)
            .bind(part.entity)
            .fetch_one(&mut *conn)
            .await?;
        let old: Option<Value> = row
            .try_get::<Option<String>, _>("body")?
            .as_deref()
            .map(parse_json)
            .transpose()?;
        let previous = newest_entry(Some(&row))?;
        let changed = match (value, expected) {
            (Some(value), 0) => sqlx::query(part.insert)
                .bind(assessment_id)
                .bind(key)
                .bind(json_text(value))
                .bind(now)
                .bind(actor)
                .execute(&mut *conn)
                .await?
                .rows_affected(),
            (Some(value), version) => sqlx::query(part.update)
                .bind(json_text(value))
                .bind(now)
                .bind(actor)
                .bind(assessment_id)
                .bind(key)
                .bind(version)
                .execute(&mut *conn)
                .await?
                .rows_affected(),
            (None, version) => sqlx::query(part.delete)
                .bind(assessment_id)
                .bind(key)
                .bind(version)
                .execute(&mut *conn)
                .await?
                .rows_affected(),
        };
        if changed == 0 {
            return Ok(false);
        }
        self.record_after(
            conn,
            assessment_id,
            actor,
            part.entity,
            key,
            old.as_ref(),
            value,
            now,
            previous,
        )
        .await?;
        Ok(true)
    }

    /// Replaces the profile (format version, as_of, organization, certifications) if its
    /// version is still `expected`.
    pub async fn put_profile(
        &self,
        assessment_id: &str,
        value: &Value,
        expected: i64,
        actor: &str,
    ) -> Result<Versioned> {
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        let row = sqlx::query("SELECT profile, version FROM assessments WHERE id = $1")
            .bind(assessment_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let old = parse_json(&row.try_get::<String, _>("profile")?)?;
        let version: i64 = row.try_get("version")?;
        let changed = sqlx::query("UPDATE assessments SET profile = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
            .bind(json_text(value))
            .bind(&now)
            .bind(assessment_id)
            .bind(expected)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if changed == 0 {
            tx.rollback().await?;
            return Err(StoreError::Conflict(Versioned {
                key: "profile".into(),
                value: Some(old),
                version,
                updated_at: None,
                updated_by: None,
            }));
        }
        self.record(
            &mut tx,
            assessment_id,
            actor,
            "profile",
            "profile",
            Some(&old),
            Some(value),
            &now,
        )
        .await?;
        tx.commit().await?;
        Ok(Versioned {
            key: "profile".into(),
            value: Some(value.clone()),
            version: expected + 1,
            updated_at: Some(now),
            updated_by: Some(actor.to_string()),
        })
    }

    /// Writes the history entry of a change and moves the assessment's revision, after reading
    /// the newest entry of the same entity and key (see [`Store::record_after`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn record(
        &self,
        tx: &mut sqlx::AnyConnection,
        assessment_id: &str,
        actor: &str,
        entity: &str,
        key: &str,
        old: Option<&Value>,
        new: Option<&Value>,
        now: &str,
    ) -> Result<()> {
        let row = sqlx::query("SELECT id AS history_id, new_value AS history_value FROM history WHERE assessment_id = $1 AND entity = $2 AND entity_key = $3 ORDER BY id DESC LIMIT 1")
            .bind(assessment_id)
            .bind(entity)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
        let previous = newest_entry(row.as_ref())?;
        self.record_after(
            tx,
            assessment_id,
            actor,
            entity,
            key,
            old,
            new,
            now,
            previous,
        )
        .await
    }

    /// [`Store::record`] with the newest history entry of the same entity and key already
    /// read, in the same transaction: its id and new value (`None` when there is none).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn record_after(
        &self,
        tx: &mut sqlx::AnyConnection,
        assessment_id: &str,
        actor: &str,
        entity: &str,
        key: &str,
        old: Option<&Value>,
        new: Option<&Value>,
        now: &str,
        previous: Option<(String, Option<String>)>,
    ) -> Result<()> {
        let id = new_id()?;
        // Each change is stored once: the old value is left out (NULL) when the previous entry
        // of the same entity and key, which [`Store::history`] reads it from, holds it as its
        // new value and sorts before this one. Otherwise (the first change after an import,
        // or rows restored out of order) it is written out; "null" stands for "did not exist"
        // where the previous entry would say otherwise.
        let implied = match &previous {
            Some((previous_id, value)) if *previous_id < id => {
                Some(value.as_deref().map(parse_json).transpose()?)
            }
            _ => None,
        };
        let old_value = match (implied, old) {
            (Some(implied), old) if implied.as_ref() == old => None,
            (_, Some(old)) => Some(json_text(old)),
            (Some(_), None) => Some(json_text(&Value::Null)),
            (None, None) => None,
        };
        // The entry, then the assessment's new revision: on PostgreSQL one statement (a
        // data-modifying CTE), a round trip fewer for every write; SQLite, in process, has no
        // round trips to save and no such CTEs.
        let (insert, bump) = match self.backend {
            Backend::Postgres => (
                "WITH entry AS (INSERT INTO history (id, assessment_id, at, actor, entity, entity_key, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)) UPDATE assessments SET updated_at = $3, revision = revision + 1 WHERE id = $2",
                None,
            ),
            Backend::Sqlite => (
                "INSERT INTO history (id, assessment_id, at, actor, entity, entity_key, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                Some(
                    "UPDATE assessments SET updated_at = $1, revision = revision + 1 WHERE id = $2",
                ),
            ),
        };
        sqlx::query(insert)
            .bind(&id)
            .bind(assessment_id)
            .bind(now)
            .bind(actor)
            .bind(entity)
            .bind(key)
            .bind(old_value)
            .bind(new.map(json_text))
            .execute(&mut *tx)
            .await?;
        if let Some(bump) = bump {
            sqlx::query(bump)
                .bind(now)
                .bind(assessment_id)
                .execute(&mut *tx)
                .await?;
        }
        Ok(())
    }

    /// The history of an assessment, oldest first. An entry stored without its old value
    /// takes it from the previous entry of the same entity and key (see `record`); entries
    /// written before that rule carry theirs and are read as they are.
    pub async fn history(&self, assessment_id: &str) -> Result<Vec<HistoryEntry>> {
        let rows = sqlx::query("SELECT id, at, actor, entity, entity_key, old_value, new_value FROM history WHERE assessment_id = $1 ORDER BY id")
            .bind(assessment_id)
            .fetch_all(&self.pool)
            .await?;
        let mut latest: std::collections::HashMap<(String, String), Option<Value>> =
            std::collections::HashMap::new();
        rows.iter()
            .map(|row| {
                let entity: String = row.try_get("entity")?;
                let key: String = row.try_get("entity_key")?;
                let old: Option<String> = row.try_get("old_value")?;
                let new: Option<String> = row.try_get("new_value")?;
                let new = new.as_deref().map(parse_json).transpose()?;
                let old = match old.as_deref().map(parse_json).transpose()? {
                    Some(Value::Null) => None,
                    Some(old) => Some(old),
                    None => latest
                        .get(&(entity.clone(), key.clone()))
                        .cloned()
                        .flatten(),
                };
                latest.insert((entity.clone(), key.clone()), new.clone());
                Ok(HistoryEntry {
                    id: row.try_get("id")?,
                    at: row.try_get("at")?,
                    actor: row.try_get("actor")?,
                    entity,
                    key,
                    old,
                    new,
                })
            })
            .collect()
    }

    // ---- runs -------------------------------------------------------------------------

    pub async fn save_run(
        &self,
        assessment_id: &str,
        actor: &str,
        readiness: f64,
        result: &Value,
    ) -> Result<Run> {
        let id = new_id()?;
        let at = now_rfc3339();
        sqlx::query("INSERT INTO runs (id, assessment_id, at, created_by, readiness, result) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(assessment_id)
            .bind(&at)
            .bind(actor)
            .bind(readiness)
            .bind(json_text(result))
            .execute(&self.pool)
            .await?;
        Ok(Run {
            id,
            assessment_id: assessment_id.to_string(),
            at,
            created_by: actor.to_string(),
            readiness,
            result: None,
        })
    }

    pub async fn runs(&self, assessment_id: &str) -> Result<Vec<Run>> {
        let rows = sqlx::query("SELECT id, assessment_id, at, created_by, readiness FROM runs WHERE assessment_id = $1 ORDER BY id DESC")
            .bind(assessment_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Run {
                    id: row.try_get("id")?,
                    assessment_id: row.try_get("assessment_id")?,
                    at: row.try_get("at")?,
                    created_by: row.try_get("created_by")?,
                    readiness: row.try_get("readiness")?,
                    result: None,
                })
            })
            .collect()
    }

    pub async fn run(&self, assessment_id: &str, run_id: &str) -> Result<Option<Run>> {
        let row = sqlx::query("SELECT id, assessment_id, at, created_by, readiness, result FROM runs WHERE assessment_id = $1 AND id = $2")
            .bind(assessment_id)
            .bind(run_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            let result: String = row.try_get("result")?;
            Ok(Run {
                id: row.try_get("id")?,
                assessment_id: row.try_get("assessment_id")?,
                at: row.try_get("at")?,
                created_by: row.try_get("created_by")?,
                readiness: row.try_get("readiness")?,
                result: Some(parse_json(&result)?),
            })
        })
        .transpose()
    }
}

fn meta_from(row: &AnyRow) -> Result<AssessmentMeta> {
    Ok(AssessmentMeta {
        id: row.try_get("id")?,
        org_id: row.try_get("org_id")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// A pending invitation as the person holding its link sees it before accepting: which
/// organisation, which role, who invited, until when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationPreview {
    pub org_id: String,
    pub org_name: String,
    pub role: Role,
    /// The name of the member who created it (`None` if that account no longer exists).
    pub invited_by: Option<String>,
    pub expires_at: String,
}

impl Store {
    /// The invitation a one-time secret opens, if it can still be accepted; nothing is used.
    pub async fn invitation_preview(&self, secret: &str) -> Result<Option<InvitationPreview>> {
        let row = sqlx::query(
            "SELECT i.org_id, o.name AS org_name, i.role, i.expires_at, u.name AS invited_by FROM invitations i JOIN organizations o ON o.id = i.org_id LEFT JOIN users u ON u.id = i.created_by WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2",
        )
        .bind(hash_token(secret))
        .bind(now_rfc3339())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| {
            let role: String = row.try_get("role")?;
            Ok(InvitationPreview {
                org_id: row.try_get("org_id")?,
                org_name: row.try_get("org_name")?,
                role: Role::parse(&role)
                    .ok_or_else(|| StoreError::Corrupt(format!("role {role}")))?,
                invited_by: row.try_get("invited_by")?,
                expires_at: row.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Replaces a user's password hash and, in the same write, ends their sessions: every one,
    /// or every one but the session whose secret is `keep` (the one that changed it). Returns
    /// how many sessions ended; an unknown user is `NotFound` and changes nothing.
    pub async fn set_password(
        &self,
        user_id: &str,
        password_hash: &str,
        keep: Option<&str>,
    ) -> Result<u64> {
        let mut tx = self.write().await?;
        let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let ended = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(keep.map(hash_token).unwrap_or_default())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        tx.commit().await?;
        Ok(ended)
    }

    /// Ends a user's sessions except the one whose secret is `keep`; returns how many ended.
    pub async fn delete_other_sessions(&self, user_id: &str, keep: &str) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2")
            .bind(user_id)
            .bind(hash_token(keep))
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected())
    }

    /// How many of a user's sessions are live (not expired).
    pub async fn live_sessions(&self, user_id: &str) -> Result<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM sessions WHERE user_id = $1 AND expires_at > $2",
        )
        .bind(user_id)
        .bind(now_rfc3339())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get("n")?)
    }
}

/// The actor of the runs the server records by itself once a day; pages call it "daily run".
pub const DAILY_RUN_ACTOR: &str = "system:daily-run";

impl Store {
    /// A page of assessments (by id, after `after`) that changed since their latest run and
    /// have no run on or after `day` (`YYYY-MM-DD`): the ones a daily run should record. A
    /// change is an entry of the history that changes the result (the assessment imported, its
    /// profile, an AI system or an answer) made after the latest run: ids are time-ordered, so
    /// this holds to the millisecond where times in seconds could not tell a change from a run
    /// of the same second. An assessment without any run counts as changed. Keyset paging
    /// keeps each read bounded.
    pub async fn assessments_changed_since_last_run(
        &self,
        day: &str,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<String>> {
        let rows = sqlx::query(
            "SELECT a.id FROM assessments a WHERE a.id > $1 \
             AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.assessment_id = a.id AND r.at >= $2) \
             AND EXISTS (SELECT 1 FROM history h WHERE h.assessment_id = a.id \
                 AND h.entity IN ('assessment', 'profile', 'answer', 'ai_system') \
                 AND h.id > COALESCE((SELECT MAX(r.id) FROM runs r WHERE r.assessment_id = a.id), '')) \
             ORDER BY a.id LIMIT $3",
        )
        .bind(after.unwrap_or(""))
        .bind(day)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|row| Ok(row.try_get("id")?)).collect()
    }
}

impl Store {
    /// Adds new AI systems at the end of the inventory, in order, each with its history entry,
    /// in one transaction: all are added or, when one id is already taken, none is
    /// (`StoreError::Exists` names it).
    pub async fn add_ai_systems(
        &self,
        assessment_id: &str,
        systems: &[(String, Value)],
        actor: &str,
    ) -> Result<()> {
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        for (system_id, value) in systems {
            let item = ItemWrite {
                part: &AI_SYSTEMS,
                assessment_id,
                key: system_id,
                value: Some(value),
                expected: 0,
                actor,
                now: &now,
            };
            let added = self.write_item(&mut tx, &item).await?;
            if !added {
                tx.rollback().await?;
                return Err(StoreError::Exists(format!("the AI system `{system_id}`")));
            }
        }
        tx.commit().await?;
        Ok(())
    }
}
