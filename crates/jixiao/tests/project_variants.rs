//! The built-in project templates beside the MOF format (执行率20分·整数计分, and 决策/过程/产出/效益
//! with 预算执行率 under 过程), their tables written and read back, and long tables of many
//! projects.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use jixiao::Lang;
use jixiao::project::{self, ProjectTemplate, ProjectUnit};

fn builtin(id: &str) -> (ProjectTemplate, ProjectUnit) {
    project::builtin(id).expect("built in").expect("parses")
}

fn dec(s: &str) -> jixiao::Dec {
    jixiao::Dec(jixiao::parse_decimal(s).unwrap())
}

#[test]
fn every_template_cites_its_source_marks_what_is_assumed_and_its_example_audits_clean_of_claims() {
    let ids: Vec<&str> = project::builtin_ids().collect();
    assert_eq!(ids, ["mof-project", "province-project-20", "province-project-4"]);
    for id in ids {
        let (template, example) = builtin(id);
        assert_eq!(template.id, id);
        assert!(
            template
                .source
                .as_deref()
                .is_some_and(|s| s.contains("财预〔2020〕10号")),
            "{id}"
        );
        assert!(template.notes.iter().any(|n| n.contains("【推定】")), "{id}");
        let review = template.audit(&example).unwrap();
        // The bundled tables state what their figures give.
        assert!(
            review.audit.discrepancies.is_empty(),
            "{id}: {}",
            review.audit.explain(Lang::Zh)
        );
        assert!(!review.findings.iter().any(|f| f.code == "total_sum"), "{id}");
        // The description names every section with its weight.
        let text = template.describe(Lang::Zh);
        for s in &template.sections {
            assert!(text.contains(&format!("{}  {}分", s.name, s.points.value())), "{text}");
        }
    }
}

#[test]
fn the_twenty_point_variant_scores_whole_points_and_names_a_truncated_claim() {
    let (template, mut unit) = builtin("province-project-20");
    let e = template.score(&unit).unwrap().evaluation;
    // 20 × 5168/5460 = 18.93 → 19; 10 × 48/52 = 9.23 → 9; the total the sum of whole points.
    assert_eq!(e.indicator("1").unwrap().score.to_string(), "19");
    assert_eq!(e.indicator("2.1.1").unwrap().score.to_string(), "9");
    assert_eq!(e.total.to_string(), "96");
    assert_eq!(&*e.grade, "优秀");
    assert!(
        e.indicator("1")
            .unwrap()
            .explain(Lang::Zh)
            .contains("按20×94.65%计，得19分")
    );
    // A table that cut 18.93 to 18: the reviewer is told which reading gives it.
    unit.funds.claimed = Some(dec("18"));
    let review = template.audit(&unit).unwrap();
    let f = review.findings.iter().find(|f| f.code == "execution").unwrap();
    assert!(f.zh.contains("去尾"), "{}", f.zh);
    // And its 总分 of 96 no longer is the sum of its own scores.
    assert!(review.findings.iter().any(|f| f.code == "total_sum"));
    // The 60% band: 部分达成 at 0.6 of the points is inside, at 0.55 it is not.
    let mut unit = builtin("province-project-20").1;
    unit.rows[7].actual = "部分达成".into();
    unit.rows[7].claimed = Some(dec("3.6"));
    assert!(template.score(&unit).is_ok());
    unit.rows[7].claimed = Some(dec("3.3"));
    let err = template.score(&unit).unwrap_err().message(Lang::Zh);
    assert!(err.starts_with("第8行："), "{err}");
}

