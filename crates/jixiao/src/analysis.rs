//! Analyses: what-if, comparison, audit of claimed scores, sensitivity to one input (exact
//! breakpoints) and the least change of one input that reaches a goal.
//!
//! Sensitivity is found from the rules: every leaf's *regime* (its tier, its number of whole
//! steps, whether a deduction has started or is capped, the case or option that applies, ...) is
//! a step function of the varied input. Candidate points come from inverting each rule's critical
//! values (thresholds, step edges, tier bounds) through the metric, and from a scan of the range;
//! every change of regime is then located by bisection on the input's decimal grid, so a
//! breakpoint is the first value (at that resolution) where the new regime holds.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::compile::{CRule, InVal, Scorer};
use crate::dec::Arith;
use crate::error::EvalError;
use crate::eval::{Evaluation, IndicatorResult, Outcome, Status};
use crate::explain::{Lang, figure};
use crate::format::{Counting, Indicator, IndicatorSystem, InputKind, NaOutcome, Rounding, RoundingMode, Rule};
use crate::inputs::Inputs;

/// Why an analysis could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// The base inputs do not evaluate.
    #[error(transparent)]
    Eval(#[from] EvalError),
    /// The request does not fit the system.
    #[error("{0}")]
    Request(String),
}

impl AnalysisError {
    /// What went wrong in `lang`: an evaluation's own message; a request's problem is worded in
    /// English (it names the request's fields and arguments).
    pub fn message(&self, lang: Lang) -> String {
        match self {
            AnalysisError::Eval(e) => e.message(lang),
            AnalysisError::Request(m) => m.clone(),
        }
    }

    /// A stable machine-readable kind: the evaluation's kind ([`EvalError::kind`]) or `request`.
    pub fn kind(&self) -> &'static str {
        match self {
            AnalysisError::Eval(e) => e.kind(),
            AnalysisError::Request(_) => "request",
        }
    }
}

/// One row of a comparison.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompareRow {
    /// Indicator id.
    pub id: Arc<str>,
    /// Name.
    pub name: Arc<str>,
    /// Depth in the tree.
    pub depth: usize,
    /// Points.
    pub points: Decimal,
    /// Score in the first evaluation.
    pub a: Option<Decimal>,
    /// Score in the second evaluation.
    pub b: Option<Decimal>,
}

impl CompareRow {
    /// b − a, when both exist.
    pub fn change(&self) -> Option<Decimal> {
        Some(self.b? - self.a?)
    }
}

/// Two evaluations side by side (two years of one department, two departments, before/after).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The first evaluation.
    pub a: Evaluation,
    /// The second evaluation.
    pub b: Evaluation,
    /// Every indicator of either, in the first's order then the second's.
    pub rows: Vec<CompareRow>,
}

impl Comparison {
    /// Compares two evaluations indicator by indicator (matched by id).
    pub fn new(a: Evaluation, b: Evaluation) -> Comparison {
        let mut rows: Vec<CompareRow> = a
            .indicators
            .iter()
            .chain(&a.bonus)
            .map(|r| CompareRow {
                id: r.id.clone(),
                name: r.name.clone(),
                depth: r.depth,
                points: r.points,
                a: Some(r.score),
                b: b.indicator(&r.id).map(|x| x.score),
            })
            .collect();
        for r in b.indicators.iter().chain(&b.bonus) {
            if a.indicator(&r.id).is_none() {
                rows.push(CompareRow {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    depth: r.depth,
                    points: r.points,
                    a: None,
                    b: Some(r.score),
                });
            }
        }
        Comparison { a, b, rows }
    }

    /// b's total − a's total.
    pub fn total_change(&self) -> Decimal {
        self.b.total - self.a.total
    }

    /// The rows whose score differs.
    pub fn changed(&self) -> impl Iterator<Item = &CompareRow> {
        self.rows.iter().filter(|r| r.a != r.b)
    }

    /// The comparison as text: changed indicators with both explanations, totals and grades.
    pub fn explain(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut out = String::new();
        for row in self.changed() {
            let (a, b) = (self.a.indicator(&row.id), self.b.indicator(&row.id));
            let _ = if zh {
                // 2.1.1 预算完成率：2分→1分（-1分）; an indicator one side lacks shows —.
                let fmt = |v: Option<Decimal>| v.map_or_else(|| "—".to_string(), |v| format!("{}分", figure(v)));
                let change = row
                    .change()
                    .map_or_else(String::new, |c| format!("（{}分）", signed(c)));
                writeln!(out, "{} {}：{}→{}{change}", row.id, row.name, fmt(row.a), fmt(row.b))
            } else {
                let fmt = |v: Option<Decimal>| v.map_or_else(|| "—".to_string(), figure);
                let change = row.change().map_or_else(String::new, |c| format!(" ({})", signed(c)));
                writeln!(out, "{} {}: {} → {}{change}", row.id, row.name, fmt(row.a), fmt(row.b))
            };
            if let (Some(a), Some(b)) = (a, b)
                && a.is_leaf
            {
                let _ = writeln!(out, "  {}{}", if zh { "原：" } else { "was: " }, a.explain(lang));
                let _ = writeln!(out, "  {}{}", if zh { "现：" } else { "now: " }, b.explain(lang));
            }
        }
        let change = signed(self.total_change());
        let (a, b) = (figure(self.a.total), figure(self.b.total));
        let _ = if zh {
            let grade = if self.a.grade == self.b.grade {
                format!("评价等次仍为“{}”", self.a.grade)
            } else {
                format!("评价等次由“{}”变为“{}”", self.a.grade, self.b.grade)
            };
            if self.total_change().is_zero() {
                write!(out, "综合得分仍为{a}分，{grade}")
            } else {
                write!(out, "综合得分{a}分→{b}分（{change}分），{grade}")
            }
        } else {
            let (ga, gb) = (
                self.a.grade_en.as_deref().unwrap_or(&self.a.grade),
                self.b.grade_en.as_deref().unwrap_or(&self.b.grade),
            );
            let grade = if ga == gb {
                format!("grade unchanged ({ga})")
            } else {
                format!("grade {ga} → {gb}")
            };
            if self.total_change().is_zero() {
                write!(out, "total unchanged ({a}), {grade}")
            } else {
                write!(out, "total {a} → {b} ({change}), {grade}")
            }
        };
        out
    }
}

/// A claimed self-evaluation: scores by indicator id, and optionally the claimed total and grade.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Claims {
    /// Claimed scores by indicator id (leaves and/or groups).
    pub scores: BTreeMap<String, Decimal>,
    /// Claimed total (综合得分).
    pub total: Option<Decimal>,
    /// Claimed grade (评价等次).
    pub grade: Option<String>,
}

/// What kind of mismatch an audit found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscrepancyKind {
    /// A claimed score differs from the one the unit's own figures give.
    Score,
    /// A claim names an indicator the system does not have.
    UnknownIndicator,
    /// A claimed score is outside [0, points].
    OutOfRange,
    /// A claimed group score is not the sum of its claimed children.
    GroupSum,
    /// The claimed total differs from the computed total.
    Total,
    /// The claimed total is not the sum of the claimed top-level scores.
    TotalSum,
    /// The claimed grade differs from the computed grade.
    Grade,
    /// The claimed grade is not the grade of the claimed total.
    GradeOfClaimedTotal,
}

impl DiscrepancyKind {
    /// A stable code.
    pub fn code(self) -> &'static str {
        match self {
            DiscrepancyKind::Score => "score",
            DiscrepancyKind::UnknownIndicator => "unknown_indicator",
            DiscrepancyKind::OutOfRange => "out_of_range",
            DiscrepancyKind::GroupSum => "group_sum",
            DiscrepancyKind::Total => "total",
            DiscrepancyKind::TotalSum => "total_sum",
            DiscrepancyKind::Grade => "grade",
            DiscrepancyKind::GradeOfClaimedTotal => "grade_of_claimed_total",
        }
    }
}

/// One mismatch between a claim and what follows from the figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Discrepancy {
    /// What kind.
    pub kind: DiscrepancyKind,
    /// The indicator, when the mismatch is about one.
    pub id: Option<Arc<str>>,
    /// Its name.
    pub name: Option<Arc<str>>,
    /// What was claimed.
    pub claimed: String,
    /// What the figures give.
    pub computed: String,
    /// computed − claimed, for figures.
    pub difference: Option<Decimal>,
    /// How the computed score comes about (zh), for indicator scores.
    pub explanation: Option<String>,
    /// For a claimed score the figures do not give: the common readings of the table that would
    /// give it (rounded another way, steps counted another way, the rate rounded first); empty
    /// when none does.
    pub readings: Vec<Reading>,
}

