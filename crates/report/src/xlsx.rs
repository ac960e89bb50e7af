//! The XLSX workbook auditors work in: Summary, Requirements, Gaps, Work packages, SoA,
//! Obligations, Roadmap, Crosswalk credit, Evidence and, when the answers are given, Answers,
//! each with a frozen header row, filters and sensible widths. Dates are real spreadsheet
//! dates; the file's own timestamp is the as-of date, so output is deterministic.
//!
//! The Answers sheet is the one a person edits and imports back (`workbook.rs` reads it): it
//! shows the stored answers, not the engine's statuses (one row per ISO/IEC 42001 id, groups
//! included, as an answer on a group stands for its children), with a fingerprint per row so
//! that an import can tell a requirement that changed since the export.

use crate::workbook::{self, column};
use aimsgap_assess::*;
use aimsgap_catalog::Date;
use aimsgap_wire::assessment::Answer;
use rust_xlsxwriter::{
    DataValidation, DocProperties, ExcelDateTime, Format, FormatAlign, Url, Workbook, Worksheet,
    XlsxError,
};
use std::collections::BTreeMap;

/// Why a workbook could not be produced.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the XLSX workbook: {0}")]
pub struct XlsxRenderError(#[from] XlsxError);

struct Styles {
    header: Format,
    wrap: Format,
    date: Format,
    number: Format,
    fixed: Format,
}

/// A cell value.
enum Cell {
    Text(String),
    Number(f64),
    Date(Date),
    Bool(bool),
    /// A link to a cell of this workbook (`Evidence!A5`) with its text.
    Link(String, String),
    /// Text a person must not edit, shaded.
    Fixed(String),
    Empty,
}

fn excel_date(date: Date) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(date.year()).unwrap_or(1900),
        date.month(),
        date.day(),
    )
}

/// Writes a table: header, rows, widths, frozen header and an autofilter over the data.
fn table(
    sheet: &mut Worksheet,
    styles: &Styles,
    header: &[(&str, f64)],
    rows: &[Vec<Cell>],
) -> Result<(), XlsxError> {
    for (col, (name, width)) in header.iter().enumerate() {
        let col = u16::try_from(col).unwrap_or(u16::MAX);
        sheet.write_string_with_format(0, col, *name, &styles.header)?;
        sheet.set_column_width(col, *width)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
        for (col, cell) in row.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            match cell {
                Cell::Text(text) => {
                    sheet.write_string_with_format(r, col, text, &styles.wrap)?;
                }
                Cell::Number(value) => {
                    sheet.write_number_with_format(r, col, *value, &styles.number)?;
                }
                Cell::Date(date) => {
                    sheet.write_datetime_with_format(r, col, excel_date(*date)?, &styles.date)?;
                }
                Cell::Bool(value) => {
                    sheet.write_boolean(r, col, *value)?;
                }
                Cell::Link(target, label) => {
                    sheet.write_url_with_text(
                        r,
                        col,
                        Url::new(format!("internal:{target}")),
                        label,
                    )?;
                }
                Cell::Fixed(text) => {
                    sheet.write_string_with_format(r, col, text, &styles.fixed)?;
                }
                Cell::Empty => {}
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX).max(1);
    let last_col = u16::try_from(header.len().saturating_sub(1)).unwrap_or(0);
    sheet.autofilter(0, 0, last_row, last_col)?;
    Ok(())
}

fn text(value: &str) -> Cell {
    Cell::Text(value.to_string())
}

fn opt(value: Option<&str>) -> Cell {
    value.map_or(Cell::Empty, text)
}

/// What the Answers sheet shows: its rows (the ISO/IEC 42001 ids in catalog order) and the
/// stored answers by id, each with its due date.
#[derive(Debug)]
pub struct AnswersSheet<'a> {
    pub requirements: &'a [workbook::Requirement],
    pub answers: &'a BTreeMap<String, Answer>,
}

/// Renders the workbook to bytes, without the Answers sheet.
pub fn render(result: &AssessmentResult) -> Result<Vec<u8>, XlsxRenderError> {
    render_workbook(result, None)
}

