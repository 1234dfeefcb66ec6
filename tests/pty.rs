//! The interactive paths, in a real pseudo-terminal (rexpect): the confirmation prompt
//! of `keyctl revoke ID` and the name prompt of `keys generate` (SPEC §1, §4).

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
    env.sql()
        .query_row(
            "SELECT revoked IS NOT NULL FROM keys WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn revoke_asks_and_yes_revokes() {
    let env = Env::with_dev();
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

#[test]
fn revoke_asks_and_no_changes_nothing() {
    let env = Env::with_dev();
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

#[test]
fn revoke_prompt_counts_the_keys() {
    let env = Env::with_dev();
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

#[test]
fn a_developer_is_refused_before_any_prompt() {
    let env = Env::with_dev();
    let (id, _) = env.generate("dev", "mine");
    let p = spawn(&env, "dev", &["revoke", &id]);
    let (rest, code) = finish(p);
    assert_eq!(code, 4, "output: {rest}");
    assert!(!rest.contains("This cannot be undone"), "output: {rest}");
    assert!(!revoked(&env, &id));
}

#[test]
fn revoke_without_ids_on_a_terminal_is_a_usage_error() {
    let env = Env::with_dev();
    let (id, _) = env.generate("dev", "mine");
    let p = spawn(&env, "admin", &["revoke"]);
    let (rest, code) = finish(p);
    assert_eq!(code, 2, "output: {rest}");
    assert!(!revoked(&env, &id));
}

#[test]
fn generate_prompts_for_a_name_on_a_terminal() {
    let env = Env::with_dev();
    let mut p = spawn(&env, "dev", &["keys", "generate", "-q"]);
    p.exp_string("Key name").expect("the name prompt");
    p.send_line("typed at the prompt").expect("answer");
    let (rest, code) = finish(p);
    assert_eq!(code, 0, "output: {rest}");
    assert!(rest.contains("kc_"), "the key is shown: {rest}");
    assert!(rest.contains("only once"), "{rest}");
    let name: String = env
        .sql()
        .query_row("SELECT name FROM keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(name, "typed at the prompt");
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

#[test]
fn rights_are_checked_again_when_the_prompt_is_answered() {
    let env = Env::with_dev();
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
