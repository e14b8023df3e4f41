//! Indicator systems shipped with the engine: the tables actually in use, listed by id.
//!
//! Each is a data file under `crates/jixiao/systems/` with its source in `source`, every row not
//! taken from the published table marked `assumed`, and bundled example inputs.

use std::sync::OnceLock;

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

/// The systems and examples, deflated together by `build.rs`.
static PACKED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/builtins.deflate"));

/// `(id, system start, system end, example start, example end)` in the inflated bundle.
const INDEX: &[(&str, usize, usize, usize, usize)] = &include!(concat!(env!("OUT_DIR"), "/builtins_index.rs"));

/// The inflated bundle, made on first use.
static BUNDLE: OnceLock<String> = OnceLock::new();

// The order in which the built-ins are listed (the seed's tables first).
static BUILTINS: [Builtin; 6] = [
    Builtin { id: "hunan-dept" },
    Builtin { id: "hunan-dept-8pt" },
    Builtin {
        id: "xiangxi-commerce-2019",
    },
    Builtin { id: "yueyang-dept" },
    Builtin { id: "mof-project" },
    Builtin { id: "chongqing-dept" },
];

/// Every built-in system, in a stable order.
pub fn builtins() -> &'static [Builtin] {
    &BUILTINS
}

/// The built-in system with this id.
pub fn builtin(id: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.id == id)
}

/// A text of the bundle. Inflating data this crate deflated at build time cannot fail; were it
/// ever to, the empty text is refused by every loader with a clear error instead of a panic here.
fn part(id: &str, example: bool) -> &'static str {
    let bundle = BUNDLE.get_or_init(|| {
        miniz_oxide::inflate::decompress_to_vec_with_limit(PACKED, 8 * crate::format::MAX_SYSTEM_BYTES)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .unwrap_or_default()
    });
    INDEX
        .iter()
        .find(|entry| entry.0 == id)
        .and_then(|&(_, s0, s1, e0, e1)| {
            if example {
                bundle.get(e0..e1)
            } else {
                bundle.get(s0..s1)
            }
        })
        .unwrap_or_default()
}

impl Builtin {
    /// The system as JSON text, exactly as in `crates/jixiao/systems/`.
    pub fn text(&self) -> &'static str {
        part(self.id, false)
    }

    /// Example inputs (one unit) as JSON text, exactly as in `crates/jixiao/systems/`.
    pub fn example(&self) -> &'static str {
        part(self.id, true)
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
