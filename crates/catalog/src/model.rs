//! The domain types of the catalog: frameworks, requirements, law obligations and crosswalks.
//!
//! The file format lives in `file.rs` and is turned into these types by validation, so a value
//! of these types is always valid. They derive serde's traits only so that the build script
//! can hand the validated built-in catalog to the library in a compact form (see `builtin.rs`);
//! no file or request is ever deserialised into them. Derived indexes are not serialised: they
//! are rebuilt from the data on reading.

use crate::Date;
use serde::{Deserialize, Serialize};
pub use smol_str::SmolStr;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for the catalog's ids and the engine's maps keyed by them: short strings of the
/// catalog's own, hashed a word at a time. The standard hasher resists keys chosen to collide,
/// which costs several times as much per lookup and which ids from the catalog do not need;
/// keys from a request or an assessment file stay in maps with the standard hasher.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdHasher(u64);

impl IdHasher {
    const MULTIPLIER: u64 = 0x9E37_79B9_7F4A_7C15;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(IdHasher::MULTIPLIER);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let mut rest = chunks.remainder();
        if !rest.is_empty() {
            // The last one to seven bytes as a little-endian word padded with zeros, read in
            // pieces of four, two and one: a byte loop here became a call to `memcpy` for
            // every id looked up.
            let (mut word, mut shift) = (0u64, 0u32);
            if let Some((four, after)) = rest.split_first_chunk::<4>() {
                word = u64::from(u32::from_le_bytes(*four));
                (shift, rest) = (32, after);
            }
            if let Some((two, after)) = rest.split_first_chunk::<2>() {
                word |= u64::from(u16::from_le_bytes(*two)) << shift;
                shift += 16;
                rest = after;
            }
            if let Some(&byte) = rest.first() {
                word |= u64::from(byte) << shift;
            }
            self.add(word);
        }
    }

    fn write_u8(&mut self, byte: u8) {
        self.add(u64::from(byte));
    }

    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    fn finish(&self) -> u64 {
        // Mix the high bits into the low ones, which pick the bucket.
        let mut hash = self.0;
        hash ^= hash >> 33;
        hash = hash.wrapping_mul(0xFF51_AFD7_ED55_8CCD);
        hash ^ (hash >> 33)
    }
}

/// Builds [`IdHasher`]s.
pub type IdHash = BuildHasherDefault<IdHasher>;

/// A map keyed by catalog ids, with [`IdHasher`].
pub type IdMap<K, V> = HashMap<K, V, IdHash>;

/// Declares a closed vocabulary: an enum with its file words, parsing and `Display`.
#[macro_export]
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($variant),+ }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The word used in files and output.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
            /// Reads the word used in files and output.
            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
            /// The accepted words, for error messages and schemas.
            pub fn expected() -> String {
                [$($text),+].join(", ")
            }
        }
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}

vocabulary! {
    #[derive(Serialize, Deserialize)]
    /// What a node of a framework is.
    Kind {
        Clause => "clause",
        Requirement => "requirement",
        Objective => "objective",
        Control => "control",
        Theme => "theme",
        Category => "category",
        Criterion => "criterion",
        Function => "function",
        Subcategory => "subcategory",
        Obligation => "obligation",
        Risk => "risk",
    }
}

impl Kind {
    /// Assessable nodes carry a status; the others only group them.
    pub fn is_assessable(self) -> bool {
        matches!(
            self,
            Kind::Requirement
                | Kind::Control
                | Kind::Criterion
                | Kind::Subcategory
                | Kind::Obligation
                | Kind::Risk
        )
    }
}

vocabulary! {
    #[derive(Serialize, Deserialize)]
    /// What kind of text a framework is.
    FrameworkKind { Standard => "standard", Framework => "framework", Law => "law" }
}

vocabulary! {
    #[derive(Serialize, Deserialize)]
    /// The role an organisation plays for an AI system (EU AI Act vocabulary; Colorado's
    /// "developer" is recorded as `provider`).
    Role {
        Provider => "provider",
        Deployer => "deployer",
        Importer => "importer",
        Distributor => "distributor",
        ProductManufacturer => "product_manufacturer",
        GpaiProvider => "gpai_provider",
    }
}

