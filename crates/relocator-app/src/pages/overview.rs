//! Overview: each backup folder — what it holds (device backups, Apple's
//! empty folder, or not backups at all, explained), where it is, its size
//! counting up, its devices — and a way to choose another folder.

use egui::{RichText, Ui};
use relocator::contents::Contents;
use relocator::locations::LocationState;
use relocator::units::{count_of, format_bytes};

use super::devices;
use super::one_device;
use super::way_forward;
use super::widgets::{self, Status, status_row};
use crate::action::{Action, FolderPurpose};
use crate::page::Page;
use crate::scan_job::LocationReport;
use crate::state::AppState;
use crate::words;

/// Draws the overview.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    if state.config.locations.is_empty() {
        ui.label(
            "No backup folder was found on this computer: Finder, iTunes and Apple Devices have \
             not made a backup here. If your backups are in another folder, choose it.",
        );
    }
    // Each folder's part grows while it is scanned (sizes, devices, errors):
    // keyed sections keep the ids of the controls after it as they were.
    let chosen = widgets::keyed_row(ui, "folders", |ui| folders(state, ui));
    if chosen.is_some() {
        action = chosen;
    }
    ui.separator();
    if state.config.is_demo() {
        ui.label("The demo works on its own sample backups only.");
        return action;
    }
    ui.horizontal_wrapped(|ui| {
        let label = if state.config.locations.is_empty() {
            "Choose a folder…"
        } else {
            "Choose another folder…"
        };
        let busy = !state.can_change_source() || state.is_picking();
        if ui
            .add_enabled(!busy, egui::Button::new(label))
            .on_hover_text("The folder that holds the device backups (usually named Backup)")
            .clicked()
        {
            action = Some(Action::ChooseFolder(FolderPurpose::Source));
        }
        if state.settings.source_folder.is_some()
            && !state.config.source_given
            && ui.button("Use the usual folders").clicked()
        {
            action = Some(Action::UseUsualFolders);
        }
        if state.is_picking() {
            ui.label(RichText::new("Waiting for the folder window…").italics());
        }
    });
    if let Some(typed) = state
        .typed
        .as_ref()
        .filter(|t| t.purpose == FolderPurpose::Source)
        && let Some(a) = widgets::typed_folder(ui, typed)
    {
        action = Some(a);
    }
    action
}

/// A folder where our link was: new backups here, the earlier ones in
/// `copies` on drives (one, nearly always); one button brings them to one.
fn merge_offer(state: &AppState, ui: &mut Ui, copies: &[std::path::PathBuf]) -> Option<Action> {
    let places: Vec<String> = copies.iter().map(|c| state.place_name(c)).collect();
    status_row(
        ui,
        Status::Warning,
        &words::link_replaced(&places.join(" and ")),
    );
    let mut action = None;
    for (copy, place) in copies.iter().zip(&places) {
        let label = if copies.len() == 1 {
            words::start_button(relocator::Operation::Merge).to_owned()
        } else {
            words::merge_to(place)
        };
        let pressed = widgets::keyed_row(ui, ("merge", copy), |ui| {
            ui.add_enabled(state.worker.is_none(), egui::Button::new(label))
                .clicked()
        });
        if pressed {
            action = Some(Action::Merge(copy.clone()));
        }
    }
    action
}

