//! The result pages in a real browser, at a desktop's width (1280 px) and a phone's (390 px):
//! the quick result, and a stored assessment's overview, AI systems and roadmap. On every page
//! nothing is wider than the window, and each obligation's state stays inside it. The
//! screenshots go to `$AIMSGAP_SCREENS` (default `/tmp/screens`), named `result-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser test: without them it prints
//! a notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, browser, screenshot, sign_in, sign_up, submit, tools, wait_heading,
    widths, workspace,
};
use fantoccini::Client;

/// The hiring example: two AI systems under the EU AI Act and the Colorado laws, with
/// obligations overdue, upcoming, in force and stayed on its as-of date.
const HIRING: &str = include_str!("../../../../examples/hrtech-cv-screening-soc2.yaml");

/// Where the state cells of the obligations sit: (left, right) of each, and the window width.
async fn state_cells(client: &Client) -> (Vec<(f64, f64)>, f64) {
    let value = client
        .execute(
            "return [Array.from(document.querySelectorAll('table.obligations td[data-label=State]')).map(c => { const r = c.getBoundingClientRect(); return [r.left, r.right]; }), window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let cells = value[0]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| (pair[0].as_f64().unwrap(), pair[1].as_f64().unwrap()))
        .collect();
    (cells, value[1].as_f64().unwrap())
}

/// The page fits the window, and so do the state cells of its obligations (at least `min`).
async fn reads_in_the_window(client: &Client, what: &str, min: usize) {
    let (page, window) = widths(client).await;
    assert!(
        page <= window,
        "{what}: the page is {page} px wide in a {window} px window"
    );
    let (cells, window) = state_cells(client).await;
    assert!(cells.len() >= min, "{what}: {} state cells", cells.len());
    for (left, right) in cells {
        assert!(
            left >= 0.0 && right <= window,
            "{what}: a state cell at {left}..{right} px in a {window} px window"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_result_pages_read_at_desktop_and_phone_width() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "result-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());

    // ---- a workspace holding the hiring example -----------------------------------------
    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Rita Reader", "rita@example.test").await;
    let (_, assessment) = workspace(&desktop, "Hirewell Analytics", HIRING).await;

    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_in(&phone, &base, "rita@example.test").await;

    for (client, size) in [(&desktop, DESKTOP), (&phone, PHONE)] {
        for (path, heading, name, states) in [
            ("", "2026", "result-overview", 5),
            ("/systems", "AI system inventory", "result-systems", 5),
            ("/roadmap", "Roadmap to certification", "result-roadmap", 0),
        ] {
            client
                .goto(&format!("{base}{assessment}{path}"))
                .await
                .unwrap();
            wait_heading(client, heading).await;
            screenshot(client, name, size).await;
            reads_in_the_window(client, &format!("{name} at {} px", size.0), states).await;
        }
        // The obligations themselves, scrolled into view.
        client
            .goto(&format!("{base}{assessment}#obligations"))
            .await
            .unwrap();
        wait_heading(client, "2026").await;
        screenshot(client, "result-obligations", size).await;
        for (css, name) in [
            ("table.obligations", "result-obligations-table"),
            ("#gaps", "result-gaps"),
        ] {
            client
                .execute(
                    "document.querySelector(arguments[0]).scrollIntoView();",
                    vec![serde_json::json!(css)],
                )
                .await
                .unwrap();
            screenshot(client, name, size).await;
        }
    }

    // ---- the quick result ---------------------------------------------------------------
    for (client, size) in [(&desktop, DESKTOP), (&phone, PHONE)] {
        client
            .goto(&format!(
                "{base}/quick/questions?org_name=Acme+Cloud&size=150&team=2&jur=EU&iso=certified&soc2=no&scope_ai=no&scope_shown=1&n=1&s1_name=CV+screening&s1_role=deployer&s1_does=people&s1_annex3=employment"
            ))
            .await
            .unwrap();
        wait_heading(client, "Key questions").await;
        // "Yes" to every question.
        client
            .execute(
                "document.querySelectorAll('input[type=radio][value=yes]').forEach(r => { r.checked = true; });",
                vec![],
            )
            .await
            .unwrap();
        submit(client, "/quick/result", "Your ISO/IEC 42001 readiness").await;
        screenshot(client, "result-quick", size).await;
        let what = format!("quick result at {} px", size.0);
        reads_in_the_window(client, &what, 1).await;
        // The declared figure with the evidenced one beside it, both in the window, and
        // what to attach.
        let figures = client
            .execute(
                "return ['declared-figure', 'evidenced-figure'].map(id => { const e = document.getElementById(id); const r = e.getBoundingClientRect(); return [Number(e.textContent), r.left, r.right, r.top]; }).concat([[document.querySelectorAll('ol#to-attach > li').length, window.innerWidth]]);",
                vec![],
            )
            .await
            .unwrap();
        let number = |i: usize, j: usize| figures[i][j].as_f64().unwrap();
        let (declared, evidenced) = (number(0, 0), number(1, 0));
        assert!(
            declared > evidenced,
            "{what}: Yes everywhere claims more ({declared}) than evidence backs ({evidenced})"
        );
        let window = number(2, 1);
        for i in 0..2 {
            assert!(
                number(i, 1) >= 0.0 && number(i, 2) <= window,
                "{what}: figure {i} in the window"
            );
        }
        assert!(
            (number(0, 3) - number(1, 3)).abs() < 1.0,
            "{what}: the two figures side by side"
        );
        assert!(number(2, 0) >= 1.0, "{what}: something to attach");
        client
            .execute(
                "document.getElementById('attach').scrollIntoView();",
                vec![],
            )
            .await
            .unwrap();
        screenshot(client, "result-quick-attach", size).await;
    }

    for client in [desktop, phone] {
        client.close().await.unwrap();
    }
}
