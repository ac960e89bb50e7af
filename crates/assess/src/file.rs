//! The assessment file (YAML or JSON): the public input format of aimsgap, version 2.
//!
//! Version 1 files still load: [`upgrade`] maps their ISO/IEC 42001 ids to today's through the
//! catalog's `formerly`, and names each renamed id ([`Renamed`]) so that the caller can warn.
//!
//! Reading is pure: text in, an [`Assessment`] or located errors out. The document's shape is
//! `aimsgap_wire::assessment::Document`, which also writes it; this module reads it (JSON with
//! serde_json, YAML with serde-saphyr) and judges its values against the catalog, naming the
//! file, line, column and field of every wrong value. [`to_document`] writes an assessment built
//! in code back as a document.

use crate::input::*;
use aimsgap_catalog::{Catalog, Date, Error, ErrorKind, Kind, Location, SmolStr};
use aimsgap_wire::assessment::{self as file, Document, Located};
use aimsgap_wire::limits::{self, Excess};
use std::collections::{BTreeMap, HashSet};

type S = Located<String>;

/// The version of the assessment file format this engine writes (and reads, with version 1).
pub const FORMAT_VERSION: i64 = file::FORMAT_VERSION;

/// An ISO/IEC 42001 id of an assessment file of format 1 that is another id today.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Renamed {
    /// The id as the file wrote it.
    pub old: String,
    /// Today's id of the same requirement.
    pub new: String,
    /// The requirement's title.
    pub title: String,
}

impl std::fmt::Display for Renamed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is now {} ({})", self.old, self.new, self.title)
    }
}

/// Brings a document of format 1 to the current format: every answer id that was renamed
/// becomes today's id (through the catalog's `formerly`), and the version becomes current.
/// Ids that are no requirement of format 1 stay as written, for the reader to refuse. A
/// document already current, or of a version this engine does not read, is returned as it is,
/// with no renamed ids.
pub fn upgrade<'a>(
    document: &'a Document,
    catalog: &Catalog,
) -> (std::borrow::Cow<'a, Document>, Vec<Renamed>) {
    let Some(iso) = catalog.framework("iso42001") else {
        return (std::borrow::Cow::Borrowed(document), Vec::new());
    };
    if document.aimsgap.value != file::OLDEST_FORMAT_VERSION {
        return (std::borrow::Cow::Borrowed(document), Vec::new());
    }
    let mut renamed = Vec::new();
    let mut upgraded = document.clone();
    upgraded.aimsgap.value = FORMAT_VERSION;
    upgraded.answers = document
        .answers
        .iter()
        .map(|(id, answer)| match iso.by_former_id(id) {
            Some(requirement) if requirement.id != *id => {
                renamed.push(Renamed {
                    old: id.clone(),
                    new: requirement.id.to_string(),
                    title: requirement.title.to_string(),
                });
                (requirement.id.to_string(), answer.clone())
            }
            _ => (id.clone(), answer.clone()),
        })
        .collect();
    // In catalog order, as the answers are judged.
    renamed.sort_by_key(|r| iso.position(&r.new).unwrap_or(usize::MAX));
    (std::borrow::Cow::Owned(upgraded), renamed)
}

/// What [`migrate`] makes of a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Migration {
    /// The file is of the current format already: nothing to rewrite.
    Current,
    /// The file's text rewritten to the current format, and the ids it renamed.
    Rewritten { text: String, renamed: Vec<Renamed> },
}

