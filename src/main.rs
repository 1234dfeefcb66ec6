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
            let _ = e.print();
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
