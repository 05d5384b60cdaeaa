//! Failed: what happened, where the backups are now (always somewhere
//! safe), one action, and the details behind a fold.

use egui::{RichText, Ui};

use crate::app::AppState;
use crate::page::Action;
use crate::worker::JobResult;

/// Draws the failure page.
pub fn ui(state: &mut AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    let Some(JobResult::Failed {
        message,
        cancelled,
        details,
    }) = &state.result
    else {
        return Some(Action::Restart);
    };
    let headline = if *cancelled {
        "Nothing was changed"
    } else {
        "The move did not finish"
    };
    ui.label(RichText::new(headline).size(18.0).strong());
    ui.add_space(8.0);
    ui.label(message);
    ui.add_space(12.0);
    if ui.button("Back to start").clicked() {
        action = Some(Action::Restart);
    }
    ui.add_space(12.0);
    egui::CollapsingHeader::new("Details").show(ui, |ui| {
        ui.label(RichText::new(details).monospace().small());
        if ui.button("Copy details").clicked() {
            action = Some(Action::CopyText(details.clone()));
        }
    });
    action
}
