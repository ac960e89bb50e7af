//! Assessment files of format 1 (older ISO/IEC 42001 ids) still load: every renamed id is
//! mapped to today's and named in a warning, and the result is the migrated file's.

use super::{EXAMPLES, catalog, date};
use aimsgap_assess::{
    Migration, Renamed, assess, from_document, migrate, parse_assessment_noting, read_document,
};
use aimsgap_wire::assessment::Document;

/// The same document written in format 1: today's ids back to their format 1 ids.
fn as_format_1(document: &Document) -> Document {
    let iso = catalog().framework("iso42001").unwrap();
    let mut old = document.clone();
    old.aimsgap.value = 1;
    old.answers = document
        .answers
        .iter()
        .map(|(id, answer)| {
            let former = iso.get(id).and_then(|r| r.formerly.clone());
            (former.unwrap_or_else(|| id.clone()), answer.clone())
        })
        .collect();
    old
}

#[test]
fn each_example_in_format_1_gives_the_same_result_as_in_format_2() {
    let mut renamed_in_all = 0;
    for (name, text) in EXAMPLES {
        let current = read_document(name, text).unwrap();
        assert_eq!(current.aimsgap.value, 2, "{name} is written in format 2");
        let old = as_format_1(&current);
        let today = from_document(name, &current, catalog(), date("2026-11-29")).unwrap();
        let before = from_document(name, &old, catalog(), date("2026-11-29"))
            .unwrap_or_else(|errors| panic!("{name}: {errors:?}"));
        assert_eq!(before, today, "{name}");
        let (a, b) = (
            assess(catalog(), &before).unwrap(),
            assess(catalog(), &today).unwrap(),
        );
        assert_eq!(a.readiness.point, b.readiness.point, "{name}");
        let (upgraded, renamed) = aimsgap_assess::upgrade(&old, catalog());
        assert_eq!(
            *upgraded, current,
            "{name}: upgrading gives the format 2 document"
        );
        let iso = catalog().framework("iso42001").unwrap();
        let expected = current
            .answers
            .keys()
            .filter(|id| iso.get(id).is_some_and(|r| r.formerly.is_some()))
            .count();
        assert_eq!(
            renamed.len(),
            expected,
            "{name}: one warning per renamed id"
        );
        renamed_in_all += renamed.len();
    }
    assert!(
        renamed_in_all >= 10,
        "{renamed_in_all} renamed ids in the examples"
    );
}

#[test]
fn the_format_1_fixture_uses_6_1_3_d_for_the_soa_and_warns() {
    let old = include_str!("../../../../tests/format-1/saas-chatbot-iso27001.yaml");
    let new = include_str!("../../../../examples/saas-chatbot-iso27001.yaml");
    assert!(old.contains("aimsgap: 1\n") && old.contains("\"6.1.3.d\": {status: planned"));
    let (before, renamed) =
        parse_assessment_noting("old.yaml", old, catalog(), date("2026-11-29")).unwrap();
    let (after, none) =
        parse_assessment_noting("new.yaml", new, catalog(), date("2026-11-29")).unwrap();
    assert!(
        none.is_empty(),
        "a format 2 file warns about nothing: {none:?}"
    );
    assert_eq!(before, after);
    let soa = Renamed {
        old: "6.1.3.d".into(),
        new: "6.1.3.f".into(),
        title: catalog()
            .framework("iso42001")
            .unwrap()
            .get("6.1.3.f")
            .unwrap()
            .title
            .to_string(),
    };
    assert!(renamed.contains(&soa), "{renamed:?}");
    assert!(
        soa.to_string()
            .starts_with("6.1.3.d is now 6.1.3.f (Produce a Statement of Applicability"),
        "{soa}"
    );
    // One warning per renamed id; the unchanged ids (clauses, Annex A, 6.1.2.a) give none.
    let keys = old.matches("\n  \"").count();
    assert!(renamed.len() < keys, "{} of {keys}", renamed.len());
    assert!(renamed.iter().all(|r| r.old != r.new));
    assert_eq!(
        assess(catalog(), &before).unwrap().readiness.point,
        assess(catalog(), &after).unwrap().readiness.point
    );
}

