//! `jixiao._jixiao.Scored`: the engine's evaluation of one unit, kept so that explanations in
//! either language, reports and the wire JSON are rendered by the engine when asked. The public
//! class is `jixiao.Evaluation` (python/jixiao/_results.py), whose figures are the frozen dataclass
//! `jixiao.EvaluationAnswer` built from the engine's `EvaluationAnswer` by [`crate::pyser`] when
//! Python first reads one.

use std::sync::Arc;

use jixiao::wire::{EvaluationAnswer, Options};
use jixiao::{Evaluation, Lang};
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use crate::errors::{guarded, request_error};
use crate::pyser::{to_plain, to_python};
use crate::system::{SystemData, format, lang};

/// One unit's evaluation (the native half of `jixiao.Evaluation`).
#[pyclass(module = "jixiao._jixiao", name = "Scored", frozen)]
#[derive(Debug)]
pub struct PyScored {
    system: Arc<SystemData>,
    e: Evaluation,
}

impl PyScored {
    pub fn new(system: Arc<SystemData>, e: Evaluation) -> Self {
        PyScored { system, e }
    }
}

#[pymethods]
impl PyScored {
    /// The evaluation as `jixiao.EvaluationAnswer` (explanations in Chinese).
    fn answer<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &EvaluationAnswer::new(&self.e, Options::lang(Lang::Zh)))
    }

    /// The wire answer as plain dicts and lists, figures as `decimal.Decimal`.
    fn to_dict<'py>(&self, py: Python<'py>, lang: &str) -> PyResult<Bound<'py, PyAny>> {
        to_plain(
            py,
            &EvaluationAnswer::new(&self.e, Options::lang(self::lang(py, lang)?)),
        )
    }

    /// The wire answer as JSON text.
    fn to_json(&self, py: Python<'_>, lang: &str) -> PyResult<String> {
        let answer = EvaluationAnswer::new(&self.e, Options::lang(self::lang(py, lang)?));
        serde_json::to_string(&answer).map_err(|e| request_error(py, e.to_string()))
    }

    /// The whole evaluation in sentences.
    fn explain(&self, py: Python<'_>, lang: &str) -> PyResult<String> {
        let l = self::lang(py, lang)?;
        guarded(py, || Ok(self.e.explain(l)))
    }

    /// One indicator's explanation (tree node or bonus item).
    fn explain_indicator(&self, py: Python<'_>, id: &str, lang: &str) -> PyResult<String> {
        let l = self::lang(py, lang)?;
        let found = self.e.indicators.iter().chain(&self.e.bonus).find(|r| &*r.id == id);
        let r = found.ok_or_else(|| PyKeyError::new_err(id.to_string()))?;
        guarded(py, || Ok(r.explain(l)))
    }

    /// The filled-in self-evaluation table (自评表): text for `text`, `markdown`, `html`, `csv`;
    /// the bytes of a workbook for `xlsx` (the CLI's, from `jixiao::xlsx`).
    fn report<'py>(&self, py: Python<'py>, format: &str, lang: &str) -> PyResult<Bound<'py, PyAny>> {
        let (l, m) = (self::lang(py, lang)?, &self.system.model);
        if format == "xlsx" {
            let bytes = guarded(py, || Ok(jixiao::xlsx::evaluation_workbook(m, &self.e, l)))?
                .map_err(|e| request_error(py, format!("cannot build the workbook: {e}")))?;
            return Ok(PyBytes::new(py, &bytes).into_any());
        }
        let f = self::format(py, format)?;
        let text = guarded(py, || Ok(jixiao::report::evaluation_report(m, &self.e, f, l)))?;
        Ok(text.into_pyobject(py)?.into_any())
    }
}
