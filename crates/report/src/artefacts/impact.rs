//! One AI system impact assessment per AI system (ISO/IEC 42001 clause 6.1.4 and controls A.5.2
//! to A.5.5), laid out along the structure of ISO/IEC 42005. The view gathers the system's
//! facts, its law obligations and the register rows seeded for it; the template words them.

use super::view::{ControlLines, CurrentState, Preface, Signatures, Source, SourceRef, render};
use super::{Artefact, Context, RiskRow, classification_words, finish, label, words};
use aimsgap_assess::{AiSystem, ObligationItem, ObligationState, SystemObligations, SystemRole};
use askama::Template;

/// How many obligations a source note cites before it counts the rest.
const OBLIGATIONS_CITED: usize = 3;

/// An obligation whose duties this assessment supports.
#[derive(Debug)]
struct Supported<'a> {
    law: &'a str,
    item: &'a ObligationItem,
}

/// An obligation of a law, with the ISO/IEC 42001 requirements that support it.
#[derive(Debug)]
struct ItemView<'a> {
    item: &'a ObligationItem,
    /// (requirement id, status words).
    supported_by: Vec<(&'a str, String)>,
}

/// A point of some obligations the catalog has not confirmed: one sentence of its notes.
#[derive(Debug)]
struct Unverified<'a> {
    note: &'a str,
    references: Vec<&'a str>,
}

/// The sentences of a note. A sentence ends at `. ` before a capital letter, unless the word
/// before the full stop is a single letter or an abbreviation the notes use (`U.S. District`,
/// `v. Weiser`, `Art. 4`, `No. 1`).
fn sentences(note: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut start = 0;
    for (at, _) in note.match_indices(". ") {
        let next = note.get(at + 2..).and_then(|rest| rest.chars().next());
        let word = note
            .get(start..at)
            .and_then(|before| before.rsplit([' ', '.', '(']).next())
            .unwrap_or("");
        let abbreviation = word.chars().count() < 2 || matches!(word, "Art" | "No" | "Nos" | "Reg");
        if next.is_some_and(char::is_uppercase) && !abbreviation {
            if let Some(sentence) = note.get(start..=at) {
                found.push(sentence.trim());
            }
            start = at + 2;
        }
    }
    if let Some(rest) = note.get(start..).map(str::trim)
        && !rest.is_empty()
    {
        found.push(rest);
    }
    found
}

/// What one law says about the system.
#[derive(Debug)]
struct LawView<'a> {
    law: &'a str,
    name: &'a str,
    version: &'a str,
    classification: &'static str,
    tiers: Vec<String>,
    reasons: Vec<String>,
    items: Vec<ItemView<'a>>,
    unverified: Vec<Unverified<'a>>,
}

/// An Annex A control named by the system's register rows.
#[derive(Debug)]
struct ControlRow<'a> {
    control: &'a str,
    title: Option<&'a str>,
    /// `Some(included)` when the control is in the SoA.
    included: Option<bool>,
    status: Option<String>,
    owner: Option<&'a str>,
    risks: Vec<&'a str>,
}

/// A date on which obligations of one law begin to apply to the system.
#[derive(Debug)]
struct DateTrigger<'a> {
    date: String,
    law: &'a str,
    count: usize,
    source: String,
}

#[derive(Debug, Template)]
#[template(path = "artefacts/impact.md")]
struct ImpactView<'a> {
    organisation: &'a str,
    system: &'a AiSystem,
    preface: String,
    current: String,
    role: Option<String>,
    supported: Vec<Supported<'a>>,
    legal_source: String,
    description: Option<&'a str>,
    annex_iii_area: Option<&'a str>,
    /// The Annex I product in words.
    annex_i_product: Option<String>,
    decisions: Vec<&'a str>,
    /// The decisions, then the Annex III area: what the system decides about.
    decision_subjects: Vec<&'a str>,
    /// Its outputs contribute to decisions about people (a consequential decision, or use in
    /// an Annex III area).
    decides_about_people: bool,
    /// The same, except when the Art. 6(3) exemption takes the area out of high risk.
    consequential: bool,
    laws: Vec<LawView<'a>>,
    /// Whether any law's reading is not yet confirmed: the legal part then opens with one
    /// notice, and the notes follow once at the end.
    unconfirmed: bool,
    as_of: String,
    deployer: bool,
    employment: bool,
    data_controls: String,
    risk_count: usize,
    controls: Vec<ControlRow<'a>>,
    triggers: Vec<DateTrigger<'a>>,
    monitoring: Option<String>,
    signatures: String,
}

