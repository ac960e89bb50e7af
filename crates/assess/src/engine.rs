//! The assessment: judged requirements in, readiness, baseline, gaps, verdict, obligations,
//! roadmap, SoA and next actions out.

use crate::claims;
use crate::credit::{self, TARGET, round1};
use crate::input::*;
use crate::law;
use crate::plan;
use crate::result::*;
use crate::rules;
use crate::soa;
use aimsgap_catalog::{Catalog, Framework, IdMap, SmolStr};
use std::collections::BTreeSet;

/// Why an assessment cannot be run at all (the catalog lacks the target framework).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissingFramework(pub String);

impl std::fmt::Display for MissingFramework {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the catalog has no framework `{}`", self.0)
    }
}

impl std::error::Error for MissingFramework {}

/// What the law says about one requirement: the pressure of the nearest deadline it supports,
/// the risk of the systems concerned, and which obligations and systems those are.
#[derive(Default)]
pub(crate) struct Exposure<'a> {
    pub(crate) pressure: f64,
    pub(crate) risk: f64,
    pub(crate) obligations: BTreeSet<String>,
    pub(crate) references: BTreeSet<String>,
    /// The ids of the AI systems concerned, sorted, each once.
    pub(crate) systems: Vec<&'a str>,
}

/// One obligation of one law over every AI system it binds: its item as the first system has
/// it (the id, reference and supporting requirements are the same for every system), the
/// highest pressure and risk, and which systems (by position in the inventory) it binds.
struct Duty<'a> {
    law: &'a str,
    item: &'a ObligationItem,
    pressure: f64,
    risk: f64,
    systems: Bits,
}

/// A set of positions in the AI system inventory.
#[derive(Clone)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(count: usize) -> Bits {
        Bits(vec![0; count.div_ceil(64)])
    }

    fn insert(&mut self, position: usize) {
        if let Some(word) = self.0.get_mut(position / 64) {
            *word |= 1 << (position % 64);
        }
    }

    fn contains(&self, position: usize) -> bool {
        self.0
            .get(position / 64)
            .is_some_and(|word| word & (1 << (position % 64)) != 0)
    }

    fn union(&mut self, other: &Bits) {
        for (word, by_other) in self.0.iter_mut().zip(&other.0) {
            *word |= by_other;
        }
    }
}

/// One pass over every obligation of every system, indexed by supporting requirement. The
/// trace says which obligation and system each item is, so that each is gathered once per
/// obligation rather than once per system and supporting requirement.
fn exposure<'a>(
    assessment: &'a Assessment,
    obligations: &'a [SystemObligations],
    trace: &law::Trace,
) -> IdMap<&'a str, Exposure<'a>> {
    let as_of = assessment.as_of;
    let count = assessment.ai_systems.len();
    let mut duties: Vec<Option<Duty<'a>>> = Vec::new();
    duties.resize_with(trace.duties, || None);
    let items = obligations
        .iter()
        .flat_map(|system| system.items.iter().map(move |item| (system, item)));
    for ((system, item), &(ordinal, duty)) in items.zip(&trace.items) {
        let Some(slot) = duties.get_mut(duty) else {
            continue;
        };
        let entry = slot.get_or_insert_with(|| Duty {
            law: system.law.as_str(),
            item,
            pressure: 0.0,
            risk: 0.0,
            systems: Bits::new(count),
        });
        entry.pressure = entry
            .pressure
            .max(rules::date_pressure(as_of, item.applies_from));
        entry.risk = entry
            .risk
            .max(rules::classification_risk(system.classification));
        entry.systems.insert(ordinal);
    }
    // Each requirement's systems: the union over the obligations it supports, as positions,
    // then as ids in id order, each once.
    let mut index: IdMap<&'a str, (Exposure<'a>, Bits)> = IdMap::default();
    for duty in duties.iter().flatten() {
        for (id, _) in duty.item.supported_by.iter() {
            let (entry, systems) = index
                .entry(id.as_str())
                .or_insert_with(|| (Exposure::default(), Bits::new(count)));
            entry.pressure = entry.pressure.max(duty.pressure);
            entry.risk = entry.risk.max(duty.risk);
            entry
                .obligations
                .insert(joined(duty.law, ':', &duty.item.id));
            entry
                .references
                .insert(joined(duty.law, ' ', &duty.item.reference));
            systems.union(&duty.systems);
        }
    }
    let mut sorted: Vec<(usize, &'a str)> = assessment
        .ai_systems
        .iter()
        .enumerate()
        .map(|(position, system)| (position, system.id.as_str()))
        .collect();
    sorted.sort_by(|a, b| a.1.cmp(b.1));
    index
        .into_iter()
        .map(|(id, (mut entry, systems))| {
            for &(position, system) in &sorted {
                if systems.contains(position) && entry.systems.last() != Some(&system) {
                    entry.systems.push(system);
                }
            }
            (id, entry)
        })
        .collect()
}

