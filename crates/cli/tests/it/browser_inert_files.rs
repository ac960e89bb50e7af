//! Evidence files that a browser could run, in a real browser: an `.html` page and an `.svg`
//! image, each carrying a script that would mark the application's origin (its local storage
//! and the page's title) if it ever ran there, are uploaded on the Evidence tab. Opening each
//! download link, navigating to it, and framing it in the application's own page, as a user or
//! an attacker's link would, leaves the page where it was and the mark unset: the files come
//! as attachments and are never rendered in the application's origin. The control at the end
//! shows the mark is seen when a script of the same origin does run.
//!
//! Needs `chromium` and `chromedriver`, like the other browser tests: without them it prints
//! a notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use crate::browser::{
    DESKTOP, Stack, attach, browser, choose, click, fill, sign_up, temp_dir, tools, wait_heading,
    workspace,
};
use fantoccini::{Client, Locator};
use std::time::Duration;

const ASSESSMENT: &str = "aimsgap: 2\nas_of: 2026-11-29\norganization:\n  name: Inert Files Ltd\n  employees: 12\n  sector: software\n  jurisdictions: [EU]\n";

/// What a script in the files sets when it runs: a key in the origin's local storage and the
/// page's title.
const MARK: &str = "evidence-script-ran";

fn html_file() -> String {
    format!(
        "<!doctype html><title>evidence</title><script>localStorage.setItem('{MARK}', 'html'); document.title = '{MARK}'; parent.document.title = '{MARK}';</script><p>hello</p>"
    )
}

fn svg_file() -> String {
    format!(
        "<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10' onload=\"localStorage.setItem('{MARK}', 'svg-onload')\"><script>localStorage.setItem('{MARK}', 'svg'); parent.document.title = '{MARK}';</script><rect width='10' height='10'/></svg>"
    )
}

/// The mark in the application's origin, read from one of its own pages, and that page's
/// title.
async fn mark(client: &Client) -> (serde_json::Value, String) {
    let value = client
        .execute(&format!("return localStorage.getItem('{MARK}');"), vec![])
        .await
        .unwrap();
    (value, client.title().await.unwrap())
}

/// Uploads `path` on the Evidence tab and returns the item page's path and the file's
/// download link.
async fn upload(
    client: &Client,
    base: &str,
    assessment: &str,
    title: &str,
    path: &str,
) -> (String, String) {
    client
        .goto(&format!("{base}{assessment}/evidence"))
        .await
        .unwrap();
    wait_heading(client, "Evidence").await;
    fill(client, "#f-title", title).await;
    choose(client, "#f-kind", "operating_record").await;
    fill(client, "#f-links", "5.2").await;
    attach(client, "#f-file", std::path::Path::new(path)).await;
    click(
        client,
        "form[enctype='multipart/form-data'] button[type=submit]",
    )
    .await;
    wait_heading(client, title).await;
    let item = client.current_url().await.unwrap().path().to_string();
    let name = std::path::Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    let href = client
        .find(Locator::LinkText(&name))
        .await
        .unwrap_or_else(|e| panic!("no link {name} on {item}: {e}"))
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    (item, href)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_html_and_svg_evidence_never_runs_in_the_application() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "inert-files-db");
    let (driver, base) = (stack.driver.clone(), stack.base.clone());
    let dir = temp_dir("inert-files");
    let html = dir.join("page.html");
    let svg = dir.join("image.svg");
    std::fs::write(&html, html_file()).unwrap();
    std::fs::write(&svg, svg_file()).unwrap();

    let client = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    sign_up(&client, &base, "Ina Inert", "ina@example.test").await;
    let (_, assessment) = workspace(&client, "Inert Files Ltd", ASSESSMENT).await;

    for (title, path) in [("A web page", &html), ("An image", &svg)] {
        let (item, href) =
            upload(&client, &base, &assessment, title, &path.to_string_lossy()).await;
        let (before, page_title) = mark(&client).await;
        assert_eq!(before, serde_json::Value::Null, "nothing ran before");

        // The link on the item page: the browser downloads, the page stays.
        client
            .find(Locator::Css(&format!("a[href='{href}']")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let url = client.current_url().await.unwrap();
        assert_eq!(
            url.path(),
            item,
            "{title}: the link downloads, it does not open"
        );
        assert_eq!(
            mark(&client).await,
            (serde_json::Value::Null, page_title.clone()),
            "{title}: no script ran after the link was followed"
        );

        // The file framed in the application's own page, and as an object.
        client
            .execute(
                "for (const tag of ['iframe', 'object']) { const e = document.createElement(tag); if (tag === 'iframe') e.src = arguments[0]; else e.data = arguments[0]; document.body.appendChild(e); }",
                vec![serde_json::json!(href)],
            )
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            mark(&client).await,
            (serde_json::Value::Null, page_title.clone()),
            "{title}: no script ran in a frame"
        );

        // Typed into the address bar: an attachment is not shown, and nothing runs.
        let _ = client.goto(&format!("{base}{href}")).await;
        tokio::time::sleep(Duration::from_millis(1500)).await;
        client.goto(&format!("{base}{item}")).await.unwrap();
        wait_heading(&client, title).await;
        let (after, _) = mark(&client).await;
        assert_eq!(
            after,
            serde_json::Value::Null,
            "{title}: no script ran when the link was opened directly"
        );
    }

    // The control: a script of the application's origin that does run is seen by `mark`, so
    // the checks above can fail.
    client
        .execute(
            &format!("localStorage.setItem('{MARK}', 'control');"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(mark(&client).await.0, serde_json::json!("control"));

    client.close().await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
