//! The indicator-system format, defined once: the types in [`model`] derive `Deserialize`,
//! `Serialize` and `JsonSchema`.
//!
//! JSON text (our strict parser, [`tree`]) and TOML text (the `toml` crate's spanned values,
//! [`load`]) both become one document tree whose values carry their byte offsets; the derived
//! deserializers read that tree through [`de`], which locates every error at the field path and
//! the line and column of the value or key it is about. Numbers keep their digits throughout.

pub(crate) mod de;
pub(crate) mod load;
mod model;
pub(crate) mod tree;

pub use load::MAX_SYSTEM_BYTES;
pub use model::{
    Band, Better, Bonus, Case, CasesRule, Check, ChecklistMode, ChecklistRule, ChooseOneRule, Counting, Direction,
    ExcludedPoints, FORMAT_VERSION, FormulaRule, Grade, GradeFrom, Indicator, IndicatorSystem, InputDecl, InputDefault,
    InputKind, ItemPoints, LevelRule, ManualRule, MetricDecl, NaOutcome, NotApplicable, ParentScore, PerOccurrenceRule,
    RateRule, RatioRule, ReviewPolicy, Rounding, RoundingMode, RoundingPolicy, Rule, RuleOption, Severity, StepRule,
    Tier, TiersRule, Veto,
};
pub use tree::MAX_NESTING;
