//! Project self-evaluations (项目支出绩效自评表): a template fixes the top levels, their weights and
//! the scoring methods; each project brings its own indicator rows (from its 绩效目标表). A project
//! is scored by instantiating the template with its rows into an ordinary indicator system, so that
//! rounding, stated figures, explanations and audits are the engine's own.
//!
//! A row's target states its comparator as published tables do — in its own column (`≥`, `≤`, `=`,
//! `定性`) or written into the target (`≥1200人`, `<=4800元/户`) — and the actual is compared with
//! it in the same unit: quantities proportionally (正向 分值 × 实际/目标, 反向 分值 × 目标/实际,
//! capped at the points), dates met or not, qualitative rows by the template's bands. Anything that
//! could be read two ways is an error for its row, located by row and column.

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::dec::{Arith, Dec};
use crate::explain::{Lang, num};
use crate::format::{Grade, IndicatorSystem, RoundingPolicy};
use crate::inputs::{InputValue, Inputs};

/// A project self-evaluation template: what every project's table shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectTemplate {
    /// Stable identifier (`mof-project`).
    pub id: String,
    /// The table's name (项目支出绩效自评表).
    pub name: String,
    /// Who publishes the template (财政部).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<String>,
    /// Where the template is published, and what is assumed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Notes: what follows the source and what is assumed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The 预算执行率 row: its points (10 in the MOF 2020 format, 20 in some provinces).
    pub execution: Execution,
    /// The 一级指标 with their weights and the 二级指标 they allow.
    pub sections: Vec<Section>,
    /// The bands of a qualitative (定性) row: 达成 / 部分达成 / 未达成 by default.
    #[serde(default = "default_bands")]
    pub qualitative: Vec<QualitativeBand>,
    /// 偏离度: how a 正向 row that exceeds its target by much is cut (财预〔2020〕10号: "完成值高于
    /// 指标值较多的……按照偏离度适度调减分值"); none when the template does not cut.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_target: Option<OverTarget>,
    /// What a ★ before a row's name means in this template, when it says (otherwise ★ rows are
    /// only flagged in an audit when they miss their target).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core: Option<String>,
    /// Grades (优 ≥ 90 …).
    pub grades: Vec<Grade>,
    /// How figures are stated (two places, half up, by default).
    #[serde(default)]
    pub rounding: RoundingPolicy,
}

/// The 预算执行率 row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Execution {
    /// Its points: 得分 = 分值 × 执行率, capped at the points.
    pub points: Dec,
    /// Where the row stands when it is not a 一级指标 of its own: the section and the 二级指标 it
    /// belongs to (过程 / 资金管理 in the four-section tables); its points count towards that
    /// section's weight.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Within>,
}

/// A place in the template: a section and one of its 二级指标.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Within {
    /// The section (一级指标).
    pub section: String,
    /// The 二级指标.
    pub group: String,
}

/// The 偏离度 cut of a 正向 row that exceeds its target by more than `above`: each percentage
/// point beyond it costs `per_point` of the row's points (part-points in proportion), at most
/// `max` of them. The evaluator can turn it off for a project (超额完成按偏离度调减: 否) when the
/// excess has another cause than a target set too low.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OverTarget {
    /// The excess over the target (a share: `0.2` = 20%) beyond which a row is cut.
    pub above: Dec,
    /// The share of the row's points each percentage point beyond `above` costs.
    pub per_point: Dec,
    /// The most that is cut, as a share of the row's points.
    pub max: Dec,
}

/// A 一级指标 of the template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Its name as the template prints it (产出指标).
    pub name: String,
    /// Other names tables use for it (产出).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Its weight; the project's rows under it must add up to it.
    pub points: Dec,
    /// The 二级指标 it allows (数量指标, 质量指标 …), in the template's order.
    pub children: Vec<String>,
}

/// A band of a qualitative row: the share of the points its level may score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QualitativeBand {
    /// The level (达成).
    pub level: String,
    /// Lowest share of the points.
    pub min: Dec,
    /// Highest share of the points.
    pub max: Dec,
    /// Whether `max` belongs to the band.
    #[serde(default = "yes")]
    pub max_inclusive: bool,
}

fn yes() -> bool {
    true
}

fn default_bands() -> Vec<QualitativeBand> {
    let band = |level: &str, min: i64, max: i64, max_inclusive: bool| QualitativeBand {
        level: level.to_string(),
        min: Dec(Decimal::new(min, 2)),
        max: Dec(Decimal::new(max, 2)),
        max_inclusive,
    };
    vec![
        band("达成", 80, 100, true),
        band("部分达成", 50, 80, false),
        band("未达成", 0, 50, false),
    ]
}

/// One project as its table gives it: the header, the funds and the indicator rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectUnit {
    /// The header block: 项目名称, 主管部门, 实施单位, 年度 …
    #[serde(default)]
    pub info: BTreeMap<String, String>,
    /// The funds block.
    pub funds: Funds,
    /// The indicator rows, in the table's order.
    pub rows: Vec<ProjectRow>,
    /// 总分 as the project claims it.
    #[serde(default, rename = "总分", skip_serializing_if = "Option::is_none")]
    pub total: Option<Dec>,
    /// 等次 as the project claims it.
    #[serde(default, rename = "等次", skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Whether the template's 偏离度 cut applies to this project (default yes): no when the
    /// evaluator finds that the excess has another cause than a target set too low.
    #[serde(default, rename = "超额完成按偏离度调减", skip_serializing_if = "Option::is_none")]
    pub over_target_cut: Option<bool>,
}

/// The funds block: 年初预算数, 全年预算数, 全年执行数 of 年度资金总额.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Funds {
    /// 年初预算数 (shown, not scored).
    #[serde(default, rename = "年初预算数", skip_serializing_if = "Option::is_none")]
    pub initial: Option<Dec>,
    /// 全年预算数.
    #[serde(rename = "全年预算数")]
    pub budget: Dec,
    /// 全年执行数.
    #[serde(rename = "全年执行数")]
    pub spent: Dec,
    /// The execution score as the project claims it (得分 of the funds block).
    #[serde(default, rename = "得分", skip_serializing_if = "Option::is_none")]
    pub claimed: Option<Dec>,
}

/// One indicator row of a project's table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProjectRow {
    /// 一级指标 (产出指标); a merged cell repeats the row above.
    #[serde(rename = "一级指标")]
    pub level1: String,
    /// 二级指标 (数量指标).
    #[serde(rename = "二级指标")]
    pub level2: String,
    /// 三级指标: the row's own name.
    #[serde(rename = "三级指标")]
    pub name: String,
    /// The comparator when the table gives it a column (≥, ≤, =, >, <, 定性).
    #[serde(default, rename = "指标性质", skip_serializing_if = "Option::is_none")]
    pub comparator: Option<String>,
    /// 年度指标值, possibly with its comparator and unit (`≥1200人`).
    #[serde(rename = "年度指标值")]
    pub target: String,
    /// 实际完成值 (`1150人`, `2023年11月`, `达成`).
    #[serde(rename = "实际完成值")]
    pub actual: String,
    /// 分值.
    #[serde(default, rename = "分值", skip_serializing_if = "Option::is_none")]
    pub points: Option<Dec>,
    /// 得分 as the project claims it (the evaluator's choice inside a qualitative band).
    #[serde(default, rename = "得分", skip_serializing_if = "Option::is_none")]
    pub claimed: Option<Dec>,
    /// 偏差原因分析及改进措施.
    #[serde(default, rename = "偏差原因分析及改进措施", skip_serializing_if = "Option::is_none")]
    pub remark: Option<String>,
    /// The row of the sheet it was read from (1-based), for a table read from cells: messages
    /// name it instead of the row's place among the indicator rows.
    #[serde(skip)]
    pub sheet_row: Option<usize>,
}

