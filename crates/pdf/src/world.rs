//! The smallest typst `World` that can typeset the report: the template, parsed once per
//! process, the report's data as the one file it may read, the fonts compiled into the binary, no
//! packages, and a "today" that is the as-of date.

use std::sync::LazyLock;
use typst::WorldExt;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{DiagSpan, FileId, RootedPath, Source, VirtualPath, VirtualRoot};
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

/// The template, parsed once: the same syntax tree, and so the same spans, for every report.
static TEMPLATE: LazyLock<Source> = LazyLock::new(|| Source::detached(crate::TEMPLATE));

/// The one file the template reads: the report's data.
static DATA: LazyLock<Option<FileId>> = LazyLock::new(|| {
    VirtualPath::new("data.json")
        .ok()
        .map(|path| RootedPath::new(VirtualRoot::Project, path).intern())
});

pub(crate) struct ReportWorld {
    main: Source,
    data: Bytes,
    today: Datetime,
}

impl ReportWorld {
    pub(crate) fn new(data: String, today: Datetime) -> ReportWorld {
        ReportWorld {
            main: TEMPLATE.clone(),
            data: Bytes::from_string(data),
            today,
        }
    }

    /// The 1-based line of the template a diagnostic points to.
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

    // The report embeds no images and imports nothing: every file but the data is refused.
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if Some(id) == *DATA {
            Ok(self.data.clone())
        } else {
            Err(FileError::AccessDenied)
        }
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
