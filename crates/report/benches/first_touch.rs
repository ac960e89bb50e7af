//! The first touch of a result, as the server computes it after any change: the stored
//! document (a JSON value, as the store keeps its parts) read into the assessment document,
//! validated against the catalog (`from_document`), assessed, and written as the result JSON.
//! One figure per example for the whole pipeline, and the steps apart for the largest, with
//! the step the server adds before it caches and sends the result: gzip at the fast level.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use aimsgap_catalog::Date;
use aimsgap_wire::assessment::Document;
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;
use serde_json::Value;
use std::hint::black_box;

/// The allocator of the `aimsgap` binary (`crates/cli/src/main.rs`), so that the figures are
/// those of the program people run: with glibc's allocator, freeing a large result spends much
/// of the time consolidating free chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: [(&str, &str); 5] = [
    (
        "bank-credit-scoring",
        include_str!("../../../examples/bank-credit-scoring.yaml"),
    ),
    (
        "hrtech-cv-screening-soc2",
        include_str!("../../../examples/hrtech-cv-screening-soc2.yaml"),
    ),
    (
        "medical-device-maker",
        include_str!("../../../examples/medical-device-maker.yaml"),
    ),
    (
        "saas-chatbot-iso27001",
        include_str!("../../../examples/saas-chatbot-iso27001.yaml"),
    ),
    (
        "startup-gpai-provider",
        include_str!("../../../examples/startup-gpai-provider.yaml"),
    ),
];

/// The date the server would pass as today for a document without `as_of`.
fn today() -> Date {
    Date::parse("2026-11-29").unwrap()
}

/// The example as the store holds it: the assessment document as a JSON value.
fn stored(name: &str, text: &str) -> Value {
    let document = aimsgap_assess::read_document(name, text).unwrap();
    serde_json::to_value(&document).unwrap()
}

fn first_touch(c: &mut Criterion) {
    let catalog = aimsgap_catalog::builtin().unwrap();
    let mut group = c.benchmark_group("first-touch");
    for (name, text) in EXAMPLES {
        let value = stored(name, text);
        group.bench_function(name, |b| {
            b.iter(|| {
                let document = Document::deserialize(black_box(&value)).unwrap();
                let assessment =
                    aimsgap_assess::from_document(name, &document, &catalog, today()).unwrap();
                let result = aimsgap_assess::assess(&catalog, &assessment).unwrap();
                aimsgap_report::json::render_bytes(&result)
            })
        });
    }
    group.finish();

    let (name, text) = EXAMPLES[0];
    let value = stored(name, text);
    let document = Document::deserialize(&value).unwrap();
    let assessment = aimsgap_assess::from_document(name, &document, &catalog, today()).unwrap();
    let result = aimsgap_assess::assess(&catalog, &assessment).unwrap();
    let mut steps = c.benchmark_group("first-touch-steps/bank-credit-scoring");
    steps.bench_function("read stored value", |b| {
        b.iter(|| Document::deserialize(black_box(&value)).unwrap())
    });
    steps.bench_function("from_document", |b| {
        b.iter(|| {
            aimsgap_assess::from_document(name, black_box(&document), &catalog, today()).unwrap()
        })
    });
    steps.bench_function("assess", |b| {
        b.iter(|| aimsgap_assess::assess(&catalog, black_box(&assessment)).unwrap())
    });
    steps.bench_function("json render", |b| {
        b.iter(|| aimsgap_report::json::render_bytes(black_box(&result)))
    });
    // The compression of `Cached::new` in crates/web/src/cache.rs (the web crate depends on
    // this one, so its code cannot be called from here): keep the two alike.
    let json = aimsgap_report::json::render_bytes(&result);
    steps.bench_function("gzip (fast), as the server caches it", |b| {
        b.iter(|| {
            use std::io::Write;
            let mut encoder = flate2::write::GzEncoder::new(
                Vec::with_capacity(json.len() / 8),
                flate2::Compression::fast(),
            );
            encoder.write_all(black_box(json.as_slice())).unwrap();
            encoder.finish().unwrap()
        })
    });
    steps.finish();
}

criterion_group!(benches, first_touch);
criterion_main!(benches);
