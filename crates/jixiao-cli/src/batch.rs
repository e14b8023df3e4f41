//! Many units, one row each. CSV input is streamed in chunks (memory does not grow with the number
//! of rows); every chunk is scored across the machine's cores; a bad row gets its message in the
//! error column and on standard error, and the rest are scored. Results are written to a temporary
//! file beside `--out` and renamed into place at the end, so that a batch that cannot start (or
//! stops half-way) leaves the previous results alone.

use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::{Path, PathBuf};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jixiao::csv_rows::CsvRowNumbers;
use jixiao::report::system_rows;
use jixiao::{EvalError, IndicatorSystem, Lang, RowSlots, ScoreTable, Scorer};
use rayon::prelude::*;
use rust_xlsxwriter::Workbook;

use crate::unit::{Columns, Problem, column_is_read, extension, map_columns, names_input};
use crate::{Fail, Result};

/// Units scored together (and held in memory at once).
const CHUNK: usize = 2048;
/// Failed rows reported one by one on standard error before a summary takes over.
const MAX_REPORTED: usize = 20;
/// Rows that may stand above the header row (a title merged across the table, a date line).
const MAX_TITLE_ROWS: usize = 10;

/// What `jixiao batch` needs.
pub struct Options<'a> {
    pub system: &'a IndicatorSystem,
    pub scorer: &'a Scorer,
    pub input: &'a Path,
    pub out: &'a Path,
    pub id_column: Option<&'a str>,
    pub ignore: &'a [String],
    pub lang: Lang,
}

/// One input row: its number as the user sees it in a spreadsheet (the first row is 1) and its cells.
struct Row {
    no: usize,
    cells: Vec<String>,
    /// False when the row is not UTF-8 text; its cells are then decoded lossily (for the unit id only).
    utf8: bool,
    /// Cells holding no figure to read (an Excel date, error ...): column index and problem.
    problems: Vec<(usize, Problem)>,
}

impl Row {
    fn from_bytes(no: usize, record: &csv::ByteRecord) -> Row {
        let cells: Option<Vec<String>> = record
            .iter()
            .map(|f| std::str::from_utf8(f).ok().map(str::to_string))
            .collect();
        match cells {
            Some(cells) => Row {
                no,
                cells,
                utf8: true,
                problems: Vec::new(),
            },
            None => Row {
                no,
                cells: record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect(),
                utf8: false,
                problems: Vec::new(),
            },
        }
    }

    /// No cell has text, and none holds a value that cannot be read (a formula without one reads
    /// as blank).
    fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty()) && self.problems.is_empty()
    }
}

/// CSV rows, numbered as a spreadsheet shows them (blank lines count, line breaks inside quoted
/// cells do not).
struct CsvRows {
    reader: csv::Reader<BufReader<File>>,
    record: csv::ByteRecord,
    numbers: CsvRowNumbers,
    file: String,
}

impl CsvRows {
    fn next(&mut self) -> Result<Option<Row>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => Ok(None),
            Ok(true) => {
                let no = self.numbers.of(&self.record, self.reader.position());
                Ok(Some(Row::from_bytes(no, &self.record)))
            }
            Err(e) => {
                let file = &self.file;
                Err(Fail::say(
                    format!("{file}：CSV 格式有误（{e}）"),
                    format!("{file}: {e}"),
                ))
            }
        }
    }
}

/// The last byte of a file (whether its last line ends with a line break).
fn last_byte(path: &Path) -> Option<u8> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = File::open(path).ok()?;
    f.seek(SeekFrom::End(-1)).ok()?;
    let mut b = [0u8; 1];
    f.read_exact(&mut b).ok()?;
    b.first().copied()
}

