//! The relationship and strength rules of `catalogs/FORMAT.md` ("Relationship and strength
//! rules"), checked over every edge of every crosswalk.

use super::catalog;
use aimsgap_catalog::{Catalog, Edge, FrameworkKind, Rationale, Relationship};

/// The least strength of a relationship that claims the whole target (`equal`, `superset_of`).
const FULL_MIN: u8 = 8;
/// The most strength of a relationship that claims part of the target (`subset_of`,
/// `intersects_with`).
const PARTIAL_MAX: u8 = 7;

/// Phrases a note uses to say that content the edge depends on is left to be produced, written
/// or decided by the organisation: the target does not contain it, so the edge is never
/// `subset_of`, `superset_of` or `equal`. Notes use these words for that and nothing else.
const LEFT_TO_THE_ORGANISATION: &[&str] = &[
    "left to the organisation",
    "leaves the content",
    "leaves the choice",
    "still to be produced",
    "still has to be produced",
    "still have to be produced",
    "remains to be produced",
    "remain to be produced",
    "must be written",
    "still to be written",
    "still has to be written",
    "must still be written",
    "must be decided",
    "still to be decided",
    "must still be decided",
    "follow the statute",
    "follows the statute",
];

/// Frameworks that are not laws but whose subject is AI. Every other framework that is not a
/// law (ISO/IEC 27001, SOC 2, a custom control set) has controls that also cover non-AI assets.
const AI_FRAMEWORKS: &[&str] = &["nist-ai-rmf", "nist-ai-600-1"];

/// The AI management system standard, every requirement of which is about AI.
const AIMS: &str = "iso42001";

/// Whether the controls of a source framework also cover assets that are not AI.
fn covers_non_ai(catalog: &Catalog, framework: &str) -> bool {
    let law = catalog
        .framework(framework)
        .is_some_and(|f| f.kind == FrameworkKind::Law);
    !law && !AI_FRAMEWORKS.contains(&framework)
}

/// Whether a note says that content is left to the organisation to produce, write or decide.
fn left_to_the_organisation(note: &str) -> Option<&'static str> {
    let note = note.split_whitespace().collect::<Vec<_>>().join(" ");
    let note = note.to_lowercase();
    LEFT_TO_THE_ORGANISATION
        .iter()
        .copied()
        .find(|phrase| note.contains(phrase))
}

/// What is wrong with one edge under the rules, in words (empty when it keeps them).
fn problems(edge: &Edge, source_covers_non_ai: bool, target: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let rel = edge.rel;
    let full = matches!(rel, Relationship::Equal | Relationship::SupersetOf);
    let partial = matches!(rel, Relationship::SubsetOf | Relationship::IntersectsWith);
    if full && edge.strength < FULL_MIN {
        problems.push(format!(
            "{rel} claims the whole target, so its strength is {FULL_MIN} or more, not {}",
            edge.strength
        ));
    }
    if partial && edge.strength > PARTIAL_MAX {
        problems.push(format!(
            "{rel} claims part of the target, so its strength is at most {PARTIAL_MAX}, not {}",
            edge.strength
        ));
    }
    if rel == Relationship::NoRelationship && edge.strength != 1 {
        problems.push(format!(
            "no_relationship carries strength 1, not {}",
            edge.strength
        ));
    }
    if let Some(phrase) = left_to_the_organisation(&edge.note)
        && (full || rel == Relationship::SubsetOf)
    {
        problems.push(format!(
            "the note says {phrase:?}: content is left to the organisation, so the target does \
             not contain the source: intersects_with, not {rel}"
        ));
    }
    if source_covers_non_ai
        && target == AIMS
        && matches!(
            rel,
            Relationship::SubsetOf | Relationship::Equal | Relationship::SupersetOf
        )
    {
        problems.push(format!(
            "the source also covers non-AI assets and the target is about AI: intersects_with, \
             not {rel}"
        ));
    }
    problems
}

/// Every broken rule of every crosswalk of a catalog, one line each.
fn violations(catalog: &Catalog) -> Vec<String> {
    let mut lines = Vec::new();
    for crosswalk in &catalog.crosswalks {
        let non_ai = covers_non_ai(catalog, &crosswalk.from);
        for edge in &crosswalk.edges {
            for problem in problems(edge, non_ai, &crosswalk.to) {
                lines.push(format!(
                    "{} -> {}: {} -> {} {} {}: {problem}",
                    crosswalk.from, crosswalk.to, edge.from, edge.to, edge.rel, edge.strength
                ));
            }
        }
    }
    lines
}

