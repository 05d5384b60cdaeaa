//! The one error type of the core. Every file-system failure carries the path
//! it is about and reads "path: cause" in words a user understands.

use std::io;
use std::path::{Path, PathBuf};

use crate::names::described;
use crate::problem::Problem;

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file-system call failed on `path`.
    #[error("{}: {}", described(path), plain_io_at(path, source))]
    Io {
        /// The file or folder the call was about.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: io::Error,
    },
    /// A property list could not be read.
    #[error("{}: not a readable property list ({message})", path.display())]
    Plist {
        /// The plist file.
        path: PathBuf,
        /// What the parser said.
        message: String,
    },
    /// The preflight found problems that block the operation; nothing was changed.
    #[error("{}", crate::problem::refusal(.0))]
    Refused(Vec<Problem>),
    /// The user cancelled; whatever was started has been rolled back.
    #[error("Cancelled; nothing was changed")]
    Cancelled,
    /// Another Backup Relocator operation holds the lock on this folder.
    #[error("{}: another Backup Relocator operation is already working on this folder. Nothing was changed", folder_of(path).display())]
    Busy {
        /// The lock file.
        path: PathBuf,
    },
    /// The copy does not match the original.
    #[error("{}: the copy does not match the original ({what})", path.display())]
    Mismatch {
        /// The file or folder that differs.
        path: PathBuf,
        /// How it differs.
        what: String,
    },
    /// A file of the original changed while it was being copied.
    #[error(
        "{}: this file changed while it was being copied. Is iTunes, Finder or Apple Devices making a backup?",
        path.display()
    )]
    ChangedDuringCopy {
        /// The file that changed.
        path: PathBuf,
    },
    /// A path that should be a link is something else.
    #[error("{}: expected a link made by Backup Relocator, found {found}", path.display())]
    NotOurLink {
        /// The path.
        path: PathBuf,
        /// What is there instead.
        found: String,
    },
    /// Windows cannot create the needed link without a privilege the user lacks.
    #[error(
        "{}: a network drive needs a symbolic link, and Windows only allows that with Developer Mode on or as an administrator",
        path.display()
    )]
    LinkPrivilege {
        /// The link that could not be made.
        path: PathBuf,
    },
    /// A journal file could not be understood.
    #[error("{}: the record of an interrupted operation kept in this folder cannot be used: {message}. Nothing was changed or deleted", folder_of(path).display())]
    Journal {
        /// The journal file.
        path: PathBuf,
        /// What was wrong with it.
        message: String,
    },
    /// The record of an interrupted operation was written by a newer
    /// version of Backup Relocator, which knows how to finish it.
    #[error(
        "{}: the record of an interrupted operation kept in this folder was written by a newer Backup Relocator ({version}): update Backup Relocator, then open it again to finish the operation. Nothing was changed",
        folder_of(path).display()
    )]
    NewerRecord {
        /// The journal file.
        path: PathBuf,
        /// The version that wrote it.
        version: String,
    },
    /// A journal names a folder its operation would never have made: it was
    /// damaged, edited by hand or written by another version. Nothing was touched.
    #[error(
        "{}: the record of the interrupted operation kept in this folder names {} as its {what}, where Backup Relocator would have used {expected}. Nothing was changed or deleted",
        folder_of(journal).display(),
        found.display()
    )]
    ForeignRecord {
        /// The journal file.
        journal: PathBuf,
        /// Which of its places ("partial copy", "set-aside original"…).
        what: String,
        /// What it says.
        found: PathBuf,
        /// What the operation derives.
        expected: String,
    },
    /// Another program kept open a file or folder that had to be renamed or
    /// deleted, for longer than Backup Relocator waits (antivirus, the
    /// search indexer, or an app showing the folder).
    #[error(
        "{}: {} kept it open, so it could not be renamed or deleted",
        described(path),
        holders_text(programs)
    )]
    FileInUse {
        /// The file or folder.
        path: PathBuf,
        /// The programs holding it, where Windows could tell.
        programs: Vec<String>,
        /// What Windows said.
        #[source]
        source: io::Error,
    },
    /// The drive an operation was writing to went away (unplugged, or its
    /// share dropped).
    #[error(
        "the drive holding {} is no longer connected. The unfinished copy on it will be removed once the drive is connected again",
        path.display()
    )]
    DriveDisconnected {
        /// The folder on that drive the operation was using.
        path: PathBuf,
    },
    /// None of the places an interrupted operation's record names holds the
    /// backups any more; nothing was changed.
    #[error(
        "{}: the record of an interrupted operation kept in this folder names {}, and none of them holds your backups now. Nothing was changed",
        folder_of(journal).display(),
        looked.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    BackupsNotFound {
        /// The journal file.
        journal: PathBuf,
        /// Every place it names.
        looked: Vec<PathBuf>,
    },
    /// There is no record of an interrupted operation to set aside.
    #[error("{}: there is no record of an interrupted operation here. Nothing was changed", folder_of(path).display())]
    NoRecord {
        /// Where it would be.
        path: PathBuf,
    },
    /// The record can still be used: recovery should run instead of setting it aside.
    #[error(
        "{}: the record of an interrupted operation kept in this folder can still be used: recover it (that finishes or undoes the operation) instead of setting it aside; if it waits for a drive that is gone for good, forget that drive instead. Nothing was changed",
        folder_of(journal).display()
    )]
    RecordUsable {
        /// The journal.
        journal: PathBuf,
    },
    /// The drive an interrupted operation needs is connected: recovery can
    /// act, so there is nothing to forget.
    #[error(
        "{}: the drive the interrupted operation recorded in this folder needs is connected: recover it instead (that finishes or undoes the operation). Nothing was changed",
        folder_of(journal).display()
    )]
    DriveConnected {
        /// The journal.
        journal: PathBuf,
    },
    /// The backups are whole only on the drive that is not connected: it
    /// cannot be forgotten.
    #[error(
        "{}: your backups are whole only on the drive holding this folder, which is not connected, so Backup Relocator cannot go on without it. Nothing was changed. Connect that drive, then recover",
        drive_folder.display()
    )]
    OnlyOnTheDrive {
        /// The folder on the drive.
        drive_folder: PathBuf,
        /// The journal.
        journal: PathBuf,
    },
    /// The backups are not whole at the backup folder's place, so a damaged
    /// record must not be set aside yet.
    #[error(
        "{}: the backups are not whole there (it is not a backup folder, nor a link to a complete copy), so the record was kept. {}Nothing was changed",
        backup_folder.display(),
        found_text(found)
    )]
    BackupsNotWhole {
        /// The backup folder's place.
        backup_folder: PathBuf,
        /// Folders found that hold, or may hold, the backups.
        found: Vec<PathBuf>,
    },
    /// A real backup folder, and beside it an original set aside by an
    /// interrupted move: which holds the backups is for a person to decide.
    #[error(
        "{}: a backup folder is here, and beside it is an original set aside by an interrupted move ({}). Which of them holds your backups is for you to decide, so the record was kept: move one of them out of this folder, then try again. Nothing was changed",
        backup_folder.display(),
        set_aside.display()
    )]
    BackupsInTwoPlaces {
        /// The backup folder.
        backup_folder: PathBuf,
        /// The set-aside original beside it.
        set_aside: PathBuf,
    },
    /// An operation failed part-way; it was undone as far as possible and
    /// the backups are whole at `safe_at`.
    #[error("{}", with_safe_place(cause, safe_at))]
    Interrupted {
        /// What went wrong.
        cause: Box<Error>,
        /// Where a complete copy of the backups is now.
        safe_at: PathBuf,
    },
}

