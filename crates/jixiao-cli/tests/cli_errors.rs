//! Bad inputs to `jixiao score`: the exact error line, exit status 2, nothing on stdout, and no
//! panic or backtrace (the tests run with RUST_BACKTRACE=1 so that a panic would show one).
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{SEED, SIMPLE, assert_clean, cell_text, csv_line, fatal, ok, run, seed_example, stderr, tempdir, write};

/// The seed's example as JSON with one change.
fn example_with(edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
    let b = jixiao::builtin(SEED).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(b.example()).unwrap();
    edit(value.as_object_mut().unwrap());
    serde_json::to_string_pretty(&value).unwrap()
}

fn score(dir: &std::path::Path, input: &str) -> String {
    fatal(dir, &["score", "--system", SEED, "--input", input])
}

#[test]
fn malformed_json() {
    let dir = tempdir();
    write(dir.path(), "bad.json", "{\"编制数\": 76,\n");
    assert_eq!(
        score(dir.path(), "bad.json"),
        "error: bad.json: not valid JSON: expected a key in double quotes, found the end of the text at line 2 column 1"
    );
    write(dir.path(), "comma.json", "{\"x\": 76,}\n");
    assert_eq!(
        score(dir.path(), "comma.json"),
        "error: comma.json: not valid JSON: expected a key in double quotes, found `}` at line 1 column 10"
    );
}

/// Columns count characters, as editors do: in `{"编制数": 76,}` the `}` is character 12 (byte 18).
#[test]
fn json_error_columns_count_characters() {
    let dir = tempdir();
    write(dir.path(), "comma.json", "{\"编制数\": 76,}\n");
    assert_eq!(
        score(dir.path(), "comma.json"),
        "error: comma.json: not valid JSON: expected a key in double quotes, found `}` at line 1 column 12"
    );
}

#[test]
fn unknown_template() {
    let dir = tempdir();
    write(dir.path(), "unit.json", "{}");
    assert_eq!(
        fatal(
            dir.path(),
            &["score", "--system", "hunan-dept-2099", "--input", "unit.json"]
        ),
        "error: `hunan-dept-2099` is neither a built-in system (see `jixiao templates`) nor an existing file"
    );
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "nope", "--example"]),
        "error: `nope` is neither a built-in system (see `jixiao templates`) nor an existing file"
    );
}

#[test]
fn missing_required_input_and_missing_column() {
    let dir = tempdir();
    write(dir.path(), "miss.json", &example_with(|m| drop(m.remove("年初预算"))));
    assert_eq!(
        score(dir.path(), "miss.json"),
        "error: miss.json: input `年初预算` is required but was not given"
    );
    // A CSV without the 年初预算 column.
    let example: Vec<_> = seed_example().into_iter().filter(|(n, _)| n != "年初预算").collect();
    let header: Vec<String> = example.iter().map(|(n, _)| n.clone()).collect();
    let row: Vec<String> = example.iter().map(|(_, v)| cell_text(v)).collect();
    write(dir.path(), "miss.csv", &(csv_line(&header) + &csv_line(&row)));
    assert_eq!(
        score(dir.path(), "miss.csv"),
        "error: miss.csv: input `年初预算` is required but was not given"
    );
    // An empty cell is a missing value.
    let example = seed_example();
    let header: Vec<String> = example.iter().map(|(n, _)| n.clone()).collect();
    let row: Vec<String> = example
        .iter()
        .map(|(n, v)| {
            if n == "年初预算" {
                String::new()
            } else {
                cell_text(v)
            }
        })
        .collect();
    write(dir.path(), "blank.csv", &(csv_line(&header) + &csv_line(&row)));
    assert_eq!(
        score(dir.path(), "blank.csv"),
        "error: blank.csv: input `年初预算` is required but was not given"
    );
    // Several problems are all named, on one line.
    write(
        dir.path(),
        "two.json",
        &example_with(|m| {
            m.remove("年初预算");
            m.insert("年末结余".into(), "很多".into());
        }),
    );
    assert_eq!(
        score(dir.path(), "two.json"),
        "error: two.json: input `年末结余`: `很多` is not a decimal number (expected digits such as `82.39` or `95%`); \
         input `年初预算` is required but was not given"
    );
}

