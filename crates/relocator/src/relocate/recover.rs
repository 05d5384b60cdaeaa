//! **recover**: reads the journal a crash left and brings everything to a
//! consistent state. Before the copy was published the partial copy is
//! deleted (only if its marker is ours) and the original was never touched;
//! after, the operation is finished. Every action is idempotent, so running
//! recovery twice is harmless. A missing drive changes nothing.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::journal::{self, Journal, Lock, Step};
use crate::operation::Operation;
use crate::progress::{Phase, Progress};

use super::leftovers::Tidied;
use super::steps::{self, exists, is_real_dir};
use super::{Context, absolute, archive, merge, move_out, relink, retarget, revert};

/// What recovery found and did: with the interrupted operation, the
/// copies of ours it removed (see `relocate::leftovers`) and what a person
/// should know (an old copy kept, and why).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Recovery {
    /// What became of the interrupted operation.
    #[serde(flatten)]
    pub outcome: Recovered,
    /// Copies of ours removed, and those waiting for their drive.
    pub tidied: Tidied,
    /// Things the user should know, in plain sentences.
    pub notes: Vec<String>,
}

/// What became of the interrupted operation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Recovered {
    /// No interrupted operation.
    NothingToDo,
    /// The operation was undone: the backups are where they were before it.
    RolledBack {
        /// Which operation.
        operation: Operation,
        /// Where the backups are.
        #[serde(with = "crate::stored_path")]
        backups_at: PathBuf,
    },
    /// The operation was finished.
    Completed {
        /// Which operation.
        operation: Operation,
        /// Where the backups are.
        #[serde(with = "crate::stored_path")]
        backups_at: PathBuf,
    },
    /// The drive is not connected: nothing was changed, and recovery could
    /// not act (the journal stays for when the drive is back, or until the
    /// person says it is gone for good: see [`super::forget_drive`]).
    DriveMissing {
        /// Which operation.
        operation: Operation,
        /// The folder on the drive that is missing.
        #[serde(with = "crate::stored_path")]
        drive_folder: PathBuf,
        /// Where the backups are safe meanwhile.
        #[serde(with = "crate::stored_path")]
        backups_at: PathBuf,
    },
}

impl Recovery {
    fn of(outcome: Recovered) -> Self {
        Self {
            outcome,
            tidied: Tidied::default(),
            notes: Vec::new(),
        }
    }

    fn completed(operation: Operation, backups_at: PathBuf, notes: Vec<String>) -> Self {
        Self {
            notes,
            ..Self::of(Recovered::Completed {
                operation,
                backups_at,
            })
        }
    }

    /// Whether recovery brought everything to a consistent state (it could act).
    #[must_use]
    pub fn is_settled(&self) -> bool {
        !matches!(self.outcome, Recovered::DriveMissing { .. })
    }

    /// A few plain sentences for the user: what became of the operation,
    /// what was removed, what was kept and why.
    #[must_use]
    pub fn message(&self) -> String {
        let mut sentences = vec![self.outcome.message()];
        if matches!(self.outcome, Recovered::NothingToDo) && !self.tidied.removed.is_empty() {
            sentences.clear();
        }
        for removed in &self.tidied.removed {
            sentences.push(format!(
                "Removed a copy Backup Relocator had not finished or was deleting: {} ({} freed).",
                removed.path.display(),
                crate::units::format_bytes(removed.bytes)
            ));
        }
        for kept in &self.tidied.kept {
            sentences.push(format!(
                "A copy Backup Relocator left was kept at {}: {}.",
                kept.path.display(),
                kept.why.trim_end_matches('.')
            ));
        }
        for waiting in &self.tidied.waiting {
            sentences.push(format!(
                "A copy Backup Relocator did not finish is on {}, which is not connected: {} will be removed once it is.",
                crate::locations::drive_name_in(waiting),
                waiting.display()
            ));
        }
        sentences.extend(self.notes.iter().cloned());
        sentences.join(" ")
    }
}

impl Recovered {
    /// One or two plain sentences about the interrupted operation.
    #[must_use]
    pub fn message(&self) -> String {
        match self {
            Recovered::NothingToDo => "Nothing was interrupted.".to_owned(),
            Recovered::RolledBack {
                operation,
                backups_at,
            } => format!(
                "An interrupted {} was undone. Your backups are safe in {}.",
                operation.noun(),
                crate::names::described(backups_at)
            ),
            Recovered::Completed {
                operation,
                backups_at,
            } => format!(
                "An interrupted {} was finished. Your backups are in {}.",
                operation.noun(),
                backups_at.display()
            ),
            Recovered::DriveMissing {
                operation,
                drive_folder,
                backups_at,
            } => format!(
                "An interrupted {} needs the drive holding {}, which is not connected. Nothing was changed: your backups are safe in {}. Connect the drive, then recover again.",
                operation.noun(),
                drive_folder.display(),
                crate::names::described(backups_at)
            ),
        }
    }
}

