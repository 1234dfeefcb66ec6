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

#[test]
fn the_secret_prints_in_one_piece_at_any_terminal_width() {
    let env = Env::with_dev();
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

#[test]
fn a_terminal_reporting_no_width_gets_unwrapped_tables() {
    let env = Env::with_dev();
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

#[test]
fn ctrl_c_at_a_prompt_restores_the_cursor_and_changes_nothing() {
    let env = Env::with_dev();
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
