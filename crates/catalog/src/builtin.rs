//! The catalog files compiled into the binary.

use crate::{Area, Catalog, Error, load, parse_areas, parse_risk_method};

macro_rules! catalog_file {
    ($path:literal) => {
        ($path, include_str!(concat!("../../../catalogs/", $path)))
    };
}

/// The framework files, in load order, as (path under `catalogs/`, text).
pub const FILES: &[(&str, &str)] = &[
    catalog_file!("iso42001.yaml"),
    catalog_file!("iso27001.yaml"),
    catalog_file!("soc2.yaml"),
    catalog_file!("nist-ai-rmf.yaml"),
    catalog_file!("nist-ai-600-1.yaml"),
    catalog_file!("eu-ai-act.yaml"),
    catalog_file!("colorado-ai.yaml"),
    catalog_file!("texas-traiga.yaml"),
    catalog_file!("illinois-hb3773.yaml"),
    catalog_file!("nyc-ll144.yaml"),
    catalog_file!("korea-ai-basic-act.yaml"),
];

/// The crosswalk files, as (path under `catalogs/`, text).
pub const CROSSWALKS: &[(&str, &str)] = &[
    catalog_file!("crosswalks/iso27001-iso42001.yaml"),
    catalog_file!("crosswalks/soc2-iso42001.yaml"),
    catalog_file!("crosswalks/nist-ai-rmf-iso42001.yaml"),
    catalog_file!("crosswalks/eu-ai-act-iso42001.yaml"),
    catalog_file!("crosswalks/colorado-ai-iso42001.yaml"),
    catalog_file!("crosswalks/colorado-ai-nist-ai-rmf.yaml"),
    catalog_file!("crosswalks/texas-traiga-iso42001.yaml"),
    catalog_file!("crosswalks/illinois-hb3773-iso42001.yaml"),
    catalog_file!("crosswalks/nyc-ll144-iso42001.yaml"),
    catalog_file!("crosswalks/korea-ai-basic-act-iso42001.yaml"),
];

/// The governance areas of `aimsgap compare`, as (path under `catalogs/`, text).
pub const AREAS: (&str, &str) = catalog_file!("governance-areas.yaml");
/// Where our crosswalks disagree with the article's comparison table, and why.
pub const DISAGREEMENTS: (&str, &str) = catalog_file!("article-disagreements.yaml");

/// The defaults of the drafted risk method: rating scales and the Annex A treatment of the
/// NIST AI 600-1 risks. Loaded after the frameworks, whose ids it names.
pub const RISK_METHOD: (&str, &str) = catalog_file!("risk-method.yaml");

/// The JSON Schema of framework files (`aimsgap schema catalog`).
pub const CATALOG_SCHEMA: &str = include_str!("../../../catalogs/schema/catalog.schema.json");
/// The JSON Schema of crosswalk files (`aimsgap schema crosswalk`).
pub const CROSSWALK_SCHEMA: &str = include_str!("../../../catalogs/schema/crosswalk.schema.json");
/// The JSON Schema of the risk method file.
pub const RISK_METHOD_SCHEMA: &str =
    include_str!("../../../catalogs/schema/risk-method.schema.json");

/// Loads and validates the built-in catalog, its risk method included.
pub fn builtin() -> Result<Catalog, Vec<Error>> {
    let mut catalog = load(FILES, CROSSWALKS)?;
    catalog.risk_method = parse_risk_method(RISK_METHOD.0, RISK_METHOD.1, &catalog)?;
    Ok(catalog)
}

/// Loads the governance areas against the catalog's ISO/IEC 42001.
pub fn builtin_areas(catalog: &Catalog) -> Result<Vec<Area>, Vec<Error>> {
    match catalog.framework("iso42001") {
        Some(iso) => parse_areas(AREAS.0, AREAS.1, iso),
        None => Ok(Vec::new()),
    }
}
