//! The folders the guard watches over and what it remembers of them: each
//! moved backup folder (a link on this computer), the copy it points at,
//! and its drive's name. The memory is a small file in the app's settings,
//! so that a folder whose link an update replaced, or whose drive is away
//! when the guard starts, is still known. The memory is read as input,
//! not trust: an entry that is not two absolute paths is dropped.

use std::io;
use std::path::{Path, PathBuf};

use relocator::guard::WatchedDevice;
use relocator::link::FolderLink;
use relocator::{Cancel, inventory, marker};

/// One moved backup folder.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Folder {
    /// The backup folder on this computer (the link's place).
    pub source: PathBuf,
    /// The copy on the drive the link points at.
    pub copy: PathBuf,
    /// The drive's name, as last read.
    pub drive_name: String,
}

/// What the guard remembers between runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Memory {
    /// The folders watched.
    pub folders: Vec<Folder>,
}

impl Memory {
    /// The memory in `path`; empty when there is none or it cannot be read.
    #[must_use]
    pub fn load(path: &Path) -> Self {
        Self::read(path).unwrap_or_default()
    }

    /// The memory in `path`, when there is one that can be read.
    #[must_use]
    pub fn read(path: &Path) -> Option<Self> {
        let bytes = std::fs::read(path).ok()?;
        let mut memory: Self = serde_json::from_slice(&bytes).ok()?;
        memory
            .folders
            .retain(|f| f.source.is_absolute() && f.copy.is_absolute());
        Some(memory)
    }

    /// Writes the memory to `path` whole.
    pub fn save(&self, path: &Path) -> io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(io::Error::other)?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let temporary = path.with_extension("tmp");
        std::fs::write(&temporary, bytes)?;
        std::fs::rename(&temporary, path)
    }

    /// The folder remembered for `source`.
    #[must_use]
    pub fn folder(&self, source: &Path) -> Option<&Folder> {
        self.folders.iter().find(|f| f.source == source)
    }
}

/// The backup folder as it is now, read on this computer's disk only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FolderNow {
    /// A link, to this place.
    Link(PathBuf),
    /// A real folder: new backups land on this computer.
    RealFolder,
    /// Nothing there.
    Absent,
}

/// What `source` is now.
#[must_use]
pub fn folder_now(source: &Path, links: &dyn FolderLink) -> FolderNow {
    if let Ok(Some(target)) = links.read(source) {
        return FolderNow::Link(relocator::locations::resolve_link_target(source, &target));
    }
    match std::fs::symlink_metadata(source) {
        Ok(meta) if meta.is_dir() => FolderNow::RealFolder,
        _ => FolderNow::Absent,
    }
}

/// The folders to watch: each of `sources` that is a link now (its drive
/// named by `drive_name` when it is there) and each remembered one that is
/// not a link now (its link replaced, or gone), as remembered.
pub fn gather(
    sources: &[PathBuf],
    memory: &Memory,
    links: &dyn FolderLink,
    drive_name: &dyn Fn(&Path) -> Option<String>,
) -> Vec<Folder> {
    let mut folders: Vec<Folder> = Vec::new();
    for source in sources {
        if let FolderNow::Link(copy) = folder_now(source, links) {
            let remembered = memory.folder(source).filter(|f| f.copy == copy);
            let name = drive_name(&copy)
                .or_else(|| remembered.map(|f| f.drive_name.clone()))
                .unwrap_or_else(|| relocator::locations::drive_name_in(&copy));
            folders.push(Folder {
                source: source.clone(),
                copy,
                drive_name: name,
            });
        }
    }
    for remembered in &memory.folders {
        if !folders.iter().any(|f| f.source == remembered.source)
            && !matches!(folder_now(&remembered.source, links), FolderNow::Link(_))
        {
            folders.push(remembered.clone());
        }
    }
    folders
}

/// How many of a copy's last path parts are tried under a newly mounted
/// drive: enough for a copy a few folders deep on its drive.
const DEEPEST_COPY: usize = 8;

