//! Scoring standards (评分标准) rendered from the rules, so that a printed table says what the
//! engine will actually do — to be read beside the published wording.

use rust_decimal::Decimal;

use crate::compile::is_percent;
use crate::dec::Arith;
use crate::dec::Dec;
use crate::explain::{Lang, num};
use crate::format::*;

/// Renders a decimal as the table would print it: a percentage when `percent`, else plain.
fn shown(d: Decimal, percent: bool) -> String {
    if percent {
        format!("{}%", num(d.mul_checked(Decimal::ONE_HUNDRED).unwrap_or(d)))
    } else {
        num(d)
    }
}

impl IndicatorSystem {
    /// Whether an expression is a bare name of a percentage input or metric.
    fn is_percent_expr(&self, expr: &str) -> bool {
        let name = expr.trim().trim_matches('`');
        self.inputs.iter().any(|i| i.name == name && is_percent(&i.unit))
            || self.metrics.iter().any(|m| m.name == name && is_percent(&m.unit))
    }

    /// The scoring standard of a rule in words, e.g. "预算完成率以 100% 为标准，每低于 5% 扣 1 分（整档计），扣完为止".
    pub fn describe_rule(&self, rule: &Rule, points: Decimal, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match rule {
            Rule::Step(r) => {
                let p = self.is_percent_expr(&r.value);
                let (side_zh, side_en) = match r.direction {
                    Direction::Above => ("超过", "above"),
                    Direction::Below => ("低于", "below"),
                };
                let counting = match (r.counting, zh) {
                    (Counting::Whole, true) => "整档计",
                    (Counting::Started, true) => "不足一档按一档计",
                    (Counting::Proportional, true) => "按比例计",
                    (Counting::Whole, false) => "whole steps only",
                    (Counting::Started, false) => "every started step counts",
                    (Counting::Proportional, false) => "proportionally",
                };
                let cap = r.max_deduction.map(|m| {
                    if zh {
                        format!("，最多扣 {m} 分")
                    } else {
                        format!(", at most {m} points")
                    }
                });
                let cap = cap.unwrap_or_default();
                if zh {
                    format!(
                        "{}以 {} 为标准，每{side_zh} {} 扣 {} 分（{counting}），扣完为止{cap}",
                        r.value,
                        shown(r.threshold.value(), p),
                        shown(r.step.value(), p),
                        r.deduct
                    )
                } else {
                    format!(
                        "{}: full points up to {}; {} points off per {} {side_en} it ({counting}), down to zero{cap}",
                        r.value,
                        shown(r.threshold.value(), p),
                        r.deduct,
                        shown(r.step.value(), p)
                    )
                }
            }
            Rule::Tiers(r) => {
                let p = self.is_percent_expr(&r.value);
                let mut parts: Vec<String> = r.tiers.iter().map(|t| tier_text(t, p, lang)).collect();
                if let Some(o) = r.otherwise {
                    parts.push(if zh {
                        format!("其他情况计 {o} 分")
                    } else {
                        format!("otherwise {o}")
                    });
                }
                if zh {
                    format!("{}：{}", r.value, parts.join("；"))
                } else {
                    format!("{}: {}", r.value, parts.join("; "))
                }
            }
            Rule::Ratio(r) => match (r.direction, zh) {
                (Better::HigherIsBetter, true) => {
                    format!("正向指标：得分 = 分值 × {} / {}，最高为满分", r.actual, r.target)
                }
                (Better::LowerIsBetter, true) => {
                    format!("反向指标：得分 = 分值 × {} / {}，最高为满分", r.target, r.actual)
                }
                (Better::HigherIsBetter, false) => {
                    format!(
                        "higher is better: score = points × {} / {}, at most full points",
                        r.actual, r.target
                    )
                }
                (Better::LowerIsBetter, false) => {
                    format!(
                        "lower is better: score = points × {} / {}, at most full points",
                        r.target, r.actual
                    )
                }
            },
            Rule::Rate(r) => {
                if zh {
                    format!("得分 = 分值 × {}（按 0–100% 计）", r.value)
                } else {
                    format!("score = points × {} (counted within 0–100%)", r.value)
                }
            }
            Rule::Level(r) => {
                let bands: Vec<String> = r
                    .bands
                    .iter()
                    .map(|b| {
                        let range = if b.min == b.max {
                            shown(b.min.value(), true)
                        } else {
                            let lo = if b.min_inclusive {
                                ""
                            } else {
                                if zh { "（不含）" } else { " (exclusive)" }
                            };
                            let hi = if b.max_inclusive {
                                ""
                            } else {
                                if zh { "（不含）" } else { " (exclusive)" }
                            };
                            format!("{}{lo}–{}{hi}", shown(b.min.value(), true), shown(b.max.value(), true))
                        };
                        if zh {
                            format!("{}计分值的 {range}", b.level)
                        } else {
                            format!("{}: {range} of the points", b.level)
                        }
                    })
                    .collect();
                if zh {
                    format!("{}：{}", r.input, bands.join("；"))
                } else {
                    format!("{}: {}", r.input, bands.join("; "))
                }
            }
            Rule::Checklist(r) => {
                let items: Vec<String> = self
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
                            .map(|ip| ip.points)
                            .or(r.points_per_item)
                            .map_or_else(String::new, |p| p.to_string());
                        if zh {
                            format!("{item} {p} 分")
                        } else {
                            format!("{item} {p}")
                        }
                    })
                    .collect();
                match (r.mode, zh) {
                    (ChecklistMode::Award, true) => format!(
                        "{}：每满足一项得分（{}），最高 {} 分",
                        r.input,
                        items.join("、"),
                        num(points)
                    ),
                    (ChecklistMode::Deduct, true) => {
                        format!("{}：每缺一项扣分（{}），扣完为止", r.input, items.join("、"))
                    }
                    (ChecklistMode::Award, false) => {
                        format!(
                            "{}: points per satisfied item ({}), at most {}",
                            r.input,
                            items.join(", "),
                            num(points)
                        )
                    }
                    (ChecklistMode::Deduct, false) => {
                        format!(
                            "{}: points off per missing item ({}), down to zero",
                            r.input,
                            items.join(", ")
                        )
                    }
                }
            }
            Rule::PerOccurrence(r) => {
                let cap = r.max_deduction.map(|m| {
                    if zh {
                        format!("，最多扣 {m} 分")
                    } else {
                        format!(", at most {m} points")
                    }
                });
                let cap = cap.unwrap_or_default();
                if zh {
                    format!("{}每出现一次扣 {} 分，扣完为止{cap}", r.value, r.deduct)
                } else {
                    format!(
                        "{} points off per occurrence of {}, down to zero{cap}",
                        r.deduct, r.value
                    )
                }
            }
            Rule::Manual(r) => {
                if zh {
                    format!("由评价人在 0–{} 分之间评分（{}）", num(points), r.input)
                } else {
                    format!("scored by the evaluator within 0–{} ({})", num(points), r.input)
                }
            }
            Rule::Cases(r) => {
                let mut parts: Vec<String> = r
                    .cases
                    .iter()
                    .map(|c| {
                        let what = c.label.as_deref().unwrap_or(&c.when);
                        if zh {
                            format!("{what}计 {} 分", c.score)
                        } else {
                            format!("{what}: {}", c.score)
                        }
                    })
                    .collect();
                if let Some(o) = r.otherwise {
                    parts.push(if zh {
                        format!("其他情况计 {o} 分")
                    } else {
                        format!("otherwise {o}")
                    });
                }
                parts.join(if zh { "；" } else { "; " })
            }
            Rule::Formula(r) => match (r.clamp, zh) {
                (true, true) => format!("得分 = {}（超出 0–{} 分按上下限计）", r.expr, num(points)),
                (false, true) => format!("得分 = {}", r.expr),
                (true, false) => format!("score = {} (clamped into 0–{})", r.expr, num(points)),
                (false, false) => format!("score = {}", r.expr),
            },
            Rule::ChooseOne(r) => {
                let parts: Vec<String> = r
                    .options
                    .iter()
                    .map(|o| {
                        let inner = self.describe_rule(&o.rule, points, lang);
                        match (&o.when, zh) {
                            (Some(w), true) => format!("{}（当 {w} 时）：{inner}", o.name),
                            (None, true) => format!("{}（其他情况）：{inner}", o.name),
                            (Some(w), false) => format!("{} (when {w}): {inner}", o.name),
                            (None, false) => format!("{} (otherwise): {inner}", o.name),
                        }
                    })
                    .collect();
                if zh {
                    format!("二者择其一。{}", parts.join("；"))
                } else {
                    format!("one of: {}", parts.join("; "))
                }
            }
        }
    }

    /// The standard of an indicator as the engine applies it, with its not-applicable clause.
    pub fn describe_indicator(&self, indicator: &Indicator, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut text = match &indicator.rule {
            Some(rule) => self.describe_rule(rule, indicator.points.value(), lang),
            None if zh => "按下级指标得分合计".to_string(),
            None => "sum of the sub-indicators".to_string(),
        };
        if let Some(na) = &indicator.not_applicable {
            let outcome = match (na.outcome, zh) {
                (NaOutcome::FullPoints, true) => "按满分计算",
                (NaOutcome::Zero, true) => "计 0 分",
                (NaOutcome::Excluded, true) => "不参与评分",
                (NaOutcome::FullPoints, false) => "full points",
                (NaOutcome::Zero, false) => "zero",
                (NaOutcome::Excluded, false) => "excluded",
            };
            if zh {
                let cond = condition_zh(&na.when);
                text.push_str(&format!(
                    "；{cond}{}时不适用，{outcome}",
                    if cond.ends_with(|c: char| c.is_ascii_alphanumeric() || c == '%') {
                        " "
                    } else {
                        ""
                    }
                ));
            } else {
                text.push_str(&format!("; not applicable when {}: {outcome}", na.when));
            }
        }
        text
    }
}

