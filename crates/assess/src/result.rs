//! What the engine concludes. Every number here can be traced to the input and the catalog:
//! `sources` of a requirement name the answer or the crosswalk edges behind its credit.

use crate::input::{AnswerStatus, EvidenceKind};
use aimsgap_catalog::{Date, Relationship, SmolStr, vocabulary};

vocabulary! {
    /// The engine's judgement of one ISO/IEC 42001 requirement or control.
    Status {
        Met => "met",
        Partial => "partial",
        Gap => "gap",
        NotApplicable => "not_applicable",
        Unknown => "unknown",
    }
}

vocabulary! {
    /// What backs a requirement's credit. A claim without evidence is a claim: the result
    /// keeps them apart so that "yes to everything" reads as "high if your answers hold, this
    /// much evidenced". `evidenced`: answered implemented or partial, and the best evidence
    /// meets the bar for `met` (`rules::MET_EVIDENCE`); `declared`: answered implemented or
    /// partial with evidence short of that bar; `planned`: answered planned, where that claims
    /// more than the certificates give; `inherited`: the credit comes from held certifications
    /// (verify for AI); `absent`: answered not implemented; `unanswered`: no answer and no held
    /// certification reaches it; `excluded`: not applicable, with a justification.
    Basis {
        Evidenced => "evidenced",
        Declared => "declared",
        Planned => "planned",
        Inherited => "inherited",
        Absent => "absent",
        Unanswered => "unanswered",
        Excluded => "excluded",
    }
}

impl Basis {
    /// The basis in plain words, as every page and report says it: what the credit rests on
    /// and what it still needs.
    pub fn words(self) -> &'static str {
        match self {
            Basis::Evidenced => "evidenced",
            Basis::Declared => "declared, attach evidence",
            Basis::Planned => "answered planned",
            Basis::Inherited => "inherited, verify for AI",
            Basis::Absent => "answered not implemented",
            Basis::Unanswered => "not answered",
            Basis::Excluded => "excluded",
        }
    }
}

vocabulary! {
    /// The phases of the path to certification.
    Phase {
        GapAssessment => "gap_assessment",
        Scope => "scope",
        Policy => "policy",
        RiskAndImpact => "risk_and_impact_assessments",
        AnnexAAndSoa => "annex_a_and_soa",
        Integration => "integration",
        AuditReadiness => "internal_audit_and_review",
    }
}

vocabulary! {
    /// EU AI Act classification of one AI system.
    Classification {
        Prohibited => "prohibited",
        HighRisk => "high_risk",
        Transparency => "transparency",
        Minimal => "minimal",
        NotInScope => "not_in_scope",
        ConsequentialDecision => "consequential_decision",
        NotCovered => "not_covered",
        HighImpact => "high_impact",
    }
}

vocabulary! {
    /// Where an obligation stands on the as-of date.
    ObligationState {
        InForce => "in_force",
        Upcoming => "upcoming",
        Overdue => "overdue",
        Stayed => "stayed",
        Violation => "violation",
    }
}

/// A credit range in 0..1. Invariant: 0 <= lo <= point <= hi <= 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Credit {
    pub lo: f64,
    pub point: f64,
    pub hi: f64,
}

impl Credit {
    pub const ZERO: Credit = Credit {
        lo: 0.0,
        point: 0.0,
        hi: 0.0,
    };
}

/// One crosswalk edge that gave inherited credit.
#[derive(Clone, Debug, PartialEq)]
pub struct InheritedEdge {
    pub framework: String,
    pub source: String,
    pub rel: Relationship,
    pub strength: u8,
    /// The factor of the source control in the certification (1 implemented, 0.5 partial).
    pub source_factor: f64,
    /// This edge's own contribution before combination and capping.
    pub credit: f64,
}