/// The impact assessment of the system at `position` of the inventory.
pub(super) fn impact_assessment<'a>(
    context: &Context<'a>,
    position: usize,
    system: &'a AiSystem,
    stem: &str,
    risks: &[RiskRow<'a>],
) -> Artefact {
    let entries: Vec<&'a SystemObligations> = context.obligations_of(system).collect();

    let mut supported = Vec::new();
    let mut legal = Vec::new();
    for entry in &entries {
        for item in &entry.items {
            // The obligations the catalog maps to the impact assessment requirements.
            let supports_impact = item
                .supported_by
                .iter()
                .any(|(id, _)| id.starts_with("6.1.4") || id.starts_with("A.5."));
            if supports_impact {
                legal.push(SourceRef::obligation(&entry.law, &item.reference));
                supported.push(Supported {
                    law: &entry.law,
                    item,
                });
            }
        }
    }

    let area_title = |area: &'a String| {
        context
            .list_entry("eu-ai-act", "annex_iii_areas", area)
            .unwrap_or(area)
    };
    let decision_titles: Vec<&'a str> = system
        .consequential_decisions
        .iter()
        .map(|decision| {
            context
                .list_entry("colorado-ai", "consequential_decisions", decision)
                .unwrap_or(decision)
        })
        .collect();

    let laws: Vec<LawView<'a>> = entries
        .iter()
        .map(|entry| law_view(context, entry))
        .collect();
    let unconfirmed = laws.iter().any(|law| !law.unverified.is_empty());

    let own: Vec<&RiskRow<'a>> = risks.iter().filter(|r| r.system == position).collect();
    let mut named: Vec<&'a str> = Vec::new();
    for risk in &own {
        for control in &risk.controls {
            if !named.contains(control) {
                named.push(control);
            }
        }
    }
    if let Some(iso) = context.iso {
        named.sort_by_key(|id| iso.position(id).unwrap_or(usize::MAX));
    }
    let controls = named
        .iter()
        .map(|control| {
            let entry = context.soa(control);
            ControlRow {
                control,
                title: context
                    .iso
                    .and_then(|iso| iso.get(control))
                    .map(|requirement| requirement.title.as_str()),
                included: entry.map(|entry| entry.included),
                status: entry.map(|entry| words(entry.status.as_str())),
                owner: entry.and_then(|entry| entry.owner.as_deref()),
                risks: own
                    .iter()
                    .filter(|risk| risk.controls.contains(control))
                    .map(|risk| risk.id.as_str())
                    .collect(),
            }
        })
        .collect();

    let mut dates: Vec<(aimsgap_catalog::Date, &'a str, Vec<SourceRef>)> = Vec::new();
    for entry in &entries {
        for item in entry
            .items
            .iter()
            .filter(|item| item.state == ObligationState::Upcoming)
        {
            let reference = SourceRef::obligation(&entry.law, &item.reference);
            match dates
                .iter_mut()
                .find(|(date, law, _)| *date == item.applies_from && *law == entry.law)
            {
                Some((_, _, references)) => references.push(reference),
                None => dates.push((item.applies_from, &entry.law, vec![reference])),
            }
        }
    }
    dates.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let triggers = dates
        .into_iter()
        .map(|(date, law, references)| DateTrigger {
            date: date.to_string(),
            law: context.framework_title(law),
            count: references.len(),
            source: render(&Source::new(SourceRef::capped(
                references,
                OBLIGATIONS_CITED,
            ))),
        })
        .collect();

    let view = ImpactView {
        organisation: &context.assessment.organization.name,
        system,
        preface: render(&Preface::new(
            context,
            "AI system impact assessment (ISO/IEC 42001 clause 6.1.4 and controls A.5.2 to A.5.5; laid out along ISO/IEC 42005)",
            "6.1.4",
            &["6.1.4", "A.5.2"],
        )),
        current: render(&CurrentState::new(context, &["6.1.4", "A.5"])),
        role: system.role.map(|role| words(role.as_str())),
        supported,
        legal_source: render(&Source::new(SourceRef::capped(legal, OBLIGATIONS_CITED))),
        description: (!system.description.trim().is_empty()).then_some(&system.description),
        annex_iii_area: system.annex_iii_area.as_ref().map(area_title),
        annex_i_product: system.annex_i_product.as_deref().map(|product| {
            context
                .list_entry("eu-ai-act", "annex_i_products", product)
                .map_or_else(|| label(product), str::to_string)
        }),
        decision_subjects: decision_titles
            .iter()
            .copied()
            .chain(system.annex_iii_area.as_ref().map(area_title))
            .collect(),
        decisions: decision_titles,
        decides_about_people: !system.consequential_decisions.is_empty()
            || system.annex_iii_area.is_some(),
        consequential: !system.consequential_decisions.is_empty()
            || (system.annex_iii_area.is_some() && !system.art_6_3_exemption),
        laws,
        unconfirmed,
        as_of: context.assessment.as_of.to_string(),
        deployer: system.role == Some(SystemRole::Deployer),
        employment: system.annex_iii_area.as_deref() == Some("employment")
            || system
                .consequential_decisions
                .iter()
                .any(|d| d == "employment"),
        data_controls: render(&ControlLines::new(
            context,
            &["A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6"],
        )),
        risk_count: own.len(),
        controls,
        triggers,
        monitoring: context
            .soa("A.6.2.6")
            .map(|entry| words(entry.status.as_str())),
        signatures: render(&Signatures {
            roles: &["Assessor", "AI system owner", "Approved by"],
        }),
    };
    Artefact {
        file_name: format!("impact-assessment-{stem}.md"),
        title: format!("AI system impact assessment: {}", system.name),
        markdown: finish(render(&view)),
    }
}

