//! The command line of Backup Relocator: `status`, `scan`, `check`, `move`,
//! `revert`, `retarget`, `recover`, `adopt`, and `sample` to make a
//! realistic test backup. Exit codes: 0 success, 1 refusal or failure (with
//! the data safe and a sentence saying where), 2 usage errors.

mod args;
mod commands;
mod output;
mod signals;
mod words;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser as _;

pub use args::Cli;

/// Parses `args` and runs the command with the platform's links; returns
/// the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    run_with_links(args, relocator::link::platform_link().as_ref())
}

/// [`run`], making and reading links with `links` (the tests under Wine
/// pass a stand-in: Wine 8 cannot make junctions).
pub fn run_with_links(
    args: impl IntoIterator<Item = OsString>,
    links: &dyn relocator::link::FolderLink,
) -> ExitCode {
    signals::install();
    // Crash points for the tests (a no-op unless built with `failpoints` and FAILPOINTS is set).
    let scenario = fail::FailScenario::setup();
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let code = match commands::dispatch(cli, links) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    };
    scenario.teardown();
    code
}
