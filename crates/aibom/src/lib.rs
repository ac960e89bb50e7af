//! Draft AI systems from an AI bill of materials: a CycloneDX 1.5 or 1.6 JSON BOM whose
//! `machine-learning-model` components carry model cards.
//!
//! [`read`] takes the BOM's bytes and gives one [`Draft`] per AI system: an AI system of the
//! assessment file format (`aimsgap_wire::assessment::AiSystem`) filled with what the BOM says
//! (name, a description made from the model card, who supplied the model, its datasets, and the
//! generative-AI fact only where the model's task states it), and the questions the BOM cannot
//! answer (the organisation's role, the markets, the EU AI Act Annex III area, ...). A service
//! that depends on models becomes one system built on them; a model no service uses is a
//! system of its own. [`to_yaml`] writes the drafts as the `ai_systems:` list of an assessment
//! file, with the questions as comments.
//!
//! It does no I/O: bytes in, values out. It never guesses a legal fact: a role, a market, an
//! Annex III area or a general-purpose model is never filled in, only asked.
//!
//! The BOM is read through typed serde structs of the few parts used (`bom.rs`) rather than
//! through a full CycloneDX model: the parts read must have the specification's types, the rest
//! is skipped, and every refusal names where it is (the JSON path, line and column). The size
//! is checked before any parsing.

mod bom;
mod draft;
mod yaml;

pub use bom::SPEC_VERSIONS;
pub use draft::{Draft, Question};
pub use yaml::to_yaml;

/// The largest BOM read, in bytes (16 MiB); a larger one is refused before it is parsed.
pub const MAX_BOM_BYTES: usize = 16 * 1024 * 1024;

/// What a BOM gave: its version, serial number and the draft AI systems, in BOM order.
#[derive(Clone, Debug, PartialEq)]
pub struct Import {
    /// The CycloneDX version: `1.5` or `1.6`.
    pub spec_version: String,
    /// The BOM's serial number (`urn:uuid:...`), when it has one.
    pub serial_number: Option<String>,
    /// One draft per AI system; never empty.
    pub drafts: Vec<Draft>,
}

/// Why a BOM was refused, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}{kind}", where_text(path, *line, *column))]
pub struct Error {
    /// The JSON path of the value refused (`components[0].modelCard`); empty for the whole BOM.
    pub path: String,
    /// The line of the BOM where it is (from 1), or 0 when it is the whole BOM.
    pub line: usize,
    /// The column on that line (from 1), or 0.
    pub column: usize,
    pub kind: ErrorKind,
}

fn where_text(path: &str, line: usize, column: usize) -> String {
    match (line, path.is_empty()) {
        (0, true) => String::new(),
        (0, false) => format!("at `{path}`: "),
        (_, true) => format!("line {line}, column {column}: "),
        (_, false) => format!("line {line}, column {column}, at `{path}`: "),
    }
}

/// What is wrong with a refused BOM.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    #[error(
        "the BOM is {size} bytes, more than the {max} bytes ({} MiB) read; remove embedded images or split it",
        max / (1024 * 1024)
    )]
    TooLarge { size: usize, max: usize },
    #[error("not JSON: {0}")]
    Syntax(String),
    #[error("not a CycloneDX BOM: {0}")]
    NotCycloneDx(String),
    #[error("{0}")]
    SpecVersion(String),
    #[error("{0}")]
    Invalid(String),
    #[error(
        "no component of type `machine-learning-model`, so there is no AI system to draft ({0})"
    )]
    NoModels(String),
}

/// Reads a CycloneDX 1.5 or 1.6 JSON BOM into draft AI systems.
///
/// # Errors
/// A BOM over [`MAX_BOM_BYTES`], text that is not JSON, a JSON document that is not a CycloneDX
/// BOM of version 1.5 or 1.6, a part read with the wrong type, or a BOM without a
/// machine-learning-model component; each with where it is.
pub fn read(bytes: &[u8]) -> Result<Import, Error> {
    if bytes.len() > MAX_BOM_BYTES {
        return Err(whole(ErrorKind::TooLarge {
            size: bytes.len(),
            max: MAX_BOM_BYTES,
        }));
    }
    let first = bytes.iter().position(|b| !b.is_ascii_whitespace());
    match first.and_then(|at| bytes.get(at)) {
        Some(b'{') => {}
        None => {
            return Err(whole(ErrorKind::NotCycloneDx(
                "the file is empty".to_string(),
            )));
        }
        Some(_) => {
            return Err(whole(ErrorKind::NotCycloneDx(
                "a CycloneDX JSON BOM is a JSON object, starting with `{`".to_string(),
            )));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let parsed: bom::Bom =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|e| located(bytes, e))?;
    deserializer
        .end()
        .map_err(|error| located_json(String::new(), &error))?;
    if parsed.bom_format.is_none() {
        return Err(at_top(
            "bomFormat",
            ErrorKind::NotCycloneDx("it has no `bomFormat` (expected `CycloneDX`)".to_string()),
        ));
    }
    let Some(spec_version) = parsed.spec_version.as_ref().map(|v| v.0.clone()) else {
        return Err(at_top(
            "specVersion",
            ErrorKind::SpecVersion(
                "the BOM has no `specVersion` (expected `1.5` or `1.6`)".to_string(),
            ),
        ));
    };
    let drafts = draft::drafts(&parsed).map_err(whole)?;
    Ok(Import {
        spec_version,
        serial_number: parsed.serial_number,
        drafts,
    })
}

fn whole(kind: ErrorKind) -> Error {
    Error {
        path: String::new(),
        line: 0,
        column: 0,
        kind,
    }
}

fn at_top(path: &str, kind: ErrorKind) -> Error {
    Error {
        path: path.to_string(),
        line: 0,
        column: 0,
        kind,
    }
}

fn located(bytes: &[u8], error: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = error.path().to_string();
    let path = if path == "." { String::new() } else { path };
    let mut located = located_json(path, error.inner());
    // serde_json places an error raised after a value was read (a `bomFormat` or `specVersion`
    // that is a string, but not one read) past that value, on the next line at times: name the
    // line of the key instead.
    if error.inner().classify() == serde_json::error::Category::Data
        && matches!(located.path.as_str(), "bomFormat" | "specVersion")
        && let Some((line, column)) = key_position(bytes, &located.path)
    {
        located.line = line;
        located.column = column;
    }
    located
}

/// The line and column (from 1) of the first `"key"` in the text.
fn key_position(bytes: &[u8], key: &str) -> Option<(usize, usize)> {
    let quoted = format!("\"{key}\"");
    let at = bytes
        .windows(quoted.len())
        .position(|window| window == quoted.as_bytes())?;
    let before = bytes.get(..at)?;
    let line = before.iter().filter(|b| **b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |newline| newline + 1);
    Some((line, at - line_start + 1))
}

fn located_json(path: String, error: &serde_json::Error) -> Error {
    let text = error.to_string();
    // serde_json ends its message with the place, which the error carries as fields.
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text).to_string();
    let kind = match error.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            ErrorKind::Syntax(message)
        }
        _ if path == "bomFormat" => ErrorKind::NotCycloneDx(message),
        _ if path == "specVersion" => ErrorKind::SpecVersion(message),
        _ => ErrorKind::Invalid(message),
    };
    Error {
        path,
        line: error.line(),
        column: error.column(),
        kind,
    }
}
