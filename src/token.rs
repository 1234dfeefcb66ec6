//! The API-key format: `kc_` + key ID + `_` + secret + checksum.
//!
//! - The key ID is 16 characters of `[a-z0-9]`: public, safe to paste anywhere.
//! - The secret is 43 characters of base62 drawn from the operating system's CSPRNG
//!   (43 × log2(62) ≈ 256.03 bits).
//! - The checksum is 6 base62 characters of SHA-256 over the rest of the key, so a
//!   typo is caught before any database lookup, and secret scanners can validate a
//!   match without asking us.
//!
//! Only the SHA-256 of the whole key is stored; see [`hash`].

use rand::TryRng;
use sha2::{Digest, Sha256};
use std::fmt;

/// The fixed prefix of every key.
pub const PREFIX: &str = "kc_";
/// Length of a key ID.
pub const ID_LEN: usize = 16;
/// Length of the secret part.
pub const SECRET_LEN: usize = 43;
/// Length of the checksum.
pub const CHECKSUM_LEN: usize = 6;
/// Total length of a key.
pub const KEY_LEN: usize = PREFIX.len() + ID_LEN + 1 + SECRET_LEN + CHECKSUM_LEN;

const ID_ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A freshly generated key. Its `Debug` output hides the secret.
pub struct NewKey {
    /// The public key ID.
    pub id: String,
    /// The whole key, shown once to its owner and never stored.
    pub secret: String,
    /// SHA-256 of the whole key: what the database keeps.
    pub hash: [u8; 32],
}

impl fmt::Debug for NewKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewKey")
            .field("id", &self.id)
            .field("secret", &"<hidden>")
            .finish()
    }
}

/// Why a presented key is not well-formed. Never carries the key itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Malformed {
    /// Wrong length, prefix, separator or alphabet.
    Shape,
    /// The checksum does not match: a typo or a made-up key.
    Checksum,
}

/// A well-formed key: its ID and the hash to compare with the stored one.
#[derive(Clone, PartialEq, Eq)]
pub struct Parsed {
    /// The key ID embedded in the key.
    pub id: String,
    /// SHA-256 of the whole key.
    pub hash: [u8; 32],
}

impl fmt::Debug for Parsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Parsed").field("id", &self.id).finish()
    }
}

/// Fills `out` with characters of `alphabet` drawn uniformly from the OS CSPRNG.
fn random_chars(alphabet: &[u8], count: usize, out: &mut String) -> anyhow::Result<()> {
    // Rejection sampling keeps the distribution uniform: accept only bytes below the
    // largest multiple of the alphabet's size.
    let limit = (256 / alphabet.len() * alphabet.len()) as u8;
    let mut buf = [0u8; 64];
    let mut rng = rand::rngs::SysRng;
    let mut produced = 0;
    while produced < count {
        rng.try_fill_bytes(&mut buf)
            .map_err(|e| anyhow::anyhow!("reading the operating system's random generator: {e}"))?;
        for &b in &buf {
            if produced == count {
                break;
            }
            if limit == 0 || b < limit {
                out.push(alphabet[b as usize % alphabet.len()] as char);
                produced += 1;
            }
        }
    }
    Ok(())
}

/// A new random key ID (also used on its own, e.g. by the seeding tool).
pub fn new_id() -> anyhow::Result<String> {
    let mut id = String::with_capacity(ID_LEN);
    random_chars(ID_ALPHABET, ID_LEN, &mut id)?;
    Ok(id)
}

/// Generates a new key from the OS CSPRNG.
pub fn generate() -> anyhow::Result<NewKey> {
    let id = new_id()?;
    let mut secret = String::with_capacity(KEY_LEN);
    secret.push_str(PREFIX);
    secret.push_str(&id);
    secret.push('_');
    random_chars(BASE62, SECRET_LEN, &mut secret)?;
    let check = checksum(&secret);
    secret.push_str(&check);
    let hash = hash(&secret);
    Ok(NewKey { id, secret, hash })
}

/// Builds a key around a given ID and secret body (for tests and seeding only).
pub fn assemble(id: &str, secret_body: &str) -> String {
    let mut key = format!("{PREFIX}{id}_{secret_body}");
    let check = checksum(&key);
    key.push_str(&check);
    key
}

/// SHA-256 of the whole key: what is stored and compared.
pub fn hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

fn checksum(body: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"keyctl-checksum:");
    hasher.update(body.as_bytes());
    let digest = hasher.finalize();
    let mut n = u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]]) as u64;
    let mut out = [b'0'; CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out.to_vec()).expect("base62 is ASCII")
}

