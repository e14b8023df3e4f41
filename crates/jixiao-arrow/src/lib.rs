#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, Field, SchemaRef};
use jixiao::inputs::table::{self, TableError, TableOptions};
use jixiao::{EvalError, InputError, Inputs, Lang, Scorer};

/// The one float policy (re-exported from the engine: `jixiao::inputs::float`).
pub use jixiao::inputs::float;
mod read;
mod score;
mod write;

pub use read::{Cell, cells, readable};

/// What to score and what to hand back.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The column naming each unit: carried over, as it is, as the first result column.
    pub id_column: Option<String>,
    /// Columns to leave out (neither inputs nor the id).
    pub ignore: Vec<String>,
    /// Add an `explanation` column in this language (each unit then gets a full evaluation).
    pub explain: Option<Lang>,
    /// The language of the `error` column's messages (English when not given).
    pub messages: Option<Lang>,
}

/// A table that cannot be scored at all (a row that cannot be scored is a [`RowError`] instead).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// Columns that are neither inputs of the system, nor the id column, nor ignored (a misspelt
    /// header would otherwise leave an input silently at its default).
    #[error("columns that are not inputs of `{system}`: {}", backticked(.columns))]
    UnknownColumns {
        /// The system's id.
        system: String,
        /// The columns, in table order.
        columns: Vec<String>,
    },
    /// The id column asked for is not in the table.
    #[error("no column `{name}` for the id column (columns: {})", .columns.join(", "))]
    NoIdColumn {
        /// The column asked for.
        name: String,
        /// The table's columns.
        columns: Vec<String>,
    },
    /// A header that cannot be read (an input in another unit than declared, an input twice).
    #[error(transparent)]
    Columns(TableError),
    /// Input columns of an Arrow type that holds no input value (a timestamp, a struct ...).
    #[error("{}", EvalError::Inputs(.0.clone()))]
    UnreadableColumns(Vec<InputError>),
    /// The record batches do not fit their schema, or a result column cannot be built.
    #[error("Arrow: {0}")]
    Arrow(#[from] ArrowError),
}

impl BatchError {
    /// A stable machine-readable kind: `unknown_columns`, `no_id_column`, `columns` (a header that
    /// cannot be read), `unreadable_columns` or `arrow`.
    pub fn kind(&self) -> &'static str {
        match self {
            BatchError::UnknownColumns { .. } => "unknown_columns",
            BatchError::NoIdColumn { .. } => "no_id_column",
            BatchError::Columns(_) => "columns",
            BatchError::UnreadableColumns(_) => "unreadable_columns",
            BatchError::Arrow(_) => "arrow",
        }
    }
}

fn backticked(names: &[String]) -> String {
    names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
}

/// A row that could not be scored: its number (0-based, counted over all the batches, as the rows
/// of the results) and the engine's error, whose text is the row's `error` cell.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("row {row}: {error}")]
pub struct RowError {
    /// The row, 0-based over every batch.
    pub row: usize,
    /// Why the row could not be scored (the same error as `Scorer::evaluate` of its unit).
    pub error: EvalError,
}

impl RowError {
    /// The input columns the error names (none for an error in the scoring itself).
    pub fn columns(&self) -> Vec<&str> {
        match &self.error {
            EvalError::Inputs(list) => {
                let mut names: Vec<&str> = Vec::with_capacity(list.len());
                for name in list.iter().map(InputError::name) {
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                names
            }
            EvalError::MissingInput { input, .. } => vec![input.as_str()],
            _ => Vec::new(),
        }
    }
}

/// The results: one batch per input batch (the same rows), and the rows that could not be scored.
///
/// The columns: the id column (when one was named), then one `decimal128` column per indicator —
/// the tree in pre-order, subtotals included, then the bonus items, named by indicator id, in the
/// order of [`Scorer::indicator_ids`] — then `total` (`decimal128`), `grade` and `error` (text)
/// and, when asked for, `explanation` (text). A row that could not be scored has null figures and
/// its error in `error`: null scores, total and grade.
///
/// Every figure column of a system has one `decimal128` type, whatever the rows (so that results of
/// the same system concatenate, and a mean keeps the figures' places): `decimal128(38, s)` where `s`
/// is [`Scorer::stated_scale`] (2 for figures stated to 0.01: `88.50`), or `decimal128(38, 28)` when
/// the system states some figure exactly (every place an exact decimal has, magnitudes below
/// 10^10). A figure that does not fit that type fails its row, with an error saying so; it is never
/// rounded, cut or dropped.
#[derive(Debug, Clone)]
pub struct Scored {
    /// The results' schema.
    pub schema: SchemaRef,
    /// The results, batch by batch.
    pub batches: Vec<RecordBatch>,
    /// The rows that could not be scored, in row order.
    pub errors: Vec<RowError>,
}

/// A unit read from a source that is not Arrow (a list of mappings): its inputs by name, and the
/// values that could not be read, which are reported with the engine's own input errors.
#[derive(Debug, Clone, Default)]
pub struct Unit {
    /// The values read.
    pub inputs: Inputs,
    /// One error per value that could not be read (left out of `inputs`).
    pub unread: Vec<InputError>,
}

/// Which columns of a table are which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    /// The input columns: (column index, input name), in table order.
    pub inputs: Vec<(usize, String)>,
    /// The id column's index.
    pub id: Option<usize>,
}

