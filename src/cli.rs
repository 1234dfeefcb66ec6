//! The command line, as clap derive types only. The binary, the man pages and the
//! shell completions are all generated from this one definition.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Administer API keys: one SQLite file is one tenant.
#[derive(Debug, Parser)]
#[command(
    name = "keyctl",
    version,
    about = "Administer API keys: users and roles, settings, keys, and a tamper-evident audit log",
    long_about = "Administer API keys for one tenant kept in one SQLite file: its users and \
                  their roles, its API-key settings, its keys (only hashes of their secrets) \
                  and a tamper-evident audit log.",
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
    /// Tenant database file [default: keyctl.db in the platform data directory]
    #[arg(long, global = true, env = "KEYCTL_DB", value_name = "PATH")]
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
    Init {
        /// The first tenant admin
        #[arg(long, value_name = "NAME")]
        admin: String,
    },
    /// Manage users and their roles (tenant admins)
    #[command(subcommand)]
    Users(UsersCommand),
    /// Show or change the tenant's API-key settings
    Settings {
        #[command(subcommand)]
        command: Option<SettingsCommand>,
    },
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
    Completions {
        /// The shell
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
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
    Add {
        /// User name: 1-64 of A-Z a-z 0-9 . _ @ -
        name: String,
        /// Give this role (repeatable)
        #[arg(long = "role", value_enum)]
        roles: Vec<RoleArg>,
        /// Give a licence (needed to generate keys)
        #[arg(long)]
        licence: bool,
    },
    /// Give a user a role
    Grant {
        name: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Take a role from a user (the last tenant admin keeps theirs)
    Ungrant {
        name: String,
        #[arg(value_enum)]
        role: RoleArg,
    },
    /// Give or take a user's licence
    Licence {
        name: String,
        #[arg(value_enum)]
        state: Switch,
    },
    /// Remove a user and revoke all their active keys
    Remove {
        name: String,
        /// Do not ask for confirmation (required off a terminal)
        #[arg(long)]
        yes: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show the settings (the default)
    Show,
    /// Turn API keys on for the tenant
    Enable,
    /// Turn API keys off: every key stops verifying until enabled again
    Disable {
        /// Do not ask for confirmation (required off a terminal)
        #[arg(long)]
        yes: bool,
    },
    /// Change a setting; affects only keys generated afterwards
    #[command(subcommand)]
    Set(SetCommand),
}

#[derive(Debug, Subcommand)]
pub enum SetCommand {
    /// Longest lifetime of a new key, e.g. 90d, 12h, P30D, PT24H
    MaxExpiry {
        #[arg(value_name = "DURATION")]
        duration: String,
    },
    /// Most active keys per user (1-1000)
    MaxKeysPerUser {
        #[arg(value_name = "N")]
        count: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Generate a key for yourself; the secret is shown once
    Generate {
        /// Description of the key (asked for on a terminal when missing)
        #[arg(long, value_name = "TEXT")]
        name: Option<String>,
        /// Lifetime, at most the tenant's max-expiry [default: max-expiry]
        #[arg(long, value_name = "DURATION", conflicts_with = "expires_at")]
        expires_in: Option<String>,
        /// Expiry time (RFC 3339), within max-expiry from now
        #[arg(long, value_name = "TIME")]
        expires_at: Option<String>,
    },
    /// List keys (tenant admins: all; developers: their own)
    List(ListArgs),
    /// List keys whose name, ID or owner contains TERM (case-insensitive)
    Search {
        /// The text to look for
        term: String,
        #[command(flatten)]
        filters: ListArgs,
    },
    /// Show one key
    Show {
        /// Key ID
        id: String,
    },
    /// Rename one of your keys
    Rename {
        /// Key ID
        id: String,
        /// The new name
        name: String,
    },
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
    Rotate {
        /// Key ID of the key to replace
        id: String,
        /// How long the old key keeps working, e.g. 1h; 0 stops it at once [default: 0]
        #[arg(long, value_name = "DURATION")]
        grace: Option<String>,
        /// Lifetime of the new key, at most the tenant's max-expiry [default: max-expiry]
        #[arg(long, value_name = "DURATION", conflicts_with = "expires_at")]
        expires_in: Option<String>,
        /// Expiry time of the new key (RFC 3339), within max-expiry from now
        #[arg(long, value_name = "TIME")]
        expires_at: Option<String>,
    },
    /// Check a key read from stdin; exit 0 and print its ID and owner if valid
    Verify,
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
    #[arg(long, value_name = "DURATION")]
    pub expiring_within: Option<String>,
    /// Sort by this column, ascending [default: newest first]
    #[arg(long, value_enum, value_name = "FIELD")]
    pub sort: Option<SortArg>,
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

/// A sort column on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Name,
    Id,
    Owner,
    Created,
    Updated,
    Expires,
    Status,
    LastUsed,
    Uses,
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
    #[arg(long, value_name = "T")]
    pub since: Option<String>,
    /// Only events until T (RFC 3339, or a duration meaning that long ago)
    #[arg(long, value_name = "T")]
    pub until: Option<String>,
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
    Show {
        /// Event ID
        id: i64,
    },
    /// Check the log's hash chain; exit 1 naming the first bad event
    Verify {
        /// Also require the chain to pass through ID:HASH (from `events head`)
        #[arg(long, value_name = "ID:HASH")]
        anchor: Option<String>,
    },
    /// Print the newest event as ID:HASH, to keep elsewhere as an anchor
    Head,
    /// Keys ranked by uses in a window, to spot extensive use
    Top {
        /// Window start (RFC 3339 or a duration ago) [default: 24h]
        #[arg(long, value_name = "T")]
        since: Option<String>,
        /// At most N keys
        #[arg(long, value_name = "N", default_value_t = 10, value_parser = limit_parser())]
        limit: u64,
    },
}

/// A `--limit`: 0 up to the largest count the database can take (2^63 - 1), so a bigger
/// number is a usage error (exit 2), not a failure deep in the query.
fn limit_parser() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(0..=i64::MAX as u64)
}
