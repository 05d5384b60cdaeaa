//! Done: where the backups are now and what really happened — the space
//! freed and where, or that none was (the same drive) — what to keep in
//! mind, and a way to look at them.

use egui::{RichText, Ui};
use relocator::Operation;

use super::widgets::{self, Status, status_row};
use crate::action::Action;
use crate::state::AppState;
use crate::words;
use crate::worker::JobResult;

/// Draws the done page.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    let Some(JobResult::Done(outcome)) = &state.result else {
        return None;
    };
    ui.label(
        RichText::new(words::done_headline(outcome))
            .size(19.0)
            .strong(),
    );
    ui.add_space(4.0);
    let place = state.place_name(&outcome.backups_at);
    ui.label(words::done_sentence(outcome, &place));
    ui.add_space(6.0);
    let destination = state.destination();
    if matches!(outcome.operation, Operation::Move | Operation::Retarget)
        && let Some(d) = destination
        && let Some(v) = d.facts.volume.as_ref()
    {
        let taken = if d.is_same_drive() { 0 } else { outcome.bytes };
        widgets::drive_card(ui, v, &place, widgets::Backups::Coming(taken));
        ui.add_space(6.0);
    }
    match outcome.operation {
        Operation::Move
        | Operation::Retarget
        | Operation::Relink
        | Operation::Adopt
        | Operation::TakeOver
        | Operation::Merge => {
            // A drive inside the computer is always there; only one that
            // can be unplugged needs the reminder.
            let removable = destination
                .and_then(|d| d.facts.volume.as_ref())
                .is_none_or(|v| v.kind() != relocator::volume::DriveKind::Internal);
            status_row(
                ui,
                Status::Note,
                "Finder, iTunes and Apple Devices keep backing up as before, now to the new place.",
            );
            if removable {
                status_row(
                    ui,
                    Status::Warning,
                    "Keep the drive connected when your iPhone or iPad backs up: without it, the backup fails until you connect it.",
                );
            }
        }
        Operation::Archive => {
            status_row(
                ui,
                Status::Note,
                "The other devices' backups are as they were. This one is kept on the drive: bring it back from the overview whenever you like.",
            );
        }
        Operation::BringBack => {
            status_row(
                ui,
                Status::Note,
                "Finder, iTunes and Apple Devices see this device's backup again; the archived copy was removed.",
            );
        }
        Operation::Revert => {
            status_row(
                ui,
                Status::Note,
                &format!(
                    "Finder, iTunes and Apple Devices back up to {} again.",
                    words::COMPUTER
                ),
            );
        }
    }
    for note in &outcome.notes {
        status_row(ui, Status::Note, note);
    }
    if matches!(
        outcome.operation,
        Operation::Move | Operation::Retarget | Operation::Merge
    ) {
        // Read again by the scan that follows the move: shown once it arrives.
        let after = state.report().and_then(|r| r.after_move.as_ref());
        widgets::after_move(ui, after, &place);
    }
    ui.add_space(8.0);
    widgets::path_label(ui, &outcome.backups_at);
    if ui.button(open_label()).clicked() {
        action = Some(Action::OpenFolder(outcome.backups_at.clone()));
    }
    action
}

/// "Show in Finder", "Show in Explorer", "Open folder".
#[must_use]
pub fn open_label() -> &'static str {
    if cfg!(target_os = "macos") {
        "Show in Finder"
    } else if cfg!(windows) {
        "Show in Explorer"
    } else {
        "Open folder"
    }
}
