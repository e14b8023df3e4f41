//! The evaluation report as an Excel workbook (feature `xlsx`), the one writer that the `jixiao`
//! command and the Python package share. The workbook is built in memory; the caller writes the
//! bytes where it wants them.
//!
//! Excel holds numbers as binary doubles: a cell that is a decimal is written as the double nearest
//! to the exact decimal (what Excel can hold), every other cell as text. The exact decimals are in
//! the CSV and JSON outputs.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::explain::Lang;
use crate::{Evaluation, IndicatorSystem};

/// A cell value: a number when the text is a decimal, else `None`.
pub fn number_of(text: &str) -> Option<f64> {
    let d = crate::parse_decimal(text).ok()?;
    // The exact decimal's text, parsed once into the nearest double: Excel cannot hold more.
    d.normalize().to_string().parse::<f64>().ok()
}

/// The places after the point in a decimal's text (`13.00` → 2), at most Excel's 15 digits.
fn places_of(text: &str) -> usize {
    text.trim()
        .split_once('.')
        .map_or(0, |(_, frac)| frac.chars().take_while(char::is_ascii_digit).count())
        .min(15)
}

/// Excel sheet names: at most 31 characters, none of `[]:*?/\`.
pub fn sheet_name(title: &str) -> String {
    let cleaned: String = title.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    if cleaned.is_empty() { "jixiao".into() } else { cleaned }
}

/// A table (a bold header row, then the rows) as the bytes of a one-sheet workbook named `title`.
pub fn table_workbook(title: &str, header: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    tables_workbook(&[(title, header, rows)])
}

/// A sheet's title, header and rows.
pub type Sheet<'a> = (&'a str, &'a [String], &'a [Vec<String>]);

/// Tables, one sheet each (named by its title, a bold header row, then the rows), as the bytes of
/// a workbook.
pub fn tables_workbook(tables: &[Sheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let forms: Vec<FormSheet<'_>> = tables
        .iter()
        .map(|(title, header, rows)| FormSheet {
            name: title,
            heading: &[],
            header,
            rows,
        })
        .collect();
    forms_workbook(&forms)
}

/// A sheet of a form: lines above the table (a bold title line first: `部门整体支出绩效自评表`, then
/// `单位名称 | 某某局` ...; a blank line follows them), then a table (a bold header row, then the
/// rows).
#[derive(Debug, Clone, Copy)]
pub struct FormSheet<'a> {
    /// The sheet's name (cleaned by [`sheet_name`]).
    pub name: &'a str,
    /// Lines above the table; none for a plain table.
    pub heading: &'a [Vec<String>],
    /// The table's header.
    pub header: &'a [String],
    /// The table's rows.
    pub rows: &'a [Vec<String>],
}

/// Forms, one sheet each, as the bytes of a workbook. A cell that is a decimal is a number shown
/// with the places its text has (`52.73`, `13.00`; `95%` as a percentage), every other cell text.
pub fn forms_workbook(forms: &[FormSheet<'_>]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    // A number is shown with the places its text has (52.73, 13.00): the stated figures as the
    // table states them, not as Excel's General format would trim them.
    let mut formats: Vec<(String, Format)> = Vec::new();
    for form in forms {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(form.name))?;
        let mut next = 0u32;
        for (i, line) in form.heading.iter().enumerate() {
            for (c, cell) in line.iter().enumerate() {
                if i == 0 {
                    sheet.write_string_with_format(next, col(c)?, cell, &bold)?;
                } else {
                    write_cell(sheet, next, col(c)?, cell, &mut formats)?;
                }
            }
            next += 1;
        }
        if !form.heading.is_empty() {
            next += 1;
        }
        for (c, h) in form.header.iter().enumerate() {
            sheet.write_string_with_format(next, col(c)?, h, &bold)?;
        }
        for (r, row) in form.rows.iter().enumerate() {
            let r = u32::try_from(r)
                .ok()
                .and_then(|r| r.checked_add(next + 1))
                .ok_or(XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.iter().enumerate() {
                write_cell(sheet, r, col(c)?, cell, &mut formats)?;
            }
        }
        sheet.autofit();
    }
    workbook.save_to_buffer()
}

/// One cell: a decimal as a number in the format of its places (a percentage as a percentage),
/// anything else as text.
fn write_cell(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    column: u16,
    cell: &str,
    formats: &mut Vec<(String, Format)>,
) -> Result<(), XlsxError> {
    let Some(n) = number_of(cell).filter(|_| !cell.trim().is_empty()) else {
        sheet.write_string(row, column, cell)?;
        return Ok(());
    };
    let trimmed = cell.trim();
    let percent = trimmed.ends_with(['%', '％']);
    let places = places_of(trimmed.trim_end_matches(['%', '％']));
    let pattern = match (places, percent) {
        (0, false) => {
            sheet.write_number(row, column, n)?;
            return Ok(());
        }
        (0, true) => "0%".to_string(),
        (p, true) => format!("0.{}%", "0".repeat(p)),
        (p, false) => format!("0.{}", "0".repeat(p)),
    };
    if !formats.iter().any(|(p, _)| *p == pattern) {
        formats.push((pattern.clone(), Format::new().set_num_format(&pattern)));
    }
    match formats.iter().find(|(p, _)| *p == pattern) {
        Some((_, format)) => sheet.write_number_with_format(row, column, n, format)?,
        None => sheet.write_number(row, column, n)?,
    };
    Ok(())
}

/// The filled-in self-evaluation table (自评表) of an evaluation as the bytes of a workbook.
pub fn evaluation_workbook(system: &IndicatorSystem, e: &Evaluation, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let (header, rows) = crate::report::evaluation_table(system, e, lang);
    table_workbook(&system.name, &header, &rows)
}

fn col(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}
