//! `aimsgap import-aibom`: drafts from the CycloneDX project's ML-BOM files load into an
//! assessment; bad BOMs exit 2 with where they are wrong.

use super::{aimsgap, stderr, stdout, temp_file};

const FIXTURES: [&str; 3] = [
    "crates/aibom/tests/data/valid-machine-learning-1.5.json",
    "crates/aibom/tests/data/valid-machine-learning-1.6.json",
    "crates/aibom/tests/data/valid-machine-learning-considerations-env-1.6.json",
];

#[test]
fn import_aibom_drafts_ai_systems_that_assess_reads() {
    for (i, fixture) in FIXTURES.iter().enumerate() {
        let printed = aimsgap(&["import-aibom", fixture]);
        assert!(printed.status.success(), "{}", stderr(&printed));
        let drafts = stdout(&printed);
        assert!(
            drafts.contains("\nai_systems:\n  # From model `"),
            "{drafts}"
        );
        // -o writes the same text to a file.
        let out = temp_file(&format!("drafts-{i}.yaml"), "");
        let written = aimsgap(&["import-aibom", fixture, "-o", out.to_str().unwrap()]);
        assert!(written.status.success(), "{}", stderr(&written));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), drafts);
        // Pasted into an assessment file, the drafts are assessed.
        let file = temp_file(
            &format!("with-drafts-{i}.yaml"),
            &format!(
                "aimsgap: 2\nas_of: 2026-06-01\norganization:\n  name: Example\n{drafts}answers: {{}}\n"
            ),
        );
        let assessed = aimsgap(&["assess", file.to_str().unwrap(), "--format", "json"]);
        assert!(assessed.status.success(), "{}", stderr(&assessed));
        let result: serde_json::Value = serde_json::from_str(&stdout(&assessed)).unwrap();
        let text = result.to_string();
        let name = if i == 2 {
            "meta-llama/Llama-2-7b"
        } else {
            "CompVis/stable-diffusion 1.4"
        };
        assert!(text.contains(name), "{name} missing from the result");
    }
}

#[test]
fn import_aibom_refuses_a_bad_bom_with_its_place_and_exit_2() {
    let bom = temp_file(
        "old.cdx.json",
        "{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.4\"\n}\n",
    );
    let output = aimsgap(&["import-aibom", bom.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("old.cdx.json: line 3, column"),
        "{message}"
    );
    assert!(
        message.contains("`1.4`") && message.contains("specVersion"),
        "{message}"
    );
    assert!(stdout(&output).is_empty());

    let bom = temp_file(
        "no-model.cdx.json",
        r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "library", "name": "x"}]}"#,
    );
    let output = aimsgap(&["import-aibom", bom.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("machine-learning-model"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn import_aibom_refuses_a_50_mb_bom_unparsed() {
    let dir = std::env::temp_dir().join(format!("aimsgap-cli-aibom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.cdx.json");
    // A well-formed start, then 50 MB of padding: refused by its size, not by its content.
    let mut text = String::from(r#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": ""#);
    text.push_str(&"a".repeat(50 * 1024 * 1024));
    text.push_str("\"}");
    std::fs::write(&path, text).unwrap();
    let output = aimsgap(&["import-aibom", path.to_str().unwrap()]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("larger than 16 MiB"), "{message}");
}
