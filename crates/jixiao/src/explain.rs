//! Explanations rendered from the structured results, in Chinese (default) or English.
//!
//! Chinese text follows the usual spacing: a space between a figure and Chinese text
//! (`82.39% 共`, `76 人`), none between Chinese words.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::dec::Arith;
use crate::eval::{CheckResult, CoreCapResult, Evaluation, IndicatorResult, Measured, Outcome, Status};
use crate::format::{Better, ChecklistMode, Counting, Direction, NaOutcome};

/// The language of explanations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 中文 (default).
    #[default]
    Zh,
    /// English.
    En,
}

impl std::str::FromStr for Lang {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zh" | "zh-cn" | "cn" | "中文" => Ok(Lang::Zh),
            "en" | "en-us" | "en-gb" | "english" => Ok(Lang::En),
            other => Err(format!("unknown language `{other}` (expected zh or en)")),
        }
    }
}

/// A decimal exactly, without trailing zeros.
pub fn num(d: Decimal) -> String {
    text(d.normalize())
}

/// A decimal's text as `Display` writes it (sign, digits, point at its scale), without going
/// through `fmt::Formatter`: explanations print dozens of figures per unit, and the formatter's
/// padding machinery was a quarter of their cost.
fn text(d: Decimal) -> String {
    let scale = d.scale() as usize;
    let mantissa = d.mantissa();
    // Digits, least significant first; a decimal's mantissa has at most 29 of them.
    let mut digits = [b'0'; 40];
    let mut len = 0;
    let mut n = mantissa.unsigned_abs();
    // 128-bit division is slow: the low digits in 128 bits only until the rest fits in 64.
    while n > u128::from(u64::MAX) {
        if let Some(slot) = digits.get_mut(len) {
            *slot = b'0' + u8::try_from(n % 10).unwrap_or(0);
        }
        len += 1;
        n /= 10;
    }
    let mut n = u64::try_from(n).unwrap_or(0);
    while n > 0 || len == 0 {
        if let Some(slot) = digits.get_mut(len) {
            // `n % 10` is below 10.
            *slot = b'0' + u8::try_from(n % 10).unwrap_or(0);
        }
        len += 1;
        n /= 10;
    }
    // At least one digit before the point.
    let len = len.max(scale + 1).min(digits.len());
    let mut out = String::with_capacity(len + 2);
    if d.is_sign_negative() {
        out.push('-');
    }
    for i in (0..len).rev() {
        out.push(char::from(digits.get(i).copied().unwrap_or(b'0')));
        if i == scale && i > 0 {
            out.push('.');
        }
    }
    out
}

/// A stated score as the system states it: with its scale (5.00 when scores are stated to 0.01),
/// so that a column of stated figures shows them alike and adds up as printed.
pub fn stated(d: Decimal) -> String {
    text(d)
}

/// A figure as tables and explanations print it: exact with up to four decimals, else rounded to
/// two (the exact value stays in the structured result).
pub fn figure(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() <= 4 {
        text(n)
    } else {
        num(n.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
    }
}

/// A figure before rounding: exact with up to six decimals, else rounded to six.
pub(crate) fn detail(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() <= 6 {
        text(n)
    } else {
        num(n.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero))
    }
}

fn two(d: Decimal) -> String {
    places(d, 2)
}

fn places(d: Decimal, dp: u32) -> String {
    num(d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero))
}

/// A measured value: percentages as `82.39%`, other values to two places at most.
fn shown(value: Decimal, percent: bool) -> String {
    shown_dp(value, percent, 2)
}

fn shown_dp(value: Decimal, percent: bool, dp: u32) -> String {
    if percent {
        match value.mul_checked(Decimal::ONE_HUNDRED) {
            Some(p) => format!("{}%", places(p, dp)),
            // A ratio too large to be written as a percentage: the ratio, said to be one.
            None => format!("{}×100%", places(value, dp)),
        }
    } else {
        places(value, dp)
    }
}

