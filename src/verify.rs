//! Checking a presented key, for `keyctl keys verify` and for services embedding the
//! library.

use crate::model::{Status, event_type};
use crate::store::{self, events::Appender};
use crate::tenant::{Tenant, now};
use crate::token;
use anyhow::Result;
use serde_json::json;
use std::fmt;
use subtle::ConstantTimeEq;

/// The actor recorded for verification events: the key itself is the credential.
const VERIFY_ACTOR: &str = "(verify)";

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

impl Tenant {
    /// Verifies a presented key: well-formed with a correct checksum (before any
    /// lookup), known, hash equal (constant time), active, API keys enabled, owner
    /// registered. A success counts a use and records `api-key.used`; a refusal records
    /// `api-key.rejected` (with the key ID when the key is known). Both are written in
    /// one transaction. The outer `Result` is for storage errors only.
    pub fn verify(&mut self, presented: &str) -> Result<Result<Verified, Rejection>> {
        let parsed = token::parse(presented.trim());
        self.write_usage(|tx| {
            let now = now();
            let mut log = Appender::new(tx)?;
            let reject = |log: &mut Appender,
                          why: Rejection,
                          key_id: Option<&str>|
             -> Result<Result<Verified, Rejection>> {
                log.append(
                    now,
                    event_type::KEY_REJECTED,
                    VERIFY_ACTOR,
                    key_id,
                    &json!({"reason": why.as_str()}),
                )?;
                Ok(Err(why))
            };
            let Ok(parsed) = parsed else {
                return reject(&mut log, Rejection::Malformed, None);
            };
            let Some(cred) = store::keys::credential(tx, &parsed.id)? else {
                return reject(&mut log, Rejection::Unknown, None);
            };
            if !bool::from(cred.hash.as_slice().ct_eq(&parsed.hash[..])) {
                return reject(&mut log, Rejection::Unknown, Some(&parsed.id));
            }
            match Status::derive(cred.revoked, cred.expires, now) {
                Status::Revoked => return reject(&mut log, Rejection::Revoked, Some(&parsed.id)),
                Status::Expired => return reject(&mut log, Rejection::Expired, Some(&parsed.id)),
                Status::Active => {}
            }
            if !store::settings::get(tx)?.enabled {
                return reject(&mut log, Rejection::Disabled, Some(&parsed.id));
            }
            if !cred.owner_registered {
                return reject(&mut log, Rejection::OwnerRemoved, Some(&parsed.id));
            }
            store::keys::record_use(tx, &parsed.id, now)?;
            log.append(
                now,
                event_type::KEY_USED,
                VERIFY_ACTOR,
                Some(&parsed.id),
                &json!({"owner": cred.owner}),
            )?;
            Ok(Ok(Verified {
                id: parsed.id,
                owner: cred.owner,
            }))
        })
    }
}
