//! Custom catalogs: an organisation's own framework and crosswalk files, loaded beside the
//! built-in ones without a rebuild (`aimsgap --catalogs DIR`, `aimsgap catalog check DIR`).
//!
//! A custom file is told apart by its content: a `framework:` header makes a framework file, a
//! `crosswalk:` header a crosswalk file. It adds a framework or a crosswalk, or it is loaded
//! instead of a built-in one; then it must say so (`replaces:`), so that a built-in id is never
//! replaced by accident. Everything is validated as the built-in files are, with the same
//! located errors, and every error of every file is returned at once. Like the rest of this
//! crate, this module reads no file: the caller hands in (file name, text) pairs.

use crate::error::{Error, ErrorKind, Location};
use crate::file::{self, S};
use crate::load::syntax_error;
use crate::sources::{CROSSWALKS, FILES, RISK_METHOD};
use crate::{Catalog, parse_crosswalk, parse_framework, parse_risk_method};

/// The standard every assessment is measured against: a custom file may map onto it, not
/// replace it.
const TARGET: &str = "iso42001";

/// What a custom file does to the built-in catalog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChangeKind {
    AddFramework,
    ReplaceFramework,
    AddCrosswalk,
    ReplaceCrosswalk,
}

/// One change a custom file makes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// A framework id, or `FROM -> TO` for a crosswalk.
    pub id: String,
    /// The custom file, as named by the caller.
    pub file: String,
}

/// The built-in catalog with the custom files applied, and what they changed, in file order.
#[derive(Clone, Debug)]
pub struct Custom {
    pub catalog: Catalog,
    pub changes: Vec<Change>,
}

/// Whether a framework id is one the rest of aimsgap can carry in URLs, file names and
/// combinations such as `iso27001+soc2`: lower-case letters, digits and hyphens.
fn valid_id(id: &str) -> bool {
    id.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn at(file: &str, span: &S) -> Location {
    Location {
        file: file.to_string(),
        line: span.referenced.line(),
        column: span.referenced.column(),
    }
}

fn invalid(file: &str, span: &S, field: &str, message: String) -> Error {
    Error {
        location: at(file, span),
        field: field.to_string(),
        kind: ErrorKind::Invalid(message),
    }
}

/// The framework id of a built-in framework file, or the (from, to) pair of a built-in
/// crosswalk file, read from its header.
fn builtin_header(text: &str) -> Option<file::HeaderProbe> {
    serde_saphyr::from_str::<file::HeaderProbe>(text).ok()
}

/// Everything decided about the custom files before the full validation.
struct Plan<'a> {
    /// Framework files in load order: the built-in ones (some replaced), then the added ones.
    frameworks: Vec<(&'a str, &'a str)>,
    /// The id of each entry of `frameworks`, as its header gives it.
    framework_ids: Vec<Option<String>>,
    /// For each built-in framework, the custom file loaded instead.
    framework_replaced_by: Vec<Option<&'a str>>,
    crosswalks: Vec<(&'a str, &'a str)>,
    crosswalk_pairs: Vec<Option<(String, String)>>,
    crosswalk_replaced_by: Vec<Option<&'a str>>,
    /// Custom files refused for a collision: still validated, for their other errors.
    refused_frameworks: Vec<(&'a str, &'a str)>,
    refused_crosswalks: Vec<(&'a str, &'a str)>,
    changes: Vec<Change>,
    errors: Vec<Error>,
}

