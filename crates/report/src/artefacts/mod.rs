//! Drafts of the documents an ISO/IEC 42001 certification asks for, generated from an
//! assessment and its result: the AIMS scope statement (4.3), the AI policy (5.2), the AI risk
//! assessment method and a seeded risk register (6.1.2), one AI system impact assessment per AI
//! system (6.1.4 and A.5, laid out along the structure of ISO/IEC 42005) and the Statement of
//! Applicability (6.1.3).
//!
//! Pure like the rest of the crate: values in, Markdown out, in a fixed order. It does not write
//! files; the caller chooses where each [`Artefact`] goes.
//!
//! Design decision: these are drafts, not finished documents. Every statement ends with its
//! source (an answer, an AI system fact, a requirement of the catalog, a law obligation or a
//! conclusion of the result), and every choice that belongs to the organisation is marked
//! `**[DECIDE: ...]**`, in that one form everywhere, so a reviewer can search for what is left.
//! The wording is ours; no text of a standard is reproduced.
//!
//! Layout: each document has a module here that gathers a small typed view from the
//! assessment and the result, and an askama Markdown template under `templates/artefacts/`
//! that words it. The templates escape every value with the crate's one Markdown escaper
//! ([`crate::escape::Markdown`]), so a system name cannot break a table or smuggle HTML into a
//! page; a value that is itself a rendered fragment (the preface, a source note) is `|safe`.

use aimsgap_assess::{
    AiSystem, Answer, Assessment, AssessmentResult, Classification, SoaEntry, SystemObligations,
    TARGET, governing_answer,
};
use aimsgap_catalog::{Catalog, Framework, Obligation};

mod impact;
mod policy;
mod risk_method;
mod risk_register;
mod scope;
mod soa;
mod view;

/// The Markdown escaping of user text in the drafts: the crate's one Markdown escaper.
pub use crate::escape::markdown as escape;
use impact::impact_assessment;
use policy::policy;
use risk_method::risk_method;
use risk_register::{RiskRow, risk_register, risk_rows};
use scope::scope;
use soa::statement_of_applicability;

/// One generated document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artefact {
    /// A plain file name (`[a-z0-9._-]`), safe to join to an output directory.
    pub file_name: String,
    pub title: String,
    pub markdown: String,
}

/// The drafts for one assessment, in a fixed order: scope, policy, risk method, risk register,
/// one impact assessment per AI system (in inventory order), Statement of Applicability.
pub fn artefacts(
    catalog: &Catalog,
    assessment: &Assessment,
    result: &AssessmentResult,
) -> Vec<Artefact> {
    let context = Context {
        catalog,
        assessment,
        result,
        iso: catalog.framework(TARGET),
    };
    let risks = risk_rows(&context);
    let mut documents = vec![
        scope(&context),
        policy(&context),
        risk_method(&context),
        risk_register(&context, &risks),
    ];
    for (position, (system, stem)) in assessment
        .ai_systems
        .iter()
        .zip(file_stems(&assessment.ai_systems))
        .enumerate()
    {
        documents.push(impact_assessment(&context, position, system, &stem, &risks));
    }
    documents.push(statement_of_applicability(&context, &risks));
    documents
}

/// What every document reads from.
struct Context<'a> {
    catalog: &'a Catalog,
    assessment: &'a Assessment,
    result: &'a AssessmentResult,
    iso: Option<&'a Framework>,
}

impl<'a> Context<'a> {
    /// The answer that governs an ISO/IEC 42001 id (its own, or its nearest answered parent).
    fn answer(&self, id: &str) -> Option<&'a Answer> {
        match self.iso {
            Some(iso) => governing_answer(iso, &self.assessment.answers, id),
            None => self.assessment.answers.iter().find(|a| a.id == id),
        }
    }

    /// The law entries of the result for one AI system, in the result's order.
    fn obligations_of<'s>(
        &'s self,
        system: &'s AiSystem,
    ) -> impl Iterator<Item = &'a SystemObligations> + 's {
        self.result
            .obligations
            .iter()
            .filter(move |entry| entry.system == system.id)
    }

    /// The SoA entry of an Annex A control.
    fn soa(&self, control: &str) -> Option<&'a SoaEntry> {
        self.result
            .soa
            .iter()
            .find(|entry| entry.control == control)
    }

    /// The name of a framework of the catalog, or its id when the catalog lacks it.
    fn framework_title(&self, id: &'a str) -> &'a str {
        self.catalog
            .framework(id)
            .map_or(id, |framework| framework.name.as_str())
    }

    /// The legal facts of one obligation of the result.
    fn obligation(&self, law: &str, id: &str) -> Option<&Obligation> {
        self.catalog
            .framework(law)
            .and_then(|framework| framework.get(id))
            .and_then(|requirement| requirement.obligation.as_ref())
    }

    /// The title of an entry of a named list of a catalog, as the catalog writes it.
    fn list_entry(&self, framework: &str, list: &str, id: &str) -> Option<&'a str> {
        self.catalog
            .framework(framework)
            .and_then(|f| f.list(list))
            .and_then(|entries| entries.iter().find(|entry| entry.id == id))
            .map(|entry| entry.title.as_str())
    }

    /// The obligations of a system whose legal facts match, as source entries.
    fn triggered_refs(
        &self,
        system: &AiSystem,
        matches: &dyn Fn(&Obligation) -> bool,
    ) -> Vec<view::SourceRef> {
        let mut found = Vec::new();
        for entry in self.obligations_of(system) {
            for item in &entry.items {
                if self.obligation(&entry.law, &item.id).is_some_and(matches) {
                    found.push(view::SourceRef::obligation(&entry.law, &item.reference));
                }
            }
        }
        found
    }
}

/// A rendered document ends with exactly one newline, whatever its last block left.
fn finish(mut markdown: String) -> String {
    markdown.truncate(markdown.trim_end().len());
    markdown.push('\n');
    markdown
}

/// A vocabulary word as prose: `not_applicable` reads `not applicable`.
fn words(vocabulary_word: &str) -> String {
    vocabulary_word.replace('_', " ")
}

/// The short label of a classification, as the drafts print it.
fn classification_words(classification: Classification) -> &'static str {
    match classification {
        Classification::Prohibited => "prohibited practice",
        Classification::HighRisk => "high-risk",
        Classification::Transparency => "transparency duties",
        Classification::Minimal => "minimal risk",
        Classification::NotInScope => "not in scope",
        Classification::ConsequentialDecision => "consequential decisions",
        Classification::NotCovered => "not covered",
        Classification::HighImpact => "high-impact",
    }
}

/// File names of the impact assessments: the system id reduced to `[a-z0-9_-]`, made unique.
fn file_stems(systems: &[AiSystem]) -> Vec<String> {
    let mut stems: Vec<String> = Vec::new();
    for (position, system) in systems.iter().enumerate() {
        let mut stem = String::new();
        for ch in system.id.chars() {
            let ch = ch.to_ascii_lowercase();
            if ch.is_ascii_alphanumeric() || ch == '_' {
                stem.push(ch);
            } else if !stem.is_empty() && !stem.ends_with('-') {
                stem.push('-');
            }
        }
        let mut stem: String = stem.trim_end_matches('-').chars().take(64).collect();
        if stem.is_empty() {
            stem = format!("system-{}", position + 1);
        }
        let base = stem.clone();
        let mut suffix = 2;
        while stems.contains(&stem) {
            stem = format!("{base}-{suffix}");
            suffix += 1;
        }
        stems.push(stem);
    }
    stems
}
