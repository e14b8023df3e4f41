//! Project self-evaluations (项目支出绩效自评表): a template with each project's own rows, scored
//! as the fixed MOF example is, with every problem of a table located by row and column.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

use jixiao::project::{self, ProjectRow, ProjectTemplate, ProjectUnit};
use jixiao::{Decimal, Lang};

fn mof() -> (ProjectTemplate, ProjectUnit) {
    project::builtin("mof-project").expect("built in").expect("parses")
}

fn dec(s: &str) -> Decimal {
    jixiao::parse_decimal(s).unwrap()
}

#[test]
fn the_bundled_example_scores_as_vector_109_does() {
    let (template, unit) = mof();
    let scored = template.score(&unit).unwrap();
    let e = &scored.evaluation;
    assert_eq!(e.total.to_string(), "93.37");
    assert_eq!(&*e.grade, "优");
    // The rows the fixed system of the same project (now conformance vector 109) scores by hand.
    let stated: Vec<(String, String)> = e
        .indicators
        .iter()
        .filter(|r| r.is_leaf)
        .map(|r| (r.name.to_string(), r.score.to_string()))
        .collect();
    for (name, score) in [("预算执行率", "9.70"), ("危桥改造数量", "4.38")] {
        assert!(
            stated.iter().any(|(n, s)| n.contains(name) && s == score),
            "{name} {score} in {stated:?}"
        );
    }
    // The placeholder row 4 (指标4：) is ignored; row 5 is 2.2.1.
    assert_eq!(scored.row_of("2.2.1"), Some(5));
    assert_eq!(scored.row_of("2.1.3"), Some(3));
    let bridge = e.indicator("2.1.2").unwrap();
    assert_eq!(
        bridge.explain(Lang::Zh),
        "危桥改造数量为7座，目标值8座，正向指标，未达到目标，按实际值/目标值=87.5%计，得4.38分（分值5分；计算值4.375，按四舍五入保留两位小数）"
    );
    let accidents = e.indicator("3.2.2").unwrap();
    assert!(
        accidents
            .explain(Lang::Zh)
            .contains("反向指标，超过目标，按目标值/实际值=75%计")
    );
    // A qualitative row whose actual repeats its target is 达成.
    let mechanism = e
        .indicators
        .iter()
        .find(|r| &*r.name == "农村公路长效管护机制")
        .unwrap();
    assert!(
        mechanism.explain(Lang::Zh).starts_with("评价为“达成”"),
        "{}",
        mechanism.explain(Lang::Zh)
    );
    // The execution row: 776 / 800 = 97%.
    assert_eq!(e.indicator("1").unwrap().score, dec("9.70"));
}

fn row(level1: &str, level2: &str, name: &str, target: &str, actual: &str, points: &str) -> ProjectRow {
    ProjectRow {
        level1: level1.into(),
        level2: level2.into(),
        name: name.into(),
        target: target.into(),
        actual: actual.into(),
        points: Some(jixiao::Dec(dec(points))),
        ..ProjectRow::default()
    }
}

/// A project whose rows fill the template's weights: 50 / 30 / 10.
fn unit(rows: Vec<ProjectRow>) -> ProjectUnit {
    let (_, mut u) = mof();
    u.rows = rows;
    u
}

fn filler() -> Vec<ProjectRow> {
    vec![
        row("产出", "数量", "培训人次", "≥1200人次", "1150人次", "50"),
        row("效益", "社会效益", "群众满意率提升", "≥5%", "6%", "30"),
        row("满意度", "服务对象满意度", "满意度", "≥90%", "95%", "10"),
    ]
}

#[test]
fn rows_score_by_their_comparator_unit_and_kind() {
    let (template, _) = mof();
    let mut rows = filler();
    rows[0] = row("产出指标", "数量指标", "培训人次", ">=1200人次", "1150人次", "20");
    rows.insert(
        1,
        row("产出指标", "时效指标", "完成时限", "2023年12月", "2023年11月", "10"),
    );
    rows.insert(
        2,
        row(
            "产出指标",
            "时效指标",
            "验收时限",
            "2023年6月底前",
            "2023年7月15日",
            "10",
        ),
    );
    rows.insert(
        3,
        row("产出指标", "成本指标", "人均培训成本", "<=4800元/人", "5000元/人", "10"),
    );
    let scored = template.score(&unit(rows)).unwrap();
    let e = &scored.evaluation;
    let by_name = |n: &str| e.indicators.iter().find(|r| &*r.name == n).unwrap();
    // 正向: 20 × 1150/1200 = 19.1666… → 19.17.
    assert_eq!(by_name("培训人次").score, dec("19.17"));
    // A date met scores full; a date missed scores 0.
    assert_eq!(by_name("完成时限").score, dec("10"));
    assert_eq!(by_name("验收时限").score, dec("0"));
    assert!(by_name("完成时限").explain(Lang::Zh).starts_with("符合“按期完成”"));
    // 反向: 10 × 4800/5000 = 9.6.
    assert_eq!(by_name("人均培训成本").score, dec("9.6"));
    assert_eq!(by_name("满意度").score, dec("10"));
}

