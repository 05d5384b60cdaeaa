//! The app: the state shared by the window and the UI tests, the actions
//! pages ask for, and the `eframe::App` that drives it all.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::Ui;
use relocator::checks::{self, DestinationFacts, Problem};
use relocator::inventory;
use relocator::locations::{self, LocationState};
use relocator::relocate::Options;
use relocator::verify::VerifyMode;
use relocator::{link, processes};

use crate::config::{Location, StartConfig};
use crate::page::{Action, Page};
use crate::pages;
use crate::picker::{FolderPicker, NativePicker};
use crate::progress_view::ProgressView;
use crate::scan_job::{LocationReport, ScanJob};
use crate::settings::Settings;
use crate::worker::{Job, JobResult, Worker, WorkerEvent};

/// A question the app asks before an irreversible-looking step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    /// "Stop and put everything back as it was?"
    Cancel,
    /// "Copy … back to this computer…?"
    Revert,
}

/// Asks the window to repaint (from any thread).
pub type Waker = Arc<dyn Fn() + Send + Sync>;

/// Everything the window shows; testable without a window.
pub struct AppState {
    /// How the app was started.
    pub config: StartConfig,
    /// The scan of the backup folders.
    pub scan: ScanJob,
    /// The page on screen.
    pub page: Page,
    /// The backup folder being worked on (index into the locations).
    pub selected: usize,
    /// Apple sync apps found running at the last check.
    pub sync_apps: Vec<String>,
    /// Why the backup folder cannot be read, if it cannot.
    pub unreadable: Option<Problem>,
    /// Devices whose backup is being made, at the last check.
    pub in_progress: Vec<String>,
    /// The destination the user chose.
    pub destination: Option<PathBuf>,
    /// Facts about it.
    pub destination_facts: Option<DestinationFacts>,
    /// Problems moving there.
    pub destination_problems: Vec<Problem>,
    /// The user ticked "I understand…" for the warnings.
    pub accepted_warnings: bool,
    /// Check every file's content: each chunk read back and compared as it is copied.
    pub verify_full: bool,
    /// The job running, if any.
    pub worker: Option<Worker>,
    /// Its progress.
    pub progress: ProgressView,
    /// The question showing, if the app is asking before a step.
    pub confirming: Option<Confirm>,
    /// The wizard is choosing a new drive for relocated backups (not a first move).
    pub retargeting: bool,
    /// How the last job ended.
    pub result: Option<JobResult>,
    /// A message for the top of the page (e.g. what recovery did).
    pub notice: Option<String>,
    /// Remembered between runs.
    pub settings: Settings,
    picker: Box<dyn FolderPicker>,
    wake: Waker,
    running_apps: fn() -> Vec<String>,
}

impl AppState {
    /// Creates the state: inspects the folders, recovers an interrupted
    /// operation if there is one, and starts the scan.
    pub fn new(
        config: StartConfig,
        settings: Settings,
        picker: Box<dyn FolderPicker>,
        wake: Waker,
    ) -> Self {
        let scan = ScanJob::start(config.locations.clone(), {
            let w = wake.clone();
            move || w()
        });
        let mut state = Self {
            config,
            scan,
            page: Page::Overview,
            selected: 0,
            sync_apps: Vec::new(),
            unreadable: None,
            in_progress: Vec::new(),
            destination: None,
            destination_facts: None,
            destination_problems: Vec::new(),
            accepted_warnings: false,
            verify_full: true,
            worker: None,
            progress: ProgressView::default(),
            confirming: None,
            retargeting: false,
            result: None,
            notice: None,
            settings,
            picker,
            wake,
            running_apps: processes::running_sync_processes,
        };
        state.choose_start_page();
        state
    }

