//! The command line, as clap derive types only. The binary, the man pages and the
//! shell completions are all generated from this one definition.

use crate::Anchor;
use crate::SortField;
use crate::duration::{self, Duration, Moment};
use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::str::FromStr;

/// Administer API keys: a tenant in one SQLite file, or in PostgreSQL.
#[derive(Debug, Parser)]
#[command(
    name = "keyctl",
    version,
    about = "Administer API keys: users and roles, settings, keys, and a tamper-evident audit log",
    long_about = "Administer API keys for one tenant, kept in one SQLite file or in a \
                  PostgreSQL database that many hosts share: its users and their roles, its \
                  API-key settings, its keys (only hashes of their secrets) and a \
                  tamper-evident audit log.",
    after_help = "Exit codes: 0 success, 1 runtime failure, 2 usage, 3 not found, \
                  4 permission denied, 5 refused by policy or state, 6 partial bulk result.",
    propagate_version = true
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

/// Flags accepted before or after any subcommand.
#[derive(Debug, Args)]
pub struct Global {
    /// Tenant database: a file, or a postgres://user@host[:port]/dbname URL (its password
    /// best in PGPASSWORD or ~/.pgpass) [default: keyctl.db in the platform data
    /// directory]
    // `hide_env_values`: help must never print KEYCTL_DB's value, which may be a URL
    // holding a password (SPEC §11).
    #[arg(
        long,
        global = true,
        env = "KEYCTL_DB",
        hide_env_values = true,
        value_name = "PATH|URL"
    )]
    pub db: Option<PathBuf>,

    /// Act as this user [default: the OS login name]
    #[arg(long = "as", global = true, env = "KEYCTL_USER", value_name = "USER")]
    pub operator: Option<String>,

    /// Output format
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Print IDs only, one per line, where a command lists things
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

/// How data is printed on stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for people, fitted to the terminal
    Table,
    /// One JSON document (an array for lists)
    Json,
    /// A header row, then rows (RFC 4180)
    Csv,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the tenant database; NAME becomes a tenant admin with a licence
    Init(InitArgs),
    /// Manage users and their roles (tenant admins)
    #[command(subcommand)]
    Users(UsersCommand),
    /// Show or change the tenant's API-key settings
    Settings(SettingsArgs),
    /// Generate, list, search, show, rename, revoke, delete and verify keys
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Revoke keys (same as `keys revoke`)
    Revoke(RevokeArgs),
    /// List the audit log, or check its hash chain
    Events(EventsArgs),
    /// Copy the whole tenant into a new database: a backup, or a move between backends
    Copy(CopyArgs),
    /// Print a shell completion script
    Completions(CompletionsArgs),
}

/// `keyctl init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The first tenant admin
    #[arg(long, value_name = "NAME")]
    pub admin: String,
}

/// `keyctl settings`.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    #[command(subcommand)]
    pub command: Option<SettingsCommand>,
}

/// `keyctl completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Where `copy` writes the tenant.
#[derive(Debug, Args)]
#[command(
    long_about = "Copy the whole tenant (--db) into a new database: users, settings, keys \
                  (hashes, usage, successors) and every event with its ID and hash, from one \
                  consistent snapshot, written in one transaction (a failure leaves no copy). \
                  A tenant.copied event is appended to the source first, so both end with the \
                  same `events head`. Tenant admins only.",
    after_help = "Examples:\n  keyctl copy --to backup.db\n  \
                  keyctl --db postgres://keyctl@db.example.com/keys copy --to laptop.db\n  \
                  keyctl copy --to postgres://keyctl@db.example.com/keys\n\n\
                  Prints a summary on stderr; with --format json, a record on stdout."
)]
pub struct CopyArgs {
    /// The new database: a file that does not exist yet, or a postgres:// URL of an empty schema
    #[arg(long, value_name = "DB")]
    pub to: PathBuf,
}

/// A role on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Generates, renames and deletes their own keys
    Developer,
    /// Manages users, settings, revocation and events
    TenantAdmin,
    /// Reads everything (keys, events, users, settings) and changes nothing
    Auditor,
}

/// On or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

#[derive(Debug, Subcommand)]
pub enum UsersCommand {
    /// List users, their roles and licences
    List,
    /// Register a user
    Add(UserAddArgs),
    /// Give a user a role
    Grant(RoleArgs),
    /// Take a role from a user (the last tenant admin keeps theirs)
    Ungrant(RoleArgs),
    /// Give or take a user's licence
    Licence(LicenceArgs),
    /// Remove a user and revoke all their active keys
    Remove(UserRemoveArgs),
}

/// `keyctl users add`.
#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// User name: 1-64 of A-Z a-z 0-9 . _ @ -
    pub name: String,
    /// Give this role (repeatable)
    #[arg(long = "role", value_enum)]
    pub roles: Vec<RoleArg>,
    /// Give a licence (needed to generate keys)
    #[arg(long)]
    pub licence: bool,
}

