//! The terminal summary of an assessment: verdict and readiness first, then what to do.

use crate::claims;
use crate::plan::{action_groups, phase_spans};
use crate::table::{clip, render};
use aimsgap_assess::*;

/// The summary printed by `aimsgap assess` (format `table`).
pub fn summary(result: &AssessmentResult, top: usize) -> String {
    let r = &result.readiness;
    let mut out = format!(
        "{}: ISO/IEC 42001 readiness as of {}\n\nReadiness {:.1} (range {:.1} to {:.1}); {} of {} requirements met\n",
        result.organization, result.as_of, r.point, r.lo, r.hi, r.met, r.counted
    );
    out.push_str(&format!(
        "Verdict: {}\n",
        if result.verdict.ready_for_stage1 {
            "ready for the Stage 1 audit"
        } else {
            "not ready for the Stage 1 audit"
        }
    ));
    for reason in &result.verdict.reasons {
        out.push_str(&format!("  - {reason}\n"));
    }
    out.push_str(&declared_versus_evidenced(result));

    out.push_str("\nReadiness per clause and Annex A objective\n");
    let rows: Vec<Vec<String>> = result
        .groups
        .iter()
        .map(|g| {
            vec![
                g.id.clone(),
                clip(&g.title, 48),
                format!("{:.1}", g.point),
                format!("{:.1}-{:.1}", g.lo, g.hi),
                format!("{}/{}", g.met, g.counted),
            ]
        })
        .collect();
    out.push_str(&render(
        &["group", "title", "readiness", "range", "met"],
        &rows,
    ));

    if !result.baseline.is_empty() {
        out.push_str("\nWhat the held certifications alone are worth\n");
        let rows: Vec<Vec<String>> = result
            .baseline
            .iter()
            .map(|b| {
                vec![
                    b.framework.clone(),
                    format!("{:.1}", b.point),
                    format!("{:.1}-{:.1}", b.lo, b.hi),
                    format!("{}/{}", b.reached, b.counted),
                ]
            })
            .collect();
        out.push_str(&render(
            &["baseline", "readiness", "range", "reached"],
            &rows,
        ));
    }

    if result.work_packages.is_empty() {
        top_gaps(&mut out, result, top);
    } else {
        top_packages(&mut out, result, top);
    }

    if !result.next_actions.is_empty() {
        out.push_str("\nNext best actions\n");
        for group in action_groups(result) {
            let single = |action: &NextAction, indent: &str| {
                format!(
                    "{indent}{} (+{:.2} readiness, {:.1} person-days){}: {}\n",
                    action.id,
                    action.gain,
                    action.effort_days,
                    if action.blocker { ", blocker" } else { "" },
                    action.action
                )
            };
            match group.package {
                Some(package) if group.is_package() => {
                    out.push_str(&format!(
                        "  {} {} (+{:.2} readiness, {:.1} person-days){}\n",
                        package.id,
                        package.title,
                        group.gain(),
                        group.effort_days(),
                        if group.blocker() { ", blocker" } else { "" },
                    ));
                    for action in &group.actions {
                        out.push_str(&single(action, "    "));
                    }
                }
                _ => {
                    for action in &group.actions {
                        out.push_str(&single(action, "  "));
                    }
                }
            }
        }
    }

    if !result.obligations.is_empty() {
        out.push_str("\nObligations per AI system\n");
        for system in &result.obligations {
            out.push_str(&format!(
                "  {} ({}) under {} [{}]: {}\n",
                system.system_name,
                system.system,
                system.law,
                system.version,
                system.classification
            ));
            for item in &system.items {
                let when = match item.state {
                    ObligationState::Upcoming => format!("in {} days", item.days_until),
                    _ => format!("since {}", item.applies_from),
                };
                out.push_str(&format!(
                    "    {:<12} {:<10} {} {} ({when})\n",
                    item.reference,
                    item.state.as_str(),
                    item.applies_from,
                    clip(&item.title, 60)
                ));
                for remark in item.remarks() {
                    out.push_str(&format!("      {remark}\n"));
                }
            }
            for item in &system.permissions {
                out.push_str(&format!(
                    "    may: {} {} (from {})\n",
                    item.reference,
                    clip(&item.title, 60),
                    item.applies_from
                ));
            }
        }
    }

    if let Some(rmf) = &result.nist_ai_rmf {
        out.push_str(&format!(
            "\nNIST AI RMF (voluntary): coverage {:.1}; {} of {} subcategories covered, {} partly\n",
            rmf.point, rmf.covered, rmf.subcategories, rmf.partial
        ));
    }

    let roadmap = &result.roadmap;
    out.push_str(&format!(
        "\nRoadmap: {} tasks, {:.1} person-days; Stage 1 audit {}, Stage 2 audit {}\n",
        roadmap.tasks.len(),
        roadmap.total_effort_days,
        roadmap.stage1_date,
        roadmap.stage2_date
    ));
    for span in phase_spans(roadmap) {
        out.push_str(&format!(
            "  {:<28} {:>3} tasks  {} to {}\n",
            span.phase.as_str(),
            span.tasks,
            span.from,
            span.to
        ));
    }

    if !result.diagnostics.is_empty() {
        out.push_str("\nFindings about the input\n");
        for diagnostic in &result.diagnostics {
            out.push_str(&format!("  {}: {}\n", diagnostic.field, diagnostic.message));
        }
    }
    out
}

