//! The result's wire types: what `json.rs` writes, readers read back whole and unchanged, and
//! the schema generated from the same types accepts it.
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_types,
    reason = "these tests read sources or hand output to readers that are not ours"
)]

use super::EXAMPLES;
use super::formats::python;
use aimsgap_assess::{
    AnswerStatus, Basis, Classification, EvidenceKind, Freshness, ObligationState, Phase, Status,
};
use aimsgap_catalog::{Date, Relationship};
use aimsgap_wire::result::{self as wire, words};

fn result_of(name: &str, text: &str) -> aimsgap_assess::AssessmentResult {
    let assessment = aimsgap_assess::parse_assessment(
        name,
        text,
        super::catalog(),
        Date::parse("2026-11-29").unwrap(),
    )
    .unwrap_or_else(|errors| panic!("{errors:?}"));
    aimsgap_assess::assess(super::catalog(), &assessment).unwrap()
}

fn result_at(as_of: &str) -> aimsgap_assess::AssessmentResult {
    let (name, text) = EXAMPLES
        .into_iter()
        .find(|(name, _)| *name == "saas-chatbot-iso27001")
        .unwrap();
    result_of(
        name,
        &text.replace("as_of: 2026-11-29", &format!("as_of: {as_of}")),
    )
}

#[test]
fn every_example_result_reads_back_whole_and_writes_the_same_bytes() {
    for (name, text) in EXAMPLES {
        let written = aimsgap_report::json::render(&result_of(name, text));
        let read: wire::AssessmentResult = serde_json::from_str(&written).unwrap();
        assert_eq!(read.to_json(), written, "{name}");
        // The same as through a generic JSON value, whose keys are sorted: the declaration
        // order of the wire types is alphabetical everywhere.
        let value: serde_json::Value = serde_json::from_str(&written).unwrap();
        let mut sorted = serde_json::to_string_pretty(&value).unwrap();
        sorted.push('\n');
        assert_eq!(sorted, written, "{name}");
        assert_eq!(read.schema, wire::SCHEMA);
    }
}

/// `render` writes borrowed views of the result instead of the wire values: both must give the
/// same bytes, optional fields present or absent, text needing escapes or not.
#[test]
fn render_writes_the_bytes_of_the_wire_values() {
    let check = |result: &aimsgap_assess::AssessmentResult, what: &str| {
        assert_eq!(
            aimsgap_report::json::render(result),
            aimsgap_report::json::to_wire(result).to_json(),
            "{what}"
        );
    };
    for (name, text) in EXAMPLES {
        check(&result_of(name, text), name);
    }
    for as_of in ["2024-01-01", "2025-08-02", "2027-12-31"] {
        check(&result_at(as_of), as_of);
    }
    // Every optional field filled, every list emptied, text with quotes, escapes and non-ASCII.
    let (name, text) = EXAMPLES[0];
    let mut filled = result_of(name, text);
    let odd = "a \"quoted\" line\nand a tab\t, \u{1} and caf\u{e9}";
    for requirement in &mut filled.requirements {
        requirement.answer_notes = Some(odd.to_string().into());
        requirement.owner = Some(odd.to_string().into());
        requirement.notes.clear();
        for evidence in &mut requirement.evidence {
            evidence.sha256 = Some(odd.to_string());
            evidence.review_by = evidence.date;
            evidence.date = None;
        }
    }
    for system in &mut filled.obligations {
        system.permissions = system.items.clone();
        for item in &mut system.items {
            item.notes = vec![odd.to_string()];
            item.unverified = Some(odd.to_string());
            item.deadlines = vec![(15, odd.to_string())];
        }
        system.tiers.clear();
    }
    filled.organization = odd.to_string();
    filled.nist_ai_rmf = None;
    check(&filled, "filled");
    filled.requirements.clear();
    filled.obligations.clear();
    filled.soa.clear();
    check(&filled, "emptied");
}

#[test]
fn a_reader_ignores_fields_it_does_not_know() {
    let (name, text) = EXAMPLES[0];
    let mut value = aimsgap_report::json::to_value(&result_of(name, text));
    value["added_later"] = serde_json::json!({"x": 1});
    value["requirements"][0]["added_later"] = serde_json::json!(true);
    let read: wire::AssessmentResult = serde_json::from_value(value).unwrap();
    assert_eq!(read, aimsgap_report::json::to_wire(&result_of(name, text)));
}

fn strings<T: Copy>(all: &[T], word: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|v| word(*v)).collect()
}

