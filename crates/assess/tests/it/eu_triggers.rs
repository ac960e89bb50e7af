//! The EU AI Act's triggers as data: Annex III points on AI systems, obligations that reach or
//! leave out areas and points, the Art. 50(2) grace for systems already on the market, the
//! Art. 73 reporting deadlines and permissions that are not duties.
//!
//! Several of these reproduce defects of the earlier rules: the fundamental rights impact
//! assessment (Art. 27) followed Colorado's broad lending and insurance decisions instead of
//! Annex III points 5(b) and 5(c); Arts. 27(1), 49(1), 49(3) and 86(1) reached critical
//! infrastructure (point 2); the Art. 50(2) grace lived only in prose; Art. 4a(1) was a duty.

use super::*;
use aimsgap_assess::{Classification, ObligationItem, SystemObligations};
use proptest::prelude::*;

fn eu(as_of: &str, fields: &str) -> SystemObligations {
    let text = org(&format!("ai_systems:\n  - {{id: s, name: S, {fields}}}\n"))
        .replace("as_of: 2026-11-29", &format!("as_of: {as_of}"));
    run(&text)
        .obligations
        .into_iter()
        .find(|o| o.law == "eu-ai-act")
        .unwrap()
}

fn ids(obligations: &SystemObligations) -> Vec<&str> {
    obligations.items.iter().map(|i| i.id.as_ref()).collect()
}

fn item<'a>(obligations: &'a SystemObligations, id: &str) -> &'a ObligationItem {
    obligations
        .items
        .iter()
        .find(|i| &*i.id == id)
        .unwrap_or_else(|| panic!("{id} not among {:?}", ids(obligations)))
}

const FRIA: [&str; 2] = ["art-27-public", "art-27-credit"];
/// The four duties that leave out Annex III point 2.
const NOT_POINT_2: [&str; 4] = ["art-27-public", "art-49-3", "art-86-1", "art-49-1"];

#[test]
fn critical_infrastructure_deployed_by_a_public_body_gets_no_fria_registration_or_explanation() {
    for place in [
        "annex_iii_point: \"2\"",
        "annex_iii_area: critical_infrastructure",
    ] {
        let o = eu(
            "2026-11-29",
            &format!("role: deployer, markets: [EU], public_body: true, {place}"),
        );
        assert_eq!(o.classification, Classification::HighRisk, "{place}");
        for id in NOT_POINT_2.iter().chain(&FRIA) {
            assert!(!ids(&o).contains(id), "{id} reaches point 2 ({place})");
        }
        // Still high-risk: the deployer's other duties bind it.
        assert!(ids(&o).contains(&"art-26-1"), "{place}");
        // The area alone decides point 2, its only point: no note asks for the point.
        assert!(o.items.iter().all(|i| i.notes.is_empty()), "{place}");
    }
    // A provider of a point 2 system does not register it in the EU database either.
    let provider = eu(
        "2026-11-29",
        "role: provider, markets: [EU], annex_iii_point: \"2\"",
    );
    assert!(!ids(&provider).contains(&"art-49-1"));
    assert!(ids(&provider).contains(&"art-9-1"));
}

#[test]
fn the_same_public_body_in_another_annex_iii_area_gets_the_fria() {
    let o = eu(
        "2026-11-29",
        "role: deployer, markets: [EU], public_body: true, annex_iii_point: \"5(a)\"",
    );
    for id in ["art-27-public", "art-49-3", "art-86-1"] {
        assert!(ids(&o).contains(&id), "{id}");
    }
    assert!(!ids(&o).contains(&"art-27-credit"), "5(a) is not 5(b)/5(c)");
}

#[test]
fn a_banks_fraud_detection_model_gets_no_fria() {
    // Fraud detection is left out of point 5(b): no Annex III point, so not high-risk, even
    // though Colorado counts it among lending decisions.
    let o = eu(
        "2026-11-29",
        "role: deployer, markets: [EU], consequential_decisions: [financial_lending]",
    );
    assert_eq!(o.classification, Classification::Minimal);
    for id in FRIA {
        assert!(!ids(&o).contains(&id), "{id}");
    }
}

