//! The HTML pages: server-rendered siblings of the JSON API over the same core calls (the
//! store, `aimsgap_assess::assess`, the report renderers), in the same route table.
//!
//! Every page works without script: reading is a GET, changing is a plain form POST carrying
//! the session's CSRF token in the hidden field `csrf` (or, for a visitor without a session,
//! the double-submit token of `security::check_visitor_form`), answered by a redirect or by the
//! page again with the problem stated. The quick assessment keeps no state on the server: its
//! answers travel in the query string from step to step.
//!
//! Each page is a small view struct deriving askama's `Template` over a file in `templates/`
//! (checked when the crate compiles, escaping every value by default), filled by its handler
//! and answered through [`layout::render`]. No handler writes markup.

mod account;
mod aibom;
mod assessment;
mod audit;
mod catalog;
pub(crate) mod changes;
mod dashboard;
mod drafts;
pub(crate) mod evidence;
mod forms;
mod layout;
mod me;
mod notifications;
mod oidc;
pub(crate) mod quick;
mod register;
mod resets;
mod summary;
mod two_factor;
mod work;
mod workbook;
mod workspace;

use crate::auth::{Auth, MaybeAuth, identify};
use crate::error::ApiError;
use crate::{Access, AppState, RouteSpec};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
pub(crate) use layout::{Frame, field_id, render};

fn spec(method: Method, path: &'static str, access: Access, summary: &'static str) -> RouteSpec {
    RouteSpec::new(method, path, access, summary)
}

