//! Batch scaling on workload W (the built-in `hunan-dept`, 26 leaf indicators): time per unit from
//! 1 000 to 1 000 000 units, through `Scorer::score_batch` (all cores) and one thread
//! (`score_into` in a loop), so that flatness and the use of the cores read off one run.
//!
//! `cargo bench -p jixiao-benches --bench batch`. The units are 10 000 distinct generated units
//! (benches/src/hunan.rs), repeated to the batch size.
#![expect(
    clippy::expect_used,
    reason = "a benchmark whose fixture does not load or evaluate should stop at once, loudly"
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use jixiao::{PreparedInputs, Scores};
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
    for n in SIZES {
        let units: Vec<PreparedInputs> = distinct.iter().cycle().take(n).cloned().collect();
        assert!(
            scorer.score_batch(&units).iter().all(Result::is_ok),
            "every unit scores"
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("all cores", n), &units, |b, units| {
            b.iter(|| scorer.score_batch(black_box(units)))
        });
        g.bench_with_input(BenchmarkId::new("one thread", n), &units, |b, units| {
            b.iter(|| {
                let mut out = Scores::default();
                for unit in units {
                    scorer.score_into(black_box(unit), &mut out).expect("the unit scores");
                    black_box(&out);
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
