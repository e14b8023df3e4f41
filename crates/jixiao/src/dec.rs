//! Exact decimal values in indicator-system files and inputs.
//!
//! Decimals are read from text, never through `f64`: a JSON number keeps its digits (serde_json's
//! `arbitrary_precision`), a string may carry a percent sign (`"5%"` is `0.05`), and a binary
//! float (a TOML float) is refused with a message that says how to write it instead.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::inputs::ValueProblem;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The key serde_json uses to hand over a number's exact text when `arbitrary_precision` is on.
pub(crate) const JSON_NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// Why a binary float (a TOML float, a float from another serde format) is refused, and what to
/// write instead: the one wording wherever a float can arrive.
pub(crate) fn float_refused(float: impl fmt::Display) -> String {
    format!("the binary float `{float}` cannot be read exactly; write the decimal as a string, e.g. \"{float}\"")
}

/// `d` written with at least `places` decimal places (`5` → `5.00`), its value unchanged: how a
/// stated figure carries the precision it is stated at. Never rounds (a figure with more places
/// keeps them).
pub(crate) fn with_places(mut d: Decimal, places: u32) -> Decimal {
    if d.scale() < places {
        d.rescale(places);
    }
    d
}

/// Whether `d` is below zero, read from the sign: -0 (a negative sign on a zero mantissa, which
/// parsing and rounding can leave) is zero, not below it.
#[inline]
pub(crate) fn is_negative(d: Decimal) -> bool {
    d.is_sign_negative() && !d.is_zero()
}

/// `d.max(Decimal::ZERO)` — the same value and scale — read from the sign instead of through
/// a comparison call: the scoring paths take it for every score they state.
#[cfg_attr(not(target_arch = "wasm32"), inline)]
#[cfg_attr(target_arch = "wasm32", inline(never))]
pub(crate) fn at_least_zero(d: Decimal) -> Decimal {
    if is_negative(d) { Decimal::ZERO } else { d }
}

/// `a.cmp(b)`, with the common case of scoring — the same scale, neither negative — compared
/// from the mantissas here (rust_decimal's comparison is a call that rescales and unpacks);
/// every other case is rust_decimal's. (The browser modules, built for size, take rust_decimal's
/// for every case.)
#[cfg_attr(not(target_arch = "wasm32"), inline)]
#[cfg_attr(target_arch = "wasm32", inline(never))]
pub(crate) fn cmp(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    if cfg!(not(target_arch = "wasm32")) && a.scale() == b.scale() && !a.is_sign_negative() && !b.is_sign_negative() {
        a.mantissa().cmp(&b.mantissa())
    } else {
        a.cmp(&b)
    }
}

/// `d` rounded to `places` decimal places, half away from zero (四舍五入): what rust_decimal's
/// `round_dp_with_strategy(places, MidpointAwayFromZero)` gives — value, scale and sign alike —
/// taken through its `rescale`, which drops up to nine digits at a time where
/// `round_dp_with_strategy` builds the midpoint digit by digit (a quotient of 28 places rounded to
/// two: a quarter of the work).
#[cfg_attr(target_arch = "wasm32", inline(never))]
pub(crate) fn round_half_up(d: Decimal, places: u32) -> Decimal {
    if d.scale() <= places {
        return d;
    }
    let mut r = d;
    r.rescale(places);
    // `rescale` keeps the sign of a value that rounds to zero; `round_dp_with_strategy` clears
    // it (and keeps that of a zero it is given).
    if r.is_zero() && !d.is_zero() {
        r.set_sign_positive(true);
    }
    r
}

/// `a > b` by [`cmp`].
#[cfg_attr(not(target_arch = "wasm32"), inline)]
#[cfg_attr(target_arch = "wasm32", inline(never))]
pub(crate) fn gt(a: Decimal, b: Decimal) -> bool {
    cmp(a, b).is_gt()
}

/// `a.min(b)` (rust_decimal's: `a` unless `b` is smaller) by [`cmp`].
#[cfg_attr(not(target_arch = "wasm32"), inline)]
#[cfg_attr(target_arch = "wasm32", inline(never))]
pub(crate) fn min(a: Decimal, b: Decimal) -> Decimal {
    if gt(a, b) { b } else { a }
}