impl Discrepancy {
    /// The discrepancy in one line, in `lang`: what was claimed, what the figures give and, for a
    /// score, how it comes about and which common reading gives the claim.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let what = match (&self.id, &self.name) {
            (Some(id), Some(name)) => format!("{id} {name}"),
            (Some(id), None) => id.to_string(),
            _ => String::new(),
        };
        match (self.kind, zh) {
            (DiscrepancyKind::Score, true) => format!(
                "{what}：自评{}分，按基础数据应得{}分（差{}分）；{}；{}",
                self.claimed,
                self.computed,
                self.difference.map(figure).unwrap_or_default(),
                self.explanation.as_deref().unwrap_or(""),
                if self.readings.is_empty() {
                    "常见算法（其他舍入方式、整档/不足一档按一档/按比例计、率先取整）均得不到自评分".to_string()
                } else {
                    format!(
                        "自评分可由{}得到",
                        self.readings
                            .iter()
                            .map(|r| r.zh.as_str())
                            .collect::<Vec<_>>()
                            .join("，或")
                    )
                }
            ),
            (DiscrepancyKind::Score, false) => format!(
                "score {what}: claimed {}, computed {} (difference {}); {}",
                self.claimed,
                self.computed,
                self.difference.map(figure).unwrap_or_default(),
                if self.readings.is_empty() {
                    "no common reading (other rounding, step counting, the rate rounded first) gives the claim"
                        .to_string()
                } else {
                    format!(
                        "the claim follows from {}",
                        self.readings
                            .iter()
                            .map(|r| r.en.as_str())
                            .collect::<Vec<_>>()
                            .join(", or ")
                    )
                }
            ),
            (DiscrepancyKind::UnknownIndicator, true) => format!("{what}：指标表中没有该指标"),
            (DiscrepancyKind::OutOfRange, true) => {
                format!("{what}：自评{}分超出分值范围{}", self.claimed, self.computed)
            }
            (DiscrepancyKind::GroupSum, true) => {
                format!(
                    "{what}：自评{}分，但其下级指标自评合计{}分",
                    self.claimed, self.computed
                )
            }
            (DiscrepancyKind::Total, true) => {
                format!("综合得分：自评{}分，按基础数据应得{}分", self.claimed, self.computed)
            }
            (DiscrepancyKind::TotalSum, true) => {
                format!(
                    "综合得分：自评{}分，但一级指标自评合计{}分",
                    self.claimed, self.computed
                )
            }
            (DiscrepancyKind::Grade, true) => {
                format!("评价等次：自评为“{}”，按基础数据应为“{}”", self.claimed, self.computed)
            }
            (DiscrepancyKind::GradeOfClaimedTotal, true) => {
                format!(
                    "评价等次：自评为“{}”，但自评总分对应的等次为“{}”",
                    self.claimed, self.computed
                )
            }
            (kind, false) => format!(
                "{} {what}: claimed {}, computed {}",
                kind.code(),
                self.claimed,
                self.computed
            ),
        }
    }
}

/// A common way of computing a score — other than the system's — that reproduces a claim: how
/// the claimed figure was probably arrived at.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reading {
    /// A stable code: `unrounded`, `rounded`, `counting` or `rate_rounded_first`.
    pub code: &'static str,
    /// The score this reading gives (the claim).
    pub score: Decimal,
    /// What the reading is, in Chinese.
    pub zh: String,
    /// What the reading is, in English.
    pub en: String,
}

/// The result of an audit: the recomputed evaluation and every discrepancy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    /// The evaluation of the unit's own figures: the review (复核).
    pub evaluation: Evaluation,
    /// The mismatches (empty when the claims follow from the figures).
    pub discrepancies: Vec<Discrepancy>,
    /// Every indicator with its self-evaluated (自评) and reviewed (复核) score, for the 复核表.
    pub rows: Vec<ReviewRow>,
    /// By how much the claimed total exceeds the reviewed one, when that is more than the
    /// system's `review.inflated_above` (自评虚高).
    pub inflated: Option<Decimal>,
}

/// One row of the review table (复核表): an indicator's 自评 and 复核 score and the 复核意见.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReviewRow {
    /// The indicator.
    pub id: Arc<str>,
    /// Its name.
    pub name: Arc<str>,
    /// Depth in the tree (0 = 一级指标).
    pub depth: usize,
    /// Its points.
    pub points: Decimal,
    /// The self-evaluated score, when claimed.
    pub claimed: Option<Decimal>,
    /// The reviewed score: the stated score the unit's figures give.
    pub reviewed: Decimal,
    /// 复核 − 自评, when claimed.
    pub difference: Option<Decimal>,
    /// 复核意见: why the reviewed score differs (the computation, and the reading that would give
    /// the claim), when it does.
    pub opinion: Option<String>,
}

impl Audit {
    /// The audit as text, one line per discrepancy.
    pub fn explain(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let mut text = self.explain_discrepancies(lang);
        if let Some(excess) = self.inflated {
            let line = if zh {
                format!(
                    "自评虚高：自评总分比复核总分{}分高{}分",
                    crate::explain::stated(self.evaluation.total),
                    figure(excess)
                )
            } else {
                format!(
                    "inflated self-evaluation: the claimed total is {} above the reviewed {}",
                    figure(excess),
                    crate::explain::stated(self.evaluation.total)
                )
            };
            text.push('\n');
            text.push_str(&line);
        }
        text
    }

    fn explain_discrepancies(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        if self.discrepancies.is_empty() {
            return if zh {
                format!(
                    "自评结果与基础数据相符（综合得分{}分，评价等次为“{}”）",
                    crate::explain::stated(self.evaluation.total),
                    self.evaluation.grade
                )
            } else {
                format!(
                    "the claims follow from the figures (total {}, {})",
                    crate::explain::stated(self.evaluation.total),
                    self.evaluation.grade
                )
            };
        }
        let mut out = String::new();
        for d in &self.discrepancies {
            let line = d.message(lang);
            let _ = writeln!(out, "{line}");
        }
        out.trim_end().to_string()
    }
}

/// A goal for [`Scorer::target`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Goal {
    /// A total of at least this.
    Total(Decimal),
    /// At least this grade (a label of the grade table).
    Grade(String),
    /// At least this score on an indicator.
    Indicator {
        /// Indicator id.
        id: String,
        /// Score to reach.
        score: Decimal,
    },
}

/// A point where some score of the unit changes regime as the input varies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Breakpoint {
    /// The first value of the input (at its resolution) in the new regime.
    pub at: Decimal,
    /// The indicators whose regime changes here, with their scores just before and at the point.
    pub indicators: Vec<BreakpointChange>,
    /// Total just before the point.
    pub total_before: Option<Decimal>,
    /// Total at the point.
    pub total_at: Option<Decimal>,
    /// Grade just before the point.
    pub grade_before: Option<Arc<str>>,
    /// Grade at the point.
    pub grade_at: Option<Arc<str>>,
    /// The English labels of the two grades, where the grade table gives them.
    pub grades_en: (Option<Arc<str>>, Option<Arc<str>>),
    /// When the evaluation fails on one side: the error there.
    pub error: Option<String>,
}

/// One indicator's change at a breakpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakpointChange {
    /// Indicator id.
    pub id: Arc<str>,
    /// Name.
    pub name: Arc<str>,
    /// Score just before.
    pub before: Option<Decimal>,
    /// Score at the point.
    pub at: Option<Decimal>,
    /// How the score comes about at the point (zh).
    pub explanation: Option<String>,
    /// The same in English.
    pub explanation_en: Option<String>,
}

impl BreakpointChange {
    /// How the score comes about at the point, in `lang`.
    pub fn explanation(&self, lang: Lang) -> Option<&str> {
        match lang {
            Lang::Zh => self.explanation.as_deref(),
            Lang::En => self.explanation_en.as_deref(),
        }
    }
}

/// Scores as a function of one input over a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sensitivity {
    /// The input varied.
    pub input: String,
    /// Range start.
    pub from: Decimal,
    /// Range end.
    pub to: Decimal,
    /// The resolution of the input (the step of its decimal grid).
    pub resolution: Decimal,
    /// The input's declared unit (`万元`, `%`), for the texts.
    pub unit: Option<String>,
    /// The unit's evaluation at the range start (None when it fails there).
    pub start: Option<Evaluation>,
    /// Every change of regime in the range, in increasing order of the input.
    pub breakpoints: Vec<Breakpoint>,
}

/// The least change of one input that reaches a goal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The input varied.
    pub input: String,
    /// Its current value.
    pub current: Decimal,
    /// The value that reaches the goal (None when unreachable).
    pub required: Option<Decimal>,
    /// The evaluation at the required value.
    pub reached: Option<Evaluation>,
    /// The indicators whose scores change between the current and the required value.
    pub deciding: Vec<Arc<str>>,
    /// Why the goal cannot be reached, when it cannot.
    pub unreachable: Option<String>,
    /// The sentence for people, e.g. "本年追加须不超过600万元（至少减少299万元），才能使综合得分达到95分；…".
    pub message: String,
    /// The same in English.
    pub message_en: String,
}

