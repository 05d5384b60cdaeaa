//! What our operations could not remove when they should have — a copy
//! left unfinished on a drive that vanished mid-way, an old copy on a drive
//! that was away at the end, the folders on a drive the person said is gone
//! for good — recorded beside the journal, so that the next recovery (which
//! the app runs when it starts) removes each once its drive is back, and
//! says so. Also the half copies a marker of ours names on a mounted drive
//! however they came to be there. Nothing is removed that a marker of ours
//! does not prove ours: for this backup folder, made by the operation that
//! made it (or marked as being deleted by the one deleting it), never the
//! copy the backup folder links to, and never an old copy that was written
//! to after its replacement began (a backup that went to the drive late).
//! A copy found elsewhere than where it was recorded (its drive back under
//! another name) is taken only if it is a half copy: a complete copy there
//! could be the live one.

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
    /// The operation that made it: its marker, in any state, makes it ours.
    pub made_by: String,
    /// The operation that was deleting it: its marker in the deleting
    /// state makes it ours too.
    #[serde(default)]
    pub deleting_by: Option<String>,
    /// An old copy: kept if anything in it changed after this moment
    /// (seconds since 1970), when its replacement began.
    #[serde(default)]
    pub unless_written_after: Option<u64>,
    /// When it was recorded (seconds since 1970).
    pub recorded_at: u64,
}

/// Who may have left a folder, for [`remember`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Owners<'a> {
    /// The operation that made it.
    pub made_by: &'a str,
    /// The operation that was deleting it, if another.
    pub deleting_by: Option<&'a str>,
    /// For an old copy: when its replacement began.
    pub unless_written_after: Option<u64>,
}

impl<'a> Owners<'a> {
    /// A copy the operation `id` made (and nobody else was deleting).
    pub fn made(id: &'a str) -> Self {
        Self {
            made_by: id,
            deleting_by: None,
            unless_written_after: None,
        }
    }
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
    /// Copies found and left where they are, with why.
    pub kept: Vec<Kept>,
}

/// A copy of ours found and left where it is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Kept {
    /// Where it is.
    #[serde(serialize_with = "crate::stored_path::serialize")]
    pub path: PathBuf,
    /// Why it was kept, in plain words.
    pub why: String,
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

