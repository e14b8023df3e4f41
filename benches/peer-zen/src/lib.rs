//! The peer engine of jixiao's benchmarks: the built-in system `hunan-dept` encoded for GoRules ZEN
//! (`zen-engine`) as a JDM decision graph, `hunan-dept.jdm.json` beside this crate.
//!
//! The graph is what a ZEN user would write for the table: an input node whose JSON schema checks
//! the base data (types, minimums, level and checklist names), an expression node computing the 15
//! metrics, one scoring node per kind of rule (an expression node for the step deductions, decision
//! tables for the tier table and the level bands, expression nodes for checklists, occurrences and
//! rates), an expression node stating every leaf to 0.01 (half up, as the system's
//! `rounding.indicator`) and adding the stated leaves into the subtotals and the total, rounded half
//! up to 2 places, and a decision table for the grade.
//!
//! [`zen_input`] turns a unit's jixiao [`Inputs`] into the JSON request the graph reads, as a ZEN
//! user must; [`ZenPeer`] loads and compiles the graph once and evaluates units.

use std::str::FromStr;
use std::sync::Arc;

use jixiao::{Decimal, InputValue, Inputs, parse_decimal};
use jixiao_benches::hunan::{HUNAN_LEAF_IDS, HUNAN_LEAVES};
use serde_json::{Map, Number, Value};
use zen_engine::model::DecisionContent;
use zen_engine::{Decision, DecisionEngine, Variable};

/// The JDM decision graph of hunan-dept.
pub const HUNAN_DEPT_JDM: &str = include_str!("../hunan-dept.jdm.json");

/// The key under `scores` of each leaf indicator in the graph's response, in the order of
/// [`HUNAN_LEAF_IDS`].
pub const LEAF_KEYS: [&str; HUNAN_LEAVES] = [
    "staffControl",
    "threePublicChange",
    "budgetCompletion",
    "budgetControl",
    "buildingArea",
    "buildingInvestment",
    "publicFundsControl",
    "threePublicControl",
    "procurementExecution",
    "budgetRules",
    "fundCompliance",
    "disclosure",
    "basicInfo",
    "assetRules",
    "assetSafety",
    "assetUtilization",
    "taskCompletion",
    "taskTimeliness",
    "taskQuality",
    "keyWork",
    "economicBenefit",
    "socialBenefit",
    "ecologicalBenefit",
    "satisfaction",
];

/// What kind of JSON value an input becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A decimal (amounts, counts, rates).
    Number,
    /// true / false.
    Bool,
    /// An array of the satisfied checklist items.
    Items,
    /// `{ "level": name, "score": points? }` with the level names of the input.
    Level(&'static [&'static str]),
}

const INFO_LEVELS: &[&str] = &["完善", "基本完善", "不完善"];
const BENEFIT_LEVELS: &[&str] = &["达成", "部分达成", "未达成"];

