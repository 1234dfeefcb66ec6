//! Durations (`90d`, `12h`, `1d12h`, `P30D`, `PT24H`, `P1DT12H`) and points in time
//! (RFC 3339, or a duration meaning "that long ago").

use crate::error::{InvalidValue, echo};
use chrono::{DateTime, SecondsFormat, Utc};
use std::fmt;

/// The longest duration accepted anywhere: 100 years, far beyond any sane key lifetime
/// and far from integer overflow.
pub const MAX_SECONDS: i64 = 100 * 365 * 86_400;

/// A positive whole number of seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Duration(i64);

impl Duration {
    /// A duration of `secs` seconds; `None` unless 1 ≤ secs ≤ [`MAX_SECONDS`].
    pub fn from_secs(secs: i64) -> Option<Duration> {
        (1..=MAX_SECONDS).contains(&secs).then_some(Duration(secs))
    }

    /// The number of seconds.
    pub fn secs(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Duration {
    /// The compact form that [`parse`] reads back, e.g. `30d`, `1d12h`, `90s`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        for (unit, size) in [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)] {
            if rest >= size {
                write!(f, "{}{unit}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
}

/// Parses a duration: compact (`90d`, `12h`, `30m`, `45s`, `2w`, `1d12h`) or ISO 8601
/// (`P30D`, `PT24H`, `P1DT12H`, `P2W`). Zero, negative, months and years are refused.
pub fn parse(input: &str) -> Result<Duration, InvalidValue> {
    let s = input.trim();
    if s.is_empty() {
        return Err(InvalidValue("empty duration".into()));
    }
    let total = if s.starts_with(['P', 'p']) {
        parse_iso(&s[1..])
    } else {
        parse_compact(s)
    }
    .map_err(|why| InvalidValue(format!("invalid duration '{}': {why}", echo(s))))?;
    Duration::from_secs(total).ok_or_else(|| {
        InvalidValue(if total <= 0 {
            format!("invalid duration '{}': must be positive", echo(s))
        } else {
            format!("invalid duration '{}': longer than 100 years", echo(s))
        })
    })
}

/// Parses a grace period (`keys rotate --grace`): like [`parse`], but zero (`0`, `0s`,
/// `PT0S`) is allowed and means "at once". Returns seconds.
pub fn parse_grace(input: &str) -> Result<i64, InvalidValue> {
    let s = input.trim();
    if s == "0" {
        return Ok(0);
    }
    let zero = if s.starts_with(['P', 'p']) {
        parse_iso(&s[1..])
    } else {
        parse_compact(s)
    };
    if zero == Ok(0) {
        return Ok(0);
    }
    parse(s).map(Duration::secs)
}

fn unit_seconds(unit: char) -> Option<i64> {
    match unit {
        'w' => Some(7 * 86_400),
        'd' => Some(86_400),
        'h' => Some(3_600),
        'm' => Some(60),
        's' => Some(1),
        _ => None,
    }
}

/// Sums `<number><unit>` pairs; `units` gives the allowed units in their only order.
fn sum_parts(s: &str, units: &str, unit_of: impl Fn(char) -> Option<i64>) -> Result<i64, String> {
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut last_unit_pos: Option<usize> = None;
    for c in s.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let lower = c.to_ascii_lowercase();
        let Some(size) = unit_of(lower) else {
            return Err(if c == '-' {
                "must be positive".into()
            } else if matches!(lower, 'y') {
                "years are ambiguous; use days".into()
            } else {
                format!("unknown unit '{}' (use {units})", c.escape_debug())
            });
        };
        if digits.is_empty() {
            return Err(format!("missing number before '{c}'"));
        }
        let Some(pos) = units.find(lower) else {
            // E.g. a day in the time part of an ISO duration (`PT1D`).
            return Err(format!("unit '{c}' is not allowed here (use {units})"));
        };
        if last_unit_pos.is_some_and(|p| p >= pos) {
            return Err("units must go from largest to smallest, each once".into());
        }
        last_unit_pos = Some(pos);
        let n: i64 = digits.parse().map_err(|_| "number too large".to_string())?;
        digits.clear();
        total = n
            .checked_mul(size)
            .and_then(|v| total.checked_add(v))
            .filter(|v| *v <= MAX_SECONDS)
            .ok_or("longer than 100 years")?;
    }
    if !digits.is_empty() {
        return Err(format!("missing unit after {digits} (use {units})"));
    }
    if last_unit_pos.is_none() {
        return Err(format!("no unit (use {units})"));
    }
    Ok(total)
}

fn parse_compact(s: &str) -> Result<i64, String> {
    sum_parts(s, "wdhms", unit_seconds)
}

fn parse_iso(s: &str) -> Result<i64, String> {
    let (date, time) = match s.find(['T', 't']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut total = 0;
    if !date.is_empty() {
        total += sum_parts(date, "wd", |u| match u {
            'w' | 'd' => unit_seconds(u),
            'y' => None,
            'm' => None,
            _ => None,
        })
        .map_err(|e| {
            if date.to_ascii_lowercase().contains(['y', 'm']) {
                "years and months are ambiguous; use days".into()
            } else {
                e
            }
        })?;
    }
    match time {
        Some("") => return Err("nothing after 'T'".into()),
        Some(t) => total += sum_parts(t, "hms", unit_seconds)?,
        None if date.is_empty() => return Err("nothing after 'P'".into()),
        None => {}
    }
    Ok(total)
}

/// Formats a Unix time as RFC 3339 UTC with seconds, e.g. `2026-11-26T20:00:00Z`.
pub fn rfc3339(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| unix.to_string())
}

/// Formats a Unix time shortly for tables: `2026-11-26 20:00`.
pub fn short(unix: i64) -> String {
    DateTime::<Utc>::from_timestamp(unix, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|| unix.to_string())
}

/// Parses an RFC 3339 time (or a plain `YYYY-MM-DD`, meaning midnight UTC).
pub fn parse_time(input: &str) -> Result<i64, InvalidValue> {
    let s = input.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.timestamp());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(d
            .and_hms_opt(0, 0, 0)
            .expect("midnight")
            .and_utc()
            .timestamp());
    }
    Err(InvalidValue(format!(
        "invalid time '{}': use RFC 3339, e.g. 2026-11-26T20:00:00Z",
        echo(s)
    )))
}

/// A point in time as given on the command line (`--since`): an instant, or a duration
/// meaning that long before the command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Moment {
    /// At this Unix time.
    At(i64),
    /// This long before now.
    Ago(Duration),
}

