//! Seeds a large tenant for benchmarking (issue 4, SPEC §9).
//!
//! ```text
//! cargo run --release --locked --example seed -- \
//!     --db PATH --keys N --owners M --events E --secrets-out FILE [--secrets S]
//! ```
//!
//! The tenant is created with the library (`Tenant::create`, admin `admin`), then filled
//! directly with SQL in one large transaction: users `user0`..`user{M-1}` (developers
//! with a licence), API keys enabled, `max-keys-per-user` 1000, `max-expiry` 365d,
//! N keys spread over the owners (about 5% revoked, 5% expired, the rest active) and
//! E events in all (counting the one `init` writes) with a valid hash chain.
//!
//! S (default 2,000, at least 1,000) active keys are real keys from
//! `keyctl::token::generate`; their secrets go to FILE, one per line, the only place a
//! secret is ever written. The other keys get random IDs and random hash bytes: no
//! secret exists for them at all.
//!
//! For speed the secondary indexes and the search triggers are dropped during the bulk
//! insert and recreated afterwards from their exact stored SQL, and the FTS5 index is
//! rebuilt, so the final schema is exactly the one `keyctl init` writes.

use anyhow::{Context, Result, bail};
use keyctl::chain::{GENESIS, chain_hash, hex};
use keyctl::duration::{Duration, rfc3339};
use keyctl::token;
use rand::rngs::SmallRng;
use rand::{Rng as _, RngExt, SeedableRng};
use rusqlite::{Connection, params};
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

struct Args {
    db: PathBuf,
    keys: u64,
    owners: u64,
    events: u64,
    secrets_out: PathBuf,
    secrets: u64,
    seed: u64,
}

fn parse_args() -> Result<Args> {
    let mut db = None;
    let mut keys = 1_000_000;
    let mut owners = 10_000;
    let mut events = 5_000_000;
    let mut secrets_out = None;
    let mut secrets = 2_000;
    let mut seed = 42;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => db = Some(PathBuf::from(value()?)),
            "--keys" => keys = value()?.parse()?,
            "--owners" => owners = value()?.parse()?,
            "--events" => events = value()?.parse()?,
            "--secrets-out" => secrets_out = Some(PathBuf::from(value()?)),
            "--secrets" => secrets = value()?.parse()?,
            "--seed" => seed = value()?.parse()?,
            "-h" | "--help" => {
                eprintln!(
                    "usage: seed --db PATH --keys N --owners M --events E --secrets-out FILE \
                     [--secrets S] [--seed X]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other}"),
        }
    }
    if owners == 0 {
        bail!("--owners must be at least 1");
    }
    Ok(Args {
        db: db.context("--db is required")?,
        keys,
        owners,
        events,
        secrets_out: secrets_out.context("--secrets-out is required")?,
        secrets: secrets.max(1_000),
        seed,
    })
}

/// A fast, seeded generator for the shape of the data (never for secrets, which come
/// from `token::generate`).
struct Rng(SmallRng);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(SmallRng::seed_from_u64(seed))
    }
    fn next(&mut self) -> u64 {
        self.0.next_u64()
    }
    fn below(&mut self, n: u64) -> u64 {
        self.0.random_range(0..n.max(1))
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(10_000) < percent * 100
    }
    fn id(&mut self) -> String {
        const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
        (0..token::ID_LEN)
            .map(|_| ALPHABET[self.below(36) as usize] as char)
            .collect()
    }
    fn hash(&mut self) -> [u8; 32] {
        let mut h = [0u8; 32];
        for chunk in h.chunks_mut(8) {
            chunk.copy_from_slice(&self.next().to_le_bytes());
        }
        h
    }
}

const SERVICES: &[&str] = &[
    "ci-deploy",
    "billing-service",
    "payments-api",
    "backup-job",
    "analytics",
    "metrics-exporter",
    "mobile-app",
    "web-frontend",
    "terraform",
    "github-actions",
    "jenkins",
    "data-pipeline",
    "etl-nightly",
    "monitoring",
    "alert-manager",
    "search-indexer",
    "reporting",
    "integration-tests",
    "inventory-sync",
    "customer-portal",
    "support-tools",
    "load-test",
    "crm-export",
    "webhook-relay",
];
const QUALIFIERS: &[&str] = &[
    "prod", "staging", "dev", "test", "eu-west", "us-east", "canary", "local", "nightly",
    "readonly", "admin", "sandbox",
];

