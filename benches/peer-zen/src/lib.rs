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
//! Three ways in, for the benchmarks' like-for-like rows:
//! - [`ZenUnit`]: the request as a ZEN user in Rust keeps it, typed, turned into ZEN's value type by
//!   zen's own `#[derive(ToVariable)]` (ZEN's natural input, as [`HunanUnit::fill`] is jixiao's);
//! - [`zen_variable`]: from a unit's name-keyed jixiao [`Inputs`], straight to ZEN's value type
//!   (a field table looked up by name, decimals moved as they are: no text, no JSON);
//! - [`zen_input`]: the same as a JSON request (what a service receives).
//!
//! [`ZenPeer`] loads and compiles the graph once and evaluates units; [`ZenPeer::without_schema`] is
//! the same graph without its input schema, for the row where both engines are given inputs checked
//! beforehand. [`ZenScores`] carries what the graph computes beyond the leaves (the metrics and the
//! subtotals), so that the cross-check compares everything a timed run computes.

use std::str::FromStr;
use std::sync::Arc;

use jixiao::{Decimal, InputValue, Inputs, parse_decimal};
use jixiao_benches::hunan::{ASSET_RULE_ITEMS, BUDGET_RULE_ITEMS, DISCLOSURE_ITEMS, HUNAN_LEAF_IDS, HUNAN_LEAVES};
use jixiao_benches::hunan::{Attainment, Benefit, HunanUnit, InfoLevel};
use serde_json::{Map, Number, Value};
use zen_engine::model::DecisionContent;
use zen_engine::{Decision, DecisionEngine, Variable};
use zen_expression::variable::{ToVariable, VariableMap};

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

/// hunan-dept's request as a ZEN user in Rust keeps it: typed, under the graph's field names, and
/// turned into ZEN's value type by zen's own `#[derive(ToVariable)]` — ZEN's natural input.
#[derive(Debug, Clone, ToVariable)]
#[serde(rename_all = "camelCase")]
pub struct ZenUnit {
    staffing: ZenStaffing,
    three_public: ZenThreePublic,
    budget: ZenBudget,
    buildings: ZenBuildings,
    public_funds: ZenPair,
    procurement: ZenPair,
    budget_rules: Vec<&'static str>,
    fund_violations: Decimal,
    disclosure: Vec<&'static str>,
    basic_info: ZenLevel<'static>,
    asset_rules: Vec<&'static str>,
    asset_issues: Decimal,
    fixed_assets: ZenFixedAssets,
    tasks: ZenTasks,
    benefits: ZenBenefits,
    satisfaction: Decimal,
}

#[derive(Debug, Clone, ToVariable)]
#[serde(rename_all = "camelCase")]
struct ZenStaffing {
    quota: u32,
    on_post: u32,
}

#[derive(Debug, Clone, ToVariable)]
#[serde(rename_all = "camelCase")]
struct ZenThreePublic {
    budget: Decimal,
    last_year_budget: Decimal,
    spent: Decimal,
}

#[derive(Debug, Clone, ToVariable)]
#[serde(rename_all = "camelCase")]
struct ZenBudget {
    carried_over: Decimal,
    initial: Decimal,
    added: Decimal,
    year_end_balance: Decimal,
}

#[derive(Debug, Clone, ToVariable)]
#[serde(rename_all = "camelCase")]
struct ZenBuildings {
    has_new: bool,
    approved_area: Decimal,
    actual_area: Decimal,
    approved_investment: Decimal,
    actual_investment: Decimal,
}

/// A budget and what was spent of it (公用经费, 政府采购).
#[derive(Debug, Clone, ToVariable)]
struct ZenPair {
    budget: Decimal,
    spent: Decimal,
}

#[derive(Debug, Clone, ToVariable)]
#[serde(rename_all = "camelCase")]
struct ZenFixedAssets {
    total: Decimal,
    in_use: Decimal,
    lent: Decimal,
}

#[derive(Debug, Clone, ToVariable)]
#[serde(rename_all = "camelCase")]
struct ZenTasks {
    planned: u32,
    done: u32,
    on_time: u32,
    up_to_standard: u32,
    key: u32,
    key_done: u32,
}

#[derive(Debug, Clone, ToVariable)]
#[serde(rename_all = "camelCase")]
struct ZenBenefits {
    economic: ZenLevel<'static>,
    social: ZenLevel<'static>,
    ecological_relevant: bool,
    ecological: ZenLevel<'static>,
}

/// `{ "level": name, "score": points }`, the score left out when not given (the graph's schema
/// wants a number when the key is there, so a derived `null` would not do).
#[derive(Debug, Clone)]
struct ZenLevel<'a> {
    level: &'a str,
    score: Option<Decimal>,
}

impl ToVariable for ZenLevel<'_> {
    fn to_variable(&self) -> Variable {
        let mut map = VariableMap::with_capacity(2);
        map.insert_str("level", self.level.to_variable());
        if let Some(s) = self.score {
            map.insert_str("score", Variable::Number(s));
        }
        Variable::from_object(map)
    }
}

