//! Health, sign-up, sign-in and out, the caller, and their API tokens.

use super::json::ApiJson;
use super::wire as convert;
use crate::AppState;
use crate::audit::{Event, Origin};
use crate::auth::{Auth, Via};
use crate::error::ApiResult;
use crate::ops::accounts::{check_login, create_account, text};
use crate::sessions::{cleared_cookie, new_session, same_site};
use aimsgap_wire::api as wire;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub(crate) async fn healthz(State(state): State<AppState>) -> (StatusCode, Json<wire::Health>) {
    match state.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(wire::Health {
                status: wire::HealthStatus::Ok,
            }),
        ),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(wire::Health {
                    status: wire::HealthStatus::Unavailable,
                }),
            )
        }
    }
}

async fn start_session(
    state: &AppState,
    user: &aimsgap_store::User,
    status: StatusCode,
) -> ApiResult<Response> {
    let (csrf, cookie) = new_session(state, user).await?;
    let body = wire::Session {
        user: convert::user(user),
        csrf,
    };
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

pub(crate) async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    ApiJson(body): ApiJson<wire::SignupRequest>,
) -> ApiResult<Response> {
    same_site(&headers)?;
    let email = text("email", &body.email, 254)?;
    let name = text("name", &body.name, 200)?;
    let user = create_account(&state, &headers, &extensions, email, name, &body.password).await?;
    start_session(&state, &user, StatusCode::CREATED).await
}

pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    ApiJson(body): ApiJson<wire::LoginRequest>,
) -> ApiResult<Response> {
    same_site(&headers)?;
    crate::oidc::password_allowed(&state)?;
    let email = text("email", &body.email, 254)?;
    let user = check_login(&state, &headers, &extensions, email, &body.password).await?;
    crate::ops::two_factor::login_code(&state, &headers, &extensions, &user, body.code.as_deref())
        .await?;
    crate::ops::audit::signed_in(&state, &headers, &extensions, &user).await?;
    start_session(&state, &user, StatusCode::OK).await
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
) -> ApiResult<Response> {
    if let Via::Session { secret, .. } = &auth.via {
        state.store.delete_session(secret).await?;
    }
    Event::SignedOut
        .by(&auth.user)
        .record(&state, &origin)
        .await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Some(value) = cleared_cookie(&state) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

pub(crate) async fn logout_all(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
) -> ApiResult<Json<wire::SessionsEnded>> {
    let sessions_ended = state.store.delete_sessions_of(&auth.user.id).await?;
    let detail = format!("every session: {sessions_ended} ended");
    let record = Event::SessionsEnded.by(&auth.user).detail(detail);
    record.record(&state, &origin).await?;
    Ok(Json(wire::SessionsEnded { sessions_ended }))
}

pub(crate) async fn me(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<wire::Me>> {
    let orgs = state.store.organizations_of(&auth.user.id).await?;
    let csrf = match &auth.via {
        Via::Session { csrf, .. } => Some(csrf.clone()),
        Via::Token => None,
    };
    Ok(Json(wire::Me {
        user: convert::user(&auth.user),
        csrf,
        organizations: orgs
            .iter()
            .map(|(o, r)| wire::Membership {
                id: o.id.clone(),
                name: o.name.clone(),
                role: convert::role(*r),
            })
            .collect(),
    }))
}

pub(crate) async fn list_tokens(
    State(state): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<wire::TokenList>> {
    let tokens = state.store.api_tokens(&auth.user.id).await?;
    Ok(Json(wire::TokenList {
        tokens: tokens
            .iter()
            .map(|t| wire::Token {
                id: t.id.clone(),
                name: t.name.clone(),
                created_at: t.created_at.clone(),
                expires_at: t.expires_at.clone(),
            })
            .collect(),
    }))
}

pub(crate) async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    ApiJson(body): ApiJson<wire::TokenRequest>,
) -> ApiResult<(StatusCode, Json<wire::CreatedToken>)> {
    let days = body.expires_in_days;
    let (token, secret) =
        crate::ops::people::create_token(&state, &auth, &body.name, days, &origin).await?;
    Ok((
        StatusCode::CREATED,
        Json(wire::CreatedToken {
            id: token.id,
            name: token.name,
            created_at: token.created_at,
            expires_at: token.expires_at.unwrap_or_default(),
            token: secret,
            note: "shown once: only its hash is stored".into(),
        }),
    ))
}

pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    origin: Origin,
    Path(token): Path<String>,
) -> ApiResult<StatusCode> {
    crate::ops::people::revoke_token(&state, &auth, &token, &origin).await?;
    Ok(StatusCode::NO_CONTENT)
}
