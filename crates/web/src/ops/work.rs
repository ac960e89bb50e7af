//! Work management, shared by the pages and the API: the owner, due date and state of a
//! requirement or work package, the comments on them, and a member's work across their
//! organisations. Who may do what is decided here (reading needs a member, changing needs an
//! editor; the store adds that only an author edits a comment, and an author or an owner
//! deletes one). "Done" is a claim about the work and changes no answer.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::{Access, AppState, policy};
use aimsgap_catalog::Date;
use aimsgap_store::{AssignedWork, Comment, WorkFields, WorkItem, WorkState};
use std::collections::BTreeMap;

/// How many days ahead "due this week" looks: today and the 7 days after it.
pub(crate) const WEEK_DAYS: i64 = 7;

/// What a target names, once checked against the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Target {
    /// `requirement:<id>`: an ISO/IEC 42001 requirement (or a group of them).
    Requirement(String),
    /// `package:<id>`: a work package, named after its clause or control.
    Package(String),
}

impl Target {
    /// The id of the requirement or of the package's clause or control.
    pub(crate) fn id(&self) -> &str {
        match self {
            Target::Requirement(id) | Target::Package(id) => id,
        }
    }

    pub(crate) fn key(&self) -> String {
        match self {
            Target::Requirement(id) => format!("requirement:{id}"),
            Target::Package(id) => format!("package:{id}"),
        }
    }
}

/// Reads a target: `requirement:<id>` or `package:<id>` with an id of the ISO/IEC 42001
/// catalog; anything else does not exist here (404), like an unknown requirement's page.
pub(crate) fn target(state: &AppState, text: &str) -> ApiResult<Target> {
    let target = if let Some(id) = text.strip_prefix("requirement:") {
        Target::Requirement(id.to_string())
    } else if let Some(id) = text.strip_prefix("package:") {
        Target::Package(id.to_string())
    } else {
        return Err(ApiError::NotFound);
    };
    state
        .catalog
        .framework(aimsgap_assess::TARGET)
        .and_then(|iso| iso.get(target.id()))
        .ok_or(ApiError::NotFound)?;
    Ok(target)
}

/// Trims a form's or a request's text; blank is absent.
pub(crate) fn given(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// Every work item of an assessment and the comment counts per target.
pub(crate) async fn items(
    state: &AppState,
    auth: &Auth,
    id: &str,
) -> ApiResult<(Vec<WorkItem>, BTreeMap<String, u64>)> {
    policy::assessment_access(state, auth, id, Access::Read).await?;
    let items = state.store.work_items(id).await?;
    let counts = state.store.comment_counts(id).await?;
    Ok((items, counts))
}

/// Sets the owner, due date and state of a target if its version is still `version`;
/// returns the new version. A member owner must belong to the organisation (422 naming
/// `owner_user`); a stale version is a conflict with the current fields.
pub(crate) async fn save(
    state: &AppState,
    auth: &Auth,
    id: &str,
    target: &Target,
    version: i64,
    fields: &WorkFields,
) -> ApiResult<i64> {
    policy::assessment_access(state, auth, id, Access::Edit).await?;
    Ok(state
        .store
        .put_work_item(id, &target.key(), version, fields, &auth.user.id)
        .await?)
}

/// The comments of an assessment, or of one target.
pub(crate) async fn comments(
    state: &AppState,
    auth: &Auth,
    id: &str,
    target: Option<&Target>,
) -> ApiResult<Vec<Comment>> {
    policy::assessment_access(state, auth, id, Access::Read).await?;
    let key = target.map(Target::key);
    Ok(state.store.comments(id, key.as_deref()).await?)
}

pub(crate) async fn add_comment(
    state: &AppState,
    auth: &Auth,
    id: &str,
    target: &Target,
    body: &str,
) -> ApiResult<Comment> {
    policy::assessment_access(state, auth, id, Access::Edit).await?;
    Ok(state
        .store
        .add_comment(id, &target.key(), body, &auth.user.id)
        .await?)
}

/// Changes a comment's text: only its author may (403 otherwise).
pub(crate) async fn edit_comment(
    state: &AppState,
    auth: &Auth,
    id: &str,
    comment: &str,
    body: &str,
) -> ApiResult<Comment> {
    policy::assessment_access(state, auth, id, Access::Edit).await?;
    Ok(state
        .store
        .edit_comment(id, comment, body, &auth.user.id)
        .await?)
}

/// Deletes a comment: its author or an owner may (403 otherwise).
pub(crate) async fn delete_comment(
    state: &AppState,
    auth: &Auth,
    id: &str,
    comment: &str,
) -> ApiResult<()> {
    policy::assessment_access(state, auth, id, Access::Edit).await?;
    Ok(state
        .store
        .delete_comment(id, comment, &auth.user.id)
        .await?)
}

/// When a work item falls due, as the lists group it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Due {
    Overdue,
    ThisWeek,
    Later,
    Done,
}

/// Where an item falls on `today`: overdue (due before today, not done), due this week
/// (today to [`WEEK_DAYS`] days ahead), later (or no date), or done.
pub(crate) fn due(item: &WorkItem, today: Date) -> Due {
    if item.state == WorkState::Done {
        return Due::Done;
    }
    match item.due_date().map(|due| today.days_until(due)) {
        Some(days) if days < 0 => Due::Overdue,
        Some(days) if days <= WEEK_DAYS => Due::ThisWeek,
        _ => Due::Later,
    }
}

/// A member's work not done, grouped: overdue, due this week, later; soonest first.
pub(crate) struct MyWork {
    pub today: Date,
    pub overdue: Vec<AssignedWork>,
    pub this_week: Vec<AssignedWork>,
    pub later: Vec<AssignedWork>,
}

pub(crate) async fn my_work(state: &AppState, auth: &Auth) -> ApiResult<MyWork> {
    let today = crate::ops::today();
    let mut work = MyWork {
        today,
        overdue: Vec::new(),
        this_week: Vec::new(),
        later: Vec::new(),
    };
    let mut seen = Vec::new();
    for assigned in state.store.work_of(&auth.user.id).await? {
        if crate::ops::two_factor::hides(state, auth, &assigned.org_id, &mut seen).await? {
            continue;
        }
        match due(&assigned.item, today) {
            Due::Overdue => work.overdue.push(assigned),
            Due::ThisWeek => work.this_week.push(assigned),
            Due::Later => work.later.push(assigned),
            Due::Done => {}
        }
    }
    Ok(work)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(due: Option<&str>, state: WorkState) -> WorkItem {
        WorkItem {
            target: "requirement:5.2".into(),
            owner_user: None,
            owner_name: None,
            due: due.map(str::to_string),
            state,
            version: 1,
            updated_at: String::new(),
            updated_by: String::new(),
        }
    }

    #[test]
    fn due_groups_by_date_and_leaves_done_work_out() {
        let today = Date::parse("2026-12-02").unwrap_or_else(|e| panic!("{e}"));
        let check = |due_on: Option<&str>, state: WorkState, expected: Due| {
            assert_eq!(due(&item(due_on, state), today), expected, "{due_on:?}");
        };
        check(Some("2026-12-01"), WorkState::InProgress, Due::Overdue);
        check(Some("2026-12-02"), WorkState::NotStarted, Due::ThisWeek);
        check(Some("2026-12-09"), WorkState::InReview, Due::ThisWeek);
        check(Some("2026-12-10"), WorkState::NotStarted, Due::Later);
        check(None, WorkState::NotStarted, Due::Later);
        check(Some("2026-11-01"), WorkState::Done, Due::Done);
    }
}
