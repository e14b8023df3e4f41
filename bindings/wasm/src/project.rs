//! Project self-evaluations (项目支出绩效自评表): a built-in template and the project's own rows.
//!
//! Behind the `project` feature (on by default, so that `cargo test` and clippy see it):
//! `build.sh` builds the module the page loads first without it, and a second module with it that
//! the package's `project.js` entry and the page's project mode load on demand, so that
//! department mode neither downloads nor compiles the project code.

use std::collections::BTreeMap;

use jixiao::Lang;
use jixiao::project::{self, ProjectError, ProjectErrors, ProjectProblem, ProjectTemplate, ProjectUnit};
use jixiao::wire::{self, ErrorDetail, EvaluationAnswer, JsonError, Options};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{JsonResult, fail, lang, request};

/// JSON text of a value the engine's types serialise (they never fail to).
fn to_json_text<T: Serialize>(value: &T) -> JsonResult {
    serde_json::to_string(value).map_err(|e| fail(request(e.to_string())))
}

/// A built-in project template and its bundled example, by id.
fn project_template(id: &str) -> Result<(ProjectTemplate, ProjectUnit), String> {
    match project::builtin(id) {
        Some(Ok(t)) => Ok(t),
        Some(Err(e)) => Err(fail(request(format!("built-in project template `{id}`: {e}")))),
        None => {
            let known: Vec<&str> = project::builtin_ids().collect();
            Err(fail(request(format!(
                "no built-in project template `{id}` (templates: {})",
                known.join(", ")
            ))))
        }
    }
}

/// The built-in project templates as JSON text: each template as the engine defines it
/// (`id`, `name`, `issuer`, `source`, `notes`, `execution.points`, `sections` with `points` and
/// `children`, `qualitative` bands with `min`/`max` shares, `grades`, `rounding`).
#[wasm_bindgen(js_name = projectTemplatesJson)]
pub fn project_templates_json() -> JsonResult {
    let templates = project::builtin_ids()
        .map(|id| project_template(id).map(|(t, _)| t))
        .collect::<Result<Vec<_>, _>>()?;
    to_json_text(&templates)
}

/// The bundled example project (JSON text, the shape of a project) of a built-in template.
#[wasm_bindgen(js_name = projectExampleJson)]
pub fn project_example_json(id: &str) -> JsonResult {
    to_json_text(&project_template(id)?.1)
}

/// A scored project: the evaluation as `evaluate` answers it, and where each table row went.
#[derive(Serialize)]
struct ProjectAnswer<'e> {
    #[serde(flatten)]
    evaluation: EvaluationAnswer<'e>,
    /// The scored rows of the table, in the system's order.
    rows: Vec<ScoredRow<'e>>,
}

/// A row of the project's table that was scored.
#[derive(Serialize)]
struct ScoredRow<'e> {
    /// Its index in the project's `rows`.
    index: usize,
    /// The indicator that scores it (`2.1.3`).
    indicator: &'e str,
}

/// Scores a project (JSON text: `info`, `funds`, `rows`, as [`ProjectUnit`]) with a built-in
/// template: the evaluation JSON of `evaluate`, plus `rows: [{index, indicator}]` mapping each
/// scored row (its index in the project's `rows`) to its indicator id. Errors locate the row and
/// column (`params.row`, 1-based as the message says, `params.column`).
#[wasm_bindgen(js_name = scoreProjectJson)]
pub fn score_project_json(template: &str, project: &str, lang_code: &str) -> JsonResult {
    let lang = lang(lang_code)?;
    let (template, _) = project_template(template)?;
    let unit: ProjectUnit = wire::from_json(project, "the project").map_err(fail)?;
    let scored = template.score(&unit).map_err(|e| fail(project_error(e)))?;
    let rows = scored
        .project
        .rows
        .iter()
        .zip(&scored.project.indices)
        .map(|((_, indicator), &index)| ScoredRow { index, indicator })
        .collect();
    to_json_text(&ProjectAnswer {
        evaluation: EvaluationAnswer::new(&scored.evaluation, Options::lang(lang)),
        rows,
    })
}

/// Reads a published project table (项目支出绩效自评表) from CSV text, as `jixiao score --input
/// table.csv` reads it: the project as JSON text (the shape `scoreProjectJson` takes), or every
/// problem located by the CSV's row as a spreadsheet shows it (blank lines counted, as the CLI
/// counts them).
#[wasm_bindgen(js_name = projectFromCsvJson)]
pub fn project_from_csv_json(text: &str) -> JsonResult {
    let cells = jixiao::csv_rows::csv_rows(text).map_err(|e| fail(request(format!("the CSV text: {e}"))))?;
    let unit = ProjectUnit::from_grid(&cells).map_err(|e| fail(table_error(&e, |p| csv_path(p.row, p.column))))?;
    to_json_text(&unit)
}

/// Where a problem of a project given as JSON is: `rows[2].二级指标`. A project read from JSON has
/// no sheet rows, so its row numbers are the rows' places, from 1.
fn rows_path(row: Option<usize>, column: Option<&str>) -> String {
    match (row, column) {
        (Some(r), Some(c)) => format!("rows[{}].{c}", r.saturating_sub(1)),
        (Some(r), None) => format!("rows[{}]", r.saturating_sub(1)),
        (None, Some(c)) => c.to_string(),
        (None, None) => String::new(),
    }
}

