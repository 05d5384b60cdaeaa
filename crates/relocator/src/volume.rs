//! The volume (drive) a path is on: its mount point, name, file system, free
//! and total space, and whether it is removable, network or read-only.

use std::path::{Path, PathBuf};

use sysinfo::Disks;

use crate::error::{Error, IoContext as _, Result};

/// Facts about one volume.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct VolumeInfo {
    /// Where it is mounted ("/", "/Volumes/Big", "D:\").
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
        "vfat" | "fat" | "fat12" | "fat16" | "fat32" | "msdos" | "msdosfs"
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
    ) || fs.starts_with("fuse.sshfs")
}

/// Whether a file system can hold symbolic links or junctions.
#[must_use]
pub fn can_hold_links(file_system: &str) -> bool {
    !is_fat(file_system) && !file_system.eq_ignore_ascii_case("exfat")
}

/// The volume holding the existing path `path`.
pub fn volume_of(path: &Path) -> Result<VolumeInfo> {
    let canonical = std::fs::canonicalize(path).at(path)?;
    let disks = Disks::new_with_refreshed_list().map_err(|e| {
        Error::io(
            path,
            std::io::Error::other(format!("cannot list drives: {e}")),
        )
    })?;
    let best = disks
        .iter()
        .filter(|d| canonical.starts_with(d.mount_point()))
        .max_by_key(|d| d.mount_point().as_os_str().len());
    let info = match best {
        Some(d) => {
            let fs = d.file_system().to_string_lossy().to_ascii_lowercase();
            VolumeInfo {
                mount_point: d.mount_point().to_owned(),
                name: d.name().to_string_lossy().into_owned(),
                network: is_network(&fs),
                file_system: fs,
                total_bytes: d.total_space(),
                free_bytes: d.available_space(),
                removable: d.is_removable(),
                read_only: d.is_read_only(),
            }
        }
        None => VolumeInfo {
            mount_point: canonical
                .ancestors()
                .last()
                .unwrap_or(&canonical)
                .to_owned(),
            name: String::new(),
            file_system: "unknown".to_owned(),
            total_bytes: 0,
            free_bytes: 0,
            removable: false,
            network: canonical.to_string_lossy().starts_with(r"\\"),
            read_only: false,
        },
    };
    // statvfs on the path itself is exact even where the disk list is not
    // (bind mounts, containers, network shares it skips).
    #[cfg(unix)]
    let info = {
        let mut info = info;
        let st = rustix::fs::statvfs(&canonical).map_err(|e| Error::io(path, e.into()))?;
        info.free_bytes = st.f_bavail.saturating_mul(st.f_frsize);
        info.total_bytes = st.f_blocks.saturating_mul(st.f_frsize);
        info.read_only |= st.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY);
        info
    };
    Ok(info)
}

/// Whether two existing paths are on the same volume (a rename between them is instant).
pub fn same_volume(a: &Path, b: &Path) -> Result<bool> {
    #[cfg(unix)]
    {
        let ma = std::fs::metadata(a).at(a)?;
        let mb = std::fs::metadata(b).at(b)?;
        Ok(crate::file_id::device_of(&ma) == crate::file_id::device_of(&mb))
    }
    #[cfg(not(unix))]
    {
        Ok(volume_of(a)?.mount_point == volume_of(b)?.mount_point)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_volume_of_a_temp_dir_has_space_and_a_file_system() {
        let dir = tempfile::tempdir().unwrap();
        let v = volume_of(dir.path()).unwrap();
        assert!(v.total_bytes > 0);
        assert!(v.free_bytes <= v.total_bytes);
        assert!(
            dir.path()
                .canonicalize()
                .unwrap()
                .starts_with(&v.mount_point)
        );
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
    fn a_missing_path_is_an_error_naming_it() {
        let err = volume_of(Path::new("/no/such/place")).unwrap_err();
        assert!(err.to_string().starts_with("/no/such/place"), "{err}");
    }
}
