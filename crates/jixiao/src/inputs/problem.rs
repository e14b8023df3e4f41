//! What is wrong with one value a user gave: a stable code, its parameters, and the message in
//! Chinese (for the people who fill in the tables) and in English. Every reader of values — the
//! decimal parser, the float policy, the conversion against an input's declaration — says what is
//! wrong with one of these, so that every front end can show the same words.

use std::fmt;

use rust_decimal::Decimal;

use crate::dec::Arith;
use crate::explain::Lang;

/// What is wrong with one value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ValueProblem {
    /// `empty`: a decimal was expected and the value is empty.
    Empty,
    /// `too_long`: longer than any decimal (the text is its beginning).
    TooLong {
        /// The beginning of the text.
        text: String,
    },
    /// `not_a_decimal`: not digits with an optional point, sign and `%`.
    NotADecimal {
        /// The text.
        text: String,
    },
    /// `misplaced_comma`: a comma that is not a thousands separator (`453,5`): it could mean two
    /// things, so it is refused, with the decimal it would be with a point.
    MisplacedComma {
        /// The text.
        text: String,
        /// The text with its one comma written as a point (none when it has several).
        with_point: Option<String>,
    },
    /// `beyond_decimal_range`: more digits or a larger magnitude than an exact decimal holds.
    BeyondRange {
        /// The text (a float in scientific notation when it came as one).
        text: String,
        /// The limit, as the English message words it.
        limit: &'static str,
    },
    /// `percent_places`: a percentage with too many places to divide by 100 exactly.
    PercentPlaces {
        /// The text.
        text: String,
    },
    /// `float_noise`: a binary float showing noise (`0.8999999999999999`), with the figure it was
    /// probably meant to be.
    FloatNoise {
        /// The float's exact shortest text.
        float: String,
        /// The figure it rounds to at 15 (or 7) significant digits.
        meant: String,
        /// What to do instead.
        advice: FloatAdvice,
    },
    /// `not_a_number`: a NaN float.
    NotANumber,
    /// `infinite`: an infinite float.
    Infinite {
        /// Whether it is −∞.
        negative: bool,
    },
    /// `not_whole`: a count that is not a whole number of occurrences.
    NotWhole {
        /// The value.
        value: Decimal,
    },
    /// `out_of_range`: outside the input's declared range.
    OutOfRange {
        /// The value.
        value: Decimal,
        /// The declared minimum.
        min: Option<Decimal>,
        /// The declared maximum.
        max: Option<Decimal>,
        /// Whether the input is a percentage (then 95% and 0.95 are the ways to write it).
        percent: bool,
    },
    /// `number_expected`: a number was expected, a yes/no, level or list was given.
    NumberExpected {
        /// What was given: `boolean`, `level` or `list`.
        found: &'static str,
    },
    /// `boolean_expected`: 是/否 was expected.
    BooleanExpected {
        /// The text given, when it was text.
        text: Option<String>,
    },
    /// `level_expected`: a level name was expected.
    LevelExpected {
        /// The declared levels.
        levels: Vec<String>,
    },
    /// `not_a_level`: a name that is not one of the declared levels.
    NotALevel {
        /// The name given.
        text: String,
        /// The declared levels.
        levels: Vec<String>,
    },
    /// `level_score`: the score written after a level is not a decimal.
    LevelScore {
        /// The level.
        level: String,
        /// What is wrong with the score.
        problem: Box<ValueProblem>,
    },
    /// `items_expected`: a list of checklist items was expected.
    ItemsExpected {
        /// The declared items.
        items: Vec<String>,
    },
    /// `not_an_item`: a name that is not one of the checklist's items.
    NotAnItem {
        /// The name given.
        item: String,
        /// The declared items.
        items: Vec<String>,
    },
    /// `unreadable`: a reader outside the engine could not read the value (its own words, in
    /// English).
    Unreadable {
        /// What the reader says.
        message: String,
    },
}

/// What to do instead of a noisy float.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FloatAdvice {
    /// Through a programming interface: give the figure as a string or an exact decimal.
    PassExactly,
    /// In an Excel cell: round it in the sheet or type the figure.
    RoundInTheSheet,
}

impl FloatAdvice {
    fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (FloatAdvice::PassExactly, Lang::En) => super::float::PASS_EXACTLY,
            (FloatAdvice::PassExactly, Lang::Zh) => "请以文本或 Decimal 传入该数",
            (FloatAdvice::RoundInTheSheet, Lang::En) => "round it in the sheet (=ROUND(…, 2)) or type the figure",
            (FloatAdvice::RoundInTheSheet, Lang::Zh) => "请在表中用 =ROUND(…, 2) 取整，或直接键入该数",
        }
    }
}