/// Hides the secret of anything shaped like a key in `text` (`kc_` + ID + `_` + ...),
/// keeping the public prefix and ID, so that an error message, a result row or the log
/// never repeats a key pasted where an ID or a name was expected.
pub fn redact(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(PREFIX) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(PREFIX) {
        let after = &rest[at + PREFIX.len()..];
        let run = after
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
            .count();
        out.push_str(&rest[..at + PREFIX.len()]);
        if run > ID_LEN + 1 {
            out.push_str(&after[..ID_LEN + 1]);
            out.push_str("[redacted]");
        } else {
            out.push_str(&after[..run]);
        }
        rest = &after[run..];
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Whether `s` has the shape of a key ID (16 of `[a-z0-9]`).
pub fn is_valid_id(s: &str) -> bool {
    s.len() == ID_LEN
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Parses a presented key: shape first, then checksum, before any lookup.
pub fn parse(key: &str) -> Result<Parsed, Malformed> {
    let bytes = key.as_bytes();
    if bytes.len() != KEY_LEN || !key.starts_with(PREFIX) {
        return Err(Malformed::Shape);
    }
    let id = &key[PREFIX.len()..PREFIX.len() + ID_LEN];
    let sep = PREFIX.len() + ID_LEN;
    if !is_valid_id(id) || bytes[sep] != b'_' {
        return Err(Malformed::Shape);
    }
    let tail = &key[sep + 1..];
    if !tail.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Malformed::Shape);
    }
    let (body, check) = key.split_at(KEY_LEN - CHECKSUM_LEN);
    if checksum(body) != check {
        return Err(Malformed::Checksum);
    }
    Ok(Parsed {
        id: id.to_owned(),
        hash: hash(key),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_key_has_documented_shape() {
        let key = generate().unwrap();
        assert_eq!(key.secret.len(), KEY_LEN);
        assert!(key.secret.starts_with("kc_"));
        assert!(
            key.secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        );
        assert!(is_valid_id(&key.id));
        assert_eq!(&key.secret[3..19], key.id);
        assert_eq!(key.hash, hash(&key.secret));
    }

    #[test]
    fn generated_key_parses_back() {
        let key = generate().unwrap();
        let parsed = parse(&key.secret).unwrap();
        assert_eq!(parsed.id, key.id);
        assert_eq!(parsed.hash, key.hash);
    }

    #[test]
    fn keys_are_unique() {
        let a = generate().unwrap();
        let b = generate().unwrap();
        assert_ne!(a.id, b.id);
        assert_ne!(a.secret, b.secret);
    }

    #[test]
    fn checksum_catches_a_typo() {
        let key = generate().unwrap().secret;
        let mut chars: Vec<char> = key.chars().collect();
        let i = 30;
        chars[i] = if chars[i] == 'a' { 'b' } else { 'a' };
        let typo: String = chars.into_iter().collect();
        assert_eq!(parse(&typo), Err(Malformed::Checksum));
    }

    #[test]
    fn shape_errors() {
        let key = generate().unwrap().secret;
        assert_eq!(parse(""), Err(Malformed::Shape));
        assert_eq!(parse(&key[1..]), Err(Malformed::Shape));
        assert_eq!(parse(&format!("{key}x")), Err(Malformed::Shape));
        assert_eq!(parse(&key.replacen("kc_", "kd_", 1)), Err(Malformed::Shape));
        let upper_id = format!("kc_{}{}", key[3..19].to_uppercase(), &key[19..]);
        if upper_id != key {
            assert_eq!(parse(&upper_id), Err(Malformed::Shape));
        }
        let mut bad = key.clone().into_bytes();
        bad[19] = b'-';
        assert_eq!(
            parse(&String::from_utf8(bad).unwrap()),
            Err(Malformed::Shape)
        );
        let multibyte = format!("{}é", &key[..KEY_LEN - 2]);
        assert_eq!(parse(&multibyte), Err(Malformed::Shape));
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let key = generate().unwrap();
        let shown = format!("{key:?}");
        assert!(!shown.contains(&key.secret[20..]));
    }

    #[test]
    fn id_validation() {
        assert!(is_valid_id("0123456789abcdef"));
        assert!(!is_valid_id("0123456789abcde"));
        assert!(!is_valid_id("0123456789ABCDEF"));
        assert!(!is_valid_id("0123456789abcde_"));
        assert!(!is_valid_id(""));
    }

    #[test]
    fn redact_hides_secrets_only() {
        let key = generate().unwrap();
        let shown = redact(&format!("x {} y", key.secret)).into_owned();
        assert_eq!(shown, format!("x kc_{}_[redacted] y", key.id));
        assert_eq!(redact("kc_0123456789abcdef"), "kc_0123456789abcdef");
        assert_eq!(redact("plain text"), "plain text");
        assert!(!redact(&key.secret[..40]).contains(&key.secret[20..40]));
    }

    #[test]
    fn assemble_makes_a_valid_key() {
        let key = assemble("0123456789abcdef", &"A".repeat(SECRET_LEN));
        assert_eq!(parse(&key).unwrap().id, "0123456789abcdef");
    }
}
