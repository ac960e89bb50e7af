//! Members and the account in a real browser, at a desktop's width (1280 px) and a phone's
//! (390 px): an owner invites, the invited person sees the organisation and the role before
//! joining, the owner changes the new member's role on the organisation page, and the account
//! page changes the password and makes an API token shown once. On every page nothing is
//! wider than the window. Screenshots go to `$AIMSGAP_SCREENS` (default `/tmp/screens`),
//! named `people-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints
//! a notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, browser, choose, fill, fits, main_text, screenshot, sign_in, sign_up,
    submit, tools, wait_heading,
};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_members_invitation_and_account_at_desktop_and_phone_width() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "people-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());

    // ---- the owner makes an organisation and an invitation link --------------------------
    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Olga Owner", "olga@example.test").await;
    fill(&desktop, "#f-name", "Northwind Health").await;
    submit(&desktop, "/orgs", "Northwind Health").await;
    let org = desktop.current_url().await.unwrap().path().to_string();
    choose(&desktop, "#f-role", "editor").await;
    submit(&desktop, &format!("{org}/invitations"), "Northwind Health").await;
    let link = desktop
        .find(Locator::Css(".notice.good code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(link.contains("/invitations/"), "{link}");

    // ---- the invited person reads what the link opens, on a phone, and joins ------------
    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_up(&phone, &base, "Eddie Editor", "eddie@example.test").await;
    phone.goto(&link).await.unwrap();
    wait_heading(&phone, "Join Northwind Health").await;
    let text = main_text(&phone).await;
    assert!(
        text.contains("as editor") && text.contains("by Olga Owner"),
        "{text}"
    );
    screenshot(&phone, "people-invitation", PHONE).await;
    fits(&phone, "invitation at 390 px").await;
    submit(&phone, link.trim_start_matches(&base), "Northwind Health").await;

    // ---- the owner changes the new member's role --------------------------------------
    desktop.goto(&format!("{base}{org}#members")).await.unwrap();
    wait_heading(&desktop, "Northwind Health").await;
    let text = main_text(&desktop).await;
    assert!(
        text.contains("The only owner: make another member owner"),
        "{text}"
    );
    screenshot(&desktop, "people-members", DESKTOP).await;
    fits(&desktop, "members at 1280 px").await;
    let form = desktop
        .find(Locator::XPath(
            "//tr[contains(., 'Eddie Editor')]//form[contains(@action, '/role')]",
        ))
        .await
        .unwrap();
    let action = form.attr("action").await.unwrap().unwrap();
    form.find(Locator::Css("select"))
        .await
        .unwrap()
        .select_by_value("viewer")
        .await
        .unwrap();
    submit(&desktop, &action, "Northwind Health").await;
    let chosen = desktop
        .execute(
            "return document.querySelector(`form[action='${arguments[0]}'] select`).value;",
            vec![serde_json::json!(action)],
        )
        .await
        .unwrap();
    assert_eq!(chosen, "viewer");

    // The owner's members form on a phone.
    let owner_phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_in(&owner_phone, &base, "olga@example.test").await;
    owner_phone
        .goto(&format!("{base}{org}#members"))
        .await
        .unwrap();
    wait_heading(&owner_phone, "Northwind Health").await;
    screenshot(&owner_phone, "people-members", PHONE).await;
    fits(&owner_phone, "members at 390 px").await;

    // ---- the account page: a token shown once, the other session signed out -------------
    for (client, size) in [(&desktop, DESKTOP), (&owner_phone, PHONE)] {
        client.goto(&format!("{base}/account")).await.unwrap();
        wait_heading(client, "Your account").await;
        assert!(main_text(client).await.contains("2 sessions"));
        screenshot(client, "people-account", size).await;
        fits(client, &format!("account at {} px", size.0)).await;
    }
    fill(&desktop, "#f-name", "CI pipeline").await;
    choose(&desktop, "#f-days", "30").await;
    submit(&desktop, "/account/tokens", "Your account").await;
    let token = desktop
        .find(Locator::Css("#new-token"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(token.len() >= 32, "{token}");
    desktop
        .execute(
            "document.getElementById('new-token').scrollIntoView({block: 'center'});",
            vec![],
        )
        .await
        .unwrap();
    screenshot(&desktop, "people-token", DESKTOP).await;
    fits(&desktop, "new token at 1280 px").await;
    desktop.goto(&format!("{base}/account")).await.unwrap();
    wait_heading(&desktop, "Your account").await;
    let text = main_text(&desktop).await;
    assert!(
        text.contains("CI pipeline") && !text.contains(&token),
        "shown once"
    );

    fill(&owner_phone, "#f-current-password", "correct horse battery").await;
    fill(&owner_phone, "#f-new-password", "a longer new password").await;
    submit(&owner_phone, "/account/password", "Your account").await;
    let text = main_text(&owner_phone).await;
    assert!(
        text.contains("Your password was changed. 1 other session was signed out."),
        "{text}"
    );
    screenshot(&owner_phone, "people-password", PHONE).await;
    // The desktop's session was the other one.
    desktop.goto(&format!("{base}/account")).await.unwrap();
    wait_heading(&desktop, "Sign in to continue").await;

    for client in [desktop, phone, owner_phone] {
        client.close().await.unwrap();
    }
}
