//! Explanations rendered from the structured results, in Chinese (default) or English.

use std::fmt::Write as _;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::eval::{Evaluation, IndicatorResult, Measured, Outcome, Status};
use crate::model::{Better, ChecklistMode, Counting, Direction, NaOutcome};

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

/// A decimal for display: exact, without trailing zeros.
pub fn num(d: Decimal) -> String {
    d.normalize().to_string()
}

/// A measured value for display: percentages as `82.39%`, other values to two places at most.
fn shown(value: Decimal, percent: bool) -> String {
    if percent {
        format!("{}%", two(value.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(value)))
    } else {
        two(value)
    }
}

fn two(d: Decimal) -> String {
    num(d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

fn unit_suffix(m: &Measured) -> String {
    match (&m.unit, m.percent) {
        (Some(u), false) => u.to_string(),
        _ => String::new(),
    }
}

fn label(m: &Measured, lang: Lang) -> &str {
    match (lang, &m.label_en) {
        (Lang::En, Some(en)) => en,
        _ => &m.label,
    }
}

fn value_text(m: &Measured) -> String {
    format!("{}{}", shown(m.value, m.percent), unit_suffix(m))
}

fn amount_text(d: Decimal, m: &Measured, lang: Lang) -> String {
    if m.percent {
        let pp = two(d.checked_mul(Decimal::ONE_HUNDRED).unwrap_or(d));
        match lang {
            Lang::Zh => format!("{pp} 个百分点"),
            Lang::En => format!("{pp} percentage points"),
        }
    } else {
        format!("{}{}", two(d), unit_suffix(m))
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
    parts.join(if lang == Lang::Zh { "且" } else { " and " })
}

fn score_tail(r: &IndicatorResult, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("得 {} 分（满分 {} 分）", num(r.score), num(r.points)),
        Lang::En => format!("scores {} of {}", num(r.score), num(r.points)),
    }
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
            let why = reason.as_deref().map(|r| match lang {
                Lang::Zh => format!("（{r}）"),
                Lang::En => format!(" ({r})"),
            });
            let why = why.unwrap_or_default();
            return match (lang, outcome, inherited) {
                (Lang::Zh, _, true) => format!("上级指标不适用{why}，{}", na_zh(*outcome, self)),
                (Lang::Zh, _, false) => format!("不适用{why}，{}", na_zh(*outcome, self)),
                (Lang::En, _, true) => format!("parent not applicable{why}; {}", na_en(*outcome, self)),
                (Lang::En, _, false) => format!("not applicable{why}; {}", na_en(*outcome, self)),
            };
        }
        let body = explain_outcome(&self.outcome, self, lang);
        let rounded = if self.score != self.exact_score {
            match lang {
                Lang::Zh => format!("（计算值 {}，按规定舍入）", num(self.exact_score)),
                Lang::En => format!(" (computed {}, rounded as the system states)", num(self.exact_score)),
            }
        } else {
            String::new()
        };
        format!("{body}{rounded}")
    }
}

fn na_zh(outcome: NaOutcome, r: &IndicatorResult) -> String {
    match outcome {
        NaOutcome::FullPoints => format!("按满分计算，得 {} 分", num(r.score)),
        NaOutcome::Zero => "计 0 分".to_string(),
        NaOutcome::Excluded => format!("不参与评分（{} 分不计入总分）", num(r.points)),
    }
}

fn na_en(outcome: NaOutcome, r: &IndicatorResult) -> String {
    match outcome {
        NaOutcome::FullPoints => format!("full points, {}", num(r.score)),
        NaOutcome::Zero => "scores 0".to_string(),
        NaOutcome::Excluded => format!("excluded ({} points left out of the total)", num(r.points)),
    }
}

fn counting_text(c: Counting, lang: Lang) -> &'static str {
    match (lang, c) {
        (Lang::Zh, Counting::Whole) => "整档计",
        (Lang::Zh, Counting::Started) => "不足一档按一档计",
        (Lang::Zh, Counting::Proportional) => "按比例计",
        (Lang::En, Counting::Whole) => "whole steps only",
        (Lang::En, Counting::Started) => "every started step counts",
        (Lang::En, Counting::Proportional) => "proportionally",
    }
}

