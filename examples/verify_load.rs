//! Library verification load for SPEC §11 "Performance" (`bench/run --backend postgres`).
//!
//! ```text
//! cargo run --release --locked --example verify_load -- \
//!     --db DB --secrets FILE [--seconds S | --count N] [--tenant] [--start-at UNIX_MS] [--seed X]
//! ```
//!
//! Opens `Verifier::open(DB)` (or `Tenant::open(DB)` with `--tenant`, each use committed
//! by `Tenant::verify`), then verifies keys drawn uniformly at random from FILE (the
//! secrets `examples/seed --secrets-out FILE` wrote) for S seconds (default 10) or N
//! checks. With `--start-at`, it opens first and waits until that wall-clock time, so
//! several processes started together run their loads at the same moment. A `Verifier`
//! is flushed before the clock stops, so every use counted is committed.
//!
//! Prints one line: `verifications=C seconds=T rate=R/s` (R = C / T). Any check that is
//! not a success is an error: the secrets are all of active keys.

use anyhow::{Context, Result, bail};
use keyctl::{Tenant, Verifier};
use rand::rngs::SmallRng;
use rand::{RngExt, SeedableRng};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

enum Load {
    Verifier(Verifier),
    Tenant(Tenant),
}

fn main() -> Result<()> {
    let mut db = None;
    let mut secrets = None;
    let mut seconds = 10.0_f64;
    let mut count: Option<u64> = None;
    let mut tenant = false;
    let mut start_at: Option<u64> = None;
    let mut seed = u64::from(std::process::id());
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--db" => db = Some(value()?),
            "--secrets" => secrets = Some(value()?),
            "--seconds" => seconds = value()?.parse()?,
            "--count" => count = Some(value()?.parse()?),
            "--tenant" => tenant = true,
            "--start-at" => start_at = Some(value()?.parse()?),
            "--seed" => seed = value()?.parse()?,
            "-h" | "--help" => {
                eprintln!(
                    "usage: verify_load --db DB --secrets FILE [--seconds S | --count N] \
                     [--tenant] [--start-at UNIX_MS] [--seed X]"
                );
                return Ok(());
            }
            other => bail!("unknown argument {other}"),
        }
    }
    let db = db.context("--db is required")?;
    let file = secrets.context("--secrets is required")?;
    let text = std::fs::read_to_string(&file).with_context(|| format!("reading {file}"))?;
    let secrets: Vec<&str> = text.lines().filter(|l| !l.is_empty()).collect();
    if secrets.is_empty() {
        bail!("{file} holds no secrets");
    }
    let mut rng = SmallRng::seed_from_u64(seed);

    let mut load = if tenant {
        Load::Tenant(Tenant::open(&db)?)
    } else {
        Load::Verifier(Verifier::open(&db)?)
    };

    if let Some(at) = start_at {
        let now = SystemTime::now().duration_since(UNIX_EPOCH)?.as_millis() as u64;
        if at > now {
            std::thread::sleep(Duration::from_millis(at - now));
        }
    }

    let limit = Duration::from_secs_f64(seconds);
    let start = Instant::now();
    let mut done = 0u64;
    loop {
        match count {
            Some(n) if done >= n => break,
            None if start.elapsed() >= limit => break,
            _ => {}
        }
        let secret = secrets[rng.random_range(0..secrets.len())];
        let verdict = match &mut load {
            Load::Verifier(v) => v.verify(secret)?,
            Load::Tenant(t) => t.verify(secret)?,
        };
        if let Err(why) = verdict {
            bail!("a key from {file} was refused: {why}");
        }
        done += 1;
    }
    if let Load::Verifier(v) = &mut load {
        v.flush()?;
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "verifications={done} seconds={elapsed:.3} rate={:.0}/s",
        done as f64 / elapsed
    );
    Ok(())
}
