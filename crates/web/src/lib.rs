//! The aimsgap server: a JSON API under `/api/v1` and server-rendered HTML pages (`pages/`), as
//! siblings over the same core calls, over the pure engine and the store.
//!
//! `app(state)` returns the whole router, so tests drive it with `oneshot` and no socket. The
//! routes are one table ([`routes`]): the router, the OpenAPI document and the authorisation
//! test matrix are all built from it, so a route cannot exist without its documentation and
//! its row in the matrix. Only this crate speaks HTTP.

mod api;
pub mod audit;
mod auth;
mod cache;
pub mod digest;
mod drafts;
mod error;
mod housekeeping;
pub mod mail;
pub mod oidc;
mod openapi;
mod ops;
mod pages;
mod passwords;
mod policy;
pub mod reminders;
mod reports;
mod security;
mod serve;
mod sessions;
mod throttle;
pub mod work;

pub use error::{ApiError, ApiResult};
pub use ipnet::IpNet;
pub use passwords::hash_now as hash_password;
pub use security::{CSRF_HEADER, SESSION_COOKIE};
pub use serve::{default_max_connections, raise_file_limit, serve};
pub use throttle::{Limits as ThrottleLimits, parse_trusted_proxy};

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
    /// An owner or auditor of the organisation in the path: the audit log.
    OrgAudit,
}

/// One route of the table: what it is, who may call it, and what goes over the wire.
///
/// The request body and the answers are what the OpenAPI document is built from, so they name
/// the very types the handler reads and writes; the test that drives every route checks each
/// real answer against them.
#[derive(Clone, Debug)]
pub struct RouteSpec {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
    /// The JSON body the route reads, if any.
    pub request: Option<Schema>,
    /// Every answer the route gives on purpose, errors included.
    pub responses: Vec<Answer>,
    /// The file field of a `multipart/form-data` body the route reads, if any.
    pub upload: Option<&'static str>,
}

/// How to get the JSON Schema of a wire type, so a row can name the type without building its
/// schema until the document asks.
#[derive(Clone, Copy)]
pub struct Schema(pub fn(&mut schemars::SchemaGenerator) -> schemars::Schema);

impl Schema {
    pub fn of<T: schemars::JsonSchema>() -> Schema {
        Schema(schemars::SchemaGenerator::subschema_for::<T>)
    }
}

impl std::fmt::Debug for Schema {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Schema")
    }
}

/// What an answer's body is.
#[derive(Clone, Debug)]
pub enum Content {
    /// JSON of this schema.
    Json(Schema),
    /// No body.
    Empty,
    /// Bytes of one of these media types (reports, pages).
    Bytes(&'static [&'static str]),
}

/// One answer a route gives: its status, when, and its body.
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: u16,
    pub description: &'static str,
    pub content: Content,
}

impl RouteSpec {
    /// A route with no documented body yet (the pages' rows use this).
    pub fn new(
        method: Method,
        path: &'static str,
        access: Access,
        summary: &'static str,
    ) -> RouteSpec {
        RouteSpec {
            method,
            path,
            access,
            summary,
            request: None,
            responses: Vec::new(),
            upload: None,
        }
    }

    /// The route reads a JSON body of type `T`.
    pub fn takes<T: schemars::JsonSchema>(mut self) -> RouteSpec {
        self.request = Some(Schema::of::<T>());
        self
    }

    /// The route answers `status` with a JSON body of type `T`.
    pub fn gives<T: schemars::JsonSchema>(
        mut self,
        status: u16,
        description: &'static str,
    ) -> RouteSpec {
        self.responses.push(Answer {
            status,
            description,
            content: Content::Json(Schema::of::<T>()),
        });
        self
    }

    /// The route answers `status` with no body.
    pub fn gives_nothing(mut self, status: u16, description: &'static str) -> RouteSpec {
        self.responses.push(Answer {
            status,
            description,
            content: Content::Empty,
        });
        self
    }