#[test]
fn non_numeric_cell() {
    let dir = tempdir();
    let example = seed_example();
    let header: Vec<String> = example.iter().map(|(n, _)| n.clone()).collect();
    let row: Vec<String> = example
        .iter()
        .map(|(n, v)| {
            if n == "年初预算" {
                "两千".to_string()
            } else {
                cell_text(v)
            }
        })
        .collect();
    write(dir.path(), "nn.csv", &(csv_line(&header) + &csv_line(&row)));
    assert_eq!(
        score(dir.path(), "nn.csv"),
        "error: nn.csv: input `年初预算`: `两千` is not a decimal number (expected digits such as `82.39` or `95%`)"
    );
    write(
        dir.path(),
        "nn.json",
        &example_with(|m| drop(m.insert("年初预算".into(), "abc".into()))),
    );
    assert_eq!(
        score(dir.path(), "nn.json"),
        "error: nn.json: input `年初预算`: `abc` is not a decimal number (expected digits such as `82.39` or `95%`)"
    );
    // Not a level, not a checklist item, not a yes/no.
    write(
        dir.path(),
        "lv.json",
        &example_with(|m| drop(m.insert("基础信息完善程度".into(), "很好".into()))),
    );
    let line = score(dir.path(), "lv.json");
    assert!(line.starts_with("error: lv.json: input `基础信息完善程度`: "), "{line}");
    assert!(line.contains("很好"), "{line}");
    write(
        dir.path(),
        "ck.json",
        &example_with(|m| {
            drop(m.insert(
                "预算管理制度".into(),
                serde_json::json!(["已制定或具有相关管理制度", "考勤制度"]),
            ))
        }),
    );
    assert_eq!(
        score(dir.path(), "ck.json"),
        "error: ck.json: input `预算管理制度`: `考勤制度` is not an item \
         (items: 已制定或具有相关管理制度、相关管理制度合法合规完整、相关管理制度得到有效执行)"
    );
}

#[test]
fn empty_files() {
    let dir = tempdir();
    for name in ["empty.json", "empty.toml", "empty.csv"] {
        write(dir.path(), name, "");
        assert_eq!(score(dir.path(), name), format!("error: {name}: the file is empty"));
    }
    write(dir.path(), "blank.csv", "\n\n , \n");
    assert_eq!(score(dir.path(), "blank.csv"), "error: blank.csv: the table is empty");
    // An empty workbook.
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook.add_worksheet();
    workbook.save(dir.path().join("empty.xlsx")).unwrap();
    assert_eq!(score(dir.path(), "empty.xlsx"), "error: empty.xlsx: the table is empty");
    // Not a workbook at all.
    write(dir.path(), "fake.xlsx", "编制数,76\n");
    let line = score(dir.path(), "fake.xlsx");
    assert!(
        line.starts_with("error: fake.xlsx: cannot open as a spreadsheet: "),
        "{line}"
    );
}

#[test]
fn several_units() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(
        dir.path(),
        "m.csv",
        "编制数,在职人员数,年初预算,年末结余\n1,1,1,1\n2,2,2,2\n",
    );
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "m.csv"]),
        "error: m.csv: 2 units; `jixiao score` takes one (use `jixiao batch` for many)"
    );
}

/// A header row of input names and no data row: the header must not be read as name/value pairs
/// (`编制数` = `在职人员数`).
#[test]
fn header_without_data() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(dir.path(), "h.csv", "编制数,在职人员数,年初预算,年末结余\n");
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "h.csv"]),
        "error: h.csv: a header row but no data row"
    );
}

