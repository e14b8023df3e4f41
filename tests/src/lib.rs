//! Conformance helpers: load the language-neutral vectors of `tests/vectors/` and check them
//! against the engine's JSON layer.
//!
//! The format is documented in `tests/vectors/README.md`. This crate is the semantic runner (the
//! expectations of every vector) and writes every case's exact wire output (`wire_outputs`, kept as
//! snapshots in `tests/vectors/expected/`), which the Python and JavaScript runners compare their
//! bindings' answers with. Reusable by other Rust test files:
//!
//! ```no_run
//! let dir = jixiao_conformance::vectors_dir();
//! let vectors = jixiao_conformance::load_vectors(&dir).unwrap_or_default();
//! for v in &vectors {
//!     for f in jixiao_conformance::run_vector(v, &dir) {
//!         eprintln!("{f}");
//!     }
//! }
//! ```

use std::collections::BTreeSet;
use std::fmt;
use std::path::{Path, PathBuf};

use jixiao::{Decimal, IndicatorSystem, InputKind, InputValue, Inputs, Lang};
use serde_json::{Map, Value};

/// The folder holding the vectors (`tests/vectors`).
pub fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// One vector file, parsed.
#[derive(Debug, Clone)]
pub struct Vector {
    /// File name, e.g. `001-step-above-proportional.json`.
    pub file: String,
    /// The whole file.
    pub value: Value,
    /// The file's text: the engine reads the system, inputs and requests as written (a parsed
    /// `Value` holds fractional numbers as binary floats).
    pub text: String,
}

/// The raw text of the parts of a vector that the engine reads.
#[derive(Debug, Default, serde::Deserialize)]
struct RawVector<'a> {
    #[serde(borrow, default)]
    system: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow, default)]
    cases: Vec<std::collections::HashMap<String, &'a serde_json::value::RawValue>>,
}

impl Vector {
    fn raw(&self) -> RawVector<'_> {
        serde_json::from_str(&self.text).unwrap_or_default()
    }

    /// The cases, with their index in the file.
    pub fn cases(&self) -> impl Iterator<Item = (usize, &Value)> {
        self.value
            .get("cases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
    }

    /// What the engine answers to case `i` (`case` is its value): the evaluation or analysis
    /// JSON, or the error; and whether it is an analysis. The inputs and request as written.
    pub fn case_answer(&self, system: &str, i: usize, case: &Value) -> (bool, Result<String, jixiao::wire::JsonError>) {
        let lang = match case.get("lang").and_then(Value::as_str) {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        };
        match self.case_text(i, "analysis") {
            Some(request) => (true, jixiao::wire::analysis_json(system, &request, lang)),
            None => {
                let inputs = self.case_text(i, "inputs").unwrap_or_else(|| "{}".to_string());
                (false, jixiao::wire::evaluate_json_lang(system, &inputs, lang))
            }
        }
    }

    /// The text of `key` of case `i` as written in the file.
    pub fn case_text(&self, i: usize, key: &str) -> Option<String> {
        self.raw().cases.get(i)?.get(key).map(|r| r.get().to_string())
    }
}

/// One mismatch between a vector and the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Vector file name.
    pub file: String,
    /// Case name (`(vector)` for the vector itself).
    pub case: String,
    /// What was compared, e.g. `scores[2.1.1]`.
    pub field: String,
    /// What the vector expects.
    pub expected: String,
    /// What the engine gave.
    pub actual: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} / {} / {}\n    expected: {}\n    actual:   {}",
            self.file, self.case, self.field, self.expected, self.actual
        )
    }
}

/// Reads every `*.json` file directly in `dir`, sorted by name.
///
/// A file that cannot be read or is not a JSON object is an error naming the file; the format of
/// its content is checked by [`check_format`] (called by [`run_vector`]).
pub fn load_vectors(dir: &Path) -> Result<Vec<Vector>, Vec<String>> {
    let entries = std::fs::read_dir(dir).map_err(|e| vec![format!("cannot read {}: {e}", dir.display())])?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for path in files {
        let file = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match std::fs::read_to_string(&path) {
            Err(e) => errors.push(format!("{file}: cannot read: {e}")),
            Ok(text) => match serde_json::from_str::<Value>(&text) {
                Err(e) => errors.push(format!("{file}: not valid JSON: {e}")),
                Ok(value @ Value::Object(_)) => out.push(Vector { file, value, text }),
                Ok(_) => errors.push(format!("{file}: a vector must be a JSON object")),
            },
        }
    }
    if errors.is_empty() { Ok(out) } else { Err(errors) }
}

