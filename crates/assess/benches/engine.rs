//! Engine benchmarks: a full assessment of the largest example, of each other example (their
//! inputs are smaller, their plans three to seven times longer), and the largest example's
//! organisation with 100, 1,000 and 10,000 AI systems (to check that time grows linearly with
//! the inventory).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use aimsgap_assess::{AiSystem, Assessment, assess, parse_assessment};
use aimsgap_catalog::{Catalog, Date};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

/// The allocator of the `aimsgap` binary (`crates/cli/src/main.rs`), so that the figures are
/// those of the program people run: with glibc's allocator, freeing a large result spends much
/// of the time consolidating free chunks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn largest_example(catalog: &Catalog) -> Assessment {
    let text = include_str!("../../../examples/bank-credit-scoring.yaml");
    parse_assessment(
        "bank-credit-scoring.yaml",
        text,
        catalog,
        Date::parse("2026-11-29").unwrap(),
    )
    .unwrap()
}

/// The example's organisation with `n` AI systems of varied kinds.
fn with_systems(base: &Assessment, n: usize) -> Assessment {
    let kinds = &base.ai_systems;
    let ai_systems: Vec<AiSystem> = (0..n)
        .map(|i| {
            let mut system = kinds[i % kinds.len()].clone();
            system.id = format!("system-{i:05}");
            system.interacts_with_natural_persons = i % 3 == 0;
            system.generates_synthetic_content = i % 5 == 0;
            system
        })
        .collect();
    Assessment {
        ai_systems,
        ..base.clone()
    }
}

fn engine(c: &mut Criterion) {
    let catalog = aimsgap_catalog::builtin().unwrap();
    let largest = largest_example(&catalog);
    c.bench_function("assess/bank-credit-scoring (largest example)", |b| {
        b.iter(|| assess(black_box(&catalog), black_box(&largest)).unwrap())
    });
    let mut group = c.benchmark_group("assess/example");
    for (name, text) in [
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
    ] {
        let assessment =
            parse_assessment(name, text, &catalog, Date::parse("2026-11-29").unwrap()).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| assess(black_box(&catalog), black_box(&assessment)).unwrap())
        });
    }
    group.finish();
    let mut group = c.benchmark_group("assess/ai-systems");
    group.sample_size(10);
    for n in [100, 1_000, 10_000] {
        let many = with_systems(&largest, n);
        group.bench_function(format!("{n}"), |b| {
            b.iter(|| assess(black_box(&catalog), black_box(&many)).unwrap())
        });
    }
    group.finish();
    c.bench_function("catalog/load and validate built-in", |b| {
        b.iter(|| aimsgap_catalog::builtin().unwrap())
    });
}

criterion_group!(benches, engine);
criterion_main!(benches);
