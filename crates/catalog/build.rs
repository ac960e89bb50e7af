//! Validates the built-in catalog when the crate is built and writes it in a compact form.
//!
//! The loading modules of the library are compiled into this script (the `#[path]` modules
//! below mirror `src/lib.rs`, so their `crate::` paths resolve), and run on the files of
//! `catalogs/` exactly as `aimsgap --catalogs` runs them at run time. If the files do not
//! validate, every located error (file, line, column, field, what was expected) is printed and
//! the build fails. Otherwise the validated catalog is written to `OUT_DIR` in postcard, and
//! `builtin()` reads it back without parsing YAML.
#![allow(
    dead_code,
    reason = "the library modules compiled in here carry more than the build uses"
)]
#![allow(
    clippy::enum_variant_names,
    reason = "the library's public vocabularies keep their names; only here are they private"
)]

#[path = "src/date.rs"]
mod date;
#[path = "src/error.rs"]
mod error;
#[path = "src/file.rs"]
mod file;
#[path = "src/load.rs"]
mod load;
#[path = "src/model.rs"]
mod model;
#[path = "src/risk.rs"]
mod risk;
#[path = "src/sources.rs"]
mod sources;

use date::Date;

use std::path::PathBuf;
use std::process::ExitCode;

/// The library files whose code decides what the compact form holds.
const CODE: &[&str] = &[
    "src/date.rs",
    "src/error.rs",
    "src/file.rs",
    "src/load.rs",
    "src/model.rs",
    "src/risk.rs",
    "src/sources.rs",
];

#[allow(
    clippy::disallowed_methods,
    reason = "a build script reads its environment and writes its output file"
)]
fn main() -> ExitCode {
    for path in CODE {
        println!("cargo::rerun-if-changed={path}");
    }
    let files = sources::FILES.iter().chain(sources::CROSSWALKS);
    for (name, _) in files.chain([&sources::RISK_METHOD]) {
        println!("cargo::rerun-if-changed=../../catalogs/{name}");
    }
    let catalog =
        match sources::parse_sources(sources::FILES, sources::CROSSWALKS, sources::RISK_METHOD) {
            Ok(catalog) => catalog,
            Err(errors) => {
                eprintln!("the built-in catalog does not validate:");
                for error in &errors {
                    eprintln!("catalogs/{error}");
                }
                return ExitCode::FAILURE;
            }
        };
    let bytes = match postcard::to_extend(&catalog, Vec::new()) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("cannot write the built-in catalog in compact form: {error}");
            return ExitCode::FAILURE;
        }
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        eprintln!("cargo did not set OUT_DIR");
        return ExitCode::FAILURE;
    };
    let path = PathBuf::from(out_dir).join("builtin-catalog.postcard");
    if let Err(error) = std::fs::write(&path, bytes) {
        eprintln!("cannot write {}: {error}", path.display());
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
