//! One exception hierarchy, created once, and the one place that maps the engine's errors onto it.
//! The class names are the JavaScript package's (`bindings/wasm/js/index.js`), with one difference
//! in shape: here an `InputError` is also an `EvaluationError` (inputs that do not fit are one reason
//! a unit cannot be scored), in JS both derive from `JixiaoError` directly.
//!
//! ```text
//! ValueError
//! └── JixiaoError                 kind, errors
//!     ├── LoadError               an indicator system that does not load (kind `syntax` or `validation`)
//!     ├── RequestError            a call that makes no sense (kind `request`: an unknown id, option, goal ...)
//!     └── EvaluationError         a unit that cannot be scored (kind `arithmetic`, `score`, ...)
//!         └── InputError          inputs that do not fit the system (kind `inputs`, `missing_input`); .inputs
//! ```
//!
//! Every exception carries `kind` (the JSON layer's error kind), `code` (a stable code, finer than
//! `kind`: `not_a_decimal`, `division_by_zero`, ...), `message_zh` and `message_en`, and `errors`:
//! one dict per problem with the keys `path`, `code`, `params`, `message`, `message_zh`,
//! `position`, `input`, `indicator` and `kind` (None where they do not apply), exactly the entries
//! of the JSON layer's `{"error": {...}}`. `str(error)` is the Chinese message for the engine's own
//! problems (those of the figures; `message_en` has the English); a system's syntax or validation
//! errors and requests that make no sense are worded in English only.

use std::panic::{AssertUnwindSafe, catch_unwind};

use jixiao::wire::{ErrorDetail, JsonError};
use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyType};

create_exception!(
    jixiao,
    JixiaoError,
    PyValueError,
    "Base class of the errors jixiao raises (a ValueError); `kind` and `errors` say what and where."
);
create_exception!(
    jixiao,
    LoadError,
    JixiaoError,
    "An indicator system that does not load: `kind` is `syntax` or `validation`, `errors` lists every problem (path, position, message)."
);
create_exception!(
    jixiao,
    RequestError,
    JixiaoError,
    "A call that makes no sense (an unknown built-in, input, grade or option; two goals ...): kind `request`."
);
create_exception!(
    jixiao,
    EvaluationError,
    JixiaoError,
    "A unit that cannot be scored (a division by zero, a score outside its band ...): `errors` says where."
);
create_exception!(
    jixiao,
    InputError,
    EvaluationError,
    "Inputs that do not fit the indicator system: `inputs` names them, `errors` says what is wrong with each."
);

/// The exception class for a JSON-layer error kind.
fn class_for<'py>(py: Python<'py>, kind: &str) -> Bound<'py, PyType> {
    match kind {
        "syntax" | "validation" => py.get_type::<LoadError>(),
        "inputs" | "missing_input" => py.get_type::<InputError>(),
        "request" => py.get_type::<RequestError>(),
        "internal" => py.get_type::<JixiaoError>(),
        _ => py.get_type::<EvaluationError>(),
    }
}

/// One entry of `errors` as a dict with every key present.
fn entry<'py>(py: Python<'py>, e: &ErrorDetail) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("path", &e.path)?;
    d.set_item("code", &e.code)?;
    let params = PyDict::new(py);
    for (k, v) in &e.params {
        params.set_item(*k, v)?;
    }
    d.set_item("params", params)?;
    d.set_item("message", &e.message)?;
    d.set_item("message_zh", &e.message_zh)?;
    d.set_item("input", e.input.as_deref())?;
    d.set_item("indicator", e.indicator.as_deref())?;
    d.set_item("kind", e.kind)?;
    d.set_item("position", e.position)?;
    Ok(d)
}

/// The Python exception for an error of the JSON layer (which every engine error converts to).
pub fn json_error(py: Python<'_>, err: &JsonError) -> PyErr {
    build(py, err).unwrap_or_else(|e| e)
}

fn build(py: Python<'_>, err: &JsonError) -> PyResult<PyErr> {
    let class = class_for(py, &err.kind);
    // The engine's own problems are shown in Chinese first; the wording of a system file's errors
    // and of requests is English only (their Chinese only names the kind of problem).
    let worded_in_chinese = !matches!(err.kind.as_str(), "syntax" | "validation" | "request" | "internal")
        || !matches!(err.code.as_str(), "request" | "syntax" | "validation" | "internal");
    let text = if worded_in_chinese {
        err.message_zh.clone()
    } else {
        err.message.clone()
    };
    let exc = class.call1((text,))?;
    exc.setattr("kind", err.kind.as_str())?;
    exc.setattr("code", err.code.as_str())?;
    exc.setattr("message_zh", err.message_zh.as_str())?;
    exc.setattr("message_en", err.message.as_str())?;
    let entries = PyList::empty(py);
    let mut inputs: Vec<&str> = Vec::new();
    for e in &err.errors {
        entries.append(entry(py, e)?)?;
        if let Some(name) = e.input.as_deref()
            && !inputs.contains(&name)
        {
            inputs.push(name);
        }
    }
    exc.setattr("errors", entries)?;
    if class.is(py.get_type::<InputError>()) {
        exc.setattr("inputs", PyList::new(py, inputs)?)?;
    }
    Ok(PyErr::from_value(exc))
}

/// An engine error (a system that does not load, a unit that cannot be scored ...).
pub fn engine_error(py: Python<'_>, e: impl Into<JsonError>) -> PyErr {
    json_error(py, &e.into())
}

/// A request that makes no sense (an unknown built-in, a bad option): a `RequestError`.
pub fn request_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    plain(py, "request", message.into())
}

fn plain(py: Python<'_>, kind: &str, message: String) -> PyErr {
    json_error(
        py,
        &JsonError {
            kind: kind.into(),
            ..JsonError::request(message)
        },
    )
}

/// Runs engine code so that a panic, should one ever happen, becomes a `JixiaoError` rather than
/// a `PanicException` (which is not an `Exception`). The engine is written never to panic; this is
/// the belt to those braces.
pub fn guard<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown cause".into());
        format!("internal error in the jixiao engine (please report it): {what}")
    })
}

/// [`guard`] for code that returns a `PyResult`.
pub fn guarded<T>(py: Python<'_>, f: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match guard(f) {
        Ok(r) => r,
        Err(message) => Err(plain(py, "internal", message)),
    }
}
