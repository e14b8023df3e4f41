//! Validation and compilation of an indicator system into a [`Scorer`].
//!
//! Validation collects every problem with its path; compilation resolves names to slots,
//! expressions to a compact typed form and rules to their parameters, so that evaluation
//! never parses or looks anything up by name.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rust_decimal::Decimal;

pub(crate) use crate::dec::range_display;
use crate::dec::{Arith as _, Dec};
use crate::error::{Issue, ValidationErrors};
use crate::expr::{self, Expr, Ref, Ty};
use crate::format::*;
pub(crate) use crate::inputs::{CInput, InVal};

/// Deepest indicator tree accepted.
pub const MAX_TREE_DEPTH: usize = 16;
/// Longest chain of metrics referring to metrics.
pub const MAX_METRIC_CHAIN: usize = 64;
/// Deepest nesting of `choose_one` rules.
const MAX_RULE_NESTING: usize = 4;
/// Largest rounding scale.
const MAX_SCALE: u32 = 10;

/// A compiled, immutable indicator system: cheap to clone, `Send + Sync`, evaluates many units.
#[derive(Debug, Clone)]
pub struct Scorer {
    pub(crate) inner: Arc<Compiled>,
}

/// The source of [`Compiled::id`]: every compiled system gets a number no other one in this
/// process has had, so that prepared inputs can never be taken for another system's.
static NEXT_SCORER_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// What produced a result: the indicator system (id, version, year, content hash) and the engine,
/// so that a stored score can always be traced to the rules that gave it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Provenance {
    /// The system's id.
    pub system: String,
    /// The system's version, when it states one.
    pub version: Option<String>,
    /// The system's year, when it states one.
    pub year: Option<u32>,
    /// `sha256:` and the hex digest of the system's canonical JSON form
    /// ([`IndicatorSystem::to_json`]): the same for the same rules, whatever the file's layout.
    pub hash: String,
    /// `jixiao ` and the engine's version.
    pub engine: String,
}

