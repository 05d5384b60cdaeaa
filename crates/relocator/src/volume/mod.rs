//! The volume (drive) a path is on: its mount point, name, file system, free
//! and total space, and whether it is removable, network or read-only.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Facts about one volume.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VolumeInfo {
    /// Where it is mounted ("/", "/Volumes/Big", "D:\").
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub mount_point: PathBuf,
    /// The drive's name as the OS shows it (may be empty).
    pub name: String,
    /// The file system ("apfs", "ntfs", "exfat", "vfat", "ext4"…), lower case.
    pub file_system: String,
    /// Total size in bytes.
    pub total_bytes: u64,
    /// Bytes free for this user.
    pub free_bytes: u64,
    /// The OS says it is removable (USB, SD card).
    pub removable: bool,
    /// A network share (SMB, NFS, AFP, `WebDAV`).
    pub network: bool,
    /// Mounted read-only.
    pub read_only: bool,
    /// Files and folders that can still be made, where the file system
    /// counts them (ext4, tmpfs: inodes); `None` where it does not (FAT,
    /// exFAT, NTFS, Windows).
    pub free_file_slots: Option<u64>,
}

impl VolumeInfo {
    /// A name for people: the volume's name, else its mount point.
    #[must_use]
    pub fn display_name(&self) -> String {
        if self.name.is_empty() || self.name.starts_with("/dev/") {
            self.mount_point.display().to_string()
        } else {
            self.name.clone()
        }
    }

    /// FAT12/16/32: files must stay below 4 GiB.
    #[must_use]
    pub fn is_fat(&self) -> bool {
        is_fat(&self.file_system)
    }
}

/// Whether a file-system name is one of the FAT family (4 GiB file limit).
#[must_use]
pub fn is_fat(file_system: &str) -> bool {
    matches!(
        file_system.to_ascii_lowercase().as_str(),
        "vfat" | "fat" | "fat12" | "fat16" | "fat32" | "msdos" | "msdosfs" | "fusefat"
    )
}

/// Whether a file-system name is a network file system.
#[must_use]
pub fn is_network(file_system: &str) -> bool {
    let fs = file_system.to_ascii_lowercase();
    matches!(
        fs.as_str(),
        "nfs"
            | "nfs4"
            | "cifs"
            | "smb"
            | "smbfs"
            | "smb2"
            | "smb3"
            | "afpfs"
            | "webdav"
            | "davfs"
            | "ncpfs"
            | "9p"
            | "sshfs"
    ) || fs.starts_with("fuse.sshfs")
}

/// Whether a file system can hold symbolic links or junctions, by its name
/// (used where the drive could not be probed; see [`crate::capabilities`]).
#[must_use]
pub fn can_hold_links(file_system: &str) -> bool {
    !is_fat(file_system) && !file_system.eq_ignore_ascii_case("exfat")
}

/// The volume holding the existing path `path`.
pub fn volume_of(path: &Path) -> Result<VolumeInfo> {
    let canonical = crate::paths::canonical(path)?;
    platform::facts(&canonical).map_err(|e| match e {
        Error::Io { source, .. } => Error::io(path, source),
        other => other,
    })
}

/// An identity of the volume holding `path` that survives its remounting
/// under another name or drive letter: its file system's UUID (Linux,
/// macOS) or its volume GUID (Windows). `None` where there is none (a RAM
/// disk, a share). May ask a system tool: call it when needed, not per frame.
#[must_use]
pub fn identity(path: &Path) -> Option<String> {
    let canonical = crate::paths::canonical(path).ok()?;
    platform::identity(&canonical)
}

/// The mount point of the volume holding `path`, and the path of `path`
/// inside that volume.
pub fn place_in_volume(path: &Path) -> Result<(PathBuf, PathBuf)> {
    let info = volume_of(path)?;
    let canonical = crate::paths::canonical(path)?;
    let inside = if cfg!(windows) {
        let root = crate::paths::windows_comparable(&info.mount_point.to_string_lossy());
        let full = canonical.to_string_lossy().replace('/', "\\");
        PathBuf::from(
            full.get(root.len()..)
                .unwrap_or("")
                .trim_start_matches('\\'),
        )
    } else {
        canonical
            .strip_prefix(&info.mount_point)
            .map(Path::to_owned)
            .unwrap_or_default()
    };
    Ok((info.mount_point, inside))
}

/// Whether two existing paths are on the same volume (a rename between them is instant).
pub fn same_volume(a: &Path, b: &Path) -> Result<bool> {
    platform::same_volume(a, b)
}

