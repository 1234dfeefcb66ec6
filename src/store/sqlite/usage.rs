//! Pending usage (docs/USAGE.md): one row per successful verification, appended to a
//! table without secondary indexes so that a commit touches one page, and folded into
//! `keys` and the log in batches.

use crate::store::api::{Pending, UsageRow};
use anyhow::Result;
use rusqlite::{Connection, params};

/// Appends one row per use.
pub fn insert(conn: &Connection, uses: &[(&str, &str, i64)]) -> Result<()> {
    let mut stmt =
        conn.prepare_cached("INSERT INTO usage (key_id, owner, time) VALUES (?1, ?2, ?3)")?;
    for (id, owner, time) in uses {
        stmt.execute(params![id, owner, time])?;
    }
    Ok(())
}

/// What is pending, of one key (a scan of the small table) or of all (from the rowids:
/// the table is only appended to and emptied, so max − min + 1 is its size).
pub fn pending(conn: &Connection, key: Option<&str>) -> Result<Pending> {
    let (rows, oldest) = match key {
        Some(id) => conn
            .prepare_cached("SELECT count(*), min(time) FROM usage WHERE key_id = ?1")?
            .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))?,
        None => conn
            .prepare_cached(
                "SELECT coalesce(max(seq) - min(seq) + 1, 0), \
                        (SELECT time FROM usage ORDER BY seq LIMIT 1) FROM usage",
            )?
            .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?,
    };
    Ok(Pending { rows, oldest })
}

/// Deletes and returns the pending rows, of one key or all.
pub fn take(conn: &Connection, key: Option<&str>) -> Result<Vec<UsageRow>> {
    const COLUMNS: &str = "seq, key_id, owner, time";
    let mut stmt = match key {
        Some(_) => conn.prepare_cached(&format!(
            "DELETE FROM usage WHERE key_id = ?1 RETURNING {COLUMNS}"
        ))?,
        None => conn.prepare_cached(&format!("DELETE FROM usage RETURNING {COLUMNS}"))?,
    };
    let rows = match key {
        Some(id) => stmt.query_map(params![id], row)?,
        None => stmt.query_map([], row)?,
    };
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<UsageRow> {
    Ok(UsageRow {
        seq: r.get(0)?,
        key_id: r.get(1)?,
        owner: r.get(2)?,
        time: r.get(3)?,
    })
}

/// Adds folded usage to keys.
pub fn add_to_keys(conn: &Connection, uses: &[(String, i64, i64)]) -> Result<()> {
    let mut stmt = conn.prepare_cached(
        "UPDATE keys SET uses = uses + ?2, last_used = max(coalesce(last_used, ?3), ?3) \
         WHERE id = ?1",
    )?;
    for (id, n, last) in uses {
        stmt.execute(params![id, n, last])?;
    }
    Ok(())
}

/// Streams every pending row, by seq (for `copy`).
pub fn each_row(conn: &Connection, each: &mut dyn FnMut(UsageRow) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare("SELECT seq, key_id, owner, time FROM usage ORDER BY seq")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        each(row(r)?)?;
    }
    Ok(())
}

/// Stores a pending row exactly (for `copy`).
pub fn put_row(conn: &Connection, row: &UsageRow) -> Result<()> {
    conn.prepare_cached("INSERT INTO usage (seq, key_id, owner, time) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![row.seq, row.key_id, row.owner, row.time])?;
    Ok(())
}
