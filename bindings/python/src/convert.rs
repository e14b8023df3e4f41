//! Python values to the engine's input values, and decimals back to `decimal.Decimal`.
//!
//! Decimals never pass through a binary float: a `Decimal` is read from its text, an `int` exactly,
//! a `float` by jixiao-arrow's float policy (its shortest round-trip text, `0.1` → `0.1`, what
//! `repr()` shows; NaN or infinity is an input error), the same policy as a float64 column. In a mapping, `None` is an error too (as `null` is in the JSON
//! layer): an input without a value is left out. In a table, an empty cell means "not given"
//! (`batch.rs` decides that before a cell gets here).

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

/// An optional decimal as `decimal.Decimal` or `None`.
pub fn py_opt_decimal(py: Python<'_>, d: Option<Decimal>) -> PyResult<Option<Bound<'_, PyAny>>> {
    d.map(|d| py_decimal(py, d)).transpose()
}

/// Longest decimal text accepted after expanding an exponent (the engine's own limit on literals).
const MAX_TEXT: usize = 64;

/// `1.5E+3`, `1E-7` (how `str(Decimal)` writes some values) as plain digits; `None` when the text is
/// not a number in scientific notation or its exponent is far outside the decimal range.
fn scientific_to_plain(text: &str) -> Option<String> {
    let (mantissa, exponent) = text.split_once(['E', 'e'])?;
    let exponent: i64 = exponent.parse().ok()?;
    if exponent.abs() > MAX_TEXT as i64 {
        return None;
    }
    let (sign, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() || !int.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let all = format!("{int}{frac}");
    let point = i64::try_from(int.len()).ok()? + exponent;
    let len = i64::try_from(all.len()).ok()?;
    let body = if point <= 0 {
        format!("0.{}{all}", "0".repeat(usize::try_from(-point).ok()?))
    } else if point >= len {
        format!("{all}{}", "0".repeat(usize::try_from(point - len).ok()?))
    } else {
        let (a, b) = all.split_at(usize::try_from(point).ok()?);
        format!("{a}.{b}")
    };
    Some(format!("{sign}{body}"))
}

/// A decimal from the text of a Python `Decimal` (`str(d)`): plain or scientific notation; NaN and
/// infinity are refused.
pub fn decimal_from_python_text(text: &str) -> Result<Decimal, String> {
    let lower = text.trim().to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['-', '+']);
    if unsigned.contains("nan") {
        return Err(NOT_A_NUMBER.into());
    }
    if unsigned.starts_with("inf") {
        return Err(format!("`{text}` is not a decimal number (infinity)"));
    }
    if text.contains(['E', 'e']) {
        return match scientific_to_plain(text) {
            Some(plain) if plain.len() <= MAX_TEXT => parse_decimal(&plain)
                .map_err(|_| format!("`{text}` is outside the exact decimal range (at most 28 decimal places)")),
            _ => Err(format!(
                "`{text}` is outside the exact decimal range (at most 28 significant digits, magnitude below 7.9e28)"
            )),
        };
    }
    parse_decimal(text)
}

fn py_err_text(e: PyErr) -> String {
    e.to_string()
}

/// A number (`Decimal`, `int`, `float` or decimal text) as a decimal.
pub fn number(obj: &Bound<'_, PyAny>) -> Result<Decimal, String> {
    if obj.is_instance_of::<PyBool>() {
        return Err("expected a number, found a bool".into());
    }
    if let Ok(i) = obj.cast::<PyInt>() {
        return match i.extract::<i64>() {
            Ok(v) => Ok(Decimal::from(v)),
            Err(_) => {
                let text = i
                    .str()
                    .map_err(py_err_text)?
                    .to_cow()
                    .map_err(py_err_text)?
                    .into_owned();
                parse_decimal(&text)
            }
        };
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
        let text = obj.str().map_err(py_err_text)?;
        return decimal_from_python_text(&text.to_cow().map_err(py_err_text)?);
    }
    if obj.hasattr("__index__").unwrap_or(false) {
        // numpy integers and other integer-like objects.
        let i = obj.call_method0("__index__").map_err(py_err_text)?;
        return number(&i);
    }
    Err(format!(
        "expected a number (Decimal, int, str), found {}",
        type_name(obj)
    ))
}

fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .and_then(|n| n.extract::<String>())
        .unwrap_or_else(|_| "an unknown type".into())
}

/// A qualitative level with an optional score inside its band, as an input value:
/// `Level("部分达成", Decimal("7"))`. A dict `{"level": ..., "score": ...}` or the text
/// `"部分达成:7"` say the same.
#[pyclass(module = "jixiao", name = "Level", frozen)]
#[derive(Debug, Clone)]
pub struct PyLevel {
    level: String,
    score: Option<Decimal>,
}

#[pymethods]
impl PyLevel {
    #[new]
    #[pyo3(signature = (level, score = None))]
    fn new(py: Python<'_>, level: String, score: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let score = match score {
            None => None,
            Some(s) if s.is_none() => None,
            Some(s) => Some(number(s).map_err(|m| crate::errors::request_error(py, format!("Level score: {m}")))?),
        };
        Ok(PyLevel { level, score })
    }

    /// The level's name.
    #[getter]
    fn level(&self) -> &str {
        &self.level
    }

    /// The score inside the level's band, or None for the band's default.
    #[getter]
    fn score<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        py_opt_decimal(py, self.score)
    }

    fn __repr__(&self) -> String {
        match self.score {
            Some(s) => format!("Level({:?}, Decimal('{}'))", self.level, jixiao::explain::num(s)),
            None => format!("Level({:?})", self.level),
        }
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyLevel>()
            .is_ok_and(|o| o.get().level == self.level && o.get().score == self.score)
    }

    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.level.hash(&mut h);
        self.score.map(|s| s.normalize()).hash(&mut h);
        h.finish()
    }
}

