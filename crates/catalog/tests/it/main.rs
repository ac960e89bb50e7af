//! Integration tests of the catalog crate: one binary, modules per concern.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod builtin;
mod compiled;
mod copied;
mod crosswalks;
mod custom;
mod documented;
mod errors;
mod ids;
mod relationship_rules;
mod risk_method;
mod rmf_coverage;
mod schema;

use aimsgap_catalog::Catalog;
use std::sync::OnceLock;

/// The built-in catalog, loaded once for all tests.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| match aimsgap_catalog::builtin() {
        Ok(catalog) => catalog,
        Err(errors) => {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            panic!("built-in catalog does not load:\n{}", lines.join("\n"))
        }
    })
}

/// Whether tests that need a tool beyond the Rust toolchain must run (CI) or may skip.
#[allow(
    clippy::disallowed_methods,
    reason = "a test setting, read from the environment as in every crate"
)]
pub fn require_all() -> bool {
    std::env::var("AIMSGAP_REQUIRE_ALL").is_ok_and(|v| v == "1")
}