/// The answers of an assessment as the Answers sheet shows them (through the file format, so
/// that the fingerprints match the ones an import computes from the file).
pub fn answers_of(assessment: &Assessment) -> BTreeMap<String, Answer> {
    aimsgap_assess::to_document(assessment)
        .answers
        .into_iter()
        .map(|(id, answer)| (id, answer.value))
        .collect()
}

/// Renders the workbook to bytes, with the Answers sheet when `answers` is given.
pub fn render_workbook(
    result: &AssessmentResult,
    answers: Option<&AnswersSheet<'_>>,
) -> Result<Vec<u8>, XlsxRenderError> {
    let mut workbook = Workbook::new();
    let created = excel_date(result.as_of)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(format!("ISO/IEC 42001 readiness: {}", result.organization))
            .set_author("aimsgap")
            .set_creation_datetime(&created),
    );
    let styles = Styles {
        header: Format::new()
            .set_bold()
            .set_background_color("DCE6F1")
            .set_text_wrap()
            .set_align(FormatAlign::Top),
        wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
        date: Format::new()
            .set_num_format("yyyy-mm-dd")
            .set_align(FormatAlign::Top),
        number: Format::new()
            .set_num_format("0.0##")
            .set_align(FormatAlign::Top),
        fixed: Format::new()
            .set_background_color("EEEEEE")
            .set_font_color("666666")
            .set_align(FormatAlign::Top),
    };

    // The Evidence sheet's rows, and where each requirement's first one stands.
    let mut evidence_rows: Vec<Vec<Cell>> = Vec::new();
    let mut evidence_at: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for q in &result.requirements {
        if !q.evidence.is_empty() {
            // Row 1 is the header.
            evidence_at.insert(&q.id, (evidence_rows.len() + 2, q.evidence.len()));
        }
        for e in &q.evidence {
            evidence_rows.push(vec![
                text(&q.id),
                text(&e.reference),
                text(e.kind.as_str()),
                e.date.map_or(Cell::Empty, Cell::Date),
                e.review_by.map_or(Cell::Empty, Cell::Date),
                text(e.freshness.as_str()),
                Cell::Number(e.weight),
                opt(e.sha256.as_deref()),
            ]);
        }
    }
    let evidence_link = |id: &str| {
        evidence_at.get(id).map_or(Cell::Empty, |(row, count)| {
            let label = if *count == 1 {
                "1 item".to_string()
            } else {
                format!("{count} items")
            };
            Cell::Link(format!("'{EVIDENCE_SHEET}'!A{row}"), label)
        })
    };

    let r = &result.readiness;
    let mut summary: Vec<Vec<Cell>> = vec![
        vec![text("Organisation"), text(&result.organization)],
        vec![text("As of"), Cell::Date(result.as_of)],
        vec![text("Readiness"), Cell::Number(r.point)],
        vec![text("Readiness (low)"), Cell::Number(r.lo)],
        vec![text("Readiness (high)"), Cell::Number(r.hi)],
        vec![text("Requirements met"), Cell::Number(r.met as f64)],
        vec![text("Requirements counted"), Cell::Number(r.counted as f64)],
        vec![
            text("Ready for Stage 1"),
            Cell::Bool(result.verdict.ready_for_stage1),
        ],
        vec![
            text("Verdict reasons"),
            text(&result.verdict.reasons.join("\n")),
        ],
        vec![text("Open gaps"), Cell::Number(result.gaps.len() as f64)],
        vec![
            text("Open certification blockers"),
            Cell::Number(result.gaps.iter().filter(|g| g.blocker).count() as f64),
        ],
        vec![
            text("Stage 1 audit (plan)"),
            Cell::Date(result.roadmap.stage1_date),
        ],
        vec![
            text("Stage 2 audit (plan)"),
            Cell::Date(result.roadmap.stage2_date),
        ],
        vec![
            text("Roadmap effort (person-days)"),
            Cell::Number(result.roadmap.total_effort_days),
        ],
    ];
    for b in &result.baseline {
        summary.push(vec![
            text(&format!("Baseline {}", b.framework)),
            Cell::Number(b.point),
            text(&b.derivation.join("\n")),
        ]);
    }
    for g in &result.groups {
        summary.push(vec![
            text(&format!("Readiness {} {}", g.id, g.title)),
            Cell::Number(g.point),
            text(&format!(
                "{:.1} to {:.1}; {}/{} met",
                g.lo, g.hi, g.met, g.counted
            )),
        ]);
    }
    let sheet = workbook.add_worksheet().set_name("Summary")?;
    table(
        sheet,
        &styles,
        &[("Item", 34.0), ("Value", 28.0), ("Detail", 90.0)],
        &summary,
    )?;

    let rows: Vec<Vec<Cell>> = result
        .requirements
        .iter()
        .map(|q| {
            let sources: Vec<String> = q
                .sources
                .iter()
                .map(|s| match s {
                    Source::Answer { from, status, .. } => format!("answer {from}: {status}"),
                    Source::Inherited {
                        framework, edges, ..
                    } => format!("inherited from {framework} ({} edges)", edges.len()),
                })
                .collect();
            vec![
                text(&q.id),
                text(&q.title),
                text(&q.group),
                text(q.status.as_str()),
                Cell::Number(q.credit.lo),
                Cell::Number(q.credit.point),
                Cell::Number(q.credit.hi),
                opt(q.owner.as_deref()),
                text(&sources.join("\n")),
                text(&q.notes.join("\n")),
                evidence_link(&q.id),
            ]
        })
        .collect();
    let sheet = workbook.add_worksheet().set_name("Requirements")?;
    table(
        sheet,
        &styles,
        &[
            ("Id", 10.0),
            ("Title", 50.0),
            ("Group", 8.0),
            ("Status", 12.0),
            ("Credit low", 10.0),
            ("Credit", 10.0),
            ("Credit high", 10.0),
            ("Owner", 18.0),
            ("Sources", 40.0),
            ("Notes", 50.0),
            ("Evidence rows", 12.0),
        ],
        &rows,
    )?;

    let rows: Vec<Vec<Cell>> = result
        .gaps
        .iter()
        .map(|g| {
            let f = &g.factors;
            vec![
                Cell::Number(g.rank as f64),
                text(&g.id),
                text(&g.title),
                Cell::Number(g.priority),
                Cell::Bool(g.blocker),
                text(g.status.as_str()),
                Cell::Number(f.blocker),
                Cell::Number(f.regulatory),
                Cell::Number(f.system_risk),
                Cell::Number(f.size),
                Cell::Number(f.ease),
                Cell::Number(f.unblocks),
                Cell::Number(f.effort_days),
                text(&f.obligations.join("\n")),
                text(&g.next_action),
                text(&g.package),
            ]
        })
        .collect();
    let sheet = workbook.add_worksheet().set_name("Gaps")?;
    table(
        sheet,
        &styles,
        &[
            ("Rank", 7.0),
            ("Id", 10.0),
            ("Title", 45.0),
            ("Priority", 9.0),
            ("Blocker", 9.0),
            ("Status", 11.0),
            ("Blocker factor", 9.0),
            ("Regulatory", 10.0),
            ("System risk", 10.0),
            ("Size", 8.0),
            ("Ease", 8.0),
            ("Unblocks", 9.0),
            ("Effort (days)", 10.0),
            ("Obligations", 30.0),
            ("Next action", 60.0),
            ("Work package", 12.0),
        ],
        &rows,
    )?;

    let rows: Vec<Vec<Cell>> = result
        .work_packages
        .iter()
        .map(|p| {
            vec![
                Cell::Number(p.rank as f64),
                text(&p.id),
                text(&p.title),
                Cell::Number(p.priority),
                Cell::Bool(p.blocker),
                text(p.status.as_str()),
                Cell::Number(p.effort_days),
                Cell::Date(p.start),
                Cell::Date(p.end),
                text(&p.requirements.join(" ")),
                text(&p.next_action),
            ]
        })
        .collect();
    let sheet = workbook.add_worksheet().set_name("Work packages")?;
    table(
        sheet,
        &styles,
        &[
            ("Rank", 7.0),
            ("Id", 10.0),
            ("Title", 45.0),
            ("Priority", 9.0),
            ("Blocker", 9.0),
            ("Status", 11.0),
            ("Effort (days)", 10.0),
            ("Start", 12.0),
            ("End", 12.0),
            ("Requirements", 30.0),
            ("Next action", 60.0),
        ],
        &rows,
    )?;

    let rows: Vec<Vec<Cell>> = result
        .soa
        .iter()
        .map(|s| {
            let evidence: Vec<String> = s
                .evidence
                .iter()
                .map(|(reference, kind, _)| format!("{reference} ({kind})"))
                .collect();
            let evidence_date = s.evidence.iter().filter_map(|(_, _, d)| *d).max();
            vec![
                text(&s.control),
                text(&s.title),
                text(if s.included { "yes" } else { "no" }),
                text(&s.justification),
                text(s.status.as_str()),
                opt(s.owner.as_deref()),
                text(&evidence.join("\n")),
                evidence_date.map_or(Cell::Empty, Cell::Date),
                s.last_review.map_or(Cell::Empty, Cell::Date),
            ]
        })
        .collect();
    let sheet = workbook.add_worksheet().set_name("SoA")?;
    table(
        sheet,
        &styles,
        &[
            ("Control", 10.0),
            ("Title", 45.0),
            ("Included", 9.0),
            ("Justification for inclusion or exclusion", 60.0),
            ("Status", 11.0),
            ("Owner", 18.0),
            ("Evidence", 40.0),
            ("Evidence date", 12.0),
            ("Last review", 12.0),
        ],
        &rows,
    )?;

    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for o in &result.obligations {
        if o.items.is_empty() {
            rows.push(vec![
                text(&o.system),
                text(&o.system_name),
                text(&o.law),
                text(&o.version),
                text(o.classification.as_str()),
                Cell::Empty,
                Cell::Empty,
                text(&o.reasons.join("\n")),
            ]);
        }
        for item in &o.items {
            let support: Vec<String> = item
                .supported_by
                .iter()
                .map(|(id, s)| format!("{id} {s}"))
                .collect();
            rows.push(vec![
                text(&o.system),
                text(&o.system_name),
                text(&o.law),
                text(&o.version),
                text(o.classification.as_str()),
                text(&item.reference),
                text(&item.id),
                text(&item.title),
                Cell::Date(item.applies_from),
                text(item.state.as_str()),
                Cell::Number(item.days_until as f64),
                text(&support.join("\n")),
                opt(item.unverified.as_deref()),
            ]);
        }
    }
    let sheet = workbook.add_worksheet().set_name("Obligations")?;
    table(
        sheet,
        &styles,
        &[
            ("System", 16.0),
            ("System name", 24.0),
            ("Law", 12.0),
            ("Version", 14.0),
            ("Classification", 16.0),
            ("Reference", 14.0),
            ("Obligation", 16.0),
            ("Title", 45.0),
            ("Applies from", 12.0),
            ("State", 11.0),
            ("Days until", 10.0),
            ("Supported by", 28.0),
            ("Unverified", 40.0),
        ],
        &rows,
    )?;

    let rows: Vec<Vec<Cell>> = result
        .roadmap
        .tasks
        .iter()
        .map(|t| {
            vec![
                text(&t.id),
                text(&t.requirement),
                text(t.phase.as_str()),
                Cell::Number(t.effort_days),
                Cell::Date(t.start),
                Cell::Date(t.end),
                text(&t.depends_on.join(" ")),
                text(&t.title),
                text(&t.package),
            ]
        })
        .collect();
    let sheet = workbook.add_worksheet().set_name("Roadmap")?;
    table(
        sheet,
        &styles,
        &[
            ("Task", 8.0),
            ("Requirement", 12.0),
            ("Phase", 24.0),
            ("Effort (days)", 11.0),
            ("Start", 12.0),
            ("End", 12.0),
            ("Depends on", 18.0),
            ("Action", 70.0),
            ("Work package", 12.0),
        ],
        &rows,
    )?;

    let mut rows: Vec<Vec<Cell>> = Vec::new();
    for q in &result.requirements {
        for source in &q.sources {
            if let Source::Inherited {
                framework,
                scope_covers_ai,
                certification_factor,
                edges,
            } = source
            {
                for edge in edges {
                    rows.push(vec![
                        text(&q.id),
                        text(framework),
                        text(&edge.source),
                        text(edge.rel.as_str()),
                        Cell::Number(f64::from(edge.strength)),
                        Cell::Number(edge.source_factor),
                        Cell::Number(*certification_factor),
                        Cell::Bool(*scope_covers_ai),
                        Cell::Number(edge.credit),
                        Cell::Number(q.credit.hi),
                    ]);
                }
            }
        }
    }
    let sheet = workbook.add_worksheet().set_name("Crosswalk credit")?;
    table(
        sheet,
        &styles,
        &[
            ("Requirement", 12.0),
            ("Framework", 12.0),
            ("Source", 12.0),
            ("Relationship", 16.0),
            ("Strength", 9.0),
            ("Source factor", 11.0),
            ("Certification factor", 12.0),
            ("Scope covers AI", 11.0),
            ("Edge credit", 10.0),
            ("Requirement credit (high)", 14.0),
        ],
        &rows,
    )?;

    if let Some(sheet) = answers {
        answers_sheet(&mut workbook, &styles, sheet, &evidence_link)?;
    }

    let sheet = workbook.add_worksheet().set_name(EVIDENCE_SHEET)?;
    table(
        sheet,
        &styles,
        &[
            ("Requirement", 12.0),
            ("Reference", 45.0),
            ("Kind", 18.0),
            ("Effective date", 12.0),
            ("Review by", 12.0),
            ("Freshness", 14.0),
            ("Weight", 9.0),
            ("SHA-256", 30.0),
        ],
        &evidence_rows,
    )?;

    Ok(workbook.save_to_buffer()?)
}