/// The pages' rows of the route table.
pub fn routes() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    use Access::*;
    vec![
        (
            spec(Method::GET, "/", Public, "Landing page"),
            get(account::landing),
        ),
        (
            spec(
                Method::GET,
                layout::stylesheet_path(),
                Public,
                "The stylesheet of the pages, under a name that carries its hash",
            ),
            get(layout::stylesheet),
        ),
        (
            spec(
                Method::GET,
                "/frameworks",
                Public,
                "The frameworks of this server's catalog, custom ones included",
            ),
            get(catalog::frameworks),
        ),
        (
            spec(
                Method::GET,
                "/quick",
                Public,
                "Quick assessment, step 1: the organisation",
            ),
            get(quick::organisation),
        ),
        (
            spec(
                Method::GET,
                "/quick/certifications",
                Public,
                "Quick assessment, step 2: certifications held",
            ),
            get(quick::certifications),
        ),
        (
            spec(
                Method::GET,
                "/quick/systems",
                Public,
                "Quick assessment, step 3: AI systems",
            ),
            get(quick::systems),
        ),
        (
            spec(
                Method::GET,
                "/quick/questions",
                Public,
                "Quick assessment, step 4: the questions that matter most",
            ),
            get(quick::questions),
        ),
        (
            spec(
                Method::GET,
                "/quick/result",
                Public,
                "Quick assessment, step 5: the result",
            ),
            get(quick::result),
        ),
        (
            spec(
                Method::GET,
                "/quick/report/{format}",
                Public,
                "The quick assessment's report (html, pdf, xlsx) for the answers in the query",
            ),
            get(quick::report),
        ),
        (
            spec(
                Method::POST,
                "/quick/save",
                Public,
                "Save a quick assessment to a new organisation (creating the account if needed)",
            ),
            post(quick::save),
        ),
        (
            spec(Method::GET, "/signup", Public, "Sign-up form"),
            get(account::signup_form),
        ),
        (
            spec(
                Method::POST,
                "/signup",
                Public,
                "Create an account and sign in",
            ),
            post(account::signup),
        ),
        (
            spec(Method::GET, "/signin", Public, "Sign-in form"),
            get(account::signin_form),
        ),
        (
            spec(Method::POST, "/signin", Public, "Sign in"),
            post(account::signin),
        ),
        (
            spec(Method::POST, "/signout", User, "Sign out"),
            post(account::signout),
        ),
        (
            spec(
                Method::GET,
                "/orgs",
                User,
                "Your organisations, and a form to create one",
            ),
            get(workspace::orgs),
        ),
        (
            spec(Method::POST, "/orgs", User, "Create an organisation"),
            post(workspace::create_org),
        ),
        (
            spec(
                Method::GET,
                "/orgs/{org}",
                OrgMember,
                "An organisation: members, invitations, assessments",
            ),
            get(workspace::org),
        ),
        (
            spec(
                Method::POST,
                "/orgs/{org}/invitations",
                OrgOwner,
                "Invite someone as a role; shows the one-time link",
            ),
            post(workspace::invite),
        ),
        (
            spec(
                Method::POST,
                "/orgs/{org}/invitations/{invitation}/revoke",
                OrgOwner,
                "Revoke a pending invitation: its link stops working",
            ),
            post(workspace::revoke_invitation),
        ),
        (
            spec(
                Method::POST,
                "/orgs/{org}/assessments",
                OrgEditor,
                "Import an assessment file pasted as YAML or JSON",
            ),
            post(workspace::import),
        ),
        (
            spec(
                Method::GET,
                "/invitations/{token}",
                User,
                "An invitation, with the button that accepts it",
            ),
            get(workspace::invitation),
        ),
        (
            spec(
                Method::POST,
                "/invitations/{token}",
                User,
                "Accept an invitation",
            ),
            post(workspace::accept),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}",
                Read,
                "An assessment: readiness, verdict and every requirement",
            ),
            get(assessment::overview),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/requirements/{requirement}",
                Read,
                "One requirement: status, credit, derivation and (for editors) its answer form",
            ),
            get(assessment::requirement),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/requirements/{requirement}",
                Edit,
                "Save one answer with the version read",
            ),
            post(assessment::save_answer),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/systems",
                Read,
                "The AI system inventory and its classification",
            ),
            get(assessment::systems),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/history",
                Read,
                "Every change: who, when, what",
            ),
            get(assessment::history),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/runs",
                Read,
                "Saved runs, and the form to compare two",
            ),
            get(assessment::runs),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/runs",
                Edit,
                "Save a run now",
            ),
            post(assessment::save_run),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/runs/compare",
                Read,
                "What changed between two saved runs",
            ),
            get(assessment::compare),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/soa",
                Read,
                "The Statement of Applicability",
            ),
            get(assessment::soa),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/roadmap",
                Read,
                "The roadmap to certification as a timeline",
            ),
            get(assessment::roadmap),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/drafts",
                Read,
                "The artefact drafts: what each is for, what to decide before approving it, and its downloads",
            ),
            get(drafts::list),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/drafts/{file}",
                Export,
                "Download one draft: its id with .md or .docx, or ai-risk-register.xlsx",
            ),
            get(drafts::download),
        ),
        (
            spec(
                Method::GET,
                "/orgs/{org}/assessments/new",
                OrgEditor,
                "The form that creates an assessment: profile, certifications, a first AI system",
            ),
            get(forms::new_assessment),
        ),
        (
            spec(
                Method::POST,
                "/orgs/{org}/assessments/new",
                OrgEditor,
                "Create an assessment from the form",
            ),
            post(forms::create_assessment),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/profile",
                Read,
                "The organisation profile and certifications (a form for editors)",
            ),
            get(forms::profile),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/profile",
                Edit,
                "Save the profile and certifications with the version read",
            ),
            post(forms::save_profile),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/systems/new",
                Edit,
                "The form that adds an AI system",
            ),
            get(forms::new_system),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/systems/new",
                Edit,
                "Add an AI system, or preview its classification and obligations without saving",
            ),
            post(forms::create_system),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/systems/{system}/edit",
                Edit,
                "The form that edits an AI system",
            ),
            get(forms::edit_system),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/systems/{system}/edit",
                Edit,
                "Save an AI system with the version read, or preview it without saving",
            ),
            post(forms::update_system),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/systems/{system}/remove",
                Edit,
                "Confirm the removal of an AI system",
            ),
            get(forms::confirm_remove),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/systems/{system}/remove",
                Edit,
                "Remove an AI system",
            ),
            post(forms::remove_system),
        ),
        (
            spec(
                Method::GET,
                "/account",
                User,
                "Your account: password, sessions, API tokens",
            ),
            get(me::account),
        ),
        (
            spec(
                Method::POST,
                "/account/password",
                User,
                "Change your password; your other sessions end",
            ),
            post(me::change_password),
        ),
        (
            spec(
                Method::POST,
                "/account/sessions/end-others",
                User,
                "Sign out everywhere but this session",
            ),
            post(me::end_other_sessions),
        ),
        (
            spec(
                Method::POST,
                "/account/tokens",
                User,
                "Create an API token; shows its secret once",
            ),
            post(me::create_token),
        ),
        (
            spec(
                Method::POST,
                "/account/tokens/{api_token}/revoke",
                User,
                "Revoke one of your API tokens",
            ),
            post(me::revoke_token),
        ),
        (
            spec(
                Method::POST,
                "/orgs/{org}/members/{member}/role",
                OrgOwner,
                "Change a member's role (the last owner keeps theirs)",
            ),
            post(workspace::set_member_role),
        ),
        (
            spec(
                Method::POST,
                "/orgs/{org}/members/{member}/remove",
                OrgOwner,
                "Remove a member (never the last owner)",
            ),
            post(workspace::remove_member),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/packages/{package}",
                Read,
                "One work package: its requirements, owner, due date, state and comments",
            ),
            get(work::package),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/work",
                Edit,
                "Set the owner, due date and state of a requirement or work package",
            ),
            post(work::save),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/comments",
                Edit,
                "Comment on a requirement or work package",
            ),
            post(work::add_comment),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/comments/{comment}/edit",
                Edit,
                "Change the text of your comment",
            ),
            post(work::edit_comment),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/comments/{comment}/delete",
                Edit,
                "Delete a comment (yours, or any as an owner)",
            ),
            post(work::delete_comment),
        ),
        (
            spec(
                Method::GET,
                "/me/work",
                User,
                "My work across my organisations: overdue, due this week, later",
            ),
            get(work::mine),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/dashboard",
                Read,
                "The dashboard: readiness over time and per clause, blockers, law dates, work due",
            ),
            get(dashboard::dashboard),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/dashboard/runs",
                Edit,
                "Record a run now, then back to the dashboard",
            ),
            post(dashboard::record_run),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/register",
                Read,
                "The gap register: open requirements and work packages, filtered and sorted",
            ),
            get(register::register),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/register.csv",
                Export,
                "The gap register's filtered rows as CSV",
            ),
            get(register::register_csv),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/register.xlsx",
                Export,
                "The gap register's filtered rows as an Excel workbook",
            ),
            get(register::register_xlsx),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/evidence",
                Read,
                "The evidence register: every piece of evidence with its freshness, filtered by kind and freshness, and what is due for review",
            ),
            get(evidence::register),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/systems/import-aibom",
                Edit,
                "The form that uploads an AI-BOM (CycloneDX ML-BOM) to draft AI systems from",
            ),
            get(aibom::form),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/import",
                Edit,
                "Import a workbook: the upload form for the edited XLSX export",
            ),
            get(workbook::form),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/evidence",
                Edit,
                "Add evidence: a multipart form with its metadata and, optionally, a file",
            ),
            // The handler limits the body to the configured evidence limit itself.
            post(evidence::upload).layer(axum::extract::DefaultBodyLimit::disable()),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/evidence/{evidence}",
                Read,
                "One piece of evidence: its metadata, what it backs, its file and earlier versions",
            ),
            get(evidence::item),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/import",
                Edit,
                "A workbook uploaded (multipart): the preview of its changes, or its bad cells (422) or rows changed since the export (409)",
            )
            .takes_upload("workbook"),
            post(workbook::preview).layer(axum::extract::DefaultBodyLimit::max(
                crate::ops::workbook::MAX_WORKBOOK_BYTES,
            )),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/systems/import-aibom",
                Edit,
                "Read an uploaded AI-BOM into draft AI systems to confirm; stores nothing",
            ),
            post(aibom::upload),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/systems/import-aibom/confirm",
                Edit,
                "Add the confirmed draft AI systems of an AI-BOM, all in one change",
            ),
            post(aibom::confirm),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/evidence/{evidence}",
                Edit,
                "Change a piece of evidence's metadata and links, naming the version read; a stale save shows what is stored and who saved it",
            ),
            post(evidence::change),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/evidence/{evidence}/file",
                Edit,
                "Upload a new file for a piece of evidence (multipart); the older file stays as an earlier version",
            ),
            // The handler limits the body to the configured evidence limit itself.
            post(evidence::new_file).layer(axum::extract::DefaultBodyLimit::disable()),
        ),
        (
            spec(
                Method::GET,
                "/assessments/{assessment}/evidence/{evidence}/delete",
                Edit,
                "Asks before deleting a piece of evidence",
            ),
            get(evidence::confirm_delete),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/evidence/{evidence}/delete",
                Edit,
                "Delete a piece of evidence, naming the version confirmed; the history keeps it",
            ),
            post(evidence::delete),
        ),
        (
            spec(
                Method::POST,
                "/assessments/{assessment}/import/apply",
                Edit,
                "Apply a workbook's previewed changes, all or nothing (409 when an answer moved meanwhile)",
            ),
            post(workbook::apply).layer(axum::extract::DefaultBodyLimit::max(
                crate::ops::workbook::MAX_WORKBOOK_BYTES,
            )),
        ),
        (
            spec(
                Method::GET,
                "/orgs/{org}/audit",
                OrgAudit,
                "The audit log: who did what, when, from where; filtered by kind, member and dates",
            ),
            get(audit::log),
        ),
        (
            spec(
                Method::GET,
                "/signin/oidc",
                Public,
                "Sign in with single sign-on: off to the OpenID Connect provider (404 when none is configured, 503 when it does not answer)",
            ),
            get(oidc::start),
        ),
        (
            spec(
                Method::GET,
                "/orgs/{org}/audit/export",
                OrgAudit,
                "The audit log's filtered events as JSON lines",
            ),
            get(audit::export),
        ),
        (
            spec(
                Method::GET,
                "/signin/oidc/callback",
                Public,
                "The OpenID Connect provider's answer: signed in and on to the page asked for, or why not (400 expired, 401 not verified, 403 no account to link)",
            ),
            get(oidc::callback),
        ),
        (
            spec(
                Method::GET,
                "/password/forgot",
                Public,
                "Forgot your password: the form that mails a reset link (or, without mail, who resets passwords)",
            ),
            get(resets::forgot_form),
        ),
        (
            spec(
                Method::GET,
                "/account/two-factor",
                User,
                "Two-factor sign-in: turn it on (a QR code and a code from the app), or renew the recovery codes and turn it off",
            ),
            get(two_factor::page),
        ),
        (
            spec(
                Method::GET,
                "/account/notifications",
                User,
                "Your reminders: which kinds the daily digest brings you",
            ),
            get(notifications::notifications),
        ),
        (
            spec(
                Method::POST,
                "/password/forgot",
                Public,
                "Ask for a reset link: the same answer whether or not an account has the address",
            ),
            post(resets::forgot),
        ),
        (
            spec(
                Method::GET,
                "/password/reset/{token}",
                Public,
                "A mailed reset link: the form that sets a new password",
            ),
            get(resets::reset_form),
        ),
        (
            spec(
                Method::POST,
                "/account/two-factor",
                User,
                "Turn two-factor sign-in on with a code of the secret shown; shows the recovery codes once (400 with a wrong code)",
            ),
            post(two_factor::turn_on),
        ),
        (
            spec(
                Method::POST,
                "/password/reset/{token}",
                Public,
                "Set a new password through a reset link: once, within its hour",
            ),
            post(resets::reset),
        ),
        (
            spec(
                Method::POST,
                "/account/two-factor/recovery-codes",
                User,
                "New recovery codes for a code of the app; shows them once (400 with a wrong code)",
            ),
            post(two_factor::renew_codes),
        ),
        (
            spec(
                Method::POST,
                "/account/two-factor/off",
                User,
                "Turn two-factor sign-in off with the password and a code (400 with a wrong one)",
            ),
            post(two_factor::turn_off),
        ),
        (
            spec(
                Method::GET,
                "/password/changed",
                Public,
                "The password is changed: sign in with it",
            ),
            get(resets::changed),
        ),
        (
            spec(
                Method::GET,
                "/signin/two-factor",
                Public,
                "The second step of a sign-in: the form for the code",
            ),
            get(two_factor::code_form),
        ),
        (
            spec(
                Method::POST,
                "/signin/two-factor",
                Public,
                "Finish a sign-in with the code of the app or a recovery code (401 with a wrong one, or with no sign-in waiting)",
            ),
            post(two_factor::check_code),
        ),
        (
            spec(
                Method::POST,
                "/orgs/{org}/two-factor",
                OrgOwner,
                "Require two-factor sign-in of the organisation's members, or stop requiring it",
            ),
            post(two_factor::set_required),
        ),
        (
            spec(
                Method::POST,
                "/account/notifications",
                User,
                "Switch each kind of reminder on or off",
            ),
            post(notifications::save_notifications),
        ),
    ]
}