const VECTOR_KEYS: &[&str] = &[
    "name",
    "description",
    "features",
    "system",
    "system_file",
    "cases",
    "expect_validation_errors",
    "validation_kind",
    "validation_error_count",
];
const CASE_KEYS: &[&str] = &[
    "name",
    "description",
    "inputs",
    "lang",
    "expect",
    "expect_error",
    "analysis",
    "expect_analysis",
];
const EXPECT_KEYS: &[&str] = &[
    "total",
    "exact_total",
    "grade",
    "grade_en",
    "tree_total",
    "full_points",
    "excluded_points",
    "rescaled_total",
    "bonus_total",
    "scores",
    "exact_scores",
    "values",
    "deductions",
    "status",
    "na_outcome",
    "na_inherited",
    "rules",
    "tiers",
    "cases",
    "options",
    "levels",
    "vetoes",
    "checks",
    "core_caps",
    "indicator_ids",
    "explanation_contains",
    "summary_contains",
];
const ERROR_KEYS: &[&str] = &["kind", "message_contains", "paths", "count", "errors"];
const ERROR_ENTRY_KEYS: &[&str] = &["path", "position", "input", "kind", "message_contains"];
const VALIDATION_ENTRY_KEYS: &[&str] = &["path", "position", "message_contains"];

/// Checks the shape of a vector file; every problem is returned (empty when well-formed).
pub fn check_format(v: &Vector) -> Vec<String> {
    let mut p = Vec::new();
    let Some(obj) = v.value.as_object() else {
        return vec!["a vector must be a JSON object".into()];
    };
    unknown_keys(obj, VECTOR_KEYS, "vector", &mut p);
    match obj.get("name").and_then(Value::as_str) {
        Some(name) if !name.is_empty() => {
            let stem = v.file.strip_suffix(".json").unwrap_or(&v.file);
            let expected = stem.split_once('-').map_or("", |(_, rest)| rest);
            let numbered = stem
                .split_once('-')
                .is_some_and(|(n, _)| n.len() == 3 && n.chars().all(|c| c.is_ascii_digit()));
            if !numbered {
                p.push(format!("the file name must be NNN-name.json, found `{}`", v.file));
            } else if name != expected {
                p.push(format!("`name` is `{name}` but the file name says `{expected}`"));
            }
        }
        _ => p.push("`name` must be a non-empty string".into()),
    }
    if obj.get("description").and_then(Value::as_str).is_none_or(str::is_empty) {
        p.push("`description` must be a non-empty string".into());
    }
    if let Some(f) = obj.get("features")
        && !f.as_array().is_some_and(|a| a.iter().all(Value::is_string))
    {
        p.push("`features` must be a list of strings".into());
    }
    match (obj.get("system"), obj.get("system_file")) {
        (Some(Value::Object(_)), None) => {}
        (None, Some(Value::String(_))) => {}
        (Some(_), Some(_)) => p.push("give either `system` or `system_file`, not both".into()),
        (Some(_), None) => p.push("`system` must be an object".into()),
        (None, Some(_)) => p.push("`system_file` must be a string".into()),
        (None, None) => p.push("a vector needs `system` or `system_file`".into()),
    }
    let cases = obj.get("cases");
    let invalid = obj.get("expect_validation_errors");
    match (cases, invalid) {
        (Some(Value::Array(list)), None) => {
            if list.is_empty() {
                p.push("`cases` must not be empty".into());
            }
            if obj.contains_key("validation_kind") || obj.contains_key("validation_error_count") {
                p.push("`validation_kind` and `validation_error_count` go with `expect_validation_errors`".into());
            }
            let mut names = BTreeSet::new();
            for (i, c) in list.iter().enumerate() {
                check_case(c, i, &mut names, &mut p);
            }
        }
        (None, Some(Value::Array(list))) => {
            if list.is_empty() {
                p.push("`expect_validation_errors` must not be empty".into());
            }
            for (i, e) in list.iter().enumerate() {
                entry_format(
                    e,
                    VALIDATION_ENTRY_KEYS,
                    &format!("expect_validation_errors[{i}]"),
                    &mut p,
                );
            }
            if let Some(k) = obj.get("validation_kind")
                && !matches!(k.as_str(), Some("validation" | "syntax"))
            {
                p.push("`validation_kind` must be \"validation\" or \"syntax\"".into());
            }
            if let Some(c) = obj.get("validation_error_count")
                && c.as_u64().is_none()
            {
                p.push("`validation_error_count` must be a whole number".into());
            }
        }
        (Some(_), Some(_)) => p.push("a vector has `cases` or `expect_validation_errors`, not both".into()),
        (None, None) => p.push("a vector needs `cases` or `expect_validation_errors`".into()),
        _ => p.push("`cases` and `expect_validation_errors` must be lists".into()),
    }
    p.into_iter().map(|m| format!("{}: {m}", v.file)).collect()
}

fn unknown_keys(obj: &Map<String, Value>, allowed: &[&str], what: &str, p: &mut Vec<String>) {
    for k in obj.keys() {
        if !allowed.contains(&k.as_str()) {
            p.push(format!("{what}: unknown key `{k}` (allowed: {})", allowed.join(", ")));
        }
    }
}

