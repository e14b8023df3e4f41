//! serde over the document tree ([`Node`]): the derived `Deserialize` of the format's types read
//! JSON and TOML through this deserializer, and every error comes out located at the field path
//! (`indicators[0].rule.deduct`) and the byte offset of the value or key it is about.
//!
//! What the tree adds to serde: numbers keep their digits (handed to decimals in serde_json's
//! `arbitrary_precision` form, which [`crate::Dec`] reads, whether or not that feature is on),
//! keys given twice are refused at the second key, and an internally tagged enum ([`Rule`]) is read
//! without buffering, so its fields keep their positions too (see [`TAGGED`]).
//!
//! [`Rule`]: super::Rule

use std::fmt;

use serde::de::value::{MapAccessDeserializer, MapDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, Expected, MapAccess, SeqAccess, Unexpected, Visitor};

use super::tree::{Key, Node, Value};
use crate::dec::JSON_NUMBER_TOKEN;

/// The struct name under which a tagged enum asks for its object with the tag key first.
///
/// A tagged enum's `Deserialize` calls `deserialize_struct(TAGGED, &[tag], visitor)`: this
/// deserializer then hands the tag's entry over first, so that the visitor knows the variant before
/// it reads the other fields, and streams those into the variant's own derived `Deserialize`.
/// Other deserializers see an ordinary struct; the visitor buffers when the tag does not come
/// first ([`TaggedVisitor`]).
pub(crate) const TAGGED: &str = "$jixiao::Tagged";

/// Where a value sits: a chain of fields and indices back to the document root.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Path<'p> {
    Root,
    Field(&'p Path<'p>, &'p str),
    Index(&'p Path<'p>, usize),
}

impl Path<'_> {
    pub(crate) fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Path::Root => {}
            Path::Field(parent, name) => {
                parent.write(out);
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Path::Index(parent, i) => {
                parent.write(out);
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
}

/// A reading error: what, and (once known) the field path and byte offset it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DeError {
    pub message: String,
    pub place: Option<(String, usize)>,
}

impl DeError {
    /// Locates the error at `path` and `at` unless a deeper value already did.
    fn locate(mut self, path: &Path<'_>, at: usize) -> Self {
        if self.place.is_none() {
            self.place = Some((path.render(), at));
        }
        self
    }
}

impl fmt::Display for DeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.place {
            Some((path, _)) if !path.is_empty() => write!(f, "{path}: {}", self.message),
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for DeError {}

/// How messages list names: `` `a` `` for one, `` one of `a`, `b` `` for more.
pub(crate) fn one_of(names: &[&str]) -> String {
    match names {
        [] => "nothing".to_string(),
        [only] => format!("`{only}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}

/// How messages name a kind of value, in the words of the tree ([`Value::kind`]).
fn kind_of(unexpected: &Unexpected<'_>) -> String {
    match unexpected {
        Unexpected::Bool(_) => "a boolean".into(),
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number".into(),
        Unexpected::Char(_) | Unexpected::Str(_) => "a string".into(),
        Unexpected::Unit | Unexpected::Option => "null".into(),
        Unexpected::Seq => "a list".into(),
        Unexpected::Map => "an object".into(),
        other => other.to_string(),
    }
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError {
            message: msg.to_string(),
            place: None,
        }
    }

    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::custom(format_args!("expected {expected}, found {}", kind_of(&unexpected)))
    }

    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn Expected) -> Self {
        Self::custom(format_args!("expected {expected}, found {unexpected}"))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Self::custom(format_args!("unknown value `{variant}`, expected {}", one_of(expected)))
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        // Names of serde protocols (`$serde_json::private::Number`) are not fields a user writes.
        let expected: Vec<&str> = expected.iter().copied().filter(|n| !n.starts_with('$')).collect();
        Self::custom(format_args!("unknown field `{field}`, expected {}", one_of(&expected)))
    }
}

/// Reads `T` from a tree; the error carries the path and offset of what it is about.
pub(crate) fn from_node<T: de::DeserializeOwned>(node: &Node<'_>) -> Result<T, DeError> {
    T::deserialize(NodeDe {
        node,
        path: &Path::Root,
    })
}

/// A value of the tree at its path.
struct NodeDe<'n, 'a, 'p> {
    node: &'n Node<'a>,
    path: &'p Path<'p>,
}

