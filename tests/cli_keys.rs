//! Black-box tests of `keys generate`, `list`, `search`, `show` and `rename` through the
//! real binary (SPEC §3, §4, §5, §6).

// Every test here runs on both backends (see `backends!` in tests/common).

#[macro_use]
mod common;
use common::*;
use serde_json::Value;
use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------
// Local helpers
// ---------------------------------------------------------------------------------

const DAY: i64 = 86_400;

fn unix(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap_or_else(|e| panic!("not RFC 3339: {rfc3339:?}: {e}"))
        .timestamp()
}

fn rfc(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn key_count(env: &Env) -> i64 {
    env.int("SELECT count(*) FROM keys", &[])
}

fn key_name(env: &Env, id: &str) -> String {
    env.row("SELECT name FROM keys WHERE id = ?1", &[&id])
        .expect("a key")
        .s(0)
}

fn key_int(env: &Env, id: &str, col: &str) -> Option<i64> {
    env.row(&format!("SELECT {col} FROM keys WHERE id = ?1"), &[&id])
        .expect("a key")
        .oi(0)
}

fn event_total(env: &Env) -> i64 {
    env.int("SELECT count(*) FROM events", &[])
}

/// IDs from `-q` output, in order.
fn ids_of(out: &str) -> Vec<String> {
    out.lines().map(str::to_owned).collect()
}

/// IDs of a JSON array of keys, in order.
fn json_ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|k| k["id"].as_str().unwrap().to_owned())
        .collect()
}

fn list_ids(env: &Env, user: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec!["keys", "list", "-q"];
    args.extend_from_slice(extra);
    ids_of(&env.ok(user, &args))
}

fn search_ids(env: &Env, user: &str, term: &str) -> BTreeSet<String> {
    ids_of(&env.ok(user, &["keys", "search", "-q", "--", term]))
        .into_iter()
        .collect()
}

fn set(ids: &[&String]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).clone()).collect()
}

/// The object has exactly the documented fields of a key.
fn assert_key_fields(k: &Value) {
    let fields: BTreeSet<&str> = k.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        fields,
        [
            "id",
            "name",
            "owner",
            "status",
            "created",
            "updated",
            "expires",
            "last_used",
            "uses",
            "replaced_by"
        ]
        .into_iter()
        .collect()
    );
}

/// Runs a refused `generate` and checks: exit code, message, no key stored, and (for
/// denials and policy refusals) one more `access.denied` event.
fn refused_generate(env: &Env, user: &str, extra: &[&str], code_want: i32, msg: &str) {
    let keys_before = key_count(env);
    let denied_before = env.count_events("access.denied");
    let generated_before = env.count_events("api-key.generated");
    let mut args = vec!["keys", "generate", "--name", "refused"];
    args.extend_from_slice(extra);
    let a = env.run(user, &args);
    assert_eq!(code(&a), code_want, "{args:?}: {}", stderr(&a));
    let err = stderr(&a);
    assert!(err.contains(msg), "{args:?}: stderr {err:?} lacks {msg:?}");
    assert!(err.starts_with("error: "), "{err:?}");
    assert!(stdout(&a).is_empty(), "stdout: {:?}", stdout(&a));
    assert_eq!(key_count(env), keys_before, "a key was stored");
    assert_eq!(env.count_events("api-key.generated"), generated_before);
    if code_want == 4 || code_want == 5 {
        assert_eq!(
            env.count_events("access.denied"),
            denied_before + 1,
            "refusal not recorded"
        );
        let last = events_of(env, "access.denied").pop().unwrap();
        assert_eq!(last.0, user);
    }
}

// ---------------------------------------------------------------------------------
// list: filters, sorting, limit
// ---------------------------------------------------------------------------------

/// Four keys whose every sortable column has a different order (see the comments).
struct Fixture {
    env: Env,
    k: [String; 4],
}

fn fixture(b: Backend) -> Fixture {
    let env = Env::with_dev(b);
    for u in ["zed", "amy", "bob"] {
        env.add_developer(u);
    }
    let k0 = env.generate("dev", "mike").0;
    let k1 = env.generate("zed", "alpha").0;
    let k2 = env.generate("amy", "zulu").0;
    let k3 = env.generate("bob", "kilo").0;
    let t = now();
    // created: asc K1 K3 K2 K0 (default newest first: K0 K2 K3 K1)
    // updated: asc K3 K1 K0 K2
    // expires: asc K2 K0 K3 K1 (K2 expired)
    // status: K0 active, K1 revoked, K2 expired, K3 active
    // last_used: asc K1(null) K0 K3 K2
    // uses: asc K1 K2 K0 K3
    let rows = [
        (&k0, -100, -10, 1000, Some(-90), 5),
        (&k1, -400, -20, 4000, None, 1),
        (&k2, -200, -5, -50, Some(-30), 3),
        (&k3, -300, -30, 2000, Some(-60), 10),
    ];
    for (id, created, updated, expires, last_used, uses) in rows {
        env.exec(
            "UPDATE keys SET created = ?2, updated = ?3, expires = ?4, last_used = ?5, uses = ?6 \
             WHERE id = ?1",
            &[
                id,
                &(t + created),
                &(t + updated),
                &(t + expires),
                &last_used.map(|l: i64| t + l),
                &(uses as i64),
            ],
        );
    }
    env.exec(
        "UPDATE keys SET revoked = ?2 WHERE id = ?1",
        &[&k1, &(t - 20)],
    );
    Fixture {
        env,
        k: [k0, k1, k2, k3],
    }
}

