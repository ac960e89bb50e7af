//! The HTML report: one self-contained file (inline CSS and SVG, nothing fetched) that reads
//! well on screen and in print.
//!
//! The markup lives in `templates/` (`report.html`, `macros.html`, `charts/*.svg`) and is
//! checked by askama at compile time; this module only fills small typed views from the
//! result. The templates escape every value with [`escape::Html`](crate::escape::Html), so
//! no user text reaches the output unescaped. The only values written unescaped are the
//! stylesheet and the two charts, which are the crate's own constant or template output.

use crate::plan::{ActionGroup, PackageView, action_groups, package_views, packages_by_start};
use aimsgap_assess::*;
use aimsgap_catalog::{Catalog, Date};
use askama::Template;

/// The report's stylesheet, inlined into the page so the file stays self-contained.
pub(crate) const CSS: &str = include_str!("../templates/report.css");

/// Renders the whole report.
pub fn render(result: &AssessmentResult, catalog: &Catalog) -> String {
    let iso = catalog.framework(TARGET);
    let appendix = crate::evidence::Appendix::of(result);
    let report = Report {
        result,
        blockers: result.gaps.iter().filter(|gap| gap.blocker).count(),
        packages: package_views(result, &result.work_packages),
        action_groups: action_groups(result),
        roadmap_packages: packages_by_start(result),
        claims_counts: crate::claims::counts(result),
        open_blockers: crate::claims::open_blockers(result),
        readiness_chart: ReadinessChart::new(&result.groups),
        roadmap_chart: RoadmapChart::new(&result.roadmap, result.as_of),
        obligations: result
            .obligations
            .iter()
            .map(ObligationTable::new)
            .collect(),
        requirements: result
            .requirements
            .iter()
            .map(|requirement| RequirementRow {
                requirement,
                documented: iso
                    .and_then(|framework| framework.get(&requirement.id))
                    .is_some_and(|r| r.documented),
                evidence: appendix.anchor_of(&requirement.id).map(str::to_string),
            })
            .collect(),
        appendix,
    };
    render_template(&report)
}

/// Horizontal bars of readiness per group, with the range drawn as a thin band.
pub fn readiness_chart(groups: &[Readiness]) -> String {
    render_template(&ReadinessChart::new(groups))
}

/// The roadmap as a timeline: one bar per phase, from its first task's start to its last end,
/// with the Stage 1 and Stage 2 audits marked.
pub fn roadmap_chart(roadmap: &Roadmap, as_of: Date) -> String {
    render_template(&RoadmapChart::new(roadmap, as_of))
}

/// Renders a template into a string. Rendering fails only when a value's `Display` fails, and
/// none of the values in these views can; should it ever happen, the output says so rather
/// than being silently empty.
fn render_template(template: &impl Template) -> String {
    template
        .render()
        .unwrap_or_else(|error| format!("The report could not be rendered: {error}"))
}

/// The whole page.
#[derive(Template)]
#[template(path = "report.html")]
struct Report<'a> {
    result: &'a AssessmentResult,
    /// Gaps that block certification.
    blockers: usize,
    /// Every work package, ranked, with the gaps it closes.
    packages: Vec<PackageView<'a>>,
    /// The next best actions under their work package.
    action_groups: Vec<ActionGroup<'a>>,
    /// Every work package in the order it starts.
    roadmap_packages: Vec<&'a WorkPackage>,
    /// What the declared and evidenced figures rest on, in the words every report uses.
    claims_counts: String,
    open_blockers: Vec<crate::claims::OpenBlocker<'a>>,
    readiness_chart: ReadinessChart<'a>,
    roadmap_chart: RoadmapChart,
    obligations: Vec<ObligationTable<'a>>,
    requirements: Vec<RequirementRow<'a>>,
    /// The evidence and notes behind the requirements.
    appendix: crate::evidence::Appendix<'a>,
}

/// One row of the requirement table: whether the standard asks for documented information is
/// a fact of the catalog, not of the result.
struct RequirementRow<'a> {
    requirement: &'a RequirementResult,
    documented: bool,
    /// The anchor of its entry in the evidence appendix, when it has evidence or notes.
    evidence: Option<String>,
}

/// The obligations of one AI system under one law. Facts not verified are footnoted once per
/// table, not repeated on every row: `notes` holds each distinct text once, in order of first
/// use, and each row points at its number.
struct ObligationTable<'a> {
    obligations: &'a SystemObligations,
    rows: Vec<ObligationRow<'a>>,
    notes: Vec<&'a str>,
}

struct ObligationRow<'a> {
    item: &'a ObligationItem,
    note: Option<Footnote<'a>>,
}

struct Footnote<'a> {
    number: usize,
    text: &'a str,
}

impl<'a> ObligationTable<'a> {
    fn new(obligations: &'a SystemObligations) -> Self {
        let mut notes: Vec<&'a str> = Vec::new();
        let rows = obligations
            .items
            .iter()
            .map(|item| {
                let note = item.unverified.as_deref().map(|text| {
                    let number = match notes.iter().position(|known| *known == text) {
                        Some(index) => index + 1,
                        None => {
                            notes.push(text);
                            notes.len()
                        }
                    };
                    Footnote { number, text }
                });
                ObligationRow { item, note }
            })
            .collect();
        ObligationTable {
            obligations,
            rows,
            notes,
        }
    }
}

/// The readiness chart's geometry, in SVG user units.
#[derive(Template)]
#[template(path = "charts/readiness.svg")]
struct ReadinessChart<'a> {
    width: usize,
    height: usize,
    /// Where the group labels end (they are right-aligned).
    label_x: usize,
    /// Where every bar starts.
    bar_x: usize,
    tick_top: usize,
    tick_label_y: usize,
    ticks: Vec<Tick>,
    bars: Vec<ReadinessBar<'a>>,
}

