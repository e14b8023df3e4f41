//! The indicator-system format: plain data, as a finance bureau publishes it.
//!
//! JSON is canonical, TOML is accepted. Every struct refuses unknown fields so that a typo in a
//! hand-written file is an error rather than a silently ignored rule.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::dec::Dec;

use super::de::{TAGGED, Tagged, TaggedVisitor};

/// The format version this crate reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// An indicator system (绩效评价指标体系): inputs, metrics, the indicator tree, grades and rounding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "an indicator system (an object)")]
#[non_exhaustive]
pub struct IndicatorSystem {
    /// Format version of this file; must be 1.
    pub format: u32,
    /// Stable identifier, e.g. `hunan-dept`.
    pub id: String,
    /// Name, e.g. `部门整体支出绩效评价指标表`.
    pub name: String,
    /// English name, used when explanations are rendered in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Issuing body, e.g. `湖南省财政厅`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Region the table applies to, e.g. `湖南省`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Evaluation year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<u32>,
    /// Version of the table when the issuer gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Source document, e.g. `湘财绩〔2020〕7号`, or where a public copy was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Free notes: assumptions, reading of ambiguous wording, provenance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Full points of the whole table (usually 100); checked against the sum of the top level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_points: Option<Dec>,
    /// Declared inputs: the base-data table (基础数据表) and evaluator judgements.
    #[serde(default)]
    pub inputs: Vec<InputDecl>,
    /// Derived metrics: named expressions over inputs and other metrics.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub metrics: Vec<MetricDecl>,
    /// The indicator tree (一级 → 二级 → 三级 ...).
    pub indicators: Vec<Indicator>,
    /// Bonus items (加分项), added after the tree total.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus: Option<Bonus>,
    /// Veto items (一票否决).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vetoes: Vec<Veto>,
    /// Data consistency checks (勾稽关系) run on the inputs before scoring, e.g.
    /// `收入 = 上年结转 + 拨款 + 其他`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checks: Vec<Check>,
    /// Grade table, highest first (优 ≥ 90, 良 ≥ 80, ...); the last grade catches the rest.
    pub grades: Vec<Grade>,
    /// Where and how scores are rounded.
    #[serde(default)]
    pub rounding: RoundingPolicy,
    /// What happens to the points of indicators excluded as not applicable.
    #[serde(default)]
    pub excluded_points: ExcludedPoints,
    /// How a review (复核) of a unit's self-evaluation (自评) is judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<ReviewPolicy>,
}

/// How a review (复核) judges a self-evaluation (自评): what counts as 自评虚高.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a review policy (an object)")]
#[non_exhaustive]
pub struct ReviewPolicy {
    /// A self-evaluated total more than this many points above the reviewed total is flagged
    /// 自评虚高 (e.g. `"5"`).
    pub inflated_above: Dec,
}

impl ReviewPolicy {
    /// A self-evaluated total more than `points` above the reviewed one is 自评虚高.
    pub fn new(points: impl Into<Dec>) -> Self {
        ReviewPolicy {
            inflated_above: points.into(),
        }
    }
}

/// A declared input (one cell of the base-data table or one judgement of the evaluator).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "an input (an object)")]
#[non_exhaustive]
pub struct InputDecl {
    /// Name used in expressions and input files, e.g. `编制数`.
    pub name: String,
    /// English name for English explanations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// What kind of value it holds.
    #[serde(default)]
    pub kind: InputKind,
    /// Unit: `万元`, `人`, `%`, `次` ... A `%` input holds a ratio: give `"82.39%"` or `0.8239`
    /// (a bare `82.39` means 8239%; declare `max` so that such a slip is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// What the figure is and where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Whether a value must be given (ignored when a default exists).
    #[serde(default = "default_true")]
    pub required: bool,
    /// Value used when the input is not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<InputDefault>,
    /// Smallest allowed value (number, count, manual).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Dec>,
    /// Largest allowed value (number, count, manual).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Dec>,
    /// The levels a `level` input may take, best first (e.g. 达成, 部分达成, 未达成).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
    /// The items of a `checklist` input (e.g. 财务管理制度, 资产管理制度, 内控制度); an item may not
    /// contain a separator of a checklist cell (`、` `,` `，` `;` `；`, a line break) nor edge spaces.
    /// At most 128 items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 128))]
    pub items: Vec<String>,
}

