//! `jixiao batch`: CSV and Excel in and out, rows recomputed by hand (and with `jixiao::Scorer` for
//! the seed system), bad rows reported with their row number and unit id while the rest are scored,
//! exit status 1 when any row failed, Chinese headers, `--id-column`, `--ignore-column`, `--lang en`.
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use calamine::Data;
use common::{
    SEED, SIMPLE, SIMPLE_RESULT_HEADER, SimpleUnit, assert_clean, cell_text, csv_line, data_text, display_name, fatal,
    read_csv, read_xlsx, run, seed_example, stderr, stdout, tempdir, write,
};
use jixiao::{InputValue, Inputs};
use rust_xlsxwriter::Workbook;

const INPUT_HEADER: [&str; 6] = [
    "单位",
    "编制数（人）",
    "在职人员数（人）",
    "年初预算（万元）",
    "年末结余（万元）",
    "违规次数",
];

/// Units `U000`..: row n of the file (after the header) is `SimpleUnit::nth(n)`.
fn simple_csv(n: u64, bad: &[(u64, usize, &str)]) -> String {
    let mut text = csv_line(&INPUT_HEADER.map(String::from));
    for i in 0..n {
        let mut cells = vec![format!("U{i:03}")];
        cells.extend(SimpleUnit::nth(i).cells());
        for (row, col, value) in bad {
            if *row == i {
                cells[*col] = (*value).to_string();
            }
        }
        text.push_str(&csv_line(&cells));
    }
    text
}

/// Runs a batch; returns (exit status, stderr).
fn batch(dir: &Path, args: &[&str]) -> (i32, String) {
    let mut all = vec!["batch"];
    all.extend_from_slice(args);
    let o = run(dir, &all);
    let err = stderr(&o);
    assert_clean(&err);
    assert_eq!(stdout(&o), "", "batch prints nothing on stdout");
    (o.status.code().expect("exit status"), err)
}

#[test]
fn csv_to_csv_rows_recomputed_by_hand_with_bad_rows() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    // Row 5 (file line 7): a non-numeric 年末结余; row 9 (line 11): 编制数 0, below its minimum.
    let text = simple_csv(40, &[(5, 4, "一百"), (9, 1, "0")]);
    write(dir.path(), "units.csv", &text);
    let (code, err) = batch(
        dir.path(),
        &[
            "--system",
            "simple.json",
            "--input",
            "units.csv",
            "--out",
            "results.csv",
        ],
    );
    assert_eq!(code, 1, "some rows failed: {err}");
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "units.csv row 7 (U005): input `年末结余`: `一百` is not a decimal number (expected digits such as `82.39` or `95%`)",
            "units.csv row 11 (U009): input `编制数`: 0 is outside the allowed range [1, +∞]",
            "38 units scored, 2 failed → results.csv",
        ]
    );
    let rows = read_csv(&dir.path().join("results.csv"));
    assert_eq!(rows[0], SIMPLE_RESULT_HEADER);
    assert_eq!(rows.len(), 41, "header + one row per unit, bad ones included");
    for (i, row) in rows[1..].iter().enumerate() {
        let i = i as u64;
        assert_eq!(row[0], (i + 2).to_string(), "行号 is the line of the input file");
        assert_eq!(row[1], format!("U{i:03}"), "单位");
        match i {
            5 => {
                assert!(row[2..9].iter().all(String::is_empty), "{row:?}");
                assert_eq!(
                    row[9],
                    "input `年末结余`: `一百` is not a decimal number (expected digits such as `82.39` or `95%`)"
                );
            }
            9 => {
                assert!(row[2..9].iter().all(String::is_empty), "{row:?}");
                assert_eq!(row[9], "input `编制数`: 0 is outside the allowed range [1, +∞]");
            }
            _ => SimpleUnit::nth(i).expected().check_row(row, &format!("unit {i}")),
        }
    }
    // A few rows spelled out: U001 (在职 101 → 9; 结余 7 → 9.93; 违规 1 → 4) = 22.93 优.
    assert_eq!(
        rows[2],
        ["3", "U001", "9.00", "9.00", "13.93", "9.93", "4.00", "22.93", "优", ""]
    );
    // U014: 在职 114 → 0; 结余 98 → 9.02; 违规 0 → 5 = 14.02 差.
    assert_eq!(
        rows[15],
        ["16", "U014", "0.00", "0.00", "14.02", "9.02", "5.00", "14.02", "差", ""]
    );
}

