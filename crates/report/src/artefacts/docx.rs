//! The drafts as Word documents (.docx), written in memory with `docx-rs`.
//!
//! A draft's Markdown is read as structure (pulldown-cmark's events: headings, paragraphs,
//! bullet lists, tables, bold runs, footnotes) and each structure becomes its Word
//! counterpart: a heading style, a paragraph, a bulleted paragraph, a table with a header row.
//! Nothing is converted as text, so a Word reader sees the same document a Markdown reader
//! does, with the same words. Footnote markers read `[3]` and the Sources list `[3] ...`.
//!
//! Pure like the rest of the crate: values in, bytes out. The document's dates are the
//! assessment's as-of date, so the same draft gives the same bytes.

use super::Artefact;
use docx_rs::{
    AbstractNumbering, Docx, IndentLevel, Level, LevelJc, LevelText, NumberFormat, Numbering,
    NumberingId, Paragraph, Run, SpecialIndentType, Start, Style, StyleType, Table, TableCell,
    TableRow,
};
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::io::Cursor;

/// Why a Word document could not be written.
#[derive(Debug, thiserror::Error)]
#[error("writing the Word document {file_name} failed: {reason}")]
pub struct DocxError {
    pub file_name: String,
    pub reason: String,
}

/// The numbering of bulleted paragraphs.
const BULLETS: usize = 1;

/// The file name of a draft's Word document: `aims-scope.md` becomes `aims-scope.docx`.
pub fn file_name(artefact: &Artefact) -> String {
    let stem = artefact
        .file_name
        .strip_suffix(".md")
        .unwrap_or(&artefact.file_name);
    format!("{stem}.docx")
}

/// One draft as a Word document. `as_of` (`YYYY-MM-DD`) dates the document.
pub fn to_docx(artefact: &Artefact, as_of: &str) -> Result<Vec<u8>, DocxError> {
    let mut writer = Writer::default();
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
    for event in Parser::new_ext(&artefact.markdown, options) {
        writer.event(event);
    }
    writer.close_paragraph();
    let date = format!("{as_of}T00:00:00Z");
    let mut docx = styled(Docx::new()).created_at(&date).updated_at(&date);
    for block in writer.blocks {
        docx = match block {
            Block::Paragraph(paragraph) => docx.add_paragraph(*paragraph),
            Block::Table(table) => docx.add_table(*table),
        };
    }
    let mut bytes = Cursor::new(Vec::new());
    docx.build().pack(&mut bytes).map_err(|error| DocxError {
        file_name: file_name(artefact),
        reason: error.to_string(),
    })?;
    Ok(bytes.into_inner())
}

/// The styles and the bullet numbering the documents use, named as Word names them so a
/// reader maps them to its own.
fn styled(docx: Docx) -> Docx {
    let heading = |id: &str, name: &str, size: usize| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .bold()
            .size(size)
    };
    docx.add_style(heading("Heading1", "Heading 1", 36))
        .add_style(heading("Heading2", "Heading 2", 30))
        .add_style(heading("Heading3", "Heading 3", 26))
        .add_style(heading("Heading4", "Heading 4", 24))
        .add_style(Style::new("ListBullet", StyleType::Paragraph).name("List Bullet"))
        .add_style(
            Style::new("Quote", StyleType::Paragraph)
                .name("Quote")
                .italic(),
        )
        .add_abstract_numbering(
            AbstractNumbering::new(BULLETS)
                .add_level(bullet_level(0))
                .add_level(bullet_level(1))
                .add_level(bullet_level(2)),
        )
        .add_numbering(Numbering::new(BULLETS, BULLETS))
}

fn bullet_level(level: usize) -> Level {
    let indent = i32::try_from(360 * (level + 1)).unwrap_or(360);
    Level::new(
        level,
        Start::new(1),
        NumberFormat::new("bullet"),
        LevelText::new("•"),
        LevelJc::new("left"),
    )
    .indent(
        Some(indent),
        Some(SpecialIndentType::Hanging(360)),
        None,
        None,
    )
}

/// A block of the document body, in order.
enum Block {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
}

/// A table being read: finished rows, the row and the cell under way.
#[derive(Default)]
struct TableUnderWay {
    rows: Vec<TableRow>,
    cells: Vec<TableCell>,
    /// Whether the row under way is the header row.
    header: bool,
}

