//! The aimsgap assessment engine: an assessment (profile, certifications, AI systems, answers,
//! as-of date) and the catalog in, an explained [`AssessmentResult`] out.
//!
//! It is pure: no I/O, no clock, no randomness, no hash-ordered iteration in output. The as-of
//! date is an input, so the same input gives the same result byte for byte once rendered. A
//! missing answer is a finding (status `unknown`, a diagnostic), not an error.
//!
//! Design decision: every rule and weight lives in `rules.rs`, and every number of the result
//! carries its sources (the answer, or the crosswalk edges and their factors), so that
//! `aimsgap explain` can show the derivation without recomputing it differently.

mod claims;
pub mod compare;
mod credit;
mod engine;
mod explain;
mod file;
mod input;
pub mod item;
mod law;
mod plan;
mod result;
pub mod rules;
mod soa;

pub use credit::{TARGET, certifiable, combine, governing_answer, inherited_credit};
pub use engine::{MissingFramework, assess};
pub use explain::explain;
pub use file::{
    FORMAT_VERSION, Migration, OverLimits, Renamed, check_limits, from_document, migrate,
    parse_assessment, parse_assessment_noting, read_document, to_document, upgrade,
};

/// The JSON Schema of the assessment file (`aimsgap schema assessment`).
pub const ASSESSMENT_SCHEMA: &str = include_str!("../schema/assessment.schema.json");
pub use input::*;
pub use result::*;
