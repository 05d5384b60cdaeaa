//! The frame around every page — the top bar (the app's name, the home
//! pages, the step indicator), a centred column of readable width, and the
//! bottom bar with Back and the page's one primary button in a fixed place
//! — plus the keyboard (Enter, Esc), the "stop and undo?" question, the
//! window's accessible name, and one file per page.

mod buttons;
mod checks;
mod destination;
mod devices;
mod done;
mod failed;
mod manage;
mod one_device;
mod overview;
mod preferences;
mod review;
mod steps;
mod way_forward;
mod widgets;
mod working;

use egui::{Key, RichText, Ui};

use crate::action::Action;
use crate::page::Page;
use crate::state::AppState;
use crate::style;

pub use buttons::{Buttons, Primary, for_page as buttons_for};

/// The title of `page` as its heading and the window's name show it.
#[must_use]
pub fn title(state: &AppState) -> String {
    match state.page {
        Page::Overview => "Your backups".to_owned(),
        Page::Checks => "Before we start".to_owned(),
        Page::Destination => "Where should the backups go?".to_owned(),
        Page::Review => "Ready to go".to_owned(),
        Page::Working => crate::words::working_title(
            state
                .operation()
                .or_else(|| state.worker.as_ref().and_then(|w| w.job.operation())),
        )
        .to_owned(),
        Page::Done => "Done".to_owned(),
        Page::Failed => match &state.result {
            Some(crate::worker::JobResult::Failed(f)) => {
                crate::words::failure_headline(&f.failure, state.operation()).to_owned()
            }
            _ => "That did not work".to_owned(),
        },
        Page::Manage => "Moved backups".to_owned(),
        Page::Preferences => "Preferences".to_owned(),
    }
}

impl AppState {
    /// Draws one frame and applies what the page asked for (the state's
    /// own changes all go through [`AppState::apply`]).
    pub fn ui(&mut self, ui: &mut Ui) {
        self.poll();
        if let Some(action) = frame(self, ui) {
            self.apply(action);
        }
        if self.page == Page::Destination {
            ui.ctx().request_repaint_after(crate::state::DRIVES_REFRESH);
        }
    }
}

/// Draws the whole window for the current page; returns what the person asked for.
fn frame(state: &mut AppState, ui: &mut Ui) -> Option<Action> {
    let ctx = ui.ctx().clone();
    if let Some(text) = state.clipboard.take() {
        ctx.copy_text(text);
    }
    let page_title = title(state);
    // The window's name for screen readers: the app and the page.
    ctx.accesskit_node_builder(egui::accesskit_root_id(), |node| {
        node.set_label(format!("Backup Relocator — {page_title}"));
    });
    let buttons = buttons::for_page(state);
    let mut action = None;

    egui::Panel::top("top-bar").show(ui, |ui| {
        ui.add_space(6.0);
        centered(ui, |ui| {
            if let Some(a) = top_bar(state, ui) {
                action = Some(a);
            }
            ui.add_space(4.0);
            match steps::for_state(state) {
                Some(steps) => steps::indicator(ui, &steps),
                // The same height on every page: the frame never jumps.
                None => ui.add_space(steps::HEIGHT),
            }
        });
        ui.add_space(6.0);
    });
    egui::Panel::bottom("bottom-bar")
        .exact_size(58.0)
        .show(ui, |ui| {
            centered(ui, |ui| {
                ui.add_space(10.0);
                if let Some(a) = buttons::bar(ui, &buttons) {
                    action = Some(a);
                }
            });
        });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical()
            .id_salt(("page", state.page as u8))
            .auto_shrink([false, false])
            .show(ui, |ui| {
                centered(ui, |ui| {
                    ui.add_space(8.0);
                    ui.add(egui::Label::new(
                        RichText::new(&page_title).heading().strong(),
                    ));
                    ui.add_space(6.0);
                    if let Some(notice) = &state.notice
                        && let Some(a) = widgets::notice(ui, notice)
                    {
                        action = Some(a);
                    }
                    // Keyed by the page: a notice appearing above it leaves
                    // its controls' ids (what a screen reader presses) alone.
                    let page_action =
                        widgets::keyed_row(ui, ("page", state.page as u8), |ui| match state.page {
                            Page::Overview => overview::ui(state, ui),
                            Page::Checks => checks::ui(state, ui),
                            Page::Destination => destination::ui(state, ui),
                            Page::Review => review::ui(state, ui),
                            Page::Working => working::ui(state, ui),
                            Page::Done => done::ui(state, ui),
                            Page::Failed => failed::ui(state, ui),
                            Page::Manage => manage::ui(state, ui),
                            Page::Preferences => preferences::ui(state, ui),
                        });
                    if page_action.is_some() {
                        action = page_action;
                    }
                    ui.add_space(12.0);
                });
            });
    });
    if state.asking_cancel
        && let Some(a) = ask_cancel(&ctx, state)
    {
        action = Some(a);
    }
    if action.is_none() {
        action = keys(&ctx, state, &buttons);
    }
    style::focus_ring(&ctx);
    action
}

