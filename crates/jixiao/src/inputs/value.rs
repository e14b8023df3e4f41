//! Input values as users give them, and the inputs of one unit.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

/// One input value as a user gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputValue {
    /// A decimal (number, count and manual inputs).
    Number(Decimal),
    /// Yes or no.
    Bool(bool),
    /// Text: a decimal (`"82.39%"`, `"3,867"`), a level name, `是`/`否`, or checklist items
    /// separated by `、` `,` `;`.
    Text(String),
    /// A level with an optional score (in points) inside its band.
    Level {
        /// The level's name.
        level: String,
        /// The score chosen inside the band.
        score: Option<Decimal>,
    },
    /// The satisfied items of a checklist.
    Items(Vec<String>),
}

impl From<Decimal> for InputValue {
    fn from(v: Decimal) -> Self {
        InputValue::Number(v)
    }
}

/// Whole numbers of every width are figures (`Inputs::new().with("编制数", 76u32)`).
macro_rules! input_from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for InputValue {
            fn from(v: $t) -> Self {
                InputValue::Number(Decimal::from(v))
            }
        }
    )*};
}

input_from_integer!(i8, i16, i32, i64, isize, u8, u16, u32, u64, usize);

impl From<crate::Dec> for InputValue {
    fn from(v: crate::Dec) -> Self {
        InputValue::Number(v.0)
    }
}

impl From<&[&str]> for InputValue {
    fn from(items: &[&str]) -> Self {
        InputValue::Items(items.iter().map(|s| s.to_string()).collect())
    }
}

impl From<bool> for InputValue {
    fn from(v: bool) -> Self {
        InputValue::Bool(v)
    }
}

impl From<&str> for InputValue {
    fn from(v: &str) -> Self {
        InputValue::Text(v.to_string())
    }
}

impl From<String> for InputValue {
    fn from(v: String) -> Self {
        InputValue::Text(v)
    }
}

impl From<Vec<String>> for InputValue {
    fn from(v: Vec<String>) -> Self {
        InputValue::Items(v)
    }
}

/// The inputs of one unit (department or project), by declared name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Values by input name.
    pub values: BTreeMap<String, InputValue>,
}

impl Inputs {
    /// No inputs.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets an input (builder style).
    pub fn with(mut self, name: impl Into<String>, value: impl Into<InputValue>) -> Self {
        self.values.insert(name.into(), value.into());
        self
    }

    /// Sets an input.
    pub fn set(&mut self, name: impl Into<String>, value: impl Into<InputValue>) {
        self.values.insert(name.into(), value.into());
    }
}

impl<K: Into<String>, V: Into<InputValue>> FromIterator<(K, V)> for Inputs {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        Inputs {
            values: iter.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
        }
    }
}