/// Finishes or undoes the interrupted operation on `source`, if any, then
/// removes the copies of ours left on connected drives.
pub fn recover(ctx: &Context<'_>, source: &Path) -> Result<Recovery> {
    let source = absolute(source)?;
    let _lock = Lock::acquire(&source)?;
    // Off the plan of any operation: no time left is promised.
    ctx.progress.report(Progress::Phase {
        phase: Phase::Recovering,
    });
    let mut recovery = match journal::load(&source)? {
        Some(mut j) => recover_journal(ctx, &source, &mut j)?,
        None => Recovery::of(Recovered::NothingToDo),
    };
    if recovery.is_settled() {
        // A record still there (an undo that could not finish) keeps its places.
        let named = journal::load(&source)
            .ok()
            .flatten()
            .map(|j| j.places())
            .unwrap_or_default();
        recovery.tidied = super::leftovers::tidy(&source, &named, ctx.links, ctx.progress)?;
    }
    Ok(recovery)
}

/// Finishes or undoes the operation the journal `j` records.
fn recover_journal(ctx: &Context<'_>, source: &Path, j: &mut Journal) -> Result<Recovery> {
    crate::record_check::check_journal(j, source)?;
    let operation = j.operation;
    if operation == Operation::Archive
        && j.step == Step::SettingAside
        && !j.rolling_back
        && missing_drive_folder(j).is_some()
    {
        // The archive's drive left before the device's folder was deleted:
        // that folder goes back in its place (nothing is deleted).
        archive::put_back_without_its_drive(j)?;
        return Ok(Recovery::of(Recovered::RolledBack {
            operation,
            backups_at: j.previous.clone().unwrap_or_default(),
        }));
    }
    if let Some(missing) = missing_drive_folder(j) {
        let Some(safe) = safe_place(j) else {
            return Err(nowhere(j));
        };
        return Ok(Recovery::of(Recovered::DriveMissing {
            operation,
            drive_folder: missing,
            backups_at: safe.to_owned(),
        }));
    }
    if j.rolling_back
        && !matches!(
            j.operation,
            Operation::Relink | Operation::Adopt | Operation::TakeOver
        )
    {
        return finish_undo(ctx, j);
    }
    let result = match j.operation {
        Operation::Move => recover_move(ctx, j),
        Operation::Merge => recover_merge(ctx, j),
        Operation::Archive | Operation::BringBack => recover_archive(ctx, j),
        Operation::Revert => recover_revert(ctx, j),
        Operation::Retarget => recover_retarget(ctx, j),
        Operation::Relink | Operation::Adopt | Operation::TakeOver => {
            relink::finish(ctx, j).map(|()| {
                Recovery::of(Recovered::Completed {
                    operation,
                    backups_at: j.target.clone(),
                })
            })
        }
    };
    match result {
        Ok(r) => Ok(r),
        // A late change to the original makes the finishing step undo the move.
        Err(Error::Interrupted { cause, safe_at })
            if matches!(
                *cause,
                Error::ChangedDuringCopy { .. } | Error::Mismatch { .. }
            ) =>
        {
            Ok(Recovery::of(Recovered::RolledBack {
                operation,
                backups_at: safe_at,
            }))
        }
        Err(e) => Err(e),
    }
}

/// Finishes an undo a crash cut short: its steps again (each idempotent),
/// never the operation, which would publish or link a half-deleted copy.
fn finish_undo(ctx: &Context<'_>, j: &Journal) -> Result<Recovery> {
    ctx.progress.report(Progress::Phase {
        phase: Phase::RollingBack,
    });
    let previous = j.previous.clone().unwrap_or_default();
    let backups_at = match j.operation {
        Operation::Move => {
            if let Some(in_the_way) = move_out::new_folder_in_the_way(ctx, j) {
                return Err(in_the_way);
            }
            move_out::roll_back(ctx, j)?;
            j.source.clone()
        }
        Operation::Merge => {
            merge::roll_back(ctx, j)?;
            j.source.clone()
        }
        Operation::Archive => {
            archive::roll_back_archive(ctx, j)?;
            j.previous.clone().unwrap_or_default()
        }
        Operation::BringBack => {
            // A bring-back is never undone past its copy: roll the copy back.
            roll_back_copy(ctx, j)?;
            j.previous.clone().unwrap_or_default()
        }
        Operation::Revert => {
            revert::roll_back(ctx, j, &previous)?;
            previous
        }
        Operation::Retarget | Operation::Relink | Operation::Adopt | Operation::TakeOver => {
            retarget::roll_back(ctx, j, &previous)?;
            previous
        }
    };
    Ok(Recovery::of(Recovered::RolledBack {
        operation: j.operation,
        backups_at,
    }))
}

