//! The compiled program: a system's metrics, consistency checks, not-applicable guards, rules and
//! subtotals lowered at compile time into one flat list of instructions over numbered registers,
//! run in a loop without recursion for the scores-only path ([`Scorer::score_into`] and
//! everything built on it).
//!
//! - Inputs are bound to their slots, constants (thresholds, scores of cases, not-applicable
//!   fills) sit in registers filled once, and each expression becomes straight-line code with
//!   jumps only where `and`, `or` and `if` must not evaluate a side.
//! - Metrics run first, in dependency order. A metric whose evaluation fails is marked, not
//!   reported: the reference evaluator computes metrics only when a rule reads them, so the
//!   failure counts only where the metric is read (a guard at each read).
//! - Not-applicable guards are hoisted to the head of their indicator's code: when one holds,
//!   the program writes the subtree's precomputed scores and jumps past it.
//! - A leaf's figures in the cases of its rule that do not depend on the unit (a value not past a
//!   step rule's threshold, a tier, a level given without a score, every item of a checklist, no
//!   occurrence, a rate above 100%) are computed once, when the program is built, by the same
//!   functions: the usual department, within its thresholds, costs a comparison per leaf. A
//!   quotient that only such a step rule reads is not even divided when a multiplication shows
//!   it within the threshold.
//! - No instruction returns a `Result`: a fault (a division by zero, an overflow, a missing input,
//!   a failed `error` check, a score the system refuses) stops the program with [`Bail`], and the
//!   unit is scored by the reference evaluator, which states the error with its location exactly
//!   as [`Scorer::evaluate`] does. Errors are the rare path; the program answers every unit the
//!   reference scores without error. A consistency check that reads an input not given is
//!   undecided, as in the reference: the program leaves it and goes on.
//!
//! The reference evaluator (`Run`) stays the definition of the figures: differential tests
//! compare the two on every conformance vector and on generated systems and units.
//!
//! [`Scorer::score_into`]: crate::Scorer::score_into
//! [`Scorer::evaluate`]: crate::Scorer::evaluate

use rust_decimal::Decimal;

use super::{
    Limit as _, Scores, capped, clamp_share, clamp01, core_cap_missed, deduction_cap, round, settle, stated,
    step_figures,
};
use crate::compile::{CBand, CRule, CTier, Compiled, InVal};
use crate::dec::{Arith as _, at_least_zero, sum_checked, with_places};
use crate::expr::{ArOp, CmpOp, Expr, Op, Ref, Ty};
use crate::format::{Better, ChecklistMode, Counting, Direction, InputKind, NaOutcome, ParentScore, Rounding};
use crate::inputs::ItemSet;

type Reg = u32;

/// The program gave no answer for this unit: the reference evaluator scores it.
#[derive(Debug)]
pub(crate) struct Bail;

#[derive(Debug, Clone, Copy)]
enum Ins {
    /// An input's value: the number, 1 or 0 for yes/no, the count of a checklist's satisfied
    /// items, 0 for a level (as the reference reads them); a fault when it is not given.
    Input {
        dst: Reg,
        slot: u32,
    },
    /// Whether a level input is at `level`; a fault when it is not given.
    LevelIs {
        dst: Reg,
        slot: u32,
        level: u16,
    },
    /// A read of a metric: a fault when the metric's own evaluation failed.
    Guard {
        metric: u32,
    },
    Neg {
        dst: Reg,
        a: Reg,
    },
    Not {
        dst: Reg,
        a: Reg,
    },
    Abs {
        dst: Reg,
        a: Reg,
    },
    Round {
        dst: Reg,
        a: Reg,
        places: u32,
    },
    Ar {
        op: ArOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Cmp {
        op: CmpOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    BoolEq {
        equal: bool,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Mov {
        dst: Reg,
        a: Reg,
    },
    /// The least (`min`) or greatest of `n` registers listed from `args` in `lists`.
    MinMax {
        min: bool,
        dst: Reg,
        args: u32,
        n: u32,
    },
    JumpIfZero {
        c: Reg,
        to: u32,
    },
    JumpIfNonZero {
        c: Reg,
        to: u32,
    },
    Jump {
        to: u32,
    },
    /// [`Ar`](Ins::Ar) `Div` whose quotient only a step rule reads that deducts above
    /// `limits[limit]` ([`Program::shortcut_quotients`]): when `a ≥ 0`, `b > 0` and
    /// `a ≤ limit · b` (exactly), the quotient lies in `[0, limit]`, where the rule deducts
    /// nothing whatever its value, and `dst` gets the limit itself without dividing. Otherwise,
    /// and for its faults, it is the division.
    Quotient {
        dst: Reg,
        a: Reg,
        b: Reg,
        limit: u32,
    },
    /// [`Cmp`](Ins::Cmp) into `dst` and `also`, then a jump to `to` when the comparison's truth
    /// is `when`: a comparison and the jump (and the copy of `and`/`or`) that read it, in one.
    CmpJump {
        op: CmpOp,
        when: bool,
        dst: Reg,
        also: Reg,
        a: Reg,
        b: Reg,
        to: u32,
    },
    /// [`Mov`](Ins::Mov), then a jump to `to` when the value's truth is `when`.
    MovJump {
        when: bool,
        dst: Reg,
        a: Reg,
        to: u32,
    },
    /// [`Cmp`](Ins::Cmp) into `dst`, then the [`Check`](Ins::Check) of its truth.
    CmpCheck {
        op: CmpOp,
        error: bool,
        dst: Reg,
        a: Reg,
        b: Reg,
        index: u32,
    },
    /// A metric's value is in `reg`: checked against its declared range (a fault outside it).
    MetricRange {
        metric: u32,
        reg: Reg,
    },
    /// A consistency check's value: false stops an `error` check and lists a `warning` one.
    Check {
        c: Reg,
        index: u32,
        error: bool,
    },
    /// An indicator's not-applicable guard: when `c` holds, the `n` precomputed scores from
    /// `fills` are written (the indicator's first) and the program continues at `end`.
    Na {
        node: u32,
        c: Reg,
        fills: u32,
        n: u32,
        end: u32,
    },
    /// A rule (parameters in `rules`) over its measured values `a` and `b`, into `raw`.
    Rule {
        rule: u32,
        a: Reg,
        b: Reg,
        raw: Reg,
    },
    /// A leaf's rule and [`Leaf`](Ins::Leaf) in one, after the guard of the metric it reads
    /// (`NO_GUARD` for none).
    Scored {
        rule: u32,
        a: Reg,
        b: Reg,
        node: u32,
        guard: u32,
    },
    /// A state the system refuses to score (no case holds, no option applies).
    Refuse,
    /// A leaf's score in `raw`: stated at its precision, recorded, checked against its core share.
    Leaf {
        node: u32,
        raw: Reg,
    },
    /// A group's score: the sum of the `n` children listed from `children` in `lists`.
    /// `plain` when stating the sum only writes it at the group's places (see
    /// [`Builder::plain_sum`]).
    Group {
        node: u32,
        children: u32,
        n: u32,
        plain: bool,
    },
}

/// A rule's parameters, constant-folded at compile time (points included).
#[derive(Debug)]
enum RuleP {
    Step {
        points: Decimal,
        direction: Direction,
        threshold: Bound,
        step: Decimal,
        deduct: Decimal,
        counting: Counting,
        /// The most it deducts ([`deduction_cap`]).
        cap: Bound,
        /// The leaf's figures for a value not past the threshold.
        within: Option<Fixed>,
    },
    Tiers {
        tiers: Vec<CTier<Bound>>,
        otherwise: Option<Decimal>,
        /// The leaf's figures for each tier, then for none.
        scores: Vec<Option<Fixed>>,
    },
    Ratio {
        points: Decimal,
        better: Better,
        round_rate: Option<Rounding>,
    },
    Rate {
        points: Decimal,
        round_rate: Option<Rounding>,
        /// 1, which the rate is kept within.
        one: Bound,
        /// The leaf's figures for a rate above 1 (none when the rate is rounded first).
        full: Option<Fixed>,
    },
    Level {
        points: Decimal,
        slot: u32,
        bands: Vec<CBand>,
        /// The leaf's figures for each level given without a score.
        defaults: Vec<Option<Fixed>>,
    },
    Checklist {
        points: Decimal,
        slot: u32,
        mode: ChecklistMode,
        item_points: Vec<Decimal>,
        /// Every item satisfied, and the leaf's figures then.
        all: Option<(ItemSet, Fixed)>,
    },
    PerOccurrence {
        points: Decimal,
        deduct: Decimal,
        cap: Bound,
        /// The leaf's figures for no occurrence (a count of exactly `0`).
        none: Option<Fixed>,
    },
    Manual {
        points: Decimal,
        slot: u32,
    },
    Formula {
        points: Decimal,
        clamp: bool,
    },
}

/// A leaf's raw and stated score in a case of its rule whose figures do not depend on the unit's
/// values ([`RuleP::fixed`]): a step rule's value not past its threshold, a tier, a level given
/// without a score, a checklist with every item, no occurrence, a rate above 100%. Computed once,
/// when the program is built, by [`score_rule`] and [`stated`] themselves for one unit of that
/// case, so that they are the figures of every unit of it to the last place.
#[derive(Debug, Clone, Copy)]
struct Fixed {
    raw: Decimal,
    score: Decimal,
}

impl RuleP {
    /// The leaf's figures when the unit's values (`a`, the inputs) fall in a case fixed at
    /// compile time; `None` when they must be computed.
    fn fixed(&self, a: Decimal, inputs: &[InVal]) -> Option<&Fixed> {
        match self {
            RuleP::Step {
                direction,
                threshold,
                within: Some(f),
                ..
            } => {
                // `step_figures` finds no distance for a value not past the threshold.
                let past = match direction {
                    Direction::Above => threshold.compare(a).is_gt(),
                    Direction::Below => threshold.compare(a).is_lt(),
                };
                (!past).then_some(f)
            }
            RuleP::Tiers { tiers, scores, .. } => {
                // The first tier that holds the value, or none (`otherwise`): every tier's score
                // is a constant.
                let tier = tiers.iter().position(|t| t.contains(a)).unwrap_or(tiers.len());
                scores.get(tier).and_then(Option::as_ref)
            }
            RuleP::Rate { one, full: Some(f), .. } => one.compare(a).is_gt().then_some(f),
            RuleP::Level { slot, defaults, .. } => match inputs.get(*slot as usize) {
                Some(InVal::Level(level, None)) => defaults.get(usize::from(*level)).and_then(Option::as_ref),
                _ => None,
            },
            RuleP::Checklist {
                slot,
                all: Some((items, f)),
                ..
            } => matches!(inputs.get(*slot as usize), Some(InVal::Items(set)) if set == items).then_some(f),
            // Exactly `0`, the unit computed; any other zero (`0.0`, `-0`) is computed.
            RuleP::PerOccurrence { none: Some(f), .. } => (a.serialize() == ZERO_BITS).then_some(f),
            _ => None,
        }
    }
}

/// The fixed cases of one rule, as [`Builder::fix`] computes them.
enum FixedCases {
    Within(Option<Fixed>),
    Tiers(Vec<Option<Fixed>>),
    Full(Option<Fixed>),
    Defaults(Vec<Option<Fixed>>),
    All(Option<(ItemSet, Fixed)>),
    None(Option<Fixed>),
}

/// [`Decimal::ZERO`]'s representation (positive, no places).
const ZERO_BITS: [u8; 16] = Decimal::ZERO.serialize();

/// A constant that values of any scale are compared with (a threshold, a cap, a tier's bound),
/// written once at every scale from its own up to 28: a value of one of those scales is compared
/// with it as two mantissas at one scale, where rust_decimal would rescale one of them for each
/// comparison (a metric's quotient has up to 28 places; thresholds have two or none).
#[derive(Debug, Clone)]
pub(crate) struct Bound {
    value: Decimal,
    /// Index = scale: `value` at that scale, or `value` itself where it cannot be written so.
    at: Box<[Decimal; 29]>,
}

impl Bound {
    fn new(value: Decimal) -> Bound {
        let mut at = Box::new([value; 29]);
        for (scale, slot) in (0_u32..).zip(at.iter_mut()) {
            let w = with_places(value, scale);
            if w.scale() == scale {
                *slot = w;
            }
        }
        Bound { value, at }
    }
}

impl super::Limit for Bound {
    fn value(&self) -> Decimal {
        self.value
    }

    fn compare(&self, v: Decimal) -> std::cmp::Ordering {
        use std::cmp::Ordering;
        if self.value.is_zero() {
            // A sign decides (and -0 is 0).
            return match (v.is_zero(), v.is_sign_negative()) {
                (true, _) => Ordering::Equal,
                (false, true) => Ordering::Less,
                (false, false) => Ordering::Greater,
            };
        }
        match self.at.get(v.scale() as usize) {
            Some(c) if c.scale() == v.scale() => v.mantissa().cmp(&c.mantissa()),
            _ => crate::dec::cmp(v, self.value),
        }
    }
}

/// A system's compiled program (built once with the [`Compiled`] system).
#[derive(Debug, Default)]
pub(crate) struct Program {
    code: Vec<Ins>,
    /// The constants with their registers, written once per scratch and never again.
    consts: Vec<(Reg, Decimal)>,
    registers: usize,
    metric_count: usize,
    /// Each metric's code: where it starts and ends (a fault inside marks the metric and
    /// continues at the end), in code order.
    metric_spans: Vec<(u32, u32, u32)>,
    /// Each consistency check's code, where an input not given leaves the check undecided.
    check_spans: Vec<(u32, u32)>,
    /// The inputs every prepared unit has (required or with a default), each read once into its
    /// register before the code runs.
    bound: Vec<(u32, Reg)>,
    /// Whether groups' exact sums are read (only when parents sum exact scores; otherwise each
    /// exact score lies in [0, points] like the stated one, and nothing reads the sum).
    exact_sums: bool,
    lists: Vec<u32>,
    fills: Vec<(u32, Decimal)>,
    rules: Vec<RuleP>,
    /// The thresholds of [`Ins::Quotient`].
    limits: Vec<Decimal>,
    /// Each veto's condition.
    vetoes: Vec<Reg>,
    /// Each node's points written at its stated places where that keeps their value (5 as
    /// 5.00): the same cap for its stated score, compared without rescaling.
    caps: Vec<Decimal>,
}

/// A caller's reusable space for running programs ([`Scores`] keeps one).
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    /// The system whose constants `regs` holds.
    owner: u64,
    regs: Vec<Decimal>,
    exact: Vec<Decimal>,
    /// How each metric's code ended in this unit: [`RAN`], [`MISSING`] or [`FAULT`].
    failed: Vec<u8>,
}

/// No fault: a metric whose code ran to its end ([`Scratch::failed`]).
const RAN: u8 = 0;
/// A fault for an input not given: the reference's `MissingInput`, which leaves a consistency
/// check undecided (and fails everything else).
const MISSING: u8 = 1;
/// Any other fault (a division by zero, an overflow, a value outside its range, a refusal).
const FAULT: u8 = 2;

/// A value the builder has computed into a register, to compute it only once.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    /// A constant by its exact representation (value and scale).
    Const([u8; 16]),
    Input(u32),
    LevelIs(u32, u16),
    Neg(Reg),
    Not(Reg),
    Abs(Reg),
    Round(Reg, u32),
    Ar(ArOp, Reg, Reg),
    Cmp(CmpOp, Reg, Reg),
    BoolEq(bool, Reg, Reg),
    MinMax(bool, Vec<Reg>),
    /// A metric's guard has run.
    Guard(u32),
}

struct Builder<'c> {
    c: &'c Compiled,
    p: Program,
    metric_regs: Vec<Option<Reg>>,
    input_regs: Vec<Option<Reg>>,
    /// What has been computed where every later instruction of the current scope can read it,
    /// with the metric whose code computed it. A metric's code that fails stops part-way, and
    /// the reference computes each metric on its own: a value from a metric's code serves that
    /// metric only (others compute it again), so that one metric's failure never spreads.
    known: std::collections::HashMap<Key, (Reg, Option<u32>)>,
    /// The keys in the order they became known, to forget those of a scope at its end.
    learned: Vec<Key>,
    /// The metric whose code is being built, if any.
    building: Option<u32>,
    /// The last place a jump lands.
    landed: usize,
    /// While a consistency check is built: where in its scope it may first stop (undecided), if
    /// it may.
    check_stops: Option<Option<usize>>,
    /// The metrics read by code outside the metrics' own.
    read: Vec<bool>,
}