fn strings_or_string(v: &Value) -> bool {
    v.is_string() || v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
}

fn entry_format(e: &Value, keys: &[&str], ctx: &str, p: &mut Vec<String>) {
    let Some(o) = e.as_object() else {
        p.push(format!("{ctx}: must be an object"));
        return;
    };
    unknown_keys(o, keys, ctx, p);
    if let Some(x) = o.get("path")
        && !x.is_string()
    {
        p.push(format!("{ctx}: `path` must be a string"));
    }
    if let Some(x) = o.get("position")
        && x.as_u64().is_none()
    {
        p.push(format!("{ctx}: `position` must be a whole number"));
    }
    for k in ["input", "kind"] {
        if let Some(x) = o.get(k)
            && !x.is_string()
        {
            p.push(format!("{ctx}: `{k}` must be a string"));
        }
    }
    if let Some(x) = o.get("message_contains")
        && !strings_or_string(x)
    {
        p.push(format!(
            "{ctx}: `message_contains` must be a string or a list of strings"
        ));
    }
}

fn check_case(c: &Value, i: usize, names: &mut BTreeSet<String>, p: &mut Vec<String>) {
    let Some(o) = c.as_object() else {
        p.push(format!("cases[{i}]: must be an object"));
        return;
    };
    let ctx = match o.get("name").and_then(Value::as_str) {
        Some(n) if !n.is_empty() => {
            if !names.insert(n.to_string()) {
                p.push(format!("cases[{i}]: the case name `{n}` is used twice"));
            }
            format!("case `{n}`")
        }
        _ => {
            p.push(format!("cases[{i}]: `name` must be a non-empty string"));
            format!("cases[{i}]")
        }
    };
    unknown_keys(o, CASE_KEYS, &ctx, p);
    if let Some(request) = o.get("analysis") {
        // An analysis case: the request carries its own inputs.
        if !request.is_object() {
            p.push(format!(
                "{ctx}: `analysis` must be an object (one of what_if, compare, audit, sensitivity, target)"
            ));
        }
        match (o.get("expect_analysis"), o.get("expect_error"), o.get("expect"), o.get("inputs")) {
            (Some(Value::Object(_)), None, None, None) | (None, Some(Value::Object(_)), None, None) => {}
            _ => p.push(format!("{ctx}: an analysis case takes `expect_analysis` (an object) or `expect_error`, and no `inputs`/`expect`")),
        }
        return;
    }
    if o.contains_key("expect_analysis") {
        p.push(format!("{ctx}: `expect_analysis` needs an `analysis` request"));
    }
    if !o.get("inputs").is_some_and(Value::is_object) {
        p.push(format!("{ctx}: `inputs` must be an object"));
    }
    if let Some(l) = o.get("lang")
        && !matches!(l.as_str(), Some("zh" | "en"))
    {
        p.push(format!("{ctx}: `lang` must be \"zh\" or \"en\""));
    }
    match (o.get("expect"), o.get("expect_error")) {
        (Some(Value::Object(e)), None) => check_expect(e, &ctx, p),
        (None, Some(Value::Object(e))) => {
            unknown_keys(e, ERROR_KEYS, &format!("{ctx} expect_error"), p);
            if !e.get("kind").is_some_and(Value::is_string) {
                p.push(format!("{ctx}: `expect_error.kind` must be a string"));
            }
            if let Some(x) = e.get("message_contains")
                && !strings_or_string(x)
            {
                p.push(format!("{ctx}: `expect_error.message_contains` must be strings"));
            }
            if let Some(x) = e.get("paths")
                && !x.as_array().is_some_and(|a| a.iter().all(Value::is_string))
            {
                p.push(format!("{ctx}: `expect_error.paths` must be a list of strings"));
            }
            if let Some(x) = e.get("count")
                && x.as_u64().is_none()
            {
                p.push(format!("{ctx}: `expect_error.count` must be a whole number"));
            }
            match e.get("errors") {
                None => {}
                Some(Value::Array(list)) => {
                    for (k, x) in list.iter().enumerate() {
                        entry_format(x, ERROR_ENTRY_KEYS, &format!("{ctx} expect_error.errors[{k}]"), p);
                    }
                }
                Some(_) => p.push(format!("{ctx}: `expect_error.errors` must be a list")),
            }
        }
        (Some(_), Some(_)) => p.push(format!("{ctx}: give `expect` or `expect_error`, not both")),
        (None, None) => p.push(format!("{ctx}: needs `expect` or `expect_error`")),
        _ => p.push(format!("{ctx}: `expect`/`expect_error` must be objects")),
    }
}

