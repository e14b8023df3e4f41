//! Indicator systems shipped with the engine: the tables actually in use, listed by id.
//!
//! Each is a data file under `crates/jixiao/systems/` with its source in `source`, every row not
//! taken from the published table marked `assumed`, and bundled example inputs.

use std::sync::OnceLock;

use crate::compile::Scorer;
use crate::error::LoadError;
use crate::eval::Inputs;
use crate::json::{JsonError, inputs_from_value};
use crate::model::IndicatorSystem;

/// A built-in indicator system.
#[derive(Debug)]
pub struct Builtin {
    /// Identifier, e.g. `hunan-dept`.
    pub id: &'static str,
    /// Example inputs (one unit) as JSON text.
    pub example: &'static str,
    /// The system's JSON text, deflated by `build.rs`.
    packed: &'static [u8],
    /// The text, inflated on first use.
    text: OnceLock<String>,
}

impl PartialEq for Builtin {
    fn eq(&self, other: &Self) -> bool {
        self.id == other.id
    }
}

impl Eq for Builtin {}

macro_rules! builtin {
    ($id:literal) => {
        Builtin {
            id: $id,
            example: include_str!(concat!("../systems/", $id, ".example.json")),
            packed: include_bytes!(concat!(env!("OUT_DIR"), "/", $id, ".json.deflate")),
            text: OnceLock::new(),
        }
    };
}

// A `static`, not a `const`: one copy of the data in the binary, and one inflated text per system.
static BUILTINS: [Builtin; 6] = [
    builtin!("hunan-dept"),
    builtin!("hunan-dept-8pt"),
    builtin!("xiangxi-commerce-2019"),
    builtin!("yueyang-dept"),
    builtin!("mof-project"),
    builtin!("chongqing-dept"),
];

/// Every built-in system, in a stable order.
pub fn builtins() -> &'static [Builtin] {
    &BUILTINS
}

/// The built-in system with this id.
pub fn builtin(id: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.id == id)
}

impl Builtin {
    /// The system as JSON text, exactly as in `crates/jixiao/systems/`.
    pub fn text(&self) -> &str {
        // Inflating data this crate deflated at build time cannot fail; were it ever to, the
        // empty text is refused by every loader with a clear error instead of a panic here.
        self.text
            .get_or_init(|| {
                miniz_oxide::inflate::decompress_to_vec_with_limit(self.packed, crate::load::MAX_SYSTEM_BYTES)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .unwrap_or_default()
            })
            .as_str()
    }

    /// The system (parsed; built-ins are checked by the test suite to parse and validate).
    pub fn system(&self) -> Result<IndicatorSystem, LoadError> {
        IndicatorSystem::from_json(self.text())
    }

    /// The compiled system.
    pub fn scorer(&self) -> Result<Scorer, LoadError> {
        Scorer::from_text(self.text())
    }

    /// The bundled example inputs.
    pub fn example_inputs(&self) -> Result<Inputs, JsonError> {
        let value = crate::tree::parse_json_value(self.example).map_err(|message| JsonError {
            kind: "request".into(),
            message,
            errors: Vec::new(),
        })?;
        inputs_from_value(&value)
    }
}
