//! Managing the tenant's users and their roles (tenant admins only).

use crate::error::{not_found, refused};
use crate::model::{Operator, Role, User, event_type};
use crate::policy::Action;
use crate::store::{self, events::Appender};
use crate::tenant::{Change, Tenant, check_user_name, now};
use anyhow::Result;
use rusqlite::Connection;
use serde_json::json;

fn existing(conn: &Connection, name: &str) -> Result<User> {
    store::users::get(conn, name)?
        .ok_or_else(|| not_found(format!("no user '{name}' in this tenant")))
}

/// Refuses to leave the tenant without a tenant admin.
fn keep_an_admin(conn: &Connection, user: &User, doing: &str) -> Result<()> {
    if user.tenant_admin && store::users::count_admins(conn)? <= 1 {
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
        self.read(|tx| Ok(store::users::list(tx)?))
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
        self.write(|tx| {
            if store::users::exists(tx, name)? {
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
            store::users::insert(tx, &user)?;
            let roles: Vec<&str> = user.roles().iter().map(|r| r.as_str()).collect();
            Appender::new(tx)?.append(
                user.created,
                event_type::USER_ADDED,
                &op.name,
                None,
                &json!({"user": name, "roles": roles, "licence": licence}),
            )?;
            Ok(user)
        })
    }

    /// Gives (`on`) or takes a role; the last tenant admin keeps theirs.
    pub fn set_role(&mut self, op: &Operator, name: &str, role: Role, on: bool) -> Result<Change> {
        check_user_name(name)?;
        self.authorize(op, Action::ManageUsers)?;
        self.write(|tx| {
            let user = existing(tx, name)?;
            if user.has(role) == on {
                return Ok(Change::Unchanged);
            }
            if !on && role == Role::TenantAdmin {
                keep_an_admin(tx, &user, "remove the tenant-admin role from")?;
            }
            store::users::set_role(tx, name, role, on)?;
            let kind = if on {
                event_type::ROLE_GRANTED
            } else {
                event_type::ROLE_REMOVED
            };
            Appender::new(tx)?.append(
                now(),
                kind,
                &op.name,
                None,
                &json!({"user": name, "role": role.as_str()}),
            )?;
            Ok(Change::Done)
        })
    }

    /// Gives or takes a user's licence.
    pub fn set_licence(&mut self, op: &Operator, name: &str, on: bool) -> Result<Change> {
        check_user_name(name)?;
        self.authorize(op, Action::ManageUsers)?;
        self.write(|tx| {
            let user = existing(tx, name)?;
            if user.licence == on {
                return Ok(Change::Unchanged);
            }
            store::users::set_licence(tx, name, on)?;
            Appender::new(tx)?.append(
                now(),
                event_type::LICENCE_CHANGED,
                &op.name,
                None,
                &json!({"user": name, "old": user.licence, "new": on}),
            )?;
            Ok(Change::Done)
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

    /// Removes a user and, in the same transaction, revokes all their active keys.
    /// Returns the IDs of the keys revoked.
    pub fn remove_user(&mut self, op: &Operator, name: &str) -> Result<Vec<String>> {
        check_user_name(name)?;
        self.authorize(op, Action::ManageUsers)?;
        self.write(|tx| {
            let user = existing(tx, name)?;
            keep_an_admin(tx, &user, "remove")?;
            let now = now();
            let mut log = Appender::new(tx)?;
            let revoked = store::keys::active_ids_of(tx, name, now)?;
            for id in &revoked {
                store::keys::revoke(tx, id, now)?;
                log.append(
                    now,
                    event_type::KEY_REVOKED,
                    &op.name,
                    Some(id),
                    &json!({"owner": name, "reason": "owner removed"}),
                )?;
            }
            store::users::delete(tx, name)?;
            log.append(
                now,
                event_type::USER_REMOVED,
                &op.name,
                None,
                &json!({"user": name, "revoked_keys": revoked.len()}),
            )?;
            Ok(revoked)
        })
    }
}