impl NodeDe<'_, '_, '_> {
    fn locate<T>(&self, result: Result<T, DeError>) -> Result<T, DeError> {
        result.map_err(|e| e.locate(self.path, self.node.at))
    }

    fn expected(&self, what: &dyn Expected) -> DeError {
        de::Error::custom(format_args!("expected {what}, found {}", self.node.value.kind()))
    }

    fn number<'de, V: Visitor<'de>>(&self, text: &str, visitor: V) -> Result<V::Value, DeError> {
        if let Ok(n) = text.parse::<u64>() {
            visitor.visit_u64(n)
        } else if let Ok(n) = text.parse::<i64>() {
            visitor.visit_i64(n)
        } else {
            visitor.visit_map(MapDeserializer::new(std::iter::once((JSON_NUMBER_TOKEN, text))))
        }
    }

    fn map<'de, V: Visitor<'de>>(&self, visitor: V, tag: Option<&str>) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Object(entries) => {
                let mut order: Vec<usize> = (0..entries.len()).collect();
                if let Some(i) = tag.and_then(|t| entries.iter().position(|(k, _)| k.name == t)) {
                    order.remove(i);
                    order.insert(0, i);
                }
                visitor.visit_map(MapDe {
                    entries,
                    order,
                    next: 0,
                    path: self.path,
                })
            }
            _ => Err(self.expected(&visitor)),
        }
    }

    fn unsigned<'de, V: Visitor<'de>>(&self, visitor: V, max: u64) -> Result<V::Value, DeError> {
        match &self.node.value {
            Value::Number(text) => match text.parse::<u64>() {
                Ok(n) if n <= max => visitor.visit_u64(n),
                _ => Err(de::Error::custom(format_args!(
                    "expected a whole number from 0 to {max}, found `{text}`"
                ))),
            },
            _ => Err(self.expected(&"a whole number")),
        }
    }
}

impl<'de> Deserializer<'de> for NodeDe<'_, '_, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(text) => self.number(text, visitor),
            Value::String(s) => visitor.visit_str(s),
            Value::Array(_) => return self.deserialize_seq(visitor),
            Value::Object(_) => self.map(visitor, None),
        };
        self.locate(result)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match self.node.value {
            Value::Bool(b) => visitor.visit_bool(b),
            _ => Err(self.expected(&"true or false")),
        };
        self.locate(result)
    }

    fn deserialize_u8<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.locate(self.unsigned(visitor, u8::MAX.into()))
    }

    fn deserialize_u16<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.locate(self.unsigned(visitor, u16::MAX.into()))
    }

    fn deserialize_u32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.locate(self.unsigned(visitor, u32::MAX.into()))
    }

    fn deserialize_u64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.locate(self.unsigned(visitor, u64::MAX))
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.value {
            Value::String(s) => visitor.visit_str(s),
            _ => Err(self.expected(&visitor)),
        };
        self.locate(result)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.node.value {
            Value::Null => self.locate(visitor.visit_none()),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match self.node.value {
            Value::Null => visitor.visit_unit(),
            _ => Err(self.expected(&"null")),
        };
        self.locate(result)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let result = match &self.node.value {
            Value::Array(items) => visitor.visit_seq(SeqDe {
                items,
                next: 0,
                path: self.path,
            }),
            _ => Err(self.expected(&"a list")),
        };
        self.locate(result)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.locate(self.map(visitor, None))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        let tag = if name == TAGGED { fields.first().copied() } else { None };
        self.locate(self.map(visitor, tag))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        // A unit variant is its name; any other variant an object of one key, the variant's name
        // (serde's externally tagged form: `{"what_if": {...}}`).
        let result = match &self.node.value {
            Value::String(s) => visitor.visit_enum(de::IntoDeserializer::<DeError>::into_deserializer(s.as_ref())),
            Value::Object(entries) => match entries.as_slice() {
                [(key, node)] => visitor.visit_enum(EnumDe {
                    key,
                    node,
                    path: self.path,
                }),
                _ => Err(de::Error::custom(format_args!(
                    "expected an object with exactly one key, {}",
                    one_of(variants)
                ))),
            },
            _ => Err(self.expected(&one_of(variants).as_str())),
        };
        self.locate(result)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u128 f32 f64 char bytes byte_buf unit_struct tuple tuple_struct identifier
    }
}

