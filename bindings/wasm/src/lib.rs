//! WebAssembly bindings of jixiao: the engine's JSON layer ([`jixiao::wire`]) exported to
//! JavaScript under camelCase names.
//!
//! Everything crossing the boundary is text: indicator systems (JSON or TOML), inputs and results
//! as JSON, every decimal a string. An error is returned as the JSON layer's error text
//! `{"error": {"kind", "message", "errors": [...]}}`; the package's hand-written ESM entry
//! (`js/index.js`) turns it into a `JixiaoError` subclass, checks that number inputs are safe
//! integers, and parses the results. This crate converts types and maps errors, nothing more: the
//! engine is the only place that knows the rules.
//!
//! The functions are plain Rust on every target, so that the crate's tests run natively.
#![deny(missing_docs)]

use std::cmp::Ordering;
use std::collections::BTreeMap;

use jixiao::project::{self, ProjectError, ProjectErrors, ProjectProblem, ProjectTemplate, ProjectUnit};
use jixiao::wire::{self, ErrorDetail, EvaluationAnswer, JsonError, Options, ValidationAnswer};
use jixiao::{IndicatorSystem, Lang, LoadError, Scorer};
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// The result of a call: JSON text, or the JSON layer's error text.
pub type JsonResult = Result<String, String>;

fn request(message: impl Into<String>) -> JsonError {
    JsonError::request(message)
}

fn fail(e: impl Into<JsonError>) -> String {
    e.into().to_json()
}

fn lang(text: &str) -> Result<Lang, String> {
    text.parse::<Lang>().map_err(|m| fail(request(m)))
}

/// The engine's version (the crate version; the format version is in each system's `format`).
#[wasm_bindgen(js_name = version)]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

/// The built-in systems: `[{id, name, name_en, issuer, region, year}]` as JSON text.
#[wasm_bindgen(js_name = builtinsJson)]
pub fn builtins_json() -> String {
    wire::builtins_json()
}

/// The text (JSON) of a built-in system, or `undefined` for an unknown id.
#[wasm_bindgen(js_name = builtinText)]
pub fn builtin_text(id: &str) -> Option<String> {
    jixiao::builtin(id).map(|b| b.text().to_string())
}

/// The bundled example inputs (JSON text) of a built-in system, or `undefined` for an unknown id.
#[wasm_bindgen(js_name = builtinExample)]
pub fn builtin_example(id: &str) -> Option<String> {
    jixiao::builtin(id).map(|b| b.example().to_string())
}

/// Validates a system text (JSON or TOML): `{"valid": true, "errors": []}` (with `"warnings"`
/// when the system has any) or
/// `{"valid": false, "kind": "syntax" | "validation", "errors": [{path, position?, message}]}`.
#[wasm_bindgen(js_name = validateJson)]
pub fn validate_json(system: &str) -> String {
    wire::validate_json(system)
}

/// Evaluates one unit: system text and inputs JSON in, evaluation JSON out.
#[wasm_bindgen(js_name = evaluateJson)]
pub fn evaluate_json(system: &str, inputs: &str, lang_code: &str) -> JsonResult {
    wire::evaluate_json_lang(system, inputs, lang(lang_code)?).map_err(fail)
}

/// Evaluates a JSON array of units; each element is an evaluation or `{"error": ...}`.
#[wasm_bindgen(js_name = evaluateBatchJson)]
pub fn evaluate_batch_json(system: &str, units: &str, lang_code: &str) -> JsonResult {
    wire::evaluate_batch_json(system, units, lang(lang_code)?).map_err(fail)
}

/// The explanation text of one unit's evaluation.
#[wasm_bindgen(js_name = explainJson)]
pub fn explain_json(system: &str, inputs: &str, lang_code: &str) -> JsonResult {
    wire::explain_json(system, inputs, lang(lang_code)?).map_err(fail)
}

/// Runs one analysis (`what_if`, `compare`, `audit`, `sensitivity` or `target`) described by a
/// JSON request; the result as JSON.
#[wasm_bindgen(js_name = analysisJson)]
pub fn analysis_json(system: &str, request: &str, lang_code: &str) -> JsonResult {
    wire::analysis_json(system, request, lang(lang_code)?).map_err(fail)
}

/// What a form needs: metadata, declared inputs and the indicator rows with their standards.
#[wasm_bindgen(js_name = systemInfoJson)]
pub fn system_info_json(system: &str, lang_code: &str) -> JsonResult {
    wire::system_info_json(system, lang(lang_code)?).map_err(fail)
}

