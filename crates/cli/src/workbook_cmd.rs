//! `aimsgap import-xlsx`: reads the Answers sheet of an exported workbook back into an
//! assessment file, all or nothing.

use crate::assess_cmd::{InputError, MAX_ASSESSMENT_BYTES, read_input, today};
use aimsgap_catalog::Catalog;
use aimsgap_report::workbook;
use aimsgap_wire::assessment::{Answer, Located};
use anyhow::{Context, Result, anyhow};
use std::collections::BTreeMap;
use std::path::Path;

/// The largest workbook read.
pub const MAX_WORKBOOK_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a binary input file: only a regular file, at most `max` bytes.
fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>> {
    let refuse = |why: String| anyhow!(InputError(format!("{}: {why}", path.display())));
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_file() {
        return Err(refuse("not a regular file; give a file".into()));
    }
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, max + 1), &mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > max {
        return Err(refuse(format!(
            "larger than {} MiB, the most aimsgap reads",
            max / (1024 * 1024)
        )));
    }
    Ok(bytes)
}

/// The changes of an import as text, per requirement: `field: old -> new`.
pub fn changes_text(import: &workbook::Import) -> String {
    if import.changes.is_empty() {
        return format!("no changes ({} rows read)\n", import.rows);
    }
    let mut text = String::new();
    let mut current = "";
    for change in &import.changes {
        if change.id != current {
            current = &change.id;
            text.push_str(&format!("{}\n", change.id));
        }
        let shown = |value: &str| {
            if value.is_empty() {
                "(none)".to_string()
            } else {
                value.replace('\n', " / ")
            }
        };
        text.push_str(&format!(
            "  {}: {} -> {}\n",
            change.field,
            shown(&change.old),
            shown(&change.new)
        ));
    }
    let ids: std::collections::BTreeSet<&str> =
        import.changes.iter().map(|c| c.id.as_str()).collect();
    text.push_str(&format!(
        "{} changes to {} answers ({} rows read)\n",
        import.changes.len(),
        ids.len(),
        import.rows
    ));
    text
}

/// `aimsgap import-xlsx`: the updated assessment file (JSON) to `output` or standard output,
/// or with `dry_run` the changes only.
pub fn import(
    catalog: &Catalog,
    workbook_path: &Path,
    into: &Path,
    output: Option<&Path>,
    dry_run: bool,
) -> Result<String> {
    let text = read_input(into, MAX_ASSESSMENT_BYTES)?;
    let name = into.display().to_string();
    let invalid = |errors: Vec<aimsgap_catalog::Error>| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow!(InputError(format!(
            "{name} is not a valid assessment file:\n{}",
            lines.join("\n")
        )))
    };
    aimsgap_assess::parse_assessment(&name, &text, catalog, today()).map_err(invalid)?;
    let document = aimsgap_assess::read_document(&name, &text).map_err(invalid)?;
    let (document, _) = aimsgap_assess::upgrade(&document, catalog);
    let mut document = document.into_owned();
    let answers: BTreeMap<String, Answer> = document
        .answers
        .iter()
        .map(|(id, answer)| (id.clone(), answer.value.clone()))
        .collect();

    let bytes = read_bytes(workbook_path, MAX_WORKBOOK_BYTES)?;
    let requirements = workbook::requirements(catalog);
    let import = workbook::read(&bytes, &requirements, &answers).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow!(InputError(format!(
            "{}: nothing imported:\n{}",
            workbook_path.display(),
            lines.join("\n")
        )))
    })?;
    let summary = changes_text(&import);
    if dry_run {
        return Ok(summary);
    }
    for (id, answer) in &import.answers {
        document
            .answers
            .insert(id.clone(), Located::new(answer.clone()));
    }
    let updated = document.to_json();
    // The whole file must still be valid: the sheet checks cells, the engine's reader the rest.
    aimsgap_assess::parse_assessment(&name, &updated, catalog, today()).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow!(InputError(format!(
            "{}: nothing imported: the updated file would not be valid:\n{}",
            workbook_path.display(),
            lines.join("\n")
        )))
    })?;
    match output {
        Some(out) => {
            std::fs::write(out, updated.as_bytes())
                .with_context(|| format!("cannot write {}", out.display()))?;
            eprint!("{}", crate::output::terminal_safe(&summary));
            Ok(format!("wrote {}\n", out.display()))
        }
        None => {
            eprint!("{}", crate::output::terminal_safe(&summary));
            crate::output::emit(updated.as_bytes(), None, false, false)?;
            Ok(String::new())
        }
    }
}
