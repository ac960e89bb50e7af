//! Every rule and weight of the engine, in one place. ARCHITECTURE.md explains them; change
//! them here and nowhere else.

use crate::input::{AnswerStatus, CertificationStatus, ControlStatus, EvidenceKind, ReportType};
use crate::result::{Classification, Credit, Freshness, Phase};
use aimsgap_catalog::{Date, Relationship};

/// Direct answers: the credit a claimed status is worth before evidence.
pub fn answer_claim(status: AnswerStatus) -> f64 {
    match status {
        AnswerStatus::Implemented => 1.0,
        AnswerStatus::Partial => 0.5,
        AnswerStatus::Planned => 0.1,
        AnswerStatus::NotImplemented | AnswerStatus::NotApplicable => 0.0,
    }
}

/// How much a kind of evidence proves. A template or a draft is not an operating process;
/// for a requirement that is itself a document, an approved document is the proof, while a
/// process needs records of it running.
pub fn evidence_weight(kind: EvidenceKind, documented: bool) -> f64 {
    match (kind, documented) {
        (EvidenceKind::Template, _) => 0.2,
        (EvidenceKind::Draft, _) => 0.4,
        (EvidenceKind::ApprovedDocument, true) => 1.0,
        (EvidenceKind::ApprovedDocument, false) => 0.7,
        (EvidenceKind::OperatingRecord | EvidenceKind::AuditReport, _) => 1.0,
    }
}

/// Evidence dated more than this many days before the as-of date is stale.
pub const STALE_AFTER_DAYS: i64 = 365;
/// Stale evidence counts this much of its weight.
pub const STALE_FACTOR: f64 = 0.6;
/// Evidence whose review or expiry date has passed counts this much of its weight: someone
/// set a date by which it had to be looked at again, and nobody did.
pub const OVERDUE_FACTOR: f64 = 0.5;

/// How current evidence is on the as-of date, from its effective date and its review date.
/// Evidence due for review on the as-of date itself is still current. When both apply, a
/// passed review date wins: it is the stronger discount.
pub fn freshness(as_of: Date, date: Option<Date>, review_by: Option<Date>) -> Freshness {
    let age = date.map(|d| d.days_until(as_of));
    if age.is_some_and(|age| age < 0) {
        Freshness::Future
    } else if review_by.is_some_and(|r| r < as_of) {
        Freshness::ReviewOverdue
    } else if age.is_some_and(|age| age > STALE_AFTER_DAYS) {
        Freshness::Stale
    } else {
        Freshness::Current
    }
}

/// The share of its weight that evidence of this freshness counts for. Never increases from
/// current to stale to overdue, so a later review date or a newer document never lowers
/// credit.
pub fn freshness_factor(freshness: Freshness) -> f64 {
    match freshness {
        Freshness::Current => 1.0,
        Freshness::Stale => STALE_FACTOR,
        Freshness::ReviewOverdue => OVERDUE_FACTOR,
        Freshness::Future => 0.0,
    }
}
/// A claim counts this much on its own; evidence earns the rest. Credit of an answer:
/// lo = claim x weight, point = claim x (CLAIM_ONLY + (1 - CLAIM_ONLY) x weight), hi = claim,
/// where weight is the best evidence's weight (0 without evidence).
pub const CLAIM_ONLY: f64 = 0.3;

/// The credit of a direct answer from its claim and its best evidence's weight (see
/// [`CLAIM_ONLY`]). Non-decreasing in both, so a more positive answer or better evidence never
/// lowers any end of the range.
pub fn answer_credit(claim: f64, weight: f64) -> Credit {
    Credit {
        lo: claim * weight,
        point: claim * (CLAIM_ONLY + (1.0 - CLAIM_ONLY) * weight),
        hi: claim,
    }
}
/// Evidence weight needed for an implemented answer to be `met`.
pub const MET_EVIDENCE: f64 = 0.7;
/// Maturity below this (0 none, 1 ad hoc) keeps an implemented answer `partial`.
pub const MET_MATURITY: u8 = 2;