fn explain_outcome(outcome: &Outcome, r: &IndicatorResult, lang: Lang) -> String {
    let tail = score_tail(r, lang);
    match outcome {
        Outcome::Group => match lang {
            Lang::Zh => format!("小计 {} 分（满分 {} 分）", num(r.score), num(r.points)),
            Lang::En => format!("subtotal {} of {}", num(r.score), num(r.points)),
        },
        Outcome::NotApplicable => match lang {
            Lang::Zh => "不适用".to_string(),
            Lang::En => "not applicable".to_string(),
        },
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
            let value = value_text(measured);
            let thr = format!("{}{}", shown(*threshold, measured.percent), unit_suffix(measured));
            let step_text = if measured.percent {
                shown(*step, true)
            } else {
                format!("{}{}", two(*step), unit_suffix(measured))
            };
            let cap = if *capped {
                match lang {
                    Lang::Zh => "（扣完为止）",
                    Lang::En => " (capped)",
                }
            } else {
                ""
            };
            match (lang, gap.is_zero()) {
                (Lang::Zh, true) => {
                    let side = if *direction == Direction::Below {
                        "未低于"
                    } else {
                        "未超过"
                    };
                    format!("{name} {value}，{side} {thr}，不扣分，{tail}")
                }
                (Lang::Zh, false) => {
                    let side = if *direction == Direction::Below {
                        "低于"
                    } else {
                        "超过"
                    };
                    format!(
                        "{name} {value}，{side} {thr} 共 {}；按每{side} {step_text} 扣 {} 分（{}）扣 {} 分{cap}，{tail}",
                        amount_text(*gap, measured, lang),
                        num(*deduct),
                        counting_text(*counting, lang),
                        num(*deduction),
                    )
                }
                (Lang::En, true) => {
                    let side = if *direction == Direction::Below {
                        "not below"
                    } else {
                        "not above"
                    };
                    format!("{name} {value} is {side} {thr}: no deduction; {tail}")
                }
                (Lang::En, false) => {
                    let side = if *direction == Direction::Below {
                        "below"
                    } else {
                        "above"
                    };
                    format!(
                        "{name} {value} is {} {side} {thr}; {} points per {step_text} {side} ({}, {} steps) deducts {}{cap}; {tail}",
                        amount_text(*gap, measured, lang),
                        num(*deduct),
                        counting_text(*counting, lang),
                        two(*steps),
                        num(*deduction),
                    )
                }
            }
        }
        Outcome::Tier {
            measured, lower, upper, ..
        } => {
            let bounds = bound_text(*lower, *upper, measured.percent, lang);
            match lang {
                Lang::Zh => format!(
                    "{} {}，属于「{bounds}」档，{tail}",
                    label(measured, lang),
                    value_text(measured)
                ),
                Lang::En => format!(
                    "{} {} falls in the tier \"{bounds}\"; {tail}",
                    label(measured, lang),
                    value_text(measured)
                ),
            }
        }
        Outcome::TierOtherwise { measured } => match lang {
            Lang::Zh => format!(
                "{} {}，不在所列各档内，按其他情况{tail}",
                label(measured, lang),
                value_text(measured)
            ),
            Lang::En => format!(
                "{} {} is in no listed tier; otherwise {tail}",
                label(measured, lang),
                value_text(measured)
            ),
        },
        Outcome::Ratio {
            actual,
            target,
            better,
            share,
        } => {
            let pct = shown(*share, true);
            match (lang, better) {
                (Lang::Zh, Better::HigherIsBetter) => format!(
                    "{} 实际 {}，目标 {}（正向指标），得分比例 {pct}，{tail}",
                    label(actual, lang),
                    value_text(actual),
                    value_text(target)
                ),
                (Lang::Zh, Better::LowerIsBetter) => format!(
                    "{} 实际 {}，目标 {}（反向指标），得分比例 {pct}，{tail}",
                    label(actual, lang),
                    value_text(actual),
                    value_text(target)
                ),
                (Lang::En, b) => format!(
                    "{} actual {} against target {} ({}): {pct} of the points; {tail}",
                    label(actual, lang),
                    value_text(actual),
                    value_text(target),
                    if *b == Better::HigherIsBetter {
                        "higher is better"
                    } else {
                        "lower is better"
                    }
                ),
            }
        }
        Outcome::Rate { measured, used } => {
            let clamp = if *used != measured.value {
                match lang {
                    Lang::Zh => format!("（按 {} 计）", shown(*used, true)),
                    Lang::En => format!(" (counted as {})", shown(*used, true)),
                }
            } else {
                String::new()
            };
            match lang {
                Lang::Zh => format!(
                    "{} {}{clamp}，{} × {}，{tail}",
                    label(measured, lang),
                    shown(measured.value, true),
                    num(r.points),
                    shown(*used, true)
                ),
                Lang::En => format!(
                    "{} {}{clamp}: {} × {}; {tail}",
                    label(measured, lang),
                    shown(measured.value, true),
                    num(r.points),
                    shown(*used, true)
                ),
            }
        }
        Outcome::Level {
            level,
            share,
            given,
            band_min,
            band_max,
        } => {
            let band = format!("{}–{}", shown(*band_min, true), shown(*band_max, true));
            match (lang, given) {
                (Lang::Zh, true) => format!(
                    "评价为「{level}」（{band}），评价人给分占 {}，{tail}",
                    shown(*share, true)
                ),
                (Lang::Zh, false) => format!("评价为「{level}」（{band}），按 {} 计，{tail}", shown(*share, true)),
                (Lang::En, true) => format!(
                    "judged \"{level}\" ({band}); the evaluator gave {} of the points; {tail}",
                    shown(*share, true)
                ),
                (Lang::En, false) => format!(
                    "judged \"{level}\" ({band}); counted at {}; {tail}",
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
            let (ok, no) = (join(satisfied, "、"), join(missing, "、"));
            match lang {
                Lang::Zh => {
                    let mut s = format!("满足 {} 项", satisfied.len());
                    if !ok.is_empty() {
                        let _ = write!(s, "（{ok}）");
                    }
                    if !no.is_empty() {
                        let verb = if *mode == ChecklistMode::Deduct {
                            "扣分"
                        } else {
                            "未得分"
                        };
                        let _ = write!(s, "，缺少 {}（{no}）{verb}", missing.len());
                    }
                    format!("{s}，{tail}")
                }
                Lang::En => {
                    let mut s = format!("{} item(s) satisfied", satisfied.len());
                    if !ok.is_empty() {
                        let _ = write!(s, " ({})", join(satisfied, ", "));
                    }
                    if !no.is_empty() {
                        let _ = write!(s, ", {} missing ({})", missing.len(), join(missing, ", "));
                    }
                    format!("{s}; {tail}")
                }
            }
        }
        Outcome::PerOccurrence {
            measured,
            deduct,
            deduction,
            capped,
        } => {
            let cap = if *capped {
                match lang {
                    Lang::Zh => "（扣完为止）",
                    Lang::En => " (capped)",
                }
            } else {
                ""
            };
            match lang {
                Lang::Zh => format!(
                    "{} {} 次，每次扣 {} 分，扣 {} 分{cap}，{tail}",
                    label(measured, lang),
                    two(measured.value),
                    num(*deduct),
                    num(*deduction)
                ),
                Lang::En => format!(
                    "{} {} occurrence(s) at {} each deducts {}{cap}; {tail}",
                    label(measured, lang),
                    two(measured.value),
                    num(*deduct),
                    num(*deduction)
                ),
            }
        }
        Outcome::Manual { input } => match lang {
            Lang::Zh => format!("评价人评分（{input}），{tail}"),
            Lang::En => format!("scored by the evaluator ({input}); {tail}"),
        },
        Outcome::Case { label, condition, .. } => {
            let what = label.as_deref().unwrap_or(condition);
            match lang {
                Lang::Zh => format!("符合「{what}」，{tail}"),
                Lang::En => format!("\"{what}\" holds; {tail}"),
            }
        }
        Outcome::CaseOtherwise => match lang {
            Lang::Zh => format!("不符合所列情形，{tail}"),
            Lang::En => format!("none of the listed cases holds; {tail}"),
        },
        Outcome::Formula { expr, value, clamped } => {
            let c = match (clamped, lang) {
                (true, Lang::Zh) => "，超出分值范围按上下限计",
                (true, Lang::En) => ", clamped into the points",
                _ => "",
            };
            match lang {
                Lang::Zh => format!("按公式 {expr} 计算为 {}{c}，{tail}", two(*value)),
                Lang::En => format!("the formula {expr} gives {}{c}; {tail}", two(*value)),
            }
        }
        Outcome::Chosen { option, inner, .. } => {
            let inner = explain_outcome(inner, r, lang);
            match lang {
                Lang::Zh => format!("按「{option}」计分：{inner}"),
                Lang::En => format!("scored as \"{option}\": {inner}"),
            }
        }
    }
}

impl Evaluation {
    /// The whole evaluation as text: one line per indicator, then bonus, vetoes, total and grade.
    pub fn explain(&self, lang: Lang) -> String {
        let mut out = String::new();
        for r in self.indicators.iter().chain(self.bonus.iter()) {
            let name = match (lang, &r.name_en) {
                (Lang::En, Some(en)) => en,
                _ => &r.name,
            };
            let indent = "  ".repeat(r.depth);
            let _ = writeln!(out, "{indent}{} {name}：{}", r.id, r.explain(lang));
        }
        if let Some(t) = self.rescaled_total {
            let _ = match lang {
                Lang::Zh => writeln!(
                    out,
                    "不适用指标 {} 分不计入，得分 {} 按 {}/{} 折算为 {}",
                    num(self.excluded_points),
                    num(self.tree_total),
                    num(self.full_points),
                    num(self.full_points - self.excluded_points),
                    two(t)
                ),
                Lang::En => writeln!(
                    out,
                    "{} excluded points left out; {} scaled by {}/{} to {}",
                    num(self.excluded_points),
                    num(self.tree_total),
                    num(self.full_points),
                    num(self.full_points - self.excluded_points),
                    two(t)
                ),
            };
        }
        if !self.bonus.is_empty() {
            let _ = match lang {
                Lang::Zh => writeln!(out, "加分 {} 分", num(self.bonus_total)),
                Lang::En => writeln!(out, "bonus {}", num(self.bonus_total)),
            };
        }
        for v in &self.vetoes {
            let mut effects = Vec::new();
            if let Some(t) = v.total {
                effects.push(if lang == Lang::Zh {
                    format!("总分计 {}", num(t))
                } else {
                    format!("total set to {}", num(t))
                });
            }
            if let Some(t) = v.max_total {
                effects.push(if lang == Lang::Zh {
                    format!("总分不超过 {}", num(t))
                } else {
                    format!("total at most {}", num(t))
                });
            }
            if let Some(g) = &v.grade {
                effects.push(if lang == Lang::Zh {
                    format!("等次定为「{g}」")
                } else {
                    format!("grade set to \"{g}\"")
                });
            }
            let name = match (lang, &v.name_en) {
                (Lang::En, Some(en)) => en,
                _ => &v.name,
            };
            let _ = match lang {
                Lang::Zh => writeln!(out, "一票否决「{name}」：{}", effects.join("，")),
                Lang::En => writeln!(out, "veto \"{name}\": {}", effects.join(", ")),
            };
        }
        let grade = match (lang, &self.grade_en) {
            (Lang::En, Some(en)) => en,
            _ => &self.grade,
        };
        let _ = match lang {
            Lang::Zh => write!(out, "综合得分 {} 分，评价等次：{grade}", num(self.total)),
            Lang::En => write!(out, "total {}, grade: {grade}", num(self.total)),
        };
        out
    }
}
