//! **archive** and **bring back** (issue 21): one device's backup taken out
//! of the live backup folder and kept on a drive, in
//! `DEST/Archived iPhone and iPad backups/<UDID>`, then brought back with
//! one action. This frees an old phone's room without moving everything;
//! the other devices' backups are never touched. Archive: copy to
//! `<UDID>.partial-<id>` beside its place, verify, publish with our marker,
//! set the device's folder aside, look for a late write, delete it. Bring
//! back: copy the archived backup into the backup folder as
//! `<UDID>.partial-<id>`, verify, publish, take our marker out of it,
//! delete the archived copy. Journaled: recovery undoes either before its
//! copy is published and finishes it after.

use std::path::{Path, PathBuf};

use crate::durable;
use crate::error::{Error, Result};
use crate::faults::crash_point;
use crate::inventory;
use crate::journal::{Journal, Step};
use crate::locations;
use crate::marker::{self, Marker};
use crate::names;
use crate::operation::Operation;
use crate::problem::Problem;
use crate::progress::{Phase, Progress};
use crate::removal;
use crate::verify;

use super::steps::{self, exists, is_real_dir};
use super::{Context, Options, Outcome};

/// Where the backups of the folder `source` are now: the folder itself, or
/// where its link points.
fn backups_of(ctx: &Context<'_>, source: &Path) -> Result<PathBuf> {
    let state = locations::inspect(source, ctx.links)?;
    state
        .backups_at(source)
        .filter(|b| is_real_dir(b))
        .ok_or_else(|| {
            Error::Refused(vec![Problem::SourceMissing {
                source: source.to_owned(),
            }])
        })
}

/// The device backup `device` (its folder name) of `source`, refused unless
/// it is one, finished, with no sync app open.
fn device_to_archive(ctx: &Context<'_>, source: &Path, device: &str) -> Result<PathBuf> {
    let backups = backups_of(ctx, source)?;
    let live = backups.join(device);
    let mut problems = Vec::new();
    if !inventory::is_udid(device) || !is_real_dir(&live) {
        problems.push(Problem::SourceMissing {
            source: live.clone(),
        });
    } else if inventory::describe(&live, false, ctx.cancel)?.in_progress {
        problems.push(Problem::BackupInProgress {
            devices: vec![device.to_owned()],
        });
    }
    if !ctx.sync_apps.is_empty() {
        problems.push(Problem::SyncAppsRunning {
            names: ctx.sync_apps.clone(),
        });
    }
    if problems.is_empty() {
        Ok(live)
    } else {
        Err(Error::Refused(problems))
    }
}

/// Takes the backup of `device` out of the backup folder `source` and
/// keeps it in the archive folder on `destination`.
pub fn archive(
    ctx: &Context<'_>,
    source: &Path,
    device: &str,
    destination: &Path,
    options: Options,
) -> Result<Outcome> {
    let (source, _lock) = steps::begin(ctx, source)?;
    let live = device_to_archive(ctx, &source, device)?;
    let folder = names::archive_folder(&crate::paths::canonical(destination)?);
    let target = folder.join(device);
    if exists(&target) {
        return Err(Error::Refused(vec![Problem::BackupAlreadyThere {
            path: target,
        }]));
    }
    if !folder.is_dir() {
        std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
        durable::sync_parent(&folder)?;
    }
    ctx.cancel.check()?;
    let id = names::new_id();
    let staging = names::local_staging(&target, &id);
    let mut j = Journal::new(Operation::Archive, &id, &source, &target, &staging);
    j.previous = Some(live.clone());
    j.aside = Some(names::set_aside(&live, &id));
    let totals = crate::scan::scan(&live, ctx.progress, ctx.cancel)?;
    (j.total_bytes, j.total_files) = (totals.bytes, totals.files);
    j.save()?;
    crash_point("archive-journaled");
    if let Err(e) = steps::stage_copy(ctx, &j, &live, options.verify, (totals.bytes, totals.files))
    {
        return Err(steps::roll_back_staging(ctx, &j, e, &live));
    }
    finish_archive(ctx, &mut j)?;
    ctx.progress.report(Progress::Done);
    Ok(outcome(&j, j.total_bytes))
}

