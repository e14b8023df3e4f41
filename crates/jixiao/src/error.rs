//! Errors: loading and validating a system, reading inputs, evaluating.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::explain::Lang;
use crate::inputs::ValueProblem;

/// One problem found in an indicator system: where it is and what was expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Where: `indicators[2.1.1].rule.tiers[1]`, `metrics[预算完成率].expr`, `grades[2].min`.
    pub path: String,
    /// 1-based character position inside an expression, when the problem is in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Issue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.position {
            Some(p) => write!(f, "{} (at position {p}): {}", self.path, self.message),
            None => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Every problem found while validating an indicator system (not just the first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ValidationErrors {
    /// The problems, in file order.
    pub issues: Vec<Issue>,
}

impl ValidationErrors {
    /// A stable machine-readable kind: `validation`.
    pub fn kind(&self) -> &'static str {
        "validation"
    }
}

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.issues.len();
        write!(f, "the indicator system has {n} error{}", if n == 1 { "" } else { "s" })?;
        for issue in &self.issues {
            write!(f, "\n  - {issue}")?;
        }
        Ok(())
    }
}

/// Reading an indicator system failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// The text is not valid JSON/TOML for the format.
    #[error("{format} error at {}: {message}", syntax_place(path, *line, *column))]
    Syntax {
        /// `JSON` or `TOML`.
        format: &'static str,
        /// Field path (`indicators[0].points`); empty for the document itself or a syntax error.
        path: String,
        /// 1-based line of the offending value or key, when known.
        line: Option<usize>,
        /// 1-based column (in characters) of the offending value or key, when known.
        column: Option<usize>,
        /// What the parser expected.
        message: String,
    },
    /// The file parsed but is not a valid indicator system.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
}

/// `indicators[0].points (line 5 column 40)`, `(line 1 column 9)`, or `(file)` when nothing is known.
fn syntax_place(path: &str, line: Option<usize>, column: Option<usize>) -> String {
    match (path.is_empty(), line.zip(column)) {
        (true, None) => "(file)".to_string(),
        (false, None) => path.to_string(),
        (true, Some((l, c))) => format!("(line {l} column {c})"),
        (false, Some((l, c))) => format!("{path} (line {l} column {c})"),
    }
}

impl LoadError {
    /// A stable machine-readable kind: `syntax` (the text does not read as the format) or
    /// `validation` (it reads, but is not a valid indicator system).
    pub fn kind(&self) -> &'static str {
        match self {
            LoadError::Syntax { .. } => "syntax",
            LoadError::Invalid(_) => "validation",
        }
    }

    /// The problems as issues (one for a syntax error, whose path carries its line and column).
    pub fn issues(&self) -> Vec<Issue> {
        match self {
            LoadError::Syntax {
                path,
                line,
                column,
                message,
                ..
            } => {
                vec![Issue {
                    path: syntax_place(path, *line, *column),
                    position: None,
                    message: message.clone(),
                }]
            }
            LoadError::Invalid(v) => v.issues.clone(),
        }
    }
}

/// A problem with one input value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// A name that the system does not declare (a typo would otherwise be ignored).
    #[error("input `{name}` is not declared by the indicator system")]
    Unknown {
        /// The name given.
        name: String,
    },
    /// A required input without a value.
    #[error("input `{name}` is required but was not given")]
    Missing {
        /// The input.
        name: String,
    },
    /// A value that does not fit the input.
    #[error("input `{name}`: {problem}")]
    Invalid {
        /// The input.
        name: String,
        /// What is wrong with the value.
        problem: ValueProblem,
    },
}

