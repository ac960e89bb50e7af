//! Password reset by a single-use link, against a real SMTP server (aiosmtpd): the link
//! arrives, works once within its hour and then never again; an expired one is refused; an
//! unknown address gets the same answer and no message; requests are throttled; without mail
//! the server says who resets passwords. On SQLite and, when configured, PostgreSQL.

use super::*;
use crate::smtp::SmtpServer;
use aimsgap_store::Store;
use aimsgap_web::ThrottleLimits;
use aimsgap_web::mail::MailConfig;
use std::time::Duration;

pub const PUBLIC_URL: &str = "https://gap.example.test/";

/// A server configuration that mails through `smtp_url` with links on [`PUBLIC_URL`].
pub fn mailing(smtp_url: String) -> Config {
    Config {
        public_url: Some(url::Url::parse(PUBLIC_URL).unwrap()),
        mail: Some(MailConfig {
            smtp_url,
            from: "aimsgap <noreply@example.test>".into(),
        }),
        ..Config::default()
    }
}

/// The app with `config` on every backend the tests reach, each with its store.
pub async fn backends(config: &Config) -> Vec<(&'static str, Router, Store)> {
    let mut out = Vec::new();
    let sqlite = Store::connect("sqlite::memory:").await.unwrap();
    out.push((
        "sqlite",
        app(AppState::new(sqlite.clone(), catalog(), config.clone())),
        sqlite,
    ));
    if let Ok(url) = std::env::var("AIMSGAP_TEST_DATABASE_URL")
        && !url.is_empty()
    {
        let postgres = Store::connect(&url).await.unwrap();
        out.push((
            "postgres",
            app(AppState::new(postgres.clone(), catalog(), config.clone())),
            postgres,
        ));
    }
    out
}

async fn email_of(app: &Router, client: &Client) -> String {
    let me = client.get(app, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    me.json()["user"]["email"].as_str().unwrap().to_string()
}

/// The messages received for `to`, waiting up to ten seconds for at least `count`.
fn messages_to(smtp: &SmtpServer, to: &str, count: usize) -> Vec<crate::smtp::Received> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let found: Vec<_> = smtp
            .messages()
            .into_iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == to))
            .collect();
        if found.len() >= count || std::time::Instant::now() >= deadline {
            return found;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The reset link's secret in a message's text part.
fn link_secret(text: &str) -> String {
    let start = text
        .find("https://gap.example.test/password/reset/")
        .unwrap_or_else(|| panic!("no reset link in: {text}"))
        + "https://gap.example.test/password/reset/".len();
    let secret: String = text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    assert_eq!(secret.len(), 64, "{text}");
    secret
}

async fn forgot(app: &Router, email: &str, peer: Option<&str>) -> Reply {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/password/forgot")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(peer) = peer {
        request = request.header("x-test-peer", peer);
    }
    send(
        app,
        request
            .body(Body::from(json!({"email": email}).to_string()))
            .unwrap(),
    )
    .await
}

