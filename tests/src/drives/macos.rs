//! macOS stand-in drives: RAM disks, formatted and mounted by the system
//! tools (runs in the GitHub workflow; written from the manuals):
//! - `hdiutil attach -nomount ram://<sectors>` makes a RAM-backed disk of
//!   that many 512-byte sectors and prints its device, `/dev/diskN`
//!   (hdiutil(1), "attach … -nomount"; the `ram://` image URL);
//! - `diskutil eraseVolume <format> <name> <device>` formats it and mounts
//!   it at `/Volumes/<name>`; formats as `diskutil listFilesystems` names
//!   them: `APFS`, `JHFS+`, `ExFAT`, `MS-DOS FAT32` (diskutil(8), "eraseVolume");
//! - `hdiutil detach <device> -force` unmounts and frees it (hdiutil(1), "detach").

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{DriveKind, run_tool};

pub(super) const MATRIX: &[DriveKind] = &[
    DriveKind::Apfs,
    DriveKind::Exfat,
    DriveKind::HfsPlus,
    DriveKind::Fat32,
];

/// A mounted RAM disk.
pub(super) struct Mounted {
    device: String,
    mount: PathBuf,
}

impl Mounted {
    pub(super) fn path(&self) -> &Path {
        &self.mount
    }
}

pub(super) fn default_drive(size: u64, extra: &str) -> Mounted {
    assert!(
        extra.is_empty(),
        "mount options ({extra}) exist only for Linux's tmpfs"
    );
    make(DriveKind::Apfs, size)
}

pub(super) fn make(kind: DriveKind, size: u64) -> Mounted {
    let format = match kind {
        DriveKind::Apfs => "APFS",
        DriveKind::HfsPlus => "JHFS+",
        DriveKind::Exfat => "ExFAT",
        DriveKind::Fat32 => "MS-DOS FAT32",
        other => panic!("{} drives cannot be made on macOS", other.name()),
    };
    // FAT32 needs at least 33 MB; APFS a little room for its container.
    let sectors = (size.max(64 << 20) / 512).to_string();
    let device = run_tool(
        "hdiutil",
        &[
            OsStr::new("attach"),
            OsStr::new("-nomount"),
            OsStr::new(&format!("ram://{sectors}")),
        ],
    )
    .trim()
    .to_owned();
    // FAT volume names: at most 11 upper-case characters; unique within
    // this run (threads share the process id) and not taken already.
    let name = format!(
        "BRT{:04X}{:04X}",
        std::process::id() & 0xFFFF,
        next_number()
    );
    let mount = Path::new("/Volumes").join(&name);
    assert!(
        !mount.exists(),
        "{} is taken by another volume",
        mount.display()
    );
    run_tool(
        "diskutil",
        &[
            OsStr::new("eraseVolume"),
            OsStr::new(format),
            OsStr::new(&name),
            OsStr::new(&device),
        ],
    );
    Mounted { device, mount }
}

/// A number to tell this run's volumes apart.
fn next_number() -> u32 {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed) & 0xFFFF
}

impl Mounted {
    /// Detaches the RAM disk by force, as pulling a drive out would (again: a no-op).
    pub(super) fn unplug(&self) {
        let _ = Command::new("hdiutil")
            .args(["detach", &self.device, "-force"])
            .status();
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.unplug();
    }
}
