//! The background scan: for each backup folder, its state, what it holds,
//! its size (counting up live), its devices, and for a moved folder its
//! drive (or, when the drive is away, copies found on drives that came back
//! under another name; when its record is damaged, where the backups are).

use std::path::PathBuf;

use relocator::checks::{self, SourceFacts};
use relocator::contents::Contents;
use relocator::inventory::DeviceBackup;
use relocator::locations::{self, LocationState};
use relocator::relocate::{DriveNeeded, Found, Leftovers};
use relocator::report::FolderReport;
use relocator::volume::VolumeInfo;
use relocator::{Cancel, Progress, link};

use crate::config::Location;
use crate::task::{Emitter, Task, Waker};

/// What the scan found about one backup folder.
#[derive(Debug, Clone)]
pub struct LocationReport {
    /// The folder and its app.
    pub location: Location,
    /// Its state, or the error that stopped reading it.
    pub state: Result<LocationState, String>,
    /// What a folder on this computer holds (backups or not).
    pub contents: Option<Result<Contents, String>>,
    /// Bytes counted so far.
    pub bytes: u64,
    /// Files counted so far.
    pub files: u64,
    /// The device backups, once read.
    pub devices: Vec<DeviceBackup>,
    /// Whether counting is finished.
    pub done: bool,
    /// Items that could not be read.
    pub errors: Vec<String>,
    /// The figures the checks need, once counted.
    pub facts: Option<SourceFacts>,
    /// The drive of a moved folder's target (for its free space and name).
    pub volume: Option<VolumeInfo>,
    /// A moved folder whose drive is away: our copies found on connected drives.
    pub relink_candidates: Vec<PathBuf>,
    /// A real folder where our link was: our copies of it, to merge into.
    pub merge_into: Vec<PathBuf>,
    /// Its devices' backups archived on connected drives.
    pub archived: Vec<relocator::relocate::Archived>,
    /// Moved by us, its drive here: what a person should know after a move.
    pub after_move: Option<relocator::accounting::AfterMove>,
    /// A folder whose record is damaged: where the backups are, or may be.
    pub found: Vec<Found>,
    /// An interrupted operation that waits for a drive not connected.
    pub drive_needed: Option<DriveNeeded>,
    /// Copies of ours left on drives: to remove now, or once their drive is back.
    pub leftovers: Leftovers,
}

impl LocationReport {
    fn new(location: Location, state: Result<LocationState, String>) -> Self {
        Self {
            location,
            state,
            contents: None,
            bytes: 0,
            files: 0,
            devices: Vec::new(),
            done: false,
            errors: Vec::new(),
            facts: None,
            volume: None,
            relink_candidates: Vec::new(),
            merge_into: Vec::new(),
            archived: Vec::new(),
            after_move: None,
            found: Vec::new(),
            drive_needed: None,
            leftovers: Leftovers::default(),
        }
    }

    /// Where the backups of this folder are now (the core's answer), or
    /// where they should be (a link's target on a drive that is away, the
    /// folder itself): the place the checks, the drive list and the health
    /// check are about.
    #[must_use]
    pub fn backups_now(&self) -> PathBuf {
        let state = self.state.as_ref().ok();
        state
            .and_then(|s| s.backups_at(&self.location.path))
            .or_else(|| state.and_then(LocationState::target).map(PathBuf::from))
            .unwrap_or_else(|| self.location.path.clone())
    }
}

/// One finding of the scan.
enum Event {
    /// The core's quick look at the folder, or why it could not look.
    Looked(usize, Result<Box<FolderReport>, String>),
    Counted(usize, u64, u64),
    Surveyed(usize, Box<checks::Survey>),
    Failed(usize, String),
    Finished(usize),
}

/// A running (or finished) scan of every location.
pub struct ScanJob {
    /// One report per location, updated as events arrive.
    pub reports: Vec<LocationReport>,
    task: Option<Task<Event>>,
}

