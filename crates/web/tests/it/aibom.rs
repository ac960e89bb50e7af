//! The AI-BOM import: the API drafts systems from a CycloneDX ML-BOM without saving; the pages
//! upload a BOM (multipart), show the drafts with the questions the BOM cannot answer, and add
//! the confirmed ones, with history, all or nothing; a bad BOM shows where it is wrong.

use super::*;

pub const ML_1_6: &str = include_str!("../../../aibom/tests/data/valid-machine-learning-1.6.json");
const ML_ENV_1_6: &str =
    include_str!("../../../aibom/tests/data/valid-machine-learning-considerations-env-1.6.json");

/// A file upload as a browser sends it: multipart with the CSRF token in the field `csrf`
/// before the file in the field `bom`.
pub async fn upload(client: &Client, app: &Router, uri: &str, bom: &[u8]) -> Reply {
    let boundary = "aimsgap-test-boundary-7d1c";
    let mut body = Vec::new();
    if let Some(csrf) = &client.csrf {
        body.extend(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"bom\"; filename=\"bom.cdx.json\"\r\nContent-Type: application/json\r\n\r\n")
            .as_bytes(),
    );
    body.extend(bom);
    body.extend(format!("\r\n--{boundary}--\r\n").as_bytes());
    let mut request = Request::builder().method(Method::POST).uri(uri).header(
        header::CONTENT_TYPE,
        format!("multipart/form-data; boundary={boundary}"),
    );
    if let Some(cookie) = &client.cookie {
        request = request.header(header::COOKIE, format!("aimsgap_session={cookie}"));
    }
    if let Some(token) = &client.token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    send(app, request.body(Body::from(body)).unwrap()).await
}

async fn system_ids(app: &Router, owner: &Client, assessment: &str) -> Vec<String> {
    owner
        .get(app, &format!("/api/v1/assessments/{assessment}"))
        .await
        .json()["ai_systems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| !s["value"].is_null())
        .map(|s| s["key"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_api_drafts_systems_from_a_bom_and_saves_nothing() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (_, assessment) = org_with_assessment(&app, &owner).await;
        let before = system_ids(&app, &owner, &assessment).await;
        let uri = format!("/api/v1/assessments/{assessment}/ai-systems/import-aibom");
        let reply = owner
            .post(&app, &uri, serde_json::from_str(ML_1_6).unwrap())
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{backend}: {}", reply.text());
        let drafts = reply.json();
        assert_eq!(drafts["spec_version"], "1.6");
        let draft = &drafts["drafts"][0];
        assert_eq!(draft["system"]["id"], "compvis-stable-diffusion-1-4");
        assert_eq!(draft["system"]["name"], "CompVis/stable-diffusion 1.4");
        assert!(draft["system"].get("role").is_none(), "{draft}");
        let fields: Vec<&str> = draft["questions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.starts_with(&["role", "markets", "annex_iii_area"]),
            "{fields:?}"
        );
        assert_eq!(
            system_ids(&app, &owner, &assessment).await,
            before,
            "{backend}"
        );

        // A bad BOM: 422, with where it is wrong.
        let bad = owner
            .post(
                &app,
                &uri,
                json!({"bomFormat": "CycloneDX", "specVersion": "1.4", "components": []}),
            )
            .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{backend}");
        let message = bad.json()["error"]["message"].as_str().unwrap().to_string();
        assert!(
            message.contains("specVersion") && message.contains("`1.4`"),
            "{message}"
        );
    }
}

#[tokio::test]
async fn drafted_ids_never_collide_with_the_inventory() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, assessment) = org_with_assessment(&app, &owner).await;
    let taken = owner
        .put(
            &app,
            &format!("/api/v1/assessments/{assessment}/ai-systems/meta-llama-llama-2-7b"),
            json!({"version": 0, "system": {"id": "meta-llama-llama-2-7b", "name": "Taken"}}),
        )
        .await;
    assert_eq!(taken.status, StatusCode::OK, "{}", taken.text());
    let drafts = owner
        .post(
            &app,
            &format!("/api/v1/assessments/{assessment}/ai-systems/import-aibom"),
            serde_json::from_str(ML_ENV_1_6).unwrap(),
        )
        .await
        .json();
    assert_eq!(
        drafts["drafts"][0]["system"]["id"],
        "meta-llama-llama-2-7b-2"
    );
}

