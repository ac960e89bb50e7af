//! Portable backups: every table as JSON rows, restorable into an empty database of either
//! backend (SQLite to PostgreSQL and back). Sessions are not backed up: they are ephemeral and
//! a restore signs everyone out.
//!
//! A backup is taken from one read snapshot (a read-only transaction at repeatable read on
//! PostgreSQL; one deferred read transaction on SQLite, which in WAL mode sees the database as
//! of its first read), so its tables agree with each other even while the server writes.
//!
//! The file (`aimsgap-backup/2`) carries a manifest beside the tables: the schema (migration)
//! version, the time, the backend it came from, the row count of every table, and a SHA-256
//! over a canonical serialisation of the tables. [`Backup::parse`] checks all of it, and every
//! value (types, roles, history entities, JSON bodies, keys, references between tables),
//! without a database; [`Store::restore`] then writes into an empty database in one
//! transaction, or writes nothing. Version 1 files (no manifest) still restore after the same
//! value checks; [`Backup::warnings`] says that they could not be checked for completeness.

use crate::ids::now_rfc3339;
use crate::store::{Backend, Role, Store, StoreError};
use crate::work::WorkState;
use aimsgap_wire::assessment::{AiSystem, Answer, Profile};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};

/// The format id of the backup files this version writes.
pub const BACKUP_FORMAT: &str = "aimsgap-backup/2";

/// The format id of the first backup files (no manifest); they still restore.
pub const BACKUP_FORMAT_V1: &str = "aimsgap-backup/1";

/// The migrations this build knows, for the schema version a backup names.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// What a column holds, and what a backup may put in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// Text, never null.
    Text,
    /// Text or null.
    NullText,
    /// A non-negative integer.
    Int,
    /// A finite number.
    Float,
    /// A role in an organisation.
    Role,
    /// What a history entry is about.
    Entity,
    /// JSON text.
    Json,
    /// JSON text or null.
    NullJson,
    /// An answer to a requirement, as JSON text.
    Answer,
    /// An AI system, as JSON text.
    AiSystem,
    /// An assessment's profile, as JSON text.
    Profile,
    /// The state of a work item.
    WorkState,
    /// Bytes (a chunk of a stored file), as base64 text in the file.
    Bytes,
}

impl Kind {
    fn nullable(self) -> bool {
        matches!(self, Kind::NullText | Kind::NullJson)
    }
}

/// A column value as read from the database or from a file.
#[derive(Clone, Debug, PartialEq)]
enum Cell {
    Text(Option<String>),
    Int(i64),
    Float(f64),
}

impl Cell {
    fn to_json(&self) -> Value {
        match self {
            Cell::Text(text) => json!(text),
            Cell::Int(n) => json!(n),
            Cell::Float(x) => json!(x),
        }
    }

    fn text(&self) -> Option<&str> {
        match self {
            Cell::Text(text) => text.as_deref(),
            Cell::Int(_) | Cell::Float(_) => None,
        }
    }
}

/// A table a backup holds.
#[derive(Debug)]
struct Table {
    name: &'static str,
    /// One row, singular, for messages ("no user ... in tables.users").
    row: &'static str,
    select: &'static str,
    insert: &'static str,
    count: &'static str,
    columns: &'static [(&'static str, Kind)],
    /// The primary key's columns.
    key: &'static [&'static str],
    /// Other columns whose values are unique.
    unique: &'static [&'static str],
    /// Columns that name the `id` of a row of an earlier table.
    references: &'static [(&'static str, &'static str)],
    /// The migration that made the table: a backup of an older schema has no such table.
    since: i64,
}

