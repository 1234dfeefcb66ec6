//! The PostgreSQL implementation of the storage interface against the SQLite one: the
//! same rows in both give the same listings in the same order (text in byte order,
//! NULLs as SQLite sorts them), the same search results, the same per-key counts; and
//! the copy methods keep rows exactly (skipped without `KEYCTL_TEST_POSTGRES`).

use super::PgBackend;
use super::testdb::PgDb;
use crate::model::{Event, Status, User};
use crate::store::api::{Backend, KeyRow, Query, SortField, Tx, UserRow};
use crate::store::sqlite::SqliteDb;

const NOW: i64 = 1_800_000_000;

fn user(name: &str) -> User {
    User {
        name: name.to_owned(),
        tenant_admin: true,
        developer: true,
        licence: true,
        auditor: false,
        created: 1,
    }
}

fn key(seq: i64, id: &str, name: &str, owner: &str, owner_uid: Option<i64>) -> KeyRow {
    KeyRow {
        seq,
        id: id.to_owned(),
        hash: vec![seq as u8; 32],
        name: name.to_owned(),
        owner: owner.to_owned(),
        owner_uid,
        created: 100 + (seq % 3),
        updated: 200 - seq,
        expires: if seq % 4 == 0 { NOW - 1 } else { NOW + seq },
        revoked: (seq % 5 == 0).then_some(150),
        last_used: (seq % 2 == 0).then_some(300 + seq),
        uses: seq % 3,
        replaced_by: None,
    }
}

/// Users, keys (odd names, cases, NULLs, a key of no identity, one of a removed
/// identity) and events to put in both backends.
fn rows() -> (Vec<UserRow>, Vec<KeyRow>, Vec<Event>) {
    let users = vec![
        UserRow {
            uid: 1,
            user: user("admin"),
        },
        UserRow {
            uid: 4,
            user: user("Bob"),
        },
    ];
    let names = [
        "beta",
        "Beta",
        "alpha",
        "_x",
        "%y",
        "éclair",
        "Zeta",
        "ci-Deploy",
        "ci_deploy",
        "a\\b",
        "zz",
        "ÉCLAIR",
    ];
    let owners = ["admin", "Bob", "gone"];
    let keys: Vec<KeyRow> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let seq = i as i64 + 1;
            let owner = owners[i % 3];
            let uid = match owner {
                "admin" => Some(1),
                "Bob" => Some(4),
                _ if i % 2 == 0 => Some(9), // a removed identity
                _ => None,
            };
            key(
                seq,
                &format!("k{:015}{}", 12 - i, &"aAbB"[i % 4..i % 4 + 1]),
                name,
                owner,
                uid,
            )
        })
        .collect();
    let mut events = Vec::new();
    for (i, k) in keys.iter().enumerate() {
        for kind in [
            "api-key.generated",
            "api-key.used",
            "api-key.used",
            "api-key.rejected",
        ]
        .iter()
        .take(1 + i % 4)
        {
            events.push(Event {
                id: events.len() as i64 + 1,
                time: 100 + i as i64,
                kind: (*kind).to_owned(),
                actor: "admin".to_owned(),
                key_id: Some(k.id.clone()),
                details: format!("{{\"n\":{i},\"s\":\"é \\\"q\\\"\"}}"),
                hash: format!("{:064x}", events.len()),
            });
        }
    }
    (users, keys, events)
}

fn fill(tx: &mut dyn Tx) -> anyhow::Result<()> {
    let (users, keys, events) = rows();
    for u in &users {
        tx.put_user_row(u)?;
    }
    for k in &keys {
        tx.put_key_row(k)?;
    }
    for e in &events {
        tx.insert_event(e)?;
    }
    tx.finish_copy()
}

/// A PostgreSQL database and a SQLite file (in its directory), each opened.
type Both = (PgDb, Box<dyn Backend>, tempfile::TempDir, Box<dyn Backend>);

/// The same rows in a SQLite file and a PostgreSQL database.
fn both() -> Option<Both> {
    let pgdb = PgDb::new()?;
    let pg = PgBackend::create(&pgdb.url, &mut fill).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sq = SqliteDb::create(&dir.path().join("t.db"), &mut fill).unwrap();
    Some((pgdb, Box::new(pg), dir, Box::new(sq)))
}

fn listed(db: &mut Box<dyn Backend>, q: &Query, owner_uid: Option<i64>) -> Vec<String> {
    let mut ids = Vec::new();
    db.read(&mut |tx| {
        tx.list_keys(q, owner_uid, NOW, &mut |k| {
            ids.push(format!("{} {} {:?}", k.id, k.name, k.status));
            Ok(())
        })
    })
    .unwrap();
    ids
}