/// None of the places the journal names holds the backups: say so, with
/// every place it names, instead of calling one of them safe.
fn nowhere(j: &Journal) -> Error {
    let mut named = j.places();
    named.sort();
    named.dedup();
    Error::BackupsNotFound {
        journal: j.path(),
        looked: named,
    }
}

fn recover_move(ctx: &Context<'_>, j: &mut Journal) -> Result<Recovery> {
    let operation = Operation::Move;
    match j.step {
        Step::Copying => {
            roll_back_copy(ctx, j)?;
            Ok(Recovery::of(Recovered::RolledBack {
                operation,
                backups_at: j.source.clone(),
            }))
        }
        Step::Renaming if is_real_dir(&j.source) && !exists(&j.target) => {
            j.finish()?;
            Ok(Recovery::of(Recovered::RolledBack {
                operation,
                backups_at: j.source.clone(),
            }))
        }
        _ => {
            move_out::finish(ctx, j)?;
            Ok(Recovery::of(Recovered::Completed {
                operation,
                backups_at: j.target.clone(),
            }))
        }
    }
}

fn recover_merge(ctx: &Context<'_>, j: &mut Journal) -> Result<Recovery> {
    let operation = Operation::Merge;
    if j.step == Step::Copying {
        roll_back_copy(ctx, j)?;
        return Ok(Recovery::of(Recovered::RolledBack {
            operation,
            backups_at: j.source.clone(),
        }));
    }
    let notes = merge::finish(ctx, j)?;
    Ok(Recovery::completed(operation, j.target.clone(), notes))
}

/// An archive or a bring-back: undone before its copy was published
/// (the device's backup is where it was), finished after.
fn recover_archive(ctx: &Context<'_>, j: &mut Journal) -> Result<Recovery> {
    let operation = j.operation;
    let was_at = j.previous.clone().unwrap_or_default();
    if j.step == Step::Copying {
        roll_back_copy(ctx, j)?;
        return Ok(Recovery::of(Recovered::RolledBack {
            operation,
            backups_at: was_at,
        }));
    }
    if operation == Operation::Archive {
        archive::finish_archive(ctx, j)?;
    } else if let Err(e) = archive::finish_bring_back(ctx, j) {
        // A new backup of the device appeared: the copy went, the archive
        // stays, and that is a consistent end, said as such.
        return match e {
            Error::Refused(problems) => Ok(Recovery {
                notes: problems.iter().map(crate::Problem::message).collect(),
                ..Recovery::of(Recovered::RolledBack {
                    operation,
                    backups_at: was_at,
                })
            }),
            other => Err(other),
        };
    }
    Ok(Recovery::completed(operation, j.target.clone(), Vec::new()))
}

fn recover_revert(ctx: &Context<'_>, j: &mut Journal) -> Result<Recovery> {
    let operation = Operation::Revert;
    let previous = j.previous.clone().unwrap_or_default();
    if j.step == Step::Copying {
        return back_on_the_old_copy(ctx, j, &previous);
    }
    let notes = revert::finish(ctx, j)?;
    Ok(Recovery::completed(operation, j.source.clone(), notes))
}

/// A move back or a move on cut off in its copy: the copy undone, the
/// link (put back if it went) to the old copy, where the backups are.
fn back_on_the_old_copy(ctx: &Context<'_>, j: &Journal, previous: &Path) -> Result<Recovery> {
    roll_back_copy(ctx, j)?;
    relink_if_missing(ctx, &j.source, previous)?;
    Ok(Recovery::of(Recovered::RolledBack {
        operation: j.operation,
        backups_at: previous.to_owned(),
    }))
}

fn recover_retarget(ctx: &Context<'_>, j: &mut Journal) -> Result<Recovery> {
    let operation = Operation::Retarget;
    let previous = j.previous.clone().unwrap_or_default();
    match j.step {
        Step::Copying => back_on_the_old_copy(ctx, j, &previous),
        Step::Renaming if is_real_dir(&previous) && !exists(&j.target) => {
            j.finish()?;
            Ok(Recovery::of(Recovered::RolledBack {
                operation,
                backups_at: previous,
            }))
        }
        _ => {
            let notes = retarget::finish(ctx, j)?;
            Ok(Recovery::completed(operation, j.target.clone(), notes))
        }
    }
}

