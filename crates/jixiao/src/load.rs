//! Reading and writing indicator-system files.

use crate::error::LoadError;
use crate::model::IndicatorSystem;

/// Largest indicator-system text accepted (bytes).
pub const MAX_SYSTEM_BYTES: usize = 8 * 1024 * 1024;

fn too_large(format: &'static str, len: usize) -> LoadError {
    LoadError::Syntax {
        format,
        path: "(file)".into(),
        message: format!("the text is {len} bytes, above the limit of {MAX_SYSTEM_BYTES}"),
    }
}

impl IndicatorSystem {
    /// Parses the canonical JSON form. Errors give the field path and line/column.
    pub fn from_json(text: &str) -> Result<IndicatorSystem, LoadError> {
        if text.len() > MAX_SYSTEM_BYTES {
            return Err(too_large("JSON", text.len()));
        }
        if !text.trim_start().starts_with('{') {
            return Err(LoadError::Syntax {
                format: "JSON",
                path: "(file)".into(),
                message: "an indicator system is a JSON object `{\"format\": 1, ...}`".into(),
            });
        }
        deserialize_json(text).map_err(|(path, inner)| {
            let path = path.map(|p| p.to_string()).unwrap_or_default();
            let location = json_location(text, inner.line(), inner.column());
            // `?` is serde_path_to_error's path when the error is outside any field.
            let path = match (path.as_str(), location.is_empty()) {
                ("?" | "." | "", true) => "(file)".to_string(),
                ("?" | "." | "", false) => location,
                (p, true) => p.to_string(),
                (p, false) => format!("{p} {location}"),
            };
            LoadError::Syntax {
                format: "JSON",
                path,
                message: strip_position(&inner.to_string()),
            }
        })
    }

    /// Parses the TOML form.
    ///
    /// The TOML document is read into its spanned values, turned into the canonical JSON
    /// (numbers keep their digits) and read by the same code as [`from_json`](Self::from_json);
    /// errors are located back in the TOML text. One reader of the format, not two: the model's
    /// deserializer is compiled once (it is most of the WASM module's code).
    pub fn from_toml(text: &str) -> Result<IndicatorSystem, LoadError> {
        if text.len() > MAX_SYSTEM_BYTES {
            return Err(too_large("TOML", text.len()));
        }
        let document = toml::de::DeTable::parse(text).map_err(|e| LoadError::Syntax {
            format: "TOML",
            path: toml_location(text, e.span()),
            message: e.message().trim().to_string(),
        })?;
        let json = toml_table_to_json(document.get_ref(), text, "")?;
        let json = serde_json::to_string(&json).map_err(|e| LoadError::Syntax {
            format: "TOML",
            path: "(file)".into(),
            message: e.to_string(),
        })?;
        deserialize_json(&json).map_err(|(path, inner)| {
            let span = path
                .as_ref()
                .and_then(|p| toml_span_of(document.get_ref(), p))
                .unwrap_or_else(|| document.span());
            let shown = match path.map(|p| p.to_string()).unwrap_or_default().as_str() {
                "?" | "." | "" => String::new(),
                p => format!("{p} "),
            };
            LoadError::Syntax {
                format: "TOML",
                path: format!("{shown}{}", toml_location(text, Some(span))),
                message: strip_position(&inner.to_string()),
            }
        })
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

/// Reads the model from JSON text, with the path of the field an error is in.
/// (`None` after the value: trailing characters).
fn deserialize_json(text: &str) -> Result<IndicatorSystem, (Option<serde_path_to_error::Path>, serde_json::Error)> {
    let mut de = serde_json::Deserializer::from_str(text);
    let system: IndicatorSystem = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().clone();
        (Some(path), e.into_inner())
    })?;
    de.end().map_err(|e| (None, e))?;
    Ok(system)
}

fn toml_error(text: &str, path: &str, span: std::ops::Range<usize>, message: String) -> LoadError {
    let location = toml_location(text, Some(span));
    LoadError::Syntax {
        format: "TOML",
        path: if path.is_empty() {
            location
        } else {
            format!("{path} {location}")
        },
        message,
    }
}

fn toml_table_to_json(table: &toml::de::DeTable<'_>, text: &str, path: &str) -> Result<serde_json::Value, LoadError> {
    let mut map = serde_json::Map::new();
    for (key, value) in table.iter() {
        let key = key.get_ref();
        let inner = if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        };
        map.insert(key.to_string(), toml_to_json(value, text, &inner)?);
    }
    Ok(serde_json::Value::Object(map))
}

