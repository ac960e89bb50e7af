//! End to end in a real browser: `aimsgap serve` on a socket, Debian's chromium driven through
//! chromedriver (WebDriver, with fantoccini). The quick assessment from the landing page to
//! the result and a download; sign-up, an organisation and a viewer invited into it who cannot
//! edit; an answer that moves readiness; a conflicting edit from a second session; a user of
//! another organisation refused. Screenshots of the main pages at desktop and phone sizes go
//! to `$AIMSGAP_SCREENS` (default `/tmp/screens`).
//!
//! Needs `chromium` and `chromedriver` (Debian: `chromium chromium-driver`); without them the
//! test prints a notice and passes, unless AIMSGAP_REQUIRE_ALL=1.

use fantoccini::{Client, ClientBuilder, Locator};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub(crate) fn require_all() -> bool {
    std::env::var("AIMSGAP_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

pub(crate) fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|dir| Path::new(dir).join(name))
        .find(|candidate| candidate.is_file())
}

/// Chromium and chromedriver, or a notice (and a failure under AIMSGAP_REQUIRE_ALL=1).
pub(crate) fn tools() -> Option<(PathBuf, PathBuf)> {
    let chromium = ["chromium", "chromium-browser"]
        .iter()
        .find_map(|name| on_path(name));
    let driver = on_path("chromedriver");
    match (chromium, driver) {
        (Some(chromium), Some(driver)) => Some((chromium, driver)),
        _ => {
            let message = "chromium and chromedriver are needed for the browser tests (Debian: apt-get install chromium chromium-driver)";
            assert!(!require_all(), "{message}");
            eprintln!("SKIPPED browser tests: {message}");
            None
        }
    }
}

/// A child process killed when dropped.
pub(crate) struct Guard(pub(crate) Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// chromedriver on `driver` (an address), in a process group of its own: dropping the guard
/// kills the group, so that no browser it started outlives the test (a session a test did not
/// close, or one left by a failing test, would otherwise stay behind as an orphan), and then
/// removes the profiles of the browsers it started.
pub(crate) fn chromedriver(path: &Path, driver: &str) -> GroupGuard {
    use std::os::unix::process::CommandExt;
    GroupGuard {
        child: Command::new(path)
            .arg(format!("--port={}", port_of(driver)))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
        _profiles: Scratch(profiles_of(driver)),
    }
}

/// The port of an address `host:port`.
fn port_of(address: &str) -> &str {
    address.rsplit(':').next().unwrap_or_default()
}

/// Where the browsers driven through `driver` keep their profiles (a few megabytes each).
fn profiles_of(driver: &str) -> PathBuf {
    std::env::temp_dir().join(format!(
        "aimsgap-browser-{}-profiles-{}",
        std::process::id(),
        port_of(driver)
    ))
}

/// A child process leading its own process group, which is killed whole when dropped; then
/// what it left in its scratch directory goes.
pub(crate) struct GroupGuard {
    child: Child,
    // Dropped after `drop` has killed the group.
    _profiles: Scratch,
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

use crate::Scratch;

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub(crate) fn wait_for_port(address: &str, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(address).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start on {address}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A new scratch directory for one test, named after it.
pub(crate) fn temp_dir(name: &str) -> Scratch {
    crate::fresh_dir(&format!("browser-{name}-{}", free_port()))
}

/// One HTTP/1.1 request outside the browser: status, headers and body.
pub(crate) fn raw(
    address: &str,
    method: &str,
    path: &str,
    cookie: &str,
    form: &str,
) -> (u16, String, Vec<u8>) {
    let mut stream = TcpStream::connect(address).unwrap();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
        form.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let split = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&response[..split]).to_string();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    (status, head, response[split + 4..].to_vec())
}

/// A browser session with its own profile (cookies), at a viewport size.
pub(crate) async fn browser(driver: &str, width: u32, height: u32) -> Client {
    // Under the driver's directory, which goes with the driver's guard.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let profile = profiles_of(driver).join(format!(
        "profile-{}",
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::create_dir_all(&profile).unwrap();
    let mut options = serde_json::json!({
        "binary": on_path("chromium").or_else(|| on_path("chromium-browser")).unwrap(),
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--hide-scrollbars",
            format!("--window-size={width},{height}"),
            format!("--user-data-dir={}", profile.display()),
        ],
    });
    // The viewport exactly at the size asked; a phone also gets touch and a phone's agent.
    let phone = width < 600;
    options["mobileEmulation"] = serde_json::json!({
        "deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0, "touch": phone, "mobile": phone},
    });
    if phone {
        options["mobileEmulation"]["userAgent"] = serde_json::json!(
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
        );
    }
    let mut capabilities = serde_json::Map::new();
    capabilities.insert("browserName".into(), "chrome".into());
    capabilities.insert("goog:chromeOptions".into(), options);
    ClientBuilder::rustls()
        .unwrap()
        .capabilities(capabilities)
        .connect(&format!("http://{driver}"))
        .await
        .unwrap()
}

pub(crate) async fn fill(client: &Client, css: &str, text: &str) {
    let element = client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"));
    element.clear().await.unwrap();
    element.send_keys(text).await.unwrap();
}

/// Chooses the file at `path` in the file input `css`, as a person picking it would.
pub(crate) async fn attach(client: &Client, css: &str, path: &Path) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .send_keys(&path.to_string_lossy())
        .await
        .unwrap_or_else(|e| panic!("{css} did not take {}: {e}", path.display()));
}

