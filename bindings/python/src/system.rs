//! `jixiao._jixiao.System`: a loaded indicator system and the engine's calls on it. The public
//! class is `jixiao.IndicatorSystem` (python/jixiao/_api.py); this one converts arguments to the
//! engine's types, calls the engine's typed API with the GIL released, and hands the answers back
//! through [`crate::pyser`] as the result classes of `jixiao._results`.

use std::sync::Arc;

use jixiao::analysis::{AnalysisError, Claims, Comparison, Goal};
use jixiao::inputs::table::{TableOptions, map_columns};
use jixiao::report::Format;
use jixiao::wire::{
    AuditAnswer, ComparisonAnswer, IndicatorInfo, JsonError, SensitivityAnswer, SystemInfo, TargetAnswer,
};
use jixiao::{Builtin, Decimal, EvalError, IndicatorSystem, Inputs, Lang, LoadError, Scorer};
use pyo3::prelude::*;

use crate::convert::{evaluate_converted, inputs_from_mapping, number};
use crate::errors::{engine_error, guarded, json_error, request_error};
use crate::evaluation::PyScored;
use crate::pyser::to_python;

/// A loaded indicator system: the model as published and, when it is valid, its compiled form.
#[derive(Debug)]
pub struct SystemData {
    /// The system as parsed.
    pub model: IndicatorSystem,
    /// The compiled system, or why it is not valid.
    pub scorer: Result<Scorer, LoadError>,
    /// The built-in it came from, if any.
    pub builtin: Option<&'static Builtin>,
}

/// Parses a language name (`zh`, `en`).
pub fn lang(py: Python<'_>, text: &str) -> PyResult<Lang> {
    text.parse::<Lang>().map_err(|m| request_error(py, m))
}

/// Parses a text report format name.
pub fn format(py: Python<'_>, text: &str) -> PyResult<Format> {
    let expected = "expected text, markdown, html, csv or xlsx";
    match text {
        "text" => Ok(Format::Text),
        "markdown" | "md" => Ok(Format::Markdown),
        "html" => Ok(Format::Html),
        "csv" => Ok(Format::Csv),
        other => Err(request_error(
            py,
            format!("unknown report format `{other}` ({expected})"),
        )),
    }
}

/// Runs engine code with the GIL released; a panic becomes a `JixiaoError` ([`guarded`]).
pub fn run<T: Send>(py: Python<'_>, f: impl FnOnce() -> Result<T, JsonError> + Send) -> PyResult<T> {
    guarded(py, || py.detach(f).map_err(|e| json_error(py, &e)))
}

/// An indicator system (the native half of `jixiao.IndicatorSystem`).
#[pyclass(module = "jixiao._jixiao", name = "System", frozen)]
#[derive(Debug, Clone)]
pub struct PySystem {
    pub inner: Arc<SystemData>,
}

impl PySystem {
    /// A system and its compiled form (a project's own system, too).
    pub fn new(py: Python<'_>, model: IndicatorSystem, builtin: Option<&'static Builtin>) -> PyResult<Self> {
        let scorer = guarded(py, || Ok(Scorer::new(&model).map_err(LoadError::from)))?;
        let inner = Arc::new(SystemData { model, scorer, builtin });
        Ok(PySystem { inner })
    }

    /// The compiled system, or the `LoadError` saying why there is none.
    pub fn scorer(&self, py: Python<'_>) -> PyResult<&Scorer> {
        self.inner.scorer.as_ref().map_err(|e| engine_error(py, e.clone()))
    }

    /// A unit's inputs. `complete`: the mapping is a whole unit, so a value that cannot be read is
    /// reported together with every other input problem; otherwise (a what-if's changes) alone.
    fn unit(&self, py: Python<'_>, obj: &Bound<'_, PyAny>, complete: bool) -> PyResult<Inputs> {
        let scorer = self.scorer(py)?;
        let unit = inputs_from_mapping(obj)?;
        if unit.unread.is_empty() {
            return Ok(unit.inputs);
        }
        let err = match complete.then(|| evaluate_converted(scorer, &unit)) {
            Some(Err(e)) => e,
            _ => EvalError::Inputs(unit.unread),
        };
        Err(engine_error(py, err))
    }
}

/// Where a table's inputs and claims are: unit column, (column, input), (column, id), total, grade.
type ClaimColumns = (
    Option<usize>,
    Vec<(usize, String)>,
    Vec<(usize, String)>,
    Option<usize>,
    Option<usize>,
);

/// An optional figure argument; `what` names it in the error.
fn figure(py: Python<'_>, obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Option<Decimal>> {
    obj.filter(|o| !o.is_none())
        .map(|o| number(o).map_err(|m| request_error(py, format!("`{what}`: {m}"))))
        .transpose()
}

