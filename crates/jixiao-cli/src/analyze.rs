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
            .ok_or_else(|| crate::example_needs_builtin(system))?
            .example_inputs()
            .map_err(|e| {
                Fail::say(
                    format!("内置体系“{system}”的示例：{e}"),
                    format!("built-in `{system}` example: {e}"),
                )
            })?,
        (Some(path), false) => unit::read(path, &scorer)?,
        (None, false) => {
            return Err(Fail::say(
                "请用 --input 文件 给出基础数据，或用 --example 计算内置示例",
                "give --input FILE or --example",
            ));
        }
    };
    Ok((s, scorer, inputs))
}

fn decimal(text: &str, what: &str) -> Result<Decimal> {
    jixiao::parse_decimal(text).map_err(|m| {
        Fail::say(
            format!("{what}：{}", m.message(jixiao::Lang::Zh)),
            format!("{what}: {}", m.message(jixiao::Lang::En)),
        )
    })
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
        let (name, value) = s.split_once(['=', '＝']).ok_or_else(|| {
            Fail::say(
                format!("--set “{s}”：应写作 名称=数值，如 --set 本年追加=300"),
                format!("--set `{s}`: expected NAME=VALUE, e.g. --set 本年追加=300"),
            )
        })?;
        let name = name.trim();
        if !scorer.input_names().any(|n| n == name) {
            let id = &scorer.system().id;
            return Err(Fail::say(
                format!("--set “{s}”：“{name}”不是评价体系“{id}”的基础数据项"),
                format!("--set `{s}`: `{name}` is not a declared input of `{id}`"),
            ));
        }
        out.set(name, InputValue::Text(value.trim().to_string()));
    }
    if out.values.is_empty() {
        return Err(Fail::say(
            "请至少用一个 --set 名称=数值 给出要变动的数据",
            "give at least one --set NAME=VALUE",
        ));
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
    let c = scorer
        .what_if(inputs, &changes)
        .map_err(|e| Fail::new(e.message(crate::message_lang())))?;
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
    let failed = |arg: &str, e: jixiao::EvalError| {
        Fail::new(format!(
            "{arg}{}{}",
            crate::tr("：", ": "),
            e.message(crate::message_lang())
        ))
    };
    let ea = scorer.evaluate(a).map_err(|e| failed("--input", e))?;
    let eb = scorer.evaluate(b).map_err(|e| failed("--with", e))?;
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
        return Err(Fail::say(
            "请用 --from 和 --to 给出变动范围",
            "give the range with --from and --to",
        ));
    };
    let resolution = v.resolution.map(|r| decimal(r, "--resolution")).transpose()?;
    let (from_value, to_value) = (decimal(from, "--from")?, decimal(to, "--to")?);
    let s = scorer
        .sensitivity(inputs, v.input, from_value, to_value, resolution)
        .map_err(|e| Fail::new(e.message(crate::message_lang())))?;
    match format {
        AnalysisFormat::Json => json_out(&wire::SensitivityAnswer::new(&s, lang), out)?,
        AnalysisFormat::Text => emit(out, &format!("{}\n", s.explain(lang)))?,
    }
    Ok(0)
}

