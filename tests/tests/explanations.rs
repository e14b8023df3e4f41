//! Snapshots of the explanation text (zh and en) for small crafted systems that together produce
//! every kind of outcome, so that a change of wording shows up as a visible diff.
//!
//! The snapshots (insta) live in `tests/snapshots/<name>.zh.snap` and `<name>.en.snap`. After an
//! intended change of wording, review and accept them with `cargo insta review`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failed expectation is a test failure (clippy.toml allows these only inside #[test] functions)"
)]

use std::collections::BTreeSet;
use std::path::PathBuf;

use jixiao::{
    Better, ChecklistMode, Counting, Decimal, Direction, Evaluation, IndicatorSystem, InputValue, Inputs, Lang,
    NaOutcome, Outcome, Scorer, Status,
};
use serde_json::{Value, json};

const HUNAN: &str = include_str!("../vectors/systems/hunan-excerpt.json");

/// One crafted evaluation whose explanation is snapshotted.
struct Case {
    name: &'static str,
    system: IndicatorSystem,
    inputs: Inputs,
}

fn dec(s: &str) -> Decimal {
    jixiao::parse_decimal(s).unwrap_or_else(|e| panic!("{s}: {e}"))
}

/// The usual 90/80/60 grades of a 100-point table, scaled to `full` points (a grade above the
/// reachable total is refused at load).
fn grades(full: Decimal) -> Value {
    let at = |share: &str| (dec(share) * full / Decimal::ONE_HUNDRED).normalize().to_string();
    json!([
        {"label": "优", "label_en": "excellent", "min": at("90")},
        {"label": "良", "label_en": "good", "min": at("80")},
        {"label": "中", "label_en": "fair", "min": at("60")},
        {"label": "差", "label_en": "poor"}
    ])
}

/// The tree's full points: the sum of the top-level indicators' points.
fn full_points(indicators: &Value) -> Decimal {
    indicators
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i.get("points").and_then(Value::as_str))
        .map(dec)
        .sum()
}

/// A system from its parts; `extra` adds or overrides top-level fields.
fn system(id: &str, inputs: Value, metrics: Value, indicators: Value, extra: Value) -> IndicatorSystem {
    let full = full_points(&indicators);
    let mut v = json!({
        "format": 1,
        "id": id,
        "name": format!("测试体系 {id}"),
        "name_en": format!("test system {id}"),
        "inputs": inputs,
        "metrics": metrics,
        "indicators": indicators,
        "grades": grades(full),
    });
    if let (Value::Object(map), Value::Object(more)) = (&mut v, extra) {
        map.extend(more);
    }
    let text = serde_json::to_string_pretty(&v).expect("serialisable");
    let system = IndicatorSystem::from_json(&text).unwrap_or_else(|e| panic!("system {id}: {e}\n{text}"));
    if let Err(e) = Scorer::new(&system) {
        panic!("system {id} does not validate: {e}");
    }
    system
}

fn pct(name: &str, name_en: &str) -> Value {
    json!({"name": name, "name_en": name_en, "unit": "%"})
}

fn inputs<const N: usize>(values: [(&str, InputValue); N]) -> Inputs {
    values.into_iter().collect()
}

fn t(s: &str) -> InputValue {
    InputValue::Text(s.to_string())
}

/// The Hunan excerpt with 预算完成率 "每低于5%扣1分" in whole steps, and the 湘西州商务局 2019 figures.
fn hunan_key_sentence() -> Case {
    let text = HUNAN.replace(
        r#""step": "5%", "deduct": "2", "counting": "whole""#,
        r#""step": "5%", "deduct": "1", "counting": "whole""#,
    );
    assert_ne!(text, HUNAN, "the excerpt's 预算完成率 rule changed; update this test");
    let text = text.replace("每低于5%扣2分", "每低于5%扣1分");
    Case {
        name: "hunan-key-sentence",
        system: IndicatorSystem::from_json(&text).expect("the excerpt loads"),
        inputs: inputs([
            ("编制数", 76.into()),
            ("在职人员数", 76.into()),
            ("本年度三公经费预算数", 50.into()),
            ("上年度三公经费预算数", 52.into()),
            ("上年结转", 860.into()),
            ("年初预算", 2899.into()),
            ("本年追加", 108.into()),
            ("年末结余", 681.into()),
        ]),
    }
}

fn step_rule(value: &str, direction: &str, threshold: &str, step: &str, deduct: &str, counting: &str) -> Value {
    json!({"type": "step", "value": value, "direction": direction, "threshold": threshold,
           "step": step, "deduct": deduct, "counting": counting})
}

