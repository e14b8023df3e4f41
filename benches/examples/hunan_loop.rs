//! Scores workload W (hunan-dept, 1 000 varied units, seed 2024) a number of times with one of the
//! benchmarks' paths, for instruction counts under callgrind, which do not depend on what else the
//! machine is doing (criterion's times do):
//!
//! ```sh
//! cargo build --release -p jixiao-benches --example hunan_loop
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/hunan_loop hand 0
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/hunan_loop hand 10
//! ```
//!
//! The difference of the two totals (`Collected`) over 10 000 units is the path's instructions per
//! unit; setting up W is the same in both. Paths: `hand`, `tuned`, `score` (the engine's
//! `score_into` on prepared inputs: the compiled program), `walk` (the same figures by the tree
//! walk, the reference), `named` (`prepare` + `score_into`), `typed` (the typed fill +
//! `score_into`) and `evaluate`.

use std::hint::black_box;
use std::process::ExitCode;

use jixiao::{PreparedInputs, Scores};
use jixiao_benches::hunan::{HunanSlots, hunan_dept_units, score_by_hand, score_by_hand_tuned};

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mode = args
        .next()
        .ok_or("usage: hunan_loop hand|tuned|score|walk|named|typed|evaluate ROUNDS")?;
    let rounds: usize = args
        .next()
        .ok_or("ROUNDS missing")?
        .parse()
        .map_err(|e| format!("ROUNDS: {e}"))?;
    let scorer = jixiao::builtin("hunan-dept")
        .ok_or("hunan-dept is built in")?
        .scorer()
        .map_err(|e| e.to_string())?;
    let units = hunan_dept_units(1_000, 2024);
    let prepared: Vec<PreparedInputs> = units
        .iter()
        .map(|(_, i)| scorer.prepare(i).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let slots = HunanSlots::new(&scorer)?;
    let mut out = Scores::default();
    for _ in 0..rounds {
        match mode.as_str() {
            "hand" => units.iter().for_each(|(u, _)| {
                black_box(score_by_hand(black_box(u)));
            }),
            "tuned" => units.iter().for_each(|(u, _)| {
                black_box(score_by_hand_tuned(black_box(u)));
            }),
            "score" => {
                for p in &prepared {
                    scorer.score_into(black_box(p), &mut out).map_err(|e| e.to_string())?;
                }
            }
            "walk" => {
                for p in &prepared {
                    scorer
                        .score_by_reference(black_box(p), &mut out)
                        .map_err(|e| e.to_string())?;
                }
            }
            "named" => {
                for (_, i) in &units {
                    let p = scorer.prepare(black_box(i)).map_err(|e| e.to_string())?;
                    scorer.score_into(&p, &mut out).map_err(|e| e.to_string())?;
                }
            }
            "typed" => {
                for (u, _) in &units {
                    let mut b = scorer.inputs_builder();
                    u.fill(&mut b, &slots);
                    let p = b.finish().map_err(|e| e.to_string())?;
                    scorer.score_into(&p, &mut out).map_err(|e| e.to_string())?;
                }
            }
            "evaluate" => {
                for (_, i) in &units {
                    black_box(scorer.evaluate(black_box(i)).map_err(|e| e.to_string())?);
                }
            }
            other => return Err(format!("unknown path `{other}`")),
        }
        black_box(&out);
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hunan_loop: {e}");
            ExitCode::FAILURE
        }
    }
}
