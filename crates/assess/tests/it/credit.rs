//! Credit rules: direct answers, evidence, staleness, inheritance, exclusions.

use super::*;
use aimsgap_assess::Status;

fn requirement<'a>(
    result: &'a AssessmentResult,
    id: &str,
) -> &'a aimsgap_assess::RequirementResult {
    result.requirements.iter().find(|r| r.id == id).unwrap()
}

/// Answers `id` with `answer` (a YAML flow mapping) and expects `status` and a point credit.
fn check(answer: &str, id: &str, status: Status, point: f64) {
    let result = run(&org(&format!("answers:\n  \"{id}\": {answer}\n")));
    let r = requirement(&result, id);
    assert_eq!(r.status, status, "{answer}: {:?}", r.notes);
    assert!(
        (r.credit.point - point).abs() < 1e-9,
        "{answer}: point {} != {point}",
        r.credit.point
    );
    assert!(r.credit.lo <= r.credit.point && r.credit.point <= r.credit.hi);
}

#[test]
fn evidence_decides_between_met_and_partial() {
    // An approved document proves a documented requirement: weight 1.
    check(
        "{status: implemented, evidence: [{ref: p.pdf, kind: approved_document, date: 2026-05-02}]}",
        "5.2-1",
        Status::Met,
        1.0,
    );
    // A process needs operating records; an approved document alone weighs 0.7: still met.
    check(
        "{status: implemented, evidence: [{ref: p.pdf, kind: approved_document, date: 2026-05-02}]}",
        "8.2-1",
        Status::Met,
        0.3 + 0.7 * 0.7,
    );
    // A template is not an operating process.
    check(
        "{status: implemented, evidence: [{ref: t.docx, kind: template, date: 2026-05-02}]}",
        "5.2-1",
        Status::Partial,
        0.3 + 0.7 * 0.2,
    );
    // A claim without evidence counts 30%.
    check("{status: implemented}", "5.2-1", Status::Partial, 0.3);
    // Stale evidence (older than 12 months) counts 60% of its weight: below the met threshold.
    check(
        "{status: implemented, evidence: [{ref: p.pdf, kind: approved_document, date: 2025-10-01}]}",
        "5.2-1",
        Status::Partial,
        0.3 + 0.7 * 0.6,
    );
    // Ad hoc maturity keeps it partial even with good evidence.
    check(
        "{status: implemented, maturity: 1, evidence: [{ref: r.csv, kind: operating_record, date: 2026-09-01}]}",
        "8.2-1",
        Status::Partial,
        1.0,
    );
    check("{status: planned}", "5.2-1", Status::Gap, 0.1 * 0.3);
    check("{status: not_implemented}", "5.2-1", Status::Gap, 0.0);
}

