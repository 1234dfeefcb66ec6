//! What `--db` / `KEYCTL_DB` name, refused clearly and at once (issue 8 #13): an empty
//! KEYCTL_DB, a FIFO or directory, a writable file in a directory that is not.

// SQLite only: what `--db` names as a path (FIFO, directory, unwritable directory).

mod common;
use common::*;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

#[test]
fn an_empty_keyctl_db_is_named_not_a_flag_nobody_typed() {
    let a = bare()
        .env("KEYCTL_DB", "")
        .args(["--as", "admin", "settings"])
        .assert();
    assert_eq!(code(&a), 2);
    let err = stderr(&a);
    assert!(err.contains("KEYCTL_DB is set but empty"), "{err}");
    assert!(!err.contains("'--db"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    // Typed on the command line, the flag is what is named.
    let a = bare()
        .env("KEYCTL_DB", "")
        .args(["--db", "", "--as", "admin", "settings"])
        .assert();
    assert_eq!(code(&a), 2);
    assert!(stderr(&a).contains("--db"), "{}", stderr(&a));
}

#[test]
fn a_fifo_or_directory_is_refused_at_once() {
    let env = Env::empty(Backend::Sqlite);
    let fifo = env.dir.path().join("pipe.db");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo(3) on a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    for (path, kind) in [(fifo.as_path(), "FIFO"), (env.dir.path(), "directory")] {
        for args in [
            vec!["settings"],
            vec!["keys", "list"],
            vec!["events", "verify"],
        ] {
            let a = bare()
                .arg("--db")
                .arg(path)
                .args(["--as", "admin"])
                .args(&args)
                .timeout(Duration::from_secs(30))
                .assert();
            assert_eq!(code(&a), 1, "{kind} {args:?}: {}", stderr(&a));
            let err = stderr(&a);
            assert!(
                err.contains("not a regular file") && err.contains(kind),
                "{err}"
            );
        }
    }
}

#[test]
fn a_writable_file_in_a_read_only_directory_is_named_as_such() {
    let env = Env::new(Backend::Sqlite);
    assert_eq!(tenant_files(&env.db).len(), 1, "no sidecars left by init");
    let dir = env.dir.path();
    // As root (permissions do not bind root) the commands run as `nobody`, who owns the
    // file but not the directory; as anyone else the directory is made read-only.
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        let c = std::ffi::CString::new(env.db.to_str().unwrap()).unwrap();
        // SAFETY: chown(2) on a NUL-terminated path.
        assert_eq!(unsafe { libc::chown(c.as_ptr(), 65534, 65534) }, 0);
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    } else {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let run = |args: &[&str]| {
        use std::os::unix::process::CommandExt;
        let mut cmd = env.std_cmd("admin");
        if root {
            cmd.uid(65534).gid(65534);
        }
        cmd.args(args).stdin(std::process::Stdio::null());
        cmd.output().unwrap()
    };
    let before = snapshot_with_events(&env);
    let out = run(&["settings", "enable"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("directory") && err.contains("not"), "{err}");
    assert!(err.contains("-wal"), "{err}");
    assert!(
        !err.contains("is read-only"),
        "the file is not read-only: {err}"
    );
    // Reads still work.
    let out = run(&["settings", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(snapshot_with_events(&env), before);
}