#[test]
fn every_problem_of_a_table_is_located_by_row_and_column() {
    let (template, _) = mof();
    let mut rows = filler();
    rows.push(row("产出指标", "数量指标", "指标2：", "", "", "0"));
    rows.push(row("过程指标", "资金管理", "资金到位率", "≥100%", "100%", "5"));
    rows.push(row("产出指标", "进度指标", "开工率", "≥100%", "100%", "5"));
    rows.push(ProjectRow {
        points: None,
        ..row("产出指标", "数量指标", "新建里程", "≥10公里", "10公里", "1")
    });
    rows.push(ProjectRow {
        comparator: Some("≤".into()),
        ..row("产出指标", "数量指标", "覆盖户数", "≥100户", "100户", "1")
    });
    rows.push(row("产出指标", "数量指标", "新建面积", "≥200平方米", "210亩", "1"));
    rows.push(row("产出指标", "质量指标", "合格率", "100%", "100%", "1"));
    rows.push(row("效益指标", "社会效益指标", "社会影响", "明显", "有效", "1"));
    rows.push(row("产出指标", "数量指标", "购置设备", "≥5台", "", "1"));
    let err = template.instantiate(&unit(rows)).unwrap_err();
    let zh: Vec<String> = err.problems.iter().map(|p| p.message(Lang::Zh)).collect();
    let expected = [
        "第5行“一级指标”：“过程指标”不是本模板的一级指标（产出指标、效益指标、满意度指标）",
        "第6行“二级指标”：“进度指标”不是“产出指标”下的二级指标（数量指标、质量指标、时效指标、成本指标）",
        "第7行“分值”：未填写分值（或分值不大于0）",
        "第8行“年度指标值”：指标性质为“≤”，年度指标值却写作“≥100户”，不能确定按哪个计分",
        "第9行“实际完成值”：实际完成值的单位“亩”与年度指标值的单位“平方米”不同",
        "第10行“年度指标值”：年度指标值“100%”未写明≥、≤或=，无法判断是正向还是反向指标",
        "第11行“实际完成值”：定性指标的实际完成值“有效”既不是评价等级（达成、部分达成、未达成），也与年度指标值“明显”不同，无法确定等级",
        "第12行“实际完成值”：未填写实际完成值",
    ];
    assert_eq!(zh, expected, "{zh:#?}");
    // The placeholder (row 4) is no problem; no weight problem is reported beside an unknown 一级指标.
    assert!(err.problems.iter().all(|p| p.row.is_some()));
    assert!(
        err.message(Lang::En)
            .contains("row 9, 实际完成值: the actual's unit `亩` differs from the target's `平方米`")
    );
}

#[test]
fn weights_must_add_up_to_the_template() {
    let (template, _) = mof();
    let mut rows = filler();
    rows[0].points = Some(jixiao::Dec(dec("45")));
    let err = template.instantiate(&unit(rows)).unwrap_err();
    assert_eq!(
        err.message(Lang::Zh),
        "“产出指标”下各指标分值合计45分，与模板规定的50分不符"
    );
}

#[test]
fn a_claimed_score_outside_its_band_fails_its_row() {
    let (template, _) = mof();
    let mut rows = filler();
    rows[1] = ProjectRow {
        comparator: Some("定性".into()),
        claimed: Some(jixiao::Dec(dec("10"))),
        ..row("效益指标", "社会效益指标", "群众获得感", "明显增强", "部分达成", "30")
    };
    let err = template.score(&unit(rows)).unwrap_err();
    let zh = err.message(Lang::Zh);
    assert!(zh.starts_with("第2行："), "{zh}");
}

#[test]
fn placeholders_are_recognised() {
    for name in ["指标1：", "指标2:", "指标", ""] {
        assert!(row("产出", "数量", name, "", "", "0").is_placeholder(), "{name}");
    }
    assert!(!row("产出", "数量", "指标1：", "≥5", "", "1").is_placeholder());
    assert!(!row("产出", "数量", "培训人次", "", "", "1").is_placeholder());
}

