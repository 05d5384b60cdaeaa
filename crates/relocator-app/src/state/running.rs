//! Running the operations: starting a job, what its progress and its end
//! change, and the one-step actions (setting a damaged record aside,
//! checking the backups' health).

use std::path::Path;
use std::time::Instant;

use relocator::Operation;
use relocator::relocate::Options;
use relocator::tracker::{Outline, Tracker};
use relocator::verify::VerifyMode;

use super::{AppState, Notice, NoticeKind};
use crate::health_job::HealthCheck;
use crate::page::Page;
use crate::plan::Destination;
use crate::scan_job::ScanJob;
use crate::worker::{Job, JobFailure, JobResult, Worker, WorkerEvent};

impl AppState {
    pub(super) fn poll_worker(&mut self) {
        let Some(worker) = self.worker.as_mut() else {
            return;
        };
        let (events, ended) = worker.task.arrived();
        let mut finished = None;
        let now = Instant::now();
        for event in events {
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
                if let relocator::relocate::Recovered::Completed {
                    operation: relocator::Operation::Revert,
                    ..
                } = r.outcome
                    && let Some(source) = self.location().map(|l| l.path.clone())
                {
                    self.guard_forgets(&source);
                }
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
            JobResult::Forgot(f) => {
                self.plan = None;
                self.notice = Some(Notice {
                    kind: NoticeKind::Info,
                    text: f.message(),
                });
                Page::Overview
            }
            JobResult::Done(outcome) => {
                if outcome.operation == relocator::Operation::Revert {
                    let source = outcome.source.clone();
                    self.guard_forgets(&source);
                }
                Page::Done
            }
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

    /// What `job` will do, for its progress.
    fn outline(&self, job: &Job, expected: Option<(u64, u64)>) -> Outline {
        let Job::Run {
            operation, options, ..
        } = job
        else {
            return Outline::default();
        };
        self.outline_of(*operation, *options, expected.unwrap_or_default())
    }

    /// What `operation` of the plan will do with `options`, for its
    /// progress and Review's estimate: a copy unless it stays on one drive,
    /// checked as the plan says, the old place freed.
    pub(crate) fn outline_of(
        &self,
        operation: Operation,
        options: Options,
        (bytes, files): (u64, u64),
    ) -> Outline {
        let same_drive = match operation {
            Operation::Revert => self.checks.same_drive_home,
            _ => self.destination().is_some_and(Destination::is_same_drive),
        };
        let copies = matches!(
            operation,
            Operation::Move
                | Operation::Retarget
                | Operation::Revert
                | Operation::Merge
                | Operation::Archive
                | Operation::BringBack
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
}
