//! Volume facts on macOS from `statfs(2)` on the path itself: its mount
//! point, format, read-only and local flags. The drive list (which skips
//! network volumes, and whose mount points do not prefix `/Users/…`, a
//! firmlink into `/System/Volumes/Data`) only adds the drive's name and the
//! removable flag, matched by device id.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use super::{VolumeInfo, is_network};
use crate::error::{Error, IoContext as _, Result};

/// `<sys/mount.h>`: the volume is mounted read-only.
const MNT_RDONLY: u32 = 0x0000_0001;
/// `<sys/mount.h>`: the volume is on a local disk (not a network share).
const MNT_LOCAL: u32 = 0x0000_1000;

/// A NUL-terminated C string field of `struct statfs` as bytes.
fn c_field(field: &[std::ffi::c_char]) -> Vec<u8> {
    field
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| u8::from_ne_bytes(c.to_ne_bytes()))
        .collect()
}

pub(super) fn facts(canonical: &Path) -> Result<VolumeInfo> {
    let st = rustix::fs::statfs(canonical).map_err(|e| Error::io(canonical, e.into()))?;
    let vfs = rustix::fs::statvfs(canonical).map_err(|e| Error::io(canonical, e.into()))?;
    let mount_point = PathBuf::from(OsString::from_vec(c_field(&st.f_mntonname)));
    let file_system = String::from_utf8_lossy(&c_field(&st.f_fstypename)).to_ascii_lowercase();
    let local = st.f_flags & MNT_LOCAL != 0;
    let (name, removable) = listed_drive(&mount_point).unwrap_or_default();
    Ok(VolumeInfo {
        network: !local || is_network(&file_system),
        read_only: st.f_flags & MNT_RDONLY != 0,
        total_bytes: vfs.f_blocks.saturating_mul(vfs.f_frsize),
        free_bytes: vfs.f_bavail.saturating_mul(vfs.f_frsize),
        free_file_slots: (vfs.f_files > 0).then_some(vfs.f_favail),
        name: if name.is_empty() {
            mount_point
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        } else {
            name
        },
        mount_point,
        file_system,
        removable,
    })
}

/// The drive list's name and removable flag for the volume mounted at
/// `mount_point`, matched by device id (the list's id is the mount point's `st_dev`).
fn listed_drive(mount_point: &Path) -> Option<(String, bool)> {
    let device = std::fs::metadata(mount_point).ok()?.dev();
    let disks = sysinfo::Disks::new_with_refreshed_list().ok()?;
    disks
        .iter()
        .find(|d| d.id() == u64::try_from(device).ok())
        .map(|d| (d.name().to_string_lossy().into_owned(), d.is_removable()))
}

/// The volume's UUID, as `diskutil info -plist <mount point>` gives it
/// (`VolumeUUID`; diskutil(8), "info"): it stays the same when the volume
/// comes back as "/Volumes/Name 1".
pub(super) fn identity(canonical: &Path) -> Option<String> {
    let st = rustix::fs::statfs(canonical).ok()?;
    let mount_point = PathBuf::from(OsString::from_vec(c_field(&st.f_mntonname)));
    let out = std::process::Command::new("/usr/sbin/diskutil")
        .args(["info", "-plist"])
        .arg(&mount_point)
        .output()
        .ok()?;
    let info = plist::Value::from_reader(std::io::Cursor::new(out.stdout)).ok()?;
    let uuid = info.as_dictionary()?.get("VolumeUUID")?.as_string()?;
    Some(format!("uuid:{uuid}"))
}

/// Same device number: one file system.
pub(super) fn same_volume(a: &Path, b: &Path) -> Result<bool> {
    let ma = std::fs::metadata(a).at(a)?;
    let mb = std::fs::metadata(b).at(b)?;
    Ok(ma.dev() == mb.dev())
}
