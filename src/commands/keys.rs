//! `keyctl keys ...` and `keyctl revoke`.

use super::{Ctx, confirm, interactive};
use anyhow::{Context, Result};
use keyctl::cli::{
    BulkArgs, Format, GenerateArgs, KeyShowArgs, KeysCommand, ListArgs, RenameArgs, RevokeArgs,
    SearchArgs, StatusArg,
};
use keyctl::duration::Duration;
use keyctl::error::usage;
use keyctl::idlist::{self, Requested};
use keyctl::model::Operator;
use keyctl::policy::Action;
use keyctl::{BulkOutcome, BulkResult, Expiry, Key, KeyQuery, Status, Tenant};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};

pub fn run(ctx: &Ctx, cmd: KeysCommand) -> Result<u8> {
    match cmd {
        KeysCommand::Generate(args) => generate(ctx, args),
        KeysCommand::List(args) => list(ctx, None, args),
        KeysCommand::Search(SearchArgs { term, filters }) => list(ctx, Some(term), filters),
        KeysCommand::Show(KeyShowArgs { id }) => {
            let (mut tenant, op) = ctx.session(Action::ReadKeys)?;
            ctx.print(&tenant.show_key(&op, &id)?)?;
            Ok(0)
        }
        KeysCommand::Rename(RenameArgs { id, name }) => {
            let (mut tenant, op) = ctx.session(Action::RenameKey)?;
            let key = tenant.rename_key(&op, &id, &name)?;
            note!("renamed key {}", key.id);
            ctx.print(&key)?;
            Ok(0)
        }
        KeysCommand::Revoke(args) => revoke(ctx, args),
        KeysCommand::Delete(args) => delete(ctx, args),
        KeysCommand::Verify => verify(ctx),
        KeysCommand::Rotate(args) => super::rotate::run(ctx, args),
    }
}

/// The expiry asked for with `--expires-in` / `--expires-at` (default: max-expiry).
pub(super) fn expiry(expires_in: Option<Duration>, expires_at: Option<i64>) -> Expiry {
    match (expires_in, expires_at) {
        (Some(d), _) => Expiry::In(d),
        (None, Some(t)) => Expiry::At(t),
        (None, None) => Expiry::Default,
    }
}

fn generate(ctx: &Ctx, args: GenerateArgs) -> Result<u8> {
    let expiry = expiry(args.expires_in, args.expires_at);
    let (mut tenant, op) = ctx.session(Action::GenerateKey)?;
    let name = match args.name {
        Some(n) => n,
        None if interactive() => super::prompting(|| {
            dialoguer::Input::<String>::new()
                .with_prompt("Key name")
                .interact_text()
        })
        .context("reading the key name")?,
        None => return Err(usage("--name is required when not on a terminal")),
    };
    let generated = tenant.generate_key(&op, &name, expiry)?;
    print_generated(ctx, &generated)
}

/// Prints a new key with its secret (`generate`, `rotate`), as its record; then the
/// reminder on stderr that it is shown once.
pub(super) fn print_generated(ctx: &Ctx, generated: &keyctl::Generated) -> Result<u8> {
    ctx.print(generated)?;
    note!("This key is shown only once: store it now. keyctl keeps only its hash.");
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
        expiring_within: args.expiring_within.map(Duration::secs),
        search: term,
        sort: args.sort,
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

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

pub fn revoke(ctx: &Ctx, args: RevokeArgs) -> Result<u8> {
    let RevokeArgs {
        bulk: args,
        owner,
        search,
    } = args;
    if args.ids.is_empty() && std::io::stdin().is_terminal() {
        return super::checklist::revoke(ctx, args, owner, search);
    }
    if owner.is_some() || search.is_some() {
        return Err(usage(
            "--owner and --search narrow the checklist, shown on a terminal without key IDs; \
             to pick keys in a script, pipe them in: keyctl keys search TERM -q | keyctl revoke --yes",
        ));
    }
    bulk_by_id(ctx, args, Bulk::Revoke)
}

fn delete(ctx: &Ctx, args: BulkArgs) -> Result<u8> {
    bulk_by_id(ctx, args, Bulk::Delete)
}

/// `revoke` or `delete`: the two bulk commands, one path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Bulk {
    Revoke,
    Delete,
}

