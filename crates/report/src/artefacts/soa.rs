//! The Statement of Applicability (ISO/IEC 42001 clause 6.1.3): the 38 Annex A controls with
//! the engine's inclusion, status and evidence, and the register risks each one treats.

use super::view::{CurrentState, Preface, Signatures, render};
use super::{Artefact, Context, RiskRow, escape, finish, words};
use aimsgap_assess::{Freshness, SoaEntry};
use askama::Template;

/// How many register risks a row names before it counts the rest.
const TREATED_SHOWN: usize = 6;

/// One piece of a control's evidence: what it is, when it took effect and when it is due for
/// review, marked when that date has passed.
#[derive(Debug)]
struct Evidence<'a> {
    reference: &'a str,
    kind: String,
    /// The effective date, or `undated`.
    date: String,
    review_by: Option<String>,
    /// Its review or expiry date has passed.
    overdue: bool,
}

/// One Annex A control of the SoA.
#[derive(Debug)]
struct Row<'a> {
    control: &'a str,
    title: &'a str,
    included: bool,
    /// The engine's justification, absent when it is blank.
    justification: Option<&'a str>,
    /// The justification needs a full stop before the register risks are added.
    needs_period: bool,
    /// The governing answer, if any.
    answer: Option<&'a str>,
    treated: Vec<&'a str>,
    more: usize,
    status: String,
    owner: Option<&'a str>,
    evidence: Vec<Evidence<'a>>,
    last_review: Option<String>,
}

#[derive(Debug, Template)]
#[template(path = "artefacts/soa.md")]
struct SoaView<'a> {
    organisation: &'a str,
    preface: String,
    current: String,
    as_of: String,
    included: usize,
    rows: Vec<Row<'a>>,
    signatures: String,
}

/// A control's evidence with its review dates, from the control's own result, which lists the
/// same pieces as the SoA entry with their freshness; the entry's own list stands in when the
/// result has no such requirement.
fn evidence_of<'a>(context: &Context<'a>, entry: &'a SoaEntry) -> Vec<Evidence<'a>> {
    let date = |date: Option<aimsgap_catalog::Date>| {
        date.map_or_else(|| "undated".to_string(), |d| d.to_string())
    };
    match context
        .result
        .requirements
        .iter()
        .find(|requirement| requirement.id == entry.control)
    {
        Some(requirement) => requirement
            .evidence
            .iter()
            .map(|evidence| Evidence {
                reference: &evidence.reference,
                kind: words(evidence.kind.as_str()),
                date: date(evidence.date),
                review_by: evidence.review_by.map(|d| d.to_string()),
                overdue: evidence.freshness == Freshness::ReviewOverdue,
            })
            .collect(),
        None => entry
            .evidence
            .iter()
            .map(|(reference, kind, day)| Evidence {
                reference,
                kind: words(kind.as_str()),
                date: date(*day),
                review_by: None,
                overdue: false,
            })
            .collect(),
    }
}

pub(super) fn statement_of_applicability<'a>(
    context: &Context<'a>,
    risks: &[RiskRow<'a>],
) -> Artefact {
    let soa = &context.result.soa;
    let rows = soa
        .iter()
        .map(|entry| {
            let justification =
                (!entry.justification.trim().is_empty()).then_some(entry.justification.as_str());
            let mut treated: Vec<&str> = risks
                .iter()
                .filter(|risk| risk.controls.contains(&entry.control.as_str()))
                .map(|risk| risk.id.as_str())
                .collect();
            let more = treated.len().saturating_sub(TREATED_SHOWN);
            treated.truncate(TREATED_SHOWN);
            Row {
                control: &entry.control,
                title: &entry.title,
                included: entry.included,
                justification,
                // The full stop goes after the text as it will be printed.
                needs_period: !justification.is_some_and(|text| escape(text).ends_with('.')),
                answer: context
                    .answer(&entry.control)
                    .map(|answer| answer.id.as_str()),
                treated,
                more,
                status: words(entry.status.as_str()),
                owner: entry.owner.as_deref(),
                evidence: evidence_of(context, entry),
                last_review: entry.last_review.map(|date| date.to_string()),
            }
        })
        .collect();
    let view = SoaView {
        organisation: &context.assessment.organization.name,
        preface: render(&Preface::new(
            context,
            "Statement of Applicability (ISO/IEC 42001 clause 6.1.3)",
            "6.1.3",
            &["6.1.3.f", "6.1.3"],
        )),
        current: render(&CurrentState::new(context, &["6.1.3"])),
        as_of: context.assessment.as_of.to_string(),
        included: soa.iter().filter(|entry| entry.included).count(),
        rows,
        signatures: render(&Signatures {
            roles: &["Prepared by", "Reviewed by", "Approved by (top management)"],
        }),
    };
    Artefact {
        file_name: "statement-of-applicability.md".to_string(),
        title: "Statement of Applicability".to_string(),
        markdown: finish(render(&view)),
    }
}
