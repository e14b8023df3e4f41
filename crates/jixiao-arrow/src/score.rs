//! Scoring rows on rayon's thread pool.
//!
//! The rows are scored a chunk at a time; each task reads its rows, scores them and keeps only
//! their figures, so that reading, scoring and gathering all spread across the cores. A task fills
//! one reused `InputsBuilder` slot by slot (each column's slot looked up once, no input name per
//! cell, numbers set as decimals), completes it into a `PreparedInputs` reused from block to block
//! (a few rows are read, then scored: see [`BLOCK`]) and, unless explanations are asked for, scores
//! it into one reused `Scores` (`Scorer::score_into`: the figures only, no names, outcomes or
//! deductions). Cells are set in the order of the inputs' names, as `Scorer::evaluate` reads its
//! map of inputs, so that a row's errors come in the same order as for its unit alone.

use std::borrow::Cow;
use std::ops::Range;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, Field};
use jixiao::{Decimal, EvalError, Evaluation, InputError, InputsBuilder, Lang, PreparedInputs, Scorer, Scores};
use rayon::prelude::*;

use crate::read::ColumnReader;
use crate::write::{DecimalType, Figures, Part, Slices, assemble};
use crate::{RowError, Scored, Unit, with_unread};

/// Fewest rows in one task.
const MIN_CHUNK: usize = 64;

/// Most rows in one task.
const MAX_CHUNK: usize = 4096;

/// How many rows to score in one task: enough tasks for the threads to share the work evenly when
/// one is slowed, none too small to be worth one.
fn chunk_for(n: usize) -> usize {
    n.div_ceil(rayon::current_num_threads().saturating_mul(8))
        .clamp(MIN_CHUNK, MAX_CHUNK)
}

/// `0..n` in chunks.
fn chunks(n: usize) -> impl Iterator<Item = Range<usize>> {
    let chunk = chunk_for(n);
    (0..n.div_ceil(chunk)).map(move |i| i * chunk..((i + 1) * chunk).min(n))
}

/// What is the same for every row: the scorer, the result columns' indicator ids and the language
/// of the explanations, if asked for.
#[derive(Debug)]
pub(crate) struct Layout<'s> {
    pub scorer: &'s Scorer,
    /// The indicators' ids in the order of `Scores::indicators`.
    pub ids: Vec<&'s str>,
    /// The one type of every figure column.
    pub decimal: DecimalType,
    explain: Option<Lang>,
    /// The language of the `error` column.
    messages: Lang,
}

impl<'s> Layout<'s> {
    fn new(scorer: &'s Scorer, explain: Option<Lang>, messages: Option<Lang>) -> Self {
        Layout {
            scorer,
            ids: scorer.indicator_ids().collect(),
            decimal: DecimalType::of(scorer),
            explain,
            messages: messages.unwrap_or(Lang::En),
        }
    }

    /// Whether the results have an `explanation` column.
    pub fn explains(&self) -> bool {
        self.explain.is_some()
    }

    /// Whether the results have a `warning` column: the system declares consistency checks
    /// (勾稽关系), whose failed `warning` checks a row lists there while its scores stand.
    pub fn warns(&self) -> bool {
        self.scorer.has_checks()
    }

    /// A row's `warning` cell: its failed checks, in the language of the `error` column.
    fn warning(&self, failed: impl Iterator<Item = usize>) -> Option<String> {
        if !self.warns() {
            return None;
        }
        let notices: Vec<String> = failed
            .filter_map(|k| self.scorer.check_notice(k, self.messages))
            .collect();
        (!notices.is_empty()).then(|| notices.join(if self.messages == Lang::Zh { "；" } else { "; " }))
    }
}

/// A scored row's text cells: its grade, failed `warning` checks and explanation.
#[derive(Debug)]
struct RowText<'s> {
    grade: Cow<'s, str>,
    warning: Option<String>,
    explanation: Option<String>,
}