impl ProjectRow {
    /// A core indicator: its name marked with ★ (★, ★★★), as some provinces print them.
    pub fn is_core(&self) -> bool {
        self.name.trim_start().starts_with(['★', '☆'])
    }

    /// A placeholder the template leaves for rows a project does not use (`指标2：`, blank).
    pub fn is_placeholder(&self) -> bool {
        let name = self.name.trim().trim_end_matches([':', '：']);
        let unnamed = name.is_empty()
            || name
                .strip_prefix("指标")
                .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()));
        unnamed && self.target.trim().is_empty() && self.actual.trim().is_empty()
    }
}

/// How a row compares its actual with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    /// ≥: higher is better (正向指标).
    AtLeast,
    /// >: higher is better, the target itself not met.
    Above,
    /// ≤: lower is better (反向指标).
    AtMost,
    /// <: lower is better, the target itself not met.
    Below,
    /// =: the target exactly.
    Equal,
    /// 定性: judged by level.
    Qualitative,
}

impl Comparator {
    /// Reads a comparator as tables write it (≥ >= ＞ ≦ ═ ﹦ 定性 …).
    pub fn parse(text: &str) -> Option<Comparator> {
        match text.trim() {
            "≥" | ">=" | "≧" | "＞＝" | "不低于" | "不少于" => Some(Comparator::AtLeast),
            ">" | "＞" | "大于" | "高于" => Some(Comparator::Above),
            "≤" | "<=" | "≦" | "＜＝" | "不高于" | "不超过" => Some(Comparator::AtMost),
            "<" | "＜" | "小于" | "低于" => Some(Comparator::Below),
            "=" | "＝" | "═" | "﹦" | "==" | "等于" => Some(Comparator::Equal),
            "定性" => Some(Comparator::Qualitative),
            _ => None,
        }
    }

    /// Whether `actual` meets `target` under this comparator (a qualitative row never does by
    /// figures).
    pub fn met(self, actual: Decimal, target: Decimal) -> bool {
        match self {
            Comparator::AtLeast => actual >= target,
            Comparator::Above => actual > target,
            Comparator::AtMost => actual <= target,
            Comparator::Below => actual < target,
            Comparator::Equal => actual == target,
            Comparator::Qualitative => false,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Comparator::AtLeast => "≥",
            Comparator::Above => ">",
            Comparator::AtMost => "≤",
            Comparator::Below => "<",
            Comparator::Equal => "=",
            Comparator::Qualitative => "定性",
        }
    }
}

/// The comparator written at the start of a target (`≥1200人`), and the rest.
fn leading_comparator(text: &str) -> (Option<Comparator>, &str) {
    let t = text.trim();
    for op in [
        ">=",
        "<=",
        "==",
        "＞＝",
        "＜＝",
        "≥",
        "≤",
        "≧",
        "≦",
        "═",
        "﹦",
        "＝",
        "=",
        "＞",
        "＜",
        ">",
        "<",
        "不低于",
        "不少于",
        "不高于",
        "不超过",
    ] {
        if let Some(rest) = t.strip_prefix(op) {
            return (Comparator::parse(op), rest.trim());
        }
    }
    (None, t)
}

/// A figure with its unit: `1200人` → (1200, "人"); `95%` → (0.95, "%"). `None` when the text does
/// not start with a figure.
fn quantity(text: &str) -> Option<(Decimal, String)> {
    let t = text.trim();
    let end = t
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+')))
        .map_or(t.len(), |(i, _)| i);
    let (figure, unit) = t.split_at(end);
    if figure.is_empty() || !figure.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let unit = unit.trim();
    if let Some(rest) = unit.strip_prefix(['%', '％']) {
        let d = crate::parse_decimal(&format!("{figure}%")).ok()?;
        return rest.trim().is_empty().then(|| (d, "%".to_string()));
    }
    let d = crate::parse_decimal(figure).ok()?;
    Some((d, unit.to_string()))
}

/// A date as time rows give it (`2023年12月`, `2023年12月31日`, `2023-12-31`), as a sortable
/// number (20231231; a month without a day is its last day).
fn date(text: &str) -> Option<Decimal> {
    let t = text.trim().trim_end_matches(['前', '底']).trim_end_matches("以前");
    let digits: Vec<u32> = t
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let dated = t.contains('年') || t.contains('-') || t.contains('/');
    let (y, m, d) = match digits.as_slice() {
        [y, m] if dated => (*y, *m, 31),
        [y, m, d] if dated => (*y, *m, *d),
        _ => return None,
    };
    ((1900..=2200).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| Decimal::from(y * 10_000 + m * 100 + d))
}

/// What is wrong with a project's table: the row (1-based among the indicator rows, `None` for the
/// table as a whole), the column, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectProblem {
    /// The indicator row, counted from 1 in the table's order; `None` for the whole table.
    pub row: Option<usize>,
    /// The column concerned (三级指标, 年度指标值 …).
    pub column: Option<&'static str>,
    /// What is wrong, in Chinese.
    pub zh: String,
    /// What is wrong, in English.
    pub en: String,
}

/// How a caller names the rows of its table in messages: `5` for the sheet's fifth row, or a
/// data frame's index label; [`NUMBERS`] names them by number.
pub type Rows<'a> = &'a dyn Fn(usize) -> String;

fn number(r: usize) -> String {
    r.to_string()
}

/// Names rows by their numbers.
pub const NUMBERS: Rows<'static> = &number;

/// How a message names the cell it is about, before saying what is wrong: `第5行“分值”：`,
/// `row 5, 分值: ` (a row alone, `第5行：`; nothing for the whole table).
pub fn at_cell(lang: Lang, row: Option<&str>, column: Option<&str>) -> String {
    match (lang, row, column) {
        (Lang::Zh, Some(r), Some(c)) => format!("第{r}行“{c}”："),
        (Lang::Zh, Some(r), None) => format!("第{r}行："),
        (Lang::En, Some(r), Some(c)) => format!("row {r}, {c}: "),
        (Lang::En, Some(r), None) => format!("row {r}: "),
        (_, None, _) => String::new(),
    }
}

impl ProjectProblem {
    /// The message in `lang`, with its row and column.
    pub fn message(&self, lang: Lang) -> String {
        self.message_named(lang, NUMBERS)
    }

    /// The message in `lang`, naming its row as `rows` does.
    pub fn message_named(&self, lang: Lang, rows: Rows<'_>) -> String {
        let at = at_cell(lang, self.row.map(rows).as_deref(), self.column);
        match lang {
            Lang::Zh => format!("{at}{}", self.zh),
            Lang::En => format!("{at}{}", self.en),
        }
    }
}

impl fmt::Display for ProjectProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

/// Every problem of a project's table (not just the first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ProjectErrors {
    /// The problems, in row order.
    pub problems: Vec<ProjectProblem>,
}

impl fmt::Display for ProjectErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let messages: Vec<String> = self.problems.iter().map(|p| p.message(Lang::En)).collect();
        f.write_str(&messages.join("; "))
    }
}

impl ProjectErrors {
    /// Every problem in `lang`, joined.
    pub fn message(&self, lang: Lang) -> String {
        self.message_named(lang, NUMBERS)
    }

    /// Every problem in `lang`, joined, naming rows as `rows` does.
    pub fn message_named(&self, lang: Lang, rows: Rows<'_>) -> String {
        let messages: Vec<String> = self.problems.iter().map(|p| p.message_named(lang, rows)).collect();
        messages.join(if lang == Lang::Zh { "；" } else { "; " })
    }
}