/// Inherited credit: how much of the target a relationship lets the source deliver. The
/// strength of the edge (1..10) already says how much of the target the source practice
/// delivers; the relationship discounts what the source cannot reach by its nature (a subset
/// or an intersection never covers the whole target).
pub fn relationship_factor(rel: Relationship) -> f64 {
    match rel {
        Relationship::Equal | Relationship::SupersetOf => 1.0,
        Relationship::SubsetOf => 0.8,
        Relationship::IntersectsWith => 0.7,
        Relationship::NoRelationship => 0.0,
    }
}

/// How much a held certification vouches for its controls.
pub fn certification_factor(status: CertificationStatus, report: Option<ReportType>) -> f64 {
    let status_factor = match status {
        CertificationStatus::Certified | CertificationStatus::Attested => 1.0,
        CertificationStatus::SelfAssessed => 0.5,
        CertificationStatus::InProgress => 0.3,
        CertificationStatus::Expired => 0.0,
    };
    // A SOC 2 Type 1 report tests design at a point in time, not operation over a period.
    let report_factor = match report {
        Some(ReportType::Type1) => 0.7,
        _ => 1.0,
    };
    status_factor * report_factor
}

/// How much of a source control is in place when stated control by control.
pub fn control_factor(status: ControlStatus) -> f64 {
    match status {
        ControlStatus::Implemented => 1.0,
        ControlStatus::Partial => 0.5,
        ControlStatus::NotImplemented | ControlStatus::NotApplicable => 0.0,
    }
}

/// A certified scope that does not cover the AI systems vouches for less.
pub const SCOPE_WITHOUT_AI: f64 = 0.5;
/// Inherited credit never exceeds this: a certification earns a range, never conformity.
pub const INHERITED_CAP: f64 = 0.6;
/// The low end of an inherited range is this fraction of the high end ("verify for AI scope").
pub const INHERITED_LO: f64 = 0.5;
/// Inherited credit at or above this makes a requirement `partial`; below, it stays a `gap`.
pub const INHERITED_PARTIAL: f64 = 0.15;

/// Requirements under these clauses are certification blockers: the documented information a
/// Stage 1 auditor checks first.
pub const BLOCKER_CLAUSES: &[&str] = &[
    "4.3", "5.2", "6.1.2", "6.1.3", "6.1.4", "6.2", "9.2.1", "9.2.2", "9.3.1", "9.3.2", "9.3.3",
];

/// Priority weights. Invariant: they sum to 1, so priority is 0..100.
pub const W_BLOCKER: f64 = 0.30;
pub const W_REGULATORY: f64 = 0.20;
pub const W_SYSTEM_RISK: f64 = 0.10;
pub const W_SIZE: f64 = 0.20;
pub const W_EASE: f64 = 0.10;
pub const W_UNBLOCKS: f64 = 0.10;

/// Regulatory exposure by how near the obligation's date is; overdue weighs most.
pub fn date_pressure(as_of: Date, applies_from: Date) -> f64 {
    let days = as_of.days_until(applies_from);
    match days {
        i64::MIN..=0 => 1.0,
        1..=180 => 0.8,
        181..=365 => 0.6,
        366..=730 => 0.4,
        _ => 0.2,
    }
}

/// The risk an AI system carries into the gaps that concern it.
pub fn classification_risk(classification: Classification) -> f64 {
    match classification {
        Classification::Prohibited => 1.0,
        Classification::HighRisk | Classification::HighImpact => 0.8,
        Classification::ConsequentialDecision => 0.7,
        Classification::Transparency => 0.4,
        Classification::Minimal => 0.2,
        Classification::NotInScope | Classification::NotCovered => 0.0,
    }
}

/// Crosswalk edges from a law onto ISO/IEC 42001 weaker than this do not make a requirement
/// "support" an obligation.
pub const SUPPORT_MIN_STRENGTH: u8 = 4;

/// Base effort in person-days to close a gap entirely, before size and system scaling.
pub fn base_effort(id: &str, documented: bool) -> f64 {
    let group = id.split('.').next().unwrap_or(id);
    if id.starts_with("A.5") || id.starts_with("6.1.4") || id.starts_with("8.4") {
        6.0
    } else if id.starts_with("A.6") || id.starts_with("A.7") {
        5.0
    } else if id.starts_with("A.") {
        3.0
    } else if matches!(group, "9" | "6") {
        4.0
    } else if documented {
        2.0
    } else {
        2.5
    }
}