/// In dependency order: a table only refers to tables above it.
const TABLES: &[Table] = &[
    Table {
        name: "users",
        row: "user",
        select: "SELECT id, email, name, password_hash, created_at FROM users ORDER BY id",
        insert: "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        count: "SELECT COUNT(*) AS n FROM users",
        columns: &[
            ("id", Kind::Text),
            ("email", Kind::Text),
            ("name", Kind::Text),
            ("password_hash", Kind::Text),
            ("created_at", Kind::Text),
        ],
        key: &["id"],
        unique: &["email"],
        references: &[],
        since: 1,
    },
    Table {
        name: "api_tokens",
        row: "API token",
        select: "SELECT id, user_id, name, token_hash, created_at, expires_at FROM api_tokens ORDER BY id",
        insert: "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
        count: "SELECT COUNT(*) AS n FROM api_tokens",
        columns: &[
            ("id", Kind::Text),
            ("user_id", Kind::Text),
            ("name", Kind::Text),
            ("token_hash", Kind::Text),
            ("created_at", Kind::Text),
            ("expires_at", Kind::NullText),
        ],
        key: &["id"],
        unique: &["token_hash"],
        references: &[("user_id", "users")],
        since: 1,
    },
    Table {
        name: "organizations",
        row: "organisation",
        select: "SELECT id, name, created_at FROM organizations ORDER BY id",
        insert: "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)",
        count: "SELECT COUNT(*) AS n FROM organizations",
        columns: &[
            ("id", Kind::Text),
            ("name", Kind::Text),
            ("created_at", Kind::Text),
        ],
        key: &["id"],
        unique: &[],
        references: &[],
        since: 1,
    },
    Table {
        name: "memberships",
        row: "membership",
        select: "SELECT org_id, user_id, role, created_at FROM memberships ORDER BY org_id, user_id",
        insert: "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
        count: "SELECT COUNT(*) AS n FROM memberships",
        columns: &[
            ("org_id", Kind::Text),
            ("user_id", Kind::Text),
            ("role", Kind::Role),
            ("created_at", Kind::Text),
        ],
        key: &["org_id", "user_id"],
        unique: &[],
        references: &[("org_id", "organizations"), ("user_id", "users")],
        since: 1,
    },
    Table {
        name: "invitations",
        row: "invitation",
        select: "SELECT token_hash, id, org_id, role, created_by, created_at, expires_at, used_by, used_at FROM invitations ORDER BY token_hash",
        insert: "INSERT INTO invitations (token_hash, id, org_id, role, created_by, created_at, expires_at, used_by, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        count: "SELECT COUNT(*) AS n FROM invitations",
        columns: &[
            ("token_hash", Kind::Text),
            ("id", Kind::NullText),
            ("org_id", Kind::Text),
            ("role", Kind::Role),
            ("created_by", Kind::Text),
            ("created_at", Kind::Text),
            ("expires_at", Kind::Text),
            ("used_by", Kind::NullText),
            ("used_at", Kind::NullText),
        ],
        key: &["token_hash"],
        unique: &[],
        references: &[("org_id", "organizations")],
        since: 1,
    },
    Table {
        name: "assessments",
        row: "assessment",
        select: "SELECT id, org_id, name, profile, version, revision, created_at, updated_at FROM assessments ORDER BY id",
        insert: "INSERT INTO assessments (id, org_id, name, profile, version, revision, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        count: "SELECT COUNT(*) AS n FROM assessments",
        columns: &[
            ("id", Kind::Text),
            ("org_id", Kind::Text),
            ("name", Kind::Text),
            ("profile", Kind::Profile),
            ("version", Kind::Int),
            ("revision", Kind::Int),
            ("created_at", Kind::Text),
            ("updated_at", Kind::Text),
        ],
        key: &["id"],
        unique: &[],
        references: &[("org_id", "organizations")],
        since: 1,
    },
    Table {
        name: "answers",
        row: "answer",
        select: "SELECT assessment_id, requirement, body, version, updated_at, updated_by FROM answers ORDER BY assessment_id, requirement",
        insert: "INSERT INTO answers (assessment_id, requirement, body, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)",
        count: "SELECT COUNT(*) AS n FROM answers",
        columns: &[
            ("assessment_id", Kind::Text),
            ("requirement", Kind::Text),
            ("body", Kind::Answer),
            ("version", Kind::Int),
            ("updated_at", Kind::Text),
            ("updated_by", Kind::Text),
        ],
        key: &["assessment_id", "requirement"],
        unique: &[],
        references: &[("assessment_id", "assessments")],
        since: 1,
    },
    Table {
        name: "ai_systems",
        row: "AI system",
        select: "SELECT assessment_id, system_id, position, body, version, updated_at, updated_by FROM ai_systems ORDER BY assessment_id, position, system_id",
        insert: "INSERT INTO ai_systems (assessment_id, system_id, position, body, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        count: "SELECT COUNT(*) AS n FROM ai_systems",
        columns: &[
            ("assessment_id", Kind::Text),
            ("system_id", Kind::Text),
            ("position", Kind::Int),
            ("body", Kind::AiSystem),
            ("version", Kind::Int),
            ("updated_at", Kind::Text),
            ("updated_by", Kind::Text),
        ],
        key: &["assessment_id", "system_id"],
        unique: &[],
        references: &[("assessment_id", "assessments")],
        since: 1,
    },
    Table {
        name: "history",
        row: "history entry",
        select: "SELECT id, assessment_id, at, actor, entity, entity_key, old_value, new_value FROM history ORDER BY id",
        insert: "INSERT INTO history (id, assessment_id, at, actor, entity, entity_key, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        count: "SELECT COUNT(*) AS n FROM history",
        columns: &[
            ("id", Kind::Text),
            ("assessment_id", Kind::Text),
            ("at", Kind::Text),
            ("actor", Kind::Text),
            ("entity", Kind::Entity),
            ("entity_key", Kind::Text),
            ("old_value", Kind::NullJson),
            ("new_value", Kind::NullJson),
        ],
        key: &["id"],
        unique: &[],
        references: &[("assessment_id", "assessments")],
        since: 1,
    },
    Table {
        name: "runs",
        row: "run",
        select: "SELECT id, assessment_id, at, created_by, readiness, result FROM runs ORDER BY id",
        insert: "INSERT INTO runs (id, assessment_id, at, created_by, readiness, result) VALUES ($1, $2, $3, $4, $5, $6)",
        count: "SELECT COUNT(*) AS n FROM runs",
        columns: &[
            ("id", Kind::Text),
            ("assessment_id", Kind::Text),
            ("at", Kind::Text),
            ("created_by", Kind::Text),
            ("readiness", Kind::Float),
            ("result", Kind::Json),
        ],
        key: &["id"],
        unique: &[],
        references: &[("assessment_id", "assessments")],
        since: 1,
    },
    Table {
        name: "work_items",
        row: "work item",
        select: "SELECT assessment_id, target, owner_user, owner_name, due, state, version, updated_at, updated_by FROM work_items ORDER BY assessment_id, target",
        insert: "INSERT INTO work_items (assessment_id, target, owner_user, owner_name, due, state, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        count: "SELECT COUNT(*) AS n FROM work_items",
        columns: &[
            ("assessment_id", Kind::Text),
            ("target", Kind::Text),
            ("owner_user", Kind::NullText),
            ("owner_name", Kind::NullText),
            ("due", Kind::NullText),
            ("state", Kind::WorkState),
            ("version", Kind::Int),
            ("updated_at", Kind::Text),
            ("updated_by", Kind::Text),
        ],
        key: &["assessment_id", "target"],
        unique: &[],
        references: &[("assessment_id", "assessments")],
        since: 4,
    },
    Table {
        name: "comments",
        row: "comment",
        select: "SELECT id, assessment_id, target, author, body, created_at, edited_at, deleted_at FROM comments ORDER BY id",
        insert: "INSERT INTO comments (id, assessment_id, target, author, body, created_at, edited_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        count: "SELECT COUNT(*) AS n FROM comments",
        columns: &[
            ("id", Kind::Text),
            ("assessment_id", Kind::Text),
            ("target", Kind::Text),
            ("author", Kind::Text),
            ("body", Kind::Text),
            ("created_at", Kind::Text),
            ("edited_at", Kind::NullText),
            ("deleted_at", Kind::NullText),
        ],
        key: &["id"],
        unique: &[],
        references: &[("assessment_id", "assessments")],
        since: 4,
    },
    Table {
        name: "blobs",
        row: "stored file",
        select: "SELECT sha256, size, created_at FROM blobs ORDER BY sha256",
        insert: "INSERT INTO blobs (sha256, size, created_at) VALUES ($1, $2, $3)",
        count: "SELECT COUNT(*) AS n FROM blobs",
        columns: &[
            ("sha256", Kind::Text),
            ("size", Kind::Int),
            ("created_at", Kind::Text),
        ],
        key: &["sha256"],
        unique: &[],
        references: &[],
        since: 5,
    },
    // Uploads in progress (`upload:` keys) are not backed up.
    Table {
        name: "blob_chunks",
        row: "chunk of a stored file",
        select: "SELECT blob, seq, data FROM blob_chunks WHERE blob NOT LIKE 'upload:%' ORDER BY blob, seq",
        insert: "INSERT INTO blob_chunks (blob, seq, data) VALUES ($1, $2, $3)",
        count: "SELECT COUNT(*) AS n FROM blob_chunks",
        columns: &[
            ("blob", Kind::Text),
            ("seq", Kind::Int),
            ("data", Kind::Bytes),
        ],
        // The key holds a number, which the text-keyed check cannot compare: the database's
        // primary key checks it on restore, and `check_blobs` each file's chunks in order.
        key: &[],
        unique: &[],
        references: &[],
        since: 5,
    },
    Table {
        name: "evidence",
        row: "item of evidence",
        select: "SELECT id, assessment_id, title, kind, effective, review_by, owner, approved_by, approved_on, version, file_version, created_at, updated_at, updated_by FROM evidence ORDER BY id",
        insert: "INSERT INTO evidence (id, assessment_id, title, kind, effective, review_by, owner, approved_by, approved_on, version, file_version, created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        count: "SELECT COUNT(*) AS n FROM evidence",
        columns: &[
            ("id", Kind::Text),
            ("assessment_id", Kind::Text),
            ("title", Kind::Text),
            ("kind", Kind::Text),
            ("effective", Kind::NullText),
            ("review_by", Kind::NullText),
            ("owner", Kind::NullText),
            ("approved_by", Kind::NullText),
            ("approved_on", Kind::NullText),
            ("version", Kind::Int),
            ("file_version", Kind::Int),
            ("created_at", Kind::Text),
            ("updated_at", Kind::Text),
            ("updated_by", Kind::Text),
        ],
        key: &["id"],
        unique: &[],
        references: &[("assessment_id", "assessments")],
        since: 5,
    },
    Table {
        name: "evidence_files",
        row: "evidence file version",
        select: "SELECT evidence_id, number, sha256, file_name, media_type, size, uploaded_by, uploaded_at FROM evidence_files ORDER BY evidence_id, number",
        insert: "INSERT INTO evidence_files (evidence_id, number, sha256, file_name, media_type, size, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        count: "SELECT COUNT(*) AS n FROM evidence_files",
        columns: &[
            ("evidence_id", Kind::Text),
            ("number", Kind::Int),
            ("sha256", Kind::Text),
            ("file_name", Kind::Text),
            ("media_type", Kind::Text),
            ("size", Kind::Int),
            ("uploaded_by", Kind::Text),
            ("uploaded_at", Kind::Text),
        ],
        // As for chunks: the database's primary key checks it on restore.
        key: &[],
        unique: &[],
        references: &[("evidence_id", "evidence")],
        since: 5,
    },
    Table {
        name: "evidence_links",
        row: "evidence link",
        select: "SELECT evidence_id, target FROM evidence_links ORDER BY evidence_id, target",
        insert: "INSERT INTO evidence_links (evidence_id, target) VALUES ($1, $2)",
        count: "SELECT COUNT(*) AS n FROM evidence_links",
        columns: &[("evidence_id", Kind::Text), ("target", Kind::Text)],
        key: &["evidence_id", "target"],
        unique: &[],
        references: &[("evidence_id", "evidence")],
        since: 5,
    },
    // The audit log, kept as it is: no references, since an event outlives what it names.
    Table {
        name: "audit_events",
        row: "audit event",
        select: "SELECT id, at, event, actor, actor_email, org_id, subject, detail, address FROM audit_events ORDER BY id",
        insert: "INSERT INTO audit_events (id, at, event, actor, actor_email, org_id, subject, detail, address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        count: "SELECT COUNT(*) AS n FROM audit_events",
        columns: &[
            ("id", Kind::Text),
            ("at", Kind::Text),
            ("event", Kind::Text),
            ("actor", Kind::NullText),
            ("actor_email", Kind::NullText),
            ("org_id", Kind::NullText),
            ("subject", Kind::NullText),
            ("detail", Kind::NullText),
            ("address", Kind::NullText),
        ],
        key: &["id"],
        unique: &[],
        references: &[],
        since: 6,
    },
    Table {
        name: "oidc_identities",
        row: "single sign-on identity",
        select: "SELECT issuer, subject, user_id, email, linked_at FROM oidc_identities ORDER BY issuer, subject",
        insert: "INSERT INTO oidc_identities (issuer, subject, user_id, email, linked_at) VALUES ($1, $2, $3, $4, $5)",
        count: "SELECT COUNT(*) AS n FROM oidc_identities",
        columns: &[
            ("issuer", Kind::Text),
            ("subject", Kind::Text),
            ("user_id", Kind::Text),
            ("email", Kind::Text),
            ("linked_at", Kind::Text),
        ],
        key: &["issuer", "subject"],
        unique: &[],
        references: &[("user_id", "users")],
        since: 10,
    },
    Table {
        name: "two_factor",
        row: "two-factor secret",
        select: "SELECT user_id, secret, enabled_at, last_step, created_at FROM two_factor ORDER BY user_id",
        insert: "INSERT INTO two_factor (user_id, secret, enabled_at, last_step, created_at) VALUES ($1, $2, $3, $4, $5)",
        count: "SELECT COUNT(*) AS n FROM two_factor",
        columns: &[
            ("user_id", Kind::Text),
            ("secret", Kind::Text),
            ("enabled_at", Kind::NullText),
            ("last_step", Kind::Int),
            ("created_at", Kind::Text),
        ],
        key: &["user_id"],
        unique: &[],
        references: &[("user_id", "users")],
        since: 9,
    },
    Table {
        name: "recovery_codes",
        row: "recovery code",
        select: "SELECT user_id, code_hash, used_at FROM recovery_codes ORDER BY user_id, code_hash",
        insert: "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, $3)",
        count: "SELECT COUNT(*) AS n FROM recovery_codes",
        columns: &[
            ("user_id", Kind::Text),
            ("code_hash", Kind::Text),
            ("used_at", Kind::NullText),
        ],
        key: &["user_id", "code_hash"],
        unique: &[],
        references: &[("user_id", "users")],
        since: 9,
    },
    Table {
        name: "org_two_factor",
        row: "two-factor requirement",
        select: "SELECT org_id, required_by, required_at FROM org_two_factor ORDER BY org_id",
        insert: "INSERT INTO org_two_factor (org_id, required_by, required_at) VALUES ($1, $2, $3)",
        count: "SELECT COUNT(*) AS n FROM org_two_factor",
        columns: &[
            ("org_id", Kind::Text),
            ("required_by", Kind::Text),
            ("required_at", Kind::Text),
        ],
        key: &["org_id"],
        unique: &[],
        references: &[("org_id", "organizations")],
        since: 9,
    },
    Table {
        name: "notification_preferences",
        row: "reminder preference",
        select: "SELECT user_id, kind, enabled, updated_at FROM notification_preferences ORDER BY user_id, kind",
        insert: "INSERT INTO notification_preferences (user_id, kind, enabled, updated_at) VALUES ($1, $2, $3, $4)",
        count: "SELECT COUNT(*) AS n FROM notification_preferences",
        columns: &[
            ("user_id", Kind::Text),
            ("kind", Kind::Text),
            ("enabled", Kind::Int),
            ("updated_at", Kind::Text),
        ],
        key: &["user_id", "kind"],
        unique: &[],
        references: &[("user_id", "users")],
        since: 8,
    },
];

