//! Writes the result JSON of an example a number of times, so that one write can be counted
//! with callgrind (the `first_touch` bench measures the time):
//!
//!     cargo build --release -p aimsgap-report --example json_loop
//!     valgrind --tool=callgrind target/release/examples/json_loop EXAMPLE 1
//!     valgrind --tool=callgrind target/release/examples/json_loop EXAMPLE 101
//!
//! One write is the difference of the two counts divided by 100. EXAMPLE is a file name in
//! `examples/` (default `bank-credit-scoring.yaml`).
#![allow(
    clippy::disallowed_methods,
    reason = "an example program reads its command line and a file, which the library never does"
)]

use aimsgap_catalog::Date;
use std::hint::black_box;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let name = args
        .next()
        .unwrap_or_else(|| "bank-credit-scoring.yaml".to_string());
    let times: usize = match args.next().map(|n| n.parse()) {
        None => 100,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("usage: json_loop [EXAMPLE] [TIMES]");
            return ExitCode::from(2);
        }
    };
    let path = format!("{}/../../examples/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("{path}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let catalog = match aimsgap_catalog::builtin() {
        Ok(catalog) => catalog,
        Err(errors) => {
            for error in errors {
                eprintln!("{error}");
            }
            return ExitCode::FAILURE;
        }
    };
    let Ok(date) = Date::parse("2026-11-29") else {
        return ExitCode::FAILURE;
    };
    let assessment = match aimsgap_assess::parse_assessment(&name, &text, &catalog, date) {
        Ok(assessment) => assessment,
        Err(errors) => {
            for error in errors {
                eprintln!("{error}");
            }
            return ExitCode::FAILURE;
        }
    };
    let result = match aimsgap_assess::assess(&catalog, &assessment) {
        Ok(result) => result,
        Err(error) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    let mut bytes = 0;
    for _ in 0..times {
        bytes += aimsgap_report::json::render_bytes(black_box(&result)).len();
    }
    println!("{times} results written, {bytes} bytes in all");
    ExitCode::SUCCESS
}
