//! `Evaluation` and its parts: read from the engine's result when Python asks, so that scoring a
//! unit costs no more than the figures that are looked at.

use std::sync::Arc;

use jixiao::report::Format;
use jixiao::{Evaluation, IndicatorResult, Lang, NaOutcome, Outcome, Status};
use pyo3::exceptions::PyKeyError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

use crate::convert::{py_decimal, py_opt_decimal};
use crate::errors::guarded;
use crate::system::{SystemData, html_fragment};

#[derive(Debug)]
struct Inner {
    system: Arc<SystemData>,
    e: Evaluation,
}

/// The evaluation of one unit: every indicator's score with its reasons, subtotals, total, grade.
#[pyclass(module = "jixiao", name = "Evaluation", frozen)]
#[derive(Debug)]
pub struct PyEvaluation {
    inner: Arc<Inner>,
}

impl PyEvaluation {
    pub fn new(system: Arc<SystemData>, e: Evaluation) -> Self {
        PyEvaluation {
            inner: Arc::new(Inner { system, e }),
        }
    }

    fn results(&self, bonus: bool) -> &[IndicatorResult] {
        if bonus {
            &self.inner.e.bonus
        } else {
            &self.inner.e.indicators
        }
    }

    fn result_objects(&self, py: Python<'_>, bonus: bool) -> PyResult<Vec<Py<PyIndicatorResult>>> {
        (0..self.results(bonus).len())
            .map(|index| {
                Py::new(
                    py,
                    PyIndicatorResult {
                        inner: self.inner.clone(),
                        bonus,
                        index,
                    },
                )
            })
            .collect()
    }
}

/// Figures in the JSON layer's evaluation that become `decimal.Decimal` in `to_dict()`.
const DECIMAL_KEYS: &[&str] = &[
    "total",
    "exact_total",
    "full_points",
    "tree_total",
    "excluded_points",
    "rescaled_total",
    "bonus_total",
    "max_total",
    "points",
    "score",
    "exact_score",
    "value",
    "amount",
];

/// A JSON value as Python objects; strings under [`DECIMAL_KEYS`] become `decimal.Decimal`.
pub fn json_to_py<'py>(py: Python<'py>, v: &Value, decimal: bool) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => b.into_pyobject(py)?.to_owned().into_any(),
        Value::Number(n) => match n.as_i64() {
            Some(i) => i.into_pyobject(py)?.into_any(),
            None => crate::convert::decimal_type(py)?.call1((n.to_string(),))?,
        },
        Value::String(s) if decimal => match jixiao::parse_decimal(s) {
            Ok(d) => py_decimal(py, d)?,
            Err(_) => s.into_pyobject(py)?.into_any(),
        },
        Value::String(s) => s.into_pyobject(py)?.into_any(),
        Value::Array(a) => {
            let list = PyList::empty(py);
            for x in a {
                list.append(json_to_py(py, x, decimal)?)?;
            }
            list.into_any()
        }
        Value::Object(o) => {
            let d = PyDict::new(py);
            for (k, x) in o {
                d.set_item(k, json_to_py(py, x, DECIMAL_KEYS.contains(&k.as_str()))?)?;
            }
            d.into_any()
        }
    })
}

