//! Reads the Answers sheet of an exported workbook back: bytes in, the changes to the answers
//! (or every bad cell, located as `Answers!D14`) out.
//!
//! Pure: the caller reads the file or the upload and writes the result; this module only
//! compares the sheet with the answers it is given. Nothing is half-applied: one bad cell or one
//! row whose answer changed since the export (its fingerprint no longer matches) makes the
//! whole import an error.
//!
//! The fingerprint is a short hash of an answer as exported. The writer (`xlsx.rs`) and this
//! reader compute it with [`fingerprint`] over the same normalised form, so a workbook exported
//! and imported without edits yields no changes.

use aimsgap_assess::{AnswerStatus, EvidenceKind};
use aimsgap_catalog::{Date, Kind};
use aimsgap_wire::assessment::{Answer, Evidence, Located};
use calamine::{Data, Reader, Xlsx};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

/// The name of the sheet read back.
pub const SHEET: &str = "Answers";

/// The columns of the Answers sheet, in the order they are written. The reader finds them by
/// their header, so a person may move columns; `Title` and `Evidence rows` are not read.
pub mod column {
    pub const ID: &str = "Id";
    pub const TITLE: &str = "Title";
    pub const STATUS: &str = "Status";
    pub const MATURITY: &str = "Maturity";
    pub const OWNER: &str = "Owner";
    pub const DUE: &str = "Due date";
    pub const EVIDENCE: &str = "Evidence (kind: reference, one per line)";
    pub const JUSTIFICATION: &str = "Justification";
    pub const NOTES: &str = "Notes";
    pub const EVIDENCE_ROWS: &str = "Evidence rows";
    pub const FINGERPRINT: &str = "Fingerprint (do not edit)";
}

/// The columns the reader needs.
const READ: [&str; 8] = [
    column::ID,
    column::STATUS,
    column::MATURITY,
    column::OWNER,
    column::DUE,
    column::EVIDENCE,
    column::JUSTIFICATION,
    column::NOTES,
];

/// One row of the Answers sheet: an assessable requirement or control.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    pub id: String,
    pub title: String,
    /// Whether `not_applicable` is allowed (Annex A controls and their groups only).
    pub excludable: bool,
}

/// The rows of the Answers sheet, in catalog order: every ISO/IEC 42001 requirement and
/// control, and the clauses and objectives that group them, since an answer given on a group
/// stands for its children that have none of their own.
pub fn requirements(catalog: &aimsgap_catalog::Catalog) -> Vec<Requirement> {
    let Some(iso) = catalog.framework(aimsgap_assess::TARGET) else {
        return Vec::new();
    };
    iso.requirements
        .iter()
        .map(|r| Requirement {
            id: r.id.to_string(),
            title: r.title.to_string(),
            excludable: matches!(r.kind, Kind::Control | Kind::Objective | Kind::Category),
        })
        .collect()
}

/// The answer without what does not change its meaning: blank text is absent, hashes are
/// lower case, words are trimmed.
fn normalised(answer: &Answer) -> Answer {
    let text = |value: &Option<String>| {
        value
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    let word = |value: &Located<String>| Located::new(value.value.trim().to_string());
    Answer {
        status: word(&answer.status),
        maturity: answer.maturity.as_ref().map(|m| Located::new(m.value)),
        owner: text(&answer.owner),
        evidence: answer
            .evidence
            .iter()
            .map(|e| Evidence {
                reference: e.reference.trim().to_string(),
                kind: word(&e.kind),
                date: e.date.as_ref().map(word),
                review_by: e.review_by.as_ref().map(word),
                sha256: e
                    .sha256
                    .as_ref()
                    .map(|s| Located::new(s.value.trim().to_ascii_lowercase())),
            })
            .collect(),
        justification: text(&answer.justification),
        notes: text(&answer.notes),
        due: answer.due.as_ref().map(word),
    }
}

/// A short hash of an answer (or of no answer) as it stands: the first 16 hexadecimal digits of
/// the SHA-256 of its normalised JSON.
pub fn fingerprint(answer: Option<&Answer>) -> String {
    let text = match answer {
        Some(answer) => serde_json::to_string(&normalised(answer)).unwrap_or_default(),
        None => "no answer".to_string(),
    };
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// The evidence cell's text: one `kind: reference` per line.
pub fn evidence_text(evidence: &[Evidence]) -> String {
    evidence
        .iter()
        .map(|e| format!("{}: {}", e.kind.value, e.reference))
        .collect::<Vec<_>>()
        .join("\n")
}

/// One change to one field of one answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The requirement or control id.
    pub id: String,
    /// The cell it came from, e.g. `Answers!C5`.
    pub cell: String,
    /// The field: status, maturity, owner, due, evidence, justification or notes.
    pub field: &'static str,
    /// The value before, as text (empty when absent).
    pub old: String,
    /// The value after, as text (empty when absent).
    pub new: String,
}

/// What an import would do: every change, and the new answers of the requirements that change.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Import {
    pub changes: Vec<Change>,
    /// The answers after the import, for the ids that change only.
    pub answers: BTreeMap<String, Answer>,
    /// How many requirement rows were read.
    pub rows: usize,
}

