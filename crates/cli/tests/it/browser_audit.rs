//! The audit log page in a real browser, at a desktop's width (1280 px) and a phone's
//! (390 px): an owner signs in (once with a wrong password), makes an organisation, invites
//! and makes a token, then reads the log with the events, filters it by kind, and sees a bad
//! date refused at its field. Nothing is wider than the window. Screenshots go to
//! `$AIMSGAP_SCREENS` (default `/tmp/screens`), named `audit-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints
//! a notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, browser, choose, fill, fits, main_text, screenshot, sign_in, sign_up,
    submit, tools, wait_heading,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_audit_log_at_desktop_and_phone_width() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "audit-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());

    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Olga Owner", "olga@example.test").await;
    fill(&desktop, "#f-name", "Northwind Health").await;
    submit(&desktop, "/orgs", "Northwind Health").await;
    let org = desktop.current_url().await.unwrap().path().to_string();
    choose(&desktop, "#f-role", "auditor").await;
    submit(&desktop, &format!("{org}/invitations"), "Northwind Health").await;
    desktop.goto(&format!("{base}/account")).await.unwrap();
    wait_heading(&desktop, "Your account").await;
    fill(&desktop, "#f-name", "CI pipeline").await;
    submit(&desktop, "/account/tokens", "Your account").await;

    // A wrong password on the phone, then the right one.
    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    phone.goto(&format!("{base}/signin")).await.unwrap();
    wait_heading(&phone, "Sign in").await;
    fill(&phone, "#f-email", "olga@example.test").await;
    fill(&phone, "#f-password", "not my password").await;
    submit(&phone, "/signin", "Sign in").await;
    sign_in(&phone, &base, "olga@example.test").await;

    // The organisation page links to the log.
    desktop.goto(&format!("{base}{org}")).await.unwrap();
    wait_heading(&desktop, "Northwind Health").await;
    assert!(main_text(&desktop).await.contains("Audit log"));
    desktop.goto(&format!("{base}{org}/audit")).await.unwrap();
    wait_heading(&desktop, "Audit log").await;
    let text = main_text(&desktop).await;
    for seen in [
        "sign-in failed",
        "signed in",
        "invitation created",
        "API token created",
        "account created",
        "olga@example.test",
        "Olga Owner",
        "127.0.0.1",
    ] {
        assert!(text.contains(seen), "{seen}: {text}");
    }
    assert!(!text.contains("not my password"));
    screenshot(&desktop, "audit-log", DESKTOP).await;
    fits(&desktop, "audit log at 1280 px").await;

    phone.goto(&format!("{base}{org}/audit")).await.unwrap();
    wait_heading(&phone, "Audit log").await;
    screenshot(&phone, "audit-log", PHONE).await;
    fits(&phone, "audit log at 390 px").await;

    // Filtered by kind.
    desktop
        .goto(&format!("{base}{org}/audit?event=sign_in.failed"))
        .await
        .unwrap();
    wait_heading(&desktop, "Audit log").await;
    let text = main_text(&desktop).await;
    // The events, after the filter form (whose kinds name every event).
    let events = text
        .split("Download as JSON lines")
        .nth(1)
        .unwrap_or_default();
    assert!(
        events.contains("sign-in failed") && !events.contains("API token created"),
        "{text}"
    );
    // A bad date, refused at its field.
    phone
        .goto(&format!("{base}{org}/audit?from=2026-02-31"))
        .await
        .unwrap();
    wait_heading(&phone, "Audit log").await;
    let text = main_text(&phone).await;
    assert!(
        text.contains("From: \"2026-02-31\" is not a date YYYY-MM-DD."),
        "{text}"
    );
    screenshot(&phone, "audit-refused", PHONE).await;
    fits(&phone, "refused filter at 390 px").await;

    for client in [desktop, phone] {
        client.close().await.unwrap();
    }
}
