//! The file format: JSON and TOML read the same system, decimals stay exact, typos are errors.

use jixiao::{IndicatorSystem, Inputs, LoadError, Scorer};

const EXCERPT: &str = include_str!("../../../tests/vectors/systems/hunan-excerpt.json");

#[test]
fn json_and_toml_round_trip_to_the_same_system() {
    let system = IndicatorSystem::from_json(EXCERPT).unwrap();
    let toml = system.to_toml().unwrap();
    let again = IndicatorSystem::from_toml(&toml).unwrap();
    assert_eq!(system, again);
    let json = system.to_json();
    assert_eq!(IndicatorSystem::from_json(&json).unwrap(), system);
}

#[test]
fn rule_numbers_may_be_json_numbers_and_stay_exact() {
    let text = EXCERPT.replace(r#""deduct": "0.5""#, r#""deduct": 0.5"#);
    assert_ne!(text, EXCERPT);
    let system = IndicatorSystem::from_json(&text).unwrap();
    assert_eq!(system, IndicatorSystem::from_json(EXCERPT).unwrap());
}

#[test]
fn unknown_fields_are_errors_with_a_path() {
    let text = EXCERPT.replace(
        r#""counting": "proportional"}"#,
        r#""counting": "proportional", "dedcut": "1"}"#,
    );
    let err = IndicatorSystem::from_json(&text).unwrap_err();
    let LoadError::Syntax { path, message, .. } = &err else {
        panic!("{err}")
    };
    assert!(message.contains("dedcut"), "{message}");
    assert!(path.starts_with("indicators[0].children[0].children[0].rule"), "{path}");
}

#[test]
fn toml_floats_are_refused_with_advice() {
    let system = IndicatorSystem::from_json(EXCERPT).unwrap();
    let toml = system.to_toml().unwrap().replace("deduct = \"0.5\"", "deduct = 0.5");
    let err = IndicatorSystem::from_toml(&toml).unwrap_err().to_string();
    assert!(err.contains("as a string"), "{err}");
    assert!(err.contains("line"), "{err}");
}

#[test]
fn trailing_garbage_is_a_syntax_error() {
    let err = IndicatorSystem::from_json(&format!("{EXCERPT} x"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("line"), "{err}");
}

#[test]
fn scorer_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Scorer>();
    let scorer = Scorer::from_text(EXCERPT).unwrap();
    let e = std::thread::scope(|s| {
        s.spawn(|| {
            scorer.evaluate(
                &Inputs::new()
                    .with("编制数", 10)
                    .with("在职人员数", 10)
                    .with("本年度三公经费预算数", 1)
                    .with("上年度三公经费预算数", 1)
                    .with("上年结转", 0)
                    .with("年初预算", 100)
                    .with("本年追加", 0)
                    .with("年末结余", 0),
            )
        })
        .join()
        .unwrap()
    })
    .unwrap();
    assert_eq!(e.total.to_string(), "23.00");
}

#[test]
fn a_missing_checklist_item_worth_nothing_is_no_deduction() {
    let text = r#"{"format": 1, "id": "c", "name": "c",
      "inputs": [{"name": "制度", "kind": "checklist", "items": ["甲", "乙", "丙"]}],
      "indicators": [{"id": "1", "name": "制度健全性", "points": "2", "rule": {"type": "checklist", "input": "制度",
        "item_points": [{"item": "甲", "points": "0"}, {"item": "乙", "points": "1"}, {"item": "丙", "points": "1"}]}}],
      "grades": [{"label": "差"}]}"#;
    let scorer = Scorer::from_text(text).unwrap();
    let e = scorer.evaluate(&Inputs::new().with("制度", "丙")).unwrap();
    let r = e.indicator("1").unwrap();
    assert_eq!(r.score.to_string(), "1.00");
    let amounts: Vec<String> = r
        .deductions
        .iter()
        .map(|d| format!("{}:{}", d.item.as_deref().unwrap_or(""), d.amount))
        .collect();
    assert_eq!(amounts, ["乙:1.00"]);
}