/// A project's system that the engine refuses: a problem of the template rather than of a row.
fn invalid_system(issues: &[crate::Issue]) -> ProjectErrors {
    let problems = issues
        .iter()
        .map(|i| ProjectProblem {
            row: None,
            column: None,
            zh: format!("项目表不能构成有效的指标体系：{i}"),
            en: format!("the project's table does not make a valid indicator system: {i}"),
        })
        .collect();
    ProjectErrors { problems }
}

/// A 一级/二级指标 name without the word 指标 that tables add or leave out (产出 = 产出指标).
fn bare(name: &str) -> &str {
    name.trim().trim_end_matches("指标")
}

/// A project made into an ordinary indicator system and its inputs.
#[derive(Debug, Clone)]
pub struct Instantiated {
    /// The project's own indicator system: 预算执行率, then the template's sections with the
    /// project's rows.
    pub system: IndicatorSystem,
    /// The project's figures as that system's inputs.
    pub inputs: Inputs,
    /// For each scored row: its number as the reader sees it (the sheet's row for a table read
    /// from cells, else its place among the indicator rows, from 1) and its indicator id.
    pub rows: Vec<(usize, String)>,
    /// For each scored row, in the order of `rows`: its index in [`ProjectUnit::rows`].
    pub indices: Vec<usize>,
    /// The id of the 预算执行率 row (`1`, or its place inside a section).
    pub execution: String,
    /// For each scored row, in the order of `rows`: whether its actual meets its target, for a
    /// quantity or a date (a qualitative row is judged by the evaluator: `None`).
    pub met: Vec<Option<bool>>,
}

/// A project's rows with their leaves, by section and 二级指标.
type Grouped<'r> = Vec<Vec<Vec<Leaf<'r>>>>;

/// A scored row on its way into the system: its number as the reader sees it, its index in
/// [`ProjectUnit::rows`], whether it met its target (for a quantity or a date), the row and its
/// leaf.
struct Leaf<'r> {
    no: usize,
    index: usize,
    met: Option<bool>,
    row: &'r ProjectRow,
    leaf: Value,
}

/// How one row is scored, as read from its cells.
enum RowKind {
    /// A quantity compared with a target in the same unit.
    Quantity {
        comparator: Comparator,
        target: Decimal,
        actual: Decimal,
        unit: String,
    },
    /// A date met or not.
    Date { target: Decimal, actual: Decimal },
    /// A level judged by the evaluator.
    Level { level: String },
}

impl ProjectTemplate {
    /// Reads a template from JSON.
    pub fn from_json(text: &str) -> Result<ProjectTemplate, serde_json::Error> {
        serde_json::from_str(text)
    }

