//! The JSON contract that every binding reuses: the request and answer types *are* the JSON
//! layer (derived `Deserialize` / `Serialize`), read and written by serde, never built by hand.
//!
//! - Figures are decimal strings (`"91.73"`); inputs may also be JSON numbers, read from their
//!   digits through the format's document tree (never a binary float), so this crate needs no
//!   `arbitrary_precision` from serde_json and imposes none on the services that link it.
//! - Errors are JSON too: `{"error": {"kind", "message", "errors": [{"path", "position"?,
//!   "input"?, "kind"?, "message"}]}}` ([`JsonError`]).
//! - Explanations are optional ([`Options::explain`]): a service that wants figures only does not
//!   pay for the text.
//! - Every evaluation records what produced it ([`Provenance`]): the system's id, version and year,
//!   a content hash of the system, and the engine's version.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::de;
use serde::{Deserialize, Serialize, Serializer};

use crate::analysis::{AnalysisError, Audit, Claims, Comparison, Goal, Sensitivity, Target};
use crate::compile::{Provenance, Scorer};
use crate::dec::{Arith, Dec};
use crate::error::{EvalError, InputError, LoadError};
use crate::eval::{Evaluation, IndicatorResult, Outcome, Status};
use crate::explain::{Lang, num};
use crate::format::{IndicatorSystem, InputDefault, NaOutcome};
use crate::inputs::read::{self, ReadError};
use crate::inputs::{Inputs, UnitInputs};

// ---------------------------------------------------------------------------------------------
// Errors

/// An error of the JSON layer, itself serialisable as `{"error": {...}}` ([`JsonError::to_json`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct JsonError {
    /// `syntax`, `validation`, `request`, or an evaluation kind (`inputs`, `arithmetic`, ...).
    pub kind: String,
    /// A stable code of what went wrong, finer than `kind` (`division_by_zero`,
    /// `level_score_needed`, `not_a_decimal`, ...); `kind` again where nothing finer is known.
    pub code: String,
    /// One line saying what went wrong (English).
    pub message: String,
    /// The same in Chinese, as the people filling in the tables read it.
    pub message_zh: String,
    /// Details with locations.
    pub errors: Vec<ErrorDetail>,
}

/// One located problem of a [`JsonError`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorDetail {
    /// Where: `indicators[0].points (line 5 column 40)`, `inputs[年初预算]`, `metric 预算完成率`.
    pub path: String,
    /// 1-based character position inside an expression, when the problem is in one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<usize>,
    /// The input concerned, for input errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input: Option<String>,
    /// The indicator concerned, for an error scoring one (`2.1.1`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// For input errors: `unknown`, `missing` or `invalid`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// A stable code of the problem (`not_a_decimal`, `out_of_range`, `division_by_zero`, ...).
    pub code: String,
    /// The message's parameters by name (the figures and names it quotes), for front ends that
    /// word it themselves.
    pub params: BTreeMap<&'static str, String>,
    /// What is wrong and what was expected (English).
    pub message: String,
    /// The same in Chinese.
    pub message_zh: String,
}

impl ErrorDetail {
    /// A detail whose message has no Chinese of its own (a request's JSON syntax, a system's
    /// validation issue): the Chinese says what kind of problem it is and quotes the English.
    fn at(path: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ErrorDetail {
            path: path.into(),
            position: None,
            input: None,
            indicator: None,
            kind: None,
            code: code.to_string(),
            params: BTreeMap::new(),
            message_zh: untranslated_zh(code, &message),
            message,
        }
    }

    /// A detail with its code, parameters and both messages.
    fn coded(
        path: impl Into<String>,
        code: &str,
        params: Vec<(&'static str, String)>,
        message: String,
        message_zh: String,
    ) -> Self {
        ErrorDetail {
            path: path.into(),
            position: None,
            input: None,
            indicator: None,
            kind: None,
            code: code.to_string(),
            params: params.into_iter().collect(),
            message,
            message_zh,
        }
    }
}

/// The Chinese of a message the engine words only in English (a JSON syntax error, a system's
/// validation issue): what kind of problem it is, then the English detail.
fn untranslated_zh(code: &str, message: &str) -> String {
    let what = match code {
        "syntax" => "文件格式错误",
        "validation" => "指标体系有误",
        "request" => "请求有误",
        "warning" => "提示",
        _ => "出错",
    };
    format!("{what}：{message}")
}

#[derive(Serialize)]
struct ErrorEnvelope<'a> {
    error: &'a JsonError,
}

impl JsonError {
    /// A malformed request (not a problem of the system or of the figures).
    pub fn request(message: impl Into<String>) -> Self {
        Self::request_at("", message.into())
    }

    fn request_at(path: &str, message: String) -> Self {
        JsonError {
            kind: "request".into(),
            code: "request".into(),
            errors: vec![ErrorDetail::at(path, "request", message.clone())],
            message_zh: untranslated_zh("request", &message),
            message,
        }
    }

    /// The error as a JSON value `{"error": {...}}`.
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(ErrorEnvelope { error: self }).unwrap_or_default()
    }

    /// The error as JSON text `{"error": {...}}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&ErrorEnvelope { error: self }).unwrap_or_default()
    }
}

/// A value that cannot be read (a decimal given to `parseDecimal`, say): a request error with the
/// value problem's code, parameters and Chinese.
impl From<crate::inputs::ValueProblem> for JsonError {
    fn from(p: crate::inputs::ValueProblem) -> Self {
        let message = p.to_string();
        let message_zh = p.message(Lang::Zh);
        JsonError {
            kind: "request".into(),
            code: p.code().into(),
            errors: vec![ErrorDetail::coded(
                "",
                p.code(),
                p.params(),
                message.clone(),
                message_zh.clone(),
            )],
            message,
            message_zh,
        }
    }
}

impl From<LoadError> for JsonError {
    fn from(e: LoadError) -> Self {
        let errors = e
            .issues()
            .into_iter()
            .map(|i| ErrorDetail {
                position: i.position,
                ..ErrorDetail::at(i.path, e.kind(), i.message)
            })
            .collect();
        let message = e.to_string();
        JsonError {
            kind: e.kind().into(),
            code: e.kind().into(),
            message_zh: untranslated_zh(e.kind(), &message),
            message,
            errors,
        }
    }
}

impl From<EvalError> for JsonError {
    fn from(e: EvalError) -> Self {
        let coded = |path: String| ErrorDetail::coded(path, e.code(), e.params(), e.to_string(), e.message(Lang::Zh));
        let errors = match &e {
            EvalError::Inputs(list) => list.iter().map(input_detail).collect(),
            EvalError::Arithmetic { location, position, .. } => vec![ErrorDetail {
                position: Some(*position),
                indicator: indicator_of(location),
                ..coded(location.clone())
            }],
            EvalError::MissingInput { input, .. } => vec![ErrorDetail {
                input: Some(input.clone()),
                ..coded(format!("inputs[{input}]"))
            }],
            EvalError::Overflow { location, .. } => vec![ErrorDetail {
                indicator: indicator_of(location),
                ..coded(location.clone())
            }],
            EvalError::MetricOutOfRange { metric, .. } => vec![coded(format!("metrics[{metric}]"))],
            EvalError::CheckFailed { check, .. } => vec![coded(format!("checks[{check}].expr"))],
            EvalError::Score { indicator, .. } => vec![ErrorDetail {
                indicator: Some(indicator.clone()),
                ..coded(format!("indicators[{indicator}]"))
            }],
            _ => vec![coded(String::new())],
        };
        JsonError {
            kind: e.kind().into(),
            code: e.code().into(),
            message: e.to_string(),
            message_zh: e.message(Lang::Zh),
            errors,
        }
    }
}

/// The indicator id of a location (`indicators[2.1.1].rule.value` → `2.1.1`).
fn indicator_of(location: &str) -> Option<String> {
    ["indicators[", "bonus.items["].iter().find_map(|prefix| {
        location
            .strip_prefix(prefix)
            .and_then(|rest| rest.split_once(']'))
            .map(|(id, _)| id.to_string())
    })
}

fn input_detail(i: &InputError) -> ErrorDetail {
    ErrorDetail {
        input: Some(i.name().to_string()),
        kind: Some(i.kind()),
        ..ErrorDetail::coded(
            format!("inputs[{}]", i.name()),
            i.code(),
            i.params(),
            i.to_string(),
            i.message(Lang::Zh),
        )
    }
}