/// A decimal read exactly as the engine reads inputs (`"3,867"`, `"95%"`), normalised (`"0.95"`).
#[wasm_bindgen(js_name = parseDecimal)]
pub fn parse_decimal(text: &str) -> JsonResult {
    jixiao::parse_decimal(text)
        .map(|d| d.normalize().to_string())
        .map_err(fail)
}

/// A decimal as the engine's tables and explanations print it: exact up to four decimal places,
/// else rounded to two (`6.727891…` → `6.73`); the exact value stays in the results.
#[wasm_bindgen(js_name = displayFigure)]
pub fn display_figure(text: &str) -> JsonResult {
    jixiao::parse_decimal(text).map(jixiao::report::figure).map_err(fail)
}

/// Compares two decimals exactly: -1, 0 or 1.
#[wasm_bindgen(js_name = compareDecimals)]
pub fn compare_decimals(a: &str, b: &str) -> Result<i32, String> {
    let a = jixiao::parse_decimal(a).map_err(fail)?;
    let b = jixiao::parse_decimal(b).map_err(fail)?;
    Ok(match a.cmp(&b) {
        Ordering::Less => -1,
        Ordering::Equal => 0,
        Ordering::Greater => 1,
    })
}

/// An indicator system read once and, when valid, compiled once, for evaluating many units.
///
/// A system with validation errors still loads (so that `validate` can list them); evaluating it
/// fails with those errors.
#[wasm_bindgen]
#[derive(Debug)]
pub struct CompiledSystem {
    system: IndicatorSystem,
    scorer: Result<Scorer, JsonError>,
}

#[wasm_bindgen]
impl CompiledSystem {
    /// Reads a system text: `format` is `json`, `toml` or `auto`. Only a syntax error fails here.
    pub fn load(text: &str, format: &str) -> Result<CompiledSystem, String> {
        let system = match format {
            "json" => IndicatorSystem::from_json(text),
            "toml" => IndicatorSystem::from_toml(text),
            "auto" => IndicatorSystem::from_text(text),
            other => {
                return Err(fail(request(format!(
                    "unknown format `{other}` (expected json, toml or auto)"
                ))));
            }
        }
        .map_err(fail)?;
        let scorer = Scorer::new(&system).map_err(|e| JsonError::from(LoadError::from(e)));
        Ok(CompiledSystem { system, scorer })
    }

    /// A built-in system by id.
    pub fn builtin(id: &str) -> Result<CompiledSystem, String> {
        let b = jixiao::builtin(id).ok_or_else(|| {
            let known: Vec<&str> = jixiao::builtins().iter().map(|b| b.id).collect();
            fail(request(format!(
                "no built-in system `{id}` (built-ins: {})",
                known.join(", ")
            )))
        })?;
        CompiledSystem::load(b.text(), "json")
    }

    /// The system's `id`.
    #[wasm_bindgen(getter)]
    pub fn id(&self) -> String {
        self.system.id.clone()
    }