fn default_true() -> bool {
    true
}

/// The kind of value an input holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A decimal figure (amounts, head counts, rates).
    #[default]
    Number,
    /// A whole number of occurrences, never negative (violations, late payments).
    Count,
    /// Yes or no (有楼堂馆所项目).
    Boolean,
    /// One of the declared levels, optionally with a score inside its band.
    Level,
    /// The satisfied items of a declared checklist.
    Checklist,
    /// A score the evaluator gives directly (checked into [0, points] by a `manual` rule).
    Manual,
}

impl InputKind {
    /// The kind's name as written in a system file (`number`, `checklist`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            InputKind::Number => "number",
            InputKind::Count => "count",
            InputKind::Boolean => "boolean",
            InputKind::Level => "level",
            InputKind::Checklist => "checklist",
            InputKind::Manual => "manual",
        }
    }
}

/// A default value for an input: `true`/`false`, a number or text (a decimal such as `"0"` or
/// `"95%"`, or a level's name), or a list of checklist items. Numbers keep their exact text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum InputDefault {
    /// For boolean inputs.
    Bool(bool),
    /// For number, count and manual inputs (a decimal's text) and level inputs (the level's name).
    Text(String),
    /// For checklist inputs: the satisfied items.
    Items(Vec<String>),
}

impl JsonSchema for InputDefault {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "InputDefault".into()
    }

    fn json_schema(_generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A default value: true/false, a decimal (string or number), a level name, or a list of checklist items.",
            "anyOf": [
                { "type": "boolean" },
                { "type": "string" },
                { "type": "number" },
                { "type": "array", "items": { "type": "string" } }
            ]
        })
    }
}

impl<'de> Deserialize<'de> for InputDefault {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(InputDefaultVisitor)
    }
}

struct InputDefaultVisitor;

