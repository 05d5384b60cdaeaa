//! A journal read from disk is input, not trust: a damaged or hand-edited
//! one, or one from another version, must never make recovery delete a
//! folder that is not provably ours. Every path it names must be the one
//! its operation derives (see [`crate::names`]); anything else is refused
//! with both places named, and nothing is touched.

use std::path::Path;

use crate::error::{Error, Result};
use crate::journal::Journal;
use crate::marker;
use crate::names::{ARCHIVE_FOLDER, drive_staging, is_our_id, local_staging, set_aside};
use crate::operation::Operation;

/// A refusal naming what the journal says and what the operation derives.
fn refuse(j: &Journal, what: &str, found: &Path, expected: String) -> Error {
    Error::ForeignRecord {
        journal: j.path(),
        what: what.to_owned(),
        found: found.to_owned(),
        expected,
    }
}

/// Checks that every path in `j` is one its operation would have made for
/// the backup folder `source`. On a mismatch nothing may be touched.
pub fn check_journal(j: &Journal, source: &Path) -> Result<()> {
    if matches!(j.operation, Operation::Adopt | Operation::TakeOver) {
        return Err(Error::Journal {
            path: j.path(),
            message: format!(
                "it records an operation Backup Relocator never records ({})",
                j.operation.noun()
            ),
        });
    }
    if !is_our_id(&j.id) {
        return Err(Error::Journal {
            path: j.path(),
            message: format!(
                "its operation id {:?} is not one Backup Relocator makes",
                j.id
            ),
        });
    }
    if !same_place(&j.source, source) {
        return Err(refuse(
            j,
            "backup folder",
            &j.source,
            source.display().to_string(),
        ));
    }
    if matches!(j.operation, Operation::Archive | Operation::BringBack) {
        return check_device_places(j);
    }
    check_copy_places(j)?;
    match (j.operation, &j.aside) {
        (Operation::Move | Operation::Merge, Some(aside))
            if *aside != set_aside(&j.source, &j.id) =>
        {
            return Err(refuse(
                j,
                "set-aside original",
                aside,
                set_aside(&j.source, &j.id).display().to_string(),
            ));
        }
        (
            Operation::Revert
            | Operation::Retarget
            | Operation::Relink
            | Operation::Adopt
            | Operation::TakeOver,
            Some(aside),
        ) => {
            return Err(refuse(j, "set-aside original", aside, "none".to_owned()));
        }
        _ => {}
    }
    match (j.operation, &j.previous) {
        (Operation::Move | Operation::Merge, Some(previous)) => {
            Err(refuse(j, "previous copy", previous, "none".to_owned()))
        }
        (Operation::Revert | Operation::Retarget, None) => Err(Error::Journal {
            path: j.path(),
            message: "it does not say where the backups were before".to_owned(),
        }),
        (Operation::Revert | Operation::Retarget, Some(previous)) => check_previous(j, previous),
        (Operation::Move | Operation::Merge, None)
        | (
            Operation::Relink
            | Operation::Adopt
            | Operation::TakeOver
            | Operation::Archive
            | Operation::BringBack,
            _,
        ) => Ok(()),
    }
}

/// The copy's final place and the place it is made in, per operation.
fn check_copy_places(j: &Journal) -> Result<()> {
    match j.operation {
        Operation::Move | Operation::Retarget => {
            let Some(destination) = j.target.parent().filter(|_| j.target.ends_with("Backup"))
            else {
                return Err(refuse(
                    j,
                    "copy on the drive",
                    &j.target,
                    "a folder named Backup".to_owned(),
                ));
            };
            let stagings = [
                drive_staging(destination, &j.id, true),
                drive_staging(destination, &j.id, false),
            ];
            if stagings.contains(&j.staging) {
                Ok(())
            } else {
                let one_of = stagings
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(" or ");
                Err(refuse(j, "partial copy", &j.staging, one_of))
            }
        }
        Operation::Archive | Operation::BringBack => check_device_places(j),
        Operation::Merge => check_merge_places(j),
        Operation::Relink | Operation::Adopt | Operation::TakeOver => {
            if j.staging != j.target {
                return Err(refuse(
                    j,
                    "copy",
                    &j.staging,
                    j.target.display().to_string(),
                ));
            }
            copy_of_this_folder(j)
        }
        Operation::Revert => {
            if j.target != j.source {
                return Err(refuse(
                    j,
                    "destination",
                    &j.target,
                    j.source.display().to_string(),
                ));
            }
            staging_is(j, &local_staging(&j.source, &j.id))
        }
    }
}

