//! Attacks on the server's capacity and its sign-in, each reproduced: crowds of sign-ups and
//! report downloads (bounded pools answer 503 with `Retry-After`, never run more at once than
//! they have threads, and `/healthz` answers meanwhile), parallel password guesses, lockout of
//! an account's owner, sign-up floods, spoofed `X-Forwarded-For`, open redirects after sign-in,
//! and the cache and transport headers.

use super::*;
use aimsgap_web::{AppState, Config, ThrottleLimits, parse_trusted_proxy};
use std::time::Duration;

async fn server_with(config: Config) -> (Router, AppState) {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let state = AppState::new(store, catalog(), config);
    (app(state.clone()), state)
}

/// A request with extra headers (such as the `x-test-peer` address that stands for the socket's
/// peer under test).
async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    headers: &[(&str, &str)],
    body: Option<Value>,
) -> Reply {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
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

fn retry_after(reply: &Reply) -> Option<u64> {
    reply
        .headers
        .get(header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .parse()
        .ok()
}

async fn healthz_answers(app: &Router) {
    let health = tokio::time::timeout(
        Duration::from_secs(20),
        call(app, Method::GET, "/healthz", &[], None),
    )
    .await
    .expect("/healthz did not answer while the pool was full");
    assert_eq!(health.status, StatusCode::OK);
}

fn signup_body(i: usize) -> Value {
    json!({"email": format!("crowd{i}@example.test"), "name": "Crowd", "password": "correct horse battery"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crowd_of_sign_ups_is_hashed_by_a_bounded_pool_and_the_rest_get_503() {
    let (app, state) = server_with(Config {
        hashing_threads: 1,
        hashing_queue: 2,
        ..Config::default()
    })
    .await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let peer = format!("192.0.2.{i}");
            call(
                &app,
                Method::POST,
                "/api/v1/signup",
                &[("x-test-peer", &peer)],
                Some(signup_body(i)),
            )
            .await
        }));
    }
    healthz_answers(&app).await;
    let (mut created, mut busy) = (0, 0);
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            StatusCode::CREATED => created += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert_eq!(reply.code(), "busy");
                assert!(retry_after(&reply).is_some_and(|s| s >= 1));
                busy += 1;
            }
            other => panic!("unexpected {other}: {}", reply.text()),
        }
    }
    assert!(created >= 1 && busy >= 1, "created {created}, busy {busy}");
    assert_eq!(state.hashing.peak(), 1, "more hashes at once than threads");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_crowd_of_report_downloads_is_rendered_by_a_bounded_pool_and_the_rest_get_503() {
    let (app, state) = server_with(Config {
        rendering_threads: 1,
        rendering_queue: 1,
        ..Config::default()
    })
    .await;
    let owner = sign_up(&app, "Owner").await;
    let (_, assessment) = org_with_assessment(&app, &owner).await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let app = app.clone();
        let owner = owner.clone();
        let api = format!("/api/v1/assessments/{assessment}/reports/xlsx");
        tasks.push(tokio::spawn(async move {
            if i % 2 == 0 {
                // Anonymous: the quick assessment's report.
                (
                    false,
                    call(
                        &app,
                        Method::GET,
                        "/quick/report/xlsx?size=150&team=1&iso=no&soc2=no&n=1&s1_name=Bot&s1_role=deployer",
                        &[],
                        None,
                    )
                    .await,
                )
            } else {
                (true, owner.get(&app, &api).await)
            }
        }));
    }
    healthz_answers(&app).await;
    let me = owner.get(&app, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    let (mut done, mut busy) = (0, 0);
    for task in tasks {
        let (api, reply) = task.await.unwrap();
        match reply.status {
            StatusCode::OK => done += 1,
            StatusCode::SERVICE_UNAVAILABLE => {
                assert!(retry_after(&reply).is_some_and(|s| s >= 1));
                if api {
                    assert_eq!(reply.code(), "busy");
                } else {
                    // A page: readable, in HTML.
                    let page = reply.text();
                    assert!(page.contains("Busy"), "{page}");
                }
                busy += 1;
            }
            other => panic!("unexpected {other}: {}", reply.text()),
        }
    }
    assert!(done >= 1 && busy >= 1, "done {done}, busy {busy}");
    assert_eq!(
        state.rendering.peak(),
        1,
        "more renders at once than threads"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_parallel_guesses_on_one_account_check_at_most_the_limit() {
    let (app, state) = server_with(Config {
        hashing_queue: 100,
        ..Config::default()
    })
    .await;
    let victim = call(
        &app,
        Method::POST,
        "/api/v1/signup",
        &[],
        Some(json!({"email": "victim@example.test", "name": "V", "password": "correct horse battery"})),
    )
    .await;
    assert_eq!(victim.status, StatusCode::CREATED);
    let mut tasks = Vec::new();
    for i in 0..60 {
        let app = app.clone();
        tasks.push(tokio::spawn(async move {
            let peer = format!("198.51.100.{i}");
            call(
                &app,
                Method::POST,
                "/api/v1/login",
                &[("x-test-peer", &peer)],
                Some(json!({"email": "victim@example.test", "password": format!("guess number {i}")})),
            )
            .await
        }));
    }
    let (mut checked, mut throttled) = (0, 0);
    for task in tasks {
        let reply = task.await.unwrap();
        match reply.status {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {
                assert_eq!(reply.code(), "too_many_attempts");
                assert!(retry_after(&reply).is_some_and(|s| s >= 1));
                throttled += 1;
            }
            other => panic!("unexpected {other}: {}", reply.text()),
        }
    }
    let limit = usize::try_from(state.config.throttle.account_free).unwrap();
    assert!(checked <= limit, "{checked} guesses checked, limit {limit}");
    assert_eq!(checked + throttled, 60);
}

async fn login(app: &Router, peer: &str, password: &str) -> Reply {
    call(
        app,
        Method::POST,
        "/api/v1/login",
        &[("x-test-peer", peer)],
        Some(json!({"email": "owner@example.test", "password": password})),
    )
    .await
}

#[tokio::test]
async fn failures_from_other_addresses_do_not_lock_the_owner_out() {
    let (app, state) = server_with(Config::default()).await;
    let owner = call(
        &app,
        Method::POST,
        "/api/v1/signup",
        &[("x-test-peer", "192.0.2.10")],
        Some(json!({"email": "owner@example.test", "name": "O", "password": "correct horse battery"})),
    )
    .await;
    assert_eq!(owner.status, StatusCode::CREATED);
    // The owner signs in from home once.
    assert_eq!(
        login(&app, "192.0.2.10", "correct horse battery")
            .await
            .status,
        StatusCode::OK
    );
    // An attacker guesses from many addresses until the account is delayed.
    let mut throttled = None;
    for i in 0..30 {
        let reply = login(&app, &format!("203.0.113.{i}"), "wrong guess!").await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            throttled = Some(reply);
        }
    }
    let throttled = throttled.expect("the account was never delayed");
    let max_delay = state.config.throttle.account_max_delay.as_secs();
    assert!(retry_after(&throttled).is_some_and(|s| s <= max_delay));
    // The owner, from where they signed in before, is not held back.
    let home = login(&app, "192.0.2.10", "correct horse battery").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.text());
    // From a new address the delay applies, for at most the capped delay.
    let elsewhere = login(&app, "192.0.2.99", "correct horse battery").await;
    if elsewhere.status == StatusCode::TOO_MANY_REQUESTS {
        assert!(retry_after(&elsewhere).is_some_and(|s| s <= max_delay));
    }
}