vocabulary! {
    #[derive(Serialize, Deserialize)]
    /// The risk tiers a law obligation concerns.
    Tier {
        All => "all",
        Prohibited => "prohibited",
        HighRiskAnnexIii => "high_risk_annex_iii",
        HighRiskAnnexI => "high_risk_annex_i",
        Transparency => "transparency",
        Gpai => "gpai",
        GpaiSystemic => "gpai_systemic",
    }
}

vocabulary! {
    #[derive(Serialize, Deserialize)]
    /// A property of an AI system that narrows an obligation to the systems that have it.
    Trigger {
        InteractsWithNaturalPersons => "interacts_with_natural_persons",
        GeneratesSyntheticContent => "generates_synthetic_content",
        EmotionRecognitionOrBiometricCategorisation => "emotion_recognition_or_biometric_categorisation",
        DeepFake => "deep_fake",
        Art63Exemption => "art_6_3_exemption",
        PublicBodyOrPublicService => "public_body_or_public_service",
        CreditOrInsuranceScoring => "credit_or_insurance_scoring",
        ConsequentialDecision => "consequential_decision",
        ProhibitedPractice => "prohibited_practice",
        EmploymentDecision => "employment_decision",
        GovernmentEntity => "government_entity",
        HealthcareService => "healthcare_service",
        HighImpact => "high_impact",
        HighPerformance => "high_performance",
    }
}

vocabulary! {
    #[derive(Serialize, Deserialize)]
    /// How a law classifies an AI system (the framework's `classification`): by the EU AI
    /// Act's risk tiers, by the consequential decisions it takes part in (Colorado), by the
    /// employment decisions it takes part in (Illinois, New York City), by Korea's high-impact
    /// domains, or by which prohibitions and disclosure duties bind it (Texas).
    LawClassification {
        Tiers => "tiers",
        ConsequentialDecision => "consequential_decision",
        EmploymentDecision => "employment_decision",
        HighImpact => "high_impact",
        ProhibitionsAndDisclosures => "prohibitions_and_disclosures",
    }
}

vocabulary! {
    #[derive(Serialize, Deserialize)]
    /// The legal status of a law, a law version or one of its rules.
    LawStatus {
        Proposed => "proposed",
        Enacted => "enacted",
        InForce => "in_force",
        Stayed => "stayed",
        Repealed => "repealed",
    }
}

vocabulary! {
    #[derive(Serialize, Deserialize)]
    /// Whether an entry of a date history is still the one in force.
    DateStatus { Current => "current", Superseded => "superseded" }
}

vocabulary! {
    #[derive(Serialize, Deserialize)]
    /// NIST IR 8477 set-theory relationships, read "source is REL target".
    Relationship {
        Equal => "equal",
        SubsetOf => "subset_of",
        SupersetOf => "superset_of",
        IntersectsWith => "intersects_with",
        NoRelationship => "no_relationship",
    }
}

impl Relationship {
    /// How much of the target a relationship can cover, for ordering only: equal and
    /// superset cover all of it, subset and intersection part of it, no relationship nothing.
    pub fn coverage_rank(self) -> u8 {
        match self {
            Relationship::Equal => 4,
            Relationship::SupersetOf => 3,
            Relationship::SubsetOf => 2,
            Relationship::IntersectsWith => 1,
            Relationship::NoRelationship => 0,
        }
    }
}

vocabulary! {
    #[derive(Serialize, Deserialize)]
    /// Why a crosswalk edge holds (NIST IR 8477 rationale).
    Rationale { Syntactic => "syntactic", Semantic => "semantic", Functional => "functional" }
}

/// One entry of the history of an application date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateEntry {
    pub date: Date,
    pub status: DateStatus,
    pub source: String,
}