/// The value as displayed with `dp` places (percentages: `dp` places of the percentage).
fn displayed(value: Decimal, percent: bool, dp: u32) -> Decimal {
    let dp = if percent { dp + 2 } else { dp };
    value.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// The fewest places (2, 4, 6 ...) at which the displayed figure still tells the truth, e.g.
/// 90.0003% rather than 90% when 90% itself would fall in another step or tier, and
/// 89.99999999999999% when it takes fourteen. At 28 places every decimal is shown exactly, which
/// agrees with the outcome computed from it; no cut-off short of that may print a figure that
/// contradicts the tier or step reported beside it.
fn honest_places(consistent: impl Fn(u32) -> bool) -> u32 {
    (1..14).map(|k| 2 * k).find(|dp| consistent(*dp)).unwrap_or(28)
}

/// A figure with its unit: `82.39%`, `76 人`, `681 万元`.
fn with_unit(text: String, m: &Measured) -> String {
    match (&m.unit, m.percent) {
        (Some(u), false) if !u.trim().is_empty() => format!("{text} {u}"),
        _ => text,
    }
}

fn value_text(m: &Measured) -> String {
    value_text_dp(m, 2)
}

fn value_text_dp(m: &Measured, dp: u32) -> String {
    with_unit(shown_dp(m.value, m.percent, dp), m)
}

/// A space before Chinese text when the previous text ends in a figure or Latin letter.
fn sp(before: &str) -> &'static str {
    if before
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '%')
    {
        " "
    } else {
        ""
    }
}

fn label(m: &Measured, lang: Lang) -> &str {
    match (lang, &m.label_en) {
        (Lang::En, Some(en)) => en,
        _ => &m.label,
    }
}

fn amount_text(d: Decimal, m: &Measured, lang: Lang, dp: u32) -> String {
    if m.percent {
        let pp = places(d.mul_checked(Decimal::ONE_HUNDRED).unwrap_or(d), dp);
        match lang {
            Lang::Zh => format!("{pp} 个百分点"),
            Lang::En => format!("{pp} percentage points"),
        }
    } else {
        with_unit(places(d, dp), m)
    }
}

fn bound_text(lower: Option<(Decimal, bool)>, upper: Option<(Decimal, bool)>, percent: bool, lang: Lang) -> String {
    let s = |d: Decimal| shown(d, percent);
    if let (Some((l, true)), Some((u, true))) = (lower, upper)
        && l == u
    {
        return match lang {
            Lang::Zh => format!("等于 {}", s(l)),
            Lang::En => format!("equal to {}", s(l)),
        };
    }
    let mut parts = Vec::new();
    if let Some((l, incl)) = lower {
        parts.push(match (lang, incl) {
            (Lang::Zh, true) => format!("不低于 {}", s(l)),
            (Lang::Zh, false) => format!("大于 {}", s(l)),
            (Lang::En, true) => format!("at least {}", s(l)),
            (Lang::En, false) => format!("above {}", s(l)),
        });
    }
    if let Some((u, incl)) = upper {
        parts.push(match (lang, incl) {
            (Lang::Zh, true) => format!("不超过 {}", s(u)),
            (Lang::Zh, false) => format!("低于 {}", s(u)),
            (Lang::En, true) => format!("at most {}", s(u)),
            (Lang::En, false) => format!("below {}", s(u)),
        });
    }
    parts.join(if lang == Lang::Zh { " 且" } else { " and " })
}

/// A condition as people write it: `≤` rather than `<=`.
fn pretty_condition(text: &str) -> String {
    text.replace("<=", "≤")
        .replace(">=", "≥")
        .replace("!=", "≠")
        .replace("==", "=")
        .replace('*', "×")
}

/// "得 2 分（满分 5 分）", with a note when the score was rounded.
fn score_tail(r: &IndicatorResult, lang: Lang) -> String {
    // Pieces pushed, not formatted: every line of every explanation ends with this.
    let rounded = r.score != r.exact_score;
    let mut s = String::with_capacity(64);
    match lang {
        Lang::Zh => {
            s.push_str("得 ");
            s.push_str(&figure(r.score));
            s.push_str(" 分（满分 ");
            s.push_str(&figure(r.points));
            if rounded {
                s.push_str(" 分；计算值 ");
                s.push_str(&detail(r.exact_score));
                s.push_str("，按规定舍入）");
            } else {
                s.push_str(" 分）");
            }
        }
        Lang::En => {
            s.push_str("scores ");
            s.push_str(&figure(r.score));
            s.push_str(" of ");
            s.push_str(&figure(r.points));
            if rounded {
                s.push_str(" (");
                s.push_str(&detail(r.exact_score));
                s.push_str(" before rounding)");
            }
        }
    }
    s
}

