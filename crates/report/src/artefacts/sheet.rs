//! The risk register as a spreadsheet (.xlsx): one row per risk, the columns of the draft's
//! register table, with a frozen header and filters, so a risk owner can rate and sort.
//!
//! The rows are read from the register draft as structure (its Markdown table, through
//! pulldown-cmark), so the sheet and the document cannot say different things; a source note
//! that the document keeps as a numbered footnote is written out in full in the sheet's Source
//! column, where a spreadsheet has no footnotes.

use super::Artefact;
use crate::xlsx::XlsxRenderError;
use aimsgap_catalog::Date;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook};

/// The file name of the risk register's spreadsheet.
pub const RISK_REGISTER_XLSX: &str = "ai-risk-register.xlsx";

/// The tables of a draft, each a list of rows of cell texts (the header row first), with each
/// footnote marker replaced by its note.
pub fn tables(markdown: &str) -> Vec<Vec<Vec<String>>> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
    // The notes first: a marker may come before its definition.
    let mut notes: Vec<(String, String)> = Vec::new();
    let mut note: Option<(String, String)> = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::FootnoteDefinition(label)) => {
                note = Some((label.to_string(), String::new()));
            }
            Event::End(TagEnd::FootnoteDefinition) => notes.extend(note.take()),
            Event::Text(text) | Event::Code(text) => {
                if let Some((_, body)) = &mut note {
                    body.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some((_, body)) = &mut note {
                    body.push(' ');
                }
            }
            _ => {}
        }
    }
    let mut tables = Vec::new();
    let mut table: Option<Vec<Vec<String>>> = None;
    let mut row: Vec<String> = Vec::new();
    let mut cell: Option<String> = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Table(_)) => table = Some(Vec::new()),
            Event::End(TagEnd::Table) => tables.extend(table.take()),
            Event::Start(Tag::TableCell) => cell = Some(String::new()),
            Event::End(TagEnd::TableCell) => row.extend(cell.take()),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some(table) = &mut table {
                    table.push(std::mem::take(&mut row));
                }
            }
            Event::Text(text) | Event::Code(text) => {
                if let Some(cell) = &mut cell {
                    cell.push_str(&text);
                }
            }
            Event::FootnoteReference(label) => {
                if let Some(cell) = &mut cell {
                    let text = notes
                        .iter()
                        .find(|(known, _)| known.as_str() == &*label)
                        .map_or_else(|| format!("[{label}]"), |(_, body)| body.clone());
                    if !cell.is_empty() {
                        cell.push(' ');
                    }
                    cell.push_str(&text);
                }
            }
            _ => {}
        }
    }
    tables
}

/// The risk register draft's table as a workbook with one sheet, "Risk register"; the file is
/// dated `as_of`, so the same draft gives the same bytes. A register without rows gives the
/// header alone.
pub fn risk_register_xlsx(register: &Artefact, as_of: Date) -> Result<Vec<u8>, XlsxRenderError> {
    let rows = tables(&register.markdown)
        .into_iter()
        .find(|table| {
            table
                .first()
                .and_then(|header| header.first())
                .is_some_and(|first| first == "Risk")
        })
        .unwrap_or_default();
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(
        u16::try_from(as_of.year()).unwrap_or(1900),
        as_of.month(),
        as_of.day(),
    )?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title(register.title.as_str())
            .set_author("aimsgap")
            .set_creation_datetime(&created),
    );
    let header = Format::new()
        .set_bold()
        .set_background_color("DCE6F1")
        .set_text_wrap()
        .set_align(FormatAlign::Top);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    let sheet = workbook.add_worksheet();
    sheet.set_name("Risk register")?;
    let mut columns = 0u16;
    for (index, cells) in rows.iter().enumerate() {
        let row = u32::try_from(index).unwrap_or(u32::MAX);
        for (col, text) in cells.iter().enumerate() {
            let col = u16::try_from(col).unwrap_or(u16::MAX);
            columns = columns.max(col + 1);
            let format = if index == 0 { &header } else { &wrap };
            sheet.write_string_with_format(row, col, text, format)?;
        }
    }
    for col in 0..columns {
        let width = match col {
            0 => 10.0,
            1 => 24.0,
            _ => 36.0,
        };
        sheet.set_column_width(col, width)?;
    }
    if columns > 0 {
        sheet.set_freeze_panes(1, 0)?;
        let last_row = u32::try_from(rows.len().saturating_sub(1))
            .unwrap_or(u32::MAX)
            .max(1);
        sheet.autofilter(0, 0, last_row, columns - 1)?;
    }
    Ok(workbook.save_to_buffer()?)
}
