//! The frameworks, crosswalks and law rules of aimsgap, as validated data.
//!
//! This crate turns the YAML files of `catalogs/` (compiled in with `include_str!`) into a
//! [`Catalog`]: ISO/IEC 42001, ISO/IEC 27001, SOC 2, NIST AI RMF and AI 600-1, the EU AI Act
//! and Colorado's AI laws, the crosswalks between them, and the defaults of the drafted risk
//! method. It is pure: it reads no file, no clock and no network; the text comes in as values.
//! Every failure names the file, line, column and field, because a catalog is code in another
//! form and deserves the same errors.
//!
//! Design decision: the file format (`file` module) is kept apart from the domain types
//! (`model`), and only the former derives `Deserialize`. A value of a domain type has passed
//! validation, so the engine never re-checks ids or dates.

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

pub use areas::{Area, parse_areas};
pub use builtin::{
    AREAS, CATALOG_SCHEMA, CROSSWALK_SCHEMA, CROSSWALKS, DISAGREEMENTS, FILES, RISK_METHOD,
    RISK_METHOD_SCHEMA, builtin, builtin_areas,
};
pub use coverage::{Coverage, GroupCoverage, TargetCoverage, coverage};
pub use custom::{Change, ChangeKind, Custom, with_custom};
pub use date::{Date, DateError};
pub use error::{Error, ErrorKind, Location};
pub use load::{load, parse_crosswalk, parse_framework};
pub use model::*;
pub use risk::{CONTROL_FRAMEWORK, RISK_FRAMEWORK, SCALE_LEVELS, parse_risk_method};
