//! The analysis subcommands on the seed (湘西州商务局 2019): whatif, compare, sensitivity, target
//! and audit, one unit and a table. Figures are worked out by hand in the engine's analysis tests:
//! 预算调整率 = 本年追加 / 2000 (tiers at 0, 10%, 20%, 30%); 预算完成率's shortfall is 681 / (2968 + 追加).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{SEED, fatal, ok, read_csv, run, stderr, stdout, tempdir, write};

#[test]
fn whatif_shows_what_changed_and_why() {
    let dir = tempdir();
    let out = ok(
        dir.path(),
        &["whatif", "--system", SEED, "--example", "--set", "本年追加=0"],
    );
    assert!(out.contains("2.1.2 预算调整率：0分→5分（+5分）"), "{out}");
    assert!(out.contains("2.1.1 预算完成率：2分→1分（-1分）"), "{out}");
    assert!(
        out.contains("现：预算调整率=(0−0)/2000=0，处于“为0”档次，得5分（分值5分）"),
        "{out}"
    );
    assert!(
        out.trim_end()
            .ends_with("综合得分91.73分→95.73分（+4分），评价等次仍为“优秀”"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "whatif",
            "--system",
            SEED,
            "--example",
            "--set",
            "本年追加=0",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(json["total_change"], "4");
    assert_eq!(json["changed"], serde_json::json!(["2", "2.1", "2.1.1", "2.1.2"]));
}

#[test]
fn whatif_refuses_unknown_inputs_and_bad_pairs() {
    let dir = tempdir();
    assert_eq!(
        fatal(
            dir.path(),
            &["whatif", "--system", SEED, "--example", "--set", "本年追减=0"]
        ),
        "error: --set `本年追减=0`: `本年追减` is not a declared input of `xiangxi-commerce-2019`"
    );
    assert_eq!(
        fatal(
            dir.path(),
            &["whatif", "--system", SEED, "--example", "--set", "本年追加"]
        ),
        "error: --set `本年追加`: expected NAME=VALUE, e.g. --set 本年追加=300"
    );
}

#[test]
fn compare_two_units() {
    let dir = tempdir();
    let b = jixiao::builtin(SEED).unwrap();
    write(dir.path(), "a.json", b.example());
    write(
        dir.path(),
        "b.json",
        &b.example().replace("\"本年追加\": \"899\"", "\"本年追加\": \"100\""),
    );
    let out = ok(
        dir.path(),
        &["compare", "--system", SEED, "--input", "a.json", "--with", "b.json"],
    );
    // 100 / 2000 = 5% → 4; 预算完成率 shortfall 681/3068 = 22.2% → 4 steps → 1.
    assert!(out.contains("2.1.2 预算调整率：0分→4分（+4分）"), "{out}");
    assert!(out.contains("综合得分91.73分→94.73分（+3分）"), "{out}");
}

#[test]
fn sensitivity_lists_the_breakpoints() {
    let dir = tempdir();
    let out = ok(
        dir.path(),
        &[
            "sensitivity",
            "--system",
            SEED,
            "--example",
            "--vary",
            "本年追加",
            "--from",
            "0",
            "--to",
            "1000",
        ],
    );
    assert!(
        out.starts_with("本年追加在0—1000万元之间变动时（精度0.01万元），得分发生变化之处：\n"),
        "{out}"
    );
    let points: Vec<&str> = out.lines().filter(|l| l.starts_with("本年追加为")).collect();
    let at: Vec<&str> = points
        .iter()
        .map(|l| l.trim_start_matches("本年追加为").split("万元时：").next().unwrap())
        .collect();
    assert_eq!(at, ["0.01", "200.01", "400.01", "437.01", "600.01"], "{out}");
    let json: serde_json::Value = serde_json::from_str(&ok(
        dir.path(),
        &[
            "sensitivity",
            "--system",
            SEED,
            "--example",
            "--vary",
            "本年追加",
            "--from",
            "0",
            "--to",
            "1000",
            "--format",
            "json",
        ],
    ))
    .unwrap();
    assert_eq!(json["breakpoints"][3]["at"], "437.01");
    assert_eq!(json["breakpoints"][3]["indicators"][0]["id"], "2.1.1");
}

#[test]
fn target_says_how_far_and_which_rule_decides() {
    let dir = tempdir();
    let out = ok(
        dir.path(),
        &[
            "target",
            "--system",
            SEED,
            "--example",
            "--vary",
            "本年追加",
            "--goal",
            "2.1.2=2",
        ],
    );
    assert!(
        out.starts_with("本年追加须不超过600万元（至少减少299万元），才能使指标2.1.2 预算调整率得分达到2分"),
        "{out}"
    );
    assert!(
        out.contains("预算调整率=(600−0)/2000=30%，处于“20%—30%（含）”档次"),
        "{out}"
    );
    // --lang en answers in English, the JSON layer's `message` too.
    let args = [
        "target",
        "--system",
        SEED,
        "--example",
        "--vary",
        "本年追加",
        "--goal",
        "2.1.2=2",
        "--lang",
        "en",
    ];
    let en = ok(dir.path(), &args);
    assert!(
        en.starts_with(
            "本年追加 must be at most 600 万元 (a cut of at least 299 万元) to give a score of 2 on 2.1.2 预算调整率; then 2.1.2 预算调整率: "
        ),
        "{en}"
    );
    assert!(!en.contains("须"), "{en}");
    let json: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &[&args[..], &["--format", "json"]].concat())).unwrap();
    assert_eq!(json["message"].as_str().map(str::trim_end), Some(en.trim_end()));
    // Unreachable: exit status 1 and the reason on standard output.
    let o = run(
        dir.path(),
        &[
            "target",
            "--system",
            SEED,
            "--example",
            "--vary",
            "年末结余",
            "--goal",
            "total=99",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).contains("无法使综合得分达到99分：此范围内综合得分最高为94.73分"),
        "{}",
        stdout(&o)
    );
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "target",
                "--system",
                SEED,
                "--example",
                "--vary",
                "本年追加",
                "--goal",
                "grade=特优"
            ]
        ),
        "error: `特优` is not a grade of the system (grades: 优秀, 良好, 合格, 不合格)"
    );
}