/// `first`, `separator` and `second` in one string, made in one allocation: the exposure of a
/// large inventory makes thousands of these, where `format!` costs several times as much.
fn joined(first: &str, separator: char, second: &str) -> String {
    let mut text = String::with_capacity(first.len() + separator.len_utf8() + second.len());
    text.push_str(first);
    text.push(separator);
    text.push_str(second);
    text
}

fn is_blocker(iso: &Framework, id: &str) -> bool {
    iso.get(id)
        .and_then(|r| r.parent.as_deref())
        .is_some_and(|parent| rules::BLOCKER_CLAUSES.contains(&parent))
}

fn effort(assessment: &Assessment, iso: &Framework, result: &RequirementResult) -> f64 {
    let documented = iso.get(&result.id).is_some_and(|r| r.documented);
    let employees = assessment.organization.employees;
    let size = if rules::is_roll_out(&result.id) {
        rules::size_factor(employees)
    } else {
        rules::drafting_size_factor(employees)
    };
    let mut days = rules::base_effort(&result.id, documented) * size;
    if rules::is_per_system(&result.id) && assessment.ai_systems.len() > 1 {
        days *= 1.0 + rules::PER_EXTRA_SYSTEM * (assessment.ai_systems.len() - 1) as f64;
    }
    (days * (1.0 - result.credit.point)).max(rules::MIN_TASK_DAYS)
}

/// The text up to its first ". " (all of it when there is none), found by a byte search for
/// the full stop: the same as `text.split(". ").next()`, which searches for the two-character
/// pattern far more slowly, on every gap of every assessment.
pub(crate) fn first_sentence(text: &str) -> &str {
    text.match_indices('.')
        .find(|(at, _)| text.as_bytes().get(at + 1) == Some(&b' '))
        .and_then(|(at, _)| text.get(..at))
        .unwrap_or(text)
}

fn next_action(iso: &Framework, result: &RequirementResult) -> String {
    // What an auditor expects, looked up only by the sentences that quote it.
    let expects = || {
        iso.get(&result.id)
            .and_then(|r| r.evidence.as_deref())
            .map(|e| first_sentence(e).trim_end_matches('.'))
    };
    let title = result.title.as_str();
    // Where the certificate carries the credit, the work is to extend its practice to AI.
    let lead = if result.basis == Basis::Inherited {
        result
            .sources
            .iter()
            .find(|s| matches!(s, Source::Inherited { .. }))
    } else {
        result.sources.first()
    };
    // Each sentence is its parts joined in one allocation: every gap of every result has one.
    match lead {
        Some(Source::Inherited {
            framework, edges, ..
        }) => {
            let names: Vec<&str> = edges.iter().take(3).map(|e| e.source.as_str()).collect();
            [
                "Extend the ",
                framework,
                " practice (",
                &names.join(", "),
                ") to the AI systems and record AI-specific evidence: ",
                title,
            ]
            .concat()
        }
        Some(Source::Answer {
            status: AnswerStatus::Implemented,
            ..
        }) => match expects() {
            Some(expects) => {
                ["Complete the evidence for ", title, "; expected: ", expects].concat()
            }
            None => ["Complete the evidence for ", title].concat(),
        },
        Some(Source::Answer {
            status: AnswerStatus::Partial,
            ..
        }) => ["Finish: ", title].concat(),
        _ => match expects() {
            Some(expects) => ["Establish: ", title, ". Auditors expect: ", expects].concat(),
            None => ["Establish: ", title].concat(),
        },
    }
}

