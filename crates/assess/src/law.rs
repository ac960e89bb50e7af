//! What the law demands of each AI system on the as-of date: classification, the obligations
//! that bind the system's role and tier, their application dates and their state.
//!
//! Every date, status and version comes from the law catalogs; this module only compares them
//! with the as-of date.

use crate::input::*;
use crate::result::*;
use aimsgap_catalog::{
    AnnexIiiScope, CREDIT_OR_INSURANCE_POINTS, Catalog, Crosswalk, Date, Framework, FrameworkKind,
    IdMap, LawClassification, LawStatus, ListEntry, Obligation, Requirement, Role, Tier, Trigger,
};
use std::cell::OnceCell;
use std::sync::Arc;

/// The roles of the catalog vocabulary an AI system's role stands for.
fn roles_of(system: &AiSystem) -> Vec<Role> {
    let mut roles = match system.role {
        Some(SystemRole::Provider) => vec![Role::Provider],
        Some(SystemRole::Deployer) => vec![Role::Deployer],
        Some(SystemRole::Importer) => vec![Role::Importer],
        Some(SystemRole::Distributor) => vec![Role::Distributor],
        // A product manufacturer placing an Annex I product with its AI under its own name is
        // treated as the provider of that AI system.
        Some(SystemRole::ProductManufacturer) => vec![Role::ProductManufacturer, Role::Provider],
        None => Vec::new(),
    };
    if system.gpai_model && roles.contains(&Role::Provider) {
        roles.push(Role::GpaiProvider);
    }
    roles
}

/// The risk tiers an AI system falls in, with the reason for each.
fn tiers_of(system: &AiSystem) -> Vec<(Tier, String)> {
    let mut tiers = vec![(Tier::All, "every AI system".to_string())];
    if let Some(practice) = &system.prohibited_practice {
        tiers.push((
            Tier::Prohibited,
            format!("prohibited practice `{practice}` (Art. 5)"),
        ));
    }
    if let Some(area) = &system.annex_iii_area {
        let place = match &system.annex_iii_point {
            Some(point) => format!("Annex III point `{point}` (area `{area}`)"),
            None => format!("Annex III area `{area}`"),
        };
        if system.art_6_3_exemption {
            tiers.push((
                Tier::All,
                format!("{place}, but claimed not high-risk under Art. 6(3): the assessment must be documented and the system registered"),
            ));
        } else {
            tiers.push((Tier::HighRiskAnnexIii, place));
        }
    }
    if let Some(product) = &system.annex_i_product {
        tiers.push((
            Tier::HighRiskAnnexI,
            format!("safety component of an Annex I product (`{product}`)"),
        ));
    }
    if system.interacts_with_natural_persons
        || system.generates_synthetic_content
        || system.emotion_recognition
        || system.biometric_categorisation
    {
        tiers.push((
            Tier::Transparency,
            "Art. 50 transparency duties".to_string(),
        ));
    }
    if system.gpai_model {
        tiers.push((Tier::Gpai, "general-purpose AI model".to_string()));
    }
    if system.gpai_systemic_risk {
        tiers.push((
            Tier::GpaiSystemic,
            "general-purpose AI model with systemic risk".to_string(),
        ));
    }
    tiers
}

fn trigger_holds(trigger: Trigger, system: &AiSystem, obligation: &Obligation) -> bool {
    match trigger {
        Trigger::InteractsWithNaturalPersons => system.interacts_with_natural_persons,
        Trigger::GeneratesSyntheticContent | Trigger::DeepFake => {
            system.generates_synthetic_content
        }
        Trigger::EmotionRecognitionOrBiometricCategorisation => {
            system.emotion_recognition || system.biometric_categorisation
        }
        Trigger::Art63Exemption => system.art_6_3_exemption && system.annex_iii_area.is_some(),
        Trigger::PublicBodyOrPublicService => system.public_body,
        // The loader reads this old word as an Annex III scope of points 5(b) and 5(c), so only
        // an obligation built in code reaches this arm; it reads the same points and, without a
        // point, does not decide in the system's favour.
        Trigger::CreditOrInsuranceScoring => {
            system.annex_iii_area.is_some()
                && system
                    .annex_iii_point
                    .as_deref()
                    .is_none_or(|p| CREDIT_OR_INSURANCE_POINTS.contains(&p))
        }
        Trigger::ConsequentialDecision => !system.consequential_decisions.is_empty(),
        Trigger::ProhibitedPractice => system.prohibited_practice.as_ref().is_some_and(|p| {
            obligation.practices.is_empty() || obligation.practices.iter().any(|q| q == p)
        }),
        Trigger::EmploymentDecision => makes_decision(system, EMPLOYMENT),
        Trigger::GovernmentEntity => system.public_body,
        Trigger::HealthcareService => makes_decision(system, HEALTHCARE),
        Trigger::HighImpact => !high_impact_reasons(system).is_empty(),
        Trigger::HighPerformance => system.gpai_systemic_risk,
    }
}