/// A condition in Chinese words: `not 有项目` → `有项目为否`, `a == 0` → `a = 0`, `and`/`or` → 且/或.
fn condition_zh(when: &str) -> String {
    let trimmed = when.trim();
    if let Some(name) = trimmed.strip_prefix("not ").or_else(|| trimmed.strip_prefix('!'))
        && !name.trim().contains(char::is_whitespace)
    {
        return format!("{}为否", name.trim().trim_matches('`'));
    }
    let mut out = String::new();
    for word in when.split_whitespace() {
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
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

fn tier_text(t: &Tier, percent: bool, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let s = |d: Dec| shown(d.value(), percent);
    let cond = if let Some(eq) = t.eq {
        if zh {
            format!("等于 {}", s(eq))
        } else {
            format!("= {}", s(eq))
        }
    } else {
        let mut parts = Vec::new();
        if let Some(v) = t.ge {
            parts.push(if zh {
                format!("不低于 {}", s(v))
            } else {
                format!("≥ {}", s(v))
            });
        }
        if let Some(v) = t.gt {
            parts.push(if zh {
                format!("大于 {}", s(v))
            } else {
                format!("> {}", s(v))
            });
        }
        if let Some(v) = t.le {
            parts.push(if zh {
                format!("不超过 {}", s(v))
            } else {
                format!("≤ {}", s(v))
            });
        }
        if let Some(v) = t.lt {
            parts.push(if zh {
                format!("低于 {}", s(v))
            } else {
                format!("< {}", s(v))
            });
        }
        parts.join(if zh { "且" } else { " and " })
    };
    if zh {
        format!("{cond}计 {} 分", t.score)
    } else {
        format!("{cond}: {}", t.score)
    }
}
