//! Inputs and requests as documents give them (JSON, TOML, or a value another library parsed),
//! read through the format's document tree and its located deserializer: numbers from their
//! digits, keys given twice refused, a binary float refused with the string to write instead, and
//! every error at the field path, line and column it is about.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, MapAccess, SeqAccess, Visitor};

use super::{InputValue, Inputs};
use crate::dec::{Dec, float_refused, parse_json_number};
use crate::format::de::{DeError, from_node};
use crate::format::tree::{self, Node};

/// A document that cannot be read: where and what.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", place(.path, *.line, *.column))]
#[non_exhaustive]
pub struct ReadError {
    /// `JSON` or `TOML`.
    pub format: &'static str,
    /// The text itself is malformed (rather than a value not fitting).
    pub syntax: bool,
    /// The field path (`预算管理制度[0]`); empty for the document itself.
    pub path: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

/// `path (line L column C): `, `(line L column C): ` or nothing.
fn place(path: &str, line: Option<usize>, column: Option<usize>) -> String {
    match (path.is_empty(), line.zip(column)) {
        (true, None) => String::new(),
        (false, None) => format!("{path}: "),
        (true, Some((l, c))) => format!("(line {l} column {c}): "),
        (false, Some((l, c))) => format!("{path} (line {l} column {c}): "),
    }
}

impl ReadError {
    /// A stable machine-readable kind: `syntax` (the text is not valid JSON/TOML) or `value` (a
    /// value does not fit where it stands).
    pub fn kind(&self) -> &'static str {
        if self.syntax { "syntax" } else { "value" }
    }

    fn new(format: &'static str, text: &str, syntax: bool, e: DeError) -> Self {
        let (path, line, column) = match e.place {
            Some((path, at)) => {
                let (line, column) = tree::line_column(text, at);
                (path, Some(line), Some(column))
            }
            None => (String::new(), None, None),
        };
        ReadError {
            format,
            syntax,
            path,
            line,
            column,
            message: e.message,
        }
    }
}

/// Reads `T` from JSON text.
pub fn read_json<T: de::DeserializeOwned>(text: &str) -> Result<T, ReadError> {
    from_node(&json_tree(text)?).map_err(|e| ReadError::new("JSON", text, false, e))
}

/// JSON text as the document tree, a syntax error located.
fn json_tree(text: &str) -> Result<Node<'_>, ReadError> {
    tree::parse_json(text).map_err(|e| {
        ReadError::new(
            "JSON",
            text,
            true,
            DeError {
                message: e.message,
                place: Some((String::new(), e.at)),
            },
        )
    })
}

/// Reads `T` from TOML text (a TOML float is refused with the string to write instead).
pub fn read_toml<T: de::DeserializeOwned>(text: &str) -> Result<T, ReadError> {
    let tree = crate::format::load::toml_tree(text).map_err(|e| {
        let syntax = e.place.as_ref().is_some_and(|(p, _)| p.is_empty());
        ReadError::new("TOML", text, syntax, e)
    })?;
    from_node(&tree).map_err(|e| ReadError::new("TOML", text, false, e))
}

/// Reads `T` from a value another library parsed (a `serde_json::Value`, say): a fractional number
/// is refused, since such a value holds it as a binary float.
pub fn read_value<'de, D: de::Deserializer<'de>, T: de::DeserializeOwned>(value: D) -> Result<T, ReadError>
where
    D::Error: std::fmt::Display,
{
    let node = Node::<'static>::deserialize(value).map_err(|e| ReadError {
        format: "JSON",
        syntax: false,
        path: String::new(),
        line: None,
        column: None,
        message: e.to_string(),
    })?;
    read_node(&node)
}

/// Reads `T` from an owned tree (positions unknown).
pub(crate) fn read_node<T: de::DeserializeOwned>(node: &Node<'_>) -> Result<T, ReadError> {
    from_node(node).map_err(|e| {
        let path = e.place.map(|(path, _)| path).unwrap_or_default();
        ReadError {
            format: "JSON",
            syntax: false,
            path,
            line: None,
            column: None,
            message: e.message,
        }
    })
}

