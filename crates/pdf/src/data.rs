//! The report's data as one typst dictionary, `data`, which the template in `report.typ`
//! lays out. Figures are formatted here (one decimal, ISO dates) so that the page shows exactly
//! what the text and JSON reports show; the template only arranges them.

use crate::literal::{Value, count, optional_text, text, texts};
use aimsgap_assess::{
    AssessmentResult, Classification, Gap, NextAction, ObligationItem, ObligationState, Phase,
    Readiness, SoaEntry, Status, SystemObligations, WorkPackage,
};
use aimsgap_catalog::Date;
use aimsgap_report::evidence::Appendix;

/// How many gaps the report lists.
pub(crate) const TOP_GAPS: usize = 15;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// "29 November 2026".
pub(crate) fn long_date(date: Date) -> String {
    let month = MONTHS
        .get(usize::from(date.month().saturating_sub(1)))
        .copied()
        .unwrap_or("");
    format!("{} {} {}", date.day(), month, date.year())
}

fn one_decimal(value: f64) -> String {
    format!("{value:.1}")
}

fn status_label(status: Status) -> &'static str {
    match status {
        Status::Met => "met",
        Status::Partial => "partial",
        Status::Gap => "gap",
        Status::NotApplicable => "not applicable",
        Status::Unknown => "unknown",
    }
}

fn phase_label(phase: Phase) -> &'static str {
    match phase {
        Phase::GapAssessment => "Gap assessment",
        Phase::Scope => "Scope",
        Phase::Policy => "Policy",
        Phase::RiskAndImpact => "Risk and impact assessments",
        Phase::AnnexAAndSoa => "Annex A and SoA",
        Phase::Integration => "Integration",
        Phase::AuditReadiness => "Internal audit and review",
    }
}

fn classification_label(classification: Classification) -> &'static str {
    match classification {
        Classification::Prohibited => "prohibited practice",
        Classification::HighRisk => "high-risk",
        Classification::Transparency => "transparency obligations",
        Classification::Minimal => "minimal risk",
        Classification::NotInScope => "not in scope",
        Classification::ConsequentialDecision => "consequential decisions",
        Classification::NotCovered => "not covered",
        Classification::HighImpact => "high-impact",
    }
}

fn state_label(state: ObligationState) -> &'static str {
    match state {
        ObligationState::InForce => "in force",
        ObligationState::Upcoming => "upcoming",
        ObligationState::Overdue => "overdue",
        ObligationState::Stayed => "stayed",
        ObligationState::Violation => "violation",
    }
}

fn verdict_words(ready: bool) -> &'static str {
    if ready {
        "ready for the Stage 1 audit"
    } else {
        "not ready for the Stage 1 audit"
    }
}

fn readiness(readiness: &Readiness) -> Value {
    Value::Dict(vec![
        ("id", text(&readiness.id)),
        ("title", text(&readiness.title)),
        ("point", Value::Float(readiness.point)),
        ("lo", Value::Float(readiness.lo)),
        ("hi", Value::Float(readiness.hi)),
        ("label", text(one_decimal(readiness.point))),
        (
            "range",
            text(format!(
                "{}–{}",
                one_decimal(readiness.lo),
                one_decimal(readiness.hi)
            )),
        ),
        ("met", count(readiness.met)),
        ("counted", count(readiness.counted)),
    ])
}

fn gap(gap: &Gap, appendix: &Appendix<'_>) -> Value {
    Value::Dict(vec![
        ("evidence", optional_text(appendix.anchor_of(&gap.id))),
        ("rank", count(gap.rank)),
        ("id", text(gap.id.as_str())),
        ("title", text(gap.title.as_str())),
        ("status", text(status_label(gap.status))),
        ("priority", text(one_decimal(gap.priority))),
        ("blocker", Value::Bool(gap.blocker)),
        ("action", text(&gap.next_action)),
        ("effort", text(one_decimal(gap.factors.effort_days))),
    ])
}

