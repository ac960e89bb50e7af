//! The JSON API under `/api/v1`: its rows of the route table, and thin handlers per area over
//! the shared operations ([`crate::ops`]).
//!
//! Each row names the wire types its handler reads and answers and every status it gives on
//! purpose; the OpenAPI document is built from these rows alone, and a test drives every route
//! and checks each real answer against them. The errors every route of an access level can give
//! (401, 403, 404, a bad or oversized body, 500) are added by [`documented`], from the row's
//! access level and method, so they cannot be forgotten on one route.

mod accounts;
mod aibom;
mod assessments;
pub(crate) mod audit;
mod catalog;
mod drafts;
mod evidence;
mod json;
mod notifications;
mod orgs;
mod people;
mod quick;
mod register;
mod resets;
mod runs;
mod two_factor;
pub(crate) mod wire;
mod work;
mod workbook;

use crate::error::ApiError;
use crate::{Access, AppState, RouteSpec};
use aimsgap_wire::api as w;
use axum::http::Method;
use axum::routing::{MethodRouter, delete, get, post, put};

// The operations the pages share with the API, where the pages have always found them.
pub(crate) use crate::ops::accounts::{check_login, create_account};
pub(crate) use crate::ops::assessments::{parse_file, save_answer};
pub(crate) use crate::ops::today;
pub(crate) use crate::policy::{assessment_access, org_role};
pub(crate) use crate::reports::report_response;
pub(crate) use crate::sessions::new_session;

/// A stored value with its version, as clients see it.
pub fn versioned_json(v: &aimsgap_store::Versioned) -> serde_json::Value {
    serde_json::to_value(wire::versioned(v)).unwrap_or_default()
}

fn row(method: Method, path: &'static str, access: Access, summary: &'static str) -> RouteSpec {
    RouteSpec::new(method, path, access, summary)
}

/// Adds the errors that follow from a row's access level, method and body.
fn documented(mut spec: RouteSpec) -> RouteSpec {
    let has = |spec: &RouteSpec, status: u16| spec.responses.iter().any(|a| a.status == status);
    let unsafe_method = crate::security::is_unsafe(&spec.method);
    let needs_role = matches!(
        spec.access,
        Access::OrgEditor | Access::OrgOwner | Access::Export | Access::Edit | Access::OrgAudit
    );
    let in_org = !matches!(spec.access, Access::Public | Access::User);
    let has_body = spec.request.is_some() || spec.upload.is_some();
    if has_body && !has(&spec, 400) {
        spec = spec.fails(
            400,
            "The body is not JSON, or a field is missing or of the wrong type; the message names it (code `bad_request`)",
        );
    }
    if spec.access != Access::Public {
        spec = spec.fails(
            401,
            "Not signed in, or the session or token is no longer valid (code `unauthenticated`)",
        );
    }
    if !has(&spec, 403) {
        match (needs_role, unsafe_method) {
            (true, true) => {
                spec = spec.fails(
                    403,
                    "Your role does not allow this (code `forbidden`), or a cookie session sent no or a wrong CSRF token, or the request is cross-site (code `csrf`)",
                )
            }
            (true, false) => {
                spec = spec.fails(403, "Your role does not allow this (code `forbidden`)")
            }
            (false, true) => {
                spec = spec.fails(
                    403,
                    "A cookie session sent no or a wrong CSRF token, or the request is cross-site (code `csrf`)",
                )
            }
            (false, false) if in_org => spec = spec.fails(403, TWO_FACTOR_403),
            (false, false) => {}
        }
    }
    if in_org && !has(&spec, 404) {
        spec = spec.fails(
            404,
            "It does not exist, or you are not a member of its organisation (code `not_found`)",
        );
    }
    if has_body {
        spec = spec.fails(
            408,
            "The body did not arrive within the server's body timeout (code `bad_request`)",
        );
        spec = spec.fails(
            413,
            "The body is larger than the server accepts, or the assessment it holds or would make has more entries than a limit allows: AI systems, answers, certifications, evidence per answer; the message names each (code `too_large`)",
        );
    }
    spec = spec.fails(
        500,
        "The server failed; the detail is in its log only (code `internal`)",
    );
    spec.responses.sort_by_key(|a| a.status);
    spec
}

