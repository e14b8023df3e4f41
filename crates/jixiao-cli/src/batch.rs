//! Many units, one row each. CSV input is streamed in chunks (memory does not grow with the number
//! of rows); every chunk is scored across the machine's cores; a bad row gets its message in the
//! error column and on standard error, and the rest are scored.

use std::fs::File;
use std::io::{BufReader, IsTerminal};
use std::path::Path;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use jixiao::report::system_rows;
use jixiao::{Evaluation, IndicatorSystem, Inputs, Lang, Scorer};
use rust_xlsxwriter::Workbook;

use crate::unit::{Columns, extension, inputs_from_row, map_columns};
use crate::{Fail, Result};

/// Units scored together (and held in memory at once).
const CHUNK: usize = 2048;
/// Failed rows reported one by one on standard error before a summary takes over.
const MAX_REPORTED: usize = 20;

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

enum Sink {
    Csv(Box<csv::Writer<File>>),
    Xlsx(Box<Workbook>, u32),
}

impl Sink {
    fn open(path: &Path) -> Result<Sink> {
        let file = path.display().to_string();
        match extension(path).as_str() {
            "csv" => {
                let mut f = File::create(path).map_err(|e| Fail::new(format!("{file}: cannot create: {e}")))?;
                // A byte-order mark so that Excel opens the UTF-8 CSV with its Chinese headers intact.
                std::io::Write::write_all(&mut f, "\u{feff}".as_bytes())
                    .map_err(|e| Fail::new(format!("{file}: {e}")))?;
                Ok(Sink::Csv(Box::new(csv::Writer::from_writer(f))))
            }
            "xlsx" => {
                let mut workbook = Workbook::new();
                workbook
                    .add_worksheet_with_constant_memory()
                    .map_err(|e| Fail::new(format!("{file}: cannot create a worksheet: {e}")))?;
                Ok(Sink::Xlsx(Box::new(workbook), 0))
            }
            other => Err(Fail::new(format!(
                "{file}: unknown output format `.{other}` (expected .csv or .xlsx)"
            ))),
        }
    }

    fn write(&mut self, row: &[String], out: &Path) -> Result<()> {
        let fail = |e: String| Fail::new(format!("{}: cannot write: {e}", out.display()));
        match self {
            Sink::Csv(w) => w.write_record(row).map_err(|e| fail(e.to_string())),
            Sink::Xlsx(workbook, r) => {
                let sheet = workbook.worksheet_from_index(0).map_err(|e| fail(e.to_string()))?;
                for (c, cell) in row.iter().enumerate() {
                    let c = u16::try_from(c).map_err(|_| fail("too many columns".into()))?;
                    let written = match crate::xlsx::number_of(cell) {
                        Some(n) if *r > 0 => sheet.write_number(*r, c, n).map(|_| ()),
                        _ => sheet.write_string(*r, c, cell).map(|_| ()),
                    };
                    written.map_err(|e| fail(e.to_string()))?;
                }
                *r = r.checked_add(1).ok_or_else(|| fail("too many rows for Excel".into()))?;
                Ok(())
            }
        }
    }

