//! What a preflight knows: the facts about the backups and about the
//! destination, the space a copy needs, and the result with its problems.
//! Plain data; nothing here reads the disk.

use std::path::PathBuf;

use crate::capabilities::Capabilities;
use crate::error::{Error, Result};
use crate::freshness::Activity;
use crate::inventory;
use crate::problem::{Problem, Severity};
use crate::scan::ScanTotals;
use crate::volume::VolumeInfo;

/// FAT file systems cannot hold a file this large or larger (4 GiB).
pub const FAT_FILE_LIMIT: u64 = 4 * 1024 * 1024 * 1024;

/// Free space required beyond the backups' size: 5 %, at least 100 MB.
#[must_use]
pub fn space_margin(bytes: u64) -> u64 {
    (bytes / 20).max(100_000_000)
}

/// The free space a copy of the backups needs, in its two parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpaceNeeded {
    /// The backups themselves.
    pub backups: u64,
    /// What must stay free beside them ([`space_margin`]): a drive filled
    /// to the last byte fails the next backup, and the drive's own files grow.
    pub headroom: u64,
}

impl SpaceNeeded {
    /// For backups of `bytes`.
    #[must_use]
    pub fn for_backups(bytes: u64) -> Self {
        Self {
            backups: bytes,
            headroom: space_margin(bytes),
        }
    }

    /// Both parts together.
    #[must_use]
    pub fn total(self) -> u64 {
        self.backups.saturating_add(self.headroom)
    }
}

/// How the destination relates to the source on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relation {
    /// Unrelated folders.
    Apart,
    /// The very same folder.
    Same,
    /// The destination is inside the source.
    DestinationInside,
    /// The source is inside the destination.
    SourceInside,
}

/// Facts about a planned copy of the backups into a destination folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DestinationFacts {
    /// The destination folder the user chose.
    pub destination: PathBuf,
    /// `Ok(true)` folder, `Ok(false)` something else, `Err` missing/unreachable.
    pub is_folder: Option<bool>,
    /// Why a probe file could not be written, if it could not.
    pub not_writable: Option<String>,
    /// How it relates to the backups.
    pub relation: Option<Relation>,
    /// `<destination>/Backup` exists.
    pub backup_exists: bool,
    /// Its volume.
    pub volume: Option<VolumeInfo>,
    /// On the same volume as the backups: a rename, no copy.
    pub same_volume: bool,
    /// The cloud service that syncs the destination folder, if one does.
    pub synced_by: Option<crate::cloud::CloudService>,
    /// Another volume that draws on the same storage as the backups' (APFS
    /// volumes of one container): a copy, and no space freed.
    pub shares_storage: bool,
    /// What its file system keeps, measured (`None` when it could not be probed).
    pub capabilities: Option<Capabilities>,
    /// Why no link to it can be made at the backup folder's place, if not.
    pub cannot_link: Option<LinkTrouble>,
    /// A file or folder of the backups with extended attributes the drive
    /// cannot hold (looked for only when it cannot).
    pub attributes_lost: Option<PathBuf>,
}

impl DestinationFacts {
    /// Whether moving the backups there frees their space where they are:
    /// not on the same volume, nor on one that shares its storage.
    #[must_use]
    pub fn frees_space(&self) -> bool {
        !self.same_volume && !self.shares_storage
    }
}

/// Why a link to the destination cannot be made where the backups are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTrouble {
    /// Windows needs Developer Mode or administrator rights for the
    /// symbolic link a network drive needs.
    NeedsPrivilege,
    /// The system refused, in plain words.
    Refused(String),
}

/// Facts about the backups being moved.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceFacts {
    /// Total bytes (hard links once).
    pub bytes: u64,
    /// Total files.
    pub files: u64,
    /// The largest file and its size.
    pub largest_file: Option<(PathBuf, u64)>,
    /// Folders inside the backups.
    pub folders: u64,
    /// Symbolic links inside the backups.
    pub symlinks: u64,
    /// Extra names of hard-linked files inside the backups.
    pub hard_links: u64,
    /// Unreadable entries: count and first.
    pub unreadable: Option<(usize, String)>,
    /// Devices whose backup is in progress.
    pub in_progress: Vec<String>,
    /// Entries no copy can reproduce (pipes, sockets, devices): how many, and the first few.
    pub special: Option<(u64, Vec<PathBuf>)>,
    /// Each device backup's name and what the scan saw of it (for the finishing gate).
    pub activity: Vec<(String, Activity)>,
    /// Names in one folder that differ only by case: how many, and the
    /// first pair.
    pub case_twins: Option<(u64, (PathBuf, PathBuf))>,
}

impl SourceFacts {
    /// Summarises a scan.
    #[must_use]
    pub fn from_scan(totals: &ScanTotals, in_progress: Vec<String>) -> Self {
        Self {
            bytes: totals.bytes,
            files: totals.files,
            largest_file: totals.largest_file.clone(),
            folders: totals.folders,
            symlinks: totals.links,
            hard_links: totals.extra_hard_links,
            special: (totals.special > 0)
                .then(|| (totals.special, totals.special_examples.clone())),
            activity: Vec::new(),
            unreadable: totals
                .errors
                .first()
                .map(|e| (totals.errors.len(), e.to_string())),
            in_progress,
            case_twins: totals
                .case_twins
                .examples
                .first()
                .map(|pair| (totals.case_twins.count, pair.clone())),
        }
    }
}

/// The result of a preflight: what was found, and the problems.
#[derive(Debug, Default)]
pub struct Preflight {
    /// The backups' figures.
    pub source: SourceFacts,
    /// The destination's facts (move, retarget).
    pub destination: Option<DestinationFacts>,
    /// Every problem found, blocking first.
    pub problems: Vec<Problem>,
}

impl Preflight {
    /// Whether anything blocks the operation.
    #[must_use]
    pub fn is_blocked(&self) -> bool {
        self.problems.iter().any(Problem::is_blocking)
    }

    /// `Err(Error::Refused)` when something blocks.
    pub fn into_result(self) -> Result<Self> {
        if self.is_blocked() {
            Err(Error::Refused(self.problems))
        } else {
            Ok(self)
        }
    }

    pub(super) fn sort(&mut self) {
        self.problems
            .sort_by_key(|p| p.severity() != Severity::Blocking);
    }
}

/// What one walk of a backup folder tells: the preflight's facts, and each
/// device backup with its size.
#[derive(Debug, Clone, Default)]
pub struct Survey {
    /// The figures the checks need.
    pub facts: SourceFacts,
    /// Every subfolder, described, with its bytes and files.
    pub devices: Vec<inventory::DeviceBackup>,
    /// What could not be read, each naming its path.
    pub errors: Vec<String>,
}