#[tokio::test]
async fn sign_ups_are_limited_per_address() {
    let (app, _) = server_with(Config {
        throttle: ThrottleLimits {
            signups_per_address: 3,
            ..ThrottleLimits::default()
        },
        ..Config::default()
    })
    .await;
    for i in 0..3 {
        let reply = call(
            &app,
            Method::POST,
            "/api/v1/signup",
            &[("x-test-peer", "192.0.2.1")],
            Some(signup_body(i)),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED);
    }
    let refused = call(
        &app,
        Method::POST,
        "/api/v1/signup",
        &[("x-test-peer", "192.0.2.1")],
        Some(signup_body(3)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&refused).is_some_and(|s| s > 3000));
    let other = call(
        &app,
        Method::POST,
        "/api/v1/signup",
        &[("x-test-peer", "192.0.2.2")],
        Some(signup_body(4)),
    )
    .await;
    assert_eq!(other.status, StatusCode::CREATED);
}

#[tokio::test]
async fn forwarded_for_is_believed_only_from_a_trusted_proxy() {
    let (app, _) = server_with(Config {
        trusted_proxies: vec![parse_trusted_proxy("10.0.0.0/8").unwrap()],
        throttle: ThrottleLimits {
            signups_per_address: 1,
            ..ThrottleLimits::default()
        },
        ..Config::default()
    })
    .await;
    let mut n = 0;
    let mut signup = async |peer: &str, forwarded: &str| {
        n += 1;
        call(
            &app,
            Method::POST,
            "/api/v1/signup",
            &[("x-test-peer", peer), ("x-forwarded-for", forwarded)],
            Some(signup_body(n)),
        )
        .await
        .status
    };
    // Behind the proxy, each client has its own count...
    assert_eq!(signup("10.0.0.1", "203.0.113.1").await, StatusCode::CREATED);
    assert_eq!(signup("10.0.0.1", "203.0.113.2").await, StatusCode::CREATED);
    // ...which a client cannot dodge by writing its own hop to the left.
    assert_eq!(
        signup("10.0.0.1", "6.6.6.6, 203.0.113.2").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // From anyone else, the header is ignored.
    assert_eq!(
        signup("198.51.100.7", "203.0.113.3").await,
        StatusCode::CREATED
    );
    assert_eq!(
        signup("198.51.100.7", "203.0.113.4").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn sign_in_never_redirects_to_another_site() {
    let app = server().await;
    let user = call(
        &app,
        Method::POST,
        "/api/v1/signup",
        &[],
        Some(json!({"email": "r@example.test", "name": "R", "password": "correct horse battery"})),
    )
    .await;
    assert_eq!(user.status, StatusCode::CREATED);
    let hostile = [
        "/\t/evil.test",
        "/%09/evil.test",
        "/\n/evil.test",
        "/\r\n/evil.test",
        "/ /evil.test",
        "/\\evil.test",
        "/%5Cevil.test",
        "/%5cevil.test",
        "//evil.test",
        "///evil.test",
        "/%2F%2Fevil.test",
        "/%2f/evil.test",
        "/%252F%252Fevil.test",
        "/\u{0}/evil.test",
        "/\u{7f}/evil.test",
        "/\u{a0}/evil.test",
        "https:evil.test",
        "https://evil.test",
        "\\\\evil.test",
        "evil.test",
        "/%E0%A4%A",
    ];
    for next in hostile {
        let reply = Client::default()
            .form(
                &app,
                "/signin",
                &[
                    ("email", "r@example.test"),
                    ("password", "correct horse battery"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(reply.location(), "/orgs", "{next:?} was followed");
    }
    let reply = Client::default()
        .form(
            &app,
            "/signin",
            &[
                ("email", "r@example.test"),
                ("password", "correct horse battery"),
                ("next", "/quick/result?employees=50&name=A+B%20C"),
            ],
        )
        .await;
    assert_eq!(
        reply.location(),
        "/quick/result?employees=50&name=A+B%20C",
        "a same-site path must still be followed"
    );
}

fn cache_control(reply: &Reply) -> String {
    reply
        .headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

#[tokio::test]
async fn private_answers_are_not_stored_and_the_stylesheet_keeps_its_cache() {
    let app = server().await;
    let anonymous = Client::default().get(&app, "/api/v1/me").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(cache_control(&anonymous), "no-store");
    let health = Client::default().get(&app, "/api/openapi.json").await;
    assert_eq!(cache_control(&health), "no-store");
    let user = sign_up(&app, "Cache").await;
    let me = user.get(&app, "/api/v1/me").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(cache_control(&me), "no-store");
    let page = user.get(&app, "/orgs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(cache_control(&page), "no-store");
    let html = page.text();
    let stylesheet = html
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_string();
    let css = user.get(&app, &stylesheet).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(
        cache_control(&css).contains("max-age=31536000"),
        "{}",
        cache_control(&css)
    );
    // Plain HTTP: no HSTS, which would break the site for a year.
    assert!(!me.headers.contains_key(header::STRICT_TRANSPORT_SECURITY));
}

#[tokio::test]
async fn served_securely_every_answer_asks_for_https() {
    let (app, _) = server_with(Config {
        secure_cookies: true,
        ..Config::default()
    })
    .await;
    for path in ["/healthz", "/", "/api/v1/me", "/no/such/page"] {
        let reply = Client::default().get(&app, path).await;
        assert_eq!(
            reply
                .headers
                .get(header::STRICT_TRANSPORT_SECURITY)
                .and_then(|v| v.to_str().ok()),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}