/// The migration that renames the ISO/IEC 42001 ids of assessments of format 1 (see
/// [`Store::restore`]).
const FORMAT_1_IDS: &str =
    include_str!("../../../migrations/0003_iso42001_ids_follow_the_standard.sql");

/// Whether a piece of a migration holds SQL rather than only comments and blank lines.
fn is_statement(piece: &str) -> bool {
    piece.lines().any(|line| {
        let line = line.trim();
        !line.is_empty() && !line.starts_with("--")
    })
}

/// What a history entry may be about (the store writes these and no others).
const ENTITIES: &[&str] = &[
    "assessment",
    "profile",
    "answer",
    "ai_system",
    "work",
    "comment",
    "evidence",
];

/// Where a backup came from and what it holds, written beside its tables.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The newest migration applied to the database it came from.
    pub schema_version: i64,
    /// When it was taken (RFC 3339, UTC).
    pub created_at: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// Rows per table, in the order of the tables.
    pub counts: Vec<(String, u64)>,
    /// SHA-256 (hex) of the canonical serialisation of the tables.
    pub sha256: String,
}

/// A backup, verified: every table present, every value of the right type and kind, every
/// reference resolved, and (format 2) the counts and the checksum of its manifest matching.
#[derive(Clone, Debug, PartialEq)]
pub struct Backup {
    format: &'static str,
    manifest: Option<Manifest>,
    /// One entry per table of [`TABLES`], in that order; each row's cells in column order.
    tables: Vec<Vec<Vec<Cell>>>,
    /// The schema (migration) version the tables are of: tables made by later migrations
    /// are empty, and the checksum leaves them out, as the aimsgap that wrote it did.
    schema: i64,
}

