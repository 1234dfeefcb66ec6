//! The schema, its append-only triggers, `init`/`check` and the tenant write lock,
//! against a fresh database per test on `KEYCTL_TEST_POSTGRES` (skipped without it).

use super::testdb::PgDb;
use super::*;
use crate::error::code_of;
use std::time::{Duration, Instant};

/// A fresh database, its URL's target and a connected keyctl client; `None` skips.
fn fresh() -> Option<(PgDb, Target, Client)> {
    let db = PgDb::new()?;
    let params = parse(&db.url).unwrap();
    let client = params.connect().unwrap();
    Some((db, params.target, client))
}

fn tenant() -> Option<(PgDb, Target, Client)> {
    let (db, target, mut client) = fresh()?;
    schema::init(&mut client, &target, |tx| {
        tx.batch_execute(
            "INSERT INTO users (name, tenant_admin, developer, licence, created) \
             VALUES ('admin', true, true, true, 1);
             INSERT INTO keys (id, hash, name, owner, created, updated, expires) \
             VALUES ('k1', decode(repeat('ab', 32), 'hex'), 'ci deploy', 'admin', 1, 1, 9999999999);
             INSERT INTO events (id, time, type, actor, key_id, details, hash) \
             VALUES (1, 1, 'api-key.generated', 'admin', 'k1', '{}', 'h1')",
        )?;
        Ok(())
    })
    .unwrap();
    Some((db, target, client))
}

/// The one value `sql` selects.
fn value<T: for<'a> postgres::types::FromSql<'a>>(
    c: &mut impl postgres::GenericClient,
    sql: &str,
) -> T {
    c.query_one(sql, &[]).unwrap().get(0)
}

/// Runs `sql` expecting the trigger (or constraint) to refuse it with `message`.
fn refused(client: &mut Client, sql: &str, message: &str) {
    let err = client
        .batch_execute(sql)
        .expect_err(&format!("should be refused: {sql}"));
    let db = err.as_db_error().unwrap_or_else(|| panic!("{sql}: {err}"));
    assert!(db.message().contains(message), "{sql}: {}", db.message());
}

#[test]
fn init_creates_version_3_with_owner_uid_default() {
    let Some((_db, target, mut c)) = tenant() else {
        return;
    };
    schema::check(&mut c, &target).unwrap();
    let v: i32 = value(&mut c, "SELECT schema_version FROM keyctl_meta");
    assert_eq!(v as u32, schema::LATEST);
    assert_eq!(schema::LATEST, crate::store::sqlite::schema::LATEST.max(3));
    let uid: Option<i64> = value(&mut c, "SELECT owner_uid FROM keys WHERE id = 'k1'");
    assert!(uid.is_some(), "owner_uid defaults to the owner's uid");
    refused(
        &mut c,
        "INSERT INTO keys (id, hash, name, owner, created, updated, expires) \
         VALUES ('k2', '\\x00', 'x', 'admin', 1, 1, 2)",
        "keys_hash_check",
    );
    refused(
        &mut c,
        "INSERT INTO keyctl_meta (only_row, schema_version) VALUES (false, 3)",
        "keyctl_meta_only_row_check",
    );
}

#[test]
fn events_refuse_update_delete_truncate_and_upsert() {
    let Some((_db, _target, mut c)) = tenant() else {
        return;
    };
    let msg = "events are append-only";
    refused(&mut c, "UPDATE events SET actor = 'mallory'", msg);
    refused(&mut c, "DELETE FROM events", msg);
    refused(&mut c, "TRUNCATE events", msg);
    refused(
        &mut c,
        "INSERT INTO events (id, time, type, actor, details, hash) \
         VALUES (1, 2, 'x', 'mallory', '{}', 'h') \
         ON CONFLICT (id) DO UPDATE SET hash = EXCLUDED.hash",
        msg,
    );
    refused(
        &mut c,
        "MERGE INTO events e USING (SELECT 1 AS id) s ON e.id = s.id \
         WHEN MATCHED THEN UPDATE SET actor = 'mallory'",
        msg,
    );
    refused(
        &mut c,
        "MERGE INTO events e USING (SELECT 1 AS id) s ON e.id = s.id WHEN MATCHED THEN DELETE",
        msg,
    );
    refused(
        &mut c,
        "INSERT INTO events (id, time, type, actor, details, hash) \
         VALUES (1, 2, 'x', 'mallory', '{}', 'h')",
        "events_pkey",
    );
    // Appending is the one thing allowed.
    c.batch_execute(
        "INSERT INTO events (id, time, type, actor, details, hash) VALUES (2, 2, 'x', 'a', '{}', 'h2')",
    )
    .unwrap();
    let n: i64 = value(&mut c, "SELECT count(*) FROM events");
    assert_eq!(n, 2);
}

