//! Checking a presented key, for `keyctl keys verify` and for services embedding the
//! library.

use crate::chain::Appender;
use crate::model::{Status, event_type};
use crate::store::{Credential, Tx};
use crate::tenant::{Tenant, now};
use crate::token::{self, Malformed, Parsed};
use crate::usage::VERIFY_ACTOR;
use anyhow::Result;
use serde_json::json;
use std::fmt;
use std::path::Path;
use std::time::{Duration, Instant};
use subtle::ConstantTimeEq;

/// A key that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// The key's ID.
    pub id: String,
    /// The user who owns it.
    pub owner: String,
}

/// Why a presented key was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// Not a well-formed key, or its checksum is wrong (also: empty input).
    Malformed,
    /// No such key, or the secret does not match.
    Unknown,
    /// The key was revoked.
    Revoked,
    /// The key has expired.
    Expired,
    /// API keys are disabled for the tenant.
    Disabled,
    /// The key's owner is no longer a user of the tenant.
    OwnerRemoved,
}

impl Rejection {
    /// The reason word printed and recorded.
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::Malformed => "malformed",
            Rejection::Unknown => "unknown",
            Rejection::Revoked => "revoked",
            Rejection::Expired => "expired",
            Rejection::Disabled => "disabled",
            Rejection::OwnerRemoved => "owner-removed",
        }
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::error::Error for Rejection {}

/// The verdict on one presented key, and the key ID to record with it (when known).
struct Decision {
    verdict: Result<Verified, Rejection>,
    key_id: Option<String>,
    time: i64,
}

/// Checks a parsed key against the tenant at `now` (see [`judge`]), reading in `tx`.
fn decide(tx: &mut dyn Tx, parsed: Result<Parsed, Malformed>, now: i64) -> Result<Decision> {
    let Ok(parsed) = parsed else {
        return Ok(malformed(now));
    };
    let cred = tx.credential(&parsed.id)?;
    let enabled = tx.settings()?.enabled;
    Ok(judge(parsed, cred, enabled, now))
}

/// The checks, in order, on what was read: known, hash equal (constant time), active,
/// API keys enabled, owner registered.
fn judge(parsed: Parsed, cred: Option<Credential>, enabled: bool, now: i64) -> Decision {
    let reject = |why: Rejection, key_id: Option<&str>| Decision {
        verdict: Err(why),
        key_id: key_id.map(str::to_owned),
        time: now,
    };
    let Some(cred) = cred else {
        return reject(Rejection::Unknown, None);
    };
    let id = Some(parsed.id.as_str());
    if !bool::from(cred.hash.as_slice().ct_eq(&parsed.hash[..])) {
        return reject(Rejection::Unknown, id);
    }
    match Status::derive(cred.revoked, cred.expires, now) {
        Status::Revoked => return reject(Rejection::Revoked, id),
        Status::Expired => return reject(Rejection::Expired, id),
        Status::Active => {}
    }
    if !enabled {
        return reject(Rejection::Disabled, id);
    }
    if !cred.owner_registered {
        return reject(Rejection::OwnerRemoved, id);
    }
    Decision {
        key_id: Some(parsed.id.clone()),
        verdict: Ok(Verified {
            id: parsed.id,
            owner: cred.owner,
        }),
        time: now,
    }
}

/// The decision on a key that is not well-formed: no look at the tenant needed.
fn malformed(now: i64) -> Decision {
    Decision {
        verdict: Err(Rejection::Malformed),
        key_id: None,
        time: now,
    }
}

/// Records a rejection (`api-key.rejected`, with the key ID when the key is known).
/// Call inside a write transaction.
fn record_rejection(
    tx: &mut dyn Tx,
    log: &mut Appender,
    d: &Decision,
    why: Rejection,
) -> Result<()> {
    log.append(
        tx,
        d.time,
        event_type::KEY_REJECTED,
        VERIFY_ACTOR,
        d.key_id.as_deref(),
        &json!({"reason": why.as_str()}),
    )?;
    Ok(())
}

impl Tenant {
    /// Verifies a presented key: well-formed with a correct checksum (before any
    /// lookup), known, hash equal (constant time), active, API keys enabled, owner
    /// registered. A success records a use, committed before this returns: a pending
    /// usage row, folded into `uses`, `last_used` and an `api-key.used` event in batches
    /// (docs/USAGE.md); a refusal records `api-key.rejected` (with the key ID when the
    /// key is known). The outer `Result` is for storage errors only.
    pub fn verify(&mut self, presented: &str) -> Result<Result<Verified, Rejection>> {
        let parsed = token::parse(presented.trim());
        let now = now();
        let look = self.fold_clock.tick(1);
        let (decision, pending) = match parsed {
            Err(_) => (malformed(now), None),
            Ok(_) => self.write_usage(|tx| {
                if look {
                    // A process that verifies again and again touches keys all over a
                    // large tenant, as a `Verifier` does: keep more of it in memory
                    // (allocated only as pages are read; a one-shot reads a few).
                    tx.prepare_bulk(usize::MAX)?;
                }
                let d = decide(tx, parsed, now)?;
                let mut pending = None;
                if let Ok(ok) = &d.verdict {
                    tx.insert_usage(&[(&ok.id, &ok.owner, now)])?;
                    if look {
                        pending = Some(tx.pending_usage(None)?);
                    }
                }
                Ok((d, pending))
            })?,
        };
        if let Err(why) = decision.verdict {
            self.write(|tx| {
                let mut log = Appender::new(tx)?;
                record_rejection(tx, &mut log, &decision, why)
            })?;
        }
        self.fold_if_due(pending)?;
        Ok(decision.verdict)
    }
}

