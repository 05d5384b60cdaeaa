//! "Before we start": nothing that writes backups is running, the backup
//! folder can be read, and no backup is being made. All green to go on.

use egui::Ui;

use super::widgets::status_line;
use crate::app::AppState;
use crate::page::Action;

/// The System Settings pane for Full Disk Access.
const FULL_DISK_ACCESS_PANE: &str =
    "x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles";

/// Draws the checklist.
pub fn ui(state: &mut AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    ui.label("Backup Relocator checks that moving is safe right now.");
    ui.add_space(10.0);

    if state.sync_apps.is_empty() {
        status_line(
            ui,
            true,
            "iTunes, Apple Devices and Finder are not syncing.",
        );
    } else {
        status_line(
            ui,
            false,
            &format!(
                "Please quit {} first: it could write a backup while we move it.",
                state.sync_apps.join(", ")
            ),
        );
    }
    match &state.unreadable {
        None => status_line(ui, true, "The backup folder can be read."),
        Some(problem) => {
            status_line(ui, false, &problem.message());
            if matches!(
                problem,
                relocator::checks::Problem::SourceUnreadable {
                    full_disk_access: true,
                    ..
                }
            ) {
                ui.indent("fda", |ui| {
                    ui.label("1. Click \"Open Full Disk Access settings\".");
                    ui.label(
                        "2. Turn on Backup Relocator in the list (add it with + if it is missing).",
                    );
                    ui.label("3. Quit Backup Relocator and open it again.");
                    if ui.button("Open Full Disk Access settings").clicked() {
                        action = Some(Action::OpenFolder(FULL_DISK_ACCESS_PANE.into()));
                    }
                });
            }
        }
    }
    let in_progress = state.in_progress.clone();
    if in_progress.is_empty() {
        status_line(ui, true, "No backup is being made.");
    } else {
        status_line(
            ui,
            false,
            &format!(
                "A backup is being made (or did not finish) for {}: wait for it to finish, then check again.",
                in_progress.join(", ")
            ),
        );
    }
    ui.add_space(12.0);
    if ui.button("Check again").clicked() {
        action = Some(Action::CheckAgain);
    }
    action
}
