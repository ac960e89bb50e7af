//! The workbook round trip: the Answers sheet exported, edited (rewritten cell by cell, as a
//! spreadsheet program saves it) and read back.

use super::{EXAMPLES, catalog};
use aimsgap_catalog::Date;
use aimsgap_report::workbook::{self, CellError, column};
use aimsgap_report::xlsx::{AnswersSheet, answers_of, render_workbook};
use aimsgap_wire::assessment::Answer;
use calamine::{Data, Reader, Xlsx};
use std::collections::BTreeMap;

const AS_OF: &str = "2026-11-29";

/// The answers of an assessment file as the importer sees them: the file's own answers.
fn file_answers(text: &str) -> BTreeMap<String, Answer> {
    let document = aimsgap_assess::read_document("t.yaml", text).unwrap();
    let (document, _) = aimsgap_assess::upgrade(&document, catalog());
    document
        .into_owned()
        .answers
        .into_iter()
        .map(|(id, answer)| (id, answer.value))
        .collect()
}

/// The workbook exported from an assessment file, with its Answers sheet.
fn export(text: &str) -> Vec<u8> {
    let assessment =
        aimsgap_assess::parse_assessment("t.yaml", text, catalog(), Date::parse(AS_OF).unwrap())
            .unwrap();
    let result = aimsgap_assess::assess(catalog(), &assessment).unwrap();
    let requirements = workbook::requirements(catalog());
    let answers = answers_of(&assessment);
    render_workbook(
        &result,
        Some(&AnswersSheet {
            requirements: &requirements,
            answers: &answers,
        }),
    )
    .unwrap()
}

fn import(
    bytes: &[u8],
    answers: &BTreeMap<String, Answer>,
) -> Result<workbook::Import, Vec<CellError>> {
    workbook::read(bytes, &workbook::requirements(catalog()), answers)
}

/// The Answers sheet's cells as a grid of rows.
fn cells(bytes: &[u8]) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range(workbook::SHEET).unwrap();
    range.rows().map(<[Data]>::to_vec).collect()
}

