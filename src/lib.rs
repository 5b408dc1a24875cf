//! hookscope: a webhook inspector. An embedded HTTP server captures every
//! request into a SQLite file; commands and a terminal UI read it back.

pub mod capture;
pub mod classify;
pub mod cli;
pub mod clipboard;
mod cmd;
pub mod config;
mod content_encoding;
pub mod delivery;
pub mod export;
pub mod filter;
pub mod human;
pub mod import;
pub mod model;
pub mod resend;
pub mod sanitize;
pub mod signature;
pub mod store;
pub mod tui;
pub mod verifier;

use std::process::ExitCode;

use cli::{Cli, Command};

/// Runs one command to completion.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        None => cmd::listen::run(&cli.listen),
        Some(Command::Listen(args)) => cmd::listen::run(&args),
        Some(Command::Ls(args)) => cmd::ls::run(&args),
        Some(Command::Show(args)) => cmd::show::run(&args),
        Some(Command::Open(args)) => cmd::listen::open(&args.file),
        Some(Command::Verify(args)) => cmd::verify::run(&args),
        Some(Command::Resend(args)) => cmd::resend::run(&args),
        Some(Command::Send(args)) => cmd::send::run(&args),
        Some(Command::Export(args)) => cmd::export::run(&args),
        Some(Command::Import(args)) => cmd::import::run(&args),
        Some(Command::Completions(args)) => cmd::completions::run(&args),
    }
}