fn refused(message: String) -> StoreError {
    StoreError::Corrupt(message)
}

/// A short description of a JSON value for messages: its type, and strings and numbers
/// themselves (cut short).
fn found(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let short: String = s.chars().take(40).collect();
            let ellipsis = if short.len() < s.len() { "..." } else { "" };
            format!("{:?}", format!("{short}{ellipsis}"))
        }
        Value::Array(_) => "an array".into(),
        Value::Object(_) => "an object".into(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The newest migration this build knows.
fn latest_schema() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

impl Backup {
    /// Reads and verifies a backup file without touching any database: the format, the
    /// manifest (schema version, counts, checksum), every table and column with its type,
    /// roles and history entities, JSON bodies (answers, AI systems and profiles as such),
    /// keys and unique values, and references between tables. The error names where:
    /// `tables.memberships[3].role: expected one of owner, editor, viewer, auditor, found
    /// "superuser"`.
    pub fn parse(text: &str) -> Result<Backup, StoreError> {
        let document: Value =
            serde_json::from_str(text).map_err(|e| refused(format!("not a JSON document: {e}")))?;
        let Value::Object(top) = document else {
            return Err(refused(format!(
                "(the top level): expected an object with format, manifest and tables, found {}",
                found(&document)
            )));
        };
        let format = match top.get("format") {
            Some(Value::String(f)) if f == BACKUP_FORMAT => BACKUP_FORMAT,
            Some(Value::String(f)) if f == BACKUP_FORMAT_V1 => BACKUP_FORMAT_V1,
            Some(other) => {
                return Err(refused(format!(
                    "format: expected \"{BACKUP_FORMAT}\" (or \"{BACKUP_FORMAT_V1}\"), found {}: not an aimsgap backup, or one made by a newer aimsgap",
                    found(other)
                )));
            }
            None => {
                return Err(refused(format!(
                    "format: missing (expected \"{BACKUP_FORMAT}\"): not an aimsgap backup"
                )));
            }
        };
        let allowed: &[&str] = if format == BACKUP_FORMAT {
            &["format", "manifest", "tables"]
        } else {
            &["format", "tables"]
        };
        if let Some(key) = top.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(refused(format!(
                "{key}: not a part of an {format} file (expected {})",
                allowed.join(", ")
            )));
        }
        // The schema the file says it is of decides which tables it must hold; a value that
        // is not a valid version is refused with the rest of the manifest below.
        let schema = if format == BACKUP_FORMAT_V1 {
            latest_schema()
        } else {
            top.get("manifest")
                .and_then(|m| m.get("schema_version"))
                .and_then(Value::as_i64)
                .filter(|v| (1..=latest_schema()).contains(v))
                .unwrap_or_else(latest_schema)
        };
        let tables = match top.get("tables") {
            Some(Value::Object(tables)) => read_tables(tables, format == BACKUP_FORMAT_V1, schema)?,
            Some(other) => {
                return Err(refused(format!(
                    "tables: expected an object of tables, found {}",
                    found(other)
                )));
            }
            None => return Err(refused("tables: missing".into())),
        };
        let mut backup = Backup {
            format,
            manifest: None,
            tables,
            schema,
        };
        if format == BACKUP_FORMAT {
            let manifest = match top.get("manifest") {
                Some(Value::Object(manifest)) => read_manifest(manifest)?,
                Some(other) => {
                    return Err(refused(format!(
                        "manifest: expected an object, found {}",
                        found(other)
                    )));
                }
                None => return Err(refused("manifest: missing".into())),
            };
            backup.check_manifest(&manifest)?;
            backup.manifest = Some(manifest);
        }
        backup.check_values()?;
        backup.check_blobs()?;
        Ok(backup)
    }

    /// The format id (`aimsgap-backup/2`, or `aimsgap-backup/1` for an old file).
    pub fn format(&self) -> &'static str {
        self.format
    }

    /// The manifest (format 2; version 1 files have none).
    pub fn manifest(&self) -> Option<&Manifest> {
        self.manifest.as_ref()
    }

    /// Rows per table, in dependency order.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        TABLES
            .iter()
            .zip(&self.tables)
            .map(|(table, rows)| (table.name, rows.len()))
            .collect()
    }

    /// Rows in all tables.
    pub fn rows(&self) -> usize {
        self.tables.iter().map(Vec::len).sum()
    }

    /// The SHA-256 (hex) of the canonical serialisation of the tables: for each table in
    /// dependency order (users, api_tokens, organizations, memberships, invitations,
    /// assessments, answers, ai_systems, history, runs, then from schema version 4
    /// work_items, comments), its name and a line feed, then each row in file order as
    /// compact JSON (an object with its keys sorted, no spaces) and a line feed. Tables newer
    /// than the backup's schema version are left out, so a backup keeps its checksum.
    pub fn sha256(&self) -> String {
        let mut hasher = Sha256::new();
        for (table, rows) in TABLES
            .iter()
            .zip(&self.tables)
            .filter(|(table, _)| table.since <= self.schema)
        {
            hasher.update(table.name.as_bytes());
            hasher.update(b"\n");
            for row in rows {
                let object: BTreeMap<&str, Value> = table
                    .columns
                    .iter()
                    .zip(row)
                    .map(|((column, _), cell)| (*column, cell.to_json()))
                    .collect();
                hasher.update(
                    serde_json::to_string(&object)
                        .unwrap_or_default()
                        .as_bytes(),
                );
                hasher.update(b"\n");
            }
        }
        hex(&hasher.finalize())
    }

    /// What could not be verified, for the operator to read before relying on a restore.
    pub fn warnings(&self) -> Vec<String> {
        if self.manifest.is_none() {
            vec![format!(
                "this is an {BACKUP_FORMAT_V1} file: it has no manifest, so no row counts and no checksum to verify it against; missing rows or changed values that still pass the value checks cannot be detected"
            )]
        } else {
            Vec::new()
        }
    }

    /// One table's rows as JSON objects (column name to value); `None` for an unknown table.
    pub fn table(&self, name: &str) -> Option<Vec<Map<String, Value>>> {
        let (table, rows) = TABLES
            .iter()
            .zip(&self.tables)
            .find(|(table, _)| table.name == name)?;
        Some(
            rows.iter()
                .map(|row| {
                    table
                        .columns
                        .iter()
                        .zip(row)
                        .map(|((column, _), cell)| ((*column).to_string(), cell.to_json()))
                        .collect()
                })
                .collect(),
        )
    }

    /// The backup as a JSON document (the file's content), pretty-printed.
    pub fn to_json(&self) -> String {
        let mut tables = Map::new();
        for table in TABLES {
            tables.insert(
                table.name.to_string(),
                Value::Array(
                    self.table(table.name)
                        .unwrap_or_default()
                        .into_iter()
                        .map(Value::Object)
                        .collect(),
                ),
            );
        }
        let mut top = Map::new();
        top.insert("format".into(), json!(self.format));
        if let Some(manifest) = &self.manifest {
            let counts: Map<String, Value> = manifest
                .counts
                .iter()
                .map(|(name, n)| (name.clone(), json!(n)))
                .collect();
            top.insert(
                "manifest".into(),
                json!({
                    "schema_version": manifest.schema_version,
                    "created_at": manifest.created_at,
                    "backend": manifest.backend,
                    "counts": counts,
                    "sha256": manifest.sha256,
                }),
            );
        }
        top.insert("tables".into(), Value::Object(tables));
        serde_json::to_string_pretty(&Value::Object(top)).unwrap_or_default()
    }

    fn check_manifest(&self, manifest: &Manifest) -> Result<(), StoreError> {
        for ((name, stated), (table, rows)) in manifest.counts.iter().zip(self.counts()) {
            if u64::try_from(rows).ok() != Some(*stated) {
                return Err(refused(format!(
                    "manifest.counts.{name}: says {stated} rows, but tables.{table} holds {rows}: rows were lost or added after the backup was taken"
                )));
            }
        }
        let computed = self.sha256();
        if computed != manifest.sha256 {
            return Err(refused(format!(
                "manifest.sha256: the tables do not match the checksum (the manifest says {}, the tables give {computed}): the file was changed or damaged after the backup was taken",
                manifest.sha256
            )));
        }
        Ok(())
    }

    /// The stored files: every chunk's bytes, in order, hash to the SHA-256 its blob is named
    /// by and add up to its size, so a corrupted chunk is refused naming its file.
    fn check_blobs(&self) -> Result<(), StoreError> {
        let rows_of = |name: &str| {
            TABLES
                .iter()
                .zip(&self.tables)
                .find(|(t, _)| t.name == name)
                .map(|(_, rows)| rows.as_slice())
                .unwrap_or_default()
        };
        let mut sizes: BTreeMap<&str, i64> = BTreeMap::new();
        for row in rows_of("blobs") {
            if let [Cell::Text(Some(sha256)), Cell::Int(size), ..] = row.as_slice() {
                sizes.insert(sha256, *size);
            }
        }
        let mut chunks: BTreeMap<&str, Vec<(i64, &str)>> = BTreeMap::new();
        for row in rows_of("blob_chunks") {
            if let [
                Cell::Text(Some(blob)),
                Cell::Int(seq),
                Cell::Text(Some(data)),
            ] = row.as_slice()
            {
                chunks.entry(blob).or_default().push((*seq, data));
            }
        }
        for (blob, pieces) in &mut chunks {
            if !sizes.contains_key(blob) {
                return Err(refused(format!(
                    "tables.blob_chunks: chunks of {blob:?}, which tables.blobs does not hold"
                )));
            }
            pieces.sort_by_key(|(seq, _)| *seq);
        }
        for (sha256, size) in &sizes {
            let mut hasher = Sha256::new();
            let mut total: i64 = 0;
            for (n, (seq, data)) in chunks.get(sha256).into_iter().flatten().enumerate() {
                if i64::try_from(n).ok() != Some(*seq) {
                    return Err(refused(format!(
                        "tables.blob_chunks: the stored file {sha256} misses its chunk {n}"
                    )));
                }
                let bytes = BASE64.decode(data).map_err(|e| {
                    refused(format!(
                        "tables.blob_chunks: chunk {seq} of the stored file {sha256} is not base64: {e}"
                    ))
                })?;
                total = total.saturating_add(i64::try_from(bytes.len()).unwrap_or(i64::MAX));
                hasher.update(&bytes);
            }
            let computed = hex(&hasher.finalize());
            if computed != *sha256 || total != *size {
                return Err(refused(format!(
                    "tables.blob_chunks: the stored file {sha256} is corrupted: its chunks hold {total} bytes with SHA-256 {computed}, but tables.blobs says {size} bytes"
                )));
            }
        }
        Ok(())
    }

    /// Kinds of values, keys and unique values, then references to earlier tables.
    fn check_values(&self) -> Result<(), StoreError> {
        let mut ids: HashMap<&str, HashSet<&str>> = HashMap::new();
        for (table, rows) in TABLES.iter().zip(&self.tables) {
            let mut keys: HashMap<Vec<&str>, usize> = HashMap::new();
            let mut uniques: HashMap<(usize, &str), usize> = HashMap::new();
            for (i, row) in rows.iter().enumerate() {
                let at = |column: &str| format!("tables.{}[{i}].{column}", table.name);
                for ((column, kind), cell) in table.columns.iter().zip(row) {
                    check_kind(*kind, cell)
                        .map_err(|what| refused(format!("{}: {what}", at(column))))?;
                }
                let value = |column: &str| -> &str {
                    table
                        .columns
                        .iter()
                        .zip(row)
                        .find(|((name, _), _)| *name == column)
                        .and_then(|(_, cell)| cell.text())
                        .unwrap_or("")
                };
                let key: Vec<&str> = table.key.iter().map(|column| value(column)).collect();
                if table.key.is_empty() {
                    // No key to check here.
                } else if let Some(first) = keys.insert(key.clone(), i) {
                    return Err(refused(format!(
                        "{}: {} appears twice (also at tables.{}[{first}]), but a {} is named once",
                        at(&table.key.join("+")),
                        key.join(" + "),
                        table.name,
                        table.row
                    )));
                }
                for (u, column) in table.unique.iter().enumerate() {
                    if let Some(first) = uniques.insert((u, value(column)), i) {
                        return Err(refused(format!(
                            "{}: {:?} appears twice (also at tables.{}[{first}]), but it is unique",
                            at(column),
                            value(column),
                            table.name
                        )));
                    }
                }
                for (column, target) in table.references {
                    let wanted = value(column);
                    if !ids.get(target).is_some_and(|set| set.contains(wanted)) {
                        let row = TABLES
                            .iter()
                            .find(|t| t.name == *target)
                            .map_or("row", |t| t.row);
                        return Err(refused(format!(
                            "{}: no {row} {wanted:?} in tables.{target} (a dangling reference)",
                            at(column)
                        )));
                    }
                }
            }
            if table.key == ["id"] {
                ids.insert(
                    table.name,
                    keys.into_keys()
                        .filter_map(|key| key.first().copied())
                        .collect(),
                );
            }
        }
        Ok(())
    }
}