/// The entries of an object, in document order (or the tag first, for a tagged enum).
struct MapDe<'n, 'a, 'p> {
    entries: &'n [(Key<'a>, Node<'a>)],
    order: Vec<usize>,
    next: usize,
    path: &'p Path<'p>,
}

impl<'n, 'a> MapDe<'n, 'a, '_> {
    fn entry(&self, k: usize) -> Option<&'n (Key<'a>, Node<'a>)> {
        self.order.get(k).and_then(|&i| self.entries.get(i))
    }
}

impl<'de> MapAccess<'de> for MapDe<'_, '_, '_> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, DeError> {
        let Some((key, _)) = self.entry(self.next) else {
            return Ok(None);
        };
        let here = Path::Field(self.path, &key.name);
        let seen = (0..self.next).any(|k| self.entry(k).is_some_and(|(earlier, _)| earlier.name == key.name));
        if seen {
            let e: DeError = de::Error::custom(format_args!("duplicate field `{}`", key.name));
            return Err(e.locate(&here, key.at));
        }
        seed.deserialize(KeyDe { key, path: &here })
            .map(Some)
            .map_err(|e| e.locate(&here, key.at))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let Some((key, node)) = self.entry(self.next) else {
            return Err(de::Error::custom("a value was asked for after the last key"));
        };
        self.next += 1;
        let here = Path::Field(self.path, &key.name);
        seed.deserialize(NodeDe { node, path: &here })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.order.len().saturating_sub(self.next))
    }
}

/// A key of an object: read as a name (a field, a variant, a map key).
struct KeyDe<'n, 'a, 'p> {
    key: &'n Key<'a>,
    path: &'p Path<'p>,
}

impl<'de> Deserializer<'de> for KeyDe<'_, '_, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor
            .visit_str(&self.key.name)
            .map_err(|e: DeError| e.locate(self.path, self.key.at))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// A variant written as an object of one key.
struct EnumDe<'n, 'a, 'p> {
    key: &'n Key<'a>,
    node: &'n Node<'a>,
    path: &'p Path<'p>,
}

impl<'de, 'n, 'a, 'p> de::EnumAccess<'de> for EnumDe<'n, 'a, 'p> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        let here = Path::Field(self.path, &self.key.name);
        let variant = seed
            .deserialize(KeyDe {
                key: self.key,
                path: &here,
            })
            .map_err(|e| e.locate(&here, self.key.at))?;
        Ok((variant, self))
    }
}

impl<'de> de::VariantAccess<'de> for EnumDe<'_, '_, '_> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        let here = Path::Field(self.path, &self.key.name);
        de::Deserialize::deserialize(NodeDe {
            node: self.node,
            path: &here,
        })
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        let here = Path::Field(self.path, &self.key.name);
        seed.deserialize(NodeDe {
            node: self.node,
            path: &here,
        })
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, DeError> {
        let here = Path::Field(self.path, &self.key.name);
        NodeDe {
            node: self.node,
            path: &here,
        }
        .deserialize_seq(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, fields: &'static [&'static str], visitor: V) -> Result<V::Value, DeError> {
        let here = Path::Field(self.path, &self.key.name);
        NodeDe {
            node: self.node,
            path: &here,
        }
        .deserialize_struct("", fields, visitor)
    }
}

