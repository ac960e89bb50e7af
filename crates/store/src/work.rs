//! Work management: who does what by when, and what people said about it.
//!
//! Each requirement and each work package of an assessment may have a [`WorkItem`]: an owner
//! (a member of the organisation, or the name of someone outside it such as a consultant), a
//! due date and a [`WorkState`]. Its state is a claim about the work, never an answer: marking
//! a work package done changes no answer and so no readiness. Comments hang off the same
//! targets. Every change commits together with its history entry (entity `work`, keyed by the
//! target; entity `comment`, keyed by the comment's id), so edited and deleted comment text
//! stays readable in the history.
//!
//! A target is `requirement:<requirement id>` or `package:<work package id>`, as the result
//! names them. The store checks a target's shape, not that the id exists in the catalog: the
//! engine's result, which knows the ids, belongs to the callers.

use crate::ids::{new_id, now_rfc3339};
use crate::store::{Role, Store, StoreError, Versioned};
use aimsgap_catalog::Date;
use aimsgap_wire::limits::{MAX_COMMENT_CHARS, MAX_NAME_CHARS, MAX_OWNER_NAME_CHARS, YEARS};
use serde_json::{Value, json};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

type Result<T> = std::result::Result<T, StoreError>;

/// Where a piece of work stands. "Done" is the owner's claim; the answer to the requirement
/// says what is in place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WorkState {
    #[default]
    NotStarted,
    InProgress,
    InReview,
    Done,
}

impl WorkState {
    pub const ALL: [WorkState; 4] = [
        WorkState::NotStarted,
        WorkState::InProgress,
        WorkState::InReview,
        WorkState::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WorkState::NotStarted => "not_started",
            WorkState::InProgress => "in_progress",
            WorkState::InReview => "in_review",
            WorkState::Done => "done",
        }
    }

    pub fn parse(text: &str) -> Option<WorkState> {
        WorkState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// How people read it: "not started", "in review".
    pub fn label(self) -> &'static str {
        match self {
            WorkState::NotStarted => "not started",
            WorkState::InProgress => "in progress",
            WorkState::InReview => "in review",
            WorkState::Done => "done",
        }
    }
}

/// The owner, due date and state of one requirement or work package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkItem {
    /// `requirement:<id>` or `package:<id>`.
    pub target: String,
    /// The member who owns it (a user id), if a member does.
    pub owner_user: Option<String>,
    /// The owner's name: the outsider's name as given, or for a member the member's name at
    /// read time.
    pub owner_name: Option<String>,
    /// YYYY-MM-DD.
    pub due: Option<String>,
    pub state: WorkState,
    pub version: i64,
    pub updated_at: String,
    /// The user id of who changed it last.
    pub updated_by: String,
}

impl WorkItem {
    /// Overdue on `today`: due before it and not done.
    pub fn is_overdue(&self, today: Date) -> bool {
        self.state != WorkState::Done
            && self.due_date().is_some_and(|due| due.days_until(today) > 0)
    }

    /// The due date, when it has one that reads as a date.
    pub fn due_date(&self) -> Option<Date> {
        self.due.as_deref().and_then(|d| Date::parse(d).ok())
    }
}

/// What a write sets: the whole of a work item but its bookkeeping.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkFields {
    /// A member of the assessment's organisation (a user id); exclusive with `owner_name`.
    pub owner_user: Option<String>,
    /// Someone outside the organisation, by name ("Jane Doe (consultant)").
    pub owner_name: Option<String>,
    /// YYYY-MM-DD.
    pub due: Option<String>,
    pub state: WorkState,
}

impl WorkFields {
    /// The fields as the history records them.
    pub fn to_json(&self) -> Value {
        json!({
            "owner_user": self.owner_user,
            "owner_name": self.owner_name,
            "due": self.due,
            "state": self.state.as_str(),
        })
    }
}

/// A work item of a member, with where it belongs (for "my work" across organisations).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssignedWork {
    pub assessment_id: String,
    pub assessment_name: String,
    pub org_id: String,
    pub org_name: String,
    pub item: WorkItem,
}

/// A comment on a requirement or a work package.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub id: String,
    pub target: String,
    /// The author's user id.
    pub author: String,
    /// The author's name at read time (empty if the account no longer exists).
    pub author_name: String,
    /// The current text; empty for a deleted comment (its text is in the history).
    pub body: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub deleted: bool,
}