/// The limit of an exact decimal, as messages word it.
pub(crate) const LIMIT_DIGITS_AND_MAGNITUDE: &str = "at most 28 significant digits, magnitude below 7.9e28";

/// Largest number of characters accepted for one decimal literal.
const MAX_DECIMAL_TEXT: usize = 64;

/// A decimal as written in an indicator system: `"0.5"`, `"100%"`, `5` or `0.5` (JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dec(pub Decimal);

impl Dec {
    /// The decimal value.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl From<Decimal> for Dec {
    fn from(value: Decimal) -> Self {
        Dec(value)
    }
}

impl fmt::Display for Dec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.normalize())
    }
}

impl FromStr for Dec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_decimal(s).map(Dec).map_err(|p| p.to_string())
    }
}

/// Parses a decimal from text exactly.
///
/// Accepts an optional sign, digits with an optional fraction, surrounding spaces, thousands
/// separators between digit groups (`3,867.5`) and a trailing `%` or `％` (divides by 100
/// exactly). Rejects exponents, `NaN`, `inf` and numbers beyond the 28-digit decimal range.
pub fn parse_decimal(text: &str) -> Result<Decimal, ValueProblem> {
    // Full-width digits and signs (as a Chinese input method types them: `９５．５％`) are the same
    // characters in another width: read as their half-width forms, everywhere alike.
    let half: std::borrow::Cow<'_, str> = if text.chars().any(is_full_width) {
        std::borrow::Cow::Owned(text.chars().map(half_width).collect())
    } else {
        std::borrow::Cow::Borrowed(text)
    };
    let trimmed = half.trim();
    if trimmed.is_empty() {
        return Err(ValueProblem::Empty);
    }
    if trimmed.chars().count() > MAX_DECIMAL_TEXT {
        return Err(ValueProblem::TooLong {
            text: truncate(trimmed, 24).to_string(),
        });
    }
    let (body, percent) = match trimmed.strip_suffix('%') {
        Some(body) => (body.trim_end(), true),
        None => (trimmed, false),
    };
    let unsigned = body.strip_prefix(['-', '+']).unwrap_or(body);
    let mut digits = 0usize;
    let mut seen_point = false;
    let mut previous_was_digit = false;
    for c in unsigned.chars() {
        match c {
            '0'..='9' => {
                digits += 1;
                previous_was_digit = true;
            }
            '.' if !seen_point => {
                seen_point = true;
                previous_was_digit = false;
            }
            ',' if previous_was_digit && !seen_point => previous_was_digit = false,
            _ => {
                return Err(ValueProblem::NotADecimal {
                    text: trimmed.to_string(),
                });
            }
        }
    }
    if digits == 0 || !previous_was_digit && !unsigned.ends_with('.') {
        return Err(ValueProblem::NotADecimal {
            text: trimmed.to_string(),
        });
    }
    // A comma separates thousands only: `3,867`, `1,234,567.5`. Anything else (`453,5` with a
    // decimal comma, `4,5,3`, `1,23,4`) could mean two things, so it is refused, not guessed.
    let integer = unsigned.split('.').next().unwrap_or("");
    if integer.contains(',') {
        let mut groups = integer.split(',');
        let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
        if !first_ok || groups.any(|g| g.len() != 3) {
            return Err(ValueProblem::MisplacedComma {
                text: trimmed.to_string(),
                with_point: (integer.matches(',').count() == 1).then(|| trimmed.replacen(',', ".", 1)),
            });
        }
    }
    let cleaned: String = body.chars().filter(|c| *c != ',').collect();
    let value = Decimal::from_str_exact(&cleaned).map_err(|_| ValueProblem::BeyondRange {
        text: trimmed.to_string(),
        limit: LIMIT_DIGITS_AND_MAGNITUDE,
    })?;
    if percent {
        percent_to_ratio(value).ok_or_else(|| ValueProblem::PercentPlaces {
            text: trimmed.to_string(),
        })
    } else {
        Ok(value)
    }
}

