//! `keyctl events ...`

use super::Ctx;
use anyhow::Result;
use keyctl::cli::{EventShowArgs, EventsArgs, EventsCommand, EventsVerifyArgs, Format, TopArgs};
use keyctl::policy::Action;
use keyctl::{Event, EventFilter, now};
use serde_json::json;

pub fn run(ctx: &Ctx, args: EventsArgs) -> Result<u8> {
    let now = now();
    match args.command {
        None => {
            let f = args.filters;
            if let Some(id) = &f.key_id {
                keyctl::check_key_id(id)?;
            }
            let filter = EventFilter {
                key_id: f.key_id,
                actor: f.actor,
                kind: f.kind,
                since: f.since.map(|t| t.at(now)),
                until: f.until.map(|t| t.at(now)),
                limit: f.limit,
            };
            let (mut tenant, op) = ctx.session(Action::ReadEvents)?;
            if f.follow {
                return super::follow::run(ctx, &mut tenant, &op, &filter);
            }
            let mut out = ctx.output();
            let mut listing = out.listing::<Event>()?;
            tenant.events(&op, &filter, |e| listing.push(&e))?;
            listing.finish()?;
            out.finish()?;
        }
        Some(EventsCommand::Show(EventShowArgs { id })) => {
            let (mut tenant, op) = ctx.session(Action::ReadEvents)?;
            ctx.print(&tenant.event(&op, id)?)?;
        }
        Some(EventsCommand::Head) => {
            let (mut tenant, op) = ctx.session(Action::ReadEvents)?;
            ctx.print(&tenant.events_head(&op)?)?;
        }
        Some(EventsCommand::Verify(EventsVerifyArgs { anchor })) => {
            let (mut tenant, op) = ctx.session(Action::ReadEvents)?;
            let report = tenant.verify_events(&op, anchor.as_ref())?;
            let head = report.head.map(|h| format!("{}:{}", h.id, h.hash));
            let mut out = ctx.output();
            if out.format == Format::Json && !out.quiet {
                out.json(&json!({"ok": true, "events": report.events, "head": head, "anchored": report.anchored}))?;
            } else if !out.quiet {
                out.line(&format!(
                    "ok: {} events, chain intact{}; head {}",
                    report.events,
                    if report.anchored {
                        ", passes through the anchor"
                    } else {
                        ""
                    },
                    head.unwrap_or_else(|| "(empty)".into())
                ))?;
            }
            out.finish()?;
        }
        Some(EventsCommand::Top(TopArgs { since, limit })) => {
            let from = since.map_or(now - 86_400, |t| t.at(now));
            let (mut tenant, op) = ctx.session(Action::ReadEvents)?;
            ctx.print_all(&tenant.top_keys(&op, from, limit)?)?;
        }
    }
    Ok(0)
}