/// The legal facts of an obligation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    pub article: String,
    pub roles: Vec<Role>,
    pub tiers: Vec<Tier>,
    pub trigger: Option<Trigger>,
    /// The law version (see [`LawVersion`]) this duty belongs to, when the law has versions.
    pub version: Option<String>,
    pub applies_from: Date,
    pub dates: Vec<DateEntry>,
    pub status: LawStatus,
    pub source: String,
    pub last_verified: Date,
    /// What is not confirmed about this rule, in our words.
    pub unverified: Option<String>,
    /// For a prohibition: the prohibited practices it bans (empty: any).
    pub practices: Vec<String>,
    /// Further triggers that must all hold besides `trigger` (a Texas ban that binds only
    /// governmental entities).
    pub requires: Vec<Trigger>,
    /// Triggers of which at least one must hold, when not empty (Korea's Art. 31(1): high-impact
    /// or generative AI).
    pub any_of: Vec<Trigger>,
    /// The Annex III areas and points the obligation reaches or leaves out (empty: no limit).
    pub annex_iii: AnnexIiiScope,
    /// Later dates for systems placed on the market before a date, in file order.
    pub grace: Vec<Grace>,
    /// Reporting deadlines by case, in file order.
    pub deadlines: Vec<Deadline>,
    /// The rule allows something rather than demanding it: it is listed apart and is never a
    /// duty, a gap or a blocker.
    pub permission: bool,
}

/// The Annex III points that the old trigger word `credit_or_insurance_scoring` stood for:
/// creditworthiness or credit scores of natural persons, and life and health insurance pricing.
pub const CREDIT_OR_INSURANCE_POINTS: [&str; 2] = ["5(b)", "5(c)"];

/// Which Annex III use cases an obligation concerns. Each id names an area of the law's
/// `annex_iii_areas` list or a point of its `annex_iii_points` list (checked on load).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnnexIiiScope {
    /// When not empty, the obligation reaches only systems in one of these areas or points.
    pub only: Vec<String>,
    /// The obligation never reaches systems in these areas or points.
    pub except: Vec<String>,
}

impl AnnexIiiScope {
    /// Whether the scope limits anything.
    pub fn is_empty(&self) -> bool {
        self.only.is_empty() && self.except.is_empty()
    }
}

/// A later date for systems already on the market: a system placed on the market before
/// `placed_before` is bound from `applies_from`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grace {
    pub placed_before: Date,
    pub applies_from: Date,
    pub source: String,
}

/// A reporting deadline: within `days` days, in the case described.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    /// Invariant: 1..=3650.
    pub days: u16,
    pub case: String,
}

impl Obligation {
    /// The date from which the duty applies to systems of a given tier: a current `dates`
    /// entry marked "(Annex I)" or "(Annex III)" overrides `applies_from` for that tier.
    pub fn applies_from_for(&self, tier: Tier) -> Date {
        let marker = match tier {
            Tier::HighRiskAnnexI => "(Annex I)",
            Tier::HighRiskAnnexIii => "(Annex III)",
            _ => return self.applies_from,
        };
        self.dates
            .iter()
            .rev()
            .find(|entry| entry.status == DateStatus::Current && entry.source.contains(marker))
            .map_or(self.applies_from, |entry| entry.date)
    }
}

/// One assessable or grouping node of a framework.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// Shared with every result that names the requirement: cloned without a copy.
    pub id: SmolStr,
    pub kind: Kind,
    pub parent: Option<String>,
    pub title: SmolStr,
    /// Our own description of the requirement.
    pub summary: String,
    /// What an auditor typically expects to see.
    pub evidence: Option<String>,
    /// The requirement demands documented information.
    pub documented: bool,
    /// The standard's lettered list items: on a clause, the items it letters; on a requirement
    /// with a `-N` id, the items it assesses together (see "Ids of ISO/IEC 42001 requirements"
    /// in `catalogs/FORMAT.md`). Single lower-case letters, in order.
    pub letters: Vec<char>,
    /// The id this requirement had in assessment file format 1, when it was renamed.
    pub formerly: Option<String>,
    /// Official text, only where it is public domain (NIST).
    pub text: Option<String>,
    pub obligation: Option<Obligation>,
}