    fn finish(self, out: &Path) -> Result<()> {
        let fail = |e: String| Fail::new(format!("{}: cannot write: {e}", out.display()));
        match self {
            Sink::Csv(mut w) => w.flush().map_err(|e| fail(e.to_string())),
            Sink::Xlsx(mut workbook, _) => {
                if let Ok(sheet) = workbook.worksheet_from_index(0) {
                    let _ = sheet.set_name("results");
                }
                workbook.save(out).map_err(|e| fail(e.to_string()))
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
}

impl Run<'_> {
    fn flush(&mut self, chunk: &mut Vec<(usize, String, Inputs)>) -> Result<()> {
        let inputs: Vec<Inputs> = chunk.iter_mut().map(|(_, _, i)| std::mem::take(i)).collect();
        let results = self.o.scorer.evaluate_batch(&inputs);
        for ((row_no, unit, _), result) in chunk.drain(..).zip(results) {
            let row = match result {
                Ok(e) => {
                    self.scored += 1;
                    self.result_row(row_no, unit, &e)
                }
                Err(e) => {
                    self.failed += 1;
                    let message = e.to_string();
                    if self.failed <= MAX_REPORTED {
                        eprintln!("{} row {row_no} ({unit}): {message}", self.o.input.display());
                    }
                    let mut row = vec![row_no.to_string(), unit];
                    row.extend(std::iter::repeat_n(String::new(), self.node_count + 2));
                    row.push(message);
                    row
                }
            };
            self.sink.write(&row, self.o.out)?;
        }
        Ok(())
    }

    fn result_row(&self, row_no: usize, unit: String, e: &Evaluation) -> Vec<String> {
        let mut row = Vec::with_capacity(self.node_count + 5);
        row.push(row_no.to_string());
        row.push(unit);
        row.extend(
            e.indicators
                .iter()
                .chain(&e.bonus)
                .map(|r| r.score.normalize().to_string()),
        );
        row.push(e.total.normalize().to_string());
        row.push(e.grade.to_string());
        row.push(String::new());
        row
    }
}

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

/// Runs a batch; exit status 1 when any row failed.
pub fn run(o: &Options<'_>) -> Result<u8> {
    let file = o.input.display().to_string();
    let node_count = system_rows(o.system, o.lang).len();
    let mut sink = Sink::open(o.out)?;
    sink.write(&header(o.system, o.lang), o.out)?;
    let mut run = Run {
        o,
        sink,
        node_count,
        scored: 0,
        failed: 0,
    };
    let mut chunk: Vec<(usize, String, Inputs)> = Vec::with_capacity(CHUNK);
    match extension(o.input).as_str() {
        "csv" => {
            let f = File::open(o.input).map_err(|e| Fail::new(format!("{file}: cannot read: {e}")))?;
            let len = f.metadata().map(|m| m.len()).unwrap_or(0);
            let bar = progress(len);
            let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(BufReader::new(f));
            let header: Vec<String> = reader
                .headers()
                .map_err(|e| Fail::new(format!("{file}: cannot read the header row: {e}")))?
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').to_string())
                .collect();
            if header.iter().all(|h| h.trim().is_empty()) {
                return Err(Fail::new(format!(
                    "{file}: the file is empty (a header row of input names is needed)"
                )));
            }
            let columns = map_columns(&header, o.scorer, o.id_column, o.ignore, &file)?;
            let mut record = csv::StringRecord::new();
            loop {
                match reader.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        let row_no = record.position().map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                        let cells: Vec<String> = record.iter().map(str::to_string).collect();
                        push_row(&mut run, &mut chunk, &columns, header.len(), row_no, cells)?;
                    }
                    Err(e) => return Err(Fail::new(format!("{file}: {e}"))),
                }
                if chunk.len() >= CHUNK {
                    run.flush(&mut chunk)?;
                    bar.set_position(reader.position().byte());
                    bar.set_message(format!("{} units", run.scored + run.failed));
                }
            }
            run.flush(&mut chunk)?;
            bar.finish_and_clear();
        }
        "xlsx" | "xlsm" | "xls" | "ods" => {
            let rows = crate::xlsx::read_rows(o.input)?;
            let mut rows = rows
                .into_iter()
                .enumerate()
                .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()));
            let (_, header) = rows
                .next()
                .ok_or_else(|| Fail::new(format!("{file}: the worksheet is empty")))?;
            let columns = map_columns(&header, o.scorer, o.id_column, o.ignore, &file)?;
            for (i, cells) in rows {
                push_row(&mut run, &mut chunk, &columns, header.len(), i + 1, cells)?;
                if chunk.len() >= CHUNK {
                    run.flush(&mut chunk)?;
                }
            }
            run.flush(&mut chunk)?;
        }
        other => {
            return Err(Fail::new(format!(
                "{file}: unknown batch input format `.{other}` (expected .csv or .xlsx)"
            )));
        }
    }
    let (scored, failed) = (run.scored, run.failed);
    run.sink.finish(o.out)?;
    if failed > MAX_REPORTED {
        eprintln!(
            "… and {} more failed rows (see the error column)",
            failed - MAX_REPORTED
        );
    }
    eprintln!("{scored} units scored, {failed} failed → {}", o.out.display());
    Ok(if failed > 0 { 1 } else { 0 })
}

fn push_row(
    run: &mut Run<'_>,
    chunk: &mut Vec<(usize, String, Inputs)>,
    columns: &Columns,
    width: usize,
    row_no: usize,
    cells: Vec<String>,
) -> Result<()> {
    if cells.iter().all(|c| c.trim().is_empty()) {
        return Ok(());
    }
    let unit = columns
        .id
        .and_then(|i| cells.get(i))
        .map_or_else(|| row_no.to_string(), |s| s.trim().to_string());
    if cells.len() > width && cells.iter().skip(width).any(|c| !c.trim().is_empty()) {
        // Too many cells: report the row, score the rest.
        run.failed += 1;
        let message = format!("the row has {} cells but the header has {width}", cells.len());
        if run.failed <= MAX_REPORTED {
            eprintln!("{} row {row_no} ({unit}): {message}", run.o.input.display());
        }
        let mut row = vec![row_no.to_string(), unit];
        row.extend(std::iter::repeat_n(String::new(), run.node_count + 2));
        row.push(message);
        // Keep the output in input order: flush what is pending first.
        run.flush(chunk)?;
        return run.sink.write(&row, run.o.out);
    }
    chunk.push((row_no, unit, inputs_from_row(columns, &cells)));
    Ok(())
}
