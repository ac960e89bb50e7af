//! The AIMS scope statement (ISO/IEC 42001 clause 4.3): the organisation, its AI systems and
//! roles, the laws that reach them, the boundaries, what held certifications lend the AIMS,
//! the exclusions and the interested parties. The view gathers the facts; the template words
//! them.

use super::view::{CurrentState, Preface, Signatures, Source, SourceRef, render};
use super::{Artefact, Context, classification_words, count, finish, label, words};
use aimsgap_assess::{
    AiSystem, Assessment, Certification, CertificationStatus, ControlStatus, SystemRole, TARGET,
    inherited_credit,
};
use aimsgap_catalog::Relationship;
use askama::Template;

/// How many controls of a certification a reuse row names before it counts the rest.
const CONTROLS_SHOWN: usize = 8;

/// An AI system of the inventory as the scope lists it.
#[derive(Debug)]
struct SystemView<'a> {
    system: &'a AiSystem,
    description: Option<&'a str>,
    role: Option<String>,
    /// What the role means, from the EU AI Act's list of roles.
    meaning: Option<&'a str>,
    /// The general-purpose model provider role it also holds, when it does.
    also: Option<&'a str>,
    source: String,
    /// It depends on another provider (deployer, importer, distributor).
    supplied: bool,
}

/// One law that reaches one AI system.
#[derive(Debug)]
struct LawRow<'a> {
    system: &'a AiSystem,
    law: &'a str,
    name: &'a str,
    classification: &'static str,
    references: Vec<&'a str>,
    reasons: Vec<String>,
    earliest: Option<String>,
}

/// An ISO/IEC 42001 clause or objective whose requirements inherit credit.
#[derive(Debug)]
struct ReuseRow<'a> {
    group: &'a str,
    title: &'a str,
    credited: Vec<&'a str>,
    through: Vec<&'a str>,
    more: usize,
}

/// What a certification lends the AIMS.
#[derive(Debug)]
enum Reuse<'a> {
    NotInForce,
    NoCrosswalk,
    Nothing,
    Rows(Vec<ReuseRow<'a>>),
}

/// A held certification.
#[derive(Debug)]
struct CertificationView<'a> {
    certification: &'a Certification,
    name: &'a str,
    status: String,
    valid_until: Option<String>,
    reuse: Reuse<'a>,
    /// A management system standard, whose processes the AIMS integrates with; otherwise a
    /// voluntary framework whose practices it builds on.
    management_system: bool,
}

/// An Annex A control the SoA excludes.
#[derive(Debug)]
struct Exclusion<'a> {
    control: &'a str,
    title: &'a str,
    justification: Option<&'a str>,
    answer: Option<&'a str>,
}

/// The interested parties the scope names, in the order it names them.
#[derive(Debug)]
enum Party<'a> {
    TopManagement,
    Customers,
    Providers,
    Affected,
    Downstream,
    Staff,
    Suppliers,
    /// The authorities enforcing a law, by its name.
    Authorities(&'a str),
    CertificationBody,
    Other,
}

/// An interested party with the AI systems that make it one.
#[derive(Debug)]
struct PartyView<'a> {
    party: Party<'a>,
    names: Vec<&'a str>,
    source: String,
}

#[derive(Debug, Template)]
#[template(path = "artefacts/scope.md")]
struct ScopeView<'a> {
    organisation: &'a str,
    assessment: &'a Assessment,
    employees: String,
    team_fte: String,
    sector: String,
    preface: String,
    current: String,
    systems: Vec<SystemView<'a>>,
    laws: Vec<LawRow<'a>>,
    stages: Vec<&'static str>,
    certifications: Vec<CertificationView<'a>>,
    as_of: String,
    exclusions: Vec<Exclusion<'a>>,
    parties_state: String,
    parties: Vec<PartyView<'a>>,
    signatures: String,
}

fn develops(system: &AiSystem) -> bool {
    matches!(
        system.role,
        Some(SystemRole::Provider | SystemRole::ProductManufacturer)
    )
}

fn supplied(system: &AiSystem) -> bool {
    matches!(
        system.role,
        Some(SystemRole::Deployer | SystemRole::Importer | SystemRole::Distributor)
    )
}

