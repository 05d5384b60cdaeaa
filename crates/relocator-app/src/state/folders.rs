//! Folders a person chooses: the folder dialog (or the typed path when no
//! dialog can open), the chosen folder put to use, and a folder opened in
//! the file manager.

use std::path::{Path, PathBuf};

use super::{AppState, Notice, NoticeKind, Opening, Picking, TypedFolder};
use crate::action::FolderPurpose;
use crate::config::Location;
use crate::picker::PickOutcome;
use crate::task::{Answer, Task};

impl AppState {
    /// Opens the folder dialog for `purpose`.
    pub(crate) fn open_picker(&mut self, purpose: FolderPurpose) {
        if self.is_picking() || (purpose == FolderPurpose::Source && !self.can_change_source()) {
            return;
        }
        let (title, start) = match purpose {
            FolderPurpose::Source => (
                "Choose the folder that holds the backups",
                self.location().map(|l| l.path.clone()),
            ),
            FolderPurpose::Destination => (
                "Choose a folder on the drive for your backups",
                self.settings.last_destination.clone(),
            ),
        };
        let pending = self.services.picker.open(title, start.as_deref());
        match Task::start("folder-dialog", self.wake.clone(), move |emit, _| {
            emit.emit(pending());
        }) {
            Ok(task) => self.picking = Some(Picking { purpose, task }),
            Err(e) => {
                self.typed = Some(TypedFolder {
                    purpose,
                    reason: format!("The folder window could not open ({e})."),
                    text: String::new(),
                });
            }
        }
    }

    pub(super) fn poll_picker(&mut self) {
        let Some(picking) = self.picking.as_mut() else {
            return;
        };
        let purpose = picking.purpose;
        let answer = match picking.task.answer() {
            Answer::Given(a) => a,
            Answer::Ended => {
                PickOutcome::Unavailable("The folder window stopped unexpectedly.".to_owned())
            }
            Answer::Pending => return,
        };
        self.picking = None;
        match answer {
            PickOutcome::Chosen(folder) => self.use_folder(purpose, folder),
            PickOutcome::Cancelled => {}
            PickOutcome::Unavailable(reason) => {
                self.typed = Some(TypedFolder {
                    purpose,
                    reason,
                    text: String::new(),
                });
            }
        }
    }

    /// Uses `folder` for `purpose`: the backup folder, or the destination.
    pub(crate) fn use_folder(&mut self, purpose: FolderPurpose, folder: PathBuf) {
        match purpose {
            FolderPurpose::Source if !self.can_change_source() => {
                // The dialog answered after the person moved on.
                self.notice = Some(Notice {
                    kind: NoticeKind::Problem,
                    text: crate::words::source_not_changed(&folder),
                });
            }
            FolderPurpose::Source => {
                self.settings.source_folder = Some(folder.clone());
                self.config.locations = vec![Location::chosen(folder)];
                self.config.source_given = false;
                self.selected = 0;
                self.plan = None;
                self.health = None;
                self.rescan();
            }
            FolderPurpose::Destination => self.check_destination(folder),
        }
        self.typed = None;
    }

    /// Opens `folder` in the file manager, in the background.
    pub(crate) fn open_folder(&mut self, folder: PathBuf) {
        let opener = self.services.open_folder.clone();
        let target = folder.clone();
        match Task::start("open-folder", self.wake.clone(), move |emit, _| {
            emit.emit(opener(&target));
        }) {
            Ok(task) => self.opening = Some(Opening { folder, task }),
            Err(e) => self.cannot_open(&folder, &e.to_string()),
        }
    }

    pub(super) fn poll_opening(&mut self) {
        let Some(opening) = self.opening.as_mut() else {
            return;
        };
        let answer = opening.task.answer();
        if answer == Answer::Pending {
            return;
        }
        let folder = opening.folder.clone();
        self.opening = None;
        if let Answer::Given(Err(reason)) = answer {
            self.cannot_open(&folder, &reason);
        }
    }

    fn cannot_open(&mut self, folder: &Path, reason: &str) {
        self.notice = Some(Notice {
            kind: NoticeKind::Problem,
            text: format!("{reason} The folder is {}.", folder.display()),
        });
    }
}