/// A work package with the gaps it closes beneath (none listed when its one gap is itself).
fn package(result: &AssessmentResult, package: &WorkPackage, appendix: &Appendix<'_>) -> Value {
    let gaps: Vec<&Gap> = package
        .requirements
        .iter()
        .filter_map(|id| result.gaps.iter().find(|g| &g.id == id))
        .collect();
    let nested = gaps.len() > 1 || gaps.iter().any(|g| g.id != package.id);
    Value::Dict(vec![
        ("rank", count(package.rank)),
        ("id", text(&package.id)),
        ("title", text(&package.title)),
        ("status", text(status_label(package.status))),
        ("priority", text(one_decimal(package.priority))),
        ("blocker", Value::Bool(package.blocker)),
        ("action", text(&package.next_action)),
        ("effort", text(one_decimal(package.effort_days))),
        ("evidence", optional_text(appendix.anchor_of(&package.id))),
        ("start", text(package.start.to_string())),
        ("end", text(package.end.to_string())),
        (
            "requirements",
            Value::Array(if nested {
                gaps.iter()
                    .map(|g| {
                        Value::Dict(vec![
                            ("id", text(g.id.as_str())),
                            ("title", text(g.title.as_str())),
                            ("status", text(status_label(g.status))),
                            ("evidence", optional_text(appendix.anchor_of(&g.id))),
                        ])
                    })
                    .collect()
            } else {
                Vec::new()
            }),
        ),
    ])
}

fn next_action(result: &AssessmentResult, action: &NextAction) -> Value {
    let package = result
        .work_packages
        .iter()
        .find(|p| p.id == action.package && p.id != action.id);
    Value::Dict(vec![
        (
            "package",
            package.map_or(Value::None, |p| text(format!("{} {}", p.id, p.title))),
        ),
        ("id", text(action.id.as_str())),
        ("action", text(&action.action)),
        ("gain", text(format!("{:.2}", action.gain))),
        ("effort", text(one_decimal(action.effort_days))),
        ("blocker", Value::Bool(action.blocker)),
    ])
}

fn obligation_item(item: &ObligationItem, note: Option<usize>) -> Value {
    let when = match item.state {
        ObligationState::Upcoming if item.days_until == 1 => "in 1 day".to_string(),
        ObligationState::Upcoming => format!("in {} days", item.days_until),
        _ => format!("since {}", item.applies_from),
    };
    Value::Dict(vec![
        ("ref", text(&*item.reference)),
        ("title", text(&*item.title)),
        ("from", text(item.applies_from.to_string())),
        ("state", text(state_label(item.state))),
        ("when", text(when)),
        ("note", note.map_or(Value::None, count)),
        // Reporting deadlines and the notes on dates and Annex III points, as on the pages.
        ("remarks", texts(&item.remarks())),
    ])
}

/// A permission: what the law allows, and from when; never a duty.
fn permission(item: &ObligationItem) -> Value {
    Value::Dict(vec![
        ("ref", text(&*item.reference)),
        ("title", text(&*item.title)),
        ("from", text(item.applies_from.to_string())),
    ])
}

/// The obligations of every AI system, and the caveats on unverified sources. The same caveat
/// is often attached to many obligations (every duty of a stayed law version, every system under
/// the same law): it is printed once, as a numbered note, and the obligations point to it.
fn obligations(result: &AssessmentResult) -> (Value, Value) {
    let mut notes: Vec<&str> = Vec::new();
    let systems = result
        .obligations
        .iter()
        .map(|system| {
            let items = system
                .items
                .iter()
                .map(|item| {
                    let note = item.unverified.as_deref().map(|caveat| {
                        match notes.iter().position(|known| *known == caveat) {
                            Some(index) => index + 1,
                            None => {
                                notes.push(caveat);
                                notes.len()
                            }
                        }
                    });
                    obligation_item(item, note)
                })
                .collect();
            system_obligations(system, items)
        })
        .collect();
    (Value::Array(systems), texts(&notes))
}

fn system_obligations(system: &SystemObligations, items: Vec<Value>) -> Value {
    Value::Dict(vec![
        ("system", text(&system.system)),
        ("name", text(&system.system_name)),
        ("law", text(&system.law)),
        ("version", text(&system.version)),
        (
            "classification",
            text(classification_label(system.classification)),
        ),
        ("tiers", texts(&system.tiers)),
        ("reasons", texts(&system.reasons)),
        ("items", Value::Array(items)),
        (
            "permissions",
            Value::Array(system.permissions.iter().map(permission).collect()),
        ),
    ])
}