const TWO_FACTOR_403: &str = "The organisation requires two-factor sign-in and this session's account has it off (code `two_factor_required`); an API token is not held to it";
const BUSY_HASHING: &str = "The server is busy checking passwords and its queue is full; `Retry-After` says when to try again (code `busy`)";
const BUSY_RENDERING: &str = "The server is busy rendering reports and its queue is full; `Retry-After` says when to try again (code `busy`)";
const COMPUTE_422: &str = "The stored assessment no longer validates against this server's catalog; the message locates each error (code `invalid`)";
const EDIT_409: &str = "Someone changed it since the version you read (code `conflict`); `current` holds it as it is now";
const BUSY_COMPUTING: &str = "The server is busy computing results and its queue is full; `Retry-After` says when to try again (code `busy`)";
const EVIDENCE_422: &str = "A field is not valid (an empty title, an unknown kind, a date not YYYY-MM-DD, a link that is no ISO/IEC 42001 id); the message names the field (code `invalid`)";
const EDIT_422: &str = "The assessment it would make does not validate; the message locates each error (code `invalid`)";

/// The API's rows of the route table, each with its handler.
pub fn routes() -> Vec<(RouteSpec, MethodRouter<AppState>)> {
    use Access::*;
    let rows: Vec<(RouteSpec, MethodRouter<AppState>)> = vec![
        (
            row(Method::GET, "/healthz", Public, "Liveness and database check for load balancers")
                .gives::<w::Health>(200, "The server and its database answer")
                .gives::<w::Health>(503, "The database does not answer"),
            get(accounts::healthz),
        ),
        (
            row(Method::GET, "/api/openapi.json", Public, "This API's OpenAPI 3.1 document")
                .gives::<serde_json::Map<String, serde_json::Value>>(200, "The document"),
            get(crate::openapi::document),
        ),
        (
            row(Method::GET, "/api/docs", Public, "Browsable API documentation (works offline)")
                .gives_bytes(200, "An HTML page", &["text/html; charset=utf-8"]),
            get(crate::openapi::page),
        ),
        (
            row(Method::POST, "/api/v1/signup", Public, "Create an account and sign in")
                .takes::<w::SignupRequest>()
                .gives::<w::Session>(201, "Signed up and in; the session cookie is in `Set-Cookie`")
                .fails(400, "A field is missing or invalid: an e-mail address, a name, a password of at least 10 characters (code `bad_request`)")
                .fails(403, "A cross-site request (code `csrf`), or password sign-in is switched off on this server (code `forbidden`)")
                .fails(409, "An account with this e-mail address exists (code `exists`)")
                .fails(429, "Too many accounts created from this address; `Retry-After` says when to try again (code `too_many_attempts`)")
                .fails(503, BUSY_HASHING),
            post(accounts::signup),
        ),
        (
            row(Method::POST, "/api/v1/login", Public, "Sign in with e-mail and password")
                .takes::<w::LoginRequest>()
                .gives::<w::Session>(200, "Signed in; the session cookie is in `Set-Cookie`")
                .fails(401, "Wrong e-mail or password, or a wrong or used two-factor code (code `unauthenticated`); or the account has two-factor sign-in on and no `code` was sent (code `two_factor_code_needed`)")
                .fails(403, "A cross-site request (code `csrf`), or password sign-in is switched off on this server (code `forbidden`)")
                .fails(429, "Too many failed attempts for this account or address; `Retry-After` says when to try again (code `too_many_attempts`)")
                .fails(503, BUSY_HASHING),
            post(accounts::login),
        ),
        (
            row(Method::POST, "/api/v1/logout", User, "Sign out of this session")
                .gives_nothing(204, "Signed out; the cookie is cleared"),
            post(accounts::logout),
        ),
        (
            row(Method::POST, "/api/v1/logout-all", User, "Sign out of every session")
                .gives::<w::SessionsEnded>(200, "How many sessions ended"),
            post(accounts::logout_all),
        ),
        (
            row(Method::GET, "/api/v1/frameworks", Public, "The frameworks of this server's catalog, with those of its custom catalog folder (`serve --catalogs DIR`)")
                .gives::<w::FrameworkList>(200, "Every framework with its kind, version and number of requirements, in catalog order"),
            get(catalog::frameworks),
        ),
        (
            row(Method::GET, "/api/v1/quick", Public, "The quick assessment's questions, each marked asked or covered given the certifications in the query (`iso27001`, `soc2`, `soc2_categories`, `scope_covers_ai`), and the values its answers take")
                .gives::<w::QuickQuestions>(200, "The questions, jurisdictions, Annex III areas and consequential decisions")
                .fails(400, "An unknown query parameter or value; the message names it (code `bad_request`)"),
            get(quick::questions),
        ),
        (
            row(Method::POST, "/api/v1/quick", Public, "Run the quick assessment: its answers in, the result out; no account, nothing stored")
                .takes::<w::QuickRequest>()
                .gives::<w::AssessmentResult>(200, "The result, the same JSON as a stored assessment's result")
                .fails(400, "The body is not JSON, or a field is missing, unknown or of the wrong type, or a value is not one the quick assessment takes (an unknown question, jurisdiction, role, Annex III area or consequential decision; no AI system or more than three; a number out of range); the message names each field on its own line (code `bad_request`)")
                .fails(503, BUSY_COMPUTING),
            post(quick::assess),
        ),
        (
            row(Method::GET, "/api/v1/me", User, "The signed-in user and their organisations")
                .gives::<w::Me>(200, "You, your CSRF token and your organisations"),
            get(accounts::me),
        ),
        (
            row(Method::GET, "/api/v1/tokens", User, "List your API tokens")
                .gives::<w::TokenList>(200, "Your tokens, without their secrets"),
            get(accounts::list_tokens),
        ),
        (
            row(Method::POST, "/api/v1/tokens", User, "Create an API token (shown once) that expires after `expires_in_days` (1 to 366, 90 by default)")
                .takes::<w::TokenRequest>()
                .gives::<w::CreatedToken>(201, "The token, with its secret shown this once and its expiry")
                .fails(400, "The name is missing or longer than 100 characters, or `expires_in_days` is not 1 to 366 (code `bad_request`)"),
            post(accounts::create_token),
        ),
        (
            row(Method::DELETE, "/api/v1/tokens/{token}", User, "Revoke one of your API tokens")
                .gives_nothing(204, "Revoked")
                .fails(404, "You have no token with this id (code `not_found`)"),
            delete(accounts::revoke_token),
        ),
        (
            row(Method::GET, "/api/v1/orgs", User, "Your organisations")
                .gives::<w::OrganizationList>(200, "Your organisations and your role in each"),
            get(orgs::list_orgs),
        ),
        (
            row(Method::POST, "/api/v1/orgs", User, "Create an organisation (you become its owner)")
                .takes::<w::OrganizationRequest>()
                .gives::<w::CreatedOrganization>(201, "Created; you are its owner"),
            post(orgs::create_org),
        ),
        (
            row(Method::GET, "/api/v1/orgs/{org}", OrgMember, "One organisation")
                .gives::<w::Organization>(200, "The organisation and your role in it"),
            get(orgs::get_org),
        ),
        (
            row(Method::GET, "/api/v1/orgs/{org}/members", OrgMember, "Members and their roles")
                .gives::<w::MemberList>(200, "The members"),
            get(orgs::list_members),
        ),
        (
            row(Method::PUT, "/api/v1/orgs/{org}/members/{user}", OrgOwner, "Change a member's role")
                .takes::<w::RoleRequest>()
                .gives_nothing(204, "Changed")
                .fails(400, "The body is not a role, or it would leave the organisation without an owner (code `bad_request`)"),
            put(orgs::set_member_role),
        ),
        (
            row(Method::DELETE, "/api/v1/orgs/{org}/members/{user}", OrgOwner, "Remove a member")
                .gives_nothing(204, "Removed")
                .fails(400, "It would leave the organisation without an owner (code `bad_request`)"),
            delete(orgs::remove_member),
        ),
        (
            row(Method::POST, "/api/v1/orgs/{org}/invitations", OrgOwner, "Invite someone by a one-time link")
                .takes::<w::InvitationRequest>()
                .gives::<w::Invitation>(201, "The invitation, with its secret shown this once"),
            post(orgs::create_invitation),
        ),
        (
            row(Method::GET, "/api/v1/orgs/{org}/invitations", OrgOwner, "Pending invitations (never their secrets)")
                .gives::<w::InvitationList>(200, "The invitations that can still be accepted, oldest first, each with the id to revoke it by"),
            get(orgs::list_invitations),
        ),
        (
            row(Method::DELETE, "/api/v1/orgs/{org}/invitations/{invitation}", OrgOwner, "Revoke a pending invitation")
                .gives_nothing(204, "Revoked: its link no longer works")
                .fails(404, "No pending invitation with this id in this organisation, or you are not a member of it (code `not_found`)"),
            delete(orgs::revoke_invitation),
        ),
        (
            row(Method::POST, "/api/v1/invitations/{token}/accept", User, "Accept an invitation")
                .gives::<w::Accepted>(200, "You joined the organisation")
                .fails(404, "No such invitation, or it was used or has expired (code `not_found`)"),
            post(orgs::accept_invitation),
        ),
        (
            row(Method::GET, "/api/v1/orgs/{org}/assessments", OrgMember, "The organisation's assessments, newest first (keyset pages)")
                .gives::<w::AssessmentList>(200, "One page; query `limit` (1 to 200, 50 by default) and `before` (the previous page's `next`)"),
            get(assessments::list_assessments),
        ),
        (
            row(Method::POST, "/api/v1/orgs/{org}/assessments", OrgEditor, "Import an assessment file (YAML or JSON)")
                .takes::<w::ImportRequest>()
                .gives::<w::CreatedAssessment>(201, "Imported")
                .fails(422, "The file does not validate; the message names each error's line and field (code `invalid`)"),
            post(assessments::import_assessment),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}", Read, "An assessment whole, with the version of every part")
                .gives::<w::Assessment>(200, "The assessment"),
            get(assessments::get_assessment),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/export", Export, "The assessment file, exported back (JSON)")
                .gives::<w::AssessmentFile>(200, "The assessment file"),
            get(assessments::export_assessment),
        ),
        (
            row(Method::PUT, "/api/v1/assessments/{assessment}/profile", Edit, "Replace the profile (organisation, certifications, as_of)")
                .takes::<w::ProfileRequest>()
                .gives::<w::Versioned>(200, "The profile saved, with its new version")
                .fails(409, EDIT_409)
                .fails(422, EDIT_422),
            put(assessments::put_profile),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/answers", Read, "Every answer with its version")
                .gives::<w::AnswerList>(200, "The answers"),
            get(assessments::list_answers),
        ),
        (
            row(Method::PUT, "/api/v1/assessments/{assessment}/answers/{requirement}", Edit, "Write or delete one answer, naming the version you read")
                .takes::<w::AnswerRequest>()
                .gives::<w::Versioned>(200, "The answer saved (or deleted: `value` is null), with its new version")
                .fails(409, EDIT_409)
                .fails(422, EDIT_422),
            put(assessments::put_answer),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/ai-systems", Read, "The AI system inventory with versions")
                .gives::<w::SystemList>(200, "The AI systems"),
            get(assessments::list_systems),
        ),
        (
            row(Method::PUT, "/api/v1/assessments/{assessment}/ai-systems/{system}", Edit, "Write or delete one AI system, naming the version you read")
                .takes::<w::SystemRequest>()
                .gives::<w::Versioned>(200, "The AI system saved (or deleted: `value` is null), with its new version")
                .fails(400, "The body is malformed, or the system's `id` is not the path's (code `bad_request`)")
                .fails(409, EDIT_409)
                .fails(422, EDIT_422),
            put(assessments::put_system),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/history", Read, "Every change: who, when, what, old and new value")
                .gives::<w::History>(200, "The changes"),
            get(assessments::history),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/result", Read, "The engine's JSON result for the current content")
                .gives::<w::AssessmentResult>(200, "The result (gzip-encoded when the client accepts it)")
                .fails(422, COMPUTE_422),
            get(assessments::result),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/reports/{format}", Export, "Download a report: html, md, csv, gaps-csv, xlsx, pdf, json, oscal, poam, artefacts")
                .gives_bytes(200, "The report as a download, in the format's media type", crate::reports::MEDIA_TYPES)
                .fails(400, "An unknown format, or PDF on a server built without it (code `bad_request`)")
                .fails(422, COMPUTE_422)
                .fails(503, BUSY_RENDERING),
            get(assessments::report),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/runs", Read, "Saved runs, newest first")
                .gives::<w::RunList>(200, "The runs, without their results"),
            get(runs::list_runs),
        ),
        (
            row(Method::POST, "/api/v1/assessments/{assessment}/runs", Edit, "Save a run: the result at this moment")
                .gives::<w::CreatedRun>(201, "Saved")
                .fails(422, COMPUTE_422),
            post(runs::create_run),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/runs/{run}", Read, "One saved run with its result")
                .gives::<w::Run>(200, "The run"),
            get(runs::get_run),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/runs/{run}/diff/{other}", Read, "What changed between two saved runs")
                .gives::<w::RunDiff>(200, "The changes from `run` to `other`"),
            get(runs::diff_runs),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/drafts", Export, "The artefact drafts: what each is for, what to decide before approving it, its formats")
                .gives::<w::DraftList>(200, "The drafts in their fixed order")
                .fails(422, COMPUTE_422)
                .fails(503, BUSY_RENDERING),
            get(drafts::list),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/drafts/{draft}/{format}", Export, "Download one draft: md, docx, or xlsx for the risk register")
                .gives_bytes(200, "The draft as a download, in the format's media type", crate::drafts::MEDIA_TYPES)
                .fails(400, "A format the draft does not come in (code `bad_request`)")
                .fails(422, COMPUTE_422)
                .fails(503, BUSY_RENDERING),
            get(drafts::download),
        ),
        (
            row(Method::POST, "/api/v1/assessments/{assessment}/ai-systems/preview", Read, "What an AI system would be, were it saved as given: its classification and dated obligations per law; stores nothing")
                .takes::<aimsgap_wire::assessment::AiSystem>()
                .gives::<w::SystemPreview>(200, "The system's classification and obligations, on the assessment's other content and date")
                .fails(400, "The body is not an AI system of the assessment file, or it has no `id` (code `bad_request`)")
                .fails(422, "The assessment with this system does not validate; the message locates each error (code `invalid`)")
                .fails(503, BUSY_COMPUTING),
            post(assessments::preview_system),
        ),
        (
            row(Method::PUT, "/api/v1/me/password", User, "Change your password (the current one is checked, throttled like a sign-in); your other sessions end, this one stays")
                .takes::<w::PasswordRequest>()
                .gives::<w::SessionsEnded>(200, "Changed; how many other sessions ended (all of them when called with an API token)")
                .fails(400, "The current password is wrong, or the new one has fewer than 10 characters; the message names the field (code `bad_request`)")
                .fails(429, "Too many failed attempts for this account or address; `Retry-After` says when to try again (code `too_many_attempts`)")
                .fails(503, BUSY_HASHING),
            put(people::change_password),
        ),
        (
            row(Method::POST, "/api/v1/logout-others", User, "Sign out of every session but this one")
                .gives::<w::SessionsEnded>(200, "How many sessions ended (all of them when called with an API token)"),
            post(people::logout_others),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/work-items", Read, "The owner, due date and state of every requirement and work package that has any, with the number of comments per target")
                .gives::<w::WorkList>(200, "The work items (targets such as `requirement:5.2` and `package:6.1.2`) and comment counts"),
            get(work::list_work),
        ),
        (
            row(Method::PUT, "/api/v1/assessments/{assessment}/work-items/{target}", Edit, "Set the owner (a member, or someone outside the organisation by name), due date and state of a requirement (`requirement:5.2`) or work package (`package:6.1.2`, named after its clause or control), naming the version you read; `done` changes no answer")
                .takes::<w::WorkRequest>()
                .gives::<w::WorkItem>(200, "The work item saved, with its new version")
                .fails(404, "No such assessment or target, or you are not a member of its organisation (code `not_found`)")
                .fails(409, EDIT_409)
                .fails(422, "A field is refused, and the message names it: `owner_user` not a member of the organisation, `owner_name` empty, too long or given with `owner_user`, `due` not a date YYYY-MM-DD (code `invalid`)"),
            put(work::put_work),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/comments", Read, "Comments, oldest first, of the assessment or of one target (query `target`); deleted ones marked, without their text")
                .gives::<w::CommentList>(200, "The comments")
                .fails(400, "An unknown query parameter (code `bad_request`)")
                .fails(404, "No such assessment or target, or you are not a member of its organisation (code `not_found`)"),
            get(work::list_comments),
        ),
        (
            row(Method::POST, "/api/v1/assessments/{assessment}/comments", Edit, "Comment on a requirement or work package")
                .takes::<w::CommentRequest>()
                .gives::<w::Comment>(201, "The comment")
                .fails(404, "No such assessment or target, or you are not a member of its organisation (code `not_found`)")
                .fails(422, "The text is empty or longer than 4,000 characters (code `invalid`)"),
            post(work::add_comment),
        ),
        (
            row(Method::PUT, "/api/v1/assessments/{assessment}/comments/{comment}", Edit, "Change the text of your comment; the old text stays in the history")
                .takes::<w::CommentEdit>()
                .gives::<w::Comment>(200, "The comment, marked edited")
                .fails(403, "It is not your comment, or your role does not allow this (code `forbidden`), or a cookie session sent no or a wrong CSRF token (code `csrf`)")
                .fails(404, "No such comment (or it was deleted), or you are not a member of the organisation (code `not_found`)")
                .fails(422, "The text is empty or longer than 4,000 characters (code `invalid`)"),
            put(work::edit_comment),
        ),
        (
            row(Method::DELETE, "/api/v1/assessments/{assessment}/comments/{comment}", Edit, "Delete a comment (yours, or any as an owner); it stays marked deleted, its text in the history")
                .gives_nothing(204, "Deleted")
                .fails(403, "It is not your comment and you are not an owner, or your role does not allow this (code `forbidden`), or a cookie session sent no or a wrong CSRF token (code `csrf`)")
                .fails(404, "No such comment (or it was deleted already), or you are not a member of the organisation (code `not_found`)"),
            delete(work::delete_comment),
        ),
        (
            row(Method::GET, "/api/v1/me/work", User, "Your work across your organisations, not done: overdue, due this week (the next 7 days), later")
                .gives::<w::MyWork>(200, "Your work items, soonest first, each with its assessment and organisation"),
            get(work::my_work),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/register", Read, "The gap register: open requirements and work packages with owner, state and due date, filtered and sorted")
                .gives::<w::Register>(200, "The rows that pass the filters of the query (`kind`, `group`, `owner` (`-` for nobody), `state`, `blocker` (yes, no), `due_before`, `system`, `law`) in the order of `sort` (priority, id, due, owner)")
                .fails(400, "A query value is not one the register takes; the message names the field (code `bad_request`)")
                .fails(422, COMPUTE_422),
            get(register::register),
        ),
        (
            row(Method::POST, "/api/v1/assessments/{assessment}/ai-systems/import-aibom", Edit, "Draft AI systems from a CycloneDX 1.5 or 1.6 ML-BOM (the body, JSON): what the BOM says filled in, what it cannot say asked; stores nothing")
                .takes::<serde_json::Map<String, serde_json::Value>>()
                .gives::<w::AibomDrafts>(200, "The draft AI systems, with ids free in the assessment, and the questions to answer before saving each")
                .fails(400, "The body could not be read (code `bad_request`)")
                .fails(422, "The BOM is not JSON, not CycloneDX 1.5 or 1.6, has a part of the wrong type, or has no machine-learning-model component; the message says where (line, column, JSON path) (code `invalid`)"),
            post(aibom::import),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/evidence", Read, "The evidence register: every item with its links and current file")
                .gives::<w::EvidenceList>(200, "The items, oldest first"),
            get(evidence::list),
        ),
        (
            row(Method::POST, "/api/v1/assessments/{assessment}/evidence", Edit, "Add an item of evidence: JSON metadata, or a multipart/form-data upload with a `file` part (streamed, at most the server's evidence limit, 25 MB unless `serve --evidence-max-mb` says otherwise) and the same fields as text parts (`links` repeated or comma-separated)")
                .takes::<w::EvidenceRequest>()
                .gives::<w::EvidenceItem>(201, "The item added, at version 1")
                .fails(413, "The file is larger than the server's evidence limit, which the message names (code `too_large`); nothing was stored")
                .fails(422, EVIDENCE_422),
            post(evidence::create).layer(axum::extract::DefaultBodyLimit::disable()),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/evidence/{evidence}", Read, "One item of evidence")
                .gives::<w::EvidenceItem>(200, "The item")
                .fails(404, "No such item, or you are not a member of the organisation (code `not_found`)"),
            get(evidence::get_one),
        ),
        (
            row(Method::PUT, "/api/v1/assessments/{assessment}/evidence/{evidence}", Edit, "Change an item's metadata and links, naming the version you read")
                .takes::<w::EvidenceRequest>()
                .gives::<w::EvidenceItem>(200, "The item changed, with its new version")
                .fails(404, "No such item, or you are not a member of the organisation (code `not_found`)")
                .fails(409, EDIT_409)
                .fails(422, EVIDENCE_422),
            put(evidence::update).layer(axum::extract::DefaultBodyLimit::disable()),
        ),
        (
            row(Method::DELETE, "/api/v1/assessments/{assessment}/evidence/{evidence}", Edit, "Delete an item and its links (`?version=N`, the version you read); the history keeps it")
                .gives_nothing(204, "Deleted")
                .fails(400, "No or a malformed `version` in the query (code `bad_request`)")
                .fails(404, "No such item, or you are not a member of the organisation (code `not_found`)")
                .fails(409, EDIT_409),
            delete(evidence::remove),
        ),
        (
            row(Method::POST, "/api/v1/assessments/{assessment}/evidence/{evidence}/file", Edit, "Upload a new file for an item (multipart/form-data: a `file` part and a `version` part naming the version you read); the older files stay as earlier versions")
                .gives::<w::EvidenceItem>(200, "The item with its new current file and version")
                .fails(400, "Not a multipart upload, or no `file` part (code `bad_request`)")
                .fails(404, "No such item, or you are not a member of the organisation (code `not_found`)")
                .fails(409, EDIT_409)
                .fails(413, "The file is larger than the server's evidence limit, which the message names (code `too_large`); nothing was stored"),
            post(evidence::replace_file).layer(axum::extract::DefaultBodyLimit::disable()),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/evidence/{evidence}/file", Read, "Download an item's file (`?version=N` for an earlier one): an attachment, `nosniff`, sandboxed, and never a type that renders in the browser (HTML, SVG and XML come as `application/octet-stream`)")
                .gives_bytes(200, "The file's bytes, streamed", &["application/octet-stream", "application/pdf", "image/png", "image/jpeg", "text/plain"])
                .fails(400, "A malformed `version` in the query (code `bad_request`)")
                .fails(404, "No such item, file or version, or you are not a member of the organisation (code `not_found`)"),
            get(evidence::download),
        ),
        (
            row(Method::GET, "/api/v1/assessments/{assessment}/evidence/{evidence}/versions", Read, "Every file an item had, newest first")
                .gives::<w::EvidenceVersions>(200, "The file versions")
                .fails(404, "No such item, or you are not a member of the organisation (code `not_found`)"),
            get(evidence::versions),
        ),
        (
            row(Method::POST, "/api/v1/assessments/{assessment}/workbook", Edit, "Import the Answers sheet of an exported and edited XLSX workbook (multipart field `workbook`, at most 16 MiB): with `dry_run=true` the changes only; otherwise the changes applied, all or nothing, at the versions read in this request")
                .takes_upload("workbook")
                .gives::<w::WorkbookImport>(200, "Every change (requirement, cell, field, old, new); unless a dry run, the answers as saved with their new versions")
                .fails(400, "No `workbook` file in a multipart/form-data body, or a `dry_run` other than true or false (code `bad_request`)")
                .gives::<w::WorkbookRefused>(409, "Rows changed since the workbook was exported (their fingerprints no longer match), or an answer changed while the import was applied; `cells` names each row (code `conflict`). Nothing was written")
                .gives::<w::WorkbookRefused>(422, "The file is not the workbook, or cells are bad; `cells` locates each (`Answers!D14`) with what was expected (code `invalid`). Nothing was written"),
            post(workbook::import).layer(axum::extract::DefaultBodyLimit::max(crate::ops::workbook::MAX_WORKBOOK_BYTES)),
        ),
        (
            row(Method::GET, "/api/v1/orgs/{org}/audit", OrgAudit, "The organisation's audit log, newest first: its events and the account events (sign-ins, passwords, tokens, two-factor) of its current members; nothing changes or deletes an event")
                .gives::<w::AuditPage>(200, "One page of at most 100 events and the cursor of the next; query `event` (a kind's name), `member` (a user's id), `from` and `to` (YYYY-MM-DD, UTC, both days included) and `before` (the previous page's `next`)")
                .fails(400, "A filter is not valid (an unknown kind or parameter, a date not YYYY-MM-DD, a malformed id or cursor); the message names it (code `bad_request`)"),
            get(audit::list),
        ),
        (
            row(Method::GET, "/api/v1/orgs/{org}/audit/export", OrgAudit, "Export the organisation's audit log as JSON lines (the same filters as the log, every page); the export is itself recorded")
                .gives_bytes(200, "An attachment: one event per line, each a JSON object of the log's fields, newest first", &[crate::ops::audit::JSON_LINES])
                .fails(400, "A filter is not valid; the message names it (code `bad_request`)"),
            get(audit::export),
        ),
        (
            row(Method::POST, "/api/v1/password/forgot", Public, "Ask for a password reset link by mail: the same answer whether or not an account has the address")
                .takes::<w::ForgotRequest>()
                .gives::<w::ForgotAccepted>(202, "Taken: if an account has the address, a link that works once within an hour is mailed to it")
                .fails(400, "The body is not JSON, or `email` is missing or not an e-mail address (code `bad_request`)")
                .fails(403, "A cross-site request (code `csrf`)")
                .fails(429, "Too many requests for this address or from this client; `Retry-After` says when to try again (code `too_many_attempts`)")
                .fails(501, "This server sends no mail: an operator resets passwords with `aimsgap user reset-password` (code `mail_not_set_up`)"),
            post(resets::forgot),
        ),
        (
            row(Method::POST, "/api/v1/password/reset", Public, "Choose a new password with a mailed reset link's token; every session of the account ends")
                .takes::<w::ResetRequest>()
                .gives::<w::SessionsEnded>(200, "The password is changed; how many sessions ended")
                .fails(400, "The body is not JSON, or `password` has fewer than 10 characters (code `bad_request`)")
                .fails(403, "A cross-site request (code `csrf`)")
                .fails(404, "No such link, or it was used or has expired (code `not_found`)")
                .fails(503, BUSY_HASHING),
            post(resets::reset),
        ),
        (
            row(Method::GET, "/api/v1/account/two-factor", User, "Your two-factor sign-in: whether it is on, the recovery codes left, and your organisations that require it (turn it on and off at /account/two-factor)")
                .gives::<w::TwoFactorStatus>(200, "Your two-factor sign-in"),
            get(two_factor::status),
        ),
        (
            row(Method::PUT, "/api/v1/orgs/{org}/two-factor", OrgOwner, "Require two-factor sign-in of the organisation's members, or stop requiring it")
                .takes::<w::TwoFactorRequirement>()
                .gives::<w::TwoFactorRequirement>(200, "The requirement as it is now")
                .fails(403, "Your role does not allow this (code `forbidden`); a cookie session sent no or a wrong CSRF token, or the request is cross-site (code `csrf`); or the organisation requires two-factor sign-in and this session's account has it off (code `two_factor_required`)"),
            put(two_factor::set_required),
        ),
        (
            row(Method::GET, "/api/v1/notifications", User, "Which kinds of reminder your daily digest brings (work due, evidence to review, law obligations coming into force), and whether this server sends mail")
                .gives::<w::Notifications>(200, "Your choices (every kind is on until switched off), whether mail is set up and the digest's hour (UTC)"),
            get(notifications::get_notifications),
        ),
        (
            row(Method::PUT, "/api/v1/notifications", User, "Switch each kind of reminder of your daily digest on or off")
                .takes::<w::NotificationsRequest>()
                .gives::<w::Notifications>(200, "Your choices as recorded"),
            put(notifications::put_notifications),
        ),
    ];
    rows.into_iter()
        .map(|(spec, handler)| (documented(spec), handler))
        .collect()
}

/// The answer for a path that exists but not with the request's method: the error body like
/// every other error (the router adds `Allow`).
pub async fn method_not_allowed() -> ApiError {
    ApiError::MethodNotAllowed
}
