//! Loading workload W (the built-in `hunan-dept`): parse + validate + compile, and the cost of
//! rendering explanations against evaluating without them.
//!
//! `cargo bench -p jixiao-benches --bench load`.
#![expect(
    clippy::expect_used,
    reason = "a benchmark whose fixture does not load or evaluate should stop at once, loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao::{Lang, Scorer};
use jixiao_benches::hunan::hunan_dept_inputs;

const UNITS: usize = 1_000;

fn load(c: &mut Criterion) {
    let text = jixiao::builtin("hunan-dept").expect("hunan-dept is built in").text();
    let mut g = c.benchmark_group("load");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.bench_function("hunan-dept", |b| {
        b.iter(|| Scorer::from_text(black_box(text)).expect("hunan-dept loads"))
    });
    g.finish();
}

fn explain(c: &mut Criterion) {
    let scorer = jixiao::builtin("hunan-dept")
        .expect("hunan-dept is built in")
        .scorer()
        .expect("hunan-dept loads");
    let units = hunan_dept_inputs(UNITS, 11);
    let mut g = c.benchmark_group("explain");
    g.throughput(Throughput::Elements(UNITS as u64));
    g.bench_function("evaluate", |b| {
        b.iter(|| {
            for unit in &units {
                black_box(scorer.evaluate(black_box(unit)).expect("the unit evaluates"));
            }
        })
    });
    g.bench_function("evaluate + explain zh", |b| {
        b.iter(|| {
            for unit in &units {
                let e = scorer.evaluate(black_box(unit)).expect("the unit evaluates");
                black_box(e.explain(Lang::Zh));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, load, explain);
criterion_main!(benches);
