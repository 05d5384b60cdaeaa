//! What a folder someone offers as "the backup folder" holds. Apple's apps
//! keep each device's backup in a folder named by its UDID inside a folder
//! named `Backup`; a folder with none of those is not a backup folder, and
//! moving it would leave a link where no app looks. The one exception is
//! Apple's own `Backup` folder while it is still empty: moving it first
//! sends every later backup to the drive.

use std::fs;
use std::path::Path;

use crate::error::{IoContext as _, Result};
use crate::inventory::{self, EntryKind};

/// What Apple's apps call their backup folder.
pub const BACKUP_FOLDER_NAME: &str = "Backup";

/// Entries named as examples of what a folder holds, at most.
const EXAMPLES: usize = 3;

/// What a candidate backup folder holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Device backups (archived copies and iMazing's versions count too).
    DeviceBackups {
        /// How many device backups.
        devices: usize,
    },
    /// A folder named `Backup` with nothing in it: Apple's usual folder before its first backup.
    EmptyBackupFolder,
    /// Nothing in it, and not named `Backup`.
    EmptyFolder,
    /// Files or folders, none of them a device backup.
    NotBackups {
        /// The first few names found, sorted.
        examples: Vec<String>,
    },
}

impl Contents {
    /// Whether the app may offer to move this folder.
    #[must_use]
    pub fn is_backup_folder(&self) -> bool {
        matches!(
            self,
            Contents::DeviceBackups { .. } | Contents::EmptyBackupFolder
        )
    }
}

/// Looks inside `folder` (one directory listing; nothing is opened).
pub fn judge(folder: &Path) -> Result<Contents> {
    let mut devices = 0;
    let mut others = Vec::new();
    for entry in fs::read_dir(folder).at(folder)? {
        let entry = entry.at(folder)?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type().at(&entry.path())?.is_dir();
        if is_dir && inventory::classify(&name) != EntryKind::Other {
            devices += 1;
        } else if !is_clutter(&name) {
            others.push(name);
        }
    }
    if devices > 0 {
        return Ok(Contents::DeviceBackups { devices });
    }
    if others.is_empty() {
        let named_backup = folder
            .file_name()
            .is_some_and(|n| n.eq_ignore_ascii_case(BACKUP_FOLDER_NAME));
        return Ok(if named_backup {
            Contents::EmptyBackupFolder
        } else {
            Contents::EmptyFolder
        });
    }
    others.sort();
    others.truncate(EXAMPLES);
    Ok(Contents::NotBackups { examples: others })
}

/// Files the system or this app leaves in any folder: they say nothing
/// about what the folder is.
fn is_clutter(name: &str) -> bool {
    matches!(
        name,
        ".DS_Store" | "desktop.ini" | "Thumbs.db" | ".localized" | crate::names::MARKER_FILE
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const UDID: &str = "00008110-001A2B3C4D5E6F70";

    #[test]
    fn a_folder_with_device_backups_is_a_backup_folder() {
        let dir = tempfile::tempdir().unwrap();
        let backups = dir.path().join("Backup");
        fs::create_dir_all(backups.join(UDID)).unwrap();
        fs::create_dir_all(backups.join(format!("{UDID}-20240101-101010"))).unwrap();
        fs::write(backups.join(".DS_Store"), b"").unwrap();
        let found = judge(&backups).unwrap();
        assert_eq!(found, Contents::DeviceBackups { devices: 2 });
        assert!(found.is_backup_folder());
    }

    #[test]
    fn an_empty_folder_counts_only_when_it_is_apples_backup_folder() {
        let dir = tempfile::tempdir().unwrap();
        let usual = dir.path().join("Backup");
        let other = dir.path().join("Holiday photos");
        fs::create_dir(&usual).unwrap();
        fs::create_dir(&other).unwrap();
        fs::write(usual.join(".DS_Store"), b"").unwrap();
        assert_eq!(judge(&usual).unwrap(), Contents::EmptyBackupFolder);
        assert!(judge(&usual).unwrap().is_backup_folder());
        assert_eq!(judge(&other).unwrap(), Contents::EmptyFolder);
        assert!(!judge(&other).unwrap().is_backup_folder());
    }

    #[test]
    fn an_unrelated_folder_is_not_a_backup_folder_and_says_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let docs = dir.path().join("Backup");
        fs::create_dir_all(docs.join("Taxes")).unwrap();
        for name in ["notes.txt", "a.pdf", "z.doc"] {
            fs::write(docs.join(name), b"x").unwrap();
        }
        let found = judge(&docs).unwrap();
        assert_eq!(
            found,
            Contents::NotBackups {
                examples: vec!["Taxes".into(), "a.pdf".into(), "notes.txt".into()]
            }
        );
        assert!(!found.is_backup_folder());
        // A file named like a device is not a device backup.
        let files = dir.path().join("files");
        fs::create_dir(&files).unwrap();
        fs::write(files.join(UDID), b"x").unwrap();
        assert!(!judge(&files).unwrap().is_backup_folder());
    }

    #[test]
    fn a_missing_folder_is_an_error_that_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone");
        let e = judge(&gone).unwrap_err().to_string();
        assert!(e.contains("gone"), "{e}");
    }
}