/// Reads pulldown-cmark events into Word blocks.
#[derive(Default)]
struct Writer {
    blocks: Vec<Block>,
    /// The paragraph being written, if any.
    paragraph: Option<Paragraph>,
    /// Whether the paragraph under way has any text yet.
    written: bool,
    bold: usize,
    italic: usize,
    quote: usize,
    /// How deep the list under way is nested; 0 outside lists.
    lists: usize,
    table: Option<TableUnderWay>,
    /// Inside a table's header row, where every run is bold.
    header: bool,
}

impl Writer {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                self.text(&text);
            }
            Event::FootnoteReference(label) => self.text(&format!("[{label}]")),
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            Event::Rule => {
                self.close_paragraph();
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Heading { level, .. } => {
                self.close_paragraph();
                let style = match level {
                    HeadingLevel::H1 => "Heading1",
                    HeadingLevel::H2 => "Heading2",
                    HeadingLevel::H3 => "Heading3",
                    _ => "Heading4",
                };
                self.open(Paragraph::new().style(style));
            }
            Tag::Paragraph => {
                // A list item or a footnote opens its own paragraph; its first paragraph
                // continues it.
                if self.paragraph.is_some() && !self.written {
                    return;
                }
                self.close_paragraph();
                let paragraph = if self.quote > 0 {
                    Paragraph::new().style("Quote")
                } else {
                    Paragraph::new()
                };
                self.open(paragraph);
            }
            Tag::BlockQuote(_) => {
                self.close_paragraph();
                self.quote += 1;
            }
            Tag::List(_) => {
                self.close_paragraph();
                self.lists += 1;
            }
            Tag::Item => {
                self.close_paragraph();
                let level = self.lists.saturating_sub(1).min(2);
                self.open(
                    Paragraph::new()
                        .style("ListBullet")
                        .numbering(NumberingId::new(BULLETS), IndentLevel::new(level)),
                );
            }
            Tag::FootnoteDefinition(label) => {
                self.close_paragraph();
                self.open(Paragraph::new());
                self.text(&format!("[{label}] "));
                self.written = false;
            }
            Tag::Table(_) => {
                self.close_paragraph();
                self.table = Some(TableUnderWay::default());
            }
            Tag::TableHead => {
                self.header = true;
                if let Some(table) = &mut self.table {
                    table.header = true;
                }
            }
            Tag::TableRow => {}
            Tag::TableCell => {
                self.open(Paragraph::new());
            }
            Tag::Strong => self.bold += 1,
            Tag::Emphasis => self.italic += 1,
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) | TagEnd::Paragraph | TagEnd::Item | TagEnd::FootnoteDefinition => {
                self.close_paragraph();
            }
            TagEnd::BlockQuote(_) => {
                self.close_paragraph();
                self.quote = self.quote.saturating_sub(1);
            }
            TagEnd::List(_) => {
                self.close_paragraph();
                self.lists = self.lists.saturating_sub(1);
            }
            TagEnd::TableCell => {
                let paragraph = self.paragraph.take().unwrap_or_default();
                self.written = false;
                if let Some(table) = &mut self.table {
                    table.cells.push(TableCell::new().add_paragraph(paragraph));
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                self.header = false;
                if let Some(table) = &mut self.table {
                    let cells = std::mem::take(&mut table.cells);
                    table.header = false;
                    table.rows.push(TableRow::new(cells));
                }
            }
            TagEnd::Table => {
                if let Some(table) = self.table.take() {
                    self.blocks
                        .push(Block::Table(Box::new(Table::new(table.rows))));
                }
            }
            TagEnd::Strong => self.bold = self.bold.saturating_sub(1),
            TagEnd::Emphasis => self.italic = self.italic.saturating_sub(1),
            _ => {}
        }
    }

    fn open(&mut self, paragraph: Paragraph) {
        self.paragraph = Some(paragraph);
        self.written = false;
    }

    fn text(&mut self, text: &str) {
        let mut run = Run::new().add_text(text);
        if self.bold > 0 || self.header {
            run = run.bold();
        }
        if self.italic > 0 {
            run = run.italic();
        }
        let paragraph = self.paragraph.take().unwrap_or_default();
        self.paragraph = Some(paragraph.add_run(run));
        self.written = true;
    }

    /// Ends the paragraph under way, if any, as a block of the body.
    fn close_paragraph(&mut self) {
        if self.table.is_some() {
            return;
        }
        if let Some(paragraph) = self.paragraph.take() {
            self.blocks.push(Block::Paragraph(Box::new(paragraph)));
        }
        self.written = false;
    }
}
