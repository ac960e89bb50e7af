//! Password reset in a real browser against `aimsgap serve --smtp-url` and a real SMTP server
//! (aiosmtpd): from the sign-in page to "Forgot your password?", the mailed link opened, a new
//! password set, and a sign-in with it; a second link, opened on a phone, dies when the first
//! is used. Screenshots of the two pages at a desktop's width (1280 px) and a phone's
//! (390 px) go to `$AIMSGAP_SCREENS` (default `/tmp/screens`), named `reset-*`.
//!
//! Needs `chromium`, `chromedriver` and Python's `aiosmtpd`: without them it prints a notice
//! and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, Guard, PHONE, browser, click, fill, fits, free_port, main_text, screenshot, sign_up,
    submit, temp_dir, tools, wait_for_port, wait_heading,
};
use crate::smtp;
use std::process::{Command, Stdio};
use std::time::Duration;

/// The reset link of the `nth` message (from 1) to `to`, waiting for it.
fn reset_link(smtp: &smtp::SmtpServer, to: &str, nth: usize) -> String {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    loop {
        let found: Vec<_> = smtp
            .messages()
            .into_iter()
            .filter(|m| m.rcpt_to.iter().any(|r| r == to))
            .collect();
        if let Some(message) = found.get(nth - 1) {
            let text = message.text.clone().expect("a text/plain part");
            let start = text.find("http://").expect("a link");
            return text[start..].split_whitespace().next().unwrap().to_string();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "message {nth} to {to} did not arrive"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_password_reset_by_a_mailed_link_at_desktop_and_phone_width() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let Some(smtp) = smtp::SmtpServer::start() else {
        return;
    };
    let data = temp_dir("reset-db");
    let address = format!("127.0.0.1:{}", free_port());
    let base = format!("http://{address}");
    let _server = Guard(
        Command::new(env!("CARGO_BIN_EXE_aimsgap"))
            .args([
                "serve",
                "--database",
                &format!("sqlite://{}?mode=rwc", data.join("aimsgap.db").display()),
                "--bind",
                &address,
                "--public-url",
                &format!("{base}/"),
                "--mail-from",
                "aimsgap <noreply@example.test>",
            ])
            // The SMTP URL from the environment, as an operator gives it.
            .env("AIMSGAP_SMTP_URL", smtp.url())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let driver = format!("127.0.0.1:{}", free_port());
    let _chromedriver = crate::browser::chromedriver(&chromedriver, &driver);
    wait_for_port(&address, "aimsgap serve");
    wait_for_port(&driver, "chromedriver");

    // An account, made in a browser that then leaves.
    let email = "rosa@example.test";
    {
        let maker = browser(&driver, DESKTOP.0, DESKTOP.1).await;
        sign_up(&maker, &base, "Rosa Reset", email).await;
        maker.close().await.unwrap();
    }

    // ---- desktop: from the sign-in page to a link ---------------------------------------
    let desktop = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    desktop.goto(&format!("{base}/signin")).await.unwrap();
    wait_heading(&desktop, "Sign in").await;
    click(&desktop, "a[href='/password/forgot']").await;
    wait_heading(&desktop, "Forgot your password?").await;
    screenshot(&desktop, "reset-forgot", DESKTOP).await;
    fits(&desktop, "forgot at 1280 px").await;
    fill(&desktop, "#f-email", email).await;
    submit(&desktop, "/password/forgot", "Forgot your password?").await;
    let text = main_text(&desktop).await;
    assert!(text.contains("is on its way"), "{text}");
    let first = reset_link(&smtp, email, 1);
    assert!(
        first.starts_with(&format!("{base}/password/reset/")),
        "{first}"
    );

    // ---- phone: a second link, and its page ---------------------------------------------
    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    phone
        .goto(&format!("{base}/password/forgot"))
        .await
        .unwrap();
    wait_heading(&phone, "Forgot your password?").await;
    screenshot(&phone, "reset-forgot", PHONE).await;
    fits(&phone, "forgot at 390 px").await;
    fill(&phone, "#f-email", email).await;
    submit(&phone, "/password/forgot", "Forgot your password?").await;
    let second = reset_link(&smtp, email, 2);
    assert_ne!(first, second);
    phone.goto(&second).await.unwrap();
    wait_heading(&phone, "Choose a new password").await;
    screenshot(&phone, "reset-choose", PHONE).await;
    fits(&phone, "reset at 390 px").await;

    // ---- desktop: the first link sets the new password ----------------------------------
    desktop.goto(&first).await.unwrap();
    wait_heading(&desktop, "Choose a new password").await;
    screenshot(&desktop, "reset-choose", DESKTOP).await;
    fits(&desktop, "reset at 1280 px").await;
    fill(&desktop, "#f-password", "a brand new password").await;
    fill(&desktop, "#f-password-again", "a brand new password").await;
    let action = first.trim_start_matches(&base).to_string();
    submit(&desktop, &action, "Your password is changed").await;
    click(&desktop, "main a[href='/signin']").await;
    wait_heading(&desktop, "Sign in").await;
    fill(&desktop, "#f-email", email).await;
    fill(&desktop, "#f-password", "a brand new password").await;
    submit(&desktop, "/signin", "Your organisations").await;

    // The link works once: used, it is refused; the phone's link died with it.
    desktop.goto(&first).await.unwrap();
    wait_heading(&desktop, "This link cannot be used").await;
    phone.goto(&second).await.unwrap();
    wait_heading(&phone, "This link cannot be used").await;
}
