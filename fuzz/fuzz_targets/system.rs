//! Fuzz target `system`: the fuzzer builds the indicator system itself, not only its inputs.
//!
//! The bytes drive a small structured generator (`arbitrary`'s `Unstructured`) that assembles an
//! [`IndicatorSystem`] through the format's constructors: inputs of every kind, metrics over them,
//! a tree of up to 3 levels and 12 leaves with every rule kind and its parameters (figures from
//! tiny to ±10^28), not-applicable conditions, bonus items, vetoes, grades and rounding. Mostly
//! consistent (groups' points add up), sometimes not. The system must survive its JSON form, then
//! load: refused with located errors, or compiled; a compiled system is evaluated on generated
//! inputs (by the tree walk and by the compiled program, which must agree) and given a what-if,
//! an audit, a sensitivity and a target over bounded ranges.
//! Nothing may panic or hang, and a score always lies within its points.
#![no_main]
// A fuzz harness reports a broken invariant by panicking; libFuzzer records the input.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use jixiao::analysis::{Claims, Goal};
use jixiao::{
    Band, Better, Bonus, Case, CasesRule, ChecklistMode, ChecklistRule, ChooseOneRule, Counting, Decimal, Direction,
    ExcludedPoints, FormulaRule, Grade, GradeFrom, Indicator, IndicatorSystem, InputDecl, InputKind, InputValue,
    Inputs, ItemPoints, LevelRule, ManualRule, MetricDecl, NaOutcome, NotApplicable, ParentScore, PerOccurrenceRule,
    RateRule, RatioRule, Rounding, RoundingMode, Rule, RuleOption, Scorer, StepRule, Tier, TiersRule, Veto,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

/// Most leaves of a generated tree.
const MAX_LEAVES: usize = 12;

const NUMBERS: [&str; 4] = ["x0", "x1", "x2", "x3"];
const LEVELS: [&str; 3] = ["达成", "部分达成", "未达成"];
const ITEMS: [&str; 3] = ["制度甲", "制度乙", "内控制度"];

/// A decimal: mostly small figures with 0–4 places, sometimes an extreme.
fn decimal(u: &mut Unstructured<'_>) -> Result<Decimal> {
    Ok(match u.int_in_range(0u8..=15)? {
        0 => Decimal::MAX,
        1 => Decimal::MIN,
        2 => Decimal::new(i64::from(u.arbitrary::<i32>()?), u.int_in_range(0..=28)?),
        _ => Decimal::new(i64::from(u.int_in_range(-2000i32..=2000)?), u.int_in_range(0..=4)?),
    })
}

/// A non-negative decimal, usually a plausible number of points.
fn points(u: &mut Unstructured<'_>) -> Result<Decimal> {
    Ok(match u.int_in_range(0u8..=15)? {
        0 if u.ratio(1u8, 4)? => decimal(u)?,
        _ => Decimal::new(i64::from(u.int_in_range(0u16..=2000)?), u.int_in_range(0..=2)?),
    })
}

/// A step or a deduction: positive, now and then anything.
fn positive(u: &mut Unstructured<'_>) -> Result<Decimal> {
    Ok(match u.int_in_range(0u8..=9)? {
        0 => decimal(u)?,
        _ => Decimal::new(i64::from(u.int_in_range(1u16..=2000)?), u.int_in_range(0..=3)?),
    })
}

fn pick<'a>(u: &mut Unstructured<'_>, from: &[&'a str]) -> Result<&'a str> {
    Ok(*u.choose(from)?)
}

/// A numeric expression over the inputs and metrics (sometimes a constant, sometimes broken).
fn number_expr(u: &mut Unstructured<'_>, metrics: usize) -> Result<String> {
    let mut names: Vec<String> = NUMBERS.iter().map(|s| s.to_string()).collect();
    names.push("c".into());
    names.extend((0..metrics).map(|i| format!("m{i}")));
    let a = u.choose(&names)?.clone();
    let b = u.choose(&names)?.clone();
    Ok(match u.int_in_range(0u8..=29)? {
        0..=2 => format!("{a} / {b}"),
        3 | 4 => format!("({a} - {b}) / {b}"),
        5 | 6 => format!("{a} - {b}"),
        7 => format!("min({a}, {b}) * 2"),
        8 => format!("if(b, {a}, {b})"),
        9 => decimal(u)?.to_string(),
        10 => format!("{a} +"),
        _ => a,
    })
}

fn condition(u: &mut Unstructured<'_>) -> Result<String> {
    Ok(match u.int_in_range(0u8..=19)? {
        0..=3 => "b".into(),
        4..=6 => "not b".into(),
        7..=11 => format!("{} > {}", pick(u, &NUMBERS)?, decimal(u)?),
        12..=15 => format!("l == \"{}\"", pick(u, &LEVELS)?),
        16..=18 => "c >= 1 and b".into(),
        _ => "x0 ==".into(),
    })
}

fn rule(u: &mut Unstructured<'_>, points: Decimal, metrics: usize, nesting: u8) -> Result<Rule> {
    let kinds = if nesting < 2 { 11 } else { 10 };
    Ok(match u.int_in_range(0u8..=kinds)? {
        0 | 1 => Rule::Step(StepRule {
            value: number_expr(u, metrics)?,
            direction: if u.arbitrary()? {
                Direction::Above
            } else {
                Direction::Below
            },
            threshold: decimal(u)?.into(),
            step: positive(u)?.into(),
            deduct: positive(u)?.into(),
            counting: *u.choose(&[Counting::Whole, Counting::Started, Counting::Proportional])?,
            max_deduction: if u.arbitrary()? {
                Some(points.min(self::points(u)?).into())
            } else {
                None
            },
        }),
        2 => {
            let n = u.int_in_range(1u8..=4)?;
            let mut tiers = Vec::new();
            let mut bound = decimal(u)?;
            for i in 0..n {
                let exclusive: bool = u.arbitrary()?;
                let next = bound.checked_add(self::points(u)?).unwrap_or(bound);
                tiers.push(Tier {
                    eq: None,
                    gt: (i > 0 && exclusive).then_some(bound.into()),
                    ge: (i > 0 && !exclusive).then_some(bound.into()),
                    lt: (i + 1 < n || n == 1).then_some(next.into()),
                    le: None,
                    score: points.min(self::points(u)?).into(),
                });
                bound = next;
            }
            if u.arbitrary()? {
                tiers.push(Tier {
                    eq: Some(decimal(u)?.into()),
                    gt: None,
                    ge: None,
                    lt: None,
                    le: None,
                    score: points.min(self::points(u)?).into(),
                });
            }
            Rule::Tiers(TiersRule {
                value: number_expr(u, metrics)?,
                tiers,
                otherwise: if u.arbitrary()? {
                    Some(points.min(self::points(u)?).into())
                } else {
                    None
                },
            })
        }
        3 => Rule::Ratio(RatioRule {
            actual: number_expr(u, metrics)?,
            target: number_expr(u, metrics)?,
            direction: if u.arbitrary()? {
                Better::HigherIsBetter
            } else {
                Better::LowerIsBetter
            },
            round_rate: round_rate(u)?,
        }),
        4 => Rule::Rate(RateRule {
            value: number_expr(u, metrics)?,
            round_rate: round_rate(u)?,
        }),
        5 => {
            let mut bands = Vec::new();
            let shares = [Decimal::ONE, Decimal::new(8, 1), Decimal::new(5, 1), Decimal::ZERO];
            for (i, level) in LEVELS.iter().enumerate() {
                if u.ratio(1u8, 40)? {
                    continue;
                }
                bands.push(Band {
                    level: level.to_string(),
                    min: shares[i + 1].into(),
                    max: shares[i].into(),
                    min_inclusive: true,
                    max_inclusive: i == 0 || u.arbitrary()?,
                    default: match u.int_in_range(0u8..=31)? {
                        0 => Some(decimal(u)?.into()),
                        1..=12 => Some(shares[i + 1].into()),
                        _ => None,
                    },
                });
            }
            Rule::Level(LevelRule {
                input: "l".into(),
                bands,
            })
        }
        6 => Rule::Checklist(ChecklistRule {
            input: "k".into(),
            mode: if u.arbitrary()? {
                ChecklistMode::Award
            } else {
                ChecklistMode::Deduct
            },
            points_per_item: Some(self::points(u)?.into()),
            item_points: if u.arbitrary()? {
                vec![ItemPoints {
                    item: pick(u, &ITEMS)?.to_string(),
                    points: self::points(u)?.into(),
                }]
            } else {
                Vec::new()
            },
        }),
        7 => Rule::PerOccurrence(PerOccurrenceRule {
            value: if u.arbitrary()? {
                "c".into()
            } else {
                number_expr(u, metrics)?
            },
            deduct: positive(u)?.into(),
            max_deduction: match u.int_in_range(0u8..=7)? {
                0 => Some(self::points(u)?.into()),
                1..=3 => Some(points.min(self::points(u)?).into()),
                _ => None,
            },
        }),
        8 => Rule::Manual(ManualRule { input: "s".into() }),
        9 => Rule::Cases(CasesRule {
            cases: (0..u.int_in_range(1u8..=3)?)
                .map(|_| {
                    Ok(Case {
                        when: condition(u)?,
                        score: points.min(self::points(u)?).into(),
                        label: None,
                    })
                })
                .collect::<Result<_>>()?,
            otherwise: if u.arbitrary()? {
                Some(points.min(self::points(u)?).into())
            } else {
                None
            },
        }),
        10 => Rule::Formula(FormulaRule {
            expr: number_expr(u, metrics)?,
            clamp: u.arbitrary()?,
        }),
        _ => Rule::ChooseOne(ChooseOneRule {
            options: {
                let n = u.int_in_range(1u8..=3)?;
                (0..n)
                    .map(|i| {
                        Ok(RuleOption {
                            name: format!("方案{i}"),
                            when: if i + 1 < n || u.arbitrary()? {
                                Some(condition(u)?)
                            } else {
                                None
                            },
                            rule: Box::new(rule(u, points, metrics, nesting + 1)?),
                        })
                    })
                    .collect::<Result<_>>()?
            },
        }),
    })
}

/// An indicator with `points`: a leaf, or (above the last level) a group whose children's points
/// add up to it (or, now and then, do not).
fn indicator(
    u: &mut Unstructured<'_>,
    id: String,
    points: Decimal,
    depth: u8,
    leaves: &mut usize,
    metrics: usize,
) -> Result<Indicator> {
    let mut ind = Indicator::new(id.clone(), format!("指标{id}"), points);
    if u.ratio(1u8, 8)? {
        ind.not_applicable = Some(NotApplicable::new(
            condition(u)?,
            *u.choose(&[NaOutcome::FullPoints, NaOutcome::Zero, NaOutcome::Excluded])?,
        ));
    }
    let children = if depth < 2 && *leaves + 2 <= MAX_LEAVES {
        u.int_in_range(0u8..=3)?
    } else {
        0
    };
    if children == 0 {
        *leaves += 1;
        ind.rule = Some(rule(u, points, metrics, 0)?);
        return Ok(ind);
    }
    // Split the points among the children (two places, so that they add up exactly).
    let mut left = points.round_dp(2);
    for i in 0..children {
        let share = if i + 1 == children {
            left
        } else {
            left.checked_mul(Decimal::from(u.int_in_range(0u8..=100)?))
                .map_or(left, |d| d / Decimal::ONE_HUNDRED)
                .round_dp(2)
        };
        left = left.saturating_sub(share);
        let share = if u.ratio(1u8, 50)? {
            share.saturating_add(Decimal::ONE)
        } else {
            share
        };
        ind.children.push(indicator(
            u,
            format!("{id}.{}", i + 1),
            share,
            depth + 1,
            leaves,
            metrics,
        )?);
    }
    Ok(ind)
}

fn system(u: &mut Unstructured<'_>) -> Result<IndicatorSystem> {
    let mut s = IndicatorSystem::new("fuzz", "生成的指标体系");
    for name in NUMBERS {
        let mut d = InputDecl::new(name, InputKind::Number);
        if u.arbitrary()? {
            d.unit = Some("%".into());
        }
        if u.ratio(1u8, 4)? {
            d.min = Some(decimal(u)?.into());
        }
        if u.ratio(1u8, 4)? {
            let max = decimal(u)?;
            d.max = Some(d.min.map_or(max, |m| m.value().max(max)).into());
        }
        s.inputs.push(d);
    }
    s.inputs.push(InputDecl::new("c", InputKind::Count));
    s.inputs.push(InputDecl::new("b", InputKind::Boolean));
    s.inputs.push(InputDecl::new("s", InputKind::Manual));
    let mut l = InputDecl::new("l", InputKind::Level);
    l.levels = LEVELS.iter().map(|s| s.to_string()).collect();
    s.inputs.push(l);
    let mut k = InputDecl::new("k", InputKind::Checklist);
    k.items = ITEMS.iter().map(|s| s.to_string()).collect();
    if u.ratio(1u8, 64)? {
        k.items.push("甲、乙".into());
    }
    s.inputs.push(k);

    let metrics = usize::from(u.int_in_range(0u8..=2)?);
    for i in 0..metrics {
        let mut m = MetricDecl::new(format!("m{i}"), number_expr(u, i)?);
        if u.arbitrary()? {
            m.unit = Some("%".into());
        }
        if u.ratio(1u8, 3)? {
            m.min = Some(Decimal::ZERO.into());
            m.max = Some(Decimal::ONE.into());
        }
        s.metrics.push(m);
    }

    let mut leaves = 0;
    for i in 0..u.int_in_range(1u8..=4)? {
        let p = points(u)?;
        s.indicators
            .push(indicator(u, (i + 1).to_string(), p, 0, &mut leaves, metrics)?);
    }
    let full: Decimal = s
        .indicators
        .iter()
        .fold(Decimal::ZERO, |a, i| a.saturating_add(i.points.value()));
    if u.ratio(1u8, 4)? {
        let p = points(u)?;
        let mut item = Indicator::new("B1", "加分", p);
        item.rule = Some(rule(u, p, metrics, 0)?);
        let mut bonus = Bonus::new(vec![item]);
        if u.arbitrary()? {
            bonus.max_bonus = Some(points(u)?.into());
        }
        if u.arbitrary()? {
            bonus.max_total = Some(points(u)?.into());
        }
        s.bonus = Some(bonus);
    }
    // Grades: shares of the full points, highest first, sometimes a figure of its own.
    let mut share = 100u8;
    for (i, label) in ["优", "良", "中"].iter().enumerate() {
        if i > 0 && u.arbitrary()? {
            break;
        }
        share = u.int_in_range(share.saturating_sub(40)..=share.saturating_sub(1))?;
        let min = if u.ratio(1u8, 10)? {
            decimal(u)?
        } else {
            full.checked_mul(Decimal::from(share))
                .map_or(full, |d| d / Decimal::ONE_HUNDRED)
                .round_dp(2)
        };
        s.grades.push(Grade::new(*label, Some(min.into())));
    }
    s.grades.push(Grade::new("差", None));
    if u.ratio(1u8, 6)? {
        let mut veto = Veto::new("V1", "一票否决", condition(u)?);
        veto.grade = Some("差".into());
        if u.arbitrary()? {
            veto.max_total = Some(points(u)?.into());
        }
        s.vetoes.push(veto);
    }
    let rounding = |u: &mut Unstructured<'_>| -> Result<Option<Rounding>> {
        Ok(if u.arbitrary()? {
            Some(Rounding {
                scale: u.int_in_range(0..=11)?,
                mode: *u.choose(&[
                    RoundingMode::HalfUp,
                    RoundingMode::HalfEven,
                    RoundingMode::Down,
                    RoundingMode::Up,
                ])?,
            })
        } else {
            None
        })
    };
    s.rounding.indicator = rounding(u)?;
    s.rounding.subtotal = rounding(u)?;
    if u.arbitrary()? {
        s.rounding.total = rounding(u)?;
    }
    if u.arbitrary()? {
        s.rounding.grade_from = GradeFrom::ExactTotal;
    }
    if u.arbitrary()? {
        s.rounding.parent = ParentScore::RoundedExactSum;
    }
    if u.arbitrary()? {
        s.excluded_points = ExcludedPoints::Drop;
    }
    Ok(s)
}

fn inputs(u: &mut Unstructured<'_>) -> Result<Inputs> {
    let mut inputs = Inputs::new();
    for name in NUMBERS {
        if !u.ratio(1u8, 10)? {
            inputs = inputs.with(name, decimal(u)?);
        }
    }
    inputs = inputs
        .with("c", Decimal::from(u.int_in_range(0u8..=12)?))
        .with("b", u.arbitrary::<bool>()?)
        .with("s", points(u)?)
        .with(
            "l",
            InputValue::Level {
                level: pick(u, &LEVELS)?.to_string(),
                score: if u.arbitrary()? { Some(points(u)?) } else { None },
            },
        );
    let items: Vec<String> = ITEMS
        .iter()
        .filter(|_| u.arbitrary().unwrap_or(false))
        .map(|s| s.to_string())
        .collect();
    Ok(inputs.with("k", InputValue::Items(items)))
}

fn run(u: &mut Unstructured<'_>) -> Result<()> {
    let system = system(u)?;
    // The format round-trips through its JSON form.
    let json = system.to_json();
    let again = IndicatorSystem::from_json(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(again, system, "the JSON form reads back differently:\n{json}");
    let scorer = match Scorer::new(&system) {
        Ok(scorer) => scorer,
        Err(e) => {
            assert!(!e.issues.is_empty(), "a refusal without an issue");
            assert!(e.issues.iter().all(|i| !i.path.is_empty() || !i.message.is_empty()));
            return Ok(());
        }
    };
    let _ = scorer.warnings();
    let base = inputs(u)?;
    // The compiled program (the scores-only path) agrees with the tree walk, or leaves the unit
    // to it where the tree walk fails.
    if let Ok(prepared) = scorer.prepare(&base)
        && let Err(difference) = scorer.compiled_agrees(&prepared)
    {
        panic!("the compiled program and the tree walk differ: {difference}\n{json}");
    }
    if let Ok(e) = scorer.evaluate(&base) {
        for r in e.indicators.iter().filter(|r| r.is_leaf) {
            assert!(
                r.score >= Decimal::ZERO && r.score <= r.points,
                "{}: score {} outside [0, {}]\n{json}",
                r.id,
                r.score,
                r.points
            );
        }
        let _ = e.explain(jixiao::Lang::Zh);
        let claims = Claims {
            total: Some(e.total),
            grade: Some(e.grade.to_string()),
            ..Claims::default()
        };
        let audit = scorer.audit(&base, &claims).unwrap_or_else(|err| panic!("{err}"));
        assert!(
            audit.discrepancies.is_empty(),
            "the evaluation's own claims disagree:\n{json}"
        );
    }
    let varied = pick(u, &["x0", "x1", "x2", "x3", "c", "s"])?;
    let changes = Inputs::new().with(varied, decimal(u)?);
    let _ = scorer.what_if(&base, &changes);
    let span = |u: &mut Unstructured<'_>| -> Result<Decimal> {
        Ok(Decimal::new(i64::from(u.int_in_range(-100_000i32..=100_000)?), 2))
    };
    let (from, to) = (span(u)?, span(u)?);
    let resolution = if u.arbitrary()? {
        Some(Decimal::new(1, u.int_in_range(0..=4)?))
    } else {
        None
    };
    let _ = scorer.sensitivity(&base, varied, from, to, resolution);
    let goal = match u.int_in_range(0u8..=2)? {
        0 => Goal::Total(points(u)?),
        1 => Goal::Grade(pick(u, &["优", "良", "中", "差", "无"])?.to_string()),
        _ => Goal::Indicator {
            id: "1".into(),
            score: points(u)?,
        },
    };
    let range = if u.arbitrary()? { Some((from, to)) } else { None };
    let _ = scorer.target(&base, varied, &goal, range, resolution);
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});

/// Sometimes a rate rounded before multiplying (to 1%, 0.1% or 0.01%; now and then beyond the
/// largest scale accepted, which must be refused).
fn round_rate(u: &mut Unstructured<'_>) -> Result<Option<Rounding>> {
    Ok(if u.ratio(1u8, 4)? {
        Some(Rounding {
            scale: u.int_in_range(2..=11)?,
            mode: RoundingMode::HalfUp,
        })
    } else {
        None
    })
}
