//! The document tree an indicator system is read from: JSON text and TOML text both become a
//! [`Node`] tree whose values carry their byte offset in the text, so that every error of the
//! reader (`read.rs`) names the field path and the line and column, in either format.
//!
//! Numbers keep their digits (never a binary float). The JSON parser is strict RFC 8259 (no
//! comments, no trailing commas, no `NaN`), refuses duplicate keys and nests at most
//! [`MAX_NESTING`] deep, so that hostile text gets an error rather than a stack overflow.

use std::borrow::Cow;

/// Deepest nesting of arrays and objects accepted in a system's text.
pub const MAX_NESTING: usize = 128;

/// A value of the document with the byte offsets where it starts and ends (the end is that of
/// the start for a value that was not read from text).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node<'a> {
    pub at: usize,
    pub end: usize,
    pub value: Value<'a>,
}

/// A key of an object with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key<'a> {
    pub at: usize,
    pub name: Cow<'a, str>,
}

/// The values of the tree. Numbers are their text (`"0.5"`, `"1e3"`, `"-7"`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<(Key<'a>, Node<'a>)>),
}

impl Value<'_> {
    /// How an error message names this kind of value.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }
}

/// A syntax error: what, and the byte offset where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub at: usize,
    pub message: String,
}

/// `(line L column C)` of a byte offset, both 1-based, the column counted in characters as
/// editors show it.
#[cfg(test)]
pub(crate) fn location(text: &str, at: usize) -> String {
    let (line, column) = line_column(text, at);
    format!("(line {line} column {column})")
}

/// The 1-based line and column (in characters) of a byte offset.
pub(crate) fn line_column(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = text.get(..at).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Parses JSON text into a tree.
pub(crate) fn parse_json(text: &str) -> Result<Node<'_>, SyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    p.skip_space();
    let node = p.value()?;
    p.skip_space();
    if p.pos < p.bytes.len() {
        return Err(p.error("trailing characters after the JSON value"));
    }
    Ok(node)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            at: self.pos,
            message: message.into(),
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn found(&self) -> String {
        match self.text.get(self.pos..).and_then(|rest| rest.chars().next()) {
            None => "the end of the text".into(),
            Some(c) => format!("`{c}`"),
        }
    }

    fn value(&mut self) -> Result<Node<'a>, SyntaxError> {
        let at = self.pos;
        let value = match self.peek() {
            Some(b'{') => self.nested(Self::object)?,
            Some(b'[') => self.nested(Self::array)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Value::Number(Cow::Borrowed(self.number()?)),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            _ => return Err(self.error(format!("expected a JSON value, found {}", self.found()))),
        };
        Ok(Node {
            at,
            end: self.pos,
            value,
        })
    }

    fn nested(&mut self, f: fn(&mut Self) -> Result<Value<'a>, SyntaxError>) -> Result<Value<'a>, SyntaxError> {
        if self.depth >= MAX_NESTING {
            return Err(self.error(format!("nested more than {MAX_NESTING} levels deep")));
        }
        self.depth += 1;
        let value = f(self);
        self.depth -= 1;
        value
    }

    fn literal(&mut self, word: &str, value: Value<'a>) -> Result<Value<'a>, SyntaxError> {
        if self.bytes.get(self.pos..self.pos + word.len()) == Some(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(format!("expected a JSON value, found {}", self.found())))
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> Result<&'a str, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let int_start = self.pos;
        let int_digits = self.digits();
        if int_digits == 0 {
            return Err(self.error(format!("expected a digit, found {}", self.found())));
        }
        if int_digits > 1 && self.bytes.get(int_start) == Some(&b'0') {
            self.pos = int_start + 1;
            return Err(self.error("a number may not start with 0"));
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.error(format!("expected a digit after `.`, found {}", self.found())));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.error(format!("expected a digit in the exponent, found {}", self.found())));
            }
        }
        Ok(self.text.get(start..self.pos).unwrap_or(""))
    }

    fn string(&mut self) -> Result<Cow<'a, str>, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        // Borrowed from the text until the first escape; owned from there on.
        let mut owned: Option<String> = None;
        loop {
            let run = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The run stops only at ASCII bytes, so it is whole characters.
            let piece = self.text.get(run..self.pos).unwrap_or("");
            match self.peek() {
                None => {
                    self.pos = open;
                    return Err(self.error("a string is not closed"));
                }
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(piece),
                        Some(mut out) => {
                            out.push_str(piece);
                            Cow::Owned(out)
                        }
                    });
                }
                Some(b'\\') => {
                    let out = owned.get_or_insert_with(String::new);
                    out.push_str(piece);
                    self.pos += 1;
                    let simple = match self.peek() {
                        Some(b'"') => Some('"'),
                        Some(b'\\') => Some('\\'),
                        Some(b'/') => Some('/'),
                        Some(b'b') => Some('\u{8}'),
                        Some(b'f') => Some('\u{c}'),
                        Some(b'n') => Some('\n'),
                        Some(b'r') => Some('\r'),
                        Some(b't') => Some('\t'),
                        Some(b'u') => None,
                        _ => return Err(self.error(format!("`\\` followed by {} is not an escape", self.found()))),
                    };
                    self.pos += 1;
                    let c = match simple {
                        Some(c) => c,
                        None => self.unicode_escape()?,
                    };
                    out.push(c);
                }
                Some(_) => return Err(self.error("a control character inside a string must be escaped")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| self.error("`\\u` needs four hexadecimal digits"))?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.error("`\\u` needs four hexadecimal digits"))?;
        self.pos += 4;
        Ok(v)
    }

    /// After `\u`: one code point, or a surrogate pair `\uD83D\uDE00`.
    fn unicode_escape(&mut self) -> Result<char, SyntaxError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(self.error("a high surrogate `\\uD800`–`\\uDBFF` must be followed by a low one"));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("a high surrogate must be followed by a low surrogate `\\uDC00`–`\\uDFFF`"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("a low surrogate without a high one")),
            c => c,
        };
        char::from_u32(code).ok_or_else(|| self.error("not a Unicode scalar value"))
    }

    fn array(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_space();
            items.push(self.value()?);
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.error(format!("expected `,` or `]`, found {}", self.found()))),
            }
        }
    }

    fn object(&mut self) -> Result<Value<'a>, SyntaxError> {
        self.pos += 1;
        let mut entries: Vec<(Key<'a>, Node<'a>)> = Vec::new();
        self.skip_space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Object(entries));
        }
        loop {
            self.skip_space();
            let at = self.pos;
            if self.peek() != Some(b'"') {
                return Err(self.error(format!("expected a key in double quotes, found {}", self.found())));
            }
            let name = self.string()?;
            self.skip_space();
            if self.peek() != Some(b':') {
                return Err(self.error(format!("expected `:` after a key, found {}", self.found())));
            }
            self.pos += 1;
            self.skip_space();
            let value = self.value()?;
            entries.push((Key { at, name }, value));
            self.skip_space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(entries));
                }
                _ => return Err(self.error(format!("expected `,` or `}}`, found {}", self.found()))),
            }
        }
    }
}

