//! `IndicatorSystem.evaluate_batch`: many units from a table, each scored by the engine's
//! `Scorer::evaluate` with the GIL released, across the machine's cores; one result row per unit.
//!
//! Which table came in and which one goes back is Python glue (`jixiao/_frames.py`); here the
//! columns are read (Arrow: column by column in Rust, no Python object per cell), the units scored
//! chunk by chunk (memory stays flat), and the results assembled as Arrow arrays: one `decimal128`
//! column per indicator (subtotals included, pre-order, then bonus items), `total`, `grade`,
//! `error` and, on request, `explanation`.
//!
//! Each thread reads, scores and keeps the figures of its own rows (`in_parallel`) rather than
//! calling `Scorer::evaluate_batch`, which hands every `Evaluation` back to one thread: reading the
//! cells and dropping the results cost as much as scoring and would otherwise run on one core.

use std::collections::HashSet;

use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, SchemaRef};
use jixiao::json::JsonError;
use jixiao::{Decimal, EvalError, Evaluation, InputError, Lang, Scorer};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::arrow::{ArrowStream, Cell, DecimalColumn, cells, field, import_stream, readable, schema, text_column};
use crate::convert::{Converted, input_value, with_unread};
use crate::errors::json_error;

/// Units read together from an Arrow batch: their inputs are held in memory at once.
const CHUNK: usize = 4096;

/// What `evaluate_batch` was asked for.
#[derive(Debug)]
pub struct Options {
    /// The column naming each unit, carried into the results.
    pub id_column: Option<String>,
    /// Columns to leave out.
    pub ignore: Vec<String>,
    /// What to hand back.
    pub output: Output,
    /// Add an `explanation` column in this language.
    pub explain: Option<Lang>,
}

/// What `evaluate_batch` hands back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// The kind of table that came in (a pandas DataFrame for a list of mappings).
    Auto,
    /// A pandas DataFrame.
    Pandas,
    /// A polars DataFrame.
    Polars,
    /// A pyarrow Table.
    Arrow,
    /// A dict of column name → list (no dependency needed).
    Dict,
}

impl Output {
    /// Parses the `output=` argument.
    pub fn parse(py: Python<'_>, text: &str) -> PyResult<Output> {
        match text {
            "auto" => Ok(Output::Auto),
            "pandas" => Ok(Output::Pandas),
            "polars" => Ok(Output::Polars),
            "arrow" | "pyarrow" => Ok(Output::Arrow),
            "dict" => Ok(Output::Dict),
            other => Err(crate::errors::request_error(
                py,
                format!("unknown output `{other}` (expected auto, pandas, polars, arrow or dict)"),
            )),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Output::Auto => "auto",
            Output::Pandas => "pandas",
            Output::Polars => "polars",
            Output::Arrow => "arrow",
            Output::Dict => "dict",
        }
    }
}

/// A slice of the input that becomes one result batch: its rows and, when an id column was
/// named, that column's array (carried over as it is).
#[derive(Debug)]
struct Part {
    rows: usize,
    ids: Option<ArrayRef>,
}

/// An input table read from Arrow: its batches and which columns are which.
#[derive(Debug)]
struct ArrowInput {
    batches: Vec<RecordBatch>,
    inputs: Vec<(usize, String)>,
    id: Option<(usize, Field)>,
}

/// Units already read from Python objects (a list of mappings, or columns of Python values).
#[derive(Debug)]
struct PythonInput {
    units: Vec<Converted>,
    ids: Option<ArrayRef>,
}

#[derive(Debug)]
enum Input {
    Arrow(ArrowInput),
    Python(PythonInput),
}

/// Column names that are neither inputs nor the id column nor ignored: an error naming them all
/// (a misspelt header would otherwise leave an input silently at its default).
fn unknown_columns(py: Python<'_>, scorer: &Scorer, unknown: Vec<String>) -> PyErr {
    let n = unknown.len();
    let mut err = JsonError::from(EvalError::Inputs(
        unknown.into_iter().map(|name| InputError::Unknown { name }).collect(),
    ));
    err.message = format!(
        "{} (columns that are not inputs of `{}`: pass ignore=[...] to skip {}, or id_column=... for the column naming each unit)",
        err.message,
        scorer.system().id,
        if n == 1 { "it" } else { "them" }
    );
    json_error(py, &err)
}

fn unreadable_columns(py: Python<'_>, bad: Vec<(String, String)>) -> PyErr {
    let err = JsonError::from(EvalError::Inputs(
        bad.into_iter()
            .map(|(name, message)| InputError::Invalid { name, message })
            .collect(),
    ));
    json_error(py, &err)
}

