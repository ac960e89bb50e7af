//! The item page's forms: an editor changes an item's metadata and links (a stale save shows
//! what is stored and who saved it, keeping what was typed), uploads a new version (the old
//! one stays under "Earlier versions") and deletes it after a confirmation page; a viewer gets
//! none of these forms.

use super::*;

const FIRST: &[u8] = b"%PDF-1.4\n% first version\n%%EOF\n";
const SECOND: &[u8] = b"%PDF-1.4\n% second version\n%%EOF\n";

fn field_value(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    Some(html[start..start + html[start..].find('"')?].to_string())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An item of evidence backing 5.2 with the file `FIRST`, through the API: its page's path.
async fn item(app: &Router, owner: &Client, assessment: &str) -> String {
    let made = owner
        .upload(
            app,
            &format!("/api/v1/assessments/{assessment}/evidence"),
            &[
                ("title", "AI policy"),
                ("kind", "approved_document"),
                ("effective", "2026-06-01"),
                ("review_by", "2027-06-01"),
                ("links", "5.2"),
            ],
            Some(("ai-policy.pdf", "application/pdf", FIRST)),
        )
        .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    format!(
        "/assessments/{assessment}/evidence/{}",
        made.json()["id"].as_str().unwrap()
    )
}

fn edit(version: &str, title: &str, review_by: &str, links: &str) -> Vec<(String, String)> {
    [
        ("version", version),
        ("title", title),
        ("kind", "approved_document"),
        ("effective", "2026-06-01"),
        ("review_by", review_by),
        ("owner", "CRO"),
        ("approved_by", ""),
        ("approved_on", ""),
        ("links", links),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

async fn post_form(app: &Router, client: &Client, uri: &str, fields: &[(String, String)]) -> Reply {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    client.form(app, uri, &fields).await
}

#[tokio::test]
async fn the_item_form_changes_metadata_and_links_and_the_history_records_who() {
    for (backend, app) in servers().await {
        eprintln!("backend: {backend}");
        let owner = sign_up(&app, "Lead").await;
        let (_, id) = org_with_assessment(&app, &owner).await;
        let page = item(&app, &owner, &id).await;
        let html = owner.get(&app, &page).await.text();
        assert!(
            html.contains("<h2 id=\"edit\">Change the evidence</h2>"),
            "{html}"
        );
        assert_eq!(field_value(&html, "version").as_deref(), Some("1"));
        assert_eq!(field_value(&html, "title").as_deref(), Some("AI policy"));
        assert_eq!(field_value(&html, "links").as_deref(), Some("5.2"));
        let history_before = owner
            .get(&app, &format!("/api/v1/assessments/{id}/history"))
            .await
            .text()
            .matches("\"at\"")
            .count();

        let saved = post_form(
            &app,
            &owner,
            &page,
            &edit("1", "AI policy 2026", "2026-10-01", "5.2, A.2.2"),
        )
        .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
        assert_eq!(saved.location(), format!("{page}?saved=1"));
        let html = owner.get(&app, &saved.location()).await.text();
        assert!(html.contains("Saved. Readiness is recomputed."), "{html}");
        assert!(html.contains("<h1>AI policy 2026</h1>"), "{html}");
        assert!(html.contains("overdue by"), "{html}");
        super::pages::accessible(&page, &html);
        let api = owner.get(&app, &format!("/api/v1{page}")).await.json();
        assert_eq!(api["version"], 2);
        assert_eq!(api["links"], json!(["5.2", "A.2.2"]));
        assert_eq!(api["review_by"], "2026-10-01");
        let history = owner
            .get(&app, &format!("/api/v1/assessments/{id}/history"))
            .await
            .text();
        assert!(
            history.matches("\"at\"").count() > history_before,
            "the change is in the history: {history}"
        );

        // An unknown id: refused at its field, with what was typed kept, nothing changed.
        let refused = post_form(
            &app,
            &owner,
            &page,
            &edit("2", "Typed title", "2026-10-01", "5.2 Z.9"),
        )
        .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        let html = refused.text();
        assert!(html.contains("`Z.9` is not a requirement"), "{html}");
        assert!(html.contains("href=\"#f-links\""), "{html}");
        assert_eq!(field_value(&html, "title").as_deref(), Some("Typed title"));
        assert_eq!(field_value(&html, "links").as_deref(), Some("5.2 Z.9"));
        let api = owner.get(&app, &format!("/api/v1{page}")).await.json();
        assert_eq!(api["title"], "AI policy 2026");
        assert_eq!(api["version"], 2);
    }
}

#[tokio::test]
async fn a_stale_save_shows_what_is_stored_and_who_saved_it_and_keeps_what_was_typed() {
    for (backend, app) in servers().await {
        eprintln!("backend: {backend}");
        let owner = sign_up(&app, "Lead").await;
        let (org, id) = org_with_assessment(&app, &owner).await;
        let editor = invite(&app, &owner, &org, "editor", "Erin").await;
        let page = item(&app, &owner, &id).await;
        // The editor saves first.
        let first = post_form(
            &app,
            &editor,
            &page,
            &edit("1", "AI policy by Erin", "2027-01-31", "5.2"),
        )
        .await;
        assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.text());
        // The owner still holds version 1.
        let stale = post_form(
            &app,
            &owner,
            &page,
            &edit("1", "AI policy by Lead", "2027-03-31", "A.2.2"),
        )
        .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());
        let html = stale.text();
        for expected in [
            "This evidence changed while you were editing",
            "Erin saved version 2",
            "Your changes were not saved.",
            "It now holds: AI policy by Erin (approved document)",
            "review by 2027-01-31",
        ] {
            assert!(html.contains(expected), "{expected} missing: {html}");
        }
        assert_eq!(
            field_value(&html, "title").as_deref(),
            Some("AI policy by Lead"),
            "the form keeps what the owner typed"
        );
        assert_eq!(field_value(&html, "links").as_deref(), Some("A.2.2"));
        assert_eq!(field_value(&html, "version").as_deref(), Some("2"));
        let api = owner.get(&app, &format!("/api/v1{page}")).await.json();
        assert_eq!(api["title"], "AI policy by Erin");
        // Saving again replaces the editor's values.
        let again = post_form(
            &app,
            &owner,
            &page,
            &edit("2", "AI policy by Lead", "2027-03-31", "A.2.2"),
        )
        .await;
        assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.text());
        let api = owner.get(&app, &format!("/api/v1{page}")).await.json();
        assert_eq!(api["title"], "AI policy by Lead");
        assert_eq!(api["links"], json!(["A.2.2"]));
    }
}

