//! `move`, `revert`, `retarget`, `recover`, `adopt`, `take-over`,
//! `forget-drive`: the operations that change things. Without `--yes` the
//! moves and `forget-drive` show what they will do and ask first.

use std::io::{BufRead as _, Write as _};
use std::path::Path;
use std::process::ExitCode;

use relocator::Severity;
use relocator::checks::{self, Preflight};
use relocator::freshness::Policy;
use relocator::relocate::{self, Options, Outcome, Recovery};
use relocator::tracker::Outline;
use relocator::units::{count_of, format_bytes};
use relocator::{Context, Error, Operation, ProgressSink, journal, link, processes, stored_path};
use serde_json::json;

use super::check::problem_json;
use crate::args::{Command, VerifyArg};
use crate::output::{JsonProgress, TerminalProgress, json_line};
use crate::signals::{self, OnStop};

pub fn run(links: &dyn link::FolderLink, command: Command) -> relocator::Result<ExitCode> {
    let (json, source, policy) = basics(&command);
    let terminal = TerminalProgress::new(outline(&command));
    let progress: &dyn ProgressSink = if json { &JsonProgress } else { &terminal };
    let cancel = signals::from_now(on_stop_before_starting(&command));
    let operating = || {
        signals::from_now(OnStop::Cancel);
    };
    let ctx = Context {
        links,
        progress,
        cancel: &cancel,
        sync_apps: processes::running_sync_processes(),
        policy,
    };
    let result = match command {
        Command::Move { source, to, common } => {
            let moving = (Operation::Move, Some(to.as_path()));
            match confirmed(&ctx, moving, &source, &common, json) {
                Some(code) => return Ok(code),
                None => relocate::move_backups(&ctx, &source, &to, options(common.verify, false)),
            }
        }
        command @ (Command::Archive { .. } | Command::BringBack { .. }) => {
            match super::one_device::run(&ctx, command, json) {
                Ok(result) => result,
                Err(code) => return Ok(code),
            }
        }
        Command::Merge { source, to, common } => match merge_into(&source, to, &common, json) {
            Ok(copy) => {
                operating();
                relocate::merge(&ctx, &source, &copy, options(common.verify, false))
            }
            Err(code) => return Ok(code),
        },
        Command::Revert {
            source,
            keep_target,
            common,
        } => match confirmed(&ctx, (Operation::Revert, None), &source, &common, json) {
            Some(code) => return Ok(code),
            None => relocate::revert(&ctx, &source, options(common.verify, keep_target)),
        },
        Command::Retarget {
            source,
            to,
            keep_old,
            common,
        } => {
            let moving = (Operation::Retarget, Some(to.as_path()));
            match confirmed(&ctx, moving, &source, &common, json) {
                Some(code) => return Ok(code),
                None => relocate::retarget(&ctx, &source, &to, options(common.verify, keep_old)),
            }
        }
        Command::Recover { source, .. } => {
            return Ok(match relocate::recover(&ctx, &source) {
                Ok(recovery) => {
                    // A move back finished by recovery is a move back.
                    if let relocate::Recovered::Completed {
                        operation: Operation::Revert,
                        ..
                    } = recovery.outcome
                    {
                        super::guard::moved_back(&source);
                    }
                    recovered(&recovery, json)
                }
                Err(e) => failure(&e, &source, json),
            });
        }
        Command::ForgetDrive { source, yes, .. } => {
            return Ok(forget_drive(&ctx, &source, yes, json));
        }
        Command::TakeOver { source, .. } => {
            operating();
            relocate::take_over(&ctx, &source)
        }
        Command::SetAsideRecord { source, .. } => {
            return Ok(match relocate::set_aside_record(&source, ctx.links) {
                Ok(aside) => record_set_aside(&source, &aside, json),
                Err(e) => failure(&e, &source, json),
            });
        }
        Command::Adopt { source, from, .. } => {
            operating();
            relocate::adopt(&ctx, &source, &from)
        }
        Command::Relink {
            source, to, yes, ..
        } => match relink_to(&ctx, &source, to, yes, json)? {
            Ok(to) => {
                operating();
                relocate::relink(&ctx, &source, &to)
            }
            Err(code) => return Ok(code),
        },
        _ => unreachable!("dispatched elsewhere"),
    };
    Ok(ended(&result, &source, cancel.is_cancelled(), json))
}