/// The texts of the items of a JSON array (each as written, to be read on its own).
pub fn list_items(text: &str) -> Result<Vec<&str>, ReadError> {
    let tree = json_tree(text)?;
    match &tree.value {
        tree::Value::Array(items) => Ok(items.iter().map(|n| text.get(n.at..n.end).unwrap_or("")).collect()),
        other => Err(ReadError::new(
            "JSON",
            text,
            false,
            DeError {
                message: format!("expected a list of units, found {}", other.kind()),
                place: Some((String::new(), tree.at)),
            },
        )),
    }
}

/// A unit's inputs from JSON text.
pub fn inputs_from_json(text: &str) -> Result<Inputs, ReadError> {
    read_json::<UnitInputs>(text).map(Inputs::from)
}

/// A unit's inputs from TOML text.
pub fn inputs_from_toml(text: &str) -> Result<Inputs, ReadError> {
    read_toml::<UnitInputs>(text).map(Inputs::from)
}

/// A unit's inputs as JSON reads them: name → number, decimal string, `true`/`false`, list of
/// checklist items, or `{"level": ..., "score": ...}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitInputs(pub BTreeMap<String, InputDoc>);

impl<'de> Deserialize<'de> for UnitInputs {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct UnitVisitor;
        impl<'de> Visitor<'de> for UnitVisitor {
            type Value = UnitInputs;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("the inputs as a JSON object of name → value")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UnitInputs, A::Error> {
                let mut values = BTreeMap::new();
                while let Some((name, value)) = map.next_entry::<String, InputDoc>()? {
                    values.insert(name, value);
                }
                Ok(UnitInputs(values))
            }
        }
        deserializer.deserialize_map(UnitVisitor)
    }
}

impl From<UnitInputs> for Inputs {
    fn from(u: UnitInputs) -> Inputs {
        Inputs {
            values: u.0.into_iter().map(|(k, v)| (k, v.0)).collect(),
        }
    }
}

/// One input value as JSON gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputDoc(pub InputValue);

impl<'de> Deserialize<'de> for InputDoc {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(InputVisitor).map(InputDoc)
    }
}

struct InputVisitor;

impl<'de> Visitor<'de> for InputVisitor {
    type Value = InputValue;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number, a decimal string, true/false, a list of checklist items or {\"level\", \"score\"}")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<InputValue, E> {
        Ok(InputValue::Bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<InputValue, E> {
        Ok(InputValue::Number(Decimal::from(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<InputValue, E> {
        Ok(InputValue::Number(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<InputValue, E> {
        Err(E::custom(float_refused(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<InputValue, E> {
        Ok(InputValue::Text(v.to_string()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<InputValue, E> {
        Err(E::custom("null is not a value; leave the input out instead"))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<InputValue, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<String>()? {
            items.push(item);
        }
        Ok(InputValue::Items(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<InputValue, A::Error> {
        /// The keys of a level input, and the key of a number in serde_json's exact form.
        #[derive(Deserialize)]
        #[serde(field_identifier, rename_all = "snake_case")]
        enum Key {
            Level,
            Score,
            #[serde(rename = "$serde_json::private::Number")]
            Number,
        }
        let mut level = None;
        let mut score = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Number => {
                    let text: String = map.next_value()?;
                    return parse_json_number(&text)
                        .map(InputValue::Number)
                        .map_err(de::Error::custom);
                }
                Key::Level => level = Some(map.next_value::<String>()?),
                Key::Score => score = map.next_value::<Option<Dec>>()?.map(|d| d.0),
            }
        }
        match level {
            Some(level) => Ok(InputValue::Level { level, score }),
            None => Err(de::Error::custom(
                "an input given as {level, score} needs a string `level`",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_kind_and_where() {
        let e = inputs_from_json("{\"a\": 1,}").unwrap_err();
        assert_eq!((e.kind(), e.line, e.column), ("syntax", Some(1), Some(9)));
        let e = inputs_from_json("{\"a\": [1]}").unwrap_err();
        assert_eq!((e.kind(), e.path.as_str()), ("value", "a[0]"));
        assert_eq!(
            e.to_string(),
            "a[0] (line 1 column 8): expected a string, found a number"
        );
        let e = inputs_from_toml("a = 0.5\n").unwrap_err();
        assert_eq!((e.kind(), e.format, e.path.as_str()), ("value", "TOML", "a"));
        assert_eq!(list_items("[1, {\"a\": 2}]").unwrap(), ["1", "{\"a\": 2}"]);
        assert_eq!(list_items("{}").unwrap_err().kind(), "value");
    }
}
