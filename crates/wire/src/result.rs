//! The result JSON, schema `aimsgap/assessment-result/2`: what `aimsgap assess --format json`,
//! the API's `/result` and saved runs carry, written by `aimsgap_report::json` and read back by
//! every reader (diff, pages, `push`, tests) through the same types.
//!
//! Names are a public interface: keep them; add fields freely (readers ignore fields they do
//! not know, so a newer result still reads). The fields of every struct are declared in
//! alphabetical order on purpose: the result has always been written with its keys sorted, and
//! serde writes fields in declaration order, so the order here is what keeps the bytes of a
//! result unchanged. Optional values are written as `null`, never left out.
//!
//! Version 2 changed only the ISO/IEC 42001 requirement ids, which follow the standard's own
//! list letters (`6.1.3.f` is the Statement of Applicability, `4.1-1` a statement that is not
//! one lettered item); its fields are those of version 1. A result of version 1 reads through
//! the same types and [`AssessmentResult::rename_ids`] maps its ids.
//!
//! Added within version 1 (a reader of an older result sees the defaults): `work_packages`
//! (the gaps rolled up by deliverable, empty when absent) and `package` on every gap, next
//! action and roadmap task (empty when absent).
//!
//! Words from the engine's vocabularies (statuses, phases, states) travel as strings; their
//! schema lists the accepted words (see [`words`]), so a reader can rely on them without the
//! wire depending on the engine.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The schema id written into every result.
pub const SCHEMA: &str = "aimsgap/assessment-result/2";

/// The schema id of results written before ISO/IEC 42001 ids followed the standard's list
/// letters: the same fields, older ids (see [`AssessmentResult::rename_ids`]).
pub const SCHEMA_1: &str = "aimsgap/assessment-result/1";

/// The words of the engine's vocabularies as they appear in a result. A test in the report
/// crate keeps these lists equal to the engine's, so the schema cannot fall behind it.
pub mod words {
    /// The status of a requirement or control.
    pub const STATUS: &[&str] = &["met", "partial", "gap", "not_applicable", "unknown"];
    /// The organisation's answer about a requirement.
    pub const ANSWER_STATUS: &[&str] = &[
        "implemented",
        "partial",
        "planned",
        "not_implemented",
        "not_applicable",
    ];
    /// The kind of a piece of evidence.
    pub const EVIDENCE_KIND: &[&str] = &[
        "template",
        "draft",
        "approved_document",
        "operating_record",
        "audit_report",
    ];
    /// How current a piece of evidence is on the as-of date.
    pub const FRESHNESS: &[&str] = &["current", "stale", "review_overdue", "future"];
    /// The set-theory relationship of a crosswalk edge (NIST IR 8477).
    pub const RELATIONSHIP: &[&str] = &[
        "equal",
        "subset_of",
        "superset_of",
        "intersects_with",
        "no_relationship",
    ];
    /// The phase of a roadmap task.
    pub const PHASE: &[&str] = &[
        "gap_assessment",
        "scope",
        "policy",
        "risk_and_impact_assessments",
        "annex_a_and_soa",
        "integration",
        "internal_audit_and_review",
    ];
    /// The classification of an AI system under a law.
    pub const CLASSIFICATION: &[&str] = &[
        "prohibited",
        "high_risk",
        "transparency",
        "minimal",
        "not_in_scope",
        "consequential_decision",
        "not_covered",
        "high_impact",
    ];
    /// Where an obligation stands on the as-of date.
    pub const OBLIGATION_STATE: &[&str] =
        &["in_force", "upcoming", "overdue", "stayed", "violation"];
    /// What backs a requirement's credit.
    pub const BASIS: &[&str] = &[
        "evidenced",
        "declared",
        "planned",
        "inherited",
        "absent",
        "unanswered",
        "excluded",
    ];
}

/// A schema for a string from a fixed list (or `null` when `nullable`).
fn one_of(list: &[&str], nullable: bool) -> Schema {
    let mut values: Vec<Value> = list.iter().map(|w| Value::String((*w).into())).collect();
    let mut schema = Map::new();
    if nullable {
        values.push(Value::Null);
        schema.insert("type".into(), serde_json::json!(["string", "null"]));
    } else {
        schema.insert("type".into(), Value::String("string".into()));
    }
    schema.insert("enum".into(), Value::Array(values));
    Schema::from(schema)
}

