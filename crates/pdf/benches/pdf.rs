//! PDF benchmark: the executive report of the largest example (bank-credit-scoring).
//!
//! - `render new bank-credit-scoring`: a report the process has not typeset before; each
//!   iteration names a different organisation, which changes the title, the verdict and the
//!   header and footer of every page. This is the figure the target is for.
//! - `render bank-credit-scoring, one justification edited`: the same organisation with one SoA
//!   justification changed on each iteration, as after an edited answer: the pages after the
//!   change are typeset anew, the parts that did not change come from typst's cache.
//! - `render new bank-credit-scoring, caches emptied`: the same, with typst's memoized work
//!   dropped after each report (fonts instantiated, shaping plans, layout), as the renderer
//!   did until it kept that work between reports; close to the first report after start.
//! - `render five examples in turn`: one report of each example per iteration (a server
//!   handing out reports of different assessments), divided by five for a per-report figure.
//! - `render same bank-credit-scoring`: the same result again (a re-download).
//! - `typst data bank-credit-scoring`: only the generated data (the JSON the template reads).
//!
//! For instruction counts that do not depend on the machine's load, the `render_loop` example
//! renders a fixed number of reports: run it under `valgrind --tool=callgrind` with 1 and with
//! 4 reports and divide the difference by 3 (see bench/README.md).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use aimsgap_assess::{AssessmentResult, assess, parse_assessment};
use aimsgap_catalog::{Catalog, Date};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use std::hint::black_box;

/// The allocator of the `aimsgap` binary (`crates/cli/src/main.rs`), so that the figures are
/// those of the program people run: with glibc's allocator, about a tenth of a new report's
/// time went to glibc's malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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

fn result(catalog: &Catalog, name: &str, text: &str) -> AssessmentResult {
    let assessment =
        parse_assessment(name, text, catalog, Date::parse("2026-11-29").unwrap()).unwrap();
    assess(catalog, &assessment).unwrap()
}

fn pdf(c: &mut Criterion) {
    let catalog = aimsgap_catalog::builtin().unwrap();
    let examples: Vec<AssessmentResult> = EXAMPLES
        .iter()
        .map(|(name, text)| result(&catalog, name, text))
        .collect();
    let bank = examples.first().unwrap().clone();
    let mut group = c.benchmark_group("pdf");
    group.sample_size(20);
    let mut counter = 0u64;
    let mut renamed = bank.clone();
    group.bench_function("render new bank-credit-scoring", |b| {
        b.iter(|| {
            counter += 1;
            renamed.organization = format!("{} {counter}", bank.organization);
            aimsgap_pdf::render(black_box(&renamed)).unwrap()
        })
    });
    let mut counter = 0u64;
    let mut edited = bank.clone();
    group.bench_function(
        "render bank-credit-scoring, one justification edited",
        |b| {
            b.iter(|| {
                counter += 1;
                if let (Some(entry), Some(original)) = (edited.soa.get_mut(5), bank.soa.get(5)) {
                    entry.justification =
                        format!("{} (revision {counter})", original.justification);
                }
                aimsgap_pdf::render(black_box(&edited)).unwrap()
            })
        },
    );
    let mut counter = 0u64;
    group.bench_function("render new bank-credit-scoring, caches emptied", |b| {
        b.iter(|| {
            counter += 1;
            renamed.organization = format!("{} cold {counter}", bank.organization);
            let pdf = aimsgap_pdf::render(black_box(&renamed)).unwrap();
            typst::comemo::evict(0);
            pdf
        })
    });
    group.throughput(Throughput::Elements(5));
    group.bench_function("render five examples in turn", |b| {
        b.iter(|| {
            for example in &examples {
                black_box(aimsgap_pdf::render(black_box(example)).unwrap());
            }
        })
    });
    group.throughput(Throughput::Elements(1));
    group.bench_function("render same bank-credit-scoring", |b| {
        b.iter(|| aimsgap_pdf::render(black_box(&bank)).unwrap())
    });
    group.bench_function("typst data bank-credit-scoring", |b| {
        b.iter(|| aimsgap_pdf::render_data_json(black_box(&bank)))
    });
    group.finish();
}

criterion_group!(benches, pdf);
criterion_main!(benches);
