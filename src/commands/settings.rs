//! `keyctl settings ...`

use super::{Ctx, confirm};
use anyhow::Result;
use keyctl::cli::{DisableArgs, SetCommand, SettingsCommand};
use keyctl::model::Operator;
use keyctl::policy::Action;
use keyctl::{Change, SettingChange};

pub fn run(ctx: &Ctx, cmd: Option<SettingsCommand>) -> Result<u8> {
    let change = match cmd {
        None | Some(SettingsCommand::Show) => None,
        Some(SettingsCommand::Enable) => Some(SettingChange::Enabled(true)),
        Some(SettingsCommand::Disable(DisableArgs { yes })) => {
            let (mut tenant, op) = ctx.session(Action::ChangeSettings)?;
            // Ask only when the change is allowed and would happen.
            let change = SettingChange::Enabled(false);
            if tenant.check_setting(&op, change)? == Change::Done {
                confirm(
                    "Disable API keys? Every key stops verifying until enabled again.",
                    yes,
                )?;
            }
            return apply(&mut tenant, &op, change);
        }
        Some(SettingsCommand::Set(SetCommand::MaxExpiry(args))) => {
            Some(SettingChange::MaxExpiry(args.duration))
        }
        Some(SettingsCommand::Set(SetCommand::MaxKeysPerUser(args))) => {
            Some(SettingChange::MaxKeysPerUser(args.count))
        }
    };
    let action = if change.is_some() {
        Action::ChangeSettings
    } else {
        Action::ShowSettings
    };
    let (mut tenant, op) = ctx.session(action)?;
    match change {
        Some(change) => apply(&mut tenant, &op, change),
        None => {
            ctx.print(&tenant.settings(&op)?)?;
            Ok(0)
        }
    }
}

fn apply(tenant: &mut keyctl::Tenant, op: &Operator, change: SettingChange) -> Result<u8> {
    let result = tenant.change_setting(op, change)?;
    let what = match change {
        SettingChange::Enabled(true) => "API keys enabled".to_owned(),
        SettingChange::Enabled(false) => "API keys disabled".to_owned(),
        SettingChange::MaxExpiry(d) => {
            format!("max-expiry set to {d} (existing keys keep their expiry)")
        }
        SettingChange::MaxKeysPerUser(n) => format!("max-keys-per-user set to {n}"),
    };
    if result == Change::Done {
        note!("{what}");
    } else {
        note!("unchanged: {what} already");
    }
    Ok(0)
}
