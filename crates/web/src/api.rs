//! The JSON API under `/api/v1`: thin handlers over the store and the pure core.

use crate::auth::{Auth, Via};
use crate::error::{ApiError, ApiResult};
use crate::{Access, AppState, RouteSpec, security};
use aimsgap_assess::Assessment;
use aimsgap_catalog::Date;
use aimsgap_store::{Role, Versioned, new_token};
use aimsgap_wire::assessment::Document;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, post, put};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

fn spec(method: Method, path: &'static str, access: Access, summary: &'static str) -> RouteSpec {
    RouteSpec {
        method,
        path,
        access,
        summary,
    }
}

/// The route table: (what the route is, its handler).
pub fn routes() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    use Access::*;
    vec![
        (
            spec(
                Method::GET,
                "/healthz",
                Public,
                "Liveness and database check for load balancers",
            ),
            get(healthz),
        ),
        (
            spec(
                Method::GET,
                "/api/openapi.json",
                Public,
                "This API's OpenAPI 3 document",
            ),
            get(crate::openapi::document),
        ),
        (
            spec(
                Method::GET,
                "/api/docs",
                Public,
                "Browsable API documentation (works offline)",
            ),
            get(crate::openapi::page),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/signup",
                Public,
                "Create an account and sign in",
            ),
            post(signup),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/login",
                Public,
                "Sign in with e-mail and password",
            ),
            post(login),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/logout",
                User,
                "Sign out of this session",
            ),
            post(logout),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/logout-all",
                User,
                "Sign out of every session",
            ),
            post(logout_all),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/me",
                User,
                "The signed-in user and their organisations",
            ),
            get(me),
        ),
        (
            spec(Method::GET, "/api/v1/tokens", User, "List your API tokens"),
            get(list_tokens),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/tokens",
                User,
                "Create an API token (shown once)",
            ),
            post(create_token),
        ),
        (
            spec(
                Method::DELETE,
                "/api/v1/tokens/{token}",
                User,
                "Revoke one of your API tokens",
            ),
            delete(revoke_token),
        ),
        (
            spec(Method::GET, "/api/v1/orgs", User, "Your organisations"),
            get(list_orgs),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/orgs",
                User,
                "Create an organisation (you become its owner)",
            ),
            post(create_org),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/orgs/{org}",
                OrgMember,
                "One organisation",
            ),
            get(get_org),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/orgs/{org}/members",
                OrgMember,
                "Members and their roles",
            ),
            get(list_members),
        ),
        (
            spec(
                Method::PUT,
                "/api/v1/orgs/{org}/members/{user}",
                OrgOwner,
                "Change a member's role",
            ),
            put(set_member_role),
        ),
        (
            spec(
                Method::DELETE,
                "/api/v1/orgs/{org}/members/{user}",
                OrgOwner,
                "Remove a member",
            ),
            delete(remove_member),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/orgs/{org}/invitations",
                OrgOwner,
                "Invite someone by a one-time link",
            ),
            post(create_invitation),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/invitations/{token}/accept",
                User,
                "Accept an invitation",
            ),
            post(accept_invitation),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/orgs/{org}/assessments",
                OrgMember,
                "The organisation's assessments, newest first (keyset pages)",
            ),
            get(list_assessments),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/orgs/{org}/assessments",
                OrgEditor,
                "Import an assessment file (YAML or JSON)",
            ),
            post(import_assessment),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/assessments/{assessment}",
                Read,
                "An assessment whole, with the version of every part",
            ),
            get(get_assessment),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/assessments/{assessment}/export",
                Export,
                "The assessment file, exported back (JSON)",
            ),
            get(export_assessment),
        ),
        (
            spec(
                Method::PUT,
                "/api/v1/assessments/{assessment}/profile",
                Edit,
                "Replace the profile (organisation, certifications, as_of)",
            ),
            put(put_profile),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/assessments/{assessment}/answers",
                Read,
                "Every answer with its version",
            ),
            get(list_answers),
        ),
        (
            spec(
                Method::PUT,
                "/api/v1/assessments/{assessment}/answers/{requirement}",
                Edit,
                "Write or delete one answer, naming the version you read",
            ),
            put(put_answer),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/assessments/{assessment}/ai-systems",
                Read,
                "The AI system inventory with versions",
            ),
            get(list_systems),
        ),
        (
            spec(
                Method::PUT,
                "/api/v1/assessments/{assessment}/ai-systems/{system}",
                Edit,
                "Write or delete one AI system, naming the version you read",
            ),
            put(put_system),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/assessments/{assessment}/history",
                Read,
                "Every change: who, when, what, old and new value",
            ),
            get(history),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/assessments/{assessment}/result",
                Read,
                "The engine's JSON result for the current content",
            ),
            get(result),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/assessments/{assessment}/reports/{format}",
                Export,
                "Download a report: html, md, csv, gaps-csv, xlsx, pdf, json, oscal, poam",
            ),
            get(report),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/assessments/{assessment}/runs",
                Read,
                "Saved runs, newest first",
            ),
            get(list_runs),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/assessments/{assessment}/runs",
                Edit,
                "Save a run: the result at this moment",
            ),
            post(create_run),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/assessments/{assessment}/runs/{run}",
                Read,
                "One saved run with its result",
            ),
            get(get_run),
        ),
        (
            spec(
                Method::GET,
                "/api/v1/assessments/{assessment}/runs/{run}/diff/{other}",
                Read,
                "What changed between two saved runs",
            ),
            get(diff_runs),
        ),
    ]
}