fn check_expect(e: &Map<String, Value>, ctx: &str, p: &mut Vec<String>) {
    unknown_keys(e, EXPECT_KEYS, &format!("{ctx} expect"), p);
    for (k, v) in e {
        let ok = match k.as_str() {
            "total" | "exact_total" | "grade" | "tree_total" | "full_points" | "excluded_points" | "bonus_total" => {
                v.is_string()
            }
            "grade_en" | "rescaled_total" => v.is_string() || v.is_null(),
            "scores" | "exact_scores" | "status" | "na_outcome" | "rules" | "options" | "levels" => {
                map_of(v, Value::is_string)
            }
            "values" => map_of(v, |x| x.is_string() || x.is_null()),
            "na_inherited" => map_of(v, Value::is_boolean),
            "tiers" | "cases" => map_of(v, |x| x.as_u64().is_some()),
            "deductions" => map_of(v, |x| {
                x.as_array().is_some_and(|a| {
                    a.iter().all(|d| {
                        d.is_string()
                            || d.as_object().is_some_and(|o| {
                                o.keys().all(|k| k == "amount" || k == "item")
                                    && o.get("amount").is_some_and(Value::is_string)
                                    && o.get("item").is_none_or(|i| i.is_string() || i.is_null())
                            })
                    })
                })
            }),
            "checks" => map_of(v, |x| x.is_boolean() || x.is_null()),
            "vetoes" | "core_caps" | "indicator_ids" | "summary_contains" => {
                v.as_array().is_some_and(|a| a.iter().all(Value::is_string))
            }
            "explanation_contains" => map_of(v, strings_or_string),
            _ => true,
        };
        if !ok {
            p.push(format!(
                "{ctx}: `expect.{k}` has the wrong shape (see tests/vectors/README.md)"
            ));
        }
    }
}

fn map_of(v: &Value, f: impl Fn(&Value) -> bool) -> bool {
    v.as_object().is_some_and(|o| o.values().all(f))
}

/// The indicator-system text of a vector: the inline `system` serialised, or `system_file` read.
pub fn system_text(v: &Vector, dir: &Path) -> Result<String, String> {
    match (
        v.value.get("system"),
        v.value.get("system_file").and_then(Value::as_str),
    ) {
        (Some(_), _) => v
            .raw()
            .system
            .map(|r| r.get().to_string())
            .ok_or_else(|| "cannot read `system`".to_string()),
        (None, Some(f)) => {
            std::fs::read_to_string(dir.join(f)).map_err(|e| format!("cannot read system_file `{f}`: {e}"))
        }
        (None, None) => Err("no system".into()),
    }
}

/// The indicator system of a vector as JSON (for walking its rules).
///
/// A TOML system file is read through the engine's loader and given in its canonical JSON form.
pub fn system_value(v: &Vector, dir: &Path) -> Result<Value, String> {
    let text = system_text(v, dir)?;
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(&text).map_err(|e| format!("the system is not valid JSON: {e}"));
    }
    let system = jixiao::IndicatorSystem::from_text(&text).map_err(|e| format!("the system does not load: {e}"))?;
    serde_json::from_str(&system.to_json()).map_err(|e| format!("the system does not serialise: {e}"))
}

