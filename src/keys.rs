//! The key lifecycle: generate, list, show, rename, revoke, delete.

use crate::chain::Appender;
use crate::duration::{Duration, rfc3339};
use crate::error::{Code, not_found, refused, usage};
use crate::idlist::Requested;
use crate::model::{Key, Operator, Status, event_type};
use crate::policy::{self, Action, KeyAccess, Scope};
use crate::store::{NewKey, Query, Tx};
use crate::tenant::{Tenant, check_key_name, now, record_denial};
use crate::token;
use anyhow::Result;
use serde_json::json;
use std::fmt;

/// When a new key expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// After the tenant's maximum expiry.
    Default,
    /// After this long.
    In(Duration),
    /// At this Unix time.
    At(i64),
}

/// A freshly generated key with its secret, which exists only here.
pub struct Generated {
    /// The stored key.
    pub key: Key,
    /// The whole key, to show once.
    pub secret: String,
}

impl fmt::Debug for Generated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Generated")
            .field("key", &self.key)
            .field("secret", &"<hidden>")
            .finish()
    }
}

/// The result for one ID of a bulk revoke or delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BulkResult {
    /// Revoked now.
    Revoked,
    /// Was already revoked.
    AlreadyRevoked,
    /// Expired, so already unusable; left as it is.
    Expired,
    /// Deleted now.
    Deleted,
    /// No such key (or not visible to the operator).
    NotFound,
    /// Someone else's key.
    NotYours,
    /// Not a well-formed key ID.
    InvalidId,
    /// Dry run: would be revoked.
    WouldRevoke,
    /// Dry run: would be deleted.
    WouldDelete,
}

impl BulkResult {
    /// The result's words in output.
    pub fn as_str(self) -> &'static str {
        match self {
            BulkResult::Revoked => "revoked",
            BulkResult::AlreadyRevoked => "already revoked",
            BulkResult::Expired => "expired",
            BulkResult::Deleted => "deleted",
            BulkResult::NotFound => "not found",
            BulkResult::NotYours => "not yours",
            BulkResult::InvalidId => "invalid id",
            BulkResult::WouldRevoke => "would revoke",
            BulkResult::WouldDelete => "would delete",
        }
    }

    /// The exit code of this result alone, `None` for a success.
    pub fn failure(self) -> Option<Code> {
        match self {
            BulkResult::NotFound => Some(Code::NotFound),
            BulkResult::NotYours => Some(Code::Denied),
            BulkResult::InvalidId => Some(Code::Usage),
            _ => None,
        }
    }
}

/// One line of a bulk run's results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkOutcome {
    /// The ID as given (shortened if it was not an ID).
    pub id: String,
    /// What happened to it.
    pub result: BulkResult,
}

impl BulkOutcome {
    /// The exit code of a whole run (SPEC §4): 0 when every key is now unusable, 6 when
    /// some failed and some succeeded, else the failures' shared code (or 6).
    pub fn exit_code(outcomes: &[BulkOutcome]) -> Option<Code> {
        let failures: Vec<Code> = outcomes.iter().filter_map(|o| o.result.failure()).collect();
        if failures.is_empty() {
            None
        } else if failures.len() < outcomes.len() {
            Some(Code::Partial)
        } else if failures.iter().all(|c| *c == failures[0]) {
            Some(failures[0])
        } else {
            Some(Code::Partial)
        }
    }
}

fn key_not_found(id: &str) -> anyhow::Error {
    not_found(format!("no key with ID {id}"))
}

/// Checks a key ID given as an argument: a malformed one is a usage error (exit 2).
pub fn check_key_id(id: &str) -> Result<()> {
    if token::is_valid_id(id) {
        Ok(())
    } else {
        Err(usage(format!(
            "malformed key ID '{}': an ID is 16 characters of a-z and 0-9",
            crate::error::echo(id)
        )))
    }
}