/// Where a problem of a CSV table is: `row 14, 二级指标`.
fn csv_path(row: Option<usize>, column: Option<&str>) -> String {
    match (row, column) {
        (Some(r), Some(c)) => format!("row {r}, {c}"),
        (Some(r), None) => format!("row {r}"),
        (None, Some(c)) => c.to_string(),
        (None, None) => String::new(),
    }
}

/// The row and column of a problem as message parameters.
fn located(row: Option<usize>, column: Option<&str>) -> BTreeMap<&'static str, String> {
    let mut params = BTreeMap::new();
    if let Some(r) = row {
        params.insert("row", r.to_string());
    }
    if let Some(c) = column {
        params.insert("column", c.to_string());
    }
    params
}

/// A project table's problems as the JSON layer's error (`inputs`, code `project_table`): one
/// detail per problem, each with its Chinese and English message and its row and column.
fn table_error(e: &ProjectErrors, path: impl Fn(&ProjectProblem) -> String) -> JsonError {
    let errors = e
        .problems
        .iter()
        .map(|p| ErrorDetail {
            path: path(p),
            position: None,
            input: None,
            indicator: None,
            kind: None,
            code: "project_table".to_string(),
            params: located(p.row, p.column),
            message: p.message(Lang::En),
            message_zh: p.message(Lang::Zh),
        })
        .collect();
    JsonError {
        kind: "inputs".to_string(),
        code: "project_table".to_string(),
        message: e.message(Lang::En),
        message_zh: e.message(Lang::Zh),
        errors,
    }
}

/// A project that does not score, as the JSON layer's error: its table's problems, or the
/// engine's error with the row it concerns (`params.row`) and the located message.
fn project_error(e: ProjectError) -> JsonError {
    let (message, message_zh) = (e.message(Lang::En), e.message(Lang::Zh));
    match e {
        ProjectError::Table(t) => table_error(&t, |p| rows_path(p.row, p.column)),
        ProjectError::Row { row, error } => {
            let mut j = JsonError::from(*error);
            for d in &mut j.errors {
                d.params.extend(located(row, None));
            }
            JsonError {
                message,
                message_zh,
                ..j
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn error(text: &str) -> Value {
        serde_json::from_str::<Value>(text).unwrap()["error"].clone()
    }

    const PROJECT: &str = "mof-project";

    #[test]
    fn the_project_example_scores_93_37_with_its_rows_mapped() {
        let templates: Value = serde_json::from_str(&project_templates_json().unwrap()).unwrap();
        assert_eq!(templates[0]["id"], PROJECT);
        assert_eq!(templates[0]["execution"]["points"], "10");
        assert_eq!(templates[0]["sections"][0]["children"][0], "数量指标");
        assert_eq!(templates[0]["qualitative"][0]["level"], "达成");
        let example = project_example_json(PROJECT).unwrap();
        let out: Value = serde_json::from_str(&score_project_json(PROJECT, &example, "zh").unwrap()).unwrap();
        assert_eq!(out["total"], "93.37");
        assert_eq!(out["grade"], "优");
        // The placeholder row (index 3, 指标4：) is not scored; the next row is 2.2.1.
        let rows = out["rows"].as_array().unwrap();
        assert!(rows.iter().all(|r| r["index"] != 3));
        assert!(rows.iter().any(|r| r["index"] == 4 && r["indicator"] == "2.2.1"));
        assert_eq!(error(&project_example_json("nope").unwrap_err())["kind"], "request");
    }

    #[test]
    fn a_bad_row_is_located_by_row_and_column() {
        let mut project: Value = serde_json::from_str(&project_example_json(PROJECT).unwrap()).unwrap();
        project["rows"][1]["二级指标"] = Value::from("数目指标");
        let e = error(&score_project_json(PROJECT, &project.to_string(), "zh").unwrap_err());
        assert_eq!(e["kind"], "inputs");
        assert_eq!(e["code"], "project_table");
        assert!(
            e["message_zh"].as_str().unwrap().starts_with("第2行“二级指标”："),
            "{e}"
        );
        assert_eq!(e["errors"][0]["path"], "rows[1].二级指标");
        assert_eq!(e["errors"][0]["params"]["row"], "2");
        assert_eq!(e["errors"][0]["params"]["column"], "二级指标");
    }

    #[test]
    fn a_published_csv_table_reads_and_scores() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/tables/projects/农村公路养护工程.csv"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let project = project_from_csv_json(&text).unwrap();
        let read: Value = serde_json::from_str(&project).unwrap();
        assert_eq!(read["info"]["项目名称"], "农村公路养护工程");
        assert_eq!(read["funds"]["全年执行数"], "776");
        let out: Value = serde_json::from_str(&score_project_json(PROJECT, &project, "zh").unwrap()).unwrap();
        assert_eq!(out["total"], "93.37");
        let e = error(&project_from_csv_json("项目名称,x\n").unwrap_err());
        assert_eq!(e["code"], "project_table");
        assert!(e["message_zh"].as_str().unwrap().contains("资金"), "{e}");
    }
}
