//! Reading units' inputs from files: JSON, TOML, CSV and Excel, with header names matched to the
//! system's declared inputs (names, `名称（单位）` display names, or English names).

use std::path::Path;

use jixiao::{InputValue, Inputs, Scorer};

use crate::{Fail, Result, read_text};

/// Header names that mark the column naming each unit.
const ID_HEADERS: &[&str] = &[
    "单位",
    "单位名称",
    "部门",
    "部门名称",
    "预算单位",
    "项目",
    "项目名称",
    "编号",
    "unit",
    "id",
    "name",
    "department",
    "project",
];

/// Strips a trailing unit in brackets (`编制数（人）`, `年初预算 (万元)`) and surrounding blanks.
fn normalize_header(h: &str) -> &str {
    let t = h.trim().trim_start_matches('\u{feff}').trim();
    for (close, open) in [('）', '（'), (')', '(')] {
        if t.ends_with(close)
            && let Some(i) = t.rfind(open)
            && i > 0
        {
            return t.get(..i).unwrap_or(t).trim();
        }
    }
    t
}

/// The declared input a column header names, if any.
pub fn input_for_header(header: &str, scorer: &Scorer) -> Option<String> {
    let h = normalize_header(header);
    let inputs = &scorer.system().inputs;
    inputs
        .iter()
        .find(|i| i.name == h || i.name == header.trim())
        .or_else(|| {
            inputs
                .iter()
                .find(|i| i.name_en.as_deref().is_some_and(|en| en.eq_ignore_ascii_case(h)))
        })
        .map(|i| i.name.clone())
}

/// How a table's columns map to inputs.
#[derive(Debug)]
pub struct Columns {
    /// The column naming each unit.
    pub id: Option<usize>,
    /// Input columns: (column index, input name).
    pub inputs: Vec<(usize, String)>,
}

/// Maps a header row to inputs; a column that is neither an input, the id column nor ignored is an
/// error (a misspelt header would otherwise leave an input silently at its default).
pub fn map_columns(
    header: &[String],
    scorer: &Scorer,
    id_column: Option<&str>,
    ignore: &[String],
    file: &str,
) -> Result<Columns> {
    let mut id = None;
    if let Some(name) = id_column {
        id = Some(header.iter().position(|h| h.trim() == name).ok_or_else(|| {
            Fail::new(format!(
                "{file}: no column `{name}` for --id-column (columns: {})",
                header.join(", ")
            ))
        })?);
    }
    let mut inputs = Vec::new();
    let mut unknown = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, h) in header.iter().enumerate() {
        if Some(i) == id || ignore.iter().any(|x| x.trim() == h.trim()) {
            continue;
        }
        match input_for_header(h, scorer) {
            Some(name) => {
                if let Some(prev) = seen.insert(name.clone(), i) {
                    return Err(Fail::new(format!(
                        "{file}: columns {} and {} both give input `{name}`",
                        column_letter(prev),
                        column_letter(i)
                    )));
                }
                inputs.push((i, name));
            }
            None if id.is_none() && (i == 0 || ID_HEADERS.contains(&normalize_header(h))) => id = Some(i),
            None if h.trim().is_empty() => unknown.push(format!("column {} (no header)", column_letter(i))),
            None => unknown.push(format!("`{}`", h.trim())),
        }
    }
    if !unknown.is_empty() {
        return Err(Fail::new(format!(
            "{file}: {} {} not declared input{} of `{}` (use --ignore-column to skip a column)",
            unknown.join(", "),
            if unknown.len() == 1 { "is" } else { "are" },
            if unknown.len() == 1 { "" } else { "s" },
            scorer.system().id
        )));
    }
    Ok(Columns { id, inputs })
}

/// Excel-style column letters (0 → A, 26 → AA).
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(char::from(b'A' + u8::try_from(i % 26).unwrap_or(0)));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.iter().rev().collect()
}

/// Builds one unit's inputs from a row; empty cells are left out (the input is then missing or defaulted).
pub fn inputs_from_row(columns: &Columns, row: &[String]) -> Inputs {
    let mut inputs = Inputs::new();
    for (i, name) in &columns.inputs {
        if let Some(cell) = row.get(*i)
            && !cell.trim().is_empty()
        {
            inputs.set(name.clone(), InputValue::Text(cell.trim().to_string()));
        }
    }
    inputs
}

