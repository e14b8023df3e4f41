//! `jixiao inputs`: the base-data table to fill in (text, csv, json; --example; --out), and the
//! template read back by `jixiao score --input`.
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{SEED, SIMPLE, fatal, ok, run, stderr, stdout, tempdir, write};

/// The columns of an aligned text-table line (columns are separated by two or more blanks).
fn cols(line: &str) -> Vec<String> {
    line.trim()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn inputs_text() {
    let dir = tempdir();
    let out = ok(dir.path(), &["inputs", SEED]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        cols(lines[0]),
        ["名称", "类型", "单位", "取值范围", "必填", "数值", "说明"]
    );
    let system = jixiao::builtin(SEED).unwrap().system().unwrap();
    assert_eq!(lines.len(), 1 + system.inputs.len());
    for (line, input) in lines[1..].iter().zip(&system.inputs) {
        assert!(line.starts_with(&format!("{} ", input.name)), "{line}");
    }
    assert_eq!(
        cols(lines[1]),
        ["编制数", "数值", "人", "不得为负数", "必填", "核定编制人数"]
    );
    let other = lines.iter().find(|l| l.starts_with("其他收入 ")).unwrap();
    assert_eq!(
        cols(other)[..5],
        ["其他收入", "数值", "万元", "不得为负数", "可选"],
        "a defaulted input is optional"
    );

    let out = ok(dir.path(), &["inputs", SEED, "--example"]);
    let line = out.lines().find(|l| l.starts_with("编制数 ")).unwrap();
    assert_eq!(
        cols(line),
        ["编制数", "数值", "人", "不得为负数", "必填", "76", "核定编制人数"]
    );
    // Kinds and ranges are in Chinese: no `number`, `[0, 1]` or `+∞`.
    for word in ["number", "boolean", "checklist", "level", "count", "[0", "∞"] {
        assert!(!out.contains(word), "`{word}` in the Chinese table:\n{out}");
    }
    let line = out.lines().find(|l| l.starts_with("满意度 ")).unwrap();
    assert!(cols(line).contains(&"0%—100%".to_string()), "{line}");
    let line = out.lines().find(|l| l.starts_with("预算管理制度 ")).unwrap();
    assert!(
        line.contains("已制定或具有相关管理制度、相关管理制度合法合规完整、相关管理制度得到有效执行"),
        "{line}"
    );
    assert!(line.contains("以“、”分隔"), "the separator is explained: {line}");
    let line = out.lines().find(|l| l.starts_with("基础信息完善程度 ")).unwrap();
    assert!(line.contains("完善/基本完善/不完善"), "the levels are listed: {line}");
}

#[test]
fn inputs_csv_and_json() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let csv = ok(dir.path(), &["inputs", "simple.json", "--format", "csv"]);
    assert_eq!(
        parse_csv(&csv),
        [
            ["名称", "数值", "单位", "说明"],
            ["编制数", "", "人", ""],
            ["在职人员数", "", "人", ""],
            ["年初预算", "", "万元", ""],
            ["年末结余", "", "万元", ""],
            ["违规次数", "", "", ""],
        ]
    );
    let json = ok(dir.path(), &["inputs", SEED, "--format", "json", "--example"]);
    let list: serde_json::Value = serde_json::from_str(&json).unwrap();
    let list = list.as_array().unwrap();
    let system = jixiao::builtin(SEED).unwrap().system().unwrap();
    assert_eq!(list.len(), system.inputs.len());
    let item = |name: &str| list.iter().find(|i| i["name"] == name).unwrap();
    assert_eq!(item("编制数")["kind"], "number");
    assert_eq!(item("编制数")["unit"], "人");
    assert_eq!(item("编制数")["required"], true);
    assert_eq!(item("编制数")["value"], 76);
    assert_eq!(item("其他收入")["required"], false);
    assert_eq!(item("预算管理制度")["kind"], "checklist");
    assert_eq!(item("满意度")["value"], "95%");
}