impl From<AnalysisError> for JsonError {
    fn from(e: AnalysisError) -> Self {
        match e {
            AnalysisError::Eval(e) => JsonError::from(e),
            AnalysisError::Request(m) => JsonError::request(m),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reading requests

/// Reads a request type from JSON text through the format's document tree: numbers keep their
/// digits, keys given twice are refused, and an error names the field and its line and column.
/// `what` names the text in messages (`the inputs`, a file name).
pub fn from_json<T: de::DeserializeOwned>(text: &str, what: &str) -> Result<T, JsonError> {
    read::read_json(text).map_err(|e| request_error(what, e))
}

/// Reads a request type (a unit's inputs, say) from TOML text, as [`from_json`] reads JSON: a
/// TOML float is refused with the string to write instead, and errors name the field, line and
/// column.
pub fn from_toml<T: de::DeserializeOwned>(text: &str, what: &str) -> Result<T, JsonError> {
    read::read_toml(text).map_err(|e| request_error(what, e))
}

/// Reads a request type from an already parsed value (as bindings hold them). A fractional JSON
/// number is refused here, with the string to write instead: a parsed `serde_json::Value` holds it
/// as a binary float, whose digits are already lost.
pub fn from_value<T: de::DeserializeOwned>(value: &serde_json::Value, what: &str) -> Result<T, JsonError> {
    read::read_value(value).map_err(|e| request_error(what, e))
}

/// A reading error as a request error: `what: path (line L column C): message`.
fn request_error(what: &str, e: ReadError) -> JsonError {
    let at = e.line.zip(e.column).map(|(l, c)| format!("line {l} column {c}"));
    let (path, message) = match (e.path.is_empty(), at) {
        (true, Some(at)) if e.syntax => (
            format!("({at})"),
            format!("{what}: not valid {}: {} at {at}", e.format, e.message),
        ),
        (true, Some(at)) => (format!("({at})"), format!("{what}: {} at {at}", e.message)),
        (false, Some(at)) => {
            let path = format!("{} ({at})", e.path);
            let message = format!("{what}: {path}: {}", e.message);
            (path, message)
        }
        (true, None) => (String::new(), format!("{what}: {}", e.message)),
        (false, None) => (e.path.clone(), format!("{what}: {}: {}", e.path, e.message)),
    };
    JsonError {
        kind: "request".into(),
        code: "request".into(),
        errors: vec![ErrorDetail::at(path, "request", e.message)],
        message_zh: untranslated_zh("request", &message),
        message,
    }
}

/// Reads a unit's inputs from JSON text.
pub fn inputs_from_json(text: &str) -> Result<Inputs, JsonError> {
    from_json::<UnitInputs>(text, "the inputs").map(Inputs::from)
}

/// Reads a unit's inputs from a parsed JSON value ([`from_value`]).
pub fn inputs_from_value(value: &serde_json::Value) -> Result<Inputs, JsonError> {
    from_value::<UnitInputs>(value, "the inputs").map(Inputs::from)
}

/// An analysis request: `{"what_if": {...}}`, `{"compare": {...}}`, `{"audit": {...}}`,
/// `{"sensitivity": {...}}` or `{"target": {...}}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum AnalysisRequest {
    /// What would change: the base inputs and the changed ones.
    WhatIf {
        /// The unit as it is.
        inputs: UnitInputs,
        /// The inputs that change.
        changes: UnitInputs,
    },
    /// Two units side by side.
    Compare {
        /// The first unit.
        a: UnitInputs,
        /// The second unit.
        b: UnitInputs,
    },
    /// 复核: claimed scores against the figures.
    Audit {
        /// The unit's figures.
        inputs: UnitInputs,
        /// What the unit claims.
        claims: ClaimsRequest,
    },
    /// Where the scores change as one input varies.
    Sensitivity {
        /// The unit.
        inputs: UnitInputs,
        /// The input varied.
        input: String,
        /// From this value.
        from: Dec,
        /// To this value.
        to: Dec,
        /// The finest step of the search.
        #[serde(default)]
        resolution: Option<Dec>,
    },
    /// What value of one input reaches a goal.
    Target {
        /// The unit.
        inputs: UnitInputs,
        /// The input varied.
        input: String,
        /// The goal.
        goal: GoalRequest,
        /// Search from this value (with `to`).
        #[serde(default)]
        from: Option<Dec>,
        /// Search to this value (with `from`).
        #[serde(default)]
        to: Option<Dec>,
        /// The finest step of the search.
        #[serde(default)]
        resolution: Option<Dec>,
    },
}

/// The claims of an audit request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimsRequest {
    /// Claimed scores by indicator id.
    #[serde(default)]
    pub scores: BTreeMap<String, Dec>,
    /// The claimed total.
    #[serde(default)]
    pub total: Option<Dec>,
    /// The claimed grade.
    #[serde(default)]
    pub grade: Option<String>,
}

impl From<ClaimsRequest> for Claims {
    fn from(c: ClaimsRequest) -> Claims {
        Claims {
            scores: c.scores.into_iter().map(|(k, v)| (k, v.0)).collect(),
            total: c.total.map(Dec::value),
            grade: c.grade,
        }
    }
}

/// The goal of a target request: `{"total"}`, `{"grade"}` or `{"indicator", "score"}`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalRequest {
    /// A total to reach.
    #[serde(default)]
    pub total: Option<Dec>,
    /// A grade to reach.
    #[serde(default)]
    pub grade: Option<String>,
    /// An indicator whose score is to reach `score`.
    #[serde(default)]
    pub indicator: Option<String>,
    /// With `indicator`.
    #[serde(default)]
    pub score: Option<Dec>,
}

impl GoalRequest {
    fn goal(self) -> Result<Goal, JsonError> {
        match self {
            GoalRequest { total: Some(t), .. } => Ok(Goal::Total(t.0)),
            GoalRequest { grade: Some(g), .. } => Ok(Goal::Grade(g)),
            GoalRequest {
                indicator: Some(id),
                score: Some(score),
                ..
            } => Ok(Goal::Indicator { id, score: score.0 }),
            GoalRequest { indicator: Some(_), .. } => Err(JsonError::request("the request needs `score`")),
            _ => Err(JsonError::request(
                "`goal` needs `total`, `grade`, or `indicator` with `score`",
            )),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Answers

/// What to put in an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The language of the explanations.
    pub lang: Lang,
    /// Whether to write explanation texts (each indicator's and the whole evaluation's).
    pub explain: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            lang: Lang::Zh,
            explain: true,
        }
    }
}

impl Options {
    /// Explanations in `lang`.
    pub fn lang(lang: Lang) -> Self {
        Options { lang, explain: true }
    }

    /// Figures only, no explanation texts.
    pub fn figures_only() -> Self {
        Options {
            lang: Lang::Zh,
            explain: false,
        }
    }
}

/// The newtype-struct name under which every figure is serialised: the decimal's shortest exact
/// text wrapped in a newtype struct of this name. JSON (and every serializer that treats newtype
/// structs as transparent) writes the plain string; a binding's serializer recognises the name and
/// builds its own exact decimal from the text (Python's `decimal.Decimal`), so that no binding needs
/// to know which fields are figures.
pub const FIGURE: &str = "$jixiao::Figure";

/// A decimal written as its shortest exact text, marked as a figure ([`FIGURE`]).
fn fig<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_newtype_struct(FIGURE, &num(*d))
}

/// A stated score written with the places the system states (`"5.00"`), marked as a figure.
fn stated_fig<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_newtype_struct(FIGURE, &crate::explain::stated(*d))
}

fn opt_fig<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => s.serialize_some(&Figure(*d)),
        None => s.serialize_none(),
    }
}

/// One evaluation as JSON.
#[derive(Debug, Serialize)]
pub struct EvaluationAnswer<'e> {
    /// The system's id.
    pub system: &'e str,
    /// The total as the system rounds it.
    #[serde(serialize_with = "stated_fig")]
    pub total: Decimal,
    /// The total before rounding.
    #[serde(serialize_with = "fig")]
    pub exact_total: Decimal,
    /// The grade.
    pub grade: &'e str,
    /// The grade in English, when the system gives it.
    pub grade_en: Option<&'e str>,
    /// Full points of the tree.
    #[serde(serialize_with = "fig")]
    pub full_points: Decimal,
    /// Sum of the top-level scores.
    #[serde(serialize_with = "stated_fig")]
    pub tree_total: Decimal,
    /// Points of indicators excluded as not applicable.
    #[serde(serialize_with = "fig")]
    pub excluded_points: Decimal,
    /// The tree total rescaled to full points, when some were excluded.
    #[serde(serialize_with = "opt_fig")]
    pub rescaled_total: Option<Decimal>,
    /// Bonus added.
    #[serde(serialize_with = "stated_fig")]
    pub bonus_total: Decimal,
    /// Vetoes that applied.
    pub vetoes: Vec<VetoAnswer<'e>>,
    /// The data consistency checks (勾稽关系), when the system declares any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<CheckAnswer<'e>>,
    /// Core indicators (核心指标) not met that capped the grade, when any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub core_caps: Vec<CoreCapAnswer<'e>>,
    /// Every indicator of the tree, in pre-order.
    pub indicators: Vec<IndicatorAnswer<'e>>,
    /// The bonus items.
    pub bonus: Vec<IndicatorAnswer<'e>>,
    /// The whole explanation, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// What produced this result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provenance: Option<&'e Provenance>,
}

