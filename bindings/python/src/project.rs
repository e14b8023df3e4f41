//! `jixiao._jixiao.ProjectTemplate`: project self-evaluations (项目支出绩效自评表) scored and
//! reviewed from a long table, one row per indicator (`jixiao.score_projects`,
//! `jixiao.audit_projects`, `jixiao.score_project` in `python/jixiao/_projects.py`).
//!
//! Reading the table and scoring are the core's (`ProjectUnit::from_long_table`,
//! `ProjectTemplate::score` and `audit`). What is done here: a table's cells become the text the
//! core reads (strings as they are, `int` and `Decimal` through their exact digits, a `float` by the
//! binding's float policy, [`crate::convert::number`]; an empty cell is empty), a cell that is no
//! text and no number is a problem of its own row and column, and every message names the caller's
//! row labels (a DataFrame's index labels) instead of the grid's row numbers.

use std::sync::Arc;

use jixiao::inputs::ValueProblem;
use jixiao::project::{LongProject, ProjectError, ProjectTemplate, ProjectUnit, Rows, at_cell};
use jixiao::wire::{ErrorDetail, JsonError};
use jixiao::{Decimal, InputValue, Inputs, Lang};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString};

use crate::convert::{number, py_decimal};
use crate::errors::{guarded, json_error, request_error};
use crate::evaluation::PyScored;
use crate::system::{PySystem, lang};

/// The name the core gives the 预算执行率 row of a project's system.
const EXECUTION: &str = "预算执行率";

/// A project template (the native half of `jixiao.score_projects` and friends).
#[pyclass(module = "jixiao._jixiao", name = "ProjectTemplate", frozen)]
#[derive(Debug, Clone)]
pub struct PyProjectTemplate {
    template: Arc<ProjectTemplate>,
    example: Arc<ProjectUnit>,
}

/// A cell that cannot be made text (binary float noise, a bool …): its grid row (1-based, the
/// header being row 1), its column and what is wrong.
struct CellProblem {
    row: usize,
    column: String,
    zh: String,
    en: String,
}

impl CellProblem {
    /// Worded as the core words a problem of a cell (`第5行“分值”：…`), its row named by `rows`.
    fn message(&self, lang: Lang, rows: Rows<'_>) -> String {
        let at = at_cell(lang, Some(&rows(self.row)), Some(&self.column));
        match lang {
            Lang::Zh => format!("{at}{}", self.zh),
            Lang::En => format!("{at}{}", self.en),
        }
    }
}

/// A table as the core reads it: a grid of text (header first) and the cells that could not be
/// made text.
struct Grid {
    rows: Vec<Vec<String>>,
    problems: Vec<CellProblem>,
}

/// The row labels of the caller's table, by data row (0-based); the grid's row `r` (header = 1) is
/// the data row `r - 2`.
struct Labels {
    texts: Vec<String>,
}

impl Labels {
    fn label(&self, grid_row: usize) -> Option<&str> {
        grid_row
            .checked_sub(2)
            .and_then(|i| self.texts.get(i))
            .map(String::as_str)
    }

    /// The data row (0-based position) of a grid row.
    fn position(grid_row: usize) -> Option<usize> {
        grid_row.checked_sub(2)
    }

    /// The caller's name of a grid row: its label, or its number when it has none (the header).
    fn name(&self, grid_row: usize) -> String {
        self.label(grid_row)
            .map_or_else(|| grid_row.to_string(), str::to_string)
    }
}

/// What a cell of a project table holds, as text: a string as it is, an `int` or `Decimal` by its
/// exact digits, a `float` by the binding's float policy (its shortest text; binary noise, NaN or
/// infinity is a problem); a bool or any other object is a problem. Problems in (Chinese, English).
fn cell_text(v: &Bound<'_, PyAny>) -> Result<String, (String, String)> {
    let worded = |p: ValueProblem| (p.message(Lang::Zh), p.message(Lang::En));
    if v.is_none() {
        return Ok(String::new());
    }
    if let Ok(s) = v.cast::<PyString>() {
        return s
            .to_cow()
            .map(|s| s.into_owned())
            .map_err(|e| worded(ValueProblem::Unreadable { message: e.to_string() }));
    }
    let type_name = v
        .get_type()
        .name()
        .and_then(|n| n.extract::<String>())
        .unwrap_or_default();
    let refused = || {
        (
            format!("单元格不能是{type_name}类型的值，请填写文本、整数或 Decimal"),
            format!("a cell cannot hold a {type_name}; give text, an int or a Decimal"),
        )
    };
    if v.is_instance_of::<PyBool>() || matches!(type_name.as_str(), "bool_" | "bool") {
        return Err(refused());
    }
    number(v).map(jixiao::explain::num).map_err(|p| match p {
        ValueProblem::Unreadable { message } if message.starts_with("expected a number (") => refused(),
        other => worded(other),
    })
}

