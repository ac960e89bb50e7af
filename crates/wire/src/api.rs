//! The JSON API's request and response bodies, and its one error body.
//!
//! The server deserialises every request body into one of these types and serialises every
//! JSON answer from one of them, and the OpenAPI document takes its schemas from the same
//! derives, so the documentation cannot drift from the wire. Field names, nesting and
//! `null`-versus-absent are part of the contract: an `Option` that the server has always sent
//! as `null` is serialised as `null` (its schema marks it required), and only the error's
//! `current` and a request's optional fields may be absent.
//!
//! Where the server stores and returns a part of an assessment file as written (a profile, an
//! answer, an AI system), the value stays a JSON value here: the assessment file's own types
//! check it when the server validates the whole assessment, with errors that name its lines.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Marks every property required: the server always sends them, `null` where empty, and a
/// client should not expect them to be absent.
fn always_sent(schema: &mut schemars::Schema) {
    let keys: Vec<Value> = schema
        .get("properties")
        .and_then(Value::as_object)
        .map(|properties| properties.keys().cloned().map(Value::String).collect())
        .unwrap_or_default();
    schema.insert("required".into(), Value::Array(keys));
}

// ---- errors ------------------------------------------------------------------------------

/// Every error answer: `{"error": {"code", "message", ...}}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong: a stable code to switch on and a message for people.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ErrorDetail {
    pub code: ErrorCode,
    pub message: String,
    /// With `conflict`: the value as it is now, with its version, to merge and retry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current: Option<Versioned>,
}

/// The stable machine codes of errors: `unauthenticated` (401: no session or token, or a
/// wrong one), `forbidden` (403: the caller's role does not allow this), `not_found` (404: it
/// does not exist, or the caller may not know that it does), `method_not_allowed` (405: the
/// path exists but not with this method; `Allow` lists those it takes), `bad_request` (400: a missing or
/// mistyped field, an unknown format), `invalid` (422: content that does not validate; the
/// message locates each error), `exists` (409: it already exists), `conflict` (409: changed
/// since the version read; `current` holds it now), `csrf` (403: a state-changing request
/// without the session's CSRF token, or cross-site), `too_many_attempts` (429: too many failed
/// sign-ins or sign-ups; `Retry-After` says when to try again), `too_large` (413: the body is
/// too large), `busy` (503: the server's queue for slow work such as password hashing or
/// rendering a report is full; `Retry-After` says when to try again), `internal` (500: the
/// detail is in the server's log only), `mail_not_set_up` (501: the server sends no mail, so
/// nothing that needs a mailed link is offered).
// Variants carry no doc comments: with them the schema would be a `oneOf` of constants, which
// client generators read less well than a plain `enum`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    BadRequest,
    Invalid,
    Exists,
    Conflict,
    Csrf,
    TooManyAttempts,
    TooLarge,
    Busy,
    Internal,
    MailNotSetUp,
    /// An organisation requires two-factor sign-in and this session's account has it off:
    /// turn it on (`/account/two-factor`), or use an API token.
    TwoFactorRequired,
    /// The account has two-factor sign-in on: send the code of its app (or a recovery code)
    /// in the login's `code` field.
    TwoFactorCodeNeeded,
}

// ---- shared parts ------------------------------------------------------------------------

/// A member's role in an organisation: an `owner` manages members and invitations and does
/// all an `editor` does; an `editor` changes assessments (imports, answers, AI systems, runs);
/// a `viewer` reads and exports nothing; an `auditor` reads and exports and changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Editor,
    Viewer,
    Auditor,
}

/// A user as others see them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct User {
    pub id: String,
    pub email: String,
    pub name: String,
}

/// A stored part of an assessment with its version, for optimistic writes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct Versioned {
    /// `profile`, a requirement id or an AI system id.
    pub key: String,
    /// The part as in the assessment file; `null` once deleted.
    pub value: Option<Value>,
    /// Send it back when writing; 0 means it does not exist yet.
    pub version: i64,
    /// RFC 3339; `null` before the first write.
    pub updated_at: Option<String>,
    /// The id of the user who wrote it last.
    pub updated_by: Option<String>,
}