/// A data consistency check as run on the unit.
#[derive(Debug, Serialize)]
pub struct CheckAnswer<'e> {
    /// Its id.
    pub id: &'e str,
    /// Its name.
    pub name: &'e str,
    /// Its condition.
    pub expr: &'e str,
    /// Whether it held; `null` when an input it needs was not given (skipped).
    pub passed: Option<bool>,
    /// For a failed comparison: the value of its left side.
    #[serde(serialize_with = "opt_fig", skip_serializing_if = "Option::is_none")]
    pub left: Option<Decimal>,
    /// For a failed comparison: the value of its right side.
    #[serde(serialize_with = "opt_fig", skip_serializing_if = "Option::is_none")]
    pub right: Option<Decimal>,
    /// For a failed `abs(a - b) <= t`: `t` (then `left` is `a` and `right` is `b`).
    #[serde(serialize_with = "opt_fig", skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<Decimal>,
    /// `warning` or `error`.
    pub severity: &'static str,
}

/// A core indicator not met, capping the grade.
#[derive(Debug, Serialize)]
pub struct CoreCapAnswer<'e> {
    /// The indicator's id.
    pub id: &'e str,
    /// Its name.
    pub name: &'e str,
    /// Its stated score.
    #[serde(serialize_with = "fig")]
    pub score: Decimal,
    /// Its points.
    #[serde(serialize_with = "fig")]
    pub points: Decimal,
    /// The share of the points it had to score.
    #[serde(serialize_with = "fig")]
    pub min_share: Decimal,
    /// The best grade it allows.
    pub grade: &'e str,
}

/// A veto that applied.
#[derive(Debug, Serialize)]
pub struct VetoAnswer<'e> {
    /// Its id.
    pub id: &'e str,
    /// Its name.
    pub name: &'e str,
    /// The grade it forces.
    pub grade: Option<&'e str>,
    /// The total it sets.
    #[serde(serialize_with = "opt_fig")]
    pub total: Option<Decimal>,
    /// The total it caps.
    #[serde(serialize_with = "opt_fig")]
    pub max_total: Option<Decimal>,
}

/// One indicator's result.
#[derive(Debug, Serialize)]
pub struct IndicatorAnswer<'e> {
    /// Its id.
    pub id: &'e str,
    /// Its name.
    pub name: &'e str,
    /// Depth in the tree (0 = 一级指标).
    pub depth: usize,
    /// The parent's id.
    pub parent: Option<&'e str>,
    /// Whether it is scored by a rule.
    pub leaf: bool,
    /// Whether it is a core indicator (核心指标, ★); omitted when not.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub core: bool,
    /// Its points (分值).
    #[serde(serialize_with = "fig")]
    pub points: Decimal,
    /// Its score as the system rounds it.
    #[serde(serialize_with = "stated_fig")]
    pub score: Decimal,
    /// Its score before rounding.
    #[serde(serialize_with = "fig")]
    pub exact_score: Decimal,
    /// The value its rule judged.
    #[serde(serialize_with = "opt_fig")]
    pub value: Option<Decimal>,
    /// The rule kind that scored it.
    pub rule: &'e str,
    /// `scored` or `not_applicable`.
    pub status: &'static str,
    /// When not applicable: `full_points`, `zero` or `excluded`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub na_outcome: Option<&'static str>,
    /// When not applicable: the table's wording (or null).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub na_reason: Option<Option<&'e str>>,
    /// When not applicable: whether a parent was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub na_inherited: Option<bool>,
    /// The tier taken (0-based), for tier rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<usize>,
    /// The option chosen, for choose-one rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<&'e str>,
    /// The case taken (0-based), for case rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<usize>,
    /// The level given, for level rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub level: Option<&'e str>,
    /// The deductions.
    pub deductions: Vec<DeductionAnswer<'e>>,
    /// The explanation, when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
}

/// One deduction.
#[derive(Debug, Serialize)]
pub struct DeductionAnswer<'e> {
    /// Points deducted.
    #[serde(serialize_with = "stated_fig")]
    pub amount: Decimal,
    /// The missing checklist item, if any.
    pub item: Option<&'e str>,
}

impl<'e> IndicatorAnswer<'e> {
    fn new(r: &'e IndicatorResult, all: &'e [IndicatorResult], options: Options) -> Self {
        let (na_outcome, na_reason, na_inherited) = match &r.status {
            Status::Scored => (None, None, None),
            Status::NotApplicable {
                outcome,
                reason,
                inherited,
            } => (Some(na_outcome(*outcome)), Some(reason.as_deref()), Some(*inherited)),
        };
        let mut answer = IndicatorAnswer {
            id: &r.id,
            name: &r.name,
            depth: r.depth,
            parent: r.parent.and_then(|p| all.get(p)).map(|p| &*p.id),
            leaf: r.is_leaf,
            core: r.core,
            points: r.points,
            score: r.score,
            exact_score: r.exact_score,
            value: r.value,
            rule: r.outcome.kind(),
            status: if na_outcome.is_some() {
                "not_applicable"
            } else {
                "scored"
            },
            na_outcome,
            na_reason,
            na_inherited,
            tier: None,
            option: None,
            case: None,
            level: None,
            deductions: r
                .deductions
                .iter()
                .map(|d| DeductionAnswer {
                    amount: d.amount,
                    item: d.item.as_deref(),
                })
                .collect(),
            explanation: options.explain.then(|| r.explain(options.lang)),
        };
        match &r.outcome {
            Outcome::Tier { index, .. } => answer.tier = Some(*index),
            Outcome::Chosen { option, .. } => answer.option = Some(option),
            Outcome::Case { index, .. } => answer.case = Some(*index),
            Outcome::Level { level, .. } => answer.level = Some(level),
            _ => {}
        }
        answer
    }
}

fn na_outcome(o: NaOutcome) -> &'static str {
    match o {
        NaOutcome::FullPoints => "full_points",
        NaOutcome::Zero => "zero",
        NaOutcome::Excluded => "excluded",
    }
}

impl<'e> EvaluationAnswer<'e> {
    /// The answer for an evaluation.
    pub fn new(e: &'e Evaluation, options: Options) -> Self {
        let list = |l: &'e [IndicatorResult]| l.iter().map(|r| IndicatorAnswer::new(r, l, options)).collect();
        EvaluationAnswer {
            system: &e.system_id,
            total: e.total,
            exact_total: e.exact_total,
            grade: &e.grade,
            grade_en: e.grade_en.as_deref(),
            full_points: e.full_points,
            tree_total: e.tree_total,
            excluded_points: e.excluded_points,
            rescaled_total: e.rescaled_total,
            bonus_total: e.bonus_total,
            vetoes: e
                .vetoes
                .iter()
                .map(|v| VetoAnswer {
                    id: &v.id,
                    name: &v.name,
                    grade: v.grade.as_deref(),
                    total: v.total,
                    max_total: v.max_total,
                })
                .collect(),
            checks: e
                .checks
                .iter()
                .map(|k| CheckAnswer {
                    id: &k.id,
                    name: &k.name,
                    expr: &k.expr,
                    passed: k.passed,
                    left: k.sides.map(|s| s.left),
                    right: k.sides.map(|s| s.right),
                    tolerance: k.sides.and_then(|s| s.tolerance),
                    severity: k.severity.as_str(),
                })
                .collect(),
            core_caps: e
                .core_caps
                .iter()
                .map(|k| CoreCapAnswer {
                    id: &k.id,
                    name: &k.name,
                    score: k.score,
                    points: k.points,
                    min_share: k.min_share,
                    grade: &k.grade,
                })
                .collect(),
            indicators: list(&e.indicators),
            bonus: list(&e.bonus),
            explanation: options.explain.then(|| e.explain(options.lang)),
            provenance: Some(&e.provenance),
        }
    }
}

