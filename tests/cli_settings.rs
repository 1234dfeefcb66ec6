//! Black-box tests of `keyctl settings ...`: who may show and change settings,
//! durations and ranges, confirmation, events and output formats.

// Every test here runs on both backends (see `backends!` in tests/common).

#[macro_use]
mod common;
use common::*;

use serde_json::Value;

/// (enabled, max_expiry seconds, max_keys_per_user) as stored.
fn stored(env: &Env) -> (bool, i64, i64) {
    let r = env
        .row(
            "SELECT enabled, max_expiry, max_keys_per_user FROM settings",
            &[],
        )
        .expect("settings");
    (r.i(0) != 0, r.i(1), r.i(2))
}

/// Runs a command that must fail with `want` and change nothing, recording nothing.
fn assert_refused_quietly(env: &Env, user: &str, args: &[&str], want: i32) -> String {
    let before = snapshot(env);
    let last = last_event(env);
    let a = env.run(user, args);
    assert_eq!(code(&a), want, "{args:?}: {}", stderr(&a));
    let err = stderr(&a);
    assert!(err.starts_with("error: "), "{args:?}: {err}");
    assert_eq!(stdout(&a), "", "{args:?}");
    assert_eq!(snapshot(env), before, "{args:?} changed the tenant");
    assert!(
        events_after(env, last).is_empty(),
        "{args:?} recorded events"
    );
    err
}

const CHANGES: &[&[&str]] = &[
    &["settings", "enable"],
    &["settings", "disable", "--yes"],
    &["settings", "set", "max-expiry", "90d"],
    &["settings", "set", "max-keys-per-user", "7"],
];

/// [`populated`], with API keys enabled or disabled.
fn populated_with(b: Backend, enabled: bool) -> Env {
    let env = populated(b);
    if !enabled {
        env.ok("admin", &["settings", "disable", "--yes"]);
    }
    env
}