#[test]
fn revocation_successor_and_identity_are_final_however_phrased() {
    let Some((_db, _target, mut c)) = tenant() else {
        return;
    };
    c.batch_execute("UPDATE keys SET revoked = 5, replaced_by = 'k9', updated = 5 WHERE id = 'k1'")
        .unwrap();
    let revoked = "a revoked key cannot be reactivated";
    refused(&mut c, "UPDATE keys SET revoked = NULL", revoked);
    refused(&mut c, "UPDATE keys SET revoked = 6", revoked);
    refused(
        &mut c,
        "INSERT INTO keys (id, hash, name, owner, created, updated, expires) \
         VALUES ('k1', decode(repeat('cd', 32), 'hex'), 'x', 'admin', 1, 1, 2) \
         ON CONFLICT (id) DO UPDATE SET revoked = NULL",
        revoked,
    );
    refused(
        &mut c,
        "MERGE INTO keys k USING (SELECT 'k1' AS id) s ON k.id = s.id \
         WHEN MATCHED THEN UPDATE SET revoked = NULL",
        revoked,
    );
    let successor = "a rotated key keeps its successor";
    refused(&mut c, "UPDATE keys SET replaced_by = NULL", successor);
    refused(
        &mut c,
        "MERGE INTO keys k USING (SELECT 'k1' AS id) s ON k.id = s.id \
         WHEN MATCHED THEN UPDATE SET replaced_by = 'k8'",
        successor,
    );
    let identity = "a key keeps its ID";
    refused(&mut c, "UPDATE keys SET id = 'k2'", identity);
    refused(&mut c, "UPDATE keys SET seq = seq + 100", identity);
    refused(
        &mut c,
        "INSERT INTO keys (id, hash, name, owner, created, updated, expires) \
         VALUES ('k1', decode(repeat('cd', 32), 'hex'), 'x', 'admin', 1, 1, 2) \
         ON CONFLICT (id) DO UPDATE SET id = 'k3'",
        identity,
    );
    // What stays allowed on a revoked, rotated key: rename, usage, delete.
    c.batch_execute(
        "UPDATE keys SET name = 'renamed', uses = uses + 1, last_used = 7, revoked = revoked;
         DELETE FROM keys WHERE id = 'k1'",
    )
    .unwrap();
}

#[test]
fn search_uses_the_trigram_indexes() {
    let Some((_db, _target, mut c)) = tenant() else {
        return;
    };
    let plan: Vec<String> = {
        let mut tx = c.transaction().unwrap();
        tx.batch_execute("SET LOCAL enable_seqscan = off").unwrap();
        let rows = tx
            .query(
                "EXPLAIN SELECT id FROM keys WHERE name ILIKE $1 OR id ILIKE $1 OR owner ILIKE $1",
                &[&"%DEPLOY%"],
            )
            .unwrap();
        rows.iter().map(|r| r.get(0)).collect()
    };
    let plan = plan.join("\n");
    for index in ["keys_search_name", "keys_search_id", "keys_search_owner"] {
        assert!(plan.contains(index), "{plan}");
    }
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM keys WHERE name ILIKE $1",
            &[&"%DEPLOY%"],
        )
        .unwrap()
        .get(0);
    assert_eq!(n, 1, "case-insensitive substring");
}

#[test]
fn init_refuses_a_schema_that_holds_a_table() {
    let Some((_db, target, mut c)) = fresh() else {
        return;
    };
    c.batch_execute("CREATE TABLE unrelated (x int)").unwrap();
    let err = schema::init(&mut c, &target, |_| Ok(())).unwrap_err();
    assert_eq!(code_of(&err), Code::Refused, "{err:#}");
    assert!(format!("{err:#}").contains("schema public of"), "{err:#}");
    let n: i64 = value(
        &mut c,
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
    );
    assert_eq!(n, 1, "nothing changed");
    // A tenant over a tenant: refused the same way.
    let Some((_db2, target2, mut c2)) = tenant() else {
        return;
    };
    let err = schema::init(&mut c2, &target2, |_| Ok(())).unwrap_err();
    assert_eq!(code_of(&err), Code::Refused, "{err:#}");
}

#[test]
fn init_failing_in_fill_leaves_the_schema_empty() {
    let Some((_db, target, mut c)) = fresh() else {
        return;
    };
    let err = schema::init(&mut c, &target, |_| anyhow::bail!("boom")).unwrap_err();
    assert!(format!("{err:#}").contains("boom"));
    let n: i64 = value(
        &mut c,
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
    );
    assert_eq!(n, 0);
}