/// Each declared input of hunan-dept: its name in jixiao, its path in the ZEN request, its kind.
const FIELDS: [(&str, &str, Option<&str>, Kind); 38] = [
    ("编制数", "staffing", Some("quota"), Kind::Number),
    ("在职人员数", "staffing", Some("onPost"), Kind::Number),
    ("本年三公经费预算数", "threePublic", Some("budget"), Kind::Number),
    (
        "上年三公经费预算数",
        "threePublic",
        Some("lastYearBudget"),
        Kind::Number,
    ),
    ("本年三公经费实际支出数", "threePublic", Some("spent"), Kind::Number),
    ("上年结转", "budget", Some("carriedOver"), Kind::Number),
    ("年初预算", "budget", Some("initial"), Kind::Number),
    ("本年追加", "budget", Some("added"), Kind::Number),
    ("年末结余", "budget", Some("yearEndBalance"), Kind::Number),
    ("有新建楼堂馆所项目", "buildings", Some("hasNew"), Kind::Bool),
    ("楼堂馆所批准面积", "buildings", Some("approvedArea"), Kind::Number),
    ("楼堂馆所实际面积", "buildings", Some("actualArea"), Kind::Number),
    (
        "楼堂馆所批准概算",
        "buildings",
        Some("approvedInvestment"),
        Kind::Number,
    ),
    ("楼堂馆所实际投资", "buildings", Some("actualInvestment"), Kind::Number),
    ("公用经费预算数", "publicFunds", Some("budget"), Kind::Number),
    ("公用经费实际支出数", "publicFunds", Some("spent"), Kind::Number),
    ("政府采购预算数", "procurement", Some("budget"), Kind::Number),
    ("政府采购实际金额", "procurement", Some("spent"), Kind::Number),
    ("预算管理制度", "budgetRules", None, Kind::Items),
    ("违规使用资金事项", "fundViolations", None, Kind::Number),
    ("预决算公开", "disclosure", None, Kind::Items),
    ("基础信息完善程度", "basicInfo", None, Kind::Level(INFO_LEVELS)),
    ("资产管理制度", "assetRules", None, Kind::Items),
    ("资产管理问题数", "assetIssues", None, Kind::Number),
    ("固定资产总额", "fixedAssets", Some("total"), Kind::Number),
    ("在用固定资产", "fixedAssets", Some("inUse"), Kind::Number),
    ("出租出借固定资产", "fixedAssets", Some("lent"), Kind::Number),
    ("计划工作任务数", "tasks", Some("planned"), Kind::Number),
    ("实际完成工作任务数", "tasks", Some("done"), Kind::Number),
    ("按时完成工作任务数", "tasks", Some("onTime"), Kind::Number),
    ("质量达标工作任务数", "tasks", Some("upToStandard"), Kind::Number),
    ("重点工作数", "tasks", Some("key"), Kind::Number),
    ("重点工作办结数", "tasks", Some("keyDone"), Kind::Number),
    ("经济效益", "benefits", Some("economic"), Kind::Level(BENEFIT_LEVELS)),
    ("社会效益", "benefits", Some("social"), Kind::Level(BENEFIT_LEVELS)),
    ("涉及生态效益", "benefits", Some("ecologicalRelevant"), Kind::Bool),
    ("生态效益", "benefits", Some("ecological"), Kind::Level(BENEFIT_LEVELS)),
    ("满意度", "satisfaction", None, Kind::Number),
];

/// A decimal as an exact JSON number (serde_json's `arbitrary_precision` keeps its digits).
fn number(d: Decimal) -> Result<Value, String> {
    Number::from_str(&d.to_string())
        .map(Value::Number)
        .map_err(|e| format!("{d} is not a JSON number: {e}"))
}

fn to_number(name: &str, v: &InputValue) -> Result<Value, String> {
    match v {
        InputValue::Number(d) => number(*d),
        InputValue::Text(t) => number(parse_decimal(t).map_err(|m| format!("{name}: {m}"))?),
        _ => Err(format!("{name}: expected a number")),
    }
}

fn to_bool(name: &str, v: &InputValue) -> Result<Value, String> {
    let b = match v {
        InputValue::Bool(b) => *b,
        InputValue::Number(d) if *d == Decimal::ONE || d.is_zero() => *d == Decimal::ONE,
        InputValue::Text(t) => match t.trim() {
            "true" | "TRUE" | "True" | "是" | "有" | "yes" | "1" => true,
            "false" | "FALSE" | "False" | "否" | "无" | "no" | "0" => false,
            other => return Err(format!("{name}: expected true/false, found `{other}`")),
        },
        _ => return Err(format!("{name}: expected true/false")),
    };
    Ok(Value::Bool(b))
}

