//! How each domain value is shown: table cells, CSV cells, JSON, and its ID for `-q`.

use crate::output::Record;
use keyctl::duration::{rfc3339, short};
use keyctl::{
    Anchor, BulkOutcome, Event, Generated, Key, Rejection, Settings, TopRow, User, Verified,
};
use serde_json::{Value, json};

fn opt_time(t: Option<i64>, f: fn(i64) -> String) -> String {
    t.map(f).unwrap_or_default()
}

impl Record for Key {
    const HEADERS: &'static [&'static str] = &[
        "ID",
        "NAME",
        "OWNER",
        "UPDATED",
        "CREATED",
        "EXPIRES",
        "STATUS",
        "LAST USED",
        "USES",
        "REPLACED BY",
    ];
    const CSV_HEADERS: &'static [&'static str] = &[
        "id",
        "name",
        "owner",
        "updated",
        "created",
        "expires",
        "status",
        "last_used",
        "uses",
        "replaced_by",
    ];
    fn id(&self) -> String {
        self.id.clone()
    }
    fn table_cells(&self) -> Vec<String> {
        key_cells(self, short)
    }
    fn csv_cells(&self) -> Vec<String> {
        key_cells(self, rfc3339)
    }
    fn json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "owner": self.owner,
            "status": self.status.as_str(),
            "created": rfc3339(self.created),
            "updated": rfc3339(self.updated),
            "expires": rfc3339(self.expires),
            "last_used": self.last_used.map(rfc3339),
            "uses": self.uses,
            "replaced_by": self.replaced_by,
        })
    }
}

/// A key's cells, its times written by `time` (short in a table, RFC 3339 in CSV).
fn key_cells(k: &Key, time: fn(i64) -> String) -> Vec<String> {
    vec![
        k.id.clone(),
        k.name.clone(),
        k.owner.clone(),
        time(k.updated),
        time(k.created),
        time(k.expires),
        k.status.to_string(),
        opt_time(k.last_used, time),
        k.uses.to_string(),
        k.replaced_by.clone().unwrap_or_default(),
    ]
}

impl Record for User {
    const HEADERS: &'static [&'static str] = &["NAME", "ROLES", "LICENCE", "CREATED"];
    const CSV_HEADERS: &'static [&'static str] = &["name", "roles", "licence", "created"];
    fn id(&self) -> String {
        self.name.clone()
    }
    fn table_cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            roles(self).join(", "),
            if self.licence { "yes" } else { "no" }.into(),
            short(self.created),
        ]
    }
    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            roles(self).join(" "),
            self.licence.to_string(),
            rfc3339(self.created),
        ]
    }
    fn json(&self) -> Value {
        json!({
            "name": self.name,
            "roles": roles(self),
            "licence": self.licence,
            "created": rfc3339(self.created),
        })
    }
}

fn roles(u: &User) -> Vec<&'static str> {
    u.roles().iter().map(|r| r.as_str()).collect()
}

impl Record for Settings {
    const HEADERS: &'static [&'static str] = &["ENABLED", "MAX EXPIRY", "MAX KEYS PER USER"];
    const CSV_HEADERS: &'static [&'static str] = &["enabled", "max_expiry", "max_keys_per_user"];
    fn id(&self) -> String {
        String::new()
    }
    fn table_cells(&self) -> Vec<String> {
        vec![
            if self.enabled { "yes" } else { "no" }.into(),
            self.max_expiry.to_string(),
            self.max_keys_per_user.to_string(),
        ]
    }
    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.enabled.to_string(),
            self.max_expiry.to_string(),
            self.max_keys_per_user.to_string(),
        ]
    }
    fn json(&self) -> Value {
        json!({
            "enabled": self.enabled,
            "max_expiry": self.max_expiry.to_string(),
            "max_expiry_seconds": self.max_expiry.secs(),
            "max_keys_per_user": self.max_keys_per_user,
        })
    }
}

impl Record for Event {
    const HEADERS: &'static [&'static str] =
        &["ID", "TIME", "TYPE", "ACTOR", "KEY", "DETAILS", "HASH"];
    const CSV_HEADERS: &'static [&'static str] =
        &["id", "time", "type", "actor", "key_id", "details", "hash"];
    fn id(&self) -> String {
        self.id.to_string()
    }
    fn table_cells(&self) -> Vec<String> {
        let mut cells = self.csv_cells();
        // The hash's first 12 digits are enough to tell events apart by eye.
        if let Some(hash) = cells.last_mut() {
            *hash = hash.chars().take(12).collect();
        }
        cells
    }
    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            rfc3339(self.time),
            self.kind.clone(),
            self.actor.clone(),
            self.key_id.clone().unwrap_or_default(),
            self.details.clone(),
            self.hash.clone(),
        ]
    }
    fn json(&self) -> Value {
        json!({
            "id": self.id,
            "time": rfc3339(self.time),
            "type": self.kind,
            "actor": self.actor,
            "key_id": self.key_id,
            "details": serde_json::from_str::<Value>(&self.details)
                .unwrap_or_else(|_| Value::String(self.details.clone())),
            "hash": self.hash,
        })
    }
}

