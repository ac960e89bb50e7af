//! The NIST AI RMF -> ISO/IEC 42001 crosswalk reaches the ISO requirements the RMF is about, and
//! accounts for every subcategory.

use super::catalog;
use aimsgap_catalog::{CROSSWALKS, Kind, Relationship};
use std::collections::BTreeSet;

/// The RMF categories about the AI system impact assessment: impacts are documented and
/// communicated (GOVERN 4), outside feedback on them is taken in (GOVERN 5), context, benefits
/// and costs, and likelihood and magnitude of impacts are mapped (MAP 1 to 5), and impacts such
/// as safety, privacy, fairness and environment are measured (MEASURE 2).
const ABOUT_IMPACT: &[&str] = &[
    "GOVERN 4",
    "GOVERN 5",
    "MAP 1",
    "MAP 2",
    "MAP 3",
    "MAP 4",
    "MAP 5",
    "MEASURE 2",
];

/// The AI system impact assessment: the clause requirements of 6.1.4 and the controls of A.5.
const IMPACT_ASSESSMENT: &[&str] = &[
    "6.1.4-1", "6.1.4-2", "6.1.4-3", "6.1.4-4", "A.5.2", "A.5.3", "A.5.4", "A.5.5",
];

/// The least strength at which an edge counts as reaching its target here: below it the link
/// is a supporting input only.
const REACH: u8 = 3;

/// ISO/IEC 42001 requirements and how many distinct subcategories of the given categories must
/// reach each of them.
const PINNED: &[(&str, &[&str], usize)] = &[
    ("A.5.2", ABOUT_IMPACT, 5),
    ("A.5.3", ABOUT_IMPACT, 4),
    ("A.5.4", ABOUT_IMPACT, 8),
    ("A.5.5", ABOUT_IMPACT, 7),
    ("6.1.4-1", ABOUT_IMPACT, 4),
    ("6.1.4-2", ABOUT_IMPACT, 3),
    ("6.1.4-3", ABOUT_IMPACT, 3),
    ("6.1.4-4", ABOUT_IMPACT, 2),
    ("8.4-2", ABOUT_IMPACT, 2),
    // Responsible design and development: the safety-first mindset, feedback into design,
    // requirements with socio-technical implications, the decision to proceed.
    (
        "A.6.1.3",
        &["GOVERN 1", "GOVERN 4", "GOVERN 5", "MAP 1", "MANAGE 1"],
        5,
    ),
    // Technical documentation: tasks, knowledge limits, validity, transparency, explanation,
    // residual risks.
    ("A.6.2.7", &["MAP 2", "MEASURE 2", "MANAGE 1"], 5),
    // Information for users: knowledge limits, generalisation, explanation, residual risks.
    ("A.8.2", &["MAP 2", "MEASURE 2", "MEASURE 3", "MANAGE 1"], 5),
    // Objectives for responsible use: trustworthiness in policy, safety-first use, goals for AI.
    ("A.9.3", &["GOVERN 1", "GOVERN 4", "MAP 1", "MANAGE 1"], 3),
];

/// The category of a subcategory id ("MAP 5.1" -> "MAP 5").
fn category(subcategory: &str) -> &str {
    subcategory
        .rsplit_once('.')
        .map_or(subcategory, |(category, _)| category)
}

/// The distinct subcategories of the given categories that reach a target at strength REACH or
/// more with a relationship that gives credit.
fn reaching(target: &str, categories: &[&str]) -> BTreeSet<String> {
    let crosswalk = catalog().crosswalk("nist-ai-rmf", "iso42001").unwrap();
    crosswalk
        .edges_to(target)
        .filter(|e| e.rel != Relationship::NoRelationship && e.strength >= REACH)
        .filter(|e| categories.contains(&category(&e.from)))
        .map(|e| e.from.clone())
        .collect()
}

