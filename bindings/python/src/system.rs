//! `IndicatorSystem`: loading (JSON, TOML, file, built-in), inspection (inputs, indicator tree,
//! grades), and evaluation of one unit or a batch.

use std::path::PathBuf;
use std::sync::Arc;

use jixiao::report::Format;
use jixiao::{Builtin, Decimal, IndicatorSystem, InputDefault, Lang, LoadError, Scorer};
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyTuple};

use crate::analysis;
use crate::convert::{inputs_from_mapping, py_decimal, py_opt_decimal};
use crate::errors::{guarded, load_error, request_error};
use crate::evaluation::PyEvaluation;

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

/// Parses a report format name.
pub fn format(py: Python<'_>, text: &str) -> PyResult<Format> {
    match text.trim().to_ascii_lowercase().as_str() {
        "text" | "txt" => Ok(Format::Text),
        "markdown" | "md" => Ok(Format::Markdown),
        "html" => Ok(Format::Html),
        "csv" => Ok(Format::Csv),
        other => Err(request_error(
            py,
            format!("unknown report format `{other}` (expected text, markdown, html or csv)"),
        )),
    }
}

/// The body of the engine's standalone HTML report, with its styles scoped to a `div`, so that a
/// notebook can show it inline without restyling the page around it.
pub fn html_fragment(page: &str) -> String {
    let body = page
        .split_once("<body>")
        .and_then(|(_, rest)| rest.rsplit_once("</body>"))
        .map_or(page, |(body, _)| body)
        .trim()
        .replacen("<h1>", "<p><strong>", 1)
        .replacen("</h1>", "</strong></p>", 1);
    format!(
        "<div class=\"jixiao-report\"><style>\
         .jixiao-report table{{border-collapse:collapse;font-size:13px}}\
         .jixiao-report th,.jixiao-report td{{border:1px solid #999;padding:3px 6px;vertical-align:top;text-align:left}}\
         .jixiao-report td.n{{text-align:right;white-space:nowrap}}\
         .jixiao-report tr.total td{{font-weight:bold}}\
         </style>{body}</div>"
    )
}

/// An indicator system (绩效评价指标体系): declared inputs, metrics, the indicator tree with a
/// scoring rule on every leaf, grades and rounding. Load one with `from_json`, `from_toml`,
/// `from_file` or `builtin`; score units with `evaluate` and `evaluate_batch`.
#[pyclass(module = "jixiao", name = "IndicatorSystem", frozen)]
#[derive(Debug, Clone)]
pub struct PyIndicatorSystem {
    pub inner: Arc<SystemData>,
}

impl PyIndicatorSystem {
    fn load(
        py: Python<'_>,
        parsed: Result<IndicatorSystem, LoadError>,
        validate: bool,
        builtin: Option<&'static Builtin>,
    ) -> PyResult<Self> {
        let model = parsed.map_err(|e| load_error(py, e))?;
        let scorer = guarded(py, || Ok(Scorer::new(&model).map_err(LoadError::from)))?;
        if validate && let Err(e) = &scorer {
            return Err(load_error(py, e.clone()));
        }
        Ok(PyIndicatorSystem {
            inner: Arc::new(SystemData { model, scorer, builtin }),
        })
    }

    /// The compiled system, or the `ValidationError` saying why there is none.
    pub fn scorer(&self, py: Python<'_>) -> PyResult<&Scorer> {
        self.inner.scorer.as_ref().map_err(|e| load_error(py, e.clone()))
    }
}

fn find<'a>(list: &'a [jixiao::Indicator], id: &str) -> Option<(&'a jixiao::Indicator, usize, Option<&'a str>)> {
    fn go<'a>(
        list: &'a [jixiao::Indicator],
        id: &str,
        depth: usize,
        parent: Option<&'a str>,
    ) -> Option<(&'a jixiao::Indicator, usize, Option<&'a str>)> {
        for i in list {
            if i.id == id {
                return Some((i, depth, parent));
            }
            if let Some(found) = go(&i.children, id, depth + 1, Some(&i.id)) {
                return Some(found);
            }
        }
        None
    }
    go(list, id, 0, None)
}