/// The header among the first rows (rows above it, such as a title, are skipped): the first row in
/// which at least two cells (or all the inputs, when the system declares fewer) name inputs; failing
/// that, the first row naming any input (so that its other columns are reported by name).
fn header_index(rows: &[Row], scorer: &Scorer, file: &str) -> Result<usize> {
    let need = scorer.system().inputs.len().min(2);
    let named = |r: &Row| {
        if r.utf8 {
            r.cells.iter().filter(|c| names_input(c, scorer)).count()
        } else {
            0
        }
    };
    let found = rows
        .iter()
        .position(|r| r.utf8 && named(r) >= need)
        .or_else(|| rows.iter().position(|r| named(r) > 0));
    let not_utf8 = |end: usize| rows.iter().take(end).any(|r| !r.utf8);
    match found {
        Some(h) if !not_utf8(h) => Ok(h),
        None if !not_utf8(rows.len()) => {
            let (id, n) = (&scorer.system().id, rows.len());
            Err(Fail::say(
                format!("{file}：前{n}行中没有列出评价体系“{id}”基础数据项名称的表头行"),
                format!(
                    "{file}: no header row naming the inputs of `{id}` was found (looked at {n} row{})",
                    if n == 1 { "" } else { "s" }
                ),
            ))
        }
        _ => Err(Fail::say(
            format!("{file}：不是 UTF-8 编码的文本，请另存为 UTF-8（Excel：另存为 → CSV UTF-8）"),
            format!("{file}: not UTF-8 text; save the file as UTF-8 (Excel: 另存为 → CSV UTF-8)"),
        )),
    }
}

/// The output format, known from `--out` before anything is read or written.
#[derive(Clone, Copy)]
enum OutKind {
    Csv,
    Xlsx,
}

impl OutKind {
    fn of(path: &Path) -> Result<OutKind> {
        match extension(path).as_str() {
            "csv" => Ok(OutKind::Csv),
            "xlsx" => Ok(OutKind::Xlsx),
            other => {
                let file = path.display();
                Err(Fail::say(
                    format!("{file}：不支持的输出文件类型“.{other}”（可用 .csv 或 .xlsx）"),
                    format!("{file}: unknown output format `.{other}` (expected .csv or .xlsx)"),
                ))
            }
        }
    }
}

/// A temporary file beside the results file; removed when dropped unless it was renamed into place.
struct Temp {
    path: PathBuf,
    kept: bool,
}

impl Temp {
    fn beside(out: &Path) -> Temp {
        let name = out
            .file_name()
            .map_or_else(|| "results".into(), |n| n.to_string_lossy().into_owned());
        Temp {
            path: out.with_file_name(format!(".{name}.jixiao-tmp")),
            kept: false,
        }
    }

