//! The plan: the roadmap of gap tasks, run in parallel within the team's capacity and their
//! dependencies, the work packages the gaps roll up into, and the next best actions.
//!
//! Design decision: the schedule is a list schedule (tasks in phase and rank order, each on
//! the lane that frees first, never before what it waits on) tried for every number of lanes
//! the team can staff, keeping the one that ends first. Every lane of one try has the same
//! crew, so a try's durations are its efforts divided by one number: its task order and lanes
//! do not depend on the crew, and a larger team, which can staff every try a smaller team can
//! with at least as many people, never ends later.

use crate::credit::round1;
use crate::input::Assessment;
use crate::result::*;
use crate::rules;
use aimsgap_catalog::{Date, Framework, IdMap, SmolStr};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

/// A phase's place on the path to certification: its position in [`Phase::ALL`], which lists
/// the variants in the order they are declared (a test checks it), so the discriminant is it.
pub(crate) fn phase_rank(phase: Phase) -> usize {
    phase as usize
}

/// The gap tasks a gap waits on: the anchors of the nearest earlier phase that has open anchors,
/// and for management review, the internal audit. The open anchors of each phase are found once
/// for a set of open gaps, then each gap's prerequisites are read off them.
pub(crate) struct Prerequisites<'a> {
    // Each phase with anchors, latest first, with its rank and those of its anchors that are
    // open (in the order the anchors are listed).
    anchors: Vec<(usize, Vec<&'a str>)>,
    // The open internal audit gaps, which management review waits on.
    audits: Vec<&'a str>,
}

