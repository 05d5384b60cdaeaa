//! Small pieces the pages share: status lines, notices, size bars.

use egui::{Color32, Ui};

/// Green for "all good", readable in light and dark themes.
pub fn ok_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(0x5f, 0xd3, 0x8d)
    } else {
        Color32::from_rgb(0x1e, 0x7e, 0x34)
    }
}

/// A coloured dot (drawn, so no font needs the glyph) before a wrapped text.
fn dot_line(ui: &mut Ui, color: Color32, text: &str) {
    ui.horizontal_wrapped(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), egui::Sense::hover());
        ui.painter().circle_filled(rect.center(), 5.0, color);
        ui.label(text);
    });
}

/// A line with a green (all good) or red (blocking) dot in front.
pub fn status_line(ui: &mut Ui, ok: bool, text: &str) {
    let color = if ok {
        ok_color(ui)
    } else {
        ui.visuals().error_fg_color
    };
    dot_line(ui, color, text);
}

/// A warning line with an amber dot in front.
pub fn warning_line(ui: &mut Ui, text: &str) {
    let color = ui.visuals().warn_fg_color;
    dot_line(ui, color, text);
}

/// A framed message at the top of a page.
pub fn notice(ui: &mut Ui, text: &str) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.label(text);
    });
}

/// A bar of `needed` against `free`, labelled.
pub fn space_bar(ui: &mut Ui, needed: u64, free: u64) {
    let fraction = if free == 0 {
        1.0
    } else {
        (needed as f32 / free as f32).min(1.0)
    };
    let text = format!(
        "{} needed of {} free",
        relocator::units::format_bytes(needed),
        relocator::units::format_bytes(free)
    );
    let bar = egui::ProgressBar::new(fraction).text(text);
    let bar = if needed > free {
        bar.fill(ui.visuals().error_fg_color)
    } else {
        bar
    };
    ui.add(bar);
}
