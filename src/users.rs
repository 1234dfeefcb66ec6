//! Managing the tenant's users and their roles (tenant admins only).

use crate::chain::Appender;
use crate::error::{not_found, refused};
use crate::idlist::Requested;
use crate::keys::{BulkAction, RevokeReason, bulk_in};
use crate::model::{Operator, Role, User, event_type};
use crate::policy::Action;
use crate::store::Tx;
use crate::tenant::{Change, Tenant, check_user_name, now};
use anyhow::Result;
use serde_json::json;

fn existing(tx: &mut dyn Tx, name: &str) -> Result<User> {
    tx.user(name)?
        .ok_or_else(|| not_found(format!("no user '{name}' in this tenant")))
}

/// Refuses to leave the tenant without a tenant admin.
fn keep_an_admin(tx: &mut dyn Tx, user: &User, doing: &str) -> Result<()> {
    if user.tenant_admin && tx.count_admins()? <= 1 {
        return Err(refused(format!(
            "cannot {doing} '{}': they are the last tenant admin (grant the role to someone else first)",
            user.name
        )));
    }
    Ok(())
}

impl Tenant {
    /// All users, by name.
    pub fn list_users(&mut self, op: &Operator) -> Result<Vec<User>> {
        self.authorize(op, Action::ListUsers)?;
        self.read(|tx| tx.users())
    }

    /// Registers a new user with `roles` and optionally a licence.
    pub fn add_user(
        &mut self,
        op: &Operator,
        name: &str,
        roles: &[Role],
        licence: bool,
    ) -> Result<User> {
        check_user_name(name)?;
        self.authorize(op, Action::ManageUsers)?;
        self.write_as(op, Action::ManageUsers, |tx, op, _| {
            if tx.user_exists(name)? {
                return Err(refused(format!("user '{name}' already exists")));
            }
            let user = User {
                name: name.to_owned(),
                tenant_admin: roles.contains(&Role::TenantAdmin),
                developer: roles.contains(&Role::Developer),
                licence,
                created: now(),
                auditor: roles.contains(&Role::Auditor),
            };
            tx.insert_user(&user)?;
            let roles: Vec<&str> = user.roles().iter().map(|r| r.as_str()).collect();
            Appender::new(tx)?.append(
                tx,
                user.created,
                event_type::USER_ADDED,
                op.name(),
                None,
                &json!({"user": name, "roles": roles, "licence": licence}),
            )?;
            Ok(Ok(user))
        })
    }

    /// Gives (`on`) or takes a role; the last tenant admin keeps theirs.
    pub fn set_role(&mut self, op: &Operator, name: &str, role: Role, on: bool) -> Result<Change> {
        check_user_name(name)?;
        self.authorize(op, Action::ManageUsers)?;
        self.write_as(op, Action::ManageUsers, |tx, op, _| {
            let user = existing(tx, name)?;
            if user.has(role) == on {
                return Ok(Ok(Change::Unchanged));
            }
            if !on && role == Role::TenantAdmin {
                keep_an_admin(tx, &user, "remove the tenant-admin role from")?;
            }
            tx.set_role(name, role, on)?;
            let kind = if on {
                event_type::ROLE_GRANTED
            } else {
                event_type::ROLE_REMOVED
            };
            Appender::new(tx)?.append(
                tx,
                now(),
                kind,
                op.name(),
                None,
                &json!({"user": name, "role": role.as_str()}),
            )?;
            Ok(Ok(Change::Done))
        })
    }

    /// Gives or takes a user's licence.
    pub fn set_licence(&mut self, op: &Operator, name: &str, on: bool) -> Result<Change> {
        check_user_name(name)?;
        self.authorize(op, Action::ManageUsers)?;
        self.write_as(op, Action::ManageUsers, |tx, op, _| {
            let user = existing(tx, name)?;
            if user.licence == on {
                return Ok(Ok(Change::Unchanged));
            }
            tx.set_licence(name, on)?;
            Appender::new(tx)?.append(
                tx,
                now(),
                event_type::LICENCE_CHANGED,
                op.name(),
                None,
                &json!({"user": name, "old": user.licence, "new": on}),
            )?;
            Ok(Ok(Change::Done))
        })
    }

    /// Checks that `name` can be removed by `op`, without changing anything (so a
    /// confirmation prompt is only shown for a removal that would happen).
    pub fn check_remove_user(&mut self, op: &Operator, name: &str) -> Result<User> {
        check_user_name(name)?;
        self.authorize(op, Action::ManageUsers)?;
        self.read(|tx| {
            let user = existing(tx, name)?;
            keep_an_admin(tx, &user, "remove")?;
            Ok(user)
        })
    }

    /// Removes a user and, in the same transaction, revokes all their active keys
    /// (through the same code as `revoke`, one `api-key.revoked` event each). Returns
    /// the IDs of the keys revoked.
    pub fn remove_user(&mut self, op: &Operator, name: &str) -> Result<Vec<String>> {
        check_user_name(name)?;
        self.authorize(op, Action::ManageUsers)?;
        self.write_as(op, Action::ManageUsers, |tx, op, scope| {
            let Some(removed) = tx.operator(name)? else {
                return Err(not_found(format!("no user '{name}' in this tenant")));
            };
            keep_an_admin(tx, removed.user(), "remove")?;
            let now = now();
            let active: Vec<Requested> = tx
                .active_ids_of(removed.uid(), now)?
                .into_iter()
                .map(Requested::Id)
                .collect();
            let revoke = BulkAction::Revoke(RevokeReason::OwnerRemoved);
            let outcomes = bulk_in(tx, op, scope, &active, false, revoke)?;
            let revoked: Vec<String> = outcomes.into_iter().map(|o| o.id).collect();
            tx.delete_user(name)?;
            Appender::new(tx)?.append(
                tx,
                now,
                event_type::USER_REMOVED,
                op.name(),
                None,
                &json!({"user": name, "revoked_keys": revoked.len()}),
            )?;
            Ok(Ok(revoked))
        })
    }
}