/// A dated version of a law (Colorado SB 24-205, SB 26-189).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawVersion {
    pub id: String,
    pub title: String,
    pub effective: Date,
    pub until: Option<Date>,
    pub status: LawStatus,
    pub status_since: Option<Date>,
    pub replaced_by: Option<String>,
    pub source: String,
    pub notes: Option<String>,
}

/// One entry of a named vocabulary of a framework (Annex III areas, consequential decisions).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListEntry {
    pub id: String,
    pub title: String,
    /// The entry of another list of the same framework this entry falls within (an Annex III
    /// point's area). Invariant: that id exists in another list of the framework.
    pub area: Option<String>,
}

/// A versioned framework: a standard, a voluntary framework or a law.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub version: String,
    pub kind: FrameworkKind,
    pub publisher: String,
    pub source: String,
    pub licence: String,
    pub last_verified: Option<Date>,
    /// For a law: the jurisdiction code it binds in (`EU`, `US-CO`).
    pub jurisdiction: Option<String>,
    /// For a law: how it classifies an AI system; `tiers` unless the file says otherwise.
    pub classification: LawClassification,
    pub versions: Vec<LawVersion>,
    pub lists: Vec<(String, Vec<ListEntry>)>,
    pub requirements: Vec<Requirement>,
    // Invariant: `index[id]` is the position of that id in `requirements`.
    #[serde(skip)]
    pub(crate) index: IdMap<SmolStr, usize>,
    // Invariant: `parents[i]` is the position of the parent of `requirements[i]`.
    #[serde(skip)]
    pub(crate) parents: Vec<Option<usize>>,
}

impl Framework {
    /// Rebuilds the id index from `requirements`, whose ids validation made unique.
    pub(crate) fn rebuild_index(&mut self) {
        self.index = self
            .requirements
            .iter()
            .enumerate()
            .map(|(position, requirement)| (requirement.id.clone(), position))
            .collect();
        self.rebuild_parents();
    }

    /// Rebuilds the parent positions from `requirements` and the id index.
    pub(crate) fn rebuild_parents(&mut self) {
        self.parents = self
            .requirements
            .iter()
            .map(|requirement| {
                let parent = requirement.parent.as_deref()?;
                self.index.get(parent).copied()
            })
            .collect();
    }

    /// The position of the parent of the requirement at `position`, for walking up the tree
    /// without looking ids up.
    pub fn parent_position(&self, position: usize) -> Option<usize> {
        self.parents.get(position).copied().flatten()
    }

    /// The requirement with this id.
    pub fn get(&self, id: &str) -> Option<&Requirement> {
        self.index
            .get(id)
            .and_then(|&position| self.requirements.get(position))
    }

    /// The position of a requirement in `requirements`, a dense index for engines.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The assessable requirements, in file order.
    pub fn assessable(&self) -> impl Iterator<Item = &Requirement> {
        self.requirements.iter().filter(|r| r.kind.is_assessable())
    }

    /// The direct children of a node, in file order.
    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a Requirement> + 'a {
        self.requirements
            .iter()
            .filter(move |r| r.parent.as_deref() == Some(id))
    }

    /// The top-level ancestor of a node (a clause 4..10, an Annex A objective, a theme...).
    pub fn group_of<'a>(&'a self, id: &'a str) -> &'a str {
        let mut current = id;
        // Parents are validated to exist and to form no cycle, so this walk ends.
        for _ in 0..self.requirements.len() {
            match self.get(current).and_then(|r| r.parent.as_deref()) {
                Some(parent) => current = parent,
                None => break,
            }
        }
        current
    }

    /// The top-level nodes, in file order.
    pub fn groups(&self) -> impl Iterator<Item = &Requirement> {
        self.requirements.iter().filter(|r| r.parent.is_none())
    }

    /// The requirement that was called `old` in assessment file format 1: the one whose
    /// `formerly` names it, else the requirement of that id if it was not renamed. Old and new
    /// ids overlap (format 1's `6.1.3.d` is today's `6.1.3.f`), so this reads old ids only.
    pub fn by_former_id(&self, old: &str) -> Option<&Requirement> {
        self.requirements
            .iter()
            .find(|r| r.formerly.as_deref() == Some(old))
            .or_else(|| self.get(old).filter(|r| r.formerly.is_none()))
    }

    /// A named vocabulary, if the framework has it.
    pub fn list(&self, name: &str) -> Option<&[ListEntry]> {
        self.lists
            .iter()
            .find(|(list_name, _)| list_name == name)
            .map(|(_, entries)| entries.as_slice())
    }

    /// The entry of a named list with this id.
    pub fn list_entry(&self, list: &str, id: &str) -> Option<&ListEntry> {
        self.list(list)
            .and_then(|entries| entries.iter().find(|entry| entry.id == id))
    }

    /// A law version by id.
    pub fn law_version(&self, id: &str) -> Option<&LawVersion> {
        self.versions.iter().find(|v| v.id == id)
    }
}

