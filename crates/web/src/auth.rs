//! Who is calling: a session cookie (browsers; state-changing requests need the CSRF token) or
//! an API token (`Authorization: Bearer ...`, for automation; no cookie, so no CSRF).
//!
//! The JSON API takes the CSRF token from the `X-CSRF-Token` header only ([`Auth`]). An HTML
//! form cannot set a header, so the pages' form posts use [`FormAuth`], which also accepts the
//! token in the hidden field `csrf` of an `application/x-www-form-urlencoded` body. Only page
//! handlers take `FormAuth`; an API route never reads a token from its body.

use crate::AppState;
use crate::error::ApiError;
use crate::security;
use aimsgap_store::User;
use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};

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

impl Auth {
    /// The CSRF token of a cookie session (empty for an API token, which needs none).
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } => csrf,
            Via::Token => "",
        }
    }
}

/// Finds the caller without checking CSRF: a bearer token, or the session cookie.
pub async fn identify(parts: &Parts, state: &AppState) -> Result<Auth, ApiError> {
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
    Ok(Auth {
        user,
        via: Via::Session { secret, csrf },
    })
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Auth, ApiError> {
        let auth = identify(parts, state).await?;
        if let Via::Session { csrf, .. } = &auth.via
            && security::is_unsafe(&parts.method)
        {
            security::check_csrf(&parts.headers, csrf)?;
        }
        Ok(auth)
    }
}

/// The caller if signed in, for pages that anyone may see (reading only: no CSRF involved).
#[derive(Clone, Debug)]
pub struct MaybeAuth(pub Option<Auth>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<MaybeAuth, ApiError> {
        match identify(parts, state).await {
            Ok(auth) => Ok(MaybeAuth(Some(auth))),
            Err(ApiError::Unauthenticated) => Ok(MaybeAuth(None)),
            Err(other) => Err(other),
        }
    }
}

/// The fields of a posted HTML form, in order; a name may repeat (checkboxes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    /// The first value of a field, trimmed; `None` when absent or blank.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.trim())
            .filter(|value| !value.is_empty())
    }
}

/// Reads an `application/x-www-form-urlencoded` body.
pub async fn read_form(request: Request, state: &AppState) -> Result<Fields, ApiError> {
    match Form::<Vec<(String, String)>>::from_request(request, state).await {
        Ok(Form(pairs)) => Ok(Fields(pairs)),
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            Err(ApiError::TooLarge)
        }
        Err(rejection) => {
            // The library's words go to the log; the page says what to do.
            tracing::debug!(detail = %rejection.body_text(), "unreadable form");
            Err(ApiError::BadRequest(
                "The form could not be read: send it again from the page that shows it.".into(),
            ))
        }
    }
}

/// A form posted by a signed-in caller. With a session, the CSRF token must come in the
/// `X-CSRF-Token` header or in the hidden field `csrf`, and the request must be same-origin.
#[derive(Clone, Debug)]
pub struct FormAuth {
    pub auth: Auth,
    pub fields: Fields,
}

impl FromRequest<AppState> for FormAuth {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<FormAuth, ApiError> {
        let (parts, body) = request.into_parts();
        let auth = identify(&parts, state).await?;
        let headers = parts.headers.clone();
        let fields = read_form(Request::from_parts(parts, body), state).await?;
        if let Via::Session { csrf, .. } = &auth.via {
            let given = headers
                .get(security::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .or_else(|| fields.get("csrf"))
                .unwrap_or("");
            security::check_csrf_token(&headers, csrf, given)?;
        }
        Ok(FormAuth { auth, fields })
    }
}
