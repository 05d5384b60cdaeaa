//! Moved backups: for each backup folder that was moved, where the backups
//! are and how much room their drive has, and the ways on — move back,
//! move to another drive, check their health, show them. A drive that is
//! away says that backups fail until it is back, and a copy found on a
//! drive that came back under another name can be linked again.

use egui::{RichText, Ui};
use relocator::health::DeviceHealth;
use relocator::locations::LocationState;
use relocator::units::{clock_time, count_of};

use super::done::open_label;
use super::widgets::{self, Status, status_row};
use crate::action::Action;
use crate::health_job::HealthCheck;
use crate::page::Page;
use crate::scan_job::LocationReport;
use crate::state::AppState;
use crate::words;
use relocator::Operation;

/// Draws the page.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    let moved = |r: &LocationReport| {
        matches!(
            r.state,
            Ok(LocationState::Relocated { .. }
                | LocationState::ForeignLink { .. }
                | LocationState::Dangling { .. }
                | LocationState::Interrupted { .. })
        )
    };
    if !state.scan.reports.iter().any(moved) {
        ui.label("No backups were moved yet. The overview shows the backups on this computer and moves them.");
        if ui.button("Go to the overview").clicked() {
            action = Some(Action::Show(Page::Overview));
        }
        return action;
    }
    // Health results and relink offers arrive while the page shows: each
    // folder's part is keyed by its path, the whole list by one key.
    let found = widgets::keyed_row(ui, "moved-folders", |ui| moved_folders(state, ui, moved));
    if found.is_some() {
        action = found;
    }
    action
}

/// Backups moved to `target`: by this app, or by hand (`by_hand`), which
/// adds the offer to manage them where they are.
fn relocated(
    state: &AppState,
    ui: &mut Ui,
    report: &LocationReport,
    target: &std::path::Path,
    (selected, by_hand): (bool, bool),
) -> Option<Action> {
    let mut action = None;
    // The drive by the name every page gives it: this folder's own drive
    // (by the drive list's name for it, when listed), whichever folder is
    // selected.
    let drive = words::place_name(
        target,
        report.location.path.parent(),
        report.volume.iter().chain(state.drives.drives.iter()),
    );
    if by_hand {
        status_row(ui, Status::Good, &words::moved_by_hand(&drive));
    } else {
        status_row(ui, Status::Good, &format!("On {drive}, connected."));
    }
    widgets::path_label(ui, target);
    if let Some(v) = &report.volume {
        ui.add_space(4.0);
        // The same card as Review's and Done's, with the backups on it,
        // once they are counted. In a section of its own: the buttons
        // below keep their ids (a screen reader's press lands) when the
        // count arrives and the card takes the line's place.
        widgets::keyed_row(ui, "drive-card", |ui| match &report.facts {
            Some(facts) => {
                widgets::drive_card(ui, v, &drive, widgets::Backups::There(facts.bytes));
            }
            None => {
                ui.label(RichText::new(words::drive_line(v)).weak());
            }
        });
    }
    widgets::keyed_row(ui, "after-move", |ui| {
        widgets::after_move(ui, report.after_move.as_ref(), &drive);
    });
    if !selected {
        return None;
    }
    let busy = state.is_busy();
    ui.add_space(4.0);
    ui.horizontal_wrapped(|ui| {
        if ui
            .add_enabled(
                !busy,
                egui::Button::new(format!("Move back to {}…", words::COMPUTER)),
            )
            .clicked()
        {
            action = Some(Action::Begin(Operation::Revert));
        }
        if ui
            .add_enabled(!busy, egui::Button::new("Move to another drive…"))
            .clicked()
        {
            action = Some(Action::Begin(Operation::Retarget));
        }
        let checking = state.health.as_ref().is_some_and(HealthCheck::is_running);
        if ui
            .add_enabled(!checking, egui::Button::new("Check the backups"))
            .on_hover_text("Reads each device backup's list of files and makes sure every file is there, with its size")
            .clicked()
        {
            action = Some(Action::CheckHealth);
        }
        if by_hand
            && ui
                .add_enabled(!busy, egui::Button::new(words::TAKE_OVER))
                .on_hover_text(words::TAKE_OVER_WHY)
                .clicked()
        {
            action = Some(Action::TakeOver);
        }
        if ui.button(open_label()).clicked() {
            action = Some(Action::OpenFolder(target.to_owned()));
        }
    });
    if let Some(h) = state.health.as_ref().filter(|h| h.folder == target) {
        health(ui, h);
    }
    action
}

