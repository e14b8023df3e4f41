//! Reading the model from a document tree ([`crate::tree`]), for JSON and TOML alike.
//!
//! Written by hand rather than derived: every error names the field path and the offset of the
//! value (or key) it is about, unknown and duplicate fields are refused, decimals are read from
//! their text, and the reader is a small part of the WASM module (the derived deserializers with
//! the path tracking were a fifth of it).

use crate::dec::{Dec, JSON_NUMBER_TOKEN, parse_decimal, parse_json_number};
use crate::model::*;
use crate::tree::{Key, Node, Value};

/// A reading error: the field path (`indicators[0].rule.deduct`), the byte offset and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError {
    pub path: String,
    pub at: usize,
    pub message: String,
}

type R<T> = Result<T, ReadError>;

/// Where a value sits: a chain of fields and indices back to the document root.
#[derive(Clone, Copy)]
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

fn error(path: &Path<'_>, at: usize, message: String) -> ReadError {
    ReadError {
        path: path.render(),
        at,
        message,
    }
}

fn expected(node: &Node<'_>, path: &Path<'_>, what: &str) -> ReadError {
    error(path, node.at, format!("expected {what}, found {}", node.value.kind()))
}

fn one_of(names: &[&str]) -> String {
    let mut out = String::new();
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(n);
        out.push('`');
    }
    out
}

/// A value the reader can read at a path.
trait Read: Sized {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self>;
}

impl Read for String {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        match &node.value {
            Value::String(s) => Ok(s.to_string()),
            _ => Err(expected(node, path, "a string")),
        }
    }
}

impl Read for bool {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        match node.value {
            Value::Bool(b) => Ok(b),
            _ => Err(expected(node, path, "true or false")),
        }
    }
}

impl Read for u32 {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        match &node.value {
            Value::Number(n) => n.parse::<u32>().map_err(|_| {
                error(
                    path,
                    node.at,
                    format!("expected a whole number from 0 to {}, found `{n}`", u32::MAX),
                )
            }),
            _ => Err(expected(node, path, "a whole number")),
        }
    }
}

impl Read for Dec {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        let parsed = match &node.value {
            Value::String(s) => parse_decimal(s),
            Value::Number(n) => parse_json_number(n),
            _ => {
                return Err(expected(
                    node,
                    path,
                    "a decimal number as a string (\"0.5\", \"95%\") or a number",
                ));
            }
        };
        parsed.map(Dec).map_err(|m| error(path, node.at, m))
    }
}

impl<T: Read> Read for Vec<T> {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        let Value::Array(items) = &node.value else {
            return Err(expected(node, path, "a list"));
        };
        items
            .iter()
            .enumerate()
            .map(|(i, item)| T::read(item, &Path::Index(path, i)))
            .collect()
    }
}

impl<T: Read> Read for Box<T> {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        T::read(node, path).map(Box::new)
    }
}

/// Reads a string that must be one of `names`; gives its index.
fn variant(node: &Node<'_>, path: &Path<'_>, names: &[&str]) -> R<usize> {
    let Value::String(s) = &node.value else {
        return Err(expected(node, path, &format!("one of {}", one_of(names))));
    };
    names.iter().position(|n| *n == s.as_ref()).ok_or_else(|| {
        error(
            path,
            node.at,
            format!("unknown value `{s}`, expected one of {}", one_of(names)),
        )
    })
}

macro_rules! read_unit_enum {
    ($t:ty, $($name:literal => $v:expr),+ $(,)?) => {
        impl Read for $t {
            fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
                const NAMES: &[&str] = &[$($name),+];
                const VALUES: &[$t] = &[$($v),+];
                let i = variant(node, path, NAMES)?;
                VALUES.get(i).copied().ok_or_else(|| error(path, node.at, "unreachable variant".into()))
            }
        }
    };
}

read_unit_enum!(InputKind,
    "number" => InputKind::Number, "count" => InputKind::Count, "boolean" => InputKind::Boolean,
    "level" => InputKind::Level, "checklist" => InputKind::Checklist, "manual" => InputKind::Manual);
