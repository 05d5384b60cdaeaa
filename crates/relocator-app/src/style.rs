//! The look: comfortable text sizes, roomy spacing, one accent colour for
//! the primary action and the focus ring, and colours for good, warning and
//! blocking states that read in light and dark themes alike.

use egui::{Color32, FontFamily, FontId, Stroke, TextStyle};

/// The accent: the primary button, the current step, the focus ring.
#[must_use]
pub fn accent(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x4c, 0x9a, 0xff)
    } else {
        Color32::from_rgb(0x0a, 0x64, 0xd8)
    }
}

/// Text on the accent.
pub const ON_ACCENT: Color32 = Color32::WHITE;

/// Green for "all good".
#[must_use]
pub fn good(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x5f, 0xd3, 0x8d)
    } else {
        Color32::from_rgb(0x1e, 0x7e, 0x34)
    }
}

/// Amber for "know this first".
#[must_use]
pub fn warning(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0xf0, 0xb4, 0x29)
    } else {
        Color32::from_rgb(0xa8, 0x5d, 0x00)
    }
}

/// Red for "this stops it".
#[must_use]
pub fn blocking(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0xff, 0x6b, 0x6b)
    } else {
        Color32::from_rgb(0xc0, 0x1c, 0x28)
    }
}

/// The widest the content column grows: lines stay readable on big windows.
pub const COLUMN_WIDTH: f32 = 720.0;

/// The least space beside the column, on a narrow window.
pub const SIDE_MARGIN: f32 = 14.0;

/// The smallest window at which every page is usable.
pub const MIN_WINDOW: [f32; 2] = [560.0, 460.0];

/// Page titles.
pub const TITLE_SIZE: f32 = 26.0;

/// Applies sizes and spacing to both themes.
pub fn apply(ctx: &egui::Context) {
    ctx.all_styles_mut(|style| {
        style.text_styles = [
            (
                TextStyle::Heading,
                FontId::new(TITLE_SIZE, FontFamily::Proportional),
            ),
            (TextStyle::Body, FontId::new(15.5, FontFamily::Proportional)),
            (
                TextStyle::Button,
                FontId::new(15.5, FontFamily::Proportional),
            ),
            (
                TextStyle::Small,
                FontId::new(13.0, FontFamily::Proportional),
            ),
            (
                TextStyle::Monospace,
                FontId::new(14.0, FontFamily::Monospace),
            ),
        ]
        .into();
        style.spacing.item_spacing = egui::vec2(10.0, 9.0);
        style.spacing.button_padding = egui::vec2(14.0, 7.0);
        style.spacing.interact_size.y = 32.0;
        style.spacing.icon_width = 18.0;
        style.spacing.icon_width_inner = 10.0;
        // Scroll bars that are there whenever there is more to see, not
        // only under the mouse: a table wider than the window says so.
        style.spacing.scroll = egui::style::ScrollStyle::solid();
        let dark = style.visuals.dark_mode;
        let ring = Stroke::new(2.5, accent(dark));
        style.visuals.selection.stroke = ring;
        style.visuals.widgets.hovered.bg_stroke =
            Stroke::new(1.5, accent(dark).gamma_multiply(0.7));
        style.visuals.hyperlink_color = accent(dark);
    });
}

/// Draws a clear ring around the widget that has keyboard focus.
pub fn focus_ring(ctx: &egui::Context) {
    let Some(id) = ctx.memory(egui::Memory::focused) else {
        return;
    };
    let Some(response) = ctx.read_response(id) else {
        return;
    };
    let dark = ctx.global_style().visuals.dark_mode;
    let painter = ctx.layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("focus-ring"),
    ));
    painter.rect_stroke(
        response.rect.expand(3.0),
        6.0,
        Stroke::new(2.5, accent(dark)),
        egui::StrokeKind::Outside,
    );
}