/// A failure shown as a page: the API's error (same status, same words), and for a caller who
/// is not signed in, the way to sign in and come back.
#[derive(Debug)]
pub struct PageError {
    error: ApiError,
    next: Option<String>,
}

impl From<ApiError> for PageError {
    fn from(error: ApiError) -> PageError {
        PageError { error, next: None }
    }
}

impl From<aimsgap_store::StoreError> for PageError {
    fn from(error: aimsgap_store::StoreError) -> PageError {
        PageError::from(ApiError::from(error))
    }
}

pub type PageResult<T> = Result<T, PageError>;

/// Which failure an error page explains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ErrorKind {
    SignIn,
    NotFound,
    Forbidden,
    Csrf,
    Other,
}

#[derive(askama::Template, Debug)]
#[template(path = "error.html")]
struct ErrorPage {
    frame: Frame,
    kind: ErrorKind,
    /// `?next=...` back to the page asked for, for the sign-in links.
    next_query: String,
    /// The error in words, for `Other` (never internals: those are logged, not shown).
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.error.status();
        // An organisation's page for a member it requires two factors of: enrol first.
        if matches!(self.error, ApiError::TwoFactorRequired) {
            return layout::see_other(two_factor::REQUIRED_LOCATION);
        }
        if let ApiError::Internal(detail) = &self.error {
            tracing::error!(%detail, "internal error");
        }
        let (title, kind) = match &self.error {
            ApiError::Unauthenticated => ("Sign in to continue", ErrorKind::SignIn),
            ApiError::NotFound => ("Not found", ErrorKind::NotFound),
            ApiError::Forbidden => ("Not allowed", ErrorKind::Forbidden),
            ApiError::Csrf => ("Form expired", ErrorKind::Csrf),
            ApiError::Busy => ("Busy: try again in a few seconds", ErrorKind::Other),
            ApiError::TooManyAttempts(_) => ("Too many attempts", ErrorKind::Other),
            _ => ("Something went wrong", ErrorKind::Other),
        };
        let next = self.next.as_deref().filter(|n| account::local_path(n));
        let view = ErrorPage {
            frame: Frame::new(title, None),
            kind,
            next_query: layout::next_query(next),
            message: self.error.sentence(),
        };
        let mut response = render(status, &view);
        self.error.add_retry_after(&mut response);
        response
    }
}