/// The grid: the header, then one row per data row. `columns` are `(values, missing)`.
fn grid(header: &[String], columns: &[(Bound<'_, PyList>, Bound<'_, PyList>)]) -> PyResult<Grid> {
    let rows_n = columns.first().map_or(0, |(v, _)| v.len());
    let mut rows: Vec<Vec<String>> = vec![Vec::with_capacity(header.len()); rows_n + 1];
    let mut problems = Vec::new();
    for (c, name) in header.iter().enumerate() {
        let (values, missing) = columns
            .get(c)
            .ok_or_else(|| pyo3::exceptions::PyValueError::new_err("a column without values"))?;
        if let Some(head) = rows.first_mut() {
            head.push(name.clone());
        }
        for (i, (v, m)) in values.iter().zip(missing.iter()).enumerate() {
            let text = match m.is_truthy()? {
                true => String::new(),
                false => match cell_text(&v) {
                    Ok(t) => t,
                    Err((zh, en)) => {
                        problems.push(CellProblem {
                            row: i + 2,
                            column: name.clone(),
                            zh,
                            en,
                        });
                        String::new()
                    }
                },
            };
            if let Some(row) = rows.get_mut(i + 1) {
                row.push(text);
            }
        }
    }
    Ok(Grid { rows, problems })
}

/// A project's problems (its cells', its reading's or its scoring's), each with its grid row.
type Problems = Vec<(Option<usize>, String)>;

/// The problems of a project that could not be read, with the unreadable cells among its rows.
fn read_problems(project: &LongProject, cells: &[CellProblem], lang: Lang, rows: Rows<'_>) -> Problems {
    let mut out: Problems = cells
        .iter()
        .filter(|c| project.sheet_rows.contains(&c.row))
        .map(|c| (Some(c.row), c.message(lang, rows)))
        .collect();
    if let Err(errors) = &project.unit {
        out.extend(errors.problems.iter().map(|p| (p.row, p.message_named(lang, rows))));
    }
    out.sort_by_key(|(row, _)| row.unwrap_or(0));
    out
}

/// A project that does not score, by the row the core names.
fn score_problems(e: &ProjectError, lang: Lang, rows: Rows<'_>) -> Problems {
    match e {
        ProjectError::Table(errors) => errors
            .problems
            .iter()
            .map(|p| (p.row, p.message_named(lang, rows)))
            .collect(),
        ProjectError::Row { row, .. } => vec![(*row, e.message_named(lang, rows))],
    }
}

fn joined(problems: &Problems, lang: Lang) -> String {
    let texts: Vec<&str> = problems.iter().map(|(_, m)| m.as_str()).collect();
    texts.join(if lang == Lang::Zh { "；" } else { "; " })
}

impl PyProjectTemplate {
    fn lookup(py: Python<'_>, id: &str) -> PyResult<Self> {
        match jixiao::project::builtin(id) {
            Some(Ok((template, example))) => Ok(PyProjectTemplate {
                template: Arc::new(template),
                example: Arc::new(example),
            }),
            Some(Err(e)) => Err(request_error(py, format!("built-in project template `{id}`: {e}"))),
            None => {
                let ids: Vec<&str> = jixiao::project::builtin_ids().collect();
                Err(request_error(
                    py,
                    format!("unknown project template `{id}` (built-in: {})", ids.join(", ")),
                ))
            }
        }
    }
}

