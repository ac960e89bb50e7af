//! The audit log: every security-relevant action, driven through the API and through the
//! pages, is found with its actor, organisation, subject and address (`x-test-peer` stands
//! for the socket's peer); the log's page, API and JSON lines export, their filters and
//! paging; and nothing recorded is ever changed.

use super::*;
use aimsgap_store::{AuditEvent, Store};

/// The app on in-memory SQLite, with a handle on its store to read the log directly.
pub async fn server_with_store() -> (Router, Store) {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    let app = app(AppState::new(store.clone(), catalog(), Config::default()));
    (app, store)
}

/// The whole log, oldest first.
pub async fn log(store: &Store) -> Vec<AuditEvent> {
    let mut all = Vec::new();
    loop {
        let page = store
            .audit_log(all.last().map(|e: &AuditEvent| e.id.as_str()), 1_000)
            .await
            .unwrap();
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}

/// The events named `event` with this subject (any subject when `None`).
async fn find(store: &Store, event: &str, subject: Option<&str>) -> Vec<AuditEvent> {
    log(store)
        .await
        .into_iter()
        .filter(|e| e.event == event && (subject.is_none() || e.subject.as_deref() == subject))
        .collect()
}

/// Asserts that exactly one `event` has this subject and came from `peer` by `actor` in `org`.
async fn recorded(
    store: &Store,
    event: &str,
    subject: Option<&str>,
    actor: Option<&str>,
    org: Option<&str>,
    peer: &str,
) -> AuditEvent {
    let found: Vec<AuditEvent> = find(store, event, subject)
        .await
        .into_iter()
        .filter(|e| e.address.as_deref() == Some(peer))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "{event} {subject:?} from {peer}: {found:#?}"
    );
    let event_found = found.into_iter().next().unwrap();
    assert_eq!(event_found.actor.as_deref(), actor, "{event_found:#?}");
    assert_eq!(event_found.org_id.as_deref(), org, "{event_found:#?}");
    event_found
}

