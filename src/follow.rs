//! Following the audit log (`events --follow`): the matching events, then each new one
//! as it is committed, read in short snapshots so a follower never holds the log open.

use crate::error::echo;
use crate::model::{Event, Operator};
use crate::policy::{self, Action};
use crate::store::Filter;
use crate::tenant::Tenant;
use anyhow::Result;

impl Tenant {
    /// The start of a follow: the events matching `filter`, oldest first (with a limit,
    /// the newest `limit` of them), from one snapshot. Returns the ID of the newest
    /// event in that snapshot (0 for an empty log), to pass to [`Tenant::follow_next`].
    pub fn follow_start(
        &mut self,
        op: &Operator,
        filter: &Filter,
        mut each: impl FnMut(Event) -> Result<()>,
    ) -> Result<i64> {
        self.check_event_type(filter)?;
        self.authorize(op, Action::ReadEvents)?;
        self.settle(filter.key_id.as_deref())?;
        self.read(|tx| {
            let head = tx.head()?.map_or(0, |(id, _)| id);
            if filter.limit.is_some() {
                // The newest N, printed oldest first: N is what the user asked to hold.
                let mut newest = Vec::new();
                tx.list_events(filter, &mut |e| {
                    newest.push(e);
                    Ok(())
                })?;
                for e in newest.into_iter().rev() {
                    each(e)?;
                }
            } else {
                tx.list_events_between(filter, 0, head, &mut each)?;
            }
            Ok(head)
        })
    }

    /// The events matching `filter` (its limit aside) appended after event `after`,
    /// oldest first, from one snapshot; returns the newest event ID in it. The operator
    /// is checked again each time: one removed or demoted meanwhile is refused (exit 4).
    pub fn follow_next(
        &mut self,
        op: &Operator,
        filter: &Filter,
        after: i64,
        mut each: impl FnMut(Event) -> Result<()>,
    ) -> Result<i64> {
        self.settle(filter.key_id.as_deref())?;
        let outcome = self.read(|tx| {
            let allowed = match tx.operator_by_uid(op.uid())? {
                None => Err(format!(
                    "unknown operator '{}': not a user of this tenant (removed while following)",
                    echo(op.name())
                )),
                Some(now) => policy::allow(&now, Action::ReadEvents).map(|_| ()),
            };
            if let Err(reason) = allowed {
                return Ok(Err(reason));
            }
            let head = tx.head()?.map_or(0, |(id, _)| id);
            if head > after {
                tx.list_events_between(filter, after, head, &mut each)?;
            }
            Ok(Ok(head.max(after)))
        })?;
        outcome.map_err(|reason| self.deny(op.name(), Action::ReadEvents, &reason, None))
    }

    fn check_event_type(&self, filter: &Filter) -> Result<()> {
        if let Some(kind) = &filter.kind
            && !crate::model::event_type::ALL.contains(&kind.as_str())
        {
            return Err(crate::error::usage(format!(
                "unknown event type '{}'; one of: {}",
                echo(kind),
                crate::model::event_type::ALL.join(", ")
            )));
        }
        Ok(())
    }
}
