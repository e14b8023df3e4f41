//! `jixiao batch` over a generated 100 000-row CSV: row count, rows recomputed by hand, bad rows
//! reported, and memory that stays flat (the peak resident set for 100 000 rows is less than twice
//! the peak for 10 000 rows).
//!
//! The peak is read with `/usr/bin/time -v` when it is installed, otherwise by polling `VmHWM` in
//! `/proc/<pid>/status` while the command runs (Linux). Run with `--nocapture` to see the figures.
// Helpers outside #[test] functions panic on failure too, as tests do (clippy.toml allows it in tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use std::io::{BufWriter, Write as _};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{SIMPLE, SIMPLE_RESULT_HEADER, SimpleUnit, bin, csv_line, read_csv, tempdir, write};

/// Every 4000th unit has a non-numeric 违规次数.
fn is_bad(i: u64) -> bool {
    i % 4000 == 3999
}

fn generate(path: &Path, n: u64) {
    let mut w = BufWriter::new(std::fs::File::create(path).unwrap());
    w.write_all(
        csv_line(
            &[
                "单位名称",
                "编制数（人）",
                "在职人员数（人）",
                "年初预算（万元）",
                "年末结余（万元）",
                "违规次数（次）",
            ]
            .map(String::from),
        )
        .as_bytes(),
    )
    .unwrap();
    for i in 0..n {
        let [a, b, c, d, e] = SimpleUnit::nth(i).cells();
        let e = if is_bad(i) { "若干".to_string() } else { e };
        writeln!(w, "D{i:06},{a},{b},{c},{d},{e}").unwrap();
    }
    w.flush().unwrap();
}

struct Measured {
    code: Option<i32>,
    stderr: String,
    peak_kb: u64,
    elapsed: Duration,
    how: &'static str,
}

fn measure(dir: &Path, args: &[&str]) -> Measured {
    let time = Path::new("/usr/bin/time");
    let start = Instant::now();
    if time.exists() {
        let o = Command::new(time)
            .arg("-v")
            .arg(bin())
            .args(args)
            .current_dir(dir)
            .env("JIXIAO_LANG", "en")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let elapsed = start.elapsed();
        let all = String::from_utf8(o.stderr).unwrap();
        let peak_kb = all
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
            .map(|v| v.trim().parse().unwrap())
            .unwrap_or_else(|| panic!("no peak in /usr/bin/time output:\n{all}"));
        // /usr/bin/time's own report is indented with a tab; "Command exited with non-zero status" is not.
        let stderr: String = all
            .lines()
            .filter(|l| !l.starts_with('\t') && !l.starts_with("Command exited with non-zero status"))
            .map(|l| format!("{l}\n"))
            .collect();
        return Measured {
            code: o.status.code(),
            stderr,
            peak_kb,
            elapsed,
            how: "/usr/bin/time -v",
        };
    }
    let mut child = Command::new(bin())
        .args(args)
        .current_dir(dir)
        .env("JIXIAO_LANG", "en")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let elapsed = start.elapsed();
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(peak_kb > 0, "could not read VmHWM from {status_file}");
    Measured {
        code: status.code(),
        stderr,
        peak_kb,
        elapsed,
        how: "VmHWM in /proc/<pid>/status",
    }
}

fn run_batch(dir: &Path, n: u64) -> (Measured, Vec<Vec<String>>) {
    let input = format!("units{n}.csv");
    let out = format!("results{n}.csv");
    generate(&dir.join(&input), n);
    let m = measure(
        dir,
        &["batch", "--system", "simple.json", "--input", &input, "--out", &out],
    );
    eprintln!(
        "jixiao batch, {n} rows ({} build): peak RSS {} kB ({:.1} MB), {:.2} s, measured with {}",
        if cfg!(debug_assertions) { "debug" } else { "release" },
        m.peak_kb,
        m.peak_kb as f64 / 1024.0,
        m.elapsed.as_secs_f64(),
        m.how
    );
    common::assert_clean(&m.stderr);
    let rows = read_csv(&dir.join(&out));
    (m, rows)
}

fn check(n: u64, m: &Measured, rows: &[Vec<String>]) {
    let bad = (0..n).filter(|i| is_bad(*i)).count() as u64;
    assert_eq!(m.code, Some(if bad > 0 { 1 } else { 0 }), "{}", m.stderr);
    assert_eq!(rows.len() as u64, n + 1, "header + one row per unit");
    assert_eq!(rows[0], SIMPLE_RESULT_HEADER);
    let summary = format!("{} units scored, {bad} failed → results{n}.csv", n - bad);
    assert_eq!(m.stderr.lines().last(), Some(summary.as_str()), "{}", m.stderr);
    // The first bad unit is D003999 on line 4001 of the file.
    assert!(
        m.stderr.starts_with("units")
            && m.stderr
                .contains(&format!("units{n}.csv row 4001 (D003999): input `违规次数`: `若干`")),
        "{}",
        m.stderr
    );
    // A few rows recomputed by hand, and every row in order with its id and line number.
    for i in [
        0, 1, 2, 14, 15, 400, 401, 3998, 4000, 9999, 12_345, 50_000, 77_777, 99_997, 99_998,
    ] {
        if i >= n {
            continue;
        }
        let row = &rows[i as usize + 1];
        assert_eq!(row[0], (i + 2).to_string());
        assert_eq!(row[1], format!("D{i:06}"));
        SimpleUnit::nth(i).expected().check_row(row, &format!("D{i:06}"));
    }
    for (i, row) in rows[1..].iter().enumerate() {
        let i = i as u64;
        assert_eq!(row[1], format!("D{i:06}"), "row order");
        if is_bad(i) {
            assert!(
                row[9].starts_with("input `违规次数`: `若干` is not a decimal number"),
                "{row:?}"
            );
            assert!(row[2..9].iter().all(String::is_empty), "{row:?}");
        } else {
            assert_eq!(row[9], "", "{row:?}");
        }
    }
    // Spot-check the totals of the whole file by hand: the sum of all totals.
    let expected: jixiao::Decimal = (0..n)
        .filter(|i| !is_bad(*i))
        .map(|i| SimpleUnit::nth(i).expected().total)
        .sum();
    let got: jixiao::Decimal = rows[1..]
        .iter()
        .filter(|r| !r[7].is_empty())
        .map(|r| common::dec(&r[7]))
        .sum();
    assert_eq!(got, expected, "the sum of all totals");
}

#[test]
fn batch_of_100_000_rows_streams_in_flat_memory() {
    let dir = tempdir();
    write(dir.path(), "simple.json", SIMPLE);
    let (m10, rows10) = run_batch(dir.path(), 10_000);
    check(10_000, &m10, &rows10);
    drop(rows10);
    let (m100, rows100) = run_batch(dir.path(), 100_000);
    check(100_000, &m100, &rows100);
    assert!(
        m100.peak_kb < 2 * m10.peak_kb,
        "memory grows with the row count: peak {} kB for 100 000 rows, {} kB for 10 000 rows",
        m100.peak_kb,
        m10.peak_kb
    );
    // With 25 failures, the first 20 are listed one by one and the rest summarised.
    let lines: Vec<&str> = m100.stderr.lines().collect();
    assert_eq!(lines.len(), 22, "{}", m100.stderr);
    assert_eq!(lines[20], "… and 5 more failed rows (see the error column)");
}
