//! CSRF, headers, throttling, size limits, and errors that say what without saying how.

use super::*;

#[tokio::test]
async fn state_changing_cookie_requests_need_the_csrf_token_and_a_same_site_origin() {
    let app = server().await;
    let user = sign_up(&app, "Ada").await;
    let without = Client {
        csrf: None,
        ..user.clone()
    };
    let refused = without
        .post(&app, "/api/v1/orgs", json!({"name": "X"}))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "csrf");
    let wrong = Client {
        csrf: Some("0".repeat(64)),
        ..user.clone()
    };
    assert_eq!(
        wrong
            .post(&app, "/api/v1/orgs", json!({"name": "X"}))
            .await
            .code(),
        "csrf"
    );
    // Reading needs no token.
    assert_eq!(without.get(&app, "/api/v1/me").await.status, StatusCode::OK);
    // A cross-site request is refused even with the token.
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/orgs")
        .header(
            header::COOKIE,
            format!("aimsgap_session={}", user.cookie.clone().unwrap()),
        )
        .header("x-csrf-token", user.csrf.clone().unwrap())
        .header(header::HOST, "aimsgap.example")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"name\":\"X\"}"))
        .unwrap();
    let response = app.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        user.post(&app, "/api/v1/orgs", json!({"name": "X"}))
            .await
            .status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = server().await;
    for uri in ["/healthz", "/api/v1/me", "/api/docs", "/no/such/page"] {
        let reply = Client::default().get(&app, uri).await;
        let csp = reply.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"),
            "{uri}"
        );
        assert!(!csp.contains("script-src"), "no script is ever allowed");
        assert_eq!(reply.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(reply.headers[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(reply.headers[header::REFERRER_POLICY], "no-referrer");
    }
    let health = Client::default().get(&app, "/healthz").await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["status"], "ok");
    // An unknown page is the HTML 404 page; an unknown API path keeps the JSON error body.
    let missing = Client::default().get(&app, "/no/such/page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.text().contains("<h1>Not found</h1>"));
    let missing = Client::default().get(&app, "/api/v1/no/such/thing").await;
    assert_eq!(
        (missing.status, missing.code().as_str()),
        (StatusCode::NOT_FOUND, "not_found")
    );
}

#[tokio::test]
async fn login_attempts_are_limited_per_account_and_per_address() {
    let app = server().await;
    let user = sign_up(&app, "Ada").await;
    let email = user.get(&app, "/api/v1/me").await.json()["user"]["email"]
        .as_str()
        .unwrap()
        .to_string();
    let attempt = |password: &'static str, peer: &'static str| {
        let app = app.clone();
        let email = email.clone();
        async move {
            let request = Request::builder()
                .method(Method::POST)
                .uri("/api/v1/login")
                .header("x-test-peer", peer)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(
                    json!({"email": email, "password": password}).to_string(),
                ))
                .unwrap();
            app.oneshot(request).await.unwrap().status()
        }
    };
    for _ in 0..5 {
        assert_eq!(
            attempt("wrong password!", "10.0.0.1").await,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        attempt("wrong password!", "10.0.0.2").await,
        StatusCode::TOO_MANY_REQUESTS,
        "per account"
    );
    assert_eq!(
        attempt("correct horse battery", "10.0.0.3").await,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    // An unknown account answers like a wrong password, and counts against the address.
    let other = Client::default()
        .post(
            &app,
            "/api/v1/login",
            json!({"email": "nobody@example.test", "password": "whatever123"}),
        )
        .await;
    assert_eq!(
        (other.status, other.code().as_str()),
        (StatusCode::UNAUTHORIZED, "unauthenticated")
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let app = server().await;
    let user = sign_up(&app, "Ada").await;
    let org = user
        .post(&app, "/api/v1/orgs", json!({"name": "X"}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let huge = "#".repeat(3 * 1024 * 1024);
    let reply = user
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "big", "content": huge}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn invalid_imports_say_where_and_internal_details_never_leak() {
    let app = server().await;
    let user = sign_up(&app, "Ada").await;
    let org = user
        .post(&app, "/api/v1/orgs", json!({"name": "X"}))
        .await
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let bad = "aimsgap: 2\norganization: {name: X}\nanswers:\n  \"5.2\": {status: maybe}\n";
    let reply = user
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "bad.yaml", "content": bad}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let message = reply.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        message.contains("bad.yaml:4:") && message.contains("answers.5.2.status"),
        "{message}"
    );
    assert!(
        !message.to_lowercase().contains("sqlx") && !message.contains(".rs:"),
        "{message}"
    );
    let weak = Client::default()
        .post(
            &app,
            "/api/v1/signup",
            json!({"email": "a@example.test", "name": "A", "password": "short"}),
        )
        .await;
    assert_eq!(weak.status, StatusCode::BAD_REQUEST);
    let duplicate_email = user.get(&app, "/api/v1/me").await.json()["user"]["email"]
        .as_str()
        .unwrap()
        .to_string();
    let again = Client::default()
        .post(
            &app,
            "/api/v1/signup",
            json!({"email": duplicate_email, "name": "A", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}
