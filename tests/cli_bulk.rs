//! Black-box tests of `revoke` / `keys revoke` and `keys delete` (SPEC §3, §4, §5):
//! IDs from arguments and stdin, results, exit codes, events and DB state.

// Every test here runs on both backends (see `backends!` in tests/common).

#[macro_use]
mod common;
use assert_cmd::assert::Assert;
use common::*;
use std::collections::BTreeMap;

// ---------------------------------------------------------------------------------
// Local helpers
// ---------------------------------------------------------------------------------

/// The stored status of a key: "active", "expired", "revoked", or "gone".
fn status(env: &Env, id: &str) -> &'static str {
    let row = env
        .row("SELECT revoked, expires FROM keys WHERE id = ?1", &[&id])
        .map(|r| (r.oi(0), r.i(1)));
    match row {
        None => "gone",
        Some((Some(_), _)) => "revoked",
        Some((None, e)) if e <= now() => "expired",
        Some(_) => "active",
    }
}

/// (id, name, revoked, updated) of every key, and the number of events other than
/// denials: enough to prove a refused run changed nothing.
type Snapshot = (Vec<(String, String, Option<i64>, i64)>, i64);

/// A snapshot of the keys table and the number of events, to prove nothing changed.
fn keys_snapshot(env: &Env) -> Snapshot {
    let keys = env
        .rows(
            "SELECT id, name, revoked, updated FROM keys ORDER BY id",
            &[],
        )
        .into_iter()
        .map(|r| (r.s(0), r.s(1), r.oi(2), r.i(3)))
        .collect();
    let events = env.int(
        "SELECT count(*) FROM events WHERE type <> 'access.denied'",
        &[],
    );
    (keys, events)
}

/// (actor, key_id, time) of every event of `kind`, oldest first.
fn events_timed(env: &Env, kind: &str) -> Vec<(String, Option<String>, i64, i64)> {
    env.rows(
        "SELECT actor, key_id, time, id FROM events WHERE type = ?1 ORDER BY id",
        &[&kind],
    )
    .into_iter()
    .map(|r| (r.s(0), r.os(1), r.i(2), r.i(3)))
    .collect()
}

/// Runs `args` as `user` with `input` on stdin.
fn run_stdin(env: &Env, user: &str, args: &[&str], input: impl Into<Vec<u8>>) -> Assert {
    env.cmd(user).args(args).write_stdin(input.into()).assert()
}