/// The figures of an evaluation (no explanation texts) in the wire form of [`EvaluationAnswer`].
impl Serialize for Evaluation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        EvaluationAnswer::new(self, Options::figures_only()).serialize(serializer)
    }
}

/// An evaluation as a JSON value, with explanations in `lang`.
pub fn evaluation_to_value(e: &Evaluation, lang: Lang) -> serde_json::Value {
    serde_json::to_value(EvaluationAnswer::new(e, Options::lang(lang))).unwrap_or_default()
}

fn to_text<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// The answer of [`validate_json`].
#[derive(Debug, Serialize)]
pub struct ValidationAnswer {
    /// Whether the system is valid.
    pub valid: bool,
    /// `syntax` or `validation` when it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The problems.
    pub errors: Vec<ErrorDetail>,
    /// What a valid system allows but is probably a slip ([`Scorer::warnings`]); left out when none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ErrorDetail>,
}

impl ValidationAnswer {
    /// The answer for a validation's outcome.
    pub fn new(outcome: Result<(), JsonError>) -> Self {
        match outcome {
            Ok(()) => ValidationAnswer {
                valid: true,
                kind: None,
                errors: Vec::new(),
                warnings: Vec::new(),
            },
            Err(err) => ValidationAnswer {
                valid: false,
                kind: Some(err.kind),
                errors: err.errors,
                warnings: Vec::new(),
            },
        }
    }

    /// The answer for a compiled system (with its warnings) or the error that stopped it.
    pub fn of(outcome: Result<&Scorer, JsonError>) -> Self {
        match outcome {
            Ok(scorer) => {
                let mut answer = ValidationAnswer::new(Ok(()));
                answer.warnings = scorer
                    .warnings()
                    .iter()
                    .map(|w| ErrorDetail {
                        position: w.position,
                        ..ErrorDetail::at(w.path.clone(), "warning", w.message.clone())
                    })
                    .collect();
                answer
            }
            Err(e) => ValidationAnswer::new(Err(e)),
        }
    }

    /// As JSON text.
    pub fn to_json(&self) -> String {
        to_text(self)
    }
}

/// Validates a system (JSON or TOML text): `{"valid": true, "errors": []}` or
/// `{"valid": false, "kind", "errors": [...]}`.
pub fn validate_json(system: &str) -> String {
    match Scorer::from_text(system) {
        Ok(scorer) => ValidationAnswer::of(Ok(&scorer)),
        Err(e) => ValidationAnswer::of(Err(e.into())),
    }
    .to_json()
}

/// Evaluates one unit: system text (JSON or TOML) and inputs JSON in, evaluation JSON out.
pub fn evaluate_json(system: &str, inputs: &str) -> Result<String, JsonError> {
    evaluate_json_with(system, inputs, Options::default())
}

/// As [`evaluate_json`], with explanations in the given language.
pub fn evaluate_json_lang(system: &str, inputs: &str, lang: Lang) -> Result<String, JsonError> {
    evaluate_json_with(system, inputs, Options::lang(lang))
}

/// As [`evaluate_json`], with the given [`Options`].
pub fn evaluate_json_with(system: &str, inputs: &str, options: Options) -> Result<String, JsonError> {
    evaluate_with(&Scorer::from_text(system)?, inputs, options)
}

/// Evaluates one unit (inputs as JSON text) with a compiled system; evaluation JSON out.
pub fn evaluate_with(scorer: &Scorer, inputs: &str, options: Options) -> Result<String, JsonError> {
    let e = scorer.evaluate(&inputs_from_json(inputs)?)?;
    Ok(to_text(&EvaluationAnswer::new(&e, options)))
}

/// One element of a batch answer: an evaluation or `{"error": ...}`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum BatchItem<'e> {
    /// The unit's evaluation.
    Evaluation(Box<EvaluationAnswer<'e>>),
    /// Why the unit could not be scored.
    Error {
        /// The error.
        error: &'e JsonError,
    },
}

/// Evaluates a JSON array of units; each element of the result is an evaluation or `{"error": ...}`.
pub fn evaluate_batch_json(system: &str, units: &str, lang: Lang) -> Result<String, JsonError> {
    evaluate_batch_with(&Scorer::from_text(system)?, units, Options::lang(lang))
}

/// [`evaluate_batch_json`] with a compiled system and the given [`Options`]. Each unit is read
/// from its own text, as [`evaluate_with`] reads a unit, so that its answer (or error, with the
/// same place and words) is the one it gets alone; a unit that cannot be read fails alone.
pub fn evaluate_batch_with(scorer: &Scorer, units: &str, options: Options) -> Result<String, JsonError> {
    let texts = read::list_items(units).map_err(|e| request_error("the units", e))?;
    let results: Vec<Result<Evaluation, JsonError>> = texts
        .iter()
        .map(|text| scorer.evaluate(&inputs_from_json(text)?).map_err(JsonError::from))
        .collect();
    let items: Vec<BatchItem<'_>> = results
        .iter()
        .map(|r| match r {
            Ok(e) => BatchItem::Evaluation(Box::new(EvaluationAnswer::new(e, options))),
            Err(error) => BatchItem::Error { error },
        })
        .collect();
    Ok(to_text(&items))
}

/// The figures of one unit from the scores-only path: `{"total", "grade", "scores": {id: score}}`.
#[derive(Debug, Serialize)]
pub struct ScoresAnswer<'s> {
    /// The total.
    #[serde(serialize_with = "stated_fig")]
    pub total: Decimal,
    /// The grade.
    pub grade: &'s str,
    /// Every indicator's score by id (the tree, then the bonus items).
    pub scores: BTreeMap<&'s str, Stated>,
}

/// A stated score: serialises with the places the system states (`"5.00"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stated(pub Decimal);

impl Serialize for Stated {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        stated_fig(&self.0, s)
    }
}

/// A decimal that serialises as its shortest exact text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Figure(pub Decimal);

impl Serialize for Figure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        fig(&self.0, s)
    }
}

/// Scores one unit (inputs as JSON text) without explanations: [`ScoresAnswer`] as JSON text.
pub fn score_with(scorer: &Scorer, inputs: &str) -> Result<String, JsonError> {
    let prepared = scorer.prepare(&inputs_from_json(inputs)?)?;
    let mut out = crate::eval::Scores::default();
    scorer.score_into(&prepared, &mut out)?;
    Ok(to_text(&ScoresAnswer {
        total: out.total,
        grade: scorer.grade_label(out.grade).unwrap_or(""),
        scores: scorer
            .indicator_ids()
            .zip(&out.indicators)
            .map(|(id, s)| (id, Stated(*s)))
            .collect(),
    }))
}

/// What can be scored of partly given inputs ([`Scorer::progress`]) as JSON text:
/// `{"determined": "40.50", "determined_points": "45", "open_points": "55", "leaves": [{"id",
/// "name", "points", "bonus", "inputs", "state": "scored" | "open" | "error", "score", "exact",
/// "not_applicable"} | {..., "needs": [...]} | {..., "error": {kind, code, message, message_zh,
/// errors}}]}`; `determined` at the stated precision, the sum of the scored leaves' stated scores.
pub fn progress_with(scorer: &Scorer, inputs: &str) -> Result<String, JsonError> {
    let p = scorer.progress(&inputs_from_json(inputs)?);
    Ok(to_text(&ProgressAnswer {
        determined: Stated(p.determined),
        determined_points: Figure(p.determined_points),
        open_points: Figure(p.open_points),
        leaves: p.leaves.iter().map(LeafAnswer::new).collect(),
    }))
}

/// [`progress_with`]'s answer.
#[derive(Debug, Serialize)]
pub struct ProgressAnswer<'p> {
    /// The sum of the scored leaves' stated scores.
    pub determined: Stated,
    /// Their points.
    pub determined_points: Figure,
    /// The points of the leaves open or failing.
    pub open_points: Figure,
    /// Every leaf.
    pub leaves: Vec<LeafAnswer<'p>>,
}

/// A leaf of a [`ProgressAnswer`].
#[derive(Debug, Serialize)]
pub struct LeafAnswer<'p> {
    /// Id.
    pub id: &'p str,
    /// Name.
    pub name: &'p str,
    /// Points.
    pub points: Figure,
    /// Whether it is a bonus item.
    pub bonus: bool,
    /// Every input it reads.
    pub inputs: &'p [String],
    /// `scored`, `open` or `error`.
    pub state: &'static str,
    /// The stated score (scored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<Stated>,
    /// The exact score (scored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact: Option<Figure>,
    /// Not applicable (scored).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<bool>,
    /// The inputs it waits for (open).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<&'p [String]>,
    /// Why it cannot be scored (error).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JsonError>,
}

