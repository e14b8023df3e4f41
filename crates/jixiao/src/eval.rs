//! Evaluation: inputs in, every indicator's score with its reasons, the total and the grade out.

use std::sync::Arc;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::compile::{CBand, CNode, CRule, Compiled, InVal, Measure, Scorer, range_display};
use crate::dec::{Arith, at_least_zero, with_places};
use crate::error::{ArithmeticFault, EvalError, InputError, ScoreProblem};
use crate::expr::{Env, Expr, Fault, Ref, Value};
use crate::format::{Better, ChecklistMode, Counting, Direction, NaOutcome, ParentScore, Rounding, RoundingMode};
use crate::inputs::Inputs;

mod prepared;
#[cfg(feature = "compiled")]
pub(crate) mod program;
mod progress;
pub use prepared::{InputsBuilder, PreparedInputs, RowSlots};
pub use progress::{BandPoints, LeafProgress, LeafState, LevelBands, Progress};

/// A measured value with what is needed to show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measured {
    /// The metric or input name, or the expression text.
    pub label: Arc<str>,
    /// English label when declared.
    pub label_en: Option<Arc<str>>,
    /// Unit when declared.
    pub unit: Option<Arc<str>>,
    /// Whether the value is a ratio shown as a percentage.
    pub percent: bool,
    /// The exact value.
    pub value: Decimal,
    /// The calculation with the unit's figures, as published tables show it
    /// (`(860+2000+899+108−681)/(860+2000+899+108)`), when the value is computed by arithmetic.
    pub calc: Option<Arc<str>>,
}

/// How a leaf's score came about: the structured reason that explanations are rendered from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// A group: the sum of its children.
    Group,
    /// Not applicable (see [`IndicatorResult::status`]).
    NotApplicable,
    /// Deduction per step beyond a threshold.
    Step {
        /// The measured value.
        measured: Measured,
        /// Which side loses points.
        direction: Direction,
        /// The threshold.
        threshold: Decimal,
        /// Size of a step.
        step: Decimal,
        /// Points per step.
        deduct: Decimal,
        /// How partial steps count.
        counting: Counting,
        /// Distance beyond the threshold (zero on the good side).
        gap: Decimal,
        /// Steps counted.
        steps: Decimal,
        /// Points deducted (after any cap).
        deduction: Decimal,
        /// Whether the deduction was limited by the maximum or the points.
        capped: bool,
    },
    /// A tier of a tier table.
    Tier {
        /// The measured value.
        measured: Measured,
        /// Index of the tier in the table.
        index: usize,
        /// Lower bound and whether it is inclusive.
        lower: Option<(Decimal, bool)>,
        /// Upper bound and whether it is inclusive.
        upper: Option<(Decimal, bool)>,
    },
    /// No tier covered the value; the table's `otherwise` applied.
    TierOtherwise {
        /// The measured value.
        measured: Measured,
    },
    /// Ratio to a target.
    Ratio {
        /// Actual value.
        actual: Measured,
        /// Target.
        target: Measured,
        /// Direction of improvement.
        better: Better,
        /// Share of the points scored, in [0, 1].
        share: Decimal,
    },
    /// Rate × points.
    Rate {
        /// The rate.
        measured: Measured,
        /// The rate used after clamping to [0, 1].
        used: Decimal,
    },
    /// A qualitative level.
    Level {
        /// The level given.
        level: Arc<str>,
        /// Share of the points scored.
        share: Decimal,
        /// Whether the evaluator gave the score (otherwise the band's default).
        given: bool,
        /// The band's lower share.
        band_min: Decimal,
        /// The band's upper share.
        band_max: Decimal,
        /// Whether the lower share belongs to the band.
        band_min_inclusive: bool,
        /// Whether the upper share belongs to the band.
        band_max_inclusive: bool,
    },
    /// A checklist.
    Checklist {
        /// Award or deduct.
        mode: ChecklistMode,
        /// Satisfied items.
        satisfied: Vec<Arc<str>>,
        /// Missing items.
        missing: Vec<Arc<str>>,
    },
    /// Deduction per occurrence.
    PerOccurrence {
        /// Number of occurrences.
        measured: Measured,
        /// Points per occurrence.
        deduct: Decimal,
        /// Points deducted (after any cap).
        deduction: Decimal,
        /// Whether the deduction was limited.
        capped: bool,
    },
    /// A score given by the evaluator.
    Manual {
        /// The input holding it.
        input: Arc<str>,
    },
    /// The first case that held.
    Case {
        /// Index of the case.
        index: usize,
        /// The table's wording of the case.
        label: Option<Arc<str>>,
        /// The condition text.
        condition: Arc<str>,
    },
    /// No case held; `otherwise` applied.
    CaseOtherwise,
    /// A formula's result.
    Formula {
        /// The formula text.
        expr: Arc<str>,
        /// Its value before clamping.
        value: Decimal,
        /// Whether it was clamped into [0, points].
        clamped: bool,
    },
    /// The option of a choose-one rule that applied.
    Chosen {
        /// The option's name.
        option: Arc<str>,
        /// Its index.
        index: usize,
        /// How the option's rule scored.
        inner: Box<Outcome>,
    },
}

impl Outcome {
    /// The rule kind as the JSON layer names it: `group`, `not_applicable`, `step`, `tiers`,
    /// `ratio`, `rate`, `level`, `checklist`, `per_occurrence`, `manual`, `cases`, `formula`, `choose_one`.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::Group => "group",
            Outcome::NotApplicable => "not_applicable",
            Outcome::Step { .. } => "step",
            Outcome::Tier { .. } | Outcome::TierOtherwise { .. } => "tiers",
            Outcome::Ratio { .. } => "ratio",
            Outcome::Rate { .. } => "rate",
            Outcome::Level { .. } => "level",
            Outcome::Checklist { .. } => "checklist",
            Outcome::PerOccurrence { .. } => "per_occurrence",
            Outcome::Manual { .. } => "manual",
            Outcome::Case { .. } | Outcome::CaseOtherwise => "cases",
            Outcome::Formula { .. } => "formula",
            Outcome::Chosen { .. } => "choose_one",
        }
    }
}

/// Whether an indicator was scored or not applicable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Scored by its rule (leaf) or its children (group).
    Scored,
    /// Not applicable.
    NotApplicable {
        /// What it scores.
        outcome: NaOutcome,
        /// The table's wording.
        reason: Option<Arc<str>>,
        /// Set when a parent was not applicable rather than the indicator itself.
        inherited: bool,
    },
}

/// One deduction: its amount and, for checklists, the missing item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deduction {
    /// Points deducted.
    pub amount: Decimal,
    /// The missing checklist item that caused it, if any; otherwise the indicator's outcome is the reason.
    pub item: Option<Arc<str>>,
}

/// The result of one indicator (tree node or bonus item).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndicatorResult {
    /// Identifier.
    pub id: Arc<str>,
    /// Name.
    pub name: Arc<str>,
    /// English name.
    pub name_en: Option<Arc<str>>,
    /// Depth in the tree (0 = 一级指标).
    pub depth: usize,
    /// Index of the parent in the same result list.
    pub parent: Option<usize>,
    /// Whether the indicator is a leaf.
    pub is_leaf: bool,
    /// Whether it is a core indicator (核心指标, ★).
    pub core: bool,
    /// Points (分值).
    pub points: Decimal,
    /// Score (得分), rounded as the system says.
    pub score: Decimal,
    /// Score before indicator/subtotal rounding.
    pub exact_score: Decimal,
    /// The measured value of the rule (实际值), when the rule reads one.
    pub value: Option<Decimal>,
    /// Scored or not applicable.
    pub status: Status,
    /// How the score came about.
    pub outcome: Outcome,
    /// The deductions; their amounts sum to points − score.
    pub deductions: Vec<Deduction>,
    /// How the score is stated (`None`: exactly), for the note on a rounded score.
    pub rounding: Option<Rounding>,
}

/// A veto that applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VetoResult {
    /// Identifier.
    pub id: Arc<str>,
    /// Name.
    pub name: Arc<str>,
    /// English name.
    pub name_en: Option<Arc<str>>,
    /// Grade it forces.
    pub grade: Option<Arc<str>>,
    /// English label of the grade it forces.
    pub grade_en: Option<Arc<str>>,
    /// Total it sets.
    pub total: Option<Decimal>,
    /// Cap it puts on the total.
    pub max_total: Option<Decimal>,
}

/// A data consistency check (勾稽关系) of the system, as run on one unit's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckResult {
    /// Identifier.
    pub id: Arc<str>,
    /// Name.
    pub name: Arc<str>,
    /// English name.
    pub name_en: Option<Arc<str>>,
    /// The condition.
    pub expr: Arc<str>,
    /// Whether it held; `None` when an input it needs was not given (the check was skipped).
    pub passed: Option<bool>,
    /// For a failed comparison (`a = b`, `a <= b`, `abs(a - b) <= t`): the value of each side,
    /// and the tolerance `t`.
    pub sides: Option<CheckSides>,
    /// What a failure does (a failed `error` check stops the evaluation, so here it is `warning`
    /// unless the check passed or was skipped).
    pub severity: crate::format::Severity,
}

/// The figures of a failed comparison check: `left = right` (or `<=` ...) did not hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckSides {
    /// The left side (of `abs(a - b) <= t`: `a`).
    pub left: Decimal,
    /// The right side (of `abs(a - b) <= t`: `b`).
    pub right: Decimal,
    /// `t` of `abs(a - b) <= t`.
    pub tolerance: Option<Decimal>,
}