fn soa_entry(entry: &SoaEntry) -> Value {
    let evidence = entry
        .evidence
        .iter()
        .map(|(reference, kind, date)| {
            let kind = kind.as_str().replace('_', " ");
            text(match date {
                Some(date) => format!("{reference} ({kind}, {date})"),
                None => format!("{reference} ({kind})"),
            })
        })
        .collect();
    Value::Dict(vec![
        ("control", text(entry.control.as_str())),
        ("title", text(entry.title.as_str())),
        ("included", Value::Bool(entry.included)),
        ("justification", text(&entry.justification)),
        ("status", text(status_label(entry.status))),
        ("owner", optional_text(entry.owner.as_deref())),
        ("evidence", Value::Array(evidence)),
    ])
}

/// Declared versus evidenced: both figures, what they rest on, the open blockers with their
/// basis, and everything to attach.
fn claims(result: &AssessmentResult) -> Value {
    let claims = &result.claims;
    // In catalog order, as every report lists them.
    let blockers = result
        .requirements
        .iter()
        .filter(|requirement| {
            result
                .gaps
                .iter()
                .any(|gap| gap.blocker && gap.id == requirement.id)
        })
        .map(|requirement| {
            Value::Dict(vec![
                ("id", text(requirement.id.as_str())),
                ("title", text(requirement.title.as_str())),
                ("state", text(requirement.standing())),
            ])
        })
        .collect();
    let to_attach = claims
        .to_attach
        .iter()
        .map(|attach| {
            Value::Dict(vec![
                ("id", text(&attach.id)),
                ("title", text(&attach.title)),
                ("answer", text(attach.answer.as_str().replace('_', " "))),
                ("expected", text(&attach.expected)),
                ("blocker", Value::Bool(attach.blocker)),
                ("gain", text(format!("+{}", one_decimal(attach.gain)))),
            ])
        })
        .collect();
    Value::Dict(vec![
        ("declared", text(one_decimal(claims.declared))),
        ("evidenced", text(one_decimal(claims.evidenced))),
        ("declared_requirements", count(claims.declared_requirements)),
        (
            "evidenced_requirements",
            count(claims.evidenced_requirements),
        ),
        (
            "inherited_requirements",
            count(claims.inherited_requirements),
        ),
        ("blockers", Value::Array(blockers)),
        ("to_attach", Value::Array(to_attach)),
    ])
}

/// The position of `date` between the as-of date (0) and the Stage 2 audit (1).
fn position(result: &AssessmentResult, date: Date) -> f64 {
    let span = result.as_of.days_until(result.roadmap.stage2_date).max(1);
    let offset = result.as_of.days_until(date).clamp(0, span);
    // Day counts are far below 2^52, so the conversions are exact.
    offset as f64 / span as f64
}

fn roadmap(result: &AssessmentResult) -> Value {
    let roadmap = &result.roadmap;
    let phases = Phase::ALL
        .iter()
        .filter_map(|phase| {
            let tasks: Vec<_> = roadmap.tasks.iter().filter(|t| t.phase == *phase).collect();
            let start = tasks.iter().map(|t| t.start).min()?;
            let end = tasks.iter().map(|t| t.end).max()?;
            let effort: f64 = tasks.iter().map(|t| t.effort_days).sum();
            Some(Value::Dict(vec![
                ("name", text(phase_label(*phase))),
                ("tasks", count(tasks.len())),
                ("start", text(start.to_string())),
                ("end", text(end.to_string())),
                ("effort", text(one_decimal(effort))),
                ("from", Value::Float(position(result, start))),
                ("to", Value::Float(position(result, end))),
            ]))
        })
        .collect();
    Value::Dict(vec![
        ("tasks", count(roadmap.tasks.len())),
        ("effort", text(one_decimal(roadmap.total_effort_days))),
        ("stage1", text(roadmap.stage1_date.to_string())),
        ("stage1_long", text(long_date(roadmap.stage1_date))),
        (
            "stage1_at",
            Value::Float(position(result, roadmap.stage1_date)),
        ),
        ("stage2", text(roadmap.stage2_date.to_string())),
        ("stage2_long", text(long_date(roadmap.stage2_date))),
        ("phases", Value::Array(phases)),
    ])
}

