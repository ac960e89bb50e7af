//! The one error type of the server: a stable machine code per variant, a human message, and
//! never an internal detail in the response (those go to the log).

use aimsgap_wire::api::{ErrorBody, ErrorCode, ErrorDetail};
use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("sign in first")]
    Unauthenticated,
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("this path does not take this method")]
    MethodNotAllowed,
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Invalid(String),
    /// Content that does not validate, with each error's file, line, field path and reason:
    /// the API sends them as one message (code `invalid`), pages as sentences about their
    /// form's fields ([`ApiError::problems`]).
    #[error("{}", located_text(.0))]
    Located(Vec<aimsgap_catalog::Error>),
    #[error("{0}")]
    Exists(String),
    #[error("someone else changed this; the current value is attached")]
    Conflict(Value),
    #[error("missing or wrong CSRF token")]
    Csrf,
    /// Throttled: the number is the seconds to wait (`Retry-After`).
    #[error("too many attempts; try again in {0} seconds")]
    TooManyAttempts(u64),
    #[error("the request is too large")]
    TooLarge,
    /// The queue of a pool of slow work (password hashing, rendering) is full.
    #[error("the server is busy; try again in a few seconds")]
    Busy,
    /// An assessment with more entries than a limit allows: too large, with the located counts.
    #[error("{}", located_text(.0))]
    OverLimit(Vec<aimsgap_catalog::Error>),
    #[error("internal error")]
    Internal(String),
    /// An evidence file over the server's limit, in megabytes; nothing was stored.
    #[error("the file is larger than this server's limit of {0} MB")]
    FileTooLarge(u64),
    /// A password sign-in or sign-up on a server whose accounts sign in with single sign-on
    /// only (`serve --no-password-sign-in`).
    #[error(
        "password sign-in is switched off on this server: sign in with single sign-on at /signin/oidc"
    )]
    PasswordSignInOff,
    /// The server sends no mail (`serve` without `--smtp-url` and `--public-url`), so what
    /// needs a mailed link is not offered.
    #[error(
        "this server sends no mail: an operator resets passwords (aimsgap user reset-password)"
    )]
    MailNotSetUp,
    /// The organisation requires two-factor sign-in and the session's account has it off.
    #[error("this organisation requires two-factor sign-in: turn it on for your account first")]
    TwoFactorRequired,
    /// A right password of an account with two-factor sign-in on, and no code.
    #[error("this account has two-factor sign-in on: send the code of its app in `code`")]
    CodeNeeded,
}

/// The seconds a client told the server is busy waits before trying again.
pub const BUSY_RETRY_SECS: u64 = 2;

