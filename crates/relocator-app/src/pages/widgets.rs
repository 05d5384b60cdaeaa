//! Small pieces the pages share: status lines, notices, size bars.

use egui::{Color32, RichText, Ui};

/// Green for "all good", readable in light and dark themes.
pub fn ok_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(0x5f, 0xd3, 0x8d)
    } else {
        Color32::from_rgb(0x1e, 0x7e, 0x34)
    }
}

/// A line with a ✔ or ✖ in front.
pub fn status_line(ui: &mut Ui, ok: bool, text: &str) {
    ui.horizontal_wrapped(|ui| {
        if ok {
            ui.label(RichText::new("✔").color(ok_color(ui)).strong());
        } else {
            ui.label(RichText::new("✖").color(ui.visuals().error_fg_color).strong());
        }
        ui.label(text);
    });
}

/// A warning line with a ⚠ in front.
pub fn warning_line(ui: &mut Ui, text: &str) {
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new("⚠").color(ui.visuals().warn_fg_color).strong());
        ui.label(text);
    });
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
    let fraction = if free == 0 { 1.0 } else { (needed as f32 / free as f32).min(1.0) };
    let text = format!(
        "{} needed of {} free",
        relocator::units::format_bytes(needed),
        relocator::units::format_bytes(free)
    );
    let bar = egui::ProgressBar::new(fraction).text(text);
    let bar = if needed > free { bar.fill(ui.visuals().error_fg_color) } else { bar };
    ui.add(bar);
}
