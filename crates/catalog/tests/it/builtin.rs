//! The built-in catalogs: counts pinned, structure sound, content present.

use super::catalog;
use aimsgap_catalog::{Framework, FrameworkKind, Kind};

fn framework(id: &str) -> &'static Framework {
    catalog()
        .framework(id)
        .unwrap_or_else(|| panic!("framework {id} missing"))
}

fn count(framework: &Framework, kind: Kind, parent: Option<&str>) -> usize {
    framework
        .requirements
        .iter()
        .filter(|r| r.kind == kind && (parent.is_none() || r.parent.as_deref() == parent))
        .count()
}

fn controls_under(framework: &Framework, group: &str) -> usize {
    framework
        .requirements
        .iter()
        .filter(|r| r.kind == Kind::Control && framework.group_of(&r.id) == group)
        .count()
}

#[test]
fn iso42001_has_38_controls_in_9_objectives() {
    let iso = framework("iso42001");
    assert_eq!(count(iso, Kind::Objective, None), 9);
    assert_eq!(count(iso, Kind::Control, None), 38);
    let per_objective: Vec<(String, usize)> = iso
        .requirements
        .iter()
        .filter(|r| r.kind == Kind::Objective)
        .map(|o| (o.id.to_string(), controls_under(iso, &o.id)))
        .collect();
    let expected = [
        ("A.2", 3),
        ("A.3", 2),
        ("A.4", 5),
        ("A.5", 4),
        ("A.6", 9),
        ("A.7", 5),
        ("A.8", 4),
        ("A.9", 3),
        ("A.10", 3),
    ];
    let expected: Vec<(String, usize)> = expected
        .iter()
        .map(|(id, n)| ((*id).to_string(), *n))
        .collect();
    assert_eq!(per_objective, expected);
}

#[test]
fn iso42001_numbers_its_sub_clauses_as_the_standard_does() {
    let iso = framework("iso42001");
    for id in [
        "4", "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3", "6.1.1", "6.1.2", "6.1.3", "6.1.4",
        "6.2", "6.3", "7.5.1", "7.5.2", "7.5.3", "8.1", "8.2", "8.3", "8.4", "9.1", "9.2.1",
        "9.2.2", "9.3.1", "9.3.2", "9.3.3", "10.1", "10.2",
    ] {
        let node = iso.get(id).unwrap_or_else(|| panic!("clause {id} missing"));
        assert_eq!(node.kind, Kind::Clause, "{id}");
        assert!(
            iso.children(id).count() > 0,
            "clause {id} has no requirement"
        );
    }
    // Clause requirements split into individual duties, with documented information marked.
    let requirements = count(iso, Kind::Requirement, None);
    assert!(
        requirements >= 90,
        "only {requirements} clause requirements"
    );
    let documented = iso
        .requirements
        .iter()
        .filter(|r| r.kind == Kind::Requirement && r.documented)
        .count();
    assert!(
        documented >= 20,
        "only {documented} requirements marked documented"
    );
    for id in ["4.3-2", "5.2-1", "6.1.3.f", "6.1.4-3", "9.2.2-2", "9.3.3-2"] {
        assert!(
            iso.get(id).is_some_and(|r| r.documented),
            "{id} should be documented"
        );
    }
}

#[test]
fn iso27001_has_93_controls_in_4_themes() {
    let iso = framework("iso27001");
    assert_eq!(count(iso, Kind::Theme, None), 4);
    assert_eq!(count(iso, Kind::Control, None), 93);
    assert_eq!(count(iso, Kind::Control, Some("A.5")), 37);
    assert_eq!(count(iso, Kind::Control, Some("A.6")), 8);
    assert_eq!(count(iso, Kind::Control, Some("A.7")), 14);
    assert_eq!(count(iso, Kind::Control, Some("A.8")), 34);
    for clause in ["4", "5", "6", "7", "8", "9", "10"] {
        assert!(iso.get(clause).is_some(), "clause {clause} missing");
    }
}

#[test]
fn soc2_has_61_criteria() {
    let soc2 = framework("soc2");
    assert_eq!(count(soc2, Kind::Criterion, None), 61);
    let common = soc2
        .requirements
        .iter()
        .filter(|r| r.kind == Kind::Criterion && r.id.starts_with("CC"))
        .count();
    assert_eq!(common, 33);
    let privacy = soc2
        .requirements
        .iter()
        .filter(|r| r.kind == Kind::Criterion && r.id.starts_with('P') && !r.id.starts_with("PI"))
        .count();
    assert_eq!(privacy, 18);
    for (prefix, expected) in [("A1.", 3), ("C1.", 2), ("PI1.", 5)] {
        let n = soc2
            .requirements
            .iter()
            .filter(|r| r.kind == Kind::Criterion && r.id.starts_with(prefix))
            .count();
        assert_eq!(n, expected, "{prefix}");
    }
}

#[test]
fn nist_ai_rmf_has_4_functions_19_categories_72_subcategories() {
    let rmf = framework("nist-ai-rmf");
    assert_eq!(count(rmf, Kind::Function, None), 4);
    assert_eq!(count(rmf, Kind::Category, None), 19);
    assert_eq!(count(rmf, Kind::Subcategory, None), 72);
    // NIST's statements are carried verbatim: every subcategory has its text.
    assert!(
        rmf.assessable()
            .all(|r| r.text.as_deref().is_some_and(|t| t.len() > 20)),
        "a subcategory lacks NIST's text"
    );
    assert_eq!(count(framework("nist-ai-600-1"), Kind::Risk, None), 12);
}

