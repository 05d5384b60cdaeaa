//! Done: where the backups are now, what was freed, and a reminder.

use egui::{RichText, Ui};
use relocator::relocate::Operation;
use relocator::units::format_bytes;

use crate::app::AppState;
use crate::page::Action;
use crate::worker::JobResult;

/// Draws the done page.
pub fn ui(state: &mut AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    let Some(JobResult::Done(outcome)) = &state.result else {
        return Some(Action::Restart);
    };
    let headline = match outcome.operation {
        Operation::Revert => "Your backups are back on this computer.".to_owned(),
        _ => format!("Your backups are now in {}.", outcome.backups_at.display()),
    };
    ui.label(RichText::new(headline).size(18.0).strong());
    ui.add_space(8.0);
    match outcome.operation {
        Operation::Move => {
            ui.label(format!(
                "{} in {} files moved; that space is free again on this computer.",
                format_bytes(outcome.bytes),
                outcome.files
            ));
            ui.label("Finder, iTunes and Apple Devices will keep backing up as before, now to the drive.");
            ui.add_space(6.0);
            super::widgets::warning_line(
                ui,
                "Keep the drive connected when your iPhone or iPad backs up; if it is not, the backup will fail until you connect it.",
            );
        }
        Operation::Retarget => {
            ui.label(format!(
                "{} in {} files moved to the new drive.",
                format_bytes(outcome.bytes),
                outcome.files
            ));
        }
        _ => {
            ui.label(format!(
                "{} in {} files copied back.",
                format_bytes(outcome.bytes),
                outcome.files
            ));
        }
    }
    for note in &outcome.notes {
        ui.label(note);
    }
    ui.add_space(12.0);
    ui.horizontal(|ui| {
        if ui.button("Open destination").clicked() {
            action = Some(Action::OpenFolder(outcome.backups_at.clone()));
        }
        if ui.button("Back to start").clicked() {
            action = Some(Action::Restart);
        }
    });
    action
}