/// Whether an obligation's Annex III scope reaches a system.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Reach {
    Yes,
    No,
    /// The scope names points of the system's area and the system gives no point: the
    /// obligation is listed (never decided in the system's favour) with this sentence.
    Undecided(String),
}

/// Whether one id of a scope (an area or a point) names the system's use case: `Some(true)` or
/// `Some(false)` when the system's area and point decide it, `None` when the id is one of
/// several points of the system's area and the system gives no point.
fn names_system(id: &str, system: &AiSystem, points: &[ListEntry]) -> Option<bool> {
    let Some(area) = system.annex_iii_area.as_deref() else {
        return Some(false);
    };
    if id == area {
        return Some(true);
    }
    if let Some(point) = system.annex_iii_point.as_deref() {
        return Some(id == point);
    }
    let Some(named) = points.iter().find(|entry| entry.id == id) else {
        // Neither the system's area nor a known point.
        return Some(false);
    };
    if named.area.as_deref() != Some(area) {
        return Some(false);
    }
    // A point that is its area's only point (Annex III point 2) is implied by the area.
    let siblings = points
        .iter()
        .filter(|entry| entry.area.as_deref() == Some(area))
        .count();
    (siblings == 1).then_some(true)
}

/// Applies an obligation's Annex III scope to a system. The rule for a system that gives an
/// area but no point (files written before points existed): an id that names its area, or the
/// area's only point, decides; a point among several of its area cannot be decided, so an
/// `only` list that would need it still lists the obligation and an `except` list that would
/// need it does not exclude it; either way the item says that the point is needed.
fn annex_iii_reach(scope: &AnnexIiiScope, system: &AiSystem, points: &[ListEntry]) -> Reach {
    if scope.is_empty() {
        return Reach::Yes;
    }
    let quoted = |ids: &[String]| {
        ids.iter()
            .map(|id| format!("`{id}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let area = system.annex_iii_area.as_deref().unwrap_or_default();
    let mut undecided = Vec::new();
    if !scope.only.is_empty() {
        let named: Vec<Option<bool>> = scope
            .only
            .iter()
            .map(|id| names_system(id, system, points))
            .collect();
        if !named.contains(&Some(true)) {
            if !named.contains(&None) {
                return Reach::No;
            }
            undecided.push(format!(
                "applies only to Annex III {}; the system gives its area `{area}` but no annex_iii_point, so it is listed until the point shows whether it applies",
                quoted(&scope.only)
            ));
        }
    }
    let excluded: Vec<Option<bool>> = scope
        .except
        .iter()
        .map(|id| names_system(id, system, points))
        .collect();
    if excluded.contains(&Some(true)) {
        return Reach::No;
    }
    if excluded.contains(&None) {
        undecided.push(format!(
            "does not apply to Annex III {}; the system gives its area `{area}` but no annex_iii_point, so the exception is not applied until the point shows it",
            quoted(&scope.except)
        ));
    }
    if undecided.is_empty() {
        Reach::Yes
    } else {
        Reach::Undecided(undecided.join("; "))
    }
}

/// The date an obligation applies to a system with a grace for systems already on the market,
/// with a sentence saying which date was used and why. Without `placed_on_market` the general
/// date stands and the sentence says what a market date would change.
fn with_grace(obligation: &Obligation, system: &AiSystem, date: Date) -> (Date, Vec<String>) {
    let mut date = date;
    let mut notes = Vec::new();
    for grace in &obligation.grace {
        match system.placed_on_market {
            Some(placed) if placed < grace.placed_before => {
                if grace.applies_from > date {
                    date = grace.applies_from;
                }
                notes.push(format!(
                    "placed on the market on {placed}, before {}: applies from {} ({})",
                    grace.placed_before, grace.applies_from, grace.source
                ));
            }
            Some(placed) => notes.push(format!(
                "placed on the market on {placed}, not before {}: the later date {} for systems already on the market does not apply ({})",
                grace.placed_before, grace.applies_from, grace.source
            )),
            None => notes.push(format!(
                "a system placed on the market before {} is bound from {} ({}); no placed_on_market date is given, so the earlier date is shown",
                grace.placed_before, grace.applies_from, grace.source
            )),
        }
    }
    (date, notes)
}

/// The consequential decision that stands for employment decisions (Illinois, New York City).
const EMPLOYMENT: &str = "employment";
/// The consequential decision that stands for health-care services (Texas' health-care
/// disclosure).
const HEALTHCARE: &str = "healthcare";

fn makes_decision(system: &AiSystem, decision: &str) -> bool {
    system.consequential_decisions.iter().any(|d| d == decision)
}

/// Why a system falls in one of the high-impact domains of Korea's AI Basic Act (Art. 2(4)),
/// read from the facts the assessment records: an EU Annex III area not claimed exempt under
/// Art. 6(3), or a consequential decision about people. Empty when it does not.
fn high_impact_reasons(system: &AiSystem) -> Vec<String> {
    let mut reasons = Vec::new();
    if let Some(area) = &system.annex_iii_area
        && !system.art_6_3_exemption
    {
        reasons.push(format!(
            "used in `{area}`, taken as a high-impact domain (Art. 2(4))"
        ));
    }
    for decision in &system.consequential_decisions {
        reasons.push(format!(
            "takes part in `{decision}` decisions, taken as a high-impact judgement or evaluation (Art. 2(4))"
        ));
    }
    reasons
}

/// Whether an obligation's triggers hold for the system: its `trigger`, every one of
/// `requires` and, when given, one of `any_of`.
fn triggers_hold(system: &AiSystem, obligation: &Obligation) -> bool {
    obligation
        .trigger
        .is_none_or(|t| trigger_holds(t, system, obligation))
        && obligation
            .requires
            .iter()
            .all(|t| trigger_holds(*t, system, obligation))
        && (obligation.any_of.is_empty()
            || obligation
                .any_of
                .iter()
                .any(|t| trigger_holds(*t, system, obligation)))
}

/// Whether a law's jurisdiction reaches the system: its markets, or for a deployer the places
/// the organisation operates in.
fn in_jurisdiction(law: &Framework, organization: &Organization, system: &AiSystem) -> bool {
    let Some(jurisdiction) = law.jurisdiction.as_deref() else {
        return false;
    };
    let markets = if system.markets.is_empty() {
        &organization.jurisdictions
    } else {
        &system.markets
    };
    markets.iter().any(|m| m == jurisdiction)
        || (system.role == Some(SystemRole::Deployer)
            && organization.jurisdictions.iter().any(|j| j == jurisdiction))
}

/// The ISO/IEC 42001 requirements that support one obligation of a law, with their status:
/// the targets of its crosswalk edges strong enough to count, in file order, each once.
/// Computed once per obligation (not per AI system), and only for obligations that bind a
/// system, so that the cost per AI system stays small and the law's other edges are never
/// looked at.
fn supported_by<'a>(
    crosswalk: Option<&'a Crosswalk>,
    id: &str,
    status: &IdMap<&str, Status>,
) -> Vec<(&'a str, Status)> {
    let mut support: Vec<(&'a str, Status)> = Vec::new();
    let Some(crosswalk) = crosswalk else {
        return support;
    };
    for edge in crosswalk.edges_from(id) {
        if edge.strength < crate::rules::SUPPORT_MIN_STRENGTH {
            continue;
        }
        if let Some(&s) = status.get(edge.to.as_str())
            && !support.iter().any(|(to, _)| *to == edge.to)
        {
            support.push((edge.to.as_str(), s));
        }
    }
    support
}

/// How a law classifies the system. `items` are the obligations that bind it.
fn classification(
    law: &Framework,
    tiers: &[(Tier, String)],
    system: &AiSystem,
    items: &[ObligationItem],
) -> Classification {
    let has = |tier: Tier| tiers.iter().any(|(t, _)| *t == tier);
    match law.classification {
        LawClassification::Tiers => {}
        LawClassification::ConsequentialDecision => {
            return if system.consequential_decisions.is_empty() {
                Classification::NotCovered
            } else {
                Classification::ConsequentialDecision
            };
        }
        LawClassification::EmploymentDecision => {
            return if makes_decision(system, EMPLOYMENT) {
                Classification::ConsequentialDecision
            } else {
                Classification::NotCovered
            };
        }
        LawClassification::HighImpact => {
            return if !high_impact_reasons(system).is_empty() {
                Classification::HighImpact
            } else if system.generates_synthetic_content {
                Classification::Transparency
            } else {
                Classification::Minimal
            };
        }
        LawClassification::ProhibitionsAndDisclosures => {
            return if items
                .iter()
                .any(|item| item.state == ObligationState::Violation || is_ban(law, &item.id))
            {
                Classification::Prohibited
            } else if items.is_empty() {
                Classification::Minimal
            } else {
                Classification::Transparency
            };
        }
    }
    if has(Tier::Prohibited) {
        Classification::Prohibited
    } else if has(Tier::HighRiskAnnexIii) || has(Tier::HighRiskAnnexI) {
        Classification::HighRisk
    } else if has(Tier::Transparency) {
        Classification::Transparency
    } else {
        Classification::Minimal
    }
}

/// Whether a requirement of the law is a prohibition.
fn is_ban(law: &Framework, id: &str) -> bool {
    law.get(id)
        .and_then(|r| r.obligation.as_ref())
        .is_some_and(|o| o.trigger == Some(Trigger::ProhibitedPractice))
}

/// Why the system is classified as it is, for the laws that do not classify by EU risk tier.
fn classification_reasons(law: &Framework, system: &AiSystem) -> Vec<String> {
    let mut reasons = Vec::new();
    match law.classification {
        LawClassification::Tiers | LawClassification::ConsequentialDecision => {}
        LawClassification::EmploymentDecision => {
            if makes_decision(system, EMPLOYMENT) {
                reasons.push(format!(
                    "takes part in `{EMPLOYMENT}` decisions about candidates or employees"
                ));
            } else {
                reasons.push("no employment decision recorded for this system".into());
            }
        }
        LawClassification::HighImpact => {
            reasons.extend(high_impact_reasons(system));
            if system.generates_synthetic_content {
                reasons.push("generative AI (Art. 2(5))".into());
            }
            if system.gpai_systemic_risk {
                reasons.push(
                    "a model with systemic risk: check its training compute against the threshold of Art. 32"
                        .into(),
                );
            }
        }
        LawClassification::ProhibitionsAndDisclosures => {
            if system.public_body {
                reasons.push("a governmental entity: its duties and bans apply".into());
            }
            if let Some(practice) = &system.prohibited_practice {
                reasons.push(format!("practice `{practice}`"));
            }
            if makes_decision(system, HEALTHCARE) {
                reasons.push(format!("used in `{HEALTHCARE}` services"));
            }
        }
    }
    reasons
}

/// The date an obligation applies to this system, given its tiers.
fn applies_from(obligation: &Obligation, system_tiers: &[Tier]) -> Date {
    obligation
        .tiers
        .iter()
        .filter(|t| system_tiers.contains(t))
        .map(|t| obligation.applies_from_for(*t))
        .min()
        .unwrap_or(obligation.applies_from)
}

/// One obligation of a law, with the ISO/IEC 42001 requirements that support it.
struct Duty<'a> {
    requirement: &'a Requirement,
    obligation: &'a Obligation,
    /// What each item of this obligation repeats (the requirements that support it, and the
    /// article, id and title), shared by every AI system the obligation binds: built once,
    /// when the first system is bound (most obligations of most laws bind none).
    shared: OnceCell<Shared>,
}

/// What every item of one obligation repeats, owned once and shared by the AI systems it
/// binds.
struct Shared {
    supported_by: Arc<[(String, Status)]>,
    reference: Arc<str>,
    id: Arc<str>,
    title: Arc<str>,
}

/// What of a law every AI system is judged against.
struct Prepared<'a> {
    /// For a versioned law: which version governs on the date and which are to come.
    version_reasons: Vec<String>,
    /// The version the systems' obligations are labelled with.
    version_label: String,
    /// The versions in effect on the date or later.
    live_versions: Vec<&'a aimsgap_catalog::LawVersion>,
    points: &'a [ListEntry],
    /// Its crosswalk onto ISO/IEC 42001, if it has one.
    crosswalk: Option<&'a Crosswalk>,
    /// Its assessable requirements that carry an obligation, in file order.
    duties: Vec<Duty<'a>>,
}

/// Where each obligation item of [`obligations`] comes from, in the order of the systems'
/// items (permissions are not traced): the AI system's position in the inventory and the
/// obligation's position among the duties of every law, below `duties`.
pub(crate) struct Trace {
    pub(crate) items: Vec<(usize, usize)>,
    pub(crate) duties: usize,
}

/// The obligations of every law for every AI system, in inventory order then law order.
pub(crate) fn obligations(
    catalog: &Catalog,
    assessment: &Assessment,
    results: &[RequirementResult],
) -> (Vec<SystemObligations>, Trace) {
    let as_of = assessment.as_of;
    let mut trace = Trace {
        items: Vec::new(),
        duties: 0,
    };
    let laws: Vec<&Framework> = catalog
        .frameworks
        .iter()
        .filter(|f| f.kind == FrameworkKind::Law)
        .collect();
    // One entry per AI system and law, known in advance: no growing and copying of the list.
    let mut out = Vec::with_capacity(assessment.ai_systems.len() * laws.len());
    // The Annex III points: from each law that lists them, else from the EU AI Act.
    let eu_points = catalog
        .framework("eu-ai-act")
        .and_then(|eu| eu.list("annex_iii_points"))
        .unwrap_or_default();
    // Each law's obligations with the requirements that support them and its Annex III
    // points, gathered once, so that the cost per AI system stays small.
    let status: IdMap<&str, Status> = results.iter().map(|r| (r.id.as_str(), r.status)).collect();
    let prepared: Vec<Prepared> = laws
        .iter()
        .map(|law| {
            let crosswalk = catalog.crosswalk(&law.id, crate::credit::TARGET);
            // Versioned laws: the version that governs on the date, and those still to come.
            let mut version_label = law.version.clone();
            let mut version_reasons: Vec<String> = Vec::new();
            let mut live_versions: Vec<&aimsgap_catalog::LawVersion> = Vec::new();
            if !law.versions.is_empty() {
                let governing = law
                    .versions
                    .iter()
                    .filter(|v| v.effective <= as_of && v.until.is_none_or(|u| u >= as_of))
                    .max_by_key(|v| v.effective);
                let upcoming: Vec<_> = law
                    .versions
                    .iter()
                    .filter(|v| v.effective > as_of)
                    .collect();
                if let Some(version) = governing {
                    version_reasons.push(format!(
                        "{} governs on {as_of} (effective {}, status {}{})",
                        version.id,
                        version.effective,
                        version.status,
                        version
                            .status_since
                            .map(|d| format!(" since {d}"))
                            .unwrap_or_default()
                    ));
                    version_label = version.id.clone();
                    live_versions.push(version);
                } else {
                    version_reasons
                        .push(format!("no version of {} is in effect on {as_of}", law.id));
                }
                for version in upcoming {
                    version_reasons.push(format!(
                        "{} takes effect on {}",
                        version.id, version.effective
                    ));
                    if governing.is_none() {
                        version_label = version.id.clone();
                    }
                    live_versions.push(version);
                }
            }
            Prepared {
                version_reasons,
                version_label,
                live_versions,
                points: law.list("annex_iii_points").unwrap_or(eu_points),
                crosswalk,
                duties: law
                    .assessable()
                    .filter_map(|requirement| {
                        let obligation = requirement.obligation.as_ref()?;
                        Some(Duty {
                            requirement,
                            obligation,
                            shared: OnceCell::new(),
                        })
                    })
                    .collect(),
            }
        })
        .collect();
    // The position of each law's first duty among the duties of every law.
    let mut first_duty = Vec::with_capacity(prepared.len());
    for law in &prepared {
        first_duty.push(trace.duties);
        trace.duties += law.duties.len();
    }
    for (ordinal, system) in assessment.ai_systems.iter().enumerate() {
        let roles = roles_of(system);
        let tiers = tiers_of(system);
        let tier_set: Vec<Tier> = tiers.iter().map(|(t, _)| *t).collect();
        for ((law, prepared), first_duty) in laws.iter().zip(&prepared).zip(&first_duty) {
            // EU risk tiers explain the classification of the laws that read them (and, as
            // before, the Colorado one); the other laws give their own reasons.
            let tiered = matches!(
                law.classification,
                LawClassification::Tiers | LawClassification::ConsequentialDecision
            );
            let reached = in_jurisdiction(law, &assessment.organization, system);
            let mut reasons = Vec::new();
            if !reached {
                out.push(SystemObligations {
                    system: system.id.clone(),
                    system_name: system.name.clone(),
                    law: law.id.clone(),
                    version: law.version.clone(),
                    classification: Classification::NotInScope,
                    tiers: Vec::new(),
                    reasons: vec![format!(
                        "not placed on the market or used in {}",
                        law.jurisdiction.as_deref().unwrap_or("its jurisdiction")
                    )],
                    items: Vec::new(),
                    permissions: Vec::new(),
                });
                continue;
            }
            if roles.is_empty() {
                reasons.push("no role given for this system: no obligation can be bound".into());
            }
            reasons.extend(prepared.version_reasons.iter().cloned());
            let version_label = prepared.version_label.clone();
            let live_versions = &prepared.live_versions;
            let mut tier_names: Vec<String> = Vec::new();
            reasons.extend(classification_reasons(law, system));
            for (tier, reason) in &tiers {
                if tiered && (*tier != Tier::All || !reason.starts_with("every")) {
                    reasons.push(reason.clone());
                }
                if !tier_names.iter().any(|name| name == tier.as_str()) {
                    tier_names.push(tier.as_str().to_string());
                }
            }
            let points = prepared.points;
            let mut items = Vec::new();
            let mut permissions = Vec::new();
            for (position, duty) in prepared.duties.iter().enumerate() {
                let (requirement, obligation) = (duty.requirement, duty.obligation);
                if !obligation.roles.iter().any(|r| roles.contains(r))
                    || !obligation.tiers.iter().any(|t| tier_set.contains(t))
                    || !triggers_hold(system, obligation)
                {
                    continue;
                }
                let mut notes = Vec::new();
                match annex_iii_reach(&obligation.annex_iii, system, points) {
                    Reach::No => continue,
                    Reach::Yes => {}
                    Reach::Undecided(note) => notes.push(note),
                }
                let version = match &obligation.version {
                    Some(id) => match live_versions.iter().find(|v| &v.id == id) {
                        Some(version) => Some(*version),
                        None => continue,
                    },
                    None => None,
                };
                let date = match version {
                    Some(version) => version.effective.max(obligation.applies_from),
                    None => applies_from(obligation, &tier_set),
                };
                let (date, grace_notes) = with_grace(obligation, system, date);
                notes.extend(grace_notes);
                let shared = duty.shared.get_or_init(|| Shared {
                    supported_by: supported_by(prepared.crosswalk, &requirement.id, &status)
                        .iter()
                        .map(|(id, status)| ((*id).to_string(), *status))
                        .collect(),
                    reference: Arc::from(obligation.article.as_str()),
                    id: Arc::from(requirement.id.as_str()),
                    title: Arc::from(requirement.title.as_str()),
                });
                let supported_by = Arc::clone(&shared.supported_by);
                let days_until = as_of.days_until(date);
                let stayed = version.is_some_and(|v| v.status == LawStatus::Stayed)
                    || obligation.status == LawStatus::Stayed;
                let state = if obligation.permission {
                    // A permission is never overdue: nothing is owed.
                    if days_until > 0 {
                        ObligationState::Upcoming
                    } else {
                        ObligationState::InForce
                    }
                } else if obligation.trigger == Some(Trigger::ProhibitedPractice) {
                    if days_until <= 0 {
                        ObligationState::Violation
                    } else {
                        ObligationState::Upcoming
                    }
                } else if days_until > 0 {
                    ObligationState::Upcoming
                } else if stayed {
                    ObligationState::Stayed
                } else if supported_by
                    .iter()
                    .any(|(_, s)| matches!(s, Status::Gap | Status::Unknown))
                {
                    ObligationState::Overdue
                } else {
                    ObligationState::InForce
                };
                let item = ObligationItem {
                    reference: Arc::clone(&shared.reference),
                    id: Arc::clone(&shared.id),
                    title: Arc::clone(&shared.title),
                    applies_from: date,
                    state,
                    days_until,
                    supported_by,
                    unverified: obligation.unverified.clone(),
                    notes,
                    deadlines: obligation
                        .deadlines
                        .iter()
                        .map(|d| (d.days, d.case.clone()))
                        .collect(),
                };
                if obligation.permission {
                    permissions.push(item);
                } else {
                    items.push(item);
                    trace.items.push((ordinal, first_duty + position));
                }
            }
            let classification = classification(law, &tiers, system, &items);
            if !tiered
                && items.is_empty()
                && !roles.is_empty()
                && !matches!(
                    classification,
                    Classification::NotCovered | Classification::Minimal
                )
            {
                let role_names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
                reasons.push(format!(
                    "no duty of this law binds the role {}",
                    role_names.join(" or ")
                ));
            }
            out.push(SystemObligations {
                system: system.id.clone(),
                system_name: system.name.clone(),
                law: law.id.clone(),
                version: version_label,
                classification,
                tiers: if law.classification == LawClassification::Tiers {
                    tier_names
                } else {
                    Vec::new()
                },
                reasons,
                items,
                permissions,
            });
        }
    }
    (out, trace)
}