/// A signed-in caller for a page; a visitor gets the sign-in page, which brings them back.
#[derive(Clone, Debug)]
pub struct Signed(pub Auth);

impl FromRequestParts<AppState> for Signed {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Signed, PageError> {
        match identify(parts, state).await {
            Ok(auth) => Ok(Signed(auth)),
            Err(error) => Err(PageError {
                error,
                next: parts.uri.path_and_query().map(|p| p.as_str().to_string()),
            }),
        }
    }
}

/// Adds a `Set-Cookie` header to a response.
fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The double-submit token of a visitor's form: the one in the cookie, or a new one with the
/// cookie that sets it.
fn visitor_token(headers: &axum::http::HeaderMap, secure: bool) -> (String, Option<HeaderValue>) {
    match crate::security::cookie(headers, crate::security::form_cookie_name(secure))
        .filter(|t| t.len() >= 32 && t.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        Some(token) => (token, None),
        None => match aimsgap_store::new_token() {
            Ok(token) => {
                let cookie =
                    HeaderValue::from_str(&crate::security::form_cookie(&token, secure)).ok();
                (token, cookie)
            }
            // Without a random source there is no token to give: the form is shown without
            // one, and its submission fails the double-submit check (which wants at least 32
            // characters), so it fails closed rather than with a guessable token.
            Err(error) => {
                tracing::error!(%error, "no form token for a visitor");
                (String::new(), None)
            }
        },
    }
}

