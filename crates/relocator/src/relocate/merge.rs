//! **merge** (issue 21): an update replaced the link with a real folder,
//! and new backups landed in it. They are brought to the copy on the
//! drive, device by device, and the link is put back. The folder is copied
//! to `DEST/Backup.partial-<id>` and verified; then each device is placed:
//! one the drive lacks is added; one newer here replaces the drive's,
//! whose older backup is set aside beside it (`<UDID>.older-<id>`); one
//! older here, or of unknown date, is set aside on the drive instead; one
//! the same on both stays as it is. Nothing on the drive is overwritten or
//! deleted. Then the folder is set aside, the link made, a late write
//! looked for, and the folder deleted. Journaled: recovery undoes it
//! before the placing and finishes it from there.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use crate::checks::state_problem;
use crate::durable;
use crate::error::{Error, IoContext as _, Result};
use crate::faults::crash_point;
use crate::inventory;
use crate::journal::{Journal, Step};
use crate::locations;
use crate::marker::{self, MarkerState};
use crate::names;
use crate::operation::Operation;
use crate::problem::Problem;
use crate::progress::Progress;
use crate::verify;

use super::steps::{self, exists, is_real_dir};
use super::{Context, Options, Outcome};

/// What becomes of one device's backup brought from this computer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placing {
    /// The drive has none of this device: it is added.
    Add,
    /// Newer here: it replaces the drive's, which is set aside beside it.
    ReplaceOlder,
    /// Older here, or of unknown date: it is set aside on the drive, and
    /// the drive's stays the one in use.
    SetAside,
    /// The same on both: nothing to do.
    Same,
}

/// The rule: never overwrite; the newer backup of a device is the one in
/// use, the older is kept beside it until the person deletes it.
#[must_use]
pub fn placing(
    on_drive: bool,
    same: bool,
    here_last: Option<SystemTime>,
    drive_last: Option<SystemTime>,
) -> Placing {
    match (here_last, drive_last) {
        _ if !on_drive => Placing::Add,
        _ if same => Placing::Same,
        (Some(here), Some(drive)) if here > drive => Placing::ReplaceOlder,
        _ => Placing::SetAside,
    }
}

/// Brings the backups in the real folder `source` to our copy `copy` on a
/// drive, and links `source` to it again.
pub fn merge(ctx: &Context<'_>, source: &Path, copy: &Path, options: Options) -> Result<Outcome> {
    let (source, _lock) = steps::begin(ctx, source)?;
    let copy = crate::paths::canonical(copy)?;
    refuse_unless_mergeable(ctx, &source, &copy)?;
    ctx.cancel.check()?;
    let id = names::new_id();
    let destination = copy.parent().unwrap_or(&copy).to_owned();
    let staging = names::drive_staging(&destination, &id, true);
    let mut j = Journal::new(Operation::Merge, &id, &source, &copy, &staging);
    j.aside = Some(names::set_aside(&source, &id));
    let totals = crate::scan::scan(&source, ctx.progress, ctx.cancel)?;
    (j.total_bytes, j.total_files) = (totals.bytes, totals.files);
    j.save()?;
    crash_point("merge-journaled");
    let planned = (j.total_bytes, j.total_files);
    if let Err(e) = steps::stage_copy(ctx, &j, &source, options.verify, planned) {
        return Err(steps::roll_back_staging(ctx, &j, e, &source));
    }
    let notes = finish(ctx, &mut j)?;
    ctx.progress.report(Progress::Done);
    Ok(Outcome {
        operation: Operation::Merge,
        source: j.source.clone(),
        backups_at: j.target.clone(),
        bytes: j.total_bytes,
        files: j.total_files,
        freed_bytes: super::freed(j.total_bytes, true, j.aside.as_deref()),
        notes,
    })
}

/// Our copies of the backup folder `source` on the connected drives, for
/// a merge: `<drive>/Backup` or `<drive>/<folder>/Backup` carrying our
/// marker for it (a drive's top and the folders there are read once).
#[must_use]
pub fn merge_candidates(source: &Path) -> Vec<PathBuf> {
    let Ok(source) = super::absolute(source) else {
        return Vec::new();
    };
    // A copy kept on purpose by a move back or a move on is not one an
    // update cut off from its link.
    let ours = |candidate: &Path| {
        marker::read(candidate)
            .is_some_and(|m| m.state == MarkerState::Complete && m.moved_from == source && !m.kept)
    };
    let mut found = Vec::new();
    for root in crate::volume::drive_roots() {
        let mut candidates = vec![names::drive_target(&root)];
        if let Ok(entries) = std::fs::read_dir(&root) {
            candidates.extend(
                entries
                    .flatten()
                    .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
                    .map(|e| names::drive_target(&e.path())),
            );
        }
        for candidate in candidates {
            if ours(&candidate) && !found.contains(&candidate) {
                found.push(candidate);
            }
        }
    }
    found
}