/// The engine's result JSON (`aimsgap/assessment-result/2`), as `/result` and saved runs
/// return it. The server passes stored results through as they are, so the value stays
/// untyped here; its schema is the one of [`crate::result::AssessmentResult`], the type that
/// writes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AssessmentResult(pub Map<String, Value>);

impl JsonSchema for AssessmentResult {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AssessmentResult".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        crate::result::AssessmentResult::json_schema(generator)
    }
}

/// An assessment file as a JSON document (the format `aimsgap assess` reads), passed through
/// as stored; its schema is the one of [`crate::assessment::Document`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AssessmentFile(pub Map<String, Value>);

impl JsonSchema for AssessmentFile {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AssessmentFile".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        crate::assessment::Document::json_schema(generator)
    }
}

/// What changed between two saved runs (`aimsgap/diff/1`): readiness, groups, status changes,
/// gaps opened and closed, obligations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(transparent)]
pub struct RunDiff(pub Map<String, Value>);

// ---- health ------------------------------------------------------------------------------

/// The server's liveness and its database's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Health {
    pub status: HealthStatus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HealthStatus {
    Ok,
    Unavailable,
}

// ---- accounts and sessions ---------------------------------------------------------------

/// Sign-up: an e-mail address, a display name and a password of at least 10 characters.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SignupRequest {
    pub email: String,
    pub name: String,
    pub password: String,
}

/// Sign-in with e-mail and password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
    /// For an account with two-factor sign-in on: the six-digit code of its app, or an unused
    /// recovery code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
}

/// A new session: the session cookie comes in `Set-Cookie`; send `csrf` in `X-CSRF-Token` on
/// state-changing requests.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Session {
    pub user: User,
    pub csrf: String,
}

/// How many sessions were ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SessionsEnded {
    pub sessions_ended: u64,
}

/// The caller, their CSRF token (`null` with an API token) and their organisations.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct Me {
    pub user: User,
    pub csrf: Option<String>,
    pub organizations: Vec<Membership>,
}

/// An organisation the caller belongs to, with their role there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Membership {
    pub id: String,
    pub name: String,
    pub role: Role,
}

// ---- API tokens --------------------------------------------------------------------------

/// A name to recognise a new API token by, and how many days it lives (1 to 366, 90 when
/// absent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TokenRequest {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in_days: Option<u64>,
}

/// The caller's API tokens (never their secrets).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TokenList {
    pub tokens: Vec<Token>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Token {
    pub id: String,
    pub name: String,
    pub created_at: String,
    /// When the token stops working (RFC 3339 UTC); `null` only for a token from before
    /// tokens expired, until the server next starts and gives it 90 days.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// A new API token: its secret is in `token`, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreatedToken {
    pub id: String,
    pub name: String,
    pub created_at: String,
    /// When the token stops working (RFC 3339 UTC).
    #[serde(default)]
    pub expires_at: String,
    pub token: String,
    pub note: String,
}

// ---- organisations -----------------------------------------------------------------------

/// The name of a new organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrganizationRequest {
    pub name: String,
}

/// The caller's organisations with their role in each.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct OrganizationList {
    pub organizations: Vec<Organization>,
}

/// An organisation and the caller's role in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Organization {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub created_at: String,
}

/// A new organisation; its creator is its owner.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreatedOrganization {
    pub id: String,
    pub name: String,
    pub role: Role,
}

/// The members of an organisation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MemberList {
    pub members: Vec<Member>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Member {
    pub user: User,
    pub role: Role,
}

/// A member's new role.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RoleRequest {
    pub role: Role,
}

