//! The storage interface: what the domain (tenant, keys, users, events, verify, copy)
//! needs from a tenant database, implemented once per backend (SQLite in
//! `store::sqlite`, PostgreSQL in `store::pg`). The domain reaches storage only through
//! [`Backend`] and [`Tx`]; no SQL, and no driver type, crosses this boundary.
//!
//! Rules every implementation keeps:
//! - every value travels as a bound parameter, never spliced into SQL;
//! - [`Backend::write`] takes the tenant's write lock first (`BEGIN IMMEDIATE` in
//!   SQLite, the tenant's advisory transaction lock in PostgreSQL), bounded by 30 s,
//!   then runs the closure and commits only if it returned `Ok`;
//! - [`Backend::read`] runs the closure on one consistent snapshot;
//! - streaming methods (`each` callbacks) keep memory flat however many rows match;
//! - a stored value of the wrong type is an error naming the row (event ID, key ID),
//!   never a driver message;
//! - status is derived from `revoked` / `expires` against the `now` passed in, exactly
//!   as [`crate::model::Status::derive`] does.

use crate::model::{Event, Key, Operator, Role, Settings, Status, User};
use anyhow::Result;

/// A column to sort listings by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortField {
    /// Key name.
    Name,
    /// Key ID.
    Id,
    /// Owner name.
    Owner,
    /// Creation time.
    Created,
    /// Last change.
    Updated,
    /// Expiry time.
    Expires,
    /// Derived status (active, expired, revoked).
    Status,
    /// Last successful verification.
    LastUsed,
    /// Number of uses.
    Uses,
}

impl SortField {
    /// Every column, in the order the command line lists them.
    pub const ALL: [SortField; 9] = [
        SortField::Name,
        SortField::Id,
        SortField::Owner,
        SortField::Created,
        SortField::Updated,
        SortField::Expires,
        SortField::Status,
        SortField::LastUsed,
        SortField::Uses,
    ];

    /// The column's name, as given to `--sort`.
    pub fn as_str(self) -> &'static str {
        match self {
            SortField::Name => "name",
            SortField::Id => "id",
            SortField::Owner => "owner",
            SortField::Created => "created",
            SortField::Updated => "updated",
            SortField::Expires => "expires",
            SortField::Status => "status",
            SortField::LastUsed => "last-used",
            SortField::Uses => "uses",
        }
    }
}

/// Which keys to list, and how.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Only keys of this owner (by name).
    pub owner: Option<String>,
    /// Only keys with one of these statuses (all when empty).
    pub statuses: Vec<Status>,
    /// Only active keys that expire within this many seconds.
    pub expiring_within: Option<i64>,
    /// Case-insensitive substring of name, ID or owner (`%` and `_` literal).
    pub search: Option<String>,
    /// Sort column, ascending; newest first (created DESC, then seq DESC) when `None`.
    pub sort: Option<SortField>,
    /// Reverse the order.
    pub reverse: bool,
    /// At most this many.
    pub limit: Option<u64>,
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only events about this key.
    pub key_id: Option<String>,
    /// Only events by this actor.
    pub actor: Option<String>,
    /// Only events of this type.
    pub kind: Option<String>,
    /// Only events at or after this time (Unix seconds).
    pub since: Option<i64>,
    /// Only events at or before this time (Unix seconds).
    pub until: Option<i64>,
    /// At most this many (the newest).
    pub limit: Option<u64>,
}

/// One row of `events top`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopRow {
    /// The key.
    pub key_id: String,
    /// Its name, if the key still exists.
    pub name: Option<String>,
    /// Its owner, if the key still exists.
    pub owner: Option<String>,
    /// Successful verifications in the window.
    pub uses: i64,
    /// Rejected verifications naming it in the window.
    pub rejected: i64,
}

/// What the log says about one key, beside the key's own state (`events verify`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAgainstLog {
    /// The key.
    pub id: String,
    /// Whether the key is revoked.
    pub revoked: bool,
    /// Its `uses` counter.
    pub uses: i64,
    /// How many `api-key.generated` events name it.
    pub generated: i64,
    /// How many `api-key.revoked` events name it.
    pub revocations: i64,
    /// How many uses its `api-key.used` events record (the sum of their
    /// `details.uses`, 1 for an event without it).
    pub used: i64,
}

/// Pending usage rows (not yet folded into keys and the log).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pending {
    /// How many rows (for all keys: an upper bound, from the rows' sequence numbers).
    pub rows: i64,
    /// The oldest row's time.
    pub oldest: Option<i64>,
}

