//! Excel in and out: reading here (calamine); the workbook itself is built by the engine's
//! `jixiao::xlsx`, which the Python package shares.
//!
//! Excel stores numbers as binary doubles and shows them with at most 15 significant digits. A
//! numeric cell is read as Excel shows it (`=1.1*100` holds 110.00000000000001 and reads as 110;
//! `0.1` stays `0.1`), then parsed exactly; results are written as numbers (the double nearest to
//! the exact decimal) with the exact decimals available in CSV and JSON output.

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use crate::{Fail, Result};

/// The first worksheet as rows of cell texts.
pub fn read_rows(path: &Path) -> Result<Vec<Vec<String>>> {
    let file = path.display().to_string();
    let mut workbook =
        open_workbook_auto(path).map_err(|e| Fail::new(format!("{file}: cannot open as a spreadsheet: {e}")))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| Fail::new(format!("{file}: the workbook has no worksheet")))?
        .map_err(|e| Fail::new(format!("{file}: cannot read the first worksheet: {e}")))?;
    let (top, left) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (r, row) in range.rows().enumerate() {
        let mut cells = Vec::with_capacity(row.len());
        for (c, cell) in row.iter().enumerate() {
            let text = match cell {
                Data::Empty => String::new(),
                Data::String(s) => s.clone(),
                Data::Int(i) => i.to_string(),
                Data::Float(f) => jixiao::inputs::float::excel_shown(*f),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => d.to_string(),
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(e) => {
                    let row_no = top as usize + r + 1;
                    let col = crate::unit::column_letter(left as usize + c);
                    return Err(Fail::new(format!(
                        "{file}: cell {col}{row_no} holds the Excel error {e}"
                    )));
                }
            };
            cells.push(text);
        }
        // Leading empty rows/columns of the sheet are not part of the range: pad to keep A1 positions.
        let mut padded = vec![String::new(); left as usize];
        padded.extend(cells);
        rows.push(padded);
    }
    let mut out = vec![Vec::new(); top as usize];
    out.extend(rows);
    Ok(out)
}

/// Writes a table (header + rows) to a new workbook (built by the engine's `jixiao::xlsx`).
pub fn write_table(path: &Path, title: &str, header: &[String], rows: &[Vec<String>]) -> Result<()> {
    let file = path.display().to_string();
    let bytes = jixiao::xlsx::table_workbook(title, header, rows)
        .map_err(|e| Fail::new(format!("{file}: cannot write: {e}")))?;
    std::fs::write(path, bytes).map_err(|e| Fail::new(format!("{file}: cannot write: {e}")))
}