/// What is wrong with a cell, a row or the sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CellError {
    /// Where: `Answers!D14`, `Answers!14` for a whole row, `Answers` for the sheet, or nothing
    /// when the file is not a workbook.
    pub location: String,
    pub message: String,
    /// Whether the row's answer changed since the export (a version conflict).
    pub conflict: bool,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

fn error(location: String, message: String) -> CellError {
    CellError {
        location,
        message,
        conflict: false,
    }
}

/// The Excel name of a 0-based column: A, B, ..., Z, AA, ...
pub fn column_name(index: u32) -> String {
    let mut name = Vec::new();
    let mut n = u64::from(index) + 1;
    while n > 0 {
        let rem = u8::try_from((n - 1) % 26).unwrap_or(0);
        name.push(char::from(b'A' + rem));
        n = (n - 1) / 26;
    }
    name.iter().rev().collect()
}

/// The cell's value as text: numbers without a needless `.0`; dates as `YYYY-MM-DD`.
fn cell_text(value: &Data) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Int(n) => n.to_string(),
        Data::Float(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        Data::Float(x) => x.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(serial) => serial_date(serial.as_f64()).to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A spreadsheet date serial (days since 1899-12-30) as a date.
fn serial_date(serial: f64) -> Date {
    // 25569 is 1970-01-01; the fraction is the time of day.
    let days = serial.floor() as i64 - 25_569;
    Date::from_days(days)
}

fn optional(text: String) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

/// The row's cells, read by column name.
struct Row<'a> {
    range: &'a calamine::Range<Data>,
    columns: &'a BTreeMap<&'static str, u32>,
    /// 0-based absolute row.
    row: u32,
}

impl Row<'_> {
    fn value(&self, name: &str) -> &Data {
        self.columns
            .get(name)
            .and_then(|col| self.range.get_value((self.row, *col)))
            .unwrap_or(&Data::Empty)
    }

    fn text(&self, name: &str) -> String {
        cell_text(self.value(name))
    }

    fn cell(&self, name: &str) -> String {
        let col = self.columns.get(name).copied().unwrap_or(0);
        format!("{SHEET}!{}{}", column_name(col), self.row + 1)
    }
}