fn dangling(
    ui: &mut Ui,
    report: &LocationReport,
    s: &LocationState,
    selected: bool,
) -> Option<Action> {
    let mut action = None;
    status_row(ui, Status::Warning, &s.describe());
    if !selected {
        return None;
    }
    if report.relink_candidates.is_empty() {
        ui.label("Connect the drive. When it is back, the backups continue where they left off.");
    }
    for candidate in &report.relink_candidates {
        widgets::keyed_row(ui, ("relink", candidate), |ui| {
            status_row(
                ui,
                Status::Note,
                &format!(
                    "Your backups were found on a drive that is connected under another name: {}.",
                    candidate.display()
                ),
            );
            if ui.button("Link to them").clicked() {
                action = Some(Action::Relink(candidate.clone()));
            }
        });
    }
    action
}

/// Each moved backup folder, keyed by its path.
fn moved_folders(
    state: &AppState,
    ui: &mut Ui,
    moved: impl Fn(&LocationReport) -> bool,
) -> Option<Action> {
    let mut action = None;
    for (i, report) in state
        .scan
        .reports
        .iter()
        .enumerate()
        .filter(|(_, r)| moved(r))
    {
        let found = widgets::keyed_row(ui, ("folder", &report.location.path), |ui| {
            moved_folder(state, ui, i, report)
        });
        if found.is_some() {
            action = found;
        }
    }
    action
}

/// One moved backup folder: where it is, its state, what can be done.
fn moved_folder(
    state: &AppState,
    ui: &mut Ui,
    i: usize,
    report: &LocationReport,
) -> Option<Action> {
    ui.add_space(6.0);
    widgets::section(ui, &report.location.app);
    widgets::path_label(ui, &report.location.path);
    let selected = i == state.selected;
    let mut action = match &report.state {
        Ok(LocationState::Relocated { target }) => {
            relocated(state, ui, report, target, (selected, false))
        }
        Ok(LocationState::ForeignLink { target }) => {
            relocated(state, ui, report, target, (selected, true))
        }
        Ok(s @ LocationState::Dangling { .. }) => dangling(ui, report, s, selected),
        Ok(s) => {
            status_row(ui, Status::Warning, &s.describe());
            let finish =
                (selected && ui.button("Finish or undo now").clicked()).then_some(Action::Recover);
            super::way_forward::forget_drive(state, ui, report).or(finish)
        }
        Err(_) => None,
    }
    .or(super::way_forward::leftovers(state, ui, report));
    if !selected && ui.button("Work on these backups").clicked() {
        action = Some(Action::Select(i));
    }
    ui.add_space(8.0);
    action
}

/// The health check: running, or each device's result.
fn health(ui: &mut Ui, h: &HealthCheck) {
    widgets::section(ui, "Health of the backups");
    match &h.result {
        None => {
            status_row(
                ui,
                Status::Pending,
                &format!("Checking… {} looked at", count_of(h.files, "file", "files")),
            );
        }
        Some(Err(e)) => {
            status_row(
                ui,
                Status::Blocking,
                &format!("The check could not finish: {e}"),
            );
        }
        Some(Ok(devices)) if devices.is_empty() => {
            status_row(ui, Status::Note, "There is no device backup to check yet.");
        }
        Some(Ok(devices)) => {
            for d in devices {
                device_health(ui, d);
            }
            if let Some(at) = h.finished_at {
                ui.label(RichText::new(format!("Checked at {}", clock_time(at))).weak());
            }
        }
    }
    // New results land below the fold: brought into view once, when they come.
    if h.result.is_some() {
        let seen = egui::Id::unique(("health-shown", &h.folder, h.finished_at));
        if !ui.memory(|m| m.data.get_temp::<bool>(seen).unwrap_or(false)) {
            ui.scroll_to_cursor(Some(egui::Align::BOTTOM));
            ui.memory_mut(|m| m.data.insert_temp(seen, true));
        }
    }
}

fn device_health(ui: &mut Ui, d: &DeviceHealth) {
    if let Some(until) = d.being_written_until {
        status_row(
            ui,
            Status::Pending,
            &format!(
                "{}: a backup is being written; check again after {}.",
                d.name,
                clock_time(until)
            ),
        );
        return;
    }
    let encrypted = d
        .findings
        .iter()
        .any(|f| matches!(f, relocator::health::Finding::Encrypted { .. }));
    if d.is_healthy() && encrypted {
        status_row(
            ui,
            Status::Good,
            &format!(
                "{}: no damage found in what can be checked without its password.",
                d.name
            ),
        );
    } else if d.is_healthy() {
        status_row(
            ui,
            Status::Good,
            &format!(
                "{}: healthy ({} of {} present, each with its size).",
                d.name,
                relocator::units::group_digits(d.present),
                count_of(d.listed, "listed file", "listed files")
            ),
        );
    } else {
        status_row(ui, Status::Blocking, &format!("{}: damaged.", d.name));
    }
    ui.indent(("health", &d.name), |ui| {
        for f in &d.findings {
            let status = if f.is_damage() {
                Status::Blocking
            } else {
                Status::Note
            };
            status_row(ui, status, &f.message());
        }
    });
}
