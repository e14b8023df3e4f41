//! Cells that hold no figure to read, and row numbers as the user sees them: an Excel date, an
//! Excel error, a formula without a computed value, a cell under a merged region and a number
//! showing binary noise are each an error for their row (file, row, cell, what and what to do)
//! while the other rows are scored; CSV rows are numbered as a spreadsheet shows them, blank lines
//! and line breaks inside quoted cells included.
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use common::{SIMPLE, SimpleUnit, assert_clean, fatal, read_csv, run, stderr, stdout, tempdir, write};
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};

const HEADER: [&str; 6] = ["单位", "编制数", "在职人员数", "年初预算", "年末结余", "违规次数"];

/// Runs a batch; returns (exit status, stderr).
fn batch(dir: &Path, input: &str) -> (i32, String) {
    let o = run(
        dir,
        &["batch", "--system", "simple.json", "--input", input, "--out", "r.csv"],
    );
    let err = stderr(&o);
    assert_clean(&err);
    assert_eq!(stdout(&o), "");
    (o.status.code().expect("exit status"), err)
}

/// A sheet of `n` units (U000 on row 2), as numbers.
fn units(sheet: &mut Worksheet, n: u32) {
    for (c, h) in HEADER.iter().enumerate() {
        sheet.write_string(0, u16::try_from(c).unwrap(), *h).unwrap();
    }
    for i in 0..n {
        sheet.write_string(i + 1, 0, format!("U{i:03}")).unwrap();
        for (c, cell) in SimpleUnit::nth(u64::from(i)).cells().iter().enumerate() {
            sheet
                .write_number(i + 1, u16::try_from(c + 1).unwrap(), cell.parse::<f64>().unwrap())
                .unwrap();
        }
    }
}

#[test]
fn cells_without_a_figure_fail_their_row_only() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    units(sheet, 9);
    // U001 (row 3): 年初预算 typed as a date (Excel keeps the day number 45352, which used to be read).
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let day = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
    sheet.write_datetime_with_format(2, 3, &day, &date).unwrap();
    // U002 (row 4): 年末结余 a formula saved without its value, as a program that does not
    // calculate saves it (used to be read as blank). rust_xlsxwriter always writes a value: the
    // sheet's XML is edited below.
    sheet.set_formula_result_default("");
    sheet.write_formula(3, 4, "=D4*0").unwrap();
    // U007 (row 9): 违规次数 a formula whose value is "" (an IF leaving the cell blank): the input
    // is not given (its default, 0, applies), and that is no problem.
    sheet.write_formula(8, 5, "=IF(TRUE,\"\",1)").unwrap();
    // U003 (row 5): 违规次数 a #DIV/0! (used to abort the whole batch).
    sheet
        .write_formula(4, 5, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    // U004 and U005 (rows 6 and 7): 年末结余 merged over both rows (U005's used to be read as blank).
    sheet.merge_range(5, 4, 6, 4, "", &Format::new()).unwrap();
    sheet
        .write_number(5, 4, SimpleUnit::nth(4).cells()[3].parse::<f64>().unwrap())
        .unwrap();
    // U006 (row 8): 年末结余 computed in floating point: 0.1 + 0.2 (used to be read as 0.3).
    sheet
        .write_formula(7, 4, Formula::new("=0.1+0.2").set_result("0.30000000000000004"))
        .unwrap();
    let bytes = with_sheet_xml(workbook.save_to_buffer().unwrap(), |xml| {
        xml.replacen(r#" t="str"><f>D4*0</f><v></v>"#, "><f>D4*0</f>", 1)
    });
    std::fs::write(dir.path().join("cells.xlsx"), bytes).unwrap();

    let (code, err) = batch(dir.path(), "cells.xlsx");
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "cells.xlsx row 3 (U001): cell D3 holds a date or time (Excel's day number 45352), not a figure; format the cell as a number (常规 or 数值) and type the figure",
            "cells.xlsx row 4 (U002): cell E4 holds the formula `=D4*0` but no computed value (the file was saved by a program that does not calculate formulas); open and save it in Excel or WPS, or type the figure",
            "cells.xlsx row 5 (U003): cell F5 holds the Excel error #DIV/0!; correct the formula or type the figure",
            "cells.xlsx row 7 (U005): cell E7 is inside the merged cells E6:E7, whose value stands in E6 for row 6 only; unmerge the cells and write the value in every row",
            "cells.xlsx row 8 (U006): cell E8: 0.30000000000000004 looks like binary floating-point noise (did you mean 0.3?); round it in the sheet (=ROUND(…, 2)) or type the figure",
            "4 units scored, 5 failed → r.csv",
        ]
    );
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows.len(), 10);
    let total = rows[0].iter().position(|h| h == "总分").unwrap();
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row[0], (i + 2).to_string(), "Excel row numbers");
        let failed = [1, 2, 3, 5, 6].contains(&i);
        assert_eq!(row[total].is_empty(), failed, "row {}: {row:?}", i + 2);
        if !failed {
            SimpleUnit::nth(i as u64).expected().check_row(row, "cells.xlsx");
        }
    }
}

