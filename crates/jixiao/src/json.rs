//! The JSON-in/JSON-out layer that every binding reuses.
//!
//! Decimals are strings in this JSON (`"91.73"`); inputs may also be JSON numbers, which are read
//! from their digits, never through a binary float. Errors are JSON objects too:
//! `{"error": {"kind": ..., "message": ..., "errors": [{"path", "position", "message"}]}}`.

use serde_json::{Map, Value};

use crate::compile::Scorer;
use crate::error::{EvalError, LoadError};
use crate::eval::{Evaluation, IndicatorResult, InputValue, Inputs, Outcome, Status};
use crate::explain::{Lang, num};
use crate::format::{IndicatorSystem, NaOutcome};

/// An error of the JSON layer, itself serialisable as JSON.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {message}")]
pub struct JsonError {
    /// `syntax`, `validation`, `request`, or an evaluation kind (`inputs`, `arithmetic`, ...).
    pub kind: String,
    /// One line saying what went wrong.
    pub message: String,
    /// Details with locations: `{path, position?, message}`.
    pub errors: Vec<Value>,
}

impl JsonError {
    fn request(message: impl Into<String>) -> Self {
        Self::request_text(message.into())
    }

    #[inline(never)]
    fn request_text(message: String) -> Self {
        JsonError {
            kind: "request".into(),
            errors: vec![Obj::default().s("path", "").s("message", &message).done()],
            message,
        }
    }

    /// The error as a JSON value `{"error": {...}}`.
    pub fn to_value(&self) -> Value {
        // Serialising the list (which cannot fail) rather than cloning it keeps `Value::clone`,
        // otherwise unused, out of the WebAssembly.
        let error = Obj::default()
            .s("kind", &self.kind)
            .s("message", &self.message)
            .v("errors", serde_json::to_value(&self.errors).unwrap_or_default())
            .done();
        Obj::default().v("error", error).done()
    }

    /// The error as JSON text.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }
}

impl From<LoadError> for JsonError {
    fn from(e: LoadError) -> Self {
        let kind = e.kind();
        let errors = e
            .issues()
            .into_iter()
            .map(|i| {
                let mut o = Obj::default();
                o.t("path", i.path);
                if let Some(p) = i.position {
                    o.n("position", p as u64);
                }
                o.t("message", i.message).done()
            })
            .collect();
        JsonError {
            kind: kind.into(),
            message: e.to_string(),
            errors,
        }
    }
}

impl From<EvalError> for JsonError {
    fn from(e: EvalError) -> Self {
        let errors = match &e {
            EvalError::Inputs(list) => list
                .iter()
                .map(|i| {
                    let kind = match i {
                        crate::error::InputError::Unknown { .. } => "unknown",
                        crate::error::InputError::Missing { .. } => "missing",
                        _ => "invalid",
                    };
                    Obj::default()
                        .t("path", format!("inputs[{}]", i.name()))
                        .s("input", i.name())
                        .s("kind", kind)
                        .t("message", i.to_string())
                        .done()
                })
                .collect(),
            EvalError::Arithmetic { location, position, .. } => vec![
                Obj::default()
                    .s("path", location)
                    .n("position", *position as u64)
                    .t("message", e.to_string())
                    .done(),
            ],
            EvalError::MissingInput { input, .. } => vec![
                Obj::default()
                    .t("path", format!("inputs[{input}]"))
                    .s("input", input)
                    .t("message", e.to_string())
                    .done(),
            ],
            EvalError::Overflow { location, .. } => vec![path_message(s(location), &e)],
            EvalError::MetricOutOfRange { metric, .. } => {
                vec![path_message(Value::String(format!("metrics[{metric}]")), &e)]
            }
            EvalError::Score { indicator, .. } => {
                vec![path_message(Value::String(format!("indicators[{indicator}]")), &e)]
            }
            _ => vec![path_message(s(""), &e)],
        };
        JsonError {
            kind: e.kind().into(),
            message: e.to_string(),
            errors,
        }
    }
}

/// Reads a unit's inputs from a JSON object (name → number, decimal string, bool, list of items,
/// or `{"level": ..., "score": ...}`).
pub fn inputs_from_value(value: &Value) -> Result<Inputs, JsonError> {
    let Value::Object(map) = value else {
        return Err(JsonError::request("the inputs must be a JSON object of name → value"));
    };
    let mut inputs = Inputs::new();
    for (name, v) in map {
        inputs.set(name.clone(), input_value(name, v)?);
    }
    Ok(inputs)
}

fn input_value(name: &str, v: &Value) -> Result<InputValue, JsonError> {
    Ok(match v {
        Value::Number(n) => InputValue::Number(parse_number(name, &n.to_string())?),
        Value::String(s) => InputValue::Text(s.clone()),
        Value::Bool(b) => InputValue::Bool(*b),
        Value::Array(items) => InputValue::Items(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Ok(s.clone()),
                    _ => Err(JsonError::request(format!(
                        "input `{name}`: checklist items must be strings"
                    ))),
                })
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(o) => {
            let level = match o.get("level") {
                Some(Value::String(s)) => s.clone(),
                _ => {
                    return Err(JsonError::request(format!(
                        "input `{name}`: an object input needs a string `level`"
                    )));
                }
            };
            if let Some(k) = o.keys().find(|k| *k != "level" && *k != "score") {
                return Err(JsonError::request(format!(
                    "input `{name}`: unknown field `{k}` (expected level, score)"
                )));
            }
            let score = match o.get("score") {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) => Some(parse_number(name, &n.to_string())?),
                Some(Value::String(s)) => Some(parse(name, s)?),
                Some(_) => return Err(JsonError::request(format!("input `{name}`: `score` must be a decimal"))),
            };
            InputValue::Level { level, score }
        }
        Value::Null => {
            return Err(JsonError::request(format!(
                "input `{name}`: null is not a value; leave the input out instead"
            )));
        }
    })
}

fn parse(name: &str, text: &str) -> Result<rust_decimal::Decimal, JsonError> {
    crate::dec::parse_decimal(text).map_err(|m| JsonError::request(format!("input `{name}`: {m}")))
}

fn parse_number(name: &str, text: &str) -> Result<rust_decimal::Decimal, JsonError> {
    crate::dec::parse_json_number(text).map_err(|m| JsonError::request(format!("input `{name}`: {m}")))
}

fn parse_json(text: &str, what: &str) -> Result<Value, JsonError> {
    crate::format::tree::parse_json_value(text)
        .map_err(|e| JsonError::request(format!("{what} is not valid JSON: {e}")))
}

