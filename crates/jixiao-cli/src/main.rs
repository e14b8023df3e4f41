//! `jixiao`: validate, show and score indicator systems on files.
//!
//! Exit status: 0 success; 1 the system is invalid (`validate`) or some units failed (`batch`);
//! 2 nothing could be done (unreadable file, invalid system, bad arguments).

mod analyze;
mod batch;
mod html;
mod project;
mod unit;
mod xlsx;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use jixiao::report::{self, Format};
use jixiao::{IndicatorSystem, Lang, Scorer};

/// An error for the user: one line, and the exit status it ends with.
#[derive(Debug)]
pub struct Fail {
    message: String,
    code: u8,
}

impl Fail {
    /// The message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// A fatal error (exit status 2).
    pub fn new(message: impl Into<String>) -> Self {
        Fail {
            message: message.into(),
            code: 2,
        }
    }

    /// A fatal error worded in both languages; the run's `--lang` picks one ([`tr`]).
    pub fn say(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Fail::new(tr(zh, en))
    }
}

/// The language of this run's messages: its `--lang` (else the environment's `JIXIAO_LANG`, else
/// 中文), read once before the command runs, so that every message, wherever it is raised, is in
/// the language the user reads the results in.
static MESSAGE_LANG: std::sync::OnceLock<Lang> = std::sync::OnceLock::new();

/// The language of this run's messages.
pub fn message_lang() -> Lang {
    MESSAGE_LANG.get().copied().unwrap_or_default()
}

/// One of two wordings of a message, in the run's language.
pub fn tr(zh: impl Into<String>, en: impl Into<String>) -> String {
    match message_lang() {
        Lang::Zh => zh.into(),
        Lang::En => en.into(),
    }
}

/// `--lang X` or `--lang=X` among the arguments (an unknown value is refused later by the command).
fn lang_argument(args: &[std::ffi::OsString]) -> Option<Lang> {
    let args: Vec<&str> = args.iter().filter_map(|a| a.to_str()).collect();
    args.iter().enumerate().find_map(|(i, a)| {
        let value = match a.strip_prefix("--lang") {
            Some("") => args.get(i + 1).copied(),
            Some(rest) => rest.strip_prefix('='),
            None => None,
        };
        value.and_then(|v| v.parse().ok())
    })
}

/// Results of this command.
pub type Result<T> = std::result::Result<T, Fail>;