#[test]
fn check_refuses_no_tenant_and_a_newer_version() {
    let Some((db, target, mut c)) = fresh() else {
        return;
    };
    let err = schema::check(&mut c, &target).unwrap_err();
    let text = format!("{err:#}");
    assert_eq!(code_of(&err), Code::Runtime);
    assert_eq!(
        text.split(':').next().unwrap(),
        format!(
            "no keyctl tenant in schema public of {}",
            target.user + "@127.0.0.1"
        )
    );
    assert!(
        text.contains(&format!("/{}: run keyctl init", db.name)),
        "{text}"
    );

    schema::init(&mut c, &parse(&db.url).unwrap().target, |_| Ok(())).unwrap();
    let mut admin = db.client();
    // keyctl_meta is protected only by keyctl's rules, not by a trigger: an admin (or
    // a newer keyctl) may change it.
    admin
        .batch_execute("UPDATE keyctl_meta SET schema_version = 99")
        .unwrap();
    let target = parse(&db.url).unwrap().target;
    let err = schema::check(&mut c, &target).unwrap_err();
    assert_eq!(code_of(&err), Code::Runtime);
    assert!(format!("{err:#}").contains("version 99, newer"), "{err:#}");
    let v: i32 = value(&mut admin, "SELECT schema_version FROM keyctl_meta");
    assert_eq!(v, 99, "left untouched");
}

#[test]
fn two_tenants_in_one_database_by_search_path() {
    let Some(db) = PgDb::new() else {
        return;
    };
    db.client()
        .batch_execute("CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b")
        .unwrap();
    let open = |schema: &str| {
        let p = parse(&db.url_with(&format!("options=-csearch_path%3D{schema}"))).unwrap();
        (p.connect().unwrap(), p.target)
    };
    for (schema, admin) in [("tenant_a", "alice"), ("tenant_b", "bob")] {
        let (mut c, target) = open(schema);
        schema::init(&mut c, &target, |tx| {
            tx.execute(
                "INSERT INTO users (name, tenant_admin, licence, created) VALUES ($1, true, true, 1)",
                &[&admin],
            )?;
            Ok(())
        })
        .unwrap();
    }
    for (schema, admin) in [("tenant_a", "alice"), ("tenant_b", "bob")] {
        let (mut c, target) = open(schema);
        schema::check(&mut c, &target).unwrap();
        let names: Vec<String> = c
            .query("SELECT name FROM users", &[])
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(names, [admin]);
    }
    let n: i64 = value(
        &mut db.client(),
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
    );
    assert_eq!(n, 0, "nothing landed in public");
    // A schema that does not exist is named as such, not created.
    let (mut c, target) = open("tenant_c");
    let err = schema::check(&mut c, &target).unwrap_err();
    assert!(
        format!("{err:#}").contains("names no schema that exists"),
        "{err:#}"
    );
    let err = schema::init(&mut c, &target, |_| Ok(())).unwrap_err();
    assert_eq!(code_of(&err), Code::Runtime, "{err:#}");
}

#[test]
fn the_write_lock_serialises_writers_of_one_tenant_only() {
    let Some((db, _target, mut first)) = tenant() else {
        return;
    };
    let mut tx = begin_write(&mut first).unwrap();
    tx.batch_execute("UPDATE settings SET max_keys_per_user = 7")
        .unwrap();
    let url = db.url.clone();
    let (send, recv) = std::sync::mpsc::channel();
    let second = std::thread::spawn(move || {
        let mut c = connect(&url).unwrap();
        send.send("ready").unwrap();
        let mut tx = begin_write(&mut c).unwrap();
        send.send("locked").unwrap();
        // Under the lock, the first writer's commit is visible.
        let max: i32 = value(&mut tx, "SELECT max_keys_per_user FROM settings");
        tx.batch_execute("UPDATE settings SET enabled = true")
            .unwrap();
        tx.commit().unwrap();
        max
    });
    assert_eq!(recv.recv_timeout(Duration::from_secs(10)).unwrap(), "ready");
    assert!(
        recv.recv_timeout(Duration::from_millis(500)).is_err(),
        "the second writer must wait for the first"
    );
    tx.commit().unwrap();
    assert_eq!(
        recv.recv_timeout(Duration::from_secs(10)).unwrap(),
        "locked"
    );
    assert_eq!(second.join().unwrap(), 7);

    // A tenant in another schema of the same database does not wait.
    db.client().batch_execute("CREATE SCHEMA other").unwrap();
    let _held = {
        let tx = begin_write(&mut first).unwrap();
        let p = parse(&db.url_with("options=-csearch_path%3Dother")).unwrap();
        let mut other = p.connect().unwrap();
        let started = Instant::now();
        begin_write(&mut other).unwrap().commit().unwrap();
        assert!(started.elapsed() < Duration::from_secs(2));
        tx
    };
}