/// One pending usage row exactly as stored, for `copy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// Insertion order.
    pub seq: i64,
    /// The key used.
    pub key_id: String,
    /// Its owner at the time of the check (the key may be gone by the fold).
    pub owner: String,
    /// When (Unix seconds).
    pub time: i64,
}

/// What verification needs to know about a key.
#[derive(Debug, Clone)]
pub struct Credential {
    /// The stored SHA-256 of the whole key.
    pub hash: Vec<u8>,
    /// The owner's name.
    pub owner: String,
    /// Expiry time.
    pub expires: i64,
    /// Revocation time, if revoked.
    pub revoked: Option<i64>,
    /// Whether the owning identity (`owner_uid`) is still a registered user.
    pub owner_registered: bool,
}

/// A new key to store (never its secret: only the SHA-256 of the whole key).
#[derive(Debug, Clone)]
pub struct NewKey<'a> {
    /// The public ID.
    pub id: &'a str,
    /// SHA-256 of the whole key.
    pub hash: &'a [u8; 32],
    /// The key's name.
    pub name: &'a str,
    /// The owner's name (for display).
    pub owner: &'a str,
    /// The owner's identity.
    pub owner_uid: i64,
    /// Creation time; `updated` starts equal to it.
    pub created: i64,
    /// Expiry time.
    pub expires: i64,
}

/// A user row exactly as stored, for `copy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// The identity (never reused).
    pub uid: i64,
    /// The user.
    pub user: User,
}

/// A key row exactly as stored, for `copy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    /// Insertion order (SQLite rowid / PostgreSQL sequence value).
    pub seq: i64,
    /// The public ID.
    pub id: String,
    /// SHA-256 of the whole key (32 bytes).
    pub hash: Vec<u8>,
    /// Name.
    pub name: String,
    /// Owner name.
    pub owner: String,
    /// Owner identity (none for keys of users removed before identities existed).
    pub owner_uid: Option<i64>,
    /// Creation time.
    pub created: i64,
    /// Last change of name or status.
    pub updated: i64,
    /// Expiry time.
    pub expires: i64,
    /// Revocation time.
    pub revoked: Option<i64>,
    /// Last successful verification.
    pub last_used: Option<i64>,
    /// Successful verifications.
    pub uses: i64,
    /// Successor by rotation.
    pub replaced_by: Option<String>,
}

/// A key with its owner's identity (none for keys of users removed before identities
/// existed), as [`Tx::key`] gives it.
pub type OwnedKey = (Key, Option<i64>);

/// One open transaction on a tenant (read-only inside [`Backend::read`]).
pub trait Tx {
    // --- users ---
    /// The user called `name`, if registered.
    fn user(&mut self, name: &str) -> Result<Option<User>>;
    /// The user called `name`, with their identity.
    fn operator(&mut self, name: &str) -> Result<Option<Operator>>;
    /// The user with identity `uid`, if still registered.
    fn operator_by_uid(&mut self, uid: i64) -> Result<Option<Operator>>;
    /// Whether a user called `name` is registered.
    fn user_exists(&mut self, name: &str) -> Result<bool>;
    /// All users, by name.
    fn users(&mut self) -> Result<Vec<User>>;
    /// Registers a new user (a new identity); returns its uid.
    fn insert_user(&mut self, user: &User) -> Result<i64>;
    /// Gives or takes a role.
    fn set_role(&mut self, name: &str, role: Role, on: bool) -> Result<()>;
    /// Gives or takes a licence.
    fn set_licence(&mut self, name: &str, on: bool) -> Result<()>;
    /// Removes a user (their keys stay, owned by the removed identity).
    fn delete_user(&mut self, name: &str) -> Result<()>;
    /// How many tenant admins there are.
    fn count_admins(&mut self) -> Result<i64>;

    // --- settings ---
    /// The tenant's settings.
    fn settings(&mut self) -> Result<Settings>;
    /// Replaces the tenant's settings.
    fn put_settings(&mut self, s: &Settings) -> Result<()>;

