//! Rendering a result to the requested formats and writing them: one file, standard output, or
//! a whole directory. Progress goes to standard error only when it is a terminal.

use aimsgap_assess::{Assessment, AssessmentResult};
use aimsgap_catalog::Catalog;
use aimsgap_report::format::{Format, Options, RenderError};
use anyhow::{Context, Result, anyhow, bail};
use clap::ValueEnum;
use clap::builder::PossibleValue;
use std::io::IsTerminal;
use std::path::Path;

/// A format of `aimsgap assess --format`: the report crate's [`Format`] under its public name
/// and description, so that the CLI, the server and the help text cannot disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFormat(pub Format);

/// The formats `assess --format` offers: all but the drafts, which `aimsgap artefacts` and
/// `--out-dir` write one file each.
const CLI_FORMATS: [ReportFormat; 10] = [
    ReportFormat(Format::Table),
    ReportFormat(Format::Json),
    ReportFormat(Format::Html),
    ReportFormat(Format::Markdown),
    ReportFormat(Format::Csv),
    ReportFormat(Format::GapsCsv),
    ReportFormat(Format::Xlsx),
    ReportFormat(Format::Pdf),
    ReportFormat(Format::Oscal),
    ReportFormat(Format::Poam),
];

impl ValueEnum for ReportFormat {
    fn value_variants<'a>() -> &'a [Self] {
        &CLI_FORMATS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()).help(self.0.description()))
    }
}

/// Which table `--format csv` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvTable {
    Requirements,
    Gaps,
}

impl ReportFormat {
    /// The format to render: `--format csv --csv-table gaps` is the gaps table.
    pub fn with_table(self, csv_table: CsvTable) -> Format {
        match (self.0, csv_table) {
            (Format::Csv, CsvTable::Gaps) => Format::GapsCsv,
            (format, _) => format,
        }
    }
}

#[cfg(feature = "pdf")]
fn pdf(result: &AssessmentResult) -> Result<Vec<u8>, String> {
    aimsgap_pdf::render(result).map_err(|e| e.to_string())
}

/// The options of every rendering: the gap count, and the PDF renderer when this build has one.
pub fn options(top: usize) -> Options<'static> {
    Options {
        top,
        #[cfg(feature = "pdf")]
        pdf: Some(&pdf),
        #[cfg(not(feature = "pdf"))]
        pdf: None,
    }
}

/// Renders one format to bytes.
pub fn render(
    catalog: &Catalog,
    assessment: &Assessment,
    result: &AssessmentResult,
    format: Format,
    top: usize,
) -> Result<Vec<u8>> {
    format
        .render(catalog, assessment, result, &options(top))
        .map_err(|error| match error {
            RenderError::PdfUnavailable => anyhow!(
                "this aimsgap was built without the `pdf` feature; rebuild with default features"
            ),
            other => anyhow!("cannot render {format}: {other}"),
        })
}

/// Writes bytes to a file, or to standard output when no file is given. Binary formats are not
/// written to a terminal.
pub fn emit(bytes: &[u8], output: Option<&Path>, binary: bool) -> Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            if binary && std::io::stdout().is_terminal() {
                bail!("this format is binary: write it to a file with -o FILE, or pipe it");
            }
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(bytes);
            let _ = stdout.flush();
            Ok(())
        }
    }
}

/// The reports `--out-dir` writes, each under its format's file name; the PDF only in a build
/// with PDF support.
const OUT_DIR_FORMATS: [Format; 9] = [
    Format::Json,
    Format::Html,
    Format::Markdown,
    Format::Csv,
    Format::GapsCsv,
    Format::Xlsx,
    Format::Oscal,
    Format::Poam,
    Format::Pdf,
];

/// Writes the whole set of reports and artefact drafts into a directory.
pub fn write_all(
    catalog: &Catalog,
    assessment: &Assessment,
    result: &AssessmentResult,
    dir: &Path,
    top: usize,
) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let options = options(top);
    let outputs: Vec<Format> = OUT_DIR_FORMATS
        .into_iter()
        .filter(|format| !format.is_pdf() || options.pdf.is_some())
        .collect();
    let progress = std::io::stderr().is_terminal();
    let artefacts = aimsgap_report::artefacts::artefacts(catalog, assessment, result);
    let total = outputs.len() + artefacts.len();
    let mut written = Vec::new();
    for (i, format) in outputs.iter().enumerate() {
        let name = format.file_name();
        if progress {
            eprint!("\r[{}/{total}] {name:<40}", i + 1);
        }
        let bytes = render(catalog, assessment, result, *format, top)?;
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(name.to_string());
    }
    let drafts = dir.join("artefacts");
    std::fs::create_dir_all(&drafts)
        .with_context(|| format!("cannot create {}", drafts.display()))?;
    for (i, artefact) in artefacts.iter().enumerate() {
        if progress {
            eprint!(
                "\r[{}/{total}] artefacts/{:<30}",
                outputs.len() + i + 1,
                artefact.file_name
            );
        }
        let path = drafts.join(&artefact.file_name);
        std::fs::write(&path, &artefact.markdown)
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(format!("artefacts/{}", artefact.file_name));
    }
    if progress {
        eprintln!("\r{:<60}", format!("wrote {total} files"));
    }
    Ok(written)
}
