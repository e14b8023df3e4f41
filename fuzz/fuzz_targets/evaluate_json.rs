//! Fuzz target `evaluate_json`: the bundled Hunan-style excerpt with fuzzed inputs JSON text
//! through the JSON layer (`evaluate_json`, English explanations, batch). Nothing may panic, an
//! answer is valid JSON, and single and batch evaluation agree.
#![no_main]
// A fuzz harness reports a broken invariant by panicking; libFuzzer records the input.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use jixiao::Lang;
use jixiao::wire::{evaluate_batch_json, evaluate_json, evaluate_json_lang, explain_json};
use libfuzzer_sys::fuzz_target;

const SYSTEM: &str = include_str!("../../tests/vectors/systems/hunan-excerpt.json");

fuzz_target!(|data: &[u8]| {
    let Ok(inputs) = std::str::from_utf8(data) else {
        return;
    };
    let zh = evaluate_json(SYSTEM, inputs);
    match &zh {
        Ok(out) => {
            let value: serde_json::Value = serde_json::from_str(out).expect("evaluate_json answered invalid JSON");
            assert!(value.get("total").is_some_and(|t| t.is_string()), "no total in {out}");
        }
        Err(e) => {
            let _ = e.to_json();
        }
    }
    let en = evaluate_json_lang(SYSTEM, inputs, Lang::En);
    assert_eq!(
        zh.is_ok(),
        en.is_ok(),
        "the language changed whether evaluation succeeds"
    );
    let _ = explain_json(SYSTEM, inputs, Lang::En);
    if let Ok(zh) = &zh {
        // A unit that evaluates alone evaluates the same in a batch.
        let batch = evaluate_batch_json(SYSTEM, &format!("[{inputs}]"), Lang::Zh).expect("batch of a valid unit");
        let batch: serde_json::Value = serde_json::from_str(&batch).expect("batch answered invalid JSON");
        let single: serde_json::Value = serde_json::from_str(zh).expect("valid JSON");
        assert_eq!(batch.get(0), Some(&single), "batch and single evaluation disagree");
    }
});