pub async fn not_found() -> ApiError {
    ApiError::NotFound
}

// ---- helpers -----------------------------------------------------------------------------

pub(crate) fn today() -> Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Date::from_days(i64::try_from(seconds / 86_400).unwrap_or(0))
}

pub(crate) fn in_seconds(seconds: u64) -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    aimsgap_store::rfc3339(now + seconds)
}

fn user_json(user: &aimsgap_store::User) -> Value {
    json!({"id": user.id, "email": user.email, "name": user.name})
}

/// A stored value with its version, as clients see it.
pub fn versioned_json(v: &Versioned) -> Value {
    json!({"key": v.key, "value": v.value, "version": v.version, "updated_at": v.updated_at, "updated_by": v.updated_by})
}

fn text_field<'a>(body: &'a Value, name: &str, max: usize) -> ApiResult<&'a str> {
    let value = body
        .get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .ok_or_else(|| ApiError::BadRequest(format!("field `{name}` (a string) is required")))?;
    if value.is_empty() || value.chars().count() > max {
        return Err(ApiError::BadRequest(format!(
            "field `{name}` must have 1 to {max} characters"
        )));
    }
    Ok(value)
}

fn version_field(body: &Value) -> ApiResult<i64> {
    body.get("version")
        .and_then(Value::as_i64)
        .filter(|v| *v >= 0)
        .ok_or_else(|| {
            ApiError::BadRequest(
                "field `version` (the version you read; 0 to create) is required".into(),
            )
        })
}

/// The caller's role in an organisation; not a member is `NotFound` (no existence leak).
pub(crate) async fn org_role(state: &AppState, auth: &Auth, org: &str) -> ApiResult<Role> {
    state
        .store
        .role(org, &auth.user.id)
        .await?
        .ok_or(ApiError::NotFound)
}

pub(crate) fn allowed(role: Role, access: Access) -> bool {
    match access {
        Access::Public | Access::User | Access::OrgMember | Access::Read => true,
        Access::Export => role != Role::Viewer,
        Access::Edit | Access::OrgEditor => role.can_edit(),
        Access::OrgOwner => role.can_manage(),
    }
}

/// Authorises a request on an assessment: the organisation and current revision.
pub(crate) async fn assessment_access(
    state: &AppState,
    auth: &Auth,
    id: &str,
    access: Access,
) -> ApiResult<(String, i64)> {
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
    Ok((org, revision))
}

