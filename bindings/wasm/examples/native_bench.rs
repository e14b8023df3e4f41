//! The native side of `bindings/wasm/bench.mjs`: times the engine on the bench-30 units of
//! `benches/` (the units criterion times) and writes the units and the system for the WebAssembly
//! side to time the very same work.
//!
//! `cargo run --release -p jixiao-wasm --example native_bench -- OUT_DIR [UNITS] [ROUNDS]` writes
//! `OUT_DIR/bench-30.json` (the system), `OUT_DIR/bench-30-units.json` (the units, decimals as
//! strings) and `OUT_DIR/bench-30-scores.json` (each unit's total and grade, for bench.mjs to
//! compare with the module's) and prints one JSON line: nanoseconds per unit (median of the rounds) for
//! - `engine`: `Scorer::evaluate` on ready-made `Inputs`;
//! - `json`: what the wasm `CompiledSystem.evaluate` does per unit: inputs JSON text parsed,
//!   evaluated, the evaluation written as JSON text (explanations in Chinese);
//! - `score`: the wasm `CompiledSystem.score` compiled natively (inputs JSON in, figures JSON out).

use std::hint::black_box;
use std::process::ExitCode;
use std::time::Instant;

use jixiao::wire::{Options, evaluate_with};
use jixiao::{InputValue, Inputs, Lang, Scorer};
use serde_json::{Map, Value, json};

fn to_json(inputs: &Inputs) -> Value {
    let mut map = Map::new();
    for (name, v) in &inputs.values {
        let value = match v {
            InputValue::Number(d) => Value::String(d.normalize().to_string()),
            InputValue::Bool(b) => Value::Bool(*b),
            InputValue::Text(t) => Value::String(t.clone()),
            InputValue::Level { level, score } => {
                json!({"level": level, "score": score.map(|s| s.normalize().to_string())})
            }
            InputValue::Items(items) => json!(items),
        };
        map.insert(name.clone(), value);
    }
    Value::Object(map)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Nanoseconds per unit of `f` over `n` units: the median of `rounds` rounds after one warm-up.
fn time(rounds: usize, n: usize, mut f: impl FnMut() -> Result<(), String>) -> Result<f64, String> {
    f()?;
    let mut per_unit = Vec::with_capacity(rounds);
    for _ in 0..rounds {
        let start = Instant::now();
        f()?;
        per_unit.push(start.elapsed().as_nanos() as f64 / n.max(1) as f64);
    }
    Ok(median(per_unit))
}

fn run() -> Result<String, String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = args.first().ok_or("usage: native_bench OUT_DIR [UNITS] [ROUNDS]")?;
    let n: usize = args
        .get(1)
        .map_or(Ok(1000), |s| s.parse())
        .map_err(|e| format!("UNITS: {e}"))?;
    let rounds: usize = args
        .get(2)
        .map_or(Ok(7), |s| s.parse())
        .map_err(|e| format!("ROUNDS: {e}"))?;

    let scorer = Scorer::from_text(jixiao_benches::BENCH_30).map_err(|e| e.to_string())?;
    let units = jixiao_benches::bench_30_units(n, 42);
    let texts: Vec<String> = units.iter().map(|u| to_json(u).to_string()).collect();
    std::fs::create_dir_all(out).map_err(|e| format!("{out}: {e}"))?;
    std::fs::write(format!("{out}/bench-30.json"), jixiao_benches::BENCH_30).map_err(|e| e.to_string())?;
    std::fs::write(format!("{out}/bench-30-units.json"), format!("[{}]", texts.join(",")))
        .map_err(|e| e.to_string())?;

    let engine = time(rounds, n, || {
        for u in &units {
            black_box(scorer.evaluate(black_box(u)).map_err(|e| e.to_string())?);
        }
        Ok(())
    })?;
    let json_layer = time(rounds, n, || {
        for t in &texts {
            // The same reader and writer as the module's `evaluate` (wire.rs).
            black_box(evaluate_with(&scorer, black_box(t), Options::lang(Lang::Zh)).map_err(|e| e.to_string())?);
        }
        Ok(())
    })?;
    // The wasm `CompiledSystem::score`, compiled natively: inputs JSON text in, figures JSON out.
    let system = jixiao_wasm::CompiledSystem::load(jixiao_benches::BENCH_30, "json")?;
    let score = time(rounds, n, || {
        for t in &texts {
            black_box(system.score(black_box(t))?);
        }
        Ok(())
    })?;
    // Every unit's total and grade, for bench.mjs to compare with the module's.
    let scores = texts
        .iter()
        .map(|t| {
            let v: Value = serde_json::from_str(&system.score(t)?).map_err(|e| e.to_string())?;
            Ok(json!({"total": v.get("total"), "grade": v.get("grade")}))
        })
        .collect::<Result<Vec<_>, String>>()?;
    std::fs::write(format!("{out}/bench-30-scores.json"), Value::Array(scores).to_string())
        .map_err(|e| e.to_string())?;
    Ok(
        json!({"units": n, "rounds": rounds, "engine_ns": engine, "json_ns": json_layer, "score_ns": score})
            .to_string(),
    )
}

fn main() -> ExitCode {
    match run() {
        Ok(line) => {
            println!("{line}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("native_bench: {e}");
            ExitCode::FAILURE
        }
    }
}