#[test]
fn the_schema_lists_exactly_the_engines_words() {
    assert_eq!(words::STATUS, strings(Status::ALL, Status::as_str));
    assert_eq!(
        words::ANSWER_STATUS,
        strings(AnswerStatus::ALL, AnswerStatus::as_str)
    );
    assert_eq!(
        words::EVIDENCE_KIND,
        strings(EvidenceKind::ALL, EvidenceKind::as_str)
    );
    assert_eq!(
        words::RELATIONSHIP,
        strings(Relationship::ALL, Relationship::as_str)
    );
    assert_eq!(words::PHASE, strings(Phase::ALL, Phase::as_str));
    assert_eq!(
        words::CLASSIFICATION,
        strings(Classification::ALL, Classification::as_str)
    );
    assert_eq!(
        words::OBLIGATION_STATE,
        strings(ObligationState::ALL, ObligationState::as_str)
    );
    assert_eq!(words::BASIS, strings(Basis::ALL, Basis::as_str));
    assert_eq!(words::FRESHNESS, strings(Freshness::ALL, Freshness::as_str));
}

#[test]
fn a_result_written_before_claims_and_basis_still_reads() {
    let result = result_of(
        "saas",
        include_str!("../../../../examples/saas-chatbot-iso27001.yaml"),
    );
    let mut json: serde_json::Value =
        serde_json::from_str(&aimsgap_report::json::render(&result)).unwrap();
    let object = json.as_object_mut().unwrap();
    object.remove("claims");
    for requirement in object["requirements"].as_array_mut().unwrap() {
        requirement.as_object_mut().unwrap().remove("basis");
    }
    let read: wire::AssessmentResult = serde_json::from_value(json).unwrap();
    assert_eq!(read.claims, wire::Claims::default());
    assert!(read.requirements.iter().all(|r| r.basis.is_none()));
    assert_eq!(read.requirements.len(), result.requirements.len());
}

/// A result written before requirements listed their evidence and the answer's notes still
/// reads, with no evidence and no notes.
#[test]
fn a_result_written_before_evidence_and_answer_notes_still_reads() {
    let result = result_of(
        "bank",
        include_str!("../../../../examples/bank-credit-scoring.yaml"),
    );
    let mut json: serde_json::Value =
        serde_json::from_str(&aimsgap_report::json::render(&result)).unwrap();
    let requirements = json["requirements"].as_array_mut().unwrap();
    assert!(requirements.iter().any(|r| r.get("evidence").is_some()));
    assert!(requirements.iter().any(|r| r.get("answer_notes").is_some()));
    for requirement in requirements {
        let requirement = requirement.as_object_mut().unwrap();
        requirement.remove("evidence");
        requirement.remove("answer_notes");
    }
    let read: wire::AssessmentResult = serde_json::from_value(json).unwrap();
    assert!(read.requirements.iter().all(|r| r.evidence.is_empty()));
    assert!(read.requirements.iter().all(|r| r.answer_notes.is_none()));
    assert_eq!(read.requirements.len(), result.requirements.len());
}

#[test]
fn the_schema_documents_every_field() {
    let schema = serde_json::to_value(wire::json_schema()).unwrap();
    assert!(
        schema["$schema"]
            .as_str()
            .unwrap()
            .contains("2020-12/schema")
    );
    let mut undocumented = Vec::new();
    let mut objects = vec![("(root)".to_string(), &schema)];
    if let Some(defs) = schema["$defs"].as_object() {
        objects.extend(defs.iter().map(|(name, def)| (name.clone(), def)));
    }
    for (name, object) in objects {
        for (field, property) in object["properties"].as_object().into_iter().flatten() {
            let described = property["description"]
                .as_str()
                .is_some_and(|d| !d.is_empty());
            if !described {
                undocumented.push(format!("{name}.{field}"));
            }
        }
    }
    assert!(undocumented.is_empty(), "undocumented: {undocumented:?}");
}