impl ApiError {
    /// The stable machine code clients switch on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Unauthenticated => "unauthenticated",
            ApiError::Forbidden | ApiError::PasswordSignInOff => "forbidden",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::Invalid(_) | ApiError::Located(_) => "invalid",
            ApiError::Exists(_) => "exists",
            ApiError::Conflict(_) => "conflict",
            ApiError::Csrf => "csrf",
            ApiError::TooManyAttempts(_) => "too_many_attempts",
            ApiError::Busy => "busy",
            ApiError::TooLarge | ApiError::OverLimit(_) | ApiError::FileTooLarge(_) => "too_large",
            ApiError::Internal(_) => "internal",
            ApiError::MailNotSetUp => "mail_not_set_up",
            ApiError::TwoFactorRequired => "two_factor_required",
            ApiError::CodeNeeded => "two_factor_code_needed",
        }
    }

    /// The code as the wire's type.
    fn wire_code(&self) -> ErrorCode {
        match self {
            ApiError::Unauthenticated => ErrorCode::Unauthenticated,
            ApiError::Forbidden | ApiError::PasswordSignInOff => ErrorCode::Forbidden,
            ApiError::NotFound => ErrorCode::NotFound,
            ApiError::MethodNotAllowed => ErrorCode::MethodNotAllowed,
            ApiError::BadRequest(_) => ErrorCode::BadRequest,
            ApiError::Invalid(_) | ApiError::Located(_) => ErrorCode::Invalid,
            ApiError::Exists(_) => ErrorCode::Exists,
            ApiError::Conflict(_) => ErrorCode::Conflict,
            ApiError::Csrf => ErrorCode::Csrf,
            ApiError::TooManyAttempts(_) => ErrorCode::TooManyAttempts,
            ApiError::Busy => ErrorCode::Busy,
            ApiError::TooLarge | ApiError::OverLimit(_) | ApiError::FileTooLarge(_) => {
                ErrorCode::TooLarge
            }
            ApiError::Internal(_) => ErrorCode::Internal,
            ApiError::MailNotSetUp => ErrorCode::MailNotSetUp,
            ApiError::TwoFactorRequired => ErrorCode::TwoFactorRequired,
            ApiError::CodeNeeded => ErrorCode::TwoFactorCodeNeeded,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden | ApiError::Csrf | ApiError::PasswordSignInOff => {
                StatusCode::FORBIDDEN
            }
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Invalid(_) | ApiError::Located(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Exists(_) | ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooManyAttempts(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::TooLarge | ApiError::OverLimit(_) | ApiError::FileTooLarge(_) => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::MailNotSetUp => StatusCode::NOT_IMPLEMENTED,
            ApiError::TwoFactorRequired => StatusCode::FORBIDDEN,
            ApiError::CodeNeeded => StatusCode::UNAUTHORIZED,
        }
    }

    /// The seconds to wait before trying again, for the `Retry-After` header of a throttled
    /// or busy answer.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyAttempts(seconds) => Some((*seconds).max(1)),
            ApiError::Busy => Some(BUSY_RETRY_SECS),
            _ => None,
        }
    }

    /// Adds `Retry-After` to a response of this error, when it has one.
    pub(crate) fn add_retry_after(&self, response: &mut Response) {
        if let Some(seconds) = self.retry_after() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let current = match &self {
            ApiError::Conflict(current) => serde_json::from_value(current.clone()).ok(),
            _ => None,
        };
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.wire_code(),
                message: self.to_string(),
                current,
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        self.add_retry_after(&mut response);
        response
    }
}

impl From<aimsgap_store::StoreError> for ApiError {
    fn from(error: aimsgap_store::StoreError) -> ApiError {
        use aimsgap_store::StoreError;
        match error {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Exists(what) => ApiError::Exists(format!("{what} already exists")),
            StoreError::Conflict(current) => {
                ApiError::Conflict(crate::api::versioned_json(&current))
            }
            StoreError::Invalid { field, message } => {
                ApiError::Invalid(format!("{field}: {message}"))
            }
            StoreError::Forbidden(_) => ApiError::Forbidden,
            other => ApiError::Internal(other.to_string()),
        }
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// Located errors as the API's one message: one error a line, each with its file, line,
/// column and field path.
fn located_text(errors: &[aimsgap_catalog::Error]) -> String {
    errors
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

// ---- errors for people ---------------------------------------------------------------------

/// A form's field as a page shows it: its label, and the id of its element, which a message
/// links to so the reader lands on the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormField {
    pub label: String,
    pub id: String,
}

impl FormField {
    /// The field of a form whose input is named `name`: `ev0_date` is `#f-ev0-date`.
    pub fn new(label: impl Into<String>, name: &str) -> FormField {
        FormField {
            label: label.into(),
            id: format!("f-{}", crate::pages::field_id(name)),
        }
    }
}

/// A problem with what a form sent, for people: a sentence, and the form's field it is about
/// (when the form has that field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub sentence: String,
    pub field: Option<FormField>,
}

impl ApiError {
    /// The error as sentences for a page. `form` gives the form's field for a field path of
    /// the API (`answers.5.2.a.evidence[0].date`), when the form has one; an error about
    /// anything else says where it is in words ("Line 12, column 5, the status of the answer
    /// to 5.2.a: ...").
    pub fn problems(&self, form: &dyn Fn(&str) -> Option<FormField>) -> Vec<Problem> {
        match self {
            ApiError::Located(errors) | ApiError::OverLimit(errors) => errors
                .iter()
                .map(|error| located_problem(error, form))
                .collect(),
            other => vec![Problem {
                sentence: other.sentence(),
                field: None,
            }],
        }
    }

