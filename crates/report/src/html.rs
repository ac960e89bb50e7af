//! The HTML report: one self-contained file (inline CSS and SVG, nothing fetched) that reads
//! well on screen and in print. Every piece of user text goes through [`escape::html`].

use crate::escape::html as e;
use aimsgap_assess::*;
use aimsgap_catalog::{Catalog, Date};
use std::fmt::Write;

const CSS: &str = r#"
:root{--ink:#1b1f24;--muted:#4d5560;--line:#d5dae1;--bg:#ffffff;--soft:#f4f6f8;--accent:#1f5fa8;
--met:#1e7b34;--partial:#8a5a00;--gap:#b42318;--unknown:#5b6470;--na:#5b6470}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:var(--bg);margin:0}
main{max-width:1100px;margin:0 auto;padding:24px 20px 64px}
h1{font-size:1.7rem;margin:.2em 0}h2{font-size:1.3rem;margin:2em 0 .6em;padding-bottom:.2em;border-bottom:2px solid var(--line)}
h3{font-size:1.05rem;margin:1.4em 0 .4em}
p.meta{color:var(--muted);margin:.2em 0 1em}
.summary{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:14px;margin:18px 0}
.card{border:1px solid var(--line);border-radius:8px;padding:14px 16px;background:var(--soft)}
.card .big{font-size:2.2rem;font-weight:700;line-height:1.1;white-space:nowrap}.card .date{font-size:1.6rem}
.card .label{color:var(--muted);font-size:.85rem;text-transform:uppercase;letter-spacing:.04em}
.verdict{border-left:6px solid var(--gap);padding:12px 16px;background:#fdf3f2;border-radius:4px}
.verdict.ready{border-color:var(--met);background:#eef8f0}
.verdict ul{margin:.4em 0 0;padding-left:1.2em}
table{border-collapse:collapse;width:100%;margin:.6em 0 1.2em;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600;position:sticky;top:0}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.status{display:inline-block;padding:1px 8px;border-radius:10px;font-size:.8rem;font-weight:600;color:#fff;white-space:nowrap}
.s-met{background:var(--met)}.s-partial{background:var(--partial)}.s-gap{background:var(--gap)}.s-unknown{background:var(--unknown)}.s-not_applicable{background:var(--na)}
.st-overdue,.st-violation{color:var(--gap);font-weight:700}.st-upcoming{color:var(--accent);font-weight:600}.st-stayed{color:var(--partial);font-weight:600}.st-in_force{color:var(--met);font-weight:600}
.blocker{color:var(--gap);font-weight:700}
.small{font-size:.82rem;color:var(--muted)}
svg text{font-family:inherit}
details{margin:.3em 0}summary{cursor:pointer}
nav.toc{columns:2;font-size:.9rem}nav.toc a{color:var(--accent)}
a{color:var(--accent)}
@media print{body{font-size:11px}main{max-width:none;padding:0}h2{break-after:avoid}tr,.card{break-inside:avoid}th{position:static}nav.toc{display:none}details{display:block}details>summary{display:none}}
"#;

fn status(status: Status) -> String {
    format!(
        "<span class=\"status s-{}\">{}</span>",
        status.as_str(),
        status.as_str().replace('_', " ")
    )
}

fn pct(value: f64) -> String {
    format!("{:.0}%", value * 100.0)
}

/// Horizontal bars of readiness per group, with the range drawn as a thin band.
pub fn readiness_chart(groups: &[Readiness]) -> String {
    let row = 26;
    let label = 250;
    let width = 760;
    let bar = width - label - 70;
    let height = groups.len() * row + 30;
    let mut svg = format!(
        "<svg role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 {width} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-title\">Readiness per clause and Annex A objective</title>"
    );
    for tick in [0, 25, 50, 75, 100] {
        let x = label + bar * tick / 100;
        let _ = write!(
            svg,
            "<line x1=\"{x}\" y1=\"0\" x2=\"{x}\" y2=\"{}\" stroke=\"#d5dae1\"/><text x=\"{x}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#4d5560\">{tick}</text>",
            height - 18,
            height - 4
        );
    }
    for (i, g) in groups.iter().enumerate() {
        let y = i * row + 4;
        let scale = |v: f64| label as f64 + bar as f64 * v / 100.0;
        let color = if g.point >= 75.0 {
            "#1e7b34"
        } else if g.point >= 40.0 {
            "#8a5a00"
        } else {
            "#b42318"
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#1b1f24\">{} {}</text>\
             <rect x=\"{}\" y=\"{}\" width=\"{:.1}\" height=\"4\" fill=\"#c9d3de\"/>\
             <rect x=\"{}\" y=\"{}\" width=\"{:.1}\" height=\"14\" fill=\"{color}\"><title>{} {}: {:.1} (range {:.1} to {:.1})</title></rect>\
             <text x=\"{:.1}\" y=\"{}\" font-size=\"11\" fill=\"#1b1f24\">{:.0}</text>",
            label - 8,
            y + 12,
            e(&g.id),
            e(&shorten(&g.title, 30)),
            scale(g.lo),
            y + 5,
            (scale(g.hi) - scale(g.lo)).max(0.5),
            label,
            y,
            (scale(g.point) - label as f64).max(0.5),
            e(&g.id),
            e(&g.title),
            g.point,
            g.lo,
            g.hi,
            scale(g.hi.max(g.point)) + 6.0,
            y + 12,
            g.point
        );
    }
    svg.push_str("</svg>");
    svg
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

/// The roadmap as a timeline: one bar per phase, from its first task's start to its last end,
/// with the Stage 1 and Stage 2 audits marked.
pub fn roadmap_chart(roadmap: &Roadmap, as_of: Date) -> String {
    let phases: Vec<(Phase, Date, Date, usize)> = Phase::ALL
        .iter()
        .filter_map(|phase| {
            let tasks: Vec<&Task> = roadmap.tasks.iter().filter(|t| t.phase == *phase).collect();
            let start = tasks.iter().map(|t| t.start).min()?;
            let end = tasks.iter().map(|t| t.end).max()?;
            Some((*phase, start, end, tasks.len()))
        })
        .collect();
    let end = roadmap.stage2_date;
    let span = as_of.days_until(end).max(1) as f64;
    let label = 230.0;
    let width = 760.0;
    let bar = width - label - 20.0;
    let row = 26;
    let height = (phases.len() + 2) * row + 24;
    let x = |d: Date| label + bar * as_of.days_until(d) as f64 / span;
    let mut svg = format!(
        "<svg role=\"img\" aria-labelledby=\"roadmap-title\" viewBox=\"0 0 {width} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"roadmap-title\">Roadmap to certification from {as_of} to {end}</title>"
    );
    for (i, (phase, start, finish, count)) in phases.iter().enumerate() {
        let y = i * row + 4;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text><rect x=\"{:.1}\" y=\"{y}\" width=\"{:.1}\" height=\"16\" rx=\"3\" fill=\"#1f5fa8\"><title>{}: {count} tasks, {start} to {finish}</title></rect>",
            label - 8.0,
            y + 12,
            phase.as_str().replace('_', " "),
            x(*start),
            (x(*finish) - x(*start)).max(2.0),
            phase.as_str().replace('_', " "),
        );
    }
    for (i, (name, date)) in [
        ("Stage 1 audit", roadmap.stage1_date),
        ("Stage 2 audit", roadmap.stage2_date),
    ]
    .iter()
    .enumerate()
    {
        let y = (phases.len() + i) * row + 4;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" font-weight=\"700\">{name}</text><path d=\"M{:.1} {} l7 8 l-7 8 l-7 -8 z\" fill=\"#b42318\"><title>{name}: {date}</title></path><text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{date}</text>",
            label - 8.0,
            y + 12,
            x(*date),
            y,
            (x(*date) - 90.0).max(label),
            y + 12,
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{label}\" y=\"{}\" font-size=\"11\" fill=\"#4d5560\">{as_of}</text><text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" fill=\"#4d5560\">{end}</text></svg>",
        height - 4,
        width - 20.0,
        height - 4
    );
    svg
}

fn sources(result: &RequirementResult) -> String {
    let mut out = Vec::new();
    for source in &result.sources {
        match source {
            Source::Answer {
                from,
                status,
                best_evidence,
                stale,
                ..
            } => out.push(format!(
                "answer {}: {}{}",
                e(from),
                status.as_str().replace('_', " "),
                best_evidence
                    .map(|k| format!(
                        ", evidence {}{}",
                        k.as_str().replace('_', " "),
                        if *stale { " (stale)" } else { "" }
                    ))
                    .unwrap_or_else(|| ", no evidence".into())
            )),
            Source::Inherited {
                framework, edges, ..
            } => {
                let list: Vec<String> = edges
                    .iter()
                    .map(|edge| {
                        format!(
                            "{} {} ({})",
                            e(&edge.source),
                            edge.rel.as_str().replace('_', " "),
                            edge.strength
                        )
                    })
                    .collect();
                out.push(format!(
                    "inherited from {}: {}",
                    e(framework),
                    list.join("; ")
                ));
            }
        }
    }
    out.join("<br>")
}

/// Renders the whole report.
pub fn render(result: &AssessmentResult, catalog: &Catalog) -> String {
    let iso = catalog.framework(TARGET);
    let r = &result.readiness;
    let mut h = String::with_capacity(256 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>ISO/IEC 42001 readiness: {org}</title><style>{CSS}</style></head><body><main>\
         <header><p class=\"meta\">aimsgap ISO/IEC 42001 gap assessment</p><h1>{org}</h1>\
         <p class=\"meta\">As of {as_of}. Every figure below is derived from the assessment file and aimsgap's catalogs; <code>aimsgap explain FILE ID</code> shows the derivation of any requirement.</p></header>",
        org = e(&result.organization),
        as_of = result.as_of
    );
    h.push_str("<nav class=\"toc\" aria-label=\"Contents\"><a href=\"#verdict\">Verdict</a><br><a href=\"#readiness\">Readiness per group</a><br><a href=\"#baseline\">What certifications are worth</a><br><a href=\"#gaps\">Ranked gaps</a><br><a href=\"#obligations\">Obligations per AI system</a><br><a href=\"#roadmap\">Roadmap</a><br><a href=\"#soa\">Statement of Applicability</a><br><a href=\"#requirements\">Every requirement</a></nav>");

    let ready = result.verdict.ready_for_stage1;
    let _ = write!(
        h,
        "<section id=\"verdict\" aria-label=\"Verdict\"><div class=\"summary\">\
         <div class=\"card\"><div class=\"label\">Readiness</div><div class=\"big\">{:.1}</div><div>range {:.1} to {:.1}</div></div>\
         <div class=\"card\"><div class=\"label\">Requirements met</div><div class=\"big\">{}/{}</div><div>{} gaps open</div></div>\
         <div class=\"card\"><div class=\"label\">Certification blockers open</div><div class=\"big\">{}</div><div>documents a Stage 1 auditor checks first</div></div>\
         <div class=\"card\"><div class=\"label\">Stage 1 audit (plan)</div><div class=\"big date\">{}</div><div>Stage 2 {}</div></div></div>\
         <div class=\"verdict{}\"><strong>{}</strong><ul>",
        r.point,
        r.lo,
        r.hi,
        r.met,
        r.counted,
        result.gaps.len(),
        result.gaps.iter().filter(|g| g.blocker).count(),
        result.roadmap.stage1_date,
        result.roadmap.stage2_date,
        if ready { " ready" } else { "" },
        if ready {
            "Ready for the Stage 1 audit"
        } else {
            "Not ready for the Stage 1 audit"
        }
    );
    for reason in &result.verdict.reasons {
        let _ = write!(h, "<li>{}</li>", e(reason));
    }
    h.push_str("</ul></div></section>");

    h.push_str("<section id=\"readiness\"><h2>Readiness per clause and Annex A objective</h2><p class=\"small\">Bars show the point estimate; the thin band behind each bar shows the range from the evidence-backed low end to the claimed high end.</p>");
    h.push_str(&readiness_chart(&result.groups));
    h.push_str("<table><thead><tr><th>Group</th><th>Title</th><th class=\"num\">Readiness</th><th class=\"num\">Range</th><th class=\"num\">Met</th></tr></thead><tbody>");
    for g in &result.groups {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{:.1}</td><td class=\"num\">{:.1} to {:.1}</td><td class=\"num\">{}/{}</td></tr>",
            e(&g.id),
            e(&g.title),
            g.point,
            g.lo,
            g.hi,
            g.met,
            g.counted
        );
    }
    h.push_str("</tbody></table></section>");

    h.push_str("<section id=\"baseline\"><h2>What the held certifications are worth</h2>");
    if result.baseline.is_empty() {
        h.push_str("<p>No certification is held: every figure comes from the answers.</p>");
    }
    for b in &result.baseline {
        let _ = write!(
            h,
            "<h3>{}: {:.1} (range {:.1} to {:.1})</h3><ul>",
            e(&b.framework),
            b.point,
            b.lo,
            b.hi
        );
        for line in &b.derivation {
            let _ = write!(h, "<li>{}</li>", e(line));
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>");

    h.push_str("<section id=\"gaps\"><h2>Ranked gaps</h2>");
    if !result.next_actions.is_empty() {
        h.push_str("<h3>Next best actions</h3><ol>");
        for a in &result.next_actions {
            let _ = write!(
                h,
                "<li><strong>{}</strong>{}: {} <span class=\"small\">(+{:.2} readiness for {:.1} person-days)</span></li>",
                e(&a.id),
                if a.blocker {
                    " <span class=\"blocker\">blocker</span>"
                } else {
                    ""
                },
                e(&a.action),
                a.gain,
                a.effort_days
            );
        }
        h.push_str("</ol>");
    }
    h.push_str("<p class=\"small\">Priority = 100 × (0.30 blocker + 0.20 regulatory + 0.10 system risk + 0.20 size + 0.10 ease + 0.10 unblocks).</p>");
    h.push_str("<table><thead><tr><th class=\"num\">Rank</th><th>Requirement</th><th class=\"num\">Priority</th><th>Status</th><th>Factors</th><th>Next action</th></tr></thead><tbody>");
    for g in &result.gaps {
        let f = &g.factors;
        let _ = write!(
            h,
            "<tr><td class=\"num\">{}</td><td><strong>{}</strong> {}{}</td><td class=\"num\">{:.1}</td><td>{}</td>\
             <td class=\"small\">blocker {:.0}, regulatory {:.2}, system risk {:.2}, size {:.2}, ease {:.2}, unblocks {:.2}; {:.1} person-days{}</td><td>{}</td></tr>",
            g.rank,
            e(&g.id),
            e(&g.title),
            if g.blocker {
                " <span class=\"blocker\">blocker</span>"
            } else {
                ""
            },
            g.priority,
            status(g.status),
            f.blocker,
            f.regulatory,
            f.system_risk,
            f.size,
            f.ease,
            f.unblocks,
            f.effort_days,
            if f.obligations.is_empty() {
                String::new()
            } else {
                format!("; supports {}", e(&f.obligations.join(", ")))
            },
            e(&g.next_action)
        );
    }
    h.push_str("</tbody></table></section>");

    h.push_str("<section id=\"obligations\"><h2>Obligations per AI system</h2>");
    if result.obligations.is_empty() {
        h.push_str("<p>No AI system is listed in the assessment.</p>");
    }
    for o in &result.obligations {
        let _ = write!(
            h,
            "<h3>{} <span class=\"small\">({}) under {} [{}]: {}</span></h3>",
            e(&o.system_name),
            e(&o.system),
            e(&o.law),
            e(&o.version),
            o.classification.as_str().replace('_', " ")
        );
        if !o.reasons.is_empty() {
            h.push_str("<ul class=\"small\">");
            for reason in &o.reasons {
                let _ = write!(h, "<li>{}</li>", e(reason));
            }
            h.push_str("</ul>");
        }
        if o.items.is_empty() {
            continue;
        }
        h.push_str("<table><thead><tr><th>Reference</th><th>Obligation</th><th>Applies from</th><th>State</th><th>Supported by</th></tr></thead><tbody>");
        // Facts not verified are footnoted once per table, not repeated on every row.
        let mut notes: Vec<&str> = Vec::new();
        for item in &o.items {
            let when = match item.state {
                ObligationState::Upcoming => format!(" (in {} days)", item.days_until),
                _ => String::new(),
            };
            let support: Vec<String> = item
                .supported_by
                .iter()
                .map(|(id, s)| format!("{} {}", e(id), s.as_str().replace('_', " ")))
                .collect();
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}{}</td><td class=\"num\">{}</td><td class=\"st-{}\">{}{}</td><td class=\"small\">{}</td></tr>",
                e(&item.reference),
                e(&item.title),
                item.unverified
                    .as_deref()
                    .map(|u| {
                        let n = match notes.iter().position(|x| *x == u) {
                            Some(i) => i + 1,
                            None => {
                                notes.push(u);
                                notes.len()
                            }
                        };
                        format!(
                            " <sup class=\"small\" title=\"{}\">unverified [{n}]</sup>",
                            e(u)
                        )
                    })
                    .unwrap_or_default(),
                item.applies_from,
                item.state.as_str(),
                item.state.as_str().replace('_', " "),
                when,
                support.join(", ")
            );
        }
        h.push_str("</tbody></table>");
        if !notes.is_empty() {
            h.push_str("<ol class=\"small\">");
            for note in &notes {
                let _ = write!(h, "<li>Unverified: {}</li>", e(note));
            }
            h.push_str("</ol>");
        }
    }
    if let Some(rmf) = &result.nist_ai_rmf {
        let _ = write!(
            h,
            "<p>NIST AI RMF (voluntary): coverage {:.1}; {} of {} subcategories covered, {} partly.</p>",
            rmf.point, rmf.covered, rmf.subcategories, rmf.partial
        );
    }
    h.push_str("</section>");

    let roadmap = &result.roadmap;
    let _ = write!(
        h,
        "<section id=\"roadmap\"><h2>Roadmap</h2><p>{} tasks, {:.1} person-days; Stage 1 audit {}, Stage 2 audit {}.</p>",
        roadmap.tasks.len(),
        roadmap.total_effort_days,
        roadmap.stage1_date,
        roadmap.stage2_date
    );
    h.push_str(&roadmap_chart(roadmap, result.as_of));
    h.push_str("<details><summary>All tasks</summary><table><thead><tr><th>Task</th><th>Requirement</th><th>Phase</th><th class=\"num\">Effort</th><th>Start</th><th>End</th><th>Depends on</th><th>Action</th></tr></thead><tbody>");
    for t in &roadmap.tasks {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{:.1}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            e(&t.id),
            e(&t.requirement),
            t.phase.as_str().replace('_', " "),
            t.effort_days,
            t.start,
            t.end,
            e(&t.depends_on.join(", ")),
            e(&t.title)
        );
    }
    h.push_str("</tbody></table></details></section>");

    h.push_str("<section id=\"soa\"><h2>Statement of Applicability</h2><table><thead><tr><th>Control</th><th>Included</th><th>Justification</th><th>Status</th><th>Owner</th><th>Evidence</th></tr></thead><tbody>");
    for s in &result.soa {
        let evidence: Vec<String> = s
            .evidence
            .iter()
            .map(|(reference, kind, date)| {
                format!(
                    "{} ({}{})",
                    e(reference),
                    kind.as_str().replace('_', " "),
                    date.map(|d| format!(", {d}")).unwrap_or_default()
                )
            })
            .collect();
        let _ = write!(
            h,
            "<tr><td><strong>{}</strong> {}</td><td>{}</td><td class=\"small\">{}</td><td>{}</td><td>{}</td><td class=\"small\">{}</td></tr>",
            e(&s.control),
            e(&s.title),
            if s.included { "yes" } else { "no" },
            e(&s.justification),
            status(s.status),
            e(s.owner.as_deref().unwrap_or("")),
            evidence.join("<br>")
        );
    }
    h.push_str("</tbody></table></section>");

    h.push_str("<section id=\"requirements\"><h2>Every requirement</h2><table><thead><tr><th>Requirement</th><th>Status</th><th class=\"num\">Credit</th><th>Sources</th></tr></thead><tbody>");
    for req in &result.requirements {
        let documented = iso
            .and_then(|f| f.get(&req.id))
            .is_some_and(|r| r.documented);
        let _ = write!(
            h,
            "<tr><td><strong>{}</strong> {}{}</td><td>{}</td><td class=\"num\">{} <span class=\"small\">({} to {})</span></td><td class=\"small\">{}{}</td></tr>",
            e(&req.id),
            e(&req.title),
            if documented {
                " <span class=\"small\">(documented information)</span>"
            } else {
                ""
            },
            status(req.status),
            pct(req.credit.point),
            pct(req.credit.lo),
            pct(req.credit.hi),
            sources(req),
            if req.notes.is_empty() {
                String::new()
            } else {
                format!("<br>{}", e(&req.notes.join("; ")))
            }
        );
    }
    h.push_str("</tbody></table></section>");

    if !result.diagnostics.is_empty() {
        h.push_str("<section id=\"diagnostics\"><h2>Findings about the input</h2><ul>");
        for d in &result.diagnostics {
            let _ = write!(
                h,
                "<li><code>{}</code>: {}</li>",
                e(&d.field),
                e(&d.message)
            );
        }
        h.push_str("</ul></section>");
    }
    h.push_str("<footer class=\"small\"><p>Generated by aimsgap. ISO/IEC 42001 identifiers and headings are references; descriptions are aimsgap's own. Credit inherited from certifications is a range to verify for the AI scope, never conformity.</p></footer></main></body></html>\n");
    h
}