/// Checks a value's kind beyond its type: roles, entities, JSON bodies.
fn check_kind(kind: Kind, cell: &Cell) -> Result<(), String> {
    fn json_of<'a, T: Deserialize<'a>>(text: &'a str, what: &str) -> Result<(), String> {
        serde_json::from_str::<T>(text)
            .map(|_| ())
            .map_err(|e| format!("expected {what} as JSON text: {e}"))
    }
    let Some(text) = cell.text() else {
        return Ok(());
    };
    match kind {
        Kind::Role if Role::parse(text).is_none() => Err(format!(
            "expected one of {}, found {:?}",
            Role::ALL.map(Role::as_str).join(", "),
            text
        )),
        Kind::Entity if !ENTITIES.contains(&text) => Err(format!(
            "expected one of {}, found {:?}",
            ENTITIES.join(", "),
            text
        )),
        Kind::WorkState if WorkState::parse(text).is_none() => Err(format!(
            "expected one of {}, found {:?}",
            WorkState::ALL.map(WorkState::as_str).join(", "),
            text
        )),
        Kind::Json | Kind::NullJson => json_of::<serde::de::IgnoredAny>(text, "a value"),
        Kind::Answer => json_of::<Answer>(text, "an answer"),
        Kind::AiSystem => json_of::<AiSystem>(text, "an AI system"),
        Kind::Profile => json_of::<Profile>(text, "an assessment profile"),
        Kind::Bytes => BASE64
            .decode(text)
            .map(|_| ())
            .map_err(|e| format!("expected bytes as base64 text: {e}")),
        _ => Ok(()),
    }
}

