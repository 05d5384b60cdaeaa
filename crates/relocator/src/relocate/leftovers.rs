//! What our operations could not remove when they should have — a copy
//! left unfinished on a drive that vanished mid-way, an old copy on a drive
//! that was away at the end, the folders on a drive the person said is gone
//! for good — recorded beside the journal, so that the next recovery (which
//! the app runs when it starts) removes each once its drive is back, and
//! says so. Also the half copies a marker of ours names on a mounted drive
//! however they came to be there. Nothing is removed that a marker of ours
//! does not prove ours: for this backup folder, by the operation that made
//! it or was deleting it, and never the copy the backup folder links to.

use std::fs;
use std::path::{Path, PathBuf};

use crate::durable;
use crate::error::Result;
use crate::link::{FolderLink, same_link_target};
use crate::locations::resolve_link_target;
use crate::marker::{self, MarkerState};
use crate::names::LEFTOVERS_FILE;
use crate::progress::{Phase, Progress, ProgressSink};
use crate::removal;

use super::steps::exists;

/// One folder of ours to remove once its drive is back.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Leftover {
    /// Where it was (its drive may come back under another name).
    #[serde(with = "crate::stored_path")]
    pub path: PathBuf,
    /// The backup folder it is a copy of.
    #[serde(with = "crate::stored_path")]
    pub source: PathBuf,
    /// The operations whose marker in it makes it ours.
    pub owners: Vec<String>,
    /// When it was recorded (seconds since 1970).
    pub recorded_at: u64,
}

/// The record file's content.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct Record {
    format: u32,
    leftovers: Vec<Leftover>,
}

/// A folder tidying removed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Removed {
    /// Where it was.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub path: PathBuf,
    /// Bytes freed.
    pub bytes: u64,
    /// Files removed.
    pub files: u64,
}

/// What tidying did, and what still waits for a drive.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Tidied {
    /// Copies of ours removed.
    pub removed: Vec<Removed>,
    /// Copies recorded on a drive that is not connected: removed when it is.
    #[serde(serialize_with = "crate::stored_path::many::serialize")]
    pub waiting: Vec<PathBuf>,
}

/// The copies of ours a backup folder has left around, as found now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Leftovers {
    /// Found on a connected drive, provably ours: recovery removes them.
    pub to_remove: Vec<PathBuf>,
    /// Recorded on a drive that is not connected.
    pub waiting: Vec<PathBuf>,
}

impl Leftovers {
    /// Whether there is nothing of ours left anywhere.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.to_remove.is_empty() && self.waiting.is_empty()
    }
}

/// The record kept beside the backup folder `source`.
fn record_path(source: &Path) -> PathBuf {
    crate::journal::path_for(source).with_file_name(LEFTOVERS_FILE)
}

/// The recorded leftovers beside `source` (of any backup folder there). A
/// record that does not read counts as empty: it only ever leads to
/// removals, so nothing is removed because of it.
fn load(source: &Path) -> Vec<Leftover> {
    fs::read(record_path(source))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Record>(&bytes).ok())
        .map(|r| r.leftovers)
        .unwrap_or_default()
}

fn save(source: &Path, leftovers: Vec<Leftover>) -> Result<()> {
    let path = record_path(source);
    if leftovers.is_empty() {
        return match fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(crate::Error::io(&path, e)),
            _ => Ok(()),
        };
    }
    let record = Record {
        format: 1,
        leftovers,
    };
    let bytes = serde_json::to_vec_pretty(&record)
        .map_err(|e| crate::Error::io(&path, std::io::Error::other(e)))?;
    durable::write_atomic(&path, &bytes)
}

/// Records `folder` (a copy of `source` that the operations `owners` made
/// or were deleting) to be removed once its drive is back.
pub(super) fn remember(source: &Path, folder: &Path, owners: &[&str]) -> Result<()> {
    let mut all = load(source);
    if all.iter().any(|l| l.path == folder && l.source == source) {
        return Ok(());
    }
    let mut owners: Vec<String> = owners
        .iter()
        .filter(|o| crate::names::is_our_id(o))
        .map(|o| (*o).to_owned())
        .collect();
    owners.dedup();
    all.push(Leftover {
        path: folder.to_owned(),
        source: source.to_owned(),
        owners,
        recorded_at: marker::now_unix(),
    });
    save(source, all)
}

/// Where a recorded leftover is now.
enum Place {
    /// Here, provably ours.
    Ours(PathBuf),
    /// Something is at its place that is not provably ours (another
    /// operation's copy, a folder without our marker): never touched.
    NotOurs,
    /// Not found on any connected drive.
    NotFound,
}

