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
        before.contains("None past its review date or due within 30 days"),
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

// ---- the Evidence tab ------------------------------------------------------------------

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// The upload form posted as a browser posts it: `multipart/form-data`, the token first, the
/// fields in the form's order, the file last (when `file` names one).
async fn upload(
    app: &Router,
    client: &Client,
    assessment: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &str, &[u8])>,
) -> Reply {
    let boundary = "----aimsgapboundary7MA4YWxkTrZu0gW";
    let mut body: Vec<u8> = Vec::new();
    let mut part = |name: &str, value: &[u8], file: Option<(&str, &str)>| {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some((file_name, media_type)) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: {media_type}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    };
    if let Some(csrf) = &client.csrf {
        part("csrf", csrf.as_bytes(), None);
    }
    for (name, value) in fields {
        part(name, value.as_bytes(), None);
    }
    if let Some((file_name, media_type, bytes)) = file {
        part("file", bytes, Some((file_name, media_type)));
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("/assessments/{assessment}/evidence"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        );
    if let Some(cookie) = &client.cookie {
        request = request.header(header::COOKIE, format!("aimsgap_session={cookie}"));
    }
    send(app, request.body(Body::from(body)).unwrap()).await
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn evidence_uploaded_with_a_file_is_listed_on_the_tab_its_page_and_the_requirements_it_backs()
{
    for (backend, app) in servers().await {
        eprintln!("backend: {backend}");
        let owner = sign_up(&app, "Lead").await;
        let (_, id) = org_with_assessment(&app, &owner).await;
        let added = upload(
            &app,
            &owner,
            &id,
            &[
                ("title", "AI policy v2"),
                ("kind", "approved_document"),
                ("effective", "2026-10-01"),
                ("review_by", "2026-12-15"),
                ("owner", "CISO"),
                ("approved_by", "The board"),
                ("approved_on", "2026-09-30"),
                ("links", "5.2, A.2.2"),
            ],
            Some(("ai-policy-v2.pdf", "application/pdf", PDF)),
        )
        .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
        let item = added.location();
        assert!(
            item.starts_with(&format!("/assessments/{id}/evidence/")) && item.ends_with("?added=1"),
            "{item}"
        );
        let page = owner.get(&app, &item).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let html = page.text();
        for expected in [
            "<h1>AI policy v2</h1>",
            "The evidence was added.",
            "ai-policy-v2.pdf</a>",
            &sha256_hex(PDF),
            "The board, 2026-09-30",
            "due in 2 weeks",
        ] {
            assert!(html.contains(expected), "{expected} missing: {html}");
        }
        super::pages::accessible(&item, &html);

        let tab = owner
            .get(&app, &format!("/assessments/{id}/evidence"))
            .await
            .text();
        assert!(tab.contains("AI policy v2</a>"), "{tab}");
        assert!(
            tab.contains(&format!(
                "href=\"/assessments/{id}/requirements/A.2.2\">A.2.2</a>"
            )),
            "{tab}"
        );
        assert!(tab.contains(&format!("{} bytes", PDF.len())), "{tab}");
        assert!(tab.contains("enctype=\"multipart/form-data\""), "{tab}");
        super::pages::accessible("/evidence", &tab);

        // 5.2 is answered in the example; A.2.2 is not, so there the evidence waits.
        let answered = owner
            .get(&app, &format!("/assessments/{id}/requirements/5.2.a"))
            .await
            .text();
        assert!(answered.contains("In the evidence register"), "{answered}");
        assert!(answered.contains("AI policy v2</a>"), "{answered}");
        // The register's item joins the evidence the engine counts for the answer on 5.2.
        assert!(
            answered.contains("<td data-label=\"Evidence\">AI policy v2</td>"),
            "{answered}"
        );
        assert!(
            !answered.contains("this evidence counts once"),
            "{answered}"
        );
        let waiting = owner
            .get(&app, &format!("/assessments/{id}/requirements/A.2.2"))
            .await
            .text();
        assert!(waiting.contains("AI policy v2</a>"), "{waiting}");
        assert!(
            waiting.contains("A.2.2 has no answer: this evidence counts once A.2.2 is answered."),
            "{waiting}"
        );
    }
}

#[tokio::test]
async fn an_unknown_id_is_refused_at_its_field_with_everything_typed_kept_and_nothing_stored() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let refused = upload(
        &app,
        &owner,
        &id,
        &[
            ("title", "Risk register"),
            ("kind", "operating_record"),
            ("effective", "2026-10-01"),
            ("owner", "Head of Risk"),
            ("links", "6.1.2 99.9"),
        ],
        Some((
            "risks.xlsx",
            "application/octet-stream",
            b"not really a workbook",
        )),
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
        html.contains("<a href=\"#f-links\">Backs: `99.9` is not a requirement, control or group of ISO/IEC 42001"),
        "{html}"
    );
    assert!(html.contains("id=\"f-links\""), "{html}");
    for kept in [
        "value=\"Risk register\"",
        "value=\"2026-10-01\"",
        "value=\"Head of Risk\"",
        "value=\"6.1.2 99.9\"",
        "<option value=\"operating_record\" selected>",
    ] {
        assert!(html.contains(kept), "{kept} was dropped: {html}");
    }
    assert!(
        html.contains("No evidence is in the register yet."),
        "{html}"
    );
    super::pages::accessible("/evidence", &html);
}

#[tokio::test]
async fn the_register_filters_by_kind_and_freshness() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    for (title, kind, review_by) in [
        ("Overdue policy", "approved_document", "2026-11-01"),
        ("Current minutes", "operating_record", "2027-11-01"),
    ] {
        // The plain form adds evidence without a file.
        let added = owner
            .form(
                &app,
                &format!("/assessments/{id}/evidence"),
                &[
                    ("title", title),
                    ("kind", kind),
                    ("effective", "2026-06-01"),
                    ("review_by", review_by),
                    ("links", "7.2"),
                ],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    }
    let tab = |query: &'static str| {
        let app = app.clone();
        let owner = owner.clone();
        let id = id.clone();
        async move {
            owner
                .get(&app, &format!("/assessments/{id}/evidence{query}"))
                .await
                .text()
        }
    };
    let all = tab("").await;
    assert!(all.contains("Overdue policy</a>") && all.contains("Current minutes</a>"));
    let drafts = tab("?of_kind=operating_record").await;
    assert!(!drafts.contains("Overdue policy</a>") && drafts.contains("Current minutes</a>"));
    let overdue = tab("?freshness=review_overdue").await;
    assert!(overdue.contains("Overdue policy</a>") && !overdue.contains("Current minutes</a>"));
    assert!(overdue.contains("overdue by 4 weeks"), "{overdue}");
    let none = tab("?freshness=stale").await;
    assert!(
        none.contains("No evidence matches the filter: 2 in the register."),
        "{none}"
    );
}