/// The engine's located errors about an assessment file, as one answer.
pub(crate) fn invalid(errors: &[aimsgap_catalog::Error]) -> ApiError {
    ApiError::Invalid(
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Validates an assessment file document with the engine's parser.
pub(crate) fn validate(state: &AppState, name: &str, document: &Value) -> ApiResult<Assessment> {
    let text =
        serde_json::to_string_pretty(document).map_err(|e| ApiError::Internal(e.to_string()))?;
    aimsgap_assess::parse_assessment(name, &text, &state.catalog, today())
        .map_err(|errors| invalid(&errors))
}

/// The assessment file an assessment holds.
pub(crate) async fn stored(state: &AppState, id: &str) -> ApiResult<Document> {
    Ok(state
        .store
        .assessment(id)
        .await?
        .ok_or(ApiError::NotFound)?
        .document()?)
}

pub(crate) async fn stored_document(state: &AppState, id: &str) -> ApiResult<Value> {
    serde_json::to_value(stored(state, id).await?).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The engine's result for an assessment's current content, cached per revision.
async fn current_result(
    state: &AppState,
    id: &str,
    revision: i64,
) -> ApiResult<Arc<crate::cache::Cached>> {
    if let Some(cached) = state.results.get(id, revision) {
        return Ok(cached);
    }
    let (result, _) = compute(state, id).await?;
    let cached = Arc::new(crate::cache::Cached::new(
        revision,
        &aimsgap_report::json::render(&result),
    ));
    state.results.insert(id, cached.clone());
    Ok(cached)
}

pub(crate) async fn compute(
    state: &AppState,
    id: &str,
) -> ApiResult<(aimsgap_assess::AssessmentResult, Assessment)> {
    let document = stored(state, id).await?;
    let assessment = aimsgap_assess::from_document(id, &document, &state.catalog, today())
        .map_err(|errors| invalid(&errors))?;
    let result = aimsgap_assess::assess(&state.catalog, &assessment)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((result, assessment))
}

fn json_bytes(status: StatusCode, body: String) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

// ---- health and accounts -----------------------------------------------------------------

async fn healthz(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({"status": "ok"})).into_response(),
        Err(error) => {
            tracing::error!(%error, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

pub(crate) async fn hash_password(password: String) -> ApiResult<String> {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::PasswordHasher;
        argon2::Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
}

pub(crate) async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        use argon2::password_hash::PasswordVerifier;
        use argon2::password_hash::phc::PasswordHash;
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            argon2::Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// A hash to verify against when the account does not exist, so that timing does not reveal
/// which e-mail addresses have accounts.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$dGhpcyBpcyBub3QgYSByZWFsIGhhc2ggb2YgYW55dGhpbmc";

/// Starts a session for a user: its CSRF token and the `Set-Cookie` header value.
pub(crate) async fn new_session(
    state: &AppState,
    user: &aimsgap_store::User,
) -> ApiResult<(String, HeaderValue)> {
    let secret = new_token()?;
    let csrf = new_token()?;
    let ttl = state.config.session_ttl;
    state
        .store
        .create_session(&user.id, &secret, &csrf, &in_seconds(ttl.as_secs()))
        .await?;
    let cookie = security::session_cookie(&secret, ttl, state.config.secure_cookies);
    let cookie = HeaderValue::from_str(&cookie).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((csrf, cookie))
}

async fn start_session(
    state: &AppState,
    user: &aimsgap_store::User,
    status: StatusCode,
) -> ApiResult<Response> {
    let (csrf, cookie) = new_session(state, user).await?;
    let mut response =
        (status, Json(json!({"user": user_json(user), "csrf": csrf}))).into_response();
    response.headers_mut().insert(header::SET_COOKIE, cookie);
    Ok(response)
}

fn same_site(headers: &HeaderMap) -> ApiResult<()> {
    // Login and sign-up have no session yet, so no token: refuse cross-site posts at least.
    if headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|site| site == "cross-site")
    {
        return Err(ApiError::Csrf);
    }
    Ok(())
}

async fn signup(
    State(state): State<AppState>,
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    same_site(&headers)?;
    let email = text_field(&body, "email", 254)?;
    let name = text_field(&body, "name", 200)?;
    let password = body.get("password").and_then(Value::as_str).unwrap_or("");
    let user = create_account(&state, email, name, password).await?;
    start_session(&state, &user, StatusCode::CREATED).await
}

/// Creates an account after checking the address and the password's length.
pub(crate) async fn create_account(
    state: &AppState,
    email: &str,
    name: &str,
    password: &str,
) -> ApiResult<aimsgap_store::User> {
    let email = email.trim().to_lowercase();
    let name = name.trim();
    if email.is_empty() || email.chars().count() > 254 {
        return Err(ApiError::BadRequest(
            "`email` must have 1 to 254 characters".into(),
        ));
    }
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::BadRequest(
            "`name` must have 1 to 200 characters".into(),
        ));
    }
    if !email.contains('@') || email.contains(char::is_whitespace) {
        return Err(ApiError::BadRequest(
            "`email` must be an e-mail address".into(),
        ));
    }
    if password.chars().count() < 10 || password.len() > 1024 {
        return Err(ApiError::BadRequest(
            "`password` must have at least 10 characters".into(),
        ));
    }
    let hash = hash_password(password.to_string()).await?;
    Ok(state.store.create_user(&email, name, &hash).await?)
}

pub(crate) fn client_key(headers: &HeaderMap, extensions: &axum::http::Extensions) -> String {
    let peer = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    format!(
        "ip:{}",
        peer.unwrap_or_else(|| {
            headers
                .get("x-test-peer")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("unknown")
                .to_string()
        })
    )
}

async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    same_site(&headers)?;
    let email = text_field(&body, "email", 254)?;
    let password = body.get("password").and_then(Value::as_str).unwrap_or("");
    let user = check_login(&state, &headers, &extensions, email, password).await?;
    start_session(&state, &user, StatusCode::OK).await
}

/// Checks an e-mail and password, throttled per account and per address; an unknown account
/// costs the same time as a wrong password.
pub(crate) async fn check_login(
    state: &AppState,
    headers: &HeaderMap,
    extensions: &axum::http::Extensions,
    email: &str,
    password: &str,
) -> ApiResult<aimsgap_store::User> {
    let email = email.trim().to_lowercase();
    let password = password.to_string();
    let account = format!("account:{email}");
    let address = client_key(headers, extensions);
    if !state.throttle.allowed(&account) || !state.throttle.allowed(&address) {
        return Err(ApiError::TooManyAttempts);
    }
    let found = state.store.user_by_email(&email).await?;
    let (user, hash) = match found {
        Some((user, hash)) => (Some(user), hash),
        None => (None, DUMMY_HASH.to_string()),
    };
    let ok = verify_password(password, hash).await;
    match (user, ok) {
        (Some(user), true) => {
            state.throttle.succeeded(&account);
            Ok(user)
        }
        _ => {
            state.throttle.failed(&account);
            state.throttle.failed(&address);
            Err(ApiError::Unauthenticated)
        }
    }
}

async fn logout(State(state): State<AppState>, auth: Auth) -> ApiResult<Response> {
    if let Via::Session { secret, .. } = &auth.via {
        state.store.delete_session(secret).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Ok(value) = HeaderValue::from_str(&security::clear_cookie(state.config.secure_cookies)) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    Ok(response)
}

async fn logout_all(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let ended = state.store.delete_sessions_of(&auth.user.id).await?;
    Ok(Json(json!({"sessions_ended": ended})))
}

async fn me(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let orgs = state.store.organizations_of(&auth.user.id).await?;
    let csrf = match &auth.via {
        Via::Session { csrf, .. } => Some(csrf.clone()),
        Via::Token => None,
    };
    Ok(Json(json!({
        "user": user_json(&auth.user),
        "csrf": csrf,
        "organizations": orgs.iter().map(|(o, r)| json!({"id": o.id, "name": o.name, "role": r.as_str()})).collect::<Vec<_>>(),
    })))
}

async fn list_tokens(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let tokens = state.store.api_tokens(&auth.user.id).await?;
    Ok(Json(
        json!({"tokens": tokens.iter().map(|t| json!({"id": t.id, "name": t.name, "created_at": t.created_at})).collect::<Vec<_>>()}),
    ))
}

async fn create_token(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let name = text_field(&body, "name", 100)?;
    let secret = new_token()?;
    let token = state
        .store
        .create_api_token(&auth.user.id, name, &secret)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": token.id, "name": token.name, "created_at": token.created_at, "token": secret,
                    "note": "shown once: only its hash is stored"})),
    )
        .into_response())
}