pub(crate) async fn click(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Clicks `css` and waits until the browser has left the page it was on: a form that posts
/// back to a page with the same headings would otherwise let the next step find the old page's
/// elements, which go stale under it.
pub(crate) async fn click_to_new_page(client: &Client, css: &str) {
    client
        .execute("window.aimsgapOldPage = true;", vec![])
        .await
        .unwrap();
    click(client, css).await;
    for _ in 0..600 {
        let left = client
            .execute(
                "return window.aimsgapOldPage === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await;
        // A script run while the page is being replaced may fail: try again on the new one.
        if matches!(left, Ok(serde_json::Value::Bool(true))) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("clicking {css} did not lead to a new page within a minute");
}

pub(crate) async fn choose(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no {css}: {e}"))
        .select_by_value(value)
        .await
        .unwrap();
}

/// Submits the form posting to `action` with its main button, and waits for the new page
/// (the page it left may have the same heading: a filter form reloads its own page) and then
/// for its `<h1>` to contain `heading`.
pub(crate) async fn submit(client: &Client, action: &str, heading: &str) {
    click_to_new_page(
        client,
        &format!("form[action='{action}'] button[type=submit]:not([formaction])"),
    )
    .await;
    wait_heading(client, heading).await;
}

pub(crate) async fn wait_heading(client: &Client, heading: &str) {
    wait_for(client, &format!("//h1[contains(., \"{heading}\")]")).await;
}

/// Waits for an element (by XPath), or fails with the page's URL and source. The bound is a
/// minute: on a loaded two-core machine a page has been seen to take more than 20 s.
pub(crate) async fn wait_for(client: &Client, xpath: &str) {
    let found = client
        .wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::XPath(xpath))
        .await;
    if found.is_err() {
        let source = client.source().await.unwrap_or_default();
        panic!(
            "no {xpath} at {}:\n{}",
            client
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default(),
            source.chars().take(3000).collect::<String>()
        );
    }
}

/// The text of the page's `main`. A page that is replaced between finding `main` and reading
/// it (a form just posted, a redirect still arriving) makes the element stale: read it again
/// from the page that is there now.
pub(crate) async fn main_text(client: &Client) -> String {
    let mut last_error = String::new();
    for _ in 0..100 {
        match client.find(Locator::Css("main")).await {
            Ok(main) => match main.text().await {
                Ok(text) => return text,
                Err(error) => last_error = error.to_string(),
            },
            Err(error) => last_error = error.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page's main text could not be read: {last_error}");
}

async fn cookie(client: &Client, name: &str) -> String {
    let value = client
        .get_named_cookie(name)
        .await
        .unwrap()
        .value()
        .to_string();
    format!("{name}={value}")
}

/// How wide the page is against the window, in CSS pixels: (document, window).
pub(crate) async fn widths(client: &Client) -> (f64, f64) {
    let value = client
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth];",
            vec![],
        )
        .await
        .unwrap();
    (value[0].as_f64().unwrap(), value[1].as_f64().unwrap())
}

/// The page is no wider than the window.
pub(crate) async fn fits(client: &Client, what: &str) {
    let (page, window) = widths(client).await;
    assert!(
        page <= window,
        "{what}: the page is {page} px wide in a {window} px window"
    );
}

/// Sets a form field's value at once: a long text, or a date (a date input takes keys in the
/// browser's locale).
pub(crate) async fn set_value(client: &Client, id: &str, value: &str) {
    client
        .execute(
            "document.getElementById(arguments[0]).value = arguments[1];",
            vec![serde_json::json!(id), serde_json::json!(value)],
        )
        .await
        .unwrap();
}

/// Creates an account through the sign-up form; the browser is then signed in, on the list of
/// its organisations.
pub(crate) async fn sign_up(client: &Client, base: &str, name: &str, email: &str) {
    client.goto(&format!("{base}/signup")).await.unwrap();
    wait_heading(client, "Create an account").await;
    fill(client, "#f-name", name).await;
    fill(client, "#f-email", email).await;
    fill(client, "#f-password", "correct horse battery").await;
    submit(client, "/signup", "Your organisations").await;
}

/// Signs an account made by [`sign_up`] in, in another browser.
pub(crate) async fn sign_in(client: &Client, base: &str, email: &str) {
    client.goto(&format!("{base}/signin")).await.unwrap();
    wait_heading(client, "Sign in").await;
    fill(client, "#f-email", email).await;
    fill(client, "#f-password", "correct horse battery").await;
    submit(client, "/signin", "Your organisations").await;
}

/// From the list of organisations: a new organisation holding `content` imported as the
/// assessment "2026". Returns the paths of the organisation and the assessment.
pub(crate) async fn workspace(client: &Client, org_name: &str, content: &str) -> (String, String) {
    fill(client, "#f-name", org_name).await;
    submit(client, "/orgs", org_name).await;
    let org = client.current_url().await.unwrap().path().to_string();
    let import = format!("{org}/assessments");
    fill(client, &format!("form[action='{import}'] #f-name"), "2026").await;
    set_value(client, "f-content", content).await;
    submit(client, &import, "2026").await;
    let assessment = client.current_url().await.unwrap().path().to_string();
    assert!(assessment.starts_with("/assessments/"), "{assessment}");
    (org, assessment)
}

pub(crate) fn screens() -> PathBuf {
    let dir = std::env::var_os("AIMSGAP_SCREENS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/screens"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) async fn screenshot(client: &Client, name: &str, size: (u32, u32)) {
    let dir = screens();
    let png = client.screenshot().await.unwrap();
    assert!(png.starts_with(b"\x89PNG"), "{name} is a PNG");
    std::fs::write(dir.join(format!("{name}-{}x{}.png", size.0, size.1)), png).unwrap();
}

/// "overall readiness 24.9" on a requirement page, as a number.
fn overall_readiness(text: &str) -> f64 {
    let start = text.find("overall readiness ").unwrap() + "overall readiness ".len();
    text[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// `aimsgap serve` on a fresh SQLite database and chromedriver, each on a free port; both are
/// stopped when the stack is dropped, and the database removed unless the test failed.
pub(crate) struct Stack {
    _server: Guard,
    _chromedriver: GroupGuard,
    pub(crate) address: String,
    pub(crate) driver: String,
    pub(crate) base: String,
    // The server's data, after the server in this list: fields are dropped in order, so it
    // goes once the server has stopped.
    _data: Scratch,
}

impl Stack {
    pub(crate) fn start(chromedriver: &Path, name: &str) -> Stack {
        let data = temp_dir(name);
        let address = format!("127.0.0.1:{}", free_port());
        let server = Guard(
            Command::new(env!("CARGO_BIN_EXE_aimsgap"))
                .args([
                    "serve",
                    "--database",
                    &format!("sqlite://{}?mode=rwc", data.join("aimsgap.db").display()),
                    "--bind",
                    &address,
                ])
                .env("RUST_LOG", "warn")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        let driver = format!("127.0.0.1:{}", free_port());
        let chromedriver = self::chromedriver(chromedriver, &driver);
        wait_for_port(&address, "aimsgap serve");
        wait_for_port(&driver, "chromedriver");
        Stack {
            _server: server,
            _chromedriver: chromedriver,
            _data: data,
            base: format!("http://{address}"),
            address,
            driver,
        }
    }
}

pub(crate) const DESKTOP: (u32, u32) = (1280, 900);
const SAVED: &str = "//div[contains(@class,'notice') and contains(., 'Saved.')]";
pub(crate) const PHONE: (u32, u32) = (390, 844);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_quick_assessment_workspace_roles_and_conflicts() {
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let stack = Stack::start(&chromedriver, "db");
    let (address, driver, base) = (
        stack.address.clone(),
        stack.driver.clone(),
        stack.base.clone(),
    );

    // ---- the quick assessment, from the landing page to the result --------------------
    let owner = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    owner.goto(&format!("{base}/")).await.unwrap();
    wait_heading(&owner, "ISO/IEC 42001").await;
    screenshot(&owner, "landing", DESKTOP).await;
    owner.goto(&format!("{base}/frameworks")).await.unwrap();
    wait_heading(&owner, "Frameworks").await;
    screenshot(&owner, "frameworks", DESKTOP).await;
    owner.goto(&format!("{base}/")).await.unwrap();
    wait_heading(&owner, "ISO/IEC 42001").await;
    owner
        .find(Locator::LinkText("Start the quick assessment"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_heading(&owner, "Your organisation").await;
    fill(&owner, "#f-org-name", "Acme Cloud").await;
    click(&owner, "#f-size-150").await;
    click(&owner, "#f-team-2").await;
    click(&owner, "#f-jur-EU").await;
    click(&owner, "#f-jur-US-CO").await;
    submit(&owner, "/quick/certifications", "What you already hold").await;
    click(&owner, "#f-iso-certified").await;
    click(&owner, "#f-soc2-no").await;
    click(
        &owner,
        "form[action='/quick/systems'] button[type=submit]:not([formaction])",
    )
    .await;
    wait_for(&owner, "//input[@id='f-scope-ai-no']").await;
    click(&owner, "#f-scope-ai-no").await;
    submit(&owner, "/quick/systems", "Your AI systems").await;
    fill(&owner, "#f-s1-name", "CV screening").await;
    click(&owner, "#f-s1-role-deployer").await;
    click(&owner, "#f-s1-does-people").await;
    choose(&owner, "#f-s1-annex3", "employment").await;
    submit(&owner, "/quick/questions", "Key questions").await;
    click(&owner, "#f-q-scope-yes").await;
    click(&owner, "#f-q-policy-partly").await;
    click(&owner, "#f-q-risk-no").await;
    screenshot(&owner, "quick-questions", DESKTOP).await;
    submit(&owner, "/quick/result", "Your ISO/IEC 42001 readiness").await;
    // Rendered text, so the cards' labels come upper-cased: compare in lower case.
    let result = main_text(&owner).await.to_lowercase();
    for needle in [
        "readiness",
        "Not ready for the Stage 1 audit yet",
        "What your certifications are worth",
        "Top gaps and why",
        "Next best actions",
        "CV screening under EU AI Act: high risk",
    ] {
        let needle = needle.to_lowercase();
        assert!(
            result.contains(&needle),
            "result lacks {needle:?}:\n{result}"
        );
    }
    screenshot(&owner, "quick-result", DESKTOP).await;
    for name in ["HTML report", "Excel workbook"] {
        let href = owner
            .find(Locator::LinkText(name))
            .await
            .unwrap()
            .attr("href")
            .await
            .unwrap()
            .unwrap();
        let path = href.trim_start_matches(&base);
        let (status, head, body) = raw(&address, "GET", path, "", "");
        assert_eq!(status, 200, "{name}: {head}");
        assert!(head.contains("attachment"), "{name} downloads: {head}");
        assert!(body.len() > 1000, "{name} has content");
    }

    // ---- save it: sign-up, and the organisation that holds it ----------------------------
    fill(&owner, "#f-name", "Olive Owner").await;
    fill(&owner, "#f-email", "olive@example.test").await;
    fill(&owner, "#f-password", "correct horse battery").await;
    submit(&owner, "/quick/save", "Quick assessment").await;
    let assessment = owner.current_url().await.unwrap().path().to_string();
    assert!(assessment.starts_with("/assessments/"), "{assessment}");
    owner
        .find(Locator::Css("nav.crumbs li:nth-child(2) a"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_heading(&owner, "Acme Cloud").await;
    let org = owner.current_url().await.unwrap().path().to_string();
    choose(&owner, "#f-role", "viewer").await;
    click(
        &owner,
        &format!("form[action='{org}/invitations'] button[type=submit]"),
    )
    .await;
    wait_for(&owner, "//div[contains(@class,'notice')]//code").await;
    let link = owner
        .find(Locator::Css(".notice code"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(link.contains("/invitations/"), "{link}");

    // ---- a viewer joins through the link, reads, and cannot edit ------------------------
    let viewer = browser(&driver, DESKTOP.0, DESKTOP.1).await;
    viewer.goto(&link).await.unwrap();
    wait_heading(&viewer, "Sign in to continue").await;
    viewer
        .find(Locator::LinkText("create an account"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_heading(&viewer, "Create an account").await;
    fill(&viewer, "#f-name", "Victor Viewer").await;
    fill(&viewer, "#f-email", "victor@example.test").await;
    fill(&viewer, "#f-password", "correct horse battery").await;
    submit(&viewer, "/signup", "Join Acme Cloud").await;
    let accept = link.trim_start_matches(&base).to_string();
    submit(&viewer, &accept, "Acme Cloud").await;
    assert!(main_text(&viewer).await.contains("Your role: viewer"));
    viewer
        .goto(&format!("{base}{assessment}/requirements/6.1.3.f"))
        .await
        .unwrap();
    wait_heading(&viewer, "6.1.3.f").await;
    assert!(
        viewer
            .find_all(Locator::Css("form[method=post][action*='/requirements/']"))
            .await
            .unwrap()
            .is_empty(),
        "a viewer sees no edit form"
    );
    assert!(
        main_text(&viewer)
            .await
            .contains("Only owners and editors change answers")
    );
    let csrf = viewer
        .find(Locator::Css("form[action='/signout'] input[name=csrf]"))
        .await
        .unwrap()
        .attr("value")
        .await
        .unwrap()
        .unwrap();
    let (status, _, _) = raw(
        &address,
        "POST",
        &format!("{assessment}/requirements/6.1.3.f"),
        &cookie(&viewer, "aimsgap_session").await,
        &format!("csrf={csrf}&version=0&status=implemented"),
    );
    assert_eq!(status, 403, "a forced post by a viewer is refused");

    // ---- the owner answers a requirement and readiness moves ---------------------------
    owner
        .goto(&format!("{base}{assessment}/requirements/6.1.3.f"))
        .await
        .unwrap();
    wait_heading(&owner, "6.1.3.f").await;
    let before = overall_readiness(&main_text(&owner).await);
    choose(&owner, "#f-status", "implemented").await;
    choose(&owner, "#f-maturity", "3").await;
    fill(&owner, "#f-owner", "CISO").await;
    fill(&owner, "#f-ev0-ref", "isms/soa-2026.xlsx").await;
    choose(&owner, "#f-ev0-kind", "approved_document").await;
    click(
        &owner,
        &format!("form[action='{assessment}/requirements/6.1.3.f'] button[type=submit]"),
    )
    .await;
    wait_for(&owner, SAVED).await;
    let after_text = main_text(&owner).await;
    assert!(after_text.contains("Saved."), "{after_text}");
    let after = overall_readiness(&after_text);
    assert!(after > before, "readiness {before} -> {after}");
    screenshot(&owner, "requirement", DESKTOP).await;
    // The answer form itself: the page scrolled to its first field.
    owner
        .goto(&format!("{base}{assessment}/requirements/6.1.3.f#f-status"))
        .await
        .unwrap();
    wait_heading(&owner, "6.1.3.f").await;
    screenshot(&owner, "requirement-form", DESKTOP).await;

    // ---- a second session of the owner, on a phone, edits the same answer first ---------
    let phone = browser(&driver, PHONE.0, PHONE.1).await;
    phone.goto(&format!("{base}/")).await.unwrap();
    wait_heading(&phone, "ISO/IEC 42001").await;
    screenshot(&phone, "landing", PHONE).await;
    phone.goto(&format!("{base}/frameworks")).await.unwrap();
    wait_heading(&phone, "Frameworks").await;
    screenshot(&phone, "frameworks", PHONE).await;
    phone
        .goto(&format!(
            "{base}/quick/questions?size=150&team=1&iso=certified&soc2=no&scope_ai=no&n=1&s1_name=Chatbot&s1_role=provider"
        ))
        .await
        .unwrap();
    wait_heading(&phone, "Key questions").await;
    screenshot(&phone, "quick-questions", PHONE).await;
    submit(&phone, "/quick/result", "Your ISO/IEC 42001 readiness").await;
    screenshot(&phone, "quick-result", PHONE).await;
    phone.goto(&format!("{base}/signin")).await.unwrap();
    wait_heading(&phone, "Sign in").await;
    fill(&phone, "#f-email", "olive@example.test").await;
    fill(&phone, "#f-password", "correct horse battery").await;
    submit(&phone, "/signin", "Your organisations").await;

    let requirement = format!("{assessment}/requirements/5.2");
    owner.goto(&format!("{base}{requirement}")).await.unwrap();
    wait_heading(&owner, "5.2").await;
    phone.goto(&format!("{base}{requirement}")).await.unwrap();
    wait_heading(&phone, "5.2").await;
    choose(&phone, "#f-status", "implemented").await;
    fill(&phone, "#f-owner", "CEO").await;
    click(
        &phone,
        &format!("form[action='{requirement}'] button[type=submit]"),
    )
    .await;
    wait_for(&phone, SAVED).await;
    screenshot(&phone, "requirement", PHONE).await;
    // The first session still holds the version it read.
    choose(&owner, "#f-status", "planned").await;
    fill(&owner, "#f-owner", "Head of Risk").await;
    click(
        &owner,
        &format!("form[action='{requirement}'] button[type=submit]"),
    )
    .await;
    wait_for(
        &owner,
        "//h2[contains(., 'This answer changed while you were editing')]",
    )
    .await;
    let conflict = main_text(&owner).await;
    assert!(
        conflict.contains("This answer changed while you were editing")
            && conflict.contains("Your changes were not saved")
            && conflict.contains("You, in another window or session, saved version 2")
            && conflict.contains("implemented, owner CEO"),
        "{conflict}"
    );
    assert_eq!(
        owner
            .find(Locator::Css("#f-owner"))
            .await
            .unwrap()
            .prop("value")
            .await
            .unwrap()
            .as_deref(),
        Some("Head of Risk"),
        "the form keeps what the first session typed"
    );
    screenshot(&owner, "conflict", DESKTOP).await;

    // ---- a user of another organisation is refused --------------------------------------
    viewer.goto(&format!("{base}/")).await.unwrap();
    wait_heading(&viewer, "ISO/IEC 42001").await;
    click(&viewer, "form[action='/signout'] button").await;
    wait_for(&viewer, "//nav[@aria-label='Account']//a[.='Sign in']").await;
    viewer.goto(&format!("{base}/signup")).await.unwrap();
    wait_heading(&viewer, "Create an account").await;
    fill(&viewer, "#f-name", "Oscar Outsider").await;
    fill(&viewer, "#f-email", "oscar@example.test").await;
    fill(&viewer, "#f-password", "correct horse battery").await;
    submit(&viewer, "/signup", "Your organisations").await;
    fill(&viewer, "#f-name", "Other Corp").await;
    submit(&viewer, "/orgs", "Other Corp").await;
    viewer.goto(&format!("{base}{assessment}")).await.unwrap();
    wait_heading(&viewer, "Not found").await;
    let (status, _, _) = raw(
        &address,
        "GET",
        &assessment,
        &cookie(&viewer, "aimsgap_session").await,
        "",
    );
    assert_eq!(status, 404);
    let (status, _, _) = raw(
        &address,
        "GET",
        &org,
        &cookie(&viewer, "aimsgap_session").await,
        "",
    );
    assert_eq!(status, 404);

    for client in [owner, viewer, phone] {
        client.close().await.unwrap();
    }
}
