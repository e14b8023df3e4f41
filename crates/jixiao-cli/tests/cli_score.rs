//! `jixiao score`: the seed's 自评表 (预算完成率 2, 预算调整率 0, total 91.73, grade 优秀) from
//! `--example` and from inputs in JSON, TOML, CSV (two layouts) and Excel, in every output format,
//! in English, and written with `--out` (format from the extension).
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use calamine::Data;
use common::{
    SEED, SIMPLE, cell_text, csv_line, data_text, display_name, fatal, ok, read_xlsx, run, seed_example, stderr,
    stdout, tempdir, write,
};
use rust_xlsxwriter::{Format, Workbook};

fn example(dir: &Path, format: &str) -> String {
    ok(dir, &["score", "--system", SEED, "--example", "--format", format])
}

/// The columns of an aligned text-table line (columns are separated by two or more blanks).
fn cols(line: &str) -> Vec<String> {
    line.trim()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// Asserts that an explanation holds every one of the pieces (figures and key words; the exact
/// wording is the engine's and is checked by its own tests).
fn says(text: &str, pieces: &[&str]) {
    for p in pieces {
        assert!(text.contains(p), "`{p}` missing from: {text}");
    }
}

/// The Chinese closing line: 综合得分 {total} 分 ... 评价等次：{grade}.
fn closing_zh(line: &str, total: &str, grade: &str) {
    assert!(line.starts_with(&format!("综合得分{total}分")), "{line}");
    assert!(line.ends_with(&format!("评价等次：{grade}")), "{line}");
}

/// The seed's figures in the plain-text table.
fn check_seed_table(out: &str) {
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "湘西州商务局2019年度部门整体支出绩效自评评分表");
    assert_eq!(cols(lines[1]), ["指标", "分值", "自评得分", "扣分原因及说明"]);
    let row = |id: &str| {
        let line = lines
            .iter()
            .find(|l| l.trim_start().starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row {id}:\n{out}"));
        cols(line)
    };
    let completion = row("2.1.1");
    assert_eq!(completion[..3], ["2.1.1 预算完成率", "5", "2.00"]);
    says(
        &completion[3],
        &[
            "预算完成率=(860+2000+899+108−681)/(860+2000+899+108)=82.39%",
            "较100%低17.61个百分点",
            "按每低5个百分点扣1分计扣3分",
            "得2分",
        ],
    );
    let adjustment = row("2.1.2");
    assert_eq!(adjustment[..3], ["2.1.2 预算调整率", "5", "0.00"]);
    says(
        &adjustment[3],
        &["预算调整率=(899−0)/2000=44.95%", "处于“超过30%”档次", "得0分"],
    );
    let building = row("2.1.3");
    assert_eq!(building[..3], ["2.1.3 新建楼堂馆所面积控制率", "5", "5.00"]);
    assert!(
        building[3] == "本年度无完工的新建楼堂馆所项目，按满分计算，得5分（分值5分）",
        "{building:?}"
    );
    assert_eq!(row("2.1")[..3], ["2.1 预算执行", "20", "12.00"]);
    assert_eq!(row("2")[..3], ["2 过程", "61", "52.73"]);
    assert_eq!(row("2.2.1")[..3], ["2.2.1 公用经费控制率", "5", "4.73"]);
    assert_eq!(row("1")[..3], ["1 投入", "13", "13.00"]);
    closing_zh(lines.last().unwrap(), "91.73", "优秀");
}

#[test]
fn score_example_table_reproduces_the_seed() {
    let dir = tempdir();
    let out = ok(dir.path(), &["score", "--system", SEED, "--example"]);
    check_seed_table(&out);
    assert_eq!(out, example(dir.path(), "table"), "table is the default format");
}

/// A deduction is explained with figures a reader can check, not with 27 decimal places (the
/// exact values are in `--format json`'s `exact_score`).
#[test]
fn score_table_explanations_have_readable_figures() {
    let dir = tempdir();
    for format in ["table", "md", "csv", "html"] {
        let out = example(dir.path(), format);
        for line in out.lines() {
            let longest = longest_fraction(line);
            assert!(
                longest <= 6,
                "--format {format}: a figure with {longest} decimal places in: {line}"
            );
        }
    }
}

/// The most digits after a decimal point in any number of the text.
fn longest_fraction(text: &str) -> usize {
    let chars: Vec<char> = text.chars().collect();
    let mut longest = 0;
    for (i, c) in chars.iter().enumerate() {
        if *c == '.' && i > 0 && chars[i - 1].is_ascii_digit() {
            let n = chars[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
            longest = longest.max(n);
        }
    }
    longest
}

#[test]
fn score_example_json() {
    let dir = tempdir();
    let out = example(dir.path(), "json");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(doc["system"], SEED);
    assert_eq!(doc["total"], "91.73");
    assert_eq!(doc["grade"], "优秀");
    assert_eq!(doc["grade_en"], "excellent");
    assert_eq!(doc["full_points"], "100");
    // The total is formed from the stated scores (表内合计); the exact ones stay in exact_score.
    assert_eq!(doc["exact_total"], "91.73");
    let ind = |id: &str| {
        doc["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("indicator {id}"))
            .clone()
    };
    let completion = ind("2.1.1");
    assert_eq!(completion["score"], "2.00");
    assert_eq!(completion["points"], "5");
    assert_eq!(completion["deductions"][0]["amount"], "3.00");
    assert!(completion["value"].as_str().unwrap().starts_with("0.82389449185"));
    assert!(
        completion["explanation"]
            .as_str()
            .unwrap()
            .contains("扣3分（不足5个百分点部分不扣分），得2分")
    );
    let adjustment = ind("2.1.2");
    assert_eq!(adjustment["score"], "0.00");
    assert_eq!(adjustment["deductions"][0]["amount"], "5.00");
    assert_eq!(ind("2.1.3")["status"], "not_applicable");
    assert_eq!(ind("2")["score"], "52.73");
    assert_eq!(ind("2")["exact_score"], "52.727891156462585034013605442");
    assert_eq!(ind("2.2.1")["score"], "4.73");
    closing_zh(
        doc["explanation"].as_str().unwrap().lines().last().unwrap(),
        "91.73",
        "优秀",
    );
}

#[test]
fn score_example_markdown() {
    let dir = tempdir();
    let out = example(dir.path(), "md");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "# 湘西州商务局2019年度部门整体支出绩效自评评分表");
    assert!(
        lines.contains(&"| 一级指标 | 二级指标 | 三级指标 | 分值 | 评分标准 | 自评得分 | 扣分 | 扣分原因及说明 |"),
        "{out}"
    );
    let row = |id: &str| {
        let l = lines
            .iter()
            .find(|l| l.contains(&format!("| {id} ")))
            .unwrap_or_else(|| panic!("{id}: {out}"));
        l.trim_matches('|')
            .split(" | ")
            .map(str::trim)
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    let completion = row("2.1.1");
    assert_eq!(completion[..4], ["", "", "2.1.1 预算完成率", "5"]);
    assert!(completion[4].starts_with("预算完成率以"), "{completion:?}");
    assert_eq!(completion[5..7], ["2.00", "3.00"]);
    assert_eq!(row("2.1.2")[5..7], ["0.00", "5.00"]);
    let total = row("合计");
    assert_eq!(total[..6], ["合计", "", "", "100", "", "91.73"], "{out}");
    closing_zh(&total[7], "91.73", "优秀");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("| 评价等次 |  |  |  |  | 优秀 |  | ")),
        "{out}"
    );
}

#[test]
fn score_example_html() {
    let dir = tempdir();
    let out = example(dir.path(), "html");
    assert!(out.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(out.contains(
        "<td class=\"n\">2.00</td><td class=\"n\">3.00</td><td>预算完成率=(860+2000+899+108−681)/(860+2000+899+108)=82.39%"
    ));
    assert!(out.contains("<td class=\"n\">0.00</td><td class=\"n\">5.00</td><td>预算调整率=(899−0)/2000=44.95%"));
    let totals: Vec<&str> = out.lines().filter(|l| l.starts_with("<tr class=\"total\">")).collect();
    assert_eq!(totals.len(), 2, "{totals:#?}");
    assert!(totals[0].starts_with(
        "<tr class=\"total\"><td>合计</td><td></td><td></td><td class=\"n\">100</td><td></td><td class=\"n\">91.73</td>"
    ));
    assert!(totals[1].contains("<td class=\"n\">优秀</td>"));
}

#[test]
fn score_example_csv() {
    let dir = tempdir();
    let out = example(dir.path(), "csv");
    let rows = parse_csv(&out);
    assert_eq!(
        rows[0],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "分值",
            "评分标准",
            "自评得分",
            "扣分",
            "扣分原因及说明"
        ]
    );
    let row = |name: &str| {
        rows.iter()
            .find(|r| r.iter().any(|c| c == name))
            .unwrap_or_else(|| panic!("{name}"))
    };
    assert_eq!(row("2.1.1 预算完成率")[5..7], ["2.00", "3.00"]);
    assert_eq!(row("2.1.2 预算调整率")[5..7], ["0.00", "5.00"]);
    // A group row: points and score, no standard and no explanation.
    assert_eq!(row("2 过程")[3..], ["61", "", "52.73", "8.27", ""]);
    assert_eq!(row("合计")[3..6], ["100", "", "91.73"]);
    assert_eq!(row("评价等次")[5], "优秀");
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

/// The seed's figures in a workbook written by `score`.
fn check_seed_xlsx(path: &Path) {
    let rows = read_xlsx(path);
    let header: Vec<String> = rows[0].iter().map(data_text).collect();
    assert_eq!(
        header,
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "分值",
            "评分标准",
            "自评得分",
            "扣分",
            "扣分原因及说明"
        ]
    );
    let row = |name: &str| {
        rows.iter()
            .find(|r| r.iter().any(|c| matches!(c, Data::String(s) if s == name)))
            .unwrap_or_else(|| panic!("no row {name}"))
    };
    assert_eq!(row("2.1.1 预算完成率")[3], Data::Float(5.0));
    assert_eq!(row("2.1.1 预算完成率")[5], Data::Float(2.0));
    assert_eq!(row("2.1.2 预算调整率")[5], Data::Float(0.0));
    assert_eq!(row("2.1.2 预算调整率")[6], Data::Float(5.0));
    assert_eq!(row("合计")[5], Data::Float(91.73), "the total cell is the number 91.73");
    assert_eq!(row("评价等次")[5], Data::String("优秀".into()));
}

#[test]
fn score_example_xlsx() {
    let dir = tempdir();
    let o = run(
        dir.path(),
        &[
            "score",
            "--system",
            SEED,
            "--example",
            "--format",
            "xlsx",
            "--out",
            "seed.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "");
    check_seed_xlsx(&dir.path().join("seed.xlsx"));
}

#[test]
fn score_out_infers_the_format_from_the_extension() {
    let dir = tempdir();
    for (name, format) in [
        ("r.json", "json"),
        ("r.md", "md"),
        ("r.html", "html"),
        ("r.htm", "html"),
        ("r.csv", "csv"),
        ("r.txt", "table"),
        ("r", "table"),
    ] {
        let o = run(dir.path(), &["score", "--system", SEED, "--example", "--out", name]);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stderr(&o));
        assert_eq!(stdout(&o), "", "{name}: nothing on stdout");
        assert_eq!(stderr(&o), "");
        let written = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(
            written,
            example(dir.path(), format),
            "--out {name} is --format {format}"
        );
    }
    let o = run(dir.path(), &["score", "--system", SEED, "--example", "--out", "r.xlsx"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    check_seed_xlsx(&dir.path().join("r.xlsx"));
    // An explicit --format wins over the extension.
    let o = run(
        dir.path(),
        &[
            "score",
            "--system",
            SEED,
            "--example",
            "--format",
            "json",
            "--out",
            "x.md",
        ],
    );
    assert_eq!(o.status.code(), Some(0));
    let written = std::fs::read_to_string(dir.path().join("x.md")).unwrap();
    assert_eq!(written, example(dir.path(), "json"));
}

#[test]
fn score_in_english() {
    let dir = tempdir();
    let out = ok(dir.path(), &["score", "--system", SEED, "--example", "--lang", "en"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "Xiangxi Prefecture Bureau of Commerce, 2019 self-evaluation (xiangxi-commerce-2019)"
    );
    assert_eq!(cols(lines[1]), ["Indicator", "Points", "Score", "Explanation"]);
    let completion = cols(lines.iter().find(|l| l.contains("2.1.1")).unwrap());
    assert_eq!(completion[1..3], ["5", "2.00"]);
    says(
        &completion[3],
        &[
            "预算完成率 = (860+2000+899+108−681)/(860+2000+899+108) = 82.39%",
            "17.61 percentage points below 100%",
            "scores 2 of 5",
        ],
    );
    let adjustment = cols(lines.iter().find(|l| l.contains("2.1.2")).unwrap());
    assert_eq!(adjustment[1..3], ["5", "0.00"]);
    says(
        &adjustment[3],
        &["预算调整率 = (899−0)/2000 = 44.95%", "over 30%", "scores 0 of 5"],
    );
    let last = lines.last().unwrap();
    assert!(last.starts_with("total 91.73") && last.ends_with("excellent"), "{last}");
    assert!(!out.contains("综合得分"));

    let json = ok(
        dir.path(),
        &[
            "score",
            "--system",
            SEED,
            "--example",
            "--lang",
            "en",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["total"], "91.73");
    let last = doc["explanation"].as_str().unwrap().lines().last().unwrap().to_string();
    assert!(last.starts_with("total 91.73") && last.ends_with("excellent"), "{last}");

    let csv = ok(
        dir.path(),
        &[
            "score",
            "--system",
            SEED,
            "--example",
            "--lang",
            "en",
            "--format",
            "csv",
        ],
    );
    let rows = parse_csv(&csv);
    assert_eq!(
        rows[0],
        [
            "Level 1",
            "Level 2",
            "Level 3",
            "Points",
            "Scoring standard",
            "Score",
            "Deducted",
            "Explanation"
        ]
    );
    assert!(rows.iter().any(|r| r[5] == "91.73"));

    let md = ok(
        dir.path(),
        &["score", "--system", SEED, "--example", "--lang", "en", "--format", "md"],
    );
    assert!(
        md.contains("| Level 1 | Level 2 | Level 3 | Points | Scoring standard | Score | Deducted | Explanation |")
    );
    assert!(md.contains("| 91.73 |"));
    let html = ok(
        dir.path(),
        &[
            "score",
            "--system",
            SEED,
            "--example",
            "--lang",
            "en",
            "--format",
            "html",
        ],
    );
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("<td class=\"n\">91.73</td>"));

    let o = run(
        dir.path(),
        &[
            "score",
            "--system",
            SEED,
            "--example",
            "--lang",
            "en",
            "--out",
            "en.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_xlsx(&dir.path().join("en.xlsx"));
    assert_eq!(data_text(&rows[0][7]), "Explanation");
    assert!(rows.iter().any(|r| r.get(5) == Some(&Data::Float(91.73))));
}

// ---------------------------------------------------------------------------------------------
// Inputs from files: every format must give exactly the --example table.

#[test]
fn score_input_json_file() {
    let dir = tempdir();
    let b = jixiao::builtin(SEED).unwrap();
    write(dir.path(), "unit.json", b.example());
    let out = ok(dir.path(), &["score", "--system", SEED, "--input", "unit.json"]);
    assert_eq!(out, example(dir.path(), "table"));
    // With a byte-order mark, as Windows editors save it.
    write(dir.path(), "bom.json", &format!("\u{feff}{}", b.example()));
    assert_eq!(ok(dir.path(), &["score", "--system", SEED, "--input", "bom.json"]), out);
}

/// The example as TOML (keys quoted: TOML bare keys are ASCII only; decimals as strings).
fn example_toml() -> String {
    let mut text = String::from("# 湘西州商务局 2019\n");
    for (name, value) in seed_example() {
        let v = match &value {
            serde_json::Value::String(s) => format!("\"{s}\""),
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::Bool(b) => b.to_string(),
            serde_json::Value::Array(items) => serde_json::to_string(items).unwrap(),
            other => panic!("{other}"),
        };
        text.push_str(&format!("\"{name}\" = {v}\n"));
    }
    text
}

#[test]
fn score_input_toml_file() {
    let dir = tempdir();
    write(dir.path(), "unit.toml", &example_toml());
    let out = ok(dir.path(), &["score", "--system", SEED, "--input", "unit.toml"]);
    check_seed_table(&out);
    assert_eq!(out, example(dir.path(), "table"));
    // A level with a score inside its band, as a TOML table.
    let text = example_toml().replace(
        "\"经济效益\" = \"达成\"",
        "\"经济效益\" = { level = \"达成\", score = \"1.8\" }",
    );
    write(dir.path(), "level.toml", &text);
    let out = ok(
        dir.path(),
        &["score", "--system", SEED, "--input", "level.toml", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let economic = doc["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "4.1.1")
        .unwrap();
    assert_eq!(economic["score"], "1.80");
    assert_eq!(doc["total"], "91.53");
}

#[test]
fn score_input_csv_two_column_layout() {
    let dir = tempdir();
    let system = jixiao::builtin(SEED).unwrap().system().unwrap();
    let expected = example(dir.path(), "table");
    // With a header row, names as declared.
    let mut text = csv_line(&["项目".into(), "数值".into()]);
    for (name, value) in seed_example() {
        text.push_str(&csv_line(&[name, cell_text(&value)]));
    }
    write(dir.path(), "long.csv", &text);
    assert_eq!(
        ok(dir.path(), &["score", "--system", SEED, "--input", "long.csv"]),
        expected
    );
    // Without a header row, display names with units, CRLF line ends and a byte-order mark (Excel's
    // "CSV UTF-8").
    let mut text = String::from("\u{feff}");
    for (name, value) in seed_example() {
        text.push_str(csv_line(&[display_name(&system, &name), cell_text(&value)]).trim_end());
        text.push_str("\r\n");
    }
    write(dir.path(), "long2.csv", &text);
    assert_eq!(
        ok(dir.path(), &["score", "--system", SEED, "--input", "long2.csv"]),
        expected
    );
}

#[test]
fn score_input_csv_header_and_one_row_with_display_names() {
    let dir = tempdir();
    let system = jixiao::builtin(SEED).unwrap().system().unwrap();
    let example = seed_example();
    let mut header = vec!["单位名称".to_string()];
    header.extend(example.iter().map(|(n, _)| display_name(&system, n)));
    assert!(header.contains(&"编制数（人）".to_string()));
    assert!(header.contains(&"年初预算（万元）".to_string()));
    let mut row = vec!["湘西州商务局".to_string()];
    row.extend(example.iter().map(|(_, v)| cell_text(v)));
    write(dir.path(), "wide.csv", &(csv_line(&header) + &csv_line(&row)));
    let out = ok(dir.path(), &["score", "--system", SEED, "--input", "wide.csv"]);
    check_seed_table(&out);
    assert_eq!(out, example_table(dir.path()));
    // Half-width brackets and plain names work too; so do the English names of the simple system.
    let header2: Vec<String> = header
        .iter()
        .map(|h| h.replace('（', " (").replace('）', ")"))
        .collect();
    write(dir.path(), "wide2.csv", &(csv_line(&header2) + &csv_line(&row)));
    assert_eq!(
        ok(dir.path(), &["score", "--system", SEED, "--input", "wide2.csv"]),
        out
    );

    write(dir.path(), "simple.json", SIMPLE);
    write(
        dir.path(),
        "en.csv",
        "unit,authorized staff,Staff,budget (万元),balance,violations\nA,100,103,1000,150,2\n",
    );
    let out = ok(
        dir.path(),
        &[
            "score",
            "--system",
            "simple.json",
            "--input",
            "en.csv",
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["total"], "18.50");
    assert_eq!(doc["grade"], "良");
}

fn example_table(dir: &Path) -> String {
    example(dir, "table")
}

/// Writes the seed's example as a workbook: numbers as numbers, the yes/no as an Excel boolean,
/// 满意度 as a percentage-formatted number (0.95 shown as 95%).
fn write_example_xlsx(path: &Path, wide: bool) {
    let system = jixiao::builtin(SEED).unwrap().system().unwrap();
    let mut workbook = Workbook::new();
    let percent = Format::new().set_num_format("0%");
    let sheet = workbook.add_worksheet();
    sheet.set_name("基础数据").unwrap();
    let cells: Vec<(String, serde_json::Value)> = seed_example();
    let put = |sheet: &mut rust_xlsxwriter::Worksheet, r: u32, c: u16, name: &str, v: &serde_json::Value| match v {
        serde_json::Value::Number(n) => {
            sheet.write_number(r, c, n.to_string().parse::<f64>().unwrap()).unwrap();
        }
        serde_json::Value::Bool(b) => {
            sheet.write_boolean(r, c, *b).unwrap();
        }
        serde_json::Value::String(s) if name == "满意度" => {
            let pct: f64 = s.trim_end_matches('%').parse().unwrap();
            sheet.write_number_with_format(r, c, pct / 100.0, &percent).unwrap();
        }
        serde_json::Value::String(s) => match s.parse::<f64>() {
            Ok(n) => {
                sheet.write_number(r, c, n).unwrap();
            }
            Err(_) => {
                sheet.write_string(r, c, s).unwrap();
            }
        },
        other => {
            sheet.write_string(r, c, cell_text(other)).unwrap();
        }
    };
    if wide {
        sheet.write_string(0, 0, "单位名称").unwrap();
        sheet.write_string(1, 0, "湘西州商务局").unwrap();
        for (i, (name, v)) in cells.iter().enumerate() {
            let c = u16::try_from(i + 1).unwrap();
            sheet.write_string(0, c, display_name(&system, name)).unwrap();
            put(sheet, 1, c, name, v);
        }
    } else {
        sheet.write_string(0, 0, "指标").unwrap();
        sheet.write_string(0, 1, "数值").unwrap();
        for (i, (name, v)) in cells.iter().enumerate() {
            let r = u32::try_from(i + 1).unwrap();
            sheet.write_string(r, 0, name).unwrap();
            put(sheet, r, 1, name, v);
        }
    }
    workbook.save(path).unwrap();
}

#[test]
fn score_input_xlsx_both_layouts() {
    let dir = tempdir();
    let expected = example_table(dir.path());
    write_example_xlsx(&dir.path().join("wide.xlsx"), true);
    let out = ok(dir.path(), &["score", "--system", SEED, "--input", "wide.xlsx"]);
    check_seed_table(&out);
    assert_eq!(out, expected);
    write_example_xlsx(&dir.path().join("long.xlsx"), false);
    assert_eq!(
        ok(dir.path(), &["score", "--system", SEED, "--input", "long.xlsx"]),
        expected
    );
    // Excel in, Excel out.
    let o = run(
        dir.path(),
        &[
            "score",
            "--system",
            SEED,
            "--input",
            "wide.xlsx",
            "--out",
            "result.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    check_seed_xlsx(&dir.path().join("result.xlsx"));
}

/// Excel holds binary doubles and shows at most 15 significant digits. A cell computed by a
/// formula (=1.1*100) holds 110.00000000000001 and shows 110; whether 在职人员数 110 of 编制数 110
/// (exactly 100%) or just above it (a deduction) was meant is not for the reader to guess: the
/// cell is refused, naming the figure it probably is, and neither the noise nor a rounding of it
/// is scored.
#[test]
fn score_input_xlsx_refuses_binary_noise() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let computed = 1.1_f64 * 100.0;
    assert_eq!(format!("{computed}"), "110.00000000000001");
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    for (c, (h, v)) in [
        ("编制数", 110.0),
        ("在职人员数", computed),
        ("年初预算", 1000.0),
        ("年末结余", 0.0),
    ]
    .into_iter()
    .enumerate()
    {
        let c = u16::try_from(c).unwrap();
        sheet.write_string(0, c, h).unwrap();
        sheet.write_number(1, c, v).unwrap();
    }
    workbook.save(dir.path().join("u.xlsx")).unwrap();
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "score",
                "--system",
                "simple.json",
                "--input",
                "u.xlsx",
                "--format",
                "json"
            ],
        ),
        "error: u.xlsx row 2: cell B2: 110.00000000000001 looks like binary floating-point noise (did you mean 110?); round it in the sheet (=ROUND(…, 2)) or type the figure"
    );
}

#[test]
fn score_a_system_file_with_json_and_csv_inputs() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(
        dir.path(),
        "a.json",
        r#"{"编制数": 100, "在职人员数": 103, "年初预算": "1000", "年末结余": "150", "违规次数": 2}"#,
    );
    let out = ok(dir.path(), &["score", "--system", "simple.json", "--input", "a.json"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "测试自评评分表");
    let control = cols(lines[3]);
    assert_eq!(control[..3], ["1.1 在职人员控制率", "10", "7.00"]);
    says(
        &control[3],
        &["在职人员控制率=103/100=103%", "较100%高3个百分点", "扣3分", "得7分"],
    );
    assert_eq!(cols(lines[5])[..3], ["2.1 预算完成率", "10", "8.50"]);
    assert_eq!(cols(lines[6])[..3], ["2.2 资金使用合规性", "5", "3.00"]);
    closing_zh(lines.last().unwrap(), "18.50", "良");
    // The same unit as a CSV with an omitted defaulted input (违规次数 defaults to 0).
    write(
        dir.path(),
        "b.csv",
        "编制数,在职人员数,年初预算,年末结余\n100,100,\"1,000\",0\n",
    );
    let out = ok(dir.path(), &["score", "--system", "simple.json", "--input", "b.csv"]);
    closing_zh(out.lines().last().unwrap(), "25.00", "优");
}
