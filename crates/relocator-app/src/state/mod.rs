//! The app's state, testable without a window: what was found, what is
//! being prepared (one [`Plan`]), what runs in the background (each a
//! [`Task`]), and what the pages show. Pages read it and return actions;
//! [`AppState::apply`] (in `apply.rs`) changes it.

use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use relocator::Problem;
use relocator::locations::LocationState;
use relocator::processes::SyncProcesses;
use relocator::tracker::{Outline, Tracker};
use relocator::volume::VolumeInfo;

use crate::action::FolderPurpose;
use crate::config::{Location, StartConfig};
use crate::health_job::HealthCheck;
use crate::page::Page;
use crate::picker::PickOutcome;
use relocator::Operation;

use crate::plan::Plan;
use crate::scan_job::{LocationReport, ScanJob};
use crate::services::Services;
use crate::settings::Settings;
use crate::task::{Task, Waker};
use crate::worker::{Job, JobResult, Worker};

mod folders;
mod guard;
pub use guard::GuardSwitch;
mod preparing;
mod running;

/// How a notice at the top of a page looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Something to know.
    Info,
    /// Something that did not work; the text says what to do.
    Problem,
}

/// A message at the top of the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// How it looks.
    pub kind: NoticeKind,
    /// One or two plain sentences.
    pub text: String,
}

/// The "Before we start" checks.
#[derive(Debug, Clone, Default)]
pub struct Checks {
    /// Apple's apps and helpers at the last check.
    pub running: SyncProcesses,
    /// What was found; `None` while the backups are being read.
    pub problems: Option<Vec<Problem>>,
    /// When they last finished.
    pub checked_at: Option<SystemTime>,
    /// How many times they ran (each "Check again" counts).
    pub rounds: u32,
    /// For a move back: this computer's folder is on the drive the backups are on.
    pub same_drive_home: bool,
}

/// The connected drives, listed in the background.
#[derive(Default)]
pub struct DriveList {
    /// The drives found, without the one the backups are on now.
    pub drives: Vec<VolumeInfo>,
    /// Whether a list has arrived.
    pub listed: bool,
    /// When the last list was asked for.
    pub asked_at: Option<Instant>,
    task: Option<Task<Vec<VolumeInfo>>>,
}

/// A folder dialog that is open.
pub struct Picking {
    /// What the folder is for.
    pub purpose: FolderPurpose,
    task: Task<PickOutcome>,
}

/// The typed-path field shown when no folder dialog can open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedFolder {
    /// What the folder is for.
    pub purpose: FolderPurpose,
    /// Why the dialog could not open.
    pub reason: String,
    /// What was typed so far.
    pub text: String,
}

/// A folder being opened in the file manager.
struct Opening {
    folder: PathBuf,
    task: Task<Result<(), String>>,
}

/// Lists the drives again this often while the Destination page shows.
pub const DRIVES_REFRESH: Duration = Duration::from_secs(5);

/// Everything the window shows; testable without a window.
pub struct AppState {
    /// How the app was started.
    pub config: StartConfig,
    /// Remembered between runs.
    pub settings: Settings,
    /// The page on screen.
    pub page: Page,
    /// The backup folder being worked on (index into the locations).
    pub selected: usize,
    /// The scan of the backup folders.
    pub scan: ScanJob,
    /// The "Before we start" checks.
    pub checks: Checks,
    /// The operation being prepared, if any.
    pub plan: Option<Plan>,
    /// The connected drives.
    pub drives: DriveList,
    /// The operation running, if any.
    pub worker: Option<Worker>,
    /// Its progress.
    pub progress: Tracker,
    /// The question "stop and undo?" is showing.
    pub asking_cancel: bool,
    /// What "the drive is gone for good" means is showing, with its button.
    pub asking_forget: bool,
    /// The copies of ours left on drives are yet to be removed, once, as
    /// the app starts (the first scan finds them).
    tidy_at_start: bool,
    /// How the last operation ended.
    pub result: Option<JobResult>,
    /// A message for the top of the page.
    pub notice: Option<Notice>,
    /// The last health check, running or done.
    pub health: Option<HealthCheck>,
    /// A folder dialog that is open.
    pub picking: Option<Picking>,
    /// The typed-path field, when no dialog can open.
    pub typed: Option<TypedFolder>,
    /// Text to put on the clipboard at the next frame.
    pub clipboard: Option<String>,
    /// Whether the guard is on (its login item is there).
    pub guard: GuardSwitch,
    /// The device whose backup is about to be archived, while a drive is chosen.
    pub archiving: Option<String>,
    opening: Option<Opening>,
    pub(crate) services: Services,
    pub(crate) wake: Waker,
}