/// The newest schema version backups of format 1 were taken from.
const VERSION_1_SCHEMA: i64 = 3;

/// Columns added after format 1: a version 1 backup has none of them, and they read as null
/// (the store fills them in when it next connects: an invitation id, a token expiry).
const ADDED_AFTER_VERSION_1: &[(&str, &str)] =
    &[("api_tokens", "expires_at"), ("invitations", "id")];

fn read_tables(
    tables: &Map<String, Value>,
    version_1: bool,
    schema: i64,
) -> Result<Vec<Vec<Vec<Cell>>>, StoreError> {
    if let Some(name) = tables
        .keys()
        .find(|name| !TABLES.iter().any(|t| t.name == name.as_str()))
    {
        return Err(refused(format!(
            "tables.{name}: not a table a backup holds (expected {})",
            TABLES.iter().map(|t| t.name).collect::<Vec<_>>().join(", ")
        )));
    }
    let mut out = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let rows = match tables.get(table.name) {
            Some(Value::Array(rows)) => rows,
            Some(other) => {
                return Err(refused(format!(
                    "tables.{}: expected an array of rows, found {}",
                    table.name,
                    found(other)
                )));
            }
            // A table newer than the backup's schema did not exist when it was taken (files
            // of version 1 say no schema; the last one they were written from was 3).
            None if table.since > if version_1 { VERSION_1_SCHEMA } else { schema } => {
                out.push(Vec::new());
                continue;
            }
            None => {
                return Err(refused(format!(
                    "tables.{}: missing (a backup holds every table, even an empty one)",
                    table.name
                )));
            }
        };
        if !version_1 && table.since > schema && !rows.is_empty() {
            return Err(refused(format!(
                "tables.{}: holds rows, but the table came with schema version {} and the backup says it is of version {schema}",
                table.name, table.since
            )));
        }
        let mut cells = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let at = format!("tables.{}[{i}]", table.name);
            let Value::Object(row) = row else {
                return Err(refused(format!(
                    "{at}: expected an object (a row), found {}",
                    found(row)
                )));
            };
            if let Some(column) = row
                .keys()
                .find(|k| !table.columns.iter().any(|(c, _)| c == &k.as_str()))
            {
                return Err(refused(format!(
                    "{at}.{column}: not a column of {} (expected {})",
                    table.name,
                    table
                        .columns
                        .iter()
                        .map(|(c, _)| *c)
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            }
            let mut values = Vec::with_capacity(table.columns.len());
            for (column, kind) in table.columns {
                let value = match row.get(*column) {
                    Some(value) => value,
                    None if version_1 && ADDED_AFTER_VERSION_1.contains(&(table.name, *column)) => {
                        &Value::Null
                    }
                    None => return Err(refused(format!("{at}.{column}: missing"))),
                };
                values.push(
                    read_cell(*kind, value)
                        .map_err(|what| refused(format!("{at}.{column}: {what}")))?,
                );
            }
            cells.push(values);
        }
        out.push(cells);
    }
    Ok(out)
}

fn read_cell(kind: Kind, value: &Value) -> Result<Cell, String> {
    match (kind, value) {
        (Kind::Int, Value::Number(n)) => match n.as_i64() {
            Some(n) if n >= 0 => Ok(Cell::Int(n)),
            _ => Err(format!("expected a whole number from 0, found {n}")),
        },
        (Kind::Int, other) => Err(format!("expected a whole number, found {}", found(other))),
        (Kind::Float, Value::Number(n)) => match n.as_f64() {
            Some(x) if x.is_finite() => Ok(Cell::Float(x)),
            _ => Err(format!("expected a finite number, found {n}")),
        },
        (Kind::Float, other) => Err(format!("expected a number, found {}", found(other))),
        (_, Value::String(text)) => Ok(Cell::Text(Some(text.clone()))),
        (kind, Value::Null) if kind.nullable() => Ok(Cell::Text(None)),
        (kind, other) => Err(format!(
            "expected {}, found {}",
            if kind.nullable() {
                "text or null"
            } else {
                "text"
            },
            found(other)
        )),
    }
}

fn read_manifest(manifest: &Map<String, Value>) -> Result<Manifest, StoreError> {
    const FIELDS: &[&str] = &[
        "schema_version",
        "created_at",
        "backend",
        "counts",
        "sha256",
    ];
    if let Some(key) = manifest.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(refused(format!(
            "manifest.{key}: not a part of a manifest (expected {})",
            FIELDS.join(", ")
        )));
    }
    let field = |name: &str| {
        manifest
            .get(name)
            .ok_or_else(|| refused(format!("manifest.{name}: missing")))
    };
    let text = |name: &str| -> Result<String, StoreError> {
        match field(name)? {
            Value::String(s) => Ok(s.clone()),
            other => Err(refused(format!(
                "manifest.{name}: expected text, found {}",
                found(other)
            ))),
        }
    };
    let latest = latest_schema();
    let schema_version = match field("schema_version")?.as_i64() {
        Some(v) if (1..=latest).contains(&v) => v,
        Some(v) if v > latest => {
            return Err(refused(format!(
                "manifest.schema_version: {v} is newer than this aimsgap knows ({latest}): restore with the version that made the backup, or a newer one"
            )));
        }
        _ => {
            return Err(refused(format!(
                "manifest.schema_version: expected a migration number from 1 to {latest}, found {}",
                found(field("schema_version")?)
            )));
        }
    };
    let created_at = text("created_at")?;
    let backend = text("backend")?;
    if !["sqlite", "postgres"].contains(&backend.as_str()) {
        return Err(refused(format!(
            "manifest.backend: expected sqlite or postgres, found {backend:?}"
        )));
    }
    let counts = match field("counts")? {
        Value::Object(counts) => counts,
        other => {
            return Err(refused(format!(
                "manifest.counts: expected an object of row counts, found {}",
                found(other)
            )));
        }
    };
    if let Some(name) = counts
        .keys()
        .find(|name| !TABLES.iter().any(|t| t.name == name.as_str()))
    {
        return Err(refused(format!(
            "manifest.counts.{name}: not a table a backup holds"
        )));
    }
    let mut read = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let n = match counts.get(table.name) {
            Some(value) => value.as_u64().ok_or_else(|| {
                refused(format!(
                    "manifest.counts.{}: expected a whole number from 0, found {}",
                    table.name,
                    found(value)
                ))
            })?,
            None if table.since > schema_version => 0,
            None => return Err(refused(format!("manifest.counts.{}: missing", table.name))),
        };
        read.push((table.name.to_string(), n));
    }
    let sha256 = text("sha256")?;
    if sha256.len() != 64
        || !sha256
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return Err(refused(format!(
            "manifest.sha256: expected 64 lower-case hex digits, found {}",
            found(&Value::String(sha256))
        )));
    }
    Ok(Manifest {
        schema_version,
        created_at,
        backend,
        counts: read,
        sha256,
    })
}

