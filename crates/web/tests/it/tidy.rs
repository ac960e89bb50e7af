//! Markup lives in templates, never in Rust strings: the templates escape every value, while a
//! string literal holding a tag invites hand-built markup with hand-made escaping. This test
//! reads the Rust sources of the directories in [`MARKUP_FREE`] and fails, naming file and
//! line, on any string literal (plain, raw or byte) that holds an HTML tag. Test code
//! (`#[cfg(test)]` items) is not scanned: tests may well look for tags.

use std::path::{Path, PathBuf};

/// The source directories that must hold no markup in string literals, relative to the
/// workspace root: the web crate's pages and API, and the report crate's renderers.
const MARKUP_FREE: &[&str] = &["crates/web/src", "crates/report/src"];

/// One string literal of a source file: where it starts and what it holds.
#[derive(Debug, PartialEq)]
struct Literal {
    line: usize,
    text: String,
}

/// The string literals of Rust source outside `#[cfg(test)]` items, with their lines.
/// Comments, char literals and lifetimes are told apart from strings, so a `'"'` or a
/// commented-out tag is not a literal.
fn literals(source: &str) -> Vec<Literal> {
    let chars: Vec<char> = source.chars().collect();
    let mut found = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // While inside a `#[cfg(test)]` item: the brace depth at which it ends.
    let mut skip_from: Option<usize> = None;
    let mut pending_test_item = false;
    let mut depth = 0usize;
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = at(i);
        if c == '\n' {
            line += 1;
            i += 1;
            continue;
        }
        // Comments.
        if c == '/' && at(i + 1) == '/' {
            while i < chars.len() && at(i) != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && at(i + 1) == '*' {
            let mut nesting = 0;
            while i < chars.len() {
                if at(i) == '/' && at(i + 1) == '*' {
                    nesting += 1;
                    i += 2;
                } else if at(i) == '*' && at(i + 1) == '/' {
                    nesting -= 1;
                    i += 2;
                    if nesting == 0 {
                        break;
                    }
                } else {
                    if at(i) == '\n' {
                        line += 1;
                    }
                    i += 1;
                }
            }
            continue;
        }
        // `#[cfg(test)]` marks the next item (up to its closing brace) as test code.
        if c == '#' && chars[i..].iter().take(12).collect::<String>() == "#[cfg(test)]" {
            pending_test_item = true;
            i += 12;
            continue;
        }
        if c == '{' {
            depth += 1;
            if pending_test_item && skip_from.is_none() {
                skip_from = Some(depth);
                pending_test_item = false;
            }
            i += 1;
            continue;
        }
        if c == '}' {
            if skip_from == Some(depth) {
                skip_from = None;
            }
            depth = depth.saturating_sub(1);
            i += 1;
            continue;
        }
        if c == ';' && pending_test_item && skip_from.is_none() {
            // `#[cfg(test)] mod tests;` or a test-only `use`: nothing inline to skip.
            pending_test_item = false;
        }
        // Char literals and lifetimes: `'"'`, `'\''`, `'a`.
        if c == '\'' {
            if at(i + 1) == '\\' {
                // `'\''`, `'\n'`, `'\u{..}'`: past the escaped character, then to the quote.
                i += 3;
                while i < chars.len() && at(i) != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(i + 2) == '\'' {
                i += 3;
            } else {
                i += 1;
            }
            continue;
        }
        // Raw strings: r"..", r#".."#, br#".."#.
        let raw_start = match (c, at(i + 1)) {
            ('r', '"' | '#') => Some(i + 1),
            ('b', 'r') if matches!(at(i + 2), '"' | '#') => Some(i + 2),
            _ => None,
        };
        let identifier_before = i > 0 && (at(i - 1).is_alphanumeric() || at(i - 1) == '_');
        if let Some(mut j) = raw_start.filter(|_| !identifier_before) {
            let mut hashes = 0;
            while at(j) == '#' {
                hashes += 1;
                j += 1;
            }
            if at(j) == '"' {
                let start_line = line;
                let closing: String = std::iter::once('"')
                    .chain(std::iter::repeat_n('#', hashes))
                    .collect();
                let mut text = String::new();
                j += 1;
                while j < chars.len()
                    && chars[j..].iter().take(closing.len()).collect::<String>() != closing
                {
                    if at(j) == '\n' {
                        line += 1;
                    }
                    text.push(at(j));
                    j += 1;
                }
                if skip_from.is_none() {
                    found.push(Literal {
                        line: start_line,
                        text,
                    });
                }
                i = j + closing.len();
                continue;
            }
        }
        // Plain and byte strings.
        if c == '"' {
            let start_line = line;
            let mut text = String::new();
            i += 1;
            while i < chars.len() && at(i) != '"' {
                if at(i) == '\\' {
                    text.push(at(i));
                    i += 1;
                }
                if at(i) == '\n' {
                    line += 1;
                }
                text.push(at(i));
                i += 1;
            }
            if skip_from.is_none() {
                found.push(Literal {
                    line: start_line,
                    text,
                });
            }
            i += 1;
            continue;
        }
        i += 1;
    }
    found
}

/// The first HTML tag in a text, as written: `<` or `</`, a letter, letters and digits, then a
/// space, `>` or `/`.
fn tag(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    for (start, byte) in bytes.iter().enumerate() {
        if *byte != b'<' {
            continue;
        }
        let mut j = start + 1;
        if bytes.get(j) == Some(&b'/') {
            j += 1;
        }
        if !bytes.get(j).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        while bytes.get(j).is_some_and(u8::is_ascii_alphanumeric) {
            j += 1;
        }
        if matches!(bytes.get(j), Some(b' ' | b'>' | b'/')) {
            return text.get(start..=j);
        }
    }
    None
}

fn rust_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap().path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "tests") {
                continue;
            }
            rust_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

#[test]
fn no_string_literal_in_the_pages_sources_holds_markup() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in MARKUP_FREE {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 5, "the sources were found: {files:?}");
    let mut found = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        for literal in literals(&source) {
            if let Some(tag) = tag(&literal.text) {
                let name = file.strip_prefix(&root).unwrap_or(file);
                found.push(format!("{}:{}: {tag}", name.display(), literal.line));
            }
        }
    }
    assert!(
        found.is_empty(),
        "markup belongs in templates/, not in string literals:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_finds_tags_in_every_kind_of_literal_and_skips_tests_and_comments() {
    let source = r####"
fn a() -> &'static str { "<p>one</p>" }
// "<b>commented</b>"
/* "<i>block</i>" */
fn b() { let c = '"'; let d = '\''; let s = r#"<div class="x">"#; }
fn d() { let q = "a < b and c > d"; let e = b"</span>"; let f = "\"<em>\""; }
#[cfg(test)]
mod tests {
    fn t() { let t = "<table>"; }
}
fn g() { let h = "<br>"; }
"####;
    let hits: Vec<(usize, String)> = literals(source)
        .into_iter()
        .filter_map(|l| tag(&l.text).map(|t| (l.line, t.to_string())))
        .collect();
    assert_eq!(
        hits,
        vec![
            (2, "<p>".to_string()),
            (5, "<div ".to_string()),
            (6, "</span>".to_string()),
            (6, "<em>".to_string()),
            (11, "<br>".to_string()),
        ]
    );
}
