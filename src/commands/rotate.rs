//! `keyctl keys rotate ID [--grace D] [--expires-in D | --expires-at T]`

use super::Ctx;
use super::keys::print_generated;
use anyhow::Result;
use keyctl::duration::{parse_grace, rfc3339};
use keyctl::error::usage;
use keyctl::policy::Action;
use keyctl::{Expiry, now};

pub fn run(ctx: &Ctx, id: &str, grace: Option<String>, expiry: Expiry) -> Result<u8> {
    let grace = grace
        .map(|g| parse_grace(&g).map_err(usage))
        .transpose()?
        .unwrap_or(0);
    keyctl::check_key_id(id)?;
    let (mut tenant, op) = ctx.session(Action::RotateKey)?;
    let rotated = tenant.rotate_key(&op, id, grace, expiry)?;
    let old = &rotated.old;
    let when = if old.expires <= now() {
        "stopped working now".to_owned()
    } else {
        format!("keeps working until {}", rfc3339(old.expires))
    };
    note!(
        "rotated key {}: replaced by {}; the old key {when}",
        old.id,
        rotated.new.key.id
    );
    print_generated(ctx, &rotated.new)
}