/// Rewrites the text of an assessment file of format 1 to the current format, changing only
/// the version and the renamed answer ids, each at the place the located reading found it, so
/// that comments, layout and quoting stay as written. A file with errors gives its located
/// errors and is not rewritten. The rewritten text is read back and must say what
/// [`upgrade`] says.
pub fn migrate(
    file_name: &str,
    text: &str,
    catalog: &Catalog,
    default_as_of: Date,
) -> Result<Migration, Vec<Error>> {
    let document = read_document(file_name, text)?;
    read_checked(file_name, text, &document, catalog, default_as_of)?;
    let (upgraded, renamed) = upgrade(&document, catalog);
    let std::borrow::Cow::Owned(upgraded) = upgraded else {
        return Ok(Migration::Current);
    };
    let refuse = |line: u64, column: u64, field: &str, message: String| {
        vec![Error {
            location: Location {
                file: file_name.to_string(),
                line,
                column,
            },
            field: field.to_string(),
            kind: ErrorKind::Invalid(message),
        }]
    };
    // JSON is YAML: the YAML reader says where each value of either stands.
    let located = read_yaml(file_name, &yaml_readable(text))?;
    let version = &located.aimsgap;
    let at = offset(text, version.line, version.column)
        .filter(|&at| text.get(at..).is_some_and(|rest| rest.starts_with('1')))
        .ok_or_else(|| {
            refuse(
                version.line,
                version.column,
                "aimsgap",
                "cannot find the version `1` to rewrite: write `aimsgap: 2` by hand".into(),
            )
        })?;
    let mut edits: Vec<(usize, usize, String)> = vec![(at, at + 1, FORMAT_VERSION.to_string())];
    for renamed in &renamed {
        let field = format!("answers.{}", renamed.old);
        let answer = located.answers.get(&renamed.old);
        let start = answer
            .and_then(|answer| offset(text, answer.line, answer.column))
            .and_then(|before| key_before(text, before, &renamed.old))
            .ok_or_else(|| {
                let (line, column) = answer.map_or((0, 0), |a| (a.line, a.column));
                refuse(
                    line,
                    column,
                    &field,
                    format!(
                        "cannot find the key `{}` to rewrite: rename it to `{}` by hand",
                        renamed.old, renamed.new
                    ),
                )
            })?;
        edits.push((start, start + renamed.old.len(), renamed.new.clone()));
    }
    edits.sort_by_key(|edit| edit.0);
    let mut out = String::with_capacity(text.len() + 64);
    let mut last = 0;
    for (start, end, with) in &edits {
        out.push_str(text.get(last..*start).unwrap_or_default());
        out.push_str(with);
        last = *end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    if read_document(file_name, &out).ok().as_ref() != Some(&upgraded) {
        return Err(refuse(
            0,
            0,
            "document",
            "the rewritten file would not say what the old one said: rename the ids by hand \
             (see `aimsgap catalog show iso42001 ID` for each id's former id)"
                .into(),
        ));
    }
    Ok(Migration::Rewritten { text: out, renamed })
}

/// The byte offset of a 1-based line and column (in characters) of `text`. Line breaks are
/// those of YAML: `\n`, `\r\n` and a lone `\r`.
fn offset(text: &str, line: u64, column: u64) -> Option<usize> {
    if line == 0 || column == 0 {
        return None;
    }
    let mut current = 1;
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while current < line {
        let (i, c) = chars.next()?;
        let lone_return = c == '\r' && !matches!(chars.peek(), Some((_, '\n')));
        if c == '\n' || lone_return {
            current += 1;
            start = i + c.len_utf8();
        }
    }
    let column = usize::try_from(column - 1).ok()?;
    text.get(start..)?
        .char_indices()
        .nth(column)
        .map(|(i, _)| start + i)
}

/// Where the mapping key `id` of the value at `before` starts: its nearest occurrence before
/// the value that is a whole id (quoted or not) followed by a colon.
fn key_before(text: &str, before: usize, id: &str) -> Option<usize> {
    let part_of_id = |c: char| c.is_alphanumeric() || matches!(c, '.' | '-' | '_');
    text.get(..before)?
        .rmatch_indices(id)
        .map(|(i, _)| i)
        .find(|&i| {
            let whole = !text
                .get(..i)
                .and_then(|head| head.chars().next_back())
                .is_some_and(part_of_id);
            let rest = text.get(i + id.len()..).unwrap_or_default();
            let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
            whole && rest.trim_start_matches([' ', '\t']).starts_with(':')
        })
}

/// The answers of a format 1 document that use an id of today's format that format 1 did not
/// have: format 1 would not have read them, and read as today's they could mean another
/// requirement than the writer meant.
fn ids_of_a_later_format(file_name: &str, document: &Document, catalog: &Catalog) -> Vec<Error> {
    let Some(iso) = catalog.framework("iso42001") else {
        return Vec::new();
    };
    if document.aimsgap.value != file::OLDEST_FORMAT_VERSION {
        return Vec::new();
    }
    document
        .answers
        .iter()
        .filter(|(id, _)| iso.by_former_id(id).is_none() && iso.get(id).is_some())
        .map(|(id, answer)| Error {
            location: Location {
                file: file_name.to_string(),
                line: answer.line,
                column: answer.column,
            },
            field: format!("answers.{id}"),
            kind: ErrorKind::Invalid(format!(
                "`{id}` is an id of format {FORMAT_VERSION}, but the file says `aimsgap: 1`: \
                 write `aimsgap: {FORMAT_VERSION}` if every id is of format {FORMAT_VERSION}, \
                 or run `aimsgap migrate` on the file first"
            )),
        })
        .collect()
}

struct Check<'a> {
    file: &'a str,
    errors: Vec<Error>,
}