#[derive(Parser, Debug)]
#[command(
    name = "jixiao",
    version,
    about = "Exact, explainable scoring of budget performance evaluations (预算绩效评价)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// List the built-in indicator systems.
    Templates {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print an indicator table as bureaus print it (一级/二级/三级指标, 分值, 评分标准).
    Show {
        /// A built-in id (see `jixiao templates`) or a system file (JSON or TOML).
        system: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
        format: ShowFormat,
        /// Language of the table.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// List a system's declared inputs (the base-data table to fill in); `--format csv` prints a
    /// template for `jixiao score --input`.
    Inputs {
        /// A built-in id or a system file.
        system: String,
        /// Output format.
        #[arg(long, value_enum, default_value_t = InputsFormat::Text)]
        format: InputsFormat,
        /// Fill in the values of the built-in's example inputs.
        #[arg(long)]
        example: bool,
        /// Write to this file instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Check a system file; list every error with its location (exit status 1 when invalid).
    Validate {
        /// A system file (JSON or TOML) or a built-in id.
        system: String,
    },
    /// Score one unit: the filled-in self-evaluation table (自评表).
    Score {
        /// A built-in id or a system file.
        #[arg(long)]
        system: String,
        /// The unit's inputs: JSON, TOML, CSV or Excel (.xlsx).
        #[arg(long, required_unless_present = "example", conflicts_with = "example")]
        input: Option<PathBuf>,
        /// Score the example inputs bundled with a built-in system.
        #[arg(long)]
        example: bool,
        /// Output format (default: from --out's extension, else table).
        #[arg(long, value_enum)]
        format: Option<ScoreFormat>,
        /// Language of explanations and headers.
        #[arg(long, default_value = "zh")]
        lang: String,
        /// Write to this file instead of standard output (required for xlsx).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Score many units, one row each (CSV is streamed; Excel is read whole).
    Batch {
        /// A built-in id or a system file.
        #[arg(long)]
        system: String,
        /// Units: CSV or Excel with a header row of input names, one unit per row.
        #[arg(long)]
        input: PathBuf,
        /// Results: .csv or .xlsx.
        #[arg(long)]
        out: PathBuf,
        /// The column naming each unit (default: a first column that is not an input).
        #[arg(long)]
        id_column: Option<String>,
        /// Columns to ignore (repeatable).
        #[arg(long)]
        ignore_column: Vec<String>,
        /// Language of the result headers.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// What if some inputs were different: every indicator, the total and the grade, before and after.
    Whatif {
        #[command(flatten)]
        unit: UnitArgs,
        /// A changed input, `名称=值` (repeatable), e.g. --set 本年追加=300.
        #[arg(long = "set", required = true)]
        sets: Vec<String>,
        #[command(flatten)]
        output: AnalysisOut,
    },
    /// Two units (or two years of one) side by side, indicator by indicator.
    Compare {
        /// A built-in id or a system file.
        #[arg(long)]
        system: String,
        /// The first unit's inputs.
        #[arg(long)]
        input: PathBuf,
        /// The second unit's inputs.
        #[arg(long)]
        with: PathBuf,
        #[command(flatten)]
        output: AnalysisOut,
    },
    /// Every score as one input varies over a range: the exact breakpoints (tier edges, step edges,
    /// where a deduction starts or stops, grade changes).
    Sensitivity {
        #[command(flatten)]
        unit: UnitArgs,
        /// The input to vary.
        #[arg(long)]
        vary: String,
        /// Range start.
        #[arg(long, allow_hyphen_values = true)]
        from: String,
        /// Range end.
        #[arg(long, allow_hyphen_values = true)]
        to: String,
        /// The input's resolution (default: 1 for counts, else 0.01, or 0.0001 for percentages).
        #[arg(long)]
        resolution: Option<String>,
        #[command(flatten)]
        output: AnalysisOut,
    },
    /// The least change of one input that reaches a goal ("达到优秀还需要…"); exit status 1 when
    /// no value of the input reaches it.
    Target {
        #[command(flatten)]
        unit: UnitArgs,
        /// The input to change.
        #[arg(long)]
        vary: String,
        /// The goal: total=90, grade=优 or INDICATOR_ID=score (e.g. 2.1.1=5).
        #[arg(long)]
        goal: String,
        /// Search from (default: the input's allowed range around the current value).
        #[arg(long, allow_hyphen_values = true)]
        from: Option<String>,
        /// Search to.
        #[arg(long, allow_hyphen_values = true)]
        to: Option<String>,
        /// The input's resolution.
        #[arg(long)]
        resolution: Option<String>,
        #[command(flatten)]
        output: AnalysisOut,
    },
    /// Check claimed self-evaluation scores against the unit's own figures (复核). One unit:
    /// --input and --claims (JSON: {"scores": {id: score}, "total", "grade"}); many units: a CSV or
    /// Excel table with input columns and claimed scores (columns named by indicator id, 总分, 等次)
    /// and --out. Exit status 1 when any claim does not follow from the figures.
    Audit {
        /// A built-in id or a system file.
        #[arg(long)]
        system: String,
        /// One unit's inputs, or a table of units with their claims.
        #[arg(long)]
        input: PathBuf,
        /// The claims of one unit (JSON).
        #[arg(long)]
        claims: Option<PathBuf>,
        /// The audit report of a table (.csv or .xlsx); for one unit (with --claims), its review
        /// table (复核表: 自评 and 复核 score of every indicator, 复核意见) as .md, .html, .csv,
        /// .xlsx or .txt.
        #[arg(long)]
        out: Option<PathBuf>,
        /// The column naming each unit in a table.
        #[arg(long)]
        id_column: Option<String>,
        /// Columns to ignore (repeatable).
        #[arg(long)]
        ignore_column: Vec<String>,
        /// Output format of a one-unit audit.
        #[arg(long, value_enum, default_value_t = analyze::AnalysisFormat::Text)]
        format: analyze::AnalysisFormat,
        /// Language.
        #[arg(long, default_value = "zh")]
        lang: String,
    },
    /// Print the JSON Schema of the indicator-system format.
    Schema,
}

/// The unit an analysis starts from.
#[derive(clap::Args, Debug)]
struct UnitArgs {
    /// A built-in id or a system file.
    #[arg(long)]
    system: String,
    /// The unit's inputs (JSON, TOML, CSV or Excel).
    #[arg(long, required_unless_present = "example", conflicts_with = "example")]
    input: Option<PathBuf>,
    /// Start from a built-in's example inputs.
    #[arg(long)]
    example: bool,
}

/// Where and how an analysis is written.
#[derive(clap::Args, Debug)]
struct AnalysisOut {
    /// Output format.
    #[arg(long, value_enum, default_value_t = analyze::AnalysisFormat::Text)]
    format: analyze::AnalysisFormat,
    /// Language.
    #[arg(long, default_value = "zh")]
    lang: String,
    /// Write to this file instead of standard output.
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum InputsFormat {
    Text,
    Csv,
    Json,
    /// The CSV template as a workbook (needs --out FILE.xlsx).
    Xlsx,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ShowFormat {
    Text,
    Md,
    Html,
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ScoreFormat {
    Table,
    Json,
    Md,
    Html,
    Csv,
    Xlsx,
}

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `--lang` decides; without one, JIXIAO_LANG (e.g. `en` for logs read by developers); else 中文.
    let env_lang = std::env::var("JIXIAO_LANG").ok().and_then(|v| v.parse().ok());
    let _ = MESSAGE_LANG.set(lang_argument(&args).or(env_lang).unwrap_or_default());
    let cli = Cli::parse_from(args);
    match run(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(fail) => {
            eprintln!("{}{}", tr("错误：", "error: "), fail.message);
            ExitCode::from(fail.code)
        }
    }
}

fn lang(text: &str) -> Result<Lang> {
    text.parse()
        .map_err(|e: String| Fail::say(format!("未知的语言“{text}”（可选 zh 或 en）"), e))
}

/// Reads a system named by a built-in id or a path.
pub fn load_system(name: &str) -> Result<(IndicatorSystem, Scorer, Option<&'static jixiao::Builtin>)> {
    if let Some(b) = jixiao::builtin(name) {
        let system = b
            .system()
            .map_err(|e| Fail::say(format!("内置体系“{name}”：{e}"), format!("built-in `{name}`: {e}")))?;
        let scorer = Scorer::new(&system)
            .map_err(|e| Fail::say(format!("内置体系“{name}”：{e}"), format!("built-in `{name}`: {e}")))?;
        return Ok((system, scorer, Some(b)));
    }
    let path = Path::new(name);
    if !path.exists() {
        return Err(Fail::say(
            format!("“{name}”既不是内置评价体系（见 jixiao templates），也不是已有的文件"),
            format!("`{name}` is neither a built-in system (see `jixiao templates`) nor an existing file"),
        ));
    }
    let text = read_text(path)?;
    let system = parse_system(path, &text).map_err(|e| system_error(name, &e))?;
    let scorer = Scorer::new(&system).map_err(|e| system_error(name, &jixiao::LoadError::Invalid(e)))?;
    Ok((system, scorer, None))
}

/// Parses a system file as its extension says (`.json`, `.toml`), else by its content.
fn parse_system(path: &Path, text: &str) -> std::result::Result<IndicatorSystem, jixiao::LoadError> {
    match unit::extension(path).as_str() {
        "json" => IndicatorSystem::from_json(text),
        "toml" => IndicatorSystem::from_toml(text),
        _ => IndicatorSystem::from_text(text),
    }
}

/// CSV for people: a byte-order mark first, so that Excel shows the Chinese text (it reads CSV
/// without one in the system's code page).
fn csv_for_excel(text: String) -> String {
    format!("\u{feff}{text}")
}

/// Rows as CSV text for Excel (a byte-order mark first); rows may differ in length.
pub fn csv_text<'a>(rows: impl IntoIterator<Item = &'a Vec<String>>) -> Result<String> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    for r in rows {
        w.write_record(r).map_err(|e| Fail::new(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| Fail::new(e.to_string()))?;
    Ok(csv_for_excel(
        String::from_utf8(bytes).map_err(|e| Fail::new(e.to_string()))?,
    ))
}

/// A system file that does not load. The problems are located by the format's own field paths
/// (`indicators[2.1.1].rule`), which are English, and worded in English; the frame is in the
/// run's language.
fn system_error(name: &str, e: &jixiao::LoadError) -> Fail {
    let issues = e.issues();
    let n = issues.len();
    let zh: Vec<String> = issues
        .iter()
        .map(|i| match i.position {
            Some(p) => format!("{}（第{p}个字符处）：{}", i.path, i.message),
            None => format!("{}：{}", i.path, i.message),
        })
        .collect();
    let zh = zh.join("；");
    let en = one_line(&e.to_string());
    match e {
        jixiao::LoadError::Syntax { .. } => {
            Fail::say(format!("{name}：评价体系文件格式有误：{zh}"), format!("{name}: {en}"))
        }
        _ => Fail::say(
            format!("{name}：评价体系文件有{n}处错误：{zh}"),
            format!("{name}: {en}"),
        ),
    }
}

fn one_line(s: &str) -> String {
    s.lines().map(str::trim).collect::<Vec<_>>().join("; ")
}

/// Reads a UTF-8 text file (a leading byte-order mark is dropped).
pub fn read_text(path: &Path) -> Result<String> {
    let file = path.display();
    let bytes = std::fs::read(path)
        .map_err(|e| Fail::say(format!("{file}：无法读取（{e}）"), format!("{file}: cannot read: {e}")))?;
    let text = String::from_utf8(bytes).map_err(|_| {
        Fail::say(
            format!("{file}：不是 UTF-8 编码的文本，请另存为 UTF-8（Excel：另存为 → CSV UTF-8）"),
            format!("{file}: not UTF-8 text"),
        )
    })?;
    if text.trim().is_empty() {
        return Err(Fail::say(
            format!("{file}：文件是空的"),
            format!("{file}: the file is empty"),
        ));
    }
    Ok(text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text))
}

/// `--out` must not name the input file: the results would overwrite the figures they came from.
pub fn refuse_overwriting_input(input: &Path, out: Option<&Path>) -> Result<()> {
    let same = out.is_some_and(|out| match (std::fs::canonicalize(input), std::fs::canonicalize(out)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    });
    if same {
        let file = input.display();
        return Err(Fail::say(
            format!("{file}：--out 指向输入文件本身，结果会覆盖原始数据；请写到另一个文件"),
            format!("{file}: --out is the input file; write the results to another file"),
        ));
    }
    Ok(())
}

/// Writing a result file failed.
pub fn cannot_write(path: &Path, e: &dyn std::fmt::Display) -> Fail {
    let file = path.display();
    Fail::say(format!("{file}：无法写入（{e}）"), format!("{file}: cannot write: {e}"))
}

/// `--example` names a file, not a built-in system.
pub fn example_needs_builtin(name: &str) -> Fail {
    Fail::say(
        format!("--example 只用于内置评价体系，“{name}”是一个文件；请用 --input 给出基础数据"),
        format!("--example needs a built-in system; `{name}` is a file"),
    )
}

pub fn emit(out: &Option<PathBuf>, text: &str) -> Result<()> {
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| cannot_write(path, &e)),
        None => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (`jixiao ... | head`) is not an error worth a message.
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
            Ok(())
        }
    }
}

fn run(command: Command) -> Result<u8> {
    match command {
        Command::Templates { format } => templates(format),
        Command::Show {
            system,
            format,
            lang: l,
            out,
        } => show(&system, format, lang(&l)?, &out),
        Command::Validate { system } => validate(&system),
        Command::Inputs {
            system,
            format,
            example,
            out,
        } => inputs(&system, format, example, &out),
        Command::Score {
            system,
            input,
            example,
            format,
            lang: l,
            out,
        } => score(&system, input.as_deref(), example, format, lang(&l)?, &out),
        Command::Batch {
            system,
            input,
            out,
            id_column,
            ignore_column,
            lang: l,
        } => {
            if let Some(template) = project::template(&system) {
                let (template, _) = template?;
                return project::batch(&template, &input, &out, lang(&l)?);
            }
            let (system_data, scorer, _) = load_system(&system)?;
            batch::run(&batch::Options {
                system: &system_data,
                scorer: &scorer,
                input: &input,
                out: &out,
                id_column: id_column.as_deref(),
                ignore: &ignore_column,
                lang: lang(&l)?,
            })
        }
        Command::Whatif {
            unit: u,
            sets,
            output: o,
        } => {
            let (_, scorer, inputs) = analyze::base_inputs(&u.system, u.input.as_deref(), u.example)?;
            analyze::whatif(&scorer, &inputs, &sets, o.format, lang(&o.lang)?, &o.out)
        }
        Command::Compare {
            system,
            input,
            with,
            output: o,
        } => {
            let (_, scorer, _) = load_system(&system)?;
            let a = unit::read(&input, &scorer)?;
            let b = unit::read(&with, &scorer)?;
            analyze::compare(&scorer, &a, &b, o.format, lang(&o.lang)?, &o.out)
        }
        Command::Sensitivity {
            unit: u,
            vary,
            from,
            to,
            resolution,
            output: o,
        } => {
            let (_, scorer, inputs) = analyze::base_inputs(&u.system, u.input.as_deref(), u.example)?;
            let v = analyze::Vary {
                input: &vary,
                from: Some(&from),
                to: Some(&to),
                resolution: resolution.as_deref(),
            };
            analyze::sensitivity(&scorer, &inputs, &v, o.format, lang(&o.lang)?, &o.out)
        }
        Command::Target {
            unit: u,
            vary,
            goal,
            from,
            to,
            resolution,
            output: o,
        } => {
            let (_, scorer, inputs) = analyze::base_inputs(&u.system, u.input.as_deref(), u.example)?;
            let v = analyze::Vary {
                input: &vary,
                from: from.as_deref(),
                to: to.as_deref(),
                resolution: resolution.as_deref(),
            };
            analyze::target(&scorer, &inputs, &v, &goal, o.format, lang(&o.lang)?, &o.out)
        }
        Command::Audit {
            system,
            input,
            claims,
            out,
            id_column,
            ignore_column,
            format,
            lang: l,
        } => {
            if jixiao::project::builtin(&system).is_some() {
                // A project's table carries its own claims (each row's 得分, 总分, 等次).
                refuse_overwriting_input(&input, out.as_deref())?;
                return analyze::audit_project(&system, &input, format, lang(&l)?, &out);
            }
            let (system_data, scorer, _) = load_system(&system)?;
            match (claims, out) {
                (Some(claims), None) => {
                    let inputs = unit::read(&input, &scorer)?;
                    analyze::audit_one(&system_data, &scorer, &inputs, &claims, format, lang(&l)?, &None)
                }
                // One unit with --out: the review table (复核表) in the file's format.
                (Some(claims), Some(out)) => refuse_overwriting_input(&input, Some(&out)).and_then(|()| {
                    let inputs = unit::read(&input, &scorer)?;
                    analyze::audit_one(&system_data, &scorer, &inputs, &claims, format, lang(&l)?, &Some(out))
                }),
                (None, Some(out)) => refuse_overwriting_input(&input, Some(&out)).and_then(|()| {
                    analyze::audit_table(
                        &system_data,
                        &scorer,
                        &input,
                        &out,
                        id_column.as_deref(),
                        &ignore_column,
                        lang(&l)?,
                    )
                }),
                _ => Err(Fail::say(
                    "请用 --claims 文件 复核一个单位，或用 --out 文件 复核一张多单位的表",
                    "give --claims FILE for one unit, or --out FILE for a table of units",
                )),
            }
        }
        Command::Schema => {
            emit(&None, &jixiao::wire::schema_json())?;
            Ok(0)
        }
    }
}

fn templates(format: ListFormat) -> Result<u8> {
    let mut rows = Vec::new();
    for b in jixiao::builtins() {
        let s = b
            .system()
            .map_err(|e| Fail::say(format!("内置体系“{}”：{e}", b.id), format!("built-in `{}`: {e}", b.id)))?;
        rows.push((
            b.id,
            s.name,
            s.issuer.unwrap_or_default(),
            s.year.map(|y| y.to_string()).unwrap_or_default(),
        ));
    }
    // Project templates: each project brings its own rows (jixiao score --system ID --input project.json).
    for id in jixiao::project::builtin_ids() {
        if let Some(Ok((t, _))) = jixiao::project::builtin(id) {
            rows.push((
                id,
                format!("{}（项目模板）", t.name),
                t.issuer.unwrap_or_default(),
                String::new(),
            ));
        }
    }
    let text = match format {
        ListFormat::Json => {
            let list: Vec<_> = rows
                .iter()
                .map(|(id, name, issuer, year)| serde_json::json!({"id": id, "name": name, "issuer": issuer, "year": year}))
                .collect();
            format!("{}\n", serde_json::Value::Array(list))
        }
        ListFormat::Text => {
            let cells: Vec<Vec<String>> = rows
                .into_iter()
                .map(|(id, name, issuer, year)| vec![id.to_string(), name, issuer, year])
                .collect();
            jixiao::report::text_table(&["标识", "名称", "发布单位", "年度"], &cells)
        }
    };
    emit(&None, &text)?;
    Ok(0)
}

fn show(name: &str, format: ShowFormat, lang: Lang, out: &Option<PathBuf>) -> Result<u8> {
    if let Some(template) = project::template(name) {
        let (template, _) = template?;
        let text = match format {
            ShowFormat::Text | ShowFormat::Md => format!("{}\n", template.describe(lang)),
            ShowFormat::Json => format!("{}\n", serde_json::to_string_pretty(&template).unwrap_or_default()),
            ShowFormat::Html | ShowFormat::Csv => {
                return Err(Fail::say(
                    "项目模板只有文字（--format text）和 JSON（--format json）形式；空白自评表请用 jixiao inputs 模板 --format csv",
                    "a project template shows as text or json; for a blank table use jixiao inputs TEMPLATE --format csv",
                ));
            }
        };
        emit(out, &text)?;
        return Ok(0);
    }
    let (system, _, _) = load_system(name)?;
    let text = match format {
        ShowFormat::Text => report::system_report(&system, Format::Text, lang),
        ShowFormat::Md => report::system_report(&system, Format::Markdown, lang),
        ShowFormat::Html => report::system_report(&system, Format::Html, lang),
        ShowFormat::Csv => csv_for_excel(report::system_report(&system, Format::Csv, lang)),
        ShowFormat::Json => {
            let rows: Vec<_> = report::system_rows(&system, lang)
                .into_iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id, "depth": r.depth, "name": r.name, "points": report::figure(r.points),
                        "standard": r.standard, "published": r.published, "assumed": r.assumed,
                    })
                })
                .collect();
            let doc = serde_json::json!({"id": system.id, "name": system.name, "source": system.source, "rows": rows});
            format!("{}\n", serde_json::to_string_pretty(&doc).unwrap_or_default())
        }
    };
    emit(out, &text)?;
    Ok(0)
}

