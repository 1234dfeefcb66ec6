//! The interactive paths, in a real pseudo-terminal (rexpect): the confirmation prompt
//! of `keyctl revoke ID`, the revoke checklist and the name prompt of `keys generate`
//! (SPEC §1, §4).

// Every test here runs on both backends (see `backends!` in tests/common).

#[macro_use]
mod common;
use common::*;
use rexpect::process::WaitStatus;
use rexpect::session::{PtySession, spawn_command};

/// Generous: the machines here are slow and shared.
const TIMEOUT_MS: u64 = 60_000;

/// `keyctl` with `args`, acting as `user` on `env`, in a fresh pseudo-terminal.
fn spawn(env: &Env, user: &str, args: &[&str]) -> PtySession {
    let mut cmd = env.std_cmd(user);
    cmd.env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .env("COLUMNS", "200")
        .env("LINES", "50")
        .args(args);
    spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn keyctl in a pty")
}

/// Reads everything until the process closes the terminal; returns (output, exit code).
fn finish(mut p: PtySession) -> (String, i32) {
    let rest = p.exp_eof().expect("keyctl ends");
    let status = p.process().wait().expect("wait for keyctl");
    match status {
        WaitStatus::Exited(_, code) => (rest, code),
        other => panic!("keyctl did not exit normally: {other:?}\n{rest}"),
    }
}

fn revoked(env: &Env, id: &str) -> bool {
    env.int(
        "SELECT count(*) FROM keys WHERE id = ?1 AND revoked IS NOT NULL",
        &[&id],
    ) == 1
}

/// Like [`spawn`], in a terminal of `cols` columns (0: one that reports no width).
fn spawn_cols(env: &Env, user: &str, cols: u16, args: &[&str]) -> PtySession {
    let keyctl = env.std_cmd(user);
    let mut cmd = std::process::Command::new("sh");
    cmd.arg("-c")
        .arg(format!("stty cols {cols} rows 24 && exec \"$0\" \"$@\""))
        .arg(keyctl.get_program())
        .args(keyctl.get_args())
        .args(args)
        .env_remove("KEYCTL_DB")
        .env_remove("KEYCTL_USER")
        .env_remove("RUST_BACKTRACE")
        .env_remove("COLUMNS")
        .env("TERM", "xterm");
    spawn_command(cmd, Some(TIMEOUT_MS)).expect("spawn keyctl in a pty")
}

