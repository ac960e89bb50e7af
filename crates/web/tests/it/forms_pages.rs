//! The forms that build an assessment in pages: a new assessment, its profile and
//! certifications, its AI systems added, edited, previewed and removed; and the API's preview.

use super::*;

/// The stored assessment as the API gives it.
async fn stored(app: &Router, client: &Client, assessment: &str) -> Value {
    let reply = client
        .get(app, &format!("/api/v1/assessments/{assessment}"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.json()
}

async fn assessment_count(app: &Router, client: &Client, org: &str) -> usize {
    client
        .get(app, &format!("/api/v1/orgs/{org}/assessments"))
        .await
        .json()["assessments"]
        .as_array()
        .unwrap()
        .len()
}

async fn history_len(app: &Router, client: &Client, assessment: &str) -> usize {
    client
        .get(app, &format!("/api/v1/assessments/{assessment}/history"))
        .await
        .json()["history"]
        .as_array()
        .unwrap()
        .len()
}

/// The stored AI system with this id and its version.
fn system(stored: &Value, id: &str) -> Option<(Value, i64)> {
    stored["ai_systems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == id && !s["value"].is_null())
        .map(|s| (s["value"].clone(), s["version"].as_i64().unwrap()))
}

/// The classification of a system under a law in the assessment's result.
async fn classification(
    app: &Router,
    client: &Client,
    assessment: &str,
    id: &str,
    law: &str,
) -> String {
    let result = client
        .get(app, &format!("/api/v1/assessments/{assessment}/result"))
        .await
        .json();
    result["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["system"] == id && o["law"] == law)
        .map(|o| o["classification"].as_str().unwrap().to_string())
        .unwrap_or_default()
}

/// The fields the edit form of the example's support assistant sends as stored, plus `more`.
fn assistant_fields<'a>(version: &'a str, more: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("version", version),
        ("name", "Customer support assistant"),
        ("role", "provider"),
        ("market", "EU"),
        ("market", "US"),
        ("fact", "interacts_with_natural_persons"),
        ("fact", "generates_synthetic_content"),
    ];
    fields.extend_from_slice(more);
    fields
}

#[tokio::test]
async fn an_assessment_is_created_by_form_with_its_certification_and_first_ai_system() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, _) = org_with_assessment(&app, &owner).await;
    let page = owner
        .get(&app, &format!("/orgs/{org}/assessments/new"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    for field in [
        "f-org-name",
        "f-sector",
        "f-jur-EU",
        "f-c0-framework",
        "f-s-name",
        "f-s-annex-iii-point",
    ] {
        assert!(
            html.contains(&format!("id=\"{field}")),
            "the form lacks {field}"
        );
    }
    assert!(
        html.contains("Human resources technology"),
        "sectors have labels"
    );
    let org_page = owner.get(&app, &format!("/orgs/{org}")).await.text();
    assert!(org_page.contains(&format!("/orgs/{org}/assessments/new")));
    assert!(
        org_page.contains("Import"),
        "importing a file stays an option"
    );

    let created = owner
        .form(
            &app,
            &format!("/orgs/{org}/assessments/new"),
            &[
                ("name", "AIMS gap 2027"),
                ("org_name", "Hirewell Analytics"),
                ("employees", "120"),
                ("sector", "hr_technology"),
                ("jur", "EU"),
                ("jur", "US-CO"),
                ("team_fte", "1.5"),
                ("as_of", "2026-11-29"),
                ("c0_framework", "soc2"),
                ("c0_status", "attested"),
                ("c0_valid_until", "2027-06-30"),
                ("c0_scope_covers_ai", "yes"),
                ("c0_report", "type2"),
                ("c0_category", "availability"),
                ("c1_framework", ""),
                ("s_name", "CV screening"),
                ("s_role", "provider"),
                ("s_market", "EU"),
                ("s_annex_iii_point", "4(a)"),
                ("s_decision", "employment"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let id = created
        .location()
        .strip_prefix("/assessments/")
        .unwrap()
        .to_string();
    let stored = stored(&app, &owner, &id).await;
    assert_eq!(stored["name"], "AIMS gap 2027");
    let profile = &stored["profile"]["value"];
    assert_eq!(profile["organization"]["name"], "Hirewell Analytics");
    assert_eq!(profile["organization"]["employees"], 120);
    assert_eq!(profile["organization"]["sector"], "hr_technology");
    assert_eq!(
        profile["organization"]["jurisdictions"],
        json!(["EU", "US-CO"])
    );
    assert_eq!(profile["as_of"], "2026-11-29");
    assert_eq!(
        profile["certifications"],
        json!([{"framework": "soc2", "status": "attested", "valid_until": "2027-06-30",
            "scope_covers_ai": true, "report": "type2", "categories": ["availability"]}])
    );
    let (cv, _) =
        system(&stored, "cv-screening").expect("the first system, its id made from its name");
    assert_eq!(cv["annex_iii_point"], "4(a)");
    assert_eq!(cv["consequential_decisions"], json!(["employment"]));
    assert_eq!(
        classification(&app, &owner, &id, "cv-screening", "eu-ai-act").await,
        "high_risk"
    );
}

#[tokio::test]
async fn a_bad_field_of_the_new_assessment_is_named_at_the_field_and_nothing_typed_is_lost() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, _) = org_with_assessment(&app, &owner).await;
    let before = assessment_count(&app, &owner, &org).await;
    let refused = owner
        .form(
            &app,
            &format!("/orgs/{org}/assessments/new"),
            &[
                ("name", "Typed name"),
                ("org_name", "Typed organisation"),
                ("employees", "lots"),
                ("jur", "KR"),
                ("s_name", "Typed system"),
                ("s_description", "Typed description"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    let html = refused.text();
    assert!(
        html.contains("id=\"e-employees\""),
        "the problem sits at the field"
    );
    assert!(
        html.contains("href=\"#f-employees\""),
        "the summary links to the field"
    );
    for typed in [
        "Typed name",
        "Typed organisation",
        "value=\"lots\"",
        "Typed system",
        "Typed description",
    ] {
        assert!(html.contains(typed), "{typed} was lost");
    }
    assert!(
        html.contains("id=\"f-jur-KR\" name=\"jur\" value=\"KR\" checked"),
        "the ticked box was lost"
    );

    // A value only the engine's reader refuses comes back at its field too.
    let refused = owner
        .form(
            &app,
            &format!("/orgs/{org}/assessments/new"),
            &[
                ("name", "Typed name"),
                ("org_name", "Typed organisation"),
                ("employees", "0"),
                ("c0_framework", "iso27001"),
                ("c0_status", "certified"),
                ("c0_valid_until", "2027-02-30"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    let html = refused.text();
    assert!(html.contains("id=\"e-employees\""), "{html}");
    assert!(html.contains("id=\"e-c0-valid-until\""), "{html}");
    assert!(html.contains("value=\"2027-02-30\""));
    assert_eq!(
        assessment_count(&app, &owner, &org).await,
        before,
        "nothing was created"
    );
}

#[tokio::test]
async fn editing_an_ai_system_in_the_form_changes_its_obligations() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, assessment) = org_with_assessment(&app, &owner).await;
    let list = owner
        .get(&app, &format!("/assessments/{assessment}/systems"))
        .await
        .text();
    assert!(list.contains(&format!(
        "/assessments/{assessment}/systems/support-assistant/edit"
    )));
    assert!(list.contains(&format!("/assessments/{assessment}/systems/new")));
    let form = owner
        .get(
            &app,
            &format!("/assessments/{assessment}/systems/support-assistant/edit"),
        )
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let html = form.text();
    assert!(html.contains("value=\"Customer support assistant\""));
    assert!(html.contains("id=\"f-market-EU\" name=\"market\" value=\"EU\" checked"));
    assert_eq!(
        classification(&app, &owner, &assessment, "support-assistant", "eu-ai-act").await,
        "transparency"
    );
    let (_, version) = system(
        &stored(&app, &owner, &assessment).await,
        "support-assistant",
    )
    .unwrap();
    let version = version.to_string();
    let saved = owner
        .form(
            &app,
            &format!("/assessments/{assessment}/systems/support-assistant/edit"),
            &assistant_fields(&version, &[("annex_iii_point", "4(a)"), ("action", "save")]),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert_eq!(
        classification(&app, &owner, &assessment, "support-assistant", "eu-ai-act").await,
        "high_risk"
    );
    let (value, _) = system(
        &stored(&app, &owner, &assessment).await,
        "support-assistant",
    )
    .unwrap();
    assert_eq!(value["annex_iii_point"], "4(a)");
    assert!(
        value["description"].as_str().is_none(),
        "the description field was sent empty"
    );

    // A write with the version read before is refused, and says so, keeping what was typed.
    let stale = owner
        .form(
            &app,
            &format!("/assessments/{assessment}/systems/support-assistant/edit"),
            &assistant_fields(
                &version,
                &[("annex_i_product", "Typed product"), ("action", "save")],
            ),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());
    assert!(stale.text().contains("changed while you were editing"));
    assert!(stale.text().contains("Typed product"));
}

#[tokio::test]
async fn a_preview_shows_the_obligations_and_stores_nothing() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, assessment) = org_with_assessment(&app, &owner).await;
    let before = stored(&app, &owner, &assessment).await;
    let history = history_len(&app, &owner, &assessment).await;
    let (_, version) = system(&before, "support-assistant").unwrap();
    let version = version.to_string();
    let preview = owner
        .form(
            &app,
            &format!("/assessments/{assessment}/systems/support-assistant/edit"),
            &assistant_fields(
                &version,
                &[("annex_iii_point", "4(a)"), ("action", "preview")],
            ),
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.text());
    let html = preview.text();
    assert!(html.contains("Preview: not saved"));
    assert!(
        html.contains("high risk"),
        "the preview classifies the system as the form says"
    );
    assert!(
        html.contains("value=\"4(a)\" selected"),
        "the form keeps what was chosen"
    );
    // A new system previewed before it exists.
    let new = owner
        .form(
            &app,
            &format!("/assessments/{assessment}/systems/new"),
            &[
                ("name", "Loan scorer"),
                ("role", "deployer"),
                ("market", "US-CO"),
                ("decision", "financial_lending"),
                ("action", "preview"),
            ],
        )
        .await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.text());
    assert!(new.text().contains("Colorado AI law"), "{}", new.text());
    let after = stored(&app, &owner, &assessment).await;
    assert_eq!(after["revision"], before["revision"], "nothing was written");
    assert_eq!(after["ai_systems"], before["ai_systems"]);
    assert_eq!(history_len(&app, &owner, &assessment).await, history);
}

#[tokio::test]
async fn an_ai_system_is_added_then_removed_after_confirmation() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, assessment) = org_with_assessment(&app, &owner).await;
    let form = owner
        .get(&app, &format!("/assessments/{assessment}/systems/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    for id in [
        "f-role",
        "f-market-EU",
        "f-fact-emotion-recognition",
        "f-annex-iii-area",
        "f-annex-iii-point",
        "f-placed-on-market",
        "f-annex-i-product",
        "f-prohibited-practice",
        "f-decision-employment",
        "f-other-gpai-model",
        "f-other-public-body",
        "f-description",
    ] {
        assert!(
            form.text().contains(&format!("id=\"{id}\"")),
            "the form lacks {id}"
        );
    }
    let missing_name = owner
        .form(
            &app,
            &format!("/assessments/{assessment}/systems/new"),
            &[("description", "kept"), ("action", "save")],
        )
        .await;
    assert_eq!(missing_name.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing_name.text().contains("id=\"e-name\""));
    assert!(missing_name.text().contains("kept"));
    let taken = owner
        .form(
            &app,
            &format!("/assessments/{assessment}/systems/new"),
            &[
                ("id", "support-assistant"),
                ("name", "Twin"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text().contains("id=\"e-id\""));

    let added = owner
        .form(
            &app,
            &format!("/assessments/{assessment}/systems/new"),
            &[
                ("name", "Fraud scorer"),
                ("role", "deployer"),
                ("market", "EU"),
                ("placed_on_market", "2025-01-15"),
                ("other", "public_body"),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    assert_eq!(
        added.location(),
        format!("/assessments/{assessment}/systems")
    );
    let (value, version) =
        system(&stored(&app, &owner, &assessment).await, "fraud-scorer").unwrap();
    assert_eq!(value["placed_on_market"], "2025-01-15");
    assert_eq!(value["public_body"], true);

    let confirm = owner
        .get(
            &app,
            &format!("/assessments/{assessment}/systems/fraud-scorer/remove"),
        )
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.text().contains("Fraud scorer"));
    let removed = owner
        .form(
            &app,
            &format!("/assessments/{assessment}/systems/fraud-scorer/remove"),
            &[("version", &version.to_string())],
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.text());
    assert!(system(&stored(&app, &owner, &assessment).await, "fraud-scorer").is_none());
    let again = owner
        .get(
            &app,
            &format!("/assessments/{assessment}/systems/fraud-scorer/edit"),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_profile_page_saves_keeps_controls_and_a_stale_write_shows_the_current_values() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, assessment) = org_with_assessment(&app, &owner).await;
    let page = owner
        .get(&app, &format!("/assessments/{assessment}/profile"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(html.contains("value=\"Acme Cloud\""));
    assert!(html.contains("value=\"software\" selected"));
    let version = stored(&app, &owner, &assessment).await["profile"]["version"]
        .as_i64()
        .unwrap()
        .to_string();
    let fields = |name: &'static str| {
        vec![
            ("version", version.clone()),
            ("org_name", name.to_string()),
            ("employees", "250".to_string()),
            ("sector", "software".to_string()),
            ("jur", "EU".to_string()),
            ("team_fte", "2".to_string()),
            ("as_of", "2026-11-29".to_string()),
            ("c0_framework", "iso27001".to_string()),
            ("c0_status", "certified".to_string()),
            ("c0_valid_until", "2027-09-30".to_string()),
            ("c0_scope_covers_ai", "yes".to_string()),
        ]
    };
    let send = |fields: Vec<(&'static str, String)>| {
        let owner = owner.clone();
        let app = app.clone();
        let uri = format!("/assessments/{assessment}/profile");
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            owner.form(&app, &uri, &pairs).await
        }
    };
    let saved = send(fields("Acme Cloud Ltd")).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let profile = stored(&app, &owner, &assessment).await["profile"]["value"].clone();
    assert_eq!(profile["organization"]["name"], "Acme Cloud Ltd");
    assert_eq!(profile["organization"]["employees"], 250);
    assert_eq!(
        profile["certifications"][0]["controls"]["A.8.16"], "partial",
        "the controls the form does not show are kept"
    );
    let stale = send(fields("Stale Co")).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());
    let html = stale.text();
    assert!(
        html.contains("Someone else changed the profile") || html.contains("changed the profile")
    );
    assert!(
        html.contains("value=\"Acme Cloud Ltd\""),
        "the current values are shown"
    );
    assert_eq!(
        stored(&app, &owner, &assessment).await["profile"]["value"]["organization"]["name"],
        "Acme Cloud Ltd"
    );
    let bad = send(vec![
        ("version", "999".to_string()),
        ("org_name", "X".to_string()),
        ("team_fte", "many".to_string()),
    ])
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("id=\"e-team-fte\""));
}

#[tokio::test]
async fn a_viewer_reads_the_forms_but_writes_nothing_and_an_outsider_finds_nothing() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, assessment) = org_with_assessment(&app, &owner).await;
    let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
    let outsider = sign_up(&app, "Outsider").await;
    let profile = viewer
        .get(&app, &format!("/assessments/{assessment}/profile"))
        .await;
    assert_eq!(profile.status, StatusCode::OK);
    assert!(profile.text().contains("value=\"Acme Cloud\""));
    assert!(!profile.text().contains("Save the profile"));
    let systems = viewer
        .get(&app, &format!("/assessments/{assessment}/systems"))
        .await
        .text();
    assert!(
        !systems.contains("/systems/new"),
        "no link to a form the viewer may not use"
    );
    let before = stored(&app, &owner, &assessment).await["revision"].clone();
    let gets = [
        format!("/orgs/{org}/assessments/new"),
        format!("/assessments/{assessment}/systems/new"),
        format!("/assessments/{assessment}/systems/support-assistant/edit"),
        format!("/assessments/{assessment}/systems/support-assistant/remove"),
    ];
    let posts = [
        format!("/orgs/{org}/assessments/new"),
        format!("/assessments/{assessment}/profile"),
        format!("/assessments/{assessment}/systems/new"),
        format!("/assessments/{assessment}/systems/support-assistant/edit"),
        format!("/assessments/{assessment}/systems/support-assistant/remove"),
    ];
    let fields = [
        ("version", "1"),
        ("name", "X"),
        ("org_name", "X"),
        ("action", "save"),
    ];
    for uri in &gets {
        assert_eq!(
            viewer.get(&app, uri).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
        assert_eq!(
            outsider.get(&app, uri).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    for uri in &posts {
        assert_eq!(
            viewer.form(&app, uri, &fields).await.status,
            StatusCode::FORBIDDEN,
            "{uri}"
        );
        assert_eq!(
            outsider.form(&app, uri, &fields).await.status,
            StatusCode::NOT_FOUND,
            "{uri}"
        );
    }
    assert_eq!(
        outsider
            .get(&app, &format!("/assessments/{assessment}/profile"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(stored(&app, &owner, &assessment).await["revision"], before);
}

#[tokio::test]
async fn the_api_preview_classifies_a_system_without_storing_it_on_every_backend() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (org, assessment) = org_with_assessment(&app, &owner).await;
        let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
        let before = stored(&app, &owner, &assessment).await;
        let history = history_len(&app, &owner, &assessment).await;
        let uri = format!("/api/v1/assessments/{assessment}/ai-systems/preview");
        let hr = json!({"id": "hr-bot", "name": "HR bot", "role": "deployer", "markets": ["EU"],
            "annex_iii_point": "4(a)"});
        // Read access is enough: a viewer may ask what a system would be.
        let preview = viewer.post(&app, &uri, hr.clone()).await;
        assert_eq!(
            preview.status,
            StatusCode::OK,
            "{backend}: {}",
            preview.text()
        );
        let body = preview.json();
        assert_eq!(body["system"], "hr-bot");
        assert_eq!(body["as_of"], "2026-11-29");
        let eu = body["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["law"] == "eu-ai-act")
            .cloned()
            .unwrap_or_default();
        assert_eq!(eu["classification"], "high_risk", "{backend}");
        assert!(!eu["items"].as_array().unwrap().is_empty(), "{backend}");
        assert!(
            body["obligations"]
                .as_array()
                .unwrap()
                .iter()
                .all(|o| o["system"] == "hr-bot"),
            "{backend}: only the previewed system's obligations"
        );
        // The same system without the Annex III use is no longer high-risk.
        let plain = owner
            .post(
                &app,
                &uri,
                json!({"id": "hr-bot", "name": "HR bot", "role": "deployer", "markets": ["EU"]}),
            )
            .await
            .json();
        let eu_plain = plain["obligations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["law"] == "eu-ai-act")
            .cloned()
            .unwrap_or_default();
        assert_ne!(eu_plain["classification"], "high_risk", "{backend}");
        // An existing system previewed with a change replaces it, not duplicates it.
        let changed = owner
            .post(
                &app,
                &uri,
                json!({"id": "support-assistant", "name": "Assistant", "markets": ["EU"]}),
            )
            .await;
        assert_eq!(
            changed.status,
            StatusCode::OK,
            "{backend}: {}",
            changed.text()
        );
        owner
            .post(
                &app,
                &uri,
                json!({"id": "x", "name": "X", "colour": "blue"}),
            )
            .await
            .error(StatusCode::BAD_REQUEST, "bad_request", "colour");
        owner
            .post(
                &app,
                &uri,
                json!({"id": "x", "name": "X", "annex_iii_area": "nowhere"}),
            )
            .await
            .error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "annex_iii_area",
            );
        let after = stored(&app, &owner, &assessment).await;
        assert_eq!(after["revision"], before["revision"], "{backend}");
        assert_eq!(after["ai_systems"], before["ai_systems"], "{backend}");
        assert_eq!(
            history_len(&app, &owner, &assessment).await,
            history,
            "{backend}"
        );
        let outsider = sign_up(&app, "Outsider").await;
        assert_eq!(
            outsider.post(&app, &uri, hr).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

/// Text that would run script if a page wrote it raw.
const HOSTILE: &str = "<script>alert(1)</script>\"'&";
const ESCAPED: &str = "&#60;script&#62;alert(1)&#60;/script&#62;&#34;&#39;&#38;";

fn assert_escaped(what: &str, reply: &Reply) {
    let html = reply.text();
    assert!(!html.contains("<script>alert(1)"), "{what}: written raw");
    assert!(
        html.contains(ESCAPED),
        "{what} ({}): not shown escaped",
        reply.status
    );
}

#[tokio::test]
async fn hostile_text_in_every_new_field_is_shown_escaped() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (org, assessment) = org_with_assessment(&app, &owner).await;
    // Every field of the new assessment, refused and shown again.
    let names = [
        "name",
        "org_name",
        "employees",
        "sector",
        "jur",
        "team_fte",
        "as_of",
        "c0_framework",
        "c0_status",
        "c0_valid_until",
        "c0_report",
        "c0_category",
        "s_id",
        "s_name",
        "s_description",
        "s_role",
        "s_market",
        "s_annex_iii_area",
        "s_annex_iii_point",
        "s_placed_on_market",
        "s_annex_i_product",
        "s_prohibited_practice",
        "s_decision",
    ];
    for name in names {
        // The tested field comes first, so that it wins over the defaults after it; the
        // head count that is no number keeps every try from being created.
        let reply = owner
            .form(
                &app,
                &format!("/orgs/{org}/assessments/new"),
                &[
                    (name, HOSTILE),
                    ("name", "N"),
                    ("org_name", "O"),
                    ("employees", "lots"),
                    ("c0_framework", "iso27001"),
                    ("s_name", "S"),
                ],
            )
            .await;
        assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert_escaped(name, &reply);
    }
    // A box the form does not offer is dropped, never written.
    for name in ["s_fact", "s_other"] {
        let reply = owner
            .form(
                &app,
                &format!("/orgs/{org}/assessments/new"),
                &[
                    (name, HOSTILE),
                    ("name", "N"),
                    ("org_name", "O"),
                    ("employees", "lots"),
                ],
            )
            .await;
        assert!(!reply.text().contains("<script>alert(1)"), "{name}");
    }
    // Every field of an AI system, previewed and saved where the engine takes the value.
    let system_names = [
        "id",
        "name",
        "description",
        "role",
        "market",
        "annex_iii_area",
        "annex_iii_point",
        "placed_on_market",
        "annex_i_product",
        "prohibited_practice",
        "decision",
    ];
    for name in system_names {
        let mut fields = vec![("name", "Named"), (name, HOSTILE), ("action", "preview")];
        if name == "name" {
            fields.remove(0);
        }
        let reply = owner
            .form(
                &app,
                &format!("/assessments/{assessment}/systems/new"),
                &fields,
            )
            .await;
        assert_escaped(name, &reply);
    }
    let saved = owner
        .form(
            &app,
            &format!("/assessments/{assessment}/systems/new"),
            &[
                ("id", "hostile"),
                ("name", HOSTILE),
                ("description", HOSTILE),
                ("annex_i_product", HOSTILE),
                ("action", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    for uri in [
        format!("/assessments/{assessment}/systems"),
        format!("/assessments/{assessment}/systems/hostile/edit"),
        format!("/assessments/{assessment}/systems/hostile/remove"),
    ] {
        assert_escaped(&uri, &owner.get(&app, &uri).await);
    }
    // The profile: a stored hostile name and sector are shown escaped.
    let version = stored(&app, &owner, &assessment).await["profile"]["version"]
        .as_i64()
        .unwrap()
        .to_string();
    let saved = owner
        .form(
            &app,
            &format!("/assessments/{assessment}/profile"),
            &[
                ("version", &version),
                ("org_name", HOSTILE),
                ("sector", HOSTILE),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert_escaped(
        "profile",
        &owner
            .get(&app, &format!("/assessments/{assessment}/profile"))
            .await,
    );
}
