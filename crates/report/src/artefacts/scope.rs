//! The AIMS scope statement (ISO/IEC 42001 clause 4.3).

use super::*;

pub(super) fn scope(context: &Context) -> Artefact {
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