/// A core indicator (核心指标) that was not met and capped the grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreCapResult {
    /// The indicator's id.
    pub id: Arc<str>,
    /// Its name.
    pub name: Arc<str>,
    /// Its English name.
    pub name_en: Option<Arc<str>>,
    /// Its stated score.
    pub score: Decimal,
    /// Its points.
    pub points: Decimal,
    /// The share of the points it had to score.
    pub min_share: Decimal,
    /// The best grade it allows.
    pub grade: Arc<str>,
    /// English label of that grade.
    pub grade_en: Option<Arc<str>>,
}

/// The evaluation of one unit: every indicator, subtotals, total and grade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The system's id.
    pub system_id: Arc<str>,
    /// The indicator tree's results in pre-order (parents before children).
    pub indicators: Vec<IndicatorResult>,
    /// Bonus items' results.
    pub bonus: Vec<IndicatorResult>,
    /// Full points of the tree.
    pub full_points: Decimal,
    /// Sum of the top-level scores.
    pub tree_total: Decimal,
    /// Points of indicators excluded as not applicable.
    pub excluded_points: Decimal,
    /// The tree total scaled to full points when indicators were excluded (按比例折算).
    pub rescaled_total: Option<Decimal>,
    /// Bonus added, after its cap.
    pub bonus_total: Decimal,
    /// Sum of the bonus items' scores before the caps.
    pub bonus_items_total: Decimal,
    /// Vetoes that applied.
    pub vetoes: Vec<VetoResult>,
    /// The system's data consistency checks (勾稽关系), in declaration order.
    pub checks: Vec<CheckResult>,
    /// Core indicators (核心指标) not met, each capping the grade.
    pub core_caps: Vec<CoreCapResult>,
    /// The total before its own rounding: formed from the stated scores (or, under
    /// `rounding.parent = rounded_exact_sum`, the exact ones); each indicator's exact score is
    /// [`IndicatorResult::exact_score`].
    pub exact_total: Decimal,
    /// The total (综合得分).
    pub total: Decimal,
    /// How the total is stated (`None`: exactly).
    pub total_rounding: Option<Rounding>,
    /// The grade (评价等次).
    pub grade: Arc<str>,
    /// English grade label.
    pub grade_en: Option<Arc<str>>,
    /// What produced this result: the system (id, version, year, content hash) and the engine.
    pub provenance: Arc<crate::compile::Provenance>,
}

impl Evaluation {
    /// The result of an indicator (tree or bonus) by id.
    pub fn indicator(&self, id: &str) -> Option<&IndicatorResult> {
        self.indicators.iter().chain(self.bonus.iter()).find(|r| &*r.id == id)
    }
}

#[expect(
    clippy::disallowed_methods,
    reason = "the one place that rounds in the modes other than half away from zero"
)]
pub(crate) fn round(value: Decimal, r: Rounding) -> Decimal {
    let strategy = match r.mode {
        RoundingMode::HalfUp => return crate::dec::round_half_up(value, r.scale),
        RoundingMode::HalfEven => RoundingStrategy::MidpointNearestEven,
        RoundingMode::Down => RoundingStrategy::ToZero,
        RoundingMode::Up => RoundingStrategy::AwayFromZero,
    };
    value.round_dp_with_strategy(r.scale, strategy)
}

/// A score stated at `r`: rounded, kept within [0, points], and written with `r.scale` places
/// (5.00, not 5), so that every front end shows the figure the table states. Points finer than
/// the precision (9.66 at one place) cap the score at the points themselves, not at 9.7.
///
/// The rounded score is written at its places before it is compared with the points, which the
/// program holds at the same places: a comparison of two mantissas rather than one that rescales
/// (the same figure either way: writing a value at more places does not change it).
fn stated(value: Decimal, r: Rounding, points: Decimal) -> Decimal {
    with_places(clamp_points(with_places(round(value, r), r.scale), points), r.scale)
}

impl Scorer {
    /// Evaluates one unit.
    ///
    /// Every input problem is reported at once ([`EvalError::Inputs`]); otherwise the first
    /// evaluation problem (a division by zero, a score outside its band ...) is returned.
    pub fn evaluate(&self, inputs: &Inputs) -> Result<Evaluation, EvalError> {
        let slots = self.resolve_inputs(inputs)?;
        Run::new(&self.inner, &slots).evaluate()
    }

    /// Evaluates many units, in order; one unit's error never affects the others.
    ///
    /// Large batches are split across the machine's cores (with the `parallel` feature).
    pub fn evaluate_batch(&self, units: &[Inputs]) -> Vec<Result<Evaluation, EvalError>> {
        map_units(units, || (), |(), u| self.evaluate(u))
    }

    /// Names of the declared inputs, in declaration order.
    pub fn input_names(&self) -> impl Iterator<Item = &str> {
        self.inner.inputs.iter().map(|i| &*i.name)
    }

    /// Resolves a unit's inputs against this system once: names looked up, text parsed, values
    /// checked, defaults filled in. Every input problem is reported at once, as by [`evaluate`].
    ///
    /// [`evaluate`]: Scorer::evaluate
    pub fn prepare(&self, inputs: &Inputs) -> Result<PreparedInputs, EvalError> {
        Ok(PreparedInputs {
            system: self.identity(),
            values: self.resolve_inputs(inputs)?,
        })
    }

    /// Prepares many units, in order, across the machine's cores (with the `parallel` feature).
    pub fn prepare_batch(&self, units: &[Inputs]) -> Vec<Result<PreparedInputs, EvalError>> {
        map_units(units, || (), |(), u| self.prepare(u))
    }

    /// Prepares the units of a table's rows ([`row_slots`](Self::row_slots)), across the machine's
    /// cores (with the `parallel` feature): each as [`InputsBuilder::finish_row`] prepares it.
    pub fn prepare_rows<R: AsRef<[C]> + Sync, C: AsRef<str>>(
        &self,
        slots: &RowSlots,
        rows: &[R],
    ) -> Vec<Result<PreparedInputs, EvalError>> {
        map_units(
            rows,
            || self.inputs_builder(),
            |builder, row| builder.finish_row(slots, row.as_ref()),
        )
    }

