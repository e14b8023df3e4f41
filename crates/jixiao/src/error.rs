//! Errors: loading and validating a system, reading inputs, evaluating.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

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
    #[error("input `{name}`: {message}")]
    Invalid {
        /// The input.
        name: String,
        /// What was expected.
        message: String,
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
    },
    /// A score that the rule cannot accept (manual score above points, level score outside its band ...).
    #[error("indicator `{indicator}`: {message}")]
    Score {
        /// The indicator.
        indicator: String,
        /// What was wrong and what was expected.
        message: String,
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
    /// `score`, `overflow`, `all_excluded`.
    pub fn kind(&self) -> &'static str {
        match self {
            EvalError::Inputs(_) => "inputs",
            EvalError::Arithmetic { .. } => "arithmetic",
            EvalError::MissingInput { .. } => "missing_input",
            EvalError::MetricOutOfRange { .. } => "metric_out_of_range",
            EvalError::Score { .. } => "score",
            EvalError::Overflow { .. } => "overflow",
            EvalError::AllExcluded => "all_excluded",
        }
    }
}
