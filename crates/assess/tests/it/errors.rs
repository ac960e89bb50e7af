//! Bad assessment files are located errors: file, line, field, what was expected.

use super::*;

fn check(text: &str, line: u64, field: &str, expect: &str) {
    let errors = parse_assessment("acme.yaml", text, catalog(), date("2026-11-29"))
        .err()
        .unwrap_or_else(|| panic!("expected an error containing `{expect}`"));
    let error = errors
        .iter()
        .find(|e| e.to_string().contains(expect))
        .unwrap_or_else(|| panic!("no error contains `{expect}`: {errors:#?}"));
    assert_eq!(error.location.file, "acme.yaml");
    assert_eq!(error.location.line, line, "{error}");
    assert!(error.field.contains(field), "{error}");
}

#[test]
fn unknown_requirement_id() {
    check(
        &org("answers:\n  \"5.9\": {status: implemented}\n"),
        5,
        "answers.5.9",
        "unknown id `5.9`",
    );
}

#[test]
fn bad_status_names_the_accepted_values() {
    check(
        &org("answers:\n  \"5.2\":\n    status: done\n"),
        6,
        "answers.5.2.status",
        "`done` is not one of: implemented, partial, planned, not_implemented, not_applicable",
    );
}

#[test]
fn impossible_evidence_date() {
    check(
        &org(
            "answers:\n  \"5.2\":\n    status: implemented\n    evidence:\n      - {ref: a, kind: draft, date: 2026-02-30}\n",
        ),
        8,
        "evidence[0].date",
        "28 days",
    );
}

#[test]
fn maturity_out_of_range() {
    check(
        &org("answers:\n  \"5.2\":\n    status: partial\n    maturity: 7\n"),
        7,
        "maturity",
        "expected 0..5",
    );
}

#[test]
fn clause_requirements_cannot_be_excluded() {
    check(
        &org("answers:\n  \"6.1.4-1\":\n    status: not_applicable\n    justification: no\n"),
        6,
        "status",
        "exclude Annex A controls only",
    );
}

#[test]
fn unknown_certification_control_and_annex_iii_area() {
    check(
        &org(
            "certifications:\n  - framework: iso27001\n    status: certified\n    controls: {\"A.9.9\": partial}\n",
        ),
        7,
        "controls.A.9.9",
        "unknown id `A.9.9`",
    );
    check(
        &org("ai_systems:\n  - id: x\n    name: X\n    annex_iii_area: gaming\n"),
        7,
        "annex_iii_area",
        "`gaming` is not one of: biometrics",
    );
}

#[test]
fn duplicate_keys_and_unknown_fields_are_syntax_errors_with_a_line() {
    for (text, line) in [
        (
            org("answers:\n  \"5.2\": {status: partial}\n  \"5.2\": {status: implemented}\n"),
            6,
        ),
        (
            org("answers:\n  \"5.2\": {status: partial, colour: red}\n"),
            5,
        ),
        (
            "aimsgap: 2\norganization: {name: X}\nanswers: [\n".to_string(),
            3,
        ),
    ] {
        let errors = parse_assessment("acme.yaml", &text, catalog(), date("2026-11-29"))
            .err()
            .unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let at = errors[0].location.line;
        assert!(
            at + 1 >= line && at <= line + 1,
            "line {at}, expected about {line}: {}",
            errors[0]
        );
    }
}

#[test]
fn unsupported_format_version() {
    check(
        "aimsgap: 3\norganization: {name: X}\n",
        1,
        "aimsgap",
        "format version 3 is not supported",
    );
}

#[test]
fn json_assessment_files_parse_too() {
    let text = r#"{"aimsgap": 2, "as_of": "2026-11-29", "organization": {"name": "J"},
        "answers": {"5.2": {"status": "implemented", "evidence": [{"ref": "p", "kind": "approved_document", "date": "2026-06-01"}]}}}"#;
    let assessment = parse(text);
    assert_eq!(assessment.answers.len(), 1);
    assert_eq!(assessment.as_of, date("2026-11-29"));
}