    /// Checks what a template states before any project meets it: section names distinct and
    /// known (twice the same name, or an alias of another, would make rows ambiguous), weights
    /// above 0, each section with a 二级指标, the 预算执行率 row's place, the qualitative bands and
    /// the 偏离度 shares between 0 and 1, and grades from high to low. Every problem is listed.
    pub fn check(&self) -> Result<(), ProjectErrors> {
        let mut problems = Vec::new();
        let mut say = |zh: String, en: String| {
            problems.push(ProjectProblem {
                row: None,
                column: None,
                zh: format!("模板：{zh}"),
                en: format!("template: {en}"),
            });
        };
        if self.execution.points.value() < Decimal::ZERO {
            say(
                "预算执行率的分值不能为负".into(),
                "the execution row's points are negative".into(),
            );
        }
        if self.sections.is_empty() {
            say("没有一级指标".into(), "no sections".into());
        }
        for (i, section) in self.sections.iter().enumerate() {
            if section.points.value() <= Decimal::ZERO {
                say(
                    format!("一级指标“{}”的分值须大于0", section.name),
                    format!("section {} needs points above 0", section.name),
                );
            }
            if section.children.is_empty() {
                say(
                    format!("一级指标“{}”没有二级指标", section.name),
                    format!("section {} has no 二级指标", section.name),
                );
            }
            let names = std::iter::once(&section.name).chain(&section.aliases);
            for name in names {
                if self.section(name) != Some(i) {
                    say(
                        format!("“{name}”同时是两个一级指标的名称或别名"),
                        format!("`{name}` names two sections"),
                    );
                }
            }
        }
        if let Some(w) = &self.execution.within {
            let known = self
                .section(&w.section)
                .and_then(|s| self.sections.get(s))
                .is_some_and(|s| s.children.iter().any(|c| bare(c) == bare(&w.group)));
            if !known {
                say(
                    format!(
                        "预算执行率放在“{}—{}”下，但模板没有这个一级/二级指标",
                        w.section, w.group
                    ),
                    format!(
                        "预算执行率 is placed under {} / {}, which the template does not have",
                        w.section, w.group
                    ),
                );
            }
        }
        let share = |d: &Dec| d.value() >= Decimal::ZERO && d.value() <= Decimal::ONE;
        if self.qualitative.is_empty() {
            say("没有定性指标的分档".into(), "no qualitative bands".into());
        }
        for b in &self.qualitative {
            if !share(&b.min) || !share(&b.max) || b.min.value() > b.max.value() {
                say(
                    format!("定性分档“{}”的范围须在0到1之间且下限不高于上限", b.level),
                    format!("the band {} needs 0 ≤ min ≤ max ≤ 1", b.level),
                );
            }
        }
        if let Some(o) = &self.over_target
            && (o.above.value() < Decimal::ZERO || !share(&o.per_point) || !share(&o.max))
        {
            say(
                "偏离度调减的比例须在0到1之间（起点不为负）".into(),
                "the deviation cut's shares must lie between 0 and 1 (its start not negative)".into(),
            );
        }
        let mins: Vec<Decimal> = self.grades.iter().filter_map(|g| g.min.map(Dec::value)).collect();
        if self.grades.is_empty() || mins.windows(2).any(|w| w.first() <= w.get(1)) {
            say(
                "等次须从高到低排列，分数线逐级降低".into(),
                "grades must run from the highest to the lowest threshold".into(),
            );
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ProjectErrors { problems })
        }
    }

    /// The built-in template (other than this one) whose 一级 and 二级指标 every row of `unit` fits,
    /// when this one's do not.
    fn other_shape(&self, unit: &ProjectUnit) -> Option<ProjectTemplate> {
        let fits = |t: &ProjectTemplate| {
            unit.rows.iter().filter(|r| !r.is_placeholder()).all(|r| {
                t.section(&r.level1)
                    .and_then(|s| t.sections.get(s))
                    .is_some_and(|s| s.children.iter().any(|c| bare(c) == bare(&r.level2)))
            })
        };
        builtin_ids()
            .filter(|id| *id != self.id)
            .filter_map(|id| builtin(id)?.ok().map(|(t, _)| t))
            .find(|t| fits(t))
    }

    /// Whether a JSON document is a project template rather than an indicator system: it has
    /// `sections` and `execution` where a system has `indicators`.
    pub fn is_template(doc: &Value) -> bool {
        doc.get("sections").is_some() && doc.get("execution").is_some() && doc.get("indicators").is_none()
    }

    /// The template as a reader needs it: its source, the 预算执行率 row, each 一级指标 with its
    /// weight and the 二级指标 it allows, the qualitative bands, the 偏离度 cut, the grades and the
    /// notes (what is assumed is marked 【推定】).
    pub fn describe(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let pct = |d: &Dec| format!("{}%", num(d.value() * Decimal::ONE_HUNDRED));
        let mut out = vec![format!(
            "{}（{}{}）",
            self.name,
            if zh { "项目模板：" } else { "project template: " },
            self.id
        )];
        if let Some(issuer) = &self.issuer {
            out.push(format!("{}{issuer}", if zh { "发布：" } else { "issuer: " }));
        }
        if let Some(source) = &self.source {
            out.push(format!("{}{source}", if zh { "依据：" } else { "source: " }));
        }
        let exec = num(self.execution.points.value());
        out.push(match (&self.execution.within, zh) {
            (None, true) => format!("预算执行率  {exec}分（得分=分值×执行率，最高为分值）"),
            (None, false) => format!("预算执行率  {exec} points (points × rate, at most the points)"),
            (Some(w), true) => format!("预算执行率  {exec}分，计入“{}—{}”", w.section, w.group),
            (Some(w), false) => format!("预算执行率  {exec} points, within {} / {}", w.section, w.group),
        });
        for s in &self.sections {
            out.push(format!(
                "{}  {}{}：{}",
                s.name,
                num(s.points.value()),
                if zh { "分" } else { " points" },
                s.children.join("、")
            ));
        }
        let bands: Vec<String> = self
            .qualitative
            .iter()
            .map(|b| format!("{} {}—{}", b.level, pct(&b.min), pct(&b.max)))
            .collect();
        out.push(format!(
            "{}{}",
            if zh { "定性指标：" } else { "qualitative rows: " },
            bands.join("；")
        ));
        if let Some(o) = &self.over_target {
            out.push(if zh {
                format!(
                    "偏离度调减：正向指标完成值超过年度指标值{}以上的，超出部分每1个百分点扣分值的{}，最多扣{}",
                    pct(&o.above),
                    pct(&o.per_point),
                    pct(&o.max)
                )
            } else {
                format!(
                    "deviation cut: a 正向 row more than {} above its target loses {} of its points per point beyond, at most {}",
                    pct(&o.above),
                    pct(&o.per_point),
                    pct(&o.max)
                )
            });
        }
        let grades: Vec<String> = self
            .grades
            .iter()
            .map(|g| match g.min {
                Some(m) => format!("{} ≥{}", g.label, num(m.value())),
                None => g.label.clone(),
            })
            .collect();
        out.push(format!(
            "{}{}",
            if zh { "等次：" } else { "grades: " },
            grades.join("；")
        ));
        out.extend(self.notes.iter().map(|n| format!("· {n}")));
        out.join("\n")
    }

    /// The section a 一级指标 cell names (by its name, an alias, or without the word 指标).
    fn section(&self, name: &str) -> Option<usize> {
        let name = name.trim();
        self.sections
            .iter()
            .position(|s| s.name == name || s.aliases.iter().any(|a| a == name) || bare(&s.name) == bare(name))
    }

    fn row_kind(&self, no: usize, row: &ProjectRow, problems: &mut Vec<ProjectProblem>) -> Option<RowKind> {
        let problem = |column: &'static str, zh: String, en: String| ProjectProblem {
            row: Some(no),
            column: Some(column),
            zh,
            en,
        };
        let (written, target_text) = leading_comparator(&row.target);
        let column = match row.comparator.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => match Comparator::parse(c) {
                Some(c) => Some(c),
                None => {
                    problems.push(problem(
                        "指标性质",
                        format!("“{c}”不是可识别的指标性质（可用 ≥、≤、=、>、<、定性）"),
                        format!("`{c}` is not a known comparator (≥, ≤, =, >, <, 定性)"),
                    ));
                    return None;
                }
            },
            None => None,
        };
        let comparator = match (column, written) {
            (Some(a), Some(b)) if a != b => {
                problems.push(problem(
                    "年度指标值",
                    format!(
                        "指标性质为“{}”，年度指标值却写作“{}”，不能确定按哪个计分",
                        a.symbol(),
                        row.target.trim()
                    ),
                    format!(
                        "the comparator column says {} but the target is written `{}`",
                        a.symbol(),
                        row.target.trim()
                    ),
                ));
                return None;
            }
            (a, b) => a.or(b),
        };
        let actual_text = row.actual.trim();
        if actual_text.is_empty() {
            problems.push(problem(
                "实际完成值",
                "未填写实际完成值".to_string(),
                "the actual value is not given".to_string(),
            ));
            return None;
        }
        if comparator == Some(Comparator::Qualitative)
            || (comparator.is_none() && quantity(target_text).is_none() && date(target_text).is_none())
        {
            // 定性: the actual names a level, or repeats the target (met as planned → 达成).
            let level = if self.qualitative.iter().any(|b| b.level == actual_text) {
                actual_text.to_string()
            } else if actual_text == target_text && !target_text.is_empty() {
                self.qualitative.first().map(|b| b.level.clone()).unwrap_or_default()
            } else {
                let levels: Vec<&str> = self.qualitative.iter().map(|b| b.level.as_str()).collect();
                problems.push(problem(
                    "实际完成值",
                    format!(
                        "定性指标的实际完成值“{actual_text}”既不是评价等级（{}），也与年度指标值“{target_text}”不同，无法确定等级",
                        levels.join("、")
                    ),
                    format!(
                        "the actual `{actual_text}` of a qualitative row is neither a level ({}) nor the target `{target_text}`",
                        levels.join(", ")
                    ),
                ));
                return None;
            };
            return Some(RowKind::Level { level });
        }
        if let (Some(t), Some(a)) = (date(target_text), date(actual_text)) {
            return Some(RowKind::Date { target: t, actual: a });
        }
        let Some((target, unit)) = quantity(target_text) else {
            problems.push(problem(
                "年度指标值",
                format!("年度指标值“{}”不是数值，也不是日期", row.target.trim()),
                format!("the target `{}` is neither a figure nor a date", row.target.trim()),
            ));
            return None;
        };
        let Some((actual, actual_unit)) = quantity(actual_text) else {
            problems.push(problem(
                "实际完成值",
                format!("实际完成值“{actual_text}”不是数值，无法与年度指标值“{target_text}”比较"),
                format!("the actual `{actual_text}` is not a figure to compare with the target `{target_text}`"),
            ));
            return None;
        };
        if !actual_unit.is_empty() && actual_unit != unit {
            problems.push(problem(
                "实际完成值",
                format!("实际完成值的单位“{actual_unit}”与年度指标值的单位“{unit}”不同"),
                format!("the actual's unit `{actual_unit}` differs from the target's `{unit}`"),
            ));
            return None;
        }
        let Some(comparator) = comparator else {
            problems.push(problem(
                "年度指标值",
                format!("年度指标值“{target_text}”未写明≥、≤或=，无法判断是正向还是反向指标"),
                format!("the target `{target_text}` gives no comparator (≥, ≤ or =): higher or lower is better?"),
            ));
            return None;
        };
        if target <= Decimal::ZERO && comparator != Comparator::Equal {
            problems.push(problem(
                "年度指标值",
                format!("年度指标值为{}，无法按比例计分", num(target)),
                format!("a target of {} cannot be scored in proportion", num(target)),
            ));
            return None;
        }
        Some(RowKind::Quantity {
            comparator,
            target,
            actual,
            unit,
        })
    }

    /// Makes a project's table into an indicator system and its inputs, or says every problem of
    /// its rows (located by row and column) and of its weights.
    pub fn instantiate(&self, unit: &ProjectUnit) -> Result<Instantiated, ProjectErrors> {
        self.check()?;
        let mut problems = Vec::new();
        let mut inputs = Inputs::new()
            .with("全年预算数", unit.funds.budget.value())
            .with("全年执行数", unit.funds.spent.value());
        let mut input_decls = vec![
            json!({"name": "全年预算数", "unit": "万元", "min": "0", "description": "年度资金总额：全年预算数"}),
            json!({"name": "全年执行数", "unit": "万元", "min": "0", "description": "年度资金总额：全年执行数"}),
        ];
        // Rows by section and 二级指标, in the template's order.
        let mut grouped: Grouped<'_> = self
            .sections
            .iter()
            .map(|s| s.children.iter().map(|_| Vec::new()).collect())
            .collect();
        let mut sums = vec![Decimal::ZERO; self.sections.len()];
        // Where the 预算执行率 row stands when a section holds it: (section, 二级指标).
        let within = match &self.execution.within {
            None => None,
            Some(w) => {
                let place = self.section(&w.section).and_then(|s| {
                    let c = self
                        .sections
                        .get(s)?
                        .children
                        .iter()
                        .position(|c| bare(c) == bare(&w.group))?;
                    Some((s, c))
                });
                match place {
                    Some((s, c)) => {
                        if let Some(sum) = sums.get_mut(s) {
                            *sum = self.execution.points.value();
                        }
                        Some((s, c))
                    }
                    None => {
                        return Err(ProjectErrors {
                            problems: vec![ProjectProblem {
                                row: None,
                                column: None,
                                zh: format!(
                                    "模板把预算执行率放在“{}—{}”下，但模板没有这个一级/二级指标",
                                    w.section, w.group
                                ),
                                en: format!(
                                    "the template places 预算执行率 under {} / {}, which it does not have",
                                    w.section, w.group
                                ),
                            }],
                        });
                    }
                }
            }
        };
        let mut metrics = vec![json!({"name": "预算执行率", "unit": "%", "expr": "全年执行数 / 全年预算数"})];
        let mut over_target_used = false;
        let mut used_names: Vec<String> = vec![
            "全年预算数".into(),
            "全年执行数".into(),
            "预算执行率".into(),
            "超额完成按偏离度调减".into(),
        ];
        for (i, row) in unit.rows.iter().enumerate() {
            let no = row.sheet_row.unwrap_or(i + 1);
            if row.is_placeholder() {
                continue;
            }
            let problem = |column: &'static str, zh: String, en: String| ProjectProblem {
                row: Some(no),
                column: Some(column),
                zh,
                en,
            };
            let Some(s) = self.section(&row.level1) else {
                let names: Vec<&str> = self.sections.iter().map(|s| s.name.as_str()).collect();
                problems.push(problem(
                    "一级指标",
                    format!("“{}”不是本模板的一级指标（{}）", row.level1.trim(), names.join("、")),
                    format!(
                        "`{}` is not a 一级指标 of this template ({})",
                        row.level1.trim(),
                        names.join(", ")
                    ),
                ));
                continue;
            };
            let Some(section) = self.sections.get(s) else {
                continue;
            };
            let Some(points) = row.points.map(Dec::value).filter(|p| *p > Decimal::ZERO) else {
                problems.push(problem(
                    "分值",
                    "未填写分值（或分值不大于0）".to_string(),
                    "no points (or points not above 0)".to_string(),
                ));
                continue;
            };
            if let Some(sum) = sums.get_mut(s) {
                *sum = sum.add_checked(points).unwrap_or(Decimal::MAX);
            }
            let Some(c) = section.children.iter().position(|c| bare(c) == bare(&row.level2)) else {
                problems.push(problem(
                    "二级指标",
                    format!(
                        "“{}”不是“{}”下的二级指标（{}）",
                        row.level2.trim(),
                        section.name,
                        section.children.join("、")
                    ),
                    format!(
                        "`{}` is not a 二级指标 of {} ({})",
                        row.level2.trim(),
                        section.name,
                        section.children.join(", ")
                    ),
                ));
                continue;
            };
            let Some(kind) = self.row_kind(no, row, &mut problems) else {
                continue;
            };
            // The input's name is the row's name, as far as an expression can read it.
            let mut name: String = row
                .name
                .trim()
                .chars()
                .filter(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                name = format!("指标{no}{name}");
            }
            while used_names.contains(&name) {
                name.push('_');
            }
            used_names.push(name.clone());
            let met = match &kind {
                RowKind::Quantity {
                    comparator,
                    target,
                    actual,
                    ..
                } => Some(comparator.met(*actual, *target)),
                RowKind::Date { target, actual } => Some(actual <= target),
                RowKind::Level { .. } => None,
            };
            let (decl, rule, value, standard) = match kind {
                RowKind::Quantity {
                    comparator,
                    target,
                    actual,
                    unit,
                } => {
                    let higher = matches!(comparator, Comparator::AtLeast | Comparator::Above);
                    let t = num(target);
                    let unit_text = if unit == "%" { String::new() } else { unit.clone() };
                    let decl = json!({"name": name, "unit": if unit.is_empty() { Value::Null } else { Value::String(unit.clone()) },
                                      "description": format!("实际完成值；年度指标值{}{}{}", comparator.symbol(), if unit == "%" { format!("{}%", num(target * Decimal::ONE_HUNDRED)) } else { t.clone() }, unit_text)});
                    let ratio = json!({"type": "ratio", "actual": name, "target": t,
                                       "direction": if higher { "higher_is_better" } else { "lower_is_better" }});
                    // The 偏离度 cut is stated on the rows it can reach: a 正向 row above its
                    // target by more than the template's margin (the others read as plain ratios).
                    let limit = |o: &OverTarget| {
                        target
                            .mul_checked(Decimal::ONE.add_checked(o.above.value()).unwrap_or(Decimal::MAX))
                            .unwrap_or(Decimal::MAX)
                    };
                    let over = self.over_target.as_ref().filter(|o| higher && actual > limit(o));
                    let rule = match (comparator, over) {
                        (Comparator::Equal, _) => json!({"type": "cases", "cases": [
                            {"when": format!("{name} = {t}"), "score": num(points), "label": "达到年度指标值"}], "otherwise": "0"}),
                        (_, Some(o)) => {
                            // 偏离度: the excess over the target, cut beyond `above`.
                            let metric = format!("{name}超出指标值比例");
                            metrics.push(json!({"name": metric, "unit": "%", "expr": format!("{name} / {t} - 1")}));
                            over_target_used = true;
                            let limit = limit(o);
                            let share = |d: Decimal| num(points.mul_checked(d).unwrap_or(Decimal::MAX));
                            json!({"type": "choose_one", "options": [
                                {"name": "偏离度调减",
                                 "when": format!("超额完成按偏离度调减 and {name} > {}", num(limit)),
                                 "rule": {"type": "step", "value": metric, "direction": "above",
                                          "threshold": num(o.above.value()), "step": "0.01",
                                          "deduct": share(o.per_point.value()), "counting": "proportional",
                                          "max_deduction": share(o.max.value())}},
                                {"name": "完成比例", "rule": ratio}]})
                        }
                        _ => ratio,
                    };
                    let percent = |d: Decimal| format!("{}%", num(d * Decimal::ONE_HUNDRED));
                    let standard = match comparator {
                        Comparator::Equal => "【模板】等于年度指标值的，计满分；否则不得分".to_string(),
                        _ if higher => format!(
                            "【模板】达到年度指标值的，计满分；未达到的，按实际完成值/年度指标值×分值计分{}",
                            over.map(|o| format!(
                                "；完成值高于年度指标值{}以上的，超出部分每1个百分点扣分值的{}，最多扣{}（偏离度调减）",
                                percent(o.above.value()),
                                percent(o.per_point.value()),
                                percent(o.max.value())
                            ))
                            .unwrap_or_default()
                        ),
                        _ => "【模板】不超过年度指标值的，计满分；超过的，按年度指标值/实际完成值×分值计分".to_string(),
                    };
                    (decl, rule, InputValue::Number(actual), standard)
                }
                RowKind::Date { target, actual } => {
                    let decl = json!({"name": name, "description": "实际完成时间（年月日，如20231130）"});
                    let rule = json!({"type": "cases", "cases": [
                        {"when": format!("{name} <= {}", num(target)), "score": num(points), "label": "按期完成"}],
                        "otherwise": "0"});
                    (
                        decl,
                        rule,
                        InputValue::Number(actual),
                        "【模板】按期完成的，计满分；未按期完成的，不得分".to_string(),
                    )
                }
                RowKind::Level { level } => {
                    let levels: Vec<&str> = self.qualitative.iter().map(|b| b.level.as_str()).collect();
                    let decl = json!({"name": name, "kind": "level", "levels": levels});
                    let bands: Vec<Value> = self
                        .qualitative
                        .iter()
                        .map(|b| json!({"level": b.level, "min": num(b.min.value()), "max": num(b.max.value()), "max_inclusive": b.max_inclusive}))
                        .collect();
                    let rule = json!({"type": "level", "input": name, "bands": bands});
                    let score = row.claimed.map(Dec::value);
                    (
                        decl,
                        rule,
                        InputValue::Level { level, score },
                        "【模板】定性指标按达成、部分达成、未达成分档，由评价人在档内评分".to_string(),
                    )
                }
            };
            input_decls.push(decl);
            inputs.set(&name, value);
            let leaf = json!({"name": row.name.trim(), "points": num(points), "standard": standard, "rule": rule});
            if let Some(group) = grouped.get_mut(s).and_then(|g| g.get_mut(c)) {
                group.push(Leaf {
                    no,
                    index: i,
                    met,
                    row,
                    leaf,
                });
            }
        }
        // The weights: each section's rows add up to its points, and the whole to 100.
        let mut total = if within.is_some() {
            Decimal::ZERO
        } else {
            self.execution.points.value()
        };
        for (section, sum) in self.sections.iter().zip(&sums) {
            total = total.add_checked(section.points.value()).unwrap_or(Decimal::MAX);
            // A row under an unknown 一级指标 belongs to no section: the sums would mislead.
            if *sum != section.points.value() && problems.iter().all(|p| p.column != Some("一级指标")) {
                problems.push(ProjectProblem {
                    row: None,
                    column: None,
                    zh: format!(
                        "“{}”下各指标分值合计{}分，与模板规定的{}分不符",
                        section.name,
                        num(*sum),
                        num(section.points.value())
                    ),
                    en: format!(
                        "the rows under {} add up to {} points, not the template's {}",
                        section.name,
                        num(*sum),
                        num(section.points.value())
                    ),
                });
            }
        }
        if !problems.is_empty() {
            // A table of another built-in template's shape: one problem that says which, rather
            // than every row's 一级/二级指标.
            let misplaced = problems
                .iter()
                .any(|p| matches!(p.column, Some("一级指标" | "二级指标")));
            if misplaced && let Some(other) = self.other_shape(unit) {
                let levels: Vec<&str> = unit
                    .rows
                    .iter()
                    .filter(|r| !r.is_placeholder())
                    .map(|r| r.level1.trim())
                    .fold(Vec::new(), |mut v, l| {
                        if !v.contains(&l) {
                            v.push(l);
                        }
                        v
                    });
                problems = vec![ProjectProblem {
                    row: None,
                    column: None,
                    zh: format!(
                        "本表的指标（一级指标{}）不是模板“{}”（{}）的格式，而与内置模板“{}”（{}）相符，请用 --system {} 计分",
                        levels.join("、"),
                        self.name,
                        self.id,
                        other.name,
                        other.id,
                        other.id
                    ),
                    en: format!(
                        "the table's indicators (一级指标 {}) are not in the shape of template {} but of the built-in {}: score it with --system {}",
                        levels.join(", "),
                        self.id,
                        other.id,
                        other.id
                    ),
                }];
            }
            return Err(ProjectErrors { problems });
        }
        // The system: 1 预算执行率 (unless a section holds it), then the sections with the 二级指标
        // the project uses.
        let execution_leaf = json!({"name": "预算执行率", "points": num(self.execution.points.value()),
            "standard": "【模板】得分=分值×执行率，执行率超过100%的按100%计",
            "rule": {"type": "rate", "value": "预算执行率"}});
        let mut indicators = Vec::new();
        let mut execution = "1".to_string();
        if within.is_none() {
            let mut leaf = execution_leaf.clone();
            if let Value::Object(m) = &mut leaf {
                m.insert("id".into(), Value::String(execution.clone()));
            }
            indicators.push(leaf);
        }
        let mut rows = Vec::new();
        let mut indices = Vec::new();
        let mut met = Vec::new();
        let mut k = usize::from(within.is_none());
        for (s, (section, groups)) in self.sections.iter().zip(&grouped).enumerate() {
            k += 1;
            let mut children = Vec::new();
            let mut j = 0;
            for (c, (child, leaves)) in section.children.iter().zip(groups).enumerate() {
                let holds_execution = within == Some((s, c));
                if leaves.is_empty() && !holds_execution {
                    continue;
                }
                j += 1;
                let mut items = Vec::new();
                if holds_execution {
                    execution = format!("{k}.{j}.1");
                    let mut leaf = execution_leaf.clone();
                    if let Value::Object(m) = &mut leaf {
                        m.insert("id".into(), Value::String(execution.clone()));
                    }
                    items.push(leaf);
                }
                let first = items.len();
                for (n, l) in leaves.iter().enumerate() {
                    let id = format!("{k}.{j}.{}", n + 1 + first);
                    let mut leaf = l.leaf.clone();
                    if let Value::Object(m) = &mut leaf {
                        m.insert("id".into(), Value::String(id.clone()));
                    }
                    rows.push((l.no, id));
                    indices.push(l.index);
                    met.push(l.met);
                    items.push(leaf);
                }
                let points: Decimal = leaves
                    .iter()
                    .filter_map(|l| l.row.points.map(Dec::value))
                    .chain(holds_execution.then(|| self.execution.points.value()))
                    .fold(Decimal::ZERO, |a, b| a.add_checked(b).unwrap_or(Decimal::MAX));
                children
                    .push(json!({"id": format!("{k}.{j}"), "name": child, "points": num(points), "children": items}));
            }
            indicators.push(json!({"id": k.to_string(), "name": section.name, "points": num(section.points.value()), "children": children}));
        }
        if over_target_used {
            input_decls.push(json!({"name": "超额完成按偏离度调减", "kind": "boolean", "default": true,
                "description": "完成值远高于年度指标值的正向指标，是否视为年初指标值设定偏低、按偏离度调减分值（财预〔2020〕10号）；超额完成另有客观原因的，填“否”"}));
            inputs.set(
                "超额完成按偏离度调减",
                InputValue::Bool(unit.over_target_cut.unwrap_or(true)),
            );
        }
        let title = unit
            .info
            .get("项目名称")
            .map_or_else(|| self.name.clone(), |p| format!("{p} {}", self.name));
        let mut system = json!({
            "format": 1,
            "id": self.id,
            "name": title,
            "total_points": num(total),
            "inputs": input_decls,
            "metrics": metrics,
            "indicators": indicators,
            "grades": self.grades,
            "rounding": self.rounding,
        });
        if let (Some(source), Value::Object(m)) = (&self.source, &mut system) {
            m.insert("source".into(), Value::String(source.clone()));
        }
        let system = IndicatorSystem::from_json(&system.to_string()).map_err(|e| invalid_system(&e.issues()))?;
        Ok(Instantiated {
            system,
            inputs,
            rows,
            indices,
            execution,
            met,
        })
    }
}

