//! The one policy for binary floats (Arrow `float64`/`float32` columns, Python `float`s, numbers in
//! Excel cells): a float is the decimal its shortest round-trip text writes (`0.1` → `0.1`, what
//! Python's `repr()` shows, never `0.1000000000000000055511151231257827`). NaN and infinity are
//! refused, and so is a float whose shortest text needs more than 28 decimal places or lies beyond
//! the decimal range: such a value cannot be an exact amount or rate.
//!
//! A float whose shortest text needs 16 or 17 significant digits (`0.06 + 0.84` is
//! `0.8999999999999999`, `1.1 * 100` is `110.00000000000001`) is refused too, with the decimal it
//! was probably meant to be: every decimal of up to 15 significant digits reads back from its float
//! with at most 15 (`f64::DIGITS`), so such a float is no figure anyone wrote but the binary noise of
//! a computation, and reading it as written could put the unit into another tier than the figure
//! meant (89.99999999999999% is below a 90% threshold). For a `float32`, the same holds beyond 7
//! digits.
//!
//! This is the only place where the crate touches a binary float: one given by a front end (an
//! Arrow column, a Python `float`, an Excel cell) is turned into a decimal here, by its text,
//! before any arithmetic; nothing is ever computed in floating point.

use rust_decimal::Decimal;

use super::{FloatAdvice, ValueProblem};
use crate::dec::parse_decimal;

/// Why a NaN is refused (the English message of [`ValueProblem::NotANumber`]).
pub const NOT_A_NUMBER: &str = "NaN is not a number (leave the input out, or give None, when it has no value)";

/// Longest decimal text accepted (the engine's own limit on literals).
const MAX_TEXT: usize = 64;

/// What to do instead of a noisy float given through a programming interface.
pub const PASS_EXACTLY: &str = "pass the figure as a string or Decimal";

/// A decimal from a binary float, through its shortest round-trip text; a float showing binary
/// noise (16 or 17 significant digits) is refused, the message ending in the advice to pass the
/// figure exactly ([`PASS_EXACTLY`]).
///
/// ```
/// use jixiao::inputs::float::{decimal_from_f64, PASS_EXACTLY};
/// assert_eq!(decimal_from_f64(0.1).unwrap().to_string(), "0.1");
/// assert_eq!(
///     decimal_from_f64(0.06 + 0.84).unwrap_err().to_string(),
///     "0.8999999999999999 looks like binary floating-point noise (did you mean 0.9?); \
///      pass the figure as a string or Decimal"
/// );
/// assert!(decimal_from_f64(0.1 + 0.2).is_err());
/// assert!(decimal_from_f64(f64::NAN).is_err());
/// assert!(decimal_from_f64(1e-30).is_err());
/// ```
#[inline]
pub fn decimal_from_f64(f: f64) -> Result<Decimal, ValueProblem> {
    // The usual amount or rate, inline: a batch reads a column of them, and a result passed back
    // through memory costs more than the conversion.
    match shortest_decimal(f) {
        Some(d) if d.mantissa().unsigned_abs() < F64_EXACT => Ok(d),
        _ => decimal_from_f64_or(f, FloatAdvice::PassExactly),
    }
}

/// 10^15: a mantissa below it has at most [`f64::DIGITS`] digits, never binary noise.
const F64_EXACT: u128 = 10_u128.pow(f64::DIGITS);

/// [`decimal_from_f64`] with other advice for a noisy float (an Excel cell's: round it there).
#[inline(never)]
pub fn decimal_from_f64_or(f: f64, advice: FloatAdvice) -> Result<Decimal, ValueProblem> {
    let d = shortest_f64(f)?;
    if more_digits_than(d, f64::DIGITS) {
        return Err(noise(d, &format!("{f:.14e}"), advice));
    }
    Ok(d)
}

/// A decimal from a `float32`, through its own shortest text (`0.1f32` → `0.1`), not that of its
/// widening to `f64`; more than 7 significant digits are binary noise.
pub fn decimal_from_f32(f: f32) -> Result<Decimal, ValueProblem> {
    let d = shortest_f32(f)?;
    if more_digits_than(d, f32::DIGITS + 1) {
        return Err(noise(d, &format!("{f:.6e}"), FloatAdvice::PassExactly));
    }
    Ok(d)
}