fn outcome(j: &Journal, freed_bytes: u64) -> Outcome {
    Outcome {
        operation: j.operation,
        source: j.source.clone(),
        backups_at: j.target.clone(),
        bytes: j.total_bytes,
        files: j.total_files,
        freed_bytes,
        notes: Vec::new(),
    }
}

fn recorded(j: &Journal, what: &str, place: Option<&PathBuf>) -> Result<PathBuf> {
    place.cloned().ok_or_else(|| Error::Journal {
        path: j.path(),
        message: format!("it does not say where {what} is"),
    })
}

/// Takes an archive from its journal's step to the end (the archive and
/// recovery both).
pub(super) fn finish_archive(ctx: &Context<'_>, j: &mut Journal) -> Result<()> {
    let order = [
        Step::Copying,
        Step::Publishing,
        Step::SettingAside,
        Step::Cleaning,
    ];
    let live = recorded(j, "the device's backup", j.previous.as_ref())?;
    let aside = recorded(j, "the set-aside backup", j.aside.as_ref())?;
    // The marker names the device's folder in the backup folder as people
    // know it (not where a link led then), so the archive is found again
    // after a move back or a move on.
    let moved_from = j.source.join(live.file_name().unwrap_or_default());
    for step in steps::steps_from(ctx, j, &order) {
        match step {
            Step::Publishing => {
                j.enter(Step::Publishing)?;
                steps::publish(j)?;
                marker::rewrite(&j.target, &Marker::complete(&j.id, &moved_from, &j.target))?;
                crash_point("archive-published");
            }
            Step::SettingAside => {
                j.enter(Step::SettingAside)?;
                if is_real_dir(&live) && !exists(&aside) {
                    durable::rename_no_replace(&live, &aside)?;
                }
                crash_point("archive-set-aside");
                // Checked here, before anything is deleted: a recovery of a
                // deletion cut short never compares a half-deleted folder.
                if exists(&aside) {
                    let how = steps::comparison(j, &aside, &j.target);
                    if let Err(e) = verify::quick_compare(&aside, &j.target, &how, ctx.cancel) {
                        // A backup written into it after the copy: keep it.
                        return Err(undo_archive(ctx, j, e));
                    }
                }
            }
            Step::Cleaning => {
                j.enter(Step::Cleaning)?;
                // Never delete the device's backup unless the archive is there.
                if !is_real_dir(&j.target) {
                    return Err(Error::io(&j.target, std::io::ErrorKind::NotFound.into()));
                }
                if exists(&aside) {
                    ctx.progress.report(Progress::Phase {
                        phase: Phase::CleaningUp,
                    });
                    crash_point("deleting");
                    removal::remove_tree(&aside, ctx.progress)?;
                }
                crash_point("archive-cleaned");
                j.finish()?;
            }
            Step::Copying | Step::Renaming | Step::Linking | Step::Unlinking => {}
        }
    }
    Ok(())
}

/// Puts the device's backup back in the folder and removes our copy.
fn undo_archive(ctx: &Context<'_>, j: &Journal, cause: Error) -> Error {
    let live = j.previous.clone().unwrap_or_default();
    let aside = j.aside.clone().unwrap_or_else(|| live.clone());
    steps::undone(ctx, cause, || roll_back_archive(ctx, j), (&live, &aside))
}

