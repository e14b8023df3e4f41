//! Turning a user's value into the form a compiled system reads, checked against its declaration:
//! decimals (`"82.39%"`, `"3,867"`), booleans (`是`/`否`), levels with their score
//! (`部分达成：3.5`), checklist items (`制度A、制度B`, `无`).

use std::sync::Arc;

use rust_decimal::Decimal;

use super::{InputValue, ValueProblem};
use crate::dec::parse_decimal;
use crate::format::InputKind;
use crate::inputs::table::trim_cell;

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

/// An input value in its slot: plain data, so that filling and reusing slots never allocates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InVal {
    Absent,
    Num(Decimal),
    Bool(bool),
    Level(u16, Option<Decimal>),
    Items(ItemSet),
}

/// The most items a checklist input may declare (the width of [`ItemSet`]); checked when a system
/// is loaded.
pub(crate) const MAX_ITEMS: usize = 128;

/// The items of a checklist that a unit satisfies, by their place in the declaration: bit `k % 32`
/// of word `k / 32`. (Words of 32 bits keep a slot 4-byte aligned, as a decimal is: 24 bytes a
/// slot, where a `u128` would make it 32.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ItemSet([u32; MAX_ITEMS / 32]);

impl ItemSet {
    /// Marks item `k` satisfied (an item beyond [`MAX_ITEMS`] cannot be declared).
    pub(crate) fn insert(&mut self, k: usize) {
        if let Some(word) = self.0.get_mut(k / 32) {
            *word |= 1 << (k % 32);
        }
    }

    /// How many items are satisfied.
    pub(crate) fn count(self) -> u32 {
        self.0.iter().map(|w| w.count_ones()).sum()
    }

    /// Whether each item of a checklist of `len` items is satisfied, in declaration order.
    pub(crate) fn iter(self, len: usize) -> impl Iterator<Item = bool> {
        let bits = self.0;
        (0..len.min(MAX_ITEMS)).map(move |k| bits.get(k / 32).is_some_and(|w| w >> (k % 32) & 1 == 1))
    }
}

/// Checklist cells meaning that no item is satisfied.
const NO_ITEMS: [&str; 5] = ["无", "none", "-", "—", "／"];

/// What separates the items of a checklist cell (`制度A、制度B`); an item may contain none of them.
pub(crate) const ITEM_SEPARATORS: [char; 6] = ['、', ',', '，', ';', '；', '\n'];

