//! `keyctl init --admin NAME`

use super::Ctx;
use anyhow::Result;
use keyctl::Tenant;

pub fn run(ctx: &Ctx, admin: &str) -> Result<u8> {
    let path = ctx.db_path()?;
    Tenant::create(&path, admin, &ctx.operator_name())?;
    note!(
        "created tenant {} with tenant admin '{admin}'; API keys are disabled until `keyctl settings enable`",
        // A URL's password is never shown (SPEC §11 "Failures are plain").
        keyctl::display_location(&path)
    );
    Ok(0)
}