read_unit_enum!(Direction, "above" => Direction::Above, "below" => Direction::Below);
read_unit_enum!(Counting, "whole" => Counting::Whole, "started" => Counting::Started, "proportional" => Counting::Proportional);
read_unit_enum!(Better, "higher_is_better" => Better::HigherIsBetter, "lower_is_better" => Better::LowerIsBetter);
read_unit_enum!(ChecklistMode, "award" => ChecklistMode::Award, "deduct" => ChecklistMode::Deduct);
read_unit_enum!(NaOutcome, "full_points" => NaOutcome::FullPoints, "zero" => NaOutcome::Zero, "excluded" => NaOutcome::Excluded);
read_unit_enum!(ExcludedPoints, "rescale" => ExcludedPoints::Rescale, "drop" => ExcludedPoints::Drop);
read_unit_enum!(GradeFrom, "rounded_total" => GradeFrom::RoundedTotal, "exact_total" => GradeFrom::ExactTotal);
read_unit_enum!(RoundingMode,
    "half_up" => RoundingMode::HalfUp, "half_even" => RoundingMode::HalfEven,
    "down" => RoundingMode::Down, "up" => RoundingMode::Up);

/// The fields of one object, checked against the names the type declares.
struct Fields<'n, 'a, 'p> {
    names: &'static [&'static str],
    slots: Vec<Option<&'n Node<'a>>>,
    at: usize,
    path: &'p Path<'p>,
}

impl<'n, 'a, 'p> Fields<'n, 'a, 'p> {
    /// Takes an object's entries; `ignore` is a key read elsewhere (an enum's tag).
    fn new(
        node: &'n Node<'a>,
        path: &'p Path<'p>,
        what: &str,
        names: &'static [&'static str],
        ignore: Option<&str>,
    ) -> R<Self> {
        let Value::Object(entries) = &node.value else {
            return Err(expected(node, path, &format!("{what} (an object)")));
        };
        let mut slots = vec![None; names.len()];
        for (Key { at, name }, value) in entries {
            let name: &str = name;
            if Some(name) == ignore {
                continue;
            }
            let here = Path::Field(path, name);
            let Some(i) = names.iter().position(|n| *n == name) else {
                let message = match names {
                    [only] => format!("unknown field `{name}`, expected `{only}`"),
                    _ => format!("unknown field `{name}`, expected one of {}", one_of(names)),
                };
                return Err(error(&here, *at, message));
            };
            match slots.get_mut(i) {
                Some(slot @ None) => *slot = Some(value),
                _ => return Err(error(&here, *at, format!("duplicate field `{name}`"))),
            }
        }
        Ok(Fields {
            names,
            slots,
            at: node.at,
            path,
        })
    }

    fn slot(&self, name: &'static str) -> Option<&'n Node<'a>> {
        let i = self.names.iter().position(|n| *n == name)?;
        self.slots.get(i).copied().flatten()
    }

    /// A field that must be there.
    fn req<T: Read>(&self, name: &'static str) -> R<T> {
        match self.slot(name) {
            Some(node) => T::read(node, &Path::Field(self.path, name)),
            None => Err(error(self.path, self.at, format!("missing field `{name}`"))),
        }
    }

    /// A field that may be absent or `null`.
    fn opt<T: Read>(&self, name: &'static str) -> R<Option<T>> {
        match self.slot(name) {
            None | Some(Node { value: Value::Null, .. }) => Ok(None),
            Some(node) => T::read(node, &Path::Field(self.path, name)).map(Some),
        }
    }

    /// A field with a default when absent or `null`.
    fn or<T: Read>(&self, name: &'static str, default: T) -> R<T> {
        Ok(self.opt(name)?.unwrap_or(default))
    }

    /// A list that may be absent (empty).
    fn list<T: Read>(&self, name: &'static str) -> R<Vec<T>> {
        Ok(self.opt(name)?.unwrap_or_default())
    }
}

/// Reads an indicator system from its document tree.
pub(crate) fn system(node: &Node<'_>) -> R<IndicatorSystem> {
    IndicatorSystem::read(node, &Path::Root)
}

