//! Tables of units: one unit per row under a header row of input names. One reading for every
//! front end (the CLI's CSV and Excel files, Python's DataFrames, the page's imports):
//!
//! - a header names an input by its name, its display name with the unit in brackets
//!   (`编制数（人）`, `年初预算 (万元)`), or its English name; a bracketed unit other than the declared
//!   one is an error (`年初预算（元）` must not be read as 万元);
//! - the column naming each unit is the one given, or the first one headed by a usual name
//!   (`单位名称`, `项目名称`, `id` ... [`UNIT_NAME_HEADERS`]); a header that names nothing is never
//!   taken for it;
//! - claimed scores for an audit are under indicator ids, the claimed total and grade under one of
//!   [`CLAIM_TOTAL_HEADERS`] and [`CLAIM_GRADE_HEADERS`] (Chinese and English alike);
//! - any other header is an error naming it (a misspelt header would otherwise leave an input at
//!   its default), unless it is ignored;
//! - a blank cell means the input is not given (then missing, or its default).

use std::collections::HashMap;

use super::{InputValue, Inputs};
use crate::format::{IndicatorSystem, InputDecl};

/// Headers that mark the column naming each unit.
pub const UNIT_NAME_HEADERS: &[&str] = &[
    "单位",
    "单位名称",
    "部门",
    "部门名称",
    "预算单位",
    "项目",
    "项目名称",
    "编号",
    "unit",
    "id",
    "name",
    "department",
    "project",
];

/// Headers of a claimed total (自评总分), in any table that carries claims.
pub const CLAIM_TOTAL_HEADERS: &[&str] = &["总分", "综合得分", "自评总分", "自评得分", "total"];

/// Headers of a claimed grade (自评等次), in any table that carries claims.
pub const CLAIM_GRADE_HEADERS: &[&str] = &["等次", "评价等次", "自评等次", "grade"];

/// A header row that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TableError {
    /// A header's bracketed unit is not the input's declared unit.
    #[error("column {column} `{header}` is in {given}, but input `{input}` is declared in {declared}")]
    WrongUnit {
        /// Column letter.
        column: String,
        /// The header as written.
        header: String,
        /// The unit in the header.
        given: String,
        /// The input.
        input: String,
        /// Its declared unit.
        declared: String,
    },
    /// Two columns give the same input.
    #[error("columns {first} and {second} both give input `{input}`")]
    DuplicateInput {
        /// The first column's letter.
        first: String,
        /// The second column's letter.
        second: String,
        /// The input.
        input: String,
    },
    /// Two columns give the same claim (an indicator's claimed score, the claimed total or grade).
    #[error("columns {first} and {second} both give the claimed {claim}")]
    DuplicateClaim {
        /// The first column's letter.
        first: String,
        /// The second column's letter.
        second: String,
        /// What they claim: ``score of `2.1.1` ``, `total` or `grade`.
        claim: String,
    },
    /// Headers that name nothing the system declares.
    #[error(
        "{} {} of `{system}`",
        unknown_list(.columns),
        if .columns.len() == 1 { "is not a declared input" } else { "are not declared inputs" }
    )]
    Unknown {
        /// The columns: (index, header as written, trimmed).
        columns: Vec<(usize, String)>,
        /// The system's id.
        system: String,
    },
    /// The unit-name column asked for is not there.
    #[error("no column `{name}` for the unit names (columns: {})", .columns.join(", "))]
    NoUnitColumn {
        /// The name asked for.
        name: String,
        /// The headers there are.
        columns: Vec<String>,
    },
}

/// `` `编制数x`, column C (no header) ``.
fn unknown_list(columns: &[(usize, String)]) -> String {
    let names: Vec<String> = columns
        .iter()
        .map(|(i, h)| {
            if h.is_empty() {
                format!("column {} (no header)", column_letter(*i))
            } else {
                format!("`{h}`")
            }
        })
        .collect();
    names.join(", ")
}