/// An invitation: the role it grants and for how many days (1 to 30, 7 when absent).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InvitationRequest {
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<u64>,
    /// The invitee's e-mail address: when the server sends mail, the invitation is mailed to
    /// it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A one-time invitation: `accept` is the path to post to, signed in as the invitee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Invitation {
    /// The id to list and revoke it by.
    #[serde(default)]
    pub id: String,
    pub token: String,
    pub role: Role,
    pub accept: String,
    pub expires_in_days: u64,
    pub note: String,
    /// Whether the invitation was mailed to the address the request named.
    #[serde(default)]
    pub mailed: bool,
    /// Why it was not mailed although an address was named: this server sends no mail, or
    /// the mail server refused it or could not be reached. The invitation stands: pass its
    /// link on by hand.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_problem: Option<String>,
}

/// An organisation's invitations that can still be accepted, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InvitationList {
    pub invitations: Vec<PendingInvitation>,
}

/// A pending invitation: its id (to revoke it by), never its secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct PendingInvitation {
    pub id: String,
    pub role: Role,
    /// The member who created it; `null` if that account no longer exists.
    pub created_by: Option<User>,
    pub created_at: String,
    pub expires_at: String,
}

/// The organisation joined and the role in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Accepted {
    pub organization: String,
    pub role: Role,
}

// ---- assessments -------------------------------------------------------------------------

/// One page of an organisation's assessments, newest first; `next` is the `before` of the
/// following page, `null` on the last.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct AssessmentList {
    pub assessments: Vec<AssessmentSummary>,
    pub next: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AssessmentSummary {
    pub id: String,
    pub name: String,
    pub created_at: String,
    pub updated_at: String,
}

/// An assessment file to import: its text as written (`content`, YAML or JSON, so errors name
/// its lines) or a JSON `document`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ImportRequest {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<Value>,
}

/// A new assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreatedAssessment {
    pub id: String,
    pub name: String,
    pub created_at: String,
    /// One sentence per ISO/IEC 42001 id of an assessment file of format 1 that was renamed to
    /// today's id when it was stored ("6.1.3.d is now 6.1.3.f (...)"); empty for format 2.
    #[serde(default)]
    pub renamed: Vec<String>,
}

/// An assessment whole, with the version of every part.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Assessment {
    pub id: String,
    pub organization: String,
    pub name: String,
    /// Grows with every change; results are cached per revision.
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
    pub profile: Versioned,
    pub ai_systems: Vec<Versioned>,
    pub answers: Vec<Versioned>,
}

/// A new profile (everything in the assessment file but `ai_systems` and `answers`) and the
/// version read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ProfileRequest {
    pub version: u64,
    pub profile: Map<String, Value>,
}

/// One answer as in the assessment file (`null` or absent deletes it) and the version read
/// (0 to create).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnswerRequest {
    pub version: u64,
    #[serde(default)]
    pub answer: Option<Value>,
}

/// One AI system as in the assessment file, with the `id` of the path (`null` or absent
/// deletes it), and the version read (0 to create).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SystemRequest {
    pub version: u64,
    #[serde(default)]
    pub system: Option<Value>,
}

/// Every answer with its version.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnswerList {
    pub answers: Vec<Versioned>,
}

/// The AI system inventory with versions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SystemList {
    pub ai_systems: Vec<Versioned>,
}

/// Every change to an assessment, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct History {
    pub history: Vec<Change>,
}

/// One change: who, when, what, the value before and after (`null` where there was none).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct Change {
    pub id: String,
    pub at: String,
    pub actor: String,
    /// `profile`, `answer` or `ai_system`.
    pub entity: String,
    pub key: String,
    pub old: Option<Value>,
    pub new: Option<Value>,
    /// What changed, field by field (objects compared key by key, lists item by item): never
    /// a field whose value stayed the same. Empty for an import, which stores the whole file.
    #[serde(default)]
    pub changes: Vec<FieldChange>,
}

/// One changed field of a history entry, its values as short text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct FieldChange {
    /// The field in words, e.g. `status`, `evidence`, `organization sector`.
    pub field: String,
    /// `changed`, `added` or `removed`.
    pub change: String,
    /// The value before (`null` when added).
    pub old: Option<String>,
    /// The value after (`null` when removed).
    pub new: Option<String>,
    /// The change as one phrase, e.g. `status: partial -> implemented`.
    pub sentence: String,
}

// ---- runs --------------------------------------------------------------------------------