/// The undo's steps, each idempotent, after the journal says it has begun.
/// Our archive goes only once the device's backup is whole in the folder:
/// put back just now, never set aside, or the same as the archive.
pub(super) fn roll_back_archive(ctx: &Context<'_>, j: &Journal) -> Result<()> {
    j.begin_undo()?;
    crash_point("undo-begun");
    let live = recorded(j, "the device's backup", j.previous.as_ref())?;
    let aside = recorded(j, "the set-aside backup", j.aside.as_ref())?;
    let mut put_back = false;
    if exists(&aside) && !exists(&live) {
        durable::rename_no_replace(&aside, &live)?;
        put_back = true;
        // Said before the archive goes: a rerun knows the folder is whole.
        let mut put = j.clone();
        put.step = Step::Publishing;
        put.save()?;
    }
    if exists(&aside) {
        // A new backup folder of this device was made meanwhile: both are
        // kept, and so is the record, until a person moves the new one away.
        return Err(Error::Mismatch {
            path: aside,
            what: format!(
                "a new backup folder of this device was made at {} while this one was set aside; both are kept: move the new one away, then recover again",
                live.display()
            ),
        });
    }
    let never_set_aside = matches!(j.step, Step::Copying | Step::Publishing);
    // This undo had begun deleting it: it is no longer whole to compare.
    let being_deleted = marker::read(&j.target)
        .is_some_and(|m| m.state == marker::MarkerState::Deleting && m.operation_id == j.id);
    let whole_here = is_real_dir(&live)
        && (put_back
            || never_set_aside
            || being_deleted
            || verify::quick_compare(
                &live,
                &j.target,
                &steps::comparison(j, &live, &j.target),
                ctx.cancel,
            )
            .is_ok());
    if whole_here {
        steps::delete_ours(ctx, j, &j.target, &j.id)?;
    }
    steps::delete_ours(ctx, j, &j.staging, &j.id)?;
    j.finish()
}

/// An archive whose drive left after the device's folder was set aside and
/// before it was deleted: the folder goes back in its place, nothing is
/// deleted, and the record ends (the archive on that drive stays ours).
pub(super) fn put_back_without_its_drive(j: &Journal) -> Result<()> {
    j.begin_undo()?;
    let live = recorded(j, "the device's backup", j.previous.as_ref())?;
    let aside = recorded(j, "the set-aside backup", j.aside.as_ref())?;
    if exists(&aside) && !exists(&live) {
        durable::rename_no_replace(&aside, &live)?;
    }
    j.finish()
}

/// Brings the archived backup `archived` (a device's folder in an archive
/// folder of ours) back into the backup folder `source`.
pub fn bring_back(
    ctx: &Context<'_>,
    source: &Path,
    archived: &Path,
    options: Options,
) -> Result<Outcome> {
    let (source, _lock) = steps::begin(ctx, source)?;
    let archived = crate::paths::canonical(archived)?;
    let backups = backups_of(ctx, &source)?;
    let device = archived
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Ours, complete, and taken out of this backup folder (the record
    // check asks the same of a bring-back's record).
    let made_by = marker::read(&archived)
        .filter(|m| m.state == marker::MarkerState::Complete && taken_from(m, &source, ctx.links))
        .map(|m| m.operation_id);
    let in_an_archive = archived
        .parent()
        .and_then(Path::file_name)
        .is_some_and(|n| n == names::ARCHIVE_FOLDER);
    if made_by.is_none() || !in_an_archive || !inventory::is_udid(&device) {
        return Err(Error::Refused(vec![Problem::NotOurCopy { path: archived }]));
    }
    let target = backups.join(&device);
    if exists(&target) {
        return Err(Error::Refused(vec![Problem::BackupAlreadyThere {
            path: target,
        }]));
    }
    if !ctx.sync_apps.is_empty() {
        return Err(Error::Refused(vec![Problem::SyncAppsRunning {
            names: ctx.sync_apps.clone(),
        }]));
    }
    let id = names::new_id();
    let staging = names::local_staging(&target, &id);
    let mut j = Journal::new(Operation::BringBack, &id, &source, &target, &staging);
    j.previous = Some(archived.clone());
    j.previous_id = made_by;
    let totals = crate::scan::scan(&archived, ctx.progress, ctx.cancel)?;
    (j.total_bytes, j.total_files) = (totals.bytes, totals.files);
    j.save()?;
    crash_point("bring-back-journaled");
    if let Err(e) = steps::stage_copy(
        ctx,
        &j,
        &archived,
        options.verify,
        (totals.bytes, totals.files),
    ) {
        return Err(steps::roll_back_staging(ctx, &j, e, &archived));
    }
    finish_bring_back(ctx, &mut j)?;
    ctx.progress.report(Progress::Done);
    Ok(outcome(&j, j.total_bytes))
}

/// Takes a bring-back from its journal's step to the end.
pub(super) fn finish_bring_back(ctx: &Context<'_>, j: &mut Journal) -> Result<()> {
    let order = [Step::Copying, Step::Publishing, Step::Cleaning];
    let archived = recorded(j, "the archived backup", j.previous.as_ref())?;
    for step in steps::steps_from(ctx, j, &order) {
        match step {
            Step::Publishing => {
                j.enter(Step::Publishing)?;
                if exists(&j.staging) && exists(&j.target) {
                    // A new backup of this device was made meanwhile: ours
                    // goes, the archive stays, nothing is overwritten.
                    steps::delete_ours(ctx, j, &j.staging, &j.id)?;
                    j.finish()?;
                    return Err(Error::Refused(vec![Problem::BackupAlreadyThere {
                        path: j.target.clone(),
                    }]));
                }
                if exists(&j.staging) {
                    steps::publish(j)?;
                }
                if !is_real_dir(&j.target) {
                    return Err(Error::io(&j.target, std::io::ErrorKind::NotFound.into()));
                }
                crash_point("bring-back-published");
                // Our marker has no place in a device's backup.
                let ours = marker::path_in(&j.target);
                if exists(&ours) {
                    std::fs::remove_file(&ours).map_err(|e| Error::io(&ours, e))?;
                    durable::sync_parent(&ours)?;
                }
            }
            Step::Cleaning => {
                j.enter(Step::Cleaning)?;
                // Never free the archive unless the backup is back.
                if !is_real_dir(&j.target) {
                    return Err(Error::io(&j.target, std::io::ErrorKind::NotFound.into()));
                }
                let owner = steps::previous_owner(j, &archived);
                steps::free_space(ctx, j, &archived, &owner)?;
                crash_point("bring-back-cleaned");
                j.finish()?;
            }
            Step::Copying
            | Step::Renaming
            | Step::SettingAside
            | Step::Linking
            | Step::Unlinking => {}
        }
    }
    Ok(())
}

/// The archived device backups on the drive holding `destination`'s
/// archive folder: each folder there that carries our marker.
#[must_use]
pub fn archived_in(destination: &Path) -> Vec<PathBuf> {
    let folder = names::archive_folder(destination);
    let Ok(entries) = std::fs::read_dir(&folder) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| inventory::is_udid(&n.to_string_lossy()))
                && marker::read(p).is_some_and(|m| m.state == marker::MarkerState::Complete)
        })
        .collect();
    found.sort();
    found
}