#[pymethods]
impl PyEvaluation {
    /// The total (综合得分).
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.e.total)
    }

    /// The total before the final rounding.
    #[getter]
    fn exact_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.e.exact_total)
    }

    /// The grade (评价等次), e.g. `优秀`.
    #[getter]
    fn grade(&self) -> &str {
        &self.inner.e.grade
    }

    /// The grade's English label, when the system gives one.
    #[getter]
    fn grade_en(&self) -> Option<&str> {
        self.inner.e.grade_en.as_deref()
    }

    /// The system's id.
    #[getter]
    fn system_id(&self) -> &str {
        &self.inner.e.system_id
    }

    /// Full points of the tree.
    #[getter]
    fn full_points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.e.full_points)
    }

    /// Sum of the top-level scores.
    #[getter]
    fn tree_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.e.tree_total)
    }

    /// Points of indicators excluded as not applicable.
    #[getter]
    fn excluded_points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.e.excluded_points)
    }

    /// The tree total scaled to full points when indicators were excluded (按比例折算), else None.
    #[getter]
    fn rescaled_total<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        py_opt_decimal(py, self.inner.e.rescaled_total)
    }

    /// Bonus added, after its caps.
    #[getter]
    fn bonus_total<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.inner.e.bonus_total)
    }

    /// The vetoes (一票否决) that applied.
    #[getter]
    fn vetoes(&self, py: Python<'_>) -> PyResult<Vec<Py<PyVeto>>> {
        (0..self.inner.e.vetoes.len())
            .map(|index| {
                Py::new(
                    py,
                    PyVeto {
                        inner: self.inner.clone(),
                        index,
                    },
                )
            })
            .collect()
    }

    /// Every indicator of the tree in pre-order (parents before children), subtotals included.
    #[getter]
    fn indicators(&self, py: Python<'_>) -> PyResult<Vec<Py<PyIndicatorResult>>> {
        self.result_objects(py, false)
    }

    /// The bonus items' results.
    #[getter]
    fn bonus(&self, py: Python<'_>) -> PyResult<Vec<Py<PyIndicatorResult>>> {
        self.result_objects(py, true)
    }

    /// The result of the indicator (tree node or bonus item) with this id; `KeyError` if none.
    fn indicator(&self, py: Python<'_>, id: &str) -> PyResult<Py<PyIndicatorResult>> {
        for bonus in [false, true] {
            if let Some(index) = self.results(bonus).iter().position(|r| &*r.id == id) {
                return Py::new(
                    py,
                    PyIndicatorResult {
                        inner: self.inner.clone(),
                        bonus,
                        index,
                    },
                );
            }
        }
        Err(PyKeyError::new_err(id.to_string()))
    }

    fn __getitem__(&self, py: Python<'_>, id: &str) -> PyResult<Py<PyIndicatorResult>> {
        self.indicator(py, id)
    }

    /// The whole evaluation explained in sentences, in Chinese (`zh`) or English (`en`).
    #[pyo3(signature = (lang = "zh"))]
    fn explain(&self, py: Python<'_>, lang: &str) -> PyResult<String> {
        let l = crate::system::lang(py, lang)?;
        guarded(py, || Ok(self.inner.e.explain(l)))
    }

    /// The evaluation as the JSON layer gives it, with every figure a `decimal.Decimal`.
    #[pyo3(signature = (lang = "zh"))]
    fn to_dict<'py>(&self, py: Python<'py>, lang: &str) -> PyResult<Bound<'py, PyAny>> {
        let l = crate::system::lang(py, lang)?;
        let v = guarded(py, || Ok(jixiao::wire::evaluation_to_value(&self.inner.e, l)))?;
        json_to_py(py, &v, false)
    }

    /// The evaluation as JSON text, exactly the JSON layer's (figures are decimal strings).
    #[pyo3(signature = (lang = "zh", indent = None))]
    fn to_json(&self, py: Python<'_>, lang: &str, indent: Option<usize>) -> PyResult<String> {
        let l = crate::system::lang(py, lang)?;
        let v = jixiao::wire::EvaluationAnswer::new(&self.inner.e, jixiao::wire::Options::lang(l));
        Ok(match indent {
            None => serde_json::to_string(&v).map_err(|e| crate::errors::request_error(py, e.to_string()))?,
            Some(n) => {
                let mut out = Vec::new();
                let pad = " ".repeat(n);
                let fmt = serde_json::ser::PrettyFormatter::with_indent(pad.as_bytes());
                let mut ser = serde_json::Serializer::with_formatter(&mut out, fmt);
                serde::Serialize::serialize(&v, &mut ser)
                    .map_err(|e| crate::errors::request_error(py, e.to_string()))?;
                String::from_utf8_lossy(&out).into_owned()
            }
        })
    }

    /// One row per indicator (tree, then bonus items) as a pandas DataFrame indexed by id, with
    /// `decimal.Decimal` figures: name, depth, parent, leaf, points, score, lost, value, rule,
    /// status, explanation.
    #[pyo3(signature = (lang = "zh"))]
    fn to_frame<'py>(&self, py: Python<'py>, lang: &str) -> PyResult<Bound<'py, PyAny>> {
        let l = crate::system::lang(py, lang)?;
        let pandas = py.import("pandas")?;
        let rows = PyList::empty(py);
        for bonus in [false, true] {
            for r in self.results(bonus) {
                rows.append(result_row(py, &self.inner.e, r, bonus, l)?)?;
            }
        }
        let frame = pandas.call_method1("DataFrame", (rows,))?;
        if self.inner.e.indicators.is_empty() && self.inner.e.bonus.is_empty() {
            return Ok(frame);
        }
        frame.call_method1("set_index", ("id",))
    }

    /// The filled-in self-evaluation table (自评表) as `text`, `markdown`, `html` or `csv`.
    #[pyo3(signature = (format = "text", lang = "zh"))]
    fn report(&self, py: Python<'_>, format: &str, lang: &str) -> PyResult<String> {
        let (f, l) = (crate::system::format(py, format)?, crate::system::lang(py, lang)?);
        guarded(py, || {
            Ok(jixiao::report::evaluation_report(
                &self.inner.system.model,
                &self.inner.e,
                f,
                l,
            ))
        })
    }

    fn _repr_html_(&self, py: Python<'_>) -> PyResult<String> {
        guarded(py, || {
            Ok(html_fragment(&jixiao::report::evaluation_report(
                &self.inner.system.model,
                &self.inner.e,
                Format::Html,
                Lang::Zh,
            )))
        })
    }

    fn __repr__(&self) -> String {
        let e = &self.inner.e;
        format!(
            "<Evaluation {}: total {} {}>",
            e.system_id,
            jixiao::explain::num(e.total),
            e.grade
        )
    }
}

