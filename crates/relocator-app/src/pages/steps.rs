//! The step indicator: the steps of the operation being prepared, numbered
//! and named, the current one in the accent, those done ticked. A screen
//! reader hears it as one line: "Step 2 of 6: Checks".

use egui::{Color32, FontId, Sense, Stroke, Ui, Vec2};
use relocator::locations::LocationState;

use crate::page::{Page, Step};
use relocator::Operation;

use crate::plan::Wizard as _;
use crate::state::AppState;
use crate::style;
use crate::words;

/// The steps to show and the current one.
pub struct Steps {
    /// All steps of the operation.
    pub all: &'static [Step],
    /// Where we are.
    pub current: Step,
    /// The result page shows a failure.
    pub failed: bool,
}

/// The steps for the page on screen, if it is a wizard step.
#[must_use]
pub fn for_state(state: &AppState) -> Option<Steps> {
    let current = state.page.step()?;
    let operation = match state.operation() {
        Some(op) => op,
        // Before a plan, the overview is step one of a move out, for a
        // folder on this computer.
        None if state.page == Page::Overview
            && state.location_state() == Some(&LocationState::Local) =>
        {
            Operation::Move
        }
        None => return None,
    };
    let all = operation.steps();
    let failed = state.page == Page::Failed;
    // A run that stopped (failed, refused or cancelled) never reached Done:
    // its Move step is marked stopped, and nothing after it is ticked.
    let current = if failed && all.contains(&Step::Move) {
        Step::Move
    } else {
        current
    };
    all.contains(&current).then_some(Steps {
        all,
        current,
        failed,
    })
}

/// The indicator's height (kept empty on the pages without steps).
pub const HEIGHT: f32 = 46.0;

/// Draws the indicator across the column.
pub fn indicator(ui: &mut Ui, steps: &Steps) {
    let dark = ui.visuals().dark_mode;
    let width = ui.available_width();
    let height = HEIGHT;
    let (rect, response) = ui.allocate_exact_size(Vec2::new(width, height), Sense::hover());
    let count = steps.all.len();
    let at = steps
        .all
        .iter()
        .position(|s| *s == steps.current)
        .unwrap_or(0);
    let slot = width / count as f32;
    let painter = ui.painter_at(rect);
    let text = ui.visuals().text_color();
    let weak = ui.visuals().weak_text_color();
    let accent = style::accent_fill(dark);
    let centre = |i: usize| rect.left() + slot * (i as f32 + 0.5);
    let y = rect.top() + 13.0;
    for i in 0..count.saturating_sub(1) {
        let color = if i < at {
            accent
        } else {
            Color32::from_gray(128)
        };
        painter.line_segment(
            [
                egui::pos2(centre(i) + 13.0, y),
                egui::pos2(centre(i + 1) - 13.0, y),
            ],
            Stroke::new(2.0, color),
        );
    }
    for (i, step) in steps.all.iter().enumerate() {
        let c = egui::pos2(centre(i), y);
        let (fill, mark) = if i < at {
            (accent, Mark::Tick)
        } else if i == at && steps.failed {
            (style::blocking(dark), Mark::Cross)
        } else if i == at {
            (accent, Mark::Number(i + 1))
        } else {
            (Color32::TRANSPARENT, Mark::Number(i + 1))
        };
        if fill == Color32::TRANSPARENT {
            painter.circle_stroke(c, 11.0, Stroke::new(1.5, weak));
        } else {
            painter.circle_filled(c, 11.0, fill);
        }
        match mark {
            Mark::Tick => {
                let white = Stroke::new(2.0, Color32::WHITE);
                painter.line_segment(
                    [c + egui::vec2(-5.0, 0.0), c + egui::vec2(-1.5, 3.5)],
                    white,
                );
                painter.line_segment(
                    [c + egui::vec2(-1.5, 3.5), c + egui::vec2(5.0, -3.5)],
                    white,
                );
            }
            Mark::Cross => {
                let white = Stroke::new(2.0, style::on_status(dark));
                for (a, b) in [((-4.0, -4.0), (4.0, 4.0)), ((4.0, -4.0), (-4.0, 4.0))] {
                    painter
                        .line_segment([c + egui::vec2(a.0, a.1), c + egui::vec2(b.0, b.1)], white);
                }
            }
            Mark::Number(n) => {
                let color = if i == at { Color32::WHITE } else { weak };
                painter.text(
                    c,
                    egui::Align2::CENTER_CENTER,
                    n.to_string(),
                    FontId::proportional(13.0),
                    color,
                );
            }
        }
        let (color, font) = if i == at {
            (text, FontId::proportional(13.5))
        } else {
            (weak, FontId::proportional(12.5))
        };
        painter.text(
            egui::pos2(c.x, rect.top() + 36.0),
            egui::Align2::CENTER_CENTER,
            words::step(*step),
            font,
            color,
        );
    }
    let mut name = words::step_position(steps.all, steps.current);
    if steps.failed {
        name.push_str(" (stopped)");
    }
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &name));
}

enum Mark {
    Tick,
    Cross,
    Number(usize),
}