/// Step rules: both directions, every counting, zero gap, capped by the maximum and by the points.
fn steps() -> Case {
    let below = |id: &str, name: &str, en: &str, input: &str, counting: &str| {
        json!({"id": id, "name": name, "name_en": en, "points": "5",
               "rule": step_rule(input, "below", "100%", "5%", "1", counting)})
    };
    let above = |id: &str, name: &str, en: &str, input: &str, counting: &str| {
        json!({"id": id, "name": name, "name_en": en, "points": "5",
               "rule": step_rule(input, "above", "100%", "1%", "0.5", counting)})
    };
    let mut capped = step_rule("三公经费变动率", "above", "0", "1%", "0.8", "proportional");
    capped["max_deduction"] = json!("3");
    let system = system(
        "steps",
        json!([
            pct("完成率甲", "completion rate A"),
            pct("完成率乙", "completion rate B"),
            pct("完成率丙", "completion rate C"),
            pct("完成率丁", "completion rate D"),
            pct("控制率甲", "control rate A"),
            pct("控制率乙", "control rate B"),
            pct("控制率丙", "control rate C"),
            pct("控制率丁", "control rate D"),
            {"name": "本年度三公经费", "name_en": "this year's three public expenses", "unit": "万元"},
            {"name": "上年度三公经费", "name_en": "last year's three public expenses", "unit": "万元"},
            {"name": "实有人数", "name_en": "actual staff", "unit": "人"},
        ]),
        json!([
            {"name": "三公经费变动率", "name_en": "change of three public expenses", "unit": "%",
             "expr": "(本年度三公经费 - 上年度三公经费) / 上年度三公经费"}
        ]),
        json!([
            {"id": "1", "name": "每低于", "name_en": "below the threshold", "points": "20", "children": [
                below("1.1", "预算完成率（整档计）", "budget completion (whole steps)", "完成率甲", "whole"),
                below("1.2", "预算完成率（不足一档按一档计）", "budget completion (started steps)", "完成率乙", "started"),
                below("1.3", "预算完成率（按比例）", "budget completion (proportional)", "完成率丙", "proportional"),
                below("1.4", "预算完成率（达标）", "budget completion (met)", "完成率丁", "whole"),
            ]},
            {"id": "2", "name": "每超过", "name_en": "above the threshold", "points": "33", "children": [
                above("2.1", "在职人员控制率（整档计）", "staff control (whole steps)", "控制率甲", "whole"),
                above("2.2", "在职人员控制率（不足一档按一档计）", "staff control (started steps)", "控制率乙", "started"),
                above("2.3", "在职人员控制率（按比例）", "staff control (proportional)", "控制率丙", "proportional"),
                above("2.4", "在职人员控制率（达标）", "staff control (met)", "控制率丁", "proportional"),
                {"id": "2.5", "name": "“三公经费”变动率", "name_en": "change of three public expenses", "points": "8",
                 "rule": capped},
                {"id": "2.6", "name": "超编人数", "name_en": "staff over quota", "points": "5",
                 "rule": step_rule("实有人数", "above", "76", "1", "2", "whole")},
            ]},
        ]),
        json!({}),
    );
    Case {
        name: "step",
        system,
        inputs: inputs([
            ("完成率甲", t("82.39%")),
            ("完成率乙", t("82.39%")),
            ("完成率丙", t("82.39%")),
            ("完成率丁", t("100%")),
            ("控制率甲", t("107.5%")),
            ("控制率乙", t("107.5%")),
            ("控制率丙", t("107.5%")),
            ("控制率丁", t("98%")),
            ("本年度三公经费", t("60")),
            ("上年度三公经费", t("50")),
            ("实有人数", t("80")),
        ]),
    }
}

/// Tier tables: an `eq` tier, intervals with each kind of bound, and `otherwise`.
fn tiers() -> Case {
    let control = json!([
        {"eq": "0", "score": "5"},
        {"gt": "0", "le": "10%", "score": "4"},
        {"gt": "10%", "le": "20%", "score": "3"},
        {"gt": "20%", "le": "30%", "score": "2"},
        {"gt": "30%", "score": "0"}
    ]);
    let key = json!([
        {"ge": "90%", "score": "5"},
        {"ge": "80%", "lt": "90%", "score": "4"},
        {"ge": "70%", "lt": "80%", "score": "3"},
        {"ge": "60%", "lt": "70%", "score": "2"},
        {"lt": "60%", "score": "0"}
    ]);
    let tier_leaf = |id: &str, name: &str, en: &str, input: &str, tiers: &Value| {
        json!({"id": id, "name": name, "name_en": en, "points": "5",
               "rule": {"type": "tiers", "value": input, "tiers": tiers}})
    };
    let system = system(
        "tiers",
        json!([
            {"name": "调整率甲", "name_en": "adjustment rate A", "unit": "%", "min": "0"},
            {"name": "调整率乙", "name_en": "adjustment rate B", "unit": "%", "min": "0"},
            {"name": "调整率丙", "name_en": "adjustment rate C", "unit": "%", "min": "0"},
            pct("安排率甲", "key spending share A"),
            pct("安排率乙", "key spending share B"),
            {"name": "年末结余", "name_en": "year-end balance", "unit": "万元"},
        ]),
        json!([]),
        json!([
            {"id": "1", "name": "预算控制率", "name_en": "budget control rate", "points": "15", "children": [
                tier_leaf("1.1", "预算控制率（为零）", "budget control (zero)", "调整率甲", &control),
                tier_leaf("1.2", "预算控制率（区间）", "budget control (interval)", "调整率乙", &control),
                tier_leaf("1.3", "预算控制率（大于30%）", "budget control (above 30%)", "调整率丙", &control),
            ]},
            {"id": "2", "name": "重点支出安排率", "name_en": "key spending share", "points": "15", "children": [
                tier_leaf("2.1", "重点支出安排率（区间）", "key spending (interval)", "安排率甲", &key),
                tier_leaf("2.2", "重点支出安排率（低于60%）", "key spending (below 60%)", "安排率乙", &key),
                {"id": "2.3", "name": "资金结余", "name_en": "balance", "points": "5",
                 "rule": {"type": "tiers", "value": "年末结余", "tiers": [
                     {"eq": "0", "score": "5"},
                     {"gt": "0", "le": "100", "score": "3"}
                 ], "otherwise": "0"}},
            ]},
        ]),
        json!({}),
    );
    Case {
        name: "tiers",
        system,
        inputs: inputs([
            ("调整率甲", t("0")),
            ("调整率乙", t("15%")),
            ("调整率丙", t("35.2%")),
            ("安排率甲", t("85%")),
            ("安排率乙", t("55%")),
            ("年末结余", t("681")),
        ]),
    }
}