// Every object below is built through these few out-of-line helpers rather than `json!`, whose
// expansion (a `String` per key, a map insert and a `to_value` per field) is inlined at each use
// and was the bulk of this module's WebAssembly. The map sorts its keys, so the output is the same.

/// An object under construction, one out-of-line call a field.
#[derive(Default)]
struct Obj(Map<String, Value>);

impl Obj {
    /// Any value.
    #[inline(never)]
    fn v(&mut self, key: &'static str, value: Value) -> &mut Self {
        self.0.insert(key.to_owned(), value);
        self
    }

    /// An owned string.
    #[inline(never)]
    fn t(&mut self, key: &'static str, text: String) -> &mut Self {
        self.v(key, Value::String(text))
    }

    /// A string.
    #[inline(never)]
    fn s(&mut self, key: &'static str, text: &str) -> &mut Self {
        self.v(key, s(text))
    }

    /// A string or null.
    #[inline(never)]
    fn os(&mut self, key: &'static str, text: Option<&str>) -> &mut Self {
        self.v(key, os(text))
    }

    /// A decimal as its text.
    #[inline(never)]
    fn d(&mut self, key: &'static str, v: &rust_decimal::Decimal) -> &mut Self {
        self.v(key, Value::String(num(*v)))
    }

    /// A decimal as its text, or null.
    #[inline(never)]
    fn od(&mut self, key: &'static str, v: Option<&rust_decimal::Decimal>) -> &mut Self {
        self.v(key, v.map_or(Value::Null, |v| Value::String(num(*v))))
    }

    /// A whole number.
    #[inline(never)]
    fn n(&mut self, key: &'static str, n: u64) -> &mut Self {
        self.v(key, Value::from(n))
    }

    /// A list.
    #[inline(never)]
    fn a(&mut self, key: &'static str, list: Vec<Value>) -> &mut Self {
        self.v(key, Value::Array(list))
    }

    /// A list of strings.
    #[inline(never)]
    fn strs(&mut self, key: &'static str, list: &[String]) -> &mut Self {
        self.v(key, strs(list))
    }

    /// A boolean.
    #[inline(never)]
    fn b(&mut self, key: &'static str, b: bool) -> &mut Self {
        self.v(key, Value::Bool(b))
    }

    /// The object.
    fn done(&mut self) -> Value {
        Value::Object(std::mem::take(&mut self.0))
    }
}

/// A string value.
#[inline(never)]
fn s(text: &str) -> Value {
    Value::String(text.to_owned())
}

/// A string value or null.
#[inline(never)]
fn os(text: Option<&str>) -> Value {
    text.map_or(Value::Null, s)
}

/// A list of strings.
#[inline(never)]
fn strs(list: &[String]) -> Value {
    Value::Array(list.iter().map(|x| s(x)).collect())
}

/// `{"path", "message"}` for an evaluation error.
#[inline(never)]
fn path_message(path: Value, e: &EvalError) -> Value {
    Obj::default().v("path", path).t("message", e.to_string()).done()
}

fn indicator_value(r: &IndicatorResult, all: &[IndicatorResult], lang: Lang) -> Value {
    let mut m = Obj::default();
    m.s("id", &r.id)
        .s("name", &r.name)
        .n("depth", r.depth as u64)
        .os("parent", r.parent.and_then(|p| all.get(p)).map(|p| &*p.id))
        .b("leaf", r.is_leaf)
        .d("points", &r.points)
        .d("score", &r.score)
        .d("exact_score", &r.exact_score)
        .od("value", r.value.as_ref())
        .s("rule", r.outcome.kind());
    match &r.status {
        Status::Scored => {
            m.s("status", "scored");
        }
        Status::NotApplicable {
            outcome,
            reason,
            inherited,
        } => {
            let o = match outcome {
                NaOutcome::FullPoints => "full_points",
                NaOutcome::Zero => "zero",
                NaOutcome::Excluded => "excluded",
            };
            m.s("status", "not_applicable")
                .s("na_outcome", o)
                .os("na_reason", reason.as_deref())
                .b("na_inherited", *inherited);
        }
    }
    match &r.outcome {
        Outcome::Tier { index, .. } => {
            m.n("tier", *index as u64);
        }
        Outcome::Chosen { option, .. } => {
            m.s("option", option);
        }
        Outcome::Case { index, .. } => {
            m.n("case", *index as u64);
        }
        Outcome::Level { level, .. } => {
            m.s("level", level);
        }
        _ => {}
    }
    let deductions = r
        .deductions
        .iter()
        .map(|x| {
            Obj::default()
                .d("amount", &x.amount)
                .os("item", x.item.as_deref())
                .done()
        })
        .collect();
    m.a("deductions", deductions).t("explanation", r.explain(lang)).done()
}

fn indicator_values(list: &[IndicatorResult], lang: Lang) -> Value {
    Value::Array(list.iter().map(|r| indicator_value(r, list, lang)).collect())
}

/// An evaluation as a JSON value; every figure is a decimal string.
pub fn evaluation_to_value(e: &Evaluation, lang: Lang) -> Value {
    let vetoes = e
        .vetoes
        .iter()
        .map(|v| {
            Obj::default()
                .s("id", &v.id)
                .s("name", &v.name)
                .os("grade", v.grade.as_deref())
                .od("total", v.total.as_ref())
                .od("max_total", v.max_total.as_ref())
                .done()
        })
        .collect();
    Obj::default()
        .s("system", &e.system_id)
        .d("total", &e.total)
        .d("exact_total", &e.exact_total)
        .s("grade", &e.grade)
        .os("grade_en", e.grade_en.as_deref())
        .d("full_points", &e.full_points)
        .d("tree_total", &e.tree_total)
        .d("excluded_points", &e.excluded_points)
        .od("rescaled_total", e.rescaled_total.as_ref())
        .d("bonus_total", &e.bonus_total)
        .a("vetoes", vetoes)
        .v("indicators", indicator_values(&e.indicators, lang))
        .v("bonus", indicator_values(&e.bonus, lang))
        .t("explanation", e.explain(lang))
        .done()
}

/// Validates a system (JSON or TOML text): `{"valid": true}` or `{"valid": false, "errors": [...]}`.
pub fn validate_json(system: &str) -> String {
    match Scorer::from_text(system) {
        Ok(_) => Obj::default()
            .b("valid", true)
            .a("errors", Vec::new())
            .done()
            .to_string(),
        Err(e) => {
            let err = JsonError::from(e);
            Obj::default()
                .b("valid", false)
                .t("kind", err.kind)
                .a("errors", err.errors)
                .done()
                .to_string()
        }
    }
}