/// A schema for a calendar date `YYYY-MM-DD` (or `null` when `nullable`).
fn date_schema(nullable: bool) -> Schema {
    let mut schema = Map::new();
    let kind = if nullable {
        serde_json::json!(["string", "null"])
    } else {
        Value::String("string".into())
    };
    schema.insert("type".into(), kind);
    schema.insert("format".into(), Value::String("date".into()));
    Schema::from(schema)
}

fn status(_: &mut SchemaGenerator) -> Schema {
    one_of(words::STATUS, false)
}
fn answer_status(_: &mut SchemaGenerator) -> Schema {
    one_of(words::ANSWER_STATUS, false)
}
fn evidence_kind(_: &mut SchemaGenerator) -> Schema {
    one_of(words::EVIDENCE_KIND, false)
}
fn freshness(_: &mut SchemaGenerator) -> Schema {
    one_of(words::FRESHNESS, false)
}
fn evidence_kind_or_null(_: &mut SchemaGenerator) -> Schema {
    one_of(words::EVIDENCE_KIND, true)
}
fn relationship(_: &mut SchemaGenerator) -> Schema {
    one_of(words::RELATIONSHIP, false)
}
fn phase(_: &mut SchemaGenerator) -> Schema {
    one_of(words::PHASE, false)
}
fn classification(_: &mut SchemaGenerator) -> Schema {
    one_of(words::CLASSIFICATION, false)
}
fn obligation_state(_: &mut SchemaGenerator) -> Schema {
    one_of(words::OBLIGATION_STATE, false)
}
fn basis_or_null(_: &mut SchemaGenerator) -> Schema {
    one_of(words::BASIS, true)
}
fn date(_: &mut SchemaGenerator) -> Schema {
    date_schema(false)
}
fn date_or_null(_: &mut SchemaGenerator) -> Schema {
    date_schema(true)
}
fn schema_id(_: &mut SchemaGenerator) -> Schema {
    one_of(&[SCHEMA], false)
}

/// Everything the engine concludes about one assessment, schema `aimsgap/assessment-result/2`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "aimsgap assessment result")]
pub struct AssessmentResult {
    /// The date the assessment is judged on (`YYYY-MM-DD`): evidence ages and obligation
    /// dates are measured from it.
    #[schemars(schema_with = "date")]
    pub as_of: String,
    /// What each held certification alone (and all of them together) is worth, with no
    /// answers.
    pub baseline: Vec<Baseline>,
    /// Declared versus evidenced: what the answers claim, what evidence and held
    /// certifications back, and the evidence to attach. A result written before this field was
    /// added reads with zeros and an empty list here.
    #[serde(default)]
    pub claims: Claims,
    /// Findings about the input that are not errors: stale evidence, an expired certificate.
    pub diagnostics: Vec<Diagnostic>,
    /// The requirements not met, ranked by priority.
    pub gaps: Vec<Gap>,
    /// The best next actions: most readiness per person-day, blockers first.
    pub next_actions: Vec<NextAction>,
    /// Coverage of the NIST AI RMF as a voluntary framework; `null` when not computed.
    pub nist_ai_rmf: Option<RmfCoverage>,
    /// The law obligations of each AI system, one entry per system and law.
    pub obligations: Vec<SystemObligations>,
    /// The name of the organisation assessed.
    pub organization: String,
    /// Readiness overall and per clause and Annex A objective.
    pub readiness: ReadinessSummary,
    /// The judgement of every assessable ISO/IEC 42001 requirement and Annex A control, in
    /// catalog order.
    pub requirements: Vec<Requirement>,
    /// The path to certification: tasks, effort and audit dates.
    pub roadmap: Roadmap,
    /// The schema id of this document, `aimsgap/assessment-result/2`.
    #[schemars(schema_with = "schema_id")]
    pub schema: String,
    /// The Statement of Applicability: the Annex A controls.
    pub soa: Vec<SoaEntry>,
    /// The verdict on Stage 1 readiness.
    pub verdict: Verdict,
    /// The gaps rolled up by deliverable (one AI policy closes every requirement of 5.2),
    /// ranked; the gaps, next actions and roadmap tasks stay per requirement and name their package.
    /// Added within `aimsgap/assessment-result/1`: an older result reads as an empty list.
    #[serde(default)]
    pub work_packages: Vec<WorkPackage>,
}

/// Readiness overall and per group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReadinessSummary {
    /// Readiness per clause 4 to 10 and per Annex A objective A.2 to A.10.
    pub groups: Vec<Readiness>,
    /// Readiness over all counted requirements.
    pub overall: Readiness,
}