async fn login(app: &Router, email: &str, password: &str) -> StatusCode {
    Client::default()
        .post(
            app,
            "/api/v1/login",
            json!({"email": email, "password": password}),
        )
        .await
        .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mailed_reset_link_works_once_within_its_hour_and_then_never_again() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    for (backend, app, _) in backends(&mailing(smtp.url())).await {
        let user = sign_up(&app, "Rosa").await;
        let email = email_of(&app, &user).await;
        let asked = forgot(&app, &email.to_uppercase(), None).await;
        assert_eq!(
            asked.status,
            StatusCode::ACCEPTED,
            "{backend}: {}",
            asked.text()
        );
        assert!(
            asked.text().contains("works once, within an hour"),
            "{}",
            asked.text()
        );

        let received = messages_to(&smtp, &email, 1);
        assert_eq!(received.len(), 1, "{backend}: one message to {email}");
        let message = &received[0];
        assert_eq!(message.to, vec![email.clone()]);
        let text = message.text.as_deref().expect("a text/plain part");
        let secret = link_secret(text);
        assert!(
            message
                .html
                .as_deref()
                .unwrap_or_default()
                .contains(&secret),
            "{backend}: the HTML part carries the same link"
        );

        // The page of the link shows the form.
        let page = Client::default()
            .get(&app, &format!("/password/reset/{secret}"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        assert!(page.text().contains("name=\"password_again\""));

        let used = Client::default()
            .post(
                &app,
                "/api/v1/password/reset",
                json!({"token": secret, "password": "a brand new password"}),
            )
            .await;
        assert_eq!(used.status, StatusCode::OK, "{backend}: {}", used.text());
        assert_eq!(used.json()["sessions_ended"], 1, "{backend}");
        // Every session of the account ended; the new password signs in, the old one not.
        assert_eq!(
            user.get(&app, "/api/v1/me").await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            login(&app, &email, "a brand new password").await,
            StatusCode::OK
        );
        assert_eq!(
            login(&app, &email, "correct horse battery").await,
            StatusCode::UNAUTHORIZED
        );

        // Never again: not through the API, not through the page.
        let again = Client::default()
            .post(
                &app,
                "/api/v1/password/reset",
                json!({"token": secret, "password": "yet another password"}),
            )
            .await;
        again.error(StatusCode::NOT_FOUND, "not_found", "");
        assert_eq!(
            login(&app, &email, "yet another password").await,
            StatusCode::UNAUTHORIZED
        );
        let page = Client::default()
            .get(&app, &format!("/password/reset/{secret}"))
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{backend}");
        assert!(page.text().contains("This link cannot be used"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_address_gets_the_same_answer_and_no_message() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    for (backend, app, _) in backends(&mailing(smtp.url())).await {
        let user = sign_up(&app, "Known").await;
        let known = email_of(&app, &user).await;
        let unknown = format!("nobody-{backend}@example.test");
        let for_known = forgot(&app, &known, None).await;
        let for_unknown = forgot(&app, &unknown, None).await;
        assert_eq!(for_known.status, StatusCode::ACCEPTED, "{backend}");
        assert_eq!(for_unknown.status, for_known.status, "{backend}");
        assert_eq!(for_unknown.bytes, for_known.bytes, "{backend}");
        // The known address's message arrives; by then the unknown one would have too.
        assert_eq!(messages_to(&smtp, &known, 1).len(), 1, "{backend}");
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            messages_to(&smtp, &unknown, 0).is_empty(),
            "{backend}: no message to an address without an account"
        );
        // The pages say the same for both, too.
        let page_known = Client::default()
            .form(&app, "/password/forgot", &[("email", &known)])
            .await;
        let page_unknown = Client::default()
            .form(&app, "/password/forgot", &[("email", &unknown)])
            .await;
        assert_eq!(page_known.status, StatusCode::SEE_OTHER);
        assert_eq!(page_unknown.status, page_known.status);
        assert_eq!(page_unknown.location(), page_known.location());
        assert_eq!(page_unknown.bytes, page_known.bytes);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_link_is_refused_and_using_one_link_kills_the_others() {
    // No mail is needed: the links are made through the store, one already expired.
    let config = mailing("smtp://127.0.0.1:9".into());
    for (backend, app, store) in backends(&config).await {
        let user = sign_up(&app, "Expired").await;
        let email = email_of(&app, &user).await;
        let user_id = user.user_id.clone().unwrap();
        let expired = aimsgap_store::new_token().unwrap();
        store
            .create_password_reset(&user_id, &expired, "2020-01-01T00:00:00Z")
            .await
            .unwrap();
        let refused = Client::default()
            .post(
                &app,
                "/api/v1/password/reset",
                json!({"token": expired, "password": "a brand new password"}),
            )
            .await;
        refused.error(StatusCode::NOT_FOUND, "not_found", "");
        let page = Client::default()
            .form(
                &app,
                &format!("/password/reset/{expired}"),
                &[
                    ("password", "a brand new password"),
                    ("password_again", "a brand new password"),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{backend}");
        assert_eq!(
            login(&app, &email, "correct horse battery").await,
            StatusCode::OK,
            "{backend}: the password did not change"
        );
        // Housekeeping deletes expired links.
        assert!(
            store.purge_password_resets_now().await.unwrap() >= 1,
            "{backend}"
        );
        assert_eq!(
            store.purge_password_resets_now().await.unwrap(),
            0,
            "{backend}"
        );

        let first = aimsgap_store::new_token().unwrap();
        let second = aimsgap_store::new_token().unwrap();
        for secret in [&first, &second] {
            store
                .create_password_reset(&user_id, secret, &aimsgap_store::in_seconds(3600))
                .await
                .unwrap();
        }
        // A link within its hour works, by the page form (post, then redirect).
        let page = Client::default()
            .form(
                &app,
                &format!("/password/reset/{first}"),
                &[
                    ("password", "a brand new password"),
                    ("password_again", "a brand new password"),
                ],
            )
            .await;
        assert_eq!(
            page.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            page.text()
        );
        assert_eq!(page.location(), "/password/changed");
        let other = Client::default()
            .post(
                &app,
                "/api/v1/password/reset",
                json!({"token": second, "password": "yet another password"}),
            )
            .await;
        other.error(StatusCode::NOT_FOUND, "not_found", "");
        assert_eq!(
            login(&app, &email, "a brand new password").await,
            StatusCode::OK
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_racing_uses_of_one_link_succeed_once() {
    let config = mailing("smtp://127.0.0.1:9".into());
    for (backend, app, store) in backends(&config).await {
        let user = sign_up(&app, "Racer").await;
        let secret = aimsgap_store::new_token().unwrap();
        store
            .create_password_reset(
                user.user_id.as_deref().unwrap(),
                &secret,
                &aimsgap_store::in_seconds(3600),
            )
            .await
            .unwrap();
        let use_it = |password: &'static str| {
            let app = app.clone();
            let secret = secret.clone();
            tokio::spawn(async move {
                Client::default()
                    .post(
                        &app,
                        "/api/v1/password/reset",
                        json!({"token": secret, "password": password}),
                    )
                    .await
                    .status
            })
        };
        let (a, b) = (
            use_it("first racing password"),
            use_it("second racing password"),
        );
        let mut statuses = vec![a.await.unwrap(), b.await.unwrap()];
        statuses.sort();
        assert_eq!(
            statuses,
            vec![StatusCode::OK, StatusCode::NOT_FOUND],
            "{backend}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_requests_are_throttled_per_address_and_per_client() {
    let config = Config {
        throttle: ThrottleLimits {
            resets_per_email: 2,
            resets_per_address: 4,
            ..ThrottleLimits::default()
        },
        ..mailing("smtp://127.0.0.1:9".into())
    };
    let app = app(AppState::new(
        Store::connect("sqlite::memory:").await.unwrap(),
        catalog(),
        config,
    ));
    // One inbox: two links an hour, whoever asks.
    for peer in ["192.0.2.1", "192.0.2.2"] {
        assert_eq!(
            forgot(&app, "inbox@example.test", Some(peer)).await.status,
            StatusCode::ACCEPTED
        );
    }
    let refused = forgot(&app, "INBOX@example.test", Some("192.0.2.3")).await;
    refused.error(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", "");
    let wait: u64 = refused.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait > 3000, "{wait}");
    // One client: four requests an hour, whatever the addresses.
    for i in 0..4 {
        let reply = forgot(&app, &format!("a{i}@example.test"), Some("198.51.100.7")).await;
        assert_eq!(reply.status, StatusCode::ACCEPTED, "{i}");
    }
    let refused = forgot(&app, "a9@example.test", Some("198.51.100.7")).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    // A refused request counted nothing: that address may still ask from elsewhere.
    assert_eq!(
        forgot(&app, "a9@example.test", Some("198.51.100.8"))
            .await
            .status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn without_mail_the_server_says_who_resets_passwords_and_reveals_no_account() {
    for (backend, app) in servers().await {
        let user = sign_up(&app, "Nomail").await;
        let known = email_of(&app, &user).await;
        let for_known = forgot(&app, &known, None).await;
        let for_unknown = forgot(&app, "nobody@example.test", None).await;
        for_known.error(
            StatusCode::NOT_IMPLEMENTED,
            "mail_not_set_up",
            "aimsgap user reset-password",
        );
        assert_eq!(for_unknown.bytes, for_known.bytes, "{backend}");
        let page = Client::default().get(&app, "/password/forgot").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            page.text().contains("This server sends no mail"),
            "{backend}"
        );
        assert!(page.text().contains("aimsgap user reset-password"));
        assert!(!page.text().contains("action=\"/password/forgot\""));
        let posted = Client::default()
            .form(&app, "/password/forgot", &[("email", &known)])
            .await;
        assert_eq!(posted.status, StatusCode::SEE_OTHER);
        assert_eq!(posted.location(), "/password/forgot");
        // The sign-in page links to it.
        let signin = Client::default().get(&app, "/signin").await;
        assert!(signin.text().contains("href=\"/password/forgot\""));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reset_pages_work_without_script() {
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let (_, app, _) = backends(&mailing(smtp.url())).await.remove(0);
    let user = sign_up(&app, "Pages").await;
    let email = email_of(&app, &user).await;
    let form = Client::default().get(&app, "/password/forgot").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("action=\"/password/forgot\""));
    let bad = Client::default()
        .form(&app, "/password/forgot", &[("email", "not an address")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.text().contains("give an e-mail address"),
        "{}",
        bad.text()
    );
    let asked = Client::default()
        .form(&app, "/password/forgot", &[("email", &email)])
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let sent = Client::default().get(&app, &asked.location()).await;
    assert!(sent.text().contains("is on its way"), "{}", sent.text());
    let received = messages_to(&smtp, &email, 1);
    let secret = link_secret(received[0].text.as_deref().unwrap());
    let mismatch = Client::default()
        .form(
            &app,
            &format!("/password/reset/{secret}"),
            &[
                ("password", "a brand new password"),
                ("password_again", "another new password"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::BAD_REQUEST);
    assert!(mismatch.text().contains("type the same password twice"));
    let short = Client::default()
        .form(
            &app,
            &format!("/password/reset/{secret}"),
            &[("password", "short"), ("password_again", "short")],
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    // Neither refusal used the link.
    let done = Client::default()
        .form(
            &app,
            &format!("/password/reset/{secret}"),
            &[
                ("password", "a brand new password"),
                ("password_again", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let changed = Client::default().get(&app, &done.location()).await;
    assert!(changed.text().contains("Your password is changed"));
    assert_eq!(
        login(&app, &email, "a brand new password").await,
        StatusCode::OK
    );
}