impl TableError {
    /// A stable machine-readable kind: `wrong_unit`, `duplicate_input`, `duplicate_claim`,
    /// `unknown_columns`, `no_unit_column`.
    pub fn kind(&self) -> &'static str {
        match self {
            TableError::WrongUnit { .. } => "wrong_unit",
            TableError::DuplicateInput { .. } => "duplicate_input",
            TableError::DuplicateClaim { .. } => "duplicate_claim",
            TableError::Unknown { .. } => "unknown_columns",
            TableError::NoUnitColumn { .. } => "no_unit_column",
        }
    }
}

/// Splits a trailing unit in brackets off a header (`编制数（人）`, `年初预算 (万元)`): the name and
/// the unit, both trimmed. A byte-order mark before the header is dropped.
pub fn split_unit(header: &str) -> (&str, Option<&str>) {
    let t = header.trim().trim_start_matches('\u{feff}').trim();
    if let Some(inner) = t.strip_suffix(['）', ')'])
        && let Some(i) = inner.rfind(['（', '('])
        && i > 0
        && let (Some(name), Some(unit)) = (inner.get(..i), inner.get(i..))
    {
        let unit = unit.trim_start_matches(['（', '(']).trim();
        return (name.trim(), Some(unit));
    }
    (t, None)
}

/// Whether two spellings give the same unit (`%` and the full-width `％` are one).
fn same_unit(a: &str, b: &str) -> bool {
    let norm = |u: &str| u.trim().replace('％', "%");
    norm(a).eq_ignore_ascii_case(&norm(b))
}

/// What a header names.
#[derive(Debug, Clone, PartialEq)]
pub enum HeaderMatch<'s> {
    /// A declared input.
    Input(&'s InputDecl),
    /// A declared input, but in another unit than declared: `(input, the header's unit)`.
    WrongUnit(&'s InputDecl, String),
    /// No input.
    None,
}

/// The declared input a header (or a name cell) names: its name, its display name `名称（单位）`
/// or its English name.
pub fn match_header<'s>(header: &str, system: &'s IndicatorSystem) -> HeaderMatch<'s> {
    let whole = header.trim().trim_start_matches('\u{feff}').trim();
    let inputs = &system.inputs;
    if let Some(i) = inputs.iter().find(|i| i.name == whole) {
        return HeaderMatch::Input(i);
    }
    let (h, unit) = split_unit(whole);
    let Some(input) = inputs.iter().find(|i| i.name == h).or_else(|| {
        inputs
            .iter()
            .find(|i| i.name_en.as_deref().is_some_and(|en| en.eq_ignore_ascii_case(h)))
    }) else {
        return HeaderMatch::None;
    };
    match (unit, input.unit.as_deref()) {
        (Some(given), Some(declared)) if !given.is_empty() && !same_unit(given, declared) => {
            HeaderMatch::WrongUnit(input, given.to_string())
        }
        _ => HeaderMatch::Input(input),
    }
}

/// Excel-style column letters (0 → A, 26 → AA).
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(char::from(b'A' + u8::try_from(i % 26).unwrap_or(0)));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.iter().rev().collect()
}

/// How to read a header row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TableOptions {
    /// The header of the column naming each unit (otherwise found as described in the module).
    pub unit_column: Option<String>,
    /// Headers to skip.
    pub ignore: Vec<String>,
    /// Whether the table carries claims (an audit): indicator ids and the claim headers are then
    /// read as claims rather than refused.
    pub claims: bool,
}

impl TableOptions {
    /// The options of a table whose unit names are under `unit_column`, skipping `ignore`.
    pub fn new(unit_column: Option<&str>, ignore: &[String]) -> Self {
        TableOptions {
            unit_column: unit_column.map(str::to_string),
            ignore: ignore.to_vec(),
            claims: false,
        }
    }

    /// The same, with claims read.
    pub fn with_claims(mut self) -> Self {
        self.claims = true;
        self
    }
}

/// How a table's columns map to inputs (and claims).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Columns {
    /// The column naming each unit.
    pub unit: Option<usize>,
    /// Input columns: (column index, input name).
    pub inputs: Vec<(usize, String)>,
    /// Claimed scores: (column index, indicator id).
    pub claim_scores: Vec<(usize, String)>,
    /// The claimed total's column.
    pub claim_total: Option<usize>,
    /// The claimed grade's column.
    pub claim_grade: Option<usize>,
}

