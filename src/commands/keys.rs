//! `keyctl keys ...` and `keyctl revoke`.

use super::{Ctx, confirm, interactive};
use anyhow::{Context, Result};
use keyctl::cli::{BulkArgs, Format, KeysCommand, ListArgs, SortArg, StatusArg};
use keyctl::error::usage;
use keyctl::idlist::{self, Requested};
use keyctl::policy::Action;
use keyctl::{BulkOutcome, BulkResult, Expiry, Key, KeyQuery, SortField, Status, duration};
use serde_json::json;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};

pub fn run(ctx: &Ctx, cmd: KeysCommand) -> Result<u8> {
    match cmd {
        KeysCommand::Generate {
            name,
            expires_in,
            expires_at,
        } => generate(ctx, name, expires_in, expires_at),
        KeysCommand::List(args) => list(ctx, None, args),
        KeysCommand::Search { term, filters } => list(ctx, Some(term), filters),
        KeysCommand::Show { id } => {
            let (mut tenant, op) = ctx.session(Action::ReadKeys)?;
            let key = tenant.show_key(&op, &id)?;
            let mut out = ctx.output();
            out.record(&key)?;
            out.finish()?;
            Ok(0)
        }
        KeysCommand::Rename { id, name } => {
            let (mut tenant, op) = ctx.session(Action::RenameKey)?;
            let key = tenant.rename_key(&op, &id, &name)?;
            eprintln!("renamed key {}", key.id);
            let mut out = ctx.output();
            out.record(&key)?;
            out.finish()?;
            Ok(0)
        }
        KeysCommand::Revoke(args) => revoke(ctx, args),
        KeysCommand::Delete(args) => delete(ctx, args),
        KeysCommand::Verify => verify(ctx),
    }
}

fn generate(
    ctx: &Ctx,
    name: Option<String>,
    expires_in: Option<String>,
    expires_at: Option<String>,
) -> Result<u8> {
    let expiry = match (expires_in, expires_at) {
        (Some(d), _) => Expiry::In(duration::parse(&d).map_err(usage)?),
        (None, Some(t)) => Expiry::At(duration::parse_time(&t).map_err(usage)?),
        (None, None) => Expiry::Default,
    };
    let (mut tenant, op) = ctx.session(Action::GenerateKey)?;
    let name = match name {
        Some(n) => n,
        None if interactive() => dialoguer::Input::<String>::new()
            .with_prompt("Key name")
            .interact_text()
            .context("reading the key name")?,
        None => return Err(usage("--name is required when not on a terminal")),
    };
    let generated = tenant.generate_key(&op, &name, expiry)?;
    let key = &generated.key;
    let mut out = ctx.output();
    if out.quiet {
        out.line(&generated.secret)?;
    } else {
        match out.format {
            Format::Json => out.json(&json!({
                "id": key.id,
                "name": key.name,
                "owner": key.owner,
                "created": duration::rfc3339(key.created),
                "expires": duration::rfc3339(key.expires),
                "status": key.status.as_str(),
                "secret": generated.secret,
            }))?,
            Format::Csv => out.csv_record(
                &[
                    "id", "name", "owner", "created", "expires", "status", "secret",
                ],
                &[
                    &key.id,
                    &key.name,
                    &key.owner,
                    &duration::rfc3339(key.created),
                    &duration::rfc3339(key.expires),
                    key.status.as_str(),
                    &generated.secret,
                ],
            )?,
            Format::Table => out.table(
                &["FIELD", "VALUE"],
                vec![
                    vec!["KEY".into(), generated.secret.clone()],
                    vec!["ID".into(), key.id.clone()],
                    vec!["NAME".into(), key.name.clone()],
                    vec!["EXPIRES".into(), duration::rfc3339(key.expires)],
                ],
            )?,
        }
    }
    out.finish()?;
    eprintln!("This key is shown only once: store it now. keyctl keeps only its hash.");
    Ok(0)
}

fn list(ctx: &Ctx, term: Option<String>, args: ListArgs) -> Result<u8> {
    let query = KeyQuery {
        owner: args.owner,
        statuses: args
            .statuses
            .iter()
            .map(|s| match s {
                StatusArg::Active => Status::Active,
                StatusArg::Expired => Status::Expired,
                StatusArg::Revoked => Status::Revoked,
            })
            .collect(),
        expiring_within: args
            .expiring_within
            .map(|d| duration::parse(&d).map(|d| d.secs()).map_err(usage))
            .transpose()?,
        search: term,
        sort: args.sort.map(|s| match s {
            SortArg::Name => SortField::Name,
            SortArg::Id => SortField::Id,
            SortArg::Owner => SortField::Owner,
            SortArg::Created => SortField::Created,
            SortArg::Updated => SortField::Updated,
            SortArg::Expires => SortField::Expires,
            SortArg::Status => SortField::Status,
            SortArg::LastUsed => SortField::LastUsed,
            SortArg::Uses => SortField::Uses,
        }),
        reverse: args.reverse,
        limit: args.limit,
    };
    let (mut tenant, op) = ctx.session(Action::ReadKeys)?;
    let mut out = ctx.output();
    let mut listing = out.listing::<Key>()?;
    tenant.list_keys(&op, query, |k| listing.push(&k))?;
    listing.finish()?;
    out.finish()?;
    Ok(0)
}

