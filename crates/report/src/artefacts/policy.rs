//! The AI policy (ISO/IEC 42001 clause 5.2 and control A.2.2).

use super::*;

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

pub(super) fn policy(context: &Context) -> Artefact {
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