#[test]
fn unknown_input_column_and_key() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(
        dir.path(),
        "unk2.csv",
        "编制数,编制人数,在职人数,年初预算,年末结余\n100,1,100,1000,0\n",
    );
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "unk2.csv"]),
        "error: unk2.csv: `编制人数`, `在职人数` are not declared inputs of `test-simple` (use --id-column for the column of unit names, --ignore-column to skip a column)"
    );
    write(
        dir.path(),
        "unk.json",
        &example_with(|m| drop(m.insert("编制人数".into(), 3.into()))),
    );
    assert_eq!(
        score(dir.path(), "unk.json"),
        "error: unk.json: input `编制人数` is not declared by the indicator system"
    );
    write(
        dir.path(),
        "dup.csv",
        "编制数,在职人员数,编制数（人）,年初预算,年末结余\n1,1,1,1,1\n",
    );
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "dup.csv"]),
        "error: dup.csv: columns A and C both give input `编制数`"
    );
    // One unknown column ("is not a declared input", in the singular).
    write(
        dir.path(),
        "unk.csv",
        "编制数,在职人员数,年初预算,年末结余,备注\n100,100,1000,0,无\n",
    );
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "unk.csv"]),
        "error: unk.csv: `备注` is not a declared input of `test-simple` (use --id-column for the column of unit names, --ignore-column to skip a column)"
    );
}

/// A two-column CSV without a header whose first name is misspelt: the row must not be taken for
/// a header and dropped (其他收入 defaults to 0, so the unit would be scored on wrong figures).
#[test]
fn misspelt_first_row_of_a_two_column_csv_is_not_dropped() {
    let dir = tempdir();
    let mut text = String::new();
    for (name, value) in seed_example() {
        let name = if name == "其他收入" {
            "其它收入".to_string()
        } else {
            name
        };
        text.push_str(&csv_line(&[name, cell_text(&value)]));
    }
    // Put the misspelt row first.
    let mut lines: Vec<&str> = text.lines().collect();
    let i = lines.iter().position(|l| l.starts_with("其它收入")).unwrap();
    let row = lines.remove(i);
    lines.insert(0, row);
    write(dir.path(), "typo.csv", &(lines.join("\n") + "\n"));
    let o = run(dir.path(), &["score", "--system", SEED, "--input", "typo.csv"]);
    let err = stderr(&o);
    assert_clean(&err);
    assert_eq!(
        o.status.code(),
        Some(2),
        "the misspelt row `其它收入,108` was silently dropped and the unit scored without it:\n{}",
        common::stdout(&o).lines().find(|l| l.contains("2.1.1")).unwrap_or("")
    );
    assert!(err.contains("其它收入"), "{err}");
}

/// A misspelt name in a two-column CSV with a header row: the error names the misspelt row, not
/// the header's value column.
#[test]
fn misspelt_name_in_a_two_column_csv_is_named() {
    let dir = tempdir();
    let mut text = csv_line(&["输入".into(), "值".into()]);
    for (name, value) in seed_example() {
        let name = if name == "编制数" {
            "编制人数".to_string()
        } else {
            name
        };
        text.push_str(&csv_line(&[name, cell_text(&value)]));
    }
    write(dir.path(), "typo.csv", &text);
    let line = score(dir.path(), "typo.csv");
    assert!(
        line.contains("编制人数"),
        "the error does not name the misspelt row: {line}"
    );
}

/// A column headed with a unit other than the declared one (`年初预算（元）` for an input in 万元)
/// must not be read as if it were in 万元.
#[test]
fn a_header_with_another_unit_is_refused() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(
        dir.path(),
        "yuan.csv",
        "单位,编制数（人）,在职人员数（人）,年初预算（元）,年末结余（万元）\nA,100,100,10000000,150\n",
    );
    let o = run(dir.path(), &["score", "--system", "simple.json", "--input", "yuan.csv"]);
    let err = stderr(&o);
    assert_clean(&err);
    assert_eq!(
        o.status.code(),
        Some(2),
        "`年初预算（元）` was read as 万元:\n{}",
        common::stdout(&o)
    );
    assert!(err.contains("年初预算（元）") && err.contains("万元"), "{err}");
}

