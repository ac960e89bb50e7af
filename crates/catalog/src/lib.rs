//! The frameworks, crosswalks and law rules of aimsgap, as validated data.
//!
//! This crate turns the YAML files of `catalogs/` into a [`Catalog`]: ISO/IEC 42001, ISO/IEC
//! 27001, SOC 2, NIST AI RMF and AI 600-1, the EU AI Act and Colorado's AI laws, the
//! crosswalks between them, and the defaults of the drafted risk method. It is pure: it reads
//! no file, no clock and no network; the text comes in as values. Every failure names the
//! file, line, column and field, because a catalog is code in another form and deserves the
//! same errors.
//!
//! Design decision: the file format (`file` module) is kept apart from the domain types
//! (`model`); a value of a domain type has passed validation, so the engine never re-checks
//! ids or dates. The built-in files are validated when the crate is built: the build script
//! compiles the loading modules into itself, runs them on `catalogs/` and writes the validated
//! catalog in a compact serialised form (postcard), which [`builtin`] reads back without
//! parsing YAML. That is the one reason the domain types derive serde's traits: nothing else
//! deserialises them, so they still only ever hold validated values. Catalog folders given at
//! run time (`--catalogs`) go through the YAML path and its located errors.

pub mod areas;
mod builtin;
pub mod coverage;
mod custom;
mod date;
mod error;
mod file;
mod load;
mod model;
mod risk;
mod sources;

pub use areas::{Area, parse_areas};
pub use builtin::{
    AREAS, CATALOG_SCHEMA, CROSSWALK_SCHEMA, DISAGREEMENTS, RISK_METHOD_SCHEMA, builtin,
    builtin_areas, builtin_shared, parse_builtin,
};
pub use coverage::{Coverage, GroupCoverage, TargetCoverage, coverage};
pub use custom::{Change, ChangeKind, Custom, with_custom};
pub use date::{Date, DateError};
pub use error::{Error, ErrorKind, Location};
pub use load::{load, parse_crosswalk, parse_framework};
pub use model::*;
pub use risk::{CONTROL_FRAMEWORK, RISK_FRAMEWORK, SCALE_LEVELS, parse_risk_method};
pub use sources::{CROSSWALKS, FILES, RISK_METHOD, parse_sources};
