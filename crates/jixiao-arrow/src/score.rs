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
use crate::write::{DecimalType, Part, assemble};
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

/// What the results' columns gather, row by row, for the rows of one task.
#[derive(Debug)]
pub(crate) struct Gathered<'s> {
    /// The number of the first row (over every batch).
    first: usize,
    /// One column per indicator, as mantissas at the figure columns' scale; null where the row
    /// failed.
    pub scores: Vec<Vec<Option<i128>>>,
    pub total: Vec<Option<i128>>,
    /// Scratch: the row's figures being converted.
    row: Vec<Option<i128>>,
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
    fn new(messages: Lang, columns: usize, rows: Range<usize>) -> Self {
        let n = rows.len();
        Gathered {
            messages,
            first: rows.start,
            scores: (0..columns).map(|_| Vec::with_capacity(n)).collect(),
            total: Vec::with_capacity(n),
            row: Vec::with_capacity(columns),
            grade: Vec::with_capacity(n),
            error: Vec::with_capacity(n),
            warning: Vec::with_capacity(n),
            explanation: Vec::with_capacity(n),
            errors: Vec::new(),
        }
    }

    pub fn rows(&self) -> usize {
        self.total.len()
    }

    /// A scored row: its figures (one per indicator column), total, grade and explanation. A
    /// figure that does not fit the columns' type fails the row instead.
    fn push_row(
        &mut self,
        layout: &Layout<'s>,
        figures: impl Iterator<Item = Option<Decimal>>,
        total: Decimal,
        grade: Cow<'s, str>,
        warning: Option<String>,
        explanation: Option<String>,
    ) {
        self.row.clear();
        for (j, figure) in figures.enumerate() {
            match figure.map(|d| layout.decimal.mantissa(d).ok_or(d)).transpose() {
                Ok(m) => self.row.push(m),
                Err(d) => {
                    let id = layout.ids.get(j).copied().unwrap_or_default();
                    return self.push_error(EvalError::Score {
                        indicator: id.to_string(),
                        problem: jixiao::ScoreProblem::DoesNotFit {
                            message: format!(
                            "the score {d} does not fit the result column's type {} (a figure is never rounded to fit)",
                            layout.decimal.data_type()
                        ),
                        },
                    });
                }
            }
        }
        let Some(t) = layout.decimal.mantissa(total) else {
            return self.push_error(EvalError::Overflow {
                location: "total".into(),
                what: "its decimal128 result column (the total does not fit the column's type)",
            });
        };
        let mut row = self.row.iter().copied();
        for column in &mut self.scores {
            column.push(row.next().flatten());
        }
        self.total.push(Some(t));
        self.grade.push(Some(grade));
        self.error.push(None);
        self.warning.push(warning);
        self.explanation.push(explanation);
    }

    fn push_scores(&mut self, layout: &Layout<'s>, s: &Scores) {
        let figures = (0..self.scores.len()).map(|j| s.indicators.get(j).copied());
        let grade = layout.scorer.grade_label(s.grade).unwrap_or_default();
        let warning = layout.warning(s.failed_checks.iter().copied());
        self.push_row(layout, figures, s.total, Cow::Borrowed(grade), warning, None);
    }

    fn push_evaluation(&mut self, layout: &Layout<'s>, e: &Evaluation) {
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
        self.push_row(
            layout,
            figures,
            e.total,
            Cow::Owned(e.grade.to_string()),
            warning,
            explanation,
        );
    }

    fn push_error(&mut self, error: EvalError) {
        for column in &mut self.scores {
            column.push(None);
        }
        self.total.push(None);
        self.grade.push(None);
        self.error.push(Some(error.message(self.messages)));
        self.warning.push(None);
        self.explanation.push(None);
        let row = self.first + self.rows().saturating_sub(1);
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
) {
    let prepared = match with_unread(prepared, unread) {
        Ok(p) => p,
        Err(e) => return out.push_error(e),
    };
    if layout.explain.is_some() {
        match layout.scorer.evaluate_prepared(prepared) {
            Ok(e) => out.push_evaluation(layout, &e),
            Err(e) => out.push_error(e),
        }
    } else {
        match layout.scorer.score_into(prepared, scores) {
            Ok(()) => out.push_scores(layout, scores),
            Err(e) => out.push_error(e),
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
    /// rows at a time: read, then scored, in order.
    fn score(
        &mut self,
        layout: &Layout<'s>,
        readers: &[(&InputColumn, ColumnReader<'_>)],
        rows: Range<usize>,
        first: usize,
    ) -> Gathered<'s> {
        let mut out = Gathered::new(layout.messages, layout.ids.len(), first + rows.start..first + rows.end);
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
                finish(layout, &mut self.scores, prepared, &pending.unread, &mut out);
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
    // Every batch's chunks in one list of tasks, so that many small batches share the cores too.
    let mut tasks = Vec::new();
    let mut first = 0;
    for (b, batch) in batches.iter().enumerate() {
        tasks.extend(chunks(batch.num_rows()).map(|rows| (b, rows, first)));
        first += batch.num_rows();
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
            |(worker, readers), (b, rows, first)| {
                // A task's readers serve the next task of the same batch.
                let same = matches!(readers, Some((rb, _)) if *rb == b);
                if !same {
                    *readers = Some((b, readers_of(b)));
                }
                let r = readers.as_ref().map_or(&[][..], |(_, r)| &r[..]);
                (b, worker.score(&layout, r, rows, first))
            },
        )
        .collect();
    let mut parts: Vec<Part<'_>> = batches
        .iter()
        .map(|batch| Part {
            rows: batch.num_rows(),
            ids: id.as_ref().and_then(|(i, _)| batch.columns().get(*i).cloned()),
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
    let pieces: Vec<Gathered<'_>> = chunks(units.len())
        .collect::<Vec<_>>()
        .into_par_iter()
        .map_init(Scores::default, |scores, rows| {
            let mut out = Gathered::new(layout.messages, layout.ids.len(), rows.clone());
            for unit in units.get(rows).unwrap_or_default() {
                let prepared = scorer.prepare(&unit.inputs);
                finish(
                    &layout,
                    scores,
                    prepared.as_ref().map_err(Clone::clone),
                    &unit.unread,
                    &mut out,
                );
            }
            out
        })
        .collect();
    let (field, ids) = id.map_or((None, None), |(f, a)| (Some(f), Some(a)));
    let part = Part {
        rows: units.len(),
        ids,
        pieces,
    };
    assemble(&layout, vec![part], field)
}
