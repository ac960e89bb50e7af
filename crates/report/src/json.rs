//! The JSON result, schema `aimsgap/assessment-result/1`. Keep names; add fields freely.

use aimsgap_assess::*;
use serde_json::{Value, json};

/// The schema id written into every result.
pub const SCHEMA: &str = "aimsgap/assessment-result/1";

fn r3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn readiness(r: &Readiness) -> Value {
    json!({"id": r.id, "title": r.title, "point": r.point, "lo": r.lo, "hi": r.hi,
           "counted": r.counted, "met": r.met})
}

fn source(source: &Source) -> Value {
    match source {
        Source::Answer {
            from,
            status,
            maturity,
            evidence_weight,
            best_evidence,
            stale,
        } => json!({
            "kind": "answer", "from": from, "status": status.as_str(), "maturity": maturity,
            "evidence_weight": r3(*evidence_weight),
            "best_evidence": best_evidence.map(|k| k.as_str()), "stale": stale,
        }),
        Source::Inherited {
            framework,
            scope_covers_ai,
            certification_factor,
            edges,
        } => json!({
            "kind": "inherited", "framework": framework, "scope_covers_ai": scope_covers_ai,
            "certification_factor": r3(*certification_factor),
            "edges": edges.iter().map(|e| json!({
                "source": e.source, "rel": e.rel.as_str(), "strength": e.strength,
                "source_factor": r3(e.source_factor), "credit": r3(e.credit),
            })).collect::<Vec<_>>(),
        }),
    }
}

/// The whole result as a JSON value.
pub fn to_value(result: &AssessmentResult) -> Value {
    json!({
        "schema": SCHEMA,
        "as_of": result.as_of.to_string(),
        "organization": result.organization,
        "readiness": {
            "overall": readiness(&result.readiness),
            "groups": result.groups.iter().map(readiness).collect::<Vec<_>>(),
        },
        "baseline": result.baseline.iter().map(|b| json!({
            "framework": b.framework, "point": b.point, "lo": b.lo, "hi": b.hi,
            "reached": b.reached, "counted": b.counted, "derivation": b.derivation,
        })).collect::<Vec<_>>(),
        "requirements": result.requirements.iter().map(|r| json!({
            "id": r.id, "title": r.title, "group": r.group, "status": r.status.as_str(),
            "credit": {"lo": r3(r.credit.lo), "point": r3(r.credit.point), "hi": r3(r.credit.hi)},
            "sources": r.sources.iter().map(source).collect::<Vec<_>>(),
            "notes": r.notes, "owner": r.owner,
        })).collect::<Vec<_>>(),
        "gaps": result.gaps.iter().map(|g| json!({
            "id": g.id, "title": g.title, "rank": g.rank, "priority": g.priority,
            "blocker": g.blocker, "status": g.status.as_str(),
            "factors": {
                "blocker": r3(g.factors.blocker), "regulatory": r3(g.factors.regulatory),
                "system_risk": r3(g.factors.system_risk), "size": r3(g.factors.size),
                "ease": r3(g.factors.ease), "unblocks": r3(g.factors.unblocks),
                "obligations": g.factors.obligations, "systems": g.factors.systems, "effort_days": g.factors.effort_days,
                "waiting": g.factors.waiting,
            },
            "next_action": g.next_action,
        })).collect::<Vec<_>>(),
        "verdict": {"ready_for_stage1": result.verdict.ready_for_stage1, "reasons": result.verdict.reasons},
        "obligations": result.obligations.iter().map(|s| json!({
            "system": s.system, "system_name": s.system_name, "law": s.law, "version": s.version,
            "classification": s.classification.as_str(), "tiers": s.tiers, "reasons": s.reasons,
            "items": s.items.iter().map(|i| json!({
                "ref": i.reference, "id": i.id, "title": i.title,
                "applies_from": i.applies_from.to_string(), "state": i.state.as_str(),
                "days_until": i.days_until,
                "supported_by": i.supported_by.iter().map(|(id, status)| json!({"id": id, "status": status.as_str()})).collect::<Vec<_>>(),
                "unverified": i.unverified,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "nist_ai_rmf": result.nist_ai_rmf.as_ref().map(|c| json!({
            "point": c.point, "subcategories": c.subcategories, "covered": c.covered,
            "partial": c.partial, "uncovered": c.uncovered,
        })),
        "roadmap": {
            "tasks": result.roadmap.tasks.iter().map(|t| json!({
                "id": t.id, "requirement": t.requirement, "title": t.title, "phase": t.phase.as_str(),
                "effort_days": t.effort_days, "depends_on": t.depends_on,
                "start": t.start.to_string(), "end": t.end.to_string(),
            })).collect::<Vec<_>>(),
            "total_effort_days": result.roadmap.total_effort_days,
            "stage1_date": result.roadmap.stage1_date.to_string(),
            "stage2_date": result.roadmap.stage2_date.to_string(),
        },
        "soa": result.soa.iter().map(|s| json!({
            "control": s.control, "title": s.title, "included": s.included,
            "justification": s.justification, "status": s.status.as_str(), "owner": s.owner,
            "evidence": s.evidence.iter().map(|(reference, kind, date)| json!({
                "ref": reference, "kind": kind.as_str(), "date": date.map(|d| d.to_string()),
            })).collect::<Vec<_>>(),
            "last_review": s.last_review.map(|d| d.to_string()),
        })).collect::<Vec<_>>(),
        "next_actions": result.next_actions.iter().map(|a| json!({
            "id": a.id, "action": a.action, "gain": a.gain, "effort_days": a.effort_days,
            "blocker": a.blocker,
        })).collect::<Vec<_>>(),
        "diagnostics": result.diagnostics.iter().map(|d| json!({"field": d.field, "message": d.message})).collect::<Vec<_>>(),
    })
}

/// The result as pretty JSON text with a final newline.
pub fn render(result: &AssessmentResult) -> String {
    let mut text = serde_json::to_string_pretty(&to_value(result)).unwrap_or_default();
    text.push('\n');
    text
}