/// Evaluates one unit: system text (JSON or TOML) and inputs JSON in, evaluation JSON out.
pub fn evaluate_json(system: &str, inputs: &str) -> Result<String, JsonError> {
    evaluate_json_lang(system, inputs, Lang::Zh)
}

/// As [`evaluate_json`], with explanations in the given language.
pub fn evaluate_json_lang(system: &str, inputs: &str, lang: Lang) -> Result<String, JsonError> {
    let scorer = Scorer::from_text(system)?;
    let inputs = inputs_from_value(&parse_json(inputs, "the inputs")?)?;
    let e = scorer.evaluate(&inputs)?;
    Ok(evaluation_to_value(&e, lang).to_string())
}

/// Evaluates a JSON array of units; each element of the result is an evaluation or `{"error": ...}`.
pub fn evaluate_batch_json(system: &str, units: &str, lang: Lang) -> Result<String, JsonError> {
    let scorer = Scorer::from_text(system)?;
    let Value::Array(units) = parse_json(units, "the units")? else {
        return Err(JsonError::request("the units must be a JSON array of input objects"));
    };
    let out: Vec<Value> = units
        .iter()
        .map(
            |u| match inputs_from_value(u).and_then(|i| scorer.evaluate(&i).map_err(JsonError::from)) {
                Ok(e) => evaluation_to_value(&e, lang),
                Err(e) => e.to_value(),
            },
        )
        .collect();
    Ok(Value::Array(out).to_string())
}

/// The explanation text of one unit's evaluation.
pub fn explain_json(system: &str, inputs: &str, lang: Lang) -> Result<String, JsonError> {
    let scorer = Scorer::from_text(system)?;
    let inputs = inputs_from_value(&parse_json(inputs, "the inputs")?)?;
    Ok(scorer.evaluate(&inputs)?.explain(lang))
}

/// The JSON Schema of the indicator-system format.
pub fn schema_json() -> String {
    let schema = schemars::schema_for!(IndicatorSystem);
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// What a front end needs to build a form and show the table: metadata, declared inputs (with
/// kinds, units, levels, items, defaults, ranges) and the indicator rows with their standards.
pub fn system_info_value(system: &IndicatorSystem, lang: Lang) -> Value {
    use crate::format::InputDefault;
    let inputs = system
        .inputs
        .iter()
        .map(|i| {
            let kind = i.kind.as_str();
            let default = match &i.default {
                None => Value::Null,
                Some(InputDefault::Bool(b)) => Value::Bool(*b),
                Some(InputDefault::Text(t)) => s(t),
                Some(InputDefault::Items(items)) => strs(items),
            };
            Obj::default()
                .s("name", &i.name)
                .os("name_en", i.name_en.as_deref())
                .s("kind", kind)
                .os("unit", i.unit.as_deref())
                .os("description", i.description.as_deref())
                .b("required", i.required && i.default.is_none())
                .v("default", default)
                .od("min", i.min.map(|d| d.value()).as_ref())
                .od("max", i.max.map(|d| d.value()).as_ref())
                .strs("levels", &i.levels)
                .strs("items", &i.items)
                .done()
        })
        .collect();
    let rows = crate::report::system_rows(system, lang)
        .into_iter()
        .map(|r| {
            Obj::default()
                .t("id", r.id)
                .n("depth", r.depth as u64)
                .t("name", r.name)
                .b("leaf", r.is_leaf)
                .d("points", &r.points)
                .t("standard", r.standard)
                .os("published", r.published.as_deref())
                .os("assumed", r.assumed.as_deref())
                .done()
        })
        .collect();
    let grades = system
        .grades
        .iter()
        .map(|g| {
            Obj::default()
                .s("label", &g.label)
                .os("label_en", g.label_en.as_deref())
                .od("min", g.min.map(|d| d.value()).as_ref())
                .done()
        })
        .collect();
    let total = system
        .indicators
        .iter()
        .fold(rust_decimal::Decimal::ZERO, |a, i| a.saturating_add(i.points.value()));
    Obj::default()
        .n("format", u64::from(system.format))
        .s("id", &system.id)
        .s("name", &system.name)
        .os("name_en", system.name_en.as_deref())
        .os("issuer", system.issuer.as_deref())
        .os("region", system.region.as_deref())
        .v("year", system.year.map_or(Value::Null, Value::from))
        .os("source", system.source.as_deref())
        .strs("notes", &system.notes)
        .d("total_points", &total)
        .a("inputs", inputs)
        .a("indicators", rows)
        .a("grades", grades)
        .done()
}

/// [`system_info_value`] for a system text (JSON or TOML), as JSON text.
pub fn system_info_json(system: &str, lang: Lang) -> Result<String, JsonError> {
    let scorer = Scorer::from_text(system)?;
    Ok(system_info_value(scorer.system(), lang).to_string())
}

/// The built-in systems: `[{id, name, name_en, issuer, region, year}]`.
pub fn builtins_json() -> String {
    let list: Vec<Value> = crate::builtin::builtins()
        .iter()
        .filter_map(|b| b.system().ok().map(|s| (b.id, s)))
        .map(|(id, sys)| {
            Obj::default()
                .s("id", id)
                .t("name", sys.name)
                .os("name_en", sys.name_en.as_deref())
                .os("issuer", sys.issuer.as_deref())
                .os("region", sys.region.as_deref())
                .v("year", sys.year.map_or(Value::Null, Value::from))
                .done()
        })
        .collect();
    Value::Array(list).to_string()
}

fn inputs_field(request: &Value, field: &str) -> Result<Inputs, JsonError> {
    match request.get(field) {
        Some(v) => inputs_from_value(v),
        None => Err(JsonError::request(format!("the request needs `{field}`"))),
    }
}

fn decimal_field(request: &Value, field: &str) -> Result<Option<rust_decimal::Decimal>, JsonError> {
    decimal_value(request.get(field), field)
}

/// A decimal given as a string or a number, named `field` in errors; `None` for null or nothing.
fn decimal_value(value: Option<&Value>, field: &str) -> Result<Option<rust_decimal::Decimal>, JsonError> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => crate::dec::parse_decimal(s)
            .map(Some)
            .map_err(|m| JsonError::request(format!("`{field}`: {m}"))),
        Some(Value::Number(n)) => crate::dec::parse_json_number(&n.to_string())
            .map(Some)
            .map_err(|m| JsonError::request(format!("`{field}`: {m}"))),
        Some(_) => Err(JsonError::request(format!("`{field}` must be a decimal"))),
    }
}

