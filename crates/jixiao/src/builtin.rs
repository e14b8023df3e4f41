//! Indicator systems shipped with the engine: the tables actually in use, listed by id.
//!
//! Each is a data file under `crates/jixiao/systems/` with its source in `source`, every row not
//! taken from the published table marked `assumed`, and bundled example inputs.

use crate::compile::Scorer;
use crate::error::LoadError;
use crate::eval::Inputs;
use crate::json::{JsonError, inputs_from_value};
use crate::model::IndicatorSystem;

/// A built-in indicator system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Builtin {
    /// Identifier, e.g. `hunan-dept`.
    pub id: &'static str,
    /// The system as JSON text.
    pub text: &'static str,
    /// Example inputs (one unit) as JSON text.
    pub example: &'static str,
}

macro_rules! builtin {
    ($id:literal) => {
        Builtin {
            id: $id,
            text: include_str!(concat!("../systems/", $id, ".json")),
            example: include_str!(concat!("../systems/", $id, ".example.json")),
        }
    };
}

const BUILTINS: &[Builtin] = &[
    builtin!("hunan-dept"),
    builtin!("hunan-dept-8pt"),
    builtin!("xiangxi-commerce-2019"),
    builtin!("yueyang-dept"),
    builtin!("mof-project"),
    builtin!("chongqing-dept"),
];

/// Every built-in system, in a stable order.
pub fn builtins() -> &'static [Builtin] {
    BUILTINS
}

/// The built-in system with this id.
pub fn builtin(id: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.id == id)
}

impl Builtin {
    /// The system (parsed; built-ins are checked by the test suite to parse and validate).
    pub fn system(&self) -> Result<IndicatorSystem, LoadError> {
        IndicatorSystem::from_json(self.text)
    }

    /// The compiled system.
    pub fn scorer(&self) -> Result<Scorer, LoadError> {
        Scorer::from_text(self.text)
    }

    /// The bundled example inputs.
    pub fn example_inputs(&self) -> Result<Inputs, JsonError> {
        let value: serde_json::Value = serde_json::from_str(self.example).map_err(|e| JsonError {
            kind: "request".into(),
            message: e.to_string(),
            errors: Vec::new(),
        })?;
        inputs_from_value(&value)
    }
}