fn inputs(name: &str, format: InputsFormat, example: bool, out: &Option<PathBuf>) -> Result<u8> {
    if let Some(template) = project::template(name) {
        let (template, bundled) = template?;
        let unit = if example {
            Some(bundled.ok_or_else(|| example_needs_builtin(name))?)
        } else {
            None
        };
        // A project's table to fill in: the published layout, read back by score --input.
        let grid = template.grid(unit.as_ref());
        let text = match format {
            InputsFormat::Json => {
                let unit = unit.unwrap_or_default();
                format!("{}\n", serde_json::to_string_pretty(&unit).unwrap_or_default())
            }
            InputsFormat::Csv => csv_text(&grid)?,
            InputsFormat::Xlsx => {
                return Err(Fail::say(
                    "项目模板的空白表请用 --format csv 生成（可用 Excel 或 WPS 打开）",
                    "a project template's blank table is written with --format csv (Excel and WPS open it)",
                ));
            }
            InputsFormat::Text => {
                let lines: Vec<String> = grid
                    .iter()
                    .map(|r| {
                        let end = r.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
                        r.iter().take(end).cloned().collect::<Vec<_>>().join(" | ")
                    })
                    .collect();
                format!("{}\n", lines.join("\n"))
            }
        };
        emit(out, &text)?;
        return Ok(0);
    }
    let (system, _, builtin) = load_system(name)?;
    let values: serde_json::Map<String, serde_json::Value> = if example {
        let b = builtin.ok_or_else(|| example_needs_builtin(name))?;
        match serde_json::from_str(b.example()) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => {
                return Err(Fail::say(
                    format!("内置体系“{name}”：示例基础数据不是 JSON 对象"),
                    format!("built-in `{name}`: its example inputs are not a JSON object"),
                ));
            }
        }
    } else {
        serde_json::Map::new()
    };
    let cell = |v: Option<&serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(serde_json::Value::as_str)
            .collect::<Vec<_>>()
            .join("、"),
        // A level scored inside its band, as a cell gives it: `部分达成:3.5`.
        Some(serde_json::Value::Object(o)) => {
            let level = o.get("level").and_then(serde_json::Value::as_str).unwrap_or("");
            match o.get("score") {
                Some(serde_json::Value::String(score)) => format!("{level}:{score}"),
                Some(serde_json::Value::Number(score)) => format!("{level}:{score}"),
                _ => level.to_string(),
            }
        }
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let kind = |k: jixiao::InputKind| k.as_str().to_string();
    let describe = jixiao::inputs::table::template_notes;
    let text = match format {
        InputsFormat::Json => {
            let list: Vec<_> = system
                .inputs
                .iter()
                .map(|i| serde_json::json!({"name": i.name, "kind": kind(i.kind), "unit": i.unit, "required": i.required && i.default.is_none(), "description": describe(i), "value": values.get(&i.name)}))
                .collect();
            format!("{}\n", serde_json::to_string_pretty(&list).unwrap_or_default())
        }
        InputsFormat::Csv | InputsFormat::Xlsx => {
            let header = vec!["名称".to_string(), "数值".into(), "单位".into(), "说明".into()];
            let rows: Vec<Vec<String>> = system
                .inputs
                .iter()
                .map(|i| {
                    vec![
                        i.name.clone(),
                        cell(values.get(&i.name)),
                        i.unit.clone().unwrap_or_default(),
                        describe(i),
                    ]
                })
                .collect();
            if format == InputsFormat::Xlsx {
                let path = out.as_ref().ok_or_else(|| {
                    Fail::say(
                        "--format xlsx 须同时用 --out 文件.xlsx 指定输出文件",
                        "--format xlsx needs --out FILE.xlsx",
                    )
                })?;
                xlsx::write_table(path, "基础数据", &header, &rows)?;
                return Ok(0);
            }
            let mut w = csv::Writer::from_writer(Vec::new());
            for r in std::iter::once(&header).chain(&rows) {
                w.write_record(r).map_err(|e| Fail::new(e.to_string()))?;
            }
            let bytes = w.into_inner().map_err(|e| Fail::new(e.to_string()))?;
            csv_for_excel(String::from_utf8(bytes).map_err(|e| Fail::new(e.to_string()))?)
        }
        InputsFormat::Text => {
            let rows: Vec<Vec<String>> = system
                .inputs
                .iter()
                .map(|i| {
                    let need = match (&i.default, i.required) {
                        (Some(_), _) | (None, false) => "可选",
                        (None, true) => "必填",
                    };
                    // The default, for an input that may be left out.
                    let default = i.default.as_ref().map(|d| match d {
                        jixiao::InputDefault::Bool(b) => if *b { "是" } else { "否" }.to_string(),
                        jixiao::InputDefault::Text(t) => t.clone(),
                        jixiao::InputDefault::Items(items) => items.join("、"),
                    });
                    let notes = match (default, describe(i)) {
                        (Some(d), notes) if notes.is_empty() => format!("默认{d}"),
                        (Some(d), notes) => format!("默认{d}；{notes}"),
                        (None, notes) => notes,
                    };
                    vec![
                        i.name.clone(),
                        i.kind.text(Lang::Zh).to_string(),
                        i.unit.clone().unwrap_or_default(),
                        i.range_text(Lang::Zh).unwrap_or_default(),
                        need.into(),
                        cell(values.get(&i.name)),
                        notes,
                    ]
                })
                .collect();
            jixiao::report::text_table(&["名称", "类型", "单位", "取值范围", "必填", "数值", "说明"], &rows)
        }
    };
    emit(out, &text)?;
    Ok(0)
}

