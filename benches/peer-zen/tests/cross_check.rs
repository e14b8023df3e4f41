//! The ZEN encoding of hunan-dept scores every unit as jixiao does: the same total, grade and leaf
//! scores (exact and as stated to 0.01), compared as normalized decimal strings, over thousands of varied departments; and it
//! refuses the units jixiao refuses.
#![expect(
    clippy::expect_used,
    clippy::panic,
    reason = "a test whose fixture does not load should stop at once, loudly"
)]

use jixiao::{Decimal, Evaluation, InputValue, Inputs, Scorer, Scores};
use jixiao_benches::hunan::{HunanSlots, hunan_dept_inputs, hunan_dept_units};
use jixiao_peer_zen::{METRICS, SUBTOTALS, ZenPeer, ZenScores, ZenUnit, zen_input, zen_variable};
use zen_engine::Variable;
use zen_expression::variable::ToVariable as _;

fn scorer() -> Scorer {
    jixiao::builtin("hunan-dept")
        .expect("hunan-dept is built in")
        .scorer()
        .expect("hunan-dept loads")
}

fn peer() -> ZenPeer {
    ZenPeer::new().expect("the JDM graph loads")
}

fn text(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Every difference between the two engines' results for one unit, as lines of text.
fn differences(j: &Evaluation, z: &ZenScores) -> Vec<String> {
    let mut out = Vec::new();
    if text(j.total) != text(z.total) {
        out.push(format!("total: jixiao {} zen {}", text(j.total), text(z.total)));
    }
    if *j.grade != *z.grade {
        out.push(format!("grade: jixiao {} zen {}", j.grade, z.grade));
    }
    for ((id, _), z) in SUBTOTALS.iter().zip(z.subtotals) {
        match j.indicator(id) {
            Some(r) if text(r.score) == text(z) => {}
            Some(r) => out.push(format!("subtotal {id}: jixiao {} zen {}", text(r.score), text(z))),
            None => out.push(format!("subtotal {id}: not in jixiao's result")),
        }
    }
    for ((id, path), z) in METRICS.iter().zip(z.metrics) {
        let j = j.indicator(id).and_then(|r| r.value);
        if j.map(text) != z.map(text) {
            out.push(format!("{id} ({path}): jixiao measured {j:?}, zen {z:?}"));
        }
    }
    for (id, exact, stated) in z.by_id() {
        match j.indicator(id) {
            Some(r) if text(r.exact_score) == text(exact) && text(r.score) == text(stated) => {}
            Some(r) => out.push(format!(
                "{id}: jixiao {} (exact {}) zen {} (exact {})",
                text(r.score),
                text(r.exact_score),
                text(stated),
                text(exact)
            )),
            None => out.push(format!("{id}: not in jixiao's result")),
        }
    }
    out
}

/// Scores `units` with both engines and fails listing the first disagreements, if any; returns
/// how many units got each grade (优, 良, 中, 差) and how many leaf scores compared carry more than
/// 12 significant digits (the quotients of the proportional steps and rates).
fn cross_check(units: &[Inputs]) -> ([usize; 4], usize) {
    let (scorer, zen) = (scorer(), peer());
    let mut grades = [0usize; 4];
    let mut long = 0;
    let mut failures = Vec::new();
    for (i, unit) in units.iter().enumerate() {
        let j = scorer
            .evaluate(unit)
            .unwrap_or_else(|e| panic!("unit {i}: jixiao: {e}"));
        let z = zen.evaluate_zen(unit).unwrap_or_else(|e| panic!("unit {i}: zen: {e}"));
        let d = differences(&j, &z);
        long += z.leaves.iter().filter(|s| text(**s).len() > 13).count();
        if !d.is_empty() && failures.len() < 10 {
            failures.push(format!("unit {i}:\n  {}", d.join("\n  ")));
        }
        if let Some(slot) = ["优", "良", "中", "差"]
            .iter()
            .position(|g| *g == &*j.grade)
            .and_then(|k| grades.get_mut(k))
        {
            *slot += 1;
        }
    }
    assert!(
        failures.is_empty(),
        "ZEN disagrees with jixiao:\n{}",
        failures.join("\n")
    );
    (grades, long)
}

#[test]
fn the_builtin_example_scores_the_same() {
    let unit = jixiao::builtin("hunan-dept")
        .expect("hunan-dept is built in")
        .example_inputs()
        .expect("the example parses");
    let (grades, _) = cross_check(std::slice::from_ref(&unit));
    assert_eq!(grades.iter().sum::<usize>(), 1);
}

#[test]
fn thousands_of_varied_departments_score_the_same() {
    // Seed 42's first 1 000 units are the benchmark's units.
    let mut units = hunan_dept_inputs(3_000, 42);
    units.extend(hunan_dept_inputs(2_000, 7));
    let (grades, long) = cross_check(&units);
    eprintln!(
        "cross-checked {} units ({long} leaf scores of more than 12 digits); grades 优/良/中/差: {grades:?}",
        units.len()
    );
    assert!(grades.iter().all(|n| *n > 0), "every grade occurs: {grades:?}");
    assert!(long > units.len(), "the long quotients are compared too");
}

/// Every path the benchmarks time gives the figures the cross-check compares: ZEN from its typed
/// request, from the name-keyed inputs, from the JSON request, and without its schema from a
/// prebuilt request; jixiao's scores-only path from prepared inputs and from the typed fill.
#[test]
fn every_timed_path_gives_the_cross_checked_figures() {
    let (scorer, zen, bare) = (scorer(), peer(), ZenPeer::without_schema().expect("the graph loads"));
    let slots = HunanSlots::new(&scorer).expect("hunan-dept declares every input");
    let mut differing = Vec::new();
    // Seed 42's first 1 000 units are the benchmark's units.
    for (i, (unit, inputs)) in hunan_dept_units(1_000, 42).iter().enumerate() {
        let full = scorer
            .evaluate(inputs)
            .unwrap_or_else(|e| panic!("unit {i}: jixiao: {e}"));
        let typed = ZenUnit::from(unit);
        let z = zen
            .evaluate_unit(&typed)
            .unwrap_or_else(|e| panic!("unit {i}: zen: {e}"));
        let d = differences(&full, &z);
        if !d.is_empty() && differing.len() < 10 {
            differing.push(format!("unit {i}:\n  {}", d.join("\n  ")));
        }
        let named = zen_variable(inputs).expect("the unit converts");
        assert_eq!(named, typed.to_variable(), "unit {i}: the typed and the named requests");
        assert_eq!(
            zen.evaluate_zen(inputs).as_ref(),
            Ok(&z),
            "unit {i}: zen from the inputs"
        );
        let json = zen_input(inputs).expect("the unit converts");
        assert_eq!(zen.evaluate_json(&json).as_ref(), Ok(&z), "unit {i}: zen from JSON");
        assert_eq!(
            bare.evaluate_variable(named.deep_clone()).as_ref(),
            Ok(&z),
            "unit {i}: zen without schema"
        );

        let ids: Vec<&str> = scorer.indicator_ids().collect();
        let stated: Vec<Decimal> = ids
            .iter()
            .map(|id| full.indicator(id).map_or(Decimal::MIN, |r| r.score))
            .collect();
        let mut out = Scores::default();
        scorer
            .score_into(&scorer.prepare(inputs).expect("the inputs fit"), &mut out)
            .expect("jixiao scores the unit");
        assert_eq!(
            (&out.indicators, out.total),
            (&stated, full.total),
            "unit {i}: score_into"
        );
        let mut builder = scorer.inputs_builder();
        unit.fill(&mut builder, &slots);
        let mut by_slot = Scores::default();
        scorer
            .score_into(&builder.finish().expect("the inputs fit"), &mut by_slot)
            .expect("jixiao scores the unit");
        assert_eq!(by_slot, out, "unit {i}: the typed fill");
    }
    assert!(
        differing.is_empty(),
        "ZEN disagrees with jixiao:\n{}",
        differing.join("\n")
    );
}

#[test]
fn units_written_as_text_score_the_same() {
    // Spreadsheet-style values: percentages, thousands separators, levels with their score.
    let mut units = hunan_dept_inputs(200, 99);
    for unit in &mut units {
        for value in unit.values.values_mut() {
            *value = match value.clone() {
                InputValue::Number(d) => InputValue::Text(d.to_string()),
                InputValue::Level { level, score } => InputValue::Text(match score {
                    Some(s) => format!("{level}：{s}"),
                    None => level,
                }),
                // An empty cell is an input not given: none of the items is written 无.
                InputValue::Items(items) if items.is_empty() => InputValue::Text("无".into()),
                InputValue::Items(items) => InputValue::Text(items.join("、")),
                other => other,
            };
        }
        unit.set("满意度", "87.5%");
        unit.set("年初预算", "1,234,567.89");
    }
    cross_check(&units);
}

#[test]
fn an_evaluation_leaves_its_request_untouched() {
    let zen = peer();
    for unit in hunan_dept_inputs(50, 3) {
        let request = Variable::from(zen_input(&unit).expect("the unit converts"));
        let first = zen.evaluate_variable(request.clone()).expect("ZEN scores the unit");
        let again = zen
            .evaluate_variable(request.clone())
            .expect("ZEN scores the unit again");
        assert_eq!(first, again);
        assert_eq!(request, Variable::from(zen_input(&unit).expect("the unit converts")));
    }
}

#[test]
fn both_engines_refuse_the_same_broken_units() {
    let (scorer, zen) = (scorer(), peer());
    let base = hunan_dept_inputs(1, 11).remove(0);
    let broken: Vec<(&str, Inputs)> = vec![
        ("a required input is missing", {
            let mut u = base.clone();
            u.values.remove("年初预算");
            u
        }),
        (
            "部分达成 without a score",
            base.clone().with(
                "经济效益",
                InputValue::Level {
                    level: "部分达成".into(),
                    score: None,
                },
            ),
        ),
        (
            "a score outside its level's band",
            base.clone().with(
                "社会效益",
                InputValue::Level {
                    level: "达成".into(),
                    score: Some(Decimal::new(15, 1)),
                },
            ),
        ),
        ("an unknown level", base.clone().with("基础信息完善程度", "很完善")),
        (
            "an unknown checklist item",
            base.clone().with("预算管理制度", "已制定或具有相关管理制度、考勤制度"),
        ),
        ("a negative amount", base.clone().with("上年结转", -1)),
        (
            "a fraction of an occurrence",
            base.clone().with("违规使用资金事项", Decimal::new(15, 1)),
        ),
        ("满意度 above 100%", base.clone().with("满意度", "101%")),
        ("no planned work", base.clone().with("计划工作任务数", 0)),
        (
            "a year-end balance above the funds",
            base.clone().with("年末结余", 1_000_000_000),
        ),
        ("编制数 of 0", base.clone().with("编制数", 0)),
        ("a new building without its approved area", {
            let mut u = base.clone().with("有新建楼堂馆所项目", true);
            u.set("楼堂馆所批准面积", 0);
            u
        }),
        ("an unknown input", base.clone().with("不存在的输入", 1)),
    ];
    for (what, unit) in &broken {
        let j = scorer.evaluate(unit);
        let z = zen.evaluate_zen(unit);
        match (j, z) {
            (Err(j), Err(z)) => eprintln!("{what}:\n  jixiao: {j}\n  zen: {z}"),
            (j, z) => panic!("{what}: jixiao {:?}, zen {:?}", j.map(|e| e.total), z.map(|s| s.total)),
        }
    }
}