/// Why a key was revoked, recorded in its `api-key.revoked` event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RevokeReason {
    /// A tenant admin revoked it (`keyctl revoke`, one key or many).
    Requested,
    /// Its owner was removed from the tenant.
    OwnerRemoved,
}

impl RevokeReason {
    fn as_str(self) -> &'static str {
        match self {
            RevokeReason::Requested => "requested",
            RevokeReason::OwnerRemoved => "owner-removed",
        }
    }
}

/// Appends an `api-key.revoked` event, `{name, owner, reason}`: the one place that
/// writes one, whatever path revoked the key.
fn record_revoked(
    tx: &mut dyn Tx,
    log: &mut Appender,
    now: i64,
    actor: &str,
    key: &Key,
    reason: RevokeReason,
) -> Result<()> {
    log.append(
        tx,
        now,
        event_type::KEY_REVOKED,
        actor,
        Some(&key.id),
        &json!({"name": key.name, "owner": key.owner, "reason": reason.as_str()}),
    )?;
    Ok(())
}

/// What a bulk run does to each key it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BulkAction {
    /// Revoke the active keys, whoever owns them (the caller has authorised the
    /// operator for every key), each event giving this reason.
    Revoke(RevokeReason),
    /// Delete the operator's own keys, whatever their status.
    Delete,
}

impl BulkAction {
    /// The policy action a bulk run of this kind needs.
    fn action(self) -> Action {
        match self {
            BulkAction::Revoke(_) => Action::RevokeKey,
            BulkAction::Delete => Action::DeleteKey,
        }
    }
}

/// Keys a bulk run looks up, then changes, per batch call to storage: few round trips
/// on PostgreSQL, bounded memory per chunk.
const BULK_CHUNK: usize = 5_000;

/// What one key of a bulk run writes to the log, once the run is over.
enum Effect {
    Revoked(Key, RevokeReason),
    Deleted(Key),
    Denied(String),
}

