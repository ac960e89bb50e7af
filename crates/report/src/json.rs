//! The JSON result, schema `aimsgap/assessment-result/2`: the domain result turned into the
//! wire types of `aimsgap_wire::result`, which also read it back. Keep names; add fields freely
//! (in the wire types, in alphabetical order).

use aimsgap_assess::{AssessmentResult, Readiness, Source};
use aimsgap_wire::result as wire;
use serde_json::Value;

/// The schema id written into every result.
pub const SCHEMA: &str = wire::SCHEMA;

fn r3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

fn readiness(r: &Readiness) -> wire::Readiness {
    wire::Readiness {
        counted: r.counted,
        hi: r.hi,
        id: r.id.clone(),
        lo: r.lo,
        met: r.met,
        point: r.point,
        title: r.title.clone(),
    }
}

fn source(source: &Source) -> wire::Source {
    match source {
        Source::Answer {
            from,
            status,
            maturity,
            evidence_weight,
            best_evidence,
            stale,
        } => wire::Source::Answer(wire::AnswerSource {
            best_evidence: best_evidence.map(|k| k.as_str().to_string()),
            evidence_weight: r3(*evidence_weight),
            from: from.clone(),
            kind: wire::AnswerKind::Answer,
            maturity: *maturity,
            stale: *stale,
            status: status.as_str().to_string(),
        }),
        Source::Inherited {
            framework,
            scope_covers_ai,
            certification_factor,
            edges,
        } => wire::Source::Inherited(wire::InheritedSource {
            certification_factor: r3(*certification_factor),
            edges: edges
                .iter()
                .map(|e| wire::Edge {
                    credit: r3(e.credit),
                    rel: e.rel.as_str().to_string(),
                    source: e.source.clone(),
                    source_factor: r3(e.source_factor),
                    strength: e.strength,
                })
                .collect(),
            framework: framework.clone(),
            kind: wire::InheritedKind::Inherited,
            scope_covers_ai: *scope_covers_ai,
        }),
    }
}

