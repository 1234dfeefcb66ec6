//! `keyctl copy --to DB` (SPEC §4 copy, §12): the whole tenant, exactly, into a new
//! database of either backend.
//!
//! 1. The target is checked first, changing nothing ([`store::check_new`]): a database
//!    that is not new is refused (exit 5) before the source is touched.
//! 2. One write transaction on the source appends `tenant.copied` (details: the target,
//!    without any password), as the operator, whose right to copy is checked inside it.
//! 3. One read transaction on the source (one consistent snapshot, which holds that
//!    event) streams settings, users, keys, events and pending usage into the target, created in one
//!    transaction by [`store::create`]: a failure leaves no target.
//!
//! Rows go one at a time from the source's cursor to the target, so memory stays flat
//! however large the tenant.
//!
//! The event is written before the copy, so it records that a copy to that target was
//! made *from this point of the log*; it cannot state a result. When the copy then fails
//! (the target taken by someone else in between, a full disk, a lost connection), the
//! event stays (the log is append-only), no target exists, the command exits non-zero
//! and its message names the event.

use crate::chain::Appender;
use crate::events::Anchor;
use crate::model::{Operator, event_type};
use crate::policy::Action;
use crate::store;
use crate::tenant::{Tenant, log_name, now};
use anyhow::{Context, Result};
use serde_json::json;
use std::path::Path;

/// How far a copy has come, reported as it goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyProgress {
    /// The snapshot is open: this many events will be copied.
    Started {
        /// The number of events in the snapshot.
        events: u64,
    },
    /// This many users are copied so far.
    Users(u64),
    /// This many keys are copied so far.
    Keys(u64),
    /// This many events are copied so far.
    Events(u64),
}

/// What a finished copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// The target, as recorded in `tenant.copied`: a file path as given, a PostgreSQL
    /// URL without its password.
    pub to: String,
    /// The `tenant.copied` event appended to the source.
    pub event_id: i64,
    /// Users copied.
    pub users: u64,
    /// Keys copied.
    pub keys: u64,
    /// Events copied (the `tenant.copied` event included).
    pub events: u64,
    /// The newest event of the copy, the same on both (`events head`).
    pub head: Anchor,
}

impl Tenant {
    /// Copies the whole tenant into `to`, a new database (a file that does not exist, or
    /// an empty PostgreSQL schema; else exit 5 and nothing changed on either side), as
    /// `op`, who must be a tenant admin (else exit 4, recorded). Appends `tenant.copied`
    /// to this tenant first, then copies one consistent snapshot that holds it, so both
    /// end with the same head. `progress` hears how far the copy has come.
    pub fn copy_to(
        &mut self,
        op: &Operator,
        to: impl AsRef<Path>,
        progress: &mut dyn FnMut(CopyProgress),
    ) -> Result<Copied> {
        let to = to.as_ref();
        self.authorize(op, Action::CopyTenant)?;
        let shown = store::display_location(to);
        store::check_new(to)?;
        let event_id = self.write_as(op, Action::CopyTenant, |tx, current, _| {
            let mut log = Appender::new(tx)?;
            let id = log.append(
                tx,
                now(),
                event_type::TENANT_COPIED,
                &log_name(current.name()),
                None,
                &json!({ "to": shown }),
            )?;
            Ok(Ok(id))
        })?;
        let copied = self.read(|src| {
            let (head_id, head_hash) = src
                .head()?
                .context("the source's log is empty, though tenant.copied was just appended")?;
            progress(CopyProgress::Started {
                events: u64::try_from(head_id).unwrap_or(0),
            });
            let (mut users, mut keys, mut events) = (0u64, 0u64, 0u64);
            store::create(to, &mut |dst| {
                (users, keys, events) = (0, 0, 0);
                dst.put_settings(&src.settings()?)?;
                src.each_user_row(&mut |row| {
                    dst.put_user_row(&row)?;
                    users += 1;
                    progress(CopyProgress::Users(users));
                    Ok(())
                })?;
                src.each_key_row(&mut |row| {
                    dst.put_key_row(&row)
                        .with_context(|| format!("copying key {}", row.id))?;
                    keys += 1;
                    progress(CopyProgress::Keys(keys));
                    Ok(())
                })?;
                src.events_in_order(&mut |e| {
                    dst.insert_event(&e)
                        .with_context(|| format!("copying event {}", e.id))?;
                    events += 1;
                    progress(CopyProgress::Events(events));
                    Ok(())
                })?;
                // Uses recorded after the fold that `write_as` made, still pending.
                src.each_usage_row(&mut |row| dst.put_usage_row(&row))?;
                dst.finish_copy()
            })?;
            Ok(Copied {
                to: shown.clone(),
                event_id,
                users,
                keys,
                events,
                head: Anchor {
                    id: head_id,
                    hash: head_hash,
                },
            })
        });
        copied.with_context(|| {
            format!(
                "copying to {shown} failed, and no copy was made; the source's log keeps \
                 event {event_id} (tenant.copied), which records the attempt"
            )
        })
    }
}
