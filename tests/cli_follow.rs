//! Black-box tests of `keyctl events --follow` (SPEC §4 events): matching events, then
//! each new one as another process commits it, until SIGTERM, SIGINT or a closed pipe
//! (exit 0, the last line complete); JSON Lines in JSON, the CSV header once.

// Every test here runs on both backends (see `backends!` in tests/common).

#[macro_use]
mod common;
use common::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

/// How long a new event may take to show. SPEC: within a second of its commit; the
/// machines running the tests are shared and slow, so the test allows more.
const SHOWS_WITHIN: Duration = Duration::from_secs(5);

struct Follower {
    child: Child,
    lines: Receiver<String>,
}

impl Follower {
    /// Starts `keyctl events --follow ARGS` as `user`; its stdout lines arrive on a channel
    /// (each with its newline, so an incomplete last line would show).
    fn start(env: &Env, user: &str, args: &[&str]) -> Follower {
        let mut cmd = env.std_cmd(user);
        cmd.args(["events", "--follow"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn follower");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut line = String::new();
                match r.read_line(&mut line) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {
                        if tx.send(line).is_err() {
                            break;
                        }
                    }
                }
            }
        });
        Follower { child, lines: rx }
    }

    /// The next `n` lines, each within [`SHOWS_WITHIN`].
    fn take(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                self.lines
                    .recv_timeout(SHOWS_WITHIN)
                    .unwrap_or_else(|e| panic!("line {i} of {n} did not come: {e}"))
            })
            .collect()
    }

    /// No further line within `d`.
    fn quiet_for(&self, d: Duration) {
        if let Ok(l) = self.lines.recv_timeout(d) {
            panic!("unexpected line {l:?}");
        }
    }

    /// Sends `signal`, waits for the exit; returns (exit code, remaining lines, stderr).
    fn stop(mut self, signal: libc::c_int) -> (i32, Vec<String>, String) {
        // SAFETY: a signal to our own child process.
        unsafe { libc::kill(self.child.id() as libc::pid_t, signal) };
        let status = wait_timeout(&mut self.child, Duration::from_secs(20));
        let mut rest = Vec::new();
        while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(2)) {
            rest.push(l);
        }
        let mut err = String::new();
        use std::io::Read;
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        (status, rest, err)
    }
}