#[pymethods]
impl PySystem {
    /// Loads a system from text (`json`, `toml`, or `auto`: JSON when it starts with `{`).
    /// `origin` (a file's path) is put before the message of a load error.
    #[staticmethod]
    #[pyo3(signature = (text, kind, validate, origin = None))]
    fn load(py: Python<'_>, text: &str, kind: &str, validate: bool, origin: Option<&str>) -> PyResult<Self> {
        let named = |e: LoadError| {
            let mut err = JsonError::from(e);
            if let Some(path) = origin {
                err.message = format!("{path}: {}", err.message);
            }
            json_error(py, &err)
        };
        let model = guarded(py, || {
            Ok(match kind {
                "json" => IndicatorSystem::from_json(text),
                "toml" => IndicatorSystem::from_toml(text),
                _ => IndicatorSystem::from_text(text),
            })
        })?
        .map_err(named)?;
        let system = Self::new(py, model, None)?;
        match &system.inner.scorer {
            Err(e) if validate => Err(named(e.clone())),
            _ => Ok(system),
        }
    }

    /// A built-in system by id.
    #[staticmethod]
    fn builtin(py: Python<'_>, id: &str) -> PyResult<Self> {
        let Some(b) = jixiao::builtin(id) else {
            let ids: Vec<&str> = jixiao::builtins().iter().map(|b| b.id).collect();
            let message = format!("no built-in system `{id}` (built-ins: {})", ids.join(", "));
            return Err(request_error(py, message));
        };
        let model = guarded(py, || Ok(b.system()))?.map_err(|e| engine_error(py, e))?;
        Self::new(py, model, Some(b))
    }

    #[getter]
    fn is_valid(&self) -> bool {
        self.inner.scorer.is_ok()
    }

    fn validate(&self, py: Python<'_>) -> PyResult<()> {
        self.scorer(py).map(|_| ())
    }

