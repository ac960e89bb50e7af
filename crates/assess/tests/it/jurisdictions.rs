//! Texas, Illinois, New York City and South Korea: example AI systems in each, with their
//! classification, obligations and dates pinned on fixed as-of dates, and systems outside each
//! jurisdiction that get nothing from it.

use super::*;
use aimsgap_assess::{Classification, ObligationState, SystemObligations};

/// The obligations of `law` for one AI system described by `fields`, for an organisation that
/// operates in `places`, on `as_of`.
fn obligations(as_of: &str, places: &str, fields: &str, law: &str) -> SystemObligations {
    let text = format!(
        "aimsgap: 1\nas_of: {as_of}\norganization: {{name: Test Org, employees: 100, jurisdictions: [{places}], team_fte: 1}}\nai_systems:\n  - {{id: s, name: S, {fields}}}\n"
    );
    run(&text)
        .obligations
        .into_iter()
        .find(|o| o.law == law)
        .unwrap_or_else(|| panic!("no entry for {law}"))
}

fn ids(o: &SystemObligations) -> Vec<&str> {
    o.items.iter().map(|i| i.id.as_ref()).collect()
}

/// Every obligation applies from `applies`, is in `state` and counts its days from `as_of`.
fn dated(o: &SystemObligations, as_of: &str, applies: &str, state: ObligationState) {
    assert!(!o.items.is_empty(), "{}: no obligation", o.law);
    for item in &o.items {
        assert_eq!(item.applies_from, date(applies), "{}", item.id);
        assert_eq!(item.state, state, "{} on {as_of}", item.id);
        assert_eq!(
            item.days_until,
            date(as_of).days_until(date(applies)),
            "{}",
            item.id
        );
    }
}

const TEXAS_AGENCY_CHATBOT: &str =
    "role: deployer, markets: [US-TX], public_body: true, interacts_with_natural_persons: true";
const TEXAS_SHOP_CHATBOT: &str =
    "role: provider, markets: [US-TX], interacts_with_natural_persons: true";
const TEXAS_CLINIC_TRIAGE: &str =
    "role: deployer, markets: [US-TX], consequential_decisions: [healthcare]";

#[test]
fn a_texas_agency_chatbot_must_disclose_ai_since_2026_01_01() {
    let o = obligations("2026-11-29", "US-TX", TEXAS_AGENCY_CHATBOT, "texas-traiga");
    assert_eq!(o.classification, Classification::Transparency);
    assert_eq!(ids(&o), ["traiga-sec-552-051-b"]);
    // No ISO/IEC 42001 answer: the supporting controls are unknown, so the duty is overdue.
    dated(&o, "2026-11-29", "2026-01-01", ObligationState::Overdue);
    assert!(o.tiers.is_empty(), "Texas has no EU tiers: {:?}", o.tiers);
    assert!(
        o.reasons.iter().all(|r| !r.contains("Art. 50")),
        "no EU reason under Texas law: {:?}",
        o.reasons
    );
    let before = obligations("2025-12-01", "US-TX", TEXAS_AGENCY_CHATBOT, "texas-traiga");
    dated(
        &before,
        "2025-12-01",
        "2026-01-01",
        ObligationState::Upcoming,
    );
    assert_eq!(before.items[0].days_until, 31);
}

#[test]
fn a_private_texas_chatbot_owes_no_disclosure() {
    let o = obligations("2026-11-29", "US-TX", TEXAS_SHOP_CHATBOT, "texas-traiga");
    assert_eq!(o.classification, Classification::Minimal);
    assert!(o.items.is_empty(), "{:?}", ids(&o));
}

#[test]
fn a_texas_clinic_tells_patients_about_ai_in_their_care() {
    let o = obligations("2026-11-29", "US-TX", TEXAS_CLINIC_TRIAGE, "texas-traiga");
    assert_eq!(o.classification, Classification::Transparency);
    assert_eq!(ids(&o), ["traiga-sec-552-051-f"]);
    dated(&o, "2026-11-29", "2026-01-01", ObligationState::Overdue);
}