/// NIST AI RMF coverage: each subcategory is covered as far as the ISO/IEC 42001 requirements
/// it maps to are, weighted by the strength of the mapping.
fn rmf_coverage(catalog: &Catalog, results: &[RequirementResult]) -> Option<RmfCoverage> {
    let rmf = catalog.framework("nist-ai-rmf")?;
    let crosswalk = catalog.crosswalk("nist-ai-rmf", TARGET)?;
    let (mut total, mut covered, mut partial, mut uncovered, mut count) =
        (0.0, 0, 0, Vec::new(), 0);
    let point: IdMap<&str, f64> = results
        .iter()
        .map(|r| (r.id.as_str(), r.credit.point))
        .collect();
    for subcategory in rmf.assessable() {
        let value = crosswalk
            .edges_from(&subcategory.id)
            .filter_map(|e| {
                point
                    .get(e.to.as_str())
                    .map(|p| p * f64::from(e.strength).min(7.0) / 7.0)
            })
            .fold(0.0, f64::max);
        total += value;
        count += 1;
        if value >= 0.5 {
            covered += 1;
        } else if value > 0.1 {
            partial += 1;
        } else {
            uncovered.push(subcategory.id.to_string());
        }
    }
    Some(RmfCoverage {
        point: if count == 0 {
            0.0
        } else {
            round1(total / f64::from(count) * 100.0)
        },
        subcategories: count as usize,
        covered,
        partial,
        uncovered,
    })
}

/// What each held certification alone is worth: the readiness of the same organisation with
/// only that certification and no answers.
/// `figures` are what all of the assessment's certifications give each assessable requirement
/// (from [`credit::judge_with_figures`]): the baseline of that same set reuses them.
fn baselines(
    catalog: &Catalog,
    iso: &Framework,
    assessment: &Assessment,
    figures: &[(Credit, usize)],
) -> Vec<Baseline> {
    let mut sets: Vec<(String, Vec<Certification>)> = assessment
        .certifications
        .iter()
        .map(|c| (c.framework.clone(), vec![c.clone()]))
        .collect();
    if assessment.certifications.len() > 1 {
        let names: Vec<&str> = assessment
            .certifications
            .iter()
            .map(|c| c.framework.as_str())
            .collect();
        sets.push((names.join("+"), assessment.certifications.clone()));
    }
    sets.into_iter()
        .map(|(name, certifications)| {
            // The same organisation with only these certifications and no answers: only the
            // certifications and the date matter to inherited credit.
            let credits: Vec<(Credit, usize)> = if certifications == assessment.certifications {
                figures.to_vec()
            } else {
                let held = credit::held(catalog, &certifications, assessment.as_of);
                let mut contributions = Vec::new();
                iso.assessable()
                    .map(|r| credit::inherited_figure_in(&held, &r.id, &mut contributions))
                    .collect()
            };
            let counted = credits.len();
            let mean = |f: fn(&Credit) -> f64| {
                if counted == 0 {
                    0.0
                } else {
                    round1(credits.iter().map(|(c, _)| f(c)).sum::<f64>() / counted as f64 * 100.0)
                }
            };
            let readiness = Readiness {
                id: name.clone(),
                title: name.clone(),
                point: mean(|c| c.point),
                lo: mean(|c| c.lo),
                hi: mean(|c| c.hi),
                counted,
                met: 0,
            };
            let reached = credits.iter().filter(|(c, _)| c.hi > 0.0).count();
            let partial = credits
                .iter()
                .filter(|(c, _)| c.hi >= rules::INHERITED_PARTIAL)
                .count();
            let edges: usize = credits.iter().map(|(_, n)| n).sum();
            let mut derivation = vec![
                format!(
                    "{edges} crosswalk edges from {name} reach {reached} of {counted} ISO/IEC 42001 requirements; {partial} of them get enough credit to count as partial"
                ),
                format!(
                    "each requirement's inherited credit is the strongest edge (relationship factor x strength/10) plus at most a quarter of the rest, capped at {:.0}%, with the low end at half the high end until verified for AI scope",
                    rules::INHERITED_CAP * 100.0
                ),
            ];
            for certification in &certifications {
                if !certification.scope_covers_ai {
                    derivation.push(format!(
                        "the {} scope does not cover the AI systems, so its edges count {:.0}%",
                        certification.framework,
                        rules::SCOPE_WITHOUT_AI * 100.0
                    ));
                }
                if !credit::certification_in_force(certification, assessment.as_of) {
                    derivation.push(format!(
                        "the {} certification is not in force on {} and gives no credit",
                        certification.framework, assessment.as_of
                    ));
                }
            }
            let unreached = counted - reached;
            derivation.push(format!(
                "{unreached} requirements get nothing from it: they are AI-specific work (impact assessment, AI data, AI life cycle) or not covered"
            ));
            derivation.push(format!(
                "readiness {:.1} (range {:.1} to {:.1}) is the mean credit over {} requirements; no requirement is met by inheritance alone",
                readiness.point, readiness.lo, readiness.hi, readiness.counted
            ));
            Baseline {
                framework: name,
                point: readiness.point,
                lo: readiness.lo,
                hi: readiness.hi,
                reached,
                counted: readiness.counted,
                derivation,
            }
        })
        .collect()
}

