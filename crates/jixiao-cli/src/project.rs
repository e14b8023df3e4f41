//! Project self-evaluations (项目支出绩效自评表) from files: a template (built-in or a file), and
//! projects read from JSON, published tables (.csv, .xlsx, .xls, .ods, .html) and long tables of
//! many projects, alone or in a folder.

use std::path::{Path, PathBuf};

use jixiao::Lang;
use jixiao::project::{ProjectTemplate, ProjectUnit};

use crate::{Fail, Result, message_lang, read_text, tr, unit, xlsx};

/// A project template and its bundled example: a built-in id, or a template file (JSON with
/// `sections` and `execution`, see `crates/jixiao/templates`).
pub fn template(name: &str) -> Option<Result<(ProjectTemplate, Option<ProjectUnit>)>> {
    if let Some(t) = jixiao::project::builtin(name) {
        return Some(t.map(|(t, u)| (t, Some(u))).map_err(|e| {
            Fail::say(
                format!("内置项目模板“{name}”：{e}"),
                format!("built-in template `{name}`: {e}"),
            )
        }));
    }
    let path = Path::new(name);
    if unit::extension(path) != "json" || !path.is_file() {
        return None;
    }
    let text = read_text(path).ok()?;
    let doc: serde_json::Value = serde_json::from_str(&text).ok()?;
    if !ProjectTemplate::is_template(&doc) {
        return None;
    }
    Some(ProjectTemplate::from_json(&text).map(|t| (t, None)).map_err(|e| {
        Fail::say(
            format!("{name}：项目模板格式有误（{e}）"),
            format!("{name}: not a valid project template: {e}"),
        )
    }))
}

/// One project read from a file: where it came from and the project, or why it cannot be read.
pub struct Read {
    /// The file's name (and the project's key for a long table).
    pub file: String,
    /// The project's name, when it is known.
    pub name: String,
    /// The project, or the message naming what cannot be read.
    pub unit: std::result::Result<ProjectUnit, String>,
}

/// The file kinds a project can be read from.
const KINDS: &[&str] = &["json", "csv", "xlsx", "xlsm", "xls", "ods", "html", "htm"];

/// The cells of a table file, with what cannot be read in them.
fn cells(path: &Path) -> Result<unit::Table> {
    let file = path.display().to_string();
    match unit::extension(path).as_str() {
        "csv" => unit::read_csv_rows(path),
        "xlsx" | "xlsm" | "xls" | "ods" => xlsx::read_rows(path),
        "html" | "htm" => crate::html::read_rows(path),
        other => Err(Fail::say(
            format!("{file}：不支持的项目表文件类型“.{other}”（可用 .json、.csv、.xlsx、.xls、.ods 或 .html）"),
            format!(
                "{file}: unknown project table format `.{other}` (expected .json, .csv, .xlsx, .xls, .ods or .html)"
            ),
        )),
    }
}

/// Every project of a file or a folder: a project's JSON, a published table, or a long table of
/// many projects. A project that cannot be read is listed with the reason; the others are read.
pub fn read_all(path: &Path) -> Result<Vec<Read>> {
    let mut out = Vec::new();
    if path.is_dir() {
        let dir = path.display().to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| Fail::say(format!("{dir}：无法读取（{e}）"), format!("{dir}: cannot read: {e}")))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| KINDS.contains(&unit::extension(p).as_str()))
            .filter(|p| {
                !p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("~$") || n.starts_with('.'))
            })
            .collect();
        files.sort();
        for f in files {
            read_file(&f, &mut out);
        }
    } else {
        read_file(path, &mut out);
    }
    Ok(out)
}

fn read_file(path: &Path, out: &mut Vec<Read>) {
    let file = path
        .file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let failed = |message: String| Read {
        file: file.clone(),
        name: String::new(),
        unit: Err(message),
    };
    if unit::extension(path) == "json" {
        out.push(match read_text(path) {
            Ok(text) => match serde_json::from_str::<ProjectUnit>(&text) {
                Ok(u) => Read {
                    file: file.clone(),
                    name: u.info.get("项目名称").cloned().unwrap_or_default(),
                    unit: Ok(u),
                },
                Err(e) => failed(tr(format!("项目表格式有误（{e}）"), e.to_string())),
            },
            Err(f) => failed(f.message().to_string()),
        });
        return;
    }
    let table = match cells(path) {
        Ok(t) => t,
        Err(f) => return out.push(failed(f.message().to_string())),
    };
    let lang = message_lang();
    // Cells that hold nothing readable, by sheet row (1-based).
    let unreadable = |rows: &[usize]| -> Vec<String> {
        table
            .problems
            .iter()
            .filter(|((r, _), p)| p.merged_from.is_none() && rows.contains(&(r + 1)))
            .map(|(_, p)| p.message.clone())
            .collect()
    };
    if ProjectUnit::is_long_table(&table.rows) {
        match ProjectUnit::from_long_table(&table.rows) {
            Ok(projects) => {
                for p in projects {
                    let bad = unreadable(&p.sheet_rows);
                    let unit = if bad.is_empty() {
                        p.unit.map_err(|e| e.message(lang))
                    } else {
                        Err(bad.join(&tr("；", "; ")))
                    };
                    out.push(Read {
                        file: file.clone(),
                        name: p.name,
                        unit,
                    });
                }
            }
            Err(e) => out.push(failed(e.message(lang))),
        }
        return;
    }
    let all: Vec<usize> = (1..=table.rows.len()).collect();
    let bad = unreadable(&all);
    if !bad.is_empty() {
        return out.push(failed(bad.join(&tr("；", "; "))));
    }
    out.push(match ProjectUnit::from_grid(&table.rows) {
        Ok(u) => Read {
            file: file.clone(),
            name: u.info.get("项目名称").cloned().unwrap_or_default(),
            unit: Ok(u),
        },
        Err(e) => failed(e.message(lang)),
    });
}