    /// Replaces how running sync apps are found (tests).
    pub fn set_running_apps(&mut self, f: fn() -> Vec<String>) {
        self.running_apps = f;
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

    /// Bytes of the backups being worked on, once counted (0 before).
    #[must_use]
    pub fn backup_bytes(&self) -> u64 {
        self.report()
            .and_then(|r| r.facts.as_ref())
            .map_or(0, |f| f.bytes)
    }

    /// The state of the selected folder, read from disk now.
    #[must_use]
    pub fn location_state(&self, path: &Path) -> LocationState {
        locations::inspect(path, link::platform_link().as_ref()).unwrap_or(
            LocationState::Unexpected {
                found: "an unreadable folder".to_owned(),
            },
        )
    }

    fn choose_start_page(&mut self) {
        let states: Vec<LocationState> = self
            .config
            .locations
            .iter()
            .map(|l| self.location_state(&l.path))
            .collect();
        if let Some(i) = states
            .iter()
            .position(|s| matches!(s, LocationState::Interrupted { .. }))
        {
            self.selected = i;
            self.start_job(Job::Recover {
                source: self.config.locations[i].path.clone(),
            });
        } else if let Some(i) = states.iter().position(|s| {
            matches!(
                s,
                LocationState::Relocated { .. } | LocationState::Dangling { .. }
            )
        }) {
            self.selected = i;
            self.page = Page::Settings;
        } else if let Some(i) = states.iter().position(|s| *s == LocationState::Local) {
            self.selected = i;
        }
    }

    /// Draws one frame and applies what the page asked for.
    pub fn ui(&mut self, ui: &mut Ui) {
        self.scan.poll();
        self.poll_worker();
        let action = pages::frame(self, ui);
        if let Some(action) = action {
            self.apply(action);
        }
    }

    fn poll_worker(&mut self) {
        let Some(worker) = self.worker.as_mut() else {
            return;
        };
        let mut finished = None;
        for event in worker.drain() {
            match event {
                WorkerEvent::Progress(p) => self.progress.apply(p),
                WorkerEvent::Finished(r) => finished = Some(r),
            }
        }
        if let Some(result) = finished {
            if let Some(mut w) = self.worker.take() {
                w.join();
            }
            self.confirming = None;
            self.rescan();
            match &result {
                JobResult::Recovered(r) => {
                    self.notice = Some(r.message());
                    self.page = self.home_page();
                }
                JobResult::Done(_) => self.page = Page::Done,
                JobResult::Failed { .. } => self.page = Page::Failed,
            }
            self.result = Some(result);
        }
    }

    /// Overview, or Settings when the selected folder is relocated.
    fn home_page(&self) -> Page {
        match self.location().map(|l| self.location_state(&l.path)) {
            Some(
                LocationState::Relocated { .. }
                | LocationState::Dangling { .. }
                | LocationState::Interrupted { .. },
            ) => Page::Settings,
            _ => Page::Overview,
        }
    }

    fn rescan(&mut self) {
        let w = self.wake.clone();
        self.scan = ScanJob::start(self.config.locations.clone(), move || w());
    }

    fn start_job(&mut self, job: Job) {
        self.progress = ProgressView::default();
        self.result = None;
        self.notice = None;
        let w = self.wake.clone();
        self.worker = Some(Worker::start(job, move || w()));
        self.page = Page::Working;
    }

    /// Runs the "Before we start" checks.
    pub fn run_checks(&mut self) {
        self.sync_apps = (self.running_apps)();
        self.unreadable = self
            .location()
            .and_then(|l| match std::fs::read_dir(&l.path) {
                Ok(_) => None,
                Err(e) => Some(Problem::SourceUnreadable {
                    path: l.path.clone(),
                    full_disk_access: cfg!(target_os = "macos") && e.raw_os_error() == Some(1),
                }),
            });
        // Status.plist only: cheap enough to read on every "Check again".
        self.in_progress = self
            .location()
            .and_then(|l| inventory::inventory(&l.path, false, &relocator::Cancel::new()).ok())
            .unwrap_or_default()
            .into_iter()
            .filter(|d| d.in_progress && d.kind == inventory::EntryKind::Device)
            .map(|d| d.name.unwrap_or(d.udid))
            .collect();
    }

    /// Whether the "Before we start" list is all green.
    #[must_use]
    pub fn checks_pass(&self) -> bool {
        self.sync_apps.is_empty() && self.unreadable.is_none() && self.in_progress.is_empty()
    }

    /// Reads the chosen destination's facts and problems.
    pub fn check_destination(&mut self, folder: PathBuf) {
        let source = self.location().map(|l| l.path.clone()).unwrap_or_default();
        let mut facts = checks::gather_destination(&source, &folder);
        if facts.is_folder == Some(true) {
            facts.cannot_link =
                checks::probe_link(link::platform_link().as_ref(), &source, &folder);
        }
        let source_facts = self
            .report()
            .and_then(|r| r.facts.clone())
            .unwrap_or_default();
        self.destination_problems = checks::evaluate_destination(&source_facts, &facts);
        self.destination_facts = Some(facts);
        self.accepted_warnings = false;
        self.settings.last_destination = Some(folder.clone());
        self.destination = Some(folder);
    }

    /// Whether the destination can be used (nothing blocks, warnings accepted).
    #[must_use]
    pub fn destination_ready(&self) -> bool {
        self.destination.is_some()
            && !self.destination_problems.iter().any(Problem::is_blocking)
            && (self.accepted_warnings || self.destination_problems.is_empty())
    }

    fn options(&self) -> Options {
        Options {
            verify: if self.verify_full {
                VerifyMode::Full
            } else {
                VerifyMode::Sizes
            },
            keep_previous: false,
        }
    }

    /// Applies a page's request.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::Next => {
                if let Some(next) = self.page.next() {
                    if next == Page::Checks {
                        self.run_checks();
                    }
                    if next == Page::Destination && self.destination.is_none() {
                        if let Some(last) = self
                            .settings
                            .last_destination
                            .clone()
                            .filter(|p| p.is_dir())
                        {
                            self.check_destination(last);
                        } else if let Some(drive) = self.config.demo_drive.clone() {
                            self.check_destination(drive);
                        }
                    }
                    self.page = next;
                }
            }
            Action::Back => {
                if self.retargeting && self.page == Page::Destination {
                    self.retargeting = false;
                    self.page = Page::Settings;
                } else if let Some(back) = self.page.back() {
                    self.page = back;
                }
            }
            Action::Show(page) => {
                if page == Page::Checks {
                    self.run_checks();
                }
                self.page = page;
            }
            Action::Restart => {
                self.retargeting = false;
                self.result = None;
                self.destination = None;
                self.destination_facts = None;
                self.destination_problems.clear();
                self.page = self.home_page();
            }
            Action::ChooseSource => {
                if let Some(folder) = self
                    .picker
                    .pick_folder("Choose the folder that holds the backups")
                {
                    self.config.locations = vec![Location {
                        app: "chosen folder".to_owned(),
                        path: folder,
                    }];
                    self.selected = 0;
                    self.rescan();
                }
            }
            Action::CheckAgain => self.run_checks(),
            Action::ChooseDestination => {
                if let Some(folder) = self
                    .picker
                    .pick_folder("Choose a folder on the drive for your backups")
                {
                    self.check_destination(folder);
                }
            }
            Action::StartMove
            | Action::AskCancel
            | Action::KeepGoing
            | Action::ConfirmCancel
            | Action::Revert
            | Action::AskRevert
            | Action::KeepRelocated
            | Action::Retarget
            | Action::Recover => self.apply_job_action(&action),
            Action::VerifyOnDrive => {
                self.rescan();
                self.notice = Some(
                    "Reading every backup on the drive again; any folder that cannot be read is listed below."
                        .to_owned(),
                );
            }
            Action::OpenFolder(path) => open_folder(&path),
            Action::CopyText(_) => {} // done by the page, which has the context
        }
    }

    /// Starts, or cancels, a job.
    fn apply_job_action(&mut self, action: &Action) {
        match action {
            Action::StartMove if self.retargeting => {
                if let (Some(source), Some(destination)) = (
                    self.location().map(|l| l.path.clone()),
                    self.destination.clone(),
                ) {
                    let options = self.options();
                    self.retargeting = false;
                    self.start_job(Job::Retarget {
                        source,
                        destination,
                        options,
                    });
                }
            }
            Action::StartMove => {
                if let (Some(source), Some(destination)) = (
                    self.location().map(|l| l.path.clone()),
                    self.destination.clone(),
                ) {
                    let options = self.options();
                    self.start_job(Job::Move {
                        source,
                        destination,
                        options,
                    });
                }
            }
            Action::AskCancel => self.confirming = Some(Confirm::Cancel),
            Action::KeepGoing | Action::KeepRelocated => self.confirming = None,
            Action::ConfirmCancel => {
                self.confirming = None;
                if let Some(w) = &self.worker {
                    w.cancel();
                }
            }
            Action::AskRevert => self.confirming = Some(Confirm::Revert),
            Action::Revert => {
                self.confirming = None;
                if let Some(source) = self.location().map(|l| l.path.clone()) {
                    let options = self.options();
                    self.start_job(Job::Revert { source, options });
                }
            }
            Action::Retarget => {
                self.retargeting = true;
                self.destination = None;
                self.destination_facts = None;
                self.destination_problems.clear();
                self.page = Page::Destination;
            }
            Action::Recover => {
                if let Some(source) = self.location().map(|l| l.path.clone()) {
                    self.start_job(Job::Recover { source });
                }
            }
            _ => {}
        }
    }

    /// Waits for the scan and any job to finish, applying their events (tests).
    pub fn settle(&mut self) {
        self.scan.wait();
        if let Some(w) = self.worker.as_mut() {
            w.join();
        }
        self.poll_worker();
        self.scan.wait();
    }
}