async fn revoke_token(
    State(state): State<AppState>,
    auth: Auth,
    Path(token): Path<String>,
) -> ApiResult<StatusCode> {
    state.store.delete_api_token(&auth.user.id, &token).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- organisations -----------------------------------------------------------------------

async fn list_orgs(State(state): State<AppState>, auth: Auth) -> ApiResult<Json<Value>> {
    let orgs = state.store.organizations_of(&auth.user.id).await?;
    Ok(Json(
        json!({"organizations": orgs.iter().map(|(o, r)| json!({"id": o.id, "name": o.name, "role": r.as_str(), "created_at": o.created_at})).collect::<Vec<_>>()}),
    ))
}

async fn create_org(
    State(state): State<AppState>,
    auth: Auth,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let name = text_field(&body, "name", 200)?;
    let org = state.store.create_organization(name, &auth.user.id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": org.id, "name": org.name, "role": "owner"})),
    )
        .into_response())
}

async fn get_org(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
) -> ApiResult<Json<Value>> {
    let role = org_role(&state, &auth, &org).await?;
    let found = state
        .store
        .organization(&org)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(
        json!({"id": found.id, "name": found.name, "created_at": found.created_at, "role": role.as_str()}),
    ))
}

async fn list_members(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
) -> ApiResult<Json<Value>> {
    org_role(&state, &auth, &org).await?;
    let members = state.store.members(&org).await?;
    Ok(Json(
        json!({"members": members.iter().map(|m| json!({"user": user_json(&m.user), "role": m.role.as_str()})).collect::<Vec<_>>()}),
    ))
}

