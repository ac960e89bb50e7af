//! The plan: gaps rolled up into work packages, a roadmap that runs tasks in parallel within
//! the team's capacity and their dependencies, and a Statement of Applicability whose
//! justifications come from each control's own drivers.

use super::*;
use aimsgap_assess::*;
use proptest::prelude::*;
use std::collections::{BTreeSet, HashMap};

fn example(name: &str) -> Assessment {
    let (_, text) = EXAMPLES.iter().find(|(n, _)| *n == name).unwrap();
    parse(text)
}

/// An organisation that has answered nothing: every requirement is a gap.
fn nothing_answered(employees: u32, team_fte: f64) -> Assessment {
    let mut assessment = parse(&org(
        "ai_systems:\n  - {id: chat, name: Support chat, role: deployer, markets: [EU], interacts_with_natural_persons: true}\n",
    ));
    assessment.organization.employees = employees;
    assessment.organization.team_fte = team_fte;
    assessment
}

fn package<'a>(result: &'a AssessmentResult, id: &str) -> &'a WorkPackage {
    result
        .work_packages
        .iter()
        .find(|p| p.id == id)
        .unwrap_or_else(|| panic!("no work package {id}"))
}

/// The AI policy used to be seven gaps, seven next actions and seven roadmap lines: it is one
/// deliverable, so it is one package with its requirements beneath.
#[test]
fn the_ai_policy_is_one_work_package_covering_5_2_a_to_5_2_g() {
    let result = assess(catalog(), &nothing_answered(100, 1.0)).unwrap();
    let policy = package(&result, "5.2");
    assert_eq!(policy.title, "AI policy");
    let clause: Vec<&str> = policy
        .requirements
        .iter()
        .map(|id| id.as_str())
        .filter(|id| aimsgap_assess::rules::is_beneath(id, "5.2"))
        .collect();
    assert_eq!(
        clause.iter().copied().collect::<BTreeSet<_>>(),
        [
            "5.2.a", "5.2.b", "5.2.c", "5.2.d", "5.2-1", "5.2-2", "5.2-3"
        ]
        .into_iter()
        .collect::<BTreeSet<_>>()
    );
    // The Annex A AI policy control is the same document.
    assert!(policy.requirements.iter().any(|id| id == "A.2.2"));
    assert!(policy.blocker);
    assert!(result.work_packages.len() < result.gaps.len());
}

#[test]
fn every_gap_task_and_action_names_the_one_package_that_holds_it() {
    for (name, text) in EXAMPLES {
        let result = assess(catalog(), &parse(text)).unwrap();
        let holder: HashMap<&str, &WorkPackage> = result
            .work_packages
            .iter()
            .flat_map(|p| p.requirements.iter().map(move |id| (id.as_str(), p)))
            .collect();
        let listed: usize = result
            .work_packages
            .iter()
            .map(|p| p.requirements.len())
            .sum();
        assert_eq!(listed, result.gaps.len(), "{name}: each gap in one package");
        for gap in &result.gaps {
            let package = holder[gap.id.as_str()];
            assert_eq!(package.id, gap.package, "{name} {}", gap.id);
            assert!(package.priority >= gap.priority);
            assert!(!gap.blocker || package.blocker);
        }
        for task in &result.roadmap.tasks {
            let package = holder[task.requirement.as_str()];
            assert_eq!(package.id, task.package);
            assert!(package.start <= task.start && task.end <= package.end);
        }
        for action in &result.next_actions {
            assert_eq!(holder[action.id.as_str()].id, action.package);
        }
        let ranks: Vec<usize> = result.work_packages.iter().map(|p| p.rank).collect();
        assert_eq!(ranks, (1..=ranks.len()).collect::<Vec<_>>());
        assert!(
            result
                .work_packages
                .windows(2)
                .all(|w| w[0].priority >= w[1].priority)
        );
        let effort: f64 = result.work_packages.iter().map(|p| p.effort_days).sum();
        assert!((effort - result.roadmap.total_effort_days).abs() < 0.05 * ranks.len() as f64);
    }
}

#[test]
fn clause_requirements_roll_up_to_their_deliverable() {
    for (id, expected) in [
        ("5.2.c", "5.2"),
        ("9.2.2.b", "9.2"),
        ("7.5.3-1", "7.5"),
        ("6.1.2.a", "6.1.2"),
        ("6.1.4-4", "6.1.4"),
        ("10.2.a", "10.2"),
        ("A.2.2", "5.2"),
        ("A.5.4", "6.1.4"),
        ("A.6.2.4", "A.6.2.4"),
    ] {
        assert_eq!(rules::package_of(id), expected, "{id}");
    }
    // Every package is a node of the catalog, so it has a title.
    let iso = catalog().framework("iso42001").unwrap();
    for requirement in iso.assessable() {
        let package = rules::package_of(&requirement.id);
        assert!(
            iso.get(&package).is_some(),
            "{} -> {package}",
            requirement.id
        );
    }
}

