//! Scores workload W (hunan-dept, 1 000 varied units, seed 2024) as one Arrow record batch the
//! way pandas hands it over (amounts as `float64`, counts as `int64`, levels and checklists as
//! `large_utf8`, flags as `bool`), a number of times, for instruction counts and profiles of the
//! columnar batch (reading the cells, scoring, writing the result columns) under callgrind or perf:
//!
//! ```sh
//! cargo build --release -p jixiao-benches --example arrow_loop
//! RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/arrow_loop 0
//! RAYON_NUM_THREADS=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/arrow_loop 10
//! ```
//!
//! The difference of the two totals over 10 000 units is the batch's instructions per unit. A
//! second argument sets the units in the batch (1 000 by default): `arrow_loop 1 20000` minus
//! `arrow_loop 0 20000`, over 20 000, scores them in chunks as large as the Python benchmark's.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;

use arrow_array::{ArrayRef, BooleanArray, Float64Array, Int64Array, LargeStringArray, RecordBatch};
use jixiao::inputs::table::template_cell;
use jixiao::{InputValue, Inputs};
use jixiao_arrow::{Options, score_batch};
use jixiao_benches::hunan::hunan_dept_units;

/// The units as pandas gives them to Arrow: a number column of whole numbers as `int64`, any
/// other as `float64` (the text of each decimal read as a float, as `read_csv` does).
fn pandas_like(scorer: &jixiao::Scorer, units: &[&Inputs]) -> Result<RecordBatch, String> {
    let mut columns: Vec<(String, ArrayRef)> = Vec::new();
    for name in scorer.input_names() {
        let values: Vec<Option<&InputValue>> = units.iter().map(|u| u.values.get(name)).collect();
        let Some(first) = values.iter().flatten().next() else {
            continue;
        };
        let array: ArrayRef = match first {
            InputValue::Number(_) => {
                let numbers: Vec<Option<jixiao::Decimal>> = values
                    .iter()
                    .map(|v| match v {
                        Some(InputValue::Number(d)) => Some(*d),
                        _ => None,
                    })
                    .collect();
                if numbers.iter().flatten().all(|d| d.fract().is_zero()) {
                    let ints: Option<Vec<Option<i64>>> = numbers
                        .iter()
                        .map(|d| d.map(|d| d.to_string().parse::<i64>()).transpose().ok())
                        .collect();
                    Arc::new(Int64Array::from(ints.ok_or("an integer column")?))
                } else {
                    let floats: Option<Vec<Option<f64>>> = numbers
                        .iter()
                        .map(|d| d.map(|d| d.to_string().parse::<f64>()).transpose().ok())
                        .collect();
                    Arc::new(Float64Array::from(floats.ok_or("a float column")?))
                }
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
            // As a sheet holds them (`部分达成:1.2`, items separated by `、`, `无` for none).
            InputValue::Text(_) | InputValue::Items(_) | InputValue::Level { .. } => Arc::new(
                values
                    .iter()
                    .map(|v| match v {
                        Some(InputValue::Items(items)) if items.is_empty() => Some("无".to_string()),
                        Some(v) => Some(template_cell(v)),
                        None => None,
                    })
                    .collect::<LargeStringArray>(),
            ),
        };
        columns.push((name.to_string(), array));
    }
    RecordBatch::try_from_iter(columns).map_err(|e| e.to_string())
}

fn run() -> Result<(), String> {
    let rounds: usize = std::env::args()
        .nth(1)
        .ok_or("usage: arrow_loop ROUNDS [UNITS]")?
        .parse()
        .map_err(|e| format!("ROUNDS: {e}"))?;
    let scorer = jixiao::builtin("hunan-dept")
        .ok_or("hunan-dept is built in")?
        .scorer()
        .map_err(|e| e.to_string())?;
    // Units in the batch: 1 000 unless given (the Python benchmark's 100 000 rows are scored in
    // chunks of 4 096, 1 000 rows in chunks of 125).
    let size: usize = match std::env::args().nth(2) {
        Some(n) => n.parse().map_err(|e| format!("UNITS: {e}"))?,
        None => 1_000,
    };
    let units = hunan_dept_units(size, 2024);
    let inputs: Vec<&Inputs> = units.iter().map(|(_, i)| i).collect();
    let batch = pandas_like(&scorer, &inputs)?;
    let options = Options::default();
    for _ in 0..rounds {
        black_box(score_batch(&scorer, black_box(&batch), &options).map_err(|e| e.to_string())?);
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("arrow_loop: {e}");
            ExitCode::FAILURE
        }
    }
}