/// Old and new ids overlap: in format 1, `6.1.3.f` was the approval of the treatment plan,
/// today's `6.1.3-1`; in format 2 it is the Statement of Applicability.
#[test]
fn an_overlapping_id_means_what_its_format_says() {
    let text = |version: u8| {
        format!(
            "aimsgap: {version}\nas_of: 2026-11-29\norganization: {{name: X}}\nanswers:\n  \"6.1.3.f\": {{status: implemented}}\n"
        )
    };
    let (one, renamed) =
        parse_assessment_noting("one.yaml", &text(1), catalog(), date("2026-11-29")).unwrap();
    let (two, _) =
        parse_assessment_noting("two.yaml", &text(2), catalog(), date("2026-11-29")).unwrap();
    assert_eq!(one.answers[0].id, "6.1.3-1");
    assert_eq!(two.answers[0].id, "6.1.3.f");
    assert_eq!(renamed.len(), 1);
    assert_eq!(renamed[0].new, "6.1.3-1");
}

#[test]
fn a_format_2_id_in_a_format_1_file_is_refused_at_its_line() {
    let text =
        "aimsgap: 1\norganization: {name: X}\nanswers:\n  \"4.1-1\":\n    status: implemented\n";
    let errors = aimsgap_assess::parse_assessment("old.yaml", text, catalog(), date("2026-11-29"))
        .unwrap_err();
    let error = errors
        .iter()
        .find(|e| e.field == "answers.4.1-1")
        .unwrap_or_else(|| panic!("{errors:?}"));
    assert_eq!(error.location.line, 5, "{error}");
    assert!(error.to_string().contains("aimsgap migrate"), "{error}");
}

#[test]
fn a_version_beyond_2_is_refused() {
    let errors = aimsgap_assess::parse_assessment(
        "x.yaml",
        "aimsgap: 3\norganization: {name: X}\n",
        catalog(),
        date("2026-11-29"),
    )
    .unwrap_err();
    assert!(
        errors[0].to_string().contains("reads versions 1 and 2"),
        "{}",
        errors[0]
    );
}

#[test]
fn migrating_the_format_1_fixture_gives_the_example_byte_for_byte() {
    let old = include_str!("../../../../tests/format-1/saas-chatbot-iso27001.yaml");
    let new = include_str!("../../../../examples/saas-chatbot-iso27001.yaml");
    let Migration::Rewritten { text, renamed } =
        migrate("old.yaml", old, catalog(), date("2026-11-29")).unwrap()
    else {
        panic!("a format 1 file is rewritten");
    };
    assert_eq!(text, new, "only the version and the renamed ids change");
    assert_eq!(renamed.len(), 6);
    assert_eq!(
        migrate("new.yaml", new, catalog(), date("2026-11-29")).unwrap(),
        Migration::Current
    );
}

#[test]
fn migrating_keeps_json_quoting_and_crlf_lines() {
    let json = "{\"aimsgap\": 1, \"as_of\": \"2026-11-29\", \"organization\": {\"name\": \"J\"},\r\n \"answers\": {\"9.2.2.b\": {\"status\": \"partial\"},\r\n  \"6.1.3.f\": {\"status\": \"planned\"}, \"6.1.2.a\": {\"status\": \"planned\"}}}\r\n";
    let Migration::Rewritten { text, renamed } =
        migrate("old.json", json, catalog(), date("2026-11-29")).unwrap()
    else {
        panic!("a format 1 file is rewritten");
    };
    assert_eq!(
        text,
        "{\"aimsgap\": 2, \"as_of\": \"2026-11-29\", \"organization\": {\"name\": \"J\"},\r\n \"answers\": {\"9.2.2.a\": {\"status\": \"partial\"},\r\n  \"6.1.3-1\": {\"status\": \"planned\"}, \"6.1.2.a\": {\"status\": \"planned\"}}}\r\n"
    );
    assert_eq!(renamed.len(), 2);
    // Comments naming the old id and unquoted keys in YAML.
    let yaml = "# 9.2.2.b: the audit criteria\naimsgap: 1\norganization: {name: Y}\nanswers:\n  9.2.2.b: # was 9.2.2.b\n    status: partial\n";
    let Migration::Rewritten { text, .. } =
        migrate("old.yaml", yaml, catalog(), date("2026-11-29")).unwrap()
    else {
        panic!("a format 1 file is rewritten");
    };
    assert_eq!(
        text,
        "# 9.2.2.b: the audit criteria\naimsgap: 2\norganization: {name: Y}\nanswers:\n  9.2.2.a: # was 9.2.2.b\n    status: partial\n"
    );
}

#[test]
fn migrating_a_broken_file_gives_its_located_errors() {
    let broken =
        "aimsgap: 1\norganization: {name: X}\nanswers:\n  \"6.1.3.d\": {status: sometimes}\n";
    let errors = migrate("old.yaml", broken, catalog(), date("2026-11-29")).unwrap_err();
    assert_eq!(errors[0].location.line, 4, "{}", errors[0]);
    assert!(errors[0].to_string().contains("sometimes"), "{}", errors[0]);
}
