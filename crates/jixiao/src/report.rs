//! Reports: the indicator table as bureaus print it (指标表) and the filled-in self-evaluation table
//! (自评表), as rows and as Markdown, HTML, CSV and aligned text. Pure text; writing files is the
//! caller's business.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use crate::dec::Arith;
use crate::eval::{Evaluation, Status};
use crate::explain::Lang;
use crate::format::{Indicator, IndicatorSystem};

pub use crate::explain::{figure, stated};

/// One row of a report table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Indicator id.
    pub id: String,
    /// Depth (0 = 一级指标).
    pub depth: usize,
    /// Whether the row is a leaf (scored by a rule).
    pub is_leaf: bool,
    /// Name in the chosen language.
    pub name: String,
    /// Points (分值).
    pub points: Decimal,
    /// Score (得分), in evaluation reports.
    pub score: Option<Decimal>,
    /// Points lost (扣分), in evaluation reports.
    pub lost: Option<Decimal>,
    /// The standard as the engine applies it.
    pub standard: String,
    /// The published wording, when the system gives it.
    pub published: Option<String>,
    /// Why the row is assumed, when it is not from the published table.
    pub assumed: Option<String>,
    /// How the score came about, in evaluation reports.
    pub explanation: Option<String>,
}

fn walk<'a>(list: &'a [Indicator], depth: usize, out: &mut Vec<(usize, &'a Indicator)>) {
    for i in list {
        out.push((depth, i));
        walk(&i.children, depth + 1, out);
    }
}

fn name_of(i: &Indicator, lang: Lang) -> String {
    match (lang, &i.name_en) {
        (Lang::En, Some(en)) => en.clone(),
        _ => i.name.clone(),
    }
}

/// The standard with a core indicator's cap on the grade after it.
fn with_core_cap(mut standard: String, i: &Indicator, lang: Lang) -> String {
    if let (true, Some(cap)) = (i.core, &i.core_cap) {
        let share = i
            .core_min_share
            .map_or(crate::compile::DEFAULT_CORE_MIN_SHARE, crate::dec::Dec::value);
        let share = figure(share * Decimal::ONE_HUNDRED);
        if lang == Lang::Zh {
            let _ = write!(
                standard,
                "（核心指标：得分低于分值的{share}%的，评价等次不高于“{cap}”）"
            );
        } else {
            let _ = write!(
                standard,
                " (core indicator: below {share}% of its points, the grade is at most \"{cap}\")"
            );
        }
    }
    standard
}

/// The indicator table's rows (tree in pre-order, then bonus items).
pub fn system_rows(system: &IndicatorSystem, lang: Lang) -> Vec<Row> {
    let mut nodes = Vec::new();
    walk(&system.indicators, 0, &mut nodes);
    if let Some(b) = &system.bonus {
        walk(&b.items, 0, &mut nodes);
    }
    nodes
        .into_iter()
        .map(|(depth, i)| Row {
            id: i.id.clone(),
            depth,
            is_leaf: i.children.is_empty(),
            // A core indicator is starred, as the tables print it (★预算完成率).
            name: if i.core {
                format!("★{}", name_of(i, lang))
            } else {
                name_of(i, lang)
            },
            points: i.points.value(),
            score: None,
            lost: None,
            standard: with_core_cap(system.describe_indicator(i, lang), i, lang),
            published: i.standard.clone(),
            assumed: i.assumed.clone(),
            explanation: None,
        })
        .collect()
}

/// The self-evaluation table's rows: every indicator with its score and explanation.
pub fn evaluation_rows(system: &IndicatorSystem, e: &Evaluation, lang: Lang) -> Vec<Row> {
    let mut rows = system_rows(system, lang);
    for row in &mut rows {
        if let Some(r) = e.indicator(&row.id) {
            row.score = Some(r.score);
            let is_bonus = e.bonus.iter().any(|b| b.id == r.id);
            let excluded = matches!(
                r.status,
                Status::NotApplicable {
                    outcome: crate::format::NaOutcome::Excluded,
                    ..
                }
            );
            // At the score's scale: 0.00 beside 0.27, 5.00 lost beside a score of 0.00.
            let lost = if is_bonus || excluded {
                Decimal::ZERO
            } else {
                r.points - r.score
            };
            row.lost = Some(crate::dec::with_places(lost, r.score.scale()));
            row.explanation = Some(r.explain(lang));
        }
    }
    rows
}