impl Target {
    /// The answer in words, in `lang`.
    pub fn explain(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message,
            Lang::En => &self.message_en,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Regime {
    NotApplicable(NaOutcome),
    Plain,
    Steps(Decimal),
    Gap(bool, bool),
    Tier(usize),
    Otherwise,
    Share(i8),
    Occurrences(Decimal, bool),
    Case(Option<usize>),
    Clamp(i8),
    Chosen(usize, Box<Regime>),
}

fn share_code(share: Decimal) -> i8 {
    if share <= Decimal::ZERO {
        0
    } else if share >= Decimal::ONE {
        2
    } else {
        1
    }
}

fn outcome_regime(o: &Outcome) -> Regime {
    match o {
        Outcome::Step {
            counting,
            gap,
            steps,
            capped,
            ..
        } => match counting {
            Counting::Proportional => Regime::Gap(!gap.is_zero(), *capped),
            _ => Regime::Steps(if *capped { Decimal::NEGATIVE_ONE } else { *steps }),
        },
        Outcome::Tier { index, .. } => Regime::Tier(*index),
        Outcome::TierOtherwise { .. } => Regime::Otherwise,
        Outcome::Ratio { share, .. } => Regime::Share(share_code(*share)),
        Outcome::Rate { used, .. } => Regime::Share(share_code(*used)),
        Outcome::PerOccurrence { measured, capped, .. } => {
            Regime::Occurrences(if *capped { Decimal::NEGATIVE_ONE } else { measured.value }, *capped)
        }
        Outcome::Case { index, .. } => Regime::Case(Some(*index)),
        Outcome::CaseOtherwise => Regime::Case(None),
        Outcome::Formula { value, clamped, .. } => Regime::Clamp(if !clamped {
            1
        } else if value.is_sign_negative() {
            0
        } else {
            2
        }),
        Outcome::Chosen { index, inner, .. } => Regime::Chosen(*index, Box::new(outcome_regime(inner))),
        _ => Regime::Plain,
    }
}

fn result_regime(r: &IndicatorResult) -> Regime {
    match &r.status {
        Status::NotApplicable { outcome, .. } => Regime::NotApplicable(*outcome),
        Status::Scored => outcome_regime(&r.outcome),
    }
}

/// The discrete state of a whole evaluation: every leaf's regime, the grade and the vetoes applied.
#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Ok {
        leaves: Vec<Regime>,
        grade: Arc<str>,
        vetoes: Vec<Arc<str>>,
    },
    Failed(String),
}

fn state(e: &Result<Evaluation, EvalError>) -> State {
    match e {
        Ok(e) => State::Ok {
            leaves: e
                .indicators
                .iter()
                .chain(&e.bonus)
                .filter(|r| r.is_leaf)
                .map(result_regime)
                .collect(),
            grade: e.grade.clone(),
            vetoes: e.vetoes.iter().map(|v| v.id.clone()).collect(),
        },
        Err(err) => State::Failed(err.kind().to_string()),
    }
}

/// Most breakpoints a sensitivity (or the walk of a target search) finds in its range; beyond it
/// the request is refused (narrow the range or coarsen the resolution).
pub const MAX_BREAKPOINTS: usize = 1000;

/// Most evaluations of the system one sensitivity or target analysis may make, counted as
/// evaluated leaves (a system of 2 000 leaves gets 10 000 evaluations): the time an analysis
/// takes is bounded whatever the system, and its memory is what it returns.
pub const MAX_ANALYSIS_WORK: usize = 20_000_000;

/// What the searches keep of one evaluation: a few figures, never the evaluation (whose size
/// grows with the system), so that what a search remembers is bounded by the points it probes.
#[derive(Debug, Clone, Default)]
struct Summary {
    /// The total; `None` when the evaluation fails.
    total: Option<Decimal>,
    /// The grade.
    grade: Option<Arc<str>>,
    /// The score of the indicator a target search watches.
    watched: Option<Decimal>,
    /// Whether a veto applies.
    vetoed: bool,
}

struct Probe<'a> {
    scorer: &'a Scorer,
    slots: Vec<InVal>,
    slot: usize,
    resolution: Decimal,
    /// The indicator whose score the summaries keep (a target's goal indicator).
    watch: Option<String>,
    /// A summary of every evaluation made, by value of the input.
    seen: BTreeMap<Decimal, Summary>,
    /// Evaluations made so far, and the most allowed.
    evaluations: usize,
    max_evaluations: usize,
}

impl Probe<'_> {
    /// Evaluates the unit with the input at `x` (counted against the budget).
    fn evaluate(&mut self, x: Decimal) -> Result<Result<Evaluation, EvalError>, AnalysisError> {
        if self.evaluations >= self.max_evaluations {
            return Err(AnalysisError::Request(format!(
                "the analysis needs more than {} evaluations of this system of {} scored indicators (at most \
                 {MAX_ANALYSIS_WORK} indicator evaluations per analysis); narrow the range or coarsen the resolution",
                self.max_evaluations,
                self.scorer.inner.nodes.iter().filter(|n| n.rule.is_some()).count()
            )));
        }
        self.evaluations += 1;
        if let Some(s) = self.slots.get_mut(self.slot) {
            *s = InVal::Num(x);
        }
        let e = self.scorer.evaluate_slots(&self.slots);
        let summary = match &e {
            Ok(e) => Summary {
                total: Some(e.total),
                grade: Some(e.grade.clone()),
                watched: self.watch.as_deref().and_then(|id| e.indicator(id)).map(|r| r.score),
                vetoed: !e.vetoes.is_empty(),
            },
            Err(_) => Summary::default(),
        };
        self.seen.insert(x, summary);
        Ok(e)
    }

    /// The summary at `x`, evaluating only when `x` was not probed before.
    fn summary(&mut self, x: Decimal) -> Result<Summary, AnalysisError> {
        if let Some(s) = self.seen.get(&x) {
            return Ok(s.clone());
        }
        let _ = self.evaluate(x)?;
        Ok(self.seen.get(&x).cloned().unwrap_or_default())
    }

    fn state(&mut self, x: Decimal) -> Result<State, AnalysisError> {
        Ok(state(&self.evaluate(x)?))
    }

    fn snap(&self, x: Decimal) -> Decimal {
        snap(x, self.resolution)
    }

    /// First grid point in (lo, hi] whose state differs from `left`, lo's state (which differs
    /// from `right`, hi's state), with its state.
    fn first_change(
        &mut self,
        mut lo: Decimal,
        mut hi: Decimal,
        left: &State,
        right: State,
    ) -> Result<(Decimal, State), AnalysisError> {
        let mut right = right;
        while hi - lo > self.resolution {
            let mid = self.snap(lo + (hi - lo) / Decimal::TWO);
            let mid = if mid <= lo {
                lo + self.resolution
            } else if mid >= hi {
                hi - self.resolution
            } else {
                mid
            };
            let here = self.state(mid)?;
            if here == *left {
                lo = mid;
            } else {
                hi = mid;
                right = here;
            }
        }
        Ok((hi, right))
    }
}

/// An input's allowed range (declared min and max).
type Allowed = (Option<Decimal>, Option<Decimal>);

fn snap(x: Decimal, resolution: Decimal) -> Decimal {
    if resolution.is_zero() {
        return x;
    }
    (x / resolution).round() * resolution
}

impl Scorer {
    /// Evaluates the unit before and after changing some inputs.
    pub fn what_if(&self, base: &Inputs, changes: &Inputs) -> Result<Comparison, EvalError> {
        let before = self.evaluate(base)?;
        let mut changed = base.clone();
        for (k, v) in &changes.values {
            changed.values.insert(k.clone(), v.clone());
        }
        let after = self.evaluate(&changed)?;
        Ok(Comparison::new(before, after))
    }

    /// The grade the grade table gives a total.
    pub fn grade_of(&self, total: Decimal) -> Arc<str> {
        let grades = &self.inner.grades;
        grades
            .iter()
            .find(|g| g.min.is_none_or(|m| total >= m))
            .or(grades.last())
            .map_or_else(|| Arc::from(""), |g| g.label.clone())
    }

