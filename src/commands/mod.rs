//! One module per command family: turn arguments into library calls and render.

mod checklist;
mod completions;
mod copy;
mod events;
mod follow;
mod init;
mod keys;
mod rotate;
mod settings;
mod users;

use crate::output::{Output, Record};
use anyhow::{Context, Result};
use keyctl::Tenant;
use keyctl::cli::{Cli, Command, Global};
use keyctl::error::usage;
use keyctl::model::Operator;
use keyctl::policy::Action;
use std::io::IsTerminal;
use std::path::PathBuf;

/// What every command needs: the global flags.
pub struct Ctx {
    pub global: Global,
}

impl Ctx {
    /// The tenant database: `--db`, `KEYCTL_DB`, else the platform data directory.
    pub fn db_path(&self) -> Result<PathBuf> {
        if let Some(p) = &self.global.db {
            return Ok(p.clone());
        }
        let dirs = directories::ProjectDirs::from("", "", "keyctl")
            .context("cannot find a home directory for the default database; use --db PATH")?;
        Ok(dirs.data_dir().join("keyctl.db"))
    }

    /// The operator's name: `--as`, `KEYCTL_USER`, else the OS login name.
    pub fn operator_name(&self) -> String {
        self.global.operator.clone().unwrap_or_else(login_name)
    }

    /// Opens the tenant and resolves the operator about to try `action` (refusing an
    /// unknown one, recorded as a denial of that action).
    pub fn session(&self, action: Action) -> Result<(Tenant, Operator)> {
        let mut tenant = Tenant::open(&self.db_path()?)?;
        tenant.on_note(|line| note!("{line}"));
        let op = tenant.operator(&self.operator_name(), action)?;
        Ok((tenant, op))
    }

    /// Stdout in the chosen format.
    pub fn output(&self) -> Output {
        Output::new(self.global.format, self.global.quiet)
    }

    /// Prints one record on stdout.
    pub fn print<R: Record>(&self, record: &R) -> Result<()> {
        let mut out = self.output();
        out.record(record)?;
        out.finish()
    }

    /// Prints records as one listing on stdout.
    pub fn print_all<R: Record>(&self, records: &[R]) -> Result<()> {
        let mut out = self.output();
        let mut listing = out.listing::<R>()?;
        for r in records {
            listing.push(r)?;
        }
        listing.finish()?;
        out.finish()
    }
}

/// The name of the user running this process.
fn login_name() -> String {
    // SAFETY: getpwuid returns a pointer into static storage or null; we copy the name
    // out at once and this program has no other threads calling it.
    unsafe {
        let pw = libc::getpwuid(libc::geteuid());
        if !pw.is_null()
            && !(*pw).pw_name.is_null()
            && let Ok(name) = std::ffi::CStr::from_ptr((*pw).pw_name).to_str()
        {
            return name.to_owned();
        }
    }
    std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_default()
}

/// Whether a person can answer a prompt: stdin and stderr are terminals.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks before a destructive action; off a terminal, `--yes` is required.
pub fn confirm(question: &str, yes: bool) -> Result<()> {
    if yes {
        return Ok(());
    }
    if !interactive() {
        return Err(usage(
            "refusing a destructive action without --yes when not on a terminal; nothing changed",
        ));
    }
    let answer = prompting(|| {
        dialoguer::Confirm::new()
            .with_prompt(question)
            .default(false)
            .interact()
    })
    .context("reading the answer")?;
    if answer {
        Ok(())
    } else {
        Err(usage("not confirmed; nothing changed"))
    }
}

/// Runs `prompt` (a dialoguer prompt, which hides the cursor) so that Ctrl-C ends the
/// command as an interrupted terminal program should: the cursor shown again, the line
/// ended, exit 130. A prompt comes before any write transaction, so nothing changes.
pub fn prompting<T>(prompt: impl FnOnce() -> T) -> T {
    extern "C" fn on_interrupt(_: libc::c_int) {
        const RESTORE: &[u8] = b"\x1b[?25h\n";
        // SAFETY: write(2) and _exit(2) are async-signal-safe.
        unsafe {
            libc::write(libc::STDERR_FILENO, RESTORE.as_ptr().cast(), RESTORE.len());
            libc::_exit(130);
        }
    }
    // SAFETY: plain sigaction calls with zero-initialised structs; the previous
    // disposition is put back once the prompt returns.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::sigemptyset(&mut action.sa_mask);
        let mut previous: libc::sigaction = std::mem::zeroed();
        libc::sigaction(libc::SIGINT, &action, &mut previous);
        let value = prompt();
        libc::sigaction(libc::SIGINT, &previous, std::ptr::null_mut());
        value
    }
}

/// Runs the parsed command; returns the exit status for results that are not errors.
pub fn run(cli: Cli) -> Result<u8> {
    let ctx = Ctx { global: cli.global };
    match cli.command {
        Command::Init(args) => init::run(&ctx, &args.admin),
        Command::Users(cmd) => users::run(&ctx, cmd),
        Command::Settings(args) => settings::run(&ctx, args.command),
        Command::Keys(cmd) => keys::run(&ctx, cmd),
        Command::Revoke(args) => keys::revoke(&ctx, args),
        Command::Events(args) => events::run(&ctx, args),
        Command::Copy(args) => copy::run(&ctx, args),
        Command::Completions(args) => completions::run(args.shell),
    }
}
