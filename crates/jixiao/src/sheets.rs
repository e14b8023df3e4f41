//! Spreadsheets read as grids of cell texts (feature `sheets`, calamine): the one reading that the
//! `jixiao` command (files on disk) and the calculator page's files module (bytes in the browser)
//! share.
//!
//! Excel stores numbers as binary doubles. A numeric cell is read by the engine's one float policy
//! ([`crate::inputs::float`]): the decimal its shortest round-trip text writes (`0.1` stays `0.1`),
//! while a double showing binary noise (`=0.06+0.84` holds 0.8999999999999999) is refused with the
//! figure it was probably meant to be.
//!
//! A cell that holds no figure to read is a problem of that cell, never of the whole sheet, and
//! never read as something else: a date (Excel keeps it as a day count), an Excel error
//! (`#DIV/0!`), a formula without a computed value (a file written by a program that does not
//! calculate), and a cell covered by a merged region below its first row (the value stands in the
//! first row only). Every problem is worded in Chinese and English; the caller picks.

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{
    Data, Dimensions, Ods, Range, Reader, Sheets, Xls, Xlsb, Xlsx, open_workbook_auto_from_rs, open_workbook_from_rs,
};

use crate::explain::Lang;
use crate::inputs::FloatAdvice;
use crate::inputs::table::column_letter;

/// A worksheet's rows as cell texts (A1 at index 0, 0: blank rows and leading blank columns kept),
/// and the cells that hold no figure to read.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// The rows.
    pub rows: Vec<Vec<String>>,
    /// What is wrong with a cell, by (row index, column index).
    pub problems: BTreeMap<(usize, usize), CellProblem>,
}

/// Why a cell holds no figure to read, naming the cell (`单元格B3…`, `cell B3 …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellProblem {
    /// In Chinese.
    pub zh: String,
    /// In English.
    pub en: String,
    /// For a cell under a merged region, the row index of the region's first row.
    pub merged_from: Option<usize>,
}

impl CellProblem {
    /// The message in a language.
    pub fn message(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A workbook that cannot be read, with what calamine said.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SheetError {
    /// Not a spreadsheet the reader knows (or a damaged one).
    Open(String),
    /// A workbook without a worksheet.
    NoSheet,
    /// The first worksheet does not read.
    Read(String),
}

impl SheetError {
    /// The message in a language, after the file's name and a colon.
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (SheetError::Open(e), Lang::Zh) => format!("无法作为电子表格打开（{e}）"),
            (SheetError::Open(e), Lang::En) => format!("cannot open as a spreadsheet: {e}"),
            (SheetError::NoSheet, Lang::Zh) => "工作簿中没有工作表".into(),
            (SheetError::NoSheet, Lang::En) => "the workbook has no worksheet".into(),
            (SheetError::Read(e), Lang::Zh) => format!("无法读取第一个工作表（{e}）"),
            (SheetError::Read(e), Lang::En) => format!("cannot read the first worksheet: {e}"),
        }
    }
}

/// Opens a workbook from its bytes: by its extension (`xlsx`, `xls`, `ods`, ...) when known, as
/// calamine does for a path, else by trying each format.
fn open<'b>(bytes: &'b [u8], extension: Option<&str>) -> Result<Sheets<Cursor<&'b [u8]>>, calamine::Error> {
    let data = Cursor::new(bytes);
    Ok(match extension.map(str::to_ascii_lowercase).as_deref() {
        Some("xls" | "xla") => Sheets::Xls(open_workbook_from_rs::<Xls<_>, _>(data).map_err(calamine::Error::Xls)?),
        Some("xlsx" | "xlsm" | "xlam") => {
            Sheets::Xlsx(open_workbook_from_rs::<Xlsx<_>, _>(data).map_err(calamine::Error::Xlsx)?)
        }
        Some("xlsb") => Sheets::Xlsb(open_workbook_from_rs::<Xlsb<_>, _>(data).map_err(calamine::Error::Xlsb)?),
        Some("ods") => Sheets::Ods(open_workbook_from_rs::<Ods<_>, _>(data).map_err(calamine::Error::Ods)?),
        _ => open_workbook_auto_from_rs(data)?,
    })
}

/// `单元格B3` / `cell B3`.
fn cell_name(row: usize, col: usize) -> String {
    format!("{}{}", column_letter(col), row + 1)
}

/// The first worksheet of a workbook (its bytes; `extension` chooses the format when given) as a
/// grid of cell texts, with the cells that hold no figure to read.
pub fn read_first_sheet(bytes: &[u8], extension: Option<&str>) -> Result<Grid, SheetError> {
    let mut workbook = open(bytes, extension).map_err(|e| SheetError::Open(e.to_string()))?;
    read_sheet_at(&mut workbook, 0)?.ok_or(SheetError::NoSheet)
}

/// Every worksheet of a workbook, by name, in the workbook's order (a sheet that does not read is
/// an error, as the first one is).
pub fn read_sheets(bytes: &[u8], extension: Option<&str>) -> Result<Vec<(String, Grid)>, SheetError> {
    let mut workbook = open(bytes, extension).map_err(|e| SheetError::Open(e.to_string()))?;
    let names = workbook.sheet_names();
    let mut sheets = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        if let Some(grid) = read_sheet_at(&mut workbook, i)? {
            sheets.push((name, grid));
        }
    }
    if sheets.is_empty() {
        return Err(SheetError::NoSheet);
    }
    Ok(sheets)
}

