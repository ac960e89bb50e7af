//! `aimsgap compare`: what a base framework (ISO/IEC 27001, SOC 2), fully held with the AI
//! systems in scope, covers of ISO/IEC 42001, per group and per governance area, with the
//! edges behind each figure.

use crate::credit;
use crate::input::*;
use crate::result::Source;
use crate::rules;
use aimsgap_catalog::{Area, Catalog, Date, Relationship, vocabulary};

vocabulary! {
    /// How much of an area a base framework covers.
    Level { Full => "full", Partial => "partial", None => "none" }
}

impl Level {
    /// The level an article's yes / partial / no claim stands for.
    pub fn from_claim(claim: &str) -> Option<Level> {
        match claim {
            "yes" => Some(Level::Full),
            "partial" => Some(Level::Partial),
            "no" => Some(Level::None),
            _ => None,
        }
    }
}

/// Score thresholds: the mean inherited credit of an area's requirements, as a share of the
/// most inheritance can give (the cap). Full needs every requirement reached as well.
pub const FULL_SCORE: f64 = 0.75;
pub const PARTIAL_SCORE: f64 = 0.30;

/// One crosswalk edge behind a coverage figure.
#[derive(Clone, Debug, PartialEq)]
pub struct CoverageEdge {
    pub source: String,
    pub target: String,
    pub rel: Relationship,
    pub strength: u8,
}

/// The coverage of one set of requirements by one base framework.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    pub id: String,
    pub title: String,
    pub framework: String,
    pub level: Level,
    /// 0..1: mean inherited credit over the set, divided by the inheritance cap.
    pub score: f64,
    pub reached: usize,
    pub total: usize,
    pub edges: Vec<CoverageEdge>,
    /// The article's claim, for governance areas.
    pub article: Option<Level>,
    /// Why the level holds, when it is a fact about the base framework and not a crosswalk.
    pub basis: Option<String>,
}

/// Everything `compare` prints.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub bases: Vec<String>,
    pub groups: Vec<Coverage>,
    pub areas: Vec<Coverage>,
}

fn full_certification(framework: &str) -> Certification {
    Certification {
        framework: framework.to_string(),
        status: if framework == "soc2" {
            CertificationStatus::Attested
        } else {
            CertificationStatus::Certified
        },
        valid_until: None,
        scope_covers_ai: true,
        report: Some(ReportType::Type2),
        categories: TrustCategory::ALL.to_vec(),
        controls: Vec::new(),
    }
}

fn coverage(
    id: &str,
    title: &str,
    framework: &str,
    ids: &[String],
    results: &[crate::RequirementResult],
) -> Coverage {
    let mut sum = 0.0;
    let mut reached = 0;
    let mut edges = Vec::new();
    for target in ids {
        let Some(result) = results.iter().find(|r| r.id == *target) else {
            continue;
        };
        sum += result.credit.hi;
        if result.credit.hi > 0.0 {
            reached += 1;
        }
        for source in &result.sources {
            if let Source::Inherited { edges: found, .. } = source {
                edges.extend(found.iter().map(|e| CoverageEdge {
                    source: e.source.clone(),
                    target: target.clone(),
                    rel: e.rel,
                    strength: e.strength,
                }));
            }
        }
    }
    let total = ids.len();
    let score = if total == 0 {
        0.0
    } else {
        credit::round1(sum / total as f64 / rules::INHERITED_CAP * 1000.0) / 1000.0
    };
    let level = if score >= FULL_SCORE && reached == total {
        Level::Full
    } else if score >= PARTIAL_SCORE {
        Level::Partial
    } else {
        Level::None
    };
    Coverage {
        id: id.to_string(),
        title: title.to_string(),
        framework: framework.to_string(),
        level,
        score,
        reached,
        total,
        edges,
        article: None,
        basis: None,
    }
}

/// Compares base frameworks against ISO/IEC 42001, per group and per area.
pub fn compare(catalog: &Catalog, areas: &[Area], bases: &[String], as_of: Date) -> Comparison {
    let Some(iso) = catalog.framework(crate::TARGET) else {
        return Comparison {
            bases: bases.to_vec(),
            groups: Vec::new(),
            areas: Vec::new(),
        };
    };
    let mut groups = Vec::new();
    let mut area_rows = Vec::new();
    for base in bases {
        let assessment = Assessment {
            as_of,
            organization: Organization {
                name: format!("{base} baseline"),
                employees: 100,
                sector: String::new(),
                jurisdictions: Vec::new(),
                team_fte: 1.0,
            },
            certifications: vec![full_certification(base)],
            ai_systems: Vec::new(),
            answers: Vec::new(),
        };
        let mut ignored = Vec::new();
        let results = credit::judge(catalog, iso, &assessment, &mut ignored);
        for group in iso.groups() {
            let ids: Vec<String> = results
                .iter()
                .filter(|r| r.group == group.id)
                .map(|r| r.id.to_string())
                .collect();
            if !ids.is_empty() {
                groups.push(coverage(&group.id, &group.title, base, &ids, &results));
            }
        }
        for area in areas {
            let mut row = coverage(&area.id, &area.title, base, &area.requirements, &results);
            row.article = area
                .article
                .iter()
                .find(|(f, _)| f == base)
                .and_then(|(_, claim)| Level::from_claim(claim));
            if let Some((_, fact)) = area.base.iter().find(|(f, _)| f == base) {
                row.level = if fact == "certifiable" {
                    Level::Full
                } else {
                    Level::Partial
                };
                row.basis = Some(format!(
                    "{base} is {}: {}",
                    if fact == "certifiable" {
                        "an accredited certification"
                    } else {
                        "an attestation report, not a certificate"
                    },
                    "a fact about the base framework, not a crosswalk result"
                ));
            }
            area_rows.push(row);
        }
    }
    Comparison {
        bases: bases.to_vec(),
        groups,
        areas: area_rows,
    }
}