fn validate(name: &str) -> Result<u8> {
    if let Some(template) = project::template(name) {
        let (template, _) = template?;
        return match template.check() {
            Ok(()) => {
                let sections: Vec<String> = template
                    .sections
                    .iter()
                    .map(|s| format!("{} {}", s.name, report::figure(s.points.value())))
                    .collect();
                emit(
                    &None,
                    &tr(
                        format!(
                            "{name}：有效 — 项目模板 {}（{}），{}\n",
                            template.name,
                            template.id,
                            sections.join("、")
                        ),
                        format!(
                            "{name}: valid — project template {} ({}), {}\n",
                            template.name,
                            template.id,
                            sections.join(", ")
                        ),
                    ),
                )?;
                Ok(0)
            }
            Err(e) => Err(Fail::new(format!(
                "{name}{}{}",
                tr("：", ": "),
                e.message(message_lang())
            ))),
        };
    }
    let loaded = match jixiao::builtin(name) {
        Some(b) => Scorer::from_text(b.text()),
        None => {
            let path = Path::new(name);
            let text = read_text(path)?;
            parse_system(path, &text).and_then(|s| Ok(Scorer::new(&s)?))
        }
    };
    let errors = match loaded {
        Ok(scorer) => {
            let s = scorer.system();
            let leaves = report::system_rows(s, Lang::Zh).iter().filter(|r| r.is_leaf).count();
            let points: jixiao::Decimal = s.indicators.iter().map(|i| i.points.value()).sum();
            let (title, id, points) = (&s.name, &s.id, report::figure(points));
            emit(
                &None,
                &tr(
                    format!("{name}：有效 — {title}（{id}），计分指标{leaves}个，共{points}分\n"),
                    format!("{name}: valid — {title} ({id}), {leaves} scored indicators, {points} points\n"),
                ),
            )?;
            // Probable slips that the format allows: shown, but the system stays valid.
            let warnings: String = scorer
                .warnings()
                .iter()
                .map(|w| tr(format!("{name}：警告：{w}\n"), format!("{name}: warning: {w}\n")))
                .collect();
            eprint!("{warnings}");
            return Ok(0);
        }
        Err(e) => e.issues(),
    };
    let mut out = String::new();
    for issue in &errors {
        let zh = match issue.position {
            Some(p) => format!("{name}：{}（第{p}个字符处）：{}\n", issue.path, issue.message),
            None => format!("{name}：{}：{}\n", issue.path, issue.message),
        };
        out.push_str(&tr(zh, format!("{name}: {issue}\n")));
    }
    let n = errors.len();
    out.push_str(&tr(
        format!("{name}：共{n}处错误\n"),
        format!("{name}: {n} error{}\n", if n == 1 { "" } else { "s" }),
    ));
    eprint!("{out}");
    Ok(1)
}

