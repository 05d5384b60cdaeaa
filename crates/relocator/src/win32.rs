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
//!   `sysinfo` gives only for local drives and only by mount-point string;
//! - the bus a volume's disk hangs on (`IOCTL_STORAGE_QUERY_PROPERTY`):
//!   USB hard disks and SSDs are `DRIVE_FIXED` like the internal disk;
//! - a path's volume-relative NT name and the drive letters' NT devices
//!   (`GetFinalPathNameByHandleW` with `VOLUME_NAME_NT`, `QueryDosDeviceW`):
//!   virtual drives unknown to the Mount Manager fail `canonicalize`;
//! - the programs holding a file open (the Restart Manager), to name them
//!   when antivirus or an indexer keeps a rename or deletion from working.
//!   (Added with issue 19, item 5 and 6, under the same rules.)

use std::ffi::OsStr;
use std::io;
use std::os::windows::ffi::{OsStrExt as _, OsStringExt as _};
use std::path::{Path, PathBuf};

use std::os::windows::fs::OpenOptionsExt as _;
use std::os::windows::io::AsRawHandle as _;

use windows_sys::Win32::Foundation::{ERROR_MORE_DATA, ERROR_SUCCESS, HANDLE};
use windows_sys::Win32::Storage::FileSystem::{
    FILE_FLAG_BACKUP_SEMANTICS, GetDiskFreeSpaceExW, GetDriveTypeW, GetFinalPathNameByHandleW,
    GetVolumeInformationW, GetVolumeNameForVolumeMountPointW, GetVolumePathNameW,
    MOVEFILE_REPLACE_EXISTING, MOVEFILE_WRITE_THROUGH, MoveFileExW, QueryDosDeviceW,
    VOLUME_NAME_NT,
};
use windows_sys::Win32::System::IO::DeviceIoControl;
use windows_sys::Win32::System::Ioctl::IOCTL_STORAGE_QUERY_PROPERTY;
use windows_sys::Win32::System::RestartManager::{
    CCH_RM_SESSION_KEY, RM_PROCESS_INFO, RmEndSession, RmGetList, RmRegisterResources,
    RmStartSession,
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

/// The bus type (`STORAGE_BUS_TYPE`: 7 USB, 4 FireWire, 12 SD, 17 `NVMe`…)
/// of the disk under the volume with the drive letter `letter`, asked with
/// `IOCTL_STORAGE_QUERY_PROPERTY` (`StorageDeviceProperty`,
/// `PropertyStandardQuery`) on `\\.\X:` opened with no access rights,
/// which the query allows any user (Microsoft: "CreateFile", "Physical
/// disks and volumes"; the IOCTL is `FILE_ANY_ACCESS`).
pub fn bus_type(letter: char) -> io::Result<u32> {
    /// `FILE_SHARE_READ | FILE_SHARE_WRITE`.
    const SHARE_READ_WRITE: u32 = 1 | 2;
    /// `STORAGE_PROPERTY_QUERY`: `PropertyId` 0 (`StorageDeviceProperty`),
    /// `QueryType` 0 (`PropertyStandardQuery`), one byte of parameters, padded.
    const QUERY: [u8; 12] = [0; 12];
    /// `STORAGE_DEVICE_DESCRIPTOR.BusType`'s offset (after Version, Size,
    /// four bytes of types and flags, and four offsets).
    const BUS_TYPE_AT: usize = 28;
    #[repr(C, align(8))]
    struct Descriptor([u8; 1024]);
    let volume = std::fs::OpenOptions::new()
        .access_mode(0)
        .share_mode(SHARE_READ_WRITE)
        .open(format!(r"\\.\{letter}:"))?;
    let mut answer = Descriptor([0; 1024]);
    let mut returned = 0u32;
    // SAFETY: the handle is open for the call's whole length (`volume`
    // lives past it); the input is 12 readable bytes and the output 1024
    // writable ones, both sizes passed; `returned` is a local u32; no
    // OVERLAPPED (a synchronous handle). The answer is read as bytes, so no
    // invalid `bool` can be made from a driver's flags.
    check(unsafe {
        DeviceIoControl(
            volume.as_raw_handle() as HANDLE,
            IOCTL_STORAGE_QUERY_PROPERTY,
            QUERY.as_ptr().cast(),
            12,
            answer.0.as_mut_ptr().cast(),
            1024,
            &raw mut returned,
            std::ptr::null_mut(),
        )
    })?;
    let returned = usize::try_from(returned).unwrap_or(0);
    let bytes = answer
        .0
        .get(BUS_TYPE_AT..BUS_TYPE_AT + 4)
        .filter(|_| returned >= BUS_TYPE_AT + 4)
        .ok_or_else(|| io::Error::other("the drive's description was too short"))?;
    Ok(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// The NT name of `path` (`\Device\ImDisk0\Backups`), which needs no
/// Mount Manager entry (Microsoft: "GetFinalPathNameByHandleW",
/// `VOLUME_NAME_NT`).
pub fn nt_path(path: &Path) -> io::Result<String> {
    let file = std::fs::OpenOptions::new()
        .access_mode(0)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
        .open(path)?;
    let mut buffer = vec![0u16; 512];
    loop {
        let capacity = u32::try_from(buffer.len()).unwrap_or(u32::MAX);
        // SAFETY: the handle is open (`file` outlives the call); `buffer`
        // has `capacity` writable units, and the call writes at most that
        // many or returns the size it needs.
        let needed = unsafe {
            GetFinalPathNameByHandleW(
                file.as_raw_handle() as HANDLE,
                buffer.as_mut_ptr(),
                capacity,
                VOLUME_NAME_NT,
            )
        };
        let needed = usize::try_from(needed).unwrap_or(0);
        if needed == 0 {
            return Err(io::Error::last_os_error());
        }
        if needed < buffer.len() {
            return Ok(from_wide(&buffer[..needed]).to_string_lossy().into_owned());
        }
        buffer.resize(needed + 1, 0);
    }
}

/// Each drive letter and the NT device it stands for (`D:` →
/// `\Device\HarddiskVolume3`), from `QueryDosDeviceW`.
#[must_use]
pub fn drive_letter_devices() -> Vec<(char, String)> {
    let mut found = Vec::new();
    for letter in b'A'..=b'Z' {
        let name = [u16::from(letter), u16::from(b':'), 0];
        let mut target = [0u16; 1024];
        // SAFETY: `name` is NUL-terminated; `target` has 1024 writable
        // units, whose count is passed.
        let written = unsafe { QueryDosDeviceW(name.as_ptr(), target.as_mut_ptr(), 1024) };
        if written > 0 {
            let device = from_wide(&target).to_string_lossy().into_owned();
            found.push((char::from(letter), device));
        }
    }
    found
}

/// The names of the programs that hold `file` open, as the Restart
/// Manager knows them (Microsoft: "Using Restart Manager", `RmStartSession`,
/// `RmRegisterResources`, `RmGetList`): files only, a folder is refused.
pub fn programs_holding(file: &Path) -> io::Result<Vec<String>> {
    /// Ends the session however this function returns (64 may be open at once).
    struct Session(u32);
    impl Drop for Session {
        fn drop(&mut self) {
            // SAFETY: the handle came from RmStartSession and is ended once.
            unsafe { RmEndSession(self.0) };
        }
    }
    let name = wide(file)?;
    let mut handle = 0u32;
    let mut key = [0u16; CCH_RM_SESSION_KEY as usize + 1];
    // SAFETY: out-pointers to locals; the key buffer has the documented
    // CCH_RM_SESSION_KEY + 1 units; the flags must be 0.
    let started = unsafe { RmStartSession(&raw mut handle, 0, key.as_mut_ptr()) };
    if started != ERROR_SUCCESS {
        return Err(io::Error::from_raw_os_error(started.cast_signed()));
    }
    let session = Session(handle);
    let files = [name.as_ptr()];
    // SAFETY: one file name, NUL-terminated, living past the call; no
    // applications or services (null with a count of 0).
    let registered = unsafe {
        RmRegisterResources(
            session.0,
            1,
            files.as_ptr(),
            0,
            std::ptr::null(),
            0,
            std::ptr::null(),
        )
    };
    if registered != ERROR_SUCCESS {
        return Err(io::Error::from_raw_os_error(registered.cast_signed()));
    }
    let mut infos: Vec<RM_PROCESS_INFO> = Vec::new();
    // The list may grow between two calls: a few tries.
    for _ in 0..4 {
        let (mut needed, mut count, mut reasons) =
            (0u32, u32::try_from(infos.len()).unwrap_or(0), 0u32);
        let list = if infos.is_empty() {
            std::ptr::null_mut()
        } else {
            infos.as_mut_ptr()
        };
        // SAFETY: `list` is null with a count of 0, or `infos` with `count`
        // initialised elements, of which RmGetList writes at most `count`;
        // the other out-pointers are to locals.
        let listed = unsafe {
            RmGetList(
                session.0,
                &raw mut needed,
                &raw mut count,
                list,
                &raw mut reasons,
            )
        };
        match listed {
            ERROR_SUCCESS => {
                infos.truncate(usize::try_from(count).unwrap_or(0));
                return Ok(infos
                    .iter()
                    .map(|i| from_wide(&i.strAppName).to_string_lossy().into_owned())
                    .filter(|n| !n.is_empty())
                    .collect());
            }
            ERROR_MORE_DATA => {
                // SAFETY (of `zeroed`): RM_PROCESS_INFO is plain data (integers
                // and arrays of them), for which all zero bytes are valid.
                let empty: RM_PROCESS_INFO = unsafe { std::mem::zeroed() };
                infos.resize(usize::try_from(needed).unwrap_or(0) + 2, empty);
            }
            other => return Err(io::Error::from_raw_os_error(other.cast_signed())),
        }
    }
    Err(io::Error::other("the list of programs kept changing"))
}
