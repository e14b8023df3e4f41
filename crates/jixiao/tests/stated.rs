//! Rounding as real tables do it: the precision each score is stated at, per level and per
//! indicator, the rate rounded before multiplying, the two ways of forming a parent, and the
//! readings an audit offers for a claim computed another way.

#![allow(clippy::unwrap_used, clippy::expect_used, reason = "test code")]

use jixiao::analysis::Claims;
use jixiao::{Inputs, Scorer};

/// Two leaves under one group: a rate of 20 points and a step rule of 5, with `extra` spliced
/// into the rate rule, `leaf` into the step leaf and `policy` as the rounding policy.
fn system(extra: &str, leaf: &str, policy: &str) -> Scorer {
    let text = format!(
        r#"{{"format": 1, "id": "stated", "name": "舍入",
        "inputs": [{{"name": "执行率"}}, {{"name": "控制率"}}],
        "indicators": [{{"id": "1", "name": "预算执行", "points": "25", "children": [
          {{"id": "1.1", "name": "预算执行率", "points": "20",
            "rule": {{"type": "rate", "value": "执行率"{extra}}}}},
          {{"id": "1.2", "name": "公用经费控制率", "points": "5"{leaf},
            "rule": {{"type": "step", "value": "控制率", "direction": "above", "threshold": "100%",
                      "step": "1%", "deduct": "0.5", "counting": "proportional"}}}}]}}],
        "grades": [{{"label": "合格", "min": "10"}}, {{"label": "不合格"}}],
        "rounding": {policy}}}"#
    );
    Scorer::from_text(&text).unwrap()
}

fn unit(rate: &str, control: &str) -> Inputs {
    Inputs::new().with("执行率", rate).with("控制率", control)
}

fn score(scorer: &Scorer, inputs: &Inputs, id: &str) -> String {
    scorer
        .evaluate(inputs)
        .unwrap()
        .indicator(id)
        .unwrap()
        .score
        .to_string()
}