vocabulary! {
    /// How current a piece of evidence is on the as-of date. `current`: within its review
    /// date and no older than `rules::STALE_AFTER_DAYS`; `stale`: older than that;
    /// `review_overdue`: its review or expiry date has passed; `future`: dated after the
    /// as-of date, so not counted.
    Freshness {
        Current => "current",
        Stale => "stale",
        ReviewOverdue => "review_overdue",
        Future => "future",
    }
}

/// One piece of evidence behind a requirement's answer, and what it counted for.
#[derive(Clone, Debug, PartialEq)]
pub struct EvidenceUse {
    /// Where it is: a document name, a link, an evidence register entry.
    pub reference: SmolStr,
    pub kind: EvidenceKind,
    /// When it took effect.
    pub date: Option<Date>,
    /// When it is due for review or expires.
    pub review_by: Option<Date>,
    /// The SHA-256 of its file, when an evidence register holds it.
    pub sha256: Option<String>,
    pub freshness: Freshness,
    /// The weight it counts for: its kind's weight (`rules::evidence_weight`) times its
    /// freshness factor (`rules::freshness_factor`).
    pub weight: f64,
}

/// Where the status of a requirement came from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// The organisation answered this id (or the group `from` it inherits the answer of).
    Answer {
        from: String,
        status: AnswerStatus,
        maturity: Option<u8>,
        /// The weight of the best evidence (kind, staleness), 0 when none.
        evidence_weight: f64,
        best_evidence: Option<EvidenceKind>,
        stale: bool,
    },
    /// Credit inherited from a held certification through crosswalk edges.
    Inherited {
        framework: String,
        scope_covers_ai: bool,
        certification_factor: f64,
        edges: Vec<InheritedEdge>,
    },
}

/// The judgement of one requirement or control.
#[derive(Clone, Debug, PartialEq)]
pub struct RequirementResult {
    /// The id, title and group are the catalog's own, shared rather than copied.
    pub id: SmolStr,
    pub title: SmolStr,
    pub group: SmolStr,
    pub status: Status,
    /// What backs the credit.
    pub basis: Basis,
    pub credit: Credit,
    pub sources: Vec<Source>,
    /// Plain-language reasons, in the order they were applied.
    pub notes: Vec<String>,
    pub owner: Option<SmolStr>,
    /// The evidence of the governing answer, in the answer's order, with what each counted for.
    pub evidence: Vec<EvidenceUse>,
    /// The notes written with the governing answer.
    pub answer_notes: Option<SmolStr>,
}

impl RequirementResult {
    /// Where it stands, in words: its status and what that rests on ("not met, answered
    /// planned", "partly met, inherited, verify for AI"), never a bare "not met" for a
    /// requirement that was answered or inherits credit.
    pub fn standing(&self) -> String {
        let status = match self.status {
            Status::Met => "met",
            Status::Partial => "partly met",
            Status::Gap => "not met",
            Status::NotApplicable => "not applicable",
            Status::Unknown => "not known",
        };
        format!("{status}, {}", self.basis.words())
    }
}

/// Readiness 0..100 with its range.
#[derive(Clone, Debug, PartialEq)]
pub struct Readiness {
    pub id: String,
    pub title: String,
    pub point: f64,
    pub lo: f64,
    pub hi: f64,
    /// Requirements counted (excluded controls are not).
    pub counted: usize,
    pub met: usize,
}

/// What one certification alone is worth.
#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    pub framework: String,
    pub point: f64,
    pub lo: f64,
    pub hi: f64,
    pub reached: usize,
    pub counted: usize,
    /// How the figure was derived, in sentences.
    pub derivation: Vec<String>,
}

/// The factors of a gap's priority, each 0..1, and their weighted sum.
#[derive(Clone, Debug, PartialEq)]
pub struct Factors {
    pub blocker: f64,
    pub regulatory: f64,
    pub system_risk: f64,
    pub size: f64,
    pub ease: f64,
    pub unblocks: f64,
    /// Obligations behind the regulatory factor, as `law:obligation`.
    pub obligations: Vec<String>,
    /// The AI systems those obligations bind.
    pub systems: Vec<String>,
    pub effort_days: f64,
    pub waiting: usize,
}

