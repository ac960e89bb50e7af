//! A real SMTP server for the mail tests: Python's `aiosmtpd` (from PyPI or Debian's
//! `python3-aiosmtpd`), started by each test that needs one, writing every message it receives
//! to a Maildir that the test reads back. Without `aiosmtpd` a test prints a notice and passes,
//! unless AIMSGAP_REQUIRE_ALL=1 (then it fails).
//!
//! Shared by the web crate's tests and the CLI's (`#[path]`), so it uses only std, tokio-free
//! waiting and `mail-parser`.

#![allow(dead_code)]

use mail_parser::MimeHeaders;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `aiosmtpd` on a free loopback port.
#[derive(Debug)]
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    dir: PathBuf,
}

/// A message as the server received it.
#[derive(Clone, Debug)]
pub struct Received {
    /// The envelope's sender and recipients (what the SMTP client said, not the headers).
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The `To` header's addresses.
    pub to: Vec<String>,
    pub subject: String,
    /// The decoded plain-text part; `None` when the message has no `text/plain` part (the
    /// parser would otherwise make text out of the HTML part).
    pub text: Option<String>,
    /// The decoded HTML part, if any.
    pub html: Option<String>,
    /// The whole message as received.
    pub raw: String,
}

fn required() -> bool {
    std::env::var("AIMSGAP_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

fn python() -> String {
    std::env::var("AIMSGAP_PYTHON").unwrap_or_else(|_| "python3".into())
}

impl SmtpServer {
    /// Starts a server, or prints a notice and returns `None` when `aiosmtpd` is missing
    /// (a failure under AIMSGAP_REQUIRE_ALL=1).
    pub fn start() -> Option<SmtpServer> {
        let present = Command::new(python())
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !present {
            assert!(
                !required(),
                "python3 with aiosmtpd is required (AIMSGAP_REQUIRE_ALL=1): pip install aiosmtpd"
            );
            eprintln!("notice: python3 with aiosmtpd not found; the mail test is skipped");
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let dir = std::env::temp_dir().join(format!(
            "aimsgap-smtp-{}-{port}-{}",
            std::process::id(),
            Instant::now().elapsed().as_nanos()
        ));
        for sub in ["tmp", "new", "cur"] {
            std::fs::create_dir_all(dir.join(sub)).expect("a Maildir");
        }
        let child = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("aiosmtpd starts");
        let server = SmtpServer { child, port, dir };
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen within 15 s"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    /// The URL for `Config::mail` / `serve --smtp-url` (plain SMTP on loopback).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(self.dir.join("new"))
            .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        // Maildir names start with the delivery time in seconds; the modification time
        // orders messages of the same second.
        files.sort_by_key(|p| {
            (
                std::fs::metadata(p).and_then(|m| m.modified()).ok(),
                p.clone(),
            )
        });
        files
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .map(|bytes| parse(&bytes))
            .collect()
    }

    /// Waits until at least `count` messages have arrived (at most `timeout`), then returns
    /// them all.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Vec<Received> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= count || Instant::now() >= deadline {
                return messages;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn parse(bytes: &[u8]) -> Received {
    let message = mail_parser::MessageParser::default()
        .parse(bytes)
        .expect("a message the parser reads");
    let header = |name: &str| {
        message
            .header_raw(name)
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let to = message
        .to()
        .map(|list| {
            list.iter()
                .filter_map(|a| a.address().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    Received {
        mail_from: header("X-MailFrom"),
        rcpt_to: header("X-RcptTo")
            .split(',')
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect(),
        to,
        subject: message.subject().unwrap_or_default().to_string(),
        text: message
            .parts
            .iter()
            .find(|part| {
                part.content_type().is_some_and(|t| {
                    t.ctype().eq_ignore_ascii_case("text")
                        && t.subtype().is_some_and(|s| s.eq_ignore_ascii_case("plain"))
                })
            })
            .and_then(|part| part.text_contents().map(str::to_string)),
        html: message.body_html(0).map(|t| t.into_owned()),
        raw: String::from_utf8_lossy(bytes).into_owned(),
    }
}
