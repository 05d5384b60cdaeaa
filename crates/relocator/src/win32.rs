//! The few Windows calls that std and our dependencies do not offer, in one
//! reviewed place. **This module is the project's one exception to
//! `unsafe_code = "deny"`** (allowed by issue 13, item 8): each call is a
//! plain Win32 function taking NUL-terminated UTF-16 strings we own and
//! out-pointers to locals of the documented size; every block says why it
//! is sound. No pointer outlives the call, nothing is shared between threads.
//!
//! - a rename that never replaces and reaches the disk before it returns
//!   (`MoveFileExW` without `MOVEFILE_REPLACE_EXISTING`, with
//!   `MOVEFILE_WRITE_THROUGH`): std's `rename` replaces, and a folder cannot
//!   be flushed on Windows;
//! - the facts about the volume holding a path (its root, name, format,
//!   flags, kind, free space and GUID name), which the drive list of
//!   `sysinfo` gives only for local drives and only by mount-point string.

use std::ffi::OsStr;
use std::io;
use std::os::windows::ffi::{OsStrExt as _, OsStringExt as _};
use std::path::{Path, PathBuf};

use windows_sys::Win32::Storage::FileSystem::{
    GetDiskFreeSpaceExW, GetDriveTypeW, GetVolumeInformationW, GetVolumeNameForVolumeMountPointW,
    GetVolumePathNameW, MOVEFILE_REPLACE_EXISTING, MOVEFILE_WRITE_THROUGH, MoveFileExW,
};

/// Paths this long or longer get the `\\?\` prefix, as std does (`MAX_PATH` less room for a name).
const VERBATIM_FROM: usize = 248;

/// `path` as a NUL-terminated wide string the Win32 calls accept, absolute,
/// with the `\\?\` prefix when it is long. Fails on an embedded NUL.
fn wide(path: &Path) -> io::Result<Vec<u16>> {
    let absolute = std::path::absolute(path)?;
    let mut units: Vec<u16> = absolute.as_os_str().encode_wide().collect();
    let already = units.starts_with(&[u16::from(b'\\'), u16::from(b'\\'), u16::from(b'?')]);
    if units.len() >= VERBATIM_FROM && !already {
        let unc = units.starts_with(&[u16::from(b'\\'), u16::from(b'\\')]);
        let (prefix, skip): (&str, usize) = if unc { (r"\\?\UNC\", 2) } else { (r"\\?\", 0) };
        units = prefix
            .encode_utf16()
            .chain(units.into_iter().skip(skip))
            .collect();
    }
    if units.contains(&0) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "a path holds a NUL character",
        ));
    }
    units.push(0);
    Ok(units)
}

/// The text in `buffer` up to its first NUL.
fn from_wide(buffer: &[u16]) -> std::ffi::OsString {
    let end = buffer.iter().position(|&u| u == 0).unwrap_or(buffer.len());
    std::ffi::OsString::from_wide(&buffer[..end])
}

/// Win32's BOOL result as an `io::Result`, with the thread's last error.
fn check(ok: i32) -> io::Result<()> {
    if ok == 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

/// Renames `from` to `to` on the same volume. With `replace` false an
/// existing `to` fails the call (`AlreadyExists`) and is left untouched.
/// Returns only once the rename is on the disk (`MOVEFILE_WRITE_THROUGH`).
pub fn rename(from: &Path, to: &Path, replace: bool) -> io::Result<()> {
    let (from, to) = (wide(from)?, wide(to)?);
    let mut flags = MOVEFILE_WRITE_THROUGH;
    if replace {
        flags |= MOVEFILE_REPLACE_EXISTING;
    }
    // SAFETY: both pointers are to NUL-terminated UTF-16 buffers that live
    // until the call returns; MoveFileExW only reads them.
    check(unsafe { MoveFileExW(from.as_ptr(), to.as_ptr(), flags) })
}

/// The root of the volume holding `path`: `D:\`, `C:\Mounts\Photos\`, `\\nas\share\`.
pub fn volume_root(path: &Path) -> io::Result<PathBuf> {
    let name = wide(path)?;
    // The root is never longer than the path itself (+ a trailing backslash and NUL).
    let mut root = vec![0u16; name.len() + 2];
    let capacity = u32::try_from(root.len()).unwrap_or(u32::MAX);
    // SAFETY: `name` is NUL-terminated; `root` has `capacity` writable units,
    // and GetVolumePathNameW writes at most that many, NUL included.
    check(unsafe { GetVolumePathNameW(name.as_ptr(), root.as_mut_ptr(), capacity) })?;
    Ok(PathBuf::from(from_wide(&root)))
}

/// What `GetVolumeInformationW` says of a volume root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeInformation {
    /// The volume's label ("Backup Drive"), possibly empty.
    pub label: String,
    /// Its format: "NTFS", "exFAT", "FAT32", "ReFS"…
    pub file_system: String,
    /// The `FILE_*` capability flags (`FILE_READ_ONLY_VOLUME`, …).
    pub flags: u32,
    /// The serial number the format gave it.
    pub serial: u32,
}