#[test]
fn an_audit_checks_every_claim_and_asks_for_the_reasons_of_missed_targets() {
    let (template, mut unit) = mof();
    unit.total = Some(jixiao::Dec(dec("95")));
    unit.funds.claimed = Some(jixiao::Dec(dec("10")));
    unit.rows[4].claimed = Some(jixiao::Dec(dec("8")));
    let review = template.audit(&unit).unwrap();
    let text = review.audit.explain(Lang::Zh);
    assert!(
        text.contains("1 预算执行率：自评10分，按基础数据应得9.70分（差-0.3分）"),
        "{text}"
    );
    assert!(
        text.contains("2.2.1 优良中等路率：自评8分，按基础数据应得7.80分（差-0.2分）"),
        "{text}"
    );
    assert!(text.contains("综合得分：自评95分，按基础数据应得93.37分"), "{text}");
    // Every other row's claim follows from its figures.
    assert_eq!(review.audit.discrepancies.len(), 3, "{text}");
    // Rows below target without a reason: not 危桥改造数量 (it gives one), not a 达成 row scored
    // inside its band; 部分达成 is below target.
    let missing = |review: &jixiao::project::ProjectAudit| -> Vec<usize> {
        review
            .findings
            .iter()
            .filter(|f| f.code == "missing_reason")
            .filter_map(|f| f.row)
            .collect()
    };
    assert_eq!(missing(&review), [5, 8, 10, 12, 13]);
    let lines = review.lines(Lang::Zh);
    assert!(lines[0].starts_with("资金执行：1 预算执行率：自评10分"), "{lines:?}");
    assert_eq!(
        lines.iter().find(|l| l.contains("未填写偏差原因")).unwrap(),
        "第5行 优良中等路率：得7.80分，未完成年度指标值，未填写偏差原因分析及改进措施"
    );
    // Findings follow the table: the funds, then rows by row, then the total.
    let order: Vec<&str> = review.findings.iter().map(|f| f.code).collect();
    assert_eq!(order.first(), Some(&"execution"), "{order:?}");
    assert_eq!(order.last(), Some(&"total"), "{order:?}");
}

/// The findings reviewers class on their own: a met target cut, a missed one given full points,
/// and a stated 总分 that is not the sum of the table's own scores.
#[test]
fn an_audit_names_cuts_of_met_targets_full_points_for_missed_ones_and_a_total_that_does_not_add_up() {
    let (template, mut unit) = mof();
    // Row 1 met ≥1200公里 (1236) but claims 9; row 5 missed ≥80% (78%) but claims the full 8; row 12
    // exceeded its cap ≤3起 (4) but claims the full 6.
    unit.rows[0].claimed = Some(jixiao::Dec(dec("9")));
    unit.rows[4].claimed = Some(jixiao::Dec(dec("8")));
    unit.rows[11].claimed = Some(jixiao::Dec(dec("6")));
    unit.funds.claimed = Some(jixiao::Dec(dec("9.7")));
    // The stated scores add up to 9.7 + 88.27 + (9 − 10) + (8 − 7.8) + (6 − 4.5) = 98.67 … but the
    // table states 93.37.
    unit.total = Some(jixiao::Dec(dec("93.37")));
    let review = template.audit(&unit).unwrap();
    let by_code = |code: &str| -> Vec<(Option<usize>, String)> {
        review
            .findings
            .iter()
            .filter(|f| f.code == code)
            .map(|f| (f.row, f.message(Lang::Zh).to_string()))
            .collect()
    };
    let cut = by_code("cut_when_met");
    assert_eq!(cut.len(), 1, "{:?}", review.lines(Lang::Zh));
    assert_eq!(
        cut[0],
        (
            Some(1),
            "第1行 农村公路日常养护里程：已达到年度指标值（≥1200公里，实际1236公里），应得满分10分，自评却扣分（自评9分）"
                .to_string()
        )
    );
    let full = by_code("full_when_missed");
    assert_eq!(full.iter().map(|f| f.0).collect::<Vec<_>>(), [Some(5), Some(12)]);
    assert!(
        full[1]
            .1
            .contains("未达到年度指标值（≤3起，实际4起），自评却得满分6分，按规则应得4.50分"),
        "{}",
        full[1].1
    );
    let sum = by_code("total_sum");
    assert_eq!(sum.len(), 1);
    assert!(
        sum[0]
            .1
            .starts_with("总分：表中填93.37分，但资金执行得分与各指标得分合计"),
        "{}",
        sum[0].1
    );
    // The stated total equals the computed one: no `total` finding, only the sum.
    assert!(by_code("total").is_empty());
    // Every finding has a kind a reviewer's sheet can head.
    assert!(review.findings.iter().all(|f| f.kind(Lang::Zh) != "其他"));
}

/// A CSV's cells (the bundled tables quote nothing).
fn grid(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split(',').map(str::to_string).collect())
        .collect()
}

const PUBLISHED: &str = include_str!("../../../tests/tables/projects/农村公路养护工程.csv");

