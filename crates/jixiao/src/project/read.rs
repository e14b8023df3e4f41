//! Reading project tables from cells: a published 项目支出绩效自评表 (one project, found by its
//! labels) and a long table (one row per indicator, a column naming the project).

use std::collections::HashMap;

use super::{Funds, ProjectErrors, ProjectProblem, ProjectRow, ProjectUnit};
use crate::dec::{Arith, Dec};
use crate::explain::Lang;

/// Where a label stands in a grid of cells: (row index, column index).
fn find_label(rows: &[Vec<String>], matches: impl Fn(&str) -> bool) -> Option<(usize, usize)> {
    rows.iter()
        .enumerate()
        .find_map(|(r, cells)| cells.iter().position(|c| matches(&normalize_label(c))).map(|c| (r, c)))
}

/// A label cell without spaces, line breaks and a trailing colon (`项目名称：` → `项目名称`).
fn normalize_label(cell: &str) -> String {
    cell.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .trim_end_matches([':', '：'])
        .to_string()
}

/// The first non-empty cell right of column `c` in row `r`.
fn value_right_of(rows: &[Vec<String>], r: usize, c: usize) -> Option<String> {
    rows.get(r)?
        .iter()
        .skip(c + 1)
        .map(|s| s.trim())
        .find(|s| !s.is_empty())
        .map(str::to_string)
}

