//! Reading key IDs for bulk commands: from arguments, or one per line on stdin, in any
//! of the forms `keys list` prints (`-q`, CSV, table), so output pipes straight in.

use crate::token;
use std::collections::HashSet;
use std::io::{self, BufRead};

/// The longest stdin line looked at; longer lines are an `invalid id` result, and their
/// excess is skipped without being held in memory.
pub const MAX_LINE: usize = 4096;

/// The UTF-8 encoding of U+FEFF, skipped at the start of the input.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// One requested ID, in input order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Requested {
    /// A well-formed key ID.
    Id(String),
    /// Not a key ID; the text is how to show it (already shortened).
    Invalid(String),
}

impl Requested {
    /// The text to show in the result's ID column.
    pub fn text(&self) -> &str {
        match self {
            Requested::Id(s) | Requested::Invalid(s) => s,
        }
    }
}

fn is_border(c: char) -> bool {
    c == '|' || ('\u{2500}'..='\u{257F}').contains(&c)
}

fn is_border_line_char(c: char) -> bool {
    is_border(c) || matches!(c, '+' | '-' | '=' | ':') || c.is_whitespace()
}

/// Shortens a field for display in a result row.
fn shown(field: &str) -> String {
    let field = &*token::redact(field);
    const MAX: usize = 64;
    if field.chars().count() > MAX {
        let head: String = field.chars().take(MAX).collect();
        format!("{head}…")
    } else {
        field.to_owned()
    }
}

/// Whether a line whose first field is `field` (followed by `rest`) is a header row:
/// `ID`/`id` (`keys list`, `search`, bulk results) or `KEY_ID`/`key_id` and the table's
/// `KEY ID` (`events top`), in any case.
fn is_header(field: &str, rest: &str) -> bool {
    field.eq_ignore_ascii_case("id")
        || field.eq_ignore_ascii_case("key_id")
        || (field.eq_ignore_ascii_case("key")
            && rest
                .trim_start()
                .get(..2)
                .is_some_and(|w| w.eq_ignore_ascii_case("id")))
}

/// Extracts the ID of one stdin line, or `None` when the line is to be skipped.
pub fn parse_line(raw: &str) -> Option<Requested> {
    let line: String = raw.chars().filter(|&c| c != '\r').collect();
    let trimmed = line.trim_matches(|c: char| is_border(c) || c.is_whitespace());
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    if line.chars().all(is_border_line_char) {
        return None;
    }
    let end = trimmed
        .find(|c: char| c.is_whitespace() || c == ',' || is_border(c))
        .unwrap_or(trimmed.len());
    let field = trimmed[..end].trim_matches('"');
    if is_header(field, &trimmed[end..]) {
        return None;
    }
    Some(classify(field))
}

/// Classifies one candidate ID.
pub fn classify(field: &str) -> Requested {
    if token::is_valid_id(field) {
        Requested::Id(field.to_owned())
    } else {
        Requested::Invalid(shown(field))
    }
}

/// Reads IDs from `input`, one per line, skipping what [`parse_line`] skips and
/// dropping duplicates (the first occurrence keeps its place).
pub fn read(mut input: impl BufRead) -> io::Result<Vec<Requested>> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut line = Vec::with_capacity(128);
    let mut first = true;
    loop {
        line.clear();
        let (ended, overlong) = read_bounded_line(&mut input, &mut line)?;
        // A UTF-8 byte-order mark (Windows editors, PowerShell) is not part of the ID.
        if std::mem::take(&mut first) && line.starts_with(BOM) {
            line.drain(..BOM.len());
        }
        if ended && line.is_empty() && !overlong {
            break;
        }
        let item = if overlong {
            Some(Requested::Invalid("(line too long)".into()))
        } else {
            match std::str::from_utf8(&line) {
                Ok(s) => parse_line(s),
                Err(_) => Some(Requested::Invalid(shown(&String::from_utf8_lossy(&line)))),
            }
        };
        if let Some(item) = item
            && seen.insert(item.clone())
        {
            out.push(item);
        }
        if ended {
            break;
        }
    }
    Ok(out)
}

