//! "Check the backups": the core's health check of every device backup in
//! a folder (property lists, the file list, every listed file present with
//! its size), as a background task with a count of files looked at.

use std::path::PathBuf;
use std::time::SystemTime;

use relocator::Progress;
use relocator::freshness::Policy;
use relocator::health::{self, DeviceHealth};

use crate::task::{Task, Waker};

/// One message from the check.
enum Event {
    Looked(u64),
    Finished(Result<Vec<DeviceHealth>, String>),
}

/// A health check of one backup folder: running, or its result.
pub struct HealthCheck {
    /// Which location (index into the app's locations).
    pub location: usize,
    /// The folder checked.
    pub folder: PathBuf,
    /// Files looked at so far.
    pub files: u64,
    /// The result, once finished.
    pub result: Option<Result<Vec<DeviceHealth>, String>>,
    /// When it finished.
    pub finished_at: Option<SystemTime>,
    task: Option<Task<Event>>,
}

impl HealthCheck {
    /// Starts checking the backups in `folder` (of location `location`).
    #[must_use]
    pub fn start(location: usize, folder: PathBuf, policy: Policy, wake: Waker) -> Self {
        let checked = folder.clone();
        let task = Task::start("backup-health", wake, move |emit, cancel| {
            let progress = |p: Progress| {
                if let Progress::Scanned { files, .. } | Progress::Copied { files, .. } = p {
                    emit.emit(Event::Looked(files));
                }
            };
            let result = health::check_backups(&checked, &policy, &progress, cancel)
                .map_err(|e| e.to_string());
            emit.emit(Event::Finished(result));
        });
        let (task, result) = match task {
            Ok(t) => (Some(t), None),
            Err(e) => (None, Some(Err(format!("The check could not start: {e}")))),
        };
        Self {
            location,
            folder,
            files: 0,
            finished_at: result.as_ref().map(|_| SystemTime::now()),
            result,
            task,
        }
    }

    /// Applies what arrived.
    pub fn poll(&mut self) {
        let Some(task) = self.task.as_mut() else {
            return;
        };
        let (events, ended) = task.arrived();
        for event in events {
            match event {
                Event::Looked(files) => self.files = files,
                Event::Finished(result) => {
                    self.result = Some(result);
                    self.finished_at = Some(SystemTime::now());
                }
            }
        }
        if ended && self.result.is_none() {
            self.result = Some(Err("The check stopped unexpectedly.".to_owned()));
            self.finished_at = Some(SystemTime::now());
        }
    }

    /// Whether it is still running.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.result.is_none()
    }

    /// The health found for the device backup in `folder`, if checked.
    #[must_use]
    pub fn of_device(&self, folder: &std::path::Path) -> Option<&DeviceHealth> {
        let name = folder.file_name()?;
        self.result
            .as_ref()?
            .as_ref()
            .ok()?
            .iter()
            .find(|d| d.folder.file_name() == Some(name))
    }

    /// Waits for it to end (tests).
    pub fn wait(&mut self) {
        if let Some(t) = self.task.as_mut() {
            t.join();
        }
        self.poll();
    }
}
