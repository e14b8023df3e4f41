//! `IndicatorSystem.evaluate_batch`: many units from a table, scored by jixiao-arrow with the GIL
//! released, across the machine's cores (rayon's pool); one result row per unit.
//!
//! Which table came in and which one goes back is Python glue (`jixiao/_frames.py`). Here an Arrow
//! table (pyarrow, polars, pandas through pyarrow) is imported through the C stream interface and
//! handed to `jixiao_arrow::score_batches` as it is; a list of mappings, or columns of Python
//! values (pandas without pyarrow, or with columns Arrow cannot type), is read value by value into
//! units by name (as for a single unit) for `jixiao_arrow::score_units`. Either way the results
//! come back as Arrow: one `decimal128` column per indicator, `total`, `grade`, `error` and, on
//! request, `explanation`.

use std::sync::Arc;

use arrow_array::{ArrayRef, StringArray};
use arrow_schema::{DataType, Field};
use jixiao::inputs::ValueProblem;
use jixiao::wire::JsonError;
use jixiao::{EvalError, InputError, InputValue, Scorer};
use jixiao_arrow::{BatchError, Options, Scored, Unit};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::arrow::{ArrowStream, import_stream};
use crate::convert::{input_value, push};
use crate::errors::{guard, guarded, json_error, request_error};

/// A table that cannot be scored, as the Python exception for it.
fn batch_error(py: Python<'_>, e: BatchError) -> PyErr {
    match e {
        BatchError::UnknownColumns { system, columns } => {
            let n = columns.len();
            let mut err = JsonError::from(EvalError::Inputs(
                columns.into_iter().map(|name| InputError::Unknown { name }).collect(),
            ));
            err.message = format!(
                "{} (columns that are not inputs of `{system}`: pass ignore=[...] to skip {}, or id_column=... for the column naming each unit)",
                err.message,
                if n == 1 { "it" } else { "them" }
            );
            err.message_zh = format!(
                "{}（这些列不是“{system}”的基础数据：用 ignore=[...] 跳过，或用 id_column=... 指定单位名称列）",
                err.message_zh
            );
            json_error(py, &err)
        }
        BatchError::NoIdColumn { name, columns } => request_error(
            py,
            format!("no column `{name}` for id_column (columns: {})", columns.join(", ")),
        ),
        BatchError::UnreadableColumns(list) => json_error(py, &JsonError::from(EvalError::Inputs(list))),
        BatchError::Arrow(e) => crate::arrow::arrow_error(py, e),
        other => request_error(py, other.to_string()),
    }
}

fn text_of(v: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if v.is_none() {
        return Ok(None);
    }
    Ok(Some(v.str()?.to_cow()?.into_owned()))
}

/// Units read from Python values, and the id column, if one was named.
type PyUnits = (Vec<Unit>, Option<(Field, ArrayRef)>);

fn id_column(ids: Vec<Option<String>>) -> (Field, ArrayRef) {
    let array: StringArray = ids.into_iter().collect();
    (Field::new("id", DataType::Utf8, true), Arc::new(array))
}

/// Columns of Python values: `{name: (values, missing)}` (pandas without pyarrow, or with columns
/// of mixed Python objects that Arrow cannot type).
fn read_columns(py: Python<'_>, scorer: &Scorer, payload: &Bound<'_, PyAny>, options: &Options) -> PyResult<PyUnits> {
    let columns = payload.cast::<PyDict>()?;
    let mut names = Vec::new();
    let mut data = Vec::new();
    for (k, v) in columns.iter() {
        names.push(k.cast::<PyString>()?.to_cow()?.into_owned());
        let (values, missing): (Bound<'_, PyList>, Bound<'_, PyList>) = v.extract()?;
        data.push((values, missing));
    }
    let columns = jixiao_arrow::map_columns(scorer, &names, options).map_err(|e| batch_error(py, e))?;
    let rows = data.first().map_or(0, |(v, _)| v.len());
    let mut units: Vec<Unit> = vec![Unit::default(); rows];
    for (i, name) in &columns.inputs {
        let Some((values, missing)) = data.get(*i) else {
            continue;
        };
        for ((v, m), unit) in values.iter().zip(missing.iter()).zip(&mut units) {
            if !m.is_truthy()? {
                push(unit, name, blank_is_absent(input_value(&v)));
            }
        }
    }
    let ids = match columns.id.and_then(|i| data.get(i)) {
        Some((values, missing)) => {
            let mut texts = Vec::with_capacity(rows);
            for (v, m) in values.iter().zip(missing.iter()) {
                texts.push(if m.is_truthy()? { None } else { text_of(&v)? });
            }
            Some(id_column(texts))
        }
        None => None,
    };
    Ok((units, ids))
}