impl AppState {
    /// Creates the state: remembers a chosen folder, inspects the folders,
    /// recovers an interrupted operation if there is one, and starts the scan.
    pub fn new(
        mut config: StartConfig,
        settings: Settings,
        services: Services,
        wake: Waker,
    ) -> Self {
        config.remember_source(settings.source_folder.as_deref());
        let scan = ScanJob::start(config.locations.clone(), wake.clone());
        let guard = GuardSwitch::of(services.guard.as_ref());
        let mut state = Self {
            config,
            settings,
            page: Page::Overview,
            selected: 0,
            scan,
            checks: Checks::default(),
            plan: None,
            drives: DriveList::default(),
            worker: None,
            progress: Tracker::new(Outline::default(), Instant::now()),
            asking_cancel: false,
            asking_forget: false,
            tidy_at_start: true,
            result: None,
            notice: None,
            health: None,
            picking: None,
            typed: None,
            clipboard: None,
            guard,
            archiving: None,
            opening: None,
            services,
            wake,
        };
        state.choose_start();
        state
    }

    /// The folder being worked on, and where its backups are.
    fn choose_start(&mut self) {
        let reports = &self.scan.reports;
        if let Some(i) = reports.iter().position(|r| {
            matches!(
                r.state,
                Ok(LocationState::Interrupted { running: false, .. })
            )
        }) {
            self.selected = i;
            let source = reports[i].location.path.clone();
            self.start_job(Job::Recover { source }, None);
        } else if let Some(i) = reports.iter().position(|r| {
            matches!(
                r.state,
                Ok(LocationState::Relocated { .. }
                    | LocationState::ForeignLink { .. }
                    | LocationState::Dangling { .. }
                    | LocationState::DamagedRecord { .. })
            )
        }) {
            self.selected = i;
        } else if let Some(i) = reports
            .iter()
            .position(|r| r.state == Ok(LocationState::Local))
        {
            self.selected = i;
        }
    }

    /// The backup folder being worked on.
    #[must_use]
    pub fn location(&self) -> Option<&Location> {
        self.config.locations.get(self.selected)
    }

    /// What the scan found about the backup folder being worked on.
    #[must_use]
    pub fn report(&self) -> Option<&LocationReport> {
        self.scan.reports.get(self.selected)
    }

    /// The state of the folder being worked on, as last read.
    #[must_use]
    pub fn location_state(&self) -> Option<&LocationState> {
        self.report().and_then(|r| r.state.as_ref().ok())
    }

    /// What people call the place `path` is on: this computer, or a drive
    /// by the name the app knows it by (see [`crate::words::place_name`]).
    #[must_use]
    pub fn place_name(&self, path: &std::path::Path) -> String {
        let home = self.location().and_then(|l| l.path.parent());
        let destination = self.destination();
        // A drive in the list (by the name the list gives it) or the moved
        // backups' drive, holding the path…
        let known = self
            .report()
            .and_then(|r| r.volume.as_ref())
            .into_iter()
            .chain(self.drives.drives.iter())
            .any(|v| path.starts_with(&v.mount_point));
        // …else the chosen destination's drive, known by its folder (on a Mac
        // its volume's mount point is not a prefix of a path in the home folder).
        if !known
            && let Some(d) = destination
            && path.starts_with(&d.folder)
            && !home.is_some_and(|h| path.starts_with(h))
            && let Some(v) = &d.facts.volume
        {
            return v.display_name();
        }
        let drives = self
            .report()
            .and_then(|r| r.volume.as_ref())
            .into_iter()
            .chain(destination.and_then(|d| d.facts.volume.as_ref()))
            .chain(self.drives.drives.iter());
        crate::words::place_name(path, home, drives)
    }

