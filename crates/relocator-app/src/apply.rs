//! What each action does to the app's state: one `match`, every action
//! handled by name, so a new action cannot be silently ignored.

use std::path::Path;

use crate::action::{Action, FolderPurpose};
use crate::page::Page;
use relocator::Operation;
use relocator::relocate::Options;

use crate::plan::{Plan, Wizard as _};
use crate::settings::Settings;
use crate::state::{AppState, DriveList, GuardSwitch, Notice, NoticeKind, TypedFolder};
use crate::worker::Job;

impl AppState {
    /// Applies a page's request.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Next => self.next(),
            Action::Back => self.back(),
            Action::Show(page) => self.show(page),
            Action::Finish => self.finish(),
            Action::Begin(operation) => self.begin(operation),
            Action::Select(i) => self.select(i),
            Action::ChooseFolder(purpose) => self.open_picker(purpose),
            Action::EditTypedFolder(text) => {
                if let Some(typed) = self.typed.as_mut() {
                    typed.text = text;
                }
            }
            Action::UseTypedFolder(purpose, text) => self.use_typed(purpose, &text),
            Action::UseUsualFolders => self.use_usual_folders(),
            Action::CheckAgain => self.start_checks(),
            Action::PickDrive(folder) => self.check_destination(folder),
            Action::RefreshDrives => self.list_drives(),
            Action::Accept(code, accepted) => self.accept(&code, accepted),
            Action::SetVerifyFull(full) => {
                self.settings.verify_full = full;
                if let Some(plan) = self.plan.as_mut() {
                    plan.verify_full = full;
                }
            }
            Action::Start => self.start_plan(),
            Action::AskCancel => self.asking_cancel = self.can_cancel(),
            Action::ConfirmCancel => {
                self.asking_cancel = false;
                // Past the switch the backups are in their new place: a late
                // "yes" must not start an undo the page said cannot happen.
                if self.can_cancel()
                    && let Some(w) = &self.worker
                {
                    w.task.cancel();
                }
            }
            Action::KeepGoing => self.asking_cancel = false,
            Action::ChooseAnotherDrive => {
                if let Some(plan) = self.plan.as_mut() {
                    plan.destination = None;
                    plan.checking = None;
                    self.result = None;
                    self.page = Page::Destination;
                    self.list_drives();
                }
            }
            Action::TryAgain => {
                if self.plan.is_some() {
                    self.result = None;
                    self.page = Page::Checks;
                    self.start_checks();
                }
            }
            Action::Recover => self.start_on_selected(|source| Job::Recover { source }),
            Action::SetAsideRecord(folder) => {
                self.set_aside_record(&folder);
                // From the Failed page (a recovery refused the record): the
                // overview says what happened and shows the backups.
                if self.page == Page::Failed {
                    self.result = None;
                    self.page = Page::Overview;
                }
            }
            Action::Relink(to) => self.start_on_selected(|source| Job::Run {
                operation: Operation::Relink,
                source,
                to: Some(to),
                options: Options::default(),
            }),
            Action::TakeOver => self.take_over(),
            Action::Merge(to) => self.merge(to),
            Action::AskArchive(device) => self.ask_archive(device),
            Action::Archive(device, drive) => self.archive(&device, &drive),
            Action::BringBack(archived) => self.one_device(Operation::BringBack, archived),
            Action::AskForgetDrive(asking) => self.asking_forget = asking,
            Action::ForgetDrive => {
                self.asking_forget = false;
                self.start_on_selected(|source| Job::ForgetDrive { source });
            }
            Action::CheckHealth => self.check_health(),
            Action::OpenFolder(folder) => self.open_folder(folder),
            Action::CopyText(text) => {
                self.clipboard = Some(text);
                self.notice = Some(Notice {
                    kind: NoticeKind::Info,
                    text: "The details were copied: paste them into a message to support."
                        .to_owned(),
                });
            }
            Action::DismissNotice => self.notice = None,
            Action::SetTheme(theme) => self.settings.theme = theme,
            Action::SetQuietMinutes(minutes) => {
                self.settings.quiet_minutes = minutes.clamp(
                    *Settings::QUIET_MINUTES.start(),
                    *Settings::QUIET_MINUTES.end(),
                );
            }
            Action::SetStaleDays(days) => self.set_stale_days(days),
            Action::SetGuard(on) => self.set_guard(on),
        }
    }

    /// Takes over the backups of the folder being worked on, moved by hand:
    /// every file is read, so its progress runs against the backups' size.
    fn merge(&mut self, to: std::path::PathBuf) {
        let expected = self.backup_sizes();
        self.start_with_options(Operation::Merge, to, expected);
    }

    /// Starts (or stops) choosing a drive to archive `device`'s backup to.
    fn ask_archive(&mut self, device: Option<String>) {
        if device.is_some() {
            self.list_drives();
        }
        self.archiving = device;
    }

    /// Archives `device`'s backup of the selected folder to `drive`.
    fn archive(&mut self, device: &str, drive: &Path) {
        self.archiving = None;
        let to = relocator::names::archive_folder(drive).join(device);
        self.one_device(Operation::Archive, to);
    }

    /// An archive (`to`: the device's place in the archive folder) or a
    /// bring-back (`to`: the archived backup) on the selected folder.
    fn one_device(&mut self, operation: Operation, to: std::path::PathBuf) {
        self.start_with_options(operation, to, None);
    }

    fn start_with_options(
        &mut self,
        operation: Operation,
        to: std::path::PathBuf,
        expected: Option<(u64, u64)>,
    ) {
        let options = self.options();
        if let Some(source) = self.location().map(|l| l.path.clone()) {
            let job = Job::Run {
                operation,
                source,
                to: Some(to),
                options,
            };
            self.start_job(job, expected);
        }
    }

    fn set_stale_days(&mut self, days: u32) {
        self.settings.stale_days =
            days.clamp(*Settings::STALE_DAYS.start(), *Settings::STALE_DAYS.end());
        // The running guard reads its days again at its next look.
        if self.guard == GuardSwitch::On
            && let Err(e) = self.save_guard_settings()
        {
            tracing::warn!(error = %e, "the guard's days could not be saved");
        }
    }

    fn take_over(&mut self) {
        let expected = self.backup_sizes();
        if let Some(source) = self.location().map(|l| l.path.clone()) {
            let job = Job::Run {
                operation: Operation::TakeOver,
                source,
                to: None,
                options: Options::default(),
            };
            self.start_job(job, expected);
        }
    }

    /// Starts the one-step job `job` makes for the folder being worked on.
    fn start_on_selected(&mut self, job: impl FnOnce(std::path::PathBuf) -> Job) {
        if let Some(source) = self.location().map(|l| l.path.clone()) {
            self.start_job(job(source), None);
        }
    }

    fn next(&mut self) {
        let Some(plan) = &self.plan else {
            if self.page == Page::Overview {
                self.begin(Operation::Move);
            }
            return;
        };
        let allowed = match self.page {
            Page::Checks => self.checks_pass(),
            Page::Destination => plan.destination_ready().is_ok(),
            _ => true,
        };
        let Some(next) = plan.operation.next(self.page).filter(|_| allowed) else {
            return;
        };
        if next == Page::Destination {
            self.enter_destination();
        }
        self.page = next;
    }

    fn enter_destination(&mut self) {
        self.list_drives();
        let Some(plan) = &self.plan else {
            return;
        };
        if plan.destination.is_some() || plan.checking.is_some() {
            return;
        }
        let first_choice = self.config.demo_drive.clone().or_else(|| {
            (plan.operation == Operation::Move)
                .then(|| self.settings.last_destination.clone())
                .flatten()
                .filter(|d| d.is_dir())
        });
        if let Some(folder) = first_choice {
            self.check_destination(folder);
        }
    }

    fn back(&mut self) {
        if self.worker.is_some() {
            return;
        }
        self.typed = None;
        let Some(plan) = &self.plan else {
            if matches!(self.page, Page::Manage | Page::Preferences) {
                self.page = Page::Overview;
            }
            return;
        };
        // Back to where the operation was begun leaves it: the overview
        // then works on any folder again.
        match plan.operation.back(self.page) {
            Some(page) if page != plan.operation.home() => self.page = page,
            _ => {
                self.page = plan.operation.home();
                self.plan = None;
            }
        }
    }

    fn show(&mut self, page: Page) {
        if self.worker.is_some() || page.is_in_a_flow() {
            return;
        }
        self.plan = None;
        self.typed = None;
        self.page = page;
    }

    /// Back to the overview after an operation ended (the same place every time).
    fn finish(&mut self) {
        if self.worker.is_some() {
            return;
        }
        self.plan = None;
        self.result = None;
        self.notice = None;
        self.page = Page::Overview;
    }

    fn begin(&mut self, operation: Operation) {
        if self.worker.is_some() || self.location().is_none() {
            return;
        }
        self.plan = Some(Plan::new(operation, self.settings.verify_full));
        self.result = None;
        self.notice = None;
        self.typed = None;
        self.checks.rounds = 0;
        // The list shown for an earlier plan may offer the drive the backups
        // have since moved to: each plan that chooses a drive lists them afresh.
        self.drives = DriveList::default();
        if operation.pages().contains(&Page::Destination) {
            self.list_drives();
        }
        self.page = Page::Checks;
        self.start_checks();
    }

    fn select(&mut self, i: usize) {
        if self.worker.is_none() && i < self.config.locations.len() && self.plan.is_none() {
            self.selected = i;
        }
    }

    fn use_typed(&mut self, purpose: FolderPurpose, text: &str) {
        let folder = relocator::paths::as_typed(Path::new(text.trim()));
        if text.trim().is_empty() || !folder.is_dir() {
            let reason = if text.trim().is_empty() {
                "Type or paste the folder's full path.".to_owned()
            } else {
                format!("There is no folder at {}.", folder.display())
            };
            self.typed = Some(TypedFolder {
                purpose,
                reason,
                text: text.to_owned(),
            });
            return;
        }
        self.use_folder(purpose, folder);
    }

    fn use_usual_folders(&mut self) {
        if !self.can_change_source() {
            return;
        }
        self.settings.source_folder = None;
        self.config.locations = crate::config::usual_locations();
        self.selected = 0;
        self.health = None;
        self.rescan();
    }

    fn accept(&mut self, code: &str, accepted: bool) {
        let Some(plan) = self.plan.as_mut() else {
            return;
        };
        let warning = plan
            .destination
            .as_ref()
            .and_then(|d| d.warnings().find(|w| w.code() == code).cloned());
        if let Some(warning) = warning {
            plan.accept(&warning, accepted);
        }
    }

    /// Whether the running job can still be stopped and undone (before the switch).
    #[must_use]
    pub fn can_cancel(&self) -> bool {
        self.worker
            .as_ref()
            .is_some_and(|w| !w.task.is_cancelling())
            && !matches!(
                self.progress.phase(),
                relocator::Phase::Switching
                    | relocator::Phase::CleaningUp
                    | relocator::Phase::RollingBack
            )
            && (self.operation().is_some()
                || self
                    .worker
                    .as_ref()
                    .is_some_and(|w| w.job.operation() == Some(relocator::Operation::TakeOver)))
    }

    fn start_plan(&mut self) {
        let Some(plan) = &self.plan else {
            return;
        };
        if self.page != Page::Review || self.worker.is_some() {
            return;
        }
        let Some(source) = self.location().map(|l| l.path.clone()) else {
            return;
        };
        let to = if plan.operation.pages().contains(&Page::Destination) {
            let Ok(destination) = plan.destination_ready() else {
                return;
            };
            Some(destination.folder.clone())
        } else {
            None
        };
        let job = Job::Run {
            operation: plan.operation,
            source,
            to,
            options: self.options(),
        };
        let expected = self.backup_sizes();
        self.start_job(job, expected);
    }
}
