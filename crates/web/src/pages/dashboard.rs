//! The dashboard of one assessment, meant to fit one screen: readiness over time from the
//! saved runs (an SVG the template draws from the geometry computed here), readiness per
//! clause and objective with the evidenced part beside the declared one, the blockers left,
//! the law dates of the next 90 days per AI system, and the work due and overdue. A button
//! records a run now; the server also records one a day when something changed
//! ([`crate::housekeeping::record_daily_runs`]).

use super::assessment::{Tab, TabLink, context, names};
use super::layout::{Frame, render, see_other};
use super::summary::{relative, system_name};
use super::{PageResult, Signed};
use crate::auth::FormAuth;
use crate::error::ApiError;
use crate::ops::register::{Work, work_of};
use crate::{Access, AppState};
use aimsgap_assess::{AssessmentResult, ObligationState};
use aimsgap_catalog::{Catalog, Date};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

/// Law dates this many days ahead of the as-of date are shown.
pub(crate) const LAW_HORIZON_DAYS: i64 = 90;

/// Blockers listed by name; the rest are counted and linked through the register.
const BLOCKERS_SHOWN: usize = 5;

/// Rows of a list of due work shown; the rest are in the register.
const DUE_SHOWN: usize = 4;

// ---- readiness over time -----------------------------------------------------------------

/// The chart's drawing area, in SVG units.
const CHART_WIDTH: f64 = 360.0;
const CHART_HEIGHT: f64 = 186.0;
const PLOT_LEFT: f64 = 30.0;
const PLOT_RIGHT: f64 = 350.0;
const PLOT_TOP: f64 = 10.0;
const PLOT_BOTTOM: f64 = 160.0;

/// One saved run as a point of the chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Point {
    pub x: f64,
    pub y: f64,
    /// `2026-11-30 10:03 UTC · 42.1 · daily run`, for the point's tooltip.
    pub label: String,
}

/// A line across the plot at a readiness value, with its label.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Level {
    pub y: f64,
    pub value: u8,
}

/// A date under the horizontal axis.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tick {
    pub x: f64,
    pub text: String,
    /// `start`, `middle` or `end`, so that the first and last labels stay inside.
    pub anchor: &'static str,
}

/// Readiness over time, as geometry: points in time order, the polyline through them, levels
/// at 0, 25, 50, 75 and 100, and dates under the axis.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct RunsChart {
    pub width: f64,
    pub height: f64,
    pub left: f64,
    pub right: f64,
    pub bottom: f64,
    pub points: Vec<Point>,
    /// `x,y x,y ...` for the polyline.
    pub line: String,
    pub levels: Vec<Level>,
    pub ticks: Vec<Tick>,
    pub label_y: f64,
}

