//! Reading and checking the audit log (tenant admins only).

use crate::chain;
use crate::error::{Code, fail, not_found, usage};
use crate::model::{Event, Operator};
use crate::policy::Action;
use crate::store::{Filter, KeyAgainstLog, TopRow};
use crate::tenant::Tenant;
use anyhow::Result;

/// A point the chain must pass through: an event ID and its hash, kept elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The event ID.
    pub id: i64,
    /// Its hash, 64 lower-case hex digits.
    pub hash: String,
}

impl std::str::FromStr for Anchor {
    type Err = crate::error::InvalidValue;

    /// Parses `ID:HASH` as printed by `keyctl events head`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || {
            crate::error::InvalidValue(format!(
                "invalid anchor '{}': expected ID:HASH as printed by `keyctl events head`",
                crate::error::echo(s)
            ))
        };
        let (id, hash) = s.trim().split_once(':').ok_or_else(bad)?;
        let id: i64 = id.parse().map_err(|_| bad())?;
        let hash = hash.to_ascii_lowercase();
        if id < 1 || chain::unhex(&hash).is_none() {
            return Err(bad());
        }
        Ok(Anchor { id, hash })
    }
}

/// What `events verify` found on an intact chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// How many events were checked.
    pub events: u64,
    /// The newest event's ID and hash.
    pub head: Option<Anchor>,
    /// Whether an anchor was given and matched.
    pub anchored: bool,
}

impl Tenant {
    /// Streams the events matching `filter`, newest first.
    pub fn events(
        &mut self,
        op: &Operator,
        filter: &Filter,
        mut each: impl FnMut(Event) -> Result<()>,
    ) -> Result<()> {
        if let Some(kind) = &filter.kind
            && !crate::model::event_type::ALL.contains(&kind.as_str())
        {
            return Err(usage(format!(
                "unknown event type '{}'; one of: {}",
                crate::error::echo(kind),
                crate::model::event_type::ALL.join(", ")
            )));
        }
        self.authorize(op, Action::ReadEvents)?;
        self.settle(filter.key_id.as_deref())?;
        self.read(|tx| tx.list_events(filter, &mut each))
    }

    /// One event by ID.
    pub fn event(&mut self, op: &Operator, id: i64) -> Result<Event> {
        self.authorize(op, Action::ReadEvents)?;
        self.read(|tx| tx.event(id))?
            .ok_or_else(|| not_found(format!("no event with ID {id}")))
    }

    /// The newest event, to keep elsewhere as an anchor.
    pub fn events_head(&mut self, op: &Operator) -> Result<Anchor> {
        self.authorize(op, Action::ReadEvents)?;
        self.settle(None)?;
        self.read(|tx| tx.head())?
            .map(|(id, hash)| Anchor { id, hash })
            .ok_or_else(|| not_found("the events log is empty"))
    }

    /// Recomputes the whole hash chain; any edited, deleted or reordered event fails
    /// (exit 1) naming the first bad ID, as does an anchor the chain does not pass.
    /// Then checks that the keys agree with the log (in ID order, naming the first that
    /// does not): each has its `api-key.generated` event, one with an `api-key.revoked`
    /// event is revoked, and `uses` equals the uses its `api-key.used` events record.
    /// Pending usage is folded first (docs/USAGE.md).
    pub fn verify_events(&mut self, op: &Operator, anchor: Option<&Anchor>) -> Result<ChainReport> {
        self.authorize(op, Action::ReadEvents)?;
        self.settle(None)?;
        self.read(|tx| {
            let mut prev = chain::GENESIS;
            let mut expected_id = 1;
            let mut count = 0u64;
            let mut anchor_seen = false;
            let mut head = None;
            tx.events_in_order(&mut |e| {
                if e.id != expected_id {
                    return Err(broken(expected_id.min(e.id), "an event is missing or out of place"));
                }
                let hash = chain::chain_hash(&prev, e.id, e.time, &e.kind, &e.actor, e.key_id.as_deref(), &e.details);
                if chain::hex(&hash) != e.hash {
                    return Err(broken(e.id, "its content or position does not match its hash"));
                }
                if let Some(a) = anchor
                    && a.id == e.id
                {
                    if a.hash != e.hash {
                        return Err(fail(
                            Code::Runtime,
                            format!("event chain does not pass through the anchor: event {} has another hash; the log was rewritten", a.id),
                        ));
                    }
                    anchor_seen = true;
                }
                prev = hash;
                expected_id += 1;
                count += 1;
                head = Some(Anchor { id: e.id, hash: e.hash });
                Ok(())
            })?;
            if let Some(a) = anchor
                && !anchor_seen
            {
                return Err(fail(
                    Code::Runtime,
                    format!("event chain does not pass through the anchor: event {} is missing; the log was truncated or rewritten", a.id),
                ));
            }
            tx.keys_against_log(&mut |k| match disagreement(&k) {
                None => Ok(()),
                Some(why) => Err(fail(
                    Code::Runtime,
                    format!("key {} disagrees with the events log: {why}", k.id),
                )),
            })?;
            Ok(ChainReport { events: count, head, anchored: anchor.is_some() })
        })
    }

    /// Keys ranked by successful uses since `since` (tenant admins).
    pub fn top_keys(&mut self, op: &Operator, since: i64, limit: u64) -> Result<Vec<TopRow>> {
        self.authorize(op, Action::ReadEvents)?;
        self.settle(None)?;
        self.read(|tx| tx.top(since, limit))
    }
}

/// How a key's state contradicts its events, if it does.
fn disagreement(k: &KeyAgainstLog) -> Option<String> {
    if k.generated == 0 {
        Some("it has no api-key.generated event".into())
    } else if k.revocations > 0 && !k.revoked {
        Some("it has an api-key.revoked event but is not revoked".into())
    } else if k.uses != k.used {
        Some(format!(
            "its uses is {} but its api-key.used events record {} uses",
            k.uses, k.used
        ))
    } else {
        None
    }
}

fn broken(id: i64, why: &str) -> anyhow::Error {
    fail(
        Code::Runtime,
        format!("event chain broken at event {id}: {why}"),
    )
}
