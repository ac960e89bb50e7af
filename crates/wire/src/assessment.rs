//! The assessment file, format version 2: what an organisation states about itself (profile,
//! certifications, AI systems, answers), as a document that is read and written.
//!
//! Format 2 differs from format 1 only in the ISO/IEC 42001 ids of answers: format 2's follow
//! the standard's list letters (`6.1.3.f` is the Statement of Applicability, `4.1-1` a statement
//! that is not one lettered item). Format 1 is still read: `aimsgap_assess` maps its ids through
//! the catalog's `formerly` and names every renamed id.
//!
//! Reading YAML goes through serde-saphyr, which records where each [`Located`] value stood, so
//! that the checks of `aimsgap_assess` can name the line and column of a wrong value. JSON is
//! read with serde_json; its values carry no location (line 0), which costs nothing on the hot
//! path of a server re-reading stored documents. Checking the values (known words, dates, ids)
//! is not done here: this module only gives the document its shape, and the engine's reader
//! judges it.
//!
//! Writing gives the canonical form: optional values that are absent, empty lists and `false`
//! flags are left out, so that a document written, read and written again is the same. Names
//! here are a public interface: keep them; add fields freely.

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The version of the assessment file format this crate writes.
pub const FORMAT_VERSION: i64 = 2;

/// The oldest version still read: its ISO/IEC 42001 ids are mapped to today's.
pub const OLDEST_FORMAT_VERSION: i64 = 1;

/// A value with the line and column it was read from (1-based; 0 when unknown: read from
/// JSON, or built in code). Locations are not part of the value: two documents that say the
/// same thing are equal wherever their values stood.
#[derive(Clone, Debug, Default)]
pub struct Located<T> {
    pub value: T,
    pub line: u64,
    pub column: u64,
}

impl<T> Located<T> {
    /// A value built in code, with no location.
    pub fn new(value: T) -> Self {
        Located {
            value,
            line: 0,
            column: 0,
        }
    }
}

impl<T> From<T> for Located<T> {
    fn from(value: T) -> Self {
        Located::new(value)
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: PartialEq> PartialEq for Located<T> {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // serde-saphyr fills in the location; any other reader gives the plain value.
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        Ok(Located {
            value: spanned.value,
            line: spanned.referenced.line(),
            column: spanned.referenced.column(),
        })
    }
}

impl<T: Serialize> Serialize for Located<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// An assessment file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "aimsgap assessment file")]
pub struct Document {
    /// The format version: 2 (1, with older ISO/IEC 42001 ids, is still read).
    pub aimsgap: Located<i64>,
    /// The date to judge on (`YYYY-MM-DD`); today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Located<String>>,
    /// The organisation assessed.
    pub organization: Located<Organization>,
    /// The certifications and attestations the organisation holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<Located<Certification>>,
    /// The AI systems in scope.
    #[serde(default)]
    pub ai_systems: Vec<Located<AiSystem>>,
    /// Answers by ISO/IEC 42001 requirement, control, clause or objective id.
    #[serde(default)]
    pub answers: BTreeMap<String, Located<Answer>>,
}

/// The organisation assessed.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// Its name.
    pub name: String,
    /// Its head count, 1..10000000; 50 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<Located<i64>>,
    /// Its sector, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<String>,
    /// Where it operates: `EU`, `US-CO`, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub jurisdictions: Vec<String>,
    /// The full-time equivalents working on certification; 1 when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_fte: Option<Located<f64>>,
}

/// A certification or attestation the organisation holds.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Certification {
    /// The certified framework: `iso27001`, `soc2` or `nist-ai-rmf`.
    pub framework: Located<String>,
    /// `certified`, `attested`, `self_assessed`, `in_progress` or `expired`.
    pub status: Located<String>,
    /// The last day it is valid (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<Located<String>>,
    /// Whether the certified scope covers the AI systems.
    #[serde(default, skip_serializing_if = "is_false")]
    pub scope_covers_ai: bool,
    /// The SOC 2 report type: `type1` or `type2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<Located<String>>,
    /// The SOC 2 trust services categories attested.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<Located<String>>,
    /// The state of single controls, by control id, where it is not simply implemented.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub controls: BTreeMap<String, Located<String>>,
}

