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
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    // A number is shown with the places its text has (52.73, 13.00): the stated figures as the
    // table states them, not as Excel's General format would trim them.
    let mut formats: Vec<Format> = Vec::new();
    for (title, header, rows) in tables {
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(title))?;
        for (c, h) in header.iter().enumerate() {
            sheet.write_string_with_format(0, col(c)?, h, &bold)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (c, cell) in row.iter().enumerate() {
                match number_of(cell) {
                    Some(n) if !cell.trim().is_empty() => {
                        let places = places_of(cell);
                        if places == 0 {
                            sheet.write_number(r, col(c)?, n)?;
                        } else {
                            while formats.len() < places {
                                let pattern = format!("0.{}", "0".repeat(formats.len() + 1));
                                formats.push(Format::new().set_num_format(pattern));
                            }
                            let format = formats.get(places - 1).unwrap_or(&bold);
                            sheet.write_number_with_format(r, col(c)?, n, format)?;
                        }
                    }
                    _ => {
                        sheet.write_string(r, col(c)?, cell)?;
                    }
                }
            }
        }
        sheet.autofit();
    }
    workbook.save_to_buffer()
}

/// The filled-in self-evaluation table (自评表) of an evaluation as the bytes of a workbook.
pub fn evaluation_workbook(system: &IndicatorSystem, e: &Evaluation, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let (header, rows) = crate::report::evaluation_table(system, e, lang);
    table_workbook(&system.name, &header, &rows)
}

fn col(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}
