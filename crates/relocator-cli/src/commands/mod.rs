//! One file per command; `dispatch` picks the command.

mod check;
mod copy;
mod guard;
mod health;
mod one_device;
mod operate;
mod sample;
mod scan;
mod status;

use std::process::ExitCode;

use relocator::link::FolderLink;

use crate::args::{Cli, Command};

/// Runs the parsed command, making and reading links with `links`.
pub fn dispatch(cli: Cli, links: &dyn FolderLink) -> relocator::Result<ExitCode> {
    match cli.command {
        Command::Status {
            source,
            json,
            stale_days,
        } => status::run(
            links,
            source.as_deref(),
            json,
            std::time::Duration::from_secs(stale_days * 86_400),
        ),
        Command::Scan { dir, json } => scan::run(&dir, json),
        Command::Health { source, json, gate } => {
            health::run(links, source.as_deref(), json, &gate.policy())
        }
        Command::Check {
            source,
            to,
            json,
            gate,
        } => check::run(links, &source, &to, json, gate.policy()),
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
        Command::Guard { action } => Ok(guard::run(action)),
        op => operate::run(links, op),
    }
}
