//! Runs `assess` of an example a number of times, so that one call can be counted with
//! callgrind or sampled with perf (the `engine` bench measures the time):
//!
//!     cargo build --release -p aimsgap-assess --example assess_loop
//!     valgrind --tool=callgrind target/release/examples/assess_loop 200 [EXAMPLE]
//!
//! EXAMPLE is a file name in `examples/` (default `bank-credit-scoring.yaml`, the largest
//! input; the others have the larger roadmaps).
#![allow(
    clippy::disallowed_methods,
    reason = "an example program reads its command line and a file, which the library never does"
)]

use aimsgap_assess::{assess, parse_assessment};
use aimsgap_catalog::Date;
use std::hint::black_box;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let times: usize = match args.next().map(|n| n.parse()) {
        None => 100,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("usage: assess_loop [TIMES] [EXAMPLE]");
            return ExitCode::from(2);
        }
    };
    let name = args
        .next()
        .unwrap_or_else(|| "bank-credit-scoring.yaml".to_string());
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
    let assessment = match parse_assessment(&name, &text, &catalog, date) {
        Ok(assessment) => assessment,
        Err(errors) => {
            for error in errors {
                eprintln!("{error}");
            }
            return ExitCode::FAILURE;
        }
    };
    let mut gaps = 0;
    for _ in 0..times {
        match assess(black_box(&catalog), black_box(&assessment)) {
            Ok(result) => gaps += result.gaps.len(),
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{times} assessments, {gaps} gaps in all");
    ExitCode::SUCCESS
}
