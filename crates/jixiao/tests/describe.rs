//! The 评分标准 the `show` table prints for each rule kind, in both languages: the wording a
//! finance bureau's reviewer reads (no spaces between figures and Chinese, percentage points,
//! tiers as "0—10%（含）的，计4分", levels as "按分值的60%计") is pinned here, so a change is a
//! visible diff.

use jixiao::{IndicatorSystem, Lang};

const SYSTEM: &str = r#"{
  "format": 1, "id": "describe", "name": "每种规则的评分标准",
  "inputs": [
    {"name": "编制数", "unit": "人", "min": "0"},
    {"name": "在职人员数", "unit": "人", "min": "0"},
    {"name": "本年三公经费", "unit": "万元", "min": "0"},
    {"name": "上年三公经费", "unit": "万元", "min": "0"},
    {"name": "完成率", "unit": "%", "min": "0", "max": "100%"},
    {"name": "调整率", "unit": "%", "min": "0"},
    {"name": "安排率", "unit": "%", "min": "0"},
    {"name": "执行率", "unit": "%", "min": "0"},
    {"name": "全年完成值", "min": "0"},
    {"name": "年度指标值", "min": "0"},
    {"name": "实际成本", "unit": "万元", "min": "0"},
    {"name": "目标成本", "unit": "万元", "min": "0"},
    {"name": "完善程度", "kind": "level", "levels": ["完善", "基本完善", "不完善"]},
    {"name": "完成程度", "kind": "level", "levels": ["达成", "部分达成", "未达成"]},
    {"name": "管理制度", "kind": "checklist", "items": ["财务管理制度", "资产管理制度", "内控制度"]},
    {"name": "公开事项", "kind": "checklist", "items": ["预算公开", "决算公开", "三公经费公开"]},
    {"name": "违规事项", "kind": "count", "unit": "起"},
    {"name": "问题数", "kind": "count"},
    {"name": "履职成效得分", "kind": "manual"},
    {"name": "年末结余", "unit": "万元", "min": "0"},
    {"name": "上年结转", "unit": "万元", "min": "0"},
    {"name": "系数", "min": "0"},
    {"name": "有楼堂馆所项目", "kind": "boolean", "required": false, "default": false},
    {"name": "涉及生态效益", "kind": "boolean", "required": false, "default": true},
    {"name": "政府采购预算数", "unit": "万元", "min": "0", "required": false, "default": "0"}
  ],
  "metrics": [
    {"name": "在职人员控制率", "unit": "%", "expr": "在职人员数 / 编制数"},
    {"name": "三公经费变动率", "unit": "%", "expr": "(本年三公经费 - 上年三公经费) / 上年三公经费"}
  ],
  "indicators": [
    {"id": "1", "name": "分段扣分", "points": "40", "children": [
      {"id": "1.1", "name": "在职人员控制率", "points": "5",
       "rule": {"type": "step", "value": "在职人员控制率", "direction": "above", "threshold": "100%", "step": "1%", "deduct": "0.5", "counting": "proportional"}},
      {"id": "1.2", "name": "“三公经费”变动率", "points": "8",
       "rule": {"type": "step", "value": "三公经费变动率", "direction": "above", "threshold": "0", "step": "1%", "deduct": "0.8", "counting": "proportional", "max_deduction": "4"}},
      {"id": "1.3", "name": "预算完成率", "points": "5",
       "rule": {"type": "step", "value": "完成率", "direction": "below", "threshold": "100%", "step": "5%", "deduct": "1", "counting": "whole"}},
      {"id": "1.4", "name": "楼堂馆所控制率", "points": "5",
       "rule": {"type": "step", "value": "完成率", "direction": "below", "threshold": "100%", "step": "5%", "deduct": "2", "counting": "started"},
       "not_applicable": {"when": "not 有楼堂馆所项目", "outcome": "full_points"}},
      {"id": "1.5", "name": "人员", "points": "5",
       "rule": {"type": "step", "value": "在职人员数", "direction": "above", "threshold": "50", "step": "2", "deduct": "0.5", "counting": "proportional"}},
      {"id": "1.6", "name": "调整率", "points": "5",
       "rule": {"type": "tiers", "value": "调整率", "tiers": [
         {"eq": "0", "score": "5"}, {"gt": "0", "le": "10%", "score": "4"}, {"gt": "10%", "le": "20%", "score": "3"},
         {"gt": "20%", "le": "30%", "score": "2"}, {"gt": "30%", "score": "0"}]}},
      {"id": "1.7", "name": "安排率", "points": "7",
       "rule": {"type": "tiers", "value": "安排率", "tiers": [
         {"ge": "90%", "score": "5"}, {"ge": "80%", "lt": "90%", "score": "4"}, {"lt": "60%", "score": "0"}], "otherwise": "2"}}
    ]},
    {"id": "2", "name": "其他规则", "points": "60", "children": [
      {"id": "2.1", "name": "完成值", "points": "4", "rule": {"type": "ratio", "actual": "全年完成值", "target": "年度指标值", "direction": "higher_is_better"}},
      {"id": "2.2", "name": "成本", "points": "4", "rule": {"type": "ratio", "actual": "实际成本", "target": "目标成本", "direction": "lower_is_better"}},
      {"id": "2.3", "name": "执行率", "points": "4", "rule": {"type": "rate", "value": "执行率"},
       "not_applicable": {"when": "政府采购预算数 == 0", "outcome": "zero"}},
      {"id": "2.4", "name": "基础信息", "points": "4", "rule": {"type": "level", "input": "完善程度", "bands": [
        {"level": "完善", "min": "100%", "max": "100%"}, {"level": "基本完善", "min": "60%", "max": "60%"}, {"level": "不完善", "min": "0", "max": "0"}]}},
      {"id": "2.5", "name": "生态效益", "points": "4", "rule": {"type": "level", "input": "完成程度", "bands": [
        {"level": "达成", "min": "80%", "max": "100%", "default": "100%"}, {"level": "部分达成", "min": "50%", "max": "80%", "max_inclusive": false},
        {"level": "未达成", "min": "0", "max": "50%", "max_inclusive": false, "default": "0"}]},
       "not_applicable": {"when": "not 涉及生态效益", "outcome": "full_points"}},
      {"id": "2.6", "name": "管理制度", "points": "3", "rule": {"type": "checklist", "input": "管理制度", "mode": "award", "points_per_item": "1"}},
      {"id": "2.7", "name": "公开", "points": "4", "rule": {"type": "checklist", "input": "公开事项", "mode": "deduct", "item_points": [
        {"item": "预算公开", "points": "1"}, {"item": "决算公开", "points": "1"}, {"item": "三公经费公开", "points": "2"}]}},
      {"id": "2.8", "name": "合规性", "points": "5", "rule": {"type": "per_occurrence", "value": "违规事项", "deduct": "1", "max_deduction": "3"}},
      {"id": "2.9", "name": "资产安全", "points": "3", "rule": {"type": "per_occurrence", "value": "问题数", "deduct": "0.5"}},
      {"id": "2.10", "name": "履职成效", "points": "10", "rule": {"type": "manual", "input": "履职成效得分"}},
      {"id": "2.11", "name": "资金结余", "points": "3", "rule": {"type": "cases", "cases": [
        {"when": "年末结余 == 0", "score": "3", "label": "无结余"},
        {"when": "年末结余 <= 上年结转", "score": "2", "label": "有结余，但不超过上年结转的"}], "otherwise": "0"}},
      {"id": "2.12", "name": "结转", "points": "2", "rule": {"type": "cases", "cases": [{"when": "上年结转 > 0", "score": "2"}]}},
      {"id": "2.13", "name": "系数", "points": "4", "rule": {"type": "formula", "expr": "系数 × 4", "clamp": true}},
      {"id": "2.14", "name": "择一", "points": "2", "rule": {"type": "choose_one", "options": [
        {"name": "结余标准", "when": "上年结转 > 0", "rule": {"type": "step", "value": "调整率", "direction": "above", "threshold": "0", "step": "1%", "deduct": "0.2", "counting": "proportional"}},
        {"name": "结余率标准", "rule": {"type": "tiers", "value": "调整率", "tiers": [{"le": "10%", "score": "2"}, {"gt": "10%", "score": "0"}]}}]}},
      {"id": "2.15", "name": "公开（计分）", "points": "3", "rule": {"type": "checklist", "input": "公开事项", "mode": "award", "item_points": [
        {"item": "预算公开", "points": "1"}, {"item": "决算公开", "points": "1"}, {"item": "三公经费公开", "points": "2"}]}}
    ]}
  ],
  "grades": [{"label": "合格", "min": "60"}, {"label": "不合格"}]
}"#;

