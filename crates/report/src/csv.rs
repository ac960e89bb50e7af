//! CSV for spreadsheets and scripts: one table of requirements, one of gaps (RFC 4180, with
//! spreadsheet formulas in user text defused).

use crate::escape::csv as c;
use aimsgap_assess::*;
use std::fmt::Write;

fn sources(result: &RequirementResult) -> String {
    result
        .sources
        .iter()
        .map(|s| match s {
            Source::Answer { from, status, .. } => format!("answer {from} {status}"),
            Source::Inherited {
                framework, edges, ..
            } => format!(
                "{framework}: {}",
                edges
                    .iter()
                    .map(|e| format!("{} {} {}", e.source, e.rel, e.strength))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}

/// Every requirement with its status, credit range and sources, then (the last columns, so
/// scripts reading the older columns by position still read them) its evidence references
/// joined with "; ", their SHA-256 values joined the same way (an empty place for a piece
/// without one, so the two lists line up) and the answer's notes.
pub fn requirements(result: &AssessmentResult) -> String {
    let mut out = String::from(
        "id,title,group,status,credit_lo,credit_point,credit_hi,owner,sources,notes,evidence,evidence_sha256,answer_notes\n",
    );
    for r in &result.requirements {
        let references: Vec<&str> = r.evidence.iter().map(|e| e.reference.as_str()).collect();
        let hashes: Vec<&str> = r
            .evidence
            .iter()
            .map(|e| e.sha256.as_deref().unwrap_or(""))
            .collect();
        let hashes = if hashes.iter().all(|hash| hash.is_empty()) {
            String::new()
        } else {
            hashes.join("; ")
        };
        let _ = writeln!(
            out,
            "{},{},{},{},{:.3},{:.3},{:.3},{},{},{},{},{},{}",
            c(&r.id),
            c(&r.title),
            c(&r.group),
            r.status,
            r.credit.lo,
            r.credit.point,
            r.credit.hi,
            c(r.owner.as_deref().unwrap_or("")),
            c(&sources(r)),
            c(&r.notes.join("; ")),
            c(&references.join("; ")),
            c(&hashes),
            c(r.answer_notes.as_deref().unwrap_or(""))
        );
    }
    out
}

/// The ranked gaps with every factor of their priority, and the work package each belongs to
/// (the last column, so scripts reading the older columns by position still read them).
pub fn gaps(result: &AssessmentResult) -> String {
    let mut out = String::from(
        "rank,id,title,priority,blocker,status,f_blocker,f_regulatory,f_system_risk,f_size,f_ease,f_unblocks,effort_days,obligations,next_action,package\n",
    );
    for g in &result.gaps {
        let f = &g.factors;
        let _ = writeln!(
            out,
            "{},{},{},{:.1},{},{},{:.3},{:.3},{:.3},{:.3},{:.3},{:.3},{:.1},{},{},{}",
            g.rank,
            c(&g.id),
            c(&g.title),
            g.priority,
            g.blocker,
            g.status,
            f.blocker,
            f.regulatory,
            f.system_risk,
            f.size,
            f.ease,
            f.unblocks,
            f.effort_days,
            c(&f.obligations.join(" ")),
            c(&g.next_action),
            c(&g.package)
        );
    }
    out
}