/// Runs the whole assessment. Pure: the as-of date is in the input; nothing is read from the
/// environment, so the same input gives the same result.
pub fn assess(
    catalog: &Catalog,
    assessment: &Assessment,
) -> Result<AssessmentResult, MissingFramework> {
    let iso = catalog
        .framework(TARGET)
        .ok_or_else(|| MissingFramework(TARGET.to_string()))?;
    let mut diagnostics = Vec::new();
    for (i, certification) in assessment.certifications.iter().enumerate() {
        if !credit::certification_in_force(certification, assessment.as_of) {
            diagnostics.push(Diagnostic {
                field: format!("certifications[{i}]"),
                message: format!(
                    "{} is expired or past its valid_until on {}: it gives no credit",
                    certification.framework, assessment.as_of
                ),
            });
        }
    }
    // The answers indexed by position once, for the judgement and the SoA.
    let answers = credit::AnswerTree::new(iso, &assessment.answers);
    let (results, figures) =
        credit::judge_with_figures(catalog, iso, assessment, &answers, &mut diagnostics);

    let readiness = credit::readiness("overall", "ISO/IEC 42001 overall", results.iter());
    // Each group's results in catalog order, gathered in one pass; a group none of the
    // results belongs to is left out.
    let mut by_group: IdMap<&str, Vec<&RequirementResult>> = IdMap::default();
    for result in &results {
        by_group
            .entry(result.group.as_str())
            .or_default()
            .push(result);
    }
    let groups: Vec<Readiness> = iso
        .groups()
        .filter_map(|group| {
            let members = by_group.get(group.id.as_str())?;
            Some(credit::readiness(
                &group.id,
                &group.title,
                members.iter().copied(),
            ))
        })
        .collect();
    let baseline = baselines(catalog, iso, assessment, &figures);
    let (obligations, trace) = law::obligations(catalog, assessment, &results);

    // Gaps: every counted requirement not met.
    let open: Vec<&RequirementResult> = results
        .iter()
        .filter(|r| matches!(r.status, Status::Gap | Status::Partial | Status::Unknown))
        .collect();
    let open_ids: Vec<&str> = open.iter().map(|r| r.id.as_str()).collect();
    let efforts: Vec<f64> = open.iter().map(|r| effort(assessment, iso, r)).collect();
    let max_effort = efforts.iter().copied().fold(rules::MIN_TASK_DAYS, f64::max);
    // How many open gaps wait on each gap: computed once from every gap's prerequisites.
    let mut waiting_on: IdMap<&str, usize> = IdMap::default();
    let prerequisites = plan::Prerequisites::new(&open_ids);
    // Each open gap's phase, found once: its prerequisites and the roadmap both need it.
    let phases: Vec<Phase> = open_ids.iter().map(|id| rules::phase_of(id)).collect();
    for (id, phase) in open_ids.iter().zip(&phases) {
        for prerequisite in prerequisites.of_in(id, *phase) {
            *waiting_on.entry(prerequisite).or_default() += 1;
        }
    }
    let waiting: Vec<usize> = open_ids
        .iter()
        .map(|id| waiting_on.get(*id).copied().unwrap_or(0))
        .collect();
    let max_waiting = waiting.iter().copied().max().unwrap_or(0).max(1);
    let exposure = exposure(assessment, &obligations, &trace);
    let none = Exposure::default();
    let gaps: Vec<Gap> = open
        .iter()
        .zip(efforts.iter().zip(&waiting))
        .map(|(result, (&effort_days, &waiting))| {
            let blocker = is_blocker(iso, &result.id);
            let law = exposure.get(result.id.as_str()).unwrap_or(&none);
            let factors = Factors {
                blocker: if blocker { 1.0 } else { 0.0 },
                regulatory: law.pressure,
                system_risk: law.risk,
                size: 1.0 - result.credit.point,
                ease: 1.0 - effort_days / max_effort,
                unblocks: waiting as f64 / max_waiting as f64,
                obligations: law.obligations.iter().cloned().collect(),
                systems: law.systems.iter().map(|s| (*s).to_string()).collect(),
                effort_days: round1(effort_days),
                waiting,
            };
            let priority = 100.0
                * (rules::W_BLOCKER * factors.blocker
                    + rules::W_REGULATORY * factors.regulatory
                    + rules::W_SYSTEM_RISK * factors.system_risk
                    + rules::W_SIZE * factors.size
                    + rules::W_EASE * factors.ease
                    + rules::W_UNBLOCKS * factors.unblocks);
            Gap {
                id: result.id.clone(),
                title: result.title.clone(),
                rank: 0,
                priority: round1(priority),
                blocker,
                status: result.status,
                factors,
                next_action: next_action(iso, result),
                package: rules::package_of(&result.id),
            }
        })
        .collect();
    // Highest priority first; ties in catalog order (the positions break them). The
    // priorities are sorted with the gaps' positions, then the gaps are moved once into that
    // order: a gap is a few hundred bytes, which the sort would otherwise move at every step.
    let mut order: Vec<(f64, usize)> = gaps.iter().map(|g| g.priority).zip(0..).collect();
    order.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut slots: Vec<Option<(Gap, Phase)>> = gaps.into_iter().zip(phases).map(Some).collect();
    let (mut gaps, phases): (Vec<Gap>, Vec<Phase>) = order
        .iter()
        .filter_map(|&(_, i)| slots.get_mut(i).and_then(Option::take))
        .unzip();
    for (i, gap) in gaps.iter_mut().enumerate() {
        gap.rank = i + 1;
    }

    let verdict = verdict(iso, &results, &readiness, &obligations);
    let roadmap = plan::roadmap(assessment, &gaps, &phases, &prerequisites);
    let soa = soa::soa(
        catalog,
        iso,
        assessment,
        &answers,
        &results,
        &exposure,
        &obligations,
    );
    let next_actions = plan::next_actions(&gaps, &results, readiness.counted);
    let work_packages = plan::work_packages(iso, assessment.as_of, &gaps, &roadmap);
    let nist_ai_rmf = rmf_coverage(catalog, &results);
    let claims = claims::claims(iso, &results, &readiness, |id| is_blocker(iso, id));

    Ok(AssessmentResult {
        as_of: assessment.as_of,
        organization: assessment.organization.name.clone(),
        readiness,
        groups,
        baseline,
        requirements: results,
        gaps,
        verdict,
        obligations,
        nist_ai_rmf,
        roadmap,
        soa,
        next_actions,
        diagnostics,
        claims,
        work_packages,
    })
}

