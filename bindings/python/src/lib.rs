//! The native part of the `jixiao` Python package (`jixiao._jixiao`).
//!
//! Scoring never happens here: this crate converts Python values to the engine's types and back
//! (decimals as `decimal.Decimal`, never through a binary float), maps the engine's errors onto one
//! exception hierarchy, and reads tables column by column through the Arrow C stream interface.
//! The public API is documented in `python/jixiao/_jixiao.pyi`.

use std::time::Instant;

use jixiao::Lang;
use pyo3::prelude::*;

mod analysis;
mod arrow;
mod batch;
mod convert;
mod errors;
mod evaluation;
mod system;

use errors::{guarded, json_error};

/// The built-in indicator systems: one dict per system with `id`, `name`, `name_en`, `issuer`,
/// `region` and `year`.
#[pyfunction]
fn builtins(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let text = guarded(py, || Ok(jixiao::wire::builtins_json()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| errors::request_error(py, e.to_string()))?;
    evaluation::json_to_py(py, &value, false)
}

fn lang_of(py: Python<'_>, lang: &str) -> PyResult<Lang> {
    system::lang(py, lang)
}

/// The JSON layer: evaluates one unit (system text in JSON or TOML, inputs as JSON text) and
/// returns the evaluation as JSON text; errors raise as `JixiaoError` subclasses.
#[pyfunction]
#[pyo3(signature = (system, inputs, lang = "zh"))]
fn evaluate_json(py: Python<'_>, system: &str, inputs: &str, lang: &str) -> PyResult<String> {
    let l = lang_of(py, lang)?;
    let r = guarded(py, || {
        Ok(py.detach(|| jixiao::wire::evaluate_json_lang(system, inputs, l)))
    })?;
    r.map_err(|e| json_error(py, &e))
}

/// The JSON layer: evaluates a JSON array of units; each element of the result is an evaluation
/// or `{"error": ...}`.
#[pyfunction]
#[pyo3(signature = (system, units, lang = "zh"))]
fn evaluate_batch_json(py: Python<'_>, system: &str, units: &str, lang: &str) -> PyResult<String> {
    let l = lang_of(py, lang)?;
    let r = guarded(py, || {
        Ok(py.detach(|| jixiao::wire::evaluate_batch_json(system, units, l)))
    })?;
    r.map_err(|e| json_error(py, &e))
}

/// The JSON layer: validates a system; `{"valid": true, "errors": []}` or
/// `{"valid": false, "kind": ..., "errors": [...]}` as JSON text.
#[pyfunction]
fn validate_json(py: Python<'_>, system: &str) -> PyResult<String> {
    guarded(py, || Ok(jixiao::wire::validate_json(system)))
}

/// The JSON layer: runs an analysis (`what_if`, `compare`, `audit`, `sensitivity`, `target`)
/// described by a JSON request and returns its result as JSON text.
#[pyfunction]
#[pyo3(signature = (system, request, lang = "zh"))]
fn analysis_json(py: Python<'_>, system: &str, request: &str, lang: &str) -> PyResult<String> {
    let l = lang_of(py, lang)?;
    let r = guarded(py, || Ok(py.detach(|| jixiao::wire::analysis_json(system, request, l))))?;
    r.map_err(|e| json_error(py, &e))
}

/// The JSON Schema of the indicator-system format.
#[pyfunction]
fn schema_json() -> String {
    jixiao::wire::schema_json()
}

/// For the benchmark: seconds per `Scorer::evaluate` of these inputs, timed in Rust over `n`
/// runs (inputs converted once), i.e. the native cost without the Python call around it.
#[pyfunction]
fn _native_evaluate_seconds(
    py: Python<'_>,
    system: &system::PyIndicatorSystem,
    inputs: &Bound<'_, PyAny>,
    n: usize,
) -> PyResult<f64> {
    let scorer = system.scorer(py)?.clone();
    let converted = convert::inputs_from_mapping(inputs)?;
    let n = n.max(1);
    let seconds = py.detach(|| {
        let start = Instant::now();
        let mut ok = 0usize;
        for _ in 0..n {
            ok += usize::from(convert::evaluate_converted(&scorer, &converted).is_ok());
        }
        std::hint::black_box(ok);
        start.elapsed().as_secs_f64()
    });
    Ok(seconds / n as f64)
}

/// Exact, explainable scoring of Chinese budget performance evaluations (预算绩效评价).
#[pymodule]
#[pyo3(name = "_jixiao")]
fn jixiao_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("FORMAT_VERSION", jixiao::FORMAT_VERSION)?;
    m.add_class::<system::PyIndicatorSystem>()?;
    m.add_class::<system::PyInput>()?;
    m.add_class::<system::PyIndicator>()?;
    m.add_class::<system::PyGrade>()?;
    m.add_class::<evaluation::PyEvaluation>()?;
    m.add_class::<evaluation::PyIndicatorResult>()?;
    m.add_class::<evaluation::PyDeduction>()?;
    m.add_class::<evaluation::PyVeto>()?;
    m.add_class::<convert::PyLevel>()?;
    m.add_class::<arrow::ArrowStream>()?;
    m.add("JixiaoError", py.get_type::<errors::JixiaoError>())?;
    m.add("ValidationError", py.get_type::<errors::ValidationError>())?;
    m.add("EvaluationError", py.get_type::<errors::EvaluationError>())?;
    m.add("InputError", py.get_type::<errors::InputError>())?;
    m.add_function(wrap_pyfunction!(builtins, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate_json, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate_batch_json, m)?)?;
    m.add_function(wrap_pyfunction!(validate_json, m)?)?;
    m.add_function(wrap_pyfunction!(analysis_json, m)?)?;
    m.add_function(wrap_pyfunction!(schema_json, m)?)?;
    m.add_function(wrap_pyfunction!(_native_evaluate_seconds, m)?)?;
    Ok(())
}
