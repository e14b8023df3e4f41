//! Linking jixiao must not change how serde_json reads a service's own types.

use jixiao_serde_compat::{Cell, Record};

#[test]
fn an_untagged_enum_reads_a_number() {
    let cell: Cell = serde_json::from_str("12.5").unwrap();
    assert_eq!(cell, Cell::Num(12.5));
    let cells: Vec<Cell> = serde_json::from_str(r#"[12.5, "x", 3]"#).unwrap();
    assert_eq!(cells, [Cell::Num(12.5), Cell::Text("x".into()), Cell::Num(3.0)]);
}

#[test]
fn a_flattened_map_reads_numbers() {
    let r: Record = serde_json::from_str(r#"{"name": "预算", "a": 12.5, "b": 1}"#).unwrap();
    assert_eq!(r.name, "预算");
    assert_eq!(r.rest.get("a"), Some(&12.5));
    assert_eq!(r.rest.get("b"), Some(&1.0));
}

#[test]
fn and_jixiao_still_reads_its_decimals_exactly() {
    // In the same binary, jixiao's own reader keeps every digit of a JSON number.
    let inputs = jixiao::wire::inputs_from_json(r#"{"年初预算": 0.1000000000000000055511151231}"#).unwrap();
    assert_eq!(
        inputs.values["年初预算"],
        jixiao::InputValue::Number("0.1000000000000000055511151231".parse().unwrap())
    );
    // And an evaluation serialises into the service's serde_json values.
    let b = jixiao::builtin("xiangxi-commerce-2019").unwrap();
    let e = b.scorer().unwrap().evaluate(&b.example_inputs().unwrap()).unwrap();
    let v = serde_json::to_value(&e).unwrap();
    assert_eq!(v["total"], "91.73");
    assert_eq!(v["grade"], "优秀");
}