fn law_view<'a>(context: &Context<'a>, entry: &'a SystemObligations) -> LawView<'a> {
    // The catalog's notes often open with the same caveat and add a point of their own: each
    // sentence is said once, with every obligation it concerns.
    let mut unverified: Vec<Unverified<'a>> = Vec::new();
    for item in &entry.items {
        for note in item
            .unverified
            .as_deref()
            .map(sentences)
            .unwrap_or_default()
        {
            match unverified.iter_mut().find(|u| u.note == note) {
                Some(found) => {
                    if !found.references.contains(&&*item.reference) {
                        found.references.push(&item.reference);
                    }
                }
                None => unverified.push(Unverified {
                    note,
                    references: vec![&item.reference],
                }),
            }
        }
    }
    LawView {
        law: &entry.law,
        name: context.framework_title(&entry.law),
        version: &entry.version,
        classification: classification_words(entry.classification),
        tiers: entry
            .tiers
            .iter()
            .map(|tier| {
                context
                    .list_entry(&entry.law, "tiers", tier)
                    .map_or_else(|| words(tier), str::to_string)
            })
            .collect(),
        reasons: entry
            .reasons
            .iter()
            .map(|reason| context.reason_words(reason))
            .collect(),
        items: entry
            .items
            .iter()
            .map(|item| ItemView {
                item,
                supported_by: item
                    .supported_by
                    .iter()
                    .map(|(id, status)| (id.as_str(), words(status.as_str())))
                    .collect(),
            })
            .collect(),
        unverified,
    }
}