/// Saved runs, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunList {
    pub runs: Vec<RunSummary>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RunSummary {
    pub id: String,
    pub at: String,
    pub created_by: String,
    /// Readiness in percent (0 to 100) at that moment.
    pub readiness: f64,
}

/// A new saved run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CreatedRun {
    pub id: String,
    pub at: String,
    pub readiness: f64,
}

/// A saved run with its result.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct Run {
    pub id: String,
    pub at: String,
    pub created_by: String,
    pub readiness: f64,
    pub result: Option<AssessmentResult>,
}

// ---- the quick assessment ----------------------------------------------------------------

/// The quick assessment in one call (`POST /api/v1/quick`): the answers its pages ask, nothing
/// stored. Unknown fields are refused, so a misspelt field is an error rather than an answer
/// silently lost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickRequest {
    pub organization: QuickOrganization,
    /// What the organisation holds; absent means nothing.
    #[serde(default)]
    pub certifications: QuickCertifications,
    /// One to three AI systems.
    pub ai_systems: Vec<QuickSystem>,
    /// Replies by question id (`GET /api/v1/quick` lists the questions); a question without a
    /// reply counts as "not sure", which is no answer.
    #[serde(default)]
    pub replies: std::collections::BTreeMap<String, QuickReply>,
}

/// The organisation of a quick assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickOrganization {
    /// Shown on the result; at most 200 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// People in the organisation (1 to 10,000,000): it scales the effort of the roadmap.
    pub employees: u32,
    /// People working on the AI management system, in full-time equivalents (0.1 to 10,000):
    /// it sets the pace of the roadmap.
    pub team_fte: f64,
    /// Where the organisation offers or uses AI systems (`GET /api/v1/quick` lists the codes);
    /// the AI laws of these places are checked against every AI system.
    #[serde(default)]
    pub jurisdictions: Vec<String>,
}

/// Certifications held, as the quick assessment asks about them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickCertifications {
    #[serde(default)]
    pub iso27001: QuickIso,
    #[serde(default)]
    pub soc2: QuickSoc2,
    /// SOC 2 trust services categories besides security (always covered): `availability`,
    /// `confidentiality`, `processing_integrity`, `privacy`. Only with a SOC 2 report.
    #[serde(default)]
    pub soc2_categories: Vec<String>,
    /// Whether the certified or attested scope includes the AI systems; absent means not sure,
    /// which counts as no. Only with a certificate or report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_covers_ai: Option<bool>,
}

/// An ISO/IEC 27001 certificate: none, being worked towards, or held.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuickIso {
    #[default]
    No,
    InProgress,
    Certified,
}

/// A SOC 2 report: none, Type 1 or Type 2.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuickSoc2 {
    #[default]
    No,
    Type1,
    Type2,
}

/// One AI system of a quick assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QuickSystem {
    /// What it does, in a few words; at most 200 characters.
    pub name: String,
    /// `provider` (you build it) or `deployer` (you use a system built by others).
    pub role: String,
    #[serde(default)]
    pub interacts_with_people: bool,
    /// It generates text, images, audio or video.
    #[serde(default)]
    pub generates_content: bool,
    /// A general-purpose AI model that you provide to others.
    #[serde(default)]
    pub gpai_model: bool,
    /// The EU AI Act's high-risk area (Annex III) it is used in, if any
    /// (`GET /api/v1/quick` lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annex_iii_area: Option<String>,
    /// The use case of Annex III by point (`5(b)`), if known; it implies its area
    /// (`GET /api/v1/quick` lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annex_iii_point: Option<String>,
    /// The kind of consequential decision about people it makes or substantially helps make,
    /// if any (`GET /api/v1/quick` lists them); read for Colorado, Illinois, New York City and
    /// South Korea.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consequential_decision: Option<String>,
}

/// A reply to a question of the quick assessment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuickReply {
    Yes,
    Partly,
    No,
    Unsure,
}