impl<'de> serde::de::Visitor<'de> for InputDefaultVisitor {
    type Value = InputDefault;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("true/false, a decimal, a level name or a list of checklist items")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<InputDefault, E> {
        Ok(InputDefault::Bool(v))
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<InputDefault, E> {
        Ok(InputDefault::Text(v.to_string()))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<InputDefault, E> {
        Ok(InputDefault::Text(v.to_string()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<InputDefault, E> {
        Ok(InputDefault::Text(v.to_string()))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<InputDefault, E> {
        Err(E::custom(crate::dec::float_refused(v)))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<InputDefault, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<String>()? {
            items.push(item);
        }
        Ok(InputDefault::Items(items))
    }

    /// A number in serde_json's exact form: kept exactly, written without trailing zeros.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<InputDefault, A::Error> {
        match map.next_key::<std::borrow::Cow<'de, str>>()? {
            Some(key) if key == crate::dec::JSON_NUMBER_TOKEN => {
                let text: std::borrow::Cow<'de, str> = map.next_value()?;
                let number = crate::dec::parse_json_number(&text).map_err(serde::de::Error::custom)?;
                Ok(InputDefault::Text(Dec(number).to_string()))
            }
            _ => Err(serde::de::Error::invalid_type(serde::de::Unexpected::Map, &self)),
        }
    }
}

/// A derived metric (预算完成率 = ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a metric (an object)")]
#[non_exhaustive]
pub struct MetricDecl {
    /// Name used in expressions and rules.
    pub name: String,
    /// English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Unit; `%` means the value is a ratio shown as a percentage (0.8239 → 82.39%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The formula as the table states it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The expression, e.g. `(上年结转 + 年初预算 + 本年追加 - 年末结余) / (上年结转 + 年初预算 + 本年追加)`.
    pub expr: String,
    /// Smallest value the metric can take; evaluation fails when the figures give less.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Dec>,
    /// Largest value the metric can take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Dec>,
}

/// A node of the indicator tree: a group (with children) or a leaf (with a rule).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "an indicator (an object)")]
#[non_exhaustive]
pub struct Indicator {
    /// Identifier, unique in the system (e.g. `2.1.1`).
    pub id: String,
    /// Name, e.g. `预算完成率`.
    pub name: String,
    /// English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Points (分值); a group's points equal the sum of its children's.
    pub points: Dec,
    /// The scoring standard (评价标准) as published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standard: Option<String>,
    /// What the indicator measures (指标解释).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Set when this row is not from the published table: why it is there and where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed: Option<String>,
    /// The scoring rule; required on leaves, absent on groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Rule>,
    /// The precision at which this indicator's score is stated, where the table differs from the
    /// system's `rounding.indicator` / `rounding.subtotal` (e.g. a row scored in whole points).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<Rounding>,
    /// When the indicator does not apply, and what it then scores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<NotApplicable>,
    /// Child indicators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Indicator>,
    /// A core indicator (核心指标, shown ★).
    #[serde(default, skip_serializing_if = "is_false")]
    pub core: bool,
    /// For a core indicator: the best grade (a label of the grade table) the unit may get when the
    /// indicator is not met (核心指标未达标，评价等次不高于…). A not-applicable indicator caps nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_cap: Option<String>,
    /// For a core indicator with `core_cap`: the share of its points it must score to be met
    /// (default `60%`); it is not met when its stated score is below this share of its points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core_min_share: Option<Dec>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A scoring rule: turns figures or judgements into a score in [0, points].
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Rule {
    /// Deduction per step beyond a threshold.
    Step(StepRule),
    /// Tier table.
    Tiers(TiersRule),
    /// Ratio of actual to target, capped at full points.
    Ratio(RatioRule),
    /// Rate × points.
    Rate(RateRule),
    /// Qualitative level mapped to a band of the points.
    Level(LevelRule),
    /// Points per satisfied checklist item.
    Checklist(ChecklistRule),
    /// Deduction per occurrence.
    PerOccurrence(PerOccurrenceRule),
    /// A score given by the evaluator.
    Manual(ManualRule),
    /// Ordered conditions, first match scores.
    Cases(CasesRule),
    /// A formula giving the score directly.
    Formula(FormulaRule),
    /// One of several alternative rules, whichever applies (二者择其一).
    ChooseOne(ChooseOneRule),
}

/// The names of the rule kinds, as the `type` field spells them.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum RuleKind {
    Step,
    Tiers,
    Ratio,
    Rate,
    Level,
    Checklist,
    PerOccurrence,
    Manual,
    Cases,
    Formula,
    ChooseOne,
}

impl Tagged for Rule {
    const TAG: &'static str = "type";
    type Kind = RuleKind;

    fn variant<'de, D: serde::Deserializer<'de>>(kind: RuleKind, rest: D) -> Result<Self, D::Error> {
        Ok(match kind {
            RuleKind::Step => Rule::Step(StepRule::deserialize(rest)?),
            RuleKind::Tiers => Rule::Tiers(TiersRule::deserialize(rest)?),
            RuleKind::Ratio => Rule::Ratio(RatioRule::deserialize(rest)?),
            RuleKind::Rate => Rule::Rate(RateRule::deserialize(rest)?),
            RuleKind::Level => Rule::Level(LevelRule::deserialize(rest)?),
            RuleKind::Checklist => Rule::Checklist(ChecklistRule::deserialize(rest)?),
            RuleKind::PerOccurrence => Rule::PerOccurrence(PerOccurrenceRule::deserialize(rest)?),
            RuleKind::Manual => Rule::Manual(ManualRule::deserialize(rest)?),
            RuleKind::Cases => Rule::Cases(CasesRule::deserialize(rest)?),
            RuleKind::Formula => Rule::Formula(FormulaRule::deserialize(rest)?),
            RuleKind::ChooseOne => Rule::ChooseOne(ChooseOneRule::deserialize(rest)?),
        })
    }
}

/// Reads `{"type": "step", ...}` with the variant's fields located as they stand in the text
/// (serde's derived internally tagged enums buffer the object and lose the positions).
impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct(TAGGED, &["type"], TaggedVisitor::<Rule>(std::marker::PhantomData))
    }
}

/// Deduction per step beyond a threshold, never below zero.
///
/// 在职人员控制率 (湖南): "以100%为标准。在职人员控制率≦100%,计5分;每超过一个百分点扣0.5分,扣完为止" is
/// `{value: 在职人员控制率, direction: above, threshold: 100%, step: 1%, deduct: 0.5, counting: proportional}`.
/// 预算完成率: "100%计满分,每低于5%扣2分,扣完为止" is `{direction: below, threshold: 100%, step: 5%,
/// deduct: 2, counting: whole}` when only whole 5-point steps count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct StepRule {
    /// Expression for the measured value (usually a metric name).
    pub value: String,
    /// Which side of the threshold loses points.
    pub direction: Direction,
    /// Full points on the good side of this value (inclusive).
    pub threshold: Dec,
    /// Size of one step (`1%` = one percentage point).
    pub step: Dec,
    /// Points deducted per step.
    pub deduct: Dec,
    /// How a partial step counts.
    pub counting: Counting,
    /// Largest total deduction (defaults to the indicator's points; more than the points is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_deduction: Option<Dec>,
}

/// Which side of a threshold is penalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Values above the threshold lose points (每超过).
    Above,
    /// Values below the threshold lose points (每低于).
    Below,
}

