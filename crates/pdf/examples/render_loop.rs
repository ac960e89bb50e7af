//! Renders the executive report of the largest example (bank-credit-scoring) a fixed number of
//! times, for instruction counts with `valgrind --tool=callgrind`, which do not depend on the
//! machine's load (criterion's time does). Run it with 1 and with 4 reports; the difference
//! divided by 3 is the cost of one report once the process is warm.
//!
//! `cargo build --release -p aimsgap-pdf --example render_loop`, then
//! `render_loop MODE COUNT` with MODE one of
//! - `new`: each report names a different organisation (the `pdf` bench's "render new");
//! - `edited`: one SoA justification differs on each report;
//! - `same`: the same report again (a re-download);
//! - `cold`: like `new`, with typst's cache emptied after each report;
//! - `five`: the five examples in turn, one report each per count (the bench's "five examples").
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    missing_docs
)]
#![allow(
    clippy::disallowed_methods,
    reason = "a measuring tool, not the core: it reads its arguments and the clock"
)]

use aimsgap_assess::{AssessmentResult, assess, parse_assessment};
use aimsgap_catalog::Date;
use std::time::Instant;

const EXAMPLES: [(&str, &str); 5] = [
    (
        "bank-credit-scoring.yaml",
        include_str!("../../../examples/bank-credit-scoring.yaml"),
    ),
    (
        "hrtech-cv-screening-soc2.yaml",
        include_str!("../../../examples/hrtech-cv-screening-soc2.yaml"),
    ),
    (
        "medical-device-maker.yaml",
        include_str!("../../../examples/medical-device-maker.yaml"),
    ),
    (
        "saas-chatbot-iso27001.yaml",
        include_str!("../../../examples/saas-chatbot-iso27001.yaml"),
    ),
    (
        "startup-gpai-provider.yaml",
        include_str!("../../../examples/startup-gpai-provider.yaml"),
    ),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let mode = args.next().unwrap_or_else(|| "new".to_string());
    let count: usize = args
        .next()
        .and_then(|count| count.parse().ok())
        .unwrap_or(1);
    let catalog = aimsgap_catalog::builtin().unwrap();
    let examples: Vec<AssessmentResult> = EXAMPLES
        .iter()
        .map(|(name, text)| {
            let assessment =
                parse_assessment(name, text, &catalog, Date::parse("2026-11-29").unwrap()).unwrap();
            assess(&catalog, &assessment).unwrap()
        })
        .collect();
    let bank = examples.first().unwrap().clone();
    let mut result = bank.clone();
    let start = Instant::now();
    let mut bytes = 0;
    for index in 0..count {
        match mode.as_str() {
            "five" => {
                for example in &examples {
                    bytes += aimsgap_pdf::render(example).unwrap().len();
                }
                continue;
            }
            "same" => {}
            "edited" => {
                if let (Some(entry), Some(original)) = (result.soa.get_mut(5), bank.soa.get(5)) {
                    entry.justification = format!("{} (revision {index})", original.justification);
                }
            }
            _ => result.organization = format!("{} {index}", bank.organization),
        }
        bytes += aimsgap_pdf::render(&result).unwrap().len();
        if mode == "cold" {
            typst::comemo::evict(0);
        }
    }
    println!(
        "{mode}: {count} reports, {bytes} bytes, {:.1} ms per report",
        start.elapsed().as_secs_f64() * 1000.0 / count as f64
    );
}