/// A workbook with one sheet of these cells (rewritten by a program other than the exporter:
/// dates stay dates, text stays text).
fn sheet(name: &str, grid: &[Vec<Data>]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    let sheet = book.add_worksheet().set_name(name).unwrap();
    for (r, row) in grid.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            match value {
                Data::String(text) => {
                    sheet.write_string(r, c, text).unwrap();
                }
                Data::Float(x) => {
                    sheet.write_number(r, c, *x).unwrap();
                }
                Data::Int(n) => {
                    sheet.write_number(r, c, *n as f64).unwrap();
                }
                Data::DateTime(d) => {
                    sheet
                        .write_number_with_format(r, c, d.as_f64(), &date)
                        .unwrap();
                }
                Data::Empty => {}
                other => panic!("unexpected cell {other:?}"),
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// The grid with these cells set: (id of the row, column header, value).
fn edited(grid: &[Vec<Data>], edits: &[(&str, &str, Data)]) -> Vec<Vec<Data>> {
    let mut grid = grid.to_vec();
    let header: Vec<String> = grid[0].iter().map(|d| d.to_string()).collect();
    for (id, name, value) in edits {
        let col = header.iter().position(|h| h == name).unwrap();
        let row = grid
            .iter_mut()
            .find(|row| row[0] == Data::String((*id).to_string()))
            .unwrap();
        row[col] = value.clone();
    }
    grid
}

/// The 1-based row of an id in the exported sheet.
fn row_of(grid: &[Vec<Data>], id: &str) -> usize {
    grid.iter()
        .position(|row| row[0] == Data::String(id.to_string()))
        .unwrap()
        + 1
}

fn bank() -> &'static str {
    EXAMPLES[0].1
}

#[test]
fn export_then_import_without_edits_changes_nothing_for_every_example() {
    for (name, text) in EXAMPLES {
        let bytes = export(text);
        let answers = file_answers(text);
        let first = import(&bytes, &answers).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(first.changes, Vec::new(), "{name}");
        assert_eq!(
            first.rows,
            workbook::requirements(catalog()).len(),
            "{name}"
        );
        // Saved again by another program, cell by cell: still nothing changes.
        let resaved = sheet(workbook::SHEET, &cells(&bytes));
        let again = import(&resaved, &answers).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(again.changes, Vec::new(), "{name}");
    }
}

#[test]
fn the_answers_sheet_shows_the_stored_answers_with_their_fingerprints() {
    let bytes = export(bank());
    let answers = file_answers(bank());
    let grid = cells(&bytes);
    let header: Vec<String> = grid[0].iter().map(|d| d.to_string()).collect();
    assert_eq!(
        header,
        [
            column::ID,
            column::TITLE,
            column::STATUS,
            column::MATURITY,
            column::OWNER,
            column::DUE,
            column::EVIDENCE,
            column::JUSTIFICATION,
            column::NOTES,
            column::EVIDENCE_ROWS,
            column::FINGERPRINT
        ]
    );
    let answered = answers
        .iter()
        .find(|(_, a)| !a.evidence.is_empty())
        .unwrap();
    let row = &grid[row_of(&grid, answered.0) - 1];
    assert_eq!(row[2], Data::String(answered.1.status.value.clone()));
    assert_eq!(
        row[6],
        Data::String(workbook::evidence_text(&answered.1.evidence))
    );
    assert_eq!(
        row[10],
        Data::String(workbook::fingerprint(Some(answered.1)))
    );
}

#[test]
fn five_edited_cells_are_the_changes_and_the_new_answers() {
    let bytes = export(bank());
    let answers = file_answers(bank());
    let grid = cells(&bytes);
    let (id, answer) = answers
        .iter()
        .find(|(id, a)| {
            a.status.value != "implemented"
                && grid.iter().any(|r| r[0] == Data::String(id.to_string()))
        })
        .unwrap();
    let due = Date::parse("2027-03-31").unwrap();
    let grid = edited(
        &grid,
        &[
            (id, column::STATUS, Data::String("implemented".into())),
            (id, column::MATURITY, Data::Float(4.0)),
            (id, column::OWNER, Data::String("Chief Risk Officer".into())),
            (
                id,
                column::DUE,
                Data::Float((due.to_days() + 25_569) as f64),
            ),
            (
                id,
                column::NOTES,
                Data::String("Signed off in the board meeting".into()),
            ),
        ],
    );
    let import = import(&sheet(workbook::SHEET, &grid), &answers).unwrap();
    let fields: Vec<(&str, &str)> = import
        .changes
        .iter()
        .map(|c| (c.field, c.new.as_str()))
        .collect();
    let mut expected = vec![("status", "implemented")];
    if answer.maturity.as_ref().map(|m| m.value) != Some(4) {
        expected.push(("maturity", "4"));
    }
    expected.extend([
        ("owner", "Chief Risk Officer"),
        ("due", "2027-03-31"),
        ("notes", "Signed off in the board meeting"),
    ]);
    assert_eq!(fields, expected);
    assert!(import.changes.iter().all(|c| &c.id == id));
    let new = &import.answers[id.as_str()];
    assert_eq!(new.status.value, "implemented");
    assert_eq!(new.owner.as_deref(), Some("Chief Risk Officer"));
    assert_eq!(new.due.as_ref().unwrap().value, "2027-03-31");
    // Evidence the sheet leaves alone keeps its dates and hashes.
    assert_eq!(new.evidence, answer.evidence);
    assert_eq!(import.answers.len(), 1);
}

#[test]
fn a_bad_cell_is_named_by_sheet_row_and_column_and_nothing_is_imported() {
    let bytes = export(bank());
    let answers = file_answers(bank());
    let grid = cells(&bytes);
    let row = row_of(&grid, "5.2");
    let grid = edited(
        &grid,
        &[
            ("5.2", column::STATUS, Data::String("implementd".into())),
            ("5.3", column::OWNER, Data::String("Someone new".into())),
        ],
    );
    let errors = import(&sheet(workbook::SHEET, &grid), &answers).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(
        errors[0].to_string(),
        format!(
            "Answers!C{row}: status `implementd`: expected one of implemented, partial, planned, not_implemented, not_applicable"
        )
    );
    assert!(!errors[0].conflict);
}

#[test]
fn bad_maturity_due_date_evidence_and_exclusion_are_each_located() {
    let bytes = export(bank());
    let answers = file_answers(bank());
    let grid = cells(&bytes);
    let grid = edited(
        &grid,
        &[
            ("5.2", column::MATURITY, Data::Float(7.0)),
            ("5.2", column::DUE, Data::String("next spring".into())),
            (
                "5.2",
                column::EVIDENCE,
                Data::String("a policy without a kind".into()),
            ),
            ("5.3", column::STATUS, Data::String("not_applicable".into())),
            (
                "A.2.2",
                column::STATUS,
                Data::String("not_applicable".into()),
            ),
            ("A.2.2", column::JUSTIFICATION, Data::Empty),
        ],
    );
    let errors = import(&sheet(workbook::SHEET, &grid), &answers).unwrap_err();
    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let row = |id| row_of(&cells(&bytes), id);
    let expected = [
        format!(
            "Answers!D{}: maturity `7`: expected a whole number 0..5",
            row("5.2")
        ),
        format!(
            "Answers!F{}: due date `next spring`: expected a date (YYYY-MM-DD)",
            row("5.2")
        ),
        format!(
            "Answers!G{}: evidence line 1 `a policy without a kind`: expected `kind: reference` with kind one of template, draft, approved_document, operating_record, audit_report",
            row("5.2")
        ),
        format!(
            "Answers!C{}: status `not_applicable`: `5.3` is a clause requirement; only Annex A controls can be excluded",
            row("5.3")
        ),
        format!(
            "Answers!H{}: `A.2.2` is excluded (not_applicable): expected a justification",
            row("A.2.2")
        ),
    ];
    for line in &expected {
        assert!(text.contains(line), "missing {line}\nin {text:#?}");
    }
    assert_eq!(text.len(), expected.len(), "{text:#?}");
}

#[test]
fn a_row_whose_answer_changed_since_the_export_is_a_version_conflict() {
    let bytes = export(bank());
    let mut answers = file_answers(bank());
    let (id, answer) = answers.iter_mut().next().unwrap();
    let id = id.clone();
    answer.notes = Some("edited by a colleague after the export".into());
    let grid = cells(&bytes);
    let row = row_of(&grid, &id);
    // Even a row the person did not edit: its answer is not the one exported.
    let errors = import(&bytes, &answers).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors[0].conflict);
    assert_eq!(errors[0].location, format!("Answers!K{row}"));
    assert!(
        errors[0].message.contains("version conflict"),
        "{}",
        errors[0]
    );
}