    /// Bytes of the backups being worked on, once counted (0 before).
    #[must_use]
    pub fn backup_bytes(&self) -> u64 {
        self.backup_sizes().map_or(0, |(bytes, _)| bytes)
    }

    /// Bytes and files of the backups being worked on, once counted.
    #[must_use]
    pub fn backup_sizes(&self) -> Option<(u64, u64)> {
        self.report()
            .and_then(|r| r.facts.as_ref())
            .map(|f| (f.bytes, f.files))
    }

    /// The operation of the plan, if one is being prepared.
    #[must_use]
    pub fn operation(&self) -> Option<Operation> {
        self.plan.as_ref().map(|p| p.operation)
    }

    /// The plan's destination, once chosen.
    #[must_use]
    pub fn destination(&self) -> Option<&crate::plan::Destination> {
        self.plan.as_ref().and_then(|p| p.destination.as_ref())
    }

    /// Whether the running job links a moved folder again (no plan, no copy).
    #[must_use]
    pub fn is_relinking(&self) -> bool {
        self.worker
            .as_ref()
            .is_some_and(|w| w.job.operation() == Some(Operation::Relink))
    }

    /// Whether anything runs that the home pages must wait for.
    #[must_use]
    pub fn is_busy(&self) -> bool {
        self.worker.is_some()
    }

    /// Whether a folder dialog is open.
    #[must_use]
    pub fn is_picking(&self) -> bool {
        self.picking.is_some()
    }

    /// Whether another backup folder may be chosen now: not in the demo
    /// (its folders are removed at the end), nor while an operation is
    /// prepared or running.
    #[must_use]
    pub fn can_change_source(&self) -> bool {
        !self.config.is_demo() && self.worker.is_none() && self.plan.is_none()
    }

    /// Applies what the background tasks sent.
    pub fn poll(&mut self) {
        self.scan.poll();
        self.tidy_once();
        // The checks wait for the backups to be read again.
        if self.page == Page::Checks && self.checks.problems.is_none() && self.scan.is_done() {
            self.evaluate_checks();
        }
        self.poll_worker();
        self.poll_drives();
        self.poll_destination_check();
        self.poll_picker();
        self.poll_opening();
        if let Some(h) = self.health.as_mut() {
            h.poll();
        }
        if self.page == Page::Destination
            && self.drives.task.is_none()
            && self
                .drives
                .asked_at
                .is_none_or(|at| at.elapsed() >= DRIVES_REFRESH)
        {
            self.list_drives();
        }
    }

    /// Removes the copies of ours left on connected drives, once, when the
    /// app starts and the scan has found them: a recovery does it, with its
    /// progress, and says what it removed.
    fn tidy_once(&mut self) {
        if !self.tidy_at_start
            || self.worker.is_some()
            || self.plan.is_some()
            || self.page != Page::Overview
        {
            return;
        }
        if let Some(i) = self
            .scan
            .reports
            .iter()
            .position(|r| !r.leftovers.to_remove.is_empty())
        {
            self.tidy_at_start = false;
            self.selected = i;
            let source = self.scan.reports[i].location.path.clone();
            self.start_job(Job::Recover { source }, None);
        } else if self.scan.is_done() {
            self.tidy_at_start = false;
        }
    }

    /// Waits for everything running in the background, applying its events (tests).
    pub fn settle(&mut self) {
        for _ in 0..4 {
            self.scan.wait();
            if let Some(w) = self.worker.as_mut() {
                w.task.join();
            }
            if let Some(p) = self.picking.as_mut() {
                p.task.join();
            }
            if let Some(t) = self.drives.task.as_mut() {
                t.join();
            }
            if let Some((_, t)) = self.plan.as_mut().and_then(|p| p.checking.as_mut()) {
                t.join();
            }
            if let Some(o) = self.opening.as_mut() {
                o.task.join();
            }
            if let Some(h) = self.health.as_mut() {
                h.wait();
            }
            self.poll();
        }
        self.scan.wait();
        self.poll();
    }
}