    // --- keys ---
    /// Streams the keys matching `q` (and owned by identity `owner_uid`, when given),
    /// evaluated at `now`.
    fn list_keys(
        &mut self,
        q: &Query,
        owner_uid: Option<i64>,
        now: i64,
        each: &mut dyn FnMut(Key) -> Result<()>,
    ) -> Result<()>;
    /// One key by ID, with its owner's identity.
    fn key(&mut self, id: &str, now: i64) -> Result<Option<(Key, Option<i64>)>>;
    /// What verification needs about key `id`.
    fn credential(&mut self, id: &str) -> Result<Option<Credential>>;
    /// Stores a new key.
    fn insert_key(&mut self, key: &NewKey) -> Result<()>;
    /// Active keys of identity `owner_uid` at `now` that count toward the key limit
    /// (not revoked, not expired, not replaced by rotation).
    fn count_active(&mut self, owner_uid: i64, now: i64) -> Result<u32>;
    /// Adds folded usage to keys: for each `(id, n, last)` (one per ID), `uses + n` and
    /// `last_used` the later of itself and `last`; an ID without a key is skipped.
    /// Backends that pay a round trip per statement do it set-based (PostgreSQL: one
    /// `UPDATE … FROM unnest(…)`).
    fn add_uses(&mut self, uses: &[(String, i64, i64)]) -> Result<()>;
    /// Sets a rotated key's successor, its (earlier) expiry and `updated`.
    fn set_replaced(&mut self, id: &str, successor: &str, expires: i64, now: i64) -> Result<()>;
    /// Renames a key (and sets `updated`).
    fn rename_key(&mut self, id: &str, name: &str, now: i64) -> Result<()>;
    /// Revokes a key that is not revoked yet (sets `revoked` and `updated`); returns
    /// whether it changed.
    fn revoke_key(&mut self, id: &str, now: i64) -> Result<bool>;
    /// The IDs of identity `owner_uid`'s active keys at `now`.
    fn active_ids_of(&mut self, owner_uid: i64, now: i64) -> Result<Vec<String>>;
    /// Deletes a key.
    fn delete_key(&mut self, id: &str) -> Result<()>;
    /// Several keys by ID, as [`Tx::key`] gives each: one entry per ID, in the order
    /// given (`None` where there is no such key; a repeated ID gets the same answer).
    /// Backends that pay a round trip per statement answer with a few set-based
    /// statements instead (PostgreSQL: `WHERE id = ANY($2)`); the default asks one by
    /// one, in the order given.
    fn keys_by_ids(&mut self, ids: &[&str], now: i64) -> Result<Vec<Option<OwnedKey>>> {
        ids.iter().map(|id| self.key(id, now)).collect()
    }
    /// Revokes the keys among `ids` that are not revoked yet, as [`Tx::revoke_key`] does
    /// each, one after the other: one entry per ID, in the order given, saying whether
    /// that ID's key changed (a repeated ID: only its first occurrence).
    fn revoke_keys(&mut self, ids: &[&str], now: i64) -> Result<Vec<bool>> {
        ids.iter().map(|id| self.revoke_key(id, now)).collect()
    }
    /// Deletes the keys among `ids`, as [`Tx::delete_key`] does each.
    fn delete_keys(&mut self, ids: &[&str]) -> Result<()> {
        ids.iter().try_for_each(|id| self.delete_key(id))
    }
    /// A hint that a run over `items` keys follows (SQLite grows its page cache).
    fn prepare_bulk(&mut self, _items: usize) -> Result<()> {
        Ok(())
    }
    /// Like [`Tx::prepare_bulk`] for a run after which the connection goes on (a fold
    /// before a listing): returns what to pass to [`Tx::end_bulk`] afterwards, so that
    /// a large page cache does not outlive the run (a `keys list` after it must stay
    /// flat in memory).
    fn begin_bulk(&mut self, items: usize) -> Result<Option<i64>> {
        self.prepare_bulk(items).map(|()| None)
    }
    /// Undoes [`Tx::begin_bulk`] with what it returned.
    fn end_bulk(&mut self, _before: Option<i64>) -> Result<()> {
        Ok(())
    }

    // --- pending usage (docs/USAGE.md) ---
    /// Appends one pending usage row `(key_id, owner, time)` per entry. Inside
    /// [`Backend::write_usage`] (or a write).
    fn insert_usage(&mut self, uses: &[(&str, &str, i64)]) -> Result<()>;
    /// What is pending: of key `key` only, or of every key.
    fn pending_usage(&mut self, key: Option<&str>) -> Result<Pending>;
    /// Takes (deletes and returns) the pending usage rows, of key `key` only or all,
    /// in no particular order. Only inside [`Backend::write`], which holds the lock
    /// that makes a fold the only one.
    fn take_usage(&mut self, key: Option<&str>) -> Result<Vec<UsageRow>>;

