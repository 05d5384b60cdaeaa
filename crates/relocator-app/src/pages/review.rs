//! Review: what will happen, in one sentence; the devices whose backups
//! move and about how long it takes; the drive's card (its room after the
//! move); what checking the copy means with the box as it is set; and the
//! button that starts it (in the bar). The folder's path comes last, once, small.

use egui::{RichText, Ui};

use super::widgets::{self, Status, status_row};
use crate::action::Action;
use crate::state::AppState;
use crate::words;
use relocator::Operation;

/// Draws the review page.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    let plan = state.plan.as_ref()?;
    let source = state.location()?.path.clone();
    let (target, same_drive) = match plan.operation {
        Operation::Revert => (source.clone(), state.checks.same_drive_home),
        Operation::Relink
        | Operation::Adopt
        | Operation::TakeOver
        | Operation::Merge
        | Operation::Archive
        | Operation::BringBack => {
            return None;
        }
        Operation::Move | Operation::Retarget => {
            let destination = plan.destination.as_ref()?;
            (
                destination.folder.join("Backup"),
                destination.is_same_drive(),
            )
        }
    };
    ui.label(
        RichText::new(words::plan_sentence(
            plan.operation,
            state.backup_bytes(),
            &state.place_name(&target),
            same_drive,
        ))
        .size(17.0),
    );
    let devices = state.report().map_or(&[][..], |r| r.devices.as_slice());
    if !devices.is_empty() {
        ui.label(words::devices_moving(devices));
    }
    if let Some((fast, slow)) = state.backup_sizes().and_then(|sizes| {
        state
            .outline_of(plan.operation, state.options(), sizes)
            .estimate()
    }) {
        ui.label(words::how_long(fast, slow));
    }
    if plan.operation != Operation::Revert
        && let Some(v) = plan
            .destination
            .as_ref()
            .and_then(|d| d.facts.volume.as_ref())
    {
        ui.add_space(4.0);
        // One rename on the same drive takes no room.
        let taking = if same_drive { 0 } else { state.backup_bytes() };
        widgets::drive_card(
            ui,
            v,
            &state.place_name(&target),
            widgets::Backups::Coming(taking),
        );
    }
    ui.add_space(10.0);
    if !same_drive {
        let mut full = plan.verify_full;
        if ui
            .checkbox(&mut full, "Read every copied file back and compare it (recommended)")
            .on_hover_text("Reads each file back from the drive after copying it. Takes longer, and catches a drive that writes wrong data.")
            .changed()
        {
            action = Some(Action::SetVerifyFull(full));
        }
    }
    status_row(
        ui,
        Status::Note,
        words::check_promise(plan.verify_full, same_drive),
    );
    status_row(ui, Status::Note, words::SAFETY_PROMISE);
    if plan.operation != Operation::Revert
        && let Some(v) = plan
            .destination
            .as_ref()
            .and_then(|d| d.facts.volume.as_ref())
        && v.kind() != relocator::volume::DriveKind::Internal
    {
        status_row(
            ui,
            Status::Warning,
            "Afterwards, keep this drive connected when your iPhone or iPad backs up.",
        );
    }
    ui.add_space(6.0);
    widgets::path_label(ui, &target);
    action
}
