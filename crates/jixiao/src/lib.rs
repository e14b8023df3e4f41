#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod analysis;
pub mod builtin;
pub mod dec;
mod describe;
pub mod error;
pub mod expr;
pub mod model;

mod compile;
mod eval;
pub mod explain;
pub mod json;
mod load;
mod read;
pub mod report;
mod tree;

pub use builtin::{Builtin, builtin, builtins};
pub use compile::{MAX_METRIC_CHAIN, MAX_TREE_DEPTH, Scorer};
pub use dec::{Dec, parse_decimal};
pub use error::{ArithmeticFault, EvalError, InputError, Issue, LoadError, ValidationErrors};
pub use eval::{
    Deduction, Evaluation, IndicatorResult, InputValue, Inputs, InputsBuilder, Measured, Outcome, PreparedInputs,
    ScoreTable, Scores, Status, VetoResult,
};
pub use explain::Lang;
pub use load::{MAX_SYSTEM_BYTES, json_error_text};
pub use model::*;
pub use rust_decimal::Decimal;
pub use tree::{MAX_NESTING, parse_json_value};

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
