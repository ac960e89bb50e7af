//! One AI system impact assessment per AI system (ISO/IEC 42001 clause 6.1.4 and controls A.5.2
//! to A.5.5), laid out along the structure of ISO/IEC 42005.

use super::*;

pub(super) fn impact_assessment(
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
