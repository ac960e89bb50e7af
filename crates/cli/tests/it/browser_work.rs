//! Work management in a real browser, without any script of the app's own: an owner from
//! outside and a due date set on a requirement, a comment added, the requirement marked done
//! (which points at its answer form), a member made owner of a work package due this week and
//! found on "My work". Screenshots of the requirement's work panel, a work
//! package's page and "My work" at a desktop's width (1280 px) and a phone's (390 px) go to
//! `$AIMSGAP_SCREENS` (default `/tmp/screens`), named `work-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints
//! a notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, browser, choose, fill, main_text, screenshot, submit, tools,
    wait_heading,
};
use fantoccini::Client;

const EXAMPLE: &str = include_str!("../../../../examples/saas-chatbot-iso27001.yaml");

/// The page is no wider than the window: (document, window) in CSS pixels.
async fn fits(client: &Client, what: &str) {
    let value = client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    let (page, window) = (value[0].as_f64().unwrap(), value[1].as_f64().unwrap());
    assert!(
        page <= window,
        "{what}: {page} px wide in a {window} px window"
    );
}

/// Sets a form field's value at once (a date input takes keys in the browser's locale).
async fn set(client: &Client, id: &str, value: &str) {
    client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![serde_json::json!(id), serde_json::json!(value)],
        )
        .await
        .unwrap();
}

async fn sign_up(client: &Client, base: &str, name: &str, email: &str) {
    client.goto(&format!("{base}/signup")).await.unwrap();
    wait_heading(client, "Create an account").await;
    fill(client, "#f-name", name).await;
    fill(client, "#f-email", email).await;
    fill(client, "#f-password", "correct horse battery").await;
    submit(client, "/signup", "Your organisations").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_work_owner_due_date_state_and_comments() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "work-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());

    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Wanda Work", "wanda@example.test").await;
    fill(&desktop, "#f-name", "Acme Cloud").await;
    submit(&desktop, "/orgs", "Acme Cloud").await;
    let org = desktop.current_url().await.unwrap().path().to_string();
    let import = format!("{org}/assessments");
    fill(
        &desktop,
        &format!("form[action='{import}'] #f-name"),
        "2026",
    )
    .await;
    set(&desktop, "f-content", EXAMPLE).await;
    submit(&desktop, &import, "2026").await;
    let assessment = desktop.current_url().await.unwrap().path().to_string();
    assert!(assessment.starts_with("/assessments/"), "{assessment}");

    // An owner from outside and a due date, in progress.
    let page = format!("{base}{assessment}/requirements/5.2");
    desktop.goto(&page).await.unwrap();
    wait_heading(&desktop, "5.2").await;
    choose(&desktop, "#f-work-owner", "outsider").await;
    fill(&desktop, "#f-work-owner-name", "Jane Doe (consultant)").await;
    set(&desktop, "f-work-due", "2027-01-15").await;
    choose(&desktop, "#f-work-state", "in_progress").await;
    submit(&desktop, &format!("{assessment}/work"), "5.2").await;
    let text = main_text(&desktop).await;
    assert!(
        text.contains("Owner Jane Doe (consultant) · due 2027-01-15 · in progress"),
        "{text}"
    );

    // A comment, then its edit.
    fill(&desktop, "#f-body", "The draft policy is with legal.").await;
    submit(&desktop, &format!("{assessment}/comments"), "5.2").await;
    let text = main_text(&desktop).await;
    assert!(text.contains("The draft policy is with legal."), "{text}");

    // Done points at the answer form on the same page.
    choose(&desktop, "#f-work-state", "done").await;
    submit(&desktop, &format!("{assessment}/work"), "5.2").await;
    let text = main_text(&desktop).await;
    assert!(text.contains("Marked done."), "{text}");
    assert!(text.contains("changes no answer"), "{text}");

    // The member as owner of a work package due soon.
    let package = format!("{base}{assessment}/packages/6.1.2");
    desktop.goto(&package).await.unwrap();
    wait_heading(&desktop, "6.1.2").await;
    let me = desktop
        .execute(
            "return Array.from(document.querySelectorAll('#f-work-owner option')).find(o => o.textContent.startsWith('Wanda Work')).value;",
            vec![],
        )
        .await
        .unwrap();
    choose(&desktop, "#f-work-owner", me.as_str().unwrap()).await;
    set(
        &desktop,
        "f-work-due",
        &aimsgap_store::today().add_days(3).to_string(),
    )
    .await;
    submit(&desktop, &format!("{assessment}/work"), "6.1.2").await;
    assert!(main_text(&desktop).await.contains("Owner Wanda Work"));
    desktop.goto(&format!("{base}/me/work")).await.unwrap();
    wait_heading(&desktop, "My work").await;
    let text = main_text(&desktop).await;
    let this_week = &text[text.find("Due this week").unwrap()..];
    assert!(this_week.contains("Work package 6.1.2"), "{text}");

    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    phone.goto(&format!("{base}/signin")).await.unwrap();
    wait_heading(&phone, "Sign in").await;
    fill(&phone, "#f-email", "wanda@example.test").await;
    fill(&phone, "#f-password", "correct horse battery").await;
    submit(&phone, "/signin", "Your organisations").await;
    for (client, size) in [(&desktop, DESKTOP), (&phone, PHONE)] {
        for (url, heading, name) in [
            (format!("{page}#work"), "5.2", "work-requirement"),
            (format!("{page}#comments"), "5.2", "work-comments"),
            (package.clone(), "6.1.2", "work-package"),
            (format!("{base}/me/work"), "My work", "work-mine"),
            (
                format!("{base}{assessment}/roadmap"),
                "Roadmap",
                "work-roadmap",
            ),
        ] {
            client.goto(&url).await.unwrap();
            wait_heading(client, heading).await;
            screenshot(client, name, size).await;
            fits(client, &format!("{name} at {} px", size.0)).await;
        }
    }
    desktop.close().await.unwrap();
    phone.close().await.unwrap();
}