/// Every indicator's 评分标准: id, Chinese, English.
const EXPECTED: &[(&str, &str, &str)] = &[
    ("1", "", ""),
    (
        "1.1",
        "在职人员控制率以100%为标准，每超过1个百分点扣0.5分，不足1个百分点的按比例折算，扣完为止",
        "在职人员控制率: benchmark 100%; 0.5 points off per percentage point above it (a partial step pro rata), down to zero",
    ),
    (
        "1.2",
        "“三公经费”变动率以0为标准，每超过1个百分点扣0.8分，不足1个百分点的按比例折算，最多扣4分",
        "“三公经费”变动率: benchmark 0; 0.8 points off per percentage point above it (a partial step pro rata), at most 4 points off",
    ),
    (
        "1.3",
        "完成率以100%为标准，每低于5个百分点扣1分（不足5个百分点部分不扣分），扣完为止",
        "完成率: benchmark 100%; 1 point off per 5 percentage points below it (a partial step not counted), down to zero",
    ),
    (
        "1.4",
        "完成率以100%为标准，每低于5个百分点扣2分，不足5个百分点的按5个百分点计，扣完为止；无楼堂馆所项目的，按满分计算",
        "完成率: benchmark 100%; 2 points off per 5 percentage points below it (a partial step counted in full), down to zero; not applicable when 有楼堂馆所项目 is no: full points",
    ),
    (
        "1.5",
        "在职人员数以50人为标准，每超过2人扣0.5分，不足2人的按比例折算，扣完为止",
        "在职人员数: benchmark 50人; 0.5 points off per 2 人 above it (a partial step pro rata), down to zero",
    ),
    (
        "1.6",
        "调整率为0的，计5分；0—10%（含）的，计4分；10%—20%（含）的，计3分；20%—30%（含）的，计2分；超过30%的，计0分",
        "调整率: 5 points if equal to 0; 4 points if over 0 up to 10%; 3 points if over 10% up to 20%; 2 points if over 20% up to 30%; 0 points if over 30%",
    ),
    (
        "1.7",
        "安排率：90%及以上的，计5分；80%（含）—90%的，计4分；低于60%的，计0分；其他情形，计2分",
        "安排率: 5 points if 90% or more; 4 points if 80% or more but under 90%; 0 points if under 60%; otherwise 2 points",
    ),
    ("2", "", ""),
    (
        "2.1",
        "正向指标，得分=分值×全年完成值/年度指标值，最高不超过该指标分值",
        "higher is better: points × 全年完成值 / 年度指标值, at most the full points",
    ),
    (
        "2.2",
        "反向指标，得分=分值×目标成本/实际成本，最高不超过该指标分值",
        "lower is better: points × 目标成本 / 实际成本, at most the full points",
    ),
    (
        "2.3",
        "得分=分值×执行率，超过100%的按100%计；政府采购预算数为0的，不得分",
        "points × 执行率, counted as 100% when above 100%; not applicable when 政府采购预算数 = 0: no points",
    ),
    (
        "2.4",
        "完善程度：完善的，计满分；基本完善的，按分值的60%计；不完善的，不得分",
        "完善程度: 完善: full points; 基本完善: 60% of the points; 不完善: no points",
    ),
    (
        "2.5",
        "完成程度：达成的，按分值的80%—100%计；部分达成的，按分值的50%—80%（不含80%）计；未达成的，按分值的0—50%（不含50%）计；不涉及生态效益的，按满分计算",
        "完成程度: 达成: 80% to 100% of the points; 部分达成: 50% to under 80% of the points; 未达成: 0 to under 50% of the points; not applicable when 涉及生态效益 is no: full points",
    ),
    (
        "2.6",
        "管理制度：每满足一项计1分（财务管理制度、资产管理制度、内控制度）",
        "管理制度: 1 point for each item met (财务管理制度, 资产管理制度, 内控制度)",
    ),
    (
        "2.7",
        "公开事项：缺少一项扣相应分值（预算公开1分、决算公开1分、“三公经费”公开2分），扣完为止",
        "公开事项: the item's points off for each item missing (预算公开 1, 决算公开 1, “三公经费”公开 2), down to zero",
    ),
    (
        "2.8",
        "违规事项：每发现1起扣1分，最多扣3分",
        "违规事项: 1 point off for each occurrence, at most 3 points off",
    ),
    (
        "2.9",
        "问题数：每发现1项扣0.5分，扣完为止",
        "问题数: 0.5 points off for each occurrence, down to zero",
    ),
    (
        "2.10",
        "由评价人在0—10分之间评定（履职成效得分）",
        "scored by the evaluator from 0 to 10 (履职成效得分)",
    ),
    (
        "2.11",
        "无结余的，计3分；有结余，但不超过上年结转的，计2分；其他情形，计0分",
        "无结余: 3 points; 有结余，但不超过上年结转的: 2 points; otherwise 0 points",
    ),
    ("2.12", "上年结转>0的，计2分", "when 上年结转 > 0: 2 points"),
    (
        "2.13",
        "得分=系数 × 4，计算结果低于0的按0计，超过4分的按4分计",
        "score = 系数 × 4, kept within 0 to 4",
    ),
    (
        "2.14",
        "按适用情形择一计分。上年结转>0的，按结余标准：调整率以0为标准，每超过1个百分点扣0.2分，不足1个百分点的按比例折算，扣完为止；其他情形，按结余率标准：调整率：10%及以下的，计2分；超过10%的，计0分",
        "whichever applies: 结余标准 (when 上年结转 > 0): 调整率: benchmark 0; 0.2 points off per percentage point above it (a partial step pro rata), down to zero; 结余率标准 (otherwise): 调整率: 2 points if 10% or less; 0 points if over 10%",
    ),
    (
        "2.15",
        "公开事项：满足一项计相应分值（预算公开1分、决算公开1分、“三公经费”公开2分），最高3分",
        "公开事项: the item's points for each item met (预算公开 1, 决算公开 1, “三公经费”公开 2), at most 3 points",
    ),
];

