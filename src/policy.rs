//! The permission matrix of SPEC §3, in one place. Every command asks here.

use crate::model::{Operator, Role};

/// Something an operator may try to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// `settings show`.
    ShowSettings,
    /// `settings enable/disable/set`.
    ChangeSettings,
    /// `users add/remove/grant/ungrant/licence`.
    ManageUsers,
    /// `users list`.
    ListUsers,
    /// `keys generate`.
    GenerateKey,
    /// `keys list/search/show`.
    ReadKeys,
    /// `keys rename`.
    RenameKey,
    /// `keys delete`.
    DeleteKey,
    /// `keys revoke` / `revoke`.
    RevokeKey,
    /// `events ...`.
    ReadEvents,
}

impl Action {
    /// The action's name in `access.denied` events.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::ShowSettings => "settings.show",
            Action::ChangeSettings => "settings.change",
            Action::ManageUsers => "users.manage",
            Action::ListUsers => "users.list",
            Action::GenerateKey => "keys.generate",
            Action::ReadKeys => "keys.read",
            Action::RenameKey => "keys.rename",
            Action::DeleteKey => "keys.delete",
            Action::RevokeKey => "keys.revoke",
            Action::ReadEvents => "events.read",
        }
    }
}

/// Which keys an allowed action reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every key of the tenant.
    All,
    /// Only the operator's own keys; others look as if they did not exist.
    Own,
}

/// Decides whether `op` may do `action`; on refusal, says why in one line.
pub fn allow(op: &Operator, action: Action) -> Result<Scope, String> {
    let admin = op.has(Role::TenantAdmin);
    let developer = op.has(Role::Developer);
    let need_admin = |what: &str| format!("{what} needs the tenant-admin role");
    match action {
        Action::ShowSettings => Ok(Scope::All),
        Action::ChangeSettings if admin => Ok(Scope::All),
        Action::ChangeSettings => Err(need_admin("changing settings")),
        Action::ManageUsers if admin => Ok(Scope::All),
        Action::ManageUsers => Err(need_admin("managing users")),
        Action::ListUsers if admin => Ok(Scope::All),
        Action::ListUsers => Err(need_admin("listing users")),
        Action::GenerateKey if !developer => Err(if admin {
            format!(
                "generating keys needs the developer role; a tenant admin can grant it: \
                 keyctl users grant {} developer",
                op.name()
            )
        } else {
            "generating keys needs the developer role".into()
        }),
        Action::GenerateKey if !op.licence() => {
            Err("generating keys needs a licence; ask a tenant admin".into())
        }
        Action::GenerateKey => Ok(Scope::Own),
        Action::ReadKeys if admin => Ok(Scope::All),
        Action::ReadKeys if developer => Ok(Scope::Own),
        Action::ReadKeys => Err("reading keys needs the developer or tenant-admin role".into()),
        Action::RenameKey | Action::DeleteKey if developer => Ok(Scope::Own),
        Action::DeleteKey if admin => Err(
            "only a key's owner (a developer) can delete it; tenant admins revoke keys instead: \
             keyctl revoke ID"
                .into(),
        ),
        Action::RenameKey | Action::DeleteKey => {
            Err(format!("{} needs the developer role", verb(action)))
        }
        Action::RevokeKey if admin => Ok(Scope::All),
        Action::RevokeKey => Err(need_admin("revoking keys")),
        Action::ReadEvents if admin => Ok(Scope::All),
        Action::ReadEvents => Err(need_admin("reading events")),
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::RenameKey => "renaming keys",
        _ => "deleting keys",
    }
}

/// What an operator, already allowed `action` with `scope`, may do to one key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyAccess {
    /// Go ahead.
    Allowed,
    /// Answer "not found", as if the key did not exist (a developer and others' keys).
    Hidden,
    /// Refuse with this reason (a tenant admin and a key that is not theirs).
    NotYours(String),
}

/// Decides access to one key owned by the identity `owner_uid` (none: a user removed
/// before identities were recorded).
pub fn key_access(
    op: &Operator,
    action: Action,
    scope: Scope,
    owner_uid: Option<i64>,
) -> KeyAccess {
    let own = owner_uid == Some(op.uid());
    match action {
        Action::RenameKey | Action::DeleteKey if !own => {
            if op.has(Role::TenantAdmin) {
                KeyAccess::NotYours(match action {
                    Action::DeleteKey => "not your key: only its owner can delete it; \
                                          revoke it instead: keyctl revoke ID"
                        .into(),
                    _ => "not your key: only its owner can rename it".into(),
                })
            } else {
                KeyAccess::Hidden
            }
        }
        _ if scope == Scope::Own && !own => KeyAccess::Hidden,
        _ => KeyAccess::Allowed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(admin: bool, dev: bool, licence: bool) -> Operator {
        Operator::new(
            1,
            crate::model::User {
                name: "me".into(),
                tenant_admin: admin,
                developer: dev,
                licence,
                created: 0,
            },
        )
    }

    #[test]
    fn matrix() {
        use Action::*;
        let admin = user(true, false, true);
        let dev = user(false, true, true);
        let dev_nolic = user(false, true, false);
        let plain = user(false, false, false);
        let both = user(true, true, true);
        for (op, action, expect) in [
            (&plain, ShowSettings, Some(Scope::All)),
            (&dev, ChangeSettings, None),
            (&admin, ChangeSettings, Some(Scope::All)),
            (&dev, ManageUsers, None),
            (&dev, ListUsers, None),
            (&admin, GenerateKey, None),
            (&both, GenerateKey, Some(Scope::Own)),
            (&dev, GenerateKey, Some(Scope::Own)),
            (&dev_nolic, GenerateKey, None),
            (&plain, GenerateKey, None),
            (&admin, ReadKeys, Some(Scope::All)),
            (&dev_nolic, ReadKeys, Some(Scope::Own)),
            (&plain, ReadKeys, None),
            (&dev_nolic, RenameKey, Some(Scope::Own)),
            (&dev_nolic, DeleteKey, Some(Scope::Own)),
            (&admin, DeleteKey, None),
            (&admin, RenameKey, None),
            (&admin, RevokeKey, Some(Scope::All)),
            (&dev, RevokeKey, None),
            (&dev, ReadEvents, None),
            (&admin, ReadEvents, Some(Scope::All)),
        ] {
            assert_eq!(allow(op, action).ok(), expect, "{action:?} for {op:?}");
        }
    }

    #[test]
    fn ownership() {
        let dev = user(false, true, true);
        let both = user(true, true, true);
        assert_eq!(
            key_access(&dev, Action::ReadKeys, Scope::Own, Some(2)),
            KeyAccess::Hidden
        );
        assert_eq!(
            key_access(&dev, Action::DeleteKey, Scope::Own, Some(2)),
            KeyAccess::Hidden
        );
        assert_eq!(
            key_access(&dev, Action::DeleteKey, Scope::Own, Some(1)),
            KeyAccess::Allowed
        );
        // A key of a removed identity (or of none recorded) is nobody's own.
        assert_eq!(
            key_access(&dev, Action::ReadKeys, Scope::Own, None),
            KeyAccess::Hidden
        );
        assert!(matches!(
            key_access(&both, Action::DeleteKey, Scope::Own, Some(2)),
            KeyAccess::NotYours(_)
        ));
        assert_eq!(
            key_access(&both, Action::ReadKeys, Scope::All, Some(2)),
            KeyAccess::Allowed
        );
        assert_eq!(
            key_access(&both, Action::RevokeKey, Scope::All, None),
            KeyAccess::Allowed
        );
    }
}
