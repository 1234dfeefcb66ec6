//! The PostgreSQL implementation of the storage interface ([`Backend`], [`Tx`]): the
//! same results, ordering, status derivation and errors as the SQLite backend.
//!
//! - Every value is a bound parameter (`$1`…); only fixed column names and directions
//!   are put into SQL text.
//! - Text is ordered `COLLATE "C"` (byte order, as SQLite's BINARY collation) and
//!   NULLs sort as SQLite sorts them (first ascending, last descending), so listings
//!   come out in the same order on both backends whatever the database's locale.
//! - Streaming methods read through a portal in chunks of [`CHUNK`] rows, so memory
//!   stays flat however many rows match, and the callback may take its time.
//! - Statements are prepared once per connection and cached by their SQL text.

use super::Target;
use crate::error::{Code, Failure, fail};
use crate::model::{Event, Key, Operator, Role, Settings, Status, User};
use crate::store::api::{
    Backend, Credential, Filter, KeyAgainstLog, KeyRow, NewKey, OwnedKey, Pending, Query,
    SortField, TopRow, Tx, UsageRow, UserRow,
};
use crate::store::query::{Arg, KeyQuery, event_filter, like_literal};
use anyhow::{Context, Result};
use postgres::types::ToSql;
use postgres::{Client, Row, Statement, Transaction};
use std::collections::HashMap;

/// Rows fetched per round trip by the streaming methods.
const CHUNK: i32 = 1_000;

/// A bound parameter.
type Param = Box<dyn ToSql + Sync>;

/// An open PostgreSQL tenant: one connection, its target (for messages) and its
/// prepared statements.
pub(crate) struct PgBackend {
    client: Client,
    target: Target,
    stmts: HashMap<String, Statement>,
}

impl PgBackend {
    /// Opens the tenant `url` names (see [`super::open`]).
    pub(crate) fn open(url: &str) -> Result<PgBackend> {
        let (client, target) = super::open(url)?;
        Ok(PgBackend {
            client,
            target,
            stmts: HashMap::new(),
        })
    }

    /// Creates the tenant `url` names (see [`super::create`]); `fill` runs in the
    /// creating transaction.
    pub(crate) fn create(
        url: &str,
        fill: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<PgBackend> {
        let mut stmts = HashMap::new();
        let (client, t) = super::create(url, |tx| {
            let mut t = PgTx::new(tx, &mut stmts);
            fill(&mut t)?;
            t.flush()
        })
        .map_err(|e| plain(e, &redacted_target(url)))?;
        Ok(PgBackend {
            client,
            target: t,
            stmts,
        })
    }

    /// Runs `f` in a write transaction as `lock` says; returns `false` (having run
    /// nothing) when [`Lock::IfFree`] found the lock taken.
    fn transact(
        &mut self,
        lock: Lock,
        f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>,
    ) -> Result<bool> {
        self.with_client(|client, stmts, target| {
            let mut tx = match lock {
                Lock::Wait => super::begin_write(client)?,
                Lock::IfFree => match super::begin_write_if_free(client)? {
                    Some(tx) => tx,
                    None => return Ok(false),
                },
                Lock::Usage => {
                    let mut tx = client.transaction()?;
                    tx.batch_execute("SET LOCAL synchronous_commit = off")?;
                    tx
                }
            };
            let mut t = PgTx::new(&mut tx, stmts);
            f(&mut t)?;
            t.flush()?;
            super::commit(tx, target).map(|()| true)
        })
    }

    /// Runs `body` on the connection and its prepared statements; a driver error
    /// becomes one plain line naming the database.
    fn with_client<T>(
        &mut self,
        body: impl FnOnce(&mut Client, &mut HashMap<String, Statement>, &Target) -> Result<T>,
    ) -> Result<T> {
        let PgBackend {
            client,
            target,
            stmts,
        } = self;
        body(client, stmts, target).map_err(|e| plain(e, target))
    }
}

/// How a write transaction takes the tenant write lock.
#[derive(Clone, Copy)]
enum Lock {
    /// Waits for it (bounded by `lock_timeout`).
    Wait,
    /// Takes it only if it is free at once.
    IfFree,
    /// Does not take it: pending usage rows only.
    Usage,
}

/// The target of `url` for a message, without its password.
fn redacted_target(url: &str) -> String {
    super::parse(url).map_or_else(|_| super::redacted(url), |p| p.target.to_string())
}

/// A driver error as one plain line naming the database (never the password); domain
/// errors pass unchanged.
fn plain(e: anyhow::Error, target: &impl std::fmt::Display) -> anyhow::Error {
    if e.chain().any(|c| c.downcast_ref::<Failure>().is_some()) {
        return e;
    }
    match e.chain().find_map(|c| c.downcast_ref::<postgres::Error>()) {
        Some(pg) => {
            // A conversion error is not a lost connection; an I/O error says itself.
            let session_ended = pg.as_db_error().is_some_and(|d| {
                matches!(
                    d.parsed_severity(),
                    Some(postgres::error::Severity::Fatal | postgres::error::Severity::Panic)
                )
            });
            let what = if pg.is_closed() || session_ended {
                format!("lost the connection to {target}: {}", super::describe(pg))
            } else {
                format!("{target}: {}", super::describe(pg))
            };
            let context: Vec<String> = e
                .chain()
                .take_while(|c| c.downcast_ref::<postgres::Error>().is_none())
                .map(|c| c.to_string())
                .collect();
            if context.is_empty() {
                fail(Code::Runtime, what)
            } else {
                fail(Code::Runtime, format!("{}: {what}", context.join(": ")))
            }
        }
        None => e,
    }
}

impl Backend for PgBackend {
    fn read(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.with_client(|client, stmts, _| {
            let mut tx = super::begin_read(client)?;
            f(&mut PgTx::new(&mut tx, stmts))?;
            tx.rollback()?;
            Ok(())
        })
    }

