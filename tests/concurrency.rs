//! Many processes on one tenant at once (SPEC §7, §10; issue 5): the key limit cannot be
//! overshot, no "database is locked" reaches a user, every revocation and every use is
//! recorded exactly once, and the event chain stays intact.

// Every test here runs on both backends (see `backends!` in tests/common).

#[macro_use]
mod common;
use common::*;

use std::collections::HashMap;
use std::io::Write;
use std::process::{Child, Command, Output, Stdio};

const PROCESSES: usize = 16;

/// The binary acting as `user` on `env`'s tenant, as a plain `std` command so that many
/// can be spawned before any is waited on.
fn keyctl(env: &Env, user: &str, args: &[&str]) -> Command {
    let mut cmd = env.std_cmd(user);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Spawns with `input` on stdin (written before the next process is spawned; the inputs
/// here are far below a pipe's buffer).
fn spawn_with_stdin(mut cmd: Command, input: &str) -> Child {
    let mut child = cmd.stdin(Stdio::piped()).spawn().expect("spawn keyctl");
    let mut stdin = child.stdin.take().expect("stdin");
    stdin.write_all(input.as_bytes()).expect("write stdin");
    drop(stdin);
    child
}

fn wait_all(children: Vec<Child>) -> Vec<Output> {
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("wait"))
        .collect()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// No storage-level error text may reach a user.
fn assert_no_storage_errors(outputs: &[Output]) {
    for o in outputs {
        let err = text(&o.stderr).to_lowercase();
        for bad in [
            "locked",
            "busy",
            "sqlite",
            "error code",
            "malformed",
            "disk i/o",
        ] {
            assert!(!err.contains(bad), "stderr mentions {bad:?}: {err}");
        }
    }
}

fn revoked_events_per_key(env: &Env) -> HashMap<String, i64> {
    env.rows(
        "SELECT key_id, count(*) FROM events WHERE type = 'api-key.revoked' GROUP BY key_id",
        &[],
    )
    .into_iter()
    .map(|r| (r.s(0), r.i(1)))
    .collect()
}

/// Generates `n` keys for `dev` with the limit lifted; returns (id, secret) pairs.
fn keys(env: &Env, n: usize) -> Vec<(String, String)> {
    env.ok("admin", &["settings", "set", "max-keys-per-user", "1000"]);
    (0..n)
        .map(|i| env.generate("dev", &format!("key {i}")))
        .collect()
}

backends! {

    fn overlapping_concurrent_revokes_revoke_each_key_once(b) {
        let env = Env::dev(Env::init(Env::empty_weighted(b, PROCESSES + 2)));
        let keys = keys(&env, 12);
        let ids: Vec<&str> = keys.iter().map(|(id, _)| id.as_str()).collect();
        // Eight processes, each revoking a window of 6 keys; every key is in 4 windows.
        let runs = 8;
        let windows: Vec<Vec<&str>> = (0..runs)
            .map(|r| (0..6).map(|j| ids[(r * 3 / 2 + j) % ids.len()]).collect())
            .collect();
        let children: Vec<Child> = windows
            .iter()
            .enumerate()
            .map(|(r, window)| {
                let cmd = keyctl(&env, "admin", &["revoke", "--yes", "--format", "json"]);
                if r % 2 == 0 {
                    // Half on stdin, half as arguments.
                    spawn_with_stdin(cmd, &(window.join("\n") + "\n"))
                } else {
                    let mut cmd = cmd;
                    cmd.args(window).spawn().expect("spawn keyctl")
                }
            })
            .collect();
        let outputs = wait_all(children);
        assert_no_storage_errors(&outputs);

        let mut revoked_by: HashMap<String, usize> = HashMap::new();
        for (o, window) in outputs.iter().zip(&windows) {
            assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
            let rows: Vec<serde_json::Value> = serde_json::from_slice(&o.stdout).expect("json");
            assert_eq!(rows.len(), window.len());
            for (row, id) in rows.iter().zip(window) {
                assert_eq!(row["id"], *id);
                match row["result"].as_str().unwrap() {
                    "revoked" => *revoked_by.entry(id.to_string()).or_default() += 1,
                    "already revoked" => {}
                    other => panic!("unexpected result {other} for {id}"),
                }
            }
        }
        let events = revoked_events_per_key(&env);
        for id in &ids {
            assert_eq!(revoked_by.get(*id), Some(&1), "{id} reported revoked once");
            assert_eq!(events.get(*id), Some(&1), "{id} has one revoke event");
        }
        assert_eq!(events.len(), ids.len());
        let still_active = env.ok("admin", &["keys", "list", "--status", "active", "-q"]);
        assert_eq!(still_active, "");
        events_verify(&env.db);
    }


    fn sixteen_generators_cannot_overshoot_the_limit(b) {
        let env = Env::dev(Env::init(Env::empty_weighted(b, PROCESSES + 2)));
        env.ok("admin", &["settings", "set", "max-keys-per-user", "5"]);
        let children: Vec<Child> = (0..PROCESSES)
            .map(|i| {
                let name = format!("race {i}");
                keyctl(
                    &env,
                    "dev",
                    &["keys", "generate", "--name", &name, "--format", "json"],
                )
                .spawn()
                .expect("spawn keyctl")
            })
            .collect();
        let outputs = wait_all(children);
        assert_no_storage_errors(&outputs);

        let mut ok_ids = Vec::new();
        for o in &outputs {
            match o.status.code() {
                Some(0) => {
                    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
                    ok_ids.push(v["id"].as_str().unwrap().to_owned());
                }
                Some(5) => {
                    let err = text(&o.stderr);
                    assert!(err.starts_with("error: "), "{err}");
                    assert_eq!(err.lines().count(), 1, "one-line error: {err}");
                    assert!(err.contains("key limit reached"), "{err}");
                    assert!(err.contains("the maximum is 5"), "{err}");
                    assert!(o.stdout.is_empty(), "a refusal printed data");
                }
                other => panic!("unexpected exit {other:?}: {}", text(&o.stderr)),
            }
        }
        assert_eq!(ok_ids.len(), 5, "exactly the limit may succeed");

        let active: i64 = env.int("SELECT count(*) FROM keys WHERE owner = 'dev' AND revoked IS NULL", &[]);
        assert_eq!(active, 5);
        let listed = env.ok("admin", &["keys", "list", "--status", "active", "-q"]);
        let mut listed: Vec<&str> = listed.lines().collect();
        listed.sort_unstable();
        ok_ids.sort_unstable();
        assert_eq!(listed, ok_ids);
        assert_eq!(env.count_events("api-key.generated"), 5);
        // Every refusal is in the log too.
        let denied: i64 = env.int("SELECT count(*) FROM events WHERE type = 'access.denied' \
                 AND details LIKE '%key limit reached%'", &[]);
        assert_eq!(denied, (PROCESSES - 5) as i64);
        events_verify(&env.db);
    }

    fn concurrent_verifies_count_every_use_once(b) {
        let env = Env::dev(Env::init(Env::empty_weighted(b, PROCESSES + 2)));
        let keys = keys(&env, 3);
        let per_key = 6;
        let mut children = Vec::new();
        let mut presented = Vec::new();
        for round in 0..per_key {
            for (i, (id, secret)) in keys.iter().enumerate() {
                let cmd = keyctl(&env, "nobody", &["keys", "verify", "--format", "json"]);
                children.push(spawn_with_stdin(cmd, secret));
                presented.push(id.clone());
                // One revocation races the verifications of the last key.
                if round == per_key / 2 && i == keys.len() - 1 {
                    children.push(
                        keyctl(&env, "admin", &["revoke", "--yes", id])
                            .spawn()
                            .expect("spawn keyctl"),
                    );
                    presented.push(String::new());
                }
            }
        }
        let outputs = wait_all(children);
        assert_no_storage_errors(&outputs);

        let mut successes: HashMap<String, i64> = HashMap::new();
        let mut rejections: HashMap<String, i64> = HashMap::new();
        for (o, id) in outputs.iter().zip(&presented) {
            if id.is_empty() {
                assert_eq!(o.status.code(), Some(0), "revoke: {}", text(&o.stderr));
                continue;
            }
            let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
            match o.status.code() {
                Some(0) => {
                    assert_eq!(v["valid"], true);
                    assert_eq!(v["id"], id.as_str());
                    *successes.entry(id.clone()).or_default() += 1;
                }
                Some(5) => {
                    // Only the key being revoked may be refused, and only as revoked.
                    assert_eq!(id, &keys[2].0, "{}", text(&o.stderr));
                    assert_eq!(v["reason"], "revoked");
                    *rejections.entry(id.clone()).or_default() += 1;
                }
                other => panic!("verify exit {other:?}: {}", text(&o.stderr)),
            }
        }
        fold(&env);
        for (id, _) in &keys {
            let uses: i64 = env.int("SELECT uses FROM keys WHERE id = ?1", &[&id]);
            let ok = successes.get(id).copied().unwrap_or(0);
            assert_eq!(uses, ok, "uses of {id} = successful verifications");
            assert_eq!(pending_uses(&env, id), 0, "folded");
            let count = |kind: &str| -> i64 {
                env.int(
                    "SELECT count(*) FROM events WHERE type = ?1 AND key_id = ?2",
                    &[&kind, id],
                )
            };
            assert_eq!(logged_uses(&env, id), ok);
            assert_eq!(
                count("api-key.rejected"),
                rejections.get(id).copied().unwrap_or(0)
            );
        }
        assert_eq!(successes[&keys[0].0], per_key as i64);
        assert_eq!(successes[&keys[1].0], per_key as i64);
        assert_eq!(revoked_events_per_key(&env).get(&keys[2].0), Some(&1));
        events_verify(&env.db);
    }
}
