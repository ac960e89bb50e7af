//! The API holds every assessment to the limits of `aimsgap_wire::limits`: a document with
//! more entries than a limit allows is too large (413), a text too long or a number out of
//! range is invalid (422), each naming the field. Each test sends what was accepted before.

use super::*;

/// An assessment file of `count` AI systems as JSON, about 350 bytes per system.
fn systems_document(count: usize) -> Value {
    let systems: Vec<Value> = (0..count)
        .map(|i| {
            json!({"id": format!("s{i}"), "name": format!("System {i}"), "role": "deployer",
                   "markets": ["EU"], "description": "d".repeat(260)})
        })
        .collect();
    json!({"aimsgap": 2, "as_of": "2026-11-29",
           "organization": {"name": "Big", "jurisdictions": ["EU"]},
           "ai_systems": systems})
}

async fn owner_and_org(app: &Router) -> (Client, String) {
    let owner = sign_up(app, "Owner").await;
    let org = owner
        .post(app, "/api/v1/orgs", json!({"name": "Acme"}))
        .await;
    assert_eq!(org.status, StatusCode::CREATED);
    (owner, org.json()["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn three_thousand_ai_systems_in_a_megabyte_are_too_large() {
    let app = server().await;
    let (owner, org) = owner_and_org(&app).await;
    let document = systems_document(3_000);
    let content = serde_json::to_string(&document).unwrap();
    assert!(content.len() < 1_100_000, "{}", content.len());
    let uri = format!("/api/v1/orgs/{org}/assessments");
    for body in [
        json!({"name": "big", "content": content}),
        json!({"name": "big", "document": document}),
    ] {
        let reply = owner.post(&app, &uri, body).await;
        reply.error(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            "ai_systems: 3,000 AI systems, at most 500",
        );
    }
    let list = owner.get(&app, &uri).await;
    assert_eq!(list.json()["assessments"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn the_ai_system_past_the_limit_is_too_large_and_the_last_one_within_it_is_saved() {
    let app = server().await;
    let (owner, org) = owner_and_org(&app).await;
    let imported = owner
        .post(
            &app,
            &format!("/api/v1/orgs/{org}/assessments"),
            json!({"name": "full", "document": systems_document(499)}),
        )
        .await;
    assert_eq!(imported.status, StatusCode::CREATED, "{}", imported.text());
    let id = imported.json()["id"].as_str().unwrap().to_string();
    let system = |key: &str| json!({"version": 0, "system": {"id": key, "name": "One more"}});
    let within = owner
        .put(
            &app,
            &format!("/api/v1/assessments/{id}/ai-systems/s499"),
            system("s499"),
        )
        .await;
    assert_eq!(within.status, StatusCode::OK, "{}", within.text());
    let over = owner
        .put(
            &app,
            &format!("/api/v1/assessments/{id}/ai-systems/s500"),
            system("s500"),
        )
        .await;
    assert_eq!(
        over.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        over.text()
    );
    assert!(
        over.text().contains("501 AI systems, at most 500"),
        "{}",
        over.text()
    );
    let systems = owner
        .get(&app, &format!("/api/v1/assessments/{id}/ai-systems"))
        .await;
    assert_eq!(systems.json()["ai_systems"].as_array().unwrap().len(), 500);
}

#[tokio::test]
async fn a_megabyte_note_is_invalid_and_names_the_field() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let uri = format!("/api/v1/assessments/{id}/answers/5.2");
    let reply = owner
        .put(
            &app,
            &uri,
            json!({"version": 0, "answer": {"status": "partial", "notes": "n".repeat(1_048_576)}}),
        )
        .await;
    let message = reply.error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid",
        "answers.5.2.notes: 1,048,576 characters, at most 4,000",
    );
    assert!(message.len() < 300, "the note is not echoed");
    // Evidence beyond its count is a document too large.
    let evidence: Vec<Value> = (0..21)
        .map(|i| json!({"ref": format!("e{i}"), "kind": "draft"}))
        .collect();
    let reply = owner
        .put(
            &app,
            &uri,
            json!({"version": 0, "answer": {"status": "partial", "evidence": evidence}}),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        reply.text()
    );
    assert!(reply.text().contains("21 evidence entries, at most 20"));
}

#[tokio::test]
async fn a_team_of_1e_minus_300_is_refused_and_reports_still_render() {
    let app = server().await;
    let owner = sign_up(&app, "Owner").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let assessment = owner.get(&app, &format!("/api/v1/assessments/{id}")).await;
    let profile = assessment.json()["profile"].clone();
    let mut value = profile["value"].clone();
    value["organization"]["team_fte"] = json!(1e-300);
    let reply = owner
        .put(
            &app,
            &format!("/api/v1/assessments/{id}/profile"),
            json!({"version": profile["version"], "profile": value}),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
    assert!(
        reply
            .text()
            .contains("organization.team_fte: team_fte 1e-300: expected 0.1 to 10,000"),
        "{}",
        reply.text()
    );
    let xlsx = owner
        .get(&app, &format!("/api/v1/assessments/{id}/reports/xlsx"))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let result = owner
        .get(&app, &format!("/api/v1/assessments/{id}/result"))
        .await;
    let stage1 = result.json()["roadmap"]["stage1_date"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(stage1.starts_with("20"), "Stage 1 on {stage1}");
}

#[tokio::test]
async fn a_json_document_holding_u007f_is_accepted_everywhere() {
    let app = server().await;
    let (owner, org) = owner_and_org(&app).await;
    let name = "Del\u{7f}Corp";
    let document = json!({"aimsgap": 2, "as_of": "2026-11-29",
        "organization": {"name": name, "employees": 20, "jurisdictions": ["EU"]},
        "ai_systems": [{"id": "bot", "name": "Bot\u{7f}", "description": "a\u{7f}b", "role": "deployer"}],
        "answers": {"5.2": {"status": "partial", "notes": "x\u{7f}y"}}});
    let uri = format!("/api/v1/orgs/{org}/assessments");
    for body in [
        json!({"name": "as a document", "document": document}),
        json!({"name": "as text", "content": document.to_string()}),
        json!({"name": "as pretty text", "content": serde_json::to_string_pretty(&document).unwrap()}),
    ] {
        let reply = owner.post(&app, &uri, body.clone()).await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{body}: {}",
            reply.text()
        );
        let id = reply.json()["id"].as_str().unwrap().to_string();
        let exported = owner
            .get(&app, &format!("/api/v1/assessments/{id}/export"))
            .await;
        assert_eq!(exported.json()["organization"]["name"], name);
        for format in ["xlsx", "html", "md", "csv", "json"] {
            let report = owner
                .get(&app, &format!("/api/v1/assessments/{id}/reports/{format}"))
                .await;
            assert_eq!(report.status, StatusCode::OK, "{format}: {}", report.text());
        }
        let answer = owner
            .put(
                &app,
                &format!("/api/v1/assessments/{id}/answers/6.1.2"),
                json!({"version": 0, "answer": {"status": "planned", "notes": "\u{7f}"}}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.text());
    }
    // What must be refused still is: a control character raw in a JSON string.
    let raw = format!(
        r#"{{"aimsgap": 2, "organization": {{"name": "A{}B"}}}}"#,
        '\u{1}'
    );
    let reply = owner
        .post(&app, &uri, json!({"name": "raw control", "content": raw}))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.text()
    );
}