    fn write(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.transact(Lock::Wait, f).map(drop)
    }

    /// Without the tenant write lock, and with `synchronous_commit = off` (atomic, but
    /// a server crash may lose the newest usage rows): pending usage rows contend on
    /// nothing shared, so verifications on many hosts proceed side by side.
    fn write_usage(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()> {
        self.transact(Lock::Usage, f).map(drop)
    }

    fn write_if_free(&mut self, f: &mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<bool> {
        self.transact(Lock::IfFree, f)
    }

    /// One statement, outside any transaction (a statement is its own snapshot): one
    /// round trip instead of `BEGIN`, two `SELECT`s and `ROLLBACK`.
    fn check(&mut self, id: &str) -> Result<(Option<Credential>, Settings)> {
        const SQL: &str = "SELECT s.enabled, s.max_expiry, s.max_keys_per_user, \
                k.hash, k.owner, k.expires, k.revoked, \
                EXISTS (SELECT 1 FROM users u WHERE u.uid = k.owner_uid) \
             FROM settings s LEFT JOIN keys k ON k.id = $1 WHERE s.id = 1";
        self.with_client(|client, stmts, _| {
            let stmt = match stmts.get(SQL) {
                Some(stmt) => stmt.clone(),
                None => {
                    let stmt = client.prepare(SQL)?;
                    stmts.insert(SQL.to_owned(), stmt.clone());
                    stmt
                }
            };
            let row = client
                .query_one(&stmt, &[&id])
                .context("reading settings")?;
            let hash: Option<Vec<u8>> = row.try_get(3)?;
            let cred = match hash {
                None => None,
                Some(hash) => Some(Credential {
                    hash,
                    owner: row.try_get(4)?,
                    expires: row.try_get(5)?,
                    revoked: row.try_get(6)?,
                    owner_registered: row.try_get(7)?,
                }),
            };
            Ok((cred, settings_from(&row)?))
        })
    }

    fn describe(&self) -> String {
        self.target.to_string()
    }
}

/// One open transaction on a PostgreSQL tenant.
///
/// Appended events, and a copy's key rows, are gathered and sent together (binary
/// `COPY … FROM STDIN` for more than a few) every [`COPY_BATCH`] rows, before any
/// method that reads events or key rows back, and before the transaction commits: a
/// bulk revoke (whose lookups and changes go through the set-based batch methods) then
/// makes a few round trips per [`ANY_BATCH`] keys, and a copy one per [`COPY_BATCH`]
/// rows. Errors surface in the same transaction, which then rolls
/// back whole, as it would have.
struct PgTx<'t, 'c> {
    tx: &'t mut Transaction<'c>,
    stmts: &'t mut HashMap<String, Statement>,
    /// Key rows not sent yet.
    keys: Vec<KeyRow>,
    /// Events not sent yet.
    events: Vec<Event>,
    /// The seqs of copied keys whose `owner_uid` is NULL (the insert trigger fills it).
    no_owner: Vec<i64>,
}

/// Rows per `COPY`.
const COPY_BATCH: usize = 10_000;

/// IDs per set-based statement of the batch key methods (`id = ANY($n)`): one round
/// trip each, a plan that stays an index scan, and a bounded array and result.
const ANY_BATCH: usize = 5_000;

/// Up to this many gathered events go in as plain `INSERT`s (a `COPY` costs an extra
/// round trip).
const FEW: usize = 4;

/// The columns of a [`User`] (then, where asked for, its uid).
const USER_COLUMNS: &str = "name, tenant_admin, developer, licence, created, auditor";

fn user_from(row: &Row) -> Result<User> {
    Ok(User {
        name: row.try_get(0)?,
        tenant_admin: row.try_get(1)?,
        developer: row.try_get(2)?,
        licence: row.try_get(3)?,
        created: row.try_get(4)?,
        auditor: row.try_get(5)?,
    })
}

/// Ranks statuses in their natural (and alphabetical) order: active, expired, revoked;
/// `$1` is always "now".
const STATUS_RANK: &str =
    "(CASE WHEN revoked IS NOT NULL THEN 2 WHEN expires <= $1 THEN 1 ELSE 0 END)";

/// The columns of a [`Key`], then its owner's identity; `$1` is "now".
fn key_columns() -> String {
    format!(
        "id, name, owner, {STATUS_RANK}, created, updated, expires, last_used, uses, \
         replaced_by, owner_uid"
    )
}

/// A key row as a [`Key`]; a value that cannot be read names the key.
fn key_from(row: &Row) -> Result<Key> {
    let id: String = row
        .try_get(0)
        .context("a key is damaged: its id cannot be read")?;
    let damaged = |what: &str| format!("key {id} is damaged: its {what} cannot be read");
    let status = match row
        .try_get::<_, i32>(3)
        .with_context(|| damaged("status"))?
    {
        0 => Status::Active,
        1 => Status::Expired,
        _ => Status::Revoked,
    };
    Ok(Key {
        name: row.try_get(1).with_context(|| damaged("name"))?,
        owner: row.try_get(2).with_context(|| damaged("owner"))?,
        status,
        created: row.try_get(4).with_context(|| damaged("created"))?,
        updated: row.try_get(5).with_context(|| damaged("updated"))?,
        expires: row.try_get(6).with_context(|| damaged("expires"))?,
        last_used: row.try_get(7).with_context(|| damaged("last_used"))?,
        uses: row.try_get(8).with_context(|| damaged("uses"))?,
        replaced_by: row.try_get(9).with_context(|| damaged("replaced_by"))?,
        id,
    })
}

/// The SQL expression of a sort column (text in byte order, as SQLite's BINARY).
fn sort_sql(field: SortField) -> &'static str {
    match field {
        SortField::Name => "name COLLATE \"C\"",
        SortField::Id => "id COLLATE \"C\"",
        SortField::Owner => "owner COLLATE \"C\"",
        SortField::Created => "created",
        SortField::Updated => "updated",
        SortField::Expires => "expires",
        SortField::Status => STATUS_RANK,
        SortField::LastUsed => "last_used",
        SortField::Uses => "uses",
    }
}

const EVENT_COLUMNS: &str = "id, time, type, actor, key_id, details, hash";

/// An event row; a value that cannot be read (changed by other means) is an error
/// naming the event, never the driver's conversion message.
fn event_from(row: &Row) -> Result<Event> {
    let id: i64 = row.try_get(0).map_err(|e| {
        fail(
            Code::Runtime,
            format!("an event is damaged: its id cannot be read ({e})"),
        )
    })?;
    let field = |name: &'static str| {
        move |e: postgres::Error| {
            fail(
                Code::Runtime,
                format!(
                    "event {id} is damaged: its {name} cannot be read ({e}); the database was \
                     changed by other means than keyctl"
                ),
            )
        }
    };
    Ok(Event {
        id,
        time: row.try_get(1).map_err(field("time"))?,
        kind: row.try_get(2).map_err(field("type"))?,
        actor: row.try_get(3).map_err(field("actor"))?,
        key_id: row.try_get(4).map_err(field("key_id"))?,
        details: row.try_get(5).map_err(field("details"))?,
        hash: row.try_get(6).map_err(field("hash"))?,
    })
}

/// Settings from a row starting `enabled, max_expiry, max_keys_per_user`.
fn settings_from(row: &Row) -> Result<Settings> {
    let max_expiry: i64 = row.try_get(1)?;
    let max_keys: i32 = row.try_get(2)?;
    Ok(Settings {
        enabled: row.try_get(0)?,
        max_expiry: crate::duration::Duration::from_secs(max_expiry)
            .context("stored max-expiry is out of range")?,
        max_keys_per_user: u32::try_from(max_keys)
            .context("stored max-keys-per-user is out of range")?,
    })
}

/// A pending usage row from `seq, key_id, owner, time`.
fn usage_from(r: &Row) -> Result<UsageRow> {
    Ok(UsageRow {
        seq: r.try_get(0)?,
        key_id: r.try_get(1)?,
        owner: r.try_get(2)?,
        time: r.try_get(3)?,
    })
}

/// The uses an `api-key.used` event records: its `details.uses` (the last field, as
/// keyctl writes it), 1 for an event from before usage was counted.
const USES_OF_EVENT: &str =
    "coalesce(substring(details from '\"uses\":([0-9]{1,18})\\}$')::bigint, 1)";

/// The `WHERE` clause of `f` (without its limit), its parameters numbered from `$1`.
fn filter_sql(f: &Filter) -> (String, Vec<Param>) {
    let (sql, args) = event_filter(f, "true", |n| format!("${n}"));
    (sql, args.into_iter().map(param).collect())
}

/// A neutral argument as a driver parameter.
fn param(a: Arg) -> Param {
    match a {
        Arg::Int(i) => Box::new(i),
        Arg::Text(t) => Box::new(t),
    }
}

/// A limit as a `bigint` parameter.
fn limit_param(l: u64) -> i64 {
    i64::try_from(l).unwrap_or(i64::MAX)
}

fn refs(args: &[Param]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter()
        .map(|a| a.as_ref() as &(dyn ToSql + Sync))
        .collect()
}

impl<'t, 'c> PgTx<'t, 'c> {
    fn new(tx: &'t mut Transaction<'c>, stmts: &'t mut HashMap<String, Statement>) -> Self {
        PgTx {
            tx,
            stmts,
            keys: Vec::new(),
            events: Vec::new(),
            no_owner: Vec::new(),
        }
    }