    /// The error as sentences for people: no code, no field path, no internal detail.
    pub fn sentence(&self) -> String {
        match self {
            ApiError::Unauthenticated => "Sign in to continue.".into(),
            ApiError::Forbidden => "Your role in this organisation does not allow this.".into(),
            ApiError::NotFound => "There is nothing here, or it belongs to an organisation you are not a member of.".into(),
            ApiError::MethodNotAllowed => {
                "This address does not take that kind of request: follow a link or a form of the site.".into()
            }
            ApiError::BadRequest(text) | ApiError::Invalid(text) | ApiError::Exists(text) => text
                .lines()
                .map(as_sentence)
                .collect::<Vec<_>>()
                .join(" "),
            ApiError::Located(errors) | ApiError::OverLimit(errors) => errors
                .iter()
                .map(|error| located_problem(error, &|_| None).sentence)
                .collect::<Vec<_>>()
                .join(" "),
            ApiError::Conflict(_) => {
                "Someone else changed this while you were editing: reload the page to see their version.".into()
            }
            ApiError::Csrf => "The form has expired: reload the page and send it again.".into(),
            ApiError::TooManyAttempts(seconds) => {
                format!("Too many attempts: wait {seconds} seconds and try again.")
            }
            ApiError::TooLarge => "What was sent is larger than this server accepts.".into(),
            ApiError::FileTooLarge(mb) => {
                format!("The file is larger than this server's limit of {mb} MB; nothing was stored.")
            }
            ApiError::Busy => "The server is busy: try again in a few seconds.".into(),
            ApiError::PasswordSignInOff => {
                "This server signs people in with single sign-on only: passwords are switched off.".into()
            }
            ApiError::Internal(_) => {
                "Something failed on the server. It has been logged; try again later.".into()
            }
            ApiError::MailNotSetUp => {
                "This server sends no mail: ask its operator to reset your password.".into()
            }
            ApiError::TwoFactorRequired => {
                "This organisation requires two-factor sign-in: turn it on for your account first.".into()
            }
            ApiError::CodeNeeded => {
                "Your account has two-factor sign-in on: give the code of your app too.".into()
            }
        }
    }
}

/// A located error for people: the form's field it is about, or where it is in words.
fn located_problem(
    error: &aimsgap_catalog::Error,
    form: &dyn Fn(&str) -> Option<FormField>,
) -> Problem {
    let reason = as_sentence(&error.kind.to_string());
    if let Some(field) = form(&error.field) {
        return Problem {
            sentence: format!("{}: {reason}", field.label),
            field: Some(field),
        };
    }
    let what = describe(&error.field);
    let place = match error.location.line {
        0 => capitalised(&what),
        line => format!(
            "Line {line}, column {}, {what}",
            error.location.column.max(1)
        ),
    };
    Problem {
        sentence: format!("{place}: {reason}"),
        field: None,
    }
}

/// A text as a sentence: a capital first letter and a full stop.
fn as_sentence(text: &str) -> String {
    let text = text.trim();
    let mut sentence = capitalised(text);
    if !sentence.ends_with(['.', '!', '?']) {
        sentence.push('.');
    }
    sentence
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A field's words: `organization.team_fte` is "team fte".
fn words(field: &str) -> String {
    match field {
        "ref" => "reference".into(),
        "as_of" => "assessment date".into(),
        other => other.replace('_', " "),
    }
}

/// An `name[index]` segment as its name and position from 1.
fn indexed(segment: &str) -> Option<(&str, usize)> {
    let (name, rest) = segment.split_once('[')?;
    let index = rest.strip_suffix(']')?.parse::<usize>().ok()?;
    Some((name, index.saturating_add(1)))
}

/// A field path of the assessment file in words: `answers.5.2.a.evidence[0].date` is "the date
/// of evidence 1 of the answer to 5.2.a".
fn describe(path: &str) -> String {
    if let Some(rest) = path.strip_prefix("answers.") {
        // The requirement's id holds dots itself: the answer's own fields follow it.
        if let Some((id, evidence)) = rest.split_once(".evidence[") {
            let (index, field) = evidence.split_once("].").unwrap_or((evidence, ""));
            let number = index.parse::<usize>().map_or(0, |i| i.saturating_add(1));
            return if field.is_empty() {
                format!("evidence {number} of the answer to {id}")
            } else {
                format!(
                    "the {} of evidence {number} of the answer to {id}",
                    words(field)
                )
            };
        }
        for field in ["status", "maturity", "owner", "justification", "notes"] {
            if let Some(id) = rest.strip_suffix(&format!(".{field}")) {
                return format!("the {field} of the answer to {id}");
            }
        }
        return format!("the answer to {rest}");
    }
    let segments: Vec<&str> = path.split('.').collect();
    match segments.as_slice() {
        ["document"] => "the file".into(),
        ["aimsgap"] => "the format version".into(),
        ["as_of"] => "the assessment date".into(),
        ["organization"] => "the organisation".into(),
        ["organization", field, ..] => format!("the organisation's {}", words(field)),
        [first, rest @ ..] => match indexed(first) {
            Some((list, number)) => {
                let whose = match list {
                    "ai_systems" => format!("AI system {number}"),
                    "certifications" => format!("certification {number}"),
                    other => format!("{} {number}", words(other)),
                };
                match rest {
                    [] => whose,
                    [field, ..] => format!("the {} of {whose}", words(field)),
                }
            }
            None => format!("the {}", words(path)),
        },
        [] => "the file".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(path: &str, expect: &str) {
        assert_eq!(describe(path), expect, "{path}");
    }

    #[test]
    fn field_paths_read_as_words() {
        check("answers.5.2.a.status", "the status of the answer to 5.2.a");
        check(
            "answers.A.6.2.4.evidence[1].date",
            "the date of evidence 2 of the answer to A.6.2.4",
        );
        check(
            "answers.4.3.evidence[0].ref",
            "the reference of evidence 1 of the answer to 4.3",
        );
        check("answers.9.9.9", "the answer to 9.9.9");
        check("ai_systems[0].role", "the role of AI system 1");
        check("certifications[2]", "certification 3");
        check("organization.team_fte", "the organisation's team fte");
        check("as_of", "the assessment date");
        check("document", "the file");
    }

    #[test]
    fn every_error_reads_as_a_sentence_without_its_code() {
        let errors = [
            ApiError::Unauthenticated,
            ApiError::Forbidden,
            ApiError::NotFound,
            ApiError::MethodNotAllowed,
            ApiError::BadRequest("choose a role".into()),
            ApiError::Invalid("the file is empty".into()),
            ApiError::Exists("organisation already exists".into()),
            ApiError::Conflict(Value::Null),
            ApiError::Csrf,
            ApiError::TooManyAttempts(3),
            ApiError::TooLarge,
            ApiError::Busy,
            ApiError::Internal("database is locked at src/store.rs:12".into()),
            ApiError::MailNotSetUp,
            ApiError::TwoFactorRequired,
            ApiError::CodeNeeded,
        ];
        for error in errors {
            let sentence = error.sentence();
            assert!(
                sentence.starts_with(|c: char| c.is_uppercase()) && sentence.ends_with('.'),
                "{sentence}"
            );
            // No machine code (`bad_request`, `too_many_attempts`) and no field path.
            assert!(!sentence.contains('_'), "{sentence}");
            assert!(!sentence.contains("src/"), "{sentence}");
        }
    }
}
