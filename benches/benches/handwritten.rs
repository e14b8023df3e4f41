//! Criterion benchmarks of workload W (hunan-dept, 24 leaf indicators): the same 1 000 varied
//! departments scored by the hand-written Rust of `jixiao_benches::hunan::score_by_hand` and by the
//! engine, to measure how close the rules engine gets to plain code.
//!
//! `cargo bench -p jixiao-benches --bench handwritten`.
#![expect(
    clippy::expect_used,
    reason = "a benchmark whose fixture does not load or evaluate should stop at once, loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao::{Inputs, PreparedInputs, Scores};
use jixiao_benches::hunan::{HunanUnit, hunan_dept_units, score_by_hand, score_by_hand_tuned};

const UNITS: usize = 1_000;
const SEED: u64 = 2024;

fn handwritten(c: &mut Criterion) {
    let scorer = jixiao::builtin("hunan-dept")
        .expect("hunan-dept is built in")
        .scorer()
        .expect("hunan-dept loads");
    let (units, inputs): (Vec<HunanUnit>, Vec<Inputs>) = hunan_dept_units(UNITS, SEED).into_iter().unzip();
    // Both sides score the same units to the same totals before anything is measured.
    for (unit, input) in units.iter().zip(&inputs) {
        let by_hand = score_by_hand(unit).expect("the unit scores by hand");
        let engine = scorer.evaluate(input).expect("the unit evaluates");
        assert_eq!(by_hand.total, engine.total, "hand-written and engine totals differ");
        assert_eq!(
            score_by_hand_tuned(unit),
            Some(by_hand),
            "the tuned hand-written code differs"
        );
    }

    let mut g = c.benchmark_group("handwritten");
    g.throughput(Throughput::Elements(UNITS as u64));
    g.bench_function("hunan-dept/score_by_hand", |b| {
        b.iter(|| {
            for unit in &units {
                black_box(score_by_hand(black_box(unit)));
            }
        })
    });
    // The practical limit: the same figures with the divisions a comparison makes unnecessary left
    // out (see `score_by_hand_tuned`).
    g.bench_function("hunan-dept/score_by_hand tuned", |b| {
        b.iter(|| {
            for unit in &units {
                black_box(score_by_hand_tuned(black_box(unit)));
            }
        })
    });
    // The engine's like-for-like entry: inputs resolved once (as the hand-written code gets a
    // typed struct), figures only, buffers reused.
    let prepared: Vec<PreparedInputs> = inputs
        .iter()
        .map(|i| scorer.prepare(i).expect("the unit's inputs fit"))
        .collect();
    g.bench_function("hunan-dept/engine score_into", |b| {
        let mut out = Scores::default();
        b.iter(|| {
            for p in &prepared {
                scorer.score_into(black_box(p), &mut out).expect("the unit scores");
                black_box(&out);
            }
        })
    });
    // The same figures by the tree walk (the reference the compiled program is tested against).
    g.bench_function("hunan-dept/engine tree walk (reference)", |b| {
        let mut out = Scores::default();
        b.iter(|| {
            for p in &prepared {
                scorer
                    .score_by_reference(black_box(p), &mut out)
                    .expect("the unit scores");
                black_box(&out);
            }
        })
    });
    // From name-keyed inputs: prepare (name lookup, conversion, checks) + score.
    g.bench_function("hunan-dept/engine prepare + score_into", |b| {
        let mut out = Scores::default();
        b.iter(|| {
            for input in &inputs {
                let p = scorer.prepare(black_box(input)).expect("the unit's inputs fit");
                scorer.score_into(&p, &mut out).expect("the unit scores");
                black_box(&out);
            }
        })
    });
    g.bench_function("hunan-dept/engine evaluate", |b| {
        b.iter(|| {
            for input in &inputs {
                black_box(scorer.evaluate(black_box(input)).expect("the unit evaluates"));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, handwritten);
criterion_main!(benches);