/// What the results' text columns gather, row by row, for the rows of one task; its figures go
/// straight into the result columns' buffers ([`Slices`]).
#[derive(Debug)]
pub(crate) struct Gathered<'s> {
    /// The number of the first row (over every batch).
    first: usize,
    /// The number of the first row within its part (its input batch).
    start: usize,
    /// Rows gathered so far.
    done: usize,
    /// Figure cells left null in rows that were scored: (column, row within the part). A scored
    /// row has every figure, so this stays empty unless that ever changes.
    pub holes: Vec<(usize, usize)>,
    pub grade: Vec<Option<Cow<'s, str>>>,
    pub error: Vec<Option<String>>,
    /// The failed `warning` checks of a scored row (see [`Layout::warns`]).
    pub warning: Vec<Option<String>>,
    pub explanation: Vec<Option<String>>,
    pub errors: Vec<RowError>,
    /// The language of the `error` column.
    messages: Lang,
}

impl<'s> Gathered<'s> {
    /// For rows `rows` of a part whose first row is row `first` over every batch.
    fn new(messages: Lang, rows: Range<usize>, first: usize) -> Self {
        let n = rows.len();
        Gathered {
            messages,
            first: first + rows.start,
            start: rows.start,
            done: 0,
            holes: Vec::new(),
            grade: Vec::with_capacity(n),
            error: Vec::with_capacity(n),
            warning: Vec::with_capacity(n),
            explanation: Vec::with_capacity(n),
            errors: Vec::new(),
        }
    }

    /// A scored row: its figures (one per indicator column), total and text cells. A figure that
    /// does not fit the columns' type fails the row instead.
    fn push_row(
        &mut self,
        layout: &Layout<'s>,
        to: &mut Slices<'_>,
        mut figures: impl Iterator<Item = Option<Decimal>>,
        total: Decimal,
        text: RowText<'s>,
    ) {
        let at = self.done;
        let count = layout.ids.len();
        // The indicators' columns, then the total's, each written where the row lies in it.
        for (j, column) in to.columns.iter_mut().enumerate() {
            let figure = if j < count {
                figures.next().flatten()
            } else {
                Some(total)
            };
            let Some(d) = figure else {
                self.holes.push((j, self.start + at));
                continue;
            };
            let Some(m) = layout.decimal.mantissa(d) else {
                return self.push_error(
                    to,
                    match layout.ids.get(j) {
                        Some(id) => EvalError::Score {
                            indicator: id.to_string(),
                            problem: jixiao::ScoreProblem::DoesNotFit {
                                message: format!(
                                    "the score {d} does not fit the result column's type {} (a figure is never rounded to fit)",
                                    layout.decimal.data_type()
                                ),
                            },
                        },
                        None => EvalError::Overflow {
                            location: "total".into(),
                            what: "its decimal128 result column (the total does not fit the column's type)",
                        },
                    },
                );
            };
            if let Some(cell) = column.get_mut(at) {
                *cell = m;
            }
        }
        if let Some(scored) = to.scored.get_mut(at) {
            *scored = true;
        }
        self.done += 1;
        self.grade.push(Some(text.grade));
        self.error.push(None);
        self.warning.push(text.warning);
        self.explanation.push(text.explanation);
    }

    fn push_scores(&mut self, layout: &Layout<'s>, to: &mut Slices<'_>, s: &Scores) {
        let figures = s.indicators.iter().map(|d| Some(*d));
        let grade = layout.scorer.grade_label(s.grade).unwrap_or_default();
        let warning = layout.warning(s.failed_checks.iter().copied());
        let text = RowText {
            grade: Cow::Borrowed(grade),
            warning,
            explanation: None,
        };
        self.push_row(layout, to, figures, s.total, text);
    }

    fn push_evaluation(&mut self, layout: &Layout<'s>, to: &mut Slices<'_>, e: &Evaluation) {
        let nodes = e.indicators.len();
        let figures = layout.ids.iter().enumerate().map(|(j, id)| {
            let r = if j < nodes {
                e.indicators.get(j)
            } else {
                e.bonus.get(j - nodes)
            };
            // INVARIANT: results come in the order of `Scorer::indicator_ids`; look up by id should
            // that ever change.
            let r = match r {
                Some(r) if &*r.id == *id => Some(r),
                _ => e.indicator(id),
            };
            r.map(|r| r.score)
        });
        let explanation = layout.explain.map(|l| e.explain(l));
        let failed = e
            .checks
            .iter()
            .enumerate()
            .filter(|(_, k)| k.passed == Some(false))
            .map(|(i, _)| i);
        let warning = layout.warning(failed);
        let text = RowText {
            grade: Cow::Owned(e.grade.to_string()),
            warning,
            explanation,
        };
        self.push_row(layout, to, figures, e.total, text);
    }

