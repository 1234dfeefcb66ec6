//! Rendering for stdout: tables for people, JSON and CSV for scripts, IDs for pipes.
//! Every piece of stored text is sanitised on the way out, whatever wrote the database.

use anyhow::Result;
use comfy_table::{ContentArrangement, Table, presets};
use keyctl::cli::Format;
use serde_json::Value;
use std::io::{self, BufWriter, StdoutLock, Write};

/// Writes one line to stderr (use the `note!` macro); a write error is ignored, so a
/// closed stderr cannot turn a finished command into a panic.
pub fn note(args: std::fmt::Arguments) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// Replaces control and bidirectional-override characters with visible escapes, so
/// stored text cannot move the cursor, recolour or reorder what a terminal shows.
pub fn sanitize(text: &str) -> String {
    // Printable ASCII (the common case) needs no look at the characters.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) || !text.chars().any(is_dangerous) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if is_dangerous(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Something shown as one row of a listing.
pub trait Record {
    /// Column headers for tables (upper case).
    const HEADERS: &'static [&'static str];
    /// Column names for CSV (same order as `HEADERS`).
    const CSV_HEADERS: &'static [&'static str];
    /// The ID printed with `-q`.
    fn id(&self) -> String;
    /// Cells for a table (times may be short).
    fn table_cells(&self) -> Vec<String>;
    /// Cells for CSV (times RFC 3339).
    fn csv_cells(&self) -> Vec<String>;
    /// The JSON object.
    fn json(&self) -> Value;
}

/// Buffered stdout in the chosen format.
pub struct Output {
    pub format: Format,
    pub quiet: bool,
    out: BufWriter<StdoutLock<'static>>,
}

impl Output {
    pub fn new(format: Format, quiet: bool) -> Output {
        Output {
            format,
            quiet,
            out: BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
        }
    }

    /// Writes raw data (already sanitised or produced by us).
    pub fn line(&mut self, text: &str) -> Result<()> {
        writeln!(self.out, "{text}")?;
        Ok(())
    }

    /// Prints one JSON document.
    pub fn json(&mut self, value: &Value) -> Result<()> {
        serde_json::to_writer_pretty(&mut self.out, value)?;
        writeln!(self.out)?;
        Ok(())
    }

    /// Prints one CSV record: a header row, then the row (sanitised like listings).
    pub fn csv_record(&mut self, headers: &[&str], row: &[&str]) -> Result<()> {
        csv_row(&mut self.out, headers)?;
        csv_row(&mut self.out, row.iter().map(|c| sanitize(c)))
    }

    /// Prints a table for people.
    pub fn table(&mut self, headers: &[&str], rows: Vec<Vec<String>>) -> Result<()> {
        let mut table = Table::new();
        table
            .load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(headers.iter().copied());
        for row in rows {
            table.add_row(row.iter().map(|c| sanitize(c)));
        }
        writeln!(self.out, "{table}")?;
        Ok(())
    }

    /// Starts a streamed listing of `R`.
    pub fn listing<R: Record>(&mut self) -> Result<Listing<'_, R>> {
        let mode = if self.quiet {
            Mode::Quiet
        } else {
            match self.format {
                Format::Table => Mode::Table(Vec::new()),
                Format::Json => {
                    self.out.write_all(b"[")?;
                    Mode::Json { first: true }
                }
                Format::Csv => {
                    csv_row(&mut self.out, R::CSV_HEADERS.iter().copied())?;
                    Mode::Csv
                }
            }
        };
        Ok(Listing {
            out: self,
            mode,
            _record: std::marker::PhantomData,
        })
    }

    /// Prints one record in the chosen format (a one-row listing; JSON: an object).
    pub fn record<R: Record>(&mut self, r: &R) -> Result<()> {
        if !self.quiet && self.format == Format::Json {
            return self.json(&r.json());
        }
        if !self.quiet && self.format == Format::Table {
            let rows = R::HEADERS
                .iter()
                .zip(r.table_cells())
                .map(|(h, v)| vec![h.to_string(), v])
                .collect();
            return self.table(&["FIELD", "VALUE"], rows);
        }
        let mut l = self.listing::<R>()?;
        l.push(r)?;
        l.finish()
    }

    /// Flushes stdout.
    pub fn finish(mut self) -> Result<()> {
        self.out.flush()?;
        Ok(())
    }
}

enum Mode {
    Quiet,
    Table(Vec<Vec<String>>),
    Json { first: bool },
    Csv,
}

/// Writes one RFC 4180 row straight into `out` (a small writer per row keeps the
/// listing streaming without holding a second buffer).
fn csv_row<I, T>(out: &mut impl Write, fields: I) -> Result<()>
where
    I: IntoIterator<Item = T>,
    T: AsRef<[u8]>,
{
    let mut w = csv::WriterBuilder::new()
        .buffer_capacity(512)
        .from_writer(NoFlush(out));
    w.write_record(fields)?;
    w.flush()?;
    Ok(())
}

/// Passes writes through but not flushes: the CSV writer's per-row flush then only moves
/// the row into stdout's buffer instead of making a `write` system call per row.
struct NoFlush<W>(W);

impl<W: Write> Write for NoFlush<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.write(buf)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.0.write_all(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A listing being streamed: JSON, CSV and `-q` rows are written as they come, so
/// memory stays flat; a table is laid out once all rows are known.
pub struct Listing<'o, R> {
    out: &'o mut Output,
    mode: Mode,
    _record: std::marker::PhantomData<R>,
}

impl<R: Record> Listing<'_, R> {
    /// Adds one record.
    pub fn push(&mut self, r: &R) -> Result<()> {
        let w = &mut self.out.out;
        match &mut self.mode {
            Mode::Quiet => {
                let id = r.id();
                if !id.is_empty() {
                    writeln!(w, "{}", sanitize(&id))?;
                }
            }
            Mode::Table(rows) => rows.push(r.table_cells()),
            Mode::Json { first } => {
                w.write_all(if *first { b"\n  " } else { b",\n  " })?;
                *first = false;
                serde_json::to_writer(&mut *w, &r.json())?;
            }
            Mode::Csv => csv_row(w, r.csv_cells().iter().map(|s| sanitize(s)))?,
        }
        Ok(())
    }

    /// Ends the listing.
    pub fn finish(self) -> Result<()> {
        match self.mode {
            Mode::Quiet | Mode::Csv => {}
            Mode::Json { first } => {
                self.out
                    .out
                    .write_all(if first { b"]\n" } else { b"\n]\n" })?;
            }
            Mode::Table(rows) => {
                if rows.is_empty() {
                    note!("(none)");
                } else {
                    self.out.table(R::HEADERS, rows)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_terminal_controls() {
        assert_eq!(sanitize("plain name"), "plain name");
        assert_eq!(sanitize("a\u{1b}[31mred"), "a\\u{1b}[31mred");
        assert_eq!(sanitize("x\ny"), "x\\u{a}y");
        assert_eq!(sanitize("evil\u{202E}txt"), "evil\\u{202e}txt");
        assert_eq!(sanitize("åäö ✓"), "åäö ✓");
    }
}
