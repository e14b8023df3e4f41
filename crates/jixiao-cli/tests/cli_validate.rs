//! `jixiao validate`: a valid system (exit 0), a system with several errors (exit 1, every error on
//! its own line with its location), unreadable files (exit 2).
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{SEED, SIMPLE, assert_clean, fatal, run, stderr, stdout, tempdir, write};

/// [`SIMPLE`] with three mistakes: a negative leaf (which also breaks its group's sum), an
/// expression with a doubled operator, and a rule reading an undeclared name.
fn broken() -> String {
    let mut doc: serde_json::Value = serde_json::from_str(SIMPLE).unwrap();
    doc["indicators"][0]["children"][0]["points"] = "-3".into();
    doc["metrics"][1]["expr"] = "(年初预算 - 年末结余) / / 年初预算".into();
    doc["indicators"][1]["children"][1]["rule"]["value"] = "违规数".into();
    serde_json::to_string_pretty(&doc).unwrap()
}

#[test]
fn validate_valid_files_and_builtins() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let o = run(dir.path(), &["validate", "simple.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "simple.json: valid — 测试指标表 (test-simple), 3 scored indicators, 25 points\n"
    );
    assert_eq!(stderr(&o), "");

    let toml = jixiao::IndicatorSystem::from_json(SIMPLE).unwrap().to_toml().unwrap();
    write(dir.path(), "simple.toml", &toml);
    let o = run(dir.path(), &["validate", "simple.toml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "simple.toml: valid — 测试指标表 (test-simple), 3 scored indicators, 25 points\n"
    );

    let o = run(dir.path(), &["validate", SEED]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        stdout(&o),
        "xiangxi-commerce-2019: valid — 湘西州商务局2019年度部门整体支出绩效评价指标表 (xiangxi-commerce-2019), \
         24 scored indicators, 100 points\n"
    );
    for b in jixiao::builtins() {
        let o = run(dir.path(), &["validate", b.id]);
        assert_eq!(o.status.code(), Some(0), "{}: {}", b.id, stderr(&o));
        let out = stdout(&o);
        assert!(out.starts_with(&format!("{}: valid — ", b.id)), "{out}");
        assert!(out.ends_with(" points\n"), "{out}");
    }
}

#[test]
fn validate_lists_every_error_with_its_location() {
    let dir = tempdir();
    write(dir.path(), "broken.json", &broken());
    let o = run(dir.path(), &["validate", "broken.json"]);
    let err = stderr(&o);
    assert_clean(&err);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(stdout(&o), "", "errors go to stderr");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines,
        [
            "broken.json: metrics[预算完成率].expr (at position 17): expected a number, a name, a function call or `(`, found `/`",
            "broken.json: indicators[1.1].points: points must not be negative, found -3",
            "broken.json: indicators[1].points: children's points sum to -3, but the indicator has 10",
            "broken.json: indicators[2.2].rule.value (at position 1): unknown name `违规数` (not a declared input or metric)",
            "broken.json: 4 errors",
        ],
        "{err}"
    );
    // Position 17 is the second `/` counted in characters from 1 (not bytes: the names are CJK).
    let expr = "(年初预算 - 年末结余) / / 年初预算";
    assert_eq!(expr.chars().nth(16), Some('/'));
    assert_eq!(expr.chars().nth(14), Some('/'));

    // The same mistakes in TOML are reported at the same places.
    let toml = jixiao::IndicatorSystem::from_json(&broken())
        .unwrap()
        .to_toml()
        .unwrap();
    write(dir.path(), "broken.toml", &toml);
    let o = run(dir.path(), &["validate", "broken.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let toml_err = stderr(&o);
    assert_eq!(toml_err, err.replace("broken.json", "broken.toml"));
}

#[test]
fn validate_structural_errors_have_line_and_column() {
    let dir = tempdir();
    // A wrong type: points that are not a number.
    let text = SIMPLE.replace(r#""points": "5","#, r#""points": "five","#);
    write(dir.path(), "five.json", &text);
    let o = run(dir.path(), &["validate", "five.json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("five.json: indicators[1].children[1].points (line 29 column "),
        "{err}"
    );
    assert!(
        err.ends_with(
            "): `five` is not a decimal number (expected digits such as `82.39` or `95%`)\nfive.json: 1 error\n"
        ),
        "{err}"
    );
    // A misspelt field.
    let text = SIMPLE.replace(r#""rule": {"type": "rate""#, r#""rules": {"type": "rate""#);
    write(dir.path(), "field.json", &text);
    let o = run(dir.path(), &["validate", "field.json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.starts_with("field.json: indicators[1].children[0].rules (line 28 column "),
        "{err}"
    );
    assert!(err.contains("unknown field `rules`, expected one of"), "{err}");
    assert!(err.ends_with("\nfield.json: 1 error\n"), "{err}");
    // A TOML syntax error.
    write(dir.path(), "syntax.toml", "format = 1\nid = \"x\"\nname = \n");
    let o = run(dir.path(), &["validate", "syntax.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("line 3 column 8"), "{err}");
    assert!(err.contains("string values must be quoted"), "{err}");
}

/// A truncated JSON system: the error names the place, with no placeholder for a path.
#[test]
fn validate_truncated_json_is_one_clear_error() {
    let dir = tempdir();
    let truncated: String = SIMPLE.lines().take(8).collect::<Vec<_>>().join("\n");
    write(dir.path(), "truncated.json", &truncated);
    let o = run(dir.path(), &["validate", "truncated.json"]);
    let err = stderr(&o);
    assert_clean(&err);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].starts_with("truncated.json"), "{err}");
    assert!(lines[0].contains("line 8 column"), "{err}");
    assert!(
        !lines[0].contains(": ? ("),
        "a `?` stands where a location should be: {}",
        lines[0]
    );
    assert_eq!(lines[1], "truncated.json: 1 error");
}

/// A `.json` system file whose top level is a list is reported as JSON, not as a TOML table.
#[test]
fn a_json_system_that_is_a_list_is_reported_as_json() {
    let dir = tempdir();
    write(dir.path(), "list.json", "[1, 2]\n");
    let o = run(dir.path(), &["validate", "list.json"]);
    let err = stderr(&o);
    assert_clean(&err);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        !err.contains("table"),
        "a JSON list is described as a TOML table: {err}"
    );
    let line = fatal(dir.path(), &["score", "--system", "list.json", "--input", "list.json"]);
    assert!(!line.contains("TOML"), "a .json system reported as TOML: {line}");
}

#[test]
fn validate_unreadable_files_exit_2() {
    let dir = tempdir();
    let line = fatal(dir.path(), &["validate", "missing.json"]);
    assert!(line.starts_with("error: missing.json: cannot read: "), "{line}");
    write(dir.path(), "empty.json", "");
    assert_eq!(
        fatal(dir.path(), &["validate", "empty.json"]),
        "error: empty.json: the file is empty"
    );
    write(dir.path(), "blank.toml", " \n\n");
    assert_eq!(
        fatal(dir.path(), &["validate", "blank.toml"]),
        "error: blank.toml: the file is empty"
    );
}

#[test]
fn using_a_system_with_errors_is_fatal_with_one_line() {
    let dir = tempdir();
    write(dir.path(), "broken.json", &broken());
    write(dir.path(), "unit.json", r#"{"编制数": 1}"#);
    let expected = "error: broken.json: the indicator system has 4 errors; \
                    - metrics[预算完成率].expr (at position 17): expected a number, a name, a function call or `(`, found `/`; \
                    - indicators[1.1].points: points must not be negative, found -3; \
                    - indicators[1].points: children's points sum to -3, but the indicator has 10; \
                    - indicators[2.2].rule.value (at position 1): unknown name `违规数` (not a declared input or metric)";
    assert_eq!(fatal(dir.path(), &["show", "broken.json"]), expected);
    assert_eq!(
        fatal(
            dir.path(),
            &["score", "--system", "broken.json", "--input", "unit.json"]
        ),
        expected
    );
    write(dir.path(), "units.csv", "单位,编制数\nA,1\n");
    assert_eq!(
        fatal(
            dir.path(),
            &[
                "batch",
                "--system",
                "broken.json",
                "--input",
                "units.csv",
                "--out",
                "r.csv"
            ]
        ),
        expected
    );
    assert!(
        !dir.path().join("r.csv").exists(),
        "no result file for an invalid system"
    );
}

#[test]
fn validate_columns_count_characters_not_bytes() {
    let dir = tempdir();
    // A wrong type: points that are not a number. The line is
    // `      {"id": "2.2", "name": "资金使用合规性", "points": "five",`: the value starts at character
    // 50 (byte 64). Columns are counted in characters, as editors count them and as expression
    // positions are counted (`at position 17` in validate_lists_every_error_with_its_location).
    let text = SIMPLE.replace(r#""points": "5","#, r#""points": "five","#);
    write(dir.path(), "five.json", &text);
    let o = run(dir.path(), &["validate", "five.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o),
        "five.json: indicators[1].children[1].points (line 29 column 50): `five` is not a decimal number \
         (expected digits such as `82.39` or `95%`)\nfive.json: 1 error\n"
    );
}

#[test]
fn validate_shows_warnings_but_the_system_stays_valid() {
    let dir = tempdir();
    // `100` for `100%`: the step would only start deducting above 10000%.
    let slip = SIMPLE.replace(r#""threshold": "100%""#, r#""threshold": "100""#);
    assert_ne!(slip, SIMPLE);
    write(dir.path(), "slip.json", &slip);
    let o = run(dir.path(), &["validate", "slip.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("slip.json: valid — "), "{}", stdout(&o));
    assert_eq!(
        stderr(&o),
        "slip.json: warning: indicators[1.1].rule.threshold: `在职人员控制率` is a `%` value (a ratio: 100% is 1), \
         so the threshold 100 means 10000%; did you mean `100%`?\n"
    );
}
