//! SQL for the `keys` table and its search index.

use crate::model::{Key, Status};
use crate::store::api::{Credential, KeyRow, NewKey, Query, SortField};
use crate::store::query::{Arg, KeyQuery, like_literal};
use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

/// The SQL expression of a sort column.
fn sort_sql(field: SortField) -> &'static str {
    match field {
        SortField::Status => STATUS_RANK,
        SortField::LastUsed => "last_used",
        // The other columns are stored under the name `--sort` gives them.
        other => other.as_str(),
    }
}

/// Ranks statuses in their natural (and alphabetical) order: active, expired, revoked.
const STATUS_RANK: &str =
    "(CASE WHEN revoked IS NOT NULL THEN 2 WHEN expires <= ?1 THEN 1 ELSE 0 END)";

/// The columns of a [`Key`], then its owner's identity; the status is derived in SQL
/// from `?1`, the time "now".
fn columns() -> String {
    format!(
        "id, name, owner, {STATUS_RANK}, created, updated, expires, last_used, uses, \
         replaced_by, owner_uid"
    )
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<Key> {
    let status = match row.get::<_, i64>(3)? {
        0 => Status::Active,
        1 => Status::Expired,
        _ => Status::Revoked,
    };
    Ok(Key {
        id: row.get(0)?,
        name: row.get(1)?,
        owner: row.get(2)?,
        status,
        created: row.get(4)?,
        updated: row.get(5)?,
        expires: row.get(6)?,
        last_used: row.get(7)?,
        uses: row.get(8)?,
        replaced_by: row.get(9)?,
    })
}

/// A neutral argument as a SQLite value.
pub(super) fn value(a: Arg) -> Value {
    match a {
        Arg::Int(i) => Value::Integer(i),
        Arg::Text(t) => Value::Text(t),
    }
}

/// Streams the keys matching `q` (and owned by the identity `owner_uid`, when given) to
/// `each`, evaluated at time `now`.
pub fn list(
    conn: &Connection,
    q: &Query,
    owner_uid: Option<i64>,
    now: i64,
    each: &mut dyn FnMut(Key) -> Result<()>,
) -> Result<()> {
    let mut fold_filter: Option<String> = None;
    let select = format!("SELECT {} FROM keys WHERE 1", columns());
    let mut kq = KeyQuery::new(select, |n| format!("?{n}"), q, owner_uid, now);
    if let Some(term) = &q.search {
        if term.chars().count() >= 3 {
            // The trigram index answers substring queries without a scan; a phrase of
            // the whole term matches it as a contiguous substring, case-insensitively.
            let n = kq.bind(Arg::Text(format!("\"{}\"", term.replace('"', "\"\""))));
            kq.sql.push_str(&format!(
                " AND seq IN (SELECT rowid FROM keys_search WHERE keys_search MATCH {n})"
            ));
        } else if !term.is_ascii() {
            // SQLite's LIKE folds ASCII case only; a short non-ASCII term (which no
            // index can serve anyway) is matched below, in Rust.
            fold_filter = Some(term.to_lowercase());
        } else {
            let n = kq.bind(Arg::Text(like_literal(term)));
            kq.sql.push_str(&format!(
                " AND (name LIKE {n} ESCAPE '\\' OR id LIKE {n} ESCAPE '\\' OR owner LIKE {n} ESCAPE '\\')"
            ));
        }
    }
    kq.order(q, sort_sql, "DESC", "ASC");
    if let Some(l) = q.limit
        && fold_filter.is_none()
    {
        kq.sql.push_str(&format!(" LIMIT {l}"));
    }
    let args = kq.args.into_iter().map(value);
    let sql = kq.sql;
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    let mut left = q.limit;
    while let Some(row) = rows.next()? {
        let key = from_row(row)?;
        if let Some(t) = &fold_filter {
            if ![&key.name, &key.id, &key.owner]
                .iter()
                .any(|f| f.to_lowercase().contains(t.as_str()))
            {
                continue;
            }
            match left {
                Some(0) => break,
                Some(n) => left = Some(n - 1),
                None => {}
            }
        }
        each(key)?;
    }
    Ok(())
}

/// One key by ID, with its owner's identity (none for a key whose owner was removed
/// before identities were recorded).
pub fn get_owned(conn: &Connection, id: &str, now: i64) -> Result<Option<(Key, Option<i64>)>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {} FROM keys WHERE id = ?2", columns()))?
        .query_row(params![now, id], |r| Ok((from_row(r)?, r.get(10)?)))
        .optional()?)
}

