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

use jixiao::wire::{self, JsonError, Options, ValidationAnswer};
use jixiao::{IndicatorSystem, Lang, LoadError, Scorer};
use wasm_bindgen::prelude::*;

#[cfg(feature = "files")]
pub mod files;
#[cfg(feature = "project")]
pub mod project;

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

    /// What can be scored of partly given inputs (a form being filled in): the leaves scored,
    /// the ones open with the inputs they wait for, and the sums (see `wire::progress_with`).
    pub fn progress(&self, inputs: &str) -> JsonResult {
        wire::progress_with(self.scorer()?, inputs).map_err(fail)
    }

    /// The bands of the level indicators in points, with each level's default score (see
    /// `wire::level_bands_with`).
    #[wasm_bindgen(js_name = levelBands)]
    pub fn level_bands(&self) -> JsonResult {
        Ok(wire::level_bands_with(self.scorer()?))
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
    fn progress_and_level_bands_are_the_cores() {
        let sys = CompiledSystem::builtin(SEED).unwrap();
        let p: Value = serde_json::from_str(&sys.progress(r#"{"满意度": "95%"}"#).unwrap()).unwrap();
        let leaves = p["leaves"].as_array().unwrap();
        assert!(
            leaves
                .iter()
                .any(|l| l["state"] == "scored" && l["inputs"] == serde_json::json!(["满意度"]))
        );
        assert!(leaves.iter().any(|l| l["state"] == "open"));
        let b: Value = serde_json::from_str(&sys.level_bands().unwrap()).unwrap();
        assert!(b.as_array().unwrap().iter().any(|x| x["input"] == "经济效益"));
        assert_eq!(error(&sys.progress("[]").unwrap_err())["kind"], "request");
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
}
