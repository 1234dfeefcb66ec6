//! The audit log's hash chain: each event's hash is SHA-256 over the previous event's
//! hash and the event's canonical content. Public so that tools outside keyctl can
//! check a log (SPEC §8).

use crate::model::Event;
use crate::store::Tx;
use anyhow::Result;
use sha2::{Digest, Sha256};

/// The hash "before" the first event.
pub const GENESIS: [u8; 32] = [0; 32];

/// Lower-case hex of a hash.
pub fn hex(bytes: &[u8; 32]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(64), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Parses 64 hex digits.
pub fn unhex(s: &str) -> Option<[u8; 32]> {
    if s.len() != 64 || !s.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

/// SHA-256 over the previous event's hash and this event's canonical content: a JSON
/// array `[id, time, type, actor, key_id, details]`, with `details` exactly as stored.
pub fn chain_hash(
    prev: &[u8; 32],
    id: i64,
    time: i64,
    kind: &str,
    actor: &str,
    key_id: Option<&str>,
    details: &str,
) -> [u8; 32] {
    let json = |s: &str| serde_json::to_string(s).expect("strings serialise");
    let key = key_id.map_or_else(|| "null".to_owned(), json);
    let canonical = format!(
        "[{id},{time},{},{},{key},{details}]",
        json(kind),
        json(actor)
    );
    let mut h = Sha256::new();
    h.update(prev);
    h.update(canonical.as_bytes());
    h.finalize().into()
}

/// Appends events inside one write transaction, carrying the chain from one to the
/// next. It holds no transaction itself, so other `tx` calls can come between appends.
pub(crate) struct Appender {
    last_id: i64,
    last_hash: [u8; 32],
}

impl Appender {
    /// Starts appending after the newest event (call inside a write transaction).
    pub(crate) fn new(tx: &mut dyn Tx) -> Result<Appender> {
        let (last_id, last_hash) = match tx.head()? {
            Some((id, hash)) => (
                id,
                unhex(&hash).ok_or_else(|| {
                    anyhow::anyhow!("event {id} has a malformed hash; run `keyctl events verify`")
                })?,
            ),
            None => (0, GENESIS),
        };
        Ok(Appender { last_id, last_hash })
    }

    /// Appends one event and returns its ID.
    pub(crate) fn append(
        &mut self,
        tx: &mut dyn Tx,
        time: i64,
        kind: &str,
        actor: &str,
        key_id: Option<&str>,
        details: &serde_json::Value,
    ) -> Result<i64> {
        let id = self.last_id + 1;
        let details = details.to_string();
        let hash = chain_hash(&self.last_hash, id, time, kind, actor, key_id, &details);
        tx.insert_event(&Event {
            id,
            time,
            kind: kind.to_owned(),
            actor: actor.to_owned(),
            key_id: key_id.map(str::to_owned),
            details,
            hash: hex(&hash),
        })?;
        self.last_id = id;
        self.last_hash = hash;
        Ok(id)
    }
}