/// The whole result as its wire type.
pub fn to_wire(result: &AssessmentResult) -> wire::AssessmentResult {
    let claims = &result.claims;
    wire::AssessmentResult {
        as_of: result.as_of.to_string(),
        claims: wire::Claims {
            declared: claims.declared,
            declared_requirements: claims.declared_requirements,
            evidenced: claims.evidenced,
            evidenced_requirements: claims.evidenced_requirements,
            inherited_requirements: claims.inherited_requirements,
            point: claims.point,
            to_attach: claims
                .to_attach
                .iter()
                .map(|a| wire::Attach {
                    answer: a.answer.as_str().to_string(),
                    blocker: a.blocker,
                    expected: a.expected.clone(),
                    gain: a.gain,
                    id: a.id.clone(),
                    title: a.title.clone(),
                })
                .collect(),
        },
        baseline: result
            .baseline
            .iter()
            .map(|b| wire::Baseline {
                counted: b.counted,
                derivation: b.derivation.clone(),
                framework: b.framework.clone(),
                hi: b.hi,
                lo: b.lo,
                point: b.point,
                reached: b.reached,
            })
            .collect(),
        diagnostics: result
            .diagnostics
            .iter()
            .map(|d| wire::Diagnostic {
                field: d.field.clone(),
                message: d.message.clone(),
            })
            .collect(),
        gaps: result
            .gaps
            .iter()
            .map(|g| wire::Gap {
                blocker: g.blocker,
                factors: wire::Factors {
                    blocker: r3(g.factors.blocker),
                    ease: r3(g.factors.ease),
                    effort_days: g.factors.effort_days,
                    obligations: g.factors.obligations.clone(),
                    regulatory: r3(g.factors.regulatory),
                    size: r3(g.factors.size),
                    system_risk: r3(g.factors.system_risk),
                    systems: g.factors.systems.clone(),
                    unblocks: r3(g.factors.unblocks),
                    waiting: g.factors.waiting,
                },
                id: g.id.clone(),
                next_action: g.next_action.clone(),
                package: g.package.clone(),
                priority: g.priority,
                rank: g.rank,
                status: g.status.as_str().to_string(),
                title: g.title.clone(),
            })
            .collect(),
        next_actions: result
            .next_actions
            .iter()
            .map(|a| wire::NextAction {
                action: a.action.clone(),
                blocker: a.blocker,
                effort_days: a.effort_days,
                gain: a.gain,
                id: a.id.clone(),
                package: a.package.clone(),
            })
            .collect(),
        nist_ai_rmf: result.nist_ai_rmf.as_ref().map(|c| wire::RmfCoverage {
            covered: c.covered,
            partial: c.partial,
            point: c.point,
            subcategories: c.subcategories,
            uncovered: c.uncovered.clone(),
        }),
        obligations: result
            .obligations
            .iter()
            .map(|s| wire::SystemObligations {
                classification: s.classification.as_str().to_string(),
                items: s.items.iter().map(obligation_item).collect(),
                law: s.law.clone(),
                permissions: s.permissions.iter().map(obligation_item).collect(),
                reasons: s.reasons.clone(),
                system: s.system.clone(),
                system_name: s.system_name.clone(),
                tiers: s.tiers.clone(),
                version: s.version.clone(),
            })
            .collect(),
        organization: result.organization.clone(),
        readiness: wire::ReadinessSummary {
            groups: result.groups.iter().map(readiness).collect(),
            overall: readiness(&result.readiness),
        },
        requirements: result
            .requirements
            .iter()
            .map(|r| wire::Requirement {
                answer_notes: r.answer_notes.clone(),
                basis: Some(r.basis.as_str().to_string()),
                credit: wire::Credit {
                    hi: r3(r.credit.hi),
                    lo: r3(r.credit.lo),
                    point: r3(r.credit.point),
                },
                evidence: r
                    .evidence
                    .iter()
                    .map(|e| wire::EvidenceItem {
                        date: e.date.map(|d| d.to_string()),
                        freshness: e.freshness.as_str().to_string(),
                        kind: e.kind.as_str().to_string(),
                        reference: e.reference.clone(),
                        review_by: e.review_by.map(|d| d.to_string()),
                        sha256: e.sha256.clone(),
                        weight: r3(e.weight),
                    })
                    .collect(),
                group: r.group.clone(),
                id: r.id.clone(),
                notes: r.notes.clone(),
                owner: r.owner.clone(),
                sources: r.sources.iter().map(source).collect(),
                status: r.status.as_str().to_string(),
                title: r.title.clone(),
            })
            .collect(),
        roadmap: wire::Roadmap {
            stage1_date: result.roadmap.stage1_date.to_string(),
            stage2_date: result.roadmap.stage2_date.to_string(),
            tasks: result
                .roadmap
                .tasks
                .iter()
                .map(|t| wire::Task {
                    depends_on: t.depends_on.clone(),
                    effort_days: t.effort_days,
                    end: t.end.to_string(),
                    id: t.id.clone(),
                    package: t.package.clone(),
                    phase: t.phase.as_str().to_string(),
                    requirement: t.requirement.clone(),
                    start: t.start.to_string(),
                    title: t.title.clone(),
                })
                .collect(),
            total_effort_days: result.roadmap.total_effort_days,
        },
        schema: SCHEMA.to_string(),
        soa: result
            .soa
            .iter()
            .map(|s| wire::SoaEntry {
                control: s.control.clone(),
                evidence: s
                    .evidence
                    .iter()
                    .map(|(reference, kind, date)| wire::SoaEvidence {
                        date: date.map(|d| d.to_string()),
                        kind: kind.as_str().to_string(),
                        reference: reference.clone(),
                    })
                    .collect(),
                included: s.included,
                justification: s.justification.clone(),
                last_review: s.last_review.map(|d| d.to_string()),
                owner: s.owner.clone(),
                status: s.status.as_str().to_string(),
                title: s.title.clone(),
            })
            .collect(),
        verdict: wire::Verdict {
            ready_for_stage1: result.verdict.ready_for_stage1,
            reasons: result.verdict.reasons.clone(),
        },
        work_packages: result
            .work_packages
            .iter()
            .map(|p| wire::WorkPackage {
                blocker: p.blocker,
                effort_days: p.effort_days,
                end: p.end.to_string(),
                id: p.id.clone(),
                next_action: p.next_action.clone(),
                priority: p.priority,
                rank: p.rank,
                requirements: p.requirements.clone(),
                start: p.start.to_string(),
                status: p.status.as_str().to_string(),
                title: p.title.clone(),
            })
            .collect(),
    }
}

/// The whole result as a JSON value.
pub fn to_value(result: &AssessmentResult) -> Value {
    serde_json::to_value(to_wire(result)).unwrap_or_default()
}

/// The result as pretty JSON text with a final newline.
pub fn render(result: &AssessmentResult) -> String {
    to_wire(result).to_json()
}

fn obligation_item(i: &aimsgap_assess::ObligationItem) -> wire::ObligationItem {
    wire::ObligationItem {
        applies_from: i.applies_from.to_string(),
        days_until: i.days_until,
        deadlines: i
            .deadlines
            .iter()
            .map(|(days, case)| wire::Deadline {
                case: case.clone(),
                days: *days,
            })
            .collect(),
        id: i.id.clone(),
        notes: i.notes.clone(),
        reference: i.reference.clone(),
        state: i.state.as_str().to_string(),
        supported_by: i
            .supported_by
            .iter()
            .map(|(id, status)| wire::Support {
                id: id.clone(),
                status: status.as_str().to_string(),
            })
            .collect(),
        title: i.title.clone(),
        unverified: i.unverified.clone(),
    }
}
