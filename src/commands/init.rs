//! `keyctl init --admin NAME`

use super::Ctx;
use anyhow::Result;
use keyctl::Tenant;

pub fn run(ctx: &Ctx, admin: &str) -> Result<u8> {
    let path = ctx.db_path()?;
    // `describe`: the file's path, or `user@host:port/dbname` without the password a
    // URL may carry.
    let tenant = Tenant::create(&path, admin, &ctx.operator_name())?;
    note!(
        "created tenant {} with tenant admin '{admin}'; API keys are disabled until `keyctl settings enable`",
        tenant.describe()
    );
    Ok(0)
}