/// How the distance beyond a threshold turns into steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Counting {
    /// Only complete steps count (17.61 pp at 5 pp a step = 3 steps).
    Whole,
    /// Every started step counts (17.61 pp at 5 pp a step = 4 steps).
    Started,
    /// Steps count fractionally (17.61 pp at 5 pp a step = 3.522 steps).
    Proportional,
}

/// A tier table: the first tier containing the value gives the score.
///
/// 预算控制率 (湖南): "=0,计5分;0-10%(含),计4分;10-20%(含),计3分;20-30%(含),计2分;大于30%不得分" is
/// tiers `{eq: 0, score: 5}`, `{gt: 0, le: 10%, score: 4}`, `{gt: 10%, le: 20%, score: 3}`,
/// `{gt: 20%, le: 30%, score: 2}`, `{gt: 30%, score: 0}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct TiersRule {
    /// Expression for the measured value.
    pub value: String,
    /// The tiers; they must not overlap and must cover every value the metric can take.
    pub tiers: Vec<Tier>,
    /// Score for values no tier covers; without it, gaps are load errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<Dec>,
}

/// One tier: an exact value (`eq`) or an interval with explicit inclusive/exclusive bounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a tier (an object)")]
pub struct Tier {
    /// Exactly this value ("=0").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eq: Option<Dec>,
    /// Lower bound, exclusive ("大于30%").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gt: Option<Dec>,
    /// Lower bound, inclusive ("80%(含)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ge: Option<Dec>,
    /// Upper bound, exclusive ("低于60%").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lt: Option<Dec>,
    /// Upper bound, inclusive ("10%(含)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub le: Option<Dec>,
    /// Score in this tier.
    pub score: Dec,
}

/// Ratio of the actual value to the target, capped at full points.
///
/// MOF project self-evaluation: 正向指标 "得分 = 权重 × 实际/目标" (`higher_is_better`),
/// 反向指标 "得分 = 权重 × 目标/实际" (`lower_is_better`), never above the weight.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct RatioRule {
    /// Expression for the actual value (全年完成值).
    pub actual: String,
    /// Expression for the target (年度指标值).
    pub target: String,
    /// Whether more is better (正向) or less is better (反向).
    pub direction: Better,
    /// Round the share (实际/目标) before multiplying by the points, as tables that print the
    /// completion rate do: `{scale: 3}` takes 10.774% as 10.8%.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_rate: Option<Rounding>,
}

/// Which way an indicator improves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Better {
    /// 正向指标: reaching or exceeding the target scores full points.
    HigherIsBetter,
    /// 反向指标: staying at or below the target scores full points.
    LowerIsBetter,
}

/// Rate × points, the rate clamped to [0, 1].
///
/// MOF project self-evaluation: 预算执行 "得分 = 10 × 执行率"; 重庆: 执行率得分 = 执行率权重 (10) × 执行率,
/// and each row's 得分系数 × 指标权重.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct RateRule {
    /// Expression for the rate (a ratio: 95% is 0.95).
    pub value: String,
    /// Round the rate before multiplying by the points, as tables that print the rate do:
    /// `{scale: 3}` gives 20 × 10.8% = 2.16 for a rate of 10.774%, not 2.1548.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub round_rate: Option<Rounding>,
}

