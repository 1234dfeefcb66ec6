//! The tenant's domain values: users, settings, keys and events.

use crate::duration::Duration;
use std::fmt;

/// A role a user can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Manages users, settings, revocation and the events log.
    TenantAdmin,
    /// Generates, renames and deletes their own keys.
    Developer,
    /// Reads everything (keys, events, users, settings) and changes nothing.
    Auditor,
}

impl Role {
    /// The role's name on the command line and in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::TenantAdmin => "tenant-admin",
            Role::Developer => "developer",
            Role::Auditor => "auditor",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A registered user of the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's name (1–64 of `[A-Za-z0-9._@-]`).
    pub name: String,
    /// Holds the tenant-admin role.
    pub tenant_admin: bool,
    /// Holds the developer role.
    pub developer: bool,
    /// Has a licence (needed to generate keys).
    pub licence: bool,
    /// Holds the auditor role.
    pub auditor: bool,
    /// When the user was added (Unix seconds).
    pub created: i64,
}

impl User {
    /// Whether the user holds `role`.
    pub fn has(&self, role: Role) -> bool {
        match role {
            Role::TenantAdmin => self.tenant_admin,
            Role::Developer => self.developer,
            Role::Auditor => self.auditor,
        }
    }

    /// The user's roles, in a fixed order.
    pub fn roles(&self) -> Vec<Role> {
        [Role::TenantAdmin, Role::Developer, Role::Auditor]
            .into_iter()
            .filter(|r| self.has(*r))
            .collect()
    }
}

/// The identity a command acts as: a registered user, as resolved by
/// [`Tenant::operator`](crate::Tenant::operator) — the only way to get one, so that an
/// embedding program cannot make up an operator and skip the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    uid: i64,
    user: User,
}

impl Operator {
    pub(crate) fn new(uid: i64, user: User) -> Operator {
        Operator { uid, user }
    }

    /// The user's name.
    pub fn name(&self) -> &str {
        &self.user.name
    }

    /// The user's identity: a name registered again is another identity.
    pub fn uid(&self) -> i64 {
        self.uid
    }

    /// The user, as registered when the operator was resolved.
    pub fn user(&self) -> &User {
        &self.user
    }

    /// Whether the user holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.user.has(role)
    }

    /// Whether the user has a licence.
    pub fn licence(&self) -> bool {
        self.user.licence
    }
}

/// The tenant's API-key settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Whether API keys work at all in this tenant.
    pub enabled: bool,
    /// Upper bound on a new key's lifetime.
    pub max_expiry: Duration,
    /// Most active keys one user may own.
    pub max_keys_per_user: u32,
}

/// The status of a key, derived at read time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Usable.
    Active,
    /// Its expiry time has passed.
    Expired,
    /// Revoked; can never be used again.
    Revoked,
}

impl Status {
    /// Derives the status from the stored fields at time `now`.
    pub fn derive(revoked: Option<i64>, expires: i64, now: i64) -> Status {
        if revoked.is_some() {
            Status::Revoked
        } else if expires <= now {
            Status::Expired
        } else {
            Status::Active
        }
    }

    /// The status's name in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Expired => "expired",
            Status::Revoked => "revoked",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored key, without its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// Public key ID.
    pub id: String,
    /// Description given at generation.
    pub name: String,
    /// The owning user's name.
    pub owner: String,
    /// Derived status.
    pub status: Status,
    /// Creation time.
    pub created: i64,
    /// Last change of name or status.
    pub updated: i64,
    /// Expiry time.
    pub expires: i64,
    /// Last successful verification.
    pub last_used: Option<i64>,
    /// Number of successful verifications.
    pub uses: i64,
    /// The ID of the key that replaced this one by rotation, if any.
    pub replaced_by: Option<String>,
}

/// One audit event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Increasing event ID.
    pub id: i64,
    /// When it happened (Unix seconds).
    pub time: i64,
    /// The event type, e.g. `api-key.revoked`.
    pub kind: String,
    /// Who did it (or attempted it).
    pub actor: String,
    /// The key it concerns, if any.
    pub key_id: Option<String>,
    /// A JSON object with the specifics, as stored.
    pub details: String,
    /// Hex SHA-256 chaining this event to the previous one.
    pub hash: String,
}

/// Event types (SPEC §8).
pub mod event_type {
    /// A user was added.
    pub const USER_ADDED: &str = "user.added";
    /// A user was removed.
    pub const USER_REMOVED: &str = "user.removed";
    /// A role was granted.
    pub const ROLE_GRANTED: &str = "user.role-granted";
    /// A role was removed.
    pub const ROLE_REMOVED: &str = "user.role-removed";
    /// A licence was given or taken.
    pub const LICENCE_CHANGED: &str = "user.licence-changed";
    /// A setting changed.
    pub const SETTINGS_CHANGED: &str = "settings.changed";
    /// A key was generated.
    pub const KEY_GENERATED: &str = "api-key.generated";
    /// A key was renamed.
    pub const KEY_RENAMED: &str = "api-key.renamed";
    /// A key was replaced by a new one (`keys rotate`).
    pub const KEY_ROTATED: &str = "api-key.rotated";
    /// A key was revoked.
    pub const KEY_REVOKED: &str = "api-key.revoked";
    /// A key was deleted.
    pub const KEY_DELETED: &str = "api-key.deleted";
    /// A key was verified successfully.
    pub const KEY_USED: &str = "api-key.used";
    /// A presented key was rejected.
    pub const KEY_REJECTED: &str = "api-key.rejected";
    /// An action was denied.
    pub const ACCESS_DENIED: &str = "access.denied";
    /// The whole tenant was copied into a new database (`keyctl copy`).
    pub const TENANT_COPIED: &str = "tenant.copied";
    /// Every type, for validating `--type`.
    pub const ALL: &[&str] = &[
        USER_ADDED,
        USER_REMOVED,
        ROLE_GRANTED,
        ROLE_REMOVED,
        LICENCE_CHANGED,
        SETTINGS_CHANGED,
        KEY_GENERATED,
        KEY_RENAMED,
        KEY_ROTATED,
        KEY_REVOKED,
        KEY_DELETED,
        KEY_USED,
        KEY_REJECTED,
        ACCESS_DENIED,
        TENANT_COPIED,
    ];
}
