//! Progress: the phases (Checking → Copying → Verifying → Switching →
//! Freeing space) with the current one marked, a bar for the phase, the
//! amount done, speed and time left once they mean something, and the item
//! being worked on on one line. Every line has a fixed height, so nothing
//! moves under the mouse; Cancel sits in the bottom bar.

use std::time::Instant;

use egui::{Layout, RichText, Ui};
use relocator::Phase;
use relocator::tracker::PhaseState;

use super::widgets::{Status, one_line, status_row};
use crate::action::Action;
use crate::state::AppState;
use crate::words;

/// The height of each line of the fixed block.
const LINE: f32 = 24.0;

/// Draws the progress page.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let p = &state.progress;
    let now = Instant::now();
    for (phase, stands) in p.phases() {
        fixed(ui, LINE, |ui| {
            let status = match stands {
                PhaseState::Current => Status::Current,
                PhaseState::Done => Status::Good,
                PhaseState::Ahead => Status::Pending,
            };
            status_row(ui, status, words::phase(phase));
        });
    }
    ui.add_space(8.0);
    fixed(ui, LINE, |ui| {
        ui.label(RichText::new(words::phase_doing(p.phase())).strong());
    });
    fixed(ui, 26.0, |ui| {
        let fraction = p.phase_fraction();
        let text = fraction.map_or_else(
            || "Under way".to_owned(),
            |f| format!("{} %", (f * 100.0).floor()),
        );
        ui.add(
            egui::ProgressBar::new(fraction.unwrap_or(0.0))
                .desired_height(22.0)
                .text(text),
        );
    });
    let ((bytes, files), (total_bytes, total_files)) = (p.phase_done(), p.phase_total());
    fixed(ui, LINE, |ui| {
        ui.label(words::amount_done(bytes, total_bytes, files, total_files));
    });
    fixed(ui, LINE, |ui| {
        let moving_bytes =
            matches!(p.phase(), Phase::Copying | Phase::Verifying) && total_bytes > 0;
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
            .current()
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
    for w in p.warnings() {
        status_row(ui, Status::Warning, w);
    }
    None
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