    fn rename_to(mut self, out: &Path) -> Result<()> {
        std::fs::rename(&self.path, out).map_err(|e| crate::cannot_write(out, &e))?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Temp {
    fn drop(&mut self) {
        if !self.kept {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

enum Sink {
    Csv(Box<csv::Writer<File>>),
    /// The workbook, the next row to write, and which columns hold numbers (the rest are text:
    /// unit codes such as `001` must not become the number 1).
    Xlsx(Box<Workbook>, u32, Vec<bool>),
}

impl Sink {
    /// Creates the sink writing to `temp`; errors name `out`, the file the user asked for.
    fn create(kind: OutKind, temp: &Path, out: &Path, numeric: Vec<bool>) -> Result<Sink> {
        match kind {
            OutKind::Csv => {
                let mut f = File::create(temp).map_err(|e| crate::cannot_write(out, &e))?;
                // A byte-order mark so that Excel opens the UTF-8 CSV with its Chinese headers intact.
                std::io::Write::write_all(&mut f, "\u{feff}".as_bytes()).map_err(|e| crate::cannot_write(out, &e))?;
                Ok(Sink::Csv(Box::new(csv::Writer::from_writer(f))))
            }
            OutKind::Xlsx => {
                let mut workbook = Workbook::new();
                workbook
                    .add_worksheet_with_constant_memory()
                    .map_err(|e| crate::cannot_write(out, &e))?;
                Ok(Sink::Xlsx(Box::new(workbook), 0, numeric))
            }
        }
    }

    fn write(&mut self, row: &[String], out: &Path) -> Result<()> {
        let fail = |e: String| crate::cannot_write(out, &e);
        match self {
            Sink::Csv(w) => w.write_record(row).map_err(|e| fail(e.to_string())),
            Sink::Xlsx(workbook, r, numeric) => {
                let sheet = workbook.worksheet_from_index(0).map_err(|e| fail(e.to_string()))?;
                for (c, cell) in row.iter().enumerate() {
                    let number = numeric.get(c).copied().unwrap_or(false) && *r > 0;
                    let c = u16::try_from(c).map_err(|_| fail("too many columns".into()))?;
                    let written = match jixiao::xlsx::number_of(cell) {
                        Some(n) if number => sheet.write_number(*r, c, n).map(|_| ()),
                        _ => sheet.write_string(*r, c, cell).map(|_| ()),
                    };
                    written.map_err(|e| fail(e.to_string()))?;
                }
                *r = r.checked_add(1).ok_or_else(|| fail("too many rows for Excel".into()))?;
                Ok(())
            }
        }
    }

    /// Writes everything out to `temp`.
    fn finish(self, temp: &Path, out: &Path) -> Result<()> {
        let fail = |e: String| crate::cannot_write(out, &e);
        match self {
            Sink::Csv(w) => {
                // Into the file and closed, before it is renamed.
                w.into_inner().map(drop).map_err(|e| fail(e.error().to_string()))
            }
            Sink::Xlsx(mut workbook, _, _) => {
                if let Ok(sheet) = workbook.worksheet_from_index(0) {
                    let _ = sheet.set_name("results");
                }
                workbook.save(temp).map_err(|e| fail(e.to_string()))
            }
        }
    }
}

struct Run<'a> {
    o: &'a Options<'a>,
    sink: Sink,
    node_count: usize,
    scored: usize,
    failed: usize,
    /// The scores of the current chunk (buffers reused from chunk to chunk).
    table: ScoreTable,
    /// The input columns bound to the system's slots: each row's cells are read straight into
    /// prepared inputs.
    slots: RowSlots,
}

impl Run<'_> {
    fn flush(&mut self, chunk: &mut Vec<(usize, String, Vec<String>)>) -> Result<()> {
        // Scores only (the result table has no explanations): each row's cells read into prepared
        // inputs and scored across the cores, into a flat table whose buffers serve every chunk.
        let cells: Vec<Vec<String>> = chunk.iter_mut().map(|(_, _, c)| std::mem::take(c)).collect();
        let prepared = self.o.scorer.prepare_rows(&self.slots, &cells);
        drop(cells);
        let mut ready = Vec::with_capacity(prepared.len());
        let mut outcome: Vec<std::result::Result<usize, EvalError>> = Vec::with_capacity(prepared.len());
        for p in prepared {
            match p {
                Ok(p) => {
                    outcome.push(Ok(ready.len()));
                    ready.push(p);
                }
                Err(e) => outcome.push(Err(e)),
            }
        }
        let mut table = std::mem::take(&mut self.table);
        self.o.scorer.score_table(&ready, &mut table);
        let mut errors = std::mem::take(&mut table.errors).into_iter().peekable();
        let results: Vec<std::result::Result<usize, EvalError>> = outcome
            .into_iter()
            .map(|outcome| {
                outcome.and_then(|r| match errors.next_if(|(i, _)| *i == r) {
                    Some((_, e)) => Err(e),
                    None => Ok(r),
                })
            })
            .collect();
        // The scored rows' cells are written out across the cores too; the rows go to the sink in
        // their order.
        let (o, node_count) = (self.o, self.node_count);
        let formatted: Vec<std::result::Result<Vec<String>, EvalError>> = results
            .into_par_iter()
            .zip(chunk.par_iter_mut())
            .map(|(result, (row_no, unit, _))| {
                result.map(|r| result_row(o, node_count, *row_no, std::mem::take(unit), &table, r))
            })
            .collect();
        for ((row_no, unit, _), formatted) in chunk.drain(..).zip(formatted) {
            let row = match formatted {
                Ok(row) => {
                    self.scored += 1;
                    row
                }
                Err(e) => {
                    let message = e.message(crate::message_lang());
                    let line = row_line(self.o.input, row_no, &unit, &message);
                    self.failed_row(row_no, unit, message, &line)
                }
            };
            self.sink.write(&row, self.o.out)?;
        }
        self.table = table;
        Ok(())
    }

    /// Counts a failed row and reports it (`line`, on standard error, while few have failed); returns
    /// its result row, the message in the error column.
    fn failed_row(&mut self, row_no: usize, unit: String, message: String, line: &str) -> Vec<String> {
        self.failed += 1;
        if self.failed <= MAX_REPORTED {
            eprintln!("{line}");
        }
        let mut row = vec![row_no.to_string(), unit];
        row.extend(std::iter::repeat_n(String::new(), self.node_count + 2));
        row.push(message);
        if self.o.scorer.has_checks() {
            row.push(String::new());
        }
        row
    }

    /// A row that cannot be scored: written after the pending rows, to keep the input order.
    fn bad_row(
        &mut self,
        chunk: &mut Vec<(usize, String, Vec<String>)>,
        row_no: usize,
        unit: String,
        message: String,
        line: &str,
    ) -> Result<()> {
        self.flush(chunk)?;
        let row = self.failed_row(row_no, unit, message, line);
        self.sink.write(&row, self.o.out)
    }
}

/// A scored row of the result table: its number, unit, every figure, total, grade, an empty error
/// cell and, for a system with consistency checks, the failed `warning` checks.
fn result_row(
    o: &Options<'_>,
    node_count: usize,
    row_no: usize,
    unit: String,
    table: &ScoreTable,
    r: usize,
) -> Vec<String> {
    let mut row = Vec::with_capacity(node_count + 5);
    row.push(row_no.to_string());
    row.push(unit);
    row.extend(table.row(r).unwrap_or_default().iter().map(|s| s.to_string()));
    row.push(table.total(r).map(|t| t.to_string()).unwrap_or_default());
    let grade = table.grade(r).and_then(|g| o.scorer.grade_label(g));
    row.push(grade.unwrap_or_default().to_string());
    row.push(String::new());
    // Failed `warning` checks (勾稽关系): the scores stand, the reader is told.
    if o.scorer.has_checks() {
        let lang = o.lang;
        let notices: Vec<String> = table
            .failed_checks(r)
            .iter()
            .filter_map(|k| o.scorer.check_notice(*k, lang))
            .collect();
        row.push(notices.join(if lang == Lang::Zh { "；" } else { "; " }));
    }
    row
}

/// The result table's header; a system with consistency checks gets a 提示 column listing the
/// failed `warning` checks of each row.
fn header(system: &IndicatorSystem, lang: Lang) -> Vec<String> {
    let zh = lang == Lang::Zh;
    let mut h = vec![
        if zh { "行号" } else { "row" }.to_string(),
        if zh { "单位" } else { "unit" }.to_string(),
    ];
    h.extend(
        system_rows(system, lang)
            .into_iter()
            .map(|r| format!("{} {}", r.id, r.name)),
    );
    h.extend(
        [
            if zh { "总分" } else { "total" },
            if zh { "等次" } else { "grade" },
            if zh { "错误" } else { "error" },
        ]
        .map(String::from),
    );
    if !system.checks.is_empty() {
        h.push(if zh { "提示" } else { "warnings" }.to_string());
    }
    h
}

fn progress(len: u64) -> ProgressBar {
    if std::io::stderr().is_terminal() {
        let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {percent:>3}% {msg}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    }
}

/// Which result columns hold numbers: the row number, the scores and the total.
fn numeric_columns(width: usize, node_count: usize) -> Vec<bool> {
    (0..width)
        .map(|c| c == 0 || (2..=node_count + 2).contains(&c))
        .collect()
}

/// Runs a batch; exit status 1 when any row failed.
pub fn run(o: &Options<'_>) -> Result<u8> {
    let file = o.input.display().to_string();
    crate::refuse_overwriting_input(o.input, Some(o.out))?;
    let node_count = system_rows(o.system, o.lang).len();
    let kind = OutKind::of(o.out)?;
    let result_header = header(o.system, o.lang);
    let temp = Temp::beside(o.out);
    // Nothing is created before the input is open and its header mapped.
    let start = |columns: &Columns| -> Result<Run<'_>> {
        let numeric = numeric_columns(result_header.len(), node_count);
        let mut sink = Sink::create(kind, &temp.path, o.out, numeric)?;
        sink.write(&result_header, o.out)?;
        Ok(Run {
            o,
            sink,
            node_count,
            scored: 0,
            failed: 0,
            table: ScoreTable::default(),
            slots: o.scorer.row_slots(columns),
        })
    };
    let mut chunk: Vec<(usize, String, Vec<String>)> = Vec::with_capacity(CHUNK);
    let run = match extension(o.input).as_str() {
        "csv" => {
            let f = File::open(o.input)
                .map_err(|e| Fail::say(format!("{file}：无法读取（{e}）"), format!("{file}: cannot read: {e}")))?;
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let mut rows = CsvRows {
                reader: csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_reader(BufReader::new(f)),
                record: csv::ByteRecord::new(),
                numbers: CsvRowNumbers::new(len, last_byte(o.input)),
                file: file.clone(),
            };
            // The first rows, until one is clearly the header.
            let mut first = Vec::new();
            let need = o.scorer.system().inputs.len().min(2);
            while first.len() <= MAX_TITLE_ROWS {
                let Some(row) = rows.next()? else { break };
                if row.is_blank() {
                    continue;
                }
                let header = row.utf8 && row.cells.iter().filter(|c| names_input(c, o.scorer)).count() >= need;
                first.push(row);
                if header {
                    break;
                }
            }
            if first.is_empty() {
                return Err(Fail::say(
                    format!("{file}：文件是空的（第一行须为基础数据项名称）"),
                    format!("{file}: the file is empty (a header row of input names is needed)"),
                ));
            }
            let h = header_index(&first, o.scorer, &file)?;
            let mut first = first.into_iter().skip(h);
            let header_row = first.next();
            let header_index = header_row.as_ref().map_or(0, |r| r.no - 1);
            let header = header_row.map(|r| r.cells).unwrap_or_default();
            let columns = map_columns(&header, o.scorer, o.id_column, o.ignore, &file)?;
            let mut run = start(&columns)?;
            let bar = progress(len);
            for row in first {
                push_row(&mut run, &mut chunk, &columns, (header.len(), header_index), row)?;
            }
            while let Some(row) = rows.next()? {
                push_row(&mut run, &mut chunk, &columns, (header.len(), header_index), row)?;
                if chunk.len() >= CHUNK {
                    run.flush(&mut chunk)?;
                    bar.set_position(rows.reader.position().byte());
                    bar.set_message(format!("{} units", run.scored + run.failed));
                }
            }
            run.flush(&mut chunk)?;
            bar.finish_and_clear();
            run
        }
        "xlsx" | "xlsm" | "xls" | "ods" => {
            let table = crate::xlsx::read_rows(o.input)?;
            let mut problems = table.problems;
            let mut rows = table
                .rows
                .into_iter()
                .enumerate()
                .map(|(i, cells)| Row {
                    no: i + 1,
                    cells,
                    utf8: true,
                    problems: {
                        let below = problems.split_off(&(i + 1, 0));
                        std::mem::replace(&mut problems, below)
                            .into_iter()
                            .map(|((_, c), p)| (c, p))
                            .collect()
                    },
                })
                .filter(|r| !r.is_blank())
                .peekable();
            if rows.peek().is_none() {
                return Err(Fail::say(
                    format!("{file}：工作表是空的"),
                    format!("{file}: the worksheet is empty"),
                ));
            }
            let first: Vec<Row> = rows.by_ref().take(MAX_TITLE_ROWS + 1).collect();
            let h = header_index(&first, o.scorer, &file)?;
            let mut first = first.into_iter().skip(h);
            let header_row = first.next();
            let header_index = header_row.as_ref().map_or(0, |r| r.no - 1);
            let header = header_row.map(|r| r.cells).unwrap_or_default();
            let columns = map_columns(&header, o.scorer, o.id_column, o.ignore, &file)?;
            let mut run = start(&columns)?;
            for row in first.chain(rows) {
                push_row(&mut run, &mut chunk, &columns, (header.len(), header_index), row)?;
                if chunk.len() >= CHUNK {
                    run.flush(&mut chunk)?;
                }
            }
            run.flush(&mut chunk)?;
            run
        }
        other => {
            return Err(Fail::say(
                format!("{file}：不支持的批量数据文件类型“.{other}”（可用 .csv 或 .xlsx）"),
                format!("{file}: unknown batch input format `.{other}` (expected .csv or .xlsx)"),
            ));
        }
    };
    let (scored, failed) = (run.scored, run.failed);
    run.sink.finish(&temp.path, o.out)?;
    temp.rename_to(o.out)?;
    if failed > MAX_REPORTED {
        let more = failed - MAX_REPORTED;
        eprintln!(
            "{}",
            crate::tr(
                format!("……另有{more}行未能计分（见结果表的错误列）"),
                format!("… and {more} more failed rows (see the error column)"),
            )
        );
    }
    let out = o.out.display();
    eprintln!(
        "{}",
        crate::tr(
            format!("{scored}个单位已计分，{failed}个未能计分 → {out}"),
            format!("{scored} units scored, {failed} failed → {out}"),
        )
    );
    Ok(if failed > 0 { 1 } else { 0 })
}

fn push_row(
    run: &mut Run<'_>,
    chunk: &mut Vec<(usize, String, Vec<String>)>,
    columns: &Columns,
    (width, header): (usize, usize),
    row: Row,
) -> Result<()> {
    let problems: Vec<&str> = row
        .problems
        .iter()
        .filter(|(c, p)| column_is_read(columns, *c) && p.below(Some(header)))
        .map(|(_, p)| p.message.as_str())
        .collect();
    if row.cells.iter().all(|c| c.trim().is_empty()) && problems.is_empty() {
        return Ok(());
    }
    // The unit's id, else (an empty cell, or no id column) its row number.
    let unit = columns
        .unit
        .and_then(|i| row.cells.get(i))
        .map(|s| s.trim())
        .filter(|s| !s.is_empty() && (row.utf8 || !s.contains('\u{fffd}')))
        .map_or_else(|| row.no.to_string(), str::to_string);
    let input = run.o.input.display().to_string();
    if !row.utf8 {
        let message = crate::tr(
            format!("第{}行不是 UTF-8 编码的文本，请将文件另存为 UTF-8", row.no),
            format!("row {} is not UTF-8 text; save the file as UTF-8", row.no),
        );
        let line = format!("{input} {message}");
        return run.bad_row(chunk, row.no, unit, message, &line);
    }
    if !problems.is_empty() {
        // A cell that holds no figure (an Excel date, error, formula without a value, a merged
        // cell below its first row): report the row, score the rest.
        let message = problems.join(&crate::tr("；", "; "));
        let line = row_line(run.o.input, row.no, &unit, &message);
        return run.bad_row(chunk, row.no, unit, message, &line);
    }
    let cells = row.cells;
    if cells.len() > width && cells.iter().skip(width).any(|c| !c.trim().is_empty()) {
        // Too many cells: report the row, score the rest.
        let n = cells.len();
        let message = crate::tr(
            format!("该行有{n}个单元格，但表头只有{width}列"),
            format!("the row has {n} cells but the header has {width}"),
        );
        let line = row_line(run.o.input, row.no, &unit, &message);
        return run.bad_row(chunk, row.no, unit, message, &line);
    }
    if cells.len() < width {
        // Too few: cells were lost (a blank cell still has its comma), not left blank; scoring the
        // row with the missing inputs at their defaults would be a guess.
        let n = cells.len();
        let message = crate::tr(
            format!("该行只有{n}个单元格，而表头有{width}列：有单元格缺失（空单元格也须保留其逗号）"),
            format!(
                "the row has {n} cells but the header has {width}: cells are missing (a blank cell keeps its comma)"
            ),
        );
        let line = row_line(run.o.input, row.no, &unit, &message);
        return run.bad_row(chunk, row.no, unit, message, &line);
    }
    chunk.push((row.no, unit, cells));
    Ok(())
}

/// A failed row as standard error reports it: file, row number and unit, then what is wrong.
fn row_line(input: &Path, row_no: usize, unit: &str, message: &str) -> String {
    let file = input.display();
    crate::tr(
        format!("{file} 第{row_no}行（{unit}）：{message}"),
        format!("{file} row {row_no} ({unit}): {message}"),
    )
}
