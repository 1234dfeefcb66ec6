//! SQL for the append-only, hash-chained `events` table.

use crate::error::{Code, fail};
use crate::model::Event;
use crate::store::api::{Filter, KeyAgainstLog, TopRow};
use crate::store::query::event_filter;
use anyhow::Result;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, params, params_from_iter};

/// Appends one event exactly as given (its ID and hash computed by the caller).
pub fn insert(conn: &Connection, e: &Event) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO events (id, time, type, actor, key_id, details, hash) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        e.id, e.time, e.kind, e.actor, e.key_id, e.details, e.hash
    ])?;
    Ok(())
}

const COLUMNS: &str = "id, time, type, actor, key_id, details, hash";

/// Reads one event; a stored value of the wrong type (the file changed by other means)
/// is an error that names the event, never the driver's "invalid column type".
fn from_row(row: &Row<'_>) -> Result<Event> {
    let id: i64 = row.get(0)?;
    let field = |i: usize, name: &'static str| {
        let found = row.get_ref(i).map(|v| v.data_type().to_string());
        move |_| {
            fail(
                Code::Runtime,
                format!(
                    "event {id} is damaged: its {name} holds a value of the wrong type ({}); \
                     the file was changed by other means than keyctl",
                    found.as_deref().unwrap_or("unreadable")
                ),
            )
        }
    };
    Ok(Event {
        id,
        time: row.get(1).map_err(field(1, "time"))?,
        kind: row.get(2).map_err(field(2, "type"))?,
        actor: row.get(3).map_err(field(3, "actor"))?,
        key_id: row.get(4).map_err(field(4, "key_id"))?,
        details: row.get(5).map_err(field(5, "details"))?,
        hash: row.get(6).map_err(field(6, "hash"))?,
    })
}

/// The newest event's ID and hash.
pub fn head(conn: &Connection) -> Result<Option<(i64, String)>> {
    Ok(conn
        .prepare_cached("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// One event by ID.
pub fn get(conn: &Connection, id: i64) -> Result<Option<Event>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM events WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    rows.next()?.map(from_row).transpose()
}

/// The `WHERE` clause of `f` (without its limit) and its arguments.
fn filter_sql(f: &Filter) -> (String, Vec<Value>) {
    let (sql, args) = event_filter(f, "1", |n| format!("?{n}"));
    (sql, args.into_iter().map(super::keys::value).collect())
}

/// Streams matching events, newest first, to `each`.
pub fn list(
    conn: &Connection,
    f: &Filter,
    each: &mut dyn FnMut(Event) -> Result<()>,
) -> Result<()> {
    let (filter, args) = filter_sql(f);
    let mut sql = format!("SELECT {COLUMNS} FROM events{filter}");
    sql.push_str(" ORDER BY id DESC");
    if let Some(l) = f.limit {
        sql.push_str(&format!(" LIMIT {l}"));
    }
    stream(conn, &sql, args, each)
}

/// Streams the events matching `f` (its limit aside) with `after < id <= upto`, oldest
/// first, to `each` (for `events --follow`).
pub fn list_between(
    conn: &Connection,
    f: &Filter,
    after: i64,
    upto: i64,
    each: &mut dyn FnMut(Event) -> Result<()>,
) -> Result<()> {
    let (filter, mut args) = filter_sql(f);
    args.push(Value::Integer(after));
    args.push(Value::Integer(upto));
    let n = args.len();
    let sql = format!(
        "SELECT {COLUMNS} FROM events{filter} AND id > ?{} AND id <= ?{n} ORDER BY id",
        n - 1
    );
    stream(conn, &sql, args, each)
}

/// Runs the event query `sql` with `args` and passes each event to `each`.
fn stream(
    conn: &Connection,
    sql: &str,
    args: Vec<Value>,
    each: &mut dyn FnMut(Event) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params_from_iter(args))?;
    while let Some(row) = rows.next()? {
        each(from_row(row)?)?;
    }
    Ok(())
}

/// Streams every event in chain order (oldest first) to `each`.
pub fn for_each_in_order(
    conn: &Connection,
    each: &mut dyn FnMut(Event) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS} FROM events ORDER BY id"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        each(from_row(row)?)?;
    }
    Ok(())
}