#[test]
fn listings_search_and_counts_match_sqlite() {
    let Some((_pgdb, mut pg, _dir, mut sq)) = both() else {
        return;
    };
    let sorts = [
        None,
        Some(SortField::Name),
        Some(SortField::Id),
        Some(SortField::Owner),
        Some(SortField::Created),
        Some(SortField::Updated),
        Some(SortField::Expires),
        Some(SortField::Status),
        Some(SortField::LastUsed),
        Some(SortField::Uses),
    ];
    let mut queries = Vec::new();
    for sort in sorts {
        for reverse in [false, true] {
            queries.push(Query {
                sort,
                reverse,
                ..Query::default()
            });
        }
    }
    for term in [
        "eta", "ETA", "ÉCL", "é", "clair", "_", "%", "\\", "ci_", "ci-", "k00", "bob", "z",
    ] {
        queries.push(Query {
            search: Some(term.to_owned()),
            ..Query::default()
        });
    }
    queries.push(Query {
        statuses: vec![Status::Expired, Status::Revoked],
        owner: Some("Bob".to_owned()),
        sort: Some(SortField::Name),
        limit: Some(2),
        ..Query::default()
    });
    queries.push(Query {
        expiring_within: Some(10),
        ..Query::default()
    });
    queries.push(Query {
        statuses: vec![Status::Active],
        limit: Some(3),
        ..Query::default()
    });
    for q in &queries {
        let (a, b) = (listed(&mut pg, q, None), listed(&mut sq, q, None));
        assert!(!b.is_empty() || q.search.is_some(), "{q:?}");
        assert_eq!(a, b, "{q:?}");
    }
    assert_eq!(
        listed(&mut pg, &Query::default(), Some(4)),
        listed(&mut sq, &Query::default(), Some(4))
    );

    let against = |db: &mut Box<dyn Backend>| {
        let mut out = Vec::new();
        db.read(&mut |tx| {
            tx.keys_against_log(&mut |k| {
                out.push(k);
                Ok(())
            })
        })
        .unwrap();
        out
    };
    let (a, b) = (against(&mut pg), against(&mut sq));
    assert_eq!(a.len(), 12);
    assert_eq!(a, b);

    let top = |db: &mut Box<dyn Backend>| {
        let mut out = Vec::new();
        db.read(&mut |tx| {
            out = tx.top(0, 5)?;
            Ok(())
        })
        .unwrap();
        out
    };
    assert_eq!(top(&mut pg), top(&mut sq));
}

#[test]
fn copied_rows_come_back_exactly_and_identities_are_never_reused() {
    let Some((_pgdb, mut pg, _dir, _sq)) = both() else {
        return;
    };
    let (users, keys, events) = rows();
    let (mut u2, mut k2, mut e2) = (Vec::new(), Vec::new(), Vec::new());
    pg.read(&mut |tx| {
        tx.each_user_row(&mut |u| {
            u2.push(u);
            Ok(())
        })?;
        tx.each_key_row(&mut |k| {
            k2.push(k);
            Ok(())
        })?;
        tx.events_in_order(&mut |e| {
            e2.push(e);
            Ok(())
        })
    })
    .unwrap();
    assert_eq!(u2, users);
    assert_eq!(k2, keys, "a NULL owner_uid stays NULL");
    assert_eq!(
        e2.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>(),
        events.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>()
    );
    // A new user gets an identity above every copied one, the removed identity 9 too.
    let mut uid = 0;
    pg.write(&mut |tx| {
        uid = tx.insert_user(&user("carol"))?;
        Ok(())
    })
    .unwrap();
    assert_eq!(uid, 10);
}

#[test]
fn a_rolled_back_write_changes_nothing_and_describe_names_the_target() {
    let Some(pgdb) = PgDb::new() else {
        return;
    };
    let url = pgdb
        .url_with("application_name=x")
        .replacen("://root@", "://root:pw@", 1);
    let mut pg = PgBackend::create(&url, &mut |tx| {
        tx.insert_user(&user("admin"))?;
        Ok(())
    })
    .unwrap();
    assert!(!pg.describe().contains("pw"));
    assert!(pg.describe().ends_with(&format!("/{}", pgdb.name)));
    let err = pg
        .write(&mut |tx| {
            tx.insert_user(&user("bob"))?;
            anyhow::bail!("no")
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "no");
    let mut names = Vec::new();
    pg.read(&mut |tx| {
        names = tx.users()?.into_iter().map(|u| u.name).collect();
        Ok(())
    })
    .unwrap();
    assert_eq!(names, ["admin"]);
    // A constraint the server enforces is one line naming the database.
    let err = pg
        .write(&mut |tx| {
            tx.insert_user(&user("admin"))?;
            Ok(())
        })
        .unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains(&pgdb.name), "{msg}");
    assert!(!msg.contains('\n'), "{msg}");
}

