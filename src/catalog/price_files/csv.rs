//! A streaming CSV record reader for the AWS offer files: RFC 4180 quoting
//! (quoted fields, `""` for a quote, commas and line breaks inside quotes),
//! one record in memory at a time, the line each record starts on kept for
//! errors. A record longer than [`MAX_RECORD_BYTES`] or a quote left open at
//! the end of the file is an error at the line the record starts on.

use std::io::BufRead;

/// The longest record read: an offer row is about 1.5 KB; a file whose
/// quote never closes would otherwise be read whole into one record.
pub const MAX_RECORD_BYTES: usize = 1 << 20;

/// Reads records one after another from `reader`.
pub struct Records<R> {
    reader: R,
    /// The record's text with the quotes removed, its cells one after
    /// another; `ends[i]` is where cell `i` ends.
    text: String,
    ends: Vec<usize>,
    /// The next line to be read (1-based).
    next_line: usize,
    /// The line the current record starts on.
    start: usize,
    raw: Vec<u8>,
}

/// A record that could not be read: its first line and why.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordError {
    pub line: usize,
    pub message: String,
}

impl<R: BufRead> Records<R> {
    pub fn new(reader: R) -> Self {
        Records {
            reader,
            text: String::new(),
            ends: Vec::new(),
            next_line: 1,
            start: 1,
            raw: Vec::new(),
        }
    }

    /// The line the last record read starts on.
    pub fn line(&self) -> usize {
        self.start
    }

    /// The cells of the last record read.
    pub fn cells(&self) -> impl Iterator<Item = &str> {
        let mut from = 0;
        self.ends.iter().map(move |&end| {
            let cell = &self.text[from..end];
            from = end;
            cell
        })
    }

    /// Cell `i` of the last record read ("" when the record is shorter).
    pub fn cell(&self, i: usize) -> &str {
        let Some(&end) = self.ends.get(i) else {
            return "";
        };
        let from = if i == 0 { 0 } else { self.ends[i - 1] };
        &self.text[from..end]
    }

    /// How many cells the last record has.
    pub fn count(&self) -> usize {
        self.ends.len()
    }

    /// Reads the next record: `Ok(false)` at the end of the file. Blank
    /// lines are skipped.
    pub fn next_record(&mut self) -> Result<bool, RecordError> {
        loop {
            self.text.clear();
            self.ends.clear();
            self.start = self.next_line;
            let mut quoted = false;
            let mut any = false;
            // A quoted cell's closing quote, to tell `""` from the end.
            let mut after_quote = false;
            loop {
                self.raw.clear();
                let read = self.reader.read_until(b'\n', &mut self.raw).map_err(|e| {
                    RecordError { line: self.next_line, message: format!("cannot read: {e}") }
                })?;
                if read == 0 {
                    if quoted {
                        return Err(RecordError {
                            line: self.start,
                            message:
                                "a quoted cell is never closed: the file is truncated or not CSV"
                                    .into(),
                        });
                    }
                    if any {
                        self.ends.push(self.text.len());
                        return Ok(true);
                    }
                    return Ok(false);
                }
                self.next_line += 1;
                if self.text.len() + self.raw.len() > MAX_RECORD_BYTES {
                    return Err(RecordError {
                        line: self.start,
                        message: format!(
                            "a record longer than {} KB: a quote is never closed, or this is not an offer CSV",
                            MAX_RECORD_BYTES / 1024
                        ),
                    });
                }
                let chunk = std::str::from_utf8(&self.raw).map_err(|e| RecordError {
                    line: self.next_line - 1,
                    message: format!(
                        "not UTF-8 text (invalid byte at column {})",
                        e.valid_up_to() + 1
                    ),
                })?;
                let mut chars = chunk.chars().peekable();
                let mut ended = false;
                while let Some(c) = chars.next() {
                    if quoted {
                        if c == '"' {
                            if chars.peek() == Some(&'"') {
                                chars.next();
                                self.text.push('"');
                            } else {
                                quoted = false;
                                after_quote = true;
                            }
                        } else {
                            self.text.push(c);
                        }
                        continue;
                    }
                    match c {
                        '"' if !after_quote => {
                            quoted = true;
                            any = true;
                        }
                        ',' => {
                            self.ends.push(self.text.len());
                            after_quote = false;
                            any = true;
                        }
                        '\r' if chars.peek() == Some(&'\n') => {}
                        '\n' => {
                            ended = true;
                            break;
                        }
                        _ => {
                            self.text.push(c);
                            any = true;
                        }
                    }
                }
                // Inside quotes the line break was kept as part of the cell.
                if ended && !quoted {
                    break;
                }
            }
            if !any {
                continue;
            }
            self.ends.push(self.text.len());
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Result<Vec<(usize, Vec<String>)>, RecordError> {
        let mut records = Records::new(text.as_bytes());
        let mut out = Vec::new();
        while records.next_record()? {
            out.push((records.line(), records.cells().map(str::to_string).collect()));
        }
        Ok(out)
    }

    #[test]
    fn quoted_and_bare_cells_commas_quotes_and_line_breaks() {
        let got =
            all("\"a\",\"b, c\",,d\n\"say \"\"hi\"\"\",\"two\nlines\",x\r\n\nlast,\"\"").unwrap();
        assert_eq!(
            got,
            vec![
                (1, vec!["a".into(), "b, c".into(), "".into(), "d".into()]),
                (2, vec!["say \"hi\"".into(), "two\nlines".into(), "x".into()]),
                (5, vec!["last".into(), "".into()]),
            ]
        );
    }

    #[test]
    fn an_open_quote_is_located_at_its_record() {
        let err = all("a,b\n\"c,d\ne,f\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("never closed"), "{}", err.message);
    }

    #[test]
    fn cell_access_past_the_end_is_empty() {
        let mut records = Records::new("x,y".as_bytes());
        assert!(records.next_record().unwrap());
        assert_eq!((records.cell(0), records.cell(1), records.cell(7)), ("x", "y", ""));
        assert_eq!(records.count(), 2);
        assert!(!records.next_record().unwrap());
    }
}