/// A request as `client` sends it, from `peer`.
async fn from(
    client: &Client,
    app: &Router,
    peer: &str,
    method: Method,
    uri: &str,
    body: Option<Value>,
) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("x-test-peer", peer);
    if let Some(cookie) = &client.cookie {
        request = request.header(header::COOKIE, format!("aimsgap_session={cookie}"));
    }
    if let Some(csrf) = &client.csrf {
        request = request.header("x-csrf-token", csrf);
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

/// A form post as a browser sends it (see [`Client::form`]), from `peer`.
async fn form_from(
    client: &Client,
    app: &Router,
    peer: &str,
    uri: &str,
    fields: &[(&str, &str)],
) -> Reply {
    let mut pairs: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let mut cookies = vec![format!("aimsgap_form={FORM_TOKEN}")];
    pairs.push(("form_token".into(), FORM_TOKEN.into()));
    if let Some(cookie) = &client.cookie {
        cookies.push(format!("aimsgap_session={cookie}"));
    }
    if let Some(csrf) = &client.csrf {
        pairs.push(("csrf".into(), csrf.clone()));
    }
    let body = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", url_encode(k), url_encode(v)))
        .collect::<Vec<_>>()
        .join("&");
    let request = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header("x-test-peer", peer)
        .header(header::COOKIE, cookies.join("; "))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    send(app, request).await
}

async fn email_of(app: &Router, client: &Client) -> String {
    client.get(app, "/api/v1/me").await.json()["user"]["email"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A second session of the same account, signed in through the API.
async fn second_session(app: &Router, email: &str) -> Client {
    let reply = Client::default()
        .post(
            app,
            "/api/v1/login",
            json!({"email": email, "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let cookie = reply.headers[header::SET_COOKIE].to_str().unwrap();
    let secret = cookie.split(';').next().unwrap().split_once('=').unwrap().1;
    Client {
        cookie: Some(secret.to_string()),
        csrf: reply.json()["csrf"].as_str().map(str::to_string),
        token: None,
        user_id: reply.json()["user"]["id"].as_str().map(str::to_string),
    }
}

#[tokio::test]
async fn sign_ins_that_succeed_and_fail_are_recorded_with_address_and_never_the_password() {
    let (app, store) = server_with_store().await;
    let ada = sign_up(&app, "Ada").await;
    let ada_id = ada.user_id.clone().unwrap();
    let email = email_of(&app, &ada).await;
    let anonymous = Client::default();
    // The API.
    let ok = from(
        &anonymous,
        &app,
        "192.0.2.1",
        Method::POST,
        "/api/v1/login",
        Some(json!({"email": email, "password": "correct horse battery"})),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK);
    let event = recorded(
        &store,
        "sign_in.succeeded",
        None,
        Some(&ada_id),
        None,
        "192.0.2.1",
    )
    .await;
    assert_eq!(event.actor_email.as_deref(), Some(email.as_str()));
    let wrong = from(
        &anonymous,
        &app,
        "192.0.2.2",
        Method::POST,
        "/api/v1/login",
        Some(json!({"email": email, "password": "not the password at all"})),
    )
    .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    recorded(
        &store,
        "sign_in.failed",
        None,
        Some(&ada_id),
        None,
        "192.0.2.2",
    )
    .await;
    let unknown = from(
        &anonymous,
        &app,
        "192.0.2.3",
        Method::POST,
        "/api/v1/login",
        Some(json!({"email": "Nobody@Example.Test", "password": "guess guess guess"})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    let event = recorded(&store, "sign_in.failed", None, None, None, "192.0.2.3").await;
    assert_eq!(event.actor_email.as_deref(), Some("nobody@example.test"));
    // The page.
    let page = form_from(
        &anonymous,
        &app,
        "192.0.2.4",
        "/signin",
        &[("email", &email), ("password", "correct horse battery")],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    recorded(
        &store,
        "sign_in.succeeded",
        None,
        Some(&ada_id),
        None,
        "192.0.2.4",
    )
    .await;
    let page = form_from(
        &anonymous,
        &app,
        "192.0.2.5",
        "/signin",
        &[
            ("email", "nobody@example.test"),
            ("password", "page guess 12345"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    recorded(&store, "sign_in.failed", None, None, None, "192.0.2.5").await;
    // No password, right or wrong, is anywhere in the log.
    for event in log(&store).await {
        let row = format!("{event:?}");
        for password in [
            "correct horse battery",
            "not the password",
            "guess guess",
            "page guess",
        ] {
            assert!(!row.contains(password), "{row}");
        }
    }
}

#[tokio::test]
async fn accounts_created_by_api_page_and_quick_save_are_recorded() {
    let (app, store) = server_with_store().await;
    let anonymous = Client::default();
    let api = from(&anonymous, &app, "198.51.100.1", Method::POST, "/api/v1/signup",
        Some(json!({"email": "api@example.test", "name": "Api", "password": "correct horse battery"}))).await;
    assert_eq!(api.status, StatusCode::CREATED);
    let id = api.json()["user"]["id"].as_str().unwrap().to_string();
    recorded(
        &store,
        "account.created",
        None,
        Some(&id),
        None,
        "198.51.100.1",
    )
    .await;
    let page = form_from(
        &anonymous,
        &app,
        "198.51.100.2",
        "/signup",
        &[
            ("email", "page@example.test"),
            ("name", "Page"),
            ("password", "correct horse battery"),
        ],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.text());
    let event = find(&store, "account.created", None).await;
    let page_event = event
        .iter()
        .find(|e| e.address.as_deref() == Some("198.51.100.2"))
        .unwrap();
    assert_eq!(page_event.actor_email.as_deref(), Some("page@example.test"));
    assert!(page_event.actor.is_some());
    let quick = form_from(
        &anonymous,
        &app,
        "198.51.100.3",
        "/quick/save",
        &[
            ("email", "quick@example.test"),
            ("name", "Quick"),
            ("password", "correct horse battery"),
            ("size", "150"),
            ("team", "1"),
            ("iso", "certified"),
            ("soc2", "no"),
            ("scope_ai", "no"),
            ("n", "1"),
            ("s1_name", "Bot"),
            ("s1_role", "deployer"),
        ],
    )
    .await;
    assert_eq!(quick.status, StatusCode::SEE_OTHER, "{}", quick.text());
    let event = find(&store, "account.created", None).await;
    let quick_event = event
        .iter()
        .find(|e| e.address.as_deref() == Some("198.51.100.3"))
        .unwrap();
    assert_eq!(
        quick_event.actor_email.as_deref(),
        Some("quick@example.test")
    );
}

#[tokio::test]
async fn sign_outs_ended_sessions_and_password_changes_are_recorded() {
    let (app, store) = server_with_store().await;
    let ada = sign_up(&app, "Ada").await;
    let id = ada.user_id.clone().unwrap();
    let email = email_of(&app, &ada).await;
    // The API.
    let other = second_session(&app, &email).await;
    let reply = from(
        &other,
        &app,
        "203.0.113.1",
        Method::POST,
        "/api/v1/logout",
        Some(json!({})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT);
    recorded(
        &store,
        "sign_in.signed_out",
        None,
        Some(&id),
        None,
        "203.0.113.1",
    )
    .await;
    second_session(&app, &email).await;
    let reply = from(
        &ada,
        &app,
        "203.0.113.2",
        Method::POST,
        "/api/v1/logout-others",
        Some(json!({})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let event = recorded(
        &store,
        "sign_in.sessions_ended",
        None,
        Some(&id),
        None,
        "203.0.113.2",
    )
    .await;
    assert_eq!(event.detail.as_deref(), Some("1 other session ended"));
    let reply = from(&ada, &app, "203.0.113.3", Method::PUT, "/api/v1/me/password",
        Some(json!({"current_password": "correct horse battery", "new_password": "correct horse battery 2"}))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    recorded(
        &store,
        "password.changed",
        None,
        Some(&id),
        None,
        "203.0.113.3",
    )
    .await;
    // The pages.
    let reply = form_from(
        &ada,
        &app,
        "203.0.113.4",
        "/account/password",
        &[
            ("current_password", "correct horse battery 2"),
            ("new_password", "correct horse battery"),
        ],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    recorded(
        &store,
        "password.changed",
        None,
        Some(&id),
        None,
        "203.0.113.4",
    )
    .await;
    let reply = form_from(
        &ada,
        &app,
        "203.0.113.5",
        "/account/sessions/end-others",
        &[],
    )
    .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    recorded(
        &store,
        "sign_in.sessions_ended",
        None,
        Some(&id),
        None,
        "203.0.113.5",
    )
    .await;
    let reply = form_from(&ada, &app, "203.0.113.6", "/signout", &[]).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    recorded(
        &store,
        "sign_in.signed_out",
        None,
        Some(&id),
        None,
        "203.0.113.6",
    )
    .await;
    let bob = sign_up(&app, "Bob").await;
    let reply = from(
        &bob,
        &app,
        "203.0.113.7",
        Method::POST,
        "/api/v1/logout-all",
        Some(json!({})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    recorded(
        &store,
        "sign_in.sessions_ended",
        None,
        bob.user_id.as_deref(),
        None,
        "203.0.113.7",
    )
    .await;
}

#[tokio::test]
async fn tokens_created_and_revoked_by_api_and_page_are_recorded() {
    let (app, store) = server_with_store().await;
    let ada = sign_up(&app, "Ada").await;
    let id = ada.user_id.clone().unwrap();
    let made = from(
        &ada,
        &app,
        "192.0.2.10",
        Method::POST,
        "/api/v1/tokens",
        Some(json!({"name": "ci"})),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED);
    let token = made.json()["id"].as_str().unwrap().to_string();
    let secret = made.json()["token"].as_str().unwrap().to_string();
    let event = recorded(
        &store,
        "token.created",
        Some(&token),
        Some(&id),
        None,
        "192.0.2.10",
    )
    .await;
    assert_eq!(event.detail.as_deref(), Some("ci, for 90 days"));
    let gone = from(
        &ada,
        &app,
        "192.0.2.11",
        Method::DELETE,
        &format!("/api/v1/tokens/{token}"),
        None,
    )
    .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT);
    recorded(
        &store,
        "token.revoked",
        Some(&token),
        Some(&id),
        None,
        "192.0.2.11",
    )
    .await;
    // The pages.
    let page = form_from(
        &ada,
        &app,
        "192.0.2.12",
        "/account/tokens",
        &[("name", "page"), ("days", "30")],
    )
    .await;
    assert_eq!(page.status, StatusCode::CREATED);
    let listed = ada.get(&app, "/api/v1/tokens").await.json();
    let page_token = listed["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "page")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    recorded(
        &store,
        "token.created",
        Some(&page_token),
        Some(&id),
        None,
        "192.0.2.12",
    )
    .await;
    let page = form_from(
        &ada,
        &app,
        "192.0.2.13",
        &format!("/account/tokens/{page_token}/revoke"),
        &[],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    recorded(
        &store,
        "token.revoked",
        Some(&page_token),
        Some(&id),
        None,
        "192.0.2.13",
    )
    .await;
    // A secret is never in the log.
    assert!(
        log(&store)
            .await
            .iter()
            .all(|e| !format!("{e:?}").contains(&secret))
    );
}

#[tokio::test]
async fn roles_members_and_invitations_are_recorded_in_the_organisation() {
    let (app, store) = server_with_store().await;
    let owner = sign_up(&app, "Owner").await;
    let owner_id = owner.user_id.clone().unwrap();
    let (org, _) = org_with_assessment(&app, &owner).await;
    // Invitations through the API: created, accepted, revoked.
    let made = from(
        &owner,
        &app,
        "192.0.2.20",
        Method::POST,
        &format!("/api/v1/orgs/{org}/invitations"),
        Some(json!({"role": "editor"})),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED);
    let invitation = made.json()["id"].as_str().unwrap().to_string();
    let secret = made.json()["token"].as_str().unwrap().to_string();
    let event = recorded(
        &store,
        "invitation.created",
        Some(&invitation),
        Some(&owner_id),
        Some(&org),
        "192.0.2.20",
    )
    .await;
    assert_eq!(event.detail.as_deref(), Some("as editor, for 7 days"));
    let eve = sign_up(&app, "Eve").await;
    let eve_id = eve.user_id.clone().unwrap();
    let joined = from(
        &eve,
        &app,
        "192.0.2.21",
        Method::POST,
        &format!("/api/v1/invitations/{secret}/accept"),
        Some(json!({})),
    )
    .await;
    assert_eq!(joined.status, StatusCode::OK);
    recorded(
        &store,
        "invitation.accepted",
        Some(&eve_id),
        Some(&eve_id),
        Some(&org),
        "192.0.2.21",
    )
    .await;
    let pending = from(
        &owner,
        &app,
        "192.0.2.22",
        Method::POST,
        &format!("/api/v1/orgs/{org}/invitations"),
        Some(json!({"role": "viewer"})),
    )
    .await
    .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let revoked = from(
        &owner,
        &app,
        "192.0.2.23",
        Method::DELETE,
        &format!("/api/v1/orgs/{org}/invitations/{pending}"),
        None,
    )
    .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    recorded(
        &store,
        "invitation.revoked",
        Some(&pending),
        Some(&owner_id),
        Some(&org),
        "192.0.2.23",
    )
    .await;
    // Roles and removal through the API.
    let changed = from(
        &owner,
        &app,
        "192.0.2.24",
        Method::PUT,
        &format!("/api/v1/orgs/{org}/members/{eve_id}"),
        Some(json!({"role": "viewer"})),
    )
    .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    let event = recorded(
        &store,
        "member.role_changed",
        Some(&eve_id),
        Some(&owner_id),
        Some(&org),
        "192.0.2.24",
    )
    .await;
    assert_eq!(event.detail.as_deref(), Some("to viewer"));
    let removed = from(
        &owner,
        &app,
        "192.0.2.25",
        Method::DELETE,
        &format!("/api/v1/orgs/{org}/members/{eve_id}"),
        None,
    )
    .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    recorded(
        &store,
        "member.removed",
        Some(&eve_id),
        Some(&owner_id),
        Some(&org),
        "192.0.2.25",
    )
    .await;
    // The same through the pages.
    let page = form_from(
        &owner,
        &app,
        "192.0.2.26",
        &format!("/orgs/{org}/invitations"),
        &[("role", "auditor")],
    )
    .await;
    assert_eq!(page.status, StatusCode::CREATED);
    let created = find(&store, "invitation.created", None).await;
    let page_invitation = created
        .iter()
        .find(|e| e.address.as_deref() == Some("192.0.2.26"))
        .unwrap();
    assert_eq!(page_invitation.org_id.as_deref(), Some(org.as_str()));
    let page_invitation = page_invitation.subject.clone().unwrap();
    let page = form_from(
        &owner,
        &app,
        "192.0.2.27",
        &format!("/orgs/{org}/invitations/{page_invitation}/revoke"),
        &[],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    recorded(
        &store,
        "invitation.revoked",
        Some(&page_invitation),
        Some(&owner_id),
        Some(&org),
        "192.0.2.27",
    )
    .await;
    let link = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/invitations"),
            json!({"role": "viewer"}),
        )
        .await
        .json();
    let finn = sign_up(&app, "Finn").await;
    let finn_id = finn.user_id.clone().unwrap();
    let page = form_from(
        &finn,
        &app,
        "192.0.2.28",
        &format!("/invitations/{}", link["token"].as_str().unwrap()),
        &[],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    recorded(
        &store,
        "invitation.accepted",
        Some(&finn_id),
        Some(&finn_id),
        Some(&org),
        "192.0.2.28",
    )
    .await;
    let page = form_from(
        &owner,
        &app,
        "192.0.2.29",
        &format!("/orgs/{org}/members/{finn_id}/role"),
        &[("role", "editor")],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    recorded(
        &store,
        "member.role_changed",
        Some(&finn_id),
        Some(&owner_id),
        Some(&org),
        "192.0.2.29",
    )
    .await;
    let page = form_from(
        &owner,
        &app,
        "192.0.2.30",
        &format!("/orgs/{org}/members/{finn_id}/remove"),
        &[],
    )
    .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    recorded(
        &store,
        "member.removed",
        Some(&finn_id),
        Some(&owner_id),
        Some(&org),
        "192.0.2.30",
    )
    .await;
    // The secret of an invitation is never in the log.
    assert!(
        log(&store)
            .await
            .iter()
            .all(|e| !format!("{e:?}").contains(&secret))
    );
}

#[tokio::test]
async fn every_export_and_download_is_recorded_with_its_format_or_evidence() {
    let (app, store) = server_with_store().await;
    let owner = sign_up(&app, "Owner").await;
    let auditor_owner = owner.clone();
    let (org, assessment) = org_with_assessment(&app, &auditor_owner).await;
    let auditor = invite(&app, &owner, &org, "auditor", "Auditor").await;
    let auditor_id = auditor.user_id.clone().unwrap();
    let a = &assessment;
    let downloads = [
        (
            format!("/api/v1/assessments/{a}/reports/html"),
            format!("{a}/report.html"),
        ),
        (
            format!("/api/v1/assessments/{a}/reports/xlsx"),
            format!("{a}/report.xlsx"),
        ),
        (
            format!("/api/v1/assessments/{a}/export"),
            format!("{a}/assessment-file"),
        ),
        (
            format!("/api/v1/assessments/{a}/drafts/ai-risk-register/docx"),
            format!("{a}/drafts/ai-risk-register.docx"),
        ),
        (
            format!("/assessments/{a}/drafts/ai-risk-register.xlsx"),
            format!("{a}/drafts/ai-risk-register.xlsx"),
        ),
        (
            format!("/assessments/{a}/register.csv"),
            format!("{a}/register.csv"),
        ),
        (
            format!("/assessments/{a}/register.xlsx"),
            format!("{a}/register.xlsx"),
        ),
    ];
    for (i, (uri, subject)) in downloads.iter().enumerate() {
        let peer = format!("192.0.2.{}", 40 + i);
        let reply = from(&auditor, &app, &peer, Method::GET, uri, None).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
        recorded(
            &store,
            "report.exported",
            Some(subject),
            Some(&auditor_id),
            Some(&org),
            &peer,
        )
        .await;
    }
    // A refused download records nothing.
    let before = log(&store).await.len();
    let bad = from(
        &auditor,
        &app,
        "192.0.2.60",
        Method::GET,
        &format!("/api/v1/assessments/{a}/reports/nope"),
        None,
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(log(&store).await.len(), before);
    // Evidence.
    let made = owner
        .upload(
            &app,
            &format!("/api/v1/assessments/{a}/evidence"),
            &[("title", "Policy"), ("kind", "approved_document")],
            Some(("policy.pdf", "application/pdf", b"%PDF-1.4 audit")),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED);
    let evidence = made.json()["id"].as_str().unwrap().to_string();
    let file = from(
        &auditor,
        &app,
        "192.0.2.61",
        Method::GET,
        &format!("/api/v1/assessments/{a}/evidence/{evidence}/file"),
        None,
    )
    .await;
    assert_eq!(file.status, StatusCode::OK);
    let event = recorded(
        &store,
        "evidence.downloaded",
        Some(&evidence),
        Some(&auditor_id),
        Some(&org),
        "192.0.2.61",
    )
    .await;
    assert_eq!(event.detail.as_deref(), Some("version 1: policy.pdf"));
    // The quick assessment's report: no organisation.
    let quick = from(
        &Client::default(),
        &app,
        "192.0.2.62",
        Method::GET,
        "/quick/report/html?size=150&team=1&iso=no&soc2=no&n=1&s1_name=Bot&s1_role=deployer",
        None,
    )
    .await;
    assert_eq!(quick.status, StatusCode::OK, "{}", quick.text());
    recorded(
        &store,
        "report.exported",
        Some("quick/report.html"),
        None,
        None,
        "192.0.2.62",
    )
    .await;
}

/// Signs in and records a few events, then reads the log back through the API.
#[tokio::test]
async fn the_log_pages_filter_and_export_for_owners_and_auditors_only() {
    let (app, store) = server_with_store().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, assessment) = org_with_assessment(&app, &owner).await;
    let auditor = invite(&app, &owner, &org, "auditor", "Auditor").await;
    let editor = invite(&app, &owner, &org, "editor", "Editor").await;
    let outsider = sign_up(&app, "Outsider").await;
    // 120 downloads make two pages.
    for _ in 0..120 {
        let reply = auditor
            .get(&app, &format!("/api/v1/assessments/{assessment}/export"))
            .await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    // An outsider's account event is not this organisation's.
    outsider
        .post(&app, "/api/v1/tokens", json!({"name": "elsewhere"}))
        .await;
    let first = auditor
        .get(&app, &format!("/api/v1/orgs/{org}/audit"))
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let first = first.json();
    let events = first["events"].as_array().unwrap();
    assert_eq!(events.len(), 100);
    let ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");
    let next = first["next"].as_str().unwrap();
    let second = auditor
        .get(&app, &format!("/api/v1/orgs/{org}/audit?before={next}"))
        .await
        .json();
    let older = second["events"].as_array().unwrap();
    assert!(older.iter().all(|e| e["id"].as_str().unwrap() < next));
    assert!(second["next"].is_null());
    let total = events.len() + older.len();
    let in_org: Vec<AuditEvent> = log(&store)
        .await
        .into_iter()
        .filter(|e| {
            e.org_id.as_deref() == Some(org.as_str())
                || (e.org_id.is_none()
                    && e.actor.as_deref() != outsider.user_id.as_deref()
                    && e.actor.is_some())
        })
        .collect();
    assert_eq!(total, in_org.len());
    assert!(
        events
            .iter()
            .chain(older)
            .all(|e| e["actor"].as_str() != outsider.user_id.as_deref())
    );
    // Filters: by kind, by member, by dates.
    let tokens = owner
        .get(
            &app,
            &format!("/api/v1/orgs/{org}/audit?event=account.created"),
        )
        .await
        .json();
    let kinds: Vec<&str> = tokens["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| *k == "account.created"),
        "{kinds:?}"
    );
    let member = auditor.user_id.clone().unwrap();
    let mine = owner
        .get(
            &app,
            &format!("/api/v1/orgs/{org}/audit?member={member}&event=report.exported"),
        )
        .await
        .json();
    assert_eq!(mine["events"].as_array().unwrap().len(), 100);
    let today = aimsgap_store::today().to_string();
    let dated = owner
        .get(
            &app,
            &format!("/api/v1/orgs/{org}/audit?from={today}&to={today}&event=invitation.created"),
        )
        .await
        .json();
    assert_eq!(dated["events"].as_array().unwrap().len(), 2);
    let past = owner
        .get(&app, &format!("/api/v1/orgs/{org}/audit?to=2020-01-01"))
        .await
        .json();
    assert!(past["events"].as_array().unwrap().is_empty());
    owner
        .get(&app, &format!("/api/v1/orgs/{org}/audit?from=2026-02-30"))
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request", "field `from`");
    owner
        .get(
            &app,
            &format!("/api/v1/orgs/{org}/audit?event=password.guessed"),
        )
        .await
        .error(StatusCode::BAD_REQUEST, "bad_request", "field `event`");
    // Only owners and auditors.
    assert_eq!(
        editor
            .get(&app, &format!("/api/v1/orgs/{org}/audit"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        outsider
            .get(&app, &format!("/api/v1/orgs/{org}/audit"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        editor.get(&app, &format!("/orgs/{org}/audit")).await.status,
        StatusCode::FORBIDDEN
    );
    // The export: JSON lines, every event the filter selects, every field; itself recorded.
    let exported = auditor
        .get(&app, &format!("/api/v1/orgs/{org}/audit/export"))
        .await;
    assert_eq!(exported.status, StatusCode::OK);
    assert_eq!(exported.headers[header::CONTENT_TYPE], "application/jsonl");
    assert!(
        exported.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"audit-")
    );
    let lines: Vec<Value> = exported
        .text()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), total + 1, "every event, and the export itself");
    assert_eq!(lines[0]["event"], "audit.exported");
    assert_eq!(lines[0]["actor"].as_str(), auditor.user_id.as_deref());
    let fields = [
        "id",
        "at",
        "event",
        "label",
        "actor",
        "actor_email",
        "org_id",
        "subject",
        "detail",
        "address",
    ];
    for line in &lines {
        let object = line.as_object().unwrap();
        assert_eq!(object.len(), fields.len(), "{line}");
        assert!(fields.iter().all(|f| object.contains_key(*f)), "{line}");
    }
    let stored = log(&store).await;
    for line in &lines {
        let event = stored
            .iter()
            .find(|e| e.id == line["id"].as_str().unwrap())
            .unwrap();
        assert_eq!(line["at"].as_str(), Some(event.at.as_str()));
        assert_eq!(line["subject"].as_str(), event.subject.as_deref());
        assert_eq!(line["address"].as_str(), event.address.as_deref());
    }
    // The page export, with a filter.
    let page = auditor
        .get(
            &app,
            &format!("/orgs/{org}/audit/export?event=account.created"),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let lines: Vec<Value> = page
        .text()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(!lines.is_empty() && lines.iter().all(|l| l["event"] == "account.created"));
    let recorded_exports = find(&store, "audit.exported", Some("jsonl")).await;
    assert_eq!(recorded_exports.len(), 2);
    assert_eq!(
        recorded_exports[1].detail.as_deref(),
        Some("event=account.created")
    );
}

#[tokio::test]
async fn the_log_page_shows_events_pages_older_ones_and_refuses_bad_filters_at_their_field() {
    let (app, _store) = server_with_store().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, assessment) = org_with_assessment(&app, &owner).await;
    let auditor = invite(&app, &owner, &org, "auditor", "Auditor").await;
    for _ in 0..101 {
        auditor
            .get(&app, &format!("/api/v1/assessments/{assessment}/export"))
            .await;
    }
    let org_page = owner.get(&app, &format!("/orgs/{org}")).await.text();
    assert!(org_page.contains(&format!("href=\"/orgs/{org}/audit\"")));
    let editor = invite(&app, &owner, &org, "editor", "Editor").await;
    let editor_page = editor.get(&app, &format!("/orgs/{org}")).await.text();
    assert!(!editor_page.contains(&format!("/orgs/{org}/audit")));
    let page = auditor.get(&app, &format!("/orgs/{org}/audit")).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert_eq!(html.matches("<td data-label=\"What\">").count(), 100);
    assert!(html.contains("report exported") && html.contains("Auditor"));
    assert!(html.contains(&format!("{assessment}/assessment-file")));
    let older = html
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|href| href.contains("before="))
        .unwrap()
        .replace("&amp;", "&");
    let second = auditor.get(&app, &older).await;
    assert_eq!(second.status, StatusCode::OK);
    assert!(second.text().contains("<td data-label=\"What\">"));
    let refused = auditor
        .get(&app, &format!("/orgs/{org}/audit?from=2026-13-40"))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let html = refused.text();
    assert!(
        html.contains("id=\"e-from\"") && html.contains("aria-invalid=\"true\""),
        "{html}"
    );
    assert!(html.contains("value=\"2026-13-40\""));
}