fn score(
    name: &str,
    input: Option<&Path>,
    example: bool,
    format: Option<ScoreFormat>,
    lang: Lang,
    out: &Option<PathBuf>,
) -> Result<u8> {
    if let Some(input) = input {
        refuse_overwriting_input(input, out.as_deref())?;
    }
    if let Some(template) = project::template(name) {
        let (system, evaluation) = score_project(template?, input, example)?;
        return write_evaluation(&system, &evaluation, format, lang, out);
    }
    let (system, scorer, builtin) = load_system(name)?;
    let inputs = match (input, example) {
        (_, true) => {
            let b = builtin.ok_or_else(|| example_needs_builtin(name))?;
            b.example_inputs().map_err(|e| {
                Fail::say(
                    format!("内置体系“{name}”的示例：{e}"),
                    format!("built-in `{name}` example: {e}"),
                )
            })?
        }
        (Some(path), false) => unit::read(path, &scorer)?,
        (None, false) => {
            return Err(Fail::say(
                "请用 --input 文件 给出基础数据，或用 --example 计算内置示例",
                "give --input FILE or --example",
            ));
        }
    };
    let evaluation = scorer.evaluate(&inputs).map_err(|e| {
        let source = input.map_or_else(|| tr("示例", "example"), |p| p.display().to_string());
        let sep = tr("：", ": ");
        Fail::new(format!("{source}{sep}{}", e.message(message_lang())))
    })?;
    write_evaluation(&system, &evaluation, format, lang, out)
}