impl ProjectUnit {
    /// Reads a published table (项目支出绩效自评表) from its cells, as a spreadsheet or a CSV gives
    /// them (row by row, blank cells empty): the header block by its labels (项目名称, 主管部门,
    /// 实施单位, 年度), the funds block by its column labels (年初预算数, 全年预算数, 全年执行数,
    /// 得分) and its 年度资金总额 row, the indicator block by its header (一级指标 … 实际完成值, 分值,
    /// 得分) down to 总分; whatever rows lie around them. A blank 一级指标 or 二级指标 cell below a
    /// filled one is the merged cell above it, as published tables merge them. Every problem is
    /// located by the cell's row (1-based, as the sheet shows it).
    pub fn from_grid(rows: &[Vec<String>]) -> Result<ProjectUnit, ProjectErrors> {
        let mut problems = Vec::new();
        let table_problem = |zh: String, en: String| ProjectProblem {
            row: None,
            column: None,
            zh,
            en,
        };
        let mut unit = ProjectUnit::default();
        for label in ["项目名称", "主管部门", "实施单位", "项目负责人", "年度"] {
            if let Some((r, c)) = find_label(rows, |l| l == label)
                && let Some(v) = value_right_of(rows, r, c)
            {
                unit.info.insert(label.to_string(), v);
            }
        }
        // The year printed under the title, as published tables print it: （2023年度）.
        if !unit.info.contains_key("年度") {
            let year = rows.iter().take(6).flatten().find_map(|c| {
                let t = normalize_label(c);
                let t = t.trim_start_matches(['（', '(']).trim_end_matches(['）', ')']);
                let y = t.strip_suffix("年度")?;
                (y.len() == 4 && y.chars().all(|c| c.is_ascii_digit())).then(|| y.to_string())
            });
            if let Some(y) = year {
                unit.info.insert("年度".to_string(), y);
            }
        }
        // The funds block.
        let budget_col = find_label(rows, |l| l.starts_with("全年预算数"));
        let spent_col = find_label(rows, |l| l.starts_with("全年执行数"));
        let total_row = find_label(rows, |l| l.starts_with("年度资金总额"));
        match (budget_col, spent_col, total_row) {
            (Some((hr, bc)), Some((_, sc)), Some((tr, _))) if tr > hr => {
                let cell = |c: usize| rows.get(tr).and_then(|r| r.get(c)).map(|s| s.trim().to_string());
                let figure = |c: usize, label: &'static str, problems: &mut Vec<ProjectProblem>| {
                    let text = cell(c).unwrap_or_default();
                    match crate::parse_decimal(&text) {
                        Ok(d) => Some(Dec(d)),
                        Err(e) => {
                            problems.push(ProjectProblem {
                                row: None,
                                column: Some(label),
                                zh: format!("第{}行“年度资金总额”的{label}“{text}”：{}", tr + 1, e.message(Lang::Zh)),
                                en: format!("row {} 年度资金总额, {label} `{text}`: {}", tr + 1, e.message(Lang::En)),
                            });
                            None
                        }
                    }
                };
                let budget = figure(bc, "全年预算数", &mut problems);
                let spent = figure(sc, "全年执行数", &mut problems);
                if let (Some(budget), Some(spent)) = (budget, spent) {
                    unit.funds.budget = budget;
                    unit.funds.spent = spent;
                }
                let labelled = |prefix: &str| {
                    rows.get(hr)?
                        .iter()
                        .position(|c| normalize_label(c).starts_with(prefix))
                };
                if let Some(c) = labelled("年初预算数") {
                    unit.funds.initial = crate::parse_decimal(&cell(c).unwrap_or_default()).ok().map(Dec);
                }
                if let Some(c) = labelled("得分") {
                    unit.funds.claimed = crate::parse_decimal(&cell(c).unwrap_or_default()).ok().map(Dec);
                }
            }
            _ => problems.push(table_problem(
                "未找到资金情况（须有“全年预算数”“全年执行数”列和“年度资金总额”行）".to_string(),
                "no funds block (columns 全年预算数 and 全年执行数 with a 年度资金总额 row)".to_string(),
            )),
        }
        // The indicator block.
        let Some((hr, _)) = find_label(rows, |l| l == "三级指标") else {
            problems.push(no_indicator_header());
            return Err(ProjectErrors { problems });
        };
        let header: Vec<String> = rows
            .get(hr)
            .map(|r| r.iter().map(|c| normalize_label(c)).collect())
            .unwrap_or_default();
        let columns = match RowColumns::find(&header) {
            Ok(c) => c,
            Err(p) => {
                problems.push(p);
                return Err(ProjectErrors { problems });
            }
        };
        let mut merged = (String::new(), String::new());
        for (i, r) in rows.iter().enumerate().skip(hr + 1) {
            let first = r
                .iter()
                .map(|c| normalize_label(c))
                .find(|c| !c.is_empty())
                .unwrap_or_default();
            if first.starts_with("总分") || first.starts_with("合计") {
                // In the 得分 column (the 分值 column beside it holds the 100 points); a table
                // without one gives it last.
                unit.total = match columns.score {
                    Some(c) => r.get(c).and_then(|c| crate::parse_decimal(c.trim()).ok()),
                    None => r.iter().skip(1).rev().find_map(|c| crate::parse_decimal(c.trim()).ok()),
                }
                .map(Dec);
                continue;
            }
            if first.starts_with("等次") || first.starts_with("评价等次") || first.starts_with("自评等次") {
                unit.grade = value_right_of(rows, i, r.iter().position(|c| !c.trim().is_empty()).unwrap_or(0));
                continue;
            }
            if r.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            unit.rows.push(columns.read(r, i + 1, &mut merged, &mut problems));
        }
        if problems.is_empty() {
            Ok(unit)
        } else {
            Err(ProjectErrors { problems })
        }
    }
}

fn no_indicator_header() -> ProjectProblem {
    ProjectProblem {
        row: None,
        column: None,
        zh: "未找到绩效指标表头（一级指标、二级指标、三级指标、年度指标值、实际完成值、分值、得分）".to_string(),
        en: "no indicator header (一级指标, 二级指标, 三级指标, 年度指标值, 实际完成值, 分值, 得分)".to_string(),
    }
}

/// Where the indicator columns stand in a header row (labels normalised).
struct RowColumns {
    level1: Option<usize>,
    level2: Option<usize>,
    name: Option<usize>,
    comparator: Option<usize>,
    target: Option<usize>,
    actual: Option<usize>,
    points: Option<usize>,
    score: Option<usize>,
    remark: Option<usize>,
}

/// The column whose label starts with one of `names`.
fn column(header: &[String], names: &[&str]) -> Option<usize> {
    header.iter().position(|h| names.iter().any(|n| h.starts_with(n)))
}