#[test]
fn a_large_copy_goes_in_batches_and_a_failed_one_leaves_nothing() {
    let Some(pgdb) = PgDb::new() else {
        return;
    };
    let mut pg = PgBackend::create(&pgdb.url, &mut |_| Ok(())).unwrap();
    let n = 25_001;
    let put = |tx: &mut dyn Tx, dup: bool| -> anyhow::Result<()> {
        tx.put_user_row(&UserRow {
            uid: 2,
            user: user("admin"),
        })?;
        for i in 1..=n {
            let uid = if i % 7 == 0 { None } else { Some(2) };
            let id = if dup && i == n {
                "k1".to_owned()
            } else {
                format!("k{i}")
            };
            tx.put_key_row(&key(i, &id, "bulk", "admin", uid))?;
        }
        for i in 1..=n {
            tx.insert_event(&Event {
                id: i,
                time: i,
                kind: "api-key.generated".to_owned(),
                actor: "admin".to_owned(),
                key_id: Some(format!("k{i}")),
                details: "{}".to_owned(),
                hash: "h".to_owned(),
            })?;
        }
        tx.finish_copy()
    };
    let err = pg.write(&mut |tx| put(tx, true)).unwrap_err();
    assert!(format!("{err:#}").contains(&pgdb.name), "{err:#}");
    let mut c = pgdb.client();
    let count =
        |c: &mut postgres::Client, sql: &str| -> i64 { c.query_one(sql, &[]).unwrap().get(0) };
    assert_eq!(count(&mut c, "SELECT count(*) FROM keys"), 0);
    assert_eq!(count(&mut c, "SELECT count(*) FROM users"), 0);
    pg.write(&mut |tx| put(tx, false)).unwrap();
    assert_eq!(count(&mut c, "SELECT count(*) FROM keys"), n);
    assert_eq!(count(&mut c, "SELECT count(*) FROM events"), n);
    assert_eq!(
        count(&mut c, "SELECT count(*) FROM keys WHERE owner_uid IS NULL"),
        n / 7
    );
    let mut head = None;
    pg.read(&mut |tx| {
        head = tx.head()?;
        Ok(())
    })
    .unwrap();
    assert_eq!(head, Some((n, "h".to_owned())));
}

/// Runs the batch key methods on `db` with `ids` (which repeat some IDs and name one
/// that does not exist) and says what each answered, as text.
fn batch_answers(db: &mut Box<dyn Backend>, ids: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    db.write(&mut |tx| {
        for found in tx.keys_by_ids(ids, NOW)? {
            out.push(format!("{:?}", found.map(|(k, uid)| (k.id, k.status, uid))));
        }
        out.push(format!("{:?}", tx.revoke_keys(ids, NOW)?));
        for found in tx.keys_by_ids(ids, NOW)? {
            out.push(format!(
                "{:?}",
                found.map(|(k, _)| (k.id, k.status, k.updated))
            ));
        }
        tx.delete_keys(&ids[..3])?;
        for found in tx.keys_by_ids(ids, NOW)? {
            out.push(format!("{:?}", found.map(|(k, _)| k.id)));
        }
        Ok(())
    })
    .unwrap();
    out
}

#[test]
fn batch_key_methods_match_one_by_one() {
    let Some((_pgdb, mut pg, _dir, mut sq)) = both() else {
        return;
    };
    let (_, keys, _) = rows();
    // Input order (not ID order), a repeat, and an ID that does not exist.
    let mut ids: Vec<&str> = keys.iter().rev().map(|k| k.id.as_str()).collect();
    ids.insert(2, "nosuchkey0000000");
    ids.push(&keys[1].id);
    ids.push(&keys[1].id);
    let on_sqlite = batch_answers(&mut sq, &ids);
    assert_eq!(batch_answers(&mut pg, &ids), on_sqlite);
    // The 7 active keys changed, each once: a repeat after its first occurrence did not.
    let changed = &on_sqlite[ids.len()];
    assert_eq!(changed.matches("true").count(), 7, "{changed}");
    assert!(changed.ends_with("false, false]"), "{changed}");
}