fn result_row<'py>(
    py: Python<'py>,
    e: &Evaluation,
    r: &IndicatorResult,
    bonus: bool,
    lang: Lang,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    let all = if bonus { &e.bonus } else { &e.indicators };
    d.set_item("id", &*r.id)?;
    d.set_item("name", &*r.name)?;
    d.set_item("depth", r.depth)?;
    d.set_item("parent", r.parent.and_then(|p| all.get(p)).map(|p| &*p.id))?;
    d.set_item("leaf", r.is_leaf)?;
    d.set_item("bonus", bonus)?;
    d.set_item("points", py_decimal(py, r.points)?)?;
    d.set_item("score", py_decimal(py, r.score)?)?;
    d.set_item("lost", py_decimal(py, lost(r, bonus))?)?;
    d.set_item("value", py_opt_decimal(py, r.value)?)?;
    d.set_item("rule", r.outcome.kind())?;
    d.set_item("status", status_text(&r.status))?;
    d.set_item("explanation", r.explain(lang))?;
    Ok(d)
}

/// Points lost: points − score (none for bonus items and excluded indicators, as in the report).
fn lost(r: &IndicatorResult, bonus: bool) -> jixiao::Decimal {
    let excluded = matches!(
        r.status,
        Status::NotApplicable {
            outcome: NaOutcome::Excluded,
            ..
        }
    );
    if bonus || excluded {
        jixiao::Decimal::ZERO
    } else {
        r.points - r.score
    }
}

fn status_text(s: &Status) -> &'static str {
    match s {
        Status::Scored => "scored",
        Status::NotApplicable { .. } => "not_applicable",
    }
}

/// One indicator's result: points, score, the measured value, the rule, the deductions with their
/// reasons, and the explanation.
#[pyclass(module = "jixiao", name = "IndicatorResult", frozen)]
#[derive(Debug)]
pub struct PyIndicatorResult {
    inner: Arc<Inner>,
    bonus: bool,
    index: usize,
}

impl PyIndicatorResult {
    fn list(&self) -> &[IndicatorResult] {
        if self.bonus {
            &self.inner.e.bonus
        } else {
            &self.inner.e.indicators
        }
    }

