//! Validation of one item of a stored assessment (an answer, an AI system, the profile) as a
//! write of that item alone changes it, without reading or judging the rest of the document.
//!
//! A stored assessment was valid when it was written, so a write of one item can only make it
//! invalid through that item, or through what the item is judged against: the profile (format
//! version, as-of date, which every answer is read under) and the number of entries of its list.
//! Each check here builds the smallest document that holds exactly that (the profile and the one
//! item) and has [`from_document`] judge it, so the rules, field paths and messages are those of
//! the whole-document reader by construction, not a second copy of them. What differs is only
//! where an error stands (the line and column of a document that was never written out).
//!
//! Deliberately not here: the rule that a write through the server refuses evidence dated after
//! the assessment date (the server's, applied to what these checks return), and the profile's
//! effect on the stored answers (a caller that changes the as-of date checks the answers' dates
//! itself, as only that rule ties them to the profile).

use crate::file::{check_limits, from_document};
use crate::input::Assessment;
use aimsgap_catalog::{Catalog, Date, Error};
use aimsgap_wire::assessment::{AiSystem, Answer, Document, Located, Profile};
use aimsgap_wire::limits;

/// The document that holds the profile and the given AI systems and answers, nothing else.
fn document_of(
    profile: &Profile,
    ai_systems: Vec<AiSystem>,
    answers: Vec<(String, Answer)>,
) -> Document {
    Document::from_parts(profile.clone(), ai_systems, answers)
}

/// The count breaches of a document whose list of AI systems or answers grows to `systems` or
/// `answers` entries by this write: the whole document is then too large, whatever its entries
/// say, and its entries are not measured (see [`limits::check`]). `None` when within the limits.
fn over_count(
    file_name: &str,
    systems: usize,
    answers: usize,
    item: Document,
) -> Option<Vec<Error>> {
    if systems <= limits::MAX_AI_SYSTEMS && answers <= limits::MAX_ANSWERS {
        return None;
    }
    // Placeholders stand for the stored entries: only their number is judged.
    let mut counted = item;
    while counted.ai_systems.len() < systems {
        counted.ai_systems.push(Located::new(AiSystem::default()));
    }
    let mut placeholder = 0usize;
    while counted.answers.len() < answers {
        counted
            .answers
            .entry(format!("\u{0}{placeholder}"))
            .or_insert_with(|| Located::new(Answer::default()));
        placeholder += 1;
    }
    check_limits(file_name, &counted)
        .err()
        .map(|over| over.errors)
}

/// Validates one answer written to an assessment whose profile is `profile` and which holds
/// `answers` answers once this one is written: what the whole document would be refused for
/// because of this answer, with the same fields and messages. Returns the assessment the
/// profile and this answer make (its `as_of` is the date the answer's evidence is judged on).
pub fn check_answer(
    file_name: &str,
    profile: &Profile,
    answers: usize,
    id: &str,
    answer: &Answer,
    catalog: &Catalog,
    default_as_of: Date,
) -> Result<Assessment, Vec<Error>> {
    let item = document_of(profile, Vec::new(), vec![(id.to_string(), answer.clone())]);
    if let Some(errors) = over_count(file_name, 0, answers, item.clone()) {
        return Err(errors);
    }
    from_document(file_name, &item, catalog, default_as_of)
}

/// Validates one AI system written at position `index` of the inventory of an assessment whose
/// profile is `profile` and which holds `systems` AI systems once it is written. The AI system
/// replaces the one of the same id (ids are unique), so no other entry is judged.
pub fn check_ai_system(
    file_name: &str,
    profile: &Profile,
    systems: usize,
    index: usize,
    system: &AiSystem,
    catalog: &Catalog,
    default_as_of: Date,
) -> Result<Assessment, Vec<Error>> {
    let item = document_of(profile, vec![system.clone()], Vec::new());
    if let Some(errors) = over_count(file_name, systems, 0, item.clone()) {
        return Err(errors);
    }
    from_document(file_name, &item, catalog, default_as_of).map_err(|errors| {
        // Judged alone, the system stands first; its fields name where it stands.
        errors
            .into_iter()
            .map(|mut error| {
                if let Some(rest) = error.field.strip_prefix("ai_systems[0]") {
                    error.field = format!("ai_systems[{index}]{rest}");
                }
                error
            })
            .collect()
    })
}

/// Validates a profile on its own: its format version, as-of date, organisation and
/// certifications. The caller judges the stored answers' evidence dates against the returned
/// assessment's `as_of` when it may have moved.
pub fn check_profile(
    file_name: &str,
    profile: &Profile,
    catalog: &Catalog,
    default_as_of: Date,
) -> Result<Assessment, Vec<Error>> {
    from_document(
        file_name,
        &document_of(profile, Vec::new(), Vec::new()),
        catalog,
        default_as_of,
    )
}