    /// The route answers `status` with bytes of one of `media` types.
    pub fn gives_bytes(
        mut self,
        status: u16,
        description: &'static str,
        media: &'static [&'static str],
    ) -> RouteSpec {
        self.responses.push(Answer {
            status,
            description,
            content: Content::Bytes(media),
        });
        self
    }

    /// The route may fail with `status` and the error body, for the reason given.
    pub fn fails(mut self, status: u16, description: &'static str) -> RouteSpec {
        self.responses.push(Answer {
            status,
            description,
            content: Content::Json(Schema::of::<aimsgap_wire::api::ErrorBody>()),
        });
        self
    }

    /// The route reads a `multipart/form-data` body with one file in `field`.
    pub fn takes_upload(mut self, field: &'static str) -> RouteSpec {
        self.upload = Some(field);
        self
    }

    /// Whether the route serves HTML pages for browsers (`pages/`) rather than the JSON API and
    /// its documentation; the OpenAPI document lists only the latter.
    pub fn is_page(&self) -> bool {
        !(self.path.starts_with("/api/") || self.path == "/healthz")
    }
}

/// Server settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// The server is served over TLS (`serve --secure-cookies`): cookies are marked Secure and
    /// every response carries `Strict-Transport-Security`.
    pub secure_cookies: bool,
    /// How long a session lasts.
    pub session_ttl: Duration,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Proxies whose `X-Forwarded-For` is believed for the client's address
    /// (`serve --trusted-proxy`); from any other peer the header is ignored.
    pub trusted_proxies: Vec<IpNet>,
    /// Threads hashing passwords at once (Argon2id takes 19 MiB each) and requests that may
    /// wait for one; past that, 503 with `Retry-After`.
    pub hashing_threads: usize,
    pub hashing_queue: usize,
    /// Threads rendering report downloads (a PDF takes a fifth of a second of CPU or more) and
    /// requests that may wait for one; past that, 503 with `Retry-After`.
    pub rendering_threads: usize,
    pub rendering_queue: usize,
    /// The limits of sign-in and sign-up throttling.
    pub throttle: ThrottleLimits,
    /// Most connections open at once ([`serve`]); `None` sizes it from the file-descriptor
    /// limit. At the limit the oldest idle connection is closed to make room.
    pub max_connections: Option<usize>,
    /// How long a client may take to send a request's headers, counted from the connection's
    /// opening or its previous answer (so also how long an idle keep-alive connection stays).
    pub header_timeout: Duration,
    /// How long a client may take to send a request's body once its headers are in (then 408).
    pub body_timeout: Duration,
    /// How long a client may leave an answer unread (no byte taken) before it is cut off.
    pub send_timeout: Duration,
    /// The largest evidence file taken, in megabytes of 10^6 bytes (`serve --evidence-max-mb`).
    /// Only the evidence upload routes take bodies this large.
    pub evidence_max_mb: u64,
    /// The address people reach the server at (`serve --public-url https://gap.example.org/`):
    /// the links in mail (invitations, password resets, the digest) and the OpenID Connect
    /// redirect are built on it. Without it, no mail carries a link.
    pub public_url: Option<url::Url>,
    /// Mail over SMTP (`serve --smtp-url`, `--mail-from`); `None`: the server sends no mail
    /// and says so where mail would go.
    pub mail: Option<mail::MailConfig>,
    /// Sign-in with an OpenID Connect provider; `None`: not offered.
    pub oidc: Option<OidcSettings>,
    /// Whether accounts may sign in with a password (`serve --no-password-sign-in` turns it
    /// off when everyone signs in with the OpenID Connect provider).
    pub password_sign_in: bool,
    /// The hour of the day (UTC, 0 to 23) at which the daily digest goes out.
    pub digest_hour: u8,
}

