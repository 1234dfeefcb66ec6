//! keyctl: parse the command line, run the command, map the error to an exit code.

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
        Err(e) => {
            // --help and --version print to stdout and succeed; every other parse
            // error is a usage error (exit 2).
            // A key passed as an argument by mistake (`keys verify KEY`) is not echoed.
            let rendered = e.render().to_string();
            let help_shown =
                e.kind() == clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand;
            match keyctl::token::redact(&rendered) {
                // A usage error is one line like every other error (SPEC §5): clap's
                // message and tips, without the usage block.
                text if e.use_stderr() && !help_shown => {
                    let mut line = String::new();
                    for part in text.lines().map(str::trim).filter(|l| {
                        !l.is_empty()
                            && !l.starts_with("Usage:")
                            && !l.starts_with("For more information")
                    }) {
                        if !line.is_empty() {
                            line.push_str(if line.ends_with(':') { " " } else { "; " });
                        }
                        line.push_str(part);
                    }
                    eprintln!("{line} (see --help)");
                }
                std::borrow::Cow::Owned(text) if e.use_stderr() => eprint!("{text}"),
                std::borrow::Cow::Owned(text) => print!("{text}"),
                std::borrow::Cow::Borrowed(_) => {
                    let _ = e.print();
                }
            }
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    match commands::run(cli) {
        Ok(status) => ExitCode::from(status),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the context chain on one line, and never a backtrace.
            eprintln!("error: {e:#}");
            ExitCode::from(code_of(&e).status())
        }
    }
}
