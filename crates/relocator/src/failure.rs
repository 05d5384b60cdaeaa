//! What went wrong, as a kind a front end can put in one plain sentence and
//! offer a next step for, apart from the technical detail (the error's own
//! text, which names the file). Computed once here so that the window and
//! the terminal agree on what happened.

use std::io::ErrorKind;
use std::path::Path;

use crate::error::Error;
use crate::problem::Problem;

/// The kind of failure, for a headline and a next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The person cancelled; everything was put back.
    Cancelled,
    /// The checks found something that blocks the operation; nothing changed.
    Refused(Vec<Problem>),
    /// The drive being written became full.
    DriveFull,
    /// The drive went away (unplugged, the share dropped).
    DriveDisconnected,
    /// The drive refuses writes.
    DriveReadOnly,
    /// A file is larger than the drive's format allows (FAT32: 4 GB).
    FileTooLarge,
    /// The system refused access (macOS without Full Disk Access, or permissions).
    AccessDenied,
    /// The copy differed from the original when checked.
    CopyDiffers,
    /// A backup was being written while it was copied.
    ChangedDuringCopy,
    /// Another Backup Relocator is working on these backups.
    Busy,
    /// Windows refused to make the link.
    LinkNotAllowed,
    /// Another program kept a file open that had to be renamed or deleted.
    FileInUse,
    /// The record of an interrupted operation is damaged, or names places
    /// its operation would never use: it can be set aside once the backups
    /// are whole.
    DamagedRecord,
    /// The record of an interrupted operation cannot be used as it is.
    RecordProblem,
    /// Anything else (the details say what).
    Other,
}

impl Failure {
    /// Classifies `error` (looking through "interrupted, safe at …").
    #[must_use]
    pub fn of(error: &Error) -> Self {
        match error {
            Error::Interrupted { cause, .. } => Self::of(cause),
            Error::Cancelled => Failure::Cancelled,
            Error::Refused(problems) => Failure::Refused(problems.clone()),
            Error::DriveDisconnected { .. } => Failure::DriveDisconnected,
            Error::Busy { .. } => Failure::Busy,
            Error::Mismatch { .. } => Failure::CopyDiffers,
            Error::ChangedDuringCopy { .. } => Failure::ChangedDuringCopy,
            Error::LinkPrivilege { .. } => Failure::LinkNotAllowed,
            Error::FileInUse { .. } => Failure::FileInUse,
            Error::Journal { .. } | Error::ForeignRecord { .. } => Failure::DamagedRecord,
            Error::BackupsNotFound { .. }
            | Error::NoRecord { .. }
            | Error::RecordUsable { .. }
            | Error::DriveConnected { .. }
            | Error::OnlyOnTheDrive { .. }
            | Error::BackupsNotWhole { .. }
            | Error::BackupsInTwoPlaces { .. }
            | Error::NewerRecord { .. } => Failure::RecordProblem,
            Error::Io { source, .. } => match source.kind() {
                ErrorKind::StorageFull | ErrorKind::QuotaExceeded => Failure::DriveFull,
                ErrorKind::ReadOnlyFilesystem => Failure::DriveReadOnly,
                ErrorKind::FileTooLarge => Failure::FileTooLarge,
                ErrorKind::PermissionDenied => Failure::AccessDenied,
                _ if cfg!(target_os = "macos") && source.raw_os_error() == Some(1) => {
                    Failure::AccessDenied
                }
                _ => Failure::Other,
            },
            Error::Plist { .. } | Error::NotOurLink { .. } => Failure::Other,
        }
    }

    /// Whether another drive is the way forward (the drive was the trouble).
    #[must_use]
    pub fn suggests_another_drive(&self) -> bool {
        match self {
            Failure::DriveFull
            | Failure::DriveReadOnly
            | Failure::FileTooLarge
            | Failure::LinkNotAllowed => true,
            Failure::Refused(problems) => problems.iter().any(Problem::is_about_the_destination),
            _ => false,
        }
    }

    /// Whether trying the same again may well work (the cause was passing).
    #[must_use]
    pub fn suggests_trying_again(&self) -> bool {
        matches!(
            self,
            Failure::DriveDisconnected
                | Failure::ChangedDuringCopy
                | Failure::FileInUse
                | Failure::Busy
                | Failure::CopyDiffers
                | Failure::Other
        ) || matches!(self, Failure::Refused(problems) if !problems.iter().any(Problem::is_about_the_destination))
    }
}

/// Where the backups are whole after `error`, when the error says so.
#[must_use]
pub fn safe_place(error: &Error) -> Option<&Path> {
    match error {
        Error::Interrupted { safe_at, .. } => Some(safe_at),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn io(kind: ErrorKind) -> Error {
        Error::io("/Volumes/Big/Backup.partial-1/x", kind.into())
    }

    #[test]
    fn io_errors_are_classified_through_the_interruption() {
        let full = Error::Interrupted {
            cause: Box::new(io(ErrorKind::StorageFull)),
            safe_at: PathBuf::from("/home/ana/Backup"),
        };
        assert_eq!(Failure::of(&full), Failure::DriveFull);
        assert!(Failure::of(&full).suggests_another_drive());
        assert!(!Failure::of(&full).suggests_trying_again());
        assert_eq!(safe_place(&full), Some(Path::new("/home/ana/Backup")));
        assert_eq!(
            Failure::of(&io(ErrorKind::ReadOnlyFilesystem)),
            Failure::DriveReadOnly
        );
        assert_eq!(
            Failure::of(&io(ErrorKind::FileTooLarge)),
            Failure::FileTooLarge
        );
        assert_eq!(
            Failure::of(&io(ErrorKind::PermissionDenied)),
            Failure::AccessDenied
        );
        assert_eq!(Failure::of(&io(ErrorKind::Other)), Failure::Other);
        assert_eq!(safe_place(&io(ErrorKind::Other)), None);
    }

    #[test]
    fn passing_troubles_suggest_trying_again_and_drive_troubles_another_drive() {
        let gone = Error::DriveDisconnected {
            path: PathBuf::from("/Volumes/Big"),
        };
        assert!(Failure::of(&gone).suggests_trying_again());
        assert!(!Failure::of(&gone).suggests_another_drive());
        let refused_space = Error::Refused(vec![Problem::NotEnoughSpace {
            backups: 1,
            headroom: 1,
            needed: 2,
            free: 1,
            drive: "Big".into(),
        }]);
        assert!(Failure::of(&refused_space).suggests_another_drive());
        assert!(!Failure::of(&refused_space).suggests_trying_again());
        let refused_apps = Error::Refused(vec![Problem::SyncAppsRunning {
            names: vec!["iTunes".into()],
        }]);
        assert!(Failure::of(&refused_apps).suggests_trying_again());
        assert!(!Failure::of(&refused_apps).suggests_another_drive());
        assert_eq!(Failure::of(&Error::Cancelled), Failure::Cancelled);
        assert!(!Failure::Cancelled.suggests_trying_again());
    }
}
