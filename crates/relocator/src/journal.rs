//! The journal: a small JSON file beside the protected folder, rewritten
//! atomically before every step of an operation, so that after a crash
//! `recover` knows what was under way. Also the lock that allows one
//! operation per folder at a time.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

use crate::durable;
use crate::error::{Error, IoContext as _, Result};
use crate::marker::now_unix;
use crate::operation::Operation;

use crate::names::{JOURNAL_FILE, LOCK_FILE};
/// The journal format this version writes.
pub const FORMAT: u32 = 1;

/// The step an operation was at; each is written before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Copying into the staging folder (and verifying it).
    Copying,
    /// Same volume: renaming the folder itself instead of copying.
    Renaming,
    /// Renaming the verified staging folder to its final name.
    Publishing,
    /// Renaming the original aside (move).
    SettingAside,
    /// Removing the link (revert).
    Unlinking,
    /// Creating the link to the new place.
    Linking,
    /// Deleting what is no longer needed.
    Cleaning,
}

/// Everything needed to finish or undo an operation after a crash.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Journal {
    /// Format version of this file.
    pub format: u32,
    /// Version of the app that wrote it.
    pub app_version: String,
    /// The operation.
    pub operation: Operation,
    /// The operation's id; staging and aside folder names carry it.
    pub id: String,
    /// The step under way.
    pub step: Step,
    /// The backup folder on this computer (the link's place).
    #[serde(with = "crate::stored_path")]
    pub source: PathBuf,
    /// Where the backups end up (`DEST/Backup` for move and retarget, `source` for revert).
    #[serde(with = "crate::stored_path")]
    pub target: PathBuf,
    /// The folder the copy is made in before it is published.
    #[serde(with = "crate::stored_path")]
    pub staging: PathBuf,
    /// Where the original is set aside (move) — deleted at the end.
    #[serde(with = "crate::stored_path::option", default)]
    pub aside: Option<PathBuf>,
    /// The copy being replaced (retarget, revert): the old drive folder.
    #[serde(with = "crate::stored_path::option", default)]
    pub previous: Option<PathBuf>,
    /// The operation whose marker `previous` carried when this one began:
    /// with this operation's own id, the only ids that make it ours to delete.
    #[serde(default)]
    pub previous_id: Option<String>,
    /// Revert and retarget: keep `previous` instead of deleting it.
    pub keep_previous: bool,
    /// The operation could not finish and its undo has begun: recovery
    /// finishes the undo, never the operation (written before the undo acts).
    #[serde(default)]
    pub rolling_back: bool,
    /// Bytes of the backups, for the progress of the steps a recovery redoes.
    #[serde(default)]
    pub total_bytes: u64,
    /// Files of the backups, likewise.
    #[serde(default)]
    pub total_files: u64,
    /// When the operation started (seconds since 1970).
    pub started_at: u64,
    /// When this step was written.
    pub updated_at: u64,
    /// The file it was read from (not written: a journal is always beside
    /// the folder it protects, and one read from disk stays where it was).
    #[serde(skip)]
    pub location: Option<PathBuf>,
}

impl Journal {
    /// A new journal at `Step::Copying`.
    #[must_use]
    pub fn new(
        operation: Operation,
        id: &str,
        source: &Path,
        target: &Path,
        staging: &Path,
    ) -> Self {
        let now = now_unix();
        Self {
            format: FORMAT,
            app_version: env!("CARGO_PKG_VERSION").to_owned(),
            operation,
            id: id.to_owned(),
            step: Step::Copying,
            source: source.to_owned(),
            target: target.to_owned(),
            staging: staging.to_owned(),
            aside: None,
            previous: None,
            previous_id: None,
            keep_previous: false,
            rolling_back: false,
            total_bytes: 0,
            total_files: 0,
            started_at: now,
            updated_at: now,
            location: None,
        }
    }

    /// Where this journal lives: the file it was read from, or beside its
    /// source folder.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.location
            .clone()
            .unwrap_or_else(|| path_for(&self.source))
    }

    /// Every place the journal names: its own to finish or undo.
    #[must_use]
    pub fn places(&self) -> Vec<PathBuf> {
        let mut places = vec![
            self.source.clone(),
            self.target.clone(),
            self.staging.clone(),
        ];
        places.extend(self.aside.clone());
        places.extend(self.previous.clone());
        places
    }

    /// Records `step` durably before it starts.
    pub fn enter(&mut self, step: Step) -> Result<()> {
        self.step = step;
        self.updated_at = now_unix();
        self.save()
    }

    /// Records that the undo has begun, before it acts (see [`Journal::rolling_back`]).
    pub fn begin_undo(&self) -> Result<()> {
        if self.rolling_back {
            return Ok(());
        }
        Journal {
            rolling_back: true,
            updated_at: now_unix(),
            ..self.clone()
        }
        .save()
    }

    /// Writes the journal atomically.
    pub fn save(&self) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(|e| Error::Journal {
            path: self.path(),
            message: e.to_string(),
        })?;
        durable::write_atomic(&self.path(), &bytes)
    }

    /// Removes the journal: the operation is over.
    pub fn finish(&self) -> Result<()> {
        let path = self.path();
        let removed = crate::in_use::retrying(&path, || match fs::remove_file(&path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        })?;
        if removed {
            durable::sync_parent(&path)?;
        }
        Ok(())
    }
}

/// The journal path for the backup folder `source`.
#[must_use]
pub fn path_for(source: &Path) -> PathBuf {
    parent_of(source).join(JOURNAL_FILE)
}