/// A volume as Windows describes it: its root, label, format, capability
/// flags, drive type and space. Pure, so the Windows rules run everywhere.
#[must_use]
pub fn from_windows(
    root: &Path,
    label: &str,
    file_system: &str,
    flags: u32,
    drive_type: u32,
    (free, total): (u64, u64),
) -> VolumeInfo {
    /// `GetDriveTypeW`: removable media (USB sticks, SD cards).
    const DRIVE_REMOVABLE: u32 = 2;
    /// `GetDriveTypeW`: a network share or mapped network drive.
    const DRIVE_REMOTE: u32 = 4;
    /// `GetVolumeInformationW` flag: the volume is read-only.
    const FILE_READ_ONLY_VOLUME: u32 = 0x0008_0000;
    let root_text = root.to_string_lossy();
    let root =
        crate::paths::simplify_verbatim(&root_text).map_or_else(|| root.to_owned(), PathBuf::from);
    let unc = root.to_string_lossy().starts_with(r"\\");
    let file_system = if file_system.is_empty() {
        "unknown".to_owned()
    } else {
        file_system.to_ascii_lowercase()
    };
    VolumeInfo {
        mount_point: root,
        name: label.to_owned(),
        network: drive_type == DRIVE_REMOTE || unc || is_network(&file_system),
        removable: drive_type == DRIVE_REMOVABLE,
        read_only: flags & FILE_READ_ONLY_VOLUME != 0,
        file_system,
        total_bytes: total,
        free_bytes: free,
        free_file_slots: None,
    }
}

#[cfg(target_os = "linux")]
#[path = "linux.rs"]
mod platform;

#[cfg(target_vendor = "apple")]
#[path = "apple.rs"]
mod platform;

#[cfg(windows)]
#[path = "windows.rs"]
mod platform;

mod connected;
pub mod mountinfo;

pub use connected::{DriveKind, choosable, connected};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_volume_of_a_temp_dir_has_space_and_a_file_system() {
        let dir = tempfile::tempdir().unwrap();
        let v = volume_of(dir.path()).unwrap();
        assert!(v.total_bytes > 0);
        assert!(v.free_bytes <= v.total_bytes);
        let canonical = crate::paths::canonical(dir.path()).unwrap();
        assert!(canonical.starts_with(&v.mount_point), "{v:?}");
        assert!(
            !v.mount_point.to_string_lossy().starts_with(r"\\?\"),
            "{v:?}"
        );
        // A temp folder is on a local drive (Windows: the fallback called every
        // verbatim path a network drive).
        assert!(!v.network, "{v:?}");
        assert_ne!(v.file_system, "unknown", "{v:?}");
        assert!(same_volume(dir.path(), &dir.path().join(".")).unwrap());
    }

    #[test]
    fn file_system_families() {
        assert!(is_fat("vfat") && is_fat("FAT32") && is_fat("msdos"));
        assert!(!is_fat("exfat") && !is_fat("ntfs"));
        assert!(is_network("smbfs") && is_network("nfs4") && is_network("fuse.sshfs"));
        assert!(!is_network("apfs"));
        assert!(!can_hold_links("exfat") && !can_hold_links("vfat") && can_hold_links("ntfs"));
    }

    #[test]
    fn windows_facts_read_a_drive_letter_a_share_and_the_flags() {
        let gb = 1_000_000_000;
        let e = from_windows(Path::new(r"\\?\E:\"), "Big", "NTFS", 0, 3, (5 * gb, 8 * gb));
        assert_eq!(e.mount_point, Path::new(r"E:\"));
        assert_eq!((e.file_system.as_str(), e.name.as_str()), ("ntfs", "Big"));
        assert!(!e.network && !e.removable && !e.read_only);
        assert_eq!((e.free_bytes, e.total_bytes), (5 * gb, 8 * gb));
        let stick = from_windows(Path::new(r"F:\"), "", "FAT32", 0x0008_0000, 2, (1, 2));
        assert!(stick.removable && stick.read_only && stick.is_fat());
        let share = from_windows(Path::new(r"\\?\UNC\nas\share\"), "", "NTFS", 0, 4, (1, 2));
        assert!(share.network);
        assert_eq!(share.mount_point, Path::new(r"\\nas\share\"));
        let mapped = from_windows(Path::new(r"Z:\"), "", "", 0, 4, (1, 2));
        assert!(mapped.network);
        assert_eq!(mapped.file_system, "unknown");
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let err = volume_of(Path::new("/no/such/place")).unwrap_err();
        assert!(err.to_string().starts_with("/no/such/place"), "{err}");
    }
}
