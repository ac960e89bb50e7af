//! Rendering a result to the requested formats and writing them: one file, standard output, or
//! a whole directory. Progress goes to standard error only when it is a terminal.
//!
//! Text that reaches the terminal passes through [`terminal_safe`], so that a value from a file
//! (an organisation name holding `ESC [2J`) is shown, never obeyed. A directory of reports is
//! written without following links planted in it ([`write_new`]).

use aimsgap_assess::{Assessment, AssessmentResult};
use aimsgap_catalog::Catalog;
use aimsgap_report::format::{Format, Options, RenderError};
use anyhow::{Context, Result, anyhow, bail};
use clap::ValueEnum;
use clap::builder::PossibleValue;
use std::borrow::Cow;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// Whether a character would be obeyed by a terminal rather than shown: the C0 and C1 control
/// characters but newline and tab, and the bidirectional overrides that reorder what is shown.
fn is_unsafe_for_terminals(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text as it may reach a terminal: every control character (but newline and tab) and every
/// bidirectional override written as `\u001b`. The form is a JSON escape, so JSON output stays
/// valid and means the same; in any other text it shows the character instead of obeying it.
/// The one path from text read from files to the terminal: standard output and errors.
pub fn terminal_safe(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_for_terminals) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe_for_terminals(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes text to standard output through [`terminal_safe`]. A closed pipe
/// (`aimsgap ... | head`) is not an error worth a message.
pub fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(terminal_safe(text).as_bytes());
    let _ = stdout.flush();
}

/// Writes a new file in a directory aimsgap writes many files into (`--out-dir`), never through
/// a link: a symbolic link at `path` (planted to point elsewhere) is refused, an existing file
/// is replaced, and the new file is created exclusively, so that a link planted in between
/// makes the write fail rather than land elsewhere. The file keeps the umask's permissions.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(meta) if meta.file_type().is_symlink() => bail!(
            "{} is a symbolic link; aimsgap does not write through links in an output directory: remove it",
            path.display()
        ),
        Ok(meta) if meta.is_dir() => bail!("{} is a directory, not a file", path.display()),
        Ok(_) => std::fs::remove_file(path)
            .with_context(|| format!("cannot replace {}", path.display()))?,
        Err(_) => {}
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Creates a directory to write into, refusing a symbolic link in its place.
pub fn create_dir(dir: &Path) -> Result<()> {
    if std::fs::symlink_metadata(dir).is_ok_and(|meta| meta.file_type().is_symlink()) {
        bail!(
            "{} is a symbolic link; aimsgap does not write through links in an output directory: remove it",
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))
}

/// Creates the file of a SQLite database URL (`sqlite://FILE?mode=rwc`, `sqlite:FILE`) private
/// to its owner before SQLite opens it, when the URL lets SQLite create it and it does not exist
/// yet: the database holds password hashes and session digests. SQLite gives its journal files
/// the database file's permissions. Other URLs are left alone.
pub fn create_private_database(url: &str) -> Result<()> {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Ok(());
    };
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let creates = query.split('&').any(|pair| pair == "mode=rwc");
    if !creates || path.is_empty() || path.starts_with(':') {
        return Ok(());
    }
    create_private_file(Path::new(path))
}

/// Creates an empty file that only its owner may read and write (mode 0600), unless something
/// already exists at `path`: for files that hold secrets, such as the SQLite database.
pub fn create_private_file(path: &Path) -> Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error).with_context(|| format!("cannot create {}", path.display())),
    }
}

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
/// written to a terminal; text goes through [`terminal_safe`] on a terminal, and always when
/// `safe` (the table).
pub fn emit(bytes: &[u8], output: Option<&Path>, binary: bool, safe: bool) -> Result<()> {
    match output {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
        }
        None => {
            let terminal = std::io::stdout().is_terminal();
            if binary && terminal {
                bail!("this format is binary: write it to a file with -o FILE, or pipe it");
            }
            // The table is for people: it is always shown safely. Other text formats keep
            // their bytes in a pipe and are shown safely on a terminal.
            if terminal || safe {
                print(&String::from_utf8_lossy(bytes));
            } else {
                let mut stdout = std::io::stdout().lock();
                let _ = stdout.write_all(bytes);
                let _ = stdout.flush();
            }
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
    create_dir(dir)?;
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
        write_new(&dir.join(name), &bytes)?;
        written.push(name.to_string());
    }
    let drafts = dir.join("artefacts");
    create_dir(&drafts)?;
    for (i, artefact) in artefacts.iter().enumerate() {
        if progress {
            eprint!(
                "\r[{}/{total}] artefacts/{:<30}",
                outputs.len() + i + 1,
                artefact.file_name
            );
        }
        write_new(
            &drafts.join(&artefact.file_name),
            artefact.markdown.as_bytes(),
        )?;
        written.push(format!("artefacts/{}", artefact.file_name));
    }
    if progress {
        eprintln!("\r{:<60}", format!("wrote {total} files"));
    }
    Ok(written)
}