impl Store {
    /// Every table (but sessions), read from one snapshot of the database, with its manifest.
    pub async fn backup(&self) -> Result<Backup, StoreError> {
        let mut tx = match self.backend() {
            Backend::Postgres => {
                self.pool()
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?
            }
            // Deferred: in WAL mode the snapshot is taken at the first read, below, and
            // holds for every table after it; writers carry on meanwhile.
            Backend::Sqlite => self.pool().begin().await?,
        };
        let schema_version: i64 =
            sqlx::query("SELECT MAX(version) AS v FROM _sqlx_migrations WHERE success = TRUE")
                .fetch_one(&mut *tx)
                .await?
                .try_get("v")?;
        let mut tables = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let rows = sqlx::query(table.select).fetch_all(&mut *tx).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut cells = Vec::with_capacity(table.columns.len());
                for (name, kind) in table.columns {
                    cells.push(match kind {
                        Kind::Int => Cell::Int(row.try_get::<i64, _>(*name)?),
                        Kind::Float => Cell::Float(row.try_get::<f64, _>(*name)?),
                        Kind::Bytes => {
                            Cell::Text(Some(BASE64.encode(row.try_get::<Vec<u8>, _>(*name)?)))
                        }
                        _ => Cell::Text(row.try_get::<Option<String>, _>(*name)?),
                    });
                }
                out.push(cells);
            }
            tables.push(out);
        }
        tx.rollback().await?;
        let mut backup = Backup {
            format: BACKUP_FORMAT,
            manifest: None,
            tables,
            schema: schema_version,
        };
        backup.manifest = Some(Manifest {
            schema_version,
            created_at: now_rfc3339(),
            backend: match self.backend() {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            }
            .into(),
            counts: backup
                .counts()
                .into_iter()
                .map(|(name, n)| (name.to_string(), u64::try_from(n).unwrap_or(u64::MAX)))
                .collect(),
            sha256: backup.sha256(),
        });
        Ok(backup)
    }

    /// Restores a verified backup into an empty database (no rows in any table, sessions
    /// included), in one transaction: everything or nothing. Returns the rows written.
    pub async fn restore(&self, backup: &Backup) -> Result<usize, StoreError> {
        let mut tx = self.write().await?;
        let counts = TABLES
            .iter()
            .map(|t| (t.name, t.count))
            .chain([("sessions", "SELECT COUNT(*) AS n FROM sessions")]);
        for (name, count) in counts {
            let n: i64 = sqlx::query(count).fetch_one(&mut *tx).await?.try_get("n")?;
            if n > 0 {
                tx.rollback().await?;
                return Err(StoreError::Exists(format!(
                    "{n} rows in table {name} of the target database (restore needs an empty one)"
                )));
            }
        }
        let mut restored = 0;
        for (table, rows) in TABLES.iter().zip(&backup.tables) {
            for row in rows {
                let mut query = sqlx::query(table.insert);
                for ((_, kind), cell) in table.columns.iter().zip(row) {
                    query = match cell {
                        Cell::Text(Some(text)) if *kind == Kind::Bytes => {
                            query.bind(BASE64.decode(text).map_err(|e| {
                                refused(format!("tables.{}: bytes not base64: {e}", table.name))
                            })?)
                        }
                        Cell::Text(text) => query.bind(text.clone()),
                        Cell::Int(n) => query.bind(*n),
                        Cell::Float(x) => query.bind(*x),
                    };
                }
                query.execute(&mut *tx).await?;
                restored += 1;
            }
        }
        // Rows of a backup taken before ISO/IEC 42001 ids followed the standard's list letters
        // missed the migration that renamed them, which ran on the empty target: it runs again
        // on them. Every statement touches only assessments of format 1, so on newer rows it
        // changes nothing.
        for statement in FORMAT_1_IDS.split(";\n").filter(|s| is_statement(s)) {
            sqlx::query(statement).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(restored)
    }
}