#[test]
fn the_rate_rounded_before_multiplying() {
    let inputs = unit("10.774%", "100%");
    // 20 × 10.774% = 2.1548, stated 2.15.
    assert_eq!(score(&system("", "", "{}"), &inputs, "1.1"), "2.15");
    // The table prints the rate to 0.1% first: 20 × 10.8% = 2.16.
    let first = system(r#", "round_rate": {"scale": 3}"#, "", "{}");
    assert_eq!(score(&first, &inputs, "1.1"), "2.16");
    let e = first.evaluate(&inputs).unwrap();
    assert_eq!(e.indicator("1.1").unwrap().exact_score.normalize().to_string(), "2.16");
}

#[test]
fn an_indicator_states_its_own_precision() {
    let inputs = unit("100%", "102.7%");
    // 5 − 2.7 × 0.5 = 3.65: stated to 0.01 by default, in whole points (down) by its own rounding.
    assert_eq!(score(&system("", "", "{}"), &inputs, "1.2"), "3.65");
    let whole = system("", r#", "rounding": {"scale": 0, "mode": "down"}"#, "{}");
    assert_eq!(score(&whole, &inputs, "1.2"), "3");
    // The parent is the sum of the stated children: 20.00 + 3 = 23.00.
    assert_eq!(score(&whole, &inputs, "1"), "23.00");
    assert_eq!(whole.evaluate(&inputs).unwrap().total.to_string(), "23.00");
}

#[test]
fn a_parent_is_the_sum_of_its_stated_children_or_the_rounded_exact_sum() {
    // 1.1: 20 × 10.775% = 2.155 → 2.16 (half up); 1.2: 5 − 0.5 × 2.71 = 3.645 → 3.65.
    let inputs = unit("10.775%", "102.71%");
    let stated = system("", "", "{}");
    let e = stated.evaluate(&inputs).unwrap();
    assert_eq!(e.indicator("1").unwrap().score.to_string(), "5.81");
    assert_eq!(e.indicator("1").unwrap().exact_score.normalize().to_string(), "5.8");
    // Rounded exact sum: 2.155 + 3.645 = 5.8 → 5.80, though the printed children add to 5.81.
    let exact = system("", "", r#"{"parent": "rounded_exact_sum"}"#);
    let e = exact.evaluate(&inputs).unwrap();
    assert_eq!(e.indicator("1").unwrap().score.to_string(), "5.80");
    assert_eq!(e.total.to_string(), "5.80");
    // "none" states the leaves exactly.
    let none = system("", "", r#"{"indicator": "none"}"#);
    assert_eq!(score(&none, &inputs, "1.1"), "2.15500");
    assert_eq!(none.stated_scale(), None);
    assert_eq!(stated.stated_scale(), Some(2));
}

#[test]
fn an_audit_names_the_reading_that_gives_a_claim() {
    let scorer = system("", "", "{}");
    let inputs = unit("10.774%", "102.7%");
    let readings = |id: &str, claim: &str| {
        let mut claims = Claims::default();
        claims.scores.insert(id.into(), claim.parse().unwrap());
        let audit = scorer.audit(&inputs, &claims).unwrap();
        assert_eq!(audit.discrepancies.len(), 1, "{}", audit.explain(jixiao::Lang::Zh));
        audit.discrepancies[0]
            .readings
            .iter()
            .map(|r| (r.code, r.zh.clone()))
            .collect::<Vec<_>>()
    };
    // 2.16: the rate rounded to 0.1% first (or the exact 2.1548 rounded up).
    let r = readings("1.1", "2.16");
    assert!(
        r.contains(&(
            "rate_rounded_first",
            "率先四舍五入到0.1%再乘分值（得2.16分）".to_string()
        )),
        "{r:?}"
    );
    assert!(r.iter().any(|(code, _)| *code == "rounded"), "{r:?}");
    // 3: 2.7 points over counted as 3 started steps of 0.5 gives 3.5; whole steps give 4; 3.65
    // cut to whole points gives 3.
    let r = readings("1.2", "3");
    assert_eq!(r, [("rounded", "计算值3.65按1分去尾".to_string())]);
    let r = readings("1.2", "3.5");
    assert_eq!(r, [("counting", "按“不足一档按一档计”计算（得3.50分）".to_string())]);
    // 2: nothing common gives it.
    assert!(readings("1.2", "2").is_empty());
}

/// Claims rounded to 0.01, as every published table prints them, of a system that states its
/// scores exactly: each part is within half a cent, so a parent may differ from the sum of its
/// printed parts by half a cent per part (2.16 + 3.65 = 5.81 under a printed 5.80). That is no
/// discrepancy; a parent off by more is.
#[test]
fn claims_rounded_as_tables_print_them_are_no_discrepancy() {
    let scorer = system("", "", r#"{"indicator": "none"}"#);
    // 1.1: 20 × 10.775% = 2.155, 1.2: 5 − 0.5 × 2.71 = 3.645; 1 = 5.8.
    let inputs = unit("10.775%", "102.71%");
    let claims = |group: &str, total: &str| {
        let mut c = Claims::default();
        for (id, v) in [("1.1", "2.16"), ("1.2", "3.65"), ("1", group)] {
            c.scores.insert(id.into(), v.parse().unwrap());
        }
        c.total = Some(total.parse().unwrap());
        scorer.audit(&inputs, &c).unwrap()
    };
    let audit = claims("5.80", "5.80");
    assert!(audit.discrepancies.is_empty(), "{}", audit.explain(jixiao::Lang::Zh));
    let audit = claims("5.86", "5.86");
    let kinds: Vec<&str> = audit.discrepancies.iter().map(|d| d.kind.code()).collect();
    assert_eq!(
        kinds,
        ["score", "group_sum", "total"],
        "{}",
        audit.explain(jixiao::Lang::Zh)
    );
}