/// The rare search term of the benchmark: one key in 100,000 carries it.
const RARE: &str = "zebra";

fn key_name(rng: &mut Rng, i: u64) -> String {
    if i % 100_000 == 77 {
        return format!("legacy-{RARE}-migration-{i}");
    }
    let service = SERVICES[rng.below(SERVICES.len() as u64) as usize];
    match rng.below(4) {
        0 => format!("{service}-{}", rng.below(1000)),
        1 => format!(
            "{service} {}",
            QUALIFIERS[rng.below(QUALIFIERS.len() as u64) as usize]
        ),
        2 => service.to_owned(),
        _ => format!(
            "{service}-{}-{}",
            QUALIFIERS[rng.below(QUALIFIERS.len() as u64) as usize],
            rng.below(100)
        ),
    }
}

struct SeedKey {
    id: String,
    hash: [u8; 32],
    name: String,
    owner: u32,
    created: i64,
    expires: i64,
    /// When it is revoked (for the ~5% that will be).
    revoke_at: Option<i64>,
    revoked: Option<i64>,
    last_used: Option<i64>,
    uses: i64,
}

const DAY: i64 = 86_400;
const MAX_EXPIRY: i64 = 365 * DAY;

struct Chain<'c> {
    stmt: rusqlite::Statement<'c>,
    id: i64,
    prev: [u8; 32],
}

impl Chain<'_> {
    fn append(
        &mut self,
        time: i64,
        kind: &str,
        actor: &str,
        key_id: Option<&str>,
        details: &str,
    ) -> Result<()> {
        self.id += 1;
        let hash = chain_hash(&self.prev, self.id, time, kind, actor, key_id, details);
        self.stmt.execute(params![
            self.id,
            time,
            kind,
            actor,
            key_id,
            details,
            hex(&hash)
        ])?;
        self.prev = hash;
        Ok(())
    }
}

fn progress(start: Instant, what: &str) {
    eprintln!("[{:7.1}s] {what}", start.elapsed().as_secs_f64());
}