/// Refuses, changing nothing, unless `source` is a real folder (a link
/// needs no merge), `copy` is our copy of it, no sync app is open, and no
/// backup is being written here.
fn refuse_unless_mergeable(ctx: &Context<'_>, source: &Path, copy: &Path) -> Result<()> {
    let state = locations::inspect(source, ctx.links)?;
    let mut problems: Vec<Problem> = state_problem(Operation::Merge, source, &state)
        .into_iter()
        .collect();
    let ours = marker::read(copy)
        .is_some_and(|m| m.state == MarkerState::Complete && m.moved_from == source);
    if !ours || !is_real_dir(copy) {
        problems.push(Problem::NotOurCopy {
            path: copy.to_owned(),
        });
    }
    if !ctx.sync_apps.is_empty() {
        problems.push(Problem::SyncAppsRunning {
            names: ctx.sync_apps.clone(),
        });
    }
    if problems.is_empty() {
        let writing: Vec<String> = inventory::inventory(source, false, ctx.cancel)?
            .into_iter()
            .filter(|d| d.in_progress)
            .map(|d| d.display_name())
            .collect();
        if !writing.is_empty() {
            problems.push(Problem::BackupInProgress { devices: writing });
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Refused(problems))
    }
}

/// Takes a merge from its journal's step to the end: used by the merge
/// and by recovery. Returns what a person should know.
pub(super) fn finish(ctx: &Context<'_>, j: &mut Journal) -> Result<Vec<String>> {
    let order = [
        Step::Copying,
        Step::Publishing,
        Step::SettingAside,
        Step::Linking,
        Step::Cleaning,
    ];
    let mut notes = Vec::new();
    for step in steps::steps_from(ctx, j, &order) {
        match step {
            Step::Publishing => {
                j.enter(Step::Publishing)?;
                for name in staged_entries(j)? {
                    if let Some(note) = place(ctx, j, &name)? {
                        notes.push(note);
                    }
                    crash_point("merge-placed");
                }
            }
            Step::SettingAside => {
                j.enter(Step::SettingAside)?;
                let aside = aside_of(j)?;
                if is_real_dir(&j.source) && !exists(&aside) {
                    durable::rename_no_replace(&j.source, &aside)?;
                }
                crash_point("merge-set-aside");
            }
            Step::Linking => {
                j.enter(Step::Linking)?;
                if let Err(e) = steps::ensure_link(ctx.links, &j.source, &j.target) {
                    return Err(undo(ctx, j, e));
                }
                crash_point("merge-linked");
                if let Err(e) = nothing_written_late(ctx, j) {
                    return Err(undo(ctx, j, e));
                }
            }
            Step::Cleaning => {
                j.enter(Step::Cleaning)?;
                // Never delete the folder unless the copy is in place.
                if !is_real_dir(&j.target) {
                    return Err(Error::io(&j.target, std::io::ErrorKind::NotFound.into()));
                }
                let aside = aside_of(j)?;
                steps::delete_set_aside(ctx, j, &aside)?;
                steps::delete_ours(ctx, j, &j.staging, &j.id)?;
                crash_point("merge-cleaned");
                j.finish()?;
            }
            Step::Copying | Step::Renaming | Step::Unlinking => {}
        }
    }
    Ok(notes)
}

fn aside_of(j: &Journal) -> Result<PathBuf> {
    j.aside.clone().ok_or_else(|| Error::Journal {
        path: j.path(),
        message: "it does not say where the folder was set aside".to_owned(),
    })
}

/// The entries of the verified copy still to place (our marker apart).
fn staged_entries(j: &Journal) -> Result<Vec<OsString>> {
    if !exists(&j.staging) {
        return Ok(Vec::new());
    }
    let mut names: Vec<OsString> = std::fs::read_dir(&j.staging)
        .at(&j.staging)?
        .map(|e| e.map(|e| e.file_name()).at(&j.staging))
        .collect::<Result<_>>()?;
    names.retain(|n| !names::is_our_file_at_the_top(n));
    names.sort();
    Ok(names)
}

/// Places one entry of the verified copy (see [`placing`]); each rename is
/// done once, so a recovery re-runs it safely. An entry left in the copy
/// (the same on both) goes with it at the end.
fn place(ctx: &Context<'_>, j: &Journal, name: &OsString) -> Result<Option<String>> {
    let staged = j.staging.join(name);
    let live = j.target.join(name);
    let older = names::older_backup(&j.target, name, &j.id);
    if !exists(&live) {
        // New here, or a replacement whose older backup is already aside.
        durable::rename_no_replace(&staged, &live)?;
        return Ok(exists(&older).then(|| older_kept(name, &older)));
    }
    if exists(&older) {
        return Err(Error::io(&older, std::io::ErrorKind::AlreadyExists.into()));
    }
    let same = same_entry(j, &staged, &live, ctx);
    let date = |p: &Path| {
        inventory::describe(p, false, ctx.cancel)
            .ok()
            .and_then(|d| d.last_backup_at)
    };
    let device = || {
        inventory::describe(&staged, false, ctx.cancel).map_or_else(
            |_| name.to_string_lossy().into_owned(),
            |d| d.display_name(),
        )
    };
    match placing(true, same, date(&staged), date(&live)) {
        Placing::Add | Placing::Same => Ok(None),
        Placing::ReplaceOlder => {
            durable::rename_no_replace(&live, &older)?;
            crash_point("merge-replacing");
            durable::rename_no_replace(&staged, &live)?;
            Ok(Some(older_kept(name, &older)))
        }
        Placing::SetAside => {
            let who = device();
            durable::rename_no_replace(&staged, &older)?;
            Ok(Some(format!(
                "The backup of {who} on this computer is not newer than the one on the drive, which stays in use: it was kept at {}.",
                older.display()
            )))
        }
    }
}

