//! Rules that move the right way, over generated assessments and on every requirement, group
//! and the total: a more positive answer, added or fresher evidence, a higher maturity or a
//! held certification never lowers anything; the certificate is a floor under every direct
//! answer but `not_implemented`; and the result keeps what is declared apart from what is
//! evidenced.

use super::properties::{assessment, certification, evidence, leaf_ids};
use super::*;
use aimsgap_assess::*;
use proptest::prelude::*;

const EPS: f64 = 1e-9;

/// The order of answers from least to most positive.
const ORDER: [AnswerStatus; 4] = [
    AnswerStatus::NotImplemented,
    AnswerStatus::Planned,
    AnswerStatus::Partial,
    AnswerStatus::Implemented,
];

fn rank(status: Status) -> u8 {
    match status {
        Status::Gap | Status::Unknown | Status::NotApplicable => 0,
        Status::Partial => 1,
        Status::Met => 2,
    }
}

fn credit_not_lower(before: &Credit, after: &Credit) -> bool {
    after.lo >= before.lo - EPS && after.point >= before.point - EPS && after.hi >= before.hi - EPS
}

fn readiness_not_lower(before: &Readiness, after: &Readiness) -> bool {
    after.lo >= before.lo - EPS && after.point >= before.point - EPS && after.hi >= before.hi - EPS
}

/// Every requirement, group and the total of `after` stand at least as high as in `before`.
fn not_lower(before: &AssessmentResult, after: &AssessmentResult) -> Result<(), TestCaseError> {
    prop_assert_eq!(before.requirements.len(), after.requirements.len());
    for (b, a) in before.requirements.iter().zip(&after.requirements) {
        prop_assert_eq!(&b.id, &a.id);
        prop_assert!(
            credit_not_lower(&b.credit, &a.credit),
            "{}: credit {:?} -> {:?}",
            b.id,
            b.credit,
            a.credit
        );
        if b.status != Status::NotApplicable && a.status != Status::NotApplicable {
            prop_assert!(
                rank(a.status) >= rank(b.status),
                "{}: status {} -> {}",
                b.id,
                b.status,
                a.status
            );
        }
    }
    prop_assert_eq!(before.groups.len(), after.groups.len());
    for (b, a) in before.groups.iter().zip(&after.groups) {
        prop_assert_eq!(&b.id, &a.id);
        prop_assert!(
            readiness_not_lower(b, a),
            "group {}: {:?} -> {:?}",
            b.id,
            b,
            a
        );
    }
    prop_assert!(
        readiness_not_lower(&before.readiness, &after.readiness),
        "overall {:?} -> {:?}",
        before.readiness,
        after.readiness
    );
    prop_assert!(after.claims.declared >= before.claims.declared - EPS);
    prop_assert!(after.claims.evidenced >= before.claims.evidenced - EPS);
    Ok(())
}