impl InputError {
    /// A stable machine-readable kind: `unknown`, `missing` or `invalid`.
    pub fn kind(&self) -> &'static str {
        match self {
            InputError::Unknown { .. } => "unknown",
            InputError::Missing { .. } => "missing",
            InputError::Invalid { .. } => "invalid",
        }
    }

    /// A stable code of what is wrong: `unknown_input`, `missing_input`, or the value problem's
    /// code (`not_a_decimal`, `out_of_range`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            InputError::Unknown { .. } => "unknown_input",
            InputError::Missing { .. } => "missing_input",
            InputError::Invalid { problem, .. } => problem.code(),
        }
    }

    /// The parameters of the message: the input's `name`, then the value problem's.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let mut p = vec![("name", self.name().to_string())];
        if let InputError::Invalid { problem, .. } = self {
            p.extend(problem.params());
        }
        p
    }

    /// The message in `lang` (the English one is `Display`'s).
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => match self {
                InputError::Unknown { name } => format!("指标体系中没有“{name}”这一项基础数据"),
                InputError::Missing { name } => format!("缺少必填的基础数据“{name}”"),
                InputError::Invalid { name, problem } => format!("“{name}”：{}", problem.message(Lang::Zh)),
            },
        }
    }

    /// The input concerned.
    pub fn name(&self) -> &str {
        match self {
            InputError::Unknown { name } | InputError::Missing { name } | InputError::Invalid { name, .. } => name,
        }
    }
}

/// What went wrong inside an expression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ArithmeticFault {
    /// Division by zero not guarded by the expression.
    DivisionByZero,
    /// A result beyond the decimal range.
    Overflow,
}

impl fmt::Display for ArithmeticFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ArithmeticFault::DivisionByZero => "division by zero",
            ArithmeticFault::Overflow => "result beyond the decimal range",
        })
    }
}

/// Evaluating a unit failed; one unit's error never affects another unit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// The inputs do not fit the system (every problem listed).
    #[error("{}", list_inputs(.0))]
    Inputs(Vec<InputError>),
    /// An expression failed.
    #[error("{location}: {fault} at position {position} of `{expr}`")]
    Arithmetic {
        /// `metric 预算完成率` or `indicator 2.1.1 rule.value`.
        location: String,
        /// The fault.
        fault: ArithmeticFault,
        /// 1-based position of the operator.
        position: usize,
        /// The expression text.
        expr: String,
    },
    /// An optional input without value is needed.
    #[error("input `{input}` is needed by {needed_by} but was not given")]
    MissingInput {
        /// The input.
        input: String,
        /// What needs it.
        needed_by: String,
    },
    /// A metric's value lies outside its declared range.
    #[error("metric `{metric}` = {value} is outside its declared range {range}")]
    MetricOutOfRange {
        /// The metric.
        metric: String,
        /// Its value.
        value: Decimal,
        /// The declared range, e.g. `[0, 1]`.
        range: String,
        /// The declared lower bound, if any.
        min: Option<Decimal>,
        /// The declared upper bound, if any.
        max: Option<Decimal>,
    },
    /// A score that the rule cannot accept (manual score above points, level score outside its band ...).
    #[error("indicator `{indicator}`: {problem}")]
    Score {
        /// The indicator.
        indicator: String,
        /// What is wrong and what was expected.
        problem: ScoreProblem,
    },
    /// A score or total beyond the decimal range (only absurd figures get here).
    #[error("{location}: arithmetic overflow computing {what} (the figures are beyond the decimal range)")]
    Overflow {
        /// `indicator 2.1.1` or `total`.
        location: String,
        /// What was being computed.
        what: &'static str,
    },
    /// Every indicator was excluded, so no total can be formed.
    #[error("every indicator is excluded as not applicable; no total can be formed")]
    AllExcluded,
    /// A data consistency check (勾稽关系) of severity `error` failed: the figures do not add up.
    #[error("check `{check}` ({name}) failed: `{expr}` does not hold for these figures")]
    CheckFailed {
        /// The check's id.
        check: String,
        /// Its name.
        name: String,
        /// Its condition.
        expr: String,
    },
}

