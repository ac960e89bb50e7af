//! Engine benchmarks: a full assessment of the largest example, of each other example (their
//! inputs are smaller, their plans three to seven times longer), and the largest example's
//! organisation with 100, 1,000 and 10,000 AI systems (to check that time grows linearly with
//! the inventory).
#![allow(
    clippy::disallowed_methods,
    reason = "a bench reads the examples directory, which the library never does"
)]
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
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml"))
        .collect();
    paths.sort();
    for path in paths {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "bank-credit-scoring" {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let assessment =
            parse_assessment(&name, &text, &catalog, Date::parse("2026-11-29").unwrap()).unwrap();
        group.bench_function(&name, |b| {
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
