//! The real server process: `aimsgap serve` on a socket, `push`, backup and restore, graceful
//! shutdown, and two instances sharing one PostgreSQL database.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(database: &str) -> Server {
    start_with(database, &[])
}

fn start_with(database: &str, extra: &[&str]) -> Server {
    let address = format!("127.0.0.1:{}", free_port());
    let child = Command::new(env!("CARGO_BIN_EXE_aimsgap"))
        .args(["serve", "--database", database, "--bind", &address])
        .args(extra)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(&address).is_err() {
        assert!(
            Instant::now() < deadline,
            "server did not start on {address}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    Server { child, address }
}

/// One HTTP/1.1 request; returns status, the session cookie if set, and the JSON body.
fn http(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&serde_json::Value>,
) -> (u16, Option<String>, serde_json::Value) {
    let mut stream = TcpStream::connect(address).unwrap();
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(&body);
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
        });
    (
        status,
        cookie,
        serde_json::from_str(payload).unwrap_or(serde_json::Value::Null),
    )
}

struct Session {
    cookie: String,
    csrf: String,
}

impl Session {
    fn headers(&self) -> Vec<(String, String)> {
        vec![
            ("Cookie".into(), format!("aimsgap_session={}", self.cookie)),
            ("X-CSRF-Token".into(), self.csrf.clone()),
        ]
    }
    fn call(
        &self,
        address: &str,
        method: &str,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let headers = self.headers();
        let headers: Vec<(&str, &str)> = headers
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let (status, _, value) = http(address, method, path, &headers, body);
        (status, value)
    }
}

fn sign_up(address: &str) -> (Session, String) {
    let email = format!(
        "{}@example.test",
        aimsgap_store::new_token().unwrap().get(..10).unwrap()
    );
    let (status, cookie, body) = http(
        address,
        "POST",
        "/api/v1/signup",
        &[],
        Some(
            &serde_json::json!({"email": email, "name": "Ada", "password": "correct horse battery"}),
        ),
    );
    assert_eq!(status, 201, "{body}");
    (
        Session {
            cookie: cookie.unwrap(),
            csrf: body["csrf"].as_str().unwrap().to_string(),
        },
        email,
    )
}

fn log_in(address: &str, email: &str) -> Session {
    let (status, cookie, body) = http(
        address,
        "POST",
        "/api/v1/login",
        &[],
        Some(&serde_json::json!({"email": email, "password": "correct horse battery"})),
    );
    assert_eq!(status, 200, "{body}");
    Session {
        cookie: cookie.unwrap(),
        csrf: body["csrf"].as_str().unwrap().to_string(),
    }
}

fn temp_dir(name: &str) -> crate::Scratch {
    crate::fresh_dir(name)
}