impl Read for IndicatorSystem {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        const NAMES: &[&str] = &[
            "format",
            "id",
            "name",
            "name_en",
            "issuer",
            "region",
            "year",
            "version",
            "source",
            "notes",
            "total_points",
            "inputs",
            "metrics",
            "indicators",
            "bonus",
            "vetoes",
            "grades",
            "rounding",
            "excluded_points",
        ];
        let f = Fields::new(node, path, "an indicator system", NAMES, None)?;
        Ok(IndicatorSystem {
            format: f.req("format")?,
            id: f.req("id")?,
            name: f.req("name")?,
            name_en: f.opt("name_en")?,
            issuer: f.opt("issuer")?,
            region: f.opt("region")?,
            year: f.opt("year")?,
            version: f.opt("version")?,
            source: f.opt("source")?,
            notes: f.list("notes")?,
            total_points: f.opt("total_points")?,
            inputs: f.list("inputs")?,
            metrics: f.list("metrics")?,
            indicators: f.req("indicators")?,
            bonus: f.opt("bonus")?,
            vetoes: f.list("vetoes")?,
            grades: f.req("grades")?,
            rounding: f.or("rounding", RoundingPolicy::default())?,
            excluded_points: f.or("excluded_points", ExcludedPoints::default())?,
        })
    }
}

impl Read for InputDecl {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        const NAMES: &[&str] = &[
            "name",
            "name_en",
            "kind",
            "unit",
            "description",
            "required",
            "default",
            "min",
            "max",
            "levels",
            "items",
        ];
        let f = Fields::new(node, path, "an input", NAMES, None)?;
        Ok(InputDecl {
            name: f.req("name")?,
            name_en: f.opt("name_en")?,
            kind: f.or("kind", InputKind::default())?,
            unit: f.opt("unit")?,
            description: f.opt("description")?,
            required: f.or("required", true)?,
            default: f.opt("default")?,
            min: f.opt("min")?,
            max: f.opt("max")?,
            levels: f.list("levels")?,
            items: f.list("items")?,
        })
    }
}

impl Read for InputDefault {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        Ok(match &node.value {
            Value::Bool(b) => InputDefault::Bool(*b),
            Value::String(s) => InputDefault::Text(s.to_string()),
            // A number keeps its exact value, written without trailing zeros.
            Value::Number(_) => InputDefault::Text(Dec::read(node, path)?.to_string()),
            Value::Array(_) => InputDefault::Items(Vec::read(node, path)?),
            _ => {
                return Err(expected(
                    node,
                    path,
                    "true/false, a decimal, a level name or a list of checklist items",
                ));
            }
        })
    }
}

impl Read for MetricDecl {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        const NAMES: &[&str] = &["name", "name_en", "unit", "description", "expr", "min", "max"];
        let f = Fields::new(node, path, "a metric", NAMES, None)?;
        Ok(MetricDecl {
            name: f.req("name")?,
            name_en: f.opt("name_en")?,
            unit: f.opt("unit")?,
            description: f.opt("description")?,
            expr: f.req("expr")?,
            min: f.opt("min")?,
            max: f.opt("max")?,
        })
    }
}

impl Read for Indicator {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        const NAMES: &[&str] = &[
            "id",
            "name",
            "name_en",
            "points",
            "standard",
            "description",
            "assumed",
            "rule",
            "not_applicable",
            "children",
        ];
        let f = Fields::new(node, path, "an indicator", NAMES, None)?;
        Ok(Indicator {
            id: f.req("id")?,
            name: f.req("name")?,
            name_en: f.opt("name_en")?,
            points: f.req("points")?,
            standard: f.opt("standard")?,
            description: f.opt("description")?,
            assumed: f.opt("assumed")?,
            rule: f.opt("rule")?,
            not_applicable: f.opt("not_applicable")?,
            children: f.list("children")?,
        })
    }
}

