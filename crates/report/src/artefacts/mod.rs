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
//! The wording is ours; no text of a standard is reproduced. Every piece of user text goes
//! through [`escape`], so a system name cannot break a table or smuggle HTML into a page.

use aimsgap_assess::{
    AiSystem, Answer, Assessment, AssessmentResult, Certification, CertificationStatus,
    Classification, ControlStatus, ObligationItem, ObligationState, SoaEntry, SystemObligations,
    SystemRole, TARGET, governing_answer, inherited_credit,
};
use aimsgap_catalog::{Catalog, Framework, Obligation, Relationship, Tier, Trigger};

pub(crate) mod escape;
mod impact;
mod policy;
mod risk_method;
mod risk_register;
mod scope;
mod soa;
mod view;

pub use escape::escape;
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

/// The marker of a choice the organisation must make. `what` is our text (or escaped).
fn decide(what: &str) -> String {
    format!("**[DECIDE: {what}]**")
}

/// The trailing source note of a statement; every entry is already escaped.
fn source(entries: &[String]) -> String {
    let mut unique: Vec<&str> = Vec::new();
    for entry in entries {
        if !unique.contains(&entry.as_str()) {
            unique.push(entry);
        }
    }
    format!("(source: {})", unique.join("; "))
}

/// `1 obligation`, `2 obligations`.
fn count(number: usize, noun: &str) -> String {
    if number == 1 {
        format!("1 {noun}")
    } else {
        format!("{number} {noun}s")
    }
}

fn src_answer(id: &str) -> String {
    format!("answer {}", escape(id))
}

fn src_system(system: &AiSystem, field: &str) -> String {
    format!("ai_system {}.{field}", escape(&system.id))
}

fn src_system_id(system: &AiSystem) -> String {
    format!("ai_system {}", escape(&system.id))
}

fn src_org(field: &str) -> String {
    format!("organization.{field}")
}

fn src_iso(id: &str) -> String {
    format!("iso42001 {}", escape(id))
}

fn src_obligation(law: &str, reference: &str) -> String {
    format!("{} {}", escape(law), escape(reference))
}

fn src_result(what: &str) -> String {
    format!("result {what}")
}

/// A Markdown document under construction.
struct Doc {
    text: String,
}

impl Doc {
    fn new(title: &str) -> Doc {
        Doc {
            text: format!("# {title}\n\n"),
        }
    }

    fn heading(&mut self, text: &str) {
        self.text.push_str(&format!("## {text}\n\n"));
    }

    fn subheading(&mut self, text: &str) {
        self.text.push_str(&format!("### {text}\n\n"));
    }

    fn para(&mut self, text: &str) {
        self.text.push_str(text);
        self.text.push_str("\n\n");
    }

    fn bullets(&mut self, items: &[String]) {
        if items.is_empty() {
            return;
        }
        for item in items {
            self.text.push_str("- ");
            self.text.push_str(item);
            self.text.push('\n');
        }
        self.text.push('\n');
    }

    /// A table; every cell is already escaped (no raw `|`, no newline).
    fn table(&mut self, header: &[&str], rows: &[Vec<String>]) {
        self.text.push_str(&format!("| {} |\n", header.join(" | ")));
        self.text.push_str(&format!(
            "|{}\n",
            header.iter().map(|_| "---|").collect::<String>()
        ));
        for row in rows {
            self.text.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        self.text.push('\n');
    }

    fn finish(self) -> String {
        let mut text = self.text.trim_end().to_string();
        text.push('\n');
        text
    }
}

/// What every document reads from.
struct Context<'a> {
    catalog: &'a Catalog,
    assessment: &'a Assessment,
    result: &'a AssessmentResult,
    iso: Option<&'a Framework>,
}

impl<'a> Context<'a> {
    fn org(&self) -> String {
        escape(&self.assessment.organization.name)
    }

