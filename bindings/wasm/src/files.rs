//! The calculator page's files (feature `files`): the 自评表 and the base data (基础数据) written as
//! .xlsx or CSV, and base-data files read back, by the engine's own writers and readers
//! (`jixiao::xlsx`, `jixiao::sheets`, `jixiao::csv_rows`, `jixiao::inputs::table`).
//!
//! `build.sh` builds these into a module of their own (jixiao_files), which the page loads only
//! when the user exports or imports a file, so that the module the page loads first does not carry
//! the workbook writer and reader.
//!
//! Decimals cross as text. An Excel cell that is a number is a double: it is read as the decimal
//! its shortest round-trip text writes (the engine's float policy, as the CLI reads it), and a
//! decimal is written as the double nearest to it, shown with the places its text has.

use std::collections::BTreeMap;

use jixiao::inputs::table::{self, HeaderMatch, TableError, TableOptions, column_letter, match_header};
use jixiao::sheets::Grid;
use jixiao::wire;
use jixiao::{EvalError, IndicatorSystem, InputError, InputKind, InputValue, Inputs, Lang, Scorer};
use serde_json::{Map, Value, json};
use wasm_bindgen::prelude::*;

use crate::{fail, request};

/// The 填报信息 of a 自评表, in the order printed above it.
const META: [&str; 4] = ["单位名称", "年度", "填报人", "填报日期"];

/// The header of the base-data table (as `jixiao inputs SYSTEM --format csv` prints it).
const BASE_HEADER: [&str; 4] = ["名称", "数值", "单位", "说明"];

/// What starts a CSV file for Excel to read it as UTF-8.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The sheet names of the page's workbooks.
const EVALUATION_SHEET: &str = "自评表";
const BASE_SHEET: &str = "基础数据";

fn scorer_of(system: &str) -> Result<Scorer, String> {
    let system = IndicatorSystem::from_json(system).map_err(fail)?;
    Scorer::new(&system).map_err(|e| fail(jixiao::LoadError::from(e)))
}

/// The base-data table's rows: every declared input with its value (blank when not given).
fn base_rows(system: &IndicatorSystem, inputs: &Inputs) -> Vec<Vec<String>> {
    system
        .inputs
        .iter()
        .map(|i| {
            vec![
                i.name.clone(),
                inputs.values.get(&i.name).map(table::template_cell).unwrap_or_default(),
                i.unit.clone().unwrap_or_default(),
                table::template_notes(i),
            ]
        })
        .collect()
}

/// Rows as CSV text for Excel: CRLF line ends, after `start` (a byte-order mark, or text before).
fn csv_text(start: Vec<u8>, rows: &[Vec<String>]) -> Result<Vec<u8>, String> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(start);
    for r in rows {
        w.write_record(r).map_err(|e| fail(request(e.to_string())))?;
    }
    w.into_inner().map_err(|e| fail(request(e.to_string())))
}