    /// An empty set of prepared inputs, to fill slot by slot with [`InputsBuilder`] (columnar
    /// sources: one name lookup per column, not per cell).
    pub fn inputs_builder(&self) -> InputsBuilder<'_> {
        let n = self.inner.inputs.len();
        InputsBuilder {
            scorer: self,
            values: vec![InVal::Absent; n],
            given: vec![false; n],
            errors: Vec::new(),
            memo: prepared::TextMemo::default(),
        }
    }

    /// The slot (declaration index) of an input, for [`InputsBuilder::set`].
    pub fn input_slot(&self, name: &str) -> Option<usize> {
        self.inner.input_index.get(name).map(|&i| i as usize)
    }

    /// Evaluates prepared inputs (the same result as [`evaluate`](Scorer::evaluate)).
    pub fn evaluate_prepared(&self, inputs: &PreparedInputs) -> Result<Evaluation, EvalError> {
        self.check_identity(inputs)?;
        Run::new(&self.inner, &inputs.values).evaluate()
    }

    /// Scores prepared inputs into `out`: every indicator's score, the total and the grade —
    /// computed by the same code as [`evaluate`](Scorer::evaluate), without building names,
    /// outcomes and deductions. `out`'s buffers are reused: no allocation per unit once warm.
    pub fn score_into(&self, inputs: &PreparedInputs, out: &mut Scores) -> Result<(), EvalError> {
        #[cfg(feature = "compiled")]
        {
            self.check_identity(inputs)?;
            let c = &*self.inner;
            if c.program.run(c, &inputs.values, out).is_ok() {
                return Ok(());
            }
            // A unit the program does not answer (an error, mostly): the reference states it.
        }
        self.score_by_reference(inputs, out)
    }

    /// [`score_into`](Scorer::score_into) by the compiled program alone: `None` where it gives
    /// no answer. For the differential tests and benchmarks; not a stable interface.
    #[cfg(feature = "compiled")]
    #[doc(hidden)]
    pub fn score_compiled(&self, inputs: &PreparedInputs, out: &mut Scores) -> Option<Result<(), EvalError>> {
        if let Err(e) = self.check_identity(inputs) {
            return Some(Err(e));
        }
        let c = &*self.inner;
        c.program.run(c, &inputs.values, out).ok().map(Ok)
    }

    /// The compiled program against the reference evaluator on one prepared unit (issue 17's
    /// differential safety net, run by the tests and the fuzzers): `Ok(true)` when the program
    /// answered and its figures are the reference's to the last place (`5.00` is not `5`);
    /// `Ok(false)` when it gave no answer and the reference fails (the program leaves every
    /// error to the reference, and nothing else); `Err` with what differs otherwise. Not a
    /// stable interface.
    #[cfg(feature = "compiled")]
    #[doc(hidden)]
    pub fn compiled_agrees(&self, unit: &PreparedInputs) -> Result<bool, String> {
        let text = |s: &Scores| {
            let scores: Vec<String> = s.indicators.iter().map(ToString::to_string).collect();
            format!(
                "scores {scores:?} total {} exact {} grade {} vetoed {} failed checks {:?}",
                s.total, s.exact_total, s.grade, s.vetoed, s.failed_checks
            )
        };
        let mut reference = Scores::default();
        let expected = self.score_by_reference(unit, &mut reference);
        let mut compiled = Scores::default();
        // Twice into the same buffers: nothing of one unit may leak into the next.
        for _ in 0..2 {
            match (&expected, self.score_compiled(unit, &mut compiled)) {
                (Ok(()), Some(Ok(()))) => {
                    let (want, have) = (text(&reference), text(&compiled));
                    if want != have {
                        return Err(format!("reference: {want}\ncompiled:  {have}"));
                    }
                }
                (Err(e), Some(Ok(()))) => {
                    return Err(format!(
                        "the reference fails ({e}) but the program scores it: {}",
                        text(&compiled)
                    ));
                }
                (_, Some(Err(e))) => return Err(format!("the program reports an error of its own: {e}")),
                (Err(_), None) => return Ok(false),
                (Ok(()), None) => {
                    return Err(format!(
                        "the reference scores it ({}) but the program gives no answer",
                        text(&reference)
                    ));
                }
            }
        }
        Ok(true)
    }

    /// [`score_into`](Scorer::score_into) by the reference evaluator (the tree walk that
    /// [`evaluate`](Scorer::evaluate) runs). For the differential tests and benchmarks; not a
    /// stable interface.
    #[doc(hidden)]
    pub fn score_by_reference(&self, inputs: &PreparedInputs, out: &mut Scores) -> Result<(), EvalError> {
        self.check_identity(inputs)?;
        let c = &*self.inner;
        let mut run = Run::reusing(
            c,
            &inputs.values,
            false,
            Vec::new(),
            std::mem::take(&mut out.indicators),
        );
        let result = run.run(&mut Vec::new(), &mut Vec::new());
        out.indicators = std::mem::take(&mut run.scores);
        let t = result?;
        out.total = t.total;
        out.exact_total = t.exact_total;
        out.grade = t.grade;
        out.vetoed = t.vetoed;
        out.failed_checks = std::mem::take(&mut run.failed_checks);
        Ok(())
    }

    /// A failed consistency check as batch outputs list it: `勾稽关系K1“收入 = …”不符`, by its
    /// index in [`Scores::failed_checks`] or [`ScoreTable::failed_checks`].
    pub fn check_notice(&self, index: usize, lang: crate::Lang) -> Option<String> {
        let k = self.inner.checks.get(index)?;
        Some(match lang {
            crate::Lang::Zh => format!("勾稽关系{}“{}”不符", k.id, k.name),
            crate::Lang::En => {
                format!(
                    "check {} \"{}\" does not hold",
                    k.id,
                    k.name_en.as_deref().unwrap_or(&k.name)
                )
            }
        })
    }

    /// Whether the system declares consistency checks (whose failures batch outputs list).
    pub fn has_checks(&self) -> bool {
        !self.inner.checks.is_empty()
    }

    /// Scores one unit (see [`score_into`](Scorer::score_into)).
    pub fn score(&self, inputs: &Inputs) -> Result<Scores, EvalError> {
        let mut out = Scores::default();
        self.score_into(&self.prepare(inputs)?, &mut out)?;
        Ok(out)
    }

    /// Scores many prepared units, in order, across the machine's cores (with the `parallel`
    /// feature).
    pub fn score_batch(&self, units: &[PreparedInputs]) -> Vec<Result<Scores, EvalError>> {
        // One scratch per task; each result keeps only its figures.
        map_units(units, Scores::default, |scratch, u| {
            self.score_into(u, scratch).map(|()| Scores {
                indicators: scratch.indicators.clone(),
                failed_checks: scratch.failed_checks.clone(),
                #[cfg(feature = "compiled")]
                scratch: program::Scratch::default(),
                ..*scratch
            })
        })
    }

    /// Scores many prepared units into one flat table whose buffers are reused from call to
    /// call, across the machine's cores (with the `parallel` feature): the batch entry point for large or
    /// streamed batches, with no allocation per unit. Row `r` of the table is `units[r]`.
    pub fn score_table(&self, units: &[PreparedInputs], out: &mut ScoreTable) {
        let width = self.inner.nodes.len();
        out.width = width;
        // Every row is written below (a failed one with zeros), across the cores: the buffers
        // keep what they hold and only grow, rather than being cleared on this one thread first.
        out.scores.truncate(units.len() * width);
        out.scores.resize(units.len() * width, Decimal::ZERO);
        out.totals.truncate(units.len());
        out.totals.resize(units.len(), Decimal::ZERO);
        out.grades.truncate(units.len());
        out.grades.resize(units.len(), 0);
        out.errors.clear();
        out.warnings.clear();
        let fill = |first: usize,
                    part: &[PreparedInputs],
                    scores: &mut [Decimal],
                    totals: &mut [Decimal],
                    grades: &mut [usize]| {
            let mut scratch = Scores::default();
            let mut errors = Vec::new();
            let mut warnings = Vec::new();
            let rows = part
                .iter()
                .zip(scores.chunks_mut(width.max(1)))
                .zip(totals.iter_mut().zip(grades.iter_mut()));
            for (r, ((unit, row), (total, grade))) in rows.enumerate() {
                match self.score_into(unit, &mut scratch) {
                    Ok(()) => {
                        row.copy_from_slice(scratch.indicators.get(..row.len()).unwrap_or_default());
                        *total = scratch.total;
                        *grade = scratch.grade;
                        if !scratch.failed_checks.is_empty() {
                            warnings.push((first + r, std::mem::take(&mut scratch.failed_checks)));
                        }
                    }
                    Err(e) => {
                        row.fill(Decimal::ZERO);
                        *total = Decimal::ZERO;
                        *grade = 0;
                        errors.push((first + r, e));
                    }
                }
            }
            (errors, warnings)
        };
        #[cfg(feature = "parallel")]
        if width > 0 {
            use rayon::prelude::*;
            // Several parts per thread, so that a thread slowed by other work does less of it.
            let per = units
                .len()
                .div_ceil(rayon::current_num_threads().saturating_mul(4))
                .max(PARALLEL_CHUNK);
            let parts: Vec<PartRows> = units
                .par_chunks(per)
                .zip(out.scores.par_chunks_mut(per * width))
                .zip(out.totals.par_chunks_mut(per))
                .zip(out.grades.par_chunks_mut(per))
                .enumerate()
                .map(|(k, (((part, scores), totals), grades))| fill(k * per, part, scores, totals, grades))
                .collect();
            for (errors, warnings) in parts {
                out.errors.extend(errors);
                out.warnings.extend(warnings);
            }
            return;
        }
        let (errors, warnings) = fill(0, units, &mut out.scores, &mut out.totals, &mut out.grades);
        out.errors = errors;
        out.warnings = warnings;
    }

    /// The grade label of [`Scores::grade`].
    pub fn grade_label(&self, grade: usize) -> Option<&str> {
        self.inner.grades.get(grade).map(|g| &*g.label)
    }

    /// The places at which this system states every score and the total — the largest of its
    /// stated precisions — or `None` when some score or the total is stated exactly (rounding
    /// `"none"`). Columnar outputs give every score column this one decimal scale, whatever the data.
    pub fn stated_scale(&self) -> Option<u32> {
        let c = &*self.inner;
        let total = c.rounding.total?.scale;
        c.nodes
            .iter()
            .try_fold(total, |scale, n| n.rounding.map(|r| scale.max(r.scale)))
    }

    /// Ids of the indicators in the order of [`Scores::indicators`]: the tree in pre-order, then
    /// the bonus items (the order of [`Evaluation::indicators`] followed by [`Evaluation::bonus`]).
    pub fn indicator_ids(&self) -> impl Iterator<Item = &str> {
        self.inner.nodes.iter().map(|n| &*n.id)
    }

    pub(crate) fn identity(&self) -> u64 {
        self.inner.id
    }

    fn check_identity(&self, inputs: &PreparedInputs) -> Result<(), EvalError> {
        if inputs.system == self.identity() {
            Ok(())
        } else {
            Err(EvalError::Inputs(vec![InputError::Invalid {
                name: "(all)".into(),
                problem: crate::inputs::ValueProblem::Unreadable {
                    message: "these inputs were prepared for another indicator system".into(),
                },
            }]))
        }
    }

    /// Evaluates resolved input slots (for analyses that vary one input).
    pub(crate) fn evaluate_slots(&self, slots: &[InVal]) -> Result<Evaluation, EvalError> {
        Run::new(&self.inner, slots).evaluate()
    }

    /// The inputs by name into their slots: what [`InputsBuilder`] does slot by slot.
    pub(crate) fn resolve_inputs(&self, inputs: &Inputs) -> Result<Vec<InVal>, EvalError> {
        let mut builder = self.inputs_builder();
        #[cfg(feature = "compiled")]
        touch(inputs);
        // Both in byte order of the names: one merge, no hashing.
        let mut declared = self.inner.inputs_by_name.iter().peekable();
        for (name, value) in &inputs.values {
            // One comparison of the two names a step (each of them a memcmp).
            let mut found = None;
            while let Some(&&(ref d, i)) = declared.peek() {
                match (**d).cmp(&**name) {
                    std::cmp::Ordering::Less => {
                        declared.next();
                    }
                    std::cmp::Ordering::Equal => {
                        declared.next();
                        found = Some(i);
                        break;
                    }
                    std::cmp::Ordering::Greater => break,
                }
            }
            match found {
                Some(i) => builder.set(i as usize, value),
                None => builder.errors.push(InputError::Unknown { name: name.clone() }),
            }
        }
        builder.complete()?;
        Ok(builder.values)
    }
}