/// The pty's output as rexpect hands it over (one char per byte) decoded as UTF-8.
fn utf8(raw: &str) -> String {
    let bytes: Vec<u8> = raw.chars().map(|c| c as u32 as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The first whole key (`kc_` and what follows of `[A-Za-z0-9_]`) in `text`.
fn key_in(text: &str) -> String {
    let at = text.find("kc_").expect("a key in the output");
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

/// Five active keys of `dev` with 5, 4, 3, 2 and 1 uses (the checklist's order), and
/// `other`'s key with none. Returns dev's IDs, most used first, and other's ID.
fn five_keys(env: &Env) -> (Vec<String>, String) {
    env.add_developer("other");
    let mut ids = Vec::new();
    for (i, uses) in [3, 1, 5, 2, 4].into_iter().enumerate() {
        let (id, _) = env.generate("dev", &format!("key {i}"));
        set_key(env, &id, "uses", Some(uses));
        ids.push((uses, id));
    }
    ids.sort_by_key(|k| std::cmp::Reverse(k.0));
    let (theirs, _) = env.generate("other", "theirs");
    (ids.into_iter().map(|(_, id)| id).collect(), theirs)
}

const CHECKLIST: &str = "Tick the keys to revoke";

/// Sends keys to the checklist, one at a time (as a person types).
fn press(p: &mut PtySession, keys: &[&str]) {
    for k in keys {
        p.send(k).expect("send a key");
        p.flush().expect("flush");
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
}

/// Runs `revoke ARGS` on a terminal as admin, waits for the checklist, presses `keys`;
/// requires exit 2 with nothing changed (no event either). Returns the output.
fn checklist_changes_nothing(env: &Env, args: &[&str], keys: &[&str]) -> String {
    let before = snapshot_with_events(env);
    let mut all = vec!["revoke"];
    all.extend_from_slice(args);
    let mut p = spawn(env, "admin", &all);
    p.exp_string(CHECKLIST).expect("the checklist");
    std::thread::sleep(std::time::Duration::from_millis(300));
    press(&mut p, keys);
    let (rest, code) = finish(p);
    assert_eq!(code, 2, "{args:?} {keys:?}: {rest}");
    assert!(rest.contains("nothing changed"), "{rest}");
    assert_eq!(snapshot_with_events(env), before, "{args:?} {keys:?}");
    rest
}

/// Issue 8 #1: `keyctl --as OP ARGS` waits at its prompt while `change` (run as the
/// admin) takes OP's right away; answering `answer` must then be refused (exit 4) with
/// an `access.denied` of `action` after the change, and nothing else changed.
fn refused_at_the_prompt(
    env: &Env,
    op: &str,
    args: &[&str],
    prompt: &str,
    change: &[&str],
    answer: &str,
    action: &str,
) {
    let mut p = spawn(env, op, args);
    p.exp_string(prompt).expect("the prompt");
    env.ok("admin", change);
    let before = snapshot(env);
    let last = last_event(env);
    p.send_line(answer).expect("answer");
    p.flush().expect("flush");
    let (rest, code) = finish(p);
    assert_eq!(code, 4, "{args:?} after {change:?}: {rest}");
    assert_eq!(
        snapshot(env),
        before,
        "{args:?} after {change:?} changed the tenant"
    );
    let new = events_after(env, last);
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0].kind, "access.denied");
    assert_eq!(new[0].actor, op);
    assert_eq!(new[0].details["action"], action, "{new:?}");
}

backends! {

    fn revoke_asks_and_yes_revokes(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "prompted");
        let mut p = spawn(&env, "admin", &["revoke", &id]);
        p.exp_string("Revoke 1 key? This cannot be undone.")
            .expect("the confirmation prompt");
        p.send("y").expect("answer");
        p.flush().expect("flush");
        let (rest, code) = finish(p);
        assert_eq!(code, 0, "output: {rest}");
        assert!(rest.contains("revoked"), "output: {rest}");
        assert!(revoked(&env, &id));
        assert_eq!(env.count_events("api-key.revoked"), 1);
    }

    fn revoke_asks_and_no_changes_nothing(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "kept");
        let events = env.count_events("api-key.revoked");
        let mut p = spawn(&env, "admin", &["keys", "revoke", &id]);
        p.exp_string("Revoke 1 key? This cannot be undone.")
            .expect("the confirmation prompt");
        p.send("n").expect("answer");
        p.flush().expect("flush");
        let (rest, code) = finish(p);
        assert_ne!(code, 0, "output: {rest}");
        assert_eq!(code, 2, "output: {rest}");
        assert!(rest.contains("nothing changed"), "output: {rest}");
        assert!(!revoked(&env, &id));
        assert_eq!(env.count_events("api-key.revoked"), events);
    }

    fn revoke_prompt_counts_the_keys(b) {
        let env = Env::with_dev(b);
        let (a, _) = env.generate("dev", "one");
        let (b, _) = env.generate("dev", "two");
        let (c, _) = env.generate("dev", "three");
        let mut p = spawn(&env, "admin", &["revoke", &a, &b, &c]);
        p.exp_string("Revoke 3 keys? This cannot be undone.")
            .expect("the confirmation prompt");
        p.send("y").expect("answer");
        p.flush().expect("flush");
        let (rest, code) = finish(p);
        assert_eq!(code, 0, "output: {rest}");
        assert!(revoked(&env, &a) && revoked(&env, &b) && revoked(&env, &c));
    }

    fn a_developer_is_refused_before_any_prompt(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "mine");
        let p = spawn(&env, "dev", &["revoke", &id]);
        let (rest, code) = finish(p);
        assert_eq!(code, 4, "output: {rest}");
        assert!(!rest.contains("This cannot be undone"), "output: {rest}");
        assert!(!revoked(&env, &id));
    }

    fn the_secret_prints_in_one_piece_at_any_terminal_width(b) {
        let env = Env::with_dev(b);
        for cols in [80, 40, 0] {
            let p = spawn_cols(&env, "dev", cols, &["keys", "generate", "--name", "wide"]);
            let (out, code) = finish(p);
            let out = utf8(&out);
            assert_eq!(code, 0, "{cols} columns: {out}");
            let line = out
                .lines()
                .find(|l| l.contains("kc_"))
                .expect("the key's line");
            let key = key_in(line);
            assert!(
                line.trim_end().ends_with(&key),
                "{cols}: alone on its line: {line:?}"
            );
            // The key copied from the terminal is the key: it verifies.
            let a = env
                .cmd("nobody")
                .args(["keys", "verify"])
                .write_stdin(key.clone())
                .assert();
            assert_eq!(common::code(&a), 0, "{cols} columns: {key} from {out}");
            let table: Vec<&str> = out.lines().filter(|l| l.contains('│')).collect();
            assert!(table.iter().any(|l| l.contains("FIELD")), "{out}");
            if cols > 0 {
                assert!(
                    table
                        .iter()
                        .all(|l| l.trim_end().chars().count() <= cols as usize),
                    "{cols} columns: {out}"
                );
            }
        }
    }

    fn a_terminal_reporting_no_width_gets_unwrapped_tables(b) {
        let env = Env::with_dev(b);
        env.generate("dev", "a name with several words in it");
        let p = spawn_cols(&env, "admin", 0, &["keys", "list"]);
        let (out, code) = finish(p);
        let out = utf8(&out);
        assert_eq!(code, 0, "{out}");
        // Not one character per row: the header and the name are each on one line.
        assert!(out.contains("LAST USED"), "{out}");
        assert!(out.contains("a name with several words in it"), "{out}");
        assert_eq!(out.lines().filter(|l| l.contains('│')).count(), 2, "{out}");
    }

    fn ctrl_c_at_a_prompt_restores_the_cursor_and_changes_nothing(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "kept");
        let before = snapshot_with_events(&env);
        let mut p = spawn(&env, "admin", &["revoke", &id]);
        p.exp_string("Revoke 1 key? This cannot be undone.")
            .expect("the confirmation prompt");
        p.send_control('c').expect("Ctrl-C");
        p.flush().expect("flush");
        let (rest, code) = finish(p);
        assert_eq!(code, 130, "output: {rest:?}");
        assert!(
            rest.contains("\u{1b}[?25h"),
            "the cursor is shown again: {rest:?}"
        );
        assert!(!revoked(&env, &id));
        assert_eq!(snapshot_with_events(&env), before);
        // The same at generate's name prompt.
        let mut p = spawn(&env, "dev", &["keys", "generate"]);
        p.exp_string("Key name").expect("the name prompt");
        p.send_control('c').expect("Ctrl-C");
        p.flush().expect("flush");
        let (rest, code) = finish(p);
        assert_eq!(code, 130, "output: {rest:?}");
        assert!(rest.contains("\u{1b}[?25h"), "{rest:?}");
        assert_eq!(snapshot_with_events(&env), before);
    }

    fn checklist_tick_two_of_five_and_confirm(b) {
        let env = Env::with_dev(b);
        let (ids, theirs) = five_keys(&env);
        let mut p = spawn(&env, "admin", &["revoke", "--owner", "dev"]);
        let (_, shown) = p
            .exp_regex(&format!("(?s){CHECKLIST}.*{}", ids[4]))
            .expect("the checklist");
        // Most used first, with its columns; only dev's keys (--owner).
        let pos: Vec<usize> = ids
            .iter()
            .map(|id| shown.find(id.as_str()).unwrap())
            .collect();
        assert!(pos.windows(2).all(|w| w[0] < w[1]), "{shown}");
        assert!(!shown.contains(&theirs), "{shown}");
        for column in ["key 2", "dev", "expires 20", "last used never", "5 uses"] {
            assert!(shown.contains(column), "{column} in {shown}");
        }
        // Tick the first (5 uses) and the third (3 uses), then enter.
        press(&mut p, &[" ", "j", "j", " ", "\r"]);
        p.exp_string("Revoke 2 keys? This cannot be undone.")
            .expect("the usual confirmation");
        p.send("y").expect("answer");
        p.flush().expect("flush");
        let (rest, code) = finish(p);
        assert_eq!(code, 0, "output: {rest}");
        let states: Vec<bool> = ids.iter().map(|id| revoked(&env, id)).collect();
        assert_eq!(states, [true, false, true, false, false], "{rest}");
        assert!(!revoked(&env, &theirs));
        let events: Vec<String> = events_of(&env, "api-key.revoked")
            .into_iter()
            .map(|(_, k, _)| k.unwrap())
            .collect();
        let mut expect = vec![ids[0].clone(), ids[2].clone()];
        expect.sort();
        let mut events = events;
        events.sort();
        assert_eq!(events, expect);
    }

    fn checklist_esc_or_nothing_ticked_changes_nothing(b) {
        let env = Env::with_dev(b);
        let (ids, _) = five_keys(&env);
        let out = checklist_changes_nothing(&env, &[], &[" ", "j", " ", "\x1b"]);
        assert!(out.contains("cancelled"), "{out}");
        let out = checklist_changes_nothing(&env, &[], &["\r"]);
        assert!(out.contains("no key ticked"), "{out}");
        // Ticked, then untick, then enter: nothing ticked.
        let out = checklist_changes_nothing(&env, &[], &[" ", " ", "\r"]);
        assert!(out.contains("no key ticked"), "{out}");
        // Ticked, then "no" at the confirmation.
        let before = snapshot_with_events(&env);
        let mut p = spawn(&env, "admin", &["revoke"]);
        p.exp_string(CHECKLIST).expect("the checklist");
        press(&mut p, &[" ", "\r"]);
        p.exp_string("Revoke 1 key? This cannot be undone.")
            .expect("the confirmation");
        p.send("n").expect("answer");
        p.flush().expect("flush");
        let (rest, code) = finish(p);
        assert_eq!(code, 2, "{rest}");
        assert_eq!(snapshot_with_events(&env), before);
        assert!(ids.iter().all(|id| !revoked(&env, id)));
    }

    fn checklist_search_narrows_and_dry_run_changes_nothing(b) {
        let env = Env::with_dev(b);
        let (ids, theirs) = five_keys(&env);
        let mut p = spawn(
            &env,
            "admin",
            &["revoke", "--search", "THEIRS", "--dry-run"],
        );
        let (_, shown) = p
            .exp_regex(&format!("(?s){CHECKLIST}.*{theirs}"))
            .expect("the checklist");
        assert!(ids.iter().all(|id| !shown.contains(id.as_str())), "{shown}");
        press(&mut p, &[" ", "\r"]);
        let (rest, code) = finish(p);
        assert_eq!(code, 0, "{rest}");
        assert!(rest.contains("would revoke"), "{rest}");
        assert!(!revoked(&env, &theirs));
        // A search or owner nothing matches: exit 2, no checklist.
        for args in [
            &["revoke", "--search", "nomatch"][..],
            &["revoke", "--owner", "nobody"],
        ] {
            let (rest, code) = finish(spawn(&env, "admin", args));
            assert_eq!(code, 2, "{rest}");
            assert!(!rest.contains(CHECKLIST), "{rest}");
        }
    }

    fn checklist_over_a_thousand_keys_asks_to_narrow(b) {
        let env = Env::with_dev(b);
        seed_keys(&env, "dev", 1_001);
        env.add_developer("other");
        let (theirs, _) = env.generate("other", "theirs");
        let before = snapshot_with_events(&env);
        let (rest, code) = finish(spawn(&env, "admin", &["revoke"]));
        assert_eq!(code, 2, "{rest}");
        assert!(
            rest.contains("--owner") && rest.contains("--search"),
            "{rest}"
        );
        assert!(!rest.contains(CHECKLIST), "{rest}");
        assert_eq!(snapshot_with_events(&env), before);
        // Narrowed, it shows.
        let mut p = spawn(&env, "admin", &["revoke", "--owner", "other"]);
        p.exp_string(&theirs).expect("narrowed checklist");
        press(&mut p, &["\x1b"]);
        let (_, code) = finish(p);
        assert_eq!(code, 2);
    }

    fn checklist_is_for_tenant_admins_and_terminals_only(b) {
        let env = Env::with_dev(b);
        let (ids, _) = five_keys(&env);
        // A developer is refused before any checklist, and the refusal is recorded.
        let last = last_event(&env);
        let (rest, status) = finish(spawn(&env, "dev", &["revoke"]));
        assert_eq!(status, 4, "{rest}");
        assert!(!rest.contains(CHECKLIST), "{rest}");
        let new = events_after(&env, last);
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].kind, "access.denied");
        // Off a terminal, nothing changes in the old behaviour; --owner/--search there
        // are usage errors.
        let before = snapshot_with_events(&env);
        for args in [
            &["revoke", "--owner", "dev", "--yes"][..],
            &["revoke", "--search", "key", "--yes"],
            &["revoke", ids[0].as_str(), "--owner", "dev", "--yes"],
        ] {
            let a = env.run("admin", args);
            assert_eq!(code(&a), 2, "{args:?}: {}", stderr(&a));
            assert_eq!(stderr(&a).lines().count(), 1, "{}", stderr(&a));
        }
        assert_eq!(snapshot_with_events(&env), before);
        let a = env
            .cmd("admin")
            .args(["revoke", "--yes"])
            .write_stdin(format!("{}\n", ids[0]))
            .assert();
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert!(revoked(&env, &ids[0]));
    }

    fn rights_are_checked_again_when_the_prompt_is_answered(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "target");
        for (change, user) in [
            (&["users", "remove", "b", "--yes"][..], "b"),
            (&["users", "ungrant", "c", "tenant-admin"][..], "c"),
        ] {
            env.ok("admin", &["users", "add", user, "--role", "tenant-admin"]);
            refused_at_the_prompt(
                &env,
                user,
                &["revoke", &id],
                "Revoke 1 key? This cannot be undone.",
                change,
                "y",
                "keys.revoke",
            );
        }
        assert!(!revoked(&env, &id));
        env.ok("admin", &["users", "add", "d", "--role", "tenant-admin"]);
        refused_at_the_prompt(
            &env,
            "d",
            &["settings", "disable"],
            "Disable API keys?",
            &["users", "remove", "d", "--yes"],
            "y",
            "settings.change",
        );
        refused_at_the_prompt(
            &env,
            "dev",
            &["keys", "generate", "-q"],
            "Key name",
            &["users", "licence", "dev", "off"],
            "typed at the prompt",
            "keys.generate",
        );
        env.ok("admin", &["users", "add", "e", "--role", "tenant-admin"]);
        refused_at_the_prompt(
            &env,
            "e",
            &["users", "remove", "dev"],
            "Remove user dev",
            &["users", "remove", "e", "--yes"],
            "y",
            "users.manage",
        );
    }


    fn generate_prompts_for_a_name_on_a_terminal(b) {
        let env = Env::with_dev(b);
        let mut p = spawn(&env, "dev", &["keys", "generate", "-q"]);
        p.exp_string("Key name").expect("the name prompt");
        p.send_line("typed at the prompt").expect("answer");
        let (rest, code) = finish(p);
        assert_eq!(code, 0, "output: {rest}");
        assert!(rest.contains("kc_"), "the key is shown: {rest}");
        assert!(rest.contains("only once"), "{rest}");
        let name: String = env.text("SELECT name FROM keys", &[]);
        assert_eq!(name, "typed at the prompt");
    }
}

/// `keyctl copy` of a large tenant shows a progress bar on a terminal (SPEC §4 copy),
/// cleared at the end, then its summary; off a terminal it shows none (cli_copy.rs).
#[test]
fn copy_of_a_large_tenant_shows_a_progress_bar() {
    let env = Env::with_dev(Backend::Sqlite);
    seed_keys(&env, "dev", 12_000);
    let to = env.dir.path().join("copy.db");
    let p = spawn(&env, "admin", &["copy", "--to", to.to_str().unwrap()]);
    let (out, code) = finish(p);
    assert_eq!(code, 0, "output: {out}");
    let total = last_event(&env);
    assert!(
        out.contains(&format!("/{total} events, ")),
        "no progress bar: {out}"
    );
    assert!(out.contains("copied 2 users, 12000 keys"), "{out}");
}
