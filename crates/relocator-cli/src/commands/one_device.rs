//! `archive` and `bring-back`: one device's backup taken out of the backup
//! folder and kept on a drive, and brought back (issue 21).

use std::process::ExitCode;

use relocator::relocate::{self, Outcome};
use relocator::{Context, names};

use super::operate::{asked, options};
use crate::args::Command;

/// Asks (unless told yes), then runs the archive or the bring-back;
/// `Err` is the exit code when the person says no.
pub fn run(
    ctx: &Context<'_>,
    command: Command,
    json: bool,
) -> Result<relocator::Result<Outcome>, ExitCode> {
    match command {
        Command::Archive {
            source,
            device,
            to,
            common,
        } => {
            let question = format!(
                "Copy the backup of {device} to {}, check it, then take it out of {}?",
                names::archive_folder(&to).display(),
                source.display()
            );
            if let Some(code) = asked(&question, &source, &common, json) {
                return Err(code);
            }
            let options = options(common.verify, false);
            Ok(relocate::archive(ctx, &source, &device, &to, options))
        }
        Command::BringBack {
            source,
            from,
            common,
        } => {
            let question = format!(
                "Copy {} back into {}, check it, then remove the archived copy?",
                from.display(),
                source.display()
            );
            if let Some(code) = asked(&question, &source, &common, json) {
                return Err(code);
            }
            let options = options(common.verify, false);
            Ok(relocate::bring_back(ctx, &source, &from, options))
        }
        _ => unreachable!("dispatched elsewhere"),
    }
}
