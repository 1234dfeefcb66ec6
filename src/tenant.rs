//! The tenant: an open database, the operator behind a command, and the transaction
//! and authorisation helpers every operation goes through.

use crate::error::{denied, echo, usage};
use crate::model::{Operator, User, event_type};
use crate::policy::{self, Action, Scope};
use crate::store::{self, events::Appender};
use anyhow::{Context, Result};
use rusqlite::{Connection, Transaction, TransactionBehavior};
use serde_json::json;
use std::path::{Path, PathBuf};

/// The current time in Unix seconds.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Whether a change did anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The state changed and an event was recorded.
    Done,
    /// The state was already as asked; nothing was written.
    Unchanged,
}

/// Checks a user name: 1–64 characters of `[A-Za-z0-9._@-]`.
pub fn check_user_name(name: &str) -> Result<()> {
    let ok = (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'@' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(usage(format!(
            "invalid user name '{}': use 1-64 characters of A-Z a-z 0-9 . _ @ -",
            echo(name)
        )))
    }
}

/// Whether `text` holds a well-formed key (prefix, ID, secret, valid checksum) anywhere.
fn holds_a_key(text: &str) -> bool {
    text.match_indices(crate::token::PREFIX).any(|(at, _)| {
        text.get(at..at + crate::token::KEY_LEN)
            .is_some_and(|candidate| crate::token::parse(candidate).is_ok())
    })
}

/// Checks a key name: 1–256 characters, no control characters, and not a key itself
/// (a secret pasted into the name field must never be stored).
pub fn check_key_name(name: &str) -> Result<()> {
    let len = name.chars().count();
    if name.trim().is_empty() {
        return Err(usage("the key name is empty"));
    }
    if len > 256 {
        return Err(usage(format!(
            "the key name is {len} characters long; the limit is 256"
        )));
    }
    if name.chars().any(crate::text::is_forbidden_char) {
        return Err(usage(
            "the key name contains control or invisible formatting characters (e.g. bidi overrides)",
        ));
    }
    if holds_a_key(name) {
        return Err(usage(
            "the key name contains an API key: a secret must not be stored as a name; \
             nothing changed (revoke that key if it was exposed)",
        ));
    }
    Ok(())
}

/// One tenant database, open.
pub struct Tenant {
    pub(crate) conn: Connection,
    path: PathBuf,
    relaxed_sync: bool,
}

impl Tenant {
    /// Creates a new tenant file at `path` (0600; new directories 0700) whose first
    /// user `admin` is a tenant admin with a licence. `actor` is who ran `init`.
    pub fn create(path: &Path, admin: &str, actor: &str) -> Result<Tenant> {
        check_user_name(admin)?;
        let now = now();
        let conn = store::create(path, |tx| {
            let user = User {
                name: admin.to_owned(),
                tenant_admin: true,
                developer: false,
                licence: true,
                created: now,
                auditor: false,
            };
            store::users::insert(tx, &user)?;
            Appender::new(tx)?.append(
                now,
                event_type::USER_ADDED,
                &log_name(actor),
                None,
                &json!({"user": admin, "roles": ["tenant-admin"], "licence": true}),
            )?;
            Ok(())
        })?;
        Ok(Tenant {
            conn,
            path: path.to_owned(),
            relaxed_sync: false,
        })
    }

