//! **forget a drive**: an interrupted operation needs a drive that will
//! never come back (lost, broken, wiped), and recovery can only wait for
//! it. When the backups are whole without that drive — on this computer,
//! or at the complete copy of ours they were being moved from — the
//! operation is undone to that place (the undo recorded first, as every
//! undo is, so a crash here is finished by recovery), what of ours is on
//! the lost drive is recorded to be removed should it ever be seen again,
//! and the record is set aside. Refused, with where the backups are, when
//! the only whole copy is on that drive.

use std::path::{Path, PathBuf};

use crate::durable;
use crate::error::{Error, Result};
use crate::journal::{self, Journal, Lock, Step};
use crate::names::JOURNAL_FILE;
use crate::operation::Operation;

use super::steps::{self, exists, is_real_dir};
use super::{Context, absolute, leftovers};

/// An interrupted operation that waits for a drive that is not connected.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DriveNeeded {
    /// The folder on that drive the operation needs.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub drive_folder: PathBuf,
    /// Where the backups are whole without it (`None`: only on that drive).
    #[serde(serialize_with = "crate::stored_path::option::serialize")]
    pub whole_without_it: Option<PathBuf>,
}

/// What forgetting the drive did.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Forgotten {
    /// The folder on the forgotten drive.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub drive_folder: PathBuf,
    /// Where the backups are now.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub backups_at: PathBuf,
    /// Where the record was set aside.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub record: PathBuf,
    /// Copies of ours on that drive, to be removed should it be connected again.
    #[serde(serialize_with = "crate::stored_path::many::serialize")]
    pub waiting: Vec<PathBuf>,
}

impl Forgotten {
    /// Plain sentences for the user.
    #[must_use]
    pub fn message(&self) -> String {
        let mut text = format!(
            "Backup Relocator no longer waits for {}. Your backups are in {}.",
            crate::locations::drive_name_in(&self.drive_folder),
            self.backups_at.display()
        );
        if !self.waiting.is_empty() {
            text.push_str(
                " Should that drive ever be connected again, the copies Backup Relocator left on it are removed then.",
            );
        }
        text
    }
}

/// The drive the interrupted operation on `source` waits for, if it does
/// (its record is read; nothing is changed).
#[must_use]
pub fn drive_needed(source: &Path) -> Option<DriveNeeded> {
    let source = crate::paths::as_typed(source);
    let j = journal::load(&source).ok().flatten()?;
    crate::record_check::check_journal(&j, &source).ok()?;
    let drive_folder = super::recover::missing_drive_folder(&j)?;
    Some(DriveNeeded {
        drive_folder,
        whole_without_it: whole_without_drive(&j).map(|(place, _)| place),
    })
}

/// Where the backups of the unfinished `j` are whole without its drive, and
/// whether the backup folder has yet to be brought back to that place.
fn whole_without_drive(j: &Journal) -> Option<(PathBuf, bool)> {
    match j.operation {
        // A merge sets the folder aside as a move sets the original aside.
        Operation::Move | Operation::Merge if j.aside.is_some() => {
            let aside = j.aside.as_deref()?;
            // Not yet set aside: the original is whole where it was. (From
            // the link on, a real folder there is a new one, not the backups.)
            let before_the_switch = matches!(
                j.step,
                Step::Copying | Step::Renaming | Step::Publishing | Step::SettingAside
            );
            if is_real_dir(&j.source) && !exists(aside) && before_the_switch {
                Some((j.source.clone(), false))
            } else if exists(aside) && j.step != Step::Cleaning && !is_real_dir(&j.source) {
                // Set aside whole; its deletion begins only at Cleaning.
                Some((j.source.clone(), true))
            } else {
                None
            }
        }
        // The device's folder is set aside only after the archive is
        // published: before, the backup folder is whole as it was.
        Operation::Archive if matches!(j.step, Step::Copying | Step::Publishing) => {
            Some((j.source.clone(), false))
        }
        Operation::Retarget if j.step != Step::Renaming => {
            let previous = j.previous.as_deref()?;
            // The old copy is deleted only at Cleaning.
            (is_real_dir(previous) && j.step != Step::Cleaning).then(|| (previous.to_owned(), true))
        }
        _ => None,
    }
}

/// Undoes the interrupted operation on `source` without the drive it
/// waits for, which the person says is gone for good (see the module).
pub fn forget_drive(ctx: &Context<'_>, source: &Path) -> Result<Forgotten> {
    let source = absolute(source)?;
    let _lock = Lock::acquire(&source)?;
    let journal_path = journal::path_for(&source);
    let Some(j) = journal::load(&source)? else {
        return Err(Error::NoRecord { path: journal_path });
    };
    crate::record_check::check_journal(&j, &source)?;
    let Some(drive_folder) = super::recover::missing_drive_folder(&j) else {
        return Err(Error::DriveConnected {
            journal: journal_path,
        });
    };
    // (An archive's set-aside folder is a device's, inside the backup folder.)
    if let Some(aside) = steps::aside_still_there(&j)
        && is_real_dir(&j.source)
        && matches!(j.operation, Operation::Move | Operation::Merge)
    {
        return Err(Error::BackupsInTwoPlaces {
            backup_folder: j.source.clone(),
            set_aside: aside.to_owned(),
        });
    }
    let Some((backups_at, bring_back)) = whole_without_drive(&j) else {
        return Err(Error::OnlyOnTheDrive {
            drive_folder,
            journal: journal_path,
        });
    };
    // What of ours may be on that drive, recorded before anything changes.
    let ours: Vec<PathBuf> = [&j.staging, &j.target]
        .into_iter()
        .filter(|p| **p != backups_at && !is_real_dir(p))
        .cloned()
        .collect();
    for place in &ours {
        leftovers::remember(&j.source, place, leftovers::Owners::made(&j.id))?;
    }
    if bring_back {
        j.begin_undo()?;
        crate::faults::crash_point("forget-undo-begun");
        match j.operation {
            // The folder set aside comes back in place of the link.
            Operation::Move | Operation::Merge => {
                steps::remove_link_if_any(ctx.links, &j.source)?;
                if let Some(aside) = steps::aside_still_there(&j) {
                    durable::rename_no_replace(aside, &j.source)?;
                }
            }
            _ => steps::ensure_link(ctx.links, &j.source, &backups_at)?,
        }
    }
    crate::faults::crash_point("forget-brought-back");
    let record = journal_path.with_file_name(format!(
        "{JOURNAL_FILE}.drive-gone-{}",
        crate::marker::now_unix()
    ));
    durable::rename_no_replace(&journal_path, &record)?;
    Ok(Forgotten {
        drive_folder,
        backups_at,
        record,
        waiting: ours,
    })
}
