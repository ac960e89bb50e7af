//! How one requirement's status and credit were derived, in sentences, from the result's own
//! sources: the explanation can never disagree with the number.

use crate::result::*;
use crate::rules;
use aimsgap_catalog::Catalog;

fn percent(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

/// The derivation of one requirement of a result, or `None` if the id is not assessed.
pub fn explain(catalog: &Catalog, result: &AssessmentResult, id: &str) -> Option<String> {
    let requirement = result.requirements.iter().find(|r| r.id == id)?;
    let iso = catalog.framework(crate::TARGET)?;
    let node = iso.get(id)?;
    let mut out = format!(
        "{} {}\nstatus {}; credit {} (range {} to {}) as of {}\n",
        requirement.id,
        requirement.title,
        requirement.status,
        percent(requirement.credit.point),
        percent(requirement.credit.lo),
        percent(requirement.credit.hi),
        result.as_of
    );
    if node.documented {
        out.push_str("This requirement demands documented information.\n");
    }
    if requirement.sources.is_empty() {
        out.push_str("\nNo answer and no crosswalk edge from a held certification reaches it.\n");
    }
    for source in &requirement.sources {
        match source {
            Source::Answer {
                from,
                status,
                maturity,
                evidence_weight,
                best_evidence,
                stale,
            } => {
                out.push_str(&format!(
                    "\nDirect answer{}: {status}{}.\n",
                    if from == id {
                        String::new()
                    } else {
                        format!(" (given on {from})")
                    },
                    maturity
                        .map(|m| format!(", maturity {m}"))
                        .unwrap_or_default()
                ));
                let claim = crate::rules::answer_claim(*status);
                let direct = rules::answer_credit(claim, *evidence_weight);
                out.push_str(&format!(
                    "  claim {} x best evidence weight {:.2}{} -> low {}, point {} (a claim alone counts {}), high {}\n",
                    percent(claim),
                    evidence_weight,
                    match best_evidence {
                        Some(kind) => format!(" ({}{})", kind, if *stale { ", stale: older than 12 months" } else { "" }),
                        None => " (no evidence)".to_string(),
                    },
                    percent(direct.lo),
                    percent(direct.point),
                    percent(rules::CLAIM_ONLY),
                    percent(direct.hi),
                ));
            }
            Source::Inherited {
                framework,
                scope_covers_ai,
                certification_factor,
                edges,
            } => {
                out.push_str(&format!(
                    "\nInherited from {framework} (certification factor {:.2}; scope {} AI{}):\n",
                    certification_factor,
                    if *scope_covers_ai {
                        "covers"
                    } else {
                        "does not cover"
                    },
                    if *scope_covers_ai {
                        String::new()
                    } else {
                        format!(", so x{:.2}", rules::SCOPE_WITHOUT_AI)
                    }
                ));
                let crosswalk = catalog.crosswalk(framework, crate::TARGET);
                for edge in edges {
                    out.push_str(&format!(
                        "  {} {} {} strength {} (factor {:.2} x {}/10 x source {:.2}) = {}\n",
                        edge.source,
                        edge.rel,
                        id,
                        edge.strength,
                        rules::relationship_factor(edge.rel),
                        edge.strength,
                        edge.source_factor,
                        percent(edge.credit)
                    ));
                    if let Some(note) = crosswalk
                        .and_then(|c| c.edges.iter().find(|e| e.from == edge.source && e.to == id))
                        .map(|e| e.note.as_str())
                    {
                        out.push_str(&format!("    {note}\n"));
                    }
                }
                out.push_str(&format!(
                    "  combined: strongest edge plus a quarter of the rest, capped at {}; low end is {} of the high end\n",
                    percent(rules::INHERITED_CAP),
                    percent(rules::INHERITED_LO)
                ));
            }
        }
    }
    let answered = requirement
        .sources
        .iter()
        .any(|s| matches!(s, Source::Answer { .. }));
    let inherits = requirement
        .sources
        .iter()
        .any(|s| matches!(s, Source::Inherited { .. }));
    if answered && inherits {
        out.push_str(&format!(
            "\nThe certificate is a floor: the answer is not counted below the inherited credit, so each end is the larger of the two: low {}, point {}, high {}.\n",
            percent(requirement.credit.lo),
            percent(requirement.credit.point),
            percent(requirement.credit.hi),
        ));
    }
    out.push_str(&format!(
        "Basis: {}.\n",
        match requirement.basis {
            Basis::Evidenced => "evidenced: the claim is backed by evidence that meets the bar",
            Basis::Declared => "declared: the answer claims it; attach evidence to confirm it",
            Basis::Planned => "planned: the answer says the work is still to be done",
            Basis::Inherited => "inherited from held certifications: verify for AI",
            Basis::Absent => "absent: answered not implemented",
            Basis::Unanswered => "unanswered",
            Basis::Excluded => "excluded as not applicable",
        }
    ));
    if !requirement.notes.is_empty() {
        out.push('\n');
        for note in &requirement.notes {
            out.push_str(&format!("- {note}\n"));
        }
    }
    if let Some(gap) = result.gaps.iter().find(|g| g.id == id) {
        let f = &gap.factors;
        out.push_str(&format!(
            "\nGap rank {} of {}, priority {:.1} = 100 x ({:.2} blocker {:.0} + {:.2} regulatory {:.2} + {:.2} system risk {:.2} + {:.2} size {:.2} + {:.2} ease {:.2} + {:.2} unblocks {:.2})\n",
            gap.rank,
            result.gaps.len(),
            gap.priority,
            rules::W_BLOCKER, f.blocker,
            rules::W_REGULATORY, f.regulatory,
            rules::W_SYSTEM_RISK, f.system_risk,
            rules::W_SIZE, f.size,
            rules::W_EASE, f.ease,
            rules::W_UNBLOCKS, f.unblocks,
        ));
        out.push_str(&format!(
            "  effort {:.1} person-days; {} other gap(s) wait on it\n",
            f.effort_days, f.waiting
        ));
        for obligation in &f.obligations {
            out.push_str(&format!("  supports obligation {obligation}\n"));
        }
        out.push_str(&format!("  next action: {}\n", gap.next_action));
    }
    Some(out)
}
