//! The Statement of Applicability: one row per Annex A control, included with the drivers that
//! keep it (the AI systems it treats and their classification, the obligations it supports,
//! what a held certification already covers, the answer) or excluded with the organisation's
//! reason. Each included control's justification is built from its own drivers, so two
//! controls read alike only when they really share them.

use crate::credit;
use crate::engine::Exposure;
use crate::input::*;
use crate::result::*;
use aimsgap_catalog::{Catalog, Date, Framework, IdMap, Kind, Relationship};
use std::cell::OnceCell;

/// "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// At most `shown` of `count` items, then how many more ("a, b and c", "a, b and 5 more"), of
/// which only the first `shown` are made: a control that treats the risks of thousands of AI
/// systems names three, and one that supports dozens of obligations copies four.
fn bounded_lazily(mut items: impl Iterator<Item = String>, count: usize, shown: usize) -> String {
    let head: Vec<String> = items.by_ref().take(shown.min(count)).collect();
    if count > shown {
        format!("{} and {} more", head.join(", "), count - shown)
    } else {
        and_list(&head)
    }
}

/// Each AI system's obligations by system id, to say its classifications as "Name (high risk
/// under eu-ai-act; consequential decision under colorado-ai)" for the few systems a
/// justification names.
struct Profiles<'a> {
    // Invariant: sorted by system id, one entry per id of the obligations, with the name it
    // first had and its entries in obligation order.
    by_id: Vec<(&'a str, &'a str, Vec<&'a SystemObligations>)>,
    // Invariant: `texts[i]`, once made, is the text of `by_id[i]`. Controls name the same few
    // systems again and again, so each text is made once.
    texts: Vec<OnceCell<String>>,
}

impl<'a> Profiles<'a> {
    fn new(obligations: &'a [SystemObligations]) -> Profiles<'a> {
        // The obligations come system by system: gather each run, then sort the runs by id
        // (stably, so a repeated id keeps its first name and its entries in order).
        let mut runs: Vec<(&str, &str, Vec<&SystemObligations>)> = Vec::new();
        for system in obligations {
            match runs.last_mut() {
                Some((id, _, entries)) if *id == system.system => entries.push(system),
                _ => runs.push((
                    system.system.as_str(),
                    system.system_name.as_str(),
                    vec![system],
                )),
            }
        }
        runs.sort_by(|a, b| a.0.cmp(b.0));
        let mut by_id: Vec<(&str, &str, Vec<&SystemObligations>)> = Vec::with_capacity(runs.len());
        for run in runs {
            match by_id.last_mut() {
                Some((id, _, entries)) if *id == run.0 => entries.extend(run.2),
                _ => by_id.push(run),
            }
        }
        let texts = by_id.iter().map(|_| OnceCell::new()).collect();
        Profiles { by_id, texts }
    }

    fn len(&self) -> usize {
        self.by_id.len()
    }

    fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    fn text(name: &str, entries: &[&SystemObligations]) -> String {
        let classes: Vec<String> = entries
            .iter()
            .filter(|system| {
                !matches!(
                    system.classification,
                    Classification::NotInScope | Classification::NotCovered
                )
            })
            .map(|system| {
                format!(
                    "{} under {}",
                    system.classification.as_str().replace('_', " "),
                    system.law
                )
            })
            .collect();
        if classes.is_empty() {
            name.to_string()
        } else {
            format!("{name} ({})", classes.join("; "))
        }
    }

    /// The profile of one system, if it has obligations.
    fn get(&self, id: &str) -> Option<String> {
        let at = self
            .by_id
            .binary_search_by(|(key, _, _)| (*key).cmp(id))
            .ok()?;
        self.text_at(at)
    }

    /// The profile at a position of `by_id`, made on first use.
    fn text_at(&self, at: usize) -> Option<String> {
        let (_, name, entries) = self.by_id.get(at)?;
        let cell = self.texts.get(at)?;
        Some(cell.get_or_init(|| Profiles::text(name, entries)).clone())
    }

    /// Every profile, in system id order.
    fn all(&self) -> impl Iterator<Item = String> + '_ {
        (0..self.by_id.len()).filter_map(|at| self.text_at(at))
    }
}