fn walk<'s>(list: &'s [jixiao::Indicator], out: &mut Vec<&'s jixiao::Indicator>) {
    for i in list {
        out.push(i);
        walk(&i.children, out);
    }
}

#[test]
fn each_rule_kind_reads_as_the_tables_print_it() {
    let system = IndicatorSystem::from_json(SYSTEM).unwrap_or_else(|e| panic!("{e}"));
    let mut all = Vec::new();
    walk(&system.indicators, &mut all);
    let ids: Vec<&str> = all.iter().map(|i| i.id.as_str()).collect();
    let expected: Vec<&str> = EXPECTED.iter().map(|e| e.0).collect();
    assert_eq!(ids, expected, "one expectation per indicator, in order");
    let mut wrong = Vec::new();
    for (indicator, (id, zh, en)) in all.iter().zip(EXPECTED) {
        let got_zh = system.describe_indicator(indicator, Lang::Zh);
        let got_en = system.describe_indicator(indicator, Lang::En);
        if got_zh != *zh {
            wrong.push(format!("{id} zh:\n  want {zh}\n  got  {got_zh}"));
        }
        if got_en != *en {
            wrong.push(format!("{id} en:\n  want {en}\n  got  {got_en}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_chinese_standards_have_no_spaces_beside_figures_nor_english() {
    let system = IndicatorSystem::from_json(SYSTEM).unwrap_or_else(|e| panic!("{e}"));
    let mut all = Vec::new();
    walk(&system.indicators, &mut all);
    for i in all {
        let text = system.describe_indicator(i, Lang::Zh);
        // Formulas keep the expression as the system writes it (`系数 × 4`); nothing else has spaces.
        if i.id != "2.13" {
            assert!(!text.contains(' '), "{}: {text}", i.id);
        }
        assert!(!text.chars().any(|c| c.is_ascii_alphabetic()), "{}: {text}", i.id);
        assert!(!text.contains("按下级指标"), "{}: {text}", i.id);
    }
}

#[test]
fn input_kinds_and_ranges_in_words() {
    let system = IndicatorSystem::from_json(SYSTEM).unwrap_or_else(|e| panic!("{e}"));
    let find = |name: &str| {
        system
            .inputs
            .iter()
            .find(|i| i.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let cases = [
        ("编制数", "数值", Some("不得为负数"), "number", Some("not negative")),
        ("完成率", "数值", Some("0%—100%"), "number", Some("from 0% to 100%")),
        ("完善程度", "等级", None, "level", None),
        ("管理制度", "清单", None, "checklist", None),
        ("违规事项", "次数", None, "count", None),
        ("履职成效得分", "评价人打分", None, "evaluator's score", None),
        ("有楼堂馆所项目", "是否", None, "yes/no", None),
    ];
    for (name, kind_zh, range_zh, kind_en, range_en) in cases {
        let i = find(name);
        assert_eq!(i.kind.text(Lang::Zh), kind_zh, "{name}");
        assert_eq!(i.kind.text(Lang::En), kind_en, "{name}");
        assert_eq!(i.range_text(Lang::Zh).as_deref(), range_zh, "{name}");
        assert_eq!(i.range_text(Lang::En).as_deref(), range_en, "{name}");
    }
}
