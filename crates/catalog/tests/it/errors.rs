//! A malformed catalog is a located error, never a panic.

use aimsgap_catalog::{parse_crosswalk, parse_framework};

const HEADER: &str = "framework:
  id: demo
  name: Demo
  version: \"1\"
  kind: standard
  publisher: Us
  source: here
  licence: ours
";

/// Loads `body` after a valid header and expects one error at `line` mentioning `expect`.
fn check(body: &str, line: u64, field: &str, expect: &str) {
    let text = format!("{HEADER}{body}");
    let errors = match parse_framework("demo.yaml", &text) {
        Ok(_) => panic!("expected an error containing `{expect}`"),
        Err(errors) => errors,
    };
    let error = errors
        .iter()
        .find(|e| e.to_string().contains(expect))
        .unwrap_or_else(|| panic!("no error contains `{expect}`: {errors:?}"));
    assert_eq!(error.location.file, "demo.yaml");
    assert_eq!(error.location.line, line, "{error}");
    assert!(error.location.column > 0, "{error}");
    assert!(
        error.field.contains(field),
        "field `{}` in {error}",
        error.field
    );
}

#[test]
fn unknown_parent_is_located() {
    check(
        "requirements:\n  - {id: \"1\", kind: clause, title: One, summary: s}\n  - {id: \"1.1\", kind: requirement, parent: \"9\", title: T, summary: s}\n",
        11,
        "requirements[1].parent",
        "unknown parent `9`",
    );
}

#[test]
fn duplicate_id_is_located_with_the_first_line() {
    check(
        "requirements:\n  - {id: a, kind: clause, title: A, summary: s}\n  - {id: a, kind: clause, title: B, summary: s}\n",
        11,
        "requirements[1].id",
        "first defined on line 10",
    );
}

#[test]
fn unknown_kind_names_the_accepted_values() {
    check(
        "requirements:\n  - id: a\n    kind: chapter\n    title: A\n    summary: s\n",
        11,
        "requirements[0].kind",
        "`chapter` is not one of: clause, requirement",
    );
}

#[test]
fn impossible_date_is_located() {
    let body = "requirements:\n  - id: o\n    kind: obligation\n    title: O\n    summary: s\n    article: Art. 1\n    roles: [provider]\n    tiers: [all]\n    applies_from: 2026-02-30\n    status: in_force\n    source: x\n    last_verified: 2026-11-29\n";
    check(body, 17, "requirements[0].applies_from", "28 days");
}

#[test]
fn obligation_without_a_date_is_refused() {
    let body = "requirements:\n  - id: o\n    kind: obligation\n    title: O\n    summary: s\n    article: Art. 1\n    roles: [provider]\n    tiers: [all]\n    status: in_force\n    source: x\n";
    check(body, 10, "applies_from", "needs `applies_from`");
}

#[test]
fn law_without_verification_date_is_refused() {
    let text = HEADER.replace("kind: standard", "kind: law")
        + "requirements:\n  - {id: a, kind: clause, title: A, summary: s}\n";
    let errors = parse_framework("law.yaml", &text).err().unwrap_or_default();
    assert!(
        errors
            .iter()
            .any(|e| e.field == "framework.last_verified" && e.location.line == 2),
        "{errors:?}"
    );
}

#[test]
fn parent_cycle_is_refused() {
    check(
        "requirements:\n  - {id: a, kind: clause, parent: b, title: A, summary: s}\n  - {id: b, kind: clause, parent: a, title: B, summary: s}\n",
        10,
        "parent",
        "loops back",
    );
}

/// Regression: a chain of 800 nested clauses loaded, and rendering it as an OSCAL catalog
/// overflowed the stack (found by the `catalog_framework` fuzz target's hand-written corpus).
#[test]
fn parent_chain_deeper_than_the_limit_is_refused() {
    let mut body =
        String::from("requirements:\n  - {id: n0, kind: clause, title: N, summary: s}\n");
    for i in 1..=9 {
        body.push_str(&format!(
            "  - {{id: n{i}, kind: clause, parent: n{}, title: N, summary: s}}\n",
            i - 1
        ));
    }
    check(&body, 19, "requirements[9].parent", "at most 8");
    // At the limit it loads.
    let limit = body.lines().take(10).collect::<Vec<_>>().join("\n");
    assert!(parse_framework("demo.yaml", &format!("{HEADER}{limit}\n")).is_ok());
}