#[test]
fn the_impact_assessment_and_the_life_cycle_controls_are_reached_by_the_rmf_outcomes_about_them() {
    let iso = catalog().framework("iso42001").unwrap();
    let mut short = Vec::new();
    for (target, categories, least) in PINNED {
        assert!(
            iso.get(target).is_some(),
            "{target} is not an ISO/IEC 42001 id"
        );
        let found = reaching(target, categories);
        if found.len() < *least {
            short.push(format!(
                "{target}: {} of at least {least} ({found:?})",
                found.len()
            ));
        }
    }
    assert!(
        short.is_empty(),
        "too few RMF outcomes reach:\n{}",
        short.join("\n")
    );
}

#[test]
fn the_impact_assessment_is_reached_by_dozens_of_edges() {
    let crosswalk = catalog().crosswalk("nist-ai-rmf", "iso42001").unwrap();
    let impact = crosswalk
        .edges
        .iter()
        .filter(|e| e.rel != Relationship::NoRelationship)
        .filter(|e| IMPACT_ASSESSMENT.contains(&e.to.as_str()))
        .count();
    assert!(impact >= 40, "{impact} edges onto 6.1.4 and A.5");
}

#[test]
fn the_category_of_a_subcategory_is_its_id_without_the_last_number() {
    assert_eq!(category("MAP 5.1"), "MAP 5");
    assert_eq!(category("MEASURE 2.13"), "MEASURE 2");
    assert_ne!(category("GOVERN 1.1"), "GOVERN 1.1");
}

/// The subcategories the crosswalk's header lists as reviewed with no ISO/IEC 42001
/// counterpart (the line `# No ISO/IEC 42001 counterpart: ...`, `none` for an empty list).
fn reviewed_without_counterpart() -> Vec<String> {
    let (_, text) = CROSSWALKS
        .iter()
        .find(|(name, _)| name.ends_with("nist-ai-rmf-iso42001.yaml"))
        .unwrap();
    let line = text
        .lines()
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .find_map(|l| l.strip_prefix("# No ISO/IEC 42001 counterpart:"))
        .expect("the header names the subcategories without an ISO/IEC 42001 counterpart");
    let list = line.trim().trim_end_matches('.');
    if list == "none" {
        return Vec::new();
    }
    list.split(',').map(|id| id.trim().to_owned()).collect()
}

#[test]
fn every_subcategory_has_an_edge_or_is_listed_as_without_counterpart() {
    let rmf = catalog().framework("nist-ai-rmf").unwrap();
    let crosswalk = catalog().crosswalk("nist-ai-rmf", "iso42001").unwrap();
    let listed = reviewed_without_counterpart();
    let subcategories: Vec<&str> = rmf
        .requirements
        .iter()
        .filter(|r| r.kind == Kind::Subcategory)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(subcategories.len(), 72);
    for id in &listed {
        assert!(
            subcategories.contains(&id.as_str()),
            "{id} is not a subcategory"
        );
    }
    let unaccounted: Vec<&str> = subcategories
        .iter()
        .copied()
        .filter(|id| {
            let mapped = crosswalk
                .edges_from(id)
                .any(|e| e.rel != Relationship::NoRelationship);
            // A subcategory is either mapped or listed, never both.
            assert!(
                !(mapped && listed.iter().any(|l| l == id)),
                "{id} is mapped and listed"
            );
            !mapped && !listed.iter().any(|l| l == id)
        })
        .collect();
    assert!(unaccounted.is_empty(), "{unaccounted:?}");
}

#[test]
fn the_review_is_recorded_in_the_method() {
    let crosswalk = catalog().crosswalk("nist-ai-rmf", "iso42001").unwrap();
    let method = crosswalk
        .method
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for words in [
        "Reviewed on 2026-12-01",
        "72 x 135",
        "catalogs/FORMAT.md",
        "GOVERN 61 and 80",
    ] {
        assert!(method.contains(words), "the method does not say {words:?}");
    }
}
