//! The analysis subcommands: whatif, compare, sensitivity, target and audit (one unit or a table).

use std::path::{Path, PathBuf};

use jixiao::analysis::{Claims, Goal};
use jixiao::wire;
use jixiao::{Decimal, InputValue, Inputs, Lang, Scorer};

use crate::unit::{self, extension, inputs_from_row};
use crate::{Fail, Result, emit, load_system};

/// Output formats of the analysis subcommands.
#[derive(Debug, Clone, Copy, clap::ValueEnum, PartialEq, Eq)]
pub enum AnalysisFormat {
    /// Sentences for people.
    Text,
    /// The JSON layer's result (figures as decimal strings).
    Json,
}

/// The unit to analyse: `--input FILE` or a built-in's `--example`.
pub fn base_inputs(
    system: &str,
    input: Option<&Path>,
    example: bool,
) -> Result<(jixiao::IndicatorSystem, Scorer, Inputs)> {
    let (s, scorer, builtin) = load_system(system)?;
    let inputs = match (input, example) {
        (_, true) => builtin
            .ok_or_else(|| Fail::new(format!("--example needs a built-in system; `{system}` is a file")))?
            .example_inputs()
            .map_err(|e| Fail::new(format!("built-in `{system}` example: {e}")))?,
        (Some(path), false) => unit::read(path, &scorer)?,
        (None, false) => return Err(Fail::new("give --input FILE or --example")),
    };
    Ok((s, scorer, inputs))
}

fn decimal(text: &str, what: &str) -> Result<Decimal> {
    jixiao::parse_decimal(text).map_err(|m| Fail::new(format!("{what}: {m}")))
}

/// An analysis answer as the JSON layer writes it (`jixiao::wire`), pretty-printed.
fn json_out<T: serde::Serialize>(answer: &T, out: &Option<PathBuf>) -> Result<()> {
    let text = serde_json::to_string_pretty(answer).map_err(|e| Fail::new(e.to_string()))?;
    emit(out, &format!("{text}\n"))
}

/// `--set 名称=值` pairs.
pub fn changes(sets: &[String], scorer: &Scorer) -> Result<Inputs> {
    let mut out = Inputs::new();
    for s in sets {
        let (name, value) = s
            .split_once(['=', '＝'])
            .ok_or_else(|| Fail::new(format!("--set `{s}`: expected NAME=VALUE, e.g. --set 本年追加=300")))?;
        let name = name.trim();
        if !scorer.input_names().any(|n| n == name) {
            return Err(Fail::new(format!(
                "--set `{s}`: `{name}` is not a declared input of `{}`",
                scorer.system().id
            )));
        }
        out.set(name, InputValue::Text(value.trim().to_string()));
    }
    if out.values.is_empty() {
        return Err(Fail::new("give at least one --set NAME=VALUE"));
    }
    Ok(out)
}

/// `jixiao whatif`.
pub fn whatif(
    scorer: &Scorer,
    inputs: &Inputs,
    sets: &[String],
    format: AnalysisFormat,
    lang: Lang,
    out: &Option<PathBuf>,
) -> Result<u8> {
    let changes = changes(sets, scorer)?;
    let c = scorer.what_if(inputs, &changes).map_err(|e| Fail::new(e.to_string()))?;
    match format {
        AnalysisFormat::Json => json_out(&wire::ComparisonAnswer::new(&c, lang), out)?,
        AnalysisFormat::Text => emit(out, &format!("{}\n", c.explain(lang)))?,
    }
    Ok(0)
}

/// `jixiao compare`.
pub fn compare(
    scorer: &Scorer,
    a: &Inputs,
    b: &Inputs,
    format: AnalysisFormat,
    lang: Lang,
    out: &Option<PathBuf>,
) -> Result<u8> {
    let ea = scorer.evaluate(a).map_err(|e| Fail::new(format!("--input: {e}")))?;
    let eb = scorer.evaluate(b).map_err(|e| Fail::new(format!("--with: {e}")))?;
    let c = jixiao::analysis::Comparison::new(ea, eb);
    match format {
        AnalysisFormat::Json => json_out(&wire::ComparisonAnswer::new(&c, lang), out)?,
        AnalysisFormat::Text => emit(out, &format!("{}\n", c.explain(lang)))?,
    }
    Ok(0)
}

