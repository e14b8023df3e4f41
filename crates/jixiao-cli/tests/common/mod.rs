//! Helpers shared by the `jixiao` command-line tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use jixiao::Decimal;

/// The seed system: its bundled example must score 91.73 / 优秀.
pub const SEED: &str = "xiangxi-commerce-2019";

/// The `jixiao` binary built for this test run.
pub fn bin() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_jixiao"))
}

/// A `jixiao` command running in `dir` (so that error messages name files relative to it), with
/// backtraces switched on: a panic would show one and fail [`assert_clean`]. Its messages are in
/// English (`JIXIAO_LANG=en`, which a `--lang` argument overrides): these tests pin the English
/// wording; `cli_messages.rs` pins the Chinese one, the default ([`jixiao_zh`]).
pub fn jixiao(dir: &Path) -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(bin());
    cmd.current_dir(dir)
        .env("RUST_BACKTRACE", "1")
        .env_remove("RUST_LOG")
        .env("JIXIAO_LANG", "en");
    cmd
}

/// A `jixiao` command as users run it: messages in the default language (中文).
pub fn jixiao_zh(dir: &Path) -> assert_cmd::Command {
    let mut cmd = jixiao(dir);
    cmd.env_remove("JIXIAO_LANG");
    cmd
}

/// Runs `jixiao args...` in `dir` with messages in Chinese.
pub fn run_zh(dir: &Path, args: &[&str]) -> Output {
    jixiao_zh(dir).args(args).output().expect("jixiao runs")
}

/// Runs `jixiao args...` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    jixiao(dir).args(args).output().expect("jixiao runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

/// No Rust panic, backtrace or debug formatting reaches the user.
pub fn assert_clean(stderr: &str) {
    for bad in ["panicked", "backtrace", "RUST_BACKTRACE", "thread '", "Error {", "Os {"] {
        assert!(!stderr.contains(bad), "stderr shows `{bad}`:\n{stderr}");
    }
}

/// Runs a command that must succeed (exit 0) with a clean standard error; returns standard output.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let o = run(dir, args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(0), "jixiao {args:?} failed:\n{err}");
    assert_clean(&err);
    stdout(&o)
}

/// Runs a command that must fail with exit status 2, print nothing on standard output and exactly
/// one error line on standard error; returns that line (without its newline).
pub fn fatal(dir: &Path, args: &[&str]) -> String {
    let o = run(dir, args);
    let err = stderr(&o);
    assert_clean(&err);
    assert_eq!(
        o.status.code(),
        Some(2),
        "jixiao {args:?}: expected exit status 2; stderr:\n{err}"
    );
    assert!(
        o.stdout.is_empty(),
        "jixiao {args:?}: nothing on stdout expected, got:\n{}",
        stdout(&o)
    );
    assert!(err.ends_with('\n'), "the error line ends with a newline: {err:?}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "jixiao {args:?}: one error line expected, got:\n{err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    lines[0].to_string()
}

/// A fresh temporary directory.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary directory")
}

pub fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write test file");
    path
}

pub fn dec(text: &str) -> Decimal {
    text.parse()
        .unwrap_or_else(|e| panic!("`{text}` is not a decimal: {e}"))
}

/// The seed's bundled example inputs as (name, JSON value), in file order.
pub fn seed_example() -> Vec<(String, serde_json::Value)> {
    let b = jixiao::builtin(SEED).expect("the seed is built in");
    let value: serde_json::Value = serde_json::from_str(b.example()).expect("example is JSON");
    value
        .as_object()
        .expect("example is an object")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// A JSON example value as the text a spreadsheet cell would hold.
pub fn cell_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().expect("checklist items are strings"))
            .collect::<Vec<_>>()
            .join("、"),
        other => panic!("unexpected example value {other}"),
    }
}

/// The display name of an input as finance staff head a column: `编制数（人）`, `年初预算（万元）`.
pub fn display_name(system: &jixiao::IndicatorSystem, name: &str) -> String {
    let input = system.inputs.iter().find(|i| i.name == name).expect("declared input");
    match &input.unit {
        Some(unit) => format!("{name}（{unit}）"),
        None => name.to_string(),
    }
}

/// A CSV line (fields quoted when needed).
pub fn csv_line(cells: &[String]) -> String {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    format!("{}\n", quoted.join(","))
}

/// A small system scored by hand in the tests (25 points):
/// - 1.1 在职人员控制率 (10): 1 point off per whole 1% above 100%;
/// - 2.1 预算完成率 (10): 10 × (年初预算 − 年末结余) / 年初预算;
/// - 2.2 资金使用合规性 (5): 1 point off per 违规次数 (default 0).
///
/// Grades: 优 ≥ 22, 良 ≥ 18, else 差.
pub const SIMPLE: &str = r#"{
  "format": 1,
  "id": "test-simple",
  "name": "测试指标表",
  "name_en": "Test table",
  "issuer": "测试财政局",
  "year": 2024,
  "source": "written for the jixiao-cli tests",
  "total_points": "25",
  "inputs": [
    {"name": "编制数", "name_en": "authorized staff", "unit": "人", "min": "1"},
    {"name": "在职人员数", "name_en": "staff", "unit": "人", "min": "0"},
    {"name": "年初预算", "name_en": "budget", "unit": "万元", "min": "0"},
    {"name": "年末结余", "name_en": "balance", "unit": "万元", "min": "0"},
    {"name": "违规次数", "name_en": "violations", "kind": "count", "default": "0"}
  ],
  "metrics": [
    {"name": "在职人员控制率", "unit": "%", "expr": "在职人员数 / 编制数"},
    {"name": "预算完成率", "unit": "%", "expr": "(年初预算 - 年末结余) / 年初预算"}
  ],
  "indicators": [
    {"id": "1", "name": "投入", "points": "10", "children": [
      {"id": "1.1", "name": "在职人员控制率", "points": "10",
       "rule": {"type": "step", "value": "在职人员控制率", "direction": "above", "threshold": "100%",
                "step": "1%", "deduct": "1", "counting": "whole"}}
    ]},
    {"id": "2", "name": "过程", "points": "15", "children": [
      {"id": "2.1", "name": "预算完成率", "points": "10", "rule": {"type": "rate", "value": "预算完成率"}},
      {"id": "2.2", "name": "资金使用合规性", "points": "5",
       "rule": {"type": "per_occurrence", "value": "违规次数", "deduct": "1"}}
    ]}
  ],
  "grades": [
    {"label": "优", "label_en": "excellent", "min": "22"},
    {"label": "良", "label_en": "good", "min": "18"},
    {"label": "差", "label_en": "poor"}
  ]
}"#;