#[test]
fn all_rows_good_exit_0() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(dir.path(), "units.csv", &simple_csv(25, &[]));
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "units.csv", "--out", "r.csv"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        err, "25 units scored, 0 failed → r.csv\n",
        "no progress bar when stderr is not a terminal"
    );
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows.len(), 26);
    // The result CSV starts with a byte-order mark so that Excel reads its Chinese headers.
    let bytes = std::fs::read(dir.path().join("r.csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}行号,单位,".as_bytes()));
}

fn write_simple_xlsx(path: &Path, n: u64, bad: &[(u64, u16, &str)], ids: impl Fn(u64) -> String) {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, h) in INPUT_HEADER.iter().enumerate() {
        sheet.write_string(0, u16::try_from(c).unwrap(), *h).unwrap();
    }
    for i in 0..n {
        let r = u32::try_from(i + 1).unwrap();
        sheet.write_string(r, 0, ids(i)).unwrap();
        for (c, cell) in SimpleUnit::nth(i).cells().iter().enumerate() {
            let c = u16::try_from(c + 1).unwrap();
            match bad.iter().find(|(row, col, _)| *row == i && *col == c) {
                Some((_, _, text)) => sheet.write_string(r, c, *text).unwrap(),
                None => sheet.write_number(r, c, cell.parse::<f64>().unwrap()).unwrap(),
            };
        }
    }
    workbook.save(path).unwrap();
}

fn number(d: &Data) -> jixiao::Decimal {
    match d {
        Data::Float(f) => common::dec(&format!("{f}")),
        Data::Int(i) => jixiao::Decimal::from(*i),
        other => panic!("not a number cell: {other:?}"),
    }
}

#[test]
fn xlsx_to_xlsx() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write_simple_xlsx(&dir.path().join("units.xlsx"), 30, &[(3, 5, "三次")], |i| {
        format!("单位{i}")
    });
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "units.xlsx", "--out", "r.xlsx"],
    );
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "units.xlsx row 5 (单位3): input `违规次数`: `三次` is not a decimal number (expected digits such as `82.39` or `95%`)",
            "29 units scored, 1 failed → r.xlsx",
        ]
    );
    let rows = read_xlsx(&dir.path().join("r.xlsx"));
    let header: Vec<String> = rows[0].iter().map(data_text).collect();
    assert_eq!(header, SIMPLE_RESULT_HEADER);
    assert_eq!(rows.len(), 31);
    for (i, row) in rows[1..].iter().enumerate() {
        let i = i as u64;
        assert_eq!(number(&row[0]), jixiao::Decimal::from(i + 2), "行号 is the Excel row");
        assert_eq!(row[1], Data::String(format!("单位{i}")));
        if i == 3 {
            assert_eq!(
                data_text(&row[9]),
                "input `违规次数`: `三次` is not a decimal number (expected digits such as `82.39` or `95%`)"
            );
            continue;
        }
        let e = SimpleUnit::nth(i).expected();
        assert_eq!(number(&row[3]), e.s11, "unit {i}");
        assert_eq!(number(&row[5]), e.s21, "unit {i}");
        assert_eq!(number(&row[6]), e.s22, "unit {i}");
        assert_eq!(number(&row[7]), e.total, "unit {i}: the total is a number cell");
        assert_eq!(row[8], Data::String(e.grade.into()));
        assert!(matches!(row.get(9), None | Some(Data::Empty)), "{row:?}");
    }
}