/// Which columns are which: (column index, input name) for inputs, and the id column.
#[derive(Debug)]
struct Columns {
    inputs: Vec<(usize, String)>,
    id: Option<usize>,
}

/// Sorts column names into inputs, the id column and ignored ones; errors on any other.
fn map_columns(py: Python<'_>, scorer: &Scorer, names: &[String], options: &Options) -> PyResult<Columns> {
    let declared: HashSet<&str> = scorer.input_names().collect();
    let mut inputs = Vec::new();
    let mut id = None;
    let mut unknown = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if options.id_column.as_deref() == Some(name.as_str()) {
            id = Some(i);
        } else if options.ignore.iter().any(|x| x == name) {
            // Left out, as asked.
        } else if declared.contains(name.as_str()) {
            inputs.push((i, name.clone()));
        } else {
            unknown.push(name.clone());
        }
    }
    if let Some(want) = &options.id_column
        && id.is_none()
    {
        return Err(crate::errors::request_error(
            py,
            format!("no column `{want}` for id_column (columns: {})", names.join(", ")),
        ));
    }
    if !unknown.is_empty() {
        return Err(unknown_columns(py, scorer, unknown));
    }
    Ok(Columns { inputs, id })
}

fn read_arrow(py: Python<'_>, scorer: &Scorer, payload: &Bound<'_, PyAny>, options: &Options) -> PyResult<Input> {
    let (schema, batches) = crate::errors::guarded(py, || import_stream(payload))?;
    let names: Vec<String> = schema.fields().iter().map(|f| f.name().clone()).collect();
    let Columns { inputs, id } = map_columns(py, scorer, &names, options)?;
    let bad: Vec<(String, String)> = inputs
        .iter()
        .filter_map(|(i, name)| {
            let f = schema.fields().get(*i)?;
            (!readable(f.data_type())).then(|| {
                (
                    name.clone(),
                    format!(
                        "the column has the Arrow type {}, which is not an input value (numbers, decimals, text, booleans, or lists of text for checklists)",
                        f.data_type()
                    ),
                )
            })
        })
        .collect();
    if !bad.is_empty() {
        return Err(unreadable_columns(py, bad));
    }
    let id = id.and_then(|i| schema.fields().get(i).map(|f| (i, f.as_ref().clone())));
    let mut inputs = inputs;
    inputs.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(Input::Arrow(ArrowInput { batches, inputs, id }))
}

fn text_of(v: &Bound<'_, PyAny>) -> PyResult<Option<String>> {
    if v.is_none() {
        return Ok(None);
    }
    Ok(Some(v.str()?.to_cow()?.into_owned()))
}

/// Columns of Python values: `{name: (values, missing)}` (pandas without pyarrow, or with columns
/// of mixed Python objects that Arrow cannot type).
fn read_columns(py: Python<'_>, scorer: &Scorer, payload: &Bound<'_, PyAny>, options: &Options) -> PyResult<Input> {
    let columns = payload.cast::<PyDict>()?;
    let mut names = Vec::new();
    let mut data = Vec::new();
    for (k, v) in columns.iter() {
        names.push(k.cast::<PyString>()?.to_cow()?.into_owned());
        let (values, missing): (Bound<'_, PyList>, Bound<'_, PyList>) = v.extract()?;
        data.push((values, missing));
    }
    let Columns { inputs, id } = map_columns(py, scorer, &names, options)?;
    let rows = data.first().map_or(0, |(v, _)| v.len());
    let mut units: Vec<Converted> = (0..rows).map(|_| Converted::default()).collect();
    for (i, name) in &inputs {
        let Some((values, missing)) = data.get(*i) else {
            continue;
        };
        for (row, (v, m)) in values.iter().zip(missing.iter()).enumerate() {
            if m.is_truthy()? {
                continue;
            }
            if let Some(unit) = units.get_mut(row) {
                unit.push(name, blank_is_absent(input_value(&v)));
            }
        }
    }
    let ids = match id.and_then(|i| data.get(i)) {
        Some((values, missing)) => {
            let mut texts = Vec::with_capacity(rows);
            for (v, m) in values.iter().zip(missing.iter()) {
                texts.push(if m.is_truthy()? { None } else { text_of(&v)? });
            }
            Some(text_column(&texts.iter().map(Option::as_deref).collect::<Vec<_>>()))
        }
        None => None,
    };
    Ok(Input::Python(PythonInput { units, ids }))
}