/// `keyctl users grant` and `ungrant`.
#[derive(Debug, Args)]
pub struct RoleArgs {
    pub name: String,
    #[arg(value_enum)]
    pub role: RoleArg,
}

/// `keyctl users licence`.
#[derive(Debug, Args)]
pub struct LicenceArgs {
    pub name: String,
    #[arg(value_enum)]
    pub state: Switch,
}

/// `keyctl users remove`.
#[derive(Debug, Args)]
pub struct UserRemoveArgs {
    pub name: String,
    /// Do not ask for confirmation (required off a terminal)
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show the settings (the default)
    Show,
    /// Turn API keys on for the tenant
    Enable,
    /// Turn API keys off: every key stops verifying until enabled again
    Disable(DisableArgs),
    /// Change a setting; affects only keys generated afterwards
    #[command(subcommand)]
    Set(SetCommand),
}

#[derive(Debug, Subcommand)]
pub enum SetCommand {
    /// Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H
    MaxExpiry(MaxExpiryArgs),
    /// Most active keys per user (1-1000)
    MaxKeysPerUser(MaxKeysArgs),
}

/// `keyctl settings disable`.
#[derive(Debug, Args)]
pub struct DisableArgs {
    /// Do not ask for confirmation (required off a terminal)
    #[arg(long)]
    pub yes: bool,
}

/// `keyctl settings set max-expiry`.
#[derive(Debug, Args)]
pub struct MaxExpiryArgs {
    #[arg(value_name = "DURATION", value_parser = duration::parse)]
    pub duration: Duration,
}

/// `keyctl settings set max-keys-per-user`.
#[derive(Debug, Args)]
pub struct MaxKeysArgs {
    #[arg(value_name = "N", value_parser = crate::settings::parse_max_keys)]
    pub count: u32,
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate a key for yourself; the secret is shown once
    Generate(GenerateArgs),
    /// List keys (tenant admins: all; developers: their own)
    List(ListArgs),
    /// List keys whose name, ID or owner contains TERM (case-insensitive)
    Search(SearchArgs),
    /// Show one key
    Show(KeyShowArgs),
    /// Rename one of your keys
    Rename(RenameArgs),
    /// Revoke keys for good (tenant admins); IDs from arguments or stdin
    Revoke(RevokeArgs),
    /// Delete your own keys; IDs from arguments or stdin
    Delete(BulkArgs),
    /// Replace one of your keys with a new one (same name); the secret is shown once
    #[command(
        long_about = "Replace one of your keys with a new one of the same name, in one step: \
                      the new key's secret is shown once, as by `generate`, and the old key \
                      keeps working for the grace period (default 0: it stops at once), \
                      never past its own expiry. The key limit does not apply."
    )]
    Rotate(RotateArgs),
    /// Check a key read from stdin; exit 0 and print its ID and owner if valid
    Verify,
}

/// `keyctl keys generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Description of the key (asked for on a terminal when missing)
    #[arg(long, value_name = "TEXT")]
    pub name: Option<String>,
    /// Lifetime, at most the tenant's max-expiry [default: max-expiry]
    #[arg(long, value_name = "DURATION", conflicts_with = "expires_at", value_parser = duration::parse)]
    pub expires_in: Option<Duration>,
    /// Expiry time (RFC 3339), within max-expiry from now
    #[arg(long, value_name = "TIME", value_parser = duration::parse_time)]
    pub expires_at: Option<i64>,
}

/// `keyctl keys search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The text to look for
    pub term: String,
    #[command(flatten)]
    pub filters: ListArgs,
}

/// `keyctl keys show`.
#[derive(Debug, Args)]
pub struct KeyShowArgs {
    /// Key ID
    pub id: String,
}

/// `keyctl keys rename`.
#[derive(Debug, Args)]
pub struct RenameArgs {
    /// Key ID
    pub id: String,
    /// The new name
    pub name: String,
}

/// `keyctl keys rotate`.
#[derive(Debug, Args)]
pub struct RotateArgs {
    /// Key ID of the key to replace
    pub id: String,
    /// How long the old key keeps working, e.g. 1h; 0 stops it at once [default: 0]
    #[arg(long, value_name = "DURATION", value_parser = duration::parse_grace)]
    pub grace: Option<i64>,
    /// Lifetime of the new key, at most the tenant's max-expiry [default: max-expiry]
    #[arg(long, value_name = "DURATION", conflicts_with = "expires_at", value_parser = duration::parse)]
    pub expires_in: Option<Duration>,
    /// Expiry time of the new key (RFC 3339), within max-expiry from now
    #[arg(long, value_name = "TIME", value_parser = duration::parse_time)]
    pub expires_at: Option<i64>,
}

