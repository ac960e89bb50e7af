//! The reminders page in a real browser, at a desktop's width (1280 px) and a phone's (390 px):
//! a member switches the evidence reminders off, the page says it saved and shows the choice
//! kept, and on a server without mail it says that no reminder goes out. Nothing is wider than
//! the window. Screenshots go to `$AIMSGAP_SCREENS` (default `/tmp/screens`), named
//! `reminders-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints
//! a notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, browser, click, fits, main_text, screenshot, sign_in, sign_up, submit,
    tools, wait_for, wait_heading,
};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_reminders_page_saves_choices_at_desktop_and_phone_width() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "reminders-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());

    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Rita Reminded", "rita@example.test").await;
    desktop.goto(&format!("{base}/account")).await.unwrap();
    wait_heading(&desktop, "Your account").await;
    assert!(main_text(&desktop).await.contains("Reminders"));
    desktop
        .goto(&format!("{base}/account/notifications"))
        .await
        .unwrap();
    wait_heading(&desktop, "Reminders").await;
    let text = main_text(&desktop).await;
    assert!(
        text.contains("This server sends no mail"),
        "a server without mail says so: {text}"
    );
    let checked = |id: &'static str| {
        let desktop = desktop.clone();
        async move {
            desktop
                .find(Locator::Css(id))
                .await
                .unwrap()
                .is_selected()
                .await
                .unwrap()
        }
    };
    for id in ["#f-work", "#f-evidence", "#f-obligations"] {
        assert!(checked(id).await, "{id} is on until switched off");
    }
    click(&desktop, "#f-evidence").await;
    submit(&desktop, "/account/notifications", "Reminders").await;
    wait_for(&desktop, "//*[@id='done']").await;
    assert!(
        main_text(&desktop)
            .await
            .contains("Your reminders were saved")
    );
    assert!(checked("#f-work").await);
    assert!(!checked("#f-evidence").await, "the choice is kept");
    assert!(checked("#f-obligations").await);
    screenshot(&desktop, "reminders", DESKTOP).await;
    fits(&desktop, "reminders at 1280 px").await;

    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_in(&phone, &base, "rita@example.test").await;
    phone
        .goto(&format!("{base}/account/notifications"))
        .await
        .unwrap();
    wait_heading(&phone, "Reminders").await;
    let evidence_on = phone
        .find(Locator::Css("#f-evidence"))
        .await
        .unwrap()
        .is_selected()
        .await
        .unwrap();
    assert!(!evidence_on, "the choice holds in another session");
    screenshot(&phone, "reminders", PHONE).await;
    fits(&phone, "reminders at 390 px").await;

    for client in [desktop, phone] {
        client.close().await.unwrap();
    }
}