/// Reads the first byte of every name and text of a unit's map (each its own allocation on the
/// caller's heap), so that their cache misses overlap. `resolve_inputs` compares and converts
/// them one by one, a few hundred instructions each, so the processor reaches the next name's
/// miss only after the last one's has been served; this loop is a few instructions a name, and
/// the processor has all of them in flight at once. W from named inputs, 1 000 units (several
/// MiB of maps, beyond the second-level cache): about a fifth less time (BENCHMARKS.md). With
/// the compiled program only, as the native engine's other speed-ups: the browser modules score
/// one unit at a time and count their bytes.
#[cfg(feature = "compiled")]
fn touch(inputs: &Inputs) {
    let first = |s: &str| s.as_bytes().first().copied().unwrap_or(0);
    let sum = inputs.values.iter().fold(0_u8, |sum, (name, value)| {
        let text = match value {
            crate::InputValue::Text(t) | crate::InputValue::Level { level: t, .. } => first(t),
            crate::InputValue::Items(items) => items.iter().fold(0_u8, |s, i| s.wrapping_add(first(i))),
            crate::InputValue::Number(_) | crate::InputValue::Bool(_) => 0,
        };
        sum.wrapping_add(first(name)).wrapping_add(text)
    });
    std::hint::black_box(sum);
}

/// `f` over every unit, results in order: on rayon's thread pool with the `parallel` feature (at
/// least `PARALLEL_CHUNK` units per task), else on this thread. `init` makes a task's scratch.
/// Evaluation never panics; should it ever, rayon hands the panic to the caller.
fn map_units<T: Sync, S, R: Send>(
    units: &[T],
    init: impl Fn() -> S + Sync + Send,
    f: impl Fn(&mut S, &T) -> R + Sync + Send,
) -> Vec<R> {
    #[cfg(feature = "parallel")]
    let out = {
        use rayon::prelude::*;
        units
            .par_iter()
            .with_min_len(PARALLEL_CHUNK)
            .map_init(init, f)
            .collect()
    };
    #[cfg(not(feature = "parallel"))]
    let out = {
        let mut scratch = init();
        units.iter().map(|u| f(&mut scratch, u)).collect()
    };
    out
}

/// The figures of one unit without explanations ([`Scorer::score_into`]).
#[derive(Debug, Clone, Default)]
pub struct Scores {
    /// Every indicator's score in the order of [`Scorer::indicator_ids`] (tree in pre-order, then
    /// bonus items), rounded as the system says.
    pub indicators: Vec<Decimal>,
    /// The total before final rounding.
    pub exact_total: Decimal,
    /// The total (综合得分).
    pub total: Decimal,
    /// The grade, as an index into the system's grades ([`Scorer::grade_label`]).
    pub grade: usize,
    /// Whether a veto applied.
    pub vetoed: bool,
    /// The consistency checks (勾稽关系) of severity `warning` that failed, as indices into the
    /// system's checks ([`Scorer::check_notice`]); the scores stand.
    pub failed_checks: Vec<usize>,
    /// Scratch space for the compiled program, kept between units.
    #[cfg(feature = "compiled")]
    scratch: program::Scratch,
}

/// The figures of many units in flat columns ([`Scorer::score_table`]); reusable. A failed row
/// has no figures: [`row`](Self::row), [`total`](Self::total) and [`grade`](Self::grade) give
/// `None` for it, and [`error`](Self::error) its error (a failed row never reads as a zero total
/// with the first, best grade).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScoreTable {
    /// Indicators per row: the length of [`Scorer::indicator_ids`].
    pub(crate) width: usize,
    /// Row-major scores: row `r`'s indicator `j` is at `r * width + j` (zero in a failed row).
    pub(crate) scores: Vec<Decimal>,
    /// Each row's total (zero in a failed row).
    pub(crate) totals: Vec<Decimal>,
    /// Each row's grade index (zero in a failed row).
    pub(crate) grades: Vec<usize>,
    /// The rows that failed, in row order, with their errors.
    pub errors: Vec<(usize, EvalError)>,
    /// The rows scored with failed `warning` checks, in row order, with the checks' indices
    /// ([`Scorer::check_notice`]).
    pub warnings: Vec<(usize, Vec<usize>)>,
}

impl ScoreTable {
    /// The number of rows.
    pub fn len(&self) -> usize {
        self.totals.len()
    }

    /// Whether the table has no rows.
    pub fn is_empty(&self) -> bool {
        self.totals.is_empty()
    }

    /// Indicators per row: the length of [`Scorer::indicator_ids`].
    pub fn width(&self) -> usize {
        self.width
    }

    /// Row `r`'s error, if it failed.
    pub fn error(&self, r: usize) -> Option<&EvalError> {
        self.errors
            .binary_search_by_key(&r, |(i, _)| *i)
            .ok()
            .and_then(|k| self.errors.get(k))
            .map(|(_, e)| e)
    }

    /// Row `r`'s scores, unless the row failed.
    pub fn row(&self, r: usize) -> Option<&[Decimal]> {
        if self.error(r).is_some() {
            return None;
        }
        self.scores.get(r * self.width..(r + 1) * self.width)
    }

    /// Row `r`'s total, unless the row failed.
    pub fn total(&self, r: usize) -> Option<Decimal> {
        self.error(r).is_none().then(|| self.totals.get(r).copied()).flatten()
    }

    /// Row `r`'s grade, an index for [`Scorer::grade_label`], unless the row failed.
    pub fn grade(&self, r: usize) -> Option<usize> {
        self.error(r).is_none().then(|| self.grades.get(r).copied()).flatten()
    }

    /// The `warning` checks that failed in row `r` (indices for [`Scorer::check_notice`]).
    pub fn failed_checks(&self, r: usize) -> &[usize] {
        self.warnings
            .binary_search_by_key(&r, |(i, _)| *i)
            .ok()
            .and_then(|k| self.warnings.get(k))
            .map_or(&[], |(_, w)| w.as_slice())
    }
}

/// Equal figures (the scratch space is not compared).
impl PartialEq for Scores {
    fn eq(&self, other: &Self) -> bool {
        self.indicators == other.indicators
            && self.exact_total == other.exact_total
            && self.total == other.total
            && self.grade == other.grade
            && self.vetoed == other.vetoed
            && self.failed_checks == other.failed_checks
    }
}

impl Eq for Scores {}

/// A part of a [`ScoreTable`]'s rows: its failed rows with their errors, and its rows with failed
/// `warning` checks.
#[cfg(feature = "parallel")]
type PartRows = (Vec<(usize, EvalError)>, Vec<(usize, Vec<usize>)>);

/// Smallest number of units worth a task of their own.
#[cfg(feature = "parallel")]
const PARALLEL_CHUNK: usize = 64;

struct Run<'a> {
    c: &'a Compiled,
    inputs: &'a [InVal],
    metrics: Vec<Option<Value>>,
    /// The score of every node (after indicator/subtotal rounding), by node index.
    scores: Vec<Decimal>,
    /// Whether to build the full [`Evaluation`] (results with names, outcomes, deductions, vetoes)
    /// or only the figures ([`Scores`]). The figures are computed by the same code either way.
    full: bool,
    /// The lowest grade a core indicator not met allows, if any.
    core_forced: Option<u32>,
    /// The core indicators not met (full runs only).
    core_caps: Vec<CoreCapResult>,
    /// The `warning` checks that failed (scores-only runs; a full run keeps every result).
    failed_checks: Vec<usize>,
}

/// The figures of a run, before they become an [`Evaluation`] or [`Scores`].
struct Totals {
    tree_total: Decimal,
    excluded: Decimal,
    rescaled_total: Option<Decimal>,
    bonus_total: Decimal,
    bonus_sum: Decimal,
    vetoes: Vec<VetoResult>,
    vetoed: bool,
    checks: Vec<CheckResult>,
    core_caps: Vec<CoreCapResult>,
    exact_total: Decimal,
    total: Decimal,
    grade: usize,
}

fn fill_needed_by(e: EvalError, who: impl FnOnce() -> String) -> EvalError {
    match e {
        EvalError::MissingInput { input, needed_by } if needed_by.is_empty() => EvalError::MissingInput {
            input,
            needed_by: who(),
        },
        other => other,
    }
}

fn fault_error(f: Fault<Box<EvalError>>, location: impl FnOnce() -> String, text: &str) -> EvalError {
    match f {
        Fault::DivisionByZero(p) => EvalError::Arithmetic {
            location: location(),
            fault: ArithmeticFault::DivisionByZero,
            position: p,
            expr: text.to_string(),
        },
        Fault::Overflow(p) => EvalError::Arithmetic {
            location: location(),
            fault: ArithmeticFault::Overflow,
            position: p,
            expr: text.to_string(),
        },
        Fault::Env(e) => fill_needed_by(*e, location),
    }
}

// Boxed: the error travels up through every level of an expression's evaluation, and a small
// `Result` is cheaper to return than one the size of an `EvalError`.
impl Env for Run<'_> {
    type Error = Box<EvalError>;

    fn load(&mut self, r: Ref) -> Result<Value, Box<EvalError>> {
        self.load_value(r).map_err(Box::new)
    }

    fn level_is(&mut self, input: u32, level: u16) -> Result<bool, Box<EvalError>> {
        match self.inputs.get(input as usize) {
            Some(InVal::Level(l, _)) => Ok(*l == level),
            _ => Err(Box::new(EvalError::MissingInput {
                input: self
                    .c
                    .inputs
                    .get(input as usize)
                    .map_or_else(String::new, |d| d.name.to_string()),
                needed_by: String::new(),
            })),
        }
    }
}

impl Run<'_> {
    /// A measured value with its label and calculation, for the outcome (full runs only).
    fn measured(&mut self, m: &Measure, value: Decimal) -> Measured {
        // A rule reading a metric shows the metric's formula; one with its own arithmetic, that.
        let c = self.c;
        let expr = match m.expr.as_load() {
            Some(Ref::Metric(k)) => c.metrics.get(k as usize).map(|metric| &metric.expr),
            _ => Some(&m.expr),
        };
        let calc = expr
            .and_then(|e| e.substituted(self, &crate::explain::num))
            .map(Arc::from);
        Measured {
            label: m.label.clone(),
            label_en: m.label_en.clone(),
            unit: m.unit.clone(),
            percent: m.percent,
            value,
            calc,
        }
    }
}

