//! The AI policy (ISO/IEC 42001 clause 5.2 and control A.2.2). The view says which principles
//! apply (by the roles and facts of the AI systems), which laws bind and which dates come; the
//! template words the policy.

use super::view::{CurrentState, Preface, Signatures, Source, SourceRef, render};
use super::{Artefact, Context, count, finish, label, words};
use aimsgap_assess::{AiSystem, Classification, ObligationState, SystemRole};
use aimsgap_catalog::Trigger;
use askama::Template;

/// The principles the policy can state, in the order it states them.
#[derive(Clone, Copy, Debug)]
enum Principle {
    Accountability,
    HumanOversight,
    Fairness,
    SecurityPrivacy,
    SpeakingUp,
    Development,
    Use,
    PassingOn,
    Openness,
    Telling,
    Marking,
    Decisions,
    NoProhibited,
}

/// A principle that applies, with the systems it concerns.
#[derive(Debug)]
struct PrincipleView<'a> {
    principle: Principle,
    controls: &'static [&'static str],
    names: Vec<&'a str>,
    source: String,
}

/// An AI system and the organisation's role for it.
#[derive(Debug)]
struct RoleView<'a> {
    name: &'a str,
    role: Option<String>,
}

/// A law with obligations for some AI systems.
#[derive(Debug)]
struct LawView<'a> {
    law: &'a str,
    name: &'a str,
    systems: Vec<&'a str>,
}

/// A date after the as-of date on which obligations of one law begin to apply.
#[derive(Debug)]
struct DateView<'a> {
    law: &'a str,
    name: &'a str,
    date: String,
    count: usize,
    systems: Vec<&'a str>,
}

#[derive(Debug, Template)]
#[template(path = "artefacts/policy.md")]
struct PolicyView<'a> {
    organisation: &'a str,
    sector: String,
    employees: String,
    preface: String,
    current: String,
    roles: Vec<RoleView<'a>>,
    principles: Vec<PrincipleView<'a>>,
    /// Systems recorded as a prohibited practice: (name, id, practice).
    prohibited: Vec<(&'a str, &'a str, &'a str)>,
    upcoming: Vec<DateView<'a>>,
    stage1_date: String,
    laws: Vec<LawView<'a>>,
    responsibilities: String,
    /// The held certifications: (framework id, name, whether it is a management system).
    certifications: Vec<(&'a str, &'a str, bool)>,
    signatures: String,
}

pub(super) fn policy(context: &Context) -> Artefact {
    let assessment = context.assessment;
    let organization = &assessment.organization;
    let view = PolicyView {
        organisation: &organization.name,
        sector: label(&organization.sector),
        employees: count(organization.employees, "employee", "employees"),
        preface: render(&Preface::new(
            context,
            "AI policy (ISO/IEC 42001 clause 5.2 and control A.2.2)",
            "5.2",
            &["5.2", "A.2.2"],
        )),
        current: render(&CurrentState::new(context, &["5.2", "A.2"])),
        roles: assessment
            .ai_systems
            .iter()
            .map(|system| RoleView {
                name: &system.name,
                role: system.role.map(|role| words(role.as_str())),
            })
            .collect(),
        principles: principles(context),
        prohibited: assessment
            .ai_systems
            .iter()
            .filter_map(|system| {
                system
                    .prohibited_practice
                    .as_deref()
                    .map(|practice| (system.name.as_str(), system.id.as_str(), practice))
            })
            .collect(),
        upcoming: upcoming_dates(context),
        stage1_date: context.result.roadmap.stage1_date.to_string(),
        laws: binding_laws(context),
        responsibilities: render(&CurrentState::new(context, &["5.3"])),
        certifications: assessment
            .certifications
            .iter()
            .map(|c| {
                (
                    c.framework.as_str(),
                    context.framework_title(&c.framework),
                    context.is_management_system(&c.framework),
                )
            })
            .collect(),
        signatures: render(&Signatures {
            roles: &["Approved by (top management)"],
        }),
    };
    Artefact {
        file_name: "ai-policy.md".to_string(),
        title: "AI policy".to_string(),
        markdown: finish(render(&view)),
    }
}