fn invalid(field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid {
        field: field.to_string(),
        message: message.into(),
    }
}

/// A short quotation of a refused value for messages.
fn quoted(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short:?}...")
    } else {
        format!("{short:?}")
    }
}

/// Checks a target's shape: `requirement:<id>` or `package:<id>`, the id a name's length at
/// most, without control characters.
pub fn check_target(target: &str) -> Result<()> {
    let id = target
        .strip_prefix("requirement:")
        .or_else(|| target.strip_prefix("package:"));
    match id {
        Some(id)
            if !id.trim().is_empty()
                && id.chars().count() <= MAX_NAME_CHARS
                && !id.chars().any(char::is_control) =>
        {
            Ok(())
        }
        _ => Err(invalid(
            "target",
            format!(
                "expected requirement:<id> or package:<id> (an id of at most {MAX_NAME_CHARS} characters), found {}",
                quoted(target)
            ),
        )),
    }
}

/// Checks the fields of a work item but the membership of its owner.
fn check_fields(fields: &WorkFields) -> Result<()> {
    if fields.owner_user.is_some() && fields.owner_name.is_some() {
        return Err(invalid(
            "owner_name",
            "give either a member or the name of someone outside the organisation, not both",
        ));
    }
    if let Some(name) = &fields.owner_name {
        let length = name.chars().count();
        if name.trim().is_empty() {
            return Err(invalid(
                "owner_name",
                "expected a name, found an empty text",
            ));
        }
        if length > MAX_OWNER_NAME_CHARS {
            return Err(invalid(
                "owner_name",
                format!("{length} characters, at most {MAX_OWNER_NAME_CHARS}"),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(invalid(
                "owner_name",
                "expected a name on one line, found control characters",
            ));
        }
    }
    if let Some(due) = &fields.due {
        match Date::parse(due) {
            Ok(date) if date.to_string() == *due && YEARS.contains(&date.year()) => {}
            _ => {
                return Err(invalid(
                    "due",
                    format!(
                        "expected a date YYYY-MM-DD in the years {} to {}, found {}",
                        YEARS.start(),
                        YEARS.end(),
                        quoted(due)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// A comment's text: not blank, at most [`MAX_COMMENT_CHARS`] characters.
fn check_body(body: &str) -> Result<()> {
    if body.trim().is_empty() {
        return Err(invalid("body", "expected a comment, found an empty text"));
    }
    let length = body.chars().count();
    if length > MAX_COMMENT_CHARS {
        return Err(invalid(
            "body",
            format!("{length} characters, at most {MAX_COMMENT_CHARS}"),
        ));
    }
    Ok(())
}

fn state_from(row: &AnyRow) -> Result<WorkState> {
    let state: String = row.try_get("state")?;
    WorkState::parse(&state).ok_or_else(|| StoreError::Corrupt(format!("work state {state}")))
}

fn item_from(row: &AnyRow) -> Result<WorkItem> {
    let owner_user: Option<String> = row.try_get("owner_user")?;
    let member_name: Option<String> = row.try_get("member_name")?;
    let outsider: Option<String> = row.try_get("owner_name")?;
    Ok(WorkItem {
        target: row.try_get("target")?,
        owner_name: if owner_user.is_some() {
            member_name
        } else {
            outsider
        },
        owner_user,
        due: row.try_get("due")?,
        state: state_from(row)?,
        version: row.try_get("version")?,
        updated_at: row.try_get("updated_at")?,
        updated_by: row.try_get("updated_by")?,
    })
}

fn fields_from(row: &AnyRow) -> Result<WorkFields> {
    Ok(WorkFields {
        owner_user: row.try_get("owner_user")?,
        owner_name: row.try_get("owner_name")?,
        due: row.try_get("due")?,
        state: state_from(row)?,
    })
}

fn comment_from(row: &AnyRow) -> Result<Comment> {
    let deleted_at: Option<String> = row.try_get("deleted_at")?;
    let author_name: Option<String> = row.try_get("author_name")?;
    Ok(Comment {
        id: row.try_get("id")?,
        target: row.try_get("target")?,
        author: row.try_get("author")?,
        author_name: author_name.unwrap_or_default(),
        body: if deleted_at.is_some() {
            String::new()
        } else {
            row.try_get("body")?
        },
        created_at: row.try_get("created_at")?,
        edited_at: row.try_get("edited_at")?,
        deleted: deleted_at.is_some(),
    })
}

/// A static query reading work items with their member owner's name: the columns, then `$rest`.
macro_rules! items {
    ($rest:literal) => {
        concat!(
            "SELECT w.target, w.owner_user, w.owner_name, u.name AS member_name, w.due, w.state, w.version, w.updated_at, w.updated_by",
            $rest
        )
    };
}

/// A static query reading comments with their author's name, then `$rest`.
macro_rules! comments {
    ($rest:literal) => {
        concat!(
            "SELECT c.id, c.target, c.author, u.name AS author_name, c.body, c.created_at, c.edited_at, c.deleted_at FROM comments c LEFT JOIN users u ON u.id = c.author",
            $rest
        )
    };
}

fn comment_json(target: &str, body: &str) -> Value {
    json!({"target": target, "body": body})
}

impl Store {
    /// Every work item of an assessment, ordered by target.
    pub async fn work_items(&self, assessment_id: &str) -> Result<Vec<WorkItem>> {
        let rows = sqlx::query(items!(
            " FROM work_items w LEFT JOIN users u ON u.id = w.owner_user WHERE w.assessment_id = $1 ORDER BY w.target"
        ))
        .bind(assessment_id)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(item_from).collect()
    }

    /// One work item (`None` when nobody set anything on the target yet).
    pub async fn work_item(&self, assessment_id: &str, target: &str) -> Result<Option<WorkItem>> {
        let row = sqlx::query(items!(
            " FROM work_items w LEFT JOIN users u ON u.id = w.owner_user WHERE w.assessment_id = $1 AND w.target = $2"
        ))
        .bind(assessment_id)
        .bind(target)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(item_from).transpose()
    }

    /// The work items a member owns in the organisations they still belong to, due first
    /// (soonest first), then those without a date.
    pub async fn work_of(&self, user_id: &str) -> Result<Vec<AssignedWork>> {
        let rows = sqlx::query(items!(
            ", a.id AS assessment_id, a.name AS assessment_name, o.id AS org_id, o.name AS org_name FROM work_items w JOIN assessments a ON a.id = w.assessment_id JOIN organizations o ON o.id = a.org_id JOIN memberships m ON m.org_id = a.org_id AND m.user_id = w.owner_user LEFT JOIN users u ON u.id = w.owner_user WHERE w.owner_user = $1 ORDER BY a.id, w.target"
        ))
        .bind(user_id)
        .fetch_all(self.pool())
        .await?;
        let mut work = rows
            .iter()
            .map(|row| {
                Ok(AssignedWork {
                    assessment_id: row.try_get("assessment_id")?,
                    assessment_name: row.try_get("assessment_name")?,
                    org_id: row.try_get("org_id")?,
                    org_name: row.try_get("org_name")?,
                    item: item_from(row)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        // Both backends sort nulls differently; sort here: dated first, soonest first.
        work.sort_by(|a, b| {
            (a.item.due.is_none(), &a.item.due).cmp(&(b.item.due.is_none(), &b.item.due))
        });
        Ok(work)
    }

    /// Sets a work item's owner, due date and state if its version is still
    /// `expected_version` (0: it does not exist yet); otherwise changes nothing and returns
    /// `Conflict` with the current fields. The owner, when a member, must belong to the
    /// assessment's organisation (`Invalid` on `owner_user` otherwise). The change and its
    /// history entry (entity `work`) commit together. Returns the new version.
    pub async fn put_work_item(
        &self,
        assessment_id: &str,
        target: &str,
        expected_version: i64,
        fields: &WorkFields,
        actor: &str,
    ) -> Result<i64> {
        check_target(target)?;
        check_fields(fields)?;
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        let org: String = sqlx::query("SELECT org_id FROM assessments WHERE id = $1")
            .bind(assessment_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?
            .try_get("org_id")?;
        if let Some(owner) = &fields.owner_user {
            let member =
                sqlx::query("SELECT user_id FROM memberships WHERE org_id = $1 AND user_id = $2")
                    .bind(&org)
                    .bind(owner)
                    .fetch_optional(&mut *tx)
                    .await?;
            if member.is_none() {
                tx.rollback().await?;
                return Err(invalid(
                    "owner_user",
                    format!(
                        "{} is not a member of the assessment's organisation (name someone outside it as owner_name instead)",
                        quoted(owner)
                    ),
                ));
            }
        }
        let old = sqlx::query("SELECT owner_user, owner_name, due, state, version, updated_at, updated_by FROM work_items WHERE assessment_id = $1 AND target = $2")
            .bind(assessment_id)
            .bind(target)
            .fetch_optional(&mut *tx)
            .await?;
        let current = match &old {
            Some(row) => Some((fields_from(row)?, row.try_get::<i64, _>("version")?)),
            None => None,
        };
        let matches = match &current {
            None => expected_version == 0,
            Some((_, version)) => *version == expected_version,
        };
        let changed = if !matches {
            0
        } else if expected_version == 0 {
            sqlx::query("INSERT INTO work_items (assessment_id, target, owner_user, owner_name, due, state, version, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8) ON CONFLICT (assessment_id, target) DO NOTHING")
                .bind(assessment_id)
                .bind(target)
                .bind(fields.owner_user.as_deref())
                .bind(fields.owner_name.as_deref())
                .bind(fields.due.as_deref())
                .bind(fields.state.as_str())
                .bind(&now)
                .bind(actor)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        } else {
            sqlx::query("UPDATE work_items SET owner_user = $1, owner_name = $2, due = $3, state = $4, version = version + 1, updated_at = $5, updated_by = $6 WHERE assessment_id = $7 AND target = $8 AND version = $9")
                .bind(fields.owner_user.as_deref())
                .bind(fields.owner_name.as_deref())
                .bind(fields.due.as_deref())
                .bind(fields.state.as_str())
                .bind(&now)
                .bind(actor)
                .bind(assessment_id)
                .bind(target)
                .bind(expected_version)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        };
        if changed == 0 {
            tx.rollback().await?;
            return Err(StoreError::Conflict(
                self.work_versioned(assessment_id, target).await?,
            ));
        }
        let old_json = current.as_ref().map(|(fields, _)| fields.to_json());
        self.record(
            &mut tx,
            assessment_id,
            actor,
            "work",
            target,
            old_json.as_ref(),
            Some(&fields.to_json()),
            &now,
        )
        .await?;
        tx.commit().await?;
        Ok(expected_version + 1)
    }

    /// A work item's fields as a versioned value (version 0 when it does not exist), as a
    /// conflict returns it.
    async fn work_versioned(&self, assessment_id: &str, target: &str) -> Result<Versioned> {
        let row = sqlx::query("SELECT owner_user, owner_name, due, state, version, updated_at, updated_by FROM work_items WHERE assessment_id = $1 AND target = $2")
            .bind(assessment_id)
            .bind(target)
            .fetch_optional(self.pool())
            .await?;
        Ok(match row {
            Some(row) => Versioned {
                key: target.to_string(),
                value: Some(fields_from(&row)?.to_json()),
                version: row.try_get("version")?,
                updated_at: Some(row.try_get("updated_at")?),
                updated_by: Some(row.try_get("updated_by")?),
            },
            None => Versioned {
                key: target.to_string(),
                value: None,
                version: 0,
                updated_at: None,
                updated_by: None,
            },
        })
    }

    /// The comments of an assessment, or of one target, oldest first; deleted ones included
    /// (marked, without their text).
    pub async fn comments(
        &self,
        assessment_id: &str,
        target: Option<&str>,
    ) -> Result<Vec<Comment>> {
        let rows = match target {
            Some(target) => {
                sqlx::query(comments!(
                    " WHERE c.assessment_id = $1 AND c.target = $2 ORDER BY c.id"
                ))
                .bind(assessment_id)
                .bind(target)
                .fetch_all(self.pool())
                .await?
            }
            None => {
                sqlx::query(comments!(" WHERE c.assessment_id = $1 ORDER BY c.id"))
                    .bind(assessment_id)
                    .fetch_all(self.pool())
                    .await?
            }
        };
        rows.iter().map(comment_from).collect()
    }

    /// One comment of an assessment.
    pub async fn comment(&self, assessment_id: &str, id: &str) -> Result<Option<Comment>> {
        let row = sqlx::query(comments!(" WHERE c.assessment_id = $1 AND c.id = $2"))
            .bind(assessment_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(comment_from).transpose()
    }

    /// The number of comments not deleted, per target.
    pub async fn comment_counts(&self, assessment_id: &str) -> Result<BTreeMap<String, u64>> {
        let rows = sqlx::query("SELECT target, COUNT(*) AS n FROM comments WHERE assessment_id = $1 AND deleted_at IS NULL GROUP BY target")
            .bind(assessment_id)
            .fetch_all(self.pool())
            .await?;
        rows.iter()
            .map(|row| {
                let n: i64 = row.try_get("n")?;
                Ok((row.try_get("target")?, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
    }

    /// Adds a comment by `actor` on a target, with its history entry.
    pub async fn add_comment(
        &self,
        assessment_id: &str,
        target: &str,
        body: &str,
        actor: &str,
    ) -> Result<Comment> {
        check_target(target)?;
        check_body(body)?;
        let id = new_id()?;
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        sqlx::query("SELECT id FROM assessments WHERE id = $1")
            .bind(assessment_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        sqlx::query("INSERT INTO comments (id, assessment_id, target, author, body, created_at, edited_at, deleted_at) VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL)")
            .bind(&id)
            .bind(assessment_id)
            .bind(target)
            .bind(actor)
            .bind(body)
            .bind(&now)
            .execute(&mut *tx)
            .await?;
        self.record(
            &mut tx,
            assessment_id,
            actor,
            "comment",
            &id,
            None,
            Some(&comment_json(target, body)),
            &now,
        )
        .await?;
        tx.commit().await?;
        self.comment(assessment_id, &id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// A live comment in a write transaction, or `NotFound`.
    async fn live_comment(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        assessment_id: &str,
        id: &str,
    ) -> Result<(String, String, String)> {
        let row = sqlx::query("SELECT target, author, body FROM comments WHERE assessment_id = $1 AND id = $2 AND deleted_at IS NULL")
            .bind(assessment_id)
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((
            row.try_get("target")?,
            row.try_get("author")?,
            row.try_get("body")?,
        ))
    }

    /// Changes the text of a comment; only its author may (`Forbidden` otherwise). A deleted
    /// or unknown comment is `NotFound`. The old text stays in the history.
    pub async fn edit_comment(
        &self,
        assessment_id: &str,
        id: &str,
        body: &str,
        actor: &str,
    ) -> Result<Comment> {
        check_body(body)?;
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        let (target, author, old) = self.live_comment(&mut tx, assessment_id, id).await?;
        if author != actor {
            tx.rollback().await?;
            return Err(StoreError::Forbidden(
                "only its author may edit a comment".into(),
            ));
        }
        if old != body {
            sqlx::query("UPDATE comments SET body = $1, edited_at = $2 WHERE assessment_id = $3 AND id = $4 AND deleted_at IS NULL")
                .bind(body)
                .bind(&now)
                .bind(assessment_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            self.record(
                &mut tx,
                assessment_id,
                actor,
                "comment",
                id,
                Some(&comment_json(&target, &old)),
                Some(&comment_json(&target, body)),
                &now,
            )
            .await?;
        }
        tx.commit().await?;
        self.comment(assessment_id, id)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Deletes a comment (it stays, marked deleted, and its text stays in the history). Its
    /// author or an owner of the organisation may (`Forbidden` otherwise); a deleted or
    /// unknown comment is `NotFound`.
    pub async fn delete_comment(&self, assessment_id: &str, id: &str, actor: &str) -> Result<()> {
        let now = now_rfc3339();
        let mut tx = self.write().await?;
        let (target, author, old) = self.live_comment(&mut tx, assessment_id, id).await?;
        if author != actor {
            let role = sqlx::query("SELECT m.role FROM assessments a JOIN memberships m ON m.org_id = a.org_id AND m.user_id = $2 WHERE a.id = $1")
                .bind(assessment_id)
                .bind(actor)
                .fetch_optional(&mut *tx)
                .await?
                .map(|row| row.try_get::<String, _>("role"))
                .transpose()?;
            if role.as_deref().and_then(Role::parse) != Some(Role::Owner) {
                tx.rollback().await?;
                return Err(StoreError::Forbidden(
                    "only its author or an owner may delete a comment".into(),
                ));
            }
        }
        sqlx::query("UPDATE comments SET deleted_at = $1 WHERE assessment_id = $2 AND id = $3 AND deleted_at IS NULL")
            .bind(&now)
            .bind(assessment_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        self.record(
            &mut tx,
            assessment_id,
            actor,
            "comment",
            id,
            Some(&comment_json(&target, &old)),
            None,
            &now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