/// Why an indicator cannot be scored.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScoreProblem {
    /// `no_tier`: no tier covers the value and the table has no `otherwise`.
    NoTier {
        /// The value.
        value: Decimal,
    },
    /// `score_outside_points`: a score given by the evaluator outside [0, points].
    ManualOutside {
        /// The score given.
        score: Decimal,
        /// The input it was given in.
        input: String,
        /// The points.
        points: Decimal,
    },
    /// `no_case`: no case holds and the rule gives no `otherwise`.
    NoCase,
    /// `formula_outside_points`: a formula's score outside [0, points].
    FormulaOutside {
        /// The formula's value.
        value: Decimal,
        /// The points.
        points: Decimal,
    },
    /// `no_alternative`: none of a choose-one rule's alternatives applies.
    NoAlternative,
    /// `no_band`: a level without a band.
    NoBand {
        /// The level.
        level: String,
    },
    /// `level_score_outside`: the score given for a level lies outside its band.
    LevelScoreOutside {
        /// The score given.
        score: Decimal,
        /// The level.
        level: String,
        /// The band in points, `[4, 5]`.
        band: String,
        /// The band in Chinese, `4 至 5 分（含 4 分、5 分）`.
        band_zh: String,
    },
    /// `level_score_needed`: a level whose band has no default needs a score.
    LevelScoreNeeded {
        /// The level.
        level: String,
        /// The band in points.
        band: String,
        /// The band in Chinese.
        band_zh: String,
    },
    /// `does_not_fit`: a figure a writer cannot hold (e.g. a column's decimal type), in its words.
    DoesNotFit {
        /// What the writer says.
        message: String,
    },
}

impl ScoreProblem {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            ScoreProblem::NoTier { .. } => "no_tier",
            ScoreProblem::ManualOutside { .. } => "score_outside_points",
            ScoreProblem::NoCase => "no_case",
            ScoreProblem::FormulaOutside { .. } => "formula_outside_points",
            ScoreProblem::NoAlternative => "no_alternative",
            ScoreProblem::NoBand { .. } => "no_band",
            ScoreProblem::LevelScoreOutside { .. } => "level_score_outside",
            ScoreProblem::LevelScoreNeeded { .. } => "level_score_needed",
            ScoreProblem::DoesNotFit { .. } => "does_not_fit",
        }
    }

    /// The parameters of the message.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let n = |d: &Decimal| d.normalize().to_string();
        match self {
            ScoreProblem::NoTier { value } => vec![("value", n(value))],
            ScoreProblem::ManualOutside { score, input, points } => {
                vec![("score", n(score)), ("input", input.clone()), ("points", n(points))]
            }
            ScoreProblem::NoCase | ScoreProblem::NoAlternative => Vec::new(),
            ScoreProblem::FormulaOutside { value, points } => vec![("value", n(value)), ("points", n(points))],
            ScoreProblem::NoBand { level } => vec![("level", level.clone())],
            ScoreProblem::LevelScoreOutside { score, level, band, .. } => {
                vec![("score", n(score)), ("level", level.clone()), ("band", band.clone())]
            }
            ScoreProblem::LevelScoreNeeded { level, band, .. } => {
                vec![("level", level.clone()), ("band", band.clone())]
            }
            ScoreProblem::DoesNotFit { message } => vec![("message", message.clone())],
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let n = |d: &Decimal| d.normalize().to_string();
        match (lang, self) {
            (Lang::En, ScoreProblem::NoTier { value }) => format!("no tier covers the value {}", n(value)),
            (Lang::Zh, ScoreProblem::NoTier { value }) => {
                format!("数值 {} 不在任何档次内，且评分标准未规定其余情形", n(value))
            }
            (Lang::En, ScoreProblem::ManualOutside { score, input, points }) => format!(
                "the score {} given in `{input}` is outside [0, {}]",
                n(score),
                n(points)
            ),
            (Lang::Zh, ScoreProblem::ManualOutside { score, input, points }) => {
                format!("“{input}”填写的得分 {} 超出 0—{} 分", n(score), n(points))
            }
            (Lang::En, ScoreProblem::NoCase) => "no case holds and the rule gives no `otherwise`".into(),
            (Lang::Zh, ScoreProblem::NoCase) => "没有适用的情形，评分标准也未规定其余情形的得分".into(),
            (Lang::En, ScoreProblem::FormulaOutside { value, points }) => {
                format!("the formula gives {}, outside [0, {}]", n(value), n(points))
            }
            (Lang::Zh, ScoreProblem::FormulaOutside { value, points }) => {
                format!("计算公式得 {} 分，超出 0—{} 分", n(value), n(points))
            }
            (Lang::En, ScoreProblem::NoAlternative) => "none of the alternatives applies".into(),
            (Lang::Zh, ScoreProblem::NoAlternative) => "没有适用的评分选项".into(),
            (Lang::En, ScoreProblem::NoBand { level }) => format!("no band for level `{level}`"),
            (Lang::Zh, ScoreProblem::NoBand { level }) => format!("等级“{level}”没有对应的得分区间"),
            (Lang::En, ScoreProblem::LevelScoreOutside { score, level, band, .. }) => {
                format!("the score {} for level `{level}` is outside its band {band}", n(score))
            }
            (
                Lang::Zh,
                ScoreProblem::LevelScoreOutside {
                    score, level, band_zh, ..
                },
            ) => {
                format!("评为“{level}”的得分应在 {band_zh}，填写的是 {} 分", n(score))
            }
            (Lang::En, ScoreProblem::LevelScoreNeeded { level, band, .. }) => {
                format!("level `{level}` needs a score in {band} (the band has no default)")
            }
            (Lang::Zh, ScoreProblem::LevelScoreNeeded { level, band_zh, .. }) => {
                format!("评为“{level}”时须填写档内得分（{band_zh}；该档没有默认得分）")
            }
            (Lang::En, ScoreProblem::DoesNotFit { message }) => message.clone(),
            (Lang::Zh, ScoreProblem::DoesNotFit { message }) => format!("无法写出该得分：{message}"),
        }
    }
}

