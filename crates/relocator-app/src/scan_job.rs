//! The background scan: for each backup folder, its state, size (counting
//! up live) and devices, on a named thread that sends reports over a channel
//! and wakes the window.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;

use relocator::checks::SourceFacts;
use relocator::inventory::{self, DeviceBackup, EntryKind};
use relocator::locations::{self, LocationState};
use relocator::volume::{self, VolumeInfo};
use relocator::{Cancel, Progress, link, scan};

use crate::config::Location;

/// What the scan found about one backup folder.
#[derive(Debug, Clone)]
pub struct LocationReport {
    /// The folder and its app.
    pub location: Location,
    /// Its state, or the error that stopped reading it.
    pub state: Result<LocationState, String>,
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
    /// The figures the preflight needs, once counted (local folders).
    pub facts: Option<SourceFacts>,
    /// The drive of a relocated folder's target (for its free space).
    pub volume: Option<VolumeInfo>,
}

enum Event {
    State(usize, Result<LocationState, String>, Option<VolumeInfo>),
    Counted(usize, u64, u64),
    Devices(usize, Vec<DeviceBackup>, Vec<String>, Option<SourceFacts>),
    Finished(usize),
}

/// A running (or finished) scan of every location.
pub struct ScanJob {
    /// One report per location, updated as events arrive.
    pub reports: Vec<LocationReport>,
    events: Receiver<Event>,
    cancel: Cancel,
    thread: Option<JoinHandle<()>>,
}

impl ScanJob {
    /// Starts scanning `locations`; `wake` is called after each event (the window repaints).
    pub fn start(locations: Vec<Location>, wake: impl Fn() + Send + Sync + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        let cancel = Cancel::new();
        // The state is a few file-system calls: read it now, so no page ever
        // shows a placeholder; the thread reads it again with the sizes.
        let links = link::platform_link();
        let reports = locations
            .iter()
            .map(|l| LocationReport {
                location: l.clone(),
                state: inspect(&l.path, links.as_ref()),
                bytes: 0,
                files: 0,
                devices: Vec::new(),
                done: false,
                errors: Vec::new(),
                facts: None,
                volume: None,
            })
            .collect();
        let c = cancel.clone();
        let thread = std::thread::Builder::new()
            .name("backup-scan".to_owned())
            .spawn(move || run(&locations, &tx, &c, &wake))
            .ok();
        Self {
            reports,
            events: rx,
            cancel,
            thread,
        }
    }

    /// Applies the events that arrived; returns whether anything changed.
    pub fn poll(&mut self) -> bool {
        let mut changed = false;
        while let Ok(event) = self.events.try_recv() {
            changed = true;
            match event {
                Event::State(i, s, v) => {
                    self.reports[i].state = s;
                    self.reports[i].volume = v;
                }
                Event::Counted(i, bytes, files) => {
                    self.reports[i].bytes = bytes;
                    self.reports[i].files = files;
                }
                Event::Devices(i, devices, errors, facts) => {
                    self.reports[i].devices = devices;
                    self.reports[i].errors = errors;
                    self.reports[i].facts = facts;
                }
                Event::Finished(i) => self.reports[i].done = true,
            }
        }
        changed
    }

    /// Whether every location is fully counted.
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.reports.iter().all(|r| r.done)
    }

    /// Waits for the scan to finish (tests).
    pub fn wait(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        self.poll();
    }
}

impl Drop for ScanJob {
    fn drop(&mut self) {
        self.cancel.cancel();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(locations: &[Location], tx: &Sender<Event>, cancel: &Cancel, wake: &(dyn Fn() + Sync)) {
    let links = link::platform_link();
    let send = |e: Event| {
        let _ = tx.send(e);
        wake();
    };
    for (i, location) in locations.iter().enumerate() {
        let state = inspect(&location.path, links.as_ref());
        let folder: Option<PathBuf> = match &state {
            Ok(LocationState::Local) => Some(location.path.clone()),
            Ok(LocationState::Relocated { target } | LocationState::ForeignLink { target }) => {
                Some(target.clone())
            }
            _ => None,
        };
        let drive = match &state {
            Ok(LocationState::Relocated { target }) => volume::volume_of(target).ok(),
            _ => None,
        };
        send(Event::State(i, state, drive));
        if let Some(folder) = folder {
            let progress = |p: Progress| {
                if let Progress::Scanned { bytes, files } = p {
                    send(Event::Counted(i, bytes, files));
                }
            };
            match scan::scan(&folder, &progress, cancel) {
                Ok(totals) => {
                    send(Event::Counted(i, totals.bytes, totals.files));
                    let errors = totals.errors.iter().map(ToString::to_string).collect();
                    let devices = inventory::inventory(&folder, true, cancel).unwrap_or_default();
                    let in_progress = devices
                        .iter()
                        .filter(|d| d.in_progress && d.kind == EntryKind::Device)
                        .map(|d| d.name.clone().unwrap_or_else(|| d.udid.clone()))
                        .collect();
                    let facts = SourceFacts::from_scan(&totals, in_progress);
                    send(Event::Devices(i, devices, errors, Some(facts)));
                }
                Err(e) => send(Event::Devices(i, Vec::new(), vec![e.to_string()], None)),
            }
        }
        if cancel.is_cancelled() {
            return;
        }
        send(Event::Finished(i));
    }
}

fn inspect(path: &std::path::Path, links: &dyn link::FolderLink) -> Result<LocationState, String> {
    locations::inspect(path, links).map_err(|e| e.to_string())
}