/// A file of the page: `what` is `evaluation` (the 自评表 with its 填报信息, and in a workbook its
/// base data on a second sheet) or `inputs` (the base data); `format` is `xlsx` or `csv`.
/// `system` is the system's JSON text, `inputs` the unit's inputs as JSON text, `meta` the
/// 填报信息 as a JSON object of strings.
#[wasm_bindgen(js_name = exportFile)]
pub fn export_file(system: &str, inputs: &str, meta: &str, what: &str, format: &str) -> Result<Vec<u8>, String> {
    let scorer = scorer_of(system)?;
    let system = scorer.system();
    let inputs = wire::inputs_from_json(inputs).map_err(fail)?;
    let meta: Map<String, Value> = serde_json::from_str(meta).map_err(|e| fail(request(e.to_string())))?;
    let base_header: Vec<String> = BASE_HEADER.iter().map(|s| s.to_string()).collect();
    let base = base_rows(system, &inputs);
    let xlsx_error = |e: rust_xlsxwriter::XlsxError| fail(request(e.to_string()));
    match (what, format) {
        ("inputs", "xlsx") => jixiao::xlsx::table_workbook(BASE_SHEET, &base_header, &base).map_err(xlsx_error),
        ("inputs", "csv") => {
            let mut rows = vec![base_header];
            rows.extend(base);
            csv_text(BOM.to_vec(), &rows)
        }
        ("evaluation", _) => {
            let evaluation = scorer.evaluate(&inputs).map_err(fail)?;
            let (header, rows) = jixiao::report::evaluation_table(system, &evaluation, Lang::Zh);
            let mut heading = vec![vec![system.name.clone()]];
            for key in META {
                let value = meta.get(key).and_then(Value::as_str).unwrap_or("").trim().to_string();
                heading.push(vec![key.to_string(), value]);
            }
            if format == "xlsx" {
                let forms = [
                    jixiao::xlsx::FormSheet {
                        name: EVALUATION_SHEET,
                        heading: &heading,
                        header: &header,
                        rows: &rows,
                    },
                    jixiao::xlsx::FormSheet {
                        name: BASE_SHEET,
                        heading: &[],
                        header: &base_header,
                        rows: &base,
                    },
                ];
                jixiao::xlsx::forms_workbook(&forms).map_err(xlsx_error)
            } else if format == "csv" {
                // The heading, a blank line, then the table as the engine's own CSV writes it.
                let mut text = csv_text(BOM.to_vec(), &heading)?;
                text.extend_from_slice(b"\r\n");
                let table =
                    jixiao::report::evaluation_report(system, &evaluation, jixiao::report::Format::Csv, Lang::Zh);
                text.extend_from_slice(table.as_bytes());
                Ok(text)
            } else {
                Err(fail(request(format!(
                    "unknown file format `{format}` (expected xlsx or csv)"
                ))))
            }
        }
        _ => Err(fail(request(format!(
            "unknown file `{what}` as `{format}` (expected evaluation or inputs, as xlsx or csv)"
        )))),
    }
}

/// A cell read from a file: where it stands (0-based) and its text.
struct Cell {
    row: usize,
    col: usize,
    text: String,
}

/// What an import found.
#[derive(Default)]
struct Found {
    /// Values by input name, with their cell.
    values: BTreeMap<String, Cell>,
    /// 填报信息 found in the file.
    meta: Map<String, Value>,
    /// Problems, each at its cell: (row index, column index, the field's name, the message).
    errors: Vec<(usize, Option<usize>, String, String)>,
}

impl Found {
    fn error(&mut self, row: usize, col: Option<usize>, field: &str, message: String) {
        self.errors.push((row, col, field.to_string(), message));
    }
}

/// Whether a row names an input in column A (the long layout) or two inputs (a wide header).
fn names_inputs(row: &[String], system: &IndicatorSystem) -> usize {
    row.iter()
        .filter(|c| !matches!(match_header(c, system), HeaderMatch::None))
        .count()
}

