//! The marker file Backup Relocator leaves inside every backup folder it
//! placed on a drive: whose backups these are, moved from where, and when.
//! It tells our links from foreign ones, and lets recovery delete only
//! partial copies it made itself.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::durable;
use crate::error::Result;

/// The marker's file name, at the top of a placed backup folder.
use crate::names::MARKER_FILE;

/// Whether a copy is still being made or is complete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MarkerState {
    /// A copy being made; deleted again if the operation does not finish.
    Partial,
    /// The backups' home, linked from `moved_from`.
    Complete,
    /// Being deleted by the operation named (a copy no longer needed, or a
    /// partial copy being undone): never to be linked or adopted again.
    Deleting,
}

/// What the marker file holds.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Marker {
    /// Always "Backup Relocator".
    pub app: String,
    /// The app version that wrote it.
    pub app_version: String,
    /// The operation that made this folder.
    pub operation_id: String,
    /// Partial or complete.
    pub state: MarkerState,
    /// The backup folder on the computer that links here.
    #[serde(with = "crate::stored_path")]
    pub moved_from: PathBuf,
    /// Seconds since 1970 when this was written.
    pub written_at: u64,
    /// The user that ran the move, where known.
    #[serde(default)]
    pub user: Option<String>,
    /// The identity of the volume holding this folder (a file-system UUID
    /// or a Windows volume GUID), to find it again under another name.
    #[serde(default)]
    pub volume_id: Option<String>,
    /// This folder's path inside that volume.
    #[serde(default, with = "crate::stored_path::option")]
    pub path_in_volume: Option<PathBuf>,
    /// A copy kept on request by a move back or a move on (the backups
    /// went elsewhere on purpose): still ours to adopt, but never a copy an
    /// update cut off from its link (see `relocate::merge_candidates`).
    #[serde(default)]
    pub kept: bool,
}

impl Marker {
    /// A marker for operation `operation_id` linking from `moved_from`.
    #[must_use]
    pub fn new(operation_id: &str, state: MarkerState, moved_from: &Path) -> Self {
        Self {
            app: "Backup Relocator".to_owned(),
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            operation_id: operation_id.to_owned(),
            state,
            moved_from: moved_from.to_owned(),
            written_at: now_unix(),
            user: std::env::var("USER")
                .or_else(|_| std::env::var("USERNAME"))
                .ok(),
            volume_id: None,
            path_in_volume: None,
            kept: false,
        }
    }

    /// The marker of a complete copy at `folder`, linked from `moved_from`:
    /// with the identity of its volume and its place there, so the link can
    /// be made again if the drive comes back under another name.
    #[must_use]
    pub fn complete(operation_id: &str, moved_from: &Path, folder: &Path) -> Self {
        Self {
            volume_id: crate::volume::identity(folder),
            path_in_volume: crate::volume::place_in_volume(folder)
                .ok()
                .map(|(_, inside)| inside),
            ..Self::new(operation_id, MarkerState::Complete, moved_from)
        }
    }
}

/// Marks the copy in `folder` as kept on purpose (see [`Marker::kept`]),
/// when it carries our marker. Best effort: a drive that cannot be written
/// (mounted read-only) keeps the copy all the same; a sentence says what
/// could not be marked.
#[must_use]
pub fn mark_kept(folder: &Path) -> Option<String> {
    match read(folder) {
        Some(m) if !m.kept => rewrite(folder, &Marker { kept: true, ..m }).err().map(|e| {
            format!("The kept copy could not be marked as kept ({e}); the overview may offer to bring new backups to it.")
        }),
        _ => None,
    }
}

/// Reads the marker in `folder`; `None` if there is none or it is not ours.
#[must_use]
pub fn read(folder: &Path) -> Option<Marker> {
    let bytes = fs::read(folder.join(MARKER_FILE)).ok()?;
    let marker: Marker = serde_json::from_slice(&bytes).ok()?;
    (marker.app == "Backup Relocator").then_some(marker)
}

/// Writes (or replaces) the marker in `folder`, atomically.
pub fn write(folder: &Path, marker: &Marker) -> Result<()> {
    let path = folder.join(MARKER_FILE);
    let bytes = serde_json::to_vec_pretty(marker)
        .map_err(|e| crate::Error::io(&path, std::io::Error::other(e)))?;
    durable::write_atomic(&path, &bytes)
}

/// Replaces the marker in `folder` with one of the same size, also on a
/// full drive: atomically where there is room, else in place (a marker torn
/// by a crash then reads as no marker, and the folder is left alone).
pub fn rewrite(folder: &Path, marker: &Marker) -> Result<()> {
    match write(folder, marker) {
        Err(e) if e.io_kind() == Some(std::io::ErrorKind::StorageFull) => {
            let path = folder.join(MARKER_FILE);
            let bytes = serde_json::to_vec_pretty(marker)
                .map_err(|e| crate::Error::io(&path, std::io::Error::other(e)))?;
            let _ = fs::remove_file(path.with_extension("tmp"));
            let mut file = fs::OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&path)
                .map_err(|e| crate::Error::io(&path, e))?;
            std::io::Write::write_all(&mut file, &bytes).map_err(|e| crate::Error::io(&path, e))?;
            durable::sync_fully(&file).map_err(|e| crate::Error::io(&path, e))
        }
        other => other,
    }
}

/// Whether `dir` is a real folder with nothing of value in it: nothing at
/// all, or only the temporary file of a marker whose writing was cut off
/// (the folder was just made: its marker is the first thing written into
/// it), and the `._` companions macOS may keep beside it on some drives.
#[must_use]
pub fn holds_nothing_of_value(dir: &Path) -> bool {
    let unfinished_marker = Path::new(crate::names::TEMPORARY_FILE);
    fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && fs::read_dir(dir).is_ok_and(|entries| {
            entries.flatten().all(|e| {
                let name = e.file_name();
                Path::new(&name) == unfinished_marker
                    || crate::apple_double::file_is_companion(&e.path(), &name)
            })
        })
}

/// The marker's path inside `folder`.
#[must_use]
pub fn path_in(folder: &Path) -> PathBuf {
    folder.join(MARKER_FILE)
}

/// Seconds since 1970, for records.
#[must_use]
pub fn now_unix() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_written_marker_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let m = Marker::new("abc123", MarkerState::Partial, Path::new("/home/a/Backup"));
        write(dir.path(), &m).unwrap();
        assert_eq!(read(dir.path()), Some(m));
    }

    #[test]
    fn a_foreign_or_garbled_file_is_no_marker() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(read(dir.path()), None);
        fs::write(dir.path().join(MARKER_FILE), b"{not json").unwrap();
        assert_eq!(read(dir.path()), None);
        fs::write(dir.path().join(MARKER_FILE), br#"{"app":"Other"}"#).unwrap();
        assert_eq!(read(dir.path()), None);
    }
}