#[test]
fn serve_push_backup_restore_and_shut_down_gracefully() {
    let dir = temp_dir("serve");
    let database = format!("sqlite://{}?mode=rwc", dir.join("a.db").display());
    let mut server = start(&database);
    let (session, _) = sign_up(&server.address);
    let (_, org) = session.call(
        &server.address,
        "POST",
        "/api/v1/orgs",
        Some(&serde_json::json!({"name": "Acme"})),
    );
    let org = org["id"].as_str().unwrap().to_string();
    let (_, token) = session.call(
        &server.address,
        "POST",
        "/api/v1/tokens",
        Some(&serde_json::json!({"name": "ci"})),
    );
    let token = token["token"].as_str().unwrap().to_string();

    let push = super::aimsgap(&[
        "push",
        "examples/bank-credit-scoring.yaml",
        "--server",
        &format!("http://{}", server.address),
        "--token",
        &token,
        "--org",
        &org,
    ]);
    assert!(push.status.success(), "{}", super::stderr(&push));
    assert!(super::stdout(&push).contains("pushed examples/bank-credit-scoring.yaml"));
    let refused = super::aimsgap(&[
        "push",
        "examples/bank-credit-scoring.yaml",
        "--server",
        &format!("http://{}", server.address),
        "--token",
        "wrong",
        "--org",
        &org,
    ]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        super::stderr(&refused).contains("(401)"),
        "{}",
        super::stderr(&refused)
    );
    let (status, list) = session.call(
        &server.address,
        "GET",
        &format!("/api/v1/orgs/{org}/assessments"),
        None,
    );
    assert_eq!(status, 200);
    assert_eq!(list["assessments"].as_array().unwrap().len(), 1);

    // Graceful shutdown on SIGTERM: the process ends by itself, successfully.
    let _ = Command::new("kill")
        .args(["-TERM", &server.child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop on SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");

    // Backup and restore into a second database: the same content.
    let backup = dir.join("backup.json");
    let out = super::aimsgap(&[
        "backup",
        "--database",
        &database,
        "-o",
        backup.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", super::stderr(&out));
    let printed = super::stdout(&out);
    assert!(
        printed.contains("users 1, api_tokens 1, organizations 1, memberships 1")
            && printed.contains("sha256 "),
        "the backup prints its counts: {printed}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a backup holds password hashes");
    }
    let second = format!("sqlite://{}?mode=rwc", dir.join("b.db").display());
    let out = super::aimsgap(&["restore", backup.to_str().unwrap(), "--database", &second]);
    assert!(out.status.success(), "{}", super::stderr(&out));
    let printed = super::stdout(&out);
    assert!(
        printed.contains("verified") && printed.contains("row counts and sha256"),
        "restore says what it verified: {printed}"
    );
    let again = dir.join("again.json");
    let out = super::aimsgap(&[
        "backup",
        "--database",
        &second,
        "-o",
        again.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", super::stderr(&out));
    let first: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&backup).unwrap()).unwrap();
    let copy: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&again).unwrap()).unwrap();
    assert_eq!(first["tables"], copy["tables"]);
    assert_eq!(first["manifest"]["sha256"], copy["manifest"]["sha256"]);
    assert_eq!(first["tables"]["assessments"].as_array().unwrap().len(), 1);
    let twice = super::aimsgap(&["restore", backup.to_str().unwrap(), "--database", &second]);
    assert_eq!(
        twice.status.code(),
        Some(2),
        "restore refuses a database with data"
    );

    // Truncated or tampered files are refused with where, and the target stays empty.
    let text = std::fs::read_to_string(&backup).unwrap();
    let target = format!("sqlite://{}?mode=rwc", dir.join("c.db").display());
    let mut changed_count = first.clone();
    changed_count["manifest"]["counts"]["users"] = serde_json::json!(2);
    let mut changed_value = first.clone();
    changed_value["tables"]["memberships"][0]["role"] = serde_json::json!("superuser");
    for (name, content, expected) in [
        (
            "truncated",
            text[..text.len() / 2].to_string(),
            "not a JSON document",
        ),
        (
            "count",
            changed_count.to_string(),
            "manifest.counts.users: says 2 rows",
        ),
        (
            "value",
            changed_value.to_string(),
            "manifest.sha256: the tables do not match",
        ),
    ] {
        let file = dir.join(format!("{name}.json"));
        std::fs::write(&file, content).unwrap();
        let out = super::aimsgap(&["restore", file.to_str().unwrap(), "--database", &target]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            super::stderr(&out).contains(expected),
            "{name}: {}",
            super::stderr(&out)
        );
    }
    let out = super::aimsgap(&["restore", backup.to_str().unwrap(), "--database", &target]);
    assert!(
        out.status.success(),
        "the target stayed empty: {}",
        super::stderr(&out)
    );

    // A version 1 file restores, with a warning that it could not be checked for completeness.
    let mut old = first.clone();
    old.as_object_mut().unwrap().remove("manifest");
    old["format"] = serde_json::json!("aimsgap-backup/1");
    let file = dir.join("old.json");
    std::fs::write(&file, old.to_string()).unwrap();
    let fourth = format!("sqlite://{}?mode=rwc", dir.join("d.db").display());
    let out = super::aimsgap(&["restore", file.to_str().unwrap(), "--database", &fourth]);
    assert!(out.status.success(), "{}", super::stderr(&out));
    assert!(
        super::stderr(&out).contains("warning:") && super::stderr(&out).contains("no checksum"),
        "{}",
        super::stderr(&out)
    );

    // A backup that cannot be written is a failure, and leaves nothing behind.
    let nowhere = dir.join("missing").join("backup.json");
    let out = super::aimsgap(&[
        "backup",
        "--database",
        &database,
        "-o",
        nowhere.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", super::stdout(&out));
    assert!(!nowhere.exists());
    let stale: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(stale.is_empty(), "{stale:?}");
}

/// Two server processes against one PostgreSQL database serve the same organisation
/// consistently, and concurrent edits of one answer give one winner and one 409.
#[test]
fn two_instances_share_one_postgres_database() {
    let Some(url) = std::env::var("AIMSGAP_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        assert!(
            std::env::var("AIMSGAP_REQUIRE_ALL").as_deref() != Ok("1"),
            "AIMSGAP_TEST_DATABASE_URL is required (AIMSGAP_REQUIRE_ALL=1)"
        );
        eprintln!("notice: skipping the two-instance test: AIMSGAP_TEST_DATABASE_URL is not set");
        return;
    };
    let a = start(&url);
    let b = start(&url);
    let (on_a, email) = sign_up(&a.address);
    let on_b = log_in(&b.address, &email);
    let (_, org) = on_a.call(
        &a.address,
        "POST",
        "/api/v1/orgs",
        Some(&serde_json::json!({"name": "Shared"})),
    );
    let org = org["id"].as_str().unwrap().to_string();
    let content =
        std::fs::read_to_string(super::root().join("examples/saas-chatbot-iso27001.yaml")).unwrap();
    let (status, created) = on_b.call(
        &b.address,
        "POST",
        &format!("/api/v1/orgs/{org}/assessments"),
        Some(&serde_json::json!({"name": "x", "content": content})),
    );
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let (_, before) = on_a.call(
        &a.address,
        "GET",
        &format!("/api/v1/assessments/{id}/result"),
        None,
    );

    // The same version, written through both instances at once.
    let path = format!("/api/v1/assessments/{id}/answers/9.2.1-1");
    let body_a = serde_json::json!({"version": 0, "answer": {"status": "implemented", "evidence": [{"ref": "a", "kind": "audit_report", "date": "2026-11-01"}]}});
    let body_b = serde_json::json!({"version": 0, "answer": {"status": "planned"}});
    let (address_a, address_b) = (a.address.clone(), b.address.clone());
    let (headers_a, headers_b) = (on_a.headers(), on_b.headers());
    let ta = std::thread::spawn({
        let path = path.clone();
        move || {
            let h: Vec<(&str, &str)> = headers_a
                .iter()
                .map(|(x, y)| (x.as_str(), y.as_str()))
                .collect();
            http(&address_a, "PUT", &path, &h, Some(&body_a)).0
        }
    });
    let tb = std::thread::spawn(move || {
        let h: Vec<(&str, &str)> = headers_b
            .iter()
            .map(|(x, y)| (x.as_str(), y.as_str()))
            .collect();
        http(&address_b, "PUT", &path, &h, Some(&body_b)).0
    });
    let mut statuses = [ta.join().unwrap(), tb.join().unwrap()];
    statuses.sort_unstable();
    assert_eq!(
        statuses,
        [200, 409],
        "one winner, one conflict, no lost update"
    );

    // Both instances now see the same answer and the same result (the cache follows the
    // shared revision, not the instance).
    let (_, from_a) = on_a.call(
        &a.address,
        "GET",
        &format!("/api/v1/assessments/{id}/answers"),
        None,
    );
    let (_, from_b) = on_b.call(
        &b.address,
        "GET",
        &format!("/api/v1/assessments/{id}/answers"),
        None,
    );
    assert_eq!(from_a, from_b);
    let (_, result_a) = on_a.call(
        &a.address,
        "GET",
        &format!("/api/v1/assessments/{id}/result"),
        None,
    );
    let (_, result_b) = on_b.call(
        &b.address,
        "GET",
        &format!("/api/v1/assessments/{id}/result"),
        None,
    );
    assert_eq!(result_a, result_b);
    assert_ne!(
        result_a["requirements"], before["requirements"],
        "the edit reached the result"
    );
}

/// A one-request server on a loopback port: it records what arrives (up to the end of the
/// request's body, or the first bytes when the client speaks TLS) and answers `reply`.
struct OneShot {
    address: String,
    request: std::thread::JoinHandle<Vec<u8>>,
}

fn one_shot(reply: &'static str) -> OneShot {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let request = std::thread::spawn(move || {
        // Never wait forever: a client that does not come leaves an empty record.
        listener.set_nonblocking(true).unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        let mut stream = loop {
            match listener.accept() {
                Ok((stream, _)) => break stream,
                Err(_) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(_) => return Vec::new(),
            }
        };
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        while let Ok(read) = stream.read(&mut buffer) {
            if read == 0 {
                break;
            }
            received.extend_from_slice(&buffer[..read]);
            // A TLS ClientHello starts with a handshake record (0x16): nothing more to read.
            if received.first() == Some(&0x16) {
                return received;
            }
            let text = String::from_utf8_lossy(&received);
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|l| {
                        l.to_lowercase()
                            .strip_prefix("content-length: ")
                            .map(str::to_string)
                    })
                    .and_then(|n| n.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                if body.len() >= length {
                    break;
                }
            }
        }
        stream.write_all(reply.as_bytes()).unwrap();
        received
    });
    OneShot { address, request }
}