impl Run<'_> {
    fn load_value(&mut self, r: Ref) -> Result<Value, EvalError> {
        match r {
            Ref::Input(i) => match self.inputs.get(i as usize) {
                Some(InVal::Num(d)) => Ok(Value::Num(*d)),
                Some(InVal::Bool(b)) => Ok(Value::Bool(*b)),
                Some(InVal::Items(set)) => Ok(Value::Num(Decimal::from(set.count()))),
                Some(InVal::Level(..)) => Ok(Value::Num(Decimal::ZERO)),
                Some(InVal::Absent) | None => Err(EvalError::MissingInput {
                    input: self
                        .c
                        .inputs
                        .get(i as usize)
                        .map_or_else(String::new, |d| d.name.to_string()),
                    needed_by: String::new(),
                }),
            },
            Ref::Metric(m) => {
                if let Some(Some(v)) = self.metrics.get(m as usize) {
                    return Ok(*v);
                }
                let c = self.c;
                let Some(metric) = c.metrics.get(m as usize) else {
                    return Ok(Value::Num(Decimal::ZERO));
                };
                let v = metric
                    .expr
                    .eval(self)
                    .map_err(|f| fault_error(f, || format!("metrics[{}].expr", metric.name), &metric.text))?;
                if let Value::Num(d) = v
                    && (metric.min.is_some_and(|lo| d < lo) || metric.max.is_some_and(|hi| d > hi))
                {
                    return Err(EvalError::MetricOutOfRange {
                        metric: metric.name.to_string(),
                        value: d.normalize(),
                        range: range_display(metric.min, metric.max),
                        min: metric.min,
                        max: metric.max,
                    });
                }
                if let Some(slot) = self.metrics.get_mut(m as usize) {
                    *slot = Some(v);
                }
                Ok(v)
            }
        }
    }
}

/// Leaf score before rounding with its outcome and deductions.
struct Scored {
    score: Decimal,
    value: Option<Decimal>,
    /// Boxed, and only in a full run: a scores-only run should not move ~180 bytes per leaf.
    outcome: Option<Box<Outcome>>,
    items: Vec<(Arc<str>, Decimal)>,
}

/// The outcome of a scores-only run, which nobody reads.
const UNREAD: Outcome = Outcome::Group;

fn clamp01(d: Decimal) -> Decimal {
    clamp_share(d, &Decimal::ONE)
}

/// `d` within [0, 1], `one` being 1 (the compiled program's is written at every scale).
fn clamp_share(d: Decimal, one: &impl Limit) -> Decimal {
    if one.compare(d).is_gt() {
        one.value()
    } else {
        at_least_zero(d)
    }
}

impl<'a> Run<'a> {
    fn new(c: &'a Compiled, inputs: &'a [InVal]) -> Self {
        Self::reusing(c, inputs, true, Vec::new(), Vec::new())
    }

    /// A run whose buffers are `metrics` and `scores` (cleared here): no allocation once warm.
    fn reusing(
        c: &'a Compiled,
        inputs: &'a [InVal],
        full: bool,
        mut metrics: Vec<Option<Value>>,
        mut scores: Vec<Decimal>,
    ) -> Self {
        metrics.clear();
        metrics.resize(c.metrics.len(), None);
        scores.clear();
        scores.resize(c.nodes.len(), Decimal::ZERO);
        Run {
            c,
            inputs,
            metrics,
            scores,
            full,
            core_forced: None,
            core_caps: Vec::new(),
            failed_checks: Vec::new(),
        }
    }

    fn cond(&mut self, e: &Expr, text: &str, field: &dyn Fn() -> String) -> Result<bool, EvalError> {
        match e.eval(self).map_err(|f| fault_error(f, field, text))? {
            Value::Bool(b) => Ok(b),
            Value::Num(d) => Ok(!d.is_zero()),
        }
    }

    fn measure(&mut self, m: &Measure, field: &dyn Fn() -> String) -> Result<Decimal, EvalError> {
        // Most rules read one metric or input by name: no need to go through the interpreter.
        let value = match m.expr.as_load() {
            Some(r) => self.load_value(r).map_err(|e| fill_needed_by(e, field))?,
            None => m.expr.eval(self).map_err(|f| fault_error(f, field, &m.text))?,
        };
        Ok(match value {
            Value::Num(d) => d,
            Value::Bool(b) => Decimal::from(u8::from(b)),
        })
    }

    fn evaluate(mut self) -> Result<Evaluation, EvalError> {
        let c = self.c;
        let tree_len = c.bonus.first().map_or(c.nodes.len(), |b| *b as usize);
        let mut results: Vec<IndicatorResult> = Vec::with_capacity(tree_len);
        let mut bonus_results = Vec::with_capacity(c.bonus.len());
        let t = self.run(&mut results, &mut bonus_results)?;
        let (grade, grade_en) = c
            .grades
            .get(t.grade)
            .map_or((Arc::from(""), None), |g| (g.label.clone(), g.label_en.clone()));
        Ok(Evaluation {
            system_id: Arc::from(c.system.id.as_str()),
            provenance: Arc::clone(&c.provenance),
            indicators: results,
            bonus: bonus_results,
            full_points: c.full_points,
            tree_total: t.tree_total,
            excluded_points: t.excluded,
            rescaled_total: t.rescaled_total,
            bonus_total: t.bonus_total,
            bonus_items_total: t.bonus_sum,
            vetoes: t.vetoes,
            checks: t.checks,
            core_caps: t.core_caps,
            exact_total: t.exact_total,
            total: t.total,
            total_rounding: c.rounding.total,
            grade,
            grade_en,
        })
    }

    /// Scores every node (into `self.scores`, and into `results` in a full run) and computes the
    /// totals and the grade.
    fn run(
        &mut self,
        results: &mut Vec<IndicatorResult>,
        bonus_results: &mut Vec<IndicatorResult>,
    ) -> Result<Totals, EvalError> {
        let c = self.c;
        let checks = self.checks()?;
        let mut excluded = Decimal::ZERO;
        let mut tree_total = Decimal::ZERO;
        // The total is the tree's parent: formed from the stated or the exact top-level scores.
        let summed = |(score, exact): (Decimal, Decimal)| match c.rounding.parent {
            ParentScore::SumOfStated => score,
            ParentScore::RoundedExactSum => exact,
        };
        for &t in &c.top {
            let score = summed(self.node(t, None, results, &mut excluded)?);
            tree_total = tree_total
                .add_checked(score)
                .ok_or_else(|| total_overflow("the sum of the scores"))?;
        }
        let mut bonus_sum = Decimal::ZERO;
        let mut bonus_excluded = Decimal::ZERO;
        for &b in &c.bonus {
            let score = summed(self.node(b, None, bonus_results, &mut bonus_excluded)?);
            bonus_sum = bonus_sum
                .add_checked(score)
                .ok_or_else(|| total_overflow("the total with the bonus"))?;
        }

        let full = self.full;
        let mut vetoes = Vec::new();
        let core_forced = self.core_forced.take();
        let settled = settle(c, tree_total, bonus_sum, excluded, core_forced, |_, v| {
            let holds = match v
                .when
                .eval(self)
                .map_err(|f| fault_error(f, || format!("vetoes[{}].when", v.id), &v.text))?
            {
                Value::Bool(b) => b,
                Value::Num(d) => !d.is_zero(),
            };
            if holds && full {
                vetoes.push(VetoResult {
                    id: v.id.clone(),
                    name: v.name.clone(),
                    name_en: v.name_en.clone(),
                    grade: v.grade.and_then(|g| c.grades.get(g as usize)).map(|g| g.label.clone()),
                    grade_en: v
                        .grade
                        .and_then(|g| c.grades.get(g as usize))
                        .and_then(|g| g.label_en.clone()),
                    total: v.total,
                    max_total: v.max_total,
                });
            }
            Ok(holds)
        })?;
        let core_caps = std::mem::take(&mut self.core_caps);
        let Settled {
            rescaled_total,
            bonus_total,
            vetoed,
            exact_total,
            total: rounded,
            grade: grade_index,
        } = settled;
        Ok(Totals {
            tree_total,
            excluded,
            rescaled_total,
            bonus_total,
            bonus_sum,
            vetoes,
            vetoed,
            checks,
            core_caps,
            exact_total,
            total: rounded,
            grade: grade_index,
        })
    }

