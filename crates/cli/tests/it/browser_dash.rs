//! The dashboard and the gap register in a real browser, at a desktop's width (1280 x 900) and
//! a phone's (390 x 844): the organisation's page leads to the dashboard, a run is recorded
//! with its button and appears on the chart, the dashboard's essentials fit one desktop
//! screen, and the register is filtered with its plain form. Nothing is wider than the window.
//! The screenshots go to `$AIMSGAP_SCREENS` (default `/tmp/screens`), named `dash-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints a
//! notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, browser, choose, click, click_to_new_page, screenshot, sign_in, sign_up,
    submit, tools, wait_for, wait_heading, workspace,
};
use fantoccini::Client;

/// The hiring example: two AI systems under the EU AI Act and the Colorado laws.
const HIRING: &str = include_str!("../../../../examples/hrtech-cv-screening-soc2.yaml");

/// (document width, window width, bottom of the dashboard's columns, window height), in CSS
/// pixels.
async fn geometry(client: &Client) -> (f64, f64, f64, f64) {
    let value = client
        .execute(
            "const d = document.querySelector('.dash'); return [document.documentElement.scrollWidth, window.innerWidth, d ? d.getBoundingClientRect().bottom + window.scrollY : 0, window.innerHeight];",
            vec![],
        )
        .await
        .unwrap();
    let n = |i: usize| value[i].as_f64().unwrap();
    (n(0), n(1), n(2), n(3))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_dashboard_and_gap_register_at_desktop_and_phone_width() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "dash-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());

    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Dana Dash", "dana@example.test").await;
    let (org, assessment) = workspace(&desktop, "Hirewell Analytics", HIRING).await;

    // The organisation's page links the assessment to its dashboard.
    desktop.goto(&format!("{base}{org}")).await.unwrap();
    wait_heading(&desktop, "Hirewell Analytics").await;
    click(&desktop, &format!("a[href='{assessment}/dashboard']")).await;
    wait_for(&desktop, "//h2[contains(., 'Readiness')]").await;
    assert!(desktop.source().await.unwrap().contains("No run saved yet"));
    // Two runs recorded with the button: two points on the chart.
    for _ in 0..2 {
        click_to_new_page(
            &desktop,
            &format!("form[action='{assessment}/dashboard/runs'] button"),
        )
        .await;
        wait_for(&desktop, "//h2[contains(., 'Readiness')]").await;
    }
    let points = desktop
        .execute(
            "return document.querySelectorAll('svg.dash-chart circle').length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(points.as_u64(), Some(2));

    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_in(&phone, &base, "dana@example.test").await;

    for (client, size, name) in [(&desktop, DESKTOP, "desktop"), (&phone, PHONE, "phone")] {
        client
            .goto(&format!("{base}{assessment}/dashboard"))
            .await
            .unwrap();
        wait_heading(client, "2026").await;
        screenshot(client, &format!("dash-dashboard-{name}"), size).await;
        let (page, window, bottom, height) = geometry(client).await;
        assert!(
            page <= window,
            "dashboard at {name}: {page} px in {window} px"
        );
        if size == DESKTOP {
            assert!(
                bottom <= height,
                "the dashboard fits one desktop screen: it ends at {bottom} px of {height} px"
            );
        }

        client
            .goto(&format!("{base}{assessment}/register"))
            .await
            .unwrap();
        wait_heading(client, "Gap register").await;
        screenshot(client, &format!("dash-register-{name}"), size).await;
        let all = client
            .execute(
                "return document.querySelectorAll('table.stacked tbody tr').length;",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap();
        // Filtered with the plain form: blockers only, by id.
        choose(client, "#f-blocker", "yes").await;
        choose(client, "#f-sort", "id").await;
        submit(client, &format!("{assessment}/register"), "Gap register").await;
        let url = client.current_url().await.unwrap();
        assert!(url.query().unwrap_or("").contains("blocker=yes"), "{url}");
        let blockers = client
            .execute(
                "return document.querySelectorAll('table.stacked tbody tr').length;",
                vec![],
            )
            .await
            .unwrap()
            .as_u64()
            .unwrap();
        assert!(blockers > 0 && blockers < all, "{blockers} of {all}");
        screenshot(client, &format!("dash-register-blockers-{name}"), size).await;
        let (page, window, _, _) = geometry(client).await;
        assert!(
            page <= window,
            "register at {name}: {page} px in {window} px"
        );
    }
    desktop.close().await.unwrap();
    phone.close().await.unwrap();
}
