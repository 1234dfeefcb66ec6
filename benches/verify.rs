//! Library-level benchmarks (SPEC §9): verification throughput through
//! `keyctl::Tenant::verify` on one core with usage recorded (target ≥ 20,000/s), and
//! token generation and parsing. Run with `cargo bench --bench verify`.

use divan::counter::ItemsCount;
use divan::{Bencher, black_box};
use keyctl::{Expiry, Role, SettingChange, Tenant, Verifier, token};

fn main() {
    divan::main();
}

/// A tenant on disk with API keys enabled and one developer holding `keys` keys; returns
/// the open tenant, the directory that holds it, and the keys' secrets.
fn tenant(keys: usize) -> (Tenant, tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("tenant.db");
    let mut t = Tenant::create(&path, "admin", "admin").expect("create tenant");
    let admin = t
        .operator("admin", keyctl::policy::Action::ChangeSettings)
        .expect("admin");
    t.change_setting(&admin, SettingChange::Enabled(true))
        .expect("enable keys");
    t.change_setting(&admin, SettingChange::MaxKeysPerUser(1000))
        .expect("raise the limit");
    t.add_user(&admin, "dev", &[Role::Developer], true)
        .expect("add developer");
    let dev = t
        .operator("dev", keyctl::policy::Action::GenerateKey)
        .expect("dev");
    let secrets = (0..keys)
        .map(|i| {
            t.generate_key(&dev, &format!("bench-{i}"), Expiry::Default)
                .expect("generate")
                .secret
        })
        .collect();
    (t, dir, secrets)
}

/// The tenant to verify against and its secrets: with `KEYCTL_BENCH_DB` (a copy of a
/// seeded tenant, e.g. 1M keys from `bench/run`) and `KEYCTL_BENCH_SECRETS` (its secrets
/// file), that tenant; else a small one of 100 keys in a temporary directory.
fn target() -> (std::path::PathBuf, Vec<String>, Option<tempfile::TempDir>) {
    match (
        std::env::var_os("KEYCTL_BENCH_DB"),
        std::env::var_os("KEYCTL_BENCH_SECRETS"),
    ) {
        (Some(db), Some(file)) => {
            let text = std::fs::read_to_string(file).expect("secrets file");
            let secrets: Vec<String> = text.lines().map(str::to_owned).collect();
            (std::path::PathBuf::from(db), secrets, None)
        }
        _ => {
            let (t, dir, secrets) = tenant(100);
            drop(t);
            (dir.path().join("tenant.db"), secrets, Some(dir))
        }
    }
}

/// Keys drawn uniformly at random (xorshift64*: cheap, so it does not weigh on the
/// timing), so a large tenant's pages are hit as real traffic over all keys would.
struct Draw(u64);

impl Draw {
    fn next<'s>(&mut self, secrets: &'s [String]) -> &'s str {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let r = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        &secrets[(r % secrets.len() as u64) as usize]
    }
}

/// `Tenant::verify`: lookup, constant-time compare and the pending usage row, committed
/// before it returns; folds included as they come (65,536 rows or 10 s). 100 samples
/// of 2,000: 200,000 checks, so the mean carries about three folds' cost, the median
/// mostly none — quote the mean as the throughput.
#[divan::bench(sample_count = 100, sample_size = 2000)]
fn verify_valid(bencher: Bencher) {
    let (path, secrets, _dir) = target();
    let mut t = Tenant::open(&path).expect("open");
    let mut draw = Draw(0x9E37_79B9_7F4A_7C15);
    bencher.counter(ItemsCount::new(1usize)).bench_local(|| {
        let verdict = t.verify(black_box(draw.next(&secrets))).expect("storage");
        assert!(verdict.is_ok());
    });
}

/// The batching `Verifier` a long-running service uses: every check reads the tenant's
/// current state; usage rows are committed in batches and folded as they come. 100
/// samples of 4,000 (400,000 checks, about six folds): quote the mean.
#[divan::bench(sample_count = 100, sample_size = 4000)]
fn verifier_valid(bencher: Bencher) {
    let (path, secrets, _dir) = target();
    let mut v = Verifier::open(&path).expect("open");
    let mut draw = Draw(0x2545_F491_4F6C_DD1D);
    bencher.counter(ItemsCount::new(1usize)).bench_local(|| {
        let verdict = v.verify(black_box(draw.next(&secrets))).expect("storage");
        assert!(verdict.is_ok());
    });
    v.flush().expect("flush");
}

/// A rejected key (unknown ID): the `api-key.rejected` event is still written.
#[divan::bench(sample_count = 20, sample_size = 500)]
fn verify_unknown(bencher: Bencher) {
    let (mut t, _dir, _) = tenant(1);
    let stranger = token::generate().expect("generate").secret;
    bencher.counter(ItemsCount::new(1usize)).bench_local(|| {
        let verdict = t.verify(black_box(&stranger)).expect("storage");
        assert!(verdict.is_err());
    });
}

#[divan::bench]
fn token_generate(bencher: Bencher) {
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| token::generate().expect("generate"));
}

#[divan::bench]
fn token_parse(bencher: Bencher) {
    let key = token::generate().expect("generate").secret;
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| token::parse(black_box(&key)).expect("parse"));
}

#[divan::bench]
fn token_parse_bad_checksum(bencher: Bencher) {
    let mut key = token::generate().expect("generate").secret;
    let last = key.pop().expect("non-empty");
    key.push(if last == 'a' { 'b' } else { 'a' });
    bencher
        .counter(ItemsCount::new(1usize))
        .bench(|| token::parse(black_box(&key)).is_err());
}
