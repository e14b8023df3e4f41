//! One home for inputs: the values users give ([`InputValue`], [`Inputs`]), their conversion and
//! checking against a system's declarations, inputs prepared once for fast scoring
//! ([`PreparedInputs`], [`InputsBuilder`]), and tables ([`table`]): header matching, the unit-name
//! column, claim columns and the meaning of a blank cell. The CLI, Python and WASM read inputs
//! through here; none re-implements it.

mod convert;
pub mod float;
mod prepared;
pub mod table;
mod value;

pub(crate) use convert::convert_input;
pub use prepared::{InputsBuilder, PreparedInputs};
pub use value::{InputValue, Inputs};
