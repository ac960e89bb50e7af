//! The published JSON Schemas describe the formats the loader accepts.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests hand the output to readers that are not ours: files, environment and processes"
)]

use super::require_all;
use aimsgap_catalog::{
    CATALOG_SCHEMA, CROSSWALK_SCHEMA, CROSSWALKS, FILES, RISK_METHOD, RISK_METHOD_SCHEMA,
};
use serde_json::Value;
use std::process::Command;

fn properties<'a>(schema: &'a Value, pointer: &str) -> Vec<&'a str> {
    let mut keys: Vec<&str> = schema
        .pointer(pointer)
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default();
    keys.sort_unstable();
    keys
}

#[test]
fn schemas_are_json_and_name_every_field_of_the_format() {
    let catalog: Value = serde_json::from_str(CATALOG_SCHEMA).unwrap();
    let crosswalk: Value = serde_json::from_str(CROSSWALK_SCHEMA).unwrap();
    // The field lists of catalogs/FORMAT.md, which the loader's structs accept.
    assert_eq!(
        properties(&catalog, "/$defs/requirement/properties"),
        vec![
            "annex_iii",
            "any_of",
            "applies_from",
            "article",
            "dates",
            "deadlines",
            "documented",
            "evidence",
            "formerly",
            "grace",
            "id",
            "kind",
            "last_verified",
            "letters",
            "parent",
            "permission",
            "practices",
            "requires",
            "roles",
            "source",
            "status",
            "summary",
            "text",
            "tiers",
            "title",
            "trigger",
            "unverified",
            "version"
        ]
    );
    assert_eq!(
        properties(&catalog, "/properties/framework/properties"),
        vec![
            "classification",
            "id",
            "jurisdiction",
            "kind",
            "last_verified",
            "licence",
            "name",
            "publisher",
            "replaces",
            "source",
            "version"
        ]
    );
    assert_eq!(
        properties(&crosswalk, "/properties/edges/items/properties"),
        vec!["from", "note", "rationale", "rel", "strength", "to"]
    );
    let risk_method: Value = serde_json::from_str(RISK_METHOD_SCHEMA).unwrap();
    assert_eq!(
        properties(&risk_method, "/properties/scales/properties"),
        vec![
            "consequence_individuals",
            "consequence_organisation",
            "consequence_societies",
            "likelihood"
        ]
    );
    assert_eq!(
        properties(&risk_method, "/$defs/scale/items/properties"),
        vec!["description", "level", "name"]
    );
    assert_eq!(
        properties(
            &risk_method,
            "/properties/generative_ai_treatment/items/properties"
        ),
        vec!["affected", "arises_when", "controls", "risk"]
    );
}

/// Validates every built-in file against the schemas with Python's `jsonschema`, a reader
/// that is not ours. Skips with a notice when Python or the package is absent, unless
/// AIMSGAP_REQUIRE_ALL=1.
#[test]
fn every_builtin_file_validates_against_its_schema_with_an_independent_validator() {
    let probe = Command::new("python3")
        .args(["-c", "import yaml, jsonschema"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        assert!(
            !require_all(),
            "python3 with PyYAML and jsonschema is required (AIMSGAP_REQUIRE_ALL=1)"
        );
        eprintln!(
            "notice: skipping schema validation: python3 with PyYAML and jsonschema not found"
        );
        return;
    }
    let dir = std::env::temp_dir().join(format!("aimsgap-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("catalog.schema.json"), CATALOG_SCHEMA).unwrap();
    std::fs::write(dir.join("crosswalk.schema.json"), CROSSWALK_SCHEMA).unwrap();
    std::fs::write(dir.join("risk-method.schema.json"), RISK_METHOD_SCHEMA).unwrap();
    let mut args = Vec::new();
    let risk_method = [RISK_METHOD];
    for (kind, files) in [
        ("catalog", FILES),
        ("crosswalk", CROSSWALKS),
        ("risk-method", &risk_method[..]),
    ] {
        for (name, text) in files {
            let path = dir.join(name.replace('/', "_"));
            std::fs::write(&path, text).unwrap();
            args.push(format!("{kind}={}", path.display()));
        }
    }
    // YAML dates stay strings: the loader below drops PyYAML's timestamp resolver.
    let script = r#"
import sys, json, yaml, jsonschema
class Loader(yaml.SafeLoader): pass
Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != 'tag:yaml.org,2002:timestamp']
                                  for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
d = sys.argv[1]
schemas = {k: json.load(open(f"{d}/{k}.schema.json")) for k in ("catalog", "crosswalk", "risk-method")}
bad = 0
for arg in sys.argv[2:]:
    kind, path = arg.split("=", 1)
    doc = yaml.load(open(path), Loader=Loader)
    for error in jsonschema.Draft202012Validator(schemas[kind]).iter_errors(doc):
        bad += 1
        print(path, list(error.absolute_path), error.message)
print("validated", len(sys.argv) - 2, "files")
sys.exit(1 if bad else 0)
"#;
    let output = Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(&dir)
        .args(&args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(&format!("validated {} files", args.len())),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
