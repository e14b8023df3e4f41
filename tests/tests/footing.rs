//! Stated figures foot, in every output: for random units of every built-in system, each stated
//! parent is the sum of its stated children and the total the sum of the stated top-level scores
//! (plus the bonus), every score is written at the system's stated precision, and this holds for
//! the figures as the engine gives them and as each report format prints them (text, Markdown,
//! HTML, CSV — the table that the xlsx writer also uses — and JSON).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test code"
)]

use std::collections::HashMap;
use std::str::FromStr;

use jixiao::report::{Format, evaluation_report};
use jixiao::{Decimal, Evaluation, IndicatorSystem, Inputs, Lang, Scorer};
use jixiao_conformance::varied;
use proptest::prelude::*;

/// The stated figures of a table, by indicator id, and its stated total.
struct Printed {
    scores: HashMap<String, String>,
    total: String,
}

/// Checks that `printed` foots against the tree of `e` and that every figure has `scale` places.
fn assert_foots(format: &str, e: &Evaluation, printed: &Printed, scale: u32) {
    let figure = |id: &str| -> Decimal {
        let text = printed
            .scores
            .get(id)
            .unwrap_or_else(|| panic!("{format}: no score printed for {id}"));
        let d = Decimal::from_str(text).unwrap_or_else(|_| panic!("{format}: {id} printed as {text:?}"));
        assert_eq!(
            d.scale(),
            scale,
            "{format}: {id} printed as {text}, not at {scale} places"
        );
        d
    };
    for (i, r) in e.indicators.iter().enumerate() {
        let children: Vec<&str> = e
            .indicators
            .iter()
            .filter(|c| c.parent == Some(i))
            .map(|c| &*c.id)
            .collect();
        if children.is_empty() {
            continue;
        }
        let sum: Decimal = children.iter().map(|c| figure(c)).sum();
        assert_eq!(figure(&r.id), sum, "{format}: {} is not the sum of {children:?}", r.id);
    }
    let total = Decimal::from_str(&printed.total).unwrap();
    assert_eq!(total.scale(), scale, "{format}: the total printed as {}", printed.total);
    if e.rescaled_total.is_none() && e.vetoes.is_empty() {
        let top: Decimal = e
            .indicators
            .iter()
            .filter(|r| r.depth == 0)
            .map(|r| figure(&r.id))
            .sum();
        let bonus: Decimal = e.bonus.iter().map(|r| figure(&r.id)).sum();
        if bonus == e.bonus_total {
            assert_eq!(
                total,
                top + bonus,
                "{format}: the total is not the sum of the 一级指标 (and the bonus)"
            );
        }
    }
}

/// The `id name` cell of a table row, as the level columns hold it.
fn row_id<'a>(cells: impl IntoIterator<Item = &'a str>, ids: &HashMap<String, ()>) -> Option<String> {
    cells
        .into_iter()
        .filter_map(|c| c.split_once(' ').map(|(id, _)| id.to_string()))
        .find(|id| ids.contains_key(id))
}

/// Rows of cells → the printed figures, with the 得分 column found by its header and the total
/// on the 合计 row.
fn from_rows(rows: &[Vec<String>], ids: &HashMap<String, ()>) -> Printed {
    let header = &rows[0];
    let score = header.iter().position(|h| h == "自评得分").expect("a 自评得分 column");
    // The level columns (一级指标 …) come before 分值; other cells may quote ids too.
    let levels = header.iter().position(|h| h == "分值").expect("a 分值 column");
    let mut scores = HashMap::new();
    let mut total = None;
    for row in &rows[1..] {
        if row.first().is_some_and(|c| c == "合计") {
            total = Some(row[score].clone());
        } else if let Some(id) = row_id(row[..levels].iter().map(String::as_str), ids) {
            scores.insert(id, row[score].clone());
        }
    }
    Printed {
        scores,
        total: total.expect("a 合计 row"),
    }
}

fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn markdown_rows(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|---"))
        .map(|l| {
            l.trim()
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect()
}

fn html_rows(text: &str) -> Vec<Vec<String>> {
    let strip = |cell: &str| -> String {
        let inner = cell.split_once('>').map_or(cell, |(_, rest)| rest);
        let inner = inner.split("</").next().unwrap_or("");
        inner.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    };
    text.split("<tr")
        .skip(1)
        .map(|row| {
            let row = row.split_once('>').map_or("", |(_, rest)| rest);
            let row = row.split("</tr>").next().unwrap_or("");
            row.split("<t").skip(1).map(strip).collect()
        })
        .collect()
}

/// The terminal table: `id name`, 分值 and 得分 separated by runs of spaces; the total in the
/// closing line.
fn from_text(text: &str, ids: &HashMap<String, ()>) -> Printed {
    let mut scores = HashMap::new();
    let mut total = None;
    for line in text.lines() {
        let cells: Vec<&str> = line
            .trim()
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if let Some(rest) = line.strip_prefix("综合得分") {
            total = rest.split('分').next().map(str::to_string);
        } else if cells.len() >= 3
            && let Some(id) = row_id([cells[0]], ids)
        {
            scores.insert(id, cells[2].to_string());
        }
    }
    Printed {
        scores,
        total: total.expect("a 综合得分 line"),
    }
}

fn from_json(e: &Evaluation) -> Printed {
    let json: serde_json::Value = serde_json::to_value(e).unwrap();
    let mut scores = HashMap::new();
    for list in ["indicators", "bonus"] {
        for r in json[list].as_array().unwrap() {
            scores.insert(
                r["id"].as_str().unwrap().to_string(),
                r["score"].as_str().unwrap().to_string(),
            );
        }
    }
    Printed {
        scores,
        total: json["total"].as_str().unwrap().to_string(),
    }
}

struct Case {
    system: IndicatorSystem,
    scorer: Scorer,
    example: Inputs,
}

fn cases() -> Vec<Case> {
    jixiao::builtins()
        .iter()
        .map(|b| Case {
            system: b.system().unwrap(),
            scorer: b.scorer().unwrap(),
            example: b.example_inputs().unwrap(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn stated_figures_foot_in_every_output(seeds in proptest::collection::vec(any::<u64>(), 4)) {
        let cases = cases();
        for case in &cases {
            let scale = case.scorer.stated_scale().expect("built-ins state their figures");
            prop_assert_eq!(scale, 2);
            let ids: HashMap<String, ()> = case
                .system
                .indicators
                .iter()
                .flat_map(|i| {
                    let mut all = Vec::new();
                    let mut stack = vec![i];
                    while let Some(n) = stack.pop() {
                        all.push((n.id.clone(), ()));
                        stack.extend(n.children.iter());
                    }
                    all
                })
                .chain(case.system.bonus.iter().flat_map(|b| b.items.iter().map(|i| (i.id.clone(), ()))))
                .collect();
            // The example itself (which must score), then varied units (which may fail: a
            // budget of 0 divides by zero).
            for seed in std::iter::once(None).chain(seeds.iter().copied().map(Some)) {
                let inputs = seed.map_or_else(|| case.example.clone(), |s| varied(&case.system, &case.example, s));
                let e = match case.scorer.evaluate(&inputs) {
                    Ok(e) => e,
                    Err(err) if seed.is_some() => { let _ = err; continue }
                    Err(err) => panic!("{}: the example fails: {err}", case.system.id),
                };
                let engine = Printed {
                    scores: e
                        .indicators
                        .iter()
                        .chain(&e.bonus)
                        .map(|r| (r.id.to_string(), r.score.to_string()))
                        .collect(),
                    total: e.total.to_string(),
                };
                assert_foots("engine", &e, &engine, scale);
                assert_foots("json", &e, &from_json(&e), scale);
                let report = |f| evaluation_report(&case.system, &e, f, Lang::Zh);
                assert_foots("text", &e, &from_text(&report(Format::Text), &ids), scale);
                assert_foots("csv", &e, &from_rows(&csv_rows(&report(Format::Csv)), &ids), scale);
                assert_foots("markdown", &e, &from_rows(&markdown_rows(&report(Format::Markdown)), &ids), scale);
                assert_foots("html", &e, &from_rows(&html_rows(&report(Format::Html)), &ids), scale);
                // The scores-only path states the same figures.
                let s = case.scorer.score(&inputs).unwrap();
                let stated: Vec<Decimal> = e.indicators.iter().chain(&e.bonus).map(|r| r.score).collect();
                prop_assert_eq!(&s.indicators, &stated);
                prop_assert_eq!(s.total.to_string(), e.total.to_string());
            }
        }
    }
}

/// A unit whose leaves do not come out at 0.01 (4.375 and 4.6875 in the MOF example) foots all
/// the same: the parents are the sums of the stated 4.38 and 4.69, not of the exact scores.
#[test]
fn the_mof_example_foots_on_its_stated_leaves() {
    let (template, unit) = jixiao::project::builtin("mof-project").unwrap().unwrap();
    let e = template.score(&unit).unwrap().evaluation;
    let score = |id: &str| e.indicator(id).unwrap().score.to_string();
    let exact = |id: &str| e.indicator(id).unwrap().exact_score.normalize().to_string();
    assert_eq!((score("2.1.2"), exact("2.1.2")), ("4.38".into(), "4.375".into()));
    assert_eq!((score("2.4.1"), exact("2.4.1")), ("4.69".into(), "4.6875".into()));
    assert_eq!(score("2.1"), "19.38");
    assert_eq!(score("2.4"), "9.69");
    assert_eq!(e.total.to_string(), "93.37");
    assert_eq!(e.exact_total.to_string(), "93.37");
}
