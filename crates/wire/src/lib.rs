//! aimsgap's wire types: every document that crosses a process boundary, as serde types.
//!
//! - [`result`]: the result JSON, schema `aimsgap/assessment-result/2`, written by
//!   `aimsgap_report::json` and read back by every reader (diff, OSCAL import, pages, `push`,
//!   tests);
//! - [`assessment`]: the assessment file, read and written;
//! - [`api`]: the JSON API's request and response bodies and its error body;
//! - [`limits`]: the bounds on every assessment document (counts, lengths, numbers).
//!
//! Only this crate's types derive `Serialize`, `Deserialize` and `JsonSchema` for the wire; the
//! domain types of the core stay free of serialisation, so the wire can change only here and its
//! JSON Schemas (`aimsgap schema result`, the OpenAPI document) are generated from the same
//! types that write and read it. The crate is pure data: no I/O, no clock.

pub mod api;
pub mod assessment;
pub mod limits;
pub mod result;