fn verdict(
    iso: &Framework,
    results: &[RequirementResult],
    readiness: &Readiness,
    obligations: &[SystemObligations],
) -> Verdict {
    let mut reasons = Vec::new();
    // Each requirement not met under a blocker clause, with its parent looked up once.
    let open: Vec<(&str, &RequirementResult)> = results
        .iter()
        .filter(|r| r.status != Status::Met && r.status != Status::NotApplicable)
        .filter_map(|r| {
            let parent = iso.get(&r.id)?.parent.as_deref()?;
            rules::BLOCKER_CLAUSES
                .contains(&parent)
                .then_some((parent, r))
        })
        .collect();
    for clause in rules::BLOCKER_CLAUSES {
        let under: Vec<&RequirementResult> = open
            .iter()
            .filter(|(parent, _)| parent == clause)
            .map(|(_, r)| *r)
            .collect();
        if under.is_empty() {
            continue;
        }
        // Say what stands between each requirement and `met`: a claim to back with evidence,
        // inherited credit to verify for AI, or work not done.
        // A claim of implemented or partial; a planned answer claims nothing to attach.
        let claimed = |r: &RequirementResult| {
            r.sources.iter().any(|s| {
                matches!(
                    s,
                    Source::Answer {
                        status: AnswerStatus::Implemented | AnswerStatus::Partial,
                        ..
                    }
                )
            })
        };
        let declared_claim = |r: &RequirementResult| {
            matches!(r.basis, Basis::Declared | Basis::Evidenced) && claimed(r)
        };
        let mut parts = Vec::new();
        let declared: Vec<SmolStr> = under
            .iter()
            .filter(|r| declared_claim(r))
            .map(|r| r.id.clone())
            .collect();
        if !declared.is_empty() {
            parts.push(format!(
                "declared, attach evidence ({})",
                declared.join(", ")
            ));
        }
        let inherited: Vec<SmolStr> = under
            .iter()
            .filter(|r| r.basis == Basis::Inherited)
            .map(|r| r.id.clone())
            .collect();
        if !inherited.is_empty() {
            parts.push(format!(
                "inherited, verify for AI ({})",
                inherited.join(", ")
            ));
        }
        // The rest: work answered absent or planned, or not answered at all.
        let open: Vec<String> = under
            .iter()
            .filter(|r| r.basis != Basis::Inherited && !declared_claim(r))
            .map(|r| {
                let status = match r.sources.first() {
                    Some(Source::Answer { status, .. }) if r.basis == Basis::Planned => {
                        status.as_str()
                    }
                    _ => r.status.as_str(),
                };
                [r.id.as_str(), " ", status].concat()
            })
            .collect();
        if !open.is_empty() {
            parts.push(format!("not met ({})", open.join(", ")));
        }
        let title = iso.get(clause).map(|c| c.title.as_str()).unwrap_or("");
        reasons.push(format!(
            "certification blocker {clause} {title}: {}",
            parts.join("; ")
        ));
    }
    let blockers_ok = reasons.is_empty();
    if readiness.lo < rules::STAGE1_MIN_READINESS {
        reasons.push(format!(
            "readiness is {:.1} at the low end, below the {:.0} a Stage 1 audit needs",
            readiness.lo,
            rules::STAGE1_MIN_READINESS
        ));
    }
    for system in obligations {
        if system.classification == Classification::Prohibited {
            reasons.push(format!(
                "AI system {} falls under a prohibited practice of {}: it must be withdrawn",
                system.system, system.law
            ));
        }
    }
    let ready = reasons.is_empty();
    if ready {
        reasons.push(format!(
            "every certification blocker is met and readiness is {:.1} (low end {:.1})",
            readiness.point, readiness.lo
        ));
    } else if blockers_ok {
        reasons.insert(0, "every certification blocker is met".into());
    }
    Verdict {
        ready_for_stage1: ready,
        reasons,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    proptest! {
        /// The byte search gives what `split(". ")` gave, on text made of full stops, spaces
        /// and a few other characters (multi-byte ones too), where the cases crowd together.
        #[test]
        fn first_sentence_is_the_text_before_the_first_full_stop_and_space(
            text in "[. a\u{e9}\u{2014}]{0,24}"
        ) {
            prop_assert_eq!(first_sentence(&text), text.split(". ").next().unwrap());
        }
    }

    /// The pressure, risk, obligations, references and systems of one requirement.
    type ItemByItem = (
        f64,
        f64,
        BTreeSet<String>,
        BTreeSet<String>,
        BTreeSet<String>,
    );

    /// The pass over every item of every system and every requirement it supports, as the
    /// engine made it before obligations were gathered once each: kept to hold the two equal.
    fn exposure_item_by_item(
        as_of: aimsgap_catalog::Date,
        obligations: &[SystemObligations],
    ) -> HashMap<String, ItemByItem> {
        let mut index: HashMap<String, ItemByItem> = HashMap::new();
        for system in obligations {
            for item in &system.items {
                for (id, _) in item.supported_by.iter() {
                    let entry = index.entry(id.clone()).or_default();
                    entry.0 = entry.0.max(rules::date_pressure(as_of, item.applies_from));
                    entry.1 = entry
                        .1
                        .max(rules::classification_risk(system.classification));
                    entry.2.insert(format!("{}:{}", system.law, item.id));
                    entry.3.insert(format!("{} {}", system.law, item.reference));
                    entry.4.insert(system.system.clone());
                }
            }
        }
        index
    }

    /// Every example's organisation with many AI systems drawn from all examples, some facts
    /// varied and some ids repeated.
    pub(crate) fn varied(catalog: &Catalog) -> Vec<Assessment> {
        let texts = [
            include_str!("../../../examples/bank-credit-scoring.yaml"),
            include_str!("../../../examples/hrtech-cv-screening-soc2.yaml"),
            include_str!("../../../examples/medical-device-maker.yaml"),
            include_str!("../../../examples/saas-chatbot-iso27001.yaml"),
            include_str!("../../../examples/startup-gpai-provider.yaml"),
        ];
        let as_of = aimsgap_catalog::Date::parse("2026-11-29").unwrap();
        let examples: Vec<Assessment> = texts
            .iter()
            .map(|text| crate::parse_assessment("example", text, catalog, as_of).unwrap())
            .collect();
        let pool: Vec<AiSystem> = examples
            .iter()
            .flat_map(|a| a.ai_systems.iter().cloned())
            .collect();
        examples
            .iter()
            .flat_map(|base| {
                [0, 1, 5, 37].map(|n| {
                    let ai_systems = (0..n)
                        .map(|i| {
                            let mut system = pool[i % pool.len()].clone();
                            // Every eleventh id repeats an earlier one.
                            system.id =
                                format!("system-{:02}", if i % 11 == 10 { i / 2 } else { i });
                            system.interacts_with_natural_persons ^= i % 3 == 0;
                            system.generates_synthetic_content ^= i % 5 == 0;
                            if i % 4 == 2 {
                                system.annex_iii_point = None;
                            }
                            if i % 6 == 5 {
                                system.public_body = true;
                            }
                            system
                        })
                        .collect();
                    Assessment {
                        ai_systems,
                        ..base.clone()
                    }
                })
            })
            .collect()
    }

    #[test]
    fn exposure_gathered_per_obligation_equals_the_pass_over_every_item() {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let iso = catalog.framework(TARGET).unwrap();
        for assessment in varied(&catalog) {
            let results = credit::judge(&catalog, iso, &assessment, &mut Vec::new());
            let (obligations, trace) = law::obligations(&catalog, &assessment, &results);
            let old = exposure_item_by_item(assessment.as_of, &obligations);
            let new = exposure(&assessment, &obligations, &trace);
            assert_eq!(old.len(), new.len());
            assert!(!new.is_empty() || assessment.ai_systems.is_empty());
            for (id, (pressure, risk, obligations, references, systems)) in &old {
                let entry = &new[id.as_str()];
                assert_eq!(entry.pressure, *pressure, "{id}");
                assert_eq!(entry.risk, *risk, "{id}");
                assert_eq!(&entry.obligations, obligations, "{id}");
                assert_eq!(&entry.references, references, "{id}");
                let systems: Vec<&str> = systems.iter().map(String::as_str).collect();
                assert_eq!(entry.systems, systems, "{id}");
            }
        }
    }
}