/// Validates the five examples' results against the generated schema with Python's
/// `jsonschema`, a validator that is not ours; skips with a notice when it is absent, unless
/// AIMSGAP_REQUIRE_ALL=1.
#[test]
fn every_example_result_validates_against_the_generated_schema() {
    let dir = std::env::temp_dir().join(format!("aimsgap-result-schema-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let schema = dir.join("result.schema.json");
    std::fs::write(
        &schema,
        serde_json::to_string_pretty(&wire::json_schema()).unwrap(),
    )
    .unwrap();
    let mut paths = Vec::new();
    for (name, text) in EXAMPLES {
        let path = dir.join(format!("{name}.json"));
        std::fs::write(&path, aimsgap_report::json::render(&result_of(name, text))).unwrap();
        paths.push(path);
    }
    // A result that breaks the schema must be rejected, or the validation proves nothing.
    let broken = dir.join("broken.json");
    let mut value = aimsgap_report::json::to_value(&result_of(EXAMPLES[0].0, EXAMPLES[0].1));
    value["requirements"][0]["status"] = serde_json::json!("almost");
    std::fs::write(&broken, value.to_string()).unwrap();
    let script = r#"
import sys, json, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
for path in sys.argv[2:]:
    errors = list(validator.iter_errors(json.load(open(path))))
    print(path.rsplit("/", 1)[-1], len(errors), errors[0].message if errors else "")
"#;
    let mut args = vec![schema.to_str().unwrap()];
    args.extend(paths.iter().map(|path| path.to_str().unwrap()));
    args.push(broken.to_str().unwrap());
    let Some(stdout) = python("jsonschema", script, &args) else {
        std::fs::remove_dir_all(&dir).ok();
        return;
    };
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 6, "{stdout}");
    for line in &lines[..5] {
        assert!(line.contains(".json 0 "), "{stdout}");
    }
    assert!(
        lines[5].starts_with("broken.json 1 ") && lines[5].contains("almost"),
        "{stdout}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn diff_output_is_unchanged() {
    let old = aimsgap_report::json::to_wire(&result_at("2026-11-29"));
    let new = aimsgap_report::json::to_wire(&result_at("2027-09-01"));
    let diff = aimsgap_report::diff::diff(&old, &new).unwrap();
    insta::assert_snapshot!("diff_table", aimsgap_report::diff::to_table(&diff));
    insta::assert_snapshot!("diff_json", aimsgap_report::diff::to_json(&diff));
    insta::assert_snapshot!("diff_md", aimsgap_report::diff::to_markdown(&diff));
}

#[test]
fn diff_reads_saved_results_and_says_what_is_not_one() {
    let saved = aimsgap_report::json::render(&result_at("2026-11-29"));
    let read = aimsgap_report::diff::read("old", &saved).unwrap();
    assert_eq!(
        read,
        aimsgap_report::json::to_wire(&result_at("2026-11-29"))
    );
    let other = aimsgap_report::diff::read("old", r#"{"schema": "x"}"#).unwrap_err();
    assert_eq!(
        other.to_string(),
        "old is not an aimsgap result: expected \"schema\": \"aimsgap/assessment-result/2\", found \"x\""
    );
    let none = aimsgap_report::diff::read("new", r#"{"aimsgap": 1}"#).unwrap_err();
    assert!(none.to_string().contains("found no schema"), "{none}");
    let damaged = saved.replacen("\"as_of\": \"2026-11-29\"", "\"as_of\": 2026", 1);
    let damaged = aimsgap_report::diff::read("new", &damaged).unwrap_err();
    assert!(
        damaged.to_string().starts_with("new: line 2, column "),
        "{damaged}"
    );
    assert_eq!(damaged.to_string().matches("line").count(), 1, "{damaged}");
}

/// The requirements new in schema 2 (the standard's 6.1.3 d) and e)), which a result of
/// schema 1 cannot hold, taken out of a result.
fn without_new_requirements(result: &mut wire::AssessmentResult) {
    let new = |id: &str| id == "6.1.3.d" || id == "6.1.3.e";
    result.requirements.retain(|r| !new(&r.id));
    result.gaps.retain(|g| !new(&g.id));
    result.next_actions.retain(|a| !new(&a.id));
    result.claims.to_attach.retain(|a| !new(&a.id));
    result.roadmap.tasks.retain(|t| !new(&t.requirement));
    for package in &mut result.work_packages {
        package.requirements.retain(|id| !new(id));
    }
    for system in &mut result.obligations {
        for item in &mut system.items {
            item.supported_by.retain(|s| !new(&s.id));
        }
    }
}

/// A result of schema 1 (older ISO/IEC 42001 ids) still reads, with its ids renamed: the same
/// result written with today's ids, and a diff against it finds no change.
#[test]
fn a_result_of_schema_1_reads_with_todays_ids() {
    let iso = super::catalog().framework("iso42001").unwrap();
    for (name, text) in EXAMPLES {
        let mut current = aimsgap_report::json::to_wire(&result_of(name, text));
        assert_eq!(current.schema, "aimsgap/assessment-result/2");
        without_new_requirements(&mut current);
        let mut old = current.clone();
        // Back to the ids of schema 1.
        old.rename_ids(|id| iso.get(id).and_then(|r| r.formerly.clone()));
        old.schema = wire::SCHEMA_1.to_string();
        let old_text = old.to_json();
        if name == "saas-chatbot-iso27001" {
            assert!(old_text.contains("\"id\": \"6.1.3.d\""), "{name}");
            assert!(!old_text.contains("\"id\": \"6.1.3-1\""), "{name}");
        }
        let read = aimsgap_report::diff::read("old", &old_text).unwrap();
        assert!(read == current, "{name}: reads with today's ids");
        let value: serde_json::Value = serde_json::from_str(&old_text).unwrap();
        let from_value = aimsgap_report::diff::from_value("old", &value).unwrap();
        assert!(from_value == current, "{name}: a saved run reads the same");
        let diff = aimsgap_report::diff::diff(&read, &current).unwrap();
        assert!(
            diff.status_changes.is_empty() && diff.gaps_opened.is_empty(),
            "{name}: {} status changes",
            diff.status_changes.len()
        );
    }
}