/// The English message.
impl fmt::Display for ScoreProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

fn list_inputs(errors: &[InputError]) -> String {
    let mut s = String::new();
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            s.push_str("; ");
        }
        s.push_str(&e.to_string());
    }
    s
}

impl EvalError {
    /// A stable machine-readable kind: `inputs`, `arithmetic`, `missing_input`, `metric_out_of_range`,
    /// `score`, `overflow`, `all_excluded`, `check`.
    pub fn kind(&self) -> &'static str {
        match self {
            EvalError::Inputs(_) => "inputs",
            EvalError::Arithmetic { .. } => "arithmetic",
            EvalError::MissingInput { .. } => "missing_input",
            EvalError::MetricOutOfRange { .. } => "metric_out_of_range",
            EvalError::Score { .. } => "score",
            EvalError::Overflow { .. } => "overflow",
            EvalError::AllExcluded => "all_excluded",
            EvalError::CheckFailed { .. } => "check",
        }
    }

    /// A stable code of what went wrong, finer than [`kind`](Self::kind): `division_by_zero`,
    /// `level_score_needed`, `out_of_range` ... (for a list of input problems, the first one's).
    pub fn code(&self) -> &'static str {
        match self {
            EvalError::Inputs(list) => list.first().map_or("inputs", InputError::code),
            EvalError::Arithmetic { fault, .. } => match fault {
                ArithmeticFault::DivisionByZero => "division_by_zero",
                ArithmeticFault::Overflow => "arithmetic_overflow",
            },
            EvalError::MissingInput { .. } => "missing_input",
            EvalError::MetricOutOfRange { .. } => "metric_out_of_range",
            EvalError::Score { problem, .. } => problem.code(),
            EvalError::Overflow { .. } => "overflow",
            EvalError::AllExcluded => "all_excluded",
            EvalError::CheckFailed { .. } => "check_failed",
        }
    }

    /// The parameters of the message, by name: the input, metric or indicator concerned first.
    pub fn params(&self) -> Vec<(&'static str, String)> {
        match self {
            EvalError::Inputs(list) => list.first().map(InputError::params).unwrap_or_default(),
            EvalError::Arithmetic {
                location,
                position,
                expr,
                ..
            } => vec![
                ("location", location.clone()),
                ("expr", expr.clone()),
                ("position", position.to_string()),
            ],
            EvalError::MissingInput { input, needed_by } => {
                vec![("input", input.clone()), ("needed_by", needed_by.clone())]
            }
            EvalError::MetricOutOfRange {
                metric, value, range, ..
            } => vec![
                ("metric", metric.clone()),
                ("value", value.normalize().to_string()),
                ("range", range.clone()),
            ],
            EvalError::Score { indicator, problem } => {
                let mut p = vec![("indicator", indicator.clone())];
                p.extend(problem.params());
                p
            }
            EvalError::Overflow { location, what } => {
                vec![("location", location.clone()), ("what", (*what).to_string())]
            }
            EvalError::AllExcluded => Vec::new(),
            EvalError::CheckFailed { check, name, expr } => {
                vec![("check", check.clone()), ("name", name.clone()), ("expr", expr.clone())]
            }
        }
    }

    /// The message in `lang` (the English one is `Display`'s). The Chinese names what the person
    /// filling in the table can change: the input, the metric (and the inputs it divides by), the
    /// indicator.
    pub fn message(&self, lang: Lang) -> String {
        if lang == Lang::En {
            return self.to_string();
        }
        match self {
            EvalError::Inputs(list) => list.iter().map(|e| e.message(Lang::Zh)).collect::<Vec<_>>().join("；"),
            EvalError::Arithmetic {
                location, fault, expr, ..
            } => {
                let what = location_zh(location);
                match fault {
                    ArithmeticFault::DivisionByZero => {
                        format!("无法计算{what}：公式 {expr} 的除数为 0（请检查作分母的基础数据是否填了 0）")
                    }
                    ArithmeticFault::Overflow => format!("无法计算{what}：公式 {expr} 的结果超出数值范围"),
                }
            }
            EvalError::MissingInput { input, needed_by } => {
                format!("缺少基础数据“{input}”（{}需要）", location_zh(needed_by))
            }
            EvalError::MetricOutOfRange {
                metric,
                value,
                min,
                max,
                ..
            } => {
                // The declared range as a table states it: 0至1, 不得小于0.
                let range = match (min, max) {
                    (Some(lo), Some(hi)) => format!("应在{}至{}之间", lo.normalize(), hi.normalize()),
                    (Some(lo), None) => format!("不得小于{}", lo.normalize()),
                    (None, Some(hi)) => format!("不得大于{}", hi.normalize()),
                    (None, None) => String::new(),
                };
                format!("“{metric}”为{}，超出其允许范围（{range}）", value.normalize())
            }
            EvalError::Score { indicator, problem } => {
                format!("指标 {indicator}：{}", problem.message(Lang::Zh))
            }
            EvalError::Overflow { location, .. } => {
                format!("{}：数值过大，超出精确计算的范围", location_zh(location))
            }
            EvalError::AllExcluded => "所有指标均不适用，无法计算总分".into(),
            EvalError::CheckFailed { name, expr, .. } => {
                format!("基础数据勾稽关系不符：{name}（{expr}）不成立，请核对相关数据")
            }
        }
    }
}

/// A location of an error (`metrics[预算完成率].expr`, `indicators[2.1.1].rule.value`, `total`)
/// as Chinese: 指标“预算完成率”, 指标 2.1.1, 总分.
fn location_zh(location: &str) -> String {
    let inner = |prefix: &str| {
        location
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once(']'))
            .map(|(name, _)| name.to_string())
    };
    if let Some(name) = inner("metrics[") {
        format!("“{name}”")
    } else if let Some(id) = inner("indicators[") {
        format!("指标 {id}")
    } else if let Some(id) = inner("bonus.items[") {
        format!("加分项 {id}")
    } else if let Some(name) = inner("inputs[") {
        format!("“{name}”")
    } else if let Some(id) = inner("checks[") {
        format!("勾稽关系 {id}")
    } else if location == "total" {
        "总分".into()
    } else if let Some(name) = location
        .strip_prefix("vetoes[")
        .and_then(|r| r.split_once(']'))
        .map(|(n, _)| n)
    {
        format!("否决项 {name}")
    } else {
        location.to_string()
    }
}
