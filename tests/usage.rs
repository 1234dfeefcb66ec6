//! Usage in two steps (docs/USAGE.md; SPEC §4 verify and events, §8, §10, §11): a
//! successful `keys verify` only appends a row to the pending table `usage`; a fold moves
//! pending rows, in one transaction, into `keys.uses`/`last_used` and into `api-key.used`
//! events of `{"owner", "uses": N}` (one per key and second), and deletes them. Every
//! command that reads usage, and every write command, folds first, so what any command
//! prints is exact:
//!
//! - `keys show ID` `uses` == the successful verifications, `last_used` == the latest,
//!   `events top` agrees, the sum of `details.uses` over `events --key ID --type
//!   api-key.used` agrees, and `events verify` passes;
//! - a burst of verifications from many processes at once, a fold SIGKILLed at random
//!   moments, and verifications SIGKILLed at random moments all keep those counts exact:
//!   a use is never counted twice, a committed one never lost;
//! - a reader that may not write the file cannot fold: it prints what is folded, says on
//!   stderr how many recorded uses are not, and changes nothing.
//!
//! The tests insert pending rows with SQL where they need exact times or volume (through
//! [`insert_usage`], the one place that knows the table's columns).

// Every test runs on both backends (see `backends!` in tests/common), except the
// read-only file (SQLite only: file permissions).

#[macro_use]
mod common;
use common::*;