#[pymethods]
impl PyIndicatorSystem {
    /// Loads a system from JSON text. With `validate=False` an invalid system still loads (for
    /// inspection); `validate()` then lists its problems and `evaluate` refuses it.
    #[staticmethod]
    #[pyo3(signature = (text, *, validate = true))]
    fn from_json(py: Python<'_>, text: &str, validate: bool) -> PyResult<Self> {
        let parsed = guarded(py, || Ok(IndicatorSystem::from_json(text)))?;
        Self::load(py, parsed, validate, None)
    }

    /// Loads a system from TOML text.
    #[staticmethod]
    #[pyo3(signature = (text, *, validate = true))]
    fn from_toml(py: Python<'_>, text: &str, validate: bool) -> PyResult<Self> {
        let parsed = guarded(py, || Ok(IndicatorSystem::from_toml(text)))?;
        Self::load(py, parsed, validate, None)
    }

    /// Loads a system from JSON or TOML text (JSON when it starts with `{`).
    #[staticmethod]
    #[pyo3(signature = (text, *, validate = true))]
    fn from_text(py: Python<'_>, text: &str, validate: bool) -> PyResult<Self> {
        let parsed = guarded(py, || Ok(IndicatorSystem::from_text(text)))?;
        Self::load(py, parsed, validate, None)
    }

    /// Loads a system from a `.json` or `.toml` file (another extension: by its content).
    #[staticmethod]
    #[pyo3(signature = (path, *, validate = true))]
    fn from_file(py: Python<'_>, path: PathBuf, validate: bool) -> PyResult<Self> {
        let text = std::fs::read_to_string(&path)?;
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let parsed = guarded(py, || {
            Ok(match ext.as_str() {
                "json" => IndicatorSystem::from_json(&text),
                "toml" => IndicatorSystem::from_toml(&text),
                _ => IndicatorSystem::from_text(&text),
            })
        })?;
        Self::load(py, parsed, validate, None)
    }

    /// A built-in system by id (see `jixiao.builtins()`), e.g. `hunan-dept`.
    #[staticmethod]
    fn builtin(py: Python<'_>, id: &str) -> PyResult<Self> {
        let Some(b) = jixiao::builtin(id) else {
            let ids: Vec<&str> = jixiao::builtins().iter().map(|b| b.id).collect();
            return Err(request_error(
                py,
                format!("no built-in system `{id}` (built-ins: {})", ids.join(", ")),
            ));
        };
        let parsed = guarded(py, || Ok(b.system()))?;
        Self::load(py, parsed, true, Some(b))
    }

    /// Checks the system; raises `ValidationError` listing every problem, else returns None.
    fn validate(&self, py: Python<'_>) -> PyResult<()> {
        self.scorer(py).map(|_| ())
    }

    /// Whether the system is valid (a system loaded with `validate=False` may not be).
    #[getter]
    fn is_valid(&self) -> bool {
        self.inner.scorer.is_ok()
    }