impl Check<'_> {
    fn at<T>(&self, span: &Located<T>) -> Location {
        Location {
            file: self.file.to_string(),
            line: span.line,
            column: span.column,
        }
    }

    fn fail<T>(&mut self, span: &Located<T>, field: String, kind: ErrorKind) {
        let location = self.at(span);
        self.errors.push(Error {
            location,
            field,
            kind,
        });
    }

    fn word<T>(
        &mut self,
        span: &S,
        field: String,
        parse: fn(&str) -> Option<T>,
        expected: fn() -> String,
    ) -> Option<T> {
        let parsed = parse(&span.value);
        if parsed.is_none() {
            self.fail(
                span,
                field,
                ErrorKind::UnknownValue {
                    value: span.value.clone(),
                    expected: expected(),
                },
            );
        }
        parsed
    }

    fn one_of(&mut self, span: &S, field: String, allowed: &[&str]) -> Option<String> {
        if allowed.contains(&span.value.as_str()) {
            Some(span.value.clone())
        } else {
            self.fail(
                span,
                field,
                ErrorKind::UnknownValue {
                    value: span.value.clone(),
                    expected: allowed.join(", "),
                },
            );
            None
        }
    }

    fn date(&mut self, span: &S, field: String) -> Option<Date> {
        match Date::parse(&span.value) {
            Ok(date) if !limits::YEARS.contains(&date.year()) => {
                self.fail(
                    span,
                    field,
                    ErrorKind::BadDate(format!(
                        "`{}`: the year must be {} to {}",
                        span.value,
                        limits::YEARS.start(),
                        limits::YEARS.end()
                    )),
                );
                None
            }
            Ok(date) => Some(date),
            Err(error) => {
                self.fail(span, field, ErrorKind::BadDate(error.0));
                None
            }
        }
    }
}

/// The ids of a catalog list, for checking vocabularies that live in the law data.
fn list_ids<'a>(catalog: &'a Catalog, framework: &str, list: &str) -> Vec<&'a str> {
    catalog
        .framework(framework)
        .and_then(|f| f.list(list))
        .map(|entries| entries.iter().map(|e| e.id.as_str()).collect())
        .unwrap_or_default()
}

/// Whether a text is a JSON document rather than YAML: JSON files are objects, and a YAML
/// assessment file never starts with a brace.
fn is_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

fn syntax(file_name: &str, line: u64, column: u64, message: String) -> Vec<Error> {
    vec![Error {
        location: Location {
            file: file_name.to_string(),
            line,
            column,
        },
        field: "document".into(),
        kind: ErrorKind::Syntax(message),
    }]
}

fn read_yaml(file_name: &str, text: &str) -> Result<Document, Vec<Error>> {
    serde_saphyr::from_str(text).map_err(|error| {
        let (line, column) = error.location().map_or((0, 0), |l| (l.line(), l.column()));
        syntax(file_name, line, column, error.to_string())
    })
}

fn read_json(file_name: &str, text: &str) -> Result<Document, Vec<Error>> {
    serde_json::from_str(text).map_err(|error| {
        let (line, column) = (error.line(), error.column());
        // serde_json appends the position to its message; the location says it already.
        let message = error.to_string();
        let message = message
            .strip_suffix(&format!(" at line {line} column {column}"))
            .unwrap_or(&message)
            .to_string();
        syntax(
            file_name,
            u64::try_from(line).unwrap_or(0),
            u64::try_from(column).unwrap_or(0),
            message,
        )
    })
}