fn to_items(name: &str, v: &InputValue) -> Result<Value, String> {
    let items: Vec<Value> = match v {
        InputValue::Items(items) => items.iter().map(|i| Value::String(i.trim().to_string())).collect(),
        // A spreadsheet cell says "none of them" with 无 or a dash, as jixiao reads it.
        InputValue::Text(t) if ["无", "none", "-", "—", "／"].contains(&t.trim()) => Vec::new(),
        InputValue::Text(t) => t
            .split(['、', ',', '，', ';', '；', '\n'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| Value::String(s.to_string()))
            .collect(),
        _ => return Err(format!("{name}: expected a list of items")),
    };
    Ok(Value::Array(items))
}

/// A level written as text with an optional score, as jixiao reads it: `部分达成`, `部分达成:1.5`,
/// `部分达成：1.5`, `部分达成 1.5`, `部分达成（1.5分）`.
fn split_level<'t>(text: &'t str, levels: &[&str]) -> Result<(&'t str, Option<Decimal>), String> {
    let text = text.trim();
    let Some(level) = levels.iter().filter(|l| text.starts_with(**l)).max_by_key(|l| l.len()) else {
        return Ok((text, None));
    };
    let (name, rest) = text.split_at(level.len());
    let rest = rest.trim();
    let rest = rest.strip_prefix([':', '：']).unwrap_or(rest).trim();
    let rest = match rest.strip_prefix(['(', '（']) {
        Some(inner) => inner.strip_suffix([')', '）']).unwrap_or(inner).trim(),
        None => rest,
    };
    let rest = rest.strip_suffix('分').unwrap_or(rest).trim();
    if rest.is_empty() {
        return Ok((name, None));
    }
    Ok((name, Some(parse_decimal(rest).map_err(|m| m.to_string())?)))
}

fn to_level(name: &str, v: &InputValue, levels: &[&str]) -> Result<Value, String> {
    let (level, score) = match v {
        InputValue::Text(t) => split_level(t, levels).map_err(|m| format!("{name}: {m}"))?,
        InputValue::Level { level, score } => (level.trim(), *score),
        _ => return Err(format!("{name}: expected a level")),
    };
    let mut object = Map::with_capacity(2);
    object.insert("level".to_string(), Value::String(level.to_string()));
    if let Some(s) = score {
        object.insert("score".to_string(), number(s)?);
    }
    Ok(Value::Object(object))
}

/// The ZEN request for one unit: the inputs given, under the graph's field names, numbers exact.
///
/// Inputs not given are left out (the graph and its schema treat them as jixiao does: defaults
/// where the system declares one, a validation error where the input is required).
pub fn zen_input(inputs: &Inputs) -> Result<Value, String> {
    let mut request = Map::new();
    for (name, value) in &inputs.values {
        let Some(&(_, group, field, kind)) = FIELDS.iter().find(|f| f.0 == name) else {
            return Err(format!("`{name}` is not an input of hunan-dept"));
        };
        let json = match kind {
            Kind::Number => to_number(name, value)?,
            Kind::Bool => to_bool(name, value)?,
            Kind::Items => to_items(name, value)?,
            Kind::Level(levels) => to_level(name, value, levels)?,
        };
        match field {
            None => {
                request.insert(group.to_string(), json);
            }
            Some(field) => {
                let slot = request.entry(group).or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(object) = slot {
                    object.insert(field.to_string(), json);
                }
            }
        }
    }
    Ok(Value::Object(request))
}

/// The scores ZEN gives one unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZenScores {
    /// 综合得分, rounded half up to 2 places.
    pub total: Decimal,
    /// 评价等次.
    pub grade: String,
    /// Every leaf indicator's exact score, in the order of [`HUNAN_LEAF_IDS`].
    pub leaves: [Decimal; HUNAN_LEAVES],
    /// Every leaf indicator's score as stated (to 0.01, half up), in the same order.
    pub stated: [Decimal; HUNAN_LEAVES],
}

