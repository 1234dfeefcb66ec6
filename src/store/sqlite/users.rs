//! SQL for the `users` table.

use crate::model::{Operator, Role, User};
use crate::store::api::UserRow;
use anyhow::Result;
use rusqlite::{Connection, OptionalExtension, Row, params};

const COLUMNS: &str = "name, tenant_admin, developer, licence, created, auditor";

fn from_row(row: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        name: row.get(0)?,
        tenant_admin: row.get(1)?,
        developer: row.get(2)?,
        licence: row.get(3)?,
        created: row.get(4)?,
        auditor: row.get(5)?,
    })
}

/// The user called `name`, if registered.
pub fn get(conn: &Connection, name: &str) -> rusqlite::Result<Option<User>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users WHERE name = ?1"))?
        .query_row([name], from_row)
        .optional()
}

/// The user called `name`, with their identity, as an operator.
pub fn operator(conn: &Connection, name: &str) -> rusqlite::Result<Option<Operator>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS}, uid FROM users WHERE name = ?1"))?
        .query_row([name], |r| Ok(Operator::new(r.get(6)?, from_row(r)?)))
        .optional()
}

/// The user with identity `uid`, as an operator, if still registered.
pub fn operator_by_uid(conn: &Connection, uid: i64) -> rusqlite::Result<Option<Operator>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS}, uid FROM users WHERE uid = ?1"))?
        .query_row([uid], |r| Ok(Operator::new(r.get(6)?, from_row(r)?)))
        .optional()
}

/// Whether a user called `name` is registered.
pub fn exists(conn: &Connection, name: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM users WHERE name = ?1")?
        .exists([name])
}

/// All users, by name.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<User>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM users ORDER BY name"))?
        .query_map([], from_row)?
        .collect()
}

/// Registers a new user; returns its identity.
pub fn insert(conn: &Connection, user: &User) -> rusqlite::Result<i64> {
    conn.prepare_cached(&format!(
        "INSERT INTO users ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    ))?
    .execute(params![
        user.name,
        user.tenant_admin,
        user.developer,
        user.licence,
        user.created,
        user.auditor
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Gives or takes `role`.
pub fn set_role(conn: &Connection, name: &str, role: Role, on: bool) -> rusqlite::Result<()> {
    let column = match role {
        Role::TenantAdmin => "tenant_admin",
        Role::Developer => "developer",
        Role::Auditor => "auditor",
    };
    conn.prepare_cached(&format!("UPDATE users SET {column} = ?2 WHERE name = ?1"))?
        .execute(params![name, on])?;
    Ok(())
}

/// Gives or takes the licence.
pub fn set_licence(conn: &Connection, name: &str, on: bool) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE users SET licence = ?2 WHERE name = ?1")?
        .execute(params![name, on])?;
    Ok(())
}

/// Removes a user.
pub fn delete(conn: &Connection, name: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM users WHERE name = ?1")?
        .execute([name])?;
    Ok(())
}

/// How many users hold the tenant-admin role.
pub fn count_admins(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM users WHERE tenant_admin = 1")?
        .query_row([], |r| r.get(0))
}

/// Streams every user row with its identity, by identity (for `copy`).
pub fn each_row(conn: &Connection, each: &mut dyn FnMut(UserRow) -> Result<()>) -> Result<()> {
    let mut stmt = conn.prepare(&format!("SELECT {COLUMNS}, uid FROM users ORDER BY uid"))?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        each(UserRow {
            uid: row.get(6)?,
            user: from_row(row)?,
        })?;
    }
    Ok(())
}

/// Stores a user row exactly, its identity kept (AUTOINCREMENT moves past it).
pub fn put_row(conn: &Connection, row: &UserRow) -> Result<()> {
    let u = &row.user;
    conn.prepare_cached(&format!(
        "INSERT INTO users ({COLUMNS}, uid) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    ))?
    .execute(params![
        u.name,
        u.tenant_admin,
        u.developer,
        u.licence,
        u.created,
        u.auditor,
        row.uid
    ])?;
    Ok(())
}

/// Ends a copy: moves the uid sequence past every identity the copy holds, the owners of
/// keys included. The source's newest identities may belong to removed users whose keys
/// stay; a user added to the copy must never get one of them (and with it their keys).
pub fn finish_copy(conn: &Connection) -> Result<()> {
    conn.execute(
        "UPDATE sqlite_sequence SET seq = max(seq, \
             (SELECT ifnull(max(uid), 0) FROM users), \
             (SELECT ifnull(max(owner_uid), 0) FROM keys)) \
         WHERE name = 'users'",
        [],
    )?;
    Ok(())
}