/// The items of a list.
struct SeqDe<'n, 'a, 'p> {
    items: &'n [Node<'a>],
    next: usize,
    path: &'p Path<'p>,
}

impl<'de> SeqAccess<'de> for SeqDe<'_, '_, '_> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, DeError> {
        let Some(node) = self.items.get(self.next) else {
            return Ok(None);
        };
        let here = Path::Index(self.path, self.next);
        self.next += 1;
        seed.deserialize(NodeDe { node, path: &here }).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len().saturating_sub(self.next))
    }
}

/// An internally tagged enum of the format (`{"type": "step", ...}`): the tag names a variant, and
/// the object's other fields are the variant's own struct.
pub(crate) trait Tagged: Sized {
    /// The tag key.
    const TAG: &'static str;
    /// The variant names, a unit enum deriving `Deserialize`.
    type Kind: de::DeserializeOwned;
    /// Reads the variant `kind` from the object's other fields.
    fn variant<'de, D: Deserializer<'de>>(kind: Self::Kind, rest: D) -> Result<Self, D::Error>;
}

/// The visitor of a [`Tagged`] enum's object.
///
/// When the tag comes first (always from this module's deserializer, see [`TAGGED`]) the other
/// entries stream into the variant's own `Deserialize` and keep their positions; from another
/// deserializer the object is first buffered into a tree.
pub(crate) struct TaggedVisitor<T>(pub std::marker::PhantomData<T>);

impl<'de, T: Tagged> Visitor<'de> for TaggedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an object with a `{}`", T::TAG)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let Some(first) = map.next_key::<String>()? else {
            return Err(de::Error::missing_field(T::TAG));
        };
        if first == T::TAG {
            let kind: T::Kind = map.next_value()?;
            return T::variant(kind, MapAccessDeserializer::new(map));
        }
        // Another deserializer, the tag elsewhere: buffer the object, then read it.
        let mut tag = None;
        let mut rest = vec![(owned_key(first), map.next_value::<Node<'static>>()?)];
        while let Some(name) = map.next_key::<String>()? {
            let value = map.next_value::<Node<'static>>()?;
            if name == T::TAG && tag.is_none() {
                tag = Some(value);
            } else {
                rest.push((owned_key(name), value));
            }
        }
        let Some(tag) = tag else {
            return Err(de::Error::missing_field(T::TAG));
        };
        let kind: T::Kind = from_node(&tag).map_err(to_other)?;
        let rest = node(Value::Object(rest));
        T::variant(
            kind,
            NodeDe {
                node: &rest,
                path: &Path::Root,
            },
        )
        .map_err(to_other)
    }
}

fn owned_key(name: String) -> Key<'static> {
    Key {
        at: 0,
        name: std::borrow::Cow::Owned(name),
    }
}

fn to_other<E: de::Error>(e: DeError) -> E {
    E::custom(e)
}

impl<'de> de::Deserialize<'de> for Node<'static> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// Any self-describing value as an owned tree (without positions): the way a system embedded in
/// another format is buffered. A binary float is refused, as everywhere.
struct NodeVisitor;

fn node(value: Value<'static>) -> Node<'static> {
    Node { at: 0, end: 0, value }
}

fn number(text: String) -> Node<'static> {
    node(Value::Number(std::borrow::Cow::Owned(text)))
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'static>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an indicator system's value (object, list, string, integer, boolean)")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(node(Value::Bool(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(number(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(number(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(number(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(number(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(E::custom(crate::dec::float_refused(v)))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(node(Value::String(std::borrow::Cow::Owned(v.to_string()))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(node(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(node(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        de::Deserialize::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node<'static>>()? {
            items.push(item);
        }
        Ok(node(Value::Array(items)))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if name == JSON_NUMBER_TOKEN && entries.is_empty() {
                return Ok(number(map.next_value::<String>()?));
            }
            let value = map.next_value::<Node<'static>>()?;
            entries.push((owned_key(name), value));
        }
        Ok(node(Value::Object(entries)))
    }
}
#[cfg(test)]
mod tests {
    use crate::error::LoadError;
    use crate::format::*;

