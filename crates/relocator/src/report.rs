//! One backup folder, reported: its state, what it holds, its size and
//! devices, its drive, where the backups are when its record is damaged,
//! and the copies a dangling link could point to again — gathered here once
//! for the window's overview and the terminal's `status`. In two parts: a
//! quick look (a few file-system calls), then the survey (one walk of the
//! backups, with progress).

use std::path::{Path, PathBuf};

use crate::checks::{self, Survey};
use crate::contents::{self, Contents};
use crate::error::Result;
use crate::journal::{self, Journal};
use crate::link::FolderLink;
use crate::locations::{self, LocationState};
use crate::progress::{Cancel, ProgressSink};
use crate::relocate::{self, DriveNeeded, Found, Leftovers};
use crate::volume::{self, VolumeInfo};

/// What is known of one backup folder.
#[derive(Debug, Clone)]
pub struct FolderReport {
    /// The backup folder.
    pub folder: PathBuf,
    /// What is at its path.
    pub state: LocationState,
    /// What a real folder holds (backups or not); `Err` says why it could not be listed.
    pub contents: Option<std::result::Result<Contents, String>>,
    /// The drive a moved folder's backups are on.
    pub drive: Option<VolumeInfo>,
    /// A dangling link: copies of ours found on connected drives.
    pub relink_candidates: Vec<PathBuf>,
    /// A real folder where our link was (an update replaced it): our
    /// copies of it on connected drives, where its backups can be merged.
    pub merge_into: Vec<PathBuf>,
    /// Its devices' backups archived on connected drives.
    pub archived: Vec<relocate::Archived>,
    /// Moved by us, its drive here: what a person should know after a move.
    pub after_move: Option<crate::accounting::AfterMove>,
    /// A damaged record: where the backups are, or may be.
    pub found: Vec<Found>,
    /// An interrupted (or running) operation's record, as read.
    pub interrupted: Option<Journal>,
    /// An interrupted operation that waits for a drive not connected.
    pub drive_needed: Option<DriveNeeded>,
    /// Copies of ours left on drives: to remove now, or once their drive is back.
    pub leftovers: Leftovers,
    /// The backups' sizes, devices and facts, once surveyed.
    pub survey: Option<Survey>,
}

impl FolderReport {
    /// The quick look: everything but the walk of the backups.
    pub fn look(folder: &Path, links: &dyn FolderLink) -> Result<Self> {
        let state = locations::inspect(folder, links)?;
        let contents = matches!(state, LocationState::Local)
            .then(|| contents::judge(folder).map_err(|e| e.to_string()));
        let drive = match &state {
            LocationState::Relocated { target } | LocationState::ForeignLink { target } => {
                volume::volume_of(target).ok()
            }
            _ => None,
        };
        let relink_candidates = match &state {
            LocationState::Dangling { .. } => relocate::relink_candidates(folder, links)?,
            _ => Vec::new(),
        };
        let merge_into = match &state {
            LocationState::Local => relocate::merge_candidates(folder),
            _ => Vec::new(),
        };
        let archived = match &state {
            LocationState::Local | LocationState::Relocated { .. } => {
                relocate::archived_of(folder, links)
            }
            _ => Vec::new(),
        };
        let after_move = match &state {
            LocationState::Relocated { target } if target.is_dir() => {
                Some(crate::accounting::look(target))
            }
            _ => None,
        };
        let found = match &state {
            LocationState::DamagedRecord { .. } => relocate::locate_backups(folder),
            _ => Vec::new(),
        };
        let interrupted = match &state {
            LocationState::Interrupted { .. } => journal::load(folder)?,
            _ => None,
        };
        let drive_needed = match &state {
            LocationState::Interrupted { running: false, .. } => relocate::drive_needed(folder),
            _ => None,
        };
        // The places a record names are its own to handle; a running
        // operation's copy is never a leftover; a damaged record's
        // places are for a person to judge.
        let leftovers = match &state {
            LocationState::Interrupted { running: true, .. }
            | LocationState::DamagedRecord { .. } => Leftovers::default(),
            _ => {
                let named: Vec<PathBuf> = interrupted
                    .as_ref()
                    .map(Journal::places)
                    .unwrap_or_default();
                relocate::leftovers_of(folder, &named, links)
            }
        };
        Ok(Self {
            folder: folder.to_owned(),
            state,
            contents,
            drive,
            relink_candidates,
            merge_into,
            archived,
            after_move,
            found,
            interrupted,
            drive_needed,
            leftovers,
            survey: None,
        })
    }

    /// Where the backups are now, when they can be read.
    #[must_use]
    pub fn backups(&self) -> Option<PathBuf> {
        self.state.backups_at(&self.folder)
    }

    /// Walks the backups (one walk, with progress) for their sizes, devices and facts.
    pub fn survey(&mut self, progress: &dyn ProgressSink, cancel: &Cancel) -> Result<()> {
        if let Some(backups) = self.backups() {
            self.survey = Some(checks::survey(&backups, progress, cancel)?);
        }
        Ok(())
    }

    /// The quick look and the survey.
    pub fn gather(
        folder: &Path,
        links: &dyn FolderLink,
        progress: &dyn ProgressSink,
        cancel: &Cancel,
    ) -> Result<Self> {
        let mut report = Self::look(folder, links)?;
        report.survey(progress, cancel)?;
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::progress::NoProgress;

    #[test]
    fn a_local_folder_is_reported_with_its_devices_and_sizes() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("Backup");
        let made = crate::sample::generate(&folder, &crate::sample::SampleSpec::demo(3)).unwrap();
        let links = crate::link::platform_link();
        let report =
            FolderReport::gather(&folder, links.as_ref(), &NoProgress, &Cancel::new()).unwrap();
        assert_eq!(report.state, LocationState::Local);
        assert!(
            report
                .contents
                .as_ref()
                .is_some_and(|c| c.as_ref().is_ok_and(Contents::is_backup_folder))
        );
        let survey = report.survey.unwrap();
        assert_eq!(survey.facts.bytes, made.bytes);
        assert_eq!(survey.facts.files, made.files);
        assert_eq!(survey.devices.len(), made.device_folders.len());
        assert!(report.drive.is_none() && report.interrupted.is_none());
    }

    #[test]
    fn nothing_there_is_reported_without_a_survey() {
        let dir = tempfile::tempdir().unwrap();
        let links = crate::link::platform_link();
        let report = FolderReport::gather(
            &dir.path().join("Backup"),
            links.as_ref(),
            &NoProgress,
            &Cancel::new(),
        )
        .unwrap();
        assert_eq!(report.state, LocationState::Absent);
        assert!(report.backups().is_none() && report.survey.is_none());
    }
}
