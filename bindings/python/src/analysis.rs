//! The analyses (what-if, compare, sensitivity, target, audit) of `IndicatorSystem`: the arguments
//! become a request of the engine's JSON layer (`jixiao::wire::analysis_value`, run on the compiled
//! scorer with the GIL released) and its result is handed to `jixiao/_analysis.py`, which only
//! shapes it into DataFrames and small result objects. No analysis happens here.
//!
//! Inputs are read with the same conversion as `evaluate` and passed on as exact decimal numbers;
//! every figure (a `Decimal`, `int`, `float` through its shortest text, or decimal text) goes as
//! decimal text, so nothing passes through a binary float.

use jixiao::{EvalError, InputValue, Scorer};
use pyo3::prelude::*;
use serde_json::{Map, Value};

use crate::convert::{evaluate_converted, inputs_from_mapping, number};
use crate::errors::{eval_error, guarded, json_error, request_error};

/// A decimal as its exact text (the JSON layer reads decimal strings exactly; a parsed JSON number
/// would be a binary float).
fn exact_number(d: jixiao::Decimal) -> Value {
    Value::String(jixiao::explain::num(d))
}

/// A unit's inputs (a mapping, read as `evaluate` reads it) as the JSON layer's inputs object.
/// `complete`: the mapping is a whole unit, so a value that cannot be read is reported together
/// with every other input problem; otherwise (a what-if's changes) only the unreadable values.
pub fn inputs(py: Python<'_>, scorer: &Scorer, obj: &Bound<'_, PyAny>, complete: bool) -> PyResult<Value> {
    let converted = inputs_from_mapping(obj)?;
    if !converted.unread.is_empty() {
        let err = match complete.then(|| evaluate_converted(scorer, &converted)) {
            Some(Err(e)) => e,
            _ => EvalError::Inputs(converted.unread),
        };
        return Err(eval_error(py, err));
    }
    let map: Map<String, Value> = converted
        .inputs
        .values
        .into_iter()
        .map(|(name, v)| {
            let value = match v {
                InputValue::Number(d) => exact_number(d),
                InputValue::Bool(b) => Value::Bool(b),
                InputValue::Text(t) => Value::String(t),
                InputValue::Level { level, score } => {
                    let mut o = Map::new();
                    o.insert("level".into(), Value::String(level));
                    if let Some(s) = score {
                        o.insert("score".into(), exact_number(s));
                    }
                    Value::Object(o)
                }
                InputValue::Items(items) => Value::Array(items.into_iter().map(Value::String).collect()),
            };
            (name, value)
        })
        .collect();
    Ok(Value::Object(map))
}

/// An optional figure argument as decimal text (`None` → null); `what` names it in the error.
pub fn figure(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Value> {
    match obj {
        None => Ok(Value::Null),
        Some(o) if o.is_none() => Ok(Value::Null),
        Some(o) => number(o)
            .map(|d| Value::String(jixiao::explain::num(d)))
            .map_err(|m| request_error(py, format!("`{what}`: {m}"))),
    }
}

/// Claimed scores (a mapping of indicator id → score) as a JSON object of decimal text.
pub fn scores(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>) -> PyResult<Value> {
    let Some(obj) = obj.filter(|o| !o.is_none()) else {
        return Ok(Value::Object(Map::new()));
    };
    let items = obj
        .call_method0("items")
        .map_err(|_| request_error(py, "`scores` must be a mapping of indicator id → claimed score"))?;
    let mut map = Map::new();
    for pair in items.try_iter()? {
        let (id, score): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair?.extract()?;
        let id = id.str()?.to_cow()?.into_owned();
        let value = figure(py, Some(&score), &format!("scores[{id}]"))?;
        map.insert(id, value);
    }
    Ok(Value::Object(map))
}

/// Runs the analysis `kind` on `body` with the compiled scorer (GIL released) and returns
/// `jixiao._analysis.<shape>(result)`, the result being the JSON layer's answer as Python objects
/// (figures as decimal text, which `_analysis` turns into `Decimal`).
pub fn run<'py>(
    py: Python<'py>,
    scorer: &Scorer,
    kind: &str,
    body: Map<String, Value>,
    lang: &str,
    shape: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let l = crate::system::lang(py, lang)?;
    let mut request = Map::new();
    request.insert(kind.to_string(), Value::Object(body));
    let request = Value::Object(request);
    let result = guarded(py, || {
        Ok(py.detach(|| jixiao::wire::analysis_value(scorer, &request, l)))
    })?
    .map_err(|e| json_error(py, &e))?;
    let value = crate::evaluation::json_to_py(py, &result, false)?;
    py.import("jixiao._analysis")?.call_method1(shape, (value,))
}
