//! Who is calling: a session cookie (browsers; state-changing requests need the CSRF token) or
//! an API token (`Authorization: Bearer ...`, for automation; no cookie, so no CSRF).

use crate::AppState;
use crate::error::ApiError;
use crate::security;
use aimsgap_store::User;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

/// How the caller authenticated.
#[derive(Clone, Debug)]
pub enum Via {
    Session { secret: String, csrf: String },
    Token,
}

/// An authenticated caller.
#[derive(Clone, Debug)]
pub struct Auth {
    pub user: User,
    pub via: Via,
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Auth, ApiError> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let token = value
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or(ApiError::Unauthenticated)?;
            let user = state
                .store
                .api_token_user(token.trim())
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            return Ok(Auth {
                user,
                via: Via::Token,
            });
        }
        let secret = security::cookie(&parts.headers, security::SESSION_COOKIE)
            .ok_or(ApiError::Unauthenticated)?;
        let (user, csrf) = state
            .store
            .session(&secret)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        if security::is_unsafe(&parts.method) {
            security::check_csrf(&parts.headers, &csrf)?;
        }
        Ok(Auth {
            user,
            via: Via::Session { secret, csrf },
        })
    }
}