/// Tasks used to run one after another whatever the team: with people to spare, independent
/// tasks now run side by side.
#[test]
fn a_team_of_five_runs_tasks_side_by_side() {
    let result = assess(catalog(), &nothing_answered(100, 5.0)).unwrap();
    let tasks = &result.roadmap.tasks;
    let overlapping = tasks.iter().enumerate().any(|(i, a)| {
        tasks[i + 1..]
            .iter()
            .any(|b| a.start < b.end && b.start < a.end)
    });
    assert!(overlapping, "no two tasks overlap");
}

/// Nobody can write one policy five times faster by adding people: a task has at most
/// `TASK_CREW_MAX` people on it, so a thousand people cannot finish in less than the longest
/// chain of tasks at that crew.
#[test]
fn a_task_is_never_faster_than_its_largest_crew_allows() {
    let result = assess(catalog(), &nothing_answered(100, 1000.0)).unwrap();
    for task in &result.roadmap.tasks {
        let working = task.effort_days / rules::TASK_CREW_MAX;
        let calendar = (working * 7.0 / rules::WORKING_DAYS_PER_WEEK).floor() as i64;
        assert!(
            task.start.days_until(task.end) >= calendar - 1,
            "{} {} to {}",
            task.id,
            task.start,
            task.end
        );
    }
}

/// Head count used to scale every task's effort by up to 2.2 times, so a 6,000-person
/// organisation with a small team waited years longer than a 150-person one. Now only
/// roll-out work (roles, training, communication, audit) grows in full; everything else grows
/// at most 30%.
#[test]
fn head_count_alone_moves_stage_1_by_months_not_years() {
    let stage1 = |employees: u32, team: f64| {
        assess(catalog(), &nothing_answered(employees, team))
            .unwrap()
            .roadmap
            .stage1_date
    };
    for (team, months) in [(5.0, 2), (2.0, 5), (1.0, 10)] {
        let later = stage1(150, team).days_until(stage1(6000, team));
        assert!(
            (0..=months * 31).contains(&later),
            "team {team}: 6,000 people plan {later} days later than 150"
        );
    }
}

#[test]
fn the_bank_soa_gives_at_least_30_of_38_distinct_justifications() {
    let result = assess(catalog(), &example("bank-credit-scoring")).unwrap();
    assert_eq!(result.soa.len(), 38);
    let distinct: BTreeSet<&str> = result
        .soa
        .iter()
        .map(|entry| entry.justification.as_str())
        .collect();
    assert!(distinct.len() >= 30, "{} distinct", distinct.len());
    // The drivers are the control's own: the credit-scoring system's classification for the
    // controls it concerns, and the certificate that covers part of a control.
    let scoring = result
        .soa
        .iter()
        .filter(|e| {
            e.justification
                .contains("Consumer credit scoring (high risk")
        })
        .count();
    assert!(scoring > 0);
    assert!(
        result
            .soa
            .iter()
            .any(|e| e.justification.contains("certificate: iso27001"))
    );
}

fn generated() -> impl Strategy<Value = Assessment> {
    let ids: Vec<String> = catalog()
        .framework("iso42001")
        .unwrap()
        .requirements
        .iter()
        .map(|r| r.id.to_string())
        .collect();
    (
        prop::collection::vec(
            (
                prop::sample::select(ids),
                prop::sample::select(vec![
                    AnswerStatus::Implemented,
                    AnswerStatus::Partial,
                    AnswerStatus::Planned,
                    AnswerStatus::NotImplemented,
                ]),
            ),
            0..40,
        ),
        any::<bool>(),
        0usize..4,
        1u32..20_000,
        1u32..60,
    )
        .prop_map(|(answers, certified, systems, employees, team)| {
            let mut assessment = nothing_answered(employees, f64::from(team) / 4.0);
            let first = assessment.ai_systems.first().cloned().unwrap();
            assessment.ai_systems = (0..systems)
                .map(|i| AiSystem {
                    id: format!("s{i}"),
                    ..first.clone()
                })
                .collect();
            let mut answers: Vec<Answer> = answers
                .into_iter()
                .map(|(id, status)| Answer {
                    id,
                    status,
                    maturity: Some(3),
                    owner: None,
                    evidence: Vec::new(),
                    justification: None,
                    notes: None,
                    due: None,
                })
                .collect();
            answers.sort_by(|a, b| a.id.cmp(&b.id));
            answers.dedup_by(|a, b| a.id == b.id);
            assessment.answers = answers;
            if certified {
                assessment.certifications = parse(&org(
                    "certifications:\n  - {framework: iso27001, status: certified, scope_covers_ai: true}\n",
                ))
                .certifications;
            }
            assessment
        })
}