/// A blank text cell of a table is "not given", as in a spreadsheet.
fn blank_is_absent(v: Result<Option<jixiao::InputValue>, String>) -> Result<Option<jixiao::InputValue>, String> {
    match v {
        Ok(Some(jixiao::InputValue::Text(t))) if t.trim().is_empty() => Ok(None),
        Ok(Some(jixiao::InputValue::Text(t))) => Ok(Some(jixiao::InputValue::Text(t.trim().to_string()))),
        other => other,
    }
}

/// A list of mappings, one per unit.
fn read_records(payload: &Bound<'_, PyAny>, options: &Options) -> PyResult<Input> {
    let list = payload.cast::<PyList>()?;
    let mut units = Vec::with_capacity(list.len());
    let mut ids: Vec<Option<String>> = Vec::new();
    for (row, record) in list.iter().enumerate() {
        let Ok(record) = record.cast::<PyDict>() else {
            return Err(PyTypeError::new_err(format!(
                "unit {row} is not a dict of input name → value"
            )));
        };
        let mut unit = Converted::default();
        let mut id = None;
        for (k, v) in record.iter() {
            let Ok(k) = k.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!("unit {row}: input names must be str")));
            };
            let name = k.to_cow()?;
            if options.id_column.as_deref() == Some(&*name) {
                id = text_of(&v)?;
            } else if !options.ignore.iter().any(|x| *x == *name) {
                unit.push(&name, input_value(&v));
            }
        }
        units.push(unit);
        ids.push(id);
    }
    let ids = options
        .id_column
        .as_ref()
        .map(|_| text_column(&ids.iter().map(Option::as_deref).collect::<Vec<_>>()));
    Ok(Input::Python(PythonInput { units, ids }))
}

/// What the results' columns gather, unit by unit.
#[derive(Debug, Default)]
struct Gathered {
    /// One column per indicator (pre-order tree, then bonus items).
    scores: Vec<Vec<Option<Decimal>>>,
    total: Vec<Option<Decimal>>,
    grade: Vec<Option<String>>,
    error: Vec<Option<String>>,
    explanation: Vec<Option<String>>,
}

impl Gathered {
    fn new(columns: usize) -> Self {
        Gathered {
            scores: vec![Vec::new(); columns],
            ..Gathered::default()
        }
    }

    fn push(&mut self, ids: &[String], result: Result<Evaluation, EvalError>, explain: Option<Lang>) {
        match result {
            Ok(e) => {
                let nodes = e.indicators.len();
                for (j, column) in self.scores.iter_mut().enumerate() {
                    let r = if j < nodes {
                        e.indicators.get(j)
                    } else {
                        e.bonus.get(j - nodes)
                    };
                    // INVARIANT: results come in the order of the system's rows; look up by id
                    // should that ever change.
                    let r = match (r, ids.get(j)) {
                        (Some(r), Some(id)) if *r.id == **id => Some(r),
                        (_, Some(id)) => e.indicator(id),
                        _ => None,
                    };
                    column.push(r.map(|r| r.score));
                }
                self.total.push(Some(e.total));
                self.grade.push(Some(e.grade.to_string()));
                self.error.push(None);
                self.explanation.push(explain.map(|l| e.explain(l)));
            }
            Err(err) => {
                for column in &mut self.scores {
                    column.push(None);
                }
                self.total.push(None);
                self.grade.push(None);
                self.error.push(Some(err.to_string()));
                self.explanation.push(None);
            }
        }
    }
}

impl Gathered {
    fn append(&mut self, mut other: Gathered) {
        for (mine, theirs) in self.scores.iter_mut().zip(other.scores.iter_mut()) {
            mine.append(theirs);
        }
        self.total.append(&mut other.total);
        self.grade.append(&mut other.grade);
        self.error.append(&mut other.error);
        self.explanation.append(&mut other.explanation);
    }
}

/// Fewest units worth a thread of their own.
const MIN_PER_THREAD: usize = 64;

/// Runs `work` over `0..n` split into one contiguous range per core, in parallel, and returns the
/// results in order. Each thread reads its units, scores them with `Scorer::evaluate` and keeps
/// only the figures of the results, so reading, scoring and dropping the engine's results all
/// spread across the cores (the engine's `evaluate_batch` returns every `Evaluation` to one thread).
fn in_parallel<T: Send>(n: usize, work: impl Fn(std::ops::Range<usize>) -> T + Sync) -> Vec<T> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let threads = threads.min(n / MIN_PER_THREAD).max(1);
    if threads == 1 {
        return vec![work(0..n)];
    }
    let per = n.div_ceil(threads);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let range = (t * per).min(n)..((t + 1) * per).min(n);
                scope.spawn(move || work(range))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(v) => v,
                // Nothing here panics; should anything, the panic belongs to the caller (whose
                // guard turns it into a JixiaoError).
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect()
    })
}

