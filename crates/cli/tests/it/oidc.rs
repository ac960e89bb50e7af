//! Single sign-on end to end, nothing mocked: a real OpenID Connect provider (the certified
//! `oidc-provider` package from npm, run by Node.js from `crates/cli/tests/oidc/`) and
//! `aimsgap serve` with the `--oidc-*` flags, each a process on its own port. The browser is
//! an HTTP client that keeps cookies and follows redirects and the provider's login form, as a
//! browser would; one test drives Chromium through the same pages.
//!
//! Needs `node` and `npm ci --prefix crates/cli/tests/oidc` (CI runs it); without them the
//! tests print a notice and pass, unless AIMSGAP_REQUIRE_ALL=1.

use super::browser::{Guard, free_port, require_all, wait_for_port};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const CLIENT_ID: &str = "aimsgap";
const CLIENT_SECRET: &str = "client-secret-for-the-tests";

/// The provider's script, when Node.js and the package are there; else a notice (a failure
/// under AIMSGAP_REQUIRE_ALL=1).
fn provider_script() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/oidc");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let package = dir
        .join("node_modules/oidc-provider/package.json")
        .is_file();
    if node && package {
        return Some(dir.join("provider.mjs"));
    }
    let message = "Node.js and the oidc-provider package are needed for the single sign-on tests (npm ci --prefix crates/cli/tests/oidc)";
    assert!(!require_all(), "{message}");
    eprintln!("SKIPPED single sign-on tests: {message}");
    None
}

/// The accounts the provider knows, by login: e-mail, whether it is verified, name, roles.
#[derive(Clone, Debug, Default)]
struct Accounts(BTreeMap<String, serde_json::Value>);

impl Accounts {
    fn with(mut self, login: &str, email: &str, verified: bool, roles: &[&str]) -> Accounts {
        self.0.insert(
            login.to_string(),
            serde_json::json!({
                "email": email,
                "email_verified": verified,
                "name": format!("{login} at the provider"),
                "roles": roles,
            }),
        );
        self
    }
}

/// The provider and the server, stopped when dropped.
struct Stack {
    provider: Option<Guard>,
    launch: Launch,
    _server: Guard,
    /// `--database` and every flag after `--bind`, for another instance.
    database: String,
    serve_flags: Vec<String>,
    dir: PathBuf,
    accounts: PathBuf,
    server: String,
    log: PathBuf,
}

#[derive(Default)]
struct Options<'a> {
    tamper: bool,
    /// The server is told the provider's address under another name than the issuer it
    /// gives itself.
    wrong_issuer: bool,
    flags: &'a [&'a str],
    /// The database, when not a fresh SQLite file.
    database: Option<String>,
    /// The server starts before the provider does ([`Stack::start_provider`]).
    provider_later: bool,
}

/// How the provider is started.
struct Launch {
    script: PathBuf,
    port: u16,
    redirect: String,
    accounts: PathBuf,
    tamper: bool,
}

impl Launch {
    fn start(&self) -> Guard {
        let provider = Guard(
            Command::new("node")
                .arg(&self.script)
                .env("PORT", self.port.to_string())
                .env("CLIENT_ID", CLIENT_ID)
                .env("CLIENT_SECRET", CLIENT_SECRET)
                .env("REDIRECT_URI", &self.redirect)
                .env("ACCOUNTS_FILE", &self.accounts)
                .env("ROLE_CLAIM", "aimsgap_roles")
                .env("TAMPER", if self.tamper { "1" } else { "0" })
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap(),
        );
        wait_for_port(
            &format!("127.0.0.1:{}", self.port),
            "the OpenID Connect provider",
        );
        provider
    }
}