/// A qualitative level mapped to a band of the points; the evaluator may pick a score in the band.
///
/// MOF 定性指标: "达成 / 部分达成 / 未达成 → 100%–80%(含80%) / 80%–50%(含50%) / 50%–0%" is bands
/// `{level: 达成, min: 80%, max: 100%}`, `{level: 部分达成, min: 50%, max: 80%, max_inclusive: false}`,
/// `{level: 未达成, min: 0, max: 50%, max_inclusive: false}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct LevelRule {
    /// The `level` input this rule reads.
    pub input: String,
    /// One band per declared level.
    pub bands: Vec<Band>,
}

/// The share of the points a level may score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a band (an object)")]
pub struct Band {
    /// The level's name.
    pub level: String,
    /// Lowest share of the points (e.g. `80%`).
    pub min: Dec,
    /// Highest share of the points (e.g. `100%`).
    pub max: Dec,
    /// Whether `min` itself belongs to the band (default true).
    #[serde(default = "default_true")]
    pub min_inclusive: bool,
    /// Whether `max` itself belongs to the band (default true).
    #[serde(default = "default_true")]
    pub max_inclusive: bool,
    /// Share scored when the evaluator gives no score (must lie in the band); without it a
    /// score is required for this level unless the band is a single value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<Dec>,
}

/// Points per satisfied (or deducted per unsatisfied) checklist item.
///
/// 岳阳 管理制度健全性 3: three items, 1 point each.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct ChecklistRule {
    /// The `checklist` input this rule reads.
    pub input: String,
    /// Award points per satisfied item, or deduct per missing item.
    #[serde(default)]
    pub mode: ChecklistMode,
    /// Points of every item not listed in `item_points`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub points_per_item: Option<Dec>,
    /// Points of particular items.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub item_points: Vec<ItemPoints>,
}

/// Whether checklist items add or subtract points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistMode {
    /// Score = Σ points of satisfied items, at most the indicator's points.
    #[default]
    Award,
    /// Score = points − Σ points of missing items, at least zero.
    Deduct,
}

/// Points of one checklist item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "an item's points (an object)")]
pub struct ItemPoints {
    /// The item's name as declared on the input.
    pub item: String,
    /// Its points.
    pub points: Dec,
}

/// Deduction per occurrence, stopping at zero.
///
/// 岳阳 资金使用合规性 3: "每出现一例不符合要求的扣1分,扣完为止"; 支付进度 3: "每出现一个专项未按进度完成资金下达扣0.5分".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct PerOccurrenceRule {
    /// Expression for the number of occurrences (usually a `count` input).
    pub value: String,
    /// Points deducted per occurrence.
    pub deduct: Dec,
    /// Largest total deduction (defaults to the indicator's points; more than the points is refused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_deduction: Option<Dec>,
}

/// A score the evaluator gives, checked to lie in [0, points].
///
/// Sichuan-style 履职成效 and the 满意度 rows scored from surveys are entered as scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct ManualRule {
    /// The `manual` (or number) input holding the score.
    pub input: String,
}

/// Ordered conditions: the first that holds gives the score.
///
/// 岳阳 资金结余 3: "无结余,3分;有结余,但不超过上年结转,2分;结余超过上年结转,不得分" is cases
/// `{when: "年末结余 == 0", score: 3}`, `{when: "年末结余 <= 上年结转", score: 2}`, `otherwise: 0`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct CasesRule {
    /// The cases, tried in order.
    pub cases: Vec<Case>,
    /// Score when no case holds; without it that is an evaluation error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub otherwise: Option<Dec>,
}

/// One case of a [`CasesRule`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a case (an object)")]
pub struct Case {
    /// Condition (a boolean expression).
    pub when: String,
    /// Score when it holds.
    pub score: Dec,
    /// How the table words this case (无结余), used in explanations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// A formula that gives the score directly.
///
/// 重庆 部门整体绩效自评表: a row's 指标得分 = 得分系数 × 指标权重 can be written `得分系数 * 10`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct FormulaRule {
    /// Expression for the score.
    pub expr: String,
    /// Clamp the result into [0, points]; otherwise a result outside is an evaluation error.
    #[serde(default)]
    pub clamp: bool,
}