#[test]
fn evidence_past_its_review_date_counts_half_and_the_requirement_says_why() {
    // Reviewed on time (due on the as-of date itself): full weight, met.
    check(
        "{status: implemented, evidence: [{ref: p.pdf, kind: approved_document, date: 2026-05-02, review_by: 2026-11-29}]}",
        "5.2-1",
        Status::Met,
        1.0,
    );
    // Its review date has passed: half its weight, below the bar for met.
    let answer = "{status: implemented, notes: Board minutes 12 March, evidence: [{ref: p.pdf, kind: approved_document, date: 2026-05-02, review_by: 2026-11-28, sha256: 9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08}]}";
    check(answer, "5.2-1", Status::Partial, 0.3 + 0.7 * 0.5);
    let result = run(&org(&format!("answers:\n  \"5.2-1\": {answer}\n")));
    let r = requirement(&result, "5.2-1");
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("`p.pdf` was due for review on 2026-11-28")),
        "{:?}",
        r.notes
    );
    let [evidence] = r.evidence.as_slice() else {
        panic!("one piece of evidence: {:?}", r.evidence)
    };
    assert_eq!(evidence.freshness, aimsgap_assess::Freshness::ReviewOverdue);
    assert!((evidence.weight - 0.5).abs() < 1e-9);
    assert_eq!(
        evidence.sha256.as_deref(),
        Some("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    );
    assert_eq!(r.answer_notes.as_deref(), Some("Board minutes 12 March"));
}

#[test]
fn a_bad_review_date_or_hash_is_refused_where_it_is() {
    let text = org(
        "answers:\n  \"5.2-1\": {status: implemented, evidence: [{ref: p.pdf, kind: approved_document, review_by: 2026-13-01, sha256: abc}]}\n",
    );
    let error = aimsgap_assess::parse_assessment("test.yaml", &text, catalog(), date("2026-11-29"))
        .map(|_| ())
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(error.contains("evidence[0].review_by"), "{error}");
    assert!(error.contains("evidence[0].sha256"), "{error}");
    assert!(error.contains("64 hexadecimal digits"), "{error}");
}

#[test]
fn future_dated_evidence_is_not_counted_and_is_reported() {
    let result = run(&org(
        "answers:\n  \"5.2-1\": {status: implemented, evidence: [{ref: p.pdf, kind: approved_document, date: 2027-01-01}]}\n",
    ));
    assert_eq!(requirement(&result, "5.2-1").status, Status::Partial);
    assert!(
        result
            .diagnostics
            .iter()
            .any(|d| d.message.contains("after the assessment date"))
    );
}

#[test]
fn a_group_answer_applies_to_children_without_their_own() {
    let result = run(&org(
        "answers:\n  \"7.5\": {status: implemented, evidence: [{ref: dms, kind: operating_record, date: 2026-10-01}]}\n  \"7.5.3-3\": {status: not_implemented}\n",
    ));
    assert_eq!(requirement(&result, "7.5.1-1").status, Status::Met);
    assert_eq!(requirement(&result, "7.5.3-1").status, Status::Met);
    assert_eq!(requirement(&result, "7.5.3-3").status, Status::Gap);
}

#[test]
fn excluded_controls_need_a_justification_and_leave_readiness() {
    let with = run(&org(
        "answers:\n  \"A.7.2\": {status: not_applicable, justification: We train no models.}\n",
    ));
    assert_eq!(requirement(&with, "A.7.2").status, Status::NotApplicable);
    assert_eq!(with.readiness.counted, 136);
    let soa = with.soa.iter().find(|s| s.control == "A.7.2").unwrap();
    assert!(!soa.included);
    assert_eq!(soa.justification, "We train no models.");
    let without = run(&org("answers:\n  \"A.7.2\": {status: not_applicable}\n"));
    assert_eq!(requirement(&without, "A.7.2").status, Status::Gap);
    assert_eq!(without.readiness.counted, 137);
}

#[test]
fn inherited_credit_is_a_range_never_met_and_halved_outside_ai_scope() {
    let certified = |scope: bool| {
        run(&org(&format!(
            "certifications:\n  - {{framework: iso27001, status: certified, scope_covers_ai: {scope}}}\n"
        )))
    };
    let inside = certified(true);
    let outside = certified(false);
    assert!(inside.requirements.iter().all(|r| r.status != Status::Met));
    let audit_in = requirement(&inside, "9.2.2-1");
    let audit_out = requirement(&outside, "9.2.2-1");
    assert_eq!(audit_in.status, Status::Partial);
    assert!(audit_in.credit.hi <= aimsgap_assess::rules::INHERITED_CAP);
    assert!((audit_in.credit.lo - audit_in.credit.hi / 2.0).abs() < 1e-12);
    assert!(audit_out.credit.hi < audit_in.credit.hi);
    // AI-specific requirements gain nothing from ISO 27001.
    for id in ["6.1.4-1", "A.5.2", "A.5.4", "A.7.4", "8.4-1"] {
        let r = requirement(&inside, id);
        assert_eq!(r.credit.hi, 0.0, "{id}");
        assert_eq!(r.status, Status::Unknown, "{id}");
    }
    assert!(inside.readiness.point > outside.readiness.point);
    assert!(
        inside.readiness.point < 50.0,
        "ISO 27001 alone must not look half-way there"
    );
}

#[test]
fn control_overrides_and_soc2_categories_limit_inherited_credit() {
    let full = run(&org(
        "certifications:\n  - {framework: iso27001, status: certified, scope_covers_ai: true}\n",
    ));
    let without_logging = run(&org(
        "certifications:\n  - {framework: iso27001, status: certified, scope_covers_ai: true, controls: {\"A.8.15\": not_implemented, \"A.8.16\": not_implemented}}\n",
    ));
    assert!(
        requirement(&without_logging, "A.6.2.8").credit.hi
            < requirement(&full, "A.6.2.8").credit.hi
    );
    let security = run(&org(
        "certifications:\n  - {framework: soc2, status: attested, report: type2, categories: [security]}\n",
    ));
    let with_pi = run(&org(
        "certifications:\n  - {framework: soc2, status: attested, report: type2, categories: [security, processing_integrity]}\n",
    ));
    assert!(with_pi.readiness.point > security.readiness.point);
    let type1 = run(&org(
        "certifications:\n  - {framework: soc2, status: attested, report: type1, categories: [security]}\n",
    ));
    assert!(type1.readiness.point < security.readiness.point);
}

#[test]
fn expired_certification_gives_nothing_and_says_so() {
    let result = run(&org(
        "certifications:\n  - {framework: iso27001, status: certified, valid_until: 2026-01-31, scope_covers_ai: true}\n",
    ));
    assert_eq!(result.readiness.point, 0.0);
    assert!(
        result
            .diagnostics
            .iter()
            .any(|d| d.field == "certifications[0]")
    );
}

#[test]
fn combining_edges_never_adds_up_to_conformity() {
    let many = aimsgap_assess::combine(&[0.5; 20]);
    assert!(many.hi <= aimsgap_assess::rules::INHERITED_CAP);
    let one = aimsgap_assess::combine(&[0.3]);
    let two = aimsgap_assess::combine(&[0.3, 0.3]);
    assert!(two.hi > one.hi && two.hi < 0.3 + 0.7 * 0.25 + 1e-12);
    assert_eq!(aimsgap_assess::combine(&[]).hi, 0.0);
}

#[test]
fn gaps_are_ranked_with_blockers_first_and_factors_explain_the_priority() {
    let result = run(&org(""));
    assert!(!result.gaps.is_empty());
    for (i, gap) in result.gaps.iter().enumerate() {
        assert_eq!(gap.rank, i + 1);
        let f = &gap.factors;
        let recomputed = 100.0
            * (0.30 * f.blocker
                + 0.20 * f.regulatory
                + 0.10 * f.system_risk
                + 0.20 * f.size
                + 0.10 * f.ease
                + 0.10 * f.unblocks);
        assert!(
            (recomputed - gap.priority).abs() < 0.051,
            "{}: {recomputed} vs {}",
            gap.id,
            gap.priority
        );
    }
    assert!(
        result
            .gaps
            .windows(2)
            .all(|w| w[0].priority >= w[1].priority)
    );
    // With nothing done, the first gaps are certification blockers.
    assert!(result.gaps.iter().take(10).all(|g| g.blocker));
    assert!(!result.verdict.ready_for_stage1);
}

#[test]
fn roadmap_puts_scope_before_policy_before_risk_before_soa_before_audit() {
    let result = run(&org(""));
    let start_of = |id: &str| {
        result
            .roadmap
            .tasks
            .iter()
            .find(|t| t.requirement == id)
            .map(|t| t.start)
            .unwrap()
    };
    assert!(start_of("4.3-1") <= start_of("5.2.a"));
    assert!(start_of("5.2.a") <= start_of("6.1.2.a"));
    assert!(start_of("6.1.2.a") <= start_of("6.1.3.f"));
    assert!(start_of("6.1.3.f") <= start_of("9.2.1-1"));
    assert!(start_of("9.2.1-1") <= start_of("9.3.1-1"));
    let soa_task = result
        .roadmap
        .tasks
        .iter()
        .find(|t| t.requirement == "6.1.3.f")
        .unwrap();
    let risk_task = result
        .roadmap
        .tasks
        .iter()
        .find(|t| t.requirement == "6.1.2.a")
        .unwrap();
    assert!(soa_task.depends_on.contains(&risk_task.id));
    assert!(result.roadmap.stage2_date > result.roadmap.stage1_date);
    assert!(result.roadmap.stage1_date > date("2026-11-29"));
    // A bigger team finishes sooner.
    let bigger = run(&org("").replace("team_fte: 1", "team_fte: 4"));
    assert!(bigger.roadmap.stage1_date < result.roadmap.stage1_date);
}

#[test]
fn a_baseline_is_the_readiness_of_the_certification_alone() {
    let text = org(
        "certifications:\n  - {framework: iso27001, status: certified, scope_covers_ai: true}\n  - {framework: soc2, status: attested, report: type2, categories: [security]}\n",
    );
    let result = run(&text);
    let both = result
        .baseline
        .iter()
        .find(|b| b.framework == "iso27001+soc2")
        .unwrap();
    assert_eq!(both.point, result.readiness.point);
    assert_eq!(both.lo, result.readiness.lo);
    assert_eq!(both.hi, result.readiness.hi);
    let alone = run(&org(
        "certifications:\n  - {framework: iso27001, status: certified, scope_covers_ai: true}\n",
    ));
    let iso = result
        .baseline
        .iter()
        .find(|b| b.framework == "iso27001")
        .unwrap();
    assert_eq!(iso.point, alone.readiness.point);
    // The fast baseline path computes exactly the credit the explained path records.
    let assessment = parse(&text);
    for r in &result.requirements {
        let (credit, _) = aimsgap_assess::inherited_credit(catalog(), &assessment, &r.id);
        assert_eq!(credit, r.credit, "{}", r.id);
    }
    assert!(
        both.derivation
            .iter()
            .any(|d| d.contains("edges from iso27001+soc2"))
    );
}