impl<'p> LeafAnswer<'p> {
    fn new(l: &'p crate::eval::LeafProgress) -> Self {
        let mut a = LeafAnswer {
            id: &l.id,
            name: &l.name,
            points: Figure(l.points),
            bonus: l.bonus,
            inputs: &l.inputs,
            state: "open",
            score: None,
            exact: None,
            not_applicable: None,
            needs: None,
            error: None,
        };
        match &l.state {
            crate::eval::LeafState::Scored {
                score,
                exact,
                not_applicable,
            } => {
                a.state = "scored";
                a.score = Some(Stated(*score));
                a.exact = Some(Figure(*exact));
                a.not_applicable = Some(*not_applicable);
            }
            crate::eval::LeafState::Open { needs } => a.needs = Some(needs),
            crate::eval::LeafState::Failed(e) => {
                a.state = "error";
                a.error = Some(JsonError::from((**e).clone()));
            }
        }
        a
    }
}

/// The bands of the system's level indicators ([`Scorer::level_bands`]) as JSON text:
/// `[{"indicator", "input", "points", "bands": [{"level", "min", "max", "min_inclusive",
/// "max_inclusive", "default"}]}]`, every score in points (`default` null when a score must be
/// given).
pub fn level_bands_with(scorer: &Scorer) -> String {
    let list = scorer.level_bands();
    let answer: Vec<LevelBandsAnswer<'_>> = list
        .iter()
        .map(|l| LevelBandsAnswer {
            indicator: &l.indicator,
            input: &l.input,
            points: Figure(l.points),
            bands: l
                .bands
                .iter()
                .map(|b| BandAnswer {
                    level: &b.level,
                    min: Figure(b.min),
                    max: Figure(b.max),
                    min_inclusive: b.min_inclusive,
                    max_inclusive: b.max_inclusive,
                    default: b.default.map(Figure),
                })
                .collect(),
        })
        .collect();
    to_text(&answer)
}

/// One level indicator of [`level_bands_with`].
#[derive(Debug, Serialize)]
pub struct LevelBandsAnswer<'b> {
    /// The indicator's id.
    pub indicator: &'b str,
    /// The level input.
    pub input: &'b str,
    /// The indicator's points.
    pub points: Figure,
    /// One band per level.
    pub bands: Vec<BandAnswer<'b>>,
}

/// One band of a [`LevelBandsAnswer`], in points.
#[derive(Debug, Serialize)]
pub struct BandAnswer<'b> {
    /// The level.
    pub level: &'b str,
    /// Lowest score.
    pub min: Figure,
    /// Highest score.
    pub max: Figure,
    /// Whether `min` is in the band.
    pub min_inclusive: bool,
    /// Whether `max` is in the band.
    pub max_inclusive: bool,
    /// The score when none is given; null when one must be.
    pub default: Option<Figure>,
}

/// The explanation text of one unit's evaluation.
pub fn explain_json(system: &str, inputs: &str, lang: Lang) -> Result<String, JsonError> {
    let scorer = Scorer::from_text(system)?;
    Ok(scorer.evaluate(&inputs_from_json(inputs)?)?.explain(lang))
}

/// The JSON Schema of the indicator-system format.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(IndicatorSystem);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// What a front end needs to build a form and show the table.
#[derive(Debug, Serialize)]
pub struct SystemInfo<'s> {
    /// Format version.
    pub format: u32,
    /// Id.
    pub id: &'s str,
    /// Name.
    pub name: &'s str,
    /// English name.
    pub name_en: Option<&'s str>,
    /// Issuer.
    pub issuer: Option<&'s str>,
    /// Region.
    pub region: Option<&'s str>,
    /// Year.
    pub year: Option<u32>,
    /// Source.
    pub source: Option<&'s str>,
    /// Notes.
    pub notes: &'s [String],
    /// Sum of the top-level points.
    #[serde(serialize_with = "fig")]
    pub total_points: Decimal,
    /// The declared inputs.
    pub inputs: Vec<InputInfo<'s>>,
    /// The indicator rows.
    pub indicators: Vec<RowInfo>,
    /// The grades.
    pub grades: Vec<GradeInfo<'s>>,
}

/// A declared input, for forms.
#[derive(Debug, Serialize)]
pub struct InputInfo<'s> {
    /// Name.
    pub name: &'s str,
    /// English name.
    pub name_en: Option<&'s str>,
    /// `number`, `count`, `boolean`, `level`, `checklist` or `manual`.
    pub kind: &'static str,
    /// Unit.
    pub unit: Option<&'s str>,
    /// Description.
    pub description: Option<&'s str>,
    /// Whether a value must be given.
    pub required: bool,
    /// The default value.
    pub default: Option<&'s InputDefault>,
    /// Smallest allowed value.
    #[serde(serialize_with = "opt_fig")]
    pub min: Option<Decimal>,
    /// Largest allowed value.
    #[serde(serialize_with = "opt_fig")]
    pub max: Option<Decimal>,
    /// Levels, best first.
    pub levels: &'s [String],
    /// Checklist items.
    pub items: &'s [String],
}

/// An indicator row, for tables.
#[derive(Debug, Serialize)]
pub struct RowInfo {
    /// Id.
    pub id: String,
    /// Depth.
    pub depth: usize,
    /// Name in the chosen language.
    pub name: String,
    /// Whether it is a leaf.
    pub leaf: bool,
    /// Points.
    #[serde(serialize_with = "fig")]
    pub points: Decimal,
    /// The standard as the engine applies it.
    pub standard: String,
    /// The published wording.
    pub published: Option<String>,
    /// Why it is assumed.
    pub assumed: Option<String>,
}

/// A grade, for tables.
#[derive(Debug, Serialize)]
pub struct GradeInfo<'s> {
    /// Label.
    pub label: &'s str,
    /// English label.
    pub label_en: Option<&'s str>,
    /// Lowest total of the grade.
    #[serde(serialize_with = "opt_fig")]
    pub min: Option<Decimal>,
}

/// A node of the indicator tree as a front end shows it: the format's indicator with its place in
/// the tree, the kind of its rule and the standard as the engine applies it.
#[derive(Debug, Serialize)]
pub struct IndicatorInfo<'s> {
    /// Id.
    pub id: &'s str,
    /// Name.
    pub name: &'s str,
    /// English name.
    pub name_en: Option<&'s str>,
    /// Points.
    #[serde(serialize_with = "fig")]
    pub points: Decimal,
    /// The scoring standard as published.
    pub standard: Option<&'s str>,
    /// What the indicator measures.
    pub description: Option<&'s str>,
    /// Why the row is assumed, when it is not from the published table.
    pub assumed: Option<&'s str>,
    /// The rule's kind (its `type`), none on a group.
    pub rule: Option<String>,
    /// The standard as the engine applies it.
    pub rule_text: String,
    /// Depth in the tree (0 = 一级指标).
    pub depth: usize,
    /// The parent's id.
    pub parent: Option<&'s str>,
    /// Whether it is a leaf.
    pub leaf: bool,
    /// The child indicators.
    pub children: Vec<IndicatorInfo<'s>>,
}

impl<'s> IndicatorInfo<'s> {
    /// The nodes of `list` (the tree's top level, or the bonus items) with their subtrees.
    pub fn tree(system: &'s IndicatorSystem, list: &'s [crate::format::Indicator], lang: Lang) -> Vec<Self> {
        Self::level(system, list, 0, None, lang)
    }

    fn level(
        system: &'s IndicatorSystem,
        list: &'s [crate::format::Indicator],
        depth: usize,
        parent: Option<&'s str>,
        lang: Lang,
    ) -> Vec<Self> {
        list.iter()
            .map(|i| IndicatorInfo {
                id: &i.id,
                name: &i.name,
                name_en: i.name_en.as_deref(),
                points: i.points.value(),
                standard: i.standard.as_deref(),
                description: i.description.as_deref(),
                assumed: i.assumed.as_deref(),
                // The rule's kind is its serialised `type` tag, so a kind added to the format shows here.
                rule: i.rule.as_ref().and_then(|r| {
                    serde_json::to_value(r)
                        .ok()
                        .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
                }),
                rule_text: system.describe_indicator(i, lang),
                depth,
                parent,
                leaf: i.children.is_empty(),
                children: Self::level(system, &i.children, depth + 1, Some(&i.id), lang),
            })
            .collect()
    }
}