/// The results of a JSON bulk run, as (id, result) pairs in order.
fn results(a: &Assert) -> Vec<(String, String)> {
    json(a)
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {}", stdout(a)))
        .iter()
        .map(|o| {
            let obj = o.as_object().unwrap();
            assert_eq!(obj.len(), 2, "fields of {o}");
            (
                o["id"].as_str().unwrap().to_owned(),
                o["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn result_map(a: &Assert) -> BTreeMap<String, String> {
    results(a).into_iter().collect()
}

fn pair(id: &str, result: &str) -> (String, String) {
    (id.to_owned(), result.to_owned())
}

/// A tenant with `dev` owning `n` keys named `key-0`, `key-1`, ...
fn with_keys(b: Backend, n: usize) -> (Env, Vec<String>) {
    let env = Env::with_dev(b);
    let ids = (0..n)
        .map(|i| env.generate("dev", &format!("key-{i}")).0)
        .collect();
    (env, ids)
}

const UNKNOWN: &str = "zzzzzzzzzzzzzzzz";

backends! {

    fn revoke_is_for_tenant_admins_only(b) {
        let (env, ids) = with_keys(b, 2);
        env.ok("admin", &["users", "add", "plain"]);
        let before = keys_snapshot(&env);
        for user in ["dev", "plain", "ghost"] {
            for cmd in [["revoke"], ["keys"]] {
                let mut args: Vec<&str> = cmd.to_vec();
                if cmd[0] == "keys" {
                    args.push("revoke");
                }
                args.extend([ids[0].as_str(), "--yes"]);
                let denied = env.count_events("access.denied");
                let a = env.run(user, &args);
                assert_eq!(code(&a), 4, "{user} {args:?}");
                assert!(stdout(&a).is_empty());
                assert!(stderr(&a).starts_with("error: "));
                assert_eq!(env.count_events("access.denied"), denied + 1);
            }
        }
        // Also on stdin, and with --dry-run.
        let a = run_stdin(&env, "dev", &["revoke", "--yes"], ids.join("\n"));
        assert_eq!(code(&a), 4);
        let a = run_stdin(&env, "dev", &["revoke", "--dry-run"], ids.join("\n"));
        assert_eq!(code(&a), 4);
        assert_eq!(keys_snapshot(&env), before);
        assert_eq!(status(&env, &ids[0]), "active");
    }

    fn malformed_id_argument_is_a_usage_error_and_changes_nothing(b) {
        let (env, ids) = with_keys(b, 1);
        let before = keys_snapshot(&env);
        for bad in [
            "not-an-id",
            "0123456789ABCDEF",
            "0123456789abcdef0",
            "'; DROP TABLE keys; --",
        ] {
            let a = env.run("admin", &["revoke", &ids[0], bad, "--yes"]);
            assert_eq!(code(&a), 2, "{bad}: {}", stderr(&a));
            assert!(stderr(&a).contains("malformed"), "{}", stderr(&a));
            assert!(stdout(&a).is_empty());
            let a = env.run("dev", &["keys", "delete", &ids[0], bad, "--yes"]);
            assert_eq!(code(&a), 2, "{bad}");
        }
        assert_eq!(keys_snapshot(&env), before);
    }

    fn destructive_runs_need_yes_off_a_terminal(b) {
        let (env, ids) = with_keys(b, 2);
        let before = keys_snapshot(&env);
        let a = env.run("admin", &["revoke", &ids[0]]);
        assert_eq!(code(&a), 2);
        assert!(stderr(&a).contains("--yes"), "{}", stderr(&a));
        assert!(stdout(&a).is_empty());
        let a = run_stdin(&env, "admin", &["revoke"], ids.join("\n"));
        assert_eq!(code(&a), 2);
        let a = run_stdin(&env, "admin", &["keys", "revoke", "-"], ids.join("\n"));
        assert_eq!(code(&a), 2);
        let a = env.run("dev", &["keys", "delete", &ids[0]]);
        assert_eq!(code(&a), 2);
        assert!(stderr(&a).contains("--yes"));
        let a = run_stdin(&env, "dev", &["keys", "delete"], ids.join("\n"));
        assert_eq!(code(&a), 2);
        assert_eq!(keys_snapshot(&env), before);
    }

    fn no_ids_at_all_is_a_usage_error(b) {
        let (env, _) = with_keys(b, 1);
        let before = keys_snapshot(&env);
        for input in ["", "\n\n", "# nothing\nID\n"] {
            let a = run_stdin(&env, "admin", &["revoke", "--yes"], input);
            assert_eq!(code(&a), 2, "{input:?}");
        }
        assert_eq!(keys_snapshot(&env), before);
    }

    fn dry_run_reports_and_changes_nothing(b) {
        let (env, ids) = with_keys(b, 3);
        env.ok("admin", &["revoke", &ids[1], "--yes"]);
        set_key(&env, &ids[2], "expires", Some(now() - 60));
        let before = keys_snapshot(&env);

        let a = env.run(
            "admin",
            &[
                "revoke",
                &ids[0],
                &ids[1],
                &ids[2],
                UNKNOWN,
                "--dry-run",
                "--format",
                "json",
            ],
        );
        assert_eq!(code(&a), 6, "{}", stderr(&a));
        assert_eq!(
            results(&a),
            vec![
                pair(&ids[0], "would revoke"),
                pair(&ids[1], "already revoked"),
                pair(&ids[2], "expired"),
                pair(UNKNOWN, "not found"),
            ]
        );
        // No --yes needed for a dry run.
        let a = env.run("admin", &["keys", "revoke", &ids[0], "--dry-run"]);
        assert_eq!(code(&a), 0);
        assert!(stdout(&a).contains("would revoke"));
        assert_eq!(keys_snapshot(&env), before);
        assert_eq!(status(&env, &ids[0]), "active");

        let a = env.run(
            "dev",
            &[
                "keys",
                "delete",
                &ids[0],
                &ids[1],
                "--dry-run",
                "--format",
                "csv",
            ],
        );
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(
            stdout(&a),
            format!(
                "id,result\n{},would delete\n{},would delete\n",
                ids[0], ids[1]
            )
        );
        assert_eq!(keys_snapshot(&env), before);
        assert_eq!(env.count_events("api-key.deleted"), 0);
    }

    // ---------------------------------------------------------------------------------
    // stdin parsing
    // ---------------------------------------------------------------------------------

    fn stdin_skips_blanks_comments_headers_and_duplicates(b) {
        let (env, ids) = with_keys(b, 3);
        let input = format!(
            "# keys to revoke\r\n\
             ID\r\n\
             \r\n\
             {a}\r\n\
             \x20 {b}  \n\
             \t\n\
             {a}\n\
             # {c}\n\
             id\n\
             {b},trailing,fields\n\
             {a}",
            a = ids[0],
            b = ids[1],
            c = ids[2]
        );
        let a = run_stdin(
            &env,
            "admin",
            &["revoke", "--yes", "--format", "json"],
            input,
        );
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(
            results(&a),
            vec![pair(&ids[0], "revoked"), pair(&ids[1], "revoked")]
        );
        assert_eq!(
            status(&env, &ids[2]),
            "active",
            "a commented ID was revoked"
        );
        assert_eq!(env.count_events("api-key.revoked"), 2);
        assert!(stderr(&a).contains("2 key IDs"), "{}", stderr(&a));
    }

    fn stdin_dash_reads_ids(b) {
        let (env, ids) = with_keys(b, 2);
        let a = run_stdin(
            &env,
            "admin",
            &["revoke", "-", "--yes", "--format", "csv"],
            format!("{}\n{}\n", ids[0], ids[1]),
        );
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(
            stdout(&a),
            format!("id,result\n{},revoked\n{},revoked\n", ids[0], ids[1])
        );
        assert!(!stdout(&a).contains("key IDs"), "summary on stdout");
        assert!(stderr(&a).contains("revoked: 2"));
    }

    fn list_outputs_pipe_into_revoke(b) {
        for (format, extra) in [
            ("csv", vec!["--format", "csv"]),
            ("table", vec![]),
            ("quiet", vec!["-q"]),
            ("table sorted by name", vec!["--sort", "name"]),
        ] {
            let (env, ids) = with_keys(b, 3);
            // A key with awkward characters in its name, in the middle of the table.
            let (odd, _) = env.generate("dev", "has, comma | bar ┆ box \"q\"");
            let mut args = vec!["keys", "list"];
            args.extend(extra.iter());
            let listing = env.ok("admin", &args);
            let a = run_stdin(
                &env,
                "admin",
                &["revoke", "--yes", "--format", "json"],
                listing,
            );
            assert_eq!(code(&a), 0, "{format}: {}", stderr(&a));
            let got = result_map(&a);
            assert_eq!(got.len(), 4, "{format}: {got:?}");
            for id in ids.iter().chain([&odd]) {
                assert_eq!(got.get(id).map(String::as_str), Some("revoked"), "{format}");
                assert_eq!(status(&env, id), "revoked", "{format}");
            }
            assert_eq!(env.count_events("api-key.revoked"), 4);
        }
    }

    fn search_output_pipes_into_delete(b) {
        let (env, ids) = with_keys(b, 3);
        let (ci, _) = env.generate("dev", "ci-runner");
        let csv = env.ok("dev", &["keys", "search", "key-", "--format", "csv"]);
        let a = run_stdin(
            &env,
            "dev",
            &["keys", "delete", "--yes", "--format", "json"],
            csv,
        );
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(results(&a).len(), 3);
        for id in &ids {
            assert_eq!(status(&env, id), "gone");
        }
        assert_eq!(status(&env, &ci), "active");
        assert_eq!(env.count_events("api-key.deleted"), 3);
    }

    fn invalid_lines_on_stdin_are_results(b) {
        let (env, ids) = with_keys(b, 1);
        let mut input = Vec::new();
        input.extend_from_slice(b"\xff\xfe\xfd\n");
        input.extend_from_slice(b"not-an-id\n");
        input.extend_from_slice(ids[0].as_bytes());
        input.extend_from_slice(b"\n");
        input.extend_from_slice(&[b'x'; 10_000]);
        input.extend_from_slice(b"\n");
        let a = run_stdin(
            &env,
            "admin",
            &["revoke", "--yes", "--format", "json"],
            input,
        );
        assert_eq!(code(&a), 6, "{}", stderr(&a));
        let got = results(&a);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[0].1, "invalid id");
        assert_eq!(got[1], pair("not-an-id", "invalid id"));
        assert_eq!(got[2], pair(&ids[0], "revoked"));
        assert_eq!(got[3].1, "invalid id");
        assert!(got[3].0.len() < 200, "an overlong line is echoed whole");
        assert_eq!(status(&env, &ids[0]), "revoked");
        // Output is valid UTF-8 JSON even for the non-UTF-8 line.
        assert!(std::str::from_utf8(&a.get_output().stdout).is_ok());
    }

    // ---------------------------------------------------------------------------------
    // results and exit codes
    // ---------------------------------------------------------------------------------

    fn every_key_now_unusable_exits_zero(b) {
        let (env, ids) = with_keys(b, 3);
        env.ok("admin", &["revoke", &ids[1], "--yes"]);
        set_key(&env, &ids[2], "expires", Some(now() - 60));
        let a = env.run(
            "admin",
            &[
                "revoke", &ids[0], &ids[1], &ids[2], "--yes", "--format", "json",
            ],
        );
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(
            results(&a),
            vec![
                pair(&ids[0], "revoked"),
                pair(&ids[1], "already revoked"),
                pair(&ids[2], "expired"),
            ]
        );
        // Expired keys are left as they are; only one new revocation event.
        assert_eq!(status(&env, &ids[2]), "expired");
        assert_eq!(env.count_events("api-key.revoked"), 2);
        let err = stderr(&a);
        assert!(
            err.contains("already revoked: 1") && err.contains("expired: 1"),
            "{err}"
        );
    }

    fn partial_runs_exit_six(b) {
        let (env, ids) = with_keys(b, 2);
        let a = env.run(
            "admin",
            &["revoke", &ids[0], UNKNOWN, "--yes", "--format", "json"],
        );
        assert_eq!(code(&a), 6);
        assert_eq!(
            results(&a),
            vec![pair(&ids[0], "revoked"), pair(UNKNOWN, "not found")]
        );
        assert_eq!(status(&env, &ids[0]), "revoked");

        // Success plus an invalid line on stdin.
        let a = run_stdin(
            &env,
            "admin",
            &["revoke", "--yes"],
            format!("{}\nbogus\n", ids[1]),
        );
        assert_eq!(code(&a), 6);
        assert_eq!(status(&env, &ids[1]), "revoked");
    }

    fn all_failures_share_their_code(b) {
        let (env, ids) = with_keys(b, 1);
        let before = keys_snapshot(&env);
        // All not found.
        let a = env.run(
            "admin",
            &[
                "revoke",
                UNKNOWN,
                "yyyyyyyyyyyyyyyy",
                "--yes",
                "--format",
                "json",
            ],
        );
        assert_eq!(code(&a), 3);
        assert_eq!(
            results(&a),
            vec![
                pair(UNKNOWN, "not found"),
                pair("yyyyyyyyyyyyyyyy", "not found")
            ]
        );
        // All invalid, on stdin.
        let a = run_stdin(
            &env,
            "admin",
            &["revoke", "--yes", "--format", "json"],
            "bad\nworse\n",
        );
        assert_eq!(code(&a), 2);
        assert_eq!(
            results(&a),
            vec![pair("bad", "invalid id"), pair("worse", "invalid id")]
        );
        // Different failures, no success: 6.
        let a = run_stdin(
            &env,
            "admin",
            &["revoke", "--yes", "--format", "json"],
            format!("bad\n{UNKNOWN}\n"),
        );
        assert_eq!(code(&a), 6);
        assert_eq!(
            results(&a),
            vec![pair("bad", "invalid id"), pair(UNKNOWN, "not found")]
        );
        assert_eq!(keys_snapshot(&env), before);
        assert_eq!(status(&env, &ids[0]), "active");
    }

    fn table_results_and_summary(b) {
        let (env, ids) = with_keys(b, 1);
        let a = env.run("admin", &["revoke", &ids[0], UNKNOWN, "--yes"]);
        assert_eq!(code(&a), 6);
        let out = stdout(&a);
        assert!(out.contains("RESULT"), "{out}");
        let row = out.lines().find(|l| l.contains(&ids[0])).unwrap();
        assert!(row.contains("revoked"));
        let row = out.lines().find(|l| l.contains(UNKNOWN)).unwrap();
        assert!(row.contains("not found"));
        let err = stderr(&a);
        assert!(
            err.contains("not found: 1") && err.contains("revoked: 1"),
            "{err}"
        );
        assert!(!out.contains("not found: 1"));
        // -q: the IDs changed now, one per line.
        let (env, ids) = with_keys(b, 2);
        let a = env.run(
            "admin",
            &["revoke", &ids[0], &ids[1], UNKNOWN, "--yes", "-q"],
        );
        assert_eq!(code(&a), 6);
        assert_eq!(stdout(&a), format!("{}\n{}\n", ids[0], ids[1]));
    }

    fn one_event_per_revoked_key_in_one_run(b) {
        let (env, ids) = with_keys(b, 5);
        env.ok("admin", &["revoke", &ids[4], "--yes"]);
        let before = env.count_events("api-key.revoked");
        let a = run_stdin(
            &env,
            "admin",
            &["revoke", "--yes", "--format", "json"],
            ids.join("\n"),
        );
        assert_eq!(code(&a), 0);
        let evs = events_timed(&env, "api-key.revoked");
        let new = &evs[before as usize..];
        assert_eq!(new.len(), 4);
        for (ev, id) in new.iter().zip(&ids[..4]) {
            assert_eq!(ev.1.as_deref(), Some(id.as_str()));
            assert_eq!(ev.0, "admin");
        }
        // One run, one transaction: consecutive event IDs and one timestamp.
        for w in new.windows(2) {
            assert_eq!(w[1].3, w[0].3 + 1);
            assert_eq!(w[1].2, w[0].2);
        }
        // The audit chain is intact.
        env.ok("admin", &["events", "verify"]);
    }

    fn search_quiet_piped_into_revoke_end_to_end(b) {
        let env = Env::with_dev(b);
        env.add_developer("dev2");
        let ci_a = env.generate("dev", "ci-alpha").0;
        let ci_b = env.generate("dev2", "ci-beta").0;
        let ci_c = env.generate("dev", "CI-gamma").0;
        let prod = env.generate("dev", "prod").0;
        let bin = assert_cmd::cargo::cargo_bin("keyctl");
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg("\"$KC\" keys search ci- -q | \"$KC\" revoke --yes")
            .env("KC", &bin)
            .env("KEYCTL_DB", &env.db)
            .env("KEYCTL_USER", "admin")
            .env_remove("RUST_BACKTRACE")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{:?}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        for id in [&ci_a, &ci_b, &ci_c] {
            assert_eq!(status(&env, id), "revoked");
        }
        assert_eq!(status(&env, &prod), "active");
        assert_eq!(env.count_events("api-key.revoked"), 3);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("revoked: 3"), "{err}");
    }

    // ---------------------------------------------------------------------------------
    // delete
    // ---------------------------------------------------------------------------------

    fn owner_deletes_own_keys(b) {
        let (env, ids) = with_keys(b, 3);
        env.ok("admin", &["revoke", &ids[1], "--yes"]);
        set_key(&env, &ids[2], "expires", Some(now() - 60));
        let a = env.run(
            "dev",
            &[
                "keys", "delete", &ids[0], &ids[1], &ids[2], "--yes", "--format", "json",
            ],
        );
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(
            results(&a),
            vec![
                pair(&ids[0], "deleted"),
                pair(&ids[1], "deleted"),
                pair(&ids[2], "deleted")
            ]
        );
        for id in &ids {
            assert_eq!(status(&env, id), "gone");
        }
        let evs = events_timed(&env, "api-key.deleted");
        assert_eq!(evs.len(), 3);
        assert!(evs.iter().all(|e| e.0 == "dev"));
        assert!(stderr(&a).contains("deleted: 3"));
        // Deleting again: not found.
        let a = env.run("dev", &["keys", "delete", &ids[0], "--yes"]);
        assert_eq!(code(&a), 3);
        assert!(stdout(&a).contains("not found"));
    }

    fn admin_without_developer_role_cannot_delete(b) {
        let (env, ids) = with_keys(b, 1);
        let before = keys_snapshot(&env);
        let denied = env.count_events("access.denied");
        let a = env.run("admin", &["keys", "delete", &ids[0], "--yes"]);
        assert_eq!(code(&a), 4);
        let err = stderr(&a);
        assert!(err.contains("revoke"), "no hint to revoke: {err}");
        assert!(stdout(&a).is_empty());
        assert_eq!(keys_snapshot(&env), before);
        assert_eq!(env.count_events("access.denied"), denied + 1);
        // Also via stdin.
        let a = run_stdin(&env, "admin", &["keys", "delete", "--yes"], ids[0].clone());
        assert_eq!(code(&a), 4);
        assert_eq!(status(&env, &ids[0]), "active");
    }

    fn developer_deleting_anothers_key_gets_not_found(b) {
        let (env, ids) = with_keys(b, 1);
        env.add_developer("dev2");
        let (mine, _) = env.generate("dev2", "dev2's");
        let before = keys_snapshot(&env);
        let a = env.run(
            "dev2",
            &["keys", "delete", &ids[0], "--yes", "--format", "json"],
        );
        assert_eq!(code(&a), 3);
        assert_eq!(results(&a), vec![pair(&ids[0], "not found")]);
        assert_eq!(keys_snapshot(&env), before);
        let a = env.run(
            "dev2",
            &[
                "keys", "delete", &ids[0], &mine, "--yes", "--format", "json",
            ],
        );
        assert_eq!(code(&a), 6);
        assert_eq!(
            results(&a),
            vec![pair(&ids[0], "not found"), pair(&mine, "deleted")]
        );
        assert_eq!(status(&env, &ids[0]), "active");
        // A plain user may not delete at all.
        env.ok("admin", &["users", "add", "plain", "--licence"]);
        assert_eq!(
            code(&env.run("plain", &["keys", "delete", &ids[0], "--yes"])),
            4
        );
        assert_eq!(status(&env, &ids[0]), "active");
    }


    // ---------------------------------------------------------------------------------
    // revoke: who, and how IDs are given
    // ---------------------------------------------------------------------------------

    fn revoke_ids_as_arguments_both_spellings(b) {
        let (env, ids) = with_keys(b, 4);
        for (cmd, pair_ids) in [
            (vec!["revoke"], &ids[0..2]),
            (vec!["keys", "revoke"], &ids[2..4]),
        ] {
            let mut args = cmd.clone();
            args.extend(pair_ids.iter().map(String::as_str));
            args.push("--yes");
            let a = env.run("admin", &args);
            assert_eq!(code(&a), 0, "{args:?}: {}", stderr(&a));
            let out = stdout(&a);
            for id in pair_ids {
                let line = out.lines().find(|l| l.contains(id.as_str())).expect("row");
                assert!(line.contains("revoked"), "{line}");
                assert_eq!(status(&env, id), "revoked");
            }
            let err = stderr(&a);
            assert!(err.contains("revoked: 2"), "summary: {err}");
            assert!(!out.contains("revoked: 2"), "summary on stdout");
        }
        let evs = events_timed(&env, "api-key.revoked");
        assert_eq!(evs.len(), 4);
        for (ev, id) in evs.iter().zip(&ids) {
            assert_eq!(ev.0, "admin");
            assert_eq!(ev.1.as_deref(), Some(id.as_str()));
        }
        // `updated` follows the revocation.
        let r = env
            .row("SELECT revoked, updated FROM keys WHERE id = ?1", &[&ids[0]])
            .expect("a key");
        let (revoked, updated) = (r.i(0), r.i(1));
        assert_eq!(revoked, updated);
        assert!((revoked - now()).abs() < 120);
    }

    fn revocation_is_final(b) {
        let (env, ids) = with_keys(b, 1);
        env.ok("admin", &["revoke", &ids[0], "--yes"]);
        let err = env
            .try_exec("UPDATE keys SET revoked = NULL WHERE id = ?1", &[&ids[0]])
            .unwrap_err();
        assert!(err.to_string().contains("cannot be reactivated"), "{err}");
        assert_eq!(status(&env, &ids[0]), "revoked");
        let a = env.run("admin", &["revoke", &ids[0], "--yes", "--format", "json"]);
        assert_eq!(code(&a), 0);
        assert_eq!(results(&a), vec![pair(&ids[0], "already revoked")]);
        assert_eq!(env.count_events("api-key.revoked"), 1);
        // Its owner may still delete it.
        env.ok("dev", &["keys", "delete", &ids[0], "--yes"]);
        assert_eq!(status(&env, &ids[0]), "gone");
    }

    fn admin_developer_deleting_anothers_key_is_not_yours(b) {
        let (env, ids) = with_keys(b, 2);
        env.ok("admin", &["users", "grant", "admin", "developer"]);
        let (own, _) = env.generate("admin", "admin's own");
        let before = keys_snapshot(&env);
        let denied = env.count_events("access.denied");
        let a = env.run(
            "admin",
            &[
                "keys", "delete", &ids[0], &ids[1], "--yes", "--format", "json",
            ],
        );
        assert_eq!(code(&a), 4, "{}", stderr(&a));
        assert_eq!(
            results(&a),
            vec![pair(&ids[0], "not yours"), pair(&ids[1], "not yours")]
        );
        // SPEC §3: exit 4 and a hint to revoke instead, on stderr.
        let err = stderr(&a);
        assert!(err.contains("keyctl revoke"), "no hint to revoke: {err}");
        assert!(!stdout(&a).contains("keyctl revoke"), "hint on stdout");
        assert_eq!(keys_snapshot(&env), before);
        assert_eq!(env.count_events("access.denied"), denied + 2);
        let key_ids: Vec<Option<String>> = env
            .rows(
                "SELECT key_id FROM events WHERE type = 'access.denied' ORDER BY id DESC LIMIT 2",
                &[],
            )
            .into_iter()
            .map(|r| r.os(0))
            .collect();
        assert!(key_ids.contains(&Some(ids[0].clone())) && key_ids.contains(&Some(ids[1].clone())));
        let detail: String = env.text("SELECT details FROM events WHERE type = 'access.denied' ORDER BY id DESC LIMIT 1", &[]);
        assert!(detail.contains("revoke"), "{detail}");

        // Mixed with their own key: partial.
        let a = env.run(
            "admin",
            &["keys", "delete", &own, &ids[0], "--yes", "--format", "json"],
        );
        assert_eq!(code(&a), 6);
        assert_eq!(
            results(&a),
            vec![pair(&own, "deleted"), pair(&ids[0], "not yours")]
        );
        assert_eq!(status(&env, &own), "gone");
        assert_eq!(status(&env, &ids[0]), "active");

        // Not yours plus not found, no success: mixed failures, 6.
        let a = env.run(
            "admin",
            &[
                "keys", "delete", &ids[0], UNKNOWN, "--yes", "--format", "json",
            ],
        );
        assert_eq!(code(&a), 6);
        assert_eq!(status(&env, &ids[0]), "active");
    }

    fn thousands_of_ids_on_stdin_in_one_run(b) {
        let env = Env::with_dev(b);
        seed_keys(&env, "dev", 3000);
        let ids = env.ok("admin", &["keys", "list", "-q"]);
        assert_eq!(ids.lines().count(), 3000);
        let a = run_stdin(&env, "admin", &["revoke", "--yes", "--format", "json"], ids);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        let got = results(&a);
        assert_eq!(got.len(), 3000);
        assert!(got.iter().all(|(_, r)| r == "revoked"));
        let active: i64 = env.int("SELECT count(*) FROM keys WHERE revoked IS NULL", &[]);
        assert_eq!(active, 0);
        assert_eq!(env.count_events("api-key.revoked"), 3000);
        env.ok("admin", &["events", "verify"]);
    }
}
