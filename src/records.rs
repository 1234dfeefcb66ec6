//! How each domain value is shown: table cells, CSV cells, JSON, and its ID for `-q`.

use crate::output::Record;
use keyctl::duration::{rfc3339, short};
use keyctl::{BulkOutcome, Event, Key, Settings, TopRow, User};
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
        vec![
            self.id.clone(),
            self.name.clone(),
            self.owner.clone(),
            short(self.updated),
            short(self.created),
            short(self.expires),
            self.status.to_string(),
            opt_time(self.last_used, short),
            self.uses.to_string(),
            self.replaced_by.clone().unwrap_or_default(),
        ]
    }
    fn csv_cells(&self) -> Vec<String> {
        vec![
            self.id.clone(),
            self.name.clone(),
            self.owner.clone(),
            rfc3339(self.updated),
            rfc3339(self.created),
            rfc3339(self.expires),
            self.status.to_string(),
            opt_time(self.last_used, rfc3339),
            self.uses.to_string(),
            self.replaced_by.clone().unwrap_or_default(),
        ]
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
        vec![
            self.id.to_string(),
            rfc3339(self.time),
            self.kind.clone(),
            self.actor.clone(),
            self.key_id.clone().unwrap_or_default(),
            self.details.clone(),
            self.hash.chars().take(12).collect(),
        ]
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
    fn table_cells(&self) -> Vec<String> {
        self.csv_cells()
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
    fn table_cells(&self) -> Vec<String> {
        self.csv_cells()
    }
    fn csv_cells(&self) -> Vec<String> {
        vec![self.id.clone(), self.result.as_str().into()]
    }
    fn json(&self) -> Value {
        json!({"id": self.id, "result": self.result.as_str()})
    }
}