impl RowColumns {
    /// The indicator columns of a header, or the problem naming the ones it lacks.
    fn find(header: &[String]) -> Result<RowColumns, ProjectProblem> {
        let col = |names: &[&str]| column(header, names);
        let columns = RowColumns {
            level1: col(&["一级指标"]),
            level2: col(&["二级指标"]),
            name: col(&["三级指标"]),
            comparator: col(&["指标性质", "指标方向"]),
            target: col(&["年度指标值", "指标值", "预期指标值"]),
            actual: col(&["实际完成值", "全年实际值", "实际值"]),
            points: col(&["分值", "权重"]),
            score: col(&["得分", "自评得分"]),
            remark: col(&["偏差原因"]),
        };
        let missing: Vec<&str> = [
            ("一级指标", columns.level1),
            ("二级指标", columns.level2),
            ("三级指标", columns.name),
            ("年度指标值", columns.target),
            ("实际完成值", columns.actual),
            ("分值", columns.points),
        ]
        .iter()
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| *n)
        .collect();
        if missing.is_empty() {
            Ok(columns)
        } else {
            Err(ProjectProblem {
                row: None,
                column: None,
                zh: format!("绩效指标表头缺少“{}”列", missing.join("”“")),
                en: format!("the indicator header lacks {}", missing.join(", ")),
            })
        }
    }

    /// One indicator row; a blank 一级指标 or 二级指标 is the merged cell above (`merged`, updated).
    /// A figure that cannot be read is a problem located by `sheet_row` and its column.
    fn read(
        &self,
        r: &[String],
        sheet_row: usize,
        merged: &mut (String, String),
        problems: &mut Vec<ProjectProblem>,
    ) -> ProjectRow {
        let get = |c: Option<usize>| {
            c.and_then(|c| r.get(c))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let (l1, l2) = (get(self.level1), get(self.level2));
        if !l1.is_empty() {
            merged.0 = l1;
            merged.1.clear();
        }
        if !l2.is_empty() {
            merged.1 = l2;
        }
        let mut row = ProjectRow {
            level1: merged.0.clone(),
            level2: merged.1.clone(),
            name: get(self.name),
            comparator: self.comparator.map(|c| get(Some(c))).filter(|c| !c.is_empty()),
            target: get(self.target),
            actual: get(self.actual),
            remark: self.remark.map(|c| get(Some(c))).filter(|c| !c.is_empty()),
            sheet_row: Some(sheet_row),
            ..ProjectRow::default()
        };
        for (label, c, slot) in [
            ("分值", self.points, &mut row.points),
            ("得分", self.score, &mut row.claimed),
        ] {
            let text = get(c);
            if text.is_empty() {
                continue;
            }
            match crate::parse_decimal(&text) {
                Ok(d) => *slot = Some(Dec(d)),
                Err(e) => problems.push(ProjectProblem {
                    row: Some(sheet_row),
                    column: Some(label),
                    // The engine's message quotes the cell.
                    zh: e.message(Lang::Zh),
                    en: format!("`{text}`: {}", e.message(Lang::En)),
                }),
            }
        }
        row
    }
}

/// One project of a long table: its name, the sheet rows it was read from, and the project or
/// every problem of its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct LongProject {
    /// The project's key: its 项目编码 when the table has one, else its 项目名称.
    pub key: String,
    /// Its 项目名称.
    pub name: String,
    /// Its 项目编码, when the table has one.
    pub code: Option<String>,
    /// The sheet rows (1-based) that hold it.
    pub sheet_rows: Vec<usize>,
    /// The project, or the problems of its cells (located by sheet row and column).
    pub unit: Result<ProjectUnit, ProjectErrors>,
}

/// The per-project columns of a long table: each holds one value per project, which may be given
/// on any of its rows (or repeated on each) but never two different ones.
const PROJECT_COLUMNS: &[(&str, &[&str])] = &[
    ("项目编码", &["项目编码", "项目代码"]),
    ("主管部门", &["主管部门"]),
    ("实施单位", &["实施单位"]),
    ("项目负责人", &["项目负责人"]),
    ("年度", &["年度"]),
    ("年初预算数", &["年初预算数"]),
    ("全年预算数", &["全年预算数"]),
    ("全年执行数", &["全年执行数"]),
    ("资金得分", &["资金得分", "执行率得分", "预算执行率得分"]),
    ("总分", &["总分"]),
    ("等次", &["等次", "评价等次", "自评等次"]),
];

