//! Runs `assess` of the largest example a number of times, so that one call can be counted with
//! callgrind or sampled with perf (the `engine` bench measures the time):
//!
//!     cargo build --release -p aimsgap-assess --example assess_loop
//!     valgrind --tool=callgrind target/release/examples/assess_loop 200
#![allow(
    clippy::disallowed_methods,
    reason = "an example program reads its command line, which the library never does"
)]

use aimsgap_assess::{assess, parse_assessment};
use aimsgap_catalog::Date;
use std::hint::black_box;
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let times: usize = match std::env::args().nth(1).map(|n| n.parse()) {
        None => 100,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("usage: assess_loop [TIMES]");
            return ExitCode::from(2);
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
    let text = include_str!("../../../examples/bank-credit-scoring.yaml");
    let Ok(date) = Date::parse("2026-11-29") else {
        return ExitCode::FAILURE;
    };
    let assessment = match parse_assessment("bank-credit-scoring.yaml", text, &catalog, date) {
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
