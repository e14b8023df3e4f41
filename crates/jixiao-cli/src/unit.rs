//! Reading units' inputs from files: JSON, TOML, CSV and Excel, with header names matched to the
//! system's declared inputs (names, `名称（单位）` display names, or English names).

use std::path::Path;

use jixiao::{InputValue, Inputs, Scorer};

use crate::{Fail, Result, read_text};

pub use jixiao::inputs::table::{Columns, inputs_from_row};
use jixiao::inputs::table::{HeaderMatch, TableError, TableOptions, match_header};

/// The declared input a column header (or a name cell) names, if any; a bracketed unit other than
/// the declared one is an error (the end of a sentence that starts with the header).
pub fn input_for_header(header: &str, scorer: &Scorer) -> std::result::Result<Option<String>, String> {
    match match_header(header, scorer.system()) {
        HeaderMatch::Input(i) => Ok(Some(i.name.clone())),
        HeaderMatch::WrongUnit(i, given) => Err(format!(
            "is in {given}, but input `{}` is declared in {}",
            i.name,
            i.unit.as_deref().unwrap_or("")
        )),
        HeaderMatch::None => Ok(None),
    }
}

/// Whether a cell names a declared input (with the right unit or not).
pub fn names_input(cell: &str, scorer: &Scorer) -> bool {
    !matches!(match_header(cell, scorer.system()), HeaderMatch::None)
}

/// Maps a header row to inputs (the engine's table reading) with the CLI's advice on errors.
pub fn map_columns(
    header: &[String],
    scorer: &Scorer,
    id_column: Option<&str>,
    ignore: &[String],
    file: &str,
) -> Result<Columns> {
    map_columns_with(header, scorer, &TableOptions::new(id_column, ignore), file)
}

/// [`map_columns`] with the engine's options (claims for an audit).
pub fn map_columns_with(header: &[String], scorer: &Scorer, options: &TableOptions, file: &str) -> Result<Columns> {
    jixiao::inputs::table::map_columns(header, scorer.system(), options).map_err(|e| match &e {
        TableError::Unknown { .. } => Fail::say(
            format!("{file}：{e}（单位名称所在的列请用 --id-column 指定，要跳过的列请用 --ignore-column）"),
            format!("{file}: {e} (use --id-column for the column of unit names, --ignore-column to skip a column)"),
        ),
        TableError::NoUnitColumn { name, columns } => Fail::say(
            format!(
                "{file}：--id-column 指定的列“{name}”不存在（现有各列：{}）",
                columns.join("、")
            ),
            format!(
                "{file}: no column `{name}` for --id-column (columns: {})",
                columns.join(", ")
            ),
        ),
        _ => Fail::say(format!("{file}：{e}"), format!("{file}: {e}")),
    })
}

/// Reads one unit from a file, by extension.
pub fn read(path: &Path, scorer: &Scorer) -> Result<Inputs> {
    let file = path.display().to_string();
    match extension(path).as_str() {
        "json" => {
            let text = read_text(path)?;
            jixiao::wire::from_json::<jixiao::inputs::UnitInputs>(&text, &file)
                .map(Inputs::from)
                .map_err(json_error)
        }
        "toml" => from_toml(&read_text(path)?, &file),
        "csv" => from_table(read_csv_rows(path)?, scorer, &file),
        "xlsx" | "xlsm" | "xls" | "ods" => from_table(crate::xlsx::read_rows(path)?, scorer, &file),
        other => Err(Fail::say(
            format!("{file}：不支持的基础数据文件类型“.{other}”（可用 .json、.toml、.csv 或 .xlsx）"),
            format!("{file}: unknown input format `.{other}` (expected .json, .toml, .csv or .xlsx)"),
        )),
    }
}

/// A table's rows as cell texts, each at its index in the file (row 1 at index 0: blank rows kept),
/// and the cells that hold no figure to read (an Excel date, error, formula without a value, or a
/// cell under a merged region), by (row index, column index), each with what and what to do.
#[derive(Debug, Default)]
pub struct Table {
    /// The rows.
    pub rows: Vec<Vec<String>>,
    /// What is wrong with a cell, by (row index, column index).
    pub problems: std::collections::BTreeMap<(usize, usize), Problem>,
}

/// Why a cell holds no figure to read.
#[derive(Debug, Clone)]
pub struct Problem {
    /// What it holds and what to do, naming the cell.
    pub message: String,
    /// For a cell under a merged region, the row index of the region's first row.
    pub merged_from: Option<usize>,
}

impl Problem {
    /// Whether the problem stands in a table whose header is at row index `header` (if it has
    /// one): a region merged down from the header row or above it (a two-row header cell, a title)
    /// is part of the header.
    pub fn below(&self, header: Option<usize>) -> bool {
        match (self.merged_from, header) {
            (Some(first), Some(header)) => first > header,
            _ => true,
        }
    }
}

impl Table {
    /// What is wrong with the cells of row `index` that are read (`read` says which columns are)
    /// under the header at row index `header`, joined; `None` when nothing is.
    pub fn row_problem(&self, index: usize, header: Option<usize>, read: impl Fn(usize) -> bool) -> Option<String> {
        let found: Vec<&str> = self
            .problems
            .range((index, 0)..=(index, usize::MAX))
            .filter(|((_, c), p)| read(*c) && p.below(header))
            .map(|(_, p)| p.message.as_str())
            .collect();
        (!found.is_empty()).then(|| found.join("; "))
    }
}

