//! The evidence appendix every report shares: the requirements whose governing answer records
//! evidence or notes, each piece with its kind, dates, freshness in words, the weight it counted
//! for and its SHA-256.
//!
//! Requirements that take the same answer with the same evidence and notes (every requirement
//! of 5.2 answered once on 5.2) form one entry, so the appendix says each thing once; every
//! requirement still finds its entry through [`Appendix::anchor_of`]. The HTML, Markdown and PDF
//! reports read the same entries, so they list the same things in the same order.

use aimsgap_assess::{AssessmentResult, EvidenceUse, Freshness, RequirementResult, Source};
use std::collections::HashMap;

/// How many hexadecimal digits of a SHA-256 the short form shows.
pub const SHORT_HASH: usize = 12;

/// Freshness in words, as a reader of a report would say it.
pub fn freshness_words(freshness: Freshness) -> &'static str {
    match freshness {
        Freshness::Current => "current",
        Freshness::Stale => "older than 12 months",
        Freshness::ReviewOverdue => "past its review date",
        Freshness::Future => "dated after the as-of date, not counted",
    }
}

/// The first [`SHORT_HASH`] digits of a hash followed by an ellipsis, or the whole text when it
/// is that short.
pub fn short_hash(hash: &str) -> String {
    match hash.char_indices().nth(SHORT_HASH) {
        Some((end, _)) => format!("{}…", hash.get(..end).unwrap_or(hash)),
        None => hash.to_string(),
    }
}

/// One piece of evidence as the appendix shows it.
#[derive(Debug)]
pub struct EvidenceLine<'a> {
    pub evidence: &'a EvidenceUse,
    /// [`freshness_words`] of its freshness.
    pub freshness: &'static str,
    /// The weight it counted for, as a whole percentage ("50%").
    pub weight: String,
    /// [`short_hash`] of its SHA-256, when it has one.
    pub short_hash: Option<String>,
}

impl EvidenceLine<'_> {
    /// Whether its review or expiry date has passed.
    pub fn overdue(&self) -> bool {
        self.evidence.freshness == Freshness::ReviewOverdue
    }
}

/// Requirements that share an answer, its evidence and its notes.
#[derive(Debug)]
pub struct Entry<'a> {
    /// The anchor of the entry: `evidence-` and the first requirement's id.
    pub anchor: String,
    /// The requirements, in the result's order.
    pub requirements: Vec<&'a RequirementResult>,
    /// The answer that governs them, when the result names it.
    pub answer: Option<&'a str>,
    pub evidence: Vec<EvidenceLine<'a>>,
    /// The answer's notes.
    pub notes: Option<&'a str>,
}

impl Entry<'_> {
    /// The requirements' ids joined with ", ".
    pub fn ids(&self) -> String {
        self.requirements
            .iter()
            .map(|requirement| requirement.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Every entry of the appendix, and which entry each requirement belongs to.
#[derive(Debug, Default)]
pub struct Appendix<'a> {
    pub entries: Vec<Entry<'a>>,
    anchors: HashMap<&'a str, usize>,
}

impl<'a> Appendix<'a> {
    /// The appendix of a result: one entry per run of requirements with the same governing
    /// answer, evidence and notes, for requirements with evidence or notes.
    pub fn of(result: &'a AssessmentResult) -> Appendix<'a> {
        let mut appendix = Appendix::default();
        for requirement in &result.requirements {
            let notes = requirement
                .answer_notes
                .as_deref()
                .filter(|notes| !notes.trim().is_empty());
            if requirement.evidence.is_empty() && notes.is_none() {
                continue;
            }
            let answer = answer_of(requirement);
            let joins = appendix.entries.last().is_some_and(|entry| {
                entry.answer == answer
                    && entry.notes == notes
                    && entry.evidence.len() == requirement.evidence.len()
                    && entry
                        .evidence
                        .iter()
                        .zip(&requirement.evidence)
                        .all(|(line, evidence)| line.evidence == evidence)
            });
            if joins {
                if let Some(entry) = appendix.entries.last_mut() {
                    entry.requirements.push(requirement);
                }
            } else {
                appendix.entries.push(Entry {
                    anchor: format!("evidence-{}", requirement.id),
                    requirements: vec![requirement],
                    answer,
                    evidence: requirement.evidence.iter().map(line).collect(),
                    notes,
                });
            }
            appendix
                .anchors
                .insert(&requirement.id, appendix.entries.len().saturating_sub(1));
        }
        appendix
    }

    /// The anchor of the entry that lists a requirement's evidence, if it has any.
    pub fn anchor_of(&self, requirement: &str) -> Option<&str> {
        self.anchors
            .get(requirement)
            .and_then(|index| self.entries.get(*index))
            .map(|entry| entry.anchor.as_str())
    }
}

fn answer_of(requirement: &RequirementResult) -> Option<&str> {
    requirement.sources.iter().find_map(|source| match source {
        Source::Answer { from, .. } => Some(from.as_str()),
        Source::Inherited { .. } => None,
    })
}

fn line(evidence: &EvidenceUse) -> EvidenceLine<'_> {
    EvidenceLine {
        evidence,
        freshness: freshness_words(evidence.freshness),
        weight: format!("{:.0}%", evidence.weight * 100.0),
        short_hash: evidence.sha256.as_deref().map(short_hash),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_hash_keeps_twelve_digits_and_marks_the_cut() {
        let hash = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        assert_eq!(short_hash(hash), "0123456789ab…");
        assert_eq!(short_hash("abc"), "abc");
        assert_eq!(short_hash("0123456789ab"), "0123456789ab");
    }
}
