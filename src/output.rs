//! Rendering for stdout: tables for people, JSON and CSV for scripts, IDs for pipes.
//! Every piece of stored text is sanitised on the way out, whatever wrote the database.

use anyhow::Result;
use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};
use keyctl::cli::Format;
use keyctl::text::is_forbidden_char;
use serde_json::Value;
use std::io::{self, BufWriter, StdoutLock, Write};

/// Writes one line to stderr (use the `note!` macro); a write error is ignored, so a
/// closed stderr cannot turn a finished command into a panic.
pub fn note(args: std::fmt::Arguments) {
    let mut err = io::stderr().lock();
    let _ = err.write_fmt(args).and_then(|()| err.write_all(b"\n"));
}

/// Replaces control and invisible format characters ([`is_forbidden_char`]) with
/// visible escapes, so stored text cannot move the cursor, recolour or reorder what a
/// terminal shows.
pub fn sanitize(text: &str) -> String {
    // Printable ASCII (the common case) needs no look at the characters.
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) || !text.chars().any(is_forbidden_char) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| {
            if is_forbidden_char(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Serialises `value` as JSON with every forbidden character written as a `\uXXXX`
/// escape: the same string to a JSON reader, nothing a terminal acts on. (serde_json
/// escapes C0 controls itself but writes DEL, C1 controls and bidi overrides raw.)
pub fn json_text(value: &Value, pretty: bool) -> Result<String> {
    let text = if pretty {
        serde_json::to_string_pretty(value)?
    } else {
        serde_json::to_string(value)?
    };
    if text.is_ascii() && !text.contains('\u{7f}') {
        return Ok(text);
    }
    // Outside strings JSON is ASCII, so every such character is inside a string, where
    // an escape is valid; all of them are in the Basic Multilingual Plane.
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        // C0 controls in strings are escaped by serde_json already; those outside
        // strings are the pretty printer's own newlines.
        if c >= '\u{7f}' && is_forbidden_char(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Something shown as one row of a listing, or alone as one record.
pub trait Record {
    /// Column headers for tables (upper case), one per table cell.
    const HEADERS: &'static [&'static str];
    /// Column names for CSV, one per CSV cell.
    const CSV_HEADERS: &'static [&'static str];
    /// The ID printed with `-q` (nothing when empty).
    fn id(&self) -> String;
    /// Cells for a table (times may be short); by default the CSV cells.
    fn table_cells(&self) -> Vec<String> {
        self.csv_cells()
    }
    /// Cells for CSV (times RFC 3339).
    fn csv_cells(&self) -> Vec<String>;
    /// The JSON object.
    fn json(&self) -> Value;
    /// Shown alone in a table, this record is this one line instead of FIELD/VALUE rows.
    fn table_line(&self) -> Option<String> {
        None
    }
    /// Shown alone in a table, this line comes first, outside the FIELD/VALUE rows, so
    /// its value is never wrapped or cut whatever the terminal's width (a key's secret).
    fn table_lead(&self) -> Option<String> {
        None
    }
}

/// How many rows of a table listing are laid out together; the column widths of this
/// first page hold for every later row, which is printed as it comes (memory stays flat
/// however many rows there are; a later cell wider than its column wraps within it).
pub const TABLE_PAGE: usize = 100;

/// A table in keyctl's style, fitted to the terminal's width when stdout is a terminal
/// that reports one. A terminal reporting 0 columns (some ptys, serial consoles) gets no
/// wrapping at all rather than a column per character.
fn new_table() -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    let arrangement = match table.width() {
        Some(w) if w > 0 => ContentArrangement::Dynamic,
        _ => ContentArrangement::Disabled,
    };
    table.set_content_arrangement(arrangement);
    table
}

/// The widths (padding included) of the columns of a rendered table, read from its top
/// border (`┌───┬──┐`).
fn column_widths(top_border: &str) -> Vec<u16> {
    let inner: Vec<char> = top_border.chars().collect();
    let inner: String = inner[1..inner.len().saturating_sub(1)].iter().collect();
    inner
        .split('┬')
        .map(|seg| seg.chars().count() as u16)
        .collect()
}

/// The lines of one table row laid out in columns of `widths` (no borders above or
/// below it).
fn row_lines(widths: &[u16], cells: Vec<String>) -> Vec<String> {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .force_no_tty()
        .set_content_arrangement(ContentArrangement::Disabled)
        .add_row(cells);
    table.set_constraints(
        widths
            .iter()
            .map(|&w| ColumnConstraint::Absolute(Width::Fixed(w))),
    );
    let mut lines: Vec<String> = table.lines().collect();
    lines.pop();
    lines.remove(0);
    lines
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

    /// Writes one line of text, sanitised like every other output.
    pub fn line(&mut self, text: &str) -> Result<()> {
        writeln!(self.out, "{}", sanitize(text))?;
        Ok(())
    }

    /// Prints one JSON document.
    pub fn json(&mut self, value: &Value) -> Result<()> {
        self.out.write_all(json_text(value, true)?.as_bytes())?;
        writeln!(self.out)?;
        Ok(())
    }

    /// Prints a table for people.
    pub fn table(&mut self, headers: &[&str], rows: Vec<Vec<String>>) -> Result<()> {
        let mut table = new_table();
        table.set_header(headers.iter().copied());
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
                Format::Table => Mode::Table {
                    page: Vec::new(),
                    streaming: None,
                },
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

    /// Prints one record in the chosen format: JSON an object, CSV a header and a row,
    /// a table FIELD/VALUE rows (or the record's own line), `-q` its ID.
    pub fn record<R: Record>(&mut self, r: &R) -> Result<()> {
        if !self.quiet && self.format == Format::Json {
            return self.json(&r.json());
        }
        if !self.quiet && self.format == Format::Table {
            if let Some(line) = r.table_line() {
                return self.line(&line);
            }
            if let Some(lead) = r.table_lead() {
                self.line(&lead)?;
            }
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
    /// The first page of rows, held until it is full; then the column widths and the
    /// bottom border of the table printed from it, and rows stream.
    Table {
        page: Vec<Vec<String>>,
        streaming: Option<(Vec<u16>, String)>,
    },
    Json {
        first: bool,
    },
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

/// A listing being streamed: JSON, CSV and `-q` rows are written as they come, and a
/// table's rows after its first page ([`TABLE_PAGE`]), so memory stays flat.
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
            Mode::Table { page, streaming } => {
                let cells: Vec<String> = r.table_cells().iter().map(|c| sanitize(c)).collect();
                match streaming {
                    Some((widths, _)) => {
                        for line in row_lines(widths, cells) {
                            writeln!(w, "{line}")?;
                        }
                    }
                    None if page.len() < TABLE_PAGE => page.push(cells),
                    None => {
                        // The page is full: lay it out, print all but its bottom border,
                        // and keep its column widths for this row and every later one.
                        let mut table = new_table();
                        table.set_header(R::HEADERS.iter().copied());
                        for row in page.drain(..) {
                            table.add_row(row);
                        }
                        let mut lines: Vec<String> = table.lines().collect();
                        let bottom = lines.pop().unwrap_or_default();
                        let widths = column_widths(&lines[0]);
                        for line in lines.iter().chain(&row_lines(&widths, cells)) {
                            writeln!(w, "{line}")?;
                        }
                        *streaming = Some((widths, bottom));
                    }
                }
            }
            Mode::Json { first } => {
                w.write_all(if *first { b"\n  " } else { b",\n  " })?;
                *first = false;
                w.write_all(json_text(&r.json(), false)?.as_bytes())?;
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
            Mode::Table {
                streaming: Some((_, bottom)),
                ..
            } => writeln!(self.out.out, "{bottom}")?,
            Mode::Table { page, .. } => {
                if page.is_empty() {
                    note!("(none)");
                } else {
                    // Sanitised already; a second pass leaves escapes (printable ASCII) alone.
                    self.out.table(R::HEADERS, page)?;
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
