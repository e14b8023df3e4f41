//! The command line's messages as users read them: in Chinese by default, located by file, row
//! and cell, and in English with `--lang en`. (The other CLI tests pin the English wording.)
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{SIMPLE, read_csv, run_zh, stderr, stdout, tempdir, write};

#[test]
fn an_unknown_system_is_named_in_chinese() {
    let dir = tempdir();
    let o = run_zh(dir.path(), &["score", "--system", "不存在的体系", "--example"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(
        err.trim_end(),
        "错误：“不存在的体系”既不是内置评价体系（见 jixiao templates），也不是已有的文件"
    );
}

#[test]
fn a_bad_figure_is_located_and_worded_in_chinese_and_in_english_on_request() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(
        dir.path(),
        "a.csv",
        "编制数,在职人员数,年初预算,年末结余\n100,七十六,1000,0\n",
    );
    let o = run_zh(dir.path(), &["score", "--system", "simple.json", "--input", "a.csv"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.starts_with("错误：a.csv："), "{err}");
    assert!(err.contains("“在职人员数”：“七十六”不是数字"), "{err}");
    let o = run_zh(
        dir.path(),
        &["score", "--system", "simple.json", "--input", "a.csv", "--lang", "en"],
    );
    let err = stderr(&o);
    assert!(err.starts_with("error: a.csv: "), "{err}");
    assert!(err.contains("is not a decimal number"), "{err}");
}

#[test]
fn a_system_file_with_errors_says_how_many_and_where() {
    let dir = tempdir();
    write(
        dir.path(),
        "bad.json",
        r#"{"format": 1, "id": "x", "name": "x", "indicators": [{"id": "1", "name": "a", "points": "5"}],
            "grades": [{"label": "合格"}]}"#,
    );
    let o = run_zh(dir.path(), &["validate", "bad.json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(
        err.lines().collect::<Vec<_>>(),
        [
            "bad.json：indicators[1]：a leaf indicator needs a rule",
            "bad.json：共1处错误"
        ],
    );
    let o = run_zh(dir.path(), &["score", "--system", "bad.json", "--example"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim_end(),
        "错误：bad.json：评价体系文件有1处错误：indicators[1]：a leaf indicator needs a rule"
    );
    let o = run_zh(dir.path(), &["validate", "simple.json"]);
    assert_eq!(o.status.code(), Some(2), "a missing file is fatal");
    assert!(stderr(&o).starts_with("错误：simple.json：无法读取"), "{}", stderr(&o));
    write(dir.path(), "simple.json", SIMPLE);
    let o = run_zh(dir.path(), &["validate", "simple.json"]);
    assert_eq!(
        stdout(&o).trim_end(),
        "simple.json：有效 — 测试指标表（test-simple），计分指标3个，共25分"
    );
}

#[test]
fn a_batch_reports_bad_rows_in_chinese_in_the_error_column_and_on_standard_error() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    write(
        dir.path(),
        "u.csv",
        "单位,编制数,在职人员数,年初预算,年末结余,违规次数\nU1,100,100,1000,0,0\nU2,100,100,1000,0,若干\nU3,100,100,1000,0,0,9\n",
    );
    let o = run_zh(
        dir.path(),
        &[
            "batch",
            "--system",
            "simple.json",
            "--input",
            "u.csv",
            "--id-column",
            "单位",
            "--out",
            "r.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).lines().collect::<Vec<_>>(),
        [
            "u.csv 第3行（U2）：“违规次数”：“若干”不是数字（应填写如 82.39 或 95% 的数字）",
            "u.csv 第4行（U3）：该行有7个单元格，但表头只有6列",
            "1个单位已计分，2个未能计分 → r.csv",
        ]
    );
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows[2][9], "“违规次数”：“若干”不是数字（应填写如 82.39 或 95% 的数字）");
    assert_eq!(rows[3][9], "该行有7个单元格，但表头只有6列");
}

#[test]
fn the_environment_can_ask_for_english_messages_and_lang_overrides_it() {
    let dir = tempdir();
    let o = common::jixiao_zh(dir.path())
        .env("JIXIAO_LANG", "en")
        .args(["score", "--system", "nosuch", "--example"])
        .output()
        .expect("jixiao runs");
    assert!(
        stderr(&o).starts_with("error: `nosuch` is neither a built-in system"),
        "{}",
        stderr(&o)
    );
    let o = common::jixiao_zh(dir.path())
        .env("JIXIAO_LANG", "en")
        .args(["score", "--system", "nosuch", "--example", "--lang", "zh"])
        .output()
        .expect("jixiao runs");
    assert!(stderr(&o).starts_with("错误：“nosuch”"), "{}", stderr(&o));
}

#[test]
fn a_batch_lists_failed_warning_checks_in_a_hint_column_and_keeps_the_scores() {
    let dir = tempdir();
    let system = SIMPLE.replacen(
        "\"grades\":",
        "\"checks\": [{\"id\": \"K1\", \"name\": \"结余不超过预算\", \"expr\": \"年末结余 <= 年初预算\"}],\n  \"grades\":",
        1,
    );
    assert_ne!(system, SIMPLE);
    write(dir.path(), "checked.json", &system);
    write(
        dir.path(),
        "u.csv",
        "单位,编制数,在职人员数,年初预算,年末结余\nU1,100,100,1000,0\nU2,100,100,1000,1200\n",
    );
    let o = run_zh(
        dir.path(),
        &[
            "batch",
            "--system",
            "checked.json",
            "--input",
            "u.csv",
            "--id-column",
            "单位",
            "--out",
            "r.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rows = read_csv(&dir.path().join("r.csv"));
    assert_eq!(rows[0].last().map(String::as_str), Some("提示"));
    assert_eq!(rows[1].last().map(String::as_str), Some(""));
    assert_eq!(
        rows[2].last().map(String::as_str),
        Some("勾稽关系K1“结余不超过预算”不符")
    );
    // The scores stand: 预算完成率 below zero counts as 0 (a rate), the others full: 总分 15.00.
    assert_eq!(rows[2][7], "15.00");
}
