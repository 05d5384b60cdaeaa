//! Why macOS said "operation not permitted" (EPERM). Not every refusal is
//! Full Disk Access: a locked item (Finder's "Locked", the `uchg` flag), an
//! item System Integrity Protection guards (`restricted`), and a drive the
//! privacy settings have not opened to the app (removable and network
//! volumes have their own switches since macOS 10.15) each need their own
//! way out. POSIX permission denials are EACCES, not EPERM (Apple DTS, "On
//! File System Permissions"), and are worded elsewhere.

use std::path::Path;

/// `<sys/stat.h>`: the owner locked the item (`chflags uchg`, Finder's "Locked").
pub const UF_IMMUTABLE: u32 = 0x0000_0002;
/// `<sys/stat.h>`: the system locked the item (`schg`).
pub const SF_IMMUTABLE: u32 = 0x0002_0000;
/// `<sys/stat.h>`: System Integrity Protection guards the item.
pub const SF_RESTRICTED: u32 = 0x0008_0000;

/// What stopped an operation that macOS did not permit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotPermitted {
    /// The item (or its folder) is locked.
    Locked,
    /// System Integrity Protection guards it.
    SystemProtected,
    /// The privacy settings keep the app off this drive.
    DriveBlocked,
    /// The privacy settings keep the app out of the folder: Full Disk Access.
    FullDiskAccess,
}

/// The cause, from the flags of the item and of its folder (`st_flags`)
/// and whether it is on another drive than the system's (`/Volumes/…`).
#[must_use]
pub fn cause(item_flags: u32, folder_flags: u32, on_another_drive: bool) -> NotPermitted {
    let flags = item_flags | folder_flags;
    if flags & SF_RESTRICTED != 0 {
        NotPermitted::SystemProtected
    } else if flags & (UF_IMMUTABLE | SF_IMMUTABLE) != 0 {
        NotPermitted::Locked
    } else if on_another_drive {
        NotPermitted::DriveBlocked
    } else {
        NotPermitted::FullDiskAccess
    }
}

/// The cause for `path`, asked of the disk (macOS); Full Disk Access
/// where nothing more can be learnt.
#[must_use]
pub fn cause_at(path: &Path) -> NotPermitted {
    #[cfg(target_vendor = "apple")]
    {
        use std::os::macos::fs::MetadataExt as _;
        let flags = |p: &Path| std::fs::symlink_metadata(p).map_or(0, |m| m.st_flags());
        let folder = path.parent().map_or(0, flags);
        cause(flags(path), folder, path.starts_with("/Volumes"))
    }
    #[cfg(not(target_vendor = "apple"))]
    {
        let _ = path;
        NotPermitted::FullDiskAccess
    }
}

impl NotPermitted {
    /// The cause and the way out, in plain words.
    #[must_use]
    pub fn words(self) -> &'static str {
        match self {
            NotPermitted::Locked => {
                "it is locked: in Finder, choose File › Get Info and turn off Locked, then try again"
            }
            NotPermitted::SystemProtected => {
                "macOS protects it (System Integrity Protection), so no app may change it"
            }
            NotPermitted::DriveBlocked => {
                "macOS blocked access to this drive: open System Settings › Privacy & Security › Files and Folders, allow Backup Relocator on Removable Volumes or Network Volumes (or give it Full Disk Access), then try again"
            }
            NotPermitted::FullDiskAccess => {
                "macOS blocked access; Backup Relocator needs Full Disk Access (System Settings › Privacy & Security › Full Disk Access)"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 19: a locked file, a protected one and a blocked drive each
    /// get their own words; only what is left is Full Disk Access.
    #[test]
    fn each_refusal_has_its_own_cause() {
        assert_eq!(cause(UF_IMMUTABLE, 0, false), NotPermitted::Locked);
        assert_eq!(cause(0, SF_IMMUTABLE, true), NotPermitted::Locked);
        assert_eq!(
            cause(SF_RESTRICTED | UF_IMMUTABLE, 0, false),
            NotPermitted::SystemProtected
        );
        assert_eq!(cause(0, 0, true), NotPermitted::DriveBlocked);
        assert_eq!(cause(0, 0, false), NotPermitted::FullDiskAccess);
        assert!(NotPermitted::Locked.words().contains("Locked"));
        assert!(
            NotPermitted::DriveBlocked
                .words()
                .contains("Removable Volumes")
        );
    }
}