fn cap_note(capped: bool, deduction: Decimal, points: Decimal, lang: Lang) -> String {
    match (capped, deduction >= points, lang) {
        (false, _, _) => String::new(),
        (true, true, Lang::Zh) => "（扣完为止）".into(),
        (true, false, Lang::Zh) => format!("（最多扣 {} 分）", figure(deduction)),
        (true, true, Lang::En) => " (down to zero)".into(),
        (true, false, Lang::En) => format!(" (at most {} may be deducted)", figure(deduction)),
    }
}

fn points_word(d: Decimal) -> &'static str {
    if d == Decimal::ONE { "point" } else { "points" }
}

impl IndicatorResult {
    /// One sentence saying how the score came about.
    pub fn explain(&self, lang: Lang) -> String {
        if let Status::NotApplicable {
            outcome,
            reason,
            inherited,
        } = &self.status
        {
            return explain_not_applicable(self, *outcome, reason.as_deref(), *inherited, lang);
        }
        explain_outcome(&self.outcome, self, lang)
    }
}

fn explain_not_applicable(
    r: &IndicatorResult,
    outcome: NaOutcome,
    reason: Option<&str>,
    inherited: bool,
    lang: Lang,
) -> String {
    let tail = score_tail(r, lang);
    match lang {
        Lang::Zh => {
            let head = if inherited {
                "上级指标不适用，随之".to_string()
            } else {
                match reason {
                    Some(why) => format!("不适用（{why}），"),
                    None => "不适用，".to_string(),
                }
            };
            match outcome {
                NaOutcome::Excluded if inherited => format!("{head}不参与评分"),
                NaOutcome::Excluded => format!("{head}不参与评分（{} 分不计入总分）", figure(r.points)),
                NaOutcome::FullPoints if inherited => format!("{head}按满分计算，{tail}"),
                NaOutcome::FullPoints | NaOutcome::Zero => format!("{head}{tail}"),
            }
        }
        Lang::En => {
            let head = if inherited {
                "parent not applicable".to_string()
            } else {
                match reason {
                    Some(why) => format!("not applicable ({why})"),
                    None => "not applicable".to_string(),
                }
            };
            match outcome {
                NaOutcome::Excluded if inherited => format!("{head}: excluded as well"),
                NaOutcome::Excluded => format!("{head}: excluded ({} points left out of the total)", figure(r.points)),
                NaOutcome::FullPoints | NaOutcome::Zero => format!("{head}: {tail}"),
            }
        }
    }
}

pub(crate) fn counting_text(c: Counting, lang: Lang) -> &'static str {
    match (lang, c) {
        (Lang::Zh, Counting::Whole) => "整档计",
        (Lang::Zh, Counting::Started) => "不足一档按一档计",
        (Lang::Zh, Counting::Proportional) => "按比例计",
        (Lang::En, Counting::Whole) => "whole steps only",
        (Lang::En, Counting::Started) => "every started step counts",
        (Lang::En, Counting::Proportional) => "proportionally",
    }
}

fn band_text(min: Decimal, max: Decimal, min_inclusive: bool, max_inclusive: bool, lang: Lang) -> String {
    if min == max {
        return shown(min, true);
    }
    let (lo, hi) = (shown(min, true), shown(max, true));
    match (min_inclusive && max_inclusive, lang) {
        (true, _) => format!("{lo}–{hi}"),
        (false, Lang::Zh) => format!(
            "{lo}（{}）–{hi}（{}）",
            if min_inclusive { "含" } else { "不含" },
            if max_inclusive { "含" } else { "不含" }
        ),
        (false, Lang::En) => format!(
            "{lo} ({}) – {hi} ({})",
            if min_inclusive { "inclusive" } else { "exclusive" },
            if max_inclusive { "inclusive" } else { "exclusive" }
        ),
    }
}

