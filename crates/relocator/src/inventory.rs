//! The device backups inside a backup folder: one per `<UDID>/` subfolder,
//! described from its `Info.plist`, `Manifest.plist` and `Status.plist`
//! (XML or binary). A missing or corrupt plist is a warning on that device;
//! the rest still lists.

use std::fs;
use std::path::{Path, PathBuf};

use plist::Value;

use crate::error::{Error, IoContext as _, Result};
use crate::progress::{Cancel, NoProgress};
use crate::scan;

/// What a subfolder of the backup folder is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    /// A device backup, `<UDID>/`.
    Device,
    /// An archived copy, `<UDID>-YYYYMMDD-HHMMSS/` (Finder or iMazing archives).
    Archive,
    /// iMazing's versioned backups, `iMazing.Versions/`.
    IMazingVersions,
    /// Anything else.
    Other,
}

/// One subfolder of the backup folder and what its plists say.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DeviceBackup {
    /// The subfolder.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub folder: PathBuf,
    /// Its name: the device's UDID for device backups.
    pub udid: String,
    /// What it is.
    pub kind: EntryKind,
    /// "Ana's iPhone".
    pub name: Option<String>,
    /// "iPhone15,2".
    pub product_type: Option<String>,
    /// The iOS version, "17.4.1".
    pub ios_version: Option<String>,
    /// When the backup was last made, ISO 8601.
    pub last_backup: Option<String>,
    /// The same, as a time (for how long ago).
    #[serde(skip)]
    pub last_backup_at: Option<std::time::SystemTime>,
    /// The device's serial number.
    pub serial_number: Option<String>,
    /// Whether the backup is encrypted (`None` if unknown).
    pub encrypted: Option<bool>,
    /// `Status.plist` says a backup is running or did not finish.
    pub in_progress: bool,
    /// `Status.plist`'s `SnapshotState`, as written.
    pub snapshot_state: Option<String>,
    /// Bytes in this subfolder (hard links once).
    pub bytes: u64,
    /// Files in this subfolder (hard links once).
    pub files: u64,
    /// What could not be read, in plain words.
    pub warnings: Vec<String>,
}

impl DeviceBackup {
    /// What to call it: the device's name, else its folder's name.
    #[must_use]
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| self.udid.clone())
    }
}

/// Lists the subfolders of `backup_dir` with their details, and their sizes
/// when `with_sizes` (which walks every file).
pub fn inventory(
    backup_dir: &Path,
    with_sizes: bool,
    cancel: &Cancel,
) -> Result<Vec<DeviceBackup>> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(backup_dir).at(backup_dir)? {
        cancel.check()?;
        let entry = entry.at(backup_dir)?;
        let path = entry.path();
        let Ok(ft) = entry.file_type() else { continue };
        if !ft.is_dir() {
            continue;
        }
        entries.push(describe(&path, with_sizes, cancel)?);
    }
    entries.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.udid.cmp(&b.udid)));
    Ok(entries)
}

/// Describes one subfolder; sizes it when `with_sizes`.
pub fn describe(folder: &Path, with_sizes: bool, cancel: &Cancel) -> Result<DeviceBackup> {
    let udid = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut d = DeviceBackup::unread(folder, udid);
    let kind = d.kind;
    if matches!(kind, EntryKind::Device | EntryKind::Archive) {
        read_plists(&mut d);
    }
    if !with_sizes {
        return Ok(d);
    }
    let totals = scan::scan(folder, &NoProgress, cancel)?;
    d.bytes = totals.bytes;
    d.files = totals.files;
    if !totals.errors.is_empty() {
        d.warnings.push(format!(
            "{} item(s) could not be read, for example {}",
            totals.errors.len(),
            totals.errors[0]
        ));
    }
    Ok(d)
}