/// A blank text cell of a table is "not given", as in a spreadsheet.
fn blank_is_absent(v: Result<Option<InputValue>, ValueProblem>) -> Result<Option<InputValue>, ValueProblem> {
    match v {
        Ok(Some(InputValue::Text(t))) if t.trim().is_empty() => Ok(None),
        Ok(Some(InputValue::Text(t))) => Ok(Some(InputValue::Text(t.trim().to_string()))),
        other => other,
    }
}

/// A list of mappings, one per unit: read by name, as a single unit is (a name the system does not
/// declare fails its own unit only).
fn read_records(payload: &Bound<'_, PyAny>, options: &Options) -> PyResult<PyUnits> {
    let list = payload.cast::<PyList>()?;
    let mut units = Vec::with_capacity(list.len());
    let mut ids: Vec<Option<String>> = Vec::new();
    for (row, record) in list.iter().enumerate() {
        let Ok(record) = record.cast::<PyDict>() else {
            return Err(PyTypeError::new_err(format!(
                "unit {row} is not a dict of input name → value"
            )));
        };
        let mut unit = Unit::default();
        let mut id = None;
        for (k, v) in record.iter() {
            let Ok(k) = k.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!("unit {row}: input names must be str")));
            };
            let name = k.to_cow()?;
            if options.id_column.as_deref() == Some(&*name) {
                id = text_of(&v)?;
            } else if !options.ignore.iter().any(|x| *x == *name) {
                push(&mut unit, &name, input_value(&v));
            }
        }
        units.push(unit);
        ids.push(id);
    }
    Ok((units, options.id_column.as_ref().map(|_| id_column(ids))))
}

/// `IndicatorSystem.evaluate_batch`.
pub fn evaluate_batch<'py>(
    py: Python<'py>,
    scorer: &Scorer,
    data: &Bound<'py, PyAny>,
    options: &Options,
    output: &str,
) -> PyResult<Bound<'py, PyAny>> {
    let frames = py.import("jixiao._frames")?;
    let prepared = frames.call_method1("prepare", (data,))?;
    let (source, kind, payload, index): (String, String, Bound<'py, PyAny>, Bound<'py, PyAny>) = prepared.extract()?;
    let scored = if kind == "arrow" {
        let (schema, batches) = guarded(py, || import_stream(&payload))?;
        py.detach(|| guard(|| jixiao_arrow::score_batches(scorer, &schema, &batches, options)))
    } else {
        let (units, ids) = match kind.as_str() {
            "columns" => read_columns(py, scorer, &payload, options)?,
            _ => read_records(&payload, options)?,
        };
        let (explain, messages) = (options.explain, options.messages);
        py.detach(|| guard(|| jixiao_arrow::score_units(scorer, &units, ids, explain, messages)))
    };
    let Scored { schema, batches, .. } = match scored {
        Ok(Ok(scored)) => scored,
        Ok(Err(e)) => return Err(batch_error(py, e)),
        Err(message) => return Err(request_error(py, message)),
    };
    // `auto`: the kind of table that came in (`jixiao._api` checked the name).
    let output = if output == "auto" { source.as_str() } else { output };
    frames.call_method1(
        "finish",
        (Bound::new(py, ArrowStream { schema, batches })?, output, index),
    )
}