/// No guard ([`Ins::Scored`]).
const NO_GUARD: u32 = u32::MAX;

impl Program {
    /// Lowers a validated system into its program.
    ///
    /// A metric that nothing reads — no check, guard, rule or veto, directly or through other
    /// metrics — is not computed: the reference computes a metric only where it is read, so its
    /// value and its failure are never seen. (Lowered once to learn what is read, and once more
    /// without the metrics nobody reads, when there are any.)
    pub(crate) fn build(c: &Compiled) -> Program {
        let (program, read) = Self::lower(c, None);
        let live = live_metrics(c, &read);
        let mut program = if live.iter().all(|&l| l) {
            program
        } else {
            Self::lower(c, Some(&live)).0
        };
        program.shortcut_quotients();
        program
    }

    /// Turns each division whose quotient is read by nothing but one step rule that deducts
    /// above a threshold `t ≥ 0` (directly, or through the copy of one branch of an `if`, as
    /// “三公经费”控制率's) into an [`Ins::Quotient`]: for the usual unit, within its limit
    /// (在职人员控制率 ≤ 100%, “三公经费”变动率 ≤ 0), a comparison decides the rule's answer,
    /// where the division computes 28 digits that nothing reads.
    ///
    /// Exact: a quotient in `[-1, t]` makes the rule find no distance to the threshold (the
    /// reference's `step_figures` takes zero for any value not above it), so the rule's
    /// figures are the same for `t` as for the quotient; `a ≤ t·b` is tested only with `t·b`
    /// computed exactly (no rounding, no overflow); a quotient in `[-1, t]` cannot overflow, so
    /// the division's only fault there is a zero divisor, which faults alike. The quotient's
    /// register is written by the division alone and read by the rule alone (or by the one copy
    /// into a register that the rule alone reads), so no other figure sees the stand-in.
    fn shortcut_quotients(&mut self) {
        let n = self.registers;
        let (mut reads, mut writes) = (vec![0_u32; n], vec![0_u32; n]);
        let count = |v: &mut Vec<u32>, r: Reg| {
            if let Some(k) = v.get_mut(r as usize) {
                *k += 1;
            }
        };
        for ins in &self.code {
            operands(ins, &self.lists, |r| count(&mut reads, r), |r| count(&mut writes, r));
        }
        for &r in &self.vetoes {
            count(&mut reads, r);
        }
        for &(r, _) in &self.consts {
            count(&mut writes, r);
        }
        for &(_, r) in &self.bound {
            count(&mut writes, r);
        }
        let once = |v: &[u32], r: Reg, k: u32| v.get(r as usize) == Some(&k);
        // The registers that only a step rule deducting above `t ≥ 0` reads, with `t`.
        let mut read_by_rule = std::collections::HashMap::new();
        for ins in &self.code {
            let (Ins::Scored { rule, a, b, .. } | Ins::Rule { rule, a, b, .. }) = *ins else {
                continue;
            };
            let Some(RuleP::Step {
                direction: Direction::Above,
                threshold,
                ..
            }) = self.rules.get(rule as usize)
            else {
                continue;
            };
            let t = super::Limit::value(threshold);
            // The rule instruction reads its value once, or twice as both operands.
            let own = if a == b { 2 } else { 1 };
            if !crate::dec::is_negative(t) && once(&reads, a, own) {
                read_by_rule.insert(a, t);
            }
        }
        // A division's quotient reaches such a register and nothing else when the division writes
        // it, its only writer; or when one copy reads the quotient into it (a branch of `if`, whose
        // other branches write the register too: each value it gets is read by the rule alone).
        let mut copied = std::collections::HashMap::new();
        for ins in &self.code {
            if let Ins::Mov { dst, a } | Ins::MovJump { dst, a, .. } = *ins
                && let Some(&t) = read_by_rule.get(&dst)
                && once(&reads, a, 1)
            {
                copied.insert(a, t);
            }
        }
        for slot in &mut self.code {
            let Ins::Ar {
                op: ArOp::Div,
                dst,
                a,
                b,
            } = *slot
            else {
                continue;
            };
            if !once(&writes, dst, 1) {
                continue;
            }
            let Some(&t) = read_by_rule.get(&dst).or_else(|| copied.get(&dst)) else {
                continue;
            };
            self.limits.push(t);
            let limit = (self.limits.len() - 1) as u32;
            *slot = Ins::Quotient { dst, a, b, limit };
        }
    }