/// Why a noisy float is refused: its exact text, the figure it rounds to (`rounded`, in scientific
/// notation), and what to do.
fn noise(d: Decimal, rounded: &str, advice: FloatAdvice) -> ValueProblem {
    let meant = Decimal::from_scientific(rounded).map_or_else(|_| rounded.to_string(), |m| m.normalize().to_string());
    ValueProblem::FloatNoise {
        float: d.to_string(),
        meant,
        advice,
    }
}

/// Whether a decimal has more than `n` significant digits. A mantissa below 10^n has at most `n`
/// digits, which settles the usual amount or rate with one comparison; only a longer one is counted.
fn more_digits_than(d: Decimal, n: u32) -> bool {
    let below = 10_u128
        .checked_pow(n)
        .is_some_and(|limit| d.mantissa().unsigned_abs() < limit);
    !below && significant_digits(d) > n
}

/// The significant digits of a decimal (`0.0090` → 1, `1200` → 2).
fn significant_digits(d: Decimal) -> u32 {
    let mut m = d.mantissa().unsigned_abs();
    if m == 0 {
        return 0;
    }
    while m.is_multiple_of(10) {
        m /= 10;
    }
    m.checked_ilog10().map_or(0, |l| l + 1)
}

/// The decimal a float's shortest round-trip text writes, noise and all.
fn shortest_f64(f: f64) -> Result<Decimal, ValueProblem> {
    if let Some(d) = shortest_decimal(f) {
        return Ok(d);
    }
    if f.is_nan() {
        return Err(ValueProblem::NotANumber);
    }
    if f.is_infinite() {
        return Err(ValueProblem::Infinite { negative: f < 0.0 });
    }
    // `Display` writes the shortest text that reads back to the same float, without an exponent.
    let mut text = FloatText::new();
    if std::fmt::Write::write_fmt(&mut text, format_args!("{f}")).is_ok() {
        return decimal_from_display(text.as_str());
    }
    decimal_from_display(&f.to_string())
}

/// The decimal a `float32`'s shortest round-trip text writes.
fn shortest_f32(f: f32) -> Result<Decimal, ValueProblem> {
    if !f.is_finite() {
        return shortest_f64(f64::from(f));
    }
    let mut text = FloatText::new();
    if std::fmt::Write::write_fmt(&mut text, format_args!("{f}")).is_ok() {
        return decimal_from_display(text.as_str());
    }
    decimal_from_display(&f.to_string())
}

/// The decimal a finite float's `Display` text writes (digits, a point, a sign: nothing
/// `parse_decimal` would clean up), straight through `from_str_exact` when that succeeds.
fn decimal_from_display(text: &str) -> Result<Decimal, ValueProblem> {
    if text.len() <= MAX_TEXT
        && let Ok(d) = Decimal::from_str_exact(text)
    {
        return Ok(d);
    }
    let shown = || {
        text.parse::<f64>()
            .map_or_else(|_| text.to_string(), |f| format!("{f:e}"))
    };
    if text.len() > MAX_TEXT {
        return Err(ValueProblem::BeyondRange {
            text: shown(),
            limit: crate::dec::LIMIT_DIGITS_AND_MAGNITUDE,
        });
    }
    parse_decimal(text).map_err(|_| ValueProblem::BeyondRange {
        text: shown(),
        limit: "at most 28 decimal places",
    })
}

/// A finite float's shortest round-trip text, written on the stack (no allocation per cell).
struct FloatText {
    buf: [u8; 80],
    len: usize,
}

impl FloatText {
    fn new() -> Self {
        FloatText { buf: [0; 80], len: 0 }
    }

    fn as_str(&self) -> &str {
        self.buf
            .get(..self.len)
            .and_then(|b| std::str::from_utf8(b).ok())
            .unwrap_or("")
    }
}

impl std::fmt::Write for FloatText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len.checked_add(s.len()).ok_or(std::fmt::Error)?;
        let target = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        target.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// 2^50: below it, `|f|·10^k` has a spacing of at most 1/4 and converts to an integer exactly.