impl Read for Rule {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        const TYPES: &[&str] = &[
            "step",
            "tiers",
            "ratio",
            "rate",
            "level",
            "checklist",
            "per_occurrence",
            "manual",
            "cases",
            "formula",
            "choose_one",
        ];
        let Value::Object(entries) = &node.value else {
            return Err(expected(node, path, "a rule (an object with a `type`)"));
        };
        let mut tags = entries.iter().filter(|(k, _)| k.name == "type");
        let Some((_, tag)) = tags.next() else {
            return Err(error(
                path,
                node.at,
                format!("missing field `type` (one of {})", one_of(TYPES)),
            ));
        };
        let tag_path = Path::Field(path, "type");
        if let Some((again, _)) = tags.next() {
            return Err(error(&tag_path, again.at, "duplicate field `type`".into()));
        }
        let fields = |names: &'static [&'static str]| Fields::new(node, path, "a rule", names, Some("type"));
        Ok(match variant(tag, &tag_path, TYPES)? {
            0 => {
                let f = fields(&[
                    "value",
                    "direction",
                    "threshold",
                    "step",
                    "deduct",
                    "counting",
                    "max_deduction",
                ])?;
                Rule::Step(StepRule {
                    value: f.req("value")?,
                    direction: f.req("direction")?,
                    threshold: f.req("threshold")?,
                    step: f.req("step")?,
                    deduct: f.req("deduct")?,
                    counting: f.req("counting")?,
                    max_deduction: f.opt("max_deduction")?,
                })
            }
            1 => {
                let f = fields(&["value", "tiers", "otherwise"])?;
                Rule::Tiers(TiersRule {
                    value: f.req("value")?,
                    tiers: f.req("tiers")?,
                    otherwise: f.opt("otherwise")?,
                })
            }
            2 => {
                let f = fields(&["actual", "target", "direction"])?;
                Rule::Ratio(RatioRule {
                    actual: f.req("actual")?,
                    target: f.req("target")?,
                    direction: f.req("direction")?,
                })
            }
            3 => {
                let f = fields(&["value"])?;
                Rule::Rate(RateRule { value: f.req("value")? })
            }
            4 => {
                let f = fields(&["input", "bands"])?;
                Rule::Level(LevelRule {
                    input: f.req("input")?,
                    bands: f.req("bands")?,
                })
            }
            5 => {
                let f = fields(&["input", "mode", "points_per_item", "item_points"])?;
                Rule::Checklist(ChecklistRule {
                    input: f.req("input")?,
                    mode: f.or("mode", ChecklistMode::default())?,
                    points_per_item: f.opt("points_per_item")?,
                    item_points: f.list("item_points")?,
                })
            }
            6 => {
                let f = fields(&["value", "deduct", "max_deduction"])?;
                Rule::PerOccurrence(PerOccurrenceRule {
                    value: f.req("value")?,
                    deduct: f.req("deduct")?,
                    max_deduction: f.opt("max_deduction")?,
                })
            }
            7 => {
                let f = fields(&["input"])?;
                Rule::Manual(ManualRule { input: f.req("input")? })
            }
            8 => {
                let f = fields(&["cases", "otherwise"])?;
                Rule::Cases(CasesRule {
                    cases: f.req("cases")?,
                    otherwise: f.opt("otherwise")?,
                })
            }
            9 => {
                let f = fields(&["expr", "clamp"])?;
                Rule::Formula(FormulaRule {
                    expr: f.req("expr")?,
                    clamp: f.or("clamp", false)?,
                })
            }
            _ => {
                let f = fields(&["options"])?;
                Rule::ChooseOne(ChooseOneRule {
                    options: f.req("options")?,
                })
            }
        })
    }
}

impl Read for Tier {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        const NAMES: &[&str] = &["eq", "gt", "ge", "lt", "le", "score"];
        let f = Fields::new(node, path, "a tier", NAMES, None)?;
        Ok(Tier {
            eq: f.opt("eq")?,
            gt: f.opt("gt")?,
            ge: f.opt("ge")?,
            lt: f.opt("lt")?,
            le: f.opt("le")?,
            score: f.req("score")?,
        })
    }
}

impl Read for Band {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        const NAMES: &[&str] = &["level", "min", "max", "min_inclusive", "max_inclusive", "default"];
        let f = Fields::new(node, path, "a band", NAMES, None)?;
        Ok(Band {
            level: f.req("level")?,
            min: f.req("min")?,
            max: f.req("max")?,
            min_inclusive: f.or("min_inclusive", true)?,
            max_inclusive: f.or("max_inclusive", true)?,
            default: f.opt("default")?,
        })
    }
}

