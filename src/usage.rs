//! Folding pending usage into the keys and the log (docs/USAGE.md).
//!
//! A successful verification appends one pending row `(key, owner, time)` and nothing
//! else. A fold takes the pending rows and, in the same write transaction (under the
//! tenant write lock), adds them to each key's `uses`/`last_used` and appends one
//! `api-key.used` event per key and second, `{"owner", "uses": N}`. The rows, the
//! counters and the events move together, so a key's `uses` always equals the sum over
//! its `api-key.used` events, and a use is never counted twice.

use crate::chain::Appender;
use crate::model::event_type;
use crate::store::{Pending, Tx};
use crate::tenant::Tenant;
use anyhow::Result;
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// The actor recorded for usage and rejection events: the key itself is the credential.
pub(crate) const VERIFY_ACTOR: &str = "(verify)";

/// Verification folds once about this many rows are pending. A fold of uses spread
/// over a large tenant costs per *page* it touches (a key's row, a leaf of the events'
/// key index), and the more uses a fold takes, the more of them share a page; but a
/// fold that outgrows its page cache spills. Measured at 1M keys drawn uniformly
/// (`verify_load`, 40 s, `Tenant::verify` / `Verifier`): 65,536 → 16.2k/s / 23.5k/s,
/// 131,072 → 18.3k/s / 25.2k/s, 262,144 → 11.6k/s / 19.2k/s. A fold holds the write
/// lock for a few seconds: on SQLite other writers and verifiers wait for it; on
/// PostgreSQL verifiers do not.
pub const FOLD_ROWS: i64 = 131_072;

/// Verification folds once the oldest pending row is this many seconds old, so a quiet
/// tenant's uses reach the log (and the hash chain) soon.
pub const FOLD_AGE: i64 = 30;

/// How often, at most, a process asks how much is pending (at its first verification,
/// then after this many or after [`CHECK_EVERY`]).
const CHECK_AFTER_USES: u32 = 256;
const CHECK_EVERY: Duration = Duration::from_secs(1);

/// How much page cache a fold may use (SQLite).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FoldCache {
    /// As much as the fold touches, up to 512 MiB: a verifying process, which keeps a
    /// large cache anyway (a fold of 262,144 uses: 8.6 s with 64 MiB, 6.6 s with it).
    Large,
    /// The connection's own (small) cache: a command that folds before it lists, whose
    /// memory must stay flat (`keys list --format csv` on the 1M-key tenant after a
    /// fold of 131,072 pending uses: 10.5 s, peak 51 MB; nothing pending: 8.6 MB).
    Small,
}

/// Folds the pending usage of `key` (or of every key) into the keys and the log; returns
/// how many uses it folded. Call inside a write that holds the tenant lock. The page
/// cache grown for the fold is shrunk back after it.
pub(crate) fn fold(tx: &mut dyn Tx, key: Option<&str>, cache: FoldCache) -> Result<u64> {
    let rows = tx.take_usage(key)?;
    if rows.is_empty() {
        return Ok(0);
    }
    let total = rows.len() as u64;
    let cache = match cache {
        FoldCache::Large => tx.begin_bulk(rows.len())?,
        FoldCache::Small => None,
    };
    // One event per key and second, in time order; one counter update per key.
    let mut per_second: BTreeMap<(i64, &str), (i64, &str)> = BTreeMap::new();
    let mut per_key: HashMap<&str, (i64, i64)> = HashMap::new();
    for r in &rows {
        per_second
            .entry((r.time, r.key_id.as_str()))
            .or_insert((0, r.owner.as_str()))
            .0 += 1;
        let k = per_key.entry(r.key_id.as_str()).or_insert((0, r.time));
        k.0 += 1;
        k.1 = k.1.max(r.time);
    }
    let mut counters: Vec<(String, i64, i64)> = per_key
        .into_iter()
        .map(|(id, (n, last))| (id.to_owned(), n, last))
        .collect();
    // In key order: neighbouring updates share index pages.
    counters.sort_unstable();
    tx.add_uses(&counters)?;
    let mut log = Appender::new(tx)?;
    for ((time, id), (n, owner)) in per_second {
        log.append(
            tx,
            time,
            event_type::KEY_USED,
            VERIFY_ACTOR,
            Some(id),
            &json!({"owner": owner, "uses": n}),
        )?;
    }
    tx.end_bulk(cache)?;
    Ok(total)
}

/// Whether `pending` is due for a fold at `now`.
pub(crate) fn due(pending: Pending, now: i64) -> bool {
    pending.rows >= FOLD_ROWS
        || pending
            .oldest
            .is_some_and(|t| now.saturating_sub(t) >= FOLD_AGE)
}

/// When a verifying process should next ask how much usage is pending.
#[derive(Debug, Default)]
pub(crate) struct FoldClock {
    uses: u32,
    last: Option<Instant>,
}

impl FoldClock {
    /// Counts `uses` verifications; whether it is time to look.
    pub(crate) fn tick(&mut self, uses: usize) -> bool {
        self.uses = self.uses.saturating_add(uses as u32);
        let due = match self.last {
            None => true,
            Some(at) => self.uses >= CHECK_AFTER_USES || at.elapsed() >= CHECK_EVERY,
        };
        if due {
            self.uses = 0;
            self.last = Some(Instant::now());
        }
        due
    }
}

impl Tenant {
    /// Folds pending usage (of `key`, or all) before a read that shows usage, so what it
    /// shows is exact. A database this process may not write cannot be folded: then
    /// the read shows what is folded, and a note says how much is not.
    pub(crate) fn settle(&mut self, key: Option<&str>) -> Result<()> {
        let pending = self.read(|tx| tx.pending_usage(key))?;
        if pending.rows == 0 {
            return Ok(());
        }
        if !self.db.writable() {
            if std::mem::replace(&mut self.noted_unfolded, true) {
                return Ok(());
            }
            let whose = key.map_or_else(String::new, |k| format!(" of key {k}"));
            self.note(&format!(
                "note: {} recorded use(s){whose} since {} are not folded into `uses` and \
                 the log yet: this process may not write {} (any keyctl command run by a \
                 user who may write it folds them)",
                pending.rows,
                crate::duration::rfc3339(pending.oldest.unwrap_or_default()),
                self.db.describe()
            ));
            return Ok(());
        }
        // A fold that fails (a damaged log whose head cannot be chained to, a lost
        // lock) must not make the log unreadable: say so and show what is folded.
        if let Err(e) = self.write_raw(|tx| fold(tx, key, FoldCache::Small).map(drop)) {
            self.note(&format!(
                "note: {} recorded use(s) could not be folded into `uses` and the log, \
                 so they are not shown: {e:#}",
                pending.rows
            ));
        }
        Ok(())
    }

    /// After a verification recorded usage: folds when `pending` says it is due, if the
    /// tenant write lock is free (else whoever holds it, or the next verifier, will).
    pub(crate) fn fold_if_due(&mut self, pending: Option<Pending>) -> Result<()> {
        match pending {
            Some(p) if due(p, crate::tenant::now()) => {
                self.db
                    .write_if_free(&mut |tx| fold(tx, None, FoldCache::Large).map(drop))?;
                Ok(())
            }
            _ => Ok(()),
        }
    }
}
