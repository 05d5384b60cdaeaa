//! One file per command; `dispatch` picks the command.

mod check;
mod copy;
mod operate;
mod sample;
mod scan;
mod status;

use std::process::ExitCode;

use crate::args::{Cli, Command};

/// Runs the parsed command.
pub fn dispatch(cli: Cli) -> relocator::Result<ExitCode> {
    match cli.command {
        Command::Status { source, json } => status::run(source.as_deref(), json),
        Command::Scan { dir, json } => scan::run(&dir, json),
        Command::Check { source, to, json } => check::run(&source, &to, json),
        Command::Copy {
            from,
            to,
            verify,
            threads,
            json,
        } => copy::run(&from, &to, verify, threads, json),
        Command::Sample {
            dir,
            seed,
            devices,
            files,
            bytes,
        } => sample::run(&dir, seed, devices, files, bytes),
        op => operate::run(op),
    }
}