/// Reads an assessment file's text (JSON or YAML) into its document, without judging its
/// values: a syntax error or a value of the wrong type is an error with its line and column. A
/// text larger than [`limits::MAX_DOCUMENT_BYTES`] is refused unread.
pub fn read_document(file_name: &str, text: &str) -> Result<Document, Vec<Error>> {
    if text.len() > limits::MAX_DOCUMENT_BYTES {
        return Err(vec![Error {
            location: Location {
                file: file_name.to_string(),
                line: 0,
                column: 0,
            },
            field: "document".into(),
            kind: ErrorKind::Invalid(format!(
                "{} bytes, at most {} ({} MiB)",
                limits::thousands(text.len()),
                limits::thousands(limits::MAX_DOCUMENT_BYTES),
                limits::MAX_DOCUMENT_BYTES / (1024 * 1024)
            )),
        }]);
    }
    if is_json(text) {
        read_json(file_name, text)
    } else {
        read_yaml(file_name, text)
    }
}

/// Parses and validates an assessment file. `default_as_of` is used when the file has no
/// `as_of` (the CLI passes today's date; the engine itself never reads a clock).
pub fn parse_assessment(
    file_name: &str,
    text: &str,
    catalog: &Catalog,
    default_as_of: Date,
) -> Result<Assessment, Vec<Error>> {
    parse_assessment_noting(file_name, text, catalog, default_as_of)
        .map(|(assessment, _)| assessment)
}

/// [`parse_assessment`], also giving the ids of a format 1 file that are renamed today, for
/// the caller to warn about.
pub fn parse_assessment_noting(
    file_name: &str,
    text: &str,
    catalog: &Catalog,
    default_as_of: Date,
) -> Result<(Assessment, Vec<Renamed>), Vec<Error>> {
    let document = read_document(file_name, text)?;
    let renamed = upgrade(&document, catalog).1;
    read_checked(file_name, text, &document, catalog, default_as_of)
        .map(|assessment| (assessment, renamed))
}

fn read_checked(
    file_name: &str,
    text: &str,
    document: &Document,
    catalog: &Catalog,
    default_as_of: Date,
) -> Result<Assessment, Vec<Error>> {
    match from_document(file_name, document, catalog, default_as_of) {
        Err(errors) if is_json(text) => {
            // JSON values carry no location; JSON is YAML, so the rare document with wrong
            // values is read once more through the YAML reader only to say where they are.
            match read_yaml(file_name, &yaml_readable(text)) {
                Ok(located) => match from_document(file_name, &located, catalog, default_as_of) {
                    Err(located) => Err(located),
                    Ok(_) => Err(errors),
                },
                Err(_) => Err(errors),
            }
        }
        checked => checked,
    }
}

/// JSON text as the YAML reader takes it, to locate errors: JSON allows in strings characters
/// that YAML refuses (DEL, the C1 controls, U+FFFE, U+FFFF) or reads as line breaks (NEL, the
/// line and paragraph separators). Each becomes one space, so lines and columns stay where
/// they were.
fn yaml_readable(text: &str) -> std::borrow::Cow<'_, str> {
    let refused = |c: char| {
        matches!(
            c,
            '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}'
        )
    };
    if text.contains(refused) {
        std::borrow::Cow::Owned(
            text.chars()
                .map(|c| if refused(c) { ' ' } else { c })
                .collect(),
        )
    } else {
        std::borrow::Cow::Borrowed(text)
    }
}

/// A document beyond the limits of [`aimsgap_wire::limits`]: its located errors, and whether
/// one of them is a count (the document is too large) rather than a text too long.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverLimits {
    pub too_large: bool,
    pub errors: Vec<Error>,
}