use keyctl::duration::rfc3339;
use keyctl::token::{SECRET_LEN, assemble};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------
// Local helpers
// ---------------------------------------------------------------------------------

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `keys verify` on `db` with `input` on stdin, as an operator nobody registered (verify
/// needs none), spawned with piped stdout/stderr.
fn spawn_verify(db: &Path, input: &str) -> Child {
    let mut child = std_cmd(db, "nobody-in-particular")
        .args(["keys", "verify", "-q"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn keyctl");
    let mut stdin = child.stdin.take().expect("stdin");
    // Far below a pipe's buffer; a process killed early may have closed it already.
    let _ = stdin.write_all(input.as_bytes());
    drop(stdin);
    child
}

/// `keys verify` on `db` with `input`, to the end.
fn verify(db: &Path, input: &str) -> Output {
    spawn_verify(db, input).wait_with_output().expect("wait")
}

/// A successful `keys verify` of `secret` (whose key is `id`).
fn verify_ok(env: &Env, id: &str, secret: &str) {
    let out = verify(&env.db, secret);
    assert_eq!(out.status.code(), Some(0), "verify: {}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), id);
}

/// Appends `n` pending usage rows for key `id` (owned by `owner`), at `time + i % spread`
/// for i in 0..n, straight into the `usage` table, in one statement.
fn insert_usage(env: &Env, id: &str, owner: &str, time: i64, spread: i64, n: i64) {
    let inserted = if env.is_sqlite() {
        env.exec(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?5) \
             INSERT INTO usage (key_id, owner, time) SELECT ?1, ?2, ?3 + i % ?4 FROM n",
            &[&id, &owner, &time, &spread, &n],
        )
    } else {
        env.exec(
            "INSERT INTO usage (key_id, owner, time) \
             SELECT $1::text, $2::text, $3::bigint + i % $4::bigint \
             FROM generate_series(0, $5::bigint - 1) i",
            &[&id, &owner, &time, &spread, &n],
        )
    };
    assert_eq!(inserted, n as u64, "pending rows inserted for {id}");
}

/// Pending usage rows: of key `id`, or of every key.
fn pending(env: &Env, id: Option<&str>) -> i64 {
    match id {
        Some(id) => env.int("SELECT count(*) FROM usage WHERE key_id = ?1", &[&id]),
        None => env.int("SELECT count(*) FROM usage", &[]),
    }
}

/// `keys.uses` and `keys.last_used` of key `id`, read with SQL (no fold).
fn stored_uses(env: &Env, id: &str) -> (i64, Option<i64>) {
    let r = env
        .row("SELECT uses, last_used FROM keys WHERE id = ?1", &[&id])
        .expect("a key");
    (r.i(0), r.oi(1))
}

/// `keys show ID --format json` as the tenant admin.
fn show(env: &Env, id: &str) -> Value {
    json(
        &env.run("admin", &["keys", "show", id, "--format", "json"])
            .success(),
    )
}

/// The `api-key.used` events of key `id`, as `events --key ID --type api-key.used
/// --format json` prints them.
fn used_events(env: &Env, id: &str) -> Vec<Value> {
    let v = json(
        &env.run(
            "admin",
            &[
                "events",
                "--key",
                id,
                "--type",
                "api-key.used",
                "--format",
                "json",
            ],
        )
        .success(),
    );
    v.as_array().expect("an array of events").clone()
}

/// `details.uses` of an `api-key.used` event printed by `events`, checking its shape:
/// the key, actor `(verify)`, `details` exactly `{"owner", "uses"}` with `uses` >= 1.
fn event_uses(e: &Value, id: &str, owner: &str) -> i64 {
    assert_eq!(e["type"], "api-key.used", "{e}");
    assert_eq!(e["key_id"], id, "{e}");
    assert_eq!(e["actor"], "(verify)", "{e}");
    let details = e["details"].as_object().expect("details is an object");
    let mut fields: Vec<&str> = details.keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["owner", "uses"], "{e}");
    assert_eq!(details["owner"], owner, "{e}");
    let n = details["uses"].as_i64().expect("uses is an integer");
    assert!(n >= 1, "an api-key.used event of {n} uses: {e}");
    n
}

/// `events top --format json`: key ID -> (uses, rejected).
fn top(env: &Env) -> HashMap<String, (i64, i64)> {
    let v = json(
        &env.run(
            "admin",
            &["events", "top", "--limit", "1000", "--format", "json"],
        )
        .success(),
    );
    v.as_array()
        .expect("an array")
        .iter()
        .map(|r| {
            (
                r["key_id"].as_str().unwrap().to_owned(),
                (r["uses"].as_i64().unwrap(), r["rejected"].as_i64().unwrap()),
            )
        })
        .collect()
}

/// Everything that reports the uses of key `id` agrees on `want`: `keys show` (`uses`,
/// and `last_used` the time of the newest `api-key.used` event, `null` without one) and
/// the sum of `details.uses` over `events --key ID --type api-key.used`.
fn assert_agreement(env: &Env, id: &str, owner: &str, want: i64) {
    let shown = show(env, id);
    assert_eq!(shown["uses"], want, "keys show {id}: {shown}");
    let events = used_events(env, id);
    let sum: i64 = events.iter().map(|e| event_uses(e, id, owner)).sum();
    assert_eq!(sum, want, "sum of details.uses over events --key {id}");
    let newest = events
        .iter()
        .map(|e| e["time"].as_str().expect("time").to_owned())
        .max();
    match newest {
        None => assert!(shown["last_used"].is_null(), "{shown}"),
        Some(t) => assert_eq!(shown["last_used"], t.as_str(), "last_used of {id}"),
    }
}

/// `keys.uses` per key and the sum of `details.uses` of its `api-key.used` events, read
/// with SQL (no fold): key ID -> (uses, logged uses).
fn stored_counts(env: &Env) -> BTreeMap<String, (i64, i64)> {
    let mut out: BTreeMap<String, (i64, i64)> = env
        .rows("SELECT id, uses FROM keys", &[])
        .into_iter()
        .map(|r| (r.s(0), (r.i(1), 0)))
        .collect();
    for (_, key, details) in events_of(env, "api-key.used") {
        let key = key.expect("an api-key.used event names its key");
        let n = details["uses"].as_i64().expect("details.uses");
        out.get_mut(&key).expect("an event of a known key").1 += n;
    }
    out
}

/// Pending rows per key, read with SQL.
fn pending_per_key(env: &Env) -> HashMap<String, i64> {
    env.rows("SELECT key_id, count(*) FROM usage GROUP BY key_id", &[])
        .into_iter()
        .map(|r| (r.s(0), r.i(1)))
        .collect()
}

/// On PostgreSQL, ends the backends of SIGKILLed clients (which would otherwise run on
/// until their statement ends and they notice: slow for a big fold) and waits, at most
/// 30 s, until no backend but the test's own is connected to the tenant's database (a
/// COMMIT one had received is then visible; anything else is rolled back).
fn wait_alone(env: &Env) {
    if env.is_sqlite() {
        return;
    }
    env.rows(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
        &[],
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while env.int(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() \
         AND pid <> pg_backend_pid()",
        &[],
    ) > 0
    {
        assert!(
            Instant::now() < deadline,
            "a killed client's backend is still there after 30 s"
        );
        thread::sleep(Duration::from_millis(5));
    }
}

/// Whether process `pid` holds the tenant's write lock now. SQLite: the WAL write lock,
/// byte 120 of the `-shm` file, held from `BEGIN IMMEDIATE` to the end of the
/// transaction (asked with `F_GETLK`, which takes no lock). PostgreSQL: an advisory lock
/// held by another backend inside a transaction (keyctl takes no other).
fn holds_write_lock(env: &Env, pid: u32) -> bool {
    if !env.is_sqlite() {
        return env.int(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
             WHERE l.locktype = 'advisory' AND l.granted AND a.xact_start IS NOT NULL \
             AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
             AND l.pid <> pg_backend_pid()",
            &[],
        ) > 0;
    }
    holds_sqlite_write_lock(&env.db, pid)
}

/// `PRAGMA integrity_check` is ok (SQLite; nothing to check on PostgreSQL).
fn integrity_ok(env: &Env) {
    if env.is_sqlite() {
        let ok: String = env
            .sql()
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(ok, "ok");
    }
}

/// Generates `n` keys of `dev` (the key limit lifted); returns (id, secret) pairs.
fn keys(env: &Env, n: usize) -> Vec<(String, String)> {
    env.ok("admin", &["settings", "set", "max-keys-per-user", "1000"]);
    (0..n)
        .map(|i| env.generate("dev", &format!("svc {i}")))
        .collect()
}

/// What one verification of the burst presents.
#[derive(Clone, Copy, Debug)]
enum Presented {
    /// The secret of active key i: success.
    Valid(usize),
    /// The secret of the revoked key: rejected, with its key ID.
    Revoked,
    /// A well-formed key of active key 0 with a wrong secret: rejected, with its key ID.
    Forged,
    /// Not a key at all: rejected, no key ID.
    Malformed,
}

backends! {

    // ---------------------------------------------------------------------------------
    // 1. A burst from many processes at once
    // ---------------------------------------------------------------------------------

    fn a_burst_of_concurrent_verifies_is_counted_exactly_everywhere(b) {
        const THREADS: usize = 6;
        const EACH: usize = 20;
        const ACTIVE: usize = 5;
        let env = Env::dev(Env::init(Env::empty_weighted(b, THREADS + 2)));
        let all = keys(&env, ACTIVE + 1);
        let (active, revoked) = all.split_at(ACTIVE);
        let revoked = &revoked[0];
        env.ok("admin", &["revoke", "--yes", &revoked.0]);
        let forged = assemble(&active[0].0, &"A".repeat(SECRET_LEN));
        let rejected_before = env.count_events("api-key.rejected");

        // The plan: every thread mixes valid keys with a few bad ones.
        let plan: Vec<Vec<Presented>> = (0..THREADS)
            .map(|t| {
                (0..EACH)
                    .map(|i| match (t * 5 + i * 3) % 9 {
                        n @ 0..=5 => Presented::Valid(n % ACTIVE),
                        6 => Presented::Revoked,
                        7 => Presented::Forged,
                        _ => Presented::Malformed,
                    })
                    .collect()
            })
            .collect();
        let started = now();
        let results: Vec<Vec<(Presented, Output)>> = thread::scope(|s| {
            let handles: Vec<_> = plan
                .iter()
                .map(|runs| {
                    let (db, active, revoked, forged) = (&env.db, active, revoked, &forged);
                    s.spawn(move || {
                        runs.iter()
                            .map(|p| {
                                let input = match p {
                                    Presented::Valid(i) => active[*i].1.clone(),
                                    Presented::Revoked => revoked.1.clone(),
                                    Presented::Forged => forged.clone(),
                                    Presented::Malformed => "kc_not_a_key".to_owned(),
                                };
                                (*p, verify(db, &input))
                            })
                            .collect()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let ended = now();

        let mut want = vec![0i64; ACTIVE];
        let (mut revoked_tries, mut forged_tries, mut failures) = (0i64, 0i64, 0i64);
        for (p, out) in results.iter().flatten() {
            let err = text(&out.stderr).to_lowercase();
            for bad in ["locked", "busy", "sqlite", "panicked"] {
                assert!(!err.contains(bad), "{p:?}: stderr mentions {bad:?}: {err}");
            }
            match p {
                Presented::Valid(i) => {
                    assert_eq!(out.status.code(), Some(0), "{p:?}: {err}");
                    assert_eq!(text(&out.stdout).trim(), active[*i].0);
                    want[*i] += 1;
                }
                _ => {
                    assert_eq!(out.status.code(), Some(5), "{p:?}: {err}");
                    failures += 1;
                    match p {
                        Presented::Revoked => revoked_tries += 1,
                        Presented::Forged => forged_tries += 1,
                        _ => {}
                    }
                }
            }
        }
        assert!(want.iter().all(|&n| n > 0), "the plan uses every key: {want:?}");
        assert!(revoked_tries > 0 && forged_tries > 0 && failures > revoked_tries + forged_tries);

        // Every reader agrees with the verifications that succeeded.
        for ((id, _), &n) in active.iter().zip(&want) {
            assert_agreement(&env, id, "dev", n);
            let last = show(&env, id)["last_used"].as_str().unwrap().to_owned();
            assert!(
                rfc3339(started) <= last && last <= rfc3339(ended),
                "last_used {last} of {id} is outside the burst"
            );
        }
        assert_agreement(&env, &revoked.0, "dev", 0);
        let ranked = top(&env);
        for (i, (id, _)) in active.iter().enumerate() {
            let rejected = if i == 0 { forged_tries } else { 0 };
            assert_eq!(ranked.get(id), Some(&(want[i], rejected)), "events top for {id}");
        }
        assert_eq!(ranked.get(&revoked.0), Some(&(0, revoked_tries)), "events top, revoked key");
        assert_eq!(ranked.len(), ACTIVE + 1, "{ranked:?}");

        // Every rejection is in the log, once.
        assert_eq!(env.count_events("api-key.rejected") - rejected_before, failures);
        let listed = json(&env.run(
            "admin",
            &["events", "--type", "api-key.rejected", "--format", "json"],
        ).success());
        assert_eq!(listed.as_array().unwrap().len() as i64, rejected_before + failures);

        // A reading command of all keys leaves nothing pending; the chain holds.
        env.ok("admin", &["keys", "list", "--format", "csv"]);
        assert_eq!(pending(&env, None), 0, "usage rows left after keys list");
        let total: i64 = want.iter().sum();
        assert_eq!(env.int("SELECT CAST(coalesce(sum(uses), 0) AS BIGINT) FROM keys", &[]), total);
        events_verify(&env.db);
    }

    // ---------------------------------------------------------------------------------
    // 2. Recorded, then folded by the first read
    // ---------------------------------------------------------------------------------

    fn verify_only_records_and_the_first_read_folds(b) {
        let env = Env::with_dev(b);
        let (a, a_secret) = env.generate("dev", "a");
        let (bk, b_secret) = env.generate("dev", "b");
        let used_before = env.count_events("api-key.used");
        for _ in 0..4 {
            verify_ok(&env, &a, &a_secret);
        }
        for _ in 0..2 {
            verify_ok(&env, &bk, &b_secret);
        }

        // Recorded only: pending rows, no counter, no event (nothing has read usage yet).
        assert_eq!(pending(&env, Some(&a)), 4);
        assert_eq!(pending(&env, Some(&bk)), 2);
        assert_eq!(stored_uses(&env, &a), (0, None), "verify changed the key row");
        assert_eq!(stored_uses(&env, &bk), (0, None), "verify changed the key row");
        assert_eq!(env.count_events("api-key.used"), used_before, "verify wrote an event");
        let newest_a = env.int("SELECT max(time) FROM usage WHERE key_id = ?1", &[&a]);

        // `keys show A` folds A's rows (only A's: docs/USAGE.md).
        let shown = show(&env, &a);
        assert_eq!(shown["uses"], 4, "{shown}");
        assert_eq!(shown["last_used"], rfc3339(newest_a).as_str(), "{shown}");
        assert_eq!(pending(&env, Some(&a)), 0, "keys show left A's rows pending");
        assert_eq!(stored_uses(&env, &a), (4, Some(newest_a)));
        assert_eq!(pending(&env, Some(&bk)), 2, "keys show A folded another key's rows");

        // `events --key B` folds B's rows; both sums agree.
        let sum = |id: &str| -> i64 {
            used_events(&env, id).iter().map(|e| event_uses(e, id, "dev")).sum()
        };
        assert_eq!(sum(&bk), 2);
        assert_eq!(pending(&env, Some(&bk)), 0, "events --key left B's rows pending");
        assert_eq!(sum(&a), 4);
        assert_agreement(&env, &a, "dev", 4);
        assert_agreement(&env, &bk, "dev", 2);
        assert_eq!(pending(&env, None), 0);
        events_verify(&env.db);
    }

    // ---------------------------------------------------------------------------------
    // 3. The shape of folded events
    // ---------------------------------------------------------------------------------

    fn a_fold_writes_one_event_per_key_and_second_with_its_count(b) {
        let env = Env::with_dev(b);
        env.add_developer("dev2");
        let (a, _) = env.generate("dev", "a");
        let (bk, _) = env.generate("dev2", "b");
        let t = now() - 600;
        insert_usage(&env, &a, "dev", t, 1, 3);
        insert_usage(&env, &a, "dev", t + 5, 1, 1);
        insert_usage(&env, &bk, "dev2", t + 1, 1, 2);
        let last = last_event(&env);

        // One read folds everything: A has two events (3 uses at T, 1 at T+5), B one.
        let mut events = used_events(&env, &a);
        events.sort_by_key(|e| e["time"].as_str().unwrap().to_owned());
        assert_eq!(events.len(), 2, "{events:?}");
        assert_eq!(events[0]["time"], rfc3339(t).as_str());
        assert_eq!(event_uses(&events[0], &a, "dev"), 3);
        assert_eq!(events[1]["time"], rfc3339(t + 5).as_str());
        assert_eq!(event_uses(&events[1], &a, "dev"), 1);
        let shown = show(&env, &a);
        assert_eq!(shown["uses"], 4);
        assert_eq!(shown["last_used"], rfc3339(t + 5).as_str());

        let events = used_events(&env, &bk);
        assert_eq!(events.len(), 1, "{events:?}");
        assert_eq!(events[0]["time"], rfc3339(t + 1).as_str());
        assert_eq!(event_uses(&events[0], &bk, "dev2"), 2);
        assert_agreement(&env, &bk, "dev2", 2);
        assert_eq!(stored_uses(&env, &bk), (2, Some(t + 1)));

        // Exactly those three events were appended, and the rows are gone.
        let new = events_after(&env, last);
        assert_eq!(new.len(), 3, "{new:?}");
        assert!(new.iter().all(|e| e.kind == "api-key.used"), "{new:?}");
        assert_eq!(pending(&env, None), 0);
        let ranked = top(&env);
        assert_eq!(ranked.get(&a), Some(&(4, 0)));
        assert_eq!(ranked.get(&bk), Some(&(2, 0)));
        events_verify(&env.db);
    }

    // ---------------------------------------------------------------------------------
    // Which commands fold first
    // ---------------------------------------------------------------------------------

    fn every_reading_command_folds_first(b) {
        let env = Env::with_dev(b);
        let (a, secret) = env.generate("dev", "svc-a");
        let copy_to = env.dir.path().join("copy.db");
        let copy_to = copy_to.to_str().unwrap();
        let readers: &[&[&str]] = &[
            &["keys", "list"],
            &["keys", "search", "svc"],
            &["keys", "show", &a],
            &["events"],
            &["events", "--key", &a],
            &["events", "top"],
            &["events", "head"],
            &["events", "verify"],
            &["copy", "--to", copy_to],
        ];
        for (i, args) in readers.iter().enumerate() {
            verify_ok(&env, &a, &secret);
            assert_eq!(pending(&env, Some(&a)), 1, "{args:?}: the verify was not pending");
            let out = env.ok("admin", args);
            assert_eq!(pending(&env, Some(&a)), 0, "{args:?} did not fold");
            let uses = i as i64 + 1;
            assert_eq!(stored_uses(&env, &a).0, uses, "{args:?}");
            if **args == ["events", "head"] {
                // The head printed is the head after the fold.
                let head = env.row("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1", &[])
                    .unwrap();
                assert_eq!(out.trim(), format!("{}:{}", head.i(0), head.s(1)));
            }
        }
        // The copy got the folded uses, and its chain verifies.
        let copied = json(&bare()
            .args(["--db", copy_to, "--as", "admin", "keys", "show", &a, "--format", "json"])
            .write_stdin("")
            .assert()
            .success());
        assert_eq!(copied["uses"], readers.len());
        events_verify(copy_to);
        assert_agreement(&env, &a, "dev", readers.len() as i64);
        events_verify(&env.db);
    }

    fn a_follower_folds_on_each_poll_and_shows_new_uses(b) {
        use std::io::BufRead;
        let env = Env::with_dev(b);
        let (a, secret) = env.generate("dev", "a");
        let mut child = env
            .std_cmd("admin")
            .args(["events", "--follow", "--key", &a, "--type", "api-key.used"])
            .args(["--format", "json"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn follower");
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = std::sync::mpsc::channel();
        thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        // Nothing used yet; then two uses, recorded by other processes and pending until
        // the follower's next poll folds them.
        assert!(lines.recv_timeout(Duration::from_millis(500)).is_err(), "a use out of nowhere");
        verify_ok(&env, &a, &secret);
        verify_ok(&env, &a, &secret);
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut seen = 0;
        while seen < 2 {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = lines.recv_timeout(left).unwrap_or_else(|_| {
                let _ = child.kill();
                panic!("the follower showed {seen} of 2 uses within 10 s")
            });
            let e: Value = serde_json::from_str(&line).expect("one JSON object a line");
            seen += event_uses(&e, &a, "dev");
        }
        // SAFETY: a signal to our own child process.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(seen, 2);
        assert_eq!(pending(&env, None), 0);
        assert_agreement(&env, &a, "dev", 2);
    }

    fn a_write_command_folds_first_so_uses_precede_the_change_in_the_log(b) {
        let env = Env::with_dev(b);
        let (a, secret) = env.generate("dev", "a");
        let writers: &[(&str, &[&str])] = &[
            ("dev", &["keys", "rename", &a, "renamed"]),
            ("admin", &["users", "add", "carol"]),
            ("admin", &["settings", "set", "max-keys-per-user", "7"]),
            ("dev", &["keys", "generate", "--name", "other"]),
            ("admin", &["revoke", "--yes", &a]),
        ];
        for (i, (user, args)) in writers.iter().enumerate() {
            verify_ok(&env, &a, &secret);
            let last = last_event(&env);
            env.ok(user, args);
            assert_eq!(pending(&env, Some(&a)), 0, "{args:?} did not fold");
            assert_eq!(stored_uses(&env, &a).0, i as i64 + 1, "{args:?}");
            // The use is logged first, then the change.
            let new = events_after(&env, last);
            assert!(new.len() >= 2, "{args:?}: {new:?}");
            assert_eq!(new[0].kind, "api-key.used", "{args:?}: {new:?}");
            assert_eq!(new[0].key_id.as_deref(), Some(a.as_str()));
            assert!(new[1..].iter().all(|e| e.kind != "api-key.used"), "{args:?}: {new:?}");
        }
        assert_agreement(&env, &a, "dev", writers.len() as i64);
        events_verify(&env.db);
    }

    fn a_verification_folds_usage_that_has_waited_long(b) {
        let env = Env::with_dev(b);
        let (a, secret) = env.generate("dev", "a");
        let (other, _) = env.generate("dev", "other");
        // Uses recorded two hours ago and never read: far past any fold age.
        let old = now() - 7200;
        insert_usage(&env, &a, "dev", old, 1, 3);
        insert_usage(&env, &other, "dev", old + 1, 1, 2);
        verify_ok(&env, &a, &secret);
        // The verification itself folded them all (the lock was free), its own use
        // counted or still pending, never lost.
        let (uses, last_used) = stored_uses(&env, &other);
        assert_eq!((uses, last_used), (2, Some(old + 1)), "old usage was not folded");
        assert_eq!(pending(&env, Some(&other)), 0);
        let a_uses = stored_uses(&env, &a).0;
        assert!(a_uses >= 3, "A's old uses were not folded: {a_uses}");
        assert_eq!(a_uses + pending(&env, Some(&a)), 4);
        let counts = stored_counts(&env);
        assert_eq!(counts[&a].0, counts[&a].1);
        assert_eq!(counts[&other].0, counts[&other].1);
        assert_agreement(&env, &a, "dev", 4);
        assert_agreement(&env, &other, "dev", 2);
        events_verify(&env.db);
    }

    fn events_verify_finds_uses_that_differ_from_the_folded_events(b) {
        let env = Env::with_dev(b);
        let (a, secret) = env.generate("dev", "a");
        verify_ok(&env, &a, &secret);
        verify_ok(&env, &a, &secret);
        // Pending usage is not a disagreement (the check folds first, or counts it).
        events_verify(&env.db);
        assert_eq!(stored_uses(&env, &a).0, 2);
        // A counter edited behind the log's back is.
        env.exec("UPDATE keys SET uses = uses + 1 WHERE id = ?1", &[&a]);
        let out = env.run("admin", &["events", "verify"]);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(said.contains(&a), "the key is not named: {said}");
        // And so is an api-key.used event whose count was forged into the chain.
        env.exec("UPDATE keys SET uses = uses - 1 WHERE id = ?1", &[&a]);
        events_verify(&env.db);
        let t = now();
        append_events(
            &env,
            &[(
                t,
                "api-key.used".to_owned(),
                "(verify)".to_owned(),
                Some(a.clone()),
                serde_json::json!({"owner": "dev", "uses": 5}),
            )],
        );
        let out = env.run("admin", &["events", "verify"]);
        assert_eq!(code(&out), 1, "{}", stderr(&out));
        let said = format!("{}{}", stdout(&out), stderr(&out));
        assert!(said.contains(&a), "the key is not named: {said}");
    }

    // ---------------------------------------------------------------------------------
    // 4. A fold SIGKILLed at random moments
    // ---------------------------------------------------------------------------------

    fn a_fold_killed_at_random_moments_never_loses_or_doubles_a_use(b) {
        const ROWS: i64 = 200_000;
        const KEYS: usize = 4;
        const KILLS: usize = 8;
        let env = Env::with_dev(b);
        let ids: Vec<String> = keys(&env, KEYS).into_iter().map(|(id, _)| id).collect();
        // Seeds ROWS pending rows over the keys, over 10 seconds, 5 minutes ago.
        let mut seeded: HashMap<String, i64> = HashMap::new();
        let seed = |seeded: &mut HashMap<String, i64>| {
            let t = now() - 300;
            for id in &ids {
                insert_usage(&env, id, "dev", t, 10, ROWS / KEYS as i64);
                *seeded.entry(id.clone()).or_default() += ROWS / KEYS as i64;
            }
        };
        let list = || {
            env.std_cmd("admin")
                .args(["keys", "list", "--format", "csv"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("spawn keyctl")
        };
        // After anything: pending + folded is what was seeded, for every key, and every
        // folded use is in the log once.
        let check = |seeded: &HashMap<String, i64>, what: &str| {
            integrity_ok(&env);
            let pend = pending_per_key(&env);
            for (id, (uses, logged)) in stored_counts(&env) {
                assert_eq!(uses, logged, "{what}: uses of {id} differ from its log");
                let want = seeded.get(&id).copied().unwrap_or(0);
                let left = pend.get(&id).copied().unwrap_or(0);
                assert_eq!(left + uses, want, "{what}: {id}: {left} pending + {uses} counted");
            }
        };

        // How long an uninterrupted fold of ROWS takes, to spread the kills over it.
        seed(&mut seeded);
        let started = Instant::now();
        let out = list().wait_with_output().unwrap();
        let full = started.elapsed();
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(pending(&env, None), 0, "keys list did not fold");
        check(&seeded, "an uninterrupted fold");
        let window = (full.as_micros() as u64 * 5 / 4).max(1000);
        eprintln!("uninterrupted fold of {ROWS} rows: {full:?}; kills within 0-{window} µs");

        let mut rng = Rng::from_env();
        let (mut inside, mut untouched, mut complete, mut aimed) = (0, 0, 0, 0);
        let mut round = 0;
        while round < KILLS || (inside == 0 && aimed < 5) {
            if pending(&env, None) == 0 {
                seed(&mut seeded);
            }
            let before = pending(&env, None);
            let mut child = list();
            if round < KILLS {
                thread::sleep(Duration::from_micros(rng.below(window)));
            } else {
                // No random moment hit the fold: aim, waiting for the write lock.
                aimed += 1;
                while !holds_write_lock(&env, child.id()) && child.try_wait().unwrap().is_none() {
                    thread::sleep(Duration::from_micros(200));
                }
            }
            let locked = holds_write_lock(&env, child.id());
            let _ = child.kill(); // SIGKILL; it may have finished already
            let out = child.wait_with_output().unwrap();
            wait_alone(&env);
            let what = format!("kill {round}");
            check(&seeded, &what);
            let after = pending(&env, None);
            if out.status.success() {
                assert_eq!(after, 0, "{what}: exit 0 without the fold");
            } else {
                assert!(out.status.code().is_none(), "{what}: {}", text(&out.stderr));
            }
            if after == 0 {
                complete += 1;
            } else {
                assert_eq!(after, before, "{what}: a fold was left half done");
                untouched += 1;
                inside += usize::from(locked);
            }
            round += 1;
        }
        eprintln!(
            "{round} kills ({aimed} aimed): {untouched} untouched ({inside} inside the fold), \
             {complete} complete"
        );
        assert!(inside > 0, "no kill landed inside a fold's transaction");

        // And the next read folds the rest.
        env.ok("admin", &["keys", "list", "--format", "csv"]);
        assert_eq!(pending(&env, None), 0);
        check(&seeded, "the final fold");
        let total: i64 = seeded.values().sum();
        assert_eq!(env.int("SELECT CAST(coalesce(sum(uses), 0) AS BIGINT) FROM keys", &[]), total);
        for id in &ids {
            assert_agreement(&env, id, "dev", seeded[id]);
        }
        events_verify(&env.db);
    }

    // ---------------------------------------------------------------------------------
    // 6. `keys verify` SIGKILLed at random moments
    // ---------------------------------------------------------------------------------

    fn a_verify_killed_at_random_moments_counts_each_use_at_most_once(b) {
        const KILLS: usize = 40;
        let env = Env::with_dev(b);
        let (a, secret) = env.generate("dev", "a");
        // One uninterrupted run, to spread the kills over about that long.
        let started = Instant::now();
        verify_ok(&env, &a, &secret);
        let full = started.elapsed();
        let window = (full.as_micros() as u64 * 5 / 4).max(1000);
        eprintln!("uninterrupted verify: {full:?}; kills within 0-{window} µs");

        let mut rng = Rng::from_env();
        let (mut spawned, mut exited_ok, mut killed) = (1i64, 1i64, 0i64);
        for _ in 0..KILLS {
            let mut child = spawn_verify(&env.db, &secret);
            spawned += 1;
            thread::sleep(Duration::from_micros(rng.below(window)));
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            match out.status.code() {
                Some(0) => exited_ok += 1,
                None => killed += 1,
                Some(c) => panic!("verify exited {c}: {}", text(&out.stderr)),
            }
        }
        wait_alone(&env);
        eprintln!("{spawned} verifies: {exited_ok} exited 0, {killed} killed");

        // Before any read: what is recorded (pending or folded) is between the runs that
        // reported success and the runs started.
        let recorded = pending(&env, None) + stored_uses(&env, &a).0;
        assert!(
            exited_ok <= recorded && recorded <= spawned,
            "{recorded} uses recorded; {exited_ok} verifies exited 0 of {spawned}"
        );
        let counts = stored_counts(&env);
        assert_eq!(counts[&a].0, counts[&a].1, "uses differ from the log");
        assert_eq!(env.count_events("api-key.rejected"), 0);
        integrity_ok(&env);

        // Every reader then reports exactly that.
        assert_agreement(&env, &a, "dev", recorded);
        assert_eq!(top(&env).get(&a).map(|r| r.0).unwrap_or(0), recorded);
        assert_eq!(pending(&env, None), 0);
        events_verify(&env.db);

        // The key still verifies, and counts on.
        verify_ok(&env, &a, &secret);
        assert_eq!(show(&env, &a)["uses"], recorded + 1);
    }
}

// ---------------------------------------------------------------------------------
// 5. A reader that may not write the file (SQLite only)
// ---------------------------------------------------------------------------------

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs `bin` on `db` with `args` as the unprivileged `nobody` when this process is root
/// (root ignores permission bits), else as this user.
fn run_unprivileged(bin: &Path, db: &Path, args: &[&str]) -> Output {
    use std::os::unix::process::CommandExt;
    let mut tries = 0;
    loop {
        let mut cmd = Command::new(bin);
        if is_root() {
            cmd.uid(65534).gid(65534);
        }
        let out = cmd
            .env_clear()
            .arg("--db")
            .arg(db)
            .arg("--as")
            .arg("admin")
            .args(args)
            .stdin(Stdio::null())
            .output();
        match out {
            // "Text file busy": a process forked by a concurrent test still held the
            // freshly copied binary open for writing when it was executed.
            Err(e) if e.raw_os_error() == Some(libc::ETXTBSY) && tries < 50 => {
                tries += 1;
                thread::sleep(Duration::from_millis(20));
            }
            out => return out.unwrap(),
        }
    }
}

#[test]
fn a_reader_that_cannot_write_shows_what_is_folded_and_says_what_is_not() {
    let env = Env::with_dev(Backend::Sqlite);
    let (a, secret) = env.generate("dev", "a");
    verify_ok(&env, &a, &secret);
    env.ok("admin", &["keys", "show", &a]); // one use folded
    for _ in 0..3 {
        verify_ok(&env, &a, &secret);
    }
    assert_eq!(pending(&env, Some(&a)), 3, "three uses pending");
    checkpoint(&env.sql());

    // A copy of the binary that `nobody` may run.
    let bin_dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(bin_dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = bin_dir.path().join("keyctl");
    std::fs::copy(env!("CARGO_BIN_EXE_keyctl"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();

    // 0755: the reader cannot create the -shm either; 0777: it can, and SQLite opens
    // the file read-only. (Not root: the file 0444 in a 0555 directory.)
    let modes: &[(u32, u32)] = if is_root() {
        &[(0o644, 0o755), (0o644, 0o777)]
    } else {
        &[(0o444, 0o555)]
    };
    for &(file_mode, dir_mode) in modes {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("tenant.db");
        std::fs::copy(&env.db, &db).unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(file_mode)).unwrap();
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(dir_mode)).unwrap();
        let bytes = std::fs::read(&db).unwrap();
        let run = |args: &[&str]| run_unprivileged(&bin, &db, args);
        let case = format!("file {file_mode:o}, dir {dir_mode:o}");

        let out = run(&["keys", "show", &a, "--format", "json"]);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{case}: {err}");
        let shown: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(shown["uses"], 1, "{case}: what is folded");
        assert!(
            err.contains("not folded") && (err.contains("3 recorded") || err.contains("3 use")),
            "{case}: stderr does not say 3 uses are not folded: {err:?}"
        );
        assert!(!err.starts_with("error"), "{case}: {err}");

        for args in [
            &["keys", "list", "--format", "csv"][..],
            &["events", "--key", &a, "--format", "json"],
            &["events", "top"],
        ] {
            let out = run(args);
            let err = text(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{case}: {args:?}: {err}");
            assert!(err.contains("not folded"), "{case}: {args:?}: {err:?}");
        }
        let out = run(&["events", "verify"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{case}: events verify: {}",
            text(&out.stderr)
        );
        assert!(text(&out.stdout).starts_with("ok:"));

        assert_eq!(
            std::fs::read(&db).unwrap(),
            bytes,
            "{case}: the file changed"
        );
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    // The owner of the file folds on the next read, and says nothing about it.
    let a_out = env
        .run("admin", &["keys", "show", &a, "--format", "json"])
        .success();
    assert_eq!(json(&a_out)["uses"], 4);
    assert!(!stderr(&a_out).contains("not folded"), "{}", stderr(&a_out));
    assert_eq!(pending(&env, None), 0);
    assert_agreement(&env, &a, "dev", 4);
    events_verify(&env.db);
}

// ---------------------------------------------------------------------------------
// PostgreSQL: verifications do not queue on the tenant write lock
// ---------------------------------------------------------------------------------

/// Runs `keys verify` of `secret` on `db`; fails the test when it takes over `limit`
/// (killing it), else returns its output.
fn verify_within(db: &Path, secret: &str, limit: Duration) -> Output {
    let mut child = spawn_verify(db, secret);
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "keys verify still running after {limit:?}: {}",
                text(&out.stderr)
            );
        }
        thread::sleep(Duration::from_millis(5));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn postgres_verifications_proceed_while_another_host_holds_the_write_lock() {
    let Some(b) = Backend::postgres() else {
        return;
    };
    let env = Env::dev(Env::init(Env::empty_weighted(b, 3)));
    let (a, secret) = env.generate("dev", "a");
    // Old pending usage, so that each verification finds a fold due.
    let old = now() - 7200;
    insert_usage(&env, &a, "dev", old, 1, 2);

    // Another host holds the tenant write lock (as a long write would) in a transaction.
    let mut holder = env.pg().client();
    let mut tx = holder.transaction().unwrap();
    let held = tx
        .query_one(
            "SELECT pg_try_advisory_xact_lock(($1::bigint << 32) | n.oid::bigint) \
             FROM pg_namespace n WHERE n.nspname = current_schema()",
            &[&i64::from(APPLICATION_ID)],
        )
        .unwrap()
        .get::<_, bool>(0);
    assert!(held, "the test could not take the tenant write lock");

    // The write lock waits up to 30 s: a verification that queued on it would not finish
    // within 10.
    for _ in 0..3 {
        let out = verify_within(&env.db, &secret, Duration::from_secs(10));
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        assert_eq!(text(&out.stdout).trim(), a);
    }
    assert_eq!(
        pending(&env, Some(&a)),
        5,
        "recorded while the lock was held"
    );
    assert_eq!(
        stored_uses(&env, &a),
        (0, None),
        "folded under another's lock"
    );
    tx.commit().unwrap();
    drop(holder);

    // Free again: the next read folds all of it.
    assert_agreement(&env, &a, "dev", 5);
    assert_eq!(pending(&env, None), 0);
    events_verify(&env.db);
}
