//! The views shared by every draft: the source note that ends each statement, the preface
//! (document control and reading note), what the assessment records today, the state of Annex A
//! controls, and the signature table. Each is a small typed value rendered by its own Markdown template, so user text is
//! escaped by the template engine and never spliced into Markdown by hand.

use super::{Context, escape, words};
use aimsgap_assess::Answer;
use askama::Template;

/// Renders a template to a string.
///
/// The views write only strings into a `String`, which cannot fail; should a future view
/// fail, the draft says so where the text would have been instead of losing the document.
pub(super) fn render(template: &impl Template) -> String {
    template
        .render()
        .unwrap_or_else(|error| format!("(rendering failed: {})", escape(&error.to_string())))
}

/// A piece of a source entry: our own words, or a value from the data that gets escaped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Piece {
    Ours(&'static str),
    Data(String),
    /// `and <n> more`: the entries left out of a capped list.
    More(usize),
}

/// One entry of a source note, such as `ai_system <id>.description`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct SourceRef {
    pub(super) pieces: Vec<Piece>,
}

impl SourceRef {
    /// An entry made of our words only (`assessment ai_systems`).
    pub(super) fn ours(text: &'static str) -> SourceRef {
        SourceRef {
            pieces: vec![Piece::Ours(text)],
        }
    }

    /// Our label, then a value (`answer <id>`, `iso42001 <id>`).
    pub(super) fn labelled(label: &'static str, value: &str) -> SourceRef {
        SourceRef {
            pieces: vec![Piece::Ours(label), Piece::Data(value.to_string())],
        }
    }

    pub(super) fn iso(id: &str) -> SourceRef {
        SourceRef::labelled("iso42001 ", id)
    }

    /// A fact recorded about an AI system: `ai_system <id>.<field>`.
    pub(super) fn system(id: &str, field: &'static str) -> SourceRef {
        SourceRef {
            pieces: vec![
                Piece::Ours("ai_system "),
                Piece::Data(id.to_string()),
                Piece::Ours("."),
                Piece::Ours(field),
            ],
        }
    }

    /// A law obligation: `<law> <reference>`.
    pub(super) fn obligation(law: &str, reference: &str) -> SourceRef {
        SourceRef {
            pieces: vec![
                Piece::Data(law.to_string()),
                Piece::Ours(" "),
                Piece::Data(reference.to_string()),
            ],
        }
    }

    /// The first `limit` entries, then one that counts the rest.
    pub(super) fn capped(mut entries: Vec<SourceRef>, limit: usize) -> Vec<SourceRef> {
        if entries.len() > limit {
            let rest = entries.len() - limit;
            entries.truncate(limit);
            entries.push(SourceRef {
                pieces: vec![Piece::More(rest)],
            });
        }
        entries
    }
}

/// The trailing note of a statement: `(source: a; b)`, each entry once, in first-seen order.
#[derive(Clone, Debug, Template)]
#[template(path = "artefacts/source.md")]
pub(super) struct Source {
    entries: Vec<SourceRef>,
}

impl Source {
    pub(super) fn new(entries: impl IntoIterator<Item = SourceRef>) -> Source {
        let mut unique: Vec<SourceRef> = Vec::new();
        for entry in entries {
            if !unique.contains(&entry) {
                unique.push(entry);
            }
        }
        Source { entries: unique }
    }
}

/// Document control and the reading note at the top of every draft.
#[derive(Debug, Template)]
#[template(path = "artefacts/preface.md")]
pub(super) struct Preface<'a> {
    /// Our name of the document, with the clauses it answers.
    document: &'static str,
    clause: &'static str,
    organisation: &'a str,
    as_of: String,
    owner: Option<Owner<'a>>,
}

/// The owner recorded on the answer that governs a document, and that answer's id.
#[derive(Debug)]
struct Owner<'a> {
    name: &'a str,
    answer: &'a str,
}

impl<'a> Preface<'a> {
    /// `owner_of` lists the ISO/IEC 42001 ids whose answer may name the document's owner,
    /// the first that does wins.
    pub(super) fn new(
        context: &Context<'a>,
        document: &'static str,
        clause: &'static str,
        owner_of: &[&str],
    ) -> Preface<'a> {
        let owner = owner_of.iter().find_map(|id| {
            context.answer(id).and_then(|answer| {
                answer.owner.as_deref().map(|name| Owner {
                    name,
                    answer: &answer.id,
                })
            })
        });
        Preface {
            document,
            clause,
            organisation: &context.assessment.organization.name,
            as_of: context.assessment.as_of.to_string(),
            owner,
        }
    }
}

