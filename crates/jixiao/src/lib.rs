#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod analysis;
pub mod builtin;
#[cfg(feature = "csv")]
pub mod csv_rows;
pub mod dec;
mod describe;
pub mod error;
/// The expression interpreter: internal, exposed only to the fuzzers and property tests through
/// the `internals` feature (no stability promise).
#[cfg(feature = "internals")]
pub mod expr;
#[cfg(not(feature = "internals"))]
mod expr;
mod format;

mod compile;
mod eval;
pub mod explain;
pub mod inputs;
pub mod project;
pub mod report;
#[cfg(feature = "sheets")]
pub mod sheets;
pub mod wire;
#[cfg(feature = "xlsx")]
pub mod xlsx;

pub use builtin::{Builtin, builtin, builtins};
pub use compile::{MAX_METRIC_CHAIN, MAX_TREE_DEPTH, Provenance, Scorer};
pub use dec::{Dec, parse_decimal};
pub use error::{ArithmeticFault, EvalError, InputError, Issue, LoadError, ScoreProblem, ValidationErrors};
pub use eval::{
    BandPoints, CheckResult, CheckSides, CoreCapResult, Deduction, Evaluation, IndicatorResult, InputsBuilder,
    LeafProgress, LeafState, LevelBands, Measured, Outcome, PreparedInputs, Progress, RowSlots, ScoreTable, Scores,
    Status, VetoResult,
};
pub use explain::Lang;
pub use format::{
    Band, Better, Bonus, Case, CasesRule, Check, ChecklistMode, ChecklistRule, ChooseOneRule, Counting, Direction,
    ExcludedPoints, FORMAT_VERSION, FormulaRule, Grade, GradeFrom, Indicator, IndicatorSystem, InputDecl, InputDefault,
    InputKind, ItemPoints, LevelRule, MAX_NESTING, MAX_SYSTEM_BYTES, ManualRule, MetricDecl, NaOutcome, NotApplicable,
    ParentScore, PerOccurrenceRule, RateRule, RatioRule, ReviewPolicy, Rounding, RoundingMode, RoundingPolicy, Rule,
    RuleOption, Severity, StepRule, Tier, TiersRule, Veto,
};
pub use inputs::{InputValue, Inputs, ValueProblem};
pub use rust_decimal::Decimal;

impl Scorer {
    /// Parses (JSON or TOML), validates and compiles an indicator system.
    pub fn from_text(text: &str) -> Result<Scorer, LoadError> {
        let system = IndicatorSystem::from_text(text)?;
        Ok(Scorer::new(&system)?)
    }
}

impl IndicatorSystem {
    /// Validates the system, reporting every problem.
    pub fn validate(&self) -> Result<(), ValidationErrors> {
        Scorer::new(self).map(|_| ())
    }
}