fn chosen(names: &[&'static str], present: &[bool]) -> Vec<&'static str> {
    names
        .iter()
        .zip(present)
        .filter(|(_, p)| **p)
        .map(|(n, _)| *n)
        .collect()
}

fn benefit(b: Benefit) -> ZenLevel<'static> {
    let level = match b.level {
        Attainment::Achieved => "达成",
        Attainment::Partly => "部分达成",
        Attainment::Missed => "未达成",
    };
    ZenLevel { level, score: b.score }
}

impl From<&HunanUnit> for ZenUnit {
    fn from(u: &HunanUnit) -> ZenUnit {
        ZenUnit {
            staffing: ZenStaffing {
                quota: u.staff_quota,
                on_post: u.staff_on_post,
            },
            three_public: ZenThreePublic {
                budget: u.three_public_budget,
                last_year_budget: u.three_public_budget_last_year,
                spent: u.three_public_spent,
            },
            budget: ZenBudget {
                carried_over: u.carried_over,
                initial: u.initial_budget,
                added: u.added_budget,
                year_end_balance: u.year_end_balance,
            },
            buildings: ZenBuildings {
                has_new: u.has_new_building,
                approved_area: u.building_approved_area,
                actual_area: u.building_actual_area,
                approved_investment: u.building_approved_investment,
                actual_investment: u.building_actual_investment,
            },
            public_funds: ZenPair {
                budget: u.public_budget,
                spent: u.public_spent,
            },
            procurement: ZenPair {
                budget: u.procurement_budget,
                spent: u.procurement_spent,
            },
            budget_rules: chosen(&BUDGET_RULE_ITEMS, &u.budget_rules),
            fund_violations: Decimal::from(u.fund_violations),
            disclosure: chosen(&DISCLOSURE_ITEMS, &u.disclosure),
            basic_info: ZenLevel {
                level: match u.basic_info {
                    InfoLevel::Complete => "完善",
                    InfoLevel::Basic => "基本完善",
                    InfoLevel::Incomplete => "不完善",
                },
                score: None,
            },
            asset_rules: chosen(&ASSET_RULE_ITEMS, &u.asset_rules),
            asset_issues: Decimal::from(u.asset_issues),
            fixed_assets: ZenFixedAssets {
                total: u.fixed_assets,
                in_use: u.fixed_assets_in_use,
                lent: u.fixed_assets_lent,
            },
            tasks: ZenTasks {
                planned: u.tasks_planned,
                done: u.tasks_done,
                on_time: u.tasks_on_time,
                up_to_standard: u.tasks_up_to_standard,
                key: u.key_tasks,
                key_done: u.key_tasks_done,
            },
            benefits: ZenBenefits {
                economic: benefit(u.economic),
                social: benefit(u.social),
                ecological_relevant: u.ecology_relevant,
                ecological: benefit(u.ecological),
            },
            satisfaction: u.satisfaction,
        }
    }
}

/// The ZEN request for one unit straight from its name-keyed jixiao [`Inputs`] to ZEN's value type:
/// each name found in a table built once (not searched), numbers moved as decimals (no text, no
/// JSON). The like-for-like of jixiao's `prepare` from the same inputs.
pub fn zen_variable(inputs: &Inputs) -> Result<Variable, String> {
    thread_local! {
        // Input name → (its kind, the request path `group.field`), built once per thread.
        static FIELD_OF: std::collections::HashMap<&'static str, (Kind, String)> = FIELDS
            .iter()
            .map(|f| (f.0, (f.3, f.2.map_or_else(|| f.1.to_string(), |field| format!("{}.{field}", f.1)))))
            .collect();
    }
    FIELD_OF.with(|fields| {
        let root = Variable::empty_object();
        for (name, value) in &inputs.values {
            let Some((kind, path)) = fields.get(name.as_str()) else {
                return Err(format!("`{name}` is not an input of hunan-dept"));
            };
            let v = match (*kind, value) {
                (Kind::Number, InputValue::Number(d)) => Variable::Number(*d),
                (Kind::Bool, InputValue::Bool(b)) => Variable::Bool(*b),
                (Kind::Items, InputValue::Items(items)) => {
                    Variable::from_array(items.iter().map(|i| i.as_str().to_variable()).collect())
                }
                (Kind::Level(_), InputValue::Level { level, score }) => ZenLevel { level, score: *score }.to_variable(),
                (Kind::Level(levels), InputValue::Text(t)) => {
                    let (level, score) = split_level(t, levels).map_err(|m| format!("{name}: {m}"))?;
                    ZenLevel { level, score }.to_variable()
                }
                // Other spellings (text figures, 是/否, 、-separated items) take the JSON request's
                // readers; the benchmarks' units never need them.
                (kind, value) => Variable::from(match kind {
                    Kind::Number => to_number(name, value)?,
                    Kind::Bool => to_bool(name, value)?,
                    Kind::Items => to_items(name, value)?,
                    Kind::Level(levels) => to_level(name, value, levels)?,
                }),
            };
            root.dot_insert(path, v);
        }
        Ok(root)
    })
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
    /// The subtotals of [`SUBTOTALS`], in its order.
    pub subtotals: [Decimal; SUBTOTALS.len()],
    /// The measured value of each leaf of [`METRICS`] (`None` where the graph leaves it null: the
    /// indicator does not apply).
    pub metrics: [Option<Decimal>; METRICS.len()],
}

/// The graph's subtotals: (jixiao's indicator id, the key in the graph's response).
pub const SUBTOTALS: [(&str, &str); 10] = [
    ("1.1", "budgetAllocation"),
    ("2.1", "budgetExecution"),
    ("2.2", "budgetManagement"),
    ("2.3", "assetManagement"),
    ("3.1", "dutyPerformance"),
    ("4.1", "performanceBenefit"),
    ("1", "input"),
    ("2", "process"),
    ("3", "output"),
    ("4", "effect"),
];

/// The measured value of each leaf that measures one: (jixiao's leaf id, the graph's path).
pub const METRICS: [(&str, &str); 15] = [
    ("1.1.1", "metrics.staffControlRate"),
    ("1.1.2", "metrics.threePublicChange"),
    ("2.1.1", "metrics.budgetCompletion"),
    ("2.1.2", "metrics.budgetControlRate"),
    ("2.1.3", "metrics.buildingAreaRate"),
    ("2.1.4", "metrics.buildingInvestmentRate"),
    ("2.2.1", "metrics.publicFundsControl"),
    ("2.2.2", "metrics.threePublicControl"),
    ("2.2.3", "metrics.procurementDeviation"),
    ("2.3.3", "metrics.assetUtilization"),
    ("3.1.1", "metrics.completionRate"),
    ("3.1.2", "metrics.onTimeRate"),
    ("3.1.3", "metrics.qualityRate"),
    ("3.1.4", "metrics.keyWorkRate"),
    ("4.1.4", "satisfaction"),
];

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
        Self::compiled(content)
    }

    fn compiled(content: DecisionContent) -> Result<Self, String> {
        let engine = DecisionEngine::default();
        let mut decision = engine.create_decision(Arc::new(content)).map_err(|e| e.to_string())?;
        decision
            .validate()
            .map_err(|e| format!("the JDM graph is invalid: {e}"))?;
        decision.compile();
        Ok(ZenPeer { decision })
    }

    /// The same graph without its input schema: for requests checked beforehand (the row where
    /// both engines are given pre-validated inputs). Everything else is [`ZenPeer::new`]'s graph.
    pub fn without_schema() -> Result<Self, String> {
        let mut graph: Value =
            serde_json::from_str(HUNAN_DEPT_JDM).map_err(|e| format!("the JDM graph does not load: {e}"))?;
        let nodes = graph
            .get_mut("nodes")
            .and_then(Value::as_array_mut)
            .ok_or("the JDM graph has no nodes")?;
        let mut removed = false;
        for node in nodes {
            if node.get("type").and_then(Value::as_str) == Some("inputNode")
                && let Some(content) = node.get_mut("content").and_then(Value::as_object_mut)
            {
                removed |= content.remove("schema").is_some();
            }
        }
        if !removed {
            return Err("the JDM graph's input node has no schema".into());
        }
        let content: DecisionContent =
            serde_json::from_value(graph).map_err(|e| format!("the JDM graph does not load: {e}"))?;
        Self::compiled(content)
    }

    /// Scores one unit given as jixiao inputs: builds the ZEN request ([`zen_variable`]), then
    /// evaluates it.
    pub fn evaluate_zen(&self, inputs: &Inputs) -> Result<ZenScores, String> {
        self.evaluate_variable(zen_variable(inputs)?)
    }

    /// Scores one unit as a ZEN user holds it ([`ZenUnit`], converted by zen's derive).
    pub fn evaluate_unit(&self, unit: &ZenUnit) -> Result<ZenScores, String> {
        self.evaluate_variable(unit.to_variable())
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
    let mut subtotals = [Decimal::ZERO; SUBTOTALS.len()];
    for (slot, (_, key)) in subtotals.iter_mut().zip(SUBTOTALS) {
        *slot = number(result.dot(key), key)?;
    }
    let mut metrics = [None; METRICS.len()];
    for (slot, (_, path)) in metrics.iter_mut().zip(METRICS) {
        *slot = match result.dot(path) {
            None | Some(Variable::Null) => None,
            v => Some(number(v, path)?),
        };
    }
    Ok(ZenScores {
        total,
        grade,
        leaves,
        stated,
        subtotals,
        metrics,
    })
}
