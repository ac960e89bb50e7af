//! The report formats by their public names, and for each its content type, file name and
//! renderer: the one place that maps a name to bytes, shared by the CLI (`assess --format`,
//! `--out-dir`) and the server (report downloads, quick-assessment downloads).
//!
//! Design decision: the executive PDF is typeset by the `aimsgap-pdf` crate, which this crate
//! does not depend on (typst doubles the build), so the caller hands its PDF renderer in
//! [`Options::pdf`]; a build without it answers [`RenderError::PdfUnavailable`]. Everything else
//! renders here, from the same values, with no I/O.

use crate::xlsx::XlsxRenderError;
use aimsgap_assess::{Assessment, AssessmentResult};
use aimsgap_catalog::Catalog;

/// A report format, named as on the command line and in the API's `/report/{format}` routes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `table`: the terminal summary.
    Table,
    /// `json`: the versioned result (`aimsgap/assessment-result/2`).
    Json,
    /// `html`: the self-contained report with charts.
    Html,
    /// `md`: the Markdown report.
    Markdown,
    /// `csv`: every requirement with its status and credit.
    Csv,
    /// `gaps-csv`: the ranked gaps with their priority factors.
    GapsCsv,
    /// `xlsx`: the workbook for auditors.
    Xlsx,
    /// `pdf`: the executive summary, typeset (rendered by the caller's [`Options::pdf`]).
    Pdf,
    /// `oscal`: OSCAL assessment-results.
    Oscal,
    /// `poam`: OSCAL plan of action and milestones.
    Poam,
    /// `artefacts`: the drafts of the documents the standard asks for, in one Markdown file.
    Artefacts,
}

/// A name that is not a format; its message lists the names that are.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown format `{0}`: {names}", names = Format::names())]
pub struct UnknownFormat(pub String);

/// Why a format could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error(transparent)]
    Xlsx(#[from] XlsxRenderError),
    /// The caller's PDF renderer failed.
    #[error("cannot typeset the PDF: {0}")]
    Pdf(String),
    /// No PDF renderer was given: a build without the `pdf` feature.
    #[error("this build has no PDF support (the `pdf` feature is off)")]
    PdfUnavailable,
}

/// A PDF renderer: `aimsgap_pdf::render` with its error as text.
pub type PdfRenderer<'a> = &'a dyn Fn(&AssessmentResult) -> Result<Vec<u8>, String>;

/// What a caller chooses beyond the format.
#[derive(Clone, Copy)]
pub struct Options<'a> {
    /// How many gaps the terminal summary and the Markdown report list.
    pub top: usize,
    /// Renders [`Format::Pdf`]; `None` in a build without PDF support.
    pub pdf: Option<PdfRenderer<'a>>,
}

impl std::fmt::Debug for Options<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("top", &self.top)
            .field("pdf", &self.pdf.is_some())
            .finish()
    }
}

impl Format {
    /// Every format, in the order they are listed to users.
    pub const ALL: [Format; 11] = [
        Format::Table,
        Format::Json,
        Format::Html,
        Format::Markdown,
        Format::Csv,
        Format::GapsCsv,
        Format::Xlsx,
        Format::Pdf,
        Format::Oscal,
        Format::Poam,
        Format::Artefacts,
    ];