/// Ratio to a target, higher and lower is better, reached and not.
fn ratio() -> Case {
    let leaf = |id: &str, name: &str, en: &str, actual: &str, target: &str, better: &str| {
        json!({"id": id, "name": name, "name_en": en, "points": "10",
               "rule": {"type": "ratio", "actual": actual, "target": target, "direction": better}})
    };
    let system = system(
        "ratio",
        json!([
            {"name": "完成值甲", "name_en": "actual A", "unit": "个"},
            {"name": "完成值乙", "name_en": "actual B", "unit": "个"},
            {"name": "指标值", "name_en": "target", "unit": "个"},
            {"name": "单位成本甲", "name_en": "unit cost A", "unit": "元"},
            {"name": "单位成本乙", "name_en": "unit cost B", "unit": "元"},
            {"name": "成本指标", "name_en": "cost target", "unit": "元"},
        ]),
        json!([]),
        json!([
            {"id": "1", "name": "数量指标", "name_en": "quantity", "points": "20", "children": [
                leaf("1.1", "培训人次（未达标）", "people trained (short)", "完成值甲", "指标值", "higher_is_better"),
                leaf("1.2", "培训人次（达标）", "people trained (met)", "完成值乙", "指标值", "higher_is_better"),
            ]},
            {"id": "2", "name": "成本指标", "name_en": "cost", "points": "20", "children": [
                leaf("2.1", "单位成本（超标）", "unit cost (over)", "单位成本甲", "成本指标", "lower_is_better"),
                leaf("2.2", "单位成本（达标）", "unit cost (met)", "单位成本乙", "成本指标", "lower_is_better"),
            ]},
        ]),
        json!({"rounding": {"indicator": {"scale": 2}}}),
    );
    Case {
        name: "ratio",
        system,
        inputs: inputs([
            ("完成值甲", t("850")),
            ("完成值乙", t("1020")),
            ("指标值", t("1000")),
            ("单位成本甲", t("125")),
            ("单位成本乙", t("95")),
            ("成本指标", t("100")),
        ]),
    }
}

/// Rate × points, inside [0, 1] and clamped on both sides.
fn rate() -> Case {
    let leaf = |id: &str, name: &str, en: &str, input: &str| {
        json!({"id": id, "name": name, "name_en": en, "points": "10",
               "rule": {"type": "rate", "value": input}})
    };
    let system = system(
        "rate",
        json!([
            pct("执行率甲", "execution rate A"),
            pct("执行率乙", "execution rate B"),
            pct("执行率丙", "execution rate C"),
        ]),
        json!([]),
        json!([
            leaf("1", "预算执行率", "budget execution", "执行率甲"),
            leaf(
                "2",
                "预算执行率（超过100%）",
                "budget execution (above 100%)",
                "执行率乙"
            ),
            leaf("3", "预算执行率（为负）", "budget execution (negative)", "执行率丙"),
        ]),
        json!({}),
    );
    Case {
        name: "rate",
        system,
        inputs: inputs([
            ("执行率甲", t("95.1%")),
            ("执行率乙", t("104%")),
            ("执行率丙", t("-3%")),
        ]),
    }
}

/// Qualitative levels: a score given inside the band, and the band's default (twice).
fn level() -> Case {
    let levels = json!(["达成", "部分达成", "未达成"]);
    let bands = json!([
        {"level": "达成", "min": "80%", "max": "100%"},
        {"level": "部分达成", "min": "50%", "max": "80%", "max_inclusive": false, "default": "60%"},
        {"level": "未达成", "min": "0", "max": "50%", "max_inclusive": false, "default": "0"}
    ]);
    let leaf = |id: &str, name: &str, en: &str, input: &str| {
        json!({"id": id, "name": name, "name_en": en, "points": "10",
               "rule": {"type": "level", "input": input, "bands": bands}})
    };
    let level_input = |name: &str, en: &str| json!({"name": name, "name_en": en, "kind": "level", "levels": levels});
    let system = system(
        "level",
        json!([
            level_input("完成程度甲", "achievement A"),
            level_input("完成程度乙", "achievement B"),
            level_input("完成程度丙", "achievement C"),
        ]),
        json!([]),
        json!([
            leaf(
                "1",
                "社会效益（评价人给分）",
                "social benefit (score given)",
                "完成程度甲"
            ),
            leaf("2", "经济效益（按默认）", "economic benefit (default)", "完成程度乙"),
            leaf(
                "3",
                "生态效益（未达成）",
                "ecological benefit (not achieved)",
                "完成程度丙"
            ),
        ]),
        json!({}),
    );
    Case {
        name: "level",
        system,
        inputs: inputs([
            (
                "完成程度甲",
                InputValue::Level {
                    level: "部分达成".into(),
                    score: Some(dec("7")),
                },
            ),
            ("完成程度乙", t("部分达成")),
            ("完成程度丙", t("未达成")),
        ]),
    }
}

