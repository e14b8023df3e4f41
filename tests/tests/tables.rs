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
/// The rows of a fixture CSV, its header first.
fn fixture_rows(name: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(dir().join(name))
        .unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn from_csv(scorer: &Scorer, name: &str) -> Vec<Value> {
    let rows = fixture_rows(name);
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

/// A cell as a table holds the value: the template's cell, and `无` for no item (a blank cell
/// would mean "not given").
fn cell(v: &jixiao::InputValue) -> String {
    match v {
        jixiao::InputValue::Items(items) if items.is_empty() => "无".to_string(),
        v => table::template_cell(v),
    }
}

/// Every row both ways: `prepare` of its name-keyed inputs, and the row read straight into slots
/// (`finish_row` one by one with one reused builder, and `prepare_rows` across threads).
fn assert_rows_prepare_alike(scorer: &Scorer, columns: &table::Columns, rows: &[Vec<String>]) -> (usize, usize) {
    let slots = scorer.row_slots(columns);
    let named: Vec<_> = rows
        .iter()
        .map(|row| scorer.prepare(&table::inputs_from_row(columns, row)))
        .collect();
    let mut builder = scorer.inputs_builder();
    for (row, expected) in rows.iter().zip(&named) {
        assert_eq!(&builder.finish_row(&slots, row), expected, "{row:?}");
    }
    assert_eq!(scorer.prepare_rows(&slots, rows), named);
    let failed = named.iter().filter(|p| p.is_err()).count();
    (named.len() - failed, failed)
}

/// A row read straight into prepared inputs (`row_slots`, `finish_row`, `prepare_rows`: the CLI's
/// batch) is prepared exactly as its name-keyed inputs are, or fails with the same error, problems
/// listed in the same order: the fixture's rows, and each built-in's varied units as text cells,
/// columns in reverse order, with cells spoiled as tables spoil them (text that is no figure, a
/// decimal comma, blanks, a level or item not declared, spaces around).
#[test]
fn a_row_read_into_slots_is_prepared_as_its_named_inputs() {
    let scorer = jixiao::builtin("hunan-dept").unwrap().scorer().unwrap();
    let rows = fixture_rows("hunan-units.csv");
    let columns = table::map_columns(&rows[0], scorer.system(), &TableOptions::default()).unwrap();
    let (scored, failed) = assert_rows_prepare_alike(&scorer, &columns, &rows[1..]);
    assert!(scored >= 3 && failed >= 2, "{scored} {failed}");

    const SPOILS: [&str; 8] = [
        "abc",
        "453,5",
        "",
        "  ",
        "不存在的等级",
        "制度A、不存在的制度",
        "１２．５％",
        "-",
    ];
    for b in jixiao::builtins() {
        let system = b.system().unwrap();
        let scorer = Scorer::new(&system).unwrap();
        let example = b.example_inputs().unwrap();
        let header: Vec<String> = system.inputs.iter().rev().map(|i| i.name.clone()).collect();
        let columns = table::map_columns(&header, &system, &TableOptions::default()).unwrap();
        let mut mix = jixiao_conformance::Mix(7);
        let rows: Vec<Vec<String>> = (0..600)
            .map(|seed| {
                let unit = jixiao_conformance::varied(&system, &example, seed);
                header
                    .iter()
                    .map(|name| {
                        let text = unit.values.get(name).map(cell).unwrap_or_default();
                        match mix.below(12) {
                            0 => SPOILS[usize::try_from(mix.below(8)).unwrap()].to_string(),
                            1 => format!(" {text} "),
                            _ => text,
                        }
                    })
                    .collect()
            })
            .collect();
        let (scored, failed) = assert_rows_prepare_alike(&scorer, &columns, &rows);
        assert!(
            scored >= 10 && failed >= 10,
            "{}: {scored} prepared, {failed} refused",
            b.id
        );
    }
}

/// A builder that reads many rows remembers what each level's, checklist's and yes/no text reads
/// as; what it remembers never changes a row's result. Texts repeat in random order, more distinct
/// texts than it keeps for one input (levels with their own scores), texts it refuses (remembered
/// too), spaced, blank and very long texts: every row is prepared as its name-keyed inputs are.
#[test]
fn remembered_texts_read_as_they_did_the_first_time() {
    let b = jixiao::builtin("hunan-dept").unwrap();
    let scorer = b.scorer().unwrap();
    let example = b.example_inputs().unwrap();
    let mut mix = jixiao_conformance::Mix(11);
    let mut level_texts: Vec<String> = (0..700).map(|k| format!("部分达成:{}.{:02}", k % 2, k % 100)).collect();
    level_texts.extend(["达成", "未达成", " 达成 ", "不存在的等级", "达成:9", "", "部分达成:abc"].map(String::from));
    level_texts.push(format!("达成{}", "。".repeat(600)));
    let list_texts = [
        "已制定或具有相关管理制度、相关管理制度合法合规完整、相关管理制度得到有效执行",
        "相关管理制度合法合规完整",
        "无",
        "不存在的制度",
        "相关管理制度合法合规完整、不存在的制度",
        "  ",
        "\u{3000}相关管理制度合法合规完整 ",
        " 不存在的制度\t",
    ];
    let yes_no = ["是", "否", "也许", "1", " 否\u{3000}", "\t也许 "];
    let named = |name: &str| scorer.input_slot(name).unwrap();
    let (level, list, flag) = (named("经济效益"), named("预算管理制度"), named("有新建楼堂馆所项目"));
    let mut builder = scorer.inputs_builder();
    let (mut refused, mut prepared) = (0, 0);
    for _ in 0..3000 {
        let mut texts = [
            (
                level,
                "经济效益",
                level_texts[usize::try_from(mix.below(level_texts.len() as u64)).unwrap()].as_str(),
            ),
            (list, "预算管理制度", list_texts[usize::try_from(mix.below(8)).unwrap()]),
            (
                flag,
                "有新建楼堂馆所项目",
                yes_no[usize::try_from(mix.below(6)).unwrap()],
            ),
        ];
        // Set in byte order of the names, as `prepare` reports problems (and as the batches set them).
        texts.sort_by_key(|&(_, name, _)| name);
        let mut inputs = example.clone();
        for (name, value) in &example.values {
            if let Some(slot) = scorer.input_slot(name) {
                builder.set(slot, value);
            }
        }
        for (slot, name, text) in texts {
            inputs.set(name, jixiao::InputValue::Text(text.to_string()));
            builder.set_text(slot, text);
        }
        let expected = scorer.prepare(&inputs);
        assert_eq!(builder.finish(), expected, "{texts:?}");
        if expected.is_ok() {
            prepared += 1;
        } else {
            refused += 1;
        }
    }
    assert!(
        prepared > 300 && refused > 300,
        "{prepared} prepared, {refused} refused"
    );
}