#[test]
fn a_checklist_cell_of_wu_means_no_item_unless_wu_is_an_item() {
    let system = |items: &str| {
        format!(
            r#"{{"format": 1, "id": "c", "name": "c",
      "inputs": [{{"name": "制度", "kind": "checklist", "items": [{items}]}}],
      "indicators": [{{"id": "1", "name": "制度健全性", "points": "2", "rule": {{"type": "checklist", "input": "制度", "points_per_item": "1"}}}}],
      "grades": [{{"label": "差"}}]}}"#
        )
    };
    let scorer = Scorer::from_text(&system(r#""甲", "乙""#)).unwrap();
    for none in ["无", " 无 ", "-", "none"] {
        let e = scorer.evaluate(&Inputs::new().with("制度", none)).unwrap();
        assert_eq!(e.indicator("1").unwrap().value.unwrap().to_string(), "0", "{none:?}");
    }
    // An empty cell is a missing input, not an empty list.
    assert!(scorer.evaluate(&Inputs::new()).is_err());
    let scorer = Scorer::from_text(&system(r#""无", "乙""#)).unwrap();
    let e = scorer.evaluate(&Inputs::new().with("制度", "无")).unwrap();
    assert_eq!(e.indicator("1").unwrap().value.unwrap().to_string(), "1");
}

/// A one-indicator system whose step rule reads `value`, with `inputs` and `metrics` as given.
fn step_system(inputs: &str, metrics: &str, value: &str, threshold: &str) -> String {
    format!(
        r#"{{"format": 1, "id": "w", "name": "警告", "inputs": [{inputs}], "metrics": [{metrics}],
        "indicators": [{{"id": "1", "name": "甲", "points": "5",
          "rule": {{"type": "step", "value": "{value}", "direction": "below", "threshold": "{threshold}",
                    "step": "1%", "deduct": "1", "counting": "whole"}}}}],
        "grades": [{{"label": "合格", "min": "3"}}, {{"label": "不合格"}}]}}"#
    )
}

#[test]
fn thresholds_where_the_value_cannot_be_are_warnings_not_errors() {
    let warnings = |text: &str| -> Vec<String> {
        let scorer = Scorer::from_text(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        scorer.warnings().iter().map(ToString::to_string).collect()
    };
    // 100 on a ratio declared in [0, 1]: outside the range, and a `%` value.
    let ratio = r#"{"name": "率", "unit": "%", "expr": "a / b", "min": "0", "max": "1"}"#;
    let ab = r#"{"name": "a"}, {"name": "b"}"#;
    let w = warnings(&step_system(ab, ratio, "率", "100"));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].starts_with(
            "indicators[1].rule.threshold: the threshold 100 lies outside `率`'s declared range [0%, 100%]"
        ),
        "{w:?}"
    );
    assert!(w[0].contains("did you mean `100%`?"), "{w:?}");
    // The same threshold written `100%` is inside: no warning.
    assert!(warnings(&step_system(ab, ratio, "率", "100%")).is_empty());
    // A `%` input without a declared range: 95 means 9500%.
    let w = warnings(&step_system(r#"{"name": "率", "unit": "%"}"#, "", "率", "95"));
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("the threshold 95 means 9500%; did you mean `95%`?"),
        "{w:?}"
    );
    // A plain number outside its declared range: below its min.
    let w = warnings(&step_system(r#"{"name": "数", "min": "0"}"#, "", "数", "-1"));
    assert!(
        w[0].contains("the threshold -1 lies outside `数`'s declared range [0, +∞]"),
        "{w:?}"
    );
    // Tier bounds are thresholds too: `60` written for 60%.
    let tiers = step_system(ab, ratio, "率", "1").replace(
        r#""type": "step", "value": "率", "direction": "below", "threshold": "1",
                    "step": "1%", "deduct": "1", "counting": "whole""#,
        r#""type": "tiers", "value": "率", "tiers": [{"ge": "60", "score": "5"}, {"lt": "60", "score": "0"}]"#,
    );
    let w = warnings(&tiers);
    assert_eq!(w.len(), 2, "{w:?}");
    assert!(
        w[0].starts_with("indicators[1].rule.tiers[0]: the threshold 60 lies outside"),
        "{w:?}"
    );
    assert!(
        w[1].starts_with("indicators[1].rule.tiers[1]: the threshold 60 lies outside"),
        "{w:?}"
    );
    // The JSON layer reports them with the answer of a valid system.
    let answer: serde_json::Value = serde_json::from_str(&jixiao::wire::validate_json(&tiers)).unwrap();
    assert_eq!(answer["valid"], true);
    assert_eq!(answer["warnings"][1]["path"], "indicators[1].rule.tiers[1]");
}
