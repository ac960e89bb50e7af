//! The Markdown report, for docs-as-code: the same content as the HTML report, in tables.
//!
//! The text lives in `templates/report.md`; askama applies
//! [`escape::Markdown`](crate::escape::Markdown) to every value, so user text cannot open a
//! link, emphasis, HTML or a new table cell. Vocabulary terms (statuses, states,
//! classifications) are the crate's own words and pass through unescaped, as before.

use aimsgap_assess::*;
use aimsgap_catalog::Date;
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
        phases: Phase::ALL
            .iter()
            .filter_map(|phase| {
                let mut tasks = result.roadmap.tasks.iter().filter(|t| t.phase == *phase);
                let first = tasks.next()?;
                let (count, last) = tasks.fold((1, first), |(count, _), task| (count + 1, task));
                Some(PhaseSpan {
                    phase: *phase,
                    tasks: count,
                    from: first.start,
                    to: last.end,
                })
            })
            .collect(),
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
    /// The gaps shown in the table, at most `top`.
    top_gaps: &'a [Gap],
    phases: Vec<PhaseSpan>,
}

/// A roadmap phase in the summary table: from its first task's start to its last task's end,
/// in roadmap order.
struct PhaseSpan {
    phase: Phase,
    tasks: usize,
    from: Date,
    to: Date,
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
