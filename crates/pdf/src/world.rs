//! The smallest typst `World` that can typeset the report: one in-memory source, the fonts
//! compiled into the binary, no files, no packages, and a "today" that is the as-of date.

use std::sync::LazyLock;
use typst::WorldExt;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{DiagSpan, FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_kit::fonts::FontStore;

/// The standard library; built once per process because it is the same for every report.
static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// Libertinus Serif, New Computer Modern (text and math) and DejaVu Sans Mono, parsed lazily.
static FONTS: LazyLock<FontStore> = LazyLock::new(|| {
    let mut fonts = FontStore::new();
    fonts.extend(typst_kit::fonts::embedded());
    fonts
});

pub(crate) struct ReportWorld {
    main: Source,
    today: Datetime,
}

impl ReportWorld {
    pub(crate) fn new(markup: String, today: Datetime) -> ReportWorld {
        ReportWorld {
            main: Source::detached(markup),
            today,
        }
    }

    /// The 1-based line of the main source a diagnostic points to.
    pub(crate) fn line_of(&self, span: DiagSpan) -> Option<usize> {
        let range = self.range(span)?;
        let before = self.main.text().get(..range.start)?;
        Some(before.matches('\n').count() + 1)
    }
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        FONTS.book()
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    // The report embeds no images and imports nothing: every other file is refused.
    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.font(index)
    }

    // Never the clock: the report is dated by its assessment, so the same input gives the
    // same bytes on any day.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}