/// The IDs to act on: arguments, or stdin when the only argument is `-` or there are
/// none and stdin is not a terminal. A malformed argument is a usage error.
fn requested_ids(ids: &[String]) -> Result<Vec<Requested>> {
    let from_stdin = match ids {
        [only] if only == "-" => true,
        [] if !std::io::stdin().is_terminal() => true,
        [] => {
            return Err(usage(
                "give key IDs as arguments, or pipe them on stdin (one per line)",
            ));
        }
        _ => false,
    };
    let requested = if from_stdin {
        idlist::read(std::io::stdin().lock()).context("reading key IDs from stdin")?
    } else {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for arg in ids {
            keyctl::check_key_id(arg)?;
            if seen.insert(arg) {
                out.push(Requested::Id(arg.clone()));
            }
        }
        out
    };
    if requested.is_empty() {
        return Err(usage("no key IDs given; nothing changed"));
    }
    Ok(requested)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn revoke(ctx: &Ctx, args: BulkArgs) -> Result<u8> {
    let ids = requested_ids(&args.ids)?;
    let (mut tenant, op) = ctx.session(Action::RevokeKey)?;
    tenant.may_revoke(&op)?;
    if !args.dry_run {
        let n = ids.len();
        confirm(
            &format!("Revoke {n} key{}? This cannot be undone.", plural(n)),
            args.yes,
        )?;
    }
    let outcomes = tenant.revoke_keys(&op, &ids, args.dry_run)?;
    report(ctx, &outcomes, BulkResult::Revoked)
}

fn delete(ctx: &Ctx, args: BulkArgs) -> Result<u8> {
    let ids = requested_ids(&args.ids)?;
    let (mut tenant, op) = ctx.session(Action::DeleteKey)?;
    tenant.may_delete(&op)?;
    if !args.dry_run {
        let n = ids.len();
        confirm(
            &format!("Delete {n} key{}? This cannot be undone.", plural(n)),
            args.yes,
        )?;
    }
    let outcomes = tenant.delete_keys(&op, &ids, args.dry_run)?;
    let status = report(ctx, &outcomes, BulkResult::Deleted)?;
    if outcomes.iter().any(|o| o.result == BulkResult::NotYours) {
        // SPEC §3: a tenant admin deleting someone else's key is pointed to revoke.
        eprintln!(
            "hint: only a key's owner can delete it; a tenant admin revokes it instead: \
             keyctl revoke ID"
        );
    }
    Ok(status)
}

/// Prints one result per ID (with `-q`: the IDs changed now), a summary on stderr, and
/// returns the exit status of the run.
fn report(ctx: &Ctx, outcomes: &[BulkOutcome], changed: BulkResult) -> Result<u8> {
    let mut out = ctx.output();
    if out.quiet {
        for o in outcomes.iter().filter(|o| o.result == changed) {
            out.line(&o.id)?;
        }
    } else {
        let mut listing = out.listing::<BulkOutcome>()?;
        for o in outcomes {
            listing.push(o)?;
        }
        listing.finish()?;
    }
    out.finish()?;
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for o in outcomes {
        *counts.entry(o.result.as_str()).or_default() += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(k, n)| format!("{k}: {n}")).collect();
    eprintln!(
        "{} key ID{}: {}",
        outcomes.len(),
        plural(outcomes.len()),
        summary.join(", ")
    );
    Ok(BulkOutcome::exit_code(outcomes).map_or(0, |c| c.status()))
}

/// The most of stdin `keys verify` reads; a key is 69 bytes.
const MAX_PRESENTED: u64 = 4096;

fn verify(ctx: &Ctx) -> Result<u8> {
    let mut raw = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_PRESENTED)
        .read_to_end(&mut raw)
        .context("reading the key from stdin")?;
    let presented = String::from_utf8(raw).unwrap_or_default();
    let mut tenant = keyctl::Tenant::open(&ctx.db_path()?)?;
    let mut out = ctx.output();
    match tenant.verify(&presented)? {
        Ok(ok) => {
            if out.quiet {
                out.line(&ok.id)?;
            } else {
                match out.format {
                    Format::Json => {
                        out.json(&json!({"valid": true, "id": ok.id, "owner": ok.owner}))?
                    }
                    Format::Csv => {
                        out.csv_record(&["valid", "id", "owner"], &["true", &ok.id, &ok.owner])?
                    }
                    Format::Table => out.line(&format!("valid: key {} of {}", ok.id, ok.owner))?,
                }
            }
            out.finish()?;
            Ok(0)
        }
        Err(rejection) => {
            match (out.quiet, out.format) {
                (false, Format::Json) => {
                    out.json(&json!({"valid": false, "reason": rejection.as_str()}))?
                }
                (false, Format::Csv) => {
                    out.csv_record(&["valid", "reason"], &["false", rejection.as_str()])?
                }
                _ => {}
            }
            out.finish()?;
            Err(keyctl::error::refused(format!("key rejected: {rejection}")))
        }
    }
}