/// Reads a base-data file (the page's own exports, the CLI's `jixiao inputs` template, a table
/// with one unit under a header of input names), CSV or a workbook (.xlsx, .xls, .ods), from its
/// bytes. Answers `{"values": {name: value}, "meta": {...}, "errors": [{"row", "column", "field",
/// "message"}], "sheet"}`: the values that read (a level with its score as `{level, score}`, a
/// checklist as its items, every other value as its text), and every cell that does not, in
/// Chinese with its row (1-based) and column letter; or `{"fatal": message}` when the file does
/// not read at all.
#[wasm_bindgen(js_name = importFile)]
pub fn import_file(system: &str, bytes: &[u8], file_name: &str) -> Result<String, String> {
    let scorer = scorer_of(system)?;
    let system = scorer.system();
    let extension = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    let fatal = |message: String| Ok(json!({ "fatal": message }).to_string());
    let (sheet, grid, meta_grid) = match extension.as_deref() {
        Some("csv" | "txt") => {
            let Ok(text) = std::str::from_utf8(bytes) else {
                return fatal(format!(
                    "{file_name}：不是 UTF-8 编码的 CSV 文件；请在 Excel 或 WPS 中“另存为”“CSV UTF-8（逗号分隔）”后再导入"
                ));
            };
            match jixiao::csv_rows::csv_rows(text) {
                Ok(rows) => {
                    let grid = Grid {
                        rows,
                        ..Grid::default()
                    };
                    (None, grid.clone(), grid)
                }
                Err(e) => return fatal(format!("{file_name}：CSV 格式有误（{e}）")),
            }
        }
        Some("xlsx" | "xlsm" | "xls" | "ods") => {
            let sheets = match jixiao::sheets::read_sheets(bytes, extension.as_deref()) {
                Ok(sheets) => sheets,
                Err(e) => return fatal(format!("{file_name}：{}", e.message(Lang::Zh))),
            };
            let first = sheets.first().map(|(_, g)| g.clone()).unwrap_or_default();
            // The page's 自评表 workbook keeps its base data on the sheet 基础数据.
            let looks_like_base = |g: &Grid| g.rows.iter().any(|r| names_inputs(r, system) > 0);
            let chosen = if looks_like_base(&first) {
                sheets.into_iter().next()
            } else {
                sheets.into_iter().find(|(name, _)| name.trim() == BASE_SHEET)
            };
            match chosen {
                Some((name, grid)) => (Some(name), grid, first),
                None => (None, first.clone(), first),
            }
        }
        _ => {
            return fatal(format!("{file_name}：不支持的文件类型；请导入 .xlsx 或 .csv 文件"));
        }
    };
    let mut found = Found::default();
    // 填报信息 (单位名称, 年度 ...) in column A with the value in B: above the page's 自评表, or
    // rows of a base-data table (a table with the input names as its header has its unit's name in
    // its unit column instead: read with the table).
    let wide = |g: &Grid| {
        g.rows
            .iter()
            .find(|r| r.iter().any(|c| !c.trim().is_empty()))
            .is_some_and(|r| names_inputs(r, system) >= 2)
    };
    let rows_of_meta = if wide(&meta_grid) { &[][..] } else { &meta_grid.rows[..] };
    for row in rows_of_meta {
        if let (Some(key), Some(value)) = (row.first(), row.get(1))
            && META.contains(&key.trim())
            && !value.trim().is_empty()
        {
            found
                .meta
                .insert(key.trim().to_string(), Value::String(value.trim().to_string()));
        }
    }
    read_grid(&grid, system, &mut found);
    let names_a_field = |field: &str| system.inputs.iter().any(|i| i.name == field);
    if found.values.is_empty() && !found.errors.iter().any(|(_, _, field, _)| names_a_field(field)) {
        return fatal(format!(
            "{file_name}：没有找到本评价体系的基础数据（自评表 CSV 不含基础数据；请导入本页导出的基础数据 Excel 或 CSV、自评表 Excel，或 jixiao inputs 生成的模板）"
        ));
    }
    check_values(&scorer, &mut found);
    let values: Map<String, Value> = found
        .values
        .iter()
        .map(|(name, cell)| (name.clone(), page_value(system, name, &cell.text)))
        .collect();
    let mut errors = found.errors;
    errors.sort_by_key(|(r, c, _, _)| (*r, *c));
    let errors: Vec<Value> = errors
        .into_iter()
        .map(|(row, col, field, message)| {
            json!({
                "row": row + 1,
                "column": col.map(column_letter),
                "field": field,
                "message": message,
            })
        })
        .collect();
    Ok(json!({ "values": values, "meta": found.meta, "errors": errors, "sheet": sheet }).to_string())
}

/// The value as the page's form takes it: a level with a score as `{level, score}`, a checklist as
/// its items, anything else as its text.
fn page_value(system: &IndicatorSystem, name: &str, text: &str) -> Value {
    let Some(input) = system.inputs.iter().find(|i| i.name == name) else {
        return Value::String(text.to_string());
    };
    match input.kind {
        InputKind::Level => match jixiao::inputs::level_parts(text, &input.levels) {
            Ok((level, Some(score))) => json!({ "level": level, "score": score.to_string() }),
            _ => Value::String(text.to_string()),
        },
        InputKind::Boolean => {
            jixiao::inputs::bool_text(text).map_or_else(|| Value::String(text.to_string()), Value::Bool)
        }
        InputKind::Checklist => Value::Array(
            jixiao::inputs::checklist_items(text)
                .into_iter()
                .map(Value::String)
                .collect(),
        ),
        _ => Value::String(text.to_string()),
    }
}