    /// Recomputes a unit from its figures and lists every claim that does not follow from them.
    pub fn audit(&self, inputs: &Inputs, claims: &Claims) -> Result<Audit, EvalError> {
        let e = self.evaluate(inputs)?;
        let mut out = Vec::new();
        for (id, claimed) in &claims.scores {
            let Some(r) = e.indicator(id) else {
                out.push(Discrepancy {
                    kind: DiscrepancyKind::UnknownIndicator,
                    id: Some(Arc::from(id.as_str())),
                    name: None,
                    claimed: figure(*claimed),
                    computed: String::new(),
                    difference: None,
                    explanation: None,
                    readings: Vec::new(),
                });
                continue;
            };
            if claimed.is_sign_negative() || *claimed > r.points {
                out.push(Discrepancy {
                    kind: DiscrepancyKind::OutOfRange,
                    id: Some(r.id.clone()),
                    name: Some(r.name.clone()),
                    claimed: figure(*claimed),
                    computed: format!("[0, {}]", figure(r.points)),
                    difference: None,
                    explanation: None,
                    readings: Vec::new(),
                });
            }
            // A claim is compared with the stated score (never at the claim's own precision: a
            // claim of 5 is not 4.73); an indicator stated exactly is met by a claim within half a
            // unit of the total's precision.
            let stated = self.stated_rounding(id);
            if !self.claim_matches(*claimed, r.score, r.exact_score, stated) {
                let readings = if r.is_leaf {
                    self.readings(inputs, r, *claimed, stated)
                } else {
                    Vec::new()
                };
                out.push(Discrepancy {
                    kind: DiscrepancyKind::Score,
                    id: Some(r.id.clone()),
                    name: Some(r.name.clone()),
                    claimed: figure(*claimed),
                    computed: crate::explain::stated(r.score),
                    difference: r.score.sub_checked(*claimed),
                    explanation: Some(r.explain(Lang::Zh)),
                    readings,
                });
            }
        }
        // Claimed groups against their claimed children, when every child is claimed.
        for (i, r) in e.indicators.iter().enumerate() {
            let Some(claimed) = claims.scores.get(&*r.id) else {
                continue;
            };
            let children: Vec<&IndicatorResult> = e.indicators.iter().filter(|c| c.parent == Some(i)).collect();
            if children.is_empty() {
                continue;
            }
            let sums: Option<Vec<Decimal>> = children.iter().map(|c| claims.scores.get(&*c.id).copied()).collect();
            // Claims are the user's figures: an absurd one (already reported out of range) may
            // overflow a sum, which then is not compared.
            if let Some(sum) = sums.and_then(|s| checked_sum(&s)) {
                let stated = self.stated_rounding(&r.id);
                let children_stated = children.iter().all(|c| self.stated_rounding(&c.id).is_some());
                if !self.sum_matches(*claimed, sum, stated.filter(|_| children_stated), children.len()) {
                    out.push(Discrepancy {
                        kind: DiscrepancyKind::GroupSum,
                        id: Some(r.id.clone()),
                        name: Some(r.name.clone()),
                        claimed: figure(*claimed),
                        computed: figure(sum),
                        difference: sum.sub_checked(*claimed),
                        explanation: None,
                        readings: Vec::new(),
                    });
                }
            }
        }
        if let Some(total) = claims.total {
            if total != e.total {
                out.push(Discrepancy {
                    kind: DiscrepancyKind::Total,
                    id: None,
                    name: None,
                    claimed: figure(total),
                    computed: crate::explain::stated(e.total),
                    difference: e.total.sub_checked(total),
                    explanation: None,
                    readings: Vec::new(),
                });
            }
            let top: Option<Vec<Decimal>> = e
                .indicators
                .iter()
                .filter(|r| r.depth == 0)
                .map(|r| claims.scores.get(&*r.id).copied())
                .collect();
            let bonus: Vec<Decimal> = e
                .bonus
                .iter()
                .filter_map(|b| claims.scores.get(&*b.id).copied())
                .collect();
            if let Some(top) = top
                && e.rescaled_total.is_none()
                && let Some(sum) = checked_sum(&top)
                    .zip(checked_sum(&bonus))
                    .and_then(|(t, b)| t.add_checked(b))
            {
                let parts: Vec<&IndicatorResult> = e
                    .indicators
                    .iter()
                    .filter(|r| r.depth == 0)
                    .chain(e.bonus.iter())
                    .collect();
                let all_stated = parts.iter().all(|r| self.stated_rounding(&r.id).is_some());
                let rounding = self.inner.rounding.total.filter(|_| all_stated);
                if !self.sum_matches(total, sum, rounding, parts.len()) && e.vetoes.is_empty() {
                    out.push(Discrepancy {
                        kind: DiscrepancyKind::TotalSum,
                        id: None,
                        name: None,
                        claimed: figure(total),
                        computed: figure(sum),
                        difference: sum.sub_checked(total),
                        explanation: None,
                        readings: Vec::new(),
                    });
                }
            }
            if let Some(grade) = &claims.grade {
                let of_claimed = self.grade_of(total);
                if e.vetoes.is_empty() && **grade != *of_claimed {
                    out.push(Discrepancy {
                        kind: DiscrepancyKind::GradeOfClaimedTotal,
                        id: None,
                        name: None,
                        claimed: grade.clone(),
                        computed: of_claimed.to_string(),
                        difference: None,
                        explanation: None,
                        readings: Vec::new(),
                    });
                }
            }
        }
        if let Some(grade) = &claims.grade
            && **grade != *e.grade
        {
            out.push(Discrepancy {
                kind: DiscrepancyKind::Grade,
                id: None,
                name: None,
                claimed: grade.clone(),
                computed: e.grade.to_string(),
                difference: None,
                explanation: None,
                readings: Vec::new(),
            });
        }
        let rows = e
            .indicators
            .iter()
            .chain(e.bonus.iter())
            .map(|r| {
                let claimed = claims.scores.get(&*r.id).copied();
                let opinion = out
                    .iter()
                    .find(|d| d.kind == DiscrepancyKind::Score && d.id.as_deref() == Some(&*r.id))
                    .map(|d| {
                        if !r.is_leaf {
                            return group_opinion(&e, r, claims);
                        }
                        let mut text = d.explanation.clone().unwrap_or_default();
                        if !d.readings.is_empty() {
                            text.push_str(&format!(
                                "；自评分可由{}得到",
                                d.readings
                                    .iter()
                                    .map(|x| x.zh.as_str())
                                    .collect::<Vec<_>>()
                                    .join("，或")
                            ));
                        }
                        text
                    });
                ReviewRow {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    depth: r.depth,
                    points: r.points,
                    claimed,
                    reviewed: r.score,
                    difference: claimed.and_then(|c| r.score.sub_checked(c)),
                    opinion,
                }
            })
            .collect();
        let inflated = match (&self.inner.system.review, claims.total) {
            (Some(review), Some(total)) => total
                .sub_checked(e.total)
                .filter(|excess| *excess > review.inflated_above.value()),
            _ => None,
        };
        Ok(Audit {
            evaluation: e,
            discrepancies: out,
            rows,
            inflated,
        })
    }

    /// The precision the indicator `id`'s score is stated at, if any.
    fn stated_rounding(&self, id: &str) -> Option<Rounding> {
        self.inner.nodes.iter().find(|n| &*n.id == id).and_then(|n| n.rounding)
    }

    /// Whether a claim is the score: the stated one when the indicator is stated; otherwise the
    /// exact one within half a unit of the total's precision (a claim rounded as tables print
    /// it), or exactly when the total is not rounded either.
    fn claim_matches(&self, claimed: Decimal, stated: Decimal, exact: Decimal, rounding: Option<Rounding>) -> bool {
        if rounding.is_some() {
            return claimed == stated;
        }
        // One exactly stated figure: the tolerance of a sum with no parts.
        self.sum_matches(claimed, exact, None, 0)
    }

    /// Whether a claimed parent (a group or the total) follows from its claimed parts' `sum`.
    /// When the parts are stated figures, the parent is their sum stated at its precision
    /// (`rounding`, exactly); when they are stated exactly, each claimed part may have been
    /// rounded as tables print figures, so the sum may differ from the parent by half a unit of
    /// the total's precision per part, and once more for the parent itself.
    fn sum_matches(&self, claimed: Decimal, sum: Decimal, rounding: Option<Rounding>, parts: usize) -> bool {
        if let Some(r) = rounding {
            return crate::eval::round(sum, r) == claimed;
        }
        match self.inner.rounding.total {
            Some(t) => {
                let allowed = Decimal::new(1, t.scale)
                    .mul_checked(Decimal::from(parts.saturating_add(1)))
                    .unwrap_or(Decimal::MAX);
                claimed
                    .sub_checked(sum)
                    .is_some_and(|d| d.abs().mul_checked(Decimal::TWO).is_some_and(|twice| twice <= allowed))
            }
            None => claimed == sum,
        }
    }