fn required_decimal(request: &Value, field: &str) -> Result<rust_decimal::Decimal, JsonError> {
    decimal_field(request, field)?.ok_or_else(|| JsonError::request(format!("the request needs `{field}`")))
}

fn string_field<'v>(request: &'v Value, field: &str) -> Result<&'v str, JsonError> {
    request
        .get(field)
        .and_then(Value::as_str)
        .ok_or_else(|| JsonError::request(format!("the request needs a string `{field}`")))
}

fn analysis_error(e: crate::analysis::AnalysisError) -> JsonError {
    match e {
        crate::analysis::AnalysisError::Eval(e) => JsonError::from(e),
        crate::analysis::AnalysisError::Request(m) => JsonError::request(m),
    }
}

fn comparison_value(c: &crate::analysis::Comparison, lang: Lang) -> Value {
    let rows = c
        .rows
        .iter()
        .map(|r| {
            Obj::default()
                .s("id", &r.id)
                .s("name", &r.name)
                .n("depth", r.depth as u64)
                .d("points", &r.points)
                .od("a", r.a.as_ref())
                .od("b", r.b.as_ref())
                .od("change", r.change().as_ref())
                .done()
        })
        .collect();
    Obj::default()
        .a("rows", rows)
        .d("total_a", &c.a.total)
        .d("total_b", &c.b.total)
        .d("total_change", &c.total_change())
        .s("grade_a", &c.a.grade)
        .s("grade_b", &c.b.grade)
        .a("changed", c.changed().map(|r| s(&r.id)).collect())
        .t("explanation", c.explain(lang))
        .done()
}

/// Runs one analysis described by a JSON request and returns its result as JSON. Requests:
/// `{"what_if": {"inputs", "changes"}}`, `{"compare": {"a", "b"}}`,
/// `{"audit": {"inputs", "claims": {"scores": {id: score}, "total", "grade"}}}`,
/// `{"sensitivity": {"inputs", "input", "from", "to", "resolution"?}}`,
/// `{"target": {"inputs", "input", "goal": {"total"} | {"grade"} | {"indicator", "score"}, "from"?, "to"?, "resolution"?}}`.
pub fn analysis_json(system: &str, request: &str, lang: Lang) -> Result<String, JsonError> {
    let scorer = Scorer::from_text(system)?;
    let request = parse_json(request, "the request")?;
    Ok(analysis_value(&scorer, &request, lang)?.to_string())
}

/// [`analysis_json`] on a compiled scorer and a parsed request.
pub fn analysis_value(scorer: &Scorer, request: &Value, lang: Lang) -> Result<Value, JsonError> {
    let Value::Object(map) = request else {
        return Err(JsonError::request(
            "the request must be an object with one key: what_if, compare, audit, sensitivity or target",
        ));
    };
    let mut entries = map.iter();
    let (Some((kind, body)), None) = (entries.next(), entries.next()) else {
        return Err(JsonError::request(
            "the request must have exactly one key: what_if, compare, audit, sensitivity or target",
        ));
    };
    match kind.as_str() {
        "what_if" => {
            let c = scorer.what_if(&inputs_field(body, "inputs")?, &inputs_field(body, "changes")?)?;
            Ok(comparison_value(&c, lang))
        }
        "compare" => {
            let a = scorer.evaluate(&inputs_field(body, "a")?)?;
            let b = scorer.evaluate(&inputs_field(body, "b")?)?;
            Ok(comparison_value(&crate::analysis::Comparison::new(a, b), lang))
        }
        "audit" => {
            let claims_value = body
                .get("claims")
                .ok_or_else(|| JsonError::request("the request needs `claims`"))?;
            let mut claims = crate::analysis::Claims {
                total: decimal_field(claims_value, "total")?,
                grade: claims_value.get("grade").and_then(Value::as_str).map(str::to_string),
                ..Default::default()
            };
            if let Some(Value::Object(scores)) = claims_value.get("scores") {
                for (id, v) in scores {
                    let d = decimal_value(Some(v), "score")?
                        .ok_or_else(|| JsonError::request(format!("claims.scores[{id}] must be a decimal")))?;
                    claims.scores.insert(id.clone(), d);
                }
            }
            let audit = scorer.audit(&inputs_field(body, "inputs")?, &claims)?;
            let discrepancies = audit
                .discrepancies
                .iter()
                .map(|d| {
                    Obj::default()
                        .s("kind", d.kind.code())
                        .os("id", d.id.as_deref())
                        .os("name", d.name.as_deref())
                        .s("claimed", &d.claimed)
                        .s("computed", &d.computed)
                        .od("difference", d.difference.as_ref())
                        .os("explanation", d.explanation.as_deref())
                        .done()
                })
                .collect();
            Ok(Obj::default()
                .d("total", &audit.evaluation.total)
                .s("grade", &audit.evaluation.grade)
                .a("discrepancies", discrepancies)
                .t("explanation", audit.explain(lang))
                .done())
        }
        "sensitivity" => {
            let sens = scorer
                .sensitivity(
                    &inputs_field(body, "inputs")?,
                    string_field(body, "input")?,
                    required_decimal(body, "from")?,
                    required_decimal(body, "to")?,
                    decimal_field(body, "resolution")?,
                )
                .map_err(analysis_error)?;
            let breakpoints = sens
                .breakpoints
                .iter()
                .map(|b| {
                    let indicators = b
                        .indicators
                        .iter()
                        .map(|c| {
                            Obj::default()
                                .s("id", &c.id)
                                .s("name", &c.name)
                                .od("before", c.before.as_ref())
                                .od("at", c.at.as_ref())
                                .os("explanation", c.explanation.as_deref())
                                .done()
                        })
                        .collect();
                    Obj::default()
                        .d("at", &b.at)
                        .od("total_before", b.total_before.as_ref())
                        .od("total_at", b.total_at.as_ref())
                        .os("grade_before", b.grade_before.as_deref())
                        .os("grade_at", b.grade_at.as_deref())
                        .os("error", b.error.as_deref())
                        .a("indicators", indicators)
                        .done()
                })
                .collect();
            Ok(Obj::default()
                .s("input", &sens.input)
                .d("from", &sens.from)
                .d("to", &sens.to)
                .d("resolution", &sens.resolution)
                .a("breakpoints", breakpoints)
                .t("explanation", sens.explain(lang))
                .done())
        }
        "target" => {
            let goal_value = body
                .get("goal")
                .ok_or_else(|| JsonError::request("the request needs `goal`"))?;
            let goal = if let Some(t) = decimal_field(goal_value, "total")? {
                crate::analysis::Goal::Total(t)
            } else if let Some(g) = goal_value.get("grade").and_then(Value::as_str) {
                crate::analysis::Goal::Grade(g.to_string())
            } else if let Some(id) = goal_value.get("indicator").and_then(Value::as_str) {
                crate::analysis::Goal::Indicator {
                    id: id.to_string(),
                    score: required_decimal(goal_value, "score")?,
                }
            } else {
                return Err(JsonError::request(
                    "`goal` needs `total`, `grade`, or `indicator` with `score`",
                ));
            };
            let range = match (decimal_field(body, "from")?, decimal_field(body, "to")?) {
                (Some(a), Some(b)) => Some((a, b)),
                (None, None) => None,
                _ => return Err(JsonError::request("give both `from` and `to`, or neither")),
            };
            let t = scorer
                .target(
                    &inputs_field(body, "inputs")?,
                    string_field(body, "input")?,
                    &goal,
                    range,
                    decimal_field(body, "resolution")?,
                )
                .map_err(analysis_error)?;
            Ok(Obj::default()
                .t("input", t.input)
                .d("current", &t.current)
                .od("required", t.required.as_ref())
                .od("change", t.required.map(|r| r - t.current).as_ref())
                .od("total", t.reached.as_ref().map(|e| e.total).as_ref())
                .os("grade", t.reached.as_ref().map(|e| &*e.grade))
                .a("deciding", t.deciding.iter().map(|x| s(x)).collect())
                .v("unreachable", t.unreachable.map_or(Value::Null, Value::String))
                .t("message", t.message)
                .done())
        }
        other => Err(JsonError::request(format!(
            "unknown analysis `{other}` (expected what_if, compare, audit, sensitivity or target)"
        ))),
    }
}