fn main() -> Result<()> {
    let args = parse_args()?;
    let start = Instant::now();
    let mut rng = Rng::new(args.seed);
    let now = keyctl::now();

    keyctl::Tenant::create(&args.db, "admin", "admin")
        .with_context(|| format!("creating {}", args.db.display()))?;
    progress(start, &format!("created {}", args.db.display()));

    let mut conn = Connection::open(&args.db)?;
    conn.execute_batch(
        "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1000000; \
         PRAGMA temp_store = MEMORY; PRAGMA threads = 2;",
    )?;

    // Secondary indexes and the search triggers, exactly as stored, to recreate later.
    let dropped: Vec<(String, String, String)> = conn
        .prepare(
            "SELECT type, name, sql FROM sqlite_master \
             WHERE sql IS NOT NULL AND ((type = 'index' AND tbl_name IN ('keys', 'events')) \
                OR (type = 'trigger' AND name LIKE 'keys_search_%')) ORDER BY rowid",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (kind, name, _) in &dropped {
        conn.execute_batch(&format!("DROP {} {name};", kind.to_uppercase()))?;
    }

    // The keys, in memory first: the event stream decides their usage and revocation.
    let t0 = now - 90 * DAY;
    let span = 90 * DAY - 3_600;
    let mut keys: Vec<SeedKey> = Vec::with_capacity(args.keys as usize);
    let mut seen: HashSet<String> = HashSet::with_capacity(args.keys as usize);
    let mut secrets = std::io::BufWriter::new(
        std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode_0600()
            .open(&args.secrets_out)
            .with_context(|| format!("creating {}", args.secrets_out.display()))?,
    );
    let mut real = 0;
    // Spread the real keys over the whole table.
    let real_every = (args.keys / args.secrets).max(1);
    for i in 0..args.keys {
        let created = t0 + (span as u128 * i as u128 / args.keys.max(1) as u128) as i64;
        let roll = rng.below(100);
        let wants_real = real < args.secrets && i % real_every == 0;
        let (expires, revoke_at) = if !wants_real && roll < 5 {
            // expired: sometime between creation and now
            (
                created + 1 + rng.below((now - created - 1).max(1) as u64) as i64,
                None,
            )
        } else if !wants_real && roll < 10 {
            let at = created + 1 + rng.below((now - created - 1).max(1) as u64) as i64;
            (created + MAX_EXPIRY, Some(at))
        } else {
            (created + MAX_EXPIRY, None)
        };
        let (id, hash) = if wants_real {
            let key = token::generate()?;
            writeln!(secrets, "{}", key.secret)?;
            real += 1;
            (key.id, key.hash)
        } else {
            (rng.id(), rng.hash())
        };
        if !seen.insert(id.clone()) {
            bail!("duplicate key ID {id}; try another --seed");
        }
        keys.push(SeedKey {
            id,
            hash,
            name: key_name(&mut rng, i),
            owner: rng.below(args.owners) as u32,
            created,
            expires,
            revoke_at,
            revoked: None,
            last_used: None,
            uses: 0,
        });
    }
    drop(seen);
    secrets.flush()?;
    progress(
        start,
        &format!("{} keys prepared, {real} real secrets written", keys.len()),
    );

    let tx = conn.transaction()?;
    let last = {
        let mut chain = Chain {
            stmt: tx.prepare(
                "INSERT INTO events (id, time, type, actor, key_id, details, hash) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?,
            id: 0,
            prev: GENESIS,
        };
        // Continue the chain after what `init` wrote.
        let (id, hash): (i64, String) = tx.query_row(
            "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        chain.id = id;
        chain.prev = keyctl::chain::unhex(&hash).context("head hash")?;

        let mut budget = args.events.saturating_sub(chain.id as u64);
        let mut setup = |chain: &mut Chain, time, kind, actor, details: String| -> Result<()> {
            if budget > 0 {
                budget -= 1;
                chain.append(time, kind, actor, None, &details)?;
            }
            Ok(())
        };
        // Settings, as `keyctl settings ...` would record them.
        let setting = |name: &str, old: serde_json::Value, new: serde_json::Value| {
            serde_json::json!({"setting": name, "old": old, "new": new}).to_string()
        };
        let t_setup = t0 - DAY;
        setup(
            &mut chain,
            t_setup,
            "settings.changed",
            "admin",
            setting("enabled", false.into(), true.into()),
        )?;
        setup(
            &mut chain,
            t_setup,
            "settings.changed",
            "admin",
            setting("max-keys-per-user", 5.into(), 1000.into()),
        )?;
        setup(
            &mut chain,
            t_setup,
            "settings.changed",
            "admin",
            setting(
                "max-expiry",
                Duration::from_secs(30 * DAY)
                    .context("30d")?
                    .to_string()
                    .into(),
                Duration::from_secs(MAX_EXPIRY)
                    .context("365d")?
                    .to_string()
                    .into(),
            ),
        )?;
        tx.execute(
            "UPDATE settings SET enabled = 1, max_keys_per_user = 1000, max_expiry = ?1",
            [MAX_EXPIRY],
        )?;
        {
            let mut add_user = tx.prepare(
                "INSERT INTO users (name, tenant_admin, developer, licence, created) \
                 VALUES (?1, 0, 1, 1, ?2)",
            )?;
            for u in 0..args.owners {
                let name = format!("user{u}");
                add_user.execute(params![name, t_setup])?;
                setup(
                    &mut chain,
                    t_setup,
                    "user.added",
                    "admin",
                    serde_json::json!({"user": name, "roles": ["developer"], "licence": true})
                        .to_string(),
                )?;
            }
        }
        progress(start, &format!("{} users, settings enabled", args.owners));

        // The main stream: generated keys when due, revocations when due, otherwise
        // verification attempts (mostly successful).
        let mut revocations: Vec<usize> = (0..keys.len())
            .filter(|&i| keys[i].revoke_at.is_some())
            .collect();
        revocations.sort_by_key(|&i| keys[i].revoke_at);
        let mut next_revoke = 0;
        let mut next_gen = 0usize;
        let total = budget;
        let mut generated_ids: Vec<usize> = Vec::with_capacity(keys.len());
        for j in 0..total {
            let t = t0 + (span as u128 * j as u128 / total.max(1) as u128) as i64;
            if next_gen < keys.len() && keys[next_gen].created <= t {
                let k = &keys[next_gen];
                let details = format!(
                    r#"{{"expires":"{}","name":{}}}"#,
                    rfc3339(k.expires),
                    serde_json::to_string(&k.name)?
                );
                chain.append(
                    t,
                    "api-key.generated",
                    &format!("user{}", k.owner),
                    Some(&k.id),
                    &details,
                )?;
                generated_ids.push(next_gen);
                next_gen += 1;
            } else if next_revoke < revocations.len()
                && keys[revocations[next_revoke]]
                    .revoke_at
                    .is_some_and(|r| r <= t)
                && revocations[next_revoke] < next_gen
            {
                let k = &mut keys[revocations[next_revoke]];
                next_revoke += 1;
                k.revoked = Some(t);
                let details = format!(
                    r#"{{"name":{},"owner":"user{}"}}"#,
                    serde_json::to_string(&k.name)?,
                    k.owner
                );
                chain.append(t, "api-key.revoked", "admin", Some(&k.id), &details)?;
            } else if generated_ids.is_empty() || rng.chance(1) {
                let reason = if rng.below(2) == 0 {
                    "malformed"
                } else {
                    "unknown"
                };
                chain.append(
                    t,
                    "api-key.rejected",
                    "(verify)",
                    None,
                    &format!(r#"{{"reason":"{reason}"}}"#),
                )?;
            } else {
                let k = &mut keys[generated_ids[rng.below(generated_ids.len() as u64) as usize]];
                let refused = if k.revoked.is_some() {
                    Some("revoked")
                } else if k.expires <= t {
                    Some("expired")
                } else {
                    None
                };
                if let Some(reason) = refused {
                    chain.append(
                        t,
                        "api-key.rejected",
                        "(verify)",
                        Some(&k.id),
                        &format!(r#"{{"reason":"{reason}"}}"#),
                    )?;
                } else {
                    k.uses += 1;
                    k.last_used = Some(t);
                    chain.append(
                        t,
                        "api-key.used",
                        "(verify)",
                        Some(&k.id),
                        &format!(r#"{{"owner":"user{}"}}"#, k.owner),
                    )?;
                }
            }
            if j % 500_000 == 499_999 {
                progress(start, &format!("{} / {total} events", j + 1));
            }
        }
        // Keys whose revocation was not reached by the stream are revoked without an
        // event only if there is no budget left; with enough events every one has its.
        for &i in &revocations[next_revoke..] {
            let k = &mut keys[i];
            let at = k.revoke_at.expect("revocation").min(now - 60);
            k.revoked = Some(at.max(k.created));
        }
        chain.id
    };
    progress(start, &format!("{last} events in the chain"));

    {
        let mut insert = tx.prepare(
            "INSERT INTO keys (seq, id, hash, name, owner, created, updated, expires, revoked, \
             last_used, uses) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?;
        for (i, k) in keys.iter().enumerate() {
            insert.execute(params![
                i as i64 + 1,
                k.id,
                &k.hash[..],
                k.name,
                format!("user{}", k.owner),
                k.created,
                k.revoked.unwrap_or(k.created),
                k.expires,
                k.revoked,
                k.last_used,
                k.uses
            ])?;
            if i % 250_000 == 249_999 {
                progress(start, &format!("{} keys inserted", i + 1));
            }
        }
    }
    tx.commit()?;
    drop(keys);
    progress(start, "rows committed; recreating indexes and triggers");

    let tx = conn.transaction()?;
    for (kind, name, sql) in &dropped {
        tx.execute_batch(sql)
            .with_context(|| format!("recreating {kind} {name}"))?;
        progress(start, &format!("{kind} {name}"));
    }
    tx.execute_batch("INSERT INTO keys_search (keys_search) VALUES ('rebuild');")?;
    tx.commit()?;
    progress(start, "search index rebuilt");

    conn.execute_batch("PRAGMA journal_mode = WAL;")?;
    let check: String = conn.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        bail!("quick_check: {check}");
    }
    drop(conn);
    progress(start, "done");
    Ok(())
}

/// `OpenOptions::mode(0o600)` without importing the Unix extension at every call.
trait Mode0600 {
    fn mode_0600(&mut self) -> &mut Self;
}

impl Mode0600 for std::fs::OpenOptions {
    fn mode_0600(&mut self) -> &mut Self {
        use std::os::unix::fs::OpenOptionsExt;
        self.mode(0o600)
    }
}
