//! `keyctl events --follow`: like `tail -f` for the audit log. Prints the matching
//! events oldest first, then polls for new ones (every 250 ms, so each shows within a
//! second of its commit) until SIGINT, SIGTERM or a closed stdout; then exit 0, the
//! last line complete. JSON is one object per line (JSON Lines), CSV has its header
//! once, a table is one line per event.

use super::Ctx;
use crate::output::{Record, json_text, sanitize};
use anyhow::Result;
use keyctl::cli::Format;
use keyctl::model::Operator;
use keyctl::{Event, EventFilter, Tenant};
use std::io::{BufWriter, StdoutLock, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// How often the log is read for new events.
const POLL: Duration = Duration::from_millis(250);
/// How often, while waiting, a stop is noticed.
const TICK: Duration = Duration::from_millis(50);

static STOP: AtomicBool = AtomicBool::new(false);

extern "C" fn on_stop(_: libc::c_int) {
    // Only an atomic store: async-signal-safe. The loop ends at its next tick, after
    // the line being written (the write is restarted, not cut) is complete.
    STOP.store(true, Ordering::SeqCst);
}

/// SIGINT and SIGTERM end the follow cleanly instead of killing the process mid-line.
fn catch_stop_signals() {
    // SAFETY: installs a handler that only stores to an atomic; the sigaction struct is
    // fully initialised (zeroed, then mask and flags set).
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_stop as extern "C" fn(libc::c_int) as libc::sighandler_t;
        sa.sa_flags = libc::SA_RESTART;
        libc::sigemptyset(&mut sa.sa_mask);
        libc::sigaction(libc::SIGINT, &sa, std::ptr::null_mut());
        libc::sigaction(libc::SIGTERM, &sa, std::ptr::null_mut());
    }
}

/// Whether stdout is a pipe whose reader has gone (so `keyctl events -f | head -1`
/// ends without waiting for another event to fail writing).
fn stdout_closed() -> bool {
    let mut fd = libc::pollfd {
        fd: libc::STDOUT_FILENO,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a zero timeout.
    let n = unsafe { libc::poll(&mut fd, 1, 0) };
    n > 0 && fd.revents & (libc::POLLERR | libc::POLLHUP) != 0
}

/// Waits one poll interval; false when it is time to stop.
fn wait() -> bool {
    let mut waited = Duration::ZERO;
    while waited < POLL {
        if STOP.load(Ordering::SeqCst) || stdout_closed() {
            return false;
        }
        std::thread::sleep(TICK);
        waited += TICK;
    }
    !STOP.load(Ordering::SeqCst)
}

/// Stdout for a follow: each event one complete line, flushed per batch.
struct Lines {
    out: BufWriter<StdoutLock<'static>>,
    format: Format,
    quiet: bool,
}

impl Lines {
    fn event(&mut self, e: &Event) -> Result<()> {
        if self.quiet {
            writeln!(self.out, "{}", e.id)?;
            return Ok(());
        }
        match self.format {
            Format::Json => writeln!(self.out, "{}", json_text(&e.json(), false)?)?,
            Format::Csv => self.csv(e.csv_cells().iter().map(|c| sanitize(c)))?,
            Format::Table => {
                let cells: Vec<String> = e
                    .table_cells()
                    .into_iter()
                    .map(|c| {
                        if c.is_empty() {
                            "-".into()
                        } else {
                            sanitize(&c)
                        }
                    })
                    .collect();
                writeln!(self.out, "{}", cells.join("  "))?;
            }
        }
        Ok(())
    }

    fn csv<I: IntoIterator<Item = T>, T: AsRef<[u8]>>(&mut self, row: I) -> Result<()> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(row)?;
        self.out.write_all(&w.into_inner()?)?;
        Ok(())
    }
}

pub fn run(ctx: &Ctx, tenant: &mut Tenant, op: &Operator, filter: &EventFilter) -> Result<u8> {
    catch_stop_signals();
    let mut lines = Lines {
        out: BufWriter::new(std::io::stdout().lock()),
        format: ctx.global.format,
        quiet: ctx.global.quiet,
    };
    if !lines.quiet && lines.format == Format::Csv {
        lines.csv(Event::CSV_HEADERS)?;
    }
    let mut last = tenant.follow_start(op, filter, |e| lines.event(&e))?;
    lines.out.flush()?;
    while wait() {
        last = tenant.follow_next(op, filter, last, |e| lines.event(&e))?;
        lines.out.flush()?;
    }
    Ok(0)
}