    /// Sends the gathered key rows and events of a copy (binary `COPY`).
    fn flush(&mut self) -> Result<()> {
        use postgres::binary_copy::BinaryCopyInWriter;
        use postgres::types::Type;
        if !self.keys.is_empty() {
            let writer = self.tx.copy_in(&format!(
                "COPY keys ({KEY_ROW_COLUMNS}) FROM STDIN (FORMAT binary)"
            ))?;
            let i8 = Type::INT8;
            let t = Type::TEXT;
            let types = [
                i8.clone(),
                t.clone(),
                Type::BYTEA,
                t.clone(),
                t.clone(),
                i8.clone(),
                i8.clone(),
                i8.clone(),
                i8.clone(),
                i8.clone(),
                i8.clone(),
                i8,
                t,
            ];
            let mut w = BinaryCopyInWriter::new(writer, &types);
            for k in self.keys.drain(..) {
                w.write(&[
                    &k.seq,
                    &k.id,
                    &k.hash,
                    &k.name,
                    &k.owner,
                    &k.owner_uid,
                    &k.created,
                    &k.updated,
                    &k.expires,
                    &k.revoked,
                    &k.last_used,
                    &k.uses,
                    &k.replaced_by,
                ])?;
            }
            w.finish()?;
        }
        if self.events.len() <= FEW {
            for e in std::mem::take(&mut self.events) {
                self.execute(
                    "INSERT INTO events (id, time, type, actor, key_id, details, hash) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    &[
                        &e.id, &e.time, &e.kind, &e.actor, &e.key_id, &e.details, &e.hash,
                    ],
                )?;
            }
        } else {
            let writer = self.tx.copy_in(&format!(
                "COPY events ({EVENT_COLUMNS}) FROM STDIN (FORMAT binary)"
            ))?;
            let types = [
                Type::INT8,
                Type::INT8,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
                Type::TEXT,
            ];
            let mut w = BinaryCopyInWriter::new(writer, &types);
            for e in self.events.drain(..) {
                w.write(&[
                    &e.id, &e.time, &e.kind, &e.actor, &e.key_id, &e.details, &e.hash,
                ])?;
            }
            w.finish()?;
        }
        if !self.no_owner.is_empty() {
            let seqs = std::mem::take(&mut self.no_owner);
            self.execute(
                "UPDATE keys SET owner_uid = NULL WHERE seq = ANY($1) AND owner_uid IS NOT NULL",
                &[&seqs],
            )?;
        }
        Ok(())
    }

