//! Writes N generated `hunan-dept` units (benches/src/hunan.rs) as a CSV table for `jixiao batch`:
//! a `单位` column, then one column per input, as a finance officer's sheet would have them.
//!
//! `cargo run --release -p jixiao-benches --example hunan_csv -- ROWS [SEED] > units.csv` (used by
//! `make bench` to measure the streamed CLI batch at several sizes, and to give the Python bench
//! workload W's units: seed 2024, as the criterion benches draw them).

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use jixiao::InputValue;
use jixiao_benches::hunan::hunan_dept_inputs;

fn cell(v: &InputValue) -> String {
    let text = match v {
        InputValue::Number(d) => d.normalize().to_string(),
        InputValue::Bool(b) => (if *b { "是" } else { "否" }).to_string(),
        InputValue::Text(t) => t.clone(),
        InputValue::Level { level, score: None } => level.clone(),
        InputValue::Level { level, score: Some(s) } => format!("{level}:{}", s.normalize()),
        InputValue::Items(items) if items.is_empty() => "无".to_string(),
        InputValue::Items(items) => items.join("、"),
    };
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn run() -> Result<(), String> {
    let rows: usize = std::env::args()
        .nth(1)
        .ok_or("usage: hunan_csv ROWS [SEED]")?
        .parse()
        .map_err(|e| format!("ROWS: {e}"))?;
    let seed: u64 = match std::env::args().nth(2) {
        Some(s) => s.parse().map_err(|e| format!("SEED: {e}"))?,
        None => 5,
    };
    // 10 000 distinct units, repeated: generating a million would time the generator, not jixiao.
    let units = hunan_dept_inputs(rows.min(10_000), seed);
    let names: Vec<&String> = units.first().map(|u| u.values.keys().collect()).unwrap_or_default();
    let mut out = BufWriter::new(std::io::stdout().lock());
    let header: Vec<&str> = std::iter::once("单位")
        .chain(names.iter().map(|n| n.as_str()))
        .collect();
    writeln!(out, "{}", header.join(",")).map_err(|e| e.to_string())?;
    for (i, unit) in units.iter().cycle().take(rows).enumerate() {
        let mut line = format!("单位{}", i + 1);
        for name in &names {
            line.push(',');
            if let Some(v) = unit.values.get(*name) {
                line.push_str(&cell(v));
            }
        }
        writeln!(out, "{line}").map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hunan_csv: {e}");
            ExitCode::FAILURE
        }
    }
}