/// What `jixiao sensitivity` and `jixiao target` vary.
pub struct Vary<'a> {
    /// The input.
    pub input: &'a str,
    /// Range start.
    pub from: Option<&'a str>,
    /// Range end.
    pub to: Option<&'a str>,
    /// Resolution.
    pub resolution: Option<&'a str>,
}

/// `jixiao sensitivity`.
pub fn sensitivity(
    scorer: &Scorer,
    inputs: &Inputs,
    v: &Vary<'_>,
    format: AnalysisFormat,
    lang: Lang,
    out: &Option<PathBuf>,
) -> Result<u8> {
    let (Some(from), Some(to)) = (v.from, v.to) else {
        return Err(Fail::new("give the range with --from and --to"));
    };
    let resolution = v.resolution.map(|r| decimal(r, "--resolution")).transpose()?;
    let (from_value, to_value) = (decimal(from, "--from")?, decimal(to, "--to")?);
    let s = scorer
        .sensitivity(inputs, v.input, from_value, to_value, resolution)
        .map_err(|e| Fail::new(e.to_string()))?;
    match format {
        AnalysisFormat::Json => json_out(&wire::SensitivityAnswer::new(&s, lang), out)?,
        AnalysisFormat::Text => emit(out, &format!("{}\n", s.explain(lang)))?,
    }
    Ok(0)
}

/// Parses `--goal total=90`, `--goal grade=优`, `--goal 2.1.1=5`.
pub fn goal(text: &str) -> Result<Goal> {
    let (k, v) = text.split_once(['=', '＝']).ok_or_else(|| {
        Fail::new(format!(
            "--goal `{text}`: expected total=90, grade=优 or INDICATOR_ID=score"
        ))
    })?;
    Ok(match k.trim() {
        "total" | "总分" | "综合得分" => Goal::Total(decimal(v, "--goal total")?),
        "grade" | "等次" | "评价等次" => Goal::Grade(v.trim().to_string()),
        id => Goal::Indicator {
            id: id.to_string(),
            score: decimal(v, "--goal")?,
        },
    })
}

/// `jixiao target`.
pub fn target(
    scorer: &Scorer,
    inputs: &Inputs,
    v: &Vary<'_>,
    goal_text: &str,
    format: AnalysisFormat,
    lang: Lang,
    out: &Option<PathBuf>,
) -> Result<u8> {
    let g = goal(goal_text)?;
    let range = match (v.from, v.to) {
        (Some(a), Some(b)) => Some((decimal(a, "--from")?, decimal(b, "--to")?)),
        (None, None) => None,
        _ => return Err(Fail::new("give both --from and --to, or neither")),
    };
    let resolution = v.resolution.map(|r| decimal(r, "--resolution")).transpose()?;
    let t = scorer
        .target(inputs, v.input, &g, range, resolution)
        .map_err(|e| Fail::new(e.to_string()))?;
    match format {
        // The JSON answer says whether the goal is reachable (`required`, `unreachable`).
        AnalysisFormat::Json => {
            json_out(&wire::TargetAnswer::new(&t, lang), out)?;
            Ok(0)
        }
        AnalysisFormat::Text => {
            emit(out, &format!("{}\n", t.explain(lang)))?;
            Ok(if t.required.is_some() { 0 } else { 1 })
        }
    }
}

fn claims_from_json(path: &Path) -> Result<Claims> {
    let file = path.display().to_string();
    let text = crate::read_text(path)?;
    let request: jixiao::wire::ClaimsRequest =
        jixiao::wire::from_json(&text, &file).map_err(|e| Fail::new(e.message))?;
    if request.scores.is_empty() && request.total.is_none() && request.grade.is_none() {
        return Err(Fail::new(format!(
            "{file}: no claims (expected `scores`, `total` and/or `grade`)"
        )));
    }
    let claims = Claims::from(request);
    Ok(claims)
}