/// Records `folder` (a copy of `source` left by the operations `owners`)
/// to be removed once its drive is back.
pub(super) fn remember(source: &Path, folder: &Path, owners: Owners<'_>) -> Result<()> {
    let mut all = load(source);
    if all.iter().any(|l| l.path == folder && l.source == source) {
        return Ok(());
    }
    all.push(Leftover {
        path: folder.to_owned(),
        source: source.to_owned(),
        made_by: owners.made_by.to_owned(),
        deleting_by: owners
            .deleting_by
            .filter(|id| *id != owners.made_by)
            .map(str::to_owned),
        unless_written_after: owners.unless_written_after,
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

/// Whether the marker `m` proves a folder is the leftover `leftover`.
fn proves(leftover: &Leftover, m: &marker::Marker) -> bool {
    m.moved_from == leftover.source
        && (m.operation_id == leftover.made_by
            || (m.state == MarkerState::Deleting
                && leftover.deleting_by.as_deref() == Some(m.operation_id.as_str())))
}

/// Where `leftover` is now, if its drive is connected: the recorded path,
/// or — for a half copy only — the same path below another drive's mount
/// point (the drive came back under another name).
fn find(leftover: &Leftover) -> Place {
    if exists(&leftover.path) {
        let ours = marker::read(&leftover.path).is_some_and(|m| proves(leftover, &m));
        // At its own place an empty folder is ours too (a deletion cut off
        // between the marker and the folder itself).
        return if ours || marker::holds_nothing_of_value(&leftover.path) {
            Place::Ours(leftover.path.clone())
        } else {
            Place::NotOurs
        };
    }
    let tails: Vec<PathBuf> = (1..leftover.path.components().count())
        .map(|skip| leftover.path.components().skip(skip).collect())
        .collect();
    crate::volume::drive_roots()
        .into_iter()
        .flat_map(|root| tails.iter().map(move |tail| root.join(tail)))
        .find(|candidate| {
            marker::read(candidate)
                .is_some_and(|m| m.state != MarkerState::Complete && proves(leftover, &m))
        })
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

/// Half copies of `source` on the mounted drives: a folder named as our
/// copies are (`Backup`, `Backup.partial-<its marker's id>`) whose marker
/// of ours for `source` says it was never finished or was being deleted,
/// outside the folder `source` is in, and none of `named` (the places an
/// unfinished operation's record names).
fn half_copies(source: &Path, named: &[PathBuf]) -> Vec<PathBuf> {
    let home = source.parent().unwrap_or(source);
    super::locate::drive_candidates()
        .into_iter()
        .filter(|place| !named.contains(place) && !place.starts_with(home))
        .filter(|place| {
            let name = place.file_name().unwrap_or_default().to_string_lossy();
            marker::read(place).is_some_and(|m| {
                m.moved_from == source
                    && m.state != MarkerState::Complete
                    && (name == "Backup" || name == format!("Backup.partial-{}", m.operation_id))
            })
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
    found_now(&source, named, links).0
}

/// [`leftovers_of`], with the record's entry of each found copy.
fn found_now(
    source: &Path,
    named: &[PathBuf],
    links: &dyn FolderLink,
) -> (Leftovers, Vec<(PathBuf, Option<Leftover>)>) {
    let linked = linked(source, links);
    let keep = |p: &Path| {
        named.iter().any(|n| n == p)
            || p == source
            || linked.as_deref().is_some_and(|l| same_link_target(l, p))
    };
    let mut found = Leftovers::default();
    let mut entries = Vec::new();
    for leftover in load(source).into_iter().filter(|l| l.source == source) {
        match find(&leftover) {
            Place::Ours(place) if !keep(&place) => {
                found.to_remove.push(place.clone());
                entries.push((place, Some(leftover)));
            }
            Place::Ours(_) | Place::NotOurs => {}
            Place::NotFound if gone_from_a_connected_drive(&leftover.path) => {}
            Place::NotFound => found.waiting.push(leftover.path),
        }
    }
    for place in half_copies(source, named) {
        if !keep(&place) && !found.to_remove.contains(&place) {
            found.to_remove.push(place.clone());
            entries.push((place, None));
        }
    }
    (found, entries)
}

/// Whether anything in the folder `dir` changed after `moment` (seconds
/// since 1970): a backup written there late, which its removal would lose.
fn written_after(dir: &Path, moment: u64) -> bool {
    let since = std::time::UNIX_EPOCH + std::time::Duration::from_secs(moment);
    let mut folders = vec![dir.to_owned()];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = fs::read_dir(&folder) else {
            return true; // not readable: not provably unchanged
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else {
                return true;
            };
            // Files only: a folder's time moves when our marker is rewritten.
            let ours = crate::names::is_our_file_at_the_top(&entry.file_name());
            if meta.is_file() && !ours && meta.modified().is_ok_and(|m| m > since) {
                return true;
            }
            if meta.is_dir() {
                folders.push(entry.path());
            }
        }
    }
    false
}

/// Removes the copies of ours `source` left around that are on connected
/// drives (see [`leftovers_of`]), with progress, and forgets the recorded
/// ones that are gone. One that cannot be removed is named with why, and
/// stays recorded; the others are removed all the same. Called under the
/// folder's lock; `named` are the places a record still names.
pub(super) fn tidy(
    source: &Path,
    named: &[PathBuf],
    links: &dyn FolderLink,
    progress: &dyn ProgressSink,
) -> Result<Tidied> {
    remove_stale_temporary(source)?;
    let (found, entries) = found_now(source, named, links);
    let mut tidied = Tidied {
        waiting: found.waiting.clone(),
        ..Tidied::default()
    };
    if !entries.is_empty() {
        progress.report(Progress::Phase {
            phase: Phase::CleaningUp,
        });
    }
    let mut still: Vec<PathBuf> = found.waiting.clone();
    for (place, entry) in &entries {
        if let Some(moment) = entry.as_ref().and_then(|l| l.unless_written_after)
            && written_after(place, moment)
        {
            tidied.kept.push(Kept {
                path: place.clone(),
                why: "a backup was written into it after Backup Relocator moved your backups away from it, so it may hold something the other copy lacks".to_owned(),
            });
            continue;
        }
        match removal::remove_tree(place, progress) {
            Ok(freed) => tidied.removed.push(Removed {
                path: place.clone(),
                bytes: freed.bytes,
                files: freed.files,
            }),
            Err(e) => {
                tidied.kept.push(Kept {
                    path: place.clone(),
                    why: e.to_string(),
                });
                if let Some(entry) = entry {
                    still.push(entry.path.clone());
                }
            }
        }
    }
    // The record keeps what still waits or failed (and other backup
    // folders' entries).
    let kept: Vec<Leftover> = load(source)
        .into_iter()
        .filter(|l| l.source != source || still.contains(&l.path))
        .collect();
    save(source, kept)?;
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
        remember(&source, &copy, Owners::made(ID)).unwrap();
        let links = crate::link::platform_link();
        // Away: its folder is not there at all.
        let found = leftovers_of(&source, &[], links.as_ref());
        assert_eq!(found.waiting, std::slice::from_ref(&copy));
        let tidied = tidy(&source, &[], links.as_ref(), &NoProgress).unwrap();
        assert_eq!(tidied.waiting, std::slice::from_ref(&copy));
        // Back, with our marker: removed, and the record is gone.
        copy_with(&copy, ID, MarkerState::Partial, &source);
        let tidied = tidy(&source, &[], links.as_ref(), &NoProgress).unwrap();
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
        remember(&source, &later, Owners::made(ID)).unwrap();
        // No marker at all.
        let plain = root.path().join("drive/Other");
        fs::create_dir_all(plain.join("dev")).unwrap();
        fs::write(plain.join("dev/Manifest.db"), b"x").unwrap();
        remember(&source, &plain, Owners::made(ID)).unwrap();
        // Ours, but for another backup folder.
        let theirs = root.path().join("drive/Theirs");
        copy_with(
            &theirs,
            ID,
            MarkerState::Partial,
            Path::new("/elsewhere/Backup"),
        );
        remember(&source, &theirs, Owners::made(ID)).unwrap();
        let tidied = tidy(&source, &[], links.as_ref(), &NoProgress).unwrap();
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
        remember(&source, &copy, Owners::made(ID)).unwrap();
        let links = crate::link::platform_link();
        let tidied = tidy(&source, &[], links.as_ref(), &NoProgress).unwrap();
        assert!(tidied.removed.is_empty());
        assert!(copy.join("dev/Manifest.db").exists());
    }

    /// A move on records the old copy (made by A) as being deleted by B;
    /// B also made the new, live copy. Only B's deleting marker counts, so
    /// the live copy never matches, whatever its place.
    #[test]
    fn the_operation_deleting_a_copy_proves_only_a_copy_it_marked_deleting() {
        let source = PathBuf::from("/home/a/Backup");
        let old = Leftover {
            path: PathBuf::from("/Volumes/D1/Backup"),
            source: source.clone(),
            made_by: "aaaaaaaaaaaa".to_owned(),
            deleting_by: Some("bbbbbbbbbbbb".to_owned()),
            unless_written_after: None,
            recorded_at: 0,
        };
        let marker = |id: &str, state| Marker::new(id, state, &source);
        assert!(proves(&old, &marker("aaaaaaaaaaaa", MarkerState::Complete)));
        assert!(proves(&old, &marker("bbbbbbbbbbbb", MarkerState::Deleting)));
        assert!(!proves(
            &old,
            &marker("bbbbbbbbbbbb", MarkerState::Complete)
        ));
        assert!(!proves(&old, &marker("bbbbbbbbbbbb", MarkerState::Partial)));
        let elsewhere = Marker::new("aaaaaaaaaaaa", MarkerState::Complete, Path::new("/x"));
        assert!(!proves(&old, &elsewhere));
    }

    #[test]
    fn an_old_copy_written_to_after_its_replacement_began_is_kept() {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("home/Backup");
        fs::create_dir_all(&source).unwrap();
        let old = root.path().join("drive/Backup");
        copy_with(&old, ID, MarkerState::Complete, &source);
        let began = marker::now_unix() - 60;
        let owners = Owners {
            made_by: ID,
            deleting_by: Some("bbbbbbbbbbbb"),
            unless_written_after: Some(began),
        };
        remember(&source, &old, owners).unwrap();
        let links = crate::link::platform_link();
        // copy_with wrote its file just now: after `began`.
        let tidied = tidy(&source, &[], links.as_ref(), &NoProgress).unwrap();
        assert!(tidied.removed.is_empty());
        assert_eq!(tidied.kept.len(), 1, "{tidied:?}");
        assert!(old.join("dev/Manifest.db").exists());
        // Said once, then left alone: it is the person's now.
        let tidied = tidy(&source, &[], links.as_ref(), &NoProgress).unwrap();
        assert_eq!(tidied, Tidied::default());
        assert!(old.join("dev/Manifest.db").exists());
        // An old copy not written to since: removed.
        let file = old.join("dev/Manifest.db");
        let long_ago = filetime::FileTime::from_unix_time(i64::try_from(began).unwrap() - 600, 0);
        filetime::set_file_mtime(&file, long_ago).unwrap();
        remember(&source, &old, owners).unwrap();
        let tidied = tidy(&source, &[], links.as_ref(), &NoProgress).unwrap();
        assert_eq!(tidied.removed.len(), 1, "{tidied:?}");
        assert!(!old.exists());
    }

    #[test]
    fn a_stale_temporary_record_beside_the_backups_is_removed() {
        let root = tempfile::tempdir().unwrap();
        let source = root.path().join("Backup");
        fs::create_dir_all(&source).unwrap();
        let tmp = root.path().join(crate::names::TEMPORARY_FILE);
        fs::write(&tmp, b"{").unwrap();
        let links = crate::link::platform_link();
        tidy(&source, &[], links.as_ref(), &NoProgress).unwrap();
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
        let tidied = tidy(&source, &[], links.as_ref(), &NoProgress).unwrap();
        assert_eq!(tidied, Tidied::default());
    }
}
