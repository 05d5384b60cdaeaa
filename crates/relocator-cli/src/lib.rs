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

/// Parses `args` and runs the command; returns the process exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> ExitCode {
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
    let code = match commands::dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    };
    scenario.teardown();
    code
}