    const SYSTEM: &str = r#"{
  "format": 1, "id": "t", "name": "测试",
  "inputs": [{"name": "a", "default": 1.50}, {"name": "b", "kind": "checklist", "items": ["x"], "default": ["x"]}],
  "indicators": [
    {"id": "1", "name": "甲", "points": 10, "rule": {"type": "rate", "value": "a"}}
  ],
  "grades": [{"label": "合格"}]
}"#;

    /// The error's place as users read it (`indicators[0].points (line 5 column 40)`) and message.
    fn error(text: &str) -> (String, String) {
        match IndicatorSystem::from_json(text) {
            Err(e @ LoadError::Syntax { .. }) => {
                let issue = e.issues().remove(0);
                (issue.path, issue.message)
            }
            other => (String::new(), format!("not a syntax error: {other:?}")),
        }
    }

    #[test]
    fn path_line_and_column_are_fields_of_the_error() {
        let text = SYSTEM.replacen(r#""points": 10"#, r#""points": true"#, 1);
        match IndicatorSystem::from_json(&text) {
            Err(LoadError::Syntax {
                format,
                path,
                line,
                column,
                message,
                ..
            }) => {
                assert_eq!(
                    (format, path.as_str(), line, column),
                    ("JSON", "indicators[0].points", Some(5), Some(40))
                );
                assert!(message.starts_with("expected a decimal number"), "{message}");
            }
            other => panic!("{other:?}"),
        }
        // A syntax error has a position and no path; an oversized text neither.
        match IndicatorSystem::from_json("{\"a\": 1,}") {
            Err(LoadError::Syntax { path, line, column, .. }) => {
                assert_eq!((path.as_str(), line, column), ("", Some(1), Some(9)));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn reads_defaults_and_exact_numbers() {
        let s = IndicatorSystem::from_json(SYSTEM).unwrap();
        assert_eq!(s.inputs[0].default, Some(InputDefault::Text("1.5".into())));
        assert_eq!(s.inputs[1].default, Some(InputDefault::Items(vec!["x".into()])));
        assert!(s.inputs[0].required);
        assert_eq!(s.inputs[1].kind, InputKind::Checklist);
        assert_eq!(s.rounding, RoundingPolicy::default());
        assert_eq!(s.excluded_points, ExcludedPoints::Rescale);
        assert_eq!(s.indicators[0].points.to_string(), "10");
    }

    #[test]
    fn every_error_names_the_field_and_its_line() {
        let cases = [
            (
                r#""points": 10"#,
                r#""points": 10, "pionts": 1"#,
                "indicators[0].pionts (line 5 column 44)",
                "unknown field `pionts`, expected one of `id`, `name`,",
            ),
            (
                r#""points": 10"#,
                r#""points": 10, "points": 1"#,
                "indicators[0].points (line 5 column 44)",
                "duplicate field `points`",
            ),
            (
                r#""points": 10, "#,
                "",
                "indicators[0] (line 5 column 5)",
                "missing field `points`",
            ),
            (
                r#""points": 10"#,
                r#""points": true"#,
                "indicators[0].points (line 5 column 40)",
                "expected a decimal number as a string",
            ),
            (
                r#""points": 10"#,
                r#""points": "1e5""#,
                "indicators[0].points (line 5 column 40)",
                "`1e5` is not a decimal number",
            ),
            (
                r#""type": "rate""#,
                r#""type": "rat""#,
                "indicators[0].rule.type (line 5 column 61)",
                "unknown value `rat`, expected one of `step`, `tiers`,",
            ),
            (
                r#""type": "rate", "#,
                "",
                "indicators[0].rule (line 5 column 52)",
                "missing field `type`",
            ),
            (
                r#""value": "a"}"#,
                r#""value": "a", "type": "rate"}"#,
                "indicators[0].rule.type (line 5 column 83)",
                "duplicate field `type`",
            ),
            (
                r#""value": "a"}"#,
                r#""value": "a", "deduct": 1}"#,
                "indicators[0].rule.deduct (line 5 column 83)",
                "unknown field `deduct`, expected one of `value`, `round_rate`",
            ),
            (
                r#""format": 1"#,
                r#""format": -1"#,
                "format (line 2 column 13)",
                "expected a whole number from 0 to 4294967295, found `-1`",
            ),
            (
                r#""kind": "checklist""#,
                r#""kind": "list""#,
                "inputs[1].kind (line 3 column 68)",
                "unknown value `list`, expected one of `number`,",
            ),
            (r#""default": 1.50"#, r#""default": null"#, "", "not a syntax error"),
            (
                r#""default": 1.50"#,
                r#""default": {}"#,
                "inputs[0].default (line 3 column 39)",
                "expected true/false, a decimal, a level name or a list of checklist items, found an object",
            ),
            (
                r#""grades": [{"label": "合格"}]"#,
                r#""grades": {}"#,
                "grades (line 7 column 13)",
                "expected a list, found an object",
            ),
            (
                r#""indicators": ["#,
                r#""indicators": [5, "#,
                "indicators[0] (line 4 column 18)",
                "expected an indicator (an object), found a number",
            ),
        ];
        for (from, to, path, message) in cases {
            let text = SYSTEM.replacen(from, to, 1);
            assert_ne!(text, SYSTEM, "{from}");
            let (p, m) = error(&text);
            assert_eq!(p, path, "{to}: {m}");
            assert!(m.starts_with(message), "{to}: {m}");
        }
    }

    #[test]
    fn rounding_total_none_null_or_a_step() {
        let with = |total: &str| {
            SYSTEM.replacen(
                r#""grades""#,
                &format!(r#""rounding": {{"total": {total}}}, "grades""#),
                1,
            )
        };
        for none in [r#""none""#, "null"] {
            assert_eq!(IndicatorSystem::from_json(&with(none)).unwrap().rounding.total, None);
        }
        let step = IndicatorSystem::from_json(&with(r#"{"scale": 1, "mode": "down"}"#)).unwrap();
        assert_eq!(
            step.rounding.total,
            Some(Rounding {
                scale: 1,
                mode: RoundingMode::Down
            })
        );
        let (path, message) = error(&with(r#""nothing""#));
        assert!(path.starts_with("rounding.total (line 7"), "{path}");
        assert_eq!(
            message,
            r#"expected "none" or a rounding step {scale, mode}, found "nothing""#
        );
        let (path, message) = error(&with(r#"{"scale": 1, "mod": "down"}"#));
        assert!(path.starts_with("rounding.total.mod (line 7"), "{path}");
        assert_eq!(message, "unknown field `mod`, expected one of `scale`, `mode`");
    }

    #[test]
    fn toml_errors_use_the_same_paths() {
        let toml = IndicatorSystem::from_json(SYSTEM).unwrap().to_toml().unwrap();
        let bad = toml.replacen("points = \"10\"", "points = \"10\"\npionts = 1", 1);
        assert_ne!(bad, toml);
        match IndicatorSystem::from_toml(&bad) {
            Err(LoadError::Syntax {
                path, line, message, ..
            }) => {
                assert_eq!(path, "indicators[0].pionts");
                assert!(line.is_some());
                assert!(message.starts_with("unknown field `pionts`"), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn input_kind_names_are_the_file_names() {
        for kind in [
            InputKind::Number,
            InputKind::Count,
            InputKind::Boolean,
            InputKind::Level,
            InputKind::Checklist,
            InputKind::Manual,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.as_str());
            let text = SYSTEM.replacen(r#""kind": "checklist""#, &format!(r#""kind": "{}""#, kind.as_str()), 1);
            assert_eq!(IndicatorSystem::from_json(&text).unwrap().inputs[1].kind, kind);
        }
    }

    /// The built-in systems' texts (read from their files: the format does not depend on the
    /// built-ins).
    fn builtin_texts() -> Vec<(String, String)> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("systems");
        let mut out: Vec<(String, String)> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json") && !p.to_string_lossy().ends_with(".example.json"))
            .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        out.sort();
        out
    }

    #[test]
    fn json_numbers_keep_their_digits() {
        let dec = |text: &str| -> Result<crate::dec::Dec, String> {
            let node = crate::format::tree::parse_json(text).map_err(|e| e.message)?;
            super::from_node::<crate::dec::Dec>(&node).map_err(|e| e.message)
        };
        assert_eq!(dec("0.1").unwrap().0.to_string(), "0.1");
        let d = dec("12345678901234567890.123456789").unwrap();
        assert_eq!(d.0.to_string(), "12345678901234567890.123456789");
        assert_eq!(dec("1.5e3").unwrap().0.normalize().to_string(), "1500");
        assert!(dec("1e400").is_err());
        assert_eq!(dec("\"5%\"").unwrap().0.to_string(), "0.05");
    }

    #[test]
    fn deserialize_reads_like_from_json_in_any_format() {
        let texts = builtin_texts();
        assert!(texts.len() >= 5);
        for (id, text) in &texts {
            let direct = IndicatorSystem::from_json(text).unwrap();
            let via_serde: IndicatorSystem = serde_json::from_str(text).unwrap();
            assert_eq!(via_serde, direct, "{id}");
            // Written back (decimals as strings), it reads the same, whatever the key order.
            let via_serde: IndicatorSystem = serde_json::from_str(&direct.to_json()).unwrap();
            assert_eq!(via_serde, direct, "{id}");
            let toml = direct.to_toml().unwrap();
            let via_toml: IndicatorSystem = toml::from_str(&toml).unwrap();
            assert_eq!(via_toml, direct, "{id}");
        }
        // Embedded in a service's own configuration.
        #[derive(serde::Deserialize)]
        struct Config {
            system: IndicatorSystem,
        }
        let canonical = IndicatorSystem::from_json(SYSTEM).unwrap().to_json();
        let config: Config = serde_json::from_str(&format!(r#"{{"system": {canonical}}}"#)).unwrap();
        assert_eq!(config.system, IndicatorSystem::from_json(SYSTEM).unwrap());
        // serde_json itself (without `arbitrary_precision`) holds `1.50` as a binary float: refused
        // with the advice, never read as 1.5 by accident.
        let e = serde_json::from_str::<IndicatorSystem>(SYSTEM)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("write the decimal as a string"), "{e}");
        // The derived deserializers' errors in serde_json's words.
        let plain = SYSTEM.replacen("1.50", "\"1.50\"", 1);
        let bad = plain.replacen(r#""points": 10"#, r#""points": 10, "pionts": 1"#, 1);
        let e = serde_json::from_str::<IndicatorSystem>(&bad).err().unwrap().to_string();
        assert!(e.starts_with("unknown field `pionts`"), "{e}");
        // A rule whose `type` is not its first key, from another deserializer: buffered, then read.
        let late = plain.replacen(
            r#"{"type": "rate", "value": "a"}"#,
            r#"{"value": "a", "type": "rate"}"#,
            1,
        );
        assert_ne!(late, plain);
        let system: IndicatorSystem = serde_json::from_str(&late).unwrap();
        assert_eq!(system, IndicatorSystem::from_json(&plain).unwrap());
        let missing = plain.replacen(r#""type": "rate", "#, "", 1);
        let e = serde_json::from_str::<IndicatorSystem>(&missing)
            .err()
            .unwrap()
            .to_string();
        assert!(e.starts_with("missing field `type`"), "{e}");
        let toml = IndicatorSystem::from_json(SYSTEM).unwrap().to_toml().unwrap();
        let float = toml.replacen("points = \"10\"", "points = 10.5", 1);
        assert_ne!(float, toml);
        let e = toml::from_str::<IndicatorSystem>(&float).err().unwrap().to_string();
        assert!(e.contains("write the decimal as a string, e.g. \"10.5\""), "{e}");
    }
}
