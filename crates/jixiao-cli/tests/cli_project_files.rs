//! Project templates as systems and projects from every kind of file: `show` and `inputs` of a
//! template, its blank table filled and scored, a template file, long tables, web pages, folders
//! in `batch` and `audit`.
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::path::Path;

use common::{ok, read_csv, run_zh, stderr, stdout, tempdir, write};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/tables/projects")
        .join(name)
}

fn copy(dir: &Path, name: &str) {
    std::fs::copy(fixture(name), dir.join(name)).unwrap();
}

#[test]
fn show_describes_a_template_and_inputs_gives_the_table_to_fill() {
    let dir = tempdir();
    let text = stdout(&run_zh(dir.path(), &["show", "province-project-4"]));
    assert!(text.contains("预算执行率  10分，计入“过程—资金管理”"), "{text}");
    assert!(
        text.contains("效益  35分：经济效益、社会效益、生态效益、可持续影响、满意度"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["show", "mof-project", "--format", "json"])).unwrap();
    assert_eq!(json["over_target"]["above"], "0.2");
    // The blank table: a row to fill under every 二级指标 of the template.
    let blank = ok(dir.path(), &["inputs", "mof-project", "--format", "csv"]);
    assert!(blank.starts_with("\u{feff}项目支出绩效自评表"), "{blank}");
    assert_eq!(blank.matches("指标1：").count(), 9, "{blank}");
    // Filled in (here: the example's table) and scored again.
    let filled = ok(
        dir.path(),
        &["inputs", "province-project-20", "--example", "--format", "csv"],
    );
    write(dir.path(), "补贴.csv", &filled);
    let out = ok(
        dir.path(),
        &["score", "--system", "province-project-20", "--input", "补贴.csv"],
    );
    assert!(out.contains("2.1.1 补贴面积"), "{out}");
    assert_eq!(out.lines().last(), Some("综合得分96分，评价等次：优秀"), "{out}");
}