/// Measures a document's counts and lengths against [`aimsgap_wire::limits`], before anything
/// else is judged: a document over them is refused whole, and no error repeats a huge value.
pub fn check_limits(file_name: &str, document: &Document) -> Result<(), OverLimits> {
    let breaches = limits::check(document);
    if breaches.is_empty() {
        return Ok(());
    }
    Err(OverLimits {
        too_large: breaches.iter().any(|b| b.excess == Excess::Count),
        errors: breaches
            .into_iter()
            .map(|breach| Error {
                location: Location {
                    file: file_name.to_string(),
                    line: breach.line,
                    column: breach.column,
                },
                field: breach.field,
                kind: ErrorKind::Invalid(breach.message),
            })
            .collect(),
    })
}

/// Validates a document against the catalog. Errors carry the line and column of the value
/// where the document was read from YAML (and `file_name` with line 0 otherwise).
pub fn from_document(
    file_name: &str,
    raw: &Document,
    catalog: &Catalog,
    default_as_of: Date,
) -> Result<Assessment, Vec<Error>> {
    check_limits(file_name, raw).map_err(|over| over.errors)?;
    let mut check = Check {
        file: file_name,
        errors: ids_of_a_later_format(file_name, raw, catalog),
    };
    let (upgraded, _) = upgrade(raw, catalog);
    let raw: &Document = &upgraded;
    if raw.aimsgap.value != FORMAT_VERSION {
        check.fail(
            &raw.aimsgap,
            "aimsgap".into(),
            ErrorKind::Invalid(format!(
                "format version {} is not supported; this aimsgap reads versions {} and \
                 {FORMAT_VERSION}",
                raw.aimsgap.value,
                file::OLDEST_FORMAT_VERSION
            )),
        );
    }
    let as_of = match &raw.as_of {
        Some(span) => check.date(span, "as_of".into()).unwrap_or(default_as_of),
        None => default_as_of,
    };

    let org = &raw.organization.value;
    let employees = match &org.employees {
        Some(span) if !limits::EMPLOYEES.contains(&span.value) => {
            check.fail(
                span,
                "organization.employees".into(),
                ErrorKind::Invalid(format!(
                    "{} employees: expected {} to {}",
                    span.value,
                    limits::EMPLOYEES.start(),
                    limits::thousands(usize::try_from(*limits::EMPLOYEES.end()).unwrap_or(0))
                )),
            );
            1
        }
        Some(span) => u32::try_from(span.value).unwrap_or(1),
        None => 50,
    };
    let team_fte = match &org.team_fte {
        // Written so that NaN is out of range too.
        Some(span)
            if !(span.value >= limits::TEAM_FTE_MIN && span.value <= limits::TEAM_FTE_MAX) =>
        {
            check.fail(
                span,
                "organization.team_fte".into(),
                ErrorKind::Invalid(format!(
                    "team_fte {:?}: expected {} to {} full-time equivalents",
                    span.value,
                    limits::TEAM_FTE_MIN,
                    limits::thousands(limits::TEAM_FTE_MAX as usize)
                )),
            );
            1.0
        }
        Some(span) => span.value,
        None => 1.0,
    };
    let organization = Organization {
        name: org.name.clone(),
        employees,
        sector: org.sector.clone().unwrap_or_default(),
        jurisdictions: org.jurisdictions.clone(),
        team_fte,
    };

    let mut certifications = Vec::new();
    let certifiable = crate::credit::certifiable(catalog);
    for (i, spanned) in raw.certifications.iter().enumerate() {
        let entry = &spanned.value;
        let field = |name: &str| format!("certifications[{i}].{name}");
        let framework = check.one_of(&entry.framework, field("framework"), &certifiable);
        let status = check.word(
            &entry.status,
            field("status"),
            CertificationStatus::parse,
            CertificationStatus::expected,
        );
        let valid_until = entry
            .valid_until
            .as_ref()
            .and_then(|s| check.date(s, field("valid_until")));
        let report = entry
            .report
            .as_ref()
            .and_then(|s| check.word(s, field("report"), ReportType::parse, ReportType::expected));
        let mut categories = Vec::new();
        for (j, span) in entry.categories.iter().enumerate() {
            if let Some(c) = check.word(
                span,
                field(&format!("categories[{j}]")),
                TrustCategory::parse,
                TrustCategory::expected,
            ) {
                categories.push(c);
            }
        }
        let mut controls = Vec::new();
        for (id, span) in &entry.controls {
            let source = framework.as_deref().and_then(|f| catalog.framework(f));
            if let Some(source) = source
                && source.get(id).is_none()
            {
                check.fail(
                    span,
                    field(&format!("controls.{id}")),
                    ErrorKind::UnknownId {
                        id: id.clone(),
                        framework: source.id.clone(),
                    },
                );
            }
            if let Some(status) = check.word(
                span,
                field(&format!("controls.{id}")),
                ControlStatus::parse,
                ControlStatus::expected,
            ) {
                controls.push((id.clone(), status));
            }
        }
        if let (Some(framework), Some(status)) = (framework, status) {
            certifications.push(Certification {
                framework,
                status,
                valid_until,
                scope_covers_ai: entry.scope_covers_ai,
                report,
                categories,
                controls,
            });
        }
    }

    let areas = list_ids(catalog, "eu-ai-act", "annex_iii_areas");
    let points = list_ids(catalog, "eu-ai-act", "annex_iii_points");
    let eu = catalog.framework("eu-ai-act");
    let decisions = list_ids(catalog, "colorado-ai", "consequential_decisions");
    let mut ai_systems: Vec<AiSystem> = Vec::with_capacity(raw.ai_systems.len());
    // The ids seen so far, so that a duplicate is found without going over every system.
    let mut ids: HashSet<&str> = HashSet::with_capacity(raw.ai_systems.len());
    for (i, spanned) in raw.ai_systems.iter().enumerate() {
        let entry = &spanned.value;
        let field = |name: &str| format!("ai_systems[{i}].{name}");
        if !ids.insert(entry.id.value.as_str()) {
            check.fail(
                &entry.id,
                field("id"),
                ErrorKind::Invalid(format!("duplicate AI system id `{}`", entry.id.value)),
            );
        }
        let role = entry
            .role
            .as_ref()
            .and_then(|s| check.word(s, field("role"), SystemRole::parse, SystemRole::expected));
        let mut annex_iii_area = entry
            .annex_iii_area
            .as_ref()
            .and_then(|s| check.one_of(s, field("annex_iii_area"), &areas));
        let annex_iii_point = entry
            .annex_iii_point
            .as_ref()
            .and_then(|s| check.one_of(s, field("annex_iii_point"), &points));
        // The point implies its area; a file that gives both must give the same area.
        if let (Some(point), Some(span)) = (&annex_iii_point, &entry.annex_iii_point) {
            let point_area = eu
                .and_then(|eu| eu.list_entry("annex_iii_points", point))
                .and_then(|entry| entry.area.clone());
            match (&annex_iii_area, point_area) {
                (Some(area), Some(point_area)) if *area != point_area => check.fail(
                    span,
                    field("annex_iii_point"),
                    ErrorKind::Invalid(format!(
                        "Annex III point `{point}` belongs to area `{point_area}`, not to the annex_iii_area `{area}` given"
                    )),
                ),
                (None, point_area) => annex_iii_area = point_area,
                _ => {}
            }
        }
        let placed_on_market = entry
            .placed_on_market
            .as_ref()
            .and_then(|s| check.date(s, field("placed_on_market")));
        let mut consequential = Vec::new();
        for (j, span) in entry.consequential_decisions.iter().enumerate() {
            if let Some(d) = check.one_of(
                span,
                field(&format!("consequential_decisions[{j}]")),
                &decisions,
            ) {
                consequential.push(d);
            }
        }
        if entry.gpai_systemic_risk && !entry.gpai_model {
            check.fail(
                &entry.id,
                field("gpai_systemic_risk"),
                ErrorKind::Invalid("gpai_systemic_risk needs gpai_model: true".into()),
            );
        }
        ai_systems.push(AiSystem {
            id: entry.id.value.clone(),
            name: entry.name.clone(),
            description: entry.description.clone().unwrap_or_default(),
            role,
            markets: entry.markets.clone(),
            interacts_with_natural_persons: entry.interacts_with_natural_persons,
            generates_synthetic_content: entry.generates_synthetic_content,
            emotion_recognition: entry.emotion_recognition,
            biometric_categorisation: entry.biometric_categorisation,
            annex_iii_area,
            annex_iii_point,
            placed_on_market,
            annex_i_product: entry.annex_i_product.clone().filter(|p| !p.is_empty()),
            art_6_3_exemption: entry.art_6_3_exemption,
            prohibited_practice: entry.prohibited_practice.clone().filter(|p| !p.is_empty()),
            consequential_decisions: consequential,
            gpai_model: entry.gpai_model,
            gpai_systemic_risk: entry.gpai_systemic_risk,
            public_body: entry.public_body,
        });
    }

    let iso = catalog.framework("iso42001");
    let mut answers = Vec::new();
    for (id, spanned) in &raw.answers {
        let entry = &spanned.value;
        let field = |name: &str| format!("answers.{id}.{name}");
        let requirement = iso.and_then(|f| f.get(id));
        match requirement {
            None => check.fail(
                spanned,
                format!("answers.{id}"),
                ErrorKind::UnknownId {
                    id: id.clone(),
                    framework: "iso42001".into(),
                },
            ),
            Some(requirement) => {
                let status = AnswerStatus::parse(&entry.status.value);
                if status == Some(AnswerStatus::NotApplicable)
                    && !matches!(
                        requirement.kind,
                        Kind::Control | Kind::Objective | Kind::Category
                    )
                {
                    check.fail(
                        &entry.status,
                        field("status"),
                        ErrorKind::Invalid(format!(
                            "`{id}` is a clause requirement: ISO/IEC 42001 lets an organisation exclude Annex A controls only"
                        )),
                    );
                }
            }
        }
        let status = check.word(
            &entry.status,
            field("status"),
            AnswerStatus::parse,
            AnswerStatus::expected,
        );
        let maturity = match &entry.maturity {
            Some(span) if !limits::MATURITY.contains(&span.value) => {
                check.fail(
                    span,
                    field("maturity"),
                    ErrorKind::Invalid(format!(
                        "maturity {}: expected {}..{}",
                        span.value,
                        limits::MATURITY.start(),
                        limits::MATURITY.end()
                    )),
                );
                None
            }
            Some(span) => u8::try_from(span.value).ok(),
            None => None,
        };
        let mut evidence = Vec::new();
        for (j, item) in entry.evidence.iter().enumerate() {
            let kind = check.word(
                &item.kind,
                field(&format!("evidence[{j}].kind")),
                EvidenceKind::parse,
                EvidenceKind::expected,
            );
            let date = item
                .date
                .as_ref()
                .and_then(|s| check.date(s, field(&format!("evidence[{j}].date"))));
            let review_by = item
                .review_by
                .as_ref()
                .and_then(|s| check.date(s, field(&format!("evidence[{j}].review_by"))));
            let sha256 = item.sha256.as_ref().and_then(|span| {
                let hex = span.value.trim().to_ascii_lowercase();
                if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                    Some(hex)
                } else {
                    check.fail(
                        span,
                        field(&format!("evidence[{j}].sha256")),
                        ErrorKind::Invalid(format!(
                            "`{}`: expected 64 hexadecimal digits (a SHA-256)",
                            span.value
                        )),
                    );
                    None
                }
            });
            if let Some(kind) = kind {
                evidence.push(Evidence {
                    reference: item.reference.as_str().into(),
                    kind,
                    date,
                    review_by,
                    sha256,
                });
            }
        }
        let due = entry.due.as_ref().and_then(|s| check.date(s, field("due")));
        if let Some(status) = status {
            answers.push(Answer {
                id: id.clone(),
                status,
                maturity,
                owner: entry.owner.as_deref().map(SmolStr::from),
                evidence,
                justification: entry.justification.clone().filter(|j| !j.trim().is_empty()),
                notes: entry.notes.as_deref().map(SmolStr::from),
                due,
            });
        }
    }
    // Answers in catalog order, so that output never depends on the file's key order.
    if let Some(iso) = iso {
        answers.sort_by_key(|a| iso.position(&a.id).unwrap_or(usize::MAX));
    }

    if check.errors.is_empty() {
        Ok(Assessment {
            as_of,
            organization,
            certifications,
            ai_systems,
            answers,
        })
    } else {
        Err(check.errors)
    }
}