/// One project's place in the result: its key, name, code (as the core read them) and rows (data
/// positions).
fn head<'py>(py: Python<'py>, project: &LongProject) -> PyResult<Bound<'py, PyDict>> {
    let name = Some(project.name.clone()).filter(|n| !n.is_empty());
    let code = project.code.clone();
    let d = PyDict::new(py);
    d.set_item("key", &project.key)?;
    d.set_item("name", name)?;
    d.set_item("code", code)?;
    let rows: Vec<usize> = project.sheet_rows.iter().filter_map(|r| Labels::position(*r)).collect();
    d.set_item("rows", rows)?;
    Ok(d)
}

/// The problems as `[(data position or None, message)]` (messages already name rows by label).
fn problem_list<'py>(py: Python<'py>, problems: &Problems) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for (row, message) in problems {
        list.append((row.and_then(Labels::position), message))?;
    }
    Ok(list)
}

/// A decimal as `decimal.Decimal`, `None` for none.
fn opt_decimal(py: Python<'_>, d: Option<Decimal>) -> PyResult<Bound<'_, PyAny>> {
    match d {
        Some(d) => py_decimal(py, d),
        None => Ok(py.None().into_bound(py)),
    }
}

/// The scores of a scored project: total, grade, execution, sections and the rows.
fn scored_fields(
    py: Python<'_>,
    d: &Bound<'_, PyDict>,
    unit: &ProjectUnit,
    scored: &jixiao::project::ScoredProject,
    l: Lang,
) -> PyResult<()> {
    let e = &scored.evaluation;
    d.set_item("total", py_decimal(py, e.total)?)?;
    d.set_item("grade", &*e.grade)?;
    d.set_item("claimed_total", opt_decimal(py, unit.total.map(|t| t.value()))?)?;
    d.set_item("claimed_grade", unit.grade.as_deref())?;
    // The 预算执行率 row by its name: a row of its own (`1`) in the national template, or one
    // inside a section where a template places it there.
    let execution = e.indicators.iter().find(|r| r.is_leaf && &*r.name == EXECUTION);
    d.set_item("execution", opt_decimal(py, execution.map(|r| r.score))?)?;
    let sections = PyList::empty(py);
    for r in e
        .indicators
        .iter()
        .filter(|r| r.depth == 0 && !(r.is_leaf && &*r.name == EXECUTION))
    {
        sections.append((&*r.name, py_decimal(py, r.score)?))?;
    }
    d.set_item("sections", sections)?;
    let rows = PyList::empty(py);
    // 一级指标 and 二级指标 of a row: its ancestors (the row itself at the top for 预算执行率).
    let levels = |r: &jixiao::IndicatorResult| {
        let parent = r.parent.and_then(|i| e.indicators.get(i));
        let grandparent = parent.and_then(|p| p.parent).and_then(|i| e.indicators.get(i));
        match (grandparent, parent) {
            (Some(g), Some(p)) => (g.name.to_string(), p.name.to_string()),
            (None, Some(p)) => (p.name.to_string(), String::new()),
            _ => (r.name.to_string(), String::new()),
        }
    };
    if let Some(r) = execution {
        let claimed = unit.funds.claimed.map(|c| c.value());
        rows.append(row_fields(py, None, r, levels(r), claimed, l)?)?;
    }
    for ((row, id), index) in scored.project.rows.iter().zip(&scored.project.indices) {
        let Some(r) = e.indicator(id) else { continue };
        let claimed = unit.rows.get(*index).and_then(|s| s.claimed).map(|c| c.value());
        rows.append(row_fields(py, Labels::position(*row), r, levels(r), claimed, l)?)?;
    }
    d.set_item("indicators", rows)?;
    Ok(())
}

fn row_fields<'py>(
    py: Python<'py>,
    row: Option<usize>,
    r: &jixiao::IndicatorResult,
    (level1, level2): (String, String),
    claimed: Option<Decimal>,
    l: Lang,
) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("row", row)?;
    d.set_item("id", &*r.id)?;
    d.set_item("level1", level1)?;
    d.set_item("level2", level2)?;
    d.set_item("name", &*r.name)?;
    d.set_item("points", py_decimal(py, r.points)?)?;
    d.set_item("score", py_decimal(py, r.score)?)?;
    d.set_item("lost", py_decimal(py, r.points - r.score)?)?;
    d.set_item("claimed", opt_decimal(py, claimed)?)?;
    d.set_item("explanation", r.explain(l))?;
    Ok(d)
}

