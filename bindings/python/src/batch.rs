//! `IndicatorSystem.evaluate_batch`: many units from a table, scored by the engine with the GIL
//! released, across the machine's cores; one result row per unit.
//!
//! Which table came in and which one goes back is Python glue (`jixiao/_frames.py`); here the
//! columns are read (Arrow: in Rust, cell by cell straight from the arrays, no Python object and
//! no copy of the table), the units scored, and the results assembled as Arrow arrays: one
//! `decimal128` column per indicator (subtotals included, pre-order, then bonus items), `total`,
//! `grade`, `error` and, on request, `explanation`.
//!
//! The rows are scored a chunk at a time by one thread per core (`in_parallel`), each thread
//! reading, scoring and keeping the figures of its chunks, rather than by `Scorer::evaluate_batch`,
//! which hands every `Evaluation` back to one thread: reading the cells and gathering the results
//! would otherwise run on one core.
//!
//! A thread fills one reused `InputsBuilder` slot by slot (each column's slot looked up once, no
//! input name per cell, numbers set as decimals), completes it into one reused `PreparedInputs`
//! and, unless explanations are asked for, scores it into one reused `Scores`
//! (`Scorer::score_into`: the figures only, no names, outcomes or deductions). Cells are set in the
//! order of the inputs' names, as `Scorer::evaluate` reads its map of inputs, so that a unit's
//! errors come in the same order; cells that cannot be read are reported with them as for a
//! single unit (`with_unread`).

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch, StringArray};
use arrow_schema::{ArrowError, DataType, Field, SchemaRef};
use jixiao::wire::JsonError;
use jixiao::{
    Decimal, EvalError, Evaluation, InputError, InputValue, InputsBuilder, Lang, PreparedInputs, Scorer, Scores,
};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList, PyString};

use crate::arrow::{ArrowStream, ColumnReader, DecimalColumn, field, import_stream, readable, schema, text_column};
use crate::convert::{Converted, input_value, with_unread};
use crate::errors::json_error;

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

/// A slice of the input that becomes one result batch: when an id column was named, that
/// column's array (carried over as it is), and the figures of its rows, one piece per thread.
#[derive(Debug)]
struct Part<'s> {
    ids: Option<ArrayRef>,
    pieces: Vec<Gathered<'s>>,
}

impl Part<'_> {
    fn rows(&self) -> usize {
        self.pieces.iter().map(Gathered::rows).sum()
    }
}

/// An input column of an Arrow table: its index, the input's slot and name.
#[derive(Debug)]
struct InputColumn {
    column: usize,
    slot: usize,
    name: String,
}

/// An input table read from Arrow: its batches and which columns are which (inputs in the order
/// of their names).
#[derive(Debug)]
struct ArrowInput {
    batches: Vec<RecordBatch>,
    inputs: Vec<InputColumn>,
    id: Option<(usize, Field)>,
}

/// A unit read from Python objects.
#[derive(Debug, Default)]
struct PyUnit {
    /// (slot, value) of the values read, in the order of the inputs' names.
    values: Vec<(usize, InputValue)>,
    /// One error per value that could not be read (in the order met).
    unread: Vec<InputError>,
    /// A unit naming inputs the system does not declare (only a mapping can): read by name and
    /// scored by `Scorer::evaluate`, which reports them.
    named: Option<Converted>,
}

impl PyUnit {
    fn push(&mut self, slot: usize, name: &str, value: Result<Option<InputValue>, String>) {
        match value {
            Ok(Some(v)) => self.values.push((slot, v)),
            Ok(None) => {}
            Err(message) => self.unread.push(InputError::Invalid {
                name: name.to_string(),
                message,
            }),
        }
    }

    /// Puts the values in the order of the inputs' names (`ranks`: by slot).
    fn sort(&mut self, ranks: &[usize]) {
        self.values
            .sort_by_key(|(slot, _)| ranks.get(*slot).copied().unwrap_or(usize::MAX));
    }
}

/// Units already read from Python objects (a list of mappings, or columns of Python values).
#[derive(Debug)]
struct PythonInput {
    units: Vec<PyUnit>,
    ids: Option<ArrayRef>,
}

#[derive(Debug)]
enum Input {
    Arrow(ArrowInput),
    Python(PythonInput),
}