#[tokio::test]
async fn the_page_uploads_a_bom_asks_what_it_cannot_say_and_adds_on_confirmation() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (_, assessment) = org_with_assessment(&app, &owner).await;
        let base = format!("/assessments/{assessment}/systems");
        let systems = owner.get(&app, &base).await;
        assert!(
            systems.text().contains("/systems/import-aibom\""),
            "{backend}"
        );
        let form = owner.get(&app, &format!("{base}/import-aibom")).await;
        assert_eq!(form.status, StatusCode::OK);
        assert!(form.text().contains("enctype=\"multipart/form-data\""));

        let before = system_ids(&app, &owner, &assessment).await;
        let shown = upload(
            &owner,
            &app,
            &format!("{base}/import-aibom"),
            ML_1_6.as_bytes(),
        )
        .await;
        assert_eq!(shown.status, StatusCode::OK, "{backend}: {}", shown.text());
        let page = shown.text();
        for said in [
            "Add these systems",
            "CompVis/stable-diffusion 1.4",
            "name=\"s0.role\"",
            "name=\"s0.market\"",
            "name=\"s0.annex_iii_area\"",
            "Deployer: we use it under our own authority",
            "Is it a general-purpose AI model?",
        ] {
            assert!(page.contains(said), "{backend}: {said} missing");
        }
        // Shown, not saved.
        assert_eq!(
            system_ids(&app, &owner, &assessment).await,
            before,
            "{backend}"
        );

        let added = owner
            .form(
                &app,
                &format!("{base}/import-aibom/confirm"),
                &[
                    ("count", "2"),
                    ("s0.include", "yes"),
                    ("s0.id", "compvis-stable-diffusion-1-4"),
                    ("s0.name", "Image generator"),
                    ("s0.description", "From the BOM."),
                    ("s0.role", "deployer"),
                    ("s0.market", "EU"),
                    ("s0.market", "US-CO"),
                    ("s0.annex_iii_area", ""),
                    ("s0.generates_synthetic_content", "true"),
                    // Not ticked: not added.
                    ("s1.id", "left-out"),
                    ("s1.name", "Left out"),
                ],
            )
            .await;
        assert_eq!(
            added.status,
            StatusCode::SEE_OTHER,
            "{backend}: {}",
            added.text()
        );
        assert_eq!(added.location(), base);
        let stored = owner
            .get(&app, &format!("/api/v1/assessments/{assessment}"))
            .await
            .json();
        let system = stored["ai_systems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["key"] == "compvis-stable-diffusion-1-4")
            .unwrap()["value"]
            .clone();
        assert_eq!(system["role"], "deployer", "{backend}");
        assert_eq!(system["markets"], json!(["EU", "US-CO"]));
        assert_eq!(system["generates_synthetic_content"], true);
        assert!(
            !system_ids(&app, &owner, &assessment)
                .await
                .contains(&"left-out".to_string())
        );
        let history = owner
            .get(&app, &format!("/api/v1/assessments/{assessment}/history"))
            .await
            .json();
        let last = history["history"]
            .as_array()
            .unwrap()
            .last()
            .unwrap()
            .clone();
        assert_eq!(
            (last["entity"].as_str(), last["key"].as_str()),
            (Some("ai_system"), Some("compvis-stable-diffusion-1-4")),
            "{backend}"
        );
        assert_eq!(last["actor"], owner.user_id.clone().unwrap());
    }
}

#[tokio::test]
async fn a_confirmation_that_cannot_be_saved_whole_adds_nothing() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (_, assessment) = org_with_assessment(&app, &owner).await;
        let base = format!("/assessments/{assessment}/systems");
        let before = system_ids(&app, &owner, &assessment).await;
        // The second system's role is not one the file format knows: neither is added.
        let refused = owner
            .form(
                &app,
                &format!("{base}/import-aibom/confirm"),
                &[
                    ("count", "2"),
                    ("s0.include", "yes"),
                    ("s0.id", "first-model"),
                    ("s0.name", "First"),
                    ("s1.include", "yes"),
                    ("s1.id", "second-model"),
                    ("s1.name", "Second"),
                    ("s1.role", "overlord"),
                ],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend}"
        );
        assert!(
            refused.text().contains("overlord"),
            "{backend}: {}",
            refused.text()
        );
        assert!(
            refused.text().contains("value=\"first-model\""),
            "the drafts are kept"
        );
        // An id taken since the drafts were shown: neither is added either.
        let refused = owner
            .form(
                &app,
                &format!("{base}/import-aibom/confirm"),
                &[
                    ("count", "2"),
                    ("s0.include", "yes"),
                    ("s0.id", "first-model"),
                    ("s0.name", "First"),
                    ("s1.include", "yes"),
                    ("s1.id", "support-assistant"),
                    ("s1.name", "Clash"),
                ],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{backend}"
        );
        assert_eq!(
            system_ids(&app, &owner, &assessment).await,
            before,
            "{backend}"
        );
    }
}

#[tokio::test]
async fn a_bad_bom_upload_shows_where_it_is_wrong_and_saves_nothing() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, assessment) = org_with_assessment(&app, &owner).await;
    let uri = format!("/assessments/{assessment}/systems/import-aibom");
    let before = system_ids(&app, &owner, &assessment).await;
    let bad = upload(
        &owner,
        &app,
        &uri,
        b"{\n\"bomFormat\": \"CycloneDX\",\n\"specVersion\": \"1.6\",\n\"components\": [{\"type\": \"machine-learning-model\", \"name\": \"m\", \"modelCard\": 5}]}",
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = bad.text();
    assert!(page.contains("line 4"), "{page}");
    assert!(page.contains("components[0].modelCard"), "{page}");
    assert!(
        page.contains("enctype=\"multipart/form-data\""),
        "the form is shown again"
    );
    let empty = upload(&owner, &app, &uri, b"").await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().contains("Choose a CycloneDX JSON file"));
    // Without the CSRF token the upload is refused.
    let mut no_csrf = owner.clone();
    no_csrf.csrf = None;
    let refused = upload(&no_csrf, &app, &uri, ML_1_6.as_bytes()).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(system_ids(&app, &owner, &assessment).await, before);
}
