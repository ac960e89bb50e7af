//! The crosswalks: all load, ids resolve, and the anti-inflation rules hold.

use super::catalog;
use aimsgap_catalog::{CROSSWALKS, Kind, Relationship, coverage};

const PAIRS: &[(&str, &str)] = &[
    ("iso27001", "iso42001"),
    ("soc2", "iso42001"),
    ("nist-ai-rmf", "iso42001"),
    ("eu-ai-act", "iso42001"),
    ("colorado-ai", "iso42001"),
    ("colorado-ai", "nist-ai-rmf"),
];

/// ISO/IEC 42001 requirements whose subject is specific to AI: no security or SOC 2 control
/// can be `equal` to them.
fn ai_specific(id: &str) -> bool {
    ["A.5.", "A.6.", "A.7.", "6.1.4-", "8.4-", "6.1.2.d"]
        .iter()
        .any(|prefix| id.starts_with(prefix))
}

#[test]
fn all_crosswalks_load_with_hundreds_of_edges() {
    let total: usize = PAIRS
        .iter()
        .map(|(from, to)| {
            let crosswalk = catalog()
                .crosswalk(from, to)
                .unwrap_or_else(|| panic!("crosswalk {from} -> {to} missing"));
            assert!(
                crosswalk.edges.len() >= 30,
                "{from} -> {to}: {} edges",
                crosswalk.edges.len()
            );
            crosswalk.edges.len()
        })
        .sum();
    assert!(total >= 500, "{total} edges in all");
}

#[test]
fn every_edge_connects_existing_ids_and_targets_an_assessable_requirement() {
    for crosswalk in &catalog().crosswalks {
        let source = catalog().framework(&crosswalk.from).unwrap();
        let target = catalog().framework(&crosswalk.to).unwrap();
        for edge in &crosswalk.edges {
            assert!(
                source.get(&edge.from).is_some(),
                "{} {}",
                crosswalk.from,
                edge.from
            );
            let to = target.get(&edge.to).unwrap();
            assert!(
                to.kind.is_assessable(),
                "{} -> container {}",
                edge.from,
                edge.to
            );
            assert!((1..=10).contains(&edge.strength));
            assert!(
                edge.note.split_whitespace().count() >= 8,
                "{} -> {}: note too thin",
                edge.from,
                edge.to
            );
        }
        let mut pairs: Vec<(&str, &str)> = crosswalk
            .edges
            .iter()
            .map(|e| (e.from.as_str(), e.to.as_str()))
            .collect();
        let before = pairs.len();
        pairs.sort_unstable();
        pairs.dedup();
        assert_eq!(
            pairs.len(),
            before,
            "{} -> {} repeats a pair",
            crosswalk.from,
            crosswalk.to
        );
    }
}

#[test]
fn no_security_framework_is_equal_to_an_ai_specific_requirement() {
    for from in ["iso27001", "soc2"] {
        let crosswalk = catalog().crosswalk(from, "iso42001").unwrap();
        let inflated: Vec<String> = crosswalk
            .edges
            .iter()
            .filter(|e| e.rel == Relationship::Equal && ai_specific(&e.to))
            .map(|e| format!("{} -> {}", e.from, e.to))
            .collect();
        assert!(inflated.is_empty(), "{from}: {inflated:?}");
        // Security frameworks never claim to contain an AI-specific requirement whole either.
        let superset: Vec<String> = crosswalk
            .edges
            .iter()
            .filter(|e| e.rel == Relationship::SupersetOf && ai_specific(&e.to))
            .map(|e| format!("{} -> {}", e.from, e.to))
            .collect();
        assert!(superset.is_empty(), "{from}: {superset:?}");
    }
}

#[test]
fn the_rule_checker_can_fail() {
    assert!(ai_specific("A.7.4") && ai_specific("6.1.4-1") && ai_specific("6.1.2.d"));
    assert!(!ai_specific("7.5.3-1") && !ai_specific("A.10.3") && !ai_specific("6.1.2.a"));
}

#[test]
fn every_nist_ai_rmf_subcategory_maps_to_iso42001() {
    let rmf = catalog().framework("nist-ai-rmf").unwrap();
    let crosswalk = catalog().crosswalk("nist-ai-rmf", "iso42001").unwrap();
    let missing: Vec<&str> = rmf
        .requirements
        .iter()
        .filter(|r| r.kind == Kind::Subcategory)
        .filter(|r| {
            !crosswalk
                .edges
                .iter()
                .any(|e| e.from == r.id && e.rel != Relationship::NoRelationship)
        })
        .map(|r| r.id.as_str())
        .collect();
    assert!(missing.is_empty(), "{missing:?}");
}

#[test]
fn iso27001_leaves_the_ai_specific_work_unreached() {
    let coverage = coverage(catalog(), "iso27001", "iso42001").unwrap();
    // The AI impact assessment and the AI data controls are beyond ISO 27001.
    for id in [
        "6.1.4-1", "6.1.4-2", "6.1.4-3", "6.1.4-4", "8.4-1", "8.4-2", "A.5.2", "A.5.3", "A.5.4",
        "A.5.5", "A.7.4", "A.7.5", "A.7.6",
    ] {
        assert!(
            coverage.unreached.iter().any(|u| u == id),
            "{id} should be unreached"
        );
    }
    // And every unreached requirement is AI-specific work, not a gap in the crosswalk.
    let iso = catalog().framework("iso42001").unwrap();
    for id in &coverage.unreached {
        let defensible = ai_specific(id)
            // Annex B is ISO/IEC 42001's own implementation guidance.
            || ["4.1-3", "6.1.1-3", "6.1.3.e", "A.8.2", "A.9.3", "A.9.4"].contains(&id.as_str());
        assert!(
            defensible,
            "{id} ({}) is unreached without an AI reason",
            iso.get(id).unwrap().title
        );
    }
    // Shared management-system mechanics are reached.
    for id in ["7.5.3-1", "9.2.2-1", "9.3.1-1", "10.2.a"] {
        let target = coverage.targets.iter().find(|t| t.id == *id).unwrap();
        assert!(target.edges > 0, "{id}");
    }
}

#[test]
fn every_crosswalk_file_opens_with_a_header_on_method() {
    for (name, text) in CROSSWALKS {
        let header: Vec<&str> = text
            .lines()
            .take_while(|l| l.starts_with('#') || l.trim().is_empty())
            .collect();
        assert!(header.len() >= 3, "{name} has no header comment");
        let joined = header.join(" ").to_lowercase();
        assert!(
            joined.contains("strength")
                && (joined.contains("8477") || joined.contains("relationship")),
            "{name}: the header must say what relationships and strengths mean"
        );
    }
    for crosswalk in &catalog().crosswalks {
        assert!(
            crosswalk.method.split_whitespace().count() >= 20,
            "{} -> {}",
            crosswalk.from,
            crosswalk.to
        );
    }
}
