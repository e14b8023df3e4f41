//! Python values to the engine's input values, and decimals back to `decimal.Decimal`.
//!
//! Decimals never pass through a binary float: a `Decimal` is read from its text, an `int` exactly,
//! a `float` by jixiao-arrow's float policy (its shortest round-trip text, `0.1` → `0.1`, what
//! `repr()` shows; NaN, infinity or binary noise such as `0.8999999999999999` is an input error), the same policy as a float64 column. In a mapping, `None` is an error too (as `null` is in the JSON
//! layer): an input without a value is left out. In a table, an empty cell means "not given"
//! (`batch.rs` decides that before a cell gets here).

use jixiao::inputs::ValueProblem;
use jixiao::{Decimal, EvalError, Evaluation, InputError, InputValue, Scorer, parse_decimal};
use jixiao_arrow::Unit;
use jixiao_arrow::float::{NOT_A_NUMBER, decimal_from_f64};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyDict, PyFloat, PyFrozenSet, PyInt, PyList, PyMapping, PySet, PyString, PyTuple, PyType};

static DECIMAL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `decimal.Decimal`.
pub fn decimal_type(py: Python<'_>) -> PyResult<&Bound<'_, PyType>> {
    DECIMAL.import(py, "decimal", "Decimal")
}

/// A decimal as `decimal.Decimal`, written as the JSON layer writes it (no trailing zeros).
pub fn py_decimal(py: Python<'_>, d: Decimal) -> PyResult<Bound<'_, PyAny>> {
    decimal_type(py)?.call1((jixiao::explain::num(d),))
}

fn py_err_text(e: PyErr) -> ValueProblem {
    unreadable(e.to_string())
}

/// A value Python gave that is not an input value, in the binding's own words.
fn unreadable(message: impl Into<String>) -> ValueProblem {
    ValueProblem::Unreadable {
        message: message.into(),
    }
}

/// A number (`Decimal`, `int`, `float` or decimal text) as a decimal.
pub fn number(obj: &Bound<'_, PyAny>) -> Result<Decimal, ValueProblem> {
    if obj.is_instance_of::<PyBool>() {
        return Err(unreadable("expected a number, found a bool"));
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        // Beyond i64, through its exact digits.
        return i
            .extract::<i64>()
            .map(Decimal::from)
            .or_else(|_| parse_decimal(&i.to_string()));
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return decimal_from_f64(f.value());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return parse_decimal(&s.to_cow().map_err(py_err_text)?);
    }
    if obj
        .is_instance(decimal_type(obj.py()).map_err(py_err_text)?.as_any())
        .map_err(py_err_text)?
    {
        if !obj
            .call_method0("is_finite")
            .and_then(|f| f.is_truthy())
            .map_err(py_err_text)?
        {
            return Err(unreadable(format!("{NOT_A_NUMBER} (`{obj}`)")));
        }
        // Plain digits, never scientific notation (`str(Decimal("1E+2"))` is `1E+2`).
        let text = obj.call_method1("__format__", ("f",)).map_err(py_err_text)?;
        let text = text.str().map_err(py_err_text)?;
        let text = text.to_cow().map_err(py_err_text)?;
        return parse_decimal(&text).or_else(|e| {
            // Zeros past the last digit are no part of the value: `Decimal("88.5000…0")` with 29
            // places (a decimal128(38, 28) cell) is 88.5.
            let trimmed = text.trim_end_matches('0').trim_end_matches('.');
            match text.contains('.') && trimmed.len() < text.len() {
                true => parse_decimal(trimmed).map_err(|_| e),
                false => Err(e),
            }
        });
    }
    if obj.hasattr("__index__").unwrap_or(false) {
        // numpy integers and other integer-like objects.
        let i = obj.call_method0("__index__").map_err(py_err_text)?;
        return number(&i);
    }
    Err(unreadable(format!(
        "expected a number (Decimal, int, str), found {}",
        type_name(obj)
    )))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .and_then(|n| n.extract::<String>())
        .unwrap_or_else(|_| "an unknown type".into())
}

static LEVEL: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// A `jixiao.Level` (a frozen dataclass) as the mapping of its fields, read as a level dict is.
fn level_fields<'py>(obj: &Bound<'py, PyAny>) -> Result<Option<Bound<'py, PyDict>>, ValueProblem> {
    let class = LEVEL.import(obj.py(), "jixiao._types", "Level").map_err(py_err_text)?;
    match obj.is_instance(class.as_any()).map_err(py_err_text)? {
        true => Ok(Some(
            obj.getattr("__dict__")
                .map_err(py_err_text)?
                .cast_into()
                .map_err(|e| unreadable(e.to_string()))?,
        )),
        false => Ok(None),
    }
}

