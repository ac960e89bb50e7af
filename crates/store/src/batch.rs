//! Several answers written at once, all or nothing: a workbook import applies every change in
//! one transaction, each with its history entry, or none when any answer moved since it was
//! read.

use crate::{Store, StoreError, Versioned, now_rfc3339};
use serde_json::Value;
use sqlx::Row;

type Result<T> = std::result::Result<T, StoreError>;

/// One answer to write: its requirement, its new value and the version it was read at (0: it
/// did not exist).
#[derive(Clone, Debug, PartialEq)]
pub struct AnswerWrite {
    pub requirement: String,
    pub value: Value,
    pub expected: i64,
}

impl Store {
    /// Writes every answer if each one's version is still the one it names; otherwise writes
    /// none and returns `Conflict` with the current value of the first one that moved. The
    /// changes and their history entries (entity `answer`) commit together. Returns the
    /// answers as saved, in the order given.
    pub async fn put_answers(
        &self,
        assessment_id: &str,
        writes: &[AnswerWrite],
        actor: &str,
    ) -> Result<Vec<Versioned>> {
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        for write in writes {
            let old = sqlx::query(
                "SELECT body, version FROM answers WHERE assessment_id = $1 AND requirement = $2",
            )
            .bind(assessment_id)
            .bind(&write.requirement)
            .fetch_optional(&mut *tx)
            .await?;
            let old_value: Option<Value> = match &old {
                Some(row) => Some(
                    serde_json::from_str(&row.try_get::<String, _>("body")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                ),
                None => None,
            };
            let body = write.value.to_string();
            let changed = if write.expected == 0 {
                sqlx::query("INSERT INTO answers (assessment_id, requirement, body, version, updated_at, updated_by) VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (assessment_id, requirement) DO NOTHING")
                    .bind(assessment_id)
                    .bind(&write.requirement)
                    .bind(&body)
                    .bind(&now)
                    .bind(actor)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            } else {
                sqlx::query("UPDATE answers SET body = $1, version = version + 1, updated_at = $2, updated_by = $3 WHERE assessment_id = $4 AND requirement = $5 AND version = $6")
                    .bind(&body)
                    .bind(&now)
                    .bind(actor)
                    .bind(assessment_id)
                    .bind(&write.requirement)
                    .bind(write.expected)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
            };
            if changed == 0 {
                tx.rollback().await?;
                return Err(StoreError::Conflict(
                    self.answer(assessment_id, &write.requirement).await?,
                ));
            }
            self.record(
                &mut tx,
                assessment_id,
                actor,
                "answer",
                &write.requirement,
                old_value.as_ref(),
                Some(&write.value),
                &now,
            )
            .await?;
        }
        tx.commit().await?;
        let mut saved = Vec::with_capacity(writes.len());
        for write in writes {
            saved.push(self.answer(assessment_id, &write.requirement).await?);
        }
        Ok(saved)
    }
}
