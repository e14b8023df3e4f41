//! A unit's inputs partly given (a form being filled in): which leaves are already scored, and
//! which still wait for an input and for which ones. The leaves are scored by the same code as a
//! full evaluation ([`Run::node`]); nothing here scores anything itself.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::{IndicatorResult, Run, Status};
use crate::compile::{CBand, CNode, CRule, Compiled, InVal, Scorer};
use crate::dec::Arith as _;
use crate::error::EvalError;
use crate::expr::{Expr, Ref};
use crate::inputs::Inputs;

/// What can be scored of a unit whose inputs are partly given ([`Scorer::progress`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Progress {
    /// Every leaf of the tree, then the bonus items, in the order of the table.
    pub leaves: Vec<LeafProgress>,
    /// The sum of the stated scores of the scored leaves (bonus items not counted).
    pub determined: Decimal,
    /// The points of those leaves.
    pub determined_points: Decimal,
    /// The points of the leaves still open or failing (bonus items not counted).
    pub open_points: Decimal,
}

/// One leaf of a [`Progress`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LeafProgress {
    /// The indicator's id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its points.
    pub points: Decimal,
    /// Whether it is a bonus item.
    pub bonus: bool,
    /// Every input the leaf (its rule, the metrics it reads, its and its groups' applicability)
    /// reads, in declaration order.
    pub inputs: Vec<String>,
    /// Scored, open or failing.
    pub state: LeafState,
}

/// Where a leaf of a [`Progress`] stands.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LeafState {
    /// Scored as a full evaluation scores it: the stated and the exact score, and whether it is
    /// not applicable.
    Scored {
        /// At the stated precision.
        score: Decimal,
        /// Before stating.
        exact: Decimal,
        /// Not applicable (its own condition or a group's).
        not_applicable: bool,
    },
    /// Waits for these inputs (not given, or given a value that cannot be read).
    Open {
        /// The inputs it reads that have no value yet.
        needs: Vec<String>,
    },
    /// Every input it reads is given, yet it cannot be scored (a level's score outside its band,
    /// a division by zero, ...): the evaluation's error.
    Failed(Box<EvalError>),
}

/// A level indicator's bands ([`Scorer::level_bands`]), in points.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LevelBands {
    /// The indicator's id.
    pub indicator: String,
    /// The level input it reads.
    pub input: String,
    /// Its points.
    pub points: Decimal,
    /// One band per level, in the input's order of levels.
    pub bands: Vec<BandPoints>,
}

/// One level's band of a [`LevelBands`], in points.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BandPoints {
    /// The level.
    pub level: String,
    /// The lowest score of the band.
    pub min: Decimal,
    /// The highest.
    pub max: Decimal,
    /// Whether `min` itself is in the band.
    pub min_inclusive: bool,
    /// Whether `max` itself is in the band.
    pub max_inclusive: bool,
    /// The score the level gets when no score is given; none when a score must be given.
    pub default: Option<Decimal>,
}

impl Scorer {
    /// Scores what can be scored of partly given inputs: each leaf whose inputs are all given
    /// (or have defaults) is scored as [`evaluate`](Self::evaluate) scores it; the others are
    /// open, with the inputs they wait for. Inputs that cannot be read or are unknown count as
    /// not given (a full evaluation reports them). Groups, totals, vetoes and checks are not
    /// computed: they need every leaf.
    pub fn progress(&self, inputs: &Inputs) -> Progress {
        let c = &*self.inner;
        let slots = self.lenient_slots(inputs);
        let mut walk = Walk {
            run: Run::new(c, &slots),
            slots: &slots,
            leaves: Vec::new(),
        };
        for &i in &c.top {
            walk.node(i, false, &BTreeSet::new());
        }
        for &i in &c.bonus {
            walk.node(i, true, &BTreeSet::new());
        }
        let mut p = Progress {
            leaves: Vec::new(),
            determined: Decimal::ZERO,
            determined_points: Decimal::ZERO,
            open_points: Decimal::ZERO,
        };
        for leaf in walk.leaves {
            if !leaf.bonus {
                // Sums of points and stated scores of one system: they fit (the system's total does).
                match leaf.state {
                    LeafState::Scored { score, .. } => {
                        p.determined = p.determined.add_checked(score).unwrap_or(p.determined);
                        p.determined_points = p
                            .determined_points
                            .add_checked(leaf.points)
                            .unwrap_or(p.determined_points);
                    }
                    _ => p.open_points = p.open_points.add_checked(leaf.points).unwrap_or(p.open_points),
                }
            }
            p.leaves.push(leaf);
        }
        p
    }

