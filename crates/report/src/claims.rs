//! Declared versus evidenced, in the words every report uses: what the answers claim ("if your
//! answers hold"), what evidence and held certifications back, what to attach, and each
//! requirement's basis in plain words. One place, so that the terminal summary, the Markdown
//! and HTML reports say the same thing the same way (the PDF lays out the same words, kept
//! equal by a test).

use aimsgap_assess::{AssessmentResult, Attach, RequirementResult};

/// How many entries of the list of what to attach the terminal summary shows.
pub const TEXT_ATTACH: usize = 10;

/// The two figures side by side, in one sentence.
pub fn headline(result: &AssessmentResult) -> String {
    let claims = &result.claims;
    format!(
        "{:.1} if your answers hold; {:.1} evidenced (what evidence and held certifications back).",
        claims.declared, claims.evidenced
    )
}

/// What the figures rest on, in one sentence.
pub fn counts(result: &AssessmentResult) -> String {
    let claims = &result.claims;
    format!(
        "{} answered implemented or partly; {} backed by evidence that meets the bar; {} inherited from held certifications (verify for AI).",
        requirements(claims.declared_requirements),
        claims.evidenced_requirements,
        claims.inherited_requirements
    )
}

fn requirements(count: usize) -> String {
    if count == 1 {
        "1 requirement".to_string()
    } else {
        format!("{count} requirements")
    }
}

/// One entry of what to attach, without what an auditor expects (which reports show beside
/// it): "answered partial, +0.2 at the low end, a Stage 1 blocker".
pub fn attach_line(attach: &Attach) -> String {
    format!(
        "answered {}, +{:.1} at the low end{}",
        attach.answer.as_str().replace('_', " "),
        attach.gain,
        if attach.blocker {
            ", a Stage 1 blocker"
        } else {
            ""
        }
    )
}

/// A certification blocker not met, with what its state rests on.
#[derive(Debug)]
pub struct OpenBlocker<'a> {
    pub requirement: &'a RequirementResult,
    /// "partial, declared, attach evidence": never a bare "not met" for a requirement that was
    /// answered or inherits credit.
    pub words: String,
}

/// The blocker requirements not met, in catalog order, each with its status and basis.
pub fn open_blockers(result: &AssessmentResult) -> Vec<OpenBlocker<'_>> {
    result
        .requirements
        .iter()
        .filter(|requirement| {
            result
                .gaps
                .iter()
                .any(|gap| gap.blocker && gap.id == requirement.id)
        })
        .map(|requirement| OpenBlocker {
            requirement,
            words: requirement.standing(),
        })
        .collect()
}