/// Every rule `type` used in a system: tree leaves, bonus items and `choose_one` options.
pub fn rule_kinds_in(system: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::Object(o) => {
                if let Some(Value::Object(rule)) = o.get("rule")
                    && let Some(t) = rule.get("type").and_then(Value::as_str)
                {
                    out.insert(t.to_string());
                }
                for x in o.values() {
                    walk(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(system, &mut out);
    out
}

/// Every rule kind the format defines, read from the engine's JSON Schema (the `type` constants
/// of the `Rule` definition), so that a new kind added to the engine is noticed here.
pub fn format_rule_kinds() -> BTreeSet<String> {
    let schema: Value = serde_json::from_str(&jixiao::wire::schema_json()).unwrap_or(Value::Null);
    let mut out = BTreeSet::new();
    let rule = schema
        .get("$defs")
        .or_else(|| schema.get("definitions"))
        .and_then(|d| d.get("Rule"));
    if let Some(rule) = rule {
        collect_type_consts(rule, &mut out);
    }
    out
}

fn collect_type_consts(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(o) => {
            if let Some(t) = o.get("properties").and_then(|p| p.get("type")) {
                if let Some(c) = t.get("const").and_then(Value::as_str) {
                    out.insert(c.to_string());
                }
                if let Some(list) = t.get("enum").and_then(Value::as_array) {
                    out.extend(list.iter().filter_map(Value::as_str).map(str::to_string));
                }
            }
            for (k, x) in o {
                if k != "properties" {
                    collect_type_consts(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_type_consts(x, out)),
        _ => {}
    }
}

struct Ctx<'a> {
    file: &'a str,
    case: &'a str,
    failures: Vec<Failure>,
}

impl Ctx<'_> {
    fn fail(&mut self, field: impl Into<String>, expected: impl fmt::Display, actual: impl fmt::Display) {
        self.failures.push(Failure {
            file: self.file.to_string(),
            case: self.case.to_string(),
            field: field.into(),
            expected: expected.to_string(),
            actual: actual.to_string(),
        });
    }

    /// Compares two JSON values exactly (decimals are strings, so this compares their text).
    fn same(&mut self, field: impl Into<String>, expected: &Value, actual: Option<&Value>) {
        let actual = actual.unwrap_or(&Value::Null);
        if expected != actual {
            self.fail(field, expected, actual);
        }
    }

    /// Compares figures by value: `"3.5"` in a vector is the stated `"3.50"` (the places each
    /// figure is stated at are pinned by `expected/*.snap`, which every runner compares as text).
    fn same_figures(&mut self, field: impl Into<String>, expected: &Value, actual: Option<&Value>) {
        let actual = actual.unwrap_or(&Value::Null);
        if !figures_equal(expected, actual) {
            self.fail(field, expected, actual);
        }
    }
}

/// JSON values equal, with strings that are both decimals compared by value.
fn figures_equal(a: &Value, b: &Value) -> bool {
    use std::str::FromStr;
    match (a, b) {
        (Value::String(x), Value::String(y)) => {
            x == y
                || matches!(
                    (jixiao::Decimal::from_str(x), jixiao::Decimal::from_str(y)),
                    (Ok(p), Ok(q)) if p == q
                )
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| figures_equal(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| figures_equal(v, w)))
        }
        _ => a == b,
    }
}

fn contains_list(v: &Value) -> Vec<&str> {
    match v {
        Value::String(s) => vec![s.as_str()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Runs one vector: format check, validation, then every case; returns every failure.
pub fn run_vector(v: &Vector, dir: &Path) -> Vec<Failure> {
    let mut cx = Ctx {
        file: &v.file,
        case: "(vector)",
        failures: Vec::new(),
    };
    let problems = check_format(v);
    if !problems.is_empty() {
        for p in problems {
            cx.fail("(vector format)", "a well-formed vector", p);
        }
        return cx.failures;
    }
    let system = match system_text(v, dir) {
        Ok(s) => s,
        Err(e) => {
            cx.fail("system", "a readable system", e);
            return cx.failures;
        }
    };
    let validation: Value = serde_json::from_str(&jixiao::wire::validate_json(&system)).unwrap_or(Value::Null);
    if let Some(expected) = v.value.get("expect_validation_errors").and_then(Value::as_array) {
        check_invalid(&mut cx, v, &system, &validation, expected);
        return cx.failures;
    }
    if validation.get("valid") != Some(&Value::Bool(true)) {
        cx.fail("validate_json", "{\"valid\": true}", &validation);
        return cx.failures;
    }
    for (i, case) in v.cases() {
        let name = case.get("name").and_then(Value::as_str).unwrap_or("");
        let mut ccx = Ctx {
            file: &v.file,
            case: name,
            failures: Vec::new(),
        };
        match v.case_answer(&system, i, case) {
            (true, answer) => run_analysis(&mut ccx, case, answer),
            (false, answer) => run_case(&mut ccx, case, answer),
        }
        cx.failures.append(&mut ccx.failures);
    }
    cx.failures
}

fn check_invalid(cx: &mut Ctx<'_>, v: &Vector, system: &str, validation: &Value, expected: &[Value]) {
    let kind = v
        .value
        .get("validation_kind")
        .and_then(Value::as_str)
        .unwrap_or("validation");
    if validation.get("valid") != Some(&Value::Bool(false)) {
        cx.fail("validate_json.valid", false, validation);
        return;
    }
    cx.same("validate_json.kind", &Value::from(kind), validation.get("kind"));
    let actual: &[Value] = validation
        .get("errors")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    if let Some(n) = v.value.get("validation_error_count").and_then(Value::as_u64)
        && actual.len() as u64 != n
    {
        cx.fail("validate_json.errors (count)", n, Value::from(actual.to_vec()));
    }
    for (i, want) in expected.iter().enumerate() {
        if !actual.iter().any(|a| entry_matches(want, a)) {
            cx.fail(
                format!("expect_validation_errors[{i}]"),
                want,
                format!("no matching error among {}", Value::from(actual.to_vec())),
            );
        }
    }
    // Evaluation must refuse the same system with the same kind of error.
    match jixiao::wire::evaluate_json_lang(system, "{}", Lang::Zh) {
        Ok(out) => cx.fail("evaluate_json", format!("an error of kind `{kind}`"), out),
        Err(e) => {
            if e.kind != kind {
                cx.fail("evaluate_json error kind", kind, e.to_value());
            }
        }
    }
}

/// Whether an actual error entry `{path, position?, message, ...}` satisfies an expected one.
fn entry_matches(want: &Value, actual: &Value) -> bool {
    let Some(w) = want.as_object() else { return false };
    for (k, x) in w {
        let ok = match k.as_str() {
            "message_contains" => {
                let message = actual.get("message").and_then(Value::as_str).unwrap_or("");
                contains_list(x).iter().all(|s| message.contains(s))
            }
            _ => actual.get(k) == Some(x),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Checks that `want` is contained in `actual`: objects key by key, arrays element by element with
/// the same length, other values equal; a key `x_contains` checks that the string `x` contains
/// each of the given fragments.
fn check_subset(cx: &mut Ctx<'_>, path: &str, want: &Value, actual: &Value) {
    match (want, actual) {
        (Value::Object(w), Value::Object(a)) => {
            for (k, v) in w {
                if let Some(field) = k.strip_suffix("_contains") {
                    let text = a.get(field).and_then(Value::as_str).unwrap_or("");
                    for s in contains_list(v) {
                        if !text.contains(s) {
                            cx.fail(format!("{path}.{field}"), format!("text containing `{s}`"), text);
                        }
                    }
                    continue;
                }
                match a.get(k) {
                    Some(x) => check_subset(cx, &format!("{path}.{k}"), v, x),
                    None => cx.fail(format!("{path}.{k}"), v, "(missing)"),
                }
            }
        }
        (Value::Array(w), Value::Array(a)) => {
            if w.len() != a.len() {
                cx.fail(format!("{path} (length)"), w.len(), Value::from(a.clone()));
                return;
            }
            for (i, (x, y)) in w.iter().zip(a).enumerate() {
                check_subset(cx, &format!("{path}[{i}]"), x, y);
            }
        }
        (w, a) => {
            if w != a {
                cx.fail(path.to_string(), w, a);
            }
        }
    }
}

fn run_analysis(cx: &mut Ctx<'_>, case: &Value, answer: Result<String, jixiao::wire::JsonError>) {
    match (answer, case.get("expect_analysis"), case.get("expect_error")) {
        (Ok(out), Some(want), _) => match serde_json::from_str::<Value>(&out) {
            Ok(actual) => check_subset(cx, "analysis", want, &actual),
            Err(e) => cx.fail("(output)", "analysis JSON", format!("unparsable output: {e}")),
        },
        (Err(e), Some(_), _) => cx.fail("(result)", "an analysis", e.to_value()),
        (Ok(out), None, Some(want)) => {
            let kind = want.get("kind").cloned().unwrap_or(Value::Null);
            cx.fail("(result)", format!("an error of kind {kind}"), out);
        }
        (Err(e), None, Some(want)) => check_error(cx, want, &e.to_value()),
        (_, None, None) => cx.fail("(case)", "expect_analysis or expect_error", "neither"),
    }
}

fn run_case(cx: &mut Ctx<'_>, case: &Value, result: Result<String, jixiao::wire::JsonError>) {
    match (case.get("expect"), case.get("expect_error"), result) {
        (Some(expect), _, Ok(out)) => match serde_json::from_str::<Value>(&out) {
            Ok(actual) => {
                check_expect_values(cx, expect, &actual);
                check_invariants(cx, &actual);
            }
            Err(e) => cx.fail("(output)", "evaluation JSON", format!("unparsable output: {e}")),
        },
        (Some(_), _, Err(e)) => cx.fail("(result)", "an evaluation", e.to_value()),
        (None, Some(want), Ok(out)) => {
            let kind = want.get("kind").cloned().unwrap_or(Value::Null);
            cx.fail("(result)", format!("an error of kind {kind}"), out);
        }
        (None, Some(want), Err(e)) => check_error(cx, want, &e.to_value()),
        (None, None, _) => cx.fail("(case)", "expect or expect_error", "neither"),
    }
}

fn check_error(cx: &mut Ctx<'_>, want: &Value, actual: &Value) {
    let err = actual.get("error").unwrap_or(&Value::Null);
    if let Some(k) = want.get("kind") {
        cx.same("error.kind", k, err.get("kind"));
    }
    let message = err.get("message").and_then(Value::as_str).unwrap_or("");
    for s in want.get("message_contains").map(contains_list).unwrap_or_default() {
        if !message.contains(s) {
            cx.fail("error.message_contains", s, message);
        }
    }
    let entries: &[Value] = err.get("errors").and_then(Value::as_array).map_or(&[], Vec::as_slice);
    for p in want.get("paths").and_then(Value::as_array).into_iter().flatten() {
        if !entries.iter().any(|e| e.get("path") == Some(p)) {
            let paths: Vec<&Value> = entries.iter().filter_map(|e| e.get("path")).collect();
            cx.fail(
                "error.paths",
                p,
                Value::from(paths.into_iter().cloned().collect::<Vec<_>>()),
            );
        }
    }
    if let Some(n) = want.get("count").and_then(Value::as_u64)
        && entries.len() as u64 != n
    {
        cx.fail("error.errors (count)", n, Value::from(entries.to_vec()));
    }
    for (i, w) in want
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if !entries.iter().any(|a| entry_matches(w, a)) {
            cx.fail(format!("error.errors[{i}]"), w, Value::from(entries.to_vec()));
        }
    }
}

/// The result object of an indicator (tree or bonus) by id.
fn find_indicator<'a>(actual: &'a Value, id: &str) -> Option<&'a Value> {
    ["indicators", "bonus"]
        .iter()
        .filter_map(|k| actual.get(*k).and_then(Value::as_array))
        .flatten()
        .find(|r| r.get("id").and_then(Value::as_str) == Some(id))
}

fn check_expect_values(cx: &mut Ctx<'_>, expect: &Value, actual: &Value) {
    let Some(expect) = expect.as_object() else { return };
    for (key, want) in expect {
        match key.as_str() {
            "total" | "exact_total" | "grade" | "grade_en" | "tree_total" | "full_points" | "excluded_points"
            | "rescaled_total" | "bonus_total" => cx.same_figures(key.clone(), want, actual.get(key)),
            "vetoes" => {
                let ids: Vec<Value> = actual
                    .get("vetoes")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.get("id").cloned())
                    .collect();
                cx.same("vetoes", want, Some(&Value::from(ids)));
            }
            "core_caps" => {
                let ids: Vec<Value> = actual
                    .get("core_caps")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.get("id").cloned())
                    .collect();
                cx.same("core_caps", want, Some(&Value::from(ids)));
            }
            "checks" => {
                // `{id: passed}`: every check the unit ran, `null` when skipped.
                let got: serde_json::Map<String, Value> = actual
                    .get("checks")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| {
                        let id = v.get("id")?.as_str()?.to_string();
                        Some((id, v.get("passed").cloned().unwrap_or(Value::Null)))
                    })
                    .collect();
                cx.same("checks", want, Some(&Value::Object(got)));
            }
            "indicator_ids" => {
                let ids: Vec<Value> = actual
                    .get("indicators")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.get("id").cloned())
                    .collect();
                cx.same("indicator_ids", want, Some(&Value::from(ids)));
            }
            "summary_contains" => {
                let text = actual.get("explanation").and_then(Value::as_str).unwrap_or("");
                for s in contains_list(want) {
                    if !text.contains(s) {
                        cx.fail("summary_contains", s, text);
                    }
                }
            }
            _ => per_indicator(cx, key, want, actual),
        }
    }
}

fn per_indicator(cx: &mut Ctx<'_>, key: &str, want: &Value, actual: &Value) {
    let Some(map) = want.as_object() else { return };
    for (id, w) in map {
        let field = format!("{key}[{id}]");
        let Some(r) = find_indicator(actual, id) else {
            cx.fail(field, w, "no indicator with this id in the result");
            continue;
        };
        match key {
            "scores" => cx.same_figures(field, w, r.get("score")),
            "exact_scores" => cx.same_figures(field, w, r.get("exact_score")),
            "values" => cx.same_figures(field, w, r.get("value")),
            "status" => cx.same(field, w, r.get("status")),
            "na_outcome" => cx.same(field, w, r.get("na_outcome")),
            "na_inherited" => cx.same(field, w, r.get("na_inherited")),
            "rules" => cx.same(field, w, r.get("rule")),
            "tiers" => cx.same(field, w, r.get("tier")),
            "cases" => cx.same(field, w, r.get("case")),
            "options" => cx.same(field, w, r.get("option")),
            "levels" => cx.same(field, w, r.get("level")),
            "deductions" => {
                let expected: Vec<Value> = w
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|d| match d {
                        Value::String(a) => serde_json::json!({"amount": a, "item": null}),
                        Value::Object(o) => serde_json::json!({
                            "amount": o.get("amount").cloned().unwrap_or(Value::Null),
                            "item": o.get("item").cloned().unwrap_or(Value::Null),
                        }),
                        other => other.clone(),
                    })
                    .collect();
                cx.same_figures(field, &Value::from(expected), r.get("deductions"));
            }
            "explanation_contains" => {
                let text = r.get("explanation").and_then(Value::as_str).unwrap_or("");
                for s in contains_list(w) {
                    if !text.contains(s) {
                        cx.fail(field.clone(), s, text);
                    }
                }
            }
            _ => cx.fail(field, "a known expectation", "unknown key"),
        }
    }
}