#[cfg(test)]
mod tests {
    //! Every object this module writes is checked, as text, against the `json!` construction it
    //! replaced: over the built-in systems, the conformance vectors, and analyses of each kind.

    use serde_json::{Value, json};

    use super::*;
    use crate::error::{EvalError, LoadError};

    #[derive(Default)]
    struct Seen {
        checked: usize,
        errors: usize,
    }

    impl Seen {
        fn same(&mut self, what: &str, new: &Value, old: &Value) {
            assert_eq!(new.to_string(), old.to_string(), "{what}");
            self.checked += 1;
        }

        fn load_error(&mut self, what: &str, e: &LoadError) {
            let (new, old) = (JsonError::from(e.clone()), old::load_error(e.clone()));
            assert_eq!(new, old, "{what}");
            self.same(what, &new.to_value(), &old::to_value(&old));
            self.errors += 1;
        }

        fn eval_error(&mut self, what: &str, e: &EvalError) {
            let (new, old) = (JsonError::from(e.clone()), old::eval_error(e.clone()));
            assert_eq!(new, old, "{what}");
            self.same(what, &new.to_value(), &old::to_value(&old));
            self.errors += 1;
        }

        fn analysis(&mut self, what: &str, scorer: &Scorer, request: &Value, lang: Lang) {
            match (
                analysis_value(scorer, request, lang),
                old::analysis_value(scorer, request, lang),
            ) {
                (Ok(new), Ok(old)) => self.same(what, &new, &old),
                (Err(new), Err(old)) => {
                    assert_eq!(new, old, "{what}");
                    self.same(what, &new.to_value(), &old::to_value(&old));
                    self.errors += 1;
                }
                (new, old) => panic!("{what}: {new:?} vs {old:?}"),
            }
        }

        /// Evaluation, system info, validation and each kind of analysis for one system.
        fn system(&mut self, what: &str, text: &str, units: &[Value]) {
            let validated: Value = serde_json::from_str(&validate_json(text)).unwrap_or_default();
            let old_validated: Value = serde_json::from_str(&old::validate_json(text)).unwrap_or_default();
            assert_eq!(validate_json(text), old::validate_json(text), "{what}");
            self.same(what, &validated, &old_validated);
            let scorer = match Scorer::from_text(text) {
                Ok(s) => s,
                Err(e) => return self.load_error(what, &e),
            };
            for lang in [Lang::Zh, Lang::En] {
                let info = system_info_value(scorer.system(), lang);
                self.same(what, &info, &old::system_info_value(scorer.system(), lang));
            }
            for (i, unit) in units.iter().enumerate() {
                let what = format!("{what} unit {i}");
                let inputs = match inputs_from_value(unit) {
                    Ok(inputs) => inputs,
                    Err(e) => {
                        let old = old::request_error(e.message.clone());
                        if e.kind == "request" {
                            assert_eq!(e, old, "{what}");
                            self.same(&what, &e.to_value(), &old::to_value(&old));
                        }
                        continue;
                    }
                };
                match scorer.evaluate(&inputs) {
                    Ok(e) => {
                        for lang in [Lang::Zh, Lang::En] {
                            let new = evaluation_to_value(&e, lang);
                            self.same(&what, &new, &old::evaluation_to_value(&e, lang));
                        }
                    }
                    Err(e) => {
                        self.eval_error(&what, &e);
                        continue;
                    }
                }
                // Analyses are slow next to the rest; a few units of each system are enough.
                if i > 2 {
                    continue;
                }
                for request in requests(scorer.system(), unit) {
                    self.analysis(&format!("{what} {request}"), &scorer, &request, Lang::Zh);
                }
            }
        }
    }

