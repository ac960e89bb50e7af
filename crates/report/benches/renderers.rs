//! Renderer benchmarks on the largest example (bank-credit-scoring).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use aimsgap_catalog::Date;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn renderers(c: &mut Criterion) {
    let catalog = aimsgap_catalog::builtin().unwrap();
    let text = include_str!("../../../examples/bank-credit-scoring.yaml");
    let assessment = aimsgap_assess::parse_assessment(
        "bank",
        text,
        &catalog,
        Date::parse("2026-11-29").unwrap(),
    )
    .unwrap();
    let result = aimsgap_assess::assess(&catalog, &assessment).unwrap();
    let mut group = c.benchmark_group("render/bank-credit-scoring");
    group.bench_function("json", |b| {
        b.iter(|| aimsgap_report::json::render(black_box(&result)))
    });
    group.bench_function("html", |b| {
        b.iter(|| aimsgap_report::html::render(black_box(&result), &catalog))
    });
    group.bench_function("markdown", |b| {
        b.iter(|| aimsgap_report::markdown::render(black_box(&result), 15))
    });
    group.bench_function("csv", |b| {
        b.iter(|| aimsgap_report::csv::requirements(black_box(&result)))
    });
    group.bench_function("xlsx", |b| {
        b.iter(|| aimsgap_report::xlsx::render(black_box(&result)).unwrap())
    });
    group.bench_function("oscal-assessment-results", |b| {
        b.iter(|| aimsgap_report::oscal::assessment_results(black_box(&result), &catalog))
    });
    group.bench_function("artefacts", |b| {
        b.iter(|| aimsgap_report::artefacts::artefacts(&catalog, &assessment, black_box(&result)))
    });
    group.finish();
}

criterion_group!(benches, renderers);
criterion_main!(benches);