/// The principles that apply: each one that concerns at least one AI system, or that holds
/// whatever the systems are.
fn principles<'a>(context: &Context<'a>) -> Vec<PrincipleView<'a>> {
    let systems = &context.assessment.ai_systems;
    let mut out = Vec::new();
    let mut principle = |principle: Principle,
                         controls: &'static [&'static str],
                         field: &'static str,
                         holds: &dyn Fn(&AiSystem) -> bool,
                         extra: Vec<SourceRef>| {
        let concerned: Vec<&'a AiSystem> = systems.iter().filter(|s| holds(s)).collect();
        if concerned.is_empty() && extra.is_empty() {
            return;
        }
        let sources = concerned
            .iter()
            .map(|s| SourceRef::system(&s.id, field))
            .chain(extra)
            .chain(controls.iter().map(|c| SourceRef::iso(c)));
        out.push(PrincipleView {
            principle,
            controls,
            names: concerned.iter().map(|s| s.name.as_str()).collect(),
            source: render(&Source::new(sources)),
        });
    };
    let every = |_: &AiSystem| true;
    let none = |_: &AiSystem| false;
    principle(
        Principle::Accountability,
        &["A.3.2", "A.10.2"],
        "role",
        &every,
        Vec::new(),
    );
    principle(
        Principle::HumanOversight,
        &["A.9.2", "A.4.6"],
        "role",
        &every,
        Vec::new(),
    );
    principle(
        Principle::Fairness,
        &["A.5.2", "A.5.4", "A.5.5"],
        "role",
        &every,
        Vec::new(),
    );
    principle(
        Principle::SecurityPrivacy,
        &["A.7.3", "A.6.2.8"],
        "role",
        &every,
        Vec::new(),
    );
    principle(
        Principle::SpeakingUp,
        &["A.3.3"],
        "role",
        &none,
        vec![SourceRef::iso("A.3.3")],
    );
    principle(
        Principle::Development,
        &["A.6.1.2", "A.6.2.4", "A.7.4", "A.7.5", "A.8.2"],
        "role",
        &|s| {
            matches!(
                s.role,
                Some(SystemRole::Provider | SystemRole::ProductManufacturer)
            )
        },
        Vec::new(),
    );
    principle(
        Principle::Use,
        &["A.9.4", "A.6.2.6", "A.10.3"],
        "role",
        &|s| s.role == Some(SystemRole::Deployer),
        Vec::new(),
    );
    principle(
        Principle::PassingOn,
        &["A.10.2", "A.10.3"],
        "role",
        &|s| matches!(s.role, Some(SystemRole::Importer | SystemRole::Distributor)),
        Vec::new(),
    );
    principle(
        Principle::Openness,
        &["A.6.2.7", "A.8.2", "A.10.4"],
        "gpai_model",
        &|s| s.gpai_model,
        Vec::new(),
    );
    let interacts = |s: &AiSystem| s.interacts_with_natural_persons;
    let telling_laws = systems
        .iter()
        .filter(|s| interacts(s))
        .flat_map(|system| {
            context.triggered_refs(system, &|o| {
                o.trigger == Some(Trigger::InteractsWithNaturalPersons)
            })
        })
        .collect();
    principle(
        Principle::Telling,
        &["A.8.2"],
        "interacts_with_natural_persons",
        &interacts,
        telling_laws,
    );
    let synthetic = |s: &AiSystem| s.generates_synthetic_content;
    let marking_laws = systems
        .iter()
        .filter(|s| synthetic(s))
        .flat_map(|system| {
            context.triggered_refs(system, &|o| {
                matches!(
                    o.trigger,
                    Some(Trigger::GeneratesSyntheticContent | Trigger::DeepFake)
                )
            })
        })
        .collect();
    principle(
        Principle::Marking,
        &["A.8.2", "A.6.2.2"],
        "generates_synthetic_content",
        &synthetic,
        marking_laws,
    );
    principle(
        Principle::Decisions,
        &["A.5.2", "A.5.4", "A.8.5", "A.9.2"],
        "consequential_decisions",
        &|s| {
            (s.annex_iii_area.is_some() && !s.art_6_3_exemption)
                || !s.consequential_decisions.is_empty()
        },
        Vec::new(),
    );
    let eu_prohibitions = context.result.obligations.iter().any(|entry| {
        entry.law == "eu-ai-act" && entry.classification != Classification::NotInScope
    });
    if eu_prohibitions {
        principle(
            Principle::NoProhibited,
            &["A.9.4"],
            "role",
            &none,
            vec![SourceRef::ours("eu-ai-act Art. 5")],
        );
    }
    out
}

/// The laws with at least one obligation, in the result's order, with the systems they bind.
fn binding_laws<'a>(context: &Context<'a>) -> Vec<LawView<'a>> {
    let mut laws: Vec<LawView<'a>> = Vec::new();
    for entry in &context.result.obligations {
        if entry.items.is_empty() {
            continue;
        }
        let name = entry.system_name.as_str();
        match laws.iter_mut().find(|law| law.law == entry.law) {
            Some(law) => {
                if !law.systems.contains(&name) {
                    law.systems.push(name);
                }
            }
            None => laws.push(LawView {
                law: &entry.law,
                name: context.framework_title(&entry.law),
                systems: vec![name],
            }),
        }
    }
    laws
}

/// The dates after the as-of date on which obligations begin to apply, per law and date.
fn upcoming_dates<'a>(context: &Context<'a>) -> Vec<DateView<'a>> {
    let mut dates: Vec<(&'a str, aimsgap_catalog::Date, usize, Vec<&'a str>)> = Vec::new();
    for entry in &context.result.obligations {
        for item in &entry.items {
            if item.state != ObligationState::Upcoming {
                continue;
            }
            let name = entry.system_name.as_str();
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
                None => dates.push((&entry.law, item.applies_from, 1, vec![name])),
            }
        }
    }
    dates.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    dates
        .into_iter()
        .map(|(law, date, count, systems)| DateView {
            law,
            name: context.framework_title(law),
            date: date.to_string(),
            count,
            systems,
        })
        .collect()
}