fn dec(v: Option<&Value>) -> Option<Decimal> {
    v.and_then(Value::as_str).and_then(|s| jixiao::parse_decimal(s).ok())
}

/// Rust-only checks on every successful evaluation (not part of the vector contract):
/// figures are decimal strings, leaf scores lie in [0, points], and a scored leaf's deductions
/// add up to points − score (bonus items have none).
fn check_invariants(cx: &mut Ctx<'_>, actual: &Value) {
    for key in [
        "total",
        "exact_total",
        "tree_total",
        "full_points",
        "excluded_points",
        "bonus_total",
    ] {
        if dec(actual.get(key)).is_none() {
            cx.fail(
                format!("(invariant) {key}"),
                "a decimal string",
                actual.get(key).unwrap_or(&Value::Null),
            );
        }
    }
    let results = ["indicators", "bonus"]
        .iter()
        .filter_map(|k| {
            actual
                .get(*k)
                .and_then(Value::as_array)
                .map(|list| (*k == "bonus", list))
        })
        .flat_map(|(bonus, list)| list.iter().map(move |r| (bonus, r)));
    for (bonus, r) in results {
        let id = r.get("id").and_then(Value::as_str).unwrap_or("?");
        let (Some(points), Some(score)) = (dec(r.get("points")), dec(r.get("score"))) else {
            cx.fail(format!("(invariant) indicators[{id}]"), "decimal points and score", r);
            continue;
        };
        if score.is_sign_negative() && !score.is_zero() || score > points {
            cx.fail(
                format!("(invariant) score[{id}]"),
                format!("within [0, {points}]"),
                score,
            );
        }
        let leaf = r.get("leaf") == Some(&Value::Bool(true));
        let excluded = r.get("na_outcome").and_then(Value::as_str) == Some("excluded");
        // Bonus items only add points: what they do not add is no deduction.
        let expected_lost = if bonus { Decimal::ZERO } else { points - score };
        if leaf && !excluded {
            let sum = r
                .get("deductions")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|d| dec(d.get("amount")))
                .fold(Decimal::ZERO, |a, b| a + b);
            if sum != expected_lost {
                cx.fail(
                    format!("(invariant) deductions[{id}]"),
                    format!("amounts summing to {}", expected_lost.normalize()),
                    sum.normalize(),
                );
            }
        }
    }
}