#[tokio::test]
async fn a_new_version_becomes_current_and_the_old_file_stays_under_earlier_versions() {
    for (backend, app) in servers().await {
        eprintln!("backend: {backend}");
        let owner = sign_up(&app, "Lead").await;
        let (_, id) = org_with_assessment(&app, &owner).await;
        let page = item(&app, &owner, &id).await;
        let html = owner.get(&app, &page).await.text();
        assert!(
            html.contains(&format!(
                "action=\"{page}/file\" enctype=\"multipart/form-data\""
            )),
            "{html}"
        );
        let replaced = owner
            .upload(
                &app,
                &format!("{page}/file"),
                &[("version", "1")],
                Some(("ai-policy-v2.pdf", "application/pdf", SECOND)),
            )
            .await;
        assert_eq!(
            replaced.status,
            StatusCode::SEE_OTHER,
            "{}",
            replaced.text()
        );
        assert_eq!(replaced.location(), format!("{page}?replaced=1"));
        let html = owner.get(&app, &replaced.location()).await.text();
        let earlier = html
            .find("<h2>Earlier versions</h2>")
            .unwrap_or_else(|| panic!("no earlier versions: {html}"));
        let current = &html[..earlier];
        assert!(
            current.contains("ai-policy-v2.pdf</a>") && current.contains(&sha256_hex(SECOND)),
            "{html}"
        );
        let older = &html[earlier..];
        assert!(
            older.contains("ai-policy.pdf</a>") && older.contains(&sha256_hex(FIRST)),
            "{html}"
        );
        assert!(
            html.contains("The new file is the current version"),
            "{html}"
        );
        let old = owner
            .get(&app, &format!("/api/v1{page}/file?version=1"))
            .await;
        assert_eq!(old.status, StatusCode::OK);
        assert_eq!(old.bytes, FIRST);
        let new = owner.get(&app, &format!("/api/v1{page}/file")).await;
        assert_eq!(new.bytes, SECOND);
        // A stale version: nothing stored, the page says who saved first.
        let stale = owner
            .upload(
                &app,
                &format!("{page}/file"),
                &[("version", "1")],
                Some(("ai-policy-v3.pdf", "application/pdf", b"%PDF-1.4 third")),
            )
            .await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());
        assert!(
            stale
                .text()
                .contains("This evidence changed while you were editing")
        );
        let versions = owner
            .get(&app, &format!("/api/v1{page}/versions"))
            .await
            .json();
        assert_eq!(versions["versions"].as_array().unwrap().len(), 2);
        // No file chosen: said at the field.
        let empty = owner
            .upload(&app, &format!("{page}/file"), &[("version", "2")], None)
            .await;
        assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            empty
                .text()
                .contains("New file: choose the file to upload.")
        );
    }
}