#[test]
fn texas_bans_social_scoring_by_governmental_entities_only() {
    let private = obligations(
        "2026-11-29",
        "US-TX",
        "role: deployer, markets: [US-TX], prohibited_practice: social_scoring",
        "texas-traiga",
    );
    assert_eq!(private.classification, Classification::Minimal);
    assert!(private.items.is_empty(), "{:?}", ids(&private));
    let agency = obligations(
        "2026-11-29",
        "US-TX",
        "role: deployer, markets: [US-TX], public_body: true, prohibited_practice: social_scoring",
        "texas-traiga",
    );
    assert_eq!(agency.classification, Classification::Prohibited);
    assert_eq!(ids(&agency), ["traiga-sec-552-053"]);
    dated(
        &agency,
        "2026-11-29",
        "2026-01-01",
        ObligationState::Violation,
    );
    // A ban on an intent that anyone may hold binds private developers too.
    let inciting = obligations(
        "2026-11-29",
        "US-TX",
        "role: provider, markets: [US-TX], prohibited_practice: incite_harm",
        "texas-traiga",
    );
    assert_eq!(inciting.classification, Classification::Prohibited);
    assert_eq!(ids(&inciting), ["traiga-sec-552-052"]);
}

const ILLINOIS_CV_SCREENER: &str =
    "role: deployer, markets: [US-IL], consequential_decisions: [employment]";
const ILLINOIS_HELPDESK: &str =
    "role: deployer, markets: [US-IL], interacts_with_natural_persons: true";
const ILLINOIS_HIRING_VENDOR: &str =
    "role: provider, markets: [US-IL], consequential_decisions: [employment]";

#[test]
fn an_illinois_employer_screening_cvs_has_three_duties_since_2026_01_01() {
    let o = obligations(
        "2026-11-29",
        "US-IL",
        ILLINOIS_CV_SCREENER,
        "illinois-hb3773",
    );
    assert_eq!(o.classification, Classification::ConsequentialDecision);
    assert_eq!(
        ids(&o),
        [
            "ihra-2-102-l-1-discrimination",
            "ihra-2-102-l-1-zip-codes",
            "ihra-2-102-l-2-notice"
        ]
    );
    dated(&o, "2026-11-29", "2026-01-01", ObligationState::Overdue);
    let notice = o
        .items
        .iter()
        .find(|i| &*i.id == "ihra-2-102-l-2-notice")
        .unwrap();
    assert!(
        notice.unverified.as_deref().unwrap().contains("postponed"),
        "the pending notice rules are marked"
    );
    let before = obligations(
        "2025-06-30",
        "US-IL",
        ILLINOIS_CV_SCREENER,
        "illinois-hb3773",
    );
    dated(
        &before,
        "2025-06-30",
        "2026-01-01",
        ObligationState::Upcoming,
    );
}

#[test]
fn an_illinois_helpdesk_bot_and_a_lending_model_are_not_covered() {
    let helpdesk = obligations("2026-11-29", "US-IL", ILLINOIS_HELPDESK, "illinois-hb3773");
    assert_eq!(helpdesk.classification, Classification::NotCovered);
    assert!(helpdesk.items.is_empty());
    let lending = obligations(
        "2026-11-29",
        "US-IL",
        "role: deployer, markets: [US-IL], consequential_decisions: [financial_lending]",
        "illinois-hb3773",
    );
    assert_eq!(lending.classification, Classification::NotCovered);
    assert!(lending.items.is_empty());
}

#[test]
fn an_illinois_hiring_vendor_is_covered_but_not_bound() {
    let o = obligations(
        "2026-11-29",
        "US-IL",
        ILLINOIS_HIRING_VENDOR,
        "illinois-hb3773",
    );
    assert_eq!(o.classification, Classification::ConsequentialDecision);
    assert!(o.items.is_empty(), "{:?}", ids(&o));
    assert!(
        o.reasons
            .iter()
            .any(|r| r == "no duty of this law binds the role provider"),
        "{:?}",
        o.reasons
    );
}

