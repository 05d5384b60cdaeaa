//! Preparing an operation: the "Before we start" checks, the connected
//! drives, and the chosen destination checked in the background.

use std::path::PathBuf;
use std::time::{Instant, SystemTime};

use relocator::volume::VolumeInfo;
use relocator::{Operation, Problem, checks, link};

use super::{AppState, Notice, NoticeKind};
use crate::plan::Destination;
use crate::scan_job::LocationReport;
use crate::task::{Answer, Task};

impl AppState {
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
        let operation = self.operation().unwrap_or(Operation::Move);
        match &report.state {
            Ok(state) => problems.extend(checks::state_problem(
                operation,
                &report.location.path,
                state,
            )),
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
            if operation == Operation::Revert {
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
        let task = Task::start("drive-list", self.wake.clone(), move |emit, _| {
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
        });
        self.drives.task = match task {
            Ok(task) => Some(task),
            Err(e) => {
                self.drives.listed = true;
                self.notice = Some(Notice {
                    kind: NoticeKind::Problem,
                    text: format!("The connected drives could not be listed ({e})."),
                });
                None
            }
        };
    }

    pub(super) fn poll_drives(&mut self) {
        let Some(task) = self.drives.task.as_mut() else {
            return;
        };
        match task.answer() {
            Answer::Pending => return,
            Answer::Given(drives) => self.drives.drives = drives,
            Answer::Ended => {}
        }
        self.drives.task = None;
        self.drives.listed = true;
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

    pub(super) fn poll_destination_check(&mut self) {
        let Some(plan) = self.plan.as_mut() else {
            return;
        };
        let Some((_, task)) = plan.checking.as_mut() else {
            return;
        };
        match task.answer() {
            Answer::Pending => {}
            Answer::Given(destination) => {
                plan.checking = None;
                plan.set_destination(destination);
            }
            Answer::Ended => plan.checking = None,
        }
    }
}