/// A project's table (项目支出绩效自评表) scored with a built-in project template: the bundled
/// example, or a project's JSON (`info`, `funds`, `rows` with 一级指标 … 得分 as its keys).
fn score_project(
    (template, bundled): (jixiao::project::ProjectTemplate, Option<jixiao::project::ProjectUnit>),
    input: Option<&Path>,
    example: bool,
) -> Result<(IndicatorSystem, jixiao::Evaluation)> {
    let (unit, source) = match (input, example) {
        (_, true) => (
            bundled.ok_or_else(|| {
                Fail::say(
                    format!("模板文件“{}”没有内置示例，请用 --input 给出项目表", template.id),
                    format!(
                        "the template file `{}` has no bundled example; give --input",
                        template.id
                    ),
                )
            })?,
            tr("示例", "example"),
        ),
        (Some(path), false) => (project::read_one(path)?, path.display().to_string()),
        (None, false) => {
            return Err(Fail::say(
                "请用 --input 文件 给出项目表，或用 --example 计算内置示例",
                "give --input FILE or --example",
            ));
        }
    };
    let scored = template
        .score(&unit)
        .map_err(|e| Fail::new(format!("{source}{}{}", tr("：", ": "), e.message(message_lang()))))?;
    Ok((scored.project.system, scored.evaluation))
}

