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
        let mut de = serde_json::Deserializer::from_str(text);
        let result: Result<IndicatorSystem, _> = serde_path_to_error::deserialize(&mut de);
        let system = result.map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let location = json_location(text, inner.line(), inner.column());
            // `?` is serde_path_to_error's path when the error is outside any field.
            let path = match (path.as_str(), location.is_empty()) {
                ("?" | "", true) => "(file)".to_string(),
                ("?" | "", false) => location,
                (p, true) => p.to_string(),
                (p, false) => format!("{p} {location}"),
            };
            LoadError::Syntax {
                format: "JSON",
                path,
                message: strip_position(&inner.to_string()),
            }
        })?;
        de.end().map_err(|e| LoadError::Syntax {
            format: "JSON",
            path: json_location(text, e.line(), e.column()),
            message: strip_position(&e.to_string()),
        })?;
        Ok(system)
    }

    /// Parses the TOML form.
    pub fn from_toml(text: &str) -> Result<IndicatorSystem, LoadError> {
        if text.len() > MAX_SYSTEM_BYTES {
            return Err(too_large("TOML", text.len()));
        }
        let de = toml::Deserializer::parse(text).map_err(|e| LoadError::Syntax {
            format: "TOML",
            path: toml_location(text, e.span()),
            message: e.message().trim().to_string(),
        })?;
        let result: Result<IndicatorSystem, _> = serde_path_to_error::deserialize(de);
        result.map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let location = inner
                .span()
                .map(|s| format!(" {}", toml_location(text, Some(s))))
                .unwrap_or_default();
            LoadError::Syntax {
                format: "TOML",
                path: format!("{path}{location}"),
                message: inner.message().trim().to_string(),
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
