//! `jixiao templates`, `jixiao show` (text, md, html, json, csv; --lang en; --out) and `jixiao schema`.
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{SEED, SIMPLE, fatal, ok, run, stderr, stdout, tempdir, write};
use jixiao::Lang;
use jixiao::report::system_rows;

/// The ids the issue asks for.
const REQUIRED: [&str; 5] = [
    "hunan-dept",
    "hunan-dept-8pt",
    "yueyang-dept",
    "chongqing-dept",
    "xiangxi-commerce-2019",
];

/// 2.1.1 预算完成率 of the seed, rendered from its step rule.
const SEED_COMPLETION_ZH: &str = "预算完成率以100%为标准，每低于5个百分点扣1分（不足5个百分点部分不扣分），扣完为止";
/// 预算调整率's tiers (the Hunan 预算控制率 tiers under the seed report's name).
const SEED_ADJUSTMENT_ZH: &str =
    "预算调整率为0的，计5分；0—10%（含）的，计4分；10%—20%（含）的，计3分；20%—30%（含）的，计2分；超过30%的，计0分";
const HUNAN_CONTROL_ZH: &str =
    "预算控制率为0的，计5分；0—10%（含）的，计4分；10%—20%（含）的，计3分；20%—30%（含）的，计2分；超过30%的，计0分";

/// The columns of an aligned text-table line (columns are separated by two or more blanks).
fn cols(line: &str) -> Vec<String> {
    line.trim()
        .split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect()
}

/// The built-in systems, then the project templates (their name marked 项目模板).
fn builtin_rows() -> Vec<(String, String, String, String)> {
    let templates = jixiao::project::builtin_ids().map(|id| {
        let (t, _) = jixiao::project::builtin(id).expect("listed").expect("parses");
        (
            id.to_string(),
            format!("{}（项目模板）", t.name),
            t.issuer.unwrap_or_default(),
            String::new(),
        )
    });
    jixiao::builtins()
        .iter()
        .map(|b| {
            let s = b.system().expect("built-in parses");
            (
                b.id.to_string(),
                s.name,
                s.issuer.unwrap_or_default(),
                s.year.map(|y| y.to_string()).unwrap_or_default(),
            )
        })
        .chain(templates)
        .collect()
}