backends! {

    fn anyone_registered_may_show_settings(b) {
        let env = populated_with(b, false);
        for user in ["admin", "dev", "nolic", "plain"] {
            let last = last_event(&env);
            let out = env.ok(user, &["settings", "--format", "json"]);
            let v: Value = serde_json::from_str(&out).unwrap();
            assert_eq!(v["enabled"], false, "{user}");
            assert_eq!(v["max_expiry"], "30d");
            assert_eq!(v["max_expiry_seconds"], 30 * 86_400);
            assert_eq!(v["max_keys_per_user"], 5);
            let shown = env.ok(user, &["settings", "show", "--format", "json"]);
            assert_eq!(shown, out, "`settings` and `settings show` agree");
            assert!(
                events_after(&env, last).is_empty(),
                "a read records nothing"
            );
        }
    }

    fn only_admins_change_settings(b) {
        for enabled in [false, true] {
            let env = populated_with(b, enabled);
            for user in ["dev", "nolic", "plain"] {
                for args in CHANGES {
                    let d = assert_denied(&env, user, args).details;
                    assert_eq!(d["action"], "settings.change", "{args:?}");
                    assert!(d["reason"].as_str().unwrap().contains("tenant-admin"));
                }
                // Without --yes, a non-admin is refused as well, with nothing asked.
                assert_denied(&env, user, &["settings", "disable"]);
            }
            assert_eq!(stored(&env), (enabled, 30 * 86_400, 5));
        }
    }

    fn unregistered_operator_is_refused_everything(b) {
        let env = populated(b);
        let mut all: Vec<&[&str]> = vec![&["settings"], &["settings", "show"]];
        all.extend_from_slice(CHANGES);
        for args in all {
            let d = assert_denied(&env, "ghost", args).details;
            assert!(d["reason"].as_str().unwrap().contains("unknown operator"));
        }
    }

    fn enable_and_disable(b) {
        let env = Env::new(b);
        assert_eq!(stored(&env), (false, 30 * 86_400, 5), "disabled by default");
        let last = last_event(&env);
        let a = env.run("admin", &["settings", "enable"]);
        assert_eq!(code(&a), 0);
        assert_eq!(stdout(&a), "", "a change prints no data");
        assert!(stderr(&a).contains("enabled"), "{}", stderr(&a));
        assert!(stored(&env).0);
        let new = events_after(&env, last);
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].kind, "settings.changed");
        assert_eq!(new[0].actor, "admin");
        assert_eq!(new[0].details["setting"], "enabled");
        assert_eq!(new[0].details["old"], false);
        assert_eq!(new[0].details["new"], true);

        // Enabling again changes nothing and records nothing.
        let last = last_event(&env);
        env.ok("admin", &["settings", "enable"]);
        assert!(events_after(&env, last).is_empty());

        // Disabling off a terminal needs --yes: exit 2, nothing changed.
        let err = assert_refused_quietly(&env, "admin", &["settings", "disable"], 2);
        assert!(err.contains("--yes"), "{err}");
        assert!(stored(&env).0);

        let last = last_event(&env);
        let a = env.run("admin", &["settings", "disable", "--yes"]);
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        assert_eq!(stdout(&a), "");
        assert!(!stored(&env).0);
        let new = events_after(&env, last);
        assert_eq!(new.len(), 1);
        assert_eq!(new[0].details["setting"], "enabled");
        assert_eq!(new[0].details["old"], true);
        assert_eq!(new[0].details["new"], false);

        // Disabling what is already disabled needs no confirmation and records nothing.
        let last = last_event(&env);
        env.ok("admin", &["settings", "disable"]);
        assert!(events_after(&env, last).is_empty());
    }

    fn max_expiry_accepts_compact_and_iso_durations(b) {
        let env = Env::new(b);
        // Each step differs from the one before, so each records a change.
        let steps: &[(&str, i64, &str)] = &[
            ("90d", 90 * 86_400, "90d"),
            ("12h", 12 * 3_600, "12h"),
            ("30m", 30 * 60, "30m"),
            ("P30D", 30 * 86_400, "30d"),
            ("PT24H", 86_400, "1d"),
            ("P1DT12H", 36 * 3_600, "1d12h"),
        ];
        let mut previous = "30d".to_owned();
        // The default is 30d, so step from it first with 90d; P30D comes back to it later.
        for (input, secs, shown) in steps {
            let last = last_event(&env);
            let a = env.run("admin", &["settings", "set", "max-expiry", input]);
            assert_eq!(code(&a), 0, "{input}: {}", stderr(&a));
            assert_eq!(stdout(&a), "", "{input}");
            assert_eq!(stored(&env).1, *secs, "{input}");
            let v: Value =
                serde_json::from_str(&env.ok("admin", &["settings", "--format", "json"])).unwrap();
            assert_eq!(v["max_expiry"], *shown, "{input}");
            assert_eq!(v["max_expiry_seconds"], *secs, "{input}");
            let new = events_after(&env, last);
            assert_eq!(new.len(), 1, "{input}");
            assert_eq!(new[0].kind, "settings.changed");
            assert_eq!(new[0].details["setting"], "max-expiry");
            assert_eq!(new[0].details["old"], previous.as_str(), "{input}");
            assert_eq!(new[0].details["new"], *shown, "{input}");
            previous = shown.to_string();
        }
    }

    fn bad_durations_are_usage_errors(b) {
        let env = Env::new(b);
        for bad in [
            "0d",
            "5",
            "abc",
            "P1M",
            "P1Y",
            "1y",
            "",
            "1.5h",
            "P",
            "99999999999d",
        ] {
            let err = assert_refused_quietly(&env, "admin", &["settings", "set", "max-expiry", bad], 2);
            assert_eq!(err.lines().count(), 1, "{err:?}");
        }
        // A negative value, whether clap takes it for a flag or it reaches the parser.
        assert_refused_quietly(&env, "admin", &["settings", "set", "max-expiry", "-1d"], 2);
        assert_refused_quietly(
            &env,
            "admin",
            &["settings", "set", "max-expiry", "--", "-1d"],
            2,
        );
        assert_eq!(stored(&env).1, 30 * 86_400);
    }

    fn max_keys_per_user_range(b) {
        let env = Env::new(b);
        for (n, old) in [("1", 5), ("1000", 1)] {
            let last = last_event(&env);
            let a = env.run("admin", &["settings", "set", "max-keys-per-user", n]);
            assert_eq!(code(&a), 0, "{n}: {}", stderr(&a));
            assert_eq!(stdout(&a), "");
            assert_eq!(stored(&env).2.to_string(), n);
            let new = events_after(&env, last);
            assert_eq!(new.len(), 1);
            assert_eq!(new[0].details["setting"], "max-keys-per-user");
            assert_eq!(new[0].details["old"], old);
            assert_eq!(new[0].details["new"], n.parse::<i64>().unwrap());
        }
        for bad in ["0", "1001", "x", "", "1e3", "5.0", "99999999999999999999"] {
            assert_refused_quietly(
                &env,
                "admin",
                &["settings", "set", "max-keys-per-user", bad],
                2,
            );
        }
        assert_refused_quietly(
            &env,
            "admin",
            &["settings", "set", "max-keys-per-user", "--", "-1"],
            2,
        );
        assert_eq!(stored(&env).2, 1000);
        // A bad value is a usage error before any permission check, for anyone.
        env.ok("admin", &["users", "add", "plain"]);
        assert_refused_quietly(
            &env,
            "plain",
            &["settings", "set", "max-keys-per-user", "0"],
            2,
        );
    }

    fn show_formats(b) {
        let env = Env::new(b);
        let table = env.ok("admin", &["settings"]);
        for word in [
            "ENABLED",
            "MAX EXPIRY",
            "MAX KEYS PER USER",
            "30d",
            "no",
            "5",
        ] {
            assert!(table.contains(word), "{word} in {table}");
        }
        let csv = env.ok("admin", &["settings", "show", "--format", "csv"]);
        assert_eq!(csv, "enabled,max_expiry,max_keys_per_user\nfalse,30d,5\n");
        let csv2 = env.ok("admin", &["--format", "csv", "settings"]);
        assert_eq!(csv2, csv, "global flag before the subcommand");
        let json = env.ok("admin", &["--format", "json", "settings", "show"]);
        let v: Value = serde_json::from_str(&json).unwrap();
        assert!(v.is_object());
        env.ok("admin", &["settings", "enable"]);
        env.ok("admin", &["settings", "set", "max-keys-per-user", "12"]);
        let v: Value =
            serde_json::from_str(&env.ok("admin", &["settings", "--format", "json"])).unwrap();
        assert_eq!(v["enabled"], true);
        assert_eq!(v["max_keys_per_user"], 12);
    }


    fn settings_affect_only_new_keys(b) {
        let env = Env::with_dev(b);
        let (old, _) = env.generate("dev", "before");
        let expires_before: i64 = env.int("SELECT expires FROM keys WHERE id = ?1", &[&old]);
        env.ok("admin", &["settings", "set", "max-expiry", "1h"]);
        let (new, _) = env.generate("dev", "after");
        let expires_after: i64 = env.int("SELECT expires FROM keys WHERE id = ?1", &[&old]);
        assert_eq!(
            expires_after, expires_before,
            "existing keys keep their expiry"
        );
        let r = env
            .row("SELECT created, expires FROM keys WHERE id = ?1", &[&new])
            .expect("a key");
        let (created, expires) = (r.i(0), r.i(1));
        assert_eq!(expires - created, 3_600);
    }
}