impl Fixture {
    fn order(&self, idx: impl IntoIterator<Item = usize>) -> Vec<String> {
        idx.into_iter().map(|i| self.k[i].clone()).collect()
    }
    fn list(&self, extra: &[&str]) -> Vec<String> {
        list_ids(&self.env, "admin", extra)
    }
}

backends! {

    // ---------------------------------------------------------------------------------
    // generate: permissions and policy
    // ---------------------------------------------------------------------------------

    fn generate_refused_while_keys_are_disabled(b) {
        let env = Env::new(b);
        env.add_developer("dev");
        refused_generate(&env, "dev", &[], 5, "disabled");
        env.ok("admin", &["settings", "enable"]);
        env.generate("dev", "now it works");
        env.ok("admin", &["settings", "disable", "--yes"]);
        refused_generate(&env, "dev", &[], 5, "disabled");
    }

    fn generate_needs_a_licence(b) {
        let env = Env::with_dev(b);
        env.ok("admin", &["users", "add", "nolic", "--role", "developer"]);
        refused_generate(&env, "nolic", &[], 4, "licence");
        env.ok("admin", &["users", "licence", "dev", "off"]);
        refused_generate(&env, "dev", &[], 4, "licence");
        env.ok("admin", &["users", "licence", "dev", "on"]);
        env.generate("dev", "licensed again");
    }

    fn generate_refused_for_unregistered_operator(b) {
        let env = Env::with_dev(b);
        let a = env.run("stranger", &["keys", "generate", "--name", "x"]);
        assert_eq!(code(&a), 4);
        assert!(stderr(&a).contains("unknown operator"), "{}", stderr(&a));
        assert_eq!(key_count(&env), 0);
    }

    fn generate_expiry_must_be_within_max_expiry(b) {
        let env = Env::with_dev(b);
        // Longer than the default maximum of 30 days: refused, naming the maximum.
        refused_generate(&env, "dev", &["--expires-in", "31d"], 5, "30d");
        refused_generate(&env, "dev", &["--expires-in", "P31D"], 5, "maximum");
        refused_generate(&env, "dev", &["--expires-in", "30d1s"], 5, "maximum");
        let beyond = rfc(now() + 31 * DAY);
        refused_generate(&env, "dev", &["--expires-at", &beyond], 5, "maximum");
        // In the past, or now: a usage error.
        let past = rfc(now() - 3600);
        refused_generate(
            &env,
            "dev",
            &["--expires-at", &past],
            2,
            "not in the future",
        );
        // Zero, negative or garbage durations and times: usage errors.
        for bad in ["0s", "0d", "-1d", "PT0S", "soon", "", "12", "1y"] {
            let flag = format!("--expires-in={bad}");
            refused_generate(&env, "dev", &[&flag], 2, "duration");
        }
        refused_generate(
            &env,
            "dev",
            &["--expires-at", "tomorrow"],
            2,
            "invalid time",
        );
        // Both at once is a usage error too.
        let a = env.run(
            "dev",
            &[
                "keys",
                "generate",
                "--name",
                "x",
                "--expires-in",
                "1d",
                "--expires-at",
                &past,
            ],
        );
        assert_eq!(code(&a), 2);
        assert_eq!(key_count(&env), 0);

        // Exactly the maximum is fine.
        let a = env.run(
            "dev",
            &[
                "keys",
                "generate",
                "--name",
                "max",
                "--expires-in",
                "30d",
                "--format",
                "json",
            ],
        );
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        let v = json(&a);
        assert_eq!(
            unix(v["expires"].as_str().unwrap()) - unix(v["created"].as_str().unwrap()),
            30 * DAY
        );
    }

    fn generate_expiry_defaults_to_max_expiry_and_settings_affect_only_new_keys(b) {
        let env = Env::with_dev(b);
        let v = json(&env.run(
            "dev",
            &["keys", "generate", "--name", "d", "--format", "json"],
        ));
        let created = unix(v["created"].as_str().unwrap());
        let expires = unix(v["expires"].as_str().unwrap());
        assert_eq!(expires - created, 30 * DAY);
        assert!(
            (created - now()).abs() < 120,
            "created {created} is not now"
        );
        let first = v["id"].as_str().unwrap().to_owned();
        assert_eq!(key_int(&env, &first, "expires"), Some(expires));
        assert_eq!(key_int(&env, &first, "created"), Some(created));

        env.ok("admin", &["settings", "set", "max-expiry", "12h"]);
        let v = json(&env.run(
            "dev",
            &["keys", "generate", "--name", "e", "--format", "json"],
        ));
        assert_eq!(
            unix(v["expires"].as_str().unwrap()) - unix(v["created"].as_str().unwrap()),
            12 * 3600
        );
        // The earlier key keeps its expiry.
        assert_eq!(key_int(&env, &first, "expires"), Some(expires));
        refused_generate(&env, "dev", &["--expires-in", "13h"], 5, "12h");

        // Explicit expiries.
        let v = json(&env.run(
            "dev",
            &[
                "keys",
                "generate",
                "--name",
                "f",
                "--expires-in",
                "PT2H",
                "--format",
                "json",
            ],
        ));
        assert_eq!(
            unix(v["expires"].as_str().unwrap()) - unix(v["created"].as_str().unwrap()),
            7200
        );
        let at = now() + 3 * 3600;
        let v = json(&env.run(
            "dev",
            &[
                "keys",
                "generate",
                "--name",
                "g",
                "--expires-at",
                &rfc(at),
                "--format",
                "json",
            ],
        ));
        assert_eq!(v["expires"], rfc(at));
    }

    fn generate_json_has_the_documented_fields(b) {
        let env = Env::with_dev(b);
        let a = env.run(
            "dev",
            &["keys", "generate", "--name", "json key", "--format", "json"],
        );
        assert_eq!(code(&a), 0);
        let v = json(&a);
        let fields: BTreeSet<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "id", "name", "owner", "created", "expires", "status", "secret"
            ]
            .into_iter()
            .collect()
        );
        assert_eq!(v["name"], "json key");
        assert_eq!(v["owner"], "dev");
        assert_eq!(v["status"], "active");
        let id = v["id"].as_str().unwrap();
        let secret = v["secret"].as_str().unwrap();
        assert!(keyctl::token::is_valid_id(id));
        assert!(secret.starts_with(&format!("kc_{id}_")));
        assert!(v["created"].as_str().unwrap().ends_with('Z'));
        assert!(stderr(&a).contains("only once"));
        assert!(!stderr(&a).contains(secret));
    }

    fn generate_table_shows_key_id_and_expiry(b) {
        let env = Env::with_dev(b);
        let a = env.run("dev", &["keys", "generate", "--name", "tbl"]);
        assert_eq!(code(&a), 0);
        let out = stdout(&a);
        let id = env.ok("dev", &["keys", "list", "-q"]).trim().to_owned();
        let expires: i64 = key_int(&env, &id, "expires").unwrap();
        assert!(out.contains(&format!("kc_{id}_")), "{out}");
        assert!(out.contains(&id));
        assert!(out.contains(&rfc(expires)[..16]), "{out}");
        let err = stderr(&a);
        assert!(err.contains("only once"), "{err}");
        assert!(!err.contains("kc_"), "stderr carries the key: {err}");
    }

    fn generate_without_name_off_a_terminal_is_a_usage_error(b) {
        let env = Env::with_dev(b);
        let a = env.run("dev", &["keys", "generate"]);
        assert_eq!(code(&a), 2);
        assert!(stderr(&a).contains("--name"), "{}", stderr(&a));
        assert!(stdout(&a).is_empty());
        assert_eq!(key_count(&env), 0);
    }

    fn generate_rejects_bad_names(b) {
        let env = Env::with_dev(b);
        let long = "a".repeat(257);
        for bad in [
            "esc\u{1b}[31mred",
            "tab\there",
            "line\nbreak",
            "cr\rhere",
            "del\u{7f}",
            "c1\u{85}",
            long.as_str(),
            "",
            "   ",
        ] {
            let a = env.run("dev", &["keys", "generate", "--name", bad]);
            assert_eq!(code(&a), 2, "name {bad:?}: {}", stderr(&a));
            assert!(stdout(&a).is_empty());
            let err = stderr(&a);
            assert_eq!(err.lines().count(), 1, "{err:?}");
            assert!(!err.contains('\u{1b}'), "error echoes an escape: {err:?}");
        }
        assert_eq!(key_count(&env), 0);

        // 256 characters is the limit, in characters rather than bytes.
        for ok in ["b".repeat(256), "é".repeat(256), "ключ ✓ 日本".to_owned()] {
            let (id, _) = env.generate("dev", &ok);
            assert_eq!(key_name(&env, &id), ok);
            let v = json(&env.run("dev", &["keys", "show", &id, "--format", "json"]));
            assert_eq!(v["name"], ok.as_str());
        }
    }

    fn generate_records_an_event(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "evented");
        let evs = events_of(&env, "api-key.generated");
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].0, "dev");
        assert_eq!(evs[0].1.as_deref(), Some(id.as_str()));
        assert_eq!(evs[0].2["name"], "evented");
    }

    // ---------------------------------------------------------------------------------
    // list / search / show: visibility
    // ---------------------------------------------------------------------------------

    fn list_visibility_by_role(b) {
        let env = Env::with_dev(b);
        env.add_developer("dev2");
        let (a, _) = env.generate("dev", "dev key 1");
        let (b, _) = env.generate("dev", "dev key 2");
        let (c, _) = env.generate("dev2", "dev2 key");

        let all: BTreeSet<String> = list_ids(&env, "admin", &[]).into_iter().collect();
        assert_eq!(all, set(&[&a, &b, &c]));
        let mine: BTreeSet<String> = list_ids(&env, "dev", &[]).into_iter().collect();
        assert_eq!(mine, set(&[&a, &b]));
        assert_eq!(list_ids(&env, "dev2", &[]), vec![c.clone()]);

        // Another developer's keys are invisible, not forbidden.
        let a1 = env.run(
            "dev",
            &["keys", "list", "--owner", "dev2", "--format", "json"],
        );
        assert_eq!(code(&a1), 0);
        assert_eq!(json(&a1), serde_json::json!([]));
        assert!(list_ids(&env, "dev", &["--owner", "dev2"]).is_empty());
        assert_eq!(list_ids(&env, "dev", &["--owner", "dev"]).len(), 2);
        assert!(search_ids(&env, "dev", "dev2").is_empty());
        assert!(
            !env.ok("dev", &["keys", "list", "--format", "csv"])
                .contains(&c)
        );
        // An admin filters by owner.
        assert_eq!(
            list_ids(&env, "admin", &["--owner", "dev2"]),
            vec![c.clone()]
        );
        assert!(list_ids(&env, "admin", &["--owner", "nobody"]).is_empty());

        // A plain user and an unregistered operator are refused.
        env.ok("admin", &["users", "add", "plain", "--licence"]);
        for user in ["plain", "ghost"] {
            for args in [
                vec!["keys", "list"],
                vec!["keys", "search", "dev"],
                vec!["keys", "show", a.as_str()],
            ] {
                let before = env.count_events("access.denied");
                let r = env.run(user, &args);
                assert_eq!(code(&r), 4, "{user} {args:?}");
                assert!(stdout(&r).is_empty());
                assert!(stderr(&r).starts_with("error: "));
                assert_eq!(env.count_events("access.denied"), before + 1);
            }
        }
    }

    fn empty_table_listing_prints_nothing_on_stdout(b) {
        let env = Env::with_dev(b);
        let a = env.run("dev", &["keys", "list"]);
        assert_eq!(code(&a), 0);
        assert!(stdout(&a).is_empty(), "{:?}", stdout(&a));
        let a = env.run("dev", &["keys", "list", "--format", "csv"]);
        assert_eq!(
            stdout(&a),
            "id,name,owner,updated,created,expires,status,last_used,uses,replaced_by\n"
        );
    }

    fn list_columns_and_fields_follow_the_spec(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "cols, \"quoted\"");

        // Table: header in the documented order, the ID first.
        let table = env.ok("admin", &["keys", "list"]);
        let header = table
            .lines()
            .find(|l| l.contains("NAME"))
            .expect("header line");
        let cells: Vec<&str> = header
            .split(['│', '┆', '|'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect();
        assert_eq!(
            cells,
            [
                "ID",
                "NAME",
                "OWNER",
                "UPDATED",
                "CREATED",
                "EXPIRES",
                "STATUS",
                "LAST USED",
                "USES",
                "REPLACED BY"
            ]
        );
        let row = table.lines().find(|l| l.contains(&id)).expect("row");
        let first = row
            .split(['│', '┆'])
            .map(str::trim)
            .find(|s| !s.is_empty())
            .unwrap();
        assert_eq!(first, id);

        // CSV: exact header, RFC 4180 quoting, RFC 3339 times.
        let csv = env.ok("admin", &["keys", "list", "--format", "csv"]);
        let mut lines = csv.lines();
        assert_eq!(
            lines.next().unwrap(),
            "id,name,owner,updated,created,expires,status,last_used,uses,replaced_by"
        );
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let rec = reader.records().next().unwrap().unwrap();
        assert_eq!(&rec[0], id.as_str());
        assert_eq!(&rec[1], "cols, \"quoted\"");
        assert_eq!(&rec[2], "dev");
        for i in [3, 4, 5] {
            assert!(
                chrono::DateTime::parse_from_rfc3339(&rec[i]).is_ok() && rec[i].ends_with('Z'),
                "{}",
                &rec[i]
            );
        }
        assert_eq!(&rec[6], "active");
        assert_eq!(&rec[7], "");
        assert_eq!(&rec[8], "0");
        assert_eq!(&rec[9], "", "not rotated: no successor");

        // JSON: an array of objects with exactly the documented fields.
        let v = json(&env.run("admin", &["keys", "list", "--format", "json"]));
        let k = &v.as_array().unwrap()[0];
        assert_key_fields(k);
        assert_eq!(k["id"], id.as_str());
        assert_eq!(k["status"], "active");
        assert_eq!(k["last_used"], Value::Null);
        assert_eq!(k["uses"], 0);
        assert_eq!(k["replaced_by"], Value::Null);
        assert!(k.get("secret").is_none() && k.get("hash").is_none());

        // -q: IDs only.
        assert_eq!(env.ok("admin", &["keys", "list", "-q"]), format!("{id}\n"));
    }

    fn list_sorts_by_every_field(b) {
        let f = fixture(b);
        assert_eq!(f.list(&[]), f.order([0, 2, 3, 1]), "default: newest first");
        assert_eq!(f.list(&["--reverse"]), f.order([1, 3, 2, 0]));
        for (field, want) in [
            ("name", [1, 3, 0, 2]),
            ("owner", [2, 3, 0, 1]),
            ("created", [1, 3, 2, 0]),
            ("updated", [3, 1, 0, 2]),
            ("expires", [2, 0, 3, 1]),
            ("status", [0, 3, 2, 1]),
            ("last-used", [1, 0, 3, 2]),
            ("uses", [1, 2, 0, 3]),
        ] {
            assert_eq!(f.list(&["--sort", field]), f.order(want), "--sort {field}");
            let mut rev = f.order(want);
            rev.reverse();
            if field != "status" {
                assert_eq!(
                    f.list(&["--sort", field, "--reverse"]),
                    rev,
                    "--sort {field} --reverse"
                );
            }
        }
        let mut by_id = f.k.to_vec();
        by_id.sort();
        assert_eq!(f.list(&["--sort", "id"]), by_id);
        by_id.reverse();
        assert_eq!(f.list(&["--sort", "id", "--reverse"]), by_id);

        // The same order in JSON and CSV.
        let v = json(&f.env.run(
            "admin",
            &["keys", "list", "--sort", "uses", "--format", "json"],
        ));
        assert_eq!(json_ids(&v), f.order([1, 2, 0, 3]));
        assert_eq!(v[0]["uses"], 1);
        assert_eq!(v[0]["status"], "revoked");
        assert_eq!(v[1]["status"], "expired");
        assert_eq!(v[3]["last_used"].as_str().unwrap().len(), 20);

        let bad = f.env.run("admin", &["keys", "list", "--sort", "secret"]);
        assert_eq!(code(&bad), 2);
    }

    fn list_limit(b) {
        let f = fixture(b);
        assert_eq!(f.list(&["--limit", "2"]), f.order([0, 2]));
        assert_eq!(f.list(&["--limit", "1", "--sort", "name"]), f.order([1]));
        assert_eq!(f.list(&["--limit", "10"]).len(), 4);
        assert!(f.list(&["--limit", "0"]).is_empty());
        let bad = f.env.run("admin", &["keys", "list", "--limit", "-1"]);
        assert_eq!(code(&bad), 2);
        let bad = f.env.run("admin", &["keys", "list", "--limit", "many"]);
        assert_eq!(code(&bad), 2);
    }

    fn list_filters(b) {
        let f = fixture(b);
        assert_eq!(f.list(&["--status", "active"]), f.order([0, 3]));
        assert_eq!(f.list(&["--status", "expired"]), vec![f.k[2].clone()]);
        assert_eq!(f.list(&["--status", "revoked"]), vec![f.k[1].clone()]);
        assert_eq!(
            f.list(&["--status", "active", "--status", "revoked"]),
            vec![f.k[0].clone(), f.k[3].clone(), f.k[1].clone()]
        );
        assert_eq!(
            f.list(&["--status", "expired", "--status", "revoked"]),
            vec![f.k[2].clone(), f.k[1].clone()]
        );
        assert_eq!(f.list(&["--owner", "bob"]), vec![f.k[3].clone()]);
        assert_eq!(
            f.list(&["--owner", "zed", "--status", "active"]),
            Vec::<String>::new()
        );
        // Active keys only, expiring within the window.
        assert_eq!(f.list(&["--expiring-within", "25m"]), vec![f.k[0].clone()]);
        assert_eq!(f.list(&["--expiring-within", "1h"]), f.order([0, 3]));
        assert_eq!(
            f.list(&["--expiring-within", "1h", "--sort", "expires", "--reverse"]),
            vec![f.k[3].clone(), f.k[0].clone()]
        );
        assert_eq!(f.list(&["--expiring-within", "1s"]), Vec::<String>::new());
        for bad in ["0s", "-1h", "soon"] {
            let flag = format!("--expiring-within={bad}");
            let a = f.env.run("admin", &["keys", "list", &flag]);
            assert_eq!(code(&a), 2, "--expiring-within {bad}");
        }
        let a = f.env.run("admin", &["keys", "list", "--status", "lost"]);
        assert_eq!(code(&a), 2);

        // The status column in output is derived at read time.
        let v = json(&f.env.run("admin", &["keys", "list", "--format", "json"]));
        let statuses: Vec<&str> = v
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["status"].as_str().unwrap())
            .collect();
        assert_eq!(statuses, ["active", "expired", "active", "revoked"]);
    }

    // ---------------------------------------------------------------------------------
    // search
    // ---------------------------------------------------------------------------------

    fn search_is_a_case_insensitive_literal_substring(b) {
        let env = Env::with_dev(b);
        env.add_developer("ops.bot");
        let (pct, _) = env.generate("dev", "50%_off");
        let (deploy, _) = env.generate("dev", "Deploy-CI");
        let (plain, _) = env.generate("dev", "plain");
        let (pct2, _) = env.generate("dev", "50 percent off");
        let (bot, _) = env.generate("ops.bot", "nightly");

        // `%` and `_` are literal.
        assert_eq!(search_ids(&env, "admin", "%_"), set(&[&pct]));
        assert_eq!(search_ids(&env, "admin", "%"), set(&[&pct]));
        assert_eq!(search_ids(&env, "admin", "_"), set(&[&pct]));
        assert_eq!(search_ids(&env, "admin", "0%_o"), set(&[&pct]));
        assert_eq!(search_ids(&env, "admin", "50%"), set(&[&pct]));
        assert_eq!(search_ids(&env, "admin", "50_"), BTreeSet::new());
        assert_eq!(search_ids(&env, "admin", "5%f"), BTreeSet::new());

        // Case-insensitive, short and long terms.
        assert_eq!(search_ids(&env, "admin", "deploy"), set(&[&deploy]));
        assert_eq!(search_ids(&env, "admin", "DEPLOY-ci"), set(&[&deploy]));
        assert_eq!(search_ids(&env, "admin", "y-c"), set(&[&deploy]));
        assert_eq!(search_ids(&env, "admin", "-c"), set(&[&deploy]));
        assert_eq!(search_ids(&env, "admin", "-"), set(&[&deploy]));
        assert_eq!(search_ids(&env, "admin", "PLAIN"), set(&[&plain]));
        assert_eq!(search_ids(&env, "admin", "50 "), set(&[&pct2]));
        assert_eq!(search_ids(&env, "admin", " "), set(&[&pct2]));

        // By owner.
        assert_eq!(search_ids(&env, "admin", "S.B"), set(&[&bot]));
        assert_eq!(search_ids(&env, "admin", "s."), set(&[&bot]));
        assert_eq!(search_ids(&env, "admin", "."), set(&[&bot]));

        // By ID (a long, a 3-char and a 2-char piece of it).
        assert_eq!(search_ids(&env, "admin", &plain[3..11]), set(&[&plain]));
        assert!(search_ids(&env, "admin", &plain[5..8]).contains(&plain));
        assert!(search_ids(&env, "admin", &plain[5..7]).contains(&plain));
        assert!(search_ids(&env, "admin", &plain.to_uppercase()).contains(&plain));
        assert_eq!(search_ids(&env, "admin", &plain), set(&[&plain]));

        // Nothing matches.
        let a = env.run(
            "admin",
            &["keys", "search", "no such thing", "--format", "json"],
        );
        assert_eq!(code(&a), 0);
        assert_eq!(json(&a), serde_json::json!([]));

        // Developers search only their own keys.
        assert_eq!(search_ids(&env, "ops.bot", "50"), BTreeSet::new());
        assert_eq!(search_ids(&env, "dev", "nightly"), BTreeSet::new());
        assert_eq!(search_ids(&env, "ops.bot", "night"), set(&[&bot]));
    }

    fn search_takes_the_list_filters(b) {
        let env = Env::with_dev(b);
        let (a, _) = env.generate("dev", "ci-alpha");
        let (b, _) = env.generate("dev", "ci-beta");
        let (_c, _) = env.generate("dev", "prod");
        env.ok("admin", &["revoke", &a, "--yes"]);
        assert_eq!(
            ids_of(&env.ok(
                "admin",
                &["keys", "search", "ci-", "--status", "active", "-q"]
            )),
            vec![b.clone()]
        );
        assert_eq!(
            ids_of(&env.ok("admin", &["keys", "search", "ci-", "--sort", "name", "-q"])),
            vec![a.clone(), b.clone()]
        );
        assert_eq!(
            ids_of(&env.ok(
                "admin",
                &[
                    "keys",
                    "search",
                    "ci-",
                    "--sort",
                    "name",
                    "--reverse",
                    "--limit",
                    "1",
                    "-q"
                ]
            )),
            vec![b.clone()]
        );
        let csv = env.ok("admin", &["keys", "search", "CI-", "--format", "csv"]);
        assert!(
            csv.starts_with(
                "id,name,owner,updated,created,expires,status,last_used,uses,replaced_by\n"
            )
        );
        assert_eq!(csv.lines().count(), 3);
    }

    fn search_sees_renames_and_deletions(b) {
        let env = Env::with_dev(b);
        let (a, _) = env.generate("dev", "before-name");
        assert_eq!(search_ids(&env, "dev", "before"), set(&[&a]));
        env.ok("dev", &["keys", "rename", &a, "after-name"]);
        assert!(search_ids(&env, "dev", "before").is_empty());
        assert_eq!(search_ids(&env, "dev", "after"), set(&[&a]));
        env.ok("dev", &["keys", "delete", &a, "--yes"]);
        assert!(search_ids(&env, "dev", "after").is_empty());
    }

    // ---------------------------------------------------------------------------------
    // show
    // ---------------------------------------------------------------------------------

    fn show_one_key(b) {
        let env = Env::with_dev(b);
        env.add_developer("dev2");
        let (id, _) = env.generate("dev", "shown");
        let (other, _) = env.generate("dev2", "hidden");

        let v = json(&env.run("dev", &["keys", "show", &id, "--format", "json"]));
        assert_eq!(v["id"], id.as_str());
        assert_eq!(v["name"], "shown");
        assert_eq!(v["owner"], "dev");
        assert_eq!(v["status"], "active");
        assert_eq!(v["uses"], 0);
        assert_key_fields(&v);

        let table = env.ok("admin", &["keys", "show", &other]);
        assert!(table.contains(&other) && table.contains("hidden") && table.contains("dev2"));
        assert_eq!(
            env.ok("admin", &["keys", "show", &other, "-q"]),
            format!("{other}\n")
        );

        // Someone else's key is "not found" for a developer.
        let a = env.run("dev", &["keys", "show", &other]);
        assert_eq!(code(&a), 3);
        assert!(stderr(&a).contains("no key"), "{}", stderr(&a));
        assert!(!stderr(&a).contains("hidden"));
        assert!(stdout(&a).is_empty());

        // Unknown and malformed IDs.
        let a = env.run("admin", &["keys", "show", "0000000000000000"]);
        assert_eq!(code(&a), 3);
        assert!(stdout(&a).is_empty());
        for bad in ["nope", "0000000000000000x", "ABCDEFGHIJKLMNOP", "'; --"] {
            let a = env.run("admin", &["keys", "show", bad]);
            assert_eq!(code(&a), 2, "{bad}");
            assert!(stderr(&a).contains("malformed"), "{}", stderr(&a));
        }
    }

    fn show_derives_status_at_read_time(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "soon gone");
        set_key(&env, &id, "expires", Some(now() - 1));
        let v = json(&env.run("dev", &["keys", "show", &id, "--format", "json"]));
        assert_eq!(v["status"], "expired");
        env.ok("admin", &["revoke", &id, "--yes"]);
        let v = json(&env.run("dev", &["keys", "show", &id, "--format", "json"]));
        assert_eq!(v["status"], "expired", "an expired key cannot be revoked");
    }

    // ---------------------------------------------------------------------------------
    // rename
    // ---------------------------------------------------------------------------------

    fn rename_own_key(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "old name");
        let old_updated = now() - 1000;
        set_key(&env, &id, "updated", Some(old_updated));
        let created = key_int(&env, &id, "created").unwrap();

        let a = env.run(
            "dev",
            &["keys", "rename", &id, "new name", "--format", "json"],
        );
        assert_eq!(code(&a), 0, "{}", stderr(&a));
        let v = json(&a);
        assert_eq!(v["name"], "new name");
        assert_eq!(v["id"], id.as_str());
        assert_eq!(key_name(&env, &id), "new name");
        let updated = key_int(&env, &id, "updated").unwrap();
        assert!(updated > old_updated + 900, "updated not bumped");
        assert_eq!(unix(v["updated"].as_str().unwrap()), updated);
        assert_eq!(key_int(&env, &id, "created"), Some(created));

        let evs = events_of(&env, "api-key.renamed");
        assert_eq!(evs.len(), 1);
        assert_eq!(evs[0].0, "dev");
        assert_eq!(evs[0].1.as_deref(), Some(id.as_str()));
        assert_eq!(evs[0].2["old"], "old name");
        assert_eq!(evs[0].2["new"], "new name");

        // Bad names and IDs.
        for bad in ["", "a\u{1b}b", "x\ny"] {
            let a = env.run("dev", &["keys", "rename", &id, bad]);
            assert_eq!(code(&a), 2, "{bad:?}");
        }
        let long = "n".repeat(257);
        assert_eq!(code(&env.run("dev", &["keys", "rename", &id, &long])), 2);
        assert_eq!(code(&env.run("dev", &["keys", "rename", "bad-id", "x"])), 2);
        assert_eq!(
            code(&env.run("dev", &["keys", "rename", "0000000000000000", "x"])),
            3
        );
        assert_eq!(key_name(&env, &id), "new name");
        assert_eq!(env.count_events("api-key.renamed"), 1);

        // Renaming a revoked key is allowed for its owner (it is still theirs).
        env.ok("admin", &["revoke", &id, "--yes"]);
        env.ok("dev", &["keys", "rename", &id, "retired"]);
        assert_eq!(key_name(&env, &id), "retired");
    }

    fn rename_is_for_the_owner_only(b) {
        let env = Env::with_dev(b);
        env.add_developer("dev2");
        let (id, _) = env.generate("dev", "mine");
        let before_events = event_total(&env);

        // A tenant admin without the developer role.
        let a = env.run("admin", &["keys", "rename", &id, "admin's"]);
        assert_eq!(code(&a), 4);
        assert!(stderr(&a).contains("developer"), "{}", stderr(&a));
        assert_eq!(key_name(&env, &id), "mine");
        assert_eq!(event_total(&env), before_events + 1);
        assert_eq!(env.count_events("access.denied"), 1);

        // Another developer: as if the key did not exist.
        let a = env.run("dev2", &["keys", "rename", &id, "dev2's"]);
        assert_eq!(code(&a), 3);
        assert_eq!(key_name(&env, &id), "mine");

        // A tenant admin who is also a developer: not yours.
        env.ok("admin", &["users", "grant", "admin", "developer"]);
        let denied = env.count_events("access.denied");
        let a = env.run("admin", &["keys", "rename", &id, "admin's"]);
        assert_eq!(code(&a), 4);
        assert!(stderr(&a).contains("not your key"), "{}", stderr(&a));
        assert_eq!(key_name(&env, &id), "mine");
        assert_eq!(env.count_events("access.denied"), denied + 1);
        let (actor, key_id, _) = events_of(&env, "access.denied").pop().unwrap();
        assert_eq!(actor, "admin");
        assert_eq!(key_id.as_deref(), Some(id.as_str()));
        assert_eq!(env.count_events("api-key.renamed"), 0);

        // A plain user.
        env.ok("admin", &["users", "add", "plain"]);
        assert_eq!(code(&env.run("plain", &["keys", "rename", &id, "x"])), 4);
        assert_eq!(key_name(&env, &id), "mine");
    }

    fn a_developer_without_licence_keeps_managing_own_keys(b) {
        let env = Env::with_dev(b);
        let (a, _) = env.generate("dev", "first");
        let (b, _) = env.generate("dev", "second");
        env.ok("admin", &["users", "licence", "dev", "off"]);

        refused_generate(&env, "dev", &[], 4, "licence");
        let listed: BTreeSet<String> = list_ids(&env, "dev", &[]).into_iter().collect();
        assert_eq!(listed, set(&[&a, &b]));
        assert_eq!(search_ids(&env, "dev", "first"), set(&[&a]));
        env.ok("dev", &["keys", "show", &a]);
        env.ok("dev", &["keys", "rename", &a, "renamed"]);
        assert_eq!(key_name(&env, &a), "renamed");
        let a_del = env.run("dev", &["keys", "delete", &b, "--yes", "--format", "json"]);
        assert_eq!(code(&a_del), 0, "{}", stderr(&a_del));
        assert_eq!(key_count(&env), 1);
    }

    fn search_folds_case_beyond_ascii_for_short_and_long_terms(b) {
        let env = Env::with_dev(b);
        let (apfel, _) = env.generate("dev", "Äpfel");
        let (ete, _) = env.generate("dev", "ÉTÉ sale");
        let (_plain, _) = env.generate("dev", "plain");
        for (term, want) in [
            ("äpf", &apfel),
            ("ÄPF", &apfel),
            ("été", &ete),
            ("ä", &apfel),
            ("Ä", &apfel),
            ("äp", &apfel),
            ("é", &ete),
            ("tÉ", &ete),
        ] {
            assert_eq!(
                search_ids(&env, "admin", term),
                set(&[want]),
                "search {term:?}"
            );
        }
        // A limit still applies to short terms.
        let (_apfel2, _) = env.generate("dev", "äpfelchen");
        assert_eq!(
            ids_of(&env.ok("admin", &["keys", "search", "ä", "--limit", "1", "-q"])).len(),
            1
        );
        assert_eq!(search_ids(&env, "admin", "ä").len(), 2);
    }

    fn a_closed_pipe_ends_the_listing_quietly(b) {
        use std::io::Read;
        let env = Env::with_dev(b);
        seed_keys(&env, "dev", 5000);
        for format in ["csv", "json", "table"] {
            let mut child = env
                .std_cmd("admin")
                .args(["keys", "list", "--format", format])
                .stdin(std::process::Stdio::null())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            let mut first = [0u8; 64];
            child.stdout.take().unwrap().read_exact(&mut first).unwrap();
            // stdout is closed here, like `| head -c 64`.
            let out = child.wait_with_output().unwrap();
            assert_eq!(
                out.status.code(),
                Some(0),
                "{format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(
                out.stderr.is_empty(),
                "{format}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert_eq!(list_ids(&env, "admin", &[]).len(), 5000);
        assert_eq!(list_ids(&env, "admin", &["--limit", "7"]).len(), 7);
    }


    fn generate_needs_the_developer_role_even_for_an_admin(b) {
        let env = Env::with_dev(b);
        refused_generate(&env, "admin", &[], 4, "developer role");
        refused_generate(&env, "admin", &[], 4, "keyctl users grant admin developer");
        let (_, _, details) = events_of(&env, "access.denied").pop().unwrap();
        assert_eq!(details["action"], "keys.generate");

        env.ok("admin", &["users", "add", "plain"]);
        refused_generate(&env, "plain", &[], 4, "developer role");

        // Once the admin grants themselves the role, they may generate.
        env.ok("admin", &["users", "grant", "admin", "developer"]);
        let (id, _) = env.generate("admin", "admin's own");
        assert_eq!(
            env.text("SELECT owner FROM keys WHERE id = ?1", &[&id]),
            "admin"
        );
    }

    fn generate_respects_max_keys_per_user_counting_active_keys_only(b) {
        let env = Env::with_dev(b);
        env.ok("admin", &["settings", "set", "max-keys-per-user", "2"]);
        let (a, _) = env.generate("dev", "one");
        let (b, _) = env.generate("dev", "two");
        refused_generate(&env, "dev", &[], 5, "maximum is 2");
        assert_eq!(key_count(&env), 2);

        // Another user's limit is their own.
        env.add_developer("dev2");
        env.generate("dev2", "other user");

        // A revoked key no longer counts.
        env.ok("admin", &["revoke", &a, "--yes"]);
        let (c, _) = env.generate("dev", "three");
        refused_generate(&env, "dev", &[], 5, "limit");

        // Nor does an expired one.
        set_key(&env, &b, "expires", Some(now() - 10));
        let (_d, _) = env.generate("dev", "four");
        refused_generate(&env, "dev", &[], 5, "limit");
        assert_eq!(
            env.int("SELECT count(*) FROM keys WHERE owner = 'dev'", &[]),
            4
        );
        // Deleting one frees a slot too.
        env.ok("dev", &["keys", "delete", &c, "--yes"]);
        env.generate("dev", "five");
    }

    // ---------------------------------------------------------------------------------
    // generate: output
    // ---------------------------------------------------------------------------------

    fn generate_quiet_prints_the_key_alone(b) {
        let env = Env::with_dev(b);
        let a = env.run("dev", &["keys", "generate", "--name", "q", "-q"]);
        assert_eq!(code(&a), 0);
        let out = stdout(&a);
        assert!(out.ends_with('\n'));
        let key = out.trim_end_matches('\n');
        assert_eq!(out.lines().count(), 1, "{out:?}");
        assert!(key.starts_with("kc_"), "{key:?}");
        assert_eq!(key.len(), keyctl::token::KEY_LEN);
        assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        let id = &key[3..3 + keyctl::token::ID_LEN];
        assert_eq!(key_name(&env, id), "q");
        assert!(stderr(&a).contains("only once"), "{}", stderr(&a));
        // The key works.
        env.cmd("nobody")
            .args(["keys", "verify"])
            .write_stdin(key)
            .assert()
            .success();
    }

    fn table_output_escapes_control_characters_written_by_other_means(b) {
        let env = Env::with_dev(b);
        let (id, _) = env.generate("dev", "innocent");
        env.exec(
            "UPDATE keys SET name = ?2 WHERE id = ?1",
            &[&id, &"evil\u{1b}[2J\u{202e}name\n"],
        );
        for format in ["table", "csv"] {
            let out = env.ok("admin", &["keys", "list", "--format", format]);
            assert!(!out.contains('\u{1b}'), "{format}: {out:?}");
            assert!(!out.contains('\u{202e}'), "{format}: {out:?}");
            assert!(out.contains("evil"));
        }
        let out = env.ok("admin", &["keys", "show", &id]);
        assert!(!out.contains('\u{1b}'));
    }


    fn the_secret_is_never_stored_nor_logged(b) {
        let env = Env::with_dev(b);
        let mut secrets = Vec::new();
        for name in ["a", "b", "c"] {
            secrets.push(env.generate("dev", name).1);
        }
        let q = env.run("dev", &["keys", "generate", "--name", "q", "-q"]);
        secrets.push(stdout(&q).trim().to_owned());
        // Use one so that events about use exist too.
        env.cmd("x")
            .args(["keys", "verify"])
            .write_stdin(secrets[0].clone())
            .assert()
            .success();

        let files: Vec<Vec<u8>> = tenant_dump(&env).into_iter().map(|(_, b)| b).collect();
        let events_json = env.ok("admin", &["events", "--format", "json"]);
        let events_csv = env.ok("admin", &["events", "--format", "csv"]);
        let events_table = env.ok("admin", &["events"]);
        let listing = env.ok("admin", &["keys", "list", "--format", "json"]);
        for secret in &secrets {
            // The random part, without the public ID.
            let random = &secret[20..];
            for bytes in &files {
                assert!(
                    !bytes.windows(random.len()).any(|w| w == random.as_bytes()),
                    "a secret is in the database files"
                );
            }
            for text in [&events_json, &events_csv, &events_table, &listing] {
                assert!(!text.contains(random), "a secret is in the output");
            }
        }
        // The stored hash is the SHA-256 of the whole key.
        let id = &secrets[0][3..19];
        let stored: Vec<u8> = env
            .row("SELECT hash FROM keys WHERE id = ?1", &[&id])
            .expect("a key")
            .b(0);
        assert_eq!(stored, keyctl::token::hash(&secrets[0]).to_vec());
    }
}