fn words<T: Copy>(values: &[T], word: fn(T) -> &'static str) -> Vec<S> {
    values
        .iter()
        .map(|v| Located::new(word(*v).to_string()))
        .collect()
}

/// Writes an assessment built in code as a document of the file format, so that it can be
/// saved and read back: [`from_document`] of the result gives the same assessment (answers in
/// catalog order).
pub fn to_document(assessment: &Assessment) -> Document {
    let organization = &assessment.organization;
    let word = |text: &str| Some(Located::new(text.to_string()));
    let optional = |text: &str| (!text.is_empty()).then(|| text.to_string());
    let certifications = assessment
        .certifications
        .iter()
        .map(|c| {
            Located::new(file::Certification {
                framework: Located::new(c.framework.clone()),
                status: Located::new(c.status.as_str().to_string()),
                valid_until: c.valid_until.map(|d| Located::new(d.to_string())),
                scope_covers_ai: c.scope_covers_ai,
                report: c.report.and_then(|r| word(r.as_str())),
                categories: words(&c.categories, TrustCategory::as_str),
                controls: c
                    .controls
                    .iter()
                    .map(|(id, status)| (id.clone(), Located::new(status.as_str().to_string())))
                    .collect(),
            })
        })
        .collect();
    let ai_systems = assessment
        .ai_systems
        .iter()
        .map(|s| {
            Located::new(file::AiSystem {
                id: Located::new(s.id.clone()),
                name: s.name.clone(),
                description: optional(&s.description),
                role: s.role.and_then(|r| word(r.as_str())),
                markets: s.markets.clone(),
                interacts_with_natural_persons: s.interacts_with_natural_persons,
                generates_synthetic_content: s.generates_synthetic_content,
                emotion_recognition: s.emotion_recognition,
                biometric_categorisation: s.biometric_categorisation,
                annex_iii_area: s.annex_iii_area.as_deref().and_then(word),
                annex_iii_point: s.annex_iii_point.as_deref().and_then(word),
                placed_on_market: s.placed_on_market.map(|d| Located::new(d.to_string())),
                annex_i_product: s.annex_i_product.clone(),
                art_6_3_exemption: s.art_6_3_exemption,
                prohibited_practice: s.prohibited_practice.clone(),
                consequential_decisions: s
                    .consequential_decisions
                    .iter()
                    .map(|d| Located::new(d.clone()))
                    .collect(),
                gpai_model: s.gpai_model,
                gpai_systemic_risk: s.gpai_systemic_risk,
                public_body: s.public_body,
            })
        })
        .collect();
    let answers: BTreeMap<String, Located<file::Answer>> = assessment
        .answers
        .iter()
        .map(|a| {
            let answer = file::Answer {
                status: Located::new(a.status.as_str().to_string()),
                maturity: a.maturity.map(|m| Located::new(i64::from(m))),
                owner: a.owner.as_deref().map(String::from),
                evidence: a
                    .evidence
                    .iter()
                    .map(|e| file::Evidence {
                        reference: e.reference.to_string(),
                        kind: Located::new(e.kind.as_str().to_string()),
                        date: e.date.map(|d| Located::new(d.to_string())),
                        review_by: e.review_by.map(|d| Located::new(d.to_string())),
                        sha256: e.sha256.clone().map(Located::new),
                    })
                    .collect(),
                justification: a.justification.clone(),
                notes: a.notes.as_deref().map(String::from),
                due: a.due.map(|d| Located::new(d.to_string())),
            };
            (a.id.clone(), Located::new(answer))
        })
        .collect();
    Document {
        aimsgap: Located::new(FORMAT_VERSION),
        as_of: Some(Located::new(assessment.as_of.to_string())),
        organization: Located::new(file::Organization {
            name: organization.name.clone(),
            employees: Some(Located::new(i64::from(organization.employees))),
            sector: optional(&organization.sector),
            jurisdictions: organization.jurisdictions.clone(),
            team_fte: Some(Located::new(organization.team_fte)),
        }),
        certifications,
        ai_systems,
        answers,
    }
}