#[test]
fn every_parent_resolves_in_every_framework() {
    for framework in &catalog().frameworks {
        for requirement in &framework.requirements {
            if let Some(parent) = &requirement.parent {
                assert!(
                    framework.get(parent).is_some(),
                    "{}: parent {parent} of {} missing",
                    framework.id,
                    requirement.id
                );
            }
        }
    }
}

/// Sentences of at least three words, so that "e.g." or "Art. 5" does not count as one.
fn sentences(text: &str) -> usize {
    text.split_terminator(['.', '!', '?'])
        .filter(|s| s.split_whitespace().count() >= 3)
        .count()
}

#[test]
fn every_iso42001_requirement_and_control_has_a_summary_of_two_sentences_and_evidence() {
    let iso = framework("iso42001");
    let mut short = Vec::new();
    for requirement in iso.assessable() {
        if sentences(&requirement.summary) < 2 {
            short.push(format!("{} summary", requirement.id));
        }
        if requirement
            .evidence
            .as_deref()
            .is_none_or(|e| sentences(e) < 1)
        {
            short.push(format!("{} evidence", requirement.id));
        }
    }
    assert!(short.is_empty(), "too short or missing: {short:?}");
}

#[test]
fn the_sentence_counter_can_fail() {
    assert_eq!(sentences("Keep a register."), 1);
    assert_eq!(
        sentences("Keep a register. Review it yearly, e.g. in Q1."),
        2
    );
}

#[test]
fn every_law_obligation_has_a_date_a_source_and_a_verification_date() {
    let mut obligations = 0;
    for framework in catalog()
        .frameworks
        .iter()
        .filter(|f| f.kind == FrameworkKind::Law)
    {
        assert!(framework.last_verified.is_some(), "{}", framework.id);
        for requirement in framework.assessable() {
            let obligation = requirement.obligation.as_ref().unwrap_or_else(|| {
                panic!("{} {} is not an obligation", framework.id, requirement.id)
            });
            assert!(!obligation.source.is_empty(), "{}", requirement.id);
            assert!(!obligation.roles.is_empty(), "{}", requirement.id);
            obligations += 1;
        }
    }
    assert!(obligations >= 40, "only {obligations} law obligations");
}

/// The laws beyond the EU and Colorado: each loads with its jurisdiction, classification and
/// verification date, every obligation names its article and source, and each has a crosswalk
/// onto ISO/IEC 42001 that reaches every one of its obligations.
#[test]
fn the_texas_illinois_new_york_city_and_korea_laws_load_with_sources_and_crosswalks() {
    use aimsgap_catalog::LawClassification;
    for (id, jurisdiction, classification, obligations) in [
        (
            "texas-traiga",
            "US-TX",
            LawClassification::ProhibitionsAndDisclosures,
            8,
        ),
        (
            "illinois-hb3773",
            "US-IL",
            LawClassification::EmploymentDecision,
            3,
        ),
        (
            "nyc-ll144",
            "US-NY-NYC",
            LawClassification::EmploymentDecision,
            4,
        ),
        ("korea-ai-basic-act", "KR", LawClassification::HighImpact, 8),
    ] {
        let law = framework(id);
        assert_eq!(law.kind, FrameworkKind::Law, "{id}");
        assert_eq!(law.jurisdiction.as_deref(), Some(jurisdiction), "{id}");
        assert_eq!(law.classification, classification, "{id}");
        assert!(law.last_verified.is_some(), "{id}: last_verified");
        let duties: Vec<_> = law
            .requirements
            .iter()
            .filter_map(|r| r.obligation.as_ref().map(|o| (r, o)))
            .collect();
        assert_eq!(duties.len(), obligations, "{id}");
        let crosswalk = catalog()
            .crosswalk(id, "iso42001")
            .unwrap_or_else(|| panic!("{id}: no crosswalk onto iso42001"));
        for (requirement, obligation) in duties {
            assert!(
                !obligation.source.trim().is_empty() && !obligation.article.trim().is_empty(),
                "{id} {}: article and source",
                requirement.id
            );
            assert!(
                crosswalk.edges_from(&requirement.id).count() > 0,
                "{id} {}: no crosswalk edge",
                requirement.id
            );
        }
        // Strengths of 8 or more belong to equal and superset_of edges only.
        for edge in &crosswalk.edges {
            assert!(
                edge.strength < 8
                    || matches!(
                        edge.rel,
                        aimsgap_catalog::Relationship::Equal
                            | aimsgap_catalog::Relationship::SupersetOf
                    ),
                "{id} {} -> {}",
                edge.from,
                edge.to
            );
        }
        // The decisions a law names are words an assessment file can use (Colorado's list).
        let colorado = framework("colorado-ai")
            .list("consequential_decisions")
            .unwrap();
        for entry in law.list("consequential_decisions").unwrap_or_default() {
            assert!(
                colorado.iter().any(|c| c.id == entry.id),
                "{id}: {}",
                entry.id
            );
        }
    }
    // The classification is data: Colorado names it, the EU AI Act takes the default.
    assert_eq!(
        framework("colorado-ai").classification,
        LawClassification::ConsequentialDecision
    );
    assert_eq!(
        framework("eu-ai-act").classification,
        LawClassification::Tiers
    );
}