#[test]
fn csv_to_xlsx_and_xlsx_to_csv() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(dir.path(), "units.csv", &simple_csv(12, &[]));
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "units.csv", "--out", "r.xlsx"],
    );
    assert_eq!(code, 0, "{err}");
    let from_csv = read_xlsx(&dir.path().join("r.xlsx"));
    write_simple_xlsx(&dir.path().join("units.xlsx"), 12, &[], |i| format!("U{i:03}"));
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "units.xlsx", "--out", "r.csv"],
    );
    assert_eq!(code, 0, "{err}");
    let from_xlsx = read_csv(&dir.path().join("r.csv"));
    assert_eq!(from_csv.len(), from_xlsx.len());
    assert_eq!(from_csv[0].iter().map(data_text).collect::<Vec<_>>(), from_xlsx[0]);
    for (a, b) in from_csv.iter().zip(&from_xlsx).skip(1) {
        // Excel holds the numbers (shown at their stated places by the cell format); the CSV
        // writes the stated figures: the same values.
        let a: Vec<String> = a.iter().map(data_text).collect();
        assert_eq!(&a[..2], &b[..2]);
        for (x, y) in a[2..8].iter().zip(&b[2..8]) {
            assert_eq!(common::dec(x), common::dec(y), "{a:?} / {b:?}");
        }
        assert_eq!(a[8], b[8]);
    }
}

/// Unit codes are text: `001` must stay `001` in the Excel results, not become the number 1.
#[test]
fn xlsx_results_keep_unit_codes_as_text() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let mut text = csv_line(&INPUT_HEADER.map(String::from));
    for (i, code) in ["001", "0002", "110101"].iter().enumerate() {
        let mut cells = vec![(*code).to_string()];
        cells.extend(SimpleUnit::nth(i as u64).cells());
        text.push_str(&csv_line(&cells));
    }
    write(dir.path(), "codes.csv", &text);
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "codes.csv", "--out", "r.xlsx"],
    );
    assert_eq!(code, 0, "{err}");
    let rows = read_xlsx(&dir.path().join("r.xlsx"));
    let ids: Vec<&Data> = rows[1..].iter().map(|r| &r[1]).collect();
    assert_eq!(
        ids,
        [
            &Data::String("001".into()),
            &Data::String("0002".into()),
            &Data::String("110101".into())
        ],
        "unit codes turned into numbers"
    );
}

/// The seed system, units varied around its example, each row recomputed with `jixiao::Scorer`.
#[test]
fn seed_system_rows_match_the_engine() {
    let dir = tempdir();
    let b = jixiao::builtin(SEED).unwrap();
    let system = b.system().unwrap();
    let scorer = b.scorer().unwrap();
    let example = seed_example();
    let mut header = vec!["部门名称".to_string()];
    header.extend(example.iter().map(|(n, _)| display_name(&system, n)));
    let mut text = csv_line(&header);
    let mut expected = Vec::new();
    for k in 0..8u32 {
        // 部门0 is the seed; then 年末结余, 本年追加 and 公用经费实际支出数 fall.
        let mut inputs = Inputs::new();
        let mut row = vec![format!("部门{k}")];
        for (name, value) in &example {
            let cell = match name.as_str() {
                "年末结余" => (681 - 90 * k).to_string(),
                "本年追加" => (899 - 110 * k).to_string(),
                "公用经费实际支出数" => (453 - 3 * k).to_string(),
                _ => cell_text(value),
            };
            inputs.set(name.clone(), InputValue::Text(cell.clone()));
            row.push(cell);
        }
        text.push_str(&csv_line(&row));
        expected.push(scorer.evaluate(&inputs).unwrap());
    }
    write(dir.path(), "depts.csv", &text);
    let (code, err) = batch(
        dir.path(),
        &["--system", SEED, "--input", "depts.csv", "--out", "r.csv"],
    );
    assert_eq!(code, 0, "{err}");
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows.len(), 9);
    let h = &rows[0];
    assert_eq!(h[0], "行号");
    assert_eq!(h[1], "单位");
    assert!(h.contains(&"2.1.1 预算完成率".to_string()));
    // The seed declares consistency checks: their failures go to 提示.
    assert_eq!(h[h.len() - 4..], ["总分", "等次", "错误", "提示"]);
    for (k, (row, e)) in rows[1..].iter().zip(&expected).enumerate() {
        assert_eq!(row[1], format!("部门{k}"));
        for (col, name) in h.iter().enumerate().skip(2).take(h.len() - 6) {
            let id = name.split(' ').next().unwrap();
            let r = e.indicator(id).unwrap_or_else(|| panic!("{id}"));
            assert_eq!(common::dec(&row[col]), r.score, "部门{k} {name}");
        }
        assert_eq!(common::dec(&row[h.len() - 4]), e.total, "部门{k} 总分");
        assert_eq!(row[h.len() - 3], &*e.grade, "部门{k} 等次");
        assert_eq!(row[h.len() - 2], "");
        // 提示 names exactly the checks the full evaluation finds failed.
        let failed: Vec<&str> = e
            .checks
            .iter()
            .filter(|c| c.passed == Some(false))
            .map(|c| &*c.id)
            .collect();
        for id in &failed {
            assert!(
                row[h.len() - 1].contains(&format!("勾稽关系{id}")),
                "部门{k}: {:?}",
                row
            );
        }
        assert_eq!(row[h.len() - 1].is_empty(), failed.is_empty(), "部门{k}: {:?}", row);
    }
    // 部门0 is the seed itself.
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    assert_eq!(rows[1][col("2.1.1 预算完成率")], "2.00");
    assert_eq!(rows[1][col("2.1.2 预算调整率")], "0.00");
    assert_eq!(rows[1][col("总分")], "91.73");
    assert_eq!(rows[1][col("等次")], "优秀");
}

