//! Loads the built-in catalog the way a process did before it was prepared at build time
//! (`yaml`: parse and validate every YAML file) or the way it does now (`compact`: read the
//! validated compact form), so the two can be timed as whole processes or counted with
//! callgrind. Used by `bench/cli.sh`:
//!
//!     cargo run --release -p aimsgap-catalog --example load_builtin -- compact
#![allow(
    clippy::disallowed_methods,
    reason = "an example program reads its command line, which the library never does"
)]

use std::process::ExitCode;

fn main() -> ExitCode {
    let how = std::env::args().nth(1).unwrap_or_default();
    let parsed;
    let catalog = match how.as_str() {
        "yaml" => {
            parsed = aimsgap_catalog::parse_builtin();
            parsed.as_ref().map_err(Clone::clone)
        }
        "compact" => aimsgap_catalog::builtin_shared(),
        _ => {
            eprintln!("usage: load_builtin yaml|compact");
            return ExitCode::from(2);
        }
    };
    match catalog {
        Ok(catalog) => {
            let requirements: usize = catalog
                .frameworks
                .iter()
                .map(|framework| framework.requirements.len())
                .sum();
            println!(
                "{} frameworks, {requirements} requirements, {} crosswalks",
                catalog.frameworks.len(),
                catalog.crosswalks.len()
            );
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for error in errors {
                eprintln!("{error}");
            }
            ExitCode::FAILURE
        }
    }
}