    /// Evaluates node `i` into `out` (pre-order) and returns its stated and its exact score.
    fn node(
        &mut self,
        i: u32,
        parent: Option<usize>,
        out: &mut Vec<IndicatorResult>,
        excluded: &mut Decimal,
    ) -> Result<(Decimal, Decimal), EvalError> {
        let c = self.c;
        let Some(node) = c.nodes.get(i as usize) else {
            return Ok((Decimal::ZERO, Decimal::ZERO));
        };
        if let Some(na) = &node.na
            && self.cond(&na.when, &na.text, &|| {
                format!("{}.not_applicable.when", node_path(node))
            })?
        {
            let status = Status::NotApplicable {
                outcome: na.outcome,
                reason: na.reason.clone(),
                inherited: false,
            };
            if na.outcome == NaOutcome::Excluded {
                *excluded = excluded
                    .add_checked(node.points)
                    .ok_or_else(|| overflow_at(node, "the excluded points"))?;
            }
            let score = self.not_applicable(i, parent, out, status);
            return Ok((score, score));
        }
        let position = out.len();
        if self.full {
            out.push(IndicatorResult {
                id: node.id.clone(),
                name: node.name.clone(),
                name_en: node.name_en.clone(),
                depth: usize::from(node.depth),
                parent,
                is_leaf: node.children.is_empty(),
                core: node.core,
                points: node.points,
                score: Decimal::ZERO,
                exact_score: Decimal::ZERO,
                value: None,
                status: Status::Scored,
                outcome: Outcome::Group,
                deductions: Vec::new(),
                rounding: node.rounding,
            });
        }
        let (exact, score, value, outcome, deductions) = if let Some(rule) = &node.rule {
            let s = self.rule(rule, node, &|| format!("{}.rule", node_path(node)))?;
            let score = node.rounding.map_or(s.score, |r| stated(s.score, r, node.points));
            // Bonus items add points; what they do not add is not a deduction.
            let lost = if node.is_bonus {
                Decimal::ZERO
            } else {
                node.points - score
            };
            let mut deductions = Vec::new();
            if !self.full {
                // Scores only: no deduction lines.
            } else if !s.items.is_empty() {
                let mut left = lost;
                for (item, p) in s.items {
                    if left <= Decimal::ZERO {
                        break;
                    }
                    let amount = p.min(left);
                    // A missing item worth no points costs nothing: no deduction line for it.
                    if amount <= Decimal::ZERO {
                        continue;
                    }
                    left -= amount;
                    deductions.push(Deduction {
                        amount,
                        item: Some(item),
                    });
                }
                if left > Decimal::ZERO {
                    deductions.push(Deduction {
                        amount: left,
                        item: None,
                    });
                }
            } else if lost > Decimal::ZERO {
                deductions.push(Deduction {
                    amount: lost,
                    item: None,
                });
            }
            // Deductions are stated figures too: 1.00 beside a score of 1.00.
            if let Some(r) = node.rounding {
                for d in &mut deductions {
                    d.amount = with_places(d.amount, r.scale);
                }
            }
            (s.score, score, s.value, s.outcome, deductions)
        } else {
            let (mut sum, mut exact) = (Decimal::ZERO, Decimal::ZERO);
            for &child in &node.children {
                let (s, e) = self.node(child, Some(position), out, excluded)?;
                sum = sum.add_checked(s).ok_or_else(|| overflow_at(node, "the subtotal"))?;
                exact = exact.add_checked(e).ok_or_else(|| overflow_at(node, "the subtotal"))?;
            }
            let base = match c.rounding.parent {
                ParentScore::SumOfStated => sum,
                ParentScore::RoundedExactSum => exact,
            };
            let score = node.rounding.map_or(base, |r| stated(base, r, node.points));
            (exact, score, None, None, Vec::new())
        };
        if let Some(slot) = self.scores.get_mut(i as usize) {
            *slot = score;
        }
        if let Some((g, share)) = node.core_cap {
            self.core_missed(node, score, g, share);
        }
        if !self.full {
            return Ok((score, exact));
        }
        if let Some(r) = out.get_mut(position) {
            r.exact_score = exact;
            r.score = score;
            r.value = value;
            r.outcome = outcome.map_or(Outcome::Group, |o| *o);
            r.deductions = deductions;
        }
        Ok((score, exact))
    }

    /// Records a core indicator (scored, so applicable) that scores below its share of the points.
    fn core_missed(&mut self, node: &CNode, score: Decimal, g: u32, share: Decimal) {
        if core_cap_missed(node, score).is_none() {
            return;
        }
        self.core_forced = Some(self.core_forced.map_or(g, |f| f.max(g)));
        if self.full {
            let grade = self.c.grades.get(g as usize);
            self.core_caps.push(CoreCapResult {
                id: node.id.clone(),
                name: node.name.clone(),
                name_en: node.name_en.clone(),
                score,
                points: node.points,
                min_share: share,
                grade: grade.map_or_else(|| Arc::from(""), |g| g.label.clone()),
                grade_en: grade.and_then(|g| g.label_en.clone()),
            });
        }
    }

    /// Runs the consistency checks: a failed `error` check stops the evaluation; the results are
    /// kept in a full run only.
    fn checks(&mut self) -> Result<Vec<CheckResult>, EvalError> {
        let c = self.c;
        let mut out = Vec::new();
        for (index, k) in c.checks.iter().enumerate() {
            let passed = match k.expr.eval(self) {
                Ok(Value::Bool(b)) => Some(b),
                Ok(Value::Num(d)) => Some(!d.is_zero()),
                Err(Fault::Env(e)) if matches!(*e, EvalError::MissingInput { .. }) => None,
                Err(f) => return Err(fault_error(f, || format!("checks[{}].expr", k.id), &k.text)),
            };
            if passed == Some(false) && k.severity == crate::format::Severity::Error {
                return Err(EvalError::CheckFailed {
                    check: k.id.to_string(),
                    name: k.name.to_string(),
                    expr: k.text.to_string(),
                });
            }
            if !self.full && passed == Some(false) {
                self.failed_checks.push(index);
            }
            if self.full {
                // A failed comparison shows its two sides (every input it reads was given).
                let sides = if passed == Some(false) {
                    k.expr.comparison_sides(self).ok().flatten().map(|s| CheckSides {
                        left: s.left,
                        right: s.right,
                        tolerance: s.tolerance,
                    })
                } else {
                    None
                };
                out.push(CheckResult {
                    id: k.id.clone(),
                    name: k.name.clone(),
                    name_en: k.name_en.clone(),
                    expr: k.text.clone(),
                    passed,
                    sides,
                    severity: k.severity,
                });
            }
        }
        Ok(out)
    }

    fn not_applicable(
        &mut self,
        i: u32,
        parent: Option<usize>,
        out: &mut Vec<IndicatorResult>,
        status: Status,
    ) -> Decimal {
        let Some(node) = self.c.nodes.get(i as usize) else {
            return Decimal::ZERO;
        };
        let outcome = match &status {
            Status::NotApplicable { outcome, .. } => *outcome,
            Status::Scored => NaOutcome::FullPoints,
        };
        let mut score = if outcome == NaOutcome::FullPoints {
            node.points
        } else {
            Decimal::ZERO
        };
        if let Some(r) = node.rounding {
            score = with_places(score, r.scale);
        }
        if let Some(slot) = self.scores.get_mut(i as usize) {
            *slot = score;
        }
        if !self.full {
            for &child in &node.children {
                self.not_applicable(child, None, out, status.clone());
            }
            return score;
        }
        let position = out.len();
        let deductions = if outcome == NaOutcome::Zero
            && node.points > Decimal::ZERO
            && node.children.is_empty()
            && !node.is_bonus
        {
            vec![Deduction {
                amount: node.points,
                item: None,
            }]
        } else {
            Vec::new()
        };
        out.push(IndicatorResult {
            id: node.id.clone(),
            name: node.name.clone(),
            name_en: node.name_en.clone(),
            depth: usize::from(node.depth),
            parent,
            is_leaf: node.children.is_empty(),
            core: node.core,
            points: node.points,
            score,
            exact_score: score,
            value: None,
            status: status.clone(),
            outcome: Outcome::NotApplicable,
            deductions,
            rounding: node.rounding,
        });
        let inherited = match status {
            Status::NotApplicable { outcome, reason, .. } => Status::NotApplicable {
                outcome,
                reason,
                inherited: true,
            },
            s @ Status::Scored => s,
        };
        for &child in &node.children {
            self.not_applicable(child, Some(position), out, inherited.clone());
        }
        score
    }

