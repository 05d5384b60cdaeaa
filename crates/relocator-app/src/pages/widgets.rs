//! Pieces the pages share: status rows with a drawn mark, notices, the
//! primary button, paths elided in the middle, a drive's capacity bar, the
//! Details box with Copy, and rows whose controls are named by what they show.

use std::path::Path;

use egui::{Color32, FontId, Pos2, Response, RichText, Sense, Stroke, Ui, Vec2};
use relocator::units::format_bytes;
use relocator::volume::VolumeInfo;

use crate::action::Action;
use crate::state::{Notice, NoticeKind, TypedFolder};
use crate::style;

/// The state a status row shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// All good (a tick).
    Good,
    /// Know this, accept it (an exclamation mark).
    Warning,
    /// This stops it (a cross).
    Blocking,
    /// Worth knowing (an i).
    Note,
    /// Not known yet, or not reached (an empty ring).
    Pending,
}

impl Status {
    fn color(self, dark: bool) -> Color32 {
        match self {
            Status::Good => style::good(dark),
            Status::Warning => style::warning(dark),
            Status::Blocking => style::blocking(dark),
            Status::Note => style::accent(dark),
            Status::Pending => Color32::GRAY,
        }
    }

    /// What a screen reader says before the text.
    fn spoken(self) -> &'static str {
        match self {
            Status::Good => "Done",
            Status::Warning => "Warning",
            Status::Blocking => "Problem",
            Status::Note => "Note",
            Status::Pending => "Not yet",
        }
    }
}

/// A drawn mark (no font needs the glyph) and a wrapped sentence.
pub fn status_row(ui: &mut Ui, status: Status, text: &str) -> Response {
    ui.horizontal_top(|ui| {
        let (rect, _) = ui.allocate_exact_size(Vec2::splat(20.0), Sense::hover());
        let color = status.color(ui.visuals().dark_mode);
        let c = rect.center() + egui::vec2(0.0, 1.0);
        let p = ui.painter();
        let stroke = Stroke::new(2.0, color);
        match status {
            Status::Good => {
                p.circle_filled(c, 9.0, color);
                let white = Stroke::new(2.2, style::on_status(ui.visuals().dark_mode));
                p.line_segment(
                    [c + egui::vec2(-4.5, 0.0), c + egui::vec2(-1.0, 3.5)],
                    white,
                );
                p.line_segment(
                    [c + egui::vec2(-1.0, 3.5), c + egui::vec2(5.0, -3.5)],
                    white,
                );
            }
            Status::Blocking => {
                p.circle_filled(c, 9.0, color);
                let white = Stroke::new(2.2, style::on_status(ui.visuals().dark_mode));
                p.line_segment(
                    [c + egui::vec2(-3.5, -3.5), c + egui::vec2(3.5, 3.5)],
                    white,
                );
                p.line_segment(
                    [c + egui::vec2(3.5, -3.5), c + egui::vec2(-3.5, 3.5)],
                    white,
                );
            }
            Status::Warning => {
                let top = c + egui::vec2(0.0, -9.0);
                let left = c + egui::vec2(-9.5, 7.5);
                let right = c + egui::vec2(9.5, 7.5);
                p.add(egui::Shape::convex_polygon(
                    vec![top, right, left],
                    color,
                    Stroke::NONE,
                ));
                let white = Stroke::new(2.2, Color32::WHITE);
                p.line_segment([c + egui::vec2(0.0, -3.5), c + egui::vec2(0.0, 2.0)], white);
                p.circle_filled(c + egui::vec2(0.0, 4.8), 1.2, Color32::WHITE);
            }
            Status::Note => {
                p.circle_stroke(c, 8.5, stroke);
                p.line_segment(
                    [c + egui::vec2(0.0, -1.0), c + egui::vec2(0.0, 4.5)],
                    stroke,
                );
                p.circle_filled(c + egui::vec2(0.0, -4.0), 1.3, color);
            }
            Status::Pending => {
                p.circle_stroke(c, 8.5, stroke);
            }
        }
        let label = ui.add(egui::Label::new(text).wrap());
        label.widget_info(|| {
            egui::WidgetInfo::labeled(
                egui::Role::Label,
                true,
                format!("{}: {text}", status.spoken()),
            )
        });
        label
    })
    .inner
}