    fn r(&self) -> PyResult<&IndicatorResult> {
        self.list()
            .get(self.index)
            .ok_or_else(|| PyKeyError::new_err(self.index))
    }
}

#[pymethods]
impl PyIndicatorResult {
    /// Identifier, e.g. `2.1.1`.
    #[getter]
    fn id(&self) -> PyResult<&str> {
        Ok(&self.r()?.id)
    }

    /// Name.
    #[getter]
    fn name(&self) -> PyResult<&str> {
        Ok(&self.r()?.name)
    }

    /// English name.
    #[getter]
    fn name_en(&self) -> PyResult<Option<&str>> {
        Ok(self.r()?.name_en.as_deref())
    }

    /// Depth in the tree (0 = 一级指标).
    #[getter]
    fn depth(&self) -> PyResult<usize> {
        Ok(self.r()?.depth)
    }

    /// The parent's id (None at the top level).
    #[getter]
    fn parent(&self) -> PyResult<Option<&str>> {
        let r = self.r()?;
        Ok(r.parent.and_then(|p| self.list().get(p)).map(|p| &*p.id))
    }

    /// Whether it is a leaf (scored by a rule) rather than a group (the sum of its children).
    #[getter]
    fn leaf(&self) -> PyResult<bool> {
        Ok(self.r()?.is_leaf)
    }

    /// Whether it is a bonus item (加分项).
    #[getter]
    fn is_bonus(&self) -> bool {
        self.bonus
    }

    /// Points (分值).
    #[getter]
    fn points<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.r()?.points)
    }

    /// Score (得分), rounded as the system says.
    #[getter]
    fn score<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.r()?.score)
    }

    /// Score before indicator/subtotal rounding.
    #[getter]
    fn exact_score<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.r()?.exact_score)
    }

    /// Points lost (扣分): points − score; zero for bonus items and excluded indicators.
    #[getter]
    fn lost<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, lost(self.r()?, self.bonus))
    }

    /// The measured value (实际值) the rule read, when it reads one.
    #[getter]
    fn value<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        py_opt_decimal(py, self.r()?.value)
    }

    /// How the score came about: `group`, `not_applicable`, or the rule kind (`step`, `tiers`, ...).
    #[getter]
    fn rule(&self) -> PyResult<&'static str> {
        Ok(self.r()?.outcome.kind())
    }

    /// `scored` or `not_applicable`.
    #[getter]
    fn status(&self) -> PyResult<&'static str> {
        Ok(status_text(&self.r()?.status))
    }

    /// When not applicable: `full_points`, `zero` or `excluded`.
    #[getter]
    fn na_outcome(&self) -> PyResult<Option<&'static str>> {
        Ok(match &self.r()?.status {
            Status::NotApplicable { outcome, .. } => Some(match outcome {
                NaOutcome::FullPoints => "full_points",
                NaOutcome::Zero => "zero",
                NaOutcome::Excluded => "excluded",
            }),
            Status::Scored => None,
        })
    }

    /// When not applicable: the table's wording of why.
    #[getter]
    fn na_reason(&self) -> PyResult<Option<&str>> {
        Ok(match &self.r()?.status {
            Status::NotApplicable { reason, .. } => reason.as_deref(),
            Status::Scored => None,
        })
    }

    /// When not applicable: True when a parent was not applicable rather than this indicator.
    #[getter]
    fn na_inherited(&self) -> PyResult<Option<bool>> {
        Ok(match &self.r()?.status {
            Status::NotApplicable { inherited, .. } => Some(*inherited),
            Status::Scored => None,
        })
    }

    /// Index of the tier that matched (tiers rules).
    #[getter]
    fn tier(&self) -> PyResult<Option<usize>> {
        Ok(match &self.r()?.outcome {
            Outcome::Tier { index, .. } => Some(*index),
            _ => None,
        })
    }

    /// Index of the case that held (cases rules).
    #[getter]
    fn case(&self) -> PyResult<Option<usize>> {
        Ok(match &self.r()?.outcome {
            Outcome::Case { index, .. } => Some(*index),
            _ => None,
        })
    }

    /// The option used (choose-one rules).
    #[getter]
    fn option(&self) -> PyResult<Option<&str>> {
        Ok(match &self.r()?.outcome {
            Outcome::Chosen { option, .. } => Some(option),
            _ => None,
        })
    }

    /// The level given (level rules).
    #[getter]
    fn level(&self) -> PyResult<Option<&str>> {
        Ok(match &self.r()?.outcome {
            Outcome::Level { level, .. } => Some(level),
            _ => None,
        })
    }

    /// The deductions; their amounts add up to points − score.
    #[getter]
    fn deductions(&self, py: Python<'_>) -> PyResult<Vec<Py<PyDeduction>>> {
        self.r()?
            .deductions
            .iter()
            .map(|d| {
                Py::new(
                    py,
                    PyDeduction {
                        amount: d.amount,
                        item: d.item.as_deref().map(str::to_string),
                    },
                )
            })
            .collect()
    }

    /// How the score came about, in Chinese.
    #[getter]
    fn explanation(&self, py: Python<'_>) -> PyResult<String> {
        let r = self.r()?;
        guarded(py, || Ok(r.explain(Lang::Zh)))
    }

    /// How the score came about, in Chinese (`zh`) or English (`en`).
    #[pyo3(signature = (lang = "zh"))]
    fn explain(&self, py: Python<'_>, lang: &str) -> PyResult<String> {
        let l = crate::system::lang(py, lang)?;
        let r = self.r()?;
        guarded(py, || Ok(r.explain(l)))
    }

    fn __repr__(&self) -> PyResult<String> {
        let r = self.r()?;
        Ok(format!(
            "<IndicatorResult {} {}: {} of {}>",
            r.id,
            r.name,
            jixiao::explain::num(r.score),
            jixiao::explain::num(r.points)
        ))
    }
}