fn max_depth(rows: &[Row]) -> usize {
    rows.iter().map(|r| r.depth).max().unwrap_or(0) + 1
}

fn level_header(level: usize, lang: Lang) -> String {
    const ZH: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    match lang {
        Lang::Zh => format!("{}级指标", ZH.get(level).copied().unwrap_or("下")),
        Lang::En => format!("Level {}", level + 1),
    }
}

struct Labels {
    points: &'static str,
    score: &'static str,
    lost: &'static str,
    standard: &'static str,
    published: &'static str,
    assumed: &'static str,
    explanation: &'static str,
    total: &'static str,
    grade: &'static str,
}

fn labels(lang: Lang) -> Labels {
    match lang {
        Lang::Zh => Labels {
            points: "分值",
            score: "自评得分",
            lost: "扣分",
            standard: "评分标准",
            published: "原文评分标准",
            assumed: "说明",
            explanation: "扣分原因及说明",
            total: "合计",
            grade: "评价等次",
        },
        Lang::En => Labels {
            points: "Points",
            score: "Score",
            lost: "Deducted",
            standard: "Scoring standard",
            published: "Published wording",
            assumed: "Note",
            explanation: "Explanation",
            total: "Total",
            grade: "Grade",
        },
    }
}

/// A table: header and cells, before formatting.
struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    /// Columns holding figures (right-aligned in HTML).
    numeric: Vec<usize>,
    /// Trailing rows that are totals, not indicators.
    totals: usize,
}

