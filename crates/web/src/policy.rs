//! The authorisation policy, in one place: which role may do what ([`allowed`]), and the checks
//! that find the caller's role in an organisation or an assessment's. Whoever is not a member
//! gets `NotFound`, never `Forbidden`, so nothing tells an outsider what exists.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::{Access, AppState};
use aimsgap_store::{ItemContext, Role};

/// Whether a member with `role` may use a route of `access`.
pub(crate) fn allowed(role: Role, access: Access) -> bool {
    match access {
        Access::Public | Access::User | Access::OrgMember | Access::Read => true,
        Access::Export => role != Role::Viewer,
        Access::Edit | Access::OrgEditor => role.can_edit(),
        Access::OrgOwner => role.can_manage(),
        Access::OrgAudit => matches!(role, Role::Owner | Role::Auditor),
    }
}

/// The caller's role in an organisation; not a member is `NotFound` (no existence leak).
pub(crate) async fn org_role(state: &AppState, auth: &Auth, org: &str) -> ApiResult<Role> {
    let role = state
        .store
        .role(org, &auth.user.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    crate::ops::two_factor::enforce(state, auth, org).await?;
    Ok(role)
}

/// The caller's role in an organisation if it allows `access`.
pub(crate) async fn org_access(
    state: &AppState,
    auth: &Auth,
    org: &str,
    access: Access,
) -> ApiResult<Role> {
    let role = org_role(state, auth, org).await?;
    if allowed(role, access) {
        Ok(role)
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Authorises a request on an assessment: the organisation and current revision.
pub(crate) async fn assessment_access(
    state: &AppState,
    auth: &Auth,
    id: &str,
    access: Access,
) -> ApiResult<(String, i64)> {
    let (org, revision, _) = assessment_role(state, auth, id, access).await?;
    Ok((org, revision))
}

/// Authorises a request on an assessment: the organisation, current revision and the caller's
/// role there, from one read.
pub(crate) async fn assessment_role(
    state: &AppState,
    auth: &Auth,
    id: &str,
    access: Access,
) -> ApiResult<(String, i64, Role)> {
    let (org, revision, role) = state
        .store
        .assessment_access(id, &auth.user.id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let role = member_allowed(state, auth, &org, role, access).await?;
    Ok((org, revision, role))
}

/// Authorises a write of one item of an assessment and returns what the item is judged
/// against, from one read (two with `systems`, the AI systems' ids): a round trip fewer than
/// [`assessment_access`] and then the context.
pub(crate) async fn item_access(
    state: &AppState,
    auth: &Auth,
    id: &str,
    access: Access,
    systems: bool,
) -> ApiResult<ItemContext> {
    let found = state
        .store
        .item_access(id, &auth.user.id, systems)
        .await?
        .ok_or(ApiError::NotFound)?;
    member_allowed(state, auth, &found.org_id, found.role, access).await?;
    Ok(found.context)
}

/// The caller's role in the assessment's organisation `org` if it allows `access`. Not a
/// member of it: not found, so nothing leaks.
async fn member_allowed(
    state: &AppState,
    auth: &Auth,
    org: &str,
    role: Option<Role>,
    access: Access,
) -> ApiResult<Role> {
    let role = role.ok_or(ApiError::NotFound)?;
    if !allowed(role, access) {
        return Err(ApiError::Forbidden);
    }
    crate::ops::two_factor::enforce(state, auth, org).await?;
    Ok(role)
}
