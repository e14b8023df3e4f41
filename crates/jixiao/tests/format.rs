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
