//! Progress: the phases (Checking → Copying → Verifying → Switching →
//! Freeing space) with the current one marked, a bar for the phase, the
//! amount done, speed and time left once they mean something, and the item
//! being worked on on one line. Every line has a fixed height, so nothing
//! moves under the mouse; Cancel sits in the bottom bar.

use std::time::Instant;

use egui::{Layout, RichText, Ui};
use relocator::Phase;

use super::widgets::{Status, one_line, status_row};
use crate::action::Action;
use crate::plan::Operation;
use crate::state::AppState;
use crate::words;

/// The height of each line of the fixed block.
const LINE: f32 = 24.0;

/// Draws the progress page.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let p = &state.progress;
    let now = Instant::now();
    for phase in phases(state) {
        fixed(ui, LINE, |ui| {
            let status = if phase == p.phase {
                Status::Current
            } else if p.phases_seen.contains(&phase) {
                Status::Good
            } else {
                Status::Pending
            };
            status_row(ui, status, words::phase(phase));
        });
    }
    ui.add_space(8.0);
    fixed(ui, LINE, |ui| {
        ui.label(RichText::new(words::phase_doing(p.phase)).strong());
    });
    fixed(ui, 26.0, |ui| {
        let text = if p.has_total() {
            format!("{} %", (p.fraction() * 100.0).floor())
        } else {
            "Under way".to_owned()
        };
        ui.add(
            egui::ProgressBar::new(p.fraction())
                .desired_height(22.0)
                .text(text),
        );
    });
    fixed(ui, LINE, |ui| {
        ui.label(words::amount_done(
            p.bytes,
            p.total_bytes,
            p.files,
            p.total_files,
        ));
    });
    fixed(ui, LINE, |ui| {
        let moving_bytes =
            matches!(p.phase, Phase::Copying | Phase::Verifying) && p.total_bytes > 0;
        let text = match (p.speed(now), p.time_left(now)) {
            (Some(speed), Some(left)) => {
                format!("{} · {}", words::speed(speed), words::time_left(left))
            }
            (Some(speed), None) => words::speed(speed),
            (None, _) if moving_bytes => "Measuring the speed…".to_owned(),
            (None, _) => String::new(),
        };
        ui.label(RichText::new(text).weak());
    });
    fixed(ui, LINE, |ui| {
        let devices = state.report().map_or(&[][..], |r| r.devices.as_slice());
        let item = p
            .current
            .as_deref()
            .map(|c| words::current_item(c, devices))
            .unwrap_or_default();
        one_line(ui, &item, true);
    });
    fixed(ui, LINE, |ui| {
        if state
            .worker
            .as_ref()
            .is_some_and(|w| w.task.is_cancelling())
        {
            ui.label(RichText::new("Stopping and putting everything back as it was…").italics());
        }
    });
    for w in &p.warnings {
        status_row(ui, Status::Warning, w);
    }
    None
}

/// The phases to list: those the operation goes through, then any other met.
fn phases(state: &AppState) -> Vec<Phase> {
    let same_drive = match state.operation() {
        Some(Operation::MoveBack) => state.checks.same_drive_home,
        Some(_) => state
            .plan
            .as_ref()
            .and_then(|p| p.destination.as_ref())
            .is_some_and(crate::plan::Destination::is_same_drive),
        None => false,
    };
    let mut list = match (state.operation(), same_drive) {
        (None, _) if state.is_relinking() => Vec::new(),
        (None, _) => vec![Phase::Recovering],
        (Some(_), true) => vec![Phase::Checking, Phase::Switching],
        (Some(_), false) => vec![
            Phase::Checking,
            Phase::Copying,
            Phase::Verifying,
            Phase::Switching,
            Phase::CleaningUp,
        ],
    };
    for seen in &state.progress.phases_seen {
        if !list.contains(seen) {
            list.push(*seen);
        }
    }
    list
}

/// A line of fixed height across the column, whatever it holds.
fn fixed(ui: &mut Ui, height: f32, content: impl FnOnce(&mut Ui)) {
    let width = ui.available_width();
    ui.allocate_ui_with_layout(
        egui::vec2(width, height),
        Layout::left_to_right(egui::Align::Center),
        |ui| {
            ui.set_min_size(egui::vec2(width, height));
            ui.set_max_height(height);
            content(ui);
        },
    );
}