#[test]
fn a_credit_scoring_model_of_natural_persons_gets_the_fria_without_colorado_words() {
    // The old trigger read Colorado's `financial_lending`: a bank that only names the point got
    // no FRIA.
    let o = eu(
        "2026-11-29",
        "role: deployer, markets: [EU], annex_iii_point: \"5(b)\"",
    );
    let fria = item(&o, "art-27-credit");
    assert_eq!(fria.applies_from, date("2027-12-02"));
    assert!(fria.notes.is_empty(), "{:?}", fria.notes);
    assert!(
        !ids(&o).contains(&"art-27-public"),
        "a bank is not a public body"
    );
    assert!(
        o.reasons
            .iter()
            .any(|r| r.contains("Annex III point `5(b)` (area `essential_services`)")),
        "{:?}",
        o.reasons
    );
}

#[test]
fn a_life_insurance_pricing_model_gets_the_fria() {
    let o = eu(
        "2026-11-29",
        "role: deployer, markets: [EU], annex_iii_point: \"5(c)\"",
    );
    assert!(ids(&o).contains(&"art-27-credit"));
}

#[test]
fn colorado_insurance_decisions_no_longer_trigger_the_fria_outside_5b_and_5c() {
    // Emergency triage (5(d)) run by a private company that also prices insurance in Colorado:
    // the old trigger gave it the credit-and-insurance FRIA.
    let o = eu(
        "2026-11-29",
        "role: deployer, markets: [EU], annex_iii_point: \"5(d)\", consequential_decisions: [insurance, financial_lending]",
    );
    assert_eq!(o.classification, Classification::HighRisk);
    for id in FRIA {
        assert!(!ids(&o).contains(&id), "{id}");
    }
}

#[test]
fn an_area_without_a_point_is_never_decided_in_the_systems_favour() {
    // A format 1 file written before points: area essential_services alone. The FRIA for 5(b)
    // and 5(c) cannot be decided, so it is listed, and its note says the point decides.
    let o = eu(
        "2026-11-29",
        "role: deployer, markets: [EU], annex_iii_area: essential_services",
    );
    let fria = item(&o, "art-27-credit");
    assert!(
        fria.notes
            .iter()
            .any(|n| n.contains("`5(b)`, `5(c)`") && n.contains("no annex_iii_point")),
        "{:?}",
        fria.notes
    );
    // The point 2 exception needs no point here: the area is not critical infrastructure.
    assert!(item(&o, "art-86-1").notes.is_empty());
}

#[test]
fn a_format_1_file_without_points_keeps_its_classification() {
    // Employment has no obligation scoped by point: the same classification, tiers and
    // obligations with or without the point.
    let without = eu(
        "2026-11-29",
        "role: provider, markets: [EU], annex_iii_area: employment",
    );
    let with = eu(
        "2026-11-29",
        "role: provider, markets: [EU], annex_iii_area: employment, annex_iii_point: \"4(a)\"",
    );
    assert_eq!(without.classification, with.classification);
    assert_eq!(without.tiers, with.tiers);
    assert_eq!(ids(&without), ids(&with));
    assert!(!ids(&without).is_empty());
}

#[test]
fn the_point_gives_the_area_and_a_contradicting_pair_is_an_error() {
    let text = org("ai_systems:\n  - {id: s, name: S, annex_iii_point: \"4(b)\"}\n");
    let assessment = parse(&text);
    let system = assessment.ai_systems.first().unwrap();
    assert_eq!(system.annex_iii_area.as_deref(), Some("employment"));
    assert_eq!(system.annex_iii_point.as_deref(), Some("4(b)"));

    let text = org(
        "ai_systems:\n  - id: s\n    name: S\n    annex_iii_area: education\n    annex_iii_point: \"4(b)\"\n",
    );
    let errors = parse_assessment("acme.yaml", &text, catalog(), date("2026-11-29")).unwrap_err();
    let error = errors
        .iter()
        .find(|e| e.field == "ai_systems[0].annex_iii_point")
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(error.location.line, 8, "{error}");
    assert!(
        error.to_string().contains("belongs to area `employment`"),
        "{error}"
    );
}