/// Where `leftover` is now, if its drive is connected: the recorded path,
/// or the same path below another drive's mount point (the drive came
/// back under another name) — only a folder whose marker proves it ours.
fn find(leftover: &Leftover) -> Place {
    let ours = |candidate: &Path| {
        marker::read(candidate).is_some_and(|m| {
            m.moved_from == leftover.source && leftover.owners.contains(&m.operation_id)
        })
    };
    if exists(&leftover.path) {
        // At its own place an empty folder is ours too (a deletion cut off
        // between the marker and the folder itself).
        return if ours(&leftover.path) || marker::holds_nothing_of_value(&leftover.path) {
            Place::Ours(leftover.path.clone())
        } else {
            Place::NotOurs
        };
    }
    let tails: Vec<PathBuf> = (1..leftover.path.components().count())
        .map(|skip| leftover.path.components().skip(skip).collect())
        .collect();
    crate::volume::mounted_roots()
        .into_iter()
        .flat_map(|root| tails.iter().map(move |tail| root.join(tail)))
        .find(|candidate| ours(candidate))
        .map_or(Place::NotFound, Place::Ours)
}

/// Whether the drive `folder` was on is connected and the folder is not
/// there: its parent folder is there and holds something.
fn gone_from_a_connected_drive(folder: &Path) -> bool {
    !exists(folder)
        && folder
            .parent()
            .and_then(|p| fs::read_dir(p).ok())
            .is_some_and(|mut entries| entries.next().is_some())
}

/// Half copies of `source` on the mounted drives: a marker of ours for it
/// that says the copy was never finished or was being deleted, in a folder
/// none of `named` (the places an unfinished operation's record names).
fn half_copies(source: &Path, named: &[PathBuf]) -> Vec<PathBuf> {
    super::locate::drive_candidates()
        .into_iter()
        .filter(|place| !named.contains(place))
        .filter(|place| {
            marker::read(place)
                .is_some_and(|m| m.moved_from == source && m.state != MarkerState::Complete)
        })
        .collect()
}

/// The copy the backup folder `source` links to now, never to be removed.
fn linked(source: &Path, links: &dyn FolderLink) -> Option<PathBuf> {
    links
        .read(source)
        .ok()
        .flatten()
        .map(|t| resolve_link_target(source, &t))
}

/// The copies of ours `source` has left around, as found now; `named` are
/// the places an unfinished operation's record names (its own to handle).
#[must_use]
pub fn leftovers_of(source: &Path, named: &[PathBuf], links: &dyn FolderLink) -> Leftovers {
    let source = crate::paths::as_typed(source);
    let linked = linked(&source, links);
    let keep = |p: &Path| {
        named.iter().any(|n| n == p) || linked.as_deref().is_some_and(|l| same_link_target(l, p))
    };
    let mut found = Leftovers::default();
    for leftover in load(&source).into_iter().filter(|l| l.source == source) {
        match find(&leftover) {
            Place::Ours(place) if !keep(&place) => found.to_remove.push(place),
            Place::Ours(_) | Place::NotOurs => {}
            Place::NotFound if gone_from_a_connected_drive(&leftover.path) => {}
            Place::NotFound => found.waiting.push(leftover.path),
        }
    }
    for place in half_copies(&source, named) {
        if !keep(&place) && !found.to_remove.contains(&place) {
            found.to_remove.push(place);
        }
    }
    found
}

/// Removes the copies of ours `source` left around that are on connected
/// drives (see [`leftovers_of`]), with progress, and forgets the recorded
/// ones that are gone. Called under the folder's lock, with no operation
/// unfinished.
pub(super) fn tidy(
    source: &Path,
    links: &dyn FolderLink,
    progress: &dyn ProgressSink,
) -> Result<Tidied> {
    remove_stale_temporary(source)?;
    let found = leftovers_of(source, &[], links);
    let mut tidied = Tidied {
        waiting: found.waiting.clone(),
        ..Tidied::default()
    };
    if !found.to_remove.is_empty() {
        progress.report(Progress::Phase {
            phase: Phase::CleaningUp,
        });
    }
    for place in &found.to_remove {
        let freed = removal::remove_tree(place, progress)?;
        tidied.removed.push(Removed {
            path: place.clone(),
            bytes: freed.bytes,
            files: freed.files,
        });
    }
    // The record keeps what still waits (and other backup folders' entries).
    let still: Vec<Leftover> = load(source)
        .into_iter()
        .filter(|l| l.source != source || found.waiting.contains(&l.path))
        .collect();
    save(source, still)?;
    Ok(tidied)
}