/// Revokes or deletes the keys among `ids` inside the current transaction, one event
/// each, in the order given (with `dry_run`: changes and records nothing).
/// Authorisation for the run as a whole is the caller's; `scope` is the operator's.
/// The one path of `revoke`, `delete` and user removal.
pub(crate) fn bulk_in(
    tx: &mut dyn Tx,
    op: &Operator,
    scope: Scope,
    ids: &[Requested],
    dry_run: bool,
    what: BulkAction,
) -> Result<Vec<BulkOutcome>> {
    let now = now();
    // Look up and change in ID order, so that a large run walks the ID index and its
    // neighbours' pages once; the results and the events keep the input order.
    let mut order: Vec<usize> = (0..ids.len())
        .filter(|&i| matches!(ids[i], Requested::Id(_)))
        .collect();
    order.sort_unstable_by(|&a, &b| ids[a].text().cmp(ids[b].text()));
    let mut results = vec![BulkResult::InvalidId; ids.len()];
    let mut effects: Vec<Option<Effect>> = (0..ids.len()).map(|_| None).collect();
    // In chunks: look a chunk up in one batch call, decide each key exactly as one by
    // one, then change the chunk's keys in one batch call (PostgreSQL: a few set-based
    // statements per chunk instead of two round trips per key).
    let mut rest = &order[..];
    while !rest.is_empty() {
        // A chunk never names one ID twice (they sort together): a repeat starts the
        // next chunk, so it is looked up after the first occurrence's change, as one
        // by one.
        let mut len = 1;
        while len < rest.len()
            && len < BULK_CHUNK
            && ids[rest[len]].text() != ids[rest[len - 1]].text()
        {
            len += 1;
        }
        let (chunk, tail) = rest.split_at(len);
        rest = tail;
        let names: Vec<&str> = chunk.iter().map(|&i| ids[i].text()).collect();
        let found = tx.keys_by_ids(&names, now)?;
        anyhow::ensure!(
            found.len() == names.len(),
            "storage answered {} of {} keys",
            found.len(),
            names.len()
        );
        // The chunk's keys to change: their input position, ID and key.
        let mut change: Vec<(usize, &str, Key)> = Vec::new();
        for ((&i, &id), found) in chunk.iter().zip(&names).zip(found) {
            let Some((k, owner)) = found else {
                results[i] = BulkResult::NotFound;
                continue;
            };
            results[i] = match what {
                BulkAction::Revoke(_) => match k.status {
                    Status::Revoked => BulkResult::AlreadyRevoked,
                    Status::Expired => BulkResult::Expired,
                    Status::Active if dry_run => BulkResult::WouldRevoke,
                    Status::Active => {
                        change.push((i, id, k));
                        BulkResult::Revoked
                    }
                },
                BulkAction::Delete => {
                    match policy::key_access(op, Action::DeleteKey, scope, owner) {
                        KeyAccess::Hidden => BulkResult::NotFound,
                        KeyAccess::NotYours(reason) => {
                            if !dry_run {
                                effects[i] = Some(Effect::Denied(reason));
                            }
                            BulkResult::NotYours
                        }
                        KeyAccess::Allowed if dry_run => BulkResult::WouldDelete,
                        KeyAccess::Allowed => {
                            change.push((i, id, k));
                            BulkResult::Deleted
                        }
                    }
                }
            };
        }
        if change.is_empty() {
            continue;
        }
        let targets: Vec<&str> = change.iter().map(|(_, id, _)| *id).collect();
        match what {
            BulkAction::Revoke(reason) => {
                let changed = tx.revoke_keys(&targets, now)?;
                anyhow::ensure!(
                    changed.len() == targets.len(),
                    "storage answered {} of {} revocations",
                    changed.len(),
                    targets.len()
                );
                for ((i, _, k), changed) in change.into_iter().zip(changed) {
                    if changed {
                        effects[i] = Some(Effect::Revoked(k, reason));
                    }
                }
            }
            BulkAction::Delete => {
                tx.delete_keys(&targets)?;
                for (i, _, k) in change {
                    effects[i] = Some(Effect::Deleted(k));
                }
            }
        }
    }
    let mut log = Appender::new(tx)?;
    for (requested, effect) in ids.iter().zip(effects) {
        let id = requested.text();
        match effect {
            None => {}
            Some(Effect::Revoked(k, reason)) => {
                record_revoked(tx, &mut log, now, op.name(), &k, reason)?;
            }
            Some(Effect::Deleted(k)) => {
                log.append(
                    tx,
                    now,
                    event_type::KEY_DELETED,
                    op.name(),
                    Some(id),
                    &json!({"name": k.name, "status": k.status.as_str()}),
                )?;
            }
            Some(Effect::Denied(reason)) => {
                record_denial(tx, &mut log, op.name(), what.action(), &reason, Some(id))?;
            }
        }
    }
    Ok(ids
        .iter()
        .zip(results)
        .map(|(requested, result)| BulkOutcome {
            id: requested.text().to_owned(),
            result,
        })
        .collect())
}

/// The expiry of a new key at `now` under the tenant's `max` (the rules of `generate`):
/// `Err` is a usage error (a time not in the future); `Ok(Err(reason))` a refusal by
/// policy (longer than the maximum).
pub(crate) fn new_key_expiry(
    expiry: Expiry,
    now: i64,
    max: Duration,
) -> Result<Result<i64, String>> {
    Ok(match expiry {
        Expiry::Default => Ok(now + max.secs()),
        Expiry::In(d) if d > max => Err(format!("expiry {d} is longer than the maximum of {max}")),
        Expiry::In(d) => Ok(now + d.secs()),
        Expiry::At(t) if t <= now => {
            return Err(usage(format!("expiry {} is not in the future", rfc3339(t))));
        }
        Expiry::At(t) if t - now > max.secs() => Err(format!(
            "expiry {} is further away than the maximum of {max}",
            rfc3339(t)
        )),
        Expiry::At(t) => Ok(t),
    })
}

