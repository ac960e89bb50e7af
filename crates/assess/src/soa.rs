//! The Statement of Applicability: one row per Annex A control, included with the drivers that
//! keep it (the AI systems it treats and their classification, the obligations it supports,
//! what a held certification already covers, the answer) or excluded with the organisation's
//! reason. Each included control's justification is built from its own drivers, so two
//! controls read alike only when they really share them.

use crate::credit;
use crate::engine::Exposure;
use crate::input::*;
use crate::result::*;
use aimsgap_catalog::{Catalog, Date, Framework, IdMap, Kind, Relationship, SmolStr};
use std::cell::OnceCell;
use std::fmt::Write as _;

/// At most `shown` of `count` items, then how many more ("a", "a and b", "a, b and c",
/// "a, b and 5 more"), written onto `out`: only the first `shown` items are made, so a control
/// that treats the risks of thousands of AI systems names three, and one that supports dozens
/// of obligations copies four.
fn write_bounded<S: AsRef<str>>(
    out: &mut String,
    items: impl Iterator<Item = S>,
    count: usize,
    shown: usize,
) {
    let mut items = items.take(shown.min(count)).peekable();
    let mut first = true;
    while let Some(item) = items.next() {
        if !first {
            // The last of a list written whole is joined with "and".
            if count <= shown && items.peek().is_none() {
                out.push_str(" and ");
            } else {
                out.push_str(", ");
            }
        }
        out.push_str(item.as_ref());
        first = false;
    }
    if count > shown {
        out.push_str(" and ");
        push_number(out, count - shown);
        out.push_str(" more");
    }
}

/// A count in decimal, without the formatting machinery.
fn push_number(out: &mut String, n: usize) {
    out.push_str(itoa::Buffer::new().format(n));
}

/// A vocabulary word as prose: its underscores written as spaces.
fn push_spaced(out: &mut String, word: &str) {
    out.extend(word.chars().map(|c| if c == '_' { ' ' } else { c }));
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
    fn get(&self, id: &str) -> Option<&str> {
        let at = self
            .by_id
            .binary_search_by(|(key, _, _)| (*key).cmp(id))
            .ok()?;
        self.text_at(at)
    }

    /// The profile at a position of `by_id`, made on first use.
    fn text_at(&self, at: usize) -> Option<&str> {
        let (_, name, entries) = self.by_id.get(at)?;
        let cell = self.texts.get(at)?;
        Some(cell.get_or_init(|| Profiles::text(name, entries)))
    }

    /// Every profile, in system id order.
    fn all(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.by_id.len()).filter_map(|at| self.text_at(at))
    }
}

