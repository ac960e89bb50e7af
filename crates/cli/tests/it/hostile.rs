//! Hostile inputs to the command line: files that are no files, files too large, links planted
//! in an output directory, terminal escape codes in a file's values, and the permissions of a
//! database it creates. Each test reproduces what the binary did before: read `/dev/zero` until
//! memory ran out, blocked on a FIFO, wrote through links, printed escape codes raw.

use super::*;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

/// Runs the binary, killing it after a generous bound: a read that never ends is a failure,
/// not a hung test run.
fn aimsgap_bounded(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_aimsgap"))
        .args(args)
        .current_dir(root())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("aimsgap {args:?} did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn scratch(name: &str) -> crate::Scratch {
    crate::fresh_dir(&format!("cli-hostile-{name}"))
}

fn refused(output: &Output, expect: &str) {
    assert_eq!(output.status.code(), Some(2), "{}", stderr(output));
    assert!(stderr(output).contains(expect), "{}", stderr(output));
}

#[test]
fn a_device_is_refused_before_it_is_read() {
    let output = aimsgap_bounded(&["assess", "/dev/zero"]);
    refused(&output, "/dev/zero: not a regular file");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_waiting_for_a_writer() {
    let dir = scratch("fifo");
    let fifo = dir.join("input.yaml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("notice: mkfifo is not available; the FIFO case is not run");
        return;
    }
    let output = aimsgap_bounded(&["check", fifo.to_str().unwrap()]);
    refused(&output, "not a regular file");
}

#[test]
fn a_directory_and_a_file_over_the_limit_are_refused() {
    let dir = scratch("big");
    refused(
        &aimsgap_bounded(&["assess", dir.to_str().unwrap()]),
        "a directory",
    );
    let big = dir.join("big.yaml");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(17 * 1024 * 1024).unwrap();
    refused(
        &aimsgap_bounded(&["assess", big.to_str().unwrap()]),
        "larger than 16 MiB",
    );
    refused(
        &aimsgap_bounded(&["import-oscal", "/dev/zero"]),
        "not a regular file",
    );
}

/// A directory with a link planted under `name`, pointing at a file outside that holds
/// `kept`.
#[cfg(unix)]
fn planted(dir: &Path, name: &str) -> PathBuf {
    let outside = dir.join("outside.txt");
    std::fs::write(&outside, "kept").unwrap();
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::os::unix::fs::symlink(&outside, out.join(name)).unwrap();
    outside
}

#[cfg(unix)]
#[test]
fn out_dir_never_writes_through_a_planted_link() {
    let example = "examples/saas-chatbot-iso27001.yaml";
    let dir = scratch("link-report");
    let outside = planted(&dir, "report.json");
    let out = dir.join("out");
    let output = aimsgap_bounded(&["assess", example, "--out-dir", out.to_str().unwrap()]);
    refused(&output, "report.json is a symbolic link");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "kept");

    // The drafts alike, and a link in place of their directory.
    let fresh = scratch("drafts");
    let listed = aimsgap_bounded(&["artefacts", example, "--out-dir", fresh.to_str().unwrap()]);
    assert!(listed.status.success(), "{}", stderr(&listed));
    let first = stdout(&listed).lines().nth(1).unwrap().trim().to_string();
    let dir = scratch("link-draft");
    let outside = planted(&dir, &first);
    let out = dir.join("out");
    let output = aimsgap_bounded(&["artefacts", example, "--out-dir", out.to_str().unwrap()]);
    refused(&output, "is a symbolic link");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "kept");

    // An existing regular file is replaced, with the umask's permissions.
    let output = aimsgap_bounded(&["artefacts", example, "--out-dir", fresh.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::read_to_string(fresh.join(&first)).unwrap().len() > 100);
}

#[test]
fn escape_codes_in_a_file_are_shown_not_obeyed() {
    let text = std::fs::read_to_string(root().join("examples/saas-chatbot-iso27001.yaml"))
        .unwrap()
        .replacen(
            "organization:\n  name: ",
            "organization:\n  name: \"Evil\\e[2J\\e]0;pwned\\a\\u009b31m\" # ",
            1,
        );
    assert!(text.contains("\\e[2J"), "the example's name line changed");
    let dir = scratch("escape");
    let file = dir.join("evil.yaml");
    std::fs::write(&file, text).unwrap();
    let file = file.to_str().unwrap();
    for args in [
        vec!["assess", file],
        vec!["assess", file, "--format", "md"],
        vec!["explain", file, "9.2.2-1"],
        vec!["diff", file, file],
    ] {
        let output = aimsgap_bounded(&args);
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let shown = stdout(&output);
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{7}') && !shown.contains('\u{9b}'),
            "{args:?}: raw control characters reached the terminal"
        );
        if args.len() == 2 {
            assert!(
                shown.contains("Evil\\u001b[2J\\u001b]0;pwned\\u0007\\u009b31m"),
                "{shown}"
            );
        }
    }
    // Errors quote the file's values the same way.
    let dir = scratch("escape-error");
    let bad = dir.join("bad.yaml");
    std::fs::write(
        &bad,
        "aimsgap: 2\norganization: {name: A}\nai_systems:\n  - {id: a, name: A, role: \"\\e[31mboss\"}\n",
    )
    .unwrap();
    let output = aimsgap_bounded(&["assess", bad.to_str().unwrap()]);
    refused(&output, "`\\u001b[31mboss` is not one of");
    assert!(!stderr(&output).contains('\u{1b}'));
}

#[cfg(unix)]
#[test]
fn a_database_the_cli_creates_is_private_to_its_owner() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("database");
    let database = dir.join("new.db");
    let url = format!("sqlite://{}?mode=rwc", database.display());
    let backup = dir.join("backup.json");
    let output = aimsgap_bounded(&["backup", "--database", &url, "-o", backup.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mode = std::fs::metadata(&database).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    // A database that exists keeps the permissions its owner gave it.
    std::fs::set_permissions(&database, std::fs::Permissions::from_mode(0o640)).unwrap();
    let output = aimsgap_bounded(&["backup", "--database", &url, "-o", backup.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let mode = std::fs::metadata(&database).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640, "{mode:o}");
}
