//! Fuzz target `expr`: arbitrary text through the expression language.
//!
//! The bytes up to the first NUL are the expression; the bytes after it choose the values of the
//! names. Each expression that compiles is evaluated in a few fixed environments (zeros, typical
//! figures, extremes) and in one built from the fuzz bytes. Nothing may panic, and a value must
//! have the type the compiler gave the expression.
#![no_main]
// A fuzz harness reports a broken invariant by panicking; libFuzzer records the input.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use jixiao::Decimal;
use jixiao::expr::{Env, Expr, Fault, Ref, Ty, Value, referenced_names};
use libfuzzer_sys::fuzz_target;

/// Numeric inputs the resolver knows, by slot.
const NUMBERS: [&str; 6] = ["编制数", "在职人员数", "预算数", "完成数", "x", "y"];
const FLAG: &str = "有项目";
const FLAG_SLOT: u32 = 50;
const LEVEL: &str = "完成程度";
const LEVEL_SLOT: u32 = 51;
const LEVELS: [&str; 3] = ["达成", "部分达成", "未达成"];
/// A metric whose evaluation fails in the environment (as a failing metric would).
const FAILING_METRIC: &str = "预算执行率";
/// A metric that evaluates to a number.
const METRIC: &str = "控制率";

fn resolve(name: &str) -> Option<(Ref, Ty)> {
    match name {
        FLAG => Some((Ref::Input(FLAG_SLOT), Ty::Bool)),
        LEVEL => Some((
            Ref::Input(LEVEL_SLOT),
            Ty::Level(LEVELS.iter().map(|s| s.to_string()).collect()),
        )),
        FAILING_METRIC => Some((Ref::Metric(0), Ty::Num)),
        METRIC => Some((Ref::Metric(1), Ty::Num)),
        _ => NUMBERS
            .iter()
            .position(|n| *n == name)
            .map(|i| (Ref::Input(i as u32), Ty::Num)),
    }
}

struct Vars {
    numbers: [Decimal; NUMBERS.len()],
    flag: bool,
    level: u16,
    metric: Decimal,
}

impl Env for Vars {
    type Error = String;

    fn load(&mut self, r: Ref) -> Result<Value, String> {
        match r {
            Ref::Input(FLAG_SLOT) => Ok(Value::Bool(self.flag)),
            Ref::Input(LEVEL_SLOT) => panic!("a level input was loaded as a value"),
            Ref::Input(i) => Ok(Value::Num(self.numbers[i as usize])),
            Ref::Metric(0) => Err("metric failed".into()),
            Ref::Metric(_) => Ok(Value::Num(self.metric)),
        }
    }

    fn level_is(&mut self, input: u32, level: u16) -> Result<bool, String> {
        assert_eq!(input, LEVEL_SLOT, "level test on a non-level input");
        assert!(usize::from(level) < LEVELS.len(), "level index {level} out of range");
        Ok(level == self.level)
    }
}

fn fixed_envs() -> Vec<Vars> {
    let all = |d: Decimal| Vars {
        numbers: [d; NUMBERS.len()],
        flag: d.is_zero(),
        level: 0,
        metric: d,
    };
    vec![
        all(Decimal::ZERO),
        all(Decimal::ONE),
        all(Decimal::MAX),
        all(Decimal::MIN),
        all(Decimal::new(1, 28)),
        Vars {
            numbers: [
                Decimal::from(80),
                Decimal::from(76),
                Decimal::new(38_670, 1),
                Decimal::new(31_860, 1),
                Decimal::new(9_527, 4),
                Decimal::new(-5, 2),
            ],
            flag: true,
            level: 1,
            metric: Decimal::new(8_239, 4),
        },
    ]
}

/// Values taken from the bytes after the expression.
fn fuzzed_env(bytes: &[u8]) -> Vars {
    let mut it = bytes.iter().copied().cycle();
    let mut next = || it.next().unwrap_or(0);
    let mut decimal = || {
        let mut mantissa: i128 = 0;
        let len = next() % 13;
        for _ in 0..len {
            mantissa = (mantissa << 8) | i128::from(next());
        }
        if next() & 1 == 1 {
            mantissa = -mantissa;
        }
        Decimal::try_from_i128_with_scale(mantissa, u32::from(next() % 29)).unwrap_or(Decimal::MAX)
    };
    let numbers = std::array::from_fn(|_| decimal());
    let metric = decimal();
    let flag_byte = bytes.first().copied().unwrap_or(0);
    Vars {
        numbers,
        flag: flag_byte & 1 == 1,
        level: u16::from(flag_byte % 3),
        metric,
    }
}

fn check(expr: &Expr, env: &mut Vars) {
    match expr.eval(env) {
        Ok(Value::Num(_)) => assert_eq!(expr.ty(), &Ty::Num, "a number from an expression typed {:?}", expr.ty()),
        Ok(Value::Bool(_)) => assert_eq!(
            expr.ty(),
            &Ty::Bool,
            "a boolean from an expression typed {:?}",
            expr.ty()
        ),
        Err(Fault::DivisionByZero(p) | Fault::Overflow(p)) => assert!(p >= 1, "fault at position 0"),
        Err(Fault::Env(_)) => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let (text, rest) = data.split_at(split);
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let names = referenced_names(text);
    let compiled = Expr::compile(text, &resolve);
    match &compiled {
        Ok(_) => assert!(names.is_ok(), "compiles but referenced_names fails: {names:?}"),
        Err(e) => {
            assert!(e.position >= 1, "error at position 0: {e}");
            let _ = e.to_string();
        }
    }
    let Ok(expr) = compiled else {
        return;
    };
    let _ = (expr.refs(), expr.as_ref_only(), expr.as_const());
    for mut env in fixed_envs() {
        check(&expr, &mut env);
    }
    check(&expr, &mut fuzzed_env(rest.get(1..).unwrap_or_default()));
});