/// Maps a header row to inputs (and claims); any other header is an error.
pub fn map_columns(
    header: &[impl AsRef<str>],
    system: &IndicatorSystem,
    options: &TableOptions,
) -> Result<Columns, TableError> {
    let header: Vec<&str> = header.iter().map(AsRef::as_ref).collect();
    let mut columns = Columns::default();
    if let Some(name) = &options.unit_column {
        columns.unit =
            Some(
                header
                    .iter()
                    .position(|h| h.trim() == name.trim())
                    .ok_or_else(|| TableError::NoUnitColumn {
                        name: name.clone(),
                        columns: header.iter().map(|h| h.trim().to_string()).collect(),
                    })?,
            );
    }
    if columns.unit.is_none() {
        columns.unit = header.iter().position(|h| {
            UNIT_NAME_HEADERS.contains(&split_unit(h).0) && matches!(match_header(h, system), HeaderMatch::None)
        });
    }
    let ids: Vec<&str> = if options.claims {
        indicator_ids(system)
    } else {
        Vec::new()
    };
    let mut unknown = Vec::new();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let trimmed = h.trim();
        if Some(i) == columns.unit || options.ignore.iter().any(|x| x.trim() == trimmed) {
            continue;
        }
        match match_header(h, system) {
            HeaderMatch::WrongUnit(input, given) => {
                return Err(TableError::WrongUnit {
                    column: column_letter(i),
                    header: trimmed.to_string(),
                    given,
                    input: input.name.clone(),
                    declared: input.unit.clone().unwrap_or_default(),
                });
            }
            HeaderMatch::Input(input) => {
                if let Some(prev) = seen.insert(&input.name, i) {
                    return Err(TableError::DuplicateInput {
                        first: column_letter(prev),
                        second: column_letter(i),
                        input: input.name.clone(),
                    });
                }
                columns.inputs.push((i, input.name.clone()));
            }
            HeaderMatch::None => {
                let bare = split_unit(trimmed).0;
                // A claim column is headed by an indicator id, perhaps followed by its name
                // (`2.1.1`, `2.1.1 预算完成率`).
                let id = trimmed.split_whitespace().next().unwrap_or("");
                let twice = |first: usize, claim: String| TableError::DuplicateClaim {
                    first: column_letter(first),
                    second: column_letter(i),
                    claim,
                };
                if options.claims && ids.contains(&id) {
                    if let Some((first, _)) = columns.claim_scores.iter().find(|(_, c)| c == id) {
                        return Err(twice(*first, format!("score of `{id}`")));
                    }
                    columns.claim_scores.push((i, id.to_string()));
                } else if options.claims && CLAIM_TOTAL_HEADERS.contains(&bare) {
                    if let Some(first) = columns.claim_total {
                        return Err(twice(first, "total".into()));
                    }
                    columns.claim_total = Some(i);
                } else if options.claims && CLAIM_GRADE_HEADERS.contains(&bare) {
                    if let Some(first) = columns.claim_grade {
                        return Err(twice(first, "grade".into()));
                    }
                    columns.claim_grade = Some(i);
                } else {
                    unknown.push((i, trimmed.to_string()));
                }
            }
        }
    }
    if !unknown.is_empty() {
        return Err(TableError::Unknown {
            columns: unknown,
            system: system.id.clone(),
        });
    }
    Ok(columns)
}

/// Every indicator id of a system (the tree and the bonus items).
fn indicator_ids(system: &IndicatorSystem) -> Vec<&str> {
    fn walk<'s>(list: &'s [crate::format::Indicator], out: &mut Vec<&'s str>) {
        for i in list {
            out.push(&i.id);
            walk(&i.children, out);
        }
    }
    let mut out = Vec::new();
    walk(&system.indicators, &mut out);
    if let Some(b) = &system.bonus {
        walk(&b.items, &mut out);
    }
    out
}