/// The built-in templates: id, template, and a bundled example project.
const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "mof-project",
        include_str!("../../templates/mof-project.json"),
        include_str!("../../templates/mof-project.example.json"),
    ),
    (
        "province-project-20",
        include_str!("../../templates/province-project-20.json"),
        include_str!("../../templates/province-project-20.example.json"),
    ),
    (
        "province-project-4",
        include_str!("../../templates/province-project-4.json"),
        include_str!("../../templates/province-project-4.example.json"),
    ),
];

/// The ids of the built-in project templates.
pub fn builtin_ids() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|(id, ..)| *id)
}

/// A built-in project template and its bundled example project.
pub fn builtin(id: &str) -> Option<Result<(ProjectTemplate, ProjectUnit), serde_json::Error>> {
    TEMPLATES
        .iter()
        .find(|(i, ..)| *i == id)
        .map(|(_, template, example)| Ok((ProjectTemplate::from_json(template)?, serde_json::from_str(example)?)))
}

/// Scoring a project failed: its table does not make a valid system, or a row does not score.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProjectError {
    /// The table's rows or weights.
    #[error(transparent)]
    Table(#[from] ProjectErrors),
    /// A row that does not score (a claimed score outside its band …), by its row number.
    #[error("row {}: {error}", row.map_or_else(|| "?".to_string(), |r| r.to_string()))]
    Row {
        /// The row in the table, when the failing indicator is one of the project's rows.
        row: Option<usize>,
        /// The engine's error.
        error: Box<crate::EvalError>,
    },
}

