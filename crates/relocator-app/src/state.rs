//! The app's state, testable without a window: what was found, what is
//! being prepared (one [`Plan`]), what runs in the background (each a
//! [`Task`]), and what the pages show. Pages read it and return actions;
//! [`AppState::apply`] (in `apply.rs`) changes it.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use egui::Ui;
use relocator::Problem;
use relocator::checks;
use relocator::link;
use relocator::locations::LocationState;
use relocator::processes::SyncProcesses;
use relocator::relocate::Options;
use relocator::tracker::{Outline, Tracker};
use relocator::verify::VerifyMode;
use relocator::volume::VolumeInfo;

use crate::action::FolderPurpose;
use crate::config::{Location, StartConfig};
use crate::health_job::HealthCheck;
use crate::page::Page;
use crate::picker::PickOutcome;
use relocator::Operation;

use crate::plan::{Destination, Plan};
use crate::scan_job::{LocationReport, ScanJob};
use crate::services::Services;
use crate::settings::Settings;
use crate::task::{Task, Waker};
use crate::worker::{Job, JobFailure, JobResult, Worker, WorkerEvent};

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
            result: None,
            notice: None,
            health: None,
            picking: None,
            typed: None,
            clipboard: None,
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

    /// Bytes of the backups being worked on, once counted (0 before).
    #[must_use]
    pub fn backup_bytes(&self) -> u64 {
        self.report()
            .and_then(|r| r.facts.as_ref())
            .map_or(0, |f| f.bytes)
    }

    /// The operation of the plan, if one is being prepared.
    #[must_use]
    pub fn operation(&self) -> Option<Operation> {
        self.plan.as_ref().map(|p| p.operation)
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

    /// Draws one frame and applies what the page asked for.
    pub fn ui(&mut self, ui: &mut Ui) {
        self.poll();
        let action = crate::pages::frame(self, ui);
        if let Some(action) = action {
            self.apply(action);
        }
        if self.page == Page::Destination {
            ui.ctx().request_repaint_after(DRIVES_REFRESH);
        }
    }

    /// Applies what the background tasks sent.
    pub fn poll(&mut self) {
        self.scan.poll();
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

    fn poll_worker(&mut self) {
        let Some(worker) = self.worker.as_mut() else {
            return;
        };
        let ended = worker.task.is_finished();
        let mut finished = None;
        let now = Instant::now();
        for event in worker.task.drain() {
            match event {
                WorkerEvent::Progress(p) => self.progress.apply(&p, now),
                WorkerEvent::Finished(r) => finished = Some(r),
            }
        }
        // The question is about stopping: once the work is past the point
        // where it can be stopped, it closes and says why.
        if self.asking_cancel
            && finished.is_none()
            && matches!(
                self.progress.phase(),
                relocator::Phase::Switching | relocator::Phase::CleaningUp
            )
        {
            self.asking_cancel = false;
            self.notice = Some(Notice {
                kind: NoticeKind::Info,
                text: crate::words::too_late_to_stop().to_owned(),
            });
        }
        if finished.is_none() && ended {
            finished = Some(JobResult::Failed(JobFailure::stopped(
                "The work stopped unexpectedly (see the log for details).".to_owned(),
            )));
        }
        if let Some(result) = finished {
            if let Some(mut w) = self.worker.take() {
                w.task.join();
            }
            self.job_ended(result);
        }
    }

    fn job_ended(&mut self, result: JobResult) {
        // A question left open would ask about a job that is over.
        if self.asking_cancel {
            self.asking_cancel = false;
            if let JobResult::Done(_) = &result {
                self.notice = Some(Notice {
                    kind: NoticeKind::Info,
                    text: "It finished before it could be stopped.".to_owned(),
                });
            }
        }
        self.rescan();
        self.page = match &result {
            JobResult::Recovered(r) => {
                self.plan = None;
                self.notice = Some(Notice {
                    kind: if r.is_settled() {
                        NoticeKind::Info
                    } else {
                        NoticeKind::Problem
                    },
                    text: r.message(),
                });
                Page::Overview
            }
            JobResult::Done(_) => Page::Done,
            JobResult::Failed(_) => Page::Failed,
        };
        self.result = Some(result);
    }

    /// Reads the backup folders again.
    pub(crate) fn rescan(&mut self) {
        self.scan = ScanJob::start(self.config.locations.clone(), self.wake.clone());
    }

    /// Starts `job`; `expected` (bytes and files, from the scan) sizes its progress.
    pub(crate) fn start_job(&mut self, job: Job, expected: Option<(u64, u64)>) {
        self.progress = Tracker::new(self.outline(&job, expected), Instant::now());
        self.result = None;
        self.notice = None;
        self.asking_cancel = false;
        match Worker::start(job, self.settings.policy(), self.wake.clone()) {
            Ok(worker) => {
                self.worker = Some(worker);
                self.page = Page::Working;
            }
            Err(e) => {
                self.result = Some(JobResult::Failed(JobFailure::stopped(format!(
                    "The work could not start: {e}"
                ))));
                self.page = Page::Failed;
            }
        }
    }

    /// What `job` will do, for its progress: a copy unless it stays on one
    /// drive, checked as the plan says, the old place freed.
    fn outline(&self, job: &Job, expected: Option<(u64, u64)>) -> Outline {
        let (bytes, files) = expected.unwrap_or_default();
        let Job::Run {
            operation, options, ..
        } = job
        else {
            return Outline::default();
        };
        let same_drive = match operation {
            Operation::Revert => self.checks.same_drive_home,
            _ => self
                .plan
                .as_ref()
                .and_then(|p| p.destination.as_ref())
                .is_some_and(Destination::is_same_drive),
        };
        let copies = matches!(
            operation,
            Operation::Move | Operation::Retarget | Operation::Revert
        ) && !same_drive;
        Outline {
            bytes,
            files,
            copies,
            verify_full: options.verify == VerifyMode::Full,
            frees: !options.keep_previous,
        }
    }

    /// The options of the plan (verification).
    pub(crate) fn options(&self) -> Options {
        let full = self
            .plan
            .as_ref()
            .map_or(self.settings.verify_full, |p| p.verify_full);
        Options {
            verify: if full {
                VerifyMode::Full
            } else {
                VerifyMode::Sizes
            },
            keep_previous: false,
        }
    }

    /// Starts the "Before we start" checks: Apple's apps now, and the backups read again.
    pub(crate) fn start_checks(&mut self) {
        self.checks.running = (self.services.running)();
        self.checks.problems = None;
        self.checks.rounds += 1;
        self.rescan();
        if self.scan.is_done() {
            self.evaluate_checks();
        }
    }

    /// Judges what the scan found, for the plan's operation.
    pub(crate) fn evaluate_checks(&mut self) {
        let Some(report) = self.report() else {
            return;
        };
        let mut problems = Vec::new();
        let mut same_drive_home = false;
        let backups = report.backups_now();
        match &report.state {
            Ok(LocationState::Local | LocationState::Relocated { .. }) => {}
            Ok(LocationState::Interrupted {
                journal, operation, ..
            }) => problems.push(Problem::InterruptedOperation {
                journal: journal.clone(),
                operation: Some(*operation),
            }),
            Ok(LocationState::Dangling { target }) => problems.push(Problem::TargetMissing {
                target: target.clone(),
            }),
            Ok(LocationState::Absent) => problems.push(Problem::SourceMissing {
                source: report.location.path.clone(),
            }),
            Ok(other) => problems.push(Problem::SourceNotAFolder {
                source: report.location.path.clone(),
                found: other.describe(),
            }),
            Err(e) => problems.push(Problem::SourceNotAFolder {
                source: report.location.path.clone(),
                found: e.clone(),
            }),
        }
        if let Err(e) = std::fs::read_dir(&backups) {
            problems.push(checks::unreadable(&backups, &e));
        }
        if let Some(facts) = &report.facts {
            problems.extend(checks::evaluate_source(
                facts,
                &self.checks.running.apps,
                &self.settings.policy(),
                SystemTime::now(),
            ));
            if self.operation() == Some(Operation::Revert) {
                let home = checks::home_destination(&report.location.path, &backups);
                problems.extend(checks::evaluate_home_destination(facts, &home));
                same_drive_home = home.same_volume;
            }
        }
        problems.sort_by_key(|p| !p.is_blocking());
        self.checks.same_drive_home = same_drive_home;
        self.checks.problems = Some(problems);
        self.checks.checked_at = Some(SystemTime::now());
    }

    /// Whether the checks are done and nothing blocks.
    #[must_use]
    pub fn checks_pass(&self) -> bool {
        self.checks
            .problems
            .as_ref()
            .is_some_and(|p| !p.iter().any(Problem::is_blocking))
    }

    /// Lists the connected drives in the background.
    pub(crate) fn list_drives(&mut self) {
        let lister = self.services.drives.clone();
        let backups = self.report().map(LocationReport::backups_now);
        let sample = self.config.demo_drive.clone();
        self.drives.asked_at = Some(Instant::now());
        self.drives.task = Task::start("drive-list", self.wake.clone(), move |emit, _| {
            let here = backups
                .and_then(|b| relocator::volume::volume_of(&b).ok())
                .map(|v| v.mount_point);
            // The demo's sample drive is a folder: listed first, by its own name.
            let mut drives: Vec<VolumeInfo> = sample
                .and_then(|folder| {
                    let v = relocator::volume::volume_of(&folder).ok()?;
                    Some(VolumeInfo {
                        mount_point: folder,
                        name: "Sample drive (demo)".to_owned(),
                        ..v
                    })
                })
                .into_iter()
                .collect();
            drives.extend(
                lister()
                    .into_iter()
                    .filter(|d| Some(&d.mount_point) != here.as_ref()),
            );
            emit.emit(drives);
        })
        .ok();
    }

    fn poll_drives(&mut self) {
        let Some(task) = self.drives.task.as_mut() else {
            return;
        };
        let ended = task.is_finished();
        if let Some(drives) = task.drain().pop() {
            self.drives.drives = drives;
            self.drives.listed = true;
        }
        if ended {
            self.drives.task = None;
            self.drives.listed = true;
        }
    }

    /// Checks `folder` as the plan's destination, in the background.
    pub(crate) fn check_destination(&mut self, folder: PathBuf) {
        let Some(report) = self.report() else {
            return;
        };
        let link_at = report.location.path.clone();
        let backups = report.backups_now();
        let facts = report.facts.clone().unwrap_or_default();
        self.settings.last_destination = Some(folder.clone());
        let checked = folder.clone();
        let task = Task::start(
            "destination-check",
            self.wake.clone(),
            move |emit, cancel| {
                let links = link::platform_link();
                let examined = checks::examine_destination(
                    &backups,
                    &link_at,
                    &checked,
                    links.as_ref(),
                    &facts,
                    cancel,
                );
                let (facts, problems) = match examined {
                    Ok(found) => found,
                    Err(e) => (
                        checks::DestinationFacts {
                            destination: checked.clone(),
                            ..checks::DestinationFacts::default()
                        },
                        vec![Problem::DestinationNotWritable {
                            destination: checked.clone(),
                            cause: e.to_string(),
                        }],
                    ),
                };
                emit.emit(Destination {
                    folder: checked,
                    facts,
                    problems,
                });
            },
        );
        if let Some(plan) = self.plan.as_mut() {
            match task {
                Ok(task) => plan.checking = Some((folder, task)),
                Err(e) => {
                    self.notice = Some(Notice {
                        kind: NoticeKind::Problem,
                        text: format!("The drive could not be checked: {e}"),
                    });
                }
            }
        }
    }

    fn poll_destination_check(&mut self) {
        let Some(plan) = self.plan.as_mut() else {
            return;
        };
        let Some((_, task)) = plan.checking.as_mut() else {
            return;
        };
        let ended = task.is_finished();
        let checked = task.drain().pop();
        if let Some(destination) = checked {
            plan.checking = None;
            plan.set_destination(destination);
        } else if ended {
            plan.checking = None;
        }
    }

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

    fn poll_picker(&mut self) {
        let Some(picking) = self.picking.as_mut() else {
            return;
        };
        let ended = picking.task.is_finished();
        let answer = picking.task.drain().pop();
        let purpose = picking.purpose;
        let answer = match (answer, ended) {
            (Some(a), _) => a,
            (None, true) => {
                PickOutcome::Unavailable("The folder window stopped unexpectedly.".to_owned())
            }
            (None, false) => return,
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

    fn poll_opening(&mut self) {
        let Some(opening) = self.opening.as_mut() else {
            return;
        };
        let ended = opening.task.is_finished();
        let answer = opening.task.drain().pop();
        if answer.is_none() && !ended {
            return;
        }
        let folder = opening.folder.clone();
        self.opening = None;
        if let Some(Err(reason)) = answer {
            self.cannot_open(&folder, &reason);
        }
    }

    fn cannot_open(&mut self, folder: &Path, reason: &str) {
        self.notice = Some(Notice {
            kind: NoticeKind::Problem,
            text: format!("{reason} The folder is {}.", folder.display()),
        });
    }

    /// Sets the damaged record of the backup folder `folder` aside, when the
    /// core finds the backups whole there (a rename: done at once).
    pub(crate) fn set_aside_record(&mut self, folder: &Path) {
        if self.worker.is_some() {
            return;
        }
        let Some(i) = self.config.locations.iter().position(|l| l.path == folder) else {
            return;
        };
        self.selected = i;
        let source = folder.to_owned();
        let links = relocator::link::platform_link();
        self.notice = Some(
            match relocator::relocate::set_aside_record(&source, links.as_ref()) {
                Ok(aside) => Notice {
                    kind: NoticeKind::Info,
                    text: crate::words::record_set_aside(&aside),
                },
                Err(e) => {
                    tracing::warn!(error = %e, "the record was not set aside");
                    Notice {
                        kind: NoticeKind::Problem,
                        text: crate::words::record_kept(&e),
                    }
                }
            },
        );
        self.rescan();
    }

    /// Starts a health check of the selected folder's backups.
    pub(crate) fn check_health(&mut self) {
        let Some(report) = self.report() else {
            return;
        };
        let folder = report.backups_now();
        self.health = Some(HealthCheck::start(
            self.selected,
            folder,
            self.settings.policy(),
            self.wake.clone(),
        ));
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