    fn rule(&mut self, rule: &CRule, node: &CNode, prefix: &dyn Fn() -> String) -> Result<Scored, EvalError> {
        let points = node.points;
        let full = self.full;
        let scored = |score: Decimal, value: Option<Decimal>, outcome: Outcome| Scored {
            score,
            value,
            outcome: full.then(|| Box::new(outcome)),
            items: Vec::new(),
        };
        Ok(match rule {
            CRule::Step {
                value,
                direction,
                threshold,
                step,
                deduct,
                counting,
                max_deduction,
            } => {
                let v = self.measure(value, &|| format!("{}.value", prefix()))?;
                let cap = deduction_cap(*max_deduction, points);
                let StepFigures {
                    gap,
                    steps,
                    deduction,
                    capped,
                } = step_figures(v, *direction, threshold, *step, *deduct, *counting, &cap)
                    .map_err(|what| overflow_at(node, what))?;
                let outcome = if full {
                    Outcome::Step {
                        measured: self.measured(value, v),
                        direction: *direction,
                        threshold: *threshold,
                        step: *step,
                        deduct: *deduct,
                        counting: *counting,
                        gap,
                        steps,
                        deduction,
                        capped,
                    }
                } else {
                    UNREAD
                };
                scored(points - deduction, Some(v), outcome)
            }
            CRule::Tiers {
                value,
                tiers,
                otherwise,
            } => {
                let v = self.measure(value, &|| format!("{}.value", prefix()))?;
                match tiers.iter().position(|t| t.contains(v)) {
                    Some(index) => {
                        let t = tiers
                            .get(index)
                            .map_or((None, None, Decimal::ZERO), |t| (t.lower, t.upper, t.score));
                        let outcome = if full {
                            Outcome::Tier {
                                measured: self.measured(value, v),
                                index,
                                lower: t.0,
                                upper: t.1,
                            }
                        } else {
                            UNREAD
                        };
                        scored(t.2, Some(v), outcome)
                    }
                    None => match otherwise {
                        Some(o) => {
                            let outcome = if full {
                                Outcome::TierOtherwise {
                                    measured: self.measured(value, v),
                                }
                            } else {
                                UNREAD
                            };
                            scored(*o, Some(v), outcome)
                        }
                        None => {
                            return Err(EvalError::Score {
                                indicator: node.id.to_string(),
                                problem: ScoreProblem::NoTier { value: v },
                            });
                        }
                    },
                }
            }
            CRule::Ratio {
                actual,
                target,
                better,
                round_rate,
            } => {
                let av = self.measure(actual, &|| format!("{}.actual", prefix()))?;
                let tv = self.measure(target, &|| format!("{}.target", prefix()))?;
                let share = match better {
                    Better::HigherIsBetter if av >= tv => Decimal::ONE,
                    Better::HigherIsBetter if tv <= Decimal::ZERO => Decimal::ZERO,
                    Better::HigherIsBetter => clamp01(
                        at_least_zero(av)
                            .div_checked(tv)
                            .ok_or_else(|| overflow_at(node, "the ratio"))?,
                    ),
                    Better::LowerIsBetter if av <= tv => Decimal::ONE,
                    Better::LowerIsBetter if tv <= Decimal::ZERO => Decimal::ZERO,
                    Better::LowerIsBetter => clamp01(tv.div_checked(av).ok_or_else(|| overflow_at(node, "the ratio"))?),
                };
                let share = round_rate.map_or(share, |r| round(share, r));
                let score = points
                    .mul_checked(share)
                    .ok_or_else(|| overflow_at(node, "the score"))?;
                let outcome = if full {
                    Outcome::Ratio {
                        actual: self.measured(actual, av),
                        target: self.measured(target, tv),
                        better: *better,
                        share,
                    }
                } else {
                    UNREAD
                };
                scored(score, Some(av), outcome)
            }
            CRule::Rate { value, round_rate } => {
                let v = self.measure(value, &|| format!("{}.value", prefix()))?;
                let used = clamp01(round_rate.map_or(v, |r| round(v, r)));
                let score = points.mul_checked(used).ok_or_else(|| overflow_at(node, "the score"))?;
                let outcome = if full {
                    Outcome::Rate {
                        measured: self.measured(value, v),
                        used,
                    }
                } else {
                    UNREAD
                };
                scored(score, Some(v), outcome)
            }
            CRule::Level { input, bands } => self.level(*input, bands, node)?,
            CRule::Checklist {
                input,
                mode,
                item_points,
            } => {
                let decl = self.c.inputs.get(*input as usize);
                let set = match self.inputs.get(*input as usize) {
                    Some(InVal::Items(set)) => set,
                    _ => {
                        return Err(EvalError::MissingInput {
                            input: decl.map_or_else(String::new, |d| d.name.to_string()),
                            needed_by: node_path(node),
                        });
                    }
                };
                let names = decl.map(|d| d.items.as_slice()).unwrap_or(&[]);
                let (mut satisfied, mut missing, mut items) = (Vec::new(), Vec::new(), Vec::new());
                let mut earned = Decimal::ZERO;
                let mut lost = Decimal::ZERO;
                let mut count = 0_usize;
                for ((name, p), ok) in names.iter().zip(item_points).zip(set.iter(names.len())) {
                    if ok {
                        count += 1;
                        if full {
                            satisfied.push(name.clone());
                        }
                        earned = earned
                            .add_checked(*p)
                            .ok_or_else(|| overflow_at(node, "the checklist points"))?;
                    } else {
                        if full {
                            missing.push(name.clone());
                            items.push((name.clone(), *p));
                        }
                        lost = lost
                            .add_checked(*p)
                            .ok_or_else(|| overflow_at(node, "the checklist points"))?;
                    }
                }
                let score = match mode {
                    ChecklistMode::Award => crate::dec::min(earned, points),
                    ChecklistMode::Deduct => at_least_zero(points - crate::dec::min(lost, points)),
                };
                Scored {
                    score,
                    value: Some(Decimal::from(count)),
                    outcome: full.then(|| {
                        Box::new(Outcome::Checklist {
                            mode: *mode,
                            satisfied,
                            missing,
                        })
                    }),
                    items,
                }
            }
            CRule::PerOccurrence {
                value,
                deduct,
                max_deduction,
            } => {
                let v = self.measure(value, &|| format!("{}.value", prefix()))?;
                let n = at_least_zero(v);
                let raw = n
                    .mul_checked(*deduct)
                    .ok_or_else(|| overflow_at(node, "the deduction"))?;
                let (deduction, capped) = capped_deduction(raw, *max_deduction, points);
                let outcome = if full {
                    Outcome::PerOccurrence {
                        measured: self.measured(value, v),
                        deduct: *deduct,
                        deduction,
                        capped,
                    }
                } else {
                    UNREAD
                };
                scored(points - deduction, Some(v), outcome)
            }
            CRule::Manual { input } => {
                let decl = self.c.inputs.get(*input as usize);
                let name = || decl.map_or_else(|| Arc::from(""), |d| d.name.clone());
                let v = match self.inputs.get(*input as usize) {
                    Some(InVal::Num(d)) => *d,
                    _ => {
                        return Err(EvalError::MissingInput {
                            input: name().to_string(),
                            needed_by: node_path(node),
                        });
                    }
                };
                if v.is_sign_negative() || v > points {
                    return Err(EvalError::Score {
                        indicator: node.id.to_string(),
                        problem: ScoreProblem::ManualOutside {
                            score: v,
                            input: name().to_string(),
                            points,
                        },
                    });
                }
                let outcome = if full {
                    Outcome::Manual { input: name() }
                } else {
                    UNREAD
                };
                scored(v, Some(v), outcome)
            }
            CRule::Cases { cases, otherwise } => {
                for (index, case) in cases.iter().enumerate() {
                    if self.cond(&case.when, &case.text, &|| format!("{}.cases[{index}].when", prefix()))? {
                        let outcome = if full {
                            Outcome::Case {
                                index,
                                label: case.label.clone(),
                                condition: case.text.clone(),
                            }
                        } else {
                            UNREAD
                        };
                        return Ok(scored(case.score, None, outcome));
                    }
                }
                match otherwise {
                    Some(o) => scored(*o, None, Outcome::CaseOtherwise),
                    None => {
                        return Err(EvalError::Score {
                            indicator: node.id.to_string(),
                            problem: ScoreProblem::NoCase,
                        });
                    }
                }
            }
            CRule::Formula { expr, text, clamp } => {
                let v = match expr
                    .eval(self)
                    .map_err(|f| fault_error(f, || format!("{}.expr", prefix()), text))?
                {
                    Value::Num(d) => d,
                    Value::Bool(b) => Decimal::from(u8::from(b)),
                };
                let inside = !v.is_sign_negative() && v <= points;
                if !inside && !clamp {
                    return Err(EvalError::Score {
                        indicator: node.id.to_string(),
                        problem: ScoreProblem::FormulaOutside { value: v, points },
                    });
                }
                let score = at_least_zero(v).min(points);
                let outcome = if full {
                    Outcome::Formula {
                        expr: text.clone(),
                        value: v,
                        clamped: !inside,
                    }
                } else {
                    UNREAD
                };
                scored(score, Some(v), outcome)
            }
            CRule::ChooseOne { options } => {
                for (index, option) in options.iter().enumerate() {
                    let applies = match &option.when {
                        Some((e, text)) => self.cond(e, text, &|| format!("{}.options[{index}].when", prefix()))?,
                        None => true,
                    };
                    if applies {
                        let inner = self.rule(&option.rule, node, &|| format!("{}.options[{index}].rule", prefix()))?;
                        let outcome = if full {
                            Some(Box::new(Outcome::Chosen {
                                option: option.name.clone(),
                                index,
                                inner: inner.outcome.unwrap_or_else(|| Box::new(Outcome::Group)),
                            }))
                        } else {
                            None
                        };
                        return Ok(Scored {
                            score: inner.score,
                            value: inner.value,
                            outcome,
                            items: inner.items,
                        });
                    }
                }
                return Err(EvalError::Score {
                    indicator: node.id.to_string(),
                    problem: ScoreProblem::NoAlternative,
                });
            }
        })
    }

