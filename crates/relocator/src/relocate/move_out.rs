//! **move**: the backup folder goes to `DEST/Backup` and a link takes its
//! place. Copy to `DEST/Backup.partial-<id>`, verify, publish as
//! `DEST/Backup`, set the original aside, link, check for late writes,
//! delete the original. On the same volume one rename replaces the copy.

use std::path::Path;

use crate::checks;
use crate::durable;
use crate::error::{Error, Result};
use crate::faults::crash_point;
use crate::journal::{Journal, Step};
use crate::marker::{self, Marker};
use crate::operation::Operation;
use crate::progress::{Phase, Progress};
use crate::verify;

use super::steps::{self, exists, is_real_dir};
use super::{Context, Options, Outcome, interrupted};

/// Moves the backup folder `source` into the folder `destination` (as
/// `destination/Backup`) and leaves a link at `source`.
pub fn move_backups(
    ctx: &Context<'_>,
    source: &Path,
    destination: &Path,
    options: Options,
) -> Result<Outcome> {
    let (source, _lock) = steps::begin(ctx, source)?;
    let pre = checks::check_move(ctx, &source, destination)?.into_result()?;
    ctx.cancel.check()?;
    let id = crate::names::new_id();
    let (target, staging) = steps::drive_places(destination, &id, &pre)?;
    let mut j = Journal::new(Operation::Move, &id, &source, &target, &staging);
    steps::record_start(&mut j, &pre, None, false);
    let one_volume = steps::on_one_volume(&pre);
    if !one_volume {
        j.aside = Some(crate::names::set_aside(&source, &id));
    }
    steps::bring(
        ctx,
        &mut j,
        &source,
        (one_volume, Some(&target)),
        options.verify,
    )?;
    finish(ctx, &mut j)?;
    Ok(steps::done(ctx, &j, &pre, j.aside.as_deref(), Vec::new()))
}

/// Takes a move from its journal's step to the end. Used by the move itself
/// and by recovery. On a late change to the original it rolls everything
/// back and returns the error.
pub(super) fn finish(ctx: &Context<'_>, j: &mut Journal) -> Result<()> {
    let order = [
        Step::Copying,
        Step::Renaming,
        Step::Publishing,
        Step::SettingAside,
        Step::Linking,
        Step::Cleaning,
    ];
    let renamed = j.aside.is_none();
    for step in steps::steps_from(ctx, j, &order) {
        match step {
            Step::Publishing if !renamed => {
                j.enter(Step::Publishing)?;
                crash_point("move-publishing");
                if let Err(e) = steps::publish(j) {
                    return Err(undo(ctx, j, e));
                }
                crash_point("move-published");
            }
            Step::SettingAside if !renamed => {
                j.enter(Step::SettingAside)?;
                if let Err(e) = set_aside(j) {
                    return Err(undo(ctx, j, e));
                }
                crash_point("move-set-aside");
            }
            Step::Linking => {
                j.enter(Step::Linking)?;
                if let Err(e) = steps::ensure_link(ctx.links, &j.source, &j.target) {
                    return Err(undo(ctx, j, e));
                }
                crash_point("move-linked");
                if let Some(aside) = &j.aside
                    && exists(aside)
                    && let Err(e) = verify::quick_compare(
                        aside,
                        &j.target,
                        &steps::comparison(j, aside, &j.target),
                        ctx.cancel,
                    )
                {
                    // Something wrote into the original after the copy: keep the original.
                    return Err(undo(ctx, j, e));
                }
                let complete = Marker::complete(&j.id, &j.source, &j.target);
                if let Err(e) = marker::write(&j.target, &complete) {
                    return Err(undo(ctx, j, e));
                }
            }
            Step::Cleaning => {
                j.enter(Step::Cleaning)?;
                crash_point("move-cleaning");
                if let Some(aside) = &j.aside {
                    // Never delete the original unless the copy is in place.
                    if !is_real_dir(&j.target) {
                        return Err(Error::io(&j.target, std::io::ErrorKind::NotFound.into()));
                    }
                    steps::delete_set_aside(ctx, j, aside)?;
                }
                crash_point("move-cleaned");
                j.finish()?;
            }
            Step::Copying
            | Step::Renaming
            | Step::Publishing
            | Step::SettingAside
            | Step::Unlinking => {}
        }
    }
    Ok(())
}

/// Renames the original aside (once).
fn set_aside(j: &Journal) -> Result<()> {
    let Some(aside) = j.aside.as_deref() else {
        return Err(Error::Journal {
            path: j.path(),
            message: "it does not say where the original was set aside".to_owned(),
        });
    };
    if is_real_dir(&j.source) && !exists(aside) {
        durable::rename_no_replace(&j.source, aside)
    } else if exists(aside) {
        Ok(())
    } else {
        Err(Error::io(&j.source, std::io::ErrorKind::NotFound.into()))
    }
}

/// Puts the original back where it was and removes our copy: used when the
/// link cannot be made or the original changed late.
pub(super) fn undo(ctx: &Context<'_>, j: &Journal, cause: Error) -> Error {
    if let Some(in_the_way) = new_folder_in_the_way(ctx, j) {
        ctx.progress.report(Progress::Phase {
            phase: Phase::RollingBack,
        });
        return in_the_way;
    }
    let safe = steps::aside_still_there(j).unwrap_or(&j.target).to_owned();
    steps::undone(ctx, cause, || roll_back(ctx, j), (&j.source, &safe))
}

/// A new real folder at the source while our copy of the backups is
/// elsewhere (iTunes started a backup after a crash): the two cannot be
/// merged safely. Touch nothing, keep the journal, and say where things are.
pub(super) fn new_folder_in_the_way(ctx: &Context<'_>, j: &Journal) -> Option<Error> {
    let ours = match &j.aside {
        Some(aside) => exists(aside).then_some(aside.as_path()),
        None => is_real_dir(&j.target).then_some(j.target.as_path()),
    };
    let ours = ours?;
    (is_real_dir(&j.source) && ctx.links.read(&j.source).ok().flatten().is_none()).then(|| {
        interrupted(
            Error::NotOurLink {
                path: j.source.clone(),
                found: format!(
                    "a new backup folder made while the move was unfinished; move it away, then run recovery again (your earlier backups are in {})",
                    ours.display()
                ),
            },
            ours,
        )
    })
}

/// The undo's steps, each idempotent, after the journal says an undo has
/// begun: a recovery finishes them instead of finishing the move.
pub(super) fn roll_back(ctx: &Context<'_>, j: &Journal) -> Result<()> {
    j.begin_undo()?;
    crash_point("undo-begun");
    steps::remove_link_if_any(ctx.links, &j.source)?;
    match &j.aside {
        Some(aside) if exists(aside) && !exists(&j.source) => {
            durable::rename_no_replace(aside, &j.source)?;
        }
        // Same volume: the folder itself moved to the target; move it back.
        None if !exists(&j.source) && is_real_dir(&j.target) => {
            durable::rename_no_replace(&j.target, &j.source)?;
        }
        _ => {}
    }
    if is_real_dir(&j.source) && j.aside.is_some() {
        steps::delete_ours(ctx, j, &j.target, &j.id)?;
        steps::delete_ours(ctx, j, &j.staging, &j.id)?;
    }
    j.finish()
}
