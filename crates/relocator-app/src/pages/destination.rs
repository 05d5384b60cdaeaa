//! Destination: choose a folder on the big drive; see the drive, its free
//! space against what is needed, and every problem in plain words.

use egui::{RichText, Ui};
use relocator::checks::space_margin;
use relocator::units::format_bytes;

use super::widgets::{space_bar, status_line, warning_line};
use crate::app::AppState;
use crate::page::Action;

/// Draws the destination page.
pub fn ui(state: &mut AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    if state.retargeting {
        ui.label("Choose a folder on the new drive. Your backups will be moved into a folder named Backup inside it, and the link will point there.");
    } else {
        ui.label("Choose a folder on the drive that should hold your backups. They will be moved into a folder named Backup inside it.");
    }
    ui.add_space(8.0);
    if ui.button("Choose destination…").clicked() {
        action = Some(Action::ChooseDestination);
    }
    let Some(destination) = state.destination.clone() else {
        return action;
    };
    ui.add_space(10.0);
    ui.label(RichText::new(destination.display().to_string()).monospace());
    let needed_source = state.backup_bytes();
    if let Some(v) = state
        .destination_facts
        .as_ref()
        .and_then(|f| f.volume.as_ref())
    {
        ui.label(format!(
            "Drive: {} ({}), {} free of {}",
            v.display_name(),
            v.file_system,
            format_bytes(v.free_bytes),
            format_bytes(v.total_bytes)
        ));
        space_bar(
            ui,
            needed_source + space_margin(needed_source),
            v.free_bytes,
        );
    }
    ui.add_space(8.0);
    let blocking: Vec<_> = state
        .destination_problems
        .iter()
        .filter(|p| p.is_blocking())
        .collect();
    let warnings: Vec<_> = state
        .destination_problems
        .iter()
        .filter(|p| !p.is_blocking())
        .collect();
    if state.destination_problems.is_empty() {
        status_line(ui, true, "This drive can hold your backups.");
    }
    for p in &blocking {
        status_line(ui, false, &p.message());
    }
    for p in &warnings {
        warning_line(ui, &p.message());
    }
    if blocking.is_empty() && !warnings.is_empty() {
        ui.add_space(6.0);
        ui.checkbox(
            &mut state.accepted_warnings,
            "I understand this drive must be connected when I back up",
        );
    }
    action
}