/// The credential of key `id`, if it exists.
pub fn credential(conn: &Connection, id: &str) -> Result<Option<Credential>> {
    Ok(conn
        .prepare_cached(
            "SELECT k.hash, k.owner, k.expires, k.revoked, \
                    EXISTS (SELECT 1 FROM users u WHERE u.uid = k.owner_uid) \
             FROM keys k WHERE k.id = ?1",
        )?
        .query_row([id], |r| {
            Ok(Credential {
                hash: r.get(0)?,
                owner: r.get(1)?,
                expires: r.get(2)?,
                revoked: r.get(3)?,
                owner_registered: r.get(4)?,
            })
        })
        .optional()?)
}

/// Stores a new key.
pub fn insert(conn: &Connection, key: &NewKey) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO keys (id, hash, name, owner, owner_uid, created, updated, expires) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7)",
    )?
    .execute(params![
        key.id,
        &key.hash[..],
        key.name,
        key.owner,
        key.owner_uid,
        key.created,
        key.expires
    ])?;
    Ok(())
}

/// How many active keys the identity `owner_uid` has at time `now` that count toward
/// the key limit: a key already replaced by rotation (still active for its grace
/// period) does not.
pub fn count_active(conn: &Connection, owner_uid: i64, now: i64) -> Result<u32> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM keys WHERE owner_uid = ?1 AND revoked IS NULL AND expires > ?2 \
             AND replaced_by IS NULL",
        )?
        .query_row(params![owner_uid, now], |r| r.get(0))?)
}

/// Marks key `id` as replaced by `successor` and moves its expiry to `expires`.
pub fn set_replaced(
    conn: &Connection,
    id: &str,
    successor: &str,
    expires: i64,
    now: i64,
) -> Result<()> {
    conn.prepare_cached(
        "UPDATE keys SET replaced_by = ?2, expires = ?3, updated = ?4 WHERE id = ?1",
    )?
    .execute(params![id, successor, expires, now])?;
    Ok(())
}

/// Renames a key.
pub fn rename(conn: &Connection, id: &str, name: &str, now: i64) -> Result<()> {
    conn.prepare_cached("UPDATE keys SET name = ?2, updated = ?3 WHERE id = ?1")?
        .execute(params![id, name, now])?;
    Ok(())
}

/// Revokes a key if it is active; returns whether it changed.
pub fn revoke(conn: &Connection, id: &str, now: i64) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE keys SET revoked = ?2, updated = ?2 \
             WHERE id = ?1 AND revoked IS NULL AND expires > ?2",
        )?
        .execute(params![id, now])?
        == 1)
}

/// The active keys of the identity `owner_uid` at `now`, by ID.
pub fn active_ids_of(conn: &Connection, owner_uid: i64, now: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id FROM keys WHERE owner_uid = ?1 AND revoked IS NULL AND expires > ?2 \
         ORDER BY id",
    )?;
    let ids = stmt.query_map(params![owner_uid, now], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// Deletes a key.
pub fn delete(conn: &Connection, id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM keys WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

const ROW_COLUMNS: &str = "seq, id, hash, name, owner, owner_uid, created, updated, expires, \
                           revoked, last_used, uses, replaced_by";

/// Streams every key row exactly as stored, by seq (for `copy`).
pub fn each_row(conn: &Connection, each: &mut dyn FnMut(KeyRow) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT {ROW_COLUMNS} FROM keys ORDER BY seq"))?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(KeyRow {
            seq: r.get(0)?,
            id: r.get(1)?,
            hash: r.get(2)?,
            name: r.get(3)?,
            owner: r.get(4)?,
            owner_uid: r.get(5)?,
            created: r.get(6)?,
            updated: r.get(7)?,
            expires: r.get(8)?,
            revoked: r.get(9)?,
            last_used: r.get(10)?,
            uses: r.get(11)?,
            replaced_by: r.get(12)?,
        })?;
    }
    Ok(())
}

/// Stores a key row exactly, its seq kept.
pub fn put_row(conn: &Connection, k: &KeyRow) -> Result<()> {
    conn.prepare_cached(&format!(
        "INSERT INTO keys ({ROW_COLUMNS}) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
    ))?
    .execute(params![
        k.seq,
        k.id,
        k.hash,
        k.name,
        k.owner,
        k.owner_uid,
        k.created,
        k.updated,
        k.expires,
        k.revoked,
        k.last_used,
        k.uses,
        k.replaced_by
    ])?;
    if k.owner_uid.is_none() {
        // Schema 2's trigger `keys_owner_uid_default` gives a key inserted without an
        // owner identity its owner name's current uid. A copied key of no recorded
        // identity (its owner removed before identities existed) must stay nobody's:
        // given to a later user of the same name, it would become theirs. No trigger
        // guards `owner_uid`, so the row is put back exactly as it was read.
        conn.prepare_cached("UPDATE keys SET owner_uid = NULL WHERE seq = ?1")?
            .execute([k.seq])?;
    }
    Ok(())
}