    /// The engine's `SystemInfo` (inputs, grades, the rows in `lang`).
    fn info<'py>(&self, py: Python<'py>, lang: &str) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &SystemInfo::new(&self.inner.model, self::lang(py, lang)?))
    }

    /// The indicator tree (or the bonus items) as `Indicator`s.
    fn tree<'py>(&self, py: Python<'py>, bonus: bool) -> PyResult<Bound<'py, PyAny>> {
        let m = &self.inner.model;
        let list = if bonus {
            m.bonus.as_ref().map_or(&[][..], |b| &b.items)
        } else {
            &m.indicators
        };
        to_python(py, &IndicatorInfo::tree(m, list, Lang::Zh))
    }

    #[getter]
    fn version(&self) -> Option<&str> {
        self.inner.model.version.as_deref()
    }

    /// The bundled example inputs of a built-in system as JSON text.
    fn example(&self) -> Option<&'static str> {
        self.inner.builtin.map(Builtin::example)
    }

    fn to_json(&self) -> String {
        self.inner.model.to_json()
    }

    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.model.to_toml().map_err(|m| request_error(py, m))
    }

    fn table(&self, py: Python<'_>, format: &str, lang: &str) -> PyResult<String> {
        let (f, l) = (self::format(py, format)?, self::lang(py, lang)?);
        guarded(py, || Ok(jixiao::report::system_report(&self.inner.model, f, l)))
    }

    fn evaluate(&self, py: Python<'_>, inputs: &Bound<'_, PyAny>) -> PyResult<PyScored> {
        let scorer = self.scorer(py)?;
        let unit = inputs_from_mapping(inputs)?;
        let e = run(py, || evaluate_converted(scorer, &unit).map_err(JsonError::from))?;
        Ok(PyScored::new(self.inner.clone(), e))
    }

    #[pyo3(signature = (data, id_column, ignore, output, explain, lang))]
    #[expect(clippy::too_many_arguments, reason = "the Python method's keyword arguments")]
    fn evaluate_batch<'py>(
        &self,
        py: Python<'py>,
        data: &Bound<'py, PyAny>,
        id_column: Option<String>,
        ignore: Option<Vec<String>>,
        output: &str,
        explain: bool,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let messages = self::lang(py, lang)?;
        let explain = explain.then_some(messages);
        let ignore = ignore.unwrap_or_default();
        // The `error` column speaks the results' language (Chinese unless `lang="en"`).
        let options = jixiao_arrow::Options {
            id_column,
            ignore,
            explain,
            messages: Some(messages),
        };
        crate::batch::evaluate_batch(py, self.scorer(py)?, data, &options, output)
    }

    fn what_if<'py>(
        &self,
        py: Python<'py>,
        inputs: &Bound<'py, PyAny>,
        changes: &Bound<'py, PyAny>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (l, scorer) = (self::lang(py, lang)?, self.scorer(py)?);
        let (base, changes) = (self.unit(py, inputs, true)?, self.unit(py, changes, false)?);
        let c = run(py, || Ok(scorer.what_if(&base, &changes)?))?;
        to_python(py, &ComparisonAnswer::new(&c, l))
    }

    fn compare<'py>(
        &self,
        py: Python<'py>,
        a: &Bound<'py, PyAny>,
        b: &Bound<'py, PyAny>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (l, scorer) = (self::lang(py, lang)?, self.scorer(py)?);
        let (a, b) = (self.unit(py, a, true)?, self.unit(py, b, true)?);
        let c = run(py, || Ok(Comparison::new(scorer.evaluate(&a)?, scorer.evaluate(&b)?)))?;
        to_python(py, &ComparisonAnswer::new(&c, l))
    }

    #[pyo3(signature = (inputs, input, start, stop, resolution, lang))]
    #[expect(clippy::too_many_arguments, reason = "the Python method's arguments")]
    fn sensitivity<'py>(
        &self,
        py: Python<'py>,
        inputs: &Bound<'py, PyAny>,
        input: &str,
        start: &Bound<'py, PyAny>,
        stop: &Bound<'py, PyAny>,
        resolution: Option<&Bound<'py, PyAny>>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (l, scorer) = (self::lang(py, lang)?, self.scorer(py)?);
        let base = self.unit(py, inputs, true)?;
        let from = figure(py, Some(start), "start")?.unwrap_or_default();
        let to = figure(py, Some(stop), "stop")?.unwrap_or_default();
        let resolution = figure(py, resolution, "resolution")?;
        let s = run(py, || Ok(scorer.sensitivity(&base, input, from, to, resolution)?))?;
        to_python(py, &SensitivityAnswer::new(&s, l))
    }

    /// The least change of `input` reaching the goal: `total`, `grade`, or `indicator` with
    /// `score` (the caller checks that exactly one is given).
    #[pyo3(signature = (inputs, input, total, grade, indicator, score, start, stop, resolution))]
    #[expect(clippy::too_many_arguments, reason = "the Python method's keyword arguments")]
    fn target<'py>(
        &self,
        py: Python<'py>,
        inputs: &Bound<'py, PyAny>,
        input: &str,
        total: Option<&Bound<'py, PyAny>>,
        grade: Option<String>,
        indicator: Option<String>,
        score: Option<&Bound<'py, PyAny>>,
        start: Option<&Bound<'py, PyAny>>,
        stop: Option<&Bound<'py, PyAny>>,
        resolution: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let scorer = self.scorer(py)?;
        let base = self.unit(py, inputs, true)?;
        let goal = match (figure(py, total, "total")?, grade, indicator) {
            (Some(t), _, _) => Goal::Total(t),
            (None, Some(g), _) => Goal::Grade(g),
            (None, None, Some(id)) => Goal::Indicator {
                id,
                score: figure(py, score, "score")?.unwrap_or_default(),
            },
            (None, None, None) => return Err(request_error(py, "give exactly one goal")),
        };
        let range = figure(py, start, "start")?.zip(figure(py, stop, "stop")?);
        let resolution = figure(py, resolution, "resolution")?;
        let t = run(py, || {
            scorer
                .target(&base, input, &goal, range, resolution)
                .map_err(|e: AnalysisError| e.into())
        })?;
        // The Python API has no language for a target yet: its sentence stays Chinese.
        to_python(py, &TargetAnswer::new(&t, Lang::Zh))
    }

    #[pyo3(signature = (inputs, scores, total, grade, lang))]
    fn audit<'py>(
        &self,
        py: Python<'py>,
        inputs: &Bound<'py, PyAny>,
        scores: Vec<(String, Bound<'py, PyAny>)>,
        total: Option<&Bound<'py, PyAny>>,
        grade: Option<String>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (l, scorer) = (self::lang(py, lang)?, self.scorer(py)?);
        let base = self.unit(py, inputs, true)?;
        let mut claims = Claims {
            total: figure(py, total, "total")?,
            grade,
            ..Claims::default()
        };
        for (id, score) in scores {
            let claimed = figure(py, Some(&score), &format!("scores[{id}]"))?;
            claims.scores.insert(id, claimed.unwrap_or_default());
        }
        let a = run(py, || Ok(scorer.audit(&base, &claims)?))?;
        to_python(py, &AuditAnswer::new(&a, l))
    }

    /// How a header row maps to inputs and claims (`jixiao::inputs::table::map_columns`, claims
    /// read): `(unit column, [(column, input)], [(column, indicator id)], total column, grade column)`.
    fn claim_columns(
        &self,
        py: Python<'_>,
        header: Vec<String>,
        id_column: Option<&str>,
        ignore: Vec<String>,
    ) -> PyResult<ClaimColumns> {
        let options = TableOptions::new(id_column, &ignore).with_claims();
        let c = map_columns(&header, &self.inner.model, &options).map_err(|e| request_error(py, e.to_string()))?;
        Ok((c.unit, c.inputs, c.claim_scores, c.claim_total, c.claim_grade))
    }
}