/// The workbook's bytes with its first sheet's XML edited by `edit` (which must change it).
fn with_sheet_xml(bytes: Vec<u8>, edit: impl Fn(&str) -> String) -> Vec<u8> {
    use std::io::{Cursor, Read, Write};
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().to_string();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if name == "xl/worksheets/sheet1.xml" {
            let xml = String::from_utf8(data).unwrap();
            let edited = edit(&xml);
            assert_ne!(edited, xml, "the edit found nothing to change");
            data = edited.into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// A merged title above the header, header cells merged down over two rows, and cells beside the
/// read columns (notes, ignored) are no problem: only the cells that are read, below the header,
/// can fail a row. (A guard for the problems found by the reader: this sheet was read right before.)
#[test]
fn problems_outside_the_read_cells_are_no_problem() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .merge_range(0, 0, 1, 6, "2024年部门基础数据表", &Format::new())
        .unwrap();
    // The header on row 3, each cell merged down over rows 3 and 4.
    for (c, h) in HEADER.iter().chain(&["备注"]).enumerate() {
        let c = u16::try_from(c).unwrap();
        sheet.merge_range(2, c, 3, c, h, &Format::new()).unwrap();
    }
    for i in 0..3u32 {
        sheet.write_string(i + 4, 0, format!("U{i:03}")).unwrap();
        for (c, cell) in SimpleUnit::nth(u64::from(i)).cells().iter().enumerate() {
            sheet
                .write_number(i + 4, u16::try_from(c + 1).unwrap(), cell.parse::<f64>().unwrap())
                .unwrap();
        }
    }
    sheet
        .write_formula(4, 6, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    sheet.merge_range(5, 6, 6, 6, "同上", &Format::new()).unwrap();
    workbook.save(dir.path().join("notes.xlsx")).unwrap();
    let o = run(
        dir.path(),
        &[
            "batch",
            "--system",
            "simple.json",
            "--input",
            "notes.xlsx",
            "--out",
            "r.csv",
            "--ignore-column",
            "备注",
        ],
    );
    assert_eq!(stderr(&o), "3 units scored, 0 failed → r.csv\n");
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows.len(), 4);
    for (i, row) in rows[1..].iter().enumerate() {
        assert_eq!(row[0], (i + 5).to_string());
        SimpleUnit::nth(i as u64).expected().check_row(row, "notes.xlsx");
    }
}

/// `jixiao score` of one unit in a workbook: a date where a figure should be is refused, naming the
/// cell, rather than scored as its day number.
#[test]
fn score_refuses_a_date_cell() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    units(sheet, 1);
    let day = ExcelDateTime::from_ymd(2024, 3, 1).unwrap();
    sheet
        .write_datetime_with_format(1, 3, &day, &Format::new().set_num_format("yyyy-mm-dd"))
        .unwrap();
    workbook.save(dir.path().join("one.xlsx")).unwrap();
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "one.xlsx"]),
        "error: one.xlsx row 2: cell D2 holds a date or time (Excel's day number 45352), not a figure; format the cell as a number (常规 or 数值) and type the figure"
    );
}

/// Row numbers are those a spreadsheet shows: blank lines count (the csv crate skips them, and the
/// rows after one used to be numbered one too low), line breaks inside a quoted cell do not.
#[test]
fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let line = |id: &str, i: u64| format!("{id},{}\n", SimpleUnit::nth(i).cells().join(","));
    let mut text = format!("{}\n", HEADER.join(","));
    text += &line("U000", 0); // row 2
    text += "\n"; // row 3, blank
    text += &line("\"U\n001\"", 1); // row 4 (lines 4 and 5)
    text += &line("U002", 2).replace(",1000,", ",一千,"); // row 5 (line 6)
    write(dir.path(), "gaps.csv", &text);
    let (code, err) = batch(dir.path(), "gaps.csv");
    assert_eq!(code, 1, "{err}");
    assert!(err.starts_with("gaps.csv row 5 (U002): input `年初预算`"), "{err}");
    let rows = read_csv(&dir.path().join("r.csv"));
    let numbers: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(numbers, ["2", "4", "5"]);

    // One unit, name and value per row: the row named is the spreadsheet's.
    // (The last line without a line break after it.)
    write(dir.path(), "one.csv", "编制数,100\n\n编制人数,101");
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "one.csv"]),
        "error: one.csv row 3: `编制人数` is not a declared input of `test-simple`"
    );
}