/// Opens a folder in the platform's file manager.
fn open_folder(path: &Path) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(program).arg(path).spawn();
}

/// The window.
pub struct App {
    state: AppState,
    /// When the process started, until the first frame is logged.
    launched: Option<std::time::Instant>,
    /// The page last written to the log, so each change is logged once.
    logged_page: Option<Page>,
}

impl App {
    /// Creates the app for eframe: settings from storage, the native picker.
    #[must_use]
    pub fn new(
        cc: &eframe::CreationContext<'_>,
        config: StartConfig,
        launched: std::time::Instant,
    ) -> Self {
        let ctx = cc.egui_ctx.clone();
        let settings = cc
            .storage
            .and_then(|s| eframe::get_value::<Settings>(s, eframe::APP_KEY))
            .unwrap_or_default();
        // Background events coalesce into at most 10 frames a second: plenty
        // for a progress bar, and a fraction of the CPU of one frame per event.
        let wake: Waker =
            Arc::new(move || ctx.request_repaint_after(std::time::Duration::from_millis(100)));
        Self {
            state: AppState::new(config, settings, Box::new(NativePicker), wake),
            launched: Some(launched),
            logged_page: None,
        }
    }
}

impl eframe::App for App {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.state.ui(ui);
        if let Some(launched) = self.launched.take() {
            tracing::info!(millis = launched.elapsed().as_millis(), "first frame drawn");
        }
        // What a person sees, in the log: support (and the package smoke
        // test, scripts/try-deb.sh) can tell which page is on screen.
        if self.logged_page != Some(self.state.page) {
            self.logged_page = Some(self.state.page);
            tracing::info!(page = ?self.state.page, "page shown");
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if !self.state.config.is_demo() {
            eframe::set_value(storage, eframe::APP_KEY, &self.state.settings);
        }
    }
}