/// Scores units and gathers their figures.
fn score(scorer: &Scorer, ids: &[String], units: &[Converted], explain: Option<Lang>, out: &mut Gathered) {
    for unit in units {
        out.push(ids, with_unread(scorer.evaluate(&unit.inputs), &unit.errors), explain);
    }
}

/// The units of rows `offset..offset + len` of a batch. `inputs` is sorted by name, so that each
/// unit's map of inputs is built from sorted pairs in one pass rather than by one insertion per cell.
fn arrow_units(batch: &RecordBatch, inputs: &[(usize, String)], offset: usize, len: usize) -> Vec<Converted> {
    let mut pairs: Vec<Vec<(String, jixiao::InputValue)>> =
        (0..len).map(|_| Vec::with_capacity(inputs.len())).collect();
    let mut errors: Vec<Vec<InputError>> = (0..len).map(|_| Vec::new()).collect();
    for (i, name) in inputs {
        let Some(column) = batch.columns().get(*i) else {
            continue;
        };
        let slice = column.slice(offset, len);
        let column_cells: Vec<Cell> = match cells(slice.as_ref()) {
            Ok(c) => c,
            Err(message) => vec![Some(Err(message)); len],
        };
        for ((unit, unread), cell) in pairs.iter_mut().zip(errors.iter_mut()).zip(column_cells) {
            match cell {
                None => {}
                Some(Ok(v)) => unit.push((name.clone(), v)),
                Some(Err(message)) => unread.push(InputError::Invalid {
                    name: name.clone(),
                    message,
                }),
            }
        }
    }
    pairs
        .into_iter()
        .zip(errors)
        .map(|(p, errors)| Converted {
            inputs: jixiao::Inputs {
                values: p.into_iter().collect(),
            },
            errors,
        })
        .collect()
}

/// Reads, scores and assembles the results; runs without the GIL.
fn run(scorer: &Scorer, input: Input, explain: Option<Lang>) -> Result<ArrowStream, ArrowError> {
    let rows = jixiao::report::system_rows(scorer.system(), Lang::Zh);
    let ids: Vec<String> = rows.into_iter().map(|r| r.id).collect();
    let mut gathered = Gathered::new(ids.len());
    let (parts, id_field) = match input {
        Input::Arrow(a) => {
            let mut parts = Vec::with_capacity(a.batches.len());
            for batch in &a.batches {
                let n = batch.num_rows();
                let pieces = in_parallel(n, |range| {
                    let mut g = Gathered::new(ids.len());
                    let mut offset = range.start;
                    while offset < range.end {
                        // A chunk at a time, so that memory does not grow with the batch.
                        let len = CHUNK.min(range.end - offset);
                        let units = arrow_units(batch, &a.inputs, offset, len);
                        score(scorer, &ids, &units, explain, &mut g);
                        offset += len;
                    }
                    g
                });
                for g in pieces {
                    gathered.append(g);
                }
                parts.push(Part {
                    rows: n,
                    ids: a.id.as_ref().and_then(|(i, _)| batch.columns().get(*i).cloned()),
                });
            }
            (parts, a.id.map(|(_, f)| f))
        }
        Input::Python(p) => {
            let rows = p.units.len();
            let pieces = in_parallel(rows, |range| {
                let mut g = Gathered::new(ids.len());
                score(scorer, &ids, p.units.get(range).unwrap_or_default(), explain, &mut g);
                g
            });
            for g in pieces {
                gathered.append(g);
            }
            let field = p.ids.as_ref().map(|_| Field::new("id", DataType::Utf8, true));
            (vec![Part { rows, ids: p.ids }], field)
        }
    };
    assemble(&ids, gathered, &parts, id_field, explain.is_some())
}