/// Each input slot's position among the inputs' names in sorted order: `Scorer::evaluate` reads
/// its map of inputs in that order, and a builder filled in that order reports errors in the same.
fn name_ranks(scorer: &Scorer) -> Vec<usize> {
    let mut names: Vec<(&str, usize)> = scorer
        .input_names()
        .filter_map(|n| Some((n, scorer.input_slot(n)?)))
        .collect();
    names.sort_unstable();
    let mut ranks = vec![usize::MAX; names.iter().map(|(_, s)| s + 1).max().unwrap_or(0)];
    for (rank, (_, slot)) in names.iter().enumerate() {
        if let Some(r) = ranks.get_mut(*slot) {
            *r = rank;
        }
    }
    ranks
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
    let mut inputs: Vec<InputColumn> = inputs
        .into_iter()
        .filter_map(|(column, name)| {
            Some(InputColumn {
                column,
                slot: scorer.input_slot(&name)?,
                name,
            })
        })
        .collect();
    inputs.sort_by(|a, b| a.name.cmp(&b.name));
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
    let mut units: Vec<PyUnit> = (0..rows).map(|_| PyUnit::default()).collect();
    for (i, name) in &inputs {
        let (Some((values, missing)), Some(slot)) = (data.get(*i), scorer.input_slot(name)) else {
            continue;
        };
        for (row, (v, m)) in values.iter().zip(missing.iter()).enumerate() {
            if m.is_truthy()? {
                continue;
            }
            if let Some(unit) = units.get_mut(row) {
                unit.push(slot, name, blank_is_absent(input_value(&v)));
            }
        }
    }
    let ranks = name_ranks(scorer);
    for unit in &mut units {
        unit.sort(&ranks);
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
fn blank_is_absent(v: Result<Option<InputValue>, String>) -> Result<Option<InputValue>, String> {
    match v {
        Ok(Some(InputValue::Text(t))) if t.trim().is_empty() => Ok(None),
        Ok(Some(InputValue::Text(t))) => Ok(Some(InputValue::Text(t.trim().to_string()))),
        other => other,
    }
}

/// A list of mappings, one per unit.
fn read_records(scorer: &Scorer, payload: &Bound<'_, PyAny>, options: &Options) -> PyResult<Input> {
    let list = payload.cast::<PyList>()?;
    let ranks = name_ranks(scorer);
    let mut units = Vec::with_capacity(list.len());
    let mut ids: Vec<Option<String>> = Vec::new();
    for (row, record) in list.iter().enumerate() {
        let Ok(record) = record.cast::<PyDict>() else {
            return Err(PyTypeError::new_err(format!(
                "unit {row} is not a dict of input name → value"
            )));
        };
        let mut unit = PyUnit::default();
        let mut id = None;
        let mut unknown = false;
        for (k, v) in record.iter() {
            let Ok(k) = k.cast::<PyString>() else {
                return Err(PyTypeError::new_err(format!("unit {row}: input names must be str")));
            };
            let name = k.to_cow()?;
            if options.id_column.as_deref() == Some(&*name) {
                id = text_of(&v)?;
            } else if options.ignore.iter().any(|x| *x == *name) {
                // Left out, as asked.
            } else if unknown {
                // Read again below, by name.
            } else if let Some(slot) = scorer.input_slot(&name) {
                unit.push(slot, &name, input_value(&v));
            } else {
                unknown = true;
            }
        }
        if unknown {
            unit = PyUnit {
                named: Some(named_unit(record, options)?),
                ..PyUnit::default()
            };
        } else {
            unit.sort(&ranks);
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

/// A mapping's inputs by name (for a unit naming inputs the system does not declare).
fn named_unit(record: &Bound<'_, PyDict>, options: &Options) -> PyResult<Converted> {
    let mut unit = Converted::default();
    for (k, v) in record.iter() {
        let k = k.cast::<PyString>()?;
        let name = k.to_cow()?;
        if options.id_column.as_deref() != Some(&*name) && !options.ignore.iter().any(|x| *x == *name) {
            unit.push(&name, input_value(&v));
        }
    }
    Ok(unit)
}

/// What is the same for every unit of a batch: the scorer, the result columns and where each
/// column's score is in `Scores::indicators`.
#[derive(Debug)]
struct Layout<'s> {
    scorer: &'s Scorer,
    /// The result columns' indicator ids (pre-order tree, then bonus items).
    ids: Vec<String>,
    /// Each column's index in `Scores::indicators`.
    positions: Vec<Option<usize>>,
    /// Whether those are `0, 1, 2 ...` (as expected).
    in_order: bool,
    explain: Option<Lang>,
}

impl<'s> Layout<'s> {
    fn new(scorer: &'s Scorer, explain: Option<Lang>) -> Self {
        let ids: Vec<String> = jixiao::report::system_rows(scorer.system(), Lang::Zh)
            .into_iter()
            .map(|r| r.id)
            .collect();
        let order: Vec<&str> = scorer.indicator_ids().collect();
        let positions = ids
            .iter()
            .enumerate()
            .map(|(j, id)| match order.get(j) {
                // INVARIANT: the same order; look up by id should that ever change.
                Some(o) if *o == id.as_str() => Some(j),
                _ => order.iter().position(|o| *o == id.as_str()),
            })
            .collect::<Vec<_>>();
        let in_order = positions.iter().enumerate().all(|(j, p)| *p == Some(j));
        Layout {
            scorer,
            ids,
            positions,
            in_order,
            explain,
        }
    }
}

/// What the results' columns gather, unit by unit.
#[derive(Debug, Default)]
struct Gathered<'s> {
    /// One column per indicator (pre-order tree, then bonus items); zero where there is no score.
    scores: Vec<Vec<Decimal>>,
    /// Whether the unit was scored (else its figures are null).
    valid: Vec<bool>,
    /// (column, row) of the scores missing from a scored unit (not expected: every indicator has
    /// a score).
    missing: Vec<(usize, usize)>,
    total: Vec<Decimal>,
    /// The type of each decimal column (the indicators', then the totals) so far.
    types: Vec<DecimalColumn>,
    grade: Vec<Option<Cow<'s, str>>>,
    error: Vec<Option<String>>,
    explanation: Vec<Option<String>>,
}

impl<'s> Gathered<'s> {
    fn new(columns: usize, rows: usize) -> Self {
        Gathered {
            scores: (0..columns).map(|_| Vec::with_capacity(rows)).collect(),
            valid: Vec::with_capacity(rows),
            missing: Vec::new(),
            total: Vec::with_capacity(rows),
            types: vec![DecimalColumn::default(); columns + 1],
            grade: Vec::with_capacity(rows),
            error: Vec::with_capacity(rows),
            explanation: Vec::with_capacity(rows),
        }
    }

    fn push_score(&mut self, j: usize, score: Option<Decimal>) {
        let row = self.valid.len();
        if let (Some(column), Some(t)) = (self.scores.get_mut(j), self.types.get_mut(j)) {
            column.push(score.unwrap_or_default());
            match score {
                Some(d) => t.add(d),
                None => self.missing.push((j, row)),
            }
        }
    }

    fn push_total(&mut self, total: Decimal) {
        self.valid.push(true);
        self.total.push(total);
        if let Some(t) = self.types.last_mut() {
            t.add(total);
        }
    }

    fn push_scores(&mut self, layout: &Layout<'s>, s: &Scores) {
        if layout.in_order && s.indicators.len() == self.scores.len() {
            for ((column, t), score) in self.scores.iter_mut().zip(&mut self.types).zip(&s.indicators) {
                column.push(*score);
                t.add(*score);
            }
        } else {
            for (j, position) in layout.positions.iter().enumerate() {
                self.push_score(j, position.and_then(|p| s.indicators.get(p).copied()));
            }
        }
        self.push_total(s.total);
        self.grade.push(layout.scorer.grade_label(s.grade).map(Cow::Borrowed));
        self.error.push(None);
        self.explanation.push(None);
    }

    fn push(&mut self, layout: &Layout<'s>, result: Result<Evaluation, EvalError>) {
        match result {
            Ok(e) => {
                let nodes = e.indicators.len();
                for j in 0..self.scores.len() {
                    let r = if j < nodes {
                        e.indicators.get(j)
                    } else {
                        e.bonus.get(j - nodes)
                    };
                    // INVARIANT: results come in the order of the system's rows; look up by id
                    // should that ever change.
                    let r = match (r, layout.ids.get(j)) {
                        (Some(r), Some(id)) if *r.id == **id => Some(r),
                        (_, Some(id)) => e.indicator(id),
                        _ => None,
                    };
                    self.push_score(j, r.map(|r| r.score));
                }
                self.push_total(e.total);
                self.grade.push(Some(Cow::Owned(e.grade.to_string())));
                self.error.push(None);
                self.explanation.push(layout.explain.map(|l| e.explain(l)));
            }
            Err(err) => self.push_error(&err),
        }
    }

    fn push_error(&mut self, err: &EvalError) {
        for column in &mut self.scores {
            column.push(Decimal::ZERO);
        }
        self.valid.push(false);
        self.total.push(Decimal::ZERO);
        self.grade.push(None);
        self.error.push(Some(err.to_string()));
        self.explanation.push(None);
    }

    fn rows(&self) -> usize {
        self.valid.len()
    }

    /// The decimal column `j`: indicator `j`'s scores, or the totals after the last.
    fn decimals(&self, j: usize) -> &[Decimal] {
        self.scores.get(j).unwrap_or(&self.total)
    }

    /// Which values of decimal column `j` are not null.
    fn validity(&self, j: usize) -> Cow<'_, [bool]> {
        if self.missing.iter().all(|(c, _)| *c != j) {
            return Cow::Borrowed(&self.valid);
        }
        let mut valid = self.valid.clone();
        for (_, row) in self.missing.iter().filter(|(c, _)| *c == j) {
            if let Some(v) = valid.get_mut(*row) {
                *v = false;
            }
        }
        Cow::Owned(valid)
    }
}

/// The error of a unit with cells that could not be read: those cells' errors with the engine's
/// input errors for the rest (`with_unread`, as for a single unit), whether or not the rest was
/// complete.
fn unread_error(finished: Result<(), EvalError>, unread: &[InputError]) -> EvalError {
    let engine = match finished {
        Ok(()) => Err(EvalError::Inputs(Vec::new())),
        Err(e) => Err(e),
    };
    match with_unread(engine, unread) {
        Err(e) => e,
        // Not reached: with cells unread, the unit fails.
        Ok(_) => EvalError::Inputs(unread.to_vec()),
    }
}

/// One thread's reused buffers: the builder that a unit's cells are set into, the prepared inputs
/// it completes into, and the scores.
#[derive(Debug)]
struct Worker<'l, 's> {
    layout: &'l Layout<'s>,
    builder: InputsBuilder<'s>,
    prepared: Option<PreparedInputs>,
    scores: Scores,
    /// A reused `InputValue::Text` for text cells.
    scratch: InputValue,
}

impl<'l, 's> Worker<'l, 's> {
    fn new(layout: &'l Layout<'s>) -> Self {
        Worker {
            layout,
            builder: layout.scorer.inputs_builder(),
            prepared: None,
            scores: Scores::default(),
            scratch: InputValue::Text(String::new()),
        }
    }

    /// Completes the unit whose cells were set (`unread`: the cells that could not be read),
    /// scores it and gathers its figures; the builder is ready for the next unit.
    fn finish(&mut self, unread: &[InputError], out: &mut Gathered<'s>) {
        let finished = match self.prepared {
            Some(ref mut p) => self.builder.finish_into(p).map(|()| &*p),
            None => self.builder.finish().map(|p| &*self.prepared.insert(p)),
        };
        if !unread.is_empty() {
            out.push_error(&unread_error(finished.map(|_| ()), unread));
            return;
        }
        let prepared = match finished {
            Ok(p) => p,
            Err(e) => return out.push_error(&e),
        };
        let layout = self.layout;
        if layout.explain.is_some() {
            out.push(layout, layout.scorer.evaluate_prepared(prepared));
        } else {
            match layout.scorer.score_into(prepared, &mut self.scores) {
                Ok(()) => out.push_scores(layout, &self.scores),
                Err(e) => out.push_error(&e),
            }
        }
    }
}

/// Fewest units worth a thread of their own.
const MIN_PER_THREAD: usize = 64;

/// Most units in one piece of work.
const MAX_CHUNK: usize = 4096;

/// Runs `work` over `0..n` in chunks of at most `chunk` items, on as many threads as there are
/// cores (each with a `state` of its own, made once), and returns the results in order. A thread
/// takes the next chunk when done with one, so that a thread slowed by other work on the machine
/// does less of it. Each thread reads its units, scores them and keeps only their figures, so
/// reading, scoring and gathering all spread across the cores (the engine's `evaluate_batch`
/// returns every `Evaluation` to one thread).
fn in_parallel<S, T: Send>(
    n: usize,
    chunk: usize,
    state: impl Fn() -> S + Sync,
    work: impl Fn(&mut S, std::ops::Range<usize>) -> T + Sync,
) -> Vec<T> {
    let chunk = chunk.max(1);
    let chunks = n.div_ceil(chunk).max(1);
    let range = |i: usize| (i * chunk).min(n)..((i + 1) * chunk).min(n);
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let threads = threads.min(chunks);
    if threads <= 1 {
        let mut s = state();
        return (0..chunks).map(|i| work(&mut s, range(i))).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (state, work, next) = (&state, &work, &next);
    let mut done: Vec<(usize, T)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut s = state();
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i >= chunks {
                            break out;
                        }
                        out.push((i, work(&mut s, range(i))));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| match h.join() {
                Ok(v) => v,
                // Nothing here panics; should anything, the panic belongs to the caller (whose
                // guard turns it into a JixiaoError).
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect()
    });
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// How many units to score at a time: enough chunks for the threads to share the work evenly
/// when one is slowed, none too small to be worth a thread.
fn chunk_for(n: usize) -> usize {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    n.div_ceil(threads * 8).clamp(MIN_PER_THREAD, MAX_CHUNK)
}

/// One thread's reader of an Arrow batch: its worker and a reader per input column.
struct ArrowReader<'l, 's, 'b> {
    worker: Worker<'l, 's>,
    readers: Vec<(&'b InputColumn, ColumnReader<'b>)>,
    unread: Vec<InputError>,
}

impl std::fmt::Debug for ArrowReader<'_, '_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArrowReader")
            .field("columns", &self.readers.len())
            .finish()
    }
}

