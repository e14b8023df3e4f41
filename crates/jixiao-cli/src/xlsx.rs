//! Excel in and out: the grid is read by the engine's `jixiao::sheets` (calamine; the calculator
//! page's files module shares it), and the workbook is built by the engine's `jixiao::xlsx`, which
//! the Python package shares.
//!
//! Excel stores numbers as binary doubles. A numeric cell is read by the engine's one float policy
//! (`jixiao::inputs::float`): the decimal its shortest text writes (`0.1` stays `0.1`), while a
//! double showing binary noise (`=0.06+0.84` holds 0.8999999999999999) is refused with the figure it
//! was probably meant to be. Results are written as numbers (the double nearest to the exact
//! decimal) with the exact decimals available in CSV and JSON output.
//!
//! A cell that holds no figure to read is a problem of its row, never of the whole sheet, and never
//! read as something else (see `jixiao::sheets`).

use std::path::Path;

use crate::unit::{Problem, Table};
use crate::{Fail, Result};

/// The first worksheet as rows of cell texts (A1 at index 0, 0), with the cells that hold no figure.
pub fn read_rows(path: &Path) -> Result<Table> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        Fail::say(
            format!("{file}：无法作为电子表格打开（{e}）"),
            format!("{file}: cannot open as a spreadsheet: {e}"),
        )
    })?;
    let extension = path.extension().and_then(|e| e.to_str());
    let grid = jixiao::sheets::read_first_sheet(&bytes, extension).map_err(|e| {
        Fail::say(
            format!("{file}：{}", e.message(jixiao::Lang::Zh)),
            format!("{file}: {}", e.message(jixiao::Lang::En)),
        )
    })?;
    let lang = crate::message_lang();
    Ok(Table {
        rows: grid.rows,
        problems: grid
            .problems
            .into_iter()
            .map(|(at, p)| {
                let problem = Problem {
                    message: p.message(lang).to_string(),
                    merged_from: p.merged_from,
                };
                (at, problem)
            })
            .collect(),
    })
}

/// Writes a table (header + rows) to a new workbook (built by the engine's `jixiao::xlsx`).
pub fn write_table(path: &Path, title: &str, header: &[String], rows: &[Vec<String>]) -> Result<()> {
    let bytes = jixiao::xlsx::table_workbook(title, header, rows).map_err(|e| crate::cannot_write(path, &e))?;
    std::fs::write(path, bytes).map_err(|e| crate::cannot_write(path, &e))
}