#[test]
fn audit_one_unit() {
    let dir = tempdir();
    let b = jixiao::builtin(SEED).unwrap();
    write(dir.path(), "unit.json", b.example());
    write(
        dir.path(),
        "own.json",
        r#"{"scores": {"2.1.1": "2", "2.1.2": "0"}, "total": "91.73", "grade": "优秀"}"#,
    );
    let out = ok(
        dir.path(),
        &[
            "audit",
            "--system",
            SEED,
            "--input",
            "unit.json",
            "--claims",
            "own.json",
        ],
    );
    assert_eq!(
        out.trim_end(),
        "自评结果与基础数据相符（综合得分91.73分，评价等次为“优秀”）"
    );
    write(
        dir.path(),
        "claims.json",
        r#"{"scores": {"2.1.1": "5"}, "total": "94.73", "grade": "优秀"}"#,
    );
    let o = run(
        dir.path(),
        &[
            "audit",
            "--system",
            SEED,
            "--input",
            "unit.json",
            "--claims",
            "claims.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.contains("2.1.1 预算完成率：自评5分，按基础数据应得2.00分（差-3分）"),
        "{text}"
    );
    assert!(text.contains("综合得分：自评94.73分，按基础数据应得91.73分"), "{text}");
}

/// A claim is compared with the stated score, never at the claim's own precision: 2.2.1 = 5
/// against a stated 4.73 is a 0.27-point difference (it used to print 相符). A flagged claim says
/// which common reading would give it, or that none does.
#[test]
fn audit_compares_with_the_stated_score_and_reconciles_the_claim() {
    let dir = tempdir();
    let b = jixiao::builtin(SEED).unwrap();
    write(dir.path(), "unit.json", b.example());
    let audit = |claims: &str| {
        write(dir.path(), "claims.json", claims);
        let o = run(
            dir.path(),
            &[
                "audit",
                "--system",
                SEED,
                "--input",
                "unit.json",
                "--claims",
                "claims.json",
            ],
        );
        (o.status.code(), stdout(&o))
    };
    let (code, text) = audit(r#"{"scores": {"2.2.1": "5"}}"#);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("2.2.1 公用经费控制率：自评5分，按基础数据应得4.73分（差-0.27分）"),
        "{text}"
    );
    // 5 is what rounding the exact score to whole points gives.
    assert!(
        text.contains("自评分可由计算值4.727891按1分四舍五入或进一得到"),
        "{text}"
    );
    let (code, text) = audit(r#"{"scores": {"2.2.1": "4.5"}}"#);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("常见算法（其他舍入方式、整档/不足一档按一档/按比例计、率先取整）均得不到自评分"),
        "{text}"
    );
    // The stated figure, as every published table prints it, is no discrepancy.
    let (code, text) = audit(r#"{"scores": {"2.2.1": "4.73", "2.2": "30.73"}, "total": "91.73"}"#);
    assert_eq!(code, Some(0), "{text}");
    // 4.7: the exact 4.727891… cut (or rounded) to 0.1.
    let (code, text) = audit(r#"{"scores": {"2.2.1": "4.7"}}"#);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("自评分可由计算值4.727891按0.1分去尾或四舍五入，或按“不足一档按一档计”计算（得4.70分）得到"),
        "{text}"
    );
    // 预算完成率 82.39%: 3 whole steps of 5% give 2; every started step counted gives 1.
    let (code, text) = audit(r#"{"scores": {"2.1.1": "1"}}"#);
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("自评分可由按“不足一档按一档计”计算（得1.00分）得到"),
        "{text}"
    );
}

#[test]
fn audit_a_table_of_units() {
    let dir = tempdir();
    let b = jixiao::builtin(SEED).unwrap();
    let example: serde_json::Value = serde_json::from_str(b.example()).unwrap();
    let names: Vec<String> = example.as_object().unwrap().keys().cloned().collect();
    let cell = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(|i| i.as_str().unwrap()).collect::<Vec<_>>().join("、"),
        other => other.to_string(),
    };
    let values: Vec<String> = names.iter().map(|n| cell(&example[n])).collect();
    let quote = |s: &str| {
        if s.contains([',', '"']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut text = format!("单位名称,{},2.1.1 预算完成率,总分,等次\n", names.join(","));
    let row = values.iter().map(|v| quote(v)).collect::<Vec<_>>().join(",");
    text.push_str(&format!("州商务局,{row},2,91.73,优秀\n"));
    text.push_str(&format!("虚报单位,{row},5,94.73,优秀\n"));
    write(dir.path(), "units.csv", &text);
    let o = run(
        dir.path(),
        &["audit", "--system", SEED, "--input", "units.csv", "--out", "audit.csv"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("2 units audited: 1 with discrepancies, 0 failed"),
        "{}",
        stderr(&o)
    );
    let rows = read_csv(&dir.path().join("audit.csv"));
    assert_eq!(
        rows[0],
        ["行号", "单位", "核算总分", "核算等次", "不符项数", "不符明细", "错误"]
    );
    assert_eq!(rows[1][..5], ["2", "州商务局", "91.73", "优秀", "0"]);
    assert_eq!(rows[2][..5], ["3", "虚报单位", "91.73", "优秀", "2"]);
    assert!(
        rows[2][5].contains("2.1.1 预算完成率：自评5分，按基础数据应得2.00分"),
        "{:?}",
        rows[2]
    );
    // After a blank line, rows keep the numbers a spreadsheet shows (they used to be one lower).
    write(dir.path(), "gaps.csv", &text.replacen("\n虚报单位", "\n\n虚报单位", 1));
    let o = run(
        dir.path(),
        &[
            "audit",
            "--system",
            SEED,
            "--input",
            "gaps.csv",
            "--out",
            "gaps.out.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rows = read_csv(&dir.path().join("gaps.out.csv"));
    assert_eq!((rows[1][0].as_str(), rows[2][0].as_str()), ("2", "4"));
}

/// `audit` reads what `batch` writes: the units' inputs beside the batch's result columns (the
/// indicator columns `2.1.1 预算完成率`, 总分 and 等次 as claims; its 错误 column ignored) audit
/// without a discrepancy; a claim changed in that table is flagged, with the reading that gives it.
#[test]
fn audit_reads_the_batch_output_back() {
    let dir = tempdir();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/tables/hunan-units.csv");
    std::fs::copy(&fixture, dir.path().join("units.csv")).unwrap();
    let o = run(
        dir.path(),
        &[
            "batch",
            "--system",
            "hunan-dept",
            "--input",
            "units.csv",
            "--out",
            "results.csv",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "the fixture has two failing rows: {}",
        stderr(&o)
    );
    let units = read_csv(&dir.path().join("units.csv"));
    let results = read_csv(&dir.path().join("results.csv"));
    assert_eq!(units.len(), results.len());
    // The result columns after 行号 and 单位, beside each unit's own row.
    let joined: Vec<Vec<String>> = units
        .iter()
        .zip(&results)
        .map(|(u, r)| u.iter().chain(&r[2..]).cloned().collect())
        .collect();
    let write_table = |name: &str, rows: &[Vec<String>]| {
        let mut w = csv::Writer::from_path(dir.path().join(name)).unwrap();
        for row in rows {
            w.write_record(row).unwrap();
        }
        w.flush().unwrap();
    };
    write_table("claims.csv", &joined);
    let audit = |name: &str| {
        let o = run(
            dir.path(),
            &[
                "audit",
                "--system",
                "hunan-dept",
                "--input",
                name,
                "--ignore-column",
                "错误",
                "--ignore-column",
                "提示",
                "--out",
                "audit.csv",
            ],
        );
        (stderr(&o), read_csv(&dir.path().join("audit.csv")))
    };
    let (err, rows) = audit("claims.csv");
    assert!(err.contains("5 units audited: 0 with discrepancies, 2 failed"), "{err}");
    assert!(rows[1..].iter().all(|r| r[4].is_empty() || r[4] == "0"), "{rows:?}");
    // The first unit claims 2.2.1 at full points: flagged, with how such a claim comes about.
    let column = joined[0]
        .iter()
        .position(|h| h.starts_with("2.2.1 "))
        .expect("a 2.2.1 column");
    let mut changed = joined.clone();
    let computed = changed[1][column].clone();
    changed[1][column] = "5.00".into();
    write_table("changed.csv", &changed);
    let (err, rows) = audit("changed.csv");
    assert!(err.contains("5 units audited: 1 with discrepancies, 2 failed"), "{err}");
    assert_eq!(rows[1][4], "2", "the score and its group's sum: {:?}", rows[1]);
    assert!(
        rows[1][5].contains(&format!("自评5分，按基础数据应得{computed}分")),
        "{:?}",
        rows[1]
    );
}

/// One unit with `--out`: the review table (复核表) with every indicator's 自评 and 复核 score,
/// the difference and the 复核意见, and 自评虚高 when the claimed total exceeds the reviewed one by
/// more than the system's `review.inflated_above`.
#[test]
fn audit_writes_the_review_table_and_flags_an_inflated_self_evaluation() {
    let dir = tempdir();
    let b = jixiao::builtin(SEED).unwrap();
    let mut system: serde_json::Value = serde_json::from_str(b.text()).unwrap();
    system["review"] = serde_json::json!({"inflated_above": "2"});
    write(dir.path(), "system.json", &system.to_string());
    write(dir.path(), "unit.json", b.example());
    write(
        dir.path(),
        "claims.json",
        r#"{"scores": {"2": "56", "2.2": "34", "2.2.1": "5"}, "total": "95", "grade": "优秀"}"#,
    );
    let review = |out: &str| {
        let o = run(
            dir.path(),
            &[
                "audit",
                "--system",
                "system.json",
                "--input",
                "unit.json",
                "--claims",
                "claims.json",
                "--out",
                out,
            ],
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        std::fs::read_to_string(dir.path().join(out)).unwrap()
    };
    let md = review("复核表.md");
    assert!(
        md.contains("| 指标 | 分值 | 自评得分 | 复核得分 | 差异 | 复核意见 |"),
        "{md}"
    );
    assert!(
        md.contains("|     2.2.1 公用经费控制率 | 5 | 5 | 4.73 | -0.27 | 公用经费控制率=453/441=102.72%"),
        "{md}"
    );
    assert!(md.contains("自评分可由计算值4.727891按1分四舍五入或进一得到"), "{md}");
    // A group says its reviewed score is its children's sum, and which children were claimed otherwise.
    assert!(
        md.contains(
            "| 2 过程 | 61 | 56 | 52.73 | -3.27 | 复核得分为下级指标复核得分之和52.73分；其中2.2 预算管理自评34分、复核30.73分 |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| 合计 | 100 | 95 | 91.73 | -3.27 | 自评虚高（高出3.27分） |"),
        "{md}"
    );
    assert!(md.contains("| 评价等次 |  | 优秀 | 优秀 |  |  |"), "{md}");
    let csv = review("复核表.csv");
    assert!(csv.starts_with('\u{feff}'), "a byte-order mark for Excel");
    let rows: Vec<Vec<String>> = read_csv(&dir.path().join("复核表.csv"));
    assert_eq!(rows[0], ["指标", "分值", "自评得分", "复核得分", "差异", "复核意见"]);
    // Within the limit: no 自评虚高.
    system["review"] = serde_json::json!({"inflated_above": "5"});
    write(dir.path(), "system.json", &system.to_string());
    assert!(!review("复核表.md").contains("自评虚高"));
}

/// `--lang en` answers in English throughout: the header, each breakpoint, the indicator's reason
/// and the grade labels (no Chinese sentence mixed in).
#[test]
fn sensitivity_in_english() {
    let dir = tempdir();
    let args = [
        "sensitivity",
        "--system",
        SEED,
        "--example",
        "--vary",
        "满意度",
        "--from",
        "0.8",
        "--to",
        "1",
        "--lang",
        "en",
    ];
    let out = ok(dir.path(), &args);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "Where the scores change as 满意度 goes from 80% to 100% (resolution 0.01 percentage points):"
    );
    assert_eq!(lines[1], "满意度 at 90%: total 89.73 → 90.73, grade good → excellent");
    assert!(
        lines[2].starts_with("  4.1.4 社会公众或服务对象满意度: 2 → 3; "),
        "{out}"
    );
    for word in ["得分", "档", "分（", "时："] {
        assert!(!out.contains(word), "`{word}` in the English answer:\n{out}");
    }
    let zh = ok(dir.path(), &args[..args.len() - 2]);
    assert!(
        zh.starts_with("满意度在80%—100%之间变动时（精度0.01个百分点），得分发生变化之处：\n满意度为90%时：综合得分89.73分→90.73分，评价等次由“良好”变为“优秀”\n"),
        "{zh}"
    );
}