fn read_plists(d: &mut DeviceBackup) {
    match read_plist(&d.folder.join("Info.plist")) {
        Ok(info) => {
            let text = |key: &str| info.get(key).and_then(Value::as_string).map(str::to_owned);
            d.name = text("Device Name").or_else(|| text("Display Name"));
            d.product_type = text("Product Type");
            d.ios_version = text("Product Version");
            d.serial_number = text("Serial Number");
            let date = info.get("Last Backup Date").and_then(Value::as_date);
            d.last_backup = date.map(|date| date.to_xml_format());
            d.last_backup_at = date.map(std::time::SystemTime::from);
        }
        Err(e) => d.warnings.push(e.to_string()),
    }
    match read_plist(&d.folder.join("Manifest.plist")) {
        Ok(manifest) => {
            d.encrypted = manifest.get("IsEncrypted").and_then(Value::as_boolean);
        }
        Err(e) => d.warnings.push(e.to_string()),
    }
    match read_plist(&d.folder.join("Status.plist")) {
        Ok(status) => {
            let state = status.get("SnapshotState").and_then(Value::as_string);
            d.in_progress = state != Some("finished");
            d.snapshot_state = state.map(str::to_owned);
        }
        // No Status.plist: an old backup format, or one that never got far.
        Err(e) => d.warnings.push(e.to_string()),
    }
}

fn read_plist(path: &Path) -> Result<plist::Dictionary> {
    let value = Value::from_file(path).map_err(|e| match e.as_io() {
        Some(io) => Error::io(path, std::io::Error::new(io.kind(), io.to_string())),
        None => Error::Plist {
            path: path.to_owned(),
            message: e.to_string(),
        },
    })?;
    value.into_dictionary().ok_or_else(|| Error::Plist {
        path: path.to_owned(),
        message: "not a dictionary".to_owned(),
    })
}

/// Which of `devices` the file at `path` belongs to: the one whose folder
/// (named by the device's id) is on its path — its index in `devices`.
#[must_use]
pub fn device_of(path: &Path, devices: &[DeviceBackup]) -> Option<usize> {
    path.components().rev().find_map(|c| {
        let name = c.as_os_str().to_str()?;
        devices.iter().position(|d| d.udid == name)
    })
}

impl DeviceBackup {
    /// The device backup in `folder` (named `udid`) before anything of it is read.
    #[must_use]
    pub fn unread(folder: &Path, udid: String) -> Self {
        Self {
            folder: folder.to_owned(),
            kind: classify(&udid),
            udid,
            name: None,
            product_type: None,
            ios_version: None,
            last_backup: None,
            last_backup_at: None,
            serial_number: None,
            encrypted: None,
            in_progress: false,
            snapshot_state: None,
            bytes: 0,
            files: 0,
            warnings: Vec::new(),
        }
    }
}

/// What a subfolder's name says it is.
#[must_use]
pub fn classify(name: &str) -> EntryKind {
    if name == "iMazing.Versions" {
        return EntryKind::IMazingVersions;
    }
    if is_udid(name) {
        return EntryKind::Device;
    }
    // <UDID>-YYYYMMDD-HHMMSS
    if let Some((udid, stamp)) = name
        .len()
        .checked_sub(16)
        .and_then(|i| name.is_char_boundary(i).then(|| (&name[..i], &name[i..])))
        && is_udid(udid)
        && is_archive_stamp(stamp)
    {
        return EntryKind::Archive;
    }
    EntryKind::Other
}

/// A UDID: 40 hex digits (older devices) or `XXXXXXXX-XXXXXXXXXXXXXXXX` (iPhone XS and later).
#[must_use]
pub fn is_udid(s: &str) -> bool {
    let hex = |t: &str| t.chars().all(|c| c.is_ascii_hexdigit());
    match s.len() {
        40 => hex(s),
        25 => s.as_bytes()[8] == b'-' && hex(&s[..8]) && hex(&s[9..]),
        _ => false,
    }
}

fn is_archive_stamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 16
        && b[0] == b'-'
        && b[9] == b'-'
        && b[1..9].iter().all(u8::is_ascii_digit)
        && b[10..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_classified() {
        let old = "0123456789abcdef0123456789abcdef01234567";
        let new = "00008030-001A2B3C4D5E6F70";
        assert_eq!(classify(old), EntryKind::Device);
        assert_eq!(classify(new), EntryKind::Device);
        assert_eq!(
            classify(&format!("{old}-20240131-235959")),
            EntryKind::Archive
        );
        assert_eq!(
            classify(&format!("{new}-20240131-235959")),
            EntryKind::Archive
        );
        assert_eq!(classify("iMazing.Versions"), EntryKind::IMazingVersions);
        assert_eq!(classify("Snapshot"), EntryKind::Other);
        assert_eq!(classify(&format!("{old}-2024")), EntryKind::Other);
        assert_eq!(classify("ééééééééééééééééééééééééééé"), EntryKind::Other);
    }
}