/// Readiness 0..100 with its range: the mean credit of the counted requirements, times 100.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Readiness {
    /// How many requirements were counted (excluded controls are not).
    pub counted: usize,
    /// The high end of the range, 0..100.
    pub hi: f64,
    /// The group's id (a clause or objective number), or `overall`.
    pub id: String,
    /// The low end of the range, 0..100.
    pub lo: f64,
    /// How many of the counted requirements are met.
    pub met: usize,
    /// The point estimate, 0..100.
    pub point: f64,
    /// The group's title.
    pub title: String,
}

/// What one certification alone is worth, with no answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Baseline {
    /// How many requirements were counted.
    pub counted: usize,
    /// How the figure was derived, in sentences.
    pub derivation: Vec<String>,
    /// The certified framework's id (or several joined, for all of them together).
    pub framework: String,
    /// The high end of the readiness range, 0..100.
    pub hi: f64,
    /// The low end of the readiness range, 0..100.
    pub lo: f64,
    /// The point estimate of readiness, 0..100.
    pub point: f64,
    /// How many requirements at least one crosswalk edge reaches.
    pub reached: usize,
}

/// A credit range in 0..1, rounded to three decimals. Invariant: lo <= point <= hi.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Credit {
    /// The high end of the range.
    pub hi: f64,
    /// The low end of the range.
    pub lo: f64,
    /// The point estimate.
    pub point: f64,
}

/// Declared versus evidenced, overall. "Yes" to everything without evidence reads as a high
/// `declared` figure with a low `evidenced` one and a long `to_attach` list, never as a low
/// figure alone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Claims {
    /// Readiness if every answer holds, 0..100: the high end of overall readiness.
    pub declared: f64,
    /// How many requirements an answer claims as implemented or partial.
    pub declared_requirements: usize,
    /// Readiness that recorded evidence and held certifications back, 0..100: the low end of
    /// overall readiness.
    pub evidenced: f64,
    /// How many requirements have an answer backed by evidence that meets the bar for `met`.
    pub evidenced_requirements: usize,
    /// How many requirements take their credit from held certifications (verify for AI).
    pub inherited_requirements: usize,
    /// The point estimate of overall readiness, 0..100, between the two.
    pub point: f64,
    /// The evidence to attach: every claim without evidence that meets the bar, blockers
    /// first, then by gain.
    pub to_attach: Vec<Attach>,
}

/// One claim without evidence that meets the bar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Attach {
    /// The answer that claims it (`implemented` or `partial`).
    #[schemars(schema_with = "answer_status")]
    pub answer: String,
    /// Whether it is a certification blocker.
    pub blocker: bool,
    /// What an auditor expects to see, from the catalog; empty when the catalog says nothing.
    pub expected: String,
    /// Readiness points (0..100, low end) that evidence of the expected kind would add.
    pub gain: f64,
    /// The requirement's id.
    pub id: String,
    /// The requirement's title.
    pub title: String,
}

/// The judgement of one requirement or control.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Requirement {
    /// The notes written with the answer that governs it; absent when there are none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer_notes: Option<String>,
    /// What backs the credit: `evidenced`, `declared` (a claim short of evidence), `planned`,
    /// `inherited` (from held certifications: verify for AI), `absent` (answered not
    /// implemented), `unanswered` or `excluded`. Always written; `null` only when reading a
    /// result written before this field was added.
    #[serde(default)]
    #[schemars(schema_with = "basis_or_null")]
    pub basis: Option<String>,
    /// The credit the requirement earns.
    pub credit: Credit,
    /// The evidence recorded with the answer that governs it, in the answer's order, with what
    /// each piece counted for; absent when there is none (and in results written before this
    /// field was added).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<EvidenceItem>,
    /// The clause or objective it belongs to.
    pub group: String,
    /// The requirement's id in ISO/IEC 42001 (`6.1.2.a`, `A.6.2.4`).
    pub id: String,
    /// Plain-language reasons, in the order they were applied.
    pub notes: Vec<String>,
    /// Who answers for it, from the answer; `null` when nobody was named.
    pub owner: Option<String>,
    /// Where the status and credit came from: an answer, or inherited credit.
    pub sources: Vec<Source>,
    /// The engine's judgement.
    #[schemars(schema_with = "status")]
    pub status: String,
    /// The requirement's title.
    pub title: String,
}