/// A bulk run on the IDs given as arguments or on stdin.
fn bulk_by_id(ctx: &Ctx, args: BulkArgs, bulk: Bulk) -> Result<u8> {
    let ids = requested_ids(&args.ids)?;
    let action = match bulk {
        Bulk::Revoke => Action::RevokeKey,
        Bulk::Delete => Action::DeleteKey,
    };
    let (mut tenant, op) = ctx.session(action)?;
    match bulk {
        Bulk::Revoke => tenant.may_revoke(&op)?,
        Bulk::Delete => tenant.may_delete(&op)?,
    }
    run_bulk(ctx, &mut tenant, &op, &ids, &args, bulk)
}

/// Asks for confirmation (unless a dry run), runs the bulk revoke or delete and
/// reports it; returns the exit status of the run.
pub(super) fn run_bulk(
    ctx: &Ctx,
    tenant: &mut Tenant,
    op: &Operator,
    ids: &[Requested],
    args: &BulkArgs,
    bulk: Bulk,
) -> Result<u8> {
    let (verb, done) = match bulk {
        Bulk::Revoke => ("Revoke", BulkResult::Revoked),
        Bulk::Delete => ("Delete", BulkResult::Deleted),
    };
    if !args.dry_run {
        let n = ids.len();
        confirm(
            &format!("{verb} {n} key{}? This cannot be undone.", plural(n)),
            args.yes,
        )?;
    }
    let outcomes = match bulk {
        Bulk::Revoke => tenant.revoke_keys(op, ids, args.dry_run)?,
        Bulk::Delete => tenant.delete_keys(op, ids, args.dry_run)?,
    };
    let status = report(ctx, &outcomes, done)?;
    if bulk == Bulk::Delete && outcomes.iter().any(|o| o.result == BulkResult::NotYours) {
        // SPEC §3: a tenant admin deleting someone else's key is pointed to revoke.
        note!(
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
    note!(
        "{} key ID{}: {}",
        outcomes.len(),
        plural(outcomes.len()),
        summary.join(", ")
    );
    Ok(BulkOutcome::exit_code(outcomes).map_or(0, |c| c.status()))
}

/// The most of stdin `keys verify` accepts; a key is 69 bytes, so this leaves room for
/// any amount of surrounding whitespace a script might add. Anything longer is
/// `malformed`, decided after reading one byte past the limit (never the whole stream).
const MAX_PRESENTED: u64 = 64 * 1024;

/// The whole of stdin, or `None` when it is longer than [`MAX_PRESENTED`] bytes.
fn read_presented() -> Result<Option<String>> {
    let mut raw = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_PRESENTED + 1)
        .read_to_end(&mut raw)
        .context("reading the key from stdin")?;
    if raw.len() as u64 > MAX_PRESENTED {
        return Ok(None);
    }
    // Not UTF-8: not a key either; the empty string is rejected as `malformed`.
    Ok(Some(String::from_utf8(raw).unwrap_or_default()))
}

fn verify(ctx: &Ctx) -> Result<u8> {
    // Over the limit: presented as the empty string, which is `malformed`.
    let presented = read_presented()?.unwrap_or_default();
    let mut tenant = keyctl::Tenant::open(&ctx.db_path()?)?;
    let mut out = ctx.output();
    match tenant.verify(&presented)? {
        Ok(verified) => {
            out.record(&verified)?;
            out.finish()?;
            Ok(0)
        }
        Err(rejection) => {
            // The reason is the error on stderr; JSON and CSV also carry it as data.
            if !out.quiet && out.format != Format::Table {
                out.record(&rejection)?;
            }
            out.finish()?;
            Err(keyctl::error::refused(format!("key rejected: {rejection}")))
        }
    }
}