/// Checklists: award and deduct, with missing items, all satisfied, particular item points.
fn checklist() -> Case {
    let items = json!(["财务管理制度", "资产管理制度", "内控制度"]);
    let list = |name: &str, en: &str| json!({"name": name, "name_en": en, "kind": "checklist", "items": items});
    let system = system(
        "checklist",
        json!([
            list("制度甲", "rules A"),
            list("制度乙", "rules B"),
            list("制度丙", "rules C"),
            list("制度丁", "rules D"),
        ]),
        json!([]),
        json!([
            {"id": "1", "name": "管理制度健全性（得分制）", "name_en": "rules in place (award)", "points": "3",
             "rule": {"type": "checklist", "input": "制度甲", "points_per_item": "1"}},
            {"id": "2", "name": "管理制度健全性（扣分制）", "name_en": "rules in place (deduct)", "points": "3",
             "rule": {"type": "checklist", "input": "制度乙", "mode": "deduct", "points_per_item": "1",
                      "item_points": [{"item": "内控制度", "points": "1.5"}]}},
            {"id": "3", "name": "管理制度健全性（齐全）", "name_en": "rules in place (complete)", "points": "3",
             "rule": {"type": "checklist", "input": "制度丙", "points_per_item": "1"}},
            {"id": "4", "name": "管理制度健全性（均未建立）", "name_en": "rules in place (none)", "points": "3",
             "rule": {"type": "checklist", "input": "制度丁", "points_per_item": "1"}},
        ]),
        json!({}),
    );
    Case {
        name: "checklist",
        system,
        inputs: inputs([
            ("制度甲", t("财务管理制度、内控制度")),
            ("制度乙", t("财务管理制度")),
            ("制度丙", t("财务管理制度、资产管理制度、内控制度")),
            ("制度丁", InputValue::Items(Vec::new())),
        ]),
    }
}

/// Deductions per occurrence: some, capped at the points, capped by a maximum, none.
fn per_occurrence() -> Case {
    let leaf = |id: &str, name: &str, en: &str, input: &str, deduct: &str| {
        json!({"id": id, "name": name, "name_en": en, "points": "3",
               "rule": {"type": "per_occurrence", "value": input, "deduct": deduct}})
    };
    let count = |name: &str, en: &str| json!({"name": name, "name_en": en, "kind": "count", "unit": "例"});
    let mut capped = leaf(
        "4",
        "支付进度（上限）",
        "payment schedule (maximum)",
        "未按进度专项数",
        "0.5",
    );
    capped["rule"]["max_deduction"] = json!("1");
    let system = system(
        "per-occurrence",
        json!([
            count("违规例数甲", "violations A"),
            count("违规例数乙", "violations B"),
            count("违规例数丙", "violations C"),
            count("未按进度专项数", "projects behind schedule"),
        ]),
        json!([]),
        json!([
            leaf("1", "资金使用合规性", "compliant use of funds", "违规例数甲", "1"),
            leaf(
                "2",
                "资金使用合规性（扣完为止）",
                "compliant use of funds (used up)",
                "违规例数乙",
                "1"
            ),
            leaf(
                "3",
                "资金使用合规性（无违规）",
                "compliant use of funds (none)",
                "违规例数丙",
                "1"
            ),
            capped,
        ]),
        json!({}),
    );
    Case {
        name: "per-occurrence",
        system,
        inputs: inputs([
            ("违规例数甲", 2.into()),
            ("违规例数乙", 5.into()),
            ("违规例数丙", 0.into()),
            ("未按进度专项数", 3.into()),
        ]),
    }
}

/// A manual score.
fn manual() -> Case {
    let system = system(
        "manual",
        json!([{"name": "履职成效评分", "name_en": "performance score", "kind": "manual"}]),
        json!([]),
        json!([{"id": "1", "name": "履职成效", "name_en": "performance of duties", "points": "20",
                "rule": {"type": "manual", "input": "履职成效评分"}}]),
        json!({}),
    );
    Case {
        name: "manual",
        system,
        inputs: inputs([("履职成效评分", t("17.5"))]),
    }
}

/// Cases: one with a label, one without (the condition is shown), and `otherwise`.
fn cases() -> Case {
    let rule = |tag: &str, labels: bool| {
        let label = |l: &str| if labels { json!(l) } else { Value::Null };
        let mut cases = vec![
            json!({"when": format!("年末结余{tag} == 0"), "score": "3", "label": label("无结余")}),
            json!({"when": format!("年末结余{tag} <= 上年结转{tag}"), "score": "2",
                   "label": label("有结余，但不超过上年结转")}),
        ];
        for c in &mut cases {
            if c["label"].is_null()
                && let Some(o) = c.as_object_mut()
            {
                o.remove("label");
            }
        }
        json!({"type": "cases", "cases": cases, "otherwise": "0"})
    };
    let mut decls = Vec::new();
    for tag in ["甲", "乙", "丙"] {
        decls.push(
            json!({"name": format!("年末结余{tag}"), "name_en": format!("year-end balance {tag}"), "unit": "万元"}),
        );
        decls.push(json!({"name": format!("上年结转{tag}"), "name_en": format!("carried over {tag}"), "unit": "万元"}));
    }
    let system = system(
        "cases",
        Value::Array(decls),
        json!([]),
        json!([
            {"id": "1", "name": "资金结余（有标签）", "name_en": "balance (labelled)", "points": "3",
             "rule": rule("甲", true)},
            {"id": "2", "name": "资金结余（无标签）", "name_en": "balance (no label)", "points": "3",
             "rule": rule("乙", false)},
            {"id": "3", "name": "资金结余（其他）", "name_en": "balance (otherwise)", "points": "3",
             "rule": rule("丙", true)},
        ]),
        json!({}),
    );
    Case {
        name: "cases",
        system,
        inputs: inputs([
            ("年末结余甲", t("0")),
            ("上年结转甲", t("100")),
            ("年末结余乙", t("80")),
            ("上年结转乙", t("100")),
            ("年末结余丙", t("681")),
            ("上年结转丙", t("100")),
        ]),
    }
}

