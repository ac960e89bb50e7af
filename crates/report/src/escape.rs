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

/// Escapes text for a Markdown table cell or paragraph: no HTML, no emphasis, no table breaks.
/// Every Markdown writer of the crate uses this one function (or the [`Markdown`] escaper that
/// the Markdown templates apply to each value), so a character that one report defuses is
/// defused in all of them.
pub fn markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
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

/// The Markdown escaper of every Markdown the crate writes: the report, the diff and the
/// artefact drafts (configured in askama.toml for `.md`). Whitespace runs (line breaks
/// included) become one space, so a value cannot end a table row or a paragraph; control
/// characters go; `&`, `<` and `>` become entities, so no HTML gets through; the characters that
/// carry Markdown meaning inline (emphasis, code, links, headings, tables, strike-through) get a
/// backslash, and so do the markers that would start a block at the beginning of the text (`-`,
/// `+`, `=`, `1.`, `1)`). The result is safe in a paragraph, a list item and a table cell.
///
/// A value is escaped as a whole, because the rules depend on where a character stands (a `-`
/// or `1.` starts a block only at the beginning): views hand templates whole strings.
#[derive(Debug, Clone, Copy)]
pub struct Markdown;

impl Escaper for Markdown {
    fn write_escaped_str<W: Write>(&self, mut dest: W, text: &str) -> fmt::Result {
        let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars: Vec<char> = collapsed.chars().filter(|c| !c.is_control()).collect();
        let mut only_digits_so_far = true;
        for (position, &ch) in chars.iter().enumerate() {
            // `1.` or `1)` followed by a space (or nothing) would start an ordered list.
            let ends_list_marker = only_digits_so_far
                && position > 0
                && chars.get(position + 1).is_none_or(|next| *next == ' ');
            match ch {
                '&' => dest.write_str("&amp;")?,
                '<' => dest.write_str("&lt;")?,
                '>' => dest.write_str("&gt;")?,
                '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                    dest.write_char('\\')?;
                    dest.write_char(ch)?;
                }
                '-' | '+' | '=' if position == 0 => {
                    dest.write_char('\\')?;
                    dest.write_char(ch)?;
                }
                '.' | ')' if ends_list_marker => {
                    dest.write_char('\\')?;
                    dest.write_char(ch)?;
                }
                _ => dest.write_char(ch)?,
            }
            only_digits_so_far = only_digits_so_far && ch.is_ascii_digit();
        }
        Ok(())
    }
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
            super::markdown("\\ `x` _y_ [z] # ~ &\r\né"),
            "\\\\ \\`x\\` \\_y\\_ \\[z\\] \\# \\~ &amp; é"
        );
        assert_eq!(
            super::csv("=HYPERLINK(\"x\")"),
            "\"'=HYPERLINK(\"\"x\"\")\""
        );
        assert_eq!(super::csv("plain"), "plain");
        assert_eq!(super::markdown_code_span("a`b"), "a'b");
        assert_eq!(super::csv("-1,5"), "\"'-1,5\"");
    }
}