fn explain_outcome(outcome: &Outcome, r: &IndicatorResult, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    if let Outcome::Group = outcome {
        // Pieces pushed, not formatted (a third of the lines are subtotals).
        let mut s = String::with_capacity(40);
        s.push_str(if zh { "小计 " } else { "subtotal " });
        s.push_str(&figure(r.score));
        s.push_str(if zh { " 分（满分 " } else { " of " });
        s.push_str(&figure(r.points));
        if zh {
            s.push_str(" 分）");
        }
        return s;
    }
    let tail = score_tail(r, lang);
    match outcome {
        Outcome::Group => String::new(),
        Outcome::NotApplicable => (if zh { "不适用" } else { "not applicable" }).to_string(),
        Outcome::Step {
            measured,
            direction,
            threshold,
            step,
            deduct,
            counting,
            gap,
            steps,
            deduction,
            capped,
        } => {
            let name = label(measured, lang);
            // Show as many places as it takes for the figures to agree with the steps counted.
            let dp = honest_places(|dp| {
                let g = displayed(*gap, measured.percent, dp);
                let v = displayed(measured.value, measured.percent, dp);
                // Only the penalised side has a gap (the other side's difference may not even
                // exist: a value far below an upper threshold can be more than the range away).
                let shown_gap = match direction {
                    Direction::Below if v < *threshold => threshold.sub_checked(v),
                    Direction::Above if v > *threshold => v.sub_checked(*threshold),
                    _ => Some(Decimal::ZERO),
                };
                let Some(shown_gap) = shown_gap else {
                    return false;
                };
                let counted = |x: Decimal| match counting {
                    Counting::Whole => x.div_checked(*step).map(|q| q.floor()),
                    Counting::Started => x.div_checked(*step).map(|q| q.ceil()),
                    Counting::Proportional => Some(*steps),
                };
                counted(g) == Some(*steps)
                    && counted(shown_gap) == Some(*steps)
                    && (gap.is_zero() == shown_gap.is_zero())
            });
            let value = value_text_dp(measured, dp);
            let thr = with_unit(shown(*threshold, measured.percent), measured);
            let step_text = with_unit(shown(*step, measured.percent), measured);
            let cap = cap_note(*capped, *deduction, r.points, lang);
            let below = *direction == Direction::Below;
            if zh {
                let side = if below { "低于" } else { "超过" };
                if gap.is_zero() {
                    format!("{name} {value}，未{side} {thr}，不扣分，{tail}")
                } else {
                    format!(
                        "{name} {value}，{side} {thr}{}共 {}；按每{side} {step_text}{}扣 {} 分（{}）扣 {} 分{cap}，{tail}",
                        sp(&thr),
                        amount_text(*gap, measured, lang, dp),
                        sp(&step_text),
                        figure(*deduct),
                        counting_text(*counting, lang),
                        figure(*deduction),
                    )
                }
            } else {
                let side = if below { "below" } else { "above" };
                if gap.is_zero() {
                    format!("{name} {value} is not {side} {thr}: nothing deducted; {tail}")
                } else {
                    let per = if measured.percent {
                        let pp = step.mul_checked(Decimal::ONE_HUNDRED).unwrap_or(*step);
                        if pp == Decimal::ONE {
                            "percentage point".to_string()
                        } else {
                            format!("{} percentage points", two(pp))
                        }
                    } else {
                        step_text
                    };
                    format!(
                        "{name} {value} is {} {side} {thr}; at {} {} per {per} {side}, {} ({} steps), {} {} deducted{cap}; {tail}",
                        amount_text(*gap, measured, lang, dp),
                        figure(*deduct),
                        points_word(*deduct),
                        counting_text(*counting, lang),
                        figure(*steps),
                        figure(*deduction),
                        if *deduction == Decimal::ONE {
                            "point is"
                        } else {
                            "points are"
                        },
                    )
                }
            }
        }
        Outcome::Tier {
            measured, lower, upper, ..
        } => {
            let bounds = bound_text(*lower, *upper, measured.percent, lang);
            // Show as many places as it takes for the figure to lie in its tier (30.0001% in "大于 30%").
            let dp = honest_places(|dp| {
                let v = displayed(measured.value, measured.percent, dp);
                lower.is_none_or(|(l, incl)| v > l || incl && v == l)
                    && upper.is_none_or(|(u, incl)| v < u || incl && v == u)
            });
            let value = value_text_dp(measured, dp);
            if zh {
                format!("{} {value}，属于「{bounds}」档，{tail}", label(measured, lang))
            } else {
                format!(
                    "{} {value} falls in the tier \"{bounds}\"; {tail}",
                    label(measured, lang)
                )
            }
        }
        Outcome::TierOtherwise { measured } => {
            if zh {
                format!(
                    "{} {}，不在所列各档内，按其他情况{tail}",
                    label(measured, lang),
                    value_text(measured)
                )
            } else {
                format!(
                    "{} {} is in none of the listed tiers; the table's other case applies: {tail}",
                    label(measured, lang),
                    value_text(measured)
                )
            }
        }
        Outcome::Ratio {
            actual,
            target,
            better,
            share,
        } => {
            let (a, t) = (value_text(actual), value_text(target));
            let reached = *share >= Decimal::ONE;
            match (lang, better) {
                (Lang::Zh, Better::HigherIsBetter) if reached => {
                    format!("{} {a}，目标 {t}（正向指标，达到目标），{tail}", label(actual, lang))
                }
                (Lang::Zh, Better::HigherIsBetter) => {
                    format!(
                        "{} {a}，目标 {t}（正向指标，实际/目标 = {}），{tail}",
                        label(actual, lang),
                        shown(*share, true)
                    )
                }
                (Lang::Zh, Better::LowerIsBetter) if reached => {
                    format!("{} {a}，目标 {t}（反向指标，未超过目标），{tail}", label(actual, lang))
                }
                (Lang::Zh, Better::LowerIsBetter) => {
                    format!(
                        "{} {a}，目标 {t}（反向指标，目标/实际 = {}），{tail}",
                        label(actual, lang),
                        shown(*share, true)
                    )
                }
                (Lang::En, b) => format!(
                    "{} {a} against the target {t} ({}): {} of the points; {tail}",
                    label(actual, lang),
                    if *b == Better::HigherIsBetter {
                        "higher is better"
                    } else {
                        "lower is better"
                    },
                    shown(*share, true)
                ),
            }
        }
        Outcome::Rate { measured, used } => {
            let clamp = if *used != measured.value {
                if zh {
                    format!("（按 {} 计）", shown(*used, true))
                } else {
                    format!(" (counted as {})", shown(*used, true))
                }
            } else {
                String::new()
            };
            let v = shown(measured.value, true);
            if zh {
                format!(
                    "{} {v}{clamp}，得分 = {} × {}，{tail}",
                    label(measured, lang),
                    figure(r.points),
                    shown(*used, true)
                )
            } else {
                format!(
                    "{} {v}{clamp}: score = {} × {}; {tail}",
                    label(measured, lang),
                    figure(r.points),
                    shown(*used, true)
                )
            }
        }
        Outcome::Level {
            level,
            share,
            given,
            band_min,
            band_max,
            band_min_inclusive,
            band_max_inclusive,
        } => {
            let single = band_min == band_max;
            let band = band_text(*band_min, *band_max, *band_min_inclusive, *band_max_inclusive, lang);
            match (lang, single, given) {
                (Lang::Zh, true, _) => format!("评价为「{level}」（计分值的 {band}），{tail}"),
                (Lang::Zh, false, true) => {
                    format!(
                        "评价为「{level}」（分值的 {band}），评价人在档内给分（占分值的 {}），{tail}",
                        shown(*share, true)
                    )
                }
                (Lang::Zh, false, false) => {
                    format!(
                        "评价为「{level}」（分值的 {band}），未给分，按该档默认 {} 计，{tail}",
                        shown(*share, true)
                    )
                }
                (Lang::En, true, _) => format!("judged \"{level}\" ({band} of the points); {tail}"),
                (Lang::En, false, true) => format!(
                    "judged \"{level}\" ({band} of the points), scored by the evaluator at {} of the points; {tail}",
                    shown(*share, true)
                ),
                (Lang::En, false, false) => format!(
                    "judged \"{level}\" ({band} of the points), no score given: the band's default {} applies; {tail}",
                    shown(*share, true)
                ),
            }
        }
        Outcome::Checklist {
            mode,
            satisfied,
            missing,
        } => {
            let join =
                |v: &[std::sync::Arc<str>], sep: &str| v.iter().map(|s| s.to_string()).collect::<Vec<_>>().join(sep);
            let total = satisfied.len() + missing.len();
            let lost = r.points - r.score;
            if zh {
                let mut s = if missing.is_empty() {
                    format!("{total} 项均满足（{}）", join(satisfied, "、"))
                } else if satisfied.is_empty() {
                    format!("{total} 项均未满足（{}）", join(missing, "、"))
                } else {
                    format!(
                        "满足 {} 项（{}），缺少 {} 项（{}）",
                        satisfied.len(),
                        join(satisfied, "、"),
                        missing.len(),
                        join(missing, "、")
                    )
                };
                if *mode == ChecklistMode::Deduct && lost > Decimal::ZERO {
                    let _ = write!(s, "，扣 {} 分", figure(lost));
                }
                format!("{s}，{tail}")
            } else {
                let mut s = format!("{} of {total} items satisfied", satisfied.len());
                if !missing.is_empty() {
                    let _ = write!(s, "; missing: {}", join(missing, ", "));
                }
                if *mode == ChecklistMode::Deduct && lost > Decimal::ZERO {
                    let _ = write!(s, "; {} {} deducted", figure(lost), points_word(lost));
                }
                format!("{s}; {tail}")
            }
        }
        Outcome::PerOccurrence {
            measured,
            deduct,
            deduction,
            capped,
        } => {
            let unit = measured
                .unit
                .as_deref()
                .filter(|u| !u.trim().is_empty() && !measured.percent);
            let cap = cap_note(*capped, *deduction, r.points, lang);
            let n = two(measured.value);
            if zh {
                let unit = unit.unwrap_or("次");
                if measured.value <= Decimal::ZERO {
                    format!("{} 0 {unit}，不扣分，{tail}", label(measured, lang))
                } else {
                    format!(
                        "{} {n} {unit}，每{unit}扣 {} 分，扣 {} 分{cap}，{tail}",
                        label(measured, lang),
                        figure(*deduct),
                        figure(*deduction)
                    )
                }
            } else if measured.value <= Decimal::ZERO {
                format!("{}: none, nothing deducted; {tail}", label(measured, lang))
            } else {
                format!(
                    "{}: {n} at {} {} each, {} deducted{cap}; {tail}",
                    label(measured, lang),
                    figure(*deduct),
                    points_word(*deduct),
                    figure(*deduction)
                )
            }
        }
        Outcome::Manual { input } => {
            if zh {
                format!("评价人评分（{input}），{tail}")
            } else {
                format!("scored by the evaluator ({input}); {tail}")
            }
        }
        Outcome::Case { label, condition, .. } => {
            let what = label
                .as_deref()
                .map_or_else(|| pretty_condition(condition), str::to_string);
            if zh {
                format!("符合「{what}」，{tail}")
            } else {
                format!("case \"{what}\" applies; {tail}")
            }
        }
        Outcome::CaseOtherwise => {
            if zh {
                format!("不符合所列情形，{tail}")
            } else {
                format!("none of the listed cases applies; {tail}")
            }
        }
        Outcome::Formula { expr, value, clamped } => {
            let e = pretty_condition(expr);
            let note = match (clamped, *value > r.points, lang) {
                (false, _, _) => String::new(),
                (true, true, Lang::Zh) => format!("，高于满分，按 {} 分计", figure(r.points)),
                (true, false, Lang::Zh) => "，低于 0，按 0 分计".to_string(),
                (true, true, Lang::En) => format!(", capped at the {} points", figure(r.points)),
                (true, false, Lang::En) => ", raised to 0".to_string(),
            };
            if zh {
                format!("按公式「{e}」计算为 {}{note}，{tail}", figure(*value))
            } else {
                format!("the formula \"{e}\" gives {}{note}; {tail}", figure(*value))
            }
        }
        Outcome::Chosen { option, inner, .. } => {
            let inner = explain_outcome(inner, r, lang);
            if zh {
                format!("按「{option}」计分：{inner}")
            } else {
                format!("scored as \"{option}\": {inner}")
            }
        }
    }
}

