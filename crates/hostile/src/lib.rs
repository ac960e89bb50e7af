//! The hostile-input harness: one plain function per reader of untrusted text, each calling the
//! real reader on arbitrary bytes and asserting what must hold whatever the bytes are.
//!
//! The same functions serve the fuzz targets (`fuzz/`, built with cargo-fuzz on nightly) and
//! the replay tests of this crate, which run every file of the hand-written corpus
//! (`tests/hostile/<kind>/`) and of the corpus the fuzzers grew (`fuzz/corpus/<target>/`) on
//! stable with an ordinary `cargo test`. A broken invariant is a panic with a message saying
//! which one: that is how libFuzzer recognises a finding, and how the replay test names it.
//!
//! The invariants, for every reader:
//! - it returns (no panic, no stack overflow, no unbounded work);
//! - an error names a place: the file name given and a field (or a line), and a message;
//! - a successful read round-trips where a writer exists: an assessment written back as a
//!   document and read again is the same assessment, and the document is the same document.
//!
//! Design decision: the harness lives in an ordinary crate of the workspace, not in `fuzz/`, so
//! that the invariants are compiled, linted and exercised by every `cargo test` on stable; the
//! fuzz targets are one-liners that call it.

use aimsgap_assess::{Assessment, from_document, parse_assessment, read_document, to_document};
use aimsgap_catalog::{Catalog, Date, Error, Framework, coverage};
use aimsgap_report::oscal::{OscalError, import_assessment_results};
use std::sync::OnceLock;

/// The file name the harness gives every input; every located error must name it.
pub const FILE_NAME: &str = "hostile-input";

/// The as-of date used when a document has none (the engine never reads a clock).
const DEFAULT_AS_OF: (i32, u8, u8) = (2026, 6, 1);

/// One reader of untrusted input: its name (also the fuzz target's and the corpus folder's).
#[derive(Clone, Copy, Debug)]
pub struct Target {
    pub name: &'static str,
    pub run: fn(&[u8]),
}

/// Every target, in the order `.ci/run` fuzzes them.
pub const TARGETS: &[Target] = &[
    Target {
        name: "assessment",
        run: assessment,
    },
    Target {
        name: "catalog_framework",
        run: catalog_framework,
    },
    Target {
        name: "crosswalk",
        run: crosswalk,
    },
    Target {
        name: "oscal_import",
        run: oscal_import,
    },
    Target {
        name: "backup",
        run: backup,
    },
];

/// The built-in catalog, loaded once.
fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| match aimsgap_catalog::builtin() {
        Ok(catalog) => catalog,
        Err(errors) => panic_with(&format!("the built-in catalog does not load: {errors:?}")),
    })
}

/// The built-in frameworks without their crosswalks, for checking a crosswalk on its own.
fn frameworks_only() -> &'static Catalog {
    static FRAMEWORKS: OnceLock<Catalog> = OnceLock::new();
    FRAMEWORKS.get_or_init(|| Catalog {
        frameworks: catalog().frameworks.clone(),
        ..Catalog::default()
    })
}

/// A broken invariant: the panic is the finding (libFuzzer reports it, the replay test names
/// the file).
#[track_caller]
#[allow(clippy::panic)]
fn panic_with(message: &str) -> ! {
    panic!("hostile-input invariant broken: {message}")
}