    /// Identifier, e.g. `hunan-dept`.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.model.id
    }

    /// Name, e.g. `部门整体支出绩效评价指标表`.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.model.name
    }

    /// English name.
    #[getter]
    fn name_en(&self) -> Option<&str> {
        self.inner.model.name_en.as_deref()
    }

    /// Issuing body.
    #[getter]
    fn issuer(&self) -> Option<&str> {
        self.inner.model.issuer.as_deref()
    }

    /// Region the table applies to.
    #[getter]
    fn region(&self) -> Option<&str> {
        self.inner.model.region.as_deref()
    }

    /// Evaluation year.
    #[getter]
    fn year(&self) -> Option<u32> {
        self.inner.model.year
    }

    /// Version of the table.
    #[getter]
    fn version(&self) -> Option<&str> {
        self.inner.model.version.as_deref()
    }

    /// Source document.
    #[getter]
    fn source(&self) -> Option<&str> {
        self.inner.model.source.as_deref()
    }

    /// Notes: assumptions and readings of ambiguous wording.
    #[getter]
    fn notes(&self) -> Vec<String> {
        self.inner.model.notes.clone()
    }

    /// Full points of the indicator tree (usually 100).
    #[getter]
    fn total_points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let m = &self.inner.model;
        let sum = m
            .indicators
            .iter()
            .fold(Decimal::ZERO, |a, i| a.saturating_add(i.points.value()));
        py_decimal(py, m.total_points.map_or(sum, |d| d.value()))
    }

    /// The declared inputs (the base-data table to fill in), in declaration order.
    #[getter]
    fn inputs(&self, py: Python<'_>) -> PyResult<Vec<Py<PyInput>>> {
        self.inner
            .model
            .inputs
            .iter()
            .map(|i| Py::new(py, PyInput::from_decl(i)))
            .collect()
    }

    /// Names of the declared inputs, in declaration order.
    #[getter]
    fn input_names(&self) -> Vec<String> {
        self.inner.model.inputs.iter().map(|i| i.name.clone()).collect()
    }

    /// The indicator tree: the 一级指标 with their children.
    #[getter]
    fn indicators(&self, py: Python<'_>) -> PyResult<Vec<Py<PyIndicator>>> {
        self.inner
            .model
            .indicators
            .iter()
            .map(|i| PyIndicator::build(py, &self.inner.model, i, 0, None))
            .collect()
    }

    /// Bonus items (加分项).
    #[getter]
    fn bonus(&self, py: Python<'_>) -> PyResult<Vec<Py<PyIndicator>>> {
        self.inner
            .model
            .bonus
            .iter()
            .flat_map(|b| b.items.iter())
            .map(|i| PyIndicator::build(py, &self.inner.model, i, 0, None))
            .collect()
    }

    /// Every indicator (tree in pre-order, then bonus items) without the tree structure.
    fn walk(&self, py: Python<'_>) -> PyResult<Vec<Py<PyIndicator>>> {
        let mut out = Vec::new();
        fn go(
            py: Python<'_>,
            m: &IndicatorSystem,
            list: &[jixiao::Indicator],
            depth: usize,
            parent: Option<&str>,
            out: &mut Vec<Py<PyIndicator>>,
        ) -> PyResult<()> {
            for i in list {
                out.push(PyIndicator::build(py, m, i, depth, parent)?);
                go(py, m, &i.children, depth + 1, Some(&i.id), out)?;
            }
            Ok(())
        }
        let m = &self.inner.model;
        go(py, m, &m.indicators, 0, None, &mut out)?;
        if let Some(b) = &m.bonus {
            go(py, m, &b.items, 0, None, &mut out)?;
        }
        Ok(out)
    }

    /// The indicator (tree node or bonus item) with this id; `KeyError` when there is none.
    fn indicator(&self, py: Python<'_>, id: &str) -> PyResult<Py<PyIndicator>> {
        let m = &self.inner.model;
        let found = find(&m.indicators, id).or_else(|| m.bonus.as_ref().and_then(|b| find(&b.items, id)));
        match found {
            Some((i, depth, parent)) => PyIndicator::build(py, m, i, depth, parent),
            None => Err(PyKeyError::new_err(id.to_string())),
        }
    }

    /// The grade table, highest first; the last grade may have no minimum.
    #[getter]
    fn grades(&self, py: Python<'_>) -> PyResult<Vec<Py<PyGrade>>> {
        self.inner
            .model
            .grades
            .iter()
            .map(|g| {
                Py::new(
                    py,
                    PyGrade {
                        label: g.label.clone(),
                        label_en: g.label_en.clone(),
                        min: g.min.map(|d| d.value()),
                    },
                )
            })
            .collect()
    }

    /// The bundled example inputs of a built-in system (None for other systems).
    fn example_inputs<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        let Some(b) = self.inner.builtin else { return Ok(None) };
        let json = py.import("json")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("parse_float", crate::convert::decimal_type(py)?)?;
        Ok(Some(json.call_method("loads", (b.example(),), Some(&kwargs))?))
    }

    /// Scores one unit: a mapping of input name → value (`Decimal`, `int`, `float`, `str`, `bool`,
    /// `Level`, a list of checklist items); an input without a value is left out.
    fn evaluate(&self, py: Python<'_>, inputs: &Bound<'_, PyAny>) -> PyResult<PyEvaluation> {
        let scorer = self.scorer(py)?;
        let converted = inputs_from_mapping(inputs)?;
        let result = crate::errors::guard(|| crate::convert::evaluate_converted(scorer, &converted))
            .map_err(|m| crate::errors::request_error(py, m))?;
        match result {
            Ok(e) => Ok(PyEvaluation::new(self.inner.clone(), e)),
            Err(e) => Err(crate::errors::eval_error(py, e)),
        }
    }

    /// Scores many units (a pandas or polars DataFrame, a pyarrow Table or RecordBatch, anything
    /// with `__arrow_c_stream__`, or a list of mappings) in Rust with the GIL released; returns one
    /// row per unit: every indicator's score (subtotals included), total, grade and error.
    #[pyo3(signature = (data, *, id_column = None, ignore = None, output = "auto", explain = false, lang = "zh"))]
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
        let scorer = self.scorer(py)?.clone();
        let options = crate::batch::Options {
            id_column,
            ignore: ignore.unwrap_or_default(),
            output: crate::batch::Output::parse(py, output)?,
            explain: explain.then_some(crate::system::lang(py, lang)?),
        };
        crate::batch::evaluate_batch(py, &scorer, data, &options)
    }

    /// What-if: the unit's scores with some inputs changed, per indicator, total and grade.
    #[pyo3(signature = (inputs, changes, *, lang = "zh"))]
    fn what_if<'py>(
        &self,
        py: Python<'py>,
        inputs: &Bound<'py, PyAny>,
        changes: &Bound<'py, PyAny>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let scorer = self.scorer(py)?;
        let mut body = serde_json::Map::new();
        body.insert("inputs".into(), analysis::inputs(py, scorer, inputs, true)?);
        body.insert("changes".into(), analysis::inputs(py, scorer, changes, false)?);
        analysis::run(py, scorer, "what_if", body, lang, "comparison")
    }

    /// Two units (two years of one department, two departments) side by side, per indicator.
    #[pyo3(signature = (a, b, *, lang = "zh"))]
    fn compare<'py>(
        &self,
        py: Python<'py>,
        a: &Bound<'py, PyAny>,
        b: &Bound<'py, PyAny>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let scorer = self.scorer(py)?;
        let mut body = serde_json::Map::new();
        body.insert("a".into(), analysis::inputs(py, scorer, a, true)?);
        body.insert("b".into(), analysis::inputs(py, scorer, b, true)?);
        analysis::run(py, scorer, "compare", body, lang, "comparison")
    }

    /// The exact breakpoints of every indicator and the total as one input runs from `start` to
    /// `stop` (at `resolution`, by default the input's own), as a DataFrame.
    #[pyo3(signature = (inputs, input, start, stop, resolution = None, *, lang = "zh"))]
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
        let scorer = self.scorer(py)?;
        let mut body = serde_json::Map::new();
        body.insert("inputs".into(), analysis::inputs(py, scorer, inputs, true)?);
        body.insert("input".into(), input.into());
        body.insert("from".into(), analysis::figure(py, Some(start), "start")?);
        body.insert("to".into(), analysis::figure(py, Some(stop), "stop")?);
        body.insert("resolution".into(), analysis::figure(py, resolution, "resolution")?);
        analysis::run(py, scorer, "sensitivity", body, lang, "sensitivity")
    }

    /// The least change of one input that reaches a total, a grade, or an indicator's score.
    #[pyo3(signature = (inputs, input, *, total = None, grade = None, indicator = None, score = None,
                        start = None, stop = None, resolution = None, lang = "zh"))]
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
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let scorer = self.scorer(py)?;
        let goals = usize::from(total.is_some()) + usize::from(grade.is_some()) + usize::from(indicator.is_some());
        if goals != 1 || indicator.is_some() != score.is_some() {
            return Err(request_error(
                py,
                "give exactly one goal: `total`, `grade`, or `indicator` with `score`",
            ));
        }
        if start.is_some() != stop.is_some() {
            return Err(request_error(py, "give both `start` and `stop`, or neither"));
        }
        let mut goal = serde_json::Map::new();
        if total.is_some() {
            goal.insert("total".into(), analysis::figure(py, total, "total")?);
        }
        if let Some(g) = grade {
            goal.insert("grade".into(), g.into());
        }
        if let Some(id) = indicator {
            goal.insert("indicator".into(), id.into());
            goal.insert("score".into(), analysis::figure(py, score, "score")?);
        }
        let mut body = serde_json::Map::new();
        body.insert("inputs".into(), analysis::inputs(py, scorer, inputs, true)?);
        body.insert("input".into(), input.into());
        body.insert("goal".into(), goal.into());
        body.insert("from".into(), analysis::figure(py, start, "start")?);
        body.insert("to".into(), analysis::figure(py, stop, "stop")?);
        body.insert("resolution".into(), analysis::figure(py, resolution, "resolution")?);
        analysis::run(py, scorer, "target", body, lang, "target")
    }

    /// Recomputes a unit from its inputs and lists where its claimed scores, total and grade do
    /// not follow (复核).
    #[pyo3(signature = (inputs, *, scores = None, total = None, grade = None, lang = "zh"))]
    fn audit<'py>(
        &self,
        py: Python<'py>,
        inputs: &Bound<'py, PyAny>,
        scores: Option<&Bound<'py, PyAny>>,
        total: Option<&Bound<'py, PyAny>>,
        grade: Option<String>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let scorer = self.scorer(py)?;
        let mut claims = serde_json::Map::new();
        claims.insert("scores".into(), analysis::scores(py, scores)?);
        claims.insert("total".into(), analysis::figure(py, total, "total")?);
        if let Some(g) = grade {
            claims.insert("grade".into(), g.into());
        }
        let mut body = serde_json::Map::new();
        body.insert("inputs".into(), analysis::inputs(py, scorer, inputs, true)?);
        body.insert("claims".into(), claims.into());
        analysis::run(py, scorer, "audit", body, lang, "audit")
    }

    /// `audit` for many self-evaluations: one row per unit (a pandas DataFrame or a list of
    /// mappings) with its inputs and claims; returns one row per unit.
    #[pyo3(signature = (data, *, id_column = None, score_columns = None, total_column = None,
                        grade_column = None, ignore = None, lang = "zh"))]
    #[expect(clippy::too_many_arguments, reason = "the Python method's keyword arguments")]
    fn audit_batch<'py>(
        slf: &Bound<'py, Self>,
        data: &Bound<'py, PyAny>,
        id_column: Option<&Bound<'py, PyAny>>,
        score_columns: Option<&Bound<'py, PyAny>>,
        total_column: Option<&Bound<'py, PyAny>>,
        grade_column: Option<&Bound<'py, PyAny>>,
        ignore: Option<&Bound<'py, PyAny>>,
        lang: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        slf.get().scorer(py)?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("id_column", id_column)?;
        kwargs.set_item("score_columns", score_columns)?;
        kwargs.set_item("total_column", total_column)?;
        kwargs.set_item("grade_column", grade_column)?;
        kwargs.set_item("ignore", ignore)?;
        kwargs.set_item("lang", lang)?;
        py.import("jixiao._analysis")?
            .call_method("audit_batch", (slf, data), Some(&kwargs))
    }

    /// The indicator table (指标表) as `text`, `markdown`, `html` or `csv`.
    #[pyo3(signature = (format = "text", lang = "zh"))]
    fn table(&self, py: Python<'_>, format: &str, lang: &str) -> PyResult<String> {
        let (f, l) = (crate::system::format(py, format)?, crate::system::lang(py, lang)?);
        guarded(py, || Ok(jixiao::report::system_report(&self.inner.model, f, l)))
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || {
            Ok(html_fragment(&jixiao::report::system_report(
                &self.inner.model,
                Format::Html,
                Lang::Zh,
            )))
        })
    }

    /// The system as canonical JSON text (the format's own form).
    fn to_json(&self) -> String {
        self.inner.model.to_json()
    }

    /// The system as TOML text.
    fn to_toml(&self, py: Python<'_>) -> PyResult<String> {
        self.inner.model.to_toml().map_err(|m| request_error(py, m))
    }

    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let from_json = py.get_type::<PyIndicatorSystem>().getattr("from_json")?;
        let args = PyTuple::new(py, [slf.get().inner.model.to_json()])?;
        PyTuple::new(py, [from_json, args.into_any()])
    }

    fn __repr__(&self) -> String {
        let m = &self.inner.model;
        format!(
            "<IndicatorSystem {} ({}): {} inputs, {} 一级指标{}>",
            m.id,
            m.name,
            m.inputs.len(),
            m.indicators.len(),
            if self.inner.scorer.is_ok() { "" } else { ", INVALID" }
        )
    }
}