/// Formulas: inside the points, clamped above and below.
fn formula() -> Case {
    let leaf = |id: &str, name: &str, en: &str, expr: &str| {
        json!({"id": id, "name": name, "name_en": en, "points": "10",
               "rule": {"type": "formula", "expr": expr, "clamp": true}})
    };
    let system = system(
        "formula",
        json!([
            pct("得分系数甲", "score coefficient A"),
            pct("得分系数乙", "score coefficient B"),
            pct("得分系数丙", "score coefficient C"),
        ]),
        json!([]),
        json!([
            leaf("1", "指标得分", "indicator score", "得分系数甲 * 10"),
            leaf(
                "2",
                "指标得分（超过分值）",
                "indicator score (above points)",
                "得分系数乙 * 10"
            ),
            leaf("3", "指标得分（为负）", "indicator score (negative)", "得分系数丙 * 10"),
        ]),
        json!({}),
    );
    Case {
        name: "formula",
        system,
        inputs: inputs([
            ("得分系数甲", t("87.5%")),
            ("得分系数乙", t("112%")),
            ("得分系数丙", t("-20%")),
        ]),
    }
}

/// 二者择其一: the first option that applies, and the fallback without a condition.
fn choose_one() -> Case {
    let rule = |tag: &str| {
        json!({"type": "choose_one", "options": [
            {"name": "结转结余变动率", "when": format!("上年结转结余{tag} > 0"),
             "rule": step_rule(&format!("结转结余变动率{tag}"), "above", "0", "1%", "0.5", "proportional")},
            {"name": "结转结余率",
             "rule": {"type": "tiers", "value": format!("结转结余率{tag}"), "tiers": [
                 {"le": "5%", "score": "5"}, {"gt": "5%", "le": "10%", "score": "3"}, {"gt": "10%", "score": "0"}
             ]}}
        ]})
    };
    let decl = |tag: &str| -> Vec<Value> {
        vec![
            json!({"name": format!("上年结转结余{tag}"), "name_en": format!("last year's balance {tag}"), "unit": "万元"}),
            json!({"name": format!("本年结转结余{tag}"), "name_en": format!("this year's balance {tag}"), "unit": "万元"}),
            json!({"name": format!("支出预算数{tag}"), "name_en": format!("spending budget {tag}"), "unit": "万元"}),
        ]
    };
    let metrics = |tag: &str| -> Vec<Value> {
        vec![
            json!({"name": format!("结转结余变动率{tag}"), "name_en": format!("change of balance {tag}"), "unit": "%",
                   "expr": format!("if(上年结转结余{tag} == 0, 0, (本年结转结余{tag} - 上年结转结余{tag}) / 上年结转结余{tag})")}),
            json!({"name": format!("结转结余率{tag}"), "name_en": format!("balance rate {tag}"), "unit": "%",
                   "expr": format!("本年结转结余{tag} / 支出预算数{tag}")}),
        ]
    };
    let mut input_decls = decl("甲");
    input_decls.extend(decl("乙"));
    let mut metric_decls = metrics("甲");
    metric_decls.extend(metrics("乙"));
    let system = system(
        "choose-one",
        Value::Array(input_decls),
        Value::Array(metric_decls),
        json!([
            {"id": "1", "name": "结转结余控制（有上年结余）", "name_en": "balance control (with last year's)", "points": "5",
             "rule": rule("甲")},
            {"id": "2", "name": "结转结余控制（无上年结余）", "name_en": "balance control (without last year's)", "points": "5",
             "rule": rule("乙")},
        ]),
        json!({}),
    );
    Case {
        name: "choose-one",
        system,
        inputs: inputs([
            ("上年结转结余甲", t("200")),
            ("本年结转结余甲", t("210")),
            ("支出预算数甲", t("3000")),
            ("上年结转结余乙", t("0")),
            ("本年结转结余乙", t("240")),
            ("支出预算数乙", t("3000")),
        ]),
    }
}