/// A status for a failed form: the API's status for the error.
fn status_of(error: &ApiError) -> StatusCode {
    error.status()
}

/// The answer for a path no route serves: under `/api/` the API's JSON error body, as every
/// API client expects; anywhere else the error page in the layout (with the signed-in
/// caller's header), since a browser asked for a page.
pub async fn not_found(uri: axum::http::Uri, MaybeAuth(auth): MaybeAuth) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        return ApiError::NotFound.into_response();
    }
    let view = ErrorPage {
        frame: Frame::new("Not found", auth.as_ref()),
        kind: ErrorKind::NotFound,
        next_query: String::new(),
        message: String::new(),
    };
    render(StatusCode::NOT_FOUND, &view)
}

/// A form posted by a visitor (sign-in, sign-up, the second step, password reset): its
/// headers, the request's extensions (the client's address) and its fields, once the
/// double-submit token of [`security::check_visitor_form`] has been checked.
pub(crate) async fn visitor_form(
    state: &AppState,
    request: axum::extract::Request,
) -> PageResult<(
    axum::http::HeaderMap,
    axum::http::Extensions,
    crate::auth::Fields,
)> {
    let headers = request.headers().clone();
    let extensions = request.extensions().clone();
    let fields = crate::auth::read_form(request, state).await?;
    crate::security::check_visitor_form(
        &headers,
        fields.get(crate::security::FORM_FIELD).unwrap_or(""),
        state.config.secure_cookies,
    )?;
    Ok((headers, extensions, fields))
}
