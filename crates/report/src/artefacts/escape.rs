//! The Markdown escaping of user text in the drafts, and the askama escaper that applies it to
//! every value of their templates.

/// Escapes user text for Markdown: whitespace runs (newlines included) become one space,
/// control characters go, `&`, `<` and `>` become entities, the characters that carry Markdown
/// meaning inline get a backslash, and so do the markers that would start a block at the
/// beginning of the text (`-`, `+`, `=`, `1. `). The result is safe in a paragraph, a list item
/// and a table cell.
pub fn escape(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = collapsed.chars().filter(|c| !c.is_control()).collect();
    let mut out = String::with_capacity(collapsed.len() + 8);
    let mut only_digits_so_far = true;
    for (position, &ch) in chars.iter().enumerate() {
        // `1.` or `1)` followed by a space (or nothing) would start an ordered list.
        let ends_list_marker = only_digits_so_far
            && position > 0
            && chars.get(position + 1).is_none_or(|next| *next == ' ');
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '-' | '+' | '=' if position == 0 => {
                out.push('\\');
                out.push(ch);
            }
            '.' | ')' if ends_list_marker => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
        only_digits_so_far = only_digits_so_far && ch.is_ascii_digit();
    }
    out
}

/// The askama escaper of the Markdown templates (`.md`): [`escape`] applied to each value.
///
/// A value is escaped as a whole, because the rules depend on where a character stands in the
/// text (a `-` or `1.` only starts a block at its beginning). Values of the drafts' views are
/// therefore strings, written in one piece, never types that format themselves piecemeal.
#[derive(Clone, Copy, Debug, Default)]
pub struct Markdown;

impl askama::filters::Escaper for Markdown {
    fn write_escaped_str<W: std::fmt::Write>(&self, mut dest: W, string: &str) -> std::fmt::Result {
        dest.write_str(&escape(string))
    }
}