/// `jixiao audit` of one unit: the discrepancies as text or JSON, or with `--out` a review table
/// (复核表: 自评 and 复核 score of every indicator, the difference, the 复核意见) in the file's
/// format (.md, .html, .csv, .xlsx, or .txt).
pub fn audit_one(
    system: &jixiao::IndicatorSystem,
    scorer: &Scorer,
    inputs: &Inputs,
    claims: &Path,
    format: AnalysisFormat,
    lang: Lang,
    out: &Option<PathBuf>,
) -> Result<u8> {
    let claims = claims_from_json(claims)?;
    let audit = scorer.audit(inputs, &claims).map_err(|e| Fail::new(e.to_string()))?;
    let report = |f| jixiao::report::review_report(system, &audit, claims.total, claims.grade.as_deref(), f, lang);
    let kind = out.as_deref().map(extension).unwrap_or_default();
    match (kind.as_str(), out) {
        ("md" | "markdown", Some(_)) => emit(out, &report(jixiao::report::Format::Markdown))?,
        ("html" | "htm", Some(_)) => emit(out, &report(jixiao::report::Format::Html))?,
        ("csv", Some(_)) => emit(out, &format!("\u{feff}{}", report(jixiao::report::Format::Csv)))?,
        ("txt", Some(_)) => emit(out, &report(jixiao::report::Format::Text))?,
        ("xlsx", Some(path)) => {
            let (header, rows) =
                jixiao::report::review_table(system, &audit, claims.total, claims.grade.as_deref(), lang);
            crate::xlsx::write_table(path, &system.name, &header, &rows)?;
        }
        _ => match format {
            AnalysisFormat::Json => json_out(&wire::AuditAnswer::new(&audit, lang), out)?,
            AnalysisFormat::Text => emit(out, &format!("{}\n", audit.explain(lang)))?,
        },
    }
    Ok(if audit.discrepancies.is_empty() { 0 } else { 1 })
}

fn read_table(path: &Path) -> Result<unit::Table> {
    let file = path.display().to_string();
    match extension(path).as_str() {
        "csv" => unit::read_csv_rows(path),
        "xlsx" | "xlsm" | "xls" | "ods" => crate::xlsx::read_rows(path),
        other => Err(Fail::new(format!(
            "{file}: unknown table format `.{other}` (expected .csv or .xlsx)"
        ))),
    }
}