#[test]
fn a_published_table_is_read_by_its_labels_whatever_lies_around_them() {
    let (template, _) = mof();
    let unit = ProjectUnit::from_grid(&grid(PUBLISHED)).unwrap();
    assert_eq!(unit.info.get("项目名称").map(String::as_str), Some("农村公路养护工程"));
    assert_eq!(unit.info.get("实施单位").map(String::as_str), Some("某县公路养护中心"));
    assert_eq!(
        (unit.funds.budget.value(), unit.funds.spent.value()),
        (dec("800"), dec("776"))
    );
    assert_eq!(unit.funds.claimed.map(|d| d.value()), Some(dec("9.7")));
    assert_eq!(unit.total.map(|d| d.value()), Some(dec("93.37")));
    // Merged 一级/二级 cells read as the row above; the placeholder row is kept and ignored later.
    let bridge = &unit.rows[1];
    assert_eq!(
        (bridge.level1.as_str(), bridge.level2.as_str()),
        ("产出指标", "数量指标")
    );
    assert_eq!(bridge.sheet_row, Some(14));
    let review = template.audit(&unit).unwrap();
    assert_eq!(review.scored.evaluation.total.to_string(), "93.37");
    assert!(
        review.audit.discrepancies.is_empty(),
        "{}",
        review.audit.explain(Lang::Zh)
    );
    // Messages name the sheet's rows.
    assert_eq!(
        review
            .findings
            .iter()
            .find(|f| f.code == "missing_reason")
            .and_then(|f| f.row),
        Some(17)
    );
    assert_eq!(review.scored.row_of("2.1.2"), Some(14));
}

#[test]
fn a_published_table_with_bad_cells_names_them_by_sheet_row() {
    let (template, _) = mof();
    let text = PUBLISHED
        .replace(",危桥改造数量,≥8座,7座,5,4.38,", ",危桥改造数量,≥8座,7台,5,4.38,")
        .replace(",优良中等路率,≥80%,78%,8,7.8,", ",优良中等路率,≥80%,78%,八,7.8,");
    let err = ProjectUnit::from_grid(&grid(&text)).unwrap_err();
    assert_eq!(
        err.message(Lang::Zh),
        "第17行“分值”：“八”不是数字（应填写如 82.39 或 95% 的数字）"
    );
    let text = text.replace(",优良中等路率,≥80%,78%,八,7.8,", ",优良中等路率,≥80%,78%,8,7.8,");
    let unit = ProjectUnit::from_grid(&grid(&text)).unwrap();
    let err = template.instantiate(&unit).unwrap_err();
    assert_eq!(
        err.message(Lang::Zh),
        "第14行“实际完成值”：实际完成值的单位“台”与年度指标值的单位“座”不同"
    );
    let err = ProjectUnit::from_grid(&grid("项目名称,甲\n")).unwrap_err();
    assert!(
        err.message(Lang::Zh).starts_with("未找到资金情况"),
        "{}",
        err.message(Lang::Zh)
    );
}

/// 财预〔2020〕10号's 偏离度 in the MOF template: a 正向 row more than 20% above its target loses
/// 1% of its points per percentage point beyond, unless the evaluator says the excess has another
/// cause.
#[test]
fn a_row_far_above_its_target_is_cut_by_its_deviation_unless_the_evaluator_says_otherwise() {
    let (template, mut unit) = mof();
    // 1500 of ≥1200公里: 25% above, 5 points beyond 20% → 5% of 10 points.
    unit.rows[0].actual = "1500公里".to_string();
    let scored = template.score(&unit).unwrap();
    let r = scored.evaluation.indicator("2.1.1").unwrap();
    assert_eq!(r.score.to_string(), "9.50");
    let text = r.explain(Lang::Zh);
    assert!(text.starts_with("按“偏离度调减”计分"), "{text}");
    assert_eq!(scored.evaluation.total.to_string(), "92.87");
    // 20% above exactly: no cut.
    unit.rows[0].actual = "1440公里".to_string();
    assert_eq!(
        template
            .score(&unit)
            .unwrap()
            .evaluation
            .indicator("2.1.1")
            .unwrap()
            .score
            .to_string(),
        "10.00"
    );
    // Far above: at most half the points.
    unit.rows[0].actual = "12000公里".to_string();
    assert_eq!(
        template
            .score(&unit)
            .unwrap()
            .evaluation
            .indicator("2.1.1")
            .unwrap()
            .score
            .to_string(),
        "5.00"
    );
    // The evaluator finds another cause: full points.
    unit.over_target_cut = Some(false);
    assert_eq!(
        template
            .score(&unit)
            .unwrap()
            .evaluation
            .indicator("2.1.1")
            .unwrap()
            .score
            .to_string(),
        "10.00"
    );
    // A 反向 row far below its cap is never cut.
    let (_, mut unit) = mof();
    unit.rows[8].actual = "10万元/座".to_string();
    assert_eq!(
        template
            .score(&unit)
            .unwrap()
            .evaluation
            .indicator("2.4.2")
            .unwrap()
            .score
            .to_string(),
        "5.00"
    );
}
