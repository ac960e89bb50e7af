//! `--catalogs DIR` and `aimsgap catalog check DIR`: custom frameworks, crosswalks and law
//! versions loaded without a rebuild, validated with located errors, never replacing a
//! built-in id silently.

use super::{aimsgap, root, stderr, stdout};
use std::path::PathBuf;
use std::process::{Command, Output};

fn fixtures(name: &str) -> String {
    format!("crates/cli/tests/data/custom-catalogs/{name}")
}

/// A fresh folder under the temporary directory, empty.
fn temp_dir(name: &str) -> crate::Scratch {
    crate::fresh_dir(&format!("custom-{name}"))
}

fn aimsgap_env(args: &[&str], catalogs: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aimsgap"))
        .args(args)
        .env("AIMSGAP_CATALOGS", catalogs)
        .current_dir(root())
        .output()
        .unwrap()
}

/// The readiness point of an `assess --format json` run.
fn readiness(output: &Output) -> f64 {
    assert!(output.status.success(), "{}", stderr(output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    value["readiness"]["overall"]["point"].as_f64().unwrap()
}

/// An example assessment with no certification, once as it is and once holding the custom
/// control set (self-assessed, scope covering AI), as two files in a directory removed when the
/// test passes.
fn assessments() -> (crate::Scratch, PathBuf, PathBuf) {
    let text = std::fs::read_to_string(root().join("examples/startup-gpai-provider.yaml")).unwrap();
    assert!(text.contains("certifications: []\n"));
    let held = text.replace(
        "certifications: []\n",
        "certifications:\n  - framework: acme-ai-controls\n    status: self_assessed\n    scope_covers_ai: true\n",
    );
    let dir = temp_dir("assessments");
    let without = dir.join("without.yaml");
    let with = dir.join("with.yaml");
    std::fs::write(&without, text).unwrap();
    std::fs::write(&with, held).unwrap();
    (dir, without, with)
}

#[test]
fn a_custom_framework_appears_in_catalog_list_and_show() {
    let output = aimsgap(&["--catalogs", &fixtures("valid"), "catalog", "list"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let line = text
        .lines()
        .find(|l| l.starts_with("acme-ai-controls"))
        .unwrap_or_else(|| panic!("the custom framework is missing:\n{text}"));
    // 5 controls to assess, 7 nodes with the two categories.
    assert!(line.split_whitespace().any(|w| w == "5"), "{line}");
    assert!(line.split_whitespace().any(|w| w == "7"), "{line}");
    // The built-in frameworks are all still there.
    for id in ["iso42001", "iso27001", "soc2", "nist-ai-rmf", "eu-ai-act"] {
        assert!(text.lines().any(|l| l.starts_with(id)), "{id} missing");
    }

    // The flag also comes from the environment, and after the command.
    let output = aimsgap_env(
        &["catalog", "show", "acme-ai-controls", "LIFE-1"],
        &fixtures("valid"),
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("Impact review before release"));
    let output = aimsgap(&[
        "crosswalk",
        "show",
        "--from",
        "acme-ai-controls",
        "--to",
        "iso42001",
        "--catalogs",
        &fixtures("valid"),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("6 edges"), "{}", stdout(&output));

    // Without the folder, the custom framework is unknown.
    let output = aimsgap(&["catalog", "show", "acme-ai-controls"]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn a_custom_control_set_mapped_onto_iso42001_gives_credit_in_assess() {
    let (_dir, without, with) = assessments();
    let valid = fixtures("valid");
    let base = readiness(&aimsgap(&[
        "--catalogs",
        &valid,
        "assess",
        without.to_str().unwrap(),
        "--format",
        "json",
    ]));
    let held = aimsgap(&[
        "--catalogs",
        &valid,
        "assess",
        with.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_slice(&held.stdout).unwrap();
    let raised = readiness(&held);
    assert!(
        raised > base,
        "holding the custom control set should raise readiness: {base} -> {raised}"
    );
    // Its baseline is computed like a built-in certification's.
    let baselines = value["baseline"].as_array().unwrap();
    assert!(
        baselines
            .iter()
            .any(|b| b["framework"] == "acme-ai-controls"),
        "{baselines:?}"
    );
    // The policy control inherits through the `equal` edge GOV-1 -> A.2.2.
    let a22 = value["requirements"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "A.2.2")
        .unwrap();
    assert!(
        a22.to_string().contains("acme-ai-controls"),
        "A.2.2 names no credit from the custom set: {a22}"
    );

    // Without the folder the certification names an unknown framework: exit 2, located, with
    // the frameworks that may be named.
    let output = aimsgap(&["assess", with.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("certifications[0].framework"), "{err}");
    assert!(err.contains("iso27001, soc2, nist-ai-rmf"), "{err}");
}

#[test]
fn a_broken_custom_file_fails_with_file_line_column_and_field() {
    for args in [
        vec!["--catalogs", "BROKEN", "catalog", "list"],
        vec!["catalog", "check", "BROKEN"],
    ] {
        let broken = fixtures("broken");
        let args: Vec<&str> = args
            .iter()
            .map(|a| if *a == "BROKEN" { broken.as_str() } else { a })
            .collect();
        let output = aimsgap(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let err = stderr(&output);
        // Every error of every file, not just the first.
        for expected in [
            "broken/acme-ai-controls.yaml:15:11: requirements[1].kind: `contrl` is not one of",
            "broken/acme-ai-controls.yaml:21:13: requirements[2].parent: unknown parent `GOVERNANCE`",
            "broken/acme-ai-controls-iso42001.yaml:11:15: edges[0].strength: strength 12 is out of range",
        ] {
            assert!(
                err.contains(expected),
                "{args:?}: missing `{expected}` in:\n{err}"
            );
        }
        assert!(err.contains("3 errors"), "{err}");
    }
}

#[test]
fn a_custom_file_with_a_built_in_id_is_refused_unless_it_says_it_replaces_it() {
    let output = aimsgap(&["--catalogs", &fixtures("collide"), "catalog", "list"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("collide/iso27001.yaml:4:7: framework.id: framework `iso27001` is built in"),
        "{err}"
    );
    assert!(err.contains("replaces: iso27001"), "{err}");

    // `replaces` must name the file's own id.
    let output = aimsgap(&["catalog", "check", &fixtures("wrong-replaces")]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("soc2-copy.yaml:3:13: framework.replaces: `replaces: soc2` must name this file's own id `acme-soc2`"),
        "{err}"
    );

    // A crosswalk pair that is built in is refused the same way.
    let dir = temp_dir("crosswalk-collision");
    std::fs::write(
        dir.join("soc2.yaml"),
        "crosswalk:\n  from: soc2\n  to: iso42001\n  version: \"1\"\n  authors: Acme\n  method: ours\nedges:\n  - {from: CC1.1, to: A.2.2, rel: intersects_with, strength: 3, rationale: semantic, note: ethics}\n",
    )
    .unwrap();
    let output = aimsgap(&["catalog", "check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("soc2.yaml:2:9: crosswalk.from: the crosswalk `soc2 -> iso42001` is built in"),
        "{err}"
    );
    assert!(err.contains("replaces: soc2 -> iso42001"), "{err}");

    // ISO/IEC 42001 itself cannot be replaced.
    let iso = std::fs::read_to_string(root().join("catalogs/iso42001.yaml")).unwrap();
    let dir = temp_dir("iso-replaced");
    std::fs::write(
        dir.join("iso42001.yaml"),
        iso.replacen("framework:\n", "framework:\n  replaces: iso42001\n", 1),
    )
    .unwrap();
    let output = aimsgap(&["catalog", "check", dir.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`iso42001` cannot be replaced"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_replacement_law_file_is_used_instead_of_the_built_in_one() {
    // A newer version of the EU AI Act, published after this build: the built-in file with a
    // new version string and name, declaring what it replaces.
    let law = std::fs::read_to_string(root().join("catalogs/eu-ai-act.yaml")).unwrap();
    let header = law.find("framework:\n").unwrap();
    let mut newer = law.clone();
    newer.replace_range(
        header..header + "framework:\n".len(),
        "framework:\n  replaces: eu-ai-act\n",
    );
    let version_line = newer
        .lines()
        .find(|l| l.starts_with("  version: "))
        .unwrap()
        .to_string();
    let newer = newer.replacen(
        &version_line,
        "  version: \"2024/1689 consolidated 2027-03\"",
        1,
    );
    let dir = temp_dir("newer-law");
    std::fs::write(dir.join("eu-ai-act.yaml"), &newer).unwrap();
    let dir = dir.to_str().unwrap();

    let output = aimsgap(&[
        "--catalogs",
        dir,
        "catalog",
        "show",
        "eu-ai-act",
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(value["version"], "2024/1689 consolidated 2027-03");
    let output = aimsgap(&["catalog", "show", "eu-ai-act", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_ne!(value["version"], "2024/1689 consolidated 2027-03");

    // `catalog check` says what it replaces.
    let output = aimsgap(&["catalog", "check", dir]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("replaces framework eu-ai-act"), "{text}");
    assert!(text.contains("2024/1689 consolidated 2027-03"), "{text}");

    // The same file without `replaces` is refused, naming the built-in it collides with.
    std::fs::write(
        PathBuf::from(dir).join("eu-ai-act.yaml"),
        newer.replacen("  replaces: eu-ai-act\n", "", 1),
    )
    .unwrap();
    let output = aimsgap(&["--catalogs", dir, "catalog", "list"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("framework `eu-ai-act` is built in"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn catalog_check_reports_what_a_valid_folder_adds() {
    let output = aimsgap(&["catalog", "check", &fixtures("valid")]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("valid; 2 changes"), "{text}");
    assert!(
        text.contains("adds framework acme-ai-controls (Acme AI control set; kind framework; version 2026.2; 5 requirements to assess)"),
        "{text}"
    );
    assert!(
        text.contains("adds crosswalk acme-ai-controls -> iso42001 (6 edges)"),
        "{text}"
    );
    assert!(
        text.contains("crosswalks/acme-ai-controls-iso42001.yaml"),
        "{text}"
    );

    // A folder that is not there, or holds no catalog file, is exit 2 with a sentence.
    let output = aimsgap(&[
        "catalog",
        "check",
        "crates/cli/tests/data/custom-catalogs/none",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let empty = temp_dir("empty");
    let output = aimsgap(&["catalog", "check", empty.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("holds no .yaml or .yml file"),
        "{}",
        stderr(&output)
    );
}