#[test]
fn the_four_section_variant_holds_the_execution_row_under_process_and_flags_missed_core_rows() {
    let (template, unit) = builtin("province-project-4");
    let scored = template.score(&unit).unwrap();
    let e = &scored.evaluation;
    assert_eq!(scored.project.execution, "2.1.1");
    let exec = e.indicator("2.1.1").unwrap();
    assert_eq!(
        (&*exec.name, exec.score.to_string()),
        ("预算执行率", "9.42".to_string())
    );
    // 过程 = 资金管理 (9.42 + 5) + 组织实施 (5 + 3.5).
    assert_eq!(e.indicator("2.1").unwrap().score.to_string(), "14.42");
    assert_eq!(e.indicator("2").unwrap().score.to_string(), "22.92");
    assert_eq!(e.total.to_string(), "96.96");
    assert_eq!(e.indicators.iter().filter(|r| r.depth == 0).count(), 4);
    let review = template.audit(&unit).unwrap();
    let core: Vec<_> = review.findings.iter().filter(|f| f.code == "core_missed").collect();
    assert_eq!(core.len(), 1);
    assert_eq!(
        core[0].message(Lang::Zh),
        "第7行 ★服务老年人数：★核心指标未完成年度指标值（≥1200人，实际1150人）"
    );
    // The rows under 过程 must leave room for the execution row's 10 points.
    let mut unit = unit;
    unit.rows[3].points = Some(dec("15"));
    let err = template.score(&unit).unwrap_err().message(Lang::Zh);
    assert!(
        err.contains("“过程”下各指标分值合计35分，与模板规定的25分不符"),
        "{err}"
    );
}

#[test]
fn a_templates_table_is_written_in_the_published_layout_and_read_back() {
    for id in project::builtin_ids() {
        let (template, example) = builtin(id);
        let grid = template.grid(Some(&example));
        let read = ProjectUnit::from_grid(&grid).unwrap();
        assert_eq!(read.info, example.info, "{id}");
        assert_eq!(read.funds, example.funds, "{id}");
        assert_eq!(read.total, example.total, "{id}");
        assert_eq!(read.grade, example.grade, "{id}");
        let strip = |u: &ProjectUnit| -> Vec<_> {
            u.rows
                .iter()
                .map(|r| {
                    (
                        r.level1.clone(),
                        r.level2.clone(),
                        r.name.clone(),
                        r.target.clone(),
                        r.actual.clone(),
                        r.points,
                        r.claimed,
                    )
                })
                .collect()
        };
        assert_eq!(strip(&read), strip(&example), "{id}");
        assert_eq!(
            template.score(&read).unwrap().evaluation.total,
            template.score(&example).unwrap().evaluation.total
        );
        // The blank table has a row to fill under every 二级指标, and reads as an empty project.
        let blank = template.grid(None);
        let children: usize = template.sections.iter().map(|s| s.children.len()).sum();
        assert_eq!(
            blank
                .iter()
                .filter(|r| r.get(3).is_some_and(|c| c == "指标1："))
                .count(),
            children
        );
    }
}

