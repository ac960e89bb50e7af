//! No description of an ISO or AICPA framework may carry a run of eight words that public copies
//! of the standards contain. The runs once found in our descriptions (catalogs/SOURCE.md says how)
//! are kept as short hashes in tests/data/copied-windows.txt, so the standards' text itself is not
//! stored; any description that brings one back fails here.

use super::catalog;
use aimsgap_catalog::Kind;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// The frameworks whose text belongs to ISO/IEC or the AICPA.
const FRAMEWORKS: &[&str] = &["iso42001", "iso27001", "soc2"];

/// The length of a window, in words.
const WINDOW: usize = 8;

const COPIED: &str = include_str!("../data/copied-windows.txt");

/// The lines of the list, as written.
fn listed() -> Vec<&'static str> {
    COPIED
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .collect()
}

/// The listed hashes.
fn copied() -> BTreeSet<[u8; 8]> {
    listed().into_iter().map(unhex).collect()
}

/// A listed hash as bytes.
fn unhex(entry: &str) -> [u8; 8] {
    let mut out = [0u8; 8];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&entry[2 * i..2 * i + 2], 16).expect("a 16-digit hex hash");
    }
    out
}

/// Lower case, apostrophes dropped, words of ASCII letters and digits.
fn words(text: &str) -> Vec<String> {
    text.to_lowercase()
        .replace(['\'', '\u{2019}'], "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

/// The first 8 bytes (16 hex digits) of the SHA-256 of a window's words joined by single
/// spaces, computed without allocating: the repository check hashes about a million windows.
fn hash(window: &[String]) -> [u8; 8] {
    let mut hasher = Sha256::new();
    for (i, word) in window.iter().enumerate() {
        if i > 0 {
            hasher.update(b" ");
        }
        hasher.update(word.as_bytes());
    }
    let digest = hasher.finalize();
    let mut out = [0u8; 8];
    out.copy_from_slice(&digest[..8]);
    out
}

/// The windows of a text whose hash is in the list, as their word offsets.
fn copied_windows(text: &str, list: &BTreeSet<[u8; 8]>) -> Vec<usize> {
    let words = words(text);
    words
        .windows(WINDOW)
        .enumerate()
        .filter(|(_, window)| list.contains(&hash(window)))
        .map(|(offset, _)| offset)
        .collect()
}

#[test]
fn the_list_of_copied_windows_is_well_formed() {
    let list: BTreeSet<&str> = listed().into_iter().collect();
    // The check of December 2026 found 135 distinct windows; the list only grows.
    assert!(list.len() >= 135, "only {} windows listed", list.len());
    for entry in &list {
        assert!(
            entry.len() == 16 && entry.chars().all(|c| c.is_ascii_hexdigit()),
            "not a 16-digit hex hash: {entry}"
        );
    }
}

#[test]
fn no_iso_or_aicpa_description_carries_a_known_copied_run() {
    let list = copied();
    let mut found = Vec::new();
    for id in FRAMEWORKS {
        let framework = catalog()
            .framework(id)
            .unwrap_or_else(|| panic!("framework {id} missing"));
        for requirement in &framework.requirements {
            // Headings of clauses and controls are the standards' own, carried as factual
            // references; the titles we wrote for split requirements are checked too.
            let mut fields = vec![("summary", requirement.summary.as_str())];
            if let Some(evidence) = requirement.evidence.as_deref() {
                fields.push(("evidence", evidence));
            }
            if requirement.kind == Kind::Requirement && *id == "iso42001" {
                fields.push(("title", requirement.title.as_str()));
            }
            for (field, text) in fields {
                for offset in copied_windows(text, &list) {
                    found.push(format!("{id} {} {field} at word {offset}", requirement.id));
                }
            }
        }
    }
    assert!(found.is_empty(), "copied runs: {found:?}");
}

#[test]
fn the_window_check_finds_a_listed_run_and_ignores_case_and_punctuation() {
    let run = "our own made up sentence of exactly eight words";
    let listed = hash(&words(run)[..WINDOW]);
    let list: BTreeSet<[u8; 8]> = [listed].into_iter().collect();
    assert_eq!(
        copied_windows(
            "Prefix: Our own, made-up sentence of exactly eight words!",
            &list
        ),
        vec![1]
    );
    assert!(copied_windows("our own sentence of exactly eight words here", &list).is_empty());
    assert_eq!(
        words("Organization's AI-system"),
        ["organizations", "ai", "system"]
    );
    // The list was made by another program: the hash must be the same function of the words.
    assert_eq!(listed, unhex("abd1cf0d302dee3b"));
}

/// The text files of the repository that can carry catalog text: fixtures, templates, drafted
/// documents, report snapshots, fuzzing seeds, examples, pages.
#[allow(
    clippy::disallowed_methods,
    reason = "the check reads the repository's own files, not catalog input"
)]
fn text_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !matches!(
                name.to_str(),
                Some("target" | ".git" | "node_modules" | "artifacts")
            ) {
                text_files(&path, out);
            }
        } else {
            out.push(path);
        }
    }
}

#[test]
#[allow(
    clippy::disallowed_methods,
    reason = "the check reads the repository's own files, not catalog input"
)]
fn no_file_of_the_repository_carries_a_known_copied_run() {
    let list = copied();
    // A standard's own headings are factual references and may appear anywhere.
    let mut headings = BTreeSet::new();
    for id in FRAMEWORKS {
        let framework = catalog()
            .framework(id)
            .unwrap_or_else(|| panic!("framework {id} missing"));
        for requirement in &framework.requirements {
            for window in words(&requirement.title).windows(WINDOW) {
                headings.insert(hash(window));
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["catalogs", "crates", "examples", "tests", "fuzz", "bench"] {
        text_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 100, "only {} files found", files.len());
    let mut found = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let words = words(&text);
        let offsets: Vec<usize> = words
            .windows(WINDOW)
            .enumerate()
            .filter(|(_, window)| {
                let window = hash(window);
                list.contains(&window) && !headings.contains(&window)
            })
            .map(|(offset, _)| offset)
            .collect();
        if let Some(first) = offsets.first() {
            let name = path.strip_prefix(&root).unwrap_or(path);
            found.push(format!(
                "{}: {} windows, the first at word {first}",
                name.display(),
                offsets.len()
            ));
        }
    }
    assert!(found.is_empty(), "copied runs: {found:?}");
}