/// The copy in the making is where the operation makes it.
fn staging_is(j: &Journal, expected: &Path) -> Result<()> {
    if j.staging == expected {
        Ok(())
    } else {
        Err(refuse(
            j,
            "partial copy",
            &j.staging,
            expected.display().to_string(),
        ))
    }
}

/// The copy the journal names is this folder's (its marker names it), or
/// gone.
fn copy_of_this_folder(j: &Journal) -> Result<()> {
    let ours = std::fs::symlink_metadata(&j.target).is_err()
        || marker::read(&j.target).is_some_and(|m| same_place(&m.moved_from, &j.source));
    if ours {
        Ok(())
    } else {
        Err(refuse(
            j,
            "copy",
            &j.target,
            format!(
                "a folder carrying Backup Relocator's marker for {}",
                j.source.display()
            ),
        ))
    }
}

/// A merge brings new backups into our copy of this folder (its marker
/// names it), made beside it.
fn check_merge_places(j: &Journal) -> Result<()> {
    let destination = j.target.parent().unwrap_or(&j.target);
    copy_of_this_folder(j)?;
    staging_is(j, &drive_staging(destination, &j.id, true))
}

/// An archive or a bring-back moves one device's folder between the
/// backup folder (where its backups are now) and an archive folder of ours
/// on a drive: each place must be that, under the device's one name, and
/// the copy and the set-aside folder named as the operation names them.
fn check_device_places(j: &Journal) -> Result<()> {
    let (in_folder, archived) = match j.operation {
        Operation::Archive => (j.previous.as_deref(), Some(j.target.as_path())),
        _ => (Some(j.target.as_path()), j.previous.as_deref()),
    };
    let (Some(in_folder), Some(archived)) = (in_folder, archived) else {
        return Err(Error::Journal {
            path: j.path(),
            message: "it does not say where the device's backup was".to_owned(),
        });
    };
    let name = in_folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    if !name.as_deref().is_some_and(crate::inventory::is_udid)
        || archived.file_name() != in_folder.file_name()
    {
        return Err(refuse(
            j,
            "device backup",
            in_folder,
            "a device's folder".to_owned(),
        ));
    }
    if !in_backup_folder(in_folder, &j.source) {
        return Err(refuse(
            j,
            "device backup",
            in_folder,
            format!("a folder in {}", j.source.display()),
        ));
    }
    if archived.parent().and_then(Path::file_name) != Some(std::ffi::OsStr::new(ARCHIVE_FOLDER)) {
        return Err(refuse(
            j,
            "archived backup",
            archived,
            format!("a folder in {ARCHIVE_FOLDER}"),
        ));
    }
    staging_is(j, &local_staging(&j.target, &j.id))?;
    let aside = (j.operation == Operation::Archive).then(|| set_aside(in_folder, &j.id));
    if j.aside != aside {
        let found = j.aside.clone().unwrap_or_default();
        let expected = aside.map_or_else(|| "none".to_owned(), |a| a.display().to_string());
        return Err(refuse(j, "set-aside backup", &found, expected));
    }
    if j.operation == Operation::BringBack {
        check_archived(j, archived)?;
    }
    Ok(())
}