/// Stores a new active key of `op` (named `owner`) and records its `api-key.generated`
/// event, `replaces` naming the key it replaces by rotation: the one place a key is
/// created, by `generate` and `rotate`.
pub(crate) fn create_key(
    tx: &mut dyn Tx,
    op: &Operator,
    owner: &str,
    name: &str,
    now: i64,
    expires: i64,
    replaces: Option<&str>,
) -> Result<Generated> {
    let new = token::generate()?;
    tx.insert_key(&NewKey {
        id: &new.id,
        hash: &new.hash,
        name,
        owner,
        owner_uid: op.uid(),
        created: now,
        expires,
    })?;
    Appender::new(tx)?.append(
        tx,
        now,
        event_type::KEY_GENERATED,
        op.name(),
        Some(&new.id),
        &json!({"name": name, "expires": rfc3339(expires), "replaces": replaces}),
    )?;
    Ok(Generated {
        key: Key {
            id: new.id,
            name: name.to_owned(),
            owner: owner.to_owned(),
            status: Status::Active,
            created: now,
            updated: now,
            expires,
            last_used: None,
            uses: 0,
            replaced_by: None,
        },
        secret: new.secret,
    })
}

impl Tenant {
    /// Generates a key for `op` (a developer with a licence), within the tenant's
    /// limits. The rights, the limit check and the insert are one `BEGIN IMMEDIATE`
    /// transaction.
    pub fn generate_key(&mut self, op: &Operator, name: &str, expiry: Expiry) -> Result<Generated> {
        check_key_name(name)?;
        self.authorize(op, Action::GenerateKey)?;
        self.write_as(op, Action::GenerateKey, |tx, op, _| {
            let now = now();
            let settings = tx.settings()?;
            let max = settings.max_expiry;
            let refusal = |tx: &mut dyn Tx, reason: String| -> Result<Result<Generated>> {
                let mut log = Appender::new(tx)?;
                record_denial(tx, &mut log, op.name(), Action::GenerateKey, &reason, None)?;
                Ok(Err(refused(reason)))
            };
            if !settings.enabled {
                return refusal(
                    tx,
                    "API keys are disabled for this tenant (a tenant admin can run `keyctl settings enable`)"
                        .into(),
                );
            }
            let expires = match new_key_expiry(expiry, now, max) {
                Err(e) => return Ok(Err(e)),
                Ok(Ok(t)) => t,
                Ok(Err(reason)) => return refusal(tx, reason),
            };
            let active = tx.count_active(op.uid(), now)?;
            if active >= settings.max_keys_per_user {
                return refusal(
                    tx,
                    format!(
                        "key limit reached: {} has {active} active keys, the maximum is {} \
                         (revoke or delete one first)",
                        op.name(),
                        settings.max_keys_per_user
                    ),
                );
            }
            create_key(tx, op, op.name(), name, now, expires, None).map(Ok)
        })
    }

    /// Streams the keys `op` may see that match `query` (developers: their own only,
    /// that is, of their identity: not those of an earlier user of the same name).
    pub fn list_keys(
        &mut self,
        op: &Operator,
        query: Query,
        mut each: impl FnMut(Key) -> Result<()>,
    ) -> Result<()> {
        let mut owner_uid = None;
        if self.authorize(op, Action::ReadKeys)? == Scope::Own {
            if query.owner.as_ref().is_some_and(|o| o != op.name()) {
                // Someone else's keys are invisible, not forbidden: an empty list.
                return Ok(());
            }
            owner_uid = Some(op.uid());
        }
        self.settle(None)?;
        self.read(|tx| tx.list_keys(&query, owner_uid, now(), &mut each))
    }

