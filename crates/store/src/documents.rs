//! An assessment's document read for assessing it: its content only (no versions, no names),
//! in one query, each stored piece parsed straight into its type. This is the read of every
//! result computed on first touch.

use crate::store::{Store, StoreError};
use aimsgap_wire::assessment::{AiSystem, Answer, Document, Profile};
use serde::de::DeserializeOwned;
use sqlx::Row;

type Result<T> = std::result::Result<T, StoreError>;

fn piece<T: DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|error| {
        StoreError::Corrupt(format!(
            "stored {what} is not a valid piece of an assessment: {error}"
        ))
    })
}

impl Store {
    /// The assessment file an assessment holds, as [`crate::StoredAssessment::document`] gives
    /// it, in one read; `None` when there is no such assessment.
    pub async fn assessment_document(&self, id: &str) -> Result<Option<Document>> {
        let rows = sqlx::query(
            "SELECT 'p' AS part, '' AS item, profile AS body, 0 AS position FROM assessments WHERE id = $1 \
             UNION ALL SELECT 's', system_id, body, position FROM ai_systems WHERE assessment_id = $1 \
             UNION ALL SELECT 'a', requirement, body, 0 FROM answers WHERE assessment_id = $1 \
             ORDER BY part, position, item",
        )
        .bind(id)
        .fetch_all(self.pool())
        .await?;
        let mut profile: Option<Profile> = None;
        let mut systems = Vec::new();
        let mut answers = Vec::new();
        for row in &rows {
            let part: String = row.try_get("part")?;
            let item: String = row.try_get("item")?;
            let body: String = row.try_get("body")?;
            match part.as_str() {
                "p" => profile = Some(piece("profile", &body)?),
                "s" => systems.push(piece::<AiSystem>(&format!("ai_systems.{item}"), &body)?),
                _ => answers.push((
                    item.clone(),
                    piece::<Answer>(&format!("answers.{item}"), &body)?,
                )),
            }
        }
        Ok(profile.map(|profile| Document::from_parts(profile, systems, answers)))
    }
}