/// The archive a bring-back frees must be ours, taken out of this backup
/// folder by the archive the journal recorded (or being deleted by this
/// bring-back): if it is there, its marker says so.
fn check_archived(j: &Journal, archived: &Path) -> Result<()> {
    let Some(made_by) = &j.previous_id else {
        return Err(Error::Journal {
            path: j.path(),
            message: "it does not say which archive made the backup it brings back".to_owned(),
        });
    };
    if std::fs::symlink_metadata(archived).is_err() || marker::holds_nothing_of_value(archived) {
        return Ok(()); // freed already, or a deletion cut off after its marker
    }
    let ours = marker::read(archived).is_some_and(|m| {
        (m.operation_id == *made_by || m.operation_id == j.id)
            && m.moved_from
                .parent()
                .is_some_and(|parent| in_backup_folder_itself(parent, &j.source))
    });
    if ours {
        Ok(())
    } else {
        Err(refuse(
            j,
            "archived backup",
            archived,
            format!(
                "a folder carrying Backup Relocator's marker for a device of {}",
                j.source.display()
            ),
        ))
    }
}

/// Whether `folder` is the backup folder `source` (or where its link points).
fn in_backup_folder_itself(folder: &Path, source: &Path) -> bool {
    in_backup_folder(&folder.join("x"), source)
}

/// Whether `device` is a folder right in the backup folder `source`, or in
/// the folder its link points to.
fn in_backup_folder(device: &Path, source: &Path) -> bool {
    let Some(parent) = device.parent() else {
        return false;
    };
    same_place(parent, source)
        || std::fs::read_link(source).is_ok_and(|target| {
            let target = crate::locations::resolve_link_target(source, &target);
            parent == target
                || crate::paths::canonical(&target)
                    .is_ok_and(|t| crate::paths::canonical(parent).is_ok_and(|p| p == t))
        })
}

/// The copy a move back or move on replaces must be ours: if it is there,
/// it carries our marker, linked from this backup folder, made by the
/// operation the journal recorded (or being deleted by this one).
fn check_previous(j: &Journal, previous: &Path) -> Result<()> {
    if std::fs::symlink_metadata(previous).is_err() {
        return Ok(()); // renamed into place (same drive), or its drive is away
    }
    let ours = marker::read(previous).is_some_and(|m| {
        same_place(&m.moved_from, &j.source)
            && match &j.previous_id {
                Some(id) => m.operation_id == *id || m.operation_id == j.id,
                None => true,
            }
    });
    // A folder with nothing in it is a deletion cut off between its marker
    // and its removal: there is nothing to lose, so it need not prove itself.
    if ours || previous == j.source || marker::holds_nothing_of_value(previous) {
        Ok(())
    } else {
        Err(Error::ForeignRecord {
            journal: j.path(),
            what: "previous copy".to_owned(),
            found: previous.to_owned(),
            expected: format!(
                "a folder carrying Backup Relocator's marker for {}",
                j.source.display()
            ),
        })
    }
}