struct Tick {
    x: usize,
    value: usize,
}

struct ReadinessBar<'a> {
    group: &'a Readiness,
    short_title: String,
    y: usize,
    text_y: usize,
    band_x: f64,
    band_y: usize,
    band_width: f64,
    width: f64,
    value_x: f64,
    color: &'static str,
}

impl<'a> ReadinessChart<'a> {
    fn new(groups: &'a [Readiness]) -> Self {
        let row = 26;
        let label = 250;
        let width = 760;
        let bar = width - label - 70;
        let height = groups.len() * row + 30;
        let scale = |value: f64| label as f64 + bar as f64 * value / 100.0;
        let ticks = [0, 25, 50, 75, 100]
            .into_iter()
            .map(|value| Tick {
                x: label + bar * value / 100,
                value,
            })
            .collect();
        let bars = groups
            .iter()
            .enumerate()
            .map(|(index, group)| {
                let y = index * row + 4;
                ReadinessBar {
                    group,
                    short_title: shorten(&group.title, 30),
                    y,
                    text_y: y + 12,
                    band_x: scale(group.lo),
                    band_y: y + 5,
                    band_width: (scale(group.hi) - scale(group.lo)).max(0.5),
                    width: (scale(group.point) - label as f64).max(0.5),
                    value_x: scale(group.hi.max(group.point)) + 6.0,
                    color: if group.point >= 75.0 {
                        "#1e7b34"
                    } else if group.point >= 40.0 {
                        "#8a5a00"
                    } else {
                        "#b42318"
                    },
                }
            })
            .collect();
        ReadinessChart {
            width,
            height,
            label_x: label - 8,
            bar_x: label,
            tick_top: height - 18,
            tick_label_y: height - 4,
            ticks,
            bars,
        }
    }
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

/// The roadmap chart's geometry, in SVG user units.
#[derive(Template)]
#[template(path = "charts/roadmap.svg")]
struct RoadmapChart {
    width: f64,
    height: usize,
    as_of: Date,
    end: Date,
    label_x: f64,
    axis_start_x: f64,
    axis_end_x: f64,
    axis_y: usize,
    phases: Vec<PhaseBar>,
    audits: Vec<AuditMark>,
}

struct PhaseBar {
    phase: Phase,
    tasks: usize,
    start: Date,
    end: Date,
    x: f64,
    y: usize,
    text_y: usize,
    width: f64,
}

struct AuditMark {
    name: &'static str,
    date: Date,
    x: f64,
    y: usize,
    text_y: usize,
    date_x: f64,
}

impl RoadmapChart {
    fn new(roadmap: &Roadmap, as_of: Date) -> Self {
        let end = roadmap.stage2_date;
        let span = as_of.days_until(end).max(1) as f64;
        let label = 230.0;
        let width = 760.0;
        let bar = width - label - 20.0;
        let row = 26;
        let x = |date: Date| label + bar * as_of.days_until(date) as f64 / span;
        let spans: Vec<(Phase, Date, Date, usize)> = Phase::ALL
            .iter()
            .filter_map(|phase| {
                let tasks: Vec<&Task> =
                    roadmap.tasks.iter().filter(|t| t.phase == *phase).collect();
                let start = tasks.iter().map(|t| t.start).min()?;
                let finish = tasks.iter().map(|t| t.end).max()?;
                Some((*phase, start, finish, tasks.len()))
            })
            .collect();
        let height = (spans.len() + 2) * row + 24;
        let phases = spans
            .iter()
            .enumerate()
            .map(|(index, (phase, start, finish, tasks))| {
                let y = index * row + 4;
                PhaseBar {
                    phase: *phase,
                    tasks: *tasks,
                    start: *start,
                    end: *finish,
                    x: x(*start),
                    y,
                    text_y: y + 12,
                    width: (x(*finish) - x(*start)).max(2.0),
                }
            })
            .collect();
        let audits = [
            ("Stage 1 audit", roadmap.stage1_date),
            ("Stage 2 audit", roadmap.stage2_date),
        ]
        .into_iter()
        .enumerate()
        .map(|(index, (name, date))| {
            let y = (spans.len() + index) * row + 4;
            AuditMark {
                name,
                date,
                x: x(date),
                y,
                text_y: y + 12,
                date_x: (x(date) - 90.0).max(label),
            }
        })
        .collect();
        RoadmapChart {
            width,
            height,
            as_of,
            end,
            label_x: label - 8.0,
            axis_start_x: label,
            axis_end_x: width - 20.0,
            axis_y: height - 4,
            phases,
            audits,
        }
    }
}

/// Filters the templates use beside askama's own.
mod filters {
    use std::fmt;

    /// Shows a vocabulary term as words: `not_applicable` as `not applicable`.
    #[askama::filter_fn]
    pub fn spaced(term: &'static str, _: &dyn askama::Values) -> askama::Result<Spaced> {
        Ok(Spaced(term))
    }

    /// A credit share (0 to 1) as a whole percentage.
    #[askama::filter_fn]
    pub fn percent(share: &f64, _: &dyn askama::Values) -> askama::Result<Percent> {
        Ok(Percent(*share))
    }

    pub struct Spaced(&'static str);

    impl fmt::Display for Spaced {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            for (index, word) in self.0.split('_').enumerate() {
                if index > 0 {
                    f.write_str(" ")?;
                }
                f.write_str(word)?;
            }
            Ok(())
        }
    }

    pub struct Percent(f64);

    impl fmt::Display for Percent {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{:.0}%", self.0 * 100.0)
        }
    }
}