#[tokio::test]
async fn delete_asks_first_then_removes_the_item_and_the_history_keeps_it() {
    for (backend, app) in servers().await {
        eprintln!("backend: {backend}");
        let owner = sign_up(&app, "Lead").await;
        let (_, id) = org_with_assessment(&app, &owner).await;
        let page = item(&app, &owner, &id).await;
        let html = owner.get(&app, &page).await.text();
        assert!(html.contains(&format!("href=\"{page}/delete\"")), "{html}");
        let confirm = owner.get(&app, &format!("{page}/delete")).await;
        assert_eq!(confirm.status, StatusCode::OK);
        let html = confirm.text();
        assert!(
            html.contains("Delete the evidence &ldquo;AI policy&rdquo;?")
                && html.contains("1 link and 1 file version"),
            "{html}"
        );
        super::pages::accessible(&format!("{page}/delete"), &html);
        // Nothing is deleted by reading the question.
        assert_eq!(owner.get(&app, &page).await.status, StatusCode::OK);
        let stale = post_form(
            &app,
            &owner,
            &format!("{page}/delete"),
            &[("version".to_string(), "7".to_string())],
        )
        .await;
        assert_eq!(stale.status, StatusCode::CONFLICT);
        assert_eq!(owner.get(&app, &page).await.status, StatusCode::OK);
        let deleted = post_form(
            &app,
            &owner,
            &format!("{page}/delete"),
            &[("version".to_string(), "1".to_string())],
        )
        .await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.text());
        assert_eq!(
            deleted.location(),
            format!("/assessments/{id}/evidence?deleted=1")
        );
        let tab = owner.get(&app, &deleted.location()).await.text();
        assert!(tab.contains("The evidence was deleted."), "{tab}");
        assert!(!tab.contains("AI policy</a>"), "{tab}");
        assert_eq!(owner.get(&app, &page).await.status, StatusCode::NOT_FOUND);
        let history = owner
            .get(&app, &format!("/api/v1/assessments/{id}/history"))
            .await
            .text();
        assert!(history.contains("AI policy"), "{history}");
    }
}

#[tokio::test]
async fn a_viewer_sees_the_item_without_forms_and_cannot_post_them() {
    let app = server().await;
    let owner = sign_up(&app, "Lead").await;
    let (org, id) = org_with_assessment(&app, &owner).await;
    let page = item(&app, &owner, &id).await;
    let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
    let html = viewer.get(&app, &page).await.text();
    assert!(html.contains("<h1>AI policy</h1>"), "{html}");
    assert!(!html.contains("<form class=\"stack wide\""), "{html}");
    assert!(!html.contains("/delete\""), "{html}");
    assert!(
        html.contains("Only owners and editors change it."),
        "{html}"
    );
    assert_eq!(
        viewer.get(&app, &format!("{page}/delete")).await.status,
        StatusCode::FORBIDDEN
    );
    let refused = post_form(&app, &viewer, &page, &edit("1", "Mine", "", "5.2")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let api = owner.get(&app, &format!("/api/v1{page}")).await.json();
    assert_eq!(api["title"], "AI policy");
}
