//! jixiao against its peer engine, GoRules ZEN, on hunan-dept: the same 1 000 varied departments
//! scored one at a time, each engine charged alike (see BENCHMARKS.md):
//!
//! - each from its natural typed input: ZEN from a typed request (`ZenUnit`, zen's own
//!   `#[derive(ToVariable)]`, its input schema checked), jixiao from the typed unit (`fill` by slot,
//!   its input checks in `finish`), scores only;
//! - both from name-keyed inputs (jixiao's `Inputs`): ZEN through `zen_variable` (a field table
//!   built once, decimals moved as they are), jixiao through `prepare`;
//! - both pre-validated: ZEN's graph without its schema on a prebuilt request (deep-cloned for each
//!   evaluation, as ZEN consumes it; the clone is measured on its own below), jixiao's `score_into`
//!   on prepared inputs;
//! - the stages on their own, for the cost breakdown; and jixiao's full `evaluate` for reference.
//!
//! Every figure compared is cross-checked before anything is timed (and in tests/cross_check.rs on
//! the same paths). `cd benches/peer-zen && cargo bench --bench peer`.
#![expect(
    clippy::expect_used,
    reason = "a benchmark whose fixture does not load or evaluate should stop at once, loudly"
)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jixiao::{Inputs, PreparedInputs, Scores};
use jixiao_benches::hunan::{HunanSlots, HunanUnit, hunan_dept_units};
use jixiao_peer_zen::{ZenPeer, ZenUnit, zen_input, zen_variable};
use zen_engine::Variable;
use zen_expression::variable::ToVariable as _;

const UNITS: usize = 1_000;
const SEED: u64 = 42;

fn peer(c: &mut Criterion) {
    let scorer = jixiao::builtin("hunan-dept")
        .expect("hunan-dept is built in")
        .scorer()
        .expect("hunan-dept loads");
    let zen = ZenPeer::new().expect("the JDM graph loads");
    let bare = ZenPeer::without_schema().expect("the JDM graph loads");
    let slots = HunanSlots::new(&scorer).expect("hunan-dept declares every input");
    let (typed, units): (Vec<HunanUnit>, Vec<Inputs>) = hunan_dept_units(UNITS, SEED).into_iter().unzip();
    let zen_units: Vec<ZenUnit> = typed.iter().map(ZenUnit::from).collect();
    let requests: Vec<_> = units.iter().map(|u| zen_input(u).expect("the unit converts")).collect();
    let variables: Vec<Variable> = units
        .iter()
        .map(|u| zen_variable(u).expect("the unit converts"))
        .collect();
    let prepared: Vec<PreparedInputs> = units
        .iter()
        .map(|u| scorer.prepare(u).expect("the unit's inputs fit"))
        .collect();
    // The timed paths agree before they are timed: totals, leaves, subtotals and metrics.
    for (((unit, zen_unit), request), variable) in units.iter().zip(&zen_units).zip(&requests).zip(&variables) {
        let j = scorer.evaluate(unit).expect("jixiao scores the unit");
        let z = zen.evaluate_unit(zen_unit).expect("ZEN scores the unit");
        assert_eq!(
            j.total.normalize(),
            z.total.normalize(),
            "the engines agree on the total"
        );
        assert_eq!(Ok(&z), zen.evaluate_zen(unit).as_ref(), "ZEN from the named inputs");
        assert_eq!(Ok(&z), zen.evaluate_json(request).as_ref(), "ZEN from JSON");
        assert_eq!(
            Ok(&z),
            bare.evaluate_variable(variable.deep_clone()).as_ref(),
            "ZEN without schema"
        );
    }

    let mut g = c.benchmark_group("hunan-dept");
    g.throughput(Throughput::Elements(UNITS as u64));
    g.sample_size(20);

    // Each from its natural typed input.
    g.bench_function("jixiao typed fill + score_into", |b| {
        let mut out = Scores::default();
        b.iter(|| {
            for unit in &typed {
                let mut builder = scorer.inputs_builder();
                unit.fill(&mut builder, &slots);
                let p = builder.finish().expect("the unit's inputs fit");
                scorer.score_into(&p, &mut out).expect("jixiao scores the unit");
                black_box(&out);
            }
        })
    });
    g.bench_function("zen evaluate from the typed unit", |b| {
        b.iter(|| {
            for unit in &zen_units {
                black_box(zen.evaluate_unit(black_box(unit)).expect("ZEN scores the unit"));
            }
        })
    });

    // Both from name-keyed inputs.
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
    g.bench_function("zen evaluate from the unit", |b| {
        b.iter(|| {
            for unit in &units {
                black_box(zen.evaluate_zen(black_box(unit)).expect("ZEN scores the unit"));
            }
        })
    });

    // Both pre-validated.
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
    g.bench_function("zen without schema, prebuilt request", |b| {
        b.iter(|| {
            for v in &variables {
                black_box(bare.evaluate_variable(v.deep_clone()).expect("ZEN scores the unit"));
            }
        })
    });

    // For reference: the JSON request of a service, and jixiao with its explanation data.
    g.bench_function("zen evaluate from prebuilt JSON", |b| {
        b.iter(|| {
            for request in &requests {
                black_box(zen.evaluate_json(black_box(request)).expect("ZEN scores the unit"));
            }
        })
    });
    g.bench_function("jixiao evaluate", |b| {
        b.iter(|| {
            for unit in &units {
                black_box(scorer.evaluate(black_box(unit)).expect("jixiao scores the unit"));
            }
        })
    });
    g.finish();

    // The stages on their own.
    let mut s = c.benchmark_group("hunan-dept stages");
    s.throughput(Throughput::Elements(UNITS as u64));
    s.sample_size(20);
    s.bench_function("jixiao typed fill + finish", |b| {
        b.iter(|| {
            for unit in &typed {
                let mut builder = scorer.inputs_builder();
                unit.fill(&mut builder, &slots);
                black_box(builder.finish().expect("the unit's inputs fit"));
            }
        })
    });
    s.bench_function("jixiao prepare", |b| {
        b.iter(|| {
            for unit in &units {
                black_box(scorer.prepare(black_box(unit)).expect("the unit's inputs fit"));
            }
        })
    });
    s.bench_function("zen typed unit to Variable", |b| {
        b.iter(|| {
            for unit in &zen_units {
                black_box(black_box(unit).to_variable());
            }
        })
    });
    s.bench_function("zen named inputs to Variable", |b| {
        b.iter(|| {
            for unit in &units {
                black_box(zen_variable(black_box(unit)).expect("the unit converts"));
            }
        })
    });
    s.bench_function("zen JSON to Variable", |b| {
        b.iter(|| {
            for request in &requests {
                black_box(Variable::from(black_box(request)));
            }
        })
    });
    s.bench_function("zen deep_clone of a request", |b| {
        b.iter(|| {
            for v in &variables {
                black_box(v.deep_clone());
            }
        })
    });
    s.bench_function("zen evaluate with schema, prebuilt request", |b| {
        b.iter(|| {
            for v in &variables {
                black_box(zen.evaluate_variable(v.deep_clone()).expect("ZEN scores the unit"));
            }
        })
    });
    s.finish();
}

criterion_group!(benches, peer);
criterion_main!(benches);
