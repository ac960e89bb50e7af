//! The workspace as a compliance lead uses it on a Monday morning, in a real browser, from
//! start to finish: an assessment created by form; an AI system added, then edited so that its
//! obligations change; an owner and a due date on a work package; the package marked done,
//! which changes no figure; the answer recorded with its evidence, which moves readiness on the
//! dashboard and adds a point to its chart; a comment; a viewer who sees all of it and can
//! change none of it; a user of another organisation who finds nothing.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints a
//! notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, Stack, browser, choose, click, click_to_new_page, fill, main_text, set_value, sign_up,
    submit, tools, wait_for, wait_heading,
};
use fantoccini::{Client, Locator};

/// The dashboard's readiness figure (percent) and the number of points on its chart.
async fn dashboard(client: &Client, base: &str, assessment: &str) -> (f64, u64) {
    client
        .goto(&format!("{base}{assessment}/dashboard"))
        .await
        .unwrap();
    wait_for(client, "//h2[contains(., 'Readiness')]").await;
    let readiness = client
        .find(Locator::Css(".dash-cards .card .big"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let points = client
        .execute(
            "return document.querySelectorAll('svg.dash-chart circle').length;",
            vec![],
        )
        .await
        .unwrap();
    (
        readiness.trim_end_matches('%').trim().parse().unwrap(),
        points.as_u64().unwrap(),
    )
}

async fn count(client: &Client, css: &str) -> usize {
    client.find_all(Locator::Css(css)).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_a_compliance_lead_builds_the_aims_and_a_viewer_follows() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "story-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());
    let lead = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&lead, &base, "Lena Lead", "lena@example.test").await;
    fill(&lead, "#f-name", "Acme Cloud").await;
    submit(&lead, "/orgs", "Acme Cloud").await;
    let org = lead.current_url().await.unwrap().path().to_string();

    // ---- an assessment by form, no YAML ----------------------------------------------------
    lead.goto(&format!("{base}{org}/assessments/new"))
        .await
        .unwrap();
    wait_heading(&lead, "New assessment").await;
    fill(&lead, "#f-name", "AIMS 2027").await;
    fill(&lead, "#f-org-name", "Acme Cloud").await;
    fill(&lead, "#f-employees", "180").await;
    click(&lead, "#f-jur-EU").await;
    choose(&lead, "#f-c0-framework", "iso27001").await;
    choose(&lead, "#f-c0-status", "certified").await;
    submit(&lead, &format!("{org}/assessments/new"), "AIMS 2027").await;
    let assessment = lead.current_url().await.unwrap().path().to_string();
    assert!(assessment.starts_with("/assessments/"), "{assessment}");

    // ---- an AI system added, then edited: its obligations change ----------------------------
    lead.goto(&format!("{base}{assessment}/systems/new"))
        .await
        .unwrap();
    wait_heading(&lead, "Add an AI system").await;
    fill(&lead, "#f-name", "Candidate ranking").await;
    choose(&lead, "#f-role", "provider").await;
    click(&lead, "#f-market-EU").await;
    click(&lead, "button[value=save]").await;
    wait_heading(&lead, "AI system inventory").await;
    let before = main_text(&lead).await;
    assert!(before.contains("Candidate ranking"), "{before}");
    assert!(!before.contains("high risk"), "{before}");
    lead.goto(&format!(
        "{base}{assessment}/systems/candidate-ranking/edit"
    ))
    .await
    .unwrap();
    wait_heading(&lead, "Edit the AI system").await;
    choose(&lead, "#f-annex-iii-point", "4(a)").await;
    click(&lead, "button[value=save]").await;
    wait_heading(&lead, "AI system inventory").await;
    let after = main_text(&lead).await;
    assert!(after.contains("EU AI Act: high risk"), "{after}");

    // ---- a first run on the chart --------------------------------------------------------------
    let (start, points) = dashboard(&lead, &base, &assessment).await;
    assert_eq!(points, 0);
    click_to_new_page(
        &lead,
        &format!("form[action='{assessment}/dashboard/runs'] button"),
    )
    .await;
    wait_for(&lead, "//h2[contains(., 'Readiness')]").await;
    assert_eq!(dashboard(&lead, &base, &assessment).await, (start, 1));

    // ---- the AI policy package: an owner, a due date, then done --------------------------------
    lead.goto(&format!("{base}{assessment}/packages/5.2"))
        .await
        .unwrap();
    wait_heading(&lead, "5.2").await;
    let me = lead
        .execute(
            "return Array.from(document.querySelectorAll('#f-work-owner option')).find(o => o.textContent.startsWith('Lena Lead')).value;",
            vec![],
        )
        .await
        .unwrap();
    choose(&lead, "#f-work-owner", me.as_str().unwrap()).await;
    set_value(
        &lead,
        "f-work-due",
        &aimsgap_store::today().add_days(5).to_string(),
    )
    .await;
    choose(&lead, "#f-work-state", "in_progress").await;
    submit(&lead, &format!("{assessment}/work"), "5.2").await;
    assert!(main_text(&lead).await.contains("Owner Lena Lead"));
    choose(&lead, "#f-work-state", "done").await;
    submit(&lead, &format!("{assessment}/work"), "5.2").await;
    let done = main_text(&lead).await;
    assert!(done.contains("changes no answer"), "{done}");
    // Done is a claim: no figure moves.
    assert_eq!(dashboard(&lead, &base, &assessment).await, (start, 1));

    // ---- the answer recorded with its evidence moves readiness and the chart -------------------
    lead.goto(&format!("{base}{assessment}/requirements/5.2"))
        .await
        .unwrap();
    wait_heading(&lead, "5.2").await;
    choose(&lead, "#f-status", "implemented").await;
    fill(&lead, "#f-ev0-ref", "AI policy v1, approved by the board").await;
    choose(&lead, "#f-ev0-kind", "approved_document").await;
    submit(&lead, &format!("{assessment}/requirements/5.2"), "5.2").await;
    let (moved, points) = dashboard(&lead, &base, &assessment).await;
    assert!(moved > start, "readiness {start} -> {moved}");
    assert_eq!(points, 1);
    click_to_new_page(
        &lead,
        &format!("form[action='{assessment}/dashboard/runs'] button"),
    )
    .await;
    wait_for(&lead, "//h2[contains(., 'Readiness')]").await;
    assert_eq!(dashboard(&lead, &base, &assessment).await, (moved, 2));

    // ---- a comment ----------------------------------------------------------------------------
    lead.goto(&format!("{base}{assessment}/requirements/5.2"))
        .await
        .unwrap();
    wait_heading(&lead, "5.2").await;
    fill(&lead, "#f-body", "Board approval minutes are filed.").await;
    submit(&lead, &format!("{assessment}/comments"), "5.2").await;
    assert!(
        main_text(&lead)
            .await
            .contains("Board approval minutes are filed.")
    );

    // ---- a viewer sees it all and changes nothing ---------------------------------------------
    lead.goto(&format!("{base}{org}")).await.unwrap();
    wait_heading(&lead, "Acme Cloud").await;
    choose(&lead, "#f-role", "viewer").await;
    click(
        &lead,
        &format!("form[action='{org}/invitations'] button[type=submit]"),
    )
    .await;
    wait_for(&lead, "//div[contains(@class,'notice')]//code").await;
    let link = lead
        .find(Locator::Css(".notice code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let viewer = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&viewer, &base, "Vic Viewer", "vic@example.test").await;
    viewer.goto(&link).await.unwrap();
    wait_for(&viewer, "//h1").await;
    let accept = link.trim_start_matches(&base).to_string();
    submit(&viewer, &accept, "Acme Cloud").await;
    assert_eq!(dashboard(&viewer, &base, &assessment).await, (moved, 2));
    assert_eq!(count(&viewer, "form[action$='/dashboard/runs']").await, 0);
    for (page, shows) in [
        ("packages/5.2", "Owner Lena Lead"),
        ("requirements/5.2", "Board approval minutes are filed."),
    ] {
        viewer
            .goto(&format!("{base}{assessment}/{page}"))
            .await
            .unwrap();
        wait_heading(&viewer, "5.2").await;
        let text = main_text(&viewer).await;
        assert!(text.contains(shows), "{page}: {text}");
        assert!(
            text.contains("Only owners and editors set owners, dates and states, and comment"),
            "{page}: {text}"
        );
        assert_eq!(
            count(&viewer, "form[method=post][action*='/assessments/']").await,
            0,
            "{page}"
        );
    }

    // ---- someone of another organisation finds nothing ----------------------------------------
    let outsider = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&outsider, &base, "Otto Other", "otto@example.test").await;
    for page in [
        "dashboard",
        "register",
        "packages/5.2",
        "systems/candidate-ranking/edit",
        "profile",
        "drafts",
    ] {
        outsider
            .goto(&format!("{base}{assessment}/{page}"))
            .await
            .unwrap();
        wait_heading(&outsider, "Not found").await;
    }
    lead.close().await.unwrap();
    viewer.close().await.unwrap();
    outsider.close().await.unwrap();
}
