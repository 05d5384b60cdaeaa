//! **retarget**: relocated backups move from one drive to another. Copy the
//! current folder to `DEST2/Backup.partial-<id>`, verify, publish as
//! `DEST2/Backup`, re-point the link, check for late writes, delete the old
//! copy. On the same volume one rename replaces the copy.

use std::path::Path;

use crate::checks;
use crate::durable;
use crate::error::Result;
use crate::faults::crash_point;
use crate::journal::{Journal, Step};
use crate::marker::{self, Marker};
use crate::operation::Operation;
use crate::verify;

use super::steps::{self, exists, is_real_dir};
use super::{Context, Options, Outcome};

/// Moves relocated backups from their drive into `destination` (as
/// `destination/Backup`) and re-points the link at `source`.
pub fn retarget(
    ctx: &Context<'_>,
    source: &Path,
    destination: &Path,
    options: Options,
) -> Result<Outcome> {
    let (source, _lock) = steps::begin(ctx, source)?;
    let checked = checks::check_retarget(ctx, &source, destination)?;
    let (pre, previous, id) = steps::replacing(ctx, &source, checked)?;
    let (target, staging) = steps::drive_places(destination, &id, &pre)?;
    let mut j = Journal::new(Operation::Retarget, &id, &source, &target, &staging);
    steps::record_start(&mut j, &pre, Some(&previous), options.keep_previous);
    let one_volume = steps::on_one_volume(&pre);
    steps::bring(
        ctx,
        &mut j,
        &previous,
        (one_volume, Some(&target)),
        options.verify,
    )?;
    let notes = finish(ctx, &mut j)?;
    Ok(steps::done(ctx, &j, &pre, Some(&previous), notes))
}

/// Takes a retarget from its journal's step to the end (also used by recovery).
pub(super) fn finish(ctx: &Context<'_>, j: &mut Journal) -> Result<Vec<String>> {
    let previous = steps::previous_place(j)?;
    let renamed = j.step == Step::Renaming;
    let order = [
        Step::Copying,
        Step::Renaming,
        Step::Publishing,
        Step::Linking,
        Step::Cleaning,
    ];
    let mut notes = Vec::new();
    for step in steps::steps_from(ctx, j, &order) {
        match step {
            Step::Publishing if !renamed => {
                j.enter(Step::Publishing)?;
                if let Err(e) = steps::publish(j) {
                    return Err(undo(ctx, j, &previous, e));
                }
                crash_point("retarget-published");
            }
            Step::Linking => {
                // The journal keeps saying Renaming for a same-volume retarget,
                // so recovery can tell the rename from the copy.
                if !renamed {
                    j.enter(Step::Linking)?;
                }
                let linked = crate::faults::error_point("retarget-link-fails", &j.source)
                    .and_then(|()| steps::ensure_link(ctx.links, &j.source, &j.target));
                if let Err(e) = linked {
                    return Err(undo(ctx, j, &previous, e));
                }
                crash_point("retarget-linked");
                if !renamed
                    && exists(&previous)
                    && let Err(e) = verify::quick_compare(
                        &previous,
                        &j.target,
                        &steps::comparison(j, &previous, &j.target),
                        ctx.cancel,
                    )
                {
                    return Err(undo(ctx, j, &previous, e));
                }
                let complete = Marker::complete(&j.id, &j.source, &j.target);
                if let Err(e) = marker::write(&j.target, &complete) {
                    return Err(undo(ctx, j, &previous, e));
                }
            }
            Step::Cleaning => {
                j.enter(Step::Cleaning)?;
                if !renamed && !j.keep_previous {
                    let owner = steps::previous_owner(j, &previous);
                    notes.extend(steps::free_space(ctx, j, &previous, &owner)?.note(&previous));
                } else if !renamed {
                    notes.extend(crate::marker::mark_kept(&previous));
                    notes.push(format!("The old copy was kept at {}.", previous.display()));
                }
                crash_point("retarget-cleaned");
                j.finish()?;
            }
            _ => {}
        }
    }
    Ok(notes)
}

/// Points the link back at the old copy and removes the new one.
fn undo(ctx: &Context<'_>, j: &Journal, previous: &Path, cause: crate::Error) -> crate::Error {
    steps::undone(
        ctx,
        cause,
        || roll_back(ctx, j, previous),
        (previous, previous),
    )
}

/// The undo's steps, each idempotent, after the journal says an undo has
/// begun: a recovery finishes them instead of linking a half-deleted copy.
pub(super) fn roll_back(ctx: &Context<'_>, j: &Journal, previous: &Path) -> Result<()> {
    j.begin_undo()?;
    crash_point("undo-begun");
    if j.step == Step::Renaming && !exists(previous) && is_real_dir(&j.target) {
        durable::rename_no_replace(&j.target, previous)?;
    }
    steps::ensure_link(ctx.links, &j.source, previous)?;
    if j.step != Step::Renaming {
        steps::delete_ours(ctx, j, &j.target, &j.id)?;
        steps::delete_ours(ctx, j, &j.staging, &j.id)?;
    }
    j.finish()
}

/// Where the backups are safe while a retarget is unfinished.
pub(super) fn safe_place(j: &Journal) -> &Path {
    match &j.previous {
        Some(p) if exists(p) => p,
        _ => &j.target,
    }
}