/// The questions of the quick assessment and the values its answers take, so that another
/// site can ask them and send `POST /api/v1/quick`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QuickQuestions {
    pub questions: Vec<QuickQuestion>,
    pub jurisdictions: Vec<QuickChoice>,
    pub annex_iii_areas: Vec<QuickChoice>,
    /// The Annex III points, each within the area its number names (`5(b)` in the fifth).
    pub annex_iii_points: Vec<QuickChoice>,
    pub consequential_decisions: Vec<QuickChoice>,
}

/// One question of the quick assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct QuickQuestion {
    pub id: String,
    pub text: String,
    pub hint: String,
    /// The ISO/IEC 42001 clauses, requirements and Annex A objectives its reply answers; a
    /// reply on a clause applies to every requirement beneath it.
    pub answers: Vec<String>,
    /// It asks about a certification blocker (what a Stage 1 auditor checks first).
    pub blocker: bool,
    /// Asked given the certifications in the query; `false` when they already give its
    /// requirements good inherited credit, to verify for the AI scope.
    pub asked: bool,
    /// When not asked: the mean inherited credit (high end, 0 to 1) of its requirements.
    pub inherited: Option<f64>,
}

/// A value an answer may take, with its name for people.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct QuickChoice {
    pub id: String,
    pub title: String,
}

// ---- catalog -----------------------------------------------------------------------------

/// The frameworks of this server's catalog: the built-in ones, and those its custom catalog
/// folder adds or replaces (`aimsgap serve --catalogs DIR`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FrameworkList {
    pub frameworks: Vec<FrameworkSummary>,
}

/// One framework of the catalog.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct FrameworkSummary {
    /// The id assessment files and crosswalks use, e.g. `iso27001`.
    pub id: String,
    pub name: String,
    pub version: String,
    /// `standard`, `framework` or `law`.
    pub kind: String,
    pub publisher: String,
    /// How many of its nodes carry a status (requirements, controls, criteria, obligations...).
    pub requirements: usize,
    /// All its nodes, the grouping ones included.
    pub nodes: usize,
    /// It may be listed under `certifications` of an assessment file: a standard or framework
    /// with a crosswalk onto ISO/IEC 42001, through which it gives inherited credit.
    pub certifiable: bool,
}

// ---- drafts ------------------------------------------------------------------------------

/// The artefact drafts of an assessment, in their fixed order: scope, AI policy, risk method,
/// risk register, one impact assessment per AI system, Statement of Applicability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct DraftList {
    pub drafts: Vec<Draft>,
}

/// One draft and where to download it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Draft {
    /// The id in the download route, e.g. `aims-scope` or `impact-assessment-cv-screening`.
    pub draft: String,
    pub title: String,
    /// What the document is for and which clauses it answers.
    pub purpose: String,
    /// What a reviewer checks and decides before approving it.
    pub approval: String,
    /// How many choices the draft leaves to the organisation (`[DECIDE: ...]` markers).
    pub decisions: usize,
    /// The formats it downloads in: `md`, `docx`, and `xlsx` for the risk register.
    pub formats: Vec<String>,
}

// ---- AI-system preview -------------------------------------------------------------------

/// What an AI system would be, were it saved as given: its classification and dated
/// obligations under each law, computed on the assessment's other content and date. Nothing is
/// stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct SystemPreview {
    /// The AI system's id.
    pub system: String,
    /// The date the obligations are dated against (`YYYY-MM-DD`).
    pub as_of: String,
    /// Its classification and obligations per law, as in the result's `obligations`.
    pub obligations: Vec<crate::result::SystemObligations>,
}

// ---- account -----------------------------------------------------------------------------

/// A change of the caller's own password: the current one, and the new one (at least 10
/// characters).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PasswordRequest {
    pub current_password: String,
    pub new_password: String,
}

// ---- work: owners, due dates, states, comments --------------------------------------------

/// Where a piece of work stands. `done` is a claim about the work: it changes no answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkState {
    NotStarted,
    InProgress,
    InReview,
    Done,
}