fn push_to(server: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "push",
        "examples/bank-credit-scoring.yaml",
        "--server",
        server,
        "--token",
        "secret-token",
        "--org",
        "org-1",
    ];
    args.extend_from_slice(extra);
    super::aimsgap(&args)
}

#[test]
fn push_keeps_the_server_s_base_path_and_reads_a_chunked_answer() {
    let server = one_shot(
        "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n6\r\n{\"id\":\r\n9\r\n\"abc-123\"\r\n1\r\n}\r\n0\r\n\r\n",
    );
    let output = push_to(&format!("http://{}/prefix/", server.address), &[]);
    let request = String::from_utf8(server.request.join().unwrap()).unwrap();
    assert!(output.status.success(), "{}", super::stderr(&output));
    assert_eq!(
        super::stdout(&output),
        "pushed examples/bank-credit-scoring.yaml as assessment abc-123\n"
    );
    assert!(
        request.starts_with("POST /prefix/api/v1/orgs/org-1/assessments HTTP/1.1\r\n"),
        "{request}"
    );
    let lower = request.to_lowercase();
    assert!(
        lower.contains("authorization: bearer secret-token\r\n"),
        "{request}"
    );
    assert!(
        lower.contains("content-type: application/json\r\n"),
        "{request}"
    );
    let body: serde_json::Value =
        serde_json::from_str(request.split_once("\r\n\r\n").unwrap().1).unwrap();
    assert_eq!(body["name"], "examples/bank-credit-scoring.yaml");
    assert!(body["content"].as_str().unwrap().contains("organization"));
}