/// Removes the temporary file a record was being written through when a
/// crash came (beside the backup folder): ours by its name, and stale
/// under the folder's lock.
fn remove_stale_temporary(source: &Path) -> Result<()> {
    let tmp = crate::journal::path_for(source).with_file_name(crate::names::TEMPORARY_FILE);
    match fs::remove_file(&tmp) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(crate::Error::io(&tmp, e)),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::marker::Marker;
    use crate::progress::NoProgress;

    const ID: &str = "0123456789ab";

    fn copy_with(dir: &Path, id: &str, state: MarkerState, source: &Path) {
        fs::create_dir_all(dir.join("dev")).unwrap();
        fs::write(dir.join("dev/Manifest.db"), b"x").unwrap();
        marker::write(dir, &Marker::new(id, state, source)).unwrap();
    }

    #[test]
    fn a_recorded_copy_is_removed_once_back_and_waits_while_away() {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("home/Backup");
        fs::create_dir_all(&source).unwrap();
        let drive = root.path().join("drive/folder");
        let copy = drive.join("Backup.partial-0123456789ab");
        remember(&source, &copy, &[ID]).unwrap();
        let links = crate::link::platform_link();
        // Away: its folder is not there at all.
        let found = leftovers_of(&source, &[], links.as_ref());
        assert_eq!(found.waiting, std::slice::from_ref(&copy));
        let tidied = tidy(&source, links.as_ref(), &NoProgress).unwrap();
        assert_eq!(tidied.waiting, std::slice::from_ref(&copy));
        // Back, with our marker: removed, and the record is gone.
        copy_with(&copy, ID, MarkerState::Partial, &source);
        let tidied = tidy(&source, links.as_ref(), &NoProgress).unwrap();
        assert_eq!(tidied.removed.len(), 1);
        assert!(tidied.waiting.is_empty());
        assert!(!copy.exists());
        assert!(!record_path(&source).exists());
    }

    #[test]
    fn a_copy_not_provably_ours_is_never_removed() {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("home/Backup");
        fs::create_dir_all(&source).unwrap();
        let links = crate::link::platform_link();
        // Another operation's copy at the recorded place (a later move).
        let later = root.path().join("drive/Backup");
        copy_with(&later, "ba9876543210", MarkerState::Complete, &source);
        remember(&source, &later, &[ID]).unwrap();
        // No marker at all.
        let plain = root.path().join("drive/Other");
        fs::create_dir_all(plain.join("dev")).unwrap();
        fs::write(plain.join("dev/Manifest.db"), b"x").unwrap();
        remember(&source, &plain, &[ID]).unwrap();
        // Ours, but for another backup folder.
        let theirs = root.path().join("drive/Theirs");
        copy_with(
            &theirs,
            ID,
            MarkerState::Partial,
            Path::new("/elsewhere/Backup"),
        );
        remember(&source, &theirs, &[ID]).unwrap();
        let tidied = tidy(&source, links.as_ref(), &NoProgress).unwrap();
        assert!(tidied.removed.is_empty(), "{tidied:?}");
        assert!(later.join("dev/Manifest.db").exists());
        assert!(plain.join("dev/Manifest.db").exists());
        assert!(theirs.join("dev/Manifest.db").exists());
        // Their drive is here and they are not ours: nothing waits.
        assert!(tidied.waiting.is_empty(), "{tidied:?}");
    }

    #[cfg(unix)]
    #[test]
    fn the_copy_the_backup_folder_links_to_is_never_removed() {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("home/Backup");
        fs::create_dir_all(source.parent().unwrap()).unwrap();
        let copy = root.path().join("drive/Backup");
        copy_with(&copy, ID, MarkerState::Complete, &source);
        std::os::unix::fs::symlink(&copy, &source).unwrap();
        remember(&source, &copy, &[ID]).unwrap();
        let links = crate::link::platform_link();
        let tidied = tidy(&source, links.as_ref(), &NoProgress).unwrap();
        assert!(tidied.removed.is_empty());
        assert!(copy.join("dev/Manifest.db").exists());
    }

    #[test]
    fn a_stale_temporary_record_beside_the_backups_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("Backup");
        fs::create_dir_all(&source).unwrap();
        let tmp = root.path().join(crate::names::TEMPORARY_FILE);
        fs::write(&tmp, b"{").unwrap();
        let links = crate::link::platform_link();
        tidy(&source, links.as_ref(), &NoProgress).unwrap();
        assert!(!tmp.exists());
        assert!(source.exists());
    }

    #[test]
    fn a_damaged_record_removes_nothing() {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("home/Backup");
        fs::create_dir_all(&source).unwrap();
        fs::write(record_path(&source), b"{\"format\":1,\"leftovers\":[{").unwrap();
        let links = crate::link::platform_link();
        let tidied = tidy(&source, links.as_ref(), &NoProgress).unwrap();
        assert_eq!(tidied, Tidied::default());
    }
}