    /// The program with the metrics in `live` (all when `None`), and the metrics read by code
    /// outside the metrics' own.
    fn lower(c: &Compiled, live: Option<&[bool]>) -> (Program, Vec<bool>) {
        let mut b = Builder {
            c,
            p: Program {
                metric_count: c.metrics.len(),
                exact_sums: c.rounding.parent == ParentScore::RoundedExactSum,
                ..Program::default()
            },
            metric_regs: vec![None; c.metrics.len()],
            input_regs: vec![None; c.inputs.len()],
            known: std::collections::HashMap::new(),
            learned: Vec::new(),
            building: None,
            landed: 0,
            check_stops: None,
            read: vec![false; c.metrics.len()],
        };
        b.p.caps = c
            .nodes
            .iter()
            .map(|n| n.rounding.map_or(n.points, |r| with_places(n.points, r.scale)))
            .collect();
        for m in metric_order(c) {
            if live.is_none_or(|live| live.get(m as usize).copied().unwrap_or(true)) {
                b.metric(m);
            }
        }
        b.building = None;
        for (index, k) in c.checks.iter().enumerate() {
            // A check stops part-way, undecided, at the first read of an input not given: what it
            // computes from there on serves itself only (`push` marks the place).
            b.barrier();
            let start = b.here();
            b.check_stops = Some(None);
            let r = b.expr(&k.expr);
            b.push(Ins::Check {
                c: r,
                index: index as u32,
                error: k.severity == crate::format::Severity::Error,
            });
            if let Some(Some(mark)) = b.check_stops.take() {
                b.end_scope(mark);
            }
            b.p.check_spans.push((start, b.here()));
            b.barrier();
        }
        for &t in c.top.iter().chain(&c.bonus) {
            b.node(t);
        }
        for v in &c.vetoes {
            let r = b.expr(&v.when);
            b.p.vetoes.push(r);
        }
        (b.p, b.read)
    }

    /// Scores one unit into `out` (indicators, totals, grade, failed checks), or gives no answer.
    pub(crate) fn run(&self, c: &Compiled, inputs: &[InVal], out: &mut Scores) -> Result<(), Bail> {
        let s = &mut out.scratch;
        if s.owner != c.id || s.regs.len() != self.registers {
            s.owner = c.id;
            s.regs.clear();
            s.regs.resize(self.registers, Decimal::ZERO);
            for &(r, d) in &self.consts {
                set(&mut s.regs, r, d);
            }
        }
        refill(&mut s.failed, self.metric_count, RAN);
        refill(&mut s.exact, c.nodes.len(), Decimal::ZERO);
        refill(&mut out.indicators, c.nodes.len(), Decimal::ZERO);
        out.failed_checks.clear();
        let regs: &mut [Decimal] = &mut s.regs;
        let scores: &mut [Decimal] = &mut out.indicators;
        let exact: &mut [Decimal] = &mut s.exact;
        let failed: &mut [u8] = &mut s.failed;
        let failed_checks = &mut out.failed_checks;
        for &(slot, r) in &self.bound {
            let v = match inputs.get(slot as usize) {
                Some(InVal::Num(d)) => *d,
                Some(InVal::Bool(b)) => truth(*b),
                Some(InVal::Items(set)) => Decimal::from(set.count()),
                Some(InVal::Level(..)) => Decimal::ZERO,
                Some(InVal::Absent) | None => return Err(Bail),
            };
            set(regs, r, v);
        }
        let mut excluded = Decimal::ZERO;
        // Only its overflow counts (the tree walk reports it); the bonus is never rescaled.
        let mut bonus_excluded = Decimal::ZERO;
        let mut core_forced: Option<u32> = None;
        let mut pc = 0_usize;
        while let Some(&ins) = self.code.get(pc) {
            pc += 1;
            let fault = 'fault: {
                match ins {
                    Ins::Input { dst, slot } => {
                        let v = match inputs.get(slot as usize) {
                            Some(InVal::Num(d)) => *d,
                            Some(InVal::Bool(b)) => truth(*b),
                            Some(InVal::Items(set)) => Decimal::from(set.count()),
                            Some(InVal::Level(..)) => Decimal::ZERO,
                            Some(InVal::Absent) | None => break 'fault MISSING,
                        };
                        set(regs, dst, v);
                    }
                    Ins::LevelIs { dst, slot, level } => match inputs.get(slot as usize) {
                        Some(InVal::Level(l, _)) => set(regs, dst, truth(*l == level)),
                        _ => break 'fault MISSING,
                    },
                    Ins::Guard { metric } => {
                        let how = failed.get(metric as usize).copied().unwrap_or(FAULT);
                        if how != RAN {
                            break 'fault how;
                        }
                    }
                    Ins::Neg { dst, a } => {
                        let v = -get(regs, a);
                        set(regs, dst, v);
                    }
                    Ins::Not { dst, a } => {
                        let v = truth(get(regs, a).is_zero());
                        set(regs, dst, v);
                    }
                    Ins::Abs { dst, a } => {
                        let v = get(regs, a).abs();
                        set(regs, dst, v);
                    }
                    Ins::Round { dst, a, places } => {
                        let v = crate::dec::round_half_up(get(regs, a), places);
                        set(regs, dst, v);
                    }
                    Ins::Ar { op, dst, a, b } => {
                        let (x, y) = (get(regs, a), get(regs, b));
                        let r = match op {
                            ArOp::Add => x.add_checked(y),
                            ArOp::Sub => x.sub_checked(y),
                            ArOp::Mul => x.mul_checked(y),
                            ArOp::Div if y.is_zero() => None,
                            ArOp::Div => x.div_checked(y),
                        };
                        let Some(r) = r else { break 'fault FAULT };
                        set(regs, dst, r);
                    }
                    Ins::Quotient { dst, a, b, limit } => {
                        let (x, y) = (get(regs, a), get(regs, b));
                        if y.is_zero() {
                            break 'fault FAULT;
                        }
                        let v = match self.limits.get(limit as usize) {
                            Some(&t) if at_most(x, y, t) => t,
                            _ => match x.div_checked(y) {
                                Some(q) => q,
                                None => break 'fault FAULT,
                            },
                        };
                        set(regs, dst, v);
                    }
                    Ins::Cmp { op, dst, a, b } => {
                        let v = truth(op.holds(get(regs, a), get(regs, b)));
                        set(regs, dst, v);
                    }
                    Ins::BoolEq { equal, dst, a, b } => {
                        let same = get(regs, a).is_zero() == get(regs, b).is_zero();
                        set(regs, dst, truth(same == equal));
                    }
                    Ins::Mov { dst, a } => {
                        let v = get(regs, a);
                        set(regs, dst, v);
                    }
                    Ins::MinMax { min, dst, args, n } => {
                        let args = self.lists.get(args as usize..(args + n) as usize).unwrap_or_default();
                        let mut best: Option<Decimal> = None;
                        for &a in args {
                            let v = get(regs, a);
                            best = Some(match best {
                                None => v,
                                Some(b) if min => b.min(v),
                                Some(b) => b.max(v),
                            });
                        }
                        set(regs, dst, best.unwrap_or(Decimal::ZERO));
                    }
                    Ins::JumpIfZero { c, to } => {
                        if get(regs, c).is_zero() {
                            pc = to as usize;
                        }
                    }
                    Ins::JumpIfNonZero { c, to } => {
                        if !get(regs, c).is_zero() {
                            pc = to as usize;
                        }
                    }
                    Ins::Jump { to } => pc = to as usize,
                    Ins::CmpJump {
                        op,
                        when,
                        dst,
                        also,
                        a,
                        b,
                        to,
                    } => {
                        let holds = op.holds(get(regs, a), get(regs, b));
                        set(regs, dst, truth(holds));
                        set(regs, also, truth(holds));
                        if holds == when {
                            pc = to as usize;
                        }
                    }
                    Ins::MovJump { when, dst, a, to } => {
                        let v = get(regs, a);
                        set(regs, dst, v);
                        if v.is_zero() != when {
                            pc = to as usize;
                        }
                    }
                    Ins::CmpCheck {
                        op,
                        error,
                        dst,
                        a,
                        b,
                        index,
                    } => {
                        let holds = op.holds(get(regs, a), get(regs, b));
                        set(regs, dst, truth(holds));
                        if !holds {
                            if error {
                                break 'fault FAULT;
                            }
                            failed_checks.push(index as usize);
                        }
                    }
                    Ins::MetricRange { metric: m, reg } => {
                        let d = get(regs, reg);
                        let Some(decl) = c.metrics.get(m as usize) else {
                            break 'fault FAULT;
                        };
                        if decl.min.is_some_and(|lo| crate::dec::gt(lo, d))
                            || decl.max.is_some_and(|hi| crate::dec::gt(d, hi))
                        {
                            break 'fault FAULT;
                        }
                    }
                    Ins::Check { c: r, index, error } => {
                        if get(regs, r).is_zero() {
                            if error {
                                break 'fault FAULT;
                            }
                            failed_checks.push(index as usize);
                        }
                    }
                    Ins::Na {
                        node,
                        c: r,
                        fills,
                        n,
                        end,
                    } => {
                        if get(regs, r).is_zero() {
                            break 'fault RAN;
                        }
                        let fills = self.fills.get(fills as usize..(fills + n) as usize).unwrap_or_default();
                        for &(i, v) in fills {
                            set(scores, i, v);
                        }
                        let own = fills.first().map_or(Decimal::ZERO, |f| f.1);
                        set(exact, node, own);
                        let Some(cn) = c.nodes.get(node as usize) else {
                            break 'fault FAULT;
                        };
                        if cn.na.as_ref().is_some_and(|na| na.outcome == NaOutcome::Excluded) {
                            let sum = if cn.is_bonus {
                                &mut bonus_excluded
                            } else {
                                &mut excluded
                            };
                            let Some(t) = sum.add_checked(cn.points) else {
                                break 'fault FAULT;
                            };
                            *sum = t;
                        }
                        pc = end as usize;
                    }
                    Ins::Rule { rule, a, b, raw } => {
                        let Some(p) = self.rules.get(rule as usize) else {
                            break 'fault FAULT;
                        };
                        let Some(v) = score_rule(p, get(regs, a), get(regs, b), inputs) else {
                            break 'fault FAULT;
                        };
                        set(regs, raw, v);
                    }
                    Ins::Scored {
                        rule,
                        a,
                        b,
                        node,
                        guard,
                    } => {
                        if guard != NO_GUARD && failed.get(guard as usize) != Some(&RAN) {
                            break 'fault FAULT;
                        }
                        let (Some(p), Some(cn)) = (self.rules.get(rule as usize), c.nodes.get(node as usize)) else {
                            break 'fault FAULT;
                        };
                        let va = get(regs, a);
                        let (raw, score) = match p.fixed(va, inputs) {
                            Some(f) => (f.raw, f.score),
                            None => {
                                let Some(raw) = score_rule(p, va, get(regs, b), inputs) else {
                                    break 'fault FAULT;
                                };
                                (raw, cn.rounding.map_or(raw, |r| stated(raw, r, get(&self.caps, node))))
                            }
                        };
                        set(scores, node, score);
                        if self.exact_sums {
                            set(exact, node, raw);
                        }
                        if let Some(g) = core_cap_missed(cn, score) {
                            core_forced = Some(core_forced.map_or(g, |f| f.max(g)));
                        }
                    }
                    Ins::Refuse => break 'fault FAULT,
                    Ins::Leaf { node, raw } => {
                        let Some(cn) = c.nodes.get(node as usize) else {
                            break 'fault FAULT;
                        };
                        let raw = get(regs, raw);
                        let score = cn.rounding.map_or(raw, |r| stated(raw, r, get(&self.caps, node)));
                        set(scores, node, score);
                        set(exact, node, raw);
                        if let Some(g) = core_cap_missed(cn, score) {
                            core_forced = Some(core_forced.map_or(g, |f| f.max(g)));
                        }
                    }
                    Ins::Group {
                        node,
                        children,
                        n,
                        plain,
                    } => {
                        let Some(cn) = c.nodes.get(node as usize) else {
                            break 'fault FAULT;
                        };
                        let children = self
                            .lists
                            .get(children as usize..(children + n) as usize)
                            .unwrap_or_default();
                        let Some(sum) = sum_checked(children.iter().map(|&k| get(scores, k))) else {
                            break 'fault FAULT;
                        };
                        let ex = if self.exact_sums {
                            let Some(e) = sum_checked(children.iter().map(|&k| get(exact, k))) else {
                                break 'fault FAULT;
                            };
                            e
                        } else {
                            Decimal::ZERO
                        };
                        let base = match c.rounding.parent {
                            ParentScore::SumOfStated => sum,
                            ParentScore::RoundedExactSum => ex,
                        };
                        let score = match cn.rounding {
                            Some(r) if plain => with_places(base, r.scale),
                            Some(r) => stated(base, r, get(&self.caps, node)),
                            None => base,
                        };
                        set(scores, node, score);
                        set(exact, node, ex);
                        if let Some(g) = core_cap_missed(cn, score) {
                            core_forced = Some(core_forced.map_or(g, |f| f.max(g)));
                        }
                    }
                }
                RAN
            };
            if fault != RAN {
                // `pc` is past the faulting instruction.
                let at = pc.saturating_sub(1) as u32;
                let within = |&(start, end): &(u32, u32)| (start..end).contains(&at);
                if let Some(&(_, end, m)) = self.metric_spans.iter().find(|(s, e, _)| within(&(*s, *e))) {
                    // The metric fails; whoever reads it fails alike.
                    if let Some(f) = failed.get_mut(m as usize) {
                        *f = fault;
                    }
                    pc = end as usize;
                } else if let Some(&(_, end)) = self.check_spans.iter().find(|span| within(span))
                    && fault == MISSING
                {
                    // A check that reads an input not given is undecided: neither passed nor failed.
                    pc = end as usize;
                } else {
                    return Err(Bail);
                }
            }
        }
        // The total is the tree's parent: formed from the stated or the exact top-level scores.
        let summed = |i: u32| match c.rounding.parent {
            ParentScore::SumOfStated => get(scores, i),
            ParentScore::RoundedExactSum => get(exact, i),
        };
        let mut tree_total = Decimal::ZERO;
        for &t in &c.top {
            tree_total = tree_total.add_checked(summed(t)).ok_or(Bail)?;
        }
        let mut bonus_sum = Decimal::ZERO;
        for &b in &c.bonus {
            bonus_sum = bonus_sum.add_checked(summed(b)).ok_or(Bail)?;
        }
        let settled = settle(c, tree_total, bonus_sum, excluded, core_forced, |index, _| {
            Ok(self.vetoes.get(index).is_some_and(|&r| !get(regs, r).is_zero()))
        })
        .map_err(|_| Bail)?;
        out.total = settled.total;
        out.exact_total = settled.exact_total;
        out.grade = settled.grade;
        out.vetoed = settled.vetoed;
        Ok(())
    }
}