fn with_team(assessment: &Assessment, team_fte: f64) -> Assessment {
    let mut changed = assessment.clone();
    changed.organization.team_fte = team_fte;
    changed
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_larger_team_never_makes_stage_1_later(
        assessment in generated(),
        more in 1u32..80,
    ) {
        let smaller = assess(catalog(), &assessment).unwrap();
        let team = assessment.organization.team_fte + f64::from(more) / 4.0;
        let larger = assess(catalog(), &with_team(&assessment, team)).unwrap();
        prop_assert!(
            larger.roadmap.stage1_date <= smaller.roadmap.stage1_date,
            "team {} gives {}, team {} gives {}",
            assessment.organization.team_fte, smaller.roadmap.stage1_date,
            team, larger.roadmap.stage1_date
        );
    }

    #[test]
    fn dependencies_end_before_dependants_start_and_nothing_starts_before_the_as_of_date(
        assessment in generated(),
    ) {
        let result = assess(catalog(), &assessment).unwrap();
        let by_id: HashMap<&str, &Task> =
            result.roadmap.tasks.iter().map(|t| (t.id.as_str(), t)).collect();
        for task in &result.roadmap.tasks {
            prop_assert!(task.start >= assessment.as_of, "{} starts {}", task.id, task.start);
            prop_assert!(task.start <= task.end);
            prop_assert!(task.end < result.roadmap.stage1_date);
            for dependency in &task.depends_on {
                let before = by_id[dependency.as_str()];
                prop_assert!(
                    before.end <= task.start,
                    "{} ends {} after {} starts {}", before.id, before.end, task.id, task.start
                );
            }
        }
        // Management review waits on internal audit, and internal audit on everything else.
        for task in result.roadmap.tasks.iter().filter(|t| t.requirement.starts_with("9.3.")) {
            for audit in result.roadmap.tasks.iter().filter(|t| t.requirement.starts_with("9.2.")) {
                prop_assert!(task.depends_on.contains(&audit.id));
            }
        }
        for audit in result.roadmap.tasks.iter().filter(|t| t.requirement.starts_with("9.2.")) {
            for earlier in result.roadmap.tasks.iter().filter(|t| t.phase != Phase::AuditReadiness) {
                prop_assert!(earlier.end <= audit.start);
            }
        }
    }

    /// The bound that holds by construction: head count multiplies a task's effort by at
    /// most `size_factor(6000) / size_factor(150)` = 2.2, and a list schedule ends between
    /// the larger of work/lanes and the longest chain and their sum, so the plan's working
    /// span grows by at most twice that ratio.
    #[test]
    fn head_count_alone_never_stretches_the_plan_beyond_its_bound(assessment in generated()) {
        let span = |employees: u32| {
            let mut changed = assessment.clone();
            changed.organization.employees = employees;
            let result = assess(catalog(), &changed).unwrap();
            let end = result.roadmap.tasks.iter().map(|t| t.end).max().unwrap_or(assessment.as_of);
            assessment.as_of.days_until(end) as f64
        };
        let ratio = rules::size_factor(6000) / rules::size_factor(150);
        let (small, large) = (span(150), span(6000));
        prop_assert!(large <= 2.0 * ratio * small + 2.0, "{small} -> {large}");
    }

    #[test]
    fn scheduling_leaves_the_total_effort_unchanged(
        assessment in generated(),
        team in 1u32..200,
    ) {
        let one = assess(catalog(), &with_team(&assessment, 1.0)).unwrap();
        let many = assess(catalog(), &with_team(&assessment, f64::from(team) / 4.0)).unwrap();
        prop_assert_eq!(one.roadmap.total_effort_days, many.roadmap.total_effort_days);
        let efforts = |r: &AssessmentResult| {
            let mut e: Vec<(String, u64)> = r.roadmap.tasks.iter()
                .map(|t| (t.requirement.to_string(), (t.effort_days * 10.0).round() as u64))
                .collect();
            e.sort();
            e
        };
        prop_assert_eq!(efforts(&one), efforts(&many));
        let sum: f64 = many.roadmap.tasks.iter().map(|t| t.effort_days).sum();
        prop_assert!((sum - many.roadmap.total_effort_days).abs() < 0.01 + 0.05 * many.roadmap.tasks.len() as f64);
    }
}