    /// The common readings of the table that would give `claimed` for the leaf `r`: its exact
    /// score unrounded or rounded another way (to 1, 0.1 or 0.01, down, half up or up), its steps
    /// counted another way, or its rate rounded before multiplying (to 1%, 0.1% or 0.01%).
    fn readings(&self, inputs: &Inputs, r: &IndicatorResult, claimed: Decimal, own: Option<Rounding>) -> Vec<Reading> {
        let mut out: Vec<Reading> = Vec::new();
        let exact = r.exact_score;
        if own.is_some() && claimed == exact {
            out.push(Reading {
                code: "unrounded",
                score: claimed,
                zh: format!("未舍入的计算值{}", crate::explain::detail(exact)),
                en: format!("the unrounded score {}", crate::explain::detail(exact)),
            });
        }
        for scale in 0..=2u32 {
            let unit = ["1", "0.1", "0.01"].get(scale as usize).copied().unwrap_or("0.01");
            let modes: Vec<(RoundingMode, &str, &str)> = [
                (RoundingMode::Down, "去尾", "rounded down"),
                (RoundingMode::HalfUp, "四舍五入", "rounded half up"),
                (RoundingMode::Up, "进一", "rounded up"),
            ]
            .into_iter()
            .filter(|(mode, ..)| {
                let p = Rounding { scale, mode: *mode };
                Some(p) != own && crate::eval::round(exact, p).max(Decimal::ZERO).min(r.points) == claimed
            })
            .collect();
            if modes.is_empty() || claimed == r.score {
                continue;
            }
            let zh: Vec<&str> = modes.iter().map(|m| m.1).collect();
            let en: Vec<&str> = modes.iter().map(|m| m.2).collect();
            out.push(Reading {
                code: "rounded",
                score: claimed,
                zh: format!("计算值{}按{unit}分{}", crate::explain::detail(exact), zh.join("或")),
                en: format!(
                    "the score {} {} to {unit}",
                    crate::explain::detail(exact),
                    en.join(" or ")
                ),
            });
        }
        // Readings of the rule: re-score the unit with the rule read another way.
        let Some(rule) = find_indicator(&self.inner.system, &r.id).and_then(|i| i.rule.clone()) else {
            return out;
        };
        let mut variants: Vec<(Rule, &'static str, String, String)> = Vec::new();
        match &rule {
            Rule::Step(step) => {
                for counting in [Counting::Whole, Counting::Started, Counting::Proportional] {
                    if counting != step.counting {
                        let mut v = step.clone();
                        v.counting = counting;
                        variants.push((
                            Rule::Step(v),
                            "counting",
                            format!("按“{}”计算", crate::explain::counting_text(counting, Lang::Zh)),
                            format!("counting steps {}", crate::explain::counting_text(counting, Lang::En)),
                        ));
                    }
                }
            }
            Rule::Rate(rate) if rate.round_rate.is_none() => {
                for (scale, unit) in [(2u32, "1%"), (3, "0.1%"), (4, "0.01%")] {
                    let mut v = rate.clone();
                    v.round_rate = Some(Rounding {
                        scale,
                        mode: RoundingMode::HalfUp,
                    });
                    variants.push((
                        Rule::Rate(v),
                        "rate_rounded_first",
                        format!("率先四舍五入到{unit}再乘分值"),
                        format!("the rate rounded to {unit} before multiplying"),
                    ));
                }
            }
            Rule::Ratio(ratio) if ratio.round_rate.is_none() => {
                for (scale, unit) in [(2u32, "1%"), (3, "0.1%"), (4, "0.01%")] {
                    let mut v = ratio.clone();
                    v.round_rate = Some(Rounding {
                        scale,
                        mode: RoundingMode::HalfUp,
                    });
                    variants.push((
                        Rule::Ratio(v),
                        "rate_rounded_first",
                        format!("完成比率先四舍五入到{unit}再乘分值"),
                        format!("the ratio rounded to {unit} before multiplying"),
                    ));
                }
            }
            _ => {}
        }
        for (variant, code, zh, en) in variants {
            let mut system = self.inner.system.clone();
            let Some(target) = find_indicator_mut(&mut system, &r.id) else {
                continue;
            };
            target.rule = Some(variant);
            let Ok(scorer) = Scorer::new(&system) else { continue };
            let Ok(e) = scorer.evaluate(inputs) else { continue };
            if let Some(v) = e.indicator(&r.id)
                && v.score == claimed
            {
                out.push(Reading {
                    code,
                    score: claimed,
                    zh: format!("{zh}（得{}分）", crate::explain::stated(v.score)),
                    en: format!("{en} (scores {})", crate::explain::stated(v.score)),
                });
            }
        }
        out
    }

    /// An input's declared unit (`万元`, `%`), when it has one.
    fn input_unit(&self, input: &str) -> Option<String> {
        self.inner
            .system
            .inputs
            .iter()
            .find(|i| i.name == input)
            .and_then(|i| i.unit.clone())
            .filter(|u| !u.trim().is_empty())
    }

    fn probe(
        &self,
        inputs: &Inputs,
        input: &str,
        resolution: Option<Decimal>,
    ) -> Result<(Probe<'_>, Decimal, Allowed), AnalysisError> {
        let c = &self.inner;
        let slot = *c.input_index.get(input).ok_or_else(|| {
            AnalysisError::Request(format!(
                "`{input}` is not a declared input (inputs: {})",
                self.input_names().collect::<Vec<_>>().join(", ")
            ))
        })? as usize;
        let decl = c
            .inputs
            .get(slot)
            .ok_or_else(|| AnalysisError::Request(format!("`{input}` has no slot")))?;
        if !matches!(decl.kind, InputKind::Number | InputKind::Count | InputKind::Manual) {
            return Err(AnalysisError::Request(format!(
                "`{input}` is not a numeric input; only number, count and manual inputs can be varied"
            )));
        }
        let slots = self.resolve_inputs(inputs)?;
        let current = match slots.get(slot) {
            Some(InVal::Num(d)) => *d,
            _ => {
                return Err(AnalysisError::Request(format!(
                    "`{input}` has no current value; give it in the inputs"
                )));
            }
        };
        if current.abs() > LIMIT {
            return Err(AnalysisError::Request(format!(
                "`{input}` is {}, beyond the ±10^15 within which inputs are varied",
                figure(current)
            )));
        }
        let resolution = match resolution {
            Some(r) if r >= MIN_RESOLUTION && r <= LIMIT => r,
            Some(r) if r > Decimal::ZERO => {
                return Err(AnalysisError::Request(format!(
                    "the resolution {} is outside 0.0000000001–10^15",
                    crate::explain::num(r)
                )));
            }
            Some(_) => return Err(AnalysisError::Request("the resolution must be positive".into())),
            None if decl.kind == InputKind::Count => Decimal::ONE,
            None => {
                let scale = current.normalize().scale().max(if decl.percent { 4 } else { 2 });
                Decimal::new(1, scale.min(10))
            }
        };
        let leaves = c.nodes.iter().filter(|n| n.rule.is_some()).count().max(1);
        let probe = Probe {
            scorer: self,
            slots,
            slot,
            resolution,
            watch: None,
            seen: BTreeMap::new(),
            evaluations: 0,
            max_evaluations: MAX_ANALYSIS_WORK / leaves,
        };
        Ok((probe, current, (decl.min, decl.max)))
    }

    /// Candidate points from the rules: the input values at which a rule's measured value reaches
    /// one of its critical values, by inverting the measure as a ratio of linear functions of the input.
    ///
    /// Refused when the range holds more than [`MAX_BREAKPOINTS`] distinct candidates: each is a
    /// possible breakpoint, and finding them all would take time and memory beyond any answer.
    fn rule_candidates(
        &self,
        probe: &mut Probe<'_>,
        lo: Decimal,
        hi: Decimal,
    ) -> Result<BTreeSet<Decimal>, AnalysisError> {
        let mid = probe.snap(lo + (hi - lo) / Decimal::TWO);
        let points = [lo, mid, hi];
        let mut values: Vec<Option<Evaluation>> = Vec::with_capacity(3);
        for x in points {
            values.push(probe.evaluate(x)?.ok());
        }
        let mut out = BTreeSet::new();
        for node in &self.inner.nodes {
            let Some(rule) = &node.rule else { continue };
            let critical = critical_values(rule, node.points);
            if critical.is_empty() {
                continue;
            }
            let measured: Vec<Option<Decimal>> = values
                .iter()
                .map(|e| e.as_ref().and_then(|e| e.indicator(&node.id)).and_then(|r| r.value))
                .collect();
            let (Some(Some(m0)), Some(Some(m1)), Some(Some(m2))) = (measured.first(), measured.get(1), measured.get(2))
            else {
                continue;
            };
            if m0 == m2 && m0 == m1 {
                continue;
            }
            // m(x) (1 + d x) = a + b x through three points; solve m(x) = c for each critical c.
            let fit = fit_fractional([(lo, *m0), (mid, *m1), (hi, *m2)]);
            for c in critical {
                // The rules' figures and the other inputs may be anything: an overflow here
                // only means no candidate from this rule.
                if let Some((a, b, d)) = fit
                    && let Some(x) = c
                        .sub_checked(a)
                        .zip(c.mul_checked(d).and_then(|cd| b.sub_checked(cd)))
                        .and_then(|(num, den)| num.div_checked(den))
                    && x > lo
                    && x <= hi
                {
                    out.insert(probe.snap(x));
                    if out.len() > MAX_BREAKPOINTS {
                        return Err(too_many_breakpoints(lo, hi, probe.resolution));
                    }
                }
            }
        }
        Ok(out)
    }

    /// Every change of regime of any score as `input` goes from `from` to `to`.
    pub fn sensitivity(
        &self,
        inputs: &Inputs,
        input: &str,
        from: Decimal,
        to: Decimal,
        resolution: Option<Decimal>,
    ) -> Result<Sensitivity, AnalysisError> {
        self.sensitivity_counted(inputs, input, from, to, resolution)
            .map(|(s, _)| s)
    }

    /// [`Scorer::sensitivity`] and the number of evaluations it made.
    fn sensitivity_counted(
        &self,
        inputs: &Inputs,
        input: &str,
        from: Decimal,
        to: Decimal,
        resolution: Option<Decimal>,
    ) -> Result<(Sensitivity, usize), AnalysisError> {
        let (mut probe, _, (min, max)) = self.probe(inputs, input, resolution)?;
        let lo = probe.snap(from.min(to).max(min.unwrap_or(-LIMIT)).max(-LIMIT));
        let hi = probe.snap(from.max(to).min(max.unwrap_or(LIMIT)).min(LIMIT));
        if lo >= hi {
            return Err(AnalysisError::Request(format!(
                "the range {}–{} is empty within the input's allowed values",
                figure(lo),
                figure(hi)
            )));
        }
        let breakpoints = breakpoints(self, &mut probe, lo, hi)?;
        let start = probe.evaluate(lo)?.ok();
        let sensitivity = Sensitivity {
            input: input.to_string(),
            from: lo,
            to: hi,
            resolution: probe.resolution,
            unit: self.input_unit(input),
            start,
            breakpoints,
        };
        Ok((sensitivity, probe.evaluations))
    }

    /// The least change of `input` (either way, within `range` or the input's allowed values)
    /// that reaches `goal`.
    pub fn target(
        &self,
        inputs: &Inputs,
        input: &str,
        goal: &Goal,
        range: Option<(Decimal, Decimal)>,
        resolution: Option<Decimal>,
    ) -> Result<Target, AnalysisError> {
        let c = &self.inner;
        let (mut probe, current, (min, max)) = self.probe(inputs, input, resolution)?;
        let unit = c.inputs.get(probe.slot).map(|d| d.percent).unwrap_or(false);
        if let Goal::Indicator { id, .. } = goal {
            probe.watch = Some(id.clone());
        }
        let base = probe.evaluate(current)??;
        match goal {
            Goal::Grade(g) if !c.grades.iter().any(|x| &*x.label == g) => {
                let grades: Vec<&str> = c.grades.iter().map(|x| &*x.label).collect();
                return Err(AnalysisError::Request(format!(
                    "`{g}` is not a grade of the system (grades: {})",
                    grades.join(", ")
                )));
            }
            Goal::Indicator { id, .. } if base.indicator(id).is_none() => {
                return Err(AnalysisError::Request(format!(
                    "`{id}` is not an indicator of the system"
                )));
            }
            _ => {}
        }
        let grade_rank = |label: &str| c.grades.iter().position(|g| &*g.label == label);
        let reaches = |s: &Summary| -> bool {
            match goal {
                Goal::Total(t) => s.total.is_some_and(|total| total >= *t),
                Goal::Grade(g) => match (s.grade.as_deref().and_then(grade_rank), grade_rank(g)) {
                    (Some(have), Some(want)) => have <= want,
                    _ => false,
                },
                Goal::Indicator { score, .. } => s.watched.is_some_and(|w| w >= *score),
            }
        };
        let (lo, hi) = match range {
            Some((a, b)) => (a.min(b), a.max(b)),
            None => {
                let span = current.abs().max(Decimal::ONE_HUNDRED) * Decimal::TEN;
                (min.unwrap_or(current - span), max.unwrap_or(current + span))
            }
        };
        let (lo, hi) = (
            probe.snap(lo.max(min.unwrap_or(-LIMIT)).max(-LIMIT)),
            probe.snap(hi.min(max.unwrap_or(LIMIT)).min(LIMIT)),
        );
        let current = probe.snap(current);
        let label = input.to_string();
        let q = Quantity {
            percent: unit,
            unit: self.input_unit(input).unwrap_or_default(),
        };
        let goal_zh = goal_text(goal, &base, Lang::Zh);
        let goal_en = goal_text(goal, &base, Lang::En);
        if reaches(&probe.summary(current)?) {
            return Ok(Target {
                message: format!("{label}按当前取值{}已能使{goal_zh}，无需调整", q.zh(current)),
                message_en: format!(
                    "{label} needs no change: at its current value {} it already gives {goal_en}",
                    q.en(current)
                ),
                input: label,
                current,
                required: Some(current),
                reached: Some(base),
                deciding: Vec::new(),
                unreachable: None,
            });
        }
        let mut found: Vec<Decimal> = Vec::new();
        for (a, b) in [(current, hi), (current, lo)] {
            if a == b {
                continue;
            }
            let mut points = change_points(self, &mut probe, a.min(b), a.max(b))?;
            points.extend([a, b]);
            points.retain(|p| *p >= a.min(b) && *p <= a.max(b));
            points.sort();
            points.dedup();
            if b < a {
                points.reverse();
            }
            // Walk away from the current value; within a regime the scores are monotone, so the
            // first satisfying grid point is found by bisection between the last failing point and
            // the first satisfying one.
            let mut last = a;
            for p in points.into_iter().skip(1) {
                let here = reaches(&probe.summary(p)?);
                // Also test just before the breakpoint: the end of the previous regime.
                let before = if b > a {
                    p - probe.resolution
                } else {
                    p + probe.resolution
                };
                let before_reaches = before != last && reaches(&probe.summary(before)?);
                let (ok_point, fail_point) = if before_reaches {
                    (before, last)
                } else if here {
                    (
                        p,
                        if before != last && !before_reaches {
                            before
                        } else {
                            last
                        },
                    )
                } else {
                    last = p;
                    continue;
                };
                found.push(bisect_goal(&mut probe, fail_point, ok_point, &reaches)?);
                break;
            }
        }
        let best = found.into_iter().min_by_key(|x| (*x - current).abs());
        let Some(x) = best else {
            let best_total = probe.seen.values().filter_map(|s| s.total).max();
            let (why, why_en) = match (goal, best_total) {
                (_, None) => (
                    "此范围内均无法完成评分".to_string(),
                    "the unit cannot be scored anywhere in this range".to_string(),
                ),
                (Goal::Indicator { .. }, _) => {
                    let best = probe.seen.values().filter_map(|s| s.watched).max();
                    let best = best.map(figure).unwrap_or_default();
                    (
                        format!("该指标在此范围内最高得{best}分"),
                        format!("the indicator scores at most {best} in this range"),
                    )
                }
                (_, Some(t)) => (
                    format!("此范围内综合得分最高为{}分", figure(t)),
                    format!("the highest total in this range is {}", figure(t)),
                ),
            };
            let vetoed = !base.vetoes.is_empty() && probe.seen.values().all(|s| s.total.is_none() || s.vetoed);
            let (why, why_en) = if vetoed {
                let names: Vec<String> = base.vetoes.iter().map(|v| format!("“{}”", v.name)).collect();
                (
                    format!("{why}；一票否决事项{}始终适用", names.join("、")),
                    format!("{why_en}; the veto {} applies throughout", names.join(", ")),
                )
            } else {
                (why, why_en)
            };
            return Ok(Target {
                message: format!(
                    "{label}在{}—{}范围内取任何值都无法使{goal_zh}：{why}",
                    q.zh_bare(lo),
                    q.zh(hi)
                ),
                message_en: format!(
                    "no value of {label} from {} to {} gives {goal_en}: {why_en}",
                    q.en(lo),
                    q.en(hi)
                ),
                input: label,
                current,
                required: None,
                reached: None,
                deciding: Vec::new(),
                unreachable: Some(why),
            });
        };
        let reached = probe.evaluate(x)??;
        let deciding: Vec<Arc<str>> = base
            .indicators
            .iter()
            .chain(&base.bonus)
            .filter(|r| r.is_leaf)
            .filter(|r| reached.indicator(&r.id).is_some_and(|n| n.score != r.score))
            .map(|r| r.id.clone())
            .collect();
        let up = x > current;
        let change = (x - current).abs();
        // x itself reaches the goal: 须不超过600万元 (600 qualifies), with the least change.
        // At the input's own bound (a budget cut to 0) the value is the only one: 须降至0万元.
        // A count is never negative, whether or not it declares so.
        let is_count = c.inputs.get(probe.slot).is_some_and(|d| d.kind == InputKind::Count);
        let floor = min.or(is_count.then_some(Decimal::ZERO));
        let at_bound = if up { max == Some(x) } else { floor == Some(x) };
        let mut message = format!(
            "{label}须{}{}（{}{}{}），才能使{goal_zh}",
            match (up, at_bound) {
                (true, false) => "不低于",
                (false, false) => "不超过",
                (true, true) => "提高至",
                (false, true) => "降至",
            },
            q.zh(x),
            if at_bound { "" } else { "至少" },
            match (up, unit) {
                (true, true) => "提高",
                (false, true) => "降低",
                (true, false) => "增加",
                (false, false) => "减少",
            },
            q.zh_change(change)
        );
        let mut message_en = format!(
            "{label} must be {} {} ({} of {}{}) to give {goal_en}",
            match (up, at_bound) {
                (true, false) => "at least",
                (false, false) => "at most",
                (true, true) => "raised to",
                (false, true) => "cut to",
            },
            q.en(x),
            if up { "an increase" } else { "a cut" },
            if at_bound { "" } else { "at least " },
            q.en_change(change)
        );
        let shown_id = match goal {
            Goal::Indicator { id, .. } => Some(id.as_str()),
            _ => deciding.first().map(|d| &**d),
        };
        if let Some(id) = shown_id
            && let Some(r) = reached.indicator(id)
        {
            let _ = write!(message, "；届时{} {}：{}", r.id, r.name, r.explain(Lang::Zh));
            let _ = write!(message_en, "; then {} {}: {}", r.id, r.name, r.explain(Lang::En));
        }
        let _ = write!(
            message,
            "；综合得分{}分，评价等次为“{}”",
            figure(reached.total),
            reached.grade
        );
        let _ = write!(
            message_en,
            "; total {}, grade {}",
            figure(reached.total),
            reached.grade_en.as_deref().unwrap_or(&reached.grade)
        );
        Ok(Target {
            input: label,
            current,
            required: Some(x),
            reached: Some(reached),
            deciding,
            unreachable: None,
            message,
            message_en,
        })
    }
}

/// A signed figure: `+2`, `-1`, `0`.
fn signed(d: Decimal) -> String {
    if d > Decimal::ZERO {
        format!("+{}", figure(d))
    } else {
        figure(d)
    }
}

/// How an input's values and changes are written: a rate as `95%` and its changes in percentage
/// points, an amount with its unit (`600万元`, `600 万元` in English).
struct Quantity {
    percent: bool,
    unit: String,
}

impl Quantity {
    /// `95%`, `0`, `600` (no unit: the first bound of a range).
    fn zh_bare(&self, x: Decimal) -> String {
        if self.percent && !x.is_zero() {
            format!("{}%", figure(x * Decimal::ONE_HUNDRED))
        } else {
            figure(x)
        }
    }