/// Filters, order and limit for listing keys.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Only keys with this status (repeatable)
    #[arg(long = "status", value_enum, value_name = "STATUS")]
    pub statuses: Vec<StatusArg>,
    /// Only keys of this owner
    #[arg(long, value_name = "USER")]
    pub owner: Option<String>,
    /// Only active keys expiring within this duration, e.g. 7d
    #[arg(long, value_name = "DURATION", value_parser = duration::parse)]
    pub expiring_within: Option<Duration>,
    /// Sort by this column, ascending [default: newest first]
    #[arg(long, value_enum, value_name = "FIELD")]
    pub sort: Option<SortField>,
    /// Reverse the order
    #[arg(long)]
    pub reverse: bool,
    /// At most N keys
    #[arg(long, value_name = "N", value_parser = limit_parser())]
    pub limit: Option<u64>,
}

/// A key status on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    Active,
    Expired,
    Revoked,
}

/// The sort columns by their names on the command line (`--sort last-used`), without
/// help of their own.
impl ValueEnum for SortField {
    fn value_variants<'a>() -> &'a [Self] {
        &SortField::ALL
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.as_str()))
    }
}

/// IDs for a bulk revoke or delete.
#[derive(Debug, Args)]
pub struct BulkArgs {
    /// Key IDs; `-` or none (with stdin not a terminal) reads them from stdin, one per line
    #[arg(value_name = "ID")]
    pub ids: Vec<String>,
    /// Do not ask for confirmation (required off a terminal)
    #[arg(long)]
    pub yes: bool,
    /// Show what would happen; change nothing
    #[arg(long)]
    pub dry_run: bool,
}

/// IDs for a revoke, or (on a terminal, without IDs) a checklist to pick them from.
#[derive(Debug, Args)]
#[command(
    after_help = "On a terminal without IDs, a checklist of the active keys shows (most used \
                  first): space ticks, enter confirms, esc cancels. --owner and --search \
                  narrow it."
)]
pub struct RevokeArgs {
    #[command(flatten)]
    pub bulk: BulkArgs,
    /// Checklist: only keys of this owner
    #[arg(long, value_name = "USER")]
    pub owner: Option<String>,
    /// Checklist: only keys whose name, ID or owner contains TERM
    #[arg(long, value_name = "TERM")]
    pub search: Option<String>,
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EventsArgs {
    #[command(subcommand)]
    pub command: Option<EventsCommand>,
    #[command(flatten)]
    pub filters: EventFilters,
}

/// Filters for listing events.
#[derive(Debug, Args)]
pub struct EventFilters {
    /// Only events about this key
    #[arg(long = "key", value_name = "ID")]
    pub key_id: Option<String>,
    /// Only events by this user
    #[arg(long, value_name = "USER")]
    pub actor: Option<String>,
    /// Only events of this type, e.g. api-key.revoked
    #[arg(long = "type", value_name = "TYPE")]
    pub kind: Option<String>,
    /// Only events since T (RFC 3339, or a duration meaning that long ago: 1h, 7d)
    #[arg(long, value_name = "T", value_parser = duration::parse_moment)]
    pub since: Option<Moment>,
    /// Only events until T (RFC 3339, or a duration meaning that long ago)
    #[arg(long, value_name = "T", value_parser = duration::parse_moment)]
    pub until: Option<Moment>,
    /// At most N events (the newest)
    #[arg(long, value_name = "N", value_parser = limit_parser())]
    pub limit: Option<u64>,
    /// Print the matching events oldest first, then each new one as it is appended,
    /// until interrupted (JSON: one object per line)
    #[arg(long, short = 'f')]
    pub follow: bool,
}

#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Show one event
    Show(EventShowArgs),
    /// Check the log's hash chain; exit 1 naming the first bad event
    Verify(EventsVerifyArgs),
    /// Print the newest event as ID:HASH, to keep elsewhere as an anchor
    Head,
    /// Keys ranked by uses in a window, to spot extensive use
    Top(TopArgs),
}

/// `keyctl events show`.
#[derive(Debug, Args)]
pub struct EventShowArgs {
    /// Event ID
    pub id: i64,
}

/// `keyctl events verify`.
#[derive(Debug, Args)]
pub struct EventsVerifyArgs {
    /// Also require the chain to pass through ID:HASH (from `events head`)
    #[arg(long, value_name = "ID:HASH", value_parser = Anchor::from_str)]
    pub anchor: Option<Anchor>,
}

/// `keyctl events top`.
#[derive(Debug, Args)]
pub struct TopArgs {
    /// Window start (RFC 3339 or a duration ago) [default: 24h]
    #[arg(long, value_name = "T", value_parser = duration::parse_moment)]
    pub since: Option<Moment>,
    /// At most N keys
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = limit_parser())]
    pub limit: u64,
}

/// A `--limit`: 0 up to the largest count the database can take (2^63 - 1), so a bigger
/// number is a usage error (exit 2), not a failure deep in the query.
fn limit_parser() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(0..=i64::MAX as u64)
}