/// Verifies keys at a high rate for a long-running service: each check reads the
/// tenant's current state (a revocation committed by anyone is seen at once), while the
/// usage records are written in batches — when [`Verifier::BATCH`] have gathered, when
/// the oldest is [`Verifier::MAX_DELAY`] old at the next call, on [`Verifier::flush`],
/// and when the verifier is dropped. The records are those [`Tenant::verify`] writes,
/// with the time of each check; after `flush`, `uses` is exact (docs/USAGE.md).
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// # let path = dir.path().join("tenant.db");
/// # keyctl::Tenant::create(&path, "admin", "admin")?;
/// let mut verifier = keyctl::Verifier::open(&path)?;
/// assert_eq!(verifier.verify("kc_typo")?, Err(keyctl::Rejection::Malformed));
/// verifier.flush()?; // or let it drop
/// # Ok::<(), anyhow::Error>(())
/// ```
pub struct Verifier {
    tenant: Tenant,
    pending: Vec<Decision>,
    oldest: Option<Instant>,
}

impl Verifier {
    /// Most checks whose usage records wait for one commit.
    pub const BATCH: usize = 1024;
    /// Longest a usage record waits, checked at each call.
    pub const MAX_DELAY: Duration = Duration::from_millis(100);

    /// Opens a tenant database for verification.
    pub fn open(db: impl AsRef<Path>) -> Result<Verifier> {
        let mut tenant = Tenant::open(db)?;
        // A long-lived verifier touches keys all over a large tenant: keep more of it
        // in memory than a one-shot command needs (as a bulk run does).
        tenant.read(|tx| tx.prepare_bulk(usize::MAX))?;
        Ok(Verifier {
            tenant,
            pending: Vec::with_capacity(Self::BATCH),
            oldest: None,
        })
    }

    /// Verifies a presented key with the checks of [`Tenant::verify`]; its usage record
    /// is queued. An error is a storage error (of this check or of writing the queue).
    pub fn verify(&mut self, presented: &str) -> Result<Result<Verified, Rejection>> {
        let parsed = token::parse(presented.trim());
        let now = now();
        let decision = match parsed {
            // A malformed key needs no look at the tenant.
            Err(_) => malformed(now),
            Ok(parsed) => {
                // One snapshot, in one round trip on PostgreSQL.
                let (cred, settings) = self.tenant.db.check(&parsed.id)?;
                judge(parsed, cred, settings.enabled, now)
            }
        };
        let verdict = decision.verdict.clone();
        self.pending.push(decision);
        let oldest = *self.oldest.get_or_insert_with(Instant::now);
        if self.pending.len() >= Self::BATCH || oldest.elapsed() >= Self::MAX_DELAY {
            self.flush()?;
        }
        Ok(verdict)
    }

    /// Commits the queued records: the uses as pending usage rows in one transaction
    /// (on PostgreSQL without the tenant write lock), the rejections as events in
    /// another; then folds pending usage if it is due.
    pub fn flush(&mut self) -> Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let queued = std::mem::take(&mut self.pending);
        self.oldest = None;
        let uses: Vec<(&str, &str, i64)> = queued
            .iter()
            .filter_map(|d| match &d.verdict {
                Ok(ok) => Some((ok.id.as_str(), ok.owner.as_str(), d.time)),
                Err(_) => None,
            })
            .collect();
        let mut pending = None;
        if !uses.is_empty() {
            let look = self.tenant.fold_clock.tick(uses.len());
            pending = self.tenant.write_usage(|tx| {
                tx.insert_usage(&uses)?;
                Ok(if look {
                    Some(tx.pending_usage(None)?)
                } else {
                    None
                })
            })?;
        }
        if queued.iter().any(|d| d.verdict.is_err()) {
            self.tenant.write(|tx| {
                let mut log = Appender::new(tx)?;
                for d in &queued {
                    if let Err(why) = d.verdict {
                        record_rejection(tx, &mut log, d, why)?;
                    }
                }
                Ok(())
            })?;
        }
        self.tenant.fold_if_due(pending)
    }
}

impl Drop for Verifier {
    fn drop(&mut self) {
        // Best effort: a service that must know should call `flush` itself.
        let _ = self.flush();
    }
}