/// The worksheet at `index` (none when there is no such sheet).
fn read_sheet_at<RS: std::io::Read + std::io::Seek>(
    workbook: &mut Sheets<RS>,
    index: usize,
) -> Result<Option<Grid>, SheetError> {
    let Some(range) = workbook.worksheet_range_at(index) else {
        return Ok(None);
    };
    let range = range.map_err(|e| SheetError::Read(e.to_string()))?;
    let formulas = match workbook.sheet_names().get(index) {
        Some(name) => workbook.worksheet_formula(&name.clone()).ok(),
        None => None,
    };
    let merged = merged_regions(workbook, index);
    let (top, left) = range.start().unwrap_or((0, 0));
    let (top, left) = (top as usize, left as usize);
    let mut grid = Grid {
        rows: vec![Vec::new(); top],
        problems: BTreeMap::new(),
    };
    for (r, row) in range.rows().enumerate() {
        let row_index = top + r;
        // Leading empty columns of the sheet are not part of the range: pad to keep A1 positions.
        let mut cells = vec![String::new(); left];
        for (c, cell) in row.iter().enumerate() {
            let col_index = left + c;
            let (text, problem) = read_cell(cell, &cell_name(row_index, col_index));
            if let Some((zh, en)) = problem {
                let problem = CellProblem {
                    zh,
                    en,
                    merged_from: None,
                };
                grid.problems.insert((row_index, col_index), problem);
            }
            cells.push(text);
        }
        grid.rows.push(cells);
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
            let cell = cell_name(row_index, col_index);
            grid.problems.entry((row_index, col_index)).or_insert_with(|| CellProblem {
                zh: format!("单元格{cell}是公式“={formula}”，但文件中没有计算结果（保存文件的程序不计算公式）；请用 Excel 或 WPS 打开后保存，或直接填写数值"),
                en: format!("cell {cell} holds the formula `={formula}` but no computed value (the file was saved by a program that does not calculate formulas); open and save it in Excel or WPS, or type the figure"),
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
        let first = cell_name(d.start.0 as usize, d.start.1 as usize);
        let region = format!("{first}:{}", cell_name(d.end.0 as usize, d.end.1 as usize));
        for row_index in d.start.0 as usize + 1..=d.end.0.min(last_row) as usize {
            for col_index in d.start.1 as usize..=d.end.1.min(last_col) as usize {
                let cell = cell_name(row_index, col_index);
                let row = d.start.0 as usize + 1;
                grid.problems.entry((row_index, col_index)).or_insert_with(|| CellProblem {
                    zh: format!("单元格{cell}位于合并单元格{region}内，合并单元格的值只在{first}，只属于第{row}行；请取消合并，在每一行分别填写"),
                    en: format!("cell {cell} is inside the merged cells {region}, whose value stands in {first} for row {row} only; unmerge the cells and write the value in every row"),
                    merged_from: Some(d.start.0 as usize),
                });
            }
        }
    }
    // Rows that only problems reach (a formula without a value below the values) are rows too.
    if let Some(((last, _), _)) = grid.problems.last_key_value()
        && grid.rows.len() <= *last
    {
        grid.rows.resize(last + 1, Vec::new());
    }
    Ok(Some(grid))
}

/// A cell's text, and what is wrong with it (Chinese, English) when it holds no figure to read.
fn read_cell(cell: &Data, at: &str) -> (String, Option<(String, String)>) {
    match cell {
        Data::Empty => (String::new(), None),
        Data::String(s) => (s.clone(), None),
        Data::Int(i) => (i.to_string(), None),
        Data::Float(f) => match crate::inputs::float::decimal_from_f64_or(*f, FloatAdvice::RoundInTheSheet) {
            Ok(d) => (d.to_string(), None),
            Err(m) => (
                f.to_string(),
                Some((
                    format!("单元格{at}：{}", m.message(Lang::Zh)),
                    format!("cell {at}: {}", m.message(Lang::En)),
                )),
            ),
        },
        Data::Bool(b) => (b.to_string(), None),
        Data::DateTime(d) => (
            d.to_string(),
            Some((
                format!(
                    "单元格{at}是日期或时间（Excel 日期序号{d}），不是数值；请把单元格格式设为“常规”或“数值”后填写数值"
                ),
                format!(
                    "cell {at} holds a date or time (Excel's day number {d}), not a figure; format the cell as a number (常规 or 数值) and type the figure"
                ),
            )),
        ),
        Data::DateTimeIso(s) | Data::DurationIso(s) => (
            s.clone(),
            Some((
                format!("单元格{at}是日期或时间（{s}），不是数值；请把单元格格式设为“数值”后填写数值"),
                format!(
                    "cell {at} holds a date or time ({s}), not a figure; format the cell as a number and type the figure"
                ),
            )),
        ),
        Data::Error(e) => (
            String::new(),
            Some((
                format!("单元格{at}是 Excel 错误值{e}；请更正公式或直接填写数值"),
                format!("cell {at} holds the Excel error {e}; correct the formula or type the figure"),
            )),
        ),
    }
}

/// The merged regions of the worksheet at `index` (the formats that keep them: .xlsx and .xls).
fn merged_regions<RS: std::io::Read + std::io::Seek>(workbook: &mut Sheets<RS>, index: usize) -> Vec<Dimensions> {
    match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_id(index).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_id(index).unwrap_or_default(),
        _ => Vec::new(),
    }
}