    /// Analyses of every kind on one unit: a change to each declared number input (what-if,
    /// compare, sensitivity, target), audits with right and wrong claims, and malformed requests.
    fn requests(system: &IndicatorSystem, unit: &Value) -> Vec<Value> {
        let mut out = vec![
            json!({"audit": {"inputs": unit, "claims": {"total": "1", "grade": "x", "scores": {"1": "2", "nope": "0"}}}}),
            json!({"audit": {"inputs": unit, "claims": {}}}),
            json!({"audit": {"inputs": unit, "claims": {"scores": {"1": true}}}}),
            json!({"audit": {"inputs": unit}}),
            json!({"what_if": {"inputs": unit, "changes": {}}}),
            json!({"compare": {"a": unit, "b": {}}}),
            json!({"nothing": {}}),
            json!({"what_if": {}, "compare": {}}),
            json!([]),
        ];
        for grade in &system.grades {
            out.push(json!({"audit": {"inputs": unit, "claims": {"grade": grade.label}}}));
            out.push(json!({"target": {"inputs": unit, "input": "?", "goal": {"grade": grade.label}}}));
        }
        for i in system.indicators.iter().take(3) {
            out.push(json!({"audit": {"inputs": unit, "claims": {"scores": {i.id.clone(): "0"}, "total": 0}}}));
        }
        let numbers = system.inputs.iter().filter(|i| {
            matches!(
                i.kind,
                crate::format::InputKind::Number | crate::format::InputKind::Count
            )
        });
        for input in numbers.take(4) {
            let name = &input.name;
            let changed = {
                let mut u = unit.clone();
                if let Value::Object(m) = &mut u {
                    m.insert(name.clone(), json!("1"));
                }
                u
            };
            out.push(json!({"what_if": {"inputs": unit, "changes": {name.clone(): "0"}}}));
            out.push(json!({"compare": {"a": unit, "b": changed}}));
            out.push(
                json!({"sensitivity": {"inputs": unit, "input": name, "from": "0", "to": "2000", "resolution": "1"}}),
            );
            out.push(json!({"sensitivity": {"inputs": unit, "input": name, "from": "-5", "to": "5"}}));
            for goal in [
                json!({"total": "100"}),
                json!({"total": "60"}),
                json!({"indicator": "1", "score": "1"}),
            ] {
                out.push(json!({"target": {"inputs": unit, "input": name, "goal": goal, "from": "0", "to": "10000"}}));
                out.push(json!({"target": {"inputs": unit, "input": name, "goal": goal}}));
            }
            out.push(json!({"target": {"inputs": unit, "input": name, "goal": {}}}));
            out.push(json!({"target": {"inputs": unit, "input": name, "goal": {"total": "1"}, "from": "0"}}));
        }
        out
    }