#[test]
fn an_unknown_point_names_the_field_and_the_accepted_points() {
    let text = org("ai_systems:\n  - id: s\n    name: S\n    annex_iii_point: \"5(e)\"\n");
    let errors = parse_assessment("acme.yaml", &text, catalog(), date("2026-11-29")).unwrap_err();
    let error = errors
        .iter()
        .find(|e| e.field == "ai_systems[0].annex_iii_point")
        .unwrap_or_else(|| panic!("{errors:#?}"));
    assert_eq!(error.location.line, 7);
    let message = error.to_string();
    assert!(message.contains("`5(e)`"), "{message}");
    assert!(
        message.contains("5(b)") && message.contains("8(b)"),
        "{message}"
    );
}

const GENERATOR: &str = "role: provider, markets: [EU], generates_synthetic_content: true";

#[test]
fn art_50_2_grace_follows_the_market_date() {
    let before = eu(
        "2026-09-01",
        &format!("{GENERATOR}, placed_on_market: 2026-05-01"),
    );
    let marking = item(&before, "art-50-2");
    assert_eq!(marking.applies_from, date("2026-12-02"));
    assert!(marking.days_until > 0);
    assert!(
        marking
            .notes
            .iter()
            .any(|n| n.contains("before 2026-08-02")),
        "{:?}",
        marking.notes
    );

    let after = eu(
        "2026-09-01",
        &format!("{GENERATOR}, placed_on_market: 2026-08-02"),
    );
    assert_eq!(item(&after, "art-50-2").applies_from, date("2026-08-02"));

    // Without a date the earlier date stands, and the note says what a date would change.
    let unknown = eu("2026-09-01", GENERATOR);
    let marking = item(&unknown, "art-50-2");
    assert_eq!(marking.applies_from, date("2026-08-02"));
    assert!(
        marking
            .notes
            .iter()
            .any(|n| n.contains("no placed_on_market")),
        "{:?}",
        marking.notes
    );
    // Other duties have no grace and keep their date.
    assert_eq!(item(&before, "art-4-1").applies_from, date("2025-02-02"));
}

#[test]
fn art_73_deadlines_are_data_on_the_obligation() {
    let o = eu(
        "2026-11-29",
        "role: provider, markets: [EU], annex_iii_point: \"4(a)\"",
    );
    let reporting = item(&o, "art-73-1");
    let days: Vec<u16> = reporting.deadlines.iter().map(|(d, _)| *d).collect();
    assert_eq!(days, [15, 10, 2]);
    let sentence = reporting.deadline_sentence().unwrap();
    assert!(sentence.starts_with("report within 15 days"), "{sentence}");
    assert!(sentence.contains("10 days: after the death"), "{sentence}");
    assert!(
        sentence.contains("2 days: a widespread infringement"),
        "{sentence}"
    );
    assert!(item(&o, "art-9-1").deadline_sentence().is_none());
}

#[test]
fn a_permission_is_listed_apart_and_never_weighs_as_a_duty() {
    let text = org(
        "ai_systems:\n  - {id: s, name: S, role: provider, markets: [EU], annex_iii_point: \"4(a)\"}\n",
    );
    let result = run(&text);
    let o = result
        .obligations
        .iter()
        .find(|o| o.law == "eu-ai-act")
        .unwrap();
    assert!(!ids(o).contains(&"art-4a-1"), "a permission is not a duty");
    let permission = o.permissions.iter().find(|p| &*p.id == "art-4a-1").unwrap();
    assert!(matches!(
        permission.state,
        aimsgap_assess::ObligationState::InForce | aimsgap_assess::ObligationState::Upcoming
    ));
    for gap in &result.gaps {
        assert!(
            !gap.factors
                .obligations
                .iter()
                .any(|o| o.contains("art-4a-1")),
            "{} weighs the permission",
            gap.id
        );
    }
}