impl<'a> Prerequisites<'a> {
    pub(crate) fn new(open: &[&'a str]) -> Prerequisites<'a> {
        Prerequisites {
            anchors: rules::PHASE_ANCHORS
                .iter()
                .rev()
                .map(|(phase, anchors)| {
                    let open_anchors = anchors
                        .iter()
                        .filter_map(|anchor| open.iter().copied().find(|id| id == anchor))
                        .collect();
                    (phase_rank(*phase), open_anchors)
                })
                .collect(),
            audits: open
                .iter()
                .copied()
                .filter(|id| id.starts_with("9.2."))
                .collect(),
        }
    }

    /// The open gaps the gap `id` of `phase` (its [`rules::phase_of`]) waits on.
    pub(crate) fn of_in(&self, id: &str, phase: Phase) -> Vec<&'a str> {
        let rank = phase_rank(phase);
        // The open anchors of the nearest earlier phase that has any other than the gap itself
        // (a gap never waits on itself).
        let anchors = self
            .anchors
            .iter()
            .filter(|(anchor_rank, _)| *anchor_rank < rank)
            .map(|(_, anchors)| anchors.as_slice())
            .find(|anchors| anchors.iter().any(|anchor| *anchor != id))
            .unwrap_or_default();
        let audits = if id.starts_with("9.3.") {
            self.audits.as_slice()
        } else {
            &[]
        };
        // Sized once: every gap's prerequisites are found twice per assessment.
        let mut deps: Vec<&'a str> = Vec::with_capacity(anchors.len() + audits.len());
        deps.extend(anchors.iter().copied().filter(|anchor| *anchor != id));
        deps.extend(audits.iter().copied());
        deps
    }
}

/// The farthest a roadmap reaches, in calendar days (about a century): a plan beyond it says
/// nothing, and dates stay far inside the calendar whatever team size a caller passes.
const MAX_PLAN_DAYS: i64 = 36_525;

fn calendar_days(working_days: f64) -> i64 {
    let days = (working_days * 7.0 / rules::WORKING_DAYS_PER_WEEK).ceil();
    if days.is_nan() {
        return 0;
    }
    // `as` saturates at the bounds of i64; the clamp keeps every later addition small.
    (days as i64).clamp(0, MAX_PLAN_DAYS)
}

/// The team size the roadmap divides by: the file's reader refuses sizes outside
/// [`aimsgap_wire::limits`], and an assessment built in code is held to the same range.
fn team_size(team_fte: f64) -> f64 {
    use aimsgap_wire::limits::{TEAM_FTE_MAX, TEAM_FTE_MIN};
    if team_fte.is_nan() {
        1.0
    } else {
        team_fte.clamp(TEAM_FTE_MIN, TEAM_FTE_MAX)
    }
}

/// A list schedule of the tasks on `lanes` lanes of one person each, in tenths of a day: each
/// task in order goes to the lane that frees first and starts when that lane is free and
/// everything it waits on has ended. Returns each task's (start, end).
fn list_schedule(durations: &[u64], waits_on: &[Vec<usize>], lanes: usize) -> Vec<(u64, u64)> {
    let mut free: BinaryHeap<Reverse<(u64, usize)>> =
        (0..lanes.max(1)).map(|lane| Reverse((0, lane))).collect();
    let mut times: Vec<(u64, u64)> = Vec::with_capacity(durations.len());
    for (duration, waits) in durations.iter().zip(waits_on) {
        let ready = waits
            .iter()
            .filter_map(|&j| times.get(j).map(|(_, end)| *end))
            .max()
            .unwrap_or(0);
        let (lane_free, lane) = free.pop().map_or((0, 0), |Reverse(slot)| slot);
        let start = lane_free.max(ready);
        let end = start.saturating_add(*duration);
        times.push((start, end));
        free.push(Reverse((end, lane)));
    }
    times
}

/// One try of the schedule: its span in working days, the people on each lane, and each
/// task's (start, end) in tenths of a person-day.
struct Try {
    span: f64,
    crew: f64,
    times: Vec<(u64, u64)>,
}

/// The people on each lane when `team` people staff `lanes` lanes: at most
/// [`rules::TASK_CREW_MAX`] on one task.
fn crew(team: f64, lanes: usize) -> f64 {
    (team / lanes.max(1) as f64).min(rules::TASK_CREW_MAX)
}

/// The roadmap of the gaps; `phases` are theirs ([`rules::phase_of`], in the same order) and
/// `prerequisites` those of the same open gaps.
pub(crate) fn roadmap(
    assessment: &Assessment,
    gaps: &[Gap],
    phases: &[Phase],
    prerequisites: &Prerequisites<'_>,
) -> Roadmap {
    // Each gap with its phase (the sort and the waits below ask for it often).
    let mut ordered: Vec<(&Gap, Phase)> = gaps.iter().zip(phases.iter().copied()).collect();
    // Phase order first, then the gap ranking: dependencies always point to earlier phases
    // (or, for management review, to internal audit in the same phase, which sorts first), so
    // every task comes after everything it waits on. The engine numbers the gaps, so no two
    // share a rank and the order is total: the unstable sort gives the one order there is.
    ordered
        .sort_unstable_by_key(|&(g, phase)| (phase_rank(phase), g.id.starts_with("9.3."), g.rank));
    let position: IdMap<&str, usize> = ordered
        .iter()
        .enumerate()
        .map(|(i, (g, _))| (g.id.as_str(), i))
        .collect();
    let waits_on: Vec<Vec<usize>> = ordered
        .iter()
        .enumerate()
        .map(|(i, &(gap, phase))| {
            let mut waits: Vec<usize> = prerequisites
                .of_in(&gap.id, phase)
                .iter()
                .filter_map(|dep| position.get(dep).copied())
                .filter(|&j| j < i)
                .collect();
            waits.sort_unstable();
            waits.dedup();
            if rules::waits_on_all_earlier(&gap.id) {
                // Every task of an earlier phase: `ordered` is in phase order, so those are
                // the tasks before the first of this phase, and the prerequisites of earlier
                // phases are among them. Those of this phase follow, still in order.
                let rank = phase_rank(phase);
                let earlier = ordered.partition_point(|&(_, other)| phase_rank(other) < rank);
                waits = (0..earlier)
                    .chain(waits.into_iter().filter(|&j| j >= earlier))
                    .collect();
            }
            waits
        })
        .collect();
    // Efforts are rounded to a tenth of a day; scheduling in tenths keeps it exact.
    let durations: Vec<u64> = ordered
        .iter()
        .map(|(g, _)| (g.factors.effort_days * 10.0).round().max(1.0) as u64)
        .collect();

    let team = team_size(assessment.organization.team_fte);
    // Every number of lanes the team can staff (more lanes than tasks stay idle), each with
    // its own list schedule; the one that ends first wins, fewer lanes on a tie.
    let most_lanes = (team.ceil() as usize).clamp(1, ordered.len().max(1));
    let mut best: Option<Try> = None;
    for lanes in 1..=most_lanes {
        let times = list_schedule(&durations, &waits_on, lanes);
        let people = crew(team, lanes);
        let span = times.iter().map(|(_, end)| *end).max().unwrap_or(0) as f64 / 10.0 / people;
        if best.as_ref().is_none_or(|best| span < best.span) {
            best = Some(Try {
                span,
                crew: people,
                times,
            });
        }
    }
    let Try {
        span,
        crew: people,
        times,
    } = best.unwrap_or(Try {
        span: 0.0,
        crew: 1.0,
        times: Vec::new(),
    });

    // Each task's id made once: the dependencies name the same ids again.
    let ids: Vec<SmolStr> = (1..=ordered.len()).map(task_id).collect();
    let mut tasks: Vec<Task> = Vec::with_capacity(ordered.len());
    // The as-of date as a day number once: each task's start and end are days after it, as
    // `Date::add_days` counts them.
    let start_day = assessment.as_of.to_days();
    // `ordered`, `times`, `ids` and `waits_on` have one entry per task, in the same order; a
    // task waits only on earlier tasks, whose ids are made.
    for ((&(gap, phase), (start, end)), (id, waits)) in
        ordered.iter().zip(&times).zip(ids.iter().zip(&waits_on))
    {
        let day = |tenths: u64| {
            Date::from_days(start_day.saturating_add(calendar_days(tenths as f64 / 10.0 / people)))
        };
        tasks.push(Task {
            id: id.clone(),
            requirement: gap.id.clone(),
            title: gap.next_action.clone(),
            phase,
            effort_days: gap.factors.effort_days,
            depends_on: waits.iter().filter_map(|&j| ids.get(j).cloned()).collect(),
            start: day(*start),
            end: day(*end),
            package: gap.package.clone(),
        });
    }
    let last = assessment.as_of.add_days(calendar_days(span));
    let stage1 = last.add_days(rules::STAGE1_LEAD_DAYS);
    Roadmap {
        total_effort_days: round1(gaps.iter().map(|g| g.factors.effort_days).sum()),
        tasks,
        stage1_date: stage1,
        stage2_date: stage1.add_days(rules::STAGE2_AFTER_STAGE1_DAYS),
    }
}

/// The id of the `n`th task of the plan, as `format!("T{n:03}")` writes it (`T001`, `T042`,
/// `T1234`) without the formatting machinery: a plan of 130 tasks names about 1,000 of them
/// in its dependencies, where `format!` was a quarter of the whole assessment's work.
fn task_id(n: usize) -> SmolStr {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(n).as_bytes();
    // "T", then zeros up to three digits, then the digits; `len` is at most 1 + 20.
    let mut text = [b'0'; 24];
    let len = 1 + digits.len().max(3);
    if let Some(first) = text.first_mut() {
        *first = b'T';
    }
    if let Some(tail) = text.get_mut(len - digits.len()..len) {
        tail.copy_from_slice(digits);
    }
    text.get(..len)
        .and_then(|text| std::str::from_utf8(text).ok())
        .map(SmolStr::new)
        .unwrap_or_default()
}

pub(crate) fn next_actions(
    gaps: &[Gap],
    results: &[RequirementResult],
    counted: usize,
) -> Vec<NextAction> {
    let by_id: IdMap<&str, &RequirementResult> =
        results.iter().rev().map(|r| (r.id.as_str(), r)).collect();
    // Each gap's place in the order (blockers first, then gain per day of effort) with its
    // position and gain: only the few actions that are kept are built from their gaps.
    let mut order: Vec<(bool, f64, usize, f64)> = gaps
        .iter()
        .enumerate()
        .filter_map(|(position, gap)| {
            let result = *by_id.get(gap.id.as_str())?;
            let gain = if counted == 0 {
                0.0
            } else {
                (1.0 - result.credit.point) / counted as f64 * 100.0
            };
            let gain = (gain * 100.0).round() / 100.0;
            let per_day = gain / gap.factors.effort_days.max(rules::MIN_TASK_DAYS);
            Some((gap.blocker, per_day, position, gain))
        })
        .collect();
    // Equal keys keep the gaps' order (their positions break the tie).
    order.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)).then(a.2.cmp(&b.2)));
    order.truncate(rules::NEXT_ACTIONS);
    order
        .iter()
        .filter_map(|&(_, _, position, gain)| {
            let gap = gaps.get(position)?;
            Some(NextAction {
                id: gap.id.clone(),
                action: gap.next_action.clone(),
                gain,
                effort_days: gap.factors.effort_days,
                blocker: gap.blocker,
                package: gap.package.clone(),
            })
        })
        .collect()
}