fn is_full_width(c: char) -> bool {
    matches!(c, '０'..='９' | '．' | '，' | '－' | '＋' | '％' | '\u{3000}')
}

/// The half-width form of a full-width digit, point, comma, sign, percent or space.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c),
        '．' => '.',
        '，' => ',',
        '－' => '-',
        '＋' => '+',
        '％' => '%',
        '\u{3000}' => ' ',
        other => other,
    }
}

/// Parses the text of a JSON number exactly, including an exponent (`1.5e3`).
pub fn parse_json_number(text: &str) -> Result<Decimal, ValueProblem> {
    if text.contains(['e', 'E']) {
        if text.len() > MAX_DECIMAL_TEXT {
            return Err(ValueProblem::TooLong {
                text: truncate(text, 24).to_string(),
            });
        }
        Decimal::from_scientific(text).map_err(|_| ValueProblem::BeyondRange {
            text: text.to_string(),
            limit: "at most 28 significant digits",
        })
    } else {
        parse_decimal(text)
    }
}

/// Divides by 100 exactly (shifting the scale), or `None` when the scale would exceed 28.
pub(crate) fn percent_to_ratio(value: Decimal) -> Option<Decimal> {
    let scale = value.scale().checked_add(2)?;
    if scale > 28 {
        return value.div_checked(Decimal::ONE_HUNDRED);
    }
    let mut shifted = value;
    shifted.set_scale(scale).ok()?;
    Some(shifted)
}

/// Checked decimal arithmetic, called rather than inlined.
///
/// rust_decimal marks its multiplication and addition `#[inline(always)]`, so every
/// `checked_mul` of the engine carried its own copy of the 96-bit arithmetic (about 1.5 KiB of
/// WASM each, ~48 KiB in all). The engine calls these instead: in the WASM build they are never
/// inlined (one copy each); native builds inline them as before. Same results either way.
pub(crate) trait Arith: Sized {
    /// `self × other`, `None` on overflow.
    fn mul_checked(self, other: Self) -> Option<Self>;
    /// `self + other`, `None` on overflow.
    fn add_checked(self, other: Self) -> Option<Self>;
    /// `self − other`, `None` on overflow.
    fn sub_checked(self, other: Self) -> Option<Self>;
    /// `self ÷ other`, `None` on overflow or division by zero.
    fn div_checked(self, other: Self) -> Option<Self>;
}

#[expect(
    clippy::disallowed_methods,
    reason = "the one place that calls rust_decimal's inlined arithmetic"
)]
impl Arith for Decimal {
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn mul_checked(self, other: Decimal) -> Option<Decimal> {
        self.checked_mul(other)
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline)]
    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn add_checked(self, other: Decimal) -> Option<Decimal> {
        self.checked_add(other)
    }

    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn sub_checked(self, other: Decimal) -> Option<Decimal> {
        self.checked_sub(other)
    }

    #[cfg_attr(target_arch = "wasm32", inline(never))]
    fn div_checked(self, other: Decimal) -> Option<Decimal> {
        self.checked_div(other)
    }
}

/// The sum of a node's children in the compiled program (`None` on overflow): rust_decimal's sum,
/// added in order from zero, mantissa, scale and sign.
///
/// It first adds the mantissas as 128-bit integers at the largest scale seen (a zero term
/// is skipped, and a zero partial sum replaced by the next term, as rust_decimal does). rust_decimal
/// returns each sum through memory, written as four 32-bit words and read back as one 128-bit
/// value, which the processor cannot forward and waits for, at every child of every node. Whenever
/// each term and each partial sum fits 96 bits at that scale, every one of rust_decimal's additions
/// is exact too, and so the same; a zero total (whose sign follows rust_decimal's own rules:
/// `0 + -0` is `-0`, `-0 + 0` is `0`) and anything larger is left to it
/// (`a_sum_is_rust_decimals_added_in_order` checks both over signs, zeros, scales and 96-bit
/// extremes).
#[cfg(feature = "compiled")]
#[inline]
pub(crate) fn sum_checked<I: Iterator<Item = Decimal> + Clone>(values: I) -> Option<Decimal> {
    if let Some(d) = exact_total(values.clone()) {
        return Some(d);
    }
    let mut sum = Decimal::ZERO;
    for d in values {
        sum = sum.add_checked(d)?;
    }
    Some(sum)
}

