//! Progress, the whole operation first: one bar and the time left for all
//! of it (copy, check, switch and freeing space, as the core's tracker
//! estimates them), fully visible at the smallest window; then what is
//! happening now — the phase, the device by name ("Ana's iPhone, 1 of 3"),
//! the amount and the speed; then the phases, each with a thin bar of its
//! own (done, under way, ahead). Every line has a fixed height, so nothing
//! moves under the mouse; Cancel sits in the bottom bar.

use std::time::Instant;

use egui::{Layout, RichText, Sense, Stroke, Ui, Vec2};
use relocator::Phase;
use relocator::tracker::PhaseState;

use super::widgets::{Status, one_line, status_row};
use crate::action::Action;
use crate::state::AppState;
use crate::style;
use crate::words;

/// The height of each line of the fixed block.
const LINE: f32 = 24.0;
/// The height of a phase's line.
const PHASE_LINE: f32 = 20.0;

/// Draws the progress page.
pub fn ui(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let p = &state.progress;
    let now = Instant::now();
    let overall = p.overall_fraction(now);
    fixed(ui, 26.0, |ui| overall_bar(ui, overall));
    fixed(ui, LINE, |ui| {
        let text = match (p.time_left(now), overall) {
            (Some(left), Some(f)) => {
                format!(
                    "{} · {} % done",
                    words::time_left(left),
                    (f * 100.0).floor()
                )
            }
            (Some(left), None) => words::time_left(left),
            (None, _) if p.off_plan() => words::phase_doing(p.phase()).to_owned(),
            (None, _) => "Working out how long it takes…".to_owned(),
        };
        ui.label(RichText::new(text).strong());
    });
    ui.add_space(4.0);
    let devices = state.report().map_or(&[][..], |r| r.devices.as_slice());
    fixed(ui, LINE, |ui| {
        let doing = words::phase_doing(p.phase());
        let device = p
            .current()
            .and_then(|c| words::device_at(c, devices))
            .map(|d| format!(" — {d}"))
            .unwrap_or_default();
        one_line(ui, &format!("{doing}{device}"), false);
    });
    let ((bytes, files), (total_bytes, total_files)) = (p.phase_done(), p.phase_total());
    fixed(ui, LINE, |ui| {
        let amount = words::amount_done(bytes, total_bytes, files, total_files);
        let moving_bytes =
            matches!(p.phase(), Phase::Copying | Phase::Verifying) && total_bytes > 0;
        let text = match p.speed(now) {
            Some(speed) => format!("{amount} · {}", words::speed(speed)),
            None if moving_bytes => format!("{amount} · measuring the speed…"),
            None => amount,
        };
        one_line(ui, &text, true);
    });
    ui.add_space(6.0);
    let fraction = p.phase_fraction();
    for (phase, stands) in p.phases() {
        fixed(ui, PHASE_LINE, |ui| phase_line(ui, phase, stands, fraction));
    }
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

/// The whole operation's bar: its share done as the core counts it, and
/// for a screen reader a value from 0 to 100 that matches what is drawn.
fn overall_bar(ui: &mut Ui, fraction: Option<f32>) {
    let shown = fraction.unwrap_or(0.0);
    let percent = (shown * 100.0).floor();
    // No text inside: white on the fill would vanish on the empty part.
    let response = ui.add(
        egui::ProgressBar::new(shown)
            .desired_height(18.0)
            .fill(style::accent_fill(ui.visuals().dark_mode)),
    );
    ui.ctx().accesskit_node_builder(response.id, |node| {
        node.set_label("Whole move");
        node.set_min_numeric_value(0.0);
        node.set_max_numeric_value(100.0);
        node.set_numeric_value(f64::from(percent));
    });
}

/// One phase: a mark (a tick when done, a filled dot under way, a short
/// dash ahead — nothing that looks like a button), its name, and a thin bar.
fn phase_line(ui: &mut Ui, phase: Phase, stands: PhaseState, current: Option<f32>) {
    let dark = ui.visuals().dark_mode;
    let (name_color, filled, spoken) = match stands {
        PhaseState::Done => (ui.visuals().text_color(), 1.0, "done"),
        PhaseState::Current => (style::accent(dark), current.unwrap_or(0.0), "under way"),
        PhaseState::Ahead => (ui.visuals().weak_text_color(), 0.0, "ahead"),
    };
    let (rect, response) = ui.allocate_exact_size(Vec2::splat(16.0), Sense::hover());
    let c = rect.center();
    let painter = ui.painter();
    match stands {
        PhaseState::Done => {
            let tick = Stroke::new(2.0, style::good(dark));
            painter.line_segment([c + Vec2::new(-5.0, 0.0), c + Vec2::new(-1.5, 3.5)], tick);
            painter.line_segment([c + Vec2::new(-1.5, 3.5), c + Vec2::new(5.0, -4.0)], tick);
        }
        PhaseState::Current => {
            painter.circle_filled(c, 5.0, style::accent_fill(dark));
        }
        PhaseState::Ahead => {
            painter.line_segment(
                [c + Vec2::new(-4.0, 0.0), c + Vec2::new(4.0, 0.0)],
                Stroke::new(2.0, name_color),
            );
        }
    }
    response.widget_info(|| {
        egui::WidgetInfo::labeled(
            egui::Role::Label,
            true,
            format!("{}: {spoken}", words::phase(phase)),
        )
    });
    ui.add_sized(
        Vec2::new(150.0, PHASE_LINE),
        egui::Label::new(RichText::new(words::phase(phase)).color(name_color)),
    );
    let width = (ui.available_width() - 8.0).max(40.0);
    let (rect, _) = ui.allocate_exact_size(Vec2::new(width, 4.0), Sense::hover());
    let painter = ui.painter();
    painter.rect_filled(rect, 2.0, ui.visuals().widgets.inactive.bg_fill);
    if filled > 0.0 {
        let mut done = rect;
        done.set_width(rect.width() * filled.clamp(0.0, 1.0));
        painter.rect_filled(done, 2.0, style::accent_fill(dark));
    }
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
