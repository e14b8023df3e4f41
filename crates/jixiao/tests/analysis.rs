//! Analyses on the seed (湘西州商务局 2019), with every expected figure worked out by hand.
//!
//! 预算调整率 = 本年追加 / 2000 (tiers: = 0 → 5; (0, 10%] → 4; (10%, 20%] → 3; (20%, 30%] → 2; > 30% → 0).
//! 预算完成率 = (860 + 2000 + x + 108 − 681) / (860 + 2000 + x + 108), so its shortfall below 100% is
//! 681 / (2968 + x) and the whole 5-point steps are floor(13620 / (2968 + x)), 1 point each.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "test helpers outside #[test] functions"
)]

use jixiao::analysis::{Claims, DiscrepancyKind, Goal};
use jixiao::{Decimal, Inputs, Lang, Scorer};

fn seed() -> (Scorer, Inputs) {
    let b = jixiao::builtin("xiangxi-commerce-2019").unwrap();
    (b.scorer().unwrap(), b.example_inputs().unwrap())
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn sensitivity_finds_the_tier_and_step_edges_exactly() {
    let (scorer, inputs) = seed();
    let s = scorer
        .sensitivity(&inputs, "本年追加", d("0"), d("1000"), None)
        .unwrap();
    assert_eq!(s.resolution, d("0.01"));
    let at: Vec<String> = s.breakpoints.iter().map(|b| b.at.normalize().to_string()).collect();
    // 2.1.2 leaves "= 0" at 0.01, 10% at 200.01, 20% at 400.01, 30% at 600.01;
    // 2.1.1 drops from 4 to 3 whole steps just above x = 437 (13620 / 3405 = 4 exactly).
    assert_eq!(
        at,
        ["0.01", "200.01", "400.01", "437.01", "600.01"],
        "{}",
        s.explain(Lang::Zh)
    );
    let b = &s.breakpoints[3];
    assert_eq!(b.indicators.len(), 1);
    assert_eq!(&*b.indicators[0].id, "2.1.1");
    assert_eq!(
        (b.indicators[0].before, b.indicators[0].at),
        (Some(d("1")), Some(d("2")))
    );
    let last = &s.breakpoints[4];
    assert_eq!(
        (last.indicators[0].before, last.indicators[0].at),
        (Some(d("2")), Some(d("0")))
    );
}

#[test]
fn target_gives_the_least_change_and_the_next_smaller_change_misses() {
    let (scorer, inputs) = seed();
    let goal = Goal::Indicator {
        id: "2.1.2".into(),
        score: d("2"),
    };
    let t = scorer.target(&inputs, "本年追加", &goal, None, None).unwrap();
    assert_eq!(t.required, Some(d("600")), "{}", t.message);
    assert!(
        t.message
            .contains("本年追加须不超过600万元（至少减少299万元），才能使指标2.1.2 预算调整率得分达到2分；"),
        "{}",
        t.message
    );
    assert!(
        t.explain(Lang::En).starts_with(
            "本年追加 must be at most 600 万元 (a cut of at least 299 万元) to give a score of 2 on 2.1.2 预算调整率; then"
        ),
        "{}",
        t.explain(Lang::En)
    );
    let at = |x: &str| scorer.evaluate(&inputs.clone().with("本年追加", x)).unwrap();
    assert_eq!(at("600").indicator("2.1.2").unwrap().score, d("2"));
    assert_eq!(at("600.01").indicator("2.1.2").unwrap().score, d("0"));
}

#[test]
fn an_unreachable_target_says_why() {
    let (scorer, inputs) = seed();
    // 年末结余 cannot make the total 100: other rows (公用经费控制率) lose points regardless.
    let t = scorer
        .target(&inputs, "年末结余", &Goal::Total(d("100")), None, None)
        .unwrap();
    assert_eq!(t.required, None);
    assert!(
        t.unreachable.as_deref().unwrap().contains("综合得分最高为"),
        "{}",
        t.message
    );
}

#[test]
fn what_if_with_no_change_changes_nothing() {
    let (scorer, inputs) = seed();
    let c = scorer.what_if(&inputs, &Inputs::new()).unwrap();
    assert_eq!(c.total_change(), Decimal::ZERO);
    assert_eq!(c.changed().count(), 0);
    let c = scorer.what_if(&inputs, &Inputs::new().with("本年追加", "0")).unwrap();
    // 追加 0: 预算调整率 5 (was 0); 预算完成率 2287/2968 = 77.06%, 4 whole steps → 1 (was 2).
    assert_eq!(c.total_change(), d("4"));
    let changed: Vec<&str> = c.changed().filter(|r| r.depth == 2).map(|r| &*r.id).collect();
    assert_eq!(changed, ["2.1.1", "2.1.2"]);
    assert!(
        c.explain(Lang::Zh)
            .ends_with("综合得分91.73分→95.73分（+4分），评价等次仍为“优秀”"),
        "{}",
        c.explain(Lang::Zh)
    );
}

#[test]
fn audit_finds_claims_that_do_not_follow_from_the_figures() {
    let (scorer, inputs) = seed();
    let own = scorer.evaluate(&inputs).unwrap();
    let mut claims = Claims {
        total: Some(own.total),
        grade: Some(own.grade.to_string()),
        ..Claims::default()
    };
    for r in &own.indicators {
        claims.scores.insert(r.id.to_string(), r.score);
    }
    assert!(scorer.audit(&inputs, &claims).unwrap().discrepancies.is_empty());
    // The report's own kind of mismatch: 预算完成率 claimed at full points.
    claims.scores.insert("2.1.1".into(), d("5"));
    let audit = scorer.audit(&inputs, &claims).unwrap();
    let kinds: Vec<DiscrepancyKind> = audit.discrepancies.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [DiscrepancyKind::Score, DiscrepancyKind::GroupSum],
        "{}",
        audit.explain(Lang::Zh)
    );
    assert_eq!(audit.discrepancies[0].difference, Some(d("-3")));
    assert!(
        audit
            .explain(Lang::Zh)
            .contains("2.1.1 预算完成率：自评5分，按基础数据应得2.00分（差-3分）")
    );
    // A claimed grade that is not the grade of the claimed total.
    claims.grade = Some("良好".into());
    let kinds: Vec<DiscrepancyKind> = scorer
        .audit(&inputs, &claims)
        .unwrap()
        .discrepancies
        .iter()
        .map(|d| d.kind)
        .collect();
    assert!(kinds.contains(&DiscrepancyKind::GradeOfClaimedTotal) && kinds.contains(&DiscrepancyKind::Grade));
}

