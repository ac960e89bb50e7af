//! The limits on every assessment document, in one table.
//!
//! A document is bounded wherever it comes from (a file given to `aimsgap assess`, an import,
//! an edit of one answer, AI system or the profile through the API or the pages, the quick
//! assessment): the number of entries of each list, the length of each text, and the range of
//! each number. The bounds are far above what a real organisation writes (the largest example
//! has a handful of AI systems and notes of a few lines) and low enough that a document within
//! them is assessed and rendered in bounded time and memory.
//!
//! | What | Limit |
//! |---|---|
//! | AI systems | [`MAX_AI_SYSTEMS`] (500) |
//! | answers | [`MAX_ANSWERS`] (400; at most one per ISO/IEC 42001 id in any case) |
//! | certifications | [`MAX_CERTIFICATIONS`] (20) |
//! | evidence entries per answer | [`MAX_EVIDENCE`] (20) |
//! | control states per certification | [`MAX_CONTROLS`] (500) |
//! | entries of a list (jurisdictions, markets, categories, decisions) | [`MAX_LIST`] (50) |
//! | names, ids, words, dates, owners, sectors | [`MAX_NAME_CHARS`] (200 characters) |
//! | notes, descriptions, justifications | [`MAX_TEXT_CHARS`] (4,000 characters) |
//! | evidence references | [`MAX_REFERENCE_CHARS`] (1,000 characters) |
//! | a document's text | [`MAX_DOCUMENT_BYTES`] (16 MiB) |
//! | a comment on a requirement or work package | [`MAX_COMMENT_CHARS`] (4,000 characters) |
//! | the name of an owner from outside the organisation | [`MAX_OWNER_NAME_CHARS`] (200 characters) |
//! | `organization.employees` | [`EMPLOYEES`] (1 to 10,000,000) |
//! | `organization.team_fte` | [`TEAM_FTE_MIN`] to [`TEAM_FTE_MAX`] (0.1 to 10,000) |
//! | `maturity` | [`MATURITY`] (0 to 5) |
//! | the year of every date | [`YEARS`] (1900 to 2200) |
//!
//! [`check`] measures the counts and lengths of a document (numbers and dates are judged by the
//! engine's reader, with its other checks). It says which breaches are counts: a server answers
//! those as too large (413) and a text too long as invalid (422).

use crate::assessment::{Document, Located};
use std::ops::RangeInclusive;

/// The most AI systems a document may list.
pub const MAX_AI_SYSTEMS: usize = 500;
/// The most answers a document may hold.
pub const MAX_ANSWERS: usize = 400;
/// The most certifications a document may list.
pub const MAX_CERTIFICATIONS: usize = 20;
/// The most evidence entries one answer may list.
pub const MAX_EVIDENCE: usize = 20;
/// The most control states one certification may list.
pub const MAX_CONTROLS: usize = 500;
/// The most entries of a list of words: jurisdictions, markets, categories, decisions.
pub const MAX_LIST: usize = 50;
/// The longest name, id, word, date, owner or sector, in characters.
pub const MAX_NAME_CHARS: usize = 200;
/// The longest note, description or justification, in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// The longest evidence reference (a document name or a link), in characters.
pub const MAX_REFERENCE_CHARS: usize = 1_000;
/// The largest document text read (a file, an imported `content`).
pub const MAX_DOCUMENT_BYTES: usize = 16 * 1024 * 1024;
/// The longest comment on a requirement or a work package, in characters.
pub const MAX_COMMENT_CHARS: usize = 4_000;
/// The longest name of a work owner from outside the organisation ("Jane Doe (consultant)").
pub const MAX_OWNER_NAME_CHARS: usize = 200;
/// The head count an organisation may state.
pub const EMPLOYEES: RangeInclusive<i64> = 1..=10_000_000;
/// The fewest full-time equivalents working on certification.
pub const TEAM_FTE_MIN: f64 = 0.1;
/// The most full-time equivalents working on certification.
pub const TEAM_FTE_MAX: f64 = 10_000.0;
/// The maturity levels an answer may state.
pub const MATURITY: RangeInclusive<i64> = 0..=5;
/// The years a date of a document may fall in.
pub const YEARS: RangeInclusive<i32> = 1900..=2200;

