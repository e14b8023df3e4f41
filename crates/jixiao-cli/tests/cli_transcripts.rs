//! Transcripts of the commands the README shows (insta-cmd snapshots in `tests/snapshots/`): the
//! whole output, so that any change of a figure, a word or an alignment is a visible diff. After
//! an intended change: `cargo insta review`.

use std::process::Command;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

fn jixiao(args: &[&str]) -> Command {
    let mut cmd = Command::new(get_cargo_bin("jixiao"));
    cmd.args(args).env_remove("RUST_LOG").env("NO_COLOR", "1");
    cmd
}

#[test]
fn the_main_job() {
    assert_cmd_snapshot!(jixiao(&["score", "--system", "xiangxi-commerce-2019", "--example"]));
}

#[test]
fn the_main_job_in_english() {
    assert_cmd_snapshot!(jixiao(&[
        "score",
        "--system",
        "xiangxi-commerce-2019",
        "--example",
        "--lang",
        "en"
    ]));
}

#[test]
fn templates() {
    assert_cmd_snapshot!(jixiao(&["templates"]));
}

#[test]
fn show_as_markdown() {
    assert_cmd_snapshot!(jixiao(&["show", "hunan-dept", "--format", "md"]));
}

#[test]
fn inputs_to_fill_in() {
    assert_cmd_snapshot!(jixiao(&["inputs", "hunan-dept"]));
}

#[test]
fn whatif() {
    assert_cmd_snapshot!(jixiao(&[
        "whatif",
        "--system",
        "xiangxi-commerce-2019",
        "--example",
        "--set",
        "本年追加=0"
    ]));
}

#[test]
fn target() {
    assert_cmd_snapshot!(jixiao(&[
        "target",
        "--system",
        "xiangxi-commerce-2019",
        "--example",
        "--vary",
        "本年追加",
        "--goal",
        "2.1.2=2"
    ]));
}

#[test]
fn a_system_with_errors() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("bad.json");
    std::fs::write(
        &path,
        r#"{"format": 1, "id": "bad", "name": "坏", "indicators": [{"id": "1", "name": "甲", "points": "10",
            "rule": {"type": "rate", "value": "未声明"}}], "grades": [{"label": "合格", "min": "120"}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = jixiao(&["validate", "bad.json"]);
    cmd.current_dir(dir.path());
    assert_cmd_snapshot!(cmd);
}
