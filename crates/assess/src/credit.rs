//! Status and credit of every ISO/IEC 42001 requirement: a direct answer, or credit inherited
//! from held certifications through crosswalk edges.

use crate::input::*;
use crate::result::*;
use crate::rules;
use aimsgap_catalog::{Catalog, Crosswalk, Framework, FrameworkKind, Kind, Relationship};

/// The framework every assessment is about.
pub const TARGET: &str = "iso42001";

/// The frameworks an assessment file may list as held certifications or self-assessments:
/// every standard or framework of the catalog with a crosswalk onto ISO/IEC 42001, in the
/// order of the crosswalks (built in: `iso27001`, `soc2`, `nist-ai-rmf`; a custom catalog adds
/// its own control sets). A law is not certified, so it gives no inherited credit.
pub fn certifiable(catalog: &Catalog) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    for crosswalk in catalog.crosswalks.iter().filter(|c| c.to == TARGET) {
        let held = catalog
            .framework(&crosswalk.from)
            .is_some_and(|f| f.kind != FrameworkKind::Law && f.id != TARGET);
        if held && !ids.contains(&crosswalk.from.as_str()) {
            ids.push(&crosswalk.from);
        }
    }
    ids
}

/// The answer that governs a requirement: its own, or the nearest ancestor's.
pub fn governing_answer<'a>(
    iso: &Framework,
    answers: &'a [Answer],
    id: &str,
) -> Option<&'a Answer> {
    let mut current = Some(id);
    while let Some(node) = current {
        if let Some(answer) = answers.iter().find(|a| a.id == node) {
            return Some(answer);
        }
        current = iso.get(node).and_then(|r| r.parent.as_deref());
    }
    None
}

/// The same lookup for every requirement at once: the answers by position in the standard
/// (the last one given for an id, as an index by id would keep), so that a node's parents are
/// walked by position, without looking ids up.
pub(crate) struct AnswerTree<'a> {
    // Invariant: `at[i]` is the answer given on `iso.requirements[i]`, if any.
    at: Vec<Option<&'a Answer>>,
}

impl<'a> AnswerTree<'a> {
    pub(crate) fn new(iso: &Framework, answers: &'a [Answer]) -> AnswerTree<'a> {
        let mut at = vec![None; iso.requirements.len()];
        for answer in answers {
            if let Some(slot) = iso.position(&answer.id).and_then(|p| at.get_mut(p)) {
                *slot = Some(answer);
            }
        }
        AnswerTree { at }
    }

    /// The answer that governs the node at `position` (its own or its nearest ancestor's),
    /// and the position of the top of its chain of parents: its group. The chain is validated
    /// to end; the walk is bounded anyway.
    pub(crate) fn governing(
        &self,
        iso: &Framework,
        position: usize,
    ) -> (Option<&'a Answer>, usize) {
        let mut answer = None;
        let mut top = position;
        let chain = std::iter::successors(Some(position), |&at| iso.parent_position(at));
        for at in chain.take(iso.requirements.len()) {
            if answer.is_none() {
                answer = self.at.get(at).copied().flatten();
            }
            top = at;
        }
        (answer, top)
    }
}

/// The SOC 2 category a criterion belongs to.
fn soc2_category(criterion: &str) -> TrustCategory {
    if criterion.starts_with("A1") {
        TrustCategory::Availability
    } else if criterion.starts_with("C1") {
        TrustCategory::Confidentiality
    } else if criterion.starts_with("PI") {
        TrustCategory::ProcessingIntegrity
    } else if criterion.starts_with('P') {
        TrustCategory::Privacy
    } else {
        TrustCategory::Security
    }
}

/// How much a certification vouches for one of its source requirements (0..1).
fn source_factor(certification: &Certification, source: &str) -> f64 {
    if certification.framework == "soc2" {
        let category = soc2_category(source);
        let attested =
            category == TrustCategory::Security || certification.categories.contains(&category);
        if !attested {
            return 0.0;
        }
    }
    certification
        .controls
        .iter()
        .find(|(id, _)| id == source)
        .map_or(1.0, |(_, status)| rules::control_factor(*status))
}

/// Whether a certification gives credit on the date, and why not.
pub fn certification_in_force(certification: &Certification, as_of: aimsgap_catalog::Date) -> bool {
    certification.status != CertificationStatus::Expired
        && certification.valid_until.is_none_or(|until| until >= as_of)
}

/// A held certification in force that has a crosswalk onto ISO/IEC 42001, with what it is
/// worth: looked up once per assessment rather than once per requirement.
pub(crate) struct Held<'a> {
    pub(crate) certification: &'a Certification,
    pub(crate) crosswalk: &'a Crosswalk,
    cert_factor: f64,
    scope: f64,
}