fn table(rows: &[Row], evaluation: Option<&Evaluation>, lang: Lang) -> Table {
    let l = labels(lang);
    let depth = max_depth(rows);
    let mut header: Vec<String> = (0..depth).map(|d| level_header(d, lang)).collect();
    header.push(l.points.into());
    if evaluation.is_some() {
        header.extend([l.standard.into(), l.score.into(), l.lost.into(), l.explanation.into()]);
    } else {
        header.extend([l.standard.into(), l.published.into(), l.assumed.into()]);
    }
    let mut out = Vec::with_capacity(rows.len() + 2);
    for r in rows {
        let mut cells = vec![String::new(); depth];
        if let Some(c) = cells.get_mut(r.depth) {
            *c = format!("{} {}", r.id, r.name);
        }
        cells.push(figure(r.points));
        if evaluation.is_some() {
            // A group row shows its points and score only, as published tables print it.
            cells.push(if r.is_leaf { r.standard.clone() } else { String::new() });
            cells.push(r.score.map(stated).unwrap_or_default());
            cells.push(r.lost.map(stated).unwrap_or_default());
            cells.push(if r.is_leaf {
                r.explanation.clone().unwrap_or_default()
            } else {
                String::new()
            });
        } else {
            cells.push(r.standard.clone());
            cells.push(r.published.clone().unwrap_or_default());
            cells.push(r.assumed.clone().unwrap_or_default());
        }
        out.push(cells);
    }
    if let Some(e) = evaluation {
        let mut total = vec![String::new(); depth];
        if let Some(c) = total.first_mut() {
            *c = l.total.into();
        }
        total.push(figure(e.full_points));
        total.push(String::new());
        total.push(stated(e.total));
        total.push(String::new());
        total.push(e.explain(lang).lines().last().unwrap_or_default().to_string());
        out.push(total);
        let mut grade = vec![String::new(); depth];
        if let Some(c) = grade.first_mut() {
            *c = l.grade.into();
        }
        grade.push(String::new());
        grade.push(String::new());
        grade.push(match (lang, &e.grade_en) {
            (Lang::En, Some(g)) => g.to_string(),
            _ => e.grade.to_string(),
        });
        grade.push(String::new());
        grade.push(e.notices(lang).join(if lang == Lang::Zh { "；" } else { "; " }));
        out.push(grade);
    }
    let numeric = if evaluation.is_some() {
        vec![depth, depth + 2, depth + 3]
    } else {
        vec![depth]
    };
    let totals = if evaluation.is_some() { 2 } else { 0 };
    Table {
        header,
        rows: out,
        numeric,
        totals,
    }
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

fn markdown(title: &str, t: &Table) -> String {
    let mut s = format!("# {}\n\n", md_cell(title));
    let _ = writeln!(
        s,
        "| {} |",
        t.header.iter().map(|h| md_cell(h)).collect::<Vec<_>>().join(" | ")
    );
    let _ = writeln!(s, "|{}", "---|".repeat(t.header.len()));
    for r in &t.rows {
        let _ = writeln!(
            s,
            "| {} |",
            r.iter().map(|c| md_cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    s
}

/// Text as HTML text (`&`, `<`, `>` and `"` escaped), for what a caller adds to an HTML report.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html(title: &str, t: &Table, lang: Lang) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>\n\
         body{{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;margin:2em;color:#111}}\n\
         table{{border-collapse:collapse;width:100%;font-size:14px}}\n\
         th,td{{border:1px solid #444;padding:4px 6px;vertical-align:top}}\n\
         th{{background:#eee}} td.n{{text-align:right;white-space:nowrap}}\n\
         tr.total td{{font-weight:bold}}\n@media print{{body{{margin:0}} th{{background:none}}}}\n\
         </style>\n</head>\n<body>\n<h1>{}</h1>\n<table>\n<thead><tr>",
        if lang == Lang::Zh { "zh-CN" } else { "en" },
        esc(title),
        esc(title)
    );
    for h in &t.header {
        let _ = write!(s, "<th>{}</th>", esc(h));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    let first_total = t.rows.len().saturating_sub(t.totals);
    for (i, r) in t.rows.iter().enumerate() {
        s.push_str(if i >= first_total {
            "<tr class=\"total\">"
        } else {
            "<tr>"
        });
        for (j, c) in r.iter().enumerate() {
            let class = if t.numeric.contains(&j) { " class=\"n\"" } else { "" };
            let _ = write!(s, "<td{class}>{}</td>", esc(c));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n</table>\n</body>\n</html>\n");
    s
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn csv(t: &Table) -> String {
    let mut s = String::new();
    let line = |cells: &[String]| cells.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(",");
    s.push_str(&line(&t.header));
    s.push_str("\r\n");
    for r in &t.rows {
        s.push_str(&line(r));
        s.push_str("\r\n");
    }
    s
}

/// Display width of text in a terminal (Unicode's East Asian width: CJK and full-width characters
/// take two columns).
fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// Rows under a header as aligned plain text for a terminal: columns padded to their widest cell
/// (CJK counts double), two spaces between columns, no padding after the last.
pub fn text_table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| display_width(h)).collect();
    for r in rows {
        for (w, c) in widths.iter_mut().zip(r) {
            *w = (*w).max(display_width(c));
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, (c, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                s.push_str("  ");
            }
            s.push_str(c);
            if i + 1 < cells.len() {
                s.push_str(&" ".repeat(w.saturating_sub(display_width(c))));
            }
        }
        s.push('\n');
        s
    };
    let mut out = line(header.to_vec());
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    out
}

fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn text(title: &str, rows: &[Row], evaluation: Option<&Evaluation>, lang: Lang) -> String {
    let l = labels(lang);
    let names: Vec<String> = rows
        .iter()
        .map(|r| format!("{}{} {}", "  ".repeat(r.depth), r.id, r.name))
        .collect();
    let name_w = names.iter().map(|n| display_width(n)).max().unwrap_or(0).max(4);
    let mut s = format!("{title}\n");
    let head_last = if evaluation.is_some() {
        l.explanation
    } else {
        l.standard
    };
    let mut header = format!(
        "{}  {}",
        pad(if lang == Lang::Zh { "指标" } else { "Indicator" }, name_w),
        pad(l.points, 6)
    );
    if evaluation.is_some() {
        let _ = write!(header, "  {}", pad(l.score, 6));
    }
    let _ = writeln!(s, "{header}  {head_last}");
    for (r, n) in rows.iter().zip(&names) {
        let mut line = format!("{}  {}", pad(n, name_w), pad(&figure(r.points), 6));
        if evaluation.is_some() {
            let _ = write!(line, "  {}", pad(&r.score.map(stated).unwrap_or_default(), 6));
        }
        let detail = match (evaluation.is_some(), r.is_leaf) {
            (true, true) => r.explanation.clone().unwrap_or_default(),
            (true, false) => String::new(),
            (false, _) => r.standard.clone(),
        };
        if detail.is_empty() {
            let _ = writeln!(s, "{}", line.trim_end());
        } else {
            let _ = writeln!(s, "{line}  {detail}");
        }
    }
    if let Some(e) = evaluation {
        for line in e.explain(lang).lines().skip(rows.len()) {
            let _ = writeln!(s, "{line}");
        }
    }
    s
}

fn system_title(system: &IndicatorSystem, lang: Lang) -> String {
    let name = match (lang, &system.name_en) {
        (Lang::En, Some(en)) => en.clone(),
        _ => system.name.clone(),
    };
    match lang {
        Lang::Zh => format!("{name}（{}）", system.id),
        Lang::En => format!("{name} ({})", system.id),
    }
}

/// The report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Aligned plain text for a terminal.
    Text,
    /// GitHub-flavoured Markdown.
    Markdown,
    /// A standalone, print-friendly HTML page.
    Html,
    /// CSV (RFC 4180, CRLF line ends).
    Csv,
}

/// The indicator table (指标表) in a report format.
pub fn system_report(system: &IndicatorSystem, format: Format, lang: Lang) -> String {
    let rows = system_rows(system, lang);
    let title = system_title(system, lang);
    match format {
        Format::Text => text(&title, &rows, None, lang),
        Format::Markdown => markdown(&title, &table(&rows, None, lang)),
        Format::Html => html(&title, &table(&rows, None, lang), lang),
        Format::Csv => csv(&table(&rows, None, lang)),
    }
}

/// The scored table's title: the indicator table's name as a 自评评分表
/// (“…绩效评价指标表” → “…绩效自评评分表”).
pub fn evaluation_title(system: &IndicatorSystem, lang: Lang) -> String {
    if lang == Lang::En {
        return system_title(system, lang);
    }
    let name = system.name.trim();
    // A trailing （湖南省） stays after the new title.
    let (name, note) = match name
        .strip_suffix('）')
        .and_then(|n| n.rfind('（').map(|at| n.split_at(at)))
    {
        Some((base, _)) if !base.is_empty() => (base, &name[base.len()..]),
        _ => (name, ""),
    };
    let base = [
        "评价指标表",
        "评价评分表",
        "自评评分表",
        "自评表",
        "指标表",
        "评分表",
        "评价表",
    ]
    .iter()
    .find_map(|end| name.strip_suffix(end))
    .unwrap_or(name);
    format!("{base}自评评分表{note}")
}

/// The filled-in self-evaluation table (自评评分表) in a report format.
pub fn evaluation_report(system: &IndicatorSystem, e: &Evaluation, format: Format, lang: Lang) -> String {
    let rows = evaluation_rows(system, e, lang);
    let title = evaluation_title(system, lang);
    match format {
        Format::Text => text(&title, &rows, Some(e), lang),
        Format::Markdown => markdown(&title, &table(&rows, Some(e), lang)),
        Format::Html => html(&title, &table(&rows, Some(e), lang), lang),
        Format::Csv => csv(&table(&rows, Some(e), lang)),
    }
}

/// Header and cells of the self-evaluation table (for writers of other formats, e.g. xlsx).
pub fn evaluation_table(system: &IndicatorSystem, e: &Evaluation, lang: Lang) -> (Vec<String>, Vec<Vec<String>>) {
    let t = table(&evaluation_rows(system, e, lang), Some(e), lang);
    (t.header, t.rows)
}

/// Header and cells of the indicator table.
pub fn system_table(system: &IndicatorSystem, lang: Lang) -> (Vec<String>, Vec<Vec<String>>) {
    let t = table(&system_rows(system, lang), None, lang);
    (t.header, t.rows)
}

/// Header and cells of the review table (复核表): every indicator with its points, the
/// self-evaluated (自评) and reviewed (复核) score, the difference and the 复核意见; then the totals
/// and grades, and 自评虚高 when the system's limit is exceeded.
pub fn review_table(
    system: &IndicatorSystem,
    audit: &crate::analysis::Audit,
    claimed_total: Option<Decimal>,
    claimed_grade: Option<&str>,
    lang: Lang,
) -> (Vec<String>, Vec<Vec<String>>) {
    let zh = lang == Lang::Zh;
    let header: Vec<String> = if zh {
        ["指标", "分值", "自评得分", "复核得分", "差异", "复核意见"]
    } else {
        [
            "Indicator",
            "Points",
            "Self-evaluated",
            "Reviewed",
            "Difference",
            "Review opinion",
        ]
    }
    .iter()
    .map(|s| s.to_string())
    .collect();
    let names: std::collections::HashMap<&str, String> = {
        let mut all = Vec::new();
        walk(&system.indicators, 0, &mut all);
        if let Some(b) = &system.bonus {
            walk(&b.items, 0, &mut all);
        }
        all.into_iter()
            .map(|(_, i)| (i.id.as_str(), name_of(i, lang)))
            .collect()
    };
    let mut rows: Vec<Vec<String>> = audit
        .rows
        .iter()
        .map(|r| {
            let name = names.get(&*r.id).cloned().unwrap_or_else(|| r.name.to_string());
            vec![
                format!("{}{} {name}", "  ".repeat(r.depth), r.id),
                figure(r.points),
                r.claimed.map(figure).unwrap_or_default(),
                stated(r.reviewed),
                r.difference.filter(|d| !d.is_zero()).map(figure).unwrap_or_default(),
                r.opinion.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let e = &audit.evaluation;
    rows.push(vec![
        (if zh { "合计" } else { "Total" }).into(),
        figure(e.full_points),
        claimed_total.map(figure).unwrap_or_default(),
        stated(e.total),
        claimed_total
            .and_then(|c| e.total.sub_checked(c))
            .filter(|d| !d.is_zero())
            .map(figure)
            .unwrap_or_default(),
        audit
            .inflated
            .map(|x| {
                if zh {
                    format!("自评虚高（高出{}分）", figure(x))
                } else {
                    format!("inflated self-evaluation ({} above)", figure(x))
                }
            })
            .unwrap_or_default(),
    ]);
    rows.push(vec![
        (if zh { "评价等次" } else { "Grade" }).into(),
        String::new(),
        claimed_grade.unwrap_or_default().to_string(),
        e.grade.to_string(),
        String::new(),
        String::new(),
    ]);
    (header, rows)
}

/// The review table (复核表) in a report format.
pub fn review_report(
    system: &IndicatorSystem,
    audit: &crate::analysis::Audit,
    claimed_total: Option<Decimal>,
    claimed_grade: Option<&str>,
    format: Format,
    lang: Lang,
) -> String {
    let (header, rows) = review_table(system, audit, claimed_total, claimed_grade, lang);
    // 复核表 beside the 自评评分表 it reviews: “…绩效自评复核表”.
    let title = match lang {
        Lang::Zh => evaluation_title(system, lang).replacen("自评评分表", "自评复核表", 1),
        Lang::En => format!("{} — review", system_title(system, lang)),
    };
    let table = Table {
        header: header.clone(),
        numeric: vec![1, 2, 3, 4],
        totals: 2,
        rows: rows.clone(),
    };
    match format {
        Format::Text => {
            let head: Vec<&str> = header.iter().map(String::as_str).collect();
            format!("{title}\n{}", text_table(&head, &rows))
        }
        Format::Markdown => markdown(&title, &table),
        Format::Html => html(&title, &table, lang),
        Format::Csv => csv(&table),
    }
}
