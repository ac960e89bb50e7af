//! The AI risk register, seeded from the facts of each AI system and, for generative systems,
//! from the NIST AI 600-1 risks (ISO/IEC 42001 clauses 6.1.2 and 8.2).

use super::*;

/// One seeded row of the risk register.
pub(super) struct RiskRow<'a> {
    pub(super) id: String,
    pub(super) system: usize,
    /// What gives rise to the risk (our text, user text escaped).
    pub(super) cause: String,
    pub(super) consequence: String,
    pub(super) affected: String,
    pub(super) controls: Vec<&'a str>,
    pub(super) sources: Vec<String>,
}

/// A register row before it gets its id.
struct Seed<'a> {
    cause: String,
    consequence: String,
    affected: String,
    controls: Vec<&'a str>,
    sources: Vec<String>,
}

impl<'a> Seed<'a> {
    fn new(
        cause: String,
        consequence: String,
        affected: String,
        controls: Vec<&'a str>,
        sources: Vec<String>,
    ) -> Seed<'a> {
        Seed {
            cause,
            consequence,
            affected,
            controls,
            sources,
        }
    }
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
        let mut seeds: Vec<Seed<'a>> = Vec::new();
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
                    let (controls, affected) = context
                        .catalog
                        .risk_method
                        .treatment(&risk.id)
                        .map_or((Vec::new(), decide("affected parties")), |treatment| {
                            (
                                treatment.controls.iter().map(String::as_str).collect(),
                                treatment.affected.clone(),
                            )
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

pub(super) fn risk_register(context: &Context, risks: &[RiskRow]) -> Artefact {
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