#[test]
fn unknown_field_and_bad_yaml_are_syntax_errors_with_a_line() {
    for (body, line) in [
        (
            "requirements:\n  - {id: a, kind: clause, title: A, summary: s, colour: red}\n",
            10,
        ),
        ("requirements:\n  - id: a\n    kind: [clause\n", 12),
        (
            "requirements:\n  - id: a\n    id: b\n    kind: clause\n    title: A\n    summary: s\n",
            11,
        ),
    ] {
        let text = format!("{HEADER}{body}");
        let errors = parse_framework("demo.yaml", &text)
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 1, "{errors:?}");
        let error = &errors[0];
        assert!(
            error.location.line >= line - 1 && error.location.line <= line + 1,
            "line {} for {body:?}: {error}",
            error.location.line
        );
    }
}

fn demo_framework() -> aimsgap_catalog::Framework {
    let text = format!(
        "{HEADER}requirements:\n  - {{id: g, kind: clause, title: G, summary: s}}\n  - {{id: g.1, kind: requirement, parent: g, title: R, summary: s}}\n"
    );
    parse_framework("demo.yaml", &text).unwrap()
}

/// Loads a crosswalk from `demo` onto itself and expects an error at `line` with `expect`.
fn check_edge(edges: &str, line: u64, expect: &str) {
    let text = format!(
        "crosswalk:\n  from: demo\n  to: demo\n  version: \"1\"\n  authors: us\n  method: m\nedges:\n{edges}"
    );
    let errors = parse_crosswalk("x.yaml", &text, &[demo_framework()])
        .err()
        .unwrap_or_default();
    let error = errors
        .iter()
        .find(|e| e.to_string().contains(expect))
        .unwrap_or_else(|| panic!("no error contains `{expect}`: {errors:?}"));
    assert_eq!(error.location.line, line, "{error}");
}

#[test]
fn crosswalk_errors_are_located() {
    let edge = |from: &str, to: &str, strength: i64| {
        format!(
            "  - {{from: {from}, to: {to}, rel: subset_of, strength: {strength}, rationale: semantic, note: n}}\n"
        )
    };
    check_edge(&edge("g.1", "nope", 5), 8, "unknown id `nope`");
    check_edge(&edge("zzz", "g.1", 5), 8, "unknown id `zzz`");
    check_edge(&edge("g.1", "g.1", 11), 8, "strength 11 is out of range");
    check_edge(&edge("g.1", "g.1", 0), 8, "strength 0 is out of range");
    check_edge(&edge("g.1", "g", 5), 8, "only groups requirements");
    check_edge(
        &format!("{}{}", edge("g.1", "g.1", 5), edge("g.1", "g.1", 6)),
        9,
        "duplicate edge g.1 -> g.1 (first on line 8)",
    );
    check_edge(
        "  - {from: g.1, to: g.1, rel: same_as, strength: 5, rationale: semantic, note: n}\n",
        8,
        "`same_as` is not one of",
    );
}

#[test]
fn a_valid_crosswalk_loads() {
    let text = "crosswalk:\n  from: demo\n  to: demo\n  version: \"1\"\n  authors: us\n  method: m\nedges:\n  - {from: g.1, to: g.1, rel: equal, strength: 10, rationale: syntactic, note: same}\n";
    let crosswalk = parse_crosswalk("x.yaml", text, &[demo_framework()]).unwrap();
    assert_eq!(crosswalk.edges.len(), 1);
    assert_eq!(crosswalk.edges[0].strength, 10);
}

#[test]
fn a_list_letter_that_is_not_one_letter_is_located() {
    check(
        "requirements:\n  - {id: \"1\", kind: clause, title: One, summary: s, letters: [a, bc]}\n",
        10,
        "requirements[0].letters[1]",
        "`bc` is not a list letter",
    );
    check(
        "requirements:\n  - {id: \"1\", kind: clause, title: One, summary: s, letters: [b, a]}\n",
        10,
        "requirements[0].letters[1]",
        "`a` comes after `b`",
    );
}

#[test]
fn a_requirement_letter_its_clause_does_not_have_is_located() {
    check(
        "requirements:\n  - {id: \"1\", kind: clause, title: One, summary: s, letters: [a, b]}\n  - {id: \"1-1\", kind: requirement, parent: \"1\", title: T, summary: s, letters: [a, c]}\n",
        11,
        "requirements[1].letters[1]",
        "`c` is not one of the letters of the parent clause",
    );
}

#[test]
fn a_former_id_claimed_twice_is_located() {
    check(
        "requirements:\n  - {id: \"1\", kind: clause, title: One, summary: s}\n  - {id: \"1-1\", kind: requirement, parent: \"1\", title: T, summary: s, formerly: \"1.a\"}\n  - {id: \"1-2\", kind: requirement, parent: \"1\", title: T, summary: s, formerly: \"1.a\"}\n",
        12,
        "requirements[2].formerly",
        "former id `1.a` is already claimed on line 11",
    );
}