impl<'l, 's, 'b> ArrowReader<'l, 's, 'b> {
    fn new(layout: &'l Layout<'s>, batch: &'b RecordBatch, inputs: &'b [InputColumn]) -> Self {
        ArrowReader {
            worker: Worker::new(layout),
            readers: inputs
                .iter()
                .filter_map(|c| Some((c, ColumnReader::new(batch.columns().get(c.column)?.as_ref()))))
                .collect(),
            unread: Vec::new(),
        }
    }

    /// Scores rows `rows` of the batch: each input column read cell by cell straight into the
    /// builder (no `InputValue` per number, no input name per cell).
    fn score(&mut self, rows: std::ops::Range<usize>) -> Gathered<'s> {
        let mut out = Gathered::new(self.worker.layout.ids.len(), rows.len());
        let worker = &mut self.worker;
        for row in rows {
            self.unread.clear();
            for (c, reader) in &self.readers {
                if let Err(message) = reader.set(row, c.slot, &mut worker.builder, &mut worker.scratch) {
                    self.unread.push(InputError::Invalid {
                        name: c.name.clone(),
                        message,
                    });
                }
            }
            worker.finish(&self.unread, &mut out);
        }
        out
    }
}

/// Scores units read from Python.
fn score_python<'s>(worker: &mut Worker<'_, 's>, units: &[PyUnit]) -> Gathered<'s> {
    let layout = worker.layout;
    let mut out = Gathered::new(layout.ids.len(), units.len());
    for unit in units {
        if let Some(c) = &unit.named {
            out.push(layout, with_unread(layout.scorer.evaluate(&c.inputs), &c.errors));
            continue;
        }
        for (slot, value) in &unit.values {
            worker.builder.set(*slot, value);
        }
        worker.finish(&unit.unread, &mut out);
    }
    out
}