impl Moment {
    /// The Unix time this moment names, taking `now` as the present.
    pub fn at(self, now: i64) -> i64 {
        match self {
            Moment::At(t) => t,
            Moment::Ago(d) => now - d.secs(),
        }
    }
}

/// Parses an RFC 3339 time or a duration meaning "that long ago".
pub fn parse_moment(input: &str) -> Result<Moment, InvalidValue> {
    match parse_time(input) {
        Ok(t) => Ok(Moment::At(t)),
        Err(time_err) => match parse(input) {
            Ok(d) => Ok(Moment::Ago(d)),
            Err(_) => Err(InvalidValue(format!(
                "{time_err}, or a duration such as 1h or 7d meaning that long ago"
            ))),
        },
    }
}

/// Parses an RFC 3339 time or a duration meaning "that long before `now`".
pub fn parse_since(input: &str, now: i64) -> Result<i64, InvalidValue> {
    parse_moment(input).map(|m| m.at(now))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: &str) -> i64 {
        parse(s).unwrap_or_else(|e| panic!("{s}: {e}")).secs()
    }

    #[test]
    fn compact_forms() {
        assert_eq!(secs("90d"), 90 * 86_400);
        assert_eq!(secs("12h"), 12 * 3_600);
        assert_eq!(secs("30m"), 1_800);
        assert_eq!(secs("45s"), 45);
        assert_eq!(secs("2w"), 14 * 86_400);
        assert_eq!(secs("1d12h"), 36 * 3_600);
        assert_eq!(secs("1D12H"), 36 * 3_600);
        assert_eq!(secs(" 5m "), 300);
    }

    #[test]
    fn grace_allows_zero_only_as_zero() {
        for zero in ["0", " 0 ", "0s", "0d", "0h0m", "PT0S", "P0D"] {
            assert_eq!(parse_grace(zero), Ok(0), "{zero}");
        }
        assert_eq!(parse_grace("1h"), Ok(3_600));
        assert_eq!(parse_grace("PT2H"), Ok(7_200));
        for bad in ["", "-1h", "-0", "x", "1y", "1h1d", "101000d"] {
            assert!(parse_grace(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn iso_forms() {
        assert_eq!(secs("P30D"), 30 * 86_400);
        assert_eq!(secs("PT24H"), 86_400);
        assert_eq!(secs("P1DT12H"), 36 * 3_600);
        assert_eq!(secs("P2W"), 14 * 86_400);
        assert_eq!(secs("PT1H30M15S"), 5_415);
        assert_eq!(secs("p1d"), 86_400);
    }

    #[test]
    fn refusals() {
        for bad in [
            "",
            "0d",
            "0",
            "-1d",
            "5",
            "d",
            "1x",
            "P",
            "PT",
            "P1M",
            "P1Y",
            "1y",
            "1h1d",
            "1d1d",
            "PT1D",
            "99999999999999999999d",
            "36501d",
            "1.5h",
            "P0D",
            "1 d",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn display_round_trips() {
        for s in ["30d", "1d12h", "1m30s", "1h1m1s", "7d"] {
            assert_eq!(parse(s).unwrap().to_string(), s);
        }
        assert_eq!(parse("2w").unwrap().to_string(), "14d");
    }

    #[test]
    fn times() {
        assert_eq!(parse_time("1970-01-01T00:00:10Z"), Ok(10));
        assert_eq!(parse_time("1970-01-01T01:00:10+01:00"), Ok(10));
        assert_eq!(parse_time("1970-01-02"), Ok(86_400));
        assert!(parse_time("yesterday").is_err());
        assert_eq!(parse_since("1h", 10_000), Ok(6_400));
        // A duration stays relative until the command says what "now" is.
        assert_eq!(parse_moment("1h"), Ok(Moment::Ago(parse("1h").unwrap())));
        assert_eq!(parse_moment("1970-01-01T00:00:10Z"), Ok(Moment::At(10)));
        assert!(parse_since("soon", 0).is_err());
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
