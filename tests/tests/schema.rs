//! The committed JSON Schema of the indicator-system format is the one the engine generates.
//!
//! Regenerate with `JIXIAO_UPDATE_SCHEMA=1 cargo test -p jixiao-conformance --test schema`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers: a failed expectation is a test failure (clippy.toml allows these only inside #[test] functions)"
)]

use std::path::PathBuf;

use serde_json::Value;

const REGENERATE: &str = "JIXIAO_UPDATE_SCHEMA=1 cargo test -p jixiao-conformance --test schema";

/// Every `type` of a scoring rule (`model::Rule`, snake_case).
const RULE_KINDS: [&str; 11] = [
    "step",
    "tiers",
    "ratio",
    "rate",
    "level",
    "checklist",
    "per_occurrence",
    "manual",
    "cases",
    "formula",
    "choose_one",
];

fn schema_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schema/indicator-system.schema.json")
}

fn updating() -> bool {
    std::env::var_os("JIXIAO_UPDATE_SCHEMA").is_some_and(|v| !v.is_empty() && v != "0")
}

#[test]
fn committed_schema_is_up_to_date() {
    let generated = jixiao::wire::schema_json();
    let path = schema_path();
    if updating() {
        std::fs::write(&path, &generated).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read the committed schema {}: {e}\nGenerate it with `{REGENERATE}`",
            path.display()
        )
    });
    if committed != generated {
        let first = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(generated.lines().count()));
        panic!(
            "schema/indicator-system.schema.json is stale: it differs from `jixiao::wire::schema_json()` \
             from line {} on\n  committed: {}\n  generated: {}\nRegenerate it with `{REGENERATE}` and commit the result.",
            first + 1,
            committed.lines().nth(first).unwrap_or("(end of file)"),
            generated.lines().nth(first).unwrap_or("(end of file)"),
        );
    }
}

/// The `const` values of the `type` property of every alternative of `$defs.Rule`.
fn rule_types(schema: &Value) -> Vec<String> {
    let alternatives = schema["$defs"]["Rule"]
        .get("oneOf")
        .or_else(|| schema["$defs"]["Rule"].get("anyOf"))
        .and_then(Value::as_array)
        .expect("$defs.Rule has oneOf/anyOf alternatives");
    alternatives
        .iter()
        .filter_map(|alt| {
            let t = &alt["properties"]["type"];
            t.get("const")
                .and_then(Value::as_str)
                .or_else(|| t["enum"].get(0).and_then(Value::as_str))
                .map(str::to_string)
        })
        .collect()
}

#[test]
fn schema_names_every_rule_kind() {
    let schema: Value = serde_json::from_str(&jixiao::wire::schema_json()).expect("the schema is JSON");
    let mut kinds = rule_types(&schema);
    for kind in RULE_KINDS {
        assert!(
            kinds.iter().any(|k| k == kind),
            "the schema's Rule has no alternative with type `{kind}`; found {kinds:?}"
        );
    }
    kinds.sort();
    let mut expected: Vec<String> = RULE_KINDS.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(
        kinds, expected,
        "the schema names rule kinds this test does not know; add them to RULE_KINDS and to the property tests"
    );
}

#[test]
fn schema_describes_the_top_level_fields() {
    let schema: Value = serde_json::from_str(&jixiao::wire::schema_json()).expect("the schema is JSON");
    let required: Vec<&str> = schema["required"]
        .as_array()
        .expect("required list")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    for field in ["format", "id", "name", "indicators", "grades"] {
        assert!(
            required.contains(&field),
            "`{field}` should be required, found {required:?}"
        );
    }
    assert_eq!(
        schema["additionalProperties"],
        Value::Bool(false),
        "unknown top-level fields are refused by the loader, so the schema must refuse them too"
    );
}
