//! `aimsgap user reset-password`: an operator on the server's machine gives an account a new
//! password, read from standard input or generated, and signs it out everywhere.

use super::{stderr, stdout};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// A SQLite database with one account and two live sessions; returns its directory (removed
/// when the test passes), its URL and the account's password hash.
fn database(name: &str) -> (crate::Scratch, String, String) {
    let dir = crate::fresh_dir(&format!("reset-{name}"));
    let url = format!("sqlite://{}?mode=rwc", dir.join("aimsgap.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
    runtime.block_on(async {
        let store = aimsgap_store::Store::connect(&url).await.unwrap();
        let user = store
            .create_user("pat@example.test", "Pat", hash)
            .await
            .unwrap();
        for secret in ["session-one-secret", "session-two-secret"] {
            store
                .create_session(&user.id, secret, "csrf", "2999-01-01T00:00:00Z")
                .await
                .unwrap();
        }
        store.close().await;
    });
    (dir, url, hash.to_string())
}

/// The account's hash and how many of its sessions still work.
fn state(url: &str) -> (String, usize) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = aimsgap_store::Store::connect(url).await.unwrap();
        let (_, hash) = store
            .user_by_email("pat@example.test")
            .await
            .unwrap()
            .unwrap();
        let mut live = 0;
        for secret in ["session-one-secret", "session-two-secret"] {
            live += usize::from(store.session(secret).await.unwrap().is_some());
        }
        store.close().await;
        (hash, live)
    })
}

fn reset(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aimsgap"))
        .args(["user", "reset-password"])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn a_password_read_from_standard_input_replaces_the_old_and_signs_out_everywhere() {
    let (_dir, url, old) = database("stdin");
    let out = reset(
        &["pat@example.test", "--database", &url],
        "a brand new password\nignored second line\n",
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        "the password of pat@example.test was changed; 2 sessions signed out\n"
    );
    assert!(!stdout(&out).contains("brand new"), "never echoed");
    let (hash, live) = state(&url);
    assert_ne!(hash, old);
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert_eq!(live, 0);
    // The audit log has it, as the account's event, without the password.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let log = runtime.block_on(async {
        let store = aimsgap_store::Store::connect(&url).await.unwrap();
        let log = store.audit_log(None, 100).await.unwrap();
        store.close().await;
        log
    });
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].event, "password.reset");
    assert_eq!(log[0].actor_email.as_deref(), Some("pat@example.test"));
    assert!(!format!("{log:?}").contains("brand new"));
}

#[test]
fn a_generated_password_is_printed_once() {
    let (_dir, url, old) = database("generate");
    let out = reset(&["PAT@example.test", "--database", &url, "--generate"], "");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let password = text
        .lines()
        .next()
        .and_then(|line| line.rsplit(": ").next())
        .unwrap();
    assert!(password.len() >= 32, "{text}");
    assert!(text.ends_with("2 sessions signed out\n"), "{text}");
    let (hash, live) = state(&url);
    assert_ne!(hash, old);
    assert_eq!(live, 0);
}

#[test]
fn a_short_password_or_an_unknown_account_changes_nothing() {
    let (_dir, url, old) = database("refused");
    let out = reset(&["pat@example.test", "--database", &url], "short\n");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("at least 10 characters"),
        "{}",
        stderr(&out)
    );
    let out = reset(
        &["nobody@example.test", "--database", &url],
        "a long enough one\n",
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("no account with the e-mail address nobody@example.test"),
        "{}",
        stderr(&out)
    );
    assert_eq!(state(&url), (old, 2));
}
