//! The columnar batch on workload W (the built-in `hunan-dept`): a record batch of N units scored
//! by `jixiao_arrow::score_batch` (cells read from the columns, scored, results built as Arrow
//! columns, all cores), beside `Scorer::score_table` of the same units prepared beforehand (the
//! engine's batch alone), so that the cost of reading and writing Arrow reads off one run.
//!
//! `cargo bench -p jixiao-benches --bench arrow`. The units are 10 000 distinct generated units
//! (benches/src/hunan.rs), repeated to the batch size: numbers as `decimal128`, text as `utf8`,
//! levels and checklists as `utf8` (`部分达成:1.2`, items separated by `、`, `无` for none), booleans
//! as `bool`.
#![expect(
    clippy::expect_used,
    reason = "a benchmark whose fixture does not load or evaluate should stop at once, loudly"
)]

use std::hint::black_box;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::Decimal128Type;
use arrow_array::{Array, ArrayRef, BooleanArray, Decimal128Array, RecordBatch, StringArray};
use arrow_schema::DataType;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use jixiao::{Decimal, InputValue, Inputs, PreparedInputs, ScoreTable, Scorer};
use jixiao_arrow::{Options, score_batch};
use jixiao_benches::hunan::hunan_dept_inputs;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// The units as one record batch, one column per input (null where a unit leaves it out).
fn record_batch(scorer: &Scorer, units: &[Inputs]) -> RecordBatch {
    let columns = scorer.input_names().filter_map(|name| {
        let values: Vec<Option<&InputValue>> = units.iter().map(|u| u.values.get(name)).collect();
        let array: ArrayRef = match values.iter().flatten().next()? {
            InputValue::Number(_) => {
                // At the largest scale of the column's values: every value exact.
                let numbers = || {
                    values.iter().map(|v| match v {
                        Some(InputValue::Number(d)) => Some(*d),
                        _ => None,
                    })
                };
                let scale = numbers().flatten().map(|d| d.scale()).max().unwrap_or(0);
                let array: Decimal128Array = numbers()
                    .map(|d| {
                        d.map(|mut d| {
                            d.rescale(scale);
                            d.mantissa()
                        })
                    })
                    .collect();
                let scale = i8::try_from(scale).expect("a scale of 0..=28");
                Arc::new(array.with_precision_and_scale(38, scale).expect("a decimal128 type"))
            }
            InputValue::Bool(_) => Arc::new(
                values
                    .iter()
                    .map(|v| match v {
                        Some(InputValue::Bool(b)) => Some(*b),
                        _ => None,
                    })
                    .collect::<BooleanArray>(),
            ),
            InputValue::Text(_) | InputValue::Items(_) | InputValue::Level { .. } => Arc::new(
                values
                    .iter()
                    .map(|v| match v {
                        Some(InputValue::Text(t)) => Some(t.clone()),
                        // A blank cell is not given; `无` says "no item".
                        Some(InputValue::Items(items)) if items.is_empty() => Some("无".to_string()),
                        Some(InputValue::Items(items)) => Some(items.join("、")),
                        Some(InputValue::Level { level, score }) => {
                            Some(score.map_or_else(|| level.clone(), |s| format!("{level}:{s}")))
                        }
                        _ => None,
                    })
                    .collect::<StringArray>(),
            ),
        };
        Some((name.to_string(), array))
    });
    RecordBatch::try_from_iter(columns).expect("columns of one length")
}

fn arrow(c: &mut Criterion) {
    let scorer = jixiao::builtin("hunan-dept")
        .expect("hunan-dept is built in")
        .scorer()
        .expect("hunan-dept loads");
    let distinct = hunan_dept_inputs(10_000, 7);
    let mut g = c.benchmark_group("arrow");
    g.sample_size(10);
    // As in batch.rs: `cargo test --all-targets` runs the smallest size once as a smoke test.
    let sizes: &[usize] = if std::env::args().any(|a| a == "--bench") {
        &SIZES
    } else {
        &SIZES[..1]
    };
    for &n in sizes {
        let units: Vec<Inputs> = distinct.iter().cycle().take(n).cloned().collect();
        let batch = record_batch(&scorer, &units);
        let options = Options::default();
        let out = score_batch(&scorer, &batch, &options).expect("the batch scores");
        assert_eq!(
            out.column_by_name("error").expect("an error column").null_count(),
            n,
            "every unit scores"
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_with_input(BenchmarkId::new("score_batch", n), &batch, |b, batch| {
            b.iter(|| score_batch(&scorer, black_box(batch), &options).expect("the batch scores"))
        });
        let prepared: Vec<PreparedInputs> = units
            .iter()
            .map(|u| scorer.prepare(u).expect("the unit's inputs fit"))
            .collect();
        let mut table = ScoreTable::default();
        scorer.score_table(&prepared, &mut table);
        // The same figures both ways (the columns hold the units exactly).
        let totals = out.column_by_name("total").expect("a total column");
        let DataType::Decimal128(_, scale) = totals.data_type() else {
            unreachable!("total is decimal128")
        };
        let scale = u32::try_from(*scale).expect("a scale of 0..=28");
        let totals = totals.as_primitive::<Decimal128Type>().values();
        assert!(
            totals
                .iter()
                .enumerate()
                .all(|(r, m)| Some(Decimal::from_i128_with_scale(*m, scale)) == table.total(r))
        );
        g.bench_with_input(BenchmarkId::new("score_table", n), &prepared, |b, units| {
            b.iter(|| scorer.score_table(black_box(units), &mut table))
        });
    }
    g.finish();
}

criterion_group!(benches, arrow);
criterion_main!(benches);