/// A notice at the top of a page, with a way to close it.
pub fn notice(ui: &mut Ui, notice: &Notice) -> Option<Action> {
    let dark = ui.visuals().dark_mode;
    let color = match notice.kind {
        NoticeKind::Info => style::accent(dark),
        NoticeKind::Problem => style::blocking(dark),
    };
    let mut action = None;
    egui::Frame::group(ui.style())
        .stroke(Stroke::new(1.5, color))
        .inner_margin(10.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal_top(|ui| {
                let status = match notice.kind {
                    NoticeKind::Info => Status::Note,
                    NoticeKind::Problem => Status::Blocking,
                };
                ui.scope(|ui| {
                    ui.set_max_width(ui.available_width() - 90.0);
                    status_row(ui, status, &notice.text);
                });
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                    if ui
                        .button("Close")
                        .on_hover_text("Close this message")
                        .clicked()
                    {
                        action = Some(Action::DismissNotice);
                    }
                });
            });
        });
    action
}

/// The page's one primary button, filled with the accent.
pub fn primary_button(ui: &mut Ui, label: &str, enabled: bool) -> Response {
    let dark = ui.visuals().dark_mode;
    let text = RichText::new(label).strong().color(if enabled {
        style::ON_ACCENT
    } else {
        ui.visuals().weak_text_color()
    });
    let button = egui::Button::new(text).min_size(egui::vec2(110.0, 34.0));
    let button = if enabled {
        button.fill(style::accent_fill(dark))
    } else {
        button
    };
    ui.add_enabled(enabled, button)
}

/// A secondary button of the same height as the primary one.
pub fn secondary_button(ui: &mut Ui, label: &str, enabled: bool) -> Response {
    ui.add_enabled(
        enabled,
        egui::Button::new(label).min_size(egui::vec2(90.0, 34.0)),
    )
}

/// Draws a part of a page that can change while it shows (a drive in the
/// list, a folder being scanned, the list as a whole, the page under a
/// notice) with ids taken from `key`, not from its place. A screen reader
/// presses a control by the id it read from the tree a moment ago; with
/// place-based ids, a row dropped or added above would send that press to
/// nothing, or to another control.
pub fn keyed_row<R>(
    ui: &mut Ui,
    key: impl std::hash::Hash + std::fmt::Debug,
    row: impl FnOnce(&mut Ui) -> R,
) -> R {
    let id = ui.scope_id().with(("row", key));
    ui.scope_builder(egui::UiBuilder::new().scope_id(id), row)
        .inner
}

/// A section heading inside a page.
pub fn section(ui: &mut Ui, text: &str) {
    ui.add_space(6.0);
    ui.label(RichText::new(text).size(18.0).strong());
}

/// `text` shortened in the middle ("/Users/ana/…/MobileSync/Backup") to fit `width`.
#[must_use]
pub fn elide_middle(ui: &Ui, text: &str, font: &FontId, width: f32) -> String {
    let measure = |s: &str| {
        ui.ctx()
            .fonts_mut(|f| f.layout_no_wrap(s.to_owned(), font.clone(), Color32::WHITE))
            .size()
            .x
    };
    if measure(text) <= width {
        return text.to_owned();
    }
    let chars: Vec<char> = text.chars().collect();
    let cut = |keep: usize| -> String {
        let head = keep.div_ceil(2).min(chars.len());
        let tail = (keep / 2).min(chars.len() - head);
        let mut s: String = chars[..head].iter().collect();
        s.push('…');
        s.extend(&chars[chars.len() - tail..]);
        s
    };
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let mid = usize::midpoint(fits, too_long);
        if measure(&cut(mid)) <= width {
            fits = mid;
        } else {
            too_long = mid;
        }
    }
    cut(fits)
}