/// Whether `x / y` lies in `[-1, t]` (`t ≥ 0`), shown without dividing: `y > 0`, and `-x ≤ y`
/// for `x < 0`, `x ≤ t·y` with `t·y` exact otherwise. `false` when that cannot be shown so (the
/// caller divides).
fn at_most(x: Decimal, y: Decimal, t: Decimal) -> bool {
    if y.is_sign_negative() || y.is_zero() {
        return false;
    }
    if x.is_sign_negative() {
        // x / y in [-1, 0): below any t ≥ 0, and too small to overflow.
        return crate::dec::cmp(-x, y).is_le();
    }
    match t.mul_checked(y) {
        // Exact: no place was rounded off (rust_decimal rounds a product past 28 places).
        Some(p) if p.scale() == t.scale() + y.scale() => crate::dec::cmp(x, p).is_le(),
        _ => false,
    }
}

/// Calls `read` for each register `ins` reads and `write` for each it writes (`lists` holds
/// [`Ins::MinMax`]'s arguments).
fn operands(ins: &Ins, lists: &[u32], mut read: impl FnMut(Reg), mut write: impl FnMut(Reg)) {
    match *ins {
        Ins::Input { dst, .. } | Ins::LevelIs { dst, .. } => write(dst),
        Ins::Guard { .. } | Ins::Jump { .. } | Ins::Refuse | Ins::Group { .. } => {}
        Ins::Neg { dst, a }
        | Ins::Not { dst, a }
        | Ins::Abs { dst, a }
        | Ins::Round { dst, a, .. }
        | Ins::Mov { dst, a }
        | Ins::MovJump { dst, a, .. } => {
            read(a);
            write(dst);
        }
        Ins::Ar { dst, a, b, .. }
        | Ins::Quotient { dst, a, b, .. }
        | Ins::Cmp { dst, a, b, .. }
        | Ins::BoolEq { dst, a, b, .. }
        | Ins::CmpCheck { dst, a, b, .. }
        | Ins::Rule { a, b, raw: dst, .. } => {
            read(a);
            read(b);
            write(dst);
        }
        Ins::MinMax { dst, args, n, .. } => {
            for &r in lists
                .get(args as usize..(args as usize).saturating_add(n as usize))
                .unwrap_or_default()
            {
                read(r);
            }
            write(dst);
        }
        Ins::JumpIfZero { c, .. } | Ins::JumpIfNonZero { c, .. } | Ins::Check { c, .. } | Ins::Na { c, .. } => read(c),
        Ins::CmpJump { dst, also, a, b, .. } => {
            read(a);
            read(b);
            write(dst);
            write(also);
        }
        Ins::MetricRange { reg, .. } => read(reg),
        Ins::Scored { a, b, .. } => {
            read(a);
            read(b);
        }
        Ins::Leaf { raw, .. } => read(raw),
    }
}

/// `v` as `n` copies of `x`: filled in place when it has that length already (one memset).
fn refill<T: Copy>(v: &mut Vec<T>, n: usize, x: T) {
    if v.len() == n {
        v.fill(x);
    } else {
        v.clear();
        v.resize(n, x);
    }
}

fn get(regs: &[Decimal], r: u32) -> Decimal {
    regs.get(r as usize).copied().unwrap_or_default()
}

fn set(regs: &mut [Decimal], r: u32, v: Decimal) {
    if let Some(x) = regs.get_mut(r as usize) {
        *x = v;
    }
}

fn truth(b: bool) -> Decimal {
    if b { Decimal::ONE } else { Decimal::ZERO }
}

/// A rule's raw score from its measured values, as the reference's `rule` computes it; `None`
/// where the reference reports an error.
fn score_rule(p: &RuleP, a: Decimal, b: Decimal, inputs: &[InVal]) -> Option<Decimal> {
    Some(match p {
        RuleP::Step {
            points,
            direction,
            threshold,
            step,
            deduct,
            counting,
            cap,
            ..
        } => {
            let f = step_figures(a, *direction, threshold, *step, *deduct, *counting, cap).ok()?;
            *points - f.deduction
        }
        RuleP::Tiers { tiers, otherwise, .. } => match tiers.iter().find(|t| t.contains(a)) {
            Some(t) => t.score,
            None => (*otherwise)?,
        },
        RuleP::Ratio {
            points,
            better,
            round_rate,
        } => {
            let (av, tv) = (a, b);
            let share = match better {
                Better::HigherIsBetter if av >= tv => Decimal::ONE,
                Better::HigherIsBetter if tv <= Decimal::ZERO => Decimal::ZERO,
                Better::HigherIsBetter => clamp01(at_least_zero(av).div_checked(tv)?),
                Better::LowerIsBetter if av <= tv => Decimal::ONE,
                Better::LowerIsBetter if tv <= Decimal::ZERO => Decimal::ZERO,
                Better::LowerIsBetter => clamp01(tv.div_checked(av)?),
            };
            let share = round_rate.map_or(share, |r| round(share, r));
            points.mul_checked(share)?
        }
        RuleP::Rate {
            points,
            round_rate,
            one,
            ..
        } => {
            let used = clamp_share(round_rate.map_or(a, |r| round(a, r)), one);
            points.mul_checked(used)?
        }
        RuleP::Level {
            points, slot, bands, ..
        } => {
            let Some(InVal::Level(li, given)) = inputs.get(*slot as usize) else {
                return None;
            };
            let band = bands.get(usize::from(*li))?;
            match given {
                Some(s) => {
                    let share = if points.is_zero() {
                        Decimal::ZERO
                    } else {
                        s.div_checked(*points)?
                    };
                    if !band.contains(share) || s.is_sign_negative() || s > points {
                        return None;
                    }
                    *s
                }
                None => {
                    let share = match band.default {
                        Some(d) => d,
                        None if band.min == band.max => band.min,
                        None => return None,
                    };
                    points.mul_checked(share)?
                }
            }
        }
        RuleP::Checklist {
            points,
            slot,
            mode,
            item_points,
            ..
        } => {
            let Some(InVal::Items(set)) = inputs.get(*slot as usize) else {
                return None;
            };
            let (mut earned, mut lost) = (Decimal::ZERO, Decimal::ZERO);
            for (p, ok) in item_points.iter().zip(set.iter(item_points.len())) {
                if ok {
                    earned = earned.add_checked(*p)?;
                } else {
                    lost = lost.add_checked(*p)?;
                }
            }
            match mode {
                ChecklistMode::Award => crate::dec::min(earned, *points),
                ChecklistMode::Deduct => at_least_zero(*points - crate::dec::min(lost, *points)),
            }
        }
        RuleP::PerOccurrence {
            points, deduct, cap, ..
        } => {
            let raw = at_least_zero(a).mul_checked(*deduct)?;
            *points - capped(raw, cap).0
        }
        RuleP::Manual { points, slot } => {
            let Some(InVal::Num(v)) = inputs.get(*slot as usize) else {
                return None;
            };
            if v.is_sign_negative() || v > points {
                return None;
            }
            *v
        }
        RuleP::Formula { points, clamp } => {
            let inside = !a.is_sign_negative() && a <= *points;
            if !inside && !clamp {
                return None;
            }
            at_least_zero(a).min(*points)
        }
    })
}

