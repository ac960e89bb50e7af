//! The authorisation policy, in one place: which role may do what ([`allowed`]), and the checks
//! that find the caller's role in an organisation or an assessment's. Whoever is not a member
//! gets `NotFound`, never `Forbidden`, so nothing tells an outsider what exists.

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::{Access, AppState};
use aimsgap_store::Role;

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
    // Not a member of the assessment's organisation: not found, so nothing leaks.
    let role = role.ok_or(ApiError::NotFound)?;
    if !allowed(role, access) {
        return Err(ApiError::Forbidden);
    }
    crate::ops::two_factor::enforce(state, auth, &org).await?;
    Ok((org, revision, role))
}
