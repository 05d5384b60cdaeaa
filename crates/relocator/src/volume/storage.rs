//! What a volume's space really is, as pure rules over what the system
//! answers (so they run and are tested on every platform):
//! - space and file slots from a 64-bit `statfs` (Darwin's `statvfs` has
//!   32-bit block counts, `fsblkcnt_t`, and read a NAS share of a few TiB
//!   as a fraction of its size);
//! - the space Finder offers for a move back: the volume's "available
//!   capacity for important usage", which counts purgeable space (local
//!   snapshots, caches) that macOS frees on demand;
//! - whether two volumes share one pool of storage (APFS volumes in one
//!   container): moving between them frees nothing.

/// A volume's space, in bytes, and its free file slots where counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Space {
    /// Total size.
    pub total: u64,
    /// Free for this user.
    pub free: u64,
    /// Files and folders that can still be made (`None`: not counted).
    pub free_file_slots: Option<u64>,
}

/// The space a `statfs` answer describes: `blocks` and `available_blocks`
/// of `block_size` bytes, `files` slots of which `free_files` are free
/// (a file system that reports no slots at all does not count them).
#[must_use]
pub fn space_from_statfs(
    block_size: u64,
    blocks: u64,
    available_blocks: u64,
    files: u64,
    free_files: u64,
) -> Space {
    Space {
        total: blocks.saturating_mul(block_size),
        free: available_blocks.saturating_mul(block_size),
        free_file_slots: (files > 0).then_some(free_files),
    }
}

/// The free space to plan a move back with: the larger of what is free
/// now and what the system frees for important use (purgeable space
/// included), as Finder counts it.
#[must_use]
pub fn free_for_a_move_back(free_now: u64, important_use: Option<u64>) -> u64 {
    important_use.map_or(free_now, |capacity| capacity.max(free_now))
}

/// The APFS container of a volume, from `diskutil info -plist`'s answer
/// (`APFSContainerReference`, "disk3"); `None` for other formats or an
/// answer that cannot be read.
#[must_use]
pub fn apfs_container(diskutil_plist: &[u8]) -> Option<String> {
    let info = plist::Value::from_reader(std::io::Cursor::new(diskutil_plist)).ok()?;
    let reference = info
        .as_dictionary()?
        .get("APFSContainerReference")?
        .as_string()?;
    (!reference.is_empty()).then(|| reference.to_owned())
}

/// Whether two volumes, known by their containers, draw on the same storage.
#[must_use]
pub fn same_container(a: Option<&str>, b: Option<&str>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 19: a 40 TiB share counted in 4 KiB blocks has more blocks
    /// than 32 bits hold; `statfs`'s 64-bit counts give its real size.
    #[test]
    fn a_share_of_many_terabytes_reads_its_whole_size() {
        let tib = 1u64 << 40;
        let blocks = 40 * tib / 4096;
        assert!(blocks > u64::from(u32::MAX));
        let space = space_from_statfs(4096, blocks, blocks / 2, 0, 0);
        assert_eq!(space.total, 40 * tib);
        assert_eq!(space.free, 20 * tib);
        assert_eq!(space.free_file_slots, None);
        let apfs = space_from_statfs(4096, 1000, 10, 5_000_000, 4_000_000);
        assert_eq!(apfs.free_file_slots, Some(4_000_000));
        assert_eq!(
            space_from_statfs(u64::MAX, 2, 2, 0, 0).total,
            u64::MAX,
            "never wraps"
        );
    }

    #[test]
    fn a_move_back_counts_purgeable_space_as_finder_does() {
        let gb = 1_000_000_000;
        assert_eq!(free_for_a_move_back(10 * gb, Some(80 * gb)), 80 * gb);
        assert_eq!(free_for_a_move_back(10 * gb, None), 10 * gb);
        // An answer below what is free now never lowers it.
        assert_eq!(free_for_a_move_back(10 * gb, Some(gb)), 10 * gb);
    }

    fn diskutil(keys: &str) -> Vec<u8> {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>{keys}</dict></plist>"#
        )
        .into_bytes()
    }

    /// Issue 19: another APFS volume in the Mac's own container is not
    /// another drive; an exFAT stick has no container at all.
    #[test]
    fn volumes_of_one_apfs_container_share_their_storage() {
        let data = diskutil(
            "<key>APFSContainerReference</key><string>disk3</string>\
             <key>FilesystemType</key><string>apfs</string>\
             <key>MountPoint</key><string>/System/Volumes/Data</string>",
        );
        let second = diskutil(
            "<key>APFSContainerReference</key><string>disk3</string>\
             <key>MountPoint</key><string>/Volumes/Backups</string>",
        );
        let usb = diskutil(
            "<key>APFSContainerReference</key><string>disk5</string>\
             <key>MountPoint</key><string>/Volumes/Big</string>",
        );
        let exfat = diskutil("<key>FilesystemType</key><string>exfat</string>");
        let (d, s, u, e) = (
            apfs_container(&data),
            apfs_container(&second),
            apfs_container(&usb),
            apfs_container(&exfat),
        );
        assert_eq!(d.as_deref(), Some("disk3"));
        assert!(same_container(d.as_deref(), s.as_deref()));
        assert!(!same_container(d.as_deref(), u.as_deref()));
        assert!(!same_container(e.as_deref(), e.as_deref()));
        assert_eq!(apfs_container(b"not a plist"), None);
    }
}