async fn require_owner(state: &AppState, auth: &Auth, org: &str) -> ApiResult<()> {
    if org_role(state, auth, org).await?.can_manage() {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

pub(crate) async fn last_owner(state: &AppState, org: &str, user: &str) -> ApiResult<bool> {
    let members = state.store.members(org).await?;
    let owners: Vec<_> = members.iter().filter(|m| m.role == Role::Owner).collect();
    Ok(owners.len() == 1 && owners.iter().any(|m| m.user.id == user))
}

async fn set_member_role(
    State(state): State<AppState>,
    auth: Auth,
    Path((org, user)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> ApiResult<StatusCode> {
    require_owner(&state, &auth, &org).await?;
    let role = body
        .get("role")
        .and_then(Value::as_str)
        .and_then(Role::parse)
        .ok_or_else(|| {
            ApiError::BadRequest("`role` must be owner, editor, viewer or auditor".into())
        })?;
    if role != Role::Owner && last_owner(&state, &org, &user).await? {
        return Err(ApiError::BadRequest(
            "an organisation keeps at least one owner".into(),
        ));
    }
    state.store.set_role(&org, &user, role).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove_member(
    State(state): State<AppState>,
    auth: Auth,
    Path((org, user)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    require_owner(&state, &auth, &org).await?;
    if last_owner(&state, &org, &user).await? {
        return Err(ApiError::BadRequest(
            "an organisation keeps at least one owner".into(),
        ));
    }
    state.store.remove_member(&org, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn create_invitation(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    require_owner(&state, &auth, &org).await?;
    let role = body
        .get("role")
        .and_then(Value::as_str)
        .and_then(Role::parse)
        .ok_or_else(|| {
            ApiError::BadRequest("`role` must be owner, editor, viewer or auditor".into())
        })?;
    let days = body
        .get("days")
        .and_then(Value::as_u64)
        .unwrap_or(7)
        .clamp(1, 30);
    let secret = invite(&state, &auth, &org, role, days).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"token": secret, "role": role.as_str(), "accept": format!("/api/v1/invitations/{secret}/accept"),
                    "expires_in_days": days, "note": "one use; shown once"})),
    )
        .into_response())
}

/// Creates a one-time invitation valid for `days` (1 to 30) and returns its secret.
pub(crate) async fn invite(
    state: &AppState,
    auth: &Auth,
    org: &str,
    role: Role,
    days: u64,
) -> ApiResult<String> {
    require_owner(state, auth, org).await?;
    let days = days.clamp(1, 30);
    let secret = new_token()?;
    state
        .store
        .create_invitation(
            org,
            role,
            &secret,
            &auth.user.id,
            &in_seconds(days * 86_400),
        )
        .await?;
    Ok(secret)
}

async fn accept_invitation(
    State(state): State<AppState>,
    auth: Auth,
    Path(token): Path<String>,
) -> ApiResult<Json<Value>> {
    let (org, role) = state.store.accept_invitation(&token, &auth.user.id).await?;
    Ok(Json(json!({"organization": org, "role": role.as_str()})))
}

// ---- assessments -------------------------------------------------------------------------

async fn list_assessments(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    org_role(&state, &auth, &org).await?;
    let limit = query
        .get("limit")
        .and_then(|l| l.parse::<i64>().ok())
        .unwrap_or(50)
        .clamp(1, 200);
    let page = state
        .store
        .assessments(&org, query.get("before").map(String::as_str), limit)
        .await?;
    let next = if page.len() as i64 == limit {
        page.last().map(|a| a.id.clone())
    } else {
        None
    };
    Ok(Json(json!({
        "assessments": page.iter().map(|a| json!({"id": a.id, "name": a.name, "created_at": a.created_at, "updated_at": a.updated_at})).collect::<Vec<_>>(),
        "next": next,
    })))
}

async fn import_assessment(
    State(state): State<AppState>,
    auth: Auth,
    Path(org): Path<String>,
    Json(body): Json<Value>,
) -> ApiResult<Response> {
    let role = org_role(&state, &auth, &org).await?;
    if !role.can_edit() {
        return Err(ApiError::Forbidden);
    }
    let name = text_field(&body, "name", 200)?;
    let document = match (
        body.get("content").and_then(Value::as_str),
        body.get("document"),
    ) {
        (Some(content), _) => parse_file(&state, name, content)?,
        (None, Some(document)) => {
            validate(&state, name, document)?;
            serde_json::from_value::<Document>(document.clone())
                .map_err(|e| ApiError::Invalid(format!("{name}: {e}")))?
        }
        (None, None) => {
            return Err(ApiError::BadRequest(
                "give `content` (the assessment file's text, YAML or JSON) or `document` (JSON)"
                    .into(),
            ));
        }
    };
    let meta = state
        .store
        .create_assessment(&org, name, &document, &auth.user.id)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": meta.id, "name": meta.name, "created_at": meta.created_at})),
    )
        .into_response())
}

/// Validates an assessment file's text (YAML or JSON) as written, so errors name its own
/// lines, and returns its document to store.
pub(crate) fn parse_file(state: &AppState, name: &str, content: &str) -> ApiResult<Document> {
    aimsgap_assess::parse_assessment(name, content, &state.catalog, today())
        .map_err(|errors| invalid(&errors))?;
    aimsgap_assess::read_document(name, content).map_err(|errors| invalid(&errors))
}

async fn get_assessment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (org, revision) = assessment_access(&state, &auth, &id, Access::Read).await?;
    let stored = state
        .store
        .assessment(&id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(json!({
        "id": stored.meta.id, "organization": org, "name": stored.meta.name, "revision": revision,
        "created_at": stored.meta.created_at, "updated_at": stored.meta.updated_at,
        "profile": versioned_json(&stored.profile),
        "ai_systems": stored.ai_systems.iter().map(versioned_json).collect::<Vec<_>>(),
        "answers": stored.answers.iter().map(versioned_json).collect::<Vec<_>>(),
    })))
}

