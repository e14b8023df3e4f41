//! The JSON-in/JSON-out layer that every binding reuses.
//!
//! Decimals are strings in this JSON (`"91.73"`); inputs may also be JSON numbers, which are read
//! from their digits, never through a binary float. Errors are JSON objects too:
//! `{"error": {"kind": ..., "message": ..., "errors": [{"path", "position", "message"}]}}`.

use serde_json::{Map, Value, json};

use crate::compile::Scorer;
use crate::error::{EvalError, LoadError};
use crate::eval::{Evaluation, IndicatorResult, InputValue, Inputs, Outcome, Status};
use crate::explain::{Lang, num};
use crate::model::{IndicatorSystem, NaOutcome};

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
        let message = message.into();
        JsonError {
            kind: "request".into(),
            errors: vec![json!({"path": "", "message": message})],
            message,
        }
    }

    /// The error as a JSON value `{"error": {...}}`.
    pub fn to_value(&self) -> Value {
        json!({"error": {"kind": self.kind, "message": self.message, "errors": self.errors}})
    }

    /// The error as JSON text.
    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }
}

impl From<LoadError> for JsonError {
    fn from(e: LoadError) -> Self {
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
    crate::tree::parse_json_value(text).map_err(|e| JsonError::request(format!("{what} is not valid JSON: {e}")))
}

fn d(v: rust_decimal::Decimal) -> Value {
    Value::String(num(v))
}

fn indicator_value(r: &IndicatorResult, all: &[IndicatorResult], lang: Lang) -> Value {
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

/// Validates a system (JSON or TOML text): `{"valid": true}` or `{"valid": false, "errors": [...]}`.
pub fn validate_json(system: &str) -> String {
    match Scorer::from_text(system) {
        Ok(_) => json!({"valid": true, "errors": []}).to_string(),
        Err(e) => {
            let err = JsonError::from(e);
            json!({"valid": false, "kind": err.kind, "errors": err.errors}).to_string()
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
                    crate::model::InputDefault::Bool(b) => json!(b),
                    crate::model::InputDefault::Text(t) => json!(t),
                    crate::model::InputDefault::Items(items) => json!(items),
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
        .map(|(id, s)| json!({"id": id, "name": s.name, "name_en": s.name_en, "issuer": s.issuer, "region": s.region, "year": s.year}))
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
    match request.get(field) {
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
                    let d = decimal_field(&json!({ "score": v }), "score")?
                        .ok_or_else(|| JsonError::request(format!("claims.scores[{id}] must be a decimal")))?;
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
        other => Err(JsonError::request(format!(
            "unknown analysis `{other}` (expected what_if, compare, audit, sensitivity or target)"
        ))),
    }
}
