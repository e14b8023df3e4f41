//! Indicator systems shipped with the engine: the tables actually in use, listed by id.
//!
//! Each is a data file under `crates/jixiao/systems/` with its source in `source`, every row not
//! taken from the published table marked `assumed`, and bundled example inputs. Both files are
//! compiled in as they are (`include_str!`).

use crate::compile::Scorer;
use crate::error::LoadError;
use crate::format::IndicatorSystem;
use crate::inputs::Inputs;

/// A built-in indicator system.
#[derive(Debug, PartialEq, Eq)]
pub struct Builtin {
    /// Identifier, e.g. `hunan-dept`.
    pub id: &'static str,
}

/// Lists the built-ins once: their ids in order (`BUILTINS`) and their texts (`FILES`), both
/// taken from `systems/{id}.json` and `systems/{id}.example.json`.
macro_rules! builtin_table {
    ($($id:literal),+ $(,)?) => {
        static BUILTINS: &[Builtin] = &[$(Builtin { id: $id }),+];

        /// `(id, system, example)`: the texts of the files, as committed.
        static FILES: &[(&str, &str, &str)] = &[$((
            $id,
            include_str!(concat!("../systems/", $id, ".json")),
            include_str!(concat!("../systems/", $id, ".example.json")),
        )),+];
    };
}

// The order in which the built-ins are listed (the seed's tables first).
builtin_table!(
    "hunan-dept",
    "hunan-dept-8pt",
    "xiangxi-commerce-2019",
    "yueyang-dept",
    "chongqing-dept",
);

/// Every built-in system, in a stable order.
pub fn builtins() -> &'static [Builtin] {
    BUILTINS
}

/// The built-in system with this id.
pub fn builtin(id: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.id == id)
}

/// The system and example texts of a built-in. Every `Builtin` comes from the same list as
/// `FILES`; one made by hand with another id gets empty texts, which every loader refuses with
/// a clear error.
fn files(id: &str) -> (&'static str, &'static str) {
    FILES
        .iter()
        .find(|entry| entry.0 == id)
        .map_or(("", ""), |&(_, system, example)| (system, example))
}

impl Builtin {
    /// The system as JSON text, exactly as in `crates/jixiao/systems/`.
    pub fn text(&self) -> &'static str {
        files(self.id).0
    }

    /// Example inputs (one unit) as JSON text, exactly as in `crates/jixiao/systems/`.
    pub fn example(&self) -> &'static str {
        files(self.id).1
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
    pub fn example_inputs(&self) -> Result<Inputs, crate::inputs::ReadError> {
        crate::inputs::read::inputs_from_json(self.example())
    }
}