/// What every operation command has: JSON or not, its backup folder, and
/// the finishing gate's rules.
fn basics(command: &Command) -> (bool, std::path::PathBuf, Policy) {
    match command {
        Command::Move { common, source, .. }
        | Command::Merge { common, source, .. }
        | Command::Archive { common, source, .. }
        | Command::BringBack { common, source, .. }
        | Command::Revert { common, source, .. }
        | Command::Retarget { common, source, .. } => {
            (common.json, source.clone(), common.gate.policy())
        }
        Command::Recover { json, source }
        | Command::ForgetDrive { json, source, .. }
        | Command::TakeOver { json, source }
        | Command::Relink { json, source, .. }
        | Command::Adopt { json, source, .. }
        | Command::SetAsideRecord { json, source } => (*json, source.clone(), Policy::default()),
        _ => unreachable!("dispatched elsewhere"),
    }
}

/// Says how an operation on `source` ended; after a move back, the guard
/// forgets the folder.
fn ended(
    result: &relocator::Result<Outcome>,
    source: &Path,
    stop_came_late: bool,
    json: bool,
) -> ExitCode {
    match result {
        Ok(outcome) => {
            if outcome.operation == Operation::Revert {
                super::guard::moved_back(&outcome.source);
            }
            success(outcome, stop_came_late, json)
        }
        Err(e) => failure(e, source, json),
    }
}

/// Where `merge` brings the new backups: `--to`, or our copy of the folder
/// found on a connected drive, once the person agreed; `Err` is the exit
/// code when there is none or the person says no.
fn merge_into(
    source: &Path,
    to: Option<std::path::PathBuf>,
    common: &crate::args::RunArgs,
    json: bool,
) -> Result<std::path::PathBuf, ExitCode> {
    let copy = match to {
        Some(to) => to,
        None => match relocate::merge_candidates(source).as_slice() {
            [one] => one.clone(),
            [] => {
                let none = relocator::Problem::NoCopyFound {
                    source: source.to_owned(),
                };
                return Err(failure(&Error::Refused(vec![none]), source, json));
            }
            several => {
                eprintln!(
                    "Copies of these backups are in more than one place; choose one with --to:"
                );
                for c in several {
                    eprintln!("  {}", c.display());
                }
                return Err(ExitCode::FAILURE);
            }
        },
    };
    let question = format!(
        "Bring the new backups in {} to {}, checking each device's copy, then put the link back? Nothing on the drive is overwritten.",
        source.display(),
        copy.display()
    );
    match asked(&question, source, common, json) {
        Some(code) => Err(code),
        None => Ok(copy),
    }
}

/// Asks `question` unless told yes: `None` to go ahead (a stop from now
/// on cancels it), or how the run ends.
pub(super) fn asked(
    question: &str,
    source: &Path,
    common: &crate::args::RunArgs,
    json: bool,
) -> Option<ExitCode> {
    let answer = Ok(common.yes || json || ask(question));
    let stop = stop_unless_confirmed(answer, source, json);
    if stop.is_none() {
        signals::from_now(OnStop::Cancel);
    }
    stop
}

/// Where `relink` points the link: `--to`, or the one place the backups
/// were found; `Err` is the exit code when there is no single place or the
/// user says no.
fn relink_to(
    ctx: &Context<'_>,
    source: &Path,
    to: Option<std::path::PathBuf>,
    yes: bool,
    json: bool,
) -> relocator::Result<Result<std::path::PathBuf, ExitCode>> {
    let to = match to {
        Some(to) => to,
        None => match relocate::relink_candidates(source, ctx.links)?.as_slice() {
            [one] => one.clone(),
            [] => {
                let none = relocator::Problem::NoCopyFound {
                    source: source.to_owned(),
                };
                return Ok(Err(failure(&Error::Refused(vec![none]), source, json)));
            }
            several => {
                eprintln!("The backups are in more than one place; choose one with --to:");
                for p in several {
                    eprintln!("  {}", p.display());
                }
                return Ok(Err(ExitCode::from(1)));
            }
        },
    };
    if !yes && !ask(&format!("Point {} at {}?", source.display(), to.display())) {
        return Ok(Err(declined()));
    }
    Ok(Ok(to))
}

/// What a stop request does until the operation starts. While the
/// question is asked nothing has changed: a stop ends the program. With
/// `--yes` the operation is agreed to from the start: a stop during its
/// checks cancels it, as one during the copy does. Recovery is never
/// interrupted.
fn on_stop_before_starting(command: &Command) -> OnStop {
    match command {
        Command::Recover { .. }
        | Command::SetAsideRecord { .. }
        | Command::ForgetDrive { yes: true, .. } => OnStop::Finish,
        Command::Move { common, .. }
        | Command::Merge { common, .. }
        | Command::Archive { common, .. }
        | Command::BringBack { common, .. }
        | Command::Revert { common, .. }
        | Command::Retarget { common, .. }
            if common.yes =>
        {
            OnStop::Cancel
        }
        _ => OnStop::Exit,
    }
}

