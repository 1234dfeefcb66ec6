//! `keyctl copy --to DB`

use super::Ctx;
use crate::output::sanitize;
use anyhow::Result;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use keyctl::cli::{CopyArgs, Format};
use keyctl::policy::Action;
use keyctl::{Copied, CopyProgress};
use serde_json::json;
use std::io::IsTerminal;

/// Above this many events a copy shows a progress bar (on a terminal): smaller tenants
/// copy in about a second.
const BAR_FROM_EVENTS: u64 = 10_000;

pub fn run(ctx: &Ctx, args: CopyArgs) -> Result<u8> {
    let (mut tenant, op) = ctx.session(Action::CopyTenant)?;
    let mut bar: Option<ProgressBar> = None;
    let result = tenant.copy_to(&op, &args.to, &mut |step| show(&mut bar, step));
    if let Some(bar) = bar.take() {
        bar.finish_and_clear();
    }
    let copied = result?;
    report(ctx, &copied)?;
    Ok(0)
}

/// Shows a step of the copy: a bar on stderr for a large tenant when stderr is a
/// terminal, nothing otherwise (a script's stderr stays one summary line).
fn show(bar: &mut Option<ProgressBar>, step: CopyProgress) {
    match step {
        CopyProgress::Started { events }
            if events > BAR_FROM_EVENTS && std::io::stderr().is_terminal() =>
        {
            let b = ProgressBar::with_draw_target(Some(events), ProgressDrawTarget::stderr());
            b.set_style(
                ProgressStyle::with_template("{msg:>14} [{bar:32}] {pos}/{len} events, {elapsed}")
                    .expect("a valid template")
                    .progress_chars("=> "),
            );
            b.set_message("copying");
            *bar = Some(b);
        }
        CopyProgress::Users(n) | CopyProgress::Keys(n) if n % 1024 == 0 => {
            if let Some(b) = bar {
                let what = if matches!(step, CopyProgress::Users(_)) {
                    "users"
                } else {
                    "keys"
                };
                b.set_message(format!("{n} {what}"));
            }
        }
        CopyProgress::Events(n) if n % 1024 == 0 => {
            if let Some(b) = bar {
                b.set_message("events");
                b.set_position(n);
            }
        }
        _ => {}
    }
}

/// The summary on stderr; with `--format json`, the record on stdout too.
fn report(ctx: &Ctx, c: &Copied) -> Result<()> {
    let head = format!("{}:{}", c.head.id, c.head.hash);
    let mut out = ctx.output();
    if out.format == Format::Json && !out.quiet {
        out.json(&json!({
            "to": c.to,
            "users": c.users,
            "keys": c.keys,
            "events": c.events,
            "head": head,
        }))?;
    }
    out.finish()?;
    note!(
        "copied {} users, {} keys, {} events to {}; head {head} on both",
        c.users,
        c.keys,
        c.events,
        sanitize(&c.to)
    );
    Ok(())
}
