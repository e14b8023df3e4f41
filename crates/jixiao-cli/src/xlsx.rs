//! Excel in and out: reading here (calamine); the workbook itself is built by the engine's
//! `jixiao::xlsx`, which the Python package shares.
//!
//! Excel stores numbers as binary doubles. A numeric cell is read by the engine's one float policy
//! (`jixiao::inputs::float`): the decimal its shortest text writes (`0.1` stays `0.1`), while a
//! double showing binary noise (`=0.06+0.84` holds 0.8999999999999999) is refused with the figure it
//! was probably meant to be. Results are written as numbers (the double nearest to the exact
//! decimal) with the exact decimals available in CSV and JSON output.
//!
//! A cell that holds no figure to read is a problem of its row, never of the whole sheet, and never
//! read as something else: a date (Excel keeps it as a day count), an Excel error (`#DIV/0!`), a
//! formula without a computed value (a file written by a program that does not calculate), and a
//! cell covered by a merged region below its first row (the value stands in the first row only).

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, Dimensions, Range, Reader, Sheets, open_workbook_auto};

use crate::unit::{Problem, Table, column_letter};
use crate::{Fail, Result};

/// The first worksheet as rows of cell texts (A1 at index 0, 0), with the cells that hold no figure.
pub fn read_rows(path: &Path) -> Result<Table> {
    let file = path.display().to_string();
    let mut workbook = open_workbook_auto(path).map_err(|e| {
        Fail::say(
            format!("{file}：无法作为电子表格打开（{e}）"),
            format!("{file}: cannot open as a spreadsheet: {e}"),
        )
    })?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| {
            Fail::say(
                format!("{file}：工作簿中没有工作表"),
                format!("{file}: the workbook has no worksheet"),
            )
        })?
        .map_err(|e| {
            Fail::say(
                format!("{file}：无法读取第一个工作表（{e}）"),
                format!("{file}: cannot read the first worksheet: {e}"),
            )
        })?;
    let formulas = match workbook.sheet_names().first() {
        Some(name) => workbook.worksheet_formula(&name.clone()).ok(),
        None => None,
    };
    let merged = merged_regions(&mut workbook);
    let (top, left) = range.start().unwrap_or((0, 0));
    let (top, left) = (top as usize, left as usize);
    let mut table = Table {
        rows: vec![Vec::new(); top],
        problems: BTreeMap::new(),
    };
    for (r, row) in range.rows().enumerate() {
        let row_index = top + r;
        // Leading empty columns of the sheet are not part of the range: pad to keep A1 positions.
        let mut cells = vec![String::new(); left];
        for (c, cell) in row.iter().enumerate() {
            let col_index = left + c;
            let at = || {
                let cell = format!("{}{}", column_letter(col_index), row_index + 1);
                crate::tr(format!("单元格{cell}"), format!("cell {cell}"))
            };
            let (text, problem) = read_cell(cell, &at);
            if let Some(message) = problem {
                let problem = Problem {
                    message,
                    merged_from: None,
                };
                table.problems.insert((row_index, col_index), problem);
            }
            cells.push(text);
        }
        table.rows.push(cells);
    }
    // A formula saved without its value (no `<v>`: calamine leaves the cell empty, or out of the
    // range when it is at its edge). A formula whose value is the empty string ("" from an IF) has
    // a value: the input is then not given.
    if let (Some(formulas), Some((ftop, fleft))) = (&formulas, formulas.as_ref().and_then(Range::start)) {
        for (r, c, formula) in formulas.used_cells() {
            let formula = formula.trim().trim_start_matches('=');
            let (row_index, col_index) = (ftop as usize + r, fleft as usize + c);
            let (Ok(row), Ok(col)) = (u32::try_from(row_index), u32::try_from(col_index)) else {
                continue;
            };
            if formula.is_empty() || !matches!(range.get_value((row, col)), None | Some(Data::Empty)) {
                continue;
            }
            table.problems.entry((row_index, col_index)).or_insert_with(|| Problem {
                message: {
                    let cell = format!("{}{}", column_letter(col_index), row_index + 1);
                    crate::tr(
                        format!("单元格{cell}是公式“={formula}”，但文件中没有计算结果（保存文件的程序不计算公式）；请用 Excel 或 WPS 打开后保存，或直接填写数值"),
                        format!("cell {cell} holds the formula `={formula}` but no computed value (the file was saved by a program that does not calculate formulas); open and save it in Excel or WPS, or type the figure"),
                    )
                },
                merged_from: None,
            });
        }
    }
    // A region merged over several rows holds its value in its first row only: the cells below it
    // (blank when read) cannot be read for their rows. A blank region reads blank in every row, as
    // it shows; rows below the last value (a region may reach the sheet's end) are not read.
    let (last_row, last_col) = range.end().unwrap_or((0, 0));
    let holds_value = |d: &Dimensions| !matches!(range.get_value(d.start), None | Some(Data::Empty));
    for d in merged.iter().filter(|d| d.end.0 > d.start.0 && holds_value(d)) {
        let first = format!("{}{}", column_letter(d.start.1 as usize), d.start.0 as usize + 1);
        let region = format!("{first}:{}{}", column_letter(d.end.1 as usize), d.end.0 as usize + 1);
        for row_index in d.start.0 as usize + 1..=d.end.0.min(last_row) as usize {
            for col_index in d.start.1 as usize..=d.end.1.min(last_col) as usize {
                table.problems.entry((row_index, col_index)).or_insert_with(|| Problem {
                    message: {
                        let cell = format!("{}{}", column_letter(col_index), row_index + 1);
                        let row = d.start.0 as usize + 1;
                        crate::tr(
                            format!("单元格{cell}位于合并单元格{region}内，合并单元格的值只在{first}，只属于第{row}行；请取消合并，在每一行分别填写"),
                            format!("cell {cell} is inside the merged cells {region}, whose value stands in {first} for row {row} only; unmerge the cells and write the value in every row"),
                        )
                    },
                    merged_from: Some(d.start.0 as usize),
                });
            }
        }
    }
    // Rows that only problems reach (a formula without a value below the values) are rows too.
    if let Some(((last, _), _)) = table.problems.last_key_value()
        && table.rows.len() <= *last
    {
        table.rows.resize(last + 1, Vec::new());
    }
    Ok(table)
}