impl ValueProblem {
    /// A stable machine-readable code (`not_a_decimal`, `out_of_range`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            ValueProblem::Empty => "empty",
            ValueProblem::TooLong { .. } => "too_long",
            ValueProblem::NotADecimal { .. } => "not_a_decimal",
            ValueProblem::MisplacedComma { .. } => "misplaced_comma",
            ValueProblem::BeyondRange { .. } => "beyond_decimal_range",
            ValueProblem::PercentPlaces { .. } => "percent_places",
            ValueProblem::FloatNoise { .. } => "float_noise",
            ValueProblem::NotANumber => "not_a_number",
            ValueProblem::Infinite { .. } => "infinite",
            ValueProblem::NotWhole { .. } => "not_whole",
            ValueProblem::OutOfRange { .. } => "out_of_range",
            ValueProblem::NumberExpected { .. } => "number_expected",
            ValueProblem::BooleanExpected { .. } => "boolean_expected",
            ValueProblem::LevelExpected { .. } => "level_expected",
            ValueProblem::NotALevel { .. } => "not_a_level",
            ValueProblem::LevelScore { .. } => "level_score",
            ValueProblem::ItemsExpected { .. } => "items_expected",
            ValueProblem::NotAnItem { .. } => "not_an_item",
            ValueProblem::Unreadable { .. } => "unreadable",
        }
    }

    /// The parameters of the message, by name (`text`, `value`, `range`, `levels` ...).
    pub fn params(&self) -> Vec<(&'static str, String)> {
        let list = |v: &[String]| v.join("/");
        match self {
            ValueProblem::Empty | ValueProblem::NotANumber => Vec::new(),
            ValueProblem::TooLong { text }
            | ValueProblem::NotADecimal { text }
            | ValueProblem::PercentPlaces { text } => vec![("text", text.clone())],
            ValueProblem::MisplacedComma { text, with_point } => {
                let mut p = vec![("text", text.clone())];
                p.extend(with_point.iter().map(|w| ("with_point", w.clone())));
                p
            }
            ValueProblem::BeyondRange { text, .. } => vec![("text", text.clone())],
            ValueProblem::FloatNoise { float, meant, .. } => vec![("float", float.clone()), ("meant", meant.clone())],
            ValueProblem::Infinite { negative } => vec![("negative", negative.to_string())],
            ValueProblem::NotWhole { value } => vec![("value", value.normalize().to_string())],
            ValueProblem::OutOfRange { value, min, max, .. } => vec![
                ("value", value.normalize().to_string()),
                ("range", crate::dec::range_display(*min, *max)),
            ],
            ValueProblem::NumberExpected { found } => vec![("found", (*found).to_string())],
            ValueProblem::BooleanExpected { text } => text.iter().map(|t| ("text", t.clone())).collect(),
            ValueProblem::LevelExpected { levels } => vec![("levels", list(levels))],
            ValueProblem::NotALevel { text, levels } => vec![("text", text.clone()), ("levels", list(levels))],
            ValueProblem::LevelScore { level, problem } => {
                let mut p = vec![("level", level.clone()), ("problem", problem.code().to_string())];
                p.extend(problem.params());
                p
            }
            ValueProblem::ItemsExpected { items } => vec![("items", items.join("、"))],
            ValueProblem::NotAnItem { item, items } => vec![("item", item.clone()), ("items", items.join("、"))],
            ValueProblem::Unreadable { message } => vec![("message", message.clone())],
        }
    }

    /// The message in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.en(),
            Lang::Zh => self.zh(),
        }
    }

    fn en(&self) -> String {
        match self {
            ValueProblem::Empty => "expected a decimal number, found an empty value".into(),
            ValueProblem::TooLong { text } => format!("`{text}…` is too long for a decimal number"),
            ValueProblem::NotADecimal { text } => {
                format!("`{text}` is not a decimal number (expected digits such as `82.39` or `95%`)")
            }
            ValueProblem::MisplacedComma { text, with_point } => format!(
                "`{text}` has a comma that is not a thousands separator (groups of three digits, as in 3,867 or 1,234,567.5){}",
                with_point
                    .as_ref()
                    .map(|w| format!("; for a decimal write a point, as in {w}"))
                    .unwrap_or_default()
            ),
            ValueProblem::BeyondRange { text, limit } => {
                format!("`{text}` is outside the exact decimal range ({limit})")
            }
            ValueProblem::PercentPlaces { text } => {
                format!("`{text}` has too many decimal places to divide by 100 exactly")
            }
            ValueProblem::FloatNoise { float, meant, advice } => format!(
                "{float} looks like binary floating-point noise (did you mean {meant}?); {}",
                advice.text(Lang::En)
            ),
            ValueProblem::NotANumber => super::float::NOT_A_NUMBER.into(),
            ValueProblem::Infinite { negative } => {
                format!("{}inf is not a decimal number", if *negative { "-" } else { "" })
            }
            ValueProblem::NotWhole { value } => format!(
                "expected a whole number of occurrences (0, 1, 2 ...), found {}",
                value.normalize()
            ),
            ValueProblem::OutOfRange {
                value,
                min,
                max,
                percent,
            } => format!(
                "{} is outside the allowed range {}{}",
                value.normalize(),
                crate::dec::range_display(*min, *max),
                if *percent {
                    " (a percentage: write 95% or 0.95)"
                } else {
                    ""
                }
            ),
            ValueProblem::NumberExpected { found } => format!(
                "expected a number, found {}",
                match *found {
                    "boolean" => "true/false",
                    "level" => "a level",
                    _ => "a list",
                }
            ),
            ValueProblem::BooleanExpected { text: Some(t) } => format!("expected true/false (是/否), found `{t}`"),
            ValueProblem::BooleanExpected { text: None } => "expected true/false (是/否)".into(),
            ValueProblem::LevelExpected { levels } => format!("expected one of the levels {}", levels.join("/")),
            ValueProblem::NotALevel { text, levels } => {
                format!("`{text}` is not a level (expected one of {})", levels.join("/"))
            }
            ValueProblem::LevelScore { level, problem } => {
                format!("the score after level `{level}`: {}", problem.en())
            }
            ValueProblem::ItemsExpected { items } => {
                format!("expected a list of satisfied items from {}", items.join("、"))
            }
            ValueProblem::NotAnItem { item, items } => format!("`{item}` is not an item (items: {})", items.join("、")),
            ValueProblem::Unreadable { message } => message.clone(),
        }
    }

    fn zh(&self) -> String {
        match self {
            ValueProblem::Empty => "应填数字，但未填写".into(),
            ValueProblem::TooLong { text } => format!("“{text}…”过长，不是有效的数字"),
            ValueProblem::NotADecimal { text } => format!("“{text}”不是数字（应填写如 82.39 或 95% 的数字）"),
            ValueProblem::MisplacedComma { text, with_point } => format!(
                "“{text}”中的逗号不是千位分隔符（千位分隔须每三位一组，如 3,867）{}",
                with_point
                    .as_ref()
                    .map(|w| format!("；如为小数，请用小数点，写作 {w}"))
                    .unwrap_or_default()
            ),
            ValueProblem::BeyondRange { text, .. } => {
                format!("“{text}”超出精确小数的范围（最多 28 位有效数字、28 位小数）")
            }
            ValueProblem::PercentPlaces { text } => format!("“{text}”的小数位过多，无法精确换算为比率"),
            ValueProblem::FloatNoise { float, meant, advice } => format!(
                "{float} 带有二进制浮点运算误差（应为 {meant}？）；{}",
                advice.text(Lang::Zh)
            ),
            ValueProblem::NotANumber => "NaN 不是数字（没有数值时请留空或传入 None）".into(),
            ValueProblem::Infinite { .. } => "无穷大不是数字".into(),
            ValueProblem::NotWhole { value } => {
                format!("应填次数（0、1、2……的整数），填写的是 {}", value.normalize())
            }
            ValueProblem::OutOfRange {
                value,
                min,
                max,
                percent,
            } => {
                let shown = |d: Decimal| {
                    if *percent && let Some(p) = d.mul_checked(Decimal::ONE_HUNDRED) {
                        format!("{}%", p.normalize())
                    } else {
                        d.normalize().to_string()
                    }
                };
                let range = match (min, max) {
                    (Some(lo), Some(hi)) => format!("应在 {} 至 {} 之间", shown(*lo), shown(*hi)),
                    (Some(lo), None) => format!("不能小于 {}", shown(*lo)),
                    (None, Some(hi)) => format!("不能大于 {}", shown(*hi)),
                    (None, None) => String::new(),
                };
                format!(
                    "{} 超出允许范围（{range}）{}",
                    value.normalize(),
                    if *percent {
                        "；百分比请写作 95% 或 0.95"
                    } else {
                        ""
                    }
                )
            }
            ValueProblem::NumberExpected { found } => format!(
                "应填数字，填写的是{}",
                match *found {
                    "boolean" => "“是/否”",
                    "level" => "等级",
                    _ => "清单",
                }
            ),
            ValueProblem::BooleanExpected { text: Some(t) } => format!("应填“是”或“否”，填写的是“{t}”"),
            ValueProblem::BooleanExpected { text: None } => "应填“是”或“否”".into(),
            ValueProblem::LevelExpected { levels } => format!("应填等级：{}", levels.join("、")),
            ValueProblem::NotALevel { text, levels } => {
                format!("“{text}”不是可选的等级（可选：{}）", levels.join("、"))
            }
            ValueProblem::LevelScore { level, problem } => {
                format!("等级“{level}”后的得分有误：{}", problem.zh())
            }
            ValueProblem::ItemsExpected { items } => format!("应填已满足的项目（可选：{}）", items.join("、")),
            ValueProblem::NotAnItem { item, items } => {
                format!("“{item}”不是该项的内容（可选：{}）", items.join("、"))
            }
            ValueProblem::Unreadable { message } => format!("无法读取：{message}"),
        }
    }
}

/// The English message (as every error's `Display`).
impl fmt::Display for ValueProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en())
    }
}

impl std::error::Error for ValueProblem {}
