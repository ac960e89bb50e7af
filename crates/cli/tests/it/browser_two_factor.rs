//! Two-factor sign-in in a real browser, at a desktop's width (1280 px) and a phone's
//! (390 px): enrolment reading the key off the page (the code is computed here from it, as an
//! authenticator app would), the recovery codes shown once, sign-out, then sign-in with the
//! password and a code; on the phone the second step with a recovery code. Nothing is wider
//! than the window. Screenshots go to `$AIMSGAP_SCREENS` (default `/tmp/screens`), named
//! `two-factor-*`.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints
//! a notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, PHONE, Stack, browser, fill, fits, main_text, screenshot, sign_in, sign_up, submit,
    tools, wait_heading,
};
use fantoccini::{Client, Locator};
use std::time::{SystemTime, UNIX_EPOCH};

/// The code an authenticator app shows for `key` (base32, as the page shows it) at `at`.
fn code(key: &str, at: u64) -> String {
    let secret = totp_rs::Secret::try_from_base32(key.replace(' ', ""))
        .unwrap()
        .as_bytes()
        .to_vec();
    totp_rs::Builder::new()
        .with_secret(secret)
        .build()
        .unwrap()
        .generate(at)
        .to_string()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

async fn text_of(client: &Client, css: &str) -> String {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .text()
        .await
        .unwrap()
}

/// Signs out with the header's button and lands on the landing page.
async fn sign_out(client: &Client) {
    submit(client, "/signout", "How far are you").await;
}

/// The password step of the sign-in, which leads to the code's page.
async fn password_step(client: &Client, base: &str, email: &str) {
    client.goto(&format!("{base}/signin")).await.unwrap();
    wait_heading(client, "Sign in").await;
    fill(client, "#f-email", email).await;
    fill(client, "#f-password", "correct horse battery").await;
    submit(client, "/signin", "Two-factor sign-in").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_two_factor_enrol_then_sign_in_with_a_code_at_desktop_and_phone_width() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "two-factor-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());
    let email = "tia@example.test";

    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&desktop, &base, "Tia Twofactor", email).await;
    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    sign_in(&phone, &base, email).await;

    // ---- the account page leads to enrolment: a QR code and the key, on both widths ------
    desktop.goto(&format!("{base}/account")).await.unwrap();
    wait_heading(&desktop, "Your account").await;
    assert!(
        main_text(&desktop)
            .await
            .contains("Off: your password alone signs you in.")
    );
    desktop
        .find(Locator::LinkText("Turn on two-factor sign-in"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_heading(&desktop, "Two-factor sign-in").await;
    let key = text_of(&desktop, "#secret").await;
    assert_eq!(key.replace(' ', "").len(), 32, "{key}");
    let qr = desktop
        .execute(
            "const r = document.querySelector('figure.qr svg').getBoundingClientRect(); return [r.width, r.height];",
            vec![],
        )
        .await
        .unwrap();
    let side = |i: usize| qr[i].as_f64().unwrap();
    assert!(
        side(0) >= 150.0 && side(1) >= 150.0,
        "the QR code is shown: {qr}"
    );
    screenshot(&desktop, "two-factor-enrol", DESKTOP).await;
    fits(&desktop, "enrolment at 1280 px").await;
    phone
        .goto(&format!("{base}/account/two-factor"))
        .await
        .unwrap();
    wait_heading(&phone, "Two-factor sign-in").await;
    assert_eq!(
        text_of(&phone, "#secret").await,
        key,
        "one key until it is on"
    );
    screenshot(&phone, "two-factor-enrol", PHONE).await;
    fits(&phone, "enrolment at 390 px").await;

    // ---- a wrong code, then the app's code: on, with the recovery codes shown once ------
    fill(&desktop, "#f-code", "000000").await;
    submit(&desktop, "/account/two-factor", "Two-factor sign-in").await;
    assert!(main_text(&desktop).await.contains("this code is not right"));
    let enrolled_at = now();
    fill(&desktop, "#f-code", &code(&key, enrolled_at)).await;
    submit(&desktop, "/account/two-factor", "Two-factor sign-in").await;
    let codes: Vec<String> = {
        let mut codes = Vec::new();
        for element in desktop
            .find_all(Locator::Css("ul.codes code"))
            .await
            .unwrap()
        {
            codes.push(element.text().await.unwrap());
        }
        codes
    };
    assert_eq!(codes.len(), 10, "{codes:?}");
    screenshot(&desktop, "two-factor-codes", DESKTOP).await;
    fits(&desktop, "recovery codes at 1280 px").await;
    desktop
        .goto(&format!("{base}/account/two-factor"))
        .await
        .unwrap();
    wait_heading(&desktop, "Two-factor sign-in").await;
    let text = main_text(&desktop).await;
    assert!(text.contains("Two-factor sign-in is on."), "{text}");
    assert!(!text.contains(&codes[0]), "shown once");
    screenshot(&desktop, "two-factor-on", DESKTOP).await;

    // ---- sign out, then the password and the next code -------------------------------
    sign_out(&desktop).await;
    password_step(&desktop, &base, email).await;
    screenshot(&desktop, "two-factor-signin", DESKTOP).await;
    fits(&desktop, "code step at 1280 px").await;
    // The code of the step after the enrolment's (a step is never used twice), or of now when
    // the steps between took longer than the server's one step of skew: on a loaded machine
    // the sign-out and the password step have taken more than a minute.
    fill(
        &desktop,
        "#f-code",
        &code(&key, now().max(enrolled_at + 30)),
    )
    .await;
    submit(&desktop, "/signin/two-factor", "Your organisations").await;

    // ---- on the phone: the password, then a recovery code --------------------------------
    sign_out(&phone).await;
    password_step(&phone, &base, email).await;
    screenshot(&phone, "two-factor-signin", PHONE).await;
    fits(&phone, "code step at 390 px").await;
    fill(&phone, "#f-code", &codes[0]).await;
    submit(&phone, "/signin/two-factor", "Your organisations").await;
    phone
        .goto(&format!("{base}/account/two-factor"))
        .await
        .unwrap();
    wait_heading(&phone, "Two-factor sign-in").await;
    assert!(main_text(&phone).await.contains("9 unused recovery codes"));
    screenshot(&phone, "two-factor-on", PHONE).await;
    fits(&phone, "two-factor settings at 390 px").await;

    for client in [desktop, phone] {
        client.close().await.unwrap();
    }
}