/// What a breach exceeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Excess {
    /// A list has more entries than its limit: the document is too large.
    Count,
    /// A text is longer than its limit.
    Length,
}

/// A limit a document exceeds, with the field and where it stood (line 0 when unknown).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    pub excess: Excess,
    /// The field's path: `ai_systems[3].description`.
    pub field: String,
    pub line: u64,
    pub column: u64,
    /// What is wrong: `12,000 characters, at most 4,000`.
    pub message: String,
}

/// A number with thousands separators: `12,000`.
pub fn thousands(number: usize) -> String {
    let digits = number.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A key as a field path shows it: cut when it is longer than a name may be.
fn key(text: &str) -> String {
    if text.chars().count() > 40 {
        let head: String = text.chars().take(40).collect();
        format!("{head}…")
    } else {
        text.to_string()
    }
}

struct Measure {
    breaches: Vec<Breach>,
}

impl Measure {
    fn count<T>(&mut self, field: &str, at: &Located<T>, count: usize, max: usize, what: &str) {
        if count > max {
            self.breaches.push(Breach {
                excess: Excess::Count,
                field: field.to_string(),
                line: at.line,
                column: at.column,
                message: format!("{} {what}, at most {}", thousands(count), thousands(max)),
            });
        }
    }

    fn text<T>(&mut self, field: impl FnOnce() -> String, at: &Located<T>, text: &str, max: usize) {
        // Bytes bound characters from above: most texts need no counting.
        if text.len() <= max {
            return;
        }
        let length = text.chars().count();
        if length > max {
            self.breaches.push(Breach {
                excess: Excess::Length,
                field: field(),
                line: at.line,
                column: at.column,
                message: format!(
                    "{} characters, at most {}",
                    thousands(length),
                    thousands(max)
                ),
            });
        }
    }

    fn name<T>(&mut self, field: impl FnOnce() -> String, at: &Located<T>, text: &str) {
        self.text(field, at, text, MAX_NAME_CHARS);
    }

    fn word(&mut self, field: impl FnOnce() -> String, word: &Located<String>) {
        self.text(field, word, &word.value, MAX_NAME_CHARS);
    }

    fn optional(&mut self, field: impl FnOnce() -> String, word: Option<&Located<String>>) {
        if let Some(word) = word {
            self.word(field, word);
        }
    }

    fn list<T>(&mut self, field: &str, at: &Located<T>, list: &[String]) {
        self.count(field, at, list.len(), MAX_LIST, "entries");
        for (i, entry) in list.iter().enumerate() {
            self.name(|| format!("{field}[{i}]"), at, entry);
        }
    }

    fn words<T>(&mut self, field: &str, at: &Located<T>, list: &[Located<String>]) {
        self.count(field, at, list.len(), MAX_LIST, "entries");
        for (i, entry) in list.iter().enumerate() {
            self.word(|| format!("{field}[{i}]"), entry);
        }
    }
}

/// Every count and length of `document` beyond its limit, counts first. When a list has too
/// many entries, its entries are not measured: the document is refused as too large anyway.
pub fn check(document: &Document) -> Vec<Breach> {
    let mut measure = Measure {
        breaches: Vec::new(),
    };
    let root = &document.aimsgap;
    measure.count(
        "ai_systems",
        root,
        document.ai_systems.len(),
        MAX_AI_SYSTEMS,
        "AI systems",
    );
    measure.count(
        "answers",
        root,
        document.answers.len(),
        MAX_ANSWERS,
        "answers",
    );
    measure.count(
        "certifications",
        root,
        document.certifications.len(),
        MAX_CERTIFICATIONS,
        "certifications",
    );
    for (i, certification) in document.certifications.iter().enumerate() {
        measure.count(
            &format!("certifications[{i}].controls"),
            certification,
            certification.controls.len(),
            MAX_CONTROLS,
            "control states",
        );
    }
    for (id, answer) in &document.answers {
        measure.count(
            &format!("answers.{}.evidence", key(id)),
            answer,
            answer.evidence.len(),
            MAX_EVIDENCE,
            "evidence entries",
        );
    }
    if !measure.breaches.is_empty() {
        return measure.breaches;
    }

    if let Some(as_of) = &document.as_of {
        measure.word(|| "as_of".into(), as_of);
    }
    let organization = &document.organization;
    measure.name(
        || "organization.name".into(),
        organization,
        &organization.name,
    );
    if let Some(sector) = &organization.sector {
        measure.name(|| "organization.sector".into(), organization, sector);
    }
    measure.list(
        "organization.jurisdictions",
        organization,
        &organization.jurisdictions,
    );

    for (i, certification) in document.certifications.iter().enumerate() {
        let field = |name: &str| format!("certifications[{i}].{name}");
        measure.word(|| field("framework"), &certification.framework);
        measure.word(|| field("status"), &certification.status);
        measure.optional(|| field("valid_until"), certification.valid_until.as_ref());
        measure.optional(|| field("report"), certification.report.as_ref());
        measure.words(
            &field("categories"),
            certification,
            &certification.categories,
        );
        for (id, state) in &certification.controls {
            measure.name(|| field(&format!("controls.{}", key(id))), state, id);
            measure.word(|| field(&format!("controls.{}", key(id))), state);
        }
    }

    for (i, system) in document.ai_systems.iter().enumerate() {
        let field = |name: &str| format!("ai_systems[{i}].{name}");
        measure.word(|| field("id"), &system.id);
        measure.name(|| field("name"), system, &system.name);
        if let Some(description) = &system.description {
            measure.text(|| field("description"), system, description, MAX_TEXT_CHARS);
        }
        measure.optional(|| field("role"), system.role.as_ref());
        measure.list(&field("markets"), system, &system.markets);
        measure.optional(|| field("annex_iii_area"), system.annex_iii_area.as_ref());
        measure.optional(|| field("annex_iii_point"), system.annex_iii_point.as_ref());
        measure.optional(
            || field("placed_on_market"),
            system.placed_on_market.as_ref(),
        );
        if let Some(product) = &system.annex_i_product {
            measure.name(|| field("annex_i_product"), system, product);
        }
        if let Some(practice) = &system.prohibited_practice {
            measure.name(|| field("prohibited_practice"), system, practice);
        }
        measure.words(
            &field("consequential_decisions"),
            system,
            &system.consequential_decisions,
        );
    }

    for (id, answer) in &document.answers {
        let field = |name: &str| format!("answers.{}.{name}", key(id));
        measure.name(|| format!("answers.{}", key(id)), answer, id);
        measure.word(|| field("status"), &answer.status);
        if let Some(owner) = &answer.owner {
            measure.name(|| field("owner"), answer, owner);
        }
        for (j, evidence) in answer.evidence.iter().enumerate() {
            measure.text(
                || field(&format!("evidence[{j}].ref")),
                &evidence.kind,
                &evidence.reference,
                MAX_REFERENCE_CHARS,
            );
            measure.word(|| field(&format!("evidence[{j}].kind")), &evidence.kind);
            measure.optional(
                || field(&format!("evidence[{j}].date")),
                evidence.date.as_ref(),
            );
        }
        if let Some(justification) = &answer.justification {
            measure.text(
                || field("justification"),
                answer,
                justification,
                MAX_TEXT_CHARS,
            );
        }
        if let Some(notes) = &answer.notes {
            measure.text(|| field("notes"), answer, notes, MAX_TEXT_CHARS);
        }
    }
    measure.breaches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separates_groups_of_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(12_000), "12,000");
        assert_eq!(thousands(1_048_576), "1,048,576");
    }

    #[test]
    fn a_long_key_is_cut_in_field_paths() {
        assert_eq!(key("5.2"), "5.2");
        let long = "x".repeat(100);
        assert_eq!(key(&long).chars().count(), 41);
    }
}
