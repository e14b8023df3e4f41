//! The compiled program (the scores-only path) against the reference evaluator on every case of
//! every conformance vector: the same figures to the last place, and the same units answered
//! (see `Scorer::compiled_agrees`). The property tests (`properties.rs`) do the same on generated
//! systems and units.

#![allow(clippy::unwrap_used, clippy::panic, reason = "test code")]

use jixiao_conformance::{load_vectors, system_text, vectors_dir};

#[test]
fn the_compiled_program_agrees_with_the_reference_on_every_vector() {
    let dir = vectors_dir();
    let vectors = load_vectors(&dir).unwrap_or_else(|e| panic!("malformed vectors: {}", e.join("\n")));
    let (mut answered, mut left, mut failures) = (0, 0, Vec::new());
    for v in &vectors {
        let Ok(text) = system_text(v, &dir) else { continue };
        // Validation vectors: no system to run.
        let Ok(scorer) = jixiao::Scorer::from_text(&text) else {
            continue;
        };
        for (i, case) in v.cases() {
            if v.case_text(i, "analysis").is_some() {
                continue;
            }
            let inputs = v.case_text(i, "inputs").unwrap_or_else(|| "{}".to_string());
            let Ok(inputs) = jixiao::wire::inputs_from_json(&inputs) else {
                continue;
            };
            // Input errors are found before any scoring.
            let Ok(unit) = scorer.prepare(&inputs) else { continue };
            match scorer.compiled_agrees(&unit) {
                Ok(true) => answered += 1,
                Ok(false) => left += 1,
                Err(e) => {
                    let name = case.get("name").and_then(|n| n.as_str()).unwrap_or("?");
                    failures.push(format!("{} / {name}:\n{e}", v.file));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    // The corpus scores far more units than it fails: the program must have answered them.
    assert!(
        answered >= 150,
        "the program answered only {answered} cases ({left} left to the reference)"
    );
    eprintln!("compiled program: {answered} cases answered alike, {left} left to the reference");
}

/// Scores `units` (inputs as JSON) with `system` and checks each against the reference.
fn agree(system: &str, units: &[&str]) -> usize {
    let scorer = jixiao::Scorer::from_text(system).unwrap_or_else(|e| panic!("{e}"));
    let mut answered = 0;
    for u in units {
        let unit = scorer.prepare(&jixiao::wire::inputs_from_json(u).unwrap()).unwrap();
        match scorer.compiled_agrees(&unit) {
            Ok(true) => answered += 1,
            Ok(false) => {}
            Err(e) => panic!("{u}: {e}"),
        }
    }
    answered
}

/// [`agree`] over units of the two inputs of [`XY`], each given as its `(x, y)` texts.
fn agree_xy(system: &str, units: &[(&str, &str)]) -> usize {
    let units: Vec<String> = units
        .iter()
        .map(|(x, y)| format!(r#"{{"x": "{x}", "y": "{y}"}}"#))
        .collect();
    agree(system, &units.iter().map(String::as_str).collect::<Vec<_>>())
}

fn system(inputs: &str, metrics: &str, leaves: &str) -> String {
    format!(
        r#"{{"format": 1, "id": "t", "name": "测试", "inputs": [{inputs}], "metrics": [{metrics}],
        "indicators": [{{"id": "1", "name": "组", "points": "20", "children": [{leaves}]}}],
        "grades": [{{"label": "优", "min": "18"}}, {{"label": "差"}}],
        "rounding": {{"indicator": {{"scale": 2, "mode": "half_up"}}, "total": {{"scale": 2, "mode": "half_up"}}}}}}"#
    )
}

const XY: &str =
    r#"{"name": "x", "kind": "number", "required": true}, {"name": "y", "kind": "number", "required": true}"#;

/// A value computed in the condition of a later case (which does not run when an earlier case
/// holds) is computed again where it is needed after the rule, not read from an empty register.
#[test]
fn a_value_from_a_case_that_did_not_run_is_not_reused() {
    let s = system(
        XY,
        "",
        r#"{"id": "1.1", "name": "甲", "points": "10", "rule": {"type": "cases",
              "cases": [{"when": "y > 0", "score": "2"}, {"when": "x * 2 > 5", "score": "4"}], "otherwise": "1"}},
           {"id": "1.2", "name": "乙", "points": "10", "rule": {"type": "rate", "value": "x * 2 / 100"}}"#,
    );
    assert_eq!(agree(&s, &[r#"{"x": "30", "y": "1"}"#, r#"{"x": "30", "y": "-1"}"#]), 2);
}

/// The same for an arm of `if` and for an indicator that is not applicable.
#[test]
fn values_from_code_that_was_skipped_are_not_reused() {
    let s = system(
        XY,
        "",
        r#"{"id": "1.1", "name": "甲", "points": "10", "not_applicable": {"when": "y == 0", "outcome": "full_points"},
              "rule": {"type": "rate", "value": "if(y > 1, x / y / 100, x / 200)"}},
           {"id": "1.2", "name": "乙", "points": "10", "rule": {"type": "rate", "value": "x / y / 100 + x / 200"}}"#,
    );
    let units = [
        r#"{"x": "30", "y": "2"}"#,
        r#"{"x": "30", "y": "1"}"#,
        r#"{"x": "30", "y": "0"}"#,
    ];
    // y = 0: 1.2 divides by zero, so the reference fails and the program leaves it.
    assert_eq!(agree(&s, &units), 2);
}

/// A metric whose code fails part-way: what it computed before the failure serves other
/// metrics; what it did not reach is computed where needed, so the unit is still answered.
#[test]
fn a_metric_failing_part_way_leaves_the_values_it_did_not_reach_to_others() {
    let s = system(
        XY,
        r#"{"name": "坏", "expr": "x / y + x * 3"}, {"name": "好", "expr": "x * 3 / 100"}"#,
        r#"{"id": "1.1", "name": "甲", "points": "10", "not_applicable": {"when": "y == 0", "outcome": "zero"},
              "rule": {"type": "rate", "value": "坏 / 100"}},
           {"id": "1.2", "name": "乙", "points": "10", "rule": {"type": "rate", "value": "好"}}"#,
    );
    assert_eq!(agree(&s, &[r#"{"x": "10", "y": "0"}"#, r#"{"x": "10", "y": "5"}"#]), 2);
}

/// A leaf whose rule reads no metric, right after a metric that only reads another one (its
/// code is one guard): the leaf's rule is not taken for part of that metric's code, so its
/// error (a level score outside its band) reaches the reference, which reports it. (Found by the
/// `system` fuzzer.)
#[test]
fn a_leaf_after_a_metric_alias_keeps_its_own_errors() {
    let s = system(
        r#"{"name": "x", "kind": "number", "required": true},
           {"name": "l", "kind": "level", "required": true, "levels": ["达成", "未达成"]}"#,
        r#"{"name": "m0", "expr": "x"}, {"name": "m1", "expr": "m0"}"#,
        r#"{"id": "1.1", "name": "甲", "points": "10", "rule": {"type": "level", "input": "l", "bands": [
              {"level": "达成", "min": "0.8", "max": "1", "min_inclusive": true, "max_inclusive": true},
              {"level": "未达成", "min": "0", "max": "0.8", "min_inclusive": true, "max_inclusive": false}]}},
           {"id": "1.2", "name": "乙", "points": "10", "rule": {"type": "rate", "value": "x / 100"}}"#,
    );
    let good = r#"{"x": "50", "l": {"level": "达成", "score": "9"}}"#;
    let outside = r#"{"x": "50", "l": {"level": "达成", "score": "150"}}"#;
    assert_eq!(agree(&s, &[good, outside]), 1);
}

/// Every built-in system on its example varied at random (figures ×0–2, levels, lists and yes/no
/// drawn): their consistency checks (some undecided: optional inputs left out), not-applicable
/// guards and core caps, unit by unit.
#[test]
fn the_compiled_program_agrees_with_the_reference_on_the_builtins() {
    for b in jixiao::builtins() {
        let system = b.system().unwrap();
        let scorer = jixiao::Scorer::new(&system).unwrap();
        let example = b.example_inputs().unwrap();
        let mut answered = 0;
        for seed in 0..2000 {
            let unit = jixiao_conformance::varied(&system, &example, seed);
            let Ok(prepared) = scorer.prepare(&unit) else { continue };
            match scorer.compiled_agrees(&prepared) {
                Ok(true) => answered += 1,
                Ok(false) => {}
                Err(e) => panic!("{} seed {seed}: {e}", b.id),
            }
        }
        eprintln!("{}: {answered} of 2000 varied units answered alike", b.id);
        // Varied at random, many units fail (a building without its areas divides by zero,
        // figures beyond their ranges): the ones scored must still be many.
        assert!(answered >= 40, "{}: the program answered only {answered} units", b.id);
    }
}

/// A consistency check that reads an input not given is undecided, as the reference says: the
/// program goes on and answers the unit (it gave such units to the reference before, every unit
/// of a department without a building project, say).
#[test]
fn an_undecided_check_does_not_stop_the_program() {
    let s = system(
        r#"{"name": "x", "kind": "number", "required": true}, {"name": "y", "kind": "number", "required": false}"#,
        r#"{"name": "比率", "expr": "y / x"}"#,
        r#"{"id": "1.1", "name": "甲", "points": "20", "rule": {"type": "rate", "value": "x / 100"}}"#,
    )
    .replace(
        r#""grades""#,
        r#""checks": [{"id": "K1", "name": "乙不超过甲", "expr": "y <= x", "severity": "warning"},
                      {"id": "K2", "name": "比率不超过一", "expr": "比率 <= 1", "severity": "warning"}],
           "grades""#,
    );
    assert_eq!(
        agree(
            &s,
            &[
                r#"{"x": "50"}"#,
                r#"{"x": "50", "y": "60"}"#,
                r#"{"x": "50", "y": "6"}"#
            ]
        ),
        3
    );
}

/// Expressions a metric may be, over inputs with and without a minimum: the program leaves out
/// the range check of a metric whose expression can never be negative, and the computation of
/// a metric nothing reads; neither may change a figure or an answer.
const FORMS: &[&str] = &[
    "p / (p + 1)",
    "p - n",
    "abs(p - n)",
    "n * p",
    "max(n, 0)",
    "min(n, p)",
    "min(p, k)",
    "if(f, p, k)",
    "if(f, p, n)",
    "round(p / 3, 2)",
    "-p",
    "p * -1",
    "p * 2 + k / 4",
    "if(n == 0, 0, p / n)",
    "上游 + p",
    "上游 - 1",
];

/// A metric's declared range: none, from zero, from below zero, from above zero, and zero to one.
const RANGES: &[&str] = &[
    "",
    r#", "min": "0""#,
    r#", "min": "-1""#,
    r#", "min": "0.5""#,
    r#", "min": "0", "max": "1""#,
];

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 256, failure_persistence: None, ..Default::default() })]

    #[test]
    fn range_checks_left_out_and_metrics_not_computed_change_nothing(
        form in 0..FORMS.len(),
        range in 0..RANGES.len(),
        upstream in 0..RANGES.len(),
        unread in proptest::bool::ANY,
        units in proptest::collection::vec((-300i64..300, -300i64..300, 0u8..5, proptest::bool::ANY), 12),
    ) {
        let unread_metric = if unread { r#", {"name": "未读", "expr": "p / (n - n)", "min": "0"}"# } else { "" };
        let s = system(
            r#"{"name": "p", "kind": "number", "min": "0", "required": true},
               {"name": "n", "kind": "number", "required": true},
               {"name": "k", "kind": "count", "required": true},
               {"name": "f", "kind": "boolean", "required": true}"#,
            &format!(
                r#"{{"name": "m", "expr": "{}"{}}}, {{"name": "上游", "expr": "n * 2"{}}}{unread_metric}"#,
                FORMS[form], RANGES[range], RANGES[upstream]
            ),
            r#"{"id": "1.1", "name": "甲", "points": "10", "rule": {"type": "step", "value": "m", "direction": "above",
                  "threshold": "0", "step": "1", "deduct": "0.5", "counting": "proportional"}},
               {"id": "1.2", "name": "乙", "points": "10", "rule": {"type": "rate", "value": "k / 4"}}"#,
        );
        let units: Vec<String> = units
            .iter()
            .map(|(p, n, k, f)| {
                format!(
                    r#"{{"p": "{}", "n": "{}", "k": "{k}", "f": {f}}}"#,
                    rust_decimal::Decimal::new(p.abs(), 2),
                    rust_decimal::Decimal::new(*n, 2)
                )
            })
            .collect();
        agree(&s, &units.iter().map(String::as_str).collect::<Vec<_>>());
    }
}