pub(super) fn scope(context: &Context) -> Artefact {
    let assessment = context.assessment;
    let organization = &assessment.organization;
    let systems = assessment
        .ai_systems
        .iter()
        .map(|system| {
            let mut sources = vec![SourceRef::system(&system.id, "role")];
            let gpai_provider = system.gpai_model && system.role == Some(SystemRole::Provider);
            if gpai_provider {
                sources.push(SourceRef::system(&system.id, "gpai_model"));
            }
            sources.push(SourceRef::ours("eu-ai-act roles"));
            let meaning = system
                .role
                .and_then(|role| context.list_entry("eu-ai-act", "roles", role.as_str()));
            SystemView {
                system,
                description: (!system.description.trim().is_empty())
                    .then_some(system.description.as_str()),
                role: system.role.map(|role| words(role.as_str())),
                meaning,
                also: gpai_provider
                    .then(|| context.list_entry("eu-ai-act", "roles", "gpai_provider"))
                    .flatten(),
                source: render(&Source::new(sources)),
                supplied: supplied(system),
            }
        })
        .collect();
    let mut laws = Vec::new();
    for system in &assessment.ai_systems {
        for entry in context.obligations_of(system) {
            laws.push(LawRow {
                system,
                law: &entry.law,
                name: context.framework_title(&entry.law),
                classification: classification_words(entry.classification),
                references: entry.items.iter().map(|item| &*item.reference).collect(),
                reasons: entry
                    .reasons
                    .iter()
                    .map(|reason| context.reason_words(reason))
                    .collect(),
                earliest: entry
                    .items
                    .iter()
                    .map(|item| item.applies_from)
                    .min()
                    .map(|date| date.to_string()),
            });
        }
    }
    let mut stages = Vec::new();
    if assessment.ai_systems.iter().any(develops) {
        stages.push("design and development, verification and validation, release");
    }
    if !assessment.ai_systems.is_empty() {
        stages.push("deployment, operation and monitoring, change, retirement");
    }
    if assessment.ai_systems.iter().any(supplied) {
        stages.push("procurement and supplier oversight");
    }
    let view = ScopeView {
        organisation: &organization.name,
        assessment,
        employees: count(organization.employees, "employee", "employees"),
        team_fte: count(
            organization.team_fte,
            "full-time equivalent",
            "full-time equivalents",
        ),
        sector: label(&organization.sector),
        preface: render(&Preface::new(
            context,
            "AIMS scope statement (ISO/IEC 42001 clause 4.3)",
            "4.3",
            &["4.3"],
        )),
        current: render(&CurrentState::new(context, &["4.3"])),
        systems,
        laws,
        stages,
        certifications: assessment
            .certifications
            .iter()
            .map(|certification| certification_view(context, certification))
            .collect(),
        as_of: assessment.as_of.to_string(),
        exclusions: context
            .result
            .soa
            .iter()
            .filter(|entry| !entry.included)
            .map(|entry| Exclusion {
                control: &entry.control,
                title: &entry.title,
                justification: (!entry.justification.trim().is_empty())
                    .then_some(entry.justification.as_str()),
                answer: context
                    .answer(&entry.control)
                    .map(|answer| answer.id.as_str()),
            })
            .collect(),
        parties_state: render(&CurrentState::new(context, &["4.2"])),
        parties: interested_parties(context),
        signatures: render(&Signatures {
            roles: &["Prepared by", "Approved by (top management)"],
        }),
    };
    Artefact {
        file_name: "aims-scope.md".to_string(),
        title: "AIMS scope statement".to_string(),
        markdown: finish(render(&view)),
    }
}