/// Where the copy of `folder` is on the drive mounted at `root`, if there:
/// at the copy's own path (the drive at home; a link made by hand counts
/// without our marker), or at the same place under another mount point,
/// known by our marker naming `folder.source`.
#[must_use]
pub fn copy_on(root: &Path, folder: &Folder) -> Option<PathBuf> {
    if folder.copy.starts_with(root) && folder.copy.is_dir() {
        return Some(folder.copy.clone());
    }
    let parts: Vec<_> = folder.copy.components().collect();
    (1..=parts.len().min(DEEPEST_COPY))
        .map(|k| {
            parts[parts.len() - k..]
                .iter()
                .fold(root.to_owned(), |path, part| path.join(part))
        })
        .find(|candidate| {
            marker::read(candidate).is_some_and(|m| {
                m.state == marker::MarkerState::Complete && m.moved_from == folder.source
            })
        })
}

/// Whether the copy of `folder` is still the one in use: there, ours, and
/// not kept on purpose by a move back or a move on.
#[must_use]
pub fn copy_in_use(folder: &Folder) -> bool {
    marker::read(&folder.copy).is_none_or(|m| m.state == marker::MarkerState::Complete && !m.kept)
        && folder.copy.is_dir()
}

/// The devices whose backups are in `copy`, with their last backups.
#[must_use]
pub fn devices_in(copy: &Path) -> Vec<WatchedDevice> {
    inventory::inventory(copy, false, &Cancel::new())
        .unwrap_or_default()
        .into_iter()
        .filter(|d| d.kind == inventory::EntryKind::Device)
        .map(|d| WatchedDevice {
            name: d.display_name(),
            udid: d.udid,
            last_backup: d.last_backup_at,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(source: &Path, copy: &Path) -> Folder {
        Folder {
            source: source.to_owned(),
            copy: copy.to_owned(),
            drive_name: "Big Drive".to_owned(),
        }
    }

    #[test]
    fn a_copy_is_found_at_home_or_under_another_mount_point_by_our_marker() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("home/MobileSync/Backup");
        let home_copy = dir.path().join("media/Big Drive/Stuff/Backup");
        let watched = folder(&source, &home_copy);
        let elsewhere = dir.path().join("media/Big Drive1");
        let moved = elsewhere.join("Stuff/Backup");
        std::fs::create_dir_all(&moved).unwrap();
        assert_eq!(copy_on(&elsewhere, &watched), None, "no marker, not ours");
        marker::write(&moved, &marker::Marker::complete("m1", &source, &moved)).unwrap();
        assert_eq!(copy_on(&elsewhere, &watched), Some(moved.clone()));
        // Another folder's copy is not ours.
        let other = folder(&dir.path().join("elsewhere/Backup"), &home_copy);
        assert_eq!(copy_on(&elsewhere, &other), None);
        // At home, the copy's own path counts.
        std::fs::create_dir_all(&home_copy).unwrap();
        assert_eq!(
            copy_on(&dir.path().join("media/Big Drive"), &watched),
            Some(home_copy)
        );
    }

    #[test]
    fn a_memory_that_is_not_ours_or_not_absolute_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("guard.json");
        std::fs::write(&path, b"{not json").unwrap();
        assert_eq!(Memory::load(&path), Memory::default());
        // Absolute on the system the test runs on.
        let copy = dir.path().join("d").join("Backup");
        let source = dir.path().join("s");
        let text = serde_json::json!({"folders": [
            {"source": "relative", "copy": copy, "drive_name": "D"},
            {"source": source, "copy": copy, "drive_name": "D"},
        ]});
        std::fs::write(&path, text.to_string()).unwrap();
        let memory = Memory::load(&path);
        assert_eq!(memory.folders.len(), 1);
        memory.save(&path).unwrap();
        assert_eq!(Memory::load(&path), memory);
    }
}