/// A requirement not met, ranked.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    pub id: SmolStr,
    pub title: SmolStr,
    pub rank: usize,
    pub priority: f64,
    pub blocker: bool,
    pub status: Status,
    pub factors: Factors,
    pub next_action: String,
    /// The work package that closes it (see [`WorkPackage`]).
    pub package: String,
}

/// The verdict on Stage 1 readiness.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub ready_for_stage1: bool,
    pub reasons: Vec<String>,
}

/// One obligation for one AI system.
#[derive(Clone, Debug, PartialEq)]
pub struct ObligationItem {
    /// The article, the id and the title are the catalog's, shared by every AI system the
    /// obligation binds.
    pub reference: std::sync::Arc<str>,
    pub id: std::sync::Arc<str>,
    pub title: std::sync::Arc<str>,
    pub applies_from: Date,
    pub state: ObligationState,
    pub days_until: i64,
    /// ISO/IEC 42001 requirements whose implementation supports it, with their status.
    /// Shared by every AI system the same obligation binds (the statuses are the
    /// organisation's, not the system's).
    pub supported_by: std::sync::Arc<[(String, Status)]>,
    pub unverified: Option<String>,
    /// What decided this system's date or reach, in sentences: a grace for systems already on
    /// the market, or an Annex III point that is needed to decide.
    pub notes: Vec<String>,
    /// Reporting deadlines: (days, the case), in the catalog's order.
    pub deadlines: Vec<(u16, String)>,
}

impl ObligationItem {
    /// The deadlines in one sentence ("report within 15 days: any serious incident; 2 days:
    /// ..."), or `None` when the obligation has none.
    pub fn deadline_sentence(&self) -> Option<String> {
        if self.deadlines.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .deadlines
            .iter()
            .map(|(days, case)| {
                let unit = if *days == 1 { "day" } else { "days" };
                format!("{days} {unit}: {case}")
            })
            .collect();
        Some(format!("report within {}", parts.join("; ")))
    }

    /// Everything to read beside the title: the deadlines, then the notes.
    pub fn remarks(&self) -> Vec<String> {
        self.deadline_sentence()
            .into_iter()
            .chain(self.notes.iter().cloned())
            .collect()
    }
}

/// The obligations of one law for one AI system.
#[derive(Clone, Debug, PartialEq)]
pub struct SystemObligations {
    pub system: String,
    pub system_name: String,
    pub law: String,
    pub version: String,
    pub classification: Classification,
    pub tiers: Vec<String>,
    pub reasons: Vec<String>,
    pub items: Vec<ObligationItem>,
    /// Rules that allow something rather than demand it (the state says from when): never a
    /// duty, a gap or a blocker, so kept apart from `items`.
    pub permissions: Vec<ObligationItem>,
}

/// NIST AI RMF coverage as a voluntary framework.
#[derive(Clone, Debug, PartialEq)]
pub struct RmfCoverage {
    pub point: f64,
    pub subcategories: usize,
    pub covered: usize,
    pub partial: usize,
    pub uncovered: Vec<String>,
}

/// One task of the roadmap.
#[derive(Clone, Debug, PartialEq)]
pub struct Task {
    /// `T001`, `T002`... in the order of the plan.
    pub id: SmolStr,
    pub requirement: SmolStr,
    pub title: String,
    pub phase: Phase,
    pub effort_days: f64,
    pub depends_on: Vec<SmolStr>,
    pub start: Date,
    pub end: Date,
    /// The work package the task is part of.
    pub package: String,
}

/// The path to certification.
#[derive(Clone, Debug, PartialEq)]
pub struct Roadmap {
    pub tasks: Vec<Task>,
    pub total_effort_days: f64,
    pub stage1_date: Date,
    pub stage2_date: Date,
}