#[test]
fn id_column_and_ignore_column() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let mut text = csv_line(
        &[
            "序号",
            "单位名称",
            "编制数（人）",
            "在职人员数（人）",
            "年初预算（万元）",
            "年末结余（万元）",
            "违规次数",
            "备注",
        ]
        .map(String::from),
    );
    for i in 0..5u64 {
        let mut cells = vec![(i + 1).to_string(), format!("第{i}局")];
        cells.extend(SimpleUnit::nth(i).cells());
        cells.push(if i == 2 { "已核实".into() } else { String::new() });
        text.push_str(&csv_line(&cells));
    }
    write(dir.path(), "t.csv", &text);
    // Without options, 单位名称 names the units, and 序号, 备注 are unknown columns: a first column
    // that names nothing is never silently taken for the unit names.
    let line = fatal(
        dir.path(),
        &["batch", "--system", "simple.json", "--input", "t.csv", "--out", "r.csv"],
    );
    assert!(
        line.starts_with("error: t.csv: `序号`, `备注` are not declared inputs of `test-simple`"),
        "{line}"
    );
    assert!(
        line.ends_with("(use --id-column for the column of unit names, --ignore-column to skip a column)"),
        "{line}"
    );

    let check = |rows: &[Vec<String>], id: &dyn Fn(u64) -> String| {
        assert_eq!(rows.len(), 6);
        for (i, row) in rows[1..].iter().enumerate() {
            assert_eq!(row[1], id(i as u64));
            SimpleUnit::nth(i as u64).expected().check_row(row, "t.csv");
        }
    };
    let (code, err) = batch(
        dir.path(),
        &[
            "--system",
            "simple.json",
            "--input",
            "t.csv",
            "--out",
            "r1.csv",
            "--id-column",
            "单位名称",
            "--ignore-column",
            "序号",
            "--ignore-column",
            "备注",
        ],
    );
    assert_eq!(code, 0, "{err}");
    check(&read_csv(&dir.path().join("r1.csv")), &|i| format!("第{i}局"));
    // Ignoring 序号 lets the known header 单位名称 name the units.
    let (code, err) = batch(
        dir.path(),
        &[
            "--system",
            "simple.json",
            "--input",
            "t.csv",
            "--out",
            "r2.csv",
            "--ignore-column",
            "序号",
            "--ignore-column",
            "备注",
        ],
    );
    assert_eq!(code, 0, "{err}");
    check(&read_csv(&dir.path().join("r2.csv")), &|i| format!("第{i}局"));
    // --id-column 序号.
    let (code, err) = batch(
        dir.path(),
        &[
            "--system",
            "simple.json",
            "--input",
            "t.csv",
            "--out",
            "r3.csv",
            "--id-column",
            "序号",
            "--ignore-column",
            "单位名称",
            "--ignore-column",
            "备注",
        ],
    );
    assert_eq!(code, 0, "{err}");
    check(&read_csv(&dir.path().join("r3.csv")), &|i| (i + 1).to_string());
    // An --id-column that is not there.
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "batch",
                "--system",
                "simple.json",
                "--input",
                "t.csv",
                "--out",
                "r.csv",
                "--id-column",
                "名称"
            ]
        ),
        "error: t.csv: no column `名称` for --id-column (columns: 序号, 单位名称, 编制数（人）, 在职人员数（人）, \
         年初预算（万元）, 年末结余（万元）, 违规次数, 备注)"
    );
}