/// One directed mapping edge between two requirements.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub rel: Relationship,
    /// Invariant: 1..=10.
    pub strength: u8,
    pub rationale: Rationale,
    pub note: String,
}

/// A directed set of edges from a source framework to a target framework.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Crosswalk {
    pub from: String,
    pub to: String,
    pub version: String,
    pub authors: String,
    pub method: String,
    pub edges: Vec<Edge>,
    // Invariant: `by_target[id]` and `by_source[id]` list the positions in `edges`, in file order.
    #[serde(skip)]
    pub(crate) by_target: IdMap<String, Vec<usize>>,
    #[serde(skip)]
    pub(crate) by_source: IdMap<String, Vec<usize>>,
}

impl Crosswalk {
    /// Builds a crosswalk and its indexes.
    pub fn new(
        from: String,
        to: String,
        version: String,
        authors: String,
        method: String,
        edges: Vec<Edge>,
    ) -> Crosswalk {
        let mut by_target: IdMap<String, Vec<usize>> = IdMap::default();
        let mut by_source: IdMap<String, Vec<usize>> = IdMap::default();
        for (i, edge) in edges.iter().enumerate() {
            by_target.entry(edge.to.clone()).or_default().push(i);
            by_source.entry(edge.from.clone()).or_default().push(i);
        }
        Crosswalk {
            from,
            to,
            version,
            authors,
            method,
            edges,
            by_target,
            by_source,
        }
    }

    /// Rebuilds the edge indexes from `edges`.
    pub(crate) fn rebuild_indexes(&mut self) {
        let edges = std::mem::take(&mut self.edges);
        let rebuilt = Crosswalk::new(
            std::mem::take(&mut self.from),
            std::mem::take(&mut self.to),
            std::mem::take(&mut self.version),
            std::mem::take(&mut self.authors),
            std::mem::take(&mut self.method),
            edges,
        );
        *self = rebuilt;
    }

    /// The edges that reach one target requirement, in file order.
    pub fn edges_to<'a>(&'a self, target: &str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.by_target
            .get(target)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.edges.get(i))
    }

    /// The edges that leave one source requirement, in file order.
    pub fn edges_from<'a>(&'a self, source: &str) -> impl Iterator<Item = &'a Edge> + 'a {
        self.by_source
            .get(source)
            .into_iter()
            .flatten()
            .filter_map(|&i| self.edges.get(i))
    }
}

/// One level of a rating scale of the risk method (`3 Possible`: expected once in a while).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScaleLevel {
    /// 1 to 5, in order.
    pub level: u8,
    pub name: String,
    pub description: String,
}

/// The rating scales of the drafted AI risk method: how likely, and how bad for whom.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskScales {
    pub likelihood: Vec<ScaleLevel>,
    pub consequence_organisation: Vec<ScaleLevel>,
    pub consequence_individuals: Vec<ScaleLevel>,
    pub consequence_societies: Vec<ScaleLevel>,
}

