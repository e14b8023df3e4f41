//! Turning a user's value into the form a compiled system reads, checked against its declaration:
//! decimals (`"82.39%"`, `"3,867"`), booleans (`是`/`否`), levels with their score
//! (`部分达成：3.5`), checklist items (`制度A、制度B`, `无`).

use std::sync::Arc;

use rust_decimal::Decimal;

use super::{InputValue, ValueProblem};
use crate::dec::parse_decimal;
use crate::format::InputKind;

/// A declared input as compiled: what a value is checked against.
#[derive(Debug)]
pub(crate) struct CInput {
    pub name: Arc<str>,
    pub kind: InputKind,
    pub percent: bool,
    pub required: bool,
    pub default: Option<InVal>,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub levels: Vec<Arc<str>>,
    pub items: Vec<Arc<str>>,
}

/// An input value in its slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InVal {
    Absent,
    Num(Decimal),
    Bool(bool),
    Level(u16, Option<Decimal>),
    Items(Vec<bool>),
}

/// Checklist cells meaning that no item is satisfied.
const NO_ITEMS: [&str; 5] = ["无", "none", "-", "—", "／"];

/// What separates the items of a checklist cell (`制度A、制度B`); an item may contain none of them.
pub(crate) const ITEM_SEPARATORS: [char; 6] = ['、', ',', '，', ';', '；', '\n'];

fn split_items(text: &str) -> Vec<&str> {
    text.split(ITEM_SEPARATORS)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Splits a level written as text with its score, as a spreadsheet cell holds it:
/// `部分达成`, `部分达成:3.5`, `部分达成：3.5`, `部分达成 3.5`, `部分达成（3.5）`, `部分达成(3.5分)`.
fn split_level<'t>(text: &'t str, levels: &[Arc<str>]) -> Result<(&'t str, Option<Decimal>), ValueProblem> {
    if levels.iter().any(|l| &**l == text) {
        return Ok((text, None));
    }
    let Some(level) = levels
        .iter()
        .filter(|l| text.starts_with(&***l))
        .max_by_key(|l| l.len())
    else {
        return Ok((text, None));
    };
    let name = text.get(..level.len()).unwrap_or(text);
    let rest = text.get(level.len()..).unwrap_or("").trim();
    let rest = rest.strip_prefix([':', '：']).unwrap_or(rest).trim();
    let rest = match rest.strip_prefix(['(', '（']) {
        Some(inner) => inner.strip_suffix([')', '）']).unwrap_or(inner).trim(),
        None => rest,
    };
    let rest = rest.strip_suffix('分').unwrap_or(rest).trim();
    if rest.is_empty() {
        return Ok((name, None));
    }
    let score = parse_decimal(rest).map_err(|p| ValueProblem::LevelScore {
        level: name.to_string(),
        problem: Box::new(p),
    })?;
    Ok((name, Some(score)))
}

/// A level cell split into the level and its score inside the band, as the engine reads it
/// (`部分达成:3.5` → (`部分达成`, 3.5)); a text naming no level comes back whole.
pub fn level_parts(text: &str, levels: &[String]) -> Result<(String, Option<Decimal>), ValueProblem> {
    let levels: Vec<Arc<str>> = levels.iter().map(|l| Arc::from(l.as_str())).collect();
    split_level(text, &levels).map(|(l, s)| (l.to_string(), s))
}

/// A yes/no written as text, as the engine reads it (`是`, `有`, `true`, `1` / `否`, `无`, `false`, `0`).
pub fn bool_text(text: &str) -> Option<bool> {
    match text.trim() {
        "true" | "TRUE" | "True" | "是" | "有" | "yes" | "1" => Some(true),
        "false" | "FALSE" | "False" | "否" | "无" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// The items of a checklist cell, as the engine reads them (`制度A、制度B`).
pub fn checklist_items(text: &str) -> Vec<String> {
    split_items(text).into_iter().map(str::to_string).collect()
}

/// Converts a user's value into the slot form for an input, checking kind and range.
/// A decimal for a number, count or manual-score input, checked against its declaration.
pub(crate) fn check_number(c: &CInput, d: Decimal) -> Result<InVal, ValueProblem> {
    if c.kind == InputKind::Count && (!d.fract().is_zero() || d.is_sign_negative()) {
        return Err(ValueProblem::NotWhole { value: d });
    }
    if c.min.is_some_and(|m| d < m) || c.max.is_some_and(|m| d > m) {
        return Err(ValueProblem::OutOfRange {
            value: d,
            min: c.min,
            max: c.max,
            percent: c.percent,
        });
    }
    Ok(InVal::Num(d))
}

pub(crate) fn convert_input(c: &CInput, v: &InputValue) -> Result<InVal, ValueProblem> {
    let levels = || c.levels.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    let items = || c.items.iter().map(|i| i.to_string()).collect::<Vec<_>>();
    let number = |v: &InputValue| -> Result<Decimal, ValueProblem> {
        match v {
            InputValue::Number(d) => Ok(*d),
            InputValue::Text(t) => parse_decimal(t),
            InputValue::Bool(_) => Err(ValueProblem::NumberExpected { found: "boolean" }),
            InputValue::Level { .. } => Err(ValueProblem::NumberExpected { found: "level" }),
            InputValue::Items(_) => Err(ValueProblem::NumberExpected { found: "list" }),
        }
    };
    match c.kind {
        InputKind::Number | InputKind::Count | InputKind::Manual => check_number(c, number(v)?),
        InputKind::Boolean => match v {
            InputValue::Bool(b) => Ok(InVal::Bool(*b)),
            InputValue::Number(d) if *d == Decimal::ONE || d.is_zero() => Ok(InVal::Bool(*d == Decimal::ONE)),
            InputValue::Text(t) => bool_text(t)
                .map(InVal::Bool)
                .ok_or_else(|| ValueProblem::BooleanExpected {
                    text: Some(t.trim().to_string()),
                }),
            _ => Err(ValueProblem::BooleanExpected { text: None }),
        },
        InputKind::Level => {
            let (name, score) = match v {
                InputValue::Text(t) => split_level(t.trim(), &c.levels)?,
                InputValue::Level { level, score } => (level.trim(), *score),
                _ => return Err(ValueProblem::LevelExpected { levels: levels() }),
            };
            match c.levels.iter().position(|l| &**l == name) {
                Some(i) => Ok(InVal::Level(u16::try_from(i).unwrap_or(u16::MAX), score)),
                None => Err(ValueProblem::NotALevel {
                    text: name.to_string(),
                    levels: levels(),
                }),
            }
        }
        InputKind::Checklist => {
            // Borrowed: a unit's checklist is read, not copied.
            let names: Vec<&str> = match v {
                InputValue::Items(items) => items.iter().map(String::as_str).collect(),
                // A spreadsheet cell says "none of them" with 无 or a dash (unless that is an item).
                InputValue::Text(t) if NO_ITEMS.contains(&t.trim()) && !c.items.iter().any(|i| **i == *t.trim()) => {
                    Vec::new()
                }
                InputValue::Text(t) => split_items(t),
                _ => return Err(ValueProblem::ItemsExpected { items: items() }),
            };
            let mut set = vec![false; c.items.len()];
            for n in &names {
                let n = n.trim();
                match c.items.iter().position(|i| **i == *n) {
                    Some(k) => {
                        if let Some(s) = set.get_mut(k) {
                            *s = true;
                        }
                    }
                    None => {
                        return Err(ValueProblem::NotAnItem {
                            item: n.to_string(),
                            items: items(),
                        });
                    }
                }
            }
            Ok(InVal::Items(set))
        }
    }
}
