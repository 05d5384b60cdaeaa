//! Progress: a live bar of bytes done, files, speed and time left, the
//! step and the file, and Cancel (which asks, then rolls back).

use egui::{RichText, Ui};
use relocator::Phase;
use relocator::units::format_bytes;

use crate::app::AppState;
use crate::page::Action;
use crate::progress_view::describe_duration;

/// Draws the progress page.
pub fn ui(state: &mut AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    let p = &state.progress;
    ui.label(RichText::new(p.phase.label()).size(18.0).strong());
    ui.add_space(8.0);
    let counting = matches!(p.phase, Phase::Copying | Phase::Verifying);
    if counting {
        ui.add(egui::ProgressBar::new(p.fraction()).show_percentage());
        ui.label(format!(
            "{} of {} · {} of {} files · {}/s",
            format_bytes(p.bytes),
            format_bytes(p.total_bytes),
            p.files,
            p.total_files,
            format_bytes(p.speed())
        ));
        if let Some(eta) = p.eta() {
            ui.label(format!("Time left: {}", describe_duration(eta)));
        }
        if let Some(current) = &p.current {
            ui.label(
                RichText::new(current.display().to_string())
                    .small()
                    .monospace(),
            );
        }
    } else {
        ui.label("This takes a moment.");
    }
    for w in &p.warnings {
        super::widgets::warning_line(ui, w);
    }
    ui.add_space(16.0);
    let cancelling = state
        .worker
        .as_ref()
        .is_some_and(crate::worker::Worker::is_cancelling);
    if cancelling {
        ui.label(RichText::new("Stopping and putting everything back as it was…").italics());
    } else if state.confirming == Some(crate::app::Confirm::Cancel) {
        ui.label("Stop and put everything back as it was?");
        ui.horizontal(|ui| {
            if ui.button("Yes, stop and undo").clicked() {
                action = Some(Action::ConfirmCancel);
            }
            if ui.button("Keep going").clicked() {
                action = Some(Action::KeepGoing);
            }
        });
    } else if ui.button("Cancel").clicked() {
        action = Some(Action::AskCancel);
    }
    action
}