/// One piece of evidence behind an answer, and what it counted for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EvidenceItem {
    /// When it took effect (`YYYY-MM-DD`); absent when undated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// How current it is on the as-of date: `current`, `stale` (older than twelve months),
    /// `review_overdue` (its review or expiry date has passed) or `future` (dated after the
    /// as-of date: not counted).
    #[schemars(schema_with = "freshness")]
    pub freshness: String,
    /// Its kind.
    #[schemars(schema_with = "evidence_kind")]
    pub kind: String,
    /// Where it is: a document name, a link, an evidence register entry.
    #[serde(rename = "ref")]
    pub reference: String,
    /// When it is due for review or expires (`YYYY-MM-DD`); absent when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_by: Option<String>,
    /// The SHA-256 of its file, 64 lowercase hexadecimal digits, when an evidence register
    /// holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// The weight it counts for (0..1): its kind's weight times its freshness factor.
    pub weight: f64,
}

/// Where the status of a requirement came from; `kind` tells which.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Source {
    /// The organisation's answer.
    Answer(AnswerSource),
    /// Credit inherited from a held certification.
    Inherited(InheritedSource),
}

/// The tag of an answer source: always `answer`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerKind {
    Answer,
}

/// The tag of an inherited source: always `inherited`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InheritedKind {
    Inherited,
}

/// The organisation answered this requirement, or the group it inherits the answer from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AnswerSource {
    /// The kind of the best evidence; `null` when there is none.
    #[schemars(schema_with = "evidence_kind_or_null")]
    pub best_evidence: Option<String>,
    /// The weight of the best evidence (its kind and age), 0 when there is none.
    pub evidence_weight: f64,
    /// The id that was answered: the requirement itself or a clause or objective above it.
    pub from: String,
    /// Always `answer`.
    pub kind: AnswerKind,
    /// The maturity given with the answer, 0..5; `null` when none was given.
    pub maturity: Option<u8>,
    /// Whether the best evidence is older than twelve months before the as-of date.
    pub stale: bool,
    /// The answer's claim.
    #[schemars(schema_with = "answer_status")]
    pub status: String,
}

/// Credit inherited from a held certification through crosswalk edges.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InheritedSource {
    /// The certification's factor: its status, report type and scope.
    pub certification_factor: f64,
    /// The crosswalk edges that gave credit.
    pub edges: Vec<Edge>,
    /// The certified framework's id.
    pub framework: String,
    /// Always `inherited`.
    pub kind: InheritedKind,
    /// Whether the certified scope covers the AI systems.
    pub scope_covers_ai: bool,
}

/// One crosswalk edge that gave inherited credit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Edge {
    /// This edge's own contribution before combination and capping.
    pub credit: f64,
    /// How the source relates to the requirement ("source is REL target").
    #[schemars(schema_with = "relationship")]
    pub rel: String,
    /// The control of the certified framework the edge starts from.
    pub source: String,
    /// The factor of the source control in the certification (1 implemented, 0.5 partial).
    pub source_factor: f64,
    /// How much of the requirement the source practice delivers once it operates, 1..10.
    pub strength: u8,
}

/// A requirement not met, ranked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Gap {
    /// Whether a Stage 1 auditor checks this requirement first.
    pub blocker: bool,
    /// The factors of the priority.
    pub factors: Factors,
    /// The requirement's id.
    pub id: String,
    /// What to do next about it, in a sentence.
    pub next_action: String,
    /// The id of the work package that closes it (see `work_packages`); empty in a result
    /// written before packages were added.
    #[serde(default)]
    pub package: String,
    /// The priority, 0..100: the weighted sum of the factors.
    pub priority: f64,
    /// The rank, 1 for the most urgent.
    pub rank: usize,
    /// The requirement's status.
    #[schemars(schema_with = "status")]
    pub status: String,
    /// The requirement's title.
    pub title: String,
}

/// The factors of a gap's priority, each 0..1 (rounded to three decimals), and what lies
/// behind them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Factors {
    /// 1 for a requirement a Stage 1 auditor checks first, else 0.
    pub blocker: f64,
    /// How little effort closing it takes, relative to the largest gap.
    pub ease: f64,
    /// The person-days closing it takes.
    pub effort_days: f64,
    /// The obligations behind the regulatory factor, as `law:obligation`.
    pub obligations: Vec<String>,
    /// How near the nearest date of an obligation it supports is.
    pub regulatory: f64,
    /// How much credit is missing (1 - point).
    pub size: f64,
    /// The risk classification of the AI systems those obligations bind.
    pub system_risk: f64,
    /// The AI systems those obligations bind.
    pub systems: Vec<String>,
    /// How many gaps wait on this one, relative to the most.
    pub unblocks: f64,
    /// How many gaps wait on this one.
    pub waiting: usize,
}

