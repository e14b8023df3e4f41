//! `jixiao batch` on the shared table fixtures (`tests/tables/`) gives the results every front end
//! must give (`tests/tables/expected/*.snap`, written by the engine's own test).
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{read_csv, run, tempdir};

fn fixtures() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/tables")
}

/// The expected rows: the JSON after the snapshot's `---` header.
fn expected(name: &str) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(fixtures().join("expected").join(format!("{name}.snap"))).unwrap();
    let body = text.splitn(3, "---\n").nth(2).unwrap();
    serde_json::from_str(body).unwrap()
}

#[test]
fn batch_of_the_csv_fixture_gives_the_expected_rows() {
    let dir = tempdir();
    let input = fixtures().join("hunan-units.csv");
    let out = dir.path().join("r.csv");
    let o = run(
        dir.path(),
        &[
            "batch",
            "--system",
            "hunan-dept",
            "--input",
            input.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    // Some rows fail on purpose: exit status 1, the others scored.
    assert_eq!(o.status.code(), Some(1));
    let rows = read_csv(&out);
    let header = &rows[0];
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (unit, total, grade, error) = (col("单位"), col("总分"), col("等次"), col("错误"));
    let want = expected("hunan-units");
    assert_eq!(rows.len() - 1, want.len());
    for (row, want) in rows[1..].iter().zip(&want) {
        assert_eq!(row[unit], want["unit"].as_str().unwrap());
        match want.get("error") {
            None => {
                assert_eq!(row[total], want["total"].as_str().unwrap(), "{row:?}");
                assert_eq!(row[grade], want["grade"].as_str().unwrap(), "{row:?}");
                assert_eq!(row[error], "");
            }
            Some(e) => {
                assert_eq!((row[total].as_str(), row[grade].as_str()), ("", ""), "{row:?}");
                for input in e["inputs"].as_array().unwrap() {
                    let input = input.as_str().unwrap();
                    assert!(row[error].contains(&format!("`{input}`")), "{row:?}");
                }
            }
        }
    }
}