const NYC_CV_SCREENER: &str =
    "role: deployer, markets: [US-NY-NYC], consequential_decisions: [employment]";
const NYC_CHATBOT: &str =
    "role: deployer, markets: [US-NY-NYC], interacts_with_natural_persons: true";
const NYC_AEDT_VENDOR: &str =
    "role: provider, markets: [US-NY-NYC], consequential_decisions: [employment]";

#[test]
fn a_new_york_city_employer_screening_cvs_needs_an_audit_a_summary_and_notices() {
    let o = obligations("2026-11-29", "US-NY-NYC", NYC_CV_SCREENER, "nyc-ll144");
    assert_eq!(o.classification, Classification::ConsequentialDecision);
    assert_eq!(
        ids(&o),
        [
            "ll144-20-871-a-1-bias-audit",
            "ll144-20-871-a-2-publish",
            "ll144-20-871-b-1-notice",
            "ll144-20-871-b-3-data"
        ]
    );
    // Enforced from 2023-07-05, not from the law's own date of 2023-01-01.
    dated(&o, "2026-11-29", "2023-07-05", ObligationState::Overdue);
    let deferred = obligations("2023-05-01", "US-NY-NYC", NYC_CV_SCREENER, "nyc-ll144");
    dated(
        &deferred,
        "2023-05-01",
        "2023-07-05",
        ObligationState::Upcoming,
    );
    assert_eq!(deferred.items[0].days_until, 65);
}

#[test]
fn a_new_york_city_chatbot_and_an_aedt_vendor_owe_nothing_under_local_law_144() {
    let chatbot = obligations("2026-11-29", "US-NY-NYC", NYC_CHATBOT, "nyc-ll144");
    assert_eq!(chatbot.classification, Classification::NotCovered);
    assert!(chatbot.items.is_empty());
    let vendor = obligations("2026-11-29", "US-NY-NYC", NYC_AEDT_VENDOR, "nyc-ll144");
    assert_eq!(vendor.classification, Classification::ConsequentialDecision);
    assert!(vendor.items.is_empty(), "{:?}", ids(&vendor));
}

#[test]
fn new_york_state_is_not_new_york_city() {
    let o = obligations(
        "2026-11-29",
        "US-NY",
        "role: deployer, markets: [US-NY], consequential_decisions: [employment]",
        "nyc-ll144",
    );
    assert_eq!(o.classification, Classification::NotInScope);
    assert!(o.items.is_empty());
}

const KOREA_HIRING: &str = "role: deployer, markets: [KR], consequential_decisions: [employment]";
const KOREA_CHATBOT: &str = "role: provider, markets: [KR], interacts_with_natural_persons: true, generates_synthetic_content: true";
const KOREA_SPAM_FILTER: &str = "role: provider, markets: [KR]";
const KOREA_FRONTIER_MODEL: &str = "role: provider, markets: [KR], generates_synthetic_content: true, gpai_model: true, gpai_systemic_risk: true";

#[test]
fn a_korean_hiring_tool_is_high_impact_since_2026_01_22() {
    let o = obligations("2026-11-29", "KR", KOREA_HIRING, "korea-ai-basic-act");
    assert_eq!(o.classification, Classification::HighImpact);
    assert_eq!(
        ids(&o),
        [
            "kr-art-31-1",
            "kr-art-33",
            "kr-art-34-1",
            "kr-art-35",
            "kr-art-30-3"
        ]
    );
    dated(&o, "2026-11-29", "2026-01-22", ObligationState::Overdue);
    let before = obligations("2026-01-01", "KR", KOREA_HIRING, "korea-ai-basic-act");
    dated(
        &before,
        "2026-01-01",
        "2026-01-22",
        ObligationState::Upcoming,
    );
    assert_eq!(before.items[0].days_until, 21);
    // The EU Annex III area read as a high-impact domain, unless claimed exempt.
    let area = obligations(
        "2026-11-29",
        "KR",
        "role: deployer, markets: [KR], annex_iii_area: critical_infrastructure",
        "korea-ai-basic-act",
    );
    assert_eq!(area.classification, Classification::HighImpact);
    let exempt = obligations(
        "2026-11-29",
        "KR",
        "role: deployer, markets: [KR], annex_iii_area: critical_infrastructure, art_6_3_exemption: true",
        "korea-ai-basic-act",
    );
    assert_eq!(exempt.classification, Classification::Minimal);
    assert_eq!(ids(&exempt), ["kr-art-33"]);
}

