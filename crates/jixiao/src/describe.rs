//! Scoring standards (评分标准) rendered from the rules, so that a printed table says what the
//! engine will actually do — to be read beside the published wording.
//!
//! The Chinese follows the tables bureaus publish: no spaces between figures and Chinese
//! ("扣0.5分"), percentage points where a rate moves ("每超过1个百分点"), tiers as
//! "0—10%（含）的，计4分", levels as "基本完善的，按分值的60%计".

use rust_decimal::Decimal;

use crate::compile::is_percent;
use crate::dec::Arith;
use crate::dec::Dec;
use crate::explain::{Lang, num};
use crate::format::*;

/// Renders a decimal as the table would print it: a percentage when `percent` (zero as `0`),
/// else plain.
fn shown(d: Decimal, percent: bool) -> String {
    if percent && !d.is_zero() {
        format!("{}%", num(d.mul_checked(Decimal::ONE_HUNDRED).unwrap_or(d)))
    } else {
        num(d)
    }
}

/// A share of the points: `60%`, or `0`.
fn share(d: Decimal) -> String {
    shown(d, true)
}

/// `1 point`, `0.5 points`.
fn points_en(d: Decimal) -> String {
    if d == Decimal::ONE {
        "1 point".to_string()
    } else {
        format!("{} points", num(d))
    }
}

