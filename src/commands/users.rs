//! `keyctl users ...`

use super::{Ctx, confirm};
use anyhow::Result;
use keyctl::cli::{
    LicenceArgs, RoleArg, RoleArgs, Switch, UserAddArgs, UserRemoveArgs, UsersCommand,
};
use keyctl::policy::Action;
use keyctl::{Change, Role, User};

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
            let users = tenant.list_users(&op)?;
            let mut out = ctx.output();
            let mut listing = out.listing::<User>()?;
            for u in &users {
                listing.push(u)?;
            }
            listing.finish()?;
            out.finish()?;
        }
        UsersCommand::Add(UserAddArgs {
            name,
            roles,
            licence,
        }) => {
            let roles: Vec<Role> = roles.into_iter().map(role).collect();
            let user = tenant.add_user(&op, &name, &roles, licence)?;
            let mut out = ctx.output();
            out.record(&user)?;
            out.finish()?;
        }
        UsersCommand::Grant(RoleArgs { name, role: r }) => {
            let change = tenant.set_role(&op, &name, role(r), true)?;
            let r = role(r);
            note(
                change,
                format!("granted {r} to {name}"),
                format!("{name} already has {r}"),
            );
        }
        UsersCommand::Ungrant(RoleArgs { name, role: r }) => {
            let change = tenant.set_role(&op, &name, role(r), false)?;
            let r = role(r);
            note(
                change,
                format!("removed {r} from {name}"),
                format!("{name} does not have {r}"),
            );
        }
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