impl Provenance {
    fn of(system: &IndicatorSystem) -> Provenance {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(system.to_json().as_bytes());
        let mut hash = String::with_capacity(7 + 64);
        hash.push_str("sha256:");
        for byte in digest {
            let _ = std::fmt::Write::write_fmt(&mut hash, format_args!("{byte:02x}"));
        }
        Provenance {
            system: system.id.clone(),
            version: system.version.clone(),
            year: system.year,
            hash,
            engine: concat!("jixiao ", env!("CARGO_PKG_VERSION")).to_string(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Compiled {
    /// Unique in the process (not an address, which a later system may reuse).
    pub id: u64,
    pub provenance: Arc<Provenance>,
    pub system: IndicatorSystem,
    pub inputs: Vec<CInput>,
    pub input_index: HashMap<String, u32>,
    /// The input names in byte order with their slots: a unit's inputs (kept in the same order)
    /// meet them in one merge, without hashing a name.
    pub inputs_by_name: Vec<(Arc<str>, u32)>,
    pub metrics: Vec<CMetric>,
    pub nodes: Vec<CNode>,
    pub top: Vec<u32>,
    pub bonus: Vec<u32>,
    pub max_bonus: Option<Decimal>,
    pub max_total: Option<Decimal>,
    pub vetoes: Vec<CVeto>,
    pub checks: Vec<CCheck>,
    pub grades: Vec<CGrade>,
    pub rounding: RoundingPolicy,
    pub excluded: ExcludedPoints,
    pub full_points: Decimal,
    /// What the system allows but is probably a slip (a threshold outside the measured value's
    /// declared range, ...): reported by [`Scorer::warnings`], never a refusal.
    pub warnings: Vec<Issue>,
    /// The system as one flat program, for the scores-only path.
    #[cfg(feature = "compiled")]
    pub program: crate::eval::program::Program,
}

#[derive(Debug)]
pub(crate) struct CMetric {
    pub name: Arc<str>,
    pub expr: Expr,
    pub text: Arc<str>,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
}

/// A measured value of a rule with what the explanation needs to show it.
#[derive(Debug)]
pub(crate) struct Measure {
    pub expr: Expr,
    pub text: Arc<str>,
    pub label: Arc<str>,
    pub label_en: Option<Arc<str>>,
    pub percent: bool,
    pub unit: Option<Arc<str>>,
}

/// A tier: its bounds (each inclusive or not) and its score. The compiled program holds its
/// bounds as [`Bound`](crate::eval::program::Bound)s.
#[derive(Debug, Clone)]
pub(crate) struct CTier<B = Decimal> {
    pub lower: Option<(B, bool)>,
    pub upper: Option<(B, bool)>,
    pub score: Decimal,
}

impl<B: crate::eval::Limit> CTier<B> {
    pub fn contains(&self, v: Decimal) -> bool {
        let above = match &self.lower {
            None => true,
            Some((b, true)) => b.compare(v).is_ge(),
            Some((b, false)) => b.compare(v).is_gt(),
        };
        let below = match &self.upper {
            None => true,
            Some((b, true)) => b.compare(v).is_le(),
            Some((b, false)) => b.compare(v).is_lt(),
        };
        above && below
    }
}

#[derive(Debug, Clone)]
pub(crate) struct CBand {
    pub min: Decimal,
    pub max: Decimal,
    pub min_inclusive: bool,
    pub max_inclusive: bool,
    pub default: Option<Decimal>,
}

impl CBand {
    pub fn contains(&self, share: Decimal) -> bool {
        let (lo, hi) = (crate::dec::cmp(share, self.min), crate::dec::cmp(share, self.max));
        (lo.is_gt() || self.min_inclusive && lo.is_eq()) && (hi.is_lt() || self.max_inclusive && hi.is_eq())
    }
}

#[derive(Debug)]
pub(crate) struct CCase {
    pub when: Expr,
    pub text: Arc<str>,
    pub score: Decimal,
    pub label: Option<Arc<str>>,
}

#[derive(Debug)]
pub(crate) struct COption {
    pub name: Arc<str>,
    pub when: Option<(Expr, Arc<str>)>,
    pub rule: CRule,
}

#[derive(Debug)]
pub(crate) enum CRule {
    Step {
        value: Measure,
        direction: Direction,
        threshold: Decimal,
        step: Decimal,
        deduct: Decimal,
        counting: Counting,
        max_deduction: Option<Decimal>,
    },
    Tiers {
        value: Measure,
        tiers: Vec<CTier>,
        otherwise: Option<Decimal>,
    },
    Ratio {
        actual: Measure,
        target: Measure,
        better: Better,
        round_rate: Option<Rounding>,
    },
    Rate {
        value: Measure,
        round_rate: Option<Rounding>,
    },
    Level {
        input: u32,
        bands: Vec<CBand>,
    },
    Checklist {
        input: u32,
        mode: ChecklistMode,
        item_points: Vec<Decimal>,
    },
    PerOccurrence {
        value: Measure,
        deduct: Decimal,
        max_deduction: Option<Decimal>,
    },
    Manual {
        input: u32,
    },
    Cases {
        cases: Vec<CCase>,
        otherwise: Option<Decimal>,
    },
    Formula {
        expr: Expr,
        text: Arc<str>,
        clamp: bool,
    },
    ChooseOne {
        options: Vec<COption>,
    },
}

#[derive(Debug)]
pub(crate) struct CNa {
    pub when: Expr,
    pub text: Arc<str>,
    pub outcome: NaOutcome,
    pub reason: Option<Arc<str>>,
}

#[derive(Debug)]
pub(crate) struct CNode {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub name_en: Option<Arc<str>>,
    pub points: Decimal,
    pub depth: u16,
    pub is_bonus: bool,
    pub children: Vec<u32>,
    pub rule: Option<CRule>,
    pub na: Option<CNa>,
    /// The precision its score is stated at (its own, else the level's), if any.
    pub rounding: Option<Rounding>,
    /// A core indicator (核心指标).
    pub core: bool,
    /// For a core indicator: the grade (an index of the grade table) the unit gets at best, and
    /// the share of the points the indicator must score to be met.
    pub core_cap: Option<(u32, Decimal)>,
}

#[derive(Debug)]
pub(crate) struct CVeto {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub name_en: Option<Arc<str>>,
    pub when: Expr,
    pub text: Arc<str>,
    pub grade: Option<u32>,
    pub total: Option<Decimal>,
    pub max_total: Option<Decimal>,
}

#[derive(Debug)]
pub(crate) struct CCheck {
    pub id: Arc<str>,
    pub name: Arc<str>,
    pub name_en: Option<Arc<str>>,
    pub expr: Expr,
    pub text: Arc<str>,
    pub severity: crate::format::Severity,
}

#[derive(Debug)]
pub(crate) struct CGrade {
    pub label: Arc<str>,
    pub label_en: Option<Arc<str>>,
    pub min: Option<Decimal>,
}

struct Cx<'s> {
    issues: Vec<Issue>,
    /// The system's rounding, which each indicator's stated precision starts from.
    policy: RoundingPolicy,
    warnings: Vec<Issue>,
    names: HashMap<String, (Ref, Ty)>,
    inputs: &'s [InputDecl],
    metrics: &'s [MetricDecl],
}

fn arc(s: &str) -> Arc<str> {
    Arc::from(s)
}

fn opt_arc(s: &Option<String>) -> Option<Arc<str>> {
    s.as_deref().map(arc)
}

impl Cx<'_> {
    fn check_scale(&mut self, path: &str, r: Rounding) {
        if r.scale > MAX_SCALE {
            self.issue(
                path,
                format!("scale {} is above the largest accepted, {MAX_SCALE}", r.scale),
            );
        }
    }

    fn warn(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Issue {
            path: path.into(),
            position: None,
            message: message.into(),
        });
    }

    /// Warns when a threshold of a rule lies where the measured value cannot be: outside its
    /// declared range, or (for a `%` value without a declared range) at 200% or more in absolute
    /// value, which is almost always a percentage written without `%` (`100` for `100%`).
    fn check_threshold(&mut self, path: &str, m: &Measure, threshold: Decimal) {
        let (lo, hi) = self.declared_range(m);
        let shown = |d: Decimal| {
            if m.percent
                && let Some(p) = d.mul_checked(Decimal::ONE_HUNDRED)
            {
                format!("{}%", p.normalize())
            } else {
                d.normalize().to_string()
            }
        };
        if lo.is_some_and(|lo| threshold < lo) || hi.is_some_and(|hi| threshold > hi) {
            let range = format!(
                "[{}, {}]",
                lo.map_or_else(|| "-∞".to_string(), shown),
                hi.map_or_else(|| "+∞".to_string(), shown)
            );
            self.warn(
                path,
                format!(
                    "the threshold {} lies outside `{}`'s declared range {range}, so the value never reaches it{}",
                    threshold.normalize(),
                    m.label,
                    if m.percent && threshold.abs() > Decimal::ONE {
                        format!(" (a `%` value: did you mean `{}%`?)", threshold.normalize())
                    } else {
                        String::new()
                    }
                ),
            );
        } else if m.percent && lo.is_none() && hi.is_none() && threshold.abs() >= Decimal::TWO {
            self.warn(
                path,
                format!(
                    "`{}` is a `%` value (a ratio: 100% is 1), so the threshold {} means {}; did you mean `{}%`?",
                    m.label,
                    threshold.normalize(),
                    shown(threshold),
                    threshold.normalize()
                ),
            );
        }
    }

    fn issue(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.issues.push(Issue {
            path: path.into(),
            position: None,
            message: message.into(),
        });
    }

    fn compile_expr(&mut self, path: &str, text: &str, want: Option<&Ty>) -> Option<Expr> {
        let names = &self.names;
        let resolve = |n: &str| names.get(n).cloned();
        match Expr::compile(text, &resolve) {
            Ok(e) => {
                if let Some(want) = want
                    && std::mem::discriminant(e.ty()) != std::mem::discriminant(want)
                {
                    let (w, g) = (ty_name(want), ty_name(e.ty()));
                    self.issue(path, format!("expected {w}, but `{text}` is {g}"));
                    return None;
                }
                Some(e)
            }
            Err(e) => {
                self.issues.push(Issue {
                    path: path.to_string(),
                    position: Some(e.position),
                    message: e.message,
                });
                None
            }
        }
    }

    fn measure(&mut self, path: &str, text: &str) -> Option<Measure> {
        let expr = self.compile_expr(path, text, Some(&Ty::Num))?;
        let (label, label_en, percent, unit) = match expr.as_ref_only() {
            Some(Ref::Input(i)) => match self.inputs.get(i as usize) {
                Some(d) => (arc(&d.name), opt_arc(&d.name_en), is_percent(&d.unit), opt_arc(&d.unit)),
                None => (arc(text), None, false, None),
            },
            Some(Ref::Metric(m)) => match self.metrics.get(m as usize) {
                Some(d) => (arc(&d.name), opt_arc(&d.name_en), is_percent(&d.unit), opt_arc(&d.unit)),
                None => (arc(text), None, false, None),
            },
            None => (arc(text), None, false, None),
        };
        Some(Measure {
            expr,
            text: arc(text),
            label,
            label_en,
            percent,
            unit,
        })
    }

    /// The declared range of a measured value when it is a bare input or metric.
    fn declared_range(&self, m: &Measure) -> (Option<Decimal>, Option<Decimal>) {
        match m.expr.as_ref_only() {
            Some(Ref::Input(i)) => self.inputs.get(i as usize).map_or((None, None), |d| {
                let min = d
                    .min
                    .map(Dec::value)
                    .or(matches!(d.kind, InputKind::Count).then_some(Decimal::ZERO));
                (min, d.max.map(Dec::value))
            }),
            Some(Ref::Metric(i)) => self
                .metrics
                .get(i as usize)
                .map_or((None, None), |d| (d.min.map(Dec::value), d.max.map(Dec::value))),
            None => (None, None),
        }
    }

    fn input_of_kind(&mut self, path: &str, name: &str, kinds: &[InputKind]) -> Option<u32> {
        match self.names.get(name) {
            Some((Ref::Input(i), _)) => {
                let i = *i;
                let kind = self.inputs.get(i as usize).map(|d| d.kind);
                if kind.is_some_and(|k| kinds.contains(&k)) {
                    Some(i)
                } else {
                    let want: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
                    self.issue(path, format!("input `{name}` must be of kind {}", want.join(" or ")));
                    None
                }
            }
            _ => {
                self.issue(path, format!("unknown input `{name}`"));
                None
            }
        }
    }
}

fn ty_name(t: &Ty) -> &'static str {
    match t {
        Ty::Num => "a number",
        Ty::Bool => "a condition (true/false)",
        Ty::Level(_) => "a level",
    }
}

pub(crate) fn is_percent(unit: &Option<String>) -> bool {
    matches!(unit.as_deref().map(str::trim), Some("%" | "％"))
}

fn valid_name(name: &str) -> Result<(), String> {
    if name.trim().is_empty() {
        return Err("the name is empty".into());
    }
    if name.trim() != name {
        return Err(format!("the name `{name}` has leading or trailing spaces"));
    }
    if name.chars().any(|c| c.is_control() || c == '`') {
        return Err(format!("the name `{name}` contains a control character or a backtick"));
    }
    if matches!(
        name,
        "true" | "false" | "and" | "or" | "not" | "if" | "min" | "max" | "abs" | "round"
    ) {
        return Err(format!("`{name}` is a reserved word of the expression language"));
    }
    Ok(())
}