/// Parses `--goal total=90`, `--goal grade=优`, `--goal 2.1.1=5`.
pub fn goal(text: &str) -> Result<Goal> {
    let (k, v) = text.split_once(['=', '＝']).ok_or_else(|| {
        Fail::say(
            format!("--goal “{text}”：应写作 total=90、grade=优 或 指标编号=分数"),
            format!("--goal `{text}`: expected total=90, grade=优 or INDICATOR_ID=score"),
        )
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
        _ => {
            return Err(Fail::say(
                "--from 和 --to 须同时给出或同时不给",
                "give both --from and --to, or neither",
            ));
        }
    };
    let resolution = v.resolution.map(|r| decimal(r, "--resolution")).transpose()?;
    let t = scorer
        .target(inputs, v.input, &g, range, resolution)
        .map_err(|e| Fail::new(e.message(crate::message_lang())))?;
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
        jixiao::wire::from_json(&text, &file).map_err(|e| Fail::say(e.message_zh, e.message))?;
    if request.scores.is_empty() && request.total.is_none() && request.grade.is_none() {
        return Err(Fail::say(
            format!("{file}：没有自评结果（应有 scores、total 或 grade）"),
            format!("{file}: no claims (expected `scores`, `total` and/or `grade`)"),
        ));
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
    let audit = scorer
        .audit(inputs, &claims)
        .map_err(|e| Fail::new(e.message(crate::message_lang())))?;
    write_audit(system, &audit, &claims, None, format, lang, out)
}

/// A project's table (项目支出绩效自评表) reviewed with its built-in template: each row's 得分, the
/// execution score, 总分 and 等次 against the project's figures, and the rows below their target
/// without a 偏差原因.
pub fn audit_project(
    name: &str,
    input: &Path,
    format: AnalysisFormat,
    lang: Lang,
    out: &Option<PathBuf>,
) -> Result<u8> {
    let (template, _) = crate::project::template(name).ok_or_else(|| Fail::new(name.to_string()))??;
    let mut read = crate::project::read_all(input)?;
    if input.is_dir() || read.len() != 1 {
        return audit_project_folder(&template, read, lang, out);
    }
    let file = input.display().to_string();
    let unit = match read.pop().map(|r| r.unit) {
        Some(Ok(u)) => u,
        Some(Err(m)) => return Err(Fail::new(format!("{file}{}{m}", crate::tr("：", ": ")))),
        None => return Err(Fail::new(file)),
    };
    let review = template.audit(&unit).map_err(|e| {
        Fail::new(format!(
            "{file}{}{}",
            crate::tr("：", ": "),
            e.message(crate::message_lang())
        ))
    })?;
    write_audit(
        &review.scored.project.system,
        &review.audit,
        &review.claims,
        Some(&review.findings),
        format,
        lang,
        out,
    )
}

/// A finding as a reviewer's sheet lists it: 行, 类别, 指标, 自评, 复核, 问题.
fn finding_cells(f: &jixiao::project::ProjectFinding, lang: Lang) -> Vec<String> {
    vec![
        f.row.map(|r| r.to_string()).unwrap_or_default(),
        f.kind(lang).to_string(),
        f.name.clone().unwrap_or_default(),
        f.claimed.clone().unwrap_or_default(),
        f.computed.clone().unwrap_or_default(),
        f.message(lang),
    ]
}

/// A project's audit as JSON: the engine's audit and what a reviewer finds, row by row.
#[derive(serde::Serialize)]
struct ProjectAuditAnswer<'a> {
    #[serde(flatten)]
    audit: wire::AuditAnswer<'a>,
    findings: &'a [jixiao::project::ProjectFinding],
}

/// Writes an audit: the review table (复核表) in the format of `--out`, else its text or JSON.
/// A project's `findings` (row by row, with the ones beside the claims) replace the text's lines
/// and join the JSON. Exit status 1 when anything was found.
fn write_audit(
    system: &jixiao::IndicatorSystem,
    audit: &jixiao::analysis::Audit,
    claims: &jixiao::analysis::Claims,
    findings: Option<&[jixiao::project::ProjectFinding]>,
    format: AnalysisFormat,
    lang: Lang,
    out: &Option<PathBuf>,
) -> Result<u8> {
    let report = |f| jixiao::report::review_report(system, audit, claims.total, claims.grade.as_deref(), f, lang);
    let zh = lang == Lang::Zh;
    // A project's findings follow its review table: as a list in a document, as a sheet in a workbook.
    let listed = |bullet: &str| -> String {
        match findings.filter(|f| !f.is_empty()) {
            None => String::new(),
            Some(f) => {
                let head = if zh { "复核发现的问题" } else { "Findings" };
                let lines: Vec<String> = f.iter().map(|f| format!("{bullet}{}", f.message(lang))).collect();
                format!("\n{head}\n\n{}\n", lines.join("\n"))
            }
        }
    };
    let kind = out.as_deref().map(extension).unwrap_or_default();
    match (kind.as_str(), out) {
        ("md" | "markdown", Some(_)) => emit(
            out,
            &format!("{}{}", report(jixiao::report::Format::Markdown), listed("- ")),
        )?,
        ("html" | "htm", Some(_)) => {
            let page = report(jixiao::report::Format::Html);
            let list = match findings.filter(|f| !f.is_empty()) {
                None => String::new(),
                Some(f) => {
                    let items: Vec<String> = f
                        .iter()
                        .map(|f| format!("<li>{}</li>", jixiao::report::esc(&f.message(lang))))
                        .collect();
                    let head = if zh { "复核发现的问题" } else { "Findings" };
                    format!("<h2>{head}</h2>\n<ul>\n{}\n</ul>\n", items.join("\n"))
                }
            };
            emit(out, &page.replacen("</body>", &format!("{list}</body>"), 1))?
        }
        ("csv", Some(_)) => emit(out, &format!("\u{feff}{}", report(jixiao::report::Format::Csv)))?,
        ("txt", Some(_)) => emit(out, &format!("{}{}", report(jixiao::report::Format::Text), listed("")))?,
        ("xlsx", Some(path)) => {
            let (header, rows) =
                jixiao::report::review_table(system, audit, claims.total, claims.grade.as_deref(), lang);
            match findings {
                None => crate::xlsx::write_table(path, &system.name, &header, &rows)?,
                Some(f) => {
                    let head: Vec<String> = if zh {
                        ["行", "类别", "指标", "自评", "复核", "问题"]
                    } else {
                        ["row", "kind", "indicator", "claimed", "reviewed", "finding"]
                    }
                    .iter()
                    .map(|s| s.to_string())
                    .collect();
                    let found: Vec<Vec<String>> = f.iter().map(|f| finding_cells(f, lang)).collect();
                    let (a, b) = if zh {
                        ("复核表", "问题")
                    } else {
                        ("review", "findings")
                    };
                    let bytes = jixiao::xlsx::tables_workbook(&[(a, &header, &rows), (b, &head, &found)])
                        .map_err(|e| crate::cannot_write(path, &e))?;
                    std::fs::write(path, bytes).map_err(|e| crate::cannot_write(path, &e))?;
                }
            }
        }
        _ => match format {
            AnalysisFormat::Json => match findings {
                Some(findings) => json_out(
                    &ProjectAuditAnswer {
                        audit: wire::AuditAnswer::new(audit, lang),
                        findings,
                    },
                    out,
                )?,
                None => json_out(&wire::AuditAnswer::new(audit, lang), out)?,
            },
            AnalysisFormat::Text => {
                // Claims that follow from the figures are said first; a project's findings
                // (the claims that do not, by row, and what is found beside them) follow.
                let mut lines: Vec<String> = Vec::new();
                if audit.discrepancies.is_empty() || findings.is_none() {
                    lines.push(audit.explain(lang));
                }
                lines.extend(findings.unwrap_or_default().iter().map(|f| f.message(lang).to_string()));
                let text = lines.join("\n");
                emit(out, &format!("{text}\n"))?;
            }
        },
    }
    Ok(
        if audit.discrepancies.is_empty() && findings.is_none_or(<[_]>::is_empty) {
            0
        } else {
            1
        },
    )
}

fn read_table(path: &Path) -> Result<unit::Table> {
    let file = path.display().to_string();
    match extension(path).as_str() {
        "csv" => unit::read_csv_rows(path),
        "xlsx" | "xlsm" | "xls" | "ods" => crate::xlsx::read_rows(path),
        other => Err(Fail::say(
            format!("{file}：不支持的表格文件类型“.{other}”（可用 .csv 或 .xlsx）"),
            format!("{file}: unknown table format `.{other}` (expected .csv or .xlsx)"),
        )),
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
            let id = &system.id;
            Fail::say(
                format!("{file}：前10行中没有列出评价体系“{id}”基础数据项名称的表头行"),
                format!("{file}: no header row naming the inputs of `{id}` in the first 10 rows"),
            )
        })?;
    let header = rows.get(header_at).cloned().unwrap_or_default();
    let options = jixiao::inputs::table::TableOptions::new(id_column, ignore).with_claims();
    let columns = unit::map_columns_with(&header, scorer, &options, &file)?;
    let claim_cols = &columns.claim_scores;
    let (total_col, grade_col) = (columns.claim_total, columns.claim_grade);
    if claim_cols.is_empty() && total_col.is_none() && grade_col.is_none() {
        return Err(Fail::say(
            format!(
                "{file}：没有自评得分列；自评得分列请以指标编号命名（“2.1.1”或“2.1.1 预算完成率”），另有“总分”“等次”"
            ),
            format!(
                "{file}: no claimed scores: name claim columns by indicator id (`2.1.1` or `2.1.1 预算完成率`), 总分 and 等次"
            ),
        ));
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
                    Err(m) => {
                        problem = Some(crate::tr(
                            format!("{id}的自评得分：{}", m.message(jixiao::Lang::Zh)),
                            format!("claimed score of {id}: {}", m.message(jixiao::Lang::En)),
                        ));
                    }
                }
            }
        }
        if let Some(cell) = total_col.and_then(|i| row.get(i)).filter(|c| !c.trim().is_empty()) {
            match jixiao::parse_decimal(cell) {
                Ok(d) => claims.total = Some(d),
                Err(m) => {
                    problem = Some(crate::tr(
                        format!("自评总分：{}", m.message(jixiao::Lang::Zh)),
                        format!("claimed total: {}", m.message(jixiao::Lang::En)),
                    ));
                }
            }
        }
        claims.grade = grade_col
            .and_then(|i| row.get(i))
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        let result = match problem {
            Some(p) => Err(p),
            None => scorer
                .audit(&inputs, &claims)
                .map_err(|e| e.message(crate::message_lang())),
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
                eprintln!(
                    "{}",
                    crate::tr(
                        format!("{file} 第{row_no}行（{unit_id}）：{message}"),
                        format!("{file} row {row_no} ({unit_id}): {message}"),
                    )
                );
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
            std::fs::write(out, text).map_err(|e| crate::cannot_write(out, &e))?;
        }
        "xlsx" => crate::xlsx::write_table(out, if zh { "复核" } else { "audit" }, &head, &body)?,
        other => {
            let file = out.display();
            return Err(Fail::say(
                format!("{file}：不支持的输出文件类型“.{other}”（可用 .csv 或 .xlsx）"),
                format!("{file}: unknown output format `.{other}` (expected .csv or .xlsx)"),
            ));
        }
    }
    let (n, out) = (body.len(), out.display());
    eprintln!(
        "{}",
        crate::tr(
            format!("已复核{n}个单位：{flagged}个与基础数据不符，{failed}个未能复核 → {out}"),
            format!("{n} units audited: {flagged} with discrepancies, {failed} failed → {out}"),
        )
    );
    Ok(if flagged + failed > 0 { 1 } else { 0 })
}

