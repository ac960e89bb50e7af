//! Declared versus evidenced: what the answers claim, what evidence backs, and the evidence to
//! attach. A claim without evidence is a claim; this is where the result says so.

use crate::input::AnswerStatus;
use crate::result::*;
use crate::rules;
use aimsgap_catalog::Framework;

/// What an auditor expects to see for a requirement: the first sentence of the catalog's
/// evidence text, or nothing.
pub fn expected(iso: &Framework, id: &str) -> String {
    iso.get(id)
        .and_then(|r| r.evidence.as_deref())
        .map(|e| {
            crate::engine::first_sentence(e)
                .trim()
                .trim_end_matches('.')
                .to_string()
        })
        .unwrap_or_default()
}

/// The claims of judged requirements against their evidence. `blocker` tells whether a
/// requirement is a certification blocker.
pub fn claims(
    iso: &Framework,
    results: &[RequirementResult],
    overall: &Readiness,
    blocker: impl Fn(&str) -> bool,
) -> Claims {
    let counted = overall.counted.max(1) as f64;
    let mut declared_requirements = 0;
    let mut to_attach = Vec::new();
    for result in results {
        let Some((answer, weight)) = result.sources.iter().find_map(|s| match s {
            Source::Answer {
                status,
                evidence_weight,
                ..
            } => Some((*status, *evidence_weight)),
            Source::Inherited { .. } => None,
        }) else {
            continue;
        };
        if !matches!(answer, AnswerStatus::Implemented | AnswerStatus::Partial) {
            continue;
        }
        declared_requirements += 1;
        if weight >= rules::MET_EVIDENCE {
            continue;
        }
        // Evidence of the kind the requirement needs (an approved document for documented
        // information, records of operation for a process) weighs 1: the low end becomes the
        // claim itself.
        let gain = (rules::answer_claim(answer) - result.credit.lo).max(0.0) / counted * 100.0;
        to_attach.push(Attach {
            id: result.id.to_string(),
            title: result.title.to_string(),
            answer,
            expected: expected(iso, &result.id),
            blocker: blocker(&result.id),
            gain: (gain * 100.0).round() / 100.0,
        });
    }
    // Blockers first, then the largest gain; ties keep catalog order (the sort is stable).
    to_attach.sort_by(|a, b| b.blocker.cmp(&a.blocker).then(b.gain.total_cmp(&a.gain)));
    let count = |basis: Basis| results.iter().filter(|r| r.basis == basis).count();
    Claims {
        declared: overall.hi,
        evidenced: overall.lo,
        point: overall.point,
        declared_requirements,
        evidenced_requirements: count(Basis::Evidenced),
        inherited_requirements: count(Basis::Inherited),
        to_attach,
    }
}
