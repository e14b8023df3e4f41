//! Consistency checks (勾稽关系) and core indicators (核心指标): the figures-only path agrees with
//! the full evaluation, and every output shows them (explanation, report, JSON).

#![allow(clippy::unwrap_used, reason = "tests")]

use jixiao::report::{Format, evaluation_report, system_report};
use jixiao::{EvalError, Inputs, Lang, Scorer, Severity};

const SYSTEM: &str = r#"{
  "format": 1, "id": "cc", "name": "勾稽与核心",
  "inputs": [
    {"name": "收入", "unit": "万元"}, {"name": "支出", "unit": "万元"}, {"name": "结余", "unit": "万元"},
    {"name": "其他", "unit": "万元", "required": false},
    {"name": "甲分", "kind": "manual"}, {"name": "乙分", "kind": "manual"}
  ],
  "indicators": [
    {"id": "1", "name": "甲", "points": "50", "rule": {"type": "manual", "input": "甲分"}},
    {"id": "2", "name": "乙", "points": "50", "core": true, "core_cap": "良",
     "rule": {"type": "manual", "input": "乙分"}}
  ],
  "checks": [
    {"id": "K1", "name": "收入 − 支出 = 结余", "expr": "收入 - 支出 = 结余"},
    {"id": "K2", "name": "收入不小于其他", "expr": "收入 >= 其他", "severity": "error"}
  ],
  "grades": [{"label": "优", "min": "90"}, {"label": "良", "min": "80"}, {"label": "中", "min": "60"}, {"label": "差"}]
}"#;

fn scorer() -> Scorer {
    Scorer::from_text(SYSTEM).unwrap()
}

fn unit(balance: i32, other: Option<i32>, b: &str) -> Inputs {
    let mut i = Inputs::new()
        .with("收入", 100)
        .with("支出", 80)
        .with("结余", balance)
        .with("甲分", 50)
        .with("乙分", b);
    if let Some(o) = other {
        i.set("其他", o);
    }
    i
}

#[test]
fn a_failed_warning_is_reported_and_the_scores_stand() {
    let s = scorer();
    let e = s.evaluate(&unit(25, None, "50")).unwrap();
    assert_eq!(e.total.to_string(), "100.00");
    let k1 = &e.checks[0];
    assert_eq!((k1.passed, k1.severity), (Some(false), Severity::Warning));
    // K2 needs 其他, which was not given: skipped, not failed.
    assert_eq!(e.checks[1].passed, None);
    let text = e.explain(Lang::Zh);
    assert!(
        text.contains("勾稽关系K1“收入 − 支出 = 结余”：不符（“收入 - 支出 = 结余”不成立：左边为20，右边为25，相差5）"),
        "{text}"
    );
    assert!(
        text.contains("勾稽关系K2“收入不小于其他”：缺少所需基础数据，未核对"),
        "{text}"
    );
    let report = evaluation_report(s.system(), &e, Format::Text, Lang::Zh);
    assert!(report.contains("K1“收入 − 支出 = 结余”：不符"), "{report}");
    let json = jixiao::wire::evaluation_to_value(&e, Lang::Zh);
    assert_eq!(json["checks"][0]["passed"], serde_json::Value::Bool(false));
    assert_eq!(
        (&json["checks"][0]["left"], &json["checks"][0]["right"]),
        (&"20".into(), &"25".into())
    );
    assert!(json["checks"][0].get("tolerance").is_none());
    assert_eq!(json["checks"][1]["passed"], serde_json::Value::Null);
    assert_eq!(json["checks"][1]["severity"], "error");
}

#[test]
fn a_failed_error_check_refuses_the_unit_on_every_path() {
    let s = scorer();
    let u = unit(20, Some(200), "50");
    let err = s.evaluate(&u).unwrap_err();
    assert!(
        matches!(&err, EvalError::CheckFailed { check, .. } if check == "K2"),
        "{err:?}"
    );
    assert_eq!((err.kind(), err.code()), ("check", "check_failed"));
    assert_eq!(err.params()[0], ("check", "K2".to_string()));
    assert!(
        err.message(Lang::Zh).contains("勾稽关系不符：收入不小于其他"),
        "{}",
        err.message(Lang::Zh)
    );
    assert_eq!(s.score(&u).unwrap_err(), err);
    // Holding, it lets the unit through.
    assert!(s.evaluate(&unit(20, Some(50), "50")).is_ok());
}