/// Seconds since the epoch of an RFC 3339 UTC time (`2026-11-30T10:03:04Z`), if it is one.
fn seconds(at: &str) -> Option<i64> {
    let day = Date::parse(at.get(..10)?).ok()?;
    let clock = at.get(11..19)?;
    let mut parts = clock.split(':').map(|p| p.parse::<i64>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    Some(day.to_days() * 86_400 + h * 3600 + m * 60 + s)
}

fn y_of(readiness: f64) -> f64 {
    let clamped = readiness.clamp(0.0, 100.0);
    PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * clamped / 100.0
}

impl RunsChart {
    /// The chart of `runs` given oldest first as (time, readiness 0..100, who). Runs are
    /// placed by their time; when all share one moment they are spread evenly.
    pub fn new(runs: &[(String, f64, String)]) -> RunsChart {
        let times: Vec<Option<i64>> = runs.iter().map(|(at, _, _)| seconds(at)).collect();
        let known: Vec<i64> = times.iter().flatten().copied().collect();
        let first = known.iter().min().copied().unwrap_or(0);
        let last = known.iter().max().copied().unwrap_or(0);
        let span = last - first;
        let count = runs.len();
        let x_of = |index: usize, time: Option<i64>| -> f64 {
            let width = PLOT_RIGHT - PLOT_LEFT;
            match time {
                Some(t) if span > 0 => PLOT_LEFT + width * (t - first) as f64 / span as f64,
                _ if count > 1 => PLOT_LEFT + width * index as f64 / (count - 1) as f64,
                _ => PLOT_LEFT + width / 2.0,
            }
        };
        let points: Vec<Point> = runs
            .iter()
            .zip(&times)
            .enumerate()
            .map(|(index, ((at, readiness, who), time))| Point {
                x: (x_of(index, *time) * 10.0).round() / 10.0,
                y: (y_of(*readiness) * 10.0).round() / 10.0,
                label: format!("{} · {readiness:.1} · {who}", super::layout::when(at)),
            })
            .collect();
        let line = points
            .iter()
            .map(|p| format!("{:.1},{:.1}", p.x, p.y))
            .collect::<Vec<_>>()
            .join(" ");
        let day = |at: &str| at.get(..10).unwrap_or(at).to_string();
        let mut ticks = Vec::new();
        if let (Some(a), Some(b)) = (runs.first(), runs.last()) {
            let (first_day, last_day) = (day(&a.0), day(&b.0));
            if first_day == last_day {
                ticks.push(Tick {
                    x: (PLOT_LEFT + PLOT_RIGHT) / 2.0,
                    text: first_day,
                    anchor: "middle",
                });
            } else {
                ticks.push(Tick {
                    x: PLOT_LEFT,
                    text: first_day,
                    anchor: "start",
                });
                ticks.push(Tick {
                    x: PLOT_RIGHT,
                    text: last_day,
                    anchor: "end",
                });
            }
        }
        RunsChart {
            width: CHART_WIDTH,
            height: CHART_HEIGHT,
            left: PLOT_LEFT,
            right: PLOT_RIGHT,
            bottom: PLOT_BOTTOM,
            points,
            line,
            levels: [0u8, 25, 50, 75, 100]
                .into_iter()
                .map(|value| Level {
                    y: y_of(f64::from(value)),
                    value,
                })
                .collect(),
            ticks,
            label_y: PLOT_BOTTOM + 20.0,
        }
    }
}

// ---- readiness per clause and objective --------------------------------------------------

/// Row height and bar geometry of the per-group chart.
const GROUP_ROW: f64 = 19.0;
const BAR_LEFT: f64 = 150.0;
const BAR_WIDTH: f64 = 210.0;
const GROUP_WIDTH: f64 = 400.0;

/// One clause or objective: the evidenced (low) part solid, the declared (high) part as a
/// lighter bar behind it, the point estimate as a tick.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupBar {
    pub id: String,
    pub title: String,
    pub y: f64,
    pub text_y: f64,
    pub lo_width: f64,
    pub hi_width: f64,
    pub point_x: f64,
    pub lo: f64,
    pub point: f64,
    pub hi: f64,
    pub href: String,
}

/// The per-group chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct GroupChart {
    pub width: f64,
    pub height: f64,
    pub bar_left: f64,
    pub value_x: f64,
    pub bars: Vec<GroupBar>,
}