impl Scorer {
    /// Validates and compiles an indicator system; every problem is reported.
    pub fn new(system: &IndicatorSystem) -> Result<Scorer, ValidationErrors> {
        compile(system.clone()).map(|c| Scorer { inner: Arc::new(c) })
    }

    /// The indicator system this scorer was compiled from.
    pub fn system(&self) -> &IndicatorSystem {
        &self.inner.system
    }

    /// What the system allows but is probably a slip, with where it is (e.g. a step threshold
    /// of `100` on a `%` metric, which means 10000%): shown by `jixiao validate`, never a refusal.
    pub fn warnings(&self) -> &[Issue] {
        &self.inner.warnings
    }
}

fn compile(system: IndicatorSystem) -> Result<Compiled, ValidationErrors> {
    let mut cx = Cx {
        issues: Vec::new(),
        policy: system.rounding,
        warnings: Vec::new(),
        names: HashMap::new(),
        inputs: &system.inputs,
        metrics: &system.metrics,
    };
    if system.format != FORMAT_VERSION {
        cx.issue(
            "format",
            format!(
                "unsupported format version {} (this engine reads {FORMAT_VERSION})",
                system.format
            ),
        );
    }
    if system.id.trim().is_empty() {
        cx.issue("id", "the system needs a non-empty id");
    }
    if system.name.trim().is_empty() {
        cx.issue("name", "the system needs a non-empty name");
    }

    let inputs = compile_inputs(&mut cx, &system.inputs);
    let input_index: HashMap<String, u32> = system
        .inputs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.name.clone(), u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    // Each name put in its place (a binary search): no sort to carry in the browser modules.
    let mut inputs_by_name: Vec<(Arc<str>, u32)> = Vec::with_capacity(input_index.len());
    for (name, &i) in &input_index {
        let at = inputs_by_name.partition_point(|(n, _)| **n < **name);
        inputs_by_name.insert(at, (arc(name), i));
    }
    let metrics = compile_metrics(&mut cx, &system.metrics);

    let mut nodes = Vec::new();
    let mut ids = HashSet::new();
    let mut top = Vec::new();
    if system.indicators.is_empty() {
        cx.issue("indicators", "the system has no indicators");
    }
    for ind in &system.indicators {
        if let Some(i) = compile_node(&mut cx, ind, 0, &mut nodes, &mut ids, "indicators") {
            top.push(i);
        }
    }
    let full_points = system
        .indicators
        .iter()
        .fold(Decimal::ZERO, |acc, i| acc.saturating_add(i.points.value()));
    if let Some(tp) = system.total_points
        && tp.value() != full_points
    {
        cx.issue(
            "total_points",
            format!(
                "the top-level indicators' points sum to {}, not {}",
                full_points.normalize(),
                tp
            ),
        );
    }

    let mut bonus_nodes = Vec::new();
    let (mut max_bonus, mut max_total) = (None, None);
    if let Some(bonus) = &system.bonus {
        for item in &bonus.items {
            if !item.children.is_empty() {
                cx.issue(
                    format!("bonus.items[{}]", item.id),
                    "a bonus item must be a leaf with a rule",
                );
            }
            if let Some(i) = compile_node(&mut cx, item, 0, &mut nodes, &mut ids, "bonus.items") {
                bonus_nodes.push(i);
            }
        }
        max_bonus = bonus.max_bonus.map(Dec::value);
        max_total = bonus.max_total.map(Dec::value);
        if max_bonus.is_some_and(|m| m.is_sign_negative()) {
            cx.issue("bonus.max_bonus", "must not be negative");
        }
        if max_total.is_some_and(|m| m.is_sign_negative()) {
            cx.issue("bonus.max_total", "must not be negative");
        }
    }

    if let Some(review) = &system.review
        && review.inflated_above.value().is_sign_negative()
    {
        cx.issue("review.inflated_above", "must not be negative");
    }
    let grades = compile_grades(&mut cx, &system.grades);
    check_grades_reachable(&mut cx, &system, full_points, &bonus_nodes, &nodes);
    let vetoes = compile_vetoes(&mut cx, &system.vetoes, &system.grades);
    let checks = compile_checks(&mut cx, &system.checks);
    compile_core(&mut cx, &system, &mut nodes);

    for (place, r) in [
        ("indicator", system.rounding.indicator),
        ("subtotal", system.rounding.subtotal),
        ("total", system.rounding.total),
    ] {
        if let Some(r) = r {
            cx.check_scale(&format!("rounding.{place}.scale"), r);
        }
    }

    if !cx.issues.is_empty() {
        return Err(ValidationErrors { issues: cx.issues });
    }
    let warnings = cx.warnings;
    #[cfg_attr(not(feature = "compiled"), allow(unused_mut))]
    let mut compiled = Compiled {
        id: NEXT_SCORER_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        provenance: Arc::new(Provenance::of(&system)),
        rounding: system.rounding,
        excluded: system.excluded_points,
        system,
        inputs,
        input_index,
        inputs_by_name,
        metrics,
        nodes,
        top,
        bonus: bonus_nodes,
        max_bonus,
        max_total,
        vetoes,
        checks,
        grades,
        full_points,
        warnings,
        #[cfg(feature = "compiled")]
        program: crate::eval::program::Program::default(),
    };
    #[cfg(feature = "compiled")]
    {
        compiled.program = crate::eval::program::Program::build(&compiled);
    }
    Ok(compiled)
}

/// Refuses a grade whose lower bound no total can reach: with it, a unit scoring full points
/// would get a lower grade (20/20 graded 差 on a 20-point table whose grades start at 90).
///
/// The highest total is the tree's full points plus what the bonus can add (its items' points,
/// at most `max_bonus`, and nothing beyond `max_total`), or a total a veto sets, if higher.
/// Rescaling for excluded indicators never goes above the full points, and rounding never lifts
/// the total above what the points allow.
fn check_grades_reachable(
    cx: &mut Cx<'_>,
    system: &IndicatorSystem,
    full_points: Decimal,
    bonus_nodes: &[u32],
    nodes: &[CNode],
) {
    let mut bonus = bonus_nodes
        .iter()
        .filter_map(|b| nodes.get(*b as usize))
        .fold(Decimal::ZERO, |acc, n| acc.saturating_add(n.points.max(Decimal::ZERO)));
    let mut how = String::new();
    if let Some(b) = &system.bonus {
        if let Some(m) = b.max_bonus {
            bonus = bonus.min(m.value().max(Decimal::ZERO));
        }
        if let Some(m) = b.max_total {
            bonus = bonus.min(m.value().saturating_sub(full_points).max(Decimal::ZERO));
        }
    }
    let mut reachable = full_points.saturating_add(bonus);
    if !bonus.is_zero() {
        let _ = std::fmt::Write::write_fmt(
            &mut how,
            format_args!(
                " (full points {} + bonus up to {})",
                full_points.normalize(),
                bonus.normalize()
            ),
        );
    }
    if let Some(v) = system
        .vetoes
        .iter()
        .filter_map(|v| v.total.map(Dec::value))
        .max()
        .filter(|v| *v > reachable)
    {
        reachable = v;
        how = " (a veto's total)".to_string();
    }
    for (i, g) in system.grades.iter().enumerate() {
        if let Some(m) = g.min
            && m.value() > reachable
        {
            cx.issue(
                format!("grades[{i}].min"),
                format!(
                    "the grade `{}` starts at {m}, above the highest total this system can reach, {}{how}; no unit could ever get it, and full points would be graded lower",
                    g.label,
                    reachable.normalize()
                ),
            );
        }
    }
}

