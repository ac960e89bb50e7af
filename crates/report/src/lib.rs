//! Renders an [`AssessmentResult`](aimsgap_assess::AssessmentResult) to bytes: the versioned
//! JSON result (a public interface) and the terminal summary.
//!
//! Pure: values in, text out; no files, no clock. The JSON is deterministic: keys sorted,
//! numbers rounded, arrays in the engine's order, so the same input gives the same bytes.

pub mod artefacts;
pub mod claims;
pub mod compare;
pub mod csv;
pub mod diff;
pub mod escape;
pub mod evidence;
pub mod format;
pub mod html;
pub mod json;
pub mod markdown;
pub mod oscal;
mod plan;
pub mod table;
pub mod text;
pub mod workbook;
pub mod xlsx;