/// Whether two spellings of a backup folder's path are the same place:
/// equal, or the same name in the same (existing) parent folder.
fn same_place(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    let parent = |p: &Path| p.parent().and_then(|d| crate::paths::canonical(d).ok());
    a.file_name() == b.file_name() && parent(a).is_some() && parent(a) == parent(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::drive_target;

    fn journal(op: Operation, dir: &Path) -> Journal {
        let source = dir.join("MobileSync").join("Backup");
        std::fs::create_dir_all(source.parent().unwrap()).unwrap();
        let id = "0123456789ab";
        let drive = dir.join("drive");
        let (target, staging) = match op {
            Operation::Revert => (source.clone(), local_staging(&source, id)),
            _ => (drive_target(&drive), drive_staging(&drive, id, true)),
        };
        let mut j = Journal::new(op, id, &source, &target, &staging);
        match op {
            Operation::Move => j.aside = Some(set_aside(&source, id)),
            _ => j.previous = Some(dir.join("old").join("Backup")),
        }
        j
    }

    #[test]
    fn derived_places_pass_and_each_foreign_field_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        for op in [Operation::Move, Operation::Revert, Operation::Retarget] {
            let j = journal(op, dir.path());
            let source = j.source.clone();
            check_journal(&j, &source).unwrap();
            let foreign = dir.path().join("Documents");
            for field in ["source", "target", "staging", "aside"] {
                let mut bad = j.clone();
                match field {
                    "source" => bad.source = foreign.clone(),
                    "target" => bad.target = foreign.clone(),
                    "staging" => bad.staging = foreign.clone(),
                    _ => bad.aside = Some(foreign.clone()),
                }
                let err = check_journal(&bad, &source).unwrap_err();
                assert!(
                    err.to_string().contains(&foreign.display().to_string()),
                    "{op:?} {field}: {err}"
                );
            }
        }
    }

    #[test]
    fn a_previous_copy_without_our_marker_is_refused_unless_empty() {
        let dir = tempfile::tempdir().unwrap();
        let j = journal(Operation::Retarget, dir.path());
        let previous = j.previous.clone().unwrap();
        std::fs::create_dir_all(&previous).unwrap();
        // Empty, it holds nothing to lose (a deletion cut off after its marker).
        check_journal(&j, &j.source.clone()).unwrap();
        std::fs::write(previous.join("someone's file"), b"x").unwrap();
        let err = check_journal(&j, &j.source.clone()).unwrap_err();
        assert!(matches!(err, Error::ForeignRecord { .. }), "{err}");
        let ours = marker::Marker::new("aaaaaaaaaaaa", marker::MarkerState::Complete, &j.source);
        marker::write(&previous, &ours).unwrap();
        check_journal(&j, &j.source.clone()).unwrap();
        let mut recorded = j.clone();
        recorded.previous_id = Some("bbbbbbbbbbbb".into());
        assert!(check_journal(&recorded, &j.source.clone()).is_err());
    }

    #[test]
    fn a_bring_back_frees_only_an_archive_of_this_folder_made_by_the_archive_recorded() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("MobileSync").join("Backup");
        std::fs::create_dir_all(&source).unwrap();
        let udid = "0123456789abcdef0123456789abcdef01234567";
        let id = "0123456789ab";
        let archived = dir.path().join("drive").join(ARCHIVE_FOLDER).join(udid);
        std::fs::create_dir_all(&archived).unwrap();
        std::fs::write(archived.join("Info.plist"), b"x").unwrap();
        let target = source.join(udid);
        let mut j = Journal::new(
            Operation::BringBack,
            id,
            &source,
            &target,
            &local_staging(&target, id),
        );
        j.previous = Some(archived.clone());
        // No archive recorded: refused.
        assert!(check_journal(&j, &source).is_err());
        j.previous_id = Some("aaaaaaaaaaaa".into());
        // An archive of another folder's device: refused.
        let elsewhere = dir.path().join("Other").join(udid);
        let theirs = marker::Marker::new("aaaaaaaaaaaa", marker::MarkerState::Complete, &elsewhere);
        marker::write(&archived, &theirs).unwrap();
        assert!(matches!(
            check_journal(&j, &source),
            Err(Error::ForeignRecord { .. })
        ));
        // Made by another archive than the one recorded: refused.
        let other = marker::Marker::new("bbbbbbbbbbbb", marker::MarkerState::Complete, &target);
        marker::rewrite(&archived, &other).unwrap();
        assert!(check_journal(&j, &source).is_err());
        // Ours, from this folder, by the recorded archive: accepted.
        let ours = marker::Marker::new("aaaaaaaaaaaa", marker::MarkerState::Complete, &target);
        marker::rewrite(&archived, &ours).unwrap();
        check_journal(&j, &source).unwrap();
        // A device's place outside this backup folder: refused.
        let mut outside = j.clone();
        outside.target = dir.path().join("Documents").join(udid);
        outside.staging = local_staging(&outside.target, id);
        assert!(check_journal(&outside, &source).is_err());
    }
}