const BELOW: f64 = 1_125_899_906_842_624.0;

/// 10^0 ..= 10^17 as floats (all exact).
const F64_POW10: [f64; 18] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17,
];

/// The decimal that a float's shortest round-trip text (`Display`) writes, found without
/// formatting for floats with few decimal places (amounts in cents, ratios): the fewest places `k`
/// at which the nearest multiple of 10^-k reads back as the float. `None` when unsure (then the
/// text is written and read).
///
/// Why it is the same decimal: with `x = |f|·10^k` computed below 2^50 (checked), ulp(x) ≤ 1/8, and
/// `m` and `10^k` are exact floats, so `m / 10^k` (one correctly rounded division) is what reading
/// the text `m·10^-k` gives. A multiple `m'` of 10^-k that reads back as `f` is within half the
/// float's spacing of it, so `m'` is within ulp(|f|·10^k) ≤ 1/8 of the exact product, and `x` errs
/// by at most 1/16: `m'` is within 3/16 of `x`, and `x + 1/2` rounded (by at most 1/8) and cut to a
/// whole number is `m'`. There is at most one such `m'` (10^-k is wider than the float's spacing,
/// which is under a quarter of it). The fewest places is the fewest significant digits, which is
/// what `Display` writes; `m` then has no trailing zero, so the decimal has the text's scale.
#[inline]
fn shortest_decimal(f: f64) -> Option<Decimal> {
    if f == 0.0 {
        // `Display` writes -0.0 as `-0`: the slow path keeps its sign.
        return f.is_sign_positive().then_some(Decimal::ZERO);
    }
    let a = f.abs();
    // Two places first, the places of an amount in cents (and of most figures): if any `k ≤ 2`
    // fits, so does 2, with `m` the fewest places' multiple times 10^(2 - k) (the same real number,
    // read back by a correctly rounded division), so the trailing zeros of `m` give the fewest
    // places. If 2 does not fit below 2^50, neither do 0 and 1, and the search goes on from 3.
    // One try and no unpredictable branch for a column of amounts, where trying 0, 1, 2 in turn
    // mispredicted its way out of the loop at every cell.
    let mut from = 0;
    let x = a * 100.0;
    if x < BELOW {
        let m = (x + 0.5) as i64;
        if m as f64 / 100.0 == a {
            let (m, k) = match (m % 10, m % 100) {
                (_, 0) => (m / 100, 0),
                (0, _) => (m / 10, 1),
                _ => (m, 2),
            };
            return Some(Decimal::new(if f < 0.0 { -m } else { m }, k));
        }
        from = 3;
    }
    for (k, p) in F64_POW10.iter().enumerate().skip(from) {
        let x = a * p;
        if x.is_nan() || x >= BELOW {
            return None;
        }
        // Below 2^50, the casts are exact.
        let m = (x + 0.5) as i64;
        if m as f64 / p == a {
            let k = u32::try_from(k).ok()?;
            return Some(Decimal::new(if f < 0.0 { -m } else { m }, k));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy stated plainly: the float's `Display` text, parsed.
    fn through_text(f: f64) -> Result<Decimal, ValueProblem> {
        if f.is_nan() {
            return Err(ValueProblem::NotANumber);
        }
        if f.is_infinite() {
            return Err(ValueProblem::Infinite { negative: f < 0.0 });
        }
        decimal_from_display(&f.to_string())
    }

    #[test]
    fn floats_read_through_their_shortest_text() {
        assert_eq!(decimal_from_f64(0.1).unwrap().to_string(), "0.1");
        assert_eq!(decimal_from_f64(0.8239).unwrap().to_string(), "0.8239");
        assert_eq!(decimal_from_f64(1e-7).unwrap().to_string(), "0.0000001");
        assert_eq!(decimal_from_f64(3867.0).unwrap().to_string(), "3867");
        assert_eq!(decimal_from_f64(f64::NAN).unwrap_err().to_string(), NOT_A_NUMBER);
        assert!(decimal_from_f64(f64::INFINITY).is_err());
        assert!(decimal_from_f64(1e300).is_err());
        assert!(
            decimal_from_f64(1e-30)
                .unwrap_err()
                .to_string()
                .contains("28 decimal places")
        );
        assert_eq!(decimal_from_f32(0.1).unwrap().to_string(), "0.1");
        assert_eq!(decimal_from_f32(0.8239).unwrap().to_string(), "0.8239");
        assert!(decimal_from_f32(f32::NAN).is_err());
    }

    #[test]
    fn binary_noise_is_refused_with_the_figure_meant() {
        let noisy = [
            (0.06 + 0.84, "0.8999999999999999", "0.9"),
            (0.1 + 0.2, "0.30000000000000004", "0.3"),
            (1.1 * 100.0, "110.00000000000001", "110"),
            (-(0.7 + 0.1), "-0.7999999999999999", "-0.8"),
        ];
        for (f, shown, meant) in noisy {
            assert_eq!(
                decimal_from_f64(f).unwrap_err().to_string(),
                format!("{shown} looks like binary floating-point noise (did you mean {meant}?); {PASS_EXACTLY}")
            );
        }
        let excel = decimal_from_f64_or(0.1 + 0.2, FloatAdvice::RoundInTheSheet).unwrap_err();
        assert!(
            excel
                .to_string()
                .ends_with("round it in the sheet (=ROUND(…, 2)) or type the figure")
        );
        assert_eq!(excel.code(), "float_noise");
        assert_eq!(
            excel.message(crate::Lang::Zh),
            "0.30000000000000004 带有二进制浮点运算误差（应为 0.3？）；请在表中用 =ROUND(…, 2) 取整，或直接键入该数"
        );
        // Fifteen significant digits are a figure someone wrote, whatever its size.
        for (f, text) in [
            (0.123456789012345, "0.123456789012345"),
            (123456789012345.0, "123456789012345"),
            (1e22, "10000000000000000000000"),
            (0.9, "0.9"),
            (76.0, "76"),
        ] {
            assert_eq!(decimal_from_f64(f).unwrap().to_string(), text);
        }
        assert!(decimal_from_f64(2f64.powi(53) + 2.0).is_err());
        assert_eq!(decimal_from_f32(1234.567).unwrap().to_string(), "1234.567");
        let e = decimal_from_f32(1.0f32 / 3.0).unwrap_err().to_string();
        assert_eq!(
            e,
            format!("0.33333334 looks like binary floating-point noise (did you mean 0.3333333?); {PASS_EXACTLY}")
        );
    }

    #[test]
    fn floats_without_formatting_read_as_their_text() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut values = vec![
            0.0,
            -0.0,
            0.1,
            0.2,
            0.3,
            0.1 + 0.2,
            1e-7,
            123.456,
            1e15,
            2f64.powi(50),
            2f64.powi(50) - 1.0,
            2f64.powi(50) - 0.5,
            2f64.powi(49) + 0.375,
            1_125_899_906_842_623.9,
            1.005,
            2.675,
            0.125,
            5e-324,
            f64::MAX,
            f64::MIN_POSITIVE,
            0.1f32 as f64,
            4_503_599_627_370_497.0,
            1e22,
            1e23,
        ];
        for _ in 0..200_000 {
            let r = next();
            let cents = (r % 10_000_000) as f64 / 100.0;
            let ratio = (r % 100_000) as f64 / 10_000.0;
            let places = (r >> 40) % 18;
            let scaled = (r % 1_000_000_000_000) as f64 / 10f64.powi(places as i32);
            values.extend([cents, -cents, ratio, scaled, f64::from_bits(r), f64::from_bits(r >> 2)]);
            values.push(cents * 1.1);
            let big = (r >> 14) as f64 / 10f64.powi(places as i32);
            values.extend([big, big + 0.5, (r >> 13) as f64 * 0.5 + 0.25]);
        }
        let mut fast = 0;
        for f in values {
            let slow = through_text(f);
            assert_eq!(shortest_f64(f), slow, "{f:e}");
            if let Some(d) = shortest_decimal(f) {
                fast += 1;
                let s = slow.unwrap();
                assert_eq!((d.mantissa(), d.scale()), (s.mantissa(), s.scale()), "{f:e}");
            }
        }
        assert!(fast > 500_000, "{fast}");
    }
}