/// The drivers of an included control, in sentences joined by `; `, written onto `out`.
fn drivers(
    out: &mut String,
    held: &[credit::Held<'_>],
    assessment: &Assessment,
    result: &RequirementResult,
    answer: Option<&Answer>,
    exposure: Option<&Exposure<'_>>,
    profiles: &Profiles<'_>,
) {
    // Each driver after the first follows a "; ".
    fn next(out: &mut String) {
        if !out.is_empty() {
            out.push_str("; ");
        }
    }

    // Risk: the systems whose obligations the control supports, else, for a control done once
    // per system, every system; an organisation-wide control treats the risks of all of them.
    // Every system an obligation names has a profile, since both come from the same
    // obligations: all of them are concerned.
    let concerned = exposure.map_or(0, |law| law.systems.len());
    if let Some(law) = exposure
        && concerned > 0
    {
        next(out);
        out.push_str("risk: treats the risks of ");
        let named = law.systems.iter().filter_map(|s| profiles.get(s));
        write_bounded(out, named, concerned, 3);
    } else if crate::rules::is_per_system(&result.id) {
        if !profiles.is_empty() {
            next(out);
            out.push_str("risk: done for each AI system in scope: ");
            write_bounded(out, profiles.all(), profiles.len(), 3);
        }
    } else if !assessment.ai_systems.is_empty() {
        next(out);
        out.push_str("risk: an organisation-wide treatment of the AI risks of ");
        push_number(out, assessment.ai_systems.len());
        out.push_str(" AI system(s)");
    }

    // Law: the obligations it supports.
    if let Some(law) = exposure {
        // Only the first few are named: the rest are counted, not copied.
        if !law.references.is_empty() {
            next(out);
            out.push_str("law: supports ");
            write_bounded(out, law.references.iter(), law.references.len(), 4);
        }
    }

    // Certificate: what a held certification covers of it, whether or not an answer now
    // stands in for that credit.
    for held in held {
        let certification = held.certification;
        let controls: Vec<&str> = held
            .crosswalk
            .edges_to(&result.id)
            .filter(|edge| edge.rel != Relationship::NoRelationship && edge.strength > 0)
            .map(|edge| edge.from.as_str())
            .collect();
        let count = controls.len();
        if count > 0 {
            next(out);
            out.push_str("certificate: ");
            out.push_str(&certification.framework);
            out.push(' ');
            write_bounded(out, controls.iter(), count, 3);
            out.push_str(if count == 1 {
                " already covers part of it"
            } else {
                " already cover part of it"
            });
            out.push_str(if certification.scope_covers_ai {
                "; verify for AI"
            } else {
                ", outside the certified scope"
            });
        }
    }

    // Answer: what the organisation said and shows.
    next(out);
    match answer {
        Some(answer) => {
            out.push_str("answer: ");
            push_spaced(out, answer.status.as_str());
            if answer.id != result.id {
                out.push_str(" (through ");
                out.push_str(&answer.id);
                out.push(')');
            }
            let newest: Option<(EvidenceKind, Option<Date>)> = answer
                .evidence
                .iter()
                .max_by_key(|e| e.date)
                .map(|e| (e.kind, e.date));
            match newest {
                Some((kind, date)) => {
                    out.push_str(", ");
                    push_number(out, answer.evidence.len());
                    out.push_str(" evidence, newest ");
                    push_spaced(out, kind.as_str());
                    match date {
                        Some(date) => {
                            // Writing to a string cannot fail.
                            let _ = write!(out, " of {date}");
                        }
                        None => out.push_str(" undated"),
                    }
                }
                None => out.push_str(", no evidence yet"),
            }
        }
        None => out.push_str("answer: not answered yet"),
    }

    next(out);
    out.push_str("retained by the AI risk treatment (6.1.3)");
}

pub(crate) fn soa(
    catalog: &Catalog,
    iso: &Framework,
    assessment: &Assessment,
    answers: &credit::AnswerTree<'_>,
    results: &[RequirementResult],
    exposure: &IdMap<&str, Exposure<'_>>,
    obligations: &[SystemObligations],
) -> Vec<SoaEntry> {
    let profiles = Profiles::new(obligations);
    // The certifications in force with a crosswalk onto the standard, in the order listed.
    let held = credit::held(catalog, &assessment.certifications, assessment.as_of);
    // The results come in catalog order, one per assessable requirement: each is matched with
    // its requirement's position by walking the catalog alongside, and looked up by id only
    // if not.
    let mut in_order = iso
        .requirements
        .iter()
        .enumerate()
        .filter(|(_, q)| q.kind.is_assessable());
    results
        .iter()
        .filter_map(|result| {
            let position = in_order
                .next()
                .filter(|(_, q)| q.id == result.id)
                .map(|(position, _)| position)
                .or_else(|| iso.position(&result.id))?;
            let control = iso.requirements.get(position)?.kind == Kind::Control;
            control.then_some((result, position))
        })
        .map(|(result, position)| {
            let (answer, _) = answers.governing(iso, position);
            let included = result.status != Status::NotApplicable;
            let justification = if included {
                let mut justification = String::with_capacity(256);
                drivers(
                    &mut justification,
                    &held,
                    assessment,
                    result,
                    answer,
                    exposure.get(result.id.as_str()),
                    &profiles,
                );
                justification
            } else {
                answer
                    .and_then(|a| a.justification.clone())
                    .unwrap_or_default()
            };
            let evidence: Vec<(SmolStr, EvidenceKind, Option<Date>)> = answer
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

    /// "a and b", "a, b and c", as the SoA wrote lists before it wrote them in place.
    fn and_list(items: &[String]) -> String {
        match items {
            [] => String::new(),
            [one] => one.clone(),
            [init @ .., last] => format!("{} and {last}", init.join(", ")),
        }
    }

    /// The first `shown` of `count` items, as the SoA wrote them before it wrote them in place.
    fn bounded_lazily(
        mut items: impl Iterator<Item = String>,
        count: usize,
        shown: usize,
    ) -> String {
        let head: Vec<String> = items.by_ref().take(shown.min(count)).collect();
        if count > shown {
            format!("{} and {} more", head.join(", "), count - shown)
        } else {
            and_list(&head)
        }
    }

    fn written(items: &[&str], count: usize, shown: usize) -> String {
        let mut out = String::new();
        write_bounded(&mut out, items.iter(), count, shown);
        out
    }

    proptest::proptest! {
        /// A list written in place reads as the list made and joined did, for lists shorter,
        /// as long as and longer than what is shown, and counts above the items at hand.
        #[test]
        fn a_list_written_in_place_equals_the_list_joined(
            items in proptest::collection::vec("[a-z]{0,3}", 0..7),
            extra in 0usize..3,
            shown in 0usize..6,
        ) {
            let count = items.len() + extra;
            let borrowed: Vec<&str> = items.iter().map(String::as_str).collect();
            proptest::prop_assert_eq!(
                written(&borrowed, count, shown),
                bounded_lazily(items.iter().cloned(), count, shown)
            );
        }

        #[test]
        fn a_number_pushed_equals_its_display(n in proptest::num::usize::ANY) {
            let mut out = String::from("x");
            push_number(&mut out, n);
            proptest::prop_assert_eq!(out, format!("x{n}"));
        }
    }

    #[test]
    fn small_and_large_numbers_are_written_whole() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, usize::MAX] {
            let mut out = String::new();
            push_number(&mut out, n);
            assert_eq!(out, n.to_string());
        }
    }

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
                old.values().map(String::as_str).collect::<Vec<_>>()
            );
            for (id, text) in &old {
                assert_eq!(new.get(id), Some(text.as_str()));
            }
            assert_eq!(new.get("no such system"), None);
            for shown in 0..5 {
                let every: Vec<String> = old.values().cloned().collect();
                let mut written = String::new();
                write_bounded(&mut written, new.all(), new.len(), shown);
                assert_eq!(written, bounded(&every, shown));
            }
        }
    }
}
