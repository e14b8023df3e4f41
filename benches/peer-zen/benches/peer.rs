//! jixiao against its peer engine, GoRules ZEN, on hunan-dept: the same 1 000 varied departments
//! scored one at a time by jixiao's `Scorer::evaluate`, by ZEN from the unit (building ZEN's JSON
//! request from the unit's inputs, as a ZEN user must), and by ZEN alone from prebuilt JSON requests.
//!
//! `cd benches/peer-zen && cargo bench --bench peer`.
#![expect(
    clippy::expect_used,
    reason = "a benchmark whose fixture does not load or evaluate should stop at once, loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao::{PreparedInputs, Scores};
use jixiao_benches::hunan::hunan_dept_inputs;
use jixiao_peer_zen::{ZenPeer, zen_input};

const UNITS: usize = 1_000;
const SEED: u64 = 42;

fn peer(c: &mut Criterion) {
    let scorer = jixiao::builtin("hunan-dept")
        .expect("hunan-dept is built in")
        .scorer()
        .expect("hunan-dept loads");
    let zen = ZenPeer::new().expect("the JDM graph loads");
    let units = hunan_dept_inputs(UNITS, SEED);
    let requests: Vec<_> = units.iter().map(|u| zen_input(u).expect("the unit converts")).collect();
    for (unit, request) in units.iter().zip(&requests) {
        let j = scorer.evaluate(unit).expect("jixiao scores the unit");
        let z = zen.evaluate_json(request).expect("ZEN scores the unit");
        assert_eq!(
            j.total.normalize(),
            z.total.normalize(),
            "the engines agree on the total"
        );
    }

    let mut g = c.benchmark_group("hunan-dept");
    g.throughput(Throughput::Elements(UNITS as u64));
    g.sample_size(20);
    g.bench_function("jixiao evaluate", |b| {
        b.iter(|| {
            for unit in &units {
                black_box(scorer.evaluate(black_box(unit)).expect("jixiao scores the unit"));
            }
        })
    });
    // ZEN computes the scores only, no explanations: jixiao's like-for-like entries are its
    // scores-only path, from the unit's named inputs and from inputs prepared beforehand (as
    // ZEN's prebuilt requests are).
    g.bench_function("jixiao prepare + score_into", |b| {
        let mut out = Scores::default();
        b.iter(|| {
            for unit in &units {
                let p = scorer.prepare(black_box(unit)).expect("the unit's inputs fit");
                scorer.score_into(&p, &mut out).expect("jixiao scores the unit");
                black_box(&out);
            }
        })
    });
    let prepared: Vec<PreparedInputs> = units
        .iter()
        .map(|u| scorer.prepare(u).expect("the unit's inputs fit"))
        .collect();
    g.bench_function("jixiao score_into prepared", |b| {
        let mut out = Scores::default();
        b.iter(|| {
            for p in &prepared {
                scorer
                    .score_into(black_box(p), &mut out)
                    .expect("jixiao scores the unit");
                black_box(&out);
            }
        })
    });
    g.bench_function("zen evaluate from the unit", |b| {
        b.iter(|| {
            for unit in &units {
                black_box(zen.evaluate_zen(black_box(unit)).expect("ZEN scores the unit"));
            }
        })
    });
    g.bench_function("zen evaluate from prebuilt JSON", |b| {
        b.iter(|| {
            for request in &requests {
                black_box(zen.evaluate_json(black_box(request)).expect("ZEN scores the unit"));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, peer);
criterion_main!(benches);