    /// The system's `name`.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.system.name.clone()
    }

    /// `{"valid": true, "errors": []}` (with `"warnings"` when the system has any) or
    /// `{"valid": false, "kind": "validation", "errors": [...]}`.
    pub fn validate(&self) -> String {
        ValidationAnswer::of(self.scorer.as_ref().map_err(Clone::clone)).to_json()
    }

    fn scorer(&self) -> Result<&Scorer, String> {
        self.scorer.as_ref().map_err(JsonError::to_json)
    }

    fn inputs(text: &str) -> Result<jixiao::Inputs, String> {
        wire::inputs_from_json(text).map_err(fail)
    }

    /// Metadata, declared inputs and indicator rows (see `system_info_json`).
    pub fn info(&self, lang_code: &str) -> JsonResult {
        let lang = lang(lang_code)?;
        let scorer = self.scorer()?;
        Ok(wire::SystemInfo::new(scorer.system(), lang).to_json())
    }

    /// Evaluates one unit (inputs as JSON text); evaluation JSON out.
    pub fn evaluate(&self, inputs: &str, lang_code: &str) -> JsonResult {
        let lang = lang(lang_code)?;
        wire::evaluate_with(self.scorer()?, inputs, Options::lang(lang)).map_err(fail)
    }

    /// Scores one unit without explanations (inputs as JSON text): `{"total": "91.73", "grade":
    /// "优秀", "scores": {"1.1.1": "5", ...}}`, every figure a decimal string. The same figures as
    /// `evaluate`, computed by the engine's scores-only path (what a page re-scoring on every
    /// keystroke, or a batch, needs).
    pub fn score(&self, inputs: &str) -> JsonResult {
        wire::score_with(self.scorer()?, inputs).map_err(fail)
    }

    /// Evaluates a JSON array of units in order; each element is an evaluation or `{"error": ...}`.
    #[wasm_bindgen(js_name = evaluateBatch)]
    pub fn evaluate_batch(&self, units: &str, lang_code: &str) -> JsonResult {
        let lang = lang(lang_code)?;
        wire::evaluate_batch_with(self.scorer()?, units, Options::lang(lang)).map_err(fail)
    }

    /// Runs one analysis described by a JSON request (see `analysis_json`).
    pub fn analyze(&self, request: &str, lang_code: &str) -> JsonResult {
        let lang = lang(lang_code)?;
        let request = wire::from_json(request, "the request").map_err(fail)?;
        wire::analysis_text(self.scorer()?, request, lang).map_err(fail)
    }

    /// The explanation text of one unit's evaluation.
    pub fn explain(&self, inputs: &str, lang_code: &str) -> JsonResult {
        let lang = lang(lang_code)?;
        let scorer = self.scorer()?;
        Ok(scorer.evaluate(&Self::inputs(inputs)?).map_err(fail)?.explain(lang))
    }

    /// The filled-in self-evaluation table (自评表) as `text`, `markdown`, `html` or `csv` (as the
    /// `jixiao score` command writes it, without the byte-order mark).
    pub fn report(&self, inputs: &str, format: &str, lang_code: &str) -> JsonResult {
        use jixiao::report::Format;
        let format = match format {
            "text" => Format::Text,
            "markdown" => Format::Markdown,
            "html" => Format::Html,
            "csv" => Format::Csv,
            other => {
                return Err(fail(request(format!(
                    "unknown report format `{other}` (expected text, markdown, html or csv)"
                ))));
            }
        };
        let lang = lang(lang_code)?;
        let scorer = self.scorer()?;
        let e = scorer.evaluate(&Self::inputs(inputs)?).map_err(fail)?;
        Ok(jixiao::report::evaluation_report(scorer.system(), &e, format, lang))
    }

    /// The system in its canonical JSON form.
    #[wasm_bindgen(js_name = toJson)]
    pub fn to_json(&self) -> String {
        self.system.to_json()
    }
}