fn compile_inputs(cx: &mut Cx<'_>, decls: &[InputDecl]) -> Vec<CInput> {
    let mut out = Vec::with_capacity(decls.len());
    for (i, d) in decls.iter().enumerate() {
        let path = format!(
            "inputs[{}]",
            if d.name.is_empty() {
                i.to_string()
            } else {
                d.name.clone()
            }
        );
        if let Err(m) = valid_name(&d.name) {
            cx.issue(&path, m);
        }
        let slot = u32::try_from(i).unwrap_or(u32::MAX);
        let ty = match d.kind {
            InputKind::Boolean => Ty::Bool,
            InputKind::Level => Ty::Level(d.levels.clone()),
            _ => Ty::Num,
        };
        if cx.names.insert(d.name.clone(), (Ref::Input(slot), ty)).is_some() {
            cx.issue(&path, format!("the input `{}` is declared twice", d.name));
        }
        let numeric = matches!(d.kind, InputKind::Number | InputKind::Count | InputKind::Manual);
        if !numeric && (d.min.is_some() || d.max.is_some()) {
            cx.issue(&path, "min/max apply only to number, count and manual inputs");
        }
        if let (Some(lo), Some(hi)) = (d.min, d.max)
            && lo > hi
        {
            cx.issue(&path, format!("min {lo} is above max {hi}"));
        }
        if d.kind == InputKind::Level {
            check_unique_list(cx, &format!("{path}.levels"), &d.levels, "level");
        } else if !d.levels.is_empty() {
            cx.issue(format!("{path}.levels"), "levels apply only to level inputs");
        }
        if d.kind == InputKind::Checklist {
            check_unique_list(cx, &format!("{path}.items"), &d.items, "item");
            if d.items.len() > crate::inputs::MAX_ITEMS {
                cx.issue(
                    format!("{path}.items"),
                    format!(
                        "a checklist holds at most {} items; this one declares {} (split it into several checklist inputs)",
                        crate::inputs::MAX_ITEMS,
                        d.items.len()
                    ),
                );
            }
            for (k, item) in d.items.iter().enumerate() {
                if item.trim() != item && !item.trim().is_empty() {
                    cx.issue(
                        format!("{path}.items[{k}]"),
                        format!(
                            "the item `{}` has leading or trailing spaces, which a table cell's items never keep, so no table could ever tick it",
                            item.escape_debug()
                        ),
                    );
                }
                if let Some(sep) = item.chars().find(|c| crate::inputs::ITEM_SEPARATORS.contains(c)) {
                    cx.issue(
                        format!("{path}.items[{k}]"),
                        format!(
                            "the item `{}` contains `{}`, which separates items in a table cell, so no table could ever tick it",
                            item.escape_debug(),
                            sep.escape_debug()
                        ),
                    );
                }
            }
        } else if !d.items.is_empty() {
            cx.issue(format!("{path}.items"), "items apply only to checklist inputs");
        }
        let mut c = CInput {
            name: arc(&d.name),
            kind: d.kind,
            percent: is_percent(&d.unit),
            required: d.required,
            default: None,
            min: d.min.map(Dec::value),
            max: d.max.map(Dec::value),
            levels: d.levels.iter().map(|s| arc(s)).collect(),
            items: d.items.iter().map(|s| arc(s)).collect(),
        };
        if let Some(def) = &d.default {
            let value = match def {
                InputDefault::Bool(b) => crate::inputs::InputValue::Bool(*b),
                InputDefault::Text(t) => crate::inputs::InputValue::Text(t.clone()),
                InputDefault::Items(items) => crate::inputs::InputValue::Items(items.clone()),
            };
            match crate::inputs::convert_input(&c, &value) {
                Ok(v) => c.default = Some(v),
                Err(m) => cx.issue(format!("{path}.default"), m.to_string()),
            }
        }
        out.push(c);
    }
    out
}

fn check_unique_list(cx: &mut Cx<'_>, path: &str, list: &[String], what: &str) {
    if list.is_empty() {
        cx.issue(path, format!("needs at least one {what}"));
    }
    if list.len() > usize::from(u16::MAX) {
        cx.issue(path, format!("more than {} {what}s", u16::MAX));
    }
    let mut seen = HashSet::new();
    for s in list {
        if s.trim().is_empty() {
            cx.issue(path, format!("an empty {what} name"));
        } else if !seen.insert(s) {
            cx.issue(path, format!("the {what} `{s}` appears twice"));
        }
    }
}

fn compile_metrics(cx: &mut Cx<'_>, decls: &[MetricDecl]) -> Vec<CMetric> {
    // Register metric names first so that metrics may refer to each other in any order.
    let n = decls.len();
    let mut deps: Vec<Vec<(usize, usize)>> = vec![Vec::new(); n];
    let mut parsed_ok = vec![true; n];
    for (i, d) in decls.iter().enumerate() {
        let path = format!("metrics[{}]", d.name);
        if let Err(m) = valid_name(&d.name) {
            cx.issue(&path, m);
        }
        if cx.names.contains_key(&d.name) {
            cx.issue(&path, format!("the name `{}` is already declared", d.name));
            if let Some(p) = parsed_ok.get_mut(i) {
                *p = false;
            }
            continue;
        }
        // Placeholder type; replaced once the metric is compiled in dependency order.
        cx.names.insert(
            d.name.clone(),
            (Ref::Metric(u32::try_from(i).unwrap_or(u32::MAX)), Ty::Num),
        );
        if let (Some(lo), Some(hi)) = (d.min, d.max)
            && lo > hi
        {
            cx.issue(&path, format!("min {lo} is above max {hi}"));
        }
    }
    let index: HashMap<&str, usize> = decls.iter().enumerate().map(|(i, d)| (d.name.as_str(), i)).collect();
    for (i, d) in decls.iter().enumerate() {
        if !parsed_ok.get(i).copied().unwrap_or(false) {
            continue;
        }
        match expr::referenced_names(&d.expr) {
            Ok(names) => {
                for (name, pos) in names {
                    if let Some(&j) = index.get(name.as_str())
                        && matches!(cx.names.get(&name), Some((Ref::Metric(_), _)))
                        && let Some(list) = deps.get_mut(i)
                    {
                        list.push((j, pos));
                    }
                }
            }
            Err(e) => {
                cx.issues.push(Issue {
                    path: format!("metrics[{}].expr", d.name),
                    position: Some(e.position),
                    message: e.message,
                });
                if let Some(p) = parsed_ok.get_mut(i) {
                    *p = false;
                }
            }
        }
    }
    // Kahn's algorithm (iterative: a hostile chain cannot exhaust the stack), with chain length.
    let mut indegree: Vec<usize> = deps.iter().map(Vec::len).collect();
    let mut users: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, list) in deps.iter().enumerate() {
        for (j, _) in list {
            if let Some(u) = users.get_mut(*j) {
                u.push(i);
            }
        }
    }
    let mut order = Vec::with_capacity(n);
    let mut chain = vec![1usize; n];
    let mut ready: Vec<usize> = (0..n).filter(|i| indegree.get(*i) == Some(&0)).collect();
    while let Some(j) = ready.pop() {
        order.push(j);
        let cj = chain.get(j).copied().unwrap_or(1);
        for &u in users.get(j).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(c) = chain.get_mut(u) {
                *c = (*c).max(cj + 1);
            }
            if let Some(d) = indegree.get_mut(u) {
                *d -= 1;
                if *d == 0 {
                    ready.push(u);
                }
            }
        }
    }
    if order.len() < n {
        report_cycle(cx, decls, &deps, &indegree);
    }
    for &i in &order {
        if chain.get(i).is_some_and(|c| *c > MAX_METRIC_CHAIN)
            && let Some(d) = decls.get(i)
        {
            cx.issue(
                format!("metrics[{}].expr", d.name),
                format!("metrics refer to metrics more than {MAX_METRIC_CHAIN} levels deep"),
            );
            return Vec::new();
        }
    }
    let mut compiled: Vec<Option<CMetric>> = (0..n).map(|_| None).collect();
    for &i in &order {
        let Some(d) = decls.get(i) else { continue };
        if !parsed_ok.get(i).copied().unwrap_or(false) {
            continue;
        }
        let path = format!("metrics[{}].expr", d.name);
        let Some(e) = cx.compile_expr(&path, &d.expr, None) else {
            continue;
        };
        if matches!(e.ty(), Ty::Level(_)) {
            cx.issue(&path, "a metric must be a number or a condition");
            continue;
        }
        if matches!(e.ty(), Ty::Bool) && (d.min.is_some() || d.max.is_some()) {
            cx.issue(format!("metrics[{}]", d.name), "min/max apply only to numeric metrics");
        }
        if let Some(entry) = cx.names.get_mut(&d.name) {
            entry.1 = e.ty().clone();
        }
        if let Some(slot) = compiled.get_mut(i) {
            *slot = Some(CMetric {
                name: arc(&d.name),
                text: arc(&d.expr),
                expr: e,
                min: d.min.map(Dec::value),
                max: d.max.map(Dec::value),
            });
        }
    }
    // Metric indices are slots: evaluation only happens when every metric compiled.
    if compiled.iter().any(Option::is_none) {
        return Vec::new();
    }
    compiled.into_iter().flatten().collect()
}