#[test]
fn a_template_file_is_a_system() {
    let dir = tempdir();
    let (template, example) = jixiao::project::builtin("mof-project").unwrap().unwrap();
    let mut template = serde_json::to_value(&template).unwrap();
    template["id"] = "本市项目模板".into();
    template["execution"]["points"] = "20".into();
    template["sections"][0]["points"] = "40".into();
    write(dir.path(), "本市模板.json", &template.to_string());
    let mut example = example;
    // 产出 rows re-weighted to 40: 10 points off the cost rows (5 → 1 each) and row 3 (5 → 3).
    example.rows[7].points = Some(jixiao::Dec(common::dec("1")));
    example.rows[8].points = Some(jixiao::Dec(common::dec("1")));
    example.rows[2].points = Some(jixiao::Dec(common::dec("3")));
    write(dir.path(), "p.json", &serde_json::to_string(&example).unwrap());
    let o = run_zh(dir.path(), &["score", "--system", "本市模板.json", "--input", "p.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("1 预算执行率                        20      19.40"),
        "{out}"
    );
    // A template file has no example.
    let o = run_zh(dir.path(), &["score", "--system", "本市模板.json", "--example"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("没有内置示例"), "{}", stderr(&o));
}

#[test]
fn batch_scores_every_project_of_a_long_table_and_names_the_one_that_cannot_be_scored() {
    let dir = tempdir();
    copy(dir.path(), "项目长表.csv");
    let o = run_zh(
        dir.path(),
        &[
            "batch",
            "--system",
            "mof-project",
            "--input",
            "项目长表.csv",
            "--out",
            "得分.csv",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("已计分2个项目，1个无法计分"), "{}", stderr(&o));
    let rows = read_csv(&dir.path().join("得分.csv"));
    assert_eq!(
        rows[0],
        [
            "文件",
            "项目名称",
            "总分",
            "等次",
            "预算执行率",
            "产出指标",
            "效益指标",
            "满意度指标",
            "问题"
        ]
    );
    assert_eq!(
        rows[1][1..8],
        ["农村公路养护工程", "93.37", "优", "9.70", "48.87", "24.80", "10.00"]
    );
    // The stated figures foot: 9.70 + 48.87 + 24.80 + 10.00 = 93.37.
    for r in &rows[1..3] {
        let sum: jixiao::Decimal = r[4..8].iter().map(|c| common::dec(c)).sum();
        assert_eq!(sum, common::dec(&r[2]), "{r:?}");
    }
    assert_eq!(rows[3][1], "基层医疗卫生服务能力提升");
    assert!(
        rows[3][8].starts_with("第26行“实际完成值”：实际完成值“九成”不是数值"),
        "{:?}",
        rows[3]
    );
}

#[test]
fn a_folder_of_tables_of_every_kind_is_scored_in_batch() {
    let dir = tempdir();
    let folder = dir.path().join("项目表");
    std::fs::create_dir(&folder).unwrap();
    for f in ["农村公路养护工程.csv", "农村公路养护工程.html", "项目长表.csv"] {
        std::fs::copy(fixture(f), folder.join(f)).unwrap();
    }
    write(&folder, "说明.txt", "not a table");
    let o = run_zh(
        dir.path(),
        &[
            "batch",
            "--system",
            "mof-project",
            "--input",
            "项目表",
            "--out",
            "得分.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let rows: Vec<Vec<String>> = common::read_xlsx(&dir.path().join("得分.xlsx"))
        .iter()
        .map(|r| r.iter().map(common::data_text).collect())
        .collect();
    // 1 header, the CSV and the page (one project each), the long table's three.
    assert_eq!(rows.len(), 6, "{rows:?}");
    let files: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        files,
        [
            "农村公路养护工程.csv",
            "农村公路养护工程.html",
            "项目长表.csv",
            "项目长表.csv",
            "项目长表.csv"
        ]
    );
    assert_eq!(rows[1][2], rows[2][2]);
    assert_eq!(rows[2][2], "93.37");
}

#[test]
fn a_web_page_is_read_with_its_merged_cells_in_utf8_or_gbk() {
    let dir = tempdir();
    copy(dir.path(), "农村公路养护工程.html");
    let out = ok(
        dir.path(),
        &["score", "--system", "mof-project", "--input", "农村公路养护工程.html"],
    );
    assert!(out.contains("2.2.1 优良中等路率"), "{out}");
    assert_eq!(out.lines().last(), Some("综合得分93.37分，评价等次：优"), "{out}");
    // The same page as an older government site serves it: GB18030, declared in its meta.
    let page = std::fs::read_to_string(fixture("农村公路养护工程.html")).unwrap();
    let page = page.replace("charset=\"utf-8\"", "charset=\"gbk\"");
    let (bytes, _, _) = encoding_rs::GBK.encode(&page);
    std::fs::write(dir.path().join("gbk.htm"), &*bytes).unwrap();
    let out = ok(dir.path(), &["score", "--system", "mof-project", "--input", "gbk.htm"]);
    assert_eq!(out.lines().last(), Some("综合得分93.37分，评价等次：优"), "{out}");
    // A page without a project table says so.
    write(
        dir.path(),
        "空.html",
        "<html><body><table><tr><td>通知</td></tr></table></body></html>",
    );
    let o = run_zh(dir.path(), &["score", "--system", "mof-project", "--input", "空.html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("网页中没有含“项目名称”“三级指标”等栏目的表格"),
        "{}",
        stderr(&o)
    );
    // Absurd spans are bounded, not followed.
    write(
        dir.path(),
        "宽.html",
        "<table><tr><td colspan=\"999999999\" rowspan=\"999999999\">三级指标</td><td>x</td></tr><tr><td>y</td></tr></table>",
    );
    let o = run_zh(dir.path(), &["score", "--system", "mof-project", "--input", "宽.html"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("绩效指标表头缺少"), "{}", stderr(&o));
}

#[test]
fn audit_of_a_long_table_gives_the_reviewers_workbook() {
    let dir = tempdir();
    copy(dir.path(), "项目长表.csv");
    let o = run_zh(
        dir.path(),
        &["audit", "--system", "mof-project", "--input", "项目长表.csv"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out 复核汇总.xlsx"), "{}", stderr(&o));
    let o = run_zh(
        dir.path(),
        &[
            "audit",
            "--system",
            "mof-project",
            "--input",
            "项目长表.csv",
            "--out",
            "复核.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    use calamine::Reader as _;
    let mut workbook = calamine::open_workbook_auto(dir.path().join("复核.xlsx")).unwrap();
    let findings: Vec<Vec<String>> = workbook
        .worksheet_range("问题")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(common::data_text).collect())
        .collect();
    let of = |project: &str, kind: &str| {
        findings
            .iter()
            .filter(|f| f[1] == project && f[3] == kind)
            .cloned()
            .collect::<Vec<_>>()
    };
    // 临时救助: 满意度 88% of ≥90% given full points, so its 总分 98 is not the 97.78 due.
    let missed = of("困难群众临时救助", "未达标满分");
    assert_eq!(missed.len(), 1, "{findings:?}");
    assert_eq!(missed[0][4], "救助对象满意度");
    assert_eq!(
        of("困难群众临时救助", "总分不符")[0][5..7],
        ["98", "97.78"],
        "{findings:?}"
    );
    // Its 资金得分 9 is 10 × 468/520: no finding.
    assert!(of("困难群众临时救助", "资金执行得分不符").is_empty(), "{findings:?}");
    // The unreadable project is a finding of its own, named.
    let bad = of("基层医疗卫生服务能力提升", "无法复核");
    assert_eq!(bad.len(), 1, "{findings:?}");
    assert!(bad[0][7].contains("第26行"), "{bad:?}");
}

#[test]
fn batch_columns_foot_when_a_section_holds_the_execution_row() {
    let dir = tempdir();
    let table = ok(
        dir.path(),
        &["inputs", "province-project-4", "--example", "--format", "csv"],
    );
    write(dir.path(), "养老.csv", &table);
    let out = ok(
        dir.path(),
        &[
            "batch",
            "--system",
            "province-project-4",
            "--input",
            "养老.csv",
            "--out",
            "得分.csv",
        ],
    );
    assert!(out.is_empty());
    let rows = read_csv(&dir.path().join("得分.csv"));
    assert_eq!(
        rows[0][4..],
        ["决策", "过程", "产出", "效益", "其中：过程—预算执行率", "问题"]
    );
    assert_eq!(
        rows[1][2..10],
        ["96.96", "优", "9.70", "22.92", "29.67", "34.67", "9.42", ""]
    );
    let sum: jixiao::Decimal = rows[1][4..8].iter().map(|c| common::dec(c)).sum();
    assert_eq!(sum, common::dec(&rows[1][2]));
}

#[test]
fn one_tables_review_carries_its_findings_in_every_document() {
    let dir = tempdir();
    copy(dir.path(), "农村公路养护工程.csv");
    let args = |out: &str| {
        vec![
            "audit".to_string(),
            "--system".into(),
            "mof-project".into(),
            "--input".into(),
            "农村公路养护工程.csv".into(),
            "--out".into(),
            out.to_string(),
        ]
    };
    let run = |out: &str| {
        let a = args(out);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = run_zh(dir.path(), &a);
        // Rows below target without a reason are findings: exit status 1.
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    };
    run("复核表.xlsx");
    use calamine::Reader as _;
    let mut workbook = calamine::open_workbook_auto(dir.path().join("复核表.xlsx")).unwrap();
    assert_eq!(workbook.sheet_names(), ["复核表", "问题"]);
    let found: Vec<Vec<String>> = workbook
        .worksheet_range("问题")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(common::data_text).collect())
        .collect();
    assert_eq!(found[0], ["行", "类别", "指标", "自评", "复核", "问题"]);
    assert_eq!(found[1][..3], ["17", "未说明偏差原因", "优良中等路率"]);
    run("复核表.md");
    let md = std::fs::read_to_string(dir.path().join("复核表.md")).unwrap();
    assert!(md.contains("复核发现的问题\n\n- 第17行 优良中等路率：得7.80分"), "{md}");
    run("复核表.html");
    let html = std::fs::read_to_string(dir.path().join("复核表.html")).unwrap();
    assert!(
        html.contains("<h2>复核发现的问题</h2>\n<ul>\n<li>第17行 优良中等路率：得7.80分"),
        "{html}"
    );
    assert!(html.trim_end().ends_with("</ul>\n</body>\n</html>"), "{html}");
}