/// How bad a status is for a package: a gap is worse than an unknown, which is worse than a
/// partial.
fn severity(status: Status) -> u8 {
    match status {
        Status::Gap => 3,
        Status::Unknown => 2,
        Status::Partial => 1,
        Status::Met | Status::NotApplicable => 0,
    }
}

/// A package's title: its clause's, with the parent's in front when the clause is only called
/// "General" (6.1.1), so the title says what it is about.
fn package_title(iso: &Framework, id: &str) -> Option<String> {
    let node = iso.get(id)?;
    let parent = node.parent.as_deref().and_then(|p| iso.get(p));
    Some(match parent {
        Some(parent) if node.title.eq_ignore_ascii_case("general") => {
            format!("{}: general", parent.title)
        }
        _ => node.title.to_string(),
    })
}

/// The gaps rolled up by deliverable ([`rules::package_of`]), ranked by their most urgent gap;
/// ties keep the order of that gap's rank.
pub(crate) fn work_packages(
    iso: &Framework,
    as_of: Date,
    gaps: &[Gap],
    roadmap: &Roadmap,
) -> Vec<WorkPackage> {
    // Gaps arrive ranked, so each package's first gap is its most urgent one.
    let mut members: BTreeMap<&str, Vec<&Gap>> = BTreeMap::new();
    let mut order: Vec<&str> = Vec::new();
    for gap in gaps {
        let entry = members.entry(gap.package.as_str()).or_default();
        if entry.is_empty() {
            order.push(gap.package.as_str());
        }
        entry.push(gap);
    }
    let mut spans: IdMap<&str, (Date, Date)> = IdMap::default();
    for task in &roadmap.tasks {
        let span = spans
            .entry(task.package.as_str())
            .or_insert((task.start, task.end));
        span.0 = span.0.min(task.start);
        span.1 = span.1.max(task.end);
    }
    let mut packages: Vec<WorkPackage> = order
        .iter()
        .filter_map(|id| {
            let gaps = members.get(id)?;
            let top = gaps.first()?;
            let title = package_title(iso, id).unwrap_or_else(|| top.title.to_string());
            let requirements: Vec<SmolStr> = gaps.iter().map(|g| g.id.clone()).collect();
            // The requirements travel with the package, so its action names only where to
            // start: the most urgent gap's action.
            let next_action = if gaps.len() == 1 {
                top.next_action.clone()
            } else {
                format!("Start with {}: {}", top.id, top.next_action)
            };
            let (start, end) = spans.get(id).copied().unwrap_or((as_of, as_of));
            Some(WorkPackage {
                id: (*id).to_string(),
                title,
                priority: gaps.iter().map(|g| g.priority).fold(0.0, f64::max),
                rank: 0,
                blocker: gaps.iter().any(|g| g.blocker),
                effort_days: round1(gaps.iter().map(|g| g.factors.effort_days).sum()),
                status: gaps
                    .iter()
                    .map(|g| g.status)
                    .max_by_key(|s| severity(*s))
                    .unwrap_or(Status::Gap),
                requirements,
                next_action,
                start,
                end,
            })
        })
        .collect();
    // Highest priority first; ties in the order of their most urgent gap (the sort is stable).
    packages.sort_by(|a, b| b.priority.total_cmp(&a.priority));
    for (i, package) in packages.iter_mut().enumerate() {
        package.rank = i + 1;
    }
    packages
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]

    use super::*;
    use proptest::prelude::*;

    /// A gap's prerequisites as the plan found them before the open anchors were gathered once
    /// per set of gaps: kept to hold the two equal.
    fn prerequisites_one_by_one(id: &str, open: &[&str]) -> Vec<String> {
        let phase = rules::phase_of(id);
        let mut deps: Vec<String> = Vec::new();
        for (anchor_phase, anchors) in rules::PHASE_ANCHORS.iter().rev() {
            if phase_rank(*anchor_phase) >= phase_rank(phase) {
                continue;
            }
            let open_anchors: Vec<String> = anchors
                .iter()
                .filter(|a| open.contains(a) && **a != id)
                .map(|a| (*a).to_string())
                .collect();
            if !open_anchors.is_empty() {
                deps = open_anchors;
                break;
            }
        }
        if id.starts_with("9.3.") {
            deps.extend(
                open.iter()
                    .filter(|o| o.starts_with("9.2."))
                    .map(|o| (*o).to_string()),
            );
        }
        deps
    }

    /// A phase's rank is its place in `Phase::ALL`, as the roadmap's order and the
    /// prerequisites compare them.
    #[test]
    fn a_phase_ranks_at_its_place_on_the_path() {
        for (place, phase) in Phase::ALL.iter().enumerate() {
            assert_eq!(phase_rank(*phase), place, "{phase:?}");
        }
    }

    /// A task's id is what `format!("T{:03}")` wrote before, for plans up to 20,000 tasks and
    /// at the widest numbers.
    #[test]
    fn task_ids_are_written_as_the_format_wrote_them() {
        for n in (0..=20_000).chain([99_999, 100_000, usize::MAX]) {
            assert_eq!(task_id(n).as_str(), format!("T{n:03}"), "task {n}");
        }
    }

    /// Every anchor, gaps of internal audit and management review, and gaps of each phase.
    const POOL: &[&str] = &[
        "4.3-1", "4.3-2", "5.2.a", "5.2-1", "6.1.2.a", "6.1.4-1", "6.1.3.f", "9.2.1-1", "9.2.2.a",
        "9.3.1-1", "9.3.2.b", "4.1-1", "A.2.2", "A.5.3", "A.6.2.4", "7.2.a", "10.2.a", "8.2-1",
    ];

    proptest! {
        /// For any set of open gaps (in any order), each gap waits on what it waited on when
        /// its prerequisites were found one gap at a time.
        #[test]
        fn prerequisites_read_off_the_open_anchors_equal_those_found_one_by_one(
            picks in proptest::sample::subsequence(POOL.to_vec(), 0..=POOL.len()),
            shuffle in any::<u64>(),
        ) {
            let mut open = picks;
            // Rotate by a drawn amount, so that anchors are not always listed first.
            if !open.is_empty() {
                let by = (shuffle % open.len() as u64) as usize;
                open.rotate_left(by);
            }
            let prerequisites = Prerequisites::new(&open);
            for id in POOL {
                prop_assert_eq!(
                    prerequisites.of_in(id, rules::phase_of(id)),
                    prerequisites_one_by_one(id, &open),
                    "gap {} with open gaps {:?}", id, open
                );
            }
        }
    }
}