/// `GetVolumeInformationW` for a volume root (with its trailing backslash).
pub fn volume_information(root: &Path) -> io::Result<VolumeInformation> {
    let root = wide(root)?;
    let mut label = [0u16; 261];
    let mut file_system = [0u16; 261];
    let (mut serial, mut max_component, mut flags) = (0u32, 0u32, 0u32);
    // SAFETY: `root` is NUL-terminated; each buffer's length is passed with
    // it and the three out-pointers are to local u32s.
    check(unsafe {
        GetVolumeInformationW(
            root.as_ptr(),
            label.as_mut_ptr(),
            261,
            &raw mut serial,
            &raw mut max_component,
            &raw mut flags,
            file_system.as_mut_ptr(),
            261,
        )
    })?;
    Ok(VolumeInformation {
        label: from_wide(&label).to_string_lossy().into_owned(),
        file_system: from_wide(&file_system).to_string_lossy().into_owned(),
        flags,
        serial,
    })
}

/// `GetDriveTypeW` for a volume root: `DRIVE_REMOVABLE` (2), `DRIVE_FIXED`
/// (3), `DRIVE_REMOTE` (4), `DRIVE_CDROM` (5), `DRIVE_RAMDISK` (6), or 0/1 for unknown.
pub fn drive_type(root: &Path) -> io::Result<u32> {
    let root = wide(root)?;
    // SAFETY: `root` is NUL-terminated and only read.
    Ok(unsafe { GetDriveTypeW(root.as_ptr()) })
}

/// Bytes free for this user, and the volume's total, for the folder `path`.
pub fn disk_space(path: &Path) -> io::Result<(u64, u64)> {
    let dir = wide(path)?;
    let (mut free, mut total, mut free_all) = (0u64, 0u64, 0u64);
    // SAFETY: `dir` is NUL-terminated; the out-pointers are to local u64s.
    check(unsafe {
        GetDiskFreeSpaceExW(
            dir.as_ptr(),
            &raw mut free,
            &raw mut total,
            &raw mut free_all,
        )
    })?;
    Ok((free, total))
}

/// The volume's GUID name (`\\?\Volume{…}\`) for a local volume root: it
/// stays the same when the drive letter changes. Shares have none.
pub fn volume_guid_name(root: &Path) -> io::Result<String> {
    let mut root_text: Vec<u16> = root.as_os_str().encode_wide().collect();
    if root_text.last() != Some(&u16::from(b'\\')) {
        root_text.push(u16::from(b'\\'));
    }
    let root = wide(Path::new(OsStr::new(&String::from_utf16_lossy(&root_text))))?;
    let mut name = [0u16; 64];
    // SAFETY: `root` is NUL-terminated; `name` has 64 units, more than the
    // 50 a GUID name needs, and its length is passed.
    check(unsafe { GetVolumeNameForVolumeMountPointW(root.as_ptr(), name.as_mut_ptr(), 64) })?;
    Ok(from_wide(&name).to_string_lossy().into_owned())
}