    /// `95%`, `600万元`.
    fn zh(&self, x: Decimal) -> String {
        if self.percent {
            self.zh_bare(x)
        } else {
            format!("{}{}", figure(x), self.unit)
        }
    }

    /// `4.5个百分点`, `299万元`.
    fn zh_change(&self, d: Decimal) -> String {
        if self.percent {
            format!("{}个百分点", figure(d * Decimal::ONE_HUNDRED))
        } else {
            self.zh(d)
        }
    }

    /// `95%`, `600 万元`.
    fn en(&self, x: Decimal) -> String {
        if self.percent {
            format!("{}%", figure(x * Decimal::ONE_HUNDRED))
        } else if self.unit.is_empty() {
            figure(x)
        } else {
            format!("{} {}", figure(x), self.unit)
        }
    }

    /// `4.5 percentage points`, `299 万元`.
    fn en_change(&self, d: Decimal) -> String {
        if self.percent {
            let pp = d * Decimal::ONE_HUNDRED;
            if pp == Decimal::ONE {
                "1 percentage point".to_string()
            } else {
                format!("{} percentage points", figure(pp))
            }
        } else {
            self.en(d)
        }
    }
}

/// What a target reaches: "综合得分达到95分", "评价等次达到“优秀”", "2.1.2 预算调整率得分达到3分";
/// "a total of 95", "grade 优秀", "a score of 3 on 2.1.2 预算调整率".
fn goal_text(goal: &Goal, e: &Evaluation, lang: Lang) -> String {
    let name = |id: &str| e.indicator(id).map_or_else(String::new, |r| format!(" {}", r.name));
    match (goal, lang) {
        (Goal::Total(t), Lang::Zh) => format!("综合得分达到{}分", figure(*t)),
        (Goal::Grade(g), Lang::Zh) => format!("评价等次达到“{g}”"),
        (Goal::Indicator { id, score }, Lang::Zh) => {
            format!("指标{id}{}得分达到{}分", name(id), figure(*score))
        }
        (Goal::Total(t), Lang::En) => format!("a total of {}", figure(*t)),
        (Goal::Grade(g), Lang::En) => format!("grade {g}"),
        (Goal::Indicator { id, score }, Lang::En) => {
            format!("a score of {} on {id}{}", figure(*score), name(id))
        }
    }
}

fn bisect_goal(
    probe: &mut Probe<'_>,
    fail: Decimal,
    ok: Decimal,
    reaches: &dyn Fn(&Summary) -> bool,
) -> Result<Decimal, AnalysisError> {
    let (mut fail, mut ok) = (fail, ok);
    while (ok - fail).abs() > probe.resolution {
        let mid = probe.snap(fail + (ok - fail) / Decimal::TWO);
        if mid == fail || mid == ok {
            break;
        }
        if reaches(&probe.summary(mid)?) {
            ok = mid;
        } else {
            fail = mid;
        }
    }
    Ok(ok)
}

fn too_many_breakpoints(lo: Decimal, hi: Decimal, resolution: Decimal) -> AnalysisError {
    AnalysisError::Request(format!(
        "more than {MAX_BREAKPOINTS} breakpoints between {} and {} at resolution {}; narrow the range or coarsen the resolution",
        figure(lo),
        figure(hi),
        crate::explain::num(resolution)
    ))
}

/// Fits m(x)(1 + d x) = a + b x through three points; `None` when degenerate.
/// Inputs are varied within ±10^15 (far beyond any budget figure in 万元 or 元), so that the
/// searches' own arithmetic (midpoints, snapping to the resolution) cannot overflow.
const LIMIT: Decimal = Decimal::from_parts(2_764_472_320, 232_830, 0, false, 0);

/// The finest resolution of a search: ten decimal places, the finest rounding a system may ask.
const MIN_RESOLUTION: Decimal = Decimal::from_parts(1, 0, 0, false, 10);

/// The sum, or `None` when it overflows.
fn checked_sum(values: &[Decimal]) -> Option<Decimal> {
    values.iter().try_fold(Decimal::ZERO, |sum, v| sum.add_checked(*v))
}

fn fit_fractional(p: [(Decimal, Decimal); 3]) -> Option<(Decimal, Decimal, Decimal)> {
    // a + b x − d x m = m for each point: a 3×3 linear system, solved by Cramer's rule.
    let rows: Vec<[Decimal; 4]> = p
        .iter()
        .map(|(x, m)| Some([Decimal::ONE, *x, -(x.mul_checked(*m)?), *m]))
        .collect::<Option<_>>()?;
    let det3 = |c: [[Decimal; 3]; 3]| -> Option<Decimal> {
        let t1 = c[0][0].mul_checked(
            c[1][1]
                .mul_checked(c[2][2])?
                .sub_checked(c[1][2].mul_checked(c[2][1])?)?,
        )?;
        let t2 = c[0][1].mul_checked(
            c[1][0]
                .mul_checked(c[2][2])?
                .sub_checked(c[1][2].mul_checked(c[2][0])?)?,
        )?;
        let t3 = c[0][2].mul_checked(
            c[1][0]
                .mul_checked(c[2][1])?
                .sub_checked(c[1][1].mul_checked(c[2][0])?)?,
        )?;
        t1.sub_checked(t2)?.add_checked(t3)
    };
    let (r0, r1, r2) = (rows.first()?, rows.get(1)?, rows.get(2)?);
    let m = |i: usize, j: usize| -> Decimal { [r0, r1, r2].get(i).and_then(|r| r.get(j)).copied().unwrap_or_default() };
    let base = [
        [m(0, 0), m(0, 1), m(0, 2)],
        [m(1, 0), m(1, 1), m(1, 2)],
        [m(2, 0), m(2, 1), m(2, 2)],
    ];
    let det = det3(base)?;
    if det.is_zero() {
        return None;
    }
    let with = |col: usize| {
        let mut c = base;
        for (i, row) in c.iter_mut().enumerate() {
            if let Some(cell) = row.get_mut(col) {
                *cell = m(i, 3);
            }
        }
        det3(c)
    };
    Some((
        with(0)?.div_checked(det)?,
        with(1)?.div_checked(det)?,
        with(2)?.div_checked(det)?,
    ))
}

/// The measured values at which a rule's regime changes.
fn critical_values(rule: &CRule, points: Decimal) -> Vec<Decimal> {
    match rule {
        CRule::Step {
            threshold,
            step,
            deduct,
            counting,
            max_deduction,
            direction,
            ..
        } => {
            let cap = max_deduction.map_or(points, |m| m.min(points));
            // The system's figures may be anything the format accepts: what overflows gives no
            // critical value (the scan between grid points still finds the change).
            let steps_to_cap = cap.div_checked(*deduct).map_or(Decimal::ZERO, |s| s.ceil());
            let sign = if *direction == crate::format::Direction::Above {
                Decimal::ONE
            } else {
                Decimal::NEGATIVE_ONE
            };
            let mut out = vec![*threshold];
            match counting {
                Counting::Proportional => out.extend(
                    cap.div_checked(*deduct)
                        .and_then(|n| n.mul_checked(sign * *step))
                        .and_then(|d| threshold.add_checked(d)),
                ),
                _ => {
                    let n = steps_to_cap.min(Decimal::from(200));
                    let mut k = Decimal::ONE;
                    while k <= n {
                        out.extend(k.mul_checked(sign * *step).and_then(|d| threshold.add_checked(d)));
                        k += Decimal::ONE;
                    }
                }
            }
            out
        }
        CRule::Tiers { tiers, .. } => tiers
            .iter()
            .flat_map(|t| [t.lower.map(|l| l.0), t.upper.map(|u| u.0)])
            .flatten()
            .collect(),
        CRule::Rate { .. } => vec![Decimal::ZERO, Decimal::ONE],
        CRule::PerOccurrence {
            deduct, max_deduction, ..
        } => {
            let cap = max_deduction.map_or(points, |m| m.min(points));
            cap.div_checked(*deduct).into_iter().collect()
        }
        CRule::ChooseOne { options } => options.iter().flat_map(|o| critical_values(&o.rule, points)).collect(),
        _ => Vec::new(),
    }
}

/// Every point of [lo, hi] where the state changes, in increasing order: at most
/// [`MAX_BREAKPOINTS`], else the request is refused. Evaluations are made in increasing order of
/// the input and only two states are held at a time, so memory does not grow with the points.
fn change_points(
    scorer: &Scorer,
    probe: &mut Probe<'_>,
    lo: Decimal,
    hi: Decimal,
) -> Result<Vec<Decimal>, AnalysisError> {
    let mut points: BTreeSet<Decimal> = BTreeSet::new();
    let steps = 64u32;
    for i in 0..=steps {
        points.insert(probe.snap(lo + (hi - lo) * Decimal::from(i) / Decimal::from(steps)));
    }
    for x in scorer.rule_candidates(probe, lo, hi)? {
        // A candidate is where the regime changes, or a grid point beside it.
        points.extend([x - probe.resolution, x, x + probe.resolution]);
    }
    let mut points = points.into_iter().filter(|p| *p >= lo && *p <= hi);
    let mut changes: Vec<Decimal> = Vec::new();
    let Some(mut a) = points.next() else {
        return Ok(changes);
    };
    let mut left_state = probe.state(a)?;
    for b in points {
        let b_state = probe.state(b)?;
        // Several changes may lie between two samples: find them one by one.
        let mut left = a;
        while left_state != b_state {
            let (x, x_state) = probe.first_change(left, b, &left_state, b_state.clone())?;
            if changes.len() >= MAX_BREAKPOINTS {
                return Err(too_many_breakpoints(lo, hi, probe.resolution));
            }
            changes.push(x);
            left = x;
            left_state = x_state;
        }
        a = b;
    }
    Ok(changes)
}

fn breakpoints(
    scorer: &Scorer,
    probe: &mut Probe<'_>,
    lo: Decimal,
    hi: Decimal,
) -> Result<Vec<Breakpoint>, AnalysisError> {
    let changes = change_points(scorer, probe, lo, hi)?;
    let mut out = Vec::with_capacity(changes.len());
    for x in changes {
        let before = probe.evaluate(x - probe.resolution)?;
        let at = probe.evaluate(x)?;
        let mut indicators = Vec::new();
        let mut error = None;
        match (&before, &at) {
            (Ok(b), Ok(a)) => {
                for (rb, ra) in b
                    .indicators
                    .iter()
                    .chain(&b.bonus)
                    .zip(a.indicators.iter().chain(&a.bonus))
                {
                    if rb.is_leaf
                        && (result_regime(rb) != result_regime(ra) || rb.score != ra.score && rb.status != ra.status)
                    {
                        indicators.push(BreakpointChange {
                            id: ra.id.clone(),
                            name: ra.name.clone(),
                            before: Some(rb.score),
                            at: Some(ra.score),
                            explanation: Some(ra.explain(Lang::Zh)),
                            explanation_en: Some(ra.explain(Lang::En)),
                        });
                    }
                }
            }
            (Err(e), _) | (_, Err(e)) => error = Some(e.to_string()),
        }
        out.push(Breakpoint {
            at: x,
            indicators,
            total_before: before.as_ref().ok().map(|e| e.total),
            total_at: at.as_ref().ok().map(|e| e.total),
            grade_before: before.as_ref().ok().map(|e| e.grade.clone()),
            grade_at: at.as_ref().ok().map(|e| e.grade.clone()),
            grades_en: (
                before.as_ref().ok().and_then(|e| e.grade_en.clone()),
                at.as_ref().ok().and_then(|e| e.grade_en.clone()),
            ),
            error,
        });
    }
    Ok(out)
}

impl Sensitivity {
    /// The breakpoints as text: "本年追加为200.01万元时：综合得分94.73分→93.73分".
    pub fn explain(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let unit = self.unit.clone().unwrap_or_default();
        let q = Quantity {
            percent: crate::compile::is_percent(&self.unit),
            unit: unit.trim().to_string(),
        };
        let mut out = String::new();
        let _ = if zh {
            writeln!(
                out,
                "{}在{}—{}之间变动时（精度{}），得分发生变化之处：",
                self.input,
                q.zh_bare(self.from),
                q.zh(self.to),
                q.zh_change(self.resolution)
            )
        } else {
            writeln!(
                out,
                "Where the scores change as {} goes from {} to {} (resolution {}):",
                self.input,
                q.en(self.from),
                q.en(self.to),
                q.en_change(self.resolution)
            )
        };
        if self.breakpoints.is_empty() {
            let _ = writeln!(
                out,
                "{}",
                if zh {
                    "（无：此范围内各指标的计分档次均不变）"
                } else {
                    "(none: every score stays in its tier or step throughout)"
                }
            );
        }
        for b in &self.breakpoints {
            let total = match (b.total_before, b.total_at, zh) {
                (Some(x), Some(y), true) => format!("综合得分{}分→{}分", figure(x), figure(y)),
                (Some(x), Some(y), false) => format!("total {} → {}", figure(x), figure(y)),
                _ => b.error.clone().unwrap_or_default(),
            };
            let grade = match (&b.grade_before, &b.grade_at) {
                (Some(x), Some(y)) if x != y && zh => format!("，评价等次由“{x}”变为“{y}”"),
                (Some(x), Some(y)) if x != y => format!(
                    ", grade {} → {}",
                    b.grades_en.0.as_deref().unwrap_or(x),
                    b.grades_en.1.as_deref().unwrap_or(y)
                ),
                _ => String::new(),
            };
            let _ = if zh {
                writeln!(out, "{}为{}时：{total}{grade}", self.input, q.zh(b.at))
            } else {
                writeln!(out, "{} at {}: {total}{grade}", self.input, q.en(b.at))
            };
            for c in &b.indicators {
                let score = |v: Option<Decimal>| v.map(figure).unwrap_or_default();
                let why = c.explanation(lang).unwrap_or("");
                let _ = if zh {
                    writeln!(
                        out,
                        "  {} {}：{}分→{}分；{why}",
                        c.id,
                        c.name,
                        score(c.before),
                        score(c.at)
                    )
                } else {
                    writeln!(
                        out,
                        "  {} {}: {} → {}; {why}",
                        c.id,
                        c.name,
                        score(c.before),
                        score(c.at)
                    )
                };
            }
        }
        out.trim_end().to_string()
    }
}

/// 复核意见 of a group whose claim differs: its reviewed score is the sum of its children's, and
/// which children were claimed otherwise.
fn group_opinion(e: &Evaluation, group: &IndicatorResult, claims: &Claims) -> String {
    let position = e.indicators.iter().position(|x| x.id == group.id);
    let differing: Vec<String> = e
        .indicators
        .iter()
        .filter(|c| position.is_some() && c.parent == position)
        .filter_map(|c| {
            let claimed = claims.scores.get(&*c.id)?;
            (*claimed != c.score).then(|| {
                format!(
                    "{} {}自评{}分、复核{}分",
                    c.id,
                    c.name,
                    figure(*claimed),
                    crate::explain::stated(c.score)
                )
            })
        })
        .collect();
    let mut text = format!(
        "复核得分为下级指标复核得分之和{}分",
        crate::explain::stated(group.score)
    );
    if !differing.is_empty() {
        text.push_str(&format!("；其中{}", differing.join("，")));
    }
    text
}

/// The indicator `id` of the tree or the bonus items.
fn find_indicator<'s>(system: &'s IndicatorSystem, id: &str) -> Option<&'s Indicator> {
    fn walk<'s>(list: &'s [Indicator], id: &str) -> Option<&'s Indicator> {
        list.iter()
            .find_map(|i| if i.id == id { Some(i) } else { walk(&i.children, id) })
    }
    walk(&system.indicators, id).or_else(|| system.bonus.as_ref().and_then(|b| walk(&b.items, id)))
}