/// [`sum_checked`]'s integer addition, `None` when it does not apply.
#[cfg(feature = "compiled")]
#[inline]
fn exact_total(values: impl Iterator<Item = Decimal>) -> Option<Decimal> {
    const LIMIT: u128 = 1 << 96;
    let (mut total, mut scale) = (0_i128, 0_u32);
    for d in values {
        let (mut m, s) = (d.mantissa(), d.scale());
        // rust_decimal adds a zero as nothing, and to a zero gives the other term as it is (its
        // own scale).
        if m == 0 {
            continue;
        }
        if total == 0 {
            (total, scale) = (m, s);
            continue;
        }
        if s > scale {
            total = total.checked_mul(10_i128.checked_pow(s - scale)?)?;
            scale = s;
        } else if s < scale {
            m = m.checked_mul(10_i128.checked_pow(scale - s)?)?;
        }
        if m.unsigned_abs() >= LIMIT || total.unsigned_abs() >= LIMIT {
            return None;
        }
        // Both below 2^96: no overflow.
        total = total.wrapping_add(m);
        if total.unsigned_abs() >= LIMIT {
            return None;
        }
    }
    if total == 0 {
        return None;
    }
    Decimal::try_from_i128_with_scale(total, scale).ok()
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.normalize())
    }
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DecVisitor)
    }
}

struct DecVisitor;