/// Larger organisations take longer to roll out: more people to train, inform and give roles,
/// more units to audit. Applies in full to the roll-out requirements ([`is_roll_out`]); the
/// rest grows by at most 30% ([`drafting_size_factor`]).
pub fn size_factor(employees: u32) -> f64 {
    match employees {
        0..=49 => 0.6,
        50..=249 => 1.0,
        250..=999 => 1.4,
        1000..=4999 => 1.8,
        _ => 2.2,
    }
}

/// Requirements whose work grows with the number of people: roles, competence, awareness,
/// communication, internal audit, the AI roles and concern reporting of Annex A, and human
/// resources for AI.
pub fn is_roll_out(id: &str) -> bool {
    ["5.3", "7.2", "7.3", "7.4", "9.2", "A.3", "A.4.6"]
        .iter()
        .any(|prefix| is_beneath(id, prefix))
}

/// Whether `id` lies beneath the node `prefix`: `6.1.2` covers `6.1.2.a` and `6.1.2-1` (the
/// two shapes of a requirement id), and every node under them, but not `6.1.20`.
pub fn is_beneath(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix)
        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('-'))
}

/// The share of the size factor's spread that reaches work other than roll-out: a policy, a
/// risk method or a control procedure is written once whatever the head count; only its
/// consultation and approval grow with the organisation.
pub const DRAFTING_SIZE_SHARE: f64 = 0.25;

/// The size factor of work other than roll-out. A small organisation keeps the whole of its
/// discount (fewer people to consult, lighter documents); above a mid-sized organisation only
/// a quarter of the way from 1 to [`size_factor`] applies, so 1.3 for the largest. Head count
/// alone therefore lengthens such tasks by at most 30% over a mid-sized organisation's.
pub fn drafting_size_factor(employees: u32) -> f64 {
    let full = size_factor(employees);
    if full <= 1.0 {
        full
    } else {
        1.0 + DRAFTING_SIZE_SHARE * (full - 1.0)
    }
}

/// Requirements done once per AI system grow with the inventory.
pub fn is_per_system(id: &str) -> bool {
    ["A.5", "A.6", "A.7", "A.9", "6.1.4", "8.4", "8.2"]
        .iter()
        .any(|prefix| is_beneath(id, prefix))
        || id.starts_with("A.8.2")
}

/// Each further AI system adds this fraction of a per-system requirement's effort.
pub const PER_EXTRA_SYSTEM: f64 = 0.25;
/// No task is shorter than this.
pub const MIN_TASK_DAYS: f64 = 0.5;

/// The phase of the path to certification a requirement belongs to: the phase of the listed
/// node it is or lies beneath ("6.1.2" covers "6.1.2.a" and "6.1.2-1", not "6.1.20"), else
/// integration. No listed node lies beneath another, so at most one of an id's ancestors is
/// listed; they are matched one by one, which the roadmap does for every gap of every result.
pub fn phase_of(id: &str) -> Phase {
    let ancestors = id
        .char_indices()
        .filter(|&(_, c)| c == '.' || c == '-')
        .filter_map(|(at, _)| id.get(..at))
        .chain(std::iter::once(id));
    for node in ancestors {
        let phase = match node {
            "4.1" | "4.2" => Phase::GapAssessment,
            "4.3" | "4.4" => Phase::Scope,
            "5" | "A.2" | "A.3" => Phase::Policy,
            "6.1.1" | "6.1.2" | "6.1.4" | "8.2" | "8.4" | "A.5" => Phase::RiskAndImpact,
            "6.1.3" | "6.2" | "6.3" | "8.1" | "8.3" | "A.4" | "A.6" | "A.7" | "A.8" | "A.9"
            | "A.10" => Phase::AnnexAAndSoa,
            "9.2" | "9.3" => Phase::AuditReadiness,
            _ => continue,
        };
        return phase;
    }
    Phase::Integration
}

