//! Output, terminal and stdin defects found by attacking keyctl from outside (issue 8):
//! limits past i64, stored text printed raw, a closed stderr, the whole of stdin on
//! verify, and the stdin ID list's BOM and headers.

mod common;
use common::*;

#[test]
fn a_limit_past_i64_is_a_usage_error() {
    let env = Env::with_dev();
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
            assert!(err.starts_with("error: ") && err.lines().count() == 1, "{err}");
            assert_eq!(stdout(&a), "", "{args:?}");
        }
    }
    let a = env.run("admin", &["keys", "list", "--limit", "9223372036854775807", "-q"]);
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    assert_eq!(stdout(&a).lines().count(), 1);
    let a = env.run(
        "admin",
        &["settings", "set", "max-keys-per-user", "9223372036854775808"],
    );
    assert_eq!(code(&a), 2, "{}", stderr(&a));
    assert_eq!(snapshot_with_events(&env), before);
}