/// JSON text as a `serde_json` value, read by this module's parser (tests compare the parser
/// with serde_json through it): errors read `message at line L column C`.
#[cfg(test)]
pub(crate) fn parse_json_value(text: &str) -> Result<serde_json::Value, String> {
    let node = parse_json(text).map_err(|e| at_location(text, e))?;
    to_serde(&node).map_err(|e| at_location(text, e))
}

#[cfg(test)]
fn at_location(text: &str, e: SyntaxError) -> String {
    let location = location(text, e.at);
    let location = location.trim_start_matches('(').trim_end_matches(')');
    format!("{} at {location}", e.message)
}

#[cfg(test)]
fn to_serde(node: &Node<'_>) -> Result<serde_json::Value, SyntaxError> {
    use serde_json::Value as J;
    Ok(match &node.value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => J::Number(n.parse().map_err(|_| SyntaxError {
            at: node.at,
            message: format!("the number `{n}` cannot be read"),
        })?),
        Value::String(s) => J::String(s.to_string()),
        Value::Array(items) => J::Array(items.iter().map(to_serde).collect::<Result<_, _>>()?),
        Value::Object(entries) => {
            let mut map = serde_json::Map::new();
            for (key, value) in entries {
                if map.insert(key.name.to_string(), to_serde(value)?).is_some() {
                    return Err(SyntaxError {
                        at: key.at,
                        message: format!("the key `{}` is given twice", key.name),
                    });
                }
            }
            J::Object(map)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        match parse_json_value(text) {
            Err(e) => e,
            Ok(v) => format!("no error, read {v}"),
        }
    }

    #[test]
    fn reads_what_serde_json_reads() {
        let text = r#" {"a": [1, -0.5, 1.5e3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00"],
                       "数": {"b": {}, "c": []}, "d": "预算完成率"} "#;
        let ours = parse_json_value(text).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs);
        // Numbers keep their digits.
        let node = parse_json("[0.10, 1E+2]").unwrap();
        let Value::Array(items) = node.value else {
            panic!("not a list")
        };
        let texts: Vec<Value<'_>> = items.into_iter().map(|n| n.value).collect();
        assert_eq!(texts, [Value::Number("0.10".into()), Value::Number("1E+2".into())]);
    }

    #[test]
    fn errors_say_what_and_where() {
        assert_eq!(
            err("{\"a\": 1,}"),
            "expected a key in double quotes, found `}` at line 1 column 9"
        );
        assert_eq!(
            err("[1, 2"),
            "expected `,` or `]`, found the end of the text at line 1 column 6"
        );
        assert_eq!(err("{\"a\":\n  \"x}"), "a string is not closed at line 2 column 3");
        assert_eq!(
            err("[\"a\\q\"]"),
            "`\\` followed by `q` is not an escape at line 1 column 5"
        );
        assert_eq!(
            err("[\"a\u{1}\"]"),
            "a control character inside a string must be escaped at line 1 column 4"
        );
        assert_eq!(err("[01]"), "a number may not start with 0 at line 1 column 3");
        assert_eq!(err("[1.]"), "expected a digit after `.`, found `]` at line 1 column 4");
        assert_eq!(err("[-]"), "expected a digit, found `]` at line 1 column 3");
        assert_eq!(
            err("[1e]"),
            "expected a digit in the exponent, found `]` at line 1 column 4"
        );
        assert_eq!(err("[NaN]"), "expected a JSON value, found `N` at line 1 column 2");
        assert_eq!(err("[tru]"), "expected a JSON value, found `t` at line 1 column 2");
        assert_eq!(
            err("{} x"),
            "trailing characters after the JSON value at line 1 column 4"
        );
        assert_eq!(
            err(""),
            "expected a JSON value, found the end of the text at line 1 column 1"
        );
        assert_eq!(
            err("[\"\\ud800\"]"),
            "a high surrogate `\\uD800`–`\\uDBFF` must be followed by a low one at line 1 column 9"
        );
        assert_eq!(
            err("[\"\\udc00\"]"),
            "a low surrogate without a high one at line 1 column 9"
        );
        assert_eq!(
            err("[\"\\u12\"]"),
            "`\\u` needs four hexadecimal digits at line 1 column 5"
        );
        // Columns count characters, not bytes.
        assert_eq!(
            err("{\"名称\": x}"),
            "expected a JSON value, found `x` at line 1 column 8"
        );
    }

    #[test]
    fn a_key_given_twice_is_refused() {
        assert_eq!(
            err("{\"a\": 1,\n \"a\": 2}"),
            "the key `a` is given twice at line 2 column 2"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let ok = format!("{}{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(parse_json_value(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_NESTING + 1), "]".repeat(MAX_NESTING + 1));
        assert!(
            err(&deep).starts_with("nested more than 128 levels deep"),
            "{}",
            err(&deep)
        );
        let hostile = "[{\"a\":".repeat(100_000);
        assert!(err(&hostile).starts_with("nested more than 128 levels deep"));
    }

    #[test]
    fn location_of_offsets() {
        assert_eq!(location("ab\ncd", 0), "(line 1 column 1)");
        assert_eq!(location("ab\ncd", 4), "(line 2 column 2)");
        assert_eq!(location("数\n数值", 7), "(line 2 column 2)");
        // Past the end or inside a character: clamped, never a panic.
        assert_eq!(location("数", 2), "(line 1 column 1)");
        assert_eq!(location("ab", 99), "(line 1 column 3)");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]

        /// On JSON text with one character inserted, removed or replaced (near-valid text, where
        /// parsers differ), the parser accepts what serde_json accepts and reads the same value,
        /// except a key given twice (refused here), and refuses what serde_json refuses.
        #[test]
        fn agrees_with_serde_json(
            value in json_value(),
            at in 0usize..400,
            edit in 0u8..3,
            c in proptest::sample::select(&[
                '[', ']', '{', '}', ':', ',', '"', '\\', '/', '0', '1', '9', 'e', 'E', '.', '+', '-',
                ' ', 't', 'f', 'n', 'u', 'a', '\u{1}', '\n',
            ][..]),
        ) {
            let mut chars: Vec<char> = value.to_string().chars().collect();
            let at = at % (chars.len() + 1);
            match edit {
                0 => chars.insert(at, c),
                1 if at < chars.len() => {
                    chars.remove(at);
                }
                _ if at < chars.len() => {
                    if let Some(x) = chars.get_mut(at) {
                        *x = c;
                    }
                }
                _ => chars.push(c),
            }
            let text: String = chars.into_iter().collect();
            let ours = parse_json_value(&text);
            let theirs = serde_json::from_str::<serde_json::Value>(&text);
            match (&ours, &theirs) {
                (Ok(a), Ok(b)) => proptest::prop_assert_eq!(a, b),
                (Err(e), Ok(_)) => proptest::prop_assert!(e.contains("given twice"), "{text:?}: {e}"),
                (Ok(a), Err(e)) => proptest::prop_assert!(false, "{text:?}: read {a} where serde_json says {e}"),
                (Err(_), Err(_)) => {}
            }
        }

        /// Any JSON value, written compactly or pretty, reads back as serde_json reads it (the
        /// value itself, up to serde_json's own float parsing).
        #[test]
        fn reads_back_any_written_value(value in json_value(), pretty in proptest::bool::ANY) {
            let text = if pretty {
                serde_json::to_string_pretty(&value).unwrap_or_default()
            } else {
                value.to_string()
            };
            let theirs: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
            proptest::prop_assert_eq!(parse_json_value(&text).ok(), Some(theirs));
        }
    }

    fn json_value() -> impl proptest::strategy::Strategy<Value = serde_json::Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(serde_json::Value::Null),
            any::<bool>().prop_map(serde_json::Value::Bool),
            r"-?(0|[1-9][0-9]{0,30})(\.[0-9]{1,12})?([eE][+-]?[0-9]{1,2})?"
                .prop_map(|n| serde_json::Value::Number(n.parse().unwrap_or_else(|_| 0.into()))),
            "\\PC{0,12}".prop_map(serde_json::Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
                proptest::collection::btree_map("\\PC{0,6}", inner, 0..6)
                    .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
            ]
        })
    }
}