/// A project being gathered from a long table.
struct Gathering {
    key: String,
    name: String,
    sheet_rows: Vec<usize>,
    /// Per-project values by label: (value, the sheet row that gave it).
    values: HashMap<&'static str, (String, usize)>,
    rows: Vec<ProjectRow>,
    merged: (String, String),
    problems: Vec<ProjectProblem>,
}

impl Gathering {
    fn finish(mut self) -> LongProject {
        let mut unit = ProjectUnit::default();
        unit.info.insert("项目名称".to_string(), self.name.clone());
        for label in ["项目编码", "主管部门", "实施单位", "项目负责人", "年度"] {
            if let Some((v, _)) = self.values.get(label) {
                unit.info.insert(label.to_string(), v.clone());
            }
        }
        let figure = |label: &'static str, problems: &mut Vec<ProjectProblem>| {
            let (text, row) = self.values.get(label)?;
            match crate::parse_decimal(text) {
                Ok(d) => Some(Dec(d)),
                Err(e) => {
                    problems.push(ProjectProblem {
                        row: Some(*row),
                        column: Some(label),
                        zh: e.message(Lang::Zh),
                        en: format!("`{text}`: {}", e.message(Lang::En)),
                    });
                    None
                }
            }
        };
        let mut problems = std::mem::take(&mut self.problems);
        let budget = figure("全年预算数", &mut problems);
        let spent = figure("全年执行数", &mut problems);
        unit.funds = Funds {
            initial: figure("年初预算数", &mut problems),
            budget: budget.unwrap_or_default(),
            spent: spent.unwrap_or_default(),
            claimed: figure("资金得分", &mut problems),
        };
        unit.total = figure("总分", &mut problems);
        unit.grade = self.values.get("等次").map(|(v, _)| v.clone());
        for (label, value) in [("全年预算数", budget), ("全年执行数", spent)] {
            if value.is_none() && !self.values.contains_key(label) {
                problems.push(ProjectProblem {
                    row: self.sheet_rows.first().copied(),
                    column: Some(label),
                    zh: format!("项目“{}”未填写{label}", self.name),
                    en: format!("project `{}` gives no {label}", self.name),
                });
            }
        }
        unit.rows = self.rows;
        LongProject {
            key: self.key,
            name: self.name,
            code: unit.info.get("项目编码").cloned(),
            sheet_rows: self.sheet_rows,
            unit: if problems.is_empty() {
                Ok(unit)
            } else {
                Err(ProjectErrors { problems })
            },
        }
    }
}