/// Alternative rules: the first option whose condition holds is used (二者择其一).
///
/// "结转结余率 or 结转结余变动率, whichever applies": option 结转结余变动率 `when: 上年结转结余 > 0`,
/// then option 结转结余率 without a condition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rule (an object)")]
pub struct ChooseOneRule {
    /// The options, tried in order; the last may omit `when`.
    pub options: Vec<RuleOption>,
}

/// One option of a [`ChooseOneRule`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "an option (an object)")]
pub struct RuleOption {
    /// Name of the alternative (结转结余率).
    pub name: String,
    /// When this option applies; absent means always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// The rule scoring this option.
    pub rule: Box<Rule>,
}

/// When an indicator does not apply, and what it scores then.
///
/// 新建楼堂馆所面积控制率: "没有楼堂馆所项目的部门按满分计算" is
/// `{when: "not 有楼堂馆所项目", outcome: full_points, reason: "没有楼堂馆所项目的部门按满分计算"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a not-applicable rule (an object)")]
#[non_exhaustive]
pub struct NotApplicable {
    /// Condition (a boolean expression) under which the indicator does not apply.
    pub when: String,
    /// What the indicator scores when it does not apply.
    pub outcome: NaOutcome,
    /// The table's wording, shown in explanations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The outcome of a not-applicable indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum NaOutcome {
    /// Full points (按满分计算).
    FullPoints,
    /// Zero points.
    Zero,
    /// Removed from the evaluation; see [`ExcludedPoints`] for the total.
    Excluded,
}

/// How the total treats excluded indicators' points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExcludedPoints {
    /// Scale the total up to full points: total × full / (full − excluded) (按比例折算).
    #[default]
    Rescale,
    /// Leave the total out of fewer points.
    Drop,
}

/// Bonus items (加分项) with caps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "the bonus (an object)")]
#[non_exhaustive]
pub struct Bonus {
    /// The bonus items: leaves with rules whose points are the most each can add.
    pub items: Vec<Indicator>,
    /// Most the bonus items may add together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bonus: Option<Dec>,
    /// Most the total may reach with the bonus (e.g. 100); the bonus never lowers a total that
    /// is already above it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total: Option<Dec>,
}

/// A veto item (一票否决): when its condition holds, it forces a grade and/or caps or sets the total.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a veto (an object)")]
#[non_exhaustive]
pub struct Veto {
    /// Identifier.
    pub id: String,
    /// Name, e.g. `发生重大违纪违规问题`.
    pub name: String,
    /// English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// Condition (a boolean expression).
    pub when: String,
    /// Grade forced when the veto applies (a label of the grade table); a veto never raises
    /// the grade that the total earns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Total set when the veto applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Dec>,
    /// Cap on the total when the veto applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total: Option<Dec>,
}

/// A data consistency check (勾稽关系) on the inputs, run before scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a check (an object)")]
#[non_exhaustive]
pub struct Check {
    /// Identifier, unique among the checks.
    pub id: String,
    /// Name, e.g. `收入 = 上年结转 + 拨款 + 其他`.
    pub name: String,
    /// English name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_en: Option<String>,
    /// The condition that must hold (a boolean expression over inputs and metrics), e.g.
    /// `abs(收入 - (上年结转 + 拨款 + 其他)) <= 0.01` to allow for rounding to the cent. A check
    /// needing an input that was not given is skipped.
    pub expr: String,
    /// What a failed check does: `warning` (reported beside the scores) or `error` (the unit is
    /// not scored).
    #[serde(default)]
    pub severity: Severity,
}

/// What a failed check does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Reported beside the scores.
    #[default]
    Warning,
    /// The unit is not scored.
    Error,
}

impl Severity {
    /// The name as written in a system file.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl Check {
    /// A warning check that `expr` holds.
    pub fn new(id: impl Into<String>, name: impl Into<String>, expr: impl Into<String>) -> Self {
        Check {
            id: id.into(),
            name: name.into(),
            name_en: None,
            expr: expr.into(),
            severity: Severity::Warning,
        }
    }
}

/// A grade with its inclusive lower bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a grade (an object)")]
#[non_exhaustive]
pub struct Grade {
    /// Label, e.g. `优`, `优秀`.
    pub label: String,
    /// English label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_en: Option<String>,
    /// Inclusive lower bound of the total (90 for "90（含）-100分为优"); the last grade may omit it.
    /// At most the highest total the system can reach (full points plus what the bonus can add).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Dec>,
}

