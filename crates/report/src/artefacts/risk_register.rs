//! The AI risk register (ISO/IEC 42001 clauses 6.1.2 and 8.2), seeded from the facts recorded
//! about each AI system and, for generative systems, from the NIST AI 600-1 risks with the
//! Annex A treatment the catalog maps to them.

use super::view::{ControlLines, Preface, Source, SourceRef, render};
use super::{Artefact, Context, finish};
use aimsgap_assess::SystemRole;
use aimsgap_catalog::{Tier, Trigger};
use askama::Template;

/// How many law obligations a seeded row cites before it counts the rest.
const OBLIGATIONS_CITED: usize = 3;

/// What a seeded row is about; the template words the risk source, the consequence and the
/// affected parties of each kind.
#[derive(Debug)]
enum Seed<'a> {
    /// The system gives wrong results in operation; the system's name.
    Performance(&'a str),
    /// Data used by a provider.
    Data,
    /// A supplied system; the system's name.
    Supply(&'a str),
    /// People interact with the system; its name.
    Interaction(&'a str),
    Synthetic,
    /// Emotions or categories inferred about people; the system's name.
    Inference(&'a str),
    /// Use in an Annex III area: the system's name and the area's title.
    HighRiskArea(&'a str, &'a str),
    /// The AI of an Annex I product, in words.
    Product(String),
    /// A consequential decision domain's title.
    Decision(&'a str),
    Gpai,
    Systemic,
    /// A prohibited practice: the system's name and the practice's title.
    Prohibited(&'a str, &'a str),
    /// A NIST AI 600-1 risk: its title, the first sentence of its summary, and who it affects
    /// when the catalog says.
    Generative(&'a str, &'a str, Option<&'a str>),
}

/// One seeded row of the risk register.
#[derive(Debug)]
pub(super) struct RiskRow<'a> {
    pub(super) id: String,
    /// Position of the AI system in the inventory.
    pub(super) system: usize,
    seed: Seed<'a>,
    /// The Annex A controls proposed as treatment.
    pub(super) controls: Vec<&'a str>,
    sources: Vec<SourceRef>,
}

fn first_sentence(text: &str) -> &str {
    match text.find(". ") {
        Some(end) => text.get(..=end).unwrap_or(text),
        None => text,
    }
}

/// The seeded register: rows derived from each system's facts, then the NIST AI 600-1 risks
/// for generative systems.
pub(super) fn risk_rows<'a>(context: &Context<'a>) -> Vec<RiskRow<'a>> {
    let mut rows = Vec::new();
    for (position, system) in context.assessment.ai_systems.iter().enumerate() {
        let mut seeds: Vec<(Seed<'a>, Vec<&'a str>, Vec<SourceRef>)> = Vec::new();
        let name = system.name.as_str();
        let id = system.id.as_str();
        // A fact about the system, then the obligations it triggers.
        let cited = |field: &'static str,
                     matches: &dyn Fn(&aimsgap_catalog::Obligation) -> bool| {
            let mut sources = vec![SourceRef::system(id, field)];
            sources.extend(SourceRef::capped(
                context.triggered_refs(system, matches),
                OBLIGATIONS_CITED,
            ));
            sources
        };
        let provides = matches!(
            system.role,
            Some(SystemRole::Provider | SystemRole::ProductManufacturer)
        );
        seeds.push((
            Seed::Performance(name),
            if provides {
                vec!["A.6.2.4", "A.6.2.6", "A.6.2.8"]
            } else {
                vec!["A.6.2.6", "A.9.2", "A.9.4"]
            },
            vec![
                SourceRef::system(id, "description"),
                SourceRef::iso("6.1.2.c"),
            ],
        ));
        if provides {
            seeds.push((
                Seed::Data,
                vec!["A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6"],
                vec![SourceRef::system(id, "role")],
            ));
        } else if system.role.is_some() {
            seeds.push((
                Seed::Supply(name),
                vec!["A.10.2", "A.10.3", "A.9.4"],
                vec![SourceRef::system(id, "role")],
            ));
        }
        if system.interacts_with_natural_persons {
            seeds.push((
                Seed::Interaction(name),
                vec!["A.8.2", "A.8.5", "A.9.2"],
                cited("interacts_with_natural_persons", &|o| {
                    o.trigger == Some(Trigger::InteractsWithNaturalPersons)
                }),
            ));
        }
        if system.generates_synthetic_content {
            seeds.push((
                Seed::Synthetic,
                vec!["A.6.2.2", "A.8.2", "A.8.5"],
                cited("generates_synthetic_content", &|o| {
                    matches!(
                        o.trigger,
                        Some(Trigger::GeneratesSyntheticContent | Trigger::DeepFake)
                    )
                }),
            ));
        }
        if system.emotion_recognition || system.biometric_categorisation {
            seeds.push((
                Seed::Inference(name),
                vec!["A.5.4", "A.7.3", "A.8.2"],
                cited("emotion_recognition", &|o| {
                    o.trigger == Some(Trigger::EmotionRecognitionOrBiometricCategorisation)
                }),
            ));
        }
        if let Some(area) = &system.annex_iii_area {
            let title = context
                .list_entry("eu-ai-act", "annex_iii_areas", area)
                .unwrap_or(area);
            seeds.push((
                Seed::HighRiskArea(name, title),
                vec!["A.5.4", "A.5.5", "A.6.2.4", "A.9.2", "A.9.4"],
                cited("annex_iii_area", &|o| {
                    o.tiers.contains(&Tier::HighRiskAnnexIii)
                        || o.trigger == Some(Trigger::Art63Exemption)
                }),
            ));
        }
        if let Some(product) = &system.annex_i_product {
            seeds.push((
                Seed::Product(product.replace('_', " ")),
                vec!["A.6.2.4", "A.6.2.5", "A.6.2.6", "A.8.4"],
                cited("annex_i_product", &|o| {
                    o.tiers.contains(&Tier::HighRiskAnnexI)
                }),
            ));
        }
        for decision in &system.consequential_decisions {
            let title = context
                .list_entry("colorado-ai", "consequential_decisions", decision)
                .unwrap_or(decision);
            seeds.push((
                Seed::Decision(title),
                vec!["A.5.4", "A.6.2.4", "A.7.4", "A.8.5", "A.9.2"],
                cited("consequential_decisions", &|o| {
                    matches!(
                        o.trigger,
                        Some(Trigger::ConsequentialDecision | Trigger::CreditOrInsuranceScoring)
                    )
                }),
            ));
        }
        if system.gpai_model {
            seeds.push((
                Seed::Gpai,
                vec!["A.6.2.7", "A.7.5", "A.8.2", "A.10.4"],
                cited("gpai_model", &|o| o.tiers.contains(&Tier::Gpai)),
            ));
        }
        if system.gpai_systemic_risk {
            seeds.push((
                Seed::Systemic,
                vec!["A.5.5", "A.6.2.4", "A.8.4"],
                cited("gpai_systemic_risk", &|o| {
                    o.tiers.contains(&Tier::GpaiSystemic)
                }),
            ));
        }
        if let Some(practice) = &system.prohibited_practice {
            let title = context
                .list_entry("eu-ai-act", "prohibited_practices", practice)
                .unwrap_or(practice);
            seeds.push((
                Seed::Prohibited(name, title),
                vec!["A.9.4", "A.5.4"],
                cited("prohibited_practice", &|o| {
                    o.tiers.contains(&Tier::Prohibited)
                        || o.trigger == Some(Trigger::ProhibitedPractice)
                }),
            ));
        }
        if system.generates_synthetic_content || system.gpai_model {
            let fact = if system.generates_synthetic_content {
                "generates_synthetic_content"
            } else {
                "gpai_model"
            };
            // The rule: a generative AI risk is seeded only where the system's facts make it
            // possible, as the risk method says for each risk (`arises_when`); a risk the
            // method does not map keeps the default of any generative system.
            let holds = |fact: &str| match fact {
                "generates_synthetic_content" => system.generates_synthetic_content,
                "gpai_model" => system.gpai_model,
                "interacts_with_natural_persons" => system.interacts_with_natural_persons,
                _ => false,
            };
            if let Some(profile) = context.catalog.framework("nist-ai-600-1") {
                for risk in profile.assessable() {
                    let treatment = context.catalog.risk_method.treatment(&risk.id);
                    if treatment.is_some_and(|treatment| !treatment.arises(holds)) {
                        continue;
                    }
                    seeds.push((
                        Seed::Generative(
                            &risk.title,
                            first_sentence(&risk.summary),
                            treatment.map(|t| t.affected.as_str()),
                        ),
                        treatment.map_or_else(Vec::new, |t| {
                            t.controls.iter().map(String::as_str).collect()
                        }),
                        vec![
                            SourceRef::system(id, fact),
                            SourceRef::labelled("nist-ai-600-1 ", &risk.id),
                        ],
                    ));
                }
            }
        }
        for (number, (seed, controls, sources)) in seeds.into_iter().enumerate() {
            rows.push(RiskRow {
                id: format!("R{:02}-{:02}", position + 1, number + 1),
                system: position,
                seed,
                controls,
                sources,
            });
        }
    }
    rows
}

/// A control proposed as treatment, flagged when the SoA excludes it.
#[derive(Debug)]
struct Proposed<'a> {
    control: &'a str,
    excluded: bool,
}

/// One row of the register as printed.
#[derive(Debug)]
struct RowView<'r, 'a> {
    row: &'r RiskRow<'a>,
    system: &'a str,
    treatment: Vec<Proposed<'a>>,
    source: String,
}

#[derive(Debug, Template)]
#[template(path = "artefacts/risk-register.md")]
struct RiskRegisterView<'r, 'a> {
    organisation: &'a str,
    preface: String,
    generative: bool,
    rows: Vec<RowView<'r, 'a>>,
    /// Whether any row names a control, and what the SoA says of those the catalog knows.
    named: bool,
    controls: String,
}

pub(super) fn risk_register<'a>(context: &Context<'a>, risks: &[RiskRow<'a>]) -> Artefact {
    let systems = &context.assessment.ai_systems;
    let rows = risks
        .iter()
        .map(|risk| RowView {
            row: risk,
            system: systems.get(risk.system).map_or("", |s| s.name.as_str()),
            // Ids the catalog does not know are left out rather than proposed.
            treatment: risk
                .controls
                .iter()
                .filter(|id| context.iso.is_none_or(|iso| iso.get(id).is_some()))
                .map(|id| Proposed {
                    control: id,
                    excluded: context.soa(id).is_some_and(|entry| !entry.included),
                })
                .collect(),
            source: render(&Source::new(risk.sources.iter().cloned())),
        })
        .collect();
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
    let view = RiskRegisterView {
        organisation: &context.assessment.organization.name,
        preface: render(&Preface::new(
            context,
            "AI risk register (ISO/IEC 42001 clauses 6.1.2 and 8.2)",
            "6.1.2",
            &["6.1.2.c", "6.1.2", "8.2"],
        )),
        generative: systems
            .iter()
            .any(|s| s.generates_synthetic_content || s.gpai_model),
        rows,
        named: !named.is_empty(),
        controls: render(&ControlLines::new(context, &named)),
    };
    Artefact {
        file_name: "ai-risk-register.md".to_string(),
        title: "AI risk register".to_string(),
        markdown: finish(render(&view)),
    }
}
