//! Stand-in drives for the end-to-end tests: a fresh, empty file system of
//! a chosen format mounted on a temp folder, unmounted (and its image
//! removed) on drop. Each OS makes them its own way:
//! - Linux: tmpfs, or an image file formatted and mounted through a loop
//!   device (ext4, XFS, Btrfs) or a FUSE driver (NTFS via `ntfs-3g`, exFAT
//!   via `exfat-fuse`, FAT32 via `fusefat`); the kernel here has no vfat,
//!   exfat or ntfs3 modules;
//! - macOS: a RAM disk (`hdiutil attach -nomount ram://…`) erased as APFS,
//!   Mac OS Extended, exFAT or MS-DOS FAT32 (`diskutil eraseVolume`);
//! - Windows: a VHDX made, attached, partitioned, formatted NTFS, exFAT or
//!   FAT32 and mounted on a folder by `diskpart` (the hosted runners are
//!   administrators).

use std::path::Path;

#[cfg(target_os = "linux")]
#[path = "linux.rs"]
mod platform;

#[cfg(target_os = "macos")]
#[path = "macos.rs"]
mod platform;

#[cfg(windows)]
#[path = "windows.rs"]
mod platform;

/// A file-system format a stand-in drive can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriveKind {
    /// Linux's RAM file system.
    Tmpfs,
    /// Linux's ext4.
    Ext4,
    /// XFS.
    Xfs,
    /// Btrfs.
    Btrfs,
    /// APFS (macOS).
    Apfs,
    /// Mac OS Extended (HFS+).
    HfsPlus,
    /// NTFS (Windows; `ntfs-3g` on Linux).
    Ntfs,
    /// exFAT, the format that works on both Mac and PC.
    Exfat,
    /// FAT32, with its 4 GiB file limit.
    Fat32,
}

impl DriveKind {
    /// The formats this OS can make here, in the order the drive matrix
    /// test walks them (each retargets to the next).
    #[must_use]
    pub fn matrix() -> &'static [DriveKind] {
        platform::MATRIX
    }

    /// Whether the format holds symbolic and hard links.
    #[must_use]
    pub fn holds_links(self) -> bool {
        !matches!(self, DriveKind::Exfat | DriveKind::Fat32)
    }

    /// A short lower-case name, for test output.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            DriveKind::Tmpfs => "tmpfs",
            DriveKind::Ext4 => "ext4",
            DriveKind::Xfs => "xfs",
            DriveKind::Btrfs => "btrfs",
            DriveKind::Apfs => "apfs",
            DriveKind::HfsPlus => "hfsplus",
            DriveKind::Ntfs => "ntfs",
            DriveKind::Exfat => "exfat",
            DriveKind::Fat32 => "fat32",
        }
    }
}

/// A mounted stand-in drive.
pub struct Drive {
    inner: platform::Mounted,
}

impl Drive {
    /// The OS's usual stand-in drive of `size` ("256m", "2g"): tmpfs on
    /// Linux (with `extra` mount options such as `ro` or `nr_inodes=80`),
    /// APFS on macOS, NTFS on Windows (where `extra` must be empty).
    #[must_use]
    pub fn mount(size: &str, extra: &str) -> Self {
        Self {
            inner: platform::default_drive(parse_size(size), extra),
        }
    }

    /// A drive of the format `kind` and `size` bytes.
    #[must_use]
    pub fn of_kind(kind: DriveKind, size: u64) -> Self {
        Self {
            inner: platform::make(kind, size),
        }
    }

    /// The drive's root folder.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.inner.path()
    }

    /// Takes the drive away at once, as unplugging it would (Linux: a lazy
    /// unmount; macOS: a forced detach; Windows: the disk detached).
    pub fn unplug(&self) {
        self.inner.unplug();
    }

    /// Plugs an unplugged drive back in, its content as it was: `false`
    /// where the stand-in drive cannot come back (a RAM disk, a tmpfs).
    #[must_use]
    pub fn replug(&self) -> bool {
        // A Mac's RAM disk is gone once detached; a VHDX attached again
        // does not get its folder mount point back by itself.
        #[cfg(target_os = "linux")]
        return self.inner.replug();
        #[cfg(not(target_os = "linux"))]
        false
    }
}

/// "512m", "2g", "64k" or a plain byte count, in bytes.
#[must_use]
pub fn parse_size(size: &str) -> u64 {
    let (digits, unit) = size.split_at(size.trim_end_matches(char::is_alphabetic).len());
    let n: u64 = digits.parse().expect("a size like 512m");
    n * match unit.to_ascii_lowercase().as_str() {
        "" => 1,
        "k" => 1 << 10,
        "m" => 1 << 20,
        "g" => 1 << 30,
        other => panic!("unknown size unit {other}"),
    }
}

/// Runs `program args…`, panicking with its output when it fails; returns stdout.
#[cfg(unix)]
fn run_tool(program: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!("{program} could not start: {e} (scripts/setup.sh installs it)")
        });
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