    fn level(&mut self, input: u32, bands: &[CBand], node: &CNode) -> Result<Scored, EvalError> {
        let points = node.points;
        let decl = self.c.inputs.get(input as usize);
        let (li, given) = match self.inputs.get(input as usize) {
            Some(InVal::Level(l, s)) => (*l, *s),
            _ => {
                return Err(EvalError::MissingInput {
                    input: decl.map_or_else(String::new, |d| d.name.to_string()),
                    needed_by: node_path(node),
                });
            }
        };
        let level = || -> Arc<str> {
            decl.and_then(|d| d.levels.get(usize::from(li)).cloned())
                .unwrap_or_else(|| Arc::from(""))
        };
        let Some(band) = bands.get(usize::from(li)) else {
            return Err(EvalError::Score {
                indicator: node.id.to_string(),
                problem: ScoreProblem::NoBand {
                    level: level().to_string(),
                },
            });
        };
        let band_text = || {
            let lo = points.mul_checked(band.min).unwrap_or_default().normalize();
            let hi = points.mul_checked(band.max).unwrap_or_default().normalize();
            format!(
                "{}{lo}, {hi}{}",
                if band.min_inclusive { "[" } else { "(" },
                if band.max_inclusive { "]" } else { ")" }
            )
        };
        // 8 至 9 分（含 8 分，不含 9 分）.
        let band_zh = || {
            let lo = points.mul_checked(band.min).unwrap_or_default().normalize();
            let hi = points.mul_checked(band.max).unwrap_or_default().normalize();
            let end = |v: Decimal, inclusive: bool| format!("{}{v} 分", if inclusive { "含 " } else { "不含 " });
            format!(
                "{lo} 至 {hi} 分之间（{}，{}）",
                end(lo, band.min_inclusive),
                end(hi, band.max_inclusive)
            )
        };
        let (score, share, was_given) = match given {
            Some(s) => {
                let share = if points.is_zero() {
                    Decimal::ZERO
                } else {
                    s.div_checked(points)
                        .ok_or_else(|| overflow_at(node, "the level share"))?
                };
                if !band.contains(share) || s.is_sign_negative() || s > points {
                    return Err(EvalError::Score {
                        indicator: node.id.to_string(),
                        problem: ScoreProblem::LevelScoreOutside {
                            score: s,
                            level: level().to_string(),
                            band: band_text(),
                            band_zh: band_zh(),
                        },
                    });
                }
                (s, share, true)
            }
            None => {
                let share = match band.default {
                    Some(d) => d,
                    None if band.min == band.max => band.min,
                    None => {
                        return Err(EvalError::Score {
                            indicator: node.id.to_string(),
                            problem: ScoreProblem::LevelScoreNeeded {
                                level: level().to_string(),
                                band: band_text(),
                                band_zh: band_zh(),
                            },
                        });
                    }
                };
                (
                    points
                        .mul_checked(share)
                        .ok_or_else(|| overflow_at(node, "the level score"))?,
                    share,
                    false,
                )
            }
        };
        Ok(Scored {
            score,
            value: None,
            outcome: if self.full {
                Some(Box::new(Outcome::Level {
                    level: level(),
                    share,
                    given: was_given,
                    band_min: band.min,
                    band_max: band.max,
                    band_min_inclusive: band.min_inclusive,
                    band_max_inclusive: band.max_inclusive,
                }))
            } else {
                None
            },
            items: Vec::new(),
        })
    }
}

/// The figures after the tree and the bonus are summed: rescaled, capped, vetoed, rounded, graded.
pub(crate) struct Settled {
    pub rescaled_total: Option<Decimal>,
    pub bonus_total: Decimal,
    pub vetoed: bool,
    pub exact_total: Decimal,
    pub total: Decimal,
    pub grade: usize,
}

/// From the summed tree and bonus to the total and the grade: the rescale for excluded points,
/// the bonus caps, the vetoes (`holds` says whether veto `index` applies), the total's rounding
/// and the grade with its caps (vetoes, `core_forced`). One definition for every evaluation path.
pub(crate) fn settle(
    c: &Compiled,
    tree_total: Decimal,
    bonus_sum: Decimal,
    excluded: Decimal,
    core_forced: Option<u32>,
    mut holds: impl FnMut(usize, &crate::compile::CVeto) -> Result<bool, EvalError>,
) -> Result<Settled, EvalError> {
    if excluded > Decimal::ZERO && excluded >= c.full_points {
        return Err(EvalError::AllExcluded);
    }
    let rescaled_total = if excluded > Decimal::ZERO && c.excluded == crate::format::ExcludedPoints::Rescale {
        let available = c.full_points - excluded;
        let scaled = tree_total
            .mul_checked(c.full_points)
            .and_then(|t| t.div_checked(available));
        Some(scaled.ok_or_else(|| total_overflow("the rescaled total"))?)
    } else {
        None
    };
    // The bonus reported is what was actually added: after its own cap and the cap on the total.
    let base = rescaled_total.unwrap_or(tree_total);
    let mut bonus_total = c.max_bonus.map_or(bonus_sum, |m| bonus_sum.min(m));
    if let Some(m) = c.max_total {
        bonus_total = bonus_total.min((m - base).max(Decimal::ZERO));
    }
    let mut total = base
        .add_checked(bonus_total)
        .ok_or_else(|| total_overflow("the total with the bonus"))?;

    let mut vetoed = false;
    let mut forced: Option<u32> = None;
    for (index, v) in c.vetoes.iter().enumerate() {
        if !holds(index, v)? {
            continue;
        }
        if let Some(t) = v.total {
            total = t;
        }
        if let Some(m) = v.max_total {
            total = total.min(m);
        }
        if let Some(g) = v.grade {
            forced = Some(forced.map_or(g, |f| f.max(g)));
        }
        vetoed = true;
    }

    let exact_total = total;
    // Rounding never lifts the total above what the points allow (e.g. `up` on 9.66 of 9.66).
    let ceiling = exact_total.max(c.full_points.add_checked(bonus_total).unwrap_or(c.full_points));
    let rounded = c.rounding.total.map_or(exact_total, |r| {
        with_places(round(exact_total, r).min(ceiling), r.scale)
    });
    let graded = match c.rounding.grade_from {
        crate::format::GradeFrom::RoundedTotal => rounded,
        crate::format::GradeFrom::ExactTotal => exact_total,
    };
    let mut grade = c
        .grades
        .iter()
        .position(|g| g.min.is_none_or(|m| graded >= m))
        .unwrap_or(c.grades.len().saturating_sub(1));
    // A core indicator not met caps the grade as a veto does: never raising what the total earns.
    if let Some(g) = core_forced {
        forced = Some(forced.map_or(g, |f| f.max(g)));
    }
    // A veto forces its grade but never raises the grade the total earns.
    if let Some(f) = forced {
        grade = grade.max(f as usize);
    }
    Ok(Settled {
        rescaled_total,
        bonus_total,
        vetoed,
        exact_total,
        total: rounded,
        grade,
    })
}

/// The grade a core indicator caps the unit at when `score` falls below its share of the points.
#[cfg_attr(not(target_arch = "wasm32"), inline)]
fn core_cap_missed(node: &CNode, score: Decimal) -> Option<u32> {
    let (g, share) = node.core_cap?;
    let min = node.points.mul_checked(share).unwrap_or(node.points);
    (score < min).then_some(g)
}

/// A rounded score stays within [0, points]: rounding a 9.66-point score up must not give 9.7.
fn clamp_points(score: Decimal, points: Decimal) -> Decimal {
    crate::dec::min(at_least_zero(score), points)
}

fn capped_deduction(raw: Decimal, max: Option<Decimal>, points: Decimal) -> (Decimal, bool) {
    capped(raw, &deduction_cap(max, points))
}

/// What a step rule works out from its measured value.
pub(crate) struct StepFigures {
    /// How far the value lies beyond the threshold (zero on the right side of it).
    pub gap: Decimal,
    /// The steps counted in the gap.
    pub steps: Decimal,
    /// The deduction, within the cap.
    pub deduction: Decimal,
    /// Whether the cap cut it.
    pub capped: bool,
}

/// A step rule on value `v` (每超过一个百分点扣0.5分): one definition for the tree walk and the
/// compiled program. On overflow, what overflowed.
pub(crate) fn step_figures(
    v: Decimal,
    direction: Direction,
    threshold: &impl Limit,
    step: Decimal,
    deduct: Decimal,
    counting: Counting,
    cap: &impl Limit,
) -> Result<StepFigures, &'static str> {
    const DISTANCE: &str = "the distance to the threshold";
    let gap = match direction {
        Direction::Above if threshold.compare(v).is_gt() => v.sub_checked(threshold.value()).ok_or(DISTANCE)?,
        Direction::Below if threshold.compare(v).is_lt() => threshold.value().sub_checked(v).ok_or(DISTANCE)?,
        _ => Decimal::ZERO,
    };
    let raw_steps = gap.div_checked(step).ok_or("the number of steps")?;
    let steps = match counting {
        Counting::Whole => raw_steps.floor(),
        Counting::Started => raw_steps.ceil(),
        Counting::Proportional => raw_steps,
    };
    let raw = steps.mul_checked(deduct).ok_or("the deduction")?;
    let (deduction, capped) = capped(raw, cap);
    Ok(StepFigures {
        gap,
        steps,
        deduction,
        capped,
    })
}

/// The most a rule may deduct: its own cap, never more than the points.
fn deduction_cap(max: Option<Decimal>, points: Decimal) -> Decimal {
    max.map_or(points, |m| m.min(points))
}

/// A deduction within `[0, cap]`, and whether the cap cut it.
fn capped(raw: Decimal, cap: &impl Limit) -> (Decimal, bool) {
    if cap.compare(raw).is_gt() {
        (cap.value(), true)
    } else {
        (at_least_zero(raw), false)
    }
}

/// A constant that measured values are compared with (a step rule's threshold and cap, a tier's
/// bounds): a decimal, or in the compiled program a [`Bound`](program::Bound), the constant
/// written at every scale.
pub(crate) trait Limit {
    /// The constant.
    fn value(&self) -> Decimal;
    /// How `v` compares with the constant.
    fn compare(&self, v: Decimal) -> std::cmp::Ordering;
}

impl Limit for Decimal {
    fn value(&self) -> Decimal {
        *self
    }

    fn compare(&self, v: Decimal) -> std::cmp::Ordering {
        crate::dec::cmp(v, *self)
    }
}

fn overflow_at(node: &CNode, what: &'static str) -> EvalError {
    EvalError::Overflow {
        location: node_path(node),
        what,
    }
}

/// The path of an indicator in error messages: `indicators[2.1.1]` or `bonus.items[B1]`.
fn node_path(node: &CNode) -> String {
    if node.is_bonus {
        format!("bonus.items[{}]", node.id)
    } else {
        format!("indicators[{}]", node.id)
    }
}

fn total_overflow(what: &'static str) -> EvalError {
    EvalError::Overflow {
        location: "total".to_string(),
        what,
    }
}