/// A cell's text, and what is wrong with it when it holds no figure to read.
fn read_cell(cell: &Data, at: &dyn Fn() -> String) -> (String, Option<String>) {
    match cell {
        Data::Empty => (String::new(), None),
        Data::String(s) => (s.clone(), None),
        Data::Int(i) => (i.to_string(), None),
        Data::Float(f) => {
            match jixiao::inputs::float::decimal_from_f64_or(*f, jixiao::inputs::FloatAdvice::RoundInTheSheet) {
                Ok(d) => (d.to_string(), None),
                Err(m) => (
                    f.to_string(),
                    Some(format!(
                        "{}{}{}",
                        at(),
                        crate::tr("：", ": "),
                        m.message(crate::message_lang())
                    )),
                ),
            }
        }
        Data::Bool(b) => (b.to_string(), None),
        Data::DateTime(d) => (
            d.to_string(),
            Some(crate::tr(
                format!(
                    "{}是日期或时间（Excel 日期序号{d}），不是数值；请把单元格格式设为“常规”或“数值”后填写数值",
                    at()
                ),
                format!(
                    "{} holds a date or time (Excel's day number {d}), not a figure; format the cell as a number (常规 or 数值) and type the figure",
                    at()
                ),
            )),
        ),
        Data::DateTimeIso(s) | Data::DurationIso(s) => (
            s.clone(),
            Some(crate::tr(
                format!(
                    "{}是日期或时间（{s}），不是数值；请把单元格格式设为“数值”后填写数值",
                    at()
                ),
                format!(
                    "{} holds a date or time ({s}), not a figure; format the cell as a number and type the figure",
                    at()
                ),
            )),
        ),
        Data::Error(e) => (
            String::new(),
            Some(crate::tr(
                format!("{}是 Excel 错误值{e}；请更正公式或直接填写数值", at()),
                format!(
                    "{} holds the Excel error {e}; correct the formula or type the figure",
                    at()
                ),
            )),
        ),
    }
}

/// The merged regions of the first worksheet (the formats that keep them: .xlsx and .xls).
fn merged_regions<RS: std::io::Read + std::io::Seek>(workbook: &mut Sheets<RS>) -> Vec<Dimensions> {
    match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_id(0).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_id(0).unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// Writes a table (header + rows) to a new workbook (built by the engine's `jixiao::xlsx`).
pub fn write_table(path: &Path, title: &str, header: &[String], rows: &[Vec<String>]) -> Result<()> {
    let bytes = jixiao::xlsx::table_workbook(title, header, rows).map_err(|e| crate::cannot_write(path, &e))?;
    std::fs::write(path, bytes).map_err(|e| crate::cannot_write(path, &e))
}