async fn export_assessment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    assessment_access(&state, &auth, &id, Access::Export).await?;
    Ok(Json(stored_document(&state, &id).await?))
}

async fn put_profile(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    Json(body): Json<Value>,
) -> ApiResult<Json<Value>> {
    assessment_access(&state, &auth, &id, Access::Edit).await?;
    let version = version_field(&body)?;
    let profile = body
        .get("profile")
        .filter(|p| p.is_object())
        .ok_or_else(|| ApiError::BadRequest("`profile` (an object) is required".into()))?;
    if profile.get("ai_systems").is_some() || profile.get("answers").is_some() {
        return Err(ApiError::BadRequest(
            "the profile holds neither ai_systems nor answers: edit those one at a time".into(),
        ));
    }
    let mut document = stored_document(&state, &id).await?;
    if let (Some(target), Some(source)) = (document.as_object_mut(), profile.as_object()) {
        target.retain(|k, _| k == "ai_systems" || k == "answers");
        for (k, v) in source {
            target.insert(k.clone(), v.clone());
        }
    }
    validate(&state, "profile", &document)?;
    let saved = state
        .store
        .put_profile(&id, profile, version, &auth.user.id)
        .await?;
    Ok(Json(versioned_json(&saved)))
}

async fn list_answers(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    assessment_access(&state, &auth, &id, Access::Read).await?;
    let stored = state
        .store
        .assessment(&id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(
        json!({"answers": stored.answers.iter().map(versioned_json).collect::<Vec<_>>()}),
    ))
}

