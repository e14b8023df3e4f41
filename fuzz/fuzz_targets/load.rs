//! Fuzz target `load`: arbitrary bytes as an indicator system (JSON or TOML).
//!
//! The text is parsed, validated and compiled; a system that compiles is evaluated with a few
//! input sets whose values are derived from the same bytes, and every evaluation is rendered
//! (explanations in Chinese and English, the JSON form). Nothing may panic, and a few invariants
//! that the design promises are checked on the way: leaf scores lie in [0, points], deductions
//! add up to points − score, groups are the sum of their children, batch and single evaluation
//! agree, the compiled program (scores only) agrees with the tree walk, and the JSON form of a
//! loaded system loads back to the same system.
#![no_main]
// A fuzz harness reports a broken invariant by panicking; libFuzzer records the input.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use jixiao::{Decimal, Evaluation, IndicatorSystem, InputDecl, InputKind, InputValue, Inputs, Lang, Scorer, Status};
use libfuzzer_sys::fuzz_target;

/// Input sets evaluated per compiled system.
const INPUT_SETS: usize = 4;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(system) = IndicatorSystem::from_text(text) else {
        return;
    };
    check_round_trip(&system);
    let Ok(scorer) = Scorer::new(&system) else {
        return;
    };
    let mut units = vec![Inputs::new()];
    for k in 0..INPUT_SETS {
        let mut bytes = ByteStream::new(data, k * 31 + 7);
        units.push(inputs_for(&system.inputs, &mut bytes));
    }
    let batch = scorer.evaluate_batch(&units);
    assert_eq!(batch.len(), units.len());
    for (unit, batched) in units.iter().zip(&batch) {
        if let Ok(prepared) = scorer.prepare(unit)
            && let Err(difference) = scorer.compiled_agrees(&prepared)
        {
            panic!("the compiled program and the tree walk differ: {difference}");
        }
        let single = scorer.evaluate(unit);
        assert_eq!(&single, batched, "batch and single evaluation disagree");
        match single {
            Ok(evaluation) => check_evaluation(&evaluation),
            Err(e) => {
                let _ = e.to_string();
                let _ = e.kind();
                let _ = jixiao::wire::JsonError::from(e).to_json();
            }
        }
    }
});

/// The JSON form of a system that loaded must load back to the same system.
fn check_round_trip(system: &IndicatorSystem) {
    let json = system.to_json();
    match IndicatorSystem::from_json(&json) {
        Ok(again) => assert_eq!(&again, system, "JSON round trip changed the system:\n{json}"),
        Err(e) => panic!("the JSON form of a loaded system does not load: {e}\n{json}"),
    }
}

fn check_evaluation(e: &Evaluation) {
    for lang in [Lang::Zh, Lang::En] {
        let _ = e.explain(lang);
        let _ = jixiao::wire::evaluation_to_value(e, lang).to_string();
        for r in e.indicators.iter().chain(&e.bonus) {
            let _ = r.explain(lang);
        }
    }
    for (i, r) in e.indicators.iter().enumerate() {
        if r.status != Status::Scored {
            continue;
        }
        if r.is_leaf {
            assert!(
                r.exact_score >= Decimal::ZERO && r.exact_score <= r.points,
                "indicator `{}` scored {} out of {}",
                r.id,
                r.exact_score,
                r.points
            );
            if r.score <= r.points {
                let sum = r.deductions.iter().map(|d| d.amount).sum::<Decimal>();
                assert_eq!(
                    sum,
                    r.points - r.score,
                    "indicator `{}`: deductions {:?} do not add up to points {} − score {}",
                    r.id,
                    r.deductions,
                    r.points,
                    r.score
                );
            }
        } else {
            let children = e
                .indicators
                .iter()
                .filter(|c| c.parent == Some(i))
                .map(|c| c.score)
                .sum::<Decimal>();
            assert_eq!(
                r.exact_score, children,
                "group `{}` is not the sum of its children",
                r.id
            );
        }
    }
}

/// Cycles through the fuzz bytes from an offset; yields zeros when there are none.
struct ByteStream<'a> {
    data: &'a [u8],
    at: usize,
}

impl<'a> ByteStream<'a> {
    fn new(data: &'a [u8], at: usize) -> Self {
        ByteStream { data, at }
    }

    fn next(&mut self) -> u8 {
        if self.data.is_empty() {
            return 0;
        }
        let b = self.data[self.at % self.data.len()];
        self.at = self.at.wrapping_add(1);
        b
    }