impl<'s> SystemInfo<'s> {
    /// The information of a system, rows in `lang`.
    pub fn new(system: &'s IndicatorSystem, lang: Lang) -> Self {
        SystemInfo {
            format: system.format,
            id: &system.id,
            name: &system.name,
            name_en: system.name_en.as_deref(),
            issuer: system.issuer.as_deref(),
            region: system.region.as_deref(),
            year: system.year,
            source: system.source.as_deref(),
            notes: &system.notes,
            total_points: system
                .indicators
                .iter()
                .fold(Decimal::ZERO, |a, i| a.saturating_add(i.points.value())),
            inputs: system
                .inputs
                .iter()
                .map(|i| InputInfo {
                    name: &i.name,
                    name_en: i.name_en.as_deref(),
                    kind: i.kind.as_str(),
                    unit: i.unit.as_deref(),
                    description: i.description.as_deref(),
                    required: i.required && i.default.is_none(),
                    default: i.default.as_ref(),
                    min: i.min.map(Dec::value),
                    max: i.max.map(Dec::value),
                    levels: &i.levels,
                    items: &i.items,
                })
                .collect(),
            indicators: crate::report::system_rows(system, lang)
                .into_iter()
                .map(|r| RowInfo {
                    id: r.id,
                    depth: r.depth,
                    name: r.name,
                    leaf: r.is_leaf,
                    points: r.points,
                    standard: r.standard,
                    published: r.published,
                    assumed: r.assumed,
                })
                .collect(),
            grades: system
                .grades
                .iter()
                .map(|g| GradeInfo {
                    label: &g.label,
                    label_en: g.label_en.as_deref(),
                    min: g.min.map(Dec::value),
                })
                .collect(),
        }
    }
}

impl SystemInfo<'_> {
    /// As JSON text.
    pub fn to_json(&self) -> String {
        to_text(self)
    }
}

/// [`SystemInfo`] for a system text (JSON or TOML), as JSON text.
pub fn system_info_json(system: &str, lang: Lang) -> Result<String, JsonError> {
    let scorer = Scorer::from_text(system)?;
    Ok(to_text(&SystemInfo::new(scorer.system(), lang)))
}

/// A built-in system in the list of [`builtins_json`].
#[derive(Debug, Serialize)]
pub struct BuiltinInfo {
    /// Id.
    pub id: &'static str,
    /// Name.
    pub name: String,
    /// English name.
    pub name_en: Option<String>,
    /// Issuer.
    pub issuer: Option<String>,
    /// Region.
    pub region: Option<String>,
    /// Year.
    pub year: Option<u32>,
}

/// A built-in's metadata as its file states it (the rest of the file is skipped, not read into
/// the model: a page lists the built-ins before it needs any of them).
#[derive(Deserialize)]
struct BuiltinMeta {
    name: String,
    #[serde(default)]
    name_en: Option<String>,
    #[serde(default)]
    issuer: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default)]
    year: Option<u32>,
}

/// The built-in systems: `[{id, name, name_en, issuer, region, year}]`.
pub fn builtins_json() -> String {
    let list: Vec<BuiltinInfo> = crate::builtin::builtins()
        .iter()
        .filter_map(|b| read::read_json::<BuiltinMeta>(b.text()).ok().map(|m| (b.id, m)))
        .map(|(id, m)| BuiltinInfo {
            id,
            name: m.name,
            name_en: m.name_en,
            issuer: m.issuer,
            region: m.region,
            year: m.year,
        })
        .collect();
    to_text(&list)
}

// ---------------------------------------------------------------------------------------------
// Analyses

/// A comparison (what-if, compare) as JSON.
#[derive(Debug, Serialize)]
pub struct ComparisonAnswer<'c> {
    /// One row per indicator.
    pub rows: Vec<CompareRowAnswer<'c>>,
    /// Total of the first unit.
    #[serde(serialize_with = "fig")]
    pub total_a: Decimal,
    /// Total of the second unit.
    #[serde(serialize_with = "fig")]
    pub total_b: Decimal,
    /// The change of the total.
    #[serde(serialize_with = "fig")]
    pub total_change: Decimal,
    /// Grade of the first unit.
    pub grade_a: &'c str,
    /// Grade of the second unit.
    pub grade_b: &'c str,
    /// Ids of the indicators whose score changed.
    pub changed: Vec<&'c str>,
    /// The explanation.
    pub explanation: String,
}

/// One row of a comparison.
#[derive(Debug, Serialize)]
pub struct CompareRowAnswer<'c> {
    /// Id.
    pub id: &'c str,
    /// Name.
    pub name: &'c str,
    /// Depth.
    pub depth: usize,
    /// Points.
    #[serde(serialize_with = "fig")]
    pub points: Decimal,
    /// Score of the first unit.
    #[serde(serialize_with = "opt_fig")]
    pub a: Option<Decimal>,
    /// Score of the second unit.
    #[serde(serialize_with = "opt_fig")]
    pub b: Option<Decimal>,
    /// The change.
    #[serde(serialize_with = "opt_fig")]
    pub change: Option<Decimal>,
}

impl<'c> ComparisonAnswer<'c> {
    /// The answer for a comparison.
    pub fn new(c: &'c Comparison, lang: Lang) -> Self {
        ComparisonAnswer {
            rows: c
                .rows
                .iter()
                .map(|r| CompareRowAnswer {
                    id: &r.id,
                    name: &r.name,
                    depth: r.depth,
                    points: r.points,
                    a: r.a,
                    b: r.b,
                    change: r.change(),
                })
                .collect(),
            total_a: c.a.total,
            total_b: c.b.total,
            total_change: c.total_change(),
            grade_a: &c.a.grade,
            grade_b: &c.b.grade,
            changed: c.changed().map(|r| &*r.id).collect(),
            explanation: c.explain(lang),
        }
    }
}

/// An audit as JSON.
#[derive(Debug, Serialize)]
pub struct AuditAnswer<'a> {
    /// The computed total.
    #[serde(serialize_with = "fig")]
    pub total: Decimal,
    /// The computed grade.
    pub grade: &'a str,
    /// Every claim that does not follow from the figures.
    pub discrepancies: Vec<DiscrepancyAnswer<'a>>,
    /// The review table (复核表): every indicator's 自评 and 复核 score.
    pub rows: Vec<ReviewRowAnswer<'a>>,
    /// By how much the claimed total exceeds the reviewed one beyond the system's limit
    /// (自评虚高), else null.
    #[serde(serialize_with = "opt_fig")]
    pub inflated: Option<Decimal>,
    /// The explanation.
    pub explanation: String,
}

/// One row of the review table.
#[derive(Debug, Serialize)]
pub struct ReviewRowAnswer<'a> {
    /// The indicator.
    pub id: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Depth in the tree.
    pub depth: usize,
    /// Its points.
    #[serde(serialize_with = "fig")]
    pub points: Decimal,
    /// The self-evaluated score, when claimed.
    #[serde(serialize_with = "opt_fig")]
    pub claimed: Option<Decimal>,
    /// The reviewed score (stated).
    #[serde(serialize_with = "stated_fig")]
    pub reviewed: Decimal,
    /// 复核 − 自评.
    #[serde(serialize_with = "opt_fig")]
    pub difference: Option<Decimal>,
    /// 复核意见.
    pub opinion: Option<&'a str>,
}

/// One discrepancy of an audit.
#[derive(Debug, Serialize)]
pub struct DiscrepancyAnswer<'a> {
    /// Its kind's code.
    pub kind: &'static str,
    /// The indicator, when it concerns one.
    pub id: Option<&'a str>,
    /// The indicator's name.
    pub name: Option<&'a str>,
    /// What was claimed.
    pub claimed: &'a str,
    /// What the figures give.
    pub computed: &'a str,
    /// The difference.
    #[serde(serialize_with = "opt_fig")]
    pub difference: Option<Decimal>,
    /// Why.
    pub explanation: Option<&'a str>,
    /// For a claimed score the figures do not give: the common readings that would give it.
    pub readings: Vec<ReadingAnswer<'a>>,
}

/// A reading of the table that reproduces a claim.
#[derive(Debug, Serialize)]
pub struct ReadingAnswer<'a> {
    /// `unrounded`, `rounded`, `counting` or `rate_rounded_first`.
    pub code: &'static str,
    /// The score it gives.
    #[serde(serialize_with = "fig")]
    pub score: Decimal,
    /// What it is, in the answer's language.
    pub text: &'a str,
}