impl Read for ItemPoints {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        let f = Fields::new(node, path, "an item's points", &["item", "points"], None)?;
        Ok(ItemPoints {
            item: f.req("item")?,
            points: f.req("points")?,
        })
    }
}

impl Read for Case {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        let f = Fields::new(node, path, "a case", &["when", "score", "label"], None)?;
        Ok(Case {
            when: f.req("when")?,
            score: f.req("score")?,
            label: f.opt("label")?,
        })
    }
}

impl Read for RuleOption {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        let f = Fields::new(node, path, "an option", &["name", "when", "rule"], None)?;
        Ok(RuleOption {
            name: f.req("name")?,
            when: f.opt("when")?,
            rule: f.req("rule")?,
        })
    }
}

impl Read for NotApplicable {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        let f = Fields::new(
            node,
            path,
            "a not-applicable rule",
            &["when", "outcome", "reason"],
            None,
        )?;
        Ok(NotApplicable {
            when: f.req("when")?,
            outcome: f.req("outcome")?,
            reason: f.opt("reason")?,
        })
    }
}

impl Read for Bonus {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        let f = Fields::new(node, path, "the bonus", &["items", "max_bonus", "max_total"], None)?;
        Ok(Bonus {
            items: f.req("items")?,
            max_bonus: f.opt("max_bonus")?,
            max_total: f.opt("max_total")?,
        })
    }
}

impl Read for Veto {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        const NAMES: &[&str] = &["id", "name", "name_en", "when", "grade", "total", "max_total"];
        let f = Fields::new(node, path, "a veto", NAMES, None)?;
        Ok(Veto {
            id: f.req("id")?,
            name: f.req("name")?,
            name_en: f.opt("name_en")?,
            when: f.req("when")?,
            grade: f.opt("grade")?,
            total: f.opt("total")?,
            max_total: f.opt("max_total")?,
        })
    }
}

impl Read for Grade {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        let f = Fields::new(node, path, "a grade", &["label", "label_en", "min"], None)?;
        Ok(Grade {
            label: f.req("label")?,
            label_en: f.opt("label_en")?,
            min: f.opt("min")?,
        })
    }
}

impl Read for RoundingPolicy {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        const NAMES: &[&str] = &["indicator", "subtotal", "total", "grade_from"];
        let f = Fields::new(node, path, "a rounding policy", NAMES, None)?;
        let defaults = RoundingPolicy::default();
        // `total`: absent means the default (two places); `"none"` (or JSON `null`) means none.
        let total = match f.slot("total") {
            None => defaults.total,
            Some(Node { value: Value::Null, .. }) => None,
            Some(
                node @ Node {
                    value: Value::String(s),
                    ..
                },
            ) => {
                if s == "none" {
                    None
                } else {
                    return Err(error(
                        &Path::Field(path, "total"),
                        node.at,
                        format!("expected \"none\" or a rounding step {{scale, mode}}, found \"{s}\""),
                    ));
                }
            }
            Some(node) => Some(Rounding::read(node, &Path::Field(path, "total"))?),
        };
        Ok(RoundingPolicy {
            indicator: f.opt("indicator")?,
            subtotal: f.opt("subtotal")?,
            total,
            grade_from: f.or("grade_from", GradeFrom::default())?,
        })
    }
}

impl Read for Rounding {
    fn read(node: &Node<'_>, path: &Path<'_>) -> R<Self> {
        let f = Fields::new(node, path, "a rounding step {scale, mode}", &["scale", "mode"], None)?;
        Ok(Rounding {
            scale: f.req("scale")?,
            mode: f.or("mode", RoundingMode::default())?,
        })
    }
}

/// `serde::Deserialize` for the model, for services that embed a system in their own
/// configuration: any self-describing format is read into the same tree and by the same reader
/// (errors say `path: message`, without a position). A binary float is refused with the string to
/// write instead, as everywhere; serde_json's `arbitrary_precision` numbers keep their digits.
impl<'de> serde::Deserialize<'de> for IndicatorSystem {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let node = Node::<'static>::deserialize(deserializer)?;
        system(&node).map_err(|e| {
            serde::de::Error::custom(if e.path.is_empty() {
                e.message
            } else {
                format!("{}: {}", e.path, e.message)
            })
        })
    }
}