#[test]
fn toml_float_is_refused_with_a_hint_that_is_valid_toml() {
    let dir = tempdir();
    write(dir.path(), "f.toml", "\"编制数\" = 76.5\n");
    let line = score(dir.path(), "f.toml");
    assert_eq!(
        line,
        "error: f.toml: 编制数 (line 1 column 9): the binary float `76.5` cannot be read exactly; write the decimal as a string, e.g. \"76.5\""
    );
    // The suggested value is itself valid TOML, and reads exactly.
    let hint = line.rsplit("e.g. ").next().unwrap();
    let parsed: Result<toml::Table, _> = format!("\"编制数\" = {hint}").parse();
    assert!(parsed.is_ok(), "the hint `{hint}` is not valid TOML: {parsed:?}");
    assert_eq!(parsed.unwrap()["编制数"].as_str(), Some("76.5"));
}

#[test]
fn toml_syntax_errors_name_the_line() {
    let dir = tempdir();
    // Bare non-ASCII keys, as finance staff would write them.
    write(dir.path(), "bare.toml", "# 湘西\n编制数 = 76\n");
    let line = score(dir.path(), "bare.toml");
    assert!(line.starts_with("error: bare.toml: not valid TOML: "), "{line}");
    assert!(line.contains("line 2"), "the error does not say where: {line}");
    write(dir.path(), "t3.toml", "\"编制数\" = 76\n\"在职人员数\" = \n");
    let line = score(dir.path(), "t3.toml");
    assert!(line.starts_with("error: t3.toml: not valid TOML: "), "{line}");
    assert!(line.contains("line 2"), "the error does not say where: {line}");
}

#[test]
fn toml_other_values() {
    let dir = tempdir();
    write(dir.path(), "d.toml", "\"编制数\" = 1979-05-27\n");
    assert_eq!(
        score(dir.path(), "d.toml"),
        "error: d.toml: 编制数 (line 1 column 9): a date is not a value here"
    );
    write(dir.path(), "l.toml", "\"预算管理制度\" = [1, 2]\n");
    assert_eq!(
        score(dir.path(), "l.toml"),
        "error: l.toml: 预算管理制度[0] (line 1 column 13): expected a string, found a number"
    );
    write(dir.path(), "t.toml", "[\"基础信息完善程度\"]\nscore = \"3\"\n");
    assert_eq!(
        score(dir.path(), "t.toml"),
        "error: t.toml: 基础信息完善程度 (line 1 column 1): an input given as {level, score} needs a string `level`"
    );
}

/// A key given twice is refused, as the engine and the WASM package refuse it (serde_json kept
/// the last one).
#[test]
fn json_key_given_twice() {
    let dir = tempdir();
    write(dir.path(), "twice.json", "{\"编制数\": 76,\n \"编制数\": 80}\n");
    assert_eq!(
        score(dir.path(), "twice.json"),
        "error: twice.json: 编制数 (line 2 column 2): duplicate field `编制数`"
    );
}

#[test]
fn json_list_and_other_shapes() {
    let dir = tempdir();
    write(dir.path(), "list.json", "[{\"编制数\": 76}]\n");
    assert_eq!(
        score(dir.path(), "list.json"),
        "error: list.json: expected the inputs as a JSON object of name → value, found a list at line 1 column 1"
    );
    write(dir.path(), "num.json", "76\n");
    assert_eq!(
        score(dir.path(), "num.json"),
        "error: num.json: expected the inputs as a JSON object of name → value, found a number at line 1 column 1"
    );
}

#[test]
fn not_utf8_text() {
    let dir = tempdir();
    // "编制数,76" in GBK, as Excel saves "CSV (逗号分隔)" on a Chinese Windows.
    let gbk: &[u8] = &[0xb1, 0xe0, 0xd6, 0xc6, 0xca, 0xfd, b',', b'7', b'6', b'\n'];
    std::fs::write(dir.path().join("gbk.csv"), gbk).unwrap();
    assert_eq!(score(dir.path(), "gbk.csv"), "error: gbk.csv: not UTF-8 text");
}