    // --- events ---
    /// The newest event's ID and hash.
    fn head(&mut self) -> Result<Option<(i64, String)>>;
    /// Appends one event exactly as given (ID and hash already computed by
    /// [`crate::chain::Appender`]).
    fn insert_event(&mut self, e: &Event) -> Result<()>;
    /// One event by ID.
    fn event(&mut self, id: i64) -> Result<Option<Event>>;
    /// Streams the events matching `f`, newest first (at most `f.limit`).
    fn list_events(&mut self, f: &Filter, each: &mut dyn FnMut(Event) -> Result<()>) -> Result<()>;
    /// Streams the events matching `f` (its limit aside) with `after < id <= upto`,
    /// oldest first.
    fn list_events_between(
        &mut self,
        f: &Filter,
        after: i64,
        upto: i64,
        each: &mut dyn FnMut(Event) -> Result<()>,
    ) -> Result<()>;
    /// Streams every event, oldest first.
    fn events_in_order(&mut self, each: &mut dyn FnMut(Event) -> Result<()>) -> Result<()>;
    /// Keys ranked by uses since `since` — the sum of `details.uses` of their
    /// `api-key.used` events, 1 for an event without it — then by rejections, then ID.
    fn top(&mut self, since: i64, limit: u64) -> Result<Vec<TopRow>>;
    /// Streams every key by ID with its per-key event counts.
    fn keys_against_log(&mut self, each: &mut dyn FnMut(KeyAgainstLog) -> Result<()>)
    -> Result<()>;

    // --- copy (SPEC §4 copy, §12) ---
    /// Streams every user row with its uid, by uid.
    fn each_user_row(&mut self, each: &mut dyn FnMut(UserRow) -> Result<()>) -> Result<()>;
    /// Streams every key row exactly as stored, by seq.
    fn each_key_row(&mut self, each: &mut dyn FnMut(KeyRow) -> Result<()>) -> Result<()>;
    /// Streams every pending usage row, by seq.
    fn each_usage_row(&mut self, each: &mut dyn FnMut(UsageRow) -> Result<()>) -> Result<()>;
    /// Stores a pending usage row exactly.
    fn put_usage_row(&mut self, row: &UsageRow) -> Result<()>;
    /// Stores a user row exactly (its uid kept; the uid sequence moves past it).
    fn put_user_row(&mut self, row: &UserRow) -> Result<()>;
    /// Stores a key row exactly (its seq kept; a `None` owner_uid stays `None`, whatever
    /// user now bears the owner's name).
    fn put_key_row(&mut self, row: &KeyRow) -> Result<()>;
    /// Called once after every row was put, before commit (PostgreSQL: flush a COPY,
    /// move sequences past the copied values). The uid sequence must end past every
    /// `uid` *and* every key's `owner_uid`: a removed user's identity lives on in their
    /// keys, and a user added to the copy must never be given it.
    fn finish_copy(&mut self) -> Result<()> {
        Ok(())
    }
}

/// An open tenant database of one backend.
pub trait Backend {
    /// Runs `f` in one read transaction: one consistent snapshot.
    fn read(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// Runs `f` in one write transaction that holds the tenant's write lock, committing
    /// only if `f` returns `Ok` (else rolling back).
    fn write(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// A transaction for verification's checks and its pending usage rows
    /// ([`Tx::insert_usage`]); it must not append events or change anything else. May
    /// relax durability (still atomic; a power loss may lose the newest rows). SQLite
    /// takes the file's write lock (`BEGIN IMMEDIATE`); PostgreSQL does **not** take the
    /// tenant write lock, so verifications on many hosts proceed side by side.
    fn write_usage(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>;
    /// What a verification reads — the credential of key `id` and the settings — from
    /// one consistent snapshot, in as few round trips as the backend can (PostgreSQL:
    /// one statement outside any transaction, instead of four round trips).
    fn check(&mut self, id: &str) -> Result<(Option<Credential>, Settings)> {
        let mut out = None;
        self.read(&mut |tx| {
            out = Some((tx.credential(id)?, tx.settings()?));
            Ok(())
        })?;
        out.ok_or_else(|| anyhow::anyhow!("the read did not run"))
    }
    /// Like [`Backend::write`] when the tenant write lock is free at once; else runs
    /// nothing and returns `false` (for work anyone may do later, such as a fold).
    fn write_if_free(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<bool> {
        self.write(f).map(|()| true)
    }
    /// Whether this process may write the database (a file opened read-only may not).
    fn writable(&self) -> bool {
        true
    }
    /// The database for messages: a file path, or `user@host:port/dbname` (never a
    /// password).
    fn describe(&self) -> String;
}