impl Stack {
    fn start(script: &Path, accounts: &Accounts, options: Options<'_>) -> Stack {
        let dir = std::env::temp_dir().join(format!(
            "aimsgap-oidc-{}-{}",
            std::process::id(),
            free_port()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let accounts_file = dir.join("accounts.json");
        write_accounts(&accounts_file, accounts);
        let provider_port = free_port();
        let server = format!("127.0.0.1:{}", free_port());
        let provider_address = format!("127.0.0.1:{provider_port}");
        let launch = Launch {
            script: script.to_path_buf(),
            port: provider_port,
            redirect: format!("http://{server}/signin/oidc/callback"),
            accounts: accounts_file.clone(),
            tamper: options.tamper,
        };
        let provider = (!options.provider_later).then(|| launch.start());
        let issuer = if options.wrong_issuer {
            format!("http://localhost:{provider_port}")
        } else {
            format!("http://{provider_address}")
        };
        let database = options
            .database
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", dir.join("aimsgap.db").display()));
        let mut serve_flags: Vec<String> = [
            "--public-url",
            &format!("http://{server}/"),
            "--oidc-issuer",
            &issuer,
            "--oidc-client-id",
            CLIENT_ID,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        serve_flags.extend(options.flags.iter().map(|s| s.to_string()));
        let log = dir.join("serve.log");
        let server_process = serve(&database, &server, &serve_flags, &log);
        Stack {
            provider,
            launch,
            _server: server_process,
            database,
            serve_flags,
            dir,
            accounts: accounts_file,
            server,
            log,
        }
    }

    /// Another instance of the server on the same database, with the same settings (the same
    /// public URL, as behind a load balancer); its address.
    fn another_instance(&self) -> (Guard, String) {
        let address = format!("127.0.0.1:{}", free_port());
        let log = self.dir.join(format!("serve-{}.log", free_port()));
        (
            serve(&self.database, &address, &self.serve_flags, &log),
            address,
        )
    }

    fn start_provider(&mut self) {
        assert!(self.provider.is_none(), "the provider runs already");
        self.provider = Some(self.launch.start());
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server)
    }

    fn accounts(&self, accounts: &Accounts) {
        write_accounts(&self.accounts, accounts);
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `aimsgap serve` on `address`, logging to `log`, once it listens.
fn serve(database: &str, address: &str, flags: &[String], log: &Path) -> Guard {
    let process = Guard(
        Command::new(env!("CARGO_BIN_EXE_aimsgap"))
            .args(["serve", "--database", database, "--bind", address])
            .args(flags)
            // The secret from the environment, never on the command line.
            .env("AIMSGAP_OIDC_CLIENT_SECRET", CLIENT_SECRET)
            .env("RUST_LOG", "info")
            // The log goes to standard output.
            .stdout(std::fs::File::create(log).unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for_port(address, "aimsgap serve");
    process
}

fn write_accounts(path: &Path, accounts: &Accounts) {
    std::fs::write(path, serde_json::to_string(&accounts.0).unwrap()).unwrap();
}

/// One answer: status, the `Location` if any, and the body.
#[derive(Debug)]
struct Answer {
    status: u16,
    location: Option<String>,
    body: String,
    url: String,
}

/// A browser without a window: cookies by name (both servers are on 127.0.0.1, where a
/// browser keeps cookies by host, not port), redirects followed, the provider's login form
/// filled in.
#[derive(Debug, Default)]
struct Browser {
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn request(&mut self, method: &str, url: &str, body: &str) -> Answer {
        let parsed = url::Url::parse(url).unwrap();
        let address = format!(
            "{}:{}",
            parsed.host_str().unwrap(),
            parsed.port_or_known_default().unwrap()
        );
        let target = match parsed.query() {
            Some(query) => format!("{}?{query}", parsed.path()),
            None => parsed.path().to_string(),
        };
        let cookie = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut stream = TcpStream::connect(&address).unwrap();
        let mut request = format!(
            "{method} {target} HTTP/1.0\r\nHost: {address}\r\nConnection: close\r\nAccept: text/html\r\n"
        );
        if !cookie.is_empty() {
            request.push_str(&format!("Cookie: {cookie}\r\n"));
        }
        if method == "POST" {
            request.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nOrigin: {}://{address}\r\n",
                body.len(),
                parsed.scheme()
            ));
        }
        request.push_str("\r\n");
        request.push_str(body);
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let split = response
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(response.len());
        let head = String::from_utf8_lossy(&response[..split]).to_string();
        let body =
            String::from_utf8_lossy(response.get(split + 4..).unwrap_or_default()).to_string();
        let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
        let mut location = None;
        for line in head.lines().skip(1) {
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            match name.to_ascii_lowercase().as_str() {
                "location" => location = Some(parsed.join(value).unwrap().to_string()),
                "set-cookie" => {
                    let pair = value.split(';').next().unwrap();
                    let (name, cookie_value) = pair.split_once('=').unwrap();
                    let lower = value.to_ascii_lowercase();
                    if cookie_value.is_empty()
                        || lower.contains("max-age=0")
                        || lower.contains("expires=thu, 01 jan 1970")
                    {
                        self.cookies.remove(name.trim());
                    } else {
                        self.cookies
                            .insert(name.trim().to_string(), cookie_value.to_string());
                    }
                }
                _ => {}
            }
        }
        Answer {
            status,
            location,
            body,
            url: url.to_string(),
        }
    }

    /// Goes to `url` and on through redirects and the provider's login form (signing in as
    /// `login`), to the first page that is neither.
    fn visit(&mut self, url: &str, login: &str) -> Answer {
        let mut answer = self.request("GET", url, "");
        for _ in 0..20 {
            if let (300..=399, Some(location)) = (answer.status, answer.location.clone()) {
                answer = self.request("GET", &location, "");
            } else if answer.status == 200
                && answer.body.contains("name=\"prompt\" value=\"login\"")
            {
                let action = form_action(&answer.body);
                let target = url::Url::parse(&answer.url).unwrap().join(&action).unwrap();
                let form = format!("prompt=login&login={login}&password=any");
                answer = self.request("POST", target.as_str(), &form);
            } else if answer.status == 200
                && answer.body.contains("name=\"prompt\" value=\"consent\"")
            {
                let action = form_action(&answer.body);
                let target = url::Url::parse(&answer.url).unwrap().join(&action).unwrap();
                answer = self.request("POST", target.as_str(), "prompt=consent");
            } else {
                return answer;
            }
        }
        panic!("too many redirects from {url}: {answer:?}");
    }

    /// A JSON API call with the session cookie.
    fn api(&mut self, url: &str) -> (u16, serde_json::Value) {
        let answer = self.request("GET", url, "");
        (
            answer.status,
            serde_json::from_str(&answer.body).unwrap_or(serde_json::Value::Null),
        )
    }

    fn signed_in(&self) -> bool {
        self.cookies.contains_key("aimsgap_session")
    }
}

fn form_action(html: &str) -> String {
    let start = html.find("action=\"").unwrap() + "action=\"".len();
    let end = html[start..].find('"').unwrap() + start;
    html[start..end]
        .replace("&amp;", "&")
        .replace("&#x2F;", "/")
}

/// A JSON request to the server without a browser: status and body.
fn json(
    stack: &Stack,
    method: &str,
    path: &str,
    cookie: &str,
    csrf: &str,
    body: &serde_json::Value,
) -> (u16, String, serde_json::Value) {
    let mut stream = TcpStream::connect(&stack.server).unwrap();
    let body = body.to_string();
    let request = format!(
        "{method} {path} HTTP/1.0\r\nHost: {}\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        stack.server,
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, payload) = response.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let cookie = head
        .lines()
        .find(|l| l.to_lowercase().starts_with("set-cookie: aimsgap_session="))
        .map(|l| {
            l.split_once('=')
                .unwrap()
                .1
                .split(';')
                .next()
                .unwrap()
                .to_string()
        })
        .unwrap_or_default();
    (
        status,
        cookie,
        serde_json::from_str(payload).unwrap_or(serde_json::Value::Null),
    )
}

/// An owner who signed up with a password, and their new organisation's id.
fn owner_with_organisation(stack: &Stack, email: &str) -> (String, String) {
    let (status, cookie, body) = json(
        stack,
        "POST",
        "/api/v1/signup",
        "",
        "",
        &serde_json::json!({"email": email, "name": "Ada", "password": "correct horse battery"}),
    );
    assert_eq!(status, 201, "{body}");
    let csrf = body["csrf"].as_str().unwrap().to_string();
    let (status, _, org) = json(
        stack,
        "POST",
        "/api/v1/orgs",
        &format!("aimsgap_session={cookie}"),
        &csrf,
        &serde_json::json!({"name": "Acme"}),
    );
    assert_eq!(status, 201, "{org}");
    (
        body["user"]["id"].as_str().unwrap().to_string(),
        org["id"].as_str().unwrap().to_string(),
    )
}

fn role_in(browser: &mut Browser, stack: &Stack, org: &str) -> Option<String> {
    let (status, orgs) = browser.api(&stack.url("/api/v1/orgs"));
    assert_eq!(status, 200, "{orgs}");
    orgs["organizations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["id"] == org)
        .map(|o| o["role"].as_str().unwrap().to_string())
}

fn me(browser: &mut Browser, stack: &Stack) -> serde_json::Value {
    let (status, me) = browser.api(&stack.url("/api/v1/me"));
    assert_eq!(status, 200, "{me}");
    me["user"].clone()
}

#[test]
fn single_sign_on_creates_and_links_accounts_and_maps_roles_against_a_real_provider() {
    let Some(script) = provider_script() else {
        return;
    };
    let stack = Stack::start(
        &script,
        &Accounts::default(),
        Options {
            flags: &[
                "--oidc-create-accounts",
                "--oidc-role-claim",
                "aimsgap_roles",
            ],
            ..Options::default()
        },
    );
    let (ada_id, org) = owner_with_organisation(&stack, "ada@example.test");
    let roles = [
        format!("aimsgap:{org}:editor"),
        "aimsgap:no-such-organisation:owner".to_string(),
        format!("aimsgap:{org}:superuser"),
    ];
    let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
    let accounts = Accounts::default()
        .with("carol", "carol@example.test", true, &roles)
        .with("ada-at-idp", "ADA@example.test", true, &[])
        .with("mallory", "ada@example.test", false, &[]);
    stack.accounts(&accounts);

    // A first sign-in with a verified address nobody has: an account is made, and the role
    // claim gives the editor role in the organisation (the unknown ones are left).
    let mut carol = Browser::default();
    let landed = carol.visit(&stack.url("/signin/oidc?next=/orgs"), "carol");
    assert_eq!(landed.status, 200, "{landed:?}\n{}", stack.log());
    assert!(landed.url.ends_with("/orgs"), "{}", landed.url);
    assert!(carol.signed_in());
    let carol_user = me(&mut carol, &stack);
    assert_eq!(carol_user["email"], "carol@example.test");
    assert_eq!(carol_user["name"], "carol at the provider");
    assert_eq!(role_in(&mut carol, &stack, &org).as_deref(), Some("editor"));

    // A verified address of an existing account links to it: the same user as the password
    // sign-up, not a new one (the address is compared without case).
    let mut ada = Browser::default();
    // A `next` to another site is not kept: the sign-in lands on this one.
    let landed = ada.visit(
        &stack.url("/signin/oidc?next=%2F%2Fevil.example%2Forgs"),
        "ada-at-idp",
    );
    assert_eq!(landed.status, 200, "{landed:?}");
    assert_eq!(landed.url, stack.url("/orgs"));
    assert_eq!(me(&mut ada, &stack)["id"], ada_id.as_str());
    assert_eq!(role_in(&mut ada, &stack, &org).as_deref(), Some("owner"));

    // An unverified address does not link, even to an account that has it.
    let mut mallory = Browser::default();
    let refused = mallory.visit(&stack.url("/signin/oidc"), "mallory");
    assert_eq!(refused.status, 403, "{refused:?}");
    assert!(
        refused
            .body
            .contains("has not confirmed this e-mail address"),
        "{}",
        refused.body
    );
    assert!(!mallory.signed_in());

    // Later sign-ins go by the identity, not the address: carol's address changes at the
    // provider, and her role claim now makes her an owner.
    let owner_role = format!("aimsgap:{org}:owner");
    stack.accounts(&accounts.clone().with(
        "carol",
        "carol.new@example.test",
        true,
        &[owner_role.as_str()],
    ));
    let mut again = Browser::default();
    let landed = again.visit(&stack.url("/signin/oidc"), "carol");
    assert_eq!(landed.status, 200, "{landed:?}");
    assert_eq!(me(&mut again, &stack)["id"], carol_user["id"]);
    assert_eq!(role_in(&mut again, &stack, &org).as_deref(), Some("owner"));

    // The sign-in's one-time state: replaying the provider's answer does not sign in again.
    let mut replay = Browser::default();
    let first = replay.request("GET", &stack.url("/signin/oidc"), "");
    assert_eq!(first.status, 303);
    let mut hop = replay.request("GET", first.location.as_deref().unwrap(), "");
    let mut callback = None;
    for _ in 0..10 {
        if let Some(location) = hop.location.clone() {
            if location.contains("/signin/oidc/callback") {
                callback = Some(location);
                break;
            }
            hop = replay.request("GET", &location, "");
        } else if hop.body.contains("name=\"prompt\" value=\"login\"") {
            let target = url::Url::parse(&hop.url)
                .unwrap()
                .join(&form_action(&hop.body))
                .unwrap();
            hop = replay.request(
                "POST",
                target.as_str(),
                "prompt=login&login=carol&password=any",
            );
        } else {
            break;
        }
    }
    let callback = callback.expect("the provider sends the browser back");
    let mut thief = Browser {
        cookies: replay.cookies.clone(),
    };
    let used = replay.request("GET", &callback, "");
    assert_eq!(used.status, 303, "{used:?}");
    let again = thief.request("GET", &callback, "");
    assert_eq!(again.status, 400, "{again:?}");
    assert!(
        again.body.contains("expired or was already used"),
        "{}",
        again.body
    );
}

#[test]
fn a_tampered_id_token_is_refused() {
    let Some(script) = provider_script() else {
        return;
    };
    let accounts = Accounts::default().with("carol", "carol@example.test", true, &[]);
    let stack = Stack::start(
        &script,
        &accounts,
        Options {
            tamper: true,
            flags: &["--oidc-create-accounts"],
            ..Options::default()
        },
    );
    let mut browser = Browser::default();
    let refused = browser.visit(&stack.url("/signin/oidc"), "carol");
    assert_eq!(refused.status, 401, "{refused:?}\n{}", stack.log());
    assert!(
        refused.body.contains("could not be verified"),
        "{}",
        refused.body
    );
    assert!(!browser.signed_in());
    // Refused for its signature, by the crate's check, not for anything else.
    let log = stack.log();
    assert!(log.contains("the ID token did not verify"), "{log}");
    assert!(log.contains("Signature verification failed"), "{log}");
}

#[test]
fn a_provider_whose_discovery_names_another_issuer_is_refused() {
    let Some(script) = provider_script() else {
        return;
    };
    let accounts = Accounts::default().with("carol", "carol@example.test", true, &[]);
    // The provider calls itself http://127.0.0.1:PORT; the server is told http://localhost:PORT,
    // the same provider under another name, so discovery answers with an issuer that differs.
    let stack = Stack::start(
        &script,
        &accounts,
        Options {
            wrong_issuer: true,
            flags: &["--oidc-create-accounts"],
            ..Options::default()
        },
    );
    let mut browser = Browser::default();
    let refused = browser.visit(&stack.url("/signin/oidc"), "carol");
    assert_eq!(refused.status, 503, "{refused:?}\n{}", stack.log());
    assert!(
        refused.body.contains("Single sign-on is not available"),
        "{}",
        refused.body
    );
    assert!(!browser.signed_in());
    assert!(stack.log().contains("unexpected issuer"), "{}", stack.log());
    // The server serves on: the health check answers.
    let (status, health) = browser.api(&stack.url("/healthz"));
    assert_eq!(status, 200, "{health}");
}

#[test]
fn without_account_creation_and_passwords_only_linked_people_get_in() {
    let Some(script) = provider_script() else {
        return;
    };
    let accounts = Accounts::default().with("dave", "dave@example.test", true, &[]);
    let stack = Stack::start(
        &script,
        &accounts,
        Options {
            flags: &["--no-password-sign-in"],
            ..Options::default()
        },
    );
    // A verified address without an account, on a server that does not create accounts.
    let mut dave = Browser::default();
    let refused = dave.visit(&stack.url("/signin/oidc"), "dave");
    assert_eq!(refused.status, 403, "{refused:?}\n{}", stack.log());
    assert!(
        refused.body.contains("does not create accounts"),
        "{}",
        refused.body
    );
    assert!(!dave.signed_in());
    // Passwords are off: the sign-in page has no password form, and the API refuses both
    // the sign-up and the sign-in with a password.
    let page = dave.request("GET", &stack.url("/signin"), "");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Sign in with single sign-on"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("type=\"password\""), "{}", page.body);
    for path in ["/api/v1/signup", "/api/v1/login"] {
        let (status, _, body) = json(
            &stack,
            "POST",
            path,
            "",
            "",
            &serde_json::json!({"email": "dave@example.test", "name": "Dave", "password": "correct horse battery"}),
        );
        assert_eq!(status, 403, "{path}: {body}");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("password sign-in is switched off"),
            "{path}: {body}"
        );
    }
}

/// Chromium through the provider's own login page: the sign-in page with its button at
/// desktop and phone sizes, a sign-in that lands on the list of organisations, and a refusal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_single_sign_on_through_the_provider_s_pages() {
    use super::browser::{
        DESKTOP, PHONE, browser, click, fill, fits, main_text, screenshot, tools, wait_heading,
    };
    let Some(script) = provider_script() else {
        return;
    };
    let Some((_, chromedriver)) = tools() else {
        return;
    };
    let accounts = Accounts::default()
        .with("carol", "carol@example.test", true, &[])
        .with("mallory", "mallory@example.test", false, &[]);
    let stack = Stack::start(
        &script,
        &accounts,
        Options {
            flags: &["--oidc-create-accounts"],
            ..Options::default()
        },
    );
    let driver = format!("127.0.0.1:{}", free_port());
    let _chromedriver = crate::browser::chromedriver(&chromedriver, &driver);
    wait_for_port(&driver, "chromedriver");

    for (size, name) in [(DESKTOP, "desktop"), (PHONE, "phone")] {
        let client = browser(&driver, size.0, size.1).await;
        client.goto(&stack.url("/signin")).await.unwrap();
        wait_heading(&client, "Sign in").await;
        fits(&client, &format!("the sign-in page ({name})")).await;
        screenshot(&client, "signin-single-sign-on", size).await;
        click(&client, "a.button[href^='/signin/oidc']").await;
        // The provider's login page, then back to the server, signed in.
        fill(&client, "input[name=login]", "carol").await;
        fill(&client, "input[name=password]", "any").await;
        click(&client, "button[type=submit]").await;
        wait_heading(&client, "Your organisations").await;
        assert!(
            main_text(&client).await.contains("organisation"),
            "{name}: signed in"
        );
        client.close().await.unwrap();
    }

    // Refused: the provider has not confirmed the address; the page says so and why.
    let client = browser(&driver, PHONE.0, PHONE.1).await;
    client.goto(&stack.url("/signin/oidc")).await.unwrap();
    fill(&client, "input[name=login]", "mallory").await;
    fill(&client, "input[name=password]", "any").await;
    click(&client, "button[type=submit]").await;
    wait_heading(&client, "Not signed in").await;
    assert!(
        main_text(&client)
            .await
            .contains("has not confirmed this e-mail address"),
    );
    fits(&client, "the refusal page (phone)").await;
    screenshot(&client, "signin-single-sign-on-refused", PHONE).await;
    client.close().await.unwrap();
}

/// A sign-in begun on one instance is finished by another sharing its PostgreSQL database
/// (the pending sign-in is in the database, not in a process), and only once.
#[test]
fn a_sign_in_begun_on_one_instance_finishes_on_another_sharing_postgres() {
    let Some(script) = provider_script() else {
        return;
    };
    let Some(url) = std::env::var("AIMSGAP_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        assert!(
            !require_all(),
            "AIMSGAP_TEST_DATABASE_URL is required (AIMSGAP_REQUIRE_ALL=1)"
        );
        eprintln!(
            "notice: skipping the two-instance single sign-on test: AIMSGAP_TEST_DATABASE_URL is not set"
        );
        return;
    };
    let login = format!("erin-{}", free_port());
    let email = format!("{login}@example.test");
    let accounts = Accounts::default().with(&login, &email, true, &[]);
    let stack = Stack::start(
        &script,
        &accounts,
        Options {
            flags: &["--oidc-create-accounts"],
            database: Some(url),
            ..Options::default()
        },
    );
    let (_second, second) = stack.another_instance();
    // Through the provider on the first instance, up to its answer.
    let mut browser = Browser::default();
    let mut hop = browser.request("GET", &stack.url("/signin/oidc"), "");
    let mut callback = None;
    for _ in 0..10 {
        if let Some(location) = hop.location.clone() {
            if location.contains("/signin/oidc/callback") {
                callback = Some(location);
                break;
            }
            hop = browser.request("GET", &location, "");
        } else if hop.body.contains("name=\"prompt\" value=\"login\"") {
            let target = url::Url::parse(&hop.url)
                .unwrap()
                .join(&form_action(&hop.body))
                .unwrap();
            let form = format!("prompt=login&login={login}&password=any");
            hop = browser.request("POST", target.as_str(), &form);
        } else {
            break;
        }
    }
    let callback = callback.expect("the provider sends the browser back");
    // The answer, delivered to the other instance.
    let mut on_second = url::Url::parse(&callback).unwrap();
    on_second
        .set_port(Some(second.rsplit(':').next().unwrap().parse().unwrap()))
        .unwrap();
    let mut thief = Browser {
        cookies: browser.cookies.clone(),
    };
    let done = browser.request("GET", on_second.as_str(), "");
    assert_eq!(done.status, 303, "{done:?}");
    assert!(browser.signed_in());
    let (status, me) = browser.api(&format!("http://{second}/api/v1/me"));
    assert_eq!(
        (status, me["user"]["email"].as_str()),
        (200, Some(email.as_str()))
    );
    // And not a second time, on the first instance.
    let again = thief.request("GET", &callback, "");
    assert_eq!(again.status, 400, "{again:?}");
}

/// The server starts while the provider is down, says so in its log and refuses single
/// sign-on as unavailable; once the provider is up, the next sign-in reads its discovery and
/// goes through, with no restart.
#[test]
fn a_provider_down_at_start_is_discovered_at_the_next_sign_in() {
    let Some(script) = provider_script() else {
        return;
    };
    let accounts = Accounts::default().with("carol", "carol@example.test", true, &[]);
    let mut stack = Stack::start(
        &script,
        &accounts,
        Options {
            flags: &["--oidc-create-accounts"],
            provider_later: true,
            ..Options::default()
        },
    );
    let mut browser = Browser::default();
    let down = browser.visit(&stack.url("/signin/oidc"), "carol");
    assert_eq!(down.status, 503, "{down:?}");
    assert!(!browser.signed_in());
    let log = stack.log();
    assert!(log.contains("single sign-on: discovery failed"), "{log}");
    stack.start_provider();
    let landed = browser.visit(&stack.url("/signin/oidc"), "carol");
    assert_eq!(landed.status, 200, "{landed:?}\n{}", stack.log());
    assert!(browser.signed_in());
}