    /// Opens an existing tenant file; a missing, foreign or newer file is refused
    /// untouched.
    pub fn open(path: &Path) -> Result<Tenant> {
        Ok(Tenant {
            conn: store::open(path)?,
            path: path.to_owned(),
            relaxed_sync: false,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Resolves the operator `name`, who is about to try `action`; an unregistered name
    /// is refused (exit 4) and the attempt recorded as `access.denied` of that action.
    /// This is the only way to get an [`Operator`]; every write checks it again.
    pub fn operator(&mut self, name: &str, action: Action) -> Result<Operator> {
        let found = if check_user_name(name).is_ok() {
            store::users::operator(&self.conn, name).context("reading users")?
        } else {
            None
        };
        match found {
            Some(op) => Ok(op),
            None => {
                let reason = format!(
                    "unknown operator '{}': not a user of this tenant (set --as or KEYCTL_USER)",
                    echo(name)
                );
                Err(self.deny(name, action, &reason, None))
            }
        }
    }

    /// Lets this connection's commits skip the fsync (`synchronous = NORMAL` in WAL
    /// mode): still atomic and safe against a crash of the process, but a power loss may
    /// lose the newest commits. Used only by verification, whose writes are usage
    /// records; [`Tenant::write`] restores full durability for every other change.
    fn relax_sync_for_usage(&mut self) -> Result<()> {
        if !self.relaxed_sync {
            self.conn.pragma_update(None, "synchronous", "NORMAL")?;
            self.relaxed_sync = true;
        }
        Ok(())
    }

    /// Runs a verification's write: like [`Tenant::write`], with relaxed durability.
    pub(crate) fn write_usage<T>(
        &mut self,
        f: impl FnOnce(&Transaction) -> Result<T>,
    ) -> Result<T> {
        self.relax_sync_for_usage()?;
        self.transact(f)
    }

    /// Gives a bulk run over `items` keys a page cache that holds what it touches, so
    /// that its one transaction writes each page once instead of spilling and re-reading
    /// it (64 MiB; a 100,000-key revoke at 1M keys: 6.7 s → 4.4 s, 91 MB peak). Small runs
    /// keep the default.
    pub(crate) fn prepare_bulk(&mut self, items: usize) -> Result<()> {
        if items > 1_000 {
            self.conn.pragma_update(None, "cache_size", -65_536)?;
        }
        Ok(())
    }

    /// Runs `f` in one `BEGIN IMMEDIATE` transaction, committing only if it succeeds.
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        if self.relaxed_sync {
            self.conn.pragma_update(None, "synchronous", "FULL")?;
            self.relaxed_sync = false;
        }
        self.transact(f)
    }

    fn transact<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        if self.conn.is_readonly("main").unwrap_or(false) {
            return Err(crate::error::fail(
                crate::error::Code::Runtime,
                crate::error::not_writable(&self.path),
            ));
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .with_context(|| format!("starting a write on {}", self.path.display()))?;
        let value = f(&tx)?;
        tx.commit()
            .with_context(|| format!("committing to {}", self.path.display()))?;
        Ok(value)
    }

    /// Runs `f` in one read transaction, so it sees one consistent snapshot.
    pub(crate) fn read<T>(&mut self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let value = f(&tx)?;
        tx.finish()?;
        Ok(value)
    }

    /// Asks the policy whether `op` may do `action`; a refusal is recorded and
    /// returned as a permission error. Before a prompt this is only a courtesy: every
    /// write checks again inside its transaction ([`Tenant::write_as`]).
    pub(crate) fn authorize(&mut self, op: &Operator, action: Action) -> Result<Scope> {
        policy::allow(op, action).map_err(|reason| self.deny(op.name(), action, &reason, None))
    }

    /// Runs `f` as `op` doing `action` in one `BEGIN IMMEDIATE` transaction, after
    /// checking inside it that `op` is still a user and still may: a user removed or
    /// demoted since `op` was resolved (say, while a prompt waited) is refused (exit
    /// 4), the attempt recorded as `access.denied` and nothing else changed. `f` gets the
    /// operator as it is now and the scope of the action. An error from `f` rolls the
    /// transaction back; `Ok(Err(..))` commits what `f` wrote and returns the error.
    pub(crate) fn write_as<T>(
        &mut self,
        op: &Operator,
        action: Action,
        f: impl FnOnce(&Transaction, &Operator, Scope) -> Result<Result<T>>,
    ) -> Result<T> {
        self.write(|tx| {
            let reason = match store::users::operator_by_uid(tx, op.uid())? {
                Some(current) => match policy::allow(&current, action) {
                    Ok(scope) => return f(tx, &current, scope),
                    Err(reason) => reason,
                },
                None => format!(
                    "unknown operator '{}': no longer a user of this tenant; nothing changed",
                    op.name()
                ),
            };
            record_denial(&mut Appender::new(tx)?, op.name(), action, &reason, None)?;
            Ok(Err(denied(reason)))
        })?
    }

    /// Records an `access.denied` event in its own transaction and returns the error
    /// to give the user.
    pub(crate) fn deny(
        &mut self,
        actor: &str,
        action: Action,
        reason: &str,
        key_id: Option<&str>,
    ) -> anyhow::Error {
        let recorded = self.write(|tx| {
            record_denial(&mut Appender::new(tx)?, actor, action, reason, key_id)?;
            Ok(())
        });
        match recorded {
            Ok(()) => denied(reason),
            Err(e) => denied(format!(
                "{reason} (the denial could not be recorded: {e:#})"
            )),
        }
    }
}

/// The actor name to store: a valid user name as is, anything else escaped and short.
pub(crate) fn log_name(name: &str) -> String {
    if check_user_name(name).is_ok() {
        name.to_owned()
    } else {
        echo(name)
    }
}

/// Appends an `access.denied` event: the one place that writes one. `action` is named
/// in the policy's vocabulary ([`Action::as_str`]) on every path.
pub(crate) fn record_denial(
    log: &mut Appender,
    actor: &str,
    action: Action,
    reason: &str,
    key_id: Option<&str>,
) -> Result<()> {
    log.append(
        now(),
        event_type::ACCESS_DENIED,
        &log_name(actor),
        key_id,
        &json!({"action": action.as_str(), "reason": reason}),
    )?;
    Ok(())
}