    #[test]
    fn the_json_written_is_the_json_macros_byte_for_byte() {
        let mut seen = Seen::default();
        for b in crate::builtin::builtins() {
            let unit: Value = serde_json::from_str(b.example()).unwrap();
            let mut bare = unit.clone();
            if let Value::Object(m) = &mut bare {
                let first = m.keys().next().cloned();
                if let Some(k) = first {
                    m.remove(&k);
                }
            }
            seen.system(b.id, b.text(), &[unit, bare, json!({"?": 1}), json!({"x": null})]);
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/vectors");
        let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for path in files.iter().filter(|p| p.extension().is_some_and(|x| x == "json")) {
            let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
            let text = match (v.get("system"), v.get("system_file").and_then(Value::as_str)) {
                (Some(s), _) => s.to_string(),
                (None, Some(f)) => std::fs::read_to_string(dir.join(f)).unwrap(),
                (None, None) => continue,
            };
            let cases = v.get("cases").and_then(Value::as_array).cloned().unwrap_or_default();
            let units: Vec<Value> = cases.iter().filter_map(|c| c.get("inputs").cloned()).collect();
            let what = path.display().to_string();
            seen.system(&what, &text, &units);
            if let Ok(scorer) = Scorer::from_text(&text) {
                for c in &cases {
                    if let Some(request) = c.get("analysis") {
                        for lang in [Lang::Zh, Lang::En] {
                            seen.analysis(&what, &scorer, request, lang);
                        }
                    }
                }
            }
        }
        assert_eq!(builtins_json(), old::builtins_json());
        for m in ["", "a \"quoted\" message\n"] {
            assert_eq!(JsonError::request(m), old::request_error(m));
            seen.same(
                m,
                &JsonError::request(m).to_value(),
                &old::to_value(&old::request_error(m)),
            );
        }
        assert!(
            seen.checked > 2000 && seen.errors > 100,
            "{} checked, {} errors",
            seen.checked,
            seen.errors
        );
    }

    /// The JSON-building code as it was when every object was a `json!`, kept as the reference the
    /// out-of-line helpers above are checked against, byte for byte. An intended change of an
    /// output is made here too (or this reference retired in favour of the corpus and snapshots).
    mod old {
        #![allow(clippy::all, clippy::pedantic, reason = "a verbatim copy of the former code")]
        use serde_json::{Map, Value, json};

        use super::{JsonError, analysis_error, decimal_field, inputs_field, required_decimal, string_field};
        use crate::compile::Scorer;
        use crate::error::{EvalError, LoadError};
        use crate::eval::{Evaluation, IndicatorResult, Outcome, Status};
        use crate::explain::{Lang, num};
        use crate::format::{IndicatorSystem, NaOutcome};

        pub fn request_error(message: impl Into<String>) -> JsonError {
            let message = message.into();
            JsonError {
                kind: "request".into(),
                errors: vec![json!({"path": "", "message": message})],
                message,
            }
        }

        pub fn to_value(e: &JsonError) -> Value {
            json!({"error": {"kind": e.kind, "message": e.message, "errors": e.errors}})
        }

        pub fn validate_json(system: &str) -> String {
            match Scorer::from_text(system) {
                Ok(_) => json!({"valid": true, "errors": []}).to_string(),
                Err(e) => {
                    let err = load_error(e);
                    json!({"valid": false, "kind": err.kind, "errors": err.errors}).to_string()
                }
            }
        }

        fn d(v: rust_decimal::Decimal) -> Value {
            Value::String(num(v))
        }

        pub fn load_error(e: LoadError) -> JsonError {
            {
                let kind = match e {
                    LoadError::Syntax { .. } => "syntax",
                    _ => "validation",
                };
                let errors = e
                    .issues()
                    .into_iter()
                    .map(|i| match i.position {
                        Some(p) => json!({"path": i.path, "position": p, "message": i.message}),
                        None => json!({"path": i.path, "message": i.message}),
                    })
                    .collect();
                JsonError {
                    kind: kind.into(),
                    message: e.to_string(),
                    errors,
                }
            }
        }

        pub fn eval_error(e: EvalError) -> JsonError {
            {
                let errors = match &e {
            EvalError::Inputs(list) => list
                .iter()
                .map(|i| {
                    let kind = match i {
                        crate::error::InputError::Unknown { .. } => "unknown",
                        crate::error::InputError::Missing { .. } => "missing",
                        _ => "invalid",
                    };
                    json!({"path": format!("inputs[{}]", i.name()), "input": i.name(), "kind": kind, "message": i.to_string()})
                })
                .collect(),
            EvalError::Arithmetic { location, position, .. } => {
                vec![json!({"path": location, "position": position, "message": e.to_string()})]
            }
            EvalError::MissingInput { input, .. } => {
                vec![json!({"path": format!("inputs[{input}]"), "input": input, "message": e.to_string()})]
            }
            EvalError::Overflow { location, .. } => vec![json!({"path": location, "message": e.to_string()})],
            EvalError::MetricOutOfRange { metric, .. } => {
                vec![json!({"path": format!("metrics[{metric}]"), "message": e.to_string()})]
            }
            EvalError::Score { indicator, .. } => {
                vec![json!({"path": format!("indicators[{indicator}]"), "message": e.to_string()})]
            }
            _ => vec![json!({"path": "", "message": e.to_string()})],
        };
                JsonError {
                    kind: e.kind().into(),
                    message: e.to_string(),
                    errors,
                }
            }
        }

        pub fn indicator_value(r: &IndicatorResult, all: &[IndicatorResult], lang: Lang) -> Value {
            let mut m = Map::new();
            m.insert("id".into(), json!(&*r.id));
            m.insert("name".into(), json!(&*r.name));
            m.insert("depth".into(), json!(r.depth));
            m.insert(
                "parent".into(),
                r.parent.and_then(|p| all.get(p)).map_or(Value::Null, |p| json!(&*p.id)),
            );
            m.insert("leaf".into(), json!(r.is_leaf));
            m.insert("points".into(), d(r.points));
            m.insert("score".into(), d(r.score));
            m.insert("exact_score".into(), d(r.exact_score));
            m.insert("value".into(), r.value.map_or(Value::Null, d));
            m.insert("rule".into(), json!(r.outcome.kind()));
            match &r.status {
                Status::Scored => {
                    m.insert("status".into(), json!("scored"));
                }
                Status::NotApplicable {
                    outcome,
                    reason,
                    inherited,
                } => {
                    m.insert("status".into(), json!("not_applicable"));
                    let o = match outcome {
                        NaOutcome::FullPoints => "full_points",
                        NaOutcome::Zero => "zero",
                        NaOutcome::Excluded => "excluded",
                    };
                    m.insert("na_outcome".into(), json!(o));
                    m.insert("na_reason".into(), reason.as_deref().map_or(Value::Null, |s| json!(s)));
                    m.insert("na_inherited".into(), json!(inherited));
                }
            }
            match &r.outcome {
                Outcome::Tier { index, .. } => {
                    m.insert("tier".into(), json!(index));
                }
                Outcome::Chosen { option, .. } => {
                    m.insert("option".into(), json!(&**option));
                }
                Outcome::Case { index, .. } => {
                    m.insert("case".into(), json!(index));
                }
                Outcome::Level { level, .. } => {
                    m.insert("level".into(), json!(&**level));
                }
                _ => {}
            }
            let deductions: Vec<Value> = r
                .deductions
                .iter()
                .map(|x| json!({"amount": num(x.amount), "item": x.item.as_deref()}))
                .collect();
            m.insert("deductions".into(), Value::Array(deductions));
            m.insert("explanation".into(), json!(r.explain(lang)));
            Value::Object(m)
        }

        /// An evaluation as a JSON value; every figure is a decimal string.
        pub fn evaluation_to_value(e: &Evaluation, lang: Lang) -> Value {
            let vetoes: Vec<Value> = e
                .vetoes
                .iter()
                .map(|v| {
                    json!({
                        "id": &*v.id,
                        "name": &*v.name,
                        "grade": v.grade.as_deref(),
                        "total": v.total.map(num),
                        "max_total": v.max_total.map(num),
                    })
                })
                .collect();
            json!({
                "system": &*e.system_id,
                "total": num(e.total),
                "exact_total": num(e.exact_total),
                "grade": &*e.grade,
                "grade_en": e.grade_en.as_deref(),
                "full_points": num(e.full_points),
                "tree_total": num(e.tree_total),
                "excluded_points": num(e.excluded_points),
                "rescaled_total": e.rescaled_total.map(num),
                "bonus_total": num(e.bonus_total),
                "vetoes": vetoes,
                "indicators": e.indicators.iter().map(|r| indicator_value(r, &e.indicators, lang)).collect::<Vec<_>>(),
                "bonus": e.bonus.iter().map(|r| indicator_value(r, &e.bonus, lang)).collect::<Vec<_>>(),
                "explanation": e.explain(lang),
            })
        }

        pub fn system_info_value(system: &IndicatorSystem, lang: Lang) -> Value {
            let inputs: Vec<Value> = system
                .inputs
                .iter()
                .map(|i| {
                    json!({
                        "name": i.name,
                        "name_en": i.name_en,
                        "kind": format!("{:?}", i.kind).to_lowercase(),
                        "unit": i.unit,
                        "description": i.description,
                        "required": i.required && i.default.is_none(),
                        "default": i.default.as_ref().map(|d| match d {
                            crate::format::InputDefault::Bool(b) => json!(b),
                            crate::format::InputDefault::Text(t) => json!(t),
                            crate::format::InputDefault::Items(items) => json!(items),
                        }),
                        "min": i.min.map(|d| num(d.value())),
                        "max": i.max.map(|d| num(d.value())),
                        "levels": i.levels,
                        "items": i.items,
                    })
                })
                .collect();
            let rows: Vec<Value> = crate::report::system_rows(system, lang)
                .into_iter()
                .map(|r| {
                    json!({
                        "id": r.id, "depth": r.depth, "name": r.name, "leaf": r.is_leaf, "points": num(r.points),
                        "standard": r.standard, "published": r.published, "assumed": r.assumed,
                    })
                })
                .collect();
            let grades: Vec<Value> = system
                .grades
                .iter()
                .map(|g| json!({"label": g.label, "label_en": g.label_en, "min": g.min.map(|d| num(d.value()))}))
                .collect();
            json!({
                "format": system.format,
                "id": system.id,
                "name": system.name,
                "name_en": system.name_en,
                "issuer": system.issuer,
                "region": system.region,
                "year": system.year,
                "source": system.source,
                "notes": system.notes,
                "total_points": num(system.indicators.iter().fold(rust_decimal::Decimal::ZERO, |a, i| a.saturating_add(i.points.value()))),
                "inputs": inputs,
                "indicators": rows,
                "grades": grades,
            })
        }

        pub fn builtins_json() -> String {
            let list: Vec<Value> = crate::builtin::builtins()
        .iter()
        .filter_map(|b| b.system().ok().map(|s| (b.id, s)))
        .map(|(id, s)| json!({"id": id, "name": s.name, "name_en": s.name_en, "issuer": s.issuer, "region": s.region, "year": s.year}))
        .collect();
            Value::Array(list).to_string()
        }

        pub fn comparison_value(c: &crate::analysis::Comparison, lang: Lang) -> Value {
            let rows: Vec<Value> = c
                .rows
                .iter()
                .map(|r| {
                    json!({
                        "id": &*r.id, "name": &*r.name, "depth": r.depth, "points": num(r.points),
                        "a": r.a.map(num), "b": r.b.map(num), "change": r.change().map(num),
                    })
                })
                .collect();
            json!({
                "rows": rows,
                "total_a": num(c.a.total),
                "total_b": num(c.b.total),
                "total_change": num(c.total_change()),
                "grade_a": &*c.a.grade,
                "grade_b": &*c.b.grade,
                "changed": c.changed().map(|r| &*r.id).collect::<Vec<_>>(),
                "explanation": c.explain(lang),
            })
        }

        pub fn analysis_value(scorer: &Scorer, request: &Value, lang: Lang) -> Result<Value, JsonError> {
            let Value::Object(map) = request else {
                return Err(request_error(
                    "the request must be an object with one key: what_if, compare, audit, sensitivity or target",
                ));
            };
            let mut entries = map.iter();
            let (Some((kind, body)), None) = (entries.next(), entries.next()) else {
                return Err(request_error(
                    "the request must have exactly one key: what_if, compare, audit, sensitivity or target",
                ));
            };
            match kind.as_str() {
                "what_if" => {
                    let c = scorer.what_if(&inputs_field(body, "inputs")?, &inputs_field(body, "changes")?)?;
                    Ok(comparison_value(&c, lang))
                }
                "compare" => {
                    let a = scorer.evaluate(&inputs_field(body, "a")?)?;
                    let b = scorer.evaluate(&inputs_field(body, "b")?)?;
                    Ok(comparison_value(&crate::analysis::Comparison::new(a, b), lang))
                }
                "audit" => {
                    let claims_value = body
                        .get("claims")
                        .ok_or_else(|| request_error("the request needs `claims`"))?;
                    let mut claims = crate::analysis::Claims {
                        total: decimal_field(claims_value, "total")?,
                        grade: claims_value.get("grade").and_then(Value::as_str).map(str::to_string),
                        ..Default::default()
                    };
                    if let Some(Value::Object(scores)) = claims_value.get("scores") {
                        for (id, v) in scores {
                            let d = decimal_field(&json!({ "score": v }), "score")?
                                .ok_or_else(|| request_error(format!("claims.scores[{id}] must be a decimal")))?;
                            claims.scores.insert(id.clone(), d);
                        }
                    }
                    let audit = scorer.audit(&inputs_field(body, "inputs")?, &claims)?;
                    let discrepancies: Vec<Value> = audit
                        .discrepancies
                        .iter()
                        .map(|d| {
                            json!({
                                "kind": d.kind.code(), "id": d.id.as_deref(), "name": d.name.as_deref(),
                                "claimed": d.claimed, "computed": d.computed, "difference": d.difference.map(num),
                                "explanation": d.explanation,
                            })
                        })
                        .collect();
                    Ok(json!({
                        "total": num(audit.evaluation.total),
                        "grade": &*audit.evaluation.grade,
                        "discrepancies": discrepancies,
                        "explanation": audit.explain(lang),
                    }))
                }
                "sensitivity" => {
                    let s = scorer
                        .sensitivity(
                            &inputs_field(body, "inputs")?,
                            string_field(body, "input")?,
                            required_decimal(body, "from")?,
                            required_decimal(body, "to")?,
                            decimal_field(body, "resolution")?,
                        )
                        .map_err(analysis_error)?;
                    let breakpoints: Vec<Value> = s
                        .breakpoints
                        .iter()
                        .map(|b| {
                            json!({
                                "at": num(b.at),
                                "total_before": b.total_before.map(num), "total_at": b.total_at.map(num),
                                "grade_before": b.grade_before.as_deref(), "grade_at": b.grade_at.as_deref(),
                                "error": b.error,
                                "indicators": b.indicators.iter().map(|c| json!({
                                    "id": &*c.id, "name": &*c.name, "before": c.before.map(num), "at": c.at.map(num),
                                    "explanation": c.explanation,
                                })).collect::<Vec<_>>(),
                            })
                        })
                        .collect();
                    Ok(json!({
                        "input": s.input, "from": num(s.from), "to": num(s.to), "resolution": num(s.resolution),
                        "breakpoints": breakpoints, "explanation": s.explain(lang),
                    }))
                }
                "target" => {
                    let goal_value = body
                        .get("goal")
                        .ok_or_else(|| request_error("the request needs `goal`"))?;
                    let goal = if let Some(t) = decimal_field(goal_value, "total")? {
                        crate::analysis::Goal::Total(t)
                    } else if let Some(g) = goal_value.get("grade").and_then(Value::as_str) {
                        crate::analysis::Goal::Grade(g.to_string())
                    } else if let Some(id) = goal_value.get("indicator").and_then(Value::as_str) {
                        crate::analysis::Goal::Indicator {
                            id: id.to_string(),
                            score: required_decimal(goal_value, "score")?,
                        }
                    } else {
                        return Err(request_error(
                            "`goal` needs `total`, `grade`, or `indicator` with `score`",
                        ));
                    };
                    let range = match (decimal_field(body, "from")?, decimal_field(body, "to")?) {
                        (Some(a), Some(b)) => Some((a, b)),
                        (None, None) => None,
                        _ => return Err(request_error("give both `from` and `to`, or neither")),
                    };
                    let t = scorer
                        .target(
                            &inputs_field(body, "inputs")?,
                            string_field(body, "input")?,
                            &goal,
                            range,
                            decimal_field(body, "resolution")?,
                        )
                        .map_err(analysis_error)?;
                    Ok(json!({
                        "input": t.input,
                        "current": num(t.current),
                        "required": t.required.map(num),
                        "change": t.required.map(|r| num(r - t.current)),
                        "total": t.reached.as_ref().map(|e| num(e.total)),
                        "grade": t.reached.as_ref().map(|e| e.grade.to_string()),
                        "deciding": t.deciding.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                        "unreachable": t.unreachable,
                        "message": t.message,
                    }))
                }
                other => Err(request_error(format!(
                    "unknown analysis `{other}` (expected what_if, compare, audit, sensitivity or target)"
                ))),
            }
        }
    }
}
