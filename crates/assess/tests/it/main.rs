//! Integration tests of the engine: one binary, modules per concern.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod credit;
mod custom;
mod document;
mod errors;
mod eu_triggers;
mod format1;
mod item;
mod jurisdictions;
mod law;
mod limits;
mod plan;
mod properties;
mod trust;

use aimsgap_assess::{Assessment, AssessmentResult, assess, parse_assessment};
use aimsgap_catalog::{Catalog, Date};
use std::sync::OnceLock;

/// The five example assessments by name, for the tests that go over all of them.
pub const EXAMPLES: [(&str, &str); 5] = [
    (
        "bank-credit-scoring",
        include_str!("../../../../examples/bank-credit-scoring.yaml"),
    ),
    (
        "hrtech-cv-screening-soc2",
        include_str!("../../../../examples/hrtech-cv-screening-soc2.yaml"),
    ),
    (
        "medical-device-maker",
        include_str!("../../../../examples/medical-device-maker.yaml"),
    ),
    (
        "saas-chatbot-iso27001",
        include_str!("../../../../examples/saas-chatbot-iso27001.yaml"),
    ),
    (
        "startup-gpai-provider",
        include_str!("../../../../examples/startup-gpai-provider.yaml"),
    ),
];

pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| aimsgap_catalog::builtin().expect("built-in catalog loads"))
}

pub fn date(text: &str) -> Date {
    Date::parse(text).unwrap()
}

/// Parses an assessment written in YAML; panics with the located errors if it does not parse.
pub fn parse(text: &str) -> Assessment {
    match parse_assessment("test.yaml", text, catalog(), date("2026-11-29")) {
        Ok(assessment) => assessment,
        Err(errors) => panic!(
            "{}",
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

pub fn run(text: &str) -> AssessmentResult {
    assess(catalog(), &parse(text)).unwrap()
}

/// A minimal organisation header followed by `rest`.
pub fn org(rest: &str) -> String {
    format!(
        "aimsgap: 2\nas_of: 2026-11-29\norganization: {{name: Test Org, employees: 100, jurisdictions: [EU, US-CO], team_fte: 1}}\n{rest}"
    )
}

mod compare;
