//! Properties of the analyses on the built-in systems with varied figures: a target found reaches
//! its goal and the next smaller change (one step of the input's resolution) does not; a what-if
//! without change changes nothing; an audit of a unit's own scores finds nothing; every
//! sensitivity breakpoint is a real change of score regime.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "test code"
)]

use jixiao::analysis::{Claims, Goal};
use jixiao::{Decimal, InputValue, Inputs, Scorer};
use proptest::prelude::*;

const VARIED: &[(&str, &str)] = &[
    ("hunan-dept", "本年追加"),
    ("hunan-dept", "年末结余"),
    ("hunan-dept", "公用经费实际支出数"),
    ("xiangxi-commerce-2019", "本年追加"),
    ("xiangxi-commerce-2019", "年末结余"),
    ("yueyang-dept", "年末结余"),
];

fn unit(id: &str) -> (Scorer, Inputs) {
    let b = jixiao::builtin(id).unwrap();
    (b.scorer().unwrap(), b.example_inputs().unwrap())
}

fn numeric(inputs: &Inputs, name: &str) -> Option<Decimal> {
    match inputs.values.get(name)? {
        InputValue::Number(d) => Some(*d),
        InputValue::Text(t) => jixiao::parse_decimal(t).ok(),
        _ => None,
    }
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_target_reaches_its_goal_and_one_step_less_does_not(
        which in 0..VARIED.len(),
        factor in 0u32..300,
        goal_total in 60u32..100,
    ) {
        let (system, input) = VARIED[which];
        let (scorer, mut inputs) = unit(system);
        let Some(current) = numeric(&inputs, input) else { return Ok(()) };
        // Move the input somewhere else first so that goals are sometimes far away.
        let start = (current * Decimal::from(factor) / Decimal::ONE_HUNDRED).round_dp(2);
        inputs.set(input, InputValue::Number(start));
        if scorer.evaluate(&inputs).is_err() {
            return Ok(());
        }
        let goal = Goal::Total(Decimal::from(goal_total));
        let t = scorer.target(&inputs, input, &goal, None, None).unwrap();
        if let Some(x) = t.required {
            let at = |v: Decimal| scorer.evaluate(&inputs.clone().with(input, InputValue::Number(v)));
            let reached = at(x).unwrap();
            prop_assert!(reached.total >= Decimal::from(goal_total), "{}", t.message);
            if x != t.current {
                let resolution = Decimal::new(1, 2);
                let smaller = if x > t.current { x - resolution } else { x + resolution };
                if let Ok(e) = at(smaller) {
                    prop_assert!(e.total < Decimal::from(goal_total), "one step less also reaches the goal: {}", t.message);
                }
            }
        } else {
            prop_assert!(t.unreachable.is_some());
        }
    }

    #[test]
    fn what_if_without_change_and_audit_of_own_scores_find_nothing(which in 0..VARIED.len(), factor in 50u32..150) {
        let (system, input) = VARIED[which];
        let (scorer, mut inputs) = unit(system);
        let Some(current) = numeric(&inputs, input) else { return Ok(()) };
        inputs.set(input, InputValue::Number((current * Decimal::from(factor) / Decimal::ONE_HUNDRED).round_dp(2)));
        let Ok(own) = scorer.evaluate(&inputs) else { return Ok(()) };
        let c = scorer.what_if(&inputs, &Inputs::new()).unwrap();
        prop_assert_eq!(c.total_change(), Decimal::ZERO);
        prop_assert_eq!(c.changed().count(), 0);
        let mut claims = Claims { total: Some(own.total), grade: Some(own.grade.to_string()), ..Claims::default() };
        for r in own.indicators.iter().chain(&own.bonus) {
            claims.scores.insert(r.id.to_string(), r.score);
        }
        let audit = scorer.audit(&inputs, &claims).unwrap();
        prop_assert!(audit.discrepancies.is_empty(), "{}", audit.explain(jixiao::Lang::Zh));
    }

    #[test]
    fn every_breakpoint_changes_a_score_regime(which in 0..VARIED.len(), span in 1u32..400) {
        let (system, input) = VARIED[which];
        let (scorer, inputs) = unit(system);
        let Some(current) = numeric(&inputs, input) else { return Ok(()) };
        let to = current + Decimal::from(span);
        let s = scorer.sensitivity(&inputs, input, Decimal::ZERO, to, None).unwrap();
        let mut last = Decimal::MIN;
        for b in &s.breakpoints {
            prop_assert!(b.at > last, "breakpoints are increasing");
            last = b.at;
            prop_assert!(
                !b.indicators.is_empty() || b.error.is_some() || b.grade_before != b.grade_at || b.total_before != b.total_at,
                "a breakpoint at {} changes nothing", b.at
            );
        }
    }
}