/// Whether a table's column is read: the unit names, an input or a claim.
pub fn column_is_read(columns: &Columns, c: usize) -> bool {
    columns.unit == Some(c)
        || columns.inputs.iter().any(|(i, _)| *i == c)
        || columns.claim_scores.iter().any(|(i, _)| *i == c)
        || columns.claim_total == Some(c)
        || columns.claim_grade == Some(c)
}

/// Every row of a (small) CSV file as cell texts, each at its spreadsheet position; a batch streams
/// its CSV instead.
pub fn read_csv_rows(path: &Path) -> Result<Table> {
    let file = path.display().to_string();
    let text = read_text(path)?;
    let rows = jixiao::csv_rows::csv_rows(&text)
        .map_err(|e| Fail::say(format!("{file}：CSV 格式有误（{e}）"), format!("{file}: {e}")))?;
    Ok(Table {
        rows,
        ..Table::default()
    })
}

/// The lower-case extension of a path.
/// A unit's inputs that do not read, in the run's language.
fn json_error(e: jixiao::wire::JsonError) -> Fail {
    Fail::say(e.message_zh, e.message)
}

pub fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn from_toml(text: &str, file: &str) -> Result<Inputs> {
    jixiao::wire::from_toml::<jixiao::inputs::UnitInputs>(text, file)
        .map(Inputs::from)
        .map_err(json_error)
}

/// First cells that mark the header of the long layout (name, value, notes).
const NAME_HEADERS: &[&str] = &["名称", "项目", "指标", "数据项", "name", "input", "item"];
/// Second cells that mark the header of the long layout.
const VALUE_HEADERS: &[&str] = &["数值", "值", "数据", "value"];

/// One unit from a table, its layout decided by the first row: a row naming two or more inputs is
/// the header of the wide layout (header + one data row); otherwise every row gives one input as
/// name, value (and notes), perhaps under a header row such as `名称,数值`.
fn from_table(table: Table, scorer: &Scorer, file: &str) -> Result<Inputs> {
    // Rows with their numbers as the user sees them (row 1 first); blank rows left out.
    // (A row whose read cells are all unreadable, and so blank, is left out too: then there is no
    // data row, or no value, which is an error.)
    let problems = &table;
    let rows: Vec<(usize, Vec<String>)> = table
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r.clone()))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    let Some((first_no, first)) = rows.first() else {
        return Err(Fail::say(
            format!("{file}：表格是空的"),
            format!("{file}: the table is empty"),
        ));
    };
    let header_index = first_no - 1;
    if first.iter().filter(|c| names_input(c, scorer)).count() >= 2 {
        let columns = map_columns(first, scorer, None, &[], file)?;
        return match rows.get(1..).unwrap_or(&[]) {
            [(n, row)] => match problems.row_problem(n - 1, Some(header_index), |c| column_is_read(&columns, c)) {
                Some(p) => Err(Fail::say(
                    format!("{file} 第{n}行：{p}"),
                    format!("{file} row {n}: {p}"),
                )),
                None => Ok(inputs_from_row(&columns, row)),
            },
            [] => Err(Fail::say(
                format!("{file}：只有表头，没有数据行"),
                format!("{file}: a header row but no data row"),
            )),
            data => Err(Fail::say(
                format!(
                    "{file}：有{}个单位的数据；jixiao score 一次计算一个单位（多个单位请用 jixiao batch）",
                    data.len()
                ),
                format!(
                    "{file}: {} units; `jixiao score` takes one (use `jixiao batch` for many)",
                    data.len()
                ),
            )),
        };
    }
    let is = |cell: Option<&String>, words: &[&str]| {
        cell.is_some_and(|c| {
            let c = jixiao::inputs::table::split_unit(c).0;
            words.iter().any(|w| w.eq_ignore_ascii_case(c))
        })
    };
    let header = !first.first().is_some_and(|c| names_input(c, scorer))
        && (is(first.first(), NAME_HEADERS) || is(first.get(1), VALUE_HEADERS));
    let mut inputs = Inputs::new();
    let mut seen = std::collections::HashMap::new();
    for (n, r) in rows.iter().skip(usize::from(header)) {
        let cell = r.first().map_or("", |c| c.trim());
        let name = match input_for_header(cell, scorer) {
            Ok(Some(name)) => name,
            Ok(None) if cell.is_empty() => {
                return Err(Fail::say(
                    format!("{file} 第{n}行：A列没有填写数据项名称"),
                    format!("{file} row {n}: no input name in column A"),
                ));
            }
            Ok(None) => {
                let id = &scorer.system().id;
                return Err(Fail::say(
                    format!("{file} 第{n}行：“{cell}”不是评价体系“{id}”的基础数据项"),
                    format!("{file} row {n}: `{cell}` is not a declared input of `{id}`"),
                ));
            }
            Err(wrong) => {
                return Err(Fail::say(
                    format!("{file} 第{n}行：“{cell}”{wrong}"),
                    format!("{file} row {n}: `{cell}` {wrong}"),
                ));
            }
        };
        if let Some(prev) = seen.insert(name.clone(), *n) {
            return Err(Fail::say(
                format!("{file}：第{prev}行和第{n}行都填了“{name}”"),
                format!("{file}: rows {prev} and {n} both give input `{name}`"),
            ));
        }
        if let Some(p) = problems.row_problem(n - 1, header.then_some(header_index), |c| c <= 1) {
            return Err(Fail::say(
                format!("{file} 第{n}行：{p}"),
                format!("{file} row {n}: {p}"),
            ));
        }
        // Columns after the value (unit, description, as `jixiao inputs --format csv` prints them) are notes.
        if let Some(value) = r.get(1)
            && !value.trim().is_empty()
        {
            inputs.set(name, InputValue::Text(value.trim().to_string()));
        }
    }
    Ok(inputs)
}
