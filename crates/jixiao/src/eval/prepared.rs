//! Inputs resolved once against a compiled system, for scoring many units fast.

use rust_decimal::Decimal;

use crate::compile::{CInput, InVal, Scorer};
use crate::error::{EvalError, InputError};
use crate::format::InputKind;
use crate::inputs::table::{Columns, is_blank};
use crate::inputs::{InputValue, ValueProblem, check_number, convert_input, convert_text, number_fits};

/// A unit's inputs resolved against one system ([`Scorer::prepare`], [`InputsBuilder`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedInputs {
    /// The scorer they were prepared for ([`Compiled::id`](crate::compile::Compiled)): using
    /// them with another is an error.
    pub(crate) system: u64,
    pub(crate) values: Vec<InVal>,
}

/// A table's input columns bound to one system's slots ([`Scorer::row_slots`]), so that each row
/// is read straight into prepared inputs ([`InputsBuilder::finish_row`], [`Scorer::prepare_rows`]):
/// the same values, blanks and problems, reported in the same order, as
/// [`inputs_from_row`](crate::inputs::table::inputs_from_row) followed by [`Scorer::prepare`],
/// without a map of names and a copy of every cell in between.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowSlots {
    /// (column, the input's slot or, for a name the system does not declare, the name), in byte
    /// order of the input names: the order in which `prepare` reports problems.
    cells: Vec<(usize, Result<usize, String>)>,
}

impl Scorer {
    /// Binds a table's input columns ([`map_columns`](crate::inputs::table::map_columns)) to this
    /// system's slots, once for every row of the table.
    pub fn row_slots(&self, columns: &Columns) -> RowSlots {
        let mut named: Vec<(&str, usize)> = columns.inputs.iter().map(|(c, name)| (name.as_str(), *c)).collect();
        named.sort_unstable();
        RowSlots {
            cells: named
                .into_iter()
                .map(|(name, c)| (c, self.input_slot(name).ok_or_else(|| name.to_string())))
                .collect(),
        }
    }
}

/// Fills prepared inputs slot by slot ([`Scorer::inputs_builder`]); reusable across units.
#[derive(Debug)]
pub struct InputsBuilder<'s> {
    pub(crate) scorer: &'s Scorer,
    pub(crate) values: Vec<InVal>,
    pub(crate) given: Vec<bool>,
    pub(crate) errors: Vec<InputError>,
    pub(crate) memo: TextMemo,
}

/// The texts a builder has read for each level, checklist or yes/no input, with what each reads
/// as: such a column holds a few texts over and over (完善, 基本完善, 不完善; the same list of
/// items), and reading one again is a lookup instead of a parse. Nothing is kept until a text is
/// read, so that a builder for one unit costs nothing more. (The browser modules, built for size
/// and scoring one unit at a time, read every text.)
#[derive(Debug, Default)]
pub(crate) struct TextMemo {
    /// By slot.
    #[cfg(not(target_arch = "wasm32"))]
    seen: Vec<rustc_hash::FxHashMap<Box<str>, Result<InVal, ValueProblem>>>,
}

/// The most texts remembered for one input (a column with more distinct texts has the others
/// read each time), and the longest text remembered, in bytes: together they bound the memo's
/// memory whatever the cells hold.
#[cfg(not(target_arch = "wasm32"))]
const MEMO_TEXTS: usize = 512;
#[cfg(not(target_arch = "wasm32"))]
const MEMO_TEXT_BYTES: usize = 1024;

impl TextMemo {
    /// What `text` reads as for the input `decl` in `slot`, as [`convert_text`] reads it (which
    /// depends on the text and the declaration only).
    fn read(&mut self, slot: usize, decl: &CInput, text: &str) -> Result<InVal, ValueProblem> {
        #[cfg(not(target_arch = "wasm32"))]
        if matches!(decl.kind, InputKind::Level | InputKind::Checklist | InputKind::Boolean)
            && text.len() <= MEMO_TEXT_BYTES
        {
            if self.seen.len() <= slot {
                self.seen.resize_with(slot + 1, Default::default);
            }
            if let Some(seen) = self.seen.get_mut(slot) {
                if let Some(read) = seen.get(text) {
                    return read.clone();
                }
                let read = convert_text(decl, text);
                if seen.len() < MEMO_TEXTS {
                    seen.insert(text.into(), read.clone());
                }
                return read;
            }
        }
        let _ = slot;
        convert_text(decl, text)
    }
}

