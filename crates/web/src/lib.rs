//! The aimsgap server: a JSON API under `/api/v1` and server-rendered HTML pages (`pages/`), as
//! siblings over the same core calls, over the pure engine and the store.
//!
//! `app(state)` returns the whole router, so tests drive it with `oneshot` and no socket. The
//! routes are one table ([`routes`]): the router, the OpenAPI document and the authorisation
//! test matrix are all built from it, so a route cannot exist without its documentation and
//! its row in the matrix. Only this crate speaks HTTP.

mod api;
mod auth;
mod cache;
mod error;
mod openapi;
mod pages;
mod security;

pub use error::{ApiError, ApiResult};
pub use security::{CSRF_HEADER, SESSION_COOKIE};

use aimsgap_catalog::Catalog;
use aimsgap_store::Store;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::Method;
use axum::routing::MethodRouter;
use std::sync::Arc;
use std::time::Duration;

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user.
    User,
    /// A member of the organisation in the path, any role.
    OrgMember,
    /// An owner or editor of the organisation in the path.
    OrgEditor,
    /// An owner of the organisation in the path.
    OrgOwner,
    /// A member of the assessment's organisation, any role.
    Read,
    /// A member who may export (owner, editor, auditor).
    Export,
    /// A member who may edit (owner, editor).
    Edit,
}

/// One route of the API.
#[derive(Clone, Debug)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
}

impl RouteSpec {
    /// Whether the route serves HTML pages for browsers (`pages/`) rather than the JSON API and
    /// its documentation; the OpenAPI document lists only the latter.
    pub fn is_page(&self) -> bool {
        !(self.path.starts_with("/api/") || self.path == "/healthz")
    }
}

/// Server settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Mark cookies Secure (the server is behind TLS).
    pub secure_cookies: bool,
    /// How long a session lasts.
    pub session_ttl: Duration,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            secure_cookies: false,
            session_ttl: Duration::from_secs(12 * 3600),
            max_body_bytes: 2 * 1024 * 1024,
        }
    }
}

/// Everything a handler needs.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub catalog: Arc<Catalog>,
    pub config: Config,
    pub(crate) throttle: Arc<security::Throttle>,
    pub(crate) results: Arc<cache::ResultCache>,
}

impl AppState {
    pub fn new(store: Store, catalog: Arc<Catalog>, config: Config) -> AppState {
        AppState {
            store,
            catalog,
            config,
            // Five failures per account or address in fifteen minutes, then 429.
            throttle: Arc::new(security::Throttle::new(Duration::from_secs(15 * 60), 5)),
            results: Arc::new(cache::ResultCache::default()),
        }
    }
}

/// The route table with the handler of each route.
pub fn routes() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    let mut table = api::routes();
    table.extend(pages::routes());
    table
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let max_body = state.config.max_body_bytes;
    let mut router: Router<AppState> = Router::new();
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for (spec, handler) in routes() {
        match by_path.iter_mut().find(|(path, _)| *path == spec.path) {
            Some((_, existing)) => {
                let merged = std::mem::take(existing).merge(handler);
                *existing = merged;
            }
            None => by_path.push((spec.path, handler)),
        }
    }
    for (path, handler) in by_path {
        router = router.route(path, handler);
    }
    let headers = security::security_headers();
    router
        .fallback(api::not_found)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::map_response(
            move |mut response: axum::response::Response| {
                let headers = headers.clone();
                async move {
                    for (name, value) in headers {
                        response.headers_mut().entry(name).or_insert(value);
                    }
                    response
                }
            },
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
