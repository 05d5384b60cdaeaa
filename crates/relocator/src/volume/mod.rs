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

/// The format of the volume holding `path` ("apfs", "exfat"…), asked as
/// cheaply as the system allows (macOS: one `statfs`).
#[must_use]
pub fn file_system_of(path: &Path) -> Option<String> {
    #[cfg(target_vendor = "apple")]
    {
        platform::file_system(path)
    }
    #[cfg(not(target_vendor = "apple"))]
    {
        volume_of(path).ok().map(|v| v.file_system)
    }
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

/// Whether two volumes draw on the same storage although they are not the
/// same volume: APFS volumes of one container (macOS). Moving backups
/// between them frees nothing. Asks a system tool: call it when checking.
#[must_use]
pub fn shares_storage(a: &Path, b: &Path) -> bool {
    #[cfg(target_vendor = "apple")]
    {
        let (Ok(a), Ok(b)) = (crate::paths::canonical(a), crate::paths::canonical(b)) else {
            return false;
        };
        storage::same_container(
            platform::container(&a).as_deref(),
            platform::container(&b).as_deref(),
        )
    }
    #[cfg(not(target_vendor = "apple"))]
    {
        let _ = (a, b);
        false
    }
}

/// The free space of `volume` (holding `path`) to plan a move back to this
/// computer with: on a Mac, purgeable space counts, as in Finder.
#[must_use]
pub fn free_for_a_move_back(path: &Path, volume: &VolumeInfo) -> u64 {
    #[cfg(target_vendor = "apple")]
    let important = crate::paths::canonical(path)
        .ok()
        .and_then(|p| platform::important_use_capacity(&p));
    #[cfg(not(target_vendor = "apple"))]
    let important = {
        let _ = path;
        None
    };
    storage::free_for_a_move_back(volume.free_bytes, important)
}

/// Where drives are mounted now: Linux's mount table; the drive list on a
/// Mac; on Windows every drive letter that answers (mapped, virtual and
/// plugged-in drives included, which the volume list can miss) and the
/// folders the drive list knows as mount points.
#[must_use]
pub fn mounted_roots() -> Vec<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        mountinfo::read()
            .map(|m| m.into_iter().map(|m| m.mount_point).collect())
            .unwrap_or_default()
    }
    #[cfg(not(target_os = "linux"))]
    {
        let mut roots: Vec<PathBuf> = Vec::new();
        if cfg!(windows) {
            roots.extend(
                (b'A'..=b'Z')
                    .map(|letter| PathBuf::from(format!("{}:\\", char::from(letter))))
                    .filter(|root| std::fs::metadata(root).is_ok()),
            );
        }
        let listed = sysinfo::Disks::new_with_refreshed_list()
            .map(|d| {
                d.iter()
                    .map(|d| d.mount_point().to_owned())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        for root in listed {
            if !roots.contains(&root) {
                roots.push(root);
            }
        }
        roots
    }
}

/// The mounted drives a person's files can be on: [`mounted_roots`]
/// without the system's own root and, on Linux, without the kernel's
/// pseudo file systems (`/proc`, `/sys`, …), where nothing of ours can be.
#[must_use]
pub fn drive_roots() -> Vec<PathBuf> {
    #[cfg(target_os = "linux")]
    {
        const PSEUDO: [&str; 16] = [
            "proc",
            "sysfs",
            "devtmpfs",
            "devpts",
            "cgroup",
            "cgroup2",
            "securityfs",
            "debugfs",
            "tracefs",
            "pstore",
            "bpf",
            "mqueue",
            "hugetlbfs",
            "configfs",
            "fusectl",
            "autofs",
        ];
        mountinfo::read()
            .map(|mounts| {
                mounts
                    .into_iter()
                    .filter(|m| !PSEUDO.contains(&m.fs_type.as_str()))
                    .map(|m| m.mount_point)
                    .filter(|p| p != Path::new("/"))
                    .collect()
            })
            .unwrap_or_default()
    }
    #[cfg(not(target_os = "linux"))]
    {
        mounted_roots()
            .into_iter()
            .filter(|p| p.parent().is_some() || cfg!(windows))
            .collect()
    }
}

/// Whether two existing paths are on the same volume (a rename between them is instant).
pub fn same_volume(a: &Path, b: &Path) -> Result<bool> {
    platform::same_volume(a, b)
}

/// What Windows says of a volume: its label, format, capability flags
/// (`GetVolumeInformationW`), drive type (`GetDriveTypeW`) and the bus its
/// disk hangs on (`IOCTL_STORAGE_QUERY_PROPERTY`, when it answers).
#[derive(Debug, Clone, Copy, Default)]
pub struct WindowsAnswers<'a> {
    /// The volume's label.
    pub label: &'a str,
    /// Its format's name ("NTFS").
    pub file_system: &'a str,
    /// `FILE_*` flags.
    pub flags: u32,
    /// `DRIVE_*` type.
    pub drive_type: u32,
    /// `STORAGE_BUS_TYPE`, if the disk said.
    pub bus_type: Option<u32>,
}