/// Lays `content` out in a column of readable width, centred in the space there is.
fn centered<R>(ui: &mut Ui, content: impl FnOnce(&mut Ui) -> R) -> R {
    let available = ui.available_width();
    let width = (available - 2.0 * style::SIDE_MARGIN).clamp(0.0, style::COLUMN_WIDTH);
    let margin = ((available - width) / 2.0).max(0.0);
    ui.horizontal_top(|ui| {
        ui.add_space(margin);
        ui.vertical(|ui| {
            ui.set_width(width);
            content(ui)
        })
        .inner
    })
    .inner
}

/// The app's name, the demo badge, and the home pages (outside an operation).
fn top_bar(state: &AppState, ui: &mut Ui) -> Option<Action> {
    let mut action = None;
    ui.horizontal(|ui| {
        ui.label(RichText::new("Backup Relocator").strong().size(16.0));
        if state.config.is_demo() {
            ui.label(
                RichText::new(" Demo ")
                    .strong()
                    .color(egui::Color32::BLACK)
                    .background_color(egui::Color32::from_rgb(0xff, 0xd1, 0x66)),
            )
            .on_hover_text("A sample backup in a temporary folder: nothing real is touched.");
        }
        if state.page.is_in_a_flow() {
            return;
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            for (page, label) in [
                (Page::Preferences, "Preferences"),
                (Page::Manage, "Moved backups"),
                (Page::Overview, "Overview"),
            ] {
                let response = ui.selectable_label(state.page == page, label);
                if response.clicked() && state.page != page {
                    action = Some(Action::Show(page));
                }
            }
        });
    });
    action
}

/// "Stop and put everything back?", over the page; closes itself when the job ends.
fn ask_cancel(ctx: &egui::Context, state: &AppState) -> Option<Action> {
    let mut action = None;
    egui::Modal::new(egui::Id::unique("ask-cancel")).show(ctx, |ui| {
        ui.set_width(380.0);
        ui.label(
            RichText::new("Stop and put everything back?")
                .size(19.0)
                .strong(),
        );
        ui.add_space(4.0);
        let place = state.report().map_or_else(
            || "where they are".to_owned(),
            |r| format!("on {}", state.place_name(&r.backups_now())),
        );
        ui.label(format!(
            "What was copied so far is deleted. Your backups stay {place}, as they are now."
        ));
        ui.add_space(10.0);
        // Going on is the default (the accent, the right-hand place);
        // stopping is the plain button.
        ui.horizontal(|ui| {
            if widgets::secondary_button(ui, "Stop and undo", true).clicked() {
                action = Some(Action::ConfirmCancel);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if widgets::primary_button(ui, "Keep going", true).clicked() {
                    action = Some(Action::KeepGoing);
                }
            });
        });
    });
    action
}

/// Enter = the primary button (when no control has focus); Esc = Back, Cancel or close.
fn keys(ctx: &egui::Context, state: &AppState, buttons: &Buttons) -> Option<Action> {
    // A key held down repeats: only its first press counts, so holding Enter
    // cannot walk through the wizard into a start.
    let first_press = |key: Key| {
        ctx.input(|i| {
            i.events.iter().any(|e| {
                matches!(e, egui::Event::Key { key: k, pressed: true, repeat: false, .. } if *k == key)
            })
        })
    };
    let (enter, escape) = (first_press(Key::Enter), first_press(Key::Escape));
    if escape {
        if state.asking_cancel {
            return Some(Action::KeepGoing);
        }
        if state.page == Page::Working {
            return state.can_cancel().then_some(Action::AskCancel);
        }
        if let Some(back) = &buttons.back {
            return Some(back.1.clone());
        }
        if matches!(state.page, Page::Manage | Page::Preferences) {
            return Some(Action::Show(Page::Overview));
        }
    }
    let focused = ctx.memory(egui::Memory::focused).is_some();
    if enter && !focused && !state.asking_cancel && !ctx.egui_wants_keyboard_input() {
        return buttons
            .primary
            .as_ref()
            .filter(|p| p.enabled && p.accent)
            .map(|p| p.action.clone());
    }
    None
}