#[test]
fn unreadable_and_unknown_files() {
    let dir = tempdir();
    let line = score(dir.path(), "nothere.json");
    assert!(line.starts_with("error: nothere.json: cannot read: "), "{line}");
    write(dir.path(), "unit.txt", "编制数 76");
    assert_eq!(
        score(dir.path(), "unit.txt"),
        "error: unit.txt: unknown input format `.txt` (expected .json, .toml, .csv or .xlsx)"
    );
}

#[test]
fn out_of_range_and_huge_figures() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let unit = |staff: &str| format!("编制数,100\n在职人员数,{staff}\n年初预算,1000\n年末结余,0\n");
    write(dir.path(), "neg.csv", &unit("-5"));
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "neg.csv"]),
        "error: neg.csv: input `在职人员数`: -5 is outside the allowed range [0, +∞]"
    );
    write(dir.path(), "big.csv", &unit("99999999999999999999999999999"));
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "big.csv"]),
        "error: big.csv: input `在职人员数`: `99999999999999999999999999999` is outside the exact decimal range \
         (at most 28 significant digits, magnitude below 7.9e28)"
    );
    write(dir.path(), "max.csv", &unit("79228162514264337593543950335"));
    // The largest decimal: either a clean one-line overflow error or 1.1 loses all its points.
    let o = run(
        dir.path(),
        &[
            "score",
            "--system",
            "simple.json",
            "--input",
            "max.csv",
            "--format",
            "json",
        ],
    );
    let err = stderr(&o);
    assert_clean(&err);
    match o.status.code() {
        Some(0) => {
            let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
            let control = doc["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i["id"] == "1.1")
                .unwrap();
            assert_eq!(control["score"], "0.00");
            assert_eq!(doc["total"], "15.00");
        }
        Some(2) => {
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(
                err.starts_with("error: max.csv: indicators[1.1]: arithmetic overflow"),
                "{err}"
            );
        }
        other => panic!("exit status {other:?}: {err}"),
    }
    write(dir.path(), "exp.csv", &unit("1e400"));
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "exp.csv"]),
        "error: exp.csv: input `在职人员数`: `1e400` is not a decimal number (expected digits such as `82.39` or `95%`)"
    );
    // 编制数 0 is refused by the declared minimum (no division by zero reaches the user).
    write(
        dir.path(),
        "zero.csv",
        "编制数,0\n在职人员数,1\n年初预算,1000\n年末结余,0\n",
    );
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--input", "zero.csv"]),
        "error: zero.csv: input `编制数`: 0 is outside the allowed range [1, +∞]"
    );
}

#[test]
fn argument_errors() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    assert_eq!(
        fatal(dir.path(), &["score", "--system", "simple.json", "--example"]),
        "error: --example needs a built-in system; `simple.json` is a file"
    );
    assert_eq!(
        fatal(
            dir.path(),
            &["score", "--system", SEED, "--example", "--format", "xlsx"]
        ),
        "error: --format xlsx needs --out FILE.xlsx"
    );
    assert_eq!(
        fatal(dir.path(), &["score", "--system", SEED, "--example", "--lang", "fr"]),
        "error: unknown language `fr` (expected zh or en)"
    );
    let line = fatal(
        dir.path(),
        &["score", "--system", SEED, "--example", "--out", "no/such/dir/r.md"],
    );
    assert!(line.starts_with("error: no/such/dir/r.md: cannot write: "), "{line}");
    // clap's own errors: exit status 2, a usage message, no panic.
    for args in [
        &["score", "--system", SEED][..],
        &["score", "--system", SEED, "--example", "--input", "x.json"][..],
        &["score", "--system", SEED, "--example", "--format", "pdf"][..],
        &["frobnicate"][..],
        &[][..],
    ] {
        let o = run(dir.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_clean(&err);
        assert!(err.starts_with("error: ") || err.contains("Usage"), "{args:?}: {err}");
    }
    // --help and --version succeed.
    assert!(ok(dir.path(), &["--help"]).contains("score"));
    assert!(ok(dir.path(), &["--version"]).starts_with("jixiao "));
}