#[test]
fn inputs_out_and_errors() {
    let dir = tempdir();
    let expected = ok(dir.path(), &["inputs", SEED, "--format", "csv", "--example"]);
    let o = run(
        dir.path(),
        &["inputs", SEED, "--format", "csv", "--example", "--out", "t.csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    let written = std::fs::read_to_string(dir.path().join("t.csv")).unwrap();
    assert_eq!(
        written.trim_start_matches('\u{feff}'),
        expected.trim_start_matches('\u{feff}')
    );
    write(dir.path(), "simple.json", SIMPLE);
    assert_eq!(
        fatal(dir.path(), &["inputs", "simple.json", "--example"]),
        "error: --example needs a built-in system; `simple.json` is a file"
    );
    assert_eq!(
        fatal(dir.path(), &["inputs", "nope"]),
        "error: `nope` is neither a built-in system (see `jixiao templates`) nor an existing file"
    );
}

/// The walkthrough: print the template, fill in the 数值 column, score it.
#[test]
fn a_filled_in_template_scores() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let blank = ok(dir.path(), &["inputs", "simple.json", "--format", "csv"]);
    write(dir.path(), "blank.csv", &blank);
    assert_eq!(
        fatal(
            dir.path(),
            &["score", "--system", "simple.json", "--input", "blank.csv"]
        ),
        "error: blank.csv: input `编制数` is required but was not given; input `在职人员数` is required but was not given; \
         input `年初预算` is required but was not given; input `年末结余` is required but was not given"
    );
    let filled = blank
        .replace("编制数,,人", "编制数,100,人")
        .replace("在职人员数,,人", "在职人员数,103,人")
        .replace("年初预算,,万元", "年初预算,1000,万元")
        .replace("年末结余,,万元", "年末结余,150,万元")
        .replace("违规次数,,", "违规次数,2,");
    write(dir.path(), "filled.csv", &filled);
    let out = ok(
        dir.path(),
        &[
            "score",
            "--system",
            "simple.json",
            "--input",
            "filled.csv",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["total"], "18.50");
    assert_eq!(doc["grade"], "良");
}

/// For every built-in, the example template read back by `score --input` scores as `--example`
/// does. A level scored inside its band (`{"level": "部分达成", "score": "3.5"}`) must survive the
/// round trip: CSV and Excel need a way to give the score.
#[test]
fn every_builtin_example_template_round_trips() {
    let dir = tempdir();
    let mut failures = Vec::new();
    for b in jixiao::builtins() {
        let expected = ok(
            dir.path(),
            &["score", "--system", b.id, "--example", "--format", "json"],
        );
        let expected: serde_json::Value = serde_json::from_str(&expected).unwrap();
        let name = format!("{}.csv", b.id);
        let template = ok(dir.path(), &["inputs", b.id, "--format", "csv", "--example"]);
        write(dir.path(), &name, &template);
        let o = run(
            dir.path(),
            &["score", "--system", b.id, "--input", &name, "--format", "json"],
        );
        if o.status.code() != Some(0) {
            failures.push(format!("{}: {}", b.id, stderr(&o).trim_end()));
            continue;
        }
        let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        if got["total"] != expected["total"] || got["grade"] != expected["grade"] {
            failures.push(format!(
                "{}: template scores {} {}, --example {} {}",
                b.id, got["total"], got["grade"], expected["total"], expected["grade"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "templates that do not round-trip:\n{}",
        failures.join("\n")
    );
}

/// Finance staff open CSV files in Excel, which reads UTF-8 only after a byte-order mark (the
/// batch results have one for that reason). Every CSV written to a file for them needs it.
#[test]
fn csv_files_written_for_excel_start_with_a_byte_order_mark() {
    let dir = tempdir();
    let mut missing = Vec::new();
    for (what, args) in [
        (
            "inputs --format csv",
            &["inputs", SEED, "--format", "csv", "--out", "a.csv"][..],
        ),
        (
            "score --out r.csv",
            &["score", "--system", SEED, "--example", "--out", "b.csv"][..],
        ),
        (
            "show --format csv",
            &["show", SEED, "--format", "csv", "--out", "c.csv"][..],
        ),
    ] {
        let o = run(dir.path(), args);
        assert_eq!(o.status.code(), Some(0), "{what}: {}", stderr(&o));
        let file = args[args.len() - 1];
        let bytes = std::fs::read(dir.path().join(file)).unwrap();
        if !bytes.starts_with("\u{feff}".as_bytes()) {
            missing.push(what);
        }
    }
    assert!(
        missing.is_empty(),
        "CSV files without a byte-order mark (garbled Chinese in Excel): {missing:?}"
    );
}

/// The README's "Score your own department" walkthrough, step by step, on hunan-dept.
#[test]
fn readme_walkthrough() {
    let dir = tempdir();
    let b = jixiao::builtin("hunan-dept").unwrap();
    let system = b.system().unwrap();
    let example: serde_json::Value = serde_json::from_str(b.example()).unwrap();
    let example = example.as_object().unwrap();
    let expected: serde_json::Value = serde_json::from_str(&ok(
        dir.path(),
        &["score", "--system", "hunan-dept", "--example", "--format", "json"],
    ))
    .unwrap();
    let total = expected["total"].as_str().unwrap().to_string();

    ok(dir.path(), &["templates"]);
    assert!(ok(dir.path(), &["show", "hunan-dept", "--format", "md"]).contains("| 评分标准 |"));
    let o = run(
        dir.path(),
        &["inputs", "hunan-dept", "--format", "csv", "--out", "my-dept.csv"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // Fill in the 数值 column as a finance officer would (levels by name, items separated by 、).
    let template = std::fs::read_to_string(dir.path().join("my-dept.csv")).unwrap();
    let mut rows = parse_csv(&template);
    for row in rows.iter_mut().skip(1) {
        if let Some(v) = example.get(&row[0]) {
            row[1] = match v {
                serde_json::Value::Object(level) => level["level"].as_str().unwrap().to_string(),
                other => common::cell_text(other),
            };
        }
    }
    let filled: String = rows.iter().map(|r| common::csv_line(r)).collect();
    write(dir.path(), "my-dept.csv", &filled);
    let out = ok(
        dir.path(),
        &["score", "--system", "hunan-dept", "--input", "my-dept.csv"],
    );
    let last = out.lines().last().unwrap();
    assert!(last.starts_with(&format!("综合得分{total}分")), "{last}");
    let o = run(
        dir.path(),
        &[
            "score",
            "--system",
            "hunan-dept",
            "--input",
            "my-dept.csv",
            "--out",
            "自评表.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let sheet = common::read_xlsx(&dir.path().join("自评表.xlsx"));
    let total_row = sheet
        .iter()
        .find(|r| r.first().map(common::data_text).as_deref() == Some("合计"))
        .unwrap();
    assert_eq!(common::data_text(&total_row[5]), total);
    let en = ok(
        dir.path(),
        &[
            "score",
            "--system",
            "hunan-dept",
            "--input",
            "my-dept.csv",
            "--lang",
            "en",
        ],
    );
    assert!(en.lines().last().unwrap().starts_with(&format!("total {total}")));

    // Many departments: display names in the header, 单位名称 first.
    let mut header = vec!["单位名称".to_string()];
    let names: Vec<&String> = example.keys().collect();
    header.extend(names.iter().map(|n| common::display_name(&system, n)));
    let mut text = common::csv_line(&header);
    for k in 0..3 {
        let mut row = vec![format!("部门{k}")];
        row.extend(names.iter().map(|n| match &example[*n] {
            serde_json::Value::Object(level) => level["level"].as_str().unwrap().to_string(),
            other => common::cell_text(other),
        }));
        text.push_str(&common::csv_line(&row));
    }
    write(dir.path(), "departments.csv", &text);
    let o = run(
        dir.path(),
        &[
            "batch",
            "--system",
            "hunan-dept",
            "--input",
            "departments.csv",
            "--out",
            "results.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let results = common::read_xlsx(&dir.path().join("results.xlsx"));
    assert_eq!(results.len(), 4);
    let total_col = results[0].iter().position(|c| common::data_text(c) == "总分").unwrap();
    for row in &results[1..] {
        assert_eq!(common::data_text(&row[total_col]), total);
    }
}

/// The template as a workbook (`--format xlsx --out`): the CSV template's cells (numbers as
/// numbers), read back by `jixiao score --input` to the example's result, for every built-in.
#[test]
fn xlsx_template_scores_as_the_example() {
    let dir = tempdir();
    assert_eq!(
        fatal(dir.path(), &["inputs", SEED, "--format", "xlsx"]),
        "error: --format xlsx needs --out FILE.xlsx"
    );
    for b in jixiao::builtins() {
        let name = format!("{}.xlsx", b.id);
        ok(
            dir.path(),
            &["inputs", b.id, "--format", "xlsx", "--example", "--out", &name],
        );
        let csv = parse_csv(&ok(dir.path(), &["inputs", b.id, "--format", "csv", "--example"]));
        let sheet = common::read_xlsx(&dir.path().join(&name));
        let texts: Vec<Vec<String>> = sheet
            .iter()
            .map(|r| r.iter().map(common::data_text).collect())
            .collect();
        assert_eq!(texts.len(), csv.len(), "{}", b.id);
        for (row, want) in texts.iter().zip(&csv) {
            // Names, units and notes as the CSV has them; values as the same decimals.
            assert_eq!(row[0], want[0], "{}", b.id);
            if let (Ok(a), Ok(b)) = (jixiao::parse_decimal(&row[1]), jixiao::parse_decimal(&want[1])) {
                assert_eq!(a, b, "{}", want[0]);
            } else {
                assert_eq!(row[1], want[1]);
            }
        }
        let expected = ok(
            dir.path(),
            &["score", "--system", b.id, "--example", "--format", "json"],
        );
        let got = ok(
            dir.path(),
            &["score", "--system", b.id, "--input", &name, "--format", "json"],
        );
        let (expected, got): (serde_json::Value, serde_json::Value) = (
            serde_json::from_str(&expected).unwrap(),
            serde_json::from_str(&got).unwrap(),
        );
        assert_eq!(
            (&got["total"], &got["grade"]),
            (&expected["total"], &expected["grade"]),
            "{}",
            b.id
        );
    }
}