/// Every value of the grid, in its layout: a header naming two or more inputs is the wide layout
/// (that header, then one row); otherwise each row gives one input as name, value (and notes),
/// perhaps under a header row such as `名称,数值`.
fn read_grid(grid: &Grid, system: &IndicatorSystem, found: &mut Found) {
    let Some((first, header)) = grid
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
    else {
        return;
    };
    let cell_problem = |r: usize, c: usize| grid.problems.get(&(r, c)).map(|p| p.zh.clone());
    if names_inputs(header, system) >= 2 {
        // Unknown columns are reported and skipped: the other columns still read.
        let mut ignore: Vec<String> = Vec::new();
        let columns = loop {
            match table::map_columns(header, system, &TableOptions::new(None, &ignore)) {
                Ok(columns) => break Some(columns),
                Err(TableError::Unknown { columns, .. }) => {
                    for (c, h) in columns {
                        found.error(
                            first,
                            Some(c),
                            &h,
                            format!("列标题“{h}”不是本评价体系的基础数据项，此列未导入"),
                        );
                        ignore.push(h);
                    }
                }
                Err(TableError::WrongUnit {
                    column,
                    header,
                    given,
                    input,
                    declared,
                }) => {
                    let c = header_index(&column);
                    found.error(
                        first,
                        c,
                        &input,
                        format!("列标题“{header}”的单位是{given}，但“{input}”的单位是{declared}，此列未导入"),
                    );
                    ignore.push(header);
                }
                Err(TableError::DuplicateInput { second, input, .. }) => {
                    let c = header_index(&second);
                    found.error(first, c, &input, format!("“{input}”已在前面的列给出，此列未导入"));
                    if let Some(h) = c.and_then(|c| header.get(c)) {
                        ignore.push(h.trim().to_string());
                    }
                }
                Err(_) => break None,
            }
            if ignore.len() > header.len() {
                break None;
            }
        };
        let Some(columns) = columns else { return };
        let data: Vec<usize> = (first + 1..grid.rows.len())
            .filter(|r| {
                grid.rows
                    .get(*r)
                    .is_some_and(|row| row.iter().any(|c| !c.trim().is_empty()))
            })
            .collect();
        if let Some(extra) = data.get(1) {
            found.error(
                *extra,
                None,
                "",
                "文件中有多个单位的数据；只导入了第一个单位（表头下第一行）".into(),
            );
        }
        let Some(r) = data.first() else { return };
        let row = grid.rows.get(*r).map(Vec::as_slice).unwrap_or(&[]);
        if let Some(unit) = columns.unit.and_then(|c| row.get(c)).filter(|u| !u.trim().is_empty()) {
            found
                .meta
                .insert("单位名称".into(), Value::String(unit.trim().to_string()));
        }
        for (c, name) in &columns.inputs {
            if let Some(p) = cell_problem(*r, *c) {
                found.error(*r, Some(*c), name, p);
                continue;
            }
            if let Some(text) = row.get(*c).filter(|t| !t.trim().is_empty()) {
                let cell = Cell {
                    row: *r,
                    col: *c,
                    text: text.trim().to_string(),
                };
                found.values.insert(name.clone(), cell);
            }
        }
        return;
    }
    let is = |cell: Option<&String>, words: &[&str]| cell.is_some_and(|c| words.contains(&table::split_unit(c).0));
    let has_header = names_inputs(header.get(..1).unwrap_or(&[]), system) == 0
        && (is(
            header.first(),
            &["名称", "项目", "指标", "数据项", "name", "input", "item"],
        ) || is(header.get(1), &["数值", "值", "数据", "value"]));
    for (r, row) in grid.rows.iter().enumerate().skip(first + usize::from(has_header)) {
        let name_cell = row.first().map_or("", |c| c.trim());
        let value = row.get(1).map_or("", |c| c.trim());
        if name_cell.is_empty() && value.is_empty() {
            continue;
        }
        if META.contains(&name_cell) {
            continue;
        }
        let name = match match_header(name_cell, system) {
            HeaderMatch::Input(i) => i.name.clone(),
            HeaderMatch::WrongUnit(i, given) => {
                let declared = i.unit.clone().unwrap_or_default();
                found.error(
                    r,
                    Some(0),
                    &i.name,
                    format!(
                        "“{name_cell}”的单位是{given}，但“{}”的单位是{declared}，此行未导入",
                        i.name
                    ),
                );
                continue;
            }
            HeaderMatch::None if name_cell.is_empty() => {
                found.error(r, Some(0), "", "没有填写数据项名称，此行未导入".into());
                continue;
            }
            HeaderMatch::None => {
                found.error(
                    r,
                    Some(0),
                    name_cell,
                    format!("“{name_cell}”不是本评价体系的基础数据项，此行未导入"),
                );
                continue;
            }
        };
        if let Some(p) = cell_problem(r, 1) {
            found.error(r, Some(1), &name, p);
            continue;
        }
        if let Some(prev) = found.values.get(&name) {
            let prev = prev.row + 1;
            found.error(r, Some(0), &name, format!("“{name}”已在第{prev}行给出，此行未导入"));
            continue;
        }
        if !value.is_empty() {
            let cell = Cell {
                row: r,
                col: 1,
                text: value.to_string(),
            };
            found.values.insert(name, cell);
        }
    }
}