/// What the command will do, as far as its arguments say: a copy (a
/// rename on the same drive shows as no copy once it happens), checked as
/// asked, the old place freed unless it is kept.
fn outline(command: &Command) -> Outline {
    let (verify, keeps) = match command {
        Command::Move { common, .. } => (common.verify, false),
        Command::Revert {
            common,
            keep_target,
            ..
        } => (common.verify, *keep_target),
        Command::Retarget {
            common, keep_old, ..
        } => (common.verify, *keep_old),
        _ => return Outline::default(),
    };
    Outline {
        copies: true,
        verify_full: matches!(verify, VerifyArg::Full),
        frees: !keeps,
        ..Outline::default()
    }
}

pub(super) fn options(verify: VerifyArg, keep_previous: bool) -> Options {
    Options {
        verify: verify.into(),
        keep_previous,
    }
}

fn success(o: &Outcome, stop_came_late: bool, json: bool) -> ExitCode {
    if json {
        json_line(&json!({ "ok": true, "outcome": o }));
        return ExitCode::SUCCESS;
    }
    crate::output::clear_line();
    let what = match o.operation {
        Operation::Move | Operation::Retarget | Operation::Revert => {
            let moved = format!(
                "Moved {} in {}",
                format_bytes(o.bytes),
                count_of(o.files, "file", "files")
            );
            if o.operation == Operation::Revert {
                format!("{moved} back to {}.", o.backups_at.display())
            } else {
                format!(
                    "{moved} to {}. {} now links there.",
                    o.backups_at.display(),
                    o.source.display()
                )
            }
        }
        Operation::Relink => format!(
            "{} links to {} again.",
            o.source.display(),
            o.backups_at.display()
        ),
        Operation::Adopt => format!(
            "{} now links to {}.",
            o.source.display(),
            o.backups_at.display()
        ),
        Operation::Archive => format!(
            "Archived {} in {} to {} and checked it: it is out of {}. Bring it back with bring-back --from \"{}\".",
            format_bytes(o.bytes),
            count_of(o.files, "file", "files"),
            o.backups_at.display(),
            o.source.display(),
            o.backups_at.display()
        ),
        Operation::BringBack => format!(
            "Brought {} in {} back to {} and checked it; the archived copy was removed.",
            format_bytes(o.bytes),
            count_of(o.files, "file", "files"),
            o.backups_at.display()
        ),
        Operation::Merge => format!(
            "Brought {} in {} to {} and checked them. {} links there again.",
            format_bytes(o.bytes),
            count_of(o.files, "file", "files"),
            o.backups_at.display(),
            o.source.display()
        ),
        Operation::TakeOver => format!(
            "Backup Relocator now manages the backups at {} ({} in {}, every file read): move them back or on whenever you like.",
            o.backups_at.display(),
            format_bytes(o.bytes),
            count_of(o.files, "file", "files")
        ),
    };
    println!("{what}");
    if stop_came_late {
        println!(
            "The stop request came after the backups had been switched over, so this was finished instead of undone."
        );
    }
    for n in &o.notes {
        println!("{n}");
    }
    ExitCode::SUCCESS
}

/// Recovery's result; exit 1 when it could not act (the drive is away).
fn recovered(recovery: &Recovery, json: bool) -> ExitCode {
    if json {
        json_line(&json!({
            "ok": recovery.is_settled(),
            "recovery": recovery,
            "message": recovery.message(),
        }));
    } else {
        crate::output::clear_line();
        println!("{}", recovery.message());
    }
    if recovery.is_settled() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// `forget-drive`: says what it will do, asks (unless `yes`), does it.
fn forget_drive(ctx: &Context<'_>, source: &Path, yes: bool, json: bool) -> ExitCode {
    if !yes {
        // Refused below, in the core's words, when there is no such drive.
        if let Some(relocate::DriveNeeded {
            drive_folder,
            whole_without_it: Some(whole),
        }) = relocate::drive_needed(source)
        {
            println!(
                "The interrupted operation waits for {} ({}). Without it, your backups are whole in {}: the operation is undone there, and what Backup Relocator left on that drive is removed should it ever be connected again.",
                relocator::locations::drive_name_in(&drive_folder),
                drive_folder.display(),
                whole.display()
            );
            if !ask("Is that drive gone for good?") {
                return declined();
            }
        }
        // Agreed to: from here a stop lets it finish.
        signals::from_now(OnStop::Finish);
    }
    match relocate::forget_drive(ctx, source) {
        Ok(forgotten) => {
            if json {
                json_line(&json!({
                    "ok": true,
                    "forgotten": forgotten,
                    "message": forgotten.message(),
                }));
            } else {
                println!("{}", forgotten.message());
            }
            ExitCode::SUCCESS
        }
        Err(e) => failure(&e, source, json),
    }
}

fn record_set_aside(source: &Path, aside: &Path, json: bool) -> ExitCode {
    if json {
        json_line(&json!({
            "ok": true,
            "record_set_aside_as": stored_path::as_value(aside),
        }));
    } else {
        println!(
            "The damaged record was set aside as {}. The backups at {} can be used again.",
            aside.display(),
            source.display()
        );
    }
    ExitCode::SUCCESS
}

fn failure(e: &Error, source: &Path, json: bool) -> ExitCode {
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
                    if let Some(hint) = crate::words::problem_hint(p, source) {
                        eprintln!("{hint}");
                    }
                }
                eprintln!("Nothing was changed.");
            }
            other => {
                let kind = relocator::failure::Failure::of(other);
                if let Some(lead) = crate::words::failure_lead(&kind) {
                    eprintln!("{lead}");
                }
                eprintln!("{}", sentence(&other.to_string()));
                if let Some(hint) = crate::words::failure_hint(&kind, source) {
                    eprintln!("{hint}");
                }
            }
        }
    }
    ExitCode::from(1)
}

