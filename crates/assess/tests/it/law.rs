//! Obligations per AI system depend on the as-of date, the role and the tier, never on the day
//! the code was written.

use super::*;
use aimsgap_assess::{Classification, ObligationState, SystemObligations};

fn system(fields: &str) -> String {
    format!("ai_systems:\n  - {{id: s, name: S, {fields}}}\n")
}

fn obligations(as_of: &str, fields: &str, law: &str) -> SystemObligations {
    let text = org(&system(fields)).replace("as_of: 2026-11-29", &format!("as_of: {as_of}"));
    run(&text)
        .obligations
        .into_iter()
        .find(|o| o.law == law)
        .unwrap()
}

/// Expects obligation `id` for the system, with its date, state and days until.
fn check(as_of: &str, fields: &str, law: &str, id: &str, applies: &str, state: ObligationState) {
    let o = obligations(as_of, fields, law);
    let item = o.items.iter().find(|i| &*i.id == id).unwrap_or_else(|| {
        panic!(
            "{id} not among {:?}",
            o.items.iter().map(|i| &i.id).collect::<Vec<_>>()
        )
    });
    assert_eq!(item.applies_from, date(applies), "{id}");
    assert_eq!(item.state, state, "{id} on {as_of}");
    assert_eq!(item.days_until, date(as_of).days_until(date(applies)));
}

const CHATBOT: &str = "role: provider, markets: [EU], interacts_with_natural_persons: true, generates_synthetic_content: true";
const CV_SCREENING: &str = "role: provider, markets: [EU, US-CO], annex_iii_area: employment, consequential_decisions: [employment]";
const DEVICE: &str = "role: product_manufacturer, markets: [EU], annex_i_product: medical_device";

#[test]
fn transparency_duties_apply_from_2026_08_02() {
    let o = obligations("2026-11-29", CHATBOT, "eu-ai-act");
    assert_eq!(o.classification, Classification::Transparency);
    check(
        "2026-07-01",
        CHATBOT,
        "eu-ai-act",
        "art-50-1",
        "2026-08-02",
        ObligationState::Upcoming,
    );
    // Without the crosswalk's supporting requirements met, a duty in force is overdue.
    let state = o.items.iter().find(|i| &*i.id == "art-50-1").unwrap().state;
    assert!(matches!(
        state,
        ObligationState::Overdue | ObligationState::InForce
    ));
    assert!(
        o.items.iter().all(|i| !i.id.starts_with("art-9-")),
        "no high-risk duty for a chatbot"
    );
}

#[test]
fn annex_iii_high_risk_applies_from_2027_12_02_as_amended() {
    let o = obligations("2026-11-29", CV_SCREENING, "eu-ai-act");
    assert_eq!(o.classification, Classification::HighRisk);
    check(
        "2026-11-29",
        CV_SCREENING,
        "eu-ai-act",
        "art-9-1",
        "2027-12-02",
        ObligationState::Upcoming,
    );
    check(
        "2026-11-29",
        CV_SCREENING,
        "eu-ai-act",
        "art-17-1",
        "2027-12-02",
        ObligationState::Upcoming,
    );
    // The superseded original date (2026-08-02) no longer governs.
    let item = o.items.iter().find(|i| &*i.id == "art-9-1").unwrap();
    assert_eq!(item.days_until, 368);
}

#[test]
fn annex_i_high_risk_applies_from_2028_08_02() {
    let o = obligations("2026-11-29", DEVICE, "eu-ai-act");
    assert_eq!(o.classification, Classification::HighRisk);
    check(
        "2026-11-29",
        DEVICE,
        "eu-ai-act",
        "art-9-1",
        "2028-08-02",
        ObligationState::Upcoming,
    );
}

#[test]
fn gpai_duties_are_in_force_since_2025_08_02() {
    let fields = "role: provider, markets: [EU], gpai_model: true";
    let o = obligations("2026-11-29", fields, "eu-ai-act");
    let item = o.items.iter().find(|i| &*i.id == "art-53-1-a").unwrap();
    assert_eq!(item.applies_from, date("2025-08-02"));
    assert!(matches!(
        item.state,
        ObligationState::InForce | ObligationState::Overdue
    ));
    assert!(
        o.items.iter().all(|i| !i.id.starts_with("art-55")),
        "systemic-risk duties need systemic risk"
    );
    let systemic = obligations(
        "2026-11-29",
        "role: provider, markets: [EU], gpai_model: true, gpai_systemic_risk: true",
        "eu-ai-act",
    );
    assert!(systemic.items.iter().any(|i| &*i.id == "art-55-1-a"));
}