/// Before the copy was published the link must still point at the old
/// place; puts it back should anything have removed it.
fn relink_if_missing(ctx: &Context<'_>, source: &Path, previous: &Path) -> Result<()> {
    if !exists(source) && is_real_dir(previous) {
        ctx.links.create(source, previous)?;
    }
    Ok(())
}

/// Deletes the partial copy (only if ours) and the journal.
fn roll_back_copy(ctx: &Context<'_>, j: &Journal) -> Result<()> {
    ctx.progress.report(Progress::Phase {
        phase: Phase::RollingBack,
    });
    if !steps::delete_ours(ctx, j, &j.staging, &j.id)? {
        // A folder of that name without our marker: leave it, it is not ours.
        return Err(Error::Mismatch {
            path: j.staging.clone(),
            what: "it does not carry this operation's marker, so it was left alone".to_owned(),
        });
    }
    j.finish()
}

/// The drive-side folder an operation needs, if it is not there. A drive's
/// mount point can outlive the drive (an empty folder), so what counts is
/// whether the copies the journal names are there.
pub(super) fn missing_drive_folder(j: &Journal) -> Option<PathBuf> {
    let drive_of = |p: &Path| p.parent().unwrap_or(p).to_owned();
    let copies_gone = !exists(&j.staging) && !exists(&j.target);
    match (j.operation, j.step) {
        // Rolling back a copy needs its drive, to delete the partial copy.
        (
            Operation::Move
            | Operation::Retarget
            | Operation::Merge
            | Operation::Archive
            | Operation::BringBack,
            Step::Copying,
        ) => {
            let drive = drive_of(&j.staging);
            (!drive.is_dir()).then_some(drive)
        }
        (Operation::Move, Step::Renaming) | (Operation::Revert, _) => {
            // Same volume, or the copy is local: only the old folder matters.
            let previous = j.previous.as_deref()?;
            (j.step == Step::Renaming && !is_real_dir(&j.source) && !exists(previous))
                .then(|| drive_of(previous))
        }
        (Operation::Retarget, Step::Renaming) => {
            let previous = j.previous.as_deref()?;
            (!exists(previous) && !exists(&j.target)).then(|| drive_of(&j.target))
        }
        (Operation::Move | Operation::Retarget, _) => copies_gone.then(|| drive_of(&j.target)),
        // Placing, linking and cleaning all need the copy on the drive.
        (Operation::Merge, _) => (!exists(&j.target)).then(|| drive_of(&j.target)),
        // An undo needs only this computer ("not there" counts as deleted).
        (Operation::Archive, _) if j.rolling_back => None,
        // Published on the drive: finishing needs it, when it is away.
        (Operation::Archive, _) => {
            let drive = drive_of(&j.target);
            (copies_gone && !drive.is_dir()).then_some(drive)
        }
        // The copy is made in the backup folder (on a drive when it is
        // linked): gone with it, it is waited for; the archive's own drive
        // away at the end is remembered, as in a move back.
        (Operation::BringBack, _) => {
            let drive = drive_of(&j.target);
            (!exists(&j.staging) && !exists(&j.target) && !drive.is_dir()).then_some(drive)
        }
        (Operation::Relink | Operation::Adopt | Operation::TakeOver, _) => {
            (!exists(&j.target)).then(|| drive_of(&j.target))
        }
    }
}

/// Where a complete copy of the backups is while `j` is unfinished: only
/// a place that is really there.
fn safe_place(j: &Journal) -> Option<&Path> {
    let candidate = match j.operation {
        Operation::Move | Operation::Merge => match &j.aside {
            Some(a) if exists(a) => a.as_path(),
            _ if is_real_dir(&j.source) => &j.source,
            _ => &j.target,
        },
        Operation::Revert => revert::safe_place(j),
        Operation::Retarget => retarget::safe_place(j),
        Operation::Relink | Operation::Adopt | Operation::TakeOver => &j.target,
        Operation::Archive => match (&j.aside, &j.previous) {
            (Some(a), _) if exists(a) => a.as_path(),
            (_, Some(live)) if is_real_dir(live) => live.as_path(),
            _ => &j.target,
        },
        Operation::BringBack => match &j.previous {
            Some(archived) if !is_real_dir(&j.target) => archived.as_path(),
            _ => &j.target,
        },
    };
    is_real_dir(candidate).then_some(candidate)
}