fn split_items(text: &str) -> impl Iterator<Item = &str> {
    text.split(ITEM_SEPARATORS).map(str::trim).filter(|s| !s.is_empty())
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
    match trim_cell(text) {
        "true" | "TRUE" | "True" | "是" | "有" | "yes" | "1" => Some(true),
        "false" | "FALSE" | "False" | "否" | "无" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// The items of a checklist cell, as the engine reads them (`制度A、制度B`).
pub fn checklist_items(text: &str) -> Vec<String> {
    split_items(text).map(str::to_string).collect()
}

/// A decimal for a number, count or manual-score input, checked against its declaration.
#[inline]
pub(crate) fn check_number(c: &CInput, d: Decimal) -> Result<InVal, ValueProblem> {
    if number_fits(c, d) {
        Ok(InVal::Num(d))
    } else {
        Err(number_problem(c, d))
    }
}

/// Whether a decimal fits a number, count or manual-score input: whole and not negative for a
/// count, within the declared range.
#[inline]
pub(crate) fn number_fits(c: &CInput, d: Decimal) -> bool {
    if not_a_count(c, d) {
        return false;
    }
    // The usual minimum, 0, is a test of the sign (-0 is 0), not a comparison that rescales.
    let below = |m: Decimal| if m.is_zero() { crate::dec::is_negative(d) } else { d < m };
    !(c.min.is_some_and(below) || c.max.is_some_and(|m| d > m))
}

/// Whether `c` is a count and `d` is not one: a fraction, or below zero.
#[inline]
fn not_a_count(c: &CInput, d: Decimal) -> bool {
    c.kind == InputKind::Count && (!d.fract().is_zero() || d.is_sign_negative())
}

/// Why a decimal does not fit its input ([`number_fits`] is false).
#[cold]
#[inline(never)]
fn number_problem(c: &CInput, d: Decimal) -> ValueProblem {
    if not_a_count(c, d) {
        return ValueProblem::NotWhole { value: d };
    }
    ValueProblem::OutOfRange {
        value: d,
        min: c.min,
        max: c.max,
        percent: c.percent,
    }
}

/// Converts a user's value into the slot form for an input, checking kind and range.
pub(crate) fn convert_input(c: &CInput, v: &InputValue) -> Result<InVal, ValueProblem> {
    use InputKind::{Boolean, Checklist, Count, Level, Manual, Number};
    match (c.kind, v) {
        (_, InputValue::Text(t)) => convert_text(c, t),
        (Number | Count | Manual, InputValue::Number(d)) => check_number(c, *d),
        (Number | Count | Manual, other) => Err(ValueProblem::NumberExpected {
            found: match other {
                InputValue::Bool(_) => "boolean",
                InputValue::Level { .. } => "level",
                _ => "list",
            },
        }),
        (Boolean, InputValue::Bool(b)) => Ok(InVal::Bool(*b)),
        (Boolean, InputValue::Number(d)) if *d == Decimal::ONE || d.is_zero() => Ok(InVal::Bool(*d == Decimal::ONE)),
        (Boolean, _) => Err(ValueProblem::BooleanExpected { text: None }),
        (Level, InputValue::Level { level, score }) => level_slot(c, trim_cell(level), *score),
        (Level, _) => Err(ValueProblem::LevelExpected {
            levels: c.levels.iter().map(|l| l.to_string()).collect(),
        }),
        // Borrowed: a unit's checklist is read, not copied.
        (Checklist, InputValue::Items(items)) => item_set(c, items.iter().map(|i| trim_cell(i))),
        (Checklist, _) => Err(ValueProblem::ItemsExpected {
            items: c.items.iter().map(|i| i.to_string()).collect(),
        }),
    }
}

/// Converts a cell's text into the slot form for an input, as [`convert_input`] converts
/// [`InputValue::Text`]: read where it lies, without a copy.
pub(crate) fn convert_text(c: &CInput, t: &str) -> Result<InVal, ValueProblem> {
    match c.kind {
        InputKind::Number | InputKind::Count | InputKind::Manual => check_number(c, parse_decimal(t)?),
        InputKind::Boolean => bool_text(t)
            .map(InVal::Bool)
            .ok_or_else(|| ValueProblem::BooleanExpected {
                text: Some(t.trim().to_string()),
            }),
        InputKind::Level => {
            let (name, score) = split_level(trim_cell(t), &c.levels)?;
            level_slot(c, name, score)
        }
        InputKind::Checklist => {
            // A spreadsheet cell says "none of them" with 无 or a dash (unless that is an item).
            let whole = trim_cell(t);
            if NO_ITEMS.contains(&whole) && !c.items.iter().any(|i| **i == *whole) {
                return Ok(InVal::Items(ItemSet::default()));
            }
            // The browser modules, built for size and scoring one unit at a time, read the pieces.
            #[cfg(not(target_arch = "wasm32"))]
            if let Some(set) = matched_items(t, &c.items) {
                return Ok(InVal::Items(set));
            }
            // (Or an item not declared: the pieces say which.)
            item_set(c, split_items(t))
        }
    }
}

/// The slot of a level input named `name` (with its score inside the band, if given).
fn level_slot(c: &CInput, name: &str, score: Option<Decimal>) -> Result<InVal, ValueProblem> {
    match c.levels.iter().position(|l| &**l == name) {
        Some(i) => Ok(InVal::Level(u16::try_from(i).unwrap_or(u16::MAX), score)),
        None => Err(ValueProblem::NotALevel {
            text: name.to_string(),
            levels: c.levels.iter().map(|l| l.to_string()).collect(),
        }),
    }
}

/// Whitespace that is not also a separator (a line break separates items).
#[cfg(not(target_arch = "wasm32"))]
fn is_space(c: char) -> bool {
    c.is_whitespace() && !ITEM_SEPARATORS.contains(&c)
}

/// The satisfied items of a checklist cell, read by finding each declared item where it stands
/// rather than cutting the cell into pieces first: the same set as cutting it at its separators
/// and finding each trimmed piece among the items ([`item_set`] over [`split_items`]), or `None`
/// where that would fail (an item not declared), so that the pieces can say which.
#[cfg(not(target_arch = "wasm32"))]
fn matched_items(text: &str, items: &[Arc<str>]) -> Option<ItemSet> {
    let mut set = ItemSet::default();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(is_space);
        let mut chars = rest.chars();
        match chars.next() {
            None => return Some(set),
            // An empty piece, as the cut drops it.
            Some(c) if ITEM_SEPARATORS.contains(&c) => {
                rest = chars.as_str();
                continue;
            }
            Some(_) => {}
        }
        // The item that is this whole piece: followed by spaces, then a separator or the end.
        // (At most one is: two would both be the same trimmed piece, and items are unique.)
        let (k, after) = items.iter().enumerate().find_map(|(k, item)| {
            let after = rest.strip_prefix(&**item)?.trim_start_matches(is_space);
            let whole = after.chars().next().is_none_or(|c| ITEM_SEPARATORS.contains(&c));
            whole.then_some((k, after))
        })?;
        set.insert(k);
        rest = after;
    }
}

/// The slot of a checklist input whose satisfied items are `names` (trimmed): each must be
/// declared.
fn item_set<'n>(c: &CInput, names: impl Iterator<Item = &'n str>) -> Result<InVal, ValueProblem> {
    let mut set = ItemSet::default();
    for n in names {
        match c.items.iter().position(|i| **i == *n) {
            Some(k) => set.insert(k),
            None => {
                return Err(ValueProblem::NotAnItem {
                    item: n.to_string(),
                    items: c.items.iter().map(|i| i.to_string()).collect(),
                });
            }
        }
    }
    Ok(InVal::Items(set))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IndicatorSystem, Inputs, Scorer};

    /// A minimum of 0 refuses every negative value and nothing else (-0 is 0), as a comparison
    /// would; other minimums and maximums compare.
    #[test]
    fn a_minimum_of_zero_refuses_exactly_the_negative_values() {
        let number = |min: &str, max: Option<&str>| CInput {
            name: Arc::from("甲"),
            kind: InputKind::Number,
            percent: false,
            required: true,
            default: None,
            min: min.parse().ok(),
            max: max.and_then(|m| m.parse().ok()),
            levels: Vec::new(),
            items: Vec::new(),
        };
        let accepted = |c: &CInput, v: &str| check_number(c, v.parse().unwrap_or_default()).is_ok();
        let zero = number("0", None);
        for (v, ok) in [
            ("-0.01", false),
            ("-5", false),
            ("-0", true),
            ("0", true),
            ("0.000", true),
            ("0.01", true),
        ] {
            assert_eq!(accepted(&zero, v), ok, "{v}");
        }
        let half = number("0.5", Some("1"));
        for (v, ok) in [
            ("0.49", false),
            ("0.5", true),
            ("0.500", true),
            ("1.00", true),
            ("1.01", false),
        ] {
            assert_eq!(accepted(&half, v), ok, "{v}");
        }
    }

    #[test]
    fn an_item_set_holds_every_place_up_to_the_limit() {
        let mut set = ItemSet::default();
        for k in [0, 1, 64, MAX_ITEMS - 1] {
            set.insert(k);
        }
        assert_eq!(set.count(), 4);
        let ticked: Vec<usize> = set
            .iter(MAX_ITEMS)
            .enumerate()
            .filter(|(_, t)| *t)
            .map(|(k, _)| k)
            .collect();
        assert_eq!(ticked, [0, 1, 64, MAX_ITEMS - 1]);
        // A shorter checklist reads only its own places.
        assert_eq!(set.iter(2).collect::<Vec<_>>(), [true, true]);
        assert_eq!(set.iter(3).collect::<Vec<_>>(), [true, true, false]);
    }

    proptest::proptest! {
        /// Finding the items where they stand reads every cell as cutting it into pieces does:
        /// the same set, or a failure exactly where the pieces name an item not declared. Cells
        /// are made of items (one the prefix of another, one with a space inside), separators,
        /// spaces of several widths and text that is no item.
        #[test]
        fn matching_items_in_place_reads_a_cell_as_its_pieces(
            parts in proptest::collection::vec(0usize..16, 0..12),
        ) {
            const ITEMS: [&str; 5] = ["制度", "制度A", "预算 管理", "内控", "无"];
            const PARTS: [&str; 16] = [
                "制度", "制度A", "预算 管理", "内控", "、", ",", "，", "；", "\n", " ", "\u{3000}",
                "\t", "A", "预算", "制度B", "",
            ];
            let text: String = parts.iter().filter_map(|k| PARTS.get(*k).copied()).collect();
            let c = CInput {
                name: Arc::from("制度"),
                kind: InputKind::Checklist,
                percent: false,
                required: true,
                default: None,
                min: None,
                max: None,
                levels: Vec::new(),
                items: ITEMS.iter().map(|i| Arc::from(*i)).collect(),
            };
            let by_pieces = match item_set(&c, split_items(&text)) {
                Ok(InVal::Items(set)) => Some(set),
                _ => None,
            };
            proptest::prop_assert_eq!(matched_items(&text, &c.items), by_pieces, "{:?}", text);
        }
    }

    /// A batch reads every unit's slots: keep them as small as a decimal with its tag allows.
    #[test]
    fn a_slot_is_twenty_four_bytes() {
        assert_eq!(std::mem::size_of::<InVal>(), 24);
    }

    /// A system with one checklist of `n` items, one point each (10 at most).
    fn checklist_system(n: usize) -> String {
        let items: Vec<String> = (0..n).map(|k| format!("制度{k}")).collect();
        serde_json::json!({
            "format": 1, "id": "items", "name": "测试体系",
            "inputs": [{"name": "管理制度", "kind": "checklist", "items": items}],
            "indicators": [{"id": "1", "name": "管理制度健全性", "points": "10",
                            "rule": {"type": "checklist", "input": "管理制度", "points_per_item": "1"}}],
            "grades": [{"label": "优", "min": "9"}, {"label": "差"}]
        })
        .to_string()
    }

    #[test]
    fn a_checklist_may_declare_as_many_items_as_a_set_holds_and_no_more() {
        let system = IndicatorSystem::from_json(&checklist_system(MAX_ITEMS)).expect("the system reads");
        let scorer = Scorer::new(&system).expect("128 items load");
        let mut inputs = Inputs::default();
        inputs.set("管理制度", InputValue::Text(format!("制度0、制度{}", MAX_ITEMS - 1)));
        let e = scorer.evaluate(&inputs).expect("the unit scores");
        assert_eq!(e.total, Decimal::TWO);

        let system = IndicatorSystem::from_json(&checklist_system(MAX_ITEMS + 1)).expect("the system reads");
        let error = Scorer::new(&system).expect_err("129 items do not load").to_string();
        assert!(error.contains("at most 128 items; this one declares 129"), "{error}");
        assert!(error.contains("inputs[管理制度].items"), "{error}");
    }
}
