//! The operations, run as a background task: one core call per job, its
//! progress forwarded to the window, its end as one [`JobResult`].

use std::path::PathBuf;

use relocator::failure::{self, Failure};
use relocator::freshness::Policy;
use relocator::relocate::{self, Forgotten, Options, Outcome, Recovery};
use relocator::{Cancel, Context, Operation, Progress, link, processes};

use crate::task::{Emitter, Task, Waker};

/// What the worker is asked to do.
#[derive(Debug, Clone)]
pub enum Job {
    /// Run `operation` on the backup folder `source`: a move and a move on
    /// to `to` (a folder on a drive), a re-link to `to` (our copy found on
    /// a drive back under another name), a move back with no `to`.
    Run {
        /// Which operation.
        operation: Operation,
        /// The backup folder.
        source: PathBuf,
        /// Where to, for those that go somewhere.
        to: Option<PathBuf>,
        /// Verification and keep options.
        options: Options,
    },
    /// Finish or undo an interrupted operation on `source`.
    Recover {
        /// The backup folder.
        source: PathBuf,
    },
    /// Undo the interrupted operation on `source` without the drive it
    /// waits for, which the person says is gone for good.
    ForgetDrive {
        /// The backup folder.
        source: PathBuf,
    },
}

impl Job {
    /// The operation it runs (`None`: a recovery).
    #[must_use]
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Job::Run { operation, .. } => Some(*operation),
            Job::Recover { .. } | Job::ForgetDrive { .. } => None,
        }
    }
}

/// How a job ended.
#[derive(Debug, Clone)]
pub enum JobResult {
    /// An operation finished.
    Done(Outcome),
    /// Recovery ran.
    Recovered(Recovery),
    /// The drive was forgotten.
    Forgot(Forgotten),
    /// It failed or was cancelled.
    Failed(JobFailure),
}

/// A job that did not finish: what kind of failure, where the backups are,
/// and the technical text for "Details".
#[derive(Debug, Clone)]
pub struct JobFailure {
    /// What happened.
    pub failure: Failure,
    /// Where the backups are whole, when the core said so.
    pub safe_at: Option<PathBuf>,
    /// The error's full text.
    pub details: String,
}

impl JobFailure {
    /// From a core error.
    #[must_use]
    pub fn from_error(e: &relocator::Error) -> Self {
        Self {
            failure: Failure::of(e),
            safe_at: failure::safe_place(e).map(std::path::Path::to_owned),
            details: e.to_string(),
        }
    }

    /// The work stopped without saying how (its thread could not start or ended early).
    #[must_use]
    pub fn stopped(details: String) -> Self {
        Self {
            failure: Failure::Other,
            safe_at: None,
            details,
        }
    }

    /// Whether the person cancelled.
    #[must_use]
    pub fn is_cancelled(&self) -> bool {
        self.failure == Failure::Cancelled
    }
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
    /// Its task.
    pub task: Task<WorkerEvent>,
}

impl Worker {
    /// Starts `job` under `policy` on a thread named `backup-worker`.
    pub fn start(job: Job, policy: Policy, wake: Waker) -> std::io::Result<Self> {
        let j = job.clone();
        let task = Task::start("backup-worker", wake, move |emit, cancel| {
            tracing::info!(job = ?j, "starting");
            let result = run(&j, policy, emit, cancel);
            match &result {
                JobResult::Done(o) => tracing::info!(outcome = ?o, "finished"),
                JobResult::Recovered(r) => tracing::info!(recovery = ?r, "recovered"),
                JobResult::Forgot(f) => tracing::info!(forgotten = ?f, "drive forgotten"),
                JobResult::Failed(f) => tracing::warn!(details = %f.details, "failed"),
            }
            emit.emit(WorkerEvent::Finished(result));
        })?;
        Ok(Self { job, task })
    }
}

fn run(job: &Job, policy: Policy, emit: &Emitter<WorkerEvent>, cancel: &Cancel) -> JobResult {
    let links = link::platform_link();
    let progress = |p: Progress| emit.emit(WorkerEvent::Progress(p));
    let ctx = Context {
        links: links.as_ref(),
        progress: &progress,
        cancel,
        sync_apps: processes::running().apps,
        policy,
    };
    let (operation, source, to, options) = match job {
        Job::Recover { source } => {
            return match relocate::recover(&ctx, source) {
                Ok(r) => JobResult::Recovered(r),
                Err(e) => JobResult::Failed(JobFailure::from_error(&e)),
            };
        }
        Job::ForgetDrive { source } => {
            return match relocate::forget_drive(&ctx, source) {
                Ok(f) => JobResult::Forgot(f),
                Err(e) => JobResult::Failed(JobFailure::from_error(&e)),
            };
        }
        Job::Run {
            operation,
            source,
            to,
            options,
        } => (*operation, source, to.as_deref(), *options),
    };
    let nowhere = || {
        relocator::Error::io(
            source,
            std::io::Error::other("the operation was given no place to go to"),
        )
    };
    let result = match operation {
        Operation::Move => to
            .ok_or_else(nowhere)
            .and_then(|to| relocate::move_backups(&ctx, source, to, options)),
        Operation::Retarget => to
            .ok_or_else(nowhere)
            .and_then(|to| relocate::retarget(&ctx, source, to, options)),
        Operation::Relink => to
            .ok_or_else(nowhere)
            .and_then(|to| relocate::relink(&ctx, source, to)),
        Operation::Adopt => to
            .ok_or_else(nowhere)
            .and_then(|to| relocate::adopt(&ctx, source, to)),
        Operation::Revert => relocate::revert(&ctx, source, options),
        Operation::TakeOver => relocate::take_over(&ctx, source),
        Operation::Merge => to
            .ok_or_else(nowhere)
            .and_then(|to| relocate::merge(&ctx, source, to, options)),
        // `to` is where the device's backup goes: `<DEST>/<archive folder>/<UDID>`.
        Operation::Archive => to.ok_or_else(nowhere).and_then(|to| {
            let device = to.file_name().map(|n| n.to_string_lossy().into_owned());
            let destination = to.parent().and_then(std::path::Path::parent);
            match (device, destination) {
                (Some(device), Some(destination)) => {
                    relocate::archive(&ctx, source, &device, destination, options)
                }
                _ => Err(nowhere()),
            }
        }),
        // `to` is the archived backup brought back.
        Operation::BringBack => to
            .ok_or_else(nowhere)
            .and_then(|from| relocate::bring_back(&ctx, source, from, options)),
    };
    match result {
        Ok(outcome) => JobResult::Done(outcome),
        Err(e) => JobResult::Failed(JobFailure::from_error(&e)),
    }
}
