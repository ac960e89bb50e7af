//! `aimsgap assess | explain | check | init`: reading assessment files and running the engine.

use aimsgap_assess::{Assessment, AssessmentResult};
use aimsgap_catalog::{Catalog, Date};
use anyhow::{Context, Result, anyhow};
use std::path::Path;

/// Today's date: the store's clock, the shell's one. Only the shell reads the clock; the engine
/// gets the date as input.
pub use aimsgap_store::today;

/// A failure the user caused (bad file, bad id): exit code 2, with every located error.
#[derive(Debug)]
pub struct InputError(pub String);

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// The largest saved result or OSCAL document read.
pub const MAX_RESULT_BYTES: u64 = 64 * 1024 * 1024;

/// The largest assessment file read.
pub const MAX_ASSESSMENT_BYTES: u64 = aimsgap_wire::limits::MAX_DOCUMENT_BYTES as u64;

/// Reads an input file as UTF-8 text: only a regular file (or a link to one), and at most `max`
/// bytes. A device (`/dev/zero`), a FIFO or a directory is refused before it is opened, and a
/// file is read only up to the limit, so that no input can hold the command or fill memory.
pub fn read_input(path: &Path, max: u64) -> Result<String> {
    let refuse = |why: String| anyhow!(InputError(format!("{}: {why}", path.display())));
    let meta =
        std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a directory"
        } else {
            "not a regular file (a device, a FIFO or a socket)"
        };
        return Err(refuse(format!("{what}; give a file")));
    }
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    // The file opened may not be the one looked at: look again.
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(refuse("not a regular file".into()));
    }
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(file, max + 1), &mut bytes)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if bytes.len() as u64 > max {
        return Err(refuse(format!(
            "larger than {} MiB, the most aimsgap reads",
            max / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        refuse(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Reads and validates an assessment file; `as_of` overrides the file's date. A file of format
/// 1 gives one warning on standard error per ISO/IEC 42001 id that is renamed today.
pub fn load(catalog: &Catalog, path: &Path, as_of: Option<Date>) -> Result<Assessment> {
    let text = read_input(path, MAX_ASSESSMENT_BYTES)?;
    let name = path.display().to_string();
    let (mut assessment, renamed) =
        aimsgap_assess::parse_assessment_noting(&name, &text, catalog, today()).map_err(
            |errors| {
                let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
                anyhow!(InputError(format!(
                    "{} is not a valid assessment file:\n{}",
                    name,
                    lines.join("\n")
                )))
            },
        )?;
    for renamed in &renamed {
        eprintln!(
            "warning: {}: {renamed}; `aimsgap migrate` rewrites the file",
            crate::output::terminal_safe(&name)
        );
    }
    if let Some(date) = as_of {
        assessment.as_of = date;
    }
    Ok(assessment)
}

/// `aimsgap migrate`: rewrites a file of format 1 to the current format, to `output` or to
/// standard output, and says on standard error what was renamed. A current file is left as it
/// is, with a message; a broken file gives its located errors (exit 2).
pub fn migrate(catalog: &Catalog, path: &Path, output: Option<&Path>) -> Result<String> {
    let text = read_input(path, MAX_ASSESSMENT_BYTES)?;
    let name = path.display().to_string();
    let migration = aimsgap_assess::migrate(&name, &text, catalog, today()).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow!(InputError(format!(
            "{} is not a valid assessment file:\n{}",
            name,
            lines.join("\n")
        )))
    })?;
    let safe = crate::output::terminal_safe(&name);
    let (text, renamed) = match migration {
        aimsgap_assess::Migration::Current => {
            eprintln!(
                "{safe} is already of format {}: left as it is",
                aimsgap_assess::FORMAT_VERSION
            );
            (text, Vec::new())
        }
        aimsgap_assess::Migration::Rewritten { text, renamed } => {
            for renamed in &renamed {
                eprintln!("{safe}: {renamed}");
            }
            (text, renamed)
        }
    };
    match output {
        Some(out) => {
            std::fs::write(out, text.as_bytes())
                .with_context(|| format!("cannot write {}", out.display()))?;
            Ok(format!(
                "wrote {} (format {}, {} ids renamed)\n",
                out.display(),
                aimsgap_assess::FORMAT_VERSION,
                renamed.len()
            ))
        }
        None => {
            crate::output::emit(text.as_bytes(), None, false, false)?;
            Ok(String::new())
        }
    }
}

pub fn run(catalog: &Catalog, assessment: &Assessment) -> Result<AssessmentResult> {
    aimsgap_assess::assess(catalog, assessment).map_err(|e| anyhow!("{e}"))
}

pub fn parse_date(text: &str) -> Result<Date, String> {
    Date::parse(text).map_err(|e| e.0)
}

/// The outcome of `aimsgap check`: the lines to print and whether every threshold held.
pub fn check(
    result: &AssessmentResult,
    min_readiness: Option<f64>,
    max_blockers: Option<usize>,
    require_ready: bool,
) -> (String, bool) {
    let mut out = String::new();
    let mut ok = true;
    let mut line = |pass: bool, text: String| {
        out.push_str(if pass { "pass  " } else { "FAIL  " });
        out.push_str(&text);
        out.push('\n');
        ok &= pass;
    };
    let readiness = result.readiness.point;
    if let Some(min) = min_readiness {
        line(
            readiness >= min,
            format!("readiness {readiness:.1} >= {min:.1}"),
        );
    }
    let blockers = result.gaps.iter().filter(|g| g.blocker).count();
    if let Some(max) = max_blockers {
        line(
            blockers <= max,
            format!("open certification blockers {blockers} <= {max}"),
        );
    }
    if require_ready {
        line(
            result.verdict.ready_for_stage1,
            "ready for the Stage 1 audit".to_string(),
        );
    }
    if min_readiness.is_none() && max_blockers.is_none() && !require_ready {
        out.push_str(&format!(
            "no threshold given; readiness {readiness:.1}, {blockers} open blockers\n"
        ));
    }
    (out, ok)
}

/// The commented template written by `aimsgap init`.
pub const TEMPLATE: &str = include_str!("../assets/assessment-template.yaml");

/// The template as `aimsgap init` writes it: `today` in its `as_of` line, the one date its
/// comment says is today's; every other date is an example and stays as written.
pub fn template(today: Date) -> String {
    let mut out = String::with_capacity(TEMPLATE.len());
    let mut dated = false;
    for line in TEMPLATE.split_inclusive('\n') {
        if !dated && line.starts_with("as_of:") {
            dated = true;
            out.push_str("as_of: ");
            out.push_str(&today.to_string());
            out.push('\n');
        } else {
            out.push_str(line);
        }
    }
    out
}

/// A result: read from a saved result (a JSON document with a `schema`), or computed from an
/// assessment file. `which` names it in messages ("old", "new").
pub fn result_of(
    catalog: &Catalog,
    path: &Path,
    which: &'static str,
) -> Result<aimsgap_wire::result::AssessmentResult> {
    let text = read_input(path, MAX_RESULT_BYTES)?;
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
        && value.get("schema").is_some()
    {
        return aimsgap_report::diff::read(which, &text)
            .map_err(|e| anyhow::anyhow!(InputError(format!("{}: {e}", path.display()))));
    }
    let assessment = load(catalog, path, None)?;
    let result = run(catalog, &assessment)?;
    Ok(aimsgap_report::json::to_wire(&result))
}

/// What `import-oscal` prints.
pub fn imported_text(imported: &aimsgap_report::oscal::Imported, json: bool) -> String {
    if json {
        let value = serde_json::json!({
            "schema": "aimsgap/oscal-import/1",
            "as_of": imported.as_of.to_string(),
            "organization": imported.organization,
            "readiness": imported.readiness.as_ref().map(|r| serde_json::json!({
                "point": r.point, "lo": r.lo, "hi": r.hi, "counted": r.counted, "met": r.met,
            })),
            "requirements": imported.requirements.iter().map(|r| serde_json::json!({
                "id": r.id, "status": r.status.as_str(),
                "credit": {"lo": r.credit.lo, "point": r.credit.point, "hi": r.credit.hi},
            })).collect::<Vec<_>>(),
        });
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        return text;
    }
    let mut out = format!(
        "{}: OSCAL assessment results as of {}\n",
        imported.organization, imported.as_of
    );
    if let Some(r) = &imported.readiness {
        out.push_str(&format!(
            "Readiness {:.1} (range {:.1} to {:.1}); {} of {} met\n",
            r.point, r.lo, r.hi, r.met, r.counted
        ));
    }
    let rows: Vec<Vec<String>> = imported
        .requirements
        .iter()
        .map(|r| {
            vec![
                r.id.clone(),
                r.status.to_string(),
                format!("{:.3}", r.credit.lo),
                format!("{:.3}", r.credit.point),
                format!("{:.3}", r.credit.hi),
            ]
        })
        .collect();
    out.push('\n');
    out.push_str(&aimsgap_report::table::render(
        &["requirement", "status", "lo", "point", "hi"],
        &rows,
    ));
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[test]
    fn the_init_template_is_a_valid_document_that_round_trips() {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let document = aimsgap_assess::read_document("template", TEMPLATE)
            .unwrap_or_else(|errors| panic!("{errors:?}"));
        let as_of = aimsgap_catalog::Date::parse("2026-11-29").unwrap();
        let assessment = aimsgap_assess::from_document("template", &document, &catalog, as_of)
            .unwrap_or_else(|errors| panic!("{errors:?}"));
        assert_eq!(assessment.organization.name, "Example Ltd");
        assert_eq!(assessment.ai_systems.len(), 1);
        assert_eq!(assessment.answers.len(), 3);
        let written = document.to_json();
        let again = aimsgap_assess::read_document("template.json", &written).unwrap();
        assert_eq!(again, document);
    }

    /// `init` once wrote a fixed day under a comment saying the file judged on today's date:
    /// a template written a year later judged a year in the past.
    #[test]
    fn init_writes_today_in_as_of_and_nowhere_else() {
        let today = aimsgap_catalog::Date::parse("2031-02-17").unwrap();
        let written = template(today);
        let catalog = aimsgap_catalog::builtin().unwrap();
        let assessment = aimsgap_assess::parse_assessment(
            "template",
            &written,
            &catalog,
            aimsgap_catalog::Date::parse("2000-01-01").unwrap(),
        )
        .unwrap_or_else(|errors| panic!("{errors:?}"));
        assert_eq!(assessment.as_of, today);
        let changed: Vec<(&str, &str)> = TEMPLATE
            .lines()
            .zip(written.lines())
            .filter(|(before, after)| before != after)
            .collect();
        assert_eq!(changed, vec![("as_of: 2026-11-29", "as_of: 2031-02-17")]);
        assert_eq!(TEMPLATE.lines().count(), written.lines().count());
        let comment = written
            .lines()
            .take_while(|line| !line.starts_with("as_of:"))
            .last()
            .unwrap();
        assert!(comment.starts_with('#'), "{comment}");
        assert!(
            written.contains("`aimsgap init` writes the day it runs here"),
            "the comment above `as_of` says what init writes"
        );
    }
}