/// The verdict on Stage 1 readiness.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Verdict {
    /// Whether the organisation is ready for a Stage 1 audit.
    pub ready_for_stage1: bool,
    /// Why not, one sentence per failing condition; empty when ready.
    pub reasons: Vec<String>,
}

/// The obligations of one law for one AI system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SystemObligations {
    /// The system's classification under the law.
    #[schemars(schema_with = "classification")]
    pub classification: String,
    /// The obligations that bind the system.
    pub items: Vec<ObligationItem>,
    /// The law's framework id.
    pub law: String,
    /// Rules that allow the system's operator something rather than demand it ("may"): never
    /// a duty, a gap or a blocker. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<ObligationItem>,
    /// Why the system has this classification, in sentences.
    pub reasons: Vec<String>,
    /// The AI system's id.
    pub system: String,
    /// The AI system's name.
    pub system_name: String,
    /// The risk tiers of the system under the law.
    pub tiers: Vec<String>,
    /// The version of the law applied.
    pub version: String,
}

/// One obligation for one AI system.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ObligationItem {
    /// The date the obligation applies from (`YYYY-MM-DD`).
    #[schemars(schema_with = "date")]
    pub applies_from: String,
    /// Days from the as-of date until it applies; negative once it applies.
    pub days_until: i64,
    /// Reporting deadlines by case, when the obligation has them. Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub deadlines: Vec<Deadline>,
    /// The obligation's id in the law's catalog.
    pub id: String,
    /// What decided the system's date or reach, in sentences (a grace for systems already on
    /// the market, an Annex III point needed to decide). Absent when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The article or section it comes from.
    #[serde(rename = "ref")]
    pub reference: String,
    /// Where the obligation stands on the as-of date.
    #[schemars(schema_with = "obligation_state")]
    pub state: String,
    /// The ISO/IEC 42001 requirements whose implementation supports it, with their status.
    pub supported_by: Vec<Support>,
    /// The obligation's title.
    pub title: String,
    /// Why the obligation's data is not verified, when it is not; else `null`.
    pub unverified: Option<String>,
}

/// A reporting deadline of an obligation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Deadline {
    /// The case it applies to, in words.
    pub case: String,
    /// Within how many days.
    pub days: u16,
}

/// An ISO/IEC 42001 requirement that supports an obligation, with its status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Support {
    /// The requirement's id.
    pub id: String,
    /// The requirement's status.
    #[schemars(schema_with = "status")]
    pub status: String,
}

/// NIST AI RMF coverage as a voluntary framework.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RmfCoverage {
    /// How many subcategories are covered.
    pub covered: usize,
    /// How many subcategories are partly covered.
    pub partial: usize,
    /// The coverage, 0..100.
    pub point: f64,
    /// How many subcategories there are.
    pub subcategories: usize,
    /// The ids of the subcategories not covered.
    pub uncovered: Vec<String>,
}

/// The path to certification.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Roadmap {
    /// The planned date of the Stage 1 audit (`YYYY-MM-DD`).
    #[schemars(schema_with = "date")]
    pub stage1_date: String,
    /// The planned date of the Stage 2 audit (`YYYY-MM-DD`).
    #[schemars(schema_with = "date")]
    pub stage2_date: String,
    /// The tasks, in the order they run.
    pub tasks: Vec<Task>,
    /// The person-days of all tasks.
    pub total_effort_days: f64,
}

/// One task of the roadmap.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Task {
    /// The ids of the tasks this one waits on.
    pub depends_on: Vec<String>,
    /// The person-days it takes.
    pub effort_days: f64,
    /// The day it ends (`YYYY-MM-DD`).
    #[schemars(schema_with = "date")]
    pub end: String,
    /// The task's id.
    pub id: String,
    /// The id of the work package it is part of; empty in a result written before packages
    /// were added.
    #[serde(default)]
    pub package: String,
    /// The phase it belongs to.
    #[schemars(schema_with = "phase")]
    pub phase: String,
    /// The requirement it closes.
    pub requirement: String,
    /// The day it starts (`YYYY-MM-DD`).
    #[schemars(schema_with = "date")]
    pub start: String,
    /// What to do.
    pub title: String,
}

