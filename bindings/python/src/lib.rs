//! The native part of the `jixiao` Python package (`jixiao._jixiao`).
//!
//! Scoring never happens here: this crate converts Python values to the engine's types and back
//! (decimals as `decimal.Decimal`, never through a binary float), maps the engine's errors onto one
//! exception hierarchy, and reads tables column by column through the Arrow C stream interface.
//! The engine's answers reach Python through their derived `Serialize` (`pyser`) as the result
//! classes of `python/jixiao/_results.py`; the public API is `python/jixiao/_api.py`, the native
//! part's stubs `python/jixiao/_jixiao.pyi`.

use std::time::Instant;

use pyo3::prelude::*;

mod arrow;
mod batch;
mod convert;
mod errors;
mod evaluation;
mod project;
mod pyser;
mod system;

use errors::guarded;

/// The built-in indicator systems: one dict per system with `id`, `name`, `name_en`, `issuer`,
/// `region` and `year`.
#[pyfunction]
fn builtins(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let text = guarded(py, || Ok(jixiao::wire::builtins_json()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| errors::request_error(py, e.to_string()))?;
    pyser::to_plain(py, &value)
}

/// The JSON layer: evaluates one unit (system text in JSON or TOML, inputs as JSON text) and
/// returns the evaluation as JSON text; errors raise as `JixiaoError` subclasses.
#[pyfunction]
#[pyo3(signature = (system, inputs, lang = "zh"))]
fn evaluate_json(py: Python<'_>, system: &str, inputs: &str, lang: &str) -> PyResult<String> {
    let l = system::lang(py, lang)?;
    system::run(py, || jixiao::wire::evaluate_json_lang(system, inputs, l))
}

/// The JSON layer: evaluates a JSON array of units; each element of the result is an evaluation
/// or `{"error": ...}`.
#[pyfunction]
#[pyo3(signature = (system, units, lang = "zh"))]
fn evaluate_batch_json(py: Python<'_>, system: &str, units: &str, lang: &str) -> PyResult<String> {
    let l = system::lang(py, lang)?;
    system::run(py, || jixiao::wire::evaluate_batch_json(system, units, l))
}

/// The JSON layer: validates a system; `{"valid": true, "errors": []}` (with `"warnings"` when
/// the system has any) or
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
    let l = system::lang(py, lang)?;
    system::run(py, || jixiao::wire::analysis_json(system, request, l))
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
    system: &system::PySystem,
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
    m.add_class::<system::PySystem>()?;
    m.add_class::<evaluation::PyScored>()?;
    m.add_class::<arrow::ArrowStream>()?;
    m.add_class::<project::PyProjectTemplate>()?;
    m.add("JixiaoError", py.get_type::<errors::JixiaoError>())?;
    m.add("LoadError", py.get_type::<errors::LoadError>())?;
    m.add("RequestError", py.get_type::<errors::RequestError>())?;
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
