//! Work management: owners, due dates and states of requirements and work packages, their
//! comments, and the caller's work across organisations.

use super::json::ApiJson;
use super::wire as convert;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::ops::work as ops;
use crate::{Access, AppState, policy};
use aimsgap_catalog::Date;
use aimsgap_store::WorkState;
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use std::collections::HashMap;

pub(crate) fn state_of(state: wire::WorkState) -> WorkState {
    match state {
        wire::WorkState::NotStarted => WorkState::NotStarted,
        wire::WorkState::InProgress => WorkState::InProgress,
        wire::WorkState::InReview => WorkState::InReview,
        wire::WorkState::Done => WorkState::Done,
    }
}

fn wire_state(state: WorkState) -> wire::WorkState {
    match state {
        WorkState::NotStarted => wire::WorkState::NotStarted,
        WorkState::InProgress => wire::WorkState::InProgress,
        WorkState::InReview => wire::WorkState::InReview,
        WorkState::Done => wire::WorkState::Done,
    }
}

fn item(item: aimsgap_store::WorkItem, today: Date) -> wire::WorkItem {
    wire::WorkItem {
        overdue: item.is_overdue(today),
        target: item.target,
        owner_user: item.owner_user,
        owner_name: item.owner_name,
        due: item.due,
        state: wire_state(item.state),
        version: item.version,
        updated_at: item.updated_at,
        updated_by: item.updated_by,
    }
}

fn comment(comment: aimsgap_store::Comment) -> wire::Comment {
    wire::Comment {
        id: comment.id,
        target: comment.target,
        author: comment.author,
        author_name: comment.author_name,
        body: comment.body,
        created_at: comment.created_at,
        edited_at: comment.edited_at,
        deleted: comment.deleted,
    }
}

fn assigned(work: aimsgap_store::AssignedWork, today: Date) -> wire::AssignedWork {
    wire::AssignedWork {
        assessment: work.assessment_id,
        assessment_name: work.assessment_name,
        organization: work.org_id,
        organization_name: work.org_name,
        item: item(work.item, today),
    }
}

pub(crate) async fn list_work(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<wire::WorkList>> {
    let (items, comment_counts) = ops::items(&state, &auth, &id).await?;
    let today = crate::ops::today();
    Ok(Json(wire::WorkList {
        items: items.into_iter().map(|i| item(i, today)).collect(),
        comment_counts,
        today: today.to_string(),
    }))
}

pub(crate) async fn put_work(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, target)): Path<(String, String)>,
    ApiJson(body): ApiJson<wire::WorkRequest>,
) -> ApiResult<Json<wire::WorkItem>> {
    policy::assessment_access(&state, &auth, &id, Access::Edit).await?;
    let target = ops::target(&state, &target)?;
    let version = convert::version(body.version)?;
    let fields = aimsgap_store::WorkFields {
        owner_user: ops::given(body.owner_user.as_deref()),
        owner_name: ops::given(body.owner_name.as_deref()),
        due: ops::given(body.due.as_deref()),
        state: state_of(body.state),
    };
    ops::save(&state, &auth, &id, &target, version, &fields).await?;
    let saved = state
        .store
        .work_item(&id, &target.key())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(item(saved, crate::ops::today())))
}

pub(crate) async fn list_comments(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<wire::CommentList>> {
    policy::assessment_access(&state, &auth, &id, Access::Read).await?;
    if let Some(unknown) = query.keys().find(|k| k.as_str() != "target") {
        return Err(ApiError::BadRequest(format!(
            "unknown query parameter `{unknown}` (expected `target`)"
        )));
    }
    let target = query
        .get("target")
        .map(|t| ops::target(&state, t))
        .transpose()?;
    let comments = ops::comments(&state, &auth, &id, target.as_ref()).await?;
    Ok(Json(wire::CommentList {
        comments: comments.into_iter().map(comment).collect(),
    }))
}

pub(crate) async fn add_comment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<wire::CommentRequest>,
) -> ApiResult<(StatusCode, Json<wire::Comment>)> {
    policy::assessment_access(&state, &auth, &id, Access::Edit).await?;
    let target = ops::target(&state, &body.target)?;
    let added = ops::add_comment(&state, &auth, &id, &target, &body.body).await?;
    Ok((StatusCode::CREATED, Json(comment(added))))
}

pub(crate) async fn edit_comment(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, comment_id)): Path<(String, String)>,
    ApiJson(body): ApiJson<wire::CommentEdit>,
) -> ApiResult<Json<wire::Comment>> {
    let edited = ops::edit_comment(&state, &auth, &id, &comment_id, &body.body).await?;
    Ok(Json(comment(edited)))
}

pub(crate) async fn delete_comment(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, comment_id)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    ops::delete_comment(&state, &auth, &id, &comment_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn my_work(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<wire::MyWork>> {
    let work = ops::my_work(&state, &auth).await?;
    let today = work.today;
    let list = |items: Vec<aimsgap_store::AssignedWork>| {
        items
            .into_iter()
            .map(|w| assigned(w, today))
            .collect::<Vec<_>>()
    };
    Ok(Json(wire::MyWork {
        today: today.to_string(),
        overdue: list(work.overdue),
        due_this_week: list(work.this_week),
        later: list(work.later),
    }))
}
