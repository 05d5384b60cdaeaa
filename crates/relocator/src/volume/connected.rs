//! The drives connected now that could hold backups, for a list a person
//! picks from: mounted, writable, not a RAM disk, not one of the system's
//! own areas (boot and recovery partitions, macOS's hidden system
//! volumes). Asks the OS for every mount, so call it off the window's thread.

use std::path::{Path, PathBuf};

use super::VolumeInfo;

/// What sort of drive it is, as a person would say it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriveKind {
    /// Built into the computer.
    Internal,
    /// Plugged in: USB, Thunderbolt, an SD card.
    Removable,
    /// A share on another computer.
    Network,
}

impl VolumeInfo {
    /// What sort of drive it is.
    #[must_use]
    pub fn kind(&self) -> DriveKind {
        if self.network {
            DriveKind::Network
        } else if self.removable {
            DriveKind::Removable
        } else {
            DriveKind::Internal
        }
    }
}

/// The drives connected now that could hold backups, largest free space first.
#[must_use]
pub fn connected() -> Vec<VolumeInfo> {
    let mounts: Vec<PathBuf> = sysinfo::Disks::new_with_refreshed_list()
        .map(|disks| disks.iter().map(|d| d.mount_point().to_owned()).collect())
        .unwrap_or_default();
    choosable(
        mounts
            .iter()
            .filter(|m| !is_system_area(m))
            .filter_map(|m| super::volume_of(m).ok())
            .collect(),
    )
}

/// Of `volumes`, those a person could put backups on: writable, with
/// space, not a RAM disk or a system area; each mount point once; most
/// free space first.
#[must_use]
pub fn choosable(mut volumes: Vec<VolumeInfo>) -> Vec<VolumeInfo> {
    volumes.retain(|v| {
        !v.read_only
            && v.total_bytes > 0
            && !is_ram_disk(&v.file_system)
            && !is_system_area(&v.mount_point)
    });
    volumes.sort_by(|a, b| {
        b.free_bytes
            .cmp(&a.free_bytes)
            .then_with(|| a.mount_point.cmp(&b.mount_point))
    });
    let mut seen = std::collections::HashSet::new();
    volumes.retain(|v| seen.insert(v.mount_point.clone()));
    volumes
}

/// File systems that live in memory: gone at the next restart.
fn is_ram_disk(file_system: &str) -> bool {
    matches!(
        file_system.to_ascii_lowercase().as_str(),
        "tmpfs" | "ramfs" | "devtmpfs" | "overlay" | "squashfs" | "efivarfs" | "proc" | "sysfs"
    )
}

/// Mount points that belong to the system, not to a person's files.
fn is_system_area(mount_point: &Path) -> bool {
    const LINUX: [&str; 9] = [
        "/boot", "/proc", "/sys", "/dev", "/snap", "/var/lib", "/efi", "/run", "/tmp",
    ];
    let text = mount_point.to_string_lossy();
    // Removable media under /run/media/<user> (Fedora, Arch) are people's drives.
    if text.starts_with("/run/media/") {
        return false;
    }
    text.starts_with("/System/Volumes/")
        || text.starts_with("/private/var/")
        || LINUX.iter().any(|area| mount_point.starts_with(area))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drive(mount: &str, fs: &str, free: u64) -> VolumeInfo {
        VolumeInfo {
            mount_point: PathBuf::from(mount),
            name: String::new(),
            file_system: fs.to_owned(),
            total_bytes: free * 2,
            free_bytes: free,
            removable: false,
            network: false,
            read_only: false,
            free_file_slots: None,
        }
    }

    #[test]
    fn only_writable_real_drives_outside_the_system_areas_are_offered() {
        let mut read_only = drive("/Volumes/Old CD", "cd9660", 5);
        read_only.read_only = true;
        let list = choosable(vec![
            drive("/", "ext4", 10),
            drive("/boot/efi", "vfat", 1),
            drive("/dev/shm", "tmpfs", 100),
            drive("/media/ana/Big", "exfat", 500),
            drive("/run/media/ana/Stick", "vfat", 20),
            drive("/run/user/1000", "tmpfs", 1),
            drive("/System/Volumes/VM", "apfs", 900),
            drive("/System/Volumes/Data", "apfs", 900),
            drive("/Volumes/Big", "apfs", 700),
            drive(r"E:\", "ntfs", 300),
            drive("/media/ana/Big", "exfat", 500),
            drive("/mnt/empty", "ext4", 0),
            read_only,
        ]);
        let mounts: Vec<_> = list.iter().map(|v| v.mount_point.clone()).collect();
        assert_eq!(
            mounts,
            [
                "/Volumes/Big",
                "/media/ana/Big",
                r"E:\",
                "/run/media/ana/Stick",
                "/"
            ]
            .map(PathBuf::from)
        );
    }

    #[test]
    fn the_kind_says_network_before_removable() {
        let mut v = drive("/Volumes/Share", "smbfs", 1);
        assert_eq!(v.kind(), DriveKind::Internal);
        v.removable = true;
        assert_eq!(v.kind(), DriveKind::Removable);
        v.network = true;
        assert_eq!(v.kind(), DriveKind::Network);
    }

    #[test]
    fn the_connected_drives_can_be_listed_here() {
        // Whatever this machine has: each one offered is writable and sized.
        for v in connected() {
            assert!(!v.read_only && v.total_bytes > 0, "{v:?}");
        }
    }
}
