//! Several answers written at once, all or nothing: a workbook import applies every change in
//! one transaction, each with its history entry, or none when any answer moved since it was
//! read.

use crate::store::{ANSWERS, ItemWrite};
use crate::{Store, StoreError, Versioned, now_rfc3339};
use serde_json::Value;

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
        let mut saved = Vec::with_capacity(writes.len());
        for write in writes {
            let item = ItemWrite {
                part: &ANSWERS,
                assessment_id,
                key: &write.requirement,
                value: Some(&write.value),
                expected: write.expected,
                actor,
                now: &now,
            };
            let done = self.write_item(&mut tx, &item).await?;
            if !done {
                tx.rollback().await?;
                return Err(StoreError::Conflict(
                    self.answer(assessment_id, &write.requirement).await?,
                ));
            }
            saved.push(item.written());
        }
        tx.commit().await?;
        Ok(saved)
    }
}
