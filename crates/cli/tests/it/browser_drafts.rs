//! The Drafts tab in a real browser, at a desktop's width (1280 px) and a phone's (390 px):
//! every draft is listed with its guidance, nothing is wider than the window, and the Word
//! download the page links to arrives as a Word document. The screenshots go to
//! `$AIMSGAP_SCREENS` (default `/tmp/screens`), named `drafts-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints
//! a notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, browser, main_text, raw, screenshot, sign_in, sign_up, tools,
    wait_heading, widths, workspace,
};
use fantoccini::Locator;

const HIRING: &str = include_str!("../../../../examples/hrtech-cv-screening-soc2.yaml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_drafts_tab_reads_at_desktop_and_phone_width_and_downloads_word() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "drafts-db");
    let (address, driver, base) = (
        stack.address.clone(),
        stack.driver.clone(),
        stack.base.clone(),
    );

    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Dana Drafter", "dana@example.test").await;
    let (_, assessment) = workspace(&desktop, "Hirewell Analytics", HIRING).await;

    // The tab is reached from the assessment's tabs, without script.
    desktop
        .find(Locator::LinkText("Drafts"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_heading(&desktop, "Drafts").await;
    let text = main_text(&desktop).await;
    for needle in [
        "AIMS scope statement",
        "AI risk register",
        "AI system impact assessment: CV screening and ranking",
        "Statement of Applicability",
        "Before approving:",
    ] {
        assert!(text.contains(needle), "the tab lacks {needle:?}:\n{text}");
    }

    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_in(&phone, &base, "dana@example.test").await;
    for (client, size) in [(&desktop, DESKTOP), (&phone, PHONE)] {
        client
            .goto(&format!("{base}{assessment}/drafts"))
            .await
            .unwrap();
        wait_heading(client, "Drafts").await;
        screenshot(client, "drafts", size).await;
        let (page, window) = widths(client).await;
        assert!(
            page <= window,
            "drafts at {} px: the page is {page} px wide in a {window} px window",
            size.0
        );
        client
            .execute(
                "document.querySelector('a[href$=\"ai-risk-register.xlsx\"]').scrollIntoView();",
                vec![],
            )
            .await
            .unwrap();
        screenshot(client, "drafts-register", size).await;
    }

    // The Word link the page gives downloads a Word document, with the browser's session.
    let href = desktop
        .find(Locator::Css("a[href$='/drafts/aims-scope.docx']"))
        .await
        .unwrap()
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let session = desktop
        .get_all_cookies()
        .await
        .unwrap()
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect::<Vec<_>>()
        .join("; ");
    let path = href.trim_start_matches(&base).to_string();
    let (status, head, _) = raw(&address, "GET", &path, &session, "");
    assert_eq!(status, 200, "{head}");
    assert!(
        head.contains("wordprocessingml.document"),
        "a Word document: {head}"
    );
    assert!(
        head.contains("hirewell-analytics-2026-11-29-aims-scope.docx"),
        "named for the organisation, the date and the draft: {head}"
    );
}

/// `aimsgap artefacts --docx` writes each draft as Markdown and as Word, and the risk
/// register as a spreadsheet; without the flag, Markdown only, as before.
#[test]
fn artefacts_docx_writes_word_documents_and_the_register_sheet() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let example = root.join("examples/hrtech-cv-screening-soc2.yaml");
    let run = |out: &std::path::Path, docx: bool| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_aimsgap"));
        command.args([
            "artefacts",
            example.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ]);
        if docx {
            command.arg("--docx");
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let mut names: Vec<String> = std::fs::read_dir(out)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let plain = crate::browser::temp_dir("artefacts-md");
    let markdown = run(&plain, false);
    assert!(
        markdown.iter().all(|name| name.ends_with(".md")),
        "{markdown:?}"
    );
    let word = crate::browser::temp_dir("artefacts-docx");
    let names = run(&word, true);
    for name in &markdown {
        let docx = name.replace(".md", ".docx");
        assert!(names.contains(name) && names.contains(&docx), "{names:?}");
        let bytes = std::fs::read(word.join(&docx)).unwrap();
        assert!(bytes.starts_with(b"PK"), "{docx} is a zip package");
    }
    assert!(
        names.contains(&"ai-risk-register.xlsx".to_string()),
        "{names:?}"
    );
    assert_eq!(names.len(), markdown.len() * 2 + 1);
}