fn report_cycle(cx: &mut Cx<'_>, decls: &[MetricDecl], deps: &[Vec<(usize, usize)>], indegree: &[usize]) {
    // Walk from a metric left in the cycle until a metric repeats.
    let Some(start) = (0..decls.len()).find(|i| indegree.get(*i).is_some_and(|d| *d > 0)) else {
        return;
    };
    let mut path = vec![start];
    let mut seen = HashSet::from([start]);
    let mut cur = start;
    loop {
        let next = deps
            .get(cur)
            .and_then(|l| l.iter().find(|(j, _)| indegree.get(*j).is_some_and(|d| *d > 0)))
            .map(|(j, _)| *j);
        let Some(next) = next else { break };
        if !seen.insert(next) {
            let from = path.iter().position(|p| *p == next).unwrap_or(0);
            let cycle: Vec<&str> = path
                .get(from..)
                .unwrap_or(&[])
                .iter()
                .chain(std::iter::once(&next))
                .filter_map(|i| decls.get(*i).map(|d| d.name.as_str()))
                .collect();
            let first = path.get(from).copied().unwrap_or(next);
            let position = deps
                .get(first)
                .and_then(|l| l.iter().find(|(j, _)| indegree.get(*j).is_some_and(|d| *d > 0)))
                .map(|(_, p)| *p);
            if let Some(d) = decls.get(first) {
                cx.issues.push(Issue {
                    path: format!("metrics[{}].expr", d.name),
                    position,
                    message: format!("metrics refer to each other in a cycle: {}", cycle.join(" → ")),
                });
            }
            return;
        }
        path.push(next);
        cur = next;
    }
}

fn compile_node(
    cx: &mut Cx<'_>,
    ind: &Indicator,
    depth: usize,
    nodes: &mut Vec<CNode>,
    ids: &mut HashSet<String>,
    list: &str,
) -> Option<u32> {
    let path = format!("{list}[{}]", ind.id);
    if depth >= MAX_TREE_DEPTH {
        cx.issue(
            &path,
            format!("the indicator tree is deeper than {MAX_TREE_DEPTH} levels"),
        );
        return None;
    }
    if ind.id.trim().is_empty() {
        cx.issue(&path, "an indicator needs a non-empty id");
    } else if !ids.insert(ind.id.clone()) {
        cx.issue(&path, format!("the id `{}` is used twice", ind.id));
    }
    if ind.name.trim().is_empty() {
        cx.issue(&path, "an indicator needs a non-empty name");
    }
    let points = ind.points.value();
    if points.is_sign_negative() {
        cx.issue(
            format!("{path}.points"),
            format!("points must not be negative, found {}", ind.points),
        );
    }
    let index = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
    nodes.push(CNode {
        id: arc(&ind.id),
        name: arc(&ind.name),
        name_en: opt_arc(&ind.name_en),
        points,
        depth: u16::try_from(depth).unwrap_or(u16::MAX),
        is_bonus: list != "indicators",
        children: Vec::new(),
        rule: None,
        na: None,
        rounding: None,
        core: ind.core,
        core_cap: None,
    });
    if let Some(r) = ind.rounding {
        cx.check_scale(&format!("{path}.rounding.scale"), r);
    }
    // A group is stated at `subtotal`, else at its leaves' precision (a sum of figures stated to
    // 0.01 is one too; stating it so also gives it their scale: 8.00, not 8).
    let level = if ind.children.is_empty() {
        cx.policy.indicator
    } else {
        cx.policy.subtotal.or(cx.policy.indicator)
    };
    let rounding = ind.rounding.or(level);
    let na = ind.not_applicable.as_ref().and_then(|na| {
        let when = cx.compile_expr(&format!("{path}.not_applicable.when"), &na.when, Some(&Ty::Bool))?;
        Some(CNa {
            when,
            text: arc(&na.when),
            outcome: na.outcome,
            reason: opt_arc(&na.reason),
        })
    });
    let mut children = Vec::new();
    let rule = if ind.children.is_empty() {
        match &ind.rule {
            Some(rule) => compile_rule(cx, &format!("{path}.rule"), rule, points, 0),
            None => {
                cx.issue(&path, "a leaf indicator needs a rule");
                None
            }
        }
    } else {
        if ind.rule.is_some() {
            cx.issue(
                format!("{path}.rule"),
                "an indicator with children is scored by its children; remove the rule",
            );
        }
        let mut sum = Decimal::ZERO;
        for child in &ind.children {
            sum = sum.saturating_add(child.points.value());
            if let Some(c) = compile_node(cx, child, depth + 1, nodes, ids, list) {
                children.push(c);
            }
        }
        if sum != points {
            cx.issue(
                format!("{path}.points"),
                format!(
                    "children's points sum to {}, but the indicator has {}",
                    sum.normalize(),
                    ind.points
                ),
            );
        }
        None
    };
    if let Some(node) = nodes.get_mut(index as usize) {
        node.children = children;
        node.rule = rule;
        node.na = na;
        node.rounding = rounding;
    }
    Some(index)
}

/// A largest deduction above the points: the rule can never deduct it (the score stops at zero),
/// so the figure is a slip (the points of another row, a percentage for a point count).
fn check_max_deduction(cx: &mut Cx<'_>, path: &str, max_deduction: Option<Dec>, points: Decimal) {
    if let Some(m) = max_deduction
        && m.value() > points
    {
        cx.issue(
            format!("{path}.max_deduction"),
            format!(
                "the largest deduction {m} is above the indicator's points {}; the score stops at zero, so it can never be deducted",
                points.normalize()
            ),
        );
    }
}

fn check_score(cx: &mut Cx<'_>, path: &str, score: Decimal, points: Decimal) {
    if score.is_sign_negative() || score > points {
        cx.issue(
            path,
            format!("score {} is outside [0, {}]", score.normalize(), points.normalize()),
        );
    }
}

