//! **revert**: relocated backups come back to a real folder on this
//! computer. Copy the drive's folder to `<source>.partial-<id>` beside the
//! link, verify, remove the link, rename the copy into place, then delete
//! the drive's copy (unless asked to keep it). On the same volume one
//! rename replaces the copy.

use std::fs;
use std::path::Path;

use crate::checks;
use crate::durable;
use crate::error::{Error, Result};
use crate::faults::crash_point;
use crate::journal::{Journal, Step};
use crate::marker::{self, MarkerState};
use crate::operation::Operation;
use crate::progress::Cancel;
use crate::verify;

use super::steps::{self, exists, is_real_dir};
use super::{Context, Options, Outcome};

/// Moves relocated backups back into `source`, replacing the link.
pub fn revert(ctx: &Context<'_>, source: &Path, options: Options) -> Result<Outcome> {
    let (source, _lock) = steps::begin(ctx, source)?;
    let (pre, previous, id) = steps::replacing(ctx, &source, checks::check_revert(ctx, &source)?)?;
    let staging = crate::names::local_staging(&source, &id);
    let mut j = Journal::new(Operation::Revert, &id, &source, &source, &staging);
    steps::record_start(&mut j, &pre, Some(&previous), options.keep_previous);
    let one_volume = steps::on_one_volume(&pre);
    // On one volume the finishing steps rename the copy back themselves.
    steps::bring(ctx, &mut j, &previous, (one_volume, None), options.verify)?;
    let notes = finish(ctx, &mut j)?;
    Ok(steps::done(ctx, &j, &pre, Some(&previous), notes))
}

/// Takes a revert from its journal's step to the end (also used by recovery).
pub(super) fn finish(ctx: &Context<'_>, j: &mut Journal) -> Result<Vec<String>> {
    let previous = steps::previous_place(j)?;
    let renamed = j.step == Step::Renaming;
    let order = [
        Step::Copying,
        Step::Renaming,
        Step::Unlinking,
        Step::Publishing,
        Step::Cleaning,
    ];
    let mut notes = Vec::new();
    for step in steps::steps_from(ctx, j, &order) {
        match step {
            Step::Renaming if renamed => {
                // Same volume: unlink, then rename the drive folder itself back.
                let renamed_back = steps::remove_link_if_any(ctx.links, &j.source).and_then(|()| {
                    crash_point("revert-unlinked");
                    if !exists(&j.source) && is_real_dir(&previous) {
                        durable::rename_no_replace(&previous, &j.source)?;
                    }
                    Ok(())
                });
                if let Err(e) = renamed_back {
                    return Err(undo(ctx, j, &previous, e));
                }
            }
            Step::Unlinking if !renamed => {
                j.enter(Step::Unlinking)?;
                let unlinked = crate::faults::error_point("revert-unlink-fails", &j.source)
                    .and_then(|()| steps::remove_link_if_any(ctx.links, &j.source));
                if let Err(e) = unlinked {
                    return Err(undo(ctx, j, &previous, e));
                }
                crash_point("revert-unlinked");
            }
            Step::Publishing if !renamed => {
                j.enter(Step::Publishing)?;
                let published = if !exists(&j.source) && is_real_dir(&j.staging) {
                    durable::rename_no_replace(&j.staging, &j.source)
                } else if is_real_dir(&j.source) {
                    Ok(())
                } else {
                    Err(Error::io(&j.staging, std::io::ErrorKind::NotFound.into()))
                };
                if let Err(e) = published {
                    return Err(undo(ctx, j, &previous, e));
                }
                crash_point("revert-published");
            }
            Step::Cleaning => {
                j.enter(Step::Cleaning)?;
                remove_marker(&j.source)?;
                if !renamed && !j.keep_previous && !exists(&previous) {
                    // Deleted before a crash, or its drive is away.
                    let owner = steps::previous_owner(j, &previous);
                    notes.extend(steps::free_space(ctx, j, &previous, &owner)?.note(&previous));
                } else if !renamed && !j.keep_previous {
                    // Writes through the link after the copy would only be in
                    // the drive's copy; once its deletion has begun (a crash
                    // cut it short) it is no longer whole to compare.
                    // (Emptied to its last folder, it holds nothing to compare.)
                    let deleting = crate::marker::holds_nothing_of_value(&previous)
                        || marker::read(&previous).is_some_and(|m| {
                            m.state == MarkerState::Deleting && m.operation_id == j.id
                        });
                    let how = steps::comparison(j, &previous, &j.source);
                    let compared = if deleting {
                        Ok(())
                    } else {
                        verify::quick_compare(&previous, &j.source, &how, &Cancel::new())
                    };
                    match compared {
                        Ok(()) => {
                            let owner = steps::previous_owner(j, &previous);
                            notes.extend(
                                steps::free_space(ctx, j, &previous, &owner)?.note(&previous),
                            );
                        }
                        Err(e) => {
                            notes.extend(marker::mark_kept(&previous));
                            notes.push(format!(
                                "The copy on the drive was kept at {} because it changed during the move ({e}).",
                                previous.display()
                            ));
                        }
                    }
                } else if j.keep_previous && !renamed {
                    notes.extend(marker::mark_kept(&previous));
                    notes.push(format!(
                        "The copy on the drive was kept at {}.",
                        previous.display()
                    ));
                }
                crash_point("revert-cleaned");
                j.finish()?;
            }
            _ => {}
        }
    }
    Ok(notes)
}

/// Puts the link back to the drive's copy and removes the local copy: used
/// when the switch cannot be made.
fn undo(ctx: &Context<'_>, j: &Journal, previous: &Path, cause: Error) -> Error {
    steps::undone(
        ctx,
        cause,
        || roll_back(ctx, j, previous),
        (previous, previous),
    )
}

/// The undo's steps, each idempotent, after the journal says an undo has
/// begun: a recovery finishes them instead of publishing a half-deleted copy.
pub(super) fn roll_back(ctx: &Context<'_>, j: &Journal, previous: &Path) -> Result<()> {
    j.begin_undo()?;
    crash_point("undo-begun");
    if !is_real_dir(&j.source) && is_real_dir(previous) {
        steps::ensure_link(ctx.links, &j.source, previous)?;
    }
    steps::delete_ours(ctx, j, &j.staging, &j.id)?;
    j.finish()
}

fn remove_marker(folder: &Path) -> Result<()> {
    match fs::remove_file(marker::path_in(folder)) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::io(marker::path_in(folder), e))
        }
        _ => Ok(()),
    }
}

/// Where the backups are safe while a revert is unfinished.
pub(super) fn safe_place(j: &Journal) -> &Path {
    if is_real_dir(&j.source) {
        &j.source
    } else {
        j.previous.as_deref().unwrap_or(&j.source)
    }
}