impl ScanJob {
    /// Starts scanning `locations`. A scan that cannot start says so in each report.
    #[must_use]
    pub fn start(locations: Vec<Location>, wake: Waker) -> Self {
        // The state is a few file-system calls: read it now, so no page ever
        // shows a placeholder; the thread reads it again with the sizes.
        let links = link::platform_link();
        let mut reports: Vec<LocationReport> = locations
            .iter()
            .map(|l| LocationReport::new(l.clone(), inspect(&l.path, links.as_ref())))
            .collect();
        let task = Task::start("backup-scan", wake, move |emit, cancel| {
            run(&locations, emit, cancel);
        });
        let task = match task {
            Ok(t) => Some(t),
            Err(e) => {
                for r in &mut reports {
                    r.errors
                        .push(format!("The backups could not be counted: {e}"));
                    r.done = true;
                }
                None
            }
        };
        Self { reports, task }
    }

    /// Applies the events that arrived.
    pub fn poll(&mut self) {
        let Some(task) = self.task.as_mut() else {
            return;
        };
        let (events, ended) = task.arrived();
        for event in events {
            match event {
                Event::Looked(i, Ok(looked)) => {
                    let r = &mut self.reports[i];
                    r.state = Ok(looked.state);
                    r.contents = looked.contents;
                    r.volume = looked.drive;
                    r.relink_candidates = looked.relink_candidates;
                    r.merge_into = looked.merge_into;
                    r.archived = looked.archived;
                    r.after_move = looked.after_move;
                    r.found = looked.found;
                    r.drive_needed = looked.drive_needed;
                    r.leftovers = looked.leftovers;
                }
                Event::Looked(i, Err(e)) => self.reports[i].state = Err(e),
                Event::Counted(i, bytes, files) => {
                    self.reports[i].bytes = bytes;
                    self.reports[i].files = files;
                }
                Event::Surveyed(i, survey) => {
                    let r = &mut self.reports[i];
                    (r.bytes, r.files) = (survey.facts.bytes, survey.facts.files);
                    r.errors.extend(
                        survey
                            .facts
                            .unreadable
                            .iter()
                            .map(|(count, first)| unreadable_text(*count, first)),
                    );
                    r.devices = survey.devices;
                    r.facts = Some(survey.facts);
                }
                Event::Failed(i, e) => self.reports[i].errors.push(e),
                Event::Finished(i) => self.reports[i].done = true,
            }
        }
        // A scan thread that ended without finishing (it panicked) must not
        // leave a page counting forever.
        if ended {
            for r in self.reports.iter_mut().filter(|r| !r.done) {
                r.errors
                    .push("Counting the backups stopped unexpectedly.".to_owned());
                r.done = true;
            }
        }
    }

    /// Whether every location is fully counted.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.reports.iter().all(|r| r.done)
    }

    /// Waits for the scan to finish (tests).
    pub fn wait(&mut self) {
        if let Some(t) = self.task.as_mut() {
            t.join();
        }
        self.poll();
    }
}

fn unreadable_text(count: usize, first: &str) -> String {
    if count == 1 {
        format!("1 item could not be read: {first}")
    } else {
        format!("{count} items could not be read, for example {first}")
    }
}

fn run(locations: &[Location], emit: &Emitter<Event>, cancel: &Cancel) {
    let links = link::platform_link();
    for (i, location) in locations.iter().enumerate() {
        let mut report = match FolderReport::look(&location.path, links.as_ref()) {
            Ok(report) => report,
            Err(e) => {
                emit.emit(Event::Looked(i, Err(e.to_string())));
                emit.emit(Event::Finished(i));
                continue;
            }
        };
        emit.emit(Event::Looked(i, Ok(Box::new(report.clone()))));
        let progress = |p: Progress| {
            if let Progress::Scanned { bytes, files } = p {
                emit.emit(Event::Counted(i, bytes, files));
            }
        };
        match report.survey(&progress, cancel) {
            Ok(()) => {
                if let Some(survey) = report.survey {
                    emit.emit(Event::Surveyed(i, Box::new(survey)));
                }
            }
            Err(e) => emit.emit(Event::Failed(i, e.to_string())),
        }
        if cancel.is_cancelled() {
            return;
        }
        emit.emit(Event::Finished(i));
    }
}

fn inspect(path: &std::path::Path, links: &dyn link::FolderLink) -> Result<LocationState, String> {
    locations::inspect(path, links).map_err(|e| e.to_string())
}