impl ZenScores {
    /// The leaf scores with their indicator ids: (id, exact score, stated score).
    pub fn by_id(&self) -> impl Iterator<Item = (&'static str, Decimal, Decimal)> + '_ {
        HUNAN_LEAF_IDS
            .iter()
            .copied()
            .zip(self.leaves.iter().copied())
            .zip(self.stated.iter().copied())
            .map(|((id, exact), stated)| (id, exact, stated))
    }
}

/// hunan-dept in ZEN: the JDM graph loaded once into a [`DecisionEngine`] and precompiled.
#[derive(Debug, Clone)]
pub struct ZenPeer {
    decision: Decision,
}

impl ZenPeer {
    /// Loads [`HUNAN_DEPT_JDM`] and compiles its expressions and decision-table indexes.
    pub fn new() -> Result<Self, String> {
        let content: DecisionContent =
            serde_json::from_str(HUNAN_DEPT_JDM).map_err(|e| format!("the JDM graph does not load: {e}"))?;
        let engine = DecisionEngine::default();
        let mut decision = engine.create_decision(Arc::new(content)).map_err(|e| e.to_string())?;
        decision
            .validate()
            .map_err(|e| format!("the JDM graph is invalid: {e}"))?;
        decision.compile();
        Ok(ZenPeer { decision })
    }

    /// Scores one unit given as jixiao inputs: builds the ZEN request, then evaluates it.
    pub fn evaluate_zen(&self, inputs: &Inputs) -> Result<ZenScores, String> {
        let request = zen_input(inputs)?;
        self.evaluate_variable(Variable::from(request))
    }

    /// Scores one ZEN request (a JSON value as [`zen_input`] builds it).
    pub fn evaluate_json(&self, request: &Value) -> Result<ZenScores, String> {
        self.evaluate_variable(Variable::from(request))
    }

    /// Scores one ZEN request already converted to ZEN's own value type.
    pub fn evaluate_variable(&self, request: Variable) -> Result<ZenScores, String> {
        // Decision::evaluate is async, but this graph (no function nodes, no loader) never waits.
        let response = pollster::block_on(self.decision.evaluate(request)).map_err(|e| zen_error(&e))?;
        read_scores(&response.result)
    }
}

fn zen_error(e: &zen_engine::EvaluationError) -> String {
    match e {
        zen_engine::EvaluationError::Validation(details) => format!("ZEN rejected the request: {details}"),
        zen_engine::EvaluationError::NodeError { node_id, source, .. } => {
            format!("ZEN node `{node_id}` failed: {source}")
        }
        other => format!("ZEN failed: {other}"),
    }
}

fn read_scores(result: &Variable) -> Result<ZenScores, String> {
    if let Some(reason) = result.dot("rejected").as_ref().and_then(Variable::as_str) {
        return Err(format!("ZEN rejected the unit: {reason}"));
    }
    let number = |v: Option<Variable>, what: &str| {
        v.as_ref()
            .and_then(Variable::as_number)
            .ok_or_else(|| format!("the ZEN response has no number `{what}`"))
    };
    let total = number(result.dot("total"), "total")?;
    let grade = result
        .dot("grade")
        .as_ref()
        .and_then(Variable::as_str)
        .map(str::to_string)
        .ok_or("the ZEN response has no grade")?;
    let scores = result.dot("scores").ok_or("the ZEN response has no scores")?;
    let stated_scores = result.dot("stated").ok_or("the ZEN response has no stated scores")?;
    let mut leaves = [Decimal::ZERO; HUNAN_LEAVES];
    let mut stated = [Decimal::ZERO; HUNAN_LEAVES];
    for ((exact, shown), key) in leaves.iter_mut().zip(stated.iter_mut()).zip(LEAF_KEYS) {
        *exact = number(scores.dot(key), key)?;
        *shown = number(stated_scores.dot(key), key)?;
    }
    Ok(ZenScores {
        total,
        grade,
        leaves,
        stated,
    })
}