#[test]
fn the_catalog_checks_scopes_and_reads_the_old_trigger_word() {
    let law = |extra: &str| {
        format!(
            "framework: {{id: l, name: L, version: '1', kind: law, publisher: P, source: S, licence: L, last_verified: 2026-11-29, jurisdiction: EU}}\n\
             lists:\n  annex_iii_areas:\n    - {{id: essential_services, title: E}}\n  annex_iii_points:\n    - {{id: \"5(b)\", area: essential_services, title: B}}\n    - {{id: \"5(c)\", area: essential_services, title: C}}\n\
             requirements:\n  - id: o\n    kind: obligation\n    title: T\n    summary: S\n    article: A\n    roles: [deployer]\n    tiers: [high_risk_annex_iii]\n    applies_from: 2027-12-02\n    status: in_force\n    source: S\n{extra}"
        )
    };
    let errors =
        aimsgap_catalog::parse_framework("law.yaml", &law("    annex_iii: {except: [\"9(z)\"]}\n"))
            .unwrap_err();
    let error = errors.first().unwrap();
    assert_eq!(error.field, "requirements[0].annex_iii.except[0]");
    assert_eq!(error.location.line, 19);
    assert!(error.to_string().contains("5(b)"), "{error}");

    let old = aimsgap_catalog::parse_framework(
        "law.yaml",
        &law("    trigger: credit_or_insurance_scoring\n"),
    )
    .unwrap();
    let obligation = old.get("o").unwrap().obligation.as_ref().unwrap();
    assert_eq!(obligation.trigger, None);
    assert_eq!(obligation.annex_iii.only, ["5(b)", "5(c)"]);

    let errors = aimsgap_catalog::parse_framework(
        "law.yaml",
        &law("    grace:\n      - {placed_before: 2027-01-01, applies_from: 2027-06-01, source: S}\n"),
    )
    .unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.field == "requirements[0].grace[0].applies_from"),
        "{errors:#?}"
    );

    let errors = aimsgap_catalog::parse_framework(
        "law.yaml",
        &law("").replace("area: essential_services", "area: nowhere"),
    )
    .unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.field == "lists.annex_iii_points[0].area"),
        "{errors:#?}"
    );
}

#[test]
fn the_built_in_act_lists_every_annex_iii_point_in_its_area() {
    let act = catalog().framework("eu-ai-act").unwrap();
    let points: Vec<&str> = act
        .list("annex_iii_points")
        .unwrap()
        .iter()
        .map(|p| p.id.as_str())
        .collect();
    for point in [
        "1(a)", "1(b)", "1(c)", "2", "3(a)", "3(d)", "4(a)", "4(b)", "5(a)", "5(b)", "5(c)",
        "5(d)", "6(a)", "6(e)", "7(a)", "7(d)", "8(a)", "8(b)",
    ] {
        assert!(points.contains(&point), "{point}");
    }
    for entry in act.list("annex_iii_points").unwrap() {
        let area = entry.area.as_deref().unwrap();
        let number = entry.id.split('(').next().unwrap();
        let position = act
            .list("annex_iii_areas")
            .unwrap()
            .iter()
            .position(|a| a.id == area)
            .unwrap();
        assert_eq!(number, (position + 1).to_string(), "{} in {area}", entry.id);
    }
}

fn area_and_point() -> impl Strategy<Value = (String, String)> {
    let act = catalog().framework("eu-ai-act").unwrap();
    let pairs: Vec<(String, String)> = act
        .list("annex_iii_points")
        .unwrap()
        .iter()
        .map(|p| (p.area.clone().unwrap(), p.id.clone()))
        .collect();
    prop::sample::select(pairs)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Leaving out the point never removes an obligation that the point would bring: without
    /// it nothing is decided in the system's favour.
    #[test]
    fn without_the_point_no_obligation_is_lost(
        (area, point) in area_and_point(),
        deployer in any::<bool>(),
        public_body in any::<bool>(),
    ) {
        let role = if deployer { "deployer" } else { "provider" };
        let base = format!("role: {role}, markets: [EU], public_body: {public_body}, annex_iii_area: {area}");
        let with = eu("2026-11-29", &format!("{base}, annex_iii_point: \"{point}\""));
        let without = eu("2026-11-29", &base);
        for id in ids(&with) {
            prop_assert!(ids(&without).contains(&id), "{} lost without point {}", id, point);
        }
    }

    /// A market date never moves a duty earlier than the date shown without one.
    #[test]
    fn a_market_date_never_brings_a_duty_forward(day in 0i64..1500) {
        let placed = date("2024-08-01").add_days(day);
        let with = eu("2026-11-29", &format!("{GENERATOR}, placed_on_market: {placed}"));
        let without = eu("2026-11-29", GENERATOR);
        for item in &without.items {
            let dated = with.items.iter().find(|i| i.id == item.id).unwrap();
            prop_assert!(dated.applies_from >= item.applies_from, "{}", item.id);
        }
    }
}
