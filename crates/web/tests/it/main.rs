//! The server driven without a socket: `app(state).oneshot(request)` on an in-memory SQLite
//! store (and PostgreSQL where the contract suite runs it).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod abuse;
mod aibom;
mod audit;
mod catalog;
mod dashboard;
mod digest;
mod drafts;
mod evidence;
mod evidence_forms;
mod evidence_pages;
mod flows;
mod forms;
mod forms_pages;
mod hostile;
mod invitations_mail;
mod limits;
mod mail;
mod matrix;
mod oidc;
mod openapi;
mod pages;
mod password_reset;
mod people;
mod quick;
mod results;
mod security;
mod slow;
mod smtp;
mod tidy;
mod two_factor;
mod work;
mod workbook;

use aimsgap_web::{AppState, Config, app};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::sync::{Arc, OnceLock};
use tower::ServiceExt;

pub fn catalog() -> Arc<aimsgap_catalog::Catalog> {
    static CATALOG: OnceLock<Arc<aimsgap_catalog::Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| Arc::new(aimsgap_catalog::builtin().unwrap()))
        .clone()
}

pub async fn server() -> Router {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    app(AppState::new(store, catalog(), Config::default()))
}

/// The app on every backend the tests can reach: in-memory SQLite always, and PostgreSQL when
/// AIMSGAP_TEST_DATABASE_URL names a database (a notice when it does not, a failure under
/// AIMSGAP_REQUIRE_ALL=1). Tests make fresh accounts and organisations, so they share it.
pub async fn servers() -> Vec<(&'static str, Router)> {
    let mut servers = vec![("sqlite", server().await)];
    match std::env::var("AIMSGAP_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => {
            let store = aimsgap_store::Store::connect(&url).await.unwrap();
            servers.push((
                "postgres",
                app(AppState::new(store, catalog(), Config::default())),
            ));
        }
        _ => {
            assert!(
                std::env::var("AIMSGAP_REQUIRE_ALL").as_deref() != Ok("1"),
                "AIMSGAP_TEST_DATABASE_URL must name a PostgreSQL database (AIMSGAP_REQUIRE_ALL=1)"
            );
            eprintln!("notice: PostgreSQL web flows skipped: AIMSGAP_TEST_DATABASE_URL not set");
        }
    }
    servers
}

pub const EXAMPLE: &str = include_str!("../../../../examples/saas-chatbot-iso27001.yaml");

/// A browser-like caller: keeps the session cookie and sends the CSRF token.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub cookie: Option<String>,
    pub csrf: Option<String>,
    pub token: Option<String>,
    pub user_id: Option<String>,
}

/// Sends one request to the app in-process and reads the whole answer.
pub async fn send(app: &Router, request: Request<Body>) -> Reply {
    let response = app.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = response
        .into_body()
        .collect()
        .await
        .unwrap()
        .to_bytes()
        .to_vec();
    Reply {
        status,
        headers,
        bytes,
    }
}

#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }
    pub fn location(&self) -> String {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap_or(Value::Null)
    }
    /// Checks that the reply is the error body with this status and code, whose message
    /// contains `says`; returns the message.
    pub fn error(&self, status: StatusCode, code: &str, says: &str) -> String {
        assert_eq!(self.status, status, "{}", self.text());
        assert_eq!(self.code(), code, "{}", self.text());
        let message = self.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(message.contains(says), "{message}");
        message
    }
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_string()
    }
}

