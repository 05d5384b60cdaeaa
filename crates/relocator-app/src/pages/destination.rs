//! Destination: choose a drive, not a path. The connected drives are listed
//! with their kind, format and a capacity bar (used, what the backups will
//! take, what stays free); "Other folder…" opens the system's dialog, and
//! where none can open, a field to type the path appears with the reason.
//! The chosen drive is checked and every problem is said in plain words;
//! each warning has its own box to tick.

use std::path::Path;

use egui::{RichText, Ui};
use relocator::Severity;
use relocator::checks::SpaceNeeded;
use relocator::volume::VolumeInfo;

use super::widgets::{self, Status, status_row};
use crate::action::{Action, FolderPurpose};
use relocator::Operation;

use crate::plan::Plan;
use crate::state::AppState;
use crate::words;

/// Draws the destination page.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    let Some(plan) = &state.plan else {
        return None;
    };
    if plan.operation == Operation::Retarget {
        ui.label("Choose the new drive. Your backups go into a folder named Backup on it, and the link will point there.");
    } else {
        ui.label("Choose the drive that should hold your backups. They go into a folder named Backup on it.");
    }
    let bytes = state.backup_bytes();
    ui.label(RichText::new(words::space_needed(SpaceNeeded::for_backups(bytes))).weak())
        .on_hover_text(words::HEADROOM_WHY);
    ui.add_space(6.0);

    let chosen = plan.destination_folder();
    // The list changes while it shows (relisted every few seconds): as one
    // keyed section it leaves the ids of the controls below it alone.
    let picked = widgets::keyed_row(ui, "drives", |ui| drive_list(state, ui, chosen, bytes));
    if picked.is_some() {
        action = picked;
    }
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        let picking = state.is_picking();
        if ui
            .add_enabled(!picking, egui::Button::new("Other folder…"))
            .on_hover_text("Choose any folder, on a drive or a network share")
            .clicked()
        {
            action = Some(Action::ChooseFolder(FolderPurpose::Destination));
        }
        if picking {
            ui.label(RichText::new("Waiting for the folder window…").italics());
        }
    });
    if let Some(typed) = state
        .typed
        .as_ref()
        .filter(|t| t.purpose == FolderPurpose::Destination)
        && let Some(a) = widgets::typed_folder(ui, typed)
    {
        action = Some(a);
    }
    ui.add_space(8.0);
    if let Some(a) = verdict(ui, state, plan) {
        action = Some(a);
    }
    action
}

/// The connected drives, each row keyed by its mount point.
fn drive_list(state: &AppState, ui: &mut Ui, chosen: Option<&Path>, bytes: u64) -> Option<Action> {
    let mut action = None;
    if !state.drives.listed {
        status_row(ui, Status::Pending, "Looking for drives…");
    } else if state.drives.drives.is_empty() {
        status_row(
            ui,
            Status::Note,
            "No other drive is connected. Connect one and it appears here, or choose a folder below.",
        );
    }
    for drive in &state.drives.drives {
        let row = widgets::keyed_row(ui, ("drive", &drive.mount_point), |ui| {
            drive_row(
                ui,
                drive,
                chosen == Some(drive.mount_point.as_path()),
                bytes,
            )
        });
        if row.is_some() {
            action = row;
        }
    }
    action
}

/// One connected drive, chosen with a click.
fn drive_row(ui: &mut Ui, v: &VolumeInfo, selected: bool, backups: u64) -> Option<Action> {
    let mut action = None;
    let stroke = if selected {
        egui::Stroke::new(2.0, crate::style::accent(ui.visuals().dark_mode))
    } else {
        ui.visuals().widgets.noninteractive.bg_stroke
    };
    egui::Frame::group(ui.style())
        .stroke(stroke)
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            if ui
                .radio(selected, RichText::new(v.display_name()).strong())
                .clicked()
                && !selected
            {
                action = Some(Action::PickDrive(v.mount_point.clone()));
            }
            ui.label(RichText::new(words::drive_line(v)).weak());
            let after = v.free_bytes.saturating_sub(backups);
            ui.label(words::free_after(after, None));
        });
    action
}

/// The chosen destination: being checked, or what was found.
fn verdict(ui: &mut Ui, state: &AppState, plan: &Plan) -> Option<Action> {
    let mut action = None;
    if let Some((folder, _)) = &plan.checking {
        status_row(
            ui,
            Status::Pending,
            &format!("Checking {}…", folder.display()),
        );
        return None;
    }
    let destination = plan.destination.as_ref()?;
    widgets::section(ui, "Your choice");
    if let Some(v) = &destination.facts.volume {
        let name = state.place_name(&destination.folder);
        let taking = if destination.is_same_drive() {
            0
        } else {
            state.backup_bytes()
        };
        widgets::drive_card(ui, v, &name, widgets::Backups::Coming(taking));
    }
    widgets::path_label(ui, &destination.folder.join("Backup"));
    if destination.problems.is_empty() {
        status_row(ui, Status::Good, "This drive can hold your backups.");
    }
    for p in destination.blocking() {
        status_row(ui, Status::Blocking, &p.message());
    }
    for p in destination
        .problems
        .iter()
        .filter(|p| p.severity() == Severity::Note)
    {
        status_row(ui, Status::Note, &p.message());
    }
    if destination.blocking().next().is_none() {
        for w in destination.warnings() {
            status_row(ui, Status::Warning, &w.message());
            let mut accepted = plan.has_accepted(w);
            if ui.checkbox(&mut accepted, words::acceptance(w)).changed() {
                action = Some(Action::Accept(w.code(), accepted));
            }
        }
    }
    action
}