/// Sorts column names into inputs, the id column and ignored ones, as every table is read
/// ([`jixiao::inputs::table`]: names, display names such as `编制数（人）`, English names; the id
/// column given, or one headed by a usual name such as `单位名称`); any other column is an error.
pub fn map_columns<S: AsRef<str>>(scorer: &Scorer, names: &[S], options: &Options) -> Result<Columns, BatchError> {
    let table_options = TableOptions::new(options.id_column.as_deref(), &options.ignore);
    match table::map_columns(names, scorer.system(), &table_options) {
        Ok(c) => Ok(Columns {
            inputs: c.inputs,
            id: c.unit,
        }),
        Err(TableError::NoUnitColumn { name, columns }) => Err(BatchError::NoIdColumn { name, columns }),
        Err(TableError::Unknown { columns, system }) => Err(BatchError::UnknownColumns {
            system,
            columns: columns.into_iter().map(|(_, h)| h).collect(),
        }),
        Err(other) => Err(BatchError::Columns(other)),
    }
}

/// Scores every row of `batches` (which share `schema`): one unit per row, one input per column
/// (see [`map_columns`]), on rayon's thread pool. The rows' figures equal those of
/// [`Scorer::evaluate`] of each unit, errors included.
///
/// Cells: integers and decimals as they are, floats by [the float policy](float), text trimmed
/// (blank text is not given), booleans, dictionary-encoded columns and lists of text (checklists).
/// A null cell is not given: the input's default applies, or the row reports it missing. A cell
/// that cannot be read fails its row only, named with the engine's input errors.
pub fn score_batches(
    scorer: &Scorer,
    schema: &SchemaRef,
    batches: &[RecordBatch],
    options: &Options,
) -> Result<Scored, BatchError> {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let Columns { inputs, id } = map_columns(scorer, &names, options)?;
    let bad: Vec<InputError> = inputs
        .iter()
        .filter_map(|(i, name)| {
            let t = schema.fields().get(*i)?.data_type();
            (!readable(t)).then(|| InputError::Invalid {
                name: name.clone(),
                problem: jixiao::inputs::ValueProblem::Unreadable {
                    message: format!(
                        "the column has the Arrow type {t}, which is not an input value (numbers, decimals, text, booleans, or lists of text for checklists)"
                    ),
                },
            })
        })
        .collect();
    if !bad.is_empty() {
        return Err(BatchError::UnreadableColumns(bad));
    }
    for batch in batches {
        if batch.num_columns() != schema.fields().len() {
            return Err(ArrowError::SchemaError(format!(
                "a batch has {} columns, its schema {}",
                batch.num_columns(),
                schema.fields().len()
            ))
            .into());
        }
    }
    let id = id.and_then(|i| Some((i, schema.fields().get(i)?.as_ref().clone())));
    Ok(score::arrow(
        scorer,
        batches,
        inputs,
        id,
        options.explain,
        options.messages,
    )?)
}

/// [`score_batches`] of one record batch: the results as one record batch of the same rows.
pub fn score_batch(scorer: &Scorer, batch: &RecordBatch, options: &Options) -> Result<RecordBatch, BatchError> {
    let scored = score_batches(scorer, &batch.schema(), std::slice::from_ref(batch), options)?;
    match scored.batches.into_iter().next() {
        Some(b) => Ok(b),
        None => Ok(RecordBatch::new_empty(scored.schema)),
    }
}

/// Scores units already read by name (a list of mappings from a front end), into the same result
/// columns as [`score_batches`], in one batch; `id` is the id column (name and values), if any.
pub fn score_units(
    scorer: &Scorer,
    units: &[Unit],
    id: Option<(Field, ArrayRef)>,
    explain: Option<Lang>,
    messages: Option<Lang>,
) -> Result<Scored, BatchError> {
    Ok(score::units(scorer, units, id, explain, messages)?)
}

/// The result of scoring a unit without the values that could not be read, with those values'
/// errors put first among the engine's input errors (a value that could not be read is not also
/// reported missing). The result of the unit as it is when every value was read.
pub fn with_unread<T>(result: Result<T, EvalError>, unread: &[InputError]) -> Result<T, EvalError> {
    if unread.is_empty() {
        return result;
    }
    let mut errors = unread.to_vec();
    if let Err(EvalError::Inputs(list)) = result {
        errors.extend(
            list.into_iter()
                .filter(|e| !(matches!(e, InputError::Missing { .. }) && unread.iter().any(|b| b.name() == e.name()))),
        );
    }
    Err(EvalError::Inputs(errors))
}