fn items(obj: &Bound<'_, PyAny>) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for item in obj.try_iter().map_err(py_err_text)? {
        let item = item.map_err(py_err_text)?;
        match item.cast::<PyString>() {
            Ok(s) => out.push(s.to_cow().map_err(py_err_text)?.into_owned()),
            Err(_) => return Err(format!("checklist items must be strings, found {}", type_name(&item))),
        }
    }
    Ok(out)
}

fn level_from_dict(d: &Bound<'_, PyDict>) -> Result<InputValue, String> {
    let mut level = None;
    let mut score = None;
    for (k, v) in d.iter() {
        let key = k
            .cast::<PyString>()
            .map_err(|_| "a level's keys are `level` and `score`".to_string())?;
        match &*key.to_cow().map_err(py_err_text)? {
            "level" => match v.cast::<PyString>() {
                Ok(s) => level = Some(s.to_cow().map_err(py_err_text)?.into_owned()),
                Err(_) => return Err("an object input needs a string `level`".into()),
            },
            "score" if v.is_none() => {}
            "score" => score = Some(number(&v).map_err(|m| format!("`score`: {m}"))?),
            other => return Err(format!("unknown field `{other}` (expected level, score)")),
        }
    }
    match level {
        Some(level) => Ok(InputValue::Level { level, score }),
        None => Err("an object input needs a string `level`".into()),
    }
}

/// One Python value as an input value.
pub fn input_value(obj: &Bound<'_, PyAny>) -> Result<Option<InputValue>, String> {
    if obj.is_none() {
        return Err("None (null) is not a value; leave the input out instead".into());
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Some(InputValue::Text(s.to_cow().map_err(py_err_text)?.into_owned())));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Some(InputValue::Bool(b.is_true())));
    }
    if let Ok(l) = obj.cast::<PyLevel>() {
        let l = l.get();
        return Ok(Some(InputValue::Level {
            level: l.level.clone(),
            score: l.score,
        }));
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
        if m.starts_with("expected a number (") {
            format!(
                "a value of type {} is not an input value (give a Decimal, int, float, str, bool, Level or a list of items)",
                type_name(obj)
            )
        } else {
            m
        }
    })
}

/// Adds one value read from Python to a unit (an error if it could not be read).
pub fn push(unit: &mut Unit, name: &str, value: Result<Option<InputValue>, String>) {
    match value {
        Ok(Some(v)) => unit.inputs.set(name, v),
        Ok(None) => {}
        Err(message) => unit.unread.push(InputError::Invalid {
            name: name.to_string(),
            message,
        }),
    }
}

/// Reads a mapping of input name → value.
pub fn inputs_from_mapping(obj: &Bound<'_, PyAny>) -> PyResult<Unit> {
    let mut out = Unit::default();
    let mut add = |k: Bound<'_, PyAny>, v: Bound<'_, PyAny>| -> PyResult<()> {
        let name = match k.cast::<PyString>() {
            Ok(s) => s.to_cow()?.into_owned(),
            Err(_) => {
                return Err(PyTypeError::new_err(format!(
                    "input names must be str, found {}",
                    type_name(&k)
                )));
            }
        };
        push(&mut out, &name, input_value(&v));
        Ok(())
    };
    if let Ok(d) = obj.cast::<PyDict>() {
        for (k, v) in d.iter() {
            add(k, v)?;
        }
    } else if let Ok(m) = obj.cast::<PyMapping>() {
        for pair in m.items()?.iter() {
            let (k, v): (Bound<'_, PyAny>, Bound<'_, PyAny>) = pair.extract()?;
            add(k, v)?;
        }
    } else {
        return Err(PyTypeError::new_err(format!(
            "the inputs must be a mapping of input name → value, found {}",
            type_name(obj)
        )));
    }
    Ok(out)
}

/// Evaluates a unit, reporting the values that could not be read together with every other input
/// problem the engine finds (all at once, as the engine itself does).
pub fn evaluate_converted(scorer: &Scorer, unit: &Unit) -> Result<Evaluation, EvalError> {
    jixiao_arrow::with_unread(scorer.evaluate(&unit.inputs), &unit.unread)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_becomes_plain_digits() {
        assert_eq!(scientific_to_plain("1E+2").as_deref(), Some("100"));
        assert_eq!(scientific_to_plain("1.25E+1").as_deref(), Some("12.5"));
        assert_eq!(scientific_to_plain("-1E-7").as_deref(), Some("-0.0000001"));
        assert_eq!(scientific_to_plain("1.20E+5").as_deref(), Some("120000"));
        assert_eq!(
            scientific_to_plain("0E-30").as_deref(),
            Some("0.000000000000000000000000000000")
        );
        assert_eq!(scientific_to_plain("1E+1000"), None);
        assert_eq!(scientific_to_plain("12"), None);
    }

    #[test]
    fn python_decimal_text() {
        assert_eq!(decimal_from_python_text("1E+2").unwrap().to_string(), "100");
        assert_eq!(decimal_from_python_text("82.39").unwrap().to_string(), "82.39");
        assert!(decimal_from_python_text("NaN").unwrap_err().contains("NaN"));
        assert!(decimal_from_python_text("-sNaN").unwrap_err().contains("NaN"));
        assert!(decimal_from_python_text("-Infinity").is_err());
        assert!(decimal_from_python_text("1E+60").is_err());
        assert!(decimal_from_python_text("1E-40").is_err());
    }
}