fn assemble(
    ids: &[String],
    g: Gathered,
    parts: &[Part],
    id_field: Option<Field>,
    explain: bool,
) -> Result<ArrowStream, ArrowError> {
    let mut fields = Vec::new();
    if let Some(f) = &id_field {
        fields.push(f.clone());
    }
    let mut decimal_columns = Vec::with_capacity(ids.len() + 1);
    for (id, values) in ids.iter().zip(&g.scores) {
        let column = DecimalColumn::for_values(values);
        fields.push(field(id, column.data_type()));
        decimal_columns.push((values, column));
    }
    let total_column = DecimalColumn::for_values(&g.total);
    fields.push(field("total", total_column.data_type()));
    fields.push(field("grade", DataType::Utf8));
    fields.push(field("error", DataType::Utf8));
    if explain {
        fields.push(field("explanation", DataType::Utf8));
    }
    let schema: SchemaRef = schema(fields);
    let mut batches = Vec::with_capacity(parts.len());
    let mut start = 0;
    for part in parts {
        let end = start + part.rows;
        let range = start..end;
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
        if id_field.is_some() {
            match &part.ids {
                Some(a) => columns.push(a.clone()),
                None => columns.push(arrow_array::new_null_array(&DataType::Utf8, part.rows)),
            }
        }
        for (values, column) in &decimal_columns {
            columns.push(column.build(values.get(range.clone()).unwrap_or_default())?);
        }
        columns.push(total_column.build(g.total.get(range.clone()).unwrap_or_default())?);
        for texts in [Some(&g.grade), Some(&g.error), explain.then_some(&g.explanation)]
            .into_iter()
            .flatten()
        {
            let part_texts: Vec<Option<&str>> = texts
                .get(range.clone())
                .unwrap_or_default()
                .iter()
                .map(Option::as_deref)
                .collect();
            columns.push(text_column(&part_texts));
        }
        batches.push(RecordBatch::try_new(schema.clone(), columns)?);
        start = end;
    }
    Ok(ArrowStream { schema, batches })
}

/// `IndicatorSystem.evaluate_batch`.
pub fn evaluate_batch<'py>(
    py: Python<'py>,
    scorer: &Scorer,
    data: &Bound<'py, PyAny>,
    options: &Options,
) -> PyResult<Bound<'py, PyAny>> {
    let frames = py.import("jixiao._frames")?;
    let prepared = frames.call_method1("prepare", (data,))?;
    let (source, kind, payload, index): (String, String, Bound<'py, PyAny>, Bound<'py, PyAny>) = prepared.extract()?;
    let input = match kind.as_str() {
        "arrow" => read_arrow(py, scorer, &payload, options)?,
        "columns" => read_columns(py, scorer, &payload, options)?,
        _ => read_records(&payload, options)?,
    };
    let explain = options.explain;
    let result = py.detach(|| crate::errors::guard(|| run(scorer, input, explain)));
    let stream = match result {
        Ok(Ok(stream)) => stream,
        Ok(Err(e)) => return Err(crate::arrow::arrow_error(py, e)),
        Err(message) => return Err(crate::errors::request_error(py, message)),
    };
    let output = match options.output {
        Output::Auto => source.as_str(),
        other => other.name(),
    };
    frames.call_method1("finish", (Bound::new(py, stream)?, output, index))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_come_back_in_order_with_their_errors() {
        let scorer = jixiao::builtin("hunan-dept").unwrap().scorer().unwrap();
        let ids: Vec<String> = jixiao::report::system_rows(scorer.system(), Lang::Zh)
            .into_iter()
            .map(|r| r.id)
            .collect();
        let example = jixiao::builtin("hunan-dept").unwrap().example_inputs().unwrap();
        let mut units = Vec::new();
        for i in 0..(CHUNK + 3) {
            let mut c = Converted {
                inputs: example.clone(),
                errors: Vec::new(),
            };
            if i % 1000 == 7 {
                c.inputs.values.remove("编制数");
                c.errors.push(InputError::Invalid {
                    name: "编制数".into(),
                    message: "NaN is not a number".into(),
                });
            }
            units.push(c);
        }
        let pieces = in_parallel(units.len(), |range| {
            let mut g = Gathered::new(ids.len());
            score(&scorer, &ids, &units[range], None, &mut g);
            g
        });
        let mut g = Gathered::new(ids.len());
        for piece in pieces {
            g.append(piece);
        }
        assert_eq!(g.total.len(), CHUNK + 3);
        let single = scorer.evaluate(&example).unwrap();
        assert_eq!(g.total[0], Some(single.total));
        assert_eq!(g.total[7], None);
        let message = g.error[7].as_deref().unwrap();
        assert!(message.contains("NaN") && !message.contains("required"), "{message}");
        assert_eq!(g.total[CHUNK + 2], Some(single.total));
    }
}