fn answer_positions(a: &Assessment) -> Vec<usize> {
    a.answers
        .iter()
        .enumerate()
        .filter(|(_, x)| ORDER.contains(&x.status))
        .map(|(i, _)| i)
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn a_more_positive_answer_never_lowers_anything(
        a in assessment(),
        pick in any::<prop::sample::Index>(),
        step in 1usize..4,
    ) {
        let positions = answer_positions(&a);
        prop_assume!(!positions.is_empty());
        let i = *pick.get(&positions);
        let from = ORDER.iter().position(|s| *s == a.answers[i].status).unwrap();
        prop_assume!(from + step < ORDER.len());
        let mut better = a.clone();
        better.answers[i].status = ORDER[from + step];
        not_lower(&assess(catalog(), &a).unwrap(), &assess(catalog(), &better).unwrap())?;
    }

    #[test]
    fn an_answer_given_where_none_was_never_lowers_anything_unless_it_says_absent(
        a in assessment(),
        pick in any::<prop::sample::Index>(),
        status in prop::sample::select(ORDER[1..].to_vec()),
    ) {
        let leaves = leaf_ids();
        let id = pick.get(&leaves).clone();
        let iso = catalog().framework(TARGET).unwrap();
        prop_assume!(governing_answer(iso, &a.answers, &id).is_none());
        let mut more = a.clone();
        more.answers.push(Answer {
            id: id.clone(),
            status,
            maturity: None,
            owner: None,
            evidence: Vec::new(),
            justification: None,
            notes: None,
            due: None,
        });
        not_lower(&assess(catalog(), &a).unwrap(), &assess(catalog(), &more).unwrap())?;
    }

    #[test]
    fn added_evidence_never_lowers_anything(
        a in assessment(),
        pick in any::<prop::sample::Index>(),
        extra in evidence(),
    ) {
        prop_assume!(!a.answers.is_empty());
        let i = pick.index(a.answers.len());
        let mut more = a.clone();
        more.answers[i].evidence.push(extra);
        not_lower(&assess(catalog(), &a).unwrap(), &assess(catalog(), &more).unwrap())?;
    }

    #[test]
    fn fresher_evidence_never_lowers_anything(
        a in assessment(),
        pick in any::<prop::sample::Index>(),
        kind in prop::sample::select(EvidenceKind::ALL.to_vec()),
        old in 0i64..1_000,
        newer in 0i64..1_000,
    ) {
        prop_assume!(!a.answers.is_empty());
        let i = pick.index(a.answers.len());
        let (older, fresher) = (old.max(newer), old.min(newer));
        let with = |days_before: i64| {
            let mut b = a.clone();
            b.answers[i].evidence = vec![Evidence {
                reference: "record".into(),
                kind,
                date: Some(a.as_of.add_days(-days_before)),
                review_by: None,
                sha256: None,
            }];
            b
        };
        not_lower(
            &assess(catalog(), &with(older)).unwrap(),
            &assess(catalog(), &with(fresher)).unwrap(),
        )?;
    }

    #[test]
    fn a_later_review_date_never_lowers_anything(
        a in assessment(),
        pick in any::<prop::sample::Index>(),
        kind in prop::sample::select(EvidenceKind::ALL.to_vec()),
        age in prop::option::of(0i64..1_000),
        one in prop::option::of(-400i64..400),
        two in prop::option::of(-400i64..400),
    ) {
        prop_assume!(!a.answers.is_empty());
        let i = pick.index(a.answers.len());
        // No review date is the latest of all: nothing is due.
        let (earlier, later) = match (one, two) {
            (Some(x), Some(y)) => (Some(x.min(y)), Some(x.max(y))),
            (Some(x), None) | (None, Some(x)) => (Some(x), None),
            (None, None) => (None, None),
        };
        let with = |review: Option<i64>| {
            let mut b = a.clone();
            b.answers[i].evidence = vec![Evidence {
                reference: "record".into(),
                kind,
                date: age.map(|days| a.as_of.add_days(-days)),
                review_by: review.map(|days| a.as_of.add_days(days)),
                sha256: None,
            }];
            b
        };
        not_lower(
            &assess(catalog(), &with(earlier)).unwrap(),
            &assess(catalog(), &with(later)).unwrap(),
        )?;
    }

    #[test]
    fn a_higher_maturity_never_lowers_anything(
        a in assessment(),
        pick in any::<prop::sample::Index>(),
        low in 0u8..=5,
        high in 0u8..=5,
    ) {
        prop_assume!(!a.answers.is_empty());
        let i = pick.index(a.answers.len());
        let with = |m: u8| {
            let mut b = a.clone();
            b.answers[i].maturity = Some(m);
            b
        };
        not_lower(
            &assess(catalog(), &with(low.min(high))).unwrap(),
            &assess(catalog(), &with(low.max(high))).unwrap(),
        )?;
    }

    #[test]
    fn a_held_certification_never_lowers_anything(a in assessment(), extra in certification()) {
        let mut more = a.clone();
        more.certifications.push(extra);
        not_lower(&assess(catalog(), &a).unwrap(), &assess(catalog(), &more).unwrap())?;
    }

    #[test]
    fn a_certification_in_ai_scope_never_lowers_anything(a in assessment()) {
        prop_assume!(a.certifications.iter().any(|c| !c.scope_covers_ai));
        let mut wider = a.clone();
        for c in &mut wider.certifications {
            c.scope_covers_ai = true;
        }
        not_lower(&assess(catalog(), &a).unwrap(), &assess(catalog(), &wider).unwrap())?;
    }

    /// Only `not_implemented` may leave a requirement below what the certificates alone give.
    #[test]
    fn the_certificate_is_a_floor_under_every_answer_but_not_implemented(a in assessment()) {
        let result = assess(catalog(), &a).unwrap();
        let mut alone = a.clone();
        alone.answers.clear();
        let baseline = assess(catalog(), &alone).unwrap();
        let iso = catalog().framework(TARGET).unwrap();
        for (r, b) in result.requirements.iter().zip(&baseline.requirements) {
            let answer = governing_answer(iso, &a.answers, &r.id);
            let absent = answer.is_some_and(|x| x.status == AnswerStatus::NotImplemented);
            if absent || r.status == Status::NotApplicable {
                continue;
            }
            let (floor, _) = inherited_credit(catalog(), &a, &r.id);
            prop_assert!(credit_not_lower(&floor, &r.credit), "{}: {:?} below {:?}", r.id, r.credit, floor);
            prop_assert!(rank(r.status) >= rank(b.status), "{}: {} below {}", r.id, r.status, b.status);
        }
        // Without `not_implemented` and exclusions the total never reads below any baseline.
        let plain = a.answers.iter().all(|x| {
            !matches!(x.status, AnswerStatus::NotImplemented | AnswerStatus::NotApplicable)
        });
        if plain {
            for b in &result.baseline {
                prop_assert!(result.readiness.point >= b.point - EPS, "{} {} < {}", b.framework, result.readiness.point, b.point);
                prop_assert!(result.readiness.lo >= b.lo - EPS);
                prop_assert!(result.readiness.hi >= b.hi - EPS);
            }
        }
    }

    /// The declared and evidenced figures are the ends of the overall range, and every claim
    /// short of evidence is on the list to attach.
    #[test]
    fn declared_and_evidenced_bound_the_total_and_every_unbacked_claim_is_listed(a in assessment()) {
        let result = assess(catalog(), &a).unwrap();
        let claims = &result.claims;
        prop_assert_eq!(claims.declared, result.readiness.hi);
        prop_assert_eq!(claims.evidenced, result.readiness.lo);
        prop_assert!(claims.evidenced <= claims.point && claims.point <= claims.declared);
        let listed: Vec<&str> = claims.to_attach.iter().map(|x| x.id.as_str()).collect();
        for r in &result.requirements {
            if r.basis == Basis::Declared {
                let claimed = r.sources.iter().any(|s| matches!(s, Source::Answer { status: AnswerStatus::Implemented | AnswerStatus::Partial, .. }));
                prop_assert_eq!(claimed, listed.contains(&r.id.as_str()), "{}", r.id);
            }
            if r.basis == Basis::Evidenced {
                prop_assert!(!listed.contains(&r.id.as_str()), "{}", r.id);
            }
        }
        let blockers: Vec<bool> = claims.to_attach.iter().map(|x| x.blocker).collect();
        let mut sorted = blockers.clone();
        sorted.sort_by(|x, y| y.cmp(x));
        prop_assert_eq!(blockers, sorted, "blockers first");
    }
}