impl Record for TopRow {
    const HEADERS: &'static [&'static str] = &["KEY ID", "NAME", "OWNER", "USES", "REJECTED"];
    const CSV_HEADERS: &'static [&'static str] = &["key_id", "name", "owner", "uses", "rejected"];
    fn id(&self) -> String {
        self.key_id.clone()
    }
    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.key_id.clone(),
            self.name.clone().unwrap_or_default(),
            self.owner.clone().unwrap_or_default(),
            self.uses.to_string(),
            self.rejected.to_string(),
        ]
    }
    fn json(&self) -> Value {
        json!({
            "key_id": self.key_id,
            "name": self.name,
            "owner": self.owner,
            "uses": self.uses,
            "rejected": self.rejected,
        })
    }
}

impl Record for BulkOutcome {
    const HEADERS: &'static [&'static str] = &["ID", "RESULT"];
    const CSV_HEADERS: &'static [&'static str] = &["id", "result"];
    fn id(&self) -> String {
        self.id.clone()
    }
    fn csv_cells(&self) -> Vec<String> {
        vec![self.id.clone(), self.result.as_str().into()]
    }
    fn json(&self) -> Value {
        json!({"id": self.id, "result": self.result.as_str()})
    }
}

/// A new key, shown once: `-q` prints the secret alone; a table puts it on a line of its
/// own above the other fields, so it is never wrapped and copies whole.
impl Record for Generated {
    const HEADERS: &'static [&'static str] = &["ID", "NAME", "EXPIRES"];
    const CSV_HEADERS: &'static [&'static str] = &[
        "id", "name", "owner", "created", "expires", "status", "secret",
    ];
    fn id(&self) -> String {
        self.secret.clone()
    }
    fn table_cells(&self) -> Vec<String> {
        vec![
            self.key.id.clone(),
            self.key.name.clone(),
            rfc3339(self.key.expires),
        ]
    }
    fn csv_cells(&self) -> Vec<String> {
        let k = &self.key;
        vec![
            k.id.clone(),
            k.name.clone(),
            k.owner.clone(),
            rfc3339(k.created),
            rfc3339(k.expires),
            k.status.to_string(),
            self.secret.clone(),
        ]
    }
    fn json(&self) -> Value {
        let k = &self.key;
        json!({
            "id": k.id,
            "name": k.name,
            "owner": k.owner,
            "created": rfc3339(k.created),
            "expires": rfc3339(k.expires),
            "status": k.status.as_str(),
            "secret": self.secret,
        })
    }
    fn table_lead(&self) -> Option<String> {
        Some(format!("KEY  {}", self.secret))
    }
}

/// A key that verified: a table shows one line, `-q` the key's ID.
impl Record for Verified {
    const HEADERS: &'static [&'static str] = &["VALID", "ID", "OWNER"];
    const CSV_HEADERS: &'static [&'static str] = &["valid", "id", "owner"];
    fn id(&self) -> String {
        self.id.clone()
    }
    fn csv_cells(&self) -> Vec<String> {
        vec!["true".into(), self.id.clone(), self.owner.clone()]
    }
    fn json(&self) -> Value {
        json!({"valid": true, "id": self.id, "owner": self.owner})
    }
    fn table_line(&self) -> Option<String> {
        Some(format!("valid: key {} of {}", self.id, self.owner))
    }
}

/// A key that did not verify (JSON and CSV only: a table and `-q` print nothing on
/// stdout, the reason goes to stderr as the error).
impl Record for Rejection {
    const HEADERS: &'static [&'static str] = &["VALID", "REASON"];
    const CSV_HEADERS: &'static [&'static str] = &["valid", "reason"];
    fn id(&self) -> String {
        String::new()
    }
    fn csv_cells(&self) -> Vec<String> {
        vec!["false".into(), self.as_str().into()]
    }
    fn json(&self) -> Value {
        json!({"valid": false, "reason": self.as_str()})
    }
}

/// The newest event as an anchor: a table and `-q` print `ID:HASH` alone.
impl Record for Anchor {
    const HEADERS: &'static [&'static str] = &["ID", "HASH", "ANCHOR"];
    const CSV_HEADERS: &'static [&'static str] = &["id", "hash", "anchor"];
    fn id(&self) -> String {
        format!("{}:{}", self.id, self.hash)
    }
    fn csv_cells(&self) -> Vec<String> {
        vec![self.id.to_string(), self.hash.clone(), Record::id(self)]
    }
    fn json(&self) -> Value {
        json!({"id": self.id, "hash": self.hash, "anchor": Record::id(self)})
    }
    fn table_line(&self) -> Option<String> {
        Some(Record::id(self))
    }
}
