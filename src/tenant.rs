//! The tenant: an open database, the operator behind a command, and the transaction
//! and authorisation helpers every operation goes through.

use crate::chain::Appender;
use crate::error::{denied, echo, usage};
use crate::model::{Operator, User, event_type};
use crate::policy::{self, Action, Scope};
use crate::store::{self, Backend, Tx};
use anyhow::{Context, Result};
use serde_json::json;
use std::path::Path;

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

/// Where a tenant's notes for the user go.
type NoteSink = Box<dyn FnMut(&str)>;

/// One tenant database, open.
pub struct Tenant {
    pub(crate) db: Box<dyn Backend>,
    /// When verification should next ask how much usage is pending.
    pub(crate) fold_clock: crate::usage::FoldClock,
    /// Where notes for the user go (nowhere unless [`Tenant::on_note`] was called).
    notes: Option<NoteSink>,
    /// Whether the note that usage could not be folded was given (once is enough).
    pub(crate) noted_unfolded: bool,
}

impl Tenant {
    /// Creates a new tenant database at `db` (a SQLite file: 0600, new directories
    /// 0700) whose first user `admin` is a tenant admin with a licence. `actor` is who
    /// ran `init`.
    pub fn create(db: impl AsRef<Path>, admin: &str, actor: &str) -> Result<Tenant> {
        check_user_name(admin)?;
        let now = now();
        let db = store::create(db.as_ref(), &mut |tx| {
            let user = User {
                name: admin.to_owned(),
                tenant_admin: true,
                developer: false,
                licence: true,
                created: now,
                auditor: false,
            };
            tx.insert_user(&user)?;
            Appender::new(tx)?.append(
                tx,
                now,
                event_type::USER_ADDED,
                &log_name(actor),
                None,
                &json!({"user": admin, "roles": ["tenant-admin"], "licence": true}),
            )?;
            Ok(())
        })?;
        Ok(Tenant::with(db))
    }

    /// Opens an existing tenant database (a SQLite file's path); a missing, foreign or
    /// newer one is refused untouched.
    pub fn open(db: impl AsRef<Path>) -> Result<Tenant> {
        Ok(Tenant::with(store::open(db.as_ref())?))
    }

    fn with(db: Box<dyn Backend>) -> Tenant {
        Tenant {
            db,
            fold_clock: Default::default(),
            notes: None,
            noted_unfolded: false,
        }
    }

    /// Sends notes for the user (say, that recorded uses could not be folded into a
    /// database this process may only read) to `sink`; by default they are dropped.
    pub fn on_note(&mut self, sink: impl FnMut(&str) + 'static) {
        self.notes = Some(Box::new(sink));
    }

    /// Passes a note to the sink set by [`Tenant::on_note`].
    pub(crate) fn note(&mut self, line: &str) {
        if let Some(sink) = &mut self.notes {
            sink(line);
        }
    }

    /// The database, for messages: a file path (or a server and database name, never a
    /// password).
    pub fn describe(&self) -> String {
        self.db.describe()
    }

    /// Resolves the operator `name`, who is about to try `action`; an unregistered name
    /// is refused (exit 4) and the attempt recorded as `access.denied` of that action.
    /// This is the only way to get an [`Operator`]; every write checks it again.
    pub fn operator(&mut self, name: &str, action: Action) -> Result<Operator> {
        let found = if check_user_name(name).is_ok() {
            self.read(|tx| tx.operator(name)).context("reading users")?
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

    /// Runs a verification's write: like [`Tenant::write`], with relaxed durability
    /// ([`Backend::write_usage`]).
    pub(crate) fn write_usage<T>(&mut self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        in_transaction(f, |tx| self.db.write_usage(tx))
    }

    /// Runs `f` in one write transaction holding the tenant's write lock, committing
    /// only if it succeeds. Pending usage is folded first, in the same transaction, so
    /// uses recorded before a change reach the log before it (docs/USAGE.md).
    pub(crate) fn write<T>(&mut self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        self.write_raw(|tx| {
            crate::usage::fold(tx, None, crate::usage::FoldCache::Small)?;
            f(tx)
        })
    }

    /// [`Tenant::write`] without the fold.
    pub(crate) fn write_raw<T>(&mut self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        in_transaction(f, |tx| self.db.write(tx))
    }

    /// Runs `f` in one read transaction, so it sees one consistent snapshot.
    pub(crate) fn read<T>(&mut self, f: impl FnOnce(&mut dyn Tx) -> Result<T>) -> Result<T> {
        in_transaction(f, |tx| self.db.read(tx))
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
        f: impl FnOnce(&mut dyn Tx, &Operator, Scope) -> Result<Result<T>>,
    ) -> Result<T> {
        self.write(|tx| {
            let reason = match tx.operator_by_uid(op.uid())? {
                Some(current) => match policy::allow(&current, action) {
                    Ok(scope) => return f(tx, &current, scope),
                    Err(reason) => reason,
                },
                None => format!(
                    "unknown operator '{}': no longer a user of this tenant; nothing changed",
                    op.name()
                ),
            };
            let mut log = Appender::new(tx)?;
            record_denial(tx, &mut log, op.name(), action, &reason, None)?;
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
            let mut log = Appender::new(tx)?;
            record_denial(tx, &mut log, actor, action, reason, key_id)?;
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
    tx: &mut dyn Tx,
    log: &mut Appender,
    actor: &str,
    action: Action,
    reason: &str,
    key_id: Option<&str>,
) -> Result<()> {
    log.append(
        tx,
        now(),
        event_type::ACCESS_DENIED,
        &log_name(actor),
        key_id,
        &json!({"action": action.as_str(), "reason": reason}),
    )?;
    Ok(())
}

/// Runs `f`, which returns a value, through a backend's transaction method `run`, which
/// takes a callback it may call only once and returns nothing.
fn in_transaction<T>(
    f: impl FnOnce(&mut dyn Tx) -> Result<T>,
    run: impl FnOnce(&mut dyn FnMut(&mut dyn Tx) -> Result<()>) -> Result<()>,
) -> Result<T> {
    let mut f = Some(f);
    let mut out = None;
    run(&mut |tx| {
        out = Some((f.take().expect("the closure runs once"))(tx)?);
        Ok(())
    })?;
    Ok(out.expect("the closure ran"))
}
