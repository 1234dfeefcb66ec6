//! keyctl: parse the command line, run the command, map the error to an exit code.

/// Writes one line to stderr, ignoring failure: a closed stderr (its reader gone) must
/// end a command as quietly as a closed stdout, never in a panic (SPEC §5).
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::output::note(format_args!($($arg)*))
    };
}

mod commands;
mod output;
mod records;

use clap::Parser;
use keyctl::cli::Cli;
use keyctl::error::{code_of, is_broken_pipe};
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return parse_failure(&e),
    };
    // A bug must still end as one line on stderr and a runtime failure, never a
    // backtrace (whatever RUST_BACKTRACE says) or exit 101.
    std::panic::set_hook(Box::new(|info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("unknown panic");
        // Never `eprintln!` here: a panic while writing to a closed stderr would abort.
        note!("error: internal error: {}", message.replace('\n', " "));
    }));
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| commands::run(cli)));
    let Ok(result) = outcome else {
        return ExitCode::from(keyctl::error::Code::Runtime.status());
    };
    match result {
        Ok(status) => ExitCode::from(status),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the context chain on one line, and never a backtrace.
            note!("error: {e:#}");
            ExitCode::from(code_of(&e).status())
        }
    }
}

/// Ends a run whose command line did not parse: `--help` and `--version` print and
/// succeed; help shown for a missing subcommand exits 2; any other usage error is one
/// line like every other error (SPEC §5), exit 2, and never echoes a key that was
/// pasted as an argument by mistake (`keys verify KEY`).
fn parse_failure(e: &clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if !e.use_stderr() || e.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
        let _ = e.print();
        return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
    }
    // A value refused by one of keyctl's own parsers already says what is wrong, in
    // the words every other usage error uses: print it as it is.
    if let Some(invalid) =
        std::error::Error::source(e).and_then(|s| s.downcast_ref::<keyctl::error::InvalidValue>())
    {
        note!("error: {invalid}");
        return ExitCode::from(2);
    }
    if empty_db_from_env(e) {
        note!(
            "error: KEYCTL_DB is set but empty: set it to the tenant database's path, or unset \
             it to use the default (see --help)"
        );
        return ExitCode::from(2);
    }
    let rendered = e.render().to_string();
    let text = keyctl::token::redact(&rendered);
    let mut line = String::new();
    for part in text.lines().map(str::trim).filter(|l| {
        !l.is_empty() && !l.starts_with("Usage:") && !l.starts_with("For more information")
    }) {
        if !line.is_empty() {
            line.push_str(if line.ends_with(':') { " " } else { "; " });
        }
        line.push_str(part);
    }
    note!("{line} (see --help)");
    ExitCode::from(2)
}

/// Whether clap refused an empty `--db` that came from `KEYCTL_DB`, not the command line
/// (so the message must not blame a flag nobody typed).
fn empty_db_from_env(e: &clap::Error) -> bool {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    let about_db = matches!(
        e.get(ContextKind::InvalidArg),
        Some(ContextValue::String(arg)) if arg.starts_with("--db")
    );
    let typed = std::env::args_os()
        .skip(1)
        .take_while(|a| a != "--")
        .any(|a| a == "--db" || a.to_string_lossy().starts_with("--db="));
    e.kind() == ErrorKind::InvalidValue
        && about_db
        && !typed
        && std::env::var_os("KEYCTL_DB").is_some_and(|v| v.is_empty())
}