impl ProjectError {
    /// The message in `lang`, located by row.
    pub fn message(&self, lang: Lang) -> String {
        self.message_named(lang, NUMBERS)
    }

    /// The message in `lang`, naming rows as `rows` does.
    pub fn message_named(&self, lang: Lang, rows: Rows<'_>) -> String {
        match self {
            ProjectError::Table(t) => t.message_named(lang, rows),
            ProjectError::Row { row, error } => format!(
                "{}{}",
                at_cell(lang, row.map(rows).as_deref(), None),
                error.message(lang)
            ),
        }
    }
}

/// A scored project: its system, the scorer and the evaluation.
#[derive(Debug)]
pub struct ScoredProject {
    /// The project as an indicator system, with its inputs and row map.
    pub project: Instantiated,
    /// The project's scorer.
    pub scorer: crate::Scorer,
    /// The evaluation.
    pub evaluation: crate::Evaluation,
}

impl ScoredProject {
    /// The table row (1-based) an indicator id scores, for a project row.
    pub fn row_of(&self, id: &str) -> Option<usize> {
        self.project.rows.iter().find(|(_, i)| i == id).map(|(r, _)| *r)
    }
}

impl ProjectTemplate {
    /// Scores a project: instantiates it and evaluates it with the engine.
    pub fn score(&self, unit: &ProjectUnit) -> Result<ScoredProject, ProjectError> {
        let project = self.instantiate(unit)?;
        let scorer = crate::Scorer::new(&project.system).map_err(|e| invalid_system(&e.issues))?;
        let evaluation = scorer.evaluate(&project.inputs).map_err(|error| {
            let id = match &error {
                crate::EvalError::Score { indicator, .. } => Some(indicator.clone()),
                _ => None,
            };
            let row = id.and_then(|id| project.rows.iter().find(|(_, i)| *i == id).map(|(r, _)| *r));
            ProjectError::Row {
                row,
                error: Box::new(error),
            }
        })?;
        Ok(ScoredProject {
            project,
            scorer,
            evaluation,
        })
    }
}

