//! Server time of the dashboard and the gap register (`GET /assessments/{a}/dashboard` and
//! `GET /assessments/{a}/register`) for an assessment with 50 AI systems, 2,000 comments and
//! 100 work items with owners and due dates, answered in process (`app(state).oneshot`, no
//! socket) from the request to the last byte of the page. The goal is a median under 20 ms
//! each. Run with `cargo bench -p aimsgap-web --bench dashboard`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use aimsgap_web::{AppState, Config, app};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use std::fmt::Write;
use std::sync::Arc;
use tower::ServiceExt;

/// The hiring example (two AI systems), grown to 50 AI systems of every kind.
const HIRING: &str = include_str!("../../../examples/hrtech-cv-screening-soc2.yaml");

fn fifty_systems() -> String {
    let mut systems = String::new();
    for i in 0..48 {
        let (role, area, decisions, people) = match i % 4 {
            0 => ("provider", "employment", "[employment]", "false"),
            1 => ("deployer", "null", "[]", "true"),
            2 => ("provider", "education", "[education]", "true"),
            _ => ("deployer", "null", "[]", "false"),
        };
        let _ = write!(
            systems,
            "  - id: system-{i}\n    name: System {i}\n    description: Generated system {i}.\n    role: {role}\n    markets: [EU, US, US-CO]\n    interacts_with_natural_persons: {people}\n    annex_iii_area: {area}\n    consequential_decisions: {decisions}\n"
        );
    }
    let at = HIRING.find("\nanswers:").unwrap() + 1;
    format!("{}{systems}\n{}", &HIRING[..at], &HIRING[at..])
}

async fn call(router: &Router, cookie: &str, path: &str) -> (StatusCode, usize) {
    let request = Request::get(path)
        .header(header::COOKIE, format!("aimsgap_session={cookie}"))
        .body(Body::empty())
        .unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, bytes.len())
}

async fn json_call(
    router: &Router,
    cookie: Option<(&str, &str)>,
    path: &str,
    body: Value,
) -> (Value, Option<String>) {
    let mut request = Request::post(path).header(header::CONTENT_TYPE, "application/json");
    if let Some((cookie, csrf)) = cookie {
        request = request
            .header(header::COOKIE, format!("aimsgap_session={cookie}"))
            .header("x-csrf-token", csrf);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    let cookie = response
        .headers()
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| c.split(';').next())
        .and_then(|c| c.split_once('='))
        .map(|(_, v)| v.to_string());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (serde_json::from_slice(&bytes).unwrap(), cookie)
}

fn pages(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let catalog = Arc::new(aimsgap_catalog::builtin().unwrap());
    let (router, cookie, id) = runtime.block_on(async {
        let store = aimsgap_store::Store::connect("sqlite::memory:")
            .await
            .unwrap();
        let router = app(AppState::new(store.clone(), catalog, Config::default()));
        let (me, cookie) = json_call(
            &router,
            None,
            "/api/v1/signup",
            json!({"email": "bench@example.test", "name": "Bench", "password": "correct horse battery"}),
        )
        .await;
        let cookie = cookie.unwrap();
        let csrf = me["csrf"].as_str().unwrap().to_string();
        let user = me["user"]["id"].as_str().unwrap().to_string();
        let auth = Some((cookie.as_str(), csrf.as_str()));
        let (org, _) = json_call(&router, auth, "/api/v1/orgs", json!({"name": "Bench"})).await;
        let org = org["id"].as_str().unwrap().to_string();
        let (made, _) = json_call(
            &router,
            auth,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "50 systems", "content": fifty_systems()}),
        )
        .await;
        let id = made["id"].as_str().unwrap().to_string();
        let stored = store.assessment(&id).await.unwrap().unwrap();
        assert_eq!(stored.ai_systems.len(), 50);
        // Targets: every requirement of the catalog's ISO/IEC 42001 that has an answer, and
        // the gaps, through the result.
        let request = Request::get(format!("/api/v1/assessments/{id}/result"))
            .header(header::COOKIE, format!("aimsgap_session={cookie}"))
            .body(Body::empty())
            .unwrap();
        let response = router.clone().oneshot(request).await.unwrap();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let result: Value = serde_json::from_slice(&bytes).unwrap();
        let mut targets: Vec<String> = result["gaps"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| format!("requirement:{}", g["id"].as_str().unwrap()))
            .collect();
        targets.extend(
            result["work_packages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| format!("package:{}", p["id"].as_str().unwrap())),
        );
        for (i, target) in targets.iter().cycle().take(2_000).enumerate() {
            store
                .add_comment(&id, target, &format!("Comment {i} on {target}."), &user)
                .await
                .unwrap();
        }
        for (i, target) in targets.iter().take(100).enumerate() {
            let fields = aimsgap_store::WorkFields {
                owner_user: (i % 2 == 0).then(|| user.clone()),
                owner_name: (i % 2 == 1).then(|| format!("Consultant {i}")),
                due: Some(aimsgap_store::today().add_days(i as i64 - 50).to_string()),
                state: aimsgap_store::WorkState::InProgress,
            };
            store
                .put_work_item(&id, target, 0, &fields, &user)
                .await
                .unwrap();
        }
        for _ in 0..30 {
            json_call(
                &router,
                auth,
                &format!("/api/v1/assessments/{id}/runs"),
                json!({}),
            )
            .await;
        }
        (router, cookie, id)
    });
    for path in ["dashboard", "register"] {
        let uri = format!("/assessments/{id}/{path}");
        let (status, size) = runtime.block_on(call(&router, &cookie, &uri));
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(size > 5_000, "{path}: a whole page, {size} bytes");
        c.bench_function(
            &format!("GET /assessments/{{a}}/{path} (50 AI systems, 2,000 comments)"),
            |b| b.iter(|| runtime.block_on(call(&router, &cookie, &uri))),
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = pages
}
criterion_main!(benches);
