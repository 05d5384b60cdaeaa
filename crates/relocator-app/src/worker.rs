//! Long work off the window's thread: a named thread runs one core
//! operation, sends its progress over a channel and wakes the window; the
//! window drains the channel each frame. Cancel is a shared flag.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;

use relocator::relocate::{self, Context, Options, Outcome, Recovery};
use relocator::{Cancel, Progress, link, processes};

/// What the worker is asked to do.
#[derive(Debug, Clone)]
pub enum Job {
    /// Move `source` into `destination`.
    Move {
        /// The backup folder.
        source: PathBuf,
        /// The chosen folder on the drive.
        destination: PathBuf,
        /// Verification and keep options.
        options: Options,
    },
    /// Move relocated backups back to `source`.
    Revert {
        /// The backup folder (a link now).
        source: PathBuf,
        /// Verification and keep options.
        options: Options,
    },
    /// Move relocated backups on to `destination`.
    Retarget {
        /// The backup folder (a link now).
        source: PathBuf,
        /// The new folder on a drive.
        destination: PathBuf,
        /// Verification and keep options.
        options: Options,
    },
    /// Finish or undo an interrupted operation on `source`.
    Recover {
        /// The backup folder.
        source: PathBuf,
    },
}

/// How a job ended.
#[derive(Debug, Clone)]
pub enum JobResult {
    /// An operation finished.
    Done(Outcome),
    /// Recovery ran.
    Recovered(Recovery),
    /// It failed or was cancelled; the text says where the backups are.
    Failed {
        /// One plain paragraph.
        message: String,
        /// Whether the user cancelled.
        cancelled: bool,
        /// The error's full text for "Copy details".
        details: String,
    },
}

/// One message from the worker.
#[derive(Debug, Clone)]
pub enum WorkerEvent {
    /// A progress event from the core.
    Progress(Progress),
    /// The job ended.
    Finished(JobResult),
}

/// A running job.
pub struct Worker {
    /// The job.
    pub job: Job,
    events: Receiver<WorkerEvent>,
    cancel: Cancel,
    thread: Option<JoinHandle<()>>,
}

impl Worker {
    /// Starts `job` on a thread named `backup-worker`; `wake` repaints the window.
    pub fn start(job: Job, wake: impl Fn() + Send + Sync + 'static) -> Self {
        let (tx, rx) = mpsc::channel();
        let cancel = Cancel::new();
        let c = cancel.clone();
        let j = job.clone();
        let thread = std::thread::Builder::new()
            .name("backup-worker".to_owned())
            .spawn(move || {
                tracing::info!(job = ?j, "starting");
                let send = |e: WorkerEvent| {
                    let _ = tx.send(e);
                    wake();
                };
                let progress = |p: Progress| send(WorkerEvent::Progress(p));
                let result = run(&j, &progress, &c);
                match &result {
                    JobResult::Done(o) => tracing::info!(outcome = ?o, "finished"),
                    JobResult::Recovered(r) => tracing::info!(recovery = ?r, "recovered"),
                    JobResult::Failed { details, .. } => tracing::warn!(%details, "failed"),
                }
                send(WorkerEvent::Finished(result));
            })
            .ok();
        Self {
            job,
            events: rx,
            cancel,
            thread,
        }
    }

    /// The events that arrived since the last call.
    pub fn drain(&mut self) -> Vec<WorkerEvent> {
        self.events.try_iter().collect()
    }

    /// Asks the job to stop and roll back.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Whether cancel was asked for.
    #[must_use]
    pub fn is_cancelling(&self) -> bool {
        self.cancel.is_cancelled()
    }

    /// Waits until the thread ends (tests).
    pub fn join(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing the window mid-move cancels it: a rollback, never a half state.
        self.cancel.cancel();
        self.join();
    }
}

fn run(job: &Job, progress: &dyn relocator::ProgressSink, cancel: &Cancel) -> JobResult {
    let links = link::platform_link();
    let ctx = Context {
        links: links.as_ref(),
        progress,
        cancel,
        sync_apps: processes::running_sync_processes(),
        policy: relocator::freshness::Policy::default(),
    };
    let result = match job {
        Job::Move {
            source,
            destination,
            options,
        } => relocate::move_backups(&ctx, source, destination, *options),
        Job::Revert { source, options } => relocate::revert(&ctx, source, *options),
        Job::Retarget {
            source,
            destination,
            options,
        } => relocate::retarget(&ctx, source, destination, *options),
        Job::Recover { source } => {
            return match relocate::recover(&ctx, source) {
                Ok(r) => JobResult::Recovered(r),
                Err(e) => failed(&e),
            };
        }
    };
    match result {
        Ok(outcome) => JobResult::Done(outcome),
        Err(e) => failed(&e),
    }
}

fn failed(e: &relocator::Error) -> JobResult {
    let cancelled = matches!(e, relocator::Error::Interrupted { cause, .. } if matches!(**cause, relocator::Error::Cancelled))
        || matches!(e, relocator::Error::Cancelled);
    let message = match e {
        relocator::Error::Refused(problems) => {
            let lines: Vec<String> = problems
                .iter()
                .filter(|p| p.is_blocking())
                .map(relocator::checks::Problem::message)
                .collect();
            format!("{} Nothing was changed.", lines.join(" "))
        }
        relocator::Error::Interrupted { safe_at, .. } if cancelled => format!(
            "Cancelled. Everything was put back as it was: your backups are in {}.",
            safe_at.display()
        ),
        other => other.to_string(),
    };
    JobResult::Failed {
        message,
        cancelled,
        details: format!("{e}\n\n{e:?}"),
    }
}