/// The evidence appendix: one entry per run of requirements sharing an answer, its evidence and
/// its notes, each piece with its dates, freshness in words, the weight it counted for and its
/// full SHA-256.
fn evidence(appendix: &Appendix<'_>) -> Value {
    Value::Array(
        appendix
            .entries
            .iter()
            .map(|entry| {
                let lines = entry
                    .evidence
                    .iter()
                    .map(|line| {
                        let evidence = line.evidence;
                        Value::Dict(vec![
                            ("reference", text(evidence.reference.as_str())),
                            ("kind", text(evidence.kind.as_str().replace('_', " "))),
                            (
                                "date",
                                text(evidence.date.map_or("undated".to_string(), long_date)),
                            ),
                            (
                                "review_by",
                                text(evidence.review_by.map_or("none set".to_string(), long_date)),
                            ),
                            ("freshness", text(line.freshness)),
                            ("overdue", Value::Bool(line.overdue())),
                            ("weight", text(&line.weight)),
                            ("sha256", optional_text(evidence.sha256.as_deref())),
                        ])
                    })
                    .collect();
                Value::Dict(vec![
                    ("anchor", text(&entry.anchor)),
                    ("ids", text(entry.ids())),
                    ("answer", optional_text(entry.answer)),
                    ("evidence", Value::Array(lines)),
                    ("notes", optional_text(entry.notes)),
                ])
            })
            .collect(),
    )
}

/// The whole `data` dictionary.
pub(crate) fn data(result: &AssessmentResult) -> Value {
    let ready = result.verdict.ready_for_stage1;
    let open_blockers = result.gaps.iter().filter(|gap| gap.blocker).count();
    let baseline = result
        .baseline
        .iter()
        .map(|baseline| {
            Value::Dict(vec![
                ("framework", text(&baseline.framework)),
                ("label", text(one_decimal(baseline.point))),
                (
                    "range",
                    text(format!(
                        "{}–{}",
                        one_decimal(baseline.lo),
                        one_decimal(baseline.hi)
                    )),
                ),
                ("point", Value::Float(baseline.point)),
                ("lo", Value::Float(baseline.lo)),
                ("hi", Value::Float(baseline.hi)),
                ("reached", count(baseline.reached)),
                ("counted", count(baseline.counted)),
                ("derivation", texts(&baseline.derivation)),
            ])
        })
        .collect();
    let rmf = result.nist_ai_rmf.as_ref().map_or(Value::None, |rmf| {
        Value::Dict(vec![
            ("label", text(one_decimal(rmf.point))),
            ("subcategories", count(rmf.subcategories)),
            ("covered", count(rmf.covered)),
            ("partial", count(rmf.partial)),
        ])
    });
    let (obligations, notes) = obligations(result);
    let appendix = Appendix::of(result);
    Value::Dict(vec![
        ("org", text(&result.organization)),
        ("as_of", text(long_date(result.as_of))),
        ("ready", Value::Bool(ready)),
        ("verdict", text(verdict_words(ready))),
        ("reasons", texts(&result.verdict.reasons)),
        ("readiness", readiness(&result.readiness)),
        ("claims", claims(result)),
        (
            "groups",
            Value::Array(result.groups.iter().map(readiness).collect()),
        ),
        ("baseline", Value::Array(baseline)),
        ("gaps_total", count(result.gaps.len())),
        ("open_blockers", count(open_blockers)),
        (
            "gaps",
            Value::Array(
                result
                    .gaps
                    .iter()
                    .take(TOP_GAPS)
                    .map(|g| gap(g, &appendix))
                    .collect(),
            ),
        ),
        ("packages_total", count(result.work_packages.len())),
        (
            "packages",
            Value::Array(
                result
                    .work_packages
                    .iter()
                    .take(TOP_GAPS)
                    .map(|p| package(result, p, &appendix))
                    .collect(),
            ),
        ),
        (
            "actions",
            Value::Array(
                result
                    .next_actions
                    .iter()
                    .map(|a| next_action(result, a))
                    .collect(),
            ),
        ),
        ("obligations", obligations),
        ("notes", notes),
        ("rmf", rmf),
        ("roadmap", roadmap(result)),
        (
            "soa",
            Value::Array(result.soa.iter().map(soa_entry).collect()),
        ),
        ("evidence", evidence(&appendix)),
        (
            "diagnostics",
            Value::Array(
                result
                    .diagnostics
                    .iter()
                    .map(|d| {
                        Value::Dict(vec![
                            ("field", text(&d.field)),
                            ("message", text(&d.message)),
                        ])
                    })
                    .collect(),
            ),
        ),
    ])
}