/// Waits for `child` at most `limit`; kills it and fails the test after that.
fn wait_timeout(child: &mut Child, limit: Duration) -> i32 {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s
                .code()
                .unwrap_or_else(|| panic!("killed by a signal: {s:?}"));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("the follower did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn parse(line: &str) -> Value {
    assert!(line.ends_with('\n'), "incomplete line {line:?}");
    serde_json::from_str(line).unwrap_or_else(|e| panic!("not one JSON object ({e}): {line:?}"))
}

backends! {

    fn a_follower_sees_another_processes_changes_and_ends_on_sigterm(b) {
        let env = Env::with_dev(b);
        let existing = last_event(&env) as usize;
        let f = Follower::start(&env, "admin", &["--format", "json"]);
        // First the existing events, oldest first, one JSON object per line.
        let first: Vec<Value> = f.take(existing).iter().map(|l| parse(l)).collect();
        let ids: Vec<i64> = first.iter().map(|e| e["id"].as_i64().unwrap()).collect();
        assert_eq!(ids, (1..=existing as i64).collect::<Vec<_>>());
        f.quiet_for(Duration::from_millis(600));

        // Another process generates, then another revokes: each shows up, in order.
        let (id, _) = env.generate("dev", "followed");
        let g = parse(&f.take(1)[0]);
        assert_eq!(g["type"], "api-key.generated");
        assert_eq!(g["key_id"], id.as_str());
        assert_eq!(g["details"]["name"], "followed");
        env.ok("admin", &["revoke", &id, "--yes"]);
        let r = parse(&f.take(1)[0]);
        assert_eq!(r["type"], "api-key.revoked");
        assert_eq!(r["key_id"], id.as_str());
        assert_eq!(r["id"], g["id"].as_i64().unwrap() + 1);

        let (code, rest, err) = f.stop(libc::SIGTERM);
        assert_eq!(code, 0, "stderr: {err}");
        assert!(rest.is_empty(), "{rest:?}");
        assert!(!err.contains("error"), "{err}");
    }

    fn sigint_ends_it_too_and_filters_apply_to_new_events(b) {
        let env = Env::with_dev(b);
        let f = Follower::start(
            &env,
            "admin",
            &["--type", "api-key.revoked", "--format", "json"],
        );
        f.quiet_for(Duration::from_millis(600));
        let (a, _) = env.generate("dev", "a");
        let (b, _) = env.generate("dev", "b");
        env.ok("admin", &["revoke", &b, "--yes"]);
        let got = parse(&f.take(1)[0]);
        assert_eq!(got["type"], "api-key.revoked");
        assert_eq!(got["key_id"], b.as_str());
        f.quiet_for(Duration::from_millis(800));
        let (code, rest, err) = f.stop(libc::SIGINT);
        assert_eq!(code, 0, "{err}");
        assert!(rest.is_empty(), "{rest:?}");

        // --key: only that key's events, the existing one first.
        let f = Follower::start(&env, "admin", &["--key", &a, "--format", "json"]);
        assert_eq!(parse(&f.take(1)[0])["type"], "api-key.generated");
        env.ok("admin", &["revoke", &b, &a, "--yes"]);
        let got = parse(&f.take(1)[0]);
        assert_eq!(got["key_id"], a.as_str());
        f.quiet_for(Duration::from_millis(600));
        assert_eq!(f.stop(libc::SIGTERM).0, 0);
    }

    fn limit_starts_from_the_newest_n_in_order(b) {
        let env = Env::with_dev(b);
        let last = last_event(&env);
        let f = Follower::start(&env, "admin", &["--limit", "2", "-q"]);
        assert_eq!(
            f.take(2),
            vec![format!("{}\n", last - 1), format!("{last}\n")]
        );
        f.quiet_for(Duration::from_millis(600));
        env.generate("dev", "k");
        assert_eq!(f.take(1), vec![format!("{}\n", last + 1)]);
        assert_eq!(f.stop(libc::SIGTERM).0, 0);
    }

    fn csv_prints_its_header_once_and_table_one_line_per_event(b) {
        let env = Env::with_dev(b);
        let existing = last_event(&env) as usize;
        let f = Follower::start(&env, "admin", &["--format", "csv"]);
        let lines = f.take(1 + existing);
        assert_eq!(lines[0], "id,time,type,actor,key_id,details,hash\n");
        env.generate("dev", "one, \"quoted\"");
        env.generate("dev", "two");
        let new = f.take(2);
        let (code, rest, _) = f.stop(libc::SIGTERM);
        assert_eq!(code, 0);
        assert!(rest.is_empty());
        let all: String = lines.into_iter().chain(new).collect();
        assert_eq!(all.matches("id,time,type").count(), 1, "{all}");
        let mut r = csv::Reader::from_reader(all.as_bytes());
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), existing + 2);
        assert_eq!(&rows[existing][2], "api-key.generated");
        assert!(
            rows[existing][5].contains("one, \\\"quoted\\\""),
            "{:?}",
            rows[existing]
        );

        // Table: one line per event.
        let f = Follower::start(&env, "admin", &["--type", "api-key.renamed"]);
        let (id, _) = env.generate("dev", "plain");
        env.ok("dev", &["keys", "rename", &id, "renamed"]);
        let line = &f.take(1)[0];
        assert!(
            line.contains("api-key.renamed") && line.contains(&id),
            "{line}"
        );
        f.quiet_for(Duration::from_millis(600));
        assert_eq!(f.stop(libc::SIGTERM).0, 0);
    }

    fn a_closed_pipe_ends_it_quietly(b) {
        let env = Env::with_dev(b);
        let mut child = env
            .std_cmd("admin")
            .args(["events", "--follow"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut reader = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        reader.read_line(&mut first).unwrap();
        assert!(first.contains("user.added"), "{first}");
        // The reader goes away (like `| head -n 1`): the follower ends with exit 0, without
        // waiting for another event to fail writing.
        drop(reader);
        let code = wait_timeout(&mut child, Duration::from_secs(20));
        assert_eq!(code, 0);
        let mut err = String::new();
        use std::io::Read;
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(err, "", "quietly");
    }

    fn only_readers_of_the_log_may_follow_and_a_demoted_follower_is_stopped(b) {
        let env = Env::with_dev(b);
        for user in ["dev", "ghost"] {
            assert_denied(&env, user, &["events", "--follow"]);
        }
        let a = env.run("admin", &["events", "--follow", "--type", "no.such"]);
        assert_eq!(code(&a), 2, "{}", stderr(&a));
        // An auditor may follow; once the role is taken, the follower is refused (exit 4)
        // and the refusal is recorded.
        env.ok("admin", &["users", "add", "aud", "--role", "auditor"]);
        let existing = last_event(&env) as usize;
        let f = Follower::start(&env, "aud", &["-q"]);
        f.take(existing);
        env.ok("admin", &["users", "ungrant", "aud", "auditor"]);
        let mut child = f.child;
        let code = wait_timeout(&mut child, Duration::from_secs(20));
        assert_eq!(code, 4);
        let denied = events_of(&env, "access.denied");
        let (actor, _, d) = denied.last().unwrap();
        assert_eq!(actor, "aud");
        assert_eq!(d["action"], "events.read");
    }
}
