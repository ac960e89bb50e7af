//! Documents beyond the limits of `aimsgap_wire::limits` are refused with located errors, and
//! numbers out of range name their field and range. Each test reproduces an input that was
//! accepted before the limits existed.

use super::*;
use aimsgap_assess::{check_limits, read_document};

fn errors(name: &str, text: &str) -> Vec<String> {
    parse_assessment(name, text, catalog(), date("2026-11-29"))
        .err()
        .unwrap_or_else(|| panic!("expected errors"))
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn has(errors: &[String], expect: &str) {
    assert!(
        errors.iter().any(|e| e.contains(expect)),
        "no error contains `{expect}`: {errors:#?}"
    );
}

/// An inventory of `count` AI systems with a description each, as JSON: what an editor could
/// import before there was a limit.
fn many_systems(count: usize) -> String {
    let systems: Vec<String> = (0..count)
        .map(|i| {
            format!(
                r#"{{"id": "s{i}", "name": "System {i}", "role": "deployer", "markets": ["EU"], "description": "{}"}}"#,
                "d".repeat(260)
            )
        })
        .collect();
    format!(
        r#"{{"aimsgap": 2, "as_of": "2026-11-29", "organization": {{"name": "Big", "jurisdictions": ["EU"]}}, "ai_systems": [{}]}}"#,
        systems.join(",\n")
    )
}

#[test]
fn three_thousand_ai_systems_in_a_megabyte_are_refused_as_too_large() {
    let text = many_systems(3_000);
    assert!(text.len() <= 1_100_000, "{} bytes", text.len());
    let errors = errors("big.json", &text);
    has(&errors, "ai_systems: 3,000 AI systems, at most 500");
    let document = read_document("big.json", &text).unwrap();
    let over = check_limits("big.json", &document).unwrap_err();
    assert!(over.too_large, "a count is a document too large");
    // The limit itself is accepted.
    let text = many_systems(500);
    let document = read_document("ok.json", &text).unwrap();
    assert_eq!(check_limits("ok.json", &document), Ok(()));
    assert_eq!(parse(&text).ai_systems.len(), 500);
}

#[test]
fn a_megabyte_note_is_refused_with_its_line_and_length() {
    let note = "n".repeat(1_048_576);
    let text = org(&format!(
        "answers:\n  \"5.2\":\n    status: partial\n    notes: {note}\n"
    ));
    let errors = errors("acme.yaml", &text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    has(
        &errors,
        "acme.yaml:6:5: answers.5.2.notes: 1,048,576 characters, at most 4,000",
    );
    // The huge value itself is never repeated in the message.
    assert!(errors[0].len() < 200, "{}", errors[0].len());
    let document = read_document("acme.yaml", &text).unwrap();
    assert!(!check_limits("acme.yaml", &document).unwrap_err().too_large);
}

#[test]
fn every_text_field_has_a_limit_named_in_its_error() {
    let long = |n: usize| "x".repeat(n);
    let cases = [
        (
            org(&format!(
                "ai_systems:\n  - {{id: a, name: A}}\n  - {{id: b, name: B}}\n  - {{id: c, name: C}}\n  - id: d\n    name: D\n    description: {}\n",
                long(12_000)
            )),
            "acme.yaml:8:5: ai_systems[3].description: 12,000 characters, at most 4,000",
        ),
        (
            org(&format!(
                "ai_systems:\n  - {{id: a, name: {}}}\n",
                long(201)
            )),
            "ai_systems[0].name: 201 characters, at most 200",
        ),
        (
            org(&format!(
                "ai_systems:\n  - {{id: {}, name: A}}\n",
                long(300)
            )),
            "ai_systems[0].id: 300 characters, at most 200",
        ),
        (
            format!("aimsgap: 2\norganization: {{name: {}}}\n", long(5_000)),
            "organization.name: 5,000 characters, at most 200",
        ),
        (
            org(&format!(
                "answers:\n  \"5.2\":\n    status: implemented\n    evidence:\n      - {{ref: {}, kind: draft}}\n",
                long(2_000)
            )),
            "answers.5.2.evidence[0].ref: 2,000 characters, at most 1,000",
        ),
        (
            org(&format!(
                "answers:\n  \"A.2.2\":\n    status: not_applicable\n    justification: {}\n",
                long(4_001)
            )),
            "answers.A.2.2.justification: 4,001 characters, at most 4,000",
        ),
        (
            org(&format!(
                "answers:\n  \"5.2\":\n    status: {}\n",
                long(1_000)
            )),
            "answers.5.2.status: 1,000 characters, at most 200",
        ),
    ];
    for (text, expect) in cases {
        has(&errors("acme.yaml", &text), expect);
    }
}

#[test]
fn counts_of_every_list_are_limited() {
    let evidence: String = (0..21)
        .map(|i| format!("      - {{ref: e{i}, kind: draft}}\n"))
        .collect();
    let text = org(&format!(
        "answers:\n  \"5.2\":\n    status: implemented\n    evidence:\n{evidence}"
    ));
    has(
        &errors("acme.yaml", &text),
        "answers.5.2.evidence: 21 evidence entries, at most 20",
    );
    let markets: Vec<String> = (0..51).map(|i| format!("M{i}")).collect();
    let text = org(&format!(
        "ai_systems:\n  - {{id: a, name: A, markets: [{}]}}\n",
        markets.join(", ")
    ));
    has(
        &errors("acme.yaml", &text),
        "ai_systems[0].markets: 51 entries, at most 50",
    );
}

#[test]
fn a_text_over_the_document_size_is_refused_unread() {
    let text = format!("# {}\n", "x".repeat(17 * 1024 * 1024));
    has(
        &errors("huge.yaml", &text),
        "huge.yaml: document: 17,825,795 bytes, at most 16,777,216 (16 MiB)",
    );
}

#[test]
fn a_team_of_1e_minus_300_is_refused_with_the_field_and_range() {
    let text = org("").replace("team_fte: 1", "team_fte: 1e-300");
    has(
        &errors("acme.yaml", &text),
        "acme.yaml:3:86: organization.team_fte: team_fte 1e-300: expected 0.1 to 10,000 full-time equivalents",
    );
    for bad in ["0.05", "10001", "-1", ".nan", ".inf"] {
        let text = org("").replace("team_fte: 1", &format!("team_fte: {bad}"));
        has(&errors("acme.yaml", &text), "organization.team_fte");
    }
    for good in ["0.1", "10000", "2.5"] {
        let text = org("").replace("team_fte: 1", &format!("team_fte: {good}"));
        parse(&text);
    }
    // JSON is located through its second reading.
    let json = r#"{"aimsgap": 2, "organization": {"name": "A",
  "team_fte": 1e-300}}"#;
    has(
        &errors("acme.json", json),
        "acme.json:2:15: organization.team_fte",
    );
}