/// One deduction (扣分): the points and, for checklists, the missing item that caused it.
#[pyclass(module = "jixiao", name = "Deduction", frozen)]
#[derive(Debug)]
pub struct PyDeduction {
    amount: jixiao::Decimal,
    item: Option<String>,
}

#[pymethods]
impl PyDeduction {
    /// Points deducted.
    #[getter]
    fn amount<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        py_decimal(py, self.amount)
    }

    /// The missing checklist item that caused it; None when the indicator's outcome is the reason.
    #[getter]
    fn item(&self) -> Option<&str> {
        self.item.as_deref()
    }

    fn __repr__(&self) -> String {
        match &self.item {
            Some(i) => format!("<Deduction {} ({i})>", jixiao::explain::num(self.amount)),
            None => format!("<Deduction {}>", jixiao::explain::num(self.amount)),
        }
    }
}

/// A veto (一票否决) that applied.
#[pyclass(module = "jixiao", name = "Veto", frozen)]
#[derive(Debug)]
pub struct PyVeto {
    inner: Arc<Inner>,
    index: usize,
}

impl PyVeto {
    fn v(&self) -> PyResult<&jixiao::VetoResult> {
        self.inner
            .e
            .vetoes
            .get(self.index)
            .ok_or_else(|| PyKeyError::new_err(self.index))
    }
}

#[pymethods]
impl PyVeto {
    /// Identifier.
    #[getter]
    fn id(&self) -> PyResult<&str> {
        Ok(&self.v()?.id)
    }

    /// Name.
    #[getter]
    fn name(&self) -> PyResult<&str> {
        Ok(&self.v()?.name)
    }

    /// The grade it forces.
    #[getter]
    fn grade(&self) -> PyResult<Option<&str>> {
        Ok(self.v()?.grade.as_deref())
    }

    /// The total it sets.
    #[getter]
    fn total<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        py_opt_decimal(py, self.v()?.total)
    }

    /// The cap it puts on the total.
    #[getter]
    fn max_total<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        py_opt_decimal(py, self.v()?.max_total)
    }

    fn __repr__(&self) -> PyResult<String> {
        let v = self.v()?;
        Ok(format!("<Veto {} {}>", v.id, v.name))
    }
}
