//! Escaping user text for each output format. Every name, owner, reference and justification
//! passes through here: hostile input renders as text.

use askama::filters::Escaper;
use std::fmt::{self, Write};

/// Escapes text for HTML element content and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = Html.write_escaped_str(&mut out, text);
    out
}

/// Escapes user text for Markdown: whitespace runs (line breaks included) become one space,
/// control characters go, `&`, `<` and `>` become entities, the characters that carry Markdown
/// meaning inline get a backslash, and so do the markers that would start a block at the
/// beginning of the text (`-`, `+`, `=`, `1. `, `1) `). The result is safe in a paragraph, a
/// heading, a list item and a table cell.
///
/// This is the one Markdown escaper of the crate: the Markdown templates apply it to every
/// value through [`Markdown`], and writers that build Markdown in code call this function.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Writing into a String cannot fail.
    let _ = Markdown.write_escaped_str(&mut out, text);
    out
}

/// Makes text safe inside a Markdown code span: a backtick would close the span early, so it
/// becomes an apostrophe. Nothing else needs escaping there, because a code span shows its
/// content literally.
pub fn markdown_code_span(text: &str) -> String {
    text.replace('`', "'")
}

/// The HTML escaper of the report templates (configured in askama.toml for `.html` and
/// `.svg`). It writes named entities, as [`html`] does, rather than askama's numeric ones, so
/// every HTML the crate writes escapes alike.
#[derive(Debug, Clone, Copy)]
pub struct Html;

impl askama::filters::Escaper for Html {
    fn write_escaped_str<W: Write>(&self, dest: W, text: &str) -> fmt::Result {
        write_replacing(dest, text, |c| match c {
            '&' => Some("&amp;"),
            '<' => Some("&lt;"),
            '>' => Some("&gt;"),
            '"' => Some("&quot;"),
            '\'' => Some("&#39;"),
            _ => None,
        })
    }
}

/// The Markdown escaper of the report templates (configured in askama.toml for `.md`); see
/// [`markdown`] for what it does.
#[derive(Debug, Clone, Copy)]
pub struct Markdown;

impl askama::filters::Escaper for Markdown {
    fn write_escaped_str<W: Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        // Most values are plain words: copy them whole.
        if is_plain_markdown(text) {
            dest.write_str(text)
        } else {
            write_markdown(dest, text)
        }
    }
}

/// The Markdown escaping itself, character by character.
fn write_markdown<W: Write>(mut dest: W, text: &str) -> fmt::Result {
    // `position` counts the characters kept so far: a block marker matters only at the
    // start, and `1.` only after nothing but digits.
    let mut position = 0;
    let mut only_digits = true;
    for (index, word) in text.split_whitespace().enumerate() {
        if index > 0 {
            dest.write_char(' ')?;
            position += 1;
            only_digits = false;
        }
        let mut chars = word.chars().filter(|c| !c.is_control()).peekable();
        while let Some(c) = chars.next() {
            // `1.` or `1)` followed by a space (or nothing) would start an ordered list.
            let ends_list_marker = only_digits && position > 0 && chars.peek().is_none();
            match c {
                '&' => dest.write_str("&amp;")?,
                '<' => dest.write_str("&lt;")?,
                '>' => dest.write_str("&gt;")?,
                '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                    dest.write_char('\\')?;
                    dest.write_char(c)?;
                }
                '-' | '+' | '=' if position == 0 => {
                    dest.write_char('\\')?;
                    dest.write_char(c)?;
                }
                '.' | ')' if ends_list_marker => {
                    dest.write_char('\\')?;
                    dest.write_char(c)?;
                }
                _ => dest.write_char(c)?,
            }
            position += 1;
            only_digits = only_digits && c.is_ascii_digit();
        }
    }
    Ok(())
}

/// Whether the Markdown escaper would write `text` unchanged: single spaces between words,
/// no character it replaces or drops, and no digit or block marker at the start.
fn is_plain_markdown(text: &str) -> bool {
    !text.starts_with(|c: char| matches!(c, ' ' | '-' | '+' | '=') || c.is_ascii_digit())
        && !text.ends_with(' ')
        && !text.contains("  ")
        && !text.chars().any(|c| {
            matches!(
                c,
                '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' | '&' | '<' | '>'
            ) || (c.is_whitespace() && c != ' ')
                || c.is_control()
        })
}

/// Writes `text` with each character that `replace` maps swapped for its replacement, copying
/// the runs in between whole.
fn write_replacing<W: Write>(
    mut dest: W,
    text: &str,
    replace: impl Fn(char) -> Option<&'static str>,
) -> fmt::Result {
    let mut start = 0;
    for (index, c) in text.char_indices() {
        if let Some(replacement) = replace(c) {
            dest.write_str(text.get(start..index).unwrap_or_default())?;
            dest.write_str(replacement)?;
            start = index + c.len_utf8();
        }
    }
    dest.write_str(text.get(start..).unwrap_or_default())
}

/// Quotes a CSV field when it needs it (RFC 4180), and defuses spreadsheet formulas: a cell
/// that starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading apostrophe.
pub fn csv(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hostile_text_is_inert() {
        assert_eq!(
            super::html("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(super::markdown("a|b *c* <i>"), "a\\|b \\*c\\* &lt;i&gt;");
        assert_eq!(
            super::csv("=HYPERLINK(\"x\")"),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(super::csv("plain"), "plain");
        assert_eq!(super::markdown_code_span("a`b"), "a'b");
        assert_eq!(super::csv("-1,5"), "\"'-1,5\"");
    }

    #[test]
    fn markdown_neutralises_inline_and_block_markup() {
        let check =
            |input: &str, expect: &str| assert_eq!(super::markdown(input), expect, "{input}");
        check("plain text", "plain text");
        check("a|b", "a\\|b");
        check("<script>", "&lt;script&gt;");
        check("Q&A", "Q&amp;A");
        check("**bold** _it_", "\\*\\*bold\\*\\* \\_it\\_");
        check("`code`", "\\`code\\`");
        check("[link](x)", "\\[link\\](x)");
        check("# heading", "\\# heading");
        check("- item", "\\- item");
        check("+ item", "\\+ item");
        check("1. item", "1\\. item");
        check("a-b 1.5", "a-b 1.5");
        check("6.1.3 and 2) x", "6.1.3 and 2) x");
        check("2) x", "2\\) x");
        check("12.", "12\\.");
        check("two\nlines\r\n  here", "two lines here");
        check(" \u{7}-x\u{0} é ", "\\-x é");
        check("back\\slash", "back\\\\slash");
        check("~strike~", "\\~strike\\~");
    }

    /// The shortcut for plain text gives what the full escaper gives.
    #[test]
    fn plain_markdown_shortcut_agrees_with_the_escaper() {
        use askama::filters::Escaper;
        let inputs = [
            "",
            "plain text",
            " lead",
            "trail ",
            "two  spaces",
            "a\tb",
            "é ü",
            "2026",
            "12. x",
            "x 1. y",
            "-x",
            "x-y",
            "+",
            "=x",
            "a\u{7}b",
            "Art. 4(1)",
            "a|b",
            "x\u{a0}y",
        ];
        for input in inputs {
            let mut full = String::new();
            let _ = super::Markdown.write_escaped_str(&mut full, input);
            let plain = super::is_plain_markdown(input);
            if plain {
                assert_eq!(full, input, "{input:?} is plain but changes");
            }
            let mut slow = String::new();
            let _ = super::write_markdown(&mut slow, input);
            assert_eq!(full, slow, "{input:?}");
        }
    }
}
