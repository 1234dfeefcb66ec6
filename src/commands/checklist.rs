//! The revoke checklist (SPEC §4): `keyctl revoke` on a terminal without key IDs shows
//! the active keys the operator may revoke, most used first, narrowed by `--owner` and
//! `--search`; the ticked ones go through the usual confirmation and bulk revoke.

use super::keys::{Bulk, plural, run_bulk};
use super::{Ctx, interactive};
use crate::output::sanitize;
use anyhow::{Context, Result};
use keyctl::cli::BulkArgs;
use keyctl::duration::short;
use keyctl::error::usage;
use keyctl::idlist::Requested;
use keyctl::policy::Action;
use keyctl::{Key, KeyQuery, SortField, Status};

/// The most keys a checklist offers; more must be narrowed first.
const MAX_CANDIDATES: usize = 1_000;

pub fn revoke(
    ctx: &Ctx,
    args: BulkArgs,
    owner: Option<String>,
    search: Option<String>,
) -> Result<u8> {
    if !interactive() {
        return Err(usage(
            "give key IDs as arguments, or pipe them on stdin (one per line)",
        ));
    }
    if let Some(term) = &search
        && term.is_empty()
    {
        return Err(usage("--search needs a non-empty TERM"));
    }
    let (mut tenant, op) = ctx.session(Action::RevokeKey)?;
    // Only a tenant admin may revoke: refused (and recorded) before any checklist.
    tenant.may_revoke(&op)?;
    let query = KeyQuery {
        owner,
        statuses: vec![Status::Active],
        search,
        sort: Some(SortField::Uses),
        reverse: true,
        limit: Some(MAX_CANDIDATES as u64 + 1),
        ..KeyQuery::default()
    };
    let mut keys: Vec<Key> = Vec::new();
    tenant.list_keys(&op, query, |k| {
        keys.push(k);
        Ok(())
    })?;
    if keys.is_empty() {
        return Err(usage("no active keys to revoke match; nothing changed"));
    }
    if keys.len() > MAX_CANDIDATES {
        return Err(usage(format!(
            "more than {MAX_CANDIDATES} active keys match: narrow the checklist with \
             --owner USER or --search TERM; nothing changed"
        )));
    }
    let picked = dialoguer::MultiSelect::new()
        .with_prompt("Tick the keys to revoke (space ticks, enter confirms, esc cancels)")
        .items(rows(&keys))
        .max_length(20)
        .interact_opt()
        .context("reading the checklist")?;
    let picked = match picked {
        None => return Err(usage("cancelled; nothing changed")),
        Some(p) if p.is_empty() => return Err(usage("no key ticked; nothing changed")),
        Some(p) => p,
    };
    let ids: Vec<Requested> = picked
        .into_iter()
        .map(|i| Requested::Id(keys[i].id.clone()))
        .collect();
    // The bulk revoke checks the operator and each key again in its transaction: a
    // key revoked meanwhile reports `already revoked`.
    run_bulk(ctx, &mut tenant, &op, &ids, &args, Bulk::Revoke)
}

/// One aligned line per key: ID, name, owner, expires, last used, uses (stored text
/// sanitised, long names cut so every row stays one line).
fn rows(keys: &[Key]) -> Vec<String> {
    let cut = |s: &str, n: usize| -> String {
        let s = sanitize(s);
        if s.chars().count() > n {
            let mut t: String = s.chars().take(n - 1).collect();
            t.push('…');
            t
        } else {
            s
        }
    };
    let cells: Vec<[String; 6]> = keys
        .iter()
        .map(|k| {
            [
                k.id.clone(),
                cut(&k.name, 32),
                cut(&k.owner, 24),
                format!("expires {}", short(k.expires)),
                format!(
                    "last used {}",
                    k.last_used.map(short).unwrap_or_else(|| "never".into())
                ),
                format!("{} use{}", k.uses, plural(k.uses as usize)),
            ]
        })
        .collect();
    let mut width = [0usize; 6];
    for row in &cells {
        for (w, c) in width.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    cells
        .iter()
        .map(|row| {
            let padded: Vec<String> = row
                .iter()
                .zip(width)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                .collect();
            padded.join("  ").trim_end().to_owned()
        })
        .collect()
}