impl<'a> AuditAnswer<'a> {
    /// The answer for an audit.
    pub fn new(audit: &'a Audit, lang: Lang) -> Self {
        AuditAnswer {
            total: audit.evaluation.total,
            grade: &audit.evaluation.grade,
            discrepancies: audit
                .discrepancies
                .iter()
                .map(|d| DiscrepancyAnswer {
                    kind: d.kind.code(),
                    id: d.id.as_deref(),
                    name: d.name.as_deref(),
                    claimed: &d.claimed,
                    computed: &d.computed,
                    difference: d.difference,
                    explanation: d.explanation.as_deref(),
                    readings: d
                        .readings
                        .iter()
                        .map(|r| ReadingAnswer {
                            code: r.code,
                            score: r.score,
                            text: if lang == Lang::Zh { &r.zh } else { &r.en },
                        })
                        .collect(),
                })
                .collect(),
            rows: audit
                .rows
                .iter()
                .map(|r| ReviewRowAnswer {
                    id: &r.id,
                    name: &r.name,
                    depth: r.depth,
                    points: r.points,
                    claimed: r.claimed,
                    reviewed: r.reviewed,
                    difference: r.difference,
                    opinion: r.opinion.as_deref(),
                })
                .collect(),
            inflated: audit.inflated,
            explanation: audit.explain(lang),
        }
    }
}

/// A sensitivity as JSON.
#[derive(Debug, Serialize)]
pub struct SensitivityAnswer<'s> {
    /// The input varied.
    pub input: &'s str,
    /// From.
    #[serde(serialize_with = "fig")]
    pub from: Decimal,
    /// To.
    #[serde(serialize_with = "fig")]
    pub to: Decimal,
    /// The finest step searched.
    #[serde(serialize_with = "fig")]
    pub resolution: Decimal,
    /// Where something changes.
    pub breakpoints: Vec<BreakpointAnswer<'s>>,
    /// The explanation.
    pub explanation: String,
}

/// One breakpoint.
#[derive(Debug, Serialize)]
pub struct BreakpointAnswer<'s> {
    /// The input's value where it changes.
    #[serde(serialize_with = "fig")]
    pub at: Decimal,
    /// Total just before.
    #[serde(serialize_with = "opt_fig")]
    pub total_before: Option<Decimal>,
    /// Total at the breakpoint.
    #[serde(serialize_with = "opt_fig")]
    pub total_at: Option<Decimal>,
    /// Grade just before.
    pub grade_before: Option<&'s str>,
    /// Grade at the breakpoint.
    pub grade_at: Option<&'s str>,
    /// An evaluation error at the breakpoint.
    pub error: Option<&'s str>,
    /// The indicators that change there.
    pub indicators: Vec<BreakpointChangeAnswer<'s>>,
}

/// One indicator's change at a breakpoint.
#[derive(Debug, Serialize)]
pub struct BreakpointChangeAnswer<'s> {
    /// Id.
    pub id: &'s str,
    /// Name.
    pub name: &'s str,
    /// Score just before.
    #[serde(serialize_with = "opt_fig")]
    pub before: Option<Decimal>,
    /// Score at the breakpoint.
    #[serde(serialize_with = "opt_fig")]
    pub at: Option<Decimal>,
    /// Why.
    pub explanation: Option<&'s str>,
}

impl<'s> SensitivityAnswer<'s> {
    /// The answer for a sensitivity.
    pub fn new(s: &'s Sensitivity, lang: Lang) -> Self {
        SensitivityAnswer {
            input: &s.input,
            from: s.from,
            to: s.to,
            resolution: s.resolution,
            breakpoints: s
                .breakpoints
                .iter()
                .map(|b| BreakpointAnswer {
                    at: b.at,
                    total_before: b.total_before,
                    total_at: b.total_at,
                    grade_before: b.grade_before.as_deref(),
                    grade_at: b.grade_at.as_deref(),
                    error: b.error.as_deref(),
                    indicators: b
                        .indicators
                        .iter()
                        .map(|c| BreakpointChangeAnswer {
                            id: &c.id,
                            name: &c.name,
                            before: c.before,
                            at: c.at,
                            explanation: c.explanation(lang),
                        })
                        .collect(),
                })
                .collect(),
            explanation: s.explain(lang),
        }
    }
}

/// A target search as JSON.
#[derive(Debug, Serialize)]
pub struct TargetAnswer<'t> {
    /// The input varied.
    pub input: &'t str,
    /// Its current value.
    #[serde(serialize_with = "fig")]
    pub current: Decimal,
    /// The value that reaches the goal.
    #[serde(serialize_with = "opt_fig")]
    pub required: Option<Decimal>,
    /// `required - current`.
    #[serde(serialize_with = "opt_fig")]
    pub change: Option<Decimal>,
    /// The total reached.
    #[serde(serialize_with = "opt_fig")]
    pub total: Option<Decimal>,
    /// The grade reached.
    pub grade: Option<&'t str>,
    /// The indicators that decide.
    pub deciding: Vec<&'t str>,
    /// Why the goal cannot be reached, when it cannot.
    pub unreachable: Option<&'t str>,
    /// The answer in words.
    pub message: &'t str,
}

impl<'t> TargetAnswer<'t> {
    /// The answer for a target search, its words in `lang`.
    pub fn new(t: &'t Target, lang: Lang) -> Self {
        TargetAnswer {
            input: &t.input,
            current: t.current,
            required: t.required,
            change: t.required.and_then(|r| r.sub_checked(t.current)),
            total: t.reached.as_ref().map(|e| e.total),
            grade: t.reached.as_ref().map(|e| &*e.grade),
            deciding: t.deciding.iter().map(|d| &**d).collect(),
            unreachable: t.unreachable.as_deref(),
            message: t.explain(lang),
        }
    }
}

/// Runs one analysis described by a JSON request ([`AnalysisRequest`]) and returns its result as
/// JSON.
pub fn analysis_json(system: &str, request: &str, lang: Lang) -> Result<String, JsonError> {
    let scorer = Scorer::from_text(system)?;
    let request: AnalysisRequest = from_json(request, "the request")?;
    analysis_text(&scorer, request, lang)
}

/// [`analysis_json`] on a compiled scorer and a typed request.
pub fn analysis_text(scorer: &Scorer, request: AnalysisRequest, lang: Lang) -> Result<String, JsonError> {
    analysis_with(scorer, request, lang, |answer| to_text(answer))
}