async fn put_answer(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, requirement)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> ApiResult<Json<Value>> {
    let version = version_field(&body)?;
    let answer = body.get("answer").filter(|a| !a.is_null());
    let saved = save_answer(&state, &auth, &id, &requirement, answer, version).await?;
    Ok(Json(versioned_json(&saved)))
}

/// Writes (or with `None` deletes) one answer if its version is still `version`, after
/// validating the assessment it would make.
pub(crate) async fn save_answer(
    state: &AppState,
    auth: &Auth,
    id: &str,
    requirement: &str,
    answer: Option<&Value>,
    version: i64,
) -> ApiResult<Versioned> {
    assessment_access(state, auth, id, Access::Edit).await?;
    if let Some(answer) = answer {
        let mut document = stored_document(state, id).await?;
        if let Some(answers) = document.get_mut("answers").and_then(Value::as_object_mut) {
            answers.insert(requirement.to_string(), answer.clone());
        }
        validate(state, &format!("answers.{requirement}"), &document)?;
    }
    Ok(state
        .store
        .put_answer(id, requirement, answer, version, &auth.user.id)
        .await?)
}

async fn list_systems(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    assessment_access(&state, &auth, &id, Access::Read).await?;
    let stored = state
        .store
        .assessment(&id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(
        json!({"ai_systems": stored.ai_systems.iter().map(versioned_json).collect::<Vec<_>>()}),
    ))
}

async fn put_system(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, system)): Path<(String, String)>,
    Json(body): Json<Value>,
) -> ApiResult<Json<Value>> {
    assessment_access(&state, &auth, &id, Access::Edit).await?;
    let version = version_field(&body)?;
    let value = body.get("system").filter(|s| !s.is_null());
    if let Some(value) = value {
        if value.get("id").and_then(Value::as_str) != Some(system.as_str()) {
            return Err(ApiError::BadRequest(format!(
                "the system's `id` must be `{system}`, as in the path"
            )));
        }
        let mut document = stored_document(&state, &id).await?;
        if let Some(systems) = document.get_mut("ai_systems").and_then(Value::as_array_mut) {
            match systems
                .iter_mut()
                .find(|s| s.get("id").and_then(Value::as_str) == Some(system.as_str()))
            {
                Some(existing) => *existing = value.clone(),
                None => systems.push(value.clone()),
            }
        }
        validate(&state, &format!("ai_systems.{system}"), &document)?;
    }
    let saved = state
        .store
        .put_ai_system(&id, &system, value, version, &auth.user.id)
        .await?;
    Ok(Json(versioned_json(&saved)))
}

async fn history(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    assessment_access(&state, &auth, &id, Access::Read).await?;
    let entries = state.store.history(&id).await?;
    Ok(Json(json!({"history": entries.iter().map(|h| json!({
        "id": h.id, "at": h.at, "actor": h.actor, "entity": h.entity, "key": h.key, "old": h.old, "new": h.new,
    })).collect::<Vec<_>>()})))
}

async fn result(
    State(state): State<AppState>,
    auth: Auth,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let (_, revision) = assessment_access(&state, &auth, &id, Access::Read).await?;
    let cached = current_result(&state, &id, revision).await?;
    let gzip = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().starts_with("gzip")));
    let mut response = if gzip {
        let mut response = (StatusCode::OK, cached.gzip.clone()).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        response
    } else {
        (StatusCode::OK, cached.json()).into_response()
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Ok(response)
}

pub(crate) fn download(bytes: Vec<u8>, content_type: &'static str, file: &str) -> Response {
    let mut response = (StatusCode::OK, bytes).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(feature = "pdf")]
fn pdf(result: &aimsgap_assess::AssessmentResult) -> ApiResult<Vec<u8>> {
    aimsgap_pdf::render(result).map_err(|e| ApiError::Internal(e.to_string()))
}

#[cfg(not(feature = "pdf"))]
fn pdf(_result: &aimsgap_assess::AssessmentResult) -> ApiResult<Vec<u8>> {
    Err(ApiError::BadRequest(
        "this server was built without PDF support".into(),
    ))
}

async fn report(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, format)): Path<(String, String)>,
) -> ApiResult<Response> {
    assessment_access(&state, &auth, &id, Access::Export).await?;
    let (result, assessment) = compute(&state, &id).await?;
    report_response(&state, &result, &assessment, &format)
}