#[tokio::test]
async fn a_viewer_reads_the_register_without_forms_and_an_outsider_finds_nothing() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (org, id) = org_with_assessment(&app, &owner).await;
    let added = upload(
        &app,
        &owner,
        &id,
        &[
            ("title", "Policy"),
            ("kind", "approved_document"),
            ("links", "5.2"),
        ],
        Some(("policy.pdf", "application/pdf", PDF)),
    )
    .await;
    let item = added.location().replace("?added=1", "");
    let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
    let tab = viewer
        .get(&app, &format!("/assessments/{id}/evidence"))
        .await;
    assert_eq!(tab.status, StatusCode::OK);
    let html = tab.text();
    assert!(
        html.contains("Policy</a>") && html.contains("policy.pdf</a>"),
        "{html}"
    );
    assert!(
        !html.contains("<form class=\"stack wide\""),
        "no upload form: {html}"
    );
    assert!(
        html.contains("Only owners and editors add or change it."),
        "{html}"
    );
    assert_eq!(viewer.get(&app, &item).await.status, StatusCode::OK);
    let refused = upload(
        &app,
        &viewer,
        &id,
        &[("title", "Mine"), ("kind", "draft")],
        None,
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let outsider = sign_up(&app, "Outsider").await;
    for uri in [format!("/assessments/{id}/evidence"), item.clone()] {
        let reply = outsider.get(&app, &uri).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{uri}");
    }
    let missing = owner
        .get(&app, &format!("/assessments/{id}/evidence/no-such-item"))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_naming_the_limit_and_nothing_is_stored() {
    let store = aimsgap_store::Store::connect("sqlite::memory:")
        .await
        .unwrap();
    let config = aimsgap_web::Config {
        evidence_max_mb: 1,
        ..aimsgap_web::Config::default()
    };
    let app = aimsgap_web::app(aimsgap_web::AppState::new(store, catalog(), config));
    let owner = sign_up(&app, "Lead").await;
    let (_, id) = org_with_assessment(&app, &owner).await;
    let big = vec![b'x'; 1_000_001];
    let refused = upload(
        &app,
        &owner,
        &id,
        &[("title", "Too big"), ("kind", "draft"), ("links", "5.2")],
        Some(("big.bin", "application/octet-stream", &big)),
    )
    .await;
    assert_eq!(refused.status, StatusCode::PAYLOAD_TOO_LARGE);
    let html = refused.text();
    assert!(
        html.contains(
            "the file is larger than this server&#39;s limit of 1 MB; nothing was stored."
        ),
        "{html}"
    );
    assert!(html.contains("value=\"Too big\""), "{html}");
    assert!(
        html.contains("No evidence is in the register yet."),
        "{html}"
    );
    let fits = upload(
        &app,
        &owner,
        &id,
        &[("title", "Fits"), ("kind", "draft"), ("links", "5.2")],
        Some(("fits.bin", "application/octet-stream", &big[..1_000_000])),
    )
    .await;
    assert_eq!(fits.status, StatusCode::SEE_OTHER, "{}", fits.text());
}