/// Not applicable: full points, zero, excluded (leaf and group, children inherit), rescaled total.
fn not_applicable(name: &'static str, excluded_points: &str) -> Case {
    let leaf = |id: &str, name: &str, en: &str, points: &str| {
        json!({"id": id, "name": name, "name_en": en, "points": points,
               "rule": {"type": "manual", "input": format!("评分{id}")}})
    };
    let na = |mut v: Value, when: &str, outcome: &str, reason: Option<&str>| {
        v["not_applicable"] = json!({"when": when, "outcome": outcome});
        if let Some(r) = reason {
            v["not_applicable"]["reason"] = json!(r);
        }
        v
    };
    let mut building = leaf("1.1", "新建楼堂馆所面积控制率", "new building area control", "5");
    building["rule"] = step_rule("面积控制率", "above", "100%", "5%", "2", "whole");
    let building = na(
        building,
        "not 有楼堂馆所项目",
        "full_points",
        Some("没有楼堂馆所项目的部门按满分计算"),
    );
    let procurement = na(
        leaf("1.2", "政府采购执行率", "government procurement", "5"),
        "not 有政府采购",
        "excluded",
        Some("无政府采购预算的不参与评分"),
    );
    let fees = na(
        leaf("1.3", "非税收入征收率", "non-tax revenue collection", "5"),
        "not 有非税收入",
        "zero",
        Some("应征未征的计0分"),
    );
    let special = na(
        json!({"id": "2", "name": "专项资金管理", "name_en": "special funds", "points": "10", "children": [
            leaf("2.1", "专项资金到位率", "special funds in place", "4"),
            leaf("2.2", "专项资金使用合规性", "special funds compliance", "6"),
        ]}),
        "not 有专项资金",
        "excluded",
        None,
    );
    let tasks = na(
        json!({"id": "3", "name": "重点工作", "name_en": "key tasks", "points": "10", "children": [
            leaf("3.1", "重点工作办结率", "key tasks closed", "10"),
        ]}),
        "not 有重点工作",
        "full_points",
        Some("本年度无重点工作任务"),
    );
    let mut decls = vec![
        json!({"name": "有楼堂馆所项目", "name_en": "has building projects", "kind": "boolean"}),
        json!({"name": "有政府采购", "name_en": "has procurement", "kind": "boolean"}),
        json!({"name": "有非税收入", "name_en": "has non-tax revenue", "kind": "boolean"}),
        json!({"name": "有专项资金", "name_en": "has special funds", "kind": "boolean"}),
        json!({"name": "有重点工作", "name_en": "has key tasks", "kind": "boolean"}),
        json!({"name": "面积控制率", "name_en": "area control", "unit": "%", "required": false}),
    ];
    for id in ["1.2", "1.3", "2.1", "2.2", "3.1"] {
        decls.push(json!({"name": format!("评分{id}"), "kind": "manual", "required": false}));
    }
    decls.push(json!({"name": "评分4.1", "kind": "manual"}));
    let system = system(
        name,
        Value::Array(decls),
        json!([]),
        json!([
            {"id": "1", "name": "预算管理", "name_en": "budget management", "points": "15",
             "children": [building, procurement, fees]},
            special,
            tasks,
            {"id": "4", "name": "履职效益", "name_en": "results", "points": "65", "children": [
                leaf("4.1", "社会效益", "social benefit", "65"),
            ]},
        ]),
        json!({"excluded_points": excluded_points}),
    );
    let mut units = inputs([
        ("有楼堂馆所项目", false.into()),
        ("有政府采购", false.into()),
        ("有非税收入", false.into()),
        ("有专项资金", false.into()),
        ("有重点工作", false.into()),
    ]);
    units.set("评分4.1", t("52"));
    Case {
        name,
        system,
        inputs: units,
    }
}

/// Bonus items with a cap on the bonus and on the total.
fn bonus() -> Case {
    let system = system(
        "bonus",
        json!([
            {"name": "基础得分", "name_en": "base score", "kind": "manual"},
            {"name": "获奖次数", "name_en": "awards", "kind": "count"},
            {"name": "创新评分", "name_en": "innovation score", "kind": "manual"},
        ]),
        json!([]),
        json!([{"id": "1", "name": "综合评价", "name_en": "overall", "points": "100",
                "rule": {"type": "manual", "input": "基础得分"}}]),
        json!({"bonus": {
            "items": [
                {"id": "B1", "name": "获得省级以上表彰", "name_en": "provincial awards", "points": "3",
                 "rule": {"type": "formula", "expr": "获奖次数 * 1.5", "clamp": true}},
                {"id": "B2", "name": "工作创新", "name_en": "innovation", "points": "2",
                 "rule": {"type": "manual", "input": "创新评分"}}
            ],
            "max_bonus": "4",
            "max_total": "100"
        }}),
    );
    Case {
        name: "bonus",
        system,
        inputs: inputs([("基础得分", t("97.5")), ("获奖次数", 3.into()), ("创新评分", t("1.5"))]),
    }
}

/// Vetoes: a forced grade with a cap on the total, and a total set outright.
fn veto() -> Case {
    let system = system(
        "veto",
        json!([
            {"name": "基础得分", "name_en": "base score", "kind": "manual"},
            {"name": "发生重大违纪", "name_en": "major violation", "kind": "boolean"},
            {"name": "拒不整改", "name_en": "refused to rectify", "kind": "boolean"},
        ]),
        json!([]),
        json!([{"id": "1", "name": "综合评价", "name_en": "overall", "points": "100",
                "rule": {"type": "manual", "input": "基础得分"}}]),
        json!({"vetoes": [
            {"id": "V1", "name": "发生重大违纪违规问题", "name_en": "major breach of discipline",
             "when": "发生重大违纪", "grade": "差", "max_total": "59"},
            {"id": "V2", "name": "审计问题拒不整改", "name_en": "audit findings not rectified",
             "when": "拒不整改", "total": "0"}
        ]}),
    );
    Case {
        name: "veto",
        system,
        inputs: inputs([
            ("基础得分", t("92.5")),
            ("发生重大违纪", true.into()),
            ("拒不整改", false.into()),
        ]),
    }
}