/// A declared input: one cell of the base-data table (基础数据表) or one judgement of the evaluator.
#[pyclass(module = "jixiao", name = "Input", frozen)]
#[derive(Debug)]
pub struct PyInput {
    decl: jixiao::InputDecl,
}

impl PyInput {
    fn from_decl(decl: &jixiao::InputDecl) -> Self {
        PyInput { decl: decl.clone() }
    }
}

#[pymethods]
impl PyInput {
    /// Name used in expressions and inputs, e.g. `编制数`.
    #[getter]
    fn name(&self) -> &str {
        &self.decl.name
    }

    /// English name.
    #[getter]
    fn name_en(&self) -> Option<&str> {
        self.decl.name_en.as_deref()
    }

    /// `number`, `count`, `boolean`, `level`, `checklist` or `manual`.
    #[getter]
    fn kind(&self) -> String {
        format!("{:?}", self.decl.kind).to_lowercase()
    }

    /// Unit: `万元`, `人`, `%` ... (a `%` input holds a ratio: `"82.39%"` or `Decimal("0.8239")`).
    #[getter]
    fn unit(&self) -> Option<&str> {
        self.decl.unit.as_deref()
    }

    /// What the figure is and where it comes from.
    #[getter]
    fn description(&self) -> Option<&str> {
        self.decl.description.as_deref()
    }

