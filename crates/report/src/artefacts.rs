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

/// Escapes user text for Markdown: whitespace runs (newlines included) become one space,
/// control characters go, `&`, `<` and `>` become entities, the characters that carry Markdown
/// meaning inline get a backslash, and so do the markers that would start a block at the
/// beginning of the text (`-`, `+`, `=`, `1. `). The result is safe in a paragraph, a list item
/// and a table cell.
pub fn escape(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = collapsed.chars().filter(|c| !c.is_control()).collect();
    let mut out = String::with_capacity(collapsed.len() + 8);
    let mut only_digits_so_far = true;
    for (position, &ch) in chars.iter().enumerate() {
        // `1.` or `1)` followed by a space (or nothing) would start an ordered list.
        let ends_list_marker = only_digits_so_far
            && position > 0
            && chars.get(position + 1).is_none_or(|next| *next == ' ');
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '-' | '+' | '=' if position == 0 => {
                out.push('\\');
                out.push(ch);
            }
            '.' | ')' if ends_list_marker => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
        only_digits_so_far = only_digits_so_far && ch.is_ascii_digit();
    }
    out
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

impl Context<'_> {
    fn org(&self) -> String {
        escape(&self.assessment.organization.name)
    }

    /// The answer that governs an ISO/IEC 42001 id (its own, or its nearest answered parent).
    fn answer(&self, id: &str) -> Option<&Answer> {
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

// ------------------------------------------------------------------------------------ scope

fn scope(context: &Context) -> Artefact {
    let assessment = context.assessment;
    let organization = &assessment.organization;
    let title = "AIMS scope statement";
    let mut doc = Doc::new(&format!("{title}: {}", context.org()));
    preface(
        &mut doc,
        context,
        "AIMS scope statement (ISO/IEC 42001 clause 4.3)",
        "4.3",
        &["4.3"],
    );

    doc.heading("What the assessment records today");
    doc.bullets(&current_state(context, &["4.3"]));

    doc.heading("1. The organisation");
    doc.bullets(&[
        format!("Name: {} {}", context.org(), source(&[src_org("name")])),
        format!(
            "Sector: {} {}",
            escape(&organization.sector),
            source(&[src_org("sector")])
        ),
        format!(
            "Size: {} employees {}",
            organization.employees,
            source(&[src_org("employees")])
        ),
        format!(
            "Jurisdictions where it operates: {} {}",
            list_or(&organization.jurisdictions, "none recorded"),
            source(&[src_org("jurisdictions")])
        ),
        format!(
            "People working on the AIMS: {} full-time equivalents {}",
            organization.team_fte,
            source(&[src_org("team_fte")])
        ),
    ]);
    doc.para(&format!(
        "The AIMS governs how {} provides, develops or uses the AI systems listed below. \
         Intended outcomes of the AIMS: {} {}",
        context.org(),
        decide("the outcomes the AIMS must achieve, in the organisation's words"),
        source(&[src_iso("4.1"), src_iso("4.3")])
    ));

    doc.heading("2. AI systems in scope");
    if assessment.ai_systems.is_empty() {
        doc.para(&format!(
            "The assessment lists no AI system. {} {}",
            decide("the AI systems the AIMS covers"),
            source(&["assessment ai_systems".to_string()])
        ));
    } else {
        let rows: Vec<Vec<String>> = assessment
            .ai_systems
            .iter()
            .map(|system| {
                vec![
                    escape(&system.name),
                    escape(&system.id),
                    if system.description.trim().is_empty() {
                        decide("purpose of the system")
                    } else {
                        escape(&system.description)
                    },
                    list_or(&system.markets, "none recorded"),
                    source(&[
                        src_system(system, "description"),
                        src_system(system, "markets"),
                    ]),
                ]
            })
            .collect();
        doc.table(&["AI system", "Id", "Purpose", "Markets", "Source"], &rows);
        doc.para(&format!(
            "Every AI system of the inventory is proposed in scope. {} {}",
            decide("confirm the list, and name any AI system in use or in development that is missing from it"),
            source(&["assessment ai_systems".to_string(), src_iso("4.3.a")])
        ));
    }

    doc.heading("3. The organisation's role for each AI system");
    let rows: Vec<Vec<String>> = assessment
        .ai_systems
        .iter()
        .map(|system| {
            let meaning = system
                .role
                .and_then(|role| context.list_title("eu-ai-act", "roles", role.as_str()))
                .unwrap_or_else(|| decide("what the organisation does with this system"));
            let mut sources = vec![src_system(system, "role")];
            let mut meaning = meaning;
            if system.gpai_model && system.role == Some(SystemRole::Provider) {
                if let Some(gpai) = context.list_title("eu-ai-act", "roles", "gpai_provider") {
                    meaning = format!("{meaning}; also {gpai}");
                }
                sources.push(src_system(system, "gpai_model"));
            }
            sources.push("eu-ai-act roles".to_string());
            vec![
                escape(&system.name),
                role_word(system),
                meaning,
                source(&sources),
            ]
        })
        .collect();
    if !rows.is_empty() {
        doc.table(
            &["AI system", "Role", "What the role means", "Source"],
            &rows,
        );
    }

    doc.heading("4. Jurisdictions, markets and the laws that apply");
    doc.para(&format!(
        "The organisation operates in {} {}. A law reaches an AI system when the system is \
         placed on the market or used in its jurisdiction {}",
        list_or(&organization.jurisdictions, "no recorded jurisdiction"),
        source(&[src_org("jurisdictions")]),
        source(&[src_result("obligations")])
    ));
    let mut rows = Vec::new();
    for system in &assessment.ai_systems {
        for entry in context.obligations_of(system) {
            let references: Vec<String> = entry
                .items
                .iter()
                .map(|item| escape(&item.reference))
                .collect();
            let first = entry.items.iter().map(|item| item.applies_from).min();
            rows.push(vec![
                escape(&system.name),
                context.framework_name(&entry.law),
                classification_words(entry.classification).to_string(),
                if references.is_empty() {
                    format!(
                        "none: {}",
                        list_or(&entry.reasons, "no obligation binds it")
                    )
                } else {
                    format!("{}: {}", references.len(), references.join(", "))
                },
                first.map_or_else(|| "-".to_string(), |date| date.to_string()),
                source(&[
                    src_result(&format!(
                        "obligations {} {}",
                        escape(&system.id),
                        escape(&entry.law)
                    )),
                    src_system(system, "markets"),
                ]),
            ]);
        }
    }
    if rows.is_empty() {
        doc.para(&format!(
            "The assessment found no law obligation for the AI systems {}",
            source(&[src_result("obligations")])
        ));
    } else {
        doc.table(
            &[
                "AI system",
                "Law",
                "Classification",
                "Obligations found",
                "Earliest date",
                "Source",
            ],
            &rows,
        );
        doc.para("Each AI system's impact assessment lists these obligations with their dates and state.");
    }

    doc.heading("5. Boundaries");
    let mut stages = Vec::new();
    if assessment.ai_systems.iter().any(|s| {
        matches!(
            s.role,
            Some(SystemRole::Provider | SystemRole::ProductManufacturer)
        )
    }) {
        stages.push("design and development, verification and validation, release");
    }
    if !assessment.ai_systems.is_empty() {
        stages.push("deployment, operation and monitoring, change, retirement");
    }
    if assessment.ai_systems.iter().any(|s| {
        matches!(
            s.role,
            Some(SystemRole::Deployer | SystemRole::Importer | SystemRole::Distributor)
        )
    }) {
        stages.push("procurement and supplier oversight");
    }
    doc.bullets(&[
        format!(
            "Organisational units and teams in scope: {} {}",
            decide("units, teams and functions"),
            source(&[src_iso("4.3.a")])
        ),
        format!(
            "Sites and locations in scope: {} {}",
            decide("sites, including remote work and cloud regions"),
            source(&[src_iso("4.3.a")])
        ),
        format!(
            "AI system life-cycle stages in scope (proposed from the roles above): {}. {} {}",
            if stages.is_empty() {
                "none proposed".to_string()
            } else {
                stages.join("; ")
            },
            decide("confirm the stages"),
            source(&["ai_system roles".to_string(), src_iso("4.3.a")])
        ),
    ]);

    doc.heading("6. Interfaces and dependencies");
    doc.subheading("Existing management systems");
    if assessment.certifications.is_empty() {
        doc.para(&format!(
            "No certification or attestation is recorded, so the AIMS builds its own management \
             processes {}",
            source(&["assessment certifications".to_string()])
        ));
    }
    for certification in &assessment.certifications {
        reuse_section(&mut doc, context, certification);
    }
    doc.subheading("Other dependencies");
    let mut dependencies = vec![format!(
        "Internal functions the AIMS relies on (privacy, legal, procurement, HR, IT operations): {} {}",
        decide("the functions and how they interface with the AIMS"),
        source(&[src_iso("4.3.a")])
    )];
    for system in &assessment.ai_systems {
        if matches!(
            system.role,
            Some(SystemRole::Deployer | SystemRole::Importer | SystemRole::Distributor)
        ) {
            dependencies.push(format!(
                "{}: the organisation depends on the provider of the system for its instructions for use, updates and documentation. Provider: {} {}",
                escape(&system.name),
                decide("provider and contract"),
                source(&[src_system(system, "role")])
            ));
        } else {
            dependencies.push(format!(
                "{}: third-party models, data sets, tools and services the system is built on: {} {}",
                escape(&system.name),
                decide("suppliers and components"),
                source(&[src_system(system, "description"), src_iso("A.10.3")])
            ));
        }
    }
    doc.bullets(&dependencies);

    doc.heading("7. Exclusions");
    doc.para(&format!(
        "Clauses 4 to 10 of ISO/IEC 42001 cannot be excluded; Annex A controls can, with a \
         justification {}",
        source(&[src_iso("6.1.3")])
    ));
    let exclusions: Vec<String> = context
        .result
        .soa
        .iter()
        .filter(|entry| !entry.included)
        .map(|entry| exclusion_line(context, entry))
        .collect();
    if exclusions.is_empty() {
        doc.para(&format!(
            "No Annex A control is excluded {}",
            source(&[src_result("soa")])
        ));
    } else {
        doc.bullets(&exclusions);
    }
    doc.para(&format!(
        "Activities, products or locations left out of the AIMS, and why: {} {}",
        decide("any exclusion from the scope and its justification"),
        source(&[src_iso("4.3.a")])
    ));

    doc.heading("8. Interested parties and their requirements");
    doc.bullets(&current_state(context, &["4.2"]));
    let rows = interested_parties(context);
    doc.table(
        &[
            "Interested party",
            "Why they are relevant",
            "Their requirements",
            "Addressed through the AIMS",
            "Source",
        ],
        &rows,
    );

    doc.heading("Approval");
    signature_block(&mut doc, &["Prepared by", "Approved by (top management)"]);

    Artefact {
        file_name: "aims-scope.md".to_string(),
        title: title.to_string(),
        markdown: doc.finish(),
    }
}

fn exclusion_line(context: &Context, entry: &SoaEntry) -> String {
    let mut sources = Vec::new();
    if let Some(answer) = context.answer(&entry.control) {
        sources.push(src_answer(&answer.id));
    }
    sources.push(src_result(&format!("soa {}", escape(&entry.control))));
    let justification = if entry.justification.trim().is_empty() {
        decide("justification")
    } else {
        escape(&entry.justification)
    };
    format!(
        "{} {}: excluded. Justification: {} {}",
        escape(&entry.control),
        escape(&entry.title),
        justification,
        source(&sources)
    )
}

/// What a held certification lends the AIMS: the ISO/IEC 42001 requirements its crosswalk
/// credits, grouped by clause and Annex A objective, with the certification's controls behind.
fn reuse_section(doc: &mut Doc, context: &Context, certification: &Certification) {
    let framework = escape(&certification.framework);
    let cert_source = format!("certification {framework}");
    let valid = certification.valid_until.map_or_else(
        || "no end date recorded".to_string(),
        |d| format!("valid until {d}"),
    );
    doc.para(&format!(
        "**{}**: {}, {}, AI systems {} the certified scope {}",
        context.framework_name(&certification.framework),
        words(certification.status.as_str()),
        valid,
        if certification.scope_covers_ai {
            "inside"
        } else {
            "outside"
        },
        source(std::slice::from_ref(&cert_source))
    ));
    let in_force = certification.status != CertificationStatus::Expired
        && certification
            .valid_until
            .is_none_or(|until| until >= context.assessment.as_of);
    if !in_force {
        doc.para(&format!(
            "It is not in force on {}, so nothing is reused from it until it is renewed {}",
            context.assessment.as_of,
            source(&[cert_source])
        ));
        return;
    }
    let (Some(iso), Some(crosswalk)) = (
        context.iso,
        context.catalog.crosswalk(&certification.framework, TARGET),
    ) else {
        doc.para(&format!(
            "aimsgap has no crosswalk from this framework to ISO/IEC 42001; what it lends the \
             AIMS: {} {}",
            decide("the processes reused"),
            source(&[cert_source])
        ));
        return;
    };
    let alone = Assessment {
        certifications: vec![certification.clone()],
        answers: Vec::new(),
        ..context.assessment.clone()
    };
    let excluded_sources: Vec<&str> = certification
        .controls
        .iter()
        .filter(|(_, status)| {
            matches!(
                status,
                ControlStatus::NotImplemented | ControlStatus::NotApplicable
            )
        })
        .map(|(id, _)| id.as_str())
        .collect();
    let mut rows = Vec::new();
    for group in iso.groups() {
        let mut credited = Vec::new();
        let mut through: Vec<&str> = Vec::new();
        for requirement in iso.assessable() {
            if iso.group_of(&requirement.id) != group.id {
                continue;
            }
            let (credit, _) = inherited_credit(context.catalog, &alone, &requirement.id);
            if credit.hi <= 0.0 {
                continue;
            }
            credited.push(escape(&requirement.id));
            for edge in crosswalk.edges_to(&requirement.id) {
                if edge.rel != Relationship::NoRelationship
                    && !excluded_sources.contains(&edge.from.as_str())
                    && !through.contains(&edge.from.as_str())
                {
                    through.push(edge.from.as_str());
                }
            }
        }
        if credited.is_empty() {
            continue;
        }
        let through: Vec<String> = through.iter().map(|id| escape(id)).collect();
        rows.push(vec![
            format!("{} {}", escape(&group.id), escape(&group.title)),
            credited.join(", "),
            capped(through, 8).join(", "),
        ]);
    }
    if rows.is_empty() {
        doc.para(&format!(
            "Its crosswalk gives no ISO/IEC 42001 requirement any credit {}",
            source(&[cert_source, format!("crosswalk {framework}-iso42001")])
        ));
        return;
    }
    doc.para(&format!(
        "What the AIMS can reuse from it: the processes behind these ISO/IEC 42001 requirements \
         carry over and need the AI systems added to them {}",
        source(&[
            cert_source.clone(),
            format!("crosswalk {framework}-iso42001")
        ])
    ));
    doc.table(
        &[
            "ISO/IEC 42001 clause or objective",
            "Requirements that inherit credit",
            "Through these controls of the certification",
        ],
        &rows,
    );
    let mut notes = Vec::new();
    if !certification.scope_covers_ai {
        notes.push(format!(
            "The certified scope does not cover the AI systems: the reused processes must be \
             extended to them before they count in full {}",
            source(&[format!("certification {framework}.scope_covers_ai")])
        ));
    }
    notes.push(format!(
        "Which of these processes the AIMS adopts as they are, which it extends, and who owns \
         the interface between the two management systems: {} {}",
        decide("the integration of the management systems"),
        source(&[cert_source, src_iso("4.4")])
    ));
    doc.bullets(&notes);
}

fn interested_parties(context: &Context) -> Vec<Vec<String>> {
    let systems = &context.assessment.ai_systems;
    let names = |filter: &dyn Fn(&AiSystem) -> bool| -> String {
        systems
            .iter()
            .filter(|s| filter(s))
            .map(|s| escape(&s.name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sources_of = |filter: &dyn Fn(&AiSystem) -> bool, field: &str| -> Vec<String> {
        systems
            .iter()
            .filter(|s| filter(s))
            .map(|s| src_system(s, field))
            .collect()
    };
    let open = || {
        vec![
            decide("their requirements"),
            decide("which of them the AIMS addresses"),
        ]
    };
    let mut rows = Vec::new();
    let mut push = |party: String, why: String, sources: Vec<String>| {
        let mut row = vec![party, why];
        row.extend(open());
        row.push(source(&sources));
        rows.push(row);
    };
    push(
        "Top management and owners".to_string(),
        "set the direction of the AIMS and accept residual AI risk".to_string(),
        vec![src_iso("5.1")],
    );
    let provides = |s: &AiSystem| {
        matches!(
            s.role,
            Some(SystemRole::Provider | SystemRole::ProductManufacturer)
        )
    };
    if systems.iter().any(provides) {
        push(
            "Customers and users of the AI systems provided".to_string(),
            format!("they receive or operate {}", names(&provides)),
            sources_of(&provides, "role"),
        );
    }
    let deploys = |s: &AiSystem| {
        matches!(
            s.role,
            Some(SystemRole::Deployer | SystemRole::Importer | SystemRole::Distributor)
        )
    };
    if systems.iter().any(deploys) {
        push(
            "Providers of the AI systems deployed or distributed".to_string(),
            format!("they supply {}", names(&deploys)),
            sources_of(&deploys, "role"),
        );
    }
    let affects = |s: &AiSystem| {
        s.interacts_with_natural_persons
            || s.annex_iii_area.is_some()
            || s.annex_i_product.is_some()
            || !s.consequential_decisions.is_empty()
            || s.emotion_recognition
            || s.biometric_categorisation
    };
    if systems.iter().any(affects) {
        push(
            "People who interact with the AI systems or are affected by their outputs".to_string(),
            format!(
                "their safety, rights or opportunities depend on {}",
                names(&affects)
            ),
            systems
                .iter()
                .filter(|s| affects(s))
                .map(src_system_id)
                .collect(),
        );
    }
    let gpai = |s: &AiSystem| s.gpai_model;
    if systems.iter().any(gpai) {
        push(
            "Downstream providers that build on the general-purpose AI model".to_string(),
            format!("they integrate {}", names(&gpai)),
            sources_of(&gpai, "gpai_model"),
        );
    }
    push(
        "Staff, contractors and their representatives".to_string(),
        "they build, operate or oversee the AI systems and need the competence to do so"
            .to_string(),
        vec![src_iso("7.2"), src_iso("A.4.6")],
    );
    push(
        "Suppliers of data, models, tools and computing".to_string(),
        "the AI systems depend on what they deliver".to_string(),
        vec![src_iso("A.10.3")],
    );
    let mut laws: Vec<&str> = Vec::new();
    for entry in &context.result.obligations {
        if !entry.items.is_empty() && !laws.contains(&entry.law.as_str()) {
            laws.push(entry.law.as_str());
        }
    }
    for law in laws {
        push(
            format!("Authorities enforcing {}", context.framework_name(law)),
            "the assessment found obligations of this law for the AI systems".to_string(),
            vec![src_result(&format!("obligations {}", escape(law)))],
        );
    }
    push(
        "Certification body".to_string(),
        "audits the AIMS against ISO/IEC 42001".to_string(),
        vec![src_iso("4.2")],
    );
    push(
        decide("other interested parties"),
        decide("why they are relevant"),
        vec![src_iso("4.2")],
    );
    rows
}

// ----------------------------------------------------------------------------------- policy

/// The systems for which a fact holds, as names and source entries.
fn systems_with(
    context: &Context,
    field: &str,
    holds: &dyn Fn(&AiSystem) -> bool,
) -> (Vec<String>, Vec<String>) {
    let systems: Vec<&AiSystem> = context
        .assessment
        .ai_systems
        .iter()
        .filter(|s| holds(s))
        .collect();
    (
        systems.iter().map(|s| escape(&s.name)).collect(),
        systems.iter().map(|s| src_system(s, field)).collect(),
    )
}

fn policy(context: &Context) -> Artefact {
    let assessment = context.assessment;
    let organization = &assessment.organization;
    let title = "AI policy";
    let mut doc = Doc::new(&format!("{title}: {}", context.org()));
    preface(
        &mut doc,
        context,
        "AI policy (ISO/IEC 42001 clause 5.2 and control A.2.2)",
        "5.2",
        &["5.2", "A.2.2"],
    );
    doc.heading("What the assessment records today");
    doc.bullets(&current_state(context, &["5.2", "A.2"]));

    doc.heading("1. Purpose");
    let roles: Vec<String> = assessment
        .ai_systems
        .iter()
        .map(|s| format!("{} as {}", escape(&s.name), role_word(s)))
        .collect();
    doc.para(&format!(
        "{} (sector: {}, {} employees) works with AI as follows: {} {}. This policy sets the \
         direction for that work and the principles it follows {}",
        context.org(),
        escape(&organization.sector),
        organization.employees,
        if roles.is_empty() {
            decide("the organisation's AI activities")
        } else {
            roles.join("; ")
        },
        source(&[
            src_org("sector"),
            src_org("employees"),
            "ai_system roles".to_string()
        ]),
        source(&[src_iso("5.2.a")])
    ));
    doc.para(&format!(
        "Why AI matters to the organisation's purpose and strategy, and how much AI risk it is \
         prepared to accept: {} {}",
        decide("business purpose and risk appetite"),
        source(&[src_iso("5.2.a"), src_iso("6.1.1")])
    ));

    doc.heading("2. Scope");
    doc.para(&format!(
        "The policy applies to every AI system within the scope of the AIMS (see the AIMS \
         scope statement, aims-scope.md) and to everyone who develops, provides, operates or \
         oversees them, staff and contractors alike. Exceptions: {} {}",
        decide("exceptions, if any"),
        source(&[src_iso("4.3"), src_iso("5.2")])
    ));

    doc.heading("3. Principles for responsible development and use");
    doc.para("Each principle names the AI systems it concerns and the Annex A controls that put it into practice.");
    doc.bullets(&principles(context));
    doc.para(&format!(
        "Further principles the organisation holds (for example on sustainability or on \
         acceptable use by staff of public AI tools): {} {}",
        decide("additional principles"),
        source(&[src_iso("A.2.2")])
    ));

    doc.heading("4. Framework for setting AI objectives");
    let mut objectives = vec![format!(
        "AI objectives are set each year by {} for the relevant functions, are measurable where \
         practical, follow this policy, and are monitored and reported to top management {}",
        decide("who sets the AI objectives"),
        source(&[src_iso("5.2.b"), src_iso("6.2")])
    )];
    for (law, date, number, systems) in upcoming_dates(context) {
        objectives.push(format!(
            "Candidate objective: meet the {} of {} that apply to {} from {date}. Target and measure: {} {}",
            count(number, "obligation"),
            context.framework_name(&law),
            systems.join(", "),
            decide("adopt, adapt or drop; target and measure"),
            source(&[src_result(&format!("obligations {}", escape(&law)))])
        ));
    }
    objectives.push(format!(
        "Candidate objective: close the certification blockers of the gap assessment before the \
         Stage 1 audit planned for {}. Target and measure: {} {}",
        context.result.roadmap.stage1_date,
        decide("adopt, adapt or drop; target and measure"),
        source(&[src_result("roadmap stage1_date"), src_result("gaps")])
    ));
    doc.bullets(&objectives);

    doc.heading("5. Commitment to applicable requirements");
    let mut commitments = vec![format!(
        "{} commits to meet the requirements that apply to its AI systems, including those of \
         ISO/IEC 42001 for the AIMS {}",
        context.org(),
        source(&[src_iso("5.2.c")])
    )];
    for (law, systems) in binding_laws(context) {
        commitments.push(format!(
            "{}: applies to {} {}",
            context.framework_name(&law),
            systems.join(", "),
            source(&[src_result(&format!("obligations {}", escape(&law)))])
        ));
    }
    commitments.push(format!(
        "Other legal, contractual and sector requirements (data protection, consumer, \
         employment, product-safety law; customer contracts): {} {}",
        decide("list them"),
        source(&[src_iso("4.2"), src_iso("5.2.c")])
    ));
    doc.bullets(&commitments);

    doc.heading("6. Commitment to continual improvement");
    doc.para(&format!(
        "{} commits to improve the suitability, adequacy and effectiveness of the AIMS \
         continually, using the results of monitoring, internal audits, management reviews, \
         incidents and the concerns people report {}",
        context.org(),
        source(&[src_iso("5.2.d"), src_iso("10.1")])
    ));

    doc.heading("7. Roles and responsibilities");
    let mut responsibilities = current_state(context, &["5.3"]);
    responsibilities.push(format!(
        "Owner of this policy and of the AIMS: {}; owner of each AI system: {} {}",
        decide("name and role"),
        decide("a named owner per AI system"),
        source(&[src_iso("5.3"), src_iso("A.3.2")])
    ));
    doc.bullets(&responsibilities);

    doc.heading("8. Communication and availability");
    doc.bullets(&[
        format!(
            "The policy is kept as documented information in {} {}",
            decide("document repository"),
            source(&[src_iso("5.2.e")])
        ),
        format!(
            "It is communicated to staff and contractors through {} {}",
            decide("channels: intranet, induction, acknowledgement"),
            source(&[src_iso("5.2.f")])
        ),
        format!(
            "It is made available to interested parties as follows: {} {}",
            decide("published on the website, on request, or not at all"),
            source(&[src_iso("5.2.g")])
        ),
    ]);

    doc.heading("9. Alignment with other policies");
    let mut aligned = Vec::new();
    for certification in &assessment.certifications {
        aligned.push(format!(
            "The policies of the management system behind {} (information security, supplier \
             and incident management): this policy relies on them for the security of AI \
             systems and data {}",
            context.framework_name(&certification.framework),
            source(&[format!(
                "certification {}",
                escape(&certification.framework)
            )])
        ));
    }
    aligned.push(format!(
        "Other policies AI touches (data protection, quality, procurement, HR, ethics, model \
         risk) and where they need changes: {} {}",
        decide("list the policies and the changes"),
        source(&[src_iso("A.2.3")])
    ));
    doc.bullets(&aligned);

    doc.heading("10. Review");
    let mut triggers = vec![
        format!(
            "The policy is reviewed at least every {} and after each management review {}",
            decide("interval, for example 12 months"),
            source(&[src_iso("A.2.4"), src_iso("9.3")])
        ),
        format!(
            "It is also reviewed when the organisation takes on a new AI system or a new role for \
             one, enters a new market, or has a serious AI incident {}",
            source(&[src_iso("A.2.4")])
        ),
    ];
    for (law, date, number, systems) in upcoming_dates(context) {
        triggers.push(format!(
            "Review before {date}, when {} of {} begin to apply to {} {}",
            count(number, "obligation"),
            context.framework_name(&law),
            systems.join(", "),
            source(&[src_result(&format!("obligations {}", escape(&law)))])
        ));
    }
    doc.bullets(&triggers);

    doc.heading("Approval");
    signature_block(&mut doc, &["Approved by (top management)"]);

    Artefact {
        file_name: "ai-policy.md".to_string(),
        title: title.to_string(),
        markdown: doc.finish(),
    }
}

/// The laws with at least one obligation, in the result's order, with the systems they bind.
fn binding_laws(context: &Context) -> Vec<(String, Vec<String>)> {
    let mut laws: Vec<(String, Vec<String>)> = Vec::new();
    for entry in &context.result.obligations {
        if entry.items.is_empty() {
            continue;
        }
        let name = escape(&entry.system_name);
        match laws.iter_mut().find(|(law, _)| *law == entry.law) {
            Some((_, systems)) => {
                if !systems.contains(&name) {
                    systems.push(name);
                }
            }
            None => laws.push((entry.law.clone(), vec![name])),
        }
    }
    laws
}

/// The dates after the as-of date on which obligations begin to apply, per law and date:
/// (law, date, number of obligations, systems).
fn upcoming_dates(context: &Context) -> Vec<(String, aimsgap_catalog::Date, usize, Vec<String>)> {
    let mut dates: Vec<(String, aimsgap_catalog::Date, usize, Vec<String>)> = Vec::new();
    for entry in &context.result.obligations {
        for item in &entry.items {
            if item.state != ObligationState::Upcoming {
                continue;
            }
            let name = escape(&entry.system_name);
            match dates
                .iter_mut()
                .find(|(law, date, _, _)| *law == entry.law && *date == item.applies_from)
            {
                Some((_, _, count, systems)) => {
                    *count += 1;
                    if !systems.contains(&name) {
                        systems.push(name);
                    }
                }
                None => dates.push((entry.law.clone(), item.applies_from, 1, vec![name])),
            }
        }
    }
    dates.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    dates
}

fn principles(context: &Context) -> Vec<String> {
    let mut lines = Vec::new();
    let mut principle =
        |text: &str, controls: &[&str], systems: (Vec<String>, Vec<String>), extra: Vec<String>| {
            let (names, mut sources) = systems;
            if names.is_empty() && sources.is_empty() && extra.is_empty() {
                return;
            }
            sources.extend(extra);
            sources.extend(controls.iter().map(|c| src_iso(c)));
            let concerns = if names.is_empty() {
                String::new()
            } else {
                format!(" Concerns: {}.", names.join(", "))
            };
            lines.push(format!(
                "{text} Controls: {}.{concerns} {}",
                controls.join(", "),
                source(&sources)
            ));
        };
    let every = |_: &AiSystem| true;
    let all = systems_with(context, "role", &every);
    let nothing = (Vec::new(), Vec::new());
    principle(
        "**Accountability.** Every AI system has a named owner, and responsibilities along its \
         life cycle are assigned.",
        &["A.3.2", "A.10.2"],
        all.clone(),
        Vec::new(),
    );
    principle(
        "**Human oversight.** People with the competence and authority to do so oversee AI \
         outputs in proportion to their impact, and can stop or override them.",
        &["A.9.2", "A.4.6"],
        all.clone(),
        Vec::new(),
    );
    principle(
        "**Fairness.** AI systems are assessed for impacts on individuals, groups and society \
         before use and on change, and unfair outcomes are treated.",
        &["A.5.2", "A.5.4", "A.5.5"],
        all.clone(),
        Vec::new(),
    );
    principle(
        "**Security and privacy.** AI systems and their data are protected like other \
         information assets, and personal data is processed lawfully.",
        &["A.7.3", "A.6.2.8"],
        all.clone(),
        Vec::new(),
    );
    principle(
        "**Speaking up.** Anyone can report a concern about an AI system without fear of \
         retaliation.",
        &["A.3.3"],
        nothing.clone(),
        vec![src_iso("A.3.3")],
    );
    let provides = |s: &AiSystem| {
        matches!(
            s.role,
            Some(SystemRole::Provider | SystemRole::ProductManufacturer)
        )
    };
    principle(
        "**Responsible development (as provider).** Systems are specified, designed, verified \
         and validated against documented objectives before release, with data of known \
         quality and provenance, and users get the information they need.",
        &["A.6.1.2", "A.6.2.4", "A.7.4", "A.7.5", "A.8.2"],
        systems_with(context, "role", &provides),
        Vec::new(),
    );
    let deploys = |s: &AiSystem| s.role == Some(SystemRole::Deployer);
    principle(
        "**Responsible use (as deployer).** Systems are used only for their intended purpose \
         and under the provider's instructions, their operation is monitored, and their \
         providers are held to agreed requirements.",
        &["A.9.4", "A.6.2.6", "A.10.3"],
        systems_with(context, "role", &deploys),
        Vec::new(),
    );
    let passes_on =
        |s: &AiSystem| matches!(s.role, Some(SystemRole::Importer | SystemRole::Distributor));
    principle(
        "**Checking before passing on (as importer or distributor).** The conformity and \
         documentation of a system are verified before it is made available.",
        &["A.10.2", "A.10.3"],
        systems_with(context, "role", &passes_on),
        Vec::new(),
    );
    let gpai = |s: &AiSystem| s.gpai_model;
    principle(
        "**Openness to downstream providers.** The general-purpose model comes with the \
         documentation and the terms that let others integrate it responsibly and respect \
         copyright.",
        &["A.6.2.7", "A.8.2", "A.10.4"],
        systems_with(context, "gpai_model", &gpai),
        Vec::new(),
    );
    let interacts = |s: &AiSystem| s.interacts_with_natural_persons;
    let mut interact_laws = Vec::new();
    for system in context
        .assessment
        .ai_systems
        .iter()
        .filter(|s| interacts(s))
    {
        interact_laws.extend(context.triggered(system, &|o| {
            o.trigger == Some(Trigger::InteractsWithNaturalPersons)
        }));
    }
    principle(
        "**Telling people.** People are told when they interact with an AI system, unless it \
         is obvious.",
        &["A.8.2"],
        systems_with(context, "interacts_with_natural_persons", &interacts),
        dedup(interact_laws),
    );
    let synthetic = |s: &AiSystem| s.generates_synthetic_content;
    let mut synthetic_laws = Vec::new();
    for system in context
        .assessment
        .ai_systems
        .iter()
        .filter(|s| synthetic(s))
    {
        synthetic_laws.extend(context.triggered(system, &|o| {
            matches!(
                o.trigger,
                Some(Trigger::GeneratesSyntheticContent | Trigger::DeepFake)
            )
        }));
    }
    principle(
        "**Marking synthetic content.** Generated content is marked as such, and safeguards \
         keep the systems from producing unlawful content.",
        &["A.8.2", "A.6.2.2"],
        systems_with(context, "generates_synthetic_content", &synthetic),
        dedup(synthetic_laws),
    );
    let consequential = |s: &AiSystem| {
        (s.annex_iii_area.is_some() && !s.art_6_3_exemption)
            || !s.consequential_decisions.is_empty()
    };
    principle(
        "**Decisions about people.** Where an AI system contributes to decisions that matter to \
         people, its impacts are assessed before use, affected people are informed, adverse \
         outcomes are explained, and a human review is available.",
        &["A.5.2", "A.5.4", "A.8.5", "A.9.2"],
        systems_with(context, "consequential_decisions", &consequential),
        Vec::new(),
    );
    let eu_prohibitions = context.result.obligations.iter().any(|entry| {
        entry.law == "eu-ai-act" && entry.classification != Classification::NotInScope
    });
    if eu_prohibitions {
        principle(
            "**No prohibited practice.** The organisation neither develops nor uses AI practices \
             the law prohibits.",
            &["A.9.4"],
            nothing,
            vec!["eu-ai-act Art. 5".to_string()],
        );
    }
    for system in &context.assessment.ai_systems {
        if let Some(practice) = &system.prohibited_practice {
            lines.push(format!(
                "{} is recorded as the prohibited practice {}: {} {}",
                escape(&system.name),
                escape(practice),
                decide("withdraw the system or show why the prohibition does not apply"),
                source(&[src_system(system, "prohibited_practice")])
            ));
        }
    }
    lines
}

fn dedup(entries: Vec<String>) -> Vec<String> {
    let mut unique: Vec<String> = Vec::new();
    for entry in entries {
        if !unique.contains(&entry) {
            unique.push(entry);
        }
    }
    unique
}

// ---------------------------------------------------------------------------- risk method

const LIKELIHOOD: [(&str, &str); 5] = [
    (
        "1 Rare",
        "not expected over the life of the system; no known occurrence here or elsewhere",
    ),
    (
        "2 Unlikely",
        "could happen, has happened elsewhere with similar systems",
    ),
    ("3 Possible", "expected once in several years of operation"),
    ("4 Likely", "expected about once a year"),
    (
        "5 Almost certain",
        "expected several times a year, or already happening",
    ),
];

const CONSEQUENCE_ORGANISATION: [(&str, &str); 5] = [
    (
        "1 Negligible",
        "no measurable loss; handled in normal operations",
    ),
    ("2 Minor", "small financial loss or rework; local complaint"),
    (
        "3 Moderate",
        "noticeable loss; a contractual breach; a regulator enquiry",
    ),
    (
        "4 Major",
        "significant loss; a fine or a suspended product; national press",
    ),
    (
        "5 Severe",
        "a threat to the business or its licence to operate",
    ),
];

const CONSEQUENCE_INDIVIDUALS: [(&str, &str); 5] = [
    ("1 Negligible", "inconvenience, corrected at once"),
    ("2 Minor", "a reversible disadvantage, corrected on request"),
    (
        "3 Moderate",
        "a wrongful decision or a privacy intrusion that takes effort to reverse",
    ),
    (
        "4 Major",
        "lasting harm to rights, finances, health or opportunities of a person or a group",
    ),
    (
        "5 Severe",
        "irreversible harm, injury or death, or systematic discrimination of a group",
    ),
];

const CONSEQUENCE_SOCIETIES: [(&str, &str); 5] = [
    (
        "1 Negligible",
        "no effect beyond the people directly involved",
    ),
    (
        "2 Minor",
        "a limited effect on a community, quickly absorbed",
    ),
    (
        "3 Moderate",
        "a noticeable effect on trust, information or the environment in a region or sector",
    ),
    (
        "4 Major",
        "a widespread effect on public services, democratic processes or the environment",
    ),
    (
        "5 Severe",
        "a lasting, large-scale effect on society or critical infrastructure",
    ),
];

fn scale_rows(scale: &[(&str, &str)]) -> Vec<Vec<String>> {
    scale
        .iter()
        .map(|(level, text)| vec![(*level).to_string(), (*text).to_string()])
        .collect()
}

fn risk_level(score: u32) -> &'static str {
    match score {
        0..=4 => "Low",
        5..=9 => "Medium",
        10..=16 => "High",
        _ => "Very high",
    }
}

fn risk_method(context: &Context) -> Artefact {
    let assessment = context.assessment;
    let title = "AI risk assessment method";
    let mut doc = Doc::new(&format!("{title}: {}", context.org()));
    preface(
        &mut doc,
        context,
        "AI risk assessment method (ISO/IEC 42001 clauses 6.1.1, 6.1.2 and 8.2)",
        "6.1.2",
        &["6.1.2", "6.1"],
    );
    doc.heading("What the assessment records today");
    doc.bullets(&current_state(context, &["6.1.1", "6.1.2"]));

    doc.heading("1. Purpose and scope");
    let names: Vec<String> = assessment
        .ai_systems
        .iter()
        .map(|s| escape(&s.name))
        .collect();
    doc.para(&format!(
        "This method is how {} identifies, analyses and evaluates the risks of its AI systems \
         ({}), in line with the AI policy and the AI objectives. It gives consistent, \
         comparable results because every assessment uses the scales and criteria below {}",
        context.org(),
        if names.is_empty() {
            decide("the AI systems in scope")
        } else {
            names.join(", ")
        },
        source(&[
            "assessment ai_systems".to_string(),
            src_iso("6.1.2.a"),
            src_iso("6.1.2.b")
        ])
    ));
    let base: Vec<String> = assessment
        .certifications
        .iter()
        .filter(|c| c.framework == "iso27001" || c.framework == "soc2")
        .map(|c| {
            format!(
                "The method extends the existing risk method of the {} programme with harms to \
                 individuals and societies. Whether the two registers merge: {} {}",
                context.framework_name(&c.framework),
                decide("one register or two"),
                source(&[format!("certification {}", escape(&c.framework))])
            )
        })
        .collect();
    doc.bullets(&base);

    doc.heading("2. When risks are assessed");
    doc.bullets(&[
        format!(
            "At planned intervals: {} {}",
            decide("interval, for example every 12 months"),
            source(&[src_iso("8.2")])
        ),
        format!(
            "Before a new AI system is introduced, and when a system, its data, its use or its \
             legal context changes significantly {}",
            source(&[src_iso("8.2")])
        ),
        format!(
            "After an incident, a serious complaint or a finding of an audit {}",
            source(&[src_iso("10.2")])
        ),
    ]);

    doc.heading("3. Risk criteria");
    doc.para(&format!(
        "A risk is judged by its likelihood and its worst consequence for the organisation, for \
         individuals or groups, and for societies. The organisation's risk appetite, the \
         criteria that distinguish acceptable from unacceptable AI risk: {} {}",
        decide("risk appetite statement"),
        source(&[src_iso("6.1.1"), src_iso("6.1.2.d")])
    ));

    doc.heading("4. Consequence scales");
    doc.para(&format!(
        "The descriptions below are a starting point. Thresholds that make them concrete (amounts \
         of money, numbers of people affected, time to recover): {} {}",
        decide("calibrate the consequence scales"),
        source(&[src_iso("6.1.2.d")])
    ));
    doc.subheading("For the organisation");
    doc.table(
        &["Level", "Description"],
        &scale_rows(&CONSEQUENCE_ORGANISATION),
    );
    doc.subheading("For individuals and groups of individuals");
    doc.table(
        &["Level", "Description"],
        &scale_rows(&CONSEQUENCE_INDIVIDUALS),
    );
    doc.subheading("For societies");
    doc.table(
        &["Level", "Description"],
        &scale_rows(&CONSEQUENCE_SOCIETIES),
    );

    doc.heading("5. Likelihood scale");
    doc.para(&format!(
        "How often the risk is expected to materialise, given the controls in place. Frequencies \
         that fit the organisation's volumes: {} {}",
        decide("calibrate the likelihood scale"),
        source(&[src_iso("6.1.2.d")])
    ));
    doc.table(&["Level", "Description"], &scale_rows(&LIKELIHOOD));

    doc.heading("6. Risk level");
    doc.para(&format!(
        "The risk score is the likelihood multiplied by the highest of the three consequences \
         (1 to 25). Scores map to levels: 1 to 4 Low, 5 to 9 Medium, 10 to 16 High, 20 to 25 \
         Very high. Bands: {} {}",
        decide("confirm the bands"),
        source(&[src_iso("6.1.2.d")])
    ));
    let mut matrix = Vec::new();
    for likelihood in (1u32..=5).rev() {
        let mut row = vec![format!("Likelihood {likelihood}")];
        for consequence in 1u32..=5 {
            let score = likelihood * consequence;
            row.push(format!("{score} {}", risk_level(score)));
        }
        matrix.push(row);
    }
    doc.table(
        &[
            "",
            "Consequence 1",
            "Consequence 2",
            "Consequence 3",
            "Consequence 4",
            "Consequence 5",
        ],
        &matrix,
    );

    doc.heading("7. Acceptance criteria");
    doc.para(&format!(
        "Who may accept a risk, and what a level demands. A risk of breaching a legal obligation \
         or of a prohibited practice is never accepted, whatever its level. Roles and \
         levels: {} {}",
        decide("confirm who may accept each level"),
        source(&[src_iso("6.1.1"), src_iso("6.1.3")])
    ));
    doc.table(
        &["Level", "Action", "May accept the residual risk"],
        &[
            vec![
                "Low".to_string(),
                "accept and monitor".to_string(),
                "the AI system owner".to_string(),
            ],
            vec![
                "Medium".to_string(),
                "treat where it is cheap to do so; otherwise accept and monitor".to_string(),
                "the AIMS owner".to_string(),
            ],
            vec![
                "High".to_string(),
                "treat; accept only with a dated plan".to_string(),
                "top management".to_string(),
            ],
            vec![
                "Very high".to_string(),
                "not acceptable: treat before use, or stop".to_string(),
                "nobody".to_string(),
            ],
        ],
    );

    doc.heading("8. Identifying risks");
    let mut identification = vec![
        format!(
            "The facts of each AI system (interaction with people, synthetic content, use in a \
             high-risk area, decisions about people, general-purpose models) seed the risk \
             register, ai-risk-register.md {}",
            source(&["assessment ai_systems".to_string(), src_iso("6.1.2.c")])
        ),
        format!(
            "The AI system impact assessments feed the risks to individuals and societies into \
             the register {}",
            source(&[src_iso("6.1.4"), src_iso("6.1.2.d")])
        ),
        format!(
            "Monitoring results, incidents, reported concerns and changes in the law add risks \
             as they arise {}",
            source(&[src_iso("A.6.2.6"), src_iso("A.3.3")])
        ),
    ];
    if assessment
        .ai_systems
        .iter()
        .any(|s| s.generates_synthetic_content || s.gpai_model)
    {
        identification.push(format!(
            "For generative systems, the twelve risks of the NIST AI 600-1 profile are checked \
             one by one {}",
            source(&["nist-ai-600-1".to_string()])
        ));
    }
    doc.bullets(&identification);

    doc.heading("9. Treating risks");
    doc.para(&format!(
        "For each risk above the acceptance level, the owner chooses a treatment (change the \
         system or its use, add controls, share the risk, or stop) and names the Annex A or \
         other controls it relies on. The Statement of Applicability (statement-of-applicability.md) \
         records the controls chosen; the treatment plan records who does what by when; each \
         risk owner accepts the residual risk {}",
        source(&[src_iso("6.1.3"), src_iso("8.3")])
    ));

    doc.heading("10. Records");
    doc.para(&format!(
        "Each assessment is kept as documented information: the register entry, the ratings \
         with their reasons, the treatment and the acceptance. Repository and retention: {} {}",
        decide("where and how long"),
        source(&[src_iso("6.1.2"), src_iso("8.2")])
    ));

    doc.heading("Approval");
    signature_block(&mut doc, &["Method owner", "Approved by (top management)"]);

    Artefact {
        file_name: "ai-risk-method.md".to_string(),
        title: title.to_string(),
        markdown: doc.finish(),
    }
}

// ---------------------------------------------------------------------------- risk register

/// One seeded row of the risk register.
struct RiskRow {
    id: String,
    system: usize,
    /// What gives rise to the risk (our text, user text escaped).
    cause: String,
    consequence: String,
    affected: String,
    controls: Vec<&'static str>,
    sources: Vec<String>,
}

/// A register row before it gets its id.
struct Seed {
    cause: String,
    consequence: String,
    affected: String,
    controls: Vec<&'static str>,
    sources: Vec<String>,
}

impl Seed {
    fn new(
        cause: String,
        consequence: String,
        affected: String,
        controls: Vec<&'static str>,
        sources: Vec<String>,
    ) -> Seed {
        Seed {
            cause,
            consequence,
            affected,
            controls,
            sources,
        }
    }
}

/// Annex A controls that treat each NIST AI 600-1 risk, and who it affects; our judgement.
const GENERATIVE_TREATMENT: [(&str, &[&str], &str); 12] = [
    (
        "cbrn-information",
        &["A.6.2.2", "A.6.2.4", "A.9.4"],
        "the public; society",
    ),
    (
        "confabulation",
        &["A.6.2.4", "A.6.2.6", "A.8.2"],
        "users who rely on outputs; people affected by decisions taken on them",
    ),
    (
        "dangerous-violent-hateful-content",
        &["A.6.2.2", "A.6.2.4", "A.6.2.6", "A.3.3"],
        "users; targeted groups; society",
    ),
    (
        "data-privacy",
        &["A.7.3", "A.7.5", "A.5.4", "A.6.2.8"],
        "people whose data is in training data, prompts or outputs",
    ),
    (
        "environmental-impacts",
        &["A.4.5", "A.5.5"],
        "society; the environment",
    ),
    (
        "harmful-bias-homogenization",
        &["A.7.4", "A.6.2.4", "A.5.4", "A.5.5"],
        "groups under-represented or stereotyped; society",
    ),
    (
        "human-ai-configuration",
        &["A.9.2", "A.8.2", "A.4.6"],
        "users and operators; people affected by over-reliance",
    ),
    (
        "information-integrity",
        &["A.8.2", "A.6.2.2", "A.5.5"],
        "recipients of generated content; society",
    ),
    (
        "information-security",
        &["A.6.2.4", "A.6.2.6", "A.6.2.8", "A.10.3"],
        "the organisation; users and their data",
    ),
    (
        "intellectual-property",
        &["A.7.3", "A.7.5", "A.10.3"],
        "rights holders; the organisation",
    ),
    (
        "obscene-degrading-abusive-content",
        &["A.6.2.2", "A.6.2.4", "A.6.2.6"],
        "people depicted; users, minors in particular",
    ),
    (
        "value-chain-component-integration",
        &["A.10.3", "A.10.2", "A.4.4", "A.6.2.7"],
        "the organisation; downstream users",
    ),
];

fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => text.get(..=end).unwrap_or(text),
        None => text,
    }
}

/// The seeded register: rows derived from each system's facts, then the NIST AI 600-1 risks
/// for generative systems.
fn risk_rows(context: &Context) -> Vec<RiskRow> {
    let mut rows = Vec::new();
    for (position, system) in context.assessment.ai_systems.iter().enumerate() {
        let mut seeds: Vec<Seed> = Vec::new();
        let name = escape(&system.name);
        let provides = matches!(
            system.role,
            Some(SystemRole::Provider | SystemRole::ProductManufacturer)
        );
        seeds.push(Seed::new(
            "Performance: the system gives wrong, unstable or degraded results in operation \
             (errors, drift, inputs unlike those it was built for)"
                .to_string(),
            "wrong outputs reach users or affected people; rework, complaints and liability"
                .to_string(),
            format!("users of {name}; people affected by its outputs; the organisation"),
            if provides {
                vec!["A.6.2.4", "A.6.2.6", "A.6.2.8"]
            } else {
                vec!["A.6.2.6", "A.9.2", "A.9.4"]
            },
            vec![src_system(system, "description"), src_iso("6.1.2.c")],
        ));
        if provides {
            seeds.push(Seed::new(
                "Data: training, validation or input data that is unrepresentative, of poor \
                 quality or of unclear provenance"
                    .to_string(),
                "biased or inaccurate outputs; data used without a right to use it".to_string(),
                "people the outputs concern; data subjects; the organisation".to_string(),
                vec!["A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6"],
                vec![src_system(system, "role")],
            ));
        } else if system.role.is_some() {
            seeds.push(Seed::new(
                "Supply: the provider changes, withdraws or under-documents the system, or it \
                 is used outside its intended purpose"
                    .to_string(),
                "the organisation cannot explain, control or rely on the system".to_string(),
                format!("the organisation; people affected by {name}"),
                vec!["A.10.2", "A.10.3", "A.9.4"],
                vec![src_system(system, "role")],
            ));
        }
        if system.interacts_with_natural_persons {
            let mut sources = vec![src_system(system, "interacts_with_natural_persons")];
            sources.extend(capped(
                context.triggered(system, &|o| {
                    o.trigger == Some(Trigger::InteractsWithNaturalPersons)
                }),
                3,
            ));
            seeds.push(Seed::new(
                "Interaction: people do not realise they are dealing with an AI system, or rely \
                 on its answers more than they should"
                    .to_string(),
                "deception, decisions taken on unchecked output, loss of trust".to_string(),
                format!("people who interact with {name}"),
                vec!["A.8.2", "A.8.5", "A.9.2"],
                sources,
            ));
        }
        if system.generates_synthetic_content {
            let mut sources = vec![src_system(system, "generates_synthetic_content")];
            sources.extend(capped(
                context.triggered(system, &|o| {
                    matches!(
                        o.trigger,
                        Some(Trigger::GeneratesSyntheticContent | Trigger::DeepFake)
                    )
                }),
                3,
            ));
            seeds.push(Seed::new(
                "Synthetic content: generated text, images, audio or video is taken for \
                 authentic or used to deceive"
                    .to_string(),
                "people are misled; unlawful or harmful content is spread".to_string(),
                "recipients of the content; people depicted; society".to_string(),
                vec!["A.6.2.2", "A.8.2", "A.8.5"],
                sources,
            ));
        }
        if system.emotion_recognition || system.biometric_categorisation {
            let mut sources = vec![src_system(system, "emotion_recognition")];
            sources.extend(capped(
                context.triggered(system, &|o| {
                    o.trigger == Some(Trigger::EmotionRecognitionOrBiometricCategorisation)
                }),
                3,
            ));
            seeds.push(Seed::new(
                "Inference about people: emotions or categories are inferred about people \
                 without their knowledge"
                    .to_string(),
                "intrusion into privacy and dignity; decisions on unreliable inferences"
                    .to_string(),
                format!("people observed by {name}"),
                vec!["A.5.4", "A.7.3", "A.8.2"],
                sources,
            ));
        }
        if let Some(area) = &system.annex_iii_area {
            let area_title = context
                .list_title("eu-ai-act", "annex_iii_areas", area)
                .unwrap_or_else(|| escape(area));
            let mut sources = vec![src_system(system, "annex_iii_area")];
            sources.extend(capped(
                context.triggered(system, &|o| {
                    o.tiers.contains(&Tier::HighRiskAnnexIii)
                        || o.trigger == Some(Trigger::Art63Exemption)
                }),
                3,
            ));
            seeds.push(Seed::new(
                format!(
                    "High-risk area: the system is used in the Annex III area \"{area_title}\", \
                     where errors or bias affect people's rights and access to opportunities or \
                     services"
                ),
                "wrongful outcomes for people; breach of the high-risk requirements of the law"
                    .to_string(),
                format!("people about whom {name} is used; groups exposed to bias"),
                vec!["A.5.4", "A.5.5", "A.6.2.4", "A.9.2", "A.9.4"],
                sources,
            ));
        }
        if let Some(product) = &system.annex_i_product {
            let mut sources = vec![src_system(system, "annex_i_product")];
            sources.extend(capped(
                context.triggered(system, &|o| o.tiers.contains(&Tier::HighRiskAnnexI)),
                3,
            ));
            seeds.push(Seed::new(
                format!(
                    "Product safety: the AI in the product ({}) fails or misleads its user",
                    escape(&words(product))
                ),
                "injury or harm to health; product recall".to_string(),
                "patients, users and others exposed to the product".to_string(),
                vec!["A.6.2.4", "A.6.2.5", "A.6.2.6", "A.8.4"],
                sources,
            ));
        }
        for decision in &system.consequential_decisions {
            let decision_title = context
                .list_title("colorado-ai", "consequential_decisions", decision)
                .unwrap_or_else(|| escape(decision));
            let mut sources = vec![src_system(system, "consequential_decisions")];
            sources.extend(capped(
                context.triggered(system, &|o| {
                    matches!(
                        o.trigger,
                        Some(Trigger::ConsequentialDecision | Trigger::CreditOrInsuranceScoring)
                    )
                }),
                3,
            ));
            seeds.push(Seed::new(
                format!(
                    "Consequential decision: the system contributes to decisions in the domain \
                     \"{decision_title}\""
                ),
                "unlawful discrimination; adverse outcomes people cannot understand or contest"
                    .to_string(),
                "people subject to those decisions; protected groups".to_string(),
                vec!["A.5.4", "A.6.2.4", "A.7.4", "A.8.5", "A.9.2"],
                sources,
            ));
        }
        if system.gpai_model {
            let mut sources = vec![src_system(system, "gpai_model")];
            sources.extend(capped(
                context.triggered(system, &|o| o.tiers.contains(&Tier::Gpai)),
                3,
            ));
            seeds.push(Seed::new(
                "General-purpose model: downstream providers lack what they need to use the \
                 model safely, or its training content infringes rights"
                    .to_string(),
                "harm through downstream systems; copyright claims; breach of the model duties"
                    .to_string(),
                "downstream providers and their users; rights holders".to_string(),
                vec!["A.6.2.7", "A.7.5", "A.8.2", "A.10.4"],
                sources,
            ));
        }
        if system.gpai_systemic_risk {
            let mut sources = vec![src_system(system, "gpai_systemic_risk")];
            sources.extend(capped(
                context.triggered(system, &|o| o.tiers.contains(&Tier::GpaiSystemic)),
                3,
            ));
            seeds.push(Seed::new(
                "Systemic risk: the model's capabilities have large-scale effects".to_string(),
                "serious incidents affecting many people or critical functions".to_string(),
                "society".to_string(),
                vec!["A.5.5", "A.6.2.4", "A.8.4"],
                sources,
            ));
        }
        if let Some(practice) = &system.prohibited_practice {
            let practice_title = context
                .list_title("eu-ai-act", "prohibited_practices", practice)
                .unwrap_or_else(|| escape(practice));
            let mut sources = vec![src_system(system, "prohibited_practice")];
            sources.extend(capped(
                context.triggered(system, &|o| {
                    o.tiers.contains(&Tier::Prohibited)
                        || o.trigger == Some(Trigger::ProhibitedPractice)
                }),
                3,
            ));
            seeds.push(Seed::new(
                format!("Prohibited practice: {practice_title}"),
                "the practice is banned: the system may not be placed on the market or used"
                    .to_string(),
                format!("people subject to {name}"),
                vec!["A.9.4", "A.5.4"],
                sources,
            ));
        }
        if system.generates_synthetic_content || system.gpai_model {
            let fact = if system.generates_synthetic_content {
                "generates_synthetic_content"
            } else {
                "gpai_model"
            };
            if let Some(profile) = context.catalog.framework("nist-ai-600-1") {
                for risk in profile.assessable() {
                    let (controls, affected) = GENERATIVE_TREATMENT
                        .iter()
                        .find(|(id, _, _)| *id == risk.id)
                        .map_or((Vec::new(), decide("affected parties")), |(_, c, a)| {
                            (c.to_vec(), (*a).to_string())
                        });
                    seeds.push(Seed::new(
                        format!(
                            "Generative AI risk (NIST AI 600-1): {}",
                            escape(&risk.title)
                        ),
                        escape(first_sentence(&risk.summary)),
                        affected,
                        controls,
                        vec![
                            src_system(system, fact),
                            format!("nist-ai-600-1 {}", escape(&risk.id)),
                        ],
                    ));
                }
            }
        }
        for (number, seed) in seeds.into_iter().enumerate() {
            rows.push(RiskRow {
                id: format!("R{:02}-{:02}", position + 1, number + 1),
                system: position,
                cause: seed.cause,
                consequence: seed.consequence,
                affected: seed.affected,
                controls: seed.controls,
                sources: seed.sources,
            });
        }
    }
    rows
}

/// The controls of a treatment, with a warning where the SoA excludes one.
fn treatment(context: &Context, controls: &[&str]) -> String {
    let known: Vec<String> = controls
        .iter()
        .filter(|id| context.iso.is_none_or(|iso| iso.get(id).is_some()))
        .map(|id| match context.soa(id) {
            Some(entry) if !entry.included => format!("{id} (excluded in the SoA: review)"),
            _ => (*id).to_string(),
        })
        .collect();
    if known.is_empty() {
        decide("treatment")
    } else {
        format!("proposed: {}", known.join(", "))
    }
}

fn risk_register(context: &Context, risks: &[RiskRow]) -> Artefact {
    let title = "AI risk register";
    let mut doc = Doc::new(&format!("{title}: {}", context.org()));
    preface(
        &mut doc,
        context,
        "AI risk register (ISO/IEC 42001 clauses 6.1.2 and 8.2)",
        "6.1.2",
        &["6.1.2.c", "6.1.2", "8.2"],
    );
    let generative = context
        .assessment
        .ai_systems
        .iter()
        .any(|s| s.generates_synthetic_content || s.gpai_model);
    doc.para(&format!(
        "The register is seeded from the facts recorded about each AI system{}. It follows the \
         method in ai-risk-method.md. Each row still needs its rating, its treatment decision \
         and its owner; risks the facts cannot reveal must be added {}",
        if generative {
            " and, for generative systems, from the twelve risks of the NIST AI 600-1 profile"
        } else {
            ""
        },
        source(&["assessment ai_systems".to_string(), src_iso("6.1.2.c")])
    ));
    let systems = &context.assessment.ai_systems;
    let rows: Vec<Vec<String>> = risks
        .iter()
        .map(|risk| {
            let system = systems
                .get(risk.system)
                .map_or_else(String::new, |s| escape(&s.name));
            vec![
                risk.id.clone(),
                system,
                risk.cause.clone(),
                risk.consequence.clone(),
                risk.affected.clone(),
                decide("likelihood × consequence"),
                treatment(context, &risk.controls),
                decide("owner"),
                source(&risk.sources),
            ]
        })
        .collect();
    if rows.is_empty() {
        doc.para(&format!(
            "No AI system is recorded, so no row is seeded. {}",
            decide("the risks of the AI systems in scope")
        ));
    } else {
        doc.table(
            &[
                "Risk",
                "AI system",
                "Risk source",
                "Consequence",
                "Affected parties",
                "Initial rating",
                "Treatment (Annex A)",
                "Owner",
                "Source",
            ],
            &rows,
        );
    }
    doc.para(&format!(
        "Risks not derived from the facts (for example from the impact assessments, from \
         incidents or from the organisation's own context): {} {}",
        decide("add rows"),
        source(&[src_iso("6.1.2.c")])
    ));

    let mut named: Vec<&str> = Vec::new();
    for risk in risks {
        for control in &risk.controls {
            if !named.contains(control) {
                named.push(control);
            }
        }
    }
    if let Some(iso) = context.iso {
        named.sort_by_key(|id| iso.position(id).unwrap_or(usize::MAX));
    }
    if !named.is_empty() {
        doc.heading("Controls named in the register");
        doc.bullets(&control_lines(context, &named));
    }

    Artefact {
        file_name: "ai-risk-register.md".to_string(),
        title: title.to_string(),
        markdown: doc.finish(),
    }
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

// ------------------------------------------------------------------------ impact assessment

fn impact_assessment(
    context: &Context,
    position: usize,
    system: &AiSystem,
    stem: &str,
    risks: &[RiskRow],
) -> Artefact {
    let name = escape(&system.name);
    let title = format!("AI system impact assessment: {}", system.name);
    let mut doc = Doc::new(&format!("AI system impact assessment: {name}"));
    preface(
        &mut doc,
        context,
        "AI system impact assessment (ISO/IEC 42001 clause 6.1.4 and controls A.5.2 to A.5.5; \
         laid out along ISO/IEC 42005)",
        "6.1.4",
        &["6.1.4", "A.5.2"],
    );
    doc.para(&format!(
        "How this assessment is laid out: it follows the order of ISO/IEC 42005, the guidance \
         on AI system impact assessment, retold in our words: what is assessed and why; the \
         system, its intended use and its foreseeable misuse; the law that applies to it (added \
         here); the people, groups and societies it touches; the data it relies on; its \
         benefits and harms, fundamental rights included, with their likelihood and severity; \
         the measures that address them; when the assessment is revisited; and who approves it \
         {}",
        source(&[
            src_iso("6.1.4"),
            "ISO/IEC 42005 (structure only)".to_string()
        ])
    ));
    doc.heading("What the assessment records today");
    doc.bullets(&current_state(context, &["6.1.4", "A.5"]));

    let entries: Vec<&SystemObligations> = context.obligations_of(system).collect();

    doc.heading("1. Scope and context of this assessment");
    let mut context_lines = vec![
        format!(
            "Subject: the AI system {} (id {}), for which {} is {} {}",
            name,
            escape(&system.id),
            context.org(),
            role_word(system),
            source(&[src_system(system, "role")])
        ),
        format!(
            "The AIMS requires an impact assessment of every AI system in scope, on individuals, \
             groups of individuals and societies {}",
            source(&[src_iso("6.1.4"), src_iso("A.5.2")])
        ),
    ];
    let mut legal = Vec::new();
    for entry in &entries {
        for item in &entry.items {
            // The obligations the catalog maps to the impact assessment requirements.
            let supports_impact = item
                .supported_by
                .iter()
                .any(|(id, _)| id.starts_with("6.1.4") || id.starts_with("A.5."));
            if supports_impact {
                legal.push(src_obligation(&entry.law, &item.reference));
                context_lines.push(format!(
                    "Law obligation this assessment supports: {} {} ({}), from {}, {} {}",
                    escape(&entry.law),
                    escape(&item.reference),
                    escape(&item.title),
                    item.applies_from,
                    state_words(item),
                    source(&[src_obligation(&entry.law, &item.reference)])
                ));
            }
        }
    }
    if !legal.is_empty() {
        context_lines.push(format!(
            "Whether this document also serves as the assessment these obligations ask for, or a \
             separate one is made: {} {}",
            decide("one document or several"),
            source(&capped(legal, 3))
        ));
    }
    context_lines.push(format!(
        "Life-cycle stage at which this assessment is made, and who carries it out: {} {}",
        decide("stage and assessors"),
        source(&[src_iso("A.5.2")])
    ));
    doc.bullets(&context_lines);

    doc.heading("2. The AI system");
    let flag = |value: bool| if value { "yes" } else { "no" }.to_string();
    let optional =
        |value: &Option<String>| value.as_deref().map_or_else(|| "none".to_string(), escape);
    let facts: Vec<Vec<String>> = vec![
        vec![
            "Purpose and description".to_string(),
            if system.description.trim().is_empty() {
                decide("description")
            } else {
                escape(&system.description)
            },
            source(&[src_system(system, "description")]),
        ],
        vec![
            "Organisation's role".to_string(),
            role_word(system),
            source(&[src_system(system, "role")]),
        ],
        vec![
            "Markets".to_string(),
            list_or(&system.markets, "none recorded"),
            source(&[src_system(system, "markets")]),
        ],
        vec![
            "Interacts with people".to_string(),
            flag(system.interacts_with_natural_persons),
            source(&[src_system(system, "interacts_with_natural_persons")]),
        ],
        vec![
            "Generates synthetic content".to_string(),
            flag(system.generates_synthetic_content),
            source(&[src_system(system, "generates_synthetic_content")]),
        ],
        vec![
            "Emotion recognition or biometric categorisation".to_string(),
            flag(system.emotion_recognition || system.biometric_categorisation),
            source(&[
                src_system(system, "emotion_recognition"),
                src_system(system, "biometric_categorisation"),
            ]),
        ],
        vec![
            "Annex III area (EU AI Act)".to_string(),
            system.annex_iii_area.as_deref().map_or_else(
                || "none".to_string(),
                |area| {
                    context
                        .list_title("eu-ai-act", "annex_iii_areas", area)
                        .unwrap_or_else(|| escape(area))
                },
            ),
            source(&[src_system(system, "annex_iii_area")]),
        ],
        vec![
            "Annex I product".to_string(),
            optional(&system.annex_i_product),
            source(&[src_system(system, "annex_i_product")]),
        ],
        vec![
            "Consequential decisions".to_string(),
            if system.consequential_decisions.is_empty() {
                "none".to_string()
            } else {
                system
                    .consequential_decisions
                    .iter()
                    .map(|decision| {
                        context
                            .list_title("colorado-ai", "consequential_decisions", decision)
                            .unwrap_or_else(|| escape(decision))
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            },
            source(&[src_system(system, "consequential_decisions")]),
        ],
        vec![
            "General-purpose AI model".to_string(),
            if system.gpai_systemic_risk {
                "yes, with systemic risk".to_string()
            } else {
                flag(system.gpai_model)
            },
            source(&[
                src_system(system, "gpai_model"),
                src_system(system, "gpai_systemic_risk"),
            ]),
        ],
        vec![
            "Public body or public service".to_string(),
            flag(system.public_body),
            source(&[src_system(system, "public_body")]),
        ],
    ];
    doc.table(&["Fact", "Value", "Source"], &facts);
    doc.bullets(&[
        format!(
            "Intended use: the purpose above. Intended users, operating context, and what the \
             system must not be used for: {} {}",
            decide("intended use, users and context"),
            source(&[src_system(system, "description"), src_iso("A.9.4")])
        ),
        format!(
            "Reasonably foreseeable misuse: {} {}",
            decide(&misuse_prompt(system)),
            source(&[src_iso("A.5.2")])
        ),
        format!(
            "Version and components assessed (model, data, third-party services): {} {}",
            decide("version and components"),
            source(&[src_iso("A.6.2.7")])
        ),
    ]);

    doc.heading("3. Classification and obligations under the law");
    if entries.is_empty() {
        doc.para(&format!(
            "The assessment found no law for this system {}",
            source(&[src_result("obligations")])
        ));
    }
    for entry in &entries {
        law_section(&mut doc, context, system, entry);
    }

    doc.heading("4. Stakeholders and affected parties");
    doc.table(
        &["Party", "How the system touches them", "Source"],
        &stakeholders(system),
    );
    doc.para(&format!(
        "Parties the facts do not reveal (for example vulnerable groups, children, people who \
         do not use the system but are affected by it): {} {}",
        decide("add parties"),
        source(&[src_iso("A.5.4")])
    ));

    doc.heading("5. Data");
    let mut data_lines = vec![format!(
        "Data the system uses, in development and in operation: sources, personal data, \
         special categories, provenance, quality checks and retention: {} {}",
        decide("data inventory for this system"),
        source(&[src_iso("A.7.2"), src_iso("A.7.5")])
    )];
    data_lines.extend(control_lines(
        context,
        &["A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6"],
    ));
    doc.bullets(&data_lines);

    doc.heading("6. Impacts on individuals, groups and societies");
    doc.para(&format!(
        "Benefits the system is meant to bring, and to whom: {} {}",
        decide("benefits"),
        source(&[src_system(system, "description"), src_iso("A.5.4")])
    ));
    doc.para(
        "Possible harms, including to fundamental rights. Rate each with the scales of \
         ai-risk-method.md.",
    );
    let impacts: Vec<Vec<String>> = impacts(context, system)
        .into_iter()
        .map(|(on, right, harm, sources)| {
            vec![
                on.to_string(),
                right,
                harm,
                decide("likelihood"),
                decide("severity"),
                source(&sources),
            ]
        })
        .collect();
    doc.table(
        &[
            "Impact on",
            "Right or interest",
            "Possible harm",
            "Likelihood",
            "Severity",
            "Source",
        ],
        &impacts,
    );

    doc.heading("7. Mitigations and controls");
    let own: Vec<&RiskRow> = risks.iter().filter(|r| r.system == position).collect();
    let mut controls: Vec<&str> = Vec::new();
    for risk in &own {
        for control in &risk.controls {
            if !controls.contains(control) {
                controls.push(control);
            }
        }
    }
    if let Some(iso) = context.iso {
        controls.sort_by_key(|id| iso.position(id).unwrap_or(usize::MAX));
    }
    doc.para(&format!(
        "The risk register (ai-risk-register.md) seeds {} for this system. The controls they \
         name, and where the Statement of Applicability stands on each:",
        count(own.len(), "risk")
    ));
    let rows: Vec<Vec<String>> = controls
        .iter()
        .map(|control| {
            let treated: Vec<String> = own
                .iter()
                .filter(|risk| risk.controls.contains(control))
                .map(|risk| risk.id.clone())
                .collect();
            let mut row = control_cells(context, control);
            row.push(treated.join(", "));
            row.push(source(&[
                src_result(&format!("soa {control}")),
                "ai-risk-register.md".to_string(),
            ]));
            row
        })
        .collect();
    if !rows.is_empty() {
        doc.table(
            &[
                "Control",
                "Title",
                "In the SoA",
                "Status",
                "Owner",
                "Risks treated",
                "Source",
            ],
            &rows,
        );
    }
    doc.para(&format!(
        "Measures specific to this system (design changes, human review steps, information to \
         affected people, restrictions of use), with owner and date: {} {}",
        decide("mitigations"),
        source(&[src_iso("A.5.4"), src_iso("6.1.3")])
    ));

    doc.heading("8. Monitoring and review triggers");
    let mut triggers = vec![
        format!(
            "Review at least every {} {}",
            decide("interval"),
            source(&[src_iso("8.4")])
        ),
        format!(
            "Review on a significant change: a new version or model, retraining, new data \
             sources, a new use or user group {}",
            source(&[src_iso("8.4"), src_iso("A.6.2.6")])
        ),
        format!(
            "Review when the system enters a market beyond {} or the organisation's role changes \
             from {} {}",
            list_or(&system.markets, "those recorded"),
            role_word(system),
            source(&[src_system(system, "markets"), src_system(system, "role")])
        ),
        format!(
            "Review after an incident, a complaint or a monitoring result that suggests harm {}",
            source(&[src_iso("A.8.4"), src_iso("A.3.3")])
        ),
    ];
    let mut dates: Vec<(aimsgap_catalog::Date, String, Vec<String>)> = Vec::new();
    for entry in &entries {
        for item in entry
            .items
            .iter()
            .filter(|item| item.state == ObligationState::Upcoming)
        {
            let reference = src_obligation(&entry.law, &item.reference);
            match dates
                .iter_mut()
                .find(|(date, law, _)| *date == item.applies_from && *law == entry.law)
            {
                Some((_, _, references)) => references.push(reference),
                None => dates.push((item.applies_from, entry.law.clone(), vec![reference])),
            }
        }
    }
    dates.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    for (date, law, references) in dates {
        triggers.push(format!(
            "Review before {date}, when {} of {} begin to apply {}",
            count(references.len(), "obligation"),
            context.framework_name(&law),
            source(&capped(references, 3))
        ));
    }
    if let Some(entry) = context.soa("A.6.2.6") {
        triggers.push(format!(
            "Monitoring of AI systems in operation (A.6.2.6), whose results feed these reviews, \
             is assessed as {} {}",
            words(entry.status.as_str()),
            source(&[src_result("soa A.6.2.6")])
        ));
    }
    doc.bullets(&triggers);

    doc.heading("9. Approval");
    doc.para(&format!(
        "Conclusion: {} {}",
        decide("proceed, proceed with conditions, or do not proceed"),
        source(&[src_iso("A.5.3")])
    ));
    signature_block(&mut doc, &["Assessor", "AI system owner", "Approved by"]);

    Artefact {
        file_name: format!("impact-assessment-{stem}.md"),
        title,
        markdown: doc.finish(),
    }
}

fn misuse_prompt(system: &AiSystem) -> String {
    let mut prompts = Vec::new();
    if system.generates_synthetic_content {
        prompts.push("producing deceptive or harmful content");
    }
    if system.interacts_with_natural_persons {
        prompts.push("users treating answers as authoritative advice");
    }
    if !system.consequential_decisions.is_empty() || system.annex_iii_area.is_some() {
        prompts.push("using the output as the sole basis of a decision about a person");
    }
    if system.gpai_model {
        prompts.push("downstream integration into a prohibited or high-risk use");
    }
    prompts.push("use outside the intended purpose");
    format!("misuse to consider, for example {}", prompts.join(", "))
}

fn law_section(doc: &mut Doc, context: &Context, system: &AiSystem, entry: &SystemObligations) {
    doc.subheading(&context.framework_name(&entry.law));
    let entry_source = src_result(&format!(
        "obligations {} {}",
        escape(&system.id),
        escape(&entry.law)
    ));
    let mut lines = vec![
        format!(
            "Version assessed: {} {}",
            escape(&entry.version),
            source(std::slice::from_ref(&entry_source))
        ),
        format!(
            "Classification: {} {}",
            classification_words(entry.classification),
            source(std::slice::from_ref(&entry_source))
        ),
    ];
    if !entry.tiers.is_empty() {
        let tiers: Vec<String> = entry
            .tiers
            .iter()
            .map(|tier| {
                context
                    .list_title(&entry.law, "tiers", tier)
                    .unwrap_or_else(|| escape(&words(tier)))
            })
            .collect();
        lines.push(format!(
            "Tiers: {} {}",
            tiers.join("; "),
            source(std::slice::from_ref(&entry_source))
        ));
    }
    for reason in &entry.reasons {
        lines.push(format!(
            "Reason: {} {}",
            escape(reason),
            source(std::slice::from_ref(&entry_source))
        ));
    }
    doc.bullets(&lines);
    if entry.items.is_empty() {
        doc.para(&format!(
            "No obligation of this law binds the system {}",
            source(&[entry_source])
        ));
        return;
    }
    let rows: Vec<Vec<String>> = entry
        .items
        .iter()
        .map(|item| {
            let supported: Vec<String> = item
                .supported_by
                .iter()
                .map(|(id, status)| format!("{} {}", escape(id), words(status.as_str())))
                .collect();
            vec![
                escape(&item.reference),
                escape(&item.title),
                item.applies_from.to_string(),
                state_words(item),
                if supported.is_empty() {
                    "none mapped".to_string()
                } else {
                    supported.join(", ")
                },
            ]
        })
        .collect();
    doc.table(
        &[
            "Obligation",
            "Duty",
            "Applies from",
            &format!("State on {}", context.assessment.as_of),
            "Supported by (ISO/IEC 42001, status)",
        ],
        &rows,
    );
    let mut notes: Vec<(&str, Vec<String>)> = Vec::new();
    for item in &entry.items {
        if let Some(note) = item.unverified.as_deref() {
            match notes.iter_mut().find(|(text, _)| *text == note) {
                Some((_, references)) => references.push(escape(&item.reference)),
                None => notes.push((note, vec![escape(&item.reference)])),
            }
        }
    }
    if !notes.is_empty() {
        doc.para("Points of these obligations the catalog has not confirmed:");
        doc.bullets(
            &notes
                .into_iter()
                .map(|(note, references)| {
                    format!(
                        "{}: {} {}",
                        references.join(", "),
                        escape(note),
                        source(&[format!("catalog {}", escape(&entry.law))])
                    )
                })
                .collect::<Vec<_>>(),
        );
    }
}

fn stakeholders(system: &AiSystem) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let users = match system.role {
        Some(SystemRole::Deployer) => "staff of the organisation who operate the system",
        _ => "customers and their staff who operate the system",
    };
    rows.push(vec![
        "Users and operators".to_string(),
        users.to_string(),
        source(&[src_system(system, "role")]),
    ]);
    if system.interacts_with_natural_persons {
        rows.push(vec![
            "People who interact with the system".to_string(),
            "they converse with it or receive its answers".to_string(),
            source(&[src_system(system, "interacts_with_natural_persons")]),
        ]);
    }
    if !system.consequential_decisions.is_empty() || system.annex_iii_area.is_some() {
        rows.push(vec![
            "People about whom decisions are made".to_string(),
            "its outputs contribute to decisions that affect them".to_string(),
            source(&[
                src_system(system, "consequential_decisions"),
                src_system(system, "annex_iii_area"),
            ]),
        ]);
        rows.push(vec![
            "Groups protected against discrimination".to_string(),
            "biased outputs could disadvantage them as a group".to_string(),
            source(&[src_system(system, "consequential_decisions")]),
        ]);
    }
    if system.annex_i_product.is_some() {
        rows.push(vec![
            "People exposed to the product".to_string(),
            "their health or safety depends on the product working as intended".to_string(),
            source(&[src_system(system, "annex_i_product")]),
        ]);
    }
    if system.emotion_recognition || system.biometric_categorisation {
        rows.push(vec![
            "People observed".to_string(),
            "the system infers their emotions or categories".to_string(),
            source(&[src_system(system, "emotion_recognition")]),
        ]);
    }
    if system.generates_synthetic_content {
        rows.push(vec![
            "Recipients of generated content and people depicted".to_string(),
            "they may take the content for authentic or be misrepresented".to_string(),
            source(&[src_system(system, "generates_synthetic_content")]),
        ]);
    }
    if system.gpai_model {
        rows.push(vec![
            "Downstream providers and rights holders".to_string(),
            "they build on the model, or their works are in its training data".to_string(),
            source(&[src_system(system, "gpai_model")]),
        ]);
    }
    if system.annex_iii_area.as_deref() == Some("employment")
        || system
            .consequential_decisions
            .iter()
            .any(|d| d == "employment")
    {
        rows.push(vec![
            "Workers and job applicants".to_string(),
            "access to work and working conditions".to_string(),
            source(&[src_system(system, "annex_iii_area")]),
        ]);
    }
    rows.push(vec![
        "Society at large".to_string(),
        "aggregate effects of the system's use".to_string(),
        source(&[src_iso("A.5.5")]),
    ]);
    rows
}

/// Rows of the impact table: (impact on, right or interest, possible harm, sources).
fn impacts(
    context: &Context,
    system: &AiSystem,
) -> Vec<(&'static str, String, String, Vec<String>)> {
    let mut rows = Vec::new();
    rows.push((
        "Individuals",
        "Privacy and data protection".to_string(),
        "personal data in inputs, outputs or logs is used beyond what people expect".to_string(),
        vec![src_iso("A.5.4"), src_iso("A.7.3")],
    ));
    if system.interacts_with_natural_persons {
        rows.push((
            "Individuals",
            "Autonomy and informed choice".to_string(),
            "people do not know they deal with an AI system, or over-rely on it".to_string(),
            vec![src_system(system, "interacts_with_natural_persons")],
        ));
    }
    let decisions = !system.consequential_decisions.is_empty()
        || (system.annex_iii_area.is_some() && !system.art_6_3_exemption);
    if decisions {
        let what: Vec<String> = system
            .consequential_decisions
            .iter()
            .map(|d| {
                context
                    .list_title("colorado-ai", "consequential_decisions", d)
                    .unwrap_or_else(|| escape(d))
            })
            .chain(system.annex_iii_area.iter().map(|area| {
                context
                    .list_title("eu-ai-act", "annex_iii_areas", area)
                    .unwrap_or_else(|| escape(area))
            }))
            .collect();
        let sources = vec![
            src_system(system, "consequential_decisions"),
            src_system(system, "annex_iii_area"),
        ];
        rows.push((
            "Individuals",
            "Non-discrimination and equal treatment".to_string(),
            format!("biased outputs in decisions about {}", what.join("; ")),
            sources.clone(),
        ));
        rows.push((
            "Individuals",
            "Access to opportunities and services".to_string(),
            "a wrongful adverse outcome denies a person what they are entitled to".to_string(),
            sources.clone(),
        ));
        rows.push((
            "Individuals",
            "Explanation and an effective remedy".to_string(),
            "people cannot understand or contest an outcome that affects them".to_string(),
            sources.clone(),
        ));
        rows.push((
            "Groups",
            "Equal treatment of protected groups".to_string(),
            "a group is systematically disadvantaged".to_string(),
            sources,
        ));
    }
    if system.annex_i_product.is_some() {
        rows.push((
            "Individuals",
            "Health and safety".to_string(),
            "a wrong or missed output leads to injury or wrong treatment".to_string(),
            vec![src_system(system, "annex_i_product")],
        ));
    }
    if system.emotion_recognition || system.biometric_categorisation {
        rows.push((
            "Individuals",
            "Dignity and privacy".to_string(),
            "emotions or sensitive categories are inferred about people".to_string(),
            vec![
                src_system(system, "emotion_recognition"),
                src_system(system, "biometric_categorisation"),
            ],
        ));
    }
    if system.public_body {
        rows.push((
            "Individuals",
            "Access to public services and benefits".to_string(),
            "a person is wrongly refused a public service or benefit".to_string(),
            vec![src_system(system, "public_body")],
        ));
    }
    if system.generates_synthetic_content {
        rows.push((
            "Individuals",
            "Reputation and personality rights".to_string(),
            "generated content misrepresents a real person".to_string(),
            vec![src_system(system, "generates_synthetic_content")],
        ));
        rows.push((
            "Societies",
            "Information integrity".to_string(),
            "synthetic content is taken for authentic and erodes trust in information".to_string(),
            vec![src_system(system, "generates_synthetic_content")],
        ));
    }
    if system.gpai_model {
        rows.push((
            "Groups",
            "Intellectual property of rights holders".to_string(),
            "works are used in training without a right to do so".to_string(),
            vec![src_system(system, "gpai_model")],
        ));
    }
    if system.generates_synthetic_content || system.gpai_model {
        rows.push((
            "Societies",
            "Environment".to_string(),
            "energy and water used to train and run the model".to_string(),
            vec!["nist-ai-600-1 environmental-impacts".to_string()],
        ));
    }
    rows.push((
        "Societies",
        "Other societal effects".to_string(),
        decide("effects on employment, democratic processes, public services or the environment"),
        vec![src_iso("A.5.5")],
    ));
    rows
}

// --------------------------------------------------------------------------------------- SoA

fn statement_of_applicability(context: &Context, risks: &[RiskRow]) -> Artefact {
    let title = "Statement of Applicability";
    let mut doc = Doc::new(&format!("{title}: {}", context.org()));
    preface(
        &mut doc,
        context,
        "Statement of Applicability (ISO/IEC 42001 clause 6.1.3)",
        "6.1.3",
        &["6.1.3.d", "6.1.3"],
    );
    doc.heading("What the assessment records today");
    doc.bullets(&current_state(context, &["6.1.3"]));

    let soa = &context.result.soa;
    let included = soa.iter().filter(|entry| entry.included).count();
    doc.heading("Controls");
    doc.para(&format!(
        "{} controls of Annex A: {} included, {} excluded. An included control is justified by \
         the risks it treats, the law obligations it supports and its place in the reference \
         control set; an excluded one by the organisation's own justification. The status is \
         the assessment's judgement on {} {}",
        soa.len(),
        included,
        soa.len() - included,
        context.assessment.as_of,
        source(&[src_result("soa"), src_iso("6.1.3")])
    ));
    let rows: Vec<Vec<String>> = soa
        .iter()
        .map(|entry| {
            let mut sources = Vec::new();
            if let Some(answer) = context.answer(&entry.control) {
                sources.push(src_answer(&answer.id));
            }
            sources.push(src_result(&format!("soa {}", escape(&entry.control))));
            let mut justification = if entry.justification.trim().is_empty() {
                decide("justification")
            } else {
                escape(&entry.justification)
            };
            let treated: Vec<String> = risks
                .iter()
                .filter(|risk| risk.controls.contains(&entry.control.as_str()))
                .map(|risk| risk.id.clone())
                .collect();
            if !treated.is_empty() {
                sources.push("ai-risk-register.md".to_string());
                if !justification.ends_with('.') {
                    justification.push('.');
                }
                if entry.included {
                    justification.push_str(&format!(
                        " Treats the register risks {}",
                        capped(treated, 6).join(", ")
                    ));
                } else {
                    justification.push_str(&format!(
                        " The register proposes it to treat {}: {}",
                        capped(treated, 6).join(", "),
                        decide("keep the exclusion or include the control")
                    ));
                }
            }
            let evidence: Vec<String> = entry
                .evidence
                .iter()
                .map(|(reference, kind, date)| evidence_text(reference, kind.as_str(), *date))
                .collect();
            vec![
                escape(&entry.control),
                escape(&entry.title),
                if entry.included { "yes" } else { "no" }.to_string(),
                format!("{justification} {}", source(&sources)),
                words(entry.status.as_str()),
                entry
                    .owner
                    .as_deref()
                    .map_or_else(|| decide("owner"), escape),
                if evidence.is_empty() {
                    if entry.included {
                        decide("evidence")
                    } else {
                        "-".to_string()
                    }
                } else {
                    evidence.join("; ")
                },
                entry
                    .last_review
                    .map_or_else(|| decide("date of review"), |date| date.to_string()),
            ]
        })
        .collect();
    doc.table(
        &[
            "Control",
            "Title",
            "Included",
            "Justification",
            "Status",
            "Owner",
            "Evidence",
            "Last review",
        ],
        &rows,
    );
    doc.para(&format!(
        "Controls beyond Annex A that the risk treatment calls for: {} {}",
        decide("additional controls, or none"),
        source(&[src_iso("6.1.3")])
    ));

    doc.heading("Approval");
    signature_block(
        &mut doc,
        &["Prepared by", "Reviewed by", "Approved by (top management)"],
    );

    Artefact {
        file_name: "statement-of-applicability.md".to_string(),
        title: title.to_string(),
        markdown: doc.finish(),
    }
}