/// A report of a result in one of the formats, as a download.
pub(crate) fn report_response(
    state: &AppState,
    result: &aimsgap_assess::AssessmentResult,
    assessment: &Assessment,
    format: &str,
) -> ApiResult<Response> {
    let catalog = &state.catalog;
    Ok(match format {
        "html" => download(
            aimsgap_report::html::render(result, catalog).into_bytes(),
            "text/html; charset=utf-8",
            "report.html",
        ),
        "md" => download(
            aimsgap_report::markdown::render(result, 25).into_bytes(),
            "text/markdown; charset=utf-8",
            "report.md",
        ),
        "csv" => download(
            aimsgap_report::csv::requirements(result).into_bytes(),
            "text/csv; charset=utf-8",
            "requirements.csv",
        ),
        "gaps-csv" => download(
            aimsgap_report::csv::gaps(result).into_bytes(),
            "text/csv; charset=utf-8",
            "gaps.csv",
        ),
        "json" => download(
            aimsgap_report::json::render(result).into_bytes(),
            "application/json",
            "report.json",
        ),
        "xlsx" => download(
            aimsgap_report::xlsx::render(result).map_err(|e| ApiError::Internal(e.to_string()))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "report.xlsx",
        ),
        "pdf" => download(pdf(result)?, "application/pdf", "report.pdf"),
        "oscal" => download(
            aimsgap_report::oscal::assessment_results(result, catalog).into_bytes(),
            "application/json",
            "assessment-results.oscal.json",
        ),
        "poam" => download(
            aimsgap_report::oscal::poam(result, catalog).into_bytes(),
            "application/json",
            "poam.oscal.json",
        ),
        "artefacts" => {
            let drafts = aimsgap_report::artefacts::artefacts(catalog, assessment, result);
            let joined = drafts
                .iter()
                .map(|a| a.markdown.as_str())
                .collect::<Vec<_>>()
                .join("\n\n---\n\n");
            download(
                joined.into_bytes(),
                "text/markdown; charset=utf-8",
                "artefacts.md",
            )
        }
        other => {
            return Err(ApiError::BadRequest(format!(
                "unknown format `{other}`: html, md, csv, gaps-csv, json, xlsx, pdf, oscal, poam, artefacts"
            )));
        }
    })
}

async fn list_runs(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    assessment_access(&state, &auth, &id, Access::Read).await?;
    let runs = state.store.runs(&id).await?;
    Ok(Json(
        json!({"runs": runs.iter().map(|r| json!({"id": r.id, "at": r.at, "created_by": r.created_by, "readiness": r.readiness})).collect::<Vec<_>>()}),
    ))
}

async fn create_run(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    assessment_access(&state, &auth, &id, Access::Edit).await?;
    let (result, _) = compute(&state, &id).await?;
    let value = aimsgap_report::json::to_value(&result);
    let run = state
        .store
        .save_run(&id, &auth.user.id, result.readiness.point, &value)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": run.id, "at": run.at, "readiness": run.readiness})),
    )
        .into_response())
}

async fn get_run(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, run)): Path<(String, String)>,
) -> ApiResult<Json<Value>> {
    assessment_access(&state, &auth, &id, Access::Read).await?;
    let run = state
        .store
        .run(&id, &run)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(
        json!({"id": run.id, "at": run.at, "created_by": run.created_by, "readiness": run.readiness, "result": run.result}),
    ))
}

async fn diff_runs(
    State(state): State<AppState>,
    auth: Auth,
    Path((id, old, new)): Path<(String, String, String)>,
) -> ApiResult<Response> {
    assessment_access(&state, &auth, &id, Access::Read).await?;
    let old = state
        .store
        .run(&id, &old)
        .await?
        .ok_or(ApiError::NotFound)?;
    let new = state
        .store
        .run(&id, &new)
        .await?
        .ok_or(ApiError::NotFound)?;
    let (Some(old), Some(new)) = (old.result, new.result) else {
        return Err(ApiError::NotFound);
    };
    let diff = aimsgap_report::diff::diff_values(&old, &new)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(json_bytes(
        StatusCode::OK,
        aimsgap_report::diff::to_json(&diff),
    ))
}