/// Conditions of every shape the program fuses (a comparison with the jump, check or copy that
/// reads it) and where it must not (a jump landing between): nested `and`/`or`, `if` in a
/// metric, a check of severity `error`, a not-applicable guard, cases; every combination of the
/// inputs' signs, zeros and flags.
#[test]
fn fused_conditions_agree_with_the_reference_on_every_combination() {
    let s = system(
        r#"{"name": "x", "kind": "number", "required": true}, {"name": "y", "kind": "number", "required": true},
           {"name": "f", "kind": "boolean", "required": true}"#,
        r#"{"name": "比", "expr": "if(y == 0, if(x == 0, 0, 1), x / y)"},
           {"name": "真", "expr": "(x > 0 and y > 0) or (f and x == y) or not (x < y or f)"}"#,
        r#"{"id": "1.1", "name": "甲", "points": "10", "rule": {"type": "cases",
              "cases": [{"when": "x > 1 and (y > 1 or f)", "score": "10"}, {"when": "真 and 比 > 0", "score": "6"},
                        {"when": "x == 0", "score": "2"}], "otherwise": "1"}},
           {"id": "1.2", "name": "乙", "points": "10", "not_applicable": {"when": "not f and y == 0", "outcome": "full_points"},
            "rule": {"type": "rate", "value": "比"}}"#,
    )
    .replace(
        r#""grades""#,
        r#""checks": [{"id": "K1", "name": "甲", "expr": "x <= y or f", "severity": "warning"},
                      {"id": "K2", "name": "乙", "expr": "(x >= 0 and y >= 0) or (f and x < 0)", "severity": "error"},
                      {"id": "K3", "name": "丙", "expr": "比 <= 5", "severity": "warning"}],
           "grades""#,
    );
    let mut units = Vec::new();
    for x in ["-2", "0", "0.5", "1", "2", "7"] {
        for y in ["-1", "0", "1", "2", "0.1"] {
            for f in [true, false] {
                units.push(format!(r#"{{"x": "{x}", "y": "{y}", "f": {f}}}"#));
            }
        }
    }
    let answered = agree(&s, &units.iter().map(String::as_str).collect::<Vec<_>>());
    // The error check refuses the units with a negative figure and no flag; the rest are scored.
    assert!(answered >= 30, "only {answered} of {} answered", units.len());
}

/// The program's fixed cases (a step rule's value not past its threshold, a tier, a level given
/// without a score, a checklist with every item, no occurrence, a rate above 100% when it is not
/// rounded first: 100.04% rounds to 100.0%, which is kept as it is, not as 1) give the
/// figures the reference computes, to the last place, on both sides of each case's edge: leaves
/// are stated exactly (no rounding hides a scale) and the parent is the exact sum, so a raw
/// score of another scale (`5.0` for `5`) or sign (`-0`) shows in the scores and the total.
#[test]
fn fixed_cases_agree_with_the_reference_to_the_last_place() {
    let s = r#"{"format": 1, "id": "t", "name": "测试",
        "inputs": [
          {"name": "x", "kind": "number", "required": true},
          {"name": "y", "kind": "number", "required": true},
          {"name": "n", "kind": "number", "required": true},
          {"name": "l", "kind": "level", "required": true, "levels": ["完善", "基本完善", "达成", "不完善"]},
          {"name": "c", "kind": "checklist", "required": true, "items": ["甲", "乙", "丙"]}],
        "metrics": [{"name": "率", "expr": "x / y"}],
        "indicators": [{"id": "1", "name": "组", "points": "35", "children": [
          {"id": "1.1", "name": "超", "points": "5", "rule": {"type": "step", "value": "率", "direction": "above",
             "threshold": "100%", "step": "1%", "deduct": "0.5", "counting": "proportional"}},
          {"id": "1.2", "name": "低", "points": "5", "rule": {"type": "step", "value": "率", "direction": "below",
             "threshold": "90%", "step": "5%", "deduct": "2", "counting": "whole"}},
          {"id": "1.3", "name": "档", "points": "5", "rule": {"type": "tiers", "value": "率", "tiers": [
             {"le": "50%", "score": "1.5"}, {"gt": "50%", "le": "100%", "score": "5.00"}], "otherwise": "0.0"}},
          {"id": "1.4", "name": "率分", "points": "4", "rule": {"type": "rate", "value": "率"}},
          {"id": "1.8", "name": "率分(三位)", "points": "4", "rule": {"type": "rate", "value": "率", "round_rate": {"scale": 3}}},
          {"id": "1.5", "name": "级", "points": "4", "rule": {"type": "level", "input": "l", "bands": [
             {"level": "完善", "min": "100%", "max": "100%"},
             {"level": "基本完善", "min": "60%", "max": "60%"},
             {"level": "达成", "min": "80%", "max": "100%", "default": "100%"},
             {"level": "不完善", "min": "0", "max": "50%"}]}},
          {"id": "1.6", "name": "单", "points": "3", "rule": {"type": "checklist", "input": "c", "points_per_item": "1"}},
          {"id": "1.7", "name": "次", "points": "5", "rule": {"type": "per_occurrence", "value": "n", "deduct": "1.5"}}]}],
        "grades": [{"label": "优", "min": "25"}, {"label": "差"}],
        "rounding": {"indicator": "none", "parent": "rounded_exact_sum", "total": "none"}}"#;
    let mut units = Vec::new();
    for (x, y) in [
        ("95", "100"),
        ("100", "100"),
        ("100.0", "100"),
        ("1.00", "1"),
        ("101", "100"),
        ("89.99", "100"),
        ("90", "100"),
        ("0", "7"),
        ("-3", "7"),
        ("50", "100"),
        ("50.01", "100"),
        ("700", "3"),
        ("2", "3"),
        ("1.0004", "1"),
        ("1.0006", "1"),
    ] {
        for (n, l, c) in [
            ("0", "完善", r#"["甲", "乙", "丙"]"#),
            ("0.0", "基本完善", r#"["甲", "丙"]"#),
            ("-0", "达成", r#"[]"#),
            ("2", "达成:3.5", r#"["丙", "乙", "甲"]"#),
            ("0.00", "不完善", r#"["乙"]"#),
        ] {
            units.push(format!(
                r#"{{"x": "{x}", "y": "{y}", "n": "{n}", "l": "{l}", "c": {c}}}"#
            ));
        }
    }
    let units: Vec<&str> = units.iter().map(String::as_str).collect();
    // 不完善 without a score has no default in its band: those units fail in both.
    assert_eq!(agree(s, &units), units.len() / 5 * 4);
}

/// A quotient that only a step rule deducting above its threshold reads is decided by a
/// multiplication when it lies within the threshold: the same figures and the same failures as
/// the division, at the threshold, just past it, for signs that put the quotient below zero, for a
/// threshold times divisor that would need more than 28 places (then it divides), and
/// for a divisor of zero and a quotient too large (both fail alike).
#[test]
fn a_quotient_decided_without_dividing_scores_as_the_division() {
    let s = system(
        XY,
        r#"{"name": "率", "expr": "x / y"}, {"name": "率二", "expr": "x / y"}"#,
        r#"{"id": "1.1", "name": "甲", "points": "10", "rule": {"type": "step", "value": "率", "direction": "above",
              "threshold": "100%", "step": "1%", "deduct": "0.5", "counting": "proportional"}},
           {"id": "1.2", "name": "乙", "points": "10", "rule": {"type": "step", "value": "率二", "direction": "above",
              "threshold": "95%", "step": "1%", "deduct": "0.5", "counting": "proportional"}}"#,
    );
    let units = [
        ("95", "100"),
        ("100", "100"),
        ("100.0000000000000000000000001", "100"),
        ("101", "100"),
        ("1", "3"),
        ("2", "3"),
        ("-5", "100"),
        ("5", "-100"),
        ("-5", "-100"),
        ("-500", "-100"),
        ("-0", "100"),
        ("0", "-0.5"),
        ("0.0000000000000000000000000001", "0.0000000000000000000000000003"),
        ("0.0000000000000000000000000004", "0.0000000000000000000000000003"),
        ("79228162514264337593543950335", "79228162514264337593543950335"),
        ("79228162514264337593543950335", "0.5"),
        ("-79228162514264337593543950335", "0.5"),
        ("0.0000000000000000000000000003", "0.0000000000000000000000000003"),
        ("1", "0.0000000000000000000000000001"),
        ("7", "0"),
    ];
    // y = 0 divides by zero, and ±79228162514264337593543950335 / 0.5 and 1 / 10^-28 overflow:
    // the reference fails those four, and the program leaves them to it. (95% of 3·10^-28 needs
    // 30 places: rounded to 28 it would be 3·10^-28, and 100% of it would read as within 95%.)
    assert_eq!(agree_xy(&s, &units), units.len() - 4);
}

/// A quotient below zero decided without dividing (`-x ≤ y`, the quotient in `[-1, 0)`), read by
/// its rule directly or through a branch of `if`, scores as the division, and a negative quotient
/// that would overflow still fails as the division does.
#[test]
fn a_negative_quotient_decided_without_dividing_scores_as_the_division() {
    let s = system(
        XY,
        r#"{"name": "变动率", "expr": "if(y == 0, 2, x / y)"}, {"name": "率", "expr": "x / y"}"#,
        r#"{"id": "1.1", "name": "甲", "points": "10", "rule": {"type": "step", "value": "变动率", "direction": "above",
              "threshold": "0", "step": "1%", "deduct": "0.8", "counting": "proportional"}},
           {"id": "1.2", "name": "乙", "points": "10", "rule": {"type": "step", "value": "率", "direction": "above",
              "threshold": "0", "step": "1%", "deduct": "0.5", "counting": "proportional"}}"#,
    );
    let units = [
        ("-50", "100"),
        ("-100", "100"),
        ("-100.0000000000000000000000001", "100"),
        ("-101", "100"),
        ("-0.0000000000000000000000000001", "1"),
        ("-0", "100"),
        ("0", "100"),
        ("1", "100"),
        ("-5", "-100"),
        ("-79228162514264337593543950335", "79228162514264337593543950335"),
        ("-79228162514264337593543950335", "0.5"),
        ("-10", "0.0000000000000000000000000001"),
        ("-5", "0"),
    ];
    // -79228162514264337593543950335 / 0.5 and -10 / 10^-28 overflow, and -5 / 0 divides by zero:
    // the reference fails those three, and the program leaves them to it.
    assert_eq!(agree_xy(&s, &units), units.len() - 3);
}
