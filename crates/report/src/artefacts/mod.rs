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
use aimsgap_catalog::{Catalog, Framework, FrameworkKind, Obligation};

pub mod docx;
mod impact;
mod policy;
mod risk_method;
mod risk_register;
mod scope;
pub mod sheet;
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

/// What a draft is for, and what to do before approving it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Guidance {
    /// The clauses it answers and what it is for, in a sentence.
    pub purpose: &'static str,
    /// What a reviewer checks and decides before the draft is ready to approve.
    pub approval: &'static str,
}

/// The guidance of a draft, by its file name (every name [`artefacts`] gives has one).
pub fn guidance(file_name: &str) -> Guidance {
    let (purpose, approval) = match file_name {
        "aims-scope.md" => (
            "The AIMS scope statement (clause 4.3): which AI systems, units, sites and life-cycle stages the management system covers, and what it leaves out.",
            "Confirm the AI systems and boundaries, name any exclusion with its reason, and have top management approve it.",
        ),
        "ai-policy.md" => (
            "The AI policy (clause 5.2 and A.2): the organisation's direction for AI, its principles and its commitments.",
            "Adopt, adapt or drop each proposed objective and principle, then have top management approve and publish it.",
        ),
        "ai-risk-method.md" => (
            "The AI risk assessment method (clause 6.1.2): the scales, the risk criteria and how risks are treated and accepted.",
            "Calibrate the scales and the acceptance criteria to the organisation before the first risk is rated.",
        ),
        "ai-risk-register.md" => (
            "The AI risk register (clauses 6.1.2 and 8.2): risks seeded from the facts of each AI system, with proposed Annex A treatments.",
            "Rate each risk, decide its treatment and owner, and add the risks the facts could not reveal.",
        ),
        "statement-of-applicability.md" => (
            "The Statement of Applicability (clause 6.1.3): each Annex A control, whether it is included and why.",
            "Check every inclusion and exclusion against the risk register and give each exclusion its justification.",
        ),
        _ => (
            "An AI system impact assessment (clause 6.1.4 and A.5): the system's effects on individuals, groups and societies, and the law that applies to it.",
            "Rate each impact, confirm the legal readings marked to confirm, and have the system's owner approve it.",
        ),
    };
    Guidance { purpose, approval }
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

    /// Whether a framework of the catalog is a management system standard (ISO/IEC 27001)
    /// rather than a voluntary framework (the NIST AI RMF is a risk framework, SOC 2 a set of
    /// attestation criteria): only a management system has processes the AIMS integrates with.
    fn is_management_system(&self, id: &str) -> bool {
        self.catalog
            .framework(id)
            .is_some_and(|framework| framework.kind == FrameworkKind::Standard)
    }

    /// Rewords a reason of the engine for a reader: a vocabulary value it quotes in backticks
    /// (`` area `essential_services` ``) becomes its title in the EU AI Act's lists, or plain
    /// words.
    fn reason_words(&self, reason: &str) -> String {
        let mut out = String::with_capacity(reason.len());
        for (index, part) in reason.split('`').enumerate() {
            if index % 2 == 0 {
                out.push_str(part);
            } else {
                let title = [
                    "annex_iii_areas",
                    "annex_i_products",
                    "prohibited_practices",
                ]
                .iter()
                .find_map(|list| self.list_entry("eu-ai-act", list, part));
                match title {
                    Some(title) => out.push_str(title),
                    None => out.push_str(&words(part)),
                }
            }
        }
        out
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

/// A rendered document ends with exactly one newline, whatever its last block left, and its
/// trace lives in numbered footnotes gathered under "Sources" at the end: the views write each
/// source as ` (source: ...)` after its statement, and this turns every one into a marker
/// (`[^3]`), so the body reads as a document while each statement keeps its trace.
fn finish(markdown: String) -> String {
    let (body, sources) = footnotes(markdown.trim_end());
    let mut out = body;
    if !sources.is_empty() {
        out.push_str("\n\n");
        out.push_str(&view::render(&view::Sources { notes: sources }));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The marker that opens a source note in a rendered view.
const SOURCE_OPEN: &str = " (source: ";

/// Replaces each source note of the text by a footnote marker, numbering distinct notes in
/// first-seen order; returns the text and the notes. A note is closed by the parenthesis that
/// balances its own on the same line (law references such as `Art. 9(1)-(2)` nest); a note
/// left open is kept as written rather than guessed at.
fn footnotes(markdown: &str) -> (String, Vec<String>) {
    let mut sources: Vec<String> = Vec::new();
    let mut out = String::with_capacity(markdown.len());
    for (index, line) in markdown.split('\n').enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let mut rest = line;
        while let Some(start) = rest.find(SOURCE_OPEN) {
            let (before, after) = rest.split_at(start);
            let inner_start = SOURCE_OPEN.len();
            let Some(close) = balanced_close(after.get(inner_start..).unwrap_or("")) else {
                break;
            };
            let note = after.get(inner_start..inner_start + close).unwrap_or("");
            let number = match sources.iter().position(|known| known == note) {
                Some(known) => known + 1,
                None => {
                    sources.push(note.to_string());
                    sources.len()
                }
            };
            out.push_str(before);
            // A note alone in a table cell keeps the cell's leading space.
            if before.ends_with('|') {
                out.push(' ');
            }
            out.push_str(&format!("[^{number}]"));
            rest = after.get(inner_start + close + 1..).unwrap_or("");
        }
        out.push_str(rest);
    }
    (out, sources)
}

/// The byte offset of the `)` that closes a parenthesis opened just before `text`.
fn balanced_close(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (offset, ch) in text.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' if depth == 0 => return Some(offset),
            ')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// A vocabulary word as prose: `not_applicable` reads `not applicable`.
fn words(vocabulary_word: &str) -> String {
    vocabulary_word.replace('_', " ")
}

/// A count with its noun, singular for exactly one: `1 employee`, `120 employees`.
fn count(number: impl std::fmt::Display, singular: &str, plural: &str) -> String {
    let number = number.to_string();
    if number == "1" {
        format!("1 {singular}")
    } else {
        format!("{number} {plural}")
    }
}

/// A value the organisation typed as a machine word (`hr_technology`) as a label: `Hr
/// technology` reads badly, so only the separators change (`hr technology`).
fn label(value: &str) -> String {
    if value.contains(' ') {
        value.to_string()
    } else {
        value.replace(['_', '-'], " ")
    }
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