/// Reads, scores and assembles the results; runs without the GIL.
fn run(scorer: &Scorer, input: Input, explain: Option<Lang>) -> Result<ArrowStream, ArrowError> {
    let layout = Layout::new(scorer, explain);
    let (parts, id_field) = match input {
        Input::Arrow(a) => {
            let parts = a
                .batches
                .iter()
                .map(|batch| Part {
                    ids: a.id.as_ref().and_then(|(i, _)| batch.columns().get(*i).cloned()),
                    pieces: in_parallel(
                        batch.num_rows(),
                        chunk_for(batch.num_rows()),
                        || ArrowReader::new(&layout, batch, &a.inputs),
                        ArrowReader::score,
                    ),
                })
                .collect();
            (parts, a.id.map(|(_, f)| f))
        }
        Input::Python(p) => {
            let pieces = in_parallel(
                p.units.len(),
                chunk_for(p.units.len()),
                || Worker::new(&layout),
                |worker, range| score_python(worker, p.units.get(range).unwrap_or_default()),
            );
            let field = p.ids.as_ref().map(|_| Field::new("id", DataType::Utf8, true));
            (vec![Part { ids: p.ids, pieces }], field)
        }
    };
    assemble(&layout.ids, &parts, id_field, explain.is_some())
}

/// A text column of a part.
fn texts<'g, T: AsRef<str> + 'g>(
    pieces: &'g [Gathered<'_>],
    column: impl Fn(&'g Gathered<'_>) -> &'g [Option<T>],
) -> ArrayRef {
    let array: StringArray = pieces
        .iter()
        .flat_map(|g| column(g).iter().map(|t| t.as_ref().map(AsRef::as_ref)))
        .collect();
    Arc::new(array)
}

