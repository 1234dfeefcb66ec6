//! Defects found by attacking keyctl from outside (issue 8 items 1, 3, 5, 7, 11), each
//! checked through the real binary.

mod common;

use common::*;

/// Issue 8 #5: a key pasted as a key name is refused (exit 2) and stored nowhere.
#[test]
fn a_key_as_a_key_name_is_refused_and_stored_nowhere() {
    let env = Env::with_dev();
    let (id, secret) = env.generate("dev", "first");
    let before = snapshot_with_events(&env);
    for name in [
        secret.clone(),
        format!("  {secret}  "),
        format!("prod key {secret} (do not share)"),
    ] {
        let a = env.run("dev", &["keys", "generate", "--name", &name]);
        assert_eq!(code(&a), 2, "generate: {}", stderr(&a));
        let err = stderr(&a);
        assert!(
            err.starts_with("error: ") && err.lines().count() == 1,
            "{err}"
        );
        assert!(!err.contains(&secret[20..]), "the secret echoed: {err}");
        let a = env.run("dev", &["keys", "rename", &id, &name]);
        assert_eq!(code(&a), 2, "rename: {}", stderr(&a));
        assert!(!stderr(&a).contains(&secret[20..]));
    }
    assert_eq!(snapshot_with_events(&env), before, "something changed");
    let files: Vec<u8> = tenant_files(&env.db)
        .into_iter()
        .flat_map(|(_, b)| b)
        .collect();
    let tail = &secret.as_bytes()[20..];
    assert!(
        !files.windows(tail.len()).any(|w| w == tail),
        "the secret reached the file"
    );
    // A name that only looks like a key (its checksum is wrong) is just a name.
    let mut typo = secret.clone().into_bytes();
    let last = typo.len() - 1;
    typo[last] = if typo[last] == b'A' { b'B' } else { b'A' };
    let typo = String::from_utf8(typo).unwrap();
    env.ok("dev", &["keys", "rename", &id, &typo]);
}