/// Writes an evaluation in the format asked for (by `--format`, else by the extension of `--out`).
fn write_evaluation(
    system: &IndicatorSystem,
    evaluation: &jixiao::Evaluation,
    format: Option<ScoreFormat>,
    lang: Lang,
    out: &Option<PathBuf>,
) -> Result<u8> {
    let format = format.unwrap_or_else(
        || match out.as_ref().and_then(|p| p.extension()).and_then(|e| e.to_str()) {
            Some("json") => ScoreFormat::Json,
            Some("md") => ScoreFormat::Md,
            Some("html" | "htm") => ScoreFormat::Html,
            Some("csv") => ScoreFormat::Csv,
            Some("xlsx") => ScoreFormat::Xlsx,
            _ => ScoreFormat::Table,
        },
    );
    let text = match format {
        ScoreFormat::Table => report::evaluation_report(system, evaluation, Format::Text, lang),
        ScoreFormat::Md => report::evaluation_report(system, evaluation, Format::Markdown, lang),
        ScoreFormat::Html => report::evaluation_report(system, evaluation, Format::Html, lang),
        ScoreFormat::Csv => csv_for_excel(report::evaluation_report(system, evaluation, Format::Csv, lang)),
        ScoreFormat::Json => {
            let value = jixiao::wire::evaluation_to_value(evaluation, lang);
            format!("{}\n", serde_json::to_string_pretty(&value).unwrap_or_default())
        }
        ScoreFormat::Xlsx => {
            let path = out.as_ref().ok_or_else(|| {
                Fail::say(
                    "--format xlsx 须同时用 --out 文件.xlsx 指定输出文件",
                    "--format xlsx needs --out FILE.xlsx",
                )
            })?;
            let (header, rows) = report::evaluation_table(system, evaluation, lang);
            xlsx::write_table(path, &system.name, &header, &rows)?;
            return Ok(0);
        }
    };
    emit(out, &text)?;
    Ok(0)
}