#[test]
fn unknown_ids_duplicate_rows_a_missing_sheet_or_header_are_located_errors() {
    let bytes = export(bank());
    let answers = file_answers(bank());
    let grid = cells(&bytes);

    let mut unknown = grid.clone();
    unknown[1][0] = Data::String("9.9.9".into());
    let errors = import(&sheet(workbook::SHEET, &unknown), &answers).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "Answers!A2: `9.9.9` is not an ISO/IEC 42001 requirement, control or group: expected the ids as exported"
    );

    let mut twice = grid.clone();
    twice.push(grid[3].clone());
    let last = twice.len();
    let errors = import(&sheet(workbook::SHEET, &twice), &answers).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].location, format!("Answers!A{last}"));
    assert!(errors[0].message.contains("appears twice (first in row 4)"));

    let errors = import(&sheet("Sheet1", &grid), &answers).unwrap_err();
    assert_eq!(errors[0].location, "Answers");
    assert!(errors[0].message.contains("no `Answers` sheet"));

    let mut headless = grid.clone();
    headless[0][3] = Data::String("Ripeness".into());
    let errors = import(&sheet(workbook::SHEET, &headless), &answers).unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "Answers!1: no `Maturity` column: expected the header row as exported"
    );

    let errors = import(b"not a workbook", &answers).unwrap_err();
    assert!(errors[0].to_string().starts_with("not an XLSX workbook"));
}

#[test]
fn evidence_lines_keep_their_dates_and_new_ones_need_a_kind() {
    let bytes = export(bank());
    let answers = file_answers(bank());
    let (id, answer) = answers
        .iter()
        .find(|(_, a)| !a.evidence.is_empty())
        .unwrap();
    let grid = cells(&bytes);
    let mut text = workbook::evidence_text(&answer.evidence);
    text.push_str("\naudit_report: Internal audit 2026");
    let grid = edited(&grid, &[(id, column::EVIDENCE, Data::String(text))]);
    let import = import(&sheet(workbook::SHEET, &grid), &answers).unwrap();
    let new = &import.answers[id.as_str()];
    assert_eq!(&new.evidence[..answer.evidence.len()], &answer.evidence[..]);
    let added = new.evidence.last().unwrap();
    assert_eq!(added.reference, "Internal audit 2026");
    assert_eq!(added.kind.value, "audit_report");
    assert_eq!(import.changes.len(), 1);
    assert_eq!(import.changes[0].field, "evidence");
}
