//! The parts of a CycloneDX 1.5 or 1.6 JSON BOM that a draft AI system is made from, as typed
//! serde structs. Everything else in the BOM is skipped unread; a part that is read must have
//! the type the specification gives it, or the reader names where it is not.

use serde::{Deserialize, Deserializer, de};

/// The spec versions read: the two that carry model cards in this shape.
pub const SPEC_VERSIONS: &[&str] = &["1.5", "1.6"];

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "a CycloneDX BOM (a JSON object)"
)]
pub struct Bom {
    pub bom_format: Option<BomFormat>,
    pub spec_version: Option<SpecVersion>,
    pub serial_number: Option<String>,
    pub metadata: Option<Metadata>,
    #[serde(default)]
    pub components: Vec<Component>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
}

/// `bomFormat`, which must be `CycloneDX`.
#[derive(Debug)]
pub struct BomFormat;

impl<'de> Deserialize<'de> for BomFormat {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text == "CycloneDX" {
            Ok(BomFormat)
        } else {
            Err(de::Error::custom(format!(
                "`bomFormat` is `{}`, so this is not a CycloneDX BOM (expected `CycloneDX`)",
                shortened(&text)
            )))
        }
    }
}

/// `specVersion`, one of [`SPEC_VERSIONS`].
#[derive(Debug)]
pub struct SpecVersion(pub String);

impl<'de> Deserialize<'de> for SpecVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if SPEC_VERSIONS.contains(&text.as_str()) {
            Ok(SpecVersion(text))
        } else {
            Err(de::Error::custom(format!(
                "CycloneDX version `{}` is not read (expected {}); export the BOM as CycloneDX 1.5 or 1.6 JSON",
                shortened(&text),
                SPEC_VERSIONS
                    .iter()
                    .map(|v| format!("`{v}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )))
        }
    }
}

/// At most 80 characters of a value quoted in an error.
fn shortened(text: &str) -> String {
    let mut short: String = text.chars().take(80).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    short
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the BOM's metadata (a JSON object)")]
pub struct Metadata {
    pub component: Option<Component>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a component (a JSON object)")]
pub struct Component {
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub group: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    pub publisher: Option<String>,
    pub author: Option<String>,
    #[serde(default)]
    pub authors: Vec<Contact>,
    pub supplier: Option<Entity>,
    pub manufacturer: Option<Entity>,
    pub model_card: Option<ModelCard>,
    #[serde(default)]
    pub components: Vec<Component>,
}

/// An organisational entity (`supplier`, `manufacturer`, `provider`).
#[derive(Debug, Deserialize)]
#[serde(expecting = "an organisation (a JSON object)")]
pub struct Entity {
    pub name: Option<String>,
}

/// An organisational contact (`authors`).
#[derive(Debug, Deserialize)]
#[serde(expecting = "a contact (a JSON object)")]
pub struct Contact {
    pub name: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a model card (a JSON object)")]
pub struct ModelCard {
    pub model_parameters: Option<ModelParameters>,
    pub considerations: Option<Considerations>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "the model's parameters (a JSON object)"
)]
pub struct ModelParameters {
    pub approach: Option<Approach>,
    pub task: Option<String>,
    pub architecture_family: Option<String>,
    pub model_architecture: Option<String>,
    #[serde(default)]
    pub datasets: Vec<Dataset>,
}

#[derive(Debug, Deserialize)]
#[serde(expecting = "the learning approach (a JSON object)")]
pub struct Approach {
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// A dataset of a model card: given inline, or a reference to a data component.
#[derive(Debug, Deserialize)]
#[serde(expecting = "a dataset (a JSON object)")]
pub struct Dataset {
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "the model's considerations (a JSON object)"
)]
pub struct Considerations {
    #[serde(default)]
    pub users: Vec<String>,
    #[serde(default)]
    pub use_cases: Vec<String>,
    #[serde(default)]
    pub technical_limitations: Vec<String>,
    #[serde(default)]
    pub performance_tradeoffs: Vec<String>,
    #[serde(default)]
    pub ethical_considerations: Vec<Risk>,
    #[serde(default)]
    pub fairness_assessments: Vec<Fairness>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "an ethical consideration (a JSON object)"
)]
pub struct Risk {
    pub name: Option<String>,
    pub mitigation_strategy: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "a fairness assessment (a JSON object)"
)]
pub struct Fairness {
    pub group_at_risk: Option<String>,
    pub harms: Option<String>,
    pub mitigation_strategy: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a service (a JSON object)")]
pub struct Service {
    #[serde(rename = "bom-ref")]
    pub bom_ref: Option<String>,
    pub name: String,
    pub group: Option<String>,
    pub version: Option<String>,
    pub description: Option<String>,
    pub provider: Option<Entity>,
    #[serde(default)]
    pub services: Vec<Service>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", expecting = "a dependency (a JSON object)")]
pub struct Dependency {
    #[serde(rename = "ref")]
    pub reference: String,
    #[serde(default)]
    pub depends_on: Vec<String>,
}
