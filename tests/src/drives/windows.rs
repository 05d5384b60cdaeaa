//! Windows stand-in drives: a VHDX per drive, made and mounted by
//! `diskpart /s <script>` (runs in the GitHub workflow, whose hosted
//! runners are administrators; written from Microsoft's command reference,
//! learn.microsoft.com/windows-server/administration/windows-commands/):
//! - `create vdisk file="…" maximum=<MB> type=expandable` ("create vdisk");
//! - `select vdisk file="…"`, `attach vdisk` ("attach vdisk": it then
//!   appears as a local disk);
//! - `create partition primary`, `format fs=ntfs|exfat|fat32 label=… quick`
//!   ("format");
//! - `assign mount="<empty NTFS folder>"` mounts it on a folder instead of
//!   a drive letter ("assign");
//! - `detach vdisk` on drop ("detach vdisk").

use std::path::{Path, PathBuf};
use std::process::Command;

use super::DriveKind;

pub(super) const MATRIX: &[DriveKind] = &[DriveKind::Ntfs, DriveKind::Exfat, DriveKind::Fat32];

/// A mounted VHDX.
pub(super) struct Mounted {
    dir: tempfile::TempDir,
    vhdx: PathBuf,
    mount: PathBuf,
}

impl Mounted {
    pub(super) fn path(&self) -> &Path {
        &self.mount
    }
}

/// diskpart (through the Virtual Disk Service) fails when several run at
/// once, and the tests run on parallel threads: one at a time, detaching too.
static DISKPART: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `lines` as a diskpart script, panicking with its output on failure.
fn diskpart(dir: &Path, lines: &[String]) {
    let _one_at_a_time = DISKPART
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let script = dir.join(format!("diskpart-{}.txt", lines.len()));
    std::fs::write(&script, lines.join("\r\n")).unwrap();
    let out = Command::new("diskpart")
        .arg("/s")
        .arg(&script)
        .output()
        .expect("diskpart starts (an administrator shell is needed)");
    assert!(
        out.status.success(),
        "diskpart {lines:?} failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
}

pub(super) fn default_drive(size: u64, extra: &str) -> Mounted {
    assert!(
        extra.is_empty(),
        "mount options ({extra}) exist only for Linux's tmpfs"
    );
    make(DriveKind::Ntfs, size)
}

pub(super) fn make(kind: DriveKind, size: u64) -> Mounted {
    let fs = match kind {
        DriveKind::Ntfs => "ntfs",
        DriveKind::Exfat => "exfat",
        DriveKind::Fat32 => "fat32",
        other => panic!("{} drives cannot be made on Windows", other.name()),
    };
    // Canonical, so the folder it is mounted on reads as links read it back.
    let dir = tempfile::tempdir_in(crate::temp_base()).unwrap();
    let vhdx = dir.path().join("drive.vhdx");
    let mount = dir.path().join("mnt");
    std::fs::create_dir(&mount).unwrap();
    // FAT32 needs at least 33 MB; leave room for the partition table.
    let megabytes = (size >> 20).max(64);
    diskpart(
        dir.path(),
        &[
            format!(
                "create vdisk file=\"{}\" maximum={megabytes} type=expandable",
                vhdx.display()
            ),
            format!("select vdisk file=\"{}\"", vhdx.display()),
            "attach vdisk".to_owned(),
            "create partition primary".to_owned(),
            format!("format fs={fs} label=\"BRTEST\" quick"),
            format!("assign mount=\"{}\"", mount.display()),
        ],
    );
    Mounted { dir, vhdx, mount }
}

impl Mounted {
    /// Detaches the disk, as unplugging it would (again: a no-op).
    pub(super) fn unplug(&self) {
        let _one_at_a_time = DISKPART
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let script = self.dir.path().join("detach.txt");
        let _ = std::fs::write(
            &script,
            format!(
                "select vdisk file=\"{}\"\r\ndetach vdisk\r\n",
                self.vhdx.display()
            ),
        );
        let _ = Command::new("diskpart").arg("/s").arg(&script).status();
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        self.unplug();
    }
}
