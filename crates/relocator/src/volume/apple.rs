//! Volume facts on macOS from `statfs(2)` on the path itself: its mount
//! point, format, read-only and local flags, and its space in 64-bit
//! counts (`statvfs` has 32-bit ones on Darwin; see `storage`). The drive list (which skips
//! network volumes, and whose mount points do not prefix `/Users/…`, a
//! firmlink into `/System/Volumes/Data`) only adds the drive's name and the
//! removable flag, matched by device id.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use super::storage::{self, space_from_statfs};
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
    // statfs(2): f_blocks, f_bavail, f_files and f_ffree are 64-bit
    // (`struct statfs` with 64-bit inodes); f_bsize is the block size.
    let space = space_from_statfs(
        u64::from(st.f_bsize),
        st.f_blocks,
        st.f_bavail,
        st.f_files,
        st.f_ffree,
    );
    let mount_point = PathBuf::from(OsString::from_vec(c_field(&st.f_mntonname)));
    let file_system = String::from_utf8_lossy(&c_field(&st.f_fstypename)).to_ascii_lowercase();
    let local = st.f_flags & MNT_LOCAL != 0;
    let listed = listed_drive(&mount_point).unwrap_or_default();
    let (name, removable) = (listed.name, listed.removable);
    Ok(VolumeInfo {
        network: !local || is_network(&file_system),
        read_only: st.f_flags & MNT_RDONLY != 0,
        total_bytes: space.total,
        free_bytes: space.free,
        free_file_slots: space.free_file_slots,
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

/// The format of the volume holding `path`, from one `statfs`.
pub(super) fn file_system(path: &Path) -> Option<String> {
    let st = rustix::fs::statfs(path).ok()?;
    Some(String::from_utf8_lossy(&c_field(&st.f_fstypename)).to_ascii_lowercase())
}

/// What the drive list says of one volume.
#[derive(Debug, Default)]
struct Listed {
    name: String,
    removable: bool,
    /// Space for important use (purgeable space included).
    available: u64,
}

/// The drive list's entry for the volume mounted at `mount_point`,
/// matched by device id (the list's id is the mount point's `st_dev`).
fn listed_drive(mount_point: &Path) -> Option<Listed> {
    let device = std::fs::metadata(mount_point).ok()?.dev();
    let disks = sysinfo::Disks::new_with_refreshed_list().ok()?;
    disks
        .iter()
        .find(|d| d.id() == u64::try_from(device).ok())
        .map(|d| Listed {
            name: d.name().to_string_lossy().into_owned(),
            removable: d.is_removable(),
            available: d.available_space(),
        })
}

/// The volume's UUID, as `diskutil info -plist <mount point>` gives it
/// (`VolumeUUID`; diskutil(8), "info"): it stays the same when the volume
/// comes back as "/Volumes/Name 1".
pub(super) fn identity(canonical: &Path) -> Option<String> {
    let answer = diskutil_info(canonical)?;
    let info = plist::Value::from_reader(std::io::Cursor::new(answer)).ok()?;
    let uuid = info.as_dictionary()?.get("VolumeUUID")?.as_string()?;
    Some(format!("uuid:{uuid}"))
}

/// The APFS container holding the volume of `canonical` ("disk3"), as
/// `diskutil info -plist` names it (`APFSContainerReference`): volumes of
/// one container share its storage.
pub(super) fn container(canonical: &Path) -> Option<String> {
    storage::apfs_container(&diskutil_info(canonical)?)
}

/// `diskutil info -plist <mount point>` for the volume holding `canonical`.
fn diskutil_info(canonical: &Path) -> Option<Vec<u8>> {
    let st = rustix::fs::statfs(canonical).ok()?;
    let mount_point = PathBuf::from(OsString::from_vec(c_field(&st.f_mntonname)));
    let out = std::process::Command::new("/usr/sbin/diskutil")
        .args(["info", "-plist"])
        .arg(&mount_point)
        .output()
        .ok()?;
    out.status.success().then_some(out.stdout)
}

/// The volume's "available capacity for important usage"
/// (`kCFURLVolumeAvailableCapacityForImportantUsageKey`; Apple: "Checking
/// Volume Storage Capacity"): free space plus what macOS purges on demand,
/// the figure Finder shows. The drive list asks Core Foundation for it
/// (sysinfo's `Disk::available_space` on macOS prefers this key), so no
/// Core Foundation call is made from our code.
pub(super) fn important_use_capacity(canonical: &Path) -> Option<u64> {
    let st = rustix::fs::statfs(canonical).ok()?;
    let mount_point = PathBuf::from(OsString::from_vec(c_field(&st.f_mntonname)));
    listed_drive(&mount_point).map(|d| d.available)
}

/// Same device number: one file system.
pub(super) fn same_volume(a: &Path, b: &Path) -> Result<bool> {
    let ma = std::fs::metadata(a).at(a)?;
    let mb = std::fs::metadata(b).at(b)?;
    Ok(ma.dev() == mb.dev())
}
