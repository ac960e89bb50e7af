//! The on-disk formats of framework and crosswalk files (see `catalogs/FORMAT.md`).
//!
//! Only these types derive `Deserialize`. Values that need checking beyond their YAML type
//! (ids, parents, dates, enumerations) are read as `Spanned` strings so that validation can
//! say which line and column is wrong.

use serde::Deserialize;
use serde_saphyr::Spanned;

pub(crate) type S = Spanned<String>;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrameworkFile {
    pub framework: Header,
    #[serde(default)]
    pub versions: Vec<VersionEntry>,
    #[serde(default)]
    pub lists: std::collections::BTreeMap<String, Vec<ListItem>>,
    pub requirements: Vec<RequirementEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Header {
    pub id: S,
    pub name: String,
    pub version: String,
    pub kind: S,
    pub publisher: String,
    pub source: String,
    pub licence: String,
    pub last_verified: Option<S>,
    pub jurisdiction: Option<String>,
    pub classification: Option<S>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VersionEntry {
    pub id: S,
    pub title: String,
    pub effective: S,
    pub until: Option<S>,
    pub status: S,
    pub status_since: Option<S>,
    pub replaced_by: Option<S>,
    pub source: String,
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListItem {
    pub id: S,
    pub title: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RequirementEntry {
    pub id: S,
    pub kind: S,
    pub parent: Option<S>,
    pub title: String,
    pub summary: Option<String>,
    pub evidence: Option<String>,
    #[serde(default)]
    pub documented: bool,
    pub text: Option<String>,
    // Obligation fields.
    pub article: Option<String>,
    pub roles: Option<Vec<S>>,
    pub tiers: Option<Vec<S>>,
    pub trigger: Option<S>,
    pub version: Option<S>,
    pub applies_from: Option<S>,
    pub dates: Option<Vec<DateItem>>,
    pub status: Option<S>,
    pub source: Option<String>,
    pub last_verified: Option<S>,
    pub unverified: Option<String>,
    pub practices: Option<Vec<String>>,
    pub requires: Option<Vec<S>>,
    pub any_of: Option<Vec<S>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DateItem {
    pub date: S,
    pub status: S,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CrosswalkFile {
    pub crosswalk: CrosswalkHeader,
    pub edges: Vec<EdgeEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CrosswalkHeader {
    pub from: S,
    pub to: S,
    pub version: String,
    pub authors: String,
    pub method: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EdgeEntry {
    pub from: S,
    pub to: S,
    pub rel: S,
    pub strength: Spanned<i64>,
    pub rationale: S,
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RiskMethodFile {
    pub scales: ScalesEntry,
    pub generative_ai_treatment: Vec<TreatmentEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScalesEntry {
    pub likelihood: Spanned<Vec<LevelEntry>>,
    pub consequence_organisation: Spanned<Vec<LevelEntry>>,
    pub consequence_individuals: Spanned<Vec<LevelEntry>>,
    pub consequence_societies: Spanned<Vec<LevelEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LevelEntry {
    pub level: Spanned<i64>,
    pub name: String,
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TreatmentEntry {
    pub risk: S,
    pub controls: Vec<S>,
    pub affected: String,
}