/// The anchor requirement of each phase: later phases wait on it (scope before policy before
/// risk and impact assessments before the SoA; internal audit and review last).
pub const PHASE_ANCHORS: &[(Phase, &[&str])] = &[
    (Phase::Scope, &["4.3-1", "4.3-2"]),
    (Phase::Policy, &["5.2.a", "5.2-1"]),
    (Phase::RiskAndImpact, &["6.1.2.a", "6.1.4-1"]),
    (Phase::AnnexAAndSoa, &["6.1.3.f"]),
    (Phase::AuditReadiness, &["9.2.1-1"]),
];

/// Working days per calendar week.
pub const WORKING_DAYS_PER_WEEK: f64 = 5.0;
/// Days between the end of the last task and the Stage 1 audit (booking the auditor).
pub const STAGE1_LEAD_DAYS: i64 = 21;
/// Days between Stage 1 and Stage 2: closing Stage 1 findings and running the system.
pub const STAGE2_AFTER_STAGE1_DAYS: i64 = 45;
/// How many next best actions to give.
pub const NEXT_ACTIONS: usize = 5;
/// Overall readiness (low end) needed for the Stage 1 verdict.
pub const STAGE1_MIN_READINESS: f64 = 60.0;

// ---------------------------------------------------------------------------------------------
// Work packages and scheduling
// ---------------------------------------------------------------------------------------------

/// Clauses whose subclauses are separate deliverables: under 6.1, the risk assessment (6.1.2),
/// the risk treatment (6.1.3) and the impact assessment (6.1.4) are each their own piece of
/// work, while under every other clause the subclause (`9.2`, `7.5`) is one deliverable.
pub const PACKAGE_SPLIT_CLAUSES: &[&str] = &["6.1"];

/// Annex A controls delivered by the same piece of work as a clause: the AI policy control is
/// the policy clause 5.2 asks for, and the impact assessment controls are what the impact
/// assessment of 6.1.4 produces. Every other control is its own package.
pub const PACKAGE_JOINS: &[(&str, &str)] = &[
    ("A.2.2", "5.2"),
    ("A.5.2", "6.1.4"),
    ("A.5.3", "6.1.4"),
    ("A.5.4", "6.1.4"),
    ("A.5.5", "6.1.4"),
];

/// The work package a requirement belongs to: the deliverable that closes it. A clause
/// requirement belongs to its subclause (`5.2.a` and `5.2-1` to `5.2`, `9.2.2.b` to `9.2`), or
/// one level deeper under [`PACKAGE_SPLIT_CLAUSES`] (`6.1.2.a` to `6.1.2`); an Annex A control
/// belongs to the clause [`PACKAGE_JOINS`] names, or is its own package.
pub fn package_of(id: &str) -> String {
    package_key(id).to_string()
}

/// [`package_of`] as a part of `id` or of [`PACKAGE_JOINS`], without allocating.
fn package_key(id: &str) -> &str {
    if id.starts_with("A.") {
        return PACKAGE_JOINS
            .iter()
            .find(|(control, _)| *control == id)
            .map_or(id, |(_, package)| package);
    }
    // A `-N` requirement sits under its clause as a lettered one does.
    let clause = id.split_once('-').map_or(id, |(clause, _)| clause);
    match leading_parts(clause, 2) {
        Some(two) if PACKAGE_SPLIT_CLAUSES.contains(&two) => leading_parts(clause, 3).unwrap_or(id),
        Some(two) => two,
        None => id,
    }
}

/// The first `n` dot-separated parts of `clause` with the dots between them, when it has at
/// least `n` parts.
fn leading_parts(clause: &str, n: usize) -> Option<&str> {
    let mut dots = clause
        .bytes()
        .enumerate()
        .filter(|&(_, b)| b == b'.')
        .map(|(at, _)| at);
    // `n` parts have `n - 1` dots between them; the last of them ends at the next dot or at
    // the end.
    for _ in 1..n {
        dots.next()?;
    }
    clause.get(..dots.next().unwrap_or(clause.len()))
}