/// A project's table reviewed: its claims against the figures, and what a reviewer finds in it.
#[derive(Debug)]
pub struct ProjectAudit {
    /// The scored project.
    pub scored: ScoredProject,
    /// The claims read from the table: each row's 得分 by its indicator id, the execution score, 总分
    /// and 等次.
    pub claims: crate::analysis::Claims,
    /// The engine's audit of those claims.
    pub audit: crate::analysis::Audit,
    /// Everything found: the funds, then row by row in the table's order, then the total and the
    /// grade.
    pub findings: Vec<ProjectFinding>,
}

/// One thing a reviewer finds in a project's table (复核发现的问题).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct ProjectFinding {
    /// A stable code: `cut_when_met` (a row cut although its target was met), `full_when_missed`
    /// (full points although the target was missed or the cap exceeded), `score` (another claimed
    /// row score the figures do not give), `execution` (the funds' 得分 is not 分值 × 执行率),
    /// `out_of_range`, `total_sum` (the stated 总分 is not the sum of the stated scores), `total`,
    /// `grade`, `grade_of_claimed_total`, `missing_reason` (below target without a 偏差原因),
    /// `core_missed` (a ★ core indicator below its target).
    pub code: &'static str,
    /// The table row (the sheet's row for a table read from cells), for a finding about a row.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<usize>,
    /// The indicator id in the project's system (`1` is the execution row).
    pub id: Option<String>,
    /// The indicator's name.
    pub name: Option<String>,
    /// What the table states.
    pub claimed: Option<String>,
    /// What the figures give.
    pub computed: Option<String>,
    /// The finding in Chinese (its row is added by [`ProjectFinding::message`]).
    pub zh: String,
    /// The finding in English (its row is added by [`ProjectFinding::message`]).
    pub en: String,
}

impl ProjectFinding {
    /// What kind of finding, as a reviewer's sheet heads it (达标扣分, 未达标满分 …).
    pub fn kind(&self, lang: Lang) -> &'static str {
        let (zh, en) = match self.code {
            "cut_when_met" => ("达标扣分", "cut although met"),
            "full_when_missed" => ("未达标满分", "full points although missed"),
            "score" => ("得分不符", "score differs"),
            "execution" => ("资金执行得分不符", "execution score differs"),
            "out_of_range" => ("得分超出分值", "score out of range"),
            "total_sum" => ("总分与分项合计不符", "total is not the sum"),
            "total" => ("总分不符", "total differs"),
            "grade" => ("等次不符", "grade differs"),
            "grade_of_claimed_total" => ("等次与自评总分不符", "grade not of the stated total"),
            "missing_reason" => ("未说明偏差原因", "no reason for a shortfall"),
            "core_missed" => ("核心指标未完成", "core indicator missed"),
            _ => ("其他", "other"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// The finding in `lang`, with its row (`第5行 …`).
    pub fn message(&self, lang: Lang) -> String {
        self.message_named(lang, NUMBERS)
    }

    /// The finding in `lang`, naming its row as `rows` does.
    pub fn message_named(&self, lang: Lang, rows: Rows<'_>) -> String {
        let body = match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        };
        match (self.row.map(rows), lang) {
            (Some(r), Lang::Zh) => format!("第{r}行 {body}"),
            (Some(r), Lang::En) => format!("row {r} {body}"),
            (None, _) => body.clone(),
        }
    }
}

impl ProjectAudit {
    /// The findings in `lang`, one line each.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        self.findings.iter().map(|f| f.message(lang)).collect()
    }
}

impl ProjectTemplate {
    /// Reviews a project's table: scores it and checks every claimed 得分, the execution score, the
    /// 总分 and the 等次 against its figures (with the readings that would give a claim), and lists
    /// the rows below their target without a 偏差原因.
    pub fn audit(&self, unit: &ProjectUnit) -> Result<ProjectAudit, ProjectError> {
        let scored = self.score(unit)?;
        let mut claims = crate::analysis::Claims::default();
        for ((_, id), index) in scored.project.rows.iter().zip(&scored.project.indices) {
            if let Some(c) = unit.rows.get(*index).and_then(|r| r.claimed) {
                claims.scores.insert(id.clone(), c.value());
            }
        }
        if let Some(c) = unit.funds.claimed {
            claims.scores.insert(scored.project.execution.clone(), c.value());
        }
        claims.total = unit.total.map(Dec::value);
        claims.grade = unit.grade.clone();
        let audit = scored
            .scorer
            .audit(&scored.project.inputs, &claims)
            .map_err(|error| ProjectError::Row {
                row: None,
                error: Box::new(error),
            })?;
        let findings = findings(self, unit, &scored, &claims, &audit);
        Ok(ProjectAudit {
            scored,
            claims,
            audit,
            findings,
        })
    }
}