/// The core's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an `io::Error` with the path it is about.
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The underlying I/O error kind, if this is (or wraps) an I/O error.
    #[must_use]
    pub fn io_kind(&self) -> Option<io::ErrorKind> {
        match self {
            Error::Io { source, .. } | Error::FileInUse { source, .. } => Some(source.kind()),
            Error::Interrupted { cause, .. } => cause.io_kind(),
            _ => None,
        }
    }
}

/// Adds `.at(path)` to `io::Result`, turning it into our `Result`.
pub trait IoContext<T> {
    /// Attaches the path the failed call was about.
    fn at(self, path: &Path) -> Result<T>;
}

impl<T> IoContext<T> for io::Result<T> {
    fn at(self, path: &Path) -> Result<T> {
        self.map_err(|source| Error::io(path, source))
    }
}

/// The folder one of our files (a journal, a lock) is kept in: what
/// messages name, rather than our file's own name.
fn folder_of(file: &Path) -> &Path {
    file.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(file)
}

fn holders_text(programs: &[String]) -> String {
    if programs.is_empty() {
        "another program (often antivirus or the search indexer)".to_owned()
    } else {
        programs.join(", ")
    }
}

fn found_text(found: &[PathBuf]) -> String {
    if found.is_empty() {
        "No folder of Backup Relocator's was found on the connected drives. ".to_owned()
    } else {
        format!(
            "Folders that may hold them: {}. ",
            found
                .iter()
                .map(|p| described(p))
                .collect::<Vec<_>>()
                .join("; ")
        )
    }
}

