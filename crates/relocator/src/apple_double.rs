//! AppleDouble companions: on a drive without extended attributes of its
//! own (FAT, exFAT, many SMB shares, NFS, `WebDAV`), macOS keeps a file's
//! attributes in a hidden `._<name>` file beside it. The system makes and
//! removes these by itself (a downloaded app's files get
//! `com.apple.provenance`, which lands in one), so on such a drive they are
//! not part of the backups: walks skip them, copies never carry them back,
//! and comparisons do not count them. Only a file that is one is skipped:
//! its name starts with `._` and its content with AppleDouble's magic
//! number (RFC 1740: `0x00051607`), so a person's own `._notes` stays.

use std::ffi::OsStr;
use std::io::Read as _;
use std::path::Path;

/// AppleDouble's magic number, the first four bytes of every companion.
pub const MAGIC: [u8; 4] = [0x00, 0x05, 0x16, 0x07];

/// Whether macOS keeps attributes as companions on a drive of the format
/// `file_system` (as `statfs` names it) when the drive cannot be probed:
/// the formats without attributes of their own, and network shares.
#[must_use]
pub fn used_on(file_system: &str, macos: bool) -> bool {
    macos
        && (crate::volume::is_fat(file_system)
            || crate::volume::is_network(file_system)
            || matches!(
                file_system.to_ascii_lowercase().as_str(),
                "exfat" | "nfs" | "webdav" | "smbfs"
            ))
}

/// Whether an entry named `name` whose content begins with `header` is an
/// AppleDouble companion.
#[must_use]
pub fn is_companion(name: &OsStr, header: &[u8]) -> bool {
    name.as_encoded_bytes().starts_with(b"._") && name.len() > 2 && header.starts_with(&MAGIC)
}

/// Whether the regular file `path` (named `name`) is an AppleDouble
/// companion: reads its first four bytes, only when the name says it may be.
#[must_use]
pub fn file_is_companion(path: &Path, name: &OsStr) -> bool {
    if !name.as_encoded_bytes().starts_with(b"._") {
        return false;
    }
    let mut header = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut header))
        .is_ok_and(|()| is_companion(name, &header))
}

/// Whether the drive holding `root` keeps companions (asked of the system
/// by the drive's format; only macOS writes them, so elsewhere nothing is asked).
#[must_use]
pub fn used_under(root: &Path) -> bool {
    cfg!(target_vendor = "apple")
        && crate::volume::file_system_of(root).is_some_and(|fs| used_on(&fs, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_file_with_the_name_and_the_magic_is_a_companion() {
        let n = OsStr::new;
        assert!(is_companion(n("._Info.plist"), &[0, 5, 0x16, 7, 0, 2]));
        assert!(!is_companion(n("Info.plist"), &MAGIC));
        assert!(!is_companion(n("._"), &MAGIC));
        // A person's own file named like one keeps its place.
        assert!(!is_companion(n("._notes"), b"my notes"));
        assert!(!is_companion(n("._short"), &[0, 5]));
    }

    #[test]
    fn the_formats_without_attributes_keep_companions_on_a_mac_only() {
        for fs in ["msdos", "exfat", "smbfs", "webdav", "nfs", "vfat"] {
            assert!(used_on(fs, true), "{fs}");
            assert!(!used_on(fs, false), "{fs}");
        }
        for fs in ["apfs", "hfs", "ext4"] {
            assert!(!used_on(fs, true), "{fs}");
        }
    }

    #[test]
    fn a_companion_is_told_by_its_content() {
        let dir = tempfile::tempdir().unwrap();
        let made_by_macos = dir.path().join("._f");
        std::fs::write(&made_by_macos, [0, 5, 0x16, 7, 0, 2, 0, 0]).unwrap();
        let persons = dir.path().join("._g");
        std::fs::write(&persons, b"text").unwrap();
        assert!(file_is_companion(&made_by_macos, OsStr::new("._f")));
        assert!(!file_is_companion(&persons, OsStr::new("._g")));
        assert!(!file_is_companion(
            &dir.path().join("._none"),
            OsStr::new("._none")
        ));
    }
}