/// The 说明 cell of an input in the base-data template (`jixiao inputs --format csv`, the page's
/// 基础数据 files): its description, then the levels to choose from or the items to list.
pub fn template_notes(i: &InputDecl) -> String {
    let mut d = i.description.clone().unwrap_or_default();
    if !i.levels.is_empty() {
        d = format!(
            "{d}{}可选：{}",
            if d.is_empty() { "" } else { "；" },
            i.levels.join("/")
        );
    }
    if !i.items.is_empty() {
        d = format!(
            "{d}{}填已满足的项，以“、”分隔：{}",
            if d.is_empty() { "" } else { "；" },
            i.items.join("、")
        );
    }
    d
}

/// A cell of the base-data template for a value: a decimal as its text, a yes/no as 是/否, a
/// level with its score as `部分达成:3.5`, a checklist's items joined by `、`.
pub fn template_cell(value: &InputValue) -> String {
    match value {
        InputValue::Number(d) => d.to_string(),
        InputValue::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        InputValue::Text(t) => t.clone(),
        InputValue::Level { level, score: Some(s) } => format!("{level}:{s}"),
        InputValue::Level { level, score: None } => level.clone(),
        InputValue::Items(items) => items.join("、"),
    }
}

/// Whether a cell is blank: the input it stands for is not given.
pub fn is_blank(cell: &str) -> bool {
    trim_cell(cell).is_empty()
}

/// A cell's text without the white space around it, as `str::trim` gives it. Almost every cell has
/// none: when neither its first nor its last character can be white space, judged from the first
/// byte of each, the cell is returned as it is without decoding a character.
pub fn trim_cell(cell: &str) -> &str {
    let bytes = cell.as_bytes();
    let first = bytes.first().copied();
    // The first byte of the last character: the last byte that is not a continuation byte.
    let last = bytes.iter().rev().take(4).copied().find(|b| b & 0xC0 != 0x80);
    match (first, last) {
        (Some(a), Some(z)) if !may_start_space(a) && !may_start_space(z) => cell,
        _ => cell.trim(),
    }
}

/// Whether a character whose UTF-8 encoding starts with `lead` may be white space
/// (`char::is_whitespace`): the ASCII ones (tab to carriage return, space), and those from U+0085
/// to U+3000, whose encodings start with 0xC2 (U+0085, U+00A0) or 0xE1 to 0xE3 (U+1680, U+2000 to
/// U+205F, U+3000). No other character is (the test `white_space_starts_with_these_bytes` checks
/// every character against the standard library's table).
fn may_start_space(lead: u8) -> bool {
    matches!(lead, b'\t'..=b'\r' | b' ' | 0xC2 | 0xE1..=0xE3)
}