/// The wire output of every case of a vector, as the Python and JS runners must reproduce it:
/// `{"validation": ...}` for an invalid system, else `{"cases": [{"name", "lang", "output"}]}`
/// where `output` is the evaluation or analysis JSON, or the error envelope.
pub fn wire_outputs(v: &Vector, dir: &Path) -> Result<Value, String> {
    let system = system_text(v, dir)?;
    let parse = |text: &str| serde_json::from_str::<Value>(text).map_err(|e| format!("unparsable output: {e}"));
    if v.value.get("expect_validation_errors").is_some() {
        return Ok(serde_json::json!({ "validation": parse(&jixiao::wire::validate_json(&system))? }));
    }
    let mut cases = Vec::new();
    for (i, case) in v.cases() {
        let code = case.get("lang").and_then(Value::as_str).unwrap_or("zh");
        let output = match v.case_answer(&system, i, case).1 {
            Ok(text) => parse(&text)?,
            Err(e) => e.to_value(),
        };
        cases.push(serde_json::json!({"name": case.get("name"), "lang": code, "output": output}));
    }
    Ok(serde_json::json!({ "cases": cases }))
}

/// A small deterministic generator (splitmix64), so that one proptest seed gives one unit.
#[derive(Debug)]
pub struct Mix(pub u64);