#[test]
fn without_an_id_column_units_are_named_by_row() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(
        dir.path(),
        "u.csv",
        "编制数,在职人员数,年初预算,年末结余\n100,101,1000,0\n100,100,1000,x\n",
    );
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "u.csv", "--out", "r.csv"],
    );
    assert_eq!(code, 1);
    assert!(
        err.starts_with("u.csv row 3 (3): input `年末结余`: `x` is not a decimal number"),
        "{err}"
    );
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows[1][..2], ["2", "2"]);
    assert_eq!(rows[1][7], "24.00");
    assert_eq!(rows[2][..2], ["3", "3"]);
}

#[test]
fn english_headers() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(dir.path(), "u.csv", &simple_csv(3, &[]));
    let (code, _) = batch(
        dir.path(),
        &[
            "--system",
            "simple.json",
            "--input",
            "u.csv",
            "--out",
            "r.csv",
            "--lang",
            "en",
        ],
    );
    assert_eq!(code, 0);
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows[0][..2], ["row", "unit"]);
    assert_eq!(rows[0][7..], ["total", "grade", "error"]);
    assert_eq!(rows[1][8], "优", "the grade column holds the system's label");
}

#[test]
fn a_row_with_too_many_cells_is_reported_and_the_rest_scored() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let mut text = simple_csv(4, &[]);
    text = text.replacen("U002,", "U002,1,", 1);
    write(dir.path(), "u.csv", &text);
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "u.csv", "--out", "r.csv"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "u.csv row 4 (U002): the row has 7 cells but the header has 6",
            "3 units scored, 1 failed → r.csv"
        ]
    );
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows.len(), 5);
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert_eq!(ids, ["U000", "U001", "U002", "U003"], "results keep the input order");
    assert_eq!(rows[3][9], "the row has 7 cells but the header has 6");
    SimpleUnit::nth(3).expected().check_row(&rows[4], "U003");
}

#[test]
fn many_failed_rows_are_summarised() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let bad: Vec<(u64, usize, &str)> = (0..30).map(|i| (i * 2, 5, "x")).collect();
    write(dir.path(), "u.csv", &simple_csv(60, &bad));
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "u.csv", "--out", "r.csv"],
    );
    assert_eq!(code, 1);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 22, "{err}");
    assert!(
        lines[0].starts_with("u.csv row 2 (U000): input `违规次数`: `x`"),
        "{err}"
    );
    assert!(lines[19].starts_with("u.csv row 40 (U038): "), "{err}");
    assert_eq!(lines[20], "… and 10 more failed rows (see the error column)");
    assert_eq!(lines[21], "30 units scored, 30 failed → r.csv");
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows.iter().skip(1).filter(|r| !r[9].is_empty()).count(), 30);
}

#[test]
fn batch_fatal_errors() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(dir.path(), "empty.csv", "");
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "batch",
                "--system",
                "simple.json",
                "--input",
                "empty.csv",
                "--out",
                "r.csv"
            ]
        ),
        "error: empty.csv: the file is empty (a header row of input names is needed)"
    );
    write(dir.path(), "u.csv", &simple_csv(2, &[]));
    assert_eq!(
        fatal(
            dir.path(),
            &["batch", "--system", "simple.json", "--input", "u.csv", "--out", "r.txt"]
        ),
        "error: r.txt: unknown output format `.txt` (expected .csv or .xlsx)"
    );
    write(dir.path(), "u.json", "{}");
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "batch",
                "--system",
                "simple.json",
                "--input",
                "u.json",
                "--out",
                "r.csv"
            ]
        ),
        "error: u.json: unknown batch input format `.json` (expected .csv or .xlsx)"
    );
    assert_eq!(
        fatal(
            dir.path(),
            &["batch", "--system", "nope", "--input", "u.csv", "--out", "r.csv"]
        ),
        "error: `nope` is neither a built-in system (see `jixiao templates`) nor an existing file"
    );
    let mut workbook = Workbook::new();
    workbook.add_worksheet();
    workbook.save(dir.path().join("empty.xlsx")).unwrap();
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "batch",
                "--system",
                "simple.json",
                "--input",
                "empty.xlsx",
                "--out",
                "r.csv"
            ]
        ),
        "error: empty.xlsx: the worksheet is empty"
    );
    // A header and no units: nothing to do, nothing failed.
    write(dir.path(), "h.csv", "单位,编制数,在职人员数,年初预算,年末结余\n");
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "h.csv", "--out", "h.out.csv"],
    );
    assert_eq!(code, 0);
    assert_eq!(err, "0 units scored, 0 failed → h.out.csv\n");
    assert_eq!(read_csv(&dir.path().join("h.out.csv")).len(), 1);
    // One unknown column ("is not a declared input", in the singular).
    write(dir.path(), "unk.csv", "单位,编制数,人数\nA,1,1\n");
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "batch",
                "--system",
                "simple.json",
                "--input",
                "unk.csv",
                "--out",
                "r.csv"
            ]
        ),
        "error: unk.csv: `人数` is not a declared input of `test-simple` (use --id-column for the column of unit names, --ignore-column to skip a column)"
    );
}

