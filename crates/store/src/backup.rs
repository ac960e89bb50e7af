//! Portable backups: every table as JSON rows, restorable into an empty database of either
//! backend (SQLite to PostgreSQL and back). Sessions are not backed up: they are ephemeral and
//! a restore signs everyone out.

use crate::store::{Store, StoreError};
use serde_json::{Map, Value, json};
use sqlx::Row;

/// The format id of a backup file.
pub const BACKUP_FORMAT: &str = "aimsgap-backup/1";

#[derive(Clone, Copy)]
enum Kind {
    Text,
    Int,
    Float,
}

struct Table {
    name: &'static str,
    select: &'static str,
    insert: &'static str,
    columns: &'static [(&'static str, Kind)],
}

use Kind::{Float, Int, Text};

/// In dependency order: a table only refers to tables above it.
const TABLES: &[Table] = &[
    Table {
        name: "users",
        select: "SELECT id, email, name, password_hash, created_at FROM users ORDER BY id",
        insert: "INSERT INTO users (id, email, name, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        columns: &[
            ("id", Text),
            ("email", Text),
            ("name", Text),
            ("password_hash", Text),
            ("created_at", Text),
        ],
    },
    Table {
        name: "api_tokens",
        select: "SELECT id, user_id, name, token_hash, created_at FROM api_tokens ORDER BY id",
        insert: "INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
        columns: &[
            ("id", Text),
            ("user_id", Text),
            ("name", Text),
            ("token_hash", Text),
            ("created_at", Text),
        ],
    },
    Table {
        name: "organizations",
        select: "SELECT id, name, created_at FROM organizations ORDER BY id",
        insert: "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)",
        columns: &[("id", Text), ("name", Text), ("created_at", Text)],
    },
    Table {
        name: "memberships",
        select: "SELECT org_id, user_id, role, created_at FROM memberships ORDER BY org_id, user_id",
        insert: "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
        columns: &[
            ("org_id", Text),
            ("user_id", Text),
            ("role", Text),
            ("created_at", Text),
        ],
    },
    Table {
        name: "invitations",
        select: "SELECT token_hash, org_id, role, created_by, created_at, expires_at, used_by, used_at FROM invitations ORDER BY token_hash",
        insert: "INSERT INTO invitations (token_hash, org_id, role, created_by, created_at, expires_at, used_by, used_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        columns: &[
            ("token_hash", Text),
            ("org_id", Text),
            ("role", Text),
            ("created_by", Text),
            ("created_at", Text),
            ("expires_at", Text),
            ("used_by", Text),
            ("used_at", Text),
        ],
    },
    Table {
        name: "assessments",
        select: "SELECT id, org_id, name, profile, version, revision, created_at, updated_at FROM assessments ORDER BY id",
        insert: "INSERT INTO assessments (id, org_id, name, profile, version, revision, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        columns: &[
            ("id", Text),
            ("org_id", Text),
            ("name", Text),
            ("profile", Text),
            ("version", Int),
            ("revision", Int),
            ("created_at", Text),
            ("updated_at", Text),
        ],
    },
    Table {
        name: "answers",
        select: "SELECT assessment_id, requirement, body, version, updated_at, updated_by FROM answers ORDER BY assessment_id, requirement",
        insert: "INSERT INTO answers (assessment_id, requirement, body, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)",
        columns: &[
            ("assessment_id", Text),
            ("requirement", Text),
            ("body", Text),
            ("version", Int),
            ("updated_at", Text),
            ("updated_by", Text),
        ],
    },
    Table {
        name: "ai_systems",
        select: "SELECT assessment_id, system_id, position, body, version, updated_at, updated_by FROM ai_systems ORDER BY assessment_id, position",
        insert: "INSERT INTO ai_systems (assessment_id, system_id, position, body, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        columns: &[
            ("assessment_id", Text),
            ("system_id", Text),
            ("position", Int),
            ("body", Text),
            ("version", Int),
            ("updated_at", Text),
            ("updated_by", Text),
        ],
    },
    Table {
        name: "history",
        select: "SELECT id, assessment_id, at, actor, entity, entity_key, old_value, new_value FROM history ORDER BY id",
        insert: "INSERT INTO history (id, assessment_id, at, actor, entity, entity_key, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        columns: &[
            ("id", Text),
            ("assessment_id", Text),
            ("at", Text),
            ("actor", Text),
            ("entity", Text),
            ("entity_key", Text),
            ("old_value", Text),
            ("new_value", Text),
        ],
    },
    Table {
        name: "runs",
        select: "SELECT id, assessment_id, at, created_by, readiness, result FROM runs ORDER BY id",
        insert: "INSERT INTO runs (id, assessment_id, at, created_by, readiness, result) VALUES ($1, $2, $3, $4, $5, $6)",
        columns: &[
            ("id", Text),
            ("assessment_id", Text),
            ("at", Text),
            ("created_by", Text),
            ("readiness", Float),
            ("result", Text),
        ],
    },
];

impl Store {
    /// Every table (but sessions) as JSON rows.
    pub async fn backup(&self) -> Result<Value, StoreError> {
        let mut tables = Map::new();
        for table in TABLES {
            let rows = sqlx::query(table.select).fetch_all(self.pool()).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in &rows {
                let mut object = Map::new();
                for (name, kind) in table.columns {
                    let value = match kind {
                        Text => json!(row.try_get::<Option<String>, _>(*name)?),
                        Int => json!(row.try_get::<i64, _>(*name)?),
                        Float => json!(row.try_get::<f64, _>(*name)?),
                    };
                    object.insert((*name).to_string(), value);
                }
                out.push(Value::Object(object));
            }
            tables.insert(table.name.to_string(), Value::Array(out));
        }
        Ok(json!({"format": BACKUP_FORMAT, "tables": tables}))
    }

    /// Restores a backup into an empty database, in one transaction.
    pub async fn restore(&self, backup: &Value) -> Result<usize, StoreError> {
        if backup.get("format").and_then(Value::as_str) != Some(BACKUP_FORMAT) {
            return Err(StoreError::Corrupt(format!(
                "not an aimsgap backup: expected \"format\": \"{BACKUP_FORMAT}\""
            )));
        }
        let existing: i64 = sqlx::query("SELECT COUNT(*) AS n FROM users")
            .fetch_one(self.pool())
            .await?
            .try_get("n")?;
        if existing > 0 {
            return Err(StoreError::Exists(
                "data in the target database (restore needs an empty one)".into(),
            ));
        }
        let mut restored = 0;
        let mut tx = self.write().await?;
        for table in TABLES {
            let rows = backup
                .pointer(&format!("/tables/{}", table.name))
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            for (i, row) in rows.iter().enumerate() {
                let mut query = sqlx::query(table.insert);
                for (name, kind) in table.columns {
                    let value = row.get(*name).unwrap_or(&Value::Null);
                    let where_ = || format!("{}[{i}].{name}", table.name);
                    query = match kind {
                        Text => query.bind(value.as_str().map(str::to_string)),
                        Int => query.bind(value.as_i64().ok_or_else(|| {
                            StoreError::Corrupt(format!("{}: expected an integer", where_()))
                        })?),
                        Float => query.bind(value.as_f64().ok_or_else(|| {
                            StoreError::Corrupt(format!("{}: expected a number", where_()))
                        })?),
                    };
                }
                query.execute(&mut *tx).await?;
                restored += 1;
            }
        }
        tx.commit().await?;
        Ok(restored)
    }
}