    /// Whether a value must be given (False when the input has a default).
    #[getter]
    fn required(&self) -> bool {
        self.decl.required && self.decl.default.is_none()
    }

    /// The value used when the input is not given: bool, str (a decimal's text or a level) or list of items.
    #[getter]
    fn default<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        Ok(match &self.decl.default {
            None => None,
            Some(InputDefault::Bool(b)) => Some(b.into_pyobject(py)?.to_owned().into_any()),
            Some(InputDefault::Text(t)) => Some(t.into_pyobject(py)?.into_any()),
            Some(InputDefault::Items(items)) => Some(PyList::new(py, items)?.into_any()),
        })
    }

    /// Smallest allowed value.
    #[getter]
    fn min<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        py_opt_decimal(py, self.decl.min.map(|d| d.value()))
    }

    /// Largest allowed value.
    #[getter]
    fn max<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        py_opt_decimal(py, self.decl.max.map(|d| d.value()))
    }

    /// The levels of a `level` input, best first.
    #[getter]
    fn levels(&self) -> Vec<String> {
        self.decl.levels.clone()
    }

    /// The items of a `checklist` input.
    #[getter]
    fn items(&self) -> Vec<String> {
        self.decl.items.clone()
    }

    fn __repr__(&self) -> String {
        let unit = self.decl.unit.as_deref().map(|u| format!(" ({u})")).unwrap_or_default();
        format!("<Input {}{unit}: {}>", self.decl.name, self.kind())
    }
}