/// An AI system in scope.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AiSystem {
    /// Its id, unique in the file.
    pub id: Located<String>,
    /// Its name.
    pub name: String,
    /// What it does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The organisation's role for it: `provider`, `deployer`, `importer`, `distributor` or
    /// `product_manufacturer`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Located<String>>,
    /// Where it is placed on the market or used: `EU`, `US-CO`, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub markets: Vec<String>,
    /// Whether it interacts with natural persons.
    #[serde(default, skip_serializing_if = "is_false")]
    pub interacts_with_natural_persons: bool,
    /// Whether it generates synthetic audio, image, video or text.
    #[serde(default, skip_serializing_if = "is_false")]
    pub generates_synthetic_content: bool,
    /// Whether it recognises emotions.
    #[serde(default, skip_serializing_if = "is_false")]
    pub emotion_recognition: bool,
    /// Whether it categorises people by biometric data.
    #[serde(default, skip_serializing_if = "is_false")]
    pub biometric_categorisation: bool,
    /// The EU AI Act Annex III area it is used in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annex_iii_area: Option<Located<String>>,
    /// The EU AI Act Annex III point it is used for (`5(b)`), if any; it implies its area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annex_iii_point: Option<Located<String>>,
    /// The day it was first placed on the market or put into service (`YYYY-MM-DD`), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placed_on_market: Option<Located<String>>,
    /// The Annex I product (safety component) it belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annex_i_product: Option<String>,
    /// Whether the Art. 6(3) exemption from high risk is claimed.
    #[serde(default, skip_serializing_if = "is_false")]
    pub art_6_3_exemption: bool,
    /// The prohibited practice it falls under, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prohibited_practice: Option<String>,
    /// The consequential decisions (Colorado) it makes or is a substantial factor in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub consequential_decisions: Vec<Located<String>>,
    /// Whether it is a general-purpose AI model.
    #[serde(default, skip_serializing_if = "is_false")]
    pub gpai_model: bool,
    /// Whether that model has systemic risk (needs `gpai_model`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub gpai_systemic_risk: bool,
    /// Whether the organisation is a public body.
    #[serde(default, skip_serializing_if = "is_false")]
    pub public_body: bool,
}

/// The organisation's answer about one requirement.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Answer {
    /// `implemented`, `partial`, `planned`, `not_implemented` or `not_applicable`.
    pub status: Located<String>,
    /// Maturity 0..5.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maturity: Option<Located<i64>>,
    /// Who answers for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// The evidence that backs the claim.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// Why an Annex A control is excluded (needed with `not_applicable`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// When the work on it is due (`YYYY-MM-DD`); a planning date the engine does not judge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<Located<String>>,
}

/// One piece of evidence.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Where it is: a document name, a link.
    #[serde(rename = "ref")]
    pub reference: String,
    /// `template`, `draft`, `approved_document`, `operating_record` or `audit_report`.
    pub kind: Located<String>,
    /// Its date (`YYYY-MM-DD`): when it took effect, not when it was uploaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Located<String>>,
    /// When it is due for review or expires (`YYYY-MM-DD`); after that date it counts less.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_by: Option<Located<String>>,
    /// The SHA-256 of the file it is, as 64 hexadecimal digits, when an evidence register holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<Located<String>>,
}

/// The part of a document that is neither AI systems nor answers: what the store keeps as an
/// assessment's profile, edited as one piece.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The format version: 2 (1, with older ISO/IEC 42001 ids, is still read).
    pub aimsgap: Located<i64>,
    /// The date to judge on (`YYYY-MM-DD`); today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<Located<String>>,
    /// The organisation assessed.
    pub organization: Located<Organization>,
    /// The certifications and attestations the organisation holds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub certifications: Vec<Located<Certification>>,
}

/// A document taken apart: its profile, its AI systems in order, its answers by id.
pub type Parts = (Profile, Vec<AiSystem>, BTreeMap<String, Answer>);

impl Document {
    /// Takes the document apart into the pieces that are stored and edited one at a time.
    pub fn into_parts(self) -> Parts {
        let profile = Profile {
            aimsgap: self.aimsgap,
            as_of: self.as_of,
            organization: self.organization,
            certifications: self.certifications,
        };
        let systems = self.ai_systems.into_iter().map(|s| s.value).collect();
        let answers = self
            .answers
            .into_iter()
            .map(|(id, answer)| (id, answer.value))
            .collect();
        (profile, systems, answers)
    }

    /// Puts a document together from its pieces.
    pub fn from_parts(
        profile: Profile,
        systems: impl IntoIterator<Item = AiSystem>,
        answers: impl IntoIterator<Item = (String, Answer)>,
    ) -> Document {
        Document {
            aimsgap: profile.aimsgap,
            as_of: profile.as_of,
            organization: profile.organization,
            certifications: profile.certifications,
            ai_systems: systems.into_iter().map(Located::new).collect(),
            answers: answers
                .into_iter()
                .map(|(id, answer)| (id, Located::new(answer)))
                .collect(),
        }
    }

    /// The document as pretty JSON with a final newline.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

/// The JSON Schema generated from these types (draft 2020-12). The published schema of the
/// file (`aimsgap schema assessment`) is written by hand with the accepted words and patterns;
/// a test keeps the two in agreement on the examples.
pub fn json_schema() -> Schema {
    schemars::schema_for!(Document)
}
