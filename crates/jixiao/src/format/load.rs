//! Reading and writing indicator-system files.

use std::borrow::Cow;

use super::IndicatorSystem;
use super::de::{self, DeError, Path};
use super::tree::{self, Key, Node, Value};
use crate::error::LoadError;

/// Largest indicator-system text accepted (bytes).
pub const MAX_SYSTEM_BYTES: usize = 8 * 1024 * 1024;

fn too_large(format: &'static str, len: usize) -> LoadError {
    syntax(
        format,
        "",
        None,
        format!("the text is {len} bytes, above the limit of {MAX_SYSTEM_BYTES}"),
    )
}

/// A syntax error at `path` (may be empty) and, when known, a byte offset in `text`.
fn syntax(format: &'static str, path: &str, at: Option<(&str, usize)>, message: String) -> LoadError {
    let (line, column) = match at {
        Some((text, at)) => {
            let (line, column) = tree::line_column(text, at);
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    LoadError::Syntax {
        format,
        path: path.to_string(),
        line,
        column,
        message,
    }
}

impl IndicatorSystem {
    /// Parses the canonical JSON form. Errors give the field path and line/column.
    pub fn from_json(text: &str) -> Result<IndicatorSystem, LoadError> {
        if text.len() > MAX_SYSTEM_BYTES {
            return Err(too_large("JSON", text.len()));
        }
        if !text.trim_start().starts_with('{') {
            return Err(syntax(
                "JSON",
                "",
                None,
                "an indicator system is a JSON object `{\"format\": 1, ...}`".into(),
            ));
        }
        let tree = tree::parse_json(text).map_err(|e| syntax("JSON", "", Some((text, e.at)), e.message))?;
        de::from_node(&tree).map_err(|e| read_error("JSON", text, e))
    }

    /// Parses the TOML form.
    ///
    /// The TOML document is read into its spanned values and then by the same reader as
    /// [`from_json`](Self::from_json): errors name the field path and the TOML line and column.
    pub fn from_toml(text: &str) -> Result<IndicatorSystem, LoadError> {
        if text.len() > MAX_SYSTEM_BYTES {
            return Err(too_large("TOML", text.len()));
        }
        let tree = toml_tree(text).map_err(|e| read_error("TOML", text, e))?;
        de::from_node(&tree).map_err(|e| read_error("TOML", text, e))
    }

    /// Parses JSON or TOML, choosing by the first non-blank character (`{` or `[` means JSON).
    pub fn from_text(text: &str) -> Result<IndicatorSystem, LoadError> {
        if text.trim_start().starts_with(['{', '[']) {
            Self::from_json(text)
        } else {
            Self::from_toml(text)
        }
    }

    /// The canonical JSON form (pretty-printed).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The TOML form.
    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|e| e.to_string())
    }
}

fn read_error(format: &'static str, text: &str, e: DeError) -> LoadError {
    match &e.place {
        Some((path, at)) => syntax(format, path, Some((text, *at)), e.message),
        None => syntax(format, "", None, e.message),
    }
}

/// TOML text as the document tree every reader of the crate reads (systems, and inputs through
/// [`crate::wire::from_toml`]): errors located at the field path and byte offset.
pub(crate) fn toml_tree(text: &str) -> Result<Node<'_>, DeError> {
    let document = toml::de::DeTable::parse(text).map_err(|e| DeError {
        message: e.message().trim().to_string(),
        place: e.span().map(|s| (String::new(), s.start)),
    })?;
    toml_table(document.get_ref(), document.span().start, &Path::Root)
}

fn toml_error(path: &Path<'_>, at: usize, message: String) -> DeError {
    DeError {
        message,
        place: Some((path.render(), at)),
    }
}

fn toml_table<'a>(table: &toml::de::DeTable<'a>, at: usize, path: &Path<'_>) -> Result<Node<'a>, DeError> {
    let mut entries = Vec::with_capacity(table.len());
    for (key, value) in table.iter() {
        let name = key.get_ref().clone();
        let node = toml_value(value, &Path::Field(path, &name))?;
        entries.push((
            Key {
                at: key.span().start,
                name,
            },
            node,
        ));
    }
    Ok(Node {
        at,
        end: at,
        value: Value::Object(entries),
    })
}

