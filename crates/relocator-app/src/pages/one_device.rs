//! One device at a time (issue 21): under a folder's devices, each finished
//! device backup can be archived to a connected drive (taken out of the
//! folder, kept there), and each one archived on a connected drive brought
//! back, by one button each. A drive is chosen among those connected (the
//! one holding the backups apart: archiving there would free nothing).

use egui::{RichText, Ui};
use relocator::inventory::EntryKind;
use relocator::units::format_bytes;

use super::widgets;
use crate::action::Action;
use crate::scan_job::LocationReport;
use crate::state::AppState;
use crate::words;

/// The section for the folder of `r`, when it is the one worked on.
pub fn section(state: &AppState, ui: &mut Ui, r: &LocationReport) -> Option<Action> {
    if state
        .report()
        .is_none_or(|selected| selected.location != r.location)
    {
        return None;
    }
    let devices: Vec<_> = r
        .devices
        .iter()
        .filter(|d| d.kind == EntryKind::Device && !d.in_progress)
        .collect();
    if devices.is_empty() && r.archived.is_empty() {
        return None;
    }
    let idle = state.worker.is_none();
    let mut action = None;
    ui.add_space(6.0);
    ui.label(RichText::new(words::ONE_DEVICE).strong());
    ui.label(RichText::new(words::ONE_DEVICE_WHY).weak());
    // Keyed by device: a press lands on its button while rows come and go.
    for d in devices {
        let name = words::device_name(d);
        let chosen = widgets::keyed_row(ui, ("archive", &d.udid), |ui| {
            if state.archiving.as_deref() == Some(d.udid.as_str()) {
                choose_drive(state, ui, &d.udid, &name)
            } else {
                ui.add_enabled(idle, egui::Button::new(words::archive_button(&name)))
                    .clicked()
                    .then(|| Action::AskArchive(Some(d.udid.clone())))
            }
        });
        action = chosen.or(action);
    }
    for archived in &r.archived {
        let back = widgets::keyed_row(ui, ("archived", &archived.path), |ui| {
            ui.horizontal_wrapped(|ui| {
                ui.label(words::archived_on(&archived.device, &archived.drive));
                let button = egui::Button::new(words::bring_back_button(&archived.device));
                ui.add_enabled(idle, button)
                    .clicked()
                    .then(|| Action::BringBack(archived.path.clone()))
            })
            .inner
        });
        action = back.or(action);
    }
    action
}

/// The drives to archive the backup of `name` to, and a way back.
fn choose_drive(state: &AppState, ui: &mut Ui, udid: &str, name: &str) -> Option<Action> {
    let mut action = None;
    ui.label(words::archive_where(name));
    if state.drives.listed && state.drives.drives.is_empty() {
        ui.label(RichText::new(words::NO_DRIVE_TO_ARCHIVE).weak());
    } else if !state.drives.listed {
        ui.label(RichText::new("Looking for drives…").italics());
    }
    // Keyed by drive: the list arrives (and changes) under a press.
    for drive in &state.drives.drives {
        let label = words::archive_to(&drive.display_name(), &format_bytes(drive.free_bytes));
        let chosen = widgets::keyed_row(ui, ("archive to", &drive.mount_point), |ui| {
            ui.button(label).clicked()
        });
        if chosen {
            action = Some(Action::Archive(udid.to_owned(), drive.mount_point.clone()));
        }
    }
    if widgets::keyed_row(ui, "cancel archive", |ui| ui.button("Cancel").clicked()) {
        action = Some(Action::AskArchive(None));
    }
    action
}
