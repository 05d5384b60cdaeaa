//! Volume facts on Windows, asked of Windows for the path itself: its
//! volume root (a drive letter, a mounted folder or a share), label,
//! format, flags, drive type and space (see [`crate::win32`]). Nothing is
//! matched by string against a drive list, so verbatim paths, mapped
//! network drives and shares are all found.

use std::path::Path;

use super::{VolumeInfo, from_windows};
use crate::error::{IoContext as _, Result};
use crate::paths::windows_comparable;
use crate::win32;

pub(super) fn facts(canonical: &Path) -> Result<VolumeInfo> {
    let root = win32::volume_root(canonical).at(canonical)?;
    let space = win32::disk_space(canonical).at(canonical)?;
    // Shares may not answer every question; what is known still counts.
    let info = win32::volume_information(&root).ok();
    let kind = win32::drive_type(&root).unwrap_or(0);
    Ok(from_windows(
        &root,
        info.as_ref().map_or("", |i| i.label.as_str()),
        info.as_ref().map_or("", |i| i.file_system.as_str()),
        info.as_ref().map_or(0, |i| i.flags),
        kind,
        space,
    ))
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