#[test]
fn prohibited_practices_are_violations_from_their_date() {
    let fields = "role: deployer, markets: [EU], prohibited_practice: social_scoring";
    let o = obligations("2026-11-29", fields, "eu-ai-act");
    assert_eq!(o.classification, Classification::Prohibited);
    assert_eq!(
        o.items.iter().find(|i| &*i.id == "art-5-1").unwrap().state,
        ObligationState::Violation
    );
    // The Omnibus ban on non-consensual intimate imagery applies from 2026-12-02.
    let ncii =
        "role: provider, markets: [EU], prohibited_practice: non_consensual_intimate_imagery";
    check(
        "2026-11-29",
        ncii,
        "eu-ai-act",
        "art-5-ncii",
        "2026-12-02",
        ObligationState::Upcoming,
    );
    check(
        "2026-12-02",
        ncii,
        "eu-ai-act",
        "art-5-ncii",
        "2026-12-02",
        ObligationState::Violation,
    );
    let o = obligations("2026-11-29", ncii, "eu-ai-act");
    assert!(
        o.items.iter().all(|i| &*i.id != "art-5-1"),
        "the NCII ban is not the Art. 5(1) list"
    );
    let result = run(&org(&system(fields)));
    assert!(!result.verdict.ready_for_stage1);
    assert!(
        result
            .verdict
            .reasons
            .iter()
            .any(|r| r.contains("prohibited"))
    );
}

#[test]
fn colorado_version_depends_on_the_date() {
    // On 2026-11-29 SB 24-205 governs but is stayed; SB 26-189 is upcoming.
    let before = obligations("2026-11-29", CV_SCREENING, "colorado-ai");
    assert_eq!(before.classification, Classification::ConsequentialDecision);
    assert_eq!(before.version, "sb24-205");
    assert!(
        before
            .items
            .iter()
            .filter(|i| i.id.starts_with("sb24-205"))
            .all(|i| i.state == ObligationState::Stayed)
    );
    check(
        "2026-11-29",
        CV_SCREENING,
        "colorado-ai",
        "sb26-189-dev-docs",
        "2027-01-01",
        ObligationState::Upcoming,
    );
    // From 2027-01-01 SB 26-189 governs and SB 24-205 is gone.
    let after = obligations("2027-02-01", CV_SCREENING, "colorado-ai");
    assert_eq!(after.version, "sb26-189");
    assert!(after.items.iter().all(|i| i.id.starts_with("sb26-189")));
    assert!(
        after
            .items
            .iter()
            .all(|i| i.state != ObligationState::Upcoming)
    );
    // Deployer duties bind deployers, developer duties bind providers.
    let deployer = obligations(
        "2027-02-01",
        &CV_SCREENING.replace("provider", "deployer"),
        "colorado-ai",
    );
    assert!(
        deployer
            .items
            .iter()
            .any(|i| &*i.id == "sb26-189-dep-adverse")
    );
    assert!(deployer.items.iter().all(|i| !i.id.contains("-dev-")));
}

#[test]
fn laws_follow_the_market() {
    let eu_only = obligations(
        "2026-11-29",
        "role: provider, markets: [EU], consequential_decisions: [healthcare]",
        "colorado-ai",
    );
    assert_eq!(eu_only.classification, Classification::NotInScope);
    assert!(eu_only.items.is_empty());
    let us_only = obligations(
        "2026-11-29",
        "role: provider, markets: [US], interacts_with_natural_persons: true",
        "eu-ai-act",
    );
    assert_eq!(us_only.classification, Classification::NotInScope);
}

#[test]
fn art_6_3_exemption_removes_high_risk_duties_but_keeps_documentation() {
    let fields =
        "role: provider, markets: [EU], annex_iii_area: education, art_6_3_exemption: true";
    let o = obligations("2026-11-29", fields, "eu-ai-act");
    assert_eq!(o.classification, Classification::Minimal);
    assert!(o.items.iter().any(|i| &*i.id == "art-6-4"));
    assert!(o.items.iter().all(|i| &*i.id != "art-9-1"));
}