/// A name as the tables print it: “三公经费” keeps its quotes.
fn quoted(name: &str) -> String {
    const TERM: &str = "三公经费";
    let mut out = String::with_capacity(name.len() + 6);
    let mut rest = name;
    while let Some(at) = rest.find(TERM) {
        let (before, after) = rest.split_at(at);
        out.push_str(before);
        let open = before.ends_with('“') || before.ends_with('"');
        if open {
            out.push_str(TERM);
        } else {
            out.push('“');
            out.push_str(TERM);
            out.push('”');
        }
        rest = after.get(TERM.len()..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

impl InputKind {
    /// The kind as the `inputs` table prints it: 数值, 次数, 是否, 等级, 清单, 评价人打分.
    pub fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (InputKind::Number, Lang::Zh) => "数值",
            (InputKind::Count, Lang::Zh) => "次数",
            (InputKind::Boolean, Lang::Zh) => "是否",
            (InputKind::Level, Lang::Zh) => "等级",
            (InputKind::Checklist, Lang::Zh) => "清单",
            (InputKind::Manual, Lang::Zh) => "评价人打分",
            (InputKind::Number, Lang::En) => "number",
            (InputKind::Count, Lang::En) => "count",
            (InputKind::Boolean, Lang::En) => "yes/no",
            (InputKind::Level, Lang::En) => "level",
            (InputKind::Checklist, Lang::En) => "checklist",
            (InputKind::Manual, Lang::En) => "evaluator's score",
        }
    }
}

impl InputDecl {
    /// The allowed values in words: `0%—100%`, `不得为负数`, `不低于1项`; `None` when no
    /// range is declared.
    pub fn range_text(&self, lang: Lang) -> Option<String> {
        let input = self;
        let percent = is_percent(&input.unit);
        let unit = input
            .unit
            .as_deref()
            .filter(|u| !percent && !u.trim().is_empty())
            .unwrap_or("");
        let s = |d: Dec| format!("{}{unit}", shown(d.value(), percent));
        let zh = lang == Lang::Zh;
        Some(match (input.min, input.max) {
            (None, None) => return None,
            (Some(lo), None) if lo.value().is_zero() => if zh { "不得为负数" } else { "not negative" }.to_string(),
            (Some(lo), None) => {
                if zh {
                    format!("不低于{}", s(lo))
                } else {
                    format!("at least {}", s(lo))
                }
            }
            (None, Some(hi)) => {
                if zh {
                    format!("不超过{}", s(hi))
                } else {
                    format!("at most {}", s(hi))
                }
            }
            (Some(lo), Some(hi)) => {
                // The unit once, after the upper bound: 0%—100%, 1—10人.
                let lo_text = shown(lo.value(), percent);
                let lo_text = if percent && lo.value().is_zero() {
                    "0%".to_string()
                } else {
                    lo_text
                };
                if zh {
                    format!("{lo_text}—{}", s(hi))
                } else {
                    format!("from {lo_text} to {}", s(hi))
                }
            }
        })
    }
}

impl IndicatorSystem {
    /// Whether an expression is a bare name of a percentage input or metric.
    fn is_percent_expr(&self, expr: &str) -> bool {
        let name = expr.trim().trim_matches('`');
        self.inputs.iter().any(|i| i.name == name && is_percent(&i.unit))
            || self.metrics.iter().any(|m| m.name == name && is_percent(&m.unit))
    }

    /// The unit of a bare name of a non-percentage input or metric (`人`, `万元`), else "".
    fn unit_of(&self, expr: &str) -> String {
        let name = expr.trim().trim_matches('`');
        let unit = self
            .inputs
            .iter()
            .find(|i| i.name == name)
            .and_then(|i| i.unit.clone())
            .or_else(|| {
                self.metrics
                    .iter()
                    .find(|m| m.name == name)
                    .and_then(|m| m.unit.clone())
            })
            .unwrap_or_default();
        if is_percent(&Some(unit.clone())) {
            String::new()
        } else {
            unit.trim().to_string()
        }
    }

    /// The scoring standard of a rule in words, e.g. "预算完成率以100%为标准，每低于5个百分点扣1分
    /// （不足5个百分点部分不扣分），扣完为止".
    pub fn describe_rule(&self, rule: &Rule, points: Decimal, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match rule {
            Rule::Step(r) => self.describe_step(r, points, lang),
            Rule::Tiers(r) => {
                let p = self.is_percent_expr(&r.value);
                let mut parts: Vec<String> = r.tiers.iter().map(|t| tier_text(t, p, lang)).collect();
                if let Some(o) = r.otherwise {
                    parts.push(if zh {
                        format!("其他情形，计{}分", num(o.value()))
                    } else {
                        format!("otherwise {}", points_en(o.value()))
                    });
                }
                if zh {
                    // The name leads the first tier: 预算控制率为0的，计5分；0—10%（含）的，计4分.
                    let first = parts.first().map(String::as_str).unwrap_or_default();
                    let lead = if first.starts_with('为') || first.starts_with("其他") {
                        quoted(&r.value)
                    } else {
                        format!("{}：", quoted(&r.value))
                    };
                    format!("{lead}{}", parts.join("；"))
                } else {
                    format!("{}: {}", quoted(&r.value), parts.join("; "))
                }
            }
            Rule::Ratio(r) => match (r.direction, zh) {
                (Better::HigherIsBetter, true) => format!(
                    "正向指标，得分=分值×{}/{}，最高不超过该指标分值",
                    quoted(&r.actual),
                    quoted(&r.target)
                ),
                (Better::LowerIsBetter, true) => format!(
                    "反向指标，得分=分值×{}/{}，最高不超过该指标分值",
                    quoted(&r.target),
                    quoted(&r.actual)
                ),
                (Better::HigherIsBetter, false) => format!(
                    "higher is better: points × {} / {}, at most the full points",
                    quoted(&r.actual),
                    quoted(&r.target)
                ),
                (Better::LowerIsBetter, false) => format!(
                    "lower is better: points × {} / {}, at most the full points",
                    quoted(&r.target),
                    quoted(&r.actual)
                ),
            },
            Rule::Rate(r) => {
                let v = quoted(&r.value);
                if zh {
                    format!("得分=分值×{v}，超过100%的按100%计")
                } else {
                    format!("points × {v}, counted as 100% when above 100%")
                }
            }
            Rule::Level(r) => {
                let bands: Vec<String> = r.bands.iter().map(|b| band_text(b, lang)).collect();
                if zh {
                    format!("{}：{}", quoted(&r.input), bands.join("；"))
                } else {
                    format!("{}: {}", quoted(&r.input), bands.join("; "))
                }
            }
            Rule::Checklist(r) => self.describe_checklist(r, points, lang),
            Rule::PerOccurrence(r) => {
                let unit = self.unit_of(&r.value);
                let cap = cap_text(r.max_deduction, points, lang);
                let d = r.deduct.value();
                if zh {
                    // Without a declared unit: 次 for a count of times (违规次数), else 项.
                    let unit = match unit.as_str() {
                        "" if r.value.trim().ends_with("次数") => "次".to_string(),
                        "" => "项".to_string(),
                        _ => unit,
                    };
                    format!("{}：每发现1{unit}扣{}分，{cap}", quoted(&r.value), num(d))
                } else {
                    format!("{}: {} off for each occurrence, {cap}", quoted(&r.value), points_en(d))
                }
            }
            Rule::Manual(r) => {
                if zh {
                    format!("由评价人在0—{}分之间评定（{}）", num(points), quoted(&r.input))
                } else {
                    format!(
                        "scored by the evaluator from 0 to {} ({})",
                        num(points),
                        quoted(&r.input)
                    )
                }
            }
            Rule::Cases(r) => {
                let mut parts: Vec<String> = r
                    .cases
                    .iter()
                    .map(|c| {
                        let score = c.score.value();
                        match (&c.label, zh) {
                            (Some(label), true) => {
                                format!("{}，计{}分", quoted(label.trim_end_matches('的')) + "的", num(score))
                            }
                            (None, true) => format!("{}的，计{}分", condition_zh(&c.when), num(score)),
                            (Some(label), false) => format!("{}: {}", quoted(label), points_en(score)),
                            (None, false) => format!("when {}: {}", condition_en(&c.when), points_en(score)),
                        }
                    })
                    .collect();
                if let Some(o) = r.otherwise {
                    parts.push(if zh {
                        format!("其他情形，计{}分", num(o.value()))
                    } else {
                        format!("otherwise {}", points_en(o.value()))
                    });
                }
                parts.join(if zh { "；" } else { "; " })
            }
            Rule::Formula(r) => match (r.clamp, zh) {
                (true, true) => format!(
                    "得分={}，计算结果低于0的按0计，超过{}分的按{}分计",
                    quoted(&r.expr),
                    num(points),
                    num(points)
                ),
                (false, true) => format!("得分={}", quoted(&r.expr)),
                (true, false) => format!("score = {}, kept within 0 to {}", quoted(&r.expr), num(points)),
                (false, false) => format!("score = {}", quoted(&r.expr)),
            },
            Rule::ChooseOne(r) => {
                let parts: Vec<String> = r
                    .options
                    .iter()
                    .map(|o| {
                        let inner = self.describe_rule(&o.rule, points, lang);
                        match (&o.when, zh) {
                            (Some(w), true) => format!("{}的，按{}：{inner}", condition_zh(w), o.name),
                            (None, true) => format!("其他情形，按{}：{inner}", o.name),
                            (Some(w), false) => format!("{} (when {}): {inner}", o.name, condition_en(w)),
                            (None, false) => format!("{} (otherwise): {inner}", o.name),
                        }
                    })
                    .collect();
                if zh {
                    format!("按适用情形择一计分。{}", parts.join("；"))
                } else {
                    format!("whichever applies: {}", parts.join("; "))
                }
            }
        }
    }

    fn describe_step(&self, r: &StepRule, points: Decimal, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let p = self.is_percent_expr(&r.value);
        let unit = self.unit_of(&r.value);
        let threshold = r.threshold.value();
        let step = r.step.value();
        // A rate moves by percentage points; anything else by its unit.
        let step_zh = if p {
            format!(
                "{}个百分点",
                num(step.mul_checked(Decimal::ONE_HUNDRED).unwrap_or(step))
            )
        } else {
            format!("{}{unit}", num(step))
        };
        let step_en = if p {
            let pp = step.mul_checked(Decimal::ONE_HUNDRED).unwrap_or(step);
            if pp == Decimal::ONE {
                "percentage point".to_string()
            } else {
                format!("{} percentage points", num(pp))
            }
        } else if unit.is_empty() {
            num(step)
        } else {
            format!("{} {unit}", num(step))
        };
        let threshold_text = format!("{}{}", shown(threshold, p), if p { "" } else { unit.as_str() });
        let d = num(r.deduct.value());
        let cap = cap_text(r.max_deduction, points, lang);
        if zh {
            let side = match r.direction {
                Direction::Above => "超过",
                Direction::Below => "低于",
            };
            let counting = match r.counting {
                Counting::Whole => format!("（不足{step_zh}部分不扣分）"),
                Counting::Started => format!("，不足{step_zh}的按{step_zh}计"),
                Counting::Proportional => format!("，不足{step_zh}的按比例折算"),
            };
            format!(
                "{}以{threshold_text}为标准，每{side}{step_zh}扣{d}分{counting}，{cap}",
                quoted(&r.value)
            )
        } else {
            let side = match r.direction {
                Direction::Above => "above",
                Direction::Below => "below",
            };
            let counting = match r.counting {
                Counting::Whole => "a partial step not counted",
                Counting::Started => "a partial step counted in full",
                Counting::Proportional => "a partial step pro rata",
            };
            format!(
                "{}: benchmark {threshold_text}; {} off per {step_en} {side} it ({counting}), {cap}",
                quoted(&r.value),
                points_en(r.deduct.value())
            )
        }
    }

    fn describe_checklist(&self, r: &ChecklistRule, points: Decimal, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let items: Vec<(String, Option<Decimal>)> = self
            .inputs
            .iter()
            .find(|i| i.name == r.input)
            .map(|i| i.items.clone())
            .unwrap_or_default()
            .into_iter()
            .map(|item| {
                let p = r
                    .item_points
                    .iter()
                    .find(|ip| ip.item == item)
                    .map(|ip| ip.points.value())
                    .or(r.points_per_item.map(Dec::value));
                (item, p)
            })
            .collect();
        let uniform = items
            .first()
            .and_then(|f| f.1)
            .filter(|p| items.iter().all(|i| i.1 == Some(*p)));
        let sum = items
            .iter()
            .try_fold(Decimal::ZERO, |s, i| i.1.and_then(|p| s.add_checked(p)));
        let capped = sum.is_none_or(|s| s > points);
        let name = quoted(&r.input);
        let list = |sep: &str| items.iter().map(|i| quoted(&i.0)).collect::<Vec<_>>().join(sep);
        let each = |sep: &str, unit_zh: bool| {
            items
                .iter()
                .map(|(item, p)| {
                    let p = p.map(num).unwrap_or_else(|| "?".into());
                    if unit_zh {
                        format!("{}{p}分", quoted(item))
                    } else {
                        format!("{} {p}", quoted(item))
                    }
                })
                .collect::<Vec<_>>()
                .join(sep)
        };
        match (r.mode, zh) {
            (ChecklistMode::Award, true) => {
                let body = match uniform {
                    Some(p) => format!("每满足一项计{}分（{}）", num(p), list("、")),
                    None => format!("满足一项计相应分值（{}）", each("、", true)),
                };
                let cap = if capped {
                    format!("，最高{}分", num(points))
                } else {
                    String::new()
                };
                format!("{name}：{body}{cap}")
            }
            (ChecklistMode::Deduct, true) => {
                let body = match uniform {
                    Some(p) => format!("每缺少一项扣{}分（{}）", num(p), list("、")),
                    None => format!("缺少一项扣相应分值（{}）", each("、", true)),
                };
                format!("{name}：{body}，扣完为止")
            }
            (ChecklistMode::Award, false) => {
                let body = match uniform {
                    Some(p) => format!("{} for each item met ({})", points_en(p), list(", ")),
                    None => format!("the item's points for each item met ({})", each(", ", false)),
                };
                let cap = if capped {
                    format!(", at most {}", points_en(points))
                } else {
                    String::new()
                };
                format!("{name}: {body}{cap}")
            }
            (ChecklistMode::Deduct, false) => {
                let body = match uniform {
                    Some(p) => format!("{} off for each item missing ({})", points_en(p), list(", ")),
                    None => format!("the item's points off for each item missing ({})", each(", ", false)),
                };
                format!("{name}: {body}, down to zero")
            }
        }
    }

    /// The standard of an indicator as the engine applies it, with its not-applicable clause; a
    /// group (no rule of its own) has none, as the published tables leave it blank.
    pub fn describe_indicator(&self, indicator: &Indicator, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut text = match &indicator.rule {
            Some(rule) => self.describe_rule(rule, indicator.points.value(), lang),
            None => String::new(),
        };
        if let Some(na) = &indicator.not_applicable {
            let outcome = match (na.outcome, zh) {
                (NaOutcome::FullPoints, true) => "按满分计算",
                (NaOutcome::Zero, true) => "不得分",
                (NaOutcome::Excluded, true) => "不参与评分",
                (NaOutcome::FullPoints, false) => "full points",
                (NaOutcome::Zero, false) => "no points",
                (NaOutcome::Excluded, false) => "left out of the evaluation",
            };
            let sep = match (text.is_empty(), zh) {
                (true, _) => "",
                (false, true) => "；",
                (false, false) => "; ",
            };
            if zh {
                text.push_str(&format!("{sep}{}的，{outcome}", condition_zh(&na.when)));
            } else {
                text.push_str(&format!(
                    "{sep}not applicable when {}: {outcome}",
                    condition_en(&na.when)
                ));
            }
        }
        text
    }
}

/// "扣完为止", or "最多扣3分" when the cap is below the points.
fn cap_text(max: Option<Dec>, points: Decimal, lang: Lang) -> String {
    match (max.map(Dec::value).filter(|m| *m < points), lang) {
        (Some(m), Lang::Zh) => format!("最多扣{}分", num(m)),
        (None, Lang::Zh) => "扣完为止".to_string(),
        (Some(m), Lang::En) => format!("at most {} off", points_en(m)),
        (None, Lang::En) => "down to zero".to_string(),
    }
}

/// A condition in Chinese words: `not 有项目` → `无项目`, `not 已公开` → `已公开为否`,
/// `a == 0` → `a为0`, `and`/`or` → 且/或.
fn condition_zh(when: &str) -> String {
    let trimmed = when.trim();
    if let Some(name) = trimmed.strip_prefix("not ").or_else(|| trimmed.strip_prefix('!'))
        && !name.trim().contains(char::is_whitespace)
    {
        let name = name.trim().trim_matches('`');
        if let Some(rest) = name.strip_prefix('有').filter(|r| !r.is_empty()) {
            return format!("无{}", quoted(rest));
        }
        if let Some(rest) = name.strip_prefix('已').filter(|r| !r.is_empty()) {
            return format!("未{}", quoted(rest));
        }
        // A name that starts with a verb is negated with 不: 涉及生态效益 → 不涉及生态效益.
        const VERBS: [&str; 8] = ["涉及", "需要", "适用", "开展", "存在", "实施", "属于", "实行"];
        if VERBS.iter().any(|v| name.starts_with(v)) {
            return format!("不{}", quoted(name));
        }
        return format!("{}为否", quoted(name));
    }
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    if let [name, "==" | "=", value] = words.as_slice() {
        return format!("{}为{value}", quoted(name.trim_matches('`')));
    }
    let mut out = String::new();
    for word in words {
        let w = match word {
            "and" | "&&" => "且",
            "or" | "||" => "或",
            "not" | "!" => "非",
            "==" | "=" => "=",
            "!=" => "≠",
            "<=" => "≤",
            ">=" => "≥",
            other => other,
        };
        out.push_str(&quoted(w.trim_matches('`')));
    }
    out
}

/// A condition in English words: `not x` → `no x`, `==` → `=`.
fn condition_en(when: &str) -> String {
    let trimmed = when.trim();
    if let Some(name) = trimmed.strip_prefix("not ").or_else(|| trimmed.strip_prefix('!'))
        && !name.trim().contains(char::is_whitespace)
    {
        return format!("{} is no", quoted(name.trim().trim_matches('`')));
    }
    trimmed
        .split_whitespace()
        .map(|w| match w {
            "==" => "=".to_string(),
            "&&" => "and".to_string(),
            "||" => "or".to_string(),
            "!=" => "≠".to_string(),
            "<=" => "≤".to_string(),
            ">=" => "≥".to_string(),
            other => quoted(other.trim_matches('`')),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A level's band: "完善的，计满分", "基本完善的，按分值的60%计", "不完善的，不得分",
/// "部分达成的，按分值的50%—80%（不含80%）计".
fn band_text(b: &Band, lang: Lang) -> String {
    let (lo, hi) = (b.min.value(), b.max.value());
    let level = quoted(&b.level);
    if lang == Lang::Zh {
        if lo == hi {
            return if lo == Decimal::ONE {
                format!("{level}的，计满分")
            } else if lo.is_zero() {
                format!("{level}的，不得分")
            } else {
                format!("{level}的，按分值的{}计", share(lo))
            };
        }
        let open = match (b.min_inclusive, b.max_inclusive) {
            (true, true) => String::new(),
            (false, true) => format!("（不含{}）", share(lo)),
            (true, false) => format!("（不含{}）", share(hi)),
            (false, false) => format!("（不含{}和{}）", share(lo), share(hi)),
        };
        format!("{level}的，按分值的{}—{}{open}计", share(lo), share(hi))
    } else {
        if lo == hi {
            return if lo == Decimal::ONE {
                format!("{level}: full points")
            } else if lo.is_zero() {
                format!("{level}: no points")
            } else {
                format!("{level}: {} of the points", share(lo))
            };
        }
        let from = if b.min_inclusive {
            share(lo)
        } else {
            format!("over {}", share(lo))
        };
        let to = if b.max_inclusive {
            format!("to {}", share(hi))
        } else {
            format!("to under {}", share(hi))
        };
        format!("{level}: {from} {to} of the points")
    }
}

/// One tier: "为0的，计5分", "0—10%（含）的，计4分", "80%（含）—90%的，计4分", "超过30%的，计0分".
fn tier_text(t: &Tier, percent: bool, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let score = t.score.value();
    let value = |d: Dec| d.value();
    let (lower, upper) = match t.eq {
        Some(eq) => (Some((eq.value(), true)), Some((eq.value(), true))),
        None => (
            t.gt.map(|v| (value(v), false)).or(t.ge.map(|v| (value(v), true))),
            t.le.map(|v| (value(v), true)).or(t.lt.map(|v| (value(v), false))),
        ),
    };
    let cond = crate::explain::tier_bounds(lower, upper, &|d| shown(d, percent), lang);
    if zh {
        format!("{cond}的，计{}分", num(score))
    } else {
        format!("{} if {cond}", points_en(score))
    }
}