/// Both vetoes: the total set outright to 0, the grade forced.
fn veto_total() -> Case {
    let mut case = veto();
    case.name = "veto-total";
    case.inputs.set("拒不整改", InputValue::Bool(true));
    case
}

/// Rounding at every level: indicator, subtotal and total, each with its note.
fn rounding() -> Case {
    let system = system(
        "rounding",
        json!([
            pct("控制率甲", "control rate A"),
            pct("控制率乙", "control rate B"),
            {"name": "完成值", "name_en": "actual", "unit": "个"},
            {"name": "指标值", "name_en": "target", "unit": "个"},
        ]),
        json!([]),
        json!([
            {"id": "1", "name": "投入", "name_en": "input", "points": "13", "children": [
                {"id": "1.1", "name": "在职人员控制率", "name_en": "staff control", "points": "5",
                 "rule": step_rule("控制率甲", "above", "100%", "1%", "0.5", "proportional")},
                {"id": "1.2", "name": "“三公经费”变动率", "name_en": "three public expenses", "points": "8",
                 "rule": step_rule("控制率乙", "above", "0", "1%", "0.8", "proportional")},
            ]},
            {"id": "2", "name": "产出", "name_en": "output", "points": "7", "children": [
                {"id": "2.1", "name": "实际完成率", "name_en": "completion", "points": "7",
                 "rule": {"type": "ratio", "actual": "完成值", "target": "指标值", "direction": "higher_is_better"}},
            ]},
        ]),
        json!({"rounding": {
            "indicator": {"scale": 2, "mode": "half_up"},
            "subtotal": {"scale": 1, "mode": "down"},
            "total": {"scale": 0, "mode": "half_even"}
        }}),
    );
    Case {
        name: "rounding",
        system,
        inputs: inputs([
            ("控制率甲", t("105.263%")),
            ("控制率乙", t("5.7692%")),
            ("完成值", t("2")),
            ("指标值", t("3")),
        ]),
    }
}

/// The same figures as `rounding` with the scores stated exactly (`rounding.indicator = "none"`)
/// and only the default total rounding: long fractions stay exact in the scores.
fn unrounded() -> Case {
    let mut case = rounding();
    case.name = "unrounded";
    case.system.id = "unrounded".into();
    case.system.rounding = jixiao::RoundingPolicy::default();
    case.system.rounding.indicator = None;
    case
}

fn all_cases() -> Vec<Case> {
    vec![
        hunan_key_sentence(),
        steps(),
        tiers(),
        ratio(),
        rate(),
        level(),
        checklist(),
        per_occurrence(),
        manual(),
        cases(),
        formula(),
        choose_one(),
        not_applicable("not-applicable", "rescale"),
        not_applicable("not-applicable-drop", "drop"),
        bonus(),
        veto(),
        veto_total(),
        rounding(),
        unrounded(),
    ]
}

fn evaluate(case: &Case) -> Evaluation {
    let scorer = Scorer::new(&case.system).unwrap_or_else(|e| panic!("{}: {e}", case.name));
    scorer
        .evaluate(&case.inputs)
        .unwrap_or_else(|e| panic!("{}: evaluation failed: {e}", case.name))
}

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("snapshots")
}

#[test]
fn explanations_match_snapshots() {
    for case in all_cases() {
        let evaluation = evaluate(&case);
        for (lang, tag) in [(Lang::Zh, "zh"), (Lang::En, "en")] {
            let mut text = evaluation.explain(lang);
            text.push('\n');
            insta::with_settings!({
                snapshot_path => snapshot_dir(),
                prepend_module_to_snapshot => false,
                omit_expression => true,
            }, {
                insta::assert_snapshot!(format!("{}.{tag}", case.name), text);
            });
        }
    }
}

#[test]
fn every_snapshot_file_belongs_to_a_case() {
    let names: BTreeSet<String> = all_cases()
        .iter()
        .flat_map(|c| [format!("{}.zh.snap", c.name), format!("{}.en.snap", c.name)])
        .collect();
    let Ok(entries) = std::fs::read_dir(snapshot_dir()) else {
        return;
    };
    let orphans: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".snap") && !names.contains(f))
        .collect();
    assert!(
        orphans.is_empty(),
        "snapshot files without a case (delete them or add the case): {orphans:?}"
    );
}

#[test]
fn case_names_are_unique() {
    let mut seen = BTreeSet::new();
    for case in all_cases() {
        assert!(seen.insert(case.name), "two cases are named {}", case.name);
    }
}

/// The key sentence of the issues: 预算完成率 82.39% under "每低于5%扣1分" counted in whole steps,
/// with its calculation and in percentage points, as a 绩效科 reviewer writes it.
#[test]
fn hunan_budget_completion_reads_as_the_issue_states() {
    let e = evaluate(&hunan_key_sentence());
    let r = e.indicator("2.1.1").expect("2.1.1 预算完成率");
    assert_eq!(r.score, dec("2"));
    assert_eq!(
        r.explain(Lang::Zh),
        "预算完成率=(860+2899+108−681)/(860+2899+108)=82.39%，较100%低17.61个百分点，按每低5个百分点扣1分计扣3分（不足5个百分点部分不扣分），得2分（分值5分）"
    );
    let text = e.explain(Lang::Zh);
    assert!(
        text.contains(
            "2.1.1 预算完成率：预算完成率=(860+2899+108−681)/(860+2899+108)=82.39%，较100%低17.61个百分点，按每低5个百分点扣1分计扣3分（不足5个百分点部分不扣分），得2分（分值5分）"
        ),
        "{text}"
    );
}