/// What a held certification lends the AIMS: the ISO/IEC 42001 requirements its crosswalk
/// credits, grouped by clause and Annex A objective, with the certification's controls behind.
fn certification_view<'a>(
    context: &Context<'a>,
    certification: &'a Certification,
) -> CertificationView<'a> {
    let view = |reuse| CertificationView {
        certification,
        name: context.framework_title(&certification.framework),
        status: words(certification.status.as_str()),
        valid_until: certification.valid_until.map(|date| date.to_string()),
        reuse,
        management_system: context.is_management_system(&certification.framework),
    };
    let in_force = certification.status != CertificationStatus::Expired
        && certification
            .valid_until
            .is_none_or(|until| until >= context.assessment.as_of);
    if !in_force {
        return view(Reuse::NotInForce);
    }
    let (Some(iso), Some(crosswalk)) = (
        context.iso,
        context.catalog.crosswalk(&certification.framework, TARGET),
    ) else {
        return view(Reuse::NoCrosswalk);
    };
    // The credit this certification alone gives, without any answer.
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
        let mut through: Vec<&'a str> = Vec::new();
        for requirement in iso.assessable() {
            if iso.group_of(&requirement.id) != group.id {
                continue;
            }
            let (credit, _) = inherited_credit(context.catalog, &alone, &requirement.id);
            if credit.hi <= 0.0 {
                continue;
            }
            credited.push(requirement.id.as_str());
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
        let more = through.len().saturating_sub(CONTROLS_SHOWN);
        through.truncate(CONTROLS_SHOWN);
        rows.push(ReuseRow {
            group: &group.id,
            title: &group.title,
            credited,
            through,
            more,
        });
    }
    if rows.is_empty() {
        view(Reuse::Nothing)
    } else {
        view(Reuse::Rows(rows))
    }
}

fn interested_parties<'a>(context: &Context<'a>) -> Vec<PartyView<'a>> {
    let systems = &context.assessment.ai_systems;
    let mut rows = Vec::new();
    let mut push = |party: Party<'a>, names: Vec<&'a str>, sources: Vec<SourceRef>| {
        rows.push(PartyView {
            party,
            names,
            source: render(&Source::new(sources)),
        });
    };
    // The systems for which a fact holds, and a source entry for each.
    let concerned = |holds: &dyn Fn(&AiSystem) -> bool, field: Option<&'static str>| {
        let matching: Vec<&'a AiSystem> = systems.iter().filter(|s| holds(s)).collect();
        let names: Vec<&'a str> = matching.iter().map(|s| s.name.as_str()).collect();
        let sources: Vec<SourceRef> = matching
            .iter()
            .map(|s| match field {
                Some(field) => SourceRef::system(&s.id, field),
                None => SourceRef::labelled("ai_system ", &s.id),
            })
            .collect();
        (names, sources)
    };
    push(
        Party::TopManagement,
        Vec::new(),
        vec![SourceRef::iso("5.1")],
    );
    let (names, sources) = concerned(&develops, Some("role"));
    if !names.is_empty() {
        push(Party::Customers, names, sources);
    }
    let (names, sources) = concerned(&supplied, Some("role"));
    if !names.is_empty() {
        push(Party::Providers, names, sources);
    }
    let affects = |s: &AiSystem| {
        s.interacts_with_natural_persons
            || s.annex_iii_area.is_some()
            || s.annex_i_product.is_some()
            || !s.consequential_decisions.is_empty()
            || s.emotion_recognition
            || s.biometric_categorisation
    };
    let (names, sources) = concerned(&affects, None);
    if !names.is_empty() {
        push(Party::Affected, names, sources);
    }
    let (names, sources) = concerned(&|s| s.gpai_model, Some("gpai_model"));
    if !names.is_empty() {
        push(Party::Downstream, names, sources);
    }
    push(
        Party::Staff,
        Vec::new(),
        vec![SourceRef::iso("7.2"), SourceRef::iso("A.4.6")],
    );
    push(Party::Suppliers, Vec::new(), vec![SourceRef::iso("A.10.3")]);
    let mut laws: Vec<&'a str> = Vec::new();
    for entry in &context.result.obligations {
        if !entry.items.is_empty() && !laws.contains(&entry.law.as_str()) {
            laws.push(entry.law.as_str());
        }
    }
    for law in laws {
        push(
            Party::Authorities(context.framework_title(law)),
            Vec::new(),
            vec![SourceRef::labelled("result obligations ", law)],
        );
    }
    push(
        Party::CertificationBody,
        Vec::new(),
        vec![SourceRef::iso("4.2")],
    );
    push(Party::Other, Vec::new(), vec![SourceRef::iso("4.2")]);
    rows
}
