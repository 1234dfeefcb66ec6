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
    /// `keys rotate`.
    RotateKey,
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
    /// `copy`.
    CopyTenant,
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
            Action::RotateKey => "keys.rotate",
            Action::ReadKeys => "keys.read",
            Action::RenameKey => "keys.rename",
            Action::DeleteKey => "keys.delete",
            Action::RevokeKey => "keys.revoke",
            Action::ReadEvents => "events.read",
            Action::CopyTenant => "tenant.copy",
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
    // The auditor reads everything and changes nothing (SPEC §3).
    let reader = admin || op.has(Role::Auditor);
    let need_admin = |what: &str| format!("{what} needs the tenant-admin role");
    let need_reader = |what: &str| format!("{what} needs the tenant-admin or auditor role");
    match action {
        Action::ShowSettings => Ok(Scope::All),
        Action::ChangeSettings if admin => Ok(Scope::All),
        Action::ChangeSettings => Err(need_admin("changing settings")),
        Action::ManageUsers if admin => Ok(Scope::All),
        Action::ManageUsers => Err(need_admin("managing users")),
        Action::ListUsers if reader => Ok(Scope::All),
        Action::ListUsers => Err(need_reader("listing users")),
        Action::GenerateKey | Action::RotateKey if !developer => Err(if admin {
            format!(
                "{} needs the developer role; a tenant admin can grant it: \
                 keyctl users grant {} developer",
                verb(action),
                op.name()
            )
        } else {
            format!("{} needs the developer role", verb(action))
        }),
        Action::GenerateKey | Action::RotateKey if !op.licence() => Err(format!(
            "{} needs a licence; ask a tenant admin",
            verb(action)
        )),
        Action::GenerateKey | Action::RotateKey => Ok(Scope::Own),
        Action::ReadKeys if reader => Ok(Scope::All),
        Action::ReadKeys if developer => Ok(Scope::Own),
        Action::ReadKeys => {
            Err("reading keys needs the developer, tenant-admin or auditor role".into())
        }
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
        Action::ReadEvents if reader => Ok(Scope::All),
        Action::ReadEvents => Err(need_reader("reading events")),
        Action::CopyTenant if admin => Ok(Scope::All),
        Action::CopyTenant => Err(need_admin("copying the tenant")),
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::GenerateKey => "generating keys",
        Action::RotateKey => "rotating keys",
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
        Action::RenameKey | Action::DeleteKey | Action::RotateKey if !own => {
            // Whoever may see every key is told it is not theirs; a developer, who sees
            // only their own, is told it does not exist.
            if op.has(Role::TenantAdmin) || op.has(Role::Auditor) {
                KeyAccess::NotYours(match action {
                    Action::DeleteKey => "not your key: only its owner can delete it; \
                                          revoke it instead: keyctl revoke ID"
                        .into(),
                    Action::RotateKey => "not your key: only its owner can rotate it".into(),
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
        person(admin, dev, licence, false)
    }

    fn auditor(admin: bool, dev: bool, licence: bool) -> Operator {
        person(admin, dev, licence, true)
    }

    fn person(admin: bool, dev: bool, licence: bool, auditor: bool) -> Operator {
        Operator::new(
            1,
            crate::model::User {
                name: "me".into(),
                tenant_admin: admin,
                developer: dev,
                licence,
                auditor,
                created: 0,
            },
        )
    }

    /// SPEC §3 row by row: every action for every kind of operator.
    #[test]
    fn matrix() {
        use Action::*;
        const A: Option<Scope> = Some(Scope::All);
        const O: Option<Scope> = Some(Scope::Own);
        const N: Option<Scope> = None;
        let admin = user(true, false, true);
        let dev = user(false, true, true);
        let dev_nolic = user(false, true, false);
        let plain = user(false, false, true);
        let both = user(true, true, true);
        let aud = auditor(false, false, true);
        let aud_dev = auditor(false, true, true);
        let aud_admin = auditor(true, false, true);
        let ops = [
            &admin, &dev, &dev_nolic, &plain, &both, &aud, &aud_dev, &aud_admin,
        ];
        #[rustfmt::skip]
        let rows: [(Action, [Option<Scope>; 8]); 12] = [
            //                admin dev nolic plain both aud aud+dev aud+admin
            (ShowSettings,   [A, A, A, A, A, A, A, A]),
            (ChangeSettings, [A, N, N, N, A, N, N, A]),
            (ManageUsers,    [A, N, N, N, A, N, N, A]),
            (ListUsers,      [A, N, N, N, A, A, A, A]),
            (GenerateKey,    [N, O, N, N, O, N, O, N]),
            (RotateKey,      [N, O, N, N, O, N, O, N]),
            (ReadKeys,       [A, O, O, N, A, A, A, A]),
            (RenameKey,      [N, O, O, N, O, N, O, N]),
            (DeleteKey,      [N, O, O, N, O, N, O, N]),
            (RevokeKey,      [A, N, N, N, A, N, N, A]),
            (ReadEvents,     [A, N, N, N, A, A, A, A]),
            (CopyTenant,     [A, N, N, N, A, N, N, A]),
        ];
        for (action, expected) in rows {
            for (op, expect) in ops.iter().zip(expected) {
                let got = allow(op, action);
                assert_eq!(got.clone().ok(), expect, "{action:?} for {op:?}");
                if let Err(reason) = got {
                    assert!(!reason.is_empty() && !reason.contains('\n'), "{reason:?}");
                }
            }
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
        // Rotation is the owner's, like rename: hidden from a developer, "not yours"
        // (exit 4) for those who can see every key.
        assert_eq!(
            key_access(&dev, Action::RotateKey, Scope::Own, Some(2)),
            KeyAccess::Hidden
        );
        assert_eq!(
            key_access(&dev, Action::RotateKey, Scope::Own, Some(1)),
            KeyAccess::Allowed
        );
        assert!(matches!(
            key_access(&both, Action::RotateKey, Scope::Own, Some(2)),
            KeyAccess::NotYours(_)
        ));
        let aud_dev = auditor(false, true, true);
        for action in [Action::RotateKey, Action::RenameKey, Action::DeleteKey] {
            assert!(matches!(
                key_access(&aud_dev, action, Scope::Own, Some(2)),
                KeyAccess::NotYours(_)
            ));
        }
        assert_eq!(
            key_access(&aud_dev, Action::ReadKeys, Scope::All, Some(2)),
            KeyAccess::Allowed
        );
    }
}