/// The ISO/IEC 42001 Annex A controls that treat one NIST AI 600-1 risk, and who it affects.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskTreatment {
    /// A risk id of `nist-ai-600-1`.
    pub risk: String,
    /// Annex A control ids of `iso42001`, in the order the file gives them.
    pub controls: Vec<String>,
    pub affected: String,
    /// The facts of an AI system that make the risk possible: the risk arises when every fact
    /// of one of these sets holds. Each fact is one of [`RISK_FACTS`]. Invariant: not empty.
    pub arises_when: Vec<Vec<String>>,
}

/// The facts recorded about an AI system that a risk of the method can depend on.
pub const RISK_FACTS: [&str; 3] = [
    "generates_synthetic_content",
    "gpai_model",
    "interacts_with_natural_persons",
];

impl RiskTreatment {
    /// Whether the risk can arise in a system of which `holds` tells each fact.
    pub fn arises(&self, holds: impl Fn(&str) -> bool) -> bool {
        self.arises_when
            .iter()
            .any(|facts| facts.iter().all(|fact| holds(fact)))
    }
}

/// The defaults of the risk method the artefact drafts propose (`catalogs/risk-method.yaml`).
/// Every id has been checked against the frameworks it names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskMethod {
    pub scales: RiskScales,
    pub generative_ai_treatment: Vec<RiskTreatment>,
}

impl RiskMethod {
    /// The treatment of a NIST AI 600-1 risk, if the method maps it.
    pub fn treatment(&self, risk: &str) -> Option<&RiskTreatment> {
        self.generative_ai_treatment
            .iter()
            .find(|treatment| treatment.risk == risk)
    }
}

/// Every framework and crosswalk aimsgap knows, and the defaults of its risk method.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Catalog {
    pub frameworks: Vec<Framework>,
    pub crosswalks: Vec<Crosswalk>,
    /// Empty unless loaded with [`parse_risk_method`](crate::parse_risk_method).
    pub risk_method: RiskMethod,
}

impl Catalog {
    /// Rebuilds every derived index after the catalog was read from its compact form, in
    /// which indexes are not stored.
    pub(crate) fn rebuild_indexes(&mut self) {
        for framework in &mut self.frameworks {
            framework.rebuild_index();
        }
        for crosswalk in &mut self.crosswalks {
            crosswalk.rebuild_indexes();
        }
    }

    pub fn framework(&self, id: &str) -> Option<&Framework> {
        self.frameworks.iter().find(|f| f.id == id)
    }

    pub fn crosswalk(&self, from: &str, to: &str) -> Option<&Crosswalk> {
        self.crosswalks
            .iter()
            .find(|c| c.from == from && c.to == to)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    /// The hash as it was made before the last bytes were read in pieces: every byte copied
    /// into a zeroed word. Kept to hold the two equal, so maps keep their order.
    fn bytewise(bytes: &[u8]) -> u64 {
        let mut hasher = IdHasher::default();
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            hasher.add(u64::from_le_bytes(chunk.try_into().unwrap()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            for (slot, byte) in word.iter_mut().zip(rest) {
                *slot = *byte;
            }
            hasher.add(u64::from_le_bytes(word));
        }
        hasher.finish()
    }

    #[test]
    fn the_last_bytes_read_in_pieces_hash_as_they_did_one_by_one() {
        // Every length up to three words, each with bytes that differ by position and with
        // the high bit set, so that a piece read in the wrong place or order changes the hash.
        for length in 0..=24 {
            for seed in [0u8, 0x5A, 0xF0] {
                let bytes: Vec<u8> = (0..length)
                    .map(|i| seed.wrapping_add((i as u8).wrapping_mul(37)) | 0x80)
                    .collect();
                let mut hasher = IdHasher::default();
                hasher.write(&bytes);
                assert_eq!(
                    hasher.finish(),
                    bytewise(&bytes),
                    "length {length}, seed {seed}"
                );
            }
        }
        let mut hasher = IdHasher::default();
        hasher.write(b"6.1.2.a");
        assert_eq!(hasher.finish(), bytewise(b"6.1.2.a"));
    }
}
