//! One home for inputs: the values users give ([`InputValue`], [`Inputs`]), documents that give
//! them ([`read`]: JSON and TOML, read exactly and located), the one float policy ([`float`]),
//! their conversion and checking against a system's declarations, and tables ([`table`]): header
//! matching, the unit-name column, claim columns and the meaning of a blank cell. The CLI, Python
//! and WASM read inputs through here; none re-implements it. (Inputs resolved against one compiled
//! system for fast scoring, `PreparedInputs` and `InputsBuilder`, belong to evaluation.)

mod convert;
pub mod float;
pub mod problem;
pub mod read;
pub mod table;
mod value;

/// For the compiled program's fixed checklist case.
#[cfg(feature = "compiled")]
pub(crate) use convert::ItemSet;
pub(crate) use convert::{
    CInput, ITEM_SEPARATORS, InVal, MAX_ITEMS, check_number, convert_input, convert_text, number_fits,
};
pub use convert::{bool_text, checklist_items, level_parts};
pub use problem::{FloatAdvice, ValueProblem};
pub use read::{InputDoc, ReadError, UnitInputs};
pub use value::{InputValue, Inputs};
