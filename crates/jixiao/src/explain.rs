//! Explanations rendered from the structured results, in Chinese (default) or English.
//!
//! Chinese text is written as finance bureaus write it: no spaces between figures and Chinese
//! (`得2分`, `以100%为标准`), “” quotes, percentage points (个百分点) for differences of rates, and
//! the calculation with the unit's figures where the value is computed.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::dec::Arith;
use crate::eval::{CheckResult, CoreCapResult, Evaluation, IndicatorResult, Measured, Outcome, Status};
use crate::format::{Better, ChecklistMode, Counting, Direction, NaOutcome, Rounding, RoundingMode};

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
        num(crate::dec::round_half_up(n, 2))
    }
}

/// A figure before rounding: exact with up to six decimals, else rounded to six.
pub(crate) fn detail(d: Decimal) -> String {
    let n = d.normalize();
    if n.scale() <= 6 {
        text(n)
    } else {
        num(crate::dec::round_half_up(n, 6))
    }
}

fn two(d: Decimal) -> String {
    places(d, 2)
}

fn places(d: Decimal, dp: u32) -> String {
    num(crate::dec::round_half_up(d, dp))
}

/// A measured value: percentages as `82.39%`, other values to two places at most.
fn shown(value: Decimal, percent: bool) -> String {
    shown_dp(value, percent, 2)
}

