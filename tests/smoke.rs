// Every test here runs on both backends (see `backends!` in tests/common).
mod common;
use common::Env;

backends! {

    fn admin_and_developer_round_trip(b) {
        let env = Env::with_dev(b);
        let (id, secret) = env.generate("dev", "ci deploy");
        assert!(secret.starts_with("kc_"));
        let listed = env.ok("admin", &["keys", "list", "-q"]);
        assert_eq!(listed.trim(), id);
        env.cmd("x")
            .args(["keys", "verify"])
            .write_stdin(secret)
            .assert()
            .success();
    }
}
