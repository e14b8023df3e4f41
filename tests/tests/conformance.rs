//! Runs every conformance vector of `tests/vectors/` through the JSON layer and fails once,
//! listing every mismatch (file, case, field, expected, actual).

use std::collections::BTreeSet;

use jixiao_conformance::{
    Failure, format_rule_kinds, load_vectors, rule_kinds_in, run_vector, system_value, vectors_dir, wire_outputs,
};

/// Fewest vector files the corpus may hold.
const MIN_VECTORS: usize = 40;

#[test]
fn conformance_vectors() {
    let dir = vectors_dir();
    let vectors = match load_vectors(&dir) {
        Ok(v) => v,
        Err(errors) => panic!("malformed vector files:\n{}", errors.join("\n")),
    };
    let mut failures: Vec<Failure> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    let mut kinds_used = BTreeSet::new();
    let mut cases = 0usize;

    for v in &vectors {
        failures.extend(run_vector(v, &dir));
        cases += v.value.get("cases").and_then(|c| c.as_array()).map_or(1, Vec::len);
        match system_value(v, &dir) {
            Ok(system) => kinds_used.extend(rule_kinds_in(&system)),
            Err(e) => problems.push(format!("{}: {e}", v.file)),
        }
    }

    if vectors.len() < MIN_VECTORS {
        problems.push(format!(
            "only {} vector files in {}; the corpus must hold at least {MIN_VECTORS}",
            vectors.len(),
            dir.display()
        ));
    }
    let kinds = format_rule_kinds();
    if kinds.len() < 11 {
        problems.push(format!(
            "could not read the rule kinds from the engine's JSON Schema (found {kinds:?})"
        ));
    }
    for k in kinds.difference(&kinds_used) {
        problems.push(format!("no vector uses the rule kind `{k}`"));
    }
    for k in kinds_used.difference(&kinds) {
        problems.push(format!("vectors use `{k}`, which the format does not define"));
    }

    if !failures.is_empty() || !problems.is_empty() {
        let mut report = format!(
            "{} conformance failure(s) in {} vectors ({} cases):\n",
            failures.len(),
            vectors.len(),
            cases
        );
        for f in &failures {
            report.push_str(&format!("\n- {f}"));
        }
        for p in &problems {
            report.push_str(&format!("\n- {p}"));
        }
        panic!("{report}");
    }
    eprintln!("{} vectors, {} cases: all pass", vectors.len(), cases);
}

/// The exact wire output of every vector, kept as insta snapshots in `tests/vectors/expected/`:
/// the Python and JavaScript runners compare their bindings' output with these files, so all three
/// languages answer alike to the byte. After an intended change: `cargo insta review`.
#[test]
fn wire_outputs_match_the_expected_files() {
    let dir = vectors_dir();
    let vectors = load_vectors(&dir).unwrap_or_default();
    assert!(vectors.len() >= MIN_VECTORS);
    for v in &vectors {
        let output = wire_outputs(v, &dir).unwrap_or_else(|e| panic!("{}: {e}", v.file));
        let text = serde_json::to_string_pretty(&output).unwrap_or_default();
        let name = v.file.trim_end_matches(".json").to_string();
        insta::with_settings!({
            snapshot_path => dir.join("expected"),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, text);
        });
    }
}

#[test]
fn a_malformed_vector_is_reported_with_its_file_name() {
    let dir = std::env::temp_dir().join(format!("jixiao-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("001-broken.json"), "{\"name\": \"broken\",").unwrap();
    let err = load_vectors(&dir).unwrap_err();
    assert!(err.iter().any(|e| e.contains("001-broken.json")), "{err:?}");

    // Well-formed JSON with a misspelt expectation key is a failure too, never skipped.
    std::fs::write(
        dir.join("001-broken.json"),
        r#"{"name": "broken", "description": "x", "system_file": "none.json",
            "cases": [{"name": "c", "inputs": {}, "expect": {"scroes": {}}}]}"#,
    )
    .unwrap();
    let vectors = load_vectors(&dir).unwrap();
    let failures = run_vector(&vectors[0], &dir);
    assert!(
        failures
            .iter()
            .any(|f| f.file == "001-broken.json" && f.actual.contains("scroes")),
        "{failures:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