    /// The prepared statement for `sql`, from the connection's cache.
    fn prep(&mut self, sql: &str) -> Result<Statement> {
        if let Some(s) = self.stmts.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql)?;
        self.stmts.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    fn query_opt(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Option<Row>> {
        let stmt = self.prep(sql)?;
        Ok(self.tx.query_opt(&stmt, params)?)
    }

    /// Every row of `sql` at once (for results bounded by the caller, e.g. [`ANY_BATCH`]).
    fn query(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Vec<Row>> {
        let stmt = self.prep(sql)?;
        Ok(self.tx.query(&stmt, params)?)
    }

    fn query_one(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<Row> {
        let stmt = self.prep(sql)?;
        Ok(self.tx.query_one(&stmt, params)?)
    }

    fn execute(&mut self, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        let stmt = self.prep(sql)?;
        Ok(self.tx.execute(&stmt, params)?)
    }

    /// Streams the rows of `sql` to `each` through a portal, [`CHUNK`] rows at a time.
    fn stream(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        each: &mut dyn FnMut(&Row) -> Result<()>,
    ) -> Result<()> {
        let stmt = self.prep(sql)?;
        let portal = self.tx.bind(&stmt, params)?;
        loop {
            let rows = self.tx.query_portal(&portal, CHUNK)?;
            for row in &rows {
                each(row)?;
            }
            if rows.len() < CHUNK as usize {
                return Ok(());
            }
        }
    }
}

impl Tx for PgTx<'_, '_> {
    fn user(&mut self, name: &str) -> Result<Option<User>> {
        self.query_opt(
            &format!("SELECT {USER_COLUMNS} FROM users WHERE name = $1"),
            &[&name],
        )?
        .map(|r| user_from(&r))
        .transpose()
    }

    fn operator(&mut self, name: &str) -> Result<Option<Operator>> {
        self.query_opt(
            &format!("SELECT {USER_COLUMNS}, uid FROM users WHERE name = $1"),
            &[&name],
        )?
        .map(|r| Ok(Operator::new(r.try_get(6)?, user_from(&r)?)))
        .transpose()
    }

    fn operator_by_uid(&mut self, uid: i64) -> Result<Option<Operator>> {
        self.query_opt(
            &format!("SELECT {USER_COLUMNS}, uid FROM users WHERE uid = $1"),
            &[&uid],
        )?
        .map(|r| Ok(Operator::new(r.try_get(6)?, user_from(&r)?)))
        .transpose()
    }

    fn user_exists(&mut self, name: &str) -> Result<bool> {
        Ok(self
            .query_opt("SELECT 1 FROM users WHERE name = $1", &[&name])?
            .is_some())
    }

    fn users(&mut self) -> Result<Vec<User>> {
        let mut out = Vec::new();
        self.stream(
            &format!("SELECT {USER_COLUMNS} FROM users ORDER BY name COLLATE \"C\""),
            &[],
            &mut |r| {
                out.push(user_from(r)?);
                Ok(())
            },
        )?;
        Ok(out)
    }

    fn insert_user(&mut self, user: &User) -> Result<i64> {
        let row = self.query_one(
            &format!(
                "INSERT INTO users ({USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) RETURNING uid"
            ),
            &[
                &user.name,
                &user.tenant_admin,
                &user.developer,
                &user.licence,
                &user.created,
                &user.auditor,
            ],
        )?;
        Ok(row.try_get(0)?)
    }

    fn set_role(&mut self, name: &str, role: Role, on: bool) -> Result<()> {
        let column = match role {
            Role::TenantAdmin => "tenant_admin",
            Role::Developer => "developer",
            Role::Auditor => "auditor",
        };
        self.execute(
            &format!("UPDATE users SET {column} = $2 WHERE name = $1"),
            &[&name, &on],
        )?;
        Ok(())
    }

    fn set_licence(&mut self, name: &str, on: bool) -> Result<()> {
        self.execute(
            "UPDATE users SET licence = $2 WHERE name = $1",
            &[&name, &on],
        )?;
        Ok(())
    }

    fn delete_user(&mut self, name: &str) -> Result<()> {
        self.execute("DELETE FROM users WHERE name = $1", &[&name])?;
        Ok(())
    }

    fn count_admins(&mut self) -> Result<i64> {
        Ok(self
            .query_one("SELECT count(*) FROM users WHERE tenant_admin", &[])?
            .try_get(0)?)
    }

    fn settings(&mut self) -> Result<Settings> {
        let row = self
            .query_one(
                "SELECT enabled, max_expiry, max_keys_per_user FROM settings WHERE id = 1",
                &[],
            )
            .context("reading settings")?;
        settings_from(&row)
    }

    fn put_settings(&mut self, s: &Settings) -> Result<()> {
        let max_keys = i32::try_from(s.max_keys_per_user).context("max-keys-per-user")?;
        self.execute(
            "UPDATE settings SET enabled = $1, max_expiry = $2, max_keys_per_user = $3 \
             WHERE id = 1",
            &[&s.enabled, &s.max_expiry.secs(), &max_keys],
        )?;
        Ok(())
    }

    fn list_keys(
        &mut self,
        q: &Query,
        owner_uid: Option<i64>,
        now: i64,
        each: &mut dyn FnMut(Key) -> Result<()>,
    ) -> Result<()> {
        let select = format!("SELECT {} FROM keys WHERE true", key_columns());
        let mut kq = KeyQuery::new(select, |n| format!("${n}"), q, owner_uid, now);
        if let Some(term) = &q.search {
            // Each column on its own, so the trigram index of each serves it.
            let n = kq.bind(Arg::Text(like_literal(term)));
            kq.sql.push_str(&format!(
                " AND (name ILIKE {n} ESCAPE '\\' OR id ILIKE {n} ESCAPE '\\' \
                 OR owner ILIKE {n} ESCAPE '\\')"
            ));
        }
        // SQLite orders NULL before every value.
        kq.order(q, sort_sql, "DESC NULLS LAST", "ASC NULLS FIRST");
        if let Some(l) = q.limit {
            let n = kq.bind(Arg::Int(limit_param(l)));
            kq.sql.push_str(&format!(" LIMIT {n}"));
        }
        let args: Vec<Param> = kq.args.into_iter().map(param).collect();
        let sql = kq.sql;
        self.stream(&sql, &refs(&args), &mut |row| each(key_from(row)?))
    }

    fn key(&mut self, id: &str, now: i64) -> Result<Option<(Key, Option<i64>)>> {
        self.query_opt(
            &format!("SELECT {} FROM keys WHERE id = $2", key_columns()),
            &[&now, &id],
        )?
        .map(|r| Ok((key_from(&r)?, r.try_get(10)?)))
        .transpose()
    }

    /// One `SELECT … WHERE id = ANY($2)` per [`ANY_BATCH`] IDs instead of a round trip
    /// per key.
    fn keys_by_ids(&mut self, ids: &[&str], now: i64) -> Result<Vec<Option<OwnedKey>>> {
        let sql = format!("SELECT {} FROM keys WHERE id = ANY($2)", key_columns());
        let mut out = Vec::with_capacity(ids.len());
        for batch in ids.chunks(ANY_BATCH) {
            let mut found: HashMap<String, OwnedKey> = HashMap::with_capacity(batch.len());
            for r in self.query(&sql, &[&now, &batch])? {
                let key = key_from(&r)?;
                let owner: Option<i64> = r.try_get(10)?;
                found.insert(key.id.clone(), (key, owner));
            }
            out.extend(batch.iter().map(|id| found.get(*id).cloned()));
        }
        Ok(out)
    }

    fn credential(&mut self, id: &str) -> Result<Option<Credential>> {
        self.query_opt(
            "SELECT k.hash, k.owner, k.expires, k.revoked, \
                    EXISTS (SELECT 1 FROM users u WHERE u.uid = k.owner_uid) \
             FROM keys k WHERE k.id = $1",
            &[&id],
        )?
        .map(|r| {
            Ok(Credential {
                hash: r.try_get(0)?,
                owner: r.try_get(1)?,
                expires: r.try_get(2)?,
                revoked: r.try_get(3)?,
                owner_registered: r.try_get(4)?,
            })
        })
        .transpose()
    }

    fn insert_key(&mut self, key: &NewKey) -> Result<()> {
        self.execute(
            "INSERT INTO keys (id, hash, name, owner, owner_uid, created, updated, expires) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
            &[
                &key.id,
                &&key.hash[..],
                &key.name,
                &key.owner,
                &key.owner_uid,
                &key.created,
                &key.expires,
            ],
        )?;
        Ok(())
    }

    fn count_active(&mut self, owner_uid: i64, now: i64) -> Result<u32> {
        let n: i64 = self
            .query_one(
                "SELECT count(*) FROM keys WHERE owner_uid = $1 AND revoked IS NULL \
                 AND expires > $2 AND replaced_by IS NULL",
                &[&owner_uid, &now],
            )?
            .try_get(0)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }

    /// One `UPDATE … FROM unnest(…)` for the whole fold.
    fn add_uses(&mut self, uses: &[(String, i64, i64)]) -> Result<()> {
        let ids: Vec<&str> = uses.iter().map(|u| u.0.as_str()).collect();
        let counts: Vec<i64> = uses.iter().map(|u| u.1).collect();
        let lasts: Vec<i64> = uses.iter().map(|u| u.2).collect();
        self.execute(
            "UPDATE keys k SET uses = k.uses + u.n, last_used = greatest(k.last_used, u.t) \
             FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(id, n, t) \
             WHERE k.id = u.id",
            &[&ids, &counts, &lasts],
        )?;
        Ok(())
    }

    /// One `INSERT … SELECT FROM unnest(…)` for the whole batch.
    fn insert_usage(&mut self, uses: &[(&str, &str, i64)]) -> Result<()> {
        if let [(id, owner, time)] = uses {
            self.execute(
                "INSERT INTO usage (key_id, owner, time) VALUES ($1, $2, $3)",
                &[id, owner, time],
            )?;
            return Ok(());
        }
        let ids: Vec<&str> = uses.iter().map(|u| u.0).collect();
        let owners: Vec<&str> = uses.iter().map(|u| u.1).collect();
        let times: Vec<i64> = uses.iter().map(|u| u.2).collect();
        self.execute(
            "INSERT INTO usage (key_id, owner, time) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[])",
            &[&ids, &owners, &times],
        )?;
        Ok(())
    }

    /// Of all keys: from the identity's range (an upper bound: a rolled-back insert
    /// leaves a gap), both ends read from the primary key.
    fn pending_usage(&mut self, key: Option<&str>) -> Result<Pending> {
        let row = match key {
            Some(id) => self.query_one(
                "SELECT count(*), min(time) FROM usage WHERE key_id = $1",
                &[&id],
            )?,
            None => self.query_one(
                "SELECT coalesce(max(seq) - min(seq) + 1, 0), \
                        (SELECT time FROM usage ORDER BY seq LIMIT 1) FROM usage",
                &[],
            )?,
        };
        Ok(Pending {
            rows: row.try_get(0)?,
            oldest: row.try_get(1)?,
        })
    }

    /// `DELETE … RETURNING`: exactly the rows committed before it (READ COMMITTED);
    /// a verification committing meanwhile stays pending for the next fold.
    fn take_usage(&mut self, key: Option<&str>) -> Result<Vec<UsageRow>> {
        let rows = match key {
            Some(id) => self.query(
                "DELETE FROM usage WHERE key_id = $1 RETURNING seq, key_id, owner, time",
                &[&id],
            )?,
            None => self.query("DELETE FROM usage RETURNING seq, key_id, owner, time", &[])?,
        };
        rows.iter().map(usage_from).collect()
    }

    fn set_replaced(&mut self, id: &str, successor: &str, expires: i64, now: i64) -> Result<()> {
        self.execute(
            "UPDATE keys SET replaced_by = $2, expires = $3, updated = $4 WHERE id = $1",
            &[&id, &successor, &expires, &now],
        )?;
        Ok(())
    }

    fn rename_key(&mut self, id: &str, name: &str, now: i64) -> Result<()> {
        self.execute(
            "UPDATE keys SET name = $2, updated = $3 WHERE id = $1",
            &[&id, &name, &now],
        )?;
        Ok(())
    }

    fn revoke_key(&mut self, id: &str, now: i64) -> Result<bool> {
        Ok(self.execute(
            "UPDATE keys SET revoked = $2, updated = $2 \
             WHERE id = $1 AND revoked IS NULL AND expires > $2",
            &[&id, &now],
        )? == 1)
    }

    /// One `UPDATE … WHERE id = ANY($1) … RETURNING id` per [`ANY_BATCH`] IDs, with the
    /// conditions of [`Tx::revoke_key`].
    fn revoke_keys(&mut self, ids: &[&str], now: i64) -> Result<Vec<bool>> {
        let mut out = Vec::with_capacity(ids.len());
        for batch in ids.chunks(ANY_BATCH) {
            let mut changed = std::collections::HashSet::with_capacity(batch.len());
            for r in self.query(
                "UPDATE keys SET revoked = $2, updated = $2 \
                 WHERE id = ANY($1) AND revoked IS NULL AND expires > $2 RETURNING id",
                &[&batch, &now],
            )? {
                changed.insert(r.try_get::<_, String>(0)?);
            }
            // Only a repeated ID's first occurrence changed it, as one by one.
            out.extend(batch.iter().map(|id| changed.remove(*id)));
        }
        Ok(out)
    }

    fn active_ids_of(&mut self, owner_uid: i64, now: i64) -> Result<Vec<String>> {
        let mut ids = Vec::new();
        self.stream(
            "SELECT id FROM keys WHERE owner_uid = $1 AND revoked IS NULL AND expires > $2 \
             ORDER BY id COLLATE \"C\"",
            &[&owner_uid, &now],
            &mut |r| {
                ids.push(r.try_get(0)?);
                Ok(())
            },
        )?;
        Ok(ids)
    }

    fn delete_key(&mut self, id: &str) -> Result<()> {
        self.execute("DELETE FROM keys WHERE id = $1", &[&id])?;
        Ok(())
    }

    /// One `DELETE … WHERE id = ANY($1)` per [`ANY_BATCH`] IDs.
    fn delete_keys(&mut self, ids: &[&str]) -> Result<()> {
        for batch in ids.chunks(ANY_BATCH) {
            self.execute("DELETE FROM keys WHERE id = ANY($1)", &[&batch])?;
        }
        Ok(())
    }

    fn head(&mut self) -> Result<Option<(i64, String)>> {
        self.flush()?;
        self.query_opt("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", &[])?
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
            .transpose()
    }

    fn insert_event(&mut self, e: &Event) -> Result<()> {
        self.events.push(e.clone());
        if self.events.len() >= COPY_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn event(&mut self, id: i64) -> Result<Option<Event>> {
        self.flush()?;
        self.query_opt(
            &format!("SELECT {EVENT_COLUMNS} FROM events WHERE id = $1"),
            &[&id],
        )?
        .map(|r| event_from(&r))
        .transpose()
    }

    fn list_events(&mut self, f: &Filter, each: &mut dyn FnMut(Event) -> Result<()>) -> Result<()> {
        self.flush()?;
        let (filter, mut args) = filter_sql(f);
        let mut sql = format!("SELECT {EVENT_COLUMNS} FROM events{filter} ORDER BY id DESC");
        if let Some(l) = f.limit {
            args.push(Box::new(limit_param(l)));
            sql.push_str(&format!(" LIMIT ${}", args.len()));
        }
        self.stream(&sql, &refs(&args), &mut |r| each(event_from(r)?))
    }

    fn list_events_between(
        &mut self,
        f: &Filter,
        after: i64,
        upto: i64,
        each: &mut dyn FnMut(Event) -> Result<()>,
    ) -> Result<()> {
        self.flush()?;
        let (filter, mut args) = filter_sql(f);
        args.push(Box::new(after));
        args.push(Box::new(upto));
        let n = args.len();
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM events{filter} AND id > ${} AND id <= ${n} ORDER BY id",
            n - 1
        );
        self.stream(&sql, &refs(&args), &mut |r| each(event_from(r)?))
    }

    fn events_in_order(&mut self, each: &mut dyn FnMut(Event) -> Result<()>) -> Result<()> {
        self.flush()?;
        self.stream(
            &format!("SELECT {EVENT_COLUMNS} FROM events ORDER BY id"),
            &[],
            &mut |r| each(event_from(r)?),
        )
    }

    fn top(&mut self, since: i64, limit: u64) -> Result<Vec<TopRow>> {
        self.flush()?;
        let mut out = Vec::new();
        self.stream(
            &format!(
            "WITH counts AS ( \
                 SELECT key_id, \
                        coalesce(sum({USES_OF_EVENT}) FILTER (WHERE type = 'api-key.used'), 0)::bigint \
                            AS uses, \
                        count(*) FILTER (WHERE type = 'api-key.rejected') AS rejected \
                 FROM events \
                 WHERE type IN ('api-key.used', 'api-key.rejected') AND time >= $1 \
                   AND key_id IS NOT NULL \
                 GROUP BY key_id) \
             SELECT c.key_id, k.name, k.owner, c.uses, c.rejected \
             FROM counts c LEFT JOIN keys k ON k.id = c.key_id \
             ORDER BY c.uses DESC, c.rejected DESC, c.key_id COLLATE \"C\" \
             LIMIT $2"
            ),
            &[&since, &limit_param(limit)],
            &mut |r| {
                out.push(TopRow {
                    key_id: r.try_get(0)?,
                    name: r.try_get(1)?,
                    owner: r.try_get(2)?,
                    uses: r.try_get(3)?,
                    rejected: r.try_get(4)?,
                });
                Ok(())
            },
        )?;
        Ok(out)
    }

    /// Every key by ID (byte order, as SQLite) with the log's per-key counts: one scan
    /// of the events grouped by key, joined to the keys; the server sorts and hashes
    /// within its `work_mem` and spills beyond it, and the rows come through a portal,
    /// so the client's memory stays flat.
    fn keys_against_log(
        &mut self,
        each: &mut dyn FnMut(KeyAgainstLog) -> Result<()>,
    ) -> Result<()> {
        self.flush()?;
        self.stream(
            &format!(
            "SELECT k.id, k.revoked IS NOT NULL, k.uses, \
                    coalesce(c.generated, 0), coalesce(c.revocations, 0), coalesce(c.used, 0) \
             FROM keys k LEFT JOIN ( \
                 SELECT key_id, \
                        count(*) FILTER (WHERE type = 'api-key.generated') AS generated, \
                        count(*) FILTER (WHERE type = 'api-key.revoked') AS revocations, \
                        coalesce(sum({USES_OF_EVENT}) FILTER (WHERE type = 'api-key.used'), 0)::bigint \
                            AS used \
                 FROM events WHERE key_id IS NOT NULL GROUP BY key_id) c ON c.key_id = k.id \
             ORDER BY k.id COLLATE \"C\""
            ),
            &[],
            &mut |r| {
                let id: String = r.try_get(0)?;
                let damaged = || format!("key {id} is damaged: a value cannot be read");
                each(KeyAgainstLog {
                    revoked: r.try_get(1).with_context(damaged)?,
                    uses: r.try_get(2).with_context(damaged)?,
                    generated: r.try_get(3)?,
                    revocations: r.try_get(4)?,
                    used: r.try_get(5)?,
                    id,
                })
            },
        )
    }

    fn each_usage_row(&mut self, each: &mut dyn FnMut(UsageRow) -> Result<()>) -> Result<()> {
        self.stream(
            "SELECT seq, key_id, owner, time FROM usage ORDER BY seq",
            &[],
            &mut |r| each(usage_from(r)?),
        )
    }

    /// Keeps the row's order, not its number (the identity gives a new one).
    fn put_usage_row(&mut self, row: &UsageRow) -> Result<()> {
        self.flush()?;
        self.insert_usage(&[(&row.key_id, &row.owner, row.time)])
    }

    fn each_user_row(&mut self, each: &mut dyn FnMut(UserRow) -> Result<()>) -> Result<()> {
        self.stream(
            &format!("SELECT {USER_COLUMNS}, uid FROM users ORDER BY uid"),
            &[],
            &mut |r| {
                each(UserRow {
                    uid: r.try_get(6)?,
                    user: user_from(r)?,
                })
            },
        )
    }

    fn each_key_row(&mut self, each: &mut dyn FnMut(KeyRow) -> Result<()>) -> Result<()> {
        self.flush()?;
        self.stream(
            &format!("SELECT {KEY_ROW_COLUMNS} FROM keys ORDER BY seq"),
            &[],
            &mut |r| {
                each(KeyRow {
                    seq: r.try_get(0)?,
                    id: r.try_get(1)?,
                    hash: r.try_get(2)?,
                    name: r.try_get(3)?,
                    owner: r.try_get(4)?,
                    owner_uid: r.try_get(5)?,
                    created: r.try_get(6)?,
                    updated: r.try_get(7)?,
                    expires: r.try_get(8)?,
                    revoked: r.try_get(9)?,
                    last_used: r.try_get(10)?,
                    uses: r.try_get(11)?,
                    replaced_by: r.try_get(12)?,
                })
            },
        )
    }

    fn put_user_row(&mut self, row: &UserRow) -> Result<()> {
        let u = &row.user;
        self.execute(
            &format!(
                "INSERT INTO users ({USER_COLUMNS}, uid) OVERRIDING SYSTEM VALUE \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)"
            ),
            &[
                &u.name,
                &u.tenant_admin,
                &u.developer,
                &u.licence,
                &u.created,
                &u.auditor,
                &row.uid,
            ],
        )?;
        Ok(())
    }

    /// Stores a key row exactly (sent with the next `COPY`). The schema's trigger fills
    /// a NULL `owner_uid` from the owner's name (for rows inserted by hand); a copied
    /// key of no recorded identity must stay so (it is nobody's own), so its NULL is put
    /// back after the `COPY` (the guard trigger allows changing `owner_uid`).
    fn put_key_row(&mut self, k: &KeyRow) -> Result<()> {
        if k.owner_uid.is_none() {
            self.no_owner.push(k.seq);
        }
        self.keys.push(k.clone());
        if self.keys.len() >= COPY_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    /// Moves the identity sequences past every copied value: `uid` past the users'
    /// and past every key's `owner_uid` (a removed user's identity must never be
    /// handed to a new user, who would then own those keys), `seq` past the keys'.
    fn finish_copy(&mut self) -> Result<()> {
        self.flush()?;
        self.query_one(
            "SELECT setval(pg_get_serial_sequence('users', 'uid'), \
                 greatest((SELECT max(uid) FROM users), (SELECT max(owner_uid) FROM keys), 0) + 1, \
                 false), \
             setval(pg_get_serial_sequence('keys', 'seq'), \
                 coalesce((SELECT max(seq) FROM keys), 0) + 1, false)",
            &[],
        )?;
        Ok(())
    }
}

const KEY_ROW_COLUMNS: &str = "seq, id, hash, name, owner, owner_uid, created, updated, \
                               expires, revoked, last_used, uses, replaced_by";