#[test]
fn employees_out_of_range_name_the_range() {
    for bad in ["0", "10000001", "-5"] {
        let text = org("").replace("employees: 100", &format!("employees: {bad}"));
        has(&errors("acme.yaml", &text), "organization.employees: ");
        has(&errors("acme.yaml", &text), "expected 1 to 10,000,000");
    }
}

#[test]
fn dates_outside_1900_to_2200_are_refused() {
    let text = org("").replace("as_of: 2026-11-29", "as_of: 0001-01-01");
    has(
        &errors("acme.yaml", &text),
        "as_of: `0001-01-01`: the year must be 1900 to 2200",
    );
    let text = org(
        "answers:\n  \"5.2\":\n    status: implemented\n    evidence:\n      - {ref: a, kind: draft, date: 2201-01-01}\n",
    );
    has(
        &errors("acme.yaml", &text),
        "answers.5.2.evidence[0].date: `2201-01-01`: the year must be 1900 to 2200",
    );
    let text = org(
        "certifications:\n  - {framework: iso27001, status: certified, valid_until: 9999-12-31}\n",
    );
    has(&errors("acme.yaml", &text), "certifications[0].valid_until");
}

#[test]
fn the_engine_keeps_roadmap_dates_near_when_a_caller_bypasses_validation() {
    // Built in code, past the reader: before, the roadmap divided by 1e-300, overflowed the
    // calendar and dated Stage 1 in year 1 (or panicked in a debug build).
    for team in [1e-300, 0.0, -3.0, f64::NAN, f64::INFINITY, 1e300] {
        let mut assessment = parse(&org(""));
        assessment.organization.team_fte = team;
        let result = assess(catalog(), &assessment).unwrap();
        let stage1 = result.roadmap.stage1_date;
        assert!(
            stage1 > assessment.as_of && stage1.year() <= assessment.as_of.year() + 101,
            "team {team}: Stage 1 on {stage1}"
        );
        assert!(result.roadmap.stage2_date > stage1, "team {team}");
    }
}

#[test]
fn a_json_document_holding_u007f_is_read_and_its_errors_are_located() {
    // DEL and the C1 controls are plain characters in a JSON string, and such a document is
    // assessed. YAML refuses them raw, so before, a wrong value elsewhere in the document lost
    // its line and column: the second reading, which locates errors, failed on them.
    let good = "{\"aimsgap\": 1, \"as_of\": \"2026-11-29\",\n  \"organization\": {\"name\": \"Del\u{7f}Corp\u{85}\u{9b}\"}}";
    let assessment = parse(good);
    assert_eq!(assessment.organization.name, "Del\u{7f}Corp\u{85}\u{9b}");
    let bad = "{\"aimsgap\": 1, \"organization\": {\"name\": \"Del\u{7f}Corp\u{2028}\"},\n  \"ai_systems\": [{\"id\": \"a\", \"name\": \"x\u{7f}\", \"role\": \"boss\"}]}";
    has(
        &errors("acme.json", bad),
        "acme.json:2:52: ai_systems[0].role: `boss` is not one of",
    );
}