/// The metrics in an order where each comes after the metrics it reads (validation refused
/// cycles and chains longer than `MAX_METRIC_CHAIN`).
fn metric_order(c: &Compiled) -> Vec<u32> {
    fn visit(c: &Compiled, m: u32, seen: &mut [bool], order: &mut Vec<u32>, depth: usize) {
        match seen.get_mut(m as usize) {
            Some(s) if !*s => *s = true,
            _ => return,
        }
        if depth <= crate::compile::MAX_METRIC_CHAIN
            && let Some(metric) = c.metrics.get(m as usize)
        {
            for r in metric.expr.refs() {
                if let Ref::Metric(k) = r {
                    visit(c, *k, seen, order, depth + 1);
                }
            }
        }
        order.push(m);
    }
    let mut seen = vec![false; c.metrics.len()];
    let mut order = Vec::with_capacity(c.metrics.len());
    for m in 0..c.metrics.len() as u32 {
        visit(c, m, &mut seen, &mut order, 0);
    }
    order
}

/// The metrics whose values count: those `read` by code outside the metrics' own, and those
/// they read in turn.
fn live_metrics(c: &Compiled, read: &[bool]) -> Vec<bool> {
    let mut live = vec![false; c.metrics.len()];
    let mut stack: Vec<u32> = (0..c.metrics.len() as u32)
        .filter(|&m| read.get(m as usize).copied().unwrap_or(true))
        .collect();
    while let Some(m) = stack.pop() {
        match live.get_mut(m as usize) {
            Some(l) if !*l => *l = true,
            _ => continue,
        }
        if let Some(metric) = c.metrics.get(m as usize) {
            stack.extend(metric.expr.refs().iter().filter_map(|r| match r {
                Ref::Metric(k) => Some(*k),
                Ref::Input(_) => None,
            }));
        }
    }
    live
}