/// The top gaps one per line, for a result without work packages.
fn top_gaps(out: &mut String, result: &AssessmentResult, top: usize) {
    out.push_str(&format!(
        "\nTop gaps ({} of {})\n",
        top.min(result.gaps.len()),
        result.gaps.len()
    ));
    let rows: Vec<Vec<String>> = result
        .gaps
        .iter()
        .take(top)
        .map(|g| {
            vec![
                g.rank.to_string(),
                g.id.to_string(),
                format!("{:.1}", g.priority),
                if g.blocker {
                    "blocker".into()
                } else {
                    String::new()
                },
                g.status.to_string(),
                clip(&g.title, 60),
            ]
        })
        .collect();
    out.push_str(&render(
        &["rank", "id", "priority", "", "status", "title"],
        &rows,
    ));
}

/// The top work packages, one line each with the requirements it closes beneath.
fn top_packages(out: &mut String, result: &AssessmentResult, top: usize) {
    out.push_str(&format!(
        "\nTop work packages ({} of {}, closing {} gaps)\n",
        top.min(result.work_packages.len()),
        result.work_packages.len(),
        result.gaps.len()
    ));
    let mut rows: Vec<Vec<String>> = Vec::new();
    for package in result.work_packages.iter().take(top) {
        rows.push(vec![
            package.rank.to_string(),
            package.id.clone(),
            format!("{:.1}", package.priority),
            if package.blocker {
                "blocker".into()
            } else {
                String::new()
            },
            package.status.to_string(),
            format!("{:.1}", package.effort_days),
            clip(&package.title, 60),
        ]);
        if package.requirements.len() > 1
            || package.requirements.first().map(|r| r.as_str()) != Some(package.id.as_str())
        {
            for id in &package.requirements {
                let gap = result.gaps.iter().find(|g| &g.id == id);
                rows.push(vec![
                    String::new(),
                    format!("  {id}"),
                    gap.map(|g| format!("{:.1}", g.priority))
                        .unwrap_or_default(),
                    String::new(),
                    gap.map(|g| g.status.to_string()).unwrap_or_default(),
                    gap.map(|g| format!("{:.1}", g.factors.effort_days))
                        .unwrap_or_default(),
                    gap.map(|g| clip(&g.title, 58)).unwrap_or_default(),
                ]);
            }
        }
    }
    out.push_str(&render(
        &["rank", "package", "priority", "", "status", "days", "title"],
        &rows,
    ));
}

/// Declared versus evidenced: both figures, what they rest on, and the first entries of what
/// to attach (the verdict above already says which blockers are declared or inherited).
fn declared_versus_evidenced(result: &AssessmentResult) -> String {
    let mut out = format!(
        "\nDeclared versus evidenced\n  {}\n  {}\n",
        claims::headline(result),
        claims::counts(result)
    );
    let to_attach = &result.claims.to_attach;
    if !to_attach.is_empty() {
        out.push_str(&format!(
            "\nWhat to attach ({} of {}, blockers first)\n",
            to_attach.len().min(claims::TEXT_ATTACH),
            to_attach.len()
        ));
        for attach in to_attach.iter().take(claims::TEXT_ATTACH) {
            out.push_str(&format!(
                "  {} {}: {}\n",
                attach.id,
                clip(&attach.title, 50),
                claims::attach_line(attach)
            ));
            let expected = attach.expected.trim();
            if !expected.is_empty() {
                out.push_str(&format!("      expected: {expected}\n"));
            }
        }
    }
    out
}
