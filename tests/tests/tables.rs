//! The table fixtures of `tests/tables/`: the same units as a CSV (read with the engine's table
//! reading, as `jixiao batch` reads it) and as JSON objects (the wire's batch) give the same
//! results, row for row; those results are the snapshot `tests/tables/expected/*.snap` that the
//! CLI, Python and JavaScript tests compare with.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test code: a failed expectation is a test failure"
)]

use std::path::PathBuf;

use jixiao::inputs::table::{self, TableOptions};
use jixiao::{Evaluation, Scorer};
use serde_json::{Value, json};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tables")
}

/// One row's result as the fixtures record it.
fn row_result(unit: &str, result: Result<Evaluation, jixiao::EvalError>) -> Value {
    match result {
        Ok(e) => json!({"unit": unit, "total": jixiao::explain::num(e.total), "grade": &*e.grade}),
        Err(e) => {
            let wire = jixiao::wire::JsonError::from(e);
            let inputs: Vec<&str> = wire.errors.iter().filter_map(|d| d.input.as_deref()).collect();
            json!({"unit": unit, "error": {"kind": wire.kind, "inputs": inputs}})
        }
    }
}

/// The CSV through the engine's table reading.
fn from_csv(scorer: &Scorer, name: &str) -> Vec<Value> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(dir().join(name))
        .unwrap();
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let columns = table::map_columns(&rows[0], scorer.system(), &TableOptions::default()).unwrap();
    let unit = columns.unit.expect("the 单位名称 column names the units");
    rows[1..]
        .iter()
        .map(|row| row_result(&row[unit], scorer.evaluate(&table::inputs_from_row(&columns, row))))
        .collect()
}

/// The JSON objects through the wire's batch (the unit names ignored as a column).
fn from_json(scorer: &Scorer, name: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(dir().join(name)).unwrap();
    let units: Vec<Value> = serde_json::from_str(&text).unwrap();
    units
        .iter()
        .map(|u| {
            let mut u = u.clone();
            let unit = u.as_object_mut().unwrap().remove("单位名称").unwrap();
            let inputs = jixiao::wire::inputs_from_json(&u.to_string()).unwrap();
            row_result(unit.as_str().unwrap(), scorer.evaluate(&inputs))
        })
        .collect()
}

#[test]
fn the_csv_and_the_json_form_give_the_snapshot() {
    let scorer = jixiao::builtin("hunan-dept").unwrap().scorer().unwrap();
    let csv = from_csv(&scorer, "hunan-units.csv");
    let json = from_json(&scorer, "hunan-units.json");
    assert_eq!(csv, json);
    // Not vacuous: scored rows and failed rows both.
    assert!(csv.iter().filter(|r| r.get("total").is_some()).count() >= 3);
    assert!(csv.iter().filter(|r| r.get("error").is_some()).count() >= 2);
    let text = serde_json::to_string_pretty(&csv).unwrap();
    insta::with_settings!({
        snapshot_path => dir().join("expected"),
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("hunan-units", text);
    });
}
