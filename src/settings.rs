//! The tenant's API-key settings.

use crate::chain::Appender;
use crate::duration::Duration;
use crate::error::{InvalidValue, echo, usage};
use crate::model::{Operator, Settings, event_type};
use crate::policy::Action;
use crate::tenant::{Change, Tenant, now};
use anyhow::Result;
use serde_json::{Value, json};

/// One change to the settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingChange {
    /// Turn API keys on or off for the tenant.
    Enabled(bool),
    /// Upper bound on new keys' lifetime.
    MaxExpiry(Duration),
    /// Most active keys per user (1–1000).
    MaxKeysPerUser(u32),
}

/// Checks a max-keys-per-user value's range (1-1000).
fn check_max_keys(n: u32) -> Result<u32, InvalidValue> {
    if (1..=1000).contains(&n) {
        Ok(n)
    } else {
        Err(InvalidValue(format!(
            "max-keys-per-user must be 1-1000, not {n}"
        )))
    }
}

/// Parses a max-keys-per-user value from the command line: a whole number 1-1000.
pub fn parse_max_keys(input: &str) -> Result<u32, InvalidValue> {
    let n: u32 = input.trim().parse().map_err(|_| {
        InvalidValue(format!(
            "max-keys-per-user must be a whole number 1-1000, not '{}'",
            echo(input)
        ))
    })?;
    check_max_keys(n)
}

impl SettingChange {
    /// Checks the value's range.
    pub fn check(self) -> Result<Self> {
        if let SettingChange::MaxKeysPerUser(n) = self {
            check_max_keys(n).map_err(|e| usage(e.0))?;
        }
        Ok(self)
    }

    fn apply(self, s: &mut Settings) -> (&'static str, Value, Value) {
        match self {
            SettingChange::Enabled(on) => {
                let old = std::mem::replace(&mut s.enabled, on);
                ("enabled", json!(old), json!(on))
            }
            SettingChange::MaxExpiry(d) => {
                let old = std::mem::replace(&mut s.max_expiry, d);
                ("max-expiry", json!(old.to_string()), json!(d.to_string()))
            }
            SettingChange::MaxKeysPerUser(n) => {
                let old = std::mem::replace(&mut s.max_keys_per_user, n);
                ("max-keys-per-user", json!(old), json!(n))
            }
        }
    }
}

impl Tenant {
    /// The tenant's settings (any registered user).
    pub fn settings(&mut self, op: &Operator) -> Result<Settings> {
        self.authorize(op, Action::ShowSettings)?;
        self.read(|tx| tx.settings())
    }

    /// Whether `change` would change anything, checked before a confirmation prompt;
    /// an operator who may not change settings is refused here (recorded as denied).
    pub fn check_setting(&mut self, op: &Operator, change: SettingChange) -> Result<Change> {
        let change = change.check()?;
        self.authorize(op, Action::ChangeSettings)?;
        let mut settings = self.read(|tx| tx.settings())?;
        let (_, old, new) = change.apply(&mut settings);
        Ok(if old == new {
            Change::Unchanged
        } else {
            Change::Done
        })
    }

    /// Changes one setting (tenant admins); affects only keys generated afterwards.
    pub fn change_setting(&mut self, op: &Operator, change: SettingChange) -> Result<Change> {
        let change = change.check()?;
        self.authorize(op, Action::ChangeSettings)?;
        self.write_as(op, Action::ChangeSettings, |tx, op, _| {
            let mut settings = tx.settings()?;
            let (name, old, new) = change.apply(&mut settings);
            if old == new {
                return Ok(Ok(Change::Unchanged));
            }
            tx.put_settings(&settings)?;
            Appender::new(tx)?.append(
                tx,
                now(),
                event_type::SETTINGS_CHANGED,
                op.name(),
                None,
                &json!({"setting": name, "old": old, "new": new}),
            )?;
            Ok(Ok(Change::Done))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_keys_values() {
        assert_eq!(parse_max_keys(" 7 "), Ok(7));
        assert_eq!(parse_max_keys("1000"), Ok(1000));
        let refusal = |s: &str| parse_max_keys(s).unwrap_err().to_string();
        assert_eq!(refusal("0"), "max-keys-per-user must be 1-1000, not 0");
        assert_eq!(
            refusal("1001"),
            "max-keys-per-user must be 1-1000, not 1001"
        );
        assert_eq!(
            refusal("abc"),
            "max-keys-per-user must be a whole number 1-1000, not 'abc'"
        );
    }
}