/// The certifications that give credit on the date, in the order they are listed.
pub(crate) fn held<'a>(
    catalog: &'a Catalog,
    certifications: &'a [Certification],
    as_of: aimsgap_catalog::Date,
) -> Vec<Held<'a>> {
    certifications
        .iter()
        .filter(|certification| certification_in_force(certification, as_of))
        .filter_map(|certification| {
            let crosswalk = catalog.crosswalk(&certification.framework, TARGET)?;
            Some(Held {
                certification,
                crosswalk,
                cert_factor: rules::certification_factor(
                    certification.status,
                    certification.report,
                ),
                scope: if certification.scope_covers_ai {
                    1.0
                } else {
                    rules::SCOPE_WITHOUT_AI
                },
            })
        })
        .collect()
}

/// The credit one requirement inherits from the held certifications, and how many edges carry
/// it, without recording the edges (for baselines, where only the figure matters).
pub fn inherited_credit(catalog: &Catalog, assessment: &Assessment, id: &str) -> (Credit, usize) {
    inherited_figure(
        &held(catalog, &assessment.certifications, assessment.as_of),
        id,
    )
}

/// [`inherited_credit`] over certifications already looked up.
pub(crate) fn inherited_figure(held: &[Held<'_>], id: &str) -> (Credit, usize) {
    inherited_figure_in(held, id, &mut Vec::new())
}

/// [`inherited_figure`] with the edges' contributions gathered in `contributions`, emptied
/// first: a caller that figures every requirement reuses one list instead of making one each.
pub(crate) fn inherited_figure_in(
    held: &[Held<'_>],
    id: &str,
    contributions: &mut Vec<f64>,
) -> (Credit, usize) {
    contributions.clear();
    for held in held {
        for edge in held.crosswalk.edges_to(id) {
            let credit = rules::relationship_factor(edge.rel) * f64::from(edge.strength) / 10.0
                * source_factor(held.certification, &edge.from)
                * held.cert_factor
                * held.scope;
            if credit > 0.0 {
                contributions.push(credit);
            }
        }
    }
    (combine(contributions), contributions.len())
}

/// The credit inherited by one requirement from the held certifications, with every edge that
/// carries it. Computes the same figure as [`inherited_credit`] (a test holds them equal).
fn inherited(held: &[Held<'_>], id: &str) -> (Credit, Vec<Source>) {
    let mut sources = Vec::new();
    let mut contributions = Vec::new();
    for held in held {
        let certification = held.certification;
        let mut edges = Vec::new();
        for edge in held.crosswalk.edges_to(id) {
            if edge.rel == Relationship::NoRelationship {
                continue;
            }
            let factor = source_factor(certification, &edge.from);
            let credit = rules::relationship_factor(edge.rel) * f64::from(edge.strength) / 10.0
                * factor
                * held.cert_factor
                * held.scope;
            if credit <= 0.0 {
                continue;
            }
            contributions.push(credit);
            edges.push(InheritedEdge {
                framework: certification.framework.clone(),
                source: edge.from.clone(),
                rel: edge.rel,
                strength: edge.strength,
                source_factor: factor,
                credit,
            });
        }
        if !edges.is_empty() {
            // Strongest edge first, so that explanations lead with what matters.
            edges.sort_by(|a, b| b.credit.total_cmp(&a.credit).then(a.source.cmp(&b.source)));
            sources.push(Source::Inherited {
                framework: certification.framework.clone(),
                scope_covers_ai: certification.scope_covers_ai,
                certification_factor: held.cert_factor,
                edges,
            });
        }
    }
    (combine(&contributions), sources)
}

/// Combines edge contributions conservatively: the strongest counts whole, the others add at
/// most a quarter of what remains, and the total is capped. Many weak edges never add up to
/// conformity.
pub fn combine(contributions: &[f64]) -> Credit {
    let Some(best) = contributions.iter().copied().reduce(f64::max) else {
        return Credit::ZERO;
    };
    let mut rest_missing = 1.0;
    let mut skipped_best = false;
    for &c in contributions {
        if !skipped_best && c == best {
            skipped_best = true;
            continue;
        }
        rest_missing *= 1.0 - c.clamp(0.0, 1.0);
    }
    let combined = best + (1.0 - best) * 0.25 * (1.0 - rest_missing);
    let hi = combined.min(rules::INHERITED_CAP);
    let lo = hi * rules::INHERITED_LO;
    Credit {
        lo,
        point: (lo + hi) / 2.0,
        hi,
    }
}

/// Every piece of an answer's evidence with its freshness on the as-of date and the weight it
/// counts for.
fn evidence_uses(assessment: &Assessment, answer: &Answer, documented: bool) -> Vec<EvidenceUse> {
    answer
        .evidence
        .iter()
        .map(|evidence| {
            let freshness = rules::freshness(assessment.as_of, evidence.date, evidence.review_by);
            EvidenceUse {
                reference: evidence.reference.clone(),
                kind: evidence.kind,
                date: evidence.date,
                review_by: evidence.review_by,
                sha256: evidence.sha256.clone(),
                freshness,
                weight: rules::evidence_weight(evidence.kind, documented)
                    * rules::freshness_factor(freshness),
            }
        })
        .collect()
}

/// The credit of a direct answer, from its claim and its best evidence.
fn answered(
    answer: &Answer,
    uses: &[EvidenceUse],
    documented: bool,
    notes: &mut Vec<String>,
) -> (Status, Credit, Source) {
    // Evidence dated after the as-of date is not counted; `future_evidence` reports it once
    // per answer.
    let mut best: Option<(f64, EvidenceKind, Freshness)> = None;
    for evidence in uses {
        if evidence.freshness == Freshness::Future {
            continue;
        }
        if evidence.freshness == Freshness::ReviewOverdue
            && let Some(review_by) = evidence.review_by
        {
            notes.push(format!(
                "evidence `{}` was due for review on {review_by}: it counts for {}% of its weight until it is reviewed",
                evidence.reference,
                (rules::OVERDUE_FACTOR * 100.0).round()
            ));
        }
        if best.is_none_or(|(w, _, _)| evidence.weight > w) {
            best = Some((evidence.weight, evidence.kind, evidence.freshness));
        }
    }
    let claim = rules::answer_claim(answer.status);
    let weight = best.map_or(0.0, |(w, _, _)| w);
    let credit = rules::answer_credit(claim, weight);
    let status = match answer.status {
        AnswerStatus::Implemented => {
            let mature = answer.maturity.is_none_or(|m| m >= rules::MET_MATURITY);
            if weight >= rules::MET_EVIDENCE && mature {
                Status::Met
            } else {
                if !mature {
                    notes.push(format!(
                        "implemented at maturity {}: ad hoc practice is not yet conformity",
                        answer.maturity.unwrap_or(0)
                    ));
                }
                match best {
                    None => notes.push("implemented, but no evidence is recorded".into()),
                    Some((_, kind, freshness)) if weight < rules::MET_EVIDENCE => {
                        notes.push(format!(
                            "implemented, but the best evidence is {}{}: an auditor needs {}",
                            kind.as_str().replace('_', " "),
                            match freshness {
                                Freshness::Stale => " older than 12 months",
                                Freshness::ReviewOverdue => " past its review date",
                                Freshness::Current | Freshness::Future => "",
                            },
                            if documented {
                                "an approved, current document"
                            } else {
                                "records of the process operating"
                            }
                        ))
                    }
                    Some(_) => {}
                }
                Status::Partial
            }
        }
        AnswerStatus::Partial => Status::Partial,
        AnswerStatus::Planned | AnswerStatus::NotImplemented => Status::Gap,
        AnswerStatus::NotApplicable => Status::NotApplicable,
    };
    let source = Source::Answer {
        from: answer.id.clone(),
        status: answer.status,
        maturity: answer.maturity,
        evidence_weight: weight,
        best_evidence: best.map(|(_, kind, _)| kind),
        stale: best.is_some_and(|(_, _, freshness)| freshness == Freshness::Stale),
    };
    (status, credit, source)
}

/// Judges every assessable requirement and control of ISO/IEC 42001, in catalog order.
pub fn judge(
    catalog: &Catalog,
    iso: &Framework,
    assessment: &Assessment,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<RequirementResult> {
    let answers = AnswerTree::new(iso, &assessment.answers);
    judge_with_figures(catalog, iso, assessment, &answers, diagnostics).0
}

/// [`judge`] over the assessment's answers already indexed (`answers`, which the SoA reads
/// too), with what the held certifications alone give each requirement (its
/// [`inherited_figure`], in the same order), which the baseline of those certifications reuses.
pub(crate) fn judge_with_figures(
    catalog: &Catalog,
    iso: &Framework,
    assessment: &Assessment,
    answers: &AnswerTree<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<RequirementResult>, Vec<(Credit, usize)>) {
    let mut results = Vec::with_capacity(iso.requirements.len());
    let mut figures = Vec::with_capacity(iso.requirements.len());
    future_evidence(assessment, diagnostics);
    let held = held(catalog, &assessment.certifications, assessment.as_of);
    let mut contributions = Vec::new();
    for (position, requirement) in iso.requirements.iter().enumerate() {
        if !requirement.kind.is_assessable() {
            continue;
        }
        let (answer, top) = answers.governing(iso, position);
        let group = iso.requirements.get(top).map_or(&requirement.id, |g| &g.id);
        let figure = inherited_figure_in(&held, &requirement.id, &mut contributions);
        figures.push(figure);
        let mut notes = Vec::new();
        let uses = answer
            .map(|a| evidence_uses(assessment, a, requirement.documented))
            .unwrap_or_default();
        let judged = match answer {
            Some(answer) => {
                let own = answer.id == requirement.id;
                if !own {
                    notes.push(["answer given on ", &answer.id, " applies here"].concat());
                }
                let excluded = answer.status == AnswerStatus::NotApplicable;
                if excluded && requirement.kind != Kind::Control {
                    // A group answer of not_applicable cannot exclude clause requirements.
                    notes.push(
                        "clause requirements cannot be excluded; judged as if not answered".into(),
                    );
                    unanswered(&held, &requirement.id, Status::Gap, &mut notes)
                } else if excluded && answer.justification.is_none() {
                    notes.push(
                        "excluded without a justification: an auditor will not accept it; judged as if not answered"
                            .into(),
                    );
                    diagnostics.push(Diagnostic {
                        field: format!("answers.{}.justification", answer.id),
                        message: format!(
                            "{} is marked not_applicable without a justification",
                            requirement.id
                        ),
                    });
                    unanswered(&held, &requirement.id, Status::Gap, &mut notes)
                } else if excluded {
                    let (status, credit, source) =
                        answered(answer, &uses, requirement.documented, &mut notes);
                    Judged {
                        status,
                        basis: Basis::Excluded,
                        credit,
                        sources: vec![source],
                    }
                } else {
                    let (status, credit, source) =
                        answered(answer, &uses, requirement.documented, &mut notes);
                    // The floor's figure first: its edges are recorded only where it shows.
                    let (floor, _) = figure;
                    with_floor(
                        answer.status,
                        (status, credit, source),
                        (floor, || inherited(&held, &requirement.id).1),
                        &mut notes,
                    )
                }
            }
            None => unanswered(&held, &requirement.id, Status::Unknown, &mut notes),
        };
        results.push(RequirementResult {
            id: requirement.id.clone(),
            title: requirement.title.clone(),
            group: group.clone(),
            status: judged.status,
            basis: judged.basis,
            credit: judged.credit,
            sources: judged.sources,
            notes,
            owner: answer.and_then(|a| a.owner.clone()),
            answer_notes: answer.and_then(|a| a.notes.clone()),
            evidence: uses,
        });
    }
    (results, figures)
}

/// Evidence dated after the as-of date is not counted: says so once for each piece, whether
/// its answer is on a requirement or on a clause or objective above several.
fn future_evidence(assessment: &Assessment, diagnostics: &mut Vec<Diagnostic>) {
    for answer in &assessment.answers {
        for (i, evidence) in answer.evidence.iter().enumerate() {
            if let Some(date) = evidence.date
                && date.days_until(assessment.as_of) < 0
            {
                diagnostics.push(Diagnostic {
                    field: format!("answers.{}.evidence[{i}].date", answer.id),
                    message: format!(
                        "evidence `{}` is dated {date}, after the assessment date {}; it is not counted",
                        evidence.reference, assessment.as_of
                    ),
                });
            }
        }
    }
}

/// A requirement's judgement before its id, title and notes are attached.
struct Judged {
    status: Status,
    basis: Basis,
    credit: Credit,
    sources: Vec<Source>,
}

/// How far a status goes towards conformity, for the floor: an answered gap and an unknown
/// stand level, below partial, below met.
fn status_rank(status: Status) -> u8 {
    match status {
        Status::Gap | Status::Unknown | Status::NotApplicable => 0,
        Status::Partial => 1,
        Status::Met => 2,
    }
}

/// The status inherited credit alone earns.
fn inherited_status(credit: Credit) -> Status {
    if credit.hi >= rules::INHERITED_PARTIAL {
        Status::Partial
    } else {
        Status::Unknown
    }
}

/// A requirement with no answer that counts: its credit is what held certifications give;
/// `otherwise` is its status when they give too little (unknown when nothing was answered, a
/// gap when an answer was refused).
fn unanswered(held: &[Held<'_>], id: &str, otherwise: Status, notes: &mut Vec<String>) -> Judged {
    let (credit, sources) = inherited(held, id);
    let status = if credit.hi >= rules::INHERITED_PARTIAL {
        notes.push("credit inherited from held certifications: verify for AI scope".into());
        Status::Partial
    } else if sources.is_empty() {
        notes.push("not answered, and no held certification reaches it".into());
        otherwise
    } else {
        notes.push("not answered; held certifications reach it only weakly".into());
        otherwise
    };
    Judged {
        status,
        basis: if credit.hi > 0.0 {
            Basis::Inherited
        } else {
            Basis::Unanswered
        },
        credit,
        sources,
    }
}

/// The certificate is a floor: a direct answer other than `not_implemented` never leaves a
/// requirement below what the held certifications alone give it, in status or in any end of
/// its credit range. `not_implemented` says the practice is absent in the AI scope, so it
/// overrides inherited credit, and the notes say how much it overrode.
///
/// `floor_sources` gives the edges behind `floor` (the figure [`inherited_figure`] computes,
/// equal to [`inherited`]'s): they are made only when the floor shows in the result.
fn with_floor(
    claim: AnswerStatus,
    (status, credit, source): (Status, Credit, Source),
    (floor, floor_sources): (Credit, impl FnOnce() -> Vec<Source>),
    notes: &mut Vec<String>,
) -> Judged {
    let evidenced = matches!(claim, AnswerStatus::Implemented | AnswerStatus::Partial)
        && matches!(
            &source,
            Source::Answer { evidence_weight, .. } if *evidence_weight >= rules::MET_EVIDENCE
        );
    if claim == AnswerStatus::NotImplemented {
        if floor.hi > 0.0 {
            let floor_sources = floor_sources();
            let frameworks: Vec<&str> = floor_sources
                .iter()
                .filter_map(|s| match s {
                    Source::Inherited { framework, .. } => Some(framework.as_str()),
                    Source::Answer { .. } => None,
                })
                .collect();
            let mut note = String::from(
                "answered not implemented: the practice is absent in the AI scope, which overrides the credit held certifications alone would give (",
            );
            push_percentages(&mut note, &floor, "%, range ");
            note.push_str(", from ");
            note.push_str(&frameworks.join(", "));
            note.push(')');
            notes.push(note);
        }
        return Judged {
            status,
            basis: Basis::Absent,
            credit,
            sources: vec![source],
        };
    }
    let lifted = floor.lo > credit.lo || floor.point > credit.point || floor.hi > credit.hi;
    let floored = Credit {
        lo: credit.lo.max(floor.lo),
        point: credit.point.max(floor.point),
        hi: credit.hi.max(floor.hi),
    };
    let floor_status = inherited_status(floor);
    let status = if status_rank(floor_status) > status_rank(status) {
        floor_status
    } else {
        status
    };
    let basis = if evidenced {
        Basis::Evidenced
    } else if matches!(claim, AnswerStatus::Implemented | AnswerStatus::Partial) {
        // A claim of implemented or partial stays a claim to back with evidence, even where
        // the certificate carries more of the credit.
        Basis::Declared
    } else if credit.hi > floor.hi {
        Basis::Planned
    } else {
        Basis::Inherited
    };
    let mut sources = vec![source];
    if lifted {
        let mut note = String::with_capacity(160);
        note.push_str("held certifications alone give ");
        push_percentages(&mut note, &floor, "% (range ");
        note.push_str(
            "): the answer is not counted below that, and the inherited part is to verify for AI",
        );
        notes.push(note);
        sources.extend(floor_sources());
    }
    Judged {
        status,
        basis,
        credit: floored,
        sources,
    }
}

/// Readiness over a set of judged requirements: the mean credit of those not excluded.
pub fn readiness<'a>(
    id: &str,
    title: &str,
    results: impl Iterator<Item = &'a RequirementResult>,
) -> Readiness {
    let (mut lo, mut point, mut hi, mut counted, mut met) = (0.0, 0.0, 0.0, 0usize, 0usize);
    for result in results.filter(|r| r.status != Status::NotApplicable) {
        lo += result.credit.lo;
        point += result.credit.point;
        hi += result.credit.hi;
        counted += 1;
        met += usize::from(result.status == Status::Met);
    }
    let scale = |sum: f64| {
        if counted == 0 {
            0.0
        } else {
            round1(sum / counted as f64 * 100.0)
        }
    };
    Readiness {
        id: id.to_string(),
        title: title.to_string(),
        point: scale(point),
        lo: scale(lo),
        hi: scale(hi),
        counted,
        met,
    }
}

/// Rounds to one decimal, so that output is stable and readable.
pub fn round1(value: f64) -> f64 {
    (value * 10.0).round() / 10.0
}

/// Writes `value` as `format!("{value:.0}")` writes it (rounded half to even; `-0` for a
/// negative value that rounds to zero) without the formatter's exact decimal expansion, which
/// cost about 800 instructions a number: the notes of most requirements of a result carry
/// three percentages. A test holds the two equal.
pub(crate) fn push_whole(out: &mut String, value: f64) {
    let rounded = value.round_ties_even();
    // Below 2^53 every whole f64 is an i64 exactly; anything else takes the formatter.
    if rounded.abs() < 9_007_199_254_740_992.0 {
        if rounded == 0.0 && value.is_sign_negative() {
            out.push('-');
        }
        out.push_str(itoa::Buffer::new().format(rounded as i64));
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{value:.0}");
    }
}

/// A credit's point, low and high ends as percentages, as the notes write them:
/// `{point}%`, then `{lo}% to {hi}%` after `between`.
fn push_percentages(out: &mut String, credit: &Credit, between: &str) {
    push_whole(out, credit.point * 100.0);
    out.push_str(between);
    push_whole(out, credit.lo * 100.0);
    out.push_str("% to ");
    push_whole(out, credit.hi * 100.0);
    out.push('%');
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use proptest::prelude::*;

    fn whole(value: f64) -> String {
        let mut out = String::new();
        push_whole(&mut out, value);
        out
    }

    /// Every hundredth and every eighth from -1,000 to 1,000 (the ties among them), the
    /// percentages of credits in thousandths, and the edges of the fast path write as
    /// `{:.0}` writes them.
    #[test]
    fn whole_numbers_are_written_as_the_format_wrote_them() {
        let values = (-100_000..=100_000)
            .map(|n| f64::from(n) / 100.0)
            .chain((-8_000..=8_000).map(|n| f64::from(n) / 8.0))
            .chain((0..=1_000).map(|n| f64::from(n) / 1_000.0 * 100.0))
            .chain([
                0.0,
                -0.0,
                -0.4,
                0.5,
                -0.5,
                2.5,
                9_007_199_254_740_991.0,
                9_007_199_254_740_992.0,
                -9_007_199_254_740_993.0,
                1e300,
                f64::MAX,
                f64::MIN_POSITIVE,
                f64::INFINITY,
                f64::NEG_INFINITY,
                f64::NAN,
            ]);
        for value in values {
            assert_eq!(whole(value), format!("{value:.0}"), "{value:?}");
        }
    }

    proptest! {
        #[test]
        fn any_number_is_written_as_the_format_wrote_it(value in any::<f64>()) {
            prop_assert_eq!(whole(value), format!("{value:.0}"));
        }
    }

    /// `judge` takes an answered requirement's floor from `inherited_figure` and records its
    /// edges with `inherited` only where the floor shows: the two must agree on every figure.
    #[test]
    fn the_floor_figure_equals_the_credit_of_the_recorded_edges() {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let iso = catalog.framework(TARGET).unwrap();
        let mut compared = 0;
        for assessment in crate::engine::tests::varied(&catalog) {
            let held = held(&catalog, &assessment.certifications, assessment.as_of);
            for requirement in iso.assessable() {
                let (figure, count) = inherited_figure(&held, &requirement.id);
                let (credit, sources) = inherited(&held, &requirement.id);
                assert_eq!(figure, credit, "{}", requirement.id);
                let edges: usize = sources
                    .iter()
                    .map(|source| match source {
                        Source::Inherited { edges, .. } => edges.len(),
                        Source::Answer { .. } => 0,
                    })
                    .sum();
                assert_eq!(count, edges, "{}", requirement.id);
                compared += usize::from(count > 0);
            }
        }
        assert!(compared > 0);
    }

    /// The answers walked by position govern as the answers looked up by id do, and the top of
    /// the walk is the node's group, for every node of the standard in every varied example.
    #[test]
    fn the_tree_walked_by_position_governs_as_the_ids_do() {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let iso = catalog.framework(TARGET).unwrap();
        let mut inherited_answers = 0;
        for assessment in crate::engine::tests::varied(&catalog) {
            let tree = AnswerTree::new(iso, &assessment.answers);
            for (position, requirement) in iso.requirements.iter().enumerate() {
                let (answer, top) = tree.governing(iso, position);
                let by_id = governing_answer(iso, &assessment.answers, &requirement.id);
                assert!(
                    match (answer, by_id) {
                        (Some(a), Some(b)) => std::ptr::eq(a, b),
                        (a, b) => a.is_none() && b.is_none(),
                    },
                    "{}",
                    requirement.id
                );
                assert_eq!(
                    iso.requirements.get(top).map(|g| g.id.as_str()),
                    Some(iso.group_of(&requirement.id)),
                    "{}",
                    requirement.id
                );
                inherited_answers += usize::from(answer.is_some_and(|a| a.id != requirement.id));
            }
        }
        assert!(inherited_answers > 0);
    }
}