/// Reads one line into `buf` (without the newline), keeping at most [`MAX_LINE`] bytes.
/// Returns (reached end of input, line was longer than the limit).
fn read_bounded_line(input: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<(bool, bool)> {
    let mut overlong = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok((true, overlong));
        }
        let (take, found) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        if !overlong {
            if buf.len() + take > MAX_LINE {
                overlong = true;
                buf.clear();
            } else {
                buf.extend_from_slice(&chunk[..take]);
            }
        }
        input.consume(if found { take + 1 } else { take });
        if found {
            return Ok((false, overlong));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "0123456789abcdef";
    const B: &str = "abcdefabcdef0123";

    fn ids(input: &[u8]) -> Vec<Requested> {
        read(input).unwrap()
    }

    fn id(s: &str) -> Requested {
        Requested::Id(s.into())
    }

    #[test]
    fn quiet_output() {
        assert_eq!(ids(format!("{A}\n{B}\n").as_bytes()), vec![id(A), id(B)]);
        assert_eq!(ids(format!("{A}\r\n{B}").as_bytes()), vec![id(A), id(B)]);
    }

    #[test]
    fn skips_blank_comments_headers_and_duplicates() {
        let input = format!("\n# revoke these\nID,NAME\n{A},x\n\n   \n{A}\nid\n{B}\n");
        assert_eq!(ids(input.as_bytes()), vec![id(A), id(B)]);
    }

    #[test]
    fn csv_and_table_lines() {
        let input = format!(
            "id,name,owner\n{A},\"ci, deploy\",bob\n\
             ┌──────────────────┬──────┐\n\
             │ ID               ┆ NAME │\n\
             ╞══════════════════╪══════╡\n\
             │ {B} ┆ ci   │\n\
             └──────────────────┴──────┘\n\
             +------+\n| {A} | x |\n"
        );
        assert_eq!(ids(input.as_bytes()), vec![id(A), id(B)]);
    }

    #[test]
    fn invalid_entries_are_kept_in_order() {
        let input = format!("{A}\nnot-an-id\n{}\n", "Z".repeat(100));
        let got = ids(input.as_bytes());
        assert_eq!(got[0], id(A));
        assert_eq!(got[1], Requested::Invalid("not-an-id".into()));
        assert!(matches!(&got[2], Requested::Invalid(s) if s.ends_with('…')));
    }

    #[test]
    fn non_utf8_and_nul_and_overlong() {
        let mut input = Vec::new();
        input.extend_from_slice(b"\xff\xfe\n");
        input.extend_from_slice(b"ab\0cd\n");
        input.extend(std::iter::repeat_n(b'a', 1_000_000));
        input.push(b'\n');
        input.extend_from_slice(A.as_bytes());
        let got = ids(&input);
        assert_eq!(got.len(), 4);
        assert!(matches!(got[0], Requested::Invalid(_)));
        assert!(matches!(got[1], Requested::Invalid(_)));
        assert_eq!(got[2], Requested::Invalid("(line too long)".into()));
        assert_eq!(got[3], id(A));
    }

    #[test]
    fn bom_and_events_top_headers() {
        let input = format!("\u{FEFF}{A}\n{B}\n");
        assert_eq!(ids(input.as_bytes()), vec![id(A), id(B)]);
        let input = format!("\u{FEFF}id,name\n{A},x\n");
        assert_eq!(ids(input.as_bytes()), vec![id(A)]);
        let input = format!(
            "key_id,name,owner,uses,rejected\n{A},x,bob,3,0\n\
             │ KEY ID           ┆ NAME │\n│ {B} ┆ ci   │\nKEY_ID\n"
        );
        assert_eq!(ids(input.as_bytes()), vec![id(A), id(B)]);
        // Only a leading BOM is dropped; `key` alone is not a header.
        let got = ids(format!("{A}\n\u{FEFF}{B}\nkey\n").as_bytes());
        assert!(matches!(got[1], Requested::Invalid(_)), "{got:?}");
        assert!(matches!(got[2], Requested::Invalid(_)), "{got:?}");
    }

    #[test]
    fn empty_input() {
        assert!(ids(b"").is_empty());
        assert!(ids(b"\n\n\r\n").is_empty());
    }
}