/// One row of the Statement of Applicability.
#[derive(Clone, Debug, PartialEq)]
pub struct SoaEntry {
    pub control: SmolStr,
    pub title: SmolStr,
    pub included: bool,
    pub justification: String,
    pub status: Status,
    pub owner: Option<SmolStr>,
    pub evidence: Vec<(SmolStr, EvidenceKind, Option<Date>)>,
    pub last_review: Option<Date>,
}

/// One of the best next actions: most readiness per person-day, blockers first.
#[derive(Clone, Debug, PartialEq)]
pub struct NextAction {
    pub id: SmolStr,
    pub action: String,
    pub gain: f64,
    pub effort_days: f64,
    pub blocker: bool,
    /// The work package the action is part of.
    pub package: String,
}

/// A finding about the input that is not an error: stale evidence, an expired certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub field: String,
    pub message: String,
}

/// Everything the engine concludes about one assessment.
#[derive(Clone, Debug, PartialEq)]
pub struct AssessmentResult {
    pub as_of: Date,
    pub organization: String,
    pub readiness: Readiness,
    pub groups: Vec<Readiness>,
    pub baseline: Vec<Baseline>,
    pub requirements: Vec<RequirementResult>,
    pub gaps: Vec<Gap>,
    pub verdict: Verdict,
    pub obligations: Vec<SystemObligations>,
    pub nist_ai_rmf: Option<RmfCoverage>,
    pub roadmap: Roadmap,
    pub soa: Vec<SoaEntry>,
    pub next_actions: Vec<NextAction>,
    pub diagnostics: Vec<Diagnostic>,
    /// Declared versus evidenced: what the answers claim and what evidence backs.
    pub claims: Claims,
    /// The gaps rolled up by deliverable, ranked.
    pub work_packages: Vec<WorkPackage>,
}

/// What the answers claim against what evidence backs, overall.
#[derive(Clone, Debug, PartialEq)]
pub struct Claims {
    /// Readiness if every answer holds (the high end of overall readiness), 0..100.
    pub declared: f64,
    /// Readiness that recorded evidence and held certifications back (the low end), 0..100.
    pub evidenced: f64,
    /// The point estimate between them, 0..100.
    pub point: f64,
    /// Requirements whose answer claims `implemented` or `partial`.
    pub declared_requirements: usize,
    /// Requirements whose answer is backed by evidence that meets the bar for `met`.
    pub evidenced_requirements: usize,
    /// Requirements whose credit comes from held certifications.
    pub inherited_requirements: usize,
    /// The evidence to attach: claims without it, blockers first, then by gain.
    pub to_attach: Vec<Attach>,
}

/// One claim without evidence that meets the bar: what to attach, and what it is worth.
#[derive(Clone, Debug, PartialEq)]
pub struct Attach {
    pub id: String,
    pub title: String,
    /// The answer that claims it.
    pub answer: AnswerStatus,
    /// What an auditor expects to see, from the catalog (empty when it says nothing).
    pub expected: String,
    pub blocker: bool,
    /// Readiness points (0..100) the low end gains when evidence of the expected kind is
    /// attached.
    pub gain: f64,
}

/// Gaps rolled up by deliverable: one piece of work (the AI policy) that closes several
/// requirements (every requirement of 5.2). The gaps, tasks and next actions stay per
/// requirement and name their package.
#[derive(Clone, Debug, PartialEq)]
pub struct WorkPackage {
    /// The clause or control the deliverable is named after (`5.2`, `A.6.2.4`).
    pub id: String,
    pub title: String,
    /// The open requirements it closes, in gap rank order.
    pub requirements: Vec<SmolStr>,
    /// The highest priority of its gaps.
    pub priority: f64,
    /// 1 for the most urgent package.
    pub rank: usize,
    /// Whether any of its requirements is a certification blocker.
    pub blocker: bool,
    /// The person-days of all its gaps.
    pub effort_days: f64,
    /// The worst status of its requirements (gap, then unknown, then partial).
    pub status: Status,
    pub next_action: String,
    /// The first start and the last end of its roadmap tasks.
    pub start: Date,
    pub end: Date,
}
