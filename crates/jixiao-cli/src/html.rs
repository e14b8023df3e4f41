//! Tables in a web page saved as HTML (a 项目支出绩效自评表 published on a government site): the
//! cells of every table that holds a project table's labels, in the page's order, merged cells
//! (rowspan/colspan) kept in their first row and column as a spreadsheet gives them.

use std::collections::BTreeSet;
use std::path::Path;

use scraper::{ElementRef, Html, Selector};

use crate::{Fail, Result, unit};

/// The labels that mark a table as part of a project table.
const LABELS: &[&str] = &["项目名称", "年度资金总额", "三级指标", "全年预算数"];

/// The most rows and columns a cell may span (the HTML standard's limits).
const MAX_ROWSPAN: usize = 65_534;
const MAX_COLSPAN: usize = 1_000;

/// The page's text: UTF-8, or the GBK family when the page declares it (as many older government
/// sites do).
fn text(bytes: &[u8]) -> String {
    if let Ok(s) = std::str::from_utf8(bytes) {
        return s.to_string();
    }
    let head = String::from_utf8_lossy(bytes.get(..bytes.len().min(2048)).unwrap_or(bytes)).to_ascii_lowercase();
    let encoding = ["gb18030", "gbk", "gb2312", "big5"]
        .iter()
        .find(|e| head.contains(*e))
        .and_then(|e| encoding_rs::Encoding::for_label(e.as_bytes()))
        .unwrap_or(encoding_rs::GB18030);
    encoding.decode(bytes).0.into_owned()
}

/// The rows of a web page's project table(s).
pub fn read_rows(path: &Path) -> Result<unit::Table> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Fail::say(format!("{file}：无法读取（{e}）"), format!("{file}: cannot read: {e}")))?;
    let page = Html::parse_document(&text(&bytes));
    let rows = grid(&page);
    if rows.is_empty() {
        return Err(Fail::say(
            format!("{file}：网页中没有含“项目名称”“三级指标”等栏目的表格"),
            format!("{file}: the page has no table with the labels of a project table (项目名称, 三级指标 …)"),
        ));
    }
    Ok(unit::Table {
        rows,
        problems: Default::default(),
    })
}

/// The nearest enclosing element named `name` (a cell's row, a row's table).
fn nearest<'a>(e: ElementRef<'a>, name: &str) -> Option<ElementRef<'a>> {
    e.ancestors()
        .filter_map(ElementRef::wrap)
        .find(|a| a.value().name() == name)
}

fn cell_text(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The cells of every innermost table holding a label, one after another.
fn grid(page: &Html) -> Vec<Vec<String>> {
    let (Ok(tables), Ok(rows_sel), Ok(cells_sel)) = (
        Selector::parse("table"),
        Selector::parse("tr"),
        Selector::parse("td, th"),
    ) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for table in page.select(&tables) {
        let id = table.id();
        // Innermost: no table inside it holds a label (a layout table around the real one).
        let inner_holds = table
            .select(&tables)
            .any(|t| t.id() != id && LABELS.iter().any(|l| cell_text(t).contains(l)));
        if inner_holds || !LABELS.iter().any(|l| cell_text(table).contains(l)) {
            continue;
        }
        let rows: Vec<ElementRef<'_>> = table
            .select(&rows_sel)
            .filter(|r| nearest(*r, "table").is_some_and(|t| t.id() == id))
            .collect();
        let mut taken: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut grid: Vec<Vec<String>> = Vec::with_capacity(rows.len());
        for (r, row) in rows.iter().enumerate() {
            let mut cells: Vec<String> = Vec::new();
            let mut c = 0;
            for cell in row
                .select(&cells_sel)
                .filter(|cell| nearest(*cell, "tr").is_some_and(|tr| tr.id() == row.id()))
            {
                while taken.contains(&(r, c)) {
                    c += 1;
                }
                // A row wider than any table a person reads is cut there: what lies beyond
                // cannot be a project table's column, and it bounds the work a hostile page asks.
                if c >= MAX_COLSPAN {
                    break;
                }
                let span = |name: &str, max: usize| {
                    cell.value()
                        .attr(name)
                        .and_then(|v| v.trim().parse::<usize>().ok())
                        .unwrap_or(1)
                        .clamp(1, max)
                };
                let (rowspan, colspan) = (
                    span("rowspan", MAX_ROWSPAN).min(rows.len() - r),
                    span("colspan", MAX_COLSPAN).min(MAX_COLSPAN - c),
                );
                if cells.len() <= c {
                    cells.resize(c, String::new());
                }
                cells.push(cell_text(cell));
                cells.resize(c + colspan, String::new());
                for dr in 0..rowspan {
                    for dc in 0..colspan {
                        if dr > 0 || dc > 0 {
                            taken.insert((r + dr, c + dc));
                        }
                    }
                }
                c += colspan;
            }
            grid.push(cells);
        }
        out.extend(grid);
    }
    out
}