/// One TOML value as JSON. Numbers keep their digits; a float is refused (as in JSON-less TOML
/// reading: a binary float in a table of decimals is a mistake waiting to happen) with the
/// string to write instead; dates have no place in an indicator system.
fn toml_to_json(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    text: &str,
    path: &str,
) -> Result<serde_json::Value, LoadError> {
    use toml::de::DeValue;
    Ok(match value.get_ref() {
        DeValue::String(s) => serde_json::Value::String(s.to_string()),
        DeValue::Boolean(b) => serde_json::Value::Bool(*b),
        DeValue::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            let number = if i.radix() == 10 {
                digits.trim_start_matches('+').parse::<serde_json::Number>().ok()
            } else {
                i128::from_str_radix(&digits, i.radix())
                    .ok()
                    .and_then(|n| n.to_string().parse::<serde_json::Number>().ok())
            };
            serde_json::Value::Number(
                number
                    .ok_or_else(|| toml_error(text, path, value.span(), format!("the integer `{i}` cannot be read")))?,
            )
        }
        DeValue::Float(f) => {
            return Err(toml_error(
                text,
                path,
                value.span(),
                format!("the binary float `{f}` cannot be read exactly; write the decimal as a string, e.g. \"{f}\""),
            ));
        }
        DeValue::Datetime(_) => {
            return Err(toml_error(
                text,
                path,
                value.span(),
                "a date is not a value of an indicator system".to_string(),
            ));
        }
        DeValue::Array(items) => serde_json::Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| toml_to_json(item, text, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        DeValue::Table(table) => toml_table_to_json(table, text, path)?,
    })
}

/// The span of the deepest TOML value on a field path.
fn toml_span_of(table: &toml::de::DeTable<'_>, path: &serde_path_to_error::Path) -> Option<std::ops::Range<usize>> {
    use serde_path_to_error::Segment;
    use toml::de::DeValue;
    let mut span = None;
    let mut current: Option<&DeValue<'_>> = None;
    let mut top = Some(table);
    for segment in path.iter() {
        let next = match (segment, current, top.take()) {
            (Segment::Map { key }, None, Some(t)) => t.get(key.as_str()),
            (Segment::Map { key }, Some(DeValue::Table(t)), _) => t.get(key.as_str()),
            (Segment::Seq { index }, Some(DeValue::Array(a)), _) => a.get(*index),
            (Segment::Enum { .. } | Segment::Unknown, _, t) => {
                top = t;
                continue;
            }
            _ => None,
        };
        let Some(next) = next else { break };
        span = Some(next.span());
        current = Some(next.get_ref());
    }
    span
}

/// `(line L column C)` with C counted in characters, as editors show it (serde_json counts bytes).
pub(crate) fn json_location(text: &str, line: usize, byte_column: usize) -> String {
    if line == 0 {
        return String::new();
    }
    let column = text.lines().nth(line - 1).map_or(byte_column, |l| {
        l.get(..byte_column.min(l.len()))
            .map_or(byte_column, |p| p.chars().count())
            .max(1)
    });
    format!("(line {line} column {column})")
}

/// A serde_json error as one line with a character-counted location: `trailing comma at line 1 column 12`.
pub fn json_error_text(text: &str, e: &serde_json::Error) -> String {
    let message = strip_position(&e.to_string());
    match json_location(text, e.line(), e.column())
        .strip_prefix('(')
        .and_then(|l| l.strip_suffix(')'))
    {
        Some(at) => format!("{message} at {at}"),
        None => message,
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message).to_string(),
        None => message.to_string(),
    }
}

fn toml_location(text: &str, span: Option<std::ops::Range<usize>>) -> String {
    let Some(span) = span else {
        return "(unknown position)".into();
    };
    let before = text.get(..span.start.min(text.len())).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("(line {line} column {column})")
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
        assert!(e.contains("indicators[0].rule (line 13 column 8)"), "{e}");
        let e = toml_error(&TOML.replace("points = 10", "points = 1979-05-27"));
        assert!(e.contains("indicators[0].points (line 12 column 10): a date"), "{e}");
        let e = toml_error(&TOML.replace("points = 10", "points = "));
        assert!(e.contains("line 12"), "{e}");
        let e = toml_error("id = 5\nformat = 1\nname = \"x\"\n");
        assert!(e.contains("id (line 1 column 6)"), "{e}");
    }
}