fn short(title: &str) -> String {
    const MAX: usize = 16;
    if title.chars().count() <= MAX {
        title.to_string()
    } else {
        let cut: String = title.chars().take(MAX - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

impl GroupChart {
    fn new(result: &AssessmentResult, base: &str) -> GroupChart {
        let width = |v: f64| (BAR_WIDTH * v.clamp(0.0, 100.0) / 100.0 * 10.0).round() / 10.0;
        let bars: Vec<GroupBar> = (0u32..)
            .zip(&result.groups)
            .map(|(i, g)| {
                let y = f64::from(i) * GROUP_ROW + 4.0;
                GroupBar {
                    id: g.id.clone(),
                    title: short(&g.title),
                    y,
                    text_y: y + 11.0,
                    lo_width: width(g.lo),
                    hi_width: width(g.hi),
                    point_x: BAR_LEFT + width(g.point),
                    lo: g.lo,
                    point: g.point,
                    hi: g.hi,
                    href: format!("{base}/register?group={}", g.id),
                }
            })
            .collect();
        GroupChart {
            width: GROUP_WIDTH,
            height: bars.len() as f64 * GROUP_ROW + 8.0,
            bar_left: BAR_LEFT,
            value_x: BAR_LEFT + BAR_WIDTH + 8.0,
            bars,
        }
    }
}

// ---- lists -------------------------------------------------------------------------------

#[derive(Debug)]
struct Link {
    href: String,
    id: String,
    title: String,
}

/// The obligations of one law that start to apply on one day for one AI system.
#[derive(Debug)]
struct LawDate {
    date: Date,
    when: String,
    law: String,
    /// Each obligation as "reference title".
    items: Vec<String>,
}

#[derive(Debug)]
struct SystemDates {
    system: String,
    dates: Vec<LawDate>,
}

/// AI systems whose law dates are listed; the others are counted and linked.
const SYSTEMS_SHOWN: usize = 4;

/// The obligations of each AI system that apply within [`LAW_HORIZON_DAYS`] of the as-of date,
/// by system, then by day and law (one line each, the obligations folded under it).
fn law_dates(catalog: &Catalog, result: &AssessmentResult) -> Vec<SystemDates> {
    let mut out: Vec<SystemDates> = Vec::new();
    for law in &result.obligations {
        let label = super::layout::framework_label(catalog, &law.law);
        let mut dates: Vec<LawDate> = Vec::new();
        for item in law.items.iter().filter(|item| {
            item.state == ObligationState::Upcoming
                && (0..=LAW_HORIZON_DAYS).contains(&item.days_until)
        }) {
            let line = format!("{} {}", item.reference, item.title);
            match dates.iter_mut().find(|d| d.date == item.applies_from) {
                Some(date) => date.items.push(line),
                None => dates.push(LawDate {
                    date: item.applies_from,
                    when: relative(item.days_until),
                    law: label.clone(),
                    items: vec![line],
                }),
            }
        }
        if dates.is_empty() {
            continue;
        }
        let name = system_name(result, &law.system);
        match out.iter_mut().find(|s| s.system == name) {
            Some(system) => system.dates.append(&mut dates),
            None => out.push(SystemDates {
                system: name,
                dates,
            }),
        }
    }
    for system in &mut out {
        system.dates.sort_by_key(|d| d.date);
    }
    out.sort_by_key(|s| s.dates.first().map(|d| d.date));
    out
}

/// One work item due, for the lists of overdue work and work due this week.
#[derive(Debug)]
struct DueItem {
    href: String,
    what: String,
    due: String,
    when: String,
    owner: String,
}

/// Work not done that is overdue (due before `today`), and due within seven days of it.
fn due_work(
    base: &str,
    result: &AssessmentResult,
    work: &Work,
    today: Date,
) -> (Vec<DueItem>, Vec<DueItem>) {
    let mut overdue = Vec::new();
    let mut week = Vec::new();
    for (target, item) in &work.items {
        if item.state == "done" {
            continue;
        }
        let Some(due) = item.due.as_deref().and_then(|d| Date::parse(d).ok()) else {
            continue;
        };
        let days = today.days_until(due);
        if days > 7 {
            continue;
        }
        let (href, what) = match target.split_once(':') {
            Some(("package", id)) => (
                format!("{base}/packages/{id}"),
                result
                    .work_packages
                    .iter()
                    .find(|p| p.id == id)
                    .map_or_else(|| id.to_string(), |p| format!("{id} {}", p.title)),
            ),
            Some((_, id)) => (
                format!("{base}/requirements/{id}"),
                result
                    .requirements
                    .iter()
                    .find(|r| r.id == id)
                    .map_or_else(|| id.to_string(), |r| format!("{id} {}", r.title)),
            ),
            None => continue,
        };
        let row = DueItem {
            href,
            what,
            due: due.to_string(),
            when: relative(days),
            owner: item.owner.clone().unwrap_or_else(|| "nobody".to_string()),
        };
        if days < 0 {
            overdue.push(row);
        } else {
            week.push(row);
        }
    }
    overdue.sort_by(|a, b| a.due.cmp(&b.due));
    week.sort_by(|a, b| a.due.cmp(&b.due));
    (overdue, week)
}

// ---- the page ----------------------------------------------------------------------------

#[derive(Template, Debug)]
#[template(path = "assessment/dashboard.html")]
struct DashboardPage<'a> {
    frame: Frame,
    tabs: Vec<TabLink>,
    id: &'a str,
    name: &'a str,
    as_of: Date,
    point: f64,
    lo: f64,
    hi: f64,
    ready: bool,
    runs: usize,
    chart: Option<RunsChart>,
    groups: GroupChart,
    blockers: usize,
    blocker_list: Vec<Link>,
    laws: Vec<SystemDates>,
    /// AI systems with law dates not listed.
    more_systems: usize,
    overdue: Vec<DueItem>,
    week: Vec<DueItem>,
    overdue_count: usize,
    week_count: usize,
    due_shown: usize,
    /// Evidence due for review within 30 days or past its review date, the first few.
    expiring: Vec<super::evidence::Expiring>,
    expiring_count: usize,
    /// Of them, past their review date.
    expiring_overdue: usize,
    expiring_days: i64,
    /// The token of "Record a run now", for those who may edit.
    csrf: Option<String>,
}

/// `GET /assessments/{assessment}/dashboard`.
pub async fn dashboard(
    State(state): State<AppState>,
    Signed(auth): Signed,
    Path(id): Path<String>,
) -> PageResult<Response> {
    let ctx = context(&state, auth, &id, Access::Read).await?;
    let values = super::assessment::computed(&state, &ctx).await?;
    let result = &values.result;
    let work = work_of(&state, &id).await?;
    let mut runs = state.store.runs(&id).await?;
    runs.reverse();
    let who = names(&state, &ctx.meta.org_id).await?;
    let points: Vec<(String, f64, String)> = runs
        .into_iter()
        .map(|run| {
            let by = who
                .get(&run.created_by)
                .cloned()
                .unwrap_or_else(|| run.created_by.clone());
            (run.at, run.readiness, by)
        })
        .collect();
    let base = ctx.base();
    let blockers: Vec<&aimsgap_assess::Gap> = result.gaps.iter().filter(|g| g.blocker).collect();
    let (overdue, week) = due_work(&base, result, &work, crate::ops::today());
    let laws = law_dates(&state.catalog, result);
    let expiring = super::evidence::expiring(result, super::evidence::EXPIRING_WITHIN_DAYS);
    let (frame, tabs) = ctx.chrome(Tab::Dashboard, "Dashboard");
    let view = DashboardPage {
        frame,
        tabs,
        id: &id,
        name: &ctx.meta.name,
        as_of: result.as_of,
        point: result.readiness.point,
        lo: result.readiness.lo,
        hi: result.readiness.hi,
        ready: result.verdict.ready_for_stage1,
        runs: points.len(),
        chart: (!points.is_empty()).then(|| RunsChart::new(&points)),
        groups: GroupChart::new(result, &base),
        blockers: blockers.len(),
        blocker_list: blockers
            .iter()
            .take(BLOCKERS_SHOWN)
            .map(|g| Link {
                href: format!("{base}/requirements/{}", g.id),
                id: g.id.to_string(),
                title: g.title.to_string(),
            })
            .collect(),
        more_systems: laws.len().saturating_sub(SYSTEMS_SHOWN),
        laws: laws.into_iter().take(SYSTEMS_SHOWN).collect(),
        overdue_count: overdue.len(),
        week_count: week.len(),
        overdue: overdue.into_iter().take(DUE_SHOWN).collect(),
        week: week.into_iter().take(DUE_SHOWN).collect(),
        due_shown: DUE_SHOWN,
        expiring_count: expiring.len(),
        expiring_overdue: expiring.iter().filter(|e| e.overdue()).count(),
        expiring: expiring.into_iter().take(DUE_SHOWN).collect(),
        expiring_days: super::evidence::EXPIRING_WITHIN_DAYS,
        csrf: ctx.role.can_edit().then(|| ctx.auth.csrf().to_string()),
    };
    Ok(render(StatusCode::OK, &view))
}

/// `POST /assessments/{assessment}/dashboard/runs`: records a run now, back to the dashboard.
pub async fn record_run(
    State(state): State<AppState>,
    Path(id): Path<String>,
    form: Result<FormAuth, ApiError>,
) -> PageResult<Response> {
    let FormAuth { auth, .. } = form?;
    let ctx = context(&state, auth, &id, Access::Edit).await?;
    let computed = crate::ops::assessments::latest(&state, &ctx.auth, &id).await?;
    let value = aimsgap_report::json::to_value(&computed.result);
    state
        .store
        .save_run(
            &id,
            &ctx.auth.user.id,
            computed.result.readiness.point,
            &value,
        )
        .await?;
    Ok(see_other(&format!("/assessments/{id}/dashboard")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(at: &str, readiness: f64) -> (String, f64, String) {
        (at.to_string(), readiness, "daily run".to_string())
    }

    #[test]
    fn a_chart_of_no_run_has_no_point_and_one_run_sits_in_the_middle() {
        let empty = RunsChart::new(&[]);
        assert!(empty.points.is_empty() && empty.ticks.is_empty() && empty.line.is_empty());
        let one = RunsChart::new(&[run("2026-11-30T10:00:00Z", 50.0)]);
        assert_eq!(one.points.len(), 1);
        let p = &one.points[0];
        assert!((p.x - (PLOT_LEFT + PLOT_RIGHT) / 2.0).abs() < 0.11, "{p:?}");
        assert!((p.y - (PLOT_TOP + PLOT_BOTTOM) / 2.0).abs() < 0.11, "{p:?}");
        assert_eq!(one.ticks.len(), 1);
        assert_eq!(one.ticks[0].text, "2026-11-30");
    }

    #[test]
    fn runs_are_placed_by_their_time_and_higher_readiness_is_higher_up() {
        let chart = RunsChart::new(&[
            run("2026-11-01T00:00:00Z", 10.0),
            run("2026-11-02T00:00:00Z", 20.0),
            run("2026-11-11T00:00:00Z", 90.0),
        ]);
        let xs: Vec<f64> = chart.points.iter().map(|p| p.x).collect();
        assert!((xs[0] - PLOT_LEFT).abs() < 0.11 && (xs[2] - PLOT_RIGHT).abs() < 0.11);
        // One day of ten: a tenth of the width.
        let tenth = PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) / 10.0;
        assert!((xs[1] - tenth).abs() < 0.11, "{xs:?}");
        assert!(chart.points[2].y < chart.points[1].y && chart.points[1].y < chart.points[0].y);
        assert_eq!(
            chart
                .ticks
                .iter()
                .map(|t| t.text.as_str())
                .collect::<Vec<_>>(),
            ["2026-11-01", "2026-11-11"]
        );
        assert_eq!(chart.line.split(' ').count(), 3);
    }

    #[test]
    fn runs_of_one_moment_are_spread_evenly_and_values_stay_inside_the_plot() {
        let chart = RunsChart::new(&[
            run("2026-11-01T00:00:00Z", -5.0),
            run("2026-11-01T00:00:00Z", 150.0),
            run("not a time", 50.0),
        ]);
        assert!(chart.points[0].x < chart.points[1].x && chart.points[1].x < chart.points[2].x);
        assert!((chart.points[0].y - PLOT_BOTTOM).abs() < 0.11);
        assert!((chart.points[1].y - PLOT_TOP).abs() < 0.11);
    }
}