/// A folder of project tables (.json, .csv, .xlsx) reviewed one by one: the reviewer's workbook
/// (`--out`, .xlsx) has a sheet of projects (computed and claimed totals and grades, how many
/// findings, or why the table could not be read) and a sheet of every finding. A table that cannot
/// be read is a finding of its own; the others are reviewed. Exit status 1 when anything was found.
fn audit_project_folder(
    template: &jixiao::project::ProjectTemplate,
    read: Vec<crate::project::Read>,
    lang: Lang,
    out: &Option<PathBuf>,
) -> Result<u8> {
    let zh = lang == Lang::Zh;
    let Some(out) = out.as_ref().filter(|o| extension(o) == "xlsx") else {
        return Err(Fail::say(
            "复核多个项目（一个文件夹或一张长表），请用 --out 复核汇总.xlsx 指定汇总工作簿",
            "several projects (a folder or a long table) need --out SUMMARY.xlsx",
        ));
    };
    let mut projects = Vec::new();
    let mut findings = Vec::new();
    let mut flagged = 0;
    let n = read.len();
    for crate::project::Read { file, name, unit } in read {
        let reviewed = unit.and_then(|unit| {
            let review = template.audit(&unit).map_err(|e| e.message(crate::message_lang()))?;
            Ok((unit, review))
        });
        match reviewed {
            Ok((unit, review)) => {
                let project = unit.info.get("项目名称").cloned().unwrap_or_else(|| name.clone());
                if !review.findings.is_empty() {
                    flagged += 1;
                }
                let e = &review.scored.evaluation;
                projects.push(vec![
                    file.clone(),
                    project.clone(),
                    jixiao::report::stated(e.total),
                    unit.total
                        .map(|t| jixiao::report::figure(t.value()))
                        .unwrap_or_default(),
                    e.grade.to_string(),
                    unit.grade.clone().unwrap_or_default(),
                    review.findings.len().to_string(),
                    String::new(),
                ]);
                findings.extend(review.findings.iter().map(|f| {
                    let mut cells = vec![file.clone(), project.clone()];
                    cells.extend(finding_cells(f, lang));
                    cells
                }));
            }
            Err(message) => {
                flagged += 1;
                projects.push(vec![
                    file.clone(),
                    name.clone(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    message.clone(),
                ]);
                findings.push(vec![
                    file.clone(),
                    name.clone(),
                    String::new(),
                    (if zh { "无法复核" } else { "cannot be reviewed" }).to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    message,
                ]);
            }
        }
    }
    let heads = |zh_h: &[&str], en_h: &[&str]| -> Vec<String> {
        (if zh { zh_h } else { en_h }).iter().map(|s| s.to_string()).collect()
    };
    let project_head = heads(
        &[
            "文件",
            "项目名称",
            "复核总分",
            "自评总分",
            "复核等次",
            "自评等次",
            "发现问题数",
            "无法复核的原因",
        ],
        &[
            "file",
            "project",
            "reviewed total",
            "claimed total",
            "reviewed grade",
            "claimed grade",
            "findings",
            "why it cannot be reviewed",
        ],
    );
    let finding_head = heads(
        &["文件", "项目名称", "行", "类别", "指标", "自评", "复核", "问题"],
        &[
            "file",
            "project",
            "row",
            "kind",
            "indicator",
            "claimed",
            "reviewed",
            "finding",
        ],
    );
    let (a, b) = if zh {
        ("项目", "问题")
    } else {
        ("projects", "findings")
    };
    let bytes = jixiao::xlsx::tables_workbook(&[(a, &project_head, &projects), (b, &finding_head, &findings)])
        .map_err(|e| crate::cannot_write(out, &e))?;
    std::fs::write(out, bytes).map_err(|e| crate::cannot_write(out, &e))?;
    let shown = out.display();
    eprintln!(
        "{}",
        crate::tr(
            format!("已复核{n}个项目表：{flagged}个发现问题 → {shown}"),
            format!("{n} project tables reviewed: {flagged} with findings → {shown}"),
        )
    );
    Ok(if flagged > 0 { 1 } else { 0 })
}
