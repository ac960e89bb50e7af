//! The views of a result that two pages share: the summary (readiness, verdict, what the
//! certifications are worth, top gaps, next actions; `templates/partials/summary.html`) and the
//! obligations of each AI system (`templates/partials/obligations.html`). The quick result and
//! a stored assessment's overview show the same summary; the inventory shows the obligations.

use super::layout::framework_label;
use aimsgap_assess::{AssessmentResult, Gap, ObligationState};
use aimsgap_catalog::{Catalog, Date};

/// Reasons of the verdict shown before the rest folds away, so the gaps stay near the top.
const REASONS_SHOWN: usize = 3;

/// Gaps listed; the full report ranks the rest.
const GAPS_SHOWN: usize = 10;

#[derive(Debug)]
pub struct Summary {
    pub point: f64,
    pub lo: f64,
    pub hi: f64,
    pub met: usize,
    pub counted: usize,
    pub gaps_open: usize,
    pub blockers: usize,
    pub stage1: Date,
    pub stage2: Date,
    pub ready: bool,
    pub reasons: Vec<String>,
    pub more_reasons: Vec<String>,
    pub baseline: Vec<Baseline>,
    pub gaps: Vec<GapLine>,
    pub more_gaps: usize,
    pub actions: Vec<Action>,
}

/// What one certification is worth on its own.
#[derive(Debug)]
pub struct Baseline {
    pub framework: String,
    pub point: f64,
    pub lo: f64,
    pub hi: f64,
    pub reached: usize,
    pub counted: usize,
    pub derivation: Vec<String>,
}

#[derive(Debug)]
pub struct GapLine {
    pub id: String,
    pub title: String,
    pub blocker: bool,
    pub why: String,
    pub next_action: String,
}

#[derive(Debug)]
pub struct Action {
    pub id: String,
    pub blocker: bool,
    pub action: String,
    pub gain: f64,
    pub effort_days: f64,
}

impl Summary {
    pub fn of(catalog: &Catalog, result: &AssessmentResult) -> Summary {
        let readiness = &result.readiness;
        let reasons = &result.verdict.reasons;
        Summary {
            point: readiness.point,
            lo: readiness.lo,
            hi: readiness.hi,
            met: readiness.met,
            counted: readiness.counted,
            gaps_open: result.gaps.len(),
            blockers: result.gaps.iter().filter(|g| g.blocker).count(),
            stage1: result.roadmap.stage1_date,
            stage2: result.roadmap.stage2_date,
            ready: result.verdict.ready_for_stage1,
            reasons: reasons.iter().take(REASONS_SHOWN).cloned().collect(),
            more_reasons: reasons.iter().skip(REASONS_SHOWN).cloned().collect(),
            baseline: result
                .baseline
                .iter()
                .map(|baseline| Baseline {
                    framework: framework_label(catalog, &baseline.framework),
                    point: baseline.point,
                    lo: baseline.lo,
                    hi: baseline.hi,
                    reached: baseline.reached,
                    counted: baseline.counted,
                    derivation: baseline.derivation.clone(),
                })
                .collect(),
            gaps: result
                .gaps
                .iter()
                .take(GAPS_SHOWN)
                .map(|gap| GapLine {
                    id: gap.id.clone(),
                    title: gap.title.clone(),
                    blocker: gap.blocker,
                    why: why(gap).join("; "),
                    next_action: gap.next_action.clone(),
                })
                .collect(),
            more_gaps: result.gaps.len().saturating_sub(GAPS_SHOWN),
            actions: result
                .next_actions
                .iter()
                .map(|action| Action {
                    id: action.id.clone(),
                    blocker: action.blocker,
                    action: action.action.clone(),
                    gain: action.gain,
                    effort_days: action.effort_days,
                })
                .collect(),
        }
    }
}

/// Why a gap ranks where it does, in words, from its factors.
fn why(gap: &Gap) -> Vec<String> {
    let f = &gap.factors;
    let mut reasons = Vec::new();
    if gap.blocker {
        reasons.push("a certification blocker: a Stage 1 auditor checks it first".to_string());
    }
    if f.regulatory >= 0.6 && !f.obligations.is_empty() {
        reasons.push(format!(
            "supports legal obligations due soon or already in force ({})",
            f.obligations.join(", ")
        ));
    }
    if f.system_risk >= 0.7 && !f.systems.is_empty() {
        reasons.push(format!(
            "concerns a high-risk AI system ({})",
            f.systems.join(", ")
        ));
    }
    if f.size >= 0.8 {
        reasons.push("little or nothing of it is in place".to_string());
    }
    if f.waiting > 0 {
        reasons.push(format!("{} other tasks wait on it", f.waiting));
    }
    if reasons.is_empty() {
        reasons.push(format!("priority {:.0} of 100", gap.priority));
    }
    reasons
}

/// The obligations of one AI system under one law.
#[derive(Debug)]
pub struct SystemObligations {
    pub system: String,
    pub law: String,
    pub classification: String,
    pub reasons: Vec<String>,
    pub table_label: String,
    pub items: Vec<Obligation>,
}

#[derive(Debug)]
pub struct Obligation {
    pub reference: String,
    pub title: String,
    pub applies_from: Date,
    /// The state in words, with the days left when it is upcoming.
    pub state: String,
}

/// The obligations of each AI system under each law, with their dates.
pub fn obligations(catalog: &Catalog, result: &AssessmentResult) -> Vec<SystemObligations> {
    result
        .obligations
        .iter()
        .map(|o| SystemObligations {
            system: o.system_name.clone(),
            law: framework_label(catalog, &o.law),
            classification: o.classification.as_str().replace('_', " "),
            reasons: o.reasons.clone(),
            table_label: format!("Obligations of {}", o.system_name),
            items: o
                .items
                .iter()
                .map(|item| Obligation {
                    reference: item.reference.clone(),
                    title: item.title.clone(),
                    applies_from: item.applies_from,
                    state: match item.state {
                        ObligationState::Upcoming => format!(
                            "{} (in {} days)",
                            item.state.as_str().replace('_', " "),
                            item.days_until
                        ),
                        _ => item.state.as_str().replace('_', " "),
                    },
                })
                .collect(),
        })
        .collect()
}