    /// The public name, as parsed by [`Format::parse`].
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Html => "html",
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::GapsCsv => "gaps-csv",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
            Format::Oscal => "oscal",
            Format::Poam => "poam",
            Format::Artefacts => "artefacts",
        }
    }

    /// The format of a public name (exact, lower case).
    pub fn parse(name: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .find(|format| format.name() == name)
            .ok_or_else(|| UnknownFormat(name.to_string()))
    }

    /// One line for a user: what the format holds.
    pub fn description(self) -> &'static str {
        match self {
            Format::Table => "Terminal summary",
            Format::Json => "The versioned JSON result",
            Format::Html => "Self-contained HTML report with charts",
            Format::Markdown => "Markdown report",
            Format::Csv => "Requirements as CSV",
            Format::GapsCsv => "Ranked gaps as CSV",
            Format::Xlsx => "XLSX workbook for auditors",
            Format::Pdf => "Executive PDF report",
            Format::Oscal => "OSCAL assessment-results",
            Format::Poam => "OSCAL plan of action and milestones",
            Format::Artefacts => "Drafts of the documents the standard asks for, as Markdown",
        }
    }

    /// The HTTP `Content-Type` of the bytes.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Table => "text/plain; charset=utf-8",
            Format::Json | Format::Oscal | Format::Poam => "application/json",
            Format::Html => "text/html; charset=utf-8",
            Format::Markdown | Format::Artefacts => "text/markdown; charset=utf-8",
            Format::Csv | Format::GapsCsv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Pdf => "application/pdf",
        }
    }

    /// The file name extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Table => "txt",
            Format::Json | Format::Oscal | Format::Poam => "json",
            Format::Html => "html",
            Format::Markdown | Format::Artefacts => "md",
            Format::Csv | Format::GapsCsv => "csv",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }

    /// The file a download or an output directory stores the format in; the names differ
    /// where two formats share an extension.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Table => "summary.txt",
            Format::Json => "report.json",
            Format::Html => "report.html",
            Format::Markdown => "report.md",
            Format::Csv => "requirements.csv",
            Format::GapsCsv => "gaps.csv",
            Format::Xlsx => "report.xlsx",
            Format::Pdf => "report.pdf",
            Format::Oscal => "assessment-results.oscal.json",
            Format::Poam => "poam.oscal.json",
            Format::Artefacts => "artefacts.md",
        }
    }

    /// Whether the bytes are not text (and so not for a terminal).
    pub fn is_binary(self) -> bool {
        matches!(self, Format::Xlsx | Format::Pdf)
    }

    /// Whether rendering needs [`Options::pdf`].
    pub fn is_pdf(self) -> bool {
        self == Format::Pdf
    }

    /// Renders a result (and, for the drafts, the assessment it came from) to bytes.
    pub fn render(
        self,
        catalog: &Catalog,
        assessment: &Assessment,
        result: &AssessmentResult,
        options: &Options<'_>,
    ) -> Result<Vec<u8>, RenderError> {
        Ok(match self {
            Format::Table => crate::text::summary(result, options.top).into_bytes(),
            Format::Json => crate::json::render_bytes(result),
            Format::Html => crate::html::render(result, catalog).into_bytes(),
            Format::Markdown => crate::markdown::render(result, options.top).into_bytes(),
            Format::Csv => crate::csv::requirements(result).into_bytes(),
            Format::GapsCsv => crate::csv::gaps(result).into_bytes(),
            Format::Xlsx => {
                let requirements = crate::workbook::requirements(catalog);
                let answers = crate::xlsx::answers_of(assessment);
                let sheet = crate::xlsx::AnswersSheet {
                    requirements: &requirements,
                    answers: &answers,
                };
                crate::xlsx::render_workbook(result, Some(&sheet))?
            }
            Format::Pdf => match options.pdf {
                Some(pdf) => pdf(result).map_err(RenderError::Pdf)?,
                None => return Err(RenderError::PdfUnavailable),
            },
            Format::Oscal => crate::oscal::assessment_results(result, catalog).into_bytes(),
            Format::Poam => crate::oscal::poam(result, catalog).into_bytes(),
            Format::Artefacts => crate::artefacts::artefacts(catalog, assessment, result)
                .iter()
                .map(|artefact| artefact.markdown.as_str())
                .collect::<Vec<_>>()
                .join("\n\n---\n\n")
                .into_bytes(),
        })
    }

    /// The public names, comma-separated, for messages.
    pub fn names() -> String {
        Format::ALL.map(Format::name).join(", ")
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Format, UnknownFormat> {
        Format::parse(name)
    }
}

#[cfg(test)]
mod tests {
    use super::{Format, Options, RenderError};
    use aimsgap_catalog::Date;

    #[test]
    fn every_format_renders_what_its_module_renders() {
        let catalog = aimsgap_catalog::builtin().unwrap();
        let text = include_str!("../../../examples/bank-credit-scoring.yaml");
        let assessment = aimsgap_assess::parse_assessment(
            "bank-credit-scoring.yaml",
            text,
            &catalog,
            Date::parse("2026-11-29").unwrap(),
        )
        .unwrap();
        let result = aimsgap_assess::assess(&catalog, &assessment).unwrap();
        let fake_pdf = |_: &aimsgap_assess::AssessmentResult| Ok(b"%PDF-".to_vec());
        let with_pdf = Options {
            top: 7,
            pdf: Some(&fake_pdf),
        };
        let without_pdf = Options { top: 7, pdf: None };
        let render = |format: Format, options: &Options<'_>| {
            format.render(&catalog, &assessment, &result, options)
        };
        assert_eq!(
            render(Format::Json, &without_pdf).unwrap(),
            crate::json::render(&result).into_bytes()
        );
        assert_eq!(
            render(Format::Markdown, &without_pdf).unwrap(),
            crate::markdown::render(&result, 7).into_bytes()
        );
        assert_eq!(
            render(Format::Table, &without_pdf).unwrap(),
            crate::text::summary(&result, 7).into_bytes()
        );
        assert_eq!(
            render(Format::GapsCsv, &without_pdf).unwrap(),
            crate::csv::gaps(&result).into_bytes()
        );
        assert_eq!(
            render(Format::Poam, &without_pdf).unwrap(),
            crate::oscal::poam(&result, &catalog).into_bytes()
        );
        assert!(
            render(Format::Xlsx, &without_pdf)
                .unwrap()
                .starts_with(b"PK")
        );
        assert_eq!(render(Format::Pdf, &with_pdf).unwrap(), b"%PDF-");
        assert!(matches!(
            render(Format::Pdf, &without_pdf),
            Err(RenderError::PdfUnavailable)
        ));
        let drafts = String::from_utf8(render(Format::Artefacts, &without_pdf).unwrap()).unwrap();
        assert!(drafts.contains("\n\n---\n\n"));
        for format in Format::ALL {
            assert!(!render(format, &with_pdf).unwrap().is_empty(), "{format}");
        }
    }

    #[test]
    fn every_name_parses_back_and_file_names_are_distinct() {
        let mut files = std::collections::HashSet::new();
        for format in Format::ALL {
            assert_eq!(Format::parse(format.name()), Ok(format));
            assert!(
                format
                    .file_name()
                    .ends_with(&format!(".{}", format.extension()))
            );
            assert!(files.insert(format.file_name()), "{format}");
        }
        assert_eq!(
            Format::parse("docx").unwrap_err().to_string(),
            "unknown format `docx`: table, json, html, md, csv, gaps-csv, xlsx, pdf, oscal, poam, artefacts"
        );
        assert!(Format::parse("HTML").is_err());
        assert!(Format::Pdf.is_pdf() && Format::Pdf.is_binary());
        assert!(!Format::Csv.is_binary());
    }
}