impl Builder<'_> {
    fn push(&mut self, ins: Ins) -> usize {
        if let Some(stops @ None) = &mut self.check_stops
            && matches!(ins, Ins::Input { .. } | Ins::LevelIs { .. } | Ins::Guard { .. })
        {
            *stops = Some(self.learned.len());
        }
        if let Some(at) = self.fuse(ins) {
            return at;
        }
        self.p.code.push(ins);
        self.p.code.len() - 1
    }

    /// `ins` fused with the instructions just before it, where they read as one (a comparison
    /// and the jump or check that reads it; a copy and the jump that reads it): fewer, larger
    /// instructions to dispatch. Only where no jump lands between them and no metric's or check's
    /// code begins or ends between them ([`barrier`](Self::barrier)), so that every path runs
    /// the same instructions in the same order. The fused instruction's place, if fused.
    fn fuse(&mut self, ins: Ins) -> Option<usize> {
        let n = self.p.code.len();
        // The earliest place a fused instruction may start: after the last landing.
        let from = self.landed;
        let jump = match ins {
            Ins::JumpIfZero { c, to } => Some((c, to, false)),
            Ins::JumpIfNonZero { c, to } => Some((c, to, true)),
            _ => None,
        };
        let last = n.checked_sub(1).filter(|&p| p >= from)?;
        let before = n.checked_sub(2).filter(|&p| p >= from);
        let fused = match (
            before.and_then(|p| self.p.code.get(p).copied()),
            self.p.code.get(last).copied(),
            ins,
            jump,
        ) {
            // A comparison, the copy `and`/`or` makes of it, and the jump on that copy.
            (Some(Ins::Cmp { op, dst, a, b }), Some(Ins::Mov { dst: also, a: x }), _, Some((c, to, when)))
                if x == dst && c == also =>
            {
                Some((
                    2,
                    Ins::CmpJump {
                        op,
                        when,
                        dst,
                        also,
                        a,
                        b,
                        to,
                    },
                ))
            }
            (_, Some(Ins::Cmp { op, dst, a, b }), _, Some((c, to, when))) if c == dst => Some((
                1,
                Ins::CmpJump {
                    op,
                    when,
                    dst,
                    also: dst,
                    a,
                    b,
                    to,
                },
            )),
            (_, Some(Ins::Mov { dst, a }), _, Some((c, to, when))) if c == dst || c == a => {
                Some((1, Ins::MovJump { when, dst, a, to }))
            }
            (_, Some(Ins::Cmp { op, dst, a, b }), Ins::Check { c, index, error }, _) if c == dst => Some((
                1,
                Ins::CmpCheck {
                    op,
                    error,
                    dst,
                    a,
                    b,
                    index,
                },
            )),
            _ => None,
        };
        let (back, fused) = fused?;
        self.p.code.truncate(n - back);
        self.p.code.push(fused);
        Some(n - back)
    }

    /// No instruction is fused across this place (where a metric's or a check's code begins or
    /// ends: a fault inside one is told by the place of the instruction).
    fn barrier(&mut self) {
        self.landed = self.p.code.len();
    }

    fn here(&self) -> u32 {
        self.p.code.len() as u32
    }

    /// Points the jump at `at` to the next instruction.
    fn land(&mut self, at: usize) {
        let here = self.here();
        self.landed = self.p.code.len();
        match self.p.code.get_mut(at) {
            Some(
                Ins::JumpIfZero { to, .. }
                | Ins::JumpIfNonZero { to, .. }
                | Ins::Jump { to }
                | Ins::CmpJump { to, .. }
                | Ins::MovJump { to, .. },
            ) => *to = here,
            Some(Ins::Na { end, .. }) => *end = here,
            _ => {}
        }
    }

    fn reg(&mut self) -> Reg {
        self.p.registers += 1;
        (self.p.registers - 1) as Reg
    }

    /// A register holding `d` for every unit.
    fn constant(&mut self, d: Decimal) -> Reg {
        let key = Key::Const(d.serialize());
        if let Some(&(r, _)) = self.known.get(&key) {
            return r;
        }
        let r = self.reg();
        self.p.consts.push((r, d));
        // Constants are written before any code runs: known everywhere, never forgotten.
        self.known.insert(key, (r, None));
        r
    }

    /// Where a scope (code that may not run: a branch, an indicator that may be not applicable)
    /// starts; what becomes known inside is forgotten at [`end_scope`](Self::end_scope).
    fn scope(&self) -> usize {
        self.learned.len()
    }

    fn end_scope(&mut self, mark: usize) {
        for key in self.learned.drain(mark..) {
            self.known.remove(&key);
        }
    }

    /// The register already holding `key`'s value, if any and if this code may read it.
    fn recall(&mut self, key: &Key) -> Option<Reg> {
        let (r, origin) = *self.known.get(key)?;
        (origin.is_none() || origin == self.building).then_some(r)
    }

    /// Computes `key` into a new register with the instruction `make` gives, once.
    fn value(&mut self, key: Key, make: impl FnOnce(Reg) -> Ins) -> Reg {
        if let Some(r) = self.recall(&key) {
            return r;
        }
        let dst = self.reg();
        self.push(make(dst));
        self.learn(key, dst);
        dst
    }

    /// `key` is in `r` from now on (in this scope).
    fn learn(&mut self, key: Key, r: Reg) {
        self.known.insert(key.clone(), (r, self.building));
        self.learned.push(key);
    }

    /// A read of metric `m`'s value (once per scope).
    fn guard(&mut self, m: u32) {
        let key = Key::Guard(m);
        if self.known.contains_key(&key) || self.building == Some(m) {
            return;
        }
        self.push(Ins::Guard { metric: m });
        // A guard inside a metric's code only tells about that metric's own run.
        if self.building.is_none() {
            self.learn(key, 0);
        }
    }

    fn metric(&mut self, m: u32) {
        let Some(metric) = self.c.metrics.get(m as usize) else {
            return;
        };
        self.barrier();
        let start = self.here();
        self.building = Some(m);
        let r = self.expr(&metric.expr);
        // A range of the form `min ≤ 0` with no maximum holds for every value an expression
        // that is never negative can take: nothing to check.
        let holds = metric.max.is_none()
            && metric.min.is_some_and(|lo| crate::dec::is_negative(lo) || lo.is_zero())
            && self.never_negative(&metric.expr);
        if *metric.expr.ty() != Ty::Bool && (metric.min.is_some() || metric.max.is_some()) && !holds {
            self.push(Ins::MetricRange { metric: m, reg: r });
        }
        let end = self.here();
        self.p.metric_spans.push((start, end, m));
        self.barrier();
        if let Some(slot) = self.metric_regs.get_mut(m as usize) {
            *slot = Some(r);
        }
    }

    /// Whether `e` is never negative, by what it reads: a number input with a minimum of at least
    /// zero (every value given is checked against it), a count, a checklist's count, a yes/no, a
    /// metric whose range starts at zero or above (checked where it is computed), a truth value,
    /// and sums, products, quotients, conditionals, rounding, least and greatest of those.
    fn never_negative(&self, e: &Expr) -> bool {
        fn walk(c: &Compiled, ops: &[Op], i: u32) -> bool {
            let at_least_zero = |d: &Decimal| !crate::dec::is_negative(*d);
            match ops.get(i as usize) {
                None | Some(Op::Neg(_) | Op::Ar(ArOp::Sub, ..)) => false,
                Some(Op::Const(d)) => at_least_zero(d),
                Some(
                    Op::Bool(_)
                    | Op::LevelIs(..)
                    | Op::Not(_)
                    | Op::Cmp(..)
                    | Op::BoolEq(..)
                    | Op::And(..)
                    | Op::Or(..)
                    | Op::Abs(_),
                ) => true,
                Some(Op::Load(Ref::Input(slot))) => c.inputs.get(*slot as usize).is_some_and(|d| match d.kind {
                    InputKind::Number | InputKind::Manual => d.min.as_ref().is_some_and(at_least_zero),
                    InputKind::Count | InputKind::Boolean | InputKind::Checklist | InputKind::Level => true,
                }),
                Some(Op::Load(Ref::Metric(m))) => c.metrics.get(*m as usize).is_some_and(|metric| {
                    *metric.expr.ty() == Ty::Bool || metric.min.as_ref().is_some_and(at_least_zero)
                }),
                Some(&Op::Ar(ArOp::Add | ArOp::Mul | ArOp::Div, a, b, _) | &Op::If(_, a, b)) => {
                    walk(c, ops, a) && walk(c, ops, b)
                }
                Some(Op::Min(args)) => args.iter().all(|&a| walk(c, ops, a)),
                Some(Op::Max(args)) => args.iter().any(|&a| walk(c, ops, a)),
                Some(&Op::Round(a, _)) => walk(c, ops, a),
            }
        }
        let (ops, root) = e.ops();
        walk(self.c, ops, root)
    }

    fn expr(&mut self, e: &Expr) -> Reg {
        let (ops, root) = e.ops();
        self.op(ops, root)
    }

    fn op(&mut self, ops: &[Op], i: u32) -> Reg {
        let Some(op) = ops.get(i as usize) else {
            return self.constant(Decimal::ZERO);
        };
        match op {
            Op::Const(d) => self.constant(*d),
            Op::Bool(v) => self.constant(truth(*v)),
            Op::Load(Ref::Input(slot)) => {
                let always = self
                    .c
                    .inputs
                    .get(*slot as usize)
                    .is_some_and(|d| d.required || d.default.is_some());
                if always {
                    if let Some(Some(r)) = self.input_regs.get(*slot as usize) {
                        return *r;
                    }
                    let r = self.reg();
                    self.p.bound.push((*slot, r));
                    if let Some(x) = self.input_regs.get_mut(*slot as usize) {
                        *x = Some(r);
                    }
                    return r;
                }
                let slot = *slot;
                self.value(Key::Input(slot), |dst| Ins::Input { dst, slot })
            }
            Op::Load(Ref::Metric(m)) => {
                if self.building.is_none()
                    && let Some(r) = self.read.get_mut(*m as usize)
                {
                    *r = true;
                }
                self.guard(*m);
                match self.metric_regs.get(*m as usize).copied().flatten() {
                    Some(r) => r,
                    // Unreachable after `metric_order`; never read (the guard faults first).
                    None => self.constant(Decimal::ZERO),
                }
            }
            &Op::LevelIs(slot, level) => self.value(Key::LevelIs(slot, level), |dst| Ins::LevelIs { dst, slot, level }),
            Op::Neg(a) => {
                let a = self.op(ops, *a);
                self.value(Key::Neg(a), |dst| Ins::Neg { dst, a })
            }
            Op::Not(a) => {
                let a = self.op(ops, *a);
                self.value(Key::Not(a), |dst| Ins::Not { dst, a })
            }
            Op::Abs(a) => {
                let a = self.op(ops, *a);
                self.value(Key::Abs(a), |dst| Ins::Abs { dst, a })
            }
            &Op::Round(a, places) => {
                let a = self.op(ops, a);
                self.value(Key::Round(a, places), |dst| Ins::Round { dst, a, places })
            }
            &Op::Ar(op, a, b, _) => {
                let (a, b) = (self.op(ops, a), self.op(ops, b));
                self.value(Key::Ar(op, a, b), |dst| Ins::Ar { op, dst, a, b })
            }
            &Op::Cmp(op, a, b) => {
                let (a, b) = (self.op(ops, a), self.op(ops, b));
                self.value(Key::Cmp(op, a, b), |dst| Ins::Cmp { op, dst, a, b })
            }
            &Op::BoolEq(equal, a, b) => {
                let (a, b) = (self.op(ops, a), self.op(ops, b));
                self.value(Key::BoolEq(equal, a, b), |dst| Ins::BoolEq { equal, dst, a, b })
            }
            Op::And(a, b) | Op::Or(a, b) => {
                let and = matches!(op, Op::And(..));
                // Both sides are yes/no values, which registers hold as exactly 0 or 1: a copy.
                let a = self.op(ops, *a);
                let dst = self.reg();
                self.push(Ins::Mov { dst, a });
                let skip = self.push(if and {
                    Ins::JumpIfZero { c: dst, to: 0 }
                } else {
                    Ins::JumpIfNonZero { c: dst, to: 0 }
                });
                let mark = self.scope();
                let b = self.op(ops, *b);
                self.push(Ins::Mov { dst, a: b });
                self.end_scope(mark);
                self.land(skip);
                dst
            }
            Op::If(cond, a, b) => {
                let cond = self.op(ops, *cond);
                let dst = self.reg();
                let otherwise = self.push(Ins::JumpIfZero { c: cond, to: 0 });
                let mark = self.scope();
                let a = self.op(ops, *a);
                self.push(Ins::Mov { dst, a });
                self.end_scope(mark);
                let done = self.push(Ins::Jump { to: 0 });
                self.land(otherwise);
                let b = self.op(ops, *b);
                self.push(Ins::Mov { dst, a: b });
                self.end_scope(mark);
                self.land(done);
                dst
            }
            Op::Min(args) | Op::Max(args) => {
                let min = matches!(op, Op::Min(_));
                let regs: Vec<Reg> = args.iter().map(|&a| self.op(ops, a)).collect();
                let key = Key::MinMax(min, regs.clone());
                if let Some(r) = self.recall(&key) {
                    return r;
                }
                let dst = self.reg();
                let start = self.p.lists.len() as u32;
                self.p.lists.extend(&regs);
                self.push(Ins::MinMax {
                    min,
                    dst,
                    args: start,
                    n: regs.len() as u32,
                });
                self.learn(key, dst);
                dst
            }
        }
    }

    fn node(&mut self, i: u32) {
        let c = self.c;
        let Some(node) = c.nodes.get(i as usize) else { return };
        let guard = node.na.as_ref().map(|na| {
            let r = self.expr(&na.when);
            let start = self.p.fills.len() as u32;
            self.na_fills(i, na.outcome);
            let n = self.p.fills.len() as u32 - start;
            self.push(Ins::Na {
                node: i,
                c: r,
                fills: start,
                n,
                end: 0,
            })
        });
        let mark = self.scope();
        if let Some(rule) = &node.rule {
            let raw = self.reg();
            let start = self.p.code.len();
            self.rule(rule, node.points, raw);
            // A rule that ends in one rule instruction (all but cases and options, which jump)
            // scores and states the leaf in the same step.
            let branches = matches!(rule, CRule::Cases { .. } | CRule::ChooseOne { .. });
            match self.p.code.last().copied() {
                Some(Ins::Rule { rule, a, b, .. }) if !branches => {
                    self.p.code.pop();
                    // The guard just before it, when the rule's own code put it there (not the
                    // code before the leaf) and no jump lands between them.
                    let at = self.p.code.len();
                    let guard = match self.p.code.last() {
                        Some(&Ins::Guard { metric }) if at > start && self.landed < at => {
                            self.p.code.pop();
                            metric
                        }
                        _ => NO_GUARD,
                    };
                    self.push(Ins::Scored {
                        rule,
                        a,
                        b,
                        node: i,
                        guard,
                    });
                    self.fix(rule, i);
                }
                _ => {
                    self.push(Ins::Leaf { node: i, raw });
                }
            }
        } else {
            for &k in &node.children {
                self.node(k);
            }
            let start = self.p.lists.len() as u32;
            self.p.lists.extend(&node.children);
            let plain = self.plain_sum(i);
            self.push(Ins::Group {
                node: i,
                children: start,
                n: node.children.len() as u32,
                plain,
            });
        }
        if let Some(at) = guard {
            // What the indicator's code computed is not there when it was not applicable.
            self.end_scope(mark);
            self.land(at);
        }
    }

    /// Computes the fixed cases of rule `rule`, the rule of leaf `node` ([`RuleP::fixed`]): for
    /// one unit of each case, the figures that [`score_rule`] and [`stated`] give it.
    fn fix(&mut self, rule: u32, node: u32) {
        let c = self.c;
        let (Some(p), Some(cn)) = (self.p.rules.get(rule as usize), c.nodes.get(node as usize)) else {
            return;
        };
        let cap = get(&self.p.caps, node);
        let stated_fixed = |raw: Decimal| Fixed {
            raw,
            score: cn.rounding.map_or(raw, |r| stated(raw, r, cap)),
        };
        let figures = |a: Decimal, inputs: &[InVal]| score_rule(p, a, a, inputs).map(stated_fixed);
        let with = |slot: u32, v: InVal| {
            let mut inputs = vec![InVal::Absent; c.inputs.len()];
            if let Some(x) = inputs.get_mut(slot as usize) {
                *x = v;
            }
            inputs
        };
        let fixed = match p {
            // A tier's score is its constant (`score_rule` gives the first tier's that holds).
            RuleP::Tiers { tiers, otherwise, .. } => FixedCases::Tiers(
                tiers
                    .iter()
                    .map(|t| Some(stated_fixed(t.score)))
                    .chain([otherwise.map(stated_fixed)])
                    .collect(),
            ),
            RuleP::Step { threshold, .. } => FixedCases::Within(figures(super::Limit::value(threshold), &[])),
            // A rate above 1 is kept at 1 whatever it is, unless rounding it comes first.
            RuleP::Rate { round_rate: None, .. } => FixedCases::Full(figures(Decimal::TWO, &[])),
            RuleP::Level { slot, bands, .. } => FixedCases::Defaults(
                (0..bands.len())
                    .map(|level| {
                        let level = u16::try_from(level).ok()?;
                        figures(Decimal::ZERO, &with(*slot, InVal::Level(level, None)))
                    })
                    .collect(),
            ),
            RuleP::Checklist { slot, item_points, .. } => {
                let mut all = ItemSet::default();
                for k in 0..item_points.len() {
                    all.insert(k);
                }
                FixedCases::All(figures(Decimal::ZERO, &with(*slot, InVal::Items(all))).map(|f| (all, f)))
            }
            RuleP::PerOccurrence { .. } => FixedCases::None(figures(Decimal::ZERO, &[])),
            _ => return,
        };
        match (self.p.rules.get_mut(rule as usize), fixed) {
            (Some(RuleP::Step { within, .. }), FixedCases::Within(f)) => *within = f,
            (Some(RuleP::Tiers { scores, .. }), FixedCases::Tiers(f)) => *scores = f,
            (Some(RuleP::Rate { full, .. }), FixedCases::Full(f)) => *full = f,
            (Some(RuleP::Level { defaults, .. }), FixedCases::Defaults(f)) => *defaults = f,
            (Some(RuleP::Checklist { all, .. }), FixedCases::All(f)) => *all = f,
            (Some(RuleP::PerOccurrence { none, .. }), FixedCases::None(f)) => *none = f,
            _ => {}
        }
    }

    /// Whether stating group `i`'s score only writes the sum of its children's stated scores at
    /// the group's places: the parent is the sum of the stated scores, each child is stated at
    /// no more places than the group (its points too), and their points add up to no more than
    /// the group's. Then the sum needs no rounding and lies within [0, points], so the stated
    /// figure is the sum itself at the group's places, exactly what [`stated`] gives.
    fn plain_sum(&self, i: u32) -> bool {
        let c = self.c;
        let Some(node) = c.nodes.get(i as usize) else {
            return false;
        };
        let Some(r) = node.rounding else { return false };
        if c.rounding.parent != ParentScore::SumOfStated {
            return false;
        }
        let mut points = Decimal::ZERO;
        for &k in &node.children {
            let Some(child) = c.nodes.get(k as usize) else {
                return false;
            };
            let stated_at = child.rounding.map(|rk| rk.scale.max(child.points.scale()));
            let Some(sum) = points.add_checked(child.points) else {
                return false;
            };
            if stated_at.is_none_or(|places| places > r.scale) {
                return false;
            }
            points = sum;
        }
        crate::dec::cmp(points, node.points).is_le()
    }

    /// The scores of a not-applicable indicator and its subtree (itself first), as the reference
    /// states them: the points or zero, at each one's places.
    fn na_fills(&mut self, i: u32, outcome: NaOutcome) {
        let Some(node) = self.c.nodes.get(i as usize) else {
            return;
        };
        let score = if outcome == NaOutcome::FullPoints {
            node.points
        } else {
            Decimal::ZERO
        };
        let score = node.rounding.map_or(score, |r| with_places(score, r.scale));
        self.p.fills.push((i, score));
        for &k in &node.children {
            self.na_fills(k, outcome);
        }
    }

    fn rule(&mut self, rule: &CRule, points: Decimal, raw: Reg) {
        let emit = |b: &mut Self, p: RuleP, a: Reg, second: Reg| {
            b.p.rules.push(p);
            let rule = (b.p.rules.len() - 1) as u32;
            b.push(Ins::Rule {
                rule,
                a,
                b: second,
                raw,
            });
        };
        match rule {
            CRule::Step {
                value,
                direction,
                threshold,
                step,
                deduct,
                counting,
                max_deduction,
            } => {
                let a = self.expr(&value.expr);
                let p = RuleP::Step {
                    points,
                    direction: *direction,
                    threshold: Bound::new(*threshold),
                    step: *step,
                    deduct: *deduct,
                    counting: *counting,
                    cap: Bound::new(deduction_cap(*max_deduction, points)),
                    within: None,
                };
                emit(self, p, a, a);
            }
            CRule::Tiers {
                value,
                tiers,
                otherwise,
            } => {
                let a = self.expr(&value.expr);
                let bound = |b: &Option<(Decimal, bool)>| b.map(|(d, inclusive)| (Bound::new(d), inclusive));
                let p = RuleP::Tiers {
                    tiers: tiers
                        .iter()
                        .map(|t| CTier {
                            lower: bound(&t.lower),
                            upper: bound(&t.upper),
                            score: t.score,
                        })
                        .collect(),
                    otherwise: *otherwise,
                    scores: Vec::new(),
                };
                emit(self, p, a, a);
            }
            CRule::Ratio {
                actual,
                target,
                better,
                round_rate,
            } => {
                let a = self.expr(&actual.expr);
                let t = self.expr(&target.expr);
                let p = RuleP::Ratio {
                    points,
                    better: *better,
                    round_rate: *round_rate,
                };
                emit(self, p, a, t);
            }
            CRule::Rate { value, round_rate } => {
                let a = self.expr(&value.expr);
                let p = RuleP::Rate {
                    points,
                    round_rate: *round_rate,
                    one: Bound::new(Decimal::ONE),
                    full: None,
                };
                emit(self, p, a, a);
            }
            CRule::Level { input, bands } => {
                let p = RuleP::Level {
                    points,
                    slot: *input,
                    bands: bands.clone(),
                    defaults: Vec::new(),
                };
                emit(self, p, raw, raw);
            }
            CRule::Checklist {
                input,
                mode,
                item_points,
            } => {
                let p = RuleP::Checklist {
                    points,
                    slot: *input,
                    mode: *mode,
                    item_points: item_points.clone(),
                    all: None,
                };
                emit(self, p, raw, raw);
            }
            CRule::PerOccurrence {
                value,
                deduct,
                max_deduction,
            } => {
                let a = self.expr(&value.expr);
                let p = RuleP::PerOccurrence {
                    points,
                    deduct: *deduct,
                    cap: Bound::new(deduction_cap(*max_deduction, points)),
                    none: None,
                };
                emit(self, p, a, a);
            }
            CRule::Manual { input } => emit(self, RuleP::Manual { points, slot: *input }, raw, raw),
            CRule::Formula { expr, clamp, .. } => {
                let a = self.expr(expr);
                emit(self, RuleP::Formula { points, clamp: *clamp }, a, a);
            }
            CRule::Cases { cases, otherwise } => {
                // Each condition in order; the first that holds jumps to its score. Only the
                // first surely runs: what the others compute is forgotten after the rule.
                let mark = self.scope();
                let mut taken = Vec::with_capacity(cases.len());
                for case in cases {
                    let r = self.expr(&case.when);
                    taken.push(self.push(Ins::JumpIfNonZero { c: r, to: 0 }));
                }
                let mut done = Vec::with_capacity(cases.len() + 1);
                match otherwise {
                    Some(o) => {
                        let k = self.constant(*o);
                        self.push(Ins::Mov { dst: raw, a: k });
                        done.push(self.push(Ins::Jump { to: 0 }));
                    }
                    None => {
                        self.push(Ins::Refuse);
                    }
                }
                for (case, at) in cases.iter().zip(taken) {
                    self.land(at);
                    let k = self.constant(case.score);
                    self.push(Ins::Mov { dst: raw, a: k });
                    done.push(self.push(Ins::Jump { to: 0 }));
                }
                for at in done {
                    self.land(at);
                }
                self.end_scope(mark);
            }
            CRule::ChooseOne { options } => {
                // As with cases: only the first option's condition surely runs.
                let outer = self.scope();
                let mut done = Vec::with_capacity(options.len());
                for option in options {
                    let skip = option.when.as_ref().map(|(e, _)| {
                        let r = self.expr(e);
                        self.push(Ins::JumpIfZero { c: r, to: 0 })
                    });
                    let mark = self.scope();
                    self.rule(&option.rule, points, raw);
                    self.end_scope(mark);
                    done.push(self.push(Ins::Jump { to: 0 }));
                    if let Some(at) = skip {
                        self.land(at);
                    }
                }
                self.push(Ins::Refuse);
                for at in done {
                    self.land(at);
                }
                self.end_scope(outer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn program_of(id: &str) -> (std::sync::Arc<Compiled>, usize) {
        let scorer = crate::builtin(id)
            .and_then(|b| b.scorer().ok())
            .unwrap_or_else(|| unreachable!("{id} is built in"));
        let c = scorer.inner.clone();
        let ranges = c
            .program
            .code
            .iter()
            .filter(|i| matches!(i, Ins::MetricRange { .. }))
            .count();
        (c, ranges)
    }

    /// hunan-dept computes 政府采购执行率 but no rule, check, guard or veto reads it; its other
    /// metrics all declare `min: 0`, and all but 预算完成率 (which also has a maximum) and
    /// 预算控制率 (a difference of inputs) are quotients, sums and conditionals of inputs declared
    /// at least zero.
    #[test]
    fn metrics_nobody_reads_are_not_computed_and_ranges_that_always_hold_are_not_checked() {
        let (c, ranges) = program_of("hunan-dept");
        let computed: Vec<&str> = c
            .program
            .metric_spans
            .iter()
            .filter_map(|&(_, _, m)| c.metrics.get(m as usize).map(|m| &*m.name))
            .collect();
        assert!(!computed.contains(&"政府采购执行率"), "{computed:?}");
        assert!(computed.contains(&"政府采购执行偏离度"), "{computed:?}");
        assert_eq!(computed.len(), c.metrics.len() - 1, "{computed:?}");
        let checked: Vec<&str> = c
            .program
            .code
            .iter()
            .filter_map(|i| match i {
                Ins::MetricRange { metric, .. } => c.metrics.get(*metric as usize).map(|m| &*m.name),
                _ => None,
            })
            .collect();
        assert_eq!(checked, ["预算完成率", "预算控制率"]);
        assert_eq!(ranges, 2);
    }

    /// Every leaf rule of hunan-dept that has a case whose figures do not depend on the unit has
    /// them fixed at compile time: each step rule for a value not past its threshold, the tiers,
    /// each level given without a score whose band says what that scores (a fixed share, or a
    /// default), every checklist with all its items, every count of occurrences at 0, and every
    /// rate above 100% (none of hunan-dept's is rounded first).
    #[test]
    fn the_cases_whose_figures_are_fixed_are_computed_once() {
        let (c, _) = program_of("hunan-dept");
        let (mut steps, mut levels, mut others) = (0, 0, 0);
        for p in &c.program.rules {
            match p {
                RuleP::Step { within, .. } => {
                    assert!(within.is_some(), "{p:?}");
                    steps += 1;
                }
                RuleP::Level { bands, defaults, .. } => {
                    assert_eq!(defaults.len(), bands.len(), "{p:?}");
                    for (band, fixed) in bands.iter().zip(defaults) {
                        assert_eq!(fixed.is_some(), band.default.is_some() || band.min == band.max, "{p:?}");
                    }
                    levels += 1;
                }
                RuleP::Tiers { tiers, scores, .. } => {
                    assert_eq!(scores.len(), tiers.len() + 1, "{p:?}");
                    others += 1;
                }
                RuleP::Checklist { all, .. } => {
                    assert!(all.is_some(), "{p:?}");
                    others += 1;
                }
                RuleP::PerOccurrence { none, .. } => {
                    assert!(none.is_some(), "{p:?}");
                    others += 1;
                }
                RuleP::Rate { full, .. } => {
                    assert!(full.is_some(), "{p:?}");
                    others += 1;
                }
                _ => {}
            }
        }
        // 10 step rules, 4 levels; 1 tiers, 3 checklists, 2 counts, 4 rates.
        assert_eq!((steps, levels, others), (10, 4, 10));
        // 5 full points for a value within its threshold, stated at two places.
        let within = c.program.rules.iter().find_map(|p| match p {
            RuleP::Step { within: Some(f), .. } => Some(f.score.to_string()),
            _ => None,
        });
        assert_eq!(within.as_deref(), Some("5.00"));
    }

    /// hunan-dept's quotients that only a step rule deducting above a threshold reads (directly
    /// or through a branch of `if`) are decided without dividing when within it; the others
    /// (read by a range check, by a rate, by a rule deducting below, or inside `abs`) stay
    /// divisions.
    #[test]
    fn quotients_only_a_step_rule_above_reads_are_shortcut() {
        let (c, _) = program_of("hunan-dept");
        let p = &c.program;
        let metric_at = |at: usize| {
            p.metric_spans
                .iter()
                .find(|(start, end, _)| (*start as usize..*end as usize).contains(&at))
                .and_then(|&(_, _, m)| c.metrics.get(m as usize))
                .map(|m| &*m.name)
        };
        let shortcut: Vec<_> = (0..p.code.len())
            .filter(|&at| matches!(p.code.get(at), Some(Ins::Quotient { .. })))
            .filter_map(metric_at)
            .collect();
        assert_eq!(
            shortcut,
            [
                "在职人员控制率",
                "“三公经费”变动率",
                "楼堂馆所面积控制率",
                "楼堂馆所投资概算控制率",
                "公用经费控制率",
                "“三公经费”控制率"
            ]
        );
        assert_eq!(
            p.limits.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["1.00", "0", "1.00", "1.00", "1.00", "1.00"]
        );
        let divisions = p
            .code
            .iter()
            .filter(|i| matches!(i, Ins::Ar { op: ArOp::Div, .. }))
            .count();
        assert_eq!(divisions, 8);
    }

    /// A comparison is one instruction with the check or the jump that reads it (and the copy
    /// `and`/`or` make of it): hunan-dept's six checks of the form `a <= b` are one instruction
    /// each, and no comparison is left just before a check or jump that reads it unless a jump
    /// lands between them.
    #[test]
    fn comparisons_are_fused_with_what_reads_them() {
        let (c, _) = program_of("hunan-dept");
        let code = &c.program.code;
        let count = |f: fn(&Ins) -> bool| code.iter().filter(|i| f(i)).count();
        assert_eq!(count(|i| matches!(i, Ins::CmpCheck { .. })), 6);
        assert!(count(|i| matches!(i, Ins::CmpJump { .. })) >= 8, "{code:#?}");
        for pair in code.windows(2) {
            if let [
                Ins::Cmp { dst, .. },
                Ins::Check { c, .. } | Ins::JumpIfZero { c, .. } | Ins::JumpIfNonZero { c, .. },
            ] = pair
            {
                assert_ne!(dst, c, "{pair:?} left unfused");
            }
        }
    }

    /// Each group of hunan-dept has children stated at two places, as it is: stating a group's
    /// sum only writes it at two places. A group with a child stated at more places (or whose
    /// points have more), or whose parent is formed from exact scores, is stated in full.
    #[test]
    fn a_group_is_stated_plainly_only_when_its_sum_cannot_need_rounding_or_capping() {
        let plain = |c: &Compiled| -> Vec<bool> {
            c.program
                .code
                .iter()
                .filter_map(|i| match i {
                    Ins::Group { plain, .. } => Some(*plain),
                    _ => None,
                })
                .collect()
        };
        let (c, _) = program_of("hunan-dept");
        assert_eq!(plain(&c), [true; 10]);
        let system = |first: &str, places: &str, parent: &str| {
            let second = Decimal::TEN - first.parse::<Decimal>().unwrap_or_default();
            format!(
                r#"{{"format": 1, "id": "t", "name": "测试", "inputs": [{{"name": "x", "kind": "number"}}],
                  "indicators": [{{"id": "1", "name": "组", "points": "10", "children": [
                      {{"id": "1.1", "name": "甲", "points": "{first}", "rounding": {{"scale": {places}, "mode": "half_up"}},
                        "rule": {{"type": "rate", "value": "x"}}}},
                      {{"id": "1.2", "name": "乙", "points": "{second}", "rule": {{"type": "rate", "value": "x"}}}}]}}],
                  "grades": [{{"label": "优", "min": "9"}}, {{"label": "差"}}],
                  "rounding": {{"indicator": {{"scale": 2, "mode": "half_up"}}, "total": {{"scale": 2, "mode": "half_up"}},
                               "parent": "{parent}"}}}}"#
            )
        };
        let compiled = |text: &str| {
            crate::Scorer::from_text(text)
                .unwrap_or_else(|e| unreachable!("{e}"))
                .inner
        };
        let sums = "sum_of_stated";
        assert_eq!(plain(&compiled(&system("6", "2", sums))), [true]);
        assert_eq!(plain(&compiled(&system("6", "1", sums))), [true]);
        assert_eq!(plain(&compiled(&system("6", "3", sums))), [false]);
        assert_eq!(plain(&compiled(&system("5.995", "2", sums))), [false]);
        assert_eq!(plain(&compiled(&system("6", "2", "rounded_exact_sum"))), [false]);
    }

    /// A bound compares every value as rust_decimal compares it with the constant: over 200 000
    /// generated pairs of every scale, sign and width, and thresholds as systems write them.
    #[test]
    fn a_bound_compares_as_rust_decimal() {
        use super::super::Limit as _;
        use crate::dec::cmp_tests::{generated_decimal, numbers};
        let mut next = numbers(0x2026_1208);
        let written: Vec<Decimal> = ["0", "-0", "1", "0.05", "1.00", "0.9", "-0.3", "100", "5", "0.0001"]
            .iter()
            .map(|t| t.parse().unwrap_or_default())
            .collect();
        for i in 0..200_000_usize {
            let c = match written.get(i % 20) {
                Some(d) => *d,
                None => generated_decimal(&mut next),
            };
            let bound = Bound::new(c);
            let v = generated_decimal(&mut next);
            assert_eq!(bound.compare(v), v.cmp(&c), "{v} vs {c}");
            // The same value at other scales: the usual case of a measured value at a threshold.
            let mut w = c;
            w.rescale((c.scale() + (next() % 27) as u32).min(28));
            assert_eq!(bound.compare(w), w.cmp(&c), "{w} vs {c}");
            assert_eq!(bound.value(), c);
        }
    }

    #[test]
    fn never_negative_follows_the_declared_ranges_of_what_an_expression_reads() {
        let cases = [
            ("p / (p + 1)", true),
            ("p - 1", false),
            ("abs(n)", true),
            ("n * p", false),
            ("max(n, 0)", true),
            ("min(n, p)", false),
            ("min(p, k)", true),
            ("if(f, p, k)", true),
            ("if(f, p, n)", false),
            ("round(p / 3, 2)", true),
            ("-p", false),
            ("p * -1", false),
            ("p * 2 + k / 4", true),
            ("低", true),
            ("零下", false),
            ("无界", false),
        ];
        let metrics: Vec<String> = cases
            .iter()
            .enumerate()
            .map(|(i, (e, _))| format!(r#"{{"name": "m{i}", "expr": "{e}"}}"#))
            .collect();
        let system = format!(
            r#"{{"format": 1, "id": "t", "name": "测试",
              "inputs": [{{"name": "p", "kind": "number", "min": "0"}}, {{"name": "n", "kind": "number"}},
                         {{"name": "k", "kind": "count"}}, {{"name": "f", "kind": "boolean"}}],
              "metrics": [{},
                          {{"name": "低", "expr": "p - 5", "min": "0"}}, {{"name": "零下", "expr": "p", "min": "-1"}},
                          {{"name": "无界", "expr": "p"}}],
              "indicators": [{{"id": "1", "name": "甲", "points": "10", "rule": {{"type": "rate", "value": "m0"}}}}],
              "grades": [{{"label": "优", "min": "9"}}, {{"label": "差"}}]}}"#,
            metrics.join(", ")
        );
        let scorer = crate::Scorer::from_text(&system).unwrap_or_else(|e| unreachable!("{e}"));
        let c = &*scorer.inner;
        let b = Builder {
            c,
            p: Program::default(),
            metric_regs: Vec::new(),
            input_regs: Vec::new(),
            known: std::collections::HashMap::new(),
            learned: Vec::new(),
            building: None,
            landed: 0,
            check_stops: None,
            read: Vec::new(),
        };
        for (i, (text, expected)) in cases.iter().enumerate() {
            let metric = c.metrics.iter().find(|m| *m.name == *format!("m{i}"));
            let Some(metric) = metric else { unreachable!("m{i}") };
            assert_eq!(b.never_negative(&metric.expr), *expected, "{text}");
        }
    }
}