    /// The bands of every indicator scored by a level rule, in points (what a form shows by its
    /// level field: the range of each level and the score it gets when none is given).
    pub fn level_bands(&self) -> Vec<LevelBands> {
        let c = &*self.inner;
        c.nodes
            .iter()
            .filter_map(|node| match &node.rule {
                Some(CRule::Level { input, bands }) => {
                    let decl = c.inputs.get(*input as usize)?;
                    Some(LevelBands {
                        indicator: node.id.to_string(),
                        input: decl.name.to_string(),
                        points: node.points,
                        bands: decl
                            .levels
                            .iter()
                            .zip(bands)
                            .map(|(level, b)| band_points(level, b, node.points))
                            .collect(),
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// The inputs in their slots as far as they can be read; defaults for the ones not given.
    fn lenient_slots(&self, inputs: &Inputs) -> Vec<InVal> {
        let mut builder = self.inputs_builder();
        for (name, value) in &inputs.values {
            if let Some(&i) = self.inner.input_index.get(name.as_str()) {
                builder.set(i as usize, value);
            }
        }
        let _ = builder.complete(); // what is missing or wrong stays absent
        std::mem::take(&mut builder.values)
    }
}

fn band_points(level: &str, b: &CBand, points: Decimal) -> BandPoints {
    let at = |share: Decimal| points.mul_checked(share).unwrap_or_default().normalize();
    let default = match b.default {
        Some(d) => Some(at(d)),
        None if b.min == b.max => Some(at(b.min)),
        None => None,
    };
    BandPoints {
        level: level.to_string(),
        min: at(b.min),
        max: at(b.max),
        min_inclusive: b.min_inclusive,
        max_inclusive: b.max_inclusive,
        default,
    }
}

struct Walk<'a> {
    run: Run<'a>,
    slots: &'a [InVal],
    leaves: Vec<LeafProgress>,
}

impl Walk<'_> {
    /// A node whose groups' applicability reads `outer` (input slots).
    fn node(&mut self, i: u32, bonus: bool, outer: &BTreeSet<u32>) {
        let c = self.run.c;
        let Some(node) = c.nodes.get(i as usize) else {
            return;
        };
        let mut reads = outer.clone();
        if let Some(na) = &node.na {
            expr_inputs(c, &na.when, &mut reads);
        }
        if node.children.is_empty() {
            if let Some(rule) = &node.rule {
                rule_inputs(c, rule, &mut reads);
            }
            let mut out = Vec::new();
            let mut excluded = Decimal::ZERO;
            let result = self.run.node(i, None, &mut out, &mut excluded);
            let state = match result {
                Ok(_) => scored(out.first()),
                Err(e) => self.unscored(e, &reads),
            };
            self.leaves.push(leaf(c, node, bonus, &reads, state));
            return;
        }
        if let Some(na) = &node.na {
            match self.run.cond(&na.when, &na.text, &String::new) {
                Ok(false) => {}
                Ok(true) => {
                    // Not applicable: the whole group as a full evaluation states it.
                    let status = Status::NotApplicable {
                        outcome: na.outcome,
                        reason: na.reason.clone(),
                        inherited: false,
                    };
                    let mut out = Vec::new();
                    self.run.not_applicable(i, None, &mut out, status);
                    for r in out.iter().filter(|r| r.is_leaf) {
                        if let Some(n) = c.nodes.iter().find(|n| n.id == r.id) {
                            let mut leaf_reads = reads.clone();
                            leaf_inputs(c, n, &mut leaf_reads);
                            self.leaves.push(leaf(c, n, bonus, &leaf_reads, scored(Some(r))));
                        }
                    }
                    return;
                }
                Err(e) => {
                    // The group's applicability waits for an input: so does every leaf under it.
                    self.open_subtree(node, bonus, &reads, &e);
                    return;
                }
            }
        }
        for &child in &node.children {
            self.node(child, bonus, &reads);
        }
    }

    fn open_subtree(&mut self, node: &CNode, bonus: bool, outer: &BTreeSet<u32>, e: &EvalError) {
        let c = self.run.c;
        let mut reads = outer.clone();
        leaf_inputs(c, node, &mut reads);
        if node.children.is_empty() {
            let state = self.unscored(e.clone(), &reads);
            self.leaves.push(leaf(c, node, bonus, &reads, state));
            return;
        }
        for &child in &node.children {
            if let Some(n) = c.nodes.get(child as usize) {
                self.open_subtree(n, bonus, &reads, e);
            }
        }
    }

    /// A leaf that could not be scored: open when an input it reads has no value, else failing.
    fn unscored(&self, e: EvalError, reads: &BTreeSet<u32>) -> LeafState {
        let c = self.run.c;
        let mut needs: Vec<String> = reads
            .iter()
            .filter(|&&s| matches!(self.slots.get(s as usize), Some(InVal::Absent) | None))
            .filter_map(|&s| c.inputs.get(s as usize).map(|d| d.name.to_string()))
            .collect();
        match e {
            EvalError::MissingInput { input, .. } => {
                if !needs.contains(&input) {
                    needs.push(input);
                }
                LeafState::Open { needs }
            }
            _ if !needs.is_empty() => LeafState::Open { needs },
            other => LeafState::Failed(Box::new(other)),
        }
    }
}

fn scored(r: Option<&IndicatorResult>) -> LeafState {
    match r {
        Some(r) => LeafState::Scored {
            score: r.score,
            exact: r.exact_score,
            not_applicable: matches!(r.status, Status::NotApplicable { .. }),
        },
        None => LeafState::Open { needs: Vec::new() },
    }
}

fn leaf(c: &Compiled, node: &CNode, bonus: bool, reads: &BTreeSet<u32>, state: LeafState) -> LeafProgress {
    LeafProgress {
        id: node.id.to_string(),
        name: node.name.to_string(),
        points: node.points,
        bonus,
        inputs: reads
            .iter()
            .filter_map(|&s| c.inputs.get(s as usize).map(|d| d.name.to_string()))
            .collect(),
        state,
    }
}

/// The input slots a node reads by itself: its applicability and its rule.
fn leaf_inputs(c: &Compiled, node: &CNode, out: &mut BTreeSet<u32>) {
    if let Some(na) = &node.na {
        expr_inputs(c, &na.when, out);
    }
    if let Some(rule) = &node.rule {
        rule_inputs(c, rule, out);
    }
}

fn rule_inputs(c: &Compiled, rule: &CRule, out: &mut BTreeSet<u32>) {
    match rule {
        CRule::Step { value, .. }
        | CRule::Tiers { value, .. }
        | CRule::Rate { value, .. }
        | CRule::PerOccurrence { value, .. } => expr_inputs(c, &value.expr, out),
        CRule::Ratio { actual, target, .. } => {
            expr_inputs(c, &actual.expr, out);
            expr_inputs(c, &target.expr, out);
        }
        CRule::Level { input, .. } | CRule::Checklist { input, .. } | CRule::Manual { input } => {
            out.insert(*input);
        }
        CRule::Cases { cases, .. } => {
            for case in cases {
                expr_inputs(c, &case.when, out);
            }
        }
        CRule::Formula { expr, .. } => expr_inputs(c, expr, out),
        CRule::ChooseOne { options } => {
            for o in options {
                if let Some((when, _)) = &o.when {
                    expr_inputs(c, when, out);
                }
                rule_inputs(c, &o.rule, out);
            }
        }
    }
}

/// The input slots an expression reads, through the metrics it reads (each metric once).
fn expr_inputs(c: &Compiled, e: &Expr, out: &mut BTreeSet<u32>) {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&Expr> = vec![e];
    while let Some(e) = stack.pop() {
        for r in e.refs() {
            match *r {
                Ref::Input(i) => {
                    out.insert(i);
                }
                Ref::Metric(m) => {
                    if seen.insert(m)
                        && let Some(metric) = c.metrics.get(m as usize)
                    {
                        stack.push(&metric.expr);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::InputValue;

    const SEED: &str = "xiangxi-commerce-2019";

    fn seed() -> (Scorer, Inputs) {
        let b = crate::builtin(SEED).unwrap();
        let scorer = Scorer::from_text(b.text()).unwrap();
        let example = crate::wire::inputs_from_json(b.example()).unwrap();
        (scorer, example)
    }

    fn without(inputs: &Inputs, names: &[&str]) -> Inputs {
        let mut out = Inputs::new();
        for (k, v) in &inputs.values {
            if !names.contains(&k.as_str()) {
                out.set(k.clone(), v.clone());
            }
        }
        out
    }

    #[test]
    fn complete_inputs_score_every_leaf_as_the_evaluation_does() {
        let (scorer, example) = seed();
        let p = scorer.progress(&example);
        let e = scorer.evaluate(&example).unwrap();
        assert!(!p.leaves.is_empty());
        for l in &p.leaves {
            let r = e.indicator(&l.id).unwrap();
            let na = matches!(r.status, Status::NotApplicable { .. });
            assert_eq!(
                l.state,
                LeafState::Scored {
                    score: r.score,
                    exact: r.exact_score,
                    not_applicable: na
                },
                "{}",
                l.id
            );
        }
        assert_eq!(p.open_points, Decimal::ZERO);
        // No bonus and no rescaling in the seed: the leaves' stated scores are its total.
        assert_eq!(p.determined, e.total);
        assert_eq!(p.determined_points, Decimal::from(100));
    }

    #[test]
    fn a_missing_input_opens_exactly_the_leaves_that_read_it() {
        let (scorer, example) = seed();
        let p = scorer.progress(&without(&example, &["满意度", "年初预算"]));
        let open: Vec<(&str, &[String])> = p
            .leaves
            .iter()
            .filter_map(|l| match &l.state {
                LeafState::Open { needs } => Some((l.id.as_str(), needs.as_slice())),
                _ => None,
            })
            .collect();
        assert!(open.iter().any(|(_, n)| n.contains(&"满意度".to_string())), "{open:?}");
        assert!(
            open.iter().any(|(_, n)| n.contains(&"年初预算".to_string())),
            "{open:?}"
        );
        for l in &p.leaves {
            let reads = l.inputs.iter().any(|i| i == "满意度" || i == "年初预算");
            assert_eq!(
                matches!(l.state, LeafState::Open { .. }),
                reads,
                "{} {:?}",
                l.id,
                l.inputs
            );
        }
        let e = scorer.evaluate(&example).unwrap();
        let mut sum = Decimal::ZERO;
        let mut open_points = Decimal::ZERO;
        for l in &p.leaves {
            match l.state {
                LeafState::Scored { score, .. } => {
                    assert_eq!(score, e.indicator(&l.id).unwrap().score);
                    sum += score;
                }
                _ => open_points += l.points,
            }
        }
        assert_eq!(p.determined, sum);
        assert_eq!(p.open_points, open_points);
        assert!(open_points > Decimal::ZERO);
        assert_eq!(p.determined_points + p.open_points, Decimal::from(100));
    }

    #[test]
    fn nothing_given_leaves_only_what_defaults_decide() {
        let (scorer, _) = seed();
        let p = scorer.progress(&Inputs::new());
        assert!(p.leaves.iter().any(|l| matches!(l.state, LeafState::Open { .. })));
        for l in &p.leaves {
            if let LeafState::Open { needs } = &l.state {
                assert!(!needs.is_empty(), "{}", l.id);
            }
        }
    }

    #[test]
    fn a_level_without_its_needed_score_fails_on_its_leaf_only() {
        let (scorer, example) = seed();
        let mut inputs = without(&example, &[]);
        inputs.set("经济效益".to_string(), InputValue::Text("部分达成".into()));
        let p = scorer.progress(&inputs);
        let failed: Vec<&LeafProgress> = p
            .leaves
            .iter()
            .filter(|l| matches!(l.state, LeafState::Failed(_)))
            .collect();
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].id, "4.1.1");
        assert_eq!(failed[0].inputs, vec!["经济效益".to_string()]);
        assert!(matches!(&failed[0].state, LeafState::Failed(e) if e.code() == "level_score_needed"));
    }

    #[test]
    fn level_bands_are_stated_in_points() {
        let (scorer, _) = seed();
        let bands = scorer.level_bands();
        let eco = bands.iter().find(|b| b.indicator == "4.1.1").unwrap();
        assert_eq!(eco.input, "经济效益");
        let partly = eco.bands.iter().find(|b| b.level == "部分达成").unwrap();
        assert_eq!(
            (partly.min, partly.max, partly.max_inclusive),
            (Decimal::ONE, "1.6".parse().unwrap(), false)
        );
        assert_eq!(partly.default, None);
        let met = eco.bands.iter().find(|b| b.level == "达成").unwrap();
        assert_eq!(met.default, Some(Decimal::from(2)));
    }
}