/// An ISO/IEC 27001 organisation answering the blocker clauses, with an answer `status` on each
/// (none when `None`).
fn key_clauses(status: Option<&str>) -> AssessmentResult {
    let answers = match status {
        None => String::new(),
        Some(status) => {
            let mut text = "answers:\n".to_string();
            for clause in rules::BLOCKER_CLAUSES {
                text.push_str(&format!("  \"{clause}\": {{status: {status}}}\n"));
            }
            text
        }
    };
    run(&org(&format!(
        "certifications:\n  - {{framework: iso27001, status: certified, scope_covers_ai: true}}\n{answers}"
    )))
}

#[test]
fn with_iso_27001_partial_key_clauses_score_at_least_unanswered_and_implemented_higher_still() {
    let none = key_clauses(None).readiness;
    let planned = key_clauses(Some("planned")).readiness;
    let partial = key_clauses(Some("partial")).readiness;
    let implemented = key_clauses(Some("implemented")).readiness;
    let absent = key_clauses(Some("not_implemented")).readiness;
    // Before the floor: partial 19.6 < unanswered 24.9 < implemented 26.4.
    assert!(partial.point >= none.point, "{partial:?} vs {none:?}");
    assert!(planned.point >= none.point, "{planned:?} vs {none:?}");
    assert!(partial.point >= planned.point);
    assert!(
        implemented.point > partial.point,
        "{implemented:?} vs {partial:?}"
    );
    assert!(implemented.hi > partial.hi);
    assert!(partial.lo >= none.lo && partial.hi > none.hi);
    // Saying the practice is absent may go below the certificate, and explain says so.
    assert!(absent.point < none.point, "{absent:?} vs {none:?}");
}

