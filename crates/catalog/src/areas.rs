//! Governance areas: named sets of ISO/IEC 42001 requirements (the eleven rows of the
//! comparison table the product grew from), used by `aimsgap compare`.

use crate::error::{Error, ErrorKind, Location};
use crate::model::Framework;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AreasFile {
    areas: Vec<AreaEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaEntry {
    id: Spanned<String>,
    title: String,
    description: String,
    iso42001: Vec<Spanned<String>>,
    #[serde(default)]
    article: BTreeMap<String, String>,
    #[serde(default)]
    base: BTreeMap<String, String>,
}

/// One governance area.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Area {
    pub id: String,
    pub title: String,
    pub description: String,
    /// Assessable ISO/IEC 42001 ids that make up the area.
    pub requirements: Vec<String>,
    /// The article's claim per base framework (yes, partial, no), as (framework, claim).
    pub article: Vec<(String, String)>,
    /// For an area that is a property of the base framework itself: (framework, fact).
    pub base: Vec<(String, String)>,
}

/// Parses the areas file and checks every id against ISO/IEC 42001.
pub fn parse_areas(file_name: &str, text: &str, iso: &Framework) -> Result<Vec<Area>, Vec<Error>> {
    let raw: AreasFile = serde_saphyr::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        vec![Error {
            location: Location {
                file: file_name.to_string(),
                line,
                column,
            },
            field: "document".into(),
            kind: ErrorKind::Syntax(e.to_string()),
        }]
    })?;
    let mut errors = Vec::new();
    let mut areas = Vec::new();
    for (i, entry) in raw.areas.iter().enumerate() {
        for (j, id) in entry.iso42001.iter().enumerate() {
            let problem = match iso.get(&id.value) {
                None => Some(ErrorKind::UnknownId {
                    id: id.value.clone(),
                    framework: iso.id.clone(),
                }),
                Some(r) if !r.kind.is_assessable() => Some(ErrorKind::ContainerTarget {
                    id: id.value.clone(),
                    kind: r.kind.to_string(),
                }),
                Some(_) => None,
            };
            if let Some(kind) = problem {
                errors.push(Error {
                    location: Location {
                        file: file_name.to_string(),
                        line: id.referenced.line(),
                        column: id.referenced.column(),
                    },
                    field: format!("areas[{i}].iso42001[{j}]"),
                    kind,
                });
            }
        }
        areas.push(Area {
            id: entry.id.value.clone(),
            title: entry.title.clone(),
            description: entry.description.trim().to_string(),
            requirements: entry.iso42001.iter().map(|s| s.value.clone()).collect(),
            article: entry.article.clone().into_iter().collect(),
            base: entry.base.clone().into_iter().collect(),
        });
    }
    if errors.is_empty() {
        Ok(areas)
    } else {
        Err(errors)
    }
}
