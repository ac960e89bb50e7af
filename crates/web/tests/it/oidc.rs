//! Single sign-on and password sign-in switched off, as far as they go without a provider:
//! the end-to-end flow against a real OpenID Connect provider is in the CLI's tests.

use super::*;
use aimsgap_web::OidcSettings;

/// An issuer nobody answers at (a port nothing listens on).
fn silent_issuer() -> OidcSettings {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    OidcSettings {
        issuer: format!("http://127.0.0.1:{port}"),
        client_id: "aimsgap".into(),
        client_secret: Some("secret".into()),
        create_accounts: false,
        role_claim: None,
    }
}

fn config(oidc: Option<OidcSettings>, password_sign_in: bool) -> Config {
    Config {
        public_url: Some("http://gap.example.test/".parse().unwrap()),
        oidc,
        password_sign_in,
        ..Config::default()
    }
}

#[tokio::test]
async fn password_sign_in_off_refuses_every_password_route_but_api_tokens_still_work() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    // Before: an account and its API token, made while passwords were on.
    let before = app(AppState::new(store.clone(), catalog(), config(None, true)));
    let owner = sign_up(&before, "Owner").await;
    let token = owner
        .post(&before, "/api/v1/tokens", json!({"name": "ci"}))
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let email = owner.get(&before, "/api/v1/me").await.json()["user"]["email"]
        .as_str()
        .unwrap()
        .to_string();

    let app = app(AppState::new(
        store,
        catalog(),
        config(Some(silent_issuer()), false),
    ));
    let visitor = Client::default();
    let login = visitor
        .post(
            &app,
            "/api/v1/login",
            json!({"email": email, "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::FORBIDDEN, "{}", login.text());
    assert_eq!(login.code(), "forbidden");
    assert!(
        login.text().contains("password sign-in is switched off"),
        "{}",
        login.text()
    );
    assert!(!login.headers.contains_key(header::SET_COOKIE));
    let signup = visitor
        .post(
            &app,
            "/api/v1/signup",
            json!({"email": "new@example.test", "name": "New", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(signup.status, StatusCode::FORBIDDEN, "{}", signup.text());
    assert_eq!(signup.code(), "forbidden");

    // The pages: the sign-in page offers single sign-on only; posting a password is refused.
    let page = visitor.get(&app, "/signin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text().contains("Sign in with single sign-on"),
        "{}",
        page.text()
    );
    assert!(
        !page.text().contains("type=\"password\""),
        "{}",
        page.text()
    );
    for path in ["/signin", "/signup"] {
        let posted = visitor
            .form(
                &app,
                path,
                &[
                    ("email", email.as_str()),
                    ("name", "Owner"),
                    ("password", "correct horse battery"),
                ],
            )
            .await;
        assert_eq!(
            posted.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            posted.text()
        );
        assert!(
            posted.text().contains("single sign-on only"),
            "{path}: {}",
            posted.text()
        );
        assert!(
            !posted
                .headers
                .get_all(header::SET_COOKIE)
                .iter()
                .any(|c| c.to_str().unwrap().starts_with("aimsgap_session=")),
            "{path}: no session"
        );
    }
    let form = visitor.get(&app, "/signup").await;
    assert_eq!(form.status, StatusCode::FORBIDDEN);
    assert!(
        !form.text().contains("type=\"password\""),
        "{}",
        form.text()
    );

    // An API token is not a password: it still works.
    let by_token = Client {
        token: Some(token),
        ..Client::default()
    };
    let me = by_token.get(&app, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text());
    assert_eq!(me.json()["user"]["email"], email.as_str());
}

#[tokio::test]
async fn the_sign_in_page_offers_single_sign_on_only_when_configured() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let plain = app(AppState::new(store.clone(), catalog(), config(None, true)));
    let page = Client::default().get(&plain, "/signin").await.text();
    assert!(!page.contains("single sign-on"), "{page}");
    assert!(page.contains("type=\"password\""), "{page}");
    let not_there = Client::default().get(&plain, "/signin/oidc").await;
    assert_eq!(not_there.status, StatusCode::NOT_FOUND);
    let callback = Client::default()
        .get(&plain, "/signin/oidc/callback?code=x&state=y")
        .await;
    assert_eq!(callback.status, StatusCode::NOT_FOUND);

    let both = app(AppState::new(
        store,
        catalog(),
        config(Some(silent_issuer()), true),
    ));
    let page = Client::default()
        .get(&both, "/signin?next=/orgs")
        .await
        .text();
    assert!(
        page.contains("href=\"/signin/oidc?next=%2Forgs\""),
        "{page}"
    );
    assert!(page.contains("type=\"password\""), "{page}");
}

#[tokio::test]
async fn a_provider_that_does_not_answer_is_said_so_and_the_server_serves_on() {
    let app = app(AppState::new(
        aimsgap_store::Store::connect("sqlite::memory:")
            .await
            .unwrap(),
        catalog(),
        config(Some(silent_issuer()), true),
    ));
    let start = Client::default().get(&app, "/signin/oidc").await;
    assert_eq!(
        start.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        start.text()
    );
    assert!(
        start.text().contains("Single sign-on is not available"),
        "{}",
        start.text()
    );
    // The rest of the server is unaffected.
    assert_eq!(
        Client::default().get(&app, "/healthz").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_callback_without_its_own_sign_in_is_refused() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let app = app(AppState::new(
        store.clone(),
        catalog(),
        config(Some(silent_issuer()), true),
    ));
    // No cookie, then a cookie of a sign-in this server never began.
    let bare = Client::default()
        .get(&app, "/signin/oidc/callback?code=abc&state=def")
        .await;
    assert_eq!(bare.status, StatusCode::BAD_REQUEST, "{}", bare.text());
    assert!(
        bare.text().contains("expired or was already used"),
        "{}",
        bare.text()
    );
    let forged = send(
        &app,
        Request::builder()
            .uri("/signin/oidc/callback?code=abc&state=def")
            .header(header::COOKIE, format!("aimsgap_oidc={}", "a".repeat(64)))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST, "{}", forged.text());
    assert!(
        !forged
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .any(|c| c.to_str().unwrap().starts_with("aimsgap_session=")),
        "no session"
    );
}

#[tokio::test]
async fn the_provider_s_words_on_the_refusal_page_are_escaped_and_the_sign_in_is_used_up() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let app = app(AppState::new(
        store.clone(),
        catalog(),
        config(Some(silent_issuer()), true),
    ));
    let secret = aimsgap_store::new_token().unwrap();
    store
        .begin_oidc_sign_in(&secret, None, &aimsgap_store::in_seconds(600))
        .await
        .unwrap();
    let hostile = "<script>alert(1)</script>";
    let uri = format!(
        "/signin/oidc/callback?error=access_denied&error_description={}",
        url_encode(hostile)
    );
    let callback = |uri: String| {
        Request::builder()
            .uri(uri)
            .header(header::COOKIE, format!("aimsgap_oidc={secret}"))
            .body(Body::empty())
            .unwrap()
    };
    let refused = send(&app, callback(uri.clone())).await;
    assert_eq!(
        refused.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        refused.text()
    );
    assert!(!refused.text().contains(hostile), "{}", refused.text());
    assert!(
        refused
            .text()
            .contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || refused.text().contains("&#60;script&#62;"),
        "{}",
        refused.text()
    );
    // The sign-in was taken by that answer: the same cookie is refused as used up.
    let again = send(&app, callback(uri)).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.text());
}