fn location(state: &AppState, ui: &mut Ui, r: &LocationReport) -> Option<Action> {
    let mut action = None;
    widgets::path_label(ui, &r.location.path);
    match &r.state {
        Ok(LocationState::Local) if !r.merge_into.is_empty() => {
            action = merge_offer(state, ui, &r.merge_into);
        }
        Ok(LocationState::Local) => match &r.contents {
            Some(Ok(c @ Contents::DeviceBackups { .. })) => {
                status_row(
                    ui,
                    Status::Good,
                    &format!("{} Backups are on {}.", words::contents(c), words::COMPUTER),
                );
            }
            Some(Ok(c @ Contents::EmptyBackupFolder)) => {
                status_row(ui, Status::Note, &words::contents(c));
            }
            Some(Ok(c)) => {
                status_row(ui, Status::Blocking, &words::contents(c));
            }
            Some(Err(e)) => {
                status_row(
                    ui,
                    Status::Blocking,
                    &format!("This folder cannot be read: {e}"),
                );
            }
            None => {
                status_row(ui, Status::Pending, "Looking inside…");
            }
        },
        Ok(LocationState::Relocated { target }) => moved(ui, r, target, false),
        Ok(LocationState::ForeignLink { target }) => moved(ui, r, target, true),
        Ok(s @ LocationState::Dangling { .. }) => {
            status_row(ui, Status::Warning, &s.describe());
            if !r.relink_candidates.is_empty() && ui.button("Manage moved backups…").clicked() {
                action = Some(Action::Show(Page::Manage));
            }
        }
        Ok(s @ LocationState::Interrupted { .. }) => {
            status_row(ui, Status::Warning, &s.describe());
            action = way_forward::forget_drive(state, ui, r).or(action);
        }
        Ok(s @ LocationState::DamagedRecord { .. }) => {
            status_row(ui, Status::Warning, &s.describe());
            action = damaged_record(ui, r).or(action);
        }
        Ok(s) => {
            status_row(ui, Status::Note, &s.describe());
        }
        Err(e) => {
            status_row(ui, Status::Blocking, e);
        }
    }
    if !r.done {
        ui.label(
            RichText::new(format!(
                "Counting… {} in {}",
                format_bytes(r.bytes),
                count_of(r.files, "file", "files")
            ))
            .italics(),
        );
    } else if r.files > 0 {
        ui.label(
            RichText::new(format!(
                "{} in {}",
                format_bytes(r.bytes),
                count_of(r.files, "file", "files")
            ))
            .strong(),
        );
    }
    for e in &r.errors {
        status_row(ui, Status::Warning, e);
    }
    action = way_forward::leftovers(state, ui, r).or(action);
    if !r.devices.is_empty() {
        ui.add_space(4.0);
        let health = state
            .health
            .as_ref()
            .filter(|h| state.config.locations.get(h.location) == Some(&r.location));
        devices::table(
            ui,
            &r.location.path.display().to_string(),
            &r.devices,
            &state.settings.policy(),
            health,
        );
    }
    one_device::section(state, ui, r).or(action)
}

/// Backups moved to `target`, by this app or by hand (`by_hand`): on which drive.
fn moved(ui: &mut Ui, r: &LocationReport, target: &std::path::Path, by_hand: bool) {
    let drive = r.volume.as_ref().map_or_else(
        || relocator::locations::drive_name_in(target),
        relocator::volume::VolumeInfo::display_name,
    );
    let sentence = if by_hand {
        words::moved_by_hand(&drive)
    } else {
        format!("Moved to {drive}: backups go there from now on.")
    };
    status_row(ui, Status::Good, &sentence);
    widgets::path_label(ui, target);
}

/// Each backup folder found, keyed by its path.
fn folders(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    let many = state.scan.reports.len() > 1;
    for (i, report) in state.scan.reports.iter().enumerate() {
        let found = widgets::keyed_row(ui, ("folder", &report.location.path), |ui| {
            let mut action = None;
            ui.add_space(6.0);
            if many {
                if ui
                    .radio(
                        state.selected == i,
                        RichText::new(&report.location.app).size(18.0).strong(),
                    )
                    .clicked()
                {
                    action = Some(Action::Select(i));
                }
            } else {
                widgets::section(ui, &report.location.app);
            }
            if let Some(a) = location(state, ui, report) {
                action = Some(a);
            }
            ui.add_space(10.0);
            action
        });
        if found.is_some() {
            action = found;
        }
    }
    action
}

/// Where the backups are when the record of an interrupted operation is
/// damaged, and the way forward: set the record aside once they are whole
/// in the backup folder (the core checks that; nothing is deleted).
fn damaged_record(ui: &mut Ui, r: &LocationReport) -> Option<Action> {
    if r.found.is_empty() {
        ui.label("No folder that holds these backups was found on this computer or on a connected drive. Connect the drive they were moved to.");
    } else {
        ui.label("Where the backups are, or may be:");
        for f in &r.found {
            ui.horizontal(|ui| {
                ui.label(format!("• {}:", f.what()));
                widgets::path_label(ui, &f.path);
            });
        }
    }
    ui.label(
        "Once the backups are whole in the backup folder (or it links to a complete copy on a drive), set the record aside to use them again. Nothing is deleted.",
    );
    ui.button(crate::words::SET_RECORD_ASIDE)
        .clicked()
        .then(|| Action::SetAsideRecord(r.location.path.clone()))
}