fn find_indicator_mut<'s>(system: &'s mut IndicatorSystem, id: &str) -> Option<&'s mut Indicator> {
    fn walk<'s>(list: &'s mut [Indicator], id: &str) -> Option<&'s mut Indicator> {
        for i in list.iter_mut() {
            if i.id == id {
                return Some(i);
            }
            if let Some(found) = walk(&mut i.children, id) {
                return Some(found);
            }
        }
        None
    }
    if let Some(found) = walk(&mut system.indicators, id) {
        return Some(found);
    }
    system.bonus.as_mut().and_then(|b| walk(&mut b.items, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{Direction, Grade, Indicator, IndicatorSystem, InputDecl, Rule, StepRule};

    /// `n` step rules on one `%` input, each losing 0.025 of its 5 points per 0.1 percentage
    /// point below its threshold: 200 whole steps each before the points are gone.
    fn steps_on_one_input(n: usize, threshold: impl Fn(usize) -> Decimal) -> Scorer {
        let mut system = IndicatorSystem::new("steps", "分段扣分");
        let mut rate = InputDecl::new("率", InputKind::Number);
        rate.unit = Some("%".into());
        system.inputs.push(rate);
        for i in 0..n {
            let mut ind = Indicator::new(format!("{}", i + 1), format!("指标{}", i + 1), Decimal::from(5));
            ind.rule = Some(Rule::Step(StepRule {
                value: "率".into(),
                direction: Direction::Below,
                threshold: threshold(i).into(),
                step: Decimal::new(1, 3).into(),
                deduct: Decimal::new(25, 3).into(),
                counting: Counting::Whole,
                max_deduction: None,
            }));
            system.indicators.push(ind);
        }
        system
            .grades
            .push(Grade::new("合格", Some(Decimal::from(n * 3).into())));
        system.grades.push(Grade::new("不合格", None));
        match Scorer::new(&system) {
            Ok(s) => s,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn evaluations_follow_the_breakpoints_not_the_rules() {
        // 500 identical rules: where the 201st step stops counting (69.91%, the deduction is
        // capped below it) and 200 whole-step edges up to 89.91%, each shared by every rule.
        let scorer = steps_on_one_input(500, |_| Decimal::new(9, 1));
        let inputs = Inputs::new().with("率", "0.5");
        let (s, evaluations) = scorer
            .sensitivity_counted(&inputs, "率", Decimal::ZERO, Decimal::ONE, None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.breakpoints.len(), 201);
        assert_eq!(s.breakpoints.first().map(|b| b.at), Some(Decimal::new(6991, 4)));
        assert_eq!(s.breakpoints.last().map(|b| b.at), Some(Decimal::new(8991, 4)));
        assert!(s.breakpoints.iter().all(|b| b.indicators.len() == 500));
        // Three probes per candidate and two per breakpoint's details, a scan of 65 points and
        // a few bisections: not the 600 × 500 candidates the rules list before deduplication.
        assert!(evaluations <= 5 * 201 + 200, "{evaluations} evaluations");
    }

    #[test]
    fn the_work_of_one_analysis_is_capped() {
        // 2 000 leaves leave 10 000 evaluations; one more is refused, saying why.
        let scorer = steps_on_one_input(2000, |_| Decimal::new(9, 1));
        let inputs = Inputs::new().with("率", "0.5");
        let (mut probe, _, _) = scorer.probe(&inputs, "率", None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(probe.max_evaluations, MAX_ANALYSIS_WORK / 2000);
        probe.evaluations = probe.max_evaluations;
        let e = probe
            .evaluate(Decimal::ONE)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("more than 10000 evaluations"), "{e}");
        assert!(e.contains("2000 scored indicators"), "{e}");
    }
}