    /// One key by ID.
    pub fn show_key(&mut self, op: &Operator, id: &str) -> Result<Key> {
        check_key_id(id)?;
        let scope = self.authorize(op, Action::ReadKeys)?;
        self.settle(Some(id))?;
        let key = self.read(|tx| tx.key(id, now()))?;
        match key {
            Some((k, owner))
                if policy::key_access(op, Action::ReadKeys, scope, owner) == KeyAccess::Allowed =>
            {
                Ok(k)
            }
            _ => Err(key_not_found(id)),
        }
    }

    /// Renames one of `op`'s keys.
    pub fn rename_key(&mut self, op: &Operator, id: &str, name: &str) -> Result<Key> {
        check_key_id(id)?;
        check_key_name(name)?;
        self.authorize(op, Action::RenameKey)?;
        self.write_as(op, Action::RenameKey, |tx, op, scope| {
            let now = now();
            let Some((key, owner)) = tx.key(id, now)? else {
                return Ok(Err(key_not_found(id)));
            };
            let mut log = Appender::new(tx)?;
            match policy::key_access(op, Action::RenameKey, scope, owner) {
                KeyAccess::Allowed => {}
                KeyAccess::Hidden => return Ok(Err(key_not_found(id))),
                KeyAccess::NotYours(reason) => {
                    record_denial(
                        tx,
                        &mut log,
                        op.name(),
                        Action::RenameKey,
                        &reason,
                        Some(id),
                    )?;
                    return Ok(Err(crate::error::denied(reason)));
                }
            }
            tx.rename_key(id, name, now)?;
            log.append(
                tx,
                now,
                event_type::KEY_RENAMED,
                op.name(),
                Some(id),
                &json!({"old": key.name, "new": name}),
            )?;
            Ok(Ok(Key {
                name: name.to_owned(),
                updated: now,
                ..key
            }))
        })
    }

    /// Checks that `op` may revoke at all, before any prompt.
    pub fn may_revoke(&mut self, op: &Operator) -> Result<()> {
        self.authorize(op, Action::RevokeKey).map(|_| ())
    }

    /// Checks that `op` may delete at all, before any prompt.
    pub fn may_delete(&mut self, op: &Operator) -> Result<()> {
        self.authorize(op, Action::DeleteKey).map(|_| ())
    }

    /// Revokes the active keys among `ids` (tenant admins), all in one transaction with
    /// one event per revoked key. With `dry_run`, reports and changes nothing.
    pub fn revoke_keys(
        &mut self,
        op: &Operator,
        ids: &[Requested],
        dry_run: bool,
    ) -> Result<Vec<BulkOutcome>> {
        self.bulk(
            op,
            ids,
            dry_run,
            BulkAction::Revoke(RevokeReason::Requested),
        )
    }

    /// Deletes `op`'s keys among `ids` (their owner, a developer), all in one
    /// transaction. Others' keys are "not found" for developers and "not yours" (and
    /// recorded as denied) for tenant admins.
    pub fn delete_keys(
        &mut self,
        op: &Operator,
        ids: &[Requested],
        dry_run: bool,
    ) -> Result<Vec<BulkOutcome>> {
        self.bulk(op, ids, dry_run, BulkAction::Delete)
    }

    /// A bulk revoke or delete: one read transaction for a dry run, else one write.
    fn bulk(
        &mut self,
        op: &Operator,
        ids: &[Requested],
        dry_run: bool,
        what: BulkAction,
    ) -> Result<Vec<BulkOutcome>> {
        let scope = self.authorize(op, what.action())?;
        if dry_run {
            self.read(|tx| {
                tx.prepare_bulk(ids.len())?;
                bulk_in(tx, op, scope, ids, true, what)
            })
        } else {
            self.write_as(op, what.action(), |tx, op, scope| {
                tx.prepare_bulk(ids.len())?;
                bulk_in(tx, op, scope, ids, false, what).map(Ok)
            })
        }
    }
}