/// A column index from its letters (`B` → 1).
fn header_index(letters: &str) -> Option<usize> {
    letters
        .chars()
        .try_fold(0usize, |n, c| {
            let d = (c as usize).checked_sub('A' as usize)?;
            (d < 26).then_some(n * 26 + d + 1)
        })?
        .checked_sub(1)
}

/// Checks the values by the engine's own reading of inputs: a value it refuses is an error at its
/// cell (the engine's Chinese message) and is not filled; the others are.
fn check_values(scorer: &Scorer, found: &mut Found) {
    let mut inputs = Inputs::new();
    for (name, cell) in &found.values {
        inputs.set(name.clone(), InputValue::Text(cell.text.clone()));
    }
    let Err(EvalError::Inputs(list)) = scorer.evaluate(&inputs) else {
        return;
    };
    for e in list {
        if let InputError::Invalid { name, problem } = &e
            && let Some(cell) = found.values.remove(name)
        {
            // The engine's message quotes the value (“abc”不是数字…).
            let message = format!("{}，此项未导入", problem.message(Lang::Zh));
            found.errors.push((cell.row, Some(cell.col), name.clone(), message));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system() -> String {
        jixiao::builtin("hunan-dept").map(|b| b.text().to_string()).unwrap()
    }

    fn example() -> String {
        jixiao::builtin("hunan-dept").map(|b| b.example().to_string()).unwrap()
    }

    fn import(bytes: &[u8], name: &str) -> Value {
        serde_json::from_str(&import_file(&system(), bytes, name).unwrap()).unwrap()
    }

    /// The rows of a sheet, read back by the core's reader.
    fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
        let sheets = jixiao::sheets::read_sheets(bytes, Some("xlsx")).unwrap();
        let mut rows = sheets.into_iter().find(|(n, _)| n == name).unwrap().1.rows;
        // The sheet's range is as wide as its widest row: the blank cells after a row's last are not its own.
        for r in &mut rows {
            while r.last().is_some_and(String::is_empty) {
                r.pop();
            }
        }
        rows
    }

    #[test]
    fn base_data_round_trips_through_xlsx_and_csv() {
        let meta = r#"{"单位名称": "湘西州商务局", "年度": "2019"}"#;
        let inputs: Value = serde_json::from_str(&example()).unwrap();
        for (what, format) in [("inputs", "xlsx"), ("inputs", "csv"), ("evaluation", "xlsx")] {
            let bytes = export_file(&system(), &example(), meta, what, format).unwrap();
            let back = import(&bytes, &format!("f.{format}"));
            assert_eq!(back["errors"], json!([]), "{what} {format}");
            let values = back["values"].as_object().unwrap();
            for (name, v) in inputs.as_object().unwrap() {
                let got = &values[name];
                let same = match (v, got) {
                    (Value::String(a), Value::String(b)) => jixiao::parse_decimal(a)
                        .ok()
                        .zip(jixiao::parse_decimal(b).ok())
                        .map_or(a == b, |(x, y)| x == y),
                    (Value::Number(a), Value::String(b)) => a.to_string() == *b,
                    _ => v == got,
                };
                assert!(same, "{what} {format}: {name}: {v} came back as {got}");
            }
        }
    }

    #[test]
    fn the_evaluation_workbook_foots_and_carries_its_meta() {
        let meta = r#"{"单位名称": "湘西州商务局", "年度": "2019", "填报人": "张三", "填报日期": "2020-03-01"}"#;
        let bytes = export_file(&system(), &example(), meta, "evaluation", "xlsx").unwrap();
        let rows = sheet(&bytes, "自评表");
        assert_eq!(rows[1], ["单位名称", "湘西州商务局"]);
        assert_eq!(rows[2], ["年度", "2019"]);
        assert_eq!(rows[3], ["填报人", "张三"]);
        assert_eq!(rows[4], ["填报日期", "2020-03-01"]);
        let header = &rows[6];
        let score = header.iter().position(|h| h == "自评得分").unwrap();
        // Each stated parent (一级 in column A, 二级 in B) is the sum of its stated children, and
        // the stated total (合计) the sum of the 一级.
        let stated = |r: &Vec<String>| jixiao::parse_decimal(r.get(score)?).ok();
        let table: Vec<(usize, jixiao::Decimal)> = rows[7..]
            .iter()
            .filter_map(|r| {
                let level = r.iter().take(3).position(|c| !c.trim().is_empty())?;
                let first = r.get(level)?;
                first.starts_with(|c: char| c.is_ascii_digit()).then_some(())?;
                Some((level, stated(r)?))
            })
            .collect();
        let mut checked = 0;
        for (i, (level, stated)) in table.iter().enumerate() {
            if *level == 2 {
                continue;
            }
            let sum: jixiao::Decimal = table[i + 1..]
                .iter()
                .take_while(|(l, _)| l > level)
                .filter(|(l, _)| *l == level + 1)
                .map(|(_, s)| *s)
                .sum();
            assert_eq!(*stated, sum, "row {i}");
            checked += 1;
        }
        let total = rows
            .iter()
            .find(|r| r.first().is_some_and(|c| c == "合计"))
            .and_then(stated)
            .unwrap();
        let firsts: jixiao::Decimal = table.iter().filter(|(l, _)| *l == 0).map(|(_, s)| *s).sum();
        assert_eq!(total, firsts);
        assert!(checked >= 8, "{checked}");
    }

    #[test]
    fn bad_cells_are_listed_and_the_good_ones_filled() {
        let csv = "名称,数值,单位,说明\n编制数,76,人,\n年初预算,\"1,234,5\",万元,\n上年结转,abc,万元,\n经济效益,很好,,\n编制数x,3,,\n在职人员数,75,人,\n";
        let back = import(csv.as_bytes(), "bad.csv");
        let errors = back["errors"].as_array().unwrap();
        let at: Vec<(u64, &str, &str)> = errors
            .iter()
            .map(|e| {
                (
                    e["row"].as_u64().unwrap(),
                    e["column"].as_str().unwrap(),
                    e["field"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            at,
            [
                (3, "B", "年初预算"),
                (4, "B", "上年结转"),
                (5, "B", "经济效益"),
                (6, "A", "编制数x")
            ]
        );
        assert_eq!(back["values"]["编制数"], "76");
        assert_eq!(back["values"]["在职人员数"], "75");
        assert!(back["values"].get("年初预算").is_none());
        for e in errors {
            assert!(!e["message"].as_str().unwrap().is_ascii(), "{e}");
        }
    }
}