/// The input as text: readers take `&str`, so invalid UTF-8 is read the way the shell reads a
/// file it was handed (replacement characters), which still exercises the reader.
fn text_of(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

fn default_as_of() -> Date {
    let (year, month, day) = DEFAULT_AS_OF;
    match Date::new(year, month, day) {
        Ok(date) => date,
        Err(error) => panic_with(&format!("the default as-of date is not a date: {error:?}")),
    }
}

/// Every error names the file it was given, a field, and says something.
fn check_located(errors: &[Error], what: &str) {
    if errors.is_empty() {
        panic_with(&format!("{what}: a failure with no error"));
    }
    for error in errors {
        if error.location.file != FILE_NAME {
            panic_with(&format!(
                "{what}: error names file `{}`, not the file read: {error}",
                error.location.file
            ));
        }
        if error.field.trim().is_empty() && error.location.line == 0 {
            panic_with(&format!(
                "{what}: error names no field and no line: {error}"
            ));
        }
        if error.kind.to_string().trim().is_empty() {
            panic_with(&format!("{what}: error without a message: {error:?}"));
        }
    }
}

/// The assessment parser: the document reader (JSON or YAML) and the judge of its values
/// against the built-in catalog; a valid assessment is written back, read again and assessed.
pub fn assessment(data: &[u8]) {
    let text = text_of(data);
    let catalog = catalog();
    let as_of = default_as_of();
    let document = match read_document(FILE_NAME, &text) {
        Ok(document) => document,
        Err(errors) => {
            check_located(&errors, "read_document");
            // The full parser must refuse it too, with errors of the same quality.
            match parse_assessment(FILE_NAME, &text, catalog, as_of) {
                Ok(_) => panic_with("parse_assessment accepts what read_document refuses"),
                Err(errors) => check_located(&errors, "parse_assessment"),
            }
            return;
        }
    };
    let parsed = match parse_assessment(FILE_NAME, &text, catalog, as_of) {
        Ok(parsed) => parsed,
        Err(errors) => {
            check_located(&errors, "parse_assessment");
            return;
        }
    };
    // The document it came from, written as JSON and read back, is the same document.
    let json = match serde_json::to_string(&document) {
        Ok(json) => json,
        Err(error) => panic_with(&format!("a read document cannot be written: {error}")),
    };
    match read_document(FILE_NAME, &json) {
        Ok(again) if again == document => {}
        Ok(again) => panic_with(&format!(
            "document differs after a JSON round trip:\n{document:?}\n{again:?}"
        )),
        Err(errors) => panic_with(&format!(
            "a written document does not read back: {errors:?}\n{json}"
        )),
    }
    round_trip(&parsed, catalog, as_of);
    migrated(&text, &parsed, catalog, as_of);
    // The engine must take whatever the parser accepted.
    match aimsgap_assess::assess(catalog, &parsed) {
        Ok(result) => exported(&result, catalog),
        Err(error) => panic_with(&format!(
            "a parsed assessment cannot be assessed: {error:?}"
        )),
    }
}

/// Whatever text an accepted assessment carries (names, evidence references, notes), the
/// exports stay inert: the HTML and Markdown reports hold no script tag (the reports have none
/// of their own), and the OSCAL assessment results are JSON that the importer reads back whole.
fn exported(result: &aimsgap_assess::AssessmentResult, catalog: &Catalog) {
    let html = aimsgap_report::html::render(result, catalog);
    let markdown = aimsgap_report::markdown::render(result, 15);
    for (format, text) in [("HTML", &html), ("Markdown", &markdown)] {
        if text.to_ascii_lowercase().contains("<script") {
            panic_with(&format!(
                "user text became a script tag in the {format} report"
            ));
        }
    }
    let oscal = aimsgap_report::oscal::assessment_results(result, catalog);
    match import_assessment_results(&oscal) {
        Ok(imported) if imported.requirements.len() == result.requirements.len() => {}
        Ok(imported) => panic_with(&format!(
            "OSCAL assessment results read back {} requirements of {}",
            imported.requirements.len(),
            result.requirements.len()
        )),
        Err(error) => panic_with(&format!(
            "OSCAL assessment results do not read back: {error}"
        )),
    }
}

/// A file the parser accepts is left as it is by `aimsgap migrate` (format 2), or rewritten to
/// a file that reads as the same assessment (format 1), or refused with located errors.
fn migrated(text: &str, parsed: &Assessment, catalog: &Catalog, as_of: Date) {
    match aimsgap_assess::migrate(FILE_NAME, text, catalog, as_of) {
        Ok(aimsgap_assess::Migration::Current) => {}
        Ok(aimsgap_assess::Migration::Rewritten { text, .. }) => {
            match parse_assessment(FILE_NAME, &text, catalog, as_of) {
                Ok(again) if &again == parsed => {}
                Ok(again) => panic_with(&format!(
                    "assessment differs after migration:\n{parsed:?}\n{again:?}"
                )),
                Err(errors) => panic_with(&format!(
                    "a migrated file does not read: {errors:?}\n{text}"
                )),
            }
        }
        Err(errors) => check_located(&errors, "migrate"),
    }
}

/// An assessment written by `to_document` and read again is the same assessment.
fn round_trip(parsed: &Assessment, catalog: &Catalog, as_of: Date) {
    let written = to_document(parsed);
    let json = match serde_json::to_string(&written) {
        Ok(json) => json,
        Err(error) => panic_with(&format!("an assessment cannot be written: {error}")),
    };
    let again = match read_document(FILE_NAME, &json)
        .and_then(|document| from_document(FILE_NAME, &document, catalog, as_of))
    {
        Ok(again) => again,
        Err(errors) => panic_with(&format!(
            "a written assessment does not read back: {errors:?}\n{json}"
        )),
    };
    if &again != parsed {
        panic_with(&format!(
            "assessment differs after a round trip:\n{parsed:?}\n{again:?}"
        ));
    }
}

/// The framework (catalog) loader; a loaded framework keeps its index and its parent chains
/// true, and renders as an OSCAL catalog that is JSON.
pub fn catalog_framework(data: &[u8]) {
    let text = text_of(data);
    match aimsgap_catalog::parse_framework(FILE_NAME, &text) {
        Ok(framework) => check_framework(&framework),
        Err(errors) => check_located(&errors, "parse_framework"),
    }
}

fn check_framework(framework: &Framework) {
    for requirement in &framework.requirements {
        match framework.get(&requirement.id) {
            Some(found) if found.id == requirement.id => {}
            _ => panic_with(&format!("`{}` is not found by its id", requirement.id)),
        }
        if let Some(parent) = &requirement.parent
            && framework.get(parent).is_none()
        {
            panic_with(&format!(
                "`{}` has parent `{parent}`, which is not in the framework",
                requirement.id
            ));
        }
        // Terminates only if parent chains do not loop.
        let _ = framework.group_of(&requirement.id);
    }
    let oscal = aimsgap_report::oscal::catalog(framework);
    if let Err(error) = serde_json::from_str::<serde_json::Value>(&oscal) {
        panic_with(&format!(
            "the OSCAL catalog of a framework is not JSON: {error}"
        ));
    }
}

/// The crosswalk loader, against the built-in frameworks; a loaded crosswalk only joins ids
/// that exist, with strengths in 1..=10, and its coverage can be computed.
pub fn crosswalk(data: &[u8]) {
    let text = text_of(data);
    let base = frameworks_only();
    let loaded = match aimsgap_catalog::parse_crosswalk(FILE_NAME, &text, &base.frameworks) {
        Ok(loaded) => loaded,
        Err(errors) => {
            check_located(&errors, "parse_crosswalk");
            return;
        }
    };
    let (Some(from), Some(to)) = (base.framework(&loaded.from), base.framework(&loaded.to)) else {
        panic_with(&format!(
            "crosswalk {} -> {} names a framework that is not loaded",
            loaded.from, loaded.to
        ));
    };
    for edge in &loaded.edges {
        if !(1..=10).contains(&edge.strength) {
            panic_with(&format!("edge strength {} out of 1..=10", edge.strength));
        }
        if from.get(&edge.from).is_none() || to.get(&edge.to).is_none() {
            panic_with(&format!(
                "edge {} -> {} joins unknown ids",
                edge.from, edge.to
            ));
        }
    }
    let (from_id, to_id) = (loaded.from.clone(), loaded.to.clone());
    let mut with_crosswalk = base.clone();
    with_crosswalk.crosswalks.push(loaded);
    if coverage(&with_crosswalk, &from_id, &to_id).is_none() {
        panic_with("a loaded crosswalk has no coverage");
    }
}

/// The OSCAL assessment-results importer; an error names a place, an import carries credit
/// ranges within 0..=1 with lo <= point <= hi.
pub fn oscal_import(data: &[u8]) {
    let text = text_of(data);
    match import_assessment_results(&text) {
        Ok(imported) => {
            for requirement in &imported.requirements {
                let credit = &requirement.credit;
                let in_range = |value: f64| (0.0..=1.0).contains(&value);
                let ordered = credit.lo <= credit.point && credit.point <= credit.hi;
                if !(ordered && in_range(credit.lo) && in_range(credit.hi)) {
                    panic_with(&format!(
                        "`{}` imported with credit {credit:?}",
                        requirement.id
                    ));
                }
            }
        }
        Err(error) => {
            let placed = match &error {
                OscalError::Json { line, .. } => *line > 0,
                OscalError::Missing { path, what } => !path.is_empty() && !what.is_empty(),
                OscalError::Invalid { path, expected, .. } => {
                    !path.is_empty() && !expected.is_empty()
                }
            };
            if !placed {
                panic_with(&format!("OSCAL error names no place: {error:?}"));
            }
        }
    }
}

/// Where a refused backup's message may point: a table, a row, a field, the manifest, the
/// format, or the top level.
const BACKUP_PLACES: &[&str] = &["line ", "tables", "manifest", "format", "(the top level)"];

/// The backup reader (`Backup::parse`, which `aimsgap restore` runs before writing anything): a
/// refusal names where; an accepted backup writes back to a file that reads as the same backup,
/// with the same checksum.
pub fn backup(data: &[u8]) {
    use aimsgap_store::backup::Backup;
    let text = text_of(data);
    match Backup::parse(&text) {
        Err(error) => {
            let message = error.to_string();
            if !BACKUP_PLACES.iter().any(|place| message.contains(place)) {
                panic_with(&format!("backup: a refusal that names no place: {message}"));
            }
        }
        Ok(backup) => {
            let written = backup.to_json();
            match Backup::parse(&written) {
                Ok(again) if again == backup => {}
                Ok(_) => panic_with("backup: written back, it reads as another backup"),
                Err(error) => panic_with(&format!("backup: written back, it is refused: {error}")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aimsgap_catalog::{ErrorKind, Location};

    fn error(file: &str, field: &str, line: u64) -> Error {
        Error {
            location: Location {
                file: file.to_string(),
                line,
                column: 0,
            },
            field: field.to_string(),
            kind: ErrorKind::Invalid("wrong".into()),
        }
    }

    #[test]
    fn a_located_error_passes() {
        check_located(&[error(FILE_NAME, "organization.name", 0)], "test");
        check_located(&[error(FILE_NAME, "", 3)], "test");
    }

    #[test]
    #[should_panic(expected = "names no field and no line")]
    fn an_error_without_a_place_is_a_finding() {
        check_located(&[error(FILE_NAME, " ", 0)], "test");
    }

    #[test]
    #[should_panic(expected = "not the file read")]
    fn an_error_naming_another_file_is_a_finding() {
        check_located(&[error("elsewhere.yaml", "field", 1)], "test");
    }

    #[test]
    #[should_panic(expected = "a failure with no error")]
    fn a_failure_without_errors_is_a_finding() {
        check_located(&[], "test");
    }
}
