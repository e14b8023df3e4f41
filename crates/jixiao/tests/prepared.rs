//! Prepared inputs belong to the scorer that prepared them, even after it is dropped and another
//! system is compiled (often at the same address).

use jixiao::{Inputs, Scorer};

/// Two inputs and one indicator whose score tells which input it read.
fn system(first: &str, second: &str) -> String {
    format!(
        r#"{{"format": 1, "id": "t", "name": "测试",
  "inputs": [{{"name": "{first}"}}, {{"name": "{second}"}}],
  "indicators": [{{"id": "1", "name": "甲", "points": 100,
                  "rule": {{"type": "formula", "expr": "a", "clamp": true}}}}],
  "grades": [{{"label": "合格"}}]}}"#
    )
}

#[test]
fn inputs_prepared_for_a_dropped_scorer_are_refused_by_the_next() {
    let inputs = Inputs::new().with("a", 70).with("b", 30);
    for _ in 0..1000 {
        let a = Scorer::from_text(&system("a", "b")).unwrap();
        let prepared = a.prepare(&inputs).unwrap();
        assert_eq!(a.evaluate_prepared(&prepared).unwrap().total, jixiao::Decimal::from(70));
        drop(a);
        // The same inputs in the other order: slot 0 is now `b`.
        let b = Scorer::from_text(&system("b", "a")).unwrap();
        let err = b.evaluate_prepared(&prepared).unwrap_err().to_string();
        assert!(err.contains("prepared for another indicator system"), "{err}");
        assert_eq!(b.evaluate(&inputs).unwrap().total, jixiao::Decimal::from(70));
    }
}

#[test]
fn a_clone_of_the_scorer_accepts_its_prepared_inputs() {
    let a = Scorer::from_text(&system("a", "b")).unwrap();
    let prepared = a.prepare(&Inputs::new().with("a", 70).with("b", 30)).unwrap();
    assert_eq!(
        a.clone().evaluate_prepared(&prepared).unwrap().total,
        jixiao::Decimal::from(70)
    );
}

#[test]
fn inputs_take_any_integer_and_decimal_type() {
    let d: jixiao::Decimal = "70.5".parse().unwrap();
    let from = |v: jixiao::InputValue| Inputs::new().with("a", v).with("b", 0u8);
    let a = Scorer::from_text(&system("a", "b")).unwrap();
    for value in [
        jixiao::InputValue::from(70i32),
        70u16.into(),
        70u64.into(),
        70usize.into(),
        70i8.into(),
        jixiao::Dec(d).into(),
    ] {
        let total = a.evaluate(&from(value.clone())).unwrap().total;
        let expected = if value == jixiao::Dec(d).into() {
            d
        } else {
            jixiao::Decimal::from(70)
        };
        assert_eq!(total, expected);
    }
    assert_eq!(a.evaluate(&from(d.into())).unwrap().total, d);
}

/// A blank means "not given", in a table cell and in `evaluate` alike; a checklist says "none of
/// the items" with 无.
#[test]
fn a_blank_is_not_given_and_none_is_written_wu() {
    let b = jixiao::builtin("hunan-dept").unwrap();
    let scorer = b.scorer().unwrap();
    let mut inputs = b.example_inputs().unwrap();
    for blank in ["", "   "] {
        inputs.set("预算管理制度", blank);
        let err = scorer.evaluate(&inputs).unwrap_err();
        assert_eq!(err.kind(), "inputs");
        assert!(
            err.to_string()
                .contains("input `预算管理制度` is required but was not given"),
            "{err}"
        );
        // The same through a table row with a blank cell.
        let columns = jixiao::inputs::table::map_columns(
            &["预算管理制度"],
            scorer.system(),
            &jixiao::inputs::table::TableOptions::default(),
        )
        .unwrap();
        assert!(
            jixiao::inputs::table::inputs_from_row(&columns, &[blank])
                .values
                .is_empty()
        );
    }
    inputs.set("预算管理制度", "无");
    let none = scorer.evaluate(&inputs).unwrap();
    inputs.set("预算管理制度", Vec::<String>::new());
    assert_eq!(scorer.evaluate(&inputs).unwrap().total, none.total);
}