#[test]
fn templates_text_lists_every_builtin_with_id_name_issuer_year() {
    let dir = tempdir();
    let out = ok(dir.path(), &["templates"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(cols(lines[0]), ["标识", "名称", "发布单位", "年度"]);
    let rows = builtin_rows();
    assert_eq!(lines.len(), rows.len() + 1, "{out}");
    for id in REQUIRED {
        assert!(rows.iter().any(|r| r.0 == id), "built-in `{id}` is missing");
    }
    for (line, (id, name, issuer, year)) in lines[1..].iter().zip(&rows) {
        // An empty 发布单位 column (no known issuer) leaves no cell.
        let mut expected = vec![id.as_str(), name.as_str()];
        if !issuer.is_empty() {
            expected.push(issuer.as_str());
        }
        if !year.is_empty() {
            expected.push(year.as_str());
        }
        assert_eq!(cols(line), expected, "{line}");
    }
    // The seed's line: the year 2019, and no issuer: its table was never published.
    let seed = lines.iter().find(|l| l.starts_with(SEED)).expect("seed listed");
    assert!(
        seed.contains("湘西州商务局2019年度部门整体支出绩效评价指标表"),
        "{seed}"
    );
    assert!(!seed.contains("财政局"), "{seed}");
    assert!(seed.trim_end().ends_with("2019"), "{seed}");
}

#[test]
fn templates_json_lists_every_builtin() {
    let dir = tempdir();
    let out = ok(dir.path(), &["templates", "--format", "json"]);
    let list: serde_json::Value = serde_json::from_str(&out).expect("templates --format json is JSON");
    let list = list.as_array().expect("a JSON array");
    let rows = builtin_rows();
    assert_eq!(list.len(), rows.len());
    for (item, (id, name, issuer, year)) in list.iter().zip(&rows) {
        assert_eq!(item["id"], id.as_str());
        assert_eq!(item["name"], name.as_str());
        assert_eq!(item["issuer"], issuer.as_str());
        assert_eq!(item["year"], year.as_str());
        assert!(!item["name"].as_str().unwrap_or("").is_empty());
    }
    let seed = list.iter().find(|i| i["id"] == SEED).expect("seed listed");
    assert_eq!(seed["year"], "2019");
    // An issuer is named only where one published the table.
    assert_eq!(seed["issuer"], "");
}

#[test]
fn show_text_renders_the_scoring_standards_from_the_rules() {
    let dir = tempdir();
    let out = ok(dir.path(), &["show", SEED]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "湘西州商务局2019年度部门整体支出绩效评价指标表（xiangxi-commerce-2019）"
    );
    assert_eq!(cols(lines[1]), ["指标", "分值", "评分标准"]);
    let line = |id: &str| -> &str {
        lines
            .iter()
            .find(|l| l.trim_start().starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no line for {id}:\n{out}"))
    };
    // Group rows: points and a blank standard, as the published tables print them.
    assert_eq!(cols(line("2")), ["2 过程", "61"]);
    // Leaves are indented under their groups (一级/二级/三级).
    assert!(line("2.1").starts_with("  2.1 预算执行"));
    assert!(line("2.1.1").starts_with("    2.1.1 预算完成率"));
    assert_eq!(cols(line("2.1.1")), ["2.1.1 预算完成率", "5", SEED_COMPLETION_ZH]);
    assert_eq!(cols(line("2.1.2")), ["2.1.2 预算调整率", "5", SEED_ADJUSTMENT_ZH]);
    // A not-applicable clause is part of the standard.
    let building = line("2.1.3");
    assert!(building.starts_with("    2.1.3 新建楼堂馆所面积控制率"), "{building}");
    assert!(
        building
            .contains("楼堂馆所面积控制率以100%为标准，每超过5个百分点扣2分（不足5个百分点部分不扣分），扣完为止；"),
        "{building}"
    );
    assert!(building.ends_with("；无新建楼堂馆所项目的，按满分计算"), "{building}");
    let procurement = line("2.2.3");
    assert!(
        procurement.ends_with("；政府采购预算数为0的，按满分计算"),
        "{procurement}"
    );
    // Checklists, levels and rates.
    assert!(line("2.2.4").contains(
        "预算管理制度：每满足一项计1分（已制定或具有相关管理制度、相关管理制度合法合规完整、相关管理制度得到有效执行）"
    ));
    assert!(line("2.2.7").contains("基础信息完善程度：完善的，计满分；基本完善的，按分值的60%计；不完善的，不得分"));
    assert!(line("3.1.1").contains("得分=分值×实际完成率，超过100%的按100%计"));
    // Every indicator of the system has its line.
    let system = jixiao::builtin(SEED).unwrap().system().unwrap();
    assert_eq!(lines.len(), 2 + system_rows(&system, Lang::Zh).len(), "{out}");
}

#[test]
fn show_hunan_budget_control_tiers() {
    let dir = tempdir();
    let out = ok(dir.path(), &["show", "hunan-dept"]);
    let line = out
        .lines()
        .find(|l| l.contains("预算控制率") && l.trim_start().starts_with("2."))
        .unwrap_or_else(|| panic!("no 预算控制率 row:\n{out}"));
    let c = cols(line);
    assert!(c[0].ends_with(" 预算控制率"), "{line}");
    assert_eq!(c[1..], ["5", HUNAN_CONTROL_ZH], "{line}");
}

/// A Chinese scoring standard reads as Chinese: the expression syntax of a `not_applicable.when`
/// (`not X`, `X == 0`) is not printed as is in the 评分标准 column.
#[test]
fn show_zh_not_applicable_clause_has_no_expression_syntax() {
    let dir = tempdir();
    let out = ok(dir.path(), &["show", SEED]);
    let clauses: Vec<&str> = out.lines().filter(|l| l.contains("按满分计算")).collect();
    assert!(!clauses.is_empty(), "{out}");
    for line in clauses {
        assert!(
            !line.contains("not "),
            "English keyword in the Chinese standard: {line}"
        );
        assert!(
            !line.contains("=="),
            "expression operator in the Chinese standard: {line}"
        );
    }
}

#[test]
fn show_markdown() {
    let dir = tempdir();
    let out = ok(dir.path(), &["show", SEED, "--format", "md"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "# 湘西州商务局2019年度部门整体支出绩效评价指标表（xiangxi-commerce-2019）"
    );
    assert!(
        lines.contains(&"| 一级指标 | 二级指标 | 三级指标 | 分值 | 评分标准 | 原文评分标准 | 说明 |"),
        "{out}"
    );
    assert!(lines.contains(&"|---|---|---|---|---|---|---|"), "{out}");
    assert!(lines.contains(&"| 2 过程 |  |  | 61 |  |  |  |"), "{out}");
    let row = lines
        .iter()
        .find(|l| l.contains("2.1.1 预算完成率"))
        .expect("2.1.1 row");
    let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
    assert_eq!(cells[..5], ["", "", "2.1.1 预算完成率", "5", SEED_COMPLETION_ZH]);
    assert_eq!(
        cells[5], "【推定】100%计满分,每低于5%扣1分,扣完为止。",
        "the reconstructed wording, marked as such"
    );
    assert!(cells[6].contains("82.39%"), "the assumption is shown: {}", cells[6]);
    // Markdown pipes inside cells would break the table: every row has the header's 7 cells.
    for l in lines.iter().filter(|l| l.starts_with('|') && !l.starts_with("|---")) {
        assert_eq!(l.matches(" | ").count(), 6, "{l}");
    }
}

#[test]
fn show_html() {
    let dir = tempdir();
    let out = ok(dir.path(), &["show", SEED, "--format", "html"]);
    assert!(out.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), "{out}");
    assert!(out.contains("<meta charset=\"utf-8\">"));
    assert!(out.contains("<title>湘西州商务局2019年度部门整体支出绩效评价指标表（xiangxi-commerce-2019）</title>"));
    assert!(out.contains(
        "<th>一级指标</th><th>二级指标</th><th>三级指标</th><th>分值</th><th>评分标准</th><th>原文评分标准</th><th>说明</th>"
    ));
    assert!(out.contains(SEED_COMPLETION_ZH));
    assert!(out.contains(SEED_ADJUSTMENT_ZH));
    // Escaped: the published wording of 1.1.2 is "≦0,计8分;>0,...".
    assert!(out.contains("≦0,计8分;&gt;0,每超过一个百分点扣0.8分"), "{out}");
    assert!(!out.contains(";>0,"));
    assert!(out.trim_end().ends_with("</html>"));
}

/// The scoring standard is prose: it must wrap and read left-aligned, not be styled as a figure
/// (`td.n` is right-aligned and `white-space:nowrap`).
#[test]
fn show_html_standard_cells_are_not_numeric_cells() {
    let dir = tempdir();
    let out = ok(dir.path(), &["show", SEED, "--format", "html"]);
    let row = out.lines().find(|l| l.contains("2.1.1 预算完成率")).expect("2.1.1 row");
    assert!(row.contains("<td class=\"n\">5</td>"), "the points are a figure: {row}");
    assert!(
        row.contains(&format!("<td>{SEED_COMPLETION_ZH}</td>")),
        "评分标准 is rendered as a right-aligned, non-wrapping figure cell: {row}"
    );
}

/// An indicator table has no total row: its last indicators must not be rendered as bold totals.
#[test]
fn show_html_has_no_total_rows() {
    let dir = tempdir();
    let out = ok(dir.path(), &["show", SEED, "--format", "html"]);
    let totals: Vec<&str> = out.lines().filter(|l| l.contains("<tr class=\"total\">")).collect();
    assert!(totals.is_empty(), "indicator rows styled as totals: {totals:#?}");
}

#[test]
fn show_json() {
    let dir = tempdir();
    let out = ok(dir.path(), &["show", SEED, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).expect("show --format json is JSON");
    assert_eq!(doc["id"], SEED);
    assert_eq!(doc["name"], "湘西州商务局2019年度部门整体支出绩效评价指标表");
    assert!(
        doc["source"].as_str().unwrap_or("").contains("湘西"),
        "the source is cited"
    );
    let rows = doc["rows"].as_array().expect("rows");
    let system = jixiao::builtin(SEED).unwrap().system().unwrap();
    assert_eq!(rows.len(), system_rows(&system, Lang::Zh).len());
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("row {id}"))
    };
    assert_eq!(row("2")["depth"], 0);
    assert_eq!(row("2")["points"], "61");
    assert_eq!(row("2.1")["depth"], 1);
    let r = row("2.1.1");
    assert_eq!(r["depth"], 2);
    assert_eq!(r["name"], "预算完成率");
    assert_eq!(r["points"], "5");
    assert_eq!(r["standard"], SEED_COMPLETION_ZH);
    assert_eq!(r["published"], "【推定】100%计满分,每低于5%扣1分,扣完为止。");
    assert!(r["assumed"].as_str().unwrap_or("").contains("82.39%"));
    assert_eq!(row("2.1.2")["standard"], SEED_ADJUSTMENT_ZH);
    assert!(
        row("1.1.1")["assumed"].is_null(),
        "a published row carries no assumption"
    );
    // Points are strings (exact decimals), and the top level sums to 100.
    let top: u32 = rows
        .iter()
        .filter(|r| r["depth"] == 0)
        .map(|r| r["points"].as_str().unwrap().parse::<u32>().unwrap())
        .sum();
    assert_eq!(top, 100);
}

#[test]
fn show_csv() {
    let dir = tempdir();
    let out = ok(dir.path(), &["show", SEED, "--format", "csv"]);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(out.as_bytes());
    let rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.expect("valid CSV").iter().map(str::to_string).collect())
        .collect();
    assert_eq!(
        rows[0],
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "分值",
            "评分标准",
            "原文评分标准",
            "说明"
        ]
    );
    let system = jixiao::builtin(SEED).unwrap().system().unwrap();
    assert_eq!(rows.len(), 1 + system_rows(&system, Lang::Zh).len());
    assert_eq!(rows[1][..5], ["1 投入", "", "", "13", ""]);
    let r = rows.iter().find(|r| r[2] == "2.1.1 预算完成率").expect("2.1.1 row");
    assert_eq!(r[3], "5");
    assert_eq!(r[4], SEED_COMPLETION_ZH);
    assert_eq!(r[5], "【推定】100%计满分,每低于5%扣1分,扣完为止。");
    let r = rows.iter().find(|r| r[2] == "2.1.2 预算调整率").expect("2.1.2 row");
    assert_eq!(r[4], SEED_ADJUSTMENT_ZH);
    for r in &rows {
        assert_eq!(r.len(), 7, "{r:?}");
    }
}