/// The owner, due date and state of a requirement or a work package.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct WorkItem {
    /// `requirement:<id>` or `package:<work package id>`.
    pub target: String,
    /// The member who owns it (a user id), or `null`.
    pub owner_user: Option<String>,
    /// The owner's name: the member's, or that of someone outside the organisation.
    pub owner_name: Option<String>,
    /// YYYY-MM-DD, or `null`.
    pub due: Option<String>,
    pub state: WorkState,
    /// Send it back when writing; a target nobody set anything on has version 0.
    pub version: i64,
    pub updated_at: String,
    /// The id of the user who changed it last.
    pub updated_by: String,
    /// Due before today and not done.
    pub overdue: bool,
}

/// Every work item of an assessment that someone set, and the number of comments (not
/// deleted) per target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct WorkList {
    pub items: Vec<WorkItem>,
    pub comment_counts: std::collections::BTreeMap<String, u64>,
    /// The date "overdue" was judged on (YYYY-MM-DD, UTC).
    pub today: String,
}

/// A work item's new owner, due date and state, and the version read (0 when it had none).
/// The owner is a member (`owner_user`, a user id of the organisation) or someone outside it
/// (`owner_name`), not both; absent or `null` fields are cleared.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkRequest {
    pub version: u64,
    #[serde(default)]
    pub owner_user: Option<String>,
    #[serde(default)]
    pub owner_name: Option<String>,
    #[serde(default)]
    pub due: Option<String>,
    pub state: WorkState,
}

/// A comment on a requirement or a work package.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct Comment {
    pub id: String,
    pub target: String,
    /// The author's user id.
    pub author: String,
    pub author_name: String,
    /// Empty once deleted (the text stays in the history).
    pub body: String,
    pub created_at: String,
    /// When it was last edited, or `null`.
    pub edited_at: Option<String>,
    pub deleted: bool,
}

/// Comments, oldest first, deleted ones included (marked).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CommentList {
    pub comments: Vec<Comment>,
}

/// A new comment: its target (`requirement:<id>` or `package:<id>`) and its text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    pub target: String,
    pub body: String,
}

/// A comment's new text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentEdit {
    pub body: String,
}

/// One work item of the caller, with the assessment and organisation it belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct AssignedWork {
    pub assessment: String,
    pub assessment_name: String,
    pub organization: String,
    pub organization_name: String,
    pub item: WorkItem,
}

/// The caller's work across their organisations, not done, soonest first: overdue (due
/// before today), due this week (today and the 7 days after), later (or without a date).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct MyWork {
    pub today: String,
    pub overdue: Vec<AssignedWork>,
    pub due_this_week: Vec<AssignedWork>,
    pub later: Vec<AssignedWork>,
}

// ---- gap register ------------------------------------------------------------------------

/// The gap register: every open requirement and work package, filtered and sorted as the
/// query asked (`GET /api/v1/assessments/{assessment}/register`). The CSV and XLSX exports
/// hold exactly these rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Register {
    /// The rows that pass the filters, in the order asked for.
    pub rows: Vec<RegisterRow>,
    /// How many rows there are before filtering.
    pub total: usize,
}

/// One row of the gap register: an open requirement or a work package.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct RegisterRow {
    /// `requirement` or `package`.
    pub kind: String,
    /// The requirement's or the package's id (`5.2-1`, `A.6.2.4`).
    pub id: String,
    pub title: String,
    /// The clause (`4` to `10`) or Annex A objective (`A.2` to `A.10`) it belongs to.
    pub group: String,
    /// The engine's status: `gap`, `partial` or `unknown`.
    pub status: String,
    /// The priority the result gives it (higher first; for a package, its highest gap's).
    pub priority: f64,
    /// Rank among the gaps (requirements) or among the packages, 1 first.
    pub rank: usize,
    /// A certification blocker (for a package: any of its requirements is).
    pub blocker: bool,
    /// The work package that closes a requirement; a package's own id for a package.
    pub package: String,
    /// The owner's name (a member, or a named outsider), `null` when nobody owns it.
    pub owner: Option<String>,
    /// `not_started`, `in_progress`, `in_review` or `done`.
    pub state: String,
    /// Due date `YYYY-MM-DD`, `null` when none is set.
    pub due: Option<String>,
    /// The AI systems whose obligations it supports (ids).
    pub systems: Vec<String>,
    /// The laws of those obligations (framework ids).
    pub laws: Vec<String>,
    /// Live comments on it.
    pub comments: u64,
    pub next_action: String,
}

