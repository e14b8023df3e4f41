//! Reading units' inputs from files: JSON, TOML, CSV and Excel, with header names matched to the
//! system's declared inputs (names, `名称（单位）` display names, or English names).

use std::path::Path;

use jixiao::{InputValue, Inputs, Scorer};

use crate::{Fail, Result, read_text};

pub use jixiao::inputs::table::{Columns, column_letter, inputs_from_row};
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
        TableError::Unknown { .. } => Fail::new(format!(
            "{file}: {e} (use --id-column for the column of unit names, --ignore-column to skip a column)"
        )),
        TableError::NoUnitColumn { name, columns } => Fail::new(format!(
            "{file}: no column `{name}` for --id-column (columns: {})",
            columns.join(", ")
        )),
        _ => Fail::new(format!("{file}: {e}")),
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
                .map_err(|e| Fail::new(e.message))
        }
        "toml" => from_toml(&read_text(path)?, &file),
        "csv" => from_table(read_csv_rows(path)?, scorer, &file),
        "xlsx" | "xlsm" | "xls" | "ods" => from_table(crate::xlsx::read_rows(path)?, scorer, &file),
        other => Err(Fail::new(format!(
            "{file}: unknown input format `.{other}` (expected .json, .toml, .csv or .xlsx)"
        ))),
    }
}

/// Every row of a (small) CSV file as cell texts; a batch streams its CSV instead.
pub fn read_csv_rows(path: &Path) -> Result<Vec<Vec<String>>> {
    let file = path.display().to_string();
    let text = read_text(path)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| Fail::new(format!("{file} row {}: {e}", rows.len() + 1)))?;
        rows.push(record.iter().map(str::to_string).collect());
    }
    Ok(rows)
}

/// The lower-case extension of a path.
pub fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn from_toml(text: &str, file: &str) -> Result<Inputs> {
    jixiao::wire::from_toml::<jixiao::inputs::UnitInputs>(text, file)
        .map(Inputs::from)
        .map_err(|e| Fail::new(e.message))
}

/// First cells that mark the header of the long layout (name, value, notes).
const NAME_HEADERS: &[&str] = &["名称", "项目", "指标", "数据项", "name", "input", "item"];
/// Second cells that mark the header of the long layout.
const VALUE_HEADERS: &[&str] = &["数值", "值", "数据", "value"];

/// One unit from a table, its layout decided by the first row: a row naming two or more inputs is
/// the header of the wide layout (header + one data row); otherwise every row gives one input as
/// name, value (and notes), perhaps under a header row such as `名称,数值`.
fn from_table(rows: Vec<Vec<String>>, scorer: &Scorer, file: &str) -> Result<Inputs> {
    // Rows with their numbers as the user sees them (row 1 first); blank rows left out.
    let rows: Vec<(usize, Vec<String>)> = rows
        .into_iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r))
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    let Some((_, first)) = rows.first() else {
        return Err(Fail::new(format!("{file}: the table is empty")));
    };
    if first.iter().filter(|c| names_input(c, scorer)).count() >= 2 {
        let columns = map_columns(first, scorer, None, &[], file)?;
        return match rows.get(1..).unwrap_or(&[]) {
            [(_, row)] => Ok(inputs_from_row(&columns, row)),
            [] => Err(Fail::new(format!("{file}: a header row but no data row"))),
            data => Err(Fail::new(format!(
                "{file}: {} units; `jixiao score` takes one (use `jixiao batch` for many)",
                data.len()
            ))),
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
                return Err(Fail::new(format!("{file} row {n}: no input name in column A")));
            }
            Ok(None) => {
                return Err(Fail::new(format!(
                    "{file} row {n}: `{cell}` is not a declared input of `{}`",
                    scorer.system().id
                )));
            }
            Err(wrong) => return Err(Fail::new(format!("{file} row {n}: `{cell}` {wrong}"))),
        };
        if let Some(prev) = seen.insert(name.clone(), *n) {
            return Err(Fail::new(format!(
                "{file}: rows {prev} and {n} both give input `{name}`"
            )));
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