    /// A row that was not scored: its figures null (its place in `to.scored` stays `false`).
    fn push_error(&mut self, to: &mut Slices<'_>, error: EvalError) {
        if let Some(scored) = to.scored.get_mut(self.done) {
            *scored = false;
        }
        let row = self.first + self.done;
        self.done += 1;
        self.grade.push(None);
        self.error.push(Some(error.message(self.messages)));
        self.warning.push(None);
        self.explanation.push(None);
        self.errors.push(RowError { row, error });
    }
}

/// Scores a unit's prepared inputs (or its input errors) into `out`; `unread`: the cells that could
/// not be read, reported with the engine's input errors.
fn finish<'s>(
    layout: &Layout<'s>,
    scores: &mut Scores,
    prepared: Result<&PreparedInputs, EvalError>,
    unread: &[InputError],
    out: &mut Gathered<'s>,
    to: &mut Slices<'_>,
) {
    let prepared = match with_unread(prepared, unread) {
        Ok(p) => p,
        Err(e) => return out.push_error(to, e),
    };
    if layout.explain.is_some() {
        match layout.scorer.evaluate_prepared(prepared) {
            Ok(e) => out.push_evaluation(layout, to, &e),
            Err(e) => out.push_error(to, e),
        }
    } else {
        match layout.scorer.score_into(prepared, scores) {
            Ok(()) => out.push_scores(layout, to, scores),
            Err(e) => out.push_error(to, e),
        }
    }
}

/// Rows read before they are scored. Reading a row touches every column, the builder and its
/// memo; scoring one touches the program's code and data. Done row by row, each pushes the other
/// out of the first-level cache; a few rows read, then scored, keep each phase's working set in it
/// (W: 573 → 283 first-level data misses a unit under callgrind's cache simulation, the same
/// instructions; no wall-time change measurable on the bench machine, see BENCHMARKS.md). Eight
/// of W's prepared units take 7 KiB.
const BLOCK: usize = 8;

/// A row read and waiting to be scored: its prepared inputs (their buffer reused from block to
/// block) or why they could not be completed, and its unreadable cells.
#[derive(Debug)]
struct Pending {
    read: Result<PreparedInputs, EvalError>,
    unread: Vec<InputError>,
}

/// What a row's place holds while it is being read (never scored: reading replaces it).
const UNREAD: EvalError = EvalError::AllExcluded;

/// A task's reused buffers: the builder that a row's cells are set into, the rows of a block and
/// the scores.
#[derive(Debug)]
struct Worker<'s> {
    builder: InputsBuilder<'s>,
    block: Vec<Pending>,
    scores: Scores,
}

impl<'s> Worker<'s> {
    fn new(scorer: &'s Scorer) -> Self {
        Worker {
            builder: scorer.inputs_builder(),
            block: (0..BLOCK)
                .map(|_| Pending {
                    read: Err(UNREAD),
                    unread: Vec::new(),
                })
                .collect(),
            scores: Scores::default(),
        }
    }