    /// The answer that governs an ISO/IEC 42001 id (its own, or its nearest answered parent).
    fn answer(&self, id: &str) -> Option<&'a Answer> {
        match self.iso {
            Some(iso) => governing_answer(iso, &self.assessment.answers, id),
            None => self.assessment.answers.iter().find(|a| a.id == id),
        }
    }

    fn obligations_of<'s>(
        &'s self,
        system: &'s AiSystem,
    ) -> impl Iterator<Item = &'s SystemObligations> + 's {
        self.result
            .obligations
            .iter()
            .filter(move |entry| entry.system == system.id)
    }

    fn soa(&self, control: &str) -> Option<&SoaEntry> {
        self.result
            .soa
            .iter()
            .find(|entry| entry.control == control)
    }

    /// The name of a framework of the catalog, or its id when the catalog lacks it.
    fn framework_title<'s>(&'s self, id: &'s str) -> &'s str {
        self.catalog
            .framework(id)
            .map_or(id, |framework| framework.name.as_str())
    }

    fn framework_name(&self, id: &str) -> String {
        self.catalog
            .framework(id)
            .map_or_else(|| escape(id), |framework| escape(&framework.name))
    }

    fn iso_title(&self, id: &str) -> Option<String> {
        self.iso
            .and_then(|iso| iso.get(id))
            .map(|requirement| escape(&requirement.title))
    }

    /// The legal facts of one obligation of the result.
    fn obligation(&self, law: &str, id: &str) -> Option<&Obligation> {
        self.catalog
            .framework(law)
            .and_then(|framework| framework.get(id))
            .and_then(|requirement| requirement.obligation.as_ref())
    }

    /// The title of an entry of a named list of a catalog (an Annex III area, a role).
    fn list_title(&self, framework: &str, list: &str, id: &str) -> Option<String> {
        self.catalog
            .framework(framework)
            .and_then(|f| f.list(list))
            .and_then(|entries| entries.iter().find(|entry| entry.id == id))
            .map(|entry| escape(&entry.title))
    }

    /// The obligations of a system whose legal facts match, as source entries.
    fn triggered(&self, system: &AiSystem, matches: &dyn Fn(&Obligation) -> bool) -> Vec<String> {
        let mut found = Vec::new();
        for entry in self.obligations_of(system) {
            for item in &entry.items {
                if self.obligation(&entry.law, &item.id).is_some_and(matches) {
                    found.push(src_obligation(&entry.law, &item.reference));
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

/// The first `limit` entries and a count of the rest.
fn capped(mut entries: Vec<String>, limit: usize) -> Vec<String> {
    if entries.len() > limit {
        let rest = entries.len() - limit;
        entries.truncate(limit);
        entries.push(format!("and {rest} more"));
    }
    entries
}

fn words(vocabulary_word: &str) -> String {
    vocabulary_word.replace('_', " ")
}

fn list_or(items: &[String], empty: &str) -> String {
    if items.is_empty() {
        empty.to_string()
    } else {
        items
            .iter()
            .map(|item| escape(item))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn role_word(system: &AiSystem) -> String {
    system.role.map_or_else(
        || decide("the organisation's role"),
        |role| words(role.as_str()),
    )
}

fn classification_words(classification: Classification) -> &'static str {
    match classification {
        Classification::Prohibited => "prohibited practice",
        Classification::HighRisk => "high-risk",
        Classification::Transparency => "transparency duties",
        Classification::Minimal => "minimal risk",
        Classification::NotInScope => "not in scope",
        Classification::ConsequentialDecision => "consequential decisions",
        Classification::NotCovered => "not covered",
    }
}

fn state_words(item: &ObligationItem) -> String {
    match item.state {
        ObligationState::Upcoming => format!("upcoming, in {} days", item.days_until),
        ObligationState::InForce => "in force".to_string(),
        ObligationState::Overdue => {
            "in force and overdue (a supporting requirement is a gap or unknown)".to_string()
        }
        ObligationState::Stayed => "stayed".to_string(),
        ObligationState::Violation => "violation".to_string(),
    }
}

fn evidence_text(reference: &str, kind: &str, date: Option<aimsgap_catalog::Date>) -> String {
    format!(
        "{} ({}, {})",
        escape(reference),
        words(kind),
        date.map_or_else(|| "undated".to_string(), |d| d.to_string())
    )
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

/// Document control, the reading note and what the assessment records about the clause.
fn preface(doc: &mut Doc, context: &Context, document: &str, clause: &str, owner_of: &[&str]) {
    let owner = owner_of.iter().find_map(|id| {
        context.answer(id).and_then(|answer| {
            answer
                .owner
                .as_ref()
                .map(|owner| (answer.id.as_str(), owner))
        })
    });
    let owner = match owner {
        Some((id, owner)) => format!(
            "{} (proposed: the owner recorded in the assessment) {}",
            escape(owner),
            source(&[src_answer(id)])
        ),
        None => decide("document owner"),
    };
    doc.bullets(&[
        format!("Document: {document} {}", source(&[src_iso(clause)])),
        format!(
            "Organisation: {} {}",
            context.org(),
            source(&[src_org("name")])
        ),
        format!(
            "Drafted from: the assessment as of {} {}",
            context.assessment.as_of,
            source(&["assessment as_of".to_string()])
        ),
        format!("Owner: {owner}"),
        format!("Version: {}", decide("version number")),
        format!(
            "Approved by: {} on {}",
            decide("approver"),
            decide("approval date")
        ),
    ]);
    doc.para(
        "> This is a draft generated by aimsgap. Each statement ends with its source: `answer <id>` is \
         an answer in the assessment file, `ai_system <id>.<field>` a fact recorded about an AI \
         system, `organization.<field>` the organisation profile, `certification <framework>` a \
         held certification, `iso42001 <id>` a requirement of ISO/IEC 42001 as the catalog \
         summarises it, `<law> <reference>` a law obligation the assessment found, `result ...` a \
         conclusion of the assessment engine. Every **[DECIDE: ...]** marks a choice only the \
         organisation can make; resolve them all before approval.",
    );
}

/// What the assessment records today about some ISO/IEC 42001 ids: the answers and the
/// statuses the engine gave.
fn current_state(context: &Context, ids: &[&str]) -> Vec<String> {
    let mut lines = Vec::new();
    for id in ids {
        let prefix = format!("{id}.");
        let answers: Vec<&Answer> = context
            .assessment
            .answers
            .iter()
            .filter(|answer| answer.id == *id || answer.id.starts_with(&prefix))
            .collect();
        for answer in &answers {
            lines.push(answer_line(answer));
        }
        let statuses: Vec<String> = context
            .result
            .requirements
            .iter()
            .filter(|r| r.id == *id || r.id.starts_with(&prefix))
            .map(|r| format!("{} {}", escape(&r.id), words(r.status.as_str())))
            .collect();
        if answers.is_empty() {
            lines.push(format!(
                "No answer about {} is recorded {}",
                escape(id),
                source(&["assessment answers".to_string()])
            ));
        }
        if !statuses.is_empty() {
            lines.push(format!(
                "Assessed status: {} {}",
                statuses.join(", "),
                source(&[src_result(&format!("requirements {}", escape(id)))])
            ));
        }
    }
    lines
}

fn answer_line(answer: &Answer) -> String {
    let mut parts = vec![words(answer.status.as_str())];
    if let Some(maturity) = answer.maturity {
        parts.push(format!("maturity {maturity}"));
    }
    if let Some(owner) = &answer.owner {
        parts.push(format!("owner {}", escape(owner)));
    }
    let mut line = format!("Answer {}: {}", escape(&answer.id), parts.join(", "));
    if !answer.evidence.is_empty() {
        let evidence: Vec<String> = answer
            .evidence
            .iter()
            .map(|e| evidence_text(&e.reference, e.kind.as_str(), e.date))
            .collect();
        line.push_str(&format!("; evidence: {}", evidence.join("; ")));
    }
    if let Some(notes) = &answer.notes {
        line.push_str(&format!("; note: {}", escape(notes)));
    }
    if let Some(justification) = &answer.justification {
        line.push_str(&format!("; justification: {}", escape(justification)));
    }
    format!("{line} {}", source(&[src_answer(&answer.id)]))
}

fn signature_block(doc: &mut Doc, roles: &[&str]) {
    let rows: Vec<Vec<String>> = roles
        .iter()
        .map(|role| {
            vec![
                (*role).to_string(),
                decide("name"),
                decide("date"),
                String::new(),
            ]
        })
        .collect();
    doc.table(&["Role", "Name", "Date", "Signature"], &rows);
}

/// Control, title, included, status and owner of one Annex A control, as table cells.
fn control_cells(context: &Context, control: &str) -> Vec<String> {
    let title = context
        .iso_title(control)
        .unwrap_or_else(|| decide("control title"));
    match context.soa(control) {
        Some(entry) => vec![
            escape(control),
            title,
            if entry.included {
                "included"
            } else {
                "excluded"
            }
            .to_string(),
            words(entry.status.as_str()),
            entry
                .owner
                .as_deref()
                .map_or_else(|| decide("owner"), escape),
        ],
        None => vec![
            escape(control),
            title,
            "not in the SoA".to_string(),
            "-".to_string(),
            decide("owner"),
        ],
    }
}

/// One line per control: its title and what the SoA says of it.
fn control_lines(context: &Context, controls: &[&str]) -> Vec<String> {
    controls
        .iter()
        .filter_map(|id| {
            let title = context.iso_title(id)?;
            let state = match context.soa(id) {
                Some(entry) if entry.included => format!(
                    "included, status {}, owner {}",
                    words(entry.status.as_str()),
                    entry
                        .owner
                        .as_deref()
                        .map_or_else(|| decide("owner"), escape)
                ),
                Some(_) => "excluded".to_string(),
                None => "not in the SoA".to_string(),
            };
            Some(format!(
                "{id} {title}: {state} {}",
                source(&[src_result(&format!("soa {id}"))])
            ))
        })
        .collect()
}