/// One project from a file: the file's only project, or an error saying how many it holds.
pub fn read_one(path: &Path) -> Result<ProjectUnit> {
    let file = path.display().to_string();
    let mut all = read_all(path)?;
    match all.len() {
        1 => match all.pop().map(|r| r.unit) {
            Some(Ok(u)) => Ok(u),
            Some(Err(m)) => Err(Fail::new(format!("{file}{}{m}", tr("：", ": ")))),
            None => Err(Fail::new(file)),
        },
        n => Err(Fail::say(
            format!("{file}：含{n}个项目，请用 jixiao batch 逐个计分，或用 jixiao audit 复核"),
            format!("{file}: holds {n} projects; use jixiao batch to score them, or jixiao audit"),
        )),
    }
}

/// Scores every project of a file or folder into a table: one row per project with its total,
/// grade, 预算执行率 score and section subtotals as the system states them, or why it cannot be
/// scored. Exit status 1 when a project could not be scored.
pub fn batch(template: &ProjectTemplate, input: &Path, out: &Path, lang: Lang) -> Result<u8> {
    let zh = lang == Lang::Zh;
    let read = read_all(input)?;
    // The columns foot: 预算执行率 and the sections add up to the total. When a section holds the
    // execution row, it is shown after them as part of that section (其中).
    let within = template.execution.within.as_ref();
    let execution = match within {
        None => "预算执行率".to_string(),
        Some(w) => format!("其中：{}—预算执行率", w.section),
    };
    let mut head: Vec<String> = if zh {
        vec!["文件", "项目名称", "总分", "等次"]
    } else {
        vec!["file", "project", "total", "grade"]
    }
    .into_iter()
    .map(str::to_string)
    .collect();
    if within.is_none() {
        head.push(execution.clone());
    }
    head.extend(template.sections.iter().map(|s| s.name.clone()));
    if within.is_some() {
        head.push(execution);
    }
    head.push(if zh { "问题" } else { "problem" }.to_string());
    let mut rows = Vec::new();
    let mut failed = 0;
    for r in &read {
        let scored = r
            .unit
            .as_ref()
            .map_err(String::clone)
            .and_then(|u| template.score(u).map_err(|e| e.message(message_lang())));
        let mut row = vec![r.file.clone(), r.name.clone()];
        match scored {
            Ok(s) => {
                let e = &s.evaluation;
                let stated = |id: &str| {
                    e.indicator(id)
                        .map(|i| jixiao::report::stated(i.score))
                        .unwrap_or_default()
                };
                row.push(jixiao::report::stated(e.total));
                row.push(e.grade.to_string());
                if within.is_none() {
                    row.push(stated(&s.project.execution));
                }
                for section in &template.sections {
                    let id = e
                        .indicators
                        .iter()
                        .find(|i| i.depth == 0 && *i.name == *section.name)
                        .map(|i| i.id.to_string());
                    row.push(id.map(|id| stated(&id)).unwrap_or_default());
                }
                if within.is_some() {
                    row.push(stated(&s.project.execution));
                }
                row.push(String::new());
            }
            Err(m) => {
                failed += 1;
                row.resize(head.len() - 1, String::new());
                row.push(m);
            }
        }
        rows.push(row);
    }
    match unit::extension(out).as_str() {
        "xlsx" => {
            let sheet = if zh { "项目得分" } else { "scores" };
            let bytes =
                jixiao::xlsx::tables_workbook(&[(sheet, &head, &rows)]).map_err(|e| crate::cannot_write(out, &e))?;
            std::fs::write(out, bytes).map_err(|e| crate::cannot_write(out, &e))?;
        }
        "csv" => {
            let text = crate::csv_text(std::iter::once(&head).chain(&rows))?;
            std::fs::write(out, text).map_err(|e| crate::cannot_write(out, &e))?;
        }
        other => {
            return Err(Fail::say(
                format!("项目得分表请写为 .xlsx 或 .csv（而不是“.{other}”）"),
                format!("write project scores as .xlsx or .csv, not `.{other}`"),
            ));
        }
    }
    let n = read.len();
    eprintln!(
        "{}",
        tr(
            format!("已计分{}个项目，{failed}个无法计分 → {}", n - failed, out.display()),
            format!(
                "{} projects scored, {failed} could not be → {}",
                n - failed,
                out.display()
            ),
        )
    );
    Ok(u8::from(failed > 0))
}
