//! The Drafts tab and its downloads: the list with what each draft is for, each draft as
//! Markdown and Word, the risk register as a spreadsheet, named for the organisation, the date
//! and the draft; the same bytes from the page route and the API; a viewer sees the list but
//! downloads nothing.

use super::*;

const WORD: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const SHEET: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn content_type(reply: &Reply) -> &str {
    reply
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

fn disposition(reply: &Reply) -> &str {
    reply
        .headers
        .get(header::CONTENT_DISPOSITION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn drafts_are_listed_and_download_as_markdown_word_and_a_register_sheet() {
    for (backend, app) in servers().await {
        let owner = sign_up(&app, "Owner").await;
        let (org, id) = org_with_assessment(&app, &owner).await;

        let list = owner
            .get(&app, &format!("/api/v1/assessments/{id}/drafts"))
            .await;
        assert_eq!(list.status, StatusCode::OK, "{backend}: {}", list.text());
        let drafts = list.json()["drafts"].as_array().unwrap().clone();
        let ids: Vec<&str> = drafts
            .iter()
            .map(|d| d["draft"].as_str().unwrap())
            .collect();
        assert_eq!(
            ids,
            [
                "aims-scope",
                "ai-policy",
                "ai-risk-method",
                "ai-risk-register",
                "impact-assessment-support-assistant",
                "statement-of-applicability"
            ],
            "{backend}"
        );
        for draft in &drafts {
            let formats = draft["formats"].as_array().unwrap();
            let sheet = draft["draft"] == "ai-risk-register";
            assert_eq!(formats.len(), if sheet { 3 } else { 2 }, "{draft}");
            assert!(draft["decisions"].as_u64().unwrap() > 0, "{draft}");
            assert!(!draft["purpose"].as_str().unwrap().is_empty());
            assert!(!draft["approval"].as_str().unwrap().is_empty());
        }

        // Word, through the API and the page route: the same bytes, a zip package.
        let api = owner
            .get(
                &app,
                &format!("/api/v1/assessments/{id}/drafts/aims-scope/docx"),
            )
            .await;
        assert_eq!(api.status, StatusCode::OK, "{backend}: {}", api.text());
        assert_eq!(content_type(&api), WORD);
        assert!(api.bytes.starts_with(b"PK"));
        assert_eq!(
            disposition(&api),
            "attachment; filename=\"acme-cloud-2026-11-29-aims-scope.docx\""
        );
        let page = owner
            .get(&app, &format!("/assessments/{id}/drafts/aims-scope.docx"))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{backend}");
        assert_eq!(page.bytes, api.bytes, "{backend}");

        let markdown = owner
            .get(&app, &format!("/assessments/{id}/drafts/aims-scope.md"))
            .await;
        assert_eq!(markdown.status, StatusCode::OK);
        assert!(content_type(&markdown).starts_with("text/markdown"));
        assert!(
            markdown
                .text()
                .starts_with("# AIMS scope statement: Acme Cloud")
        );
        assert!(markdown.text().contains("\n## Sources\n"));

        let sheet = owner
            .get(
                &app,
                &format!("/assessments/{id}/drafts/ai-risk-register.xlsx"),
            )
            .await;
        assert_eq!(sheet.status, StatusCode::OK, "{backend}");
        assert_eq!(content_type(&sheet), SHEET);
        assert!(sheet.bytes.starts_with(b"PK"));
        assert!(disposition(&sheet).ends_with("-ai-risk-register.xlsx\""));

        // Only the register comes as a sheet; a draft the assessment lacks does not exist.
        let wrong = owner
            .get(
                &app,
                &format!("/api/v1/assessments/{id}/drafts/aims-scope/xlsx"),
            )
            .await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST, "{backend}");
        let missing = owner
            .get(
                &app,
                &format!("/api/v1/assessments/{id}/drafts/impact-assessment-nobody/md"),
            )
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{backend}");
        let missing = owner
            .get(&app, &format!("/assessments/{id}/drafts/no-such-draft.md"))
            .await;
        assert_eq!(missing.status, StatusCode::NOT_FOUND, "{backend}");

        // The tab: every draft, its purpose, the approval guidance and its downloads.
        let tab = owner.get(&app, &format!("/assessments/{id}/drafts")).await;
        assert_eq!(tab.status, StatusCode::OK, "{backend}");
        let html = tab.text();
        assert!(html.contains("aria-current=\"page\">Drafts</a>"), "{html}");
        assert_eq!(html.matches("Before approving:").count(), 6);
        for file in [
            "aims-scope.md",
            "aims-scope.docx",
            "ai-risk-register.xlsx",
            "impact-assessment-support-assistant.docx",
        ] {
            assert!(
                html.contains(&format!("href=\"/assessments/{id}/drafts/{file}\"")),
                "{file}"
            );
        }

        // A viewer reads the list, without downloads, and cannot download.
        let viewer = invite(&app, &owner, &org, "viewer", "Viewer").await;
        let tab = viewer.get(&app, &format!("/assessments/{id}/drafts")).await;
        assert_eq!(tab.status, StatusCode::OK, "{backend}");
        assert!(!tab.text().contains("/drafts/aims-scope.docx"));
        assert!(tab.text().contains("AIMS scope statement"));
        let denied = viewer
            .get(&app, &format!("/assessments/{id}/drafts/aims-scope.docx"))
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{backend}");
        let denied = viewer
            .get(
                &app,
                &format!("/api/v1/assessments/{id}/drafts/aims-scope/md"),
            )
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN, "{backend}");
    }
}