/// A path in the body font on one line, elided in the middle, whole on hover.
pub fn path_label(ui: &mut Ui, path: &Path) -> Response {
    let text = path.display().to_string();
    let font = egui::TextStyle::Body.resolve(ui.style());
    let shown = elide_middle(ui, &text, &font, ui.available_width());
    let response = ui.add(egui::Label::new(RichText::new(shown)).truncate());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, &text));
    response.on_hover_text(text)
}

/// One line elided in the middle to the width available (fixed height).
pub fn one_line(ui: &mut Ui, text: &str, weak: bool) -> Response {
    let font = egui::TextStyle::Body.resolve(ui.style());
    let shown = elide_middle(ui, text, &font, ui.available_width());
    let rich = if weak {
        RichText::new(shown).weak()
    } else {
        RichText::new(shown)
    };
    let response = ui.add(egui::Label::new(rich).truncate());
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, text));
    response
}

/// Where the backups are, for a drive's card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backups {
    /// Bytes a move is about to put on the drive (the card shows the drive
    /// as it is and what stays free after the move).
    Coming(u64),
    /// Bytes of backups already on it (the card shows what is free now).
    There(u64),
}

/// A drive's card, as Migration Assistant shows one: the drive's name
/// large, a bar across the column with a legend under it (used, your
/// backups, free) and how much stays free on it. `name` is the drive's
/// name as every page says it ([`AppState::place_name`]).
///
/// [`AppState::place_name`]: crate::state::AppState::place_name
pub fn drive_card(ui: &mut Ui, v: &VolumeInfo, name: &str, backups: Backups) -> Response {
    ui.label(RichText::new(name).size(19.0).strong());
    ui.label(RichText::new(crate::words::drive_line(v)).weak());
    let shares = Shares::of(v, backups);
    let response = capacity_bar(ui, v, &shares);
    ui.label(match backups {
        Backups::Coming(_) => crate::words::free_after(shares.free, Some(name)),
        Backups::There(_) => crate::words::free_now(shares.free, name),
    });
    response
}

/// A drive's room, as its card draws and words it.
struct Shares {
    /// What the rest of the drive holds.
    used: u64,
    /// The backups' part of the bar (no more than there is room for).
    drawn: u64,
    /// The backups' size as the legend says it.
    backups: u64,
    /// What stays free.
    free: u64,
    /// "Free after" (a move to come) or "Free" (backups already there).
    free_label: &'static str,
    /// A move too big for the drive.
    over: bool,
}

impl Shares {
    fn of(v: &VolumeInfo, backups: Backups) -> Self {
        let in_use = v.total_bytes.saturating_sub(v.free_bytes);
        match backups {
            // A move too big for the drive shows its whole size (in red).
            Backups::Coming(bytes) => Self {
                used: in_use,
                drawn: bytes.min(v.free_bytes),
                backups: bytes,
                free: v.free_bytes.saturating_sub(bytes),
                free_label: "Free after",
                over: bytes > v.free_bytes,
            },
            // Backups already there: no more than the drive holds.
            Backups::There(bytes) => Self {
                used: in_use.saturating_sub(bytes),
                drawn: bytes.min(in_use),
                backups: bytes.min(in_use),
                free: v.free_bytes,
                free_label: "Free",
                over: false,
            },
        }
    }
}

