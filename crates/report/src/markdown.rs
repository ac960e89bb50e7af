//! The Markdown report, for docs-as-code: the same content as the HTML report, in tables.
//!
//! The text lives in `templates/report.md`; askama applies
//! [`escape::Markdown`](crate::escape::Markdown) to every value, so user text cannot open a
//! link, emphasis, HTML or a new table cell. Vocabulary terms (statuses, states,
//! classifications) are the crate's own words and pass through unescaped, as before.

use crate::plan::{
    ActionGroup, PackageView, PhaseSpan, action_groups, package_views, packages_by_start,
    phase_spans,
};
use aimsgap_assess::*;
use askama::Template;

/// Renders the report; `top` bounds the gap table (the CSV and JSON carry them all).
pub fn render(result: &AssessmentResult, top: usize) -> String {
    let report = Report {
        result,
        blockers: result.gaps.iter().filter(|gap| gap.blocker).count(),
        claims_headline: crate::claims::headline(result),
        claims_counts: crate::claims::counts(result),
        open_blockers: crate::claims::open_blockers(result),
        top_gaps: result.gaps.get(..top).unwrap_or(&result.gaps),
        top_packages: package_views(result, result.work_packages.iter().take(top)),
        action_groups: action_groups(result),
        roadmap_packages: packages_by_start(result),
        phases: phase_spans(&result.roadmap),
        appendix: crate::evidence::Appendix::of(result),
    };
    // Rendering fails only when a value's `Display` fails, and none of these can; should it
    // ever happen, the output says so rather than being silently empty.
    report
        .render()
        .unwrap_or_else(|error| format!("The report could not be rendered: {error}\n"))
}

#[derive(Template)]
#[template(path = "report.md")]
struct Report<'a> {
    result: &'a AssessmentResult,
    /// Gaps that block certification.
    blockers: usize,
    /// Declared versus evidenced, in the words every report uses.
    claims_headline: String,
    claims_counts: String,
    open_blockers: Vec<crate::claims::OpenBlocker<'a>>,
    /// The gaps shown in the table, at most `top`, for a result without work packages.
    top_gaps: &'a [Gap],
    /// The work packages shown, at most `top`, each with its gaps beneath.
    top_packages: Vec<PackageView<'a>>,
    /// The next best actions under their work package.
    action_groups: Vec<ActionGroup<'a>>,
    /// Every work package in the order it starts.
    roadmap_packages: Vec<&'a WorkPackage>,
    phases: Vec<PhaseSpan>,
    /// The evidence and notes behind the requirements.
    appendix: crate::evidence::Appendix<'a>,
}

/// Filters the template uses beside askama's own.
mod filters {
    use askama::filters::Safe;

    /// A vocabulary term (a status, state or classification) as it is written in the result
    /// JSON. Only `'static` text is accepted, which user text never is: these are the crate's
    /// own words and are written as they are.
    #[askama::filter_fn]
    pub fn term(term: &'static str, _: &dyn askama::Values) -> askama::Result<Safe<&'static str>> {
        Ok(Safe(term))
    }

    /// A date, written as it is: the escaper sees a value's text piece by piece, so it would take
    /// the `-` of `2026-11-29` for a list marker at the start of a piece.
    #[askama::filter_fn]
    pub fn date(
        date: &aimsgap_catalog::Date,
        _: &dyn askama::Values,
    ) -> askama::Result<Safe<aimsgap_catalog::Date>> {
        Ok(Safe(*date))
    }

    /// A vocabulary term as words: `in_force` as `in force`.
    #[askama::filter_fn]
    pub fn spaced(term: &'static str, _: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(term.replace('_', " ")))
    }

    /// Text inside a Markdown code span, through the crate's code-span escaping.
    #[askama::filter_fn]
    pub fn code_span(text: &str, _: &dyn askama::Values) -> askama::Result<Safe<String>> {
        Ok(Safe(crate::escape::markdown_code_span(text)))
    }
}