    /// Scores rows `rows` of `readers`' batch (`first`: the number of its first row), [`BLOCK`]
    /// rows at a time: read, then scored, in order; their figures into `to`.
    fn score(
        &mut self,
        layout: &Layout<'s>,
        readers: &[(&InputColumn, ColumnReader<'_>)],
        rows: Range<usize>,
        first: usize,
        to: &mut Slices<'_>,
    ) -> Gathered<'s> {
        let mut out = Gathered::new(layout.messages, rows.clone(), first);
        let mut start = rows.start;
        while start < rows.end {
            let end = rows.end.min(start + BLOCK);
            for (row, pending) in (start..end).zip(&mut self.block) {
                pending.unread.clear();
                for (c, reader) in readers {
                    if let Err(problem) = reader.set(row, c.slot, &mut self.builder) {
                        pending.unread.push(InputError::Invalid {
                            name: c.name.clone(),
                            problem,
                        });
                    }
                }
                pending.read = match std::mem::replace(&mut pending.read, Err(UNREAD)) {
                    Ok(mut p) => self.builder.finish_into(&mut p).map(|()| p),
                    Err(_) => self.builder.finish(),
                };
            }
            for pending in self.block.iter_mut().take(end - start) {
                let prepared = match &mut pending.read {
                    Ok(p) => Ok(&*p),
                    Err(e) => Err(std::mem::replace(e, UNREAD)),
                };
                finish(layout, &mut self.scores, prepared, &pending.unread, &mut out, to);
            }
            start = end;
        }
        out
    }
}

/// An input column: its index, the input's slot and name.
#[derive(Debug)]
struct InputColumn {
    column: usize,
    slot: usize,
    name: String,
}

/// Scores every row of `batches`; `inputs`: (column index, input name); `id`: the id column.
pub(crate) fn arrow(
    scorer: &Scorer,
    batches: &[RecordBatch],
    inputs: Vec<(usize, String)>,
    id: Option<(usize, Field)>,
    explain: Option<Lang>,
    messages: Option<Lang>,
) -> Result<Scored, ArrowError> {
    let layout = Layout::new(scorer, explain, messages);
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
    // Every batch's chunks in one list of tasks, so that many small batches share the cores too;
    // each task writes its rows' figures into its own stretch of the batch's result columns.
    let columns = layout.ids.len() + 1;
    let mut figures: Vec<Figures> = batches.iter().map(|b| Figures::new(columns, b.num_rows())).collect();
    let mut tasks = Vec::new();
    let mut first = 0;
    for (b, (batch, figures)) in batches.iter().zip(&mut figures).enumerate() {
        let n = batch.num_rows();
        tasks.extend(
            chunks(n)
                .zip(figures.split(chunk_for(n)))
                .map(|(rows, to)| (b, rows, first, to)),
        );
        first += n;
    }
    let readers_of = |b: usize| -> Vec<(&InputColumn, ColumnReader<'_>)> {
        let Some(batch) = batches.get(b) else { return Vec::new() };
        inputs
            .iter()
            .filter_map(|c| Some((c, ColumnReader::new(batch.columns().get(c.column)?.as_ref()))))
            .collect()
    };
    let pieces: Vec<(usize, Gathered<'_>)> = tasks
        .into_par_iter()
        .map_init(
            || (Worker::new(scorer), None),
            |(worker, readers), (b, rows, first, mut to)| {
                // A task's readers serve the next task of the same batch.
                let same = matches!(readers, Some((rb, _)) if *rb == b);
                if !same {
                    *readers = Some((b, readers_of(b)));
                }
                let r = readers.as_ref().map_or(&[][..], |(_, r)| &r[..]);
                (b, worker.score(&layout, r, rows, first, &mut to))
            },
        )
        .collect();
    let mut parts: Vec<Part<'_>> = batches
        .iter()
        .zip(figures)
        .map(|(batch, figures)| Part {
            rows: batch.num_rows(),
            ids: id.as_ref().and_then(|(i, _)| batch.columns().get(*i).cloned()),
            figures,
            pieces: Vec::new(),
        })
        .collect();
    for (b, piece) in pieces {
        if let Some(part) = parts.get_mut(b) {
            part.pieces.push(piece);
        }
    }
    assemble(&layout, parts, id.map(|(_, f)| f))
}

/// Scores units read by name.
pub(crate) fn units(
    scorer: &Scorer,
    units: &[Unit],
    id: Option<(Field, ArrayRef)>,
    explain: Option<Lang>,
    messages: Option<Lang>,
) -> Result<Scored, ArrowError> {
    let layout = Layout::new(scorer, explain, messages);
    let n = units.len();
    let mut figures = Figures::new(layout.ids.len() + 1, n);
    let tasks: Vec<_> = chunks(n).zip(figures.split(chunk_for(n))).collect();
    let pieces: Vec<Gathered<'_>> = tasks
        .into_par_iter()
        .map_init(Scores::default, |scores, (rows, mut to)| {
            let mut out = Gathered::new(layout.messages, rows.clone(), 0);
            for unit in units.get(rows).unwrap_or_default() {
                let prepared = scorer.prepare(&unit.inputs);
                finish(
                    &layout,
                    scores,
                    prepared.as_ref().map_err(Clone::clone),
                    &unit.unread,
                    &mut out,
                    &mut to,
                );
            }
            out
        })
        .collect();
    let (field, ids) = id.map_or((None, None), |(f, a)| (Some(f), Some(a)));
    let part = Part {
        rows: n,
        ids,
        figures,
        pieces,
    };
    assemble(&layout, vec![part], field)
}
