//! `move`, `revert`, `retarget`, `recover`, `adopt`: the operations that
//! change things. Without `--yes` they show the plan and ask first.

use std::io::{BufRead as _, Write as _};
use std::path::Path;
use std::process::ExitCode;

use relocator::checks::{self, Preflight};
use relocator::relocate::{self, Context, Options, Outcome};
use relocator::units::format_bytes;
use relocator::{Cancel, Error, ProgressSink, link, processes};
use serde_json::json;

use super::check::problem_json;
use crate::args::{Command, VerifyArg};
use crate::output::{JsonProgress, TerminalProgress, json_line};

pub fn run(command: Command) -> relocator::Result<ExitCode> {
    let json = match &command {
        Command::Move { common, .. }
        | Command::Revert { common, .. }
        | Command::Retarget { common, .. } => common.json,
        Command::Recover { json, .. } | Command::Adopt { json, .. } => *json,
        _ => false,
    };
    let terminal = TerminalProgress::new();
    let progress: &dyn ProgressSink = if json { &JsonProgress } else { &terminal };
    let links = link::platform_link();
    let cancel = Cancel::new();
    let ctx = Context {
        links: links.as_ref(),
        progress,
        cancel: &cancel,
        sync_apps: processes::running_sync_processes(),
    };
    let result = match command {
        Command::Move { source, to, common } => {
            if !common.yes && !confirm_move(&ctx, &source, &to)? {
                return Ok(declined());
            }
            relocate::move_backups(&ctx, &source, &to, options(common.verify, false))
        }
        Command::Revert {
            source,
            keep_target,
            common,
        } => {
            if !common.yes && !confirm_revert(&ctx, &source)? {
                return Ok(declined());
            }
            relocate::revert(&ctx, &source, options(common.verify, keep_target))
        }
        Command::Retarget {
            source,
            to,
            keep_old,
            common,
        } => {
            if !common.yes && !confirm_retarget(&ctx, &source, &to)? {
                return Ok(declined());
            }
            relocate::retarget(&ctx, &source, &to, options(common.verify, keep_old))
        }
        Command::Recover { source, .. } => {
            let r = relocate::recover(&ctx, &source);
            return Ok(match r {
                Ok(recovery) => {
                    if json {
                        json_line(
                            &json!({ "ok": true, "recovery": recovery, "message": recovery.message() }),
                        );
                    } else {
                        println!("{}", recovery.message());
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => failure(&e, json),
            });
        }
        Command::Adopt { source, from, .. } => relocate::adopt(&ctx, &source, &from),
        Command::Status { .. }
        | Command::Scan { .. }
        | Command::Check { .. }
        | Command::Copy { .. }
        | Command::Sample { .. } => {
            unreachable!("dispatched elsewhere")
        }
    };
    Ok(match result {
        Ok(outcome) => success(&outcome, json),
        Err(e) => failure(&e, json),
    })
}

fn options(verify: VerifyArg, keep_previous: bool) -> Options {
    Options {
        verify: verify.into(),
        keep_previous,
    }
}

fn success(o: &Outcome, json: bool) -> ExitCode {
    if json {
        json_line(&json!({ "ok": true, "outcome": o }));
    } else {
        crate::output::clear_line();
        let what = match o.operation {
            "move" => format!(
                "Moved {} in {} files to {}. {} now links there.",
                format_bytes(o.bytes),
                o.files,
                o.backups_at.display(),
                o.source.display()
            ),
            "revert" => format!(
                "Moved {} in {} files back to {}.",
                format_bytes(o.bytes),
                o.files,
                o.backups_at.display()
            ),
            "retarget" => format!(
                "Moved {} in {} files to {}; {} now links there.",
                format_bytes(o.bytes),
                o.files,
                o.backups_at.display(),
                o.source.display()
            ),
            _ => format!(
                "{} now links to {}.",
                o.source.display(),
                o.backups_at.display()
            ),
        };
        println!("{what}");
        for n in &o.notes {
            println!("{n}");
        }
    }
    ExitCode::SUCCESS
}

fn failure(e: &Error, json: bool) -> ExitCode {
    if json {
        let problems = match e {
            Error::Refused(p) => p.iter().map(problem_json).collect(),
            _ => Vec::new(),
        };
        json_line(&json!({ "ok": false, "error": e.to_string(), "problems": problems }));
    } else {
        crate::output::clear_line();
        match e {
            Error::Refused(problems) => {
                for p in problems.iter().filter(|p| p.is_blocking()) {
                    eprintln!("{}", p.message());
                }
                eprintln!("Nothing was changed.");
            }
            other => eprintln!("{other}"),
        }
    }
    ExitCode::from(1)
}

fn declined() -> ExitCode {
    eprintln!("Nothing was changed.");
    ExitCode::from(1)
}

fn ask(question: &str) -> bool {
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

fn show_warnings(pre: &Preflight) {
    for p in pre.problems.iter().filter(|p| !p.is_blocking()) {
        eprintln!("Note: {}", p.message());
    }
}

fn confirm_move(ctx: &Context<'_>, source: &Path, to: &Path) -> relocator::Result<bool> {
    let pre = checks::check_move(
        source,
        to,
        ctx.links,
        &ctx.sync_apps,
        ctx.progress,
        &Cancel::new(),
    )?
    .into_result()?;
    crate::output::clear_line();
    show_warnings(&pre);
    Ok(ask(&format!(
        "Copy {} of backups to {}, check the copy, then leave a link in their old place?",
        format_bytes(pre.source.bytes),
        to.join("Backup").display()
    )))
}

fn confirm_revert(ctx: &Context<'_>, source: &Path) -> relocator::Result<bool> {
    let (pre, target) = checks::check_revert(
        source,
        ctx.links,
        &ctx.sync_apps,
        ctx.progress,
        &Cancel::new(),
    )?;
    let pre = pre.into_result()?;
    crate::output::clear_line();
    Ok(ask(&format!(
        "Copy {} of backups from {} back to {}?",
        format_bytes(pre.source.bytes),
        target.unwrap_or_default().display(),
        source.display()
    )))
}

fn confirm_retarget(ctx: &Context<'_>, source: &Path, to: &Path) -> relocator::Result<bool> {
    let (pre, target) = checks::check_retarget(
        source,
        to,
        ctx.links,
        &ctx.sync_apps,
        ctx.progress,
        &Cancel::new(),
    )?;
    let pre = pre.into_result()?;
    crate::output::clear_line();
    show_warnings(&pre);
    Ok(ask(&format!(
        "Copy {} of backups from {} to {}, then point the link there?",
        format_bytes(pre.source.bytes),
        target.unwrap_or_default().display(),
        to.join("Backup").display()
    )))
}