/// Whether a Windows volume is plugged in rather than built in: its drive
/// type says removable media (sticks, cards), or its disk is on a bus for
/// plugged-in drives. USB hard disks and SSDs are `DRIVE_FIXED`, like the
/// internal disk (Microsoft: `GetDriveTypeW`); their bus is USB.
#[must_use]
pub fn windows_plugged_in(drive_type: u32, bus_type: Option<u32>) -> bool {
    /// `GetDriveTypeW`: removable media (USB sticks, SD cards).
    const DRIVE_REMOVABLE: u32 = 2;
    /// `STORAGE_BUS_TYPE`: `BusType1394`, `BusTypeUsb`, `BusTypeSd`, `BusTypeMmc`.
    const PLUGGED_IN_BUSES: [u32; 4] = [4, 7, 12, 13];
    drive_type == DRIVE_REMOVABLE || bus_type.is_some_and(|bus| PLUGGED_IN_BUSES.contains(&bus))
}

/// A volume as Windows describes it: its root, what Windows answered of
/// it, and its space. Pure, so the Windows rules run everywhere.
#[must_use]
pub fn from_windows(
    root: &Path,
    answers: WindowsAnswers<'_>,
    (free, total): (u64, u64),
) -> VolumeInfo {
    /// `GetDriveTypeW`: a network share or mapped network drive.
    const DRIVE_REMOTE: u32 = 4;
    /// `GetVolumeInformationW` flag: the volume is read-only.
    const FILE_READ_ONLY_VOLUME: u32 = 0x0008_0000;
    let WindowsAnswers {
        label,
        file_system,
        flags,
        drive_type,
        bus_type,
    } = answers;
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
        removable: drive_type != DRIVE_REMOTE && windows_plugged_in(drive_type, bus_type),
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
pub mod storage;

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
        // macOS: /private/var is a firmlink into /System/Volumes/Data, the
        // volume's mount point, which prefixes nothing outside it: the same
        // device tells that it is the volume.
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            assert_eq!(
                std::fs::metadata(&v.mount_point).unwrap().dev(),
                std::fs::metadata(&canonical).unwrap().dev(),
                "{v:?}"
            );
        }
        #[cfg(not(unix))]
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

    fn answers<'a>(label: &'a str, fs: &'a str, flags: u32, drive_type: u32) -> WindowsAnswers<'a> {
        WindowsAnswers {
            label,
            file_system: fs,
            flags,
            drive_type,
            bus_type: None,
        }
    }

    /// Issue 19: a USB hard disk or SSD is `DRIVE_FIXED`, like the
    /// internal disk; its bus says it is plugged in, so the "keep it
    /// connected" warning shows for it.
    #[test]
    fn a_usb_disk_is_plugged_in_though_windows_calls_it_fixed() {
        let fixed = 3;
        assert!(windows_plugged_in(fixed, Some(7)), "USB");
        assert!(windows_plugged_in(fixed, Some(12)), "SD card");
        assert!(windows_plugged_in(fixed, Some(4)), "FireWire");
        assert!(!windows_plugged_in(fixed, Some(17)), "NVMe inside");
        assert!(!windows_plugged_in(fixed, Some(11)), "SATA inside");
        assert!(!windows_plugged_in(fixed, None), "no answer");
        assert!(windows_plugged_in(2, None), "a stick");
        let usb_disk = from_windows(
            Path::new(r"F:\"),
            WindowsAnswers {
                bus_type: Some(7),
                ..answers("Big", "NTFS", 0, fixed)
            },
            (1, 2),
        );
        assert!(usb_disk.removable);
        assert_eq!(usb_disk.kind(), DriveKind::Removable);
    }

    #[test]
    fn windows_facts_read_a_drive_letter_a_share_and_the_flags() {
        let gb = 1_000_000_000;
        let e = from_windows(
            Path::new(r"\\?\E:\"),
            answers("Big", "NTFS", 0, 3),
            (5 * gb, 8 * gb),
        );
        assert_eq!(e.mount_point, Path::new(r"E:\"));
        assert_eq!((e.file_system.as_str(), e.name.as_str()), ("ntfs", "Big"));
        assert!(!e.network && !e.removable && !e.read_only);
        assert_eq!((e.free_bytes, e.total_bytes), (5 * gb, 8 * gb));
        let stick = from_windows(
            Path::new(r"F:\"),
            answers("", "FAT32", 0x0008_0000, 2),
            (1, 2),
        );
        assert!(stick.removable && stick.read_only && stick.is_fat());
        let share = from_windows(
            Path::new(r"\\?\UNC\nas\share\"),
            answers("", "NTFS", 0, 4),
            (1, 2),
        );
        assert!(share.network);
        assert_eq!(share.mount_point, Path::new(r"\\nas\share\"));
        let mapped = from_windows(Path::new(r"Z:\"), answers("", "", 0, 4), (1, 2));
        assert!(mapped.network);
        assert_eq!(mapped.file_system, "unknown");
    }

    #[test]
    fn a_missing_path_is_an_error_naming_it() {
        let err = volume_of(Path::new("/no/such/place")).unwrap_err();
        assert!(err.to_string().starts_with("/no/such/place"), "{err}");
    }
}