/// Tags naming what an indicator result exercises, for the coverage check.
fn tags(outcome: &Outcome, status: &Status, score_rounded: bool, out: &mut BTreeSet<String>) {
    if let Status::NotApplicable { outcome, inherited, .. } = status {
        let o = match outcome {
            NaOutcome::FullPoints => "full",
            NaOutcome::Zero => "zero",
            NaOutcome::Excluded => "excluded",
        };
        out.insert(format!("na/{o}"));
        if *inherited {
            out.insert("na/inherited".into());
        }
        return;
    }
    if score_rounded {
        out.insert("rounding-note".into());
    }
    match outcome {
        Outcome::Step {
            direction,
            counting,
            gap,
            capped,
            ..
        } => {
            let d = match direction {
                Direction::Above => "above",
                Direction::Below => "below",
            };
            let c = match counting {
                Counting::Whole => "whole",
                Counting::Started => "started",
                Counting::Proportional => "proportional",
            };
            if gap.is_zero() {
                out.insert(format!("step/{d}/zero-gap"));
            } else {
                out.insert(format!("step/{d}/{c}"));
            }
            if *capped {
                out.insert("step/capped".into());
            }
        }
        Outcome::Tier { lower, upper, .. } => {
            let eq = matches!((lower, upper), (Some((l, true)), Some((u, true))) if l == u);
            out.insert(if eq { "tier/eq" } else { "tier/interval" }.into());
        }
        Outcome::TierOtherwise { .. } => {
            out.insert("tier/otherwise".into());
        }
        Outcome::Ratio { better, .. } => {
            out.insert(
                match better {
                    Better::HigherIsBetter => "ratio/higher",
                    Better::LowerIsBetter => "ratio/lower",
                }
                .into(),
            );
        }
        Outcome::Rate { measured, used } => {
            out.insert(
                if measured.value != *used {
                    "rate/clamped"
                } else {
                    "rate"
                }
                .into(),
            );
        }
        Outcome::Level { given, .. } => {
            out.insert(if *given { "level/given" } else { "level/default" }.into());
        }
        Outcome::Checklist { mode, missing, .. } => {
            let m = match mode {
                ChecklistMode::Award => "award",
                ChecklistMode::Deduct => "deduct",
            };
            out.insert(format!("checklist/{m}"));
            if !missing.is_empty() {
                out.insert(format!("checklist/{m}/missing"));
            }
        }
        Outcome::PerOccurrence { capped, .. } => {
            out.insert(
                if *capped {
                    "per_occurrence/capped"
                } else {
                    "per_occurrence"
                }
                .into(),
            );
        }
        Outcome::Manual { .. } => {
            out.insert("manual".into());
        }
        Outcome::Case { label, .. } => {
            out.insert(
                if label.is_some() {
                    "case/label"
                } else {
                    "case/condition"
                }
                .into(),
            );
        }
        Outcome::CaseOtherwise => {
            out.insert("case/otherwise".into());
        }
        Outcome::Formula { clamped, .. } => {
            out.insert(if *clamped { "formula/clamped" } else { "formula" }.into());
        }
        Outcome::Chosen { inner, .. } => {
            out.insert("choose_one".into());
            tags(inner, status, false, out);
        }
        Outcome::Group | Outcome::NotApplicable => {}
        _ => {
            out.insert("unknown outcome".into());
        }
    }
}

#[test]
fn snapshots_cover_every_kind_of_outcome() {
    let mut seen = BTreeSet::new();
    for case in all_cases() {
        let e = evaluate(&case);
        for r in e.indicators.iter().chain(e.bonus.iter()) {
            tags(&r.outcome, &r.status, r.score != r.exact_score, &mut seen);
        }
        if !e.bonus.is_empty() {
            seen.insert("bonus".into());
        }
        if !e.vetoes.is_empty() {
            seen.insert("veto".into());
        }
        if e.rescaled_total.is_some() {
            seen.insert("rescaled total".into());
        }
        if e.total != e.exact_total {
            seen.insert("total rounded".into());
        }
    }
    let required = [
        "step/below/whole",
        "step/below/started",
        "step/below/proportional",
        "step/above/whole",
        "step/above/started",
        "step/above/proportional",
        "step/below/zero-gap",
        "step/above/zero-gap",
        "step/capped",
        "tier/eq",
        "tier/interval",
        "tier/otherwise",
        "ratio/higher",
        "ratio/lower",
        "rate",
        "rate/clamped",
        "level/given",
        "level/default",
        "checklist/award/missing",
        "checklist/deduct/missing",
        "per_occurrence",
        "per_occurrence/capped",
        "manual",
        "case/label",
        "case/condition",
        "case/otherwise",
        "formula",
        "formula/clamped",
        "choose_one",
        "na/full",
        "na/zero",
        "na/excluded",
        "na/inherited",
        "bonus",
        "veto",
        "rescaled total",
        "rounding-note",
        "total rounded",
    ];
    let missing: Vec<&str> = required.iter().copied().filter(|t| !seen.contains(*t)).collect();
    assert!(
        missing.is_empty(),
        "no snapshot case produces {missing:?}; seen {seen:?}"
    );
    assert!(
        !seen.contains("unknown outcome"),
        "a new Outcome kind needs a snapshot case"
    );
}
