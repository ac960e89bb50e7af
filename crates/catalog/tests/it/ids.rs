//! ISO/IEC 42001 requirement ids follow the standard's own list letters (catalogs/FORMAT.md,
//! "Ids of ISO/IEC 42001 requirements"), and renamed requirements keep their format 1 id.

use super::catalog;
use aimsgap_catalog::{Framework, Kind, Requirement};

fn iso() -> &'static Framework {
    catalog().framework("iso42001").unwrap()
}

/// `4`, `6.1.3`: numbers joined by dots.
fn is_clause_number(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('.')
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'))
}

/// How a requirement id of a clause is built.
#[derive(Debug, PartialEq)]
enum Shape<'a> {
    /// `<clause>.<x>`: the standard's list item x).
    Lettered(&'a str, char),
    /// `<clause>-<N>`: the Nth statement that is not one lettered item.
    Numbered(&'a str, u32),
}

fn shape(id: &str) -> Option<Shape<'_>> {
    if let Some((clause, n)) = id.rsplit_once('-') {
        let number: u32 = n.parse().ok()?;
        return (is_clause_number(clause) && number >= 1 && !n.starts_with('0'))
            .then_some(Shape::Numbered(clause, number));
    }
    let (clause, letter) = id.rsplit_once('.')?;
    let mut chars = letter.chars();
    match (chars.next(), chars.next()) {
        (Some(x), None) if x.is_ascii_lowercase() && is_clause_number(clause) => {
            Some(Shape::Lettered(clause, x))
        }
        _ => None,
    }
}

fn clause_requirements(iso: &Framework) -> impl Iterator<Item = &Requirement> {
    iso.requirements
        .iter()
        .filter(|r| r.kind == Kind::Requirement)
}

#[test]
fn every_id_matches_the_format() {
    let iso = iso();
    for r in &iso.requirements {
        match r.kind {
            Kind::Clause => assert!(is_clause_number(&r.id), "clause id {}", r.id),
            Kind::Requirement => {
                let shape = shape(&r.id).unwrap_or_else(|| panic!("requirement id {}", r.id));
                let (Shape::Lettered(clause, _) | Shape::Numbered(clause, _)) = shape;
                assert_eq!(
                    r.parent.as_deref(),
                    Some(clause),
                    "{} sits under its clause",
                    r.id
                );
            }
            Kind::Objective | Kind::Category | Kind::Control => {
                let rest =
                    r.id.strip_prefix("A.")
                        .unwrap_or_else(|| panic!("{}", r.id));
                assert!(is_clause_number(rest), "Annex A id {}", r.id);
            }
            other => panic!("{} is a {other}", r.id),
        }
    }
}

#[test]
fn the_shape_check_can_fail() {
    for bad in [
        "6.1.3.dd", "6.1.3-0", "6.1.3-a", "6.1.3.D", "6..1.a", "6.1.3-01", "x.1-1",
    ] {
        assert_eq!(shape(bad), None, "{bad}");
    }
    assert_eq!(shape("6.1.3.f"), Some(Shape::Lettered("6.1.3", 'f')));
    assert_eq!(shape("10.2-3"), Some(Shape::Numbered("10.2", 3)));
}

#[test]
fn lettered_ids_and_letters_agree_with_their_clauses() {
    let iso = iso();
    let clauses: Vec<&Requirement> = iso
        .requirements
        .iter()
        .filter(|r| r.kind == Kind::Clause)
        .collect();
    let mut lettered_clauses = 0;
    for clause in &clauses {
        let children: Vec<&Requirement> = clause_requirements(iso)
            .filter(|r| r.parent.as_deref() == Some(clause.id.as_str()))
            .collect();
        for child in &children {
            match shape(&child.id) {
                Some(Shape::Lettered(_, x)) => {
                    assert!(
                        clause.letters.contains(&x),
                        "{}: {} letters no item {x})",
                        child.id,
                        clause.id
                    );
                    assert!(
                        child.letters.is_empty() || child.letters == [x],
                        "{} is item {x}) alone",
                        child.id
                    );
                }
                Some(Shape::Numbered(..)) => {
                    for x in &child.letters {
                        assert!(
                            clause.letters.contains(x),
                            "{} names {x}), which {} does not letter",
                            child.id,
                            clause.id
                        );
                    }
                }
                None => panic!("{}", child.id),
            }
        }
        // Every letter of the clause is assessed exactly once: by its own id or by one `-N`.
        for x in &clause.letters {
            let own = children
                .iter()
                .filter(|c| shape(&c.id) == Some(Shape::Lettered(&clause.id, *x)))
                .count();
            let grouped = children
                .iter()
                .filter(|c| matches!(shape(&c.id), Some(Shape::Numbered(..))))
                .filter(|c| c.letters.contains(x))
                .count();
            assert_eq!(
                own + grouped,
                1,
                "{} {x}) is assessed {own} times by its own id and {grouped} times in a group",
                clause.id
            );
        }
        if !clause.letters.is_empty() {
            lettered_clauses += 1;
        }
    }
    assert_eq!(lettered_clauses, 20, "clauses that letter a list");
}

#[test]
fn numbered_ids_count_from_one_without_holes() {
    let iso = iso();
    for clause in iso.requirements.iter().filter(|r| r.kind == Kind::Clause) {
        let numbers: Vec<u32> = clause_requirements(iso)
            .filter(|r| r.parent.as_deref() == Some(clause.id.as_str()))
            .filter_map(|r| match shape(&r.id) {
                Some(Shape::Numbered(_, n)) => Some(n),
                _ => None,
            })
            .collect();
        let expected: Vec<u32> = (1..=u32::try_from(numbers.len()).unwrap()).collect();
        assert_eq!(numbers, expected, "{}", clause.id);
    }
}

#[test]
fn the_statement_of_applicability_is_6_1_3_f_and_was_6_1_3_d() {
    let iso = iso();
    let soa = iso.get("6.1.3.f").unwrap();
    assert!(
        soa.title.contains("Statement of Applicability"),
        "{}",
        soa.title
    );
    assert_eq!(soa.formerly.as_deref(), Some("6.1.3.d"));
    // Old ids read through `formerly`: the old 6.1.3.d is the SoA, the old 6.1.3.f approval.
    assert_eq!(
        iso.by_former_id("6.1.3.d").map(|r| r.id.as_str()),
        Some("6.1.3.f")
    );
    assert_eq!(
        iso.by_former_id("6.1.3.f").map(|r| r.id.as_str()),
        Some("6.1.3-1")
    );
    assert_eq!(
        iso.by_former_id("9.2.2.b").map(|r| r.id.as_str()),
        Some("9.2.2.a")
    );
    assert_eq!(
        iso.by_former_id("6.1.2.a").map(|r| r.id.as_str()),
        Some("6.1.2.a")
    );
    assert_eq!(
        iso.by_former_id("A.6.2.4").map(|r| r.id.as_str()),
        Some("A.6.2.4")
    );
    // A new id that did not exist in format 1 is no old id.
    assert_eq!(iso.by_former_id("4.1-1"), None);
    // The standard's 6.1.3 d) and e) are requirements of their own, new in format 2.
    for id in ["6.1.3.d", "6.1.3.e"] {
        let r = iso.get(id).unwrap();
        assert_eq!(r.formerly, None, "{id}");
        assert!(r.summary.split_whitespace().count() >= 30, "{id}");
        assert!(r.evidence.is_some(), "{id}");
    }
    assert_eq!(
        iso.requirements
            .iter()
            .filter(|r| r.formerly.is_some())
            .count(),
        67,
        "renamed requirements"
    );
}
