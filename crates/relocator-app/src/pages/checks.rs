//! "Before we start": no app that makes backups is open, the backups can be
//! read, no backup is being written (nor was a moment ago), and for a move
//! back, this computer has room. Each line green, or red with what to do;
//! "Check again" says when it last checked.

use egui::{RichText, Ui};
use relocator::units::{clock_time, count_of, format_bytes};
use relocator::{Problem, Severity};

use super::widgets::{Status, status_row};
use crate::action::Action;
use crate::state::AppState;
use relocator::Operation;

/// The System Settings pane for Full Disk Access.
const FULL_DISK_ACCESS_PANE: &str =
    "x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles";

/// The lines of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Apps,
    Folder,
    Finished,
    Room,
}

impl Line {
    fn of(p: &Problem) -> Line {
        match p {
            Problem::SyncAppsRunning { .. } => Line::Apps,
            Problem::BackupInProgress { .. }
            | Problem::BackupStillWritten { .. }
            | Problem::RecentBackup { .. }
            | Problem::InterruptedOperation { .. } => Line::Finished,
            Problem::NotEnoughSpace { .. }
            | Problem::DestinationNotWritable { .. }
            | Problem::TooManyFiles { .. }
            | Problem::ReadOnlyDestination { .. } => Line::Room,
            _ => Line::Folder,
        }
    }

    fn all_good(self) -> &'static str {
        match self {
            Line::Apps => "No app that makes backups is open (iTunes, Apple Devices).",
            Line::Folder => "The backups can be read.",
            Line::Finished => "No backup is being made.",
            Line::Room => "This computer has room for them.",
        }
    }
}

/// Draws the checklist.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    ui.label("Moving is safe only while nothing writes to the backups. Backup Relocator checks that now.");
    ui.add_space(8.0);
    let mut lines = vec![Line::Apps, Line::Folder, Line::Finished];
    if state.operation() == Some(Operation::Revert) {
        lines.push(Line::Room);
    }
    match &state.checks.problems {
        None => {
            for line in &lines {
                status_row(
                    ui,
                    Status::Pending,
                    &format!("{} (checking…)", line.all_good()),
                );
            }
        }
        Some(problems) => {
            for line in &lines {
                let found: Vec<&Problem> =
                    problems.iter().filter(|p| Line::of(p) == *line).collect();
                if !found.iter().any(|p| p.is_blocking()) {
                    status_row(ui, Status::Good, line.all_good());
                }
                for p in found {
                    let status = match p.severity() {
                        Severity::Blocking => Status::Blocking,
                        Severity::Warning => Status::Warning,
                        Severity::Note => Status::Note,
                    };
                    status_row(ui, status, &p.message());
                    if let Problem::SourceUnreadable {
                        full_disk_access: true,
                        ..
                    } = p
                        && let Some(a) = full_disk_access_steps(ui)
                    {
                        action = Some(a);
                    }
                }
            }
        }
    }
    ui.add_space(12.0);
    ui.horizontal(|ui| {
        let checking = state.checks.problems.is_none();
        if ui
            .add_enabled(!checking, egui::Button::new("Check again"))
            .clicked()
        {
            action = Some(Action::CheckAgain);
        }
        let when = if checking {
            let counted = state.report().map_or((0, 0), |r| (r.bytes, r.files));
            format!(
                "Checking… {} in {} read so far",
                format_bytes(counted.0),
                count_of(counted.1, "file", "files")
            )
        } else {
            state.checks.checked_at.map_or_else(String::new, |at| {
                format!(
                    "Checked at {} ({})",
                    clock_time(at),
                    count_of(u64::from(state.checks.rounds), "time", "times")
                )
            })
        };
        ui.label(RichText::new(when).weak());
    });
    action
}

/// What to do when macOS blocks the backups, step by step.
fn full_disk_access_steps(ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    ui.indent("full-disk-access", |ui| {
        ui.label("1. Click \"Open Full Disk Access settings\".");
        ui.label("2. Turn on Backup Relocator in the list (add it with + if it is missing).");
        ui.label("3. Quit Backup Relocator and open it again.");
        if ui.button("Open Full Disk Access settings").clicked() {
            action = Some(Action::OpenFolder(FULL_DISK_ACCESS_PANE.into()));
        }
    });
    action
}
