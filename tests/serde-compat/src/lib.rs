//! A stand-in for a service that links jixiao: its own types read JSON with serde_json as serde_json
//! documents, whatever jixiao needs for exact decimals (the test is in `tests/compat.rs`).
//!
//! Cargo unifies a dependency's features across everything built together, so a feature that
//! jixiao switched on in serde_json (such as `arbitrary_precision`, which turns every number into a
//! map inside serde) would change how this crate's own `untagged` and `flatten` types read numbers.

use std::collections::HashMap;

use serde::Deserialize;

/// A figure or a note, as many services' configurations write them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Cell {
    /// A number.
    Num(f64),
    /// Text.
    Text(String),
}

/// A record with known fields and any others kept by name.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Record {
    /// The record's name.
    pub name: String,
    /// Every other field.
    #[serde(flatten)]
    pub rest: HashMap<String, f64>,
}
