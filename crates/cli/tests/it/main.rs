//! The `aimsgap` binary end to end: exit codes, located errors, formats, determinism.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod aibom;
mod browser;
mod browser_aibom;
mod browser_audit;
mod browser_dash;
mod browser_drafts;
mod browser_evidence;
mod browser_forms;
mod browser_import;
mod browser_inert_files;
mod browser_notifications;
mod browser_people;
mod browser_quick;
mod browser_reset;
mod browser_result;
mod browser_story;
mod browser_two_factor;
mod browser_work;
mod client;
mod custom_catalogs;
mod digest_instances;
mod hostile;
mod import_xlsx;
mod layers;
mod oidc;
mod reset_password;
mod server;
#[path = "../../../web/tests/it/smtp.rs"]
mod smtp;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A directory a test works in, removed with its contents when the test ends, unless the test
/// failed: then it stays to be looked at.
pub(crate) struct Scratch(pub(crate) PathBuf);

impl std::ops::Deref for Scratch {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for Scratch {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

/// A fresh, empty directory for one test, `aimsgap-{name}-{process id}` in the temporary
/// directory, removed when the test passes.
pub(crate) fn fresh_dir(name: &str) -> Scratch {
    let dir = std::env::temp_dir().join(format!("aimsgap-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    Scratch(dir)
}

fn aimsgap(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aimsgap"))
        .args(args)
        .current_dir(root())
        .output()
        .unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A file holding `text` for one test, `aimsgap-cli-...-{name}` in the temporary directory,
/// removed when dropped.
fn temp_file(name: &str, text: &str) -> tempfile::TempPath {
    let path = tempfile::Builder::new()
        .prefix("aimsgap-cli-")
        .suffix(&format!("-{name}"))
        .tempfile()
        .unwrap()
        .into_temp_path();
    std::fs::write(&path, text).unwrap();
    path
}

#[test]
fn catalog_list_shows_every_framework_with_counts() {
    let output = aimsgap(&["catalog", "list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for (id, count) in [
        ("iso42001", "137"),
        ("iso27001", "123"),
        ("soc2", "61"),
        ("nist-ai-rmf", "72"),
        ("nist-ai-600-1", "12"),
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("{id} missing:\n{text}"));
        assert!(line.split_whitespace().any(|w| w == count), "{line}");
    }
    assert!(text.contains("eu-ai-act") && text.contains("colorado-ai"));
}

#[test]
fn catalog_show_json_has_the_documented_shape() {
    let output = aimsgap(&["catalog", "show", "iso42001", "--format", "json"]);
    assert!(output.status.success());
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["id"], "iso42001");
    let requirements = value["requirements"].as_array().unwrap();
    assert_eq!(
        requirements
            .iter()
            .filter(|r| r["kind"] == "control")
            .count(),
        38
    );
    let control = requirements.iter().find(|r| r["id"] == "A.6.2.4").unwrap();
    assert_eq!(control["parent"], "A.6.2");
    assert!(control["title"].as_str().unwrap().contains("verification"));
    let top = requirements.iter().find(|r| r["id"] == "4").unwrap();
    assert!(top["parent"].is_null());
    let one = aimsgap(&["catalog", "show", "iso42001", "A.6.2.4"]);
    assert!(stdout(&one).starts_with("A.6.2.4 AI system verification and validation"));
    let unknown = aimsgap(&["catalog", "show", "iso9001"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("unknown framework `iso9001`"));
}

/// ISO/IEC 42001 ids follow the standard's list letters: 6.1.3 f) is the Statement of
/// Applicability, which assessment files of format 1 called 6.1.3.d.
#[test]
fn catalog_show_6_1_3_f_is_the_statement_of_applicability() {
    let output = aimsgap(&["catalog", "show", "iso42001", "6.1.3.f"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("6.1.3.f Produce a Statement of Applicability"),
        "{text}"
    );
    assert!(
        text.contains("formerly 6.1.3.d (assessment files of format 1)"),
        "{text}"
    );
    let clause = stdout(&aimsgap(&["catalog", "show", "iso42001", "6.1.3"]));
    assert!(
        clause.contains("list items: a), b), c), d), e), f), g)"),
        "{clause}"
    );
    let json = aimsgap(&["catalog", "show", "iso42001", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let requirements = value["requirements"].as_array().unwrap();
    let soa = requirements.iter().find(|r| r["id"] == "6.1.3.f").unwrap();
    assert_eq!(soa["formerly"], "6.1.3.d");
    let grouped = requirements.iter().find(|r| r["id"] == "9.3.2-2").unwrap();
    assert_eq!(grouped["letters"], serde_json::json!(["d", "e"]));
}

/// A file of format 1 still assesses, with one warning per renamed id on standard error and
/// the result of its migrated copy.
#[test]
fn a_format_1_file_warns_per_renamed_id_and_gives_the_migrated_result() {
    let old = aimsgap(&[
        "assess",
        "tests/format-1/saas-chatbot-iso27001.yaml",
        "--format",
        "json",
    ]);
    assert!(old.status.success(), "{}", stderr(&old));
    let warnings = stderr(&old);
    assert!(
        warnings.contains(
            "warning: tests/format-1/saas-chatbot-iso27001.yaml: 6.1.3.d is now 6.1.3.f (Produce a Statement of Applicability"
        ),
        "{warnings}"
    );
    assert_eq!(warnings.matches("warning:").count(), 6, "{warnings}");
    let new = aimsgap(&[
        "assess",
        "examples/saas-chatbot-iso27001.yaml",
        "--format",
        "json",
    ]);
    assert!(stderr(&new).is_empty(), "{}", stderr(&new));
    assert_eq!(stdout(&old), stdout(&new));
}

#[test]
fn migrate_rewrites_a_format_1_file_keeping_its_comments() {
    let old =
        std::fs::read_to_string(root().join("tests/format-1/saas-chatbot-iso27001.yaml")).unwrap();
    let new = std::fs::read_to_string(root().join("examples/saas-chatbot-iso27001.yaml")).unwrap();
    // To standard output, with what was renamed on standard error.
    let output = aimsgap(&["migrate", "tests/format-1/saas-chatbot-iso27001.yaml"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), new);
    assert!(
        stderr(&output).contains("4.1.a is now 4.1-1"),
        "{}",
        stderr(&output)
    );
    // In place with -o FILE.
    let path = temp_file("migrate-in-place.yaml", &old);
    let file = path.to_str().unwrap();
    let output = aimsgap(&["migrate", file, "-o", file]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("6 ids renamed"),
        "{}",
        stdout(&output)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), new);
    // Again: a file of format 2 is left as it is, with a message.
    let again = aimsgap(&["migrate", file, "-o", file]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("already of format 2"),
        "{}",
        stderr(&again)
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), new);
    // A broken file: its located error, exit 2, nothing written.
    let broken = temp_file(
        "migrate-broken.yaml",
        "aimsgap: 1\norganization: {name: X}\nanswers:\n  \"6.1.3.d\": {status: sometimes}\n",
    );
    let out = broken.with_extension("out.yaml");
    let failed = aimsgap(&[
        "migrate",
        broken.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(stderr(&failed).contains(":4:"), "{}", stderr(&failed));
    assert!(!out.exists());
}

#[test]
fn schemas_are_printed_as_json() {
    for which in ["catalog", "crosswalk", "assessment", "result"] {
        let output = aimsgap(&["schema", which]);
        assert!(output.status.success());
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(
            value["$schema"]
                .as_str()
                .unwrap()
                .contains("json-schema.org"),
            "{which}"
        );
    }
}

#[test]
fn crosswalk_show_and_coverage() {
    let csv = aimsgap(&[
        "crosswalk",
        "show",
        "--from",
        "iso27001",
        "--to",
        "iso42001",
        "--format",
        "csv",
    ]);
    assert!(csv.status.success());
    let text = stdout(&csv);
    assert!(text.starts_with("from,to,rel,strength,rationale,note\n"));
    assert!(text.lines().count() > 100);
    let coverage = aimsgap(&[
        "crosswalk",
        "coverage",
        "--from",
        "iso27001",
        "--to",
        "iso42001",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_slice(&coverage.stdout).unwrap();
    assert_eq!(value["from"], "iso27001");
    let unreached: Vec<&str> = value["unreached"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(unreached.contains(&"6.1.4-1") && unreached.contains(&"A.5.4"));
    let targets = value["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 137);
    assert!(targets.iter().any(|t| t["best"] == "intersects_with"));
}

#[test]
fn assess_json_is_deterministic_and_versioned() {
    let args = [
        "assess",
        "examples/hrtech-cv-screening-soc2.yaml",
        "--format",
        "json",
    ];
    let first = aimsgap(&args);
    let second = aimsgap(&args);
    assert!(first.status.success(), "{}", stderr(&first));
    assert_eq!(first.stdout, second.stdout);
    let value: serde_json::Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(value["schema"], "aimsgap/assessment-result/2");
    assert_eq!(value["as_of"], "2026-11-29");
    for key in [
        "readiness",
        "baseline",
        "requirements",
        "gaps",
        "verdict",
        "obligations",
        "roadmap",
        "soa",
        "next_actions",
    ] {
        assert!(!value[key].is_null(), "{key} missing");
    }
    assert_eq!(value["soa"].as_array().unwrap().len(), 38);
    let gaps = value["gaps"].as_array().unwrap();
    assert_eq!(gaps[0]["rank"], 1);
    // --as-of moves every date-dependent figure.
    let later = aimsgap(&[
        "assess",
        "examples/hrtech-cv-screening-soc2.yaml",
        "--format",
        "json",
        "--as-of",
        "2028-01-01",
    ]);
    let later: serde_json::Value = serde_json::from_slice(&later.stdout).unwrap();
    assert_eq!(later["as_of"], "2028-01-01");
    assert_ne!(later["obligations"], value["obligations"]);
}

#[test]
fn a_bad_assessment_file_is_exit_2_with_file_line_and_field() {
    let path = temp_file(
        "bad.yaml",
        "aimsgap: 2\norganization: {name: X}\nanswers:\n  \"5.2\":\n    status: done\n",
    );
    let output = aimsgap(&["assess", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("bad.yaml:5:13"), "{message}");
    assert!(message.contains("answers.5.2.status"), "{message}");
    assert!(message.contains("implemented, partial"), "{message}");
    let missing = aimsgap(&["assess", "does-not-exist.yaml"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("does-not-exist.yaml"));
}

#[test]
fn check_gates_ci_with_exit_codes() {
    let file = "examples/saas-chatbot-iso27001.yaml";
    let pass = aimsgap(&["check", file, "--min-readiness", "1"]);
    assert_eq!(pass.status.code(), Some(0), "{}", stdout(&pass));
    let fail = aimsgap(&[
        "check",
        file,
        "--min-readiness",
        "90",
        "--max-blockers",
        "0",
    ]);
    assert_eq!(fail.status.code(), Some(1));
    let text = stdout(&fail);
    assert!(
        text.contains("FAIL  readiness") && text.contains("FAIL  open certification blockers"),
        "{text}"
    );
    let ready = aimsgap(&[
        "check",
        "examples/bank-credit-scoring.yaml",
        "--require-ready",
    ]);
    assert_eq!(ready.status.code(), Some(0), "{}", stdout(&ready));
}

#[test]
fn init_writes_a_template_that_assesses() {
    let before = aimsgap_store::today();
    let dir = fresh_dir("init");
    let path = dir.join("assessment.yaml");
    let _ = std::fs::remove_file(&path);
    let output = aimsgap(&["init", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let again = aimsgap(&["init", path.to_str().unwrap()]);
    assert_eq!(
        again.status.code(),
        Some(2),
        "init must not overwrite without --force"
    );
    let assessed = aimsgap(&["assess", path.to_str().unwrap()]);
    assert!(assessed.status.success(), "{}", stderr(&assessed));
    assert!(stdout(&assessed).contains("Example Ltd"));

    // The file and standard output judge on the day init ran, as the comment above says.
    let printed = aimsgap(&["init"]);
    let after = aimsgap_store::today();
    assert!(printed.status.success(), "{}", stderr(&printed));
    for text in [stdout(&printed), std::fs::read_to_string(&path).unwrap()] {
        let as_of = text
            .lines()
            .find_map(|line| line.strip_prefix("as_of: "))
            .unwrap()
            .to_string();
        assert!(
            [before.to_string(), after.to_string()].contains(&as_of),
            "as_of {as_of}, today {before}"
        );
    }
}

/// The server refuses evidence dated after the assessment date at save; the CLI still reads
/// files written before that rule, leaves such evidence uncounted and says so.
#[test]
fn assess_still_reads_evidence_dated_after_the_assessment_date_with_a_finding() {
    let example =
        std::fs::read_to_string(root().join("examples/saas-chatbot-iso27001.yaml")).unwrap();
    let future = example.replace(
        "{ref: aims/ai-roles-register.xlsx, kind: approved_document, date: 2026-09-18}",
        "{ref: aims/ai-roles-register.xlsx, kind: approved_document, date: 2027-01-03}",
    );
    assert_ne!(future, example);
    let path = temp_file("future-evidence.yaml", &future);
    let output = aimsgap(&["assess", path.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains(
            "evidence `aims/ai-roles-register.xlsx` is dated 2027-01-03, after the assessment date 2026-11-29; it is not counted"
        ),
        "{text}"
    );
}

#[test]
fn explain_shows_the_derivation() {
    let output = aimsgap(&["explain", "examples/saas-chatbot-iso27001.yaml", "9.2.2-1"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.starts_with("9.2.2-1 "), "{text}");
    assert!(text.contains("priority"), "{text}");
    let unknown = aimsgap(&["explain", "examples/saas-chatbot-iso27001.yaml", "6.1.2"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn compare_prints_groups_and_the_articles_rows() {
    let output = aimsgap(&["compare", "--format", "json"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["areas"].as_array().unwrap().len(), 22);
    let md = aimsgap(&["compare", "--base", "iso27001", "--format", "md"]);
    assert!(stdout(&md).contains("| ai-impact-assessment | AI system impact assessments | none"));
    let bad = aimsgap(&["compare", "--base", "iso9001"]);
    assert_eq!(bad.status.code(), Some(2));
}
