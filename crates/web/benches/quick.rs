//! Server time of the quick assessment's JSON twin: `POST /api/v1/quick` answered in process
//! (`app(state).oneshot`, no socket), from the request to the last byte of the result, with
//! the engine run on the rendering pool as in production. The goal is a median under 50 ms.
//! Run with `cargo bench -p aimsgap-web --bench quick`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use aimsgap_web::{AppState, Config, app};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use criterion::{Criterion, criterion_group, criterion_main};
use http_body_util::BodyExt;
use std::sync::Arc;
use tower::ServiceExt;

/// An ISO/IEC 27001 organisation with three AI systems under the EU AI Act and Colorado's law,
/// every question answered: the largest request the quick assessment takes.
const REQUEST: &str = r#"{
  "organization": {"name": "Acme Cloud", "employees": 1200, "team_fte": 2.0, "jurisdictions": ["EU", "US-CO"]},
  "certifications": {"iso27001": "certified", "soc2": "type2", "soc2_categories": ["availability", "privacy"], "scope_covers_ai": true},
  "ai_systems": [
    {"name": "CV screening", "role": "deployer", "annex_iii_area": "employment", "consequential_decision": "employment"},
    {"name": "Support chatbot", "role": "provider", "interacts_with_people": true, "generates_content": true},
    {"name": "Credit scoring", "role": "provider", "annex_iii_area": "essential_services", "consequential_decision": "financial_lending"}
  ],
  "replies": {"scope": "yes", "policy": "partly", "risk": "yes", "treatment": "partly", "impact": "no",
    "objectives": "partly", "context": "yes", "leadership": "yes", "support": "partly", "lifecycle": "partly",
    "data": "no", "users": "unsure", "suppliers": "partly"}
}"#;

fn quick(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let catalog = Arc::new(aimsgap_catalog::builtin().unwrap());
    let router = runtime.block_on(async {
        let store = aimsgap_store::Store::connect("sqlite::memory:")
            .await
            .unwrap();
        app(AppState::new(store, catalog, Config::default()))
    });
    let call = || {
        let router = router.clone();
        async move {
            let request = Request::post("/api/v1/quick")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(REQUEST))
                .unwrap();
            let response = router.oneshot(request).await.unwrap();
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (status, bytes.len())
        }
    };
    let (status, size) = runtime.block_on(call());
    assert_eq!(status, StatusCode::OK);
    assert!(size > 10_000, "a whole result: {size} bytes");
    c.bench_function(
        "POST /api/v1/quick (3 AI systems, ISO 27001 and SOC 2)",
        |b| b.iter(|| runtime.block_on(call())),
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = quick
}
criterion_main!(benches);