/// Whether the archive marked `m` was taken out of the backup folder
/// `source`: our marker names the device's folder as people know it (older
/// markers named where the folder's link led then).
fn taken_from(m: &Marker, source: &Path, links: &dyn crate::link::FolderLink) -> bool {
    let parent = m.moved_from.parent();
    parent == Some(source)
        || links
            .read(source)
            .ok()
            .flatten()
            .is_some_and(|t| parent == Some(locations::resolve_link_target(source, &t).as_path()))
}

/// An archived device backup of a backup folder, on a connected drive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Archived {
    /// Its folder (`<drive>/<archive folder>/<UDID>`).
    pub path: PathBuf,
    /// The device's name, as its backup says.
    pub device: String,
    /// The drive's name.
    pub drive: String,
}

/// The archived backups of the backup folder `source` on the connected
/// drives: each one whose marker says it was taken out of this folder (or
/// out of the folder its link points to).
#[must_use]
pub fn archived_of(source: &Path, links: &dyn crate::link::FolderLink) -> Vec<Archived> {
    let from_here = |p: &Path| marker::read(p).is_some_and(|m| taken_from(&m, source, links));
    // Every mount, the system's own disk included: a person may archive there.
    crate::volume::mounted_roots()
        .iter()
        .flat_map(|root| archived_in(root))
        .filter(|p| from_here(p))
        .map(|path| Archived {
            device: inventory::describe(&path, false, &crate::Cancel::new()).map_or_else(
                |_| {
                    path.file_name()
                        .unwrap_or_default()
                        .to_string_lossy()
                        .into_owned()
                },
                |d| d.display_name(),
            ),
            drive: crate::volume::volume_of(&path)
                .map_or_else(|_| locations::drive_name_in(&path), |v| v.display_name()),
            path,
        })
        .collect()
}