impl InputsBuilder<'_> {
    /// Sets the input in `slot` ([`Scorer::input_slot`]); a value that does not fit is recorded
    /// and reported by [`finish`](Self::finish). An unknown slot is recorded as such.
    ///
    /// Blank text is not a value: the input is not given, as a blank cell of a table
    /// ([`is_blank`](crate::inputs::table::is_blank)), whatever its kind. A checklist says "none of
    /// the items" with `无` (or `-`, `—`), never with a blank, which could equally be a cell not
    /// filled in.
    pub fn set(&mut self, slot: usize, value: &InputValue) {
        if let InputValue::Text(t) = value
            && crate::inputs::table::is_blank(t)
        {
            return self.clear(slot);
        }
        self.put(slot, |decl| convert_input(decl, value));
    }

    /// Sets the input in `slot` from a cell's text, as [`set`](Self::set) sets
    /// [`InputValue::Text`], reading the text where it lies (no copy): numbers (`82.39%`,
    /// `3,867`), yes/no, levels with their score, checklist items. The white space around the text
    /// is not part of it; blank text is not given.
    pub fn set_text(&mut self, slot: usize, text: &str) {
        let text = crate::inputs::table::trim_cell(text);
        if text.is_empty() {
            return self.clear(slot);
        }
        let scorer = self.scorer;
        match scorer.inner.inputs.get(slot) {
            Some(decl) => {
                let read = self.memo.read(slot, decl, text);
                self.put(slot, |_| read);
            }
            None => self.put(slot, |decl| convert_text(decl, text)),
        }
    }

    /// Marks `slot` given and stores what `convert` makes of its value, or records why it cannot.
    fn put(&mut self, slot: usize, convert: impl FnOnce(&CInput) -> Result<InVal, ValueProblem>) {
        let c = &*self.scorer.inner;
        let (Some(decl), Some(target), Some(given)) =
            (c.inputs.get(slot), self.values.get_mut(slot), self.given.get_mut(slot))
        else {
            self.errors.push(InputError::Unknown {
                name: format!("(slot {slot})"),
            });
            return;
        };
        *given = true;
        match convert(decl) {
            Ok(v) => *target = v,
            Err(message) => self.errors.push(InputError::Invalid {
                name: decl.name.to_string(),
                problem: message,
            }),
        }
    }

    /// Sets a decimal input without going through [`InputValue`] (numbers from a typed column).
    #[inline]
    pub fn set_number(&mut self, slot: usize, value: Decimal) {
        // A number that fits its number input, inline: a batch sets a column of them.
        let c = &*self.scorer.inner;
        if let (Some(decl), Some(target), Some(given)) =
            (c.inputs.get(slot), self.values.get_mut(slot), self.given.get_mut(slot))
            && matches!(decl.kind, InputKind::Number | InputKind::Count | InputKind::Manual)
            && number_fits(decl, value)
        {
            *given = true;
            *target = InVal::Num(value);
            return;
        }
        self.set_number_checked(slot, value);
    }

    /// [`set_number`](Self::set_number) of a number that does not fit, or of another kind of
    /// input: the problem recorded, or the number read as that input reads it.
    #[inline(never)]
    fn set_number_checked(&mut self, slot: usize, value: Decimal) {
        let numeric = self
            .scorer
            .inner
            .inputs
            .get(slot)
            .is_some_and(|decl| matches!(decl.kind, InputKind::Number | InputKind::Count | InputKind::Manual));
        if numeric {
            self.put(slot, |decl| check_number(decl, value));
        } else {
            self.set(slot, &InputValue::Number(value));
        }
    }

    /// Marks the input in `slot` as not given (a blank cell): its default applies, if any.
    pub fn clear(&mut self, slot: usize) {
        if let (Some(v), Some(g)) = (self.values.get_mut(slot), self.given.get_mut(slot)) {
            *v = InVal::Absent;
            *g = false;
        }
    }

    /// Completes the unit into `out` (defaults filled in, missing inputs reported with every
    /// other problem) and resets the builder for the next unit.
    pub fn finish_into(&mut self, out: &mut PreparedInputs) -> Result<(), EvalError> {
        let result = self.complete();
        out.system = self.scorer.identity();
        std::mem::swap(&mut out.values, &mut self.values);
        self.values.clear();
        self.values.resize(self.scorer.inner.inputs.len(), InVal::Absent);
        result
    }

    /// Fills in the defaults of the inputs not given, reports the missing ones with every other
    /// problem, and forgets which inputs were given.
    pub(crate) fn complete(&mut self) -> Result<(), EvalError> {
        let c = &*self.scorer.inner;
        for ((decl, slot), given) in c.inputs.iter().zip(self.values.iter_mut()).zip(self.given.iter_mut()) {
            if !*given {
                if let Some(d) = &decl.default {
                    *slot = *d;
                } else if decl.required {
                    self.errors.push(InputError::Missing {
                        name: decl.name.to_string(),
                    });
                }
            }
            *given = false;
        }
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(EvalError::Inputs(std::mem::take(&mut self.errors)))
        }
    }

    /// Reads the input cells of a table's row ([`Scorer::row_slots`]; blank cells are not given)
    /// and completes the unit, as [`Scorer::prepare`] prepares
    /// [`inputs_from_row`](crate::inputs::table::inputs_from_row)'s inputs.
    pub fn finish_row(&mut self, slots: &RowSlots, row: &[impl AsRef<str>]) -> Result<PreparedInputs, EvalError> {
        for (column, slot) in &slots.cells {
            let Some(cell) = row.get(*column).map(AsRef::as_ref) else {
                continue;
            };
            if is_blank(cell) {
                continue;
            }
            match slot {
                Ok(slot) => self.set_text(*slot, cell),
                Err(name) => self.errors.push(InputError::Unknown { name: name.clone() }),
            }
        }
        self.finish()
    }

    /// Completes the unit (see [`finish_into`](Self::finish_into)).
    pub fn finish(&mut self) -> Result<PreparedInputs, EvalError> {
        let mut out = PreparedInputs {
            system: 0,
            values: Vec::new(),
        };
        self.finish_into(&mut out).map(|()| out)
    }
}