/// The drivers of an included control, in sentences joined by `; `.
fn drivers(
    catalog: &Catalog,
    assessment: &Assessment,
    result: &RequirementResult,
    answer: Option<&Answer>,
    exposure: Option<&Exposure<'_>>,
    profiles: &Profiles<'_>,
) -> String {
    let mut drivers = Vec::new();

    // Risk: the systems whose obligations the control supports, else, for a control done once
    // per system, every system; an organisation-wide control treats the risks of all of them.
    // Every system an obligation names has a profile, since both come from the same
    // obligations: all of them are concerned.
    let concerned = exposure.map_or(0, |law| law.systems.len());
    if let Some(law) = exposure
        && concerned > 0
    {
        let named = law.systems.iter().filter_map(|s| profiles.get(s));
        drivers.push(format!(
            "risk: treats the risks of {}",
            bounded_lazily(named, concerned, 3)
        ));
    } else if crate::rules::is_per_system(&result.id) {
        if !profiles.is_empty() {
            drivers.push(format!(
                "risk: done for each AI system in scope: {}",
                bounded_lazily(profiles.all(), profiles.len(), 3)
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
        // Only the first few are named: the rest are counted, not copied.
        if !law.references.is_empty() {
            let named = law.references.iter().cloned();
            drivers.push(format!(
                "law: supports {}",
                bounded_lazily(named, law.references.len(), 4)
            ));
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
        let controls: Vec<&str> = crosswalk
            .edges_to(&result.id)
            .filter(|edge| edge.rel != Relationship::NoRelationship && edge.strength > 0)
            .map(|edge| edge.from.as_str())
            .collect();
        if !controls.is_empty() {
            let framework = &certification.framework;
            let scope_covers_ai = &certification.scope_covers_ai;
            drivers.push(format!(
                "certificate: {framework} {} already {} part of it{}",
                bounded_lazily(
                    controls.iter().map(|control| (*control).to_string()),
                    controls.len(),
                    3
                ),
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
    exposure: &IdMap<&str, Exposure<'_>>,
    obligations: &[SystemObligations],
) -> Vec<SoaEntry> {
    let profiles = Profiles::new(obligations);
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
                    exposure.get(result.id.as_str()),
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use std::collections::BTreeMap;

    /// At most `shown` items, then how many more, every item made first, as the SoA did before
    /// it made only the ones it names: kept to hold the two equal.
    fn bounded(items: &[String], shown: usize) -> String {
        if items.len() > shown {
            let head: Vec<String> = items.iter().take(shown).cloned().collect();
            format!("{} and {} more", head.join(", "), items.len() - shown)
        } else {
            and_list(items)
        }
    }

    /// Every system's profile made up front, as the SoA did before it made only the few it
    /// names: kept to hold the two equal.
    fn every_profile(obligations: &[SystemObligations]) -> BTreeMap<&str, String> {
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

    #[test]
    fn profiles_made_on_demand_equal_every_profile_made_up_front() {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let iso = catalog.framework(credit::TARGET).unwrap();
        for assessment in crate::engine::tests::varied(&catalog) {
            let results = credit::judge(&catalog, iso, &assessment, &mut Vec::new());
            let (obligations, _) = crate::law::obligations(&catalog, &assessment, &results);
            let old = every_profile(&obligations);
            let new = Profiles::new(&obligations);
            assert_eq!(new.len(), old.len());
            assert_eq!(
                new.all().collect::<Vec<_>>(),
                old.values().cloned().collect::<Vec<_>>()
            );
            for (id, text) in &old {
                assert_eq!(new.get(id).as_ref(), Some(text));
            }
            assert_eq!(new.get("no such system"), None);
            for shown in 0..5 {
                let every: Vec<String> = old.values().cloned().collect();
                assert_eq!(
                    bounded_lazily(new.all(), new.len(), shown),
                    bounded(&every, shown)
                );
            }
        }
    }
}
