//! Output, terminal and stdin defects found by attacking keyctl from outside (issue 8):
//! limits past i64, stored text printed raw, a closed stderr, the whole of stdin on
//! verify, and the stdin ID list's BOM and headers.

// Every test here runs on both backends (see `backends!` in tests/common).

#[macro_use]
mod common;
use common::*;

/// `keys verify` with `input` on stdin: (exit code, stdout, stderr).
fn verify_with(env: &Env, input: Vec<u8>) -> (i32, String, String) {
    let a = env
        .cmd("nobody")
        .args(["keys", "verify"])
        .write_stdin(input)
        .assert();
    (code(&a), stdout(&a), stderr(&a))
}

/// Runs `keyctl --as admin args` with stderr a pipe whose reader is already gone, and
/// stdout captured; returns (exit code, stdout).
fn with_closed_stderr(env: &Env, user: &str, args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = env
        .std_cmd(user)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(writer)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

/// Whether `text` holds anything a terminal would act on: ESC, another control
/// character but newline, or a bidi override.
fn has_raw_controls(text: &str) -> bool {
    text.chars()
        .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}'))
}

const EVIL: &str = "dev\u{1b}[2J\u{202E}";

backends! {

    fn a_limit_past_i64_is_a_usage_error(b) {
        let env = Env::with_dev(b);
        env.generate("dev", "one");
        let before = snapshot_with_events(&env);
        for limit in ["9223372036854775808", "18446744073709551616"] {
            for args in [
                vec!["keys", "list", "--limit", limit],
                vec!["keys", "search", "one", "--limit", limit],
                vec!["events", "--limit", limit],
                vec!["events", "top", "--limit", limit],
            ] {
                let a = env.run("admin", &args);
                assert_eq!(code(&a), 2, "{args:?}: {}", stderr(&a));
                let err = stderr(&a);
                assert!(
                    err.starts_with("error: ") && err.lines().count() == 1,
                    "{err}"
                );
                assert_eq!(stdout(&a), "", "{args:?}");
            }
        }
        let a = env.run(
            "admin",
            &["keys", "list", "--limit", "9223372036854775807", "-q"],
        );
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(stdout(&a).lines().count(), 1);
        let a = env.run(
            "admin",
            &[
                "settings",
                "set",
                "max-keys-per-user",
                "9223372036854775808",
            ],
        );
        assert_eq!(code(&a), 2, "{}", stderr(&a));
        assert_eq!(snapshot_with_events(&env), before);
    }

    fn verify_stops_reading_an_endless_stdin(b) {
        let env = Env::with_dev(b);
        let (_, secret) = env.generate("dev", "endless");
        // `yes` never ends: keyctl must decide after the limit and not wait for EOF.
        let mut child = env
            .std_cmd("nobody")
            .args(["keys", "verify"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(secret.as_bytes());
            let chunk = vec![b' '; 4096];
            while stdin.write_all(&chunk).is_ok() {}
        });
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap();
        assert_eq!(out.status.code(), Some(5));
        assert!(String::from_utf8_lossy(&out.stderr).contains("malformed"));
    }

    fn a_closed_stderr_is_as_quiet_as_a_closed_stdout(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "target");
        // A dry run writes its summary on stderr.
        let (c, out) = with_closed_stderr(&env, "admin", &["revoke", "--dry-run", &id]);
        assert_eq!(c, Some(0), "{out}");
        assert!(out.contains("would revoke"), "{out}");
        // A real revoke: committed once, exit 0.
        let (c, _) = with_closed_stderr(&env, "admin", &["revoke", "--yes", &id]);
        assert_eq!(c, Some(0));
        assert_eq!(env.count_events("api-key.revoked"), 1);
        // generate writes its reminder on stderr after the key is committed.
        let (c, out) = with_closed_stderr(&env, "dev", &["keys", "generate", "--name", "n", "-q"]);
        assert_eq!(c, Some(0), "{out}");
        assert!(out.starts_with("kc_"), "{out}");
        assert_eq!(env.count_events("api-key.generated"), 2);
        // An error still ends with its own exit code, not an abort.
        let (c, _) = with_closed_stderr(&env, "admin", &["keys", "show", "0000000000000000"]);
        assert_eq!(c, Some(3));
        let (c, _) = with_closed_stderr(&env, "admin", &["keys", "list", "--bogus"]);
        assert_eq!(c, Some(2));
    }

    fn a_bom_before_the_first_id_is_not_part_of_it(b) {
        let env = Env::with_dev(b);
        let (a, _) = env.generate("dev", "one");
        let (b, _) = env.generate("dev", "two");
        let out = env
            .cmd("admin")
            .args(["revoke", "--yes", "--format", "csv"])
            .write_stdin(format!("\u{FEFF}{a}\r\n{b}\r\n"))
            .assert();
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        assert_eq!(
            stdout(&out),
            format!("id,result\n{a},revoked\n{b},revoked\n")
        );
    }

    fn events_top_output_pipes_into_revoke(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "busy");
        env.cmd("nobody")
            .args(["keys", "verify"])
            .write_stdin(secret)
            .assert()
            .success();
        for format in ["table", "csv"] {
            let top = env.ok("admin", &["events", "top", "--format", format]);
            assert!(top.contains(&id), "{top}");
            let a = env
                .cmd("admin")
                .args(["revoke", "--dry-run", "--format", "csv"])
                .write_stdin(top.clone())
                .assert();
            assert_eq!(code(&a), 0, "{format}: {top}\n{}", stderr(&a));
            assert_eq!(
                stdout(&a),
                format!("id,result\n{id},would revoke\n"),
                "{top}"
            );
        }
    }

    fn bidi_and_invisible_characters_are_refused_in_names(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "plain");
        let before = snapshot_with_events(&env);
        for bad in [
            "evil\u{202E}txt",
            "a\u{2066}b",
            "x\u{200F}",
            "zero\u{200B}width",
            "\u{FEFF}bom",
            "c1\u{9b}31m",
        ] {
            for args in [
                vec!["keys", "generate", "--name", bad],
                vec!["keys", "rename", &id, bad],
            ] {
                let a = env.run("dev", &args);
                assert_eq!(code(&a), 2, "{bad:?} {args:?}: {}", stderr(&a));
                assert!(stderr(&a).contains("key name"), "{}", stderr(&a));
                assert!(!has_raw_controls(&stderr(&a)), "{:?}", stderr(&a));
            }
        }
        assert_eq!(snapshot_with_events(&env), before);
        // Scripts that join words, emoji and many alphabets stay allowed.
        env.ok("dev", &["keys", "rename", &id, "déploiement 👩‍💻 ci"]);
    }


    fn verify_reads_the_whole_of_stdin(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "presented");
        // Surrounding whitespace is fine, however much of it (within the limit).
        let mut padded = format!("\n  {secret}").into_bytes();
        padded.extend(std::iter::repeat_n(b' ', 5000));
        padded.push(b'\n');
        let (c, out, err) = verify_with(&env, padded);
        assert_eq!(c, 0, "{err}");
        assert!(out.contains(&id), "{out}");
        // Anything else after the key, however far along, makes it malformed.
        let mut garbage = secret.clone().into_bytes();
        garbage.extend(std::iter::repeat_n(b' ', 5000));
        garbage.extend_from_slice(b"GARBAGE\n");
        let (c, out, err) = verify_with(&env, garbage);
        assert_eq!(c, 5, "{out}");
        assert!(err.contains("malformed"), "{err}");
        assert!(!err.contains(&secret) && !out.contains(&secret));
        // Past the 64 KiB limit, even of whitespace: malformed.
        let mut huge = secret.clone().into_bytes();
        huge.extend(std::iter::repeat_n(b' ', 64 * 1024));
        let (c, _, err) = verify_with(&env, huge);
        assert_eq!(c, 5, "{err}");
        assert!(err.contains("malformed"), "{err}");
        let uses: i64 = env.int("SELECT uses FROM keys WHERE id = ?1", &[&&id]);
        assert_eq!(uses, 1, "only the clean presentation counted");
        assert_eq!(env.count_events("api-key.rejected"), 2);
    }

    fn a_long_table_streams_every_key_once_in_the_first_pages_columns(b) {
        let env = Env::with_dev(b);
        seed_keys(&env, "dev", 3_500);
        // A name far wider than any on the first page, on a key listed near the end.
        let long = "L".repeat(90);
        env.exec(
            "UPDATE keys SET name = ?1 WHERE id = '0000000000000005'",
            &[&long],
        );
        let out = env.ok("admin", &["keys", "list"]);
        for i in 1..=3_500 {
            let id = format!("{i:016}");
            assert_eq!(out.matches(&id).count(), 1, "{id}");
        }
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(out.matches("│ ID ").count(), 1, "one header");
        assert!(lines[0].starts_with('┌') && lines.last().unwrap().starts_with('└'));
        // Every line has the width the first page set; the long name wrapped within it.
        let width = lines[0].chars().count();
        assert!(
            lines.iter().all(|l| l.chars().count() == width),
            "ragged table"
        );
        // Top border, header, its rule, 3,500 rows, bottom border: more means wrapped cells.
        assert!(
            lines.len() > 3_504,
            "the long name did not wrap: {}",
            lines.len()
        );
        assert!(!out.contains(&long));
        let shown: usize = lines[3..].iter().map(|l| l.matches('L').count()).sum();
        assert_eq!(shown, 90, "the whole name is shown, wrapped");
    }


    fn verify_and_events_head_sanitise_stored_text(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "victim");
        // Someone with the file renames the owner behind keyctl's back.
        env.exec("UPDATE users SET name = ?1 WHERE name = 'dev'", &[&EVIL]);
        env.exec("UPDATE keys SET owner = ?1 WHERE id = ?2", &[&EVIL, &id]);
        for format in ["table", "json", "csv"] {
            let a = env
                .cmd("nobody")
                .args(["keys", "verify", "--format", format])
                .write_stdin(secret.clone())
                .assert();
            assert_eq!(code(&a), 0, "{format}: {}", stderr(&a));
            let out = stdout(&a);
            assert!(out.contains(&id), "{format}: {out}");
            assert!(!has_raw_controls(&out), "{format}: {out:?}");
            if format == "json" {
                let v = json(&a);
                assert_eq!(v["owner"], EVIL, "JSON keeps the real string, escaped");
            } else {
                assert!(out.contains("\\u{1b}[2J"), "{format}: {out}");
            }
        }
        // ... and appends an event whose hash is a terminal escape.
        env.exec(
            "INSERT INTO events (id, time, type, actor, key_id, details, hash) \
             SELECT coalesce(max(id), 0) + 1, 0, 'user.added', 'admin', NULL, '{}', ?1 FROM events",
            &[&format!("ab{EVIL}")],
        );
        for format in ["table", "json", "csv"] {
            // A hash that is not one is refused or printed escaped: never raw.
            for args in [
                vec!["events", "head", "--format", format],
                vec!["events", "head", "-q"],
            ] {
                let a = env.run("admin", &args);
                assert!(matches!(code(&a), 0 | 1), "{args:?}: {}", stderr(&a));
                assert!(!has_raw_controls(&stdout(&a)), "{args:?}: {:?}", stdout(&a));
                assert!(!has_raw_controls(&stderr(&a)), "{args:?}: {:?}", stderr(&a));
            }
        }
        // Listings of keys and events, in every format.
        for args in [
            vec!["keys", "list"],
            vec!["events"],
            vec!["events", "show", "1"],
            vec!["keys", "show", &id],
        ] {
            for format in ["table", "json", "csv"] {
                let mut args = args.clone();
                args.extend(["--format", format]);
                let a = env.run("admin", &args);
                assert_eq!(code(&a), 0, "{args:?}: {}", stderr(&a));
                assert!(!has_raw_controls(&stdout(&a)), "{args:?}: {:?}", stdout(&a));
            }
        }
    }
}