/// An input value as Python: figures as `Decimal`, a level as `jixiao.Level`.
fn input_value<'py>(py: Python<'py>, v: &InputValue) -> PyResult<Bound<'py, PyAny>> {
    Ok(match v {
        InputValue::Number(d) => py_decimal(py, *d)?,
        InputValue::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        InputValue::Text(t) => PyString::new(py, t).into_any(),
        InputValue::Level { level, score } => {
            let class = py.import("jixiao._types")?.getattr("Level")?;
            class.call1((level, opt_decimal(py, *score)?))?
        }
        InputValue::Items(items) => PyList::new(py, items)?.into_any(),
    })
}

fn inputs_dict<'py>(py: Python<'py>, inputs: &Inputs) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    for (k, v) in &inputs.values {
        d.set_item(k, input_value(py, v)?)?;
    }
    Ok(d)
}

/// A table that cannot be read as a whole (its header lacks columns): an `InputError`.
fn table_error(py: Python<'_>, problems: &[(String, String)]) -> PyErr {
    let zh: Vec<&str> = problems.iter().map(|(z, _)| z.as_str()).collect();
    let en: Vec<&str> = problems.iter().map(|(_, e)| e.as_str()).collect();
    let errors = problems
        .iter()
        .map(|(zh, en)| ErrorDetail {
            path: String::new(),
            position: None,
            input: None,
            indicator: None,
            kind: None,
            code: "project_table".into(),
            params: Default::default(),
            message: en.clone(),
            message_zh: zh.clone(),
        })
        .collect();
    json_error(
        py,
        &JsonError {
            kind: "inputs".into(),
            code: "project_table".into(),
            message: en.join("; "),
            message_zh: zh.join("；"),
            errors,
        },
    )
}

/// Reads the long table; a table that cannot be read as a whole raises.
fn read_long(py: Python<'_>, grid: &Grid) -> PyResult<Vec<LongProject>> {
    let read = guarded(py, || Ok(ProjectUnit::from_long_table(&grid.rows)))?;
    read.map_err(|e| {
        let problems: Vec<(String, String)> = e.problems.iter().map(|p| (p.zh.clone(), p.en.clone())).collect();
        table_error(py, &problems)
    })
}

/// Rows holding unreadable cells that no project claims (a row left with no cell to read).
fn stray_cells(projects: &[LongProject], cells: &[CellProblem]) -> Vec<usize> {
    let mut rows: Vec<usize> = cells
        .iter()
        .map(|c| c.row)
        .filter(|r| !projects.iter().any(|p| p.sheet_rows.contains(r)))
        .collect();
    rows.dedup();
    rows
}

#[pymethods]
impl PyProjectTemplate {
    /// A built-in project template by id (`mof-project`).
    #[staticmethod]
    fn builtin(py: Python<'_>, id: &str) -> PyResult<Self> {
        Self::lookup(py, id)
    }

