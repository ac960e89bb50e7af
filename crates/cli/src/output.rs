//! Rendering a result to the requested formats and writing them: one file, standard output, or
//! a whole directory. Progress goes to standard error only when it is a terminal.

use aimsgap_assess::{Assessment, AssessmentResult};
use aimsgap_catalog::Catalog;
use anyhow::{Context, Result, bail};
use clap::ValueEnum;
use std::io::IsTerminal;
use std::path::Path;

/// The formats of `aimsgap assess`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// Terminal summary.
    Table,
    /// The versioned JSON result.
    Json,
    /// Self-contained HTML report with charts.
    Html,
    /// Markdown report.
    Md,
    /// Requirements as CSV (see --csv-table for gaps).
    Csv,
    /// XLSX workbook for auditors.
    Xlsx,
    /// Executive PDF report.
    Pdf,
    /// OSCAL assessment-results (with --out-dir also the plan of action and milestones).
    Oscal,
}

impl ReportFormat {
    pub fn is_binary(self) -> bool {
        matches!(self, ReportFormat::Xlsx | ReportFormat::Pdf)
    }
}

/// Which table `--format csv` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CsvTable {
    Requirements,
    Gaps,
}

#[cfg(feature = "pdf")]
fn pdf(result: &AssessmentResult) -> Result<Vec<u8>> {
    aimsgap_pdf::render(result).map_err(|e| anyhow::anyhow!("{e}"))
}

#[cfg(not(feature = "pdf"))]
fn pdf(_result: &AssessmentResult) -> Result<Vec<u8>> {
    bail!("this aimsgap was built without the `pdf` feature; rebuild with default features")
}

/// Renders one format to bytes.
pub fn render(
    catalog: &Catalog,
    result: &AssessmentResult,
    format: ReportFormat,
    top: usize,
    csv_table: CsvTable,
) -> Result<Vec<u8>> {
    Ok(match format {
        ReportFormat::Table => aimsgap_report::text::summary(result, top).into_bytes(),
        ReportFormat::Json => aimsgap_report::json::render(result).into_bytes(),
        ReportFormat::Html => aimsgap_report::html::render(result, catalog).into_bytes(),
        ReportFormat::Md => aimsgap_report::markdown::render(result, top).into_bytes(),
        ReportFormat::Csv => match csv_table {
            CsvTable::Requirements => aimsgap_report::csv::requirements(result).into_bytes(),
            CsvTable::Gaps => aimsgap_report::csv::gaps(result).into_bytes(),
        },
        ReportFormat::Xlsx => aimsgap_report::xlsx::render(result)?,
        ReportFormat::Pdf => pdf(result)?,
        ReportFormat::Oscal => {
            aimsgap_report::oscal::assessment_results(result, catalog).into_bytes()
        }
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

/// A file name and how to make its bytes.
type Output<'a> = (&'static str, Box<dyn Fn() -> Result<Vec<u8>> + 'a>);

/// Writes the whole set of reports and artefact drafts into a directory.
pub fn write_all(
    catalog: &Catalog,
    assessment: &Assessment,
    result: &AssessmentResult,
    dir: &Path,
    top: usize,
) -> Result<Vec<String>> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut outputs: Vec<Output<'_>> = vec![
        (
            "report.json",
            Box::new(|| {
                render(
                    catalog,
                    result,
                    ReportFormat::Json,
                    top,
                    CsvTable::Requirements,
                )
            }),
        ),
        (
            "report.html",
            Box::new(|| {
                render(
                    catalog,
                    result,
                    ReportFormat::Html,
                    top,
                    CsvTable::Requirements,
                )
            }),
        ),
        (
            "report.md",
            Box::new(|| {
                render(
                    catalog,
                    result,
                    ReportFormat::Md,
                    top,
                    CsvTable::Requirements,
                )
            }),
        ),
        (
            "requirements.csv",
            Box::new(|| {
                render(
                    catalog,
                    result,
                    ReportFormat::Csv,
                    top,
                    CsvTable::Requirements,
                )
            }),
        ),
        (
            "gaps.csv",
            Box::new(|| render(catalog, result, ReportFormat::Csv, top, CsvTable::Gaps)),
        ),
        (
            "report.xlsx",
            Box::new(|| {
                render(
                    catalog,
                    result,
                    ReportFormat::Xlsx,
                    top,
                    CsvTable::Requirements,
                )
            }),
        ),
        (
            "assessment-results.oscal.json",
            Box::new(|| {
                render(
                    catalog,
                    result,
                    ReportFormat::Oscal,
                    top,
                    CsvTable::Requirements,
                )
            }),
        ),
        (
            "poam.oscal.json",
            Box::new(|| Ok(aimsgap_report::oscal::poam(result, catalog).into_bytes())),
        ),
    ];
    if cfg!(feature = "pdf") {
        outputs.push(("report.pdf", Box::new(|| pdf(result))));
    }
    let progress = std::io::stderr().is_terminal();
    let artefacts = aimsgap_report::artefacts::artefacts(catalog, assessment, result);
    let total = outputs.len() + artefacts.len();
    let mut written = Vec::new();
    for (i, (name, make)) in outputs.iter().enumerate() {
        if progress {
            eprint!("\r[{}/{total}] {name:<40}", i + 1);
        }
        let bytes = make()?;
        let path = dir.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
        written.push((*name).to_string());
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
