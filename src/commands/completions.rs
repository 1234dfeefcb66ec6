//! `keyctl completions SHELL`

use anyhow::Result;
use clap::CommandFactory;
use keyctl::cli::Cli;
use std::io::Write;

pub fn run(shell: clap_complete::Shell) -> Result<u8> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "keyctl", &mut buf);
    std::io::stdout().lock().write_all(&buf)?;
    Ok(0)
}