/// One piece of evidence of an answer.
#[derive(Debug)]
pub(super) struct EvidenceView<'a> {
    pub(super) reference: &'a str,
    pub(super) kind: String,
    /// The date, or `undated`.
    pub(super) date: String,
}

/// An answer of the assessment, as a statement.
#[derive(Debug)]
pub(super) struct AnswerView<'a> {
    id: &'a str,
    status: String,
    maturity: Option<u8>,
    owner: Option<&'a str>,
    evidence: Vec<EvidenceView<'a>>,
    notes: Option<&'a str>,
    justification: Option<&'a str>,
}

impl<'a> AnswerView<'a> {
    fn new(answer: &'a Answer) -> AnswerView<'a> {
        AnswerView {
            id: &answer.id,
            status: words(answer.status.as_str()),
            maturity: answer.maturity,
            owner: answer.owner.as_deref(),
            evidence: answer
                .evidence
                .iter()
                .map(|evidence| EvidenceView {
                    reference: &evidence.reference,
                    kind: words(evidence.kind.as_str()),
                    date: evidence
                        .date
                        .map_or_else(|| "undated".to_string(), |date| date.to_string()),
                })
                .collect(),
            notes: answer.notes.as_deref(),
            justification: answer.justification.as_deref(),
        }
    }
}

/// What the assessment records about one ISO/IEC 42001 id and the ids beneath it.
#[derive(Debug)]
pub(super) struct StateOf<'a> {
    id: &'a str,
    answers: Vec<AnswerView<'a>>,
    /// (requirement id, status words) as the engine judged them.
    statuses: Vec<(&'a str, String)>,
}

/// The list items saying what the assessment records today about some ISO/IEC 42001 ids: the
/// answers and the statuses the engine gave. Renders list items only, so a document can add
/// items of its own to the same list.
#[derive(Debug, Template)]
#[template(path = "artefacts/current-state.md")]
pub(super) struct CurrentState<'a> {
    ids: Vec<StateOf<'a>>,
}

impl<'a> CurrentState<'a> {
    pub(super) fn new(context: &Context<'a>, ids: &[&'a str]) -> CurrentState<'a> {
        let ids = ids
            .iter()
            .map(|id| {
                let prefix = format!("{id}.");
                let within = |other: &str| other == *id || other.starts_with(&prefix);
                StateOf {
                    id,
                    answers: context
                        .assessment
                        .answers
                        .iter()
                        .filter(|answer| within(&answer.id))
                        .map(AnswerView::new)
                        .collect(),
                    statuses: context
                        .result
                        .requirements
                        .iter()
                        .filter(|requirement| within(&requirement.id))
                        .map(|requirement| {
                            (requirement.id.as_str(), words(requirement.status.as_str()))
                        })
                        .collect(),
                }
            })
            .collect();
        CurrentState { ids }
    }
}

/// The approval table: one row per role, name and date left to the organisation.
#[derive(Debug, Template)]
#[template(path = "artefacts/signatures.md")]
pub(super) struct Signatures {
    pub(super) roles: &'static [&'static str],
}

/// Where the SoA stands on one Annex A control.
#[derive(Debug)]
pub(super) enum ControlState<'a> {
    /// Included, with its status words and owner.
    Included(String, Option<&'a str>),
    Excluded,
    Absent,
}

/// One Annex A control with its title and SoA state.
#[derive(Debug)]
pub(super) struct ControlLine<'a> {
    id: &'a str,
    title: &'a str,
    state: ControlState<'a>,
}

/// List items, one per Annex A control the catalog knows: its title and what the SoA says.
#[derive(Debug, Template)]
#[template(path = "artefacts/control-lines.md")]
pub(super) struct ControlLines<'a> {
    lines: Vec<ControlLine<'a>>,
}

impl<'a> ControlLines<'a> {
    pub(super) fn new(context: &Context<'a>, controls: &[&'a str]) -> ControlLines<'a> {
        let lines = controls
            .iter()
            .filter_map(|id| {
                let title = context.iso?.get(id)?.title.as_str();
                let state = match context.soa(id) {
                    Some(entry) if entry.included => {
                        ControlState::Included(words(entry.status.as_str()), entry.owner.as_deref())
                    }
                    Some(_) => ControlState::Excluded,
                    None => ControlState::Absent,
                };
                Some(ControlLine { id, title, state })
            })
            .collect();
        ControlLines { lines }
    }
}

/// The appendix that ends a draft: what the notes' labels mean, then each note by number.
/// The notes are rendered Markdown already (source entries escaped as they were written).
#[derive(Debug, Template)]
#[template(path = "artefacts/sources.md")]
pub(super) struct Sources {
    pub(super) notes: Vec<String>,
}