// ---- AI-BOM import -----------------------------------------------------------------------

/// The AI systems a CycloneDX ML-BOM describes, drafted for an assessment and not saved: what
/// the BOM says is filled in, what it cannot say is asked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct AibomDrafts {
    /// The BOM's CycloneDX version: `1.5` or `1.6`.
    pub spec_version: String,
    /// The BOM's serial number, `null` when it has none.
    pub serial_number: Option<String>,
    /// One draft per AI system, in the BOM's order; ids are unique in the assessment.
    pub drafts: Vec<AibomDraft>,
}

/// One drafted AI system and the questions the BOM could not answer about it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct AibomDraft {
    /// The AI system as the assessment file has it; save it with
    /// `PUT /api/v1/assessments/{assessment}/ai-systems/{system}` once the questions are answered.
    pub system: crate::assessment::AiSystem,
    /// What it was drafted from: `model` or `service` and the BOM entry's `bom-ref`.
    pub sources: Vec<String>,
    /// The facts to answer before it is assessed.
    pub questions: Vec<AibomQuestion>,
}

/// A fact of an AI system that a BOM cannot state.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct AibomQuestion {
    /// The AI system's field that answers it: `role`, `markets`, `annex_iii_area`, ...
    pub field: String,
    /// The question in words.
    pub text: String,
}

/// An item of the evidence register as written: its metadata and links (a file comes as the
/// `file` part of a multipart upload). For a change, `version` is the version you read.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRequest {
    pub title: String,
    /// `template`, `draft`, `approved_document`, `operating_record` or `audit_report`.
    pub kind: String,
    /// When it took effect, `YYYY-MM-DD` (not when it was uploaded).
    #[serde(default)]
    pub effective: Option<String>,
    /// When it is due for review or expires, `YYYY-MM-DD`; after that it counts less.
    #[serde(default)]
    pub review_by: Option<String>,
    /// Who is responsible for it.
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    pub approved_by: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default)]
    pub approved_on: Option<String>,
    /// The ISO/IEC 42001 requirement, Annex A control or group ids it backs (`5.2`, `A.2.2`).
    #[serde(default)]
    pub links: Vec<String>,
    /// The version you read (changes only; 0 or absent for a new item).
    #[serde(default)]
    pub version: i64,
}

/// One file of an item of evidence.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceFile {
    /// 1 for the item's first file, then 2, 3, ...
    pub number: i64,
    /// SHA-256 of the bytes, 64 lowercase hexadecimal digits.
    pub sha256: String,
    pub size: u64,
    pub file_name: String,
    /// The media type it was uploaded with (downloads are sent as attachments regardless).
    pub media_type: String,
    pub uploaded_by: String,
    pub uploaded_at: String,
}

/// An item of the evidence register.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceItem {
    pub id: String,
    pub title: String,
    pub kind: String,
    pub effective: Option<String>,
    pub review_by: Option<String>,
    pub owner: Option<String>,
    pub approved_by: Option<String>,
    pub approved_on: Option<String>,
    pub links: Vec<String>,
    /// The current file, `null` when it has none.
    pub file: Option<EvidenceFile>,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
    pub updated_by: String,
}

/// The evidence register of an assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceList {
    pub items: Vec<EvidenceItem>,
}

/// Every file an item of evidence had, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceVersions {
    pub versions: Vec<EvidenceFile>,
}

/// One change a workbook import makes to one field of one answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct WorkbookChange {
    /// The requirement or control id.
    pub id: String,
    /// The cell it comes from, e.g. `Answers!C5`.
    pub cell: String,
    /// `status`, `maturity`, `owner`, `due`, `evidence`, `justification` or `notes`.
    pub field: String,
    /// The value before, as text (empty when absent).
    pub old: String,
    /// The value after, as text (empty when absent).
    pub new: String,
}