fn compile_rule(cx: &mut Cx<'_>, path: &str, rule: &Rule, points: Decimal, nesting: usize) -> Option<CRule> {
    Some(match rule {
        Rule::Step(r) => {
            let value = cx.measure(&format!("{path}.value"), &r.value);
            if r.step.value() <= Decimal::ZERO {
                cx.issue(
                    format!("{path}.step"),
                    format!("the step must be positive, found {}", r.step),
                );
            }
            if r.deduct.value() <= Decimal::ZERO {
                cx.issue(
                    format!("{path}.deduct"),
                    format!("the deduction per step must be positive, found {}", r.deduct),
                );
            }
            if r.max_deduction.is_some_and(|m| m.value().is_sign_negative()) {
                cx.issue(format!("{path}.max_deduction"), "must not be negative");
            }
            check_max_deduction(cx, path, r.max_deduction, points);
            if let Some(m) = &value {
                cx.check_threshold(&format!("{path}.threshold"), m, r.threshold.value());
            }
            CRule::Step {
                value: value?,
                direction: r.direction,
                threshold: r.threshold.value(),
                step: r.step.value(),
                deduct: r.deduct.value(),
                counting: r.counting,
                max_deduction: r.max_deduction.map(Dec::value),
            }
        }
        Rule::Tiers(r) => {
            let value = cx.measure(&format!("{path}.value"), &r.value)?;
            let tiers = compile_tiers(cx, path, &r.tiers, points)?;
            for (i, t) in tiers.iter().enumerate() {
                let tpath = format!("{path}.tiers[{i}]");
                if let (Some((lo, _)), Some((hi, _))) = (t.lower, t.upper)
                    && lo == hi
                {
                    cx.check_threshold(&tpath, &value, lo);
                    continue;
                }
                for (bound, _) in t.lower.into_iter().chain(t.upper) {
                    cx.check_threshold(&tpath, &value, bound);
                }
            }
            if let Some(o) = r.otherwise {
                check_score(cx, &format!("{path}.otherwise"), o.value(), points);
            } else {
                let (lo, hi) = cx.declared_range(&value);
                check_coverage(cx, path, &tiers, lo, hi);
            }
            CRule::Tiers {
                value,
                tiers,
                otherwise: r.otherwise.map(Dec::value),
            }
        }
        Rule::Ratio(r) => {
            let actual = cx.measure(&format!("{path}.actual"), &r.actual);
            let mut target = cx.measure(&format!("{path}.target"), &r.target);
            // A constant target (`"95%"`, `"2200"`) is shown in the actual value's unit.
            if let (Some(a), Some(t)) = (&actual, &mut target)
                && t.expr.as_const().is_some()
            {
                t.percent = a.percent;
                t.unit = a.unit.clone();
            }
            if let Some(round) = r.round_rate {
                cx.check_scale(&format!("{path}.round_rate.scale"), round);
            }
            CRule::Ratio {
                actual: actual?,
                target: target?,
                better: r.direction,
                round_rate: r.round_rate,
            }
        }
        Rule::Rate(r) => {
            if let Some(round) = r.round_rate {
                cx.check_scale(&format!("{path}.round_rate.scale"), round);
            }
            CRule::Rate {
                value: cx.measure(&format!("{path}.value"), &r.value)?,
                round_rate: r.round_rate,
            }
        }
        Rule::Level(r) => {
            let input = cx.input_of_kind(&format!("{path}.input"), &r.input, &[InputKind::Level])?;
            let levels: Vec<String> = cx
                .inputs
                .get(input as usize)
                .map(|d| d.levels.clone())
                .unwrap_or_default();
            let mut bands: Vec<Option<CBand>> = levels.iter().map(|_| None).collect();
            for (bi, b) in r.bands.iter().enumerate() {
                let bpath = format!("{path}.bands[{bi}]");
                let Some(li) = levels.iter().position(|l| *l == b.level) else {
                    cx.issue(
                        &bpath,
                        format!(
                            "`{}` is not a level of input `{}` (levels: {})",
                            b.level,
                            r.input,
                            levels.join(", ")
                        ),
                    );
                    continue;
                };
                let (lo, hi) = (b.min.value(), b.max.value());
                if lo.is_sign_negative() || hi > Decimal::ONE || lo > hi {
                    cx.issue(
                        &bpath,
                        format!("the band [{lo}, {hi}] must lie within [0, 100%] with min ≤ max"),
                    );
                }
                let band = CBand {
                    min: lo,
                    max: hi,
                    min_inclusive: b.min_inclusive,
                    max_inclusive: b.max_inclusive,
                    default: b.default.map(Dec::value),
                };
                if lo == hi && !(b.min_inclusive && b.max_inclusive) {
                    cx.issue(&bpath, "the band is empty");
                }
                if let Some(d) = band.default
                    && !band.contains(d)
                {
                    cx.issue(
                        format!("{bpath}.default"),
                        format!("the default share {} lies outside the band", d.normalize()),
                    );
                }
                match bands.get_mut(li) {
                    Some(slot @ None) => *slot = Some(band),
                    _ => cx.issue(&bpath, format!("the level `{}` has two bands", b.level)),
                }
            }
            let mut out = Vec::with_capacity(bands.len());
            for (li, b) in bands.into_iter().enumerate() {
                match b {
                    Some(b) => out.push(b),
                    None => cx.issue(
                        format!("{path}.bands"),
                        format!("the level `{}` has no band", levels.get(li).map_or("", String::as_str)),
                    ),
                }
            }
            CRule::Level { input, bands: out }
        }
        Rule::Checklist(r) => {
            let input = cx.input_of_kind(&format!("{path}.input"), &r.input, &[InputKind::Checklist])?;
            let items: Vec<String> = cx
                .inputs
                .get(input as usize)
                .map(|d| d.items.clone())
                .unwrap_or_default();
            let mut item_points: Vec<Option<Decimal>> = vec![r.points_per_item.map(Dec::value); items.len()];
            for ip in &r.item_points {
                match items.iter().position(|i| *i == ip.item) {
                    Some(k) => {
                        if let Some(slot) = item_points.get_mut(k) {
                            *slot = Some(ip.points.value());
                        }
                    }
                    None => cx.issue(
                        format!("{path}.item_points"),
                        format!("`{}` is not an item of input `{}`", ip.item, r.input),
                    ),
                }
            }
            let mut out = Vec::with_capacity(items.len());
            for (k, p) in item_points.into_iter().enumerate() {
                match p {
                    Some(p) if !p.is_sign_negative() => out.push(p),
                    Some(p) => cx.issue(
                        format!("{path}.item_points"),
                        format!("item points must not be negative, found {p}"),
                    ),
                    None => cx.issue(
                        path,
                        format!(
                            "the item `{}` has no points (give points_per_item or item_points)",
                            items.get(k).map_or("", String::as_str)
                        ),
                    ),
                }
            }
            let sum = out.iter().fold(Decimal::ZERO, |a, p| a.saturating_add(*p));
            if r.mode == ChecklistMode::Award && sum < points {
                cx.issue(
                    path,
                    format!(
                        "the items award at most {}, so full points {} cannot be reached",
                        sum.normalize(),
                        points.normalize()
                    ),
                );
            }
            CRule::Checklist {
                input,
                mode: r.mode,
                item_points: out,
            }
        }
        Rule::PerOccurrence(r) => {
            let value = cx.measure(&format!("{path}.value"), &r.value);
            if r.deduct.value() <= Decimal::ZERO {
                cx.issue(
                    format!("{path}.deduct"),
                    format!("the deduction per occurrence must be positive, found {}", r.deduct),
                );
            }
            if r.max_deduction.is_some_and(|m| m.value().is_sign_negative()) {
                cx.issue(format!("{path}.max_deduction"), "must not be negative");
            }
            check_max_deduction(cx, path, r.max_deduction, points);
            CRule::PerOccurrence {
                value: value?,
                deduct: r.deduct.value(),
                max_deduction: r.max_deduction.map(Dec::value),
            }
        }
        Rule::Manual(r) => {
            let input = cx.input_of_kind(
                &format!("{path}.input"),
                &r.input,
                &[InputKind::Manual, InputKind::Number],
            )?;
            CRule::Manual { input }
        }
        Rule::Cases(r) => {
            if r.cases.is_empty() {
                cx.issue(format!("{path}.cases"), "needs at least one case");
            }
            let mut cases = Vec::with_capacity(r.cases.len());
            for (i, c) in r.cases.iter().enumerate() {
                check_score(cx, &format!("{path}.cases[{i}].score"), c.score.value(), points);
                if let Some(when) = cx.compile_expr(&format!("{path}.cases[{i}].when"), &c.when, Some(&Ty::Bool)) {
                    cases.push(CCase {
                        when,
                        text: arc(&c.when),
                        score: c.score.value(),
                        label: opt_arc(&c.label),
                    });
                }
            }
            if let Some(o) = r.otherwise {
                check_score(cx, &format!("{path}.otherwise"), o.value(), points);
            }
            CRule::Cases {
                cases,
                otherwise: r.otherwise.map(Dec::value),
            }
        }
        Rule::Formula(r) => {
            let expr = cx.compile_expr(&format!("{path}.expr"), &r.expr, Some(&Ty::Num))?;
            CRule::Formula {
                expr,
                text: arc(&r.expr),
                clamp: r.clamp,
            }
        }
        Rule::ChooseOne(r) => {
            if nesting >= MAX_RULE_NESTING {
                cx.issue(
                    path,
                    format!("choose_one rules nested deeper than {MAX_RULE_NESTING} levels"),
                );
                return None;
            }
            if r.options.is_empty() {
                cx.issue(format!("{path}.options"), "needs at least one option");
            }
            let mut options = Vec::with_capacity(r.options.len());
            for (i, o) in r.options.iter().enumerate() {
                let opath = format!("{path}.options[{i}]");
                let when = match &o.when {
                    Some(w) => cx
                        .compile_expr(&format!("{opath}.when"), w, Some(&Ty::Bool))
                        .map(|e| Some((e, arc(w)))),
                    None => {
                        if i + 1 < r.options.len() {
                            cx.issue(
                                &opath,
                                "only the last option may omit `when` (later options could never apply)",
                            );
                        }
                        Some(None)
                    }
                };
                let rule = compile_rule(cx, &format!("{opath}.rule"), &o.rule, points, nesting + 1);
                if let (Some(when), Some(rule)) = (when, rule) {
                    options.push(COption {
                        name: arc(&o.name),
                        when,
                        rule,
                    });
                }
            }
            CRule::ChooseOne { options }
        }
    })
}

