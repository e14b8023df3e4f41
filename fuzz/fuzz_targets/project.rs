//! Fuzz target `project`: fuzzed project tables — cells (lines of comma-separated text) read as a
//! published table and as a long table, or a project's JSON — scored and audited with the built-in
//! templates. Nothing may panic or hang; a project either scores, with a total within the
//! template's points, or is refused with located problems.
#![no_main]
// A fuzz harness reports a broken invariant by panicking; libFuzzer records the input.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::sync::OnceLock;

use jixiao::Lang;
use jixiao::project::{ProjectTemplate, ProjectUnit};
use libfuzzer_sys::fuzz_target;

fn templates() -> &'static Vec<ProjectTemplate> {
    static T: OnceLock<Vec<ProjectTemplate>> = OnceLock::new();
    T.get_or_init(|| {
        jixiao::project::builtin_ids()
            .map(|id| jixiao::project::builtin(id).unwrap().unwrap().0)
            .collect()
    })
}

fn review(unit: &ProjectUnit) {
    for t in templates() {
        match t.audit(unit) {
            Ok(a) => {
                let e = &a.scored.evaluation;
                assert!(e.total >= jixiao::Decimal::ZERO, "negative total");
                assert!(e.total <= jixiao::Decimal::ONE_HUNDRED, "total above 100: {}", e.total);
                for f in &a.findings {
                    assert!(!f.message(Lang::Zh).is_empty());
                }
            }
            Err(e) => {
                assert!(!e.message(Lang::Zh).is_empty());
                assert!(!e.message(Lang::En).is_empty());
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(unit) = serde_json::from_str::<ProjectUnit>(text) {
        review(&unit);
        return;
    }
    let grid: Vec<Vec<String>> = text
        .lines()
        .take(500)
        .map(|l| l.split(',').take(50).map(str::to_string).collect())
        .collect();
    match ProjectUnit::from_grid(&grid) {
        Ok(unit) => review(&unit),
        Err(e) => assert!(!e.message(Lang::Zh).is_empty()),
    }
    if let Ok(projects) = ProjectUnit::from_long_table(&grid) {
        for p in projects.iter().take(5) {
            if let Ok(unit) = &p.unit {
                review(unit);
            }
        }
    }
});