/// A batch that cannot start (missing input, unreadable header) leaves an existing results file
/// alone: exit status 2 means nothing was done.
#[test]
fn a_fatal_error_does_not_clobber_the_results_file() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(dir.path(), "results.csv", "last month's results\n");
    let line = fatal(
        dir.path(),
        &[
            "batch",
            "--system",
            "simple.json",
            "--input",
            "missing.csv",
            "--out",
            "results.csv",
        ],
    );
    assert!(line.starts_with("error: missing.csv: cannot read: "), "{line}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("results.csv")).unwrap(),
        "last month's results\n",
        "the results file was overwritten by a batch that did nothing"
    );
}

/// Excel on Windows saves CSV with CRLF line ends: row numbers are still the file's lines.
#[test]
fn crlf_files_report_the_right_row_numbers() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let text = simple_csv(4, &[(2, 4, "x")]).replace('\n', "\r\n");
    write(dir.path(), "crlf.csv", &text);
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "crlf.csv", "--out", "r.csv"],
    );
    assert_eq!(code, 1);
    assert!(
        err.starts_with("crlf.csv row 4 (U002): "),
        "U002 is on line 4 of the file: {err}"
    );
    let rows = read_csv(&dir.path().join("r.csv"));
    let numbers: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(numbers, ["2", "3", "4", "5"]);
}

/// One row that is not valid UTF-8 (a name typed in GBK into a UTF-8 file) is a bad row: it is
/// reported and the rest are scored.
#[test]
fn a_row_that_is_not_utf8_is_a_bad_row() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let mut bytes = "单位,编制数,在职人员数,年初预算,年末结余\nA,100,101,1000,0\n"
        .as_bytes()
        .to_vec();
    bytes.extend_from_slice(&[0xd5, 0xc5, 0xc8, 0xfd]); // 张三 in GBK
    bytes.extend_from_slice(b",100,100,1000,0\nC,100,100,1000,0\n");
    std::fs::write(dir.path().join("mixed.csv"), bytes).unwrap();
    let o = run(
        dir.path(),
        &[
            "batch",
            "--system",
            "simple.json",
            "--input",
            "mixed.csv",
            "--out",
            "r.csv",
        ],
    );
    let err = stderr(&o);
    assert_clean(&err);
    assert_eq!(o.status.code(), Some(1), "one bad row must not stop the batch: {err}");
    assert!(err.contains("mixed.csv row 3"), "{err}");
    assert!(err.contains("UTF-8"), "{err}");
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows.len(), 4, "{rows:?}");
    assert_eq!(rows[1][1], "A");
    assert_eq!(rows[3][1], "C");
    assert_eq!(rows[3][7], "25.00");
}

#[test]
fn a_gbk_file_is_one_clear_error() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    // "单位,编制数" in GBK.
    let gbk: &[u8] = &[
        0xb5, 0xa5, 0xce, 0xbb, b',', 0xb1, 0xe0, 0xd6, 0xc6, 0xca, 0xfd, b'\n', b'A', b',', b'1', b'\n',
    ];
    std::fs::write(dir.path().join("gbk.csv"), gbk).unwrap();
    let line = fatal(
        dir.path(),
        &[
            "batch",
            "--system",
            "simple.json",
            "--input",
            "gbk.csv",
            "--out",
            "r.csv",
        ],
    );
    assert!(line.starts_with("error: gbk.csv: "), "{line}");
    assert!(line.contains("UTF-8"), "{line}");
}

