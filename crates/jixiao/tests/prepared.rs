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