impl Mix {
    pub fn draw(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.draw() % n.max(1)
    }
}

/// The built-in's example with every figure varied (×0–2, to 0.01; counts whole), levels, lists
/// and yes/no answers drawn at random.
pub fn varied(system: &IndicatorSystem, example: &Inputs, seed: u64) -> Inputs {
    let mut mix = Mix(seed);
    let mut out = example.clone();
    for decl in &system.inputs {
        let value = match decl.kind {
            InputKind::Number | InputKind::Count => {
                let Some(InputValue::Number(base)) = example.values.get(&decl.name) else {
                    continue;
                };
                let factor = Decimal::new(i64::try_from(mix.below(2001)).unwrap_or(1000), 3);
                let places = if decl.kind == InputKind::Count { 0 } else { 2 };
                InputValue::Number((*base * factor).round_dp(places))
            }
            InputKind::Boolean => InputValue::Bool(mix.below(2) == 1),
            InputKind::Level => {
                let pick = usize::try_from(mix.below(decl.levels.len() as u64)).unwrap_or(0);
                let Some(level) = decl.levels.get(pick).cloned() else {
                    continue;
                };
                InputValue::Level { level, score: None }
            }
            InputKind::Checklist => {
                InputValue::Items(decl.items.iter().filter(|_| mix.below(3) > 0).cloned().collect())
            }
            _ => continue,
        };
        out.values.insert(decl.name.clone(), value);
    }
    out
}