/// A node of the indicator tree: a group with children, or a leaf with a scoring rule.
#[pyclass(module = "jixiao", name = "Indicator", frozen)]
#[derive(Debug)]
pub struct PyIndicator {
    id: String,
    name: String,
    name_en: Option<String>,
    points: Decimal,
    standard: Option<String>,
    description: Option<String>,
    assumed: Option<String>,
    rule: Option<String>,
    rule_text: String,
    depth: usize,
    parent: Option<String>,
    children: Vec<Py<PyIndicator>>,
}

impl PyIndicator {
    fn build(
        py: Python<'_>,
        m: &IndicatorSystem,
        i: &jixiao::Indicator,
        depth: usize,
        parent: Option<&str>,
    ) -> PyResult<Py<PyIndicator>> {
        let children = i
            .children
            .iter()
            .map(|c| Self::build(py, m, c, depth + 1, Some(&i.id)))
            .collect::<PyResult<Vec<_>>>()?;
        // The rule's kind is its serialised `type` tag, so a kind added to the format shows here.
        let rule = i.rule.as_ref().and_then(|r| {
            serde_json::to_value(r)
                .ok()
                .and_then(|v| v.get("type").and_then(|t| t.as_str()).map(str::to_string))
        });
        Py::new(
            py,
            PyIndicator {
                id: i.id.clone(),
                name: i.name.clone(),
                name_en: i.name_en.clone(),
                points: i.points.value(),
                standard: i.standard.clone(),
                description: i.description.clone(),
                assumed: i.assumed.clone(),
                rule,
                rule_text: m.describe_indicator(i, Lang::Zh),
                depth,
                parent: parent.map(str::to_string),
                children,
            },
        )
    }
}