fn parent_of(source: &Path) -> &Path {
    match source.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The journal recording an operation on `source`, if there is one.
pub fn find(source: &Path) -> Result<Option<PathBuf>> {
    Ok(load(source)?.map(|j| j.path()))
}

/// What any version writes first in its record: its format and version.
#[derive(serde::Deserialize)]
struct Written {
    format: u32,
    #[serde(default)]
    app_version: String,
}

/// Reads the journal kept beside `source`, if there is one.
pub fn load(source: &Path) -> Result<Option<Journal>> {
    let path = path_for(source);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    // A newer version's record may not read as this version's: its format
    // and version are asked of it first, on their own.
    if let Ok(written) = serde_json::from_slice::<Written>(&bytes)
        && written.format > FORMAT
    {
        return Err(Error::NewerRecord {
            path,
            version: written.app_version,
        });
    }
    let journal: Journal = serde_json::from_slice(&bytes).map_err(|e| Error::Journal {
        path: path.clone(),
        message: damage(&e),
    })?;
    // A record about another folder, or naming places its operation would
    // never make, is still returned: the caller checks it (see
    // `relocate::places`) and refuses it with both places named. It stays
    // tied to the file it was read from, whatever it says of itself.
    Ok(Some(Journal {
        location: Some(path),
        ..journal
    }))
}

/// What is wrong with a record that does not read, in plain words (the
/// parser's own words say where, for whoever looks closer).
fn damage(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Eof => "it was cut short",
        Category::Syntax | Category::Io => "it is damaged",
        Category::Data => "it is not a record this version of Backup Relocator can read",
    };
    format!("{what} (line {}, column {})", e.line(), e.column())
}

/// An exclusive lock on the folder holding a backup folder: one operation at a time.
/// The operating system releases it when the process ends, even if killed.
#[derive(Debug)]
pub struct Lock {
    _file: File,
}

impl Lock {
    /// The lock file for `source`: beside it, in its parent folder.
    fn file_for(source: &Path) -> PathBuf {
        parent_of(source).join(LOCK_FILE)
    }

    /// Takes the lock for `source`'s parent folder, or fails with `Error::Busy`.
    pub fn acquire(source: &Path) -> Result<Self> {
        let path = Self::file_for(source);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .at(&path)?;
        // A process forked from ours holds the lock for an instant until it
        // execs; wait a little before calling the folder busy.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(Self { _file: file }),
                Err(fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                Err(fs::TryLockError::WouldBlock) => return Err(Error::Busy { path }),
                Err(fs::TryLockError::Error(e)) => return Err(Error::io(path, e)),
            }
        }
    }
}

impl Lock {
    /// Whether another process holds the lock for `source` right now (an
    /// operation is under way there). Never waits.
    #[must_use]
    pub fn held_elsewhere(source: &Path) -> bool {
        let path = Self::file_for(source);
        let Ok(file) = OpenOptions::new().read(true).write(true).open(&path) else {
            return false;
        };
        matches!(file.try_lock(), Err(fs::TryLockError::WouldBlock))
    }

    /// `Error::Busy` when another process holds the lock for `source` right
    /// now: checked before a question, so nobody is asked about a folder an
    /// operation is working on (its record would read as interrupted).
    /// Never waits and never makes the lock file.
    pub fn ensure_free(source: &Path) -> Result<()> {
        if Self::held_elsewhere(source) {
            Err(Error::Busy {
                path: Self::file_for(source),
            })
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_journal_round_trips_and_finishes() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("Backup");
        let mut j = Journal::new(
            Operation::Move,
            "abc",
            &source,
            Path::new("/v/Backup"),
            Path::new("/v/Backup.partial-abc"),
        );
        j.enter(Step::Publishing).unwrap();
        assert_eq!(j.path(), dir.path().join(JOURNAL_FILE));
        let read = load(&source).unwrap().unwrap();
        assert_eq!(read.location.as_deref(), Some(j.path().as_path()));
        assert_eq!(
            Journal {
                location: None,
                ..read
            },
            j
        );
        j.finish().unwrap();
        assert_eq!(load(&source).unwrap(), None);
        j.finish().unwrap();
    }

    #[test]
    fn a_damaged_journal_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("Backup");
        fs::write(path_for(&source), b"{\"format\":").unwrap();
        let err = load(&source).unwrap_err();
        assert!(err.to_string().contains("cut short"), "{err}");
        fs::write(path_for(&source), b"{ this is not a journal").unwrap();
        let err = load(&source).unwrap_err().to_string();
        assert!(err.contains("damaged"), "{err}");
        // Issue 24: the folder first, not our file's name, nor the parser's words.
        assert!(err.starts_with(&dir.path().display().to_string()), "{err}");
        assert!(
            !err.contains(".backup-relocator") && !err.contains("expected"),
            "{err}"
        );
    }

    /// Issue 24: a record from a newer version is not called damaged.
    #[test]
    fn a_newer_versions_record_asks_for_an_update() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("Backup");
        fs::write(
            path_for(&source),
            br#"{"format": 9, "app_version": "9.1.0", "operation": "teleport"}"#,
        )
        .unwrap();
        let err = load(&source).unwrap_err();
        assert!(matches!(err, Error::NewerRecord { .. }), "{err}");
        let text = err.to_string();
        assert!(
            text.contains("newer Backup Relocator (9.1.0)") && text.contains("update"),
            "{text}"
        );
        assert!(!text.contains("damaged"), "{text}");
    }

    #[test]
    fn the_lock_is_exclusive_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("Backup");
        let held = Lock::acquire(&source).unwrap();
        assert!(matches!(Lock::acquire(&source), Err(Error::Busy { .. })));
        drop(held);
        Lock::acquire(&source).unwrap();
    }
}