/// Reads one unit from a file, by extension.
pub fn read(path: &Path, scorer: &Scorer) -> Result<Inputs> {
    let file = path.display().to_string();
    match extension(path).as_str() {
        "json" => {
            let text = read_text(path)?;
            let value: serde_json::Value =
                serde_json::from_str(&text).map_err(|e| Fail::new(format!("{file}: not valid JSON: {e}")))?;
            jixiao::json::inputs_from_value(&value).map_err(|e| Fail::new(format!("{file}: {}", e.message)))
        }
        "toml" => from_toml(&read_text(path)?, &file),
        "csv" => {
            let text = read_text(path)?;
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(text.as_bytes());
            let mut rows = Vec::new();
            for (n, record) in reader.records().enumerate() {
                let record = record.map_err(|e| Fail::new(format!("{file} row {}: {e}", n + 1)))?;
                rows.push(record.iter().map(str::to_string).collect());
            }
            from_table(rows, scorer, &file)
        }
        "xlsx" | "xlsm" | "xls" | "ods" => from_table(crate::xlsx::read_rows(path)?, scorer, &file),
        other => Err(Fail::new(format!(
            "{file}: unknown input format `.{other}` (expected .json, .toml, .csv or .xlsx)"
        ))),
    }
}

/// The lower-case extension of a path.
pub fn extension(path: &Path) -> String {
    path.extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

fn from_toml(text: &str, file: &str) -> Result<Inputs> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| Fail::new(format!("{file}: not valid TOML: {}", e.message())))?;
    let mut inputs = Inputs::new();
    for (name, value) in table {
        let v = match value {
            toml::Value::String(s) => InputValue::Text(s),
            toml::Value::Integer(i) => InputValue::Number(i.into()),
            toml::Value::Boolean(b) => InputValue::Bool(b),
            toml::Value::Float(f) => {
                return Err(Fail::new(format!(
                    "{file}: input `{name}`: the TOML float {f} cannot be read exactly; write it as a string, e.g. {name} = \"{f}\""
                )));
            }
            toml::Value::Array(items) => InputValue::Items(
                items
                    .into_iter()
                    .map(|i| match i {
                        toml::Value::String(s) => Ok(s),
                        _ => Err(Fail::new(format!(
                            "{file}: input `{name}`: checklist items must be strings"
                        ))),
                    })
                    .collect::<Result<_>>()?,
            ),
            toml::Value::Table(t) => {
                let level = t.get("level").and_then(toml::Value::as_str).ok_or_else(|| {
                    Fail::new(format!("{file}: input `{name}`: a table input needs a string `level`"))
                })?;
                let score = match t.get("score") {
                    None => None,
                    Some(toml::Value::String(s)) => {
                        Some(jixiao::parse_decimal(s).map_err(|m| Fail::new(format!("{file}: input `{name}`: {m}")))?)
                    }
                    Some(toml::Value::Integer(i)) => Some((*i).into()),
                    Some(_) => {
                        return Err(Fail::new(format!(
                            "{file}: input `{name}`: write `score` as a string, e.g. \"7.5\""
                        )));
                    }
                };
                InputValue::Level {
                    level: level.to_string(),
                    score,
                }
            }
            toml::Value::Datetime(_) => {
                return Err(Fail::new(format!(
                    "{file}: input `{name}`: a date is not an input value"
                )));
            }
        };
        inputs.set(name, v);
    }
    Ok(inputs)
}

/// One unit from a table: either rows of name, value (and notes), or a header row and one data row.
fn from_table(rows: Vec<Vec<String>>, scorer: &Scorer, file: &str) -> Result<Inputs> {
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .filter(|r| r.iter().any(|c| !c.trim().is_empty()))
        .collect();
    if rows.is_empty() {
        return Err(Fail::new(format!("{file}: the table is empty")));
    }
    // Long layout: every row (but perhaps a header) starts with an input name.
    let named = |r: &Vec<String>| r.first().is_some_and(|c| input_for_header(c, scorer).is_some());
    let body = if rows.first().is_some_and(|r| !named(r)) {
        rows.get(1..).unwrap_or(&[])
    } else {
        &rows[..]
    };
    // Columns after the value (unit, description, as `jixiao inputs --format csv` prints them) are notes.
    if !body.is_empty() && body.iter().all(|r| named(r) && r.len() >= 2) {
        let mut inputs = Inputs::new();
        for r in body {
            if let (Some(name), Some(value)) = (r.first().and_then(|c| input_for_header(c, scorer)), r.get(1))
                && !value.trim().is_empty()
            {
                inputs.set(name, InputValue::Text(value.trim().to_string()));
            }
        }
        return Ok(inputs);
    }
    let (header, data) = rows
        .split_first()
        .ok_or_else(|| Fail::new(format!("{file}: the table is empty")))?;
    let columns = map_columns(header, scorer, None, &[], file)?;
    match data {
        [row] => Ok(inputs_from_row(&columns, row)),
        [] => Err(Fail::new(format!("{file}: a header row but no data row"))),
        _ => Err(Fail::new(format!(
            "{file}: {} units; `jixiao score` takes one (use `jixiao batch` for many)",
            data.len()
        ))),
    }
}
