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
    /// In a custom catalog: the built-in framework this file is loaded instead of.
    #[allow(dead_code, reason = "judged from the header probe of custom catalogs")]
    pub replaces: Option<S>,
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
    /// The entry of another list of the same framework this entry falls within (an Annex III
    /// point names its area).
    pub area: Option<S>,
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
    /// The standard's own list letters this node has (a clause) or assesses (a requirement).
    pub letters: Option<Vec<S>>,
    /// The id this requirement had in assessment file format 1, when it was renamed.
    pub formerly: Option<S>,
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
    /// Annex III areas or points the obligation is limited to, or that it leaves out.
    pub annex_iii: Option<AnnexIiiEntry>,
    /// Later dates for systems placed on the market before a date.
    pub grace: Option<Vec<GraceItem>>,
    /// Reporting deadlines, in days, by case.
    pub deadlines: Option<Vec<DeadlineItem>>,
    /// The rule allows something rather than demanding it.
    #[serde(default)]
    pub permission: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AnnexIiiEntry {
    pub only: Option<Vec<S>>,
    pub except: Option<Vec<S>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct GraceItem {
    pub placed_before: S,
    pub applies_from: S,
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DeadlineItem {
    pub days: Spanned<i64>,
    pub case: String,
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
    /// In a custom catalog: the built-in crosswalk (`FROM -> TO`) this file is loaded instead of.
    #[allow(dead_code, reason = "judged from the header probe of custom catalogs")]
    pub replaces: Option<S>,
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

/// The headers of a custom catalog file, read first to tell a framework file from a crosswalk
/// file and to find what it adds or replaces; every other field is left to the full reading.
#[derive(Debug, Deserialize)]
pub(crate) struct HeaderProbe {
    pub framework: Option<FrameworkProbe>,
    pub crosswalk: Option<CrosswalkProbe>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct FrameworkProbe {
    pub id: Option<S>,
    pub replaces: Option<S>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct CrosswalkProbe {
    pub from: Option<S>,
    pub to: Option<S>,
    pub replaces: Option<S>,
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
    #[serde(default)]
    pub arises_when: Vec<Vec<S>>,
}