/// Where rounding happens and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rounding policy (an object)")]
#[non_exhaustive]
pub struct RoundingPolicy {
    /// The precision at which every leaf's score is stated (得分 as the table prints it; default:
    /// two places, half away from zero, as published tables print them); `"none"` (or `null` in
    /// JSON) states leaves exactly. An indicator's own `rounding` overrides it.
    #[serde(
        default = "default_rounding",
        serialize_with = "optional_rounding::serialize",
        deserialize_with = "optional_rounding::deserialize"
    )]
    #[schemars(with = "OptionalRounding")]
    pub indicator: Option<Rounding>,
    /// The precision at which every group's score is stated (default: as its leaves, see
    /// `indicator`). An indicator's own `rounding` overrides it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtotal: Option<Rounding>,
    /// How a group's score is formed from its children's.
    #[serde(default)]
    pub parent: ParentScore,
    /// Rounding of the total (default: two places, half away from zero, 四舍五入); `"none"` (or
    /// `null` in JSON) for no rounding.
    #[serde(
        default = "default_rounding",
        serialize_with = "optional_rounding::serialize",
        deserialize_with = "optional_rounding::deserialize"
    )]
    #[schemars(with = "OptionalRounding")]
    pub total: Option<Rounding>,
    /// Which total the grade is read from.
    #[serde(default)]
    pub grade_from: GradeFrom,
}

impl Default for RoundingPolicy {
    fn default() -> Self {
        RoundingPolicy {
            indicator: default_rounding(),
            subtotal: None,
            parent: ParentScore::default(),
            total: default_rounding(),
            grade_from: GradeFrom::default(),
        }
    }
}

/// The schema of `rounding.indicator` and `rounding.total`: a rounding step, or `"none"`.
#[derive(JsonSchema)]
#[serde(untagged)]
#[expect(
    dead_code,
    reason = "only describes the schema of `rounding.indicator` and `rounding.total`"
)]
enum OptionalRounding {
    /// Round.
    Step(Rounding),
    /// Do not round the total.
    None(NoRounding),
}

/// `"none"`.
#[derive(JsonSchema)]
#[serde(rename_all = "snake_case")]
#[expect(
    dead_code,
    reason = "only describes the schema of `rounding.indicator` and `rounding.total`"
)]
enum NoRounding {
    /// No rounding.
    None,
}

/// `rounding.indicator` and `rounding.total` are written `"none"` when absent, because TOML has no
/// `null` and leaving the field out means the default (two places).
mod optional_rounding {
    use super::Rounding;
    use serde::de::{self, MapAccess, Visitor, value::MapAccessDeserializer};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// `"none"` or `null` mean no rounding; otherwise a rounding step.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Rounding>, D::Error> {
        deserializer.deserialize_any(TotalVisitor)
    }

    struct TotalVisitor;

    impl<'de> Visitor<'de> for TotalVisitor {
        type Value = Option<Rounding>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("\"none\" or a rounding step {scale, mode}")
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
            deserializer.deserialize_any(TotalVisitor)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            if v == "none" {
                Ok(None)
            } else {
                Err(E::custom(format_args!(
                    "expected \"none\" or a rounding step {{scale, mode}}, found \"{v}\""
                )))
            }
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            Rounding::deserialize(MapAccessDeserializer::new(map)).map(Some)
        }
    }

    pub fn serialize<S: Serializer>(value: &Option<Rounding>, serializer: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(r) => r.serialize(serializer),
            None => serializer.serialize_str("none"),
        }
    }
}

fn default_rounding() -> Option<Rounding> {
    Some(Rounding {
        scale: 2,
        mode: RoundingMode::HalfUp,
    })
}

/// How a group's score (小计) is formed from its children's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ParentScore {
    /// The sum of the children's stated scores (表内合计), then stated at the group's precision: the
    /// table foots — every stated parent is the sum of the figures printed beneath it.
    #[default]
    SumOfStated,
    /// The exact sum of the children's exact scores, then stated at the group's precision (which
    /// is then `subtotal`, or `indicator` when that is not given). Some tables are computed so;
    /// their printed children need not add up to the printed parent.
    RoundedExactSum,
}