    /// A template from its JSON text (a file like those in `crates/jixiao/templates`), checked as
    /// the CLI checks it; it has no bundled example. Raises `RequestError` naming every problem.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let template = ProjectTemplate::from_json(text)
            .map_err(|e| request_error(py, format!("not a valid project template: {e}")))?;
        template.check().map_err(|e| request_error(py, e.message(Lang::En)))?;
        Ok(PyProjectTemplate {
            template: Arc::new(template),
            example: Arc::new(ProjectUnit::default()),
        })
    }

    /// The ids of the built-in project templates.
    #[staticmethod]
    fn builtin_ids() -> Vec<&'static str> {
        jixiao::project::builtin_ids().collect()
    }

    /// The template's id.
    #[getter]
    fn id(&self) -> &str {
        &self.template.id
    }

    /// The template's name (项目支出绩效自评表).
    #[getter]
    fn name(&self) -> &str {
        &self.template.name
    }

    /// The 一级指标 the template scores besides 预算执行率, in its order (产出指标 …).
    #[getter]
    fn sections(&self) -> Vec<String> {
        self.template.sections.iter().map(|s| s.name.clone()).collect()
    }

    /// The bundled example project as JSON text (`info`, `funds`, `rows`, as the CLI reads it).
    fn example_json(&self, py: Python<'_>) -> PyResult<String> {
        serde_json::to_string(&*self.example).map_err(|e| request_error(py, e.to_string()))
    }

    /// Scores (or, with `audit`, reviews) every project of a long table. `columns` are the
    /// table's columns as `(values, missing)`; `labels` name its rows in messages. One dict per
    /// project: `key`, `name`, `code`, `rows` (data positions), and `problems` (`[(position, message)]`)
    /// with `error` (them joined) when it cannot be read or scored; else `total`, `grade`,
    /// `claimed_total`, `claimed_grade`, `execution`, `sections` (`[(name, score)]`), `indicators`
    /// (one dict per scored row, the execution row first) and, with `audit`, `findings`.
    #[pyo3(signature = (header, columns, labels, audit, lang))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        header: Vec<String>,
        columns: Vec<(Bound<'py, PyList>, Bound<'py, PyList>)>,
        labels: Vec<String>,
        audit: bool,
        lang: &str,
    ) -> PyResult<Bound<'py, PyList>> {
        let l = self::lang(py, lang)?;
        let labels = Labels { texts: labels };
        let names = |r: usize| labels.name(r);
        let rows: Rows<'_> = &names;
        let grid = grid(&header, &columns)?;
        let projects = read_long(py, &grid)?;
        // (first grid row, answer): in the table's order once the rows of no project join them.
        let mut out: Vec<(usize, Bound<'py, PyDict>)> = Vec::new();
        for row in stray_cells(&projects, &grid.problems) {
            let problems: Problems = grid
                .problems
                .iter()
                .filter(|c| c.row == row)
                .map(|c| (Some(c.row), c.message(l, rows)))
                .collect();
            let d = PyDict::new(py);
            d.set_item("key", "")?;
            d.set_item("name", py.None())?;
            d.set_item("code", py.None())?;
            d.set_item("rows", vec![Labels::position(row)])?;
            d.set_item("error", joined(&problems, l))?;
            d.set_item("problems", problem_list(py, &problems)?)?;
            out.push((row, d));
        }
        for project in &projects {
            let first = project.sheet_rows.first().copied().unwrap_or(0);
            let d = head(py, project)?;
            let unreadable = read_problems(project, &grid.problems, l, rows);
            let failed = |problems: Problems| -> PyResult<()> {
                d.set_item("error", joined(&problems, l))?;
                d.set_item("problems", problem_list(py, &problems)?)
            };
            let unit = match (&project.unit, unreadable.is_empty()) {
                (Ok(unit), true) => unit,
                _ => {
                    failed(unreadable)?;
                    out.push((first, d));
                    continue;
                }
            };
            let template = &self.template;
            if audit {
                match guarded(py, || Ok(py.detach(|| template.audit(unit))))? {
                    Ok(review) => {
                        scored_fields(py, &d, unit, &review.scored, l)?;
                        let findings = PyList::empty(py);
                        for f in &review.findings {
                            let x = PyDict::new(py);
                            x.set_item("code", f.code)?;
                            x.set_item("kind", f.kind(l))?;
                            x.set_item("row", f.row.and_then(Labels::position))?;
                            x.set_item("id", f.id.as_deref())?;
                            x.set_item("name", f.name.as_deref())?;
                            x.set_item("claimed", f.claimed.as_deref())?;
                            x.set_item("computed", f.computed.as_deref())?;
                            x.set_item("message", f.message_named(l, rows))?;
                            findings.append(x)?;
                        }
                        d.set_item("findings", findings)?;
                    }
                    Err(e) => failed(score_problems(&e, l, rows))?,
                }
            } else {
                match guarded(py, || Ok(py.detach(|| template.score(unit))))? {
                    Ok(scored) => scored_fields(py, &d, unit, &scored, l)?,
                    Err(e) => failed(score_problems(&e, l, rows))?,
                }
            }
            out.push((first, d));
        }
        out.sort_by_key(|(row, _)| *row);
        PyList::new(py, out.into_iter().map(|(_, d)| d))
    }

    /// Scores the one project of a long table as an ordinary evaluation: `(system, scored,
    /// inputs)`, the project's own indicator system, its evaluation and its inputs. Raises
    /// `InputError` for a table or project that cannot be read, `EvaluationError` for a row that
    /// does not score, `RequestError` when the table holds more or fewer than one project.
    fn evaluate<'py>(
        &self,
        py: Python<'py>,
        header: Vec<String>,
        columns: Vec<(Bound<'py, PyList>, Bound<'py, PyList>)>,
        labels: Vec<String>,
    ) -> PyResult<(PySystem, PyScored, Bound<'py, PyDict>)> {
        let labels = Labels { texts: labels };
        let names = |r: usize| labels.name(r);
        let rows: Rows<'_> = &names;
        let grid = grid(&header, &columns)?;
        let projects = read_long(py, &grid)?;
        let stray = stray_cells(&projects, &grid.problems);
        let project = match projects.as_slice() {
            [one] if stray.is_empty() => one,
            [_] | [] => {
                let problems: Vec<(String, String)> = grid
                    .problems
                    .iter()
                    .map(|c| (c.message(Lang::Zh, rows), c.message(Lang::En, rows)))
                    .collect();
                return Err(match problems.is_empty() {
                    true => request_error(py, "the table holds no project (no row names a 项目名称)"),
                    false => table_error(py, &problems),
                });
            }
            many => {
                let keys: Vec<&str> = many.iter().map(|p| p.key.as_str()).collect();
                return Err(request_error(
                    py,
                    format!(
                        "the table holds {} projects ({}); score them with jixiao.score_projects",
                        many.len(),
                        keys.join(", ")
                    ),
                ));
            }
        };
        let problems = read_problems(project, &grid.problems, Lang::Zh, rows);
        let unit = match &project.unit {
            Ok(unit) if problems.is_empty() => unit,
            _ => {
                let en = read_problems(project, &grid.problems, Lang::En, rows);
                let pairs: Vec<(String, String)> = problems
                    .iter()
                    .zip(&en)
                    .map(|((_, zh), (_, en))| (zh.clone(), en.clone()))
                    .collect();
                return Err(table_error(py, &pairs));
            }
        };
        let template = &self.template;
        let scored = guarded(py, || Ok(py.detach(|| template.score(unit))))?;
        let scored = match scored {
            Ok(s) => s,
            Err(ProjectError::Row { row, error }) => {
                let mut e = JsonError::from(*error);
                let at = |l: Lang| at_cell(l, row.map(rows).as_deref(), None);
                e.message = format!("{}{}", at(Lang::En), e.message);
                e.message_zh = format!("{}{}", at(Lang::Zh), e.message_zh);
                return Err(json_error(py, &e));
            }
            Err(e) => {
                let zh = score_problems(&e, Lang::Zh, rows);
                let en = score_problems(&e, Lang::En, rows);
                let pairs: Vec<(String, String)> = zh
                    .iter()
                    .zip(&en)
                    .map(|((_, zh), (_, en))| (zh.clone(), en.clone()))
                    .collect();
                return Err(table_error(py, &pairs));
            }
        };
        let inputs = inputs_dict(py, &scored.project.inputs)?;
        let system = PySystem::new(py, scored.project.system, None)?;
        let scored = PyScored::new(system.inner.clone(), scored.evaluation);
        Ok((system, scored, inputs))
    }
}

#[cfg(test)]
mod tests {
    use super::Labels;

    #[test]
    fn rows_are_named_by_their_labels_and_the_header_by_its_number() {
        let labels = Labels {
            texts: vec!["a".into(), "b".into(), "c".into()],
        };
        // The grid's row 3 is the second data row; row 1 is the header.
        assert_eq!(labels.name(3), "b");
        assert_eq!(labels.name(1), "1");
        assert_eq!(labels.name(9), "9");
        let problem = jixiao::project::ProjectProblem {
            row: Some(4),
            column: Some("分值"),
            zh: "x".into(),
            en: "x".into(),
        };
        let names = |r: usize| labels.name(r);
        assert_eq!(problem.message_named(jixiao::Lang::Zh, &names), "第c行“分值”：x");
    }
}
