//! Batch scaling on workload W (the built-in `hunan-dept`, 26 leaf indicators): time per unit from
//! 1 000 to 1 000 000 units, through `Scorer::score_table` (all cores, the table's buffers reused
//! between batches) and on one thread (`score_into` in a loop, figures copied into a flat table),
//! so that flatness and the use of the cores read off one run.
//!
//! `cargo bench -p jixiao-benches --bench batch`. The units are 10 000 distinct generated units
//! (benches/src/hunan.rs), repeated to the batch size.
#![expect(
    clippy::expect_used,
    reason = "a benchmark whose fixture does not load or evaluate should stop at once, loudly"
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use jixiao::{Decimal, PreparedInputs, ScoreTable, Scores};
use jixiao_benches::hunan::hunan_dept_inputs;

const SIZES: [usize; 4] = [1_000, 10_000, 100_000, 1_000_000];

fn batch(c: &mut Criterion) {
    let scorer = jixiao::builtin("hunan-dept")
        .expect("hunan-dept is built in")
        .scorer()
        .expect("hunan-dept loads");
    let distinct: Vec<PreparedInputs> = hunan_dept_inputs(10_000, 7)
        .iter()
        .map(|u| scorer.prepare(u).expect("the unit's inputs fit"))
        .collect();
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    // `cargo test --all-targets` runs each benchmark once as a smoke test (unoptimised): the
    // smallest size is enough there; `cargo bench` passes `--bench` and gets them all.
    let sizes: &[usize] = if std::env::args().any(|a| a == "--bench") {
        &SIZES
    } else {
        &SIZES[..1]
    };
    for &n in sizes {
        let units: Vec<PreparedInputs> = distinct.iter().cycle().take(n).cloned().collect();
        let mut table = ScoreTable::default();
        scorer.score_table(&units, &mut table);
        assert!(table.errors.is_empty(), "every unit scores");
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("all cores", n), &units, |b, units| {
            b.iter(|| scorer.score_table(black_box(units), &mut table))
        });
        // The same work on one thread: each unit scored and its figures copied into a flat table.
        let width = scorer.indicator_ids().count();
        let mut flat = vec![Decimal::ZERO; n * width];
        let mut totals = vec![Decimal::ZERO; n];
        g.bench_with_input(BenchmarkId::new("one thread", n), &units, |b, units| {
            let mut out = Scores::default();
            b.iter(|| {
                for ((unit, row), total) in units.iter().zip(flat.chunks_mut(width)).zip(totals.iter_mut()) {
                    scorer.score_into(black_box(unit), &mut out).expect("the unit scores");
                    row.copy_from_slice(&out.indicators);
                    *total = out.total;
                }
                black_box(&flat);
            })
        });
    }
    g.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