#[pymethods]
impl PyIndicator {
    /// Identifier, e.g. `2.1.1`.
    #[getter]
    fn id(&self) -> &str {
        &self.id
    }

    /// Name, e.g. `预算完成率`.
    #[getter]
    fn name(&self) -> &str {
        &self.name
    }

    /// English name.
    #[getter]
    fn name_en(&self) -> Option<&str> {
        self.name_en.as_deref()
    }

    /// Points (分值).
    #[getter]
    fn points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.points)
    }

    /// The scoring standard (评价标准) as published.
    #[getter]
    fn standard(&self) -> Option<&str> {
        self.standard.as_deref()
    }

    /// What the indicator measures (指标解释).
    #[getter]
    fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// Why the row is assumed, when it is not from the published table.
    #[getter]
    fn assumed(&self) -> Option<&str> {
        self.assumed.as_deref()
    }

    /// The kind of the scoring rule (`step`, `tiers`, `ratio`, ...); None on a group.
    #[getter]
    fn rule(&self) -> Option<&str> {
        self.rule.as_deref()
    }

    /// The standard as the engine applies it, in Chinese.
    #[getter]
    fn rule_text(&self) -> &str {
        &self.rule_text
    }

    /// Depth in the tree (0 = 一级指标).
    #[getter]
    fn depth(&self) -> usize {
        self.depth
    }

    /// The parent's id (None at the top level).
    #[getter]
    fn parent(&self) -> Option<&str> {
        self.parent.as_deref()
    }

    /// Whether the indicator is a leaf (scored by a rule).
    #[getter]
    fn leaf(&self) -> bool {
        self.children.is_empty()
    }

    /// The child indicators.
    #[getter]
    fn children(&self, py: Python<'_>) -> Vec<Py<PyIndicator>> {
        self.children.iter().map(|c| c.clone_ref(py)).collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Indicator {} {} ({} points{})>",
            self.id,
            self.name,
            jixiao::explain::num(self.points),
            self.rule.as_deref().map(|r| format!(", {r}")).unwrap_or_default()
        )
    }
}

/// A grade (评价等次) with the lowest total that earns it.
#[pyclass(module = "jixiao", name = "Grade", frozen)]
#[derive(Debug)]
pub struct PyGrade {
    label: String,
    label_en: Option<String>,
    min: Option<Decimal>,
}

#[pymethods]
impl PyGrade {
    /// Label, e.g. `优秀`.
    #[getter]
    fn label(&self) -> &str {
        &self.label
    }

    /// English label.
    #[getter]
    fn label_en(&self) -> Option<&str> {
        self.label_en.as_deref()
    }

    /// Lowest total (inclusive) that earns the grade; None for the last grade.
    #[getter]
    fn min<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        py_opt_decimal(py, self.min)
    }

    fn __repr__(&self) -> String {
        match self.min {
            Some(m) => format!("<Grade {} ≥ {}>", self.label, jixiao::explain::num(m)),
            None => format!("<Grade {}>", self.label),
        }
    }
}
