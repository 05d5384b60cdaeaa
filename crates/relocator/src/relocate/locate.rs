//! A way forward when the record of an interrupted operation is damaged:
//! find where the backups are by looking for the folders Backup Relocator
//! makes (the backup folder itself, an original set aside beside it, an
//! unfinished copy beside it, and copies on the mounted drives that carry
//! our marker for this backup folder); and set the damaged record aside —
//! only once the backups are whole at the backup folder's place, or at a
//! marked copy it links to.

use std::fs;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::journal::{self, Lock};
use crate::link::FolderLink;
use crate::locations::resolve_link_target;
use crate::marker::{self, MarkerState};
use crate::names::JOURNAL_FILE;

use super::absolute;
use super::steps::{exists, is_real_dir};

/// What a found folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FoundKind {
    /// The backup folder itself, a real folder.
    BackupFolder,
    /// The original set aside by a move (`<SOURCE>.moving-<id>`).
    SetAside,
    /// A copy not finished (`…partial-<id>`).
    Unfinished,
    /// A complete copy on a drive, marked for this backup folder.
    DriveCopy,
    /// A copy being deleted (marked so).
    BeingDeleted,
}

/// A folder that holds, or may hold, the backups.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Found {
    /// Where.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub path: PathBuf,
    /// What it is.
    pub kind: FoundKind,
}

impl Found {
    /// What it is, for people.
    #[must_use]
    pub fn what(&self) -> &'static str {
        match self.kind {
            FoundKind::BackupFolder => "the backup folder, on this computer",
            FoundKind::SetAside => "the original backup folder, set aside during a move",
            FoundKind::Unfinished => "a copy that was not finished",
            FoundKind::DriveCopy => "a complete copy on a drive",
            FoundKind::BeingDeleted => "a copy that was being deleted",
        }
    }
}

/// The folders that hold, or may hold, the backups of `source`.
#[must_use]
pub fn locate_backups(source: &Path) -> Vec<Found> {
    let mut found = Vec::new();
    if is_real_dir(source) {
        found.push(Found {
            path: source.to_owned(),
            kind: FoundKind::BackupFolder,
        });
    }
    let name = source.file_name().unwrap_or_default().to_string_lossy();
    if let Some(parent) = source.parent()
        && let Ok(entries) = fs::read_dir(parent)
    {
        for entry in entries.flatten() {
            let sibling = entry.file_name().to_string_lossy().into_owned();
            let kind = if sibling.starts_with(&format!("{name}.moving-")) {
                FoundKind::SetAside
            } else if sibling.starts_with(&format!("{name}.partial-")) {
                FoundKind::Unfinished
            } else {
                continue;
            };
            found.push(Found {
                path: entry.path(),
                kind,
            });
        }
    }
    for place in drive_candidates() {
        if let Some(m) = marker::read(&place).filter(|m| m.moved_from == source) {
            let kind = match m.state {
                MarkerState::Complete => FoundKind::DriveCopy,
                MarkerState::Partial => FoundKind::Unfinished,
                MarkerState::Deleting => FoundKind::BeingDeleted,
            };
            found.push(Found { path: place, kind });
        }
    }
    found.sort_by(|a, b| a.path.cmp(&b.path));
    found.dedup();
    found
}

/// Folders on the mounted drives that could be our copies: `Backup` and
/// `Backup.partial-*` in each drive's root and one or two folders down.
pub(super) fn drive_candidates() -> Vec<PathBuf> {
    let mut places = Vec::new();
    for root in crate::volume::drive_roots() {
        collect(&root, 2, &mut places);
    }
    places.sort();
    places.dedup();
    places
}

/// The system's own folders at the top of a drive (Windows' and macOS's
/// start-up disks), where nobody puts backups and listing is slow.
const SYSTEM_FOLDERS: [&str; 10] = [
    "Windows",
    "Program Files",
    "Program Files (x86)",
    "ProgramData",
    "System Volume Information",
    "$Recycle.Bin",
    "System",
    "Library",
    "private",
    "Applications",
];

fn collect(dir: &Path, depth: usize, places: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == "Backup" || name.starts_with("Backup.partial-") {
            places.push(entry.path());
        } else if depth > 0 && !name.starts_with('.') && !SYSTEM_FOLDERS.contains(&name.as_ref()) {
            collect(&entry.path(), depth - 1, places);
        }
    }
}

/// Sets a journal that cannot be used (damaged, foreign or from another
/// version) aside as `.backup-relocator.journal.damaged-<time>`, so the
/// backups can be used again — only when they are whole at `source`: a real
/// folder, or a link to a complete copy marked for it. Returns where the
/// record now is.
pub fn set_aside_record(source: &Path, links: &dyn FolderLink) -> Result<PathBuf> {
    let source = absolute(source)?;
    let _lock = Lock::acquire(&source)?;
    let journal = journal::path_for(&source);
    if !exists(&journal) {
        return Err(Error::NoRecord { path: journal });
    }
    let usable = journal::load(&source)
        .ok()
        .flatten()
        .is_some_and(|j| crate::record_check::check_journal(&j, &source).is_ok());
    if usable {
        return Err(Error::RecordUsable { journal });
    }
    let linked = links
        .read(&source)?
        .map(|t| resolve_link_target(&source, &t))
        .filter(|t| {
            marker::read(t)
                .is_some_and(|m| m.state == MarkerState::Complete && m.moved_from == source)
        });
    // An original set aside beside a real backup folder (Apple's app made a
    // new one after a crash): which holds the backups is for a person to
    // decide; setting the record aside now would hide the set-aside one.
    if is_real_dir(&source)
        && let Some(aside) = locate_backups(&source)
            .into_iter()
            .find(|f| f.kind == FoundKind::SetAside)
    {
        return Err(Error::BackupsInTwoPlaces {
            backup_folder: source.clone(),
            set_aside: aside.path,
        });
    }
    if !is_real_dir(&source) && linked.is_none() {
        return Err(Error::BackupsNotWhole {
            backup_folder: source.clone(),
            found: locate_backups(&source)
                .into_iter()
                .map(|f| f.path)
                .collect(),
        });
    }
    let aside = journal.with_file_name(format!("{JOURNAL_FILE}.damaged-{}", marker::now_unix()));
    crate::durable::rename_no_replace(&journal, &aside)?;
    Ok(aside)
}
