//! Sensitivity and target on a system of 2 000 step rules on one input: what they do is bounded
//! by what they return (a user system like this once took 3.9 GB at 300 rules and was killed at
//! 24 GB at 2 000). Counts and limits are asserted, never times.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test helpers outside #[test] functions"
)]

use jixiao::analysis::{Goal, MAX_BREAKPOINTS};
use jixiao::{
    Counting, Decimal, Direction, Grade, Indicator, IndicatorSystem, InputDecl, InputKind, Inputs, Rule, Scorer,
    StepRule,
};

const RULES: usize = 2000;

/// `RULES` step rules on the `%` input `率`, each losing 0.025 of its 5 points per 0.1 percentage
/// point below its threshold (200 whole steps before the points are gone).
fn steps_on_one_input(threshold: impl Fn(usize) -> Decimal) -> Scorer {
    let mut system = IndicatorSystem::new("steps", "分段扣分");
    let mut rate = InputDecl::new("率", InputKind::Number);
    rate.unit = Some("%".into());
    system.inputs.push(rate);
    for i in 0..RULES {
        let mut ind = Indicator::new(format!("{}", i + 1), format!("指标{}", i + 1), Decimal::from(5));
        ind.rule = Some(Rule::Step(StepRule {
            value: "率".into(),
            direction: Direction::Below,
            threshold: threshold(i).into(),
            step: Decimal::new(1, 3).into(),
            deduct: Decimal::new(25, 3).into(),
            counting: Counting::Whole,
            max_deduction: None,
        }));
        system.indicators.push(ind);
    }
    system
        .grades
        .push(Grade::new("合格", Some(Decimal::from(RULES * 3).into())));
    system.grades.push(Grade::new("不合格", None));
    Scorer::new(&system).unwrap()
}

fn inputs(rate: &str) -> Inputs {
    Inputs::new().with("率", rate)
}

/// The error's text; the test fails (without printing a 2 000-indicator answer) when there is none.
fn refusal<T>(r: Result<T, jixiao::analysis::AnalysisError>) -> String {
    match r {
        Ok(_) => panic!("expected a refusal"),
        Err(e) => e.to_string(),
    }
}

/// Thresholds 50%, 50.01237%, 50.02474%, ...: every rule's 200 step edges fall elsewhere.
fn distinct(i: usize) -> Decimal {
    Decimal::new(5_000_000 + 1237 * i as i64, 7)
}

#[test]
fn shared_breakpoints_are_found_once_each() {
    const RATE: &str = "0.85";
    let scorer = steps_on_one_input(|_| Decimal::new(9, 1));
    // 85%–100%: the edges at 85.01%, 85.11%, ..., 89.91% (the last step stops at 89.91%).
    let s = scorer
        .sensitivity(&inputs(RATE), "率", Decimal::new(85, 2), Decimal::ONE, None)
        .unwrap();
    assert_eq!(s.breakpoints.len(), 50);
    assert_eq!(s.breakpoints[0].at, Decimal::new(8501, 4));
    assert_eq!(s.breakpoints[49].at, Decimal::new(8991, 4));
    assert!(s.breakpoints.iter().all(|b| b.indicators.len() == RULES));
    assert_eq!(s.breakpoints[49].total_at, Some(Decimal::from(5 * RULES as i64)));

    let t = scorer
        .target(
            &inputs(RATE),
            "率",
            &Goal::Total(Decimal::from(5 * RULES as i64)),
            None,
            None,
        )
        .unwrap();
    assert_eq!(t.required, Some(Decimal::new(8991, 4)), "{}", t.message);
}

#[test]
fn too_many_breakpoints_are_refused_with_the_limit() {
    // Every rule deducts at 50%.
    const RATE: &str = "0.5";
    let scorer = steps_on_one_input(distinct);
    let e = refusal(scorer.sensitivity(&inputs(RATE), "率", Decimal::ZERO, Decimal::ONE, None));
    assert!(e.contains(&format!("more than {MAX_BREAKPOINTS} breakpoints")), "{e}");
    assert!(e.contains("narrow the range"), "{e}");
    // The target's walk from 50% up meets the same wall.
    let goal = Goal::Total(Decimal::from(5 * RULES as i64));
    let e = refusal(scorer.target(&inputs(RATE), "率", &goal, None, None));
    assert!(e.contains(&format!("more than {MAX_BREAKPOINTS} breakpoints")), "{e}");
}

#[test]
fn a_narrow_range_of_the_same_system_is_answered() {
    const RATE: &str = "0.5";
    let scorer = steps_on_one_input(distinct);
    // 60%–60.1%, one step wide: each rule whose threshold is above 60.1% has one step edge in it,
    // and the ~1 200 edges fall on the 10 grid points of the resolution (0.0001).
    let s = scorer
        .sensitivity(&inputs(RATE), "率", Decimal::new(6000, 4), Decimal::new(6010, 4), None)
        .unwrap();
    let at: Vec<Decimal> = s.breakpoints.iter().map(|b| b.at).collect();
    assert_eq!(at, (6001..=6010).map(|k| Decimal::new(k, 4)).collect::<Vec<_>>());
    let changed: usize = s.breakpoints.iter().map(|b| b.indicators.len()).sum();
    // Rules with thresholds in (60.1%, 74.73%]: 1 183 of them, each changing once.
    assert_eq!(changed, 1183);
}