impl Client {
    pub async fn send(
        &self,
        app: &Router,
        method: Method,
        uri: &str,
        body: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder().method(method.clone()).uri(uri);
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, format!("aimsgap_session={cookie}"));
        }
        if let Some(csrf) = &self.csrf {
            request = request.header("x-csrf-token", csrf);
        }
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap(),
            None => request.body(Body::empty()).unwrap(),
        };
        send(app, request).await
    }

    /// A form post as a browser sends it: URL-encoded fields, no CSRF header; with a session
    /// the token goes in the hidden field `csrf`, without one the visitor's double-submit
    /// token goes in both its cookie and the field `form_token`.
    pub async fn form(&self, app: &Router, uri: &str, fields: &[(&str, &str)]) -> Reply {
        let mut pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let mut cookies = vec![format!("aimsgap_form={FORM_TOKEN}")];
        pairs.push(("form_token".into(), FORM_TOKEN.into()));
        if let Some(cookie) = &self.cookie {
            cookies.push(format!("aimsgap_session={cookie}"));
        }
        if let Some(csrf) = &self.csrf {
            pairs.push(("csrf".into(), csrf.clone()));
        }
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::COOKIE, cookies.join("; "))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        send(app, request.body(Body::from(body)).unwrap()).await
    }

    pub async fn get(&self, app: &Router, uri: &str) -> Reply {
        self.send(app, Method::GET, uri, None).await
    }
    pub async fn post(&self, app: &Router, uri: &str, body: Value) -> Reply {
        self.send(app, Method::POST, uri, Some(body)).await
    }
    pub async fn put(&self, app: &Router, uri: &str, body: Value) -> Reply {
        self.send(app, Method::PUT, uri, Some(body)).await
    }

    /// A `multipart/form-data` post of one file in `field`: to a page as a browser sends it
    /// (the CSRF token in the field `csrf`), to the API with the CSRF header.
    pub async fn upload_file(&self, app: &Router, uri: &str, field: &str, file: &[u8]) -> Reply {
        let boundary = "aimsgap-test-boundary-7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        let page = !uri.starts_with("/api/");
        if let (true, Some(csrf)) = (page, &self.csrf) {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"answers.xlsx\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(file);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut request = Request::builder().method(Method::POST).uri(uri).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, format!("aimsgap_session={cookie}"));
        }
        if let (false, Some(csrf)) = (page, &self.csrf) {
            request = request.header("x-csrf-token", csrf);
        }
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        send(app, request.body(Body::from(body)).unwrap()).await
    }
}

/// The visitor's double-submit token that [`Client::form`] sends in cookie and field alike.
pub const FORM_TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// Percent-encodes a form field.
pub fn url_encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Signs up a new user and returns a client holding its session.
pub async fn sign_up(app: &Router, name: &str) -> Client {
    let email = format!(
        "{}-{}@example.test",
        name.to_lowercase(),
        &aimsgap_store::new_token().unwrap()[..8]
    );
    let reply = Client::default()
        .post(
            app,
            "/api/v1/signup",
            json!({"email": email, "name": name, "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&reply.bytes)
    );
    let cookie = reply.headers[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let secret = cookie
        .split(';')
        .next()
        .unwrap()
        .split_once('=')
        .unwrap()
        .1
        .to_string();
    let body = reply.json();
    Client {
        cookie: Some(secret),
        csrf: Some(body["csrf"].as_str().unwrap().to_string()),
        token: None,
        user_id: Some(body["user"]["id"].as_str().unwrap().to_string()),
    }
}

/// An organisation owned by `owner`, with one imported assessment.
pub async fn org_with_assessment(app: &Router, owner: &Client) -> (String, String) {
    let org = owner
        .post(app, "/api/v1/orgs", json!({"name": "Acme"}))
        .await;
    assert_eq!(org.status, StatusCode::CREATED);
    let org = org.json()["id"].as_str().unwrap().to_string();
    let imported = owner
        .post(
            app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "2026", "content": EXAMPLE}),
        )
        .await;
    assert_eq!(
        imported.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&imported.bytes)
    );
    (org, imported.json()["id"].as_str().unwrap().to_string())
}

/// A member of `org` with `role`, joined through a one-time invitation.
pub async fn invite(app: &Router, owner: &Client, org: &str, role: &str, name: &str) -> Client {
    let invitation = owner
        .post(
            app,
            &format!("/api/v1/orgs/{org}/invitations"),
            json!({"role": role}),
        )
        .await;
    assert_eq!(invitation.status, StatusCode::CREATED);
    let accept = invitation.json()["accept"].as_str().unwrap().to_string();
    let member = sign_up(app, name).await;
    let joined = member.post(app, &accept, json!({})).await;
    assert_eq!(
        joined.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&joined.bytes)
    );
    member
}

impl Client {
    /// A multipart/form-data upload as a browser or `curl -F` sends it: text fields, then one
    /// `file` part.
    pub async fn upload(
        &self,
        app: &Router,
        uri: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Reply {
        let boundary = "aimsgap-test-boundary-7d1f";
        let mut body: Vec<u8> = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        if let Some((file_name, media_type, bytes)) = file {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: {media_type}\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        let mut request = Request::builder().method(Method::POST).uri(uri).header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
        if let Some(cookie) = &self.cookie {
            request = request.header(header::COOKIE, format!("aimsgap_session={cookie}"));
        }
        if let Some(csrf) = &self.csrf {
            request = request.header("x-csrf-token", csrf);
        }
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        send(app, request.body(Body::from(body)).unwrap()).await
    }
}
