//! `jixiao score` on project self-evaluations (项目支出绩效自评表): a built-in project template with
//! the project's own rows, from its bundled example or a project's JSON.
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{ok, run_zh, stderr, tempdir, write};

#[test]
fn the_bundled_project_scores_as_its_table() {
    let dir = tempdir();
    let out = ok(dir.path(), &["score", "--system", "mof-project", "--example"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "农村公路养护工程 项目支出绩效自评评分表");
    assert!(out.contains("2.1.2 危桥改造数量"), "{out}");
    assert_eq!(lines.last().copied(), Some("综合得分93.37分，评价等次：优"));
    let templates = ok(dir.path(), &["templates"]);
    assert!(templates.lines().any(|l| l.starts_with("mof-project ")), "{templates}");
}

#[test]
fn a_projects_json_is_scored_and_its_bad_rows_are_located() {
    let dir = tempdir();
    let (_, mut unit) = jixiao::project::builtin("mof-project").unwrap().unwrap();
    unit.info.insert("项目名称".into(), "乡村学校营养餐补助".into());
    write(dir.path(), "p.json", &serde_json::to_string_pretty(&unit).unwrap());
    let out = ok(
        dir.path(),
        &[
            "score",
            "--system",
            "mof-project",
            "--input",
            "p.json",
            "--format",
            "csv",
        ],
    );
    assert!(out.contains("93.37"), "{out}");
    unit.rows[1].actual = "7台".into();
    unit.rows[2].level1 = "过程".into();
    write(dir.path(), "bad.json", &serde_json::to_string_pretty(&unit).unwrap());
    let o = run_zh(dir.path(), &["score", "--system", "mof-project", "--input", "bad.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o).trim_end(),
        "错误：bad.json：第2行“实际完成值”：实际完成值的单位“台”与年度指标值的单位“座”不同；第3行“一级指标”：“过程”不是本模板的一级指标（产出指标、效益指标、满意度指标）"
    );
}

#[test]
fn audit_reviews_a_projects_own_claims_and_writes_the_review_table() {
    let dir = tempdir();
    let (_, mut unit) = jixiao::project::builtin("mof-project").unwrap().unwrap();
    unit.rows[4].claimed = Some(jixiao::Dec(jixiao::parse_decimal("8").unwrap()));
    write(dir.path(), "p.json", &serde_json::to_string_pretty(&unit).unwrap());
    let o = run_zh(dir.path(), &["audit", "--system", "mof-project", "--input", "p.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = common::stdout(&o);
    // A full 8 points for a missed ≥80% (78%): the reviewers' own finding, by row.
    assert!(
        out.starts_with("第5行 优良中等路率：未达到年度指标值（≥80%，实际78%），自评却得满分8分，按规则应得7.80分"),
        "{out}"
    );
    assert!(
        out.contains("第8行 日常养护单位成本：得4.69分，未完成年度指标值，未填写偏差原因分析及改进措施"),
        "{out}"
    );
    let o = run_zh(
        dir.path(),
        &[
            "audit",
            "--system",
            "mof-project",
            "--input",
            "p.json",
            "--out",
            "复核表.md",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let md = std::fs::read_to_string(dir.path().join("复核表.md")).unwrap();
    assert!(md.starts_with("# 农村公路养护工程 项目支出绩效自评复核表"), "{md}");
    assert!(md.contains("| 8 | 7.80 | -0.2 |"), "{md}");
}

#[test]
fn a_published_csv_table_is_scored_and_audited() {
    let dir = tempdir();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/tables/projects/农村公路养护工程.csv");
    std::fs::copy(&fixture, dir.path().join("自评表.csv")).unwrap();
    let out = ok(
        dir.path(),
        &["score", "--system", "mof-project", "--input", "自评表.csv"],
    );
    assert_eq!(out.lines().last(), Some("综合得分93.37分，评价等次：优"), "{out}");
    let o = run_zh(
        dir.path(),
        &["audit", "--system", "mof-project", "--input", "自评表.csv"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let text = common::stdout(&o);
    assert!(
        text.starts_with("自评结果与基础数据相符（综合得分93.37分，评价等次为“优”）"),
        "{text}"
    );
    assert!(
        text.contains("第17行 优良中等路率：得7.80分，未完成年度指标值，未填写偏差原因分析及改进措施"),
        "{text}"
    );
}

/// The same table as a workbook, figures as numbers and the 一级/二级指标 cells merged down as
/// published tables merge them: the merged cells read as the cell above.
#[test]
fn a_published_workbook_with_merged_cells_is_scored() {
    use rust_xlsxwriter::{Format, Workbook};
    let dir = tempdir();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/tables/projects/农村公路养护工程.csv");
    let text = std::fs::read_to_string(fixture).unwrap();
    let grid: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let header = grid.iter().position(|r| r.contains(&"三级指标")).unwrap();
    let last = grid.iter().position(|r| r[0] == "总分").unwrap() - 1;
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let mut merged = 0;
    for col in [1u16, 2] {
        // Runs of a filled cell followed by blank ones, inside the indicator block.
        let mut r = header + 1;
        while r <= last {
            let mut end = r;
            while end < last && grid[end + 1][col as usize].is_empty() {
                end += 1;
            }
            if end > r {
                sheet
                    .merge_range(r as u32, col, end as u32, col, grid[r][col as usize], &Format::new())
                    .unwrap();
                merged += 1;
            }
            r = end + 1;
        }
    }
    assert!(merged >= 4, "the fixture merges 一级 and 二级 cells");
    for (r, row) in grid.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            // The 一级/二级 cells of the block are written by the merges and the loop below.
            let inside = r > header && r <= last && (c == 1 || c == 2);
            if cell.is_empty() || inside {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(n) if !cell.contains('%') => sheet.write_number(r as u32, c as u16, n).unwrap(),
                _ => sheet.write_string(r as u32, c as u16, *cell).unwrap(),
            };
        }
    }
    // Single (unmerged) 一级/二级 cells inside the block.
    for (r, row) in grid.iter().enumerate().take(last + 1).skip(header + 1) {
        for c in [1usize, 2] {
            let next_blank = r < last && grid[r + 1][c].is_empty();
            if !row[c].is_empty() && !next_blank {
                sheet.write_string(r as u32, c as u16, row[c]).unwrap();
            }
        }
    }
    workbook.save(dir.path().join("自评表.xlsx")).unwrap();
    let out = ok(
        dir.path(),
        &["score", "--system", "mof-project", "--input", "自评表.xlsx"],
    );
    assert_eq!(out.lines().last(), Some("综合得分93.37分，评价等次：优"), "{out}");
    assert!(out.contains("3.2.2 因路况原因引发的交通事故"), "{out}");
}

/// A folder of project tables: the reviewer's workbook lists every project and every finding; a
/// table that cannot be read is a finding of its own and the others are reviewed.
#[test]
fn a_folder_of_project_tables_gives_the_reviewers_workbook() {
    let dir = tempdir();
    let folder = dir.path().join("项目表");
    std::fs::create_dir(&folder).unwrap();
    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/tables/projects/农村公路养护工程.csv");
    let text = std::fs::read_to_string(&fixture).unwrap();
    std::fs::write(folder.join("1-养护.csv"), &text).unwrap();
    // A claim that does not follow, and a table whose unit cannot be compared.
    std::fs::write(
        folder.join("2-虚报.csv"),
        text.replace("农村公路养护工程", "虚报工程")
            .replace(",优良中等路率,≥80%,78%,8,7.8,", ",优良中等路率,≥80%,78%,8,8,"),
    )
    .unwrap();
    std::fs::write(
        folder.join("3-单位不符.csv"),
        text.replace(",危桥改造数量,≥8座,7座,", ",危桥改造数量,≥8座,7台,"),
    )
    .unwrap();
    let o = run_zh(
        dir.path(),
        &[
            "audit",
            "--system",
            "mof-project",
            "--input",
            "项目表",
            "--out",
            "复核汇总.xlsx",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(stderr(&o).trim_end(), "已复核3个项目表：3个发现问题 → 复核汇总.xlsx");
    let path = dir.path().join("复核汇总.xlsx");
    let mut workbook: calamine::Xlsx<_> = calamine::open_workbook(&path).unwrap();
    use calamine::Reader;
    assert_eq!(workbook.sheet_names(), ["项目", "问题"]);
    let text_of = |d: &calamine::Data| d.to_string();
    let projects: Vec<Vec<String>> = workbook
        .worksheet_range("项目")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(text_of).collect())
        .collect();
    assert_eq!(projects[0][..3], ["文件", "项目名称", "复核总分"]);
    assert_eq!(projects[1][..3], ["1-养护.csv", "农村公路养护工程", "93.37"]);
    assert_eq!(projects[2][1], "虚报工程");
    assert!(
        projects[3][7].contains("第14行“实际完成值”：实际完成值的单位“台”与年度指标值的单位“座”不同"),
        "{projects:?}"
    );
    let findings: Vec<Vec<String>> = workbook
        .worksheet_range("问题")
        .unwrap()
        .rows()
        .map(|r| r.iter().map(text_of).collect())
        .collect();
    let row = |file: &str, kind: &str| findings.iter().find(|f| f[0] == file && f[3] == kind).cloned();
    assert_eq!(
        row("2-虚报.csv", "未达标满分").unwrap()[2..7],
        ["17", "未达标满分", "优良中等路率", "8", "7.8"],
        "{findings:?}"
    );
    // 虚报工程 states 93.37 while its own scores add up to 93.57.
    assert!(
        row("2-虚报.csv", "总分与分项合计不符").unwrap()[7].contains("合计93.57分（差0.2分）"),
        "{findings:?}"
    );
    assert!(
        row("1-养护.csv", "未说明偏差原因").unwrap()[7].starts_with("第17行 优良中等路率"),
        "{findings:?}"
    );
    assert_eq!(row("3-单位不符.csv", "无法复核").unwrap()[1], "农村公路养护工程");
}
