//! Rotation (`keys rotate`, SPEC §4): a new key replaces an old one, which keeps working
//! for a grace period so that services can switch without an outage.

use crate::chain::Appender;
use crate::duration::{Duration, rfc3339};
use crate::error::{denied, not_found, refused, usage};
use crate::keys::{Expiry, Generated, check_key_id, create_key, new_key_expiry};
use crate::model::{Key, Operator, Status, event_type};
use crate::policy::{self, Action, KeyAccess, Scope};
use crate::store::Tx;
use crate::tenant::{Tenant, now, record_denial};
use anyhow::Result;
use serde_json::json;

/// What a rotation did: the new key (with its secret, shown once) and the old key as it
/// is now (its successor set, its expiry possibly earlier).
#[derive(Debug)]
pub struct Rotated {
    /// The new key and its secret.
    pub new: Generated,
    /// The old key after the rotation.
    pub old: Key,
    /// The old key's expiry before the rotation.
    pub old_expires_before: i64,
}

impl Tenant {
    /// Rotates key `id` of `op` (a developer with a licence, its owner): in one
    /// `BEGIN IMMEDIATE` transaction, generates a new key with the same owner and name,
    /// sets the old key's `replaced_by` to it and its expiry to the earlier of its own
    /// and now + `grace_secs` (0: at once). The key limit does not apply; every other
    /// rule of `generate` does. The operator and its rights are checked again inside the
    /// transaction.
    pub fn rotate_key(
        &mut self,
        op: &Operator,
        id: &str,
        grace_secs: i64,
        expiry: Expiry,
    ) -> Result<Rotated> {
        check_key_id(id)?;
        if grace_secs < 0 {
            return Err(usage("the grace period cannot be negative"));
        }
        // A courtesy: refuse early (and record it) without taking the write lock.
        self.authorize(op, Action::RotateKey)?;
        // The operator and its rights are checked again inside the transaction.
        self.write_as(op, Action::RotateKey, |tx, op, scope| {
            rotate_in(tx, op, scope, id, grace_secs, expiry)
        })
    }
}

/// The rotation itself, inside the write transaction, for the operator as it is now. An
/// outer `Err` rolls back; an inner one is a refusal whose `access.denied` event (if
/// any) is committed.
fn rotate_in(
    tx: &mut dyn Tx,
    op: &Operator,
    scope: Scope,
    id: &str,
    grace_secs: i64,
    expiry: Expiry,
) -> Result<Result<Rotated>> {
    let deny = |tx: &mut dyn Tx, reason: String, key_id: Option<&str>| -> Result<Result<Rotated>> {
        let mut log = Appender::new(tx)?;
        record_denial(tx, &mut log, op.name(), Action::RotateKey, &reason, key_id)?;
        Ok(Err(denied(reason)))
    };
    let refuse =
        |tx: &mut dyn Tx, reason: String, key_id: Option<&str>| -> Result<Result<Rotated>> {
            let mut log = Appender::new(tx)?;
            record_denial(tx, &mut log, op.name(), Action::RotateKey, &reason, key_id)?;
            Ok(Err(refused(reason)))
        };
    let now = now();
    let Some((old, owner_uid)) = tx.key(id, now)? else {
        return Ok(Err(not_found(format!("no key with ID {id}"))));
    };
    match policy::key_access(op, Action::RotateKey, scope, owner_uid) {
        KeyAccess::Allowed => {}
        KeyAccess::Hidden => return Ok(Err(not_found(format!("no key with ID {id}")))),
        KeyAccess::NotYours(reason) => return deny(tx, reason, Some(id)),
    }
    let settings = tx.settings()?;
    if !settings.enabled {
        return refuse(
            tx,
            "API keys are disabled for this tenant (a tenant admin can run `keyctl settings enable`)"
                .into(),
            Some(id),
        );
    }
    // The key's state (not a policy) refuses these, as `revoke` leaves an expired key:
    // nothing is recorded.
    if let Some(successor) = &old.replaced_by {
        return Ok(Err(refused(format!(
            "key {id} was already rotated: its successor is {successor} (rotate that one)"
        ))));
    }
    if old.status != Status::Active {
        return Ok(Err(refused(format!(
            "key {id} is {}: only an active key can be rotated",
            old.status
        ))));
    }
    let max = settings.max_expiry;
    if grace_secs > max.secs() {
        let grace = Duration::from_secs(grace_secs)
            .map_or_else(|| format!("{grace_secs}s"), |d| d.to_string());
        return refuse(
            tx,
            format!("grace period {grace} is longer than the maximum expiry of {max}"),
            Some(id),
        );
    }
    let expires = match new_key_expiry(expiry, now, max)? {
        Ok(t) => t,
        Err(reason) => return refuse(tx, reason, Some(id)),
    };
    // The old key's expiry only ever moves earlier.
    let old_expires = old.expires.min(now + grace_secs);
    let new = create_key(tx, op, &old.owner, &old.name, now, expires, Some(id))?;
    tx.set_replaced(id, &new.key.id, old_expires, now)?;
    Appender::new(tx)?.append(
        tx,
        now,
        event_type::KEY_ROTATED,
        op.name(),
        Some(id),
        &json!({
            "replaced_by": new.key.id,
            "expires_before": rfc3339(old.expires),
            "expires_after": rfc3339(old_expires),
        }),
    )?;
    let old_expires_before = old.expires;
    let old = Key {
        status: Status::derive(None, old_expires, now),
        updated: now,
        expires: old_expires,
        replaced_by: Some(new.key.id.clone()),
        ..old
    };
    Ok(Ok(Rotated {
        new,
        old,
        old_expires_before,
    }))
}