impl<'de> Visitor<'de> for DecVisitor {
    type Value = Dec;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal number as a string (\"0.5\", \"95%\") or a number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Dec, E> {
        parse_decimal(v).map(Dec).map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dec, E> {
        Ok(Dec(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dec, E> {
        Ok(Dec(Decimal::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Dec, E> {
        Decimal::from_i128(v)
            .map(Dec)
            .ok_or_else(|| E::custom(format!("`{v}` is outside the decimal range")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dec, E> {
        Err(E::custom(float_refused(v)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Dec, A::Error> {
        // serde_json with `arbitrary_precision` hands a number over as a one-entry map whose
        // value is the number's exact text.
        let key: Option<Cow<'de, str>> = map.next_key()?;
        match key {
            Some(k) if k == JSON_NUMBER_TOKEN => {
                let text: String = map.next_value()?;
                parse_json_number(&text).map(Dec).map_err(de::Error::custom)
            }
            _ => Err(de::Error::custom("expected a decimal number, found an object")),
        }
    }
}

trait FromI128: Sized {
    fn from_i128(v: i128) -> Option<Self>;
}

impl FromI128 for Decimal {
    fn from_i128(v: i128) -> Option<Self> {
        Decimal::try_from_i128_with_scale(v, 0).ok()
    }
}

impl schemars::JsonSchema for Dec {
    fn schema_name() -> Cow<'static, str> {
        "Decimal".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "An exact decimal: a string such as \"0.5\" or \"95%\" (a percent divides by 100), or a JSON number (read from its text, never through a binary float).",
            "anyOf": [
                { "type": "string", "pattern": "^\\s*[+-]?[0-9][0-9,]*(\\.[0-9]*)?\\s*[%％]?\\s*$" },
                { "type": "number" }
            ]
        })
    }
}

/// A declared range for messages: `[0, +∞]`.
pub(crate) fn range_display(min: Option<Decimal>, max: Option<Decimal>) -> String {
    let lo = min.map_or("-∞".to_string(), |d| d.normalize().to_string());
    let hi = max.map_or("+∞".to_string(), |d| d.normalize().to_string());
    format!("[{lo}, {hi}]")
}

#[cfg(test)]
pub(crate) mod cmp_tests {
    use super::*;

    /// The fast comparison orders every pair as rust_decimal does: signs, zeros (also -0), equal
    /// and unequal scales, 96-bit mantissas.
    #[test]
    fn the_fast_comparison_is_rust_decimals() {
        let texts = [
            "0",
            "-0",
            "0.00",
            "-0.00",
            "1",
            "1.0",
            "1.00",
            "0.99",
            "1.01",
            "-1",
            "-1.00",
            "-0.5",
            "5",
            "5.00",
            "4.995",
            "100",
            "99.9999999999",
            "79228162514264337593543950335",
            "-79228162514264337593543950335",
            "0.0000000000000000000000000001",
            "7.9228162514264337593543950335",
            "18446744073709551616",
            "18446744073709551615",
            "1844674407370955161.6",
            "0.95",
            "-0.95",
            "0.9500000000000000000000000001",
            "0.9499999999999999999999999999",
            "95",
            "12345.6789",
            "-12345.67890",
            "0.3333333333333333333333333333",
            "3.3333333333333333333333333333",
            "-3.3333333333333333333333333333",
            "7922816251426433759354395033.5",
        ];
        let values: Vec<Decimal> = texts.iter().map(|t| t.parse().unwrap()).collect();
        for &a in &values {
            for &b in &values {
                assert_eq!(cmp(a, b), a.cmp(&b), "{a} vs {b}");
                assert_eq!(gt(a, b), a > b, "{a} > {b}");
                let (m, r) = (min(a, b), a.min(b));
                assert_eq!(
                    (m, m.scale(), m.is_sign_negative()),
                    (r, r.scale(), r.is_sign_negative()),
                    "min {a} {b}"
                );
            }
            let z = at_least_zero(a);
            let r = a.max(Decimal::ZERO);
            assert_eq!(
                (z, z.scale(), z.is_sign_negative()),
                (r, r.scale(), r.is_sign_negative()),
                "max0 {a}"
            );
        }
    }

    /// A fixed-seed stream of pseudo-random numbers.
    pub(crate) fn numbers(seed: u64) -> impl FnMut() -> u64 {
        let mut state = seed;
        move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            state >> 16
        }
    }

    /// A decimal of any scale and either sign, its mantissa of any width up to 96 bits (zero
    /// among them, and -0).
    pub(crate) fn generated_decimal(next: &mut dyn FnMut() -> u64) -> Decimal {
        let bits = next() % 97;
        let raw = (u128::from(next()) << 64 | u128::from(next()) << 16 | u128::from(next())) & ((1u128 << 96) - 1);
        let m = if bits == 0 { 0 } else { raw >> (96 - bits) };
        let d = Decimal::from_i128_with_scale(i128::try_from(m).unwrap(), (next() % 29) as u32);
        if next().is_multiple_of(2) { -d } else { d }
    }

    /// Half away from zero through `rescale` is rust_decimal's `round_dp_with_strategy`: value,
    /// scale and sign (of zero too) alike, over 200 000 generated decimals rounded to every number
    /// of places, and values on the midpoint.
    #[test]
    #[expect(clippy::disallowed_methods, reason = "the definition it is checked against")]
    fn rounding_half_up_is_rust_decimals() {
        let mut next = numbers(0x2026_1209);
        let strategy = rust_decimal::RoundingStrategy::MidpointAwayFromZero;
        let check = |d: Decimal, places: u32| {
            let (want, have) = (d.round_dp_with_strategy(places, strategy), round_half_up(d, places));
            assert_eq!(
                have.serialize(),
                want.serialize(),
                "{d} to {places} places: {have} vs {want}"
            );
        };
        for text in [
            "2.5", "-2.5", "0.125", "-0.125", "0.0049", "-0.0049", "-0.000", "0.000", "9.995", "-9.995",
        ] {
            let d: Decimal = text.parse().unwrap();
            for places in 0..=4 {
                check(d, places);
            }
        }
        for _ in 0..200_000 {
            let d = generated_decimal(&mut next);
            let places = (next() % 29) as u32;
            check(d, places);
        }
    }

    /// The same over 200 000 generated pairs: every scale, both signs, mantissas of every width
    /// up to 96 bits.
    #[test]
    fn the_fast_comparison_is_rust_decimals_on_generated_pairs() {
        let mut next = numbers(0x2026_1207);
        let decimal = |next: &mut dyn FnMut() -> u64| generated_decimal(next);
        for _ in 0..200_000 {
            let (a, b) = (decimal(&mut next), decimal(&mut next));
            assert_eq!(cmp(a, b), a.cmp(&b), "{a} vs {b}");
            // Equal values at other scales: the usual case of a score against its points.
            let mut c = a;
            c.rescale((a.scale() + (next() % 4) as u32).min(28));
            if c == a {
                assert_eq!(cmp(a, c), std::cmp::Ordering::Equal, "{a} vs {c}");
                assert_eq!(cmp(c, a), std::cmp::Ordering::Equal, "{c} vs {a}");
            }
        }
    }
}

#[cfg(all(test, feature = "compiled"))]
mod sum_tests {
    use super::*;
    use proptest::prelude::*;

    /// rust_decimal's sum in order from zero: the reference.
    #[expect(clippy::disallowed_methods, reason = "the reference: rust_decimal's own addition")]
    fn in_order(values: &[Decimal]) -> Option<Decimal> {
        values.iter().try_fold(Decimal::ZERO, |sum, d| sum.checked_add(*d))
    }

    /// The same parts: mantissa, scale and sign (`==` would call 1.0 and 1.00, or 0 and -0, equal).
    fn parts(d: Option<Decimal>) -> Option<(i128, u32, bool)> {
        d.map(|d| (d.mantissa(), d.scale(), d.is_sign_negative()))
    }

    /// A decimal from its parts: zero and -0, mantissas near zero, near 2^64 and near 2^96, either
    /// sign; scales mostly those of scores (0 to 4), and any up to 28.
    fn decimal() -> impl Strategy<Value = Decimal> {
        let max = (1_i128 << 96) - 1;
        let mantissa = prop_oneof![
            Just(0_i128),
            -1_000_i128..=1_000,
            -100_000_000_i128..=100_000_000,
            any::<i64>().prop_map(i128::from),
            (max - 1000..=max),
            (-max..=-max + 1000),
            (-max..=max),
        ];
        let scale = prop_oneof![0_u32..=4, 0_u32..=28];
        (mantissa, scale, any::<bool>()).prop_map(|(m, scale, negative)| {
            let mut d = Decimal::from_i128_with_scale(m, scale);
            if m == 0 && negative {
                d.set_sign_negative(true);
            }
            d
        })
    }

    #[test]
    fn a_sum_is_rust_decimals_added_in_order_at_the_edges() {
        let mut zeros = Vec::new();
        for zero in [Decimal::ZERO, Decimal::new(0, 2)] {
            let mut negative = zero;
            negative.set_sign_negative(true);
            zeros.extend([zero, negative]);
        }
        let d = |t: &str| t.parse::<Decimal>().unwrap();
        let max = Decimal::MAX;
        let cases: Vec<Vec<Decimal>> = vec![
            vec![],
            vec![d("5"), d("4.50"), d("0.5")],
            vec![d("1.00"), d("-1.00")],
            vec![zeros[0], zeros[1]],
            vec![zeros[1], zeros[0]],
            vec![zeros[1], zeros[3]],
            vec![zeros[3], d("-0.01"), d("0.01")],
            vec![max, d("1")],
            vec![max, d("-1"), d("0.5")],
            vec![d("7922816251426433759354395033.5"), d("0.01")],
            vec![d("0.0000000000000000000000000001"), d("1")],
            vec![d("12.34"), d("0.0000000000000000000000000001")],
        ];
        for values in cases {
            assert_eq!(
                parts(sum_checked(values.iter().copied())),
                parts(in_order(&values)),
                "{values:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]

        #[test]
        fn a_sum_is_rust_decimals_added_in_order(values in proptest::collection::vec(decimal(), 0..8)) {
            prop_assert_eq!(parts(sum_checked(values.iter().copied())), parts(in_order(&values)), "{:?}", values);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_plain_and_percent() {
        assert_eq!(parse_decimal("82.39").unwrap().to_string(), "82.39");
        assert_eq!(parse_decimal("95%").unwrap().to_string(), "0.95");
        assert_eq!(parse_decimal(" 0.5 ％ ").unwrap().to_string(), "0.005");
        assert_eq!(parse_decimal("-3,867.5").unwrap().to_string(), "-3867.5");
        assert_eq!(parse_decimal("+7").unwrap().to_string(), "7");
    }

    /// Full-width digits, point, comma, signs and percent read as their half-width forms.
    #[test]
    fn full_width_is_read_as_half_width() {
        assert_eq!(parse_decimal("９５").unwrap().to_string(), "95");
        assert_eq!(parse_decimal("１２３４．５").unwrap().to_string(), "1234.5");
        assert_eq!(parse_decimal("１，２３４．５").unwrap().to_string(), "1234.5");
        assert_eq!(parse_decimal("９５．５％").unwrap().to_string(), "0.955");
        assert_eq!(parse_decimal("\u{3000}－３\u{3000}").unwrap().to_string(), "-3");
        // The same rules after: a full-width comma is a thousands separator or an error.
        assert!(
            parse_decimal("４５３，５")
                .unwrap_err()
                .to_string()
                .contains("not a thousands separator")
        );
    }

    /// A comma is a thousands separator or an error: `453,5` (a decimal comma) was read as 4535.
    #[test]
    fn commas_only_between_groups_of_three() {
        for ok in ["3,867", "1,234,567.5", "12,345", "-999,999", "1,000%"] {
            assert!(parse_decimal(ok).is_ok(), "{ok}");
        }
        assert_eq!(parse_decimal("1,234,567.5").unwrap().to_string(), "1234567.5");
        for bad in ["453,5", "4,5,3", "1,23,4", "1234,567", "12,34", "0,5%", "1,2345"] {
            let e = parse_decimal(bad).unwrap_err();
            assert_eq!(e.code(), "misplaced_comma", "{bad}: {e}");
            assert!(e.to_string().contains("not a thousands separator"), "{bad}: {e}");
        }
        let e = parse_decimal("453,5").unwrap_err();
        assert!(
            e.to_string().ends_with("for a decimal write a point, as in 453.5"),
            "{e}"
        );
        assert_eq!(
            e.message(crate::Lang::Zh),
            "“453,5”中的逗号不是千位分隔符（千位分隔须每三位一组，如 3,867）；如为小数，请用小数点，写作 453.5"
        );
    }

    #[test]
    fn rejects_non_decimals() {
        for bad in [
            "",
            "abc",
            "1e5",
            "NaN",
            "inf",
            "1.2.3",
            ",5",
            "5,",
            "--1",
            "%",
            "1,,2",
            "99999999999999999999999999999999",
        ] {
            assert!(parse_decimal(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn serde_json_fractions_are_refused_integers_and_strings_exact() {
        // Straight from serde_json (no `arbitrary_precision`), a fraction is a binary float:
        // refused with the string to write instead; integers and strings are exact. (Numbers read
        // digit for digit through the format's tree are tested in `format::de`.)
        let e = serde_json::from_str::<Dec>("0.1").unwrap_err().to_string();
        assert!(e.contains("write the decimal as a string, e.g. \"0.1\""), "{e}");
        assert_eq!(serde_json::from_str::<Dec>("76").unwrap().0, Decimal::from(76));
        assert_eq!(serde_json::from_str::<Dec>("\"0.1\"").unwrap().0.to_string(), "0.1");
    }

    #[test]
    fn toml_float_is_refused() {
        #[derive(Deserialize)]
        struct T {
            #[expect(dead_code, reason = "only the error matters")]
            x: Dec,
        }
        let err = toml::from_str::<T>("x = 0.5").err().unwrap().to_string();
        assert!(err.contains("as a string"), "{err}");
        let ok: Result<T, _> = toml::from_str("x = \"0.5\"");
        assert!(ok.is_ok());
    }
}