#[test]
fn show_in_english() {
    let dir = tempdir();
    let out = ok(dir.path(), &["show", SEED, "--lang", "en"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "Xiangxi Prefecture Bureau of Commerce, 2019 self-evaluation (xiangxi-commerce-2019)"
    );
    assert_eq!(cols(lines[1]), ["Indicator", "Points", "Scoring standard"]);
    let completion = lines.iter().find(|l| l.contains("2.1.1")).unwrap();
    assert!(
        completion.contains("预算完成率: benchmark 100%;")
            && completion
                .contains("1 point off per 5 percentage points below it (a partial step not counted), down to zero"),
        "{completion}"
    );
    let adjustment = lines.iter().find(|l| l.contains("2.1.2")).unwrap();
    assert!(
        adjustment
            .ends_with("预算调整率: 5 points if equal to 0; 4 points if over 0 up to 10%; 3 points if over 10% up to 20%; 2 points if over 20% up to 30%; 0 points if over 30%"),
        "{adjustment}"
    );
    let building = lines.iter().find(|l| l.contains("2.1.3")).unwrap();
    assert!(building.contains("not applicable when"), "{building}");
    assert!(building.ends_with(": full points"), "{building}");
    assert!(!out.contains("评分标准"), "no Chinese header in the English table");

    let md = ok(dir.path(), &["show", SEED, "--lang", "en", "--format", "md"]);
    assert!(md.contains("| Level 1 | Level 2 | Level 3 | Points | Scoring standard | Published wording | Note |"));
    let csv = ok(dir.path(), &["show", SEED, "--lang", "en", "--format", "csv"]);
    assert!(
        csv.trim_start_matches('\u{feff}')
            .starts_with("Level 1,Level 2,Level 3,Points,Scoring standard,Published wording,Note\r\n")
    );
    assert!(csv.contains("\r\n1 投入,,,13,,"), "a group's standard is blank: {csv}");
    let html = ok(dir.path(), &["show", SEED, "--lang", "en", "--format", "html"]);
    assert!(html.contains("<html lang=\"en\">"));
    let json = ok(dir.path(), &["show", SEED, "--lang", "en", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let r = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "2.1.2")
        .unwrap();
    assert!(
        r["standard"]
            .as_str()
            .unwrap()
            .starts_with("预算调整率: 5 points if equal to 0;")
    );
}

#[test]
fn show_out_writes_the_file_and_nothing_on_stdout() {
    let dir = tempdir();
    for (format, name) in [
        ("text", "t.txt"),
        ("md", "t.md"),
        ("html", "t.html"),
        ("json", "t.json"),
        ("csv", "t.csv"),
    ] {
        let expected = ok(dir.path(), &["show", SEED, "--format", format]);
        let o = run(dir.path(), &["show", SEED, "--format", format, "--out", name]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        assert_eq!(stdout(&o), "", "--out {name}: nothing on stdout");
        assert_eq!(stderr(&o), "");
        let written = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert_eq!(written, expected, "--format {format} --out {name}");
    }
}

#[test]
fn show_a_system_file_json_and_toml() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let toml = jixiao::IndicatorSystem::from_json(SIMPLE).unwrap().to_toml().unwrap();
    write(dir.path(), "simple.toml", &toml);
    let out = ok(dir.path(), &["show", "simple.json"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "测试指标表（test-simple）");
    assert_eq!(lines.len(), 2 + 5);
    assert_eq!(
        cols(lines[3]),
        [
            "1.1 在职人员控制率",
            "10",
            "在职人员控制率以100%为标准，每超过1个百分点扣1分（不足1个百分点部分不扣分），扣完为止"
        ]
    );
    assert_eq!(
        cols(lines[5]),
        ["2.1 预算完成率", "10", "得分=分值×预算完成率，超过100%的按100%计"]
    );
    assert_eq!(
        cols(lines[6]),
        ["2.2 资金使用合规性", "5", "违规次数：每发现1次扣1分，扣完为止"]
    );
    assert_eq!(
        ok(dir.path(), &["show", "simple.toml"]),
        out,
        "TOML and JSON show the same table"
    );
    assert_eq!(
        ok(dir.path(), &["show", "simple.toml", "--lang", "en"]),
        ok(dir.path(), &["show", "simple.json", "--lang", "en"])
    );
}

#[test]
fn show_every_builtin_in_every_format() {
    let dir = tempdir();
    for b in jixiao::builtins() {
        let system = b.system().unwrap();
        let rows = system_rows(&system, Lang::Zh);
        for format in ["text", "md", "html", "json", "csv"] {
            for lang in ["zh", "en"] {
                let out = ok(dir.path(), &["show", b.id, "--format", format, "--lang", lang]);
                for r in &rows {
                    assert!(out.contains(&r.id), "{} {format} {lang}: row {} missing", b.id, r.id);
                }
            }
        }
    }
}

#[test]
fn show_errors() {
    let dir = tempdir();
    assert_eq!(
        fatal(dir.path(), &["show", "no-such-system"]),
        "error: `no-such-system` is neither a built-in system (see `jixiao templates`) nor an existing file"
    );
    assert_eq!(
        fatal(dir.path(), &["show", SEED, "--lang", "fr"]),
        "error: unknown language `fr` (expected zh or en)"
    );
    let line = fatal(dir.path(), &["show", SEED, "--out", "no/such/dir/t.txt"]);
    assert!(line.starts_with("error: no/such/dir/t.txt: cannot write: "), "{line}");
}

#[test]
fn schema_is_the_json_schema_of_the_format() {
    let dir = tempdir();
    let out = ok(dir.path(), &["schema"]);
    let schema: serde_json::Value = serde_json::from_str(&out).expect("schema is JSON");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    assert_eq!(schema["title"], "IndicatorSystem");
    for field in ["indicators", "inputs", "metrics", "grades"] {
        assert!(schema["properties"][field].is_object(), "schema has `{field}`");
    }
}