fn items(obj: &Bound<'_, PyAny>) -> Result<Vec<String>, ValueProblem> {
    let mut out = Vec::new();
    for item in obj.try_iter().map_err(py_err_text)? {
        let item = item.map_err(py_err_text)?;
        match item.cast::<PyString>() {
            Ok(s) => out.push(s.to_cow().map_err(py_err_text)?.into_owned()),
            Err(_) => {
                return Err(unreadable(format!(
                    "checklist items must be strings, found {}",
                    type_name(&item)
                )));
            }
        }
    }
    Ok(out)
}

fn level_from_dict(d: &Bound<'_, PyDict>) -> Result<InputValue, ValueProblem> {
    let mut level = None;
    let mut score = None;
    for (k, v) in d.iter() {
        let key = k
            .cast::<PyString>()
            .map_err(|_| unreadable("a level's keys are `level` and `score`"))?;
        match &*key.to_cow().map_err(py_err_text)? {
            "level" => match v.cast::<PyString>() {
                Ok(s) => level = Some(s.to_cow().map_err(py_err_text)?.into_owned()),
                Err(_) => return Err(unreadable("an object input needs a string `level`")),
            },
            "score" if v.is_none() => {}
            "score" => score = Some(number(&v).map_err(|m| unreadable(format!("`score`: {m}")))?),
            other => return Err(unreadable(format!("unknown field `{other}` (expected level, score)"))),
        }
    }
    match level {
        Some(level) => Ok(InputValue::Level { level, score }),
        None => Err(unreadable("an object input needs a string `level`")),
    }
}

/// One Python value as an input value.
pub fn input_value(obj: &Bound<'_, PyAny>) -> Result<Option<InputValue>, ValueProblem> {
    if obj.is_none() {
        return Err(unreadable("None (null) is not a value; leave the input out instead"));
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(InputValue::Text(s.to_cow().map_err(py_err_text)?.into_owned())));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Some(InputValue::Bool(b.is_true())));
    }
    if let Some(fields) = level_fields(obj)? {
        return level_from_dict(&fields).map(Some);
    }
    if let Ok(d) = obj.cast::<PyDict>() {
        return level_from_dict(d).map(Some);
    }
    if obj.is_instance_of::<PyList>()
        || obj.is_instance_of::<PyTuple>()
        || obj.is_instance_of::<PySet>()
        || obj.is_instance_of::<PyFrozenSet>()
    {
        return items(obj).map(|i| Some(InputValue::Items(i)));
    }
    if matches!(type_name(obj).as_str(), "bool" | "bool_") {
        // numpy.bool_ (numpy.bool in numpy 2) is not a subclass of bool.
        return Ok(Some(InputValue::Bool(obj.is_truthy().map_err(py_err_text)?)));
    }
    number(obj).map(|d| Some(InputValue::Number(d))).map_err(|m| {
        if m.to_string().starts_with("expected a number (") {
            unreadable(format!(
                "a value of type {} is not an input value (give a Decimal, int, float, str, bool, Level or a list of items)",
                type_name(obj)
            ))
        } else {
            m
        }
    })
}

/// Adds one value read from Python to a unit (an error if it could not be read).
pub fn push(unit: &mut Unit, name: &str, value: Result<Option<InputValue>, ValueProblem>) {
    match value {
        Ok(Some(v)) => unit.inputs.set(name, v),
        Ok(None) => {}
        Err(problem) => unit.unread.push(InputError::Invalid {
            name: name.to_string(),
            problem,
        }),
    }
}

/// Reads a mapping of input name → value.
pub fn inputs_from_mapping(obj: &Bound<'_, PyAny>) -> PyResult<Unit> {
    let Ok(mapping) = obj.cast::<PyMapping>() else {
        let found = type_name(obj);
        return Err(PyTypeError::new_err(format!(
            "the inputs must be a mapping of input name → value, found {found}"
        )));
    };
    let mut out = Unit::default();
    for pair in mapping.items()?.iter() {
        let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair.extract()?;
        let Ok(name) = k.cast::<PyString>() else {
            let found = type_name(&k);
            return Err(PyTypeError::new_err(format!("input names must be str, found {found}")));
        };
        push(&mut out, &name.to_cow()?, input_value(&v));
    }
    Ok(out)
}

/// Evaluates a unit, reporting the values that could not be read together with every other input
/// problem the engine finds (all at once, as the engine itself does).
pub fn evaluate_converted(scorer: &Scorer, unit: &Unit) -> Result<Evaluation, EvalError> {
    jixiao_arrow::with_unread(scorer.evaluate(&unit.inputs), &unit.unread)
}