#[test]
fn absurd_claims_are_reported_not_a_panic() {
    // Claims are the user's figures. At the edge of the decimal range, their sums overflow: the
    // audit reports them out of range and leaves the sums it cannot form uncompared.
    let (scorer, inputs) = seed();
    let e = scorer.evaluate(&inputs).unwrap();
    let big = Decimal::MAX;
    let mut claims = Claims {
        total: Some(-big),
        ..Claims::default()
    };
    for r in &e.indicators {
        let claim = if r.depth == 1 { -big } else { big };
        claims.scores.insert(r.id.to_string(), claim);
    }
    let audit = scorer.audit(&inputs, &claims).unwrap();
    let out_of_range = audit
        .discrepancies
        .iter()
        .filter(|d| d.kind == DiscrepancyKind::OutOfRange)
        .count();
    assert_eq!(out_of_range, e.indicators.len());
    assert!(audit.discrepancies.iter().any(|d| d.kind == DiscrepancyKind::Total));
}

#[test]
fn absurd_search_parameters_are_errors_or_clamped_never_a_panic() {
    let (scorer, inputs) = seed();
    let (big, tiny) = (Decimal::MAX, Decimal::new(1, 28));
    // A range beyond ±10^15 is clamped to it; the breakpoints are still found.
    let s = scorer.sensitivity(&inputs, "本年追加", -big, big, None).unwrap();
    assert_eq!(s.to, d("1000000000000000"));
    assert!(!s.breakpoints.is_empty());
    // Resolutions outside 10^-10..10^15 are refused with the figure given.
    let e = scorer
        .sensitivity(&inputs, "本年追加", d("0"), d("1"), Some(tiny))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "the resolution 0.0000000000000000000000000001 is outside 0.0000000001–10^15"
    );
    assert!(
        scorer
            .sensitivity(&inputs, "本年追加", d("0"), d("1"), Some(big))
            .is_err()
    );
    assert!(
        scorer
            .target(&inputs, "本年追加", &Goal::Total(d("95")), None, Some(tiny))
            .is_err()
    );
    // Goals that cannot be reached, over huge ranges: an answer, not a panic.
    for goal in [Goal::Total(big), Goal::Total(-big), Goal::Grade("优秀".into())] {
        let _ = scorer.target(&inputs, "本年追加", &goal, Some((-big, big)), None);
    }
    // A current value beyond ±10^15 cannot be varied.
    let huge = inputs.clone().with("本年追加", "999999999999999999");
    let e = scorer.sensitivity(&huge, "本年追加", d("0"), d("1"), None).unwrap_err();
    assert!(e.to_string().contains("beyond the ±10^15"), "{e}");
}

#[test]
fn absurd_rule_figures_give_no_candidates_not_a_panic() {
    // A step rule whose figures overflow every product the search forms.
    let text = r#"{"format": 1, "id": "x", "name": "x",
      "inputs": [{"name": "a"}],
      "indicators": [{"id": "1", "name": "甲", "points": "79228162514264337593543950335",
        "rule": {"type": "step", "value": "a", "direction": "above", "threshold": "0",
                 "step": "79228162514264337593543950335", "deduct": "0.0000000000000000000000000001",
                 "counting": "proportional"}},
        {"id": "2", "name": "乙", "points": "79228162514264337593543950335",
        "rule": {"type": "per_occurrence", "value": "a", "deduct": "0.0000000000000000000000000001"}}],
      "grades": [{"label": "合格"}]}"#;
    let scorer = Scorer::from_text(text).unwrap();
    let inputs = Inputs::new().with("a", "1");
    let _ = scorer.sensitivity(&inputs, "a", d("-1000"), d("1000"), None);
    let _ = scorer.target(&inputs, "a", &Goal::Total(d("1")), None, None);
}