/// Reads the Answers sheet of `bytes` against the current answers (with their due dates in
/// `due`) and the requirements the sheet may name.
pub fn read(
    bytes: &[u8],
    requirements: &[Requirement],
    answers: &BTreeMap<String, Answer>,
) -> Result<Import, Vec<CellError>> {
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| {
            vec![error(
                String::new(),
                format!("not an XLSX workbook ({e}): expected a workbook exported by aimsgap"),
            )]
        })?;
    if !workbook.sheet_names().iter().any(|name| name == SHEET) {
        return Err(vec![error(
            SHEET.to_string(),
            format!(
                "the workbook has no `{SHEET}` sheet: expected the workbook aimsgap exports (sheets: {})",
                workbook.sheet_names().join(", ")
            ),
        )]);
    }
    let range = workbook.worksheet_range(SHEET).map_err(|e| {
        vec![error(
            SHEET.to_string(),
            format!("cannot read the sheet: {e}"),
        )]
    })?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let (last_row, last_col) = range.end().unwrap_or((0, 0));
    if first_row != 0 {
        return Err(vec![error(
            format!("{SHEET}!1"),
            "the header row is empty: expected the column names in row 1".to_string(),
        )]);
    }

    // The header: each column the reader needs, once.
    let mut columns: BTreeMap<&'static str, u32> = BTreeMap::new();
    let mut errors = Vec::new();
    let wanted = READ.iter().chain([&column::FINGERPRINT]);
    for col in first_col..=last_col {
        let header = range.get_value((0, col)).map(cell_text).unwrap_or_default();
        let header = header.trim();
        let found = wanted
            .clone()
            .find(|name| name.eq_ignore_ascii_case(header));
        if let Some(name) = found
            && columns.insert(name, col).is_some()
        {
            errors.push(error(
                format!("{SHEET}!{}1", column_name(col)),
                format!("a second `{name}` column: expected each column once"),
            ));
        }
    }
    for name in READ.iter().chain([&column::FINGERPRINT]) {
        if !columns.contains_key(name) {
            errors.push(error(
                format!("{SHEET}!1"),
                format!("no `{name}` column: expected the header row as exported"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let known: BTreeMap<&str, &Requirement> =
        requirements.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    let mut import = Import::default();
    for row in 1..=last_row {
        let row = Row {
            range: &range,
            columns: &columns,
            row,
        };
        let blank = READ
            .iter()
            .chain([&column::FINGERPRINT])
            .all(|name| row.text(name).trim().is_empty());
        if blank {
            continue;
        }
        let id = row.text(column::ID).trim().to_string();
        let Some(requirement) = known.get(id.as_str()) else {
            errors.push(error(
                row.cell(column::ID),
                if id.is_empty() {
                    "no id: expected an ISO/IEC 42001 id, as exported"
                        .to_string()
                } else {
                    format!(
                        "`{id}` is not an ISO/IEC 42001 requirement, control or group: expected the ids as exported"
                    )
                },
            ));
            continue;
        };
        if let Some(first) = seen.insert(id.clone(), row.row + 1) {
            errors.push(error(
                row.cell(column::ID),
                format!("`{id}` appears twice (first in row {first}): expected one row per id"),
            ));
            continue;
        }
        import.rows += 1;
        let current = answers.get(&id);
        let exported = row.text(column::FINGERPRINT).trim().to_string();
        if exported != fingerprint(current) {
            errors.push(CellError {
                location: row.cell(column::FINGERPRINT),
                message: format!(
                    "`{id}` changed since the workbook was exported (version conflict): export the workbook again and redo the edits of this row"
                ),
                conflict: true,
            });
            continue;
        }
        match read_row(&row, requirement, current) {
            Ok(Some((answer, changes))) => {
                import.changes.extend(changes);
                import.answers.insert(id, answer);
            }
            Ok(None) => {}
            Err(mut bad) => errors.append(&mut bad),
        }
    }
    if errors.is_empty() {
        Ok(import)
    } else {
        Err(errors)
    }
}

/// Reads one row: the new answer and its changes, or `None` when nothing changes.
fn read_row(
    row: &Row<'_>,
    requirement: &Requirement,
    current: Option<&Answer>,
) -> Result<Option<(Answer, Vec<Change>)>, Vec<CellError>> {
    let mut errors = Vec::new();
    let id = &requirement.id;

    let status_text = row.text(column::STATUS).trim().to_string();
    let status = if status_text.is_empty() {
        let filled = [
            column::MATURITY,
            column::OWNER,
            column::DUE,
            column::EVIDENCE,
            column::JUSTIFICATION,
            column::NOTES,
        ]
        .iter()
        .any(|name| !row.text(name).trim().is_empty());
        if current.is_some() {
            errors.push(error(
                row.cell(column::STATUS),
                format!(
                    "no status: expected one of {} (an answer cannot be removed from the workbook)",
                    AnswerStatus::expected()
                ),
            ));
        } else if filled {
            errors.push(error(
                row.cell(column::STATUS),
                format!(
                    "no status: expected one of {} when other cells of the row are filled",
                    AnswerStatus::expected()
                ),
            ));
        } else {
            // No answer before, none now.
            return Ok(None);
        }
        None
    } else {
        match AnswerStatus::parse(&status_text) {
            Some(AnswerStatus::NotApplicable) if !requirement.excludable => {
                errors.push(error(
                    row.cell(column::STATUS),
                    format!(
                        "status `not_applicable`: `{id}` is a clause requirement; only Annex A controls can be excluded"
                    ),
                ));
                None
            }
            Some(status) => Some(status),
            None => {
                errors.push(error(
                    row.cell(column::STATUS),
                    format!(
                        "status `{status_text}`: expected one of {}",
                        AnswerStatus::expected()
                    ),
                ));
                None
            }
        }
    };

    let maturity = match row.value(column::MATURITY) {
        Data::Empty => None,
        Data::Int(n) if (0..=5).contains(n) => Some(*n),
        Data::Float(x) if x.fract() == 0.0 && (0.0..=5.0).contains(x) => Some(*x as i64),
        Data::String(text) if text.trim().is_empty() => None,
        Data::String(text)
            if text
                .trim()
                .parse::<i64>()
                .is_ok_and(|n| (0..=5).contains(&n)) =>
        {
            text.trim().parse::<i64>().ok()
        }
        other => {
            errors.push(error(
                row.cell(column::MATURITY),
                format!(
                    "maturity `{}`: expected a whole number 0..5",
                    cell_text(other)
                ),
            ));
            None
        }
    };

    let due = match row.value(column::DUE) {
        Data::Empty => None,
        Data::DateTime(serial) => Some(serial_date(serial.as_f64()).to_string()),
        Data::Float(x) if (1.0..2_958_466.0).contains(x) => Some(serial_date(*x).to_string()),
        other => {
            let text = cell_text(other).trim().to_string();
            // A date-time written as text keeps its date.
            let day = text.get(..10).unwrap_or(&text);
            if text.is_empty() {
                None
            } else if let Ok(date) = Date::parse(day) {
                Some(date.to_string())
            } else {
                errors.push(error(
                    row.cell(column::DUE),
                    format!("due date `{text}`: expected a date (YYYY-MM-DD)"),
                ));
                None
            }
        }
    };

    let mut evidence = Vec::new();
    let before = current.map(|a| a.evidence.as_slice()).unwrap_or_default();
    for (n, line) in row.text(column::EVIDENCE).lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let typed = line.split_once(':').and_then(|(kind, reference)| {
            let kind = EvidenceKind::parse(kind.trim())?;
            Some((kind, reference.trim()))
        });
        let item = match typed {
            Some((kind, reference)) if !reference.is_empty() => {
                let mut item = before
                    .iter()
                    .find(|e| e.reference.trim() == reference)
                    .cloned()
                    .unwrap_or_else(|| Evidence {
                        reference: reference.to_string(),
                        ..Evidence::default()
                    });
                item.kind = Located::new(kind.as_str().to_string());
                Some(item)
            }
            _ => before.iter().find(|e| e.reference.trim() == line).cloned(),
        };
        match item {
            Some(item) => evidence.push(item),
            None => errors.push(error(
                row.cell(column::EVIDENCE),
                format!(
                    "evidence line {} `{line}`: expected `kind: reference` with kind one of {}",
                    n + 1,
                    EvidenceKind::expected()
                ),
            )),
        }
    }

    let owner = optional(row.text(column::OWNER));
    let justification = optional(row.text(column::JUSTIFICATION));
    let notes = optional(row.text(column::NOTES));
    if status == Some(AnswerStatus::NotApplicable) && justification.is_none() {
        errors.push(error(
            row.cell(column::JUSTIFICATION),
            format!("`{id}` is excluded (not_applicable): expected a justification"),
        ));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let Some(status) = status else {
        return Ok(None);
    };

    let old = current.map(normalised).unwrap_or_default();
    let new = normalised(&Answer {
        status: Located::new(status.as_str().to_string()),
        maturity: maturity.map(Located::new),
        owner,
        evidence,
        justification,
        notes,
        due: due.map(Located::new),
    });
    let number = |m: &Answer| m.maturity.as_ref().map(|m| m.value.to_string());
    let due = |a: &Answer| a.due.as_ref().map(|d| d.value.clone());
    let lines = |a: &Answer| Some(evidence_text(&a.evidence).replace('\n', "; "));
    let fields: [(&'static str, &str, Option<String>, Option<String>); 7] = [
        (
            "status",
            column::STATUS,
            current.map(|_| old.status.value.clone()),
            Some(new.status.value.clone()),
        ),
        ("maturity", column::MATURITY, number(&old), number(&new)),
        ("owner", column::OWNER, old.owner.clone(), new.owner.clone()),
        ("due", column::DUE, due(&old), due(&new)),
        ("evidence", column::EVIDENCE, lines(&old), lines(&new)),
        (
            "justification",
            column::JUSTIFICATION,
            old.justification.clone(),
            new.justification.clone(),
        ),
        ("notes", column::NOTES, old.notes.clone(), new.notes.clone()),
    ];
    let changes: Vec<Change> = fields
        .into_iter()
        .filter(|(field, _, before, after)| {
            if *field == "evidence" {
                old.evidence != new.evidence
            } else {
                before.as_deref().unwrap_or_default() != after.as_deref().unwrap_or_default()
            }
        })
        .map(|(field, column, before, after)| Change {
            id: id.clone(),
            cell: row.cell(column),
            field,
            old: before.unwrap_or_default(),
            new: after.unwrap_or_default(),
        })
        .collect();
    if changes.is_empty() {
        return Ok(None);
    }
    Ok(Some((new, changes)))
}

/// Applies an import's answers to a set of answers (all or nothing: the import was checked
/// whole).
pub fn apply(answers: &mut BTreeMap<String, Answer>, import: &Import) {
    for (id, answer) in &import.answers {
        answers.insert(id.clone(), answer.clone());
    }
}
