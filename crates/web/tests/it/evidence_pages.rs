//! The evidence as the pages show it: the requirement page lists the evidence the engine
//! counted with the reason it counts less, the answer form keeps a review date and a file's
//! hash, and the dashboard lists evidence due for review.

use super::*;

fn version_of(html: &str) -> String {
    let start = html.find("name=\"version\" value=\"").unwrap() + "name=\"version\" value=\"".len();
    html[start..start + html[start..].find('"').unwrap()].to_string()
}

const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

/// The stored answer on `requirement` and its version.
async fn answer(
    app: &Router,
    client: &Client,
    assessment: &str,
    requirement: &str,
) -> (Value, i64) {
    let list = client
        .get(app, &format!("/api/v1/assessments/{assessment}/answers"))
        .await
        .json();
    let found = list["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == requirement)
        .cloned()
        .unwrap_or(json!({"value": null, "version": 0}));
    (found["value"].clone(), found["version"].as_i64().unwrap())
}

/// Writes the answer on `requirement` through the API.
async fn put_answer(
    app: &Router,
    client: &Client,
    assessment: &str,
    requirement: &str,
    value: Value,
) {
    let (_, version) = answer(app, client, assessment, requirement).await;
    let reply = client
        .put(
            app,
            &format!("/api/v1/assessments/{assessment}/answers/{requirement}"),
            json!({"version": version, "answer": value}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

/// The value of the form field named `name` in `html`.
fn field_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..start + html[start..].find('"')?].to_string())
}

// Regression: the answer form knew only reference, kind and date, so saving it dropped the
// review date and the hash of evidence that came from a register or a file.
#[tokio::test]
async fn saving_the_answer_form_keeps_the_review_date_and_the_hash_of_its_evidence() {
    for (backend, app) in servers().await {
        eprintln!("backend: {backend}");
        let owner = sign_up(&app, "Lead").await;
        let (_, id) = org_with_assessment(&app, &owner).await;
        put_answer(
            &app,
            &owner,
            &id,
            "5.2",
            json!({"status": "implemented", "evidence": [
                {"ref": "policy.pdf", "kind": "approved_document", "date": "2026-10-01",
                 "review_by": "2027-03-01", "sha256": SHA}
            ]}),
        )
        .await;
        let uri = format!("/assessments/{id}/requirements/5.2");
        let page = owner.get(&app, &uri).await.text();
        assert_eq!(
            field_value(&page, "ev0_review_by").as_deref(),
            Some("2027-03-01")
        );
        assert_eq!(field_value(&page, "ev0_sha256").as_deref(), Some(SHA));
        assert!(page.contains("<label for=\"f-ev0-review-by\">Evidence 1 review by</label>"));
        // The form posted as a browser posts it, with one change: the owner.
        let version = version_of(&page);
        let saved = owner
            .form(
                &app,
                &uri,
                &[
                    ("version", &version),
                    ("status", "implemented"),
                    ("owner", "CEO"),
                    ("ev0_ref", "policy.pdf"),
                    ("ev0_kind", "approved_document"),
                    ("ev0_date", "2026-10-01"),
                    ("ev0_review_by", "2027-03-01"),
                    ("ev0_sha256", SHA),
                    ("ev1_ref", "minutes.pdf"),
                    ("ev1_kind", "operating_record"),
                    ("ev1_date", "2026-11-01"),
                    ("ev1_review_by", "2026-12-15"),
                ],
            )
            .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        let (stored, _) = answer(&app, &owner, &id, "5.2").await;
        assert_eq!(stored["owner"], "CEO");
        assert_eq!(stored["evidence"][0]["sha256"], SHA, "{stored}");
        assert_eq!(stored["evidence"][0]["review_by"], "2027-03-01", "{stored}");
        assert_eq!(stored["evidence"][1]["review_by"], "2026-12-15", "{stored}");
        assert!(stored["evidence"][1].get("sha256").is_none(), "{stored}");
    }
}

#[tokio::test]
async fn a_bad_review_date_is_named_at_its_field_and_what_was_typed_is_kept() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let uri = format!("/assessments/{id}/requirements/5.2");
    let version = version_of(&owner.get(&app, &uri).await.text());
    let refused = owner
        .form(
            &app,
            &uri,
            &[
                ("version", &version),
                ("status", "implemented"),
                ("ev0_ref", "policy.pdf"),
                ("ev0_kind", "approved_document"),
                ("ev0_review_by", "2027-02-30"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(
        html.contains("<a href=\"#f-ev0-review-by\">Evidence 1 review by: "),
        "{html}"
    );
    assert!(html.contains("value=\"2027-02-30\""), "{html}");
    assert!(
        !html.contains("evidence[0]"),
        "no field path of the file: {html}"
    );
}

#[tokio::test]
async fn the_requirement_page_lists_the_evidence_counted_and_why_it_counts_less() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    // The example assessment is dated 2026-11-29.
    put_answer(
        &app,
        &owner,
        &id,
        "5.2",
        json!({"status": "implemented", "notes": "Board approved <b>v2</b> in October", "evidence": [
            {"ref": "policy-v1.pdf", "kind": "approved_document", "date": "2026-01-10", "review_by": "2026-03-01"},
            {"ref": "policy-2024.pdf", "kind": "approved_document", "date": "2024-06-01"},
            {"ref": "minutes.pdf", "kind": "operating_record", "date": "2026-10-01", "review_by": "2027-10-01"}
        ]}),
    )
    .await;
    let html = owner
        .get(&app, &format!("/assessments/{id}/requirements/5.2.a"))
        .await
        .text();
    assert!(
        html.contains("<h3 id=\"evidence-counted\">Evidence counted</h3>"),
        "{html}"
    );
    for expected in [
        "policy-v1.pdf",
        "past its review date of 2026-03-01: counts half until reviewed",
        "policy-2024.pdf",
        "older than 12 months: counts 60% of its weight",
        "minutes.pdf",
        "current: counts in full",
        "Board approved &#60;b&#62;v2&#60;/b&#62; in October",
    ] {
        assert!(html.contains(expected), "{expected} missing: {html}");
    }
    super::pages::accessible("/requirements/5.2.a", &html);
}

#[tokio::test]
async fn the_dashboard_lists_evidence_due_for_review_within_30_days() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let uri = format!("/assessments/{id}/dashboard");
    let before = owner.get(&app, &uri).await.text();
    assert!(
        before.contains("No evidence is past its review date or due for review within 30 days."),
        "{before}"
    );
    put_answer(
        &app,
        &owner,
        &id,
        "5.2",
        json!({"status": "implemented", "evidence": [
            {"ref": "overdue-policy.pdf", "kind": "approved_document", "date": "2026-01-10", "review_by": "2026-11-20"},
            {"ref": "soon-minutes.pdf", "kind": "operating_record", "date": "2026-10-01", "review_by": "2026-12-09"},
            {"ref": "later-report.pdf", "kind": "audit_report", "date": "2026-10-01", "review_by": "2027-06-01"}
        ]}),
    )
    .await;
    let after = owner.get(&app, &uri).await.text();
    assert!(after.contains("To review: 2, 1 overdue"), "{after}");
    assert!(after.contains("overdue-policy.pdf</a>"), "{after}");
    assert!(
        after.contains("review by 2026-11-20 (overdue by 9 days)"),
        "{after}"
    );
    assert!(
        after.contains("review by 2026-12-09 (due in 10 days)"),
        "{after}"
    );
    assert!(!after.contains("later-report.pdf"), "{after}");
    super::pages::accessible(&uri, &after);
}