/// A check's line: 勾稽关系 K1“收入 = …”：相符 / 不符 / 未核对.
fn check_line(k: &CheckResult, lang: Lang) -> String {
    let name = match (lang, &k.name_en) {
        (Lang::En, Some(en)) => en,
        _ => &k.name,
    };
    let (id, expr) = (&k.id, &k.expr);
    let sides = k.sides.map(|s| {
        let (l, r, gap) = (figure(s.left), figure(s.right), figure((s.left - s.right).abs()));
        match (lang, s.tolerance) {
            (Lang::Zh, None) => format!("：左边为{l}，右边为{r}，相差{gap}"),
            (Lang::Zh, Some(t)) => format!("：{l}与{r}相差{gap}，超过允许误差{}", figure(t)),
            (Lang::En, None) => format!(": the left side is {l}, the right side {r}, {gap} apart"),
            (Lang::En, Some(t)) => format!(": {l} and {r} are {gap} apart, beyond the tolerance {}", figure(t)),
        }
    });
    let sides = sides.unwrap_or_default();
    match (lang == Lang::Zh, k.passed) {
        (true, Some(true)) => format!("勾稽关系 {id}「{name}」：相符"),
        (true, Some(false)) => format!("勾稽关系 {id}「{name}」：不符（{expr} 不成立{sides}），请核对基础数据（警告）"),
        (true, None) => format!("勾稽关系 {id}「{name}」：缺少所需基础数据，未核对"),
        (false, Some(true)) => format!("check {id} \"{name}\": holds"),
        (false, Some(false)) => {
            format!("check {id} \"{name}\": does not hold ({expr} is false{sides}); check the figures (warning)")
        }
        (false, None) => format!("check {id} \"{name}\": skipped, an input it needs was not given"),
    }
}

