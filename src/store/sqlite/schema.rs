//! The schema as an ordered list of migrations. The position of a migration is the
//! schema version it produces (stored in `PRAGMA user_version`). Never remove or
//! reorder entries: append a new one.

/// Marks a SQLite file as a keyctl tenant (`PRAGMA application_id`, "KYCT").
pub const APPLICATION_ID: u32 = 0x4B59_4354;

/// Migration 1: users, settings, keys (with an FTS5 trigram index for search), events.
const V1: &str = r#"
CREATE TABLE users (
    name         TEXT PRIMARY KEY NOT NULL,
    tenant_admin INTEGER NOT NULL DEFAULT 0 CHECK (tenant_admin IN (0, 1)),
    developer    INTEGER NOT NULL DEFAULT 0 CHECK (developer IN (0, 1)),
    licence      INTEGER NOT NULL DEFAULT 0 CHECK (licence IN (0, 1)),
    created      INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE settings (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    enabled           INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    max_expiry        INTEGER NOT NULL CHECK (max_expiry > 0),
    max_keys_per_user INTEGER NOT NULL CHECK (max_keys_per_user BETWEEN 1 AND 1000)
);
INSERT INTO settings (id, enabled, max_expiry, max_keys_per_user) VALUES (1, 0, 2592000, 5);

-- Times are Unix seconds (UTC). `revoked` is the time of revocation, NULL while the
-- key is not revoked; status is derived at read time from `revoked` and `expires`.
-- `owner` is deliberately not a foreign key: a removed user's keys stay (revoked) for
-- the record.
CREATE TABLE keys (
    seq       INTEGER PRIMARY KEY,
    id        TEXT NOT NULL UNIQUE,
    hash      BLOB NOT NULL CHECK (length(hash) = 32),
    name      TEXT NOT NULL,
    owner     TEXT NOT NULL,
    created   INTEGER NOT NULL,
    updated   INTEGER NOT NULL,
    expires   INTEGER NOT NULL,
    revoked   INTEGER,
    last_used INTEGER,
    uses      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX keys_owner ON keys (owner, revoked, expires);
CREATE INDEX keys_created ON keys (created);
CREATE INDEX keys_active_expires ON keys (expires) WHERE revoked IS NULL;

CREATE TRIGGER keys_revocation_is_final
BEFORE UPDATE OF revoked ON keys
WHEN OLD.revoked IS NOT NULL AND (NEW.revoked IS NULL OR NEW.revoked <> OLD.revoked)
BEGIN
    SELECT RAISE(ABORT, 'a revoked key cannot be reactivated');
END;

CREATE VIRTUAL TABLE keys_search USING fts5 (
    name, id, owner,
    content = 'keys', content_rowid = 'seq', tokenize = 'trigram'
);
CREATE TRIGGER keys_search_insert AFTER INSERT ON keys BEGIN
    INSERT INTO keys_search (rowid, name, id, owner) VALUES (NEW.seq, NEW.name, NEW.id, NEW.owner);
END;
CREATE TRIGGER keys_search_delete AFTER DELETE ON keys BEGIN
    INSERT INTO keys_search (keys_search, rowid, name, id, owner)
    VALUES ('delete', OLD.seq, OLD.name, OLD.id, OLD.owner);
END;
CREATE TRIGGER keys_search_rename AFTER UPDATE OF name, id, owner ON keys BEGIN
    INSERT INTO keys_search (keys_search, rowid, name, id, owner)
    VALUES ('delete', OLD.seq, OLD.name, OLD.id, OLD.owner);
    INSERT INTO keys_search (rowid, name, id, owner) VALUES (NEW.seq, NEW.name, NEW.id, NEW.owner);
END;

-- The audit log: append-only, each row's hash chains to the previous one.
CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    time    INTEGER NOT NULL,
    type    TEXT NOT NULL,
    actor   TEXT NOT NULL,
    key_id  TEXT,
    details TEXT NOT NULL,
    hash    TEXT NOT NULL
);
CREATE INDEX events_key ON events (key_id) WHERE key_id IS NOT NULL;
CREATE INDEX events_actor ON events (actor);
CREATE INDEX events_type_time ON events (type, time);
CREATE INDEX events_time ON events (time);

CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
"#;

/// Migration 2: a user identity that is never reused, and no way to replace a row.
///
/// - `users.uid` (AUTOINCREMENT: never reused, even after the newest user is removed)
///   identifies a user; a name registered again is a new user. `keys.owner_uid` is the
///   owning identity; `keys.owner` stays, for display. Existing keys are given the uid
///   of their owner's current registration when they were made during it (a key older
///   than the registration belongs to an earlier user of that name, now removed).
///   A key inserted without an `owner_uid` (by hand) gets its owner's current uid.
/// - `INSERT OR REPLACE` (and any other REPLACE conflict path) deletes the row it
///   replaces without firing DELETE triggers, so it could bring back a revoked key or
///   rewrite an event: inserting over an existing row, and changing a key's `id` or
///   `seq` (the other way a REPLACE conflict arises), are refused.
const V2: &str = r#"
CREATE TABLE users_v2 (
    uid          INTEGER PRIMARY KEY AUTOINCREMENT,
    name         TEXT NOT NULL UNIQUE,
    tenant_admin INTEGER NOT NULL DEFAULT 0 CHECK (tenant_admin IN (0, 1)),
    developer    INTEGER NOT NULL DEFAULT 0 CHECK (developer IN (0, 1)),
    licence      INTEGER NOT NULL DEFAULT 0 CHECK (licence IN (0, 1)),
    created      INTEGER NOT NULL
);
INSERT INTO users_v2 (name, tenant_admin, developer, licence, created)
    SELECT name, tenant_admin, developer, licence, created FROM users ORDER BY created, name;
DROP TABLE users;
ALTER TABLE users_v2 RENAME TO users;

ALTER TABLE keys ADD COLUMN owner_uid INTEGER;
UPDATE keys SET owner_uid = (
    SELECT u.uid FROM users u WHERE u.name = keys.owner AND u.created <= keys.created
);
CREATE INDEX keys_owner_uid ON keys (owner_uid, revoked, expires);

CREATE TRIGGER keys_owner_uid_default AFTER INSERT ON keys WHEN NEW.owner_uid IS NULL
BEGIN
    UPDATE keys SET owner_uid = (SELECT uid FROM users WHERE name = NEW.owner)
    WHERE seq = NEW.seq;
END;

CREATE TRIGGER keys_no_replace BEFORE INSERT ON keys
WHEN EXISTS (SELECT 1 FROM keys WHERE id = NEW.id OR seq = NEW.seq)
BEGIN
    SELECT RAISE(ABORT, 'a key cannot be replaced');
END;
CREATE TRIGGER keys_identity_is_fixed BEFORE UPDATE OF id, seq ON keys
WHEN NEW.id IS NOT OLD.id OR NEW.seq IS NOT OLD.seq
BEGIN
    SELECT RAISE(ABORT, 'a key keeps its ID');
END;
CREATE TRIGGER events_no_replace BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;
"#;

/// Migration 3: the auditor role and key rotation. Only adds: a user's `auditor` flag,
/// and a key's `replaced_by`, the ID of the key that replaced it by rotation (NULL until
/// then). A key with a successor no longer counts toward `max-keys-per-user`. A key has
/// at most one predecessor, and a successor once set is final.
const V3: &str = r#"
ALTER TABLE users ADD COLUMN auditor INTEGER NOT NULL DEFAULT 0 CHECK (auditor IN (0, 1));
ALTER TABLE keys ADD COLUMN replaced_by TEXT;
CREATE UNIQUE INDEX keys_replaced_by ON keys (replaced_by) WHERE replaced_by IS NOT NULL;
CREATE TRIGGER keys_replacement_is_final
BEFORE UPDATE OF replaced_by ON keys
WHEN OLD.replaced_by IS NOT NULL AND (NEW.replaced_by IS NULL OR NEW.replaced_by <> OLD.replaced_by)
BEGIN
    SELECT RAISE(ABORT, 'a rotated key keeps its successor');
END;
"#;

/// Migration 4: pending usage (docs/USAGE.md). A successful verification appends one
/// row here and nothing else; folds move the rows into `keys.uses`/`last_used` and
/// `api-key.used` events (with a count) in one transaction and delete them. No index
/// but the rowid: each append touches one page. Rows are never changed in place.
const V4: &str = r#"
CREATE TABLE usage (
    seq    INTEGER PRIMARY KEY,
    key_id TEXT NOT NULL,
    owner  TEXT NOT NULL,
    time   INTEGER NOT NULL
);
CREATE TRIGGER usage_no_update BEFORE UPDATE ON usage BEGIN
    SELECT RAISE(ABORT, 'usage records cannot be changed');
END;
"#;

/// Every migration, in order; `MIGRATIONS[i]` takes the schema from version i to i+1.
pub const MIGRATIONS: &[&str] = &[V1, V2, V3, V4];

/// The schema version this binary writes and understands.
pub const LATEST: u32 = MIGRATIONS.len() as u32;