/// Keys ranked by successful uses since `since`, then by rejections.
pub fn top(conn: &Connection, since: i64, limit: u64) -> Result<Vec<TopRow>> {
    let mut stmt = conn.prepare_cached(
        "WITH counts AS ( \
             SELECT key_id, \
                    sum(CASE WHEN type = 'api-key.used' \
                        THEN coalesce(CASE WHEN json_valid(details) THEN json_extract(details, '$.uses') END, 1) ELSE 0 END) AS uses, \
                    sum(type = 'api-key.rejected') AS rejected \
             FROM events \
             WHERE type IN ('api-key.used', 'api-key.rejected') AND time >= ?1 \
               AND key_id IS NOT NULL \
             GROUP BY key_id) \
         SELECT c.key_id, k.name, k.owner, c.uses, c.rejected \
         FROM counts c LEFT JOIN keys k ON k.id = c.key_id \
         ORDER BY c.uses DESC, c.rejected DESC, c.key_id \
         LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![since, limit as i64], |r| {
        Ok(TopRow {
            key_id: r.get(0)?,
            name: r.get(1)?,
            owner: r.get(2)?,
            uses: r.get(3)?,
            rejected: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Streams every key, by ID, with what the log records about it. Flat in memory: the
/// keys in ID order are merged with the events' per-key counts in key-ID order. The
/// counts come from one scan of the events grouped in a temporary b-tree (about 4×
/// faster at 5M events than walking `events_key` with a row lookup for each event's
/// type; the sorter spills to temporary files, so memory stays flat: 9 MB at 1M keys
/// and 5M events).
pub fn keys_against_log(
    conn: &Connection,
    each: &mut dyn FnMut(KeyAgainstLog) -> Result<()>,
) -> Result<()> {
    let mut keys = conn.prepare("SELECT id, revoked IS NOT NULL, uses FROM keys ORDER BY id")?;
    let mut counts = conn.prepare(
        "SELECT key_id, \
                sum(type = 'api-key.generated'), \
                sum(type = 'api-key.revoked'), \
                sum(CASE WHEN type = 'api-key.used' \
                    THEN coalesce(CASE WHEN json_valid(details) THEN json_extract(details, '$.uses') END, 1) ELSE 0 END) \
         FROM events NOT INDEXED WHERE key_id IS NOT NULL \
         GROUP BY key_id ORDER BY key_id",
    )?;
    let mut keys = keys.query([])?;
    let mut counts = counts.query([])?;
    let read_count = |row: &Row<'_>| -> rusqlite::Result<(String, i64, i64, i64)> {
        Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
    };
    let mut count = counts.next()?.map(read_count).transpose()?;
    while let Some(row) = keys.next()? {
        let id: String = row.get(0)?;
        let uses: i64 = row.get(2).map_err(|_| {
            fail(
                Code::Runtime,
                format!("key {id} is damaged: its uses holds a value of the wrong type"),
            )
        })?;
        let mut found = (0, 0, 0);
        while let Some((key_id, generated, revoked, used)) = &count {
            match key_id.as_str().cmp(id.as_str()) {
                std::cmp::Ordering::Less => {}
                std::cmp::Ordering::Equal => found = (*generated, *revoked, *used),
                std::cmp::Ordering::Greater => break,
            }
            count = counts.next()?.map(read_count).transpose()?;
        }
        each(KeyAgainstLog {
            id,
            revoked: row.get(1)?,
            uses,
            generated: found.0,
            revocations: found.1,
            used: found.2,
        })?;
    }
    Ok(())
}