impl<'a> Plan<'a> {
    fn new() -> Plan<'a> {
        let framework_ids: Vec<Option<String>> = FILES
            .iter()
            .map(|(_, text)| {
                builtin_header(text)
                    .and_then(|h| h.framework)
                    .and_then(|f| f.id)
                    .map(|id| id.value)
            })
            .collect();
        let crosswalk_pairs: Vec<Option<(String, String)>> = CROSSWALKS
            .iter()
            .map(|(_, text)| {
                let header = builtin_header(text).and_then(|h| h.crosswalk)?;
                Some((header.from?.value, header.to?.value))
            })
            .collect();
        Plan {
            frameworks: FILES.to_vec(),
            framework_replaced_by: vec![None; framework_ids.len()],
            framework_ids,
            crosswalks: CROSSWALKS.to_vec(),
            crosswalk_replaced_by: vec![None; crosswalk_pairs.len()],
            crosswalk_pairs,
            refused_frameworks: Vec::new(),
            refused_crosswalks: Vec::new(),
            changes: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn builtin_framework_ids(&self) -> String {
        self.framework_ids
            .iter()
            .take(FILES.len())
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn framework(&mut self, name: &'a str, text: &'a str, header: file::FrameworkProbe) {
        let id = header.id.as_ref().map(|s| s.value.as_str());
        if let Some(span) = &header.id
            && !valid_id(&span.value)
        {
            self.errors.push(invalid(
                name,
                span,
                "framework.id",
                format!(
                    "`{}` is not a usable framework id: use lower-case letters, digits and hyphens, starting with a letter or digit",
                    span.value
                ),
            ));
            self.refused_frameworks.push((name, text));
            return;
        }
        let position = |id: &str| {
            self.framework_ids
                .iter()
                .position(|known| known.as_deref() == Some(id))
        };
        let refusal = match (&header.replaces, id) {
            (Some(replaces), _) => {
                let wanted = replaces.value.as_str();
                let builtin = position(wanted).filter(|&p| p < FILES.len());
                if id != Some(wanted) {
                    Some((
                        replaces,
                        "framework.replaces",
                        format!(
                            "`replaces: {wanted}` must name this file's own id{}: a replacement keeps the id that crosswalks and assessment files use",
                            id.map(|id| format!(" `{id}`")).unwrap_or_default()
                        ),
                    ))
                } else if wanted == TARGET {
                    Some((
                        replaces,
                        "framework.replaces",
                        format!(
                            "`{TARGET}` cannot be replaced: every assessment is measured against it; add a framework of your own with a crosswalk onto it instead"
                        ),
                    ))
                } else {
                    match builtin {
                        None => Some((
                            replaces,
                            "framework.replaces",
                            format!(
                                "`replaces: {wanted}` names no built-in framework; the built-in ones are {}",
                                self.builtin_framework_ids()
                            ),
                        )),
                        Some(p) => match self.framework_replaced_by.get(p).copied().flatten() {
                            Some(other) => Some((
                                replaces,
                                "framework.replaces",
                                format!("`{wanted}` is already replaced by {other}"),
                            )),
                            None => {
                                if let Some(slot) = self.frameworks.get_mut(p) {
                                    *slot = (name, text);
                                }
                                if let Some(slot) = self.framework_replaced_by.get_mut(p) {
                                    *slot = Some(name);
                                }
                                self.changes.push(Change {
                                    kind: ChangeKind::ReplaceFramework,
                                    id: wanted.to_string(),
                                    file: name.to_string(),
                                });
                                None
                            }
                        },
                    }
                }
            }
            (None, Some(id)) => match (position(id), &header.id) {
                (Some(p), Some(span)) if p < FILES.len() => Some((
                    span,
                    "framework.id",
                    format!(
                        "framework `{id}` is built in, and a custom file does not replace it silently: add `replaces: {id}` to the `framework:` header to load this file instead of the built-in one"
                    ),
                )),
                (Some(p), Some(span)) => Some((
                    span,
                    "framework.id",
                    format!(
                        "framework `{id}` is also defined in {}",
                        self.frameworks.get(p).map_or("another file", |f| f.0)
                    ),
                )),
                _ => {
                    self.frameworks.push((name, text));
                    self.framework_ids.push(Some(id.to_string()));
                    self.changes.push(Change {
                        kind: ChangeKind::AddFramework,
                        id: id.to_string(),
                        file: name.to_string(),
                    });
                    None
                }
            },
            // No id: the full reading names the missing field.
            (None, None) => {
                self.frameworks.push((name, text));
                self.framework_ids.push(None);
                None
            }
        };
        if let Some((span, field, message)) = refusal {
            self.errors.push(invalid(name, span, field, message));
            self.refused_frameworks.push((name, text));
        }
    }

    fn crosswalk(&mut self, name: &'a str, text: &'a str, header: file::CrosswalkProbe) {
        let pair = match (&header.from, &header.to) {
            (Some(from), Some(to)) => Some((from.value.clone(), to.value.clone())),
            _ => None,
        };
        let position = |pair: &(String, String)| {
            self.crosswalk_pairs
                .iter()
                .position(|known| known.as_ref() == Some(pair))
        };
        let refusal = match (&header.replaces, &pair) {
            (Some(replaces), _) => {
                let wanted = replaces
                    .value
                    .split_once("->")
                    .map(|(from, to)| (from.trim().to_string(), to.trim().to_string()));
                let builtin = wanted
                    .as_ref()
                    .and_then(&position)
                    .filter(|&p| p < CROSSWALKS.len());
                match (wanted, builtin) {
                    (wanted, _) if pair.is_none() || wanted != pair => Some((
                        replaces,
                        "crosswalk.replaces",
                        format!(
                            "`replaces: {}` must name this file's own pair{}, written `FROM -> TO`",
                            replaces.value,
                            pair.as_ref()
                                .map(|(from, to)| format!(" `{from} -> {to}`"))
                                .unwrap_or_default()
                        ),
                    )),
                    (_, None) => Some((
                        replaces,
                        "crosswalk.replaces",
                        format!(
                            "`replaces: {}` names no built-in crosswalk; the built-in ones are {}",
                            replaces.value,
                            self.crosswalk_pairs
                                .iter()
                                .take(CROSSWALKS.len())
                                .flatten()
                                .map(|(from, to)| format!("{from} -> {to}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )),
                    (_, Some(p)) => match self.crosswalk_replaced_by.get(p).copied().flatten() {
                        Some(other) => Some((
                            replaces,
                            "crosswalk.replaces",
                            format!("`{}` is already replaced by {other}", replaces.value),
                        )),
                        None => {
                            if let Some(slot) = self.crosswalks.get_mut(p) {
                                *slot = (name, text);
                            }
                            if let Some(slot) = self.crosswalk_replaced_by.get_mut(p) {
                                *slot = Some(name);
                            }
                            if let Some((from, to)) = &pair {
                                self.changes.push(Change {
                                    kind: ChangeKind::ReplaceCrosswalk,
                                    id: format!("{from} -> {to}"),
                                    file: name.to_string(),
                                });
                            }
                            None
                        }
                    },
                }
            }
            (None, Some(key)) => match (position(key), &header.from) {
                (Some(p), Some(span)) if p < CROSSWALKS.len() => Some((
                    span,
                    "crosswalk.from",
                    format!(
                        "the crosswalk `{0} -> {1}` is built in, and a custom file does not replace it silently: add `replaces: {0} -> {1}` to the `crosswalk:` header to load this file instead of the built-in one",
                        key.0, key.1
                    ),
                )),
                (Some(p), Some(span)) => Some((
                    span,
                    "crosswalk.from",
                    format!(
                        "the crosswalk `{} -> {}` is also defined in {}",
                        key.0,
                        key.1,
                        self.crosswalks.get(p).map_or("another file", |c| c.0)
                    ),
                )),
                _ => {
                    self.crosswalks.push((name, text));
                    self.crosswalk_pairs.push(Some(key.clone()));
                    self.changes.push(Change {
                        kind: ChangeKind::AddCrosswalk,
                        id: format!("{} -> {}", key.0, key.1),
                        file: name.to_string(),
                    });
                    None
                }
            },
            // No pair: the full reading names the missing field.
            (None, None) => {
                self.crosswalks.push((name, text));
                self.crosswalk_pairs.push(None);
                None
            }
        };
        if let Some((span, field, message)) = refusal {
            self.errors.push(invalid(name, span, field, message));
            self.refused_crosswalks.push((name, text));
        }
    }
}

/// Loads the built-in catalog with custom files applied, each given as (file name, text).
///
/// A file with a `framework:` header adds a framework, or with `replaces: ID` is loaded instead
/// of the built-in framework `ID` (its own id must be `ID`; ISO/IEC 42001 cannot be replaced).
/// A file with a `crosswalk:` header adds a crosswalk, or with `replaces: FROM -> TO` is loaded
/// instead of that built-in crosswalk. Built-in crosswalks and the risk method are validated
/// again against replaced frameworks. All errors of all files come back together.
pub fn with_custom(files: &[(&str, &str)]) -> Result<Custom, Vec<Error>> {
    let mut plan = Plan::new();
    for &(name, text) in files {
        match serde_saphyr::from_str::<file::HeaderProbe>(text) {
            Err(error) => plan.errors.push(syntax_error(name, &error)),
            Ok(file::HeaderProbe {
                framework: Some(header),
                ..
            }) => plan.framework(name, text, header),
            Ok(file::HeaderProbe {
                crosswalk: Some(header),
                ..
            }) => plan.crosswalk(name, text, header),
            Ok(_) => plan.errors.push(Error {
                location: Location {
                    file: name.to_string(),
                    line: 1,
                    column: 1,
                },
                field: "document".into(),
                kind: ErrorKind::Missing(
                    "a `framework:` header (a framework file) or a `crosswalk:` header (a crosswalk file)"
                        .into(),
                ),
            }),
        }
    }
    let mut errors = plan.errors;
    let mut catalog = Catalog::default();
    // A crosswalk onto a framework whose own file has errors is not also told that the
    // framework is unknown: the framework's errors say what to fix.
    let mut failed: Vec<&str> = Vec::new();
    for (position, (name, text)) in plan.frameworks.iter().enumerate() {
        match parse_framework(name, text) {
            Ok(framework) => catalog.frameworks.push(framework),
            Err(mut file_errors) => {
                errors.append(&mut file_errors);
                if let Some(Some(id)) = plan.framework_ids.get(position) {
                    failed.push(id);
                }
            }
        }
    }
    let consequential = |e: &Error| matches!(&e.kind, ErrorKind::UnknownFramework(id) if failed.contains(&id.as_str()));
    for (name, text) in &plan.refused_frameworks {
        if let Err(mut file_errors) = parse_framework(name, text) {
            errors.append(&mut file_errors);
        }
    }
    for (name, text) in &plan.crosswalks {
        match parse_crosswalk(name, text, &catalog.frameworks) {
            Ok(crosswalk) => catalog.crosswalks.push(crosswalk),
            Err(file_errors) => {
                errors.extend(file_errors.into_iter().filter(|e| !consequential(e)))
            }
        }
    }
    for (name, text) in &plan.refused_crosswalks {
        if let Err(file_errors) = parse_crosswalk(name, text, &catalog.frameworks) {
            errors.extend(file_errors.into_iter().filter(|e| !consequential(e)));
        }
    }
    // The risk method names ids of the built-in frameworks: a replacement must keep them.
    if errors.is_empty() {
        match parse_risk_method(RISK_METHOD.0, RISK_METHOD.1, &catalog) {
            Ok(method) => catalog.risk_method = method,
            Err(mut method_errors) => errors.append(&mut method_errors),
        }
    }
    if errors.is_empty() {
        Ok(Custom {
            catalog,
            changes: plan.changes,
        })
    } else {
        Err(errors)
    }
}
