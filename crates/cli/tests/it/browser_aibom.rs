//! The AI-BOM import in a real browser, at a desktop's width (1280 px) and a phone's (390 px):
//! from the AI-systems tab, upload one of the CycloneDX project's ML-BOM files, see the draft
//! with the questions the BOM cannot answer, answer the role, add it, and find it in the
//! inventory; a malformed BOM shows where it is wrong. The screenshots go to
//! `$AIMSGAP_SCREENS` (default `/tmp/screens`), named `aibom-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints
//! a notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, attach, browser, choose, click, fits, main_text, screenshot, sign_in,
    sign_up, submit, temp_dir, tools, wait_heading, workspace,
};
use fantoccini::Locator;

const CHATBOT: &str = include_str!("../../../../examples/saas-chatbot-iso27001.yaml");

fn fixture() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../aibom/tests/data/valid-machine-learning-1.6.json");
    std::fs::canonicalize(path)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

async fn upload(client: &fantoccini::Client, base: &str, assessment: &str, file: &str) {
    client
        .goto(&format!("{base}{assessment}/systems"))
        .await
        .unwrap();
    wait_heading(client, "AI system inventory").await;
    client
        .find(Locator::LinkText("Import from an AI-BOM"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_heading(client, "Import AI systems from an AI-BOM").await;
    attach(
        client,
        "input[type=file][name=bom]",
        std::path::Path::new(file),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_aibom_upload_confirms_drafts_at_desktop_and_phone_width() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "aibom-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());

    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Ada Inventory", "ada@example.test").await;
    let (_, assessment) = workspace(&desktop, "Acme Cloud", CHATBOT).await;
    let action = format!("{assessment}/systems/import-aibom");
    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_in(&phone, &base, "ada@example.test").await;

    // A malformed BOM: the form again, with where the BOM is wrong.
    let dir = temp_dir("aibom-browser");
    let bad = dir.join("bad.cdx.json");
    std::fs::write(
        &bad,
        "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.2\"\n}\n",
    )
    .unwrap();
    upload(&desktop, &base, &assessment, &bad.to_string_lossy()).await;
    submit(&desktop, &action, "Import AI systems from an AI-BOM").await;
    let text = main_text(&desktop).await;
    assert!(
        text.contains("line 3") && text.contains("`1.2`"),
        "no located error:\n{text}"
    );
    screenshot(&desktop, "aibom-bad", DESKTOP).await;

    for (client, size) in [(&phone, PHONE), (&desktop, DESKTOP)] {
        upload(client, &base, &assessment, &fixture()).await;
        screenshot(client, "aibom-upload", size).await;
        fits(client, &format!("the upload form at {} px", size.0)).await;
        submit(client, &action, "Add AI systems from the AI-BOM").await;
        let text = main_text(client).await;
        for needle in [
            "CompVis/stable-diffusion 1.4",
            "Your role for it",
            "Annex III area",
            "Is it a general-purpose AI model?",
        ] {
            assert!(text.contains(needle), "the drafts lack {needle:?}:\n{text}");
        }
        screenshot(client, "aibom-confirm", size).await;
        fits(client, &format!("the confirmation at {} px", size.0)).await;
    }

    // The desktop confirms with a role: the system is in the inventory.
    choose(&desktop, "select[name='s0.role']", "deployer").await;
    click(&desktop, "input[name='s0.market'][value='EU']").await;
    submit(
        &desktop,
        &format!("{action}/confirm"),
        "AI system inventory",
    )
    .await;
    let text = main_text(&desktop).await;
    assert!(
        text.contains("CompVis/stable-diffusion 1.4"),
        "not in the inventory:\n{text}"
    );
    screenshot(&desktop, "aibom-added", DESKTOP).await;
}