fn edge(rel: Relationship, strength: u8, note: &str) -> Edge {
    Edge {
        from: "x".to_owned(),
        to: "y".to_owned(),
        rel,
        strength,
        rationale: Rationale::Semantic,
        note: note.to_owned(),
    }
}

const NEUTRAL: &str = "The practice covers part of what the target asks for and no more than that.";

#[test]
fn every_crosswalk_keeps_the_relationship_and_strength_rules() {
    let broken = violations(catalog());
    assert!(
        broken.is_empty(),
        "{} edges break the rules of catalogs/FORMAT.md:\n{}",
        broken.len(),
        broken.join("\n")
    );
}

#[test]
fn whole_relationships_need_strength_eight_and_partial_ones_stay_at_seven() {
    for rel in [Relationship::Equal, Relationship::SupersetOf] {
        assert_eq!(problems(&edge(rel, 7, NEUTRAL), false, AIMS).len(), 1);
        assert!(problems(&edge(rel, 8, NEUTRAL), false, AIMS).is_empty());
    }
    for rel in [Relationship::SubsetOf, Relationship::IntersectsWith] {
        assert!(problems(&edge(rel, 7, NEUTRAL), false, AIMS).is_empty());
        assert_eq!(problems(&edge(rel, 8, NEUTRAL), false, AIMS).len(), 1);
    }
    let none = Relationship::NoRelationship;
    assert!(problems(&edge(none, 1, NEUTRAL), false, AIMS).is_empty());
    assert_eq!(problems(&edge(none, 2, NEUTRAL), false, AIMS).len(), 1);
}

#[test]
fn content_left_to_the_organisation_is_never_contained() {
    // A Colorado edge as it stood: the note says A.8.2 leaves the content to the organisation,
    // yet the duty was recorded as a subset of it.
    let colorado = "Telling users that they are dealing with an AI system is one item of the \
                    information A.8.2 asks the organisation to determine and provide. A.8.2 leaves \
                    the choice of content to the organisation, so the disclosure to every consumer \
                    must be decided explicitly.";
    assert_eq!(
        problems(&edge(Relationship::SubsetOf, 6, colorado), false, AIMS).len(),
        1
    );
    assert_eq!(
        problems(&edge(Relationship::SupersetOf, 9, colorado), false, AIMS).len(),
        1
    );
    assert!(
        problems(
            &edge(Relationship::IntersectsWith, 6, colorado),
            false,
            AIMS
        )
        .is_empty()
    );
    // Line breaks and capitals of a folded YAML note do not hide the phrase.
    assert_eq!(
        left_to_the_organisation("Its content Remains\n  to be produced."),
        Some("remains to be produced")
    );
    assert_eq!(left_to_the_organisation(NEUTRAL), None);
}

#[test]
fn controls_that_also_cover_non_ai_assets_are_no_subset_of_an_ai_requirement() {
    // ISO 27001 A.8.15 (logging of every system) onto A.6.2.8 (AI event logs), as it stood.
    let logging = edge(Relationship::SubsetOf, 5, NEUTRAL);
    assert_eq!(problems(&logging, true, AIMS).len(), 1);
    assert_eq!(
        problems(&edge(Relationship::Equal, 9, NEUTRAL), true, AIMS).len(),
        1
    );
    assert!(problems(&edge(Relationship::IntersectsWith, 5, NEUTRAL), true, AIMS).is_empty());
    // An AI framework or a law may be a subset of an AI requirement.
    assert!(problems(&logging, false, AIMS).is_empty());
    // Which sources count as covering non-AI assets.
    assert!(covers_non_ai(catalog(), "iso27001") && covers_non_ai(catalog(), "soc2"));
    assert!(!covers_non_ai(catalog(), "nist-ai-rmf") && !covers_non_ai(catalog(), "eu-ai-act"));
    assert!(!covers_non_ai(catalog(), "colorado-ai"));
}

#[test]
fn the_generous_strengths_named_in_review_are_lowered() {
    let strength = |from: &str, source: &str, to: &str| {
        catalog()
            .crosswalk(from, "iso42001")
            .unwrap()
            .edges_from(source)
            .find(|e| e.to == to)
            .map(|e| e.strength)
    };
    // ISO 27001's own Statement of Applicability justifies its own 93 controls: the format carries
    // over, the content does not.
    assert!(strength("iso27001", "6.1.3", "6.1.3.f").is_some_and(|s| s <= 3));
    // Internal audit feeds the AI Act's conformity assessment but is not it, so it is no support
    // (strength 4 or more) of Art. 43(1).
    assert!(strength("eu-ai-act", "art-43-1", "9.2.1-1").is_some_and(|s| s < 4));
}