fn shown_dp(value: Decimal, percent: bool, dp: u32) -> String {
    if percent {
        // Zero is zero, not 0%: “三公经费”变动率为0.
        if value.is_zero() {
            return "0".to_string();
        }
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
    crate::dec::round_half_up(value, dp)
}

/// The fewest places (2, 4, 6 ...) at which the displayed figure still tells the truth, e.g.
/// 90.0003% rather than 90% when 90% itself would fall in another step or tier, and
/// 89.99999999999999% when it takes fourteen. At 28 places every decimal is shown exactly, which
/// agrees with the outcome computed from it; no cut-off short of that may print a figure that
/// contradicts the tier or step reported beside it.
fn honest_places(consistent: impl Fn(u32) -> bool) -> u32 {
    (1..14).map(|k| 2 * k).find(|dp| consistent(*dp)).unwrap_or(28)
}

/// A figure with its unit: `82.39%`, `76人`, `681万元` (English: `681 万元`).
fn with_unit(text: String, m: &Measured, lang: Lang) -> String {
    match (&m.unit, m.percent, lang) {
        (Some(u), false, Lang::Zh) if !u.trim().is_empty() => format!("{text}{}", u.trim()),
        (Some(u), false, Lang::En) if !u.trim().is_empty() => format!("{text} {}", u.trim()),
        _ => text,
    }
}

fn value_text(m: &Measured, lang: Lang) -> String {
    value_text_dp(m, 2, lang)
}

fn value_text_dp(m: &Measured, dp: u32, lang: Lang) -> String {
    with_unit(shown_dp(m.value, m.percent, dp), m, lang)
}

fn label(m: &Measured, lang: Lang) -> &str {
    match (lang, &m.label_en) {
        (Lang::En, Some(en)) => en,
        _ => &m.label,
    }
}

/// The measured value as published tables state it: with its calculation when it has one
/// (`预算完成率=(860+2000+899+108−681)/(860+2000+899+108)=82.39%`), else `预算完成率为82.39%`.
fn measured_text(m: &Measured, value: &str, lang: Lang) -> String {
    let name = label(m, lang);
    match (lang, &m.calc) {
        (Lang::Zh, Some(c)) => format!("{name}={c}={value}"),
        (Lang::Zh, None) => format!("{name}为{value}"),
        (Lang::En, Some(c)) => format!("{name} = {c} = {value}"),
        (Lang::En, None) => format!("{name} {value}"),
    }
}

/// A difference or step: `17.61个百分点` (a percent is not a percentage point), `3人`.
fn amount_text(d: Decimal, m: &Measured, lang: Lang, dp: u32) -> String {
    if m.percent {
        let pp = places(d.mul_checked(Decimal::ONE_HUNDRED).unwrap_or(d), dp);
        match lang {
            Lang::Zh => format!("{pp}个百分点"),
            Lang::En if pp == "1" => "1 percentage point".to_string(),
            Lang::En => format!("{pp} percentage points"),
        }
    } else {
        with_unit(places(d, dp), m, lang)
    }
}

/// A tier's bounds as tables print them, for 评分标准 and explanations alike: `为0`,
/// `0—10%（含）`, `80%（含）—90%`, `超过30%`, `90%及以上`; in English `equal to 0`,
/// `over 0 up to 10%`, `90% or more`. `s` writes each bound.
pub(crate) fn tier_bounds(
    lower: Option<(Decimal, bool)>,
    upper: Option<(Decimal, bool)>,
    s: &dyn Fn(Decimal) -> String,
    lang: Lang,
) -> String {
    let equal = match (lower, upper) {
        (Some((l, true)), Some((u, true))) if l == u => Some(l),
        _ => None,
    };
    match lang {
        Lang::Zh => match (equal, lower, upper) {
            (Some(v), _, _) => format!("为{}", s(v)),
            (_, Some((a, false)), Some((b, true))) => format!("{}—{}（含）", s(a), s(b)),
            (_, Some((a, true)), Some((b, false))) => format!("{}（含）—{}", s(a), s(b)),
            (_, Some((a, true)), Some((b, true))) => format!("{}（含）—{}（含）", s(a), s(b)),
            (_, Some((a, false)), Some((b, false))) => format!("{}—{}（均不含）", s(a), s(b)),
            (_, Some((a, false)), None) => format!("超过{}", s(a)),
            (_, Some((a, true)), None) => format!("{}及以上", s(a)),
            (_, None, Some((b, false))) => format!("低于{}", s(b)),
            (_, None, Some((b, true))) => format!("{}及以下", s(b)),
            (_, None, None) => "其他情形".to_string(),
        },
        Lang::En => match (equal, lower, upper) {
            (Some(v), _, _) => format!("equal to {}", s(v)),
            (_, Some((a, false)), Some((b, true))) => format!("over {} up to {}", s(a), s(b)),
            (_, Some((a, true)), Some((b, false))) => format!("{} or more but under {}", s(a), s(b)),
            (_, Some((a, true)), Some((b, true))) => format!("{} to {}", s(a), s(b)),
            (_, Some((a, false)), Some((b, false))) => format!("over {} but under {}", s(a), s(b)),
            (_, Some((a, false)), None) => format!("over {}", s(a)),
            (_, Some((a, true)), None) => format!("{} or more", s(a)),
            (_, None, Some((b, false))) => format!("under {}", s(b)),
            (_, None, Some((b, true))) => format!("{} or less", s(b)),
            (_, None, None) => "any value".to_string(),
        },
    }
}

/// A condition as people write it: `≤` rather than `<=`.
fn pretty_condition(text: &str) -> String {
    text.replace("<=", "≤")
        .replace(">=", "≥")
        .replace("!=", "≠")
        .replace("==", "=")
        .replace('*', "×")
}

/// How a figure is rounded, as a table's notes say it: `按四舍五入保留两位小数`.
pub(crate) fn rounding_text(r: Rounding, lang: Lang) -> String {
    const PLACES: [&str; 11] = ["", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十"];
    match lang {
        Lang::Zh => {
            let how = match r.mode {
                RoundingMode::HalfUp => "四舍五入",
                RoundingMode::HalfEven => "四舍六入五成双",
                RoundingMode::Down => "去尾法",
                RoundingMode::Up => "进一法",
            };
            let places = match PLACES.get(r.scale as usize) {
                None | Some(&"") => "取整".to_string(),
                Some(n) => format!("保留{n}位小数"),
            };
            format!("按{how}{places}")
        }
        Lang::En => {
            let how = match r.mode {
                RoundingMode::HalfUp => "half up",
                RoundingMode::HalfEven => "half to even",
                RoundingMode::Down => "down",
                RoundingMode::Up => "up",
            };
            match r.scale {
                0 => format!("rounded {how} to a whole number"),
                1 => format!("rounded {how} to 1 place"),
                n => format!("rounded {how} to {n} places"),
            }
        }
    }
}

/// "（分值5分）": the points, as the last words of a row that gives no score of its own.
fn points_note(r: &IndicatorResult, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("（分值{}分）", figure(r.points)),
        Lang::En => format!(" (of {})", figure(r.points)),
    }
}

/// "得2分（分值5分）", with the calculated value and the rounding when the score was rounded.
fn score_tail(r: &IndicatorResult, lang: Lang) -> String {
    // Pieces pushed, not formatted: every line of every explanation ends with this.
    let rounding = r.rounding.filter(|_| r.score != r.exact_score);
    let mut s = String::with_capacity(64);
    match lang {
        Lang::Zh => {
            s.push('得');
            s.push_str(&figure(r.score));
            s.push_str("分（分值");
            s.push_str(&figure(r.points));
            if let Some(rounding) = rounding {
                s.push_str("分；计算值");
                s.push_str(&detail(r.exact_score));
                s.push('，');
                s.push_str(&rounding_text(rounding, lang));
                s.push('）');
            } else {
                s.push_str("分）");
            }
        }
        Lang::En => {
            s.push_str("scores ");
            s.push_str(&figure(r.score));
            s.push_str(" of ");
            s.push_str(&figure(r.points));
            if let Some(rounding) = rounding {
                s.push_str(" (");
                s.push_str(&detail(r.exact_score));
                s.push_str(", ");
                s.push_str(&rounding_text(rounding, lang));
                s.push(')');
            }
        }
    }
    s
}

/// "扣完为止" / "最多扣2分" when the deduction was capped.
fn cap_note(capped: bool, deduction: Decimal, points: Decimal, lang: Lang) -> Option<String> {
    match (capped, deduction >= points, lang) {
        (false, _, _) => None,
        (true, true, Lang::Zh) => Some("扣完为止".into()),
        (true, false, Lang::Zh) => Some(format!("最多扣{}分", figure(deduction))),
        (true, true, Lang::En) => Some("down to zero".into()),
        (true, false, Lang::En) => Some(format!("at most {} may be deducted", figure(deduction))),
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
    let points = figure(r.points);
    match lang {
        Lang::Zh => {
            // The system's reason is a sentence of its own ("本年度无完工的新建楼堂馆所项目，按满分计算").
            let head = match (inherited, reason) {
                (true, _) => "上级指标不适用".to_string(),
                (false, Some(why)) => why.trim_end_matches(['。', '；', '，']).to_string(),
                (false, None) => "不适用".to_string(),
            };
            match outcome {
                NaOutcome::Excluded if inherited => format!("{head}，本指标不参与评分"),
                NaOutcome::Excluded if head.contains("不计入") => head.clone(),
                NaOutcome::Excluded if head.contains("不参与评分") => format!("{head}，分值{points}分不计入总分"),
                NaOutcome::Excluded => format!("{head}，不参与评分，分值{points}分不计入总分"),
                NaOutcome::FullPoints if head.contains("满分") => format!("{head}，{tail}"),
                NaOutcome::FullPoints => format!("{head}，按满分计算，{tail}"),
                NaOutcome::Zero => format!("{head}，{tail}"),
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
                NaOutcome::Excluded => format!("{head}: excluded ({points} points left out of the total)"),
                NaOutcome::FullPoints => format!("{head}: full points; {tail}"),
                NaOutcome::Zero => format!("{head}: {tail}"),
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

/// How the part of a step short of a whole one counts: "不足5个百分点部分不扣分".
fn counting_note(c: Counting, step: &str, lang: Lang) -> String {
    match (lang, c) {
        (Lang::Zh, Counting::Whole) => format!("不足{step}部分不扣分"),
        (Lang::Zh, Counting::Started) => format!("不足{step}的按{step}计"),
        (Lang::Zh, Counting::Proportional) => format!("不足{step}的按比例折算"),
        (Lang::En, Counting::Whole) => format!("whole steps of {step} only"),
        (Lang::En, Counting::Started) => format!("a started step of {step} counts as one"),
        (Lang::En, Counting::Proportional) => format!("part of a step of {step} counts proportionally"),
    }
}

fn band_text(min: Decimal, max: Decimal, min_inclusive: bool, max_inclusive: bool, lang: Lang) -> String {
    if min == max {
        return shown(min, true);
    }
    let (lo, hi) = (shown(min, true), shown(max, true));
    match (min_inclusive && max_inclusive, lang) {
        (true, Lang::Zh) => format!("{lo}—{hi}"),
        (true, Lang::En) => format!("{lo}–{hi}"),
        (false, Lang::Zh) => format!(
            "{lo}（{}）—{hi}（{}）",
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

/// A count's name as a sentence uses it: "资产管理问题数" → "资产管理问题", "违规次数" → "违规".
fn counted_thing(label: &str) -> &str {
    label
        .strip_suffix("次数")
        .or_else(|| label.strip_suffix('数'))
        .filter(|s| !s.is_empty())
        .unwrap_or(label)
}

fn explain_outcome(outcome: &Outcome, r: &IndicatorResult, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    if let Outcome::Group = outcome {
        // Pieces pushed, not formatted (a third of the lines are subtotals).
        let mut s = String::with_capacity(40);
        s.push_str(if zh { "小计" } else { "subtotal " });
        s.push_str(&figure(r.score));
        s.push_str(if zh { "分（分值" } else { " of " });
        s.push_str(&figure(r.points));
        if zh {
            s.push_str("分）");
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
            let head = measured_text(measured, &value_text_dp(measured, dp, lang), lang);
            let thr = with_unit(shown(*threshold, measured.percent), measured, lang);
            let step_text = amount_text(*step, measured, lang, 2);
            let gap_text = amount_text(*gap, measured, lang, dp);
            let below = *direction == Direction::Below;
            // A change rate held at zero (“三公经费”变动率): exceeding 0 is growth.
            let growth = !below && threshold.is_zero() && measured.percent;
            let notes: Vec<String> = std::iter::once(counting_note(*counting, &step_text, lang))
                .chain(cap_note(*capped, *deduction, r.points, lang))
                .collect();
            if zh {
                let verb = match (growth, below) {
                    (true, _) => "增长",
                    (false, true) => "低",
                    (false, false) => "超过",
                };
                if gap.is_zero() {
                    let not = match (growth, below) {
                        (true, _) => "未增长".to_string(),
                        (false, true) => format!("不低于{thr}"),
                        (false, false) => format!("未超过{thr}"),
                    };
                    format!("{head}，{not}，不扣分，{tail}")
                } else {
                    // Rates are higher or lower (高/低 …个百分点); counts and amounts more or fewer.
                    let (less, more) = if measured.percent {
                        ("低", "高")
                    } else {
                        ("少", "多")
                    };
                    let by = match (growth, below) {
                        (true, _) => String::new(),
                        (false, true) => format!("，较{thr}{less}{gap_text}"),
                        (false, false) => format!("，较{thr}{more}{gap_text}"),
                    };
                    format!(
                        "{head}{by}，按每{verb}{step_text}扣{}分计扣{}分（{}），{tail}",
                        figure(*deduct),
                        figure(*deduction),
                        notes.join("，"),
                    )
                }
            } else {
                let side = if below { "below" } else { "above" };
                if gap.is_zero() {
                    format!("{head} is not {side} {thr}: nothing deducted; {tail}")
                } else {
                    format!(
                        "{head} is {gap_text} {side} {thr}; at {} {} per {step_text} {side}, {} {} deducted ({}); {tail}",
                        figure(*deduct),
                        points_word(*deduct),
                        figure(*deduction),
                        if *deduction == Decimal::ONE {
                            "point is"
                        } else {
                            "points are"
                        },
                        notes.join("; "),
                    )
                }
            }
        }
        Outcome::Tier {
            measured, lower, upper, ..
        } => {
            let bounds = tier_bounds(*lower, *upper, &|d| shown(d, measured.percent), lang);
            // Show as many places as it takes for the figure to lie in its tier (30.0001% in "大于30%").
            let dp = honest_places(|dp| {
                let v = displayed(measured.value, measured.percent, dp);
                lower.is_none_or(|(l, incl)| v > l || incl && v == l)
                    && upper.is_none_or(|(u, incl)| v < u || incl && v == u)
            });
            let head = measured_text(measured, &value_text_dp(measured, dp, lang), lang);
            if zh {
                format!("{head}，处于“{bounds}”档次，{tail}")
            } else {
                format!("{head} falls in the tier \"{bounds}\"; {tail}")
            }
        }
        Outcome::TierOtherwise { measured } => {
            let head = measured_text(measured, &value_text(measured, lang), lang);
            if zh {
                format!("{head}，不在所列各档内，按其他情形计分，{tail}")
            } else {
                format!("{head} is in none of the listed tiers; the table's other case applies: {tail}")
            }
        }
        Outcome::Ratio {
            actual,
            target,
            better,
            share,
        } => {
            let head = measured_text(actual, &value_text(actual, lang), lang);
            let t = value_text(target, lang);
            let reached = *share >= Decimal::ONE;
            let share = shown(*share, true);
            match (lang, better) {
                (Lang::Zh, Better::HigherIsBetter) if reached => {
                    format!("{head}，目标值{t}，正向指标，已达到目标，{tail}")
                }
                (Lang::Zh, Better::HigherIsBetter) => {
                    format!("{head}，目标值{t}，正向指标，未达到目标，按实际值/目标值={share}计，{tail}")
                }
                (Lang::Zh, Better::LowerIsBetter) if reached => {
                    format!("{head}，目标值{t}，反向指标，未超过目标，{tail}")
                }
                (Lang::Zh, Better::LowerIsBetter) => {
                    format!("{head}，目标值{t}，反向指标，超过目标，按目标值/实际值={share}计，{tail}")
                }
                (Lang::En, b) => format!(
                    "{head} against the target {t} ({}): {share} of the points; {tail}",
                    if *b == Better::HigherIsBetter {
                        "higher is better"
                    } else {
                        "lower is better"
                    },
                ),
            }
        }
        Outcome::Rate { measured, used } => {
            let clamp = if *used != measured.value {
                if zh {
                    format!("（按{}计）", shown(*used, true))
                } else {
                    format!(" (counted as {})", shown(*used, true))
                }
            } else {
                String::new()
            };
            let head = measured_text(measured, &shown(measured.value, true), lang);
            if zh {
                format!("{head}{clamp}，按{}×{}计，{tail}", figure(r.points), shown(*used, true))
            } else {
                format!(
                    "{head}{clamp}: score = {} × {}; {tail}",
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
            let at_top = share == band_max;
            match (lang, single, given) {
                (Lang::Zh, true, _) if share.is_zero() => {
                    format!("评价为“{level}”，不得分{}", points_note(r, lang))
                }
                (Lang::Zh, true, _) if *share == Decimal::ONE => format!("评价为“{level}”，按满分计，{tail}"),
                (Lang::Zh, true, _) => format!("评价为“{level}”，按分值的{band}计，{tail}"),
                (Lang::Zh, false, true) => format!(
                    "评价为“{level}”（该档得分为分值的{band}），评价人给分为分值的{}，{tail}",
                    shown(*share, true)
                ),
                (Lang::Zh, false, false) if at_top => {
                    format!("评价为“{level}”（该档得分为分值的{band}），评价人未填具体得分，暂按该档上限计，{tail}")
                }
                (Lang::Zh, false, false) if share.is_zero() => {
                    format!("评价为“{level}”（该档得分为分值的{band}），评价人未填具体得分，暂按0分计，{tail}")
                }
                (Lang::Zh, false, false) => format!(
                    "评价为“{level}”（该档得分为分值的{band}），评价人未填具体得分，暂按分值的{}计，{tail}",
                    shown(*share, true)
                ),
                (Lang::En, true, _) => format!("judged \"{level}\" ({band} of the points); {tail}"),
                (Lang::En, false, true) => format!(
                    "judged \"{level}\" ({band} of the points), scored by the evaluator at {} of the points; {tail}",
                    shown(*share, true)
                ),
                (Lang::En, false, false) => format!(
                    "judged \"{level}\" ({band} of the points), no score given: provisionally {} of the points{}; {tail}",
                    shown(*share, true),
                    if at_top { ", the top of the band" } else { "" }
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
                    format!("{total}项均满足（{}）", join(satisfied, "、"))
                } else if satisfied.is_empty() {
                    format!("{total}项均未满足（{}）", join(missing, "、"))
                } else {
                    format!(
                        "满足{}项（{}），未满足{}项（{}）",
                        satisfied.len(),
                        join(satisfied, "、"),
                        missing.len(),
                        join(missing, "、")
                    )
                };
                if *mode == ChecklistMode::Deduct && lost > Decimal::ZERO {
                    let _ = write!(s, "，扣{}分", figure(lost));
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
                .map(str::trim)
                .filter(|u| !u.is_empty() && !measured.percent);
            let cap = cap_note(*capped, *deduction, r.points, lang);
            let n = two(measured.value);
            if zh {
                let unit = unit.unwrap_or("次");
                let thing = counted_thing(label(measured, lang));
                let cap = cap.map(|c| format!("（{c}）")).unwrap_or_default();
                if measured.value <= Decimal::ZERO {
                    format!("未发现{thing}，不扣分，{tail}")
                } else {
                    format!(
                        "{thing}{n}{unit}，每{unit}扣{}分，扣{}分{cap}，{tail}",
                        figure(*deduct),
                        figure(*deduction)
                    )
                }
            } else {
                let cap = cap.map(|c| format!(" ({c})")).unwrap_or_default();
                if measured.value <= Decimal::ZERO {
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
        }
        Outcome::Manual { input } => {
            if zh {
                format!("由评价人评分（{input}），{tail}")
            } else {
                format!("scored by the evaluator ({input}); {tail}")
            }
        }
        Outcome::Case { label, condition, .. } => {
            let what = label
                .as_deref()
                .map_or_else(|| pretty_condition(condition), str::to_string);
            if zh {
                format!("符合“{what}”，{tail}")
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
                (true, true, Lang::Zh) => format!("，高于分值，按{}分计", figure(r.points)),
                (true, false, Lang::Zh) => "，低于0，按0分计".to_string(),
                (true, true, Lang::En) => format!(", capped at the {} points", figure(r.points)),
                (true, false, Lang::En) => ", raised to 0".to_string(),
            };
            if zh {
                format!("按公式“{e}”计算为{}{note}，{tail}", figure(*value))
            } else {
                format!("the formula \"{e}\" gives {}{note}; {tail}", figure(*value))
            }
        }
        Outcome::Chosen { option, inner, .. } => {
            let inner = explain_outcome(inner, r, lang);
            if zh {
                format!("按“{option}”计分：{inner}")
            } else {
                format!("scored as \"{option}\": {inner}")
            }
        }
    }
}

/// A check's line: 勾稽关系K1“收入=…”：相符 / 不符 / 未核对.
fn check_line(k: &CheckResult, lang: Lang) -> String {
    let name = match (lang, &k.name_en) {
        (Lang::En, Some(en)) => en,
        _ => &k.name,
    };
    let (id, expr) = (&k.id, pretty_condition(&k.expr));
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
        (true, Some(true)) => format!("勾稽关系{id}“{name}”：相符"),
        (true, Some(false)) => format!("勾稽关系{id}“{name}”：不符（“{expr}”不成立{sides}），请核对基础数据（警告）"),
        (true, None) => format!("勾稽关系{id}“{name}”：缺少所需基础数据，未核对"),
        (false, Some(true)) => format!("check {id} \"{name}\": holds"),
        (false, Some(false)) => {
            format!("check {id} \"{name}\": does not hold ({expr} is false{sides}); check the figures (warning)")
        }
        (false, None) => format!("check {id} \"{name}\": skipped, an input it needs was not given"),
    }
}

/// A core indicator's cap: 核心指标2.1.1未达标（…），评价等次不高于“良”.
fn core_cap_line(k: &CoreCapResult, lang: Lang) -> String {
    let g = match (lang, &k.grade_en) {
        (Lang::En, Some(en)) => en,
        _ => &k.grade,
    };
    let share = figure(k.min_share * Decimal::ONE_HUNDRED);
    let (id, score, points) = (&k.id, figure(k.score), figure(k.points));
    if lang == Lang::Zh {
        format!("核心指标{id}未达标（得{score}分，低于分值{points}分的{share}%），评价等次不高于“{g}”")
    } else {
        format!("core indicator {id} not met ({score} of {points} points, below {share}%): grade at most \"{g}\"")
    }
}

/// A level scored at its band's default because the evaluator gave no score: a warning to fill it.
fn level_default_line(r: &IndicatorResult, lang: Lang) -> Option<String> {
    let Outcome::Level {
        given: false,
        band_min,
        band_max,
        share,
        ..
    } = &r.outcome
    else {
        return None;
    };
    if band_min == band_max || !matches!(r.status, Status::Scored) {
        return None;
    }
    let name = match (lang, &r.name_en) {
        (Lang::En, Some(en)) => en,
        _ => &r.name,
    };
    Some(match lang {
        Lang::Zh if share == band_max => {
            format!("{} {name}：评价人未填具体得分，暂按该档上限计，请补填（警告）", r.id)
        }
        Lang::Zh => format!(
            "{} {name}：评价人未填具体得分，暂按分值的{}计，请补填（警告）",
            r.id,
            shown(*share, true)
        ),
        Lang::En => format!(
            "{} {name}: no score given within the level's band, provisionally {} of the points; please fill it in (warning)",
            r.id,
            shown(*share, true)
        ),
    })
}

impl Evaluation {
    /// What a reader must not miss beside the scores: checks that failed or were skipped, levels
    /// scored provisionally because the evaluator gave no score, and core indicators that capped
    /// the grade, one line each.
    pub fn notices(&self, lang: Lang) -> Vec<String> {
        let checks = self
            .checks
            .iter()
            .filter(|k| k.passed != Some(true))
            .map(|k| check_line(k, lang));
        let levels = self.indicators.iter().filter_map(|r| level_default_line(r, lang));
        checks
            .chain(levels)
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
        // After the indicator lines (reports print those beside their rows and the rest below):
        // each check that failed or could not be made, then how many hold.
        for k in self.checks.iter().filter(|k| k.passed != Some(true)) {
            out.push_str(&check_line(k, lang));
            out.push('\n');
        }
        let held = self.checks.iter().filter(|k| k.passed == Some(true)).count();
        if held > 0 {
            let all = held == self.checks.len();
            let _ = match (zh, all) {
                (true, true) => writeln!(out, "勾稽关系{held}项均相符"),
                (true, false) => writeln!(out, "其余勾稽关系{held}项相符"),
                (false, true) => writeln!(out, "all {held} consistency checks hold"),
                (false, false) => writeln!(out, "the other {held} consistency checks hold"),
            };
        }
        let left = self.full_points - self.excluded_points;
        if let Some(t) = self.rescaled_total {
            let _ = if zh {
                writeln!(
                    out,
                    "不适用指标共{}分不计入总分，得分{}按{}/{}折算为{}",
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
                    "不适用指标共{}分不计入总分，满分按{}分计",
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
                (true, false) => writeln!(out, "加分{}分", figure(self.bonus_total)),
                (true, true) => writeln!(
                    out,
                    "加分项合计{}分，受加分上限或总分上限限制，实际加分{}分",
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
                    format!("总分计{}分", figure(t))
                } else {
                    format!("total set to {}", figure(t))
                });
            }
            if let Some(t) = v.max_total {
                effects.push(if zh {
                    format!("总分不超过{}分", figure(t))
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
                    format!("评价等次不高于“{g}”")
                } else {
                    format!("grade at most \"{g}\"")
                });
            }
            let name = match (lang, &v.name_en) {
                (Lang::En, Some(en)) => en,
                _ => &v.name,
            };
            let _ = if zh {
                writeln!(out, "一票否决“{name}”：{}", effects.join("，"))
            } else {
                writeln!(out, "veto \"{name}\": {}", effects.join(", "))
            };
        }
        for r in &self.indicators {
            if let Some(line) = level_default_line(r, lang) {
                out.push_str(&line);
                out.push('\n');
            }
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
                format!("满分{}分", figure(full))
            } else {
                format!("out of {}", figure(full))
            });
        }
        if self.total != self.exact_total {
            let how = self.total_rounding.map(|r| rounding_text(r, lang));
            notes.push(match (zh, how) {
                (true, Some(how)) => format!("计算值{}，{how}", detail(self.exact_total)),
                (true, None) => format!("计算值{}", detail(self.exact_total)),
                (false, Some(how)) => format!("{} before rounding, {how}", detail(self.exact_total)),
                (false, None) => format!("{} before rounding", detail(self.exact_total)),
            });
        }
        let _ = if zh {
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("（{}）", notes.join("；"))
            };
            write!(out, "综合得分{}分{notes}，评价等次：{grade}", stated(self.total))
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