#[test]
fn push_speaks_tls_to_an_https_server() {
    // The fake server does not answer the handshake; what matters is that the client opens
    // with a TLS ClientHello (and so never sends the token in the clear), then gives up.
    let server = one_shot("");
    let output = push_to(&format!("https://{}/", server.address), &[]);
    let received = server.request.join().unwrap();
    assert_eq!(received.first(), Some(&0x16), "not a TLS handshake record");
    assert!(!String::from_utf8_lossy(&received).contains("secret-token"));
    assert_eq!(output.status.code(), Some(2), "{}", super::stderr(&output));
}

#[test]
fn push_refuses_plain_http_to_another_machine_before_connecting() {
    let started = Instant::now();
    let output = push_to("http://example.test:9/", &[]);
    assert_eq!(output.status.code(), Some(2));
    let error = super::stderr(&output);
    assert!(
        error.contains("refusing to send the API token over plain HTTP to example.test")
            && error.contains("--insecure-http"),
        "{error}"
    );
    assert!(
        !error.contains("cannot reach"),
        "it tried to connect: {error}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // With the flag, it goes on to connect (and fails for want of a server).
    let output = push_to("http://example.test:9/", &["--insecure-http"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        super::stderr(&output).contains("cannot reach example.test"),
        "{}",
        super::stderr(&output)
    );
}

#[test]
fn serve_loads_a_custom_catalog_once_and_lists_its_frameworks() {
    let dir = temp_dir("custom-catalog");
    let database = format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display());
    let catalogs = super::root().join("crates/cli/tests/data/custom-catalogs");
    let server = start_with(
        &database,
        &["--catalogs", catalogs.join("valid").to_str().unwrap()],
    );
    let (status, _, body) = http(&server.address, "GET", "/api/v1/frameworks", &[], None);
    assert_eq!(status, 200, "{body}");
    let frameworks = body["frameworks"].as_array().unwrap();
    let acme = frameworks
        .iter()
        .find(|f| f["id"] == "acme-ai-controls")
        .unwrap_or_else(|| panic!("the custom framework is not listed: {body}"));
    assert_eq!(acme["requirements"], 5);
    assert_eq!(acme["certifiable"], true);
    assert!(frameworks.iter().any(|f| f["id"] == "iso42001"));
    drop(server);

    // A broken folder stops the start with the located errors, before anything listens.
    let output = Command::new(env!("CARGO_BIN_EXE_aimsgap"))
        .args(["serve", "--database", &database, "--bind", "127.0.0.1:0"])
        .arg("--catalogs")
        .arg(catalogs.join("broken"))
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        err.contains("acme-ai-controls.yaml:15:11: requirements[1].kind"),
        "{err}"
    );
}