fn compile_tiers(cx: &mut Cx<'_>, path: &str, tiers: &[Tier], points: Decimal) -> Option<Vec<CTier>> {
    if tiers.is_empty() {
        cx.issue(format!("{path}.tiers"), "needs at least one tier");
        return None;
    }
    let before = cx.issues.len();
    let mut out = Vec::with_capacity(tiers.len());
    for (i, t) in tiers.iter().enumerate() {
        let tpath = format!("{path}.tiers[{i}]");
        check_score(cx, &format!("{tpath}.score"), t.score.value(), points);
        let v = |d: Option<Dec>| d.map(Dec::value);
        if let Some(eq) = t.eq {
            if t.gt.is_some() || t.ge.is_some() || t.lt.is_some() || t.le.is_some() {
                cx.issue(&tpath, "a tier with `eq` takes no other bound");
            }
            out.push(CTier {
                lower: Some((eq.value(), true)),
                upper: Some((eq.value(), true)),
                score: t.score.value(),
            });
            continue;
        }
        if t.gt.is_some() && t.ge.is_some() {
            cx.issue(&tpath, "give either `gt` or `ge`, not both");
        }
        if t.lt.is_some() && t.le.is_some() {
            cx.issue(&tpath, "give either `lt` or `le`, not both");
        }
        let lower = v(t.ge).map(|d| (d, true)).or(v(t.gt).map(|d| (d, false)));
        let upper = v(t.le).map(|d| (d, true)).or(v(t.lt).map(|d| (d, false)));
        if lower.is_none() && upper.is_none() {
            cx.issue(&tpath, "a tier needs `eq` or at least one of `gt`, `ge`, `lt`, `le`");
        }
        if let (Some((lo, li)), Some((hi, hi_incl))) = (lower, upper)
            && (lo > hi || lo == hi && !(li && hi_incl))
        {
            cx.issue(
                &tpath,
                format!(
                    "the tier is empty: its lower bound {} is not below its upper bound {}",
                    lo.normalize(),
                    hi.normalize()
                ),
            );
        }
        out.push(CTier {
            lower,
            upper,
            score: t.score.value(),
        });
    }
    // Overlaps are never allowed: the table would be ambiguous.
    let mut order: Vec<usize> = (0..out.len()).collect();
    order.sort_by(|a, b| cmp_lower(out.get(*a).and_then(|t| t.lower), out.get(*b).and_then(|t| t.lower)));
    for w in order.windows(2) {
        let (Some(&a), Some(&b)) = (w.first(), w.get(1)) else {
            continue;
        };
        let (Some(ta), Some(tb)) = (out.get(a), out.get(b)) else {
            continue;
        };
        if intersects(tb.lower, ta.upper) {
            cx.issue(format!("{path}.tiers[{b}]"), format!("the tier overlaps tier {a}"));
        }
    }
    if cx.issues.len() > before { None } else { Some(out) }
}

/// One end of an interval: value and whether it is inclusive; `None` is unbounded.
type Bound = Option<(Decimal, bool)>;

/// Orders lower bounds: unbounded first, then by value, inclusive before exclusive.
fn cmp_lower(a: Option<(Decimal, bool)>, b: Option<(Decimal, bool)>) -> std::cmp::Ordering {
    match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Less,
        (_, None) => std::cmp::Ordering::Greater,
        (Some((x, xi)), Some((y, yi))) => x.cmp(&y).then(yi.cmp(&xi)),
    }
}

/// Whether an interval starting at `lower` begins before an interval ending at `upper` ends.
fn intersects(lower: Option<(Decimal, bool)>, upper: Option<(Decimal, bool)>) -> bool {
    match (lower, upper) {
        (None, _) | (_, None) => true,
        (Some((l, li)), Some((u, ui))) => l < u || l == u && li && ui,
    }
}

/// Reports values of the declared domain that no tier covers.
fn check_coverage(cx: &mut Cx<'_>, path: &str, tiers: &[CTier], dmin: Option<Decimal>, dmax: Option<Decimal>) {
    let mut sorted: Vec<&CTier> = tiers.iter().collect();
    sorted.sort_by(|a, b| cmp_lower(a.lower, b.lower));
    // `covered` is the upper end of what is covered so far: None = nothing yet (start at -∞).
    let mut covered: Option<Option<(Decimal, bool)>> = None;
    let mut gaps: Vec<(Bound, Bound)> = Vec::new();
    for t in &sorted {
        match covered {
            None => {
                if t.lower.is_some() {
                    gaps.push((None, t.lower.map(|(v, i)| (v, !i))));
                }
            }
            Some(None) => {}
            Some(Some((cv, ci))) => {
                if let Some((lv, li)) = t.lower
                    && (lv > cv || lv == cv && !ci && !li)
                {
                    gaps.push((Some((cv, !ci)), Some((lv, !li))));
                }
            }
        }
        covered = Some(match (covered, t.upper) {
            (Some(None), _) | (_, None) => None,
            (None, up) => up,
            (Some(Some(c)), Some(u)) => Some(if u.0 > c.0 || u.0 == c.0 && u.1 { u } else { c }),
        });
    }
    if let Some(Some((cv, ci))) = covered {
        gaps.push((Some((cv, !ci)), None));
    }
    let domain_lo = dmin.map(|d| (d, true));
    let domain_hi = dmax.map(|d| (d, true));
    for (glo, ghi) in gaps {
        let lo = max_lower(glo, domain_lo);
        let hi = min_upper(ghi, domain_hi);
        if intersects(lo, hi) {
            cx.issue(
                format!("{path}.tiers"),
                format!(
                    "no tier covers the values {}; add a tier, declare the metric's range, or give `otherwise`",
                    interval_text(lo, hi)
                ),
            );
        }
    }
}