/// The OpenID Connect provider the server signs people in with (authorization code with PKCE).
#[derive(Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The issuer URL; its discovery document is read at start.
    pub issuer: String,
    pub client_id: String,
    /// The client secret (from `AIMSGAP_OIDC_CLIENT_SECRET`); `None` for a public client.
    pub client_secret: Option<String>,
    /// Whether a first sign-in with no account of that verified address creates one.
    pub create_accounts: bool,
    /// A claim of the ID token whose values map to organisation roles, if any.
    pub role_claim: Option<String>,
}

impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcSettings")
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "(hidden)"),
            )
            .field("create_accounts", &self.create_accounts)
            .field("role_claim", &self.role_claim)
            .finish()
    }
}

/// Half the machine's cores, at least one.
fn half_the_cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| (n.get() / 2).max(1))
}

impl Default for Config {
    fn default() -> Config {
        Config {
            secure_cookies: false,
            session_ttl: Duration::from_secs(12 * 3600),
            max_body_bytes: 2 * 1024 * 1024,
            trusted_proxies: Vec::new(),
            // Half the cores each, so that slow work leaves the other half to the request
            // threads (/healthz and reads stay fast while a crowd signs up or asks for PDFs).
            hashing_threads: half_the_cores(),
            hashing_queue: 32,
            rendering_threads: half_the_cores(),
            rendering_queue: 8,
            throttle: ThrottleLimits::default(),
            max_connections: None,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            send_timeout: Duration::from_secs(30),
            evidence_max_mb: ops::evidence::EVIDENCE_MAX_MB_DEFAULT,
            public_url: None,
            mail: None,
            oidc: None,
            password_sign_in: true,
            digest_hour: 6,
        }
    }
}

pub use housekeeping::record_daily_runs;
pub use housekeeping::{HOUSEKEEPING_EVERY, housekeeping};
pub use reminders::{DIGEST_EVERY, DigestPass, digests, send_digests};

/// Everything a handler needs.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub catalog: Arc<Catalog>,
    pub config: Config,
    pub(crate) throttle: Arc<throttle::Throttle>,
    pub(crate) results: Arc<cache::ResultCache>,
    /// The pool that hashes and verifies passwords.
    pub hashing: Arc<work::Pool>,
    /// The pool that renders report downloads.
    pub rendering: Arc<work::Pool>,
    /// The SMTP transport, when mail is configured ([`Config::mail`]).
    pub mailer: Option<Arc<mail::Mailer>>,
    /// The OpenID Connect provider, when single sign-on is configured ([`Config::oidc`]).
    pub oidc: Option<Arc<oidc::Provider>>,
}

impl AppState {
    /// The state of a server. A mail configuration that does not hold (check it first with
    /// [`mail::Mailer::new`]) is logged and leaves the server without mail.
    pub fn new(store: Store, catalog: Arc<Catalog>, config: Config) -> AppState {
        let mailer = match &config.mail {
            None => None,
            Some(mail) => match mail::Mailer::new(mail) {
                Ok(mailer) => Some(Arc::new(mailer)),
                Err(error) => {
                    tracing::error!(%error, "mail is not set up");
                    None
                }
            },
        };
        let oidc = config
            .oidc
            .clone()
            .map(|settings| Arc::new(oidc::Provider::new(settings, config.public_url.as_ref())));
        AppState {
            mailer,
            oidc,
            store,
            catalog,
            throttle: Arc::new(throttle::Throttle::new(config.throttle.clone())),
            results: Arc::new(cache::ResultCache::default()),
            hashing: Arc::new(work::Pool::new(
                "hashing",
                config.hashing_threads,
                config.hashing_queue,
            )),
            rendering: Arc::new(work::Pool::new(
                "rendering",
                config.rendering_threads,
                config.rendering_queue,
            )),
            config,
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
    let mut headers = security::security_headers();
    if state.config.secure_cookies {
        headers.push(security::hsts());
    }
    router
        .fallback(pages::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(DefaultBodyLimit::max(max_body))
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| {
                let headers = headers.clone();
                async move {
                    let private = security::is_private(&request);
                    let mut response = next.run(request).await;
                    security::finish_headers(&mut response, &headers, private);
                    response
                }
            },
        ))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}