impl ProjectUnit {
    /// Reads a long table of many projects: a header row with 项目名称 (and 项目编码 when projects
    /// share names) beside the indicator columns of a published table, then one row per indicator.
    /// The funds (全年预算数, 全年执行数, 年初预算数, 资金得分), 总分, 等次 and the header fields
    /// (主管部门, 实施单位, 年度) are per project: given on any of its rows or repeated on each, never
    /// two different values. A blank 项目名称, 一级指标 or 二级指标 is the merged cell above.
    ///
    /// Each project is read on its own: a cell that cannot be read is a problem of its project
    /// alone, located by sheet row and column, and the other projects are read. Only a table without
    /// the columns to read is an error as a whole; rows before the first 项目名称 are read as a project
    /// without a key whose problems name them.
    pub fn from_long_table(rows: &[Vec<String>]) -> Result<Vec<LongProject>, ProjectErrors> {
        let Some((hr, _)) = find_label(rows, |l| l == "三级指标") else {
            return Err(ProjectErrors {
                problems: vec![no_indicator_header()],
            });
        };
        let header: Vec<String> = rows
            .get(hr)
            .map(|r| r.iter().map(|c| normalize_label(c)).collect())
            .unwrap_or_default();
        let columns = RowColumns::find(&header).map_err(|p| ProjectErrors { problems: vec![p] })?;
        let Some(name_col) = header.iter().position(|h| h == "项目名称") else {
            return Err(ProjectErrors {
                problems: vec![ProjectProblem {
                    row: Some(hr + 1),
                    column: None,
                    zh: "长表缺少“项目名称”列：每一行须写明属于哪个项目".to_string(),
                    en: "a long table needs a 项目名称 column naming each row's project".to_string(),
                }],
            });
        };
        // Exact labels here (年度 is not 年度指标值), a unit in brackets allowed (全年预算数（万元）).
        let per_project: Vec<(&'static str, usize)> = PROJECT_COLUMNS
            .iter()
            .filter_map(|(label, names)| {
                header
                    .iter()
                    .position(|h| {
                        names.iter().any(|n| {
                            h.strip_prefix(n)
                                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['（', '(']))
                        })
                    })
                    .map(|c| (*label, c))
            })
            .collect();
        let code_col = per_project.iter().find(|(l, _)| *l == "项目编码").map(|(_, c)| *c);
        let mut projects: Vec<Gathering> = Vec::new();
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut current: Option<usize> = None;
        let mut orphans = Vec::new();
        for (i, r) in rows.iter().enumerate().skip(hr + 1) {
            if r.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let cell = |c: usize| r.get(c).map(|s| s.trim().to_string()).unwrap_or_default();
            let name = cell(name_col);
            let key = code_col
                .map(cell)
                .filter(|k| !k.is_empty())
                .unwrap_or_else(|| name.clone());
            let at = if key.is_empty() {
                current
            } else {
                let next = projects.len();
                let at = *by_key.entry(key.clone()).or_insert(next);
                if at == next {
                    projects.push(Gathering {
                        key: key.clone(),
                        name: name.clone(),
                        sheet_rows: Vec::new(),
                        values: HashMap::new(),
                        rows: Vec::new(),
                        merged: (String::new(), String::new()),
                        problems: Vec::new(),
                    });
                }
                Some(at)
            };
            current = at;
            let Some(p) = at.and_then(|at| projects.get_mut(at)) else {
                orphans.push(ProjectProblem {
                    row: Some(i + 1),
                    column: Some("项目名称"),
                    zh: "未写明项目名称，上方也没有可以沿用的项目".to_string(),
                    en: "no 项目名称, and no project above to continue".to_string(),
                });
                continue;
            };
            p.sheet_rows.push(i + 1);
            if p.name.is_empty() && !name.is_empty() {
                p.name = name;
            }
            for (label, c) in &per_project {
                let value = cell(*c);
                if value.is_empty() {
                    continue;
                }
                match p.values.get(label) {
                    Some((v, _)) if *v == value => {}
                    Some((v, _)) => p.problems.push(ProjectProblem {
                        row: Some(i + 1),
                        column: Some(label),
                        zh: format!("{label}“{value}”与本项目上方所填的“{v}”不同，不能确定用哪个"),
                        en: format!("{label} `{value}` differs from `{v}` given above for the project"),
                    }),
                    None => {
                        p.values.insert(label, (value, i + 1));
                    }
                }
            }
            let row = columns.read(r, i + 1, &mut p.merged, &mut p.problems);
            p.rows.push(row);
        }
        let mut read: Vec<LongProject> = Vec::new();
        // Rows that belong to no project are read as a project of their own, without a key, so
        // that they are reported and nothing is silently dropped.
        if !orphans.is_empty() {
            read.push(LongProject {
                key: String::new(),
                name: String::new(),
                code: None,
                sheet_rows: orphans.iter().filter_map(|p| p.row).collect(),
                unit: Err(ProjectErrors { problems: orphans }),
            });
        }
        read.extend(projects.into_iter().map(Gathering::finish));
        Ok(read)
    }
}

