//! Criterion benchmarks of bench-30 (31 leaf indicators): load, evaluate one unit with and
//! without rendering the explanation, and a batch of 1 000 varied units.
//!
//! `cargo bench -p jixiao-benches` (or `make bench`); one filter: `cargo bench -p jixiao-benches -- load`.
#![expect(
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "a benchmark whose fixture does not load or evaluate should stop at once, loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao::{Lang, Scorer};
use jixiao_benches::{BENCH_30, bench_30_units};

const BATCH: usize = 1_000;

fn load(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.throughput(Throughput::Bytes(BENCH_30.len() as u64));
    g.bench_function("bench-30", |b| {
        b.iter(|| Scorer::from_text(black_box(BENCH_30)).expect("bench-30 loads"))
    });
    g.finish();
}

fn evaluate(c: &mut Criterion) {
    let scorer = Scorer::from_text(BENCH_30).expect("bench-30 loads");
    let unit = &bench_30_units(1, 2024)[0];
    scorer.evaluate(unit).expect("the unit evaluates");
    let mut g = c.benchmark_group("evaluate");
    g.throughput(Throughput::Elements(1));
    g.bench_function("bench-30/one unit", |b| {
        b.iter(|| scorer.evaluate(black_box(unit)).expect("the unit evaluates"))
    });
    g.bench_function("bench-30/one unit + explain zh", |b| {
        b.iter(|| {
            let e = scorer.evaluate(black_box(unit)).expect("the unit evaluates");
            e.explain(Lang::Zh)
        })
    });
    g.finish();
}

fn evaluate_batch(c: &mut Criterion) {
    let scorer = Scorer::from_text(BENCH_30).expect("bench-30 loads");
    let units = bench_30_units(BATCH, 42);
    assert!(
        scorer.evaluate_batch(&units).iter().all(Result::is_ok),
        "every unit evaluates"
    );
    let mut g = c.benchmark_group("evaluate_batch");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.sample_size(20);
    g.bench_function("bench-30/1000 units", |b| {
        b.iter(|| scorer.evaluate_batch(black_box(&units)))
    });
    // The same units, each evaluation dropped before the next: separates the cost of the units'
    // variety from that of keeping 1 000 evaluations alive.
    g.bench_function("bench-30/1000 units one at a time", |b| {
        b.iter(|| {
            for unit in &units {
                black_box(scorer.evaluate(black_box(unit)).expect("the unit evaluates"));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, load, evaluate, evaluate_batch);
criterion_main!(benches);
