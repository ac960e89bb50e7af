//! Two `aimsgap serve` processes on one PostgreSQL database, both at their digest hour and
//! sending to one real SMTP server (aiosmtpd), started together: each member's digest for the
//! day goes out exactly once, and a restart the same day sends none. Skips with a notice
//! without PostgreSQL (AIMSGAP_TEST_DATABASE_URL) or aiosmtpd; fails instead under
//! AIMSGAP_REQUIRE_ALL=1.

use crate::smtp::SmtpServer;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

struct Instance {
    child: Child,
    address: String,
    log: PathBuf,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Instance {
    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the instance logged a finished digest pass; returns that line.
    fn wait_for_pass(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            if let Some(line) = self.log().lines().find(|l| l.contains("digest pass done")) {
                return line.to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no digest pass on {} within 90 s:\n{}",
                self.address,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `aimsgap serve` on a free port, its log (standard output and error) written to a file.
fn start(database: &str, extra: &[&str], log: &Path) -> Instance {
    let address = format!("127.0.0.1:{}", free_port());
    let file = std::fs::File::create(log).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_aimsgap"))
        .args(["serve", "--database", database, "--bind", &address])
        .args(extra)
        .env("RUST_LOG", "info,sqlx=warn")
        .stdout(Stdio::from(file.try_clone().unwrap()))
        .stderr(Stdio::from(file))
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
    Instance {
        child,
        address,
        log: log.to_path_buf(),
    }
}

/// One HTTP/1.1 request with JSON; returns the status, the session cookie if set, and the body.
fn http(
    address: &str,
    method: &str,
    path: &str,
    session: Option<(&str, &str)>,
    body: &serde_json::Value,
) -> (u16, Option<String>, serde_json::Value) {
    let mut stream = TcpStream::connect(address).unwrap();
    let body = body.to_string();
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some((cookie, csrf)) = session {
        request.push_str(&format!(
            "Cookie: aimsgap_session={cookie}\r\nX-CSRF-Token: {csrf}\r\n"
        ));
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
        .and_then(|l| l.split_once('=').map(|(_, v)| v))
        .and_then(|v| v.split(';').next())
        .map(str::to_string);
    (
        status,
        cookie,
        serde_json::from_str(payload).unwrap_or(serde_json::Value::Null),
    )
}

/// A new member with an organisation, an assessment and a work item they own that is long
/// overdue (so it is due whatever today is); returns their e-mail address.
fn member_with_overdue_work(address: &str, name: &str) -> String {
    let email = format!(
        "{}-{}@example.test",
        name.to_lowercase(),
        aimsgap_store::new_token().unwrap().get(..10).unwrap()
    );
    let (status, cookie, body) = http(
        address,
        "POST",
        "/api/v1/signup",
        None,
        &serde_json::json!({"email": email, "name": name, "password": "correct horse battery"}),
    );
    assert_eq!(status, 201, "{body}");
    let cookie = cookie.unwrap();
    let csrf = body["csrf"].as_str().unwrap().to_string();
    let user = body["user"]["id"].as_str().unwrap().to_string();
    let session = Some((cookie.as_str(), csrf.as_str()));
    let (_, _, org) = http(
        address,
        "POST",
        "/api/v1/orgs",
        session,
        &serde_json::json!({"name": format!("{name} Ltd")}),
    );
    let org = org["id"].as_str().unwrap().to_string();
    let content =
        std::fs::read_to_string(super::root().join("examples/saas-chatbot-iso27001.yaml")).unwrap();
    let (status, _, created) = http(
        address,
        "POST",
        &format!("/api/v1/orgs/{org}/assessments"),
        session,
        &serde_json::json!({"name": "Digest", "content": content}),
    );
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, _, work) = http(
        address,
        "PUT",
        &format!("/api/v1/assessments/{id}/work-items/requirement:5.2"),
        session,
        &serde_json::json!({"version": 0, "owner_user": user, "due": "2020-01-15", "state": "in_progress"}),
    );
    assert_eq!(status, 200, "{work}");
    email
}

/// The messages that reached each address, counted.
fn count_for(smtp: &SmtpServer, address: &str) -> usize {
    smtp.messages()
        .iter()
        .filter(|m| m.rcpt_to.iter().any(|to| to == address))
        .count()
}

#[test]
fn two_instances_on_one_postgres_database_send_each_digest_exactly_once() {
    let Some(url) = std::env::var("AIMSGAP_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        assert!(
            std::env::var("AIMSGAP_REQUIRE_ALL").as_deref() != Ok("1"),
            "AIMSGAP_TEST_DATABASE_URL is required (AIMSGAP_REQUIRE_ALL=1)"
        );
        eprintln!(
            "notice: skipping the two-instance digest test: AIMSGAP_TEST_DATABASE_URL is not set"
        );
        return;
    };
    let Some(smtp) = SmtpServer::start() else {
        return;
    };
    let dir = crate::fresh_dir("digest");

    // The members and their work, through an instance without mail (so it sends nothing).
    let emails = {
        let setup = start(&url, &[], &dir.join("setup.log"));
        let emails: Vec<String> = ["Ada", "Ben", "Cy"]
            .iter()
            .map(|name| member_with_overdue_work(&setup.address, name))
            .collect();
        assert!(setup.log().contains("no digest is sent"), "{}", setup.log());
        emails
    };

    // Both instances at the current UTC hour, started together. Near midnight, wait for the
    // new day, so that both passes and the restart share one day.
    let seconds = || {
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let until_midnight = 86_400 - seconds() % 86_400;
    if until_midnight < 120 {
        std::thread::sleep(Duration::from_secs(until_midnight + 1));
    }
    let hour = (seconds() / 3600 % 24).to_string();
    let smtp_url = smtp.url();
    let args = [
        "--smtp-url",
        smtp_url.as_str(),
        "--mail-from",
        "aimsgap <noreply@example.org>",
        "--public-url",
        "https://gap.example.org/",
        "--digest-hour",
        hour.as_str(),
    ];
    let a = start(&url, &args, &dir.join("a.log"));
    let b = start(&url, &args, &dir.join("b.log"));
    let (pass_a, pass_b) = (a.wait_for_pass(), b.wait_for_pass());

    // Each member's message arrives, once: wait for all of them, then a little longer for
    // any duplicate.
    let deadline = Instant::now() + Duration::from_secs(30);
    while emails.iter().any(|e| count_for(&smtp, e) == 0) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(2));
    for email in &emails {
        assert_eq!(
            count_for(&smtp, email),
            1,
            "{email}: exactly one digest\nA: {pass_a}\nB: {pass_b}"
        );
    }
    let to_ada = smtp
        .messages()
        .into_iter()
        .find(|m| m.rcpt_to.contains(&emails[0]))
        .unwrap();
    let text = to_ada.text.unwrap_or_default();
    assert!(
        text.contains("requirement 5.2 of Digest (Ada Ltd): overdue since 2020-01-15"),
        "{text}"
    );
    assert!(
        text.contains("https://gap.example.org/assessments/"),
        "{text}"
    );

    // A restart the same day sends none.
    drop(a);
    drop(b);
    let c = start(&url, &args, &dir.join("c.log"));
    let pass_c = c.wait_for_pass();
    std::thread::sleep(Duration::from_secs(2));
    for email in &emails {
        assert_eq!(
            count_for(&smtp, email),
            1,
            "{email} after the restart: {pass_c}"
        );
    }
}