    fn decimal(&mut self, decl: Option<&InputDecl>) -> Decimal {
        let min = decl.and_then(|d| d.min).map(|d| d.value());
        let max = decl.and_then(|d| d.max).map(|d| d.value());
        let cent = Decimal::new(1, 2);
        match self.next() % 16 {
            0 => Decimal::ZERO,
            1 => Decimal::ONE,
            2 => Decimal::NEGATIVE_ONE,
            3 => Decimal::ONE_HUNDRED,
            4 => min.unwrap_or(Decimal::ZERO),
            5 => max.unwrap_or(Decimal::ONE_THOUSAND),
            6 => min.and_then(|m| m.checked_sub(cent)).unwrap_or(cent),
            7 => max.and_then(|m| m.checked_add(cent)).unwrap_or(Decimal::TEN),
            8 => Decimal::MAX,
            9 => Decimal::MIN,
            10 => Decimal::new(i64::from(self.next()), 2),
            11 => Decimal::from(u32::from(self.next()) * u32::from(self.next())),
            12 => Decimal::new(1, 28),
            13 => {
                let mut mantissa: i128 = 0;
                for _ in 0..12 {
                    mantissa = (mantissa << 8) | i128::from(self.next());
                }
                if self.next() & 1 == 1 {
                    mantissa = -mantissa;
                }
                let scale = u32::from(self.next() % 29);
                Decimal::try_from_i128_with_scale(mantissa, scale).unwrap_or(Decimal::ZERO)
            }
            14 => Decimal::new(i64::from(self.next()) * 1000 + i64::from(self.next()), 4),
            _ => Decimal::new(i64::from(self.next() % 32), 0),
        }
    }

    fn text_number(&mut self, decl: &InputDecl) -> InputValue {
        let d = self.decimal(Some(decl));
        match self.next() % 4 {
            0 => InputValue::Text(format!("{d}%")),
            1 => InputValue::Text(format!(" {d} ")),
            2 => InputValue::Text("3,867.5".into()),
            _ => InputValue::Text(["", "abc", "1e5", "NaN", "--1", "1.2.3", "是"][usize::from(self.next() % 7)].into()),
        }
    }

    fn value(&mut self, decl: &InputDecl) -> Option<InputValue> {
        let b = self.next();
        if b.is_multiple_of(13) {
            return None; // leave it out: default, or a missing-input error
        }
        let odd = b.is_multiple_of(7); // a value of the wrong shape for the kind, now and then
        Some(match decl.kind {
            _ if odd && b & 1 == 1 => self.text_number(decl),
            _ if odd => InputValue::Bool(b & 2 == 2),
            InputKind::Number | InputKind::Manual => InputValue::Number(self.decimal(Some(decl))),
            InputKind::Count => InputValue::Number(if b & 1 == 1 {
                Decimal::from(self.next() % 8)
            } else {
                self.decimal(Some(decl))
            }),
            InputKind::Boolean => match b % 4 {
                0 => InputValue::Text("是".into()),
                1 => InputValue::Text("否".into()),
                _ => InputValue::Bool(b & 8 == 8),
            },
            InputKind::Level => {
                let n = decl.levels.len() + 1;
                let level = decl
                    .levels
                    .get(usize::from(self.next()) % n)
                    .cloned()
                    .unwrap_or_else(|| "不存在的等级".into());
                if b & 1 == 1 {
                    InputValue::Level {
                        level,
                        score: Some(self.decimal(None)),
                    }
                } else {
                    InputValue::Text(level)
                }
            }
            InputKind::Checklist => {
                let mut items: Vec<String> = decl.items.iter().filter(|_| self.next() & 1 == 1).cloned().collect();
                if b % 11 == 1 {
                    items.push("不存在的项目".into());
                }
                if b & 1 == 1 {
                    InputValue::Text(items.join("、"))
                } else {
                    InputValue::Items(items)
                }
            }
        })
    }
}

fn inputs_for(decls: &[InputDecl], bytes: &mut ByteStream<'_>) -> Inputs {
    let mut inputs = Inputs::new();
    for decl in decls {
        if let Some(v) = bytes.value(decl) {
            inputs.set(decl.name.clone(), v);
        }
    }
    if bytes.next().is_multiple_of(17) {
        inputs.set("未声明的输入", InputValue::Number(Decimal::ONE));
    }
    inputs
}
