//! PDF benchmark: the executive report of the largest example, typeset and written from
//! scratch each time (the renderer drops typst's layout cache after every report).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use aimsgap_assess::{assess, parse_assessment};
use aimsgap_catalog::Date;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;

fn pdf(c: &mut Criterion) {
    let catalog = aimsgap_catalog::builtin().unwrap();
    let assessment = parse_assessment(
        "bank-credit-scoring.yaml",
        include_str!("../../../examples/bank-credit-scoring.yaml"),
        &catalog,
        Date::parse("2026-11-29").unwrap(),
    )
    .unwrap();
    let result = assess(&catalog, &assessment).unwrap();
    let mut group = c.benchmark_group("pdf");
    group.sample_size(20);
    group.bench_function("render bank-credit-scoring", |b| {
        b.iter(|| aimsgap_pdf::render(black_box(&result)).unwrap())
    });
    group.bench_function("typst source bank-credit-scoring", |b| {
        b.iter(|| aimsgap_pdf::render_typst_source(black_box(&result)))
    });
    group.finish();
}

criterion_group!(benches, pdf);
criterion_main!(benches);