/// At most this many people work on one task at once: a policy or a procedure is written by
/// one or two people, whatever the size of the team; more people work on other tasks.
pub const TASK_CREW_MAX: f64 = 2.0;

/// Internal audit checks the management system as built: its tasks wait on every open task of
/// the earlier phases, not only on the anchors of the phase before.
pub fn waits_on_all_earlier(id: &str) -> bool {
    id.starts_with("9.2.")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    /// The phase as it was first written: each phase's prefixes tried in turn.
    fn phase_by_prefixes(id: &str) -> Phase {
        let starts = |prefixes: &[&str]| prefixes.iter().any(|p| id == *p || is_beneath(id, p));
        if starts(&["4.1", "4.2"]) {
            Phase::GapAssessment
        } else if starts(&["4.3", "4.4"]) {
            Phase::Scope
        } else if starts(&["5", "A.2", "A.3"]) {
            Phase::Policy
        } else if starts(&["6.1.1", "6.1.2", "6.1.4", "8.2", "8.4", "A.5"]) {
            Phase::RiskAndImpact
        } else if starts(&[
            "6.1.3", "6.2", "6.3", "8.1", "8.3", "A.4", "A.6", "A.7", "A.8", "A.9", "A.10",
        ]) {
            Phase::AnnexAAndSoa
        } else if starts(&["9.2", "9.3"]) {
            Phase::AuditReadiness
        } else {
            Phase::Integration
        }
    }

    #[test]
    fn every_catalog_id_has_the_phase_the_prefix_lists_give() {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let iso = catalog.framework(crate::credit::TARGET).unwrap();
        let mut phases = std::collections::BTreeSet::new();
        for requirement in &iso.requirements {
            let phase = phase_of(&requirement.id);
            assert_eq!(
                phase,
                phase_by_prefixes(&requirement.id),
                "{}",
                requirement.id
            );
            phases.insert(format!("{phase:?}"));
        }
        assert_eq!(phases.len(), 7, "every phase is someone's: {phases:?}");
    }

    /// The work package as it was first written: the clause split into its parts and the
    /// first two or three joined again.
    fn package_by_joining(id: &str) -> String {
        if id.starts_with("A.") {
            return PACKAGE_JOINS
                .iter()
                .find(|(control, _)| *control == id)
                .map_or(id, |(_, package)| package)
                .to_string();
        }
        let clause = id.split_once('-').map_or(id, |(clause, _)| clause);
        let parts: Vec<&str> = clause.split('.').collect();
        let two = parts.get(..2).map(|p| p.join("."));
        match two {
            Some(two) if PACKAGE_SPLIT_CLAUSES.contains(&two.as_str()) => parts
                .get(..3)
                .map_or_else(|| id.to_string(), |p| p.join(".")),
            Some(two) => two,
            None => id.to_string(),
        }
    }

    #[test]
    fn every_catalog_id_has_the_package_the_joined_parts_give() {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let iso = catalog.framework(crate::credit::TARGET).unwrap();
        for requirement in &iso.requirements {
            assert_eq!(
                package_of(&requirement.id),
                package_by_joining(&requirement.id),
                "{}",
                requirement.id
            );
        }
    }

    proptest! {
        /// Ids near the listed nodes: "6.1.20", "A.10-1", "5-", "4.1.", "A.1" and the like.
        #[test]
        fn generated_ids_have_the_phase_the_prefix_lists_give(id in "(A\\.)?(1|2|4|5|6|8|9|10|20|A)(\\.[0-9]{1,2}|-[0-9]|\\.[a-c]|\\.|-){0,4}") {
            prop_assert_eq!(phase_of(&id), phase_by_prefixes(&id));
        }

        /// Ids of any shape around the split clauses: empty parts, no dot, dashes anywhere.
        #[test]
        fn generated_ids_have_the_package_the_joined_parts_give(id in "(A\\.)?(4|6|6\\.1|7|8|9|10|A|)(\\.[0-9]{0,2}|-[0-9]?|\\.[a-c]|\\.){0,5}") {
            prop_assert_eq!(package_of(&id), package_by_joining(&id));
        }
    }
}