impl super::ProjectTemplate {
    /// The template's table as its cells, in the layout of a published 项目支出绩效自评表: title,
    /// header block, funds block, indicator block (一级/二级 written once, as merged cells read),
    /// 总分 and 等次 — filled with `unit`, or blank with a placeholder row (`指标1：`) under every
    /// 二级指标 to fill in. [`ProjectUnit::from_grid`] reads it back.
    pub fn grid(&self, unit: Option<&ProjectUnit>) -> Vec<Vec<String>> {
        let blank = ProjectUnit::default();
        let unit = unit.unwrap_or(&blank);
        let info = |k: &str| unit.info.get(k).cloned().unwrap_or_default();
        let fig = |d: Option<Dec>| d.map(|d| crate::explain::figure(d.value())).unwrap_or_default();
        let filled = unit.funds != Funds::default();
        let s = |v: &[&str]| v.iter().map(|c| c.to_string()).collect::<Vec<String>>();
        let mut rows = vec![
            vec![self.name.clone()],
            vec![if info("年度").is_empty() {
                "（    年度）".to_string()
            } else {
                format!("（{}年度）", info("年度"))
            }],
            vec!["项目名称".to_string(), info("项目名称")],
            vec![
                "主管部门".to_string(),
                info("主管部门"),
                String::new(),
                "实施单位".to_string(),
                info("实施单位"),
            ],
            s(&[
                "项目资金（万元）",
                "",
                "年初预算数",
                "全年预算数",
                "全年执行数",
                "分值",
                "执行率",
                "得分",
            ]),
            vec![
                String::new(),
                "年度资金总额".to_string(),
                fig(unit.funds.initial),
                if filled {
                    fig(Some(unit.funds.budget))
                } else {
                    String::new()
                },
                if filled {
                    fig(Some(unit.funds.spent))
                } else {
                    String::new()
                },
                crate::explain::figure(self.execution.points.value()),
                String::new(),
                fig(unit.funds.claimed),
            ],
            s(&[
                "绩效指标",
                "一级指标",
                "二级指标",
                "三级指标",
                "指标性质",
                "年度指标值",
                "实际完成值",
                "分值",
                "得分",
                "偏差原因分析及改进措施",
            ]),
        ];
        let mut last = (String::new(), String::new());
        let mut push = |l1: &str, l2: &str, rest: Vec<String>, rows: &mut Vec<Vec<String>>| {
            let c1 = if last.0 == l1 { String::new() } else { l1.to_string() };
            let c2 = if last.0 == l1 && last.1 == l2 {
                String::new()
            } else {
                l2.to_string()
            };
            last = (l1.to_string(), l2.to_string());
            let mut row = vec![String::new(), c1, c2];
            row.extend(rest);
            rows.push(row);
        };
        if unit.rows.is_empty() {
            for section in &self.sections {
                for child in &section.children {
                    push(&section.name, child, vec!["指标1：".to_string()], &mut rows);
                }
            }
        } else {
            for r in &unit.rows {
                let rest = vec![
                    r.name.clone(),
                    r.comparator.clone().unwrap_or_default(),
                    r.target.clone(),
                    r.actual.clone(),
                    fig(r.points),
                    fig(r.claimed),
                    r.remark.clone().unwrap_or_default(),
                ];
                push(&r.level1, &r.level2, rest, &mut rows);
            }
        }
        let points = self
            .sections
            .iter()
            .map(|s| s.points.value())
            .chain(self.execution.within.is_none().then(|| self.execution.points.value()))
            .fold(rust_decimal::Decimal::ZERO, |a, b| a.add_checked(b).unwrap_or(a));
        let mut total = vec!["总分".to_string()];
        total.resize(7, String::new());
        total.push(crate::explain::figure(points));
        total.push(fig(unit.total));
        rows.push(total);
        if let Some(g) = &unit.grade {
            rows.push(vec!["等次".to_string(), g.clone()]);
        }
        rows
    }
}

impl ProjectUnit {
    /// Whether cells hold a long table of many projects: the indicator header row (with 三级指标)
    /// also has a 项目名称 column. A published table has 项目名称 in its header block instead.
    pub fn is_long_table(rows: &[Vec<String>]) -> bool {
        find_label(rows, |l| l == "三级指标")
            .and_then(|(r, _)| rows.get(r))
            .is_some_and(|row| row.iter().any(|c| normalize_label(c) == "项目名称"))
    }
}