#[test]
fn a_korean_generative_chatbot_must_notify_and_label() {
    let o = obligations("2026-11-29", "KR", KOREA_CHATBOT, "korea-ai-basic-act");
    assert_eq!(o.classification, Classification::Transparency);
    assert_eq!(
        ids(&o),
        ["kr-art-31-1", "kr-art-31-2", "kr-art-31-3", "kr-art-33"]
    );
    dated(&o, "2026-11-29", "2026-01-22", ObligationState::Overdue);
}

#[test]
fn a_korean_spam_filter_only_reviews_whether_it_is_high_impact() {
    let o = obligations("2026-11-29", "KR", KOREA_SPAM_FILTER, "korea-ai-basic-act");
    assert_eq!(o.classification, Classification::Minimal);
    assert_eq!(ids(&o), ["kr-art-33"]);
    dated(&o, "2026-11-29", "2026-01-22", ObligationState::Overdue);
}

#[test]
fn a_frontier_model_offered_in_korea_manages_risk_under_art_32() {
    let o = obligations(
        "2026-11-29",
        "KR",
        KOREA_FRONTIER_MODEL,
        "korea-ai-basic-act",
    );
    assert_eq!(o.classification, Classification::Transparency);
    assert_eq!(
        ids(&o),
        [
            "kr-art-31-1",
            "kr-art-31-2",
            "kr-art-31-3",
            "kr-art-32",
            "kr-art-33"
        ]
    );
    let art_32 = o.items.iter().find(|i| &*i.id == "kr-art-32").unwrap();
    assert!(art_32.unverified.as_deref().unwrap().contains("10^26"));
    assert!(
        o.reasons.iter().any(|r| r.contains("Art. 32")),
        "{:?}",
        o.reasons
    );
}

#[test]
fn a_system_outside_the_four_jurisdictions_gets_nothing_from_them() {
    // An EU-only CV screener that would be covered in each of the four places.
    let fields = "role: deployer, markets: [EU], consequential_decisions: [employment], public_body: true, generates_synthetic_content: true";
    for law in [
        "texas-traiga",
        "illinois-hb3773",
        "nyc-ll144",
        "korea-ai-basic-act",
    ] {
        let o = obligations("2026-11-29", "EU", fields, law);
        assert_eq!(o.classification, Classification::NotInScope, "{law}");
        assert!(o.items.is_empty(), "{law}: {:?}", ids(&o));
    }
    // The same system in those markets is reached by each of them.
    let everywhere = "role: deployer, markets: [US-TX, US-IL, US-NY-NYC, KR], consequential_decisions: [employment], public_body: true, generates_synthetic_content: true";
    for law in ["illinois-hb3773", "nyc-ll144", "korea-ai-basic-act"] {
        let o = obligations("2026-11-29", "EU", everywhere, law);
        assert!(!o.items.is_empty(), "{law}");
    }
}

#[test]
fn a_deployer_is_reached_through_the_organisations_jurisdictions() {
    let o = obligations(
        "2026-11-29",
        "US-IL",
        "role: deployer, consequential_decisions: [employment]",
        "illinois-hb3773",
    );
    assert_eq!(o.items.len(), 3);
}
