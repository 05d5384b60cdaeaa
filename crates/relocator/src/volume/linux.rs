//! Volume facts on Linux: the mount holding a path from the kernel's mount
//! table (matched by device number, so bind mounts and FUSE drives are
//! found), the format of a FUSE drive from `blkid` (a FUSE mount only says
//! `fuse` or `fuseblk`), space and read-only from `statvfs`, and the
//! removable flag from the drive list.

use std::os::unix::fs::MetadataExt as _;
use std::path::Path;
use std::process::Command;

use super::{VolumeInfo, is_network, mountinfo};
use crate::error::{Error, IoContext as _, Result};

pub(super) fn facts(canonical: &Path) -> Result<VolumeInfo> {
    let meta = std::fs::metadata(canonical).at(canonical)?;
    let device = (rustix::fs::major(meta.dev()), rustix::fs::minor(meta.dev()));
    let mounts = mountinfo::read().unwrap_or_default();
    let mount = mountinfo::holding(&mounts, canonical, device);
    let st = rustix::fs::statvfs(canonical).map_err(|e| Error::io(canonical, e.into()))?;
    let mut info = VolumeInfo {
        mount_point: mount.map_or_else(|| "/".into(), |m| m.mount_point.clone()),
        name: String::new(),
        file_system: mount.map_or_else(|| "unknown".to_owned(), |m| m.fs_type.clone()),
        total_bytes: st.f_blocks.saturating_mul(st.f_frsize),
        free_bytes: st.f_bavail.saturating_mul(st.f_frsize),
        removable: false,
        network: false,
        read_only: st.f_flag.contains(rustix::fs::StatVfsMountFlags::RDONLY)
            || mount.is_some_and(|m| m.read_only),
        free_file_slots: (st.f_files > 0).then_some(st.f_favail),
    };
    if let Some(m) = mount {
        let labelled = blkid(&m.source);
        info.file_system = file_system_name(&m.fs_type, labelled.fs_type.as_deref());
        info.name = labelled.label.unwrap_or_default();
    }
    info.network = is_network(&info.file_system);
    info.removable = removable(&info.mount_point);
    Ok(info)
}

/// The format to report: a FUSE mount's subtype (`fuse.sshfs` → `sshfs`),
/// or what `blkid` read from its device (`fuseblk` on an exFAT stick →
/// `exfat`); any other type as the kernel names it.
pub(super) fn file_system_name(fs_type: &str, probed: Option<&str>) -> String {
    if let Some(sub) = fs_type.strip_prefix("fuse.") {
        return sub.to_owned();
    }
    match (fs_type, probed) {
        ("fuse" | "fuseblk", Some(t)) if !t.is_empty() => t.to_ascii_lowercase(),
        _ => fs_type.to_owned(),
    }
}

/// What `blkid` reads from a device or image file.
#[derive(Debug, Default)]
struct Blkid {
    fs_type: Option<String>,
    label: Option<String>,
    uuid: Option<String>,
}

/// Asks `blkid` (util-linux) about the mount's source when it is a device
/// or image file; nothing when it is not, or `blkid` is missing or refuses.
fn blkid(source: &str) -> Blkid {
    let mut found = Blkid::default();
    if !source.starts_with('/') || !Path::new(source).exists() {
        return found;
    }
    // No cache (`-c /dev/null`): a loop or USB device number is reused by
    // the next drive, and a cached answer would name the last one's volume.
    let Ok(out) = Command::new("blkid")
        .args(["-c", "/dev/null", "-o", "export", "--"])
        .arg(source)
        .output()
    else {
        return found;
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        match line.split_once('=') {
            Some(("TYPE", v)) => found.fs_type = Some(unescape_export(v)),
            Some(("LABEL", v)) => found.label = Some(unescape_export(v)),
            Some(("UUID", v)) => found.uuid = Some(unescape_export(v)),
            _ => {}
        }
    }
    found
}

/// A value of `blkid -o export`, which puts a backslash before each
/// character a shell would read otherwise ("BR\\ First" → "BR First").
fn unescape_export(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// Whether the drive list calls the drive at `mount_point` removable.
fn removable(mount_point: &Path) -> bool {
    sysinfo::Disks::new_with_refreshed_list()
        .ok()
        .is_some_and(|disks| {
            disks
                .iter()
                .any(|d| d.mount_point() == mount_point && d.is_removable())
        })
}

/// The file system's UUID as `blkid` reads it from its device or image
/// (ext4, XFS, Btrfs, NTFS, exFAT, FAT all have one; tmpfs has none).
pub(super) fn identity(canonical: &Path) -> Option<String> {
    let meta = std::fs::metadata(canonical).ok()?;
    let device = (rustix::fs::major(meta.dev()), rustix::fs::minor(meta.dev()));
    let mounts = mountinfo::read().ok()?;
    let mount = mountinfo::holding(&mounts, canonical, device)?;
    blkid(&mount.source).uuid.map(|uuid| format!("uuid:{uuid}"))
}

/// Same device number: one file system.
pub(super) fn same_volume(a: &Path, b: &Path) -> Result<bool> {
    let ma = std::fs::metadata(a).at(a)?;
    let mb = std::fs::metadata(b).at(b)?;
    Ok(ma.dev() == mb.dev())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuse_mounts_report_the_format_underneath() {
        assert_eq!(file_system_name("fuseblk", Some("exfat")), "exfat");
        assert_eq!(file_system_name("fuse", Some("ntfs")), "ntfs");
        assert_eq!(file_system_name("fuse", None), "fuse");
        assert_eq!(file_system_name("fuse.fusefat", None), "fusefat");
        assert_eq!(file_system_name("fuse.sshfs", Some("x")), "sshfs");
        assert_eq!(file_system_name("ext4", Some("ext4")), "ext4");
    }

    #[test]
    fn blkid_export_values_lose_their_shell_escapes() {
        assert_eq!(unescape_export(r"BR\ First"), "BR First");
        assert_eq!(unescape_export(r"Ana\'s\ \$drive"), "Ana's $drive");
        assert_eq!(unescape_export(r"back\\slash"), r"back\slash");
        assert_eq!(unescape_export("plain"), "plain");
    }
}
