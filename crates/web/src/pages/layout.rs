//! The frame of every page (header, navigation, main, footer: `templates/base.html`), its
//! stylesheet (`static/app.css`, compiled in and served under a name that carries its hash),
//! the one way a page template becomes a response, and the small values that templates share.
//! No script, nothing fetched from elsewhere: the policy forbids both, and nothing here needs
//! them. Markup lives in `templates/`, never in Rust strings; the engine escapes every value.

use crate::auth::Auth;
use aimsgap_assess::Status;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::fmt::Write;
use std::sync::LazyLock;

/// The stylesheet of every page.
const CSS: &str = include_str!("../../static/app.css");

/// Where the stylesheet is served: its name carries the first 16 hex digits of its SHA-256, so
/// browsers may keep it for a year and a changed stylesheet is a new address. Computed once.
static STYLESHEET: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::digest(CSS.as_bytes());
    let mut hex = String::with_capacity(16);
    for byte in digest.iter().take(8) {
        let _ = write!(hex, "{byte:02x}");
    }
    format!("/static/app.{hex}.css")
});

/// The path of the stylesheet, for the route table and for the frame's `<link>`.
pub fn stylesheet_path() -> &'static str {
    STYLESHEET.as_str()
}

/// The stylesheet itself. It never changes under its name, so caches keep it for a year.
pub async fn stylesheet() -> Response {
    let mut response = (StatusCode::OK, CSS).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}

/// One link of the breadcrumb trail.
#[derive(Clone, Debug)]
pub struct Crumb {
    pub href: String,
    pub label: String,
}

impl Crumb {
    pub fn new(href: impl Into<String>, label: impl Into<String>) -> Crumb {
        Crumb {
            href: href.into(),
            label: label.into(),
        }
    }
}

/// The signed-in user as the header shows them, with the token of the sign-out form.
#[derive(Clone, Debug)]
pub struct Account {
    pub name: String,
    pub csrf: String,
}

/// What the frame around every page needs: filled by each page's view.
#[derive(Clone, Debug)]
pub struct Frame {
    pub title: String,
    pub account: Option<Account>,
    pub crumbs: Vec<Crumb>,
    pub stylesheet: &'static str,
}

impl Frame {
    pub fn new(title: impl Into<String>, auth: Option<&Auth>) -> Frame {
        Frame {
            title: title.into(),
            account: auth.map(|auth| Account {
                name: auth.user.name.clone(),
                csrf: auth.csrf().to_string(),
            }),
            crumbs: Vec::new(),
            stylesheet: stylesheet_path(),
        }
    }

    pub fn with_crumbs(mut self, crumbs: Vec<Crumb>) -> Frame {
        self.crumbs = crumbs;
        self
    }
}

/// The page shown when a template fails to render: nothing about why (that goes to the log).
#[derive(Template, Debug)]
#[template(path = "render_error.html")]
struct RenderError {
    frame: Frame,
}

/// A rendered page as a response. Pages show private data, so no cache keeps them. A template
/// that fails to render answers 500 with a page that names no internals; the cause is logged.
pub fn render(status: StatusCode, view: &impl Template) -> Response {
    match view.render() {
        Ok(body) => html(status, body),
        Err(error) => {
            tracing::error!(%error, "a page failed to render");
            let body = RenderError {
                frame: Frame::new("Something went wrong", None),
            }
            .render()
            .unwrap_or_else(|_| String::from("Something went wrong."));
            html(StatusCode::INTERNAL_SERVER_ERROR, body)
        }
    }
}

/// An HTML body as a response that no cache keeps.
fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A redirect after a successful post (303: the browser follows it with a GET).
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// One option of a select, a radio group or a set of checkboxes.
#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub text: String,
    /// Selected or checked.
    pub chosen: bool,
}

/// Options from (value, text) pairs, those in `chosen` marked.
pub fn choices<V: AsRef<str>, T: AsRef<str>>(options: &[(V, T)], chosen: &[&str]) -> Vec<Choice> {
    options
        .iter()
        .map(|(value, text)| Choice {
            value: value.as_ref().to_string(),
            text: text.as_ref().to_string(),
            chosen: chosen.contains(&value.as_ref()),
        })
        .collect()
}

/// A status as the badge macro shows it: the class suffix and the word.
#[derive(Clone, Copy, Debug)]
pub struct Badge {
    pub code: &'static str,
    pub label: &'static str,
    /// How the status is backed, when that changes how to read it: "inherited, verify for
    /// AI", "declared, attach evidence"; empty otherwise.
    pub basis: &'static str,
}

impl Badge {
    /// A judged requirement's status, with its basis.
    pub fn judged(requirement: &aimsgap_assess::RequirementResult) -> Badge {
        Badge {
            basis: super::summary::basis_words(requirement.basis),
            ..Badge::from(requirement.status)
        }
    }
}

impl From<Status> for Badge {
    fn from(status: Status) -> Badge {
        Badge {
            code: status.as_str(),
            label: match status {
                Status::NotApplicable => "not applicable",
                other => other.as_str(),
            },
            basis: "",
        }
    }
}

/// A percentage of a 0..1 value.
pub fn pct(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

/// An id usable in `id` and `for` from a field name or value: letters, digits and dashes.
pub fn field_id(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Percent-encodes a query string component (everything but unreserved characters).
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

/// A query string from pairs.
pub fn query_string(pairs: &[(String, String)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `?next=<path>` for a link that brings the user back, or nothing.
pub fn next_query(next: Option<&str>) -> String {
    next.map(|n| format!("?next={}", url_encode(n)))
        .unwrap_or_default()
}

/// A framework's short name for pages ("EU AI Act" rather than the regulation's full title);
/// a combination such as `iso27001+soc2` reads "ISO/IEC 27001 + SOC 2".
pub fn framework_label(catalog: &aimsgap_catalog::Catalog, id: &str) -> String {
    id.split('+')
        .map(|part| match part {
            "iso42001" => "ISO/IEC 42001".to_string(),
            "iso27001" => "ISO/IEC 27001".to_string(),
            "soc2" => "SOC 2".to_string(),
            "nist-ai-rmf" => "NIST AI RMF".to_string(),
            "eu-ai-act" => "EU AI Act".to_string(),
            "colorado-ai" => "Colorado AI law".to_string(),
            other => catalog
                .framework(other)
                .map_or_else(|| other.to_string(), |f| f.name.clone()),
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// A stored RFC 3339 time as people read it: `2026-11-30 00:03 UTC`.
pub fn when(timestamp: &str) -> String {
    match (timestamp.get(..10), timestamp.get(11..16)) {
        (Some(day), Some(time)) if timestamp.ends_with('Z') => format!("{day} {time} UTC"),
        _ => timestamp.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stylesheet_path_carries_sixteen_hex_digits_of_its_hash() {
        let path = stylesheet_path();
        let hex = path
            .strip_prefix("/static/app.")
            .and_then(|rest| rest.strip_suffix(".css"))
            .unwrap_or("");
        assert_eq!(hex.len(), 16, "{path}");
        assert!(hex.chars().all(|c| c.is_ascii_hexdigit()), "{path}");
    }
}