/// An analysis answer, whichever its kind.
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum AnalysisAnswer<'a> {
    /// what-if, compare.
    Comparison(ComparisonAnswer<'a>),
    /// audit.
    Audit(AuditAnswer<'a>),
    /// sensitivity.
    Sensitivity(SensitivityAnswer<'a>),
    /// target.
    Target(TargetAnswer<'a>),
}

fn analysis_with<R>(
    scorer: &Scorer,
    request: AnalysisRequest,
    lang: Lang,
    write: impl Fn(&AnalysisAnswer<'_>) -> R,
) -> Result<R, JsonError> {
    Ok(match request {
        AnalysisRequest::WhatIf { inputs, changes } => {
            let c = scorer.what_if(&inputs.into(), &changes.into())?;
            write(&AnalysisAnswer::Comparison(ComparisonAnswer::new(&c, lang)))
        }
        AnalysisRequest::Compare { a, b } => {
            let a = scorer.evaluate(&a.into())?;
            let b = scorer.evaluate(&b.into())?;
            let c = Comparison::new(a, b);
            write(&AnalysisAnswer::Comparison(ComparisonAnswer::new(&c, lang)))
        }
        AnalysisRequest::Audit { inputs, claims } => {
            let audit = scorer.audit(&inputs.into(), &claims.into())?;
            write(&AnalysisAnswer::Audit(AuditAnswer::new(&audit, lang)))
        }
        AnalysisRequest::Sensitivity {
            inputs,
            input,
            from,
            to,
            resolution,
        } => {
            let s = scorer.sensitivity(&inputs.into(), &input, from.0, to.0, resolution.map(Dec::value))?;
            write(&AnalysisAnswer::Sensitivity(SensitivityAnswer::new(&s, lang)))
        }
        AnalysisRequest::Target {
            inputs,
            input,
            goal,
            from,
            to,
            resolution,
        } => {
            let range = match (from, to) {
                (Some(a), Some(b)) => Some((a.0, b.0)),
                (None, None) => None,
                _ => return Err(JsonError::request("give both `from` and `to`, or neither")),
            };
            let t = scorer.target(&inputs.into(), &input, &goal.goal()?, range, resolution.map(Dec::value))?;
            write(&AnalysisAnswer::Target(TargetAnswer::new(&t, lang)))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::InputValue;

    const SYSTEM: &str = r#"{"format": 1, "id": "t", "name": "测试",
      "inputs": [{"name": "a"}, {"name": "b", "required": false}],
      "indicators": [{"id": "1", "name": "甲", "points": 100,
                      "rule": {"type": "formula", "expr": "a", "clamp": true}}],
      "grades": [{"label": "合格"}]}"#;

    fn error(result: Result<impl std::fmt::Debug, JsonError>) -> (String, String) {
        match result {
            Err(e) => (e.kind, e.message),
            Ok(v) => (String::new(), format!("no error: {v:?}")),
        }
    }

    #[test]
    fn numbers_are_read_from_their_digits() {
        let inputs = inputs_from_json(r#"{"a": 12345678901234567.891, "b": 0.1000000000000000055511151231}"#);
        let values = inputs.unwrap().values;
        assert_eq!(
            values["a"],
            InputValue::Number("12345678901234567.891".parse().unwrap())
        );
        // 28 digits after the point: beyond any binary float, read exactly.
        assert_eq!(
            values["b"],
            InputValue::Number("0.1000000000000000055511151231".parse().unwrap())
        );
    }

    #[test]
    fn request_errors_name_the_field_and_its_place() {
        let (kind, message) = error(inputs_from_json("{\"a\": 1,\n \"a\": 2}"));
        assert_eq!(kind, "request");
        assert_eq!(message, "the inputs: a (line 2 column 2): duplicate field `a`");
        let (_, message) = error(inputs_from_json(r#"{"a": null}"#));
        assert_eq!(
            message,
            "the inputs: a (line 1 column 7): null is not a value; leave the input out instead"
        );
        let (_, message) = error(inputs_from_json(r#"{"a": {"level": "达成", "scor": 1}}"#));
        assert_eq!(
            message,
            "the inputs: a.scor (line 1 column 23): unknown field `scor`, expected one of `level`, `score`"
        );
        let (_, message) = error(inputs_from_json(r#"{"a": [1]}"#));
        assert_eq!(
            message,
            "the inputs: a[0] (line 1 column 8): expected a string, found a number"
        );
        let (_, message) = error(inputs_from_json("[1]"));
        assert_eq!(
            message,
            "the inputs: expected the inputs as a JSON object of name → value, found a list at line 1 column 1"
        );
        let (_, message) = error(from_json::<AnalysisRequest>(r#"{"what_iff": {}}"#, "the request"));
        assert!(
            message.starts_with(
                "the request: what_iff (line 1 column 2): unknown value `what_iff`, expected one of `what_if`"
            ),
            "{message}"
        );
        let (_, message) = error(from_json::<AnalysisRequest>(
            r#"{"sensitivity": {"inputs": {}, "input": "a", "from": "x", "to": 1}}"#,
            "the request",
        ));
        assert_eq!(
            message,
            "the request: sensitivity.from (line 1 column 54): `x` is not a decimal number (expected digits such as `82.39` or `95%`)"
        );
    }

    #[test]
    fn toml_units_read_like_json_units() {
        let toml = "a = \"0.95\"\nb = 76\n[c]\nlevel = \"达成\"\nscore = \"4.5\"\n";
        let json = r#"{"a": "0.95", "b": 76, "c": {"level": "达成", "score": "4.5"}}"#;
        let read: Inputs = from_toml::<UnitInputs>(toml, "t.toml").unwrap().into();
        assert_eq!(read, inputs_from_json(json).unwrap());
        let (_, message) = error(from_toml::<UnitInputs>("a = 0.95\n", "t.toml"));
        assert_eq!(
            message,
            "t.toml: a (line 1 column 5): the binary float `0.95` cannot be read exactly; write the decimal as a string, e.g. \"0.95\""
        );
        let (_, message) = error(from_toml::<UnitInputs>("a = \n", "t.toml"));
        assert!(message.starts_with("t.toml: not valid TOML: "), "{message}");
        assert!(message.ends_with("at line 1 column 5"), "{message}");
    }

    #[test]
    fn a_parsed_value_with_a_fraction_is_refused_not_rounded() {
        let value: serde_json::Value = serde_json::from_str(r#"{"a": 0.1}"#).unwrap();
        let (_, message) = error(inputs_from_value(&value));
        assert!(
            message.contains("write the decimal as a string, e.g. \"0.1\""),
            "{message}"
        );
        let value: serde_json::Value = serde_json::from_str(r#"{"a": "0.1", "b": 3}"#).unwrap();
        assert_eq!(
            inputs_from_value(&value).unwrap(),
            inputs_from_json(r#"{"a": "0.1", "b": 3}"#).unwrap()
        );
    }

    #[test]
    fn a_bad_unit_in_a_batch_fails_alone() {
        let out = evaluate_batch_json(SYSTEM, r#"[{"a": 70}, 5, {"a": 30, "c": 1}, {"a": "x"}]"#, Lang::Zh).unwrap();
        let out: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(out[0]["total"], "70.00");
        assert_eq!(out[1]["error"]["kind"], "request");
        assert_eq!(
            out[1]["error"]["message"],
            "the inputs: expected the inputs as a JSON object of name → value, found a number at line 1 column 1"
        );
        // Each unit's error is the one it gets alone, place included.
        let alone = inputs_from_json(r#"{"a": "x", "a": 1}"#).unwrap_err();
        let batch = evaluate_batch_json(SYSTEM, r#"[{"a": 70}, {"a": "x", "a": 1}]"#, Lang::Zh).unwrap();
        let batch: serde_json::Value = serde_json::from_str(&batch).unwrap();
        assert_eq!(
            batch[1],
            serde_json::from_str::<serde_json::Value>(&alone.to_json()).unwrap()
        );
        let e = evaluate_batch_json(SYSTEM, r#"{"a": 70}"#, Lang::Zh).unwrap_err();
        assert_eq!(
            e.message,
            "the units: expected a list of units, found an object at line 1 column 1"
        );
        assert_eq!(out[2]["error"]["kind"], "inputs");
        assert_eq!(out[2]["error"]["errors"][0]["input"], "c");
        assert_eq!(out[3]["error"]["kind"], "inputs");
    }

    #[test]
    fn evaluations_serialize_with_their_provenance_and_optional_explanations() {
        let scorer = Scorer::from_text(SYSTEM).unwrap();
        let e = scorer.evaluate(&Inputs::new().with("a", 70)).unwrap();
        // `Evaluation: Serialize` gives the figures without explanation texts.
        let figures = serde_json::to_value(&e).unwrap();
        assert_eq!(figures["total"], "70.00");
        assert_eq!(figures["indicators"][0]["score"], "70.00");
        assert!(figures.get("explanation").is_none());
        assert!(figures["indicators"][0].get("explanation").is_none());
        let provenance = &figures["provenance"];
        assert_eq!(provenance["system"], "t");
        assert_eq!(provenance["engine"], concat!("jixiao ", env!("CARGO_PKG_VERSION")));
        let hash = provenance["hash"].as_str().unwrap();
        assert!(hash.starts_with("sha256:") && hash.len() == 7 + 64, "{hash}");
        // The same rules written otherwise hash the same; other rules do not.
        let relaid = Scorer::from_text(&scorer.system().to_toml().unwrap()).unwrap();
        assert_eq!(
            relaid.evaluate(&Inputs::new().with("a", 1)).unwrap().provenance.hash,
            hash
        );
        let other = Scorer::from_text(&SYSTEM.replace("\"points\": 100", "\"points\": 90")).unwrap();
        assert_ne!(
            other.evaluate(&Inputs::new().with("a", 1)).unwrap().provenance.hash,
            hash
        );
        // With explanations when asked.
        let full: serde_json::Value =
            serde_json::from_str(&evaluate_json_with(SYSTEM, r#"{"a": 70}"#, Options::lang(Lang::Zh)).unwrap())
                .unwrap();
        assert!(full["explanation"].as_str().unwrap().contains("70"));
        assert!(full["indicators"][0]["explanation"].is_string());
        let bare: serde_json::Value =
            serde_json::from_str(&evaluate_json_with(SYSTEM, r#"{"a": 70}"#, Options::figures_only()).unwrap())
                .unwrap();
        assert_eq!(bare["total"], full["total"]);
        assert!(bare.get("explanation").is_none());
    }

    #[test]
    fn errors_serialize_as_the_error_envelope() {
        let e = JsonError::from(Scorer::from_text("{").unwrap_err());
        let v: serde_json::Value = serde_json::from_str(&e.to_json()).unwrap();
        assert_eq!(v["error"]["kind"], "syntax");
        assert_eq!(v["error"]["errors"][0]["path"], "(line 1 column 2)");
        assert!(v["error"]["errors"][0].get("position").is_none());
    }
}