/// A message as a sentence: ends with a full stop.
fn sentence(text: &str) -> String {
    if text.ends_with(['.', '?', '!']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
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
        let tag = if p.severity() == Severity::Warning {
            "Warning"
        } else {
            "Note"
        };
        eprintln!("{tag}: {}", p.message());
    }
}

/// `None` to go ahead; otherwise how the run ends: declined, or refused
/// by the checks (each blocking reason said with its way on).
fn stop_unless_confirmed(
    answer: relocator::Result<bool>,
    source: &Path,
    json: bool,
) -> Option<ExitCode> {
    match answer {
        Ok(true) => None,
        Ok(false) => Some(declined()),
        Err(e) => Some(failure(&e, source, json)),
    }
}

/// Checks the plan (unless another operation is working on the folder),
/// shows its warnings and notes, then asks the plan's question. With
/// `--yes` it goes ahead without asking, the warnings accepted but said all
/// the same; with `--yes --json` the operation's own checks are the only ones.
fn confirm(
    source: &Path,
    yes: bool,
    json: bool,
    plan: impl FnOnce() -> relocator::Result<(Preflight, String)>,
) -> relocator::Result<bool> {
    if yes && json {
        return Ok(true);
    }
    journal::Lock::ensure_free(source)?;
    let (pre, question) = plan()?;
    crate::output::clear_line();
    show_warnings(&pre);
    Ok(yes || ask(&question))
}

/// Asks before `operation` on `source` (to `to`, for a move and a move
/// on): `None` to go ahead (a stop from now on cancels it), or how the run
/// ends (declined, refused).
fn confirmed(
    ctx: &Context<'_>,
    (operation, to): (Operation, Option<&Path>),
    source: &Path,
    common: &crate::args::RunArgs,
    json: bool,
) -> Option<ExitCode> {
    let answer = confirm_operation(ctx, operation, source, to, (common.yes, json));
    let stop = stop_unless_confirmed(answer, source, json);
    if stop.is_none() {
        signals::from_now(OnStop::Cancel);
    }
    stop
}

/// The checks and the question before `operation` on `source` (to `to`,
/// for a move and a move on).
fn confirm_operation(
    ctx: &Context<'_>,
    operation: Operation,
    source: &Path,
    to: Option<&Path>,
    (yes, json): (bool, bool),
) -> relocator::Result<bool> {
    confirm(source, yes, json, || {
        let (pre, from) = match (operation, to) {
            (Operation::Move, Some(to)) => (checks::check_move(ctx, source, to)?, None),
            (Operation::Retarget, Some(to)) => checks::check_retarget(ctx, source, to)?,
            _ => checks::check_revert(ctx, source)?,
        };
        let pre = pre.into_result()?;
        let size = format_bytes(pre.source.bytes);
        let from = from.unwrap_or_default();
        let question = match (operation, to) {
            (Operation::Move, Some(to)) => format!(
                "Copy {size} of backups to {}, check the copy, then leave a link in their old place?",
                to.join("Backup").display()
            ),
            (Operation::Retarget, Some(to)) => format!(
                "Copy {size} of backups from {} to {}, then point the link there?",
                from.display(),
                to.join("Backup").display()
            ),
            _ => format!(
                "Copy {size} of backups from {} back to {}?",
                from.display(),
                source.display()
            ),
        };
        Ok((pre, question))
    })
}
