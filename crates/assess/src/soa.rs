//! The Statement of Applicability: one row per Annex A control, included with the drivers that
//! keep it (the AI systems it treats and their classification, the obligations it supports,
//! what a held certification already covers, the answer) or excluded with the organisation's
//! reason. Each included control's justification is built from its own drivers, so two
//! controls read alike only when they really share them.

use crate::credit;
use crate::engine::Exposure;
use crate::input::*;
use crate::result::*;
use aimsgap_catalog::{Catalog, Date, Framework, Kind, Relationship};
use std::collections::{BTreeMap, HashMap};

/// "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// At most `shown` items, then how many more.
fn bounded(items: &[String], shown: usize) -> String {
    if items.len() > shown {
        let head: Vec<String> = items.iter().take(shown).cloned().collect();
        format!("{} and {} more", head.join(", "), items.len() - shown)
    } else {
        and_list(items)
    }
}

/// Each AI system's classifications, as "Name (high risk under eu-ai-act; consequential
/// decision under colorado-ai)", by system id.
fn system_profiles(obligations: &[SystemObligations]) -> BTreeMap<&str, String> {
    let mut classes: BTreeMap<&str, (&str, Vec<String>)> = BTreeMap::new();
    for system in obligations {
        let entry = classes
            .entry(system.system.as_str())
            .or_insert((system.system_name.as_str(), Vec::new()));
        if !matches!(
            system.classification,
            Classification::NotInScope | Classification::NotCovered
        ) {
            entry.1.push(format!(
                "{} under {}",
                system.classification.as_str().replace('_', " "),
                system.law
            ));
        }
    }
    classes
        .into_iter()
        .map(|(id, (name, classes))| {
            let text = if classes.is_empty() {
                name.to_string()
            } else {
                format!("{name} ({})", classes.join("; "))
            };
            (id, text)
        })
        .collect()
}

/// The drivers of an included control, in sentences joined by `; `.
fn drivers(
    catalog: &Catalog,
    assessment: &Assessment,
    result: &RequirementResult,
    answer: Option<&Answer>,
    exposure: Option<&Exposure>,
    profiles: &BTreeMap<&str, String>,
) -> String {
    let mut drivers = Vec::new();

    // Risk: the systems whose obligations the control supports, else, for a control done once
    // per system, every system; an organisation-wide control treats the risks of all of them.
    let concerned: Vec<String> = match exposure {
        Some(law) if !law.systems.is_empty() => law
            .systems
            .iter()
            .filter_map(|s| profiles.get(s.as_str()).cloned())
            .collect(),
        _ => Vec::new(),
    };
    if !concerned.is_empty() {
        drivers.push(format!(
            "risk: treats the risks of {}",
            bounded(&concerned, 3)
        ));
    } else if crate::rules::is_per_system(&result.id) {
        let all: Vec<String> = profiles.values().cloned().collect();
        if !all.is_empty() {
            drivers.push(format!(
                "risk: done for each AI system in scope: {}",
                bounded(&all, 3)
            ));
        }
    } else if !assessment.ai_systems.is_empty() {
        drivers.push(format!(
            "risk: an organisation-wide treatment of the AI risks of {} AI system(s)",
            assessment.ai_systems.len()
        ));
    }

    // Law: the obligations it supports.
    if let Some(law) = exposure {
        let references: Vec<String> = law.references.iter().cloned().collect();
        if !references.is_empty() {
            drivers.push(format!("law: supports {}", bounded(&references, 4)));
        }
    }

    // Certificate: what a held certification covers of it, whether or not an answer now
    // stands in for that credit.
    for certification in &assessment.certifications {
        if !credit::certification_in_force(certification, assessment.as_of) {
            continue;
        }
        let Some(crosswalk) = catalog.crosswalk(&certification.framework, credit::TARGET) else {
            continue;
        };
        let controls: Vec<String> = crosswalk
            .edges_to(&result.id)
            .filter(|edge| edge.rel != Relationship::NoRelationship && edge.strength > 0)
            .map(|edge| edge.from.clone())
            .collect();
        if !controls.is_empty() {
            let framework = &certification.framework;
            let scope_covers_ai = &certification.scope_covers_ai;
            drivers.push(format!(
                "certificate: {framework} {} already {} part of it{}",
                bounded(&controls, 3),
                if controls.len() == 1 {
                    "covers"
                } else {
                    "cover"
                },
                if *scope_covers_ai {
                    "; verify for AI"
                } else {
                    ", outside the certified scope"
                }
            ));
        }
    }

    // Answer: what the organisation said and shows.
    match answer {
        Some(answer) => {
            let inherited = if answer.id == result.id {
                String::new()
            } else {
                format!(" (through {})", answer.id)
            };
            let newest: Option<(EvidenceKind, Option<Date>)> = answer
                .evidence
                .iter()
                .max_by_key(|e| e.date)
                .map(|e| (e.kind, e.date));
            let evidence = match newest {
                Some((kind, Some(date))) => format!(
                    ", {} evidence, newest {} of {date}",
                    answer.evidence.len(),
                    kind.as_str().replace('_', " ")
                ),
                Some((kind, None)) => format!(
                    ", {} evidence, newest {} undated",
                    answer.evidence.len(),
                    kind.as_str().replace('_', " ")
                ),
                None => ", no evidence yet".to_string(),
            };
            drivers.push(format!(
                "answer: {}{inherited}{evidence}",
                answer.status.as_str().replace('_', " ")
            ));
        }
        None => drivers.push("answer: not answered yet".to_string()),
    }

    drivers.push("retained by the AI risk treatment (6.1.3)".to_string());
    drivers.join("; ")
}

pub(crate) fn soa(
    catalog: &Catalog,
    iso: &Framework,
    assessment: &Assessment,
    results: &[RequirementResult],
    exposure: &HashMap<String, Exposure>,
    obligations: &[SystemObligations],
) -> Vec<SoaEntry> {
    let profiles = system_profiles(obligations);
    results
        .iter()
        .filter(|r| iso.get(&r.id).is_some_and(|q| q.kind == Kind::Control))
        .map(|result| {
            let answer = credit::governing_answer(iso, &assessment.answers, &result.id);
            let included = result.status != Status::NotApplicable;
            let justification = if included {
                drivers(
                    catalog,
                    assessment,
                    result,
                    answer,
                    exposure.get(&result.id),
                    &profiles,
                )
            } else {
                answer
                    .and_then(|a| a.justification.clone())
                    .unwrap_or_default()
            };
            let evidence: Vec<(String, EvidenceKind, Option<Date>)> = answer
                .map(|a| {
                    a.evidence
                        .iter()
                        .map(|e| (e.reference.clone(), e.kind, e.date))
                        .collect()
                })
                .unwrap_or_default();
            let last_review = evidence.iter().filter_map(|(_, _, d)| *d).max();
            SoaEntry {
                control: result.id.clone(),
                title: result.title.clone(),
                included,
                justification,
                status: result.status,
                owner: result.owner.clone(),
                evidence,
                last_review,
            }
        })
        .collect()
}