/// What a workbook import did, or with `dry_run` would do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct WorkbookImport {
    /// Whether nothing was written (a preview).
    pub dry_run: bool,
    /// How many requirement rows the Answers sheet holds.
    pub rows: u64,
    /// Every change, in the sheet's order.
    pub changes: Vec<WorkbookChange>,
    /// The answers as saved, with their new versions (empty on a dry run).
    pub saved: Vec<Versioned>,
}

/// One bad cell, row or sheet of a workbook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct WorkbookCellError {
    /// Where: `Answers!D14`, `Answers!14` for a row, `Answers` for the sheet, empty when the
    /// file is not a workbook.
    pub cell: String,
    pub message: String,
    /// Whether the row's answer changed since the workbook was exported.
    pub conflict: bool,
}

/// A workbook refused: the error (code `invalid`, or `conflict` when rows changed since the
/// export) and every bad cell. Nothing was written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct WorkbookRefused {
    pub error: ErrorDetail,
    pub cells: Vec<WorkbookCellError>,
}

// ---- the audit log -----------------------------------------------------------------------

/// One event of the audit log: who did what, when, from where. Also each line of the JSON
/// lines export, field for field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct AuditEvent {
    /// A UUIDv7: ids sort by the time the events were recorded.
    pub id: String,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// The stable name of the event's kind (`sign_in.failed`, `token.created`,
    /// `report.exported`).
    pub event: String,
    /// The kind in words, as the audit page says it.
    pub label: String,
    /// The user who acted (for a failed sign-in, the account tried), `null` when unknown.
    pub actor: Option<String>,
    /// The actor's e-mail address then, or the address given to a failed sign-in.
    pub actor_email: Option<String>,
    /// The organisation the event belongs to; `null` for an account event.
    pub org_id: Option<String>,
    /// What the event touched: a token, member, invitation or evidence id, a report format.
    pub subject: Option<String>,
    /// A few words more.
    pub detail: Option<String>,
    /// The client's address as the server saw it.
    pub address: Option<String>,
}

/// One page of an organisation's audit log, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    /// The cursor of the next (older) page, for `before`; `null` on the last page.
    pub next: Option<String>,
}

// ---- password reset ----------------------------------------------------------------------

/// A request for a password reset link, mailed to `email` if an account has it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForgotRequest {
    pub email: String,
}

/// The answer to a reset request: the same words whether or not an account has the address.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ForgotAccepted {
    pub message: String,
}

/// A new password set through a mailed reset link: the link's token and the new password (at
/// least 10 characters).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ResetRequest {
    pub token: String,
    pub password: String,
}

// ---- two-factor sign-in --------------------------------------------------------------------

/// The caller's two-factor sign-in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TwoFactorStatus {
    /// Whether sign-in with a password asks for a code too.
    pub enabled: bool,
    /// Unused recovery codes left (0 when off).
    pub recovery_codes_left: i64,
    /// The ids of the caller's organisations that require two-factor sign-in.
    pub required_by: Vec<String>,
}

/// Whether an organisation requires two-factor sign-in of its members.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TwoFactorRequirement {
    pub required: bool,
}

// ---- reminders ---------------------------------------------------------------------------

/// Which kinds of reminder the daily digest brings you (every kind is on until switched off),
/// and whether this server sends mail at all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = always_sent)]
pub struct Notifications {
    /// Work you own that is due within 7 days or overdue.
    pub work: bool,
    /// Evidence whose review date comes within 30 days or has passed.
    pub evidence: bool,
    /// Law obligations that come into force for one of your organisation's AI systems within
    /// 30 days (owners and editors).
    pub obligations: bool,
    /// Whether this server sends mail; without it no digest goes out, whatever is chosen.
    pub mail: bool,
    /// The hour of the day (UTC) at which the digest goes out.
    pub digest_hour: u8,
}

/// Your choice for every kind of reminder.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationsRequest {
    pub work: bool,
    pub evidence: bool,
    pub obligations: bool,
}