/// Header of a batch result for [`SIMPLE`] in Chinese.
pub const SIMPLE_RESULT_HEADER: [&str; 10] = [
    "行号",
    "单位",
    "1 投入",
    "1.1 在职人员控制率",
    "2 过程",
    "2.1 预算完成率",
    "2.2 资金使用合规性",
    "总分",
    "等次",
    "错误",
];

/// One unit of [`SIMPLE`]: 编制数 100.
#[derive(Debug, Clone, Copy)]
pub struct SimpleUnit {
    pub staff: u32,
    pub budget: u32,
    pub balance: u32,
    pub violations: u32,
}

impl SimpleUnit {
    /// The n-th unit of the generated batches (varied, every figure reachable by hand).
    pub fn nth(n: u64) -> SimpleUnit {
        SimpleUnit {
            staff: 100 + (n % 15) as u32,
            budget: 1000,
            balance: ((n * 7) % 401) as u32,
            violations: (n % 7) as u32,
        }
    }

    pub fn cells(&self) -> [String; 5] {
        [
            "100".to_string(),
            self.staff.to_string(),
            self.budget.to_string(),
            self.balance.to_string(),
            self.violations.to_string(),
        ]
    }

    /// Scores computed by hand, in hundredths: (1.1, 2.1, 2.2, total) and the grade.
    pub fn expected(&self) -> Expected {
        // 在职人员控制率 = staff / 100: (staff − 100) whole percentage points above 100%.
        let over = i64::from(self.staff.saturating_sub(100));
        let s11 = (10 - over.min(10)) * 100;
        // 10 × (budget − balance) / budget, in hundredths: 1000 × (budget − balance) / budget.
        let spent = i64::from(self.budget) - i64::from(self.balance);
        assert!(
            spent >= 0 && (1000 * spent) % i64::from(self.budget) == 0,
            "keep it exact"
        );
        let s21 = 1000 * spent / i64::from(self.budget);
        let s22 = (5 - i64::from(self.violations).min(5)) * 100;
        let total = s11 + s21 + s22;
        let grade = if total >= 2200 {
            "优"
        } else if total >= 1800 {
            "良"
        } else {
            "差"
        };
        Expected {
            s11: Decimal::new(s11, 2),
            s21: Decimal::new(s21, 2),
            s22: Decimal::new(s22, 2),
            total: Decimal::new(total, 2),
            grade,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub s11: Decimal,
    pub s21: Decimal,
    pub s22: Decimal,
    pub total: Decimal,
    pub grade: &'static str,
}

impl Expected {
    /// The result row's cells after 行号 and 单位 (scores, total, grade, empty error).
    pub fn check_row(&self, row: &[String], context: &str) {
        assert_eq!(row.len(), SIMPLE_RESULT_HEADER.len(), "{context}: {row:?}");
        assert_eq!(dec(&row[2]), self.s11, "{context}: 1 投入 {row:?}");
        assert_eq!(dec(&row[3]), self.s11, "{context}: 1.1 {row:?}");
        assert_eq!(dec(&row[4]), self.s21 + self.s22, "{context}: 2 过程 {row:?}");
        assert_eq!(dec(&row[5]), self.s21, "{context}: 2.1 {row:?}");
        assert_eq!(dec(&row[6]), self.s22, "{context}: 2.2 {row:?}");
        assert_eq!(dec(&row[7]), self.total, "{context}: 总分 {row:?}");
        assert_eq!(row[8], self.grade, "{context}: 等次 {row:?}");
        assert_eq!(row[9], "", "{context}: no error {row:?}");
    }
}

/// Reads a CSV written by `jixiao` (a leading byte-order mark is dropped) as rows of cells.
pub fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let bytes = std::fs::read(path).expect("read CSV");
    let text = String::from_utf8(bytes).expect("CSV is UTF-8");
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    reader
        .records()
        .map(|r| r.expect("CSV record").iter().map(str::to_string).collect())
        .collect()
}

/// The first worksheet of a workbook as calamine cells.
pub fn read_xlsx(path: &Path) -> Vec<Vec<calamine::Data>> {
    use calamine::Reader as _;
    let mut workbook = calamine::open_workbook_auto(path).expect("open workbook");
    let range = workbook
        .worksheet_range_at(0)
        .expect("a worksheet")
        .expect("read worksheet");
    range.rows().map(<[calamine::Data]>::to_vec).collect()
}

/// A calamine cell as text (numbers in their shortest form, `1` for 1.0).
pub fn data_text(d: &calamine::Data) -> String {
    match d {
        calamine::Data::Empty => String::new(),
        calamine::Data::String(s) => s.clone(),
        calamine::Data::Float(f) => format!("{f}"),
        calamine::Data::Int(i) => i.to_string(),
        calamine::Data::Bool(b) => b.to_string(),
        other => format!("{other:?}"),
    }
}
