//! `GET /api/v1/frameworks`: the catalog the server was started with, custom frameworks
//! included.

use super::{Client, catalog, send};
use aimsgap_web::{AppState, Config, app};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use std::sync::Arc;

const CONTROLS: &str = include_str!("../../../../tests/custom-catalog/acme-ai-controls.yaml");

const MAPPING: &str =
    include_str!("../../../../tests/custom-catalog/acme-ai-controls-iso42001.yaml");

fn list(reply: &super::Reply) -> Vec<(String, bool, u64)> {
    reply.json()["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["certifiable"].as_bool().unwrap(),
                f["requirements"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn the_framework_list_shows_the_built_in_catalog_and_marks_what_gives_credit() {
    let app = super::server().await;
    let reply = Client::default().get(&app, "/api/v1/frameworks").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let frameworks = list(&reply);
    assert_eq!(frameworks.len(), catalog().frameworks.len());
    let certifiable: Vec<&str> = frameworks
        .iter()
        .filter(|f| f.1)
        .map(|f| f.0.as_str())
        .collect();
    assert_eq!(certifiable, vec!["iso27001", "soc2", "nist-ai-rmf"]);
    // 99 clause requirements and 38 Annex A controls.
    assert!(frameworks.contains(&("iso42001".to_string(), false, 137)));
}

#[tokio::test]
async fn a_custom_catalog_s_framework_is_listed_and_certifiable() {
    let custom =
        aimsgap_catalog::with_custom(&[("acme.yaml", CONTROLS), ("map.yaml", MAPPING)]).unwrap();
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let app = app(AppState::new(
        store,
        Arc::new(custom.catalog),
        Config::default(),
    ));
    let reply = send(
        &app,
        Request::get("/api/v1/frameworks")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let frameworks = list(&reply);
    assert!(
        frameworks.contains(&("acme-ai-controls".to_string(), true, 2)),
        "{frameworks:?}"
    );
}

#[tokio::test]
async fn the_frameworks_page_lists_the_custom_framework_and_the_landing_page_links_it() {
    let custom =
        aimsgap_catalog::with_custom(&[("acme.yaml", CONTROLS), ("map.yaml", MAPPING)]).unwrap();
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let app = app(AppState::new(
        store,
        Arc::new(custom.catalog),
        Config::default(),
    ));
    let page = Client::default().get(&app, "/frameworks").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let text = page.text();
    assert!(
        text.contains("<td class=\"nowrap\"><code>acme-ai-controls</code></td><td>Acme AI control set</td><td>framework</td><td>2026.2</td><td class=\"num\">2</td><td>yes</td>"),
        "{text}"
    );
    assert!(
        text.contains("<td class=\"nowrap\"><code>eu-ai-act</code></td>")
            && text.contains("<td>law</td>"),
        "{text}"
    );
    let landing = Client::default().get(&app, "/").await;
    assert!(landing.text().contains("href=\"/frameworks\""));
}