/// One row of the Statement of Applicability.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SoaEntry {
    /// The Annex A control's id.
    pub control: String,
    /// The evidence given for it.
    pub evidence: Vec<SoaEvidence>,
    /// Whether the control is included (not excluded with a justification).
    pub included: bool,
    /// Why it is included (its drivers) or excluded (the organisation's justification).
    pub justification: String,
    /// The date of the newest evidence; `null` when none is dated.
    #[schemars(schema_with = "date_or_null")]
    pub last_review: Option<String>,
    /// Who answers for it; `null` when nobody was named.
    pub owner: Option<String>,
    /// The control's status.
    #[schemars(schema_with = "status")]
    pub status: String,
    /// The control's title.
    pub title: String,
}

/// One piece of evidence of a control.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SoaEvidence {
    /// The evidence's date (`YYYY-MM-DD`); `null` when not dated.
    #[schemars(schema_with = "date_or_null")]
    pub date: Option<String>,
    /// What the evidence is.
    #[schemars(schema_with = "evidence_kind")]
    pub kind: String,
    /// Where the evidence is: a document name, a link.
    #[serde(rename = "ref")]
    pub reference: String,
}

/// One of the best next actions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct NextAction {
    /// What to do, in a sentence.
    pub action: String,
    /// Whether the requirement is a Stage 1 blocker.
    pub blocker: bool,
    /// The person-days it takes.
    pub effort_days: f64,
    /// The readiness points it gains, 0..100.
    pub gain: f64,
    /// The requirement's id.
    pub id: String,
    /// The id of the work package it is part of; empty in a result written before packages
    /// were added.
    #[serde(default)]
    pub package: String,
}

/// Gaps rolled up by deliverable: one piece of work that closes several requirements.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct WorkPackage {
    /// Whether any of its requirements is a Stage 1 blocker.
    pub blocker: bool,
    /// The person-days of all its gaps.
    pub effort_days: f64,
    /// The day its last roadmap task ends (`YYYY-MM-DD`).
    #[schemars(schema_with = "date")]
    pub end: String,
    /// The clause or control the deliverable is named after (`5.2`, `A.6.2.4`).
    pub id: String,
    /// What to do next about it, in a sentence.
    pub next_action: String,
    /// The highest priority of its gaps, 0..100.
    pub priority: f64,
    /// The rank, 1 for the most urgent package.
    pub rank: usize,
    /// The ids of the open requirements it closes, most urgent first.
    pub requirements: Vec<String>,
    /// The day its first roadmap task starts (`YYYY-MM-DD`).
    #[schemars(schema_with = "date")]
    pub start: String,
    /// The worst status of its requirements (`gap`, then `unknown`, then `partial`).
    #[schemars(schema_with = "status")]
    pub status: String,
    /// The deliverable's title.
    pub title: String,
}

/// A finding about the input that is not an error.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Diagnostic {
    /// The field of the assessment file it is about.
    pub field: String,
    /// What was found, in a sentence.
    pub message: String,
}

impl AssessmentResult {
    /// Renames every ISO/IEC 42001 requirement id the result holds (requirements, gaps, next
    /// actions, evidence to attach, roadmap tasks, work packages and the requirements that
    /// support obligations) with `rename`, which gives today's id of an id of schema 1, or
    /// `None` when it is unchanged; the result then says schema 2. Only for a result of schema
    /// 1: old and new ids overlap.
    pub fn rename_ids(&mut self, rename: impl Fn(&str) -> Option<String>) {
        let rename = |id: &mut String| {
            if let Some(new) = rename(id) {
                *id = new;
            }
        };
        self.requirements.iter_mut().for_each(|r| rename(&mut r.id));
        self.gaps.iter_mut().for_each(|g| rename(&mut g.id));
        self.next_actions.iter_mut().for_each(|a| rename(&mut a.id));
        self.claims
            .to_attach
            .iter_mut()
            .for_each(|a| rename(&mut a.id));
        self.roadmap
            .tasks
            .iter_mut()
            .for_each(|t| rename(&mut t.requirement));
        for package in &mut self.work_packages {
            package.requirements.iter_mut().for_each(&rename);
        }
        for system in &mut self.obligations {
            for item in &mut system.items {
                item.supported_by.iter_mut().for_each(|s| rename(&mut s.id));
            }
        }
        self.schema = SCHEMA.to_string();
    }

    /// The result as pretty JSON text with a final newline, as it is written everywhere.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The JSON Schema of the result (draft 2020-12), for `aimsgap schema result`.
pub fn json_schema() -> Schema {
    schemars::schema_for!(AssessmentResult)
}
