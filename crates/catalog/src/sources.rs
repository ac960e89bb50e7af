//! The catalog files that make up the built-in catalog, and the one function that turns them
//! into a validated [`Catalog`].
//!
//! This module is compiled twice: into the library, and into the build script, which runs
//! [`parse_sources`] on these very files when the binary is built. A catalog that does not
//! validate therefore fails the build with the same located errors a user would see, and the
//! library only reads the compact form the build script wrote.

use crate::error::Error;
use crate::load::load;
use crate::model::Catalog;
use crate::risk::parse_risk_method;

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

/// The defaults of the drafted risk method: rating scales and the Annex A treatment of the
/// NIST AI 600-1 risks. Loaded after the frameworks, whose ids it names.
pub const RISK_METHOD: (&str, &str) = catalog_file!("risk-method.yaml");

/// Loads and validates frameworks, crosswalks and the risk method, each given as (file name,
/// text): what the build does with the built-in files. Every error of every file is returned,
/// located by file, line, column and field.
pub fn parse_sources(
    frameworks: &[(&str, &str)],
    crosswalks: &[(&str, &str)],
    risk_method: (&str, &str),
) -> Result<Catalog, Vec<Error>> {
    let mut catalog = load(frameworks, crosswalks)?;
    catalog.risk_method = parse_risk_method(risk_method.0, risk_method.1, &catalog)?;
    Ok(catalog)
}
