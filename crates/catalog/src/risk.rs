//! The risk method file (`catalogs/risk-method.yaml`): the rating scales of the drafted AI risk
//! method and the ISO/IEC 42001 Annex A treatment of each NIST AI 600-1 risk.
//!
//! It is read after the frameworks because its ids point into two of them: every risk must be
//! a risk of `nist-ai-600-1` and every control an Annex A control of `iso42001`. An id that
//! does not resolve is a located error, so a typo cannot silently drop a treatment.

use crate::error::{Error, ErrorKind, Location};
use crate::file::{self, S};
use crate::model::{Catalog, Kind, RISK_FACTS, RiskMethod, RiskScales, RiskTreatment, ScaleLevel};
use serde_saphyr::Spanned;

/// The framework whose risks the treatment maps.
pub const RISK_FRAMEWORK: &str = "nist-ai-600-1";
/// The framework whose controls treat them.
pub const CONTROL_FRAMEWORK: &str = "iso42001";
/// Every scale has exactly this many levels, numbered from 1: the risk matrix is square.
pub const SCALE_LEVELS: usize = 5;

/// Parses the risk method file and resolves its ids against the catalog's frameworks.
pub fn parse_risk_method(
    file_name: &str,
    text: &str,
    catalog: &Catalog,
) -> Result<RiskMethod, Vec<Error>> {
    let raw: file::RiskMethodFile = serde_saphyr::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        vec![Error {
            location: Location {
                file: file_name.to_string(),
                line,
                column,
            },
            field: "document".to_string(),
            kind: ErrorKind::Syntax(e.to_string()),
        }]
    })?;
    let mut errors = Vec::new();
    let at = |line: u64, column: u64| Location {
        file: file_name.to_string(),
        line,
        column,
    };
    let located = |span: &S| at(span.referenced.line(), span.referenced.column());

    let mut scale = |name: &str, levels: &Spanned<Vec<file::LevelEntry>>| -> Vec<ScaleLevel> {
        if levels.value.len() != SCALE_LEVELS {
            errors.push(Error {
                location: at(levels.referenced.line(), levels.referenced.column()),
                field: format!("scales.{name}"),
                kind: ErrorKind::Invalid(format!(
                    "a scale has {SCALE_LEVELS} levels, this one {}",
                    levels.value.len()
                )),
            });
        }
        let mut out = Vec::new();
        for (i, entry) in levels.value.iter().enumerate() {
            let expected = i64::try_from(i + 1).unwrap_or(i64::MAX);
            match u8::try_from(entry.level.value) {
                Ok(level) if entry.level.value == expected => out.push(ScaleLevel {
                    level,
                    name: entry.name.trim().to_string(),
                    description: entry.description.trim().to_string(),
                }),
                _ => errors.push(Error {
                    location: at(
                        entry.level.referenced.line(),
                        entry.level.referenced.column(),
                    ),
                    field: format!("scales.{name}[{i}].level"),
                    kind: ErrorKind::Invalid(format!(
                        "levels count up from 1: expected {expected}, found {}",
                        entry.level.value
                    )),
                }),
            }
        }
        out
    };
    let scales = RiskScales {
        likelihood: scale("likelihood", &raw.scales.likelihood),
        consequence_organisation: scale(
            "consequence_organisation",
            &raw.scales.consequence_organisation,
        ),
        consequence_individuals: scale(
            "consequence_individuals",
            &raw.scales.consequence_individuals,
        ),
        consequence_societies: scale("consequence_societies", &raw.scales.consequence_societies),
    };

    let risks = catalog.framework(RISK_FRAMEWORK);
    let controls = catalog.framework(CONTROL_FRAMEWORK);
    let mut treatments: Vec<RiskTreatment> = Vec::new();
    for (i, entry) in raw.generative_ai_treatment.iter().enumerate() {
        let field = format!("generative_ai_treatment[{i}].risk");
        let risk_known = match risks {
            None => Err(ErrorKind::UnknownFramework(RISK_FRAMEWORK.to_string())),
            Some(framework) => match framework.get(&entry.risk.value) {
                Some(requirement) if requirement.kind == Kind::Risk => Ok(()),
                Some(requirement) => Err(ErrorKind::Invalid(format!(
                    "`{}` is a {}, not a risk",
                    entry.risk.value, requirement.kind
                ))),
                None => Err(ErrorKind::UnknownId {
                    id: entry.risk.value.clone(),
                    framework: RISK_FRAMEWORK.to_string(),
                }),
            },
        };
        if let Err(kind) = risk_known {
            errors.push(Error {
                location: located(&entry.risk),
                field: field.clone(),
                kind,
            });
        }
        if treatments.iter().any(|t| t.risk == entry.risk.value) {
            errors.push(Error {
                location: located(&entry.risk),
                field,
                kind: ErrorKind::Invalid(format!("risk `{}` is mapped twice", entry.risk.value)),
            });
        }
        if entry.controls.is_empty() {
            errors.push(Error {
                location: located(&entry.risk),
                field: format!("generative_ai_treatment[{i}].controls"),
                kind: ErrorKind::Missing("at least one Annex A control".to_string()),
            });
        }
        for (j, control) in entry.controls.iter().enumerate() {
            let known = match controls {
                None => Err(ErrorKind::UnknownFramework(CONTROL_FRAMEWORK.to_string())),
                Some(framework) => match framework.get(&control.value) {
                    Some(requirement) if requirement.kind == Kind::Control => Ok(()),
                    Some(requirement) => Err(ErrorKind::Invalid(format!(
                        "`{}` is a {}, not an Annex A control",
                        control.value, requirement.kind
                    ))),
                    None => Err(ErrorKind::UnknownId {
                        id: control.value.clone(),
                        framework: CONTROL_FRAMEWORK.to_string(),
                    }),
                },
            };
            if let Err(kind) = known {
                errors.push(Error {
                    location: located(control),
                    field: format!("generative_ai_treatment[{i}].controls[{j}]"),
                    kind,
                });
            }
        }
        for (j, facts) in entry.arises_when.iter().enumerate() {
            if facts.is_empty() {
                errors.push(Error {
                    location: located(&entry.risk),
                    field: format!("generative_ai_treatment[{i}].arises_when[{j}]"),
                    kind: ErrorKind::Missing("at least one fact".to_string()),
                });
            }
            for (k, fact) in facts.iter().enumerate() {
                if !RISK_FACTS.contains(&fact.value.as_str()) {
                    errors.push(Error {
                        location: located(fact),
                        field: format!("generative_ai_treatment[{i}].arises_when[{j}][{k}]"),
                        kind: ErrorKind::Invalid(format!(
                            "`{}` is not a fact of an AI system; expected one of {}",
                            fact.value,
                            RISK_FACTS.join(", ")
                        )),
                    });
                }
            }
        }
        // Without a rule, a generative AI risk can arise in any system that generates content
        // or is a general-purpose model.
        let arises_when = if entry.arises_when.is_empty() {
            vec![
                vec!["generates_synthetic_content".to_string()],
                vec!["gpai_model".to_string()],
            ]
        } else {
            entry
                .arises_when
                .iter()
                .map(|facts| facts.iter().map(|fact| fact.value.clone()).collect())
                .collect()
        };
        treatments.push(RiskTreatment {
            risk: entry.risk.value.clone(),
            controls: entry.controls.iter().map(|c| c.value.clone()).collect(),
            affected: entry.affected.trim().to_string(),
            arises_when,
        });
    }
    if errors.is_empty() {
        Ok(RiskMethod {
            scales,
            generative_ai_treatment: treatments,
        })
    } else {
        Err(errors)
    }
}
