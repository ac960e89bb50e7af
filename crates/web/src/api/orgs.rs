//! Organisations, their members and invitations.

use super::json::ApiJson;
use super::wire as convert;
use crate::audit::Origin;
use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::ops::accounts::{
    pending_invitations, remove_member as remove, revoke_invitation as revoke, set_role, text,
};
use crate::{Access, AppState, policy};
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

pub(crate) async fn list_orgs(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<wire::OrganizationList>> {
    let orgs = state.store.organizations_of(&auth.user.id).await?;
    Ok(Json(wire::OrganizationList {
        organizations: orgs
            .iter()
            .map(|(o, r)| wire::Organization {
                id: o.id.clone(),
                name: o.name.clone(),
                role: convert::role(*r),
                created_at: o.created_at.clone(),
            })
            .collect(),
    }))
}

pub(crate) async fn create_org(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<wire::OrganizationRequest>,
) -> ApiResult<(StatusCode, Json<wire::CreatedOrganization>)> {
    let name = text("name", &body.name, 200)?;
    let org = state.store.create_organization(name, &auth.user.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(wire::CreatedOrganization {
            id: org.id,
            name: org.name,
            role: wire::Role::Owner,
        }),
    ))
}

pub(crate) async fn get_org(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
) -> ApiResult<Json<wire::Organization>> {
    let role = policy::org_access(&state, &auth, &org, Access::OrgMember).await?;
    let found = state
        .store
        .organization(&org)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(wire::Organization {
        id: found.id,
        name: found.name,
        role: convert::role(role),
        created_at: found.created_at,
    }))
}

pub(crate) async fn list_members(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
) -> ApiResult<Json<wire::MemberList>> {
    policy::org_access(&state, &auth, &org, Access::OrgMember).await?;
    let members = state.store.members(&org).await?;
    Ok(Json(wire::MemberList {
        members: members
            .iter()
            .map(|m| wire::Member {
                user: convert::user(&m.user),
                role: convert::role(m.role),
            })
            .collect(),
    }))
}

pub(crate) async fn set_member_role(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path((org, user)): Path<(String, String)>,
    ApiJson(body): ApiJson<wire::RoleRequest>,
) -> ApiResult<StatusCode> {
    let role = convert::store_role(body.role);
    set_role(&state, &auth, &org, &user, role, &origin).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn remove_member(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path((org, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    remove(&state, &auth, &org, &user, &origin).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn create_invitation(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path(org): Path<String>,
    ApiJson(body): ApiJson<wire::InvitationRequest>,
) -> ApiResult<(StatusCode, Json<wire::Invitation>)> {
    let days = body.days.unwrap_or(7).clamp(1, 30);
    let role = convert::store_role(body.role);
    let invited = crate::ops::invitation_mail::invite_by_mail(
        &state,
        &auth,
        &origin,
        &org,
        role,
        days,
        body.email.as_deref(),
    )
    .await?;
    let (id, secret) = (invited.id, invited.secret);
    Ok((
        StatusCode::CREATED,
        Json(wire::Invitation {
            id,
            accept: format!("/api/v1/invitations/{secret}/accept"),
            token: secret,
            role: body.role,
            expires_in_days: days,
            note: "one use; shown once".into(),
            mailed: matches!(invited.mailed, crate::ops::invitation_mail::Mailed::Sent(_)),
            mail_problem: invited.mailed.problem(),
        }),
    ))
}

pub(crate) async fn list_invitations(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
) -> ApiResult<Json<wire::InvitationList>> {
    let pending = pending_invitations(&state, &auth, &org).await?;
    Ok(Json(wire::InvitationList {
        invitations: pending
            .iter()
            .map(|invitation| wire::PendingInvitation {
                id: invitation.id.clone(),
                role: convert::role(invitation.role),
                created_by: invitation.created_by.as_ref().map(convert::user),
                created_at: invitation.created_at.clone(),
                expires_at: invitation.expires_at.clone(),
            })
            .collect(),
    }))
}

pub(crate) async fn revoke_invitation(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path((org, invitation)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    revoke(&state, &auth, &org, &invitation, &origin).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn accept_invitation(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path(token): Path<String>,
) -> ApiResult<Json<wire::Accepted>> {
    let (organization, role) =
        crate::ops::accounts::accept_invitation(&state, &auth, &token, &origin).await?;
    Ok(Json(wire::Accepted {
        organization,
        role: convert::role(role),
    }))
}