#[test]
fn not_implemented_overrides_inherited_credit_and_explain_says_so() {
    let result = key_clauses(Some("not_implemented"));
    let overridden = result
        .requirements
        .iter()
        .find(|r| r.id.starts_with("9.2.") && r.basis == Basis::Absent)
        .expect("an internal audit requirement answered not implemented");
    let text = explain(catalog(), &result, &overridden.id).unwrap();
    assert!(
        text.contains("overrides the credit held certifications alone would give"),
        "{text}"
    );
    assert_eq!(overridden.credit, Credit::ZERO);
}

#[test]
fn yes_to_everything_without_evidence_reads_as_declared_not_as_not_met() {
    let iso = catalog().framework(TARGET).unwrap();
    let mut answers = "answers:\n".to_string();
    for group in iso.groups() {
        answers.push_str(&format!("  \"{}\": {{status: implemented}}\n", group.id));
    }
    let result = run(&org(&format!(
        "certifications:\n  - {{framework: iso27001, status: certified, scope_covers_ai: true}}\n{answers}"
    )));
    let claims = &result.claims;
    assert!(claims.declared >= 95.0, "{claims:?}");
    assert!(claims.evidenced < 40.0, "{claims:?}");
    assert_eq!(claims.declared_requirements, result.readiness.counted);
    assert_eq!(claims.to_attach.len(), result.readiness.counted);
    assert!(claims.to_attach.first().is_some_and(|x| x.blocker));
    assert!(
        claims
            .to_attach
            .iter()
            .filter(|x| !x.expected.is_empty())
            .count()
            > claims.to_attach.len() / 2
    );
    for reason in &result.verdict.reasons {
        assert!(!reason.contains("not met"), "{reason}");
    }
    assert!(
        result
            .verdict
            .reasons
            .iter()
            .any(|r| r.starts_with("certification blocker 5.2")
                && r.contains("declared, attach evidence")),
        "{:?}",
        result.verdict.reasons
    );
}

#[test]
fn a_clause_left_to_the_certificate_reads_inherited_in_the_verdict() {
    let result = key_clauses(None);
    let audit = result
        .verdict
        .reasons
        .iter()
        .find(|r| r.starts_with("certification blocker 9.2.1"))
        .expect("internal audit is a blocker");
    assert!(audit.contains("inherited, verify for AI"), "{audit}");
    assert!(!audit.contains("not met"), "{audit}");
}

#[test]
fn evidence_dated_after_the_assessment_date_is_reported_even_on_a_group_answer() {
    let result = run(&org(
        "answers:\n  \"5.2\": {status: implemented, evidence: [{ref: policy-v2.pdf, kind: approved_document, date: 2027-01-03}]}\n",
    ));
    let found: Vec<&Diagnostic> = result
        .diagnostics
        .iter()
        .filter(|d| d.field == "answers.5.2.evidence[0].date")
        .collect();
    assert_eq!(found.len(), 1, "{:?}", result.diagnostics);
    assert!(found[0].message.contains("not counted"));
    let policy = result
        .requirements
        .iter()
        .find(|r| r.id == "5.2.a")
        .unwrap();
    assert_eq!(policy.basis, Basis::Declared);
}

/// On each of the five examples, every answer raised one step at a time never lowers any
/// requirement, group or the total, and the certificate stays a floor.
#[test]
fn on_every_example_each_more_positive_answer_never_lowers_anything() {
    let iso = catalog().framework(TARGET).unwrap();
    let mut raised = 0;
    for (name, text) in EXAMPLES {
        let example = parse(text);
        let before = assess(catalog(), &example).unwrap();
        for r in &before.requirements {
            let answer = governing_answer(iso, &example.answers, &r.id);
            if answer.is_some_and(|x| x.status == AnswerStatus::NotImplemented)
                || r.status == Status::NotApplicable
            {
                continue;
            }
            let (floor, _) = inherited_credit(catalog(), &example, &r.id);
            assert!(
                credit_not_lower(&floor, &r.credit),
                "{name} {}: below the certificate",
                r.id
            );
        }
        for i in 0..example.answers.len() {
            let Some(from) = ORDER.iter().position(|s| *s == example.answers[i].status) else {
                continue;
            };
            let Some(next) = ORDER.get(from + 1) else {
                continue;
            };
            let mut better = example.clone();
            better.answers[i].status = *next;
            let after = assess(catalog(), &better).unwrap();
            if let Err(failure) = not_lower(&before, &after) {
                panic!(
                    "{name}: raising {} to {next}: {failure}",
                    example.answers[i].id
                );
            }
            raised += 1;
        }
    }
    // 62 answers of the five examples are below `implemented`.
    assert!(raised >= 60, "only {raised} answers raised");
}
