//! The quick assessment end to end in Chromium: an ISO/IEC 27001 organisation answering Yes
//! everywhere, Partly everywhere and No everywhere (Partly lands between the two); an empty
//! step and a nameless AI system come back with the message at the field and nothing lost;
//! screenshots of every step at desktop and phone sizes go to `$AIMSGAP_SCREENS` (default
//! `/tmp/screens`), named `quick-*`.
//!
//! Needs `chromium` and `chromedriver`, like `browser.rs`: without them the test prints a
//! notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use super::browser::{
    DESKTOP, PHONE, Stack, browser, click, fill, main_text, raw, screenshot, submit, tools,
    wait_for, wait_heading,
};
use fantoccini::{Client, Locator};

/// The answers of steps 1 to 3 for an ISO/IEC 27001 organisation with one AI system.
const STEPS: &str = "org_name=Acme+Cloud&size=150&team=2&jur=EU&jur=US-CO&iso=certified&soc2=no&scope_ai=no&scope_shown=1&n=1&s1_name=Support+chatbot&s1_role=provider&s1_does=people&s1_does=content";

/// Whether a radio button or checkbox is checked, as the browser holds it.
async fn checked(client: &Client, css: &str) -> bool {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .prop("checked")
        .await
        .unwrap()
        .as_deref()
        == Some("true")
}

/// The text of an element, if the page has one.
async fn text_of(client: &Client, css: &str) -> Option<String> {
    let found = client.find_all(Locator::Css(css)).await.unwrap();
    match found.first() {
        Some(element) => Some(element.text().await.unwrap()),
        None => None,
    }
}

/// The overall readiness (point) of the result at the browser's address, from the JSON
/// report of the same answers, and the figure the page shows first.
async fn figures(client: &Client, address: &str) -> (f64, Option<f64>) {
    let url = client.current_url().await.unwrap();
    let query = url.query().unwrap_or_default().to_string();
    let (status, head, body) = raw(
        address,
        "GET",
        &format!("/quick/report/json?{query}"),
        "",
        "",
    );
    assert_eq!(status, 200, "{head}");
    let result: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let point = result["readiness"]["overall"]["point"].as_f64().unwrap();
    let shown = text_of(client, ".card .big")
        .await
        .and_then(|t| t.split_whitespace().next()?.parse().ok());
    (point, shown)
}