/// `jixiao audit` of a table: one unit per row, its input columns and its claimed scores
/// (columns named by indicator id, as `jixiao batch` writes them, plus 总分 and 等次).
pub fn audit_table(
    system: &jixiao::IndicatorSystem,
    scorer: &Scorer,
    input: &Path,
    out: &Path,
    id_column: Option<&str>,
    ignore: &[String],
    lang: Lang,
) -> Result<u8> {
    let file = input.display().to_string();
    let sheet = read_table(input)?;
    let rows = &sheet.rows;
    let header_at = rows
        .iter()
        .take(10)
        .position(|r| r.iter().filter(|c| unit::names_input(c, scorer)).count() >= 2)
        .ok_or_else(|| {
            Fail::new(format!(
                "{file}: no header row naming the inputs of `{}` in the first 10 rows",
                system.id
            ))
        })?;
    let header = rows.get(header_at).cloned().unwrap_or_default();
    let options = jixiao::inputs::table::TableOptions::new(id_column, ignore).with_claims();
    let columns = unit::map_columns_with(&header, scorer, &options, &file)?;
    let claim_cols = &columns.claim_scores;
    let (total_col, grade_col) = (columns.claim_total, columns.claim_grade);
    if claim_cols.is_empty() && total_col.is_none() && grade_col.is_none() {
        return Err(Fail::new(format!(
            "{file}: no claimed scores: name claim columns by indicator id (`2.1.1` or `2.1.1 预算完成率`), 总分 and 等次"
        )));
    }
    let zh = lang == Lang::Zh;
    let mut table: Vec<Vec<String>> = vec![
        if zh {
            ["行号", "单位", "核算总分", "核算等次", "不符项数", "不符明细", "错误"]
        } else {
            [
                "row",
                "unit",
                "computed total",
                "computed grade",
                "discrepancies",
                "details",
                "error",
            ]
        }
        .iter()
        .map(|s| s.to_string())
        .collect(),
    ];
    let (mut flagged, mut failed) = (0usize, 0usize);
    for (n, row) in rows.iter().enumerate().skip(header_at + 1) {
        if row.iter().all(|c| c.trim().is_empty())
            && sheet
                .row_problem(n, Some(header_at), |c| unit::column_is_read(&columns, c))
                .is_none()
        {
            continue;
        }
        let row_no = n + 1;
        let unit_id = columns
            .unit
            .and_then(|i| row.get(i))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| row_no.to_string());
        let inputs = inputs_from_row(&columns, row);
        let mut claims = Claims::default();
        let mut problem = sheet.row_problem(n, Some(header_at), |c| unit::column_is_read(&columns, c));
        for (i, id) in claim_cols {
            if let Some(cell) = row.get(*i).filter(|c| !c.trim().is_empty()) {
                match jixiao::parse_decimal(cell) {
                    Ok(d) => {
                        claims.scores.insert(id.clone(), d);
                    }
                    Err(m) => problem = Some(format!("claimed score of {id}: {m}")),
                }
            }
        }
        if let Some(cell) = total_col.and_then(|i| row.get(i)).filter(|c| !c.trim().is_empty()) {
            match jixiao::parse_decimal(cell) {
                Ok(d) => claims.total = Some(d),
                Err(m) => problem = Some(format!("claimed total: {m}")),
            }
        }
        claims.grade = grade_col
            .and_then(|i| row.get(i))
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        let result = match problem {
            Some(p) => Err(p),
            None => scorer.audit(&inputs, &claims).map_err(|e| e.to_string()),
        };
        let line = match result {
            Ok(a) => {
                if !a.discrepancies.is_empty() {
                    flagged += 1;
                }
                let details = a.explain(lang).lines().collect::<Vec<_>>().join("；");
                vec![
                    row_no.to_string(),
                    unit_id,
                    a.evaluation.total.to_string(),
                    a.evaluation.grade.to_string(),
                    a.discrepancies.len().to_string(),
                    if a.discrepancies.is_empty() {
                        String::new()
                    } else {
                        details
                    },
                    String::new(),
                ]
            }
            Err(message) => {
                failed += 1;
                eprintln!("{file} row {row_no} ({unit_id}): {message}");
                vec![
                    row_no.to_string(),
                    unit_id,
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    message,
                ]
            }
        };
        table.push(line);
    }
    let (head, body) = table
        .split_first()
        .map(|(h, b)| (h.clone(), b.to_vec()))
        .unwrap_or_default();
    match extension(out).as_str() {
        "csv" => {
            let mut w = csv::Writer::from_writer(Vec::new());
            for r in std::iter::once(&head).chain(body.iter()) {
                w.write_record(r).map_err(|e| Fail::new(e.to_string()))?;
            }
            let bytes = w.into_inner().map_err(|e| Fail::new(e.to_string()))?;
            let text = format!("\u{feff}{}", String::from_utf8_lossy(&bytes));
            std::fs::write(out, text).map_err(|e| Fail::new(format!("{}: cannot write: {e}", out.display())))?;
        }
        "xlsx" => crate::xlsx::write_table(out, if zh { "复核" } else { "audit" }, &head, &body)?,
        other => {
            return Err(Fail::new(format!(
                "{}: unknown output format `.{other}` (expected .csv or .xlsx)",
                out.display()
            )));
        }
    }
    eprintln!(
        "{} units audited: {flagged} with discrepancies, {failed} failed → {}",
        body.len(),
        out.display()
    );
    Ok(if flagged + failed > 0 { 1 } else { 0 })
}