/// One TOML value as a tree node. Integers keep their value in any radix; a float is refused
/// (a binary float in a table of decimals is a mistake waiting to happen) with the string to
/// write instead; dates have no place in an indicator system.
fn toml_value<'a>(value: &toml::Spanned<toml::de::DeValue<'a>>, path: &Path<'_>) -> Result<Node<'a>, DeError> {
    use toml::de::DeValue;
    let at = value.span().start;
    let value = match value.get_ref() {
        DeValue::String(s) => Value::String(s.clone()),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            let number = i128::from_str_radix(digits.trim_start_matches('+'), i.radix())
                .map_err(|_| toml_error(path, at, format!("the integer `{i}` cannot be read")))?;
            Value::Number(Cow::Owned(number.to_string()))
        }
        DeValue::Float(f) => {
            return Err(toml_error(path, at, crate::dec::float_refused(f)));
        }
        DeValue::Datetime(_) => {
            return Err(toml_error(path, at, "a date is not a value here".to_string()));
        }
        DeValue::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| toml_value(item, &Path::Index(path, i)))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(table) => return toml_table(table, at, path),
    };
    Ok(Node { at, end: at, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOML: &str = "format = 1\nid = \"t\"\nname = \"测试\"\n\n[[inputs]]\nname = \"a\"\nkind = \"number\"\n\n[[indicators]]\nid = \"1\"\nname = \"甲\"\npoints = 10\nrule = { type = \"rate\", value = \"a\" }\n\n[[grades]]\nlabel = \"合格\"\n";

    fn toml_error(text: &str) -> String {
        match IndicatorSystem::from_toml(text) {
            Err(e) => e.to_string(),
            Ok(_) => format!("no error for {text}"),
        }
    }

    #[test]
    fn toml_reads_like_the_json_form() {
        let from_toml = IndicatorSystem::from_toml(TOML).unwrap();
        let json = from_toml.to_json();
        assert_eq!(IndicatorSystem::from_json(&json).unwrap().to_json(), json);
        assert_eq!(from_toml.indicators.len(), 1);
        // Integers in any radix and with separators keep their value.
        let hex = TOML.replace("points = 10", "points = 0xA");
        assert_eq!(IndicatorSystem::from_toml(&hex).unwrap().to_json(), json);
        let sep = TOML.replace("points = 10", "points = +1_0");
        assert_eq!(IndicatorSystem::from_toml(&sep).unwrap().to_json(), json);
    }

    #[test]
    fn toml_errors_name_the_field_and_the_toml_line() {
        let e = toml_error(&TOML.replace("points = 10", "points = \"x\""));
        assert!(e.contains("indicators[0].points (line 12 column 10)"), "{e}");
        assert!(e.contains("`x` is not a decimal number"), "{e}");
        let e = toml_error(&TOML.replace("points = 10", "points = 10.5"));
        assert!(e.contains("indicators[0].points (line 12 column 10)"), "{e}");
        assert!(e.contains("write the decimal as a string, e.g. \"10.5\""), "{e}");
        let e = toml_error(&TOML.replace("value = \"a\"", "value = \"a\", bogus = 1"));
        // The unknown key itself is located, not just the rule holding it.
        assert!(e.contains("indicators[0].rule.bogus (line 13 column 38)"), "{e}");
        assert!(
            e.contains("unknown field `bogus`, expected one of `value`, `round_rate`"),
            "{e}"
        );
        let e = toml_error(&TOML.replace("points = 10", "points = 1979-05-27"));
        assert!(e.contains("indicators[0].points (line 12 column 10): a date"), "{e}");
        let e = toml_error(&TOML.replace("points = 10", "points = "));
        assert!(e.contains("line 12"), "{e}");
        let e = toml_error("id = 5\nformat = 1\nname = \"x\"\n");
        assert!(e.contains("id (line 1 column 6)"), "{e}");
    }
}