// ---------------------------------------------------------------------------------------------
// Project self-evaluations (项目支出绩效自评表): a built-in template and the project's own rows

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
/// problem located by the CSV's row (records counted from 1; blank lines are not counted).
#[wasm_bindgen(js_name = projectFromCsvJson)]
pub fn project_from_csv_json(text: &str) -> JsonResult {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut cells = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| fail(request(format!("the CSV text: {e}"))))?;
        cells.push(record.iter().map(str::to_string).collect::<Vec<_>>());
    }
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

    const SEED: &str = "xiangxi-commerce-2019";

    fn error(text: &str) -> Value {
        serde_json::from_str::<Value>(text).unwrap()["error"].clone()
    }

    #[test]
    fn the_seed_scores_91_73_excellent() {
        let sys = CompiledSystem::builtin(SEED).unwrap();
        let out: Value = serde_json::from_str(&sys.evaluate(&builtin_example(SEED).unwrap(), "zh").unwrap()).unwrap();
        assert_eq!(out["total"], "91.73");
        assert_eq!(out["grade"], "优秀");
        // The compiled system answers exactly as the JSON layer does from the text.
        let text = builtin_text(SEED).unwrap();
        let via_text = evaluate_json(&text, &builtin_example(SEED).unwrap(), "zh").unwrap();
        assert_eq!(out, serde_json::from_str::<Value>(&via_text).unwrap());
    }

    #[test]
    fn errors_are_the_json_layers_error_text() {
        let e = error(&CompiledSystem::load("{", "json").unwrap_err());
        assert_eq!(e["kind"], "syntax");
        let e = error(&CompiledSystem::builtin("nope").unwrap_err());
        assert_eq!(e["kind"], "request");
        assert!(e["message"].as_str().unwrap().contains(SEED));
        let sys = CompiledSystem::builtin(SEED).unwrap();
        let e = error(&sys.evaluate("{\"编制数\": \"abc\"}", "zh").unwrap_err());
        assert_eq!(e["kind"], "inputs");
        assert!(
            e["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|x| x["input"] == "编制数" && x["kind"] == "invalid")
        );
        let e = error(&sys.evaluate("{}", "fr").unwrap_err());
        assert_eq!(e["kind"], "request");
        let e = error(&sys.report("{}", "pdf", "zh").unwrap_err());
        assert_eq!(e["kind"], "request");
    }

    #[test]
    fn an_invalid_system_loads_validates_and_refuses_to_evaluate() {
        let text = r#"{"format": 1, "id": "x", "name": "x", "indicators": [{"id": "1", "name": "a", "points": "5"}],
                       "grades": [{"label": "合格"}]}"#;
        let sys = CompiledSystem::load(text, "auto").unwrap();
        let v: Value = serde_json::from_str(&sys.validate()).unwrap();
        assert_eq!(v["valid"], false);
        assert_eq!(v, serde_json::from_str::<Value>(&validate_json(text)).unwrap());
        assert_eq!(error(&sys.evaluate("{}", "zh").unwrap_err())["kind"], "validation");
        assert_eq!(error(&sys.info("zh").unwrap_err())["kind"], "validation");
    }

    #[test]
    fn score_gives_the_figures_of_evaluate() {
        let b = jixiao::builtin(SEED).unwrap();
        let system = CompiledSystem::builtin(SEED).unwrap();
        let scored: Value = serde_json::from_str(&system.score(b.example()).unwrap()).unwrap();
        let full: Value = serde_json::from_str(&system.evaluate(b.example(), "zh").unwrap()).unwrap();
        assert_eq!(scored["total"], "91.73");
        assert_eq!(scored["grade"], "优秀");
        assert_eq!(scored["total"], full["total"]);
        assert_eq!(scored["scores"]["2.1.1"], "2.00");
        assert_eq!(error(&system.score("{}").unwrap_err())["kind"], "inputs");
    }

    #[test]
    fn batch_keeps_every_units_result_in_order() {
        let sys = CompiledSystem::builtin(SEED).unwrap();
        let example = builtin_example(SEED).unwrap();
        let out: Value = serde_json::from_str(
            &sys.evaluate_batch(&format!("[{example}, {{\"编制数\": -1}}, 5]"), "en")
                .unwrap(),
        )
        .unwrap();
        assert_eq!(out[0]["total"], "91.73");
        assert_eq!(out[1]["error"]["kind"], "inputs");
        assert_eq!(out[2]["error"]["kind"], "request");
    }

    #[test]
    fn decimals_are_read_as_the_engine_reads_inputs() {
        assert_eq!(parse_decimal(" 95% ").unwrap(), "0.95");
        assert_eq!(parse_decimal("3,867.50").unwrap(), "3867.5");
        assert_eq!(error(&parse_decimal("abc").unwrap_err())["kind"], "request");
        assert_eq!(compare_decimals("0.1", "10%").unwrap(), 0);
        assert_eq!(compare_decimals("-1", "0").unwrap(), -1);
        assert_eq!(display_figure("6.727891156462585034013605442").unwrap(), "6.73");
        assert_eq!(display_figure("0.1234").unwrap(), "0.1234");
    }

    #[test]
    fn analyses_on_the_compiled_system_equal_the_json_layer() {
        let sys = CompiledSystem::builtin(SEED).unwrap();
        let example = builtin_example(SEED).unwrap();
        let request = format!(r#"{{"what_if": {{"inputs": {example}, "changes": {{"满意度": "80%"}}}}}}"#);
        let out = sys.analyze(&request, "zh").unwrap();
        assert_eq!(
            out,
            analysis_json(&builtin_text(SEED).unwrap(), &request, "zh").unwrap()
        );
        let out: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(out["total_a"], "91.73");
        assert_eq!(error(&sys.analyze("[]", "zh").unwrap_err())["kind"], "request");
    }

    #[test]
    fn reports_and_info() {
        let sys = CompiledSystem::builtin(SEED).unwrap();
        let example = builtin_example(SEED).unwrap();
        let csv = sys.report(&example, "csv", "zh").unwrap();
        assert!(csv.contains("91.73"), "{csv}");
        let info: Value = serde_json::from_str(&sys.info("zh").unwrap()).unwrap();
        assert_eq!(info["id"], SEED);
        assert!(info["inputs"].as_array().unwrap().len() > 10);
        assert_eq!(sys.id(), SEED);
        assert!(sys.explain(&example, "zh").unwrap().contains("91.73"));
        assert!(sys.to_json().contains(SEED));
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
