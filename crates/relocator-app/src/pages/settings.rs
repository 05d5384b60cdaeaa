//! Settings: the state of each backup folder, and moving back, moving on,
//! re-reading the drive, or finishing an interrupted move.

use egui::{RichText, Ui};
use relocator::locations::LocationState;
use relocator::units::format_bytes;

use super::widgets::{status_line, warning_line};
use crate::app::AppState;
use crate::page::{Action, Page};

/// Draws the settings page.
pub fn ui(state: &mut AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    // What the scan read from disk (it runs again after every operation):
    // nothing here touches the disk while drawing.
    let reports = state.scan.reports.clone();
    if reports.is_empty() {
        ui.label("No backup folder is known on this computer.");
    }
    for (i, report) in reports.iter().enumerate() {
        let location = &report.location;
        let current = report
            .state
            .clone()
            .unwrap_or_else(|e| LocationState::Unexpected { found: e });
        ui.group(|ui| {
            ui.set_width(ui.available_width());
            if reports.len() > 1 {
                ui.radio_value(
                    &mut state.selected,
                    i,
                    RichText::new(&location.app).strong(),
                );
            } else {
                ui.label(RichText::new(&location.app).strong());
            }
            ui.label(RichText::new(location.path.display().to_string()).monospace());
            match &current {
                LocationState::Relocated { target } => {
                    status_line(
                        ui,
                        true,
                        &format!("Moved to {} (drive connected).", target.display()),
                    );
                    if let Some(v) = &report.volume {
                        ui.label(format!(
                            "{} free on {}",
                            format_bytes(v.free_bytes),
                            v.display_name()
                        ));
                    }
                }
                LocationState::Dangling { target } => warning_line(
                    ui,
                    &format!(
                        "Moved to {}, but that drive is not connected. Connect it to back up.",
                        target.display()
                    ),
                ),
                LocationState::Interrupted { .. } => warning_line(ui, &current.describe()),
                other => {
                    ui.label(other.describe());
                }
            }
            if i == state.selected {
                ui.add_space(6.0);
                action = actions(
                    ui,
                    &current,
                    state.confirming == Some(crate::app::Confirm::Revert),
                    revert_size(state),
                )
                .or(action.take());
            }
        });
        ui.add_space(8.0);
    }
    ui.horizontal(|ui| {
        if ui.button("Back to overview").clicked() {
            action = Some(Action::Show(Page::Overview));
        }
        if let Some(dir) = &state.config.log_dir
            && ui.button("Open log folder").clicked()
        {
            action = Some(Action::OpenFolder(dir.clone()));
        }
    });
    action
}

/// The size of the relocated backups, once the scan has counted them.
fn revert_size(state: &AppState) -> Option<u64> {
    state.report().filter(|r| r.done).map(|r| r.bytes)
}

fn actions(
    ui: &mut Ui,
    current: &LocationState,
    confirm_revert: bool,
    size: Option<u64>,
) -> Option<Action> {
    let mut action = None;
    if confirm_revert {
        let size = size.map_or_else(
            || "your backups".to_owned(),
            |b| format!("{} of backups", format_bytes(b)),
        );
        ui.label(format!(
            "Copy {size} back to this computer, check the copy, then remove the link and delete the copy on the drive?"
        ));
        ui.horizontal(|ui| {
            if ui.button("Yes, move them back").clicked() {
                action = Some(Action::Revert);
            }
            if ui.button("Not now").clicked() {
                action = Some(Action::KeepRelocated);
            }
        });
        return action;
    }
    ui.horizontal_wrapped(|ui| match current {
        LocationState::Relocated { target } => {
            if ui.button("Move back to this computer").clicked() {
                action = Some(Action::AskRevert);
            }
            if ui.button("Move to another drive…").clicked() {
                action = Some(Action::Retarget);
            }
            if ui.button("Verify backups on the drive").clicked() {
                action = Some(Action::VerifyOnDrive);
            }
            if ui.button("Open destination").clicked() {
                action = Some(Action::OpenFolder(target.clone()));
            }
        }
        LocationState::Interrupted { .. } if ui.button("Finish or undo now").clicked() => {
            action = Some(Action::Recover);
        }
        LocationState::Local if ui.button("Move backups…").clicked() => {
            action = Some(Action::Show(Page::Checks));
        }
        _ => {}
    });
    action
}