/// A core indicator's cap: 核心指标 2.1.1 未达标（…），评价等次不高于“良”.
fn core_cap_line(k: &CoreCapResult, lang: Lang) -> String {
    let g = match (lang, &k.grade_en) {
        (Lang::En, Some(en)) => en,
        _ => &k.grade,
    };
    let share = figure(k.min_share * Decimal::ONE_HUNDRED);
    let (id, score, points) = (&k.id, figure(k.score), figure(k.points));
    if lang == Lang::Zh {
        format!("核心指标 {id} 未达标（得{score}分，低于分值{points}分的{share}%），评价等次不高于“{g}”")
    } else {
        format!("core indicator {id} not met ({score} of {points} points, below {share}%): grade at most \"{g}\"")
    }
}

impl Evaluation {
    /// What a reader must not miss beside the scores: checks that failed or were skipped, and
    /// core indicators that capped the grade, one line each.
    pub fn notices(&self, lang: Lang) -> Vec<String> {
        let checks = self
            .checks
            .iter()
            .filter(|k| k.passed != Some(true))
            .map(|k| check_line(k, lang));
        checks
            .chain(self.core_caps.iter().map(|k| core_cap_line(k, lang)))
            .collect()
    }

    /// The whole evaluation as text: one line per indicator, then the consistency checks,
    /// exclusions, bonus, vetoes, core indicators capping the grade, the total and the grade.
    pub fn explain(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut out = String::new();
        for r in self.indicators.iter().chain(self.bonus.iter()) {
            let name = match (lang, &r.name_en) {
                (Lang::En, Some(en)) => en,
                _ => &r.name,
            };
            // Pieces pushed, not formatted: this loop writes every line of every explanation.
            for _ in 0..r.depth {
                out.push_str("  ");
            }
            out.push_str(&r.id);
            out.push(' ');
            out.push_str(name);
            out.push_str(if zh { "：" } else { ": " });
            out.push_str(&r.explain(lang));
            out.push('\n');
        }
        // After the indicator lines (reports print those beside their rows and the rest below).
        for k in &self.checks {
            out.push_str(&check_line(k, lang));
            out.push('\n');
        }
        let left = self.full_points - self.excluded_points;
        if let Some(t) = self.rescaled_total {
            let _ = if zh {
                writeln!(
                    out,
                    "不适用指标共 {} 分不计入，得分 {} 按 {}/{} 折算为 {}",
                    figure(self.excluded_points),
                    figure(self.tree_total),
                    figure(self.full_points),
                    figure(left),
                    figure(t)
                )
            } else {
                writeln!(
                    out,
                    "the {} points of excluded indicators are left out; {} of the remaining {}, scaled to {}: {}",
                    figure(self.excluded_points),
                    figure(self.tree_total),
                    figure(left),
                    figure(self.full_points),
                    figure(t)
                )
            };
        } else if self.excluded_points > Decimal::ZERO {
            let _ = if zh {
                writeln!(
                    out,
                    "不适用指标共 {} 分不计入，满分按 {} 分计",
                    figure(self.excluded_points),
                    figure(left)
                )
            } else {
                writeln!(
                    out,
                    "the {} points of excluded indicators are left out; the total is out of {}",
                    figure(self.excluded_points),
                    figure(left)
                )
            };
        }
        if !self.bonus.is_empty() {
            let capped = self.bonus_items_total != self.bonus_total;
            let _ = match (zh, capped) {
                (true, false) => writeln!(out, "加分 {} 分", figure(self.bonus_total)),
                (true, true) => writeln!(
                    out,
                    "加分项合计 {} 分，受加分上限或总分上限限制，实际加分 {} 分",
                    figure(self.bonus_items_total),
                    figure(self.bonus_total)
                ),
                (false, false) => writeln!(out, "bonus {}", figure(self.bonus_total)),
                (false, true) => writeln!(
                    out,
                    "bonus items {}, of which {} added under the caps",
                    figure(self.bonus_items_total),
                    figure(self.bonus_total)
                ),
            };
        }
        for v in &self.vetoes {
            let mut effects = Vec::new();
            if let Some(t) = v.total {
                effects.push(if zh {
                    format!("总分计 {} 分", figure(t))
                } else {
                    format!("total set to {}", figure(t))
                });
            }
            if let Some(t) = v.max_total {
                effects.push(if zh {
                    format!("总分不超过 {} 分", figure(t))
                } else {
                    format!("total at most {}", figure(t))
                });
            }
            if let Some(g) = &v.grade {
                let g = match (lang, &v.grade_en) {
                    (Lang::En, Some(en)) => en,
                    _ => g,
                };
                effects.push(if zh {
                    format!("等次不高于「{g}」")
                } else {
                    format!("grade at most \"{g}\"")
                });
            }
            let name = match (lang, &v.name_en) {
                (Lang::En, Some(en)) => en,
                _ => &v.name,
            };
            let _ = if zh {
                writeln!(out, "一票否决「{name}」：{}", effects.join("，"))
            } else {
                writeln!(out, "veto \"{name}\": {}", effects.join(", "))
            };
        }
        for k in &self.core_caps {
            out.push_str(&core_cap_line(k, lang));
            out.push('\n');
        }
        let grade = match (lang, &self.grade_en) {
            (Lang::En, Some(en)) => en,
            _ => &self.grade,
        };
        let mut notes = Vec::new();
        let full = if self.rescaled_total.is_some() {
            self.full_points
        } else {
            left
        };
        if full != Decimal::ONE_HUNDRED {
            notes.push(if zh {
                format!("满分 {} 分", figure(full))
            } else {
                format!("out of {}", figure(full))
            });
        }
        if self.total != self.exact_total {
            notes.push(if zh {
                format!("计算值 {}，按规定舍入", detail(self.exact_total))
            } else {
                format!("{} before rounding", detail(self.exact_total))
            });
        }
        let _ = if zh {
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("（{}）", notes.join("；"))
            };
            write!(out, "综合得分 {} 分{notes}，评价等次：{grade}", stated(self.total))
        } else {
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!(" ({})", notes.join("; "))
            };
            write!(out, "total {}{notes}, grade: {grade}", stated(self.total))
        };
        out
    }
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn a_percentage_beyond_the_range_is_written_as_the_ratio_it_is() {
        assert_eq!(shown_dp(Decimal::new(8239, 4), true, 2), "82.39%");
        assert_eq!(shown_dp(Decimal::MAX, true, 2), "79228162514264337593543950335×100%");
    }

    #[test]
    fn text_is_display() {
        let mut cases: Vec<Decimal> = vec![
            Decimal::ZERO,
            Decimal::ONE,
            Decimal::NEGATIVE_ONE,
            Decimal::MAX,
            Decimal::MIN,
            Decimal::new(5, 1),
            Decimal::new(-5, 3),
            Decimal::new(12345, 2),
            Decimal::new(100, 2),
            Decimal::new(0, 5),
            Decimal::new(1, 28),
            Decimal::new(-1, 28),
            -Decimal::new(0, 2),
            -Decimal::ZERO,
            Decimal::new(-1, 3) * Decimal::ZERO,
        ];
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let scale = u32::try_from((x >> 59) % 29).unwrap();
            let m = i64::try_from(x >> 2).unwrap() * if x & 1 == 0 { 1 } else { -1 };
            let d = Decimal::new(m, scale);
            cases.extend([d, d / Decimal::from(7), d.normalize()]);
        }
        for d in cases {
            assert_eq!(text(d), d.to_string(), "{d:?}");
        }
    }
}