/// Result column `j`, part by part: a decimal column (the indicators', then the totals; typed
/// over every part) with its type, or after those a text column (grade, error, explanation).
fn build_column(
    parts: &[Part<'_>],
    j: usize,
    decimal_count: usize,
) -> Result<(Option<DecimalColumn>, Vec<ArrayRef>), ArrowError> {
    if j < decimal_count {
        let mut column = DecimalColumn::default();
        for g in parts.iter().flat_map(|p| &p.pieces) {
            column.merge(g.types.get(j).copied().unwrap_or_default());
        }
        let arrays = parts
            .iter()
            .map(|p| {
                let validity: Vec<Cow<'_, [bool]>> = p.pieces.iter().map(|g| g.validity(j)).collect();
                column.build_parts(p.pieces.iter().zip(&validity).map(|(g, v)| (g.decimals(j), &**v)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok((Some(column), arrays));
    }
    let arrays = parts
        .iter()
        .map(|p| match j - decimal_count {
            0 => texts(&p.pieces, |g| &g.grade),
            1 => texts(&p.pieces, |g| &g.error),
            _ => texts(&p.pieces, |g| &g.explanation),
        })
        .collect();
    Ok((None, arrays))
}

fn assemble(
    ids: &[String],
    parts: &[Part<'_>],
    id_field: Option<Field>,
    explain: bool,
) -> Result<ArrowStream, ArrowError> {
    // The columns shared among the cores, one at a time.
    let decimal_count = ids.len() + 1;
    let text_count = if explain { 3 } else { 2 };
    let built = in_parallel(
        decimal_count + text_count,
        1,
        || (),
        |(), columns| {
            columns
                .map(|j| build_column(parts, j, decimal_count))
                .collect::<Result<Vec<_>, _>>()
        },
    );
    let mut built_columns = Vec::with_capacity(decimal_count + text_count);
    for piece in built {
        built_columns.extend(piece?);
    }
    let mut fields = Vec::new();
    if let Some(f) = &id_field {
        fields.push(f.clone());
    }
    let names = ids
        .iter()
        .map(String::as_str)
        .chain(["total", "grade", "error", "explanation"]);
    for (name, (column, _)) in names.zip(&built_columns) {
        fields.push(field(name, column.map_or(DataType::Utf8, DecimalColumn::data_type)));
    }
    let schema: SchemaRef = schema(fields);
    let mut batches = Vec::with_capacity(parts.len());
    for (k, part) in parts.iter().enumerate() {
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
        if id_field.is_some() {
            match &part.ids {
                Some(a) => columns.push(a.clone()),
                None => columns.push(arrow_array::new_null_array(&DataType::Utf8, part.rows())),
            }
        }
        for (_, arrays) in &built_columns {
            if let Some(a) = arrays.get(k) {
                columns.push(a.clone());
            }
        }
        batches.push(RecordBatch::try_new(schema.clone(), columns)?);
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
        _ => read_records(scorer, &payload, options)?,
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

    fn unit_of(scorer: &Scorer, inputs: &jixiao::Inputs) -> PyUnit {
        let mut unit = PyUnit::default();
        for (name, value) in &inputs.values {
            unit.push(scorer.input_slot(name).unwrap(), name, Ok(Some(value.clone())));
        }
        unit.sort(&name_ranks(scorer));
        unit
    }

    #[test]
    fn units_come_back_in_order_with_their_errors() {
        let scorer = jixiao::builtin("hunan-dept").unwrap().scorer().unwrap();
        let layout = Layout::new(&scorer, None);
        let example = jixiao::builtin("hunan-dept").unwrap().example_inputs().unwrap();
        let mut units = Vec::new();
        for i in 0..5003 {
            let mut inputs = example.clone();
            let mut unread = Vec::new();
            if i % 1000 == 7 {
                inputs.values.remove("编制数");
                unread.push(InputError::Invalid {
                    name: "编制数".into(),
                    message: "NaN is not a number".into(),
                });
            }
            let mut unit = unit_of(&scorer, &inputs);
            unit.unread = unread;
            units.push(unit);
        }
        let pieces = in_parallel(
            units.len(),
            1000,
            || Worker::new(&layout),
            |w, range| score_python(w, &units[range]),
        );
        assert_eq!(pieces.len(), 6);
        let mut g = Gathered::new(layout.ids.len(), 0);
        let mut pieces_valid = Vec::new();
        for mut piece in pieces {
            pieces_valid.append(&mut piece.valid);
            g.total.append(&mut piece.total);
            g.grade.append(&mut piece.grade);
            g.error.append(&mut piece.error);
        }
        assert_eq!(g.total.len(), 5003);
        let single = scorer.evaluate(&example).unwrap();
        g.valid = pieces_valid;
        assert_eq!(g.total[0], single.total);
        assert_eq!(g.grade[0].as_deref(), Some(&*single.grade));
        assert!(!g.valid[7] && g.grade[7].is_none());
        let message = g.error[7].as_deref().unwrap();
        assert!(message.contains("NaN") && !message.contains("required"), "{message}");
        assert_eq!(g.total[5002], single.total);
    }

    #[test]
    fn scores_and_evaluations_gather_the_same_figures() {
        let scorer = jixiao::builtin("hunan-dept").unwrap().scorer().unwrap();
        let example = jixiao::builtin("hunan-dept").unwrap().example_inputs().unwrap();
        let mut bad = example.clone();
        bad.values.remove("编制数");
        bad.set("基础信息完善程度", "很好");
        bad.set("年初预算", "abc");
        let units = vec![unit_of(&scorer, &example), unit_of(&scorer, &bad)];
        let (fast, full) = (Layout::new(&scorer, None), Layout::new(&scorer, Some(Lang::Zh)));
        let fast = score_python(&mut Worker::new(&fast), &units);
        let full = score_python(&mut Worker::new(&full), &units);
        assert_eq!(fast.scores, full.scores);
        assert_eq!(fast.valid, [true, false]);
        assert_eq!((&fast.valid, &fast.missing), (&full.valid, &full.missing));
        assert_eq!(fast.total, full.total);
        assert_eq!(fast.types, full.types);
        assert_eq!(fast.types[0], DecimalColumn::for_parts([&fast.scores[0][..1]]));
        assert_eq!(fast.grade, full.grade);
        assert_eq!(fast.error, full.error);
        assert!(full.explanation[0].is_some() && fast.explanation[0].is_none());
        let single = scorer.evaluate(&bad).unwrap_err().to_string();
        assert_eq!(fast.error[1].as_deref(), Some(single.as_str()));
        let e = scorer.evaluate(&example).unwrap();
        let all: Vec<Decimal> = e.indicators.iter().chain(&e.bonus).map(|r| r.score).collect();
        let gathered: Vec<Decimal> = fast.scores.iter().map(|c| c[0]).collect();
        assert_eq!(gathered, all);
    }
}