/// The bar of [`drive_card`] and its legend.
fn capacity_bar(ui: &mut Ui, v: &VolumeInfo, shares: &Shares) -> Response {
    let dark = ui.visuals().dark_mode;
    let width = ui.available_width();
    let (rect, response) = ui.allocate_exact_size(egui::vec2(width, 14.0), Sense::hover());
    let total = v.total_bytes.max(1) as f32;
    let used = shares.used as f32 / total;
    let taken = shares.drawn as f32 / total;
    let (used_color, backups_color) = (
        Color32::from_gray(if dark { 120 } else { 150 }),
        if shares.over {
            style::blocking(dark)
        } else {
            style::accent_fill(dark)
        },
    );
    let p = ui.painter();
    p.rect_filled(rect, 4.0, ui.visuals().extreme_bg_color);
    let x = |f: f32| rect.left() + rect.width() * f.clamp(0.0, 1.0);
    let used_rect = egui::Rect::from_min_max(rect.min, Pos2::new(x(used), rect.bottom()));
    p.rect_filled(used_rect, 4.0, used_color);
    let backups_rect = egui::Rect::from_min_max(
        Pos2::new(x(used), rect.top()),
        Pos2::new(x(used + taken), rect.bottom()),
    );
    p.rect_filled(backups_rect, 0.0, backups_color);
    p.rect_stroke(
        rect,
        4.0,
        Stroke::new(1.0, ui.visuals().widgets.inactive.bg_stroke.color),
        egui::StrokeKind::Inside,
    );
    let parts = [
        (used_color, format!("Used {}", format_bytes(shares.used))),
        (
            backups_color,
            format!("Your backups {}", format_bytes(shares.backups)),
        ),
        (
            ui.visuals().extreme_bg_color,
            format!("{} {}", shares.free_label, format_bytes(shares.free)),
        ),
    ];
    ui.horizontal_wrapped(|ui| {
        for (color, text) in &parts {
            let (swatch, _) = ui.allocate_exact_size(egui::vec2(12.0, 12.0), Sense::hover());
            ui.painter().rect_filled(swatch, 2.0, *color);
            ui.painter().rect_stroke(
                swatch,
                2.0,
                Stroke::new(1.0, ui.visuals().widgets.inactive.bg_stroke.color),
                egui::StrokeKind::Inside,
            );
            ui.label(RichText::new(text).weak());
        }
    });
    let text = parts
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join(" · ");
    response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Meter, true, &text));
    response
}

/// The technical detail behind a fold, readable, with a Copy button.
pub fn details(ui: &mut Ui, text: &str) -> Option<Action> {
    let mut action = None;
    egui::CollapsingHeader::new(crate::words::DETAILS)
        .id_salt("details")
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("details-text")
                .max_height(160.0)
                .show(ui, |ui| {
                    ui.add(
                        egui::Label::new(RichText::new(text).monospace())
                            .selectable(true)
                            .wrap(),
                    );
                });
            if ui.button("Copy details").clicked() {
                action = Some(Action::CopyText(text.to_owned()));
            }
        });
    action
}

/// The field to type or paste a folder's path, shown when no dialog can open, with the reason.
pub fn typed_folder(ui: &mut Ui, typed: &TypedFolder) -> Option<Action> {
    let mut action = None;
    ui.add_space(6.0);
    status_row(ui, Status::Warning, &typed.reason);
    let label = ui.label("Folder path (type or paste it):");
    // Shown once in view when it appears (it may open below the fold).
    let seen = egui::Id::unique(("typed-folder-seen", &typed.reason));
    if !ui.data(|d| d.get_temp::<bool>(seen).unwrap_or(false)) {
        label.scroll_to_me(Some(egui::Align::Center));
        ui.data_mut(|d| d.insert_temp(seen, true));
    }
    ui.horizontal(|ui| {
        let mut text = typed.text.clone();
        let field = ui.add(
            egui::TextEdit::singleline(&mut text)
                .id_salt(("typed-folder", typed.purpose))
                .hint_text("/Volumes/Big Drive")
                .desired_width((ui.available_width() - 170.0).max(160.0)),
        );
        let field = field.labelled_by(label.id);
        if field.changed() {
            action = Some(Action::EditTypedFolder(text.clone()));
        }
        let submitted = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if ui.button("Use this folder").clicked() || submitted {
            action = Some(Action::UseTypedFolder(typed.purpose, text));
        }
    });
    action
}

/// What a person should know after a move (`after`, once read) about the
/// backups on `drive`: the space snapshots still hold, and whether the
/// backups there have a second copy.
pub fn after_move(ui: &mut Ui, after: Option<&relocator::accounting::AfterMove>, drive: &str) {
    let Some(after) = after else {
        return;
    };
    if after.snapshots_hold_space {
        status_row(ui, Status::Note, crate::words::SNAPSHOTS_HOLD_SPACE);
    }
    if let Some((good, sentence)) = crate::words::second_copy(after.second_copy, drive) {
        let status = if good { Status::Good } else { Status::Warning };
        status_row(ui, status, &sentence);
    }
}