/// Chinese workbooks often carry a title row merged across the table above the header
/// (`2024年部门基础数据表`). The title must not be taken for the header row (its empty merged cells
/// reported as "column B (no header)"): either it is skipped, or the error says that row 1 is not
/// a header row.
#[test]
fn a_title_row_above_the_header() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let title = rust_xlsxwriter::Format::new().set_bold();
    sheet.merge_range(0, 0, 0, 5, "2024年部门基础数据表", &title).unwrap();
    for (c, h) in INPUT_HEADER.iter().enumerate() {
        sheet.write_string(1, u16::try_from(c).unwrap(), *h).unwrap();
    }
    for i in 0..3u32 {
        sheet.write_string(i + 2, 0, format!("U{i:03}")).unwrap();
        for (c, cell) in SimpleUnit::nth(u64::from(i)).cells().iter().enumerate() {
            sheet
                .write_number(i + 2, u16::try_from(c + 1).unwrap(), cell.parse::<f64>().unwrap())
                .unwrap();
        }
    }
    workbook.save(dir.path().join("titled.xlsx")).unwrap();
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "titled.xlsx", "--out", "r.csv"],
    );
    match code {
        0 => {
            let rows = read_csv(&dir.path().join("r.csv"));
            assert_eq!(rows.len(), 4);
            for (i, row) in rows[1..].iter().enumerate() {
                assert_eq!(row[0], (i + 3).to_string(), "Excel row numbers");
                SimpleUnit::nth(i as u64).expected().check_row(row, "titled.xlsx");
            }
        }
        _ => {
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                !err.contains("(no header)") && (err.contains("row 1") || err.contains("2024年部门基础数据表")),
                "the title row is taken for the header: {err}"
            );
        }
    }
}

/// A row whose last cells are gone (not left blank: a blank cell keeps its comma) is an error for
/// that row; it used to be scored with those inputs at their defaults.
#[test]
fn a_short_row_fails_alone() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let full = simple_csv(3, &[]);
    let mut lines: Vec<String> = full.lines().map(str::to_string).collect();
    // Drop the last two cells of the second unit (file line 3).
    let cut: Vec<&str> = lines[2].split(',').collect();
    lines[2] = cut[..cut.len() - 2].join(",");
    write(dir.path(), "short.csv", &format!("{}\n", lines.join("\n")));
    let (code, err) = batch(
        dir.path(),
        &["--system", "simple.json", "--input", "short.csv", "--out", "r.csv"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("short.csv row 3 (U001): the row has") && err.contains("cells are missing"),
        "{err}"
    );
    assert!(err.contains("2 units scored, 1 failed"), "{err}");
    let rows = read_csv(&dir.path().join("r.csv"));
    let total = rows[0].iter().position(|h| h == "总分").unwrap();
    assert_eq!(rows[2][total], "", "the short row has no total");
}

#[test]
fn out_cannot_be_the_input() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let text = simple_csv(2, &[]);
    write(dir.path(), "units.csv", &text);
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "batch",
                "--system",
                "simple.json",
                "--input",
                "units.csv",
                "--out",
                "./units.csv"
            ]
        ),
        "error: units.csv: --out is the input file; write the results to another file"
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("units.csv")).unwrap(), text);
}

#[test]
fn score_and_audit_refuse_to_overwrite_their_input() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let text = simple_csv(2, &[]);
    write(dir.path(), "units.csv", &text);
    let unit: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    write(dir.path(), "one.csv", &unit);
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "score",
                "--system",
                "simple.json",
                "--input",
                "one.csv",
                "--out",
                "one.csv"
            ]
        ),
        "error: one.csv: --out is the input file; write the results to another file"
    );
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "audit",
                "--system",
                "simple.json",
                "--input",
                "units.csv",
                "--out",
                "units.csv"
            ]
        ),
        "error: units.csv: --out is the input file; write the results to another file"
    );
    assert_eq!(std::fs::read_to_string(dir.path().join("units.csv")).unwrap(), text);
}
