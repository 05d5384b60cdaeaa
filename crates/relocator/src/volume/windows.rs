//! Volume facts on Windows, asked of Windows for the path itself: its
//! volume root (a drive letter, a mounted folder or a share), label,
//! format, flags, drive type and space (see [`crate::win32`]). Nothing is
//! matched by string against a drive list, so verbatim paths, mapped
//! network drives and shares are all found.

use std::path::Path;

use super::{VolumeInfo, WindowsAnswers, from_windows};
use crate::error::{IoContext as _, Result};
use crate::paths::windows_comparable;
use crate::win32;

pub(super) fn facts(canonical: &Path) -> Result<VolumeInfo> {
    let root = win32::volume_root(canonical).at(canonical)?;
    let space = win32::disk_space(canonical).at(canonical)?;
    // Shares may not answer every question; what is known still counts.
    let info = win32::volume_information(&root).ok();
    let kind = win32::drive_type(&root).unwrap_or(0);
    // Only a drive letter's disk can be asked for its bus; any refusal
    // (a share, a virtual drive, Wine) leaves the drive type to decide.
    let letter = drive_letter(&root);
    let bus_type = letter.and_then(|l| win32::bus_type(l).ok());
    let answers = WindowsAnswers {
        label: info.as_ref().map_or("", |i| i.label.as_str()),
        file_system: info.as_ref().map_or("", |i| i.file_system.as_str()),
        flags: info.as_ref().map_or(0, |i| i.flags),
        drive_type: kind,
        bus_type,
    };
    Ok(from_windows(&root, answers, space))
}

/// The drive letter of a volume root like `E:\`, if it is one.
fn drive_letter(root: &Path) -> Option<char> {
    let text = crate::paths::for_people(root)
        .to_string_lossy()
        .into_owned();
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(letter), Some(':')) if letter.is_ascii_alphabetic() => {
            Some(letter.to_ascii_uppercase())
        }
        _ => None,
    }
}

/// The volume's GUID name (`\\?\Volume{…}\`): it stays the same when the
/// drive letter changes. Shares have none.
pub(super) fn identity(canonical: &Path) -> Option<String> {
    let root = win32::volume_root(canonical).ok()?;
    win32::volume_guid_name(&root)
        .ok()
        .map(|guid| format!("volume:{}", guid.to_ascii_lowercase()))
}

/// The same volume root, whatever the path's form.
pub(super) fn same_volume(a: &Path, b: &Path) -> Result<bool> {
    let ra = win32::volume_root(a).at(a)?;
    let rb = win32::volume_root(b).at(b)?;
    Ok(windows_comparable(&ra.to_string_lossy()) == windows_comparable(&rb.to_string_lossy()))
}
