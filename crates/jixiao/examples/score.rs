//! Scores a department against an indicator system and prints the explanation.
//!
//! `cargo run -p jixiao --example score -- SYSTEM.json INPUTS.json [zh|en]`; without arguments it
//! scores the bundled Hunan-style excerpt with the 湘西州商务局 2019 figures.

use std::process::ExitCode;

const SYSTEM: &str = include_str!("../../../tests/vectors/systems/hunan-excerpt.json");
// 湘西州商务局 2019 (the seed report, section 二): 编制 76, 实有 76; 收入合计 3867 = 上年结转 860 +
// 拨款 2899 + 其他收入 108; 累计结余 681. The report gives neither the split of the 2899 into 年初预算
// and 本年追加 nor the 三公经费 budgets: the figures below for those are assumptions (the report says
// the 追加 was large enough to lose every point of 预算调整率).
const INPUTS: &str = r#"{"编制数": 76, "在职人员数": 76, "本年度三公经费预算数": "50", "上年度三公经费预算数": "52",
  "上年结转": 860, "年初预算": 2000, "本年追加": 1007, "年末结余": 681}"#;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let read = |path: &String| std::fs::read_to_string(path).map_err(|e| format!("cannot read `{path}`: {e}"));
    let run = || -> Result<String, String> {
        let (system, inputs) = match (args.first(), args.get(1)) {
            (Some(s), Some(i)) => (read(s)?, read(i)?),
            _ => (SYSTEM.to_string(), INPUTS.to_string()),
        };
        let lang = args.get(2).map_or(Ok(jixiao::Lang::Zh), |l| l.parse())?;
        jixiao::wire::explain_json(&system, &inputs, lang).map_err(|e| e.to_string())
    };
    match run() {
        Ok(text) => {
            println!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
