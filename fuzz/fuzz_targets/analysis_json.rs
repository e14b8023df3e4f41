//! Fuzz target `analysis_json`: fuzzed analysis requests (what-if, compare, audit, sensitivity,
//! target) on the seed system (湘西州商务局 2019) through the JSON layer. Nothing may panic (the
//! analyses search over user-given ranges and add up user-given claims), and an answer is valid
//! JSON with the shape of its kind.
#![no_main]
// A fuzz harness reports a broken invariant by panicking; libFuzzer records the input.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::OnceLock;

use jixiao::wire::{AnalysisRequest, analysis_text, from_json};
use jixiao::{Lang, Scorer};
use libfuzzer_sys::fuzz_target;

fn scorer() -> &'static Scorer {
    static SCORER: OnceLock<Scorer> = OnceLock::new();
    SCORER.get_or_init(|| jixiao::builtin("xiangxi-commerce-2019").unwrap().scorer().unwrap())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let request: AnalysisRequest = match from_json(text, "the request") {
        Ok(request) => request,
        Err(e) => {
            let _ = e.to_json();
            return;
        }
    };
    for lang in [Lang::Zh, Lang::En] {
        match analysis_text(scorer(), request.clone(), lang) {
            Ok(out) => {
                let value: serde_json::Value = serde_json::from_str(&out).expect("the answer is valid JSON");
                assert!(value.is_object(), "{request:?}: the answer is not an object: {out}");
            }
            Err(e) => {
                let _ = e.to_json();
            }
        }
    }
});