/// Which value of the total the grade table reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum GradeFrom {
    /// The total after rounding (what the report prints).
    #[default]
    RoundedTotal,
    /// The exact total before rounding.
    ExactTotal,
}

/// A rounding step: decimal places and mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[serde(expecting = "a rounding step {scale, mode} (an object)")]
pub struct Rounding {
    /// Decimal places kept (0–10).
    pub scale: u32,
    /// Rounding mode.
    #[serde(default)]
    pub mode: RoundingMode,
}

/// Rounding modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// Half away from zero (四舍五入): 2.345 → 2.35.
    #[default]
    HalfUp,
    /// Half to even (银行家舍入): 2.345 → 2.34.
    HalfEven,
    /// Toward zero (去尾): 2.349 → 2.34.
    Down,
    /// Away from zero (进一): 2.341 → 2.35.
    Up,
}

// Constructors: the structs above are `#[non_exhaustive]` (the format grows; a new optional field
// must not break code that builds systems), so code outside the crate starts from these and sets
// the public fields it needs.

impl IndicatorSystem {
    /// An empty system of the current format: no inputs, indicators or grades yet.
    pub fn new(id: impl Into<String>, name: impl Into<String>) -> Self {
        IndicatorSystem {
            format: FORMAT_VERSION,
            id: id.into(),
            name: name.into(),
            name_en: None,
            issuer: None,
            region: None,
            year: None,
            version: None,
            source: None,
            notes: Vec::new(),
            total_points: None,
            inputs: Vec::new(),
            metrics: Vec::new(),
            indicators: Vec::new(),
            bonus: None,
            vetoes: Vec::new(),
            checks: Vec::new(),
            grades: Vec::new(),
            rounding: RoundingPolicy::default(),
            excluded_points: ExcludedPoints::default(),
            review: None,
        }
    }
}

impl InputDecl {
    /// A required input of `kind` without unit, range or default.
    pub fn new(name: impl Into<String>, kind: InputKind) -> Self {
        InputDecl {
            name: name.into(),
            name_en: None,
            kind,
            unit: None,
            description: None,
            required: true,
            default: None,
            min: None,
            max: None,
            levels: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl MetricDecl {
    /// A metric `name = expr` without unit or range.
    pub fn new(name: impl Into<String>, expr: impl Into<String>) -> Self {
        MetricDecl {
            name: name.into(),
            name_en: None,
            unit: None,
            description: None,
            expr: expr.into(),
            min: None,
            max: None,
        }
    }
}

impl Indicator {
    /// An indicator without rule or children yet.
    pub fn new(id: impl Into<String>, name: impl Into<String>, points: impl Into<Dec>) -> Self {
        Indicator {
            id: id.into(),
            name: name.into(),
            name_en: None,
            points: points.into(),
            standard: None,
            description: None,
            assumed: None,
            rule: None,
            rounding: None,
            not_applicable: None,
            children: Vec::new(),
            core: false,
            core_cap: None,
            core_min_share: None,
        }
    }
}

impl NotApplicable {
    /// Not applicable when `when` holds, with `outcome`.
    pub fn new(when: impl Into<String>, outcome: NaOutcome) -> Self {
        NotApplicable {
            when: when.into(),
            outcome,
            reason: None,
        }
    }
}

impl Bonus {
    /// Bonus items without caps.
    pub fn new(items: Vec<Indicator>) -> Self {
        Bonus {
            items,
            max_bonus: None,
            max_total: None,
        }
    }
}

impl Veto {
    /// A veto when `when` holds, with no effect set yet (set `grade`, `total` or `max_total`).
    pub fn new(id: impl Into<String>, name: impl Into<String>, when: impl Into<String>) -> Self {
        Veto {
            id: id.into(),
            name: name.into(),
            name_en: None,
            when: when.into(),
            grade: None,
            total: None,
            max_total: None,
        }
    }
}

impl Grade {
    /// A grade from `min` (none for the last grade, which catches the rest).
    pub fn new(label: impl Into<String>, min: Option<Dec>) -> Self {
        Grade {
            label: label.into(),
            label_en: None,
            min,
        }
    }
}