mod read;
pub use read::LongProject;

/// What a reviewer finds: the engine's discrepancies, named by row and classed the way reviewers
/// class them, the stated total against the sum of the stated scores, and the rows below target
/// without a 偏差原因.
fn findings(
    template: &ProjectTemplate,
    unit: &ProjectUnit,
    scored: &ScoredProject,
    claims: &crate::analysis::Claims,
    audit: &crate::analysis::Audit,
) -> Vec<ProjectFinding> {
    use crate::analysis::DiscrepancyKind as K;
    use crate::explain::figure;
    let e = &scored.evaluation;
    let p = &scored.project;
    // Where each scored row stands: its table row, its row in `unit.rows`, whether it met its target.
    let place = |id: &str| {
        let k = p.rows.iter().position(|(_, i)| i == id)?;
        Some((
            p.rows.get(k).map(|(r, _)| *r)?,
            p.indices.get(k).copied()?,
            p.met.get(k).copied().flatten(),
        ))
    };
    let mut by_row: Vec<(usize, ProjectFinding)> = Vec::new();
    let mut after: Vec<ProjectFinding> = Vec::new();
    for d in &audit.discrepancies {
        let id = d.id.as_deref().map(str::to_string);
        let mut f = ProjectFinding {
            code: d.kind.code(),
            row: None,
            id: id.clone(),
            name: d.name.as_deref().map(str::to_string),
            claimed: Some(d.claimed.clone()),
            computed: Some(d.computed.clone()),
            zh: d.message(Lang::Zh),
            en: d.message(Lang::En),
        };
        match (d.kind, id.as_deref().and_then(|id| Some((id, place(id)?)))) {
            (K::Score, _) if id.as_deref() == Some(p.execution.as_str()) => {
                f.code = "execution";
                f.zh = format!("资金执行：{}", f.zh);
                f.en = format!("funds: {}", f.en);
                by_row.push((0, f));
            }
            (K::Score | K::OutOfRange, Some((id, (row, index, met)))) => {
                f.row = Some(row);
                let r = e.indicator(id);
                let source = unit.rows.get(index);
                let claimed = claims.scores.get(id).copied();
                let full = r.is_some_and(|r| claimed == Some(r.points));
                let computed_full = r.is_some_and(|r| r.score == r.points);
                let target = source.map(|s| s.target.trim().to_string()).unwrap_or_default();
                let actual = source.map(|s| s.actual.trim().to_string()).unwrap_or_default();
                let name = r.map(|r| r.name.to_string()).unwrap_or_default();
                let points = r.map(|r| figure(r.points)).unwrap_or_default();
                if d.kind == K::Score && met == Some(true) && computed_full && !full {
                    f.code = "cut_when_met";
                    f.zh = format!(
                        "{name}：已达到年度指标值（{target}，实际{actual}），应得满分{points}分，自评却扣分（自评{}分）",
                        d.claimed
                    );
                    f.en = format!(
                        "{name}: the target is met ({target}, actual {actual}) and full points {points} are due, but the table cuts to {}",
                        d.claimed
                    );
                } else if d.kind == K::Score && met == Some(false) && full {
                    f.code = "full_when_missed";
                    f.zh = format!(
                        "{name}：未达到年度指标值（{target}，实际{actual}），自评却得满分{points}分，按规则应得{}分",
                        d.computed
                    );
                    f.en = format!(
                        "{name}: the target is missed ({target}, actual {actual}) but the table gives full points {points}; the rule gives {}",
                        d.computed
                    );
                }
                by_row.push((row, f));
            }
            _ => after.push(f),
        }
    }
    // The stated total against the sum of the stated scores: the funds' and every scored row's.
    if let Some(total) = claims.total {
        let stated: Option<Vec<Decimal>> = std::iter::once(p.execution.as_str())
            .chain(p.rows.iter().map(|(_, id)| id.as_str()))
            .map(|id| claims.scores.get(id).copied())
            .collect();
        let sum = stated.and_then(|s| s.iter().try_fold(Decimal::ZERO, |a, b| a.add_checked(*b)));
        if let Some(sum) = sum
            && sum != total
        {
            let diff = figure(sum.sub_checked(total).unwrap_or_default());
            after.insert(
                0,
                ProjectFinding {
                    code: "total_sum",
                    row: None,
                    id: None,
                    name: None,
                    claimed: Some(figure(total)),
                    computed: Some(figure(sum)),
                    zh: format!(
                        "总分：表中填{}分，但资金执行得分与各指标得分合计{}分（差{diff}分）",
                        figure(total),
                        figure(sum)
                    ),
                    en: format!(
                        "总分: the table states {} but its own execution and row scores add up to {} (difference {diff})",
                        figure(total),
                        figure(sum)
                    ),
                },
            );
        }
    }
    // Rows below target without a 偏差原因: a level under the top band (达成 scored inside its
    // band met its target), a quantity or date that missed.
    let top = template.qualitative.first().map(|b| b.level.as_str());
    for (((row, id), index), met) in p.rows.iter().zip(&p.indices).zip(&p.met) {
        let Some(r) = e.indicator(id) else { continue };
        let below = match (&r.outcome, met) {
            (crate::Outcome::Level { level, .. }, _) => Some(&**level) != top,
            (_, Some(met)) => !met,
            (_, None) => r.score < r.points,
        };
        let source = unit.rows.get(*index);
        if below && source.is_some_and(ProjectRow::is_core) {
            let rule = template.core.as_deref().map(|c| format!("（{c}）")).unwrap_or_default();
            by_row.push((
                *row,
                ProjectFinding {
                    code: "core_missed",
                    row: Some(*row),
                    id: Some(id.clone()),
                    name: Some(r.name.to_string()),
                    claimed: None,
                    computed: Some(crate::explain::stated(r.score)),
                    zh: format!(
                        "{}：★核心指标未完成年度指标值（{}，实际{}）{rule}",
                        r.name,
                        source.map(|s| s.target.trim()).unwrap_or_default(),
                        source.map(|s| s.actual.trim()).unwrap_or_default()
                    ),
                    en: format!(
                        "{}: a ★ core indicator below its target ({}, actual {}){rule}",
                        r.name,
                        source.map(|s| s.target.trim()).unwrap_or_default(),
                        source.map(|s| s.actual.trim()).unwrap_or_default()
                    ),
                },
            ));
        }
        let reason = source.and_then(|r| r.remark.as_deref()).unwrap_or("");
        if below && reason.trim().is_empty() {
            let score = crate::explain::stated(r.score);
            by_row.push((
                *row,
                ProjectFinding {
                    code: "missing_reason",
                    row: Some(*row),
                    id: Some(id.clone()),
                    name: Some(r.name.to_string()),
                    claimed: None,
                    computed: Some(score.clone()),
                    zh: format!("{}：得{score}分，未完成年度指标值，未填写偏差原因分析及改进措施", r.name),
                    en: format!(
                        "{}: {score} of {} points, below its target, without the 偏差原因分析及改进措施 the template asks for",
                        r.name,
                        figure(r.points)
                    ),
                },
            ));
        }
    }
    by_row.sort_by_key(|(row, _)| *row);
    by_row.into_iter().map(|(_, f)| f).chain(after).collect()
}
