//! Linux stand-in drives: tmpfs; image files on loop devices for ext4, XFS
//! and Btrfs; FUSE drivers for NTFS (`ntfs-3g`), exFAT (`exfat-fuse`, which
//! needs a block device, so a loop device) and FAT32 (`fusefat -o rw+`).
//! Everything runs as root (CI does).

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{DriveKind, run_tool};

pub(super) const MATRIX: &[DriveKind] = &[
    DriveKind::Ext4,
    DriveKind::Ntfs,
    DriveKind::Xfs,
    DriveKind::Exfat,
    DriveKind::Btrfs,
    DriveKind::Fat32,
    DriveKind::Tmpfs,
];

/// A mounted drive: its mount folder, and what to undo.
pub(super) struct Mounted {
    /// Holds the image file (when there is one) and the mount folder.
    dir: tempfile::TempDir,
    mount: PathBuf,
    /// A loop device to detach after unmounting.
    loop_device: Option<String>,
    /// The command that mounts it again, as it was (none for tmpfs, whose
    /// content is gone once unmounted).
    remount: Option<Vec<std::ffi::OsString>>,
}

impl Mounted {
    pub(super) fn path(&self) -> &Path {
        &self.mount
    }
}

fn assert_root() {
    assert!(
        crate::is_root(),
        "mounting a stand-in drive needs root (CI runs as root)"
    );
}

pub(super) fn default_drive(size: u64, extra: &str) -> Mounted {
    assert_root();
    let dir = tempfile::tempdir().unwrap();
    crate::open_up(dir.path());
    let mount = dir.path().join("mnt");
    std::fs::create_dir(&mount).unwrap();
    let mut opts = format!("size={size},mode=0755");
    if !extra.is_empty() {
        opts.push(',');
        opts.push_str(extra);
    }
    run_tool(
        "mount",
        &[
            OsStr::new("-t"),
            OsStr::new("tmpfs"),
            OsStr::new("-o"),
            OsStr::new(&opts),
            OsStr::new("backup-test-drive"),
            mount.as_os_str(),
        ],
    );
    Mounted {
        dir,
        mount,
        loop_device: None,
        remount: None,
    }
}

pub(super) fn make(kind: DriveKind, size: u64) -> Mounted {
    assert_root();
    if kind == DriveKind::Tmpfs {
        return default_drive(size, "");
    }
    // Images live on the root file system's temp folder (not a RAM disk:
    // an XFS image is at least 300 MB, sparse).
    let dir = tempfile::tempdir().unwrap();
    crate::open_up(dir.path());
    let image = dir.path().join("drive.img");
    let mount = dir.path().join("mnt");
    std::fs::create_dir(&mount).unwrap();
    std::fs::File::create(&image)
        .unwrap()
        .set_len(size)
        .unwrap();
    let img = image.as_os_str();
    let label = "BRTEST";
    let mut loop_device = None;
    let command = |program: &str, args: &[&OsStr]| {
        let mut all = vec![std::ffi::OsString::from(program)];
        all.extend(args.iter().map(|a| a.to_os_string()));
        all
    };
    let remount;
    match kind {
        DriveKind::Ext4 | DriveKind::Xfs | DriveKind::Btrfs => {
            let (mkfs, force) = match kind {
                DriveKind::Ext4 => ("mkfs.ext4", "-F"),
                DriveKind::Xfs => ("mkfs.xfs", "-f"),
                _ => ("mkfs.btrfs", "-f"),
            };
            run_tool(mkfs, &[OsStr::new("-q"), OsStr::new(force), img]);
            let args = [OsStr::new("-o"), OsStr::new("loop"), img, mount.as_os_str()];
            run_tool("mount", &args);
            remount = command("mount", &args);
        }
        DriveKind::Ntfs => {
            run_tool(
                "mkntfs",
                &[
                    OsStr::new("-F"),
                    OsStr::new("-Q"),
                    OsStr::new("-L"),
                    OsStr::new(label),
                    img,
                ],
            );
            run_tool("ntfs-3g", &[img, mount.as_os_str()]);
            remount = command("ntfs-3g", &[img, mount.as_os_str()]);
        }
        DriveKind::Exfat => {
            run_tool("mkfs.exfat", &[OsStr::new("-L"), OsStr::new(label), img]);
            let device = run_tool("losetup", &[OsStr::new("-f"), OsStr::new("--show"), img])
                .trim()
                .to_owned();
            let args = [OsStr::new(&device), mount.as_os_str()];
            run_tool("mount.exfat-fuse", &args);
            remount = command("mount.exfat-fuse", &args);
            loop_device = Some(device);
        }
        DriveKind::Fat32 => {
            run_tool(
                "mkfs.vfat",
                &[
                    OsStr::new("-F"),
                    OsStr::new("32"),
                    OsStr::new("-n"),
                    OsStr::new(label),
                    img,
                ],
            );
            // rw+ is fusefat's read-write mode (its default is read-only).
            let args = [OsStr::new("-o"), OsStr::new("rw+"), img, mount.as_os_str()];
            run_tool("fusefat", &args);
            remount = command("fusefat", &args);
        }
        DriveKind::Tmpfs | DriveKind::Apfs | DriveKind::HfsPlus => {
            panic!("{} drives cannot be made on Linux", kind.name())
        }
    }
    Mounted {
        dir,
        mount,
        loop_device,
        remount: Some(remount),
    }
}

impl Mounted {
    /// Unmounts the drive at once, as pulling it out would: lazily, so a
    /// file still open there does not keep it (again: a no-op).
    pub(super) fn unplug(&self) {
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }

    /// Mounts the drive again where it was, as plugging it back in would;
    /// `false` for tmpfs, whose content went with it. Call it only once
    /// nothing holds a file on the unplugged drive any more (the program
    /// that was writing there has ended): a lazily unmounted drive lets go
    /// of its image only then.
    pub(super) fn replug(&self) -> bool {
        let Some(command) = &self.remount else {
            return false;
        };
        for _ in 0..50 {
            let mounted = Command::new(&command[0])
                .args(&command[1..])
                .status()
                .is_ok_and(|s| s.success());
            if mounted {
                return true;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        panic!("{command:?} did not mount the drive again");
    }
}

impl Drop for Mounted {
    fn drop(&mut self) {
        // Lazy: a test that failed may still hold a file open there.
        self.unplug();
        if let Some(device) = &self.loop_device {
            // The FUSE driver lets go of the device a moment after unmounting.
            for _ in 0..50 {
                if Command::new("losetup")
                    .arg("-d")
                    .arg(device)
                    .status()
                    .is_ok_and(|s| s.success())
                {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
        }
        let _ = &self.dir;
    }
}
