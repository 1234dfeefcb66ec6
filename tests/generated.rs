//! The committed man pages (`man/`) and completions (`completions/`) must match what
//! the one clap definition generates. Regenerate them with:
//!
//!     KEYCTL_REGENERATE=1 cargo test --test generated

use clap::CommandFactory;
use clap_complete::Shell;
use keyctl::cli::Cli;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

const SHELLS: [Shell; 5] = [
    Shell::Bash,
    Shell::Zsh,
    Shell::Fish,
    Shell::Elvish,
    Shell::PowerShell,
];

fn files_in(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries {
            let e = e.unwrap();
            out.insert(
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            );
        }
    }
    out
}

fn generate(root: &Path) {
    let man = root.join("man");
    let completions = root.join("completions");
    fs::create_dir_all(&man).unwrap();
    fs::create_dir_all(&completions).unwrap();
    clap_mangen::generate_to(Cli::command(), &man).unwrap();
    for shell in SHELLS {
        clap_complete::generate_to(shell, &mut Cli::command(), "keyctl", &completions).unwrap();
    }
}

fn check(kind: &str, fresh: &Path, committed: &Path) {
    let want = files_in(fresh);
    if std::env::var_os("KEYCTL_REGENERATE").is_some() {
        let _ = fs::remove_dir_all(committed);
        fs::create_dir_all(committed).unwrap();
        for (name, bytes) in &want {
            fs::write(committed.join(name), bytes).unwrap();
        }
        return;
    }
    let have = files_in(committed);
    let stale: Vec<&String> = want
        .keys()
        .chain(have.keys())
        .filter(|name| want.get(*name) != have.get(*name))
        .collect();
    assert!(
        stale.is_empty(),
        "{kind} are stale ({stale:?}): regenerate them with `KEYCTL_REGENERATE=1 cargo test --test generated` and commit"
    );
}

#[test]
fn man_pages_and_completions_are_fresh() {
    let tmp = tempfile::tempdir().unwrap();
    generate(tmp.path());
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    check("man pages", &tmp.path().join("man"), &repo.join("man"));
    check(
        "completions",
        &tmp.path().join("completions"),
        &repo.join("completions"),
    );
}

#[test]
fn completions_command_prints_the_committed_script() {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out = assert_cmd::Command::cargo_bin("keyctl")
        .unwrap()
        .env_remove("KEYCTL_DB")
        .args(["completions", "bash"])
        .assert()
        .success();
    let committed = fs::read(repo.join("completions/keyctl.bash")).unwrap();
    assert_eq!(out.get_output().stdout, committed);
}