fn max_lower(a: Option<(Decimal, bool)>, b: Option<(Decimal, bool)>) -> Option<(Decimal, bool)> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(if x.0 > y.0 || x.0 == y.0 && !x.1 { x } else { y }),
    }
}

fn min_upper(a: Option<(Decimal, bool)>, b: Option<(Decimal, bool)>) -> Option<(Decimal, bool)> {
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) => Some(if x.0 < y.0 || x.0 == y.0 && !x.1 { x } else { y }),
    }
}

fn interval_text(lo: Option<(Decimal, bool)>, hi: Option<(Decimal, bool)>) -> String {
    if let (Some((l, true)), Some((h, true))) = (lo, hi)
        && l == h
    {
        return format!("= {}", l.normalize());
    }
    let left = match lo {
        None => "(-∞".to_string(),
        Some((v, true)) => format!("[{}", v.normalize()),
        Some((v, false)) => format!("({}", v.normalize()),
    };
    let right = match hi {
        None => "+∞)".to_string(),
        Some((v, true)) => format!("{}]", v.normalize()),
        Some((v, false)) => format!("{})", v.normalize()),
    };
    format!("{left}, {right}")
}

fn compile_grades(cx: &mut Cx<'_>, grades: &[Grade]) -> Vec<CGrade> {
    if grades.is_empty() {
        cx.issue("grades", "the grade table is empty");
    }
    let mut labels = HashSet::new();
    let mut prev: Option<Decimal> = None;
    let n = grades.len();
    for (i, g) in grades.iter().enumerate() {
        let path = format!("grades[{i}]");
        if g.label.trim().is_empty() {
            cx.issue(&path, "a grade needs a label");
        } else if !labels.insert(g.label.clone()) {
            cx.issue(&path, format!("the label `{}` appears twice", g.label));
        }
        match g.min {
            None if i + 1 < n => cx.issue(format!("{path}.min"), "only the last grade may omit `min`"),
            None => {}
            Some(m) => {
                if i + 1 == n && m.value() > Decimal::ZERO {
                    cx.issue(
                        format!("{path}.min"),
                        format!("the last grade must catch every total (omit `min` or use 0), found {m}"),
                    );
                }
                if let Some(p) = prev
                    && m.value() >= p
                {
                    cx.issue(
                        format!("{path}.min"),
                        format!("grades go from highest to lowest: {m} is not below {}", p.normalize()),
                    );
                }
                prev = Some(m.value());
            }
        }
    }
    grades
        .iter()
        .map(|g| CGrade {
            label: arc(&g.label),
            label_en: opt_arc(&g.label_en),
            min: g.min.map(Dec::value),
        })
        .collect()
}

fn compile_checks(cx: &mut Cx<'_>, checks: &[crate::format::Check]) -> Vec<CCheck> {
    let mut out = Vec::with_capacity(checks.len());
    let mut ids = HashSet::new();
    for k in checks {
        let path = format!("checks[{}]", k.id);
        if k.id.trim().is_empty() || !ids.insert(k.id.clone()) {
            cx.issue(&path, "a check needs a unique, non-empty id");
        }
        if k.name.trim().is_empty() {
            cx.issue(format!("{path}.name"), "a check needs a non-empty name");
        }
        if let Some(expr) = cx.compile_expr(&format!("{path}.expr"), &k.expr, Some(&Ty::Bool)) {
            out.push(CCheck {
                id: arc(&k.id),
                name: arc(&k.name),
                name_en: opt_arc(&k.name_en),
                expr,
                text: arc(&k.expr),
                severity: k.severity,
            });
        }
    }
    out
}

/// Sets the grade cap of every core indicator (`core`, `core_cap`, `core_min_share`).
fn compile_core(cx: &mut Cx<'_>, system: &IndicatorSystem, nodes: &mut [CNode]) {
    fn walk<'i>(list: &'i [Indicator], prefix: &'static str, out: &mut Vec<(&'static str, &'i Indicator)>) {
        for ind in list {
            out.push((prefix, ind));
            walk(&ind.children, prefix, out);
        }
    }
    let mut all = Vec::new();
    walk(&system.indicators, "indicators", &mut all);
    if let Some(b) = &system.bonus {
        walk(&b.items, "bonus.items", &mut all);
    }
    for (list, ind) in all {
        if ind.core_cap.is_none() && ind.core_min_share.is_none() {
            continue;
        }
        let path = format!("{list}[{}]", ind.id);
        if !ind.core {
            cx.issue(
                format!("{path}.core"),
                "`core_cap` and `core_min_share` belong to a core indicator: set `core: true`",
            );
            continue;
        }
        if list != "indicators" {
            cx.issue(format!("{path}.core_cap"), "a bonus item cannot cap the grade");
            continue;
        }
        let share = ind.core_min_share.map_or(DEFAULT_CORE_MIN_SHARE, Dec::value);
        if share.is_sign_negative() || share > Decimal::ONE {
            cx.issue(
                format!("{path}.core_min_share"),
                format!(
                    "a share of the points lies in [0, 1] (0% to 100%), found {}",
                    share.normalize()
                ),
            );
        }
        let Some(label) = &ind.core_cap else {
            cx.issue(
                format!("{path}.core_min_share"),
                "`core_min_share` needs `core_cap`, the grade a miss allows at best",
            );
            continue;
        };
        let Some(g) = system.grades.iter().position(|x| x.label == *label) else {
            cx.issue(
                format!("{path}.core_cap"),
                format!("`{label}` is not a label of the grade table"),
            );
            continue;
        };
        if let Some(n) = nodes.iter_mut().find(|n| !n.is_bonus && *n.id == *ind.id) {
            n.core_cap = Some((u32::try_from(g).unwrap_or(u32::MAX), share));
        }
    }
}

/// The share of its points a core indicator must score to be met, unless it says otherwise.
pub(crate) const DEFAULT_CORE_MIN_SHARE: Decimal = Decimal::from_parts(6, 0, 0, false, 1);

fn compile_vetoes(cx: &mut Cx<'_>, vetoes: &[Veto], grades: &[Grade]) -> Vec<CVeto> {
    let mut out = Vec::with_capacity(vetoes.len());
    let mut ids = HashSet::new();
    for v in vetoes {
        let path = format!("vetoes[{}]", v.id);
        if v.id.trim().is_empty() || !ids.insert(v.id.clone()) {
            cx.issue(&path, "a veto needs a unique, non-empty id");
        }
        if v.grade.is_none() && v.total.is_none() && v.max_total.is_none() {
            cx.issue(&path, "a veto must force a grade, set the total or cap the total");
        }
        let grade = match &v.grade {
            Some(g) => match grades.iter().position(|x| x.label == *g) {
                Some(i) => Some(u32::try_from(i).unwrap_or(u32::MAX)),
                None => {
                    cx.issue(
                        format!("{path}.grade"),
                        format!("`{g}` is not a label of the grade table"),
                    );
                    None
                }
            },
            None => None,
        };
        for (field, val) in [("total", v.total), ("max_total", v.max_total)] {
            if val.is_some_and(|d| d.value().is_sign_negative()) {
                cx.issue(format!("{path}.{field}"), "must not be negative");
            }
        }
        if let Some(when) = cx.compile_expr(&format!("{path}.when"), &v.when, Some(&Ty::Bool)) {
            out.push(CVeto {
                id: arc(&v.id),
                name: arc(&v.name),
                name_en: opt_arc(&v.name_en),
                when,
                text: arc(&v.when),
                grade,
                total: v.total.map(Dec::value),
                max_total: v.max_total.map(Dec::value),
            });
        }
    }
    out
}
