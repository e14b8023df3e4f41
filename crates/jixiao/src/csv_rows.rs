//! CSV as a spreadsheet shows it: every record at its row (blank lines counted, line breaks inside
//! quoted cells not), so that a message naming row 14 names the row a person sees. Shared by the
//! CLI (tables and streamed batches) and the WASM package (a project table read in the browser).

/// Numbers CSV records as the rows a spreadsheet shows (row 1 first): blank lines count as rows, as
/// they do when Excel opens the file (the csv crate skips them), and line breaks inside quoted cells
/// do not. A record's first line is found from where the reader stands after it (the csv crate's
/// position before a record is taken before the blank lines it skips), less the lines the record
/// spans; a record never gets a number below the one after its predecessor's (a file whose lines
/// end in a bare CR is one line to the csv crate).
#[derive(Debug)]
pub struct CsvRowNumbers {
    /// Line breaks inside the quoted cells of the records read.
    breaks: usize,
    /// The last row number given.
    last: usize,
    /// The file's length in bytes, and whether it ends with a line break (else its last record has
    /// no line break after it).
    len: u64,
    ends_with_break: bool,
}

impl CsvRowNumbers {
    /// Numbers the records of a file of `len` bytes whose last byte is `last_byte`.
    pub fn new(len: u64, last_byte: Option<u8>) -> Self {
        CsvRowNumbers {
            breaks: 0,
            last: 0,
            len,
            ends_with_break: last_byte == Some(b'\n'),
        }
    }

    /// The row number of the record just read, the reader standing at `after`.
    pub fn of(&mut self, record: &csv::ByteRecord, after: &csv::Position) -> usize {
        let inside = record
            .iter()
            .map(|f| f.iter().filter(|b| **b == b'\n').count())
            .sum::<usize>();
        let ended_by_break = after.byte() < self.len || self.ends_with_break;
        let after_line = usize::try_from(after.line()).unwrap_or(usize::MAX);
        let first_line = after_line.saturating_sub(inside + usize::from(ended_by_break));
        let no = first_line.saturating_sub(self.breaks).max(self.last + 1);
        self.breaks += inside;
        self.last = no;
        no
    }
}

/// Every row of CSV text as cell texts, each at its spreadsheet position (blank rows empty); a
/// leading byte-order mark is dropped. The error is the csv crate's, naming where it stands.
pub fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, csv::Error> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut record = csv::ByteRecord::new();
    let mut numbers = CsvRowNumbers::new(text.len() as u64, text.as_bytes().last().copied());
    while reader.read_byte_record(&mut record)? {
        let no = numbers.of(&record, reader.position());
        // The text is UTF-8, and so is every field.
        let cells = record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
        // INVARIANT: `no` is above every number given before, so this only adds blank rows.
        rows.resize(no - 1, Vec::new());
        rows.push(cells);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::csv_rows;

    #[test]
    fn records_stand_at_the_rows_a_spreadsheet_shows() {
        let rows = csv_rows("\u{feff}a,b\n\n\"x\ny\",c\nd\n").unwrap();
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0], ["a", "b"]);
        assert!(rows[1].is_empty());
        assert_eq!(rows[2], ["x\ny", "c"]);
        assert_eq!(rows[3], ["d"]);
    }
}