impl<'de> serde::Deserialize<'de> for Node<'static> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl NodeVisitor {
    fn node(value: Value<'static>) -> Node<'static> {
        Node { at: 0, value }
    }

    fn number(text: String) -> Node<'static> {
        Self::node(Value::Number(std::borrow::Cow::Owned(text)))
    }
}

impl<'de> serde::de::Visitor<'de> for NodeVisitor {
    type Value = Node<'static>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an indicator system's value (object, list, string, integer, boolean)")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Self::node(Value::Bool(v)))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Self::number(v.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Self::number(v.to_string()))
    }

    fn visit_i128<E: serde::de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Self::number(v.to_string()))
    }

    fn visit_u128<E: serde::de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(Self::number(v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Err(E::custom(crate::dec::float_refused(v)))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Self::node(Value::String(std::borrow::Cow::Owned(v.to_string()))))
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Self::node(Value::Null))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(Self::node(Value::Null))
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        serde::Deserialize::deserialize(deserializer)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node<'static>>()? {
            items.push(item);
        }
        Ok(Self::node(Value::Array(items)))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if name == JSON_NUMBER_TOKEN && entries.is_empty() {
                return Ok(Self::number(map.next_value::<String>()?));
            }
            let value = map.next_value::<Node<'static>>()?;
            entries.push((
                Key {
                    at: 0,
                    name: std::borrow::Cow::Owned(name),
                },
                value,
            ));
        }
        Ok(Self::node(Value::Object(entries)))
    }
}

#[cfg(test)]
mod tests {
    use crate::error::LoadError;
    use crate::model::*;

    const SYSTEM: &str = r#"{
  "format": 1, "id": "t", "name": "测试",
  "inputs": [{"name": "a", "default": 1.50}, {"name": "b", "kind": "checklist", "items": ["x"], "default": ["x"]}],
  "indicators": [
    {"id": "1", "name": "甲", "points": 10, "rule": {"type": "rate", "value": "a"}}
  ],
  "grades": [{"label": "合格"}]
}"#;

    fn error(text: &str) -> (String, String) {
        match IndicatorSystem::from_json(text) {
            Err(LoadError::Syntax { path, message, .. }) => (path, message),
            other => (String::new(), format!("not a syntax error: {other:?}")),
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
                "unknown field `deduct`, expected `value`",
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
            Err(LoadError::Syntax { path, message, .. }) => {
                assert!(path.starts_with("indicators[0].pionts (line "), "{path}");
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

    #[test]
    fn deserialize_reads_like_from_json_in_any_format() {
        for b in crate::builtins() {
            let direct = IndicatorSystem::from_json(b.text()).unwrap();
            let via_serde: IndicatorSystem = serde_json::from_str(b.text()).unwrap();
            assert_eq!(via_serde, direct, "{}", b.id);
            let toml = direct.to_toml().unwrap();
            let via_toml: IndicatorSystem = toml::from_str(&toml).unwrap();
            assert_eq!(via_toml, direct, "{}", b.id);
        }
        // Embedded in a service's own configuration.
        #[derive(serde::Deserialize)]
        struct Config {
            system: IndicatorSystem,
        }
        let config: Config = serde_json::from_str(&format!(r#"{{"system": {SYSTEM}}}"#)).unwrap();
        assert_eq!(config.system, IndicatorSystem::from_json(SYSTEM).unwrap());
        // The reader's errors, with their path; binary floats refused as everywhere.
        let bad = SYSTEM.replacen(r#""points": 10"#, r#""points": 10, "pionts": 1"#, 1);
        let e = serde_json::from_str::<IndicatorSystem>(&bad).err().unwrap().to_string();
        assert!(e.starts_with("indicators[0].pionts: unknown field `pionts`"), "{e}");
        let toml = IndicatorSystem::from_json(SYSTEM).unwrap().to_toml().unwrap();
        let float = toml.replacen("points = \"10\"", "points = 10.5", 1);
        assert_ne!(float, toml);
        let e = toml::from_str::<IndicatorSystem>(&float).err().unwrap().to_string();
        assert!(e.contains("write the decimal as a string, e.g. \"10.5\""), "{e}");
    }
}
