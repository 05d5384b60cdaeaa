//! The steps the operations share, each idempotent: it looks at the disk,
//! does its part only if not yet done, and so can be re-run by recovery.

use std::fs;
use std::io;
use std::path::Path;

use crate::capabilities::CopyDrives;
use crate::checks::Preflight;
use crate::copy::{self, CopyOptions};
use crate::durable;
use crate::error::{Error, IoContext as _, Result};
use crate::journal::{Journal, Lock, Step};
use crate::link::{FolderLink, same_link_target};
use crate::locations::resolve_link_target;
use crate::marker::{self, Marker, MarkerState};
use crate::names::describe_file_type;
use crate::operation::Operation;
use crate::progress::{Phase, Progress};
use crate::removal;
use crate::verify::{self, Comparison, VerifyMode};

use super::Context;

/// Whether anything (even a dangling link) is at `path`.
pub(super) fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// The folder the journal set aside, if it is still there (even as a link).
pub(super) fn aside_still_there(j: &Journal) -> Option<&Path> {
    j.aside.as_deref().filter(|a| exists(a))
}

/// Whether `path` is a real folder (not a link).
pub(super) fn is_real_dir(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// Creates the staging folder with a partial marker, copies `from` into it
/// and verifies the copy. Returns bytes and files copied.
pub(super) fn stage_copy(
    ctx: &Context<'_>,
    j: &Journal,
    from: &Path,
    verify_mode: VerifyMode,
    planned: (u64, u64),
) -> Result<(u64, u64)> {
    fs::create_dir(&j.staging).at(&j.staging)?;
    marker::write(
        &j.staging,
        &Marker::new(&j.id, MarkerState::Partial, &j.source),
    )?;
    ctx.progress.report(Progress::Phase {
        phase: Phase::Copying,
    });
    ctx.progress.report(Progress::Planned {
        bytes: planned.0,
        files: planned.1,
    });
    let how = comparison(j, from, &j.staging);
    let options = CopyOptions {
        verify_content: verify_mode == VerifyMode::Full,
        drives: how.drives,
        ..CopyOptions::default()
    };
    let report = copy::copy_tree(from, &j.staging, options, ctx.progress, ctx.cancel)
        .map_err(|e| blame_a_gone_drive(e, &j.staging))?;
    crate::faults::crash_point("copied");
    // With full verification the copy itself began this phase, for the
    // files it was still reading back from the drive.
    if !options.verify_content {
        ctx.progress.report(Progress::Phase {
            phase: Phase::Verifying,
        });
    }
    ctx.progress.report(Progress::Planned {
        bytes: 0,
        files: report.files,
    });
    verify::verify_tree(from, &j.staging, &how, ctx.progress, ctx.cancel)
        .map_err(|e| blame_a_gone_drive(e, &j.staging))?;
    ctx.cancel.check()?;
    Ok((report.bytes, report.files))
}

/// `<destination>/Backup` (the destination canonical) and the folder a copy
/// into `destination` is made in, as the drive's measured capabilities allow.
pub(super) fn drive_places(
    destination: &Path,
    id: &str,
    pre: &Preflight,
) -> Result<(std::path::PathBuf, std::path::PathBuf)> {
    let destination = crate::paths::canonical(destination)?;
    let renames = pre
        .destination
        .as_ref()
        .and_then(|d| d.capabilities)
        .is_none_or(|c| c.folder_renames);
    Ok((
        crate::names::drive_target(&destination),
        crate::names::drive_staging(&destination, id, renames),
    ))
}

/// What a move back or a move on starts from once its check `checked`
/// passed: the checks' facts, the copy it replaces (a hand-made one marked
/// ours from now on: the check read every file of it) and a fresh id.
pub(super) fn replacing(
    ctx: &Context<'_>,
    source: &Path,
    checked: (Preflight, Option<std::path::PathBuf>),
) -> Result<(Preflight, std::path::PathBuf, String)> {
    let (pre, current) = checked;
    let pre = pre.into_result()?;
    let previous = current.ok_or_else(|| Error::Refused(Vec::new()))?;
    ctx.cancel.check()?;
    super::take_over::mark(source, &previous)?;
    Ok((pre, previous, crate::names::new_id()))
}

/// Records in `j` what the preflight `pre` counted and, for a move back or
/// a move on, the copy it replaces (`previous`, and whether to keep it).
pub(super) fn record_start(j: &mut Journal, pre: &Preflight, previous: Option<&Path>, keep: bool) {
    (j.total_bytes, j.total_files) = (pre.source.bytes, pre.source.files);
    if let Some(previous) = previous {
        j.previous = Some(previous.to_owned());
        j.previous_id = marker::read(previous).map(|m| m.operation_id);
        j.keep_previous = keep;
    }
}

/// Whether the preflight found the destination on the backups' own volume
/// (one rename instead of a copy).
pub(super) fn on_one_volume(pre: &Preflight) -> bool {
    pre.destination.as_ref().is_some_and(|d| d.same_volume)
}

/// Whether leaving where the backups are frees its space (not one volume,
/// nor two volumes of one storage).
pub(super) fn frees_space(pre: &Preflight) -> bool {
    pre.destination
        .as_ref()
        .is_none_or(crate::checks::DestinationFacts::frees_space)
}

/// Saves the journal `j`, then brings the backups at `from` on their way:
/// on one volume (`one_volume`), the journal says so and `rename_to` (if
/// given) is one rename; elsewhere the copy into the staging folder,
/// verified. A failure is undone before it is returned.
pub(super) fn bring(
    ctx: &Context<'_>,
    j: &mut Journal,
    from: &Path,
    (one_volume, rename_to): (bool, Option<&Path>),
    verify_mode: VerifyMode,
) -> Result<()> {
    let name = match j.operation {
        Operation::Revert => "revert",
        Operation::Retarget => "retarget",
        _ => "move",
    };
    if one_volume {
        j.step = Step::Renaming;
        j.save()?;
        crate::faults::crash_point(&format!("{name}-journaled"));
        if let Some(to) = rename_to {
            ctx.progress.report(Progress::Phase {
                phase: Phase::Switching,
            });
            if let Err(e) = durable::rename_no_replace(from, to) {
                j.finish()?;
                return Err(super::interrupted(e, from));
            }
            crate::faults::crash_point(&format!("{name}-renamed"));
        }
    } else {
        j.save()?;
        crate::faults::crash_point(&format!("{name}-journaled"));
        let planned = (j.total_bytes, j.total_files);
        if let Err(e) = stage_copy(ctx, j, from, verify_mode, planned) {
            return Err(roll_back_staging(ctx, j, e, from));
        }
    }
    Ok(())
}

/// The end of an operation `j` begun by the preflight `pre`: says it is
/// done, and what it did; `old_place` is where the backups were (their
/// space freed once it is gone), `notes` what a person should know.
pub(super) fn done(
    ctx: &Context<'_>,
    j: &Journal,
    pre: &Preflight,
    old_place: Option<&Path>,
    notes: Vec<String>,
) -> super::Outcome {
    ctx.progress.report(Progress::Done);
    super::Outcome {
        operation: j.operation,
        freed_bytes: super::freed(j.total_bytes, frees_space(pre), old_place),
        source: j.source.clone(),
        backups_at: j.target.clone(),
        bytes: j.total_bytes,
        files: j.total_files,
        notes,
    }
}

/// Where the backups were before a move back or a move on, as its journal says.
pub(super) fn previous_place(j: &Journal) -> Result<std::path::PathBuf> {
    j.previous.clone().ok_or_else(|| Error::Journal {
        path: j.path(),
        message: "it does not say where the backups were before".to_owned(),
    })
}

/// The steps of `order` from the journal's own on (all of them if it names
/// none of them), with the switch announced.
pub(super) fn steps_from<'a>(ctx: &Context<'_>, j: &Journal, order: &'a [Step]) -> &'a [Step] {
    ctx.progress.report(Progress::Phase {
        phase: Phase::Switching,
    });
    let start = order.iter().position(|s| *s == j.step).unwrap_or(0);
    &order[start..]
}

/// Begins an operation on the backup folder `source`: its absolute place,
/// and the lock that keeps every other operation off it until the end.
pub(super) fn begin(ctx: &Context<'_>, source: &Path) -> Result<(std::path::PathBuf, Lock)> {
    let source = super::absolute(source)?;
    let lock = Lock::acquire(&source)?;
    ctx.progress.report(Progress::Phase {
        phase: Phase::Checking,
    });
    Ok((source, lock))
}

/// A copy whose own folder vanished mid-way lost its drive (unplugged, the
/// share dropped): say that, not "not found" about some file on it.
fn blame_a_gone_drive(e: Error, staging: &Path) -> Error {
    match e {
        Error::Io { .. } | Error::Mismatch { .. } if !exists(staging) => Error::DriveDisconnected {
            path: staging.parent().unwrap_or(staging).to_owned(),
        },
        other => other,
    }
}

/// How to compare the copy `copy` of `original` made by the operation `j`:
/// what both drives keep, and since when a change is a writer's.
pub(super) fn comparison(j: &Journal, original: &Path, copy: &Path) -> Comparison {
    Comparison {
        drives: CopyDrives::measure(original, copy),
        since: std::time::UNIX_EPOCH + std::time::Duration::from_secs(j.started_at),
    }
}

/// Deletes a folder of ours on a drive: only if its marker says the
/// operation `owner` made it, or that this operation `j` is deleting it.
/// The marker first says "being deleted by `j`" (so it is never linked or
/// adopted again), then everything else goes, the marker last: a crash at
/// any moment leaves a folder recovery can still prove ours. An empty
/// folder without a marker (a deletion cut off between its marker and its
/// removal) is removed too: there is nothing in it to lose. Returns
/// whether it is gone; `false` means it is not provably ours and was left.
pub(super) fn delete_ours(ctx: &Context<'_>, j: &Journal, dir: &Path, owner: &str) -> Result<bool> {
    if !exists(dir) {
        return Ok(true);
    }
    match marker::read(dir) {
        Some(m) if m.operation_id == owner || m.operation_id == j.id => {
            // A complete copy is first marked as being deleted, so it is
            // never linked or adopted again; a partial one never would be.
            if m.state == MarkerState::Complete {
                let deleting = Marker {
                    operation_id: j.id.clone(),
                    state: MarkerState::Deleting,
                    ..m
                };
                marker::rewrite(dir, &deleting)?;
            }
            crate::faults::crash_point("deleting-marked");
            match removal::remove_tree(dir, ctx.progress) {
                Ok(_) => Ok(true),
                // Its drive vanished mid-way: removed once it is back.
                Err(_) if !exists(dir) => {
                    super::leftovers::remember(&j.source, dir, deleting(j, owner))?;
                    Ok(true)
                }
                Err(e) => Err(e),
            }
        }
        None if marker::holds_nothing_of_value(dir) => {
            // Only an unfinished marker's temporary file and the `._` files
            // macOS keeps beside it on some drives can be in it.
            for entry in fs::read_dir(dir).at(dir)?.flatten() {
                match fs::remove_file(entry.path()) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                        return Err(Error::io(entry.path(), e));
                    }
                    _ => {}
                }
            }
            fs::remove_dir(dir).at(dir)?;
            durable::sync_parent(dir)?;
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// The operation that made the copy `previous` a move back or move on
/// replaces: as the journal recorded it, else as its marker says (journals
/// of older versions; the journal check proved the marker ours).
pub(super) fn previous_owner(j: &Journal, previous: &Path) -> String {
    j.previous_id
        .clone()
        .or_else(|| marker::read(previous).map(|m| m.operation_id))
        .unwrap_or_default()
}

/// What became of a copy no longer needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OldCopy {
    /// Deleted (or already gone).
    Deleted,
    /// Kept: it no longer carries our marker.
    NotOurs,
    /// Its drive is not connected: recorded, to be deleted once it is.
    WhenBack,
}

impl OldCopy {
    /// What a person should know about the old copy at `dir`, if anything.
    pub(super) fn note(self, dir: &Path) -> Option<String> {
        match self {
            OldCopy::Deleted => None,
            OldCopy::NotOurs => Some(format!(
                "The old copy was kept at {}: it no longer carries Backup Relocator's mark, so it is not provably a copy to delete.",
                dir.display()
            )),
            OldCopy::WhenBack => Some(format!(
                "The old copy at {} will be deleted once {} is connected again.",
                dir.display(),
                crate::locations::drive_name_in(dir)
            )),
        }
    }
}

/// A copy made by `owner` that the operation `j` was deleting.
fn deleting<'a>(j: &'a Journal, owner: &'a str) -> super::leftovers::Owners<'a> {
    super::leftovers::Owners {
        deleting_by: Some(&j.id),
        ..super::leftovers::Owners::made(owner)
    }
}

/// Whether the drive holding `dir` is away: the folder it is in is not there.
fn drive_away(dir: &Path) -> bool {
    dir.parent().is_none_or(|p| !exists(p))
}

/// Frees the space of a copy no longer needed, with its progress shown as
/// the "freeing space" phase; on a drive that is away, it is recorded to be
/// deleted once the drive is back.
pub(super) fn free_space(
    ctx: &Context<'_>,
    j: &Journal,
    dir: &Path,
    owner: &str,
) -> Result<OldCopy> {
    if !exists(dir) {
        if drive_away(dir) {
            let owners = super::leftovers::Owners {
                // Anything written there after this operation began
                // (a backup through the old link) keeps it.
                unless_written_after: Some(j.started_at),
                ..deleting(j, owner)
            };
            super::leftovers::remember(&j.source, dir, owners)?;
            return Ok(OldCopy::WhenBack);
        }
        return Ok(OldCopy::Deleted);
    }
    announce_freeing(ctx, j);
    crate::faults::crash_point("deleting");
    Ok(if delete_ours(ctx, j, dir, owner)? {
        OldCopy::Deleted
    } else {
        OldCopy::NotOurs
    })
}

/// Deletes the original a move set aside (`<SOURCE>.moving-<id>`, checked
/// against the journal before), once the copy is linked and checked.
pub(super) fn delete_set_aside(ctx: &Context<'_>, j: &Journal, aside: &Path) -> Result<()> {
    if !exists(aside) {
        return Ok(());
    }
    if aside != crate::names::set_aside(&j.source, &j.id) {
        return Err(Error::ForeignRecord {
            journal: j.path(),
            what: "set-aside original".to_owned(),
            found: aside.to_owned(),
            expected: crate::names::set_aside(&j.source, &j.id)
                .display()
                .to_string(),
        });
    }
    announce_freeing(ctx, j);
    crate::faults::crash_point("deleting");
    removal::remove_tree(aside, ctx.progress).map(|_| ())
}

fn announce_freeing(ctx: &Context<'_>, j: &Journal) {
    ctx.progress.report(Progress::Phase {
        phase: Phase::CleaningUp,
    });
    ctx.progress.report(Progress::Planned {
        bytes: j.total_bytes,
        files: j.total_files,
    });
}

/// Undoes a copy that did not finish: deletes the staging folder (only if
/// ours) and the journal. Returns the error to report, with where the data is.
pub(super) fn roll_back_staging(
    ctx: &Context<'_>,
    j: &Journal,
    cause: Error,
    safe_at: &Path,
) -> Error {
    ctx.progress.report(Progress::Phase {
        phase: Phase::RollingBack,
    });
    // A copy whose drive vanished under it is recorded, to be removed
    // once the drive is back: the backups are whole where they were, so
    // the operation is over and nothing waits on that drive.
    let vanished = matches!(cause, Error::DriveDisconnected { .. }) && !exists(&j.staging);
    let cleaned = if vanished {
        let owners = super::leftovers::Owners::made(&j.id);
        super::leftovers::remember(&j.source, &j.staging, owners).is_ok()
    } else {
        delete_ours(ctx, j, &j.staging, &j.id).unwrap_or(false)
    };
    if cleaned {
        // The journal stays when the partial copy could not be removed (drive
        // gone): recovery deletes it once the drive is back.
        if let Err(e) = j.finish() {
            ctx.progress.report(Progress::Warning {
                message: e.to_string(),
            });
        }
    }
    super::interrupted(cause, safe_at)
}

/// Renames the verified staging folder to its final name (once); nothing
/// to do where the copy was made under its final name.
pub(super) fn publish(j: &Journal) -> Result<()> {
    if j.staging == j.target {
        return if marker::read(&j.target).is_some_and(|m| m.operation_id == j.id) {
            Ok(())
        } else {
            Err(Error::io(&j.target, io::ErrorKind::NotFound.into()))
        };
    }
    match (exists(&j.staging), exists(&j.target)) {
        (true, false) => durable::rename_no_replace(&j.staging, &j.target),
        (false, true) if marker::read(&j.target).is_some_and(|m| m.operation_id == j.id) => Ok(()),
        (true, true) => Err(Error::io(&j.target, io::ErrorKind::AlreadyExists.into())),
        (false, _) => Err(Error::io(&j.staging, io::ErrorKind::NotFound.into())),
    }
}

/// Makes `link` a link to `target`, replacing a link of ours to somewhere
/// else; never replaces a real folder. Then reads it back and lists through it.
pub(super) fn ensure_link(links: &dyn FolderLink, link: &Path, target: &Path) -> Result<()> {
    match links.read(link)? {
        Some(t) if same_link_target(&resolve_link_target(link, &t), target) => {}
        Some(_) => {
            links.remove(link)?;
            links.create(link, target)?;
        }
        None if !exists(link) => links.create(link, target)?,
        None => {
            let meta = fs::symlink_metadata(link).at(link)?;
            return Err(Error::NotOurLink {
                path: link.to_owned(),
                found: describe_file_type(&meta),
            });
        }
    }
    check_link(links, link, target)
}

/// Reads the link back and lists the folder through it.
pub(super) fn check_link(links: &dyn FolderLink, link: &Path, target: &Path) -> Result<()> {
    let read = links.read(link)?.map(|t| resolve_link_target(link, &t));
    if !read.as_deref().is_some_and(|t| same_link_target(t, target)) {
        return Err(Error::NotOurLink {
            path: link.to_owned(),
            found: format!("a link to {}", read.unwrap_or_default().display()),
        });
    }
    let through = fs::read_dir(link).at(link)?.count();
    let direct = fs::read_dir(target).at(target)?.count();
    if through != direct {
        return Err(Error::Mismatch {
            path: link.to_owned(),
            what: format!("{through} entries through the link, {direct} in its target"),
        });
    }
    Ok(())
}

/// Unlinks `link` if it is a link (never touching its target).
pub(super) fn remove_link_if_any(links: &dyn FolderLink, link: &Path) -> Result<()> {
    if links.read(link)?.is_some() {
        links.remove(link)?;
    }
    Ok(())
}

/// Runs the undo `roll_back` of an operation that failed with `cause`,
/// announced as rolling back; the error to return names `safe_at` once the
/// undo finished, else — with a warning of what did not — `safe_if_not`.
pub(super) fn undone(
    ctx: &Context<'_>,
    cause: Error,
    roll_back: impl FnOnce() -> Result<()>,
    (safe_at, safe_if_not): (&Path, &Path),
) -> Error {
    ctx.progress.report(Progress::Phase {
        phase: Phase::RollingBack,
    });
    match roll_back() {
        Ok(()) => super::interrupted(cause, safe_at),
        Err(undo_error) => {
            ctx.progress.report(Progress::Warning {
                message: format!("could not undo completely: {undo_error}"),
            });
            super::interrupted(cause, safe_if_not)
        }
    }
}