const EVIDENCE_SHEET: &str = "Evidence";

/// The sheet a person edits: one row per assessable requirement and control with its stored
/// answer, lists of the allowed words, and the fingerprint of the answer as exported.
fn answers_sheet(
    workbook: &mut Workbook,
    styles: &Styles,
    input: &AnswersSheet<'_>,
    evidence_link: &dyn Fn(&str) -> Cell,
) -> Result<(), XlsxError> {
    let rows: Vec<Vec<Cell>> = input
        .requirements
        .iter()
        .map(|requirement| {
            let answer = input.answers.get(&requirement.id);
            let due = answer
                .and_then(|a| a.due.as_ref())
                .map(|d| match Date::parse(d.value.trim()) {
                    Ok(date) => Cell::Date(date),
                    Err(_) => text(&d.value),
                })
                .unwrap_or(Cell::Empty);
            vec![
                text(&requirement.id),
                text(&requirement.title),
                answer.map_or(Cell::Empty, |a| text(a.status.value.trim())),
                answer
                    .and_then(|a| a.maturity.as_ref())
                    .map_or(Cell::Empty, |m| Cell::Number(m.value as f64)),
                opt(answer.and_then(|a| a.owner.as_deref())),
                due,
                answer.map_or(Cell::Empty, |a| text(&workbook::evidence_text(&a.evidence))),
                opt(answer.and_then(|a| a.justification.as_deref())),
                opt(answer.and_then(|a| a.notes.as_deref())),
                evidence_link(&requirement.id),
                Cell::Fixed(workbook::fingerprint(answer)),
            ]
        })
        .collect();
    let sheet = workbook.add_worksheet().set_name(workbook::SHEET)?;
    table(
        sheet,
        styles,
        &[
            (column::ID, 10.0),
            (column::TITLE, 45.0),
            (column::STATUS, 16.0),
            (column::MATURITY, 9.0),
            (column::OWNER, 18.0),
            (column::DUE, 12.0),
            (column::EVIDENCE, 40.0),
            (column::JUSTIFICATION, 30.0),
            (column::NOTES, 40.0),
            (column::EVIDENCE_ROWS, 12.0),
            (column::FINGERPRINT, 18.0),
        ],
        &rows,
    )?;
    let last = u32::try_from(rows.len()).unwrap_or(u32::MAX).max(1);
    let statuses: Vec<&str> = AnswerStatus::ALL.iter().map(|s| s.as_str()).collect();
    let status = DataValidation::new()
        .allow_list_strings(&statuses)?
        .set_error_message(format!("Expected one of {}", AnswerStatus::expected()))?;
    sheet.add_data_validation(1, 2, last, 2, &status)?;
    let maturity = DataValidation::new()
        .allow_list_strings(&["0", "1", "2", "3", "4", "5"])?
        .set_error_message("Expected a whole number 0..5")?;
    sheet.add_data_validation(1, 3, last, 3, &maturity)?;
    Ok(())
}