/// Answers every question of step 4 with `reply` and shows the result.
async fn answer_all(client: &Client, base: &str, reply: &str, address: &str) -> (f64, Option<f64>) {
    client
        .goto(&format!("{base}/quick/questions?{STEPS}"))
        .await
        .unwrap();
    wait_heading(client, "Key questions").await;
    let radios = client
        .find_all(Locator::Css(&format!("input[type=radio][value={reply}]")))
        .await
        .unwrap();
    assert!(radios.len() >= 10, "{} questions asked", radios.len());
    for radio in radios {
        radio.click().await.unwrap();
    }
    submit(client, "/quick/result", "Your ISO/IEC 42001 readiness").await;
    figures(client, address).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_quick_assessment_validates_and_orders_the_answers() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "quick-db");
    let (address, driver, base) = (
        stack.address.clone(),
        stack.driver.clone(),
        stack.base.clone(),
    );

    for (size, tag) in [(DESKTOP, "desktop"), (PHONE, "phone")] {
        let client = browser(&driver, size.0, size.1).await;

        // ---- an empty step comes back with the message at each field ------------------
        client.goto(&format!("{base}/quick")).await.unwrap();
        wait_heading(&client, "Your organisation").await;
        screenshot(&client, "quick-1-organisation", size).await;
        fill(&client, "#f-org-name", "Acme Cloud").await;
        click(&client, "#f-jur-EU").await;
        click(
            &client,
            "form[action='/quick/certifications'] button[type=submit]",
        )
        .await;
        wait_for(&client, "//div[@id='problems']").await;
        let text = main_text(&client).await;
        assert!(
            text.contains("Choose how many people work in your organisation")
                && text.contains("Choose how many people will work on the AI management system"),
            "{tag}: {text}"
        );
        wait_for(
            &client,
            "//fieldset[@id='f-size' and @aria-describedby='e-size']",
        )
        .await;
        // The summary links to the field, and what was entered is still there.
        client
            .find(Locator::Css("#problems a[href='#f-team']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        assert!(
            client
                .current_url()
                .await
                .unwrap()
                .as_str()
                .ends_with("#f-team")
        );
        assert_eq!(
            client
                .find(Locator::Css("#f-org-name"))
                .await
                .unwrap()
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some("Acme Cloud"),
            "{tag}: the name typed is kept"
        );
        assert!(
            checked(&client, "#f-jur-EU").await,
            "{tag}: the box ticked is kept"
        );
        screenshot(&client, "quick-1-organisation-problems", size).await;
        click(&client, "#f-size-150").await;
        click(&client, "#f-team-2").await;
        click(&client, "#f-jur-US-CO").await;
        submit(&client, "/quick/certifications", "What you already hold").await;
        screenshot(&client, "quick-2-certifications", size).await;
        assert!(
            client
                .find_all(Locator::Css("[name=scope_ai], [name=soc2_cat]"))
                .await
                .unwrap()
                .is_empty(),
            "{tag}: the follow-ups wait for a certificate"
        );
        click(&client, "#f-iso-certified").await;
        click(&client, "#f-soc2-no").await;
        click(
            &client,
            "form[action='/quick/systems'] button[type=submit]:not([formaction])",
        )
        .await;
        wait_for(&client, "//input[@id='f-scope-ai-no']").await;
        screenshot(&client, "quick-2-certifications-scope", size).await;
        click(&client, "#f-scope-ai-no").await;
        submit(&client, "/quick/systems", "Your AI systems").await;
        screenshot(&client, "quick-3-systems", size).await;

        // ---- a nameless AI system comes back with its answers kept -------------------
        click(&client, "#f-s1-role-provider").await;
        click(&client, "#f-s1-does-people").await;
        click(
            &client,
            "form[action='/quick/questions'] button[type=submit]:not([formaction])",
        )
        .await;
        wait_for(&client, "//span[@id='e-s1-name']").await;
        let text = main_text(&client).await;
        assert!(text.contains("Give AI system 1 a name"), "{tag}: {text}");
        assert!(
            checked(&client, "#f-s1-role-provider").await,
            "{tag}: role kept"
        );
        assert!(
            checked(&client, "#f-s1-does-people").await,
            "{tag}: box kept"
        );
        screenshot(&client, "quick-3-systems-problems", size).await;
        fill(&client, "#f-s1-name", "Support chatbot").await;
        submit(&client, "/quick/questions", "Key questions").await;
        screenshot(&client, "quick-4-questions", size).await;
        let text = main_text(&client).await;
        assert!(text.contains("inherited, verify for AI"), "{tag}: {text}");

        // ---- Yes, Partly, No everywhere ------------------------------------------------
        let (yes, yes_shown) = answer_all(&client, &base, "yes", &address).await;
        screenshot(&client, "quick-5-result-yes", size).await;
        let declared = text_of(&client, "#declared-figure").await;
        let evidenced = text_of(&client, "#evidenced-figure").await;
        if let (Some(declared), Some(evidenced)) = (&declared, &evidenced) {
            let number = |t: &str| -> f64 {
                t.split(|c: char| !c.is_ascii_digit() && c != '.')
                    .find(|p| !p.is_empty())
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(f64::NAN)
            };
            assert!(
                number(declared) > number(evidenced),
                "{tag}: declared {declared} above evidenced {evidenced}"
            );
            let to_attach = client
                .find_all(Locator::Css("ol#to-attach li"))
                .await
                .unwrap();
            assert!(!to_attach.is_empty(), "{tag}: what to attach is listed");
        }
        let (partly, partly_shown) = answer_all(&client, &base, "partly", &address).await;
        screenshot(&client, "quick-5-result-partly", size).await;
        let (no, no_shown) = answer_all(&client, &base, "no", &address).await;
        screenshot(&client, "quick-5-result-no", size).await;
        assert!(
            no < partly && partly < yes,
            "{tag}: no {no}, partly {partly}, yes {yes}"
        );
        if let (Some(yes), Some(partly), Some(no)) = (yes_shown, partly_shown, no_shown) {
            assert!(
                no <= partly && partly <= yes,
                "{tag}: shown no {no}, partly {partly}, yes {yes}"
            );
        }
        eprintln!(
            "{tag}: overall readiness no {no:.1}, partly {partly:.1}, yes {yes:.1}; declared {declared:?}, evidenced {evidenced:?}"
        );
        client.close().await.unwrap();
    }
}