/// "<what happened>. Your backups are safe in <where>": one sentence ending
/// in its own mark ("…a backup? Your backups…"), the place explained.
fn with_safe_place(cause: &Error, safe_at: &Path) -> String {
    let cause = cause.to_string();
    let joint = if cause.ends_with(['.', '?', '!']) {
        " "
    } else {
        ". "
    };
    format!(
        "{cause}{joint}Your backups are safe in {}",
        described(safe_at)
    )
}

/// Describes an I/O error about `path` in plain words: on macOS, what
/// "operation not permitted" means there (a locked item, a protected one,
/// a blocked drive, or Full Disk Access; see [`crate::not_permitted`]).
#[must_use]
pub fn plain_io_at(path: &Path, error: &io::Error) -> String {
    if cfg!(target_os = "macos") && error.raw_os_error() == Some(1) {
        return crate::not_permitted::cause_at(path).words().to_owned();
    }
    plain_io(error)
}

/// Describes an I/O error in plain words, keeping the OS text for the rare cases.
#[must_use]
pub fn plain_io(error: &io::Error) -> String {
    use io::ErrorKind as K;
    // EPERM (1) is what macOS returns when an app lacks Full Disk Access.
    if cfg!(target_os = "macos") && error.raw_os_error() == Some(1) {
        return crate::not_permitted::NotPermitted::FullDiskAccess
            .words()
            .to_owned();
    }
    match error.kind() {
        K::NotFound => "not found".to_owned(),
        K::PermissionDenied => "permission denied".to_owned(),
        K::AlreadyExists => "already exists".to_owned(),
        K::StorageFull => "the drive is full".to_owned(),
        K::ReadOnlyFilesystem => "the drive is read-only".to_owned(),
        K::FileTooLarge => "the file is too large for this drive's format".to_owned(),
        K::DirectoryNotEmpty => "the folder is not empty".to_owned(),
        K::NotADirectory => "not a folder".to_owned(),
        K::IsADirectory => "is a folder".to_owned(),
        K::CrossesDevices => "cannot be renamed across drives".to_owned(),
        K::InvalidFilename => "the name is too long or not allowed here".to_owned(),
        _ => error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_name_their_path_and_a_plain_cause() {
        let e = Error::io(
            "/Volumes/Big/Backup",
            io::Error::from(io::ErrorKind::StorageFull),
        );
        assert_eq!(e.to_string(), "/Volumes/Big/Backup: the drive is full");
        assert_eq!(e.io_kind(), Some(io::ErrorKind::StorageFull));
    }

    #[test]
    fn sentences_join_with_one_mark_and_name_what_our_folders_are() {
        let e = Error::Interrupted {
            cause: Box::new(Error::ChangedDuringCopy {
                path: PathBuf::from("/b/Info.plist"),
            }),
            safe_at: PathBuf::from("/home/a/Backup.moving-0123456789ab"),
        };
        let text = e.to_string();
        assert!(
            text.contains("making a backup? Your backups are safe"),
            "{text}"
        );
        assert!(!text.contains("?."), "{text}");
        assert!(
            text.contains("your original backup folder, set aside"),
            "{text}"
        );
    }

    #[test]
    fn interrupted_says_where_the_backups_are() {
        let e = Error::Interrupted {
            cause: Box::new(Error::Cancelled),
            safe_at: PathBuf::from("/home/a/Backup"),
        };
        assert_eq!(
            e.to_string(),
            "Cancelled; nothing was changed. Your backups are safe in /home/a/Backup"
        );
    }
}
