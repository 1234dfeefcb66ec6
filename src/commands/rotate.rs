//! `keyctl keys rotate ID [--grace D] [--expires-in D | --expires-at T]`

use super::Ctx;
use super::keys::{expiry, print_generated};
use anyhow::Result;
use keyctl::cli::RotateArgs;
use keyctl::duration::rfc3339;
use keyctl::now;
use keyctl::policy::Action;

pub fn run(ctx: &Ctx, args: RotateArgs) -> Result<u8> {
    let RotateArgs {
        id,
        grace,
        expires_in,
        expires_at,
    } = args;
    let id = id.as_str();
    keyctl::check_key_id(id)?;
    let (mut tenant, op) = ctx.session(Action::RotateKey)?;
    let expiry = expiry(expires_in, expires_at);
    let rotated = tenant.rotate_key(&op, id, grace.unwrap_or(0), expiry)?;
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