/// A CSV's cells (the bundled tables quote nothing).
fn grid(text: &str) -> Vec<Vec<String>> {
    text.trim_start_matches('\u{feff}')
        .lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

const LONG: &str = include_str!("../../../tests/tables/projects/项目长表.csv");

#[test]
fn a_long_table_reads_each_project_on_its_own() {
    let projects = ProjectUnit::from_long_table(&grid(LONG)).unwrap();
    let keys: Vec<&str> = projects.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(keys, ["430001-001", "430001-002", "430001-003"]);
    assert_eq!(projects[0].name, "农村公路养护工程");
    assert_eq!(projects[0].sheet_rows.first(), Some(&2));
    let (template, _) = builtin("mof-project");
    // The first is the bundled example, row for row.
    let first = projects[0].unit.as_ref().unwrap();
    assert_eq!(first.funds.budget, dec("800"));
    assert_eq!(first.funds.claimed, Some(dec("9.7")));
    assert_eq!(first.info.get("主管部门").map(String::as_str), Some("某县交通运输局"));
    assert_eq!(template.score(first).unwrap().evaluation.total.to_string(), "93.37");
    // The third reads, but its row 26 does not score (九成 is not a figure): its problem alone.
    let third = projects[2].unit.as_ref().unwrap();
    let err = template.score(third).unwrap_err().message(Lang::Zh);
    assert!(err.starts_with("第26行“实际完成值”"), "{err}");
    assert!(template.score(projects[1].unit.as_ref().unwrap()).is_ok());
}

#[test]
fn a_long_tables_per_project_values_must_agree_and_rows_need_a_project() {
    let mut rows = grid(LONG);
    // Row 3 repeats the first project's budget with another figure.
    rows[2][5] = "900".into();
    // A row before any project.
    let mut orphan = rows[1].clone();
    orphan[0].clear();
    orphan[1].clear();
    rows.insert(1, orphan);
    let projects = ProjectUnit::from_long_table(&rows).unwrap();
    assert_eq!(projects.len(), 4);
    assert_eq!(projects[0].key, "");
    let orphan = projects[0].unit.as_ref().unwrap_err().message(Lang::Zh);
    assert!(orphan.contains("第2行“项目名称”"), "{orphan}");
    let first = projects[1].unit.as_ref().unwrap_err().message(Lang::Zh);
    assert!(
        first.contains("第4行“全年预算数”：全年预算数“900”与本项目上方所填的“800”不同"),
        "{first}"
    );
    // The others are read.
    assert!(projects[2].unit.is_ok() && projects[3].unit.is_ok());
    // A table without 项目名称 is not a long table.
    let mut rows = grid(LONG);
    rows[0][1] = "名称".into();
    assert!(!ProjectUnit::is_long_table(&rows));
    assert!(ProjectUnit::from_long_table(&rows).is_err());
    assert!(ProjectUnit::is_long_table(&grid(LONG)));
}

#[test]
fn a_malformed_template_is_refused_with_every_problem_named() {
    let (template, example) = builtin("province-project-4");
    let mut doc = serde_json::to_value(&template).unwrap();
    doc["sections"][1]["aliases"] = serde_json::json!(["决策"]);
    doc["sections"][2]["points"] = "0".into();
    doc["execution"]["within"]["group"] = "资金到位".into();
    doc["qualitative"] = serde_json::json!([{"level": "达成", "min": "0.9", "max": "0.8"}]);
    doc["over_target"] = serde_json::json!({"above": "0.2", "per_point": "2", "max": "0.5"});
    doc["grades"] = serde_json::json!([{"label": "差"}, {"label": "优", "min": "90"}, {"label": "良", "min": "95"}]);
    let bad = ProjectTemplate::from_json(&doc.to_string()).unwrap();
    let err = bad.check().unwrap_err();
    let zh = err.message(Lang::Zh);
    for part in [
        "“决策”同时是两个一级指标的名称或别名",
        "一级指标“产出”的分值须大于0",
        "预算执行率放在“过程—资金到位”下",
        "定性分档“达成”的范围",
        "偏离度调减的比例",
        "等次须从高到低排列",
    ] {
        assert!(zh.contains(part), "{part}: {zh}");
    }
    // A project is never scored against it.
    assert!(bad.score(&example).is_err());
    assert!(template.check().is_ok());
}

/// A long table without a 年度 column: 年度指标值 is an indicator column, never the project's year;
/// a budget column with its unit in brackets is the project's budget.
#[test]
fn a_long_tables_project_columns_are_read_by_their_own_labels() {
    let mut rows = grid(LONG);
    let drop = rows[0].iter().position(|h| h == "年度").unwrap();
    for r in &mut rows {
        r.remove(drop);
    }
    let budget = rows[0].iter().position(|h| h == "全年预算数").unwrap();
    rows[0][budget] = "全年预算数（万元）".into();
    let projects = ProjectUnit::from_long_table(&rows).unwrap();
    let first = projects[0].unit.as_ref().unwrap();
    assert_eq!(first.info.get("年度"), None);
    assert_eq!(first.funds.budget, dec("800"));
    assert_eq!(first.rows[0].target, "≥1200公里");
}

/// A four-section table scored with the MOF template: one problem naming the template it fits,
/// not a problem for each of its rows.
#[test]
fn a_table_of_another_templates_shape_is_told_which_template_it_fits() {
    let (mof, _) = builtin("mof-project");
    let (_, four) = builtin("province-project-4");
    let err = mof.score(&four).unwrap_err();
    let zh = err.message(Lang::Zh);
    assert!(
        zh.starts_with("本表的指标（一级指标决策、过程、产出、效益）不是模板“项目支出绩效自评表”（mof-project）的格式"),
        "{zh}"
    );
    assert!(zh.ends_with("请用 --system province-project-4 计分"), "{zh}");
    assert!(!zh.contains("第"), "{zh}");
    // A row out of place in a table of the right shape is still named by its row.
    let (_, mut road) = builtin("mof-project");
    road.rows[0].level1 = "决策".into();
    let zh = mof.score(&road).unwrap_err().message(Lang::Zh);
    assert!(zh.starts_with("第1行“一级指标”"), "{zh}");
}
