//! `keyctl users ...`

use super::{Ctx, confirm};
use anyhow::Result;
use keyctl::cli::{
    LicenceArgs, RoleArg, RoleArgs, Switch, UserAddArgs, UserRemoveArgs, UsersCommand,
};
use keyctl::model::Operator;
use keyctl::policy::Action;
use keyctl::{Change, Role, Tenant};

fn role(r: RoleArg) -> Role {
    match r {
        RoleArg::Developer => Role::Developer,
        RoleArg::TenantAdmin => Role::TenantAdmin,
        RoleArg::Auditor => Role::Auditor,
    }
}

fn note(change: Change, done: String, unchanged: String) {
    note!(
        "{}",
        if change == Change::Done {
            done
        } else {
            unchanged
        }
    );
}

pub fn run(ctx: &Ctx, cmd: UsersCommand) -> Result<u8> {
    let action = match cmd {
        UsersCommand::List => Action::ListUsers,
        _ => Action::ManageUsers,
    };
    let (mut tenant, op) = ctx.session(action)?;
    match cmd {
        UsersCommand::List => {
            ctx.print_all(&tenant.list_users(&op)?)?;
        }
        UsersCommand::Add(UserAddArgs {
            name,
            roles,
            licence,
        }) => {
            let roles: Vec<Role> = roles.into_iter().map(role).collect();
            ctx.print(&tenant.add_user(&op, &name, &roles, licence)?)?;
        }
        UsersCommand::Grant(args) => set_role(&mut tenant, &op, args, true)?,
        UsersCommand::Ungrant(args) => set_role(&mut tenant, &op, args, false)?,
        UsersCommand::Licence(LicenceArgs { name, state }) => {
            let on = state == Switch::On;
            let change = tenant.set_licence(&op, &name, on)?;
            let word = if on { "on" } else { "off" };
            note(
                change,
                format!("licence of {name} is now {word}"),
                format!("licence of {name} was already {word}"),
            );
        }
        UsersCommand::Remove(UserRemoveArgs { name, yes }) => {
            tenant.check_remove_user(&op, &name)?;
            confirm(
                &format!("Remove user {name} and revoke all their active keys?"),
                yes,
            )?;
            let revoked = tenant.remove_user(&op, &name)?;
            note!(
                "removed user {name}; revoked {} active key(s)",
                revoked.len()
            );
            let mut out = ctx.output();
            if out.quiet {
                for id in &revoked {
                    out.line(id)?;
                }
            }
            out.finish()?;
        }
    }
    Ok(0)
}

/// `users grant` (`on`) and `users ungrant`.
fn set_role(tenant: &mut Tenant, op: &Operator, args: RoleArgs, on: bool) -> Result<()> {
    let RoleArgs { name, role: r } = args;
    let r = role(r);
    let change = tenant.set_role(op, &name, r, on)?;
    let (done, unchanged) = if on {
        (
            format!("granted {r} to {name}"),
            format!("{name} already has {r}"),
        )
    } else {
        (
            format!("removed {r} from {name}"),
            format!("{name} does not have {r}"),
        )
    };
    note(change, done, unchanged);
    Ok(())
}