/// The note for the drive's older backup of device `name`, kept at `older`.
fn older_kept(name: &std::ffi::OsStr, older: &Path) -> String {
    format!(
        "The older backup of {} on the drive was kept at {}: delete it once you have checked the newer one.",
        device_name(older).unwrap_or_else(|| name.to_string_lossy().into_owned()),
        older.display()
    )
}

/// A device backup's name, as its `Info.plist` says.
fn device_name(folder: &Path) -> Option<String> {
    inventory::describe(folder, false, &crate::Cancel::new())
        .ok()
        .map(|d| d.display_name())
}

/// Whether the staged entry is the same as the one on the drive: a folder
/// by names, sizes and times; a file by its bytes.
fn same_entry(j: &Journal, staged: &Path, live: &Path, ctx: &Context<'_>) -> bool {
    if staged.is_dir() {
        let how = steps::comparison(j, staged, live);
        verify::quick_compare(staged, live, &how, ctx.cancel).is_ok()
    } else {
        matches!((std::fs::read(staged), std::fs::read(live)), (Ok(a), Ok(b)) if a == b)
    }
}

/// After the link: each entry of the folder set aside must still be what
/// was copied — where it was placed, or the same as the drive's. A backup
/// written here after the copy fails it, and the merge is undone.
fn nothing_written_late(ctx: &Context<'_>, j: &Journal) -> Result<()> {
    let aside = aside_of(j)?;
    if !exists(&aside) {
        return Ok(());
    }
    for entry in std::fs::read_dir(&aside).at(&aside)? {
        let name = entry.at(&aside)?.file_name();
        let here = aside.join(&name);
        let places = [
            j.target.join(&name),
            names::older_backup(&j.target, &name, &j.id),
        ];
        let found = places.iter().any(|placed| {
            if here.is_dir() {
                let how = steps::comparison(j, &here, placed);
                verify::quick_compare(&here, placed, &how, ctx.cancel).is_ok()
            } else {
                matches!((std::fs::read(&here), std::fs::read(placed)), (Ok(a), Ok(b)) if a == b)
            }
        });
        if !found {
            return Err(Error::ChangedDuringCopy { path: here });
        }
    }
    Ok(())
}

/// Puts the folder back as it was (its link removed, the folder renamed
/// back) and removes the copy in the making; what was placed on the drive
/// stays there (verified copies, beside the drive's own).
fn undo(ctx: &Context<'_>, j: &Journal, cause: Error) -> Error {
    let safe = steps::aside_still_there(j).unwrap_or(&j.source).to_owned();
    steps::undone(ctx, cause, || roll_back(ctx, j), (&j.source, &safe))
}

/// The undo's steps, each idempotent, after the journal says an undo has begun.
pub(super) fn roll_back(ctx: &Context<'_>, j: &Journal) -> Result<()> {
    j.begin_undo()?;
    crash_point("undo-begun");
    let aside = aside_of(j)?;
    if exists(&aside) {
        steps::remove_link_if_any(ctx.links, &j.source)?;
        if !exists(&j.source) {
            durable::rename_no_replace(&aside, &j.source)?;
        }
    }
    steps::delete_ours(ctx, j, &j.staging, &j.id)?;
    j.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_newer_backup_of_a_device_is_in_use_and_the_older_kept() {
        let day = |d: u64| Some(SystemTime::UNIX_EPOCH + Duration::from_secs(d * 86_400));
        assert_eq!(placing(false, false, day(2), None), Placing::Add);
        assert_eq!(placing(true, true, day(2), day(1)), Placing::Same);
        assert_eq!(placing(true, false, day(2), day(1)), Placing::ReplaceOlder);
        assert_eq!(placing(true, false, day(1), day(2)), Placing::SetAside);
        // Same day, or a date unknown on either side: nothing is replaced.
        assert_eq!(placing(true, false, day(1), day(1)), Placing::SetAside);
        assert_eq!(placing(true, false, None, day(1)), Placing::SetAside);
        assert_eq!(placing(true, false, day(1), None), Placing::SetAside);
    }
}