#[test]
fn a_busy_tenant_is_refused_after_lock_timeout() {
    let Some((db, _target, mut first)) = tenant() else {
        return;
    };
    let _tx = begin_write(&mut first).unwrap();
    let mut second = connect(&db.url).unwrap();
    let lock_timeout: String = second.query_one("SHOW lock_timeout", &[]).unwrap().get(0);
    assert_eq!(lock_timeout, "30s");
    // The same path with a shorter bound, so the test does not wait 30 s.
    second.batch_execute("SET lock_timeout = '300ms'").unwrap();
    let Err(err) = begin_write(&mut second) else {
        panic!("took the lock another transaction holds");
    };
    assert_eq!(code_of(&err), Code::Runtime);
    assert_eq!(
        format!("{err:#}"),
        "the tenant is busy: another keyctl write held it for 30 s; nothing changed"
    );
    // The connection is usable afterwards (the failed transaction was rolled back).
    second.query_one("SELECT 1", &[]).unwrap();
}

#[test]
fn session_settings_and_a_read_only_snapshot() {
    let Some((db, _target, mut c)) = tenant() else {
        return;
    };
    let show = |c: &mut Client, what: &str| -> String {
        c.query_one(&format!("SHOW {what}"), &[]).unwrap().get(0)
    };
    assert_eq!(show(&mut c, "statement_timeout"), "0");
    assert_eq!(show(&mut c, "application_name"), "keyctl");
    let mut named = connect(&db.url_with("application_name=ci-runner")).unwrap();
    assert_eq!(show(&mut named, "application_name"), "ci-runner");

    let mut tx = begin_read(&mut c).unwrap();
    let before: i64 = value(&mut tx, "SELECT count(*) FROM users");
    named
        .batch_execute("INSERT INTO users (name, created) VALUES ('late', 2)")
        .unwrap();
    let after: i64 = value(&mut tx, "SELECT count(*) FROM users");
    assert_eq!(before, after, "one snapshot for the whole read");
    let err = tx.batch_execute("DELETE FROM users").unwrap_err();
    assert!(err.to_string().contains("db error"), "{err}");
    assert_eq!(err.code().unwrap().code(), "25006", "read-only transaction");
}

#[test]
fn a_connection_lost_at_commit_says_the_outcome_is_unknown() {
    let Some((db, target, mut c)) = tenant() else {
        return;
    };
    let pid: i32 = c.query_one("SELECT pg_backend_pid()", &[]).unwrap().get(0);
    let tx = {
        let mut tx = begin_write(&mut c).unwrap();
        tx.batch_execute("UPDATE settings SET enabled = true")
            .unwrap();
        tx
    };
    db.client()
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .unwrap();
    let err = commit(tx, &target).unwrap_err();
    let text = format!("{err:#}");
    assert_eq!(code_of(&err), Code::Runtime);
    assert!(
        text.starts_with(&format!("lost the connection to {target} after COMMIT")),
        "{text}"
    );
    assert!(text.contains("unknown"), "{text}");
    assert!(!text.contains('\n'), "{text}");
}

#[test]
fn the_extension_lives_in_public_so_dropping_a_tenant_spares_the_others() {
    let Some(db) = PgDb::new() else {
        return;
    };
    db.client()
        .batch_execute("CREATE SCHEMA tenant_a; CREATE SCHEMA tenant_b")
        .unwrap();
    for schema in ["tenant_a", "tenant_b"] {
        let p = parse(&db.url_with(&format!("options=-csearch_path%3D{schema}"))).unwrap();
        schema::init(&mut p.connect().unwrap(), &p.target, |_| Ok(())).unwrap();
    }
    let mut admin = db.client();
    let home: String = value(
        &mut admin,
        "SELECT n.nspname::text FROM pg_extension e \
             JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'",
    );
    assert_eq!(home, "public");
    admin.batch_execute("DROP SCHEMA tenant_a CASCADE").unwrap();
    let n: i64 = value(
        &mut admin,
        "SELECT count(*) FROM pg_indexes WHERE schemaname = 'tenant_b' \
             AND indexname LIKE 'keys_search_%'",
    );
    assert_eq!(n, 3);
}

#[test]
fn create_then_open_by_url() {
    let Some(db) = PgDb::new() else {
        return;
    };
    let Err(err) = open(&db.url) else {
        panic!("opened an empty database");
    };
    assert!(format!("{err:#}").contains("run keyctl init"), "{err:#}");
    let (_c, target) = create(&db.url, |_| Ok(())).unwrap();
    assert_eq!(target.dbname, db.name);
    let (mut c, _) = open(&db.url).unwrap();
    let n: i64 = value(&mut c, "SELECT count(*) FROM settings");
    assert_eq!(n, 1);
}
