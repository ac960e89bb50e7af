//! Results are computed once per revision and shared: concurrent first requests wait for one
//! computation, and the pages read the result the API caches (counted through
//! `AppState::results_computed`).

use super::*;

/// An app on in-memory SQLite with its state kept, so the test can read the counter.
async fn counted() -> (AppState, Router) {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let state = AppState::new(store, catalog(), Config::default());
    (state.clone(), app(state))
}

/// Changes the assessment (the answer on 7.4-1, whose version is `version`), so that its
/// revision moves and the next result is a first touch.
async fn change(app: &Router, owner: &Client, id: &str, version: i64, notes: &str) {
    let uri = format!("/api/v1/assessments/{id}/answers/7.4-1");
    let saved = owner
        .put(
            app,
            &uri,
            json!({"version": version, "answer": {"status": "partial", "notes": notes}}),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
}

/// Every route that reads an assessment's result (registers, drafts, runs, work packages, report
/// downloads) takes the one the cache holds for the revision instead of running the engine
/// again; a run saved after a change reads the new revision's result.
#[tokio::test]
async fn every_route_reading_a_result_takes_the_cached_one() {
    let (state, app) = counted().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let base = format!("/assessments/{id}");
    let api = owner.get(&app, &format!("/api/v1{base}/result")).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    let before = state.assessments_run();
    let reads = [
        format!("{base}/register"),
        format!("{base}/register.csv"),
        format!("/api/v1{base}/register"),
        format!("{base}/drafts"),
        format!("{base}/drafts/aims-scope.md"),
        format!("/api/v1{base}/drafts"),
        format!("/api/v1{base}/drafts/aims-scope/md"),
        format!("{base}/packages/6.1"),
        format!("/api/v1{base}/reports/md"),
        format!("/api/v1{base}/reports/xlsx"),
    ];
    for uri in &reads {
        let reply = owner.get(&app, uri).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
    }
    let run = owner
        .post(&app, &format!("/api/v1{base}/runs"), json!({}))
        .await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.text());
    for uri in [format!("{base}/runs"), format!("{base}/dashboard/runs")] {
        let saved = owner.form(&app, &uri, &[]).await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{uri}: {}",
            saved.text()
        );
    }
    assert_eq!(
        state.assessments_run() - before,
        0,
        "no route ran the engine again for a revision the cache holds"
    );

    // After a change, the saved run is the new revision's result, computed once.
    change(&app, &owner, &id, 0, "moved").await;
    let run = owner
        .post(&app, &format!("/api/v1{base}/runs"), json!({}))
        .await;
    assert_eq!(run.status, StatusCode::CREATED, "{}", run.text());
    let saved: Value = serde_json::from_slice(&run.bytes).unwrap();
    let stored = owner
        .get(
            &app,
            &format!("/api/v1{base}/runs/{}", saved["id"].as_str().unwrap()),
        )
        .await;
    assert!(
        stored.text().contains("moved"),
        "the run holds the changed answer's notes"
    );
    let result = owner.get(&app, &format!("/api/v1{base}/result")).await;
    assert_eq!(result.status, StatusCode::OK);
    assert_eq!(state.assessments_run() - before, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_first_requests_for_a_result_compute_it_once() {
    let (state, app) = counted().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    for round in 0..3 {
        change(&app, &owner, &id, round, &format!("round {round}")).await;
        let before = state.results_computed();
        let uri = format!("/api/v1/assessments/{id}/result");
        let asked: Vec<_> = (0..12)
            .map(|_| {
                let (app, owner, uri) = (app.clone(), owner.clone(), uri.clone());
                tokio::spawn(async move { owner.get(&app, &uri).await })
            })
            .collect();
        let mut bodies = Vec::new();
        for reply in asked {
            let reply = reply.await.unwrap();
            assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
            bodies.push(reply.bytes);
        }
        assert!(bodies.windows(2).all(|pair| pair[0] == pair[1]));
        assert_eq!(
            state.results_computed() - before,
            1,
            "round {round}: twelve requests after a change compute one result"
        );
    }
}

#[tokio::test]
async fn pages_and_the_api_share_one_result_per_revision() {
    let (state, app) = counted().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let base = format!("/assessments/{id}");
    let pages = [
        format!("{base}/dashboard"),
        base.clone(),
        format!("{base}/requirements/7.4-1"),
        format!("{base}/systems"),
        format!("{base}/soa"),
        format!("{base}/roadmap"),
        format!("{base}/evidence"),
    ];

    // The API computes; every page then reads that result.
    let before = state.results_computed();
    let api = owner.get(&app, &format!("/api/v1{base}/result")).await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(state.results_computed() - before, 1);
    for page in &pages {
        let reply = owner.get(&app, page).await;
        assert_eq!(reply.status, StatusCode::OK, "{page}: {}", reply.text());
    }
    assert_eq!(
        state.results_computed() - before,
        1,
        "the pages used the API's result"
    );

    // After a change, the first page computes and the API reads what it computed.
    change(&app, &owner, &id, 0, "moved").await;
    let before = state.results_computed();
    let dashboard = owner.get(&app, &pages[0]).await;
    assert_eq!(dashboard.status, StatusCode::OK);
    assert_eq!(state.results_computed() - before, 1);
    let again = owner.get(&app, &format!("/api/v1{base}/result")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(
        state.results_computed() - before,
        1,
        "the API used the page's result"
    );
    assert_ne!(again.bytes, api.bytes, "the change shows in the result");
}
