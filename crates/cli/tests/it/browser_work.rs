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
    DESKTOP, PHONE, Stack, browser, choose, fill, fits, main_text, screenshot, set_value, sign_in,
    sign_up, submit, tools, wait_heading, workspace,
};

const EXAMPLE: &str = include_str!("../../../../examples/saas-chatbot-iso27001.yaml");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_work_owner_due_date_state_and_comments() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "work-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());

    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Wanda Work", "wanda@example.test").await;
    let (_, assessment) = workspace(&desktop, "Acme Cloud", EXAMPLE).await;

    // An owner from outside and a due date, in progress.
    let page = format!("{base}{assessment}/requirements/5.2");
    desktop.goto(&page).await.unwrap();
    wait_heading(&desktop, "5.2").await;
    choose(&desktop, "#f-work-owner", "outsider").await;
    fill(&desktop, "#f-work-owner-name", "Jane Doe (consultant)").await;
    set_value(&desktop, "f-work-due", "2027-01-15").await;
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
    set_value(
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
    sign_in(&phone, &base, "wanda@example.test").await;
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