#[test]
fn a_core_indicator_missed_caps_the_grade_on_every_path() {
    let s = scorer();
    // 50 + 45 = 95, and 45 meets 60% of 50 (30): 优.
    let met = s.evaluate(&unit(20, None, "45")).unwrap();
    assert_eq!((&*met.grade, met.core_caps.len()), ("优", 0));
    // 29.99 < 30 of 50: the total 79.99 earns 中, below the cap 良: 中 stands.
    let low = s.evaluate(&unit(20, None, "29.99")).unwrap();
    assert_eq!(&*low.grade, "中");
    assert_eq!(&*low.core_caps[0].id, "2");
    // With a 100% share, 45 of 50 misses: the total 95 earns 优, capped at 良 — on the
    // scores-only path as well.
    let sys = SYSTEM.replace(r#""core_cap": "良","#, r#""core_cap": "良", "core_min_share": "100%","#);
    let s = Scorer::from_text(&sys).unwrap();
    let u = unit(20, None, "45");
    let e = s.evaluate(&u).unwrap();
    assert_eq!((e.total.to_string().as_str(), &*e.grade), ("95.00", "良"));
    let scores = s.score(&u).unwrap();
    assert_eq!(s.grade_label(scores.grade), Some("良"));
    assert_eq!(scores.total, e.total);
    let text = e.explain(Lang::Zh);
    assert!(
        text.contains("核心指标2未达标（得45分，低于分值50分的100%），评价等次不高于“良”"),
        "{text}"
    );
    let report = evaluation_report(s.system(), &e, Format::Markdown, Lang::Zh);
    assert!(report.contains("★乙"), "{report}");
    assert!(report.contains("核心指标2未达标"), "{report}");
    let json = jixiao::wire::evaluation_to_value(&e, Lang::Zh);
    assert_eq!(json["core_caps"][0]["grade"], "良");
    assert_eq!(json["indicators"][1]["core"], true);
    assert!(json["indicators"][0].get("core").is_none());
}

#[test]
fn show_stars_a_core_indicator_and_states_its_cap() {
    let s = scorer();
    let zh = system_report(s.system(), Format::Text, Lang::Zh);
    assert!(zh.contains("★乙"), "{zh}");
    assert!(zh.contains("核心指标：得分低于分值的60%的，评价等次不高于“良”"), "{zh}");
    assert!(!zh.contains("★甲"), "{zh}");
}

#[test]
fn systems_without_checks_or_core_indicators_answer_as_before() {
    // hunan-dept without the checks it declares.
    let b = jixiao::builtin("hunan-dept").unwrap();
    let mut system: serde_json::Value = serde_json::from_str(b.text()).unwrap();
    assert!(system.as_object_mut().unwrap().remove("checks").is_some());
    let scorer = Scorer::from_text(&system.to_string()).unwrap();
    let e = scorer.evaluate(&b.example_inputs().unwrap()).unwrap();
    assert!(e.checks.is_empty() && e.core_caps.is_empty());
    let json = jixiao::wire::evaluation_to_value(&e, Lang::Zh);
    assert!(json.get("checks").is_none() && json.get("core_caps").is_none());
}

#[test]
fn the_figures_only_paths_list_the_failed_warning_checks() {
    let s = scorer();
    let (bad, good) = (unit(25, None, "50"), unit(20, None, "50"));
    let scores = s.score(&bad).unwrap();
    assert_eq!(scores.failed_checks, [0]);
    assert_eq!(s.score(&good).unwrap().failed_checks, Vec::<usize>::new());
    assert_eq!(
        s.check_notice(0, Lang::Zh).as_deref(),
        Some("勾稽关系K1“收入 − 支出 = 结余”不符")
    );
    assert_eq!(
        s.check_notice(0, Lang::En).as_deref(),
        Some("check K1 \"收入 − 支出 = 结余\" does not hold")
    );
    assert_eq!(s.check_notice(2, Lang::Zh), None);
    // The flat table: row 1 warned, rows 0 and 2 not; the scores stand in every row.
    let units: Vec<_> = [&good, &bad, &good].iter().map(|u| s.prepare(u).unwrap()).collect();
    let mut table = jixiao::ScoreTable::default();
    s.score_table(&units, &mut table);
    assert_eq!(table.failed_checks(0), &[] as &[usize]);
    assert_eq!(table.failed_checks(1), &[0]);
    assert_eq!(table.failed_checks(2), &[] as &[usize]);
    assert_eq!(table.total(1), Some(scores.total));
    // The batch path agrees with the one-unit path.
    let batch = s.score_batch(&units);
    assert_eq!(batch[1].as_ref().unwrap().failed_checks, [0]);
    assert!(s.has_checks());
}
