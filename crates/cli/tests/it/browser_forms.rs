//! The assessment forms in a real browser: an assessment created by form, an AI system added,
//! previewed (its obligations shown, nothing saved) and saved, and the AI-system form looked at
//! a desktop's width (1280 px) and a phone's (390 px), nothing wider than the window. The
//! screenshots go to `$AIMSGAP_SCREENS` (default `/tmp/screens`), named `forms-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints a
//! notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, browser, choose, click, fill, fits, main_text, screenshot, sign_in,
    sign_up, submit, tools, wait_for, wait_heading,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_forms_create_an_assessment_and_add_preview_and_save_an_ai_system() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "forms-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());

    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Fiona Former", "fiona@example.test").await;
    fill(&desktop, "#f-name", "Hirewell Analytics").await;
    submit(&desktop, "/orgs", "Hirewell Analytics").await;
    let org = desktop.current_url().await.unwrap().path().to_string();

    // ---- a new assessment by form -------------------------------------------------------
    desktop
        .goto(&format!("{base}{org}/assessments/new"))
        .await
        .unwrap();
    wait_heading(&desktop, "New assessment").await;
    fill(&desktop, "#f-name", "AIMS gap 2027").await;
    fill(&desktop, "#f-org-name", "Hirewell Analytics").await;
    fill(&desktop, "#f-employees", "120").await;
    choose(&desktop, "#f-sector", "hr_technology").await;
    click(&desktop, "#f-jur-EU").await;
    click(&desktop, "#f-jur-US-CO").await;
    choose(&desktop, "#f-c0-framework", "soc2").await;
    choose(&desktop, "#f-c0-status", "attested").await;
    choose(&desktop, "#f-c0-report", "type2").await;
    screenshot(&desktop, "forms-new-assessment", DESKTOP).await;
    fits(&desktop, "new assessment at 1280 px").await;
    submit(&desktop, &format!("{org}/assessments/new"), "AIMS gap 2027").await;
    let assessment = desktop.current_url().await.unwrap().path().to_string();
    assert!(assessment.starts_with("/assessments/"), "{assessment}");

    // ---- an AI system: added, previewed, saved ------------------------------------------
    desktop
        .goto(&format!("{base}{assessment}/systems"))
        .await
        .unwrap();
    wait_heading(&desktop, "AI system inventory").await;
    click(&desktop, "a[href$='/systems/new']").await;
    wait_heading(&desktop, "Add an AI system").await;
    fill(&desktop, "#f-name", "CV screening").await;
    fill(
        &desktop,
        "#f-description",
        "Ranks applications for open roles.",
    )
    .await;
    choose(&desktop, "#f-role", "provider").await;
    click(&desktop, "#f-market-EU").await;
    click(&desktop, "#f-market-US-CO").await;
    choose(&desktop, "#f-annex-iii-point", "4(a)").await;
    click(&desktop, "#f-decision-employment").await;
    click(&desktop, "button[value=preview]").await;
    wait_for(&desktop, "//h2[contains(., 'Preview: not saved')]").await;
    let previewed = main_text(&desktop).await;
    assert!(
        previewed.contains("CV screening under EU AI Act") && previewed.contains("high risk"),
        "{previewed}"
    );
    desktop
        .execute(
            "document.getElementById('preview-heading').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&desktop, "forms-system-preview", DESKTOP).await;
    fits(&desktop, "AI-system preview at 1280 px").await;
    desktop
        .execute("window.scrollTo(0, 0);", vec![])
        .await
        .unwrap();
    screenshot(&desktop, "forms-system", DESKTOP).await;
    click(&desktop, "button[value=save]").await;
    wait_heading(&desktop, "AI system inventory").await;
    let listed = main_text(&desktop).await;
    assert!(listed.contains("CV screening"), "{listed}");
    assert!(listed.contains("EU AI Act: high risk"), "{listed}");

    // ---- the same form on a phone --------------------------------------------------------
    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_in(&phone, &base, "fiona@example.test").await;
    phone
        .goto(&format!("{base}{assessment}/systems/cv-screening/edit"))
        .await
        .unwrap();
    wait_heading(&phone, "Edit the AI system").await;
    screenshot(&phone, "forms-system", PHONE).await;
    fits(&phone, "AI-system form at 390 px").await;
    click(&phone, "button[value=preview]").await;
    wait_for(&phone, "//h2[contains(., 'Preview: not saved')]").await;
    fits(&phone, "AI-system preview at 390 px").await;
    phone
        .execute(
            "document.getElementById('preview-heading').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&phone, "forms-system-preview", PHONE).await;
    phone
        .goto(&format!("{base}{assessment}/profile"))
        .await
        .unwrap();
    wait_heading(&phone, "Profile and certifications").await;
    screenshot(&phone, "forms-profile", PHONE).await;
    fits(&phone, "profile at 390 px").await;
}