/// One unit's inputs from a row: each input column's cell as text, blank cells left out (the input
/// is then missing or takes its default).
pub fn inputs_from_row(columns: &Columns, row: &[impl AsRef<str>]) -> Inputs {
    let mut inputs = Inputs::new();
    for (i, name) in &columns.inputs {
        if let Some(cell) = row.get(*i).map(AsRef::as_ref)
            && !is_blank(cell)
        {
            inputs.set(name.clone(), InputValue::Text(cell.trim().to_string()));
        }
    }
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system() -> IndicatorSystem {
        IndicatorSystem::from_json(include_str!("../../systems/hunan-dept.json")).unwrap()
    }

    /// The quick test of `trim_cell` rests on where white space lies in UTF-8: every character the
    /// standard library calls white space starts with a byte `may_start_space` names.
    #[test]
    fn white_space_starts_with_these_bytes() {
        let mut spaces = 0;
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            let mut buf = [0_u8; 4];
            let lead = c.encode_utf8(&mut buf).as_bytes()[0];
            if c.is_whitespace() {
                spaces += 1;
                assert!(may_start_space(lead), "U+{:04X} is white space", u32::from(c));
            }
        }
        assert_eq!(spaces, 25);
    }

    /// `trim_cell` and `is_blank` say what `str::trim` says, for cells with and without white space
    /// at either end, in every script the cells use, and for broken-off or single characters.
    #[test]
    fn cells_trim_as_str_trim_does() {
        let ends = [
            "", " ", "\t", "\u{3000}", "\u{a0}", "\u{2003}", "\u{85}", "\u{1680}", "\u{feff}", "\u{200b}",
        ];
        let middles = [
            "",
            "完善",
            "a",
            "3,867",
            "82.39%",
            "好 的",
            "·",
            "\u{3000}",
            "Ä",
            "😀",
            "\u{205f}x\u{3000}",
        ];
        for a in ends {
            for m in middles {
                for z in ends {
                    let cell = format!("{a}{m}{z}");
                    assert_eq!(trim_cell(&cell), cell.trim(), "{cell:?}");
                    assert_eq!(is_blank(&cell), cell.trim().is_empty(), "{cell:?}");
                }
            }
        }
    }

    #[test]
    fn headers_by_name_display_name_or_english_name() {
        let s = system();
        let name = |h: &str| match match_header(h, &s) {
            HeaderMatch::Input(i) => Some(i.name.as_str()),
            _ => None,
        };
        assert_eq!(name("编制数"), Some("编制数"));
        assert_eq!(name(" \u{feff}编制数（人） "), Some("编制数"));
        assert_eq!(name("年初预算 (万元)"), Some("年初预算"));
        assert_eq!(name("编制数x"), None);
        assert!(matches!(
            match_header("年初预算（元）", &s),
            HeaderMatch::WrongUnit(_, ref u) if u == "元"
        ));
    }

    #[test]
    fn columns_unit_name_claims_and_errors() {
        let s = system();
        let header = [
            "单位名称",
            "编制数（人）",
            "年初预算",
            "1.1.1 在职人员控制率",
            "总分",
            "等次",
        ];
        let c = map_columns(&header, &s, &TableOptions::default().with_claims()).unwrap();
        assert_eq!(c.unit, Some(0));
        assert_eq!(c.inputs, [(1, "编制数".to_string()), (2, "年初预算".to_string())]);
        assert_eq!(c.claim_scores, [(3, "1.1.1".to_string())]);
        assert_eq!((c.claim_total, c.claim_grade), (Some(4), Some(5)));
        // Without claims, the claim headers are not inputs: an error naming them all.
        let e = map_columns(&header, &s, &TableOptions::default()).unwrap_err();
        assert_eq!(e.kind(), "unknown_columns");
        assert_eq!(
            e.to_string(),
            "`1.1.1 在职人员控制率`, `总分`, `等次` are not declared inputs of `hunan-dept`"
        );
        // A misspelt first header is not taken as the unit names when another column is.
        let e = map_columns(&["编制数x", "单位名称", "编制数"], &s, &TableOptions::default()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("`编制数x` is not a declared input of `hunan-dept`"),
            "{e}"
        );
        let e = map_columns(&["编制数", "编制数（人）"], &s, &TableOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "columns A and B both give input `编制数`");
        // A claim given twice, under its id and under its id and name, or two totals.
        let claims = TableOptions::default().with_claims();
        let e = map_columns(&["编制数", "1.1.1", "1.1.1 在职人员控制率"], &s, &claims).unwrap_err();
        assert_eq!(
            (e.kind(), e.to_string().as_str()),
            (
                "duplicate_claim",
                "columns B and C both give the claimed score of `1.1.1`"
            )
        );
        let e = map_columns(&["编制数", "总分", "自评总分"], &s, &claims).unwrap_err();
        assert_eq!(e.to_string(), "columns B and C both give the claimed total");
        let e = map_columns(&["编制数", "等次", "grade"], &s, &claims).unwrap_err();
        assert_eq!(e.to_string(), "columns B and C both give the claimed grade");
        let e = map_columns(&["年初预算（元）"], &s, &TableOptions::default()).unwrap_err();
        assert_eq!(e.kind(), "wrong_unit");
        let e = map_columns(&["编制数"], &s, &TableOptions::new(Some("名称"), &[])).unwrap_err();
        assert_eq!(e.to_string(), "no column `名称` for the unit names (columns: 编制数)");
    }

    #[test]
    fn blank_cells_are_not_given() {
        let s = system();
        let c = map_columns(&["单位", "编制数", "年初预算"], &s, &TableOptions::default()).unwrap();
        let inputs = inputs_from_row(&c, &["甲", " 76 ", "  "]);
        assert_eq!(inputs.values.len(), 1);
        assert_eq!(inputs.values["编制数"], InputValue::Text("76".into()));
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
